//! The terminal table: the summary lines, how the ranking was made, notes, and the ranked rows.

use std::io::{self, Write};

use super::layout::{self, Label, ranking_line};
use super::{Report, Style, one_line, summary_lines};

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

fn label_text(l: &Label) -> String {
    let mut s = l.name.clone();
    if l.new {
        s.push_str(" (new)");
    }
    if !l.location.is_empty() {
        s.push_str("  ");
        s.push_str(&l.location);
    }
    if let Some(v) = &l.via {
        s.push_str("  via ");
        s.push_str(v);
    }
    if let Some(c) = &l.caveat {
        s.push_str("  [");
        s.push_str(c);
        s.push(']');
    }
    s
}

/// Writes the table.
pub fn render(r: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    if r.top == 0 {
        return writeln!(out, "{}", one_line(r));
    }
    for (i, l) in summary_lines(r).iter().enumerate() {
        if i == 0 && style.color {
            writeln!(out, "{BOLD}{l}{RESET}")?;
        } else {
            writeln!(out, "{l}")?;
        }
    }
    writeln!(out, "{}", ranking_line(r))?;
    for n in &r.diff.notes {
        writeln!(out, "note: {n}")?;
    }
    writeln!(out)?;
    if r.diff.ranking.units.is_empty() {
        return writeln!(out, "Nothing changed.");
    }
    let t = layout::table(r);
    let widths: Vec<usize> = t
        .columns
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
    let path_lines = r.path_lines();
    let mut header = String::new();
    for (c, w) in t.columns.iter().zip(&widths) {
        if c.numeric {
            header.push_str(&format!("{:>w$}  ", c.header));
        } else {
            header.push_str(&format!("{:<w$}  ", c.header));
        }
    }
    header.push_str(t.label_header);
    writeln!(out, "{}", header.trim_end())?;
    for (row, label) in t.labels.iter().enumerate() {
        let mut line = String::new();
        for (c, w) in t.columns.iter().zip(&widths) {
            let text = &c.cells[row];
            let pad = " ".repeat(w.saturating_sub(text.chars().count()));
            let painted = paint(text, c.signs.as_ref().map_or(0, |s| s[row]), style);
            if c.numeric {
                line.push_str(&pad);
                line.push_str(&painted);
            } else {
                line.push_str(&painted);
                line.push_str(&pad);
            }
            line.push_str("  ");
        }
        line.push_str(&label_text(label));
        writeln!(out, "{}", line.trim_end())?;
        for (share, path) in path_lines.get(row).into_iter().flatten() {
            let share = share.map(|s| format!("{s:.0}% ")).unwrap_or_default();
            writeln!(out, "{:indent$}{share}{path}", "", indent = 4)?;
        }
    }
    let hidden = r.diff.ranking.units.len() - t.labels.len();
    if hidden > 0 {
        writeln!(
            out,
            "... {hidden} more (--top N shows more; --format json lists all)"
        )?;
    }
    let mut peeks = r.peek_lines();
    peeks.extend(r.list_lines());
    if !peeks.is_empty() {
        writeln!(out)?;
        for l in peeks {
            writeln!(out, "{l}")?;
        }
    }
    Ok(())
}
