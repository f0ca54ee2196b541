//! Call paths: for each leak site, the distinct ways it is reached (the frames from the root
//! down to the site) with the growth each carries, largest first, and below the site the
//! library and allocator frames it allocated through. The growths of a site's paths add up to
//! the site's growth.

use super::rank::{Ranking, Unit};
use super::sites::SiteMap;
use crate::profile::hash::FxHashMap;
use crate::profile::machinery::FrameKind;
use crate::series::{FrameId, Series, StackId};

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

/// Which call paths [`of_ranking`] gathers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Which<'a> {
    /// The rows of the ranking (every row when `None`).
    pub rows: Option<&'a [usize]>,
    /// The first paths of each row only (all when `None`).
    pub limit: Option<usize>,
    /// Only paths whose growth is above zero. Stacks that did not change are then skipped:
    /// they add nothing to a path's growth and never are the largest contributor of a path
    /// that grew, so the paths kept are the same as without skipping.
    pub grown_only: bool,
}

/// The call paths of the ranked sites in `which.rows`, in the ranking's order; rows not asked
/// for, and rows that are not sites, get none. One pass over the stacks.
pub fn of_ranking(
    series: &Series,
    sites: &SiteMap,
    ranking: &Ranking,
    which: &Which,
) -> Vec<Vec<CallPath>> {
    let Which {
        rows,
        limit,
        grown_only,
    } = *which;
    let cat = &series.catalog;
    let (base, last) = (series.base(), series.last());
    let wanted = |i: &usize| rows.is_none_or(|r| r.contains(i));
    // The row of each frame that is a wanted site (a table by frame: every stack looks up).
    let mut row_of: Vec<u32> = vec![u32::MAX; cat.frames.len()];
    for (i, u) in ranking.units.iter().enumerate() {
        if let Unit::Site(f) = u.unit
            && wanted(&i)
            && let Some(slot) = row_of.get_mut(f.index())
        {
            *slot = i as u32;
        }
    }
    // Per row: root-to-site path -> (growth, largest contributor's growth, its stack). A path
    // is keyed by the catalogue's own bytes for it (the stack from the site's leafmost
    // appearance to the root: canonical varints, so equal bytes are equal frames), borrowed,
    // never copied.
    type Groups<'c> = FxHashMap<&'c [u8], (i64, i64, StackId)>;
    let mut groups: Vec<Groups> = vec![Groups::default(); ranking.units.len()];
    for s in cat.stack_ids() {
        let site = sites.site(s);
        let row = match row_of.get(site.index()) {
            Some(&r) if r != u32::MAX => r as usize,
            _ => continue,
        };
        let g = last.stacks.get(s).saturating_sub(base.stacks.get(s));
        if grown_only && g == 0 {
            continue;
        }
        // From the site's leafmost appearance to the root (the whole stack should the site
        // not be on it).
        let mut frames = cat.stack(s);
        let whole = frames.encoded();
        let upper = loop {
            let here = frames.encoded();
            match frames.next() {
                Some(f) if f == site => break here,
                Some(_) => {}
                None => break whole,
            }
        };
        let e = groups[row].entry(upper).or_insert((0, i64::MIN, s));
        e.0 = e.0.saturating_add(g);
        if g > e.1 {
            e.1 = g;
            e.2 = s;
        }
    }
    // Largest growth first, then by the frames (root first) of the largest contributor,
    // compared in place; only the paths kept are copied out.
    let order = |a: &(usize, i64, StackId), b: &(usize, i64, StackId)| {
        b.1.cmp(&a.1)
            .then_with(|| cat.stack(a.2).rev().cmp(cat.stack(b.2).rev()))
    };
    groups
        .into_iter()
        .map(|g| {
            let mut paths: Vec<(usize, i64, StackId)> = g
                .into_iter()
                .map(|(upper, (growth, _, whole))| (depth(upper) - 1, growth, whole))
                .filter(|p| !grown_only || p.1 > 0)
                .collect();
            if let Some(n) = limit
                && paths.len() > n
            {
                if n == 0 {
                    return Vec::new();
                }
                paths.select_nth_unstable_by(n - 1, order);
                paths.truncate(n);
            }
            paths.sort_by(order);
            paths
                .into_iter()
                .map(|(site, growth, whole)| CallPath {
                    frames: cat.stack(whole).rev().collect(),
                    site,
                    growth,
                })
                .collect()
        })
        .collect()
}

/// How many frames canonical varint bytes hold (one ends at each byte below 0x80), at least one.
fn depth(encoded: &[u8]) -> usize {
    encoded.iter().filter(|&&b| b < 0x80).count().max(1)
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
