//! Bad input never panics: mutated and truncated real profiles go through every stage.

use crate::util::*;
use heapdiff::load::Loaded;
use heapdiff::render::flamegraph::{self, FlameOptions, Mode};
use heapdiff::render::{Format, Report, Style};
use heapdiff::series::{self, Series};

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn exercise(path: &std::path::Path, data: &[u8]) {
    let Ok(profile) = heapdiff::decode::parse_bytes(path, data) else {
        return;
    };
    let mut loaded = Loaded {
        input: path.into(),
        profile,
        warnings: Vec::new(),
        symbolized: Vec::new(),
    };
    let _ = heapdiff::profile::prune::apply_profile_rules(&mut loaded.profile);
    loaded.profile.merge_identical_samples();
    let three = vec![loaded.clone(), loaded.clone(), loaded];
    let Ok(a) = Series::build(three, &series::Options::default()) else {
        return;
    };
    let d = heapdiff::analyse::diff(a, &Default::default());
    let report = Report {
        top: 10,
        ..Report::new(&d)
    };
    for f in [
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Pprof,
        Format::Folded,
    ] {
        heapdiff::render::render(f, &report, Style::default(), &mut Vec::new()).unwrap();
    }
    for mode in [Mode::Retention, Mode::Differential] {
        let o = FlameOptions {
            mode,
            ..Default::default()
        };
        flamegraph::render(&d, &o, &mut Vec::new()).unwrap();
    }
}

#[test]
fn mutated_profiles_never_panic() {
    let files = [
        "crafted/small_base.pb",
        "crafted/julia_allocs_1.pb.gz",
        "go/leak/heap_001.pb.gz",
        "go/leak/heap_001.txt.gz",
        "jemalloc/heap_001.jeheap",
        "node/heap_002.pb.gz",
    ];
    let mut rng = Lcg(0x5eed);
    for f in files {
        let path = testdata(f);
        let raw = std::fs::read(&path).unwrap();
        let data = heapdiff::decode::gunzip_if_needed(&path, raw).unwrap();
        for i in 0..300 {
            let mut d = data.clone();
            match i % 3 {
                0 => {
                    let cut = (rng.next() as usize) % d.len().max(1);
                    d.truncate(cut);
                }
                1 => {
                    for _ in 0..1 + rng.next() % 8 {
                        let at = (rng.next() as usize) % d.len().max(1);
                        d[at] = rng.next() as u8;
                    }
                }
                _ => {
                    // Large varints and signs: values near the integer limits.
                    let at = (rng.next() as usize) % d.len().max(1);
                    for b in d.iter_mut().skip(at).take(9) {
                        *b = 0xff;
                    }
                }
            }
            let r = std::panic::catch_unwind(|| exercise(&path, &d));
            assert!(r.is_ok(), "{f}: mutation {i} panicked");
        }
    }
}

/// Protobuf encoding helpers for crafting hostile files.
mod pb {
    pub fn varint(mut n: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                return out;
            }
            out.push(b | 0x80);
        }
    }
    pub fn field(num: u64, payload: &[u8]) -> Vec<u8> {
        let mut out = varint(num << 3 | 2);
        out.extend(varint(payload.len() as u64));
        out.extend_from_slice(payload);
        out
    }
    pub fn int(num: u64, v: u64) -> Vec<u8> {
        let mut out = varint(num << 3);
        out.extend(varint(v));
        out
    }
    /// A valid one-location profile whose samples are `samples` (value per sample).
    pub fn profile(build_id: &str, samples: &[u64]) -> Vec<u8> {
        let strings = [
            "",
            "inuse_space",
            "bytes",
            "main.f",
            "f.go",
            "/bin/app",
            build_id,
        ];
        let mut p = field(1, &[int(1, 1), int(2, 2)].concat());
        p.extend(field(
            3,
            &[
                int(1, 1),
                int(2, 0x1000),
                int(3, 0x2000),
                int(5, 5),
                int(6, 6),
            ]
            .concat(),
        ));
        p.extend(field(5, &[int(1, 1), int(2, 3), int(4, 4)].concat()));
        p.extend(field(
            4,
            &[int(1, 1), int(2, 1), int(3, 0x1100), field(4, &int(1, 1))].concat(),
        ));
        for v in samples {
            p.extend(field(
                2,
                &[field(1, &varint(1)), field(2, &varint(*v))].concat(),
            ));
        }
        for s in strings {
            p.extend(field(6, s.as_bytes()));
        }
        p
    }
    pub fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }
}

/// A generated malformed corpus, one file per class of attack, through every command: exit 2
/// (or a clean result), one line naming the file, never a panic or an abort.
#[test]
fn hostile_files_through_every_command() {
    let dir = tempdir("hostile");
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        // A build id with a multibyte character across byte 2.
        ("multibyte_build_id.pb", pb::profile("aé", &[100])),
        // 20k sample types and 200k empty samples: no capacity from the counts.
        ("many_types.pb.gz", {
            let mut p = pb::field(6, b"");
            p.extend(pb::field(6, b"x"));
            let t = pb::field(1, &[pb::int(1, 1), pb::int(2, 1)].concat());
            for _ in 0..20_000 {
                p.extend_from_slice(&t);
            }
            let s = pb::field(2, b"");
            for _ in 0..200_000 {
                p.extend_from_slice(&s);
            }
            pb::gzip(&p)
        }),
        // A gzip trailer that claims 4 GiB.
        (
            "trailer_claims.gz",
            vec![
                0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
            ],
        ),
        // 64 MiB of zeros, gzipped.
        ("zeros.gz", pb::gzip(&vec![0u8; 64 << 20])),
        // A length that claims far more than the file holds.
        ("huge_length.pb", {
            let mut p = pb::varint(6 << 3 | 2);
            p.extend(pb::varint(1 << 62));
            p.extend_from_slice(b"ab");
            p
        }),
        // Sums past i64::MAX.
        (
            "overflow.pb",
            pb::profile("ab12", &[i64::MAX as u64, i64::MAX as u64, i64::MAX as u64]),
        ),
        ("empty.pb", Vec::new()),
        ("not_gzip.gz", vec![0x1f, 0x8b, 1, 2, 3]),
    ];
    // One valid sample repeated: merged as it is read.
    files.push(("identical.pb.gz", {
        let one = pb::profile("ab12", &[1]);
        let mut p = one.clone();
        let s = pb::field(
            2,
            &[pb::field(1, &pb::varint(1)), pb::field(2, &pb::varint(1))].concat(),
        );
        for _ in 0..500_000 {
            p.extend_from_slice(&s);
        }
        pb::gzip(&p)
    }));
    let base = testdata("go/leak/heap_001.pb.gz");
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let p = path.to_str().unwrap();
        for args in [
            vec!["show", p],
            vec!["diff", base.to_str().unwrap(), p],
            vec!["diff", "-f", "json", p, p],
            vec!["flamegraph", p, p, p],
        ] {
            let o = run(&args, None);
            let code = o.status.code();
            assert!(
                matches!(code, Some(0 | 2)),
                "{args:?}: {code:?} {}",
                stderr(&o)
            );
            if code == Some(2) {
                let err = stderr(&o);
                assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
                assert!(err.contains(name), "{args:?}: {err}");
            }
        }
    }
    // The ceiling ends a large input with one line naming the file.
    let o = run(
        &[
            "show",
            "--max-input-size",
            "1MiB",
            dir.join("zeros.gz").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    // Sums saturate: four times i64::MAX is not a negative total.
    let o = run(
        &[
            "show",
            "-f",
            "json",
            dir.join("overflow.pb").to_str().unwrap(),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sample_types"][0]["total"], i64::MAX);
    // Identical samples merge into one stack.
    let o = run(
        &[
            "show",
            "-f",
            "json",
            dir.join("identical.pb.gz").to_str().unwrap(),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sample_types"][0]["total"], 500_001);
    assert_eq!(v["samples"], 500_001);
}

/// A pattern of many stars against a long name ends at once (no exponential backtracking).
#[test]
fn star_patterns_are_linear() {
    let dir = tempdir("stars");
    std::fs::write(dir.join("a".repeat(60)), b"x").unwrap();
    let pat = dir.join("a*a*a*a*a*a*a*a*a*a*a*a*c");
    let o = run(&["diff", pat.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("matches no file"));
}

/// One stack of 300,000 distinct frames: the flamegraph is drawn (no quadratic walk).
#[test]
fn very_deep_stacks_draw() {
    let dir = tempdir("deep");
    let mut strings: Vec<String> = vec!["".into(), "inuse_space".into(), "bytes".into()];
    let n = 300_000u64;
    let mut p = pb::field(1, &[pb::int(1, 1), pb::int(2, 2)].concat());
    let mut ids = Vec::new();
    for i in 1..=n {
        strings.push(format!("f{i}"));
        p.extend(pb::field(5, &[pb::int(1, i), pb::int(2, i + 2)].concat()));
        p.extend(pb::field(
            4,
            &[pb::int(1, i), pb::field(4, &pb::int(1, i))].concat(),
        ));
        ids.extend(pb::varint(i));
    }
    let mut a = p.clone();
    let mut b = p;
    a.extend(pb::field(
        2,
        &[pb::field(1, &ids), pb::field(2, &pb::varint(1))].concat(),
    ));
    b.extend(pb::field(
        2,
        &[pb::field(1, &ids), pb::field(2, &pb::varint(1 << 20))].concat(),
    ));
    for s in &strings {
        a.extend(pb::field(6, s.as_bytes()));
        b.extend(pb::field(6, s.as_bytes()));
    }
    std::fs::write(dir.join("a.pb"), pb::gzip(&a)).unwrap();
    std::fs::write(dir.join("b.pb"), pb::gzip(&b)).unwrap();
    let o = run(
        &[
            "flamegraph",
            dir.join("a.pb").to_str().unwrap(),
            dir.join("b.pb").to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("<?xml"));
}
