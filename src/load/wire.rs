//! A streaming decoder for the top level of profile.proto.
//!
//! The message is read field by field from any reader (the gzip decoder, a file), so memory
//! follows what the profile holds, never its raw size: samples, most of a heap profile, are
//! decoded as they arrive into flat arrays, and samples with the same location ids are merged
//! on the spot. Every other field is decoded with the prost messages in
//! [`crate::profile::proto`]. No capacity is reserved from a count or length the file claims.
//! The result is the same as `proto::Profile::decode` (a unit test checks this on real
//! files).

use std::io::BufRead;

use prost::Message;
use prost::encoding::decode_varint;

use crate::profile::hash::{FxHashMap, FxHasher};
use crate::profile::proto;

/// The top-level message. Samples are decoded as they are read, and samples with the same
/// location ids are merged on the spot, so memory follows the distinct stacks, not the samples
/// a file holds (or claims).
#[derive(Default, Debug)]
pub struct Decoded {
    /// Everything but `sample`.
    pub header: proto::Profile,
    /// The location ids of every distinct sample, concatenated, compacted to 32 bits: an id
    /// below [`BIG_ID`] is itself; any other is `BIG_ID + i` for `big_ids[i]`.
    pub sample_ids: Vec<u32>,
    /// Location ids too large for 32 bits, in the order first seen.
    pub big_ids: Vec<u64>,
    /// The values of every distinct sample, concatenated (summed over merged samples).
    pub sample_values: Vec<i64>,
    /// Per distinct sample: its ids and values as `[start, end)` into the arrays above.
    pub samples: Vec<RawSample>,
    /// How many samples the file held.
    pub samples_in_file: usize,
}

/// Compacted ids at or above this stand for an entry of [`Decoded::big_ids`].
pub const BIG_ID: u32 = 1 << 31;

impl Decoded {
    /// The location id a compacted id stands for.
    pub fn id(&self, compact: u32) -> u64 {
        if compact < BIG_ID {
            compact as u64
        } else {
            self.big_ids[(compact - BIG_ID) as usize]
        }
    }
}

/// One distinct sample of [`Decoded`].
#[derive(Clone, Copy, Debug)]
pub struct RawSample {
    /// Its location ids in [`Decoded::sample_ids`].
    pub ids: (u32, u32),
    /// Its values in [`Decoded::sample_values`].
    pub values: (u32, u32),
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

/// Merges samples with identical location ids (and as many values) as they are read.
#[derive(Default)]
struct SampleSet {
    head: FxHashMap<u64, u32>,
    next: Vec<u32>,
    out: Decoded,
    big: FxHashMap<u64, u32>,
    ids: Vec<u32>,
    values: Vec<i64>,
}

impl SampleSet {
    fn add(&mut self, body: &[u8]) -> Result<(), DecodeError> {
        self.ids.clear();
        self.values.clear();
        let ids = &mut self.ids;
        let (big, big_ids) = (&mut self.big, &mut self.out.big_ids);
        decode_sample(
            body,
            &mut |id| {
                let c = match u32::try_from(id) {
                    Ok(c) if c < BIG_ID => c,
                    _ => *big.entry(id).or_insert_with(|| {
                        big_ids.push(id);
                        BIG_ID.saturating_add(big_ids.len() as u32 - 1)
                    }),
                };
                ids.push(c);
                Ok(())
            },
            &mut self.values,
        )?;
        let mut h = FxHasher::default();
        h.add(self.values.len() as u64);
        for &id in &self.ids {
            h.add(id as u64);
        }
        let key = std::hash::Hasher::finish(&h);
        let o = &mut self.out;
        o.samples_in_file += 1;
        let mut cur = self.head.get(&key).copied().unwrap_or(u32::MAX);
        while cur != u32::MAX {
            let s = o.samples[cur as usize];
            let (i0, i1) = (s.ids.0 as usize, s.ids.1 as usize);
            let (v0, v1) = (s.values.0 as usize, s.values.1 as usize);
            if o.sample_ids[i0..i1] == self.ids[..] && v1 - v0 == self.values.len() {
                for (d, v) in o.sample_values[v0..v1].iter_mut().zip(&self.values) {
                    *d = d.saturating_add(*v);
                }
                return Ok(());
            }
            cur = self.next[cur as usize];
        }
        let id = u32::try_from(o.samples.len())
            .map_err(|_| err("more distinct samples than heapdiff can hold"))?;
        let too_many = || err("more stack frames or values than heapdiff can hold");
        let ids = (
            u32::try_from(o.sample_ids.len()).map_err(|_| too_many())?,
            u32::try_from(o.sample_ids.len() + self.ids.len()).map_err(|_| too_many())?,
        );
        o.sample_ids.extend_from_slice(&self.ids);
        let values = (
            u32::try_from(o.sample_values.len()).map_err(|_| too_many())?,
            u32::try_from(o.sample_values.len() + self.values.len()).map_err(|_| too_many())?,
        );
        o.sample_values.extend_from_slice(&self.values);
        o.samples.push(RawSample { ids, values });
        self.next
            .push(self.head.insert(key, id).unwrap_or(u32::MAX));
        Ok(())
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
    Ok(set.out)
}

/// Decodes a whole profile.proto message held in memory.
pub fn decode(buf: &[u8]) -> Result<Decoded, DecodeError> {
    decode_stream(buf)
}

/// Decodes one sample's body: location ids go through `loc` (which may reject an id), values
/// are appended to `values`. Returns the number of values read.
pub fn decode_sample(
    mut buf: &[u8],
    loc: &mut impl FnMut(u64) -> Result<(), String>,
    values: &mut Vec<i64>,
) -> Result<usize, String> {
    let before = values.len();
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let (field, wire) = (key >> 3, key & 7);
        match (field, wire) {
            (1, 2) => {
                let n = varint(&mut buf)?;
                let mut inner = take(&mut buf, n)?;
                while !inner.is_empty() {
                    loc(varint(&mut inner)?)?;
                }
            }
            (1, 0) => loc(varint(&mut buf)?)?,
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
    Ok(values.len() - before)
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
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for rel in [
            "testdata/go/leak/heap_004.pb.gz",
            "testdata/go/leak_sampled/heap_002.pb.gz",
            "testdata/crafted/small_base.pb",
        ] {
            let p = root.join(rel);
            let raw = std::fs::read(&p).unwrap();
            let data = crate::load::gunzip_if_needed(&p, raw).unwrap();
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
            let mine: BTreeMap<Vec<u64>, Vec<i64>> = got
                .samples
                .iter()
                .map(|s| {
                    (
                        got.sample_ids[s.ids.0 as usize..s.ids.1 as usize]
                            .iter()
                            .map(|&c| got.id(c))
                            .collect::<Vec<u64>>(),
                        got.sample_values[s.values.0 as usize..s.values.1 as usize].to_vec(),
                    )
                })
                .collect();
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
