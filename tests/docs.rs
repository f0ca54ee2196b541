//! The finished-tool parts: help, generated man pages and completions, `show`, conventions.

use std::process::Command;

use crate::util::*;

#[test]
fn generated_man_pages_and_completions_are_current() {
    let dir = tempdir("generated");
    let o = run(&["generate", "all", "--dir", dir.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut stale = Vec::new();
    let mut count = 0;
    for sub in ["man", "completions"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let fresh = e.unwrap().path();
            let rel = fresh.strip_prefix(&dir).unwrap();
            count += 1;
            if std::fs::read(root().join(rel)).ok() != std::fs::read(&fresh).ok() {
                stale.push(rel.display().to_string());
            }
        }
    }
    assert_eq!(count, 11, "six man pages and five completions");
    assert!(
        stale.is_empty(),
        "stale generated files: {stale:?}\nrefresh them with:  cargo run -- generate all"
    );
}

#[test]
fn every_command_has_help_with_examples_and_exit_codes() {
    for cmd in ["diff", "flamegraph", "show", "capture", "watch"] {
        let o = run(&[cmd, "--help"], None);
        assert!(o.status.success(), "{cmd}");
        let h = stdout(&o);
        assert!(h.contains("Examples:"), "{cmd}: {h}");
        assert!(h.contains("Exit codes:"), "{cmd}: {h}");
        assert!(
            h.lines().next().is_some_and(|l| !l.is_empty()),
            "{cmd}: a description first"
        );
        // Every example runs on the bundled testdata (from the repository root).
        for ex in h
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("heapdiff "))
        {
            if ex.contains('|') {
                continue; // shell pipelines are checked by the stdin test
            }
            let dir = std::env::temp_dir().join(format!("heapdiff-ex-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let args: Vec<String> = ex
                .split_whitespace()
                .skip(1)
                .map(|a| {
                    if a.starts_with("testdata/") {
                        root().join(a).display().to_string()
                    } else if a.ends_with(".svg") || a.ends_with(".pb.gz") {
                        dir.join(a).display().to_string()
                    } else {
                        a.trim_matches('\'').to_string()
                    }
                })
                .collect();
            if ex.contains("http://") || ex.ends_with(" snaps") {
                // Needs a live service: tests/urls.rs runs these against a real server.
                continue;
            }
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let o = run(&refs, None);
            let want = if ex.contains("--fail-on") { 1 } else { 0 };
            assert_eq!(o.status.code(), Some(want), "{ex}: {}", stderr(&o));
        }
    }
    // Options are grouped under headings.
    let h = stdout(&run(&["diff", "--help"], None));
    for heading in ["Input:", "Output:", "Ranking:", "CI gates:"] {
        assert!(h.contains(heading), "{heading} in {h}");
    }
}

#[test]
fn man_page_renders() {
    if Command::new("man").arg("--version").output().is_err() {
        crate::util::require("man (Debian's man-db) to render the man pages");
        return;
    }
    for page in [
        "heapdiff.1",
        "heapdiff-diff.1",
        "heapdiff-flamegraph.1",
        "heapdiff-show.1",
        "heapdiff-capture.1",
        "heapdiff-watch.1",
    ] {
        let o = Command::new("man")
            .args(["-l", "-P", "cat"])
            .arg(root().join("man").join(page))
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{page}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("heapdiff"), "{page}");
        for section in [
            "SYNOPSIS",
            "EXIT STATUS",
            "ENVIRONMENT",
            "NO_COLOR",
            "SEE ALSO",
        ] {
            assert!(text.contains(section), "{page} lacks {section}: {text}");
        }
        // No page for a help subcommand that does not exist; no -V on subcommands.
        assert!(!text.contains("heapdiff-help"), "{page}: {text}");
        if page != "heapdiff.1" {
            assert!(!text.contains("--version"), "{page}: {text}");
            // PROFILE is optional where a fleet (--pyroscope, --parca) can stand for it.
            let operand = if page.contains("capture") || page.contains("watch") {
                "[URL]"
            } else if page.contains("show") {
                "<PROFILE>"
            } else {
                "[PROFILE]"
            };
            assert!(text.contains(operand), "{page}: {text}");
        }
    }
}

/// Asks bash's completion function what it offers after `words`.
fn complete(words: &[&str]) -> Vec<String> {
    let script = format!(
        "source {}; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; _heapdiff heapdiff '{}' '{}'; complete -p heapdiff >&2; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        root().join("completions/heapdiff.bash").display(),
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let o = Command::new("bash")
        .args(["--norc", "-c", &script])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("-F _heapdiff heapdiff"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completion_completes_subcommands_and_formats() {
    let subs = complete(&["heapdiff", ""]);
    for s in ["diff", "flamegraph", "show"] {
        assert!(subs.iter().any(|c| c == s), "{s} in {subs:?}");
    }
    let formats = complete(&["heapdiff", "diff", "--format", ""]);
    for f in ["table", "json", "csv", "markdown", "pprof", "folded"] {
        assert!(formats.iter().any(|c| c == f), "{f} in {formats:?}");
    }
    let modes = complete(&["heapdiff", "flamegraph", "--mode", ""]);
    assert!(modes.iter().any(|c| c == "differential"), "{modes:?}");
}

#[test]
fn show_describes_a_go_profile() {
    let o = run(&["show", &td("go/leak_sampled/heap_004.pb.gz")], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "producer      Go runtime/pprof",
        "sample types  alloc_objects/count, alloc_space/bytes, inuse_objects/count, inuse_space/bytes",
        "period        524,288 space/bytes (sampled: about one sample per 512.0 KiB allocated)",
        "symbolized    yes",
        "top sites (inuse_space):",
        "main.(*hub).subscribe  main.go:62",
    ] {
        assert!(out.contains(want), "{want:?} in\n{out}");
    }
}

#[test]
fn show_json_and_stdin() {
    let bytes = std::fs::read(testdata("go/leak/heap_004.txt.gz")).unwrap();
    let o = run(&["show", "--format", "json", "-"], Some(&bytes));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "heapdiff.show/1");
    assert_eq!(v["path"], "-");
    assert_eq!(v["format"], "legacy_heap_text");
    assert_eq!(v["gzipped"], true);
    assert_eq!(v["producer"], "go");
    assert_eq!(v["period"], 1);
    assert_eq!(v["top_sites"][0]["function"], "main.(*hub).subscribe");
    let inuse = v["sample_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "inuse_space")
        .unwrap();
    assert_eq!(inuse["total"], 610_168);
}

#[test]
fn show_notes_pprof_jl_allocations() {
    let o = run(&["show", &td("crafted/julia_allocs_2.pb.gz")], None);
    let out = stdout(&o);
    assert!(out.contains("producer      Julia PProf.jl"), "{out}");
    assert!(out.contains("record allocations, not live heap"), "{out}");
    let o = run(
        &[
            "diff",
            &td("crafted/julia_allocs_1.pb.gz"),
            &td("crafted/julia_allocs_2.pb.gz"),
        ],
        None,
    );
    assert!(
        stdout(&o).contains("note: PProf.jl allocation profiles record allocations, not live heap"),
        "{}",
        stdout(&o)
    );
    // The type frame PProf.jl puts at the leaf is not the site.
    assert!(
        stdout(&o).contains("cache_request(req::Request)  server.jl:41"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn show_unsymbolized_profile_says_so() {
    let Some(c) = corpus() else { return };
    let o = run(
        &[
            "show",
            c.join("rust/unsymbolized/heap_007.pb.gz").to_str().unwrap(),
        ],
        None,
    );
    let out = stdout(&o);
    assert!(
        out.contains("producer      jemalloc (jemalloc_pprof)"),
        "{out}"
    );
    // The service's own binary is not here; libc may be, with the same build id.
    assert!(
        out.contains("symbolized    no (addresses only)") || out.contains("symbolized    partly"),
        "{out}"
    );
    assert!(
        out.contains("no binary found to symbolize it; give --binary PATH"),
        "{out}"
    );
    assert!(
        out.contains("(build id f025f9f0cd8260f7133e5000c9dfba59f30fea18): not symbolized"),
        "{out}"
    );
}

#[test]
fn show_errors_like_diff() {
    let o = run(&["show", &td("crafted/truncated.pb.gz")], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1);
    let o = run(&["show"], None);
    assert_eq!(o.status.code(), Some(2), "usage errors exit 2");
    let o = run(&["no-such-command"], None);
    assert_eq!(o.status.code(), Some(2));
}

/// The README's console examples are what heapdiff prints; `HEAPDIFF_BLESS=1` rewrites them.
#[test]
fn readme_examples_show_real_output() {
    let path = root().join("README.md");
    let mut readme = read(&path);
    let bless = std::env::var_os("HEAPDIFF_BLESS").is_some_and(|v| v == "1");
    for example in [
        "diff testdata/go/leak --work-step 500 --work-unit request --top 5",
        "show testdata/go/leak/heap_004.pb.gz --top 3",
        "diff testdata/go/sampled_uptime --work-step 3000 --work-unit request --top 2",
        "diff testdata/go/sampled_fresh --work-step 6000 --work-unit request --top 2",
        "diff testdata/go/sampled_stairs --work-step 40000 --work-unit request --top 2",
    ] {
        let args: Vec<&str> = example.split_whitespace().collect();
        let o = bin()
            .args(&args)
            .current_dir(root())
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        if bless {
            let cmd = format!("$ heapdiff {}\n", args.join(" "));
            let start = readme.find(&cmd).expect("the example is in the README") + cmd.len();
            let end = start + readme[start..].find("```").unwrap();
            readme.replace_range(start..end, &out);
            std::fs::write(&path, &readme).unwrap();
            continue;
        }
        assert!(
            readme.contains(&*out),
            "README's example of `heapdiff {}` is stale (HEAPDIFF_BLESS=1 cargo test rewrites it); it prints:\n{out}",
            args.join(" ")
        );
    }
}
