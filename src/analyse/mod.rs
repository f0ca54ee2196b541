//! The analysis of aligned snapshots: per-function flat and cum deltas ([`functions`], equal
//! to `go tool pprof -diff_base`), the site map that decides which frame is blamed
//! ([`sites`]), sampling noise ([`noise`]), trend fits and classes ([`trend`]), the ranking
//! ([`rank`]), CI gates ([`gates`]) and the one-profile summary of `show` ([`summary`]).
//!
//! [`diff`] runs them all and returns a [`Diff`], which the renderers only format.
//!
//! May import: `series`, `profile`, `load` (summary only), `units`, `error`.

pub mod functions;
pub mod gates;
pub mod list;
pub mod noise;
pub mod paths;
pub mod peek;
pub mod rank;
pub mod sites;
pub mod summary;
pub mod trend;

pub use crate::profile::machinery::SiteRules;
pub use functions::FunctionDelta;
pub use gates::{Gate, GateResult, Gates};
pub use gates::{RULE_OUT_SNAPSHOTS, Verdict, verdict};
pub use rank::{Axis, By, RankedUnit, Ranking, Unit};
pub use sites::SiteMap;
pub use trend::Class;

use crate::profile::Producer;
use crate::series::Series;

/// How to rank.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// What one ranked row stands for.
    pub by: By,
    /// Which frames are machinery, never a leak site.
    pub rules: SiteRules,
}

/// Everything heapdiff decided about a series of snapshots.
pub struct Diff {
    /// The aligned snapshots.
    pub series: Series,
    /// Every stack's leak site.
    pub sites: SiteMap,
    /// The ranked units, most suspicious first.
    pub ranking: Ranking,
    /// Every function whose flat or cum changed, largest change first.
    pub functions: Vec<FunctionDelta>,
    /// Facts about the inputs that change how to read the numbers.
    pub notes: Vec<String>,
}

/// Ranks the units of `series` and computes pprof's per-function deltas.
pub fn diff(series: Series, opts: &Options) -> Diff {
    // The per-function deltas (pprof's view) need nothing of the ranking: on a second
    // thread, they cost nothing on a large pair.
    let (sites, ranking, functions) = std::thread::scope(|scope| {
        let functions = scope.spawn(|| functions::deltas(&series));
        let sites = SiteMap::new(&series.catalog, &opts.rules, series.producer());
        let ranking = rank::rank(&series, &sites, opts.by);
        let functions = functions
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (sites, ranking, functions)
    });

    let mut notes = series.warnings.clone();
    let t = &series.sample_type;
    if !t.is_retention() {
        let what = if series.producer() == Some(Producer::Julia) && t.unit != "nanoseconds" {
            "PProf.jl allocation profiles record allocations, not live heap".to_string()
        } else {
            format!(
                "{} counts {}, not memory still held",
                t.ty,
                if t.unit == "bytes" || t.ty.contains("alloc") {
                    "allocations"
                } else {
                    "events (time, samples, contention)"
                }
            )
        };
        notes.push(format!(
            "{what}: its change is volume (per second where the profiles carry times), never a leak"
        ));
    }
    if let Some(n) = few_samples_note(&series, &ranking) {
        notes.push(n);
    }
    Diff {
        series,
        sites,
        ranking,
        functions,
        notes,
    }
}

/// A note when sites that changed rest on few samples: what their classes rest on, and what
/// would sharpen them for this producer.
fn few_samples_note(series: &Series, ranking: &Ranking) -> Option<String> {
    let few: Vec<&RankedUnit> = ranking
        .units
        .iter()
        .filter(|u| u.few_samples && u.class != Class::Noise)
        .collect();
    if few.is_empty() {
        return None;
    }
    let rate = series.last().sampling_bytes();
    let knob = match series.producer() {
        Some(Producer::Go) => "a smaller runtime.MemProfileRate",
        Some(Producer::V8) => "a smaller sampling interval (heap.start(intervalBytes))",
        Some(Producer::Jemalloc) => "a smaller lg_prof_sample",
        _ => "a smaller sampling interval",
    };
    let names: Vec<&str> = few.iter().take(3).map(|u| u.name.as_str()).collect();
    Some(format!(
        "{} site(s) that changed rest on few samples (under {} per snapshot at one sample per {} on average: {}{}): their classes rest only on what the profiles prove of replaced samples (allocation counts, else every sample replaced), never on the series' own scatter; {knob}, more snapshots or a longer interval between them would sharpen them",
        few.len(),
        noise::FEW_SAMPLES,
        crate::units::bytes(rate),
        names.join(", "),
        if few.len() > 3 { ", ..." } else { "" }
    ))
}

impl Diff {
    /// Growth as a percentage of the base total (pprof's `-diff_base` denominator).
    pub fn growth_percent(&self) -> Option<f64> {
        let b = self.series.base().total();
        (b != 0).then(|| self.series.total_delta() as f64 * 100.0 / b.unsigned_abs() as f64)
    }

    /// With a ranking by site, the call paths of the rows in `rows` (every row when `None`),
    /// aligned with `ranking.units`, largest growth first; empty for rows not asked for.
    pub fn call_paths(&self, rows: Option<&[usize]>) -> Vec<Vec<paths::CallPath>> {
        self.paths(rows, None, false)
    }

    /// As [`Diff::call_paths`], only the paths that grew (growth above zero), and the first
    /// `limit` of each row (all when `None`): cheaper when a site is reached in many ways and
    /// only the largest growth is shown, as the table does.
    pub fn top_call_paths(
        &self,
        rows: Option<&[usize]>,
        limit: Option<usize>,
    ) -> Vec<Vec<paths::CallPath>> {
        self.paths(rows, limit, true)
    }

    fn paths(
        &self,
        rows: Option<&[usize]>,
        limit: Option<usize>,
        grown_only: bool,
    ) -> Vec<Vec<paths::CallPath>> {
        if self.ranking.by != By::Site {
            return vec![Vec::new(); self.ranking.units.len()];
        }
        let which = paths::Which {
            rows,
            limit,
            grown_only,
        };
        paths::of_ranking(&self.series, &self.sites, &self.ranking, &which)
    }

    /// Whether the compared values are retention (memory still held), so growth can be a leak.
    pub fn is_retention(&self) -> bool {
        self.series.sample_type.is_retention()
    }

    /// Per stack, whether its leak site is still growing (classed leak or growing); `None`
    /// with fewer than three snapshots, where growth cannot be told from a plateau.
    pub fn still_growing_stacks(&self) -> Option<Vec<bool>> {
        if self.series.snapshots.len() < 3 {
            return None;
        }
        let by_site;
        let ranking = if self.ranking.by == By::Site {
            &self.ranking
        } else {
            by_site = rank::rank(&self.series, &self.sites, By::Site);
            &by_site
        };
        let mut growing = vec![false; self.series.catalog.frames.len()];
        for u in &ranking.units {
            if let (Unit::Site(f), Class::Leak | Class::Growing) = (u.unit, u.class) {
                growing[f.index()] = true;
            }
        }
        Some(
            self.series
                .catalog
                .stack_ids()
                .map(|s| growing[self.sites.site(s).index()])
                .collect(),
        )
    }
}
