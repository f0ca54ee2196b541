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
    let Ok(profile) = heapdiff::load::parse_bytes(path, data) else {
        return;
    };
    let mut loaded = Loaded {
        path: path.to_path_buf(),
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
        let data = heapdiff::load::gunzip_if_needed(&path, raw).unwrap();
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
