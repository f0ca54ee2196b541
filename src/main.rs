//! The heapdiff binary: parse the command line, run a command, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

use heapdiff::cli::{Cli, Command};
use heapdiff::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("heapdiff: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let color = commands::use_color(cli.color);
    match &cli.command {
        Command::Diff(a) => commands::diff::run(a, color),
        Command::Flamegraph(a) => commands::flamegraph::run(a),
        Command::Show(a) => commands::show::run(a),
        Command::Generate(a) => commands::generate::run(a),
    }
}

/// A closed pipe (`heapdiff ... | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
