//! The heapdiff binary: the command-line tool built on the heapdiff library (see `cli`).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
