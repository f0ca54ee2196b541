//! Markdown for a pull-request comment: the summary as a list, the ranking as a table.

use std::fmt::Write;

use super::layout::{columns, ranking_line};
use super::summary_lines;
use crate::report::Report;

/// Escapes text for Markdown.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\' | '#' => {
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
    let _ = writeln!(out, "- {}", escape(&ranking_line(r)));
    for n in &r.notes {
        let _ = writeln!(out, "- note: {}", escape(n));
    }
    for g in r.gates.iter().filter(|g| g.tripped) {
        let _ = writeln!(
            out,
            "- **gate {} tripped**: {}",
            g.gate.replace('_', "-"),
            escape(&g.reason)
        );
    }
    out.push('\n');
    if r.sites.is_empty() {
        out.push_str("Nothing changed.\n");
        return out;
    }
    let cols = columns(r);
    let last = cols.len() - 1;
    let head: Vec<String> = cols.iter().map(|c| escape(&c.header)).collect();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let align: Vec<&str> = cols
        .iter()
        .map(|c| if c.numeric { "---:" } else { ":---" })
        .collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for row in 0..cols[0].cells.len() {
        let cells: Vec<String> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    // The site: code for the name, plain text for the marker and the file.
                    let text = &c.cells[row];
                    let (name, loc) = text.split_once("  ").unwrap_or((text, ""));
                    let (name, new) = match name.strip_suffix(" (new)") {
                        Some(n) => (n, " (new)"),
                        None => (name, ""),
                    };
                    let loc = if loc.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", escape(loc))
                    };
                    format!("`{}`{new}{loc}", name.replace('`', "'"))
                } else {
                    escape(&c.cells[row])
                }
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if r.sites.len() > cols[0].cells.len() {
        let _ = writeln!(
            out,
            "\n{} more not shown.",
            r.sites.len() - cols[0].cells.len()
        );
    }
    out
}
