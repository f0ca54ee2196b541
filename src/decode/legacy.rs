//! The legacy text heap format: Go's `pprof.Lookup("heap").WriteTo(w, 1)` and tcmalloc's heapz.
//!
//! ```text
//! heap profile: 1034: 388800 [21281: 18165264] @ heap/2
//! 1000: 352000 [1000: 352000] @ 0x4ce412 0x4ce8a5 ...
//! # 0x4ce411 main.(*serverConn).newStream+0x31 /src/main.go:89
//! ```
//! Values are read and un-sampled as pprof reads them (`heap/N` means a sampling rate of N/2
//! bytes, scaled by 1/(1-exp(-size/rate))). Frame names come from the `#` comment lines Go
//! writes under each stack. Go hides leading `runtime.*` frames and `runtime.goexit` from those
//! comments; heapdiff names such frames so that pprof's allocator pruning treats them as pprof
//! does when it symbolizes the same file with its binary.

use std::collections::HashMap;

use regex::Regex;

use crate::error::InputErrorKind;
use crate::profile::{Function, Line, Location, Mapping, Profile, SourceFormat, ValueType};

/// Name given to frames Go's writer hid at the leaf end of a stack (allocator internals).
const HIDDEN_RUNTIME: &str = "runtime.<hidden>";
/// The only frame Go's writer hides elsewhere in a stack.
const GOEXIT: &str = "runtime.goexit";
pub(super) static FORMAT: super::Format = super::Format {
    name: "legacy heap profile",
    sniff: looks_like_legacy_heap,
    decode: |input| parse(&super::read_all(input)?),
    heap: true,
};

fn looks_like_legacy_heap(data: &[u8]) -> bool {
    let head = &data[..data.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .is_some_and(|l| l.starts_with("heap profile:"))
}

struct FrameComment {
    addr: u64,
    /// Entry address of the physical function the frame's code sits in (address minus offset).
    entry: Option<u64>,
    name: Option<String>,
    file: String,
    line: i64,
}

struct RawSample {
    values: Vec<i64>,
    addrs: Vec<u64>,
    comments: Vec<FrameComment>,
}

fn bad(line: usize, what: impl Into<String>) -> InputErrorKind {
    InputErrorKind::Legacy {
        line,
        what: what.into(),
    }
}

fn parse_frame_comment(l: &str) -> Option<FrameComment> {
    let rest = l.strip_prefix('#')?;
    let mut toks = rest.split_whitespace();
    let addr = toks.next()?.strip_prefix("0x")?;
    let addr = u64::from_str_radix(addr, 16).ok()?;
    let Some(name) = toks.next() else {
        return Some(FrameComment {
            addr,
            entry: None,
            name: None,
            file: String::new(),
            line: 0,
        });
    };
    let (name, entry) = match name.rfind("+0x") {
        Some(i) => (
            &name[..i],
            u64::from_str_radix(&name[i + 3..], 16)
                .ok()
                .map(|off| addr.saturating_sub(off)),
        ),
        None => (name, None),
    };
    let loc: Vec<&str> = toks.collect();
    let loc = loc.join(" ");
    let (file, line) = match loc.rfind(':') {
        Some(i) => match loc[i + 1..].parse::<i64>() {
            Ok(n) => (loc[..i].to_string(), n),
            Err(_) => (loc.clone(), 0),
        },
        None => (loc.clone(), 0),
    };
    Some(FrameComment {
        addr,
        entry,
        name: Some(name.to_string()),
        file,
        line,
    })
}

pub(crate) fn parse(data: &[u8]) -> Result<Profile, InputErrorKind> {
    let text = String::from_utf8_lossy(data);
    let header_re = Regex::new(
        r"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] *@ *(heap[_a-z0-9]*)/?(\d*)",
    )
    .expect("valid regex");
    let growth_re = Regex::new(
        r"heap profile: *(\d+): *(\d+) *\[ *(\d+): *(\d+) *\] @ (growthz|fragmentationz)",
    )
    .expect("valid regex");
    let sample_re =
        Regex::new(r"(-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*)").expect("valid regex");
    let maps = super::text::MapsParser::new();

    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let (hline, header) = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .ok_or_else(|| bad(1, "no header line"))?;

    let (mut period, mut v2, mut has_alloc) = (1i64, false, false);
    if let Some(c) = header_re.captures(header) {
        if !c[6].is_empty() {
            period = c[6]
                .parse()
                .map_err(|_| bad(hline, "bad sampling period"))?;
        }
        has_alloc = (c[3] != c[1] && &c[3] != "0") || (c[4] != c[2] && &c[4] != "0");
        match &c[5] {
            "heapz_v2" | "heap_v2" => v2 = true,
            "heapprofile" => period = 1,
            "heap" => {
                v2 = true;
                period /= 2;
            }
            other => return Err(bad(hline, format!("unknown heap profile kind {other:?}"))),
        }
    } else if growth_re.is_match(header) {
        period = 1;
    } else {
        return Err(bad(hline, "unrecognized header"));
    }
    let sample_types: Vec<ValueType> = super::text::heap_types(if has_alloc {
        &[
            "alloc_objects",
            "alloc_space",
            "inuse_objects",
            "inuse_space",
        ]
    } else {
        &["objects", "space"]
    });

    let mut samples: Vec<RawSample> = Vec::new();
    let mut in_maps = false;
    let mut mappings: Vec<Mapping> = Vec::new();
    for (n, l) in lines {
        let t = l.trim();
        if in_maps {
            if t.is_empty() {
                continue;
            }
            if let Some(Some(m)) = maps.parse_line(t) {
                mappings.push(m);
            }
            continue;
        }
        if t.is_empty() {
            continue;
        }
        if t.starts_with('#') {
            if let (Some(s), Some(fc)) = (samples.last_mut(), parse_frame_comment(t)) {
                s.comments.push(fc);
            }
            continue;
        }
        if t.contains("--- Memory map: ---") || t.contains("MAPPED_LIBRARIES:") {
            in_maps = true;
            continue;
        }
        let c = sample_re.captures(t).ok_or_else(|| {
            bad(
                n,
                format!("expected a sample line, found {:?}", truncate(t)),
            )
        })?;
        let num = |i: usize| -> Result<i64, InputErrorKind> {
            c[i].parse::<i64>()
                .map_err(|_| bad(n, format!("number out of range: {}", &c[i])))
        };
        let mut values = Vec::with_capacity(4);
        let mut add = |count: i64, size: i64, label: &str| -> Result<(), InputErrorKind> {
            if count == 0 && size != 0 {
                return Err(bad(
                    n,
                    format!("{label} count was 0 but {label} bytes was {size}"),
                ));
            }
            let (c2, s2) = if count != 0 && v2 {
                super::text::scale_heap_sample(count, size, period)
            } else {
                (count, size)
            };
            values.push(c2);
            values.push(s2);
            Ok(())
        };
        if has_alloc {
            add(num(3)?, num(4)?, "allocation")?;
        }
        add(num(1)?, num(2)?, "inuse")?;
        let addrs = super::text::hex_addresses(&c[5]).map_err(|e| bad(n, e))?;
        if let Some(prev) = samples.last_mut() {
            name_by_physical_function(&mut prev.comments);
        }
        samples.push(RawSample {
            values,
            addrs,
            comments: Vec::new(),
        });
    }

    if let Some(prev) = samples.last_mut() {
        name_by_physical_function(&mut prev.comments);
    }
    build(samples, mappings, sample_types, period)
}

/// Names every frame after the physical function its code sits in, as `go tool pprof` does
/// when it symbolizes a Go binary: inlined calls are not expanded, so a call inlined into `F`
/// counts as `F`. Consecutive comments that share an entry address form one physical frame,
/// and the last of them (the outermost) names it.
fn name_by_physical_function(comments: &mut [FrameComment]) {
    let mut i = 0;
    while i < comments.len() {
        let Some(entry) = comments[i].entry else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < comments.len() && comments[j].entry == Some(entry) {
            j += 1;
        }
        let (name, file) = (comments[j - 1].name.clone(), comments[j - 1].file.clone());
        for c in &mut comments[i..j - 1] {
            c.name = name.clone();
            c.file = file.clone();
        }
        i = j;
    }
}

fn truncate(s: &str) -> String {
    if s.len() <= 60 {
        s.to_string()
    } else {
        let mut end = 60;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    }
}

/// What one location is named: frames inner first.
type Frames = Vec<(String, String, i64)>;

fn build(
    samples: Vec<RawSample>,
    mut mappings: Vec<Mapping>,
    sample_types: Vec<ValueType>,
    period: i64,
) -> Result<Profile, InputErrorKind> {
    let mut loc_index: HashMap<u64, u32> = HashMap::new();
    let mut loc_addrs: Vec<u64> = Vec::new();
    let mut loc_frames: Vec<Option<Frames>> = Vec::new();
    let mut stacks = crate::profile::Seqs::new();
    let mut values = crate::profile::Values::new(sample_types.len());
    values.reserve(samples.len());

    for s in &samples {
        // pprof's address adjustment: every frame but the leaf is a return address; step back
        // onto the call instruction.
        let adj: Vec<u64> = s
            .addrs
            .iter()
            .enumerate()
            .map(|(i, &a)| if i > 0 { a.saturating_sub(1) } else { a })
            .collect();
        let locs: Vec<u32> = adj
            .iter()
            .map(|&a| {
                *loc_index.entry(a).or_insert_with(|| {
                    loc_addrs.push(a);
                    loc_frames.push(None);
                    (loc_addrs.len() - 1) as u32
                })
            })
            .collect();
        for (pos, frames) in assign_comments(&s.addrs, &s.comments) {
            let slot = &mut loc_frames[locs[pos] as usize];
            if slot.is_none() {
                *slot = Some(frames);
            }
        }
        stacks
            .push(locs.iter().copied())
            .map_err(|e| InputErrorKind::Invalid(e.to_string()))?;
        values.push_row(&s.values);
    }

    // pprof's mapping heuristics: a main binary mapped at 0x400000 plus offset starts there.
    if let Some(m) = mappings.first_mut()
        && m.start.saturating_sub(m.offset) == 0x400000
    {
        m.start = 0x400000;
        m.offset = 0;
    }

    let mut functions: Vec<Function> = Vec::new();
    let mut fn_index: HashMap<(String, String), u32> = HashMap::new();
    let mut locations = Vec::with_capacity(loc_addrs.len());
    for (i, &addr) in loc_addrs.iter().enumerate() {
        let mapping = mappings
            .iter()
            .position(|m| m.start <= addr && addr < m.limit)
            .map(|p| p as u32);
        let lines = loc_frames[i]
            .take()
            .unwrap_or_default()
            .into_iter()
            .map(|(name, file, line)| {
                let key = (name, file);
                let f = *fn_index.entry(key.clone()).or_insert_with(|| {
                    let synthetic =
                        key.1.is_empty() && (key.0 == HIDDEN_RUNTIME || key.0 == GOEXIT);
                    functions.push(Function {
                        name: key.0,
                        system_name: String::new(),
                        synthetic,
                        file: key.1,
                        start_line: 0,
                    });
                    (functions.len() - 1) as u32
                });
                Line { function: f, line }
            })
            .collect();
        locations.push(Location {
            mapping,
            address: addr,
            lines,
        });
    }

    let samples_in_file = stacks.len();
    Ok(Profile {
        format: SourceFormat::LegacyHeapText,
        sample_types,
        default_sample_type: None,
        period_type: Some(ValueType {
            ty: "space".into(),
            unit: "bytes".into(),
        }),
        period,
        time_nanos: 0,
        duration_nanos: 0,
        comments: Vec::new(),
        drop_frames: crate::profile::machinery::ALLOC_DROP_FRAMES.to_string(),
        keep_frames: crate::profile::machinery::ALLOC_KEEP_FRAMES.to_string(),
        mappings,
        functions,
        locations,
        stacks,
        samples_in_file,
        values,
        gzipped: false,
    })
}

/// Matches the `#` frame comments of one sample to positions in its address list.
///
/// Comments carry the call address (the stack's return address minus one) and come inner frame
/// first, several per address when calls were inlined. Leading positions with no comment are
/// frames Go hid because they are runtime internals at the leaf; later ones are `runtime.goexit`.
fn assign_comments(addrs: &[u64], comments: &[FrameComment]) -> Vec<(usize, Frames)> {
    let mut out = Vec::new();
    if comments.iter().all(|c| c.name.is_none()) {
        return out;
    }
    let matches = |c: &FrameComment, a: u64| c.addr == a || c.addr == a.saturating_sub(1);
    let mut j = 0;
    let mut i = 0;
    let mut seen_named = false;
    while i < addrs.len() {
        if j < comments.len() && matches(&comments[j], addrs[i]) {
            let mut k = j;
            while k < comments.len() && comments[k].addr == comments[j].addr {
                k += 1;
            }
            let mut r = 1;
            while i + r < addrs.len() && addrs[i + r] == addrs[i] {
                r += 1;
            }
            let g = k - j;
            let per = if g % r == 0 { g / r } else { g };
            let frames: Frames = comments[j..j + per]
                .iter()
                .map(|c| match &c.name {
                    Some(n) => (n.clone(), c.file.clone(), c.line),
                    None => (String::new(), String::new(), 0),
                })
                .filter(|f| !f.0.is_empty())
                .collect();
            for pos in i..i + r {
                if !frames.is_empty() {
                    out.push((pos, frames.clone()));
                }
            }
            seen_named = true;
            j = k;
            i += r;
        } else {
            let name = if seen_named { GOEXIT } else { HIDDEN_RUNTIME };
            out.push((i, vec![(name.to_string(), String::new(), 0)]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_matches_pprof_rule() {
        use super::super::text::scale_heap_sample;
        assert_eq!(scale_heap_sample(0, 0, 524288), (0, 0));
        assert_eq!(scale_heap_sample(3, 300, 1), (3, 300));
        let (c, s) = scale_heap_sample(1, 352, 524288);
        assert!(c > 1000 && s > 500_000, "{c} {s}");
    }

    #[test]
    fn frame_comment_parses_name_file_line() {
        let c =
            parse_frame_comment("#\t0x4ce411\tmain.(*serverConn).newStream+0x31\t/src/main.go:89")
                .unwrap();
        assert_eq!(c.addr, 0x4ce411);
        assert_eq!(c.name.as_deref(), Some("main.(*serverConn).newStream"));
        assert_eq!(c.file, "/src/main.go");
        assert_eq!(c.line, 89);
        let c = parse_frame_comment("#\t0x1234").unwrap();
        assert!(c.name.is_none());
    }
}
