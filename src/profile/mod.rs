//! The pprof nouns, resolved: [`Profile`], [`Location`], [`Line`], [`Function`], [`Mapping`],
//! [`ValueType`], with what heapdiff knows about them: the wire messages ([`proto`]), pprof's
//! allocator pruning ([`prune`]), the choice of sample type ([`sample_type`]), who wrote a
//! profile ([`producer`]) and which frames are allocator or runtime machinery ([`machinery`]).
//!
//! Tables are `Vec`s indexed by position (ids from the file are resolved once, at load time), and
//! strings are owned. Samples are stored flat: one array of location indices (leaf first, as in
//! profile.proto) with a range per sample, and their [`Values`], a row per sample.
//!
//! This module imports nothing else of heapdiff's but the hasher; every later stage reads it.

pub mod filter;
pub mod hash;
pub mod machinery;
mod merge;
pub use merge::scale;
pub mod producer;
pub mod proto;
pub mod prune;
pub mod sample_type;
pub mod seqs;
pub mod values;

use std::fmt;

pub use producer::Producer;
pub use seqs::{Seq, Seqs};
pub use values::{DROP, Values};

/// How the comment of a delta profile heapdiff writes (`diff --format pprof`) begins; such a
/// profile is refused as a snapshot.
pub const DELTA_COMMENT: &str = "heapdiff delta:";

/// A sample or period type, such as `inuse_space`/`bytes`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ValueType {
    /// What is measured (`inuse_space`, `alloc_objects`, `cpu`).
    pub ty: String,
    /// Its unit (`bytes`, `count`, `nanoseconds`).
    pub unit: String,
}

impl ValueType {
    /// Whether values of this type are memory still held at the time of the profile
    /// (retention: `inuse_space`, `inuse_objects`, V8's `space`/`objects`, JFR's live objects),
    /// as opposed to counts that only grow over a program's life (allocations since start, CPU
    /// time, contention, wall time).
    pub fn is_retention(&self) -> bool {
        let t = self.ty.to_ascii_lowercase();
        t.starts_with("inuse") || t == "space" || t == "objects" || t.contains("live")
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.ty, self.unit)
    }
}

/// A loaded binary or library.
#[derive(Clone, Debug, Default)]
pub struct Mapping {
    /// First address of the mapping in the process.
    pub start: u64,
    /// One past its last address.
    pub limit: u64,
    /// Offset in the file that `start` maps.
    pub offset: u64,
    /// The object file, as the profile names it.
    pub file: String,
    /// The object's build id ("" when unknown).
    pub build_id: String,
    /// Whether the profile says its locations carry function names.
    pub has_functions: bool,
}

impl Mapping {
    /// The name pprof prints for frames of this mapping that have no function name: the
    /// file's base name in brackets.
    pub fn bracket_name(&self) -> String {
        let base = self.file.rsplit('/').next().unwrap_or(&self.file);
        format!("[{base}]")
    }
}

/// A function as the profile names it.
#[derive(Clone, Debug, Default)]
pub struct Function {
    /// The name (demangled where the producer demangles).
    pub name: String,
    /// The linker's name.
    pub system_name: String,
    /// Source file ("" when unknown).
    pub file: String,
    /// First line of the function.
    pub start_line: i64,
    /// True when heapdiff named the function from its position alone (frames Go's legacy
    /// writer left unnamed); a binary given with `--binary` replaces such names.
    pub synthetic: bool,
}

/// One (possibly inlined) frame of a location.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    /// Index into [`Profile::functions`].
    pub function: u32,
    /// Source line (0 when unknown).
    pub line: i64,
}

/// A program counter, with the frames it expands to. `lines[0]` is the innermost (callee)
/// frame and the last entry is the caller, as in profile.proto.
#[derive(Clone, Debug, Default)]
pub struct Location {
    /// Index into [`Profile::mappings`].
    pub mapping: Option<u32>,
    /// The program counter.
    pub address: u64,
    /// The frames, innermost first.
    pub lines: Vec<Line>,
}

/// Which kind of file a profile came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    /// profile.proto, gzipped or not.
    Proto,
    /// The legacy text heap format (Go's `debug=1` heap profile, tcmalloc's heapz).
    LegacyHeapText,
    /// jemalloc's raw `heap_v2` dump (`prof.dump`).
    JemallocHeap,
}

impl SourceFormat {
    /// The name used in JSON (`proto`, `legacy_heap_text`, `jemalloc_heap`).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Proto => "proto",
            SourceFormat::LegacyHeapText => "legacy_heap_text",
            SourceFormat::JemallocHeap => "jemalloc_heap",
        }
    }

    /// A description for people.
    pub fn describe(self) -> &'static str {
        match self {
            SourceFormat::Proto => "profile.proto",
            SourceFormat::LegacyHeapText => "legacy text heap profile",
            SourceFormat::JemallocHeap => "jemalloc heap dump (heap_v2)",
        }
    }
}

/// One profile, resolved.
#[derive(Clone, Debug)]
pub struct Profile {
    /// The kind of file it came from.
    pub format: SourceFormat,
    /// The sample types, one value per type in each sample.
    pub sample_types: Vec<ValueType>,
    /// The profile's preferred sample type, when it names one.
    pub default_sample_type: Option<String>,
    /// What one period counts (for heap profiles, bytes allocated between samples).
    pub period_type: Option<ValueType>,
    /// The sampling period (0 or 1: every event recorded).
    pub period: i64,
    /// Collection time, nanoseconds since the epoch (0 when unknown).
    pub time_nanos: i64,
    /// Length of the collection (0 when unknown).
    pub duration_nanos: i64,
    /// Free-form comments.
    pub comments: Vec<String>,
    /// pprof's `drop_frames` regular expression ("" when unset).
    pub drop_frames: String,
    /// pprof's `keep_frames` regular expression ("" when unset).
    pub keep_frames: String,
    /// The binaries and libraries.
    pub mappings: Vec<Mapping>,
    /// The functions.
    pub functions: Vec<Function>,
    /// The locations.
    pub locations: Vec<Location>,
    /// Per sample, its location indices, leaf first.
    pub stacks: Seqs,
    /// Per sample, a row of `sample_types.len()` values.
    pub values: Values,
    /// How many samples the file held (before samples with the same stack were merged).
    pub samples_in_file: usize,
    /// Whether the file was gzipped.
    pub gzipped: bool,
}

impl Profile {
    /// The number of samples.
    pub fn num_samples(&self) -> usize {
        self.stacks.len()
    }

    /// The locations of sample `i`, leaf first.
    pub fn sample_locations(&self, i: usize) -> Seq<'_> {
        self.stacks.get(i)
    }

    /// The value of sample `i` for sample type index `t`.
    pub fn value(&self, i: usize, t: usize) -> i64 {
        self.values.get(i, t)
    }

    /// Sum of all samples' values for sample type index `t` (wrapping, as pprof's int64 sums).
    pub fn total(&self, t: usize) -> i64 {
        self.values.total(t)
    }

    /// The index of the sample type called `name`, if present.
    pub fn type_index(&self, name: &str) -> Option<usize> {
        self.sample_types.iter().position(|t| t.ty == name)
    }
}
