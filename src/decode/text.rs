//! What the text heap formats (Go/tcmalloc legacy, jemalloc heap_v2) share: their sample
//! types, pprof's un-sampling of Poisson-sampled values, and memory maps
//! (`/proc/self/maps` lines, or pprof's brief form; only executable mappings are kept).

use regex::Regex;

use crate::profile::{Mapping, ValueType};

/// Parses a stack written as hexadecimal addresses (`0x4ce412 0x4ce8a5 ...`).
pub(super) fn hex_addresses(s: &str) -> Result<Vec<u64>, String> {
    s.split_whitespace()
        .map(|a| {
            a.strip_prefix("0x")
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad address {a:?}"))
        })
        .collect()
}

/// Sample types named in `names`, counts for `*objects`, bytes for the rest.
pub(super) fn heap_types(names: &[&str]) -> Vec<ValueType> {
    names
        .iter()
        .map(|t| ValueType {
            ty: t.to_string(),
            unit: if t.ends_with("objects") {
                "count"
            } else {
                "bytes"
            }
            .to_string(),
        })
        .collect()
}

/// pprof's un-sampling of a heap sample taken with mean interval `rate` bytes: an object of
/// average size s was kept with probability 1 - exp(-s/rate), so count and size are divided
/// by it (truncated to integers, as pprof does).
pub(super) fn scale_heap_sample(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if count == 0 || size == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        return (count, size);
    }
    let avg = size as f64 / count as f64;
    let scale = 1.0 / (1.0 - (-avg / rate as f64).exp());
    ((count as f64 * scale) as i64, (size as f64 * scale) as i64)
}

pub(super) struct MapsParser {
    proc_re: Regex,
    brief_re: Regex,
}

impl MapsParser {
    pub(super) fn new() -> Self {
        MapsParser {
            proc_re: Regex::new(
                r"([[:xdigit:]]+)-([[:xdigit:]]+)\s+([-rwxp]+)\s+([[:xdigit:]]+)\s+([[:xdigit:]]+):([[:xdigit:]]+)\s+([[:digit:]]+)\s*(\S+)?",
            )
            .expect("valid regex"),
            brief_re: Regex::new(
                r"\s*([[:xdigit:]]+)-([[:xdigit:]]+):\s*(\S+)(\s.*@)?([[:xdigit:]]+)?",
            )
            .expect("valid regex"),
        }
    }

    /// `None`: not a mapping line; `Some(None)`: a mapping that is not executable.
    pub(super) fn parse_line(&self, l: &str) -> Option<Option<Mapping>> {
        let hex = |s: &str| u64::from_str_radix(s, 16).ok();
        if let Some(c) = self.proc_re.captures(l) {
            if !c[3].contains('x') {
                return Some(None);
            }
            return Some(Some(Mapping {
                start: hex(&c[1])?,
                limit: hex(&c[2])?,
                offset: hex(&c[4])?,
                file: c.get(8).map(|m| m.as_str().to_string()).unwrap_or_default(),
                ..Default::default()
            }));
        }
        if let Some(c) = self.brief_re.captures(l) {
            return Some(Some(Mapping {
                start: hex(&c[1])?,
                limit: hex(&c[2])?,
                file: c[3].to_string(),
                offset: c.get(5).and_then(|m| hex(m.as_str())).unwrap_or(0),
                ..Default::default()
            }));
        }
        None
    }
}
