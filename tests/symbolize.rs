//! Symbolization from local binaries and raw jemalloc dumps.

use std::path::{Path, PathBuf};

use crate::util::*;
use heapdiff::SymbolOptions;
use heapdiff::analyse::{By, Class, SiteMap, rank::rank};
use heapdiff::series::Series;
use object::Object;
use prost::Message;

/// Ranks `a` by `by` with the built-in rules.
fn ranked(a: &Series, by: By) -> heapdiff::analyse::Ranking {
    rank(
        a,
        &SiteMap::new(&a.catalog, &Default::default(), a.producer()),
        by,
    )
}

/// A function whose address the tests put into a profile.
#[inline(never)]
#[unsafe(no_mangle)]
pub extern "C" fn heapdiff_test_marker_allocator(n: usize) -> usize {
    std::hint::black_box(vec![0u8; n]).len()
}

/// The mapping of this test executable that holds `addr`: (start, limit, file offset, path).
fn own_mapping(addr: u64) -> (u64, u64, u64, PathBuf) {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    for l in maps.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (a, b) = f[0].split_once('-').unwrap();
        let (a, b) = (
            u64::from_str_radix(a, 16).unwrap(),
            u64::from_str_radix(b, 16).unwrap(),
        );
        if a <= addr && addr < b {
            return (
                a,
                b,
                u64::from_str_radix(f[2], 16).unwrap(),
                PathBuf::from(f[5]),
            );
        }
    }
    panic!("no mapping for {addr:#x}");
}

fn build_id(path: &Path) -> String {
    let data = std::fs::read(path).unwrap();
    let f = object::File::parse(&*data).unwrap();
    f.build_id()
        .unwrap()
        .expect("the test executable has a build id")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a one-sample unsymbolized profile whose location points into this executable.
fn write_profile(dir: &Path, name: &str, file: &str, build_id: &str, bytes: i64) -> PathBuf {
    let addr = heapdiff_test_marker_allocator as *const () as usize as u64 + 4;
    let (start, limit, offset, _) = own_mapping(addr);
    write_profile_at(
        dir,
        name,
        (file, build_id),
        (start, limit, offset),
        addr,
        bytes,
    )
}

/// Writes a one-sample unsymbolized profile: one location at `addr` in a mapping of `file`
/// (with its build id) at (start, limit, file offset).
fn write_profile_at(
    dir: &Path,
    name: &str,
    (file, build_id): (&str, &str),
    (start, limit, offset): (u64, u64, u64),
    addr: u64,
    bytes: i64,
) -> PathBuf {
    use heapdiff::profile::proto;
    let strings: Vec<Vec<u8>> = ["", "inuse_space", "bytes", file, build_id]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    let p = proto::Profile {
        sample_type: vec![proto::ValueType { r#type: 1, unit: 2 }],
        sample: vec![proto::Sample {
            location_id: vec![1],
            value: vec![bytes],
        }],
        mapping: vec![proto::Mapping {
            id: 1,
            memory_start: start,
            memory_limit: limit,
            file_offset: offset,
            filename: 3,
            build_id: 4,
            ..Default::default()
        }],
        location: vec![proto::Location {
            id: 1,
            mapping_id: 1,
            address: addr,
            ..Default::default()
        }],
        string_table: strings,
        ..Default::default()
    };
    let path = dir.join(name);
    std::fs::write(&path, p.encode_to_vec()).unwrap();
    path
}

fn analyse_with<I: Into<heapdiff::Input> + Clone>(paths: &[I], symbols: SymbolOptions) -> Series {
    heapdiff::load_series(
        paths,
        &Default::default(),
        &symbols,
        &heapdiff::load::Limits::default(),
    )
    .unwrap()
}

fn leaf_names(a: &Series) -> Vec<String> {
    a.catalog
        .stack_ids()
        .map(|s| a.catalog.frame(a.catalog.leaf(s)).name.clone())
        .collect()
}

#[test]
fn addresses_in_our_own_executable_get_names() {
    let exe = std::env::current_exe().unwrap();
    let id = build_id(&exe);
    let dir = tempdir("own");
    let a = write_profile(&dir, "a.pb", exe.to_str().unwrap(), &id, 100);
    let b = write_profile(&dir, "b.pb", exe.to_str().unwrap(), &id, 300);
    let an = analyse_with(&[a, b], SymbolOptions::default());
    assert!(
        leaf_names(&an)
            .iter()
            .any(|n| n == "heapdiff_test_marker_allocator"),
        "{:?}",
        leaf_names(&an)
    );
    assert_eq!(an.total_delta(), 200);
}

#[test]
fn binary_is_found_by_build_id_through_the_flag() {
    let exe = std::env::current_exe().unwrap();
    let id = build_id(&exe);
    let dir = tempdir("flag");
    // The recorded path does not exist here, as for a profile taken on another machine.
    let a = write_profile(&dir, "a.pb", "/nonexistent/bin/service", &id, 100);
    let an = analyse_with(std::slice::from_ref(&a), SymbolOptions::default());
    assert!(
        leaf_names(&an)[0].starts_with("[service] 0x"),
        "{:?}",
        leaf_names(&an)
    );
    assert!(
        an.warnings.iter().any(|w| w.contains("no binary found")),
        "{:?}",
        an.warnings
    );
    let an = analyse_with(
        std::slice::from_ref(&a),
        SymbolOptions {
            binaries: vec![exe.clone()],
            ..Default::default()
        },
    );
    assert_eq!(leaf_names(&an), ["heapdiff_test_marker_allocator"]);
    // And by build id in a symbols directory laid out like /usr/lib/debug/.build-id.
    let sym = dir.join("syms/.build-id").join(&id[..2]);
    std::fs::create_dir_all(&sym).unwrap();
    std::fs::copy(&exe, sym.join(format!("{}.debug", &id[2..]))).unwrap();
    let an = analyse_with(
        &[a],
        SymbolOptions {
            dirs: vec![dir.join("syms")],
            ..Default::default()
        },
    );
    assert_eq!(leaf_names(&an), ["heapdiff_test_marker_allocator"]);
}

#[test]
fn a_binary_with_another_build_id_is_refused() {
    let exe = std::env::current_exe().unwrap();
    let dir = tempdir("wrong");
    let a = write_profile(&dir, "a.pb", exe.to_str().unwrap(), &"ab".repeat(20), 100);
    let an = analyse_with(
        std::slice::from_ref(&a),
        SymbolOptions {
            binaries: vec![exe.clone()],
            ..Default::default()
        },
    );
    let names = leaf_names(&an);
    assert!(names[0].contains(" 0x"), "no invented names: {names:?}");
    assert!(
        an.warnings
            .iter()
            .any(|w| w.contains("has build id") && w.contains("not the profile's")),
        "{:?}",
        an.warnings
    );
    // --no-symbolize keeps addresses.
    let id = build_id(&exe);
    let b = write_profile(&dir, "b.pb", exe.to_str().unwrap(), &id, 100);
    let an = analyse_with(
        &[b],
        SymbolOptions {
            disabled: true,
            ..Default::default()
        },
    );
    assert!(leaf_names(&an)[0].contains(" 0x"));
}

#[test]
fn testdata_jemalloc_dumps_parse_and_unbias() {
    let dir = testdata("jemalloc");
    let paths = heapdiff::source::files::expand(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(paths.len(), 4);
    let loaded = heapdiff::load::load(&paths[3]).unwrap();
    let p = &loaded.profile;
    assert_eq!(p.format, heapdiff::profile::SourceFormat::JemallocHeap);
    assert_eq!(p.period, 1024);
    let names: Vec<&str> = p.sample_types.iter().map(|t| t.ty.as_str()).collect();
    assert_eq!(names, ["inuse_objects", "inuse_space"]);
    assert!(
        p.mappings
            .iter()
            .any(|m| m.file.ends_with("heapdiff-jeheap-gen"))
    );
    // Sampled values are scaled up: 20,000 kept records of 200 B (224 B size class) are about
    // 4.5 MB; the estimate lands near it.
    let total = p.total(1);
    assert!((3_000_000..7_000_000).contains(&total), "{total}");
    let a = analyse_with(
        &paths,
        SymbolOptions {
            disabled: true,
            ..Default::default()
        },
    );
    let r = ranked(&a, By::Stack);
    assert_eq!(r.units[0].class, Class::Leak, "{:?}", r.units[0]);
}

#[test]
fn corpus_unsymbolized_series_matches_the_symbolized_one() {
    let Some(c) = corpus() else { return };
    let bin = c.join("rust/bin/jemalloc_leak");
    let opts = SymbolOptions {
        binaries: vec![bin.clone()],
        ..Default::default()
    };
    let top = |dir: PathBuf, glob: Option<&str>| {
        let arg = match glob {
            Some(g) => dir.join(g),
            None => dir,
        };
        let paths = heapdiff::source::files::expand(&[arg]).unwrap();
        let a = analyse_with(&paths, opts.clone());
        let r = ranked(&a, By::Site);
        (r.units[0].name.clone(), r.units[0].class, r.units[0].delta)
    };
    let (sym_name, sym_class, sym_delta) = top(c.join("rust/symbolized"), None);
    assert_eq!(sym_name, "jemalloc_leak::retain_session_state");
    assert_eq!(sym_class, Class::Leak);
    for glob in [None, Some("*.jeheap")] {
        let (name, class, delta) = top(c.join("rust/unsymbolized"), glob);
        assert_eq!(name, "jemalloc_leak::retain_session_state", "{glob:?}");
        assert_eq!(class, Class::Leak, "{glob:?}");
        let diff = (delta - sym_delta).abs() as f64 / sym_delta as f64;
        assert!(diff < 0.01, "{glob:?}: {delta} vs {sym_delta}");
    }
    // A wrong binary: a warning and no invented names. (Only where the binary is not at the
    // path the profile recorded, as on any machine but the one that made the corpus.)
    if Path::new("/src/corpus/rust/bin/jemalloc_leak").exists() {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let paths = heapdiff::source::files::expand(&[c.join("rust/unsymbolized")]).unwrap();
    let a = analyse_with(
        &paths,
        SymbolOptions {
            binaries: vec![exe],
            ..Default::default()
        },
    );
    assert!(
        a.warnings.iter().any(|w| w.contains("not the profile's")),
        "{:?}",
        a.warnings
    );
    assert!(
        a.catalog
            .frames
            .iter()
            .all(|f| !f.name.contains("jemalloc_leak::")),
        "no invented names"
    );
    assert!(
        a.catalog
            .frames
            .iter()
            .any(|f| f.name.starts_with("[jemalloc_leak] 0x"))
    );
}

#[test]
fn cli_flags_reach_the_symbolizer() {
    let Some(c) = corpus() else { return };
    let o = run(
        &[
            "show",
            "--binary",
            c.join("rust/bin/jemalloc_leak").to_str().unwrap(),
            c.join("rust/unsymbolized/heap_007.pb.gz").to_str().unwrap(),
        ],
        None,
    );
    let out = stdout(&o);
    assert!(out.contains("symbolized by heapdiff from"), "{out}");
    assert!(out.contains("jemalloc_leak::retain_session_state"), "{out}");
}

/// A small Rust program built here with `rustc -g` and `extra` flags, and a profile whose one
/// location is in its marker function, as if the program had been mapped at 0x5500_0000_0000.
fn built_program(dir: &Path, extra: &[&str]) -> Option<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir).unwrap();
    let src = dir.join("main.rs");
    std::fs::write(
        &src,
        "#[inline(never)]\n#[no_mangle]\npub extern \"C\" fn heapdiff_split_marker(n: usize) -> usize {\n    std::hint::black_box(vec![0u8; n]).len()\n}\n\nfn main() {\n    println!(\"{}\", heapdiff_split_marker(std::env::args().count()));\n}\n",
    )
    .unwrap();
    let exe = dir.join("app");
    let status = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
        .args(["-g", "-C", "opt-level=1", "-o"])
        .arg(&exe)
        .args(extra)
        .arg(&src)
        .current_dir(dir)
        .status()
        .ok()?;
    assert!(status.success(), "rustc {extra:?} failed");
    let data = std::fs::read(&exe).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let sym = object::ObjectSymbol::address(
        &object::Object::symbols(&file)
            .find(|s| object::ObjectSymbol::name(s) == Ok("heapdiff_split_marker"))
            .unwrap(),
    );
    let (off, va) = object::Object::segments(&file)
        .map(|s| {
            (
                object::ObjectSegment::file_range(&s).0,
                object::ObjectSegment::address(&s),
            )
        })
        .filter(|&(_, va)| va <= sym)
        .max_by_key(|&(_, va)| va)
        .unwrap();
    let start = 0x5500_0000_0000 + (va & !0xfff);
    let offset = off & !0xfff;
    let id = build_id(&exe);
    let profile = write_profile_at(
        dir,
        "heap.pb",
        (exe.to_str().unwrap(), &id),
        (start, start + (64 << 20), offset),
        start + (sym - (va & !0xfff)) + 4,
        1000,
    );
    Some((exe, profile))
}

/// The leaf frame of a one-location profile, symbolized: (name, file, line).
fn leaf_of(profile: &Path) -> (String, String, i64) {
    let an = analyse_with(&[profile.to_path_buf()], SymbolOptions::default());
    let s = an.catalog.stack_ids().next().unwrap();
    let f = an.catalog.frame(an.catalog.leaf(s));
    (f.name.clone(), f.file.clone(), f.line)
}

#[test]
fn split_and_compressed_debug_information_is_read() {
    let dir = tempdir("dwarf");
    let Some((exe, profile)) = built_program(&dir.join("plain"), &[]) else {
        crate::util::require("rustc to build the program with");
        return;
    };
    let (name, file, line) = leaf_of(&profile);
    assert_eq!(name, "heapdiff_split_marker");
    assert!(file.ends_with("main.rs") && line > 0, "{file}:{line}");

    // Sections compressed the three ways a linker or objcopy writes them.
    for how in ["zlib-gabi", "zlib-gnu", "zstd"] {
        let flag = format!("--compress-debug-sections={how}");
        match std::process::Command::new("objcopy")
            .arg(&flag)
            .arg(&exe)
            .output()
        {
            Ok(o) if o.status.success() => {
                assert_eq!(
                    leaf_of(&profile),
                    (name.clone(), file.clone(), line),
                    "{how}"
                );
            }
            _ => eprintln!("skipped {how}: objcopy {flag} is not available here"),
        }
    }

    // Split DWARF: names and inlining live in a package beside the binary, or in .dwo files.
    for (kind, leftover) in [("packed", "app.dwp"), ("unpacked", "")] {
        let d = dir.join(kind);
        let (_, profile) = built_program(&d, &["-C", &format!("split-debuginfo={kind}")]).unwrap();
        let (n, f, l) = leaf_of(&profile);
        assert_eq!(n, "heapdiff_split_marker", "{kind}");
        assert!(f.ends_with("main.rs") && l > 0, "{kind}: {f}:{l}");
        // Without the split part only the symbol table names the address.
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if name == leftover || name.ends_with(".dwo") {
                std::fs::remove_file(&p).unwrap();
            }
        }
        let (n, f, _) = leaf_of(&profile);
        assert_eq!(
            (n.as_str(), f.as_str()),
            ("heapdiff_split_marker", ""),
            "{kind}"
        );
    }
}
