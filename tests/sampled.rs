//! Verdicts at production sampling rates: series written at Go's default `MemProfileRate`
//! (512 KiB) by testdata/gen/sampled, a leak already large at the first snapshot, a cache that
//! filled early, a service with no leak, and a map that grows in doublings beside one that
//! stopped doubling.

use crate::util::*;
use heapdiff::analyse::{Class, Diff, RankedUnit};
use heapdiff::{DiffOptions, Work, series};

/// The series in `testdata/<dir>` with its request counts as the work axis, and the program's
/// own record of it, which says the sampling interval under `rate_key`.
fn series_at(dir: &str, rate_key: &str) -> (Diff, serde_json::Value) {
    let dir = testdata(dir);
    let gt: serde_json::Value = serde_json::from_str(&read(&dir.join("groundtruth.json"))).unwrap();
    assert_eq!(
        gt[rate_key],
        524288,
        "{} is at the default rate",
        dir.display()
    );
    let requests: Vec<f64> = gt["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let paths = heapdiff::source::files::expand(std::slice::from_ref(&dir)).unwrap();
    let opts = DiffOptions {
        series: series::Options {
            work: Some(Work::PerProfile(requests)),
            ..Default::default()
        },
        ..Default::default()
    };
    (heapdiff::diff_inputs(&paths, &opts).unwrap(), gt)
}

/// A Go series of testdata/gen/sampled, at Go's default `MemProfileRate`.
fn sampled(name: &str) -> (Diff, serde_json::Value) {
    series_at(&format!("go/{name}"), "memprofilerate")
}

fn row<'a>(d: &'a Diff, name: &str) -> &'a RankedUnit {
    d.ranking
        .units
        .iter()
        .find(|u| u.name == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

fn leaks(d: &Diff) -> Vec<&str> {
    d.ranking
        .units
        .iter()
        .filter(|u| u.class == Class::Leak)
        .map(|u| u.name.as_str())
        .collect()
}

/// The gate's exit code on a testdata series.
fn gate(dir: &str) -> (Option<i32>, String) {
    let o = run(&["diff", &td(dir), "--fail-on-leaks", "--top", "5"], None);
    (o.status.code(), stderr(&o))
}

/// A leak that is already large when the first snapshot is taken (60,000 requests of uptime)
/// is a leak: the change rests on the samples allocated since the base, not on the size the
/// leak had reached. Before the noise model followed the samples that changed, its
/// noise came out as that of two independent draws of the whole site and the leak read noise.
#[test]
fn a_leak_large_at_the_base_is_a_leak_and_trips_the_gate() {
    let (d, gt) = sampled("sampled_uptime");
    let leak = gt["leak_function"].as_str().unwrap();
    assert_eq!(leaks(&d), [leak]);
    let u = row(&d, leak);
    assert_eq!(u.rank, 1);
    // The base already holds most of what the site keeps at the end.
    assert!(u.series[0] > 2 * u.delta, "{:?}", u.series);
    // Independent draws would put the noise at the whole site's scale; the samples that changed
    // put it well under the growth.
    let base_var = u.series[0] as f64 * 524288.0;
    assert!(
        u.noise * 3.0 < u.delta as f64,
        "noise {} vs {}",
        u.noise,
        u.delta
    );
    assert!(
        base_var.sqrt() * 3.0 > u.delta as f64,
        "the base alone would hide the growth"
    );
    // Bytes per request: the program's 384-byte record, within three standard deviations of
    // sampling noise over the requests the series spans.
    let x = gt["requests"].as_array().unwrap();
    let span = x[x.len() - 1].as_f64().unwrap() - x[0].as_f64().unwrap();
    let per = u.per_unit.unwrap();
    let record = gt["record_bytes"].as_f64().unwrap();
    assert!(
        (per - record).abs() <= 3.0 * u.noise / span,
        "{per:.1} B per request vs the program's {record}, noise {:.1} B per request",
        u.noise / span
    );
    // The ring cache, full long before the first snapshot, is not a leak whatever its samples do.
    assert_ne!(row(&d, "main.(*ring).put").class, Class::Leak);
    let (code, err) = gate("go/sampled_uptime");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(leak) && !err.contains("ring"), "{err}");
}

/// From a fresh start, a cache that is full by the fourth of eight snapshots is never a leak,
/// and the gate names only the real leak.
#[test]
fn a_cache_that_filled_early_is_not_a_leak() {
    let (d, gt) = sampled("sampled_fresh");
    let leak = gt["leak_function"].as_str().unwrap();
    assert_eq!(leaks(&d), [leak]);
    let cache = row(&d, gt["cache_function"].as_str().unwrap());
    assert!(
        matches!(cache.class, Class::Plateau | Class::Noise),
        "{:?} {:?}",
        cache.class,
        cache.series
    );
    // About twenty samples of 512 KiB carry the cache: the row says so.
    assert!(cache.few_samples, "{:?}", cache.samples);
    assert!(cache.samples.unwrap() < 50.0);
    let (code, err) = gate("go/sampled_fresh");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(leak) && !err.contains("ring"), "{err}");
}

/// A cache of some 160 samples, enough for the series' own scatter to bound replacement,
/// drifts as a third of it is replaced between snapshots: never a leak.
#[test]
fn a_large_cache_that_drifts_is_not_a_leak() {
    let (d, gt) = sampled("sampled_bigcache");
    assert!(leaks(&d).is_empty(), "{:?}", leaks(&d));
    let cache = row(&d, gt["cache_function"].as_str().unwrap());
    assert!(!cache.few_samples, "{:?}", cache.samples);
    let (code, err) = gate("go/sampled_bigcache");
    assert_eq!(code, Some(0), "{err}");
}

/// A service with no leak passes the gate, and the gate says how large a leak the run would
/// have seen.
#[test]
fn a_service_without_a_leak_passes() {
    let (d, _) = sampled("sampled_noleak");
    assert!(leaks(&d).is_empty(), "{:?}", leaks(&d));
    let (code, err) = gate("go/sampled_noleak");
    assert_eq!(code, Some(0), "{err}");
    let v = heapdiff::analyse::verdict(&d);
    assert!(!v.leak && v.told, "{v:?}");
    assert!(v.line.contains("would have been seen"), "{}", v.line);
}

/// A map whose entries grow steadily keeps doubling its bucket array: its retention rises in
/// steps, and it is a leak while the steps keep coming. A map that stopped doubling is not.
#[test]
fn a_map_that_keeps_doubling_is_a_leak_and_one_that_stopped_is_not() {
    let (d, gt) = sampled("sampled_stairs");
    let leak = gt["leak_function"].as_str().unwrap();
    assert_eq!(leaks(&d), [leak]);
    let u = row(&d, leak);
    assert!(u.staircase, "{:?}", u.series);
    // Few steps, but each one a bucket array of megabytes: sampled almost surely, not few,
    // and its noise is that of the small overflow buckets beside it, sample by sample.
    assert!(!u.few_samples);
    assert!(u.noise < 0.1 * u.delta as f64, "{} vs {}", u.noise, u.delta);
    let stopped = row(&d, gt["window_function"].as_str().unwrap());
    assert_ne!(stopped.class, Class::Leak, "{:?}", stopped.series);
    assert!(!stopped.staircase);
    // The table says how the leak grows.
    let o = run(&["diff", &td("go/sampled_stairs"), "--top", "2"], None);
    assert!(
        stdout(&o).contains("[grows in doublings]"),
        "{}",
        stdout(&o)
    );
}

/// Four snapshots that show nothing cannot rule a leak out, and the verdict says so.
#[test]
fn a_short_run_says_it_could_not_tell() {
    let dir = testdata("go/sampled_noleak");
    let paths: Vec<_> = (1..=4)
        .map(|i| dir.join(format!("heap_{i:03}.pb.gz")))
        .collect();
    let d = heapdiff::diff_inputs(&paths, &DiffOptions::default()).unwrap();
    let v = heapdiff::analyse::verdict(&d);
    assert!(!v.leak && !v.told, "{v:?}");
    assert!(v.line.contains("cannot rule a leak out"), "{}", v.line);
    let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["diff", "--fail-on-leaks", "-f", "json"];
    args.extend(files.iter().map(String::as_str));
    let o = run(&args, None);
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let g = &doc["gates"][0];
    assert_eq!(g["gate"], "fail-on-leaks");
    assert!(
        g["reason"]
            .as_str()
            .unwrap()
            .contains("cannot rule a leak out")
    );
}

/// Every format says when a class rests on few samples.
#[test]
fn few_samples_are_said_in_every_format() {
    let dir = td("go/sampled_fresh");
    let json = stdout(&run(&["diff", &dir, "-f", "json"], None));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cache = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["function"] == "main.(*ring).put")
        .unwrap();
    assert_eq!(cache["few_samples"], true);
    assert!(cache["samples"].as_f64().unwrap() < 50.0);
    assert!(
        doc["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("runtime.MemProfileRate")),
        "{}",
        doc["notes"]
    );
    let csv = stdout(&run(&["diff", &dir, "-f", "csv"], None));
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",noise,samples,few_samples")
    );
    let table = stdout(&run(&["diff", &dir], None));
    assert!(table.contains("few samples:"), "{table}");
    let md = stdout(&run(&["diff", &dir, "-f", "markdown"], None));
    assert!(md.contains("_(few samples:"), "{md}");
    let html = stdout(&run(&["diff", &dir, "-f", "html"], None));
    assert!(
        html.contains("class=\"caveat\">few samples:"),
        "{}",
        html.len()
    );
}

/// A Node series of testdata/gen/node/sampled.js, at V8's default interval.
fn node(name: &str) -> (Diff, serde_json::Value) {
    series_at(name, "interval_bytes")
}

/// Node at V8's default sampling interval: a leak already large at the first snapshot is the
/// one leak, at about the 400 bytes a session holds per request; the full ring of renderings
/// is not a leak. V8 writes no allocation counts, so what bounds replacement is the series'
/// own scatter (and the levels).
#[test]
fn node_at_the_default_interval() {
    let (d, gt) = node("node_sampled_uptime");
    let leak = gt["leak_function"].as_str().unwrap();
    assert_eq!(leaks(&d), [leak]);
    let u = row(&d, leak);
    assert!(
        u.series[0] > u.delta,
        "already large at the base: {:?}",
        u.series
    );
    assert!(u.noise * 3.0 < u.delta as f64);
    let per = u.per_unit.unwrap();
    assert!((300.0..=520.0).contains(&per), "{per:.1} B per request");
    let cache = row(&d, gt["cache_function"].as_str().unwrap());
    assert_ne!(cache.class, Class::Leak, "{:?}", cache.series);
    let (code, err) = gate("node_sampled_uptime");
    assert_eq!(code, Some(1), "{err}");
    assert!(!err.contains("renderCached"), "{err}");

    let (d, _) = node("node_sampled_noleak");
    assert!(leaks(&d).is_empty(), "{:?}", leaks(&d));
    let (code, err) = gate("node_sampled_noleak");
    assert_eq!(code, Some(0), "{err}");
}
