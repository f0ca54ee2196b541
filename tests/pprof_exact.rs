//! heapdiff's per-function flat and cum deltas and totals equal `go tool pprof -diff_base`, to
//! the byte, on every pair of the shared corpus (pprof's answers are stored beside each series).

use std::collections::BTreeMap;
use std::path::Path;

use crate::util::*;

/// heapdiff's (flat, cum) delta per function name.
fn function_deltas(a: &heapdiff::series::Series) -> BTreeMap<String, (i64, i64)> {
    heapdiff::analyse::functions::deltas(a)
        .iter()
        .map(|d| {
            (
                a.catalog.func(d.func).name.clone(),
                (d.flat_delta(), d.cum_delta()),
            )
        })
        .collect()
}

fn pair(refs: &Path) -> (String, String) {
    let text = read(&refs.join("PAIR.txt"));
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap_or_else(|| panic!("{k} in PAIR.txt"))
            .trim()
            .to_string()
    };
    (get("first="), get("last="))
}

/// Compares heapdiff with one pprof `-top` reference. `complete` refs list every node; others
/// are pruned by pprof, so only their rows are checked.
fn check(dir: &Path, refs_dir: &str, index: &str, ref_file: &str, complete: bool) {
    check_names(dir, refs_dir, index, ref_file, complete, false)
}

fn check_names(
    dir: &Path,
    refs_dir: &str,
    index: &str,
    ref_file: &str,
    complete: bool,
    short: bool,
) {
    let refs = dir.join(refs_dir);
    let (first, last) = pair(&refs);
    let a = analyse_names(&[dir.join(&first), dir.join(&last)], Some(index), short);
    let (rows, accounting) = parse_top(&read(&refs.join(ref_file)));
    assert!(!rows.is_empty(), "{}: no rows parsed", ref_file);
    let mine: BTreeMap<String, (i64, i64)> = function_deltas(&a);
    let mut problems = Vec::new();
    for r in &rows {
        let got = mine.get(&r.name).copied().unwrap_or((0, 0));
        if got != (r.flat, r.cum) {
            problems.push(format!(
                "{}: pprof flat {} cum {}, heapdiff flat {} cum {}",
                r.name, r.flat, r.cum, got.0, got.1
            ));
        }
    }
    if complete {
        for (name, v) in &mine {
            if !rows.iter().any(|r| &r.name == name) {
                problems.push(format!("{name}: heapdiff has {v:?}, pprof has no row"));
            }
        }
        // With nothing pruned, pprof's "accounting for" is the sum of all flats: the net change.
        if let Some(acc) = accounting {
            assert_eq!(a.total_delta(), acc, "{}: total delta", dir.display());
        }
    }
    assert!(
        problems.is_empty(),
        "{} {refs_dir}/{ref_file}: {} mismatches:\n{}",
        dir.display(),
        problems.len(),
        problems.join("\n")
    );
    // Both totals against the exact per-snapshot sums pprof's -raw gives.
    let totals_file = refs.join("totals.tsv");
    if !totals_file.exists() {
        return;
    }
    let totals = read(&totals_file);
    let mut lines = totals.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    if let Some(col) = header.iter().position(|h| *h == index) {
        for l in lines {
            let cols: Vec<&str> = l.split('\t').collect();
            let want: i64 = cols[col].parse().unwrap();
            for (name, snap) in [(&first, a.base()), (&last, a.last())] {
                if cols[0] == name.as_str() {
                    assert_eq!(
                        snap.total(),
                        want,
                        "{} {index} total of {name}",
                        dir.display()
                    );
                }
            }
        }
    }
}

fn series(rel: &str) -> Option<std::path::PathBuf> {
    match rel.strip_prefix("testdata/") {
        Some(t) => Some(testdata(t)),
        None => corpus().map(|c| c.join(rel)),
    }
}

macro_rules! exact {
    ($name:ident, $rel:expr, $refs:expr, [$($index:expr),*]) => {
        #[test]
        fn $name() {
            let Some(dir) = series($rel) else { return };
            for index in [$($index),*] {
                let file = if index == "inuse_space" {
                    "top_diff_base.full.inuse_space.txt".to_string()
                } else {
                    format!("top_diff_base.full.{index}.txt")
                };
                check(&dir, $refs, index, &file, true);
            }
        }
    };
}

exact!(
    testdata_go_leak,
    "testdata/go/leak",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    testdata_go_cache,
    "testdata/go/cache",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    testdata_go_steady,
    "testdata/go/steady",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    testdata_go_leak_sampled,
    "testdata/go/leak_sampled",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    go_linear_leak,
    "go/linear_leak",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    go_linear_leak_sampled,
    "go/linear_leak_sampled",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    go_bounded_cache,
    "go/bounded_cache",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    go_steady_state,
    "go/steady_state",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    go_mixed,
    "go/mixed",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(node, "node", "refs", ["inuse_space", "inuse_objects"]);
exact!(
    node_inlined,
    "node_inlined",
    "refs",
    ["inuse_space", "inuse_objects"]
);
// rust/symbolized is not here: its refs were made while pprof could re-symbolize the profile
// from a binary the corpus does not ship, so pprof's names there are not the file's names.
exact!(
    rust_unsymbolized_nosym,
    "rust/unsymbolized",
    "refs_nosym",
    ["inuse_space"]
);
exact!(
    parca_many,
    "thirdparty/parca/pkg/query/testdata/many",
    "refs",
    ["inuse_space", "inuse_objects"]
);
exact!(
    go_legacy_linear_leak_sampled,
    "go/linear_leak_sampled",
    "refs_legacy",
    ["inuse_space", "inuse_objects"]
);

/// One stack in go/linear_leak's legacy files is runtime frames only, and Go's writer hid its
/// two leaf frames (`runtime.doaddtimer`, `runtime.modtimer`) from the `#` comments; pprof
/// named them from the binary. Given the same binary, heapdiff matches every row to the byte.
#[test]
fn go_legacy_linear_leak_with_the_binary() {
    let Some(dir) = series("go/linear_leak") else {
        return;
    };
    let bin = dir.join("../bin/linear_leak");
    for index in ["inuse_space", "inuse_objects"] {
        let (rows, acc) = parse_top(&read(
            &dir.join(format!("refs_legacy/top_diff_base.full.{index}.txt")),
        ));
        let paths = [dir.join("heap_001.txt"), dir.join("heap_007.txt")];
        let a = heapdiff::load_series(
            &paths,
            &heapdiff::series::Options {
                sample_index: Some(index.parse().unwrap()),
                ..Default::default()
            },
            &heapdiff::SymbolOptions {
                binaries: vec![bin.clone()],
                ..Default::default()
            },
            &heapdiff::load::Limits::default(),
        )
        .unwrap();
        let mine: BTreeMap<String, (i64, i64)> = function_deltas(&a);
        let want: BTreeMap<String, (i64, i64)> = rows
            .into_iter()
            .map(|r| (r.name, (r.flat, r.cum)))
            .filter(|(_, v)| *v != (0, 0))
            .collect();
        assert_eq!(mine, want, "{index}");
        assert_eq!(Some(a.total_delta()), acc, "{index}");
    }
}

/// Without the binary, those two frames are `runtime.<hidden>` (named from their position);
/// every other row and the totals still match to the byte.
#[test]
fn go_legacy_linear_leak() {
    let Some(dir) = series("go/linear_leak") else {
        return;
    };
    for index in ["inuse_space", "inuse_objects"] {
        let file = format!("top_diff_base.full.{index}.txt");
        let refs = dir.join("refs_legacy");
        let text = read(&refs.join(&file));
        // Fold pprof's two binary-only names into heapdiff's name for hidden frames.
        let (rows, _) = parse_top(&text);
        let mut folded: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for r in rows {
            let name = match r.name.as_str() {
                "runtime.doaddtimer" => "runtime.<hidden>".to_string(),
                "runtime.modtimer" => continue,
                _ => r.name.clone(),
            };
            folded.insert(name, (r.flat, r.cum));
        }
        let a = analyse(
            &[dir.join("heap_001.txt"), dir.join("heap_007.txt")],
            Some(index),
        );
        let mine: BTreeMap<String, (i64, i64)> = function_deltas(&a);
        let nonzero: BTreeMap<String, (i64, i64)> =
            folded.into_iter().filter(|(_, v)| *v != (0, 0)).collect();
        assert_eq!(mine, nonzero, "{index}");
        let (_, acc) = parse_top(&text);
        assert_eq!(Some(a.total_delta()), acc, "{index}: total delta");
    }
}

#[test]
fn go_large_pair() {
    let Some(dir) = series("go/large") else {
        return;
    };
    let a = analyse(
        &[dir.join("heap_A.pb.gz"), dir.join("heap_B.pb.gz")],
        Some("inuse_space"),
    );
    let (rows, _) = parse_top(&read(
        &dir.join("refs/top_diff_base.all.bytes.inuse_space.txt"),
    ));
    let mine: BTreeMap<String, (i64, i64)> = function_deltas(&a);
    for r in &rows {
        assert_eq!(
            mine.get(&r.name).copied().unwrap_or((0, 0)),
            (r.flat, r.cum),
            "{}",
            r.name
        );
    }
    let grew = mine
        .iter()
        .filter(|(n, v)| n.starts_with("main.f") && v.0 == 393_216)
        .count();
    let shrank = mine
        .iter()
        .filter(|(n, v)| n.starts_with("main.f") && v.0 == -262_144)
        .count();
    assert_eq!((grew, shrank), (8, 4));
    let user: i64 = mine
        .iter()
        .filter(|(n, _)| n.starts_with("main.f"))
        .map(|(_, v)| v.0)
        .sum();
    assert_eq!(
        user, 2_097_152,
        "ground truth: +96 B x 32,768 - 64 B x 16,384"
    );
}

/// pprof's own test data: legacy heap profiles and the values pprof's parser gives for them
/// (`*.string`), un-sampling included.
#[test]
fn legacy_values_equal_pprofs_parse() {
    let Some(c) = corpus() else { return };
    let dir = c.join("thirdparty/google-pprof");
    for name in ["gobench.heap", "cppbench.heap", "cppbench.growth"] {
        let path = dir.join(name);
        let data = std::fs::read(&path).unwrap();
        let p = heapdiff::decode::parse_bytes(&path, &data).unwrap();
        let want: Vec<Vec<i64>> = read(&dir.join(format!("{name}.string")))
            .lines()
            .skip_while(|l| !l.starts_with("Samples:"))
            .skip(2)
            .take_while(|l| !l.starts_with("Locations"))
            .filter_map(|l| l.split_once(':').filter(|(v, _)| !v.contains("bytes")))
            .map(|(v, _)| v.split_whitespace().map(|x| x.parse().unwrap()).collect())
            .collect();
        assert_eq!(want.len(), p.num_samples(), "{name}");
        for (i, w) in want.iter().enumerate() {
            let got: Vec<i64> = (0..p.sample_types.len()).map(|t| p.value(i, t)).collect();
            assert_eq!(&got, w, "{name} sample {}", i + 1);
        }
    }
}

/// `--names short` leaves Go names as they are (pprof's simplification is for demangled C++
/// and Rust names), so Go series stay exact under it.
///
/// rust/symbolized is not checked here: its refs come from pprof re-symbolizing the binary at
/// the path the profile recorded (its `raw_last.txt` shows DWARF short names such as
/// `{closure#0}` and functions with no name), and that binary is not in the corpus. The
/// profile's own names carry mangled system names, so pprof's demangling step alone would
/// keep them whole.
#[test]
fn go_series_stay_exact_with_pprof_names() {
    let Some(dir) = series("go/linear_leak") else {
        return;
    };
    check_names(
        &dir,
        "refs",
        "inuse_space",
        "top_diff_base.full.inuse_space.txt",
        true,
        true,
    );
}

/// pprof's four filters, on three corpus pairs: per-function flat and cum deltas equal
/// `go tool pprof -top -diff_base` with the same filter, row for row (refs made by
/// `testdata/gen/filters/refs.sh`).
#[test]
fn filters_match_pprof() {
    let Some(c) = corpus() else { return };
    let refs = root().join("tests/data/filters");
    let mut checked = 0;
    for (series, first, last) in [
        ("go/linear_leak", "heap_001.pb.gz", "heap_007.pb.gz"),
        ("go/mixed", "heap_001.pb.gz", "heap_008.pb.gz"),
        ("node", "heap_001.pb.gz", "heap_007.pb.gz"),
    ] {
        let name = series.replace('/', "_");
        for filter in ["focus", "ignore", "hide", "show"] {
            let args = read(&refs.join(format!("{name}.{filter}.args")));
            let re = args.trim_end().split_once('\t').unwrap().1;
            let re = Some(re);
            let none = None;
            let (focus, ignore, hide, show) = match filter {
                "focus" => (re, none, none, none),
                "ignore" => (none, re, none, none),
                "hide" => (none, none, re, none),
                _ => (none, none, none, re),
            };
            let filters =
                heapdiff::profile::filter::Filters::new(focus, ignore, hide, show).unwrap();
            let loaded =
                heapdiff::load::load_all(&[c.join(series).join(first), c.join(series).join(last)])
                    .unwrap();
            let a = heapdiff::series::Series::build(
                loaded,
                &heapdiff::series::Options {
                    sample_index: Some("inuse_space".parse().unwrap()),
                    filters,
                    ..Default::default()
                },
            )
            .unwrap();
            let (rows, accounting) = parse_top(&read(&refs.join(format!("{name}.{filter}.txt"))));
            let mine = function_deltas(&a);
            let want: BTreeMap<String, (i64, i64)> = rows
                .into_iter()
                .map(|r| (r.name, (r.flat, r.cum)))
                .filter(|(_, v)| *v != (0, 0))
                .collect();
            assert_eq!(mine, want, "{series} --{filter}");
            if let Some(acc) = accounting {
                let flat: i64 = mine.values().map(|v| v.0).sum();
                assert_eq!(flat, acc, "{series} --{filter}: accounting");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

/// The values a real Go pair holds, multiplied past 32 bits and each sample written twice
/// (so the decoder sums pairs across 2^31 as it merges them): every total and every
/// function's flat and cum delta is exactly the original's times twice the factor. Values are
/// held in 32 bits until one needs more; this is the proof that none is cut short.
#[test]
fn values_past_32_bits_stay_exact() {
    use prost::Message;
    use std::io::Read;
    const K: i64 = 3_000_000_007;
    let paths = [
        testdata("go/leak/heap_001.pb.gz"),
        testdata("go/leak/heap_004.pb.gz"),
    ];
    let scaled = |path: &Path| -> heapdiff::Loaded {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
            .read_to_end(&mut raw)
            .unwrap();
        let mut p = heapdiff::profile::proto::Profile::decode(&raw[..]).unwrap();
        let mut twice = Vec::new();
        for s in &mut p.sample {
            s.value.iter_mut().for_each(|v| *v *= K);
            twice.push(s.clone());
            twice.push(s.clone());
        }
        p.sample = twice;
        heapdiff::read(path, &p.encode_to_vec()[..]).unwrap()
    };
    let build = |loaded: Vec<heapdiff::Loaded>| {
        heapdiff::series::Series::build(loaded, &Default::default()).unwrap()
    };
    let plain = build(paths.iter().map(|p| heapdiff::load(p).unwrap()).collect());
    let big = build(paths.iter().map(|p| scaled(p)).collect());
    assert!(
        big.last().total() > i32::MAX as i64,
        "the scaled totals pass 32 bits"
    );
    assert_eq!(big.base().total(), plain.base().total() * 2 * K);
    assert_eq!(big.last().total(), plain.last().total() * 2 * K);
    let (want, got) = (function_deltas(&plain), function_deltas(&big));
    assert_eq!(got.len(), want.len());
    assert!(want.len() > 3, "the pair has functions that changed");
    for (name, (flat, cum)) in want {
        assert_eq!(got[&name], (flat * 2 * K, cum * 2 * K), "{name}");
    }
}
