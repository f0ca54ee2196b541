//! Flamegraphs: the SVG parsed as XML, options, empty pictures, and the folded output (the
//! golden SVGs are in `goldens`).

use crate::util::*;

fn parse(svg: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(svg, opts).expect("the SVG is well-formed XML")
}

/// The `<title>` texts of every frame.
fn frame_titles(svg: &str) -> Vec<String> {
    let doc = parse(svg);
    doc.descendants()
        .filter(|n| n.has_tag_name("title"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

#[test]
fn retention_svg_names_the_leak_with_its_growth_and_the_totals() {
    let o = run(
        &[
            "flamegraph",
            &td("go/leak/heap_001.pb.gz"),
            &td("go/leak/heap_004.pb.gz"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = stdout(&o);
    let titles = frame_titles(&svg);
    // 445,440 bytes of growth at the leak site: 256-byte subscribers and the map's buckets.
    assert!(
        titles
            .iter()
            .any(|t| t == "main.(*hub).subscribe (445,440 bytes, 97.89%)"),
        "{titles:?}"
    );
    let doc = parse(&svg);
    let text_of = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        text_of("title"),
        "New retention: inuse_space (redder: more of the growth)"
    );
    assert_eq!(
        text_of("subtitle"),
        "heap_001.pb.gz → heap_004.pb.gz: 151.7 KiB → 595.9 KiB (+444.1 KiB)"
    );
}

#[test]
fn leak_is_the_widest_tower_in_the_corpus_mixed_series() {
    let Some(c) = corpus() else { return };
    let o = run(&["flamegraph", c.join("go/mixed").to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let titles = frame_titles(&stdout(&o));
    // The cache that filled early is not drawn; the leak site carries the growth.
    assert!(
        !titles.iter().any(|t| t.starts_with("main.newSession")),
        "{titles:?}"
    );
    let intern = titles
        .iter()
        .filter(|t| t.starts_with("main.(*symbolTable).intern "))
        .count();
    assert!(intern >= 1);
    // With every stack that grew, the cache shows too.
    let o = run(
        &[
            "flamegraph",
            "--all-growth",
            c.join("go/mixed").to_str().unwrap(),
        ],
        None,
    );
    assert!(
        frame_titles(&stdout(&o))
            .iter()
            .any(|t| t.starts_with("main.newSession"))
    );
}

#[test]
fn large_pair_renders_small() {
    let Some(c) = corpus() else { return };
    let o = run(
        &[
            "flamegraph",
            c.join("go/large/heap_A.pb.gz").to_str().unwrap(),
            c.join("go/large/heap_B.pb.gz").to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.len() < 3 << 20, "{} bytes", o.stdout.len());
    frame_titles(&stdout(&o));
}

#[test]
fn options_change_the_picture() {
    let leak = td("go/leak");
    let plain = run(&["flamegraph", &leak], None).stdout;
    let icicle = run(&["flamegraph", "--inverted", &leak], None).stdout;
    assert_ne!(plain, icicle);
    let titled = stdout(&run(
        &[
            "flamegraph",
            "--title",
            "Hub leak",
            "--subtitle",
            "after deploy",
            &leak,
        ],
        None,
    ));
    assert!(titled.contains(">Hub leak<") && titled.contains(">after deploy<"));
    // Without trimming, allocator frames stay at the leaf (Go's proto hides most of them; the
    // legacy text keeps them).
    let legacy = [td("go/leak/heap_001.txt.gz"), td("go/leak/heap_004.txt.gz")];
    let kept = stdout(&run(
        &[
            "flamegraph",
            "--mode",
            "new",
            "--no-trim-allocators",
            &legacy[0],
            &legacy[1],
        ],
        None,
    ));
    let trimmed = stdout(&run(
        &[
            "flamegraph",
            "--mode",
            "new",
            "--trim-allocators",
            &legacy[0],
            &legacy[1],
        ],
        None,
    ));
    assert_ne!(kept, trimmed);
    for mode in ["base", "new", "differential", "retention"] {
        let o = run(&["flamegraph", "--mode", mode, &leak], None);
        assert!(o.status.success(), "{mode}: {}", stderr(&o));
    }
    let o = run(&["flamegraph", "--min-width", "0", &leak], None);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["flamegraph", "-i", "inuse_objects", &leak], None);
    assert!(stdout(&o).contains(" objects, "), "counts are objects");
}

#[test]
fn nothing_to_draw_gives_an_svg_that_says_so() {
    let dir = std::env::temp_dir().join(format!("heapdiff-flame-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("empty.svg");
    let steady = td("go/steady/heap_001.pb.gz");
    let o = run(
        &["flamegraph", "-o", out.to_str().unwrap(), &steady, &steady],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Nothing to draw: no stack grew"),
        "{}",
        stderr(&o)
    );
    let svg = std::fs::read_to_string(&out).unwrap();
    let doc = parse(&svg);
    assert!(
        doc.descendants()
            .any(|n| n.attribute("id") == Some("empty"))
    );
    // A steady series: no leak site is still growing.
    let o = run(&["flamegraph", &td("go/steady")], None);
    assert!(stdout(&o).contains("no leak site is still growing"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_render_leaves_the_output_alone() {
    let dir = std::env::temp_dir().join(format!("heapdiff-flame-keep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("keep.svg");
    std::fs::write(&out, "old").unwrap();
    let o = run(
        &[
            "flamegraph",
            "-o",
            out.to_str().unwrap(),
            &td("crafted/truncated.pb.gz"),
            &td("go/leak/heap_001.pb.gz"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left"
    );
    let o = run(
        &["flamegraph", "-o", out.to_str().unwrap(), &td("go/leak")],
        None,
    );
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("<?xml"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn folded_lines_have_two_counts_root_first() {
    let o = run(
        &[
            "diff",
            "-f",
            "folded",
            &td("go/leak/heap_001.pb.gz"),
            &td("go/leak/heap_004.pb.gz"),
        ],
        None,
    );
    let text = stdout(&o);
    let line = text
        .lines()
        .find(|l| l.contains("main.(*hub).subscribe"))
        .unwrap();
    let parts: Vec<&str> = line.rsplitn(3, ' ').collect();
    assert!(
        parts[2].starts_with("runtime.main;main.main;main.serve;"),
        "{line}"
    );
    let (base, new): (i64, i64) = (parts[1].parse().unwrap(), parts[0].parse().unwrap());
    assert!(new - base > 0);
    let mut sorted: Vec<&str> = text.lines().collect();
    sorted.sort();
    assert_eq!(
        sorted,
        text.lines().collect::<Vec<_>>(),
        "sorted, deterministic"
    );
}

/// Runs of library frames fold into one labelled frame, and recursion into one frame, unless
/// asked to keep them; inferno's width, font size and reversed stacks are there.
#[test]
fn pictures_fold_libraries_and_recursion() {
    let Some(c) = corpus() else { return };
    let rust = c.join("rust/symbolized");
    let o = run(&["flamegraph", rust.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let titles = frame_titles(&stdout(&o));
    assert!(titles.iter().any(|t| t.starts_with("[std ×")), "{titles:?}");
    // The root says what the whole picture is.
    assert!(
        titles.iter().any(|t| t.contains("MiB of new retention")),
        "{titles:?}"
    );
    assert!(
        !titles
            .iter()
            .any(|t| t.starts_with("std::rt::lang_start_internal"))
    );
    let o = run(
        &[
            "flamegraph",
            "--keep-library-frames",
            rust.to_str().unwrap(),
        ],
        None,
    );
    let titles = frame_titles(&stdout(&o));
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("std::rt::lang_start_internal"))
    );
    // go/mixed: the leak recurses over many depths; folded, it is one tower.
    let mixed = c.join("go/mixed");
    let count = |args: &[&str]| {
        let mut a = vec!["flamegraph", "--mode", "differential"];
        a.extend_from_slice(args);
        a.push(mixed.to_str().unwrap());
        let o = run(&a, None);
        frame_titles(&stdout(&o))
            .iter()
            .filter(|t| t.starts_with("main.(*symbolTable).intern "))
            .count()
    };
    // One frame per distinct caller chain instead of one per depth.
    let (folded, kept) = (count(&[]), count(&["--keep-recursion"]));
    assert!(folded * 2 < kept, "{folded} vs {kept}");
    let o = run(
        &[
            "flamegraph",
            "--width",
            "800",
            "--font-size",
            "10",
            "--reverse",
            mixed.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(svg.contains("width=\"800\""), "width");
    let doc = parse(&svg);
    assert!(doc.descendants().any(|n| n.has_tag_name("svg")));
}
