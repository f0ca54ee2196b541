//! Markdown for a pull-request comment: the summary as a list, the ranking as a table.

use std::io::{self, Write};

use super::layout::{self, ranking_line};
use super::{Report, one_line, summary_lines};

/// Escapes text for Markdown.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\' | '#' => {
                o.push('\\');
                o.push(c);
            }
            '\n' | '\r' => o.push(' '),
            _ => o.push(c),
        }
    }
    o
}

/// Code for a name: backquotes inside become quotes, and line breaks spaces.
fn code(s: &str) -> String {
    let s = s.replace('`', "'").replace(['\n', '\r'], " ");
    format!("`{}`", s.replace('|', "\\|"))
}

/// Writes the Markdown report.
pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if r.top == 0 {
        return writeln!(out, "**heapdiff**: {}", escape(&one_line(r)));
    }
    let lines = summary_lines(r);
    writeln!(out, "### heapdiff: {}\n", escape(&lines[0]))?;
    for l in &lines[1..] {
        writeln!(out, "- {}", escape(l))?;
    }
    writeln!(out, "- {}", escape(&ranking_line(r)))?;
    for n in &r.diff.notes {
        writeln!(out, "- note: {}", escape(n))?;
    }
    for g in r.tripped() {
        writeln!(
            out,
            "- **gate {} tripped**: {}",
            g.gate.name(),
            escape(&g.reason)
        )?;
    }
    writeln!(out)?;
    if r.diff.ranking.units.is_empty() {
        return writeln!(out, "Nothing changed.");
    }
    let t = layout::table(r);
    let mut head: Vec<String> = t.columns.iter().map(|c| escape(&c.header)).collect();
    head.push(escape(t.label_header));
    writeln!(out, "| {} |", head.join(" | "))?;
    let mut align: Vec<&str> = t
        .columns
        .iter()
        .map(|c| if c.numeric { "---:" } else { ":---" })
        .collect();
    align.push(":---");
    writeln!(out, "|{}|", align.join("|"))?;
    for (row, label) in t.labels.iter().enumerate() {
        let mut cells: Vec<String> = t.columns.iter().map(|c| escape(&c.cells[row])).collect();
        let new = if label.new { " (new)" } else { "" };
        let loc = if label.location.is_empty() {
            String::new()
        } else {
            format!(" {}", escape(&label.location))
        };
        let via = match &label.via {
            Some(v) => format!(" via {}", code(v)),
            None => String::new(),
        };
        let caveat = match &label.caveat {
            Some(c) => format!(" _({})_", escape(c)),
            None => String::new(),
        };
        cells.push(format!("{}{new}{loc}{via}{caveat}", code(&label.name)));
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    let hidden = r.diff.ranking.units.len() - t.labels.len();
    if hidden > 0 {
        writeln!(out, "\n{hidden} more not shown.")?;
    }
    let path_lines = r.path_lines();
    let with_paths: Vec<usize> = (0..t.labels.len())
        .filter(|&i| path_lines.get(i).is_some_and(|p| !p.is_empty()))
        .collect();
    if !with_paths.is_empty() {
        writeln!(out, "\n<details><summary>Call paths</summary>\n")?;
        for i in with_paths {
            writeln!(out, "- {}", code(&t.labels[i].name))?;
            for (share, path) in &path_lines[i] {
                let share = share.map(|s| format!("{s:.0}% ")).unwrap_or_default();
                writeln!(out, "  - {share}{}", escape(path))?;
            }
        }
        writeln!(out, "\n</details>")?;
    }
    let mut peeks = r.peek_lines();
    peeks.extend(r.list_lines());
    if !peeks.is_empty() {
        writeln!(out, "\n```text")?;
        for l in peeks {
            writeln!(out, "{}", l.replace("```", "'''"))?;
        }
        writeln!(out, "```")?;
    }
    Ok(())
}
