//! The site map: for every stack, the frame a person would fix (its *leak site*) and where the
//! allocator and runtime machinery at its leaf end begins. Ranking, flamegraphs and `show` all
//! read this one map, so they always blame the same frame.
//!
//! Walking from the leaf, the site is the first frame that is not machinery
//! ([`SiteRules`]); a stack of machinery alone is blamed on its leaf.

use crate::profile::machinery::SiteRules;
use crate::series::{Catalog, FrameId, StackId};

/// Every stack's leak site.
#[derive(Clone, Debug, Default)]
pub struct SiteMap {
    /// Per stack: the position (from the leaf) of its first frame that is not machinery, or
    /// the stack's length when every frame is.
    first_user: Vec<u32>,
    /// Per stack: its site frame.
    site: Vec<FrameId>,
}

impl SiteMap {
    /// Finds the site of every stack of `catalog`.
    pub fn new(catalog: &Catalog, rules: &SiteRules) -> Self {
        let mut machinery: Vec<Option<bool>> = vec![None; catalog.frames.len()];
        let mut first_user = Vec::with_capacity(catalog.num_stacks());
        let mut site = Vec::with_capacity(catalog.num_stacks());
        for s in catalog.stack_ids() {
            let frames = catalog.stack(s);
            let pos = frames
                .iter()
                .position(|&f| {
                    !*machinery[f.index()].get_or_insert_with(|| {
                        let fr = catalog.frame(f);
                        rules.is_machinery(&fr.name, &fr.file)
                    })
                })
                .unwrap_or(frames.len());
            first_user.push(pos as u32);
            site.push(frames.get(pos).copied().unwrap_or(frames[0]));
        }
        SiteMap { first_user, site }
    }

    /// The leak site of stack `s`.
    pub fn site(&self, s: StackId) -> FrameId {
        self.site[s.index()]
    }

    /// The frames of stack `s` without the machinery at its leaf end (leaf first). A stack of
    /// machinery alone keeps its root frame, so it still shows where it was called from.
    pub fn trimmed<'c>(&self, catalog: &'c Catalog, s: StackId) -> &'c [FrameId] {
        let frames = catalog.stack(s);
        let pos = (self.first_user[s.index()] as usize).min(frames.len() - 1);
        &frames[pos..]
    }
}
