//! The command-line tool, the engine's user: parse ([`args`]), resolve once ([`config`]), run
//! one command (a few lines each), write ([`output`]), and map the outcome to an exit code
//! ([`exit`]). Errors are one line, `heapdiff: error: ...`.

pub mod alloc;
pub mod args;
mod capture;
pub mod config;
mod diff;
pub mod exit;
pub mod fail;
mod flamegraph;
mod generate;
pub mod output;
mod show;
mod snapshots;
mod watch;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use args::{Cli, Command};
use config::{DiffConfig, FlameConfig, ShowConfig};
use exit::Exit;

/// Says something on standard error that did not stop the run.
pub fn note(msg: &str) {
    eprintln!("heapdiff: note: {msg}");
}

/// Parses the command line, runs the command, and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match run(&cli) {
        Ok(exit) => exit.into(),
        Err(e) if e.is_broken_pipe() => Exit::Done.into(),
        Err(e) => {
            let msg = e.to_string();
            eprintln!("heapdiff: error: {}", msg.replace('\n', " "));
            Exit::Bad.into()
        }
    }
}

fn run(cli: &Cli) -> fail::Result<Exit> {
    match &cli.command {
        Command::Diff(a) => diff::run(&DiffConfig::new(a, cli.color)?),
        Command::Flamegraph(a) => flamegraph::run(&FlameConfig::new(a)?),
        Command::Show(a) => show::run(&ShowConfig::new(a, cli.color)?),
        Command::Capture(a) => capture::run(&config::CaptureConfig::new(a)?),
        Command::Watch(a) => watch::run(&config::WatchConfig::new(a, cli.color)?),
        Command::Generate(a) => generate::run(a),
    }
}

/// Help and version go to standard output as clap writes them; a usage error is one line
/// `heapdiff: error: ...` and at most one hint line, exit 2.
fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return Exit::Done.into();
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return Exit::Bad.into();
        }
        _ => {}
    }
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid usage");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    eprintln!("heapdiff: error: {first}");
    let rest: Vec<&str> = lines.collect();
    if let Some(tip) = rest.iter().find_map(|l| l.strip_prefix("tip: ")) {
        eprintln!("heapdiff: hint: {tip}");
    } else if let Some(usage) = rest.iter().find_map(|l| l.strip_prefix("Usage: ")) {
        let cmd: Vec<&str> = usage
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<']))
            .collect();
        eprintln!(
            "heapdiff: hint: usage: {usage} (see '{} --help')",
            cmd.join(" ")
        );
    }
    Exit::Bad.into()
}
