//! Sampling noise: how far a sampled heap profile's value can move by chance between two
//! snapshots of one process, and the size floor under which no change counts.
//!
//! # The model
//!
//! Heap profilers that sample by a mean byte interval R (Go's `MemProfileRate`, V8's sampling
//! heap profiler behind `@datadog/pprof`, jemalloc's `lg_prof_sample` in heap_v2 dumps and
//! jemalloc_pprof, tcmalloc) decide once, when an object is allocated, whether it is sampled:
//! an object of size s is kept with probability p = 1 − e^(−s/R), and every sampled object is
//! reported as s/p bytes (Go's proto writer, jemalloc's and pprof's unbiasing, V8's scaled
//! counts). Per sample (Go writes one per stack and object size) the profile gives the
//! estimate n of live objects and their bytes b, so the size is a = b/n, the raw number of samples behind the value is c = n·p, and each
//! sample stands for w = a/p bytes with a variance of u = w²·(1 − p) (Horvitz–Thompson: the
//! variance of Σ s/p over the sampled objects, estimated from the samples themselves). These
//! are summed sample by sample per stack when the profile is catalogued
//! (`series::SamplingCell`), so a stack holding a bucket array of megabytes (sampled almost
//! surely) beside small entries keeps the two apart; a stack's u is its variance over its
//! samples. Without
//! object counts (jemalloc_pprof writes bytes only) every sample is taken to stand for R bytes
//! of small objects: c = b/R, u = R². An exact profile (R = 1) has no sampling noise.
//!
//! A live object keeps its sampling decision for as long as it lives, so two snapshots of one
//! process share the samples of every object alive in both: those cancel in the change. The
//! variance of a change from snapshot j to k is the variance of the samples that *changed*,
//! allocated after j and alive at k (A) or alive at j and freed by k (F):
//!
//!   Var(y_k − y_j) = Σ_stacks (A + F)·u,    A − F = c_k − c_j.
//!
//! The net change |c_k − c_j| is seen; what was *replaced* (F beyond the net) is not. Three
//! bounds on it are used, the tightest that applies:
//!
//! - **Allocation counts** (Go writes `alloc_objects` beside `inuse_*`): the samples freed
//!   between j and k are φ = (allocated_k − allocated_j) − (c_k − c_j), and F ≤ min(c_j, φ).
//!   An append-only leak frees nothing, so its change rests on its new samples alone however
//!   large it already is; a full cache frees what it adds, so its snapshots are independent.
//! - **The level**: F ≤ c_j, so the change is never noisier than two independent draws,
//!   Var ≤ level_j + level_k (the model heapdiff used before, and the right one for a cache
//!   whose every entry was replaced).
//! - **The series itself** (three or more snapshots, and only where the unit rests on enough
//!   samples): replacing samples makes each value scatter independently around the trend, by
//!   σ² per snapshot. The detrended value r_i = y_i − (λ·y_(i−1) + (1 − λ)·y_(i+1)), with λ
//!   from the x spacing, has variance λ²·S_(i−1) + (1 − λ)²·S_i from the net steps' variances
//!   S plus (1 + λ² + (1 − λ)²)·σ² from replacement; what the residuals hold beyond the steps'
//!   share estimates σ², and replacement can add at most 2σ² to a change (kept with a margin
//!   of two, [`SCATTER_MARGIN`], since a handful of residuals estimates σ² loosely).
//!
//! The net change is taken per unit (a site's stacks together): samples that leave one of
//! its stacks and arrive in another within an interval (V8 names the same objects by a new
//! stack once the script that allocated them has finished loading) are a replacement within
//! the unit, bounded as replacement is, not growth.
//!
//! Over several intervals the net steps' variances add (each interval's new samples are new
//! objects), and the replacement term is bounded by the sum of the intervals' bounds and by
//! the two levels. Units that rest on few samples ([`FEW_SAMPLES`] per snapshot on average)
//! do not use the series' scatter: their verdicts take the allocation counts or the levels,
//! the conservative bounds, so that twenty samples of a full cache never read as growth.

use crate::series::{SamplingCell, Series, Snapshot, StackId};

/// Samples per snapshot, on average, under which a unit's verdict rests on few samples.
pub const FEW_SAMPLES: f64 = 50.0;
/// Effective samples of a value with no sampling variance (objects sampled almost surely).
pub const EXACT_SAMPLES: f64 = 1e9;
/// The margin on the replacement variance estimated from a series' own scatter.
pub const SCATTER_MARGIN: f64 = 2.0;

/// What sampling says about one stack's value in one snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StackSamples {
    /// Raw samples behind the value (c = n·p).
    pub count: f64,
    /// Variance each sample carries, in the value's unit (u = w²·(1 − p)).
    pub unit_var: f64,
    /// Raw samples ever allocated at the stack (Go's `alloc_objects` × p), when known.
    pub allocated: Option<f64>,
}

/// The samples behind stack `s` in `snap`, for a profile sampled every `rate` bytes on average.
/// `bytes_unit`: the compared values are bytes (else object counts).
pub fn stack_samples(snap: &Snapshot, s: StackId, rate: f64, bytes_unit: bool) -> StackSamples {
    if rate <= 1.0 {
        return StackSamples::default();
    }
    let v = snap.stacks.get(s).unsigned_abs() as f64;
    if v == 0.0 {
        return StackSamples::default();
    }
    // Summed sample by sample, each with its own size, where the loader could; else from the
    // stack's totals, as if one size.
    let cell = match &snap.stacks.samples {
        Some(cells) => cells.get(s.index()).copied().unwrap_or_default(),
        None => {
            let allocs = snap.stacks.allocs_of(s).map(|a| a.unsigned_abs() as f64);
            if bytes_unit {
                let n = snap.stacks.objects_of(s).map(|o| o.unsigned_abs() as f64);
                SamplingCell::of(n, v, allocs, rate)
            } else {
                let b = snap
                    .stacks
                    .bytes
                    .as_ref()
                    .map_or(0, |b| b.get(s.index()).copied().unwrap_or(0).unsigned_abs());
                SamplingCell::of(Some(v), b as f64, allocs, rate)
            }
        }
    };
    if cell.count <= 0.0 {
        return StackSamples::default();
    }
    let var = if bytes_unit {
        cell.var_bytes
    } else {
        cell.var_objects
    };
    StackSamples {
        count: cell.count,
        unit_var: var / cell.count,
        allocated: cell.allocated,
    }
}

/// One stack's contribution to the interval from `a` (snapshot j) to `b` (snapshot k): its
/// net change in samples weighted by their variance (signed: positive when samples came), and
/// the most that replaced samples can add to the variance.
pub fn interval(a: &StackSamples, b: &StackSamples) -> (f64, f64) {
    if a.count == 0.0 && b.count == 0.0 {
        return (0.0, 0.0);
    }
    // Per-sample variance: the later snapshot's when it has samples (its sizes are the ones
    // that arrived), else the earlier one's.
    let u = if b.count > 0.0 {
        b.unit_var
    } else {
        a.unit_var
    };
    let net = b.count - a.count;
    let lost = (-net).max(0.0);
    // The most samples alive at j and freed by k.
    let freed_max = match (a.allocated, b.allocated) {
        (Some(x), Some(y)) => a.count.min(((y - x) - net).max(0.0)),
        _ => a.count,
    }
    .max(lost);
    (net * u, 2.0 * (freed_max - lost) * u)
}

/// The sampling noise of one unit's series (a site's, a function's or a stack's): everything
/// needed for the variance of the change between any two of its snapshots.
#[derive(Clone, Debug, Default)]
pub struct UnitNoise {
    /// Per snapshot: the variance of the value as an independent draw (Σ c·u).
    pub level: Vec<f64>,
    /// Per interval (snapshot i to i + 1): the variance of the samples that came or went on net.
    pub step: Vec<f64>,
    /// Per interval: the most variance samples replaced in it can add.
    pub turnover: Vec<f64>,
    /// The bound on replacement variance the series' own scatter gives ([`UnitNoise::calibrate`]);
    /// infinite until calibrated, or when the unit rests on few samples.
    pub scatter_cap: f64,
    /// Whether the profiles are sampled at all.
    pub sampled: bool,
}

impl UnitNoise {
    /// No sampling noise: an exact profile, `n` snapshots.
    pub fn exact(n: usize) -> Self {
        UnitNoise {
            level: vec![0.0; n],
            step: vec![0.0; n.saturating_sub(1)],
            turnover: vec![0.0; n.saturating_sub(1)],
            scatter_cap: f64::INFINITY,
            sampled: false,
        }
    }

    /// Independent draws with these level variances: every sample replaced between snapshots.
    pub fn independent(level: &[f64]) -> Self {
        let n = level.len();
        let mut u = UnitNoise::exact(n);
        u.level = level.to_vec();
        u.turnover = level.windows(2).map(|w| w[0] + w[1]).collect();
        u.sampled = level.iter().any(|&v| v > 0.0);
        u
    }

    /// Effective samples per snapshot, on average: a value's square over its variance as an
    /// independent draw (y²/level), which is the raw sample count when every sample stands for
    /// R bytes of small objects, and large when the value is objects sampled almost surely (a
    /// bucket array of megabytes); capped at [`EXACT_SAMPLES`]. `y` is the series.
    pub fn mean_samples(&self, y: &[f64]) -> f64 {
        if y.is_empty() {
            return 0.0;
        }
        let per = y.iter().zip(&self.level).map(|(&v, &var)| {
            if v == 0.0 {
                0.0
            } else if var > 0.0 {
                (v * v / var).min(EXACT_SAMPLES)
            } else {
                EXACT_SAMPLES
            }
        });
        per.sum::<f64>() / y.len() as f64
    }

    /// Whether the series `y` rests on few samples: sampled, and under [`FEW_SAMPLES`]
    /// effective samples per snapshot on average.
    pub fn few_samples(&self, y: &[f64]) -> bool {
        self.sampled && self.mean_samples(y) < FEW_SAMPLES
    }

    /// Variance of the change from snapshot `j` to `k` (j < k).
    pub fn var(&self, j: usize, k: usize) -> f64 {
        let (net, replaced) = self.var_parts(j, k);
        net + replaced
    }

    /// The variance of the change from snapshot `j` to `k` in its two parts: from the samples
    /// that came or went on net, and from those replaced (within its bounds).
    pub fn var_parts(&self, j: usize, k: usize) -> (f64, f64) {
        let (j, k) = (j.min(k), j.max(k));
        if j == k || !self.sampled {
            return (0.0, 0.0);
        }
        let net: f64 = self.step[j..k].iter().sum();
        let replaced: f64 = self.turnover[j..k].iter().sum();
        (
            net,
            replaced
                .min(self.level[j] + self.level[k])
                .min(self.scatter_cap),
        )
    }

    /// Standard deviation of the change from snapshot `j` to `k`.
    pub fn sd(&self, j: usize, k: usize) -> f64 {
        self.var(j, k).sqrt()
    }

    /// Bounds replacement by the scatter of `y` (against `x`) around its local trend, when
    /// there are three or more snapshots and the unit does not rest on few samples.
    pub fn calibrate(&mut self, y: &[f64], x: &[f64]) {
        self.scatter_cap = f64::INFINITY;
        let n = y.len();
        if !self.sampled || n < 3 || self.few_samples(y) {
            return;
        }
        let mut sum = 0.0;
        let mut count = 0usize;
        for i in 1..n - 1 {
            let span = x[i + 1] - x[i - 1];
            if span <= 0.0 {
                continue;
            }
            let lambda = (x[i + 1] - x[i]) / span;
            let r = y[i] - (lambda * y[i - 1] + (1.0 - lambda) * y[i + 1]);
            let from_steps =
                lambda * lambda * self.step[i - 1] + (1.0 - lambda) * (1.0 - lambda) * self.step[i];
            let gain = 1.0 + lambda * lambda + (1.0 - lambda) * (1.0 - lambda);
            sum += (r * r - from_steps).max(0.0) / gain;
            count += 1;
        }
        if count > 0 {
            let sigma2 = sum / count as f64;
            self.scatter_cap = 2.0 * sigma2 * SCATTER_MARGIN;
        }
    }
}

/// The size floor, as a share of the larger of the first and last totals.
pub const FLOOR_SHARE: f64 = 0.001;
/// The size floor's minimum for byte values: smaller changes are allocator granularity.
pub const FLOOR_MIN_BYTES: f64 = 4096.0;
/// The size floor's minimum for other values (object counts).
pub const FLOOR_MIN_OTHER: f64 = 16.0;

/// The smallest change that counts: 0.1% of the larger of the first and last totals, and at
/// least 4 KiB (16 for counts).
pub fn floor(series: &Series) -> f64 {
    let abs = series
        .base()
        .total()
        .unsigned_abs()
        .max(series.last().total().unsigned_abs()) as f64
        * FLOOR_SHARE;
    abs.max(if series.sample_type.unit == "bytes" {
        FLOOR_MIN_BYTES
    } else {
        FLOOR_MIN_OTHER
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stack with `count` raw samples of R-byte weight (small objects), `allocated` known.
    fn small(count: f64, allocated: Option<f64>) -> StackSamples {
        StackSamples {
            count,
            unit_var: 512.0 * 512.0,
            allocated,
        }
    }

    #[test]
    fn an_append_only_stack_changes_by_its_new_samples_alone() {
        // 100 samples at the base, 10 more later, nothing freed (Go's allocation counts say so).
        let (net, replaced) = interval(&small(100.0, Some(100.0)), &small(110.0, Some(110.0)));
        assert_eq!(net, 10.0 * 512.0 * 512.0);
        assert_eq!(replaced, 0.0);
    }

    #[test]
    fn a_cache_that_replaced_everything_is_two_independent_draws() {
        // 20 samples, all freed and allocated anew (20 allocated since), none net.
        let (net, replaced) = interval(&small(20.0, Some(100.0)), &small(20.0, Some(120.0)));
        assert_eq!(net, 0.0);
        assert_eq!(replaced, 40.0 * 512.0 * 512.0);
        // Without allocation counts the replacement bound is the same: every sample.
        let (_, unknown) = interval(&small(20.0, None), &small(20.0, None));
        assert_eq!(unknown, replaced);
    }

    #[test]
    fn variance_over_a_span_adds_steps_and_bounds_replacement_by_the_levels() {
        let mut u = UnitNoise::exact(3);
        u.sampled = true;
        u.level = vec![100.0, 110.0, 120.0];
        u.step = vec![10.0, 10.0];
        u.turnover = vec![200.0, 220.0];
        assert_eq!(u.var(0, 2), 20.0 + 220.0);
        u.scatter_cap = 5.0;
        assert_eq!(u.var(0, 2), 25.0);
        assert_eq!(u.var(2, 0), 25.0);
        assert_eq!(UnitNoise::exact(3).var(0, 2), 0.0);
    }

    #[test]
    fn a_smooth_series_caps_replacement_and_a_scattered_one_does_not() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        // Levels small beside the values: many samples, so the scatter is used.
        let mut u = UnitNoise::independent(&[1.0; 6]);
        // Exactly linear: no scatter beyond the (zero) steps, so no replacement.
        u.calibrate(&[100.0, 200.0, 300.0, 400.0, 500.0, 600.0], &x);
        assert_eq!(u.scatter_cap, 0.0);
        // Scattered by about a thousand: replacement of that order stays possible.
        u.calibrate(&[10000.0, 12000.0, 9000.0, 11500.0, 9500.0, 11000.0], &x);
        assert!(u.scatter_cap > 1e6, "{}", u.scatter_cap);
    }

    #[test]
    fn effective_samples_count_large_objects_as_exact() {
        let mut u = UnitNoise::exact(2);
        u.sampled = true;
        u.level = vec![0.0, 4.0 * 512.0 * 512.0];
        // Four samples of 512 bytes at the end, none at the base.
        assert_eq!(u.mean_samples(&[0.0, 4.0 * 512.0]), 2.0);
        assert!(u.few_samples(&[0.0, 2048.0]));
        // A value with no sampling variance (a bucket array sampled surely) is not few.
        u.level = vec![0.0, 0.0];
        assert!(!u.few_samples(&[1e7, 1e7]));
    }
}
