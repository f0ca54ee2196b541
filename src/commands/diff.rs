//! `heapdiff diff`.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::analysis::{Analysis, Options};
use crate::cli::DiffArgs;
use crate::output;
use crate::render::{self, Format, Style};
use crate::report::Report;

pub fn run(args: &DiffArgs, color: bool) -> anyhow::Result<ExitCode> {
    if args.format == Format::Pprof
        && args.output.as_ref().is_none_or(|p| p.as_os_str() == "-")
        && std::io::stdout().is_terminal()
    {
        anyhow::bail!(
            "--format pprof writes binary data: give -o FILE or redirect standard output"
        );
    }
    let paths = crate::inputs::expand(&args.profiles)?;
    if paths.len() < 2 {
        anyhow::bail!(
            "diff needs at least two profiles, but {} named only {}",
            args.profiles
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            paths.len()
        );
    }
    let opts = Options {
        sample_index: args.input.sample_index.clone(),
        frames: crate::stacks::FrameOptions {
            lines: args.input.lines,
        },
        keep_order: args.input.keep_order,
    };
    let analysis = Analysis::from_paths(&paths, &opts)?;
    let to_file = args.output.as_ref().is_some_and(|p| p.as_os_str() != "-");
    let style = Style {
        color: color && !to_file,
    };
    let bytes = match args.format {
        Format::Pprof => render::pprof::render(&analysis),
        f => {
            let report = Report::new(&analysis, args.top);
            match f {
                Format::Table => render::table::render(&report, style),
                Format::Json => render::json::render(&report),
                Format::Csv => render::csv::render(&report),
                Format::Markdown => render::markdown::render(&report),
                Format::Pprof => unreachable!("handled above"),
            }
            .into_bytes()
        }
    };
    output::write(args.output.as_deref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}
