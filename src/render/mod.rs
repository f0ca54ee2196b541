//! Output formats. Each renderer formats a [`Report`] (or, for `pprof` and `folded`, the
//! aligned stacks) into bytes; none recomputes what the analysis decided.

pub mod csv;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod pprof;
pub mod table;

use crate::report::Report;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for a terminal (the default).
    Table,
    /// The full report as a versioned JSON document.
    Json,
    /// One row per ranked unit (site, function or stack), exact integers.
    Csv,
    /// A summary and table for a pull-request comment.
    Markdown,
    /// The delta as a gzipped profile.proto (needs -o FILE or a redirected stdout).
    Pprof,
    /// Folded stacks with two counts per line (`root;...;leaf BASE NEW`), as inferno and
    /// FlameGraph's difffolded read.
    Folded,
}

/// How human formats are decorated.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub color: bool,
}

/// The header lines shared by the human formats: both totals and the growth.
pub fn summary_lines(r: &Report) -> Vec<String> {
    let unit = &r.sample_type.unit;
    let base = r.base();
    let last = r.last();
    let exact = |v: i64| {
        if unit == "bytes" {
            format!(" ({} B)", crate::units::grouped(v))
        } else {
            String::new()
        }
    };
    let exact_delta = |v: i64| {
        if unit == "bytes" && v != 0 {
            let sign = if v > 0 { "+" } else { "" };
            format!(" ({sign}{} B)", crate::units::grouped(v))
        } else {
            String::new()
        }
    };
    let pct = r
        .growth_percent()
        .map(|p| format!(", {p:+.1}% of base"))
        .unwrap_or_default();
    vec![
        format!(
            "{} ({}), {} profiles",
            r.sample_type.ty,
            unit,
            r.profiles.len()
        ),
        format!(
            "base   {}  {}  total {}{}",
            base.path,
            crate::units::timestamp(base.time_nanos),
            crate::units::value(base.total, unit),
            exact(base.total)
        ),
        format!(
            "new    {}  {}  total {}{}",
            last.path,
            crate::units::timestamp(last.time_nanos),
            crate::units::value(last.total, unit),
            exact(last.total)
        ),
        format!(
            "growth {}{}{}",
            crate::units::delta(r.total_delta, unit),
            exact_delta(r.total_delta),
            pct
        ),
    ]
}
