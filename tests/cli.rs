//! The command line: exit codes, errors, stdin, output files, formats and determinism.

use std::path::{Path, PathBuf};

use crate::util::*;

fn leak_pair() -> [String; 2] {
    [td("go/leak/heap_001.pb.gz"), td("go/leak/heap_004.pb.gz")]
}

#[test]
fn version_and_help() {
    let o = run(&["--version"], None);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("heapdiff "));
    let o = run(&["--help"], None);
    assert!(o.status.success());
    let help = stdout(&o);
    assert!(help.contains("diff"), "{help}");
    assert!(help.contains("Exit codes"), "{help}");
    let o = run(&["diff", "--help"], None);
    let help = stdout(&o);
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("--sample-index"), "{help}");
    assert!(help.contains("--format"), "{help}");
}

#[test]
fn help_examples_run() {
    // Every example in `diff --help` works on the bundled testdata.
    let help = stdout(&run(&["diff", "--help"], None));
    let dir = tempdir("examples");
    let mut n = 0;
    for line in help
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("heapdiff "))
        // Fleet examples need a server: tests/fleet.rs runs them against one.
        .filter(|l| !l.contains("http://"))
    {
        let args: Vec<String> = line
            .split_whitespace()
            .skip(1)
            .map(|a| {
                if a.starts_with("testdata/") {
                    td(a.trim_start_matches("testdata/"))
                } else if a.ends_with(".pb.gz") && !a.starts_with('-') {
                    dir.join(a).display().to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&refs, None);
        // The gate example trips on purpose: the leak series has a leak.
        let want = if line.contains("--fail-on") { 1 } else { 0 };
        assert_eq!(o.status.code(), Some(want), "{line}: {}", stderr(&o));
        n += 1;
    }
    assert!(n >= 2, "diff --help has examples");
}

#[test]
fn diff_table_names_the_leak_first() {
    let [a, b] = leak_pair();
    let o = run(&["diff", &a, &b, "--color", "never"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let first_row = out
        .lines()
        .skip_while(|l| !l.contains("growth  site"))
        .nth(1)
        .unwrap();
    assert!(first_row.contains("main.(*hub).subscribe"), "{out}");
    assert!(out.contains("total 151.7 KiB (155,360 B)"), "{out}");
    assert!(out.contains("growth +444.1 KiB (+454,808 B)"), "{out}");
    assert!(!out.contains('\x1b'));
}

#[test]
fn bad_inputs_exit_2_with_one_line_naming_the_file() {
    let good = td("crafted/small_base.pb");
    let cases = [
        ("crafted/does_not_exist.pb", "cannot read"),
        ("crafted/empty.pb.gz", "empty file"),
        ("crafted/not_a_profile.txt", "not a pprof profile"),
        ("crafted/truncated.pb.gz", "truncated or corrupt gzip"),
        ("crafted/truncated.pb", "truncated or not a profile"),
        ("crafted/dangling_location.pb", "refers to location id 9"),
        ("crafted/dangling_function.pb", "refers to function id 7"),
        ("crafted/bad_string_index.pb", "refers to string 40"),
        ("crafted/legacy_malformed.txt", "line 3"),
        ("crafted/inuse_space_kilobytes.pb", "measured in"),
    ];
    for (file, what) in cases {
        let bad = td(file);
        for args in [[bad.as_str(), good.as_str()], [good.as_str(), bad.as_str()]] {
            let o = run(&["diff", args[0], args[1]], None);
            assert_eq!(o.status.code(), Some(2), "{file}: {}", stderr(&o));
            let err = stderr(&o);
            assert_eq!(err.lines().count(), 1, "{file}: one line: {err}");
            assert!(err.contains(what), "{file}: {err}");
            assert!(err.contains("crafted/"), "{file}: names a file: {err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(o.stdout.is_empty());
        }
    }
}

#[test]
fn mismatched_sample_types_list_the_valid_types() {
    let o = run(
        &["diff", &td("crafted/cpu.pb"), &td("crafted/small_base.pb")],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("valid types: inuse_objects/count, inuse_space/bytes"),
        "{err}"
    );
    let o = run(
        &[
            "diff",
            "-i",
            "alloc_space",
            &td("crafted/small_base.pb"),
            &td("crafted/small_new.pb.gz"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no sample type \"alloc_space\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn profiles_without_samples_and_non_utf8_names_load() {
    let o = run(
        &[
            "diff",
            &td("crafted/no_samples.pb"),
            &td("crafted/small_new.pb.gz"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("total 0 B (0 B)"), "{}", stdout(&o));
    let o = run(
        &[
            "diff",
            "--format",
            "json",
            &td("crafted/non_utf8_name.pb"),
            &td("crafted/small_new.pb.gz"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = v["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "main.l\u{FFFD}ak")
        .expect("the name survives with a replacement character");
    assert_eq!(f["flat_delta"], -1024);
}

#[test]
fn a_failed_run_leaves_an_existing_output_file_alone() {
    let dir = tempdir("clobber");
    let out = dir.join("report.json");
    std::fs::write(&out, b"precious").unwrap();
    let o = run(
        &[
            "diff",
            "-f",
            "json",
            "-o",
            out.to_str().unwrap(),
            &td("crafted/truncated.pb.gz"),
            &td("crafted/small_base.pb"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left"
    );
    // A good run replaces it.
    let [a, b] = leak_pair();
    let o = run(
        &["diff", "-f", "json", "-o", out.to_str().unwrap(), &a, &b],
        None,
    );
    assert!(o.status.success());
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("\"schema\"")
    );
}

#[test]
fn stdin_is_read_for_dash() {
    let [a, b] = leak_pair();
    let bytes = std::fs::read(&b).unwrap();
    let o = run(&["diff", "-f", "json", &a, "-"], Some(&bytes));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["profiles"][1]["path"], "-");
    assert_eq!(v["total_delta"], 454_808);
    let o = run(&["diff", "-", "-"], Some(&bytes));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_lists_every_changed_function_with_exact_values() {
    let [a, b] = leak_pair();
    let o = run(&["diff", "-f", "json", "--top", "1", &a, &b], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "heapdiff.diff/2");
    assert_eq!(v["sample_type"]["type"], "inuse_space");
    assert_eq!(v["sample_type"]["unit"], "bytes");
    assert_eq!(v["profiles"][0]["total"], 155_360);
    assert_eq!(v["profiles"][1]["total"], 610_168);
    assert!(v["profiles"][0]["time_nanos"].as_i64().unwrap() > 0);
    let funcs = v["functions"].as_array().unwrap();
    assert!(funcs.len() > 1, "--top does not limit JSON");
    assert_eq!(funcs[0]["name"], "main.(*hub).subscribe");
    assert_eq!(funcs[0]["flat_delta"], 445_440);
    assert_eq!(funcs[0]["cum_delta"], 445_440);
    assert!(funcs[0]["file"].as_str().unwrap().ends_with("main.go"));
}

#[test]
fn every_format_is_deterministic() {
    let [a, b] = leak_pair();
    for f in ["table", "json", "csv", "markdown", "pprof"] {
        let dir = tempdir(&format!("det-{f}"));
        let p1 = dir.join("one");
        let p2 = dir.join("two");
        for p in [&p1, &p2] {
            let o = run(&["diff", "-f", f, "-o", p.to_str().unwrap(), &a, &b], None);
            assert!(o.status.success(), "{f}: {}", stderr(&o));
        }
        assert_eq!(
            std::fs::read(&p1).unwrap(),
            std::fs::read(&p2).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn markdown_and_csv_shapes() {
    let [a, b] = leak_pair();
    let md = stdout(&run(&["diff", "-f", "markdown", &a, &b], None));
    assert!(
        md.starts_with("### heapdiff: inuse\\_space (bytes), 2 profiles"),
        "{md}"
    );
    assert!(md.contains("| \\# | class | growth | site |"), "{md}");
    assert!(
        md.contains("| 1 | growing | +435.0 KiB | `main.(*hub).subscribe` main.go:62 |"),
        "{md}"
    );
    let csv = stdout(&run(&["diff", "-f", "csv", &a, &b], None));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "rank,function,file,line,class,base,last,delta,delta_objects,slope_per_second,per_unit,r2,grew_share,new,noise,samples,few_samples"
        )
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("1,main.(*hub).subscribe,")
    );
}

#[test]
fn pprof_output_reads_back_with_the_same_totals() {
    let [a, b] = leak_pair();
    let dir = tempdir("pprof");
    let out = dir.join("delta.pb.gz");
    let o = run(
        &["diff", "-f", "pprof", "-o", out.to_str().unwrap(), &a, &b],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let loaded = heapdiff::load::load(&out).unwrap();
    let p = &loaded.profile;
    let t = p.type_index("inuse_space").unwrap();
    assert_eq!(p.total(t), 454_808);
    let a2 = analyse(
        &[
            testdata("go/leak/heap_001.pb.gz"),
            testdata("go/leak/heap_004.pb.gz"),
        ],
        None,
    );
    let objects = a2.last().stacks.total_objects.unwrap() - a2.base().stacks.total_objects.unwrap();
    assert_eq!(p.total(p.type_index("inuse_objects").unwrap()), objects);
    // Function view of the delta equals the diff: the leak's flat, from the samples whose
    // leaf is it.
    let flat: i64 = (0..p.num_samples())
        .filter(|&i| {
            let leaf = p.sample_locations(i).first().unwrap() as usize;
            let f = p.locations[leaf].lines[0].function as usize;
            p.functions[f].name == "main.(*hub).subscribe"
        })
        .map(|i| p.value(i, t))
        .sum();
    assert_eq!(flat, 445_440);
    // A delta is not a snapshot: diffing it is refused with a line that says what it is.
    let o = run(&["diff", out.to_str().unwrap(), &a], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("a delta profile written by heapdiff"),
        "{}",
        stderr(&o)
    );
    // go tool pprof reads it too, when it is installed.
    if let Ok(o) = std::process::Command::new("go")
        .args(["tool", "pprof", "-top", "-unit=B"])
        .arg(&out)
        .output()
        && o.status.success()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("main.(*hub).subscribe"), "{text}");
        assert!(text.contains("445440B"), "{text}");
    }
}

#[test]
fn color_follows_flag_and_no_color() {
    let [a, b] = leak_pair();
    let o = run(&["diff", "--color", "always", &a, &b], None);
    assert!(stdout(&o).contains("\x1b[31m"));
    let o = bin()
        .args(["diff", &a, &b])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\x1b'));
    // Not a terminal: no colour by default.
    let o = run(&["diff", &a, &b], None);
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn closed_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let [a, b] = leak_pair();
    let mut child = bin()
        .args(["diff", "-f", "csv", &a, &b])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    let _ = stdout.read(&mut one);
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    assert!(o.status.code() == Some(0), "{:?} {}", o.status, stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn legacy_text_and_proto_of_one_gc_cycle_agree() {
    let proto = analyse(
        &[
            testdata("go/leak/heap_001.pb.gz"),
            testdata("go/leak/heap_004.pb.gz"),
        ],
        None,
    );
    let legacy = analyse(
        &[
            testdata("go/leak/heap_001.txt.gz"),
            testdata("go/leak/heap_004.txt.gz"),
        ],
        None,
    );
    assert_eq!(proto.base().total(), legacy.base().total());
    assert_eq!(proto.last().total(), legacy.last().total());
    let flat = |a: &heapdiff::series::Series| {
        heapdiff::analyse::functions::deltas(a)
            .into_iter()
            .find(|d| a.catalog.func(d.func).name == "main.(*hub).subscribe")
            .map(|d| d.flat_delta())
    };
    assert_eq!(flat(&proto), Some(445_440));
    assert_eq!(flat(&legacy), Some(445_440));
    assert!(Path::new(&td("go/leak/heap_001.txt.gz")).exists());
}

/// A usage error is one line `heapdiff: error: ...`, plus at most one hint line, exit 2.
#[test]
fn usage_errors_are_one_line() {
    let leak = td("go/leak");
    for args in [
        vec!["diff", "--bogus", leak.as_str()],
        vec!["diff", "--skip", "(", leak.as_str()],
        vec!["diff", "--format", "yaml", leak.as_str()],
        vec!["show"],
        vec!["flamegraph", "--min-width", "0", leak.as_str()],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        let lines: Vec<&str> = err.lines().collect();
        assert!(
            lines[0].starts_with("heapdiff: error: ") && lines.len() <= 2,
            "{args:?}: {err}"
        );
        assert!(
            lines
                .iter()
                .skip(1)
                .all(|l| l.starts_with("heapdiff: hint: ")),
            "{err}"
        );
    }
}

/// A missing file is named as missing, even when it is the only one.
#[test]
fn a_missing_file_is_said_to_be_missing() {
    let o = run(&["diff", "missing.pb"], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "heapdiff: error: missing.pb: cannot read: no such file or directory\n"
    );
}

/// Options that can do nothing say so on stderr; a gate that cannot trip is refused.
#[test]
fn options_that_can_do_nothing_say_so() {
    let (a, b) = (td("go/leak/heap_001.pb.gz"), td("go/leak/heap_004.pb.gz"));
    let o = run(&["diff", "--work-unit", "request", &a, &b], None);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("note: --work-unit does nothing without --work"),
        "{}",
        stderr(&o)
    );
    let o = run(&["flamegraph", "--all-growth", &a, &b], None);
    assert!(o.status.success());
    assert!(stderr(&o).contains("--all-growth does nothing with two profiles"));
    let o = run(&["diff", "--fail-on-leaks", &a, &b], None);
    assert_eq!(
        o.status.code(),
        Some(2),
        "two snapshots cannot pass a leak gate silently"
    );
    assert!(stderr(&o).contains("--fail-on-leaks needs three or more snapshots"));
}

/// With two snapshots and work given, the table shows growth per unit of work.
#[test]
fn two_snapshots_with_work_show_the_per_unit_column() {
    let (a, b) = (td("go/leak/heap_001.pb.gz"), td("go/leak/heap_004.pb.gz"));
    let o = run(
        &[
            "diff",
            "--work",
            "500,2000",
            "--work-unit",
            "request",
            &a,
            &b,
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let header = out
        .lines()
        .find(|l| l.trim_start().starts_with('#'))
        .unwrap();
    assert!(header.contains("per request"), "{out}");
    // 445,440 bytes over 1,500 requests.
    assert!(out.contains("+297.0 B"), "{out}");
}

/// `show` writes to -o and colours its header only when asked.
#[test]
fn show_writes_files_and_follows_color() {
    let dir = tempdir("show-o");
    let out = dir.join("show.json");
    let p = td("go/leak/heap_004.pb.gz");
    let o = run(
        &["show", "-f", "json", "-o", out.to_str().unwrap(), &p],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "heapdiff.show/1");
    let o = run(&["show", "--color", "always", &p], None);
    assert!(stdout(&o).starts_with("\x1b[1m"));
    let o = run(&["show", &p], None);
    assert!(!stdout(&o).contains('\x1b'));
}

/// An output file that is one of the inputs is refused, and the input is left as it was.
#[test]
fn an_output_naming_an_input_is_refused() {
    let dir = tempdir("out-is-input");
    let a = dir.join("a.pb.gz");
    let b = dir.join("b.pb.gz");
    std::fs::copy(testdata("go/leak/heap_001.pb.gz"), &a).unwrap();
    std::fs::copy(testdata("go/leak/heap_004.pb.gz"), &b).unwrap();
    let before = std::fs::read(&b).unwrap();
    for args in [
        vec!["diff", "-o"],
        vec!["diff", "-f", "pprof", "-o"],
        vec!["flamegraph", "-o"],
    ] {
        let mut args: Vec<&str> = args;
        args.extend([
            b.to_str().unwrap(),
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ]);
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("would overwrite the input"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(&b).unwrap(), before);
    }
}

/// Copies the go/leak series into `dir` under the given names (snapshot i gets names[i]).
fn leak_series_as(dir: &std::path::Path, names: &[&str]) {
    for (i, n) in names.iter().enumerate() {
        std::fs::copy(
            testdata(&format!("go/leak/heap_00{}.pb.gz", i + 1)),
            dir.join(n),
        )
        .unwrap();
    }
}

/// Inputs mean what the user meant: natural order, profiles found by content, one format per
/// snapshot in patterns as in directories.
#[test]
fn inputs_mean_what_the_user_meant() {
    let dir = tempdir("natural");
    // Named so that byte order would make heap_10 the base.
    leak_series_as(&dir, &["heap_8", "heap_9", "heap_10", "heap_11"]);
    std::fs::write(dir.join("notes.json"), b"{\"requests\": 3}").unwrap();
    // Text whose first byte is a valid profile.proto key: skipped by its head, not fatal.
    std::fs::write(
        dir.join("NOTES"),
        b"Heap notes: taken after the load test\n",
    )
    .unwrap();
    let got = heapdiff::source::files::expand_noting(std::slice::from_ref(&dir)).unwrap();
    let names: Vec<String> = got.inputs.iter().map(|p| p.short_name()).collect();
    assert_eq!(names, ["heap_8", "heap_9", "heap_10", "heap_11"]);
    assert!(
        got.notes
            .iter()
            .any(|n| n.contains("notes.json") && n.contains("NOTES")),
        "{:?}",
        got.notes
    );
    // The same snapshots saved twice: a pattern takes one format, as a directory does.
    let dir = tempdir("twoformats");
    for i in 1..=4 {
        for ext in ["pb.gz", "txt.gz"] {
            std::fs::copy(
                testdata(&format!("go/leak/heap_00{i}.{ext}")),
                dir.join(format!("heap_00{i}.{ext}")),
            )
            .unwrap();
        }
    }
    for arg in [dir.clone(), dir.join("heap_*")] {
        let got = heapdiff::source::files::expand_noting(&[arg]).unwrap();
        assert_eq!(got.inputs.len(), 4);
        assert!(got.inputs.iter().all(|p| p.to_string().ends_with(".pb.gz")));
        assert!(
            got.notes.iter().any(|n| n.contains("took .pb.gz")),
            "{:?}",
            got.notes
        );
    }
    // The same files named one by one (a shell's expansion of heap_*) pair the same way.
    let mut named: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    named.sort();
    assert_eq!(named.len(), 8);
    let got = heapdiff::source::files::expand_noting(&named).unwrap();
    let kept: Vec<String> = got.inputs.iter().map(|i| i.short_name()).collect();
    assert_eq!(
        kept,
        [
            "heap_001.pb.gz",
            "heap_002.pb.gz",
            "heap_003.pb.gz",
            "heap_004.pb.gz"
        ]
    );
    assert!(
        got.notes
            .iter()
            .any(|n| n.contains("several formats") && n.contains("heap_001.txt.gz")),
        "{:?}",
        got.notes
    );
    let o = run(&["diff", dir.join("heap_*").to_str().unwrap()], None);
    assert!(stdout(&o).contains(" leak "), "{}", stdout(&o));
}

/// Work axes that cannot be right are refused; so is a binary that does not exist.
#[test]
fn bad_work_and_binaries_are_refused() {
    let leak = td("go/leak");
    for (args, msg) in [
        (vec!["--work", "4,3,2,1"], "must not decrease"),
        (vec!["--work", "5,5,5,5"], "must grow"),
        (vec!["--work", "1,2"], "2 values but there are 4 profiles"),
        (vec!["--work-step", "0"], "above 0"),
        (vec!["--binary", "/no/such/binary"], "no such file"),
    ] {
        let mut a = vec!["diff"];
        a.extend(args.iter().copied());
        a.push(&leak);
        let o = run(&a, None);
        assert_eq!(o.status.code(), Some(2), "{a:?}");
        assert!(stderr(&o).contains(msg), "{a:?}: {}", stderr(&o));
    }
}

/// Outputs: written through a symbolic link, an existing file keeps its mode, a device or a
/// FIFO is written into (never replaced), and stale temporary files of killed runs are swept.
#[cfg(unix)]
#[test]
fn outputs_are_written_where_they_belong() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = tempdir("outputs");
    let leak = td("go/leak");
    let real = dir.join("real.txt");
    std::fs::write(&real, b"old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("real.txt", dir.join("link.txt")).unwrap();
    let o = run(
        &["diff", "-o", dir.join("link.txt").to_str().unwrap(), &leak],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let link = std::fs::symlink_metadata(dir.join("link.txt")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is still a link");
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("main.(*hub).subscribe")
    );
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A device is written into.
    let o = run(&["diff", "-o", "/dev/null", &leak], None);
    assert!(o.status.success());
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // A stale temporary file of a run that no longer exists is removed.
    let stale = dir.join(".out.txt.heapdiff-999999999.tmp");
    std::fs::write(&stale, b"half").unwrap();
    let o = run(
        &["diff", "-o", dir.join("out.txt").to_str().unwrap(), &leak],
        None,
    );
    assert!(o.status.success());
    assert!(!stale.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

/// pprof's filters on the command line: the header says what is on and what it kept; show
/// and flamegraph take them too; a bad expression is one line naming the flag.
#[test]
fn filters_on_the_command_line() {
    let leak = td("go/leak");
    let o = run(&["diff", "--focus", "subscribe", &leak], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("note: filters on (--focus=subscribe): the last profile keeps"),
        "{out}"
    );
    assert!(out.lines().filter(|l| l.contains("main.")).count() >= 1);
    let o = run(&["diff", "--ignore", "subscribe", &leak], None);
    assert!(
        !stdout(&o).contains("main.(*hub).subscribe"),
        "{}",
        stdout(&o)
    );
    let o = run(
        &["diff", "--focus", "no-such-function-anywhere", &leak],
        None,
    );
    assert!(
        stdout(&o).contains("--focus matched no frame"),
        "{}",
        stdout(&o)
    );
    let o = run(&["flamegraph", "--hide", "^runtime\\.", &leak], None);
    assert!(o.status.success());
    assert!(!stdout(&o).contains("runtime.main"));
    let o = run(
        &["show", "--show", "^main\\.", &td("go/leak/heap_004.pb.gz")],
        None,
    );
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("filters on (--show=^main\\.)"),
        "{}",
        stdout(&o)
    );
    let o = run(&["diff", "--focus", "(", &leak], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("heapdiff: error: --focus \"(\""),
        "{}",
        stderr(&o)
    );
}
