//! Fleets as sources, against servers on 127.0.0.1 that speak Grafana Pyroscope's Connect API
//! and Parca's gRPC-Web API for the calls heapdiff makes (no Pyroscope or Parca binary can be
//! installed here). Two pods serve the same real series, each scraped twice per window, so a
//! window's merge sums four heaps: read as the mean it must be one pod's heap again, to the
//! byte, and the diff must be the diff of the files themselves. The merges are made by
//! `go tool pprof -proto`, which sums as the backends' merges do. The messages the servers
//! read and write are encoded here from the field numbers of the projects' .proto files,
//! apart from heapdiff's own (whose bytes src/source/fleet checks against protoc's).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crate::http::{Reply, Seen, Tls, serve};
use crate::util::*;

/// 2026-12-04T03:00:00Z.
const T0: i64 = 1_796_353_200_000;
const STEP: i64 = 600_000;
const PODS: [&str; 2] = ["api-0", "api-1"];
/// When each pod is scraped in a window, from its start (ms): twice per window.
const SCRAPES: [[i64; 2]; 2] = [[15_000, 315_000], [20_000, 320_000]];

// A protobuf encoder and a reader of top-level fields, enough for the mock servers.
fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}
fn field_bytes(tag: u64, b: &[u8], out: &mut Vec<u8>) {
    varint(tag << 3 | 2, out);
    varint(b.len() as u64, out);
    out.extend_from_slice(b);
}
fn field_varint(tag: u64, v: u64, out: &mut Vec<u8>) {
    varint(tag << 3, out);
    varint(v, out);
}
fn field_double(tag: u64, v: f64, out: &mut Vec<u8>) {
    varint(tag << 3 | 1, out);
    out.extend_from_slice(&v.to_le_bytes());
}

/// The top-level fields of a message: (tag, varint value or bytes).
fn fields(mut b: &[u8]) -> Vec<(u64, u64, Vec<u8>)> {
    fn read(b: &mut &[u8]) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let x = b[0];
            *b = &b[1..];
            v |= u64::from(x & 0x7f) << shift;
            shift += 7;
            if x < 0x80 {
                return v;
            }
        }
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = read(&mut b);
        match key & 7 {
            0 => out.push((key >> 3, read(&mut b), Vec::new())),
            1 => {
                out.push((
                    key >> 3,
                    u64::from_le_bytes(b[..8].try_into().unwrap()),
                    Vec::new(),
                ));
                b = &b[8..];
            }
            2 => {
                let n = read(&mut b) as usize;
                out.push((key >> 3, 0, b[..n].to_vec()));
                b = &b[n..];
            }
            w => panic!("wire type {w}"),
        }
    }
    out
}
fn int(f: &[(u64, u64, Vec<u8>)], tag: u64) -> i64 {
    f.iter().find(|x| x.0 == tag).map_or(0, |x| x.1 as i64)
}
fn text(f: &[(u64, u64, Vec<u8>)], tag: u64) -> Vec<String> {
    f.iter()
        .filter(|x| x.0 == tag)
        .map(|x| String::from_utf8(x.2.clone()).unwrap())
        .collect()
}

/// Snapshot `i` of every pod, four scrapes, merged by `go tool pprof -proto` (gzipped).
fn merges(snapshots: &[PathBuf], dir: &Path) -> Vec<Vec<u8>> {
    snapshots
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let out = dir.join(format!("merged_{i}.pb.gz"));
            let o = Command::new("go")
                .args(["tool", "pprof", "-proto", "-output"])
                .arg(&out)
                .args([s, s, s, s])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            std::fs::read(&out).unwrap()
        })
        .collect()
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The window a request's start falls in.
fn window_of(start_ms: i64) -> usize {
    ((start_ms - T0) / STEP) as usize
}

/// The scrape times of pod `p` in the first `n` windows.
fn scrapes(p: usize, n: usize) -> Vec<i64> {
    (0..n as i64)
        .flat_map(|w| SCRAPES[p].iter().map(move |o| T0 + w * STEP + o))
        .collect()
}

struct Mock {
    merged: Vec<Vec<u8>>,
    /// Old servers have no SelectMergeStacktraces in the pprof format.
    old: bool,
    /// A live fleet: every window asked for holds each pod's scrape just before its end,
    /// and the merges go through the snapshots in turn (for `watch`).
    live: Option<std::sync::Mutex<usize>>,
}

fn connect_error(status: &'static str, code: &str, message: &str) -> Reply {
    (
        status,
        "application/json".into(),
        format!("{{\"code\":\"{code}\",\"message\":\"{message}\"}}").into_bytes(),
    )
}

/// Pyroscope's QuerierService, for tenant `tenant-a`.
fn pyroscope(m: &Mock, s: &Seen) -> Reply {
    let proto = ("200 OK", "application/proto".to_string());
    if s.header("content-type") != Some("application/proto")
        || s.header("connect-protocol-version") != Some("1")
    {
        return connect_error(
            "415 Unsupported Media Type",
            "unknown",
            "not a Connect proto call",
        );
    }
    if s.header("x-scope-orgid") != Some("tenant-a") {
        return connect_error("401 Unauthorized", "unauthenticated", "no org id");
    }
    let f = fields(&s.body);
    let method = s.path().rsplit('/').next().unwrap_or("");
    let typ = "memory:inuse_space:bytes:space:bytes";
    let mut out = Vec::new();
    match method {
        "ProfileTypes" => {
            for (id, st, unit) in [
                (typ, "inuse_space", "bytes"),
                (
                    "memory:inuse_objects:count:space:bytes",
                    "inuse_objects",
                    "count",
                ),
                (
                    "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
                    "cpu",
                    "nanoseconds",
                ),
            ] {
                let mut t = Vec::new();
                field_bytes(1, id.as_bytes(), &mut t);
                field_bytes(2, id.split(':').next().unwrap().as_bytes(), &mut t);
                field_bytes(4, st.as_bytes(), &mut t);
                field_bytes(5, unit.as_bytes(), &mut t);
                field_bytes(1, &t, &mut out);
            }
        }
        "LabelNames" => {
            assert_eq!(text(&f, 1), ["{service_name=\"api\"}"]);
            for n in ["__name__", "pod", "service_name"] {
                field_bytes(1, n.as_bytes(), &mut out);
            }
        }
        "SelectSeries" => {
            assert_eq!(text(&f, 1), [typ]);
            assert_eq!(text(&f, 5), ["pod"], "grouped by the instance label");
            let step = f64::from_bits(f.iter().find(|x| x.0 == 6).unwrap().1);
            assert_eq!(step, 1.0);
            let (start, end) = (int(&f, 3), int(&f, 4));
            for (p, pod) in PODS.iter().enumerate() {
                let mut series = Vec::new();
                let mut label = Vec::new();
                field_bytes(1, b"pod", &mut label);
                field_bytes(2, pod.as_bytes(), &mut label);
                field_bytes(1, &label, &mut series);
                let times = match m.live {
                    Some(_) => vec![end - 1 - p as i64],
                    None => scrapes(p, m.merged.len()),
                };
                for t in times {
                    if t >= start && t <= end {
                        let mut point = Vec::new();
                        field_double(1, 1.0e6, &mut point);
                        field_varint(2, t as u64, &mut point);
                        field_bytes(2, &point, &mut series);
                    }
                }
                field_bytes(1, &series, &mut out);
            }
        }
        "SelectMergeStacktraces" | "SelectMergeProfile" => {
            assert_eq!(text(&f, 1), [typ]);
            assert_eq!(text(&f, 2), ["{service_name=\"api\"}"]);
            let (start, end) = (int(&f, 3), int(&f, 4));
            let w = match &m.live {
                Some(next) => {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    (*n - 1) % m.merged.len()
                }
                None => {
                    let w = window_of(start);
                    assert_eq!(
                        (start, end),
                        (T0 + w as i64 * STEP, T0 + (w as i64 + 1) * STEP - 1)
                    );
                    w
                }
            };
            let profile = gunzip(&m.merged[w]);
            if method == "SelectMergeProfile" {
                return ("200 OK", "application/proto".into(), profile);
            }
            if m.old {
                return connect_error("404 Not Found", "unimplemented", "no pprof format");
            }
            assert_eq!(int(&f, 6), 4, "PROFILE_FORMAT_PPROF");
            let mut pprof = Vec::new();
            field_bytes(1, &profile, &mut pprof);
            field_bytes(5, &pprof, &mut out);
        }
        _ => return connect_error("404 Not Found", "unimplemented", "no such method"),
    }
    (proto.0, proto.1, out)
}

/// Parca's QueryService over gRPC-Web.
fn parca(m: &Mock, s: &Seen) -> Reply {
    assert_eq!(s.header("content-type"), Some("application/grpc-web+proto"));
    let body = &s.body[5..];
    assert_eq!(s.body[0], 0);
    assert_eq!(
        u32::from_be_bytes(s.body[1..5].try_into().unwrap()) as usize,
        body.len()
    );
    let f = fields(body);
    let method = s.path().rsplit('/').next().unwrap_or("");
    let ts = |b: &[u8]| {
        let t = fields(b);
        int(&t, 1) * 1000 + int(&t, 2) / 1_000_000
    };
    let stamp = |ms: i64| {
        let mut t = Vec::new();
        field_varint(1, (ms / 1000) as u64, &mut t);
        t
    };
    let mut out = Vec::new();
    match method {
        "QueryRange" => {
            assert_eq!(
                text(&f, 1),
                ["memory:inuse_space:bytes:space:bytes{job=\"api\"}"]
            );
            let start = ts(&f.iter().find(|x| x.0 == 2).unwrap().2);
            let step = fields(&f.iter().find(|x| x.0 == 5).unwrap().2);
            assert_eq!(int(&step, 1) * 1000, STEP);
            for pod in PODS {
                let mut series = Vec::new();
                let mut label = Vec::new();
                field_bytes(1, b"pod", &mut label);
                field_bytes(2, pod.as_bytes(), &mut label);
                let mut set = Vec::new();
                field_bytes(1, &label, &mut set);
                field_bytes(1, &set, &mut series);
                for w in 0..m.merged.len() as i64 {
                    // One bucket per step from the start, holding its two scrapes.
                    let mut sample = Vec::new();
                    field_bytes(1, &stamp(start + w * STEP), &mut sample);
                    field_varint(2, 1_000_000, &mut sample);
                    field_varint(5, 2, &mut sample);
                    field_bytes(2, &sample, &mut series);
                }
                field_bytes(1, &series, &mut out);
            }
        }
        "Query" => {
            assert_eq!(int(&f, 1), 2, "MODE_MERGE");
            assert_eq!(int(&f, 5), 1, "REPORT_TYPE_PPROF");
            let merge = fields(&f.iter().find(|x| x.0 == 3).unwrap().2);
            let start = ts(&merge.iter().find(|x| x.0 == 2).unwrap().2);
            let end = ts(&merge.iter().find(|x| x.0 == 3).unwrap().2);
            let w = window_of(start);
            assert_eq!(end, T0 + (w as i64 + 1) * STEP - 1);
            field_bytes(6, &m.merged[w], &mut out);
        }
        _ => {
            return (
                "200 OK",
                "application/grpc-web+proto\r\ngrpc-status: 12\r\ngrpc-message: unimplemented"
                    .into(),
                Vec::new(),
            );
        }
    }
    let mut framed = vec![0];
    framed.extend_from_slice(&(out.len() as u32).to_be_bytes());
    framed.extend_from_slice(&out);
    let trailer = b"grpc-status: 0\r\ngrpc-message: \r\n";
    framed.push(0x80);
    framed.extend_from_slice(&(trailer.len() as u32).to_be_bytes());
    framed.extend_from_slice(trailer);
    ("200 OK", "application/grpc-web+proto".into(), framed)
}

fn json(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// A site: function, class, delta, series.
type Site = (String, String, i64, Vec<i64>);

/// What a diff's sites and totals are, time aside (the fleet's clock is its windows').
fn essence(d: &serde_json::Value) -> (Vec<i64>, Vec<Site>) {
    let totals = d["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["total"].as_i64().unwrap())
        .collect();
    let sites = d["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["function"].as_str().unwrap().to_string(),
                s["class"].as_str().unwrap().to_string(),
                s["delta"].as_i64().unwrap(),
                s["series"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap())
                    .collect(),
            )
        })
        .collect();
    (totals, sites)
}

fn go_present() -> bool {
    if Command::new("go").arg("version").output().is_ok() {
        return true;
    }
    require("Go (go tool pprof makes the backends' merges)");
    false
}

/// The range flags for `n` windows from T0.
fn range(n: usize) -> Vec<String> {
    let end = T0 / 1000 + n as i64 * STEP / 1000;
    vec![
        "--from".into(),
        "2026-12-04T03:00:00Z".into(),
        "--to".into(),
        end.to_string(),
        "--step".into(),
        "10m".into(),
    ]
}

#[test]
fn a_hidden_series_from_two_pods_in_pyroscope_over_https() {
    let Some(c) = corpus() else { return };
    if !go_present() {
        return;
    }
    let gt: serde_json::Value = serde_json::from_str(&read(&c.join("GROUNDTRUTH.json"))).unwrap();
    let series = &gt["series"]["go/mixed"];
    let dir = c.join("go/mixed");
    let snaps: Vec<PathBuf> = series["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| dir.join(s.as_str().unwrap()))
        .collect();
    let tmp = tempdir("fleet-pyroscope");
    let mock = Arc::new(Mock {
        merged: merges(&snaps, &tmp),
        old: false,
        live: None,
    });
    let m = mock.clone();
    let (addr, seen) = serve(Tls::Server, move |s| pyroscope(&m, s));
    let url = format!("https://{addr}");
    let ca = td("tls/ca.pem");
    let mut args: Vec<String> = [
        "diff",
        "--pyroscope",
        &url,
        "--tls-ca",
        &ca,
        "-H",
        "X-Scope-OrgID: tenant-a",
        "--query",
        "{service_name=\"api\"}",
        "-f",
        "json",
    ]
    .map(String::from)
    .to_vec();
    args.extend(range(snaps.len()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let fleet = json(&run(&argv, None));
    let files = json(&run(&["diff", dir.to_str().unwrap(), "-f", "json"], None));
    let (fleet_totals, fleet_sites) = essence(&fleet);
    let (file_totals, file_sites) = essence(&files);
    // The mean of four scrapes of two pods is one pod's heap, to the byte, at every window.
    assert_eq!(fleet_totals, file_totals);
    let truth: Vec<i64> = series["total_inuse_space_per_snapshot"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(fleet_totals, truth);
    // The true leak is #1 and classed leak, and every site is as the files give it.
    let leak = series["leak_functions"][0].as_str().unwrap();
    assert_eq!(fleet_sites[0].0, leak);
    assert_eq!(fleet_sites[0].1, "leak");
    assert_eq!(fleet_sites, file_sites);
    // The requests: one merge per window, counted by one SelectSeries.
    let methods: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.path().rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(
        methods
            .iter()
            .filter(|m| *m == "SelectMergeStacktraces")
            .count(),
        snaps.len()
    );
    assert_eq!(methods.iter().filter(|m| *m == "SelectSeries").count(), 1);

    // The header says how a window is read; --fleet total is the two pods' heap.
    let table: Vec<&str> = argv
        .iter()
        .copied()
        .filter(|a| *a != "-f" && *a != "json")
        .collect();
    let o = run(&table, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("mean of 4 profiles from 2 pods"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("\"pod\""), "{}", stderr(&o));
    let mut total = args.clone();
    total.extend(["--fleet".to_string(), "total".to_string()]);
    let total: Vec<&str> = total.iter().map(String::as_str).collect();
    let (totals, sites) = essence(&json(&run(&total, None)));
    assert_eq!(
        totals,
        file_totals.iter().map(|t| 2 * t).collect::<Vec<_>>()
    );
    assert_eq!(sites[0].0, leak);

    // A flamegraph of the same source.
    let mut flame: Vec<&str> = vec!["flamegraph"];
    flame.extend(argv[1..9].iter().copied());
    let r = range(snaps.len());
    flame.extend(r.iter().map(String::as_str));
    let o = run(&flame, None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("<?xml"), "{}", &stdout(&o)[..100]);
}

#[test]
fn pyroscope_failures_are_one_line_and_old_servers_still_answer() {
    if !go_present() {
        return;
    }
    let snaps: Vec<PathBuf> = (1..=4)
        .map(|i| testdata(&format!("go/leak/heap_00{i}.pb.gz")))
        .collect();
    let tmp = tempdir("fleet-pyroscope-old");
    let mock = Arc::new(Mock {
        merged: merges(&snaps, &tmp),
        old: true,
        live: None,
    });
    let m = mock.clone();
    let (addr, seen) = serve(Tls::No, move |s| pyroscope(&m, s));
    let url = format!("http://{addr}");
    let base = |extra: &[&str]| {
        let mut a: Vec<String> = [
            "diff",
            "--pyroscope",
            &url,
            "--query",
            "{service_name=\"api\"}",
        ]
        .map(String::from)
        .to_vec();
        a.extend(range(4));
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let go = |a: Vec<String>| {
        let v: Vec<&str> = a.iter().map(String::as_str).collect();
        run(&v, None)
    };
    // An old server: SelectMergeProfile after SelectMergeStacktraces is refused.
    let d = json(&go(base(&["-H", "X-Scope-OrgID: tenant-a", "-f", "json"])));
    let (_, sites) = essence(&d);
    assert_eq!(sites[0].0, "main.(*hub).subscribe");
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|s| s.path().ends_with("/SelectMergeProfile"))
    );
    // No tenant: the server's own message, on one line, exit 2.
    let o = go(base(&[]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("401") && err.contains("no org id"), "{err}");
    // A type the server does not hold: refused with the ones it does.
    let o = go(base(&[
        "-H",
        "X-Scope-OrgID: tenant-a",
        "--profile-type",
        "memory:inuse_space:bytes:inuse_space:bytes",
    ]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("memory:inuse_objects:count:space:bytes") && !err.contains("process_cpu"),
        "{err}"
    );
    // A range of one window, and flags that need a fleet, are refused by the flags.
    let o = run(
        &[
            "diff",
            "--pyroscope",
            &url,
            "--from",
            "now-10m",
            "--to",
            "now",
            "--step",
            "10m",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("two or more"), "{}", stderr(&o));
    let o = run(&["diff", "--from", "now-1h", &td("go/leak")], None);
    assert_eq!(o.status.code(), Some(2));

    // capture saves the windows as the heaps --fleet reads, and diff DIR reads them back to
    // the same answer; -n and --every are for a URL.
    let out = tmp.join("snaps");
    let mut cap = base(&["-H", "X-Scope-OrgID: tenant-a", "-o", out.to_str().unwrap()]);
    cap[0] = "capture".into();
    let o = go(cap.clone());
    assert!(o.status.success(), "{}", stderr(&o));
    let files = json(&run(&["diff", out.to_str().unwrap(), "-f", "json"], None));
    assert_eq!(essence(&files), essence(&d));
    let record = read(&out.join("heapdiff-capture.tsv"));
    assert!(
        record.contains("# heapdiff capture of pyroscope http://"),
        "{record}"
    );
    let saved = heapdiff::load(out.join("heap_0001.pb.gz")).unwrap().profile;
    assert!(
        saved
            .comments
            .iter()
            .any(|c| c.contains("mean of 4 profiles from 2 pods")),
        "{:?}",
        saved.comments
    );
    cap.extend(["-n".to_string(), "2".to_string()]);
    let o = go(cap);
    assert_eq!(o.status.code(), Some(2));
}

/// `watch` of a fleet reads the window of --every that ends at each round, and ranks the
/// snapshots as they come.
#[test]
fn watch_a_fleet() {
    if !go_present() {
        return;
    }
    let snaps: Vec<PathBuf> = (1..=4)
        .map(|i| testdata(&format!("go/leak/heap_00{i}.pb.gz")))
        .collect();
    let tmp = tempdir("fleet-watch");
    let mock = Arc::new(Mock {
        merged: merges(&snaps, &tmp),
        old: false,
        live: Some(std::sync::Mutex::new(0)),
    });
    let m = mock.clone();
    let (addr, _) = serve(Tls::No, move |s| pyroscope(&m, s));
    let o = run(
        &[
            "watch",
            "--pyroscope",
            &format!("http://{addr}"),
            "--query",
            "{service_name=\"api\"}",
            "-H",
            "X-Scope-OrgID: tenant-a",
            "--every",
            "300ms",
            "-n",
            "4",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.matches("== snapshot").count(), 3, "{out}");
    assert!(out.contains("main.(*hub).subscribe"), "{out}");
    assert!(stderr(&o).contains("verdict"), "{}", stderr(&o));
    // The profile options reach watch's loading and analysis as they reach diff's.
    let o = run(
        &[
            "watch",
            "--pyroscope",
            &format!("http://{addr}"),
            "--query",
            "{service_name=\"api\"}",
            "-H",
            "X-Scope-OrgID: tenant-a",
            "--every",
            "300ms",
            "-n",
            "2",
            "-i",
            "inuse_objects",
            "--focus",
            "subscribe",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("inuse_objects (count)"), "{out}");
    assert!(out.contains("filters on (--focus=subscribe)"), "{out}");
    // --from and --to are for ranges, not rounds.
    let o = run(
        &[
            "watch",
            "--pyroscope",
            &format!("http://{addr}"),
            "--every",
            "1s",
            "--from",
            "now-1h",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn parca_over_grpc_web() {
    if !go_present() {
        return;
    }
    let snaps: Vec<PathBuf> = (1..=4)
        .map(|i| testdata(&format!("go/leak/heap_00{i}.pb.gz")))
        .collect();
    let tmp = tempdir("fleet-parca");
    let mock = Arc::new(Mock {
        merged: merges(&snaps, &tmp),
        old: false,
        live: None,
    });
    let m = mock.clone();
    let (addr, _) = serve(Tls::No, move |s| parca(&m, s));
    let mut a: Vec<String> = [
        "diff",
        "--parca",
        &format!("http://{addr}"),
        "--query",
        "{job=\"api\"}",
        "-f",
        "json",
    ]
    .map(String::from)
    .to_vec();
    a.extend(range(4));
    let v: Vec<&str> = a.iter().map(String::as_str).collect();
    let fleet = json(&run(&v, None));
    let files = json(&run(&["diff", &td("go/leak"), "-f", "json"], None));
    assert_eq!(essence(&fleet), essence(&files));
}

/// Against a real Pyroscope, for anyone who has one: `HEAPDIFF_PYROSCOPE_URL=http://host:4040`
/// (and `HEAPDIFF_PYROSCOPE_QUERY`, default `{}`) diffs the last hour's heap in 10-minute
/// windows and checks the answer is a ranking. Without the variable this test does nothing.
#[test]
fn a_real_pyroscope_when_one_is_named() {
    let Ok(url) = std::env::var("HEAPDIFF_PYROSCOPE_URL") else {
        return;
    };
    let query = std::env::var("HEAPDIFF_PYROSCOPE_QUERY").unwrap_or_else(|_| "{}".into());
    let o = run(
        &[
            "diff",
            "--pyroscope",
            &url,
            "--query",
            &query,
            "--from",
            "now-1h",
            "--to",
            "now",
            "--step",
            "10m",
            "-f",
            "json",
        ],
        None,
    );
    let d = json(&o);
    assert!(d["profiles"].as_array().unwrap().len() >= 2);
}
