//! Merging samples with the same stack: pprof's `Compact`, without labels (heapdiff keeps none).

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::Profile;
use super::hash::FxBuild;

impl Profile {
    /// Sums samples whose location lists are identical into one sample. Totals and every
    /// per-stack value are unchanged; only the number of samples shrinks.
    pub fn merge_identical_samples(&mut self) {
        let n = self.sample_types.len();
        let build = FxBuild::default();
        let mut first: HashMap<u64, u32, FxBuild> =
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
                    *d = d.saturating_add(*v);
                }
            }
        }
        self.sample_ranges = ranges;
        self.values = values;
    }
}
