//! A streaming decoder for the top level of profile.proto.
//!
//! The message is read field by field from any reader (the gzip decoder, a file), so memory
//! follows what the profile holds, never its raw size: samples, most of a heap profile, are
//! decoded as they arrive into flat arrays, and samples with the same location ids are merged
//! once the profile shows it repeats them (see `SampleSet`). Every other field is decoded with
//! the prost messages in [`crate::profile::proto`]. No capacity is reserved from a count or
//! length the file claims. Summed by their ids, the samples are those `proto::Profile::decode`
//! gives (a unit test checks this on real files).

use std::io::BufRead;

use prost::Message;
use prost::encoding::decode_varint;

use crate::profile::Values;
use crate::profile::hash::{HashIndex, hash_bytes};
use crate::profile::proto;
use crate::profile::seqs::encode_u64;

/// The top-level message. Samples are decoded as they are read, and samples with the same
/// location ids are merged once they repeat often, so memory follows the distinct stacks, not
/// the samples a file holds (or claims). A sample may still repeat one before it (a file that
/// repeats few); the catalogue sums them.
#[derive(Default, Debug)]
pub struct Decoded {
    /// Everything but `sample`.
    pub header: proto::Profile,
    /// The location ids of every sample kept as canonical varints, concatenated.
    pub ids: Vec<u8>,
    /// Per sample kept, where its ids end in `ids` (each starts where the last ended).
    pub ends: Vec<u32>,
    /// The values of every sample kept, as many each as the first sample has (summed over
    /// merged samples).
    pub values: Values,
    /// The first sample (numbered from one, in file order) with another number of values than
    /// the first, and its number; a profile with one is invalid, and its values are no longer
    /// kept.
    pub ragged: Option<(usize, usize)>,
    /// How many samples the file held.
    pub samples_in_file: usize,
}

impl Decoded {
    /// How many values each sample has: as many as the first sample has.
    pub fn width(&self) -> usize {
        self.values.width()
    }

    /// How many samples are kept.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when the file held no samples.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn range(&self, i: usize) -> std::ops::Range<usize> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        start..self.ends[i] as usize
    }

    /// The location ids of kept sample `i`, as canonical varints.
    pub fn ids_bytes(&self, i: usize) -> &[u8] {
        &self.ids[self.range(i)]
    }

    /// The hash kept sample `i` is merged by: its ids, seeded with its number of values.
    fn hash_of(&self, i: usize) -> u64 {
        hash_bytes(self.ids_bytes(i), self.width() as u64)
    }

    /// The location ids of kept sample `i`.
    pub fn ids_of(&self, i: usize) -> impl Iterator<Item = u64> + '_ {
        let mut bytes = self.ids_bytes(i);
        // The bytes were checked, and made canonical, as they were read.
        std::iter::from_fn(move || {
            let (&b0, rest) = bytes.split_first()?;
            if b0 < 0x80 {
                bytes = rest;
                return Some(b0 as u64);
            }
            varint(&mut bytes).ok()
        })
    }

    /// The values of kept sample `i`.
    #[cfg(test)]
    pub fn values_of(&self, i: usize) -> Vec<i64> {
        self.values.row(i).collect()
    }
}

/// Why decoding stopped.
#[derive(Debug)]
pub enum DecodeError {
    /// The bytes are not a valid profile.proto.
    Malformed(String),
    /// Reading failed (a gzip error, the input-size ceiling, an I/O error).
    Io(std::io::Error),
}

impl From<String> for DecodeError {
    fn from(s: String) -> Self {
        DecodeError::Malformed(s)
    }
}

impl From<std::io::Error> for DecodeError {
    fn from(e: std::io::Error) -> Self {
        DecodeError::Io(e)
    }
}

/// A varint read from a stream; `None` at a clean end of input.
fn stream_varint(r: &mut impl BufRead) -> Result<Option<u64>, DecodeError> {
    // Fast path: the whole varint is in the buffer.
    let avail = r.fill_buf()?;
    if avail.is_empty() {
        return Ok(None);
    }
    if avail.len() >= 10 || avail.last().is_some_and(|b| *b < 0x80) {
        let mut slice = avail;
        let before = slice.len();
        let v = varint(&mut slice)?;
        let used = before - slice.len();
        r.consume(used);
        return Ok(Some(v));
    }
    let mut v = 0u64;
    for i in 0..10 {
        let b = match r.fill_buf()?.first() {
            Some(&b) => b,
            None if i == 0 => return Ok(None),
            None => return Err(err("a varint is cut short (truncated file?)").into()),
        };
        r.consume(1);
        v |= ((b & 0x7f) as u64) << (7 * i);
        if b < 0x80 {
            return Ok(Some(v));
        }
    }
    Err(err("a varint is longer than ten bytes").into())
}

/// Hands a length-delimited body to `f`: straight from the stream's buffer when it is there
/// whole, else gathered into `buf`, which grows only as bytes arrive (a length claimed by a
/// hostile file costs nothing it does not deliver).
fn with_body<R: BufRead, T>(
    r: &mut R,
    buf: &mut Vec<u8>,
    f: impl FnOnce(&[u8]) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    let n = stream_varint(r)?
        .ok_or_else(|| err("a field runs past the end of the data (truncated file?)"))?;
    let avail = r.fill_buf()?;
    if (avail.len() as u64) >= n {
        let n = n as usize;
        let out = f(&avail[..n]);
        r.consume(n);
        return out;
    }
    buf.clear();
    let mut need = n;
    while need > 0 {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Err(err("a field runs past the end of the data (truncated file?)").into());
        }
        let k = chunk.len().min(usize::try_from(need).unwrap_or(usize::MAX));
        buf.extend_from_slice(&chunk[..k]);
        r.consume(k);
        need -= k as u64;
    }
    f(buf)
}

/// Reads a length-delimited body into `buf`.
fn stream_body(r: &mut impl BufRead, buf: &mut Vec<u8>) -> Result<(), DecodeError> {
    let mut out = std::mem::take(buf);
    let mut tmp = Vec::new();
    with_body(r, &mut tmp, |b| {
        out.clear();
        out.extend_from_slice(b);
        Ok(())
    })?;
    *buf = out;
    Ok(())
}

fn stream_skip(r: &mut impl BufRead, wire: u64, buf: &mut Vec<u8>) -> Result<(), DecodeError> {
    match wire {
        0 => stream_varint(r)?
            .map(|_| ())
            .ok_or_else(|| err("a varint is cut short (truncated file?)").into()),
        1 | 5 => {
            let mut b = [0u8; 8];
            let n = if wire == 1 { 8 } else { 4 };
            r.read_exact(&mut b[..n])
                .map_err(|_| DecodeError::from(err("a field runs past the end of the data")))
        }
        2 => with_body(r, buf, |_| Ok(())),
        w => Err(err(&format!("unsupported wire type {w}")).into()),
    }
}

fn stream_int(r: &mut impl BufRead, wire: u64) -> Result<i64, DecodeError> {
    if wire != 0 {
        return Err(err(&format!("wire type {wire} for an integer")).into());
    }
    Ok(stream_varint(r)?.ok_or_else(|| err("a varint is cut short (truncated file?)"))? as i64)
}

fn stream_sub<M: Message + Default>(
    r: &mut impl BufRead,
    wire: u64,
    what: &str,
    buf: &mut Vec<u8>,
) -> Result<M, DecodeError> {
    if wire != 2 {
        return Err(err(&format!("wire type {wire} for {what}")).into());
    }
    with_body(r, buf, |b| {
        M::decode(b).map_err(|e| err(&format!("{what}: {e}")).into())
    })
}

/// Keeps the samples as they are read, merging those with identical location ids (and as many
/// values) once the profile shows it repeats many.
///
/// Most producers write a stack once, or a few times (Go writes one sample per stack and
/// allocation size, and a third of a small Go heap profile's samples can repeat one before
/// them; on a large one, almost none do). Merging as they are read is then a hash table the
/// size of the profile that finds little: so the samples are kept as they come, each one's hash
/// checked against a small table of recent hashes. When more than half of them repeat, or more
/// than [`KEPT_UNMERGED`] bytes are kept, merging starts: everything kept so far is merged
/// once, and every later sample as it arrives. So a file of repeated samples (a million copies
/// of one stack) costs what its distinct samples do, and a profile whose repeats slip past the
/// recent hashes costs at most that many bytes more. The catalogue sums any repeats left, so the
/// numbers are the same either way.
///
/// Samples are decoded into a small batch and merged a batch at a time: the hash table of a
/// large profile is far larger than the caches, and touching a batch's slots together lets
/// their cache misses overlap.
#[derive(Default)]
struct SampleSet {
    /// Present once merging: the distinct samples so far.
    index: Option<HashIndex>,
    /// The hashes of recent samples, by their high bits (while not merging).
    recent: Vec<u64>,
    /// Samples checked against `recent`, and how many of them matched a hash there.
    checked: usize,
    repeats: usize,
    out: Decoded,
    /// The batch: ids and values of each pending sample, with its ends and hash.
    ids: Vec<u8>,
    values: Vec<i64>,
    pending: Vec<(usize, usize, u64)>,
}

const BATCH: usize = 32;
/// How many recent sample hashes are kept to notice repeats (a power of two).
const RECENT: usize = 4096;
/// How often (in samples) to ask whether to start merging.
const CHECK_EVERY: usize = 1024;
/// Merging starts when more than one sample in this many repeats one before it.
const REPEATS: usize = 2;
/// Bytes of samples (ids, ends and values) kept before merging starts regardless.
const KEPT_UNMERGED: usize = 256 << 20;

impl SampleSet {
    fn add(&mut self, body: &[u8]) -> Result<(), DecodeError> {
        let (i0, v0) = (self.ids.len(), self.values.len());
        decode_sample(body, &mut self.ids, &mut self.values)?;
        let key = hash_bytes(&self.ids[i0..], (self.values.len() - v0) as u64);
        self.pending.push((self.ids.len(), self.values.len(), key));
        self.out.samples_in_file += 1;
        if self.pending.len() == BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Whether to start merging before keeping a sample hashed to `key`: checked every
    /// [`CHECK_EVERY`] samples, when more than one in [`REPEATS`] of those kept looked like
    /// one kept before, or enough bytes are kept.
    fn should_merge(&mut self, key: u64) -> bool {
        if self.recent.is_empty() {
            self.recent = vec![0; RECENT];
        }
        // The high bits choose the slot: the hash's low bits depend on the last word alone.
        let slot = &mut self.recent[(key >> (64 - RECENT.trailing_zeros())) as usize];
        self.repeats += (*slot == key) as usize;
        *slot = key;
        self.checked += 1;
        if self.checked % CHECK_EVERY != 0 {
            return false;
        }
        let o = &self.out;
        let kept = o.ids.len() + 4 * o.ends.len() + o.values.bytes();
        self.repeats * REPEATS > self.checked || kept > KEPT_UNMERGED
    }

    /// Merges the samples kept so far, in place (the first of each set of repeats stays, in
    /// file order, the later ones' values summed into it), and every later one as it arrives.
    #[cold]
    fn start_merging(&mut self) {
        let o = &mut self.out;
        let n = o.len();
        let mut index = HashIndex::new();
        index.reserve(n, |_| 0); // empty: nothing to rehash
        let (mut read, mut written, mut kept) = (0, 0, 0);
        for i in 0..n {
            let end = o.ends[i] as usize;
            // Samples before `kept` are already in place, so `o` reads them as it would any.
            let (merged, ids) = (&*o, &o.ids[read..end]);
            match index.find_or_insert(
                hash_bytes(ids, merged.width() as u64),
                kept as u32,
                |e| merged.ids_bytes(e as usize) == ids,
                |e| merged.hash_of(e as usize),
            ) {
                Some(e) => o.values.add_row(i, e as usize),
                None => {
                    // Moved down over the repeats dropped before it (never past its own start),
                    // its values too: row by row, so that nothing as long as the samples is
                    // allocated on top of what the merge is there to bound.
                    o.ids.copy_within(read..end, written);
                    written += end - read;
                    o.ends[kept] = written as u32;
                    if kept != i {
                        o.values.copy_row(i, kept);
                    }
                    kept += 1;
                }
            }
            read = end;
        }
        o.ids.truncate(written);
        o.ends.truncate(kept);
        o.values.truncate(kept);
        self.index = Some(index);
        self.recent = Vec::new();
    }

    fn flush(&mut self) -> Result<(), DecodeError> {
        if let Some(index) = &mut self.index {
            let o = &self.out;
            index.reserve(self.pending.len(), |e| o.hash_of(e as usize));
            index.touch_all(self.pending.iter().map(|p| p.2));
        }
        let (mut i0, mut v0) = (0, 0);
        for k in 0..self.pending.len() {
            let (i1, v1, key) = self.pending[k];
            if self.index.is_none() && self.should_merge(key) {
                self.start_merging();
            }
            let (ids, values) = (&self.ids[i0..i1], &self.values[v0..v1]);
            Self::merge_into(&mut self.out, self.index.as_mut(), ids, values, key)?;
            (i0, v0) = (i1, v1);
        }
        self.pending.clear();
        self.ids.clear();
        self.values.clear();
        Ok(())
    }

    /// Adds a sample to `o`: summed into the one with the same ids when `index` finds it, else
    /// kept as a new one.
    fn merge_into(
        o: &mut Decoded,
        index: Option<&mut HashIndex>,
        ids: &[u8],
        values: &[i64],
        key: u64,
    ) -> Result<(), DecodeError> {
        if o.ends.is_empty() && o.ragged.is_none() {
            o.values = Values::new(values.len());
        }
        if values.len() != o.width() || o.ragged.is_some() {
            // An invalid profile (resolution says so); its values are not kept.
            o.ragged.get_or_insert((o.ends.len() + 1, values.len()));
            return Ok(());
        }
        let new = u32::try_from(o.ends.len())
            .ok()
            .filter(|&n| n < u32::MAX)
            .ok_or_else(|| err("more distinct samples than heapdiff can hold"))?;
        if let Some(index) = index {
            let found = index.find_or_insert(
                key,
                new,
                |e| o.ids_bytes(e as usize) == ids,
                |e| o.hash_of(e as usize),
            );
            if let Some(e) = found {
                o.values.add_to_row(e as usize, values);
                return Ok(());
            }
        }
        let end = u32::try_from(o.ids.len() + ids.len())
            .map_err(|_| err("more stack frames than heapdiff can hold"))?;
        o.ids.extend_from_slice(ids);
        o.ends.push(end);
        o.values.push_row(values);
        Ok(())
    }

    fn finish(mut self) -> Result<Decoded, DecodeError> {
        self.flush()?;
        Ok(self.out)
    }
}

/// Decodes a whole profile.proto message from a stream.
pub fn decode_stream(mut r: impl BufRead) -> Result<Decoded, DecodeError> {
    let mut set = SampleSet::default();
    let mut buf = Vec::new();
    while let Some(key) = stream_varint(&mut r)? {
        let (field, wire) = (key >> 3, key & 7);
        let h = &mut set.out.header;
        match field {
            0 => return Err(err("field number 0").into()),
            1 => h
                .sample_type
                .push(stream_sub(&mut r, wire, "sample_type", &mut buf)?),
            2 => {
                if wire != 2 {
                    return Err(err("sample is not a message").into());
                }
                with_body(&mut r, &mut buf, |b| set.add(b))?;
            }
            3 => h
                .mapping
                .push(stream_sub(&mut r, wire, "mapping", &mut buf)?),
            4 => h
                .location
                .push(stream_sub(&mut r, wire, "location", &mut buf)?),
            5 => h
                .function
                .push(stream_sub(&mut r, wire, "function", &mut buf)?),
            6 => {
                if wire != 2 {
                    return Err(err("string_table entry is not bytes").into());
                }
                let s = with_body(&mut r, &mut buf, |b| Ok(b.to_vec()))?;
                h.string_table.push(s);
            }
            7 => h.drop_frames = stream_int(&mut r, wire)?,
            8 => h.keep_frames = stream_int(&mut r, wire)?,
            9 => h.time_nanos = stream_int(&mut r, wire)?,
            10 => h.duration_nanos = stream_int(&mut r, wire)?,
            11 => h.period_type = Some(stream_sub(&mut r, wire, "period_type", &mut buf)?),
            12 => h.period = stream_int(&mut r, wire)?,
            13 => match wire {
                0 => h.comment.push(stream_int(&mut r, wire)?),
                2 => {
                    stream_body(&mut r, &mut buf)?;
                    let mut inner = &buf[..];
                    while !inner.is_empty() {
                        h.comment.push(varint(&mut inner)? as i64);
                    }
                }
                w => return Err(err(&format!("wire type {w} for a repeated integer")).into()),
            },
            14 => h.default_sample_type = stream_int(&mut r, wire)?,
            _ => stream_skip(&mut r, wire, &mut buf)?,
        }
    }
    set.finish()
}

/// Decodes a whole profile.proto message held in memory.
#[cfg(test)]
pub fn decode(buf: &[u8]) -> Result<Decoded, DecodeError> {
    decode_stream(buf)
}

/// Decodes one sample's body: its location ids are appended to `ids` as canonical varints
/// (whether the file packed them or not, and however long its varints), its values to `values`.
pub fn decode_sample(
    mut buf: &[u8],
    ids: &mut Vec<u8>,
    values: &mut Vec<i64>,
) -> Result<(), String> {
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let (field, wire) = (key >> 3, key & 7);
        match (field, wire) {
            (1, 2) => {
                let n = varint(&mut buf)?;
                let inner = take(&mut buf, n)?;
                if is_canonical(inner)? {
                    ids.extend_from_slice(inner);
                } else {
                    let mut inner = inner;
                    while !inner.is_empty() {
                        encode_u64(varint(&mut inner)?, ids);
                    }
                }
            }
            (1, 0) => encode_u64(varint(&mut buf)?, ids),
            (2, 2) => {
                let n = varint(&mut buf)?;
                let mut inner = take(&mut buf, n)?;
                while !inner.is_empty() {
                    values.push(varint(&mut inner)? as i64);
                }
            }
            (2, 0) => values.push(varint(&mut buf)? as i64),
            (1 | 2, w) => return Err(err(&format!("wire type {w} for a repeated integer"))),
            _ => skip(&mut buf, wire)?,
        }
    }
    Ok(())
}

/// Whether packed varints are each in their shortest form (then their bytes can be kept as
/// they are); an error when one is cut short or overflows 64 bits.
#[inline]
fn is_canonical(bytes: &[u8]) -> Result<bool, String> {
    // Most ids take one or two bytes: then no two neighbouring bytes both continue a varint,
    // no zero byte ends one (a padded varint), and the last byte ends one. Checked without
    // branching, pair by pair; anything else takes the exact walk below.
    let pairs = bytes.iter().zip(&bytes[1.min(bytes.len())..]);
    let odd = pairs.fold(0u8, |odd, (&a, &b)| {
        odd | (a & (b | (b.wrapping_sub(1) & 0x80)))
    });
    if odd < 0x80 && bytes.last().is_none_or(|&b| b < 0x80) {
        return Ok(true);
    }
    let mut run = 0u32;
    let mut canonical = true;
    for &b in bytes {
        run += 1;
        if b < 0x80 {
            if run > 1 && b == 0 {
                canonical = false;
            }
            if run == 10 && b > 1 {
                return Err(err("a varint overflows 64 bits"));
            }
            run = 0;
        } else if run == 10 {
            return Err(err("a varint is longer than ten bytes"));
        }
    }
    if run != 0 {
        return Err(err("a varint is cut short (truncated file?)"));
    }
    Ok(canonical)
}

fn err(what: &str) -> String {
    format!("malformed protobuf: {what}")
}

#[inline(always)]
fn varint(buf: &mut &[u8]) -> Result<u64, String> {
    // Fast path: most ids and small values fit in one or two bytes.
    if let Some(&b0) = buf.first() {
        if b0 < 0x80 {
            *buf = &buf[1..];
            return Ok(b0 as u64);
        }
        if let Some(&b1) = buf.get(1)
            && b1 < 0x80
        {
            *buf = &buf[2..];
            return Ok((b0 & 0x7f) as u64 | (b1 as u64) << 7);
        }
    }
    decode_varint(buf).map_err(|e| err(&e.to_string()))
}

fn take<'a>(buf: &mut &'a [u8], n: u64) -> Result<&'a [u8], String> {
    let n = usize::try_from(n).map_err(|_| err("length too large"))?;
    if n > buf.len() {
        return Err(err(
            "a field runs past the end of the data (truncated file?)",
        ));
    }
    let (head, tail) = buf.split_at(n);
    *buf = tail;
    Ok(head)
}

fn skip(buf: &mut &[u8], wire: u64) -> Result<(), String> {
    match wire {
        0 => varint(buf).map(|_| ()),
        1 => take(buf, 8).map(|_| ()),
        2 => {
            let n = varint(buf)?;
            take(buf, n).map(|_| ())
        }
        5 => take(buf, 4).map(|_| ()),
        w => Err(err(&format!("unsupported wire type {w}"))),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn matches_prost_on_real_profiles() {
        for rel in [
            "testdata/go/leak/heap_004.pb.gz",
            "testdata/go/leak_sampled/heap_002.pb.gz",
            "testdata/crafted/small_base.pb",
        ] {
            let data = crate::decode::testdata(rel);
            let want = proto::Profile::decode(&data[..]).unwrap();
            let got = decode(&data).unwrap();
            let mut header = want.clone();
            header.sample.clear();
            assert_eq!(got.header, header, "{rel}");
            assert_eq!(got.samples_in_file, want.sample.len());
            // Samples with the same ids are merged, their values summed.
            let mut merged: BTreeMap<Vec<u64>, Vec<i64>> = BTreeMap::new();
            for s in &want.sample {
                let e = merged
                    .entry(s.location_id.clone())
                    .or_insert_with(|| vec![0; s.value.len()]);
                for (d, v) in e.iter_mut().zip(&s.value) {
                    *d += v;
                }
            }
            // Samples kept as read may repeat: summed by their ids, they are the same.
            let mut mine: BTreeMap<Vec<u64>, Vec<i64>> = BTreeMap::new();
            for i in 0..got.len() {
                let e = mine
                    .entry(got.ids_of(i).collect())
                    .or_insert_with(|| vec![0; got.width()]);
                for (d, v) in e.iter_mut().zip(got.values_of(i)) {
                    *d += v;
                }
            }
            assert_eq!(mine, merged, "{rel}");
        }
    }

    #[test]
    fn truncation_is_an_error() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let data = std::fs::read(root.join("testdata/crafted/small_base.pb")).unwrap();
        for cut in 1..data.len() {
            // Every prefix either decodes (cut at a field boundary) or fails; never panics.
            let _ = decode(&data[..cut]);
        }
        assert!(decode(&data[..data.len() - 3]).is_err());
    }

    #[test]
    fn ids_are_kept_canonical_however_written() {
        // Sample 1: ids 1, 300 packed; sample 2: the same ids unpacked, 300 padded to three
        // bytes; both with one value. Their ids are the same bytes.
        let s1 = [0x0a, 0x03, 0x01, 0xac, 0x02, 0x10, 0x05];
        let s2 = [0x08, 0x01, 0x08, 0xac, 0x82, 0x00, 0x10, 0x07];
        let mut set = SampleSet::default();
        set.add(&s1).unwrap();
        set.add(&s2).unwrap();
        let out = set.finish().unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out.ids_bytes(0), out.ids_bytes(1));
        assert_eq!(out.ids_of(0).collect::<Vec<_>>(), vec![1, 300]);
        assert_eq!(out.values.to_rows(), vec![5, 7]);
        assert_eq!(out.samples_in_file, 2);
        // An id overflowing 64 bits, or cut short inside a packed run, is an error.
        let mut set = SampleSet::default();
        assert!(set.add(&[0x0a, 0x02, 0x80, 0x80]).is_err());
        let mut long = vec![0x0a, 0x0a];
        long.extend_from_slice(&[0xff; 9]);
        long.push(0x7f);
        assert!(set.add(&long).is_err());
    }

    /// A sample with ids `ids` and values `values`, as profile.proto writes it.
    fn sample(ids: &[u64], values: &[u64]) -> Vec<u8> {
        let packed = |field: u8, xs: &[u64]| {
            let mut body = Vec::new();
            xs.iter().for_each(|&x| encode_u64(x, &mut body));
            let mut out = vec![field << 3 | 2];
            encode_u64(body.len() as u64, &mut out);
            out.extend(body);
            out
        };
        let mut out = packed(1, ids);
        out.extend(packed(2, values));
        out
    }

    #[test]
    fn samples_are_merged_once_they_repeat_often() {
        // Distinct samples, and a few repeats, are kept as they come.
        let mut set = SampleSet::default();
        for i in 0..10_000u64 {
            set.add(&sample(&[i % 9_000 + 1, 7], &[1, i])).unwrap();
        }
        let out = set.finish().unwrap();
        assert_eq!((out.len(), out.samples_in_file), (10_000, 10_000));
        // Most samples repeating: merged, the first ones kept too, the values summed in order.
        let mut set = SampleSet::default();
        for i in 0..100_000u64 {
            set.add(&sample(&[i % 3 + 1, 7], &[1, i])).unwrap();
        }
        let out = set.finish().unwrap();
        assert_eq!((out.len(), out.samples_in_file), (3, 100_000));
        let sums: Vec<i64> = (0..3)
            .map(|k| (0..100_000).filter(|i| i % 3 == k).sum())
            .collect();
        for k in 0..3 {
            assert_eq!(out.ids_of(k as usize).collect::<Vec<_>>(), vec![k + 1, 7]);
            assert_eq!(
                out.values_of(k as usize),
                vec![33_333 + (k == 0) as i64, sums[k as usize]]
            );
        }
    }

    #[test]
    fn merging_in_place_keeps_first_appearances_and_sums() {
        // Stacks of one to seven frames, ids past one byte, the first 1,000 samples distinct
        // and the rest repeats of them: merged in place when the repeats show, the same
        // samples and sums as merging by hand.
        let stack =
            |i: u64| -> Vec<u64> { (0..i % 7 + 1).map(|f| 1 + (i * 131 + f) % 400).collect() };
        let mut set = SampleSet::default();
        let mut want: Vec<(Vec<u64>, i64)> = Vec::new();
        for n in 0..20_000u64 {
            let i = if n < 1_000 { n } else { n * 7 % 1_000 };
            let ids = stack(i);
            set.add(&sample(&ids, &[n])).unwrap();
            match want.iter_mut().find(|(w, _)| *w == ids) {
                Some((_, v)) => *v += n as i64,
                None => want.push((ids, n as i64)),
            }
        }
        let out = set.finish().unwrap();
        let got: Vec<(Vec<u64>, i64)> = (0..out.len())
            .map(|k| (out.ids_of(k).collect(), out.values_of(k)[0]))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn claimed_lengths_reserve_nothing() {
        // A string claiming 2^62 bytes in a 12-byte input: an error, not an allocation.
        let mut b = vec![0x32];
        b.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]);
        b.extend_from_slice(b"ab");
        assert!(decode(&b).is_err());
        // Field number 0 (a run of zero bytes, say) is refused at the first byte.
        assert!(decode(&[0u8; 64]).is_err());
    }
}
