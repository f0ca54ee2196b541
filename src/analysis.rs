//! From loaded profiles to aligned snapshots, and the per-function report pprof would give.
//!
//! Per function, *flat* is the value of stacks whose leaf frame is the function, and *cum* the
//! value of stacks that contain it anywhere, counted once per stack however often it recurs:
//! `go tool pprof`'s definitions at its default `functions` granularity. The delta between two
//! snapshots is the difference of those sums, which equals `go tool pprof -diff_base=BASE NEW`.

use std::path::PathBuf;

use crate::error::InputError;
use crate::load::Loaded;
use crate::model::{SourceFormat, ValueType};
use crate::sample_type::{self, SampleIndex};
use crate::stacks::{Catalog, FrameOptions, FuncId, StackValues};

/// What the analysis needs to know from the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub sample_index: Option<SampleIndex>,
    pub frames: FrameOptions,
    /// Keep the inputs in the order given even when they carry timestamps.
    pub keep_order: bool,
    /// Where to find binaries for unsymbolized profiles.
    pub symbols: crate::symbolize::SymbolOptions,
}

/// One input profile, reduced to the chosen sample type.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub path: PathBuf,
    /// Position of this input on the command line (snapshots may be reordered by time).
    pub arg_index: usize,
    pub format: SourceFormat,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub period: i64,
    pub period_type: Option<ValueType>,
    /// Who most likely wrote the profile.
    pub producer_hint: Option<crate::model::Producer>,
    pub stacks: StackValues,
}

impl Snapshot {
    pub fn total(&self) -> i64 {
        self.stacks.total
    }
}

/// Aligned snapshots of one run.
pub struct Analysis {
    pub sample_type: ValueType,
    pub catalog: Catalog,
    /// In time order (or argument order when the profiles carry no time).
    pub snapshots: Vec<Snapshot>,
    /// Things the user should know that did not stop the run.
    pub warnings: Vec<String>,
}

/// Flat and cum of every function node in one snapshot.
#[derive(Clone, Debug, Default)]
pub struct FunctionTotals {
    pub flat: Vec<i64>,
    pub cum: Vec<i64>,
}

/// One function's change between the first and last snapshot.
#[derive(Clone, Debug)]
pub struct FunctionDelta {
    pub func: FuncId,
    pub base_flat: i64,
    pub base_cum: i64,
    pub new_flat: i64,
    pub new_cum: i64,
}

impl FunctionDelta {
    pub fn flat_delta(&self) -> i64 {
        self.new_flat.wrapping_sub(self.base_flat)
    }
    pub fn cum_delta(&self) -> i64 {
        self.new_cum.wrapping_sub(self.base_cum)
    }
}

/// One input after cataloguing, before the sample type is chosen.
struct Pending {
    path: PathBuf,
    arg_index: usize,
    format: SourceFormat,
    time_nanos: i64,
    duration_nanos: i64,
    period: i64,
    period_type: Option<ValueType>,
    producer: Option<crate::model::Producer>,
    types: Vec<ValueType>,
    default_type: Option<String>,
    values: crate::stacks::AllValues,
    warnings: Vec<String>,
}

/// Builds an [`Analysis`] one profile at a time, in argument order, so cataloguing overlaps
/// with the decoding of later inputs.
pub struct Builder {
    opts: Options,
    catalog: Catalog,
    pending: Vec<Pending>,
}

impl Builder {
    pub fn new(opts: &Options) -> Self {
        Builder {
            opts: opts.clone(),
            catalog: Catalog::new(opts.frames),
            pending: Vec::new(),
        }
    }

    /// Adds the next input.
    pub fn add(&mut self, inp: Loaded) {
        let values = self.catalog.add_profile(&inp.profile);
        let producer = inp.profile.producer();
        let p = inp.profile;
        self.pending.push(Pending {
            arg_index: self.pending.len(),
            path: inp.path,
            format: p.format,
            time_nanos: p.time_nanos,
            duration_nanos: p.duration_nanos,
            period: p.period,
            period_type: p.period_type,
            producer,
            types: p.sample_types,
            default_type: p.default_sample_type,
            values,
            warnings: inp.warnings,
        });
    }

    /// Orders the inputs by their `time_nanos` when every one carries it (a stable sort keeps
    /// the argument order among equal times), chooses the sample type, and aligns the values.
    pub fn finish(mut self) -> Result<Analysis, InputError> {
        if !self.opts.keep_order && self.pending.iter().all(|p| p.time_nanos > 0) {
            self.pending.sort_by_key(|p| p.time_nanos);
        }
        let cands: Vec<sample_type::Candidate> = self
            .pending
            .iter()
            .map(|p| sample_type::Candidate {
                path: &p.path,
                types: &p.types,
                default: p.default_type.as_deref(),
            })
            .collect();
        let sel = sample_type::select(&cands, self.opts.sample_index.as_ref())?;
        let n = self.catalog.num_stacks();
        let mut warnings = Vec::new();
        let snapshots = self
            .pending
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                warnings.extend(
                    p.warnings
                        .iter()
                        .map(|w| format!("{}: {w}", p.path.display())),
                );
                let objects = sel.objects.as_ref().map(|o| o[i]);
                let bytes = sel.bytes.as_ref().map(|b| b[i]);
                Snapshot {
                    stacks: p.values.select(sel.index[i], objects, bytes, n),
                    path: p.path,
                    arg_index: p.arg_index,
                    format: p.format,
                    time_nanos: p.time_nanos,
                    duration_nanos: p.duration_nanos,
                    period: p.period,
                    period_type: p.period_type,
                    producer_hint: p.producer,
                }
            })
            .collect();
        Ok(Analysis {
            sample_type: sel.sample_type,
            catalog: self.catalog,
            snapshots,
            warnings,
        })
    }
}

impl Analysis {
    /// Aligns already-loaded inputs.
    pub fn build(inputs: Vec<Loaded>, opts: &Options) -> Result<Analysis, InputError> {
        let mut b = Builder::new(opts);
        for inp in inputs {
            b.add(inp);
        }
        b.finish()
    }

    /// Loads `paths` in parallel, symbolizes what needs it, and aligns them as they arrive.
    pub fn from_paths(paths: &[PathBuf], opts: &Options) -> Result<Analysis, InputError> {
        let sym = std::sync::Mutex::new(crate::symbolize::Symbolizer::new(opts.symbols.clone()));
        let mut b = Builder::new(opts);
        crate::load::load_each(paths, Some(&sym), |inp| b.add(inp))?;
        let mut a = b.finish()?;
        let sym = sym.into_inner().unwrap_or_else(|e| e.into_inner());
        a.warnings.extend(sym.warnings);
        Ok(a)
    }

    pub fn base(&self) -> &Snapshot {
        &self.snapshots[0]
    }

    pub fn last(&self) -> &Snapshot {
        self.snapshots.last().expect("at least one snapshot")
    }

    /// Net growth of the whole profile, last minus first.
    pub fn total_delta(&self) -> i64 {
        self.last().total().wrapping_sub(self.base().total())
    }

    /// Flat and cum per function node for one snapshot.
    pub fn function_totals(&self, snap: &Snapshot) -> FunctionTotals {
        let nf = self.catalog.funcs.len();
        let mut t = FunctionTotals {
            flat: vec![0; nf],
            cum: vec![0; nf],
        };
        let mut stamp = vec![u32::MAX; nf];
        for (s, &v) in snap.stacks.values.iter().enumerate() {
            if v == 0 {
                continue;
            }
            let frames = self.catalog.stack(s as u32);
            let leaf = self.catalog.frames[frames[0] as usize].func as usize;
            t.flat[leaf] = t.flat[leaf].wrapping_add(v);
            for &f in frames {
                let func = self.catalog.frames[f as usize].func as usize;
                if stamp[func] != s as u32 {
                    stamp[func] = s as u32;
                    t.cum[func] = t.cum[func].wrapping_add(v);
                }
            }
        }
        t
    }

    /// Every function whose flat or cum changed between the first and last snapshot, largest
    /// absolute flat change first, then largest absolute cum change, then name.
    pub fn function_deltas(&self) -> Vec<FunctionDelta> {
        let a = self.function_totals(self.base());
        let b = self.function_totals(self.last());
        let mut rows: Vec<FunctionDelta> = (0..self.catalog.funcs.len())
            .map(|f| FunctionDelta {
                func: f as FuncId,
                base_flat: a.flat[f],
                base_cum: a.cum[f],
                new_flat: b.flat[f],
                new_cum: b.cum[f],
            })
            .filter(|r| r.flat_delta() != 0 || r.cum_delta() != 0)
            .collect();
        rows.sort_by(|x, y| {
            y.flat_delta()
                .unsigned_abs()
                .cmp(&x.flat_delta().unsigned_abs())
                .then(
                    y.cum_delta()
                        .unsigned_abs()
                        .cmp(&x.cum_delta().unsigned_abs()),
                )
                .then_with(|| {
                    let (fx, fy) = (
                        &self.catalog.funcs[x.func as usize],
                        &self.catalog.funcs[y.func as usize],
                    );
                    fx.name.cmp(&fy.name).then(fx.file.cmp(&fy.file))
                })
        });
        rows
    }
}
