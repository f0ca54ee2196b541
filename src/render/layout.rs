//! The ranked table shared by the terminal and Markdown formats: which columns, which cells,
//! and the label of each row. The formats only add their own syntax.

use super::Report;
use crate::analyse::{By, RankedUnit, Unit};
use crate::units;

/// One column: header, cells, and whether cells are numbers (right-aligned).
pub struct Column {
    /// The header.
    pub header: String,
    /// One cell per row shown.
    pub cells: Vec<String>,
    /// Right-aligned.
    pub numeric: bool,
    /// Signed values for colouring growth (red) and shrinkage (green).
    pub signs: Option<Vec<i64>>,
}

/// What a row is, in parts, so each format can mark the name up its own way.
pub struct Label {
    /// The site or function (with `--by stack`, the stack from leaf towards the root).
    pub name: String,
    /// Absent in the base snapshot.
    pub new: bool,
    /// `file:line`, base name only ("" when unknown).
    pub location: String,
    /// The library frame the site allocated through, when there is one.
    pub via: Option<String>,
    /// What the row's class rests on, when a reader should know ([`caveat`]).
    pub caveat: Option<String>,
}

/// What a row's class rests on, when a reader should know: a staircase (growth in doublings
/// that keep coming), a series too short to tell a leak from a plateau, or few samples.
pub fn caveat(u: &RankedUnit) -> Option<String> {
    let mut parts = Vec::new();
    if u.staircase {
        parts.push("grows in doublings".to_string());
    }
    if u.undecided {
        parts.push("too short to tell from a plateau".to_string());
    }
    if u.few_samples && u.class != crate::analyse::Class::Noise {
        let n = u.samples.unwrap_or(0.0);
        parts.push(format!("few samples: {n:.0} per snapshot"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The ranked table: its columns, then the label column's header and labels.
pub struct Table {
    /// The value columns.
    pub columns: Vec<Column>,
    /// The header of the label column.
    pub label_header: &'static str,
    /// One label per row shown.
    pub labels: Vec<Label>,
}

/// A rate in the sample type's unit (`+383.4 B`, `+1.2 MiB`, `+3.50`).
pub fn rate(v: f64, unit: &str) -> String {
    let sign = if v > 0.0 {
        "+"
    } else if v < 0.0 {
        "-"
    } else {
        ""
    };
    let a = v.abs();
    match unit {
        "bytes" if a < 1024.0 => format!("{sign}{a:.1} B"),
        "bytes" => format!("{sign}{}", units::bytes(a.round() as i64)),
        _ if a < 100.0 => format!("{sign}{a:.2}"),
        _ => format!("{sign}{}", units::grouped(a.round() as i64)),
    }
}

/// A sparkline of a series, one block per snapshot, scaled between its minimum and maximum.
pub fn sparkline(series: &[i64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (min, max) = series
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    series
        .iter()
        .map(|&v| {
            if max == min {
                BARS[0]
            } else {
                let share = (v as f64 - min as f64) / (max as f64 - min as f64);
                BARS[((share * 7.0).round() as usize).min(7)]
            }
        })
        .collect()
}

/// `file:line` with the file's base name.
pub fn location(file: &str, line: i64) -> String {
    let base = file.rsplit('/').next().unwrap_or(file);
    match (base.is_empty(), line) {
        (true, _) => String::new(),
        (false, 0) => base.to_string(),
        (false, l) => format!("{base}:{l}"),
    }
}

/// A whole stack, root first, with its leak site marked: `main → serve → »subscribe« → …`.
pub fn marked_stack(r: &Report, id: crate::series::StackId) -> String {
    let d = r.diff;
    let cat = &d.series.catalog;
    let site = d.sites.site(id);
    let mut marked = false;
    cat.stack(id)
        .rev()
        .map(|f| {
            let name = &cat.frame(f).name;
            if f == site && !marked {
                marked = true;
                format!("»{name}«")
            } else {
                name.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn label(r: &Report, s: &RankedUnit) -> Label {
    let name = match s.unit {
        Unit::Stack(id) => marked_stack(r, id),
        _ => s.name.clone(),
    };
    Label {
        name,
        new: s.new,
        location: location(&s.file, s.line),
        via: s.via.clone(),
        caveat: caveat(s),
    }
}

/// The ranked table for the rows shown.
pub fn table(r: &Report) -> Table {
    let rows = r.shown();
    let unit = r.unit();
    let by = r.diff.ranking.by;
    let mut cols = vec![
        Column {
            header: "#".into(),
            cells: rows.iter().map(|s| s.rank.to_string()).collect(),
            numeric: true,
            signs: None,
        },
        Column {
            header: "class".into(),
            cells: rows.iter().map(|s| s.class.as_str().to_string()).collect(),
            numeric: false,
            signs: None,
        },
        Column {
            header: if by == By::Function {
                "flat Δ"
            } else {
                "growth"
            }
            .into(),
            cells: rows.iter().map(|s| units::delta(s.delta, unit)).collect(),
            numeric: true,
            signs: Some(rows.iter().map(|s| s.delta).collect()),
        },
    ];
    if by == By::Function {
        let cum: Vec<i64> = rows
            .iter()
            .map(|s| {
                r.diff
                    .functions
                    .iter()
                    .find(|f| Unit::Function(f.func) == s.unit)
                    .map(|f| f.cum_delta())
                    .unwrap_or(0)
            })
            .collect();
        cols.push(Column {
            header: "cum Δ".into(),
            cells: cum.iter().map(|&c| units::delta(c, unit)).collect(),
            numeric: true,
            signs: Some(cum),
        });
    }
    if let Some(header) = r.slope_label() {
        let slopes: Vec<f64> = rows.iter().map(|s| r.slope_of(s).unwrap_or(0.0)).collect();
        cols.push(Column {
            header,
            cells: slopes.iter().map(|&v| rate(v, unit)).collect(),
            numeric: true,
            signs: Some(slopes.iter().map(|&v| v.signum() as i64).collect()),
        });
    }
    if r.diff.series.snapshots.len() >= 3 {
        cols.push(Column {
            header: "trend".into(),
            cells: rows.iter().map(|s| sparkline(&s.series)).collect(),
            numeric: false,
            signs: None,
        });
    }
    Table {
        columns: cols,
        label_header: match by {
            By::Site => "site",
            By::Function => "function",
            By::Stack => "stack (root → leaf, »site«)",
        },
        labels: rows.iter().map(|s| label(r, s)).collect(),
    }
}

/// A sentence on how the ranking was made.
pub fn ranking_line(r: &Report) -> String {
    let by = match r.diff.ranking.by {
        By::Site => "leak site",
        By::Function => "leaf function",
        By::Stack => "stack",
    };
    let floor = units::value(r.diff.ranking.floor, r.unit());
    let sampled = r
        .diff
        .series
        .snapshots
        .iter()
        .any(|s| s.sampling_bytes() > 1);
    let noise = if sampled {
        format!("changes within 3σ of sampling noise or under {floor} are noise")
    } else {
        format!("changes under {floor} are noise")
    };
    let two = r.diff.series.snapshots.len() < 3;
    match (r.slope_label(), two) {
        (Some(l), false) => format!("ranked by {by}, slope {l}; {noise}"),
        (Some(l), true) => format!(
            "ranked by {by}, growth {l}; two snapshots show growth only (three or more tell a leak from a plateau); {noise}"
        ),
        (None, _) => format!(
            "ranked by {by}; two snapshots show growth only (three or more tell a leak from a plateau); {noise}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines() {
        assert_eq!(sparkline(&[0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[5, 5]), "▁▁");
        // No overflow at the extremes.
        assert_eq!(sparkline(&[i64::MIN, i64::MAX]), "▁█");
    }
}
