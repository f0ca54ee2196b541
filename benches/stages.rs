//! The library's stages, one bench each, on the shared corpus's large pair (go/large: 21 MB
//! uncompressed, 524k samples) when it is beside the checkout, else on a bundled sampled series:
//! gunzip alone (the floor), decode (gunzip + profile.proto + pruning), align (catalogue and
//! sample-type choice), rank (site map, ranking, per-function deltas), and rendering the table,
//! the JSON and the retention flamegraph.
//!
//! `cargo bench --bench stages`; `benches/peers.sh` times the whole process beside
//! `go tool pprof` and gunzip in the same run.

use std::io::Read;
use std::path::PathBuf;

use divan::Bencher;
use heapdiff::render::{self, Report, Style};
use heapdiff::series::{self, Series};

fn main() {
    divan::main();
}

fn inputs() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let large = root.join("../shared/corpus/go/large");
    if large.join("heap_A.pb.gz").exists() {
        vec![large.join("heap_A.pb.gz"), large.join("heap_B.pb.gz")]
    } else {
        eprintln!("no corpus beside the checkout: benching testdata/go/leak_sampled");
        let d = root.join("testdata/go/leak_sampled");
        vec![d.join("heap_001.pb.gz"), d.join("heap_004.pb.gz")]
    }
}

fn raw() -> Vec<Vec<u8>> {
    inputs().iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn loaded() -> Vec<heapdiff::Loaded> {
    raw()
        .iter()
        .map(|r| heapdiff::read("bench", &r[..]).unwrap())
        .collect()
}

fn series() -> Series {
    Series::build(loaded(), &series::Options::default()).unwrap()
}

#[divan::bench(sample_count = 10)]
fn gunzip(b: Bencher) {
    let raw = raw();
    b.bench(|| {
        for r in &raw {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&r[..])
                .read_to_end(&mut out)
                .unwrap();
            divan::black_box(out);
        }
    });
}

#[divan::bench(sample_count = 10)]
fn decode(b: Bencher) {
    let raw = raw();
    b.bench(|| {
        for r in &raw {
            divan::black_box(heapdiff::read("bench", &r[..]).unwrap());
        }
    });
}

#[divan::bench(sample_count = 10)]
fn align(b: Bencher) {
    b.with_inputs(loaded)
        .bench_values(|l| Series::build(l, &series::Options::default()).unwrap());
}

#[divan::bench(sample_count = 10)]
fn rank(b: Bencher) {
    b.with_inputs(series)
        .bench_values(|s| heapdiff::analyse::diff(s, &Default::default()));
}

#[divan::bench(sample_count = 10)]
fn render_table(b: Bencher) {
    let d = heapdiff::analyse::diff(series(), &Default::default());
    b.bench(|| {
        let mut out = Vec::new();
        let r = Report {
            top: 20,
            ..Report::new(&d)
        };
        render::render(render::Format::Table, &r, Style::default(), &mut out).unwrap();
        out
    });
}

#[divan::bench(sample_count = 5)]
fn render_json(b: Bencher) {
    let d = heapdiff::analyse::diff(series(), &Default::default());
    b.bench(|| {
        let mut out = Vec::new();
        render::render(
            render::Format::Json,
            &Report::new(&d),
            Style::default(),
            &mut out,
        )
        .unwrap();
        out
    });
}

#[divan::bench(sample_count = 10)]
fn flamegraph(b: Bencher) {
    let d = heapdiff::analyse::diff(series(), &Default::default());
    b.bench(|| {
        let mut out = Vec::new();
        render::flamegraph::render(&d, &Default::default(), &mut out).unwrap();
        out
    });
}
