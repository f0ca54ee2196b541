//! URLs as inputs, against a real HTTP server on 127.0.0.1 in the test process that serves a
//! real testdata series in sequence, as a Go service's /debug/pprof/heap would.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::util::*;

/// A server answering `requests` requests: `/debug/pprof/heap` with the next snapshot of
/// testdata/go/leak, `/` with an HTML page, anything else with 404. Returns its address and
/// the request lines it saw.
fn serve(requests: usize) -> (String, Arc<Mutex<Vec<String>>>) {
    serve_series(requests, "go/leak")
}

/// As [`serve`], with the first four snapshots of `testdata/<series>`.
fn serve_series(requests: usize, series: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        let mut next = 1;
        for stream in listener.incoming().take(requests) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = head(&mut reader);
            log.lock().unwrap().push(request.trim().to_string());
            // Asked as a proxy is asked (CONNECT host:port), it opens the tunnel and answers
            // the request sent through it, for any host.
            if request.starts_with("CONNECT ") {
                let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                request = head(&mut reader);
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let (status, ctype, body) = if path.starts_with("/debug/pprof/heap") {
                let f = testdata(&format!("{series}/heap_00{next}.pb.gz"));
                next = next % 4 + 1;
                (
                    "200 OK",
                    "application/octet-stream",
                    std::fs::read(f).unwrap(),
                )
            } else if path == "/metrics" {
                // A request counter that grows with each snapshot served.
                let served = (next + 2) % 4 + 1;
                let body = format!(
                    "# TYPE http_requests_total counter\nhttp_requests_total{{code=\"200\"}} {}\nhttp_requests_total{{code=\"500\"}} 7\n",
                    served * 500
                );
                ("200 OK", "text/plain; version=0.0.4", body.into_bytes())
            } else if path == "/" {
                (
                    "200 OK",
                    "text/html; charset=utf-8",
                    b"<html>index</html>".to_vec(),
                )
            } else {
                (
                    "404 Not Found",
                    "text/plain",
                    b"404 page not found\n".to_vec(),
                )
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (addr, seen)
}

/// The request line of a request, its headers read past.
fn head(reader: &mut impl BufRead) -> String {
    let mut request = String::new();
    let _ = reader.read_line(&mut request);
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
    }
    request
}

#[test]
fn urls_are_inputs_like_files() {
    let (addr, seen) = serve(2);
    let url = format!("http://{addr}/debug/pprof/heap");
    let o = run(&["diff", "--gc", &url, &url], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("main.(*hub).subscribe"),
        "{}",
        stdout(&o)
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter().all(|r| r.contains("/debug/pprof/heap?gc=1")),
        "{seen:?}"
    );
    // show reads a URL too.
    let (addr, _) = serve(1);
    let o = run(&["show", &format!("http://{addr}/debug/pprof/heap")], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Go runtime/pprof"));
}

/// `HTTP_PROXY` is chosen as `go tool pprof` chooses it: the request goes through the proxy
/// (a CONNECT tunnel to the host); `NO_PROXY` and loopback hosts go direct.
#[test]
fn urls_go_through_an_http_proxy() {
    let (proxy, seen) = serve(2);
    // A host that never resolves: only the proxy can answer for it.
    let url = "http://heapdiff-proxy-test.invalid/debug/pprof/heap";
    let o = bin()
        .args(["diff", url, url])
        .env("HTTP_PROXY", format!("http://{proxy}"))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("http_proxy")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("main.(*hub).subscribe"));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(
        seen.iter()
            .all(|r| r.starts_with("CONNECT heapdiff-proxy-test.invalid:80 ")),
        "{seen:?}"
    );
    // Excluded by NO_PROXY, the host is looked up itself, and is not found: one line.
    let o = bin()
        .args(["show", url])
        .env("HTTP_PROXY", format!("http://{proxy}"))
        .env("NO_PROXY", ".invalid")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.lines().count() == 1 && err.contains("host not found"),
        "{err}"
    );
    // A loopback URL goes direct even with a proxy that is not there.
    let (addr, _) = serve(1);
    let o = bin()
        .args(["show", &format!("http://{addr}/debug/pprof/heap")])
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn url_failures_are_one_line() {
    let (addr, _) = serve(2);
    for (url, msg) in [
        (format!("http://{addr}/"), "an HTML page"),
        (format!("http://{addr}/nothing"), "answered 404"),
    ] {
        let o = run(&["show", &url], None);
        assert_eq!(o.status.code(), Some(2), "{url}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&url) && err.contains(msg), "{err}");
    }
    // A refused connection: a port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/debug/pprof/heap");
    let o = run(&["show", "--timeout", "5s", &url], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot fetch"), "{}", stderr(&o));
    let o = run(&["show", "https://127.0.0.1:1/heap"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot fetch"), "{}", stderr(&o));
}

/// `capture` keeps COUNT snapshots in time order with the work counter read with each, and
/// `diff DIR` takes its work axis from them.
#[test]
fn capture_then_diff_uses_the_recorded_work() {
    let (addr, seen) = serve(12);
    let dir = tempdir("capture");
    let out = dir.join("snaps");
    let o = run(
        &[
            "capture",
            &format!("http://{addr}/debug/pprof/heap"),
            "-n",
            "4",
            "--every",
            "100ms",
            "--work-metric",
            "http_requests_total{code=\"200\"}",
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty() && o.stderr.is_empty(),
        "quiet when not a terminal"
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "heap_0001.pb.gz",
            "heap_0002.pb.gz",
            "heap_0003.pb.gz",
            "heap_0004.pb.gz",
            "heapdiff-capture.tsv"
        ]
    );
    let record = read(&out.join("heapdiff-capture.tsv"));
    assert!(record.contains("work: http_requests_total"), "{record}");
    assert!(seen.lock().unwrap().iter().any(|r| r.contains("/metrics")));
    let o = run(
        &["diff", "--work-unit", "request", out.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("per request"), "{text}");
    assert!(
        stderr(&o).contains("heapdiff-capture.tsv"),
        "{}",
        stderr(&o)
    );
    // A second run into the same directory is refused (two runs are never mixed) and leaves
    // it as it was; --append continues the numbering and the record.
    let url = format!("http://{addr}/debug/pprof/heap");
    let again = |extra: &[&str]| {
        let mut args = vec![
            "capture",
            url.as_str(),
            "-n",
            "2",
            "--every",
            "100ms",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        run(&args, None)
    };
    let o = again(&["--work-metric", "http_requests_total{code=\"200\"}"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already holds a capture (4 snapshots)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 5);
    // Appending with another work axis would mix two axes.
    let o = again(&["--append"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("mix two axes"), "{}", stderr(&o));
    let o = again(&[
        "--append",
        "--work-metric",
        "http_requests_total{code=\"200\"}",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("heap_0006.pb.gz").exists());
    let record = read(&out.join("heapdiff-capture.tsv"));
    assert_eq!(
        record.lines().filter(|l| l.starts_with("heap_")).count(),
        6,
        "{record}"
    );
    assert!(record.contains("heap_0001.pb.gz\t"), "{record}");
}

/// `watch` shows the ranking after each snapshot and, with --fail-on-leaks, stops at the
/// first leak with exit 1; -o keeps the snapshots.
#[test]
fn watch_ranks_as_it_goes_and_gates_on_leaks() {
    let (addr, _) = serve(4);
    let url = format!("http://{addr}/debug/pprof/heap");
    let o = run(
        &["watch", &url, "--every", "100ms", "-n", "4", "--top", "3"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert_eq!(text.matches("== snapshot").count(), 3, "{text}");
    assert!(text.contains("main.(*hub).subscribe"));
    // The run ends with its verdict.
    assert!(
        stderr(&o).contains("heapdiff: verdict: 1 site(s) classed leak: main.(*hub).subscribe"),
        "{}",
        stderr(&o)
    );
    let (addr, _) = serve(4);
    let dir = tempdir("watch");
    let o = run(
        &[
            "watch",
            &format!("http://{addr}/debug/pprof/heap"),
            "--every",
            "100ms",
            "--for",
            "10s",
            "--fail-on-leaks",
            "-o",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("gate fail-on-leaks tripped"),
        "{}",
        stderr(&o)
    );
    assert!(dir.join("heap_0003.pb.gz").exists() || dir.join("heap_0004.pb.gz").exists());
}

/// A soak of four snapshots of a service that leaks nothing (sampled at Go's default rate)
/// passes the gate, and says it could not tell rather than that there is no leak.
#[test]
fn a_short_soak_that_saw_nothing_says_it_could_not_tell() {
    let (addr, _) = serve_series(4, "go/sampled_noleak");
    let o = run(
        &[
            "watch",
            &format!("http://{addr}/debug/pprof/heap"),
            "--every",
            "100ms",
            "-n",
            "4",
            "--fail-on-leaks",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("heapdiff: verdict: could not tell: no site classed leak, but 4 snapshots cannot rule a leak out"),
        "{err}"
    );
}

/// End to end against a real Go service (testdata/gen/service) under load, profiled at Go's
/// default sampling rate as production services are: `watch` with the service's work counter
/// as the work axis names the leaking function and fails the gate, never its full ring cache,
/// and its bytes per unit of work are the program's own within sampling noise. Without Go it
/// says it skipped, and under CI=true it fails.
#[test]
fn watch_a_real_go_service() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    if Command::new("go").arg("version").output().is_err() {
        require("go (Debian's golang-go) for the end-to-end watch of a Go service");
        return;
    }
    let dir = tempdir("go-service");
    let exe = dir.join("service");
    let built = Command::new("go")
        .args(["build", "-o"])
        .arg(&exe)
        .arg(".")
        .current_dir(root().join("testdata/gen/service"))
        .env("GOFLAGS", "-mod=mod")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let mut svc = Command::new(&exe)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(svc.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().to_string();
    // Load: a bounded stream of requests on the loopback address, stopped with the test.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (load_stop, load_addr) = (stop.clone(), addr.clone());
    let load = std::thread::spawn(move || {
        for _ in 0..20_000 {
            if load_stop.load(std::sync::atomic::Ordering::Relaxed) {
                break;
            }
            if let Ok(mut s) = std::net::TcpStream::connect(&load_addr) {
                let _ = write!(s, "GET /work?n=200 HTTP/1.0\r\nHost: {load_addr}\r\n\r\n");
                let _ = s.read_to_end(&mut Vec::new());
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    });
    // The program's own count: the session bytes it retained per request.
    let metrics = |addr: &str| -> (f64, f64) {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET /metrics HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let value = |name: &str| -> f64 {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{name} ")))
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        };
        (value("http_requests_total"), value("session_bytes_total"))
    };
    let o = run(
        &[
            "watch",
            &format!("http://{addr}/debug/pprof/heap"),
            "--every",
            "700ms",
            "-n",
            "10",
            "--fail-on-leaks",
            // A Go heap profile is as of the last collection: ask for one, so each snapshot
            // matches the request count read with it.
            "--gc",
            "--work-metric",
            "http_requests_total",
            "--top",
            "3",
        ],
        None,
    );
    let after = metrics(&addr);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = load.join();
    let _ = svc.kill();
    let _ = svc.wait();
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("main.(*registry).register classed leak"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("ring"), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("per http_requests_total"), "{out}");
    // Bytes per unit of work beside the program's own count: within a third, about three
    // standard deviations of sampling at 512 KiB for the tens of megabytes the run leaks.
    let own = after.1 / after.0;
    let row = out
        .lines()
        .rev()
        .find(|l| l.contains("main.(*registry).register"))
        .unwrap();
    // The columns: rank, class, growth, per request, trend, site.
    let words: Vec<&str> = row.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "leak").unwrap() + 3;
    assert_eq!(words[at + 1], "B", "{row}");
    let per: f64 = words[at]
        .trim_start_matches('+')
        .parse()
        .unwrap_or_else(|_| panic!("{row}"));
    assert!(
        (per - own).abs() / own < 0.34,
        "{per} vs the program's {own:.1} B per request: {row}"
    );
    eprintln!("watch of the Go service: {row}; the program's own figure: {own:.1} B per request");
}

/// Ctrl-C during `capture` keeps what was captured: whole snapshots and the record, no
/// temporary file.
#[cfg(unix)]
#[test]
fn interrupted_capture_keeps_what_it_took() {
    let (addr, _) = serve(100);
    let dir = tempdir("capture-int");
    let child = bin()
        .args([
            "capture",
            &format!("http://{addr}/debug/pprof/heap"),
            "-n",
            "50",
            "--every",
            "150ms",
            "-o",
            dir.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "interrupted");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let snaps = names.iter().filter(|n| n.starts_with("heap_")).count();
    assert!(snaps >= 2, "{names:?}");
    assert!(names.iter().any(|n| n == "heapdiff-capture.tsv"));
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    // What was captured is a series heapdiff reads.
    let o = run(&["diff", dir.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
}
