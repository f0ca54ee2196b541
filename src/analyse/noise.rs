//! Sampling noise: how far a sampled heap profile's value can move by chance, and the size
//! floor under which no change counts.

use crate::series::{Series, Snapshot, StackId};

/// Sampling variance of one stack's value in one snapshot.
///
/// Heap profilers that sample by a mean byte interval R (Go's MemProfileRate, V8's sampling
/// heap profiler, jemalloc's lg_prof_sample, tcmalloc) keep an object of size s with
/// probability p = 1 - exp(-s/R) and scale it by 1/p. For N objects the estimate's variance is
/// N·s²·(1-p)/p. With object counts the average size is known; without them every sample is
/// taken to stand for R bytes (variance V·R).
pub fn stack_variance(snap: &Snapshot, s: StackId, rate: f64, bytes_unit: bool) -> f64 {
    if rate <= 1.0 {
        return 0.0;
    }
    let v = snap.stacks.get(s).unsigned_abs() as f64;
    if v == 0.0 {
        return 0.0;
    }
    let (bytes, objects) = if bytes_unit {
        (
            v,
            snap.stacks.objects_of(s).map(|o| o.unsigned_abs() as f64),
        )
    } else {
        let b = snap
            .stacks
            .bytes
            .as_ref()
            .map(|b| b.get(s.index()).copied().unwrap_or(0));
        (b.map(|b| b.unsigned_abs() as f64).unwrap_or(0.0), Some(v))
    };
    match objects {
        Some(n) if n > 0.0 && bytes > 0.0 => {
            let size = bytes / n;
            let p = 1.0 - (-size / rate).exp();
            if p <= 0.0 {
                return 0.0;
            }
            // Variance of the estimate in the chosen unit.
            let unit = if bytes_unit { size } else { 1.0 };
            n * unit * unit * (1.0 - p) / p
        }
        _ if bytes_unit => v * rate,
        _ => v,
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
