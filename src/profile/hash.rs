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
/// interning: the caller keeps the entries, numbered from 0 in the order they were added, and
/// says whether one equals the key being looked up, or what an entry hashes to.
///
/// A slot is 32 bits: the entry (plus one; 0 is empty) in the low bits, as many as the table
/// needs, and bits of the hash above it, so a probe touches the entries only on a likely match.
/// Slots are found by the hash's fraction of the table (any size works), probed linearly; the
/// table is at most 70% full. It grows by half again or more when it fills, rebuilt from the
/// entries' hashes (the caller's `rehash`), after the old slots are gone: 6 to 9 bytes an
/// entry, at no moment more.
#[derive(Clone, Default)]
pub struct HashIndex {
    slots: Vec<u32>,
    len: usize,
    /// How many low bits of a slot hold the entry.
    bits: u32,
}

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

    /// The hash bits a slot keeps: the folded hash's low bits (its high bits choose the home
    /// slot, so these tell apart keys that share one), shifted above the entry.
    #[inline]
    fn tag(&self, h: u32) -> u32 {
        h.checked_shl(self.bits).unwrap_or(0)
    }

    #[inline]
    fn entry_mask(&self) -> u32 {
        u32::MAX.checked_shr(32 - self.bits).unwrap_or(0)
    }

    fn full_at(&self, len: usize) -> bool {
        len * 10 > self.slots.len() * 7
    }

    /// Makes room for `more` entries without regrowing; `rehash(e)` is the hash entry `e` was
    /// added with.
    pub fn reserve(&mut self, more: usize, rehash: impl FnMut(u32) -> u64) {
        let want = self.len.saturating_add(more);
        if self.full_at(want) {
            // Geometric growth also when a caller reserves a little at a time.
            let grown = self.slots.len() * 2;
            self.rebuild((want / 7).saturating_mul(10).max(grown) + 16, rehash);
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
            touched ^= self.slots.get(i).copied().unwrap_or(0);
        }
        std::hint::black_box(touched);
    }

    /// The first entry whose stored hash bits match `hash`: the entry a lookup will most
    /// likely find, for a caller that wants to touch its data ahead of time too.
    #[inline]
    pub fn candidate(&self, hash: u64) -> Option<u32> {
        self.find(hash, |_| true)
    }

    /// The entry equal to the key (per `eq`) with this hash, if there is one. Reads only, so
    /// several threads can look up in one index at once.
    #[inline]
    pub fn find(&self, hash: u64, mut eq: impl FnMut(u32) -> bool) -> Option<u32> {
        let cap = self.slots.len();
        if cap == 0 {
            return None;
        }
        let h = Self::fold(hash);
        let (tag, mask) = (self.tag(h), self.entry_mask());
        let mut i = Self::home(h, cap);
        loop {
            let s = self.slots[i];
            if s == 0 {
                return None;
            }
            if s & !mask == tag && eq((s & mask) - 1) {
                return Some((s & mask) - 1);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// The entry equal to the key (per `eq`) with this hash, else records `new` for it and
    /// returns `None`. `new` is the number of entries so far (entries are numbered in order)
    /// and less than `u32::MAX`; `rehash` is as for [`HashIndex::reserve`].
    #[inline]
    pub fn find_or_insert(
        &mut self,
        hash: u64,
        new: u32,
        mut eq: impl FnMut(u32) -> bool,
        rehash: impl FnMut(u32) -> u64,
    ) -> Option<u32> {
        debug_assert_eq!(new as usize, self.len);
        if self.full_at(self.len + 1) {
            self.reserve(1, rehash);
        }
        let h = Self::fold(hash);
        let (tag, mask) = (self.tag(h), self.entry_mask());
        let cap = self.slots.len();
        let mut i = Self::home(h, cap);
        loop {
            let s = self.slots[i];
            if s == 0 {
                self.slots[i] = tag | (new + 1);
                self.len += 1;
                return None;
            }
            if s & !mask == tag && eq((s & mask) - 1) {
                return Some((s & mask) - 1);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    fn rebuild(&mut self, cap: usize, mut rehash: impl FnMut(u32) -> u64) {
        // Entries are 0..len, so the old slots are not needed: freed first, never held beside
        // the new ones. At most u32::MAX slots, enough for every entry number.
        let cap = cap.min(u32::MAX as usize);
        self.slots = Vec::new();
        // Written out rather than asked for zeroed: the rebuild reads slots before it writes
        // them, and a fresh zeroed mapping read first is the shared zero page, so every page's
        // first write would fault again and flush the other threads' TLBs.
        let mut slots = Vec::with_capacity(cap);
        slots.extend(std::iter::repeat_n(0u32, cap));
        self.slots = slots;
        self.bits = 32 - (cap as u32).leading_zeros();
        let mask = self.entry_mask();
        // Entries go in a batch at a time, their home slots touched first: the writes land
        // all over a table larger than the caches, and this lets their misses overlap.
        const BATCH: u32 = 32;
        let mut homes = [0u32; BATCH as usize];
        let len = self.len as u32;
        let mut first = 0;
        while first < len {
            let n = BATCH.min(len - first);
            for (k, h) in homes.iter_mut().take(n as usize).enumerate() {
                *h = Self::fold(rehash(first + k as u32));
            }
            let mut touched = 0u32;
            for &h in &homes[..n as usize] {
                touched ^= self.slots[Self::home(h, cap)];
            }
            std::hint::black_box(touched);
            for (k, &h) in homes.iter().take(n as usize).enumerate() {
                let mut i = Self::home(h, cap);
                while self.slots[i] != 0 {
                    i += 1;
                    if i == cap {
                        i = 0;
                    }
                }
                self.slots[i] = self.tag(h) | ((first + k as u32 + 1) & mask);
            }
            first += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distinct_has(keys: &[u64], k: u64) -> bool {
        keys.contains(&k)
    }

    #[test]
    fn index_finds_what_it_holds() {
        let keys: Vec<u64> = (0..10_000u64).map(|k| k * 31 % 7919).collect();
        let mut entries: Vec<u64> = Vec::new();
        let mut idx = HashIndex::new();
        for &k in &keys {
            // A poor hash on purpose: collisions must still be told apart by `eq`.
            let h = k % 97;
            let n = entries.len() as u32;
            match idx.find_or_insert(
                h,
                n,
                |e| entries[e as usize] == k,
                |e| entries[e as usize] % 97,
            ) {
                Some(e) => assert_eq!(entries[e as usize], k),
                None => entries.push(k),
            }
        }
        // Looking up without inserting finds every key held, and nothing else.
        for k in 0..8000u64 {
            let got = idx.find(k % 97, |e| entries[e as usize] == k);
            assert_eq!(
                got.map(|e| entries[e as usize]),
                distinct_has(&keys, k).then_some(k)
            );
        }
        let distinct: std::collections::HashSet<u64> = keys.iter().copied().collect();
        assert_eq!(entries.len(), distinct.len());
        assert_eq!(idx.len(), distinct.len());
    }
}
