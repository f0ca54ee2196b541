//! Real profiles from other projects (the shared corpus's `external/`, read in place): totals
//! equal pprof's for every file pprof reads, each producer family is recognised, notes are
//! only given where they are true, and what heapdiff does not read is refused by name.
//!
//! pprof's totals are in `tests/data/external_totals.tsv`, written by
//! `testdata/gen/external/totals.sh` with `go tool pprof -raw`.

use std::path::PathBuf;

use crate::util::*;
use heapdiff::profile::Producer;

fn external() -> Option<PathBuf> {
    Some(corpus()?.join("external"))
}

#[test]
fn totals_equal_pprofs() {
    let Some(dir) = external() else { return };
    let table = read(&root().join("tests/data/external_totals.tsv"));
    let mut checked = 0;
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, ty, want) = (cols[0], cols[1], cols[2].parse::<i64>().unwrap());
        let path = dir.join(file);
        let Ok(loaded) = heapdiff::load(&path) else {
            // Only the legacy binary CPU format, which heapdiff refuses by name (below).
            assert!(
                file.ends_with(".cpu") || file.ends_with(".cpu.pb"),
                "{file} does not load"
            );
            continue;
        };
        let p = &loaded.profile;
        let i = p
            .sample_types
            .iter()
            .position(|t| t.to_string() == ty)
            .unwrap_or_else(|| panic!("{file}: no sample type {ty}"));
        assert_eq!(p.total(i), want, "{file} {ty}");
        checked += 1;
    }
    assert!(checked > 80, "checked {checked} totals");
}

#[test]
fn producers_are_recognised() {
    let Some(dir) = external() else { return };
    let cases: &[(&str, Option<Producer>)] = &[
        ("AppFlowy-Cloud/heap.pb.gz", Some(Producer::Jemalloc)),
        (
            "ClickHouse/gtest_jemalloc_profile_source.heap",
            Some(Producer::Jemalloc),
        ),
        ("JuLox.jl/alloc-profile.pb.gz", Some(Producer::Julia)),
        ("SwarmMakie.jl/profile.pb.gz", Some(Producer::Julia)),
        (
            "dd-trace-go/profiler/internal/fastdelta/testdata/heap.pprof",
            Some(Producer::Go),
        ),
        (
            "pyroscope/pkg/og/convert/pprof/testdata/heap-js.pprof",
            Some(Producer::V8),
        ),
        (
            "pyroscope/pkg/og/convert/pprof/testdata/nodejs-heap.pb.gz",
            Some(Producer::V8),
        ),
        // pprof-rs names Rust frames `runtime.rs:65 - tokio::…`: not Go.
        ("pyroscope/pkg/pprof/testdata/profile_rust", None),
        ("pyroscope/pkg/pprof/testdata/profile_java", None),
        ("pyroscope/pkg/pprof/testdata/profile_python", None),
    ];
    for (file, want) in cases {
        let p = heapdiff::load(dir.join(file)).unwrap().profile;
        assert_eq!(p.producer(), *want, "{file}");
    }
}

#[test]
fn notes_are_only_where_true() {
    let Some(dir) = external() else { return };
    for (file, alloc_note) in [
        ("JuLox.jl/alloc-profile.pb.gz", true),
        ("SwarmMakie.jl/alloc-profile.pb.gz", true),
        ("JuLox.jl/profile.pb.gz", false),
        ("SwarmMakie.jl/profile.pb.gz", false),
    ] {
        let o = run(&["show", dir.join(file).to_str().unwrap()], None);
        assert!(o.status.success(), "{file}: {}", stderr(&o));
        assert_eq!(
            stdout(&o).contains("record allocations, not live heap"),
            alloc_note,
            "{file}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn what_heapdiff_does_not_read_is_refused_by_name() {
    let Some(dir) = external() else { return };
    for file in [
        "pprof/fuzz/corpus/java.cpu.pb",
        "pprof/internal/driver/testdata/cppbench.cpu",
    ] {
        let o = run(&["show", dir.join(file).to_str().unwrap()], None);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("a legacy binary CPU profile"),
            "{file}: {}",
            stderr(&o)
        );
    }
    // A function with id 0: pprof refuses it too.
    let o = run(
        &[
            "show",
            dir.join("pyroscope/pkg/og/convert/pprof/testdata/dotnet-pprof-3.pb.gz")
                .to_str()
                .unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1);
}

/// ClickHouse's unit test expects 90,662,471 B and 11,792 objects from its dump, each within 7.
#[test]
fn clickhouse_jemalloc_dump_unsamples_like_clickhouse() {
    let Some(dir) = external() else { return };
    let p = heapdiff::load(dir.join("ClickHouse/gtest_jemalloc_profile_source.heap"))
        .unwrap()
        .profile;
    let total = |name: &str| p.total(p.type_index(name).unwrap());
    assert!(
        (total("inuse_space") - 90_662_471).abs() <= 7,
        "{}",
        total("inuse_space")
    );
    assert!(
        (total("inuse_objects") - 11_792).abs() <= 7,
        "{}",
        total("inuse_objects")
    );
}

/// A series of JFR allocation profiles: allocation volume, never a leak, and the leak gate is
/// refused.
#[test]
fn allocation_series_are_never_leaks() {
    let Some(dir) = external() else { return };
    let glob = dir.join("pyroscope/pkg/og/convert/jfr/testdata/cortex-dev-01__kafka-0__*");
    let o = run(&["diff", glob.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("counts allocations, not memory still held"),
        "{out}"
    );
    let classes: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.trim_start().starts_with('#'))
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert!(!classes.is_empty() && !classes.contains(&"leak"), "{out}");
    let o = run(&["diff", "--fail-on-leaks", glob.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs retention"), "{}", stderr(&o));
    let o = run(&["flamegraph", glob.to_str().unwrap()], None);
    assert!(o.status.success());
    assert!(stdout(&o).contains("Growth: alloc_in_new_tlab_bytes"));
}
