//! `heapdiff diff`.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::analysis::Analysis;
use crate::cli::DiffArgs;
use crate::output;
use crate::rank::{self, RankOptions, SiteRules};
use crate::render::{self, Format, Style};
use crate::report::{Gates, Report};

/// Work done at each snapshot, in snapshot order, from `--work` (argument order) or
/// `--work-step`.
fn work_axis(args: &DiffArgs, a: &Analysis) -> anyhow::Result<Option<Vec<f64>>> {
    if let Some(w) = &args.work {
        if w.len() != a.snapshots.len() {
            anyhow::bail!(
                "--work has {} values but there are {} profiles",
                w.len(),
                a.snapshots.len()
            );
        }
        return Ok(Some(a.snapshots.iter().map(|s| w[s.arg_index]).collect()));
    }
    Ok(args
        .work_step
        .map(|step| (0..a.snapshots.len()).map(|i| i as f64 * step).collect()))
}

pub fn run(args: &DiffArgs, color: bool) -> anyhow::Result<ExitCode> {
    if args.format == Format::Pprof
        && args.output.as_ref().is_none_or(|p| p.as_os_str() == "-")
        && std::io::stdout().is_terminal()
    {
        anyhow::bail!(
            "--format pprof writes binary data: give -o FILE or redirect standard output"
        );
    }
    let rules = SiteRules::new(&args.sites.skip, &args.sites.keep).map_err(anyhow::Error::msg)?;
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
    let opts = args.input.analysis_options();
    let analysis = Analysis::from_paths(&paths, &opts)?;
    let work = work_axis(args, &analysis)?;
    let to_file = args.output.as_ref().is_some_and(|p| p.as_os_str() != "-");
    let style = Style {
        color: color && !to_file,
    };
    let ranking = rank::rank(
        &analysis,
        &RankOptions {
            by: args.by,
            work,
            rules,
        },
    );
    let gates = Gates {
        growth: args.fail_on_growth,
        site_growth: args.fail_on_site_growth,
        leaks: args.fail_on_leaks,
    };
    let work_unit = Some(args.work_unit.clone());
    let report = Report::new(&analysis, ranking, work_unit, &gates, args.top);
    let bytes = match args.format {
        Format::Pprof => render::pprof::render(&analysis),
        Format::Table => render::table::render(&report, style).into_bytes(),
        Format::Json => render::json::render(&report).into_bytes(),
        Format::Csv => render::csv::render(&report).into_bytes(),
        Format::Markdown => render::markdown::render(&report).into_bytes(),
        Format::Folded => crate::flame::folded_text(&analysis).into_bytes(),
    };
    output::write(args.output.as_deref(), &bytes)?;
    let mut code = ExitCode::SUCCESS;
    for g in report.gates.iter().filter(|g| g.tripped) {
        eprintln!(
            "heapdiff: gate {} tripped: {}",
            g.gate.replace('_', "-"),
            g.reason
        );
        code = ExitCode::from(1);
    }
    Ok(code)
}
