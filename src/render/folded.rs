//! Folded stacks (`root;...;leaf BASE NEW`): the two-count form inferno and FlameGraph's
//! difffolded read, and the input of heapdiff's own flamegraphs.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::analyse::SiteMap;
use crate::series::Series;

/// Stacks as `root;...;leaf` with their (first, last) values, sorted by stack, merged where
/// trimming made two stacks the same. With `trim`, the machinery at each stack's leaf end is
/// left out (the stack ends at its leak site); `only` keeps just the stacks it marks.
pub fn pairs(
    series: &Series,
    trim: Option<&SiteMap>,
    only: Option<&[bool]>,
) -> BTreeMap<String, (i64, i64)> {
    let cat = &series.catalog;
    let (base, last) = (series.base(), series.last());
    // ';' separates frames in the folded format and line breaks end a record. With
    // `--lines`, each frame carries its file and line, as pprof's `-lines` prints it.
    let lines = cat.options.lines;
    let names: Vec<String> = cat
        .frames
        .iter()
        .map(|f| {
            let name = if lines && f.line != 0 {
                let file = f.file.rsplit('/').next().unwrap_or(&f.file);
                format!("{} {file}:{}", f.name, f.line)
            } else {
                f.name.clone()
            };
            name.replace(';', ":").replace(['\n', '\r'], " ")
        })
        .collect();
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut key = String::new();
    for s in cat.stack_ids() {
        let (b, n) = (base.stacks.get(s), last.stacks.get(s));
        if (b == 0 && n == 0) || only.is_some_and(|o| !o[s.index()]) {
            continue;
        }
        let frames = match trim {
            Some(sites) => sites.trimmed(cat, s),
            None => cat.stack(s),
        };
        key.clear();
        for (i, f) in frames.iter().rev().enumerate() {
            if i > 0 {
                key.push(';');
            }
            key.push_str(&names[f.index()]);
        }
        let e = out.entry(key.clone()).or_default();
        e.0 = e.0.saturating_add(b);
        e.1 = e.1.saturating_add(n);
    }
    out
}

/// `heapdiff diff --format folded`: one line per stack, `root;...;leaf BASE NEW`. Negative
/// values (from delta profiles) are clamped to 0, as the format has no negative counts.
pub fn render(series: &Series, out: &mut dyn Write) -> io::Result<()> {
    for (k, (b, n)) in pairs(series, None, None) {
        writeln!(out, "{k} {} {}", b.max(0), n.max(0))?;
    }
    Ok(())
}
