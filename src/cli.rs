//! The command line, as clap definitions. Doc comments here are the `--help` text, the man
//! pages and the completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;
use crate::sample_type::SampleIndex;

pub const EXIT_CODES: &str = "\
Exit codes:
  0  done (no gate tripped)
  1  a CI gate (--fail-on-...) tripped
  2  bad usage or bad input (the message names the file and the problem)";

/// Diff pprof heap profiles per stack, rank the allocation sites that leak, and draw
/// flamegraphs of new retention.
#[derive(Debug, Parser)]
#[command(name = "heapdiff", version, about, max_term_width = 100, after_help = EXIT_CODES)]
pub struct Cli {
    /// When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always,
    /// never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Diff(DiffArgs),
    /// Regenerate man pages and shell completions (for maintainers).
    #[command(hide = true)]
    Generate(GenerateArgs),
}

/// Options shared by every command that reads profiles.
#[derive(Debug, Args, Clone)]
pub struct ProfileOptions {
    /// Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default:
    /// inuse_space when present, else the profile's default type, else the last type.
    #[arg(
        long = "sample-index",
        short = 'i',
        value_name = "NAME|N",
        help_heading = "Input"
    )]
    pub sample_index: Option<SampleIndex>,

    /// Tell frames apart by line number too (by default a function is one frame).
    #[arg(long, help_heading = "Input")]
    pub lines: bool,

    /// Keep the profiles in the order given even when they carry timestamps (by default they
    /// are ordered by their own time).
    #[arg(long, help_heading = "Input")]
    pub keep_order: bool,
}

/// Compare a base heap profile with one or more later ones and show what grew.
///
/// Reads profile.proto files (gzipped or not) and Go's legacy text heap profiles; `-` reads
/// standard input. Per function, flat and cum deltas equal `go tool pprof -diff_base=BASE NEW`.
#[derive(Debug, Args)]
#[command(after_help = DIFF_EXAMPLES)]
pub struct DiffArgs {
    /// The base profile, then the later profile(s): files, `-` for standard input, directories
    /// (their profile files, by name) or `*` patterns.
    #[arg(value_name = "PROFILE", num_args = 1.., required = true)]
    pub profiles: Vec<PathBuf>,

    #[command(flatten)]
    pub input: ProfileOptions,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table, help_heading = "Output")]
    pub format: Format,

    /// Write to FILE instead of standard output (replaced atomically; `-` is standard output).
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Rows the table and Markdown show (JSON, CSV and pprof always hold every change).
    #[arg(long, default_value_t = 20, value_name = "N", help_heading = "Output")]
    pub top: usize,
}

const DIFF_EXAMPLES: &str = "\
Examples:
  heapdiff diff testdata/go/leak/heap_001.pb.gz testdata/go/leak/heap_004.pb.gz
  heapdiff diff --format json testdata/go/leak
  heapdiff diff --format pprof -o delta.pb.gz testdata/go/leak

Exit codes:
  0  done (no gate tripped)
  1  a CI gate (--fail-on-...) tripped
  2  bad usage or bad input (the message names the file and the problem)";

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate.
    #[arg(value_enum)]
    pub what: GenerateWhat,
    /// Directory to write into (default: man/ or completions/ under the current directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerateWhat {
    Man,
    Completions,
    All,
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
