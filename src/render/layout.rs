//! The ranked table shared by the terminal and Markdown formats: which columns, which cells.
//! The formats only add their own syntax.

use crate::rank::{By, sparkline};
use crate::report::{Report, SiteRow};
use crate::units;

/// One column: header, cells, and whether cells are numbers (right-aligned).
pub struct Column {
    pub header: String,
    pub cells: Vec<String>,
    pub numeric: bool,
    /// Signed values for colouring growth (red) and shrinkage (green).
    pub signs: Option<Vec<i64>>,
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

fn location(s: &SiteRow) -> String {
    let base = s.file.rsplit('/').next().unwrap_or(&s.file);
    match (base.is_empty(), s.line) {
        (true, _) => String::new(),
        (false, 0) => base.to_string(),
        (false, l) => format!("{base}:{l}"),
    }
}

/// The columns of the ranked table for the rows shown.
pub fn columns(r: &Report) -> Vec<Column> {
    let rows = r.shown_sites();
    let unit = &r.sample_type.unit;
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
            header: if r.ranking.by == By::Function {
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
    if r.ranking.by == By::Function {
        let cum: Vec<i64> = rows
            .iter()
            .map(|s| {
                r.functions
                    .iter()
                    .find(|f| f.name == s.name)
                    .map(|f| f.cum_delta)
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
    if let Some(label) = r.slope_label() {
        let slopes: Vec<f64> = rows.iter().map(|s| r.slope_of(s).unwrap_or(0.0)).collect();
        cols.push(Column {
            header: label,
            cells: slopes.iter().map(|&v| rate(v, unit)).collect(),
            numeric: true,
            signs: Some(slopes.iter().map(|&v| v.signum() as i64).collect()),
        });
        cols.push(Column {
            header: "trend".into(),
            cells: rows.iter().map(|s| sparkline(&s.series)).collect(),
            numeric: false,
            signs: None,
        });
    }
    let what = match r.ranking.by {
        By::Site => "site",
        By::Function => "function",
        By::Stack => "stack (leaf ← root)",
    };
    cols.push(Column {
        header: what.into(),
        cells: rows
            .iter()
            .map(|s| {
                let new = if s.new { " (new)" } else { "" };
                let loc = location(s);
                if loc.is_empty() {
                    format!("{}{new}", s.name)
                } else {
                    format!("{}{new}  {loc}", s.name)
                }
            })
            .collect(),
        numeric: false,
        signs: None,
    });
    cols
}

/// A sentence on how the ranking was made.
pub fn ranking_line(r: &Report) -> String {
    let by = match r.ranking.by {
        By::Site => "leak site",
        By::Function => "leaf function",
        By::Stack => "stack",
    };
    let floor = units::value(r.ranking.floor, &r.sample_type.unit);
    let sampled = r.profiles.iter().any(|p| p.sampling_bytes > 1);
    let noise = if sampled {
        format!("changes within 3σ of sampling noise or under {floor} are noise")
    } else {
        format!("changes under {floor} are noise")
    };
    match r.slope_label() {
        Some(l) => format!("ranked by {by}, slope {l}; {noise}"),
        None => format!(
            "ranked by {by}; two snapshots show growth only (three or more tell a leak from a plateau); {noise}"
        ),
    }
}
