//! pprof's `-list`: for each function whose name matches, the change per source line (flat:
//! stacks whose leaf is that line; cum: stacks that pass through it, once per stack), with the
//! source text when the file can be found. It needs a series aligned with `--lines`, where
//! frames are told apart by line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;

use crate::series::Series;

/// One function's lines.
#[derive(Clone, Debug)]
pub struct Listing {
    /// The function.
    pub name: String,
    /// Its file, as the profile records it.
    pub file: String,
    /// Per line: (line, flat change, cum change, source text when found).
    pub lines: Vec<(i64, i64, i64, Option<String>)>,
    /// Where the source was read from, when it was found.
    pub source: Option<PathBuf>,
}

/// The file a recorded path names: the path itself, else under `dirs` by its longest suffix
/// that exists there.
fn find_source(file: &str, dirs: &[PathBuf]) -> Option<PathBuf> {
    let p = Path::new(file);
    if p.is_file() {
        return Some(p.to_path_buf());
    }
    let parts: Vec<&str> = file.split('/').filter(|s| !s.is_empty()).collect();
    for d in dirs {
        for i in 0..parts.len() {
            let c = d.join(parts[i..].join("/"));
            if c.is_file() {
                return Some(c);
            }
        }
    }
    None
}

/// The listings of every function matching `re` with a changed line, by name.
pub fn list(series: &Series, re: &Regex, source_dirs: &[PathBuf]) -> Vec<Listing> {
    let cat = &series.catalog;
    let (base, last) = (series.base(), series.last());
    // (name, file) -> line -> (flat, cum)
    let mut by_func: BTreeMap<(String, String), BTreeMap<i64, (i64, i64)>> = BTreeMap::new();
    let mut seen: Vec<(usize, i64)> = Vec::new();
    for s in cat.stack_ids() {
        let g = last.stacks.get(s).saturating_sub(base.stacks.get(s));
        if g == 0 {
            continue;
        }
        seen.clear();
        for (i, f) in cat.stack(s).enumerate() {
            let fr = cat.frame(f);
            if !re.is_match(&fr.name) {
                continue;
            }
            let e = by_func
                .entry((fr.name.clone(), fr.file.clone()))
                .or_default()
                .entry(fr.line)
                .or_default();
            if i == 0 {
                e.0 = e.0.saturating_add(g);
            }
            if !seen.contains(&(f.index(), fr.line)) {
                seen.push((f.index(), fr.line));
                e.1 = e.1.saturating_add(g);
            }
        }
    }
    by_func
        .into_iter()
        .map(|((name, file), lines)| {
            let source = find_source(&file, source_dirs);
            let text: Option<Vec<String>> = source.as_ref().and_then(|p| {
                let meta = std::fs::metadata(p).ok()?;
                // Source files only: a recorded path may name anything.
                if meta.len() > 16 << 20 {
                    return None;
                }
                let bytes = std::fs::read(p).ok()?;
                Some(
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .map(str::to_string)
                        .collect(),
                )
            });
            Listing {
                lines: lines
                    .into_iter()
                    .map(|(l, (flat, cum))| {
                        let src = text.as_ref().and_then(|t| {
                            usize::try_from(l - 1).ok().and_then(|i| t.get(i)).cloned()
                        });
                        (l, flat, cum, src)
                    })
                    .collect(),
                name,
                file,
                source: text.as_ref().and(source),
            }
        })
        .collect()
}
