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

/// Sequences of `u32` as varints, each with its `[start, end)` range of bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seqs {
    bytes: Vec<u8>,
    ranges: Vec<(u32, u32)>,
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

    /// Sequences already laid out: `bytes` holds canonical varints and each range lies within
    /// it, in order.
    pub(crate) fn from_parts(bytes: Vec<u8>, ranges: Vec<(u32, u32)>) -> Self {
        debug_assert!(
            ranges
                .iter()
                .all(|r| r.0 <= r.1 && r.1 as usize <= bytes.len())
        );
        Seqs { bytes, ranges }
    }

    /// How many sequences.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
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
        match (u32::try_from(start), u32::try_from(self.bytes.len())) {
            (Ok(s), Ok(e)) => {
                self.ranges.push((s, e));
                Ok(())
            }
            _ => {
                self.bytes.truncate(start);
                Err(Full)
            }
        }
    }

    /// Sequence `i`.
    pub fn get(&self, i: usize) -> Seq<'_> {
        Seq {
            bytes: self.encoded(i),
        }
    }

    /// The bytes of sequence `i`.
    pub fn encoded(&self, i: usize) -> &[u8] {
        let (s, e) = self.ranges[i];
        &self.bytes[s as usize..e as usize]
    }

    /// Drops the first `n` items of sequence `i` (all of them when it has fewer).
    pub fn drop_front(&mut self, i: usize, n: usize) {
        let (s, e) = self.ranges[i];
        let mut at = s as usize;
        let mut left = n;
        while left > 0 && at < e as usize {
            if self.bytes[at] < 0x80 {
                left -= 1;
            }
            at += 1;
        }
        self.ranges[i].0 = at as u32;
    }

    /// Keeps only the sequences at `order` (indices into the current list), in that order.
    pub fn select(&mut self, order: &[usize]) {
        self.ranges = order.iter().map(|&i| self.ranges[i]).collect();
    }
}

/// One sequence: an iterator over its items, front to back (and back to front).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Seq<'a> {
    bytes: &'a [u8],
}

impl<'a> Seq<'a> {
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
    fn drop_front_and_select() {
        let mut s = Seqs::new();
        s.push([300, 1, 2]).unwrap();
        s.push([7]).unwrap();
        s.push([128, 129]).unwrap();
        s.drop_front(0, 1);
        assert_eq!(s.get(0).to_vec(), vec![1, 2]);
        s.drop_front(1, 5);
        assert!(s.get(1).is_empty());
        s.select(&[2, 0]);
        assert_eq!(s.get(0).to_vec(), vec![128, 129]);
        assert_eq!(s.get(1).to_vec(), vec![1, 2]);
    }
}
