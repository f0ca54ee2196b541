//! A streaming decoder for the top level of profile.proto.
//!
//! Samples are most of a heap profile (524k in the corpus's largest), so they are read straight
//! into flat arrays instead of one message with two vectors each; every other field is decoded
//! with the prost messages in [`crate::profile::proto`]. The result is the same as
//! `proto::Profile::decode` (a unit test checks this on real files).

use prost::Message;
use prost::encoding::decode_varint;

use crate::profile::proto;

/// The top-level message, with its samples left encoded until the location table is known.
#[derive(Default, Debug)]
pub struct Decoded<'a> {
    /// Everything but `sample`.
    pub header: proto::Profile,
    /// The encoded body of every sample, in order.
    pub samples: Vec<&'a [u8]>,
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

/// Reads a repeated integer field, packed (wire type 2) or not (0).
fn repeated(buf: &mut &[u8], wire: u64, out: &mut impl FnMut(u64)) -> Result<(), String> {
    match wire {
        0 => {
            out(varint(buf)?);
            Ok(())
        }
        2 => {
            let n = varint(buf)?;
            let mut inner = take(buf, n)?;
            while !inner.is_empty() {
                out(varint(&mut inner)?);
            }
            Ok(())
        }
        w => Err(err(&format!("wire type {w} for a repeated integer"))),
    }
}

fn sub<M: Message + Default>(buf: &mut &[u8], wire: u64, what: &str) -> Result<M, String> {
    if wire != 2 {
        return Err(err(&format!("wire type {wire} for {what}")));
    }
    let n = varint(buf)?;
    M::decode(take(buf, n)?).map_err(|e| err(&format!("{what}: {e}")))
}

fn int(buf: &mut &[u8], wire: u64) -> Result<i64, String> {
    if wire != 0 {
        return Err(err(&format!("wire type {wire} for an integer")));
    }
    Ok(varint(buf)? as i64)
}

/// Decodes a whole profile.proto message.
pub fn decode(mut buf: &[u8]) -> Result<Decoded<'_>, String> {
    let mut d = Decoded::default();
    // About 40 bytes per sample in Go heap profiles; a cheap capacity hint.
    d.samples.reserve(buf.len() / 40);
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let (field, wire) = (key >> 3, key & 7);
        match field {
            1 => {
                let v = sub(&mut buf, wire, "sample_type")?;
                d.header.sample_type.push(v);
            }
            2 => {
                if wire != 2 {
                    return Err(err("sample is not a message"));
                }
                let n = varint(&mut buf)?;
                d.samples.push(take(&mut buf, n)?);
            }
            3 => {
                let v = sub(&mut buf, wire, "mapping")?;
                d.header.mapping.push(v);
            }
            4 => {
                let v = sub(&mut buf, wire, "location")?;
                d.header.location.push(v);
            }
            5 => {
                let v = sub(&mut buf, wire, "function")?;
                d.header.function.push(v);
            }
            6 => {
                if wire != 2 {
                    return Err(err("string_table entry is not bytes"));
                }
                let n = varint(&mut buf)?;
                let s = take(&mut buf, n)?.to_vec();
                d.header.string_table.push(s);
            }
            7 => d.header.drop_frames = int(&mut buf, wire)?,
            8 => d.header.keep_frames = int(&mut buf, wire)?,
            9 => d.header.time_nanos = int(&mut buf, wire)?,
            10 => d.header.duration_nanos = int(&mut buf, wire)?,
            11 => d.header.period_type = Some(sub(&mut buf, wire, "period_type")?),
            12 => d.header.period = int(&mut buf, wire)?,
            13 => {
                let mut c = Vec::new();
                repeated(&mut buf, wire, &mut |v| c.push(v as i64))?;
                d.header.comment.extend(c);
            }
            14 => d.header.default_sample_type = int(&mut buf, wire)?,
            _ => skip(&mut buf, wire)?,
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
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
            assert_eq!(got.samples.len(), want.sample.len());
            for (i, s) in want.sample.iter().enumerate() {
                let mut ids = Vec::new();
                let mut values = Vec::new();
                decode_sample(
                    got.samples[i],
                    &mut |id| {
                        ids.push(id);
                        Ok(())
                    },
                    &mut values,
                )
                .unwrap();
                assert_eq!(ids, s.location_id, "{rel} sample {i}");
                assert_eq!(values, s.value, "{rel} sample {i}");
            }
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
}
