//! Markdown for a pull-request comment: the summary as a list, the functions as a table.

use std::fmt::Write;

use super::summary_lines;
use crate::report::Report;
use crate::units;

/// Escapes text for a Markdown table cell.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\' => {
                o.push('\\');
                o.push(c);
            }
            '\n' => o.push(' '),
            _ => o.push(c),
        }
    }
    o
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let lines = summary_lines(r);
    let _ = writeln!(out, "### heapdiff: {}\n", escape(&lines[0]));
    for l in &lines[1..] {
        let _ = writeln!(out, "- {}", escape(l));
    }
    for n in &r.notes {
        let _ = writeln!(out, "- note: {}", escape(n));
    }
    out.push('\n');
    let unit = &r.sample_type.unit;
    let rows = r.shown_functions();
    if rows.is_empty() {
        out.push_str("No function changed.\n");
        return out;
    }
    out.push_str("| flat Δ | cum Δ | function | file |\n|---:|---:|:---|:---|\n");
    for f in rows {
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {} |",
            units::delta(f.flat_delta, unit),
            units::delta(f.cum_delta, unit),
            f.name.replace('`', "'"),
            escape(f.file.rsplit('/').next().unwrap_or(&f.file))
        );
    }
    if r.functions.len() > rows.len() {
        let _ = writeln!(
            out,
            "\n{} more changed functions not shown.",
            r.functions.len() - rows.len()
        );
    }
    out
}
