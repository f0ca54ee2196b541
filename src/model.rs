//! The pprof nouns, resolved: Profile, Sample, Location, Line, Function, Mapping, ValueType.
//!
//! Tables are `Vec`s indexed by position (ids from the file are resolved once, at load time), and
//! strings are owned. Samples are stored flat: one array of location indices (leaf first, as in
//! profile.proto) with a range per sample, and one array of values with a row per sample.

use std::fmt;

/// A sample or period type, such as `inuse_space`/`bytes`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ValueType {
    #[serde(rename = "type")]
    pub ty: String,
    pub unit: String,
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.ty, self.unit)
    }
}

/// A loaded binary or library.
#[derive(Clone, Debug, Default)]
pub struct Mapping {
    pub start: u64,
    pub limit: u64,
    pub offset: u64,
    pub file: String,
    pub build_id: String,
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

/// `Function::system_name` of names heapdiff gave a frame from its position alone (frames Go's
/// legacy writer left unnamed); a binary given with `--binary` replaces them.
pub const SYNTHETIC: &str = "heapdiff:named-by-position";

/// A function as the profile names it.
#[derive(Clone, Debug, Default)]
pub struct Function {
    pub name: String,
    pub system_name: String,
    pub file: String,
    pub start_line: i64,
}

/// One (possibly inlined) frame of a location.
#[derive(Clone, Copy, Debug)]
pub struct Line {
    /// Index into [`Profile::functions`].
    pub function: u32,
    pub line: i64,
}

/// A program counter, with the frames it expands to. `lines[0]` is the innermost (callee)
/// frame and the last entry is the caller, as in profile.proto.
#[derive(Clone, Debug, Default)]
pub struct Location {
    /// Index into [`Profile::mappings`].
    pub mapping: Option<u32>,
    pub address: u64,
    pub lines: Vec<Line>,
}

/// Which kind of file a profile came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// profile.proto, gzipped or not.
    Proto,
    /// The legacy text heap format (Go's `debug=1` heap profile, tcmalloc's heapz).
    LegacyHeapText,
    /// jemalloc's raw `heap_v2` dump (`prof.dump`).
    JemallocHeap,
}

/// One profile, resolved.
#[derive(Clone, Debug)]
pub struct Profile {
    pub format: SourceFormat,
    pub sample_types: Vec<ValueType>,
    pub default_sample_type: Option<String>,
    pub period_type: Option<ValueType>,
    pub period: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub comments: Vec<String>,
    /// pprof's `drop_frames` regular expression ("" when unset).
    pub drop_frames: String,
    /// pprof's `keep_frames` regular expression ("" when unset).
    pub keep_frames: String,
    pub mappings: Vec<Mapping>,
    pub functions: Vec<Function>,
    pub locations: Vec<Location>,
    /// Location indices of all samples, concatenated; each sample's run is leaf first.
    pub sample_locs: Vec<u32>,
    /// Per sample, the `[start, end)` range of its run in `sample_locs`.
    pub sample_ranges: Vec<(u32, u32)>,
    /// `sample_types.len()` values per sample, row after row.
    pub values: Vec<i64>,
    /// How many samples the file held (before samples with the same stack were merged).
    pub samples_in_file: usize,
    /// Whether the file was gzipped.
    pub gzipped: bool,
}

impl Profile {
    pub fn num_samples(&self) -> usize {
        self.sample_ranges.len()
    }

    /// The locations of sample `i`, leaf first.
    pub fn sample_locations(&self, i: usize) -> &[u32] {
        let (s, e) = self.sample_ranges[i];
        &self.sample_locs[s as usize..e as usize]
    }

    /// The value of sample `i` for sample type index `t`.
    pub fn value(&self, i: usize, t: usize) -> i64 {
        self.values[i * self.sample_types.len() + t]
    }

    /// Sum of all samples' values for sample type index `t`.
    pub fn total(&self, t: usize) -> i64 {
        let n = self.sample_types.len();
        self.values.iter().skip(t).step_by(n.max(1)).sum()
    }

    /// The index of the sample type called `name`, if present.
    pub fn type_index(&self, name: &str) -> Option<usize> {
        self.sample_types.iter().position(|t| t.ty == name)
    }

    /// Sums samples whose location lists are identical into one sample. Totals and every
    /// per-stack value are unchanged; only the number of samples shrinks.
    pub fn merge_identical_samples(&mut self) {
        use std::collections::HashMap;
        use std::hash::{BuildHasher, BuildHasherDefault};
        let n = self.sample_types.len();
        let build = BuildHasherDefault::<crate::stacks::FxHasher>::default();
        let mut first: HashMap<u64, u32, BuildHasherDefault<crate::stacks::FxHasher>> =
            HashMap::with_capacity_and_hasher(self.num_samples(), Default::default());
        let mut next: Vec<u32> = Vec::with_capacity(self.num_samples());
        let mut ranges: Vec<(u32, u32)> = Vec::with_capacity(self.num_samples());
        let mut values: Vec<i64> = Vec::with_capacity(self.values.len());
        for i in 0..self.num_samples() {
            let stack = self.sample_locations(i);
            let h = build.hash_one(stack);
            let mut cur = first.get(&h).copied().unwrap_or(u32::MAX);
            while cur != u32::MAX {
                let (a, b) = ranges[cur as usize];
                if &self.sample_locs[a as usize..b as usize] == stack {
                    break;
                }
                cur = next[cur as usize];
            }
            let row = &self.values[i * n..(i + 1) * n];
            if cur == u32::MAX {
                // The merged sample keeps pointing into the same location array.
                let id = ranges.len() as u32;
                ranges.push(self.sample_ranges[i]);
                values.extend_from_slice(row);
                next.push(first.insert(h, id).unwrap_or(u32::MAX));
            } else {
                let dst = &mut values[cur as usize * n..(cur as usize + 1) * n];
                for (d, v) in dst.iter_mut().zip(row) {
                    *d = d.wrapping_add(*v);
                }
            }
        }
        self.sample_ranges = ranges;
        self.values = values;
    }
}

/// Who most likely wrote a profile, guessed from its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Producer {
    /// Go's runtime/pprof.
    Go,
    /// jemalloc (through jemalloc_pprof or a raw dump).
    Jemalloc,
    /// V8, through Node's @datadog/pprof or a similar sampling heap profiler.
    V8,
    /// Julia's PProf.jl (allocation profiles).
    Julia,
}

impl Producer {
    pub fn name(self) -> &'static str {
        match self {
            Producer::Go => "Go runtime/pprof",
            Producer::Jemalloc => "jemalloc (jemalloc_pprof)",
            Producer::V8 => "V8 (Node.js)",
            Producer::Julia => "Julia PProf.jl",
        }
    }
}

impl Profile {
    /// Guesses the producer from function names, files and sample types.
    pub fn producer(&self) -> Option<Producer> {
        let names = || self.functions.iter().map(|f| f.name.as_str());
        let files = || self.functions.iter().map(|f| f.file.as_str());
        let types = || self.sample_types.iter().map(|t| t.ty.as_str());
        if files().any(|f| f.ends_with(".jl")) || types().any(|t| t == "allocs") {
            return Some(Producer::Julia);
        }
        if names().any(|n| {
            n.contains("prof_backtrace") || n.starts_with("_rjem_") || n.starts_with("je_prof")
        }) {
            return Some(Producer::Jemalloc);
        }
        if names()
            .any(|n| n == "runtime.main" || n == "runtime.goexit" || n.starts_with("runtime."))
            || files().any(|f| f.ends_with(".go"))
        {
            return Some(Producer::Go);
        }
        if files().any(|f| {
            f.ends_with(".js")
                || f.ends_with(".mjs")
                || f.ends_with(".cjs")
                || f.starts_with("node:")
        }) || names().any(|n| n == "(external)" || n == "(anonymous)")
        {
            return Some(Producer::V8);
        }
        // jemalloc_pprof without symbols: only inuse_space, period 0, and addresses in mappings.
        let only_inuse = self.sample_types.len() == 1 && self.sample_types[0].ty == "inuse_space";
        if only_inuse && self.period == 0 && !self.mappings.is_empty() {
            return Some(Producer::Jemalloc);
        }
        None
    }
}
