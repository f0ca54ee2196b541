//! profile.proto decoding and resolution of its id references into table indices.

use std::collections::HashMap;

use crate::error::InputErrorKind;
use crate::profile::proto;
use crate::profile::seqs::{self, Seqs};
use crate::profile::{Function, Line, Location, Mapping, Profile, SourceFormat, ValueType};

/// Maps the ids a file uses to table positions. Most writers number 1..=n in order, which needs
/// no table at all.
struct IdIndex {
    dense: bool,
    map: HashMap<u64, u32>,
}

impl IdIndex {
    fn new(
        ids: impl ExactSizeIterator<Item = u64> + Clone,
        what: &str,
    ) -> Result<Self, InputErrorKind> {
        let dense = ids.clone().enumerate().all(|(i, id)| id == i as u64 + 1);
        let mut map = HashMap::new();
        if !dense {
            for (i, id) in ids.enumerate() {
                if id == 0 {
                    return Err(InputErrorKind::Invalid(format!("{what} with id 0")));
                }
                if map.insert(id, i as u32).is_some() {
                    return Err(InputErrorKind::Invalid(format!("duplicate {what} id {id}")));
                }
            }
        }
        Ok(IdIndex { dense, map })
    }

    #[inline]
    fn get(&self, id: u64, len: usize) -> Option<u32> {
        if self.dense {
            (id >= 1 && id <= len as u64).then(|| (id - 1) as u32)
        } else {
            self.map.get(&id).copied()
        }
    }
}

fn missing_location(id: u64) -> InputErrorKind {
    InputErrorKind::Invalid(format!(
        "a sample refers to location id {id}, which is not in the profile"
    ))
}

/// Turns the samples' location ids (numbered 1..=n in order) into location indices, the id
/// less one, where they lie: an index never takes more bytes than its id, so each is written
/// at or before where it was read, and each sample's new end over its old one. Each id must
/// be in `1..=n`. A large profile's samples are done in two halves on two threads, the second
/// half's bytes then moved down to follow the first's; an error is the first in file order.
fn minus_one_in_place(
    mut bytes: Vec<u8>,
    mut ends: Vec<u32>,
    n: usize,
) -> Result<Seqs, InputErrorKind> {
    let half = ends.len() / 2;
    let two = bytes.len() >= TWO_THREADS_FROM && half > 0 && crate::cores() > 1;
    if !two {
        let w = minus_one_run(&mut bytes, 0, &mut ends, n)?;
        bytes.truncate(w);
        return Ok(Seqs::from_parts(bytes, ends));
    }
    let split = ends[half - 1] as usize;
    let (first, second) = bytes.split_at_mut(split);
    let (first_ends, second_ends) = ends.split_at_mut(half);
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| minus_one_run(second, split, second_ends, n));
        let a = minus_one_run(first, 0, first_ends, n);
        (a, b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
    });
    let (w0, w1) = (a?, b?);
    bytes.copy_within(split..split + w1, w0);
    let gap = (split - w0) as u32;
    ends[half..].iter_mut().for_each(|e| *e -= gap);
    bytes.truncate(w0 + w1);
    Ok(Seqs::from_parts(bytes, ends))
}

/// Ids of at least this many bytes are made indices on two threads.
const TWO_THREADS_FROM: usize = 1 << 20;

/// [`minus_one_in_place`] on a run of samples whose bytes are `bytes` and start at `base` in
/// the whole (their `ends` count from there); returns how many bytes the run keeps.
fn minus_one_run(
    bytes: &mut [u8],
    base: usize,
    ends: &mut [u32],
    n: usize,
) -> Result<usize, InputErrorKind> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let (mut r, mut w) = (0usize, 0usize);
    for end in ends.iter_mut() {
        let end_r = *end as usize - base;
        while r < end_r {
            // Eight one-byte ids at a time, none zero (with at least 127 locations, every
            // one-byte id but zero is one): each less one, without a borrow between bytes.
            if n >= 0x7f && r + 8 <= end_r {
                let word = u64::from_le_bytes(bytes[r..r + 8].try_into().unwrap_or([0x80; 8]));
                if word & HIGH == 0 && word.wrapping_sub(ONES) & !word & HIGH == 0 {
                    bytes[w..w + 8].copy_from_slice(&(word - ONES).to_le_bytes());
                    (r, w) = (r + 8, w + 8);
                    continue;
                }
            }
            let b0 = bytes[r];
            if b0 < 0x80 {
                // One byte in, one byte out.
                if b0 == 0 || b0 as usize > n {
                    return Err(missing_location(b0 as u64));
                }
                bytes[w] = b0 - 1;
                (r, w) = (r + 1, w + 1);
                continue;
            }
            let b1 = bytes[r + 1];
            if b1 < 0x80 {
                // Two bytes (ids 128 to 16383; the second byte is not zero, being canonical).
                let v = (b0 & 0x7f) as usize | (b1 as usize) << 7;
                if v > n {
                    return Err(missing_location(v as u64));
                }
                if b0 & 0x7f != 0 {
                    (bytes[w], bytes[w + 1]) = (b0 - 1, b1);
                    w += 2;
                } else if b1 == 1 {
                    bytes[w] = 0x7f;
                    w += 1;
                } else {
                    (bytes[w], bytes[w + 1]) = (0xff, b1 - 1);
                    w += 2;
                }
                r += 2;
                continue;
            }
            let (mut v, mut m) = ((b0 & 0x7f) as u64, 1);
            while bytes[r + m - 1] >= 0x80 {
                v |= ((bytes[r + m] & 0x7f) as u64) << (7 * m);
                m += 1;
            }
            if v == 0 || v > n as u64 {
                return Err(missing_location(v));
            }
            r += m;
            let mut x = v - 1;
            while x >= 0x80 {
                bytes[w] = (x as u8) | 0x80;
                x >>= 7;
                w += 1;
            }
            bytes[w] = x as u8;
            w += 1;
        }
        *end = (base + w) as u32;
    }
    Ok(w)
}

/// Resolves a decoded profile.proto's id references into table indices.
pub(super) fn resolve(mut decoded: super::wire::Decoded) -> Result<Profile, InputErrorKind> {
    let p = &decoded.header;
    if p.sample_type.is_empty() {
        return Err(InputErrorKind::NotAProfile(
            "it decodes as protobuf but declares no sample types".into(),
        ));
    }
    let strings: Vec<String> = p
        .string_table
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    if strings.first().is_some_and(|s| !s.is_empty()) {
        return Err(InputErrorKind::Invalid(
            "string table must start with the empty string".into(),
        ));
    }
    let s = |i: i64, what: &str| -> Result<String, InputErrorKind> {
        if i == 0 && strings.is_empty() {
            return Ok(String::new());
        }
        usize::try_from(i)
            .ok()
            .and_then(|i| strings.get(i))
            .cloned()
            .ok_or_else(|| {
                InputErrorKind::Invalid(format!(
                    "{what} refers to string {i}, but the string table has {} entries",
                    strings.len()
                ))
            })
    };
    let vt = |v: &proto::ValueType, what: &str| -> Result<ValueType, InputErrorKind> {
        Ok(ValueType {
            ty: s(v.r#type, what)?,
            unit: s(v.unit, what)?,
        })
    };

    let sample_types = p
        .sample_type
        .iter()
        .map(|v| vt(v, "a sample type"))
        .collect::<Result<Vec<_>, _>>()?;
    let default_sample_type = match p.default_sample_type {
        0 => None,
        i => Some(s(i, "default_sample_type")?).filter(|n| !n.is_empty()),
    };
    let period_type = p
        .period_type
        .as_ref()
        .map(|v| vt(v, "period_type"))
        .transpose()?
        .filter(|v| !v.ty.is_empty() || !v.unit.is_empty());
    let comments = p
        .comment
        .iter()
        .map(|&c| s(c, "a comment"))
        .collect::<Result<Vec<_>, _>>()?;

    let mappings = p
        .mapping
        .iter()
        .map(|m| {
            Ok(Mapping {
                start: m.memory_start,
                limit: m.memory_limit,
                offset: m.file_offset,
                file: s(m.filename, "a mapping's filename")?,
                build_id: s(m.build_id, "a mapping's build_id")?,
                has_functions: m.has_functions,
            })
        })
        .collect::<Result<Vec<_>, InputErrorKind>>()?;
    let functions = p
        .function
        .iter()
        .map(|f| {
            Ok(Function {
                name: s(f.name, "a function's name")?,
                system_name: s(f.system_name, "a function's system_name")?,
                file: s(f.filename, "a function's filename")?,
                start_line: f.start_line,
                synthetic: false,
            })
        })
        .collect::<Result<Vec<_>, InputErrorKind>>()?;

    let map_ids = IdIndex::new(p.mapping.iter().map(|m| m.id), "mapping")?;
    let fn_ids = IdIndex::new(p.function.iter().map(|f| f.id), "function")?;
    let loc_ids = IdIndex::new(p.location.iter().map(|l| l.id), "location")?;

    let mut locations = Vec::with_capacity(p.location.len());
    for l in &p.location {
        let mapping = match l.mapping_id {
            0 => None,
            id => Some(map_ids.get(id, mappings.len()).ok_or_else(|| {
                InputErrorKind::Invalid(format!(
                    "location {} refers to mapping id {id}, which is not in the profile",
                    l.id
                ))
            })?),
        };
        let lines = l
            .line
            .iter()
            .map(|ln| {
                let function = fn_ids.get(ln.function_id, functions.len()).ok_or_else(|| {
                    InputErrorKind::Invalid(format!(
                        "location {} refers to function id {}, which is not in the profile",
                        l.id, ln.function_id
                    ))
                })?;
                Ok(Line {
                    function,
                    line: ln.line,
                })
            })
            .collect::<Result<Vec<_>, InputErrorKind>>()?;
        locations.push(Location {
            mapping,
            address: l.address,
            lines,
        });
    }

    let ntypes = sample_types.len();
    let nlocs = locations.len();
    let bad_width = |i: usize, n: usize| {
        InputErrorKind::Invalid(format!(
            "sample {i} has {n} values but the profile declares {ntypes} sample types"
        ))
    };
    if !decoded.is_empty() && decoded.width() != ntypes {
        return Err(bad_width(1, decoded.width()));
    }
    if let Some((i, n)) = decoded.ragged {
        return Err(bad_width(i, n));
    }
    // Ids become location indices; the values are already in sample order, `ntypes` each.
    let stacks = if loc_ids.dense {
        let ends = std::mem::take(&mut decoded.ends);
        minus_one_in_place(std::mem::take(&mut decoded.ids), ends, nlocs)?
    } else {
        let mut stacks = crate::profile::Seqs::new();
        for i in 0..decoded.len() {
            stacks.push_with(|out| -> Result<(), InputErrorKind> {
                for id in decoded.ids_of(i) {
                    let l = loc_ids.get(id, nlocs).ok_or_else(|| missing_location(id))?;
                    seqs::encode(l, out);
                }
                Ok(())
            })?;
        }
        stacks
    };
    // A profile without samples has a column per sample type all the same.
    let values = match std::mem::take(&mut decoded.values) {
        v if v.width() == ntypes => v,
        _ => crate::profile::Values::new(ntypes),
    };

    Ok(Profile {
        format: SourceFormat::Proto,
        sample_types,
        default_sample_type,
        period_type,
        period: p.period,
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        comments,
        drop_frames: s(p.drop_frames, "drop_frames")?,
        keep_frames: s(p.keep_frames, "keep_frames")?,
        mappings,
        functions,
        locations,
        stacks,
        samples_in_file: decoded.samples_in_file,
        values,
        gzipped: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_profiles_become_indices_in_two_halves() {
        // Past a megabyte of ids, two threads: the result is the one pass's, and an error is
        // the first in file order.
        let sample =
            |i: u32| -> Vec<u32> { (0..8).map(|k| 1 + (i * 7 + k * 131) % 20_000).collect() };
        let lay = |samples: &[Vec<u32>]| {
            let (mut bytes, mut ends) = (Vec::new(), Vec::new());
            for s in samples {
                s.iter().for_each(|&id| seqs::encode(id, &mut bytes));
                ends.push(bytes.len() as u32);
            }
            (bytes, ends)
        };
        let mut samples: Vec<Vec<u32>> = (0..200_000).map(sample).collect();
        let (bytes, ends) = lay(&samples);
        assert!(bytes.len() >= TWO_THREADS_FROM);
        let got = minus_one_in_place(bytes, ends, 20_000).unwrap();
        assert_eq!(got.len(), samples.len());
        for (i, s) in samples.iter().enumerate() {
            let want: Vec<u32> = s.iter().map(|id| id - 1).collect();
            assert_eq!(got.get(i).to_vec(), want, "sample {i}");
        }
        // A bad id in the second half, then one in each half: the first half's is reported.
        samples[150_000] = vec![5, 0, 7];
        let (bytes, ends) = lay(&samples);
        let e = minus_one_in_place(bytes, ends, 20_000).unwrap_err();
        assert!(e.to_string().contains("location id 0"), "{e}");
        samples[10] = vec![3, 20_001];
        let (bytes, ends) = lay(&samples);
        let e = minus_one_in_place(bytes, ends, 20_000).unwrap_err();
        assert!(e.to_string().contains("location id 20001"), "{e}");
    }

    #[test]
    fn ids_become_indices_in_place_across_every_width() {
        // Ids of one, two and three bytes, with the borrows that shorten (128 → 127,
        // 16384 → 16383) or keep the width (256 → 255, 16385 → 16384).
        let all: Vec<Vec<u32>> = vec![
            vec![1, 127, 128, 129],
            vec![256, 300, 16384],
            vec![16385, 2, 128, 128],
            vec![],
            vec![20000],
            vec![5, 300, 200, 9],
            // Runs of one-byte ids, read eight at a time, around ids that are not.
            (1..=40).collect(),
            vec![
                5, 6, 7, 8, 9, 10, 11, 12, 300, 13, 14, 15, 16, 17, 18, 19, 20, 128,
            ],
            vec![127; 9],
        ];
        // In every order, so the in-place pass stops at every kind of place (or never).
        for turn in 0..all.len() {
            let mut samples = all.clone();
            samples.rotate_left(turn);
            for keep in [samples.len(), 2] {
                let samples = &samples[..keep];
                let mut bytes = Vec::new();
                let mut ends = Vec::new();
                for s in samples {
                    for &id in s {
                        seqs::encode(id, &mut bytes);
                    }
                    ends.push(bytes.len() as u32);
                }
                let got = minus_one_in_place(bytes.clone(), ends.clone(), 20000).unwrap();
                assert_eq!(got.len(), samples.len());
                for (i, s) in samples.iter().enumerate() {
                    let want: Vec<u32> = s.iter().map(|id| id - 1).collect();
                    assert_eq!(got.get(i).to_vec(), want, "turn {turn}, sample {i}");
                }
            }
        }
        // An id past the table, or zero, is an error naming it.
        for bad in [20001u32, 0] {
            let mut b = Vec::new();
            seqs::encode(bad, &mut b);
            let e = minus_one_in_place(b.clone(), vec![b.len() as u32], 20000).unwrap_err();
            assert!(e.to_string().contains(&format!("location id {bad}")), "{e}");
        }
        let e = minus_one_in_place(vec![0x85, 0x01], vec![2], 100).unwrap_err();
        assert!(e.to_string().contains("location id 133"), "{e}");
        // After ids that change in place too.
        let e = minus_one_in_place(vec![3, 4, 0x85, 0x01, 2], vec![2, 5], 100).unwrap_err();
        assert!(e.to_string().contains("location id 133"), "{e}");
        let e = minus_one_in_place(vec![3, 4, 101], vec![3], 100).unwrap_err();
        assert!(e.to_string().contains("location id 101"), "{e}");
        // A zero, or an id past a short table, inside a run of eight.
        let e = minus_one_in_place(vec![1, 2, 3, 4, 0, 6, 7, 8, 9], vec![9], 200).unwrap_err();
        assert!(e.to_string().contains("location id 0"), "{e}");
        let e = minus_one_in_place(vec![1, 2, 3, 4, 50, 6, 7, 8], vec![8], 20).unwrap_err();
        assert!(e.to_string().contains("location id 50"), "{e}");
    }
}
