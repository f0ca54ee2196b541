//! The terminal table.

use std::fmt::Write;

use super::layout::{columns, ranking_line};
use super::{Style, summary_lines};
use crate::report::Report;

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

pub fn render(r: &Report, style: Style) -> String {
    let mut out = String::new();
    for (i, l) in summary_lines(r).iter().enumerate() {
        if i == 0 && style.color {
            let _ = writeln!(out, "{BOLD}{l}{RESET}");
        } else {
            let _ = writeln!(out, "{l}");
        }
    }
    let _ = writeln!(out, "{}", ranking_line(r));
    for n in &r.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out.push('\n');
    if r.sites.is_empty() {
        out.push_str("Nothing changed.\n");
        return out;
    }
    let cols = columns(r);
    let widths: Vec<usize> = cols
        .iter()
        .map(|c| {
            c.cells
                .iter()
                .map(|s| s.chars().count())
                .chain([c.header.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let last = cols.len() - 1;
    let mut header = String::new();
    for (i, c) in cols.iter().enumerate() {
        let cell = if i == last {
            c.header.clone()
        } else if c.numeric {
            format!("{:>w$}", c.header, w = widths[i])
        } else {
            format!("{:<w$}", c.header, w = widths[i])
        };
        header.push_str(&cell);
        if i != last {
            header.push_str("  ");
        }
    }
    let _ = writeln!(out, "{}", header.trim_end());
    for row in 0..cols[0].cells.len() {
        let mut line = String::new();
        for (i, c) in cols.iter().enumerate() {
            let text = &c.cells[row];
            let pad = widths[i].saturating_sub(text.chars().count());
            let sign = c.signs.as_ref().map(|s| s[row]).unwrap_or(0);
            let painted = paint(text, sign, style);
            if i == last {
                line.push_str(&painted);
            } else if c.numeric {
                line.push_str(&" ".repeat(pad));
                line.push_str(&painted);
                line.push_str("  ");
            } else {
                line.push_str(&painted);
                line.push_str(&" ".repeat(pad));
                line.push_str("  ");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if r.sites.len() > cols[0].cells.len() {
        let _ = writeln!(
            out,
            "... {} more (--top N shows more; --format json lists all)",
            r.sites.len() - cols[0].cells.len()
        );
    }
    out
}
