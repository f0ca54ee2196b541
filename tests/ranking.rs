//! Leak sites, classes and gates on real data: the shared corpus's ground truth (when present)
//! and the bundled testdata.

use std::path::{Path, PathBuf};

use crate::util::*;
use heapdiff::analyse::{By, Class, Diff, Ranking};
use heapdiff::{DiffOptions, Work, series};

fn ranking(dir: &Path, by: By, work: Option<Vec<f64>>) -> Diff {
    let paths = heapdiff::source::files::expand(&[dir.to_path_buf()]).unwrap();
    let opts = DiffOptions {
        by,
        series: series::Options {
            work: work.map(Work::PerProfile),
            ..Default::default()
        },
        ..Default::default()
    };
    heapdiff::diff_inputs(&paths, &opts).unwrap()
}

/// Names of the units classed leak, in rank order.
fn leak_names(r: &Ranking) -> Vec<&str> {
    r.units
        .iter()
        .filter(|u| u.class == Class::Leak)
        .map(|u| u.name.as_str())
        .collect()
}

fn groundtruth() -> Option<(PathBuf, serde_json::Value)> {
    let c = corpus()?;
    let g: serde_json::Value = serde_json::from_str(&read(&c.join("GROUNDTRUTH.json"))).unwrap();
    Some((c, g))
}

fn same_function(site: &str, want: &str) -> bool {
    site == want || site.ends_with(&format!("::{want}")) || want.ends_with(&format!("::{site}"))
}

/// Every leak series of the corpus: the leak is rank 1 and classed `leak`; no other row is
/// classed `leak` (framework code included); and its growth per request is the program's own
/// figure within 5% (within three standard deviations of sampling noise for sampled series).
#[test]
fn every_corpus_leak_is_rank_one_alone_and_per_request_is_right() {
    let Some((c, g)) = groundtruth() else { return };
    let series = g["series"].as_object().unwrap();
    let requests_of = |name: &str| -> Option<Vec<f64>> {
        // rust/symbolized is the same program and schedule as rust/unsymbolized.
        let s = &series[name]["expected"]["requests_per_snapshot"];
        let s = if s.is_null() && name == "rust/symbolized" {
            &series["rust/unsymbolized"]["expected"]["requests_per_snapshot"]
        } else {
            s
        };
        s.as_array()
            .map(|a| a.iter().map(|v| v.as_f64().unwrap()).collect())
    };
    let mut checked = 0;
    for (name, s) in series {
        let leaks: Vec<&str> = s["leak_functions"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        if leaks.is_empty() {
            continue;
        }
        let dir = c.join(s["dir"].as_str().unwrap());
        let paths = heapdiff::source::files::expand(&[dir.join("*.pb.gz")]).unwrap();
        let work = requests_of(name);
        let opts = DiffOptions {
            series: series::Options {
                work: work.clone().map(Work::PerProfile),
                ..Default::default()
            },
            symbols: heapdiff::SymbolOptions {
                binaries: vec![c.join("rust/bin/jemalloc_leak")],
                ..Default::default()
            },
            ..Default::default()
        };
        let d = heapdiff::diff_inputs(&paths, &opts).unwrap();
        let r = &d.ranking;
        // node_inlined's leak is inlined: V8 reports it in the functions it was inlined into.
        let want: Vec<&str> = if name == "node_inlined" {
            vec!["main", "serve"]
        } else {
            leaks.clone()
        };
        let top = &r.units[0];
        assert!(
            want.iter().any(|w| same_function(&top.name, w)),
            "{name}: rank 1 is {} ({:?}), want {want:?}",
            top.name,
            top.class
        );
        for u in r.units.iter().filter(|u| u.class == Class::Leak) {
            assert!(
                want.iter().any(|w| same_function(&u.name, w)),
                "{name}: {} is classed leak but is not the program's leak",
                u.name
            );
        }
        let e = &s["expected"];
        let exact = [
            "delta_inuse_space_newStream_exact",
            "true_delta_inuse_space_newStream",
            "delta_inuse_space_intern_exact",
            "expected_delta_inuse_space_retainSessionState_approx",
            "expected_delta_inuse_space_retain_session_state_cum",
        ]
        .iter()
        .find_map(|k| e[*k].as_f64());
        if let (Some(exact), Some(work)) = (exact, work) {
            let span = work[work.len() - 1] - work[0];
            let want = exact / span;
            let got = top.per_unit.unwrap();
            let sampled = d.series.snapshots.iter().any(|s| s.sampling_bytes() > 1);
            let tolerance = if sampled {
                3.0 * top.noise / span
            } else {
                0.05 * want
            };
            assert!(
                (got - want).abs() <= tolerance,
                "{name}: {got:.1} B per request, the program's {want:.1} (tolerance {tolerance:.1})"
            );
            checked += 1;
        }
    }
    assert!(checked >= 6, "checked {checked} series");
}

#[test]
fn node_inlined_leak_shows_in_its_inliners() {
    let Some((c, _)) = groundtruth() else { return };
    let d = ranking(&c.join("node_inlined"), By::Site, None);
    let r = &d.ranking;
    let leaks = leak_names(r);
    assert_eq!(leaks, ["main", "serve"]);
    let helper = r
        .units
        .iter()
        .find(|u| u.name == "retainSessionState")
        .unwrap();
    assert_eq!(
        helper.class,
        Class::Plateau,
        "constant after the code was optimized"
    );
}

#[test]
fn bounded_and_steady_series_have_no_leak() {
    let Some((c, _)) = groundtruth() else { return };
    for dir in [
        "go/bounded_cache",
        "go/steady_state",
        "thirdparty/parca/pkg/query/testdata/many",
    ] {
        let d = ranking(&c.join(dir), By::Site, None);
        let r = &d.ranking;
        let leaks = leak_names(r);
        assert!(leaks.is_empty(), "{dir}: {leaks:?}");
    }
    let d = ranking(&c.join("go/bounded_cache"), By::Site, None);
    let r = &d.ranking;
    let cache = r
        .units
        .iter()
        .find(|u| u.name == "main.loadProfile")
        .unwrap();
    assert_eq!(cache.class, Class::Plateau);
    assert_eq!(cache.delta, 3_584_000, "entries × 1024, exactly");
}

#[test]
fn mixed_series_tells_the_cache_from_the_leak() {
    let Some((c, _)) = groundtruth() else { return };
    let d = ranking(&c.join("go/mixed"), By::Site, None);
    let (a, r) = (&d.series, &d.ranking);
    assert_eq!(r.units[0].name, "main.(*symbolTable).intern");
    assert_eq!(r.units[0].class, Class::Leak);
    let cache = r
        .units
        .iter()
        .find(|u| u.name == "main.newSession")
        .unwrap();
    assert_eq!(cache.class, Class::Plateau);
    // The cache is the largest single site at the end.
    let last = a.snapshots.len() - 1;
    assert!(cache.series[last] > r.units[0].series[last]);
}

#[test]
fn per_request_growth_matches_the_programs_own_count() {
    let Some((c, g)) = groundtruth() else { return };
    let s = &g["series"]["go/linear_leak"];
    let requests: Vec<f64> = s["expected"]["requests_per_snapshot"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let d = ranking(&c.join("go/linear_leak"), By::Site, Some(requests.clone()));
    let r = &d.ranking;
    let top = &r.units[0];
    assert_eq!(top.name, "main.(*serverConn).newStream");
    // 352 B per stream object plus the map's bucket growth shared over the requests.
    let exact = s["expected"]["delta_inuse_space_newStream_exact"]
        .as_f64()
        .unwrap();
    let per_request = exact / (requests[requests.len() - 1] - requests[0]);
    let got = top.per_unit.unwrap();
    assert!(
        (got - per_request).abs() / per_request < 0.10,
        "{got} vs {per_request}"
    );
    assert_eq!(top.delta_objects, Some(30_000));
}

#[test]
fn sampled_series_leak_is_found_despite_noise() {
    let Some((c, _)) = groundtruth() else { return };
    let d = ranking(&c.join("go/linear_leak_sampled"), By::Site, None);
    let r = &d.ranking;
    assert_eq!(r.units[0].name, "main.(*serverConn).newStream");
    assert_eq!(r.units[0].class, Class::Leak);
    assert!(
        r.units[0].noise > 0.0,
        "sampled values carry a noise estimate"
    );
}

#[test]
fn jemalloc_flat_is_in_the_allocator_but_the_site_is_user_code() {
    let Some((c, _)) = groundtruth() else { return };
    let by_fn = ranking(&c.join("rust/symbolized"), By::Function, None).ranking;
    assert_eq!(by_fn.units[0].name, "prof_backtrace_impl");
    let by_site = ranking(&c.join("rust/symbolized"), By::Site, None).ranking;
    assert_eq!(by_site.units[0].name, "jemalloc_leak::retain_session_state");
    assert!(
        by_site
            .units
            .iter()
            .all(|u| !u.name.starts_with("prof_") && !u.name.contains("__rust_alloc"))
    );
}

#[test]
fn testdata_series() {
    let d = ranking(
        &testdata("go/leak"),
        By::Site,
        Some(vec![500.0, 1000.0, 1500.0, 2000.0]),
    );
    let r = &d.ranking;
    assert_eq!(r.units[0].name, "main.(*hub).subscribe");
    assert_eq!(r.units[0].class, Class::Leak);
    // 256-byte subscribers plus the map's growth, per request.
    let per = r.units[0].per_unit.unwrap();
    assert!((256.0..330.0).contains(&per), "{per}");
    let d = ranking(&testdata("go/leak_sampled"), By::Site, None);
    let r = &d.ranking;
    assert_eq!(
        (r.units[0].name.as_str(), r.units[0].class),
        ("main.(*hub).subscribe", Class::Leak)
    );
    for dir in ["go/cache", "go/steady"] {
        let d = ranking(&testdata(dir), By::Site, None);
        let r = &d.ranking;
        assert!(r.units.iter().all(|u| u.class != Class::Leak), "{dir}");
    }
    let d = ranking(&testdata("go/cache"), By::Site, None);
    let r = &d.ranking;
    assert_eq!(
        (r.units[0].name.as_str(), r.units[0].class),
        ("main.renderPage", Class::Plateau)
    );
}

#[test]
fn two_snapshots_rank_by_growth_and_mark_new_sites() {
    let a = analyse(
        &[
            testdata("go/leak/heap_001.pb.gz"),
            testdata("go/leak/heap_004.pb.gz"),
        ],
        None,
    );
    let d = heapdiff::analyse::diff(a, &Default::default());
    let r = &d.ranking;
    assert_eq!(r.units[0].name, "main.(*hub).subscribe");
    assert_eq!(r.units[0].class, Class::Growing);
    assert!(!r.units[0].new);
    // The standard library's table is blamed on the application code that built it, with the
    // library frame kept as context.
    let crc = r
        .units
        .iter()
        .find(|u| u.via.as_deref() == Some("hash/crc32.slicingMakeTable"))
        .unwrap();
    assert_eq!(crc.name, "main.snapshot");
    assert!(crc.new);
    // Sorted by absolute growth.
    assert!(
        r.units
            .windows(2)
            .all(|w| w[0].delta.unsigned_abs() >= w[1].delta.unsigned_abs())
    );
}

#[test]
fn by_stack_and_by_function() {
    let d = ranking(&testdata("go/leak"), By::Stack, None);
    let r = &d.ranking;
    let heapdiff::analyse::Unit::Stack(top) = r.units[0].unit else {
        panic!("a stack")
    };
    let names: Vec<&str> = d
        .series
        .catalog
        .stack(top)
        .map(|f| d.series.catalog.frame(f).name.as_str())
        .collect();
    assert!(
        names.starts_with(&["main.(*hub).subscribe", "main.serve", "main.main"]),
        "{names:?}"
    );
    let d = ranking(&testdata("go/leak"), By::Function, None);
    let r = &d.ranking;
    assert_eq!(r.units[0].name, "main.(*hub).subscribe");
}

#[test]
fn gates_trip_on_leaks_and_growth_and_pass_on_steady_state() {
    let leak = td("go/leak");
    let o = run(&["diff", "--fail-on-leaks", &leak], None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("gate fail-on-leaks tripped: 1 site(s) classed leak: main.(*hub).subscribe"),
        "{err}"
    );
    assert!(stdout(&o).contains("main.(*hub).subscribe"));

    let o = run(&["diff", "--fail-on-growth", "100KiB", &leak], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("total growth +444.1 KiB exceeds the limit 100.0 KiB"),
        "{}",
        stderr(&o)
    );
    let o = run(&["diff", "--fail-on-growth", "1MB", &leak], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    let o = run(&["diff", "--fail-on-site-growth", "400000", &leak], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("1 site(s) grew by more than 390.6 KiB"),
        "{}",
        stderr(&o)
    );

    let steady = td("go/steady");
    let o = run(
        &[
            "diff",
            "--fail-on-leaks",
            "--fail-on-site-growth",
            "64KiB",
            &steady,
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).lines().all(|l| l.starts_with("heapdiff: note:")),
        "{}",
        stderr(&o)
    );

    let o = run(&["diff", "-f", "json", "--fail-on-leaks", &leak], None);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["gates"][0]["gate"], "fail-on-leaks");
    assert_eq!(v["gates"][0]["tripped"], true);
    // One spelling everywhere: stderr, JSON and Markdown.
    let o = run(&["diff", "-f", "markdown", "--fail-on-leaks", &leak], None);
    assert!(
        stdout(&o).contains("**gate fail-on-leaks tripped**"),
        "{}",
        stdout(&o)
    );

    let o = run(&["diff", "--fail-on-growth", "ten", &leak], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn gate_runs_on_the_corpus_leak_series() {
    let Some(c) = corpus() else { return };
    let o = run(
        &[
            "diff",
            "--fail-on-leaks",
            c.join("go/linear_leak").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let o = run(
        &[
            "diff",
            "--fail-on-leaks",
            c.join("go/steady_state").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn json_sites_schema() {
    let o = run(
        &[
            "diff",
            "-f",
            "json",
            "--work-step",
            "500",
            "--work-unit",
            "request",
            &td("go/leak"),
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &v["sites"][0];
    for key in [
        "rank",
        "function",
        "file",
        "line",
        "class",
        "delta",
        "delta_objects",
        "series",
        "slope_per_second",
        "per_unit",
        "new",
        "r2",
        "grew_share",
        "noise",
    ] {
        assert!(!s[key].is_null(), "sites[0].{key} is missing: {s}");
    }
    assert_eq!(s["class"], "leak");
    assert_eq!(s["series"].as_array().unwrap().len(), 4);
    assert_eq!(v["ranking"]["by"], "site");
    assert_eq!(v["ranking"]["axis"], "work");
    assert_eq!(v["ranking"]["work_unit"], "request");
}

#[test]
fn work_must_match_the_number_of_profiles() {
    let o = run(&["diff", "--work", "1,2,3", &td("go/leak")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--work has 3 values but there are 4 profiles"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn skip_and_keep_move_the_site() {
    let leak = td("go/leak");
    let o = run(
        &[
            "diff",
            "-f",
            "json",
            "--skip",
            "^main\\.\\(\\*hub\\)\\.subscribe$",
            &leak,
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sites"][0]["function"], "main.serve");
    let o = run(&["diff", "--skip", "(", &leak], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--skip"), "{}", stderr(&o));
}

#[test]
fn testdata_node_series_from_v8() {
    let dir = testdata("node");
    let d = ranking(&dir, By::Site, Some(vec![1000.0, 6000.0, 11000.0, 16000.0]));
    let (a, r) = (&d.series, &d.ranking);
    assert_eq!(
        heapdiff::load::load(&a.base().input)
            .unwrap()
            .profile
            .producer(),
        Some(heapdiff::profile::Producer::V8)
    );
    assert_eq!(
        (r.units[0].name.as_str(), r.units[0].class),
        ("registerListener", Class::Leak)
    );
    // An object, a 32-element array and a closure per request: a few hundred bytes each.
    let per = r.units[0].per_unit.unwrap();
    assert!((300.0..700.0).contains(&per), "{per}");
}

/// Every site of the corpus's leak series carries its call paths in JSON: each ends (below
/// the allocator frames) at the site, and their growths add up to the site's growth.
#[test]
fn call_paths_end_at_the_site_and_add_up() {
    let Some((c, g)) = groundtruth() else { return };
    let mut checked = 0;
    for (name, s) in g["series"].as_object().unwrap() {
        if s["leak_functions"].as_array().is_none_or(|a| a.is_empty()) {
            continue;
        }
        let dir = c.join(s["dir"].as_str().unwrap());
        let o = run(
            &["diff", "-f", "json", dir.join("*.pb.gz").to_str().unwrap()],
            None,
        );
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let table = v["frames"].as_array().unwrap();
        for site in v["sites"].as_array().unwrap() {
            let paths = site["paths"].as_array().unwrap();
            assert!(
                !paths.is_empty(),
                "{name}: {} has no path",
                site["function"]
            );
            let sum: i64 = paths.iter().map(|p| p["growth"].as_i64().unwrap()).sum();
            assert_eq!(
                sum,
                site["delta"].as_i64().unwrap(),
                "{name}: {}",
                site["function"]
            );
            for p in paths {
                let frames = p["frames"].as_array().unwrap();
                let at = frames[p["site"].as_u64().unwrap() as usize]
                    .as_u64()
                    .unwrap();
                let frame = &table[at as usize];
                assert_eq!(frame["function"], site["function"], "{name}");
                // Below the site: only library and machinery frames, down to the allocator.
                for f in &frames[p["site"].as_u64().unwrap() as usize + 1..] {
                    let kind = &table[f.as_u64().unwrap() as usize]["kind"];
                    assert_ne!(kind, "application", "{name}: {}", site["function"]);
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "checked {checked} sites");
}
