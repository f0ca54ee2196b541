//! Merging samples with the same stack: pprof's `Compact`, without labels (heapdiff keeps none).

use super::Profile;
use super::hash::{HashIndex, hash_bytes};

impl Profile {
    /// Sums samples whose location lists are identical into one sample. Totals and every
    /// per-stack value are unchanged; only the number of samples shrinks.
    pub fn merge_identical_samples(&mut self) {
        let mut index = HashIndex::new();
        let mut firsts: Vec<usize> = Vec::with_capacity(self.num_samples());
        let mut values = super::Values::new(self.values.width());
        for i in 0..self.num_samples() {
            let stack = self.stacks.encoded(i);
            let h = hash_bytes(stack, 0);
            let new = firsts.len() as u32;
            let found = index.find_or_insert(
                h,
                new,
                |e| self.stacks.encoded(firsts[e as usize]) == stack,
                |e| hash_bytes(self.stacks.encoded(firsts[e as usize]), 0),
            );
            match found {
                None => {
                    firsts.push(i);
                    values.push_row_of(&self.values, i);
                }
                Some(e) => values.add_row_of(e as usize, &self.values, i),
            }
        }
        // The first sample of each stack stays, its bytes moved down in place.
        self.stacks.retain_indices(&firsts);
        self.values = values;
    }

    /// Multiplies every sample value by `k / n`, rounding to the nearest integer, halves away
    /// from zero (a fleet's merged profile, which sums `n` profiles, read as the mean instance,
    /// `k = 1`, or the fleet's total, `k` instances).
    pub fn scale_values(&mut self, k: u64, n: u64) {
        if k == n || n == 0 {
            return;
        }
        for row in 0..self.values.len() {
            for col in 0..self.values.width() {
                let v = self.values.get(row, col);
                self.values.set(row, col, scale(v, k, n));
            }
        }
    }
}

/// `v · k / n`, rounded to the nearest integer, halves away from zero: how a fleet window's
/// summed values are read (the loader's and `capture`'s one rule).
pub fn scale(v: i64, k: u64, n: u64) -> i64 {
    if k == n || n == 0 {
        return v;
    }
    let (k, n) = (i128::from(k), i128::from(n));
    let v = i128::from(v) * k;
    let q = (2 * v + n * v.signum()) / (2 * n);
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}
