//! The per-function report pprof would give.
//!
//! Per function, *flat* is the value of stacks whose leaf frame is the function, and *cum* the
//! value of stacks that contain it anywhere, counted once per stack however often it recurs:
//! `go tool pprof`'s definitions at its default `functions` granularity. The delta between two
//! snapshots is the difference of those sums, which equals `go tool pprof -diff_base=BASE NEW`.

use crate::series::{FuncId, Series, Snapshot};

/// Flat and cum of every function node in one snapshot.
#[derive(Clone, Debug, Default)]
pub struct FunctionTotals {
    /// Indexed by [`FuncId`].
    pub flat: Vec<i64>,
    /// Indexed by [`FuncId`].
    pub cum: Vec<i64>,
}

/// One function's change between the first and last snapshot.
#[derive(Clone, Debug)]
pub struct FunctionDelta {
    /// The function node.
    pub func: FuncId,
    /// Flat in the base snapshot.
    pub base_flat: i64,
    /// Cum in the base snapshot.
    pub base_cum: i64,
    /// Flat in the last snapshot.
    pub new_flat: i64,
    /// Cum in the last snapshot.
    pub new_cum: i64,
}

impl FunctionDelta {
    /// New flat minus base flat.
    pub fn flat_delta(&self) -> i64 {
        self.new_flat.saturating_sub(self.base_flat)
    }
    /// New cum minus base cum.
    pub fn cum_delta(&self) -> i64 {
        self.new_cum.saturating_sub(self.base_cum)
    }
}

/// Flat and cum per function node for one snapshot.
pub fn totals(series: &Series, snap: &Snapshot) -> FunctionTotals {
    let [t] = totals_of(series, [snap]);
    t
}

/// Flat and cum per function node for each of `snaps`, in one walk over the stacks (each
/// stack's frames are read once for all of them).
pub fn totals_of<const N: usize>(series: &Series, snaps: [&Snapshot; N]) -> [FunctionTotals; N] {
    let cat = &series.catalog;
    let nf = cat.funcs.len();
    let mut t: [FunctionTotals; N] = std::array::from_fn(|_| FunctionTotals {
        flat: vec![0; nf],
        cum: vec![0; nf],
    });
    let func_of: Vec<u32> = cat.frames.iter().map(|f| f.func.0).collect();
    let mut stamp = vec![u32::MAX; nf];
    for s in cat.stack_ids() {
        let v: [i64; N] = std::array::from_fn(|k| snaps[k].stacks.get(s));
        if v.iter().all(|&v| v == 0) {
            continue;
        }
        let frames = cat.stack(s);
        let Some(leaf) = frames.leaf() else { continue };
        let leaf = func_of[leaf.index()] as usize;
        for k in 0..N {
            t[k].flat[leaf] = t[k].flat[leaf].saturating_add(v[k]);
        }
        for f in frames {
            let func = func_of[f.index()] as usize;
            if stamp[func] != s.0 {
                stamp[func] = s.0;
                for k in 0..N {
                    t[k].cum[func] = t[k].cum[func].saturating_add(v[k]);
                }
            }
        }
    }
    t
}

/// Every function whose flat or cum changed between the first and last snapshot, largest
/// absolute flat change first, then largest absolute cum change, then name.
pub fn deltas(series: &Series) -> Vec<FunctionDelta> {
    let [a, b] = totals_of(series, [series.base(), series.last()]);
    let cat = &series.catalog;
    let mut rows: Vec<FunctionDelta> = (0..cat.funcs.len())
        .map(|f| FunctionDelta {
            func: FuncId(f as u32),
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
                let (fx, fy) = (cat.func(x.func), cat.func(y.func));
                fx.name.cmp(&fy.name).then(fx.file.cmp(&fy.file))
            })
    });
    rows
}
