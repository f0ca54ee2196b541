//! Folded stacks (`root;...;leaf BASE NEW`): the two-count form inferno and FlameGraph's
//! difffolded read, and the input of heapdiff's own flamegraphs.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::analyse::SiteMap;
use crate::analyse::paths::library_label;
use crate::profile::machinery::FrameKind;
use crate::series::{FrameId, Series};

/// How stacks are shaped before they are folded.
#[derive(Clone, Copy, Default)]
pub struct Shape<'a> {
    /// Leave out the machinery at each stack's leaf end, so it ends at its leak site.
    pub trim: Option<&'a SiteMap>,
    /// Fold each run of two or more library and runtime frames (above the leaf) into one
    /// frame labelled `[tokio ×38]`.
    pub fold_libraries: Option<&'a SiteMap>,
    /// Fold direct recursion (a frame calling itself) into one frame, so every depth of a
    /// recursion adds to one tower.
    pub fold_recursion: bool,
}

/// Stacks as `root;...;leaf` with their (first, last) values, sorted by stack, merged where
/// shaping made two stacks the same; `only` keeps just the stacks it marks.
pub fn pairs(
    series: &Series,
    shape: &Shape,
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
        let frames = match shape.trim {
            Some(sites) => sites.trimmed(cat, s),
            None => cat.stack(s),
        };
        key.clear();
        let root_first: Vec<FrameId> = frames.rev().collect();
        let mut i = 0;
        while i < root_first.len() {
            let f = root_first[i];
            if !key.is_empty() {
                key.push(';');
            }
            if let Some(sites) = shape.fold_libraries {
                // A run of library frames, not counting the leaf.
                let lib = |g: FrameId| sites.kind(g) != FrameKind::Application;
                let mut j = i;
                while j + 1 < root_first.len() && lib(root_first[j]) {
                    j += 1;
                }
                if j - i >= 2 {
                    let fr = cat.frame(f);
                    let label = library_label(&fr.name, &fr.file).replace(';', ":");
                    key.push_str(&format!("[{label} ×{}]", j - i));
                    i = j;
                    continue;
                }
            }
            key.push_str(&names[f.index()]);
            i += 1;
            if shape.fold_recursion {
                while i < root_first.len() && root_first[i] == f {
                    i += 1;
                }
            }
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
    for (k, (b, n)) in pairs(series, &Shape::default(), None) {
        writeln!(out, "{k} {} {}", b.max(0), n.max(0))?;
    }
    Ok(())
}
