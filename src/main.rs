//! The heapdiff binary: the command-line tool built on the heapdiff library (see `cli`).

mod cli;

#[global_allocator]
static ALLOC: cli::alloc::Alloc = cli::alloc::Alloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
