//! `heapdiff diff`: load, diff, evaluate the gates, render, write; exit 1 when a gate tripped.

use super::config::DiffConfig;
use super::exit::Exit;
use super::{note, output};
use heapdiff::render::{self, Report, Style};

/// Runs `diff`.
pub fn run(c: &DiffConfig) -> super::fail::Result<Exit> {
    output::refuse_inputs(&c.target, &c.inputs)?;
    c.notes.iter().for_each(|n| note(n));
    let diff = heapdiff::diff_inputs(&c.inputs, &c.options)?;
    c.gates.check(&diff)?;
    // pprof's -list needs frames told apart by line: a second alignment, only when asked.
    let listings = match &c.list {
        Some(re) => {
            let mut opts = c.options.series.clone();
            opts.lines = true;
            let series =
                heapdiff::load_series(&c.inputs, &opts, &c.options.symbols, &c.options.limits)?;
            heapdiff::analyse::list::list(&series, re, &c.source_dirs)
        }
        None => Vec::new(),
    };
    let gates = c.gates.evaluate(&diff);
    let report = Report {
        diff: &diff,
        gates: &gates,
        top: c.top,
        work_unit: c.work_unit.as_deref(),
        paths: c.call_paths,
        peek: c.peek.as_ref(),
        listings: &listings,
    };
    let mut bytes = Vec::new();
    render::render(c.format, &report, Style { color: c.color }, &mut bytes)?;
    output::write(&c.target, &bytes)?;
    let mut exit = Exit::Done;
    for g in report.tripped() {
        eprintln!("heapdiff: gate {} tripped: {}", g.gate.name(), g.reason);
        exit = Exit::GateTripped;
    }
    Ok(exit)
}
