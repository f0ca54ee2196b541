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
use crate::profile::hash::{HashIndex, hash_bytes};
use crate::profile::seqs::{self, Full, Seq, Seqs};
use crate::profile::{DROP, Profile, Values};

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

/// The frames of one stack, leaf first; `.rev()` walks them root first.
#[derive(Clone, Copy, Debug)]
pub struct Frames<'a>(Seq<'a>);

impl Frames<'_> {
    /// The leaf frame (where the allocation happened).
    pub fn leaf(&self) -> Option<FrameId> {
        self.0.first().map(FrameId)
    }

    /// The frames as a vector, leaf first.
    pub fn to_vec(&self) -> Vec<FrameId> {
        (*self).collect()
    }

    /// True for a stack without frames.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The frames after the first `n`.
    pub fn skip_front(mut self, n: usize) -> Self {
        for _ in 0..n {
            self.0.next();
        }
        self
    }
}

impl<'a> Frames<'a> {
    /// The frames not yet walked, as the catalogue stores them (canonical varints, leaf
    /// first): two stacks' remaining frames are equal exactly when these bytes are.
    pub fn encoded(&self) -> &'a [u8] {
        self.0.encoded()
    }
}

impl Iterator for Frames<'_> {
    type Item = FrameId;

    #[inline]
    fn next(&mut self) -> Option<FrameId> {
        self.0.next().map(FrameId)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Frames<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<FrameId> {
        self.0.next_back().map(FrameId)
    }
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
#[derive(Clone, Default)]
pub struct Catalog {
    /// What frame identity takes into account.
    pub options: FrameOptions,
    /// Every frame, indexed by [`FrameId`].
    pub frames: Vec<Frame>,
    frame_index: HashMap<FrameKey, FrameId>,
    /// Every function node, indexed by [`FuncId`].
    pub funcs: Vec<FuncNode>,
    func_index: HashMap<FuncKey, FuncId>,
    /// Every stack's frames, leaf first, as varints.
    stacks: Seqs,
    stack_index: HashIndex,
}

const NONE: u32 = u32::MAX;

/// The hash stack `e` was interned by (its frames' bytes).
fn stack_hash(stacks: &Seqs, e: u32) -> u64 {
    hash_bytes(stacks.encoded(e as usize), 0)
}

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
    /// The allocation count per stack (`alloc_objects`) beside an in-use type, when the
    /// profile has one: the sampling-noise model bounds what was replaced between snapshots.
    pub allocs: Option<Vec<i64>>,
    /// Per stack, what sampling says of its in-use values, sample by sample (profiles sampled
    /// by bytes only).
    pub samples: Option<Vec<SamplingCell>>,
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
    /// Allocation count of stack `s`, when known.
    pub fn allocs_of(&self, s: StackId) -> Option<i64> {
        self.allocs
            .as_ref()
            .map(|o| o.get(s.index()).copied().unwrap_or(0))
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
        self.stacks.len()
    }

    /// The frames of stack `s`, leaf first.
    pub fn stack(&self, s: StackId) -> Frames<'_> {
        Frames(self.stacks.get(s.index()))
    }

    /// The leaf frame of stack `s` (every stack has one: stacks without frames are not kept).
    pub fn leaf(&self, s: StackId) -> FrameId {
        self.stack(s).leaf().unwrap_or(FrameId(0))
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

    /// The frames of every location of `p`, inner first, as varints, with each location's
    /// `[start, end)` in the returned bytes.
    fn location_frames(&mut self, p: &Profile) -> (Vec<u8>, Vec<(u32, u32)>) {
        let mut flat = Vec::new();
        let mut ranges = Vec::with_capacity(p.locations.len());
        for loc in &p.locations {
            let start = flat.len() as u32;
            if loc.lines.is_empty() {
                let id = self.address_frame(p, loc, None);
                seqs::encode(id.0, &mut flat);
            }
            for l in &loc.lines {
                let f = &p.functions[l.function as usize];
                if f.name.is_empty() {
                    let id = self.address_frame(p, loc, Some(l));
                    seqs::encode(id.0, &mut flat);
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
                seqs::encode(id.0, &mut flat);
            }
            ranges.push((start, flat.len() as u32));
        }
        (flat, ranges)
    }

    /// The id of the stack whose frames are `encoded` (hashed to `h`), adding it when new.
    fn intern_stack(&mut self, encoded: &[u8], h: u64) -> Result<StackId, Full> {
        let new = u32::try_from(self.stacks.len())
            .ok()
            .filter(|&n| n < NONE)
            .ok_or(Full)?;
        // Refused before the index records it, so that the index never names a stack that
        // is not there.
        if u32::try_from(self.stacks.encoded_len() + encoded.len()).is_err() {
            return Err(Full);
        }
        let stacks = &self.stacks;
        match self.stack_index.find_or_insert(
            h,
            new,
            |e| stacks.encoded(e as usize) == encoded,
            |e| stack_hash(stacks, e),
        ) {
            Some(e) => Ok(StackId(e)),
            None => {
                self.stacks.push_encoded(encoded)?;
                Ok(StackId(new))
            }
        }
    }

    /// Adds the samples of `p` and returns its values per stack for every sample type; an
    /// error only when the stacks of all profiles pass what heapdiff can hold. The values are
    /// taken from `p` (its rows become the stacks' rows in place) and `p.values` is left
    /// empty.
    pub fn add_profile(&mut self, p: &mut Profile) -> Result<AllValues, Full> {
        let (lf, lr) = self.location_frames(p);
        let tr = Translation::new(&lf, &lr);
        let n = p.sample_types.len();
        // Every sample counts, also one without frames; in sample order, as pprof sums.
        let totals = (0..n).map(|t| p.values.total(t)).collect();
        // Per sample, its stack: those the catalogue already holds looked up on every core at
        // once, then the rest added on this thread, in sample order (so stack ids do not depend
        // on how threads run).
        let mut stack_of = self.known_stacks(p, &tr);
        self.add_unknown(p, &tr, &mut stack_of)?;
        // Rows for this profile's stacks only, numbered in order of their first samples: memory
        // follows what it holds, never the stacks other profiles added times this profile's
        // number of sample types. Each sample's stack is overwritten with its row.
        let mut row_of = vec![NONE; self.stacks.len()];
        let mut stacks = Vec::new();
        for t in stack_of.iter_mut().filter(|t| **t != DROP) {
            let r = &mut row_of[*t as usize];
            if *r == NONE {
                *r = stacks.len() as u32;
                stacks.push(*t);
            }
            *t = *r;
        }
        let samples = sampling_cells(p, &stack_of, stacks.len());
        let mut values = std::mem::take(&mut p.values);
        values.gather(&stack_of);
        values.shrink_to_fit();
        Ok(AllValues {
            ntypes: n,
            stacks,
            rows: values,
            totals,
            samples,
        })
    }

    /// Interns the stacks of the samples of `p` whose stack is `NONE` in `stack_of`, in sample
    /// order, and writes each one's id there ([`DROP`] for a sample without frames).
    ///
    /// Samples are interned a batch at a time: the stack table of a large profile is far
    /// larger than the caches, and touching a batch's slots together lets their misses overlap.
    fn add_unknown(
        &mut self,
        p: &Profile,
        tr: &Translation<'_>,
        stack_of: &mut [u32],
    ) -> Result<(), Full> {
        let mut batch = Batch::default();
        let stacks = &self.stacks;
        let unknown = stack_of.iter().filter(|&&k| k == NONE).count();
        // With a quarter to spare: a later snapshot mostly adds a few stacks, and a table that
        // fits this profile exactly would be rebuilt whole for them.
        self.stack_index
            .reserve(unknown + unknown / 4, |e| stack_hash(stacks, e));
        let mut i = 0;
        while i < stack_of.len() {
            batch.clear();
            while batch.len() < BATCH && i < stack_of.len() {
                if stack_of[i] == NONE {
                    batch.push(p, tr, i);
                }
                i += 1;
            }
            // Two rounds of touching: the slots, then the stacks the slots point to (a later
            // profile mostly finds stacks an earlier one added, and compares with them).
            self.stack_index.touch_all(batch.hashes());
            let mut touched = 0u8;
            for h in batch.hashes() {
                if let Some(e) = self.stack_index.candidate(h) {
                    touched ^= self
                        .stacks
                        .encoded(e as usize)
                        .first()
                        .copied()
                        .unwrap_or(0);
                }
            }
            std::hint::black_box(touched);
            for (frames, h, sample) in batch.each() {
                stack_of[sample] = if frames.is_empty() {
                    DROP
                } else {
                    self.intern_stack(frames, h)?.0
                };
            }
        }
        Ok(())
    }

    /// Per sample of `p`, the stack the catalogue already holds for it (`NONE` when it holds
    /// none, or the sample has no frames), looked up in parallel, the samples split in as many
    /// runs as there are cores. All `NONE` when that would not pay: one core, an empty
    /// catalogue (the first profile), or few samples. Lookups only read, so the result does not
    /// depend on how the threads run.
    fn known_stacks(&self, p: &Profile, tr: &Translation<'_>) -> Vec<u32> {
        let n = p.num_samples();
        let mut known = vec![NONE; n];
        let threads = crate::cores().min(MAX_THREADS);
        if self.stack_index.is_empty() || n < PARALLEL_LOOKUP_MIN || threads < 2 {
            return known;
        }
        let per = n.div_ceil(threads);
        std::thread::scope(|s| {
            let mut runs = known.chunks_mut(per).enumerate();
            let mine = runs.next();
            for (k, out) in runs {
                s.spawn(move || self.look_up(p, tr, k * per, out));
            }
            if let Some((_, out)) = mine {
                self.look_up(p, tr, 0, out);
            }
        });
        known
    }

    /// Looks up samples `first..first + out.len()` of `p` into `out`, a batch at a time (see
    /// [`Catalog::add_profile`]).
    fn look_up(&self, p: &Profile, tr: &Translation<'_>, first: usize, out: &mut [u32]) {
        let mut batch = Batch::default();
        for (b, outs) in out.chunks_mut(BATCH).enumerate() {
            batch.clear();
            let at = first + b * BATCH;
            (at..at + outs.len()).for_each(|i| batch.push(p, tr, i));
            self.stack_index.touch_all(batch.hashes());
            let stacks = &self.stacks;
            for (frames, h, sample) in batch.each() {
                if frames.is_empty() {
                    continue;
                }
                if let Some(e) = self
                    .stack_index
                    .find(h, |e| stacks.encoded(e as usize) == frames)
                {
                    outs[sample - at] = e;
                }
            }
        }
    }
}

/// A batch of samples' frames, each with its hash and sample number.
#[derive(Default)]
struct Batch {
    frames: Vec<u8>,
    /// Per sample: where its frames end, their hash, the sample.
    items: Vec<(usize, u64, usize)>,
}

impl Batch {
    fn clear(&mut self) {
        self.frames.clear();
        self.items.clear();
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    /// Adds sample `i` of `p`.
    fn push(&mut self, p: &Profile, tr: &Translation<'_>, i: usize) {
        let start = self.frames.len();
        tr.frames(p, i, &mut self.frames);
        let h = hash_bytes(&self.frames[start..], 0);
        self.items.push((self.frames.len(), h, i));
    }

    fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.items.iter().map(|it| it.1)
    }

    /// Each sample's frames, hash and number, in the order added.
    fn each(&self) -> impl Iterator<Item = (&[u8], u64, usize)> + '_ {
        let starts = std::iter::once(0).chain(self.items.iter().map(|it| it.0));
        starts
            .zip(&self.items)
            .map(|(start, &(end, h, i))| (&self.frames[start..end], h, i))
    }
}

/// Samples are looked up and interned a batch at a time (see [`Catalog::add_unknown`]).
const BATCH: usize = 32;
/// Profiles with fewer samples are looked up on one thread: starting threads would cost more.
const PARALLEL_LOOKUP_MIN: usize = 1 << 15;
/// At most this many threads look up one profile's stacks (the lookups are bound by memory).
const MAX_THREADS: usize = 8;

/// How one profile's locations become the catalogue's frames.
struct Translation<'a> {
    /// Every location's frames, inner first, as varints.
    flat: &'a [u8],
    /// Each location's frames in `flat`.
    ranges: &'a [(u32, u32)],
    /// Per location, its frames' bytes when they take three or fewer (one frame of up to
    /// 2^21, or two or three small ones: nearly every location), in the low bytes, with their
    /// number in the high byte; else [`LONG`].
    short: Vec<u32>,
}

/// A location whose frames take more than three bytes.
const LONG: u32 = u32::MAX;

impl<'a> Translation<'a> {
    fn new(flat: &'a [u8], ranges: &'a [(u32, u32)]) -> Self {
        let short = ranges
            .iter()
            .map(|&(a, b)| match &flat[a as usize..b as usize] {
                bytes if bytes.len() <= 3 => {
                    let mut word = [0u8; 4];
                    word[..bytes.len()].copy_from_slice(bytes);
                    word[3] = bytes.len() as u8;
                    u32::from_le_bytes(word)
                }
                _ => LONG,
            })
            .collect();
        Translation {
            flat,
            ranges,
            short,
        }
    }

    /// Appends the frames of sample `i` of `p` to `out`, leaf first.
    #[inline]
    fn frames(&self, p: &Profile, i: usize, out: &mut Vec<u8>) {
        let mut locations = p.stacks.encoded(i);
        while let Some((&b0, rest)) = locations.split_first() {
            let l = if b0 < 0x80 {
                locations = rest;
                b0 as usize
            } else {
                let mut one = Seq::of(locations);
                let l = one.next().unwrap_or(0) as usize;
                locations = one.encoded();
                l
            };
            match self.short[l] {
                LONG => {
                    let (a, b) = self.ranges[l];
                    out.extend_from_slice(&self.flat[a as usize..b as usize]);
                }
                code => {
                    // All four bytes written, the ones past the frames dropped again: one store
                    // instead of a copy of a length known only here.
                    out.extend_from_slice(&code.to_le_bytes());
                    out.truncate(out.len() - 4 + (code >> 24) as usize);
                }
            }
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
    /// The values of each row.
    pub rows: Values,
    /// Per sample type, the sum over all samples (including samples with no stack).
    pub totals: Vec<i64>,
    /// Per row, what sampling says of its in-use values, summed sample by sample (profiles
    /// sampled by bytes with an `inuse_space` type only).
    pub samples: Option<Vec<SamplingCell>>,
}

/// What sampling says of one stack's in-use values, summed over its samples, each with its own
/// object size (see `analyse::noise`): a stack that holds a megabyte bucket array and small
/// entries keeps the array's near certainty and the entries' noise apart.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SamplingCell {
    /// Raw samples behind the values (Σ n·p).
    pub count: f64,
    /// Variance of the bytes (Σ n·s²·(1 − p)/p).
    pub var_bytes: f64,
    /// Variance of the object count (Σ n·(1 − p)/p).
    pub var_objects: f64,
    /// Raw samples ever allocated (Σ `alloc_objects`·p), when the profile counts allocations.
    pub allocated: Option<f64>,
}

impl SamplingCell {
    /// The cell of `objects` live objects (estimated; `None` when the profile does not count
    /// them) holding `bytes`, `allocated` objects ever allocated, in a profile sampled every
    /// `rate` bytes on average: one stack and object size, the unit the profilers sample by.
    /// Without object counts every sample is taken to stand for `rate` bytes of small objects.
    pub fn of(objects: Option<f64>, bytes: f64, allocated: Option<f64>, rate: f64) -> Self {
        match objects {
            Some(n) if n > 0.0 && bytes > 0.0 => {
                let size = bytes / n;
                let prob = 1.0 - (-size / rate).exp();
                if prob <= 0.0 {
                    return SamplingCell::default();
                }
                let q = (1.0 - prob) / prob;
                SamplingCell {
                    count: n * prob,
                    var_bytes: n * size * size * q,
                    var_objects: n * q,
                    allocated: allocated.map(|a| a * prob),
                }
            }
            None if bytes > 0.0 => SamplingCell {
                count: bytes / rate,
                var_bytes: bytes * rate,
                var_objects: 0.0,
                allocated: None,
            },
            _ => SamplingCell::default(),
        }
    }

    /// Adds another sample's cell (allocation counts stay known only while both know them).
    pub fn add(&mut self, o: &SamplingCell) {
        self.count += o.count;
        self.var_bytes += o.var_bytes;
        self.var_objects += o.var_objects;
        if let (Some(a), Some(b)) = (self.allocated.as_mut(), o.allocated) {
            *a += b;
        }
    }
}

/// Per row, the [`SamplingCell`] of a profile sampled by bytes with `inuse_space` (object
/// counts from `inuse_objects`; without them each sample stands for R bytes of small objects).
fn sampling_cells(p: &Profile, row_of_sample: &[u32], rows: usize) -> Option<Vec<SamplingCell>> {
    let by_bytes = p.period_type.as_ref().is_some_and(|t| t.unit == "bytes");
    if !by_bytes || p.period <= 1 {
        return None;
    }
    let rate = p.period as f64;
    let find = |name: &str, unit: &str| {
        p.sample_types
            .iter()
            .position(|t| t.ty == name && t.unit == unit)
    };
    let space = find("inuse_space", "bytes")?;
    let objects = find("inuse_objects", "count");
    let allocs = find("alloc_objects", "count");
    let mut cells = vec![SamplingCell::default(); rows];
    if allocs.is_some() && objects.is_some() {
        for c in &mut cells {
            c.allocated = Some(0.0);
        }
    }
    let mut b_col = p.values.column(space);
    let mut n_col = objects.map(|o| p.values.column(o));
    let mut a_col = allocs.map(|a| p.values.column(a));
    fn next(col: &mut Option<impl Iterator<Item = i64>>) -> Option<f64> {
        col.as_mut()
            .map(|c| c.next().unwrap_or(0).unsigned_abs() as f64)
    }
    for &row in row_of_sample {
        let b = b_col.next().unwrap_or(0).unsigned_abs() as f64;
        let (n, a) = (next(&mut n_col), next(&mut a_col));
        if let Some(cell) = cells.get_mut(row as usize) {
            // A sample without frames has no row.
            cell.add(&SamplingCell::of(n, b, a, rate));
        }
    }
    Some(cells)
}

impl AllValues {
    /// The column for type `ty`, padded to `nstacks`.
    pub fn column(&self, ty: usize, nstacks: usize) -> Vec<i64> {
        self.by_stack(self.rows.column(ty), nstacks)
    }

    /// Per-row values laid out by stack id, padded to `nstacks` with the default.
    fn by_stack<T: Copy + Default>(&self, rows: impl Iterator<Item = T>, nstacks: usize) -> Vec<T> {
        let mut out = vec![T::default(); nstacks];
        for (&s, v) in self.stacks.iter().zip(rows) {
            if let Some(slot) = out.get_mut(s as usize) {
                *slot = v;
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
        allocs: Option<usize>,
        nstacks: usize,
    ) -> StackValues {
        StackValues {
            values: self.column(ty, nstacks),
            objects: objects.map(|o| self.column(o, nstacks)),
            bytes: bytes.map(|b| self.column(b, nstacks)),
            allocs: allocs.map(|a| self.column(a, nstacks)),
            samples: self
                .samples
                .as_ref()
                .map(|cells| self.by_stack(cells.iter().copied(), nstacks)),
            total: self.totals[ty],
            total_objects: objects.map(|o| self.totals[o]),
        }
    }
}
