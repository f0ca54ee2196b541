//! Golden files for every output format, over real testdata: the terminal table, JSON, CSV,
//! Markdown, folded stacks, both flamegraphs, and the pprof delta read back. Each golden is the
//! exact bytes heapdiff writes; `HEAPDIFF_BLESS=1 cargo test` rewrites them after an intended
//! change. Paths are relative so the goldens do not depend on the checkout's location.

use crate::util::*;

const SERIES: &str = "testdata/go/leak";
const BASE: &str = "testdata/go/leak/heap_001.pb.gz";
const NEW: &str = "testdata/go/leak/heap_004.pb.gz";

/// Runs heapdiff from the repository root and checks its standard output against a golden.
fn check(name: &str, args: &[&str]) {
    let o = run(args, None);
    assert!(
        o.status.success(),
        "heapdiff {}: {}",
        args.join(" "),
        stderr(&o)
    );
    golden(name, &o.stdout);
}

fn series_args(format: &str) -> Vec<&str> {
    vec![
        "diff",
        "--format",
        format,
        "--work-step",
        "500",
        "--work-unit",
        "request",
        SERIES,
    ]
}

#[test]
fn table() {
    check("diff/series.txt", &series_args("table"));
    check("diff/pair.txt", &["diff", BASE, NEW]);
    check(
        "diff/by_function.txt",
        &["diff", "--by", "function", SERIES],
    );
    check("diff/top0.txt", &["diff", "--top", "0", SERIES]);
    check(
        "diff/peek.txt",
        &["diff", "--top", "3", "--peek", "subscribe|serve", SERIES],
    );
    check(
        "diff/list.txt",
        &[
            "diff",
            "--top",
            "1",
            "--list",
            "subscribe",
            "--source-dir",
            "testdata/gen/go",
            SERIES,
        ],
    );
    check(
        "diff/by_stack.txt",
        &["diff", "--by", "stack", "--top", "3", BASE, NEW],
    );
}

#[test]
fn json() {
    check("diff/series.json", &series_args("json"));
    check(
        "diff/by_stack.json",
        &["diff", "--format", "json", "--by", "stack", BASE, NEW],
    );
}

#[test]
fn csv() {
    check("diff/series.csv", &series_args("csv"));
}

#[test]
fn markdown() {
    check("diff/series.md", &series_args("markdown"));
}

#[test]
fn html() {
    check("diff/series.html", &series_args("html"));
}

#[test]
fn folded() {
    check(
        "diff/pair.folded",
        &["diff", "--format", "folded", BASE, NEW],
    );
}

#[test]
fn flamegraphs() {
    check("flamegraph/retention.svg", &["flamegraph", SERIES]);
    check(
        "flamegraph/differential.svg",
        &["flamegraph", "--mode", "differential", SERIES],
    );
}

#[test]
fn the_readme_flamegraph_is_current() {
    let o = run(&["flamegraph", SERIES], None);
    assert!(o.status.success());
    golden("../../docs/retention.svg", &o.stdout);
}

#[test]
fn show() {
    check("show/heap_004.txt", &["show", NEW]);
    check("show/heap_004.json", &["show", "--format", "json", NEW]);
}

/// The pprof delta, read back by heapdiff: every sample as `root;...;leaf value...`, sorted.
#[test]
fn pprof_round_trip() {
    let dir = tempdir("golden-pprof");
    let out = dir.join("delta.pb.gz");
    let o = run(
        &[
            "diff",
            "--format",
            "pprof",
            "-o",
            out.to_str().unwrap(),
            BASE,
            NEW,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let p = heapdiff::load(&out).unwrap().profile;
    let mut text = format!(
        "types: {}\n",
        p.sample_types
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut lines: Vec<String> = (0..p.num_samples())
        .map(|i| {
            let names: Vec<&str> = p
                .sample_locations(i)
                .rev()
                .flat_map(|l| p.locations[l as usize].lines.iter().rev())
                .map(|ln| p.functions[ln.function as usize].name.as_str())
                .collect();
            let values: Vec<String> = (0..p.sample_types.len())
                .map(|t| p.value(i, t).to_string())
                .collect();
            format!("{} {}", names.join(";"), values.join(" "))
        })
        .collect();
    lines.sort();
    for l in lines {
        text.push_str(&l);
        text.push('\n');
    }
    golden("diff/pair.pprof.txt", text.as_bytes());
}
