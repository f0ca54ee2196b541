//! A small, fast hasher for integer keys (the multiply-rotate scheme rustc uses), for the hash
//! tables on hot paths: merging samples, interning stacks.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The hasher's state.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    /// Mixes one word into the hash.
    #[inline]
    pub fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FxHasher`]s.
pub type FxBuild = BuildHasherDefault<FxHasher>;
/// A hash map keyed through [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, FxBuild>;

/// Hashes bytes a word at a time (for varint-encoded stacks).
#[inline]
pub fn hash_bytes(bytes: &[u8], seed: u64) -> u64 {
    let mut h = FxHasher { hash: seed };
    h.add(bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let w = rest.iter().rev().fold(0u64, |w, &b| (w << 8) | b as u64);
        h.add(w);
    }
    h.hash
}

/// An insert-only hash index from a 64-bit hash to an entry number (a sample, a stack), for
/// interning: the caller keeps the entries and says whether one equals the key being looked
/// up. Each slot holds 32 bits of the hash beside the entry, so a probe touches the entries
/// only on a likely match and the table regrows without them. Slots are found by the hash's
/// fraction of the table (any size works), probed linearly; the table is at most 70% full
/// and doubles when it fills, so it costs 11 to 23 bytes an entry.
#[derive(Default)]
pub struct HashIndex {
    slots: Vec<(u32, u32)>,
    len: usize,
}

const EMPTY: u32 = u32::MAX;

impl HashIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn fold(hash: u64) -> u32 {
        // The high half of a multiply mixes every input bit into the bits kept.
        ((hash.wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> 32) as u32
    }

    #[inline]
    fn home(h: u32, cap: usize) -> usize {
        ((h as u64 * cap as u64) >> 32) as usize
    }

    fn full_at(&self, len: usize) -> bool {
        len * 10 > self.slots.len() * 7
    }

    /// Makes room for `more` entries without regrowing.
    pub fn reserve(&mut self, more: usize) {
        let want = self.len.saturating_add(more);
        if self.full_at(want) {
            // Geometric growth also when a caller reserves a little at a time.
            let grown = self.slots.len() * 2;
            self.rebuild((want / 7).saturating_mul(10).max(grown) + 16);
        }
    }

    /// Reads the slots where lookups of `hashes` start. Touching the slots of a batch of keys
    /// before looking them up lets their cache misses overlap (the loads are independent), so a
    /// batch waits for memory about once instead of once per key; the table is far larger than
    /// the caches on big profiles. Reserve room for the batch first, so that no growth moves
    /// the slots in between.
    #[inline]
    pub fn touch_all(&self, hashes: impl IntoIterator<Item = u64>) {
        let mut touched = 0u32;
        for hash in hashes {
            let i = Self::home(Self::fold(hash), self.slots.len());
            touched ^= self.slots.get(i).map_or(0, |s| s.1);
        }
        std::hint::black_box(touched);
    }

    /// The first entry whose stored hash bits match `hash`: the entry a lookup will most
    /// likely find, for a caller that wants to touch its data ahead of time too.
    #[inline]
    pub fn candidate(&self, hash: u64) -> Option<u32> {
        let cap = self.slots.len();
        if cap == 0 {
            return None;
        }
        let h = Self::fold(hash);
        let mut i = Self::home(h, cap);
        loop {
            let (sh, e) = self.slots[i];
            if e == EMPTY {
                return None;
            }
            if sh == h {
                return Some(e);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// The entry equal to the key (per `eq`) with this hash, else records `new` for it and
    /// returns `None`. `new` must not be `u32::MAX`.
    #[inline]
    pub fn find_or_insert(
        &mut self,
        hash: u64,
        new: u32,
        mut eq: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        if self.full_at(self.len + 1) {
            self.reserve(1);
        }
        let h = Self::fold(hash);
        let cap = self.slots.len();
        let mut i = Self::home(h, cap);
        loop {
            let (sh, e) = self.slots[i];
            if e == EMPTY {
                self.slots[i] = (h, new);
                self.len += 1;
                return None;
            }
            if sh == h && eq(e) {
                return Some(e);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    fn rebuild(&mut self, cap: usize) {
        let old = std::mem::replace(&mut self.slots, vec![(0, EMPTY); cap]);
        for (h, e) in old {
            if e != EMPTY {
                let mut i = Self::home(h, cap);
                while self.slots[i].1 != EMPTY {
                    i += 1;
                    if i == cap {
                        i = 0;
                    }
                }
                self.slots[i] = (h, e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_finds_what_it_holds() {
        let keys: Vec<u64> = (0..10_000u64).map(|k| k * 31 % 7919).collect();
        let mut entries: Vec<u64> = Vec::new();
        let mut idx = HashIndex::new();
        for &k in &keys {
            // A poor hash on purpose: collisions must still be told apart by `eq`.
            let h = k % 97;
            let n = entries.len() as u32;
            match idx.find_or_insert(h, n, |e| entries[e as usize] == k) {
                Some(e) => assert_eq!(entries[e as usize], k),
                None => entries.push(k),
            }
        }
        let distinct: std::collections::HashSet<u64> = keys.iter().copied().collect();
        assert_eq!(entries.len(), distinct.len());
        assert_eq!(idx.len(), distinct.len());
    }
}
