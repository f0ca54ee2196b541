//! Many short sequences of small integers (the location indices of a profile's samples, the
//! frame ids of the catalogue's stacks), stored as LEB128 varints one after another in a single
//! byte array.
//!
//! Stacks are where a large profile's memory goes: 524k samples of 16 to 31 frames are 11M
//! entries. Location and frame indices are small (a profile with a few thousand functions needs
//! one or two bytes each), so a varint stack takes a quarter to a third of the space of `u32`s,
//! hashes and compares as bytes, and is read front to back or back to front without decoding the
//! rest. Every sequence is written here, canonically (the shortest encoding), so equal sequences
//! have equal bytes.

/// Sequences of `u32` as varints, one after another: each starts where the one before it
/// ends, so an end (4 bytes) is all a sequence costs besides its bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seqs {
    bytes: Vec<u8>,
    ends: Vec<u32>,
}

/// The byte array would pass 4 GiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

impl std::fmt::Display for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("more stack frames than heapdiff can hold (4 GiB of encoded stacks)")
    }
}

/// Appends the canonical varint of `v` to `out`.
#[inline]
pub fn encode(v: u32, out: &mut Vec<u8>) {
    encode_u64(v as u64, out);
}

/// Appends the canonical (shortest) varint of a 64-bit `v` to `out`.
#[inline]
pub fn encode_u64(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Seqs {
    /// No sequences.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sequences already laid out: `bytes` holds canonical varints, sequence `i` ending at
    /// `ends[i]` (the ends never decrease, and the last is `bytes.len()`).
    pub(crate) fn from_parts(bytes: Vec<u8>, ends: Vec<u32>) -> Self {
        debug_assert!(ends.windows(2).all(|w| w[0] <= w[1]));
        debug_assert_eq!(ends.last().map_or(0, |&e| e as usize), bytes.len());
        Seqs { bytes, ends }
    }

    /// How many sequences.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Bytes held by all sequences.
    pub fn encoded_len(&self) -> usize {
        self.bytes.len()
    }

    /// Appends a sequence.
    pub fn push(&mut self, items: impl IntoIterator<Item = u32>) -> Result<(), Full> {
        let start = self.bytes.len();
        for v in items {
            encode(v, &mut self.bytes);
        }
        self.close(start)
    }

    /// Appends a sequence given already encoded. `bytes` must be canonical varints, as
    /// [`encode`] writes them.
    pub fn push_encoded(&mut self, bytes: &[u8]) -> Result<(), Full> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(bytes);
        self.close(start)
    }

    /// Appends a sequence that `write` encodes straight into the byte array (canonical
    /// varints, as [`encode`] writes them). When `write` fails, nothing is added.
    pub fn push_with<E: From<Full>>(
        &mut self,
        write: impl FnOnce(&mut Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        let start = self.bytes.len();
        if let Err(e) = write(&mut self.bytes) {
            self.bytes.truncate(start);
            return Err(e);
        }
        Ok(self.close(start)?)
    }

    fn close(&mut self, start: usize) -> Result<(), Full> {
        match u32::try_from(self.bytes.len()) {
            Ok(e) => {
                self.ends.push(e);
                Ok(())
            }
            Err(_) => {
                self.bytes.truncate(start);
                Err(Full)
            }
        }
    }

    /// Where sequence `i` starts.
    #[inline]
    fn start(&self, i: usize) -> usize {
        match i.checked_sub(1) {
            Some(j) => self.ends[j] as usize,
            None => 0,
        }
    }

    /// Sequence `i`.
    pub fn get(&self, i: usize) -> Seq<'_> {
        Seq {
            bytes: self.encoded(i),
        }
    }

    /// The bytes of sequence `i`.
    #[inline]
    pub fn encoded(&self, i: usize) -> &[u8] {
        &self.bytes[self.start(i)..self.ends[i] as usize]
    }

    /// Drops from each sequence, in order, the first `cut(sequence)` items (all of them when it
    /// has fewer), moving the bytes that stay down in one pass.
    pub fn cut_fronts(&mut self, mut cut: impl FnMut(Seq<'_>) -> usize) {
        let (mut read, mut write) = (0usize, 0usize);
        for i in 0..self.ends.len() {
            let end = self.ends[i] as usize;
            let mut left = cut(Seq {
                bytes: &self.bytes[read..end],
            });
            let mut at = read;
            while left > 0 && at < end {
                if self.bytes[at] < 0x80 {
                    left -= 1;
                }
                at += 1;
            }
            if at != write {
                self.bytes.copy_within(at..end, write);
            }
            write += end - at;
            // No larger than before, so within u32.
            self.ends[i] = write as u32;
            read = end;
        }
        self.bytes.truncate(write);
    }

    /// Keeps only the sequences at `keep` (indices into the current list, increasing), moving
    /// their bytes down in place.
    pub fn retain_indices(&mut self, keep: &[usize]) {
        debug_assert!(keep.windows(2).all(|w| w[0] < w[1]));
        let mut write = 0usize;
        for (k, &i) in keep.iter().enumerate() {
            let (s, e) = (self.start(i), self.ends[i] as usize);
            self.bytes.copy_within(s..e, write);
            write += e - s;
            self.ends[k] = write as u32;
        }
        self.ends.truncate(keep.len());
        self.bytes.truncate(write);
    }
}

/// One sequence: an iterator over its items, front to back (and back to front).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Seq<'a> {
    bytes: &'a [u8],
}

impl<'a> Seq<'a> {
    /// The sequence whose bytes are `bytes` (canonical varints, the last one whole).
    pub fn of(bytes: &'a [u8]) -> Self {
        Seq { bytes }
    }

    /// The encoded bytes.
    pub fn encoded(&self) -> &'a [u8] {
        self.bytes
    }

    /// True when it has no items.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The first item.
    pub fn first(&self) -> Option<u32> {
        let mut it = *self;
        it.next()
    }

    /// The items as a vector.
    pub fn to_vec(&self) -> Vec<u32> {
        (*self).collect()
    }
}

impl Iterator for Seq<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        let (&b0, rest) = self.bytes.split_first()?;
        if b0 < 0x80 {
            self.bytes = rest;
            return Some(b0 as u32);
        }
        let mut v = (b0 & 0x7f) as u32;
        let mut shift = 7;
        let mut i = 1;
        while let Some(&b) = self.bytes.get(i) {
            v |= ((b & 0x7f) as u32).wrapping_shl(shift);
            shift += 7;
            i += 1;
            if b < 0x80 {
                break;
            }
        }
        self.bytes = &self.bytes[i..];
        Some(v)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.bytes.len().div_ceil(5), Some(self.bytes.len()))
    }
}

impl DoubleEndedIterator for Seq<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<u32> {
        let n = self.bytes.len();
        if n == 0 {
            return None;
        }
        // The last byte ends a varint; its earlier bytes all have the high bit set.
        let mut start = n - 1;
        while start > 0 && self.bytes[start - 1] >= 0x80 {
            start -= 1;
        }
        let mut one = Seq {
            bytes: &self.bytes[start..],
        };
        self.bytes = &self.bytes[..start];
        one.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_ways() {
        let cases: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![1, 127, 128, 300, 16_383, 16_384, u32::MAX, 0, 5],
            (0..1000).map(|i| i * 7919).collect(),
        ];
        let mut s = Seqs::new();
        for c in &cases {
            s.push(c.iter().copied()).unwrap();
        }
        for (i, c) in cases.iter().enumerate() {
            assert_eq!(s.get(i).to_vec(), *c);
            let mut back: Vec<u32> = s.get(i).rev().collect();
            back.reverse();
            assert_eq!(back, *c);
            assert_eq!(s.get(i).first(), c.first().copied());
        }
    }

    #[test]
    fn fronts_are_cut_and_sequences_kept_in_place() {
        let mut s = Seqs::new();
        s.push([300, 1, 2]).unwrap();
        s.push([7]).unwrap();
        s.push([128, 129]).unwrap();
        s.push([]).unwrap();
        s.push([5, 6]).unwrap();
        let mut seen = Vec::new();
        s.cut_fronts(|seq| {
            seen.push(seq.to_vec());
            [1, 5, 0, 2, 1][seen.len() - 1]
        });
        assert_eq!(seen[2], vec![128, 129]);
        let all: Vec<Vec<u32>> = (0..s.len()).map(|i| s.get(i).to_vec()).collect();
        assert_eq!(
            all,
            vec![vec![1, 2], vec![], vec![128, 129], vec![], vec![6]]
        );
        s.retain_indices(&[0, 2, 4]);
        let all: Vec<Vec<u32>> = (0..s.len()).map(|i| s.get(i).to_vec()).collect();
        assert_eq!(all, vec![vec![1, 2], vec![128, 129], vec![6]]);
        assert_eq!(s.encoded_len(), 2 + 4 + 1);
        // The shortest encodings stay shortest: equal sequences, equal bytes.
        let mut t = Seqs::new();
        t.push([1, 2]).unwrap();
        assert_eq!(s.encoded(0), t.encoded(0));
    }
}
