//! The terminal table.

use std::fmt::Write;

use super::{Style, summary_lines};
use crate::report::Report;
use crate::units;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(s: &str, v: i64, style: Style) -> String {
    if !style.color || v == 0 {
        return s.to_string();
    }
    let c = if v > 0 { RED } else { GREEN };
    format!("{c}{s}{RESET}")
}

/// Right-aligns `s` in `w` columns (by characters), then paints it.
fn cell(s: &str, w: usize, v: i64, style: Style) -> String {
    let pad = w.saturating_sub(s.chars().count());
    format!("{}{}", " ".repeat(pad), paint(s, v, style))
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub fn render(r: &Report, style: Style) -> String {
    let mut out = String::new();
    for (i, l) in summary_lines(r).iter().enumerate() {
        if i == 0 && style.color {
            let _ = writeln!(out, "{BOLD}{l}{RESET}");
        } else {
            let _ = writeln!(out, "{l}");
        }
    }
    for n in &r.notes {
        let _ = writeln!(out, "note: {n}");
    }
    let unit = &r.sample_type.unit;
    let rows = r.shown_functions();
    out.push('\n');
    if rows.is_empty() {
        out.push_str("No function changed.\n");
        return out;
    }
    let cells: Vec<(String, String)> = rows
        .iter()
        .map(|f| {
            (
                units::delta(f.flat_delta, unit),
                units::delta(f.cum_delta, unit),
            )
        })
        .collect();
    let wf = cells
        .iter()
        .map(|c| c.0.len())
        .max()
        .unwrap_or(0)
        .max("flat Δ".chars().count());
    let wc = cells
        .iter()
        .map(|c| c.1.len())
        .max()
        .unwrap_or(0)
        .max("cum Δ".chars().count());
    let _ = writeln!(
        out,
        "{}  {}  function",
        cell("flat Δ", wf, 0, Style::default()),
        cell("cum Δ", wc, 0, Style::default())
    );
    for (f, (fl, cu)) in rows.iter().zip(&cells) {
        let file = if f.file.is_empty() {
            String::new()
        } else {
            format!("  {}", base_name(&f.file))
        };
        let _ = writeln!(
            out,
            "{}  {}  {}{}",
            cell(fl, wf, f.flat_delta, style),
            cell(cu, wc, f.cum_delta, style),
            f.name,
            file
        );
    }
    if r.functions.len() > rows.len() {
        let _ = writeln!(
            out,
            "... {} more changed functions (--top N shows more; --format json lists all)",
            r.functions.len() - rows.len()
        );
    }
    out
}
