//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use heapdiff::load;
use heapdiff::profile::sample_type::SampleIndex;
use heapdiff::series::{self, Series};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn testdata(rel: &str) -> PathBuf {
    root().join("testdata").join(rel)
}

/// A testdata path as a string, for command lines.
pub fn td(rel: &str) -> String {
    testdata(rel).display().to_string()
}

/// A prerequisite is missing: under `CI=true` the test fails, naming it; elsewhere it says it
/// skipped.
pub fn require(what: &str) {
    if std::env::var_os("CI").is_some_and(|v| v == "true") {
        panic!("{what} is required under CI=true but is missing");
    }
    eprintln!("{what} is missing: skipping");
}

/// The shared corpus of real profiles, when this checkout has it beside it (CI does); under
/// `CI=true` a missing corpus fails the test.
pub fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("HEAPDIFF_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/corpus"));
    if p.join("GROUNDTRUTH.json").exists() {
        Some(p)
    } else {
        require(&format!("the shared corpus at {}", p.display()));
        None
    }
}

/// Loads and aligns `paths` with the chosen sample type.
pub fn analyse(paths: &[PathBuf], sample_index: Option<&str>) -> Series {
    analyse_names(paths, sample_index, false)
}

/// Like [`analyse`], with pprof's short names when `short`.
pub fn analyse_names(paths: &[PathBuf], sample_index: Option<&str>, short: bool) -> Series {
    let loaded = load::load_all(paths).expect("inputs load");
    let opts = series::Options {
        sample_index: sample_index.map(|s| s.parse::<SampleIndex>().unwrap()),
        short_names: short,
        ..Default::default()
    };
    Series::build(loaded, &opts).expect("series builds")
}

/// One row of `go tool pprof -top` output.
#[derive(Debug, Clone, PartialEq)]
pub struct TopRow {
    pub flat: i64,
    pub cum: i64,
    pub name: String,
}

fn parse_value(s: &str) -> i64 {
    let t = s.trim_end_matches('B');
    t.parse::<i64>()
        .unwrap_or_else(|_| panic!("value {s:?} is not an exact integer (use -unit=B refs)"))
}

/// Parses `go tool pprof -top` text; returns the rows and the "accounting for" figure.
pub fn parse_top(text: &str) -> (Vec<TopRow>, Option<i64>) {
    let mut rows = Vec::new();
    let mut accounting = None;
    let mut in_rows = false;
    for l in text.lines() {
        if let Some(rest) = l.strip_prefix("Showing nodes accounting for ") {
            let v = rest.split(',').next().unwrap();
            accounting = v.trim_end_matches('B').parse::<i64>().ok();
            continue;
        }
        if l.trim_start().starts_with("flat  flat%") {
            in_rows = true;
            continue;
        }
        if !in_rows || l.trim().is_empty() {
            continue;
        }
        let toks: Vec<&str> = l.split_whitespace().collect();
        if toks.len() < 6 {
            continue;
        }
        rows.push(TopRow {
            flat: parse_value(toks[0]),
            cum: parse_value(toks[3]),
            name: strip_inline(&toks[5..].join(" ")),
        });
    }
    (rows, accounting)
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_heapdiff"))
}

/// Runs heapdiff with `args`, feeding `stdin` when given.
pub fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut c = bin();
    c.args(args).env_remove("NO_COLOR");
    c.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("heapdiff runs");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// pprof's `-top` marks inlined nodes after the name; that is not part of the name.
fn strip_inline(name: &str) -> String {
    name.strip_suffix(" (inline)")
        .or_else(|| name.strip_suffix(" (partial-inline)"))
        .unwrap_or(name)
        .to_string()
}

/// A fresh, empty directory for one test (named after it, so tests do not collide).
pub fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("heapdiff-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Compares `got` with the golden file `tests/data/<name>`; with `HEAPDIFF_BLESS=1` rewrites it.
pub fn golden(name: &str, got: &[u8]) {
    let path = root().join("tests/data").join(name);
    if std::env::var_os("HEAPDIFF_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_default();
    assert!(
        want == got,
        "{} differs from the output ({} bytes vs {} expected);\nif the change is intended, rewrite it with:  HEAPDIFF_BLESS=1 cargo test",
        path.display(),
        got.len(),
        want.len()
    );
}
