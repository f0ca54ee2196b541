//! `show` as text: one profile's facts, one per line, then its top sites.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::analyse::summary::{MappingInfo, Summary};
use crate::units;

/// Writes the summary for a terminal. `bold` marks the header up with ANSI escapes.
pub fn render(s: &Summary, bold: bool, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(text(s, bold).as_bytes())
}

fn human(v: i64, unit: &str) -> String {
    if unit == "bytes" {
        format!("{} ({} B)", units::bytes(v), units::grouped(v))
    } else {
        units::value(v, unit)
    }
}

/// The summary for a terminal.
pub fn text(s: &Summary, bold: bool) -> String {
    let mut o = String::new();
    if bold {
        let _ = writeln!(o, "\x1b[1m{}\x1b[0m", s.path);
    } else {
        let _ = writeln!(o, "{}", s.path);
    }
    let format = s.format.describe();
    let gz = if s.gzipped { ", gzipped" } else { "" };
    let row = |o: &mut String, k: &str, v: String| {
        let _ = writeln!(o, "  {k:<13} {v}");
    };
    row(&mut o, "format", format!("{format}{gz}"));
    row(
        &mut o,
        "producer",
        s.producer
            .map(|p| p.name().to_string())
            .unwrap_or_else(|| "unknown".into()),
    );
    let types: Vec<String> = s
        .sample_types
        .iter()
        .map(|t| format!("{}/{}", t.sample_type.ty, t.sample_type.unit))
        .collect();
    row(&mut o, "sample types", types.join(", "));
    if let Some(d) = &s.default_sample_type {
        row(&mut o, "default type", d.clone());
    }
    let period = match &s.period_type {
        Some(t) if t.unit == "bytes" && s.period > 1 => format!(
            "{} {}/{} (sampled: about one sample per {} allocated)",
            units::grouped(s.period),
            t.ty,
            t.unit,
            units::bytes(s.period)
        ),
        Some(t) if t.unit == "bytes" && s.period == 1 => {
            format!("1 {}/{} (every allocation recorded)", t.ty, t.unit)
        }
        Some(t) => format!("{} {}/{}", units::grouped(s.period), t.ty, t.unit),
        None => units::grouped(s.period),
    };
    row(&mut o, "period", period);
    row(&mut o, "time", units::timestamp(s.time_nanos));
    row(
        &mut o,
        "duration",
        if s.duration_nanos > 0 {
            format!("{:.3} s", s.duration_nanos as f64 / 1e9)
        } else {
            "-".into()
        },
    );
    let tw = s
        .sample_types
        .iter()
        .map(|t| t.sample_type.ty.len())
        .max()
        .unwrap_or(0);
    for (i, t) in s.sample_types.iter().enumerate() {
        row(
            &mut o,
            if i == 0 { "totals" } else { "" },
            format!(
                "{:<tw$}  {}",
                t.sample_type.ty,
                human(t.total, &t.sample_type.unit)
            ),
        );
    }
    row(
        &mut o,
        "contents",
        format!(
            "{} samples, {} locations, {} functions, {} mappings",
            units::grouped(s.samples as i64),
            units::grouped(s.locations as i64),
            units::grouped(s.functions as i64),
            s.mappings.len()
        ),
    );
    let sym = if s.locations == 0 {
        "-".to_string()
    } else if s.symbolized_locations == s.locations {
        "yes".to_string()
    } else if s.symbolized_locations == 0 {
        "no (addresses only)".to_string()
    } else {
        format!(
            "partly ({} of {} locations have function names)",
            units::grouped(s.symbolized_locations as i64),
            units::grouped(s.locations as i64)
        )
    };
    row(&mut o, "symbolized", sym);
    // One line per binary (a binary is often mapped several times), binaries with samples only.
    let mut binaries: Vec<MappingInfo> = Vec::new();
    for m in &s.mappings {
        match binaries
            .iter_mut()
            .find(|b| b.file == m.file && b.build_id == m.build_id)
        {
            Some(b) => {
                b.symbolized |= m.symbolized;
                b.locations += m.locations;
                if b.symbolized_from.is_none() {
                    b.symbolized_from = m.symbolized_from.clone();
                }
            }
            None => binaries.push(m.clone()),
        }
    }
    let unused = binaries.iter().filter(|b| b.locations == 0).count();
    for m in binaries.iter().filter(|b| b.locations > 0) {
        let id = if m.build_id.is_empty() {
            String::new()
        } else {
            format!(" (build id {})", m.build_id)
        };
        let state = match (&m.symbolized_from, m.symbolized) {
            (Some(from), _) => format!("symbolized by heapdiff from {from}"),
            (None, true) => "symbolized".to_string(),
            (None, false) => "not symbolized".to_string(),
        };
        let name = if m.file.is_empty() {
            "(no file name)"
        } else {
            &m.file
        };
        row(
            &mut o,
            "binary",
            format!(
                "{name}{id}: {state}, {} locations",
                units::grouped(m.locations as i64)
            ),
        );
    }
    if unused > 0 {
        row(
            &mut o,
            "",
            format!("and {unused} more binaries without samples"),
        );
    }
    for c in &s.comments {
        row(&mut o, "comment", c.clone());
    }
    for n in &s.notes {
        let _ = writeln!(o, "note: {n}");
    }
    if s.top_sites.is_empty() {
        return o;
    }
    let unit = &s.chosen_sample_type.unit;
    let _ = writeln!(o, "\ntop sites ({}):", s.chosen_sample_type.ty);
    let total: i64 = s
        .sample_types
        .iter()
        .find(|t| t.sample_type == s.chosen_sample_type)
        .map(|t| t.total)
        .unwrap_or(0);
    let cells: Vec<String> = s
        .top_sites
        .iter()
        .map(|t| units::value(t.value, unit))
        .collect();
    let w = cells.iter().map(|c| c.len()).max().unwrap_or(0);
    for (t, c) in s.top_sites.iter().zip(&cells) {
        let share = if total != 0 {
            format!("{:5.1}%", t.value as f64 * 100.0 / total as f64)
        } else {
            "     -".into()
        };
        let file = t.file.rsplit('/').next().unwrap_or(&t.file);
        let loc = match (file.is_empty(), t.line) {
            (true, _) => String::new(),
            (false, 0) => format!("  {file}"),
            (false, l) => format!("  {file}:{l}"),
        };
        let _ = writeln!(o, "  {c:>w$}  {share}  {}{loc}", t.function);
    }
    o
}
