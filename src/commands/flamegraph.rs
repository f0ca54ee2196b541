//! `heapdiff flamegraph`.

use std::process::ExitCode;

use crate::analysis::Analysis;
use crate::cli::FlamegraphArgs;
use crate::flame::{self, FlameOptions, Labels, Mode};
use crate::rank::SiteRules;

pub fn run(args: &FlamegraphArgs) -> anyhow::Result<ExitCode> {
    let rules = SiteRules::new(&args.sites.skip, &args.sites.keep).map_err(anyhow::Error::msg)?;
    let paths = crate::inputs::expand(&args.profiles)?;
    if paths.len() < 2 {
        anyhow::bail!("flamegraph needs at least two profiles (a base and a later one)");
    }
    let opts = args.input.analysis_options();
    let analysis = Analysis::from_paths(&paths, &opts)?;
    let trim = if args.no_trim_allocators {
        false
    } else {
        args.trim_allocators || args.mode == Mode::Retention
    };
    let (svg, note) = flame::svg(
        &analysis,
        &FlameOptions {
            mode: args.mode,
            trim,
            rules,
            all_growth: args.all_growth,
            inverted: args.inverted,
            min_width: args.min_width,
            labels: Labels {
                title: args.title.clone(),
                subtitle: args.subtitle.clone(),
            },
        },
    )?;
    crate::output::write(args.output.as_deref(), &svg)?;
    if let Some(n) = note {
        eprintln!("heapdiff: note: {n}");
    }
    Ok(ExitCode::SUCCESS)
}
