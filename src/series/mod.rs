//! From loaded profiles to aligned snapshots: one [`Catalog`] of frames, functions and stacks
//! shared by every profile, the sample type chosen by pprof's rules, and the snapshots in time
//! order, each with its values per stack and the work done by then.
//!
//! May import: `profile`, `load` (the [`Loaded`] it aligns), `error`.

pub mod catalog;
pub mod names;

pub use catalog::{
    Catalog, Frame, FrameId, FrameOptions, Frames, FuncId, FuncNode, SamplingCell, StackId,
    StackValues,
};

use crate::error::{Error, InputError};
use crate::load::Loaded;
use crate::profile::sample_type::{self, SampleIndex};
use crate::profile::{Producer, SourceFormat, ValueType};

/// The work done at each snapshot: the x axis that turns a slope into "≈330 B per request".
#[derive(Clone, Debug, PartialEq)]
pub enum Work {
    /// One value per profile, in the order the profiles were given (not their time order).
    PerProfile(Vec<f64>),
    /// The same amount between consecutive snapshots (in time order).
    Step(f64),
}

/// How profiles are aligned.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The sample type to compare (default: pprof's rule).
    pub sample_index: Option<SampleIndex>,
    /// Tell frames apart by line number too.
    pub lines: bool,
    /// Keep the inputs in the order given even when they carry timestamps.
    pub keep_order: bool,
    /// Name frames as `go tool pprof` prints them by default (see [`FrameOptions`]).
    pub short_names: bool,
    /// pprof's sample filters (`--focus`, `--ignore`, `--hide`, `--show`).
    pub filters: crate::profile::filter::Filters,
    /// The work done at each snapshot, when known.
    pub work: Option<Work>,
}

/// One input profile, reduced to the chosen sample type.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The input as the user named it.
    pub input: crate::source::Input,
    /// Position of this input among the inputs as given (snapshots may be reordered by time).
    pub arg_index: usize,
    /// The kind of file it came from.
    pub format: SourceFormat,
    /// Collection time (0 when unknown).
    pub time_nanos: i64,
    /// Length of the collection (0 when unknown).
    pub duration_nanos: i64,
    /// Sampling period.
    pub period: i64,
    /// What the period counts.
    pub period_type: Option<ValueType>,
    /// Who most likely wrote the profile.
    pub producer: Option<Producer>,
    /// Work done by the time of this snapshot, when known.
    pub work: Option<f64>,
    /// Values of the chosen sample type per stack.
    pub stacks: StackValues,
}

impl Snapshot {
    /// Sum of the chosen sample type over every sample.
    pub fn total(&self) -> i64 {
        self.stacks.total
    }

    /// The mean sampling interval in bytes, when the profile samples by bytes (0 otherwise).
    pub fn sampling_bytes(&self) -> i64 {
        let by_bytes = self.period_type.as_ref().is_some_and(|t| t.unit == "bytes");
        if by_bytes && self.period > 1 {
            self.period
        } else {
            0
        }
    }
}

/// Aligned snapshots of one run.
pub struct Series {
    /// The sample type compared.
    pub sample_type: ValueType,
    /// Frames, functions and stacks of every snapshot.
    pub catalog: Catalog,
    /// In time order (or the order given when the profiles carry no time).
    pub snapshots: Vec<Snapshot>,
    /// Things the user should know that did not stop the run.
    pub warnings: Vec<String>,
}

impl Series {
    /// Aligns already-loaded inputs.
    pub fn build(inputs: Vec<Loaded>, opts: &Options) -> Result<Series, Error> {
        let mut b = Builder::new(opts);
        for inp in inputs {
            b.add(inp);
        }
        b.finish()
    }

    /// The first snapshot (the base).
    pub fn base(&self) -> &Snapshot {
        &self.snapshots[0]
    }

    /// The last snapshot.
    pub fn last(&self) -> &Snapshot {
        self.snapshots.last().expect("at least one snapshot")
    }

    /// Net growth of the whole profile, last minus first.
    pub fn total_delta(&self) -> i64 {
        self.last().total().saturating_sub(self.base().total())
    }

    /// Seconds since the first snapshot, when every snapshot has a time and times increase.
    pub fn seconds(&self) -> Option<Vec<f64>> {
        let t: Vec<i64> = self.snapshots.iter().map(|s| s.time_nanos).collect();
        if t.iter().all(|&x| x > 0) && t.windows(2).all(|w| w[1] > w[0]) {
            Some(t.iter().map(|&x| (x - t[0]) as f64 / 1e9).collect())
        } else {
            None
        }
    }

    /// Who most likely wrote the profiles (the first snapshot's guess that is not unknown).
    pub fn producer(&self) -> Option<Producer> {
        self.snapshots.iter().find_map(|s| s.producer)
    }

    /// The work done at each snapshot, when every snapshot has it.
    pub fn work(&self) -> Option<Vec<f64>> {
        self.snapshots.iter().map(|s| s.work).collect()
    }
}

/// One input after cataloguing, before the sample type is chosen.
#[derive(Clone)]
struct Pending {
    loaded_path: crate::source::Input,
    arg_index: usize,
    format: SourceFormat,
    time_nanos: i64,
    duration_nanos: i64,
    period: i64,
    period_type: Option<ValueType>,
    producer: Option<Producer>,
    types: Vec<ValueType>,
    default_type: Option<String>,
    values: catalog::AllValues,
    warnings: Vec<String>,
    /// The main binary (the first mapping): file and build id.
    main: Option<(String, String)>,
    /// A delta profile heapdiff wrote (`diff --format pprof`), not a snapshot.
    is_delta: bool,
    /// Per sample type, the total before the filters.
    unfiltered: Vec<i64>,
    /// What the filters matched.
    matched: crate::profile::filter::Matched,
}

impl Builder {
    /// Inputs that cannot be from the same kind of profile are refused (pprof refuses
    /// mismatched period types); inputs that look like different programs or builds are
    /// warned about.
    fn mismatches(&self) -> Result<Vec<String>, Error> {
        let first = &self.pending[0];
        let mut warnings = Vec::new();
        for p in &self.pending[1..] {
            if let (Some(a), Some(b)) = (&first.period_type, &p.period_type)
                && a != b
            {
                return Err(Error::Input(InputError::new(
                    &p.loaded_path,
                    crate::error::InputErrorKind::Invalid(format!(
                        "its period type {b} differs from {a} in {}: these are different kinds of profile",
                        first.loaded_path
                    )),
                )));
            }
        }
        let differs = |f: &dyn Fn(&Pending) -> Option<String>| {
            let a = f(first)?;
            self.pending[1..].iter().find_map(|p| {
                f(p).filter(|b| *b != a)
                    .map(|b| (a.clone(), b, &p.loaded_path))
            })
        };
        if let Some((a, b, path)) = differs(&|p| p.producer.map(|x| x.name().to_string())) {
            warnings.push(format!(
                "{} was written by {b}, {} by {a}: the profiles may come from different programs",
                path, first.loaded_path
            ));
        }
        if let Some((a, b, path)) = differs(&|p| {
            p.main
                .as_ref()
                .filter(|m| !m.1.is_empty())
                .map(|m| m.1.clone())
        }) {
            warnings.push(format!(
                "{}'s main binary has build id {b}, {}'s {a}: the profiles come from different builds, so frames match by name only",
                path,
                first.loaded_path
            ));
        } else if let Some((a, b, path)) = differs(&|p| {
            p.main
                .as_ref()
                .filter(|m| !m.0.is_empty())
                .map(|m| m.0.rsplit('/').next().unwrap_or(&m.0).to_string())
        }) {
            warnings.push(format!(
                "{}'s main binary is {b}, {}'s {a}: the profiles may come from different programs",
                path, first.loaded_path
            ));
        }
        Ok(warnings)
    }
}

/// Builds a [`Series`] one profile at a time, in the order given, so cataloguing overlaps with
/// the decoding of later inputs.
pub struct Builder {
    opts: Options,
    catalog: Catalog,
    pending: Vec<Pending>,
    /// The first input whose stacks did not fit, reported by `finish`.
    overflow: Option<InputError>,
}

impl Clone for Builder {
    fn clone(&self) -> Self {
        Builder {
            opts: self.opts.clone(),
            catalog: self.catalog.clone(),
            pending: self.pending.clone(),
            // Only a catalogue that overflowed sets it, always with an Invalid message.
            overflow: self.overflow.as_ref().map(|e| {
                InputError::new(
                    e.input.clone(),
                    crate::error::InputErrorKind::Invalid(e.kind.to_string()),
                )
            }),
        }
    }
}

impl Builder {
    /// An empty builder.
    pub fn new(opts: &Options) -> Self {
        Builder {
            opts: opts.clone(),
            catalog: Catalog::new(FrameOptions {
                lines: opts.lines,
                short_names: opts.short_names,
            }),
            pending: Vec::new(),
            overflow: None,
        }
    }

    /// Adds the next input.
    pub fn add(&mut self, mut inp: Loaded) {
        let unfiltered = (0..inp.profile.sample_types.len())
            .map(|t| inp.profile.total(t))
            .collect();
        let matched = self.opts.filters.apply(&mut inp.profile);
        let values = match self.catalog.add_profile(&mut inp.profile) {
            Ok(v) => v,
            Err(full) => {
                if self.overflow.is_none() {
                    self.overflow = Some(InputError::new(
                        &inp.input,
                        crate::error::InputErrorKind::Invalid(full.to_string()),
                    ));
                }
                Default::default()
            }
        };
        let producer = inp.profile.producer();
        let main = inp
            .profile
            .mappings
            .first()
            .map(|m| (m.file.clone(), m.build_id.clone()));
        let is_delta = inp
            .profile
            .comments
            .iter()
            .any(|c| c.starts_with(crate::profile::DELTA_COMMENT));
        let p = inp.profile;
        self.pending.push(Pending {
            is_delta,
            unfiltered,
            matched,
            arg_index: self.pending.len(),
            loaded_path: inp.input,
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
            main,
        });
    }

    /// The series of the inputs added so far, the builder kept for more (`watch` adds one
    /// snapshot a round and catalogues each once).
    pub fn series(&self) -> Result<Series, Error> {
        self.clone().finish()
    }

    /// Sets the work done at each snapshot (`watch` learns it a snapshot at a time).
    pub fn set_work(&mut self, work: Option<Work>) {
        self.opts.work = work;
    }

    /// How many inputs have been added.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether none has.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Orders the inputs by their `time_nanos` when every one carries it (a stable sort keeps
    /// the given order among equal times), chooses the sample type, attaches the work done to
    /// each snapshot, and aligns the values.
    pub fn finish(mut self) -> Result<Series, Error> {
        if let Some(e) = self.overflow {
            return Err(Error::Input(e));
        }
        if self.pending.is_empty() {
            return Err(Error::Options("no profiles to read".into()));
        }
        if let Some(Work::PerProfile(w)) = &self.opts.work
            && w.len() != self.pending.len()
        {
            return Err(Error::Options(format!(
                "--work has {} values but there are {} profiles",
                w.len(),
                self.pending.len()
            )));
        }
        if let Some(d) = self.pending.iter().find(|p| p.is_delta) {
            return Err(Error::Input(InputError::new(
                &d.loaded_path,
                crate::error::InputErrorKind::Invalid(
                    "a delta profile written by heapdiff (diff --format pprof): it holds the difference between two snapshots, not a snapshot; diff the snapshots themselves".into(),
                ),
            )));
        }
        let mut reordered = None;
        if !self.opts.keep_order && self.pending.iter().all(|p| p.time_nanos > 0) {
            self.pending.sort_by_key(|p| p.time_nanos);
            if self
                .pending
                .iter()
                .enumerate()
                .any(|(i, p)| p.arg_index != i)
            {
                reordered = Some(format!(
                    "the profiles are ordered by their own timestamps, not as given: {} is the base (--keep-order keeps the order given)",
                    self.pending[0].loaded_path
                ));
            }
        }
        let cands: Vec<sample_type::Candidate> = self
            .pending
            .iter()
            .map(|p| sample_type::Candidate {
                path: &p.loaded_path,
                types: &p.types,
                default: p.default_type.as_deref(),
            })
            .collect();
        let sel = sample_type::select(&cands, self.opts.sample_index.as_ref())
            .map_err(|e: InputError| Error::Input(e))?;
        let n = self.catalog.num_stacks();
        let mut warnings = self.mismatches()?;
        warnings.extend(reordered);
        let f = &self.opts.filters;
        if !f.is_empty() {
            let last = self.pending.last().expect("at least one profile");
            let i = sel.index[self.pending.len() - 1];
            let unit = &sel.sample_type.unit;
            warnings.push(format!(
                "filters on ({}): the last profile keeps {} of {}",
                f.describe(),
                crate::units::value(last.values.totals[i], unit),
                crate::units::value(last.unfiltered[i], unit)
            ));
            let any = |g: fn(&crate::profile::filter::Matched) -> bool| {
                self.pending.iter().any(|p| g(&p.matched))
            };
            for (on, hit, flag) in [
                (f.focus.is_some(), any(|m| m.focus), "--focus"),
                (f.ignore.is_some(), any(|m| m.ignore), "--ignore"),
                (f.hide.is_some(), any(|m| m.hide), "--hide"),
            ] {
                if on && !hit {
                    warnings.push(format!("{flag} matched no frame"));
                }
            }
        }
        let work = self.opts.work.clone();
        let snapshots = self
            .pending
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                warnings.extend(p.warnings.iter().map(|w| format!("{}: {w}", p.loaded_path)));
                let objects = sel.objects.as_ref().map(|o| o[i]);
                let bytes = sel.bytes.as_ref().map(|b| b[i]);
                let allocs = sel.allocs.as_ref().map(|a| a[i]);
                Snapshot {
                    stacks: p.values.select(sel.index[i], objects, bytes, allocs, n),
                    input: p.loaded_path,
                    arg_index: p.arg_index,
                    format: p.format,
                    time_nanos: p.time_nanos,
                    duration_nanos: p.duration_nanos,
                    period: p.period,
                    period_type: p.period_type,
                    producer: p.producer,
                    work: match &work {
                        Some(Work::PerProfile(w)) => Some(w[p.arg_index]),
                        Some(Work::Step(step)) => Some(i as f64 * step),
                        None => None,
                    },
                }
            })
            .collect();
        Ok(Series {
            sample_type: sel.sample_type,
            catalog: self.catalog,
            snapshots,
            warnings,
        })
    }
}
