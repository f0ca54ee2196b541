//! One module per subcommand: each turns parsed arguments into a run of the engine.

pub mod diff;
pub mod flamegraph;
pub mod generate;
pub mod show;

use std::io::IsTerminal;

use crate::cli::ColorChoice;

/// Whether to colour standard output: `--color always|never`, else only on a terminal and
/// only when `NO_COLOR` is unset or empty.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
