//! The site map: for every stack, the frame a person would fix (its *leak site*), the library
//! frame it allocated through, and where the allocator and runtime machinery at its leaf end
//! begins. Ranking, flamegraphs and `show` all read this one map, so they always blame the same
//! frame.
//!
//! Walking from the leaf, the site is the first application frame
//! ([`FrameKind::Application`]); a stack with no application frame is blamed on its first frame
//! that is not machinery (so a leak inside a library is still named), and a stack of machinery
//! alone on its leaf. When library frames lie between the site and the allocator, the one
//! nearest the leaf is kept as context: the site allocated *via* it.

use crate::profile::Producer;
use crate::profile::machinery::{FrameKind, SiteRules};
use crate::series::{Catalog, FrameId, Frames, StackId};

/// Every stack's leak site.
#[derive(Clone, Debug, Default)]
pub struct SiteMap {
    /// Per stack: the position (from the leaf) of its first frame that is not machinery, or
    /// the stack's length when every frame is.
    first_user: Vec<u32>,
    /// Per stack: its site frame.
    site: Vec<FrameId>,
    /// Per stack: the library frame nearest the leaf, when the site is an application frame
    /// above it.
    via: Vec<Option<FrameId>>,
    /// Per frame: what it is.
    kinds: Vec<FrameKind>,
}

impl SiteMap {
    /// Finds the site of every stack of `catalog`. `producer` tells how to read frames with no
    /// file (in V8 profiles they are builtins).
    pub fn new(catalog: &Catalog, rules: &SiteRules, producer: Option<Producer>) -> Self {
        let no_file_is_library = producer == Some(Producer::V8);
        let kinds: Vec<FrameKind> = catalog
            .frames
            .iter()
            .map(|f| {
                if f.unsymbolized && !f.name.starts_with('[') {
                    // An address with no mapping says nothing about whose code it is.
                    FrameKind::Application
                } else {
                    rules.kind(&f.name, &f.file, no_file_is_library)
                }
            })
            .collect();
        let n = catalog.num_stacks();
        let (mut first_user, mut site, mut via) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        // Walked leaf first, and only as far as the first application frame: the first frame
        // that is not machinery is the first user frame, and no application frame comes before
        // it.
        for s in catalog.stack_ids() {
            let mut leaf = None;
            let mut user: Option<(usize, FrameId)> = None;
            let mut app = None;
            let mut depth = 0;
            for (i, f) in catalog.stack(s).enumerate() {
                leaf.get_or_insert(f);
                depth = i + 1;
                let k = kinds[f.index()];
                if user.is_none() && k != FrameKind::Machinery {
                    user = Some((i, f));
                }
                if k == FrameKind::Application {
                    app = Some((i, f));
                    break;
                }
            }
            let leaf = leaf.expect("a catalogued stack has frames");
            first_user.push(user.map_or(depth, |u| u.0) as u32);
            match (app, user) {
                (Some((a, f)), Some((u, uf))) => {
                    site.push(f);
                    via.push((a > u).then_some(uf));
                }
                (_, user) => {
                    site.push(user.map_or(leaf, |u| u.1));
                    via.push(None);
                }
            }
        }
        SiteMap {
            first_user,
            site,
            via,
            kinds,
        }
    }

    /// The leak site of stack `s`.
    pub fn site(&self, s: StackId) -> FrameId {
        self.site[s.index()]
    }

    /// The library frame stack `s` allocated through, below its application site.
    pub fn via(&self, s: StackId) -> Option<FrameId> {
        self.via[s.index()]
    }

    /// What frame `f` is.
    pub fn kind(&self, f: FrameId) -> FrameKind {
        self.kinds[f.index()]
    }

    /// The frames of stack `s` without the machinery at its leaf end (leaf first). A stack of
    /// machinery alone keeps its root frame, so it still shows where it was called from.
    pub fn trimmed<'c>(&self, catalog: &'c Catalog, s: StackId) -> Frames<'c> {
        let frames = catalog.stack(s);
        let pos = (self.first_user[s.index()] as usize).min(frames.count().saturating_sub(1));
        frames.skip_front(pos)
    }
}
