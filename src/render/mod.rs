//! Output formats. Each renderer formats what the analysis decided (a [`Diff`] seen through a
//! [`Report`]) into any [`std::io::Write`]; none recomputes a ranking or a class.
//!
//! One file per format: [`table`] and [`markdown`] share their columns through [`layout`];
//! [`json`] and [`csv`] hold every row through the serialize-only wire types of [`wire`];
//! [`pprof`] writes the delta as a profile; [`folded`] and [`flamegraph`] draw stacks;
//! [`show`] prints a one-profile summary.
//!
//! May import: `analyse`, `series`, `profile`, `units`, `error`.

pub mod csv;
pub mod flamegraph;
pub mod folded;
pub mod html;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod pprof;
pub mod show;
pub mod table;
pub mod wire;

use std::io::Write;

use crate::analyse::{Axis, Diff, GateResult, RankedUnit};
use crate::units;

/// An output format of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for a terminal.
    Table,
    /// The full report as a versioned JSON document.
    Json,
    /// One row per ranked unit, exact integers.
    Csv,
    /// A summary and table for a pull-request comment.
    Markdown,
    /// The delta as a gzipped profile.proto.
    Pprof,
    /// Folded stacks with two counts per line (`root;...;leaf BASE NEW`).
    Folded,
    /// One self-contained HTML page: header, retention flamegraph, sites with charts and call
    /// paths, the differential flamegraph.
    Html,
}

impl Format {
    /// Whether the format is binary (not for a terminal).
    pub fn is_binary(self) -> bool {
        self == Format::Pprof
    }
}

/// How human formats are decorated.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    /// Colour growth red and shrinkage green (ANSI escapes).
    pub color: bool,
}

/// A [`Diff`] as the renderers see it: with the gates' results, how many rows the human
/// formats show, and the name of a unit of work.
#[derive(Clone, Copy)]
pub struct Report<'a> {
    /// What the analysis decided.
    pub diff: &'a Diff,
    /// The gates evaluated on it.
    pub gates: &'a [GateResult],
    /// Rows the table and Markdown show (JSON, CSV and pprof hold every row).
    pub top: usize,
    /// Name of a unit of work ("request"), when the axis is work.
    pub work_unit: Option<&'a str>,
    /// Call paths the table and Markdown show under each leak or growing site.
    pub paths: usize,
    /// pprof's `-peek`: the functions whose callers and callees to show.
    pub peek: Option<&'a regex::Regex>,
    /// pprof's `-list`: per-line changes of the functions asked for.
    pub listings: &'a [crate::analyse::list::Listing],
}

impl<'a> Report<'a> {
    /// A report of `diff` with no gates, every row shown, and no name for work.
    pub fn new(diff: &'a Diff) -> Self {
        Report {
            diff,
            gates: &[],
            top: usize::MAX,
            work_unit: None,
            paths: 1,
            peek: None,
            listings: &[],
        }
    }

    /// The unit of the compared sample type.
    pub fn unit(&self) -> &'a str {
        &self.diff.series.sample_type.unit
    }

    /// The ranked rows the human formats show.
    pub fn shown(&self) -> &'a [RankedUnit] {
        let units = &self.diff.ranking.units;
        &units[..units.len().min(self.top)]
    }

    /// The header of the slope column, when there is one: with work done known, a slope per
    /// unit of work (two snapshots suffice); otherwise a slope needs three or more snapshots.
    pub fn slope_label(&self) -> Option<String> {
        let axis = self.diff.ranking.axis;
        if self.diff.series.snapshots.len() < 3 && axis != Axis::Work {
            return None;
        }
        Some(match axis {
            Axis::Work => format!("per {}", self.work_unit.unwrap_or("unit")),
            Axis::Time => "per second".into(),
            Axis::Snapshot => "per snapshot".into(),
        })
    }

    /// The slope a human format shows for a row.
    pub fn slope_of(&self, s: &RankedUnit) -> Option<f64> {
        self.slope_label()?;
        Some(match self.diff.ranking.axis {
            Axis::Work => s.per_unit.unwrap_or(0.0),
            Axis::Time => s.slope_per_second.unwrap_or(0.0),
            Axis::Snapshot => s.slope_per_snapshot,
        })
    }

    /// The call paths shown under each shown row (leak and growing sites only), with their
    /// share of the row's growth in percent, as compact lines.
    pub fn path_lines(&self) -> Vec<Vec<(Option<f64>, String)>> {
        let d = self.diff;
        let shown = self.shown();
        let rows: Vec<usize> = (0..shown.len())
            .filter(|&i| {
                self.paths > 0
                    && matches!(
                        shown[i].class,
                        crate::analyse::Class::Leak | crate::analyse::Class::Growing
                    )
            })
            .collect();
        if rows.is_empty() {
            return vec![Vec::new(); shown.len()];
        }
        let all = d.top_call_paths(Some(&rows), Some(self.paths));
        (0..shown.len())
            .map(|i| {
                let u = &shown[i];
                all.get(i)
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p.growth > 0)
                            .take(self.paths)
                            .map(|p| {
                                let share =
                                    (u.delta > 0).then(|| p.growth as f64 * 100.0 / u.delta as f64);
                                let line =
                                    crate::analyse::paths::compact_callers(&d.series, &d.sites, p);
                                (
                                    share,
                                    if line.is_empty() {
                                        "(root)".into()
                                    } else {
                                        line
                                    },
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect()
    }

    /// The peeks asked for (pprof's `-peek`), as text lines.
    pub fn peek_lines(&self) -> Vec<String> {
        let Some(re) = self.peek else {
            return Vec::new();
        };
        let d = self.diff;
        let cat = &d.series.catalog;
        let unit = self.unit();
        let peeks = crate::analyse::peek::peek(&d.series, &d.functions, re);
        if peeks.is_empty() {
            return vec![format!(
                "peek {}: no function that changed matches",
                re.as_str()
            )];
        }
        let mut out = Vec::new();
        for p in peeks {
            out.push(format!(
                "peek {}  flat {}  cum {}",
                cat.func(p.func).name,
                units::delta(p.flat, unit),
                units::delta(p.cum, unit)
            ));
            for (what, list) in [("caller", &p.callers), ("callee", &p.callees)] {
                if list.is_empty() {
                    out.push(format!("  {what}s: none"));
                }
                for (f, g) in list {
                    out.push(format!(
                        "  {what} {:>12}  {}",
                        units::delta(*g, unit),
                        cat.func(*f).name
                    ));
                }
            }
        }
        out
    }

    /// The listings asked for (pprof's `-list`), as text lines.
    pub fn list_lines(&self) -> Vec<String> {
        let unit = self.unit();
        let mut out = Vec::new();
        for l in self.listings {
            let from = match &l.source {
                Some(p) => format!(
                    "source: {}",
                    p.file_name().unwrap_or_default().to_string_lossy()
                ),
                None => "source not found (--source-dir DIR)".to_string(),
            };
            let file = l.file.rsplit('/').next().unwrap_or(&l.file);
            out.push(format!("list {}  {file}  ({from})", l.name));
            out.push(format!("{:>8}  {:>12}  {:>12}", "line", "flat", "cum"));
            for (line, flat, cum, src) in &l.lines {
                let src = src
                    .as_deref()
                    .map(|s| format!("  {}", s.trim_end()))
                    .unwrap_or_default();
                out.push(format!(
                    "{line:>8}  {:>12}  {:>12}{src}",
                    units::delta(*flat, unit),
                    units::delta(*cum, unit)
                ));
            }
        }
        out
    }

    /// The gates that tripped.
    pub fn tripped(&self) -> impl Iterator<Item = &'a GateResult> {
        self.gates.iter().filter(|g| g.tripped)
    }
}

/// Renders `report` in `format` into `out`.
pub fn render(
    format: Format,
    report: &Report,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Table => table::render(report, style, out),
        Format::Json => json::render(report, out),
        Format::Csv => csv::render(report, out),
        Format::Markdown => markdown::render(report, out),
        Format::Pprof => pprof::render(&report.diff.series, out),
        Format::Folded => folded::render(&report.diff.series, out),
        Format::Html => html::render(report, out),
    }
}

/// The header lines shared by the human formats: both totals and the growth.
pub fn summary_lines(r: &Report) -> Vec<String> {
    let series = &r.diff.series;
    let unit = r.unit();
    let (base, last) = (series.base(), series.last());
    let exact = |v: i64| {
        if unit == "bytes" {
            format!(" ({} B)", units::grouped(v))
        } else {
            String::new()
        }
    };
    let total_delta = series.total_delta();
    let exact_delta = if unit == "bytes" && total_delta != 0 {
        let sign = if total_delta > 0 { "+" } else { "" };
        format!(" ({sign}{} B)", units::grouped(total_delta))
    } else {
        String::new()
    };
    let pct = r
        .diff
        .growth_percent()
        .map(|p| format!(", {p:+.1}% of base"))
        .unwrap_or_default();
    vec![
        format!(
            "{} ({}), {} profiles",
            series.sample_type.ty,
            unit,
            series.snapshots.len()
        ),
        format!(
            "base   {}  {}  total {}{}",
            base.input,
            units::timestamp(base.time_nanos),
            units::value(base.total(), unit),
            exact(base.total())
        ),
        format!(
            "new    {}  {}  total {}{}",
            last.input,
            units::timestamp(last.time_nanos),
            units::value(last.total(), unit),
            exact(last.total())
        ),
        format!(
            "growth {}{}{}",
            units::delta(total_delta, unit),
            exact_delta,
            pct
        ),
    ]
}

/// One line for `--top 0`: the growth, and how many units are in each class that matters.
pub fn one_line(r: &Report) -> String {
    let series = &r.diff.series;
    let unit = r.unit();
    let count =
        |c: crate::analyse::Class| r.diff.ranking.units.iter().filter(|u| u.class == c).count();
    let classes = if series.snapshots.len() >= 3 {
        format!(
            "; {} leak, {} growing, {} plateau",
            count(crate::analyse::Class::Leak),
            count(crate::analyse::Class::Growing),
            count(crate::analyse::Class::Plateau)
        )
    } else {
        String::new()
    };
    format!(
        "{}: {} → {} ({}) over {} profiles; {} {}s ranked{classes}",
        series.sample_type.ty,
        units::value(series.base().total(), unit),
        units::value(series.last().total(), unit),
        units::delta(series.total_delta(), unit),
        series.snapshots.len(),
        r.diff.ranking.units.len(),
        r.diff.ranking.by.as_str(),
    )
}
