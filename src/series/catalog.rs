//! Frames and stacks aligned across profiles.
//!
//! A [`Catalog`] gives every frame one id across all loaded profiles, matching frames by function
//! name and file (and line with `--lines`), never by address; unsymbolized frames match by their
//! mapping (build id, else file name) and their offset into it. Stacks (leaf first, inlined frames
//! expanded) are interned the same way, so a stack has one id in every snapshot, and each profile
//! becomes a vector of values indexed by stack id.
//!
//! Each frame also belongs to a *function node*: what `go tool pprof` shows as one row at its
//! default `functions` granularity (the function name; for frames without a name, the mapping's
//! file in brackets).

use std::collections::HashMap;

use super::names::{short_name, strip_rust_hash};
use crate::profile::Profile;
use crate::profile::hash::{FxHashMap, FxHasher};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The position in its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id!(
    /// A frame of the [`Catalog`]: one function (and line, with `--lines`) in every profile.
    FrameId
);
id!(
    /// A function node of the [`Catalog`]: a row of pprof's function-granularity report.
    FuncId
);
id!(
    /// A stack of the [`Catalog`]: the same id in every snapshot.
    StackId
);

fn hash_frames(frames: &[FrameId]) -> u64 {
    let mut h = FxHasher::default();
    h.add(frames.len() as u64);
    for pair in frames.chunks(2) {
        let w = pair[0].0 as u64 | (pair.get(1).map_or(u32::MAX, |f| f.0) as u64) << 32;
        h.add(w);
    }
    std::hash::Hasher::finish(&h)
}

/// One frame, as heapdiff shows it.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Function name (Rust hash suffixes stripped); for unsymbolized frames, the mapping's file
    /// in brackets and the offset, e.g. `[app] 0x58a84`.
    pub name: String,
    /// Source file, when the profile has it.
    pub file: String,
    /// Source line (only part of the identity with `--lines`; otherwise the first line seen).
    pub line: i64,
    /// The function node this frame counts towards.
    pub func: FuncId,
    /// True when the frame has no function name (addresses only).
    pub unsymbolized: bool,
}

/// A row of pprof's function-granularity report.
#[derive(Clone, Debug)]
pub struct FuncNode {
    /// The function's name (for frames without one, the mapping's file in brackets).
    pub name: String,
    /// The first source file seen for this function ("" when unknown).
    pub file: String,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum FrameKey {
    Symbol {
        name: String,
        file: String,
        line: i64,
    },
    Address {
        object: String,
        offset: u64,
    },
    Unknown {
        address: u64,
    },
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum FuncKey {
    Name(String),
    Object(String),
    Unknown,
}

/// Options that change frame identity.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameOptions {
    /// Match frames by line number too.
    pub lines: bool,
    /// Name frames as `go tool pprof` prints them by default: demangled C++ and Rust names lose
    /// their `(…)` and `<…>` parts, and frames without a symbol are their mapping's file in
    /// brackets (`[libc.so.6]`).
    pub short_names: bool,
}

/// Frames, function nodes and stacks shared by all profiles of one run.
#[derive(Default)]
pub struct Catalog {
    /// What frame identity takes into account.
    pub options: FrameOptions,
    /// Every frame, indexed by [`FrameId`].
    pub frames: Vec<Frame>,
    frame_index: HashMap<FrameKey, FrameId>,
    /// Every function node, indexed by [`FuncId`].
    pub funcs: Vec<FuncNode>,
    func_index: HashMap<FuncKey, FuncId>,
    stack_frames: Vec<FrameId>,
    stack_ranges: Vec<(u32, u32)>,
    stack_head: FxHashMap<u64, u32>,
    stack_next: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// One profile's values, indexed by [`StackId`].
#[derive(Clone, Debug, Default)]
pub struct StackValues {
    /// The chosen sample type's value per stack.
    pub values: Vec<i64>,
    /// The matching object count per stack, when the profile has one (e.g. `inuse_objects` for
    /// `inuse_space`).
    pub objects: Option<Vec<i64>>,
    /// The matching byte count per stack, when the chosen type counts objects.
    pub bytes: Option<Vec<i64>>,
    /// Sum of the chosen sample type over all samples (including samples with no stack).
    pub total: i64,
    /// Sum of the object counts, when present.
    pub total_objects: Option<i64>,
}

impl StackValues {
    /// Value of stack `s` (0 for stacks this profile does not have).
    pub fn get(&self, s: StackId) -> i64 {
        self.values.get(s.index()).copied().unwrap_or(0)
    }
    /// Object count of stack `s`, when known.
    pub fn objects_of(&self, s: StackId) -> Option<i64> {
        self.objects
            .as_ref()
            .map(|o| o.get(s.index()).copied().unwrap_or(0))
    }
}

impl Catalog {
    /// An empty catalog.
    pub fn new(options: FrameOptions) -> Self {
        Catalog {
            options,
            ..Default::default()
        }
    }

    /// How many distinct stacks the profiles hold.
    pub fn num_stacks(&self) -> usize {
        self.stack_ranges.len()
    }

    /// The frames of stack `s`, leaf first.
    pub fn stack(&self, s: StackId) -> &[FrameId] {
        let (a, b) = self.stack_ranges[s.index()];
        &self.stack_frames[a as usize..b as usize]
    }

    /// The frame `f`.
    pub fn frame(&self, f: FrameId) -> &Frame {
        &self.frames[f.index()]
    }

    /// The function node `f`.
    pub fn func(&self, f: FuncId) -> &FuncNode {
        &self.funcs[f.index()]
    }

    /// Every stack id.
    pub fn stack_ids(&self) -> impl ExactSizeIterator<Item = StackId> + use<> {
        (0..self.num_stacks() as u32).map(StackId)
    }

    fn func_id(&mut self, key: FuncKey, name: &str, file: &str) -> FuncId {
        if let Some(&id) = self.func_index.get(&key) {
            return id;
        }
        let id = FuncId(self.funcs.len() as u32);
        self.funcs.push(FuncNode {
            name: name.to_string(),
            file: file.to_string(),
        });
        self.func_index.insert(key, id);
        id
    }

    fn frame_id(&mut self, key: FrameKey, make: impl FnOnce(&mut Self) -> Frame) -> FrameId {
        if let Some(&id) = self.frame_index.get(&key) {
            return id;
        }
        let f = make(self);
        let id = FrameId(self.frames.len() as u32);
        self.frames.push(f);
        self.frame_index.insert(key, id);
        id
    }

    /// A frame known only by its address (and maybe a file and line without a function name).
    fn address_frame(
        &mut self,
        p: &Profile,
        loc: &crate::profile::Location,
        line: Option<&crate::profile::Line>,
    ) -> FrameId {
        let (file, lineno) = line
            .map(|l| {
                let f = &p.functions[l.function as usize];
                (f.file.clone(), l.line)
            })
            .unwrap_or_default();
        let mapping = loc.mapping.map(|m| &p.mappings[m as usize]);
        match mapping {
            Some(m) if !m.file.is_empty() || !m.build_id.is_empty() => {
                let object = if m.build_id.is_empty() {
                    m.file.clone()
                } else {
                    m.build_id.clone()
                };
                let offset = loc.address.wrapping_sub(m.start).wrapping_add(m.offset);
                let bracket = m.bracket_name();
                let mfile = m.file.clone();
                // With pprof's names, a frame without a symbol is its mapping, as pprof
                // shows it at function granularity.
                let short = self.options.short_names;
                let offset = if short { 0 } else { offset };
                self.frame_id(FrameKey::Address { object, offset }, |c| Frame {
                    name: if short {
                        bracket.clone()
                    } else {
                        format!("{bracket} {offset:#x}")
                    },
                    file,
                    line: lineno,
                    func: c.func_id(FuncKey::Object(mfile), &bracket, ""),
                    unsymbolized: true,
                })
            }
            _ => {
                let address = loc.address;
                self.frame_id(FrameKey::Unknown { address }, |c| Frame {
                    name: format!("{address:#x}"),
                    file,
                    line: lineno,
                    func: c.func_id(FuncKey::Unknown, "<unknown>", ""),
                    unsymbolized: true,
                })
            }
        }
    }

    /// The frames of every location of `p`, inner first, as (start, end) into the returned array.
    fn location_frames(&mut self, p: &Profile) -> (Vec<FrameId>, Vec<(u32, u32)>) {
        let mut flat = Vec::new();
        let mut ranges = Vec::with_capacity(p.locations.len());
        for loc in &p.locations {
            let start = flat.len() as u32;
            if loc.lines.is_empty() {
                let id = self.address_frame(p, loc, None);
                flat.push(id);
            }
            for l in &loc.lines {
                let f = &p.functions[l.function as usize];
                if f.name.is_empty() {
                    let id = self.address_frame(p, loc, Some(l));
                    flat.push(id);
                    continue;
                }
                let stripped = strip_rust_hash(&f.name);
                let simplified;
                let name = if self.options.short_names
                    && (f.system_name.is_empty() || f.system_name == f.name)
                {
                    simplified = short_name(stripped);
                    simplified.as_str()
                } else {
                    stripped
                };
                let line = if self.options.lines { l.line } else { 0 };
                let key = FrameKey::Symbol {
                    name: name.to_string(),
                    file: f.file.clone(),
                    line,
                };
                let id = self.frame_id(key, |c| Frame {
                    name: name.to_string(),
                    file: f.file.clone(),
                    line: l.line,
                    func: c.func_id(FuncKey::Name(name.to_string()), name, &f.file),
                    unsymbolized: false,
                });
                flat.push(id);
            }
            ranges.push((start, flat.len() as u32));
        }
        (flat, ranges)
    }

    fn intern_stack(&mut self, frames: &[FrameId]) -> StackId {
        let h = hash_frames(frames);
        let mut cur = self.stack_head.get(&h).copied().unwrap_or(NONE);
        while cur != NONE {
            if self.stack(StackId(cur)) == frames {
                return StackId(cur);
            }
            cur = self.stack_next[cur as usize];
        }
        let id = StackId(self.stack_ranges.len() as u32);
        let start = self.stack_frames.len() as u32;
        self.stack_frames.extend_from_slice(frames);
        self.stack_ranges
            .push((start, self.stack_frames.len() as u32));
        let prev = self.stack_head.insert(h, id.0).unwrap_or(NONE);
        self.stack_next.push(prev);
        id
    }

    /// Adds the samples of `p` and returns its values per stack for every sample type.
    pub fn add_profile(&mut self, p: &Profile) -> AllValues {
        let (lf, lr) = self.location_frames(p);
        let n = p.sample_types.len();
        // Rows for this profile's stacks only: memory follows what it holds, never the stacks
        // other profiles added times this profile's number of sample types.
        let mut rows: Vec<i64> = Vec::with_capacity(p.values.len());
        let mut stacks: Vec<u32> = Vec::with_capacity(p.num_samples());
        let mut row_of: Vec<u32> = Vec::new();
        let mut totals = vec![0i64; n];
        let mut scratch: Vec<FrameId> = Vec::with_capacity(64);
        self.stack_frames.reserve(p.sample_locs.len());
        for i in 0..p.num_samples() {
            let row = &p.values[i * n..(i + 1) * n];
            for (t, v) in totals.iter_mut().zip(row) {
                *t = t.saturating_add(*v);
            }
            scratch.clear();
            for &l in p.sample_locations(i) {
                let (a, b) = lr[l as usize];
                scratch.extend_from_slice(&lf[a as usize..b as usize]);
            }
            if scratch.is_empty() {
                continue;
            }
            let s = self.intern_stack(&scratch).index();
            if row_of.len() <= s {
                row_of.resize(s + 1, NONE);
            }
            if row_of[s] == NONE {
                row_of[s] = stacks.len() as u32;
                stacks.push(s as u32);
                rows.extend_from_slice(row);
            } else {
                let r = row_of[s] as usize;
                for (d, v) in rows[r * n..(r + 1) * n].iter_mut().zip(row) {
                    *d = d.saturating_add(*v);
                }
            }
        }
        AllValues {
            ntypes: n,
            stacks,
            rows,
            totals,
        }
    }
}

/// One profile's values per stack for all of its sample types, before one is chosen.
#[derive(Clone, Debug, Default)]
pub struct AllValues {
    /// Sample types per stack.
    pub ntypes: usize,
    /// The stack of each row.
    pub stacks: Vec<u32>,
    /// `ntypes` values per row, row after row.
    pub rows: Vec<i64>,
    /// Per sample type, the sum over all samples (including samples with no stack).
    pub totals: Vec<i64>,
}

impl AllValues {
    /// The column for type `ty`, padded to `nstacks`.
    pub fn column(&self, ty: usize, nstacks: usize) -> Vec<i64> {
        let mut out = vec![0i64; nstacks];
        for (r, &s) in self.stacks.iter().enumerate() {
            if let Some(slot) = out.get_mut(s as usize) {
                *slot = self.rows[r * self.ntypes + ty];
            }
        }
        out
    }

    /// The chosen type (and object count type) as [`StackValues`].
    pub fn select(
        &self,
        ty: usize,
        objects: Option<usize>,
        bytes: Option<usize>,
        nstacks: usize,
    ) -> StackValues {
        StackValues {
            values: self.column(ty, nstacks),
            objects: objects.map(|o| self.column(o, nstacks)),
            bytes: bytes.map(|b| self.column(b, nstacks)),
            total: self.totals[ty],
            total_objects: objects.map(|o| self.totals[o]),
        }
    }
}
