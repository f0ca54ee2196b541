//! The HTML report in a real browser: headless Chromium loads the page from a file with the
//! network off, runs its script with no console error, and the rendered page has the sites,
//! their charts, the interactive flamegraph and a search that highlights a frame. Skipped,
//! saying so, when Chromium is not installed.

use std::process::Command;

use crate::util::*;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

fn browse(
    browser: &str,
    profile_dir: &std::path::Path,
    extra: &[&str],
    url: &str,
) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // No network: every byte must be in the page.
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", profile_dir.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap()
}

#[test]
fn the_report_works_in_a_real_browser() {
    let Some(browser) = chromium() else {
        crate::util::require("chromium for the browser test of the HTML report");
        return;
    };
    let dir = tempdir("html");
    let page = dir.join("report.html");
    let o = run(
        &[
            "diff",
            "-f",
            "html",
            "--work-step",
            "500",
            "--work-unit",
            "request",
            "-o",
            page.to_str().unwrap(),
            &td("go/leak"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let url = format!("file://{}?s=subscribe", page.display());
    let o = browse(browser, &dir.join("profile"), &["--dump-dom"], &url);
    assert!(o.status.success(), "{}", stderr(&o));
    let dom = stdout(&o);
    let log = stderr(&o);
    for line in log.lines().filter(|l| l.contains("CONSOLE")) {
        assert!(
            !line.contains("Uncaught") && !line.contains("Error"),
            "{line}"
        );
    }
    assert_eq!(dom.matches("<tr class=\"site\"").count(), 8, "rows");
    assert!(dom.matches("class=\"chart\"").count() >= 8, "charts");
    assert!(dom.contains("id=\"retention\""), "the flamegraph");
    assert!(
        dom.contains("id=\"differential\""),
        "the differential picture"
    );
    // The search from the address highlighted the leaking frame.
    assert!(dom.contains("rgb(230,0,230)"), "search highlight");
    assert!(dom.contains("Matched:"), "search result");
    // A screenshot of the page.
    let shot = dir.join("report.png");
    let o = browse(
        browser,
        &dir.join("profile2"),
        &[
            "--window-size=1280,1600",
            &format!("--screenshot={}", shot.display()),
        ],
        &url,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
}

/// The same inputs give the same page; a page of two equal snapshots says nothing grew.
#[test]
fn the_report_is_deterministic_and_plain_when_nothing_changed() {
    let a = run(&["diff", "-f", "html", &td("go/leak")], None);
    let b = run(&["diff", "-f", "html", &td("go/leak")], None);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let p = td("go/leak/heap_002.pb.gz");
    let o = run(&["diff", "-f", "html", &p, &p], None);
    assert!(stdout(&o).contains("Nothing grew between the first and last snapshot"));
    // Nothing is fetched: no address outside the page.
    let page = stdout(&a);
    assert!(!page.contains("src=\"http") && !page.contains("href=\"http"));
}
