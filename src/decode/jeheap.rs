//! jemalloc's raw heap dumps (`prof.dump`, the `heap_v2` text format jeprof reads).
//!
//! ```text
//! heap_v2/1024
//!   t*: 8075: 3743307 [0: 0]
//! @ 0x5590ebd57de3 0x5590ebd5848d ...
//!   t*: 4: 4032 [0: 0]
//!   t0: 4: 4032 [0: 0]
//! MAPPED_LIBRARIES:
//! 5590ebc94000-5590ebdb5000 r-xp 00051000 fe:00 10069011   /path/to/binary
//! ```
//! The header gives the mean sampling interval (2^lg_prof_sample bytes); each `@` line is a
//! stack (leaf first, return addresses) followed by its totals over all threads (`t*:` current
//! objects and bytes, then cumulative ones in brackets). Values are un-biased as jeprof and
//! pprof do for Poisson sampling: both count and bytes are scaled by 1/(1 - exp(-s/R)) where s
//! is the average object size and R the interval. Addresses are runtime addresses in the
//! mappings listed after `MAPPED_LIBRARIES:`, which the symbolizer resolves.

use std::collections::HashMap;

use crate::error::InputErrorKind;
use crate::profile::{Location, Mapping, Profile, SourceFormat, ValueType};
pub(super) static FORMAT: super::Format = super::Format {
    name: "jemalloc heap_v2 dump",
    sniff: looks_like_jeheap,
    decode: |input| parse(&super::read_all(input)?),
    heap: true,
};

fn looks_like_jeheap(data: &[u8]) -> bool {
    data.starts_with(b"heap_v2/")
}

fn bad(line: usize, what: impl Into<String>) -> InputErrorKind {
    InputErrorKind::JemallocDump {
        line,
        what: what.into(),
    }
}

use super::text::scale_heap_sample;

/// `t*: 4: 4032 [0: 0]` → (4, 4032, 0, 0).
fn parse_counts(l: &str) -> Option<(i64, i64, i64, i64)> {
    let rest = l.split_once(':')?.1;
    let (cur, cum) = rest.split_once('[')?;
    let mut cur = cur.split(':').map(|x| x.trim().parse::<i64>());
    let mut cum = cum
        .trim_end_matches(']')
        .split(':')
        .map(|x| x.trim().parse::<i64>());
    Some((
        cur.next()?.ok()?,
        cur.next()?.ok()?,
        cum.next()?.ok()?,
        cum.next()?.ok()?,
    ))
}

pub(crate) fn parse(data: &[u8]) -> Result<Profile, InputErrorKind> {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let (_, header) = lines.next().ok_or_else(|| bad(1, "no header"))?;
    let rate: i64 = header
        .trim()
        .strip_prefix("heap_v2/")
        .and_then(|r| r.trim().parse().ok())
        .ok_or_else(|| bad(1, format!("bad header {header:?}")))?;

    struct Raw {
        addrs: Vec<u64>,
        counts: Option<(i64, i64, i64, i64)>,
    }
    let mut stacks: Vec<Raw> = Vec::new();
    let mut mappings: Vec<Mapping> = Vec::new();
    let maps = super::text::MapsParser::new();
    let mut in_maps = false;
    for (n, l) in lines {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if in_maps {
            if let Some(Some(m)) = maps.parse_line(t) {
                mappings.push(m);
            }
            continue;
        }
        if t.starts_with("MAPPED_LIBRARIES:") {
            in_maps = true;
        } else if let Some(rest) = t.strip_prefix('@') {
            let addrs = super::text::hex_addresses(rest).map_err(|e| bad(n, e))?;
            stacks.push(Raw {
                addrs,
                counts: None,
            });
        } else if t.starts_with("t*:") {
            let c = parse_counts(t).ok_or_else(|| bad(n, format!("bad counts {t:?}")))?;
            // The first t*: line, before any stack, is the whole-profile total.
            if let Some(s) = stacks.last_mut()
                && s.counts.is_none()
            {
                s.counts = Some(c);
            }
        } else if t.starts_with('t') && t.contains(':') {
            // Per-thread lines repeat what t*: sums.
        } else {
            return Err(bad(n, format!("unexpected line {t:?}")));
        }
    }

    let with_alloc = stacks
        .iter()
        .any(|s| s.counts.is_some_and(|c| c.2 != 0 || c.3 != 0));
    let sample_types = super::text::heap_types(if with_alloc {
        &[
            "alloc_objects",
            "alloc_space",
            "inuse_objects",
            "inuse_space",
        ]
    } else {
        &["inuse_objects", "inuse_space"]
    });

    let mut loc_index: HashMap<u64, u32> = HashMap::new();
    let mut locations: Vec<Location> = Vec::new();
    let mut stacks_out = crate::profile::Seqs::new();
    let mut locs: Vec<u32> = Vec::new();
    let mut values = crate::profile::Values::new(sample_types.len());
    for s in &stacks {
        let Some((c, b, ac, ab)) = s.counts else {
            continue;
        };
        locs.clear();
        for (i, &a) in s.addrs.iter().enumerate() {
            // Return addresses: step back onto the call (not the leaf), as pprof does.
            let a = if i > 0 { a.saturating_sub(1) } else { a };
            let idx = *loc_index.entry(a).or_insert_with(|| {
                let mapping = mappings
                    .iter()
                    .position(|m| m.start <= a && a < m.limit)
                    .map(|p| p as u32);
                locations.push(Location {
                    mapping,
                    address: a,
                    lines: Vec::new(),
                });
                (locations.len() - 1) as u32
            });
            locs.push(idx);
        }
        stacks_out
            .push(locs.iter().copied())
            .map_err(|e| InputErrorKind::Invalid(e.to_string()))?;
        let (x, y) = scale_heap_sample(c, b, rate);
        if with_alloc {
            let (ax, ay) = scale_heap_sample(ac, ab, rate);
            values.push_row(&[ax, ay, x, y]);
        } else {
            values.push_row(&[x, y]);
        }
    }
    let n = stacks_out.len();
    Ok(Profile {
        format: SourceFormat::JemallocHeap,
        sample_types,
        default_sample_type: None,
        period_type: Some(ValueType {
            ty: "space".into(),
            unit: "bytes".into(),
        }),
        period: rate,
        time_nanos: 0,
        duration_nanos: 0,
        comments: Vec::new(),
        drop_frames: String::new(),
        keep_frames: String::new(),
        mappings,
        functions: Vec::new(),
        locations,
        stacks: stacks_out,
        values,
        samples_in_file: n,
        gzipped: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_scaling() {
        assert_eq!(parse_counts("t*: 4: 4032 [0: 0]"), Some((4, 4032, 0, 0)));
        assert_eq!(parse_counts("t*: x"), None);
        // A 524,288-byte object is always sampled at a 1 KiB interval: no scaling.
        assert_eq!(scale_heap_sample(1, 524_288, 1024), (1, 524_288));
        let (c, b) = scale_heap_sample(10, 3840, 1024);
        assert!(c > 10 && b > 3840);
    }
}
