//! Call paths: for each leak site, the distinct ways it is reached (the frames from the root
//! down to the site) with the growth each carries, largest first, and below the site the
//! library and allocator frames it allocated through. The growths of a site's paths add up to
//! the site's growth.

use super::rank::{Ranking, Unit};
use super::sites::SiteMap;
use crate::profile::hash::FxHashMap;
use crate::profile::machinery::FrameKind;
use crate::series::{FrameId, Series};

/// One way a site is reached.
#[derive(Clone, Debug)]
pub struct CallPath {
    /// The whole stack of the largest contributor, root first; the site is at `site`.
    pub frames: Vec<FrameId>,
    /// Position of the site in `frames`.
    pub site: usize,
    /// Last minus first, summed over every stack with this root-to-site path.
    pub growth: i64,
}

impl CallPath {
    /// The callers of the site, nearest first.
    pub fn callers(&self) -> impl Iterator<Item = FrameId> + '_ {
        self.frames[..self.site].iter().rev().copied()
    }

    /// The frames below the site (towards the allocator).
    pub fn below(&self) -> &[FrameId] {
        &self.frames[self.site + 1..]
    }
}

/// The call paths of the ranked sites in `rows` (every row when `None`), in the ranking's
/// order; rows not asked for, and rows that are not sites, get none. One pass over the stacks.
pub fn of_ranking(
    series: &Series,
    sites: &SiteMap,
    ranking: &Ranking,
    rows: Option<&[usize]>,
) -> Vec<Vec<CallPath>> {
    let cat = &series.catalog;
    let (base, last) = (series.base(), series.last());
    let wanted = |i: &usize| rows.is_none_or(|r| r.contains(i));
    let row_of: FxHashMap<FrameId, usize> = ranking
        .units
        .iter()
        .enumerate()
        .filter(|(i, _)| wanted(i))
        .filter_map(|(i, u)| match u.unit {
            Unit::Site(f) => Some((f, i)),
            _ => None,
        })
        .collect();
    // Per row: root-to-site path -> (growth, largest contributor's growth, its stack).
    type Groups = FxHashMap<Vec<FrameId>, (i64, i64, Vec<FrameId>)>;
    let mut groups: Vec<Groups> = vec![Groups::default(); ranking.units.len()];
    for s in cat.stack_ids() {
        let site = sites.site(s);
        let Some(&row) = row_of.get(&site) else {
            continue;
        };
        let g = last.stacks.get(s).saturating_sub(base.stacks.get(s));
        let frames = cat.stack(s).to_vec();
        let pos = frames.iter().position(|&f| f == site).unwrap_or(0);
        let upper: Vec<FrameId> = frames[pos..].iter().rev().copied().collect();
        let e = groups[row]
            .entry(upper)
            .or_insert_with(|| (0, i64::MIN, Vec::new()));
        e.0 = e.0.saturating_add(g);
        if g > e.1 {
            e.1 = g;
            e.2 = frames.iter().rev().copied().collect();
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let mut paths: Vec<CallPath> = g
                .into_iter()
                .map(|(upper, (growth, _, whole))| CallPath {
                    site: upper.len() - 1,
                    frames: whole,
                    growth,
                })
                .collect();
            paths.sort_by(|a, b| {
                b.growth
                    .cmp(&a.growth)
                    .then_with(|| a.frames.cmp(&b.frames))
            });
            paths
        })
        .collect()
}

/// A short name for a run of library frames: the crate, package or module of its first frame
/// (`tokio`, `net/http`, `express`), else "library".
pub fn library_label(name: &str, file: &str) -> String {
    if let Some(i) = file.find("node_modules/") {
        let rest = &file[i + "node_modules/".len()..];
        let mut parts = rest.split('/');
        let first = parts.next().unwrap_or("");
        return if first.starts_with('@') {
            format!("{first}/{}", parts.next().unwrap_or(""))
        } else {
            first.to_string()
        };
    }
    if file.starts_with("node:") {
        return "node".into();
    }
    let name = name.trim_start_matches('<');
    if let Some((krate, _)) = name.split_once("::") {
        return krate.to_string();
    }
    if file.ends_with(".go") || !name.contains(' ') {
        let after = name.rfind('/').map_or(0, |i| i + 1);
        if let Some(dot) = name[after..].find('.') {
            return name[..after + dot].to_string();
        }
    }
    "library".into()
}

/// The callers of a path as one compact line: `← caller ← caller …`, with runs of library and
/// runtime frames folded to `[tokio ×38]` and a recursion to `f ×10`.
pub fn compact_callers(series: &Series, sites: &SiteMap, path: &CallPath) -> String {
    let cat = &series.catalog;
    let mut out = String::new();
    let callers: Vec<FrameId> = path.callers().collect();
    let mut i = 0;
    while i < callers.len() {
        let f = callers[i];
        let fr = cat.frame(f);
        if sites.kind(f) == FrameKind::Application {
            // A recursion reads as one frame with its depth.
            let mut j = i + 1;
            while j < callers.len() && callers[j] == f {
                j += 1;
            }
            out.push_str(" ← ");
            out.push_str(&fr.name);
            if j - i > 1 {
                out.push_str(&format!(" ×{}", j - i));
            }
            i = j;
            continue;
        }
        let label = library_label(&fr.name, &fr.file);
        let mut j = i;
        while j < callers.len() && sites.kind(callers[j]) != FrameKind::Application {
            j += 1;
        }
        if j - i == 1 {
            out.push_str(" ← ");
            out.push_str(&fr.name);
        } else {
            out.push_str(&format!(" ← [{label} ×{}]", j - i));
        }
        i = j;
    }
    out.trim_start().to_string()
}

#[cfg(test)]
mod tests {
    use super::library_label;

    #[test]
    fn labels() {
        assert_eq!(
            library_label(
                "tokio::runtime::task::raw::poll",
                "/x/.cargo/registry/src/i/tokio-1/src/a.rs"
            ),
            "tokio"
        );
        assert_eq!(
            library_label("net/http.(*conn).serve", "/go/src/net/http/server.go"),
            "net/http"
        );
        assert_eq!(
            library_label("handle", "/app/node_modules/express/lib/router.js"),
            "express"
        );
        assert_eq!(
            library_label("x", "/app/node_modules/@datadog/pprof/out/a.js"),
            "@datadog/pprof"
        );
        assert_eq!(
            library_label("listOnTimeout", "node:internal/timers"),
            "node"
        );
    }
}
