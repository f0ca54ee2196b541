//! Naming unsymbolized locations from local binaries, in process: DWARF read with gimli and
//! addr2line (in `dwarf.rs`), object files parsed with object, Rust names demangled with
//! rustc-demangle.
//!
//! A mapping is matched to a binary by build id: the mapping's recorded path, then `--binary`
//! paths, then `--symbols-dir` directories (by build id and by name), then the standard debug
//! locations (`/usr/lib/debug/.build-id/xx/rest.debug`). A binary whose build id differs from
//! the mapping's is never used: the mapping stays unsymbolized and a warning says why. Mappings
//! without a build id (raw jemalloc dumps) match a binary by path or file name. Inlined frames
//! expand, innermost first; Rust names are demangled without their hash suffix.

mod dwarf;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use object::{Object, ObjectSegment, ObjectSymbol};

use crate::profile::{Function, Line, Mapping, Profile};

/// Where to look for binaries.
#[derive(Clone, Debug, Default)]
pub struct SymbolOptions {
    /// `--binary PATH`, in order.
    pub binaries: Vec<PathBuf>,
    /// `--symbols-dir DIR`, in order.
    pub dirs: Vec<PathBuf>,
    /// Skip symbolization altogether.
    pub disabled: bool,
}

/// An opened binary.
struct Binary {
    path: PathBuf,
    build_id: Option<String>,
    /// PT_LOAD segments: (file offset, file size, virtual address).
    segments: Vec<(u64, u64, u64)>,
    /// Function symbols with a size, by address: (start, end, name).
    symbols: Vec<(u64, u64, String)>,
    dwarf: dwarf::Dwarf,
}

/// A regular file mapped into memory (never read whole: a profile may name any file).
pub(super) fn map_regular(path: &Path) -> Option<memmap2::Mmap> {
    let f = std::fs::File::open(path).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    // SAFETY: the map is only read; a file truncated under it can fault, as with any mapped
    // binary a debugger or symbolizer opens.
    unsafe { memmap2::Mmap::map(&f) }.ok()
}

/// The build id in an object file's notes, without reading the rest of it.
fn build_id_of(path: &Path) -> Option<Option<String>> {
    let map = map_regular(path)?;
    let file = object::File::parse(&*map).ok()?;
    Some(file.build_id().ok().flatten().map(hex))
}

/// Whether a string is a build id (hexadecimal), and so safe to cut into a path.
fn is_build_id(id: &str) -> bool {
    id.len() > 2 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Binary {
    fn open(path: &Path) -> Option<Binary> {
        let (dwarf, file) = dwarf::Dwarf::open(path)?;
        let build_id = file.build_id().ok().flatten().map(hex);
        let segments = file
            .segments()
            .map(|s| {
                let (off, size) = s.file_range();
                (off, size, s.address())
            })
            .collect();
        let mut symbols: Vec<(u64, u64, String)> = file
            .symbols()
            .chain(file.dynamic_symbols())
            .filter(|s| s.kind() == object::SymbolKind::Text && s.size() > 0)
            .filter_map(|s| {
                let name = s.name().ok()?;
                (!name.is_empty()).then(|| (s.address(), s.address() + s.size(), name.to_string()))
            })
            .collect();
        symbols.sort();
        symbols.dedup_by(|a, b| a.0 == b.0);
        Some(Binary {
            path: path.to_path_buf(),
            build_id,
            segments,
            symbols,
            dwarf,
        })
    }

    /// The function symbol whose extent covers `vaddr`. A symbol that starts before the
    /// address but ends before it (the nearest exported name in a stripped library) is not a
    /// name for it: no name is better than a wrong one.
    fn symbol_at(&self, vaddr: u64) -> Option<&str> {
        let i = self.symbols.partition_point(|s| s.0 <= vaddr);
        let (start, end, name) = self.symbols.get(i.checked_sub(1)?)?;
        (vaddr >= *start && vaddr < *end).then_some(name.as_str())
    }

    /// The virtual address for a file offset.
    fn vaddr_of_offset(&self, off: u64) -> Option<u64> {
        self.segments
            .iter()
            .find(|(o, size, _)| off >= *o && off < o + size.max(&1))
            .map(|(o, _, va)| off - o + va)
    }

    /// Frames at `vaddr`, innermost first: (function, file, line).
    fn frames(&self, vaddr: u64) -> Vec<(String, String, i64)> {
        let mut out = self.dwarf.frames(vaddr);
        let sym = self
            .symbol_at(vaddr)
            .map(|s| format!("{:#}", rustc_demangle::demangle(s)));
        match (out.last_mut(), sym) {
            (None, Some(sym)) => out.push((sym, String::new(), 0)),
            // Line-tables-only debug info names functions without their path; the symbol
            // table has the full name of the physical (outermost) function.
            (Some(outer), Some(sym))
                if !outer.0.contains("::") && sym.ends_with(&format!("::{}", outer.0)) =>
            {
                outer.0 = sym;
            }
            _ => {}
        }
        out
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn file_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// What happened to one mapping, for `show` and the notes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resolution {
    /// Symbolized from this binary.
    Symbolized(PathBuf),
    /// No binary matched.
    NotFound,
    /// Binaries were found but their build ids differ: (path, its build id).
    Mismatch(Vec<(PathBuf, String)>),
}

/// Symbolizes profiles, caching opened binaries across them.
pub struct Symbolizer {
    opts: SymbolOptions,
    opened: HashMap<PathBuf, Option<usize>>,
    binaries: Vec<Binary>,
    /// Messages already given, so each is given once per run.
    pub warnings: BTreeSet<String>,
}

impl Symbolizer {
    /// A symbolizer that looks for binaries where `opts` says.
    pub fn new(opts: SymbolOptions) -> Self {
        Symbolizer {
            opts,
            opened: HashMap::new(),
            binaries: Vec::new(),
            warnings: BTreeSet::new(),
        }
    }

    fn open(&mut self, p: &Path) -> Option<usize> {
        if let Some(&i) = self.opened.get(p) {
            return i;
        }
        let i = if p.is_file() {
            Binary::open(p).map(|b| {
                self.binaries.push(b);
                self.binaries.len() - 1
            })
        } else {
            None
        };
        self.opened.insert(p.to_path_buf(), i);
        i
    }

    /// Candidate binaries for a mapping, most specific first, with whether each may be
    /// accepted by name when the mapping has no build id.
    fn candidates(&self, m: &Mapping) -> Vec<(PathBuf, bool)> {
        let mut c: Vec<(PathBuf, bool)> = Vec::new();
        if !m.file.is_empty() {
            c.push((PathBuf::from(&m.file), true));
        }
        let base = file_name(&m.file);
        for b in &self.opts.binaries {
            let same_name = b.file_name().is_some_and(|n| n.to_string_lossy() == base);
            c.push((b.clone(), same_name));
        }
        let id = &m.build_id;
        for d in &self.opts.dirs {
            if is_build_id(id) {
                c.push((
                    d.join(".build-id")
                        .join(&id[..2])
                        .join(format!("{}.debug", &id[2..])),
                    false,
                ));
                c.push((d.join(&id[..2]).join(format!("{}.debug", &id[2..])), false));
                c.push((d.join(id), false));
                c.push((d.join(format!("{id}.debug")), false));
            }
            if !base.is_empty() {
                c.push((d.join(base), true));
                c.push((d.join(format!("{base}.debug")), true));
            }
        }
        if is_build_id(id) {
            c.push((
                PathBuf::from("/usr/lib/debug/.build-id")
                    .join(&id[..2])
                    .join(format!("{}.debug", &id[2..])),
                false,
            ));
        }
        c
    }

    fn resolve(&mut self, m: &Mapping) -> (Option<usize>, Resolution) {
        let mut mismatched = Vec::new();
        for (path, by_name) in self.candidates(m) {
            // Only a file whose build id matches is opened for its symbols.
            if !m.build_id.is_empty() && !self.opened.contains_key(&path) {
                match build_id_of(&path) {
                    None => continue,
                    Some(found) if found.as_deref() != Some(m.build_id.as_str()) => {
                        mismatched.push((path.clone(), found.unwrap_or_else(|| "none".into())));
                        continue;
                    }
                    Some(_) => {}
                }
            }
            let Some(bi) = self.open(&path) else { continue };
            let bin = &self.binaries[bi];
            let ok = if m.build_id.is_empty() {
                by_name
            } else {
                bin.build_id.as_deref() == Some(m.build_id.as_str())
            };
            if ok {
                return (Some(bi), Resolution::Symbolized(bin.path.clone()));
            }
            if !m.build_id.is_empty() {
                mismatched.push((
                    bin.path.clone(),
                    bin.build_id.clone().unwrap_or_else(|| "none".into()),
                ));
            }
        }
        if mismatched.is_empty() {
            (None, Resolution::NotFound)
        } else {
            (None, Resolution::Mismatch(mismatched))
        }
    }

    /// Go's legacy text profiles carry no memory map, and their writer leaves some frames
    /// unnamed (heapdiff names those by position). With `--binary`, those frames are named from
    /// its symbol table after the function their code sits in, as `go tool pprof` names them
    /// when given the binary.
    fn name_synthetic_frames(&mut self, p: &mut Profile) {
        let synthetic = |l: &crate::profile::Location, fs: &[Function]| {
            l.mapping.is_none()
                && !l.lines.is_empty()
                && l.lines.iter().all(|ln| fs[ln.function as usize].synthetic)
        };
        let locs: Vec<usize> = (0..p.locations.len())
            .filter(|&i| synthetic(&p.locations[i], &p.functions))
            .collect();
        let Some(path) = self.opts.binaries.first().cloned() else {
            return;
        };
        if locs.is_empty() {
            return;
        }
        let Some(bi) = self.open(&path) else {
            self.warnings
                .insert(format!("{}: cannot read it as a binary", path.display()));
            return;
        };
        let mut named = 0;
        // Functions with no file, by name: one lookup per location, not a scan.
        let mut by_name: HashMap<String, u32> = p
            .functions
            .iter()
            .enumerate()
            .filter(|(_, f)| f.file.is_empty())
            .map(|(i, f)| (f.name.clone(), i as u32))
            .collect();
        for li in locs {
            let addr = p.locations[li].address;
            let Some(sym) = self.binaries[bi].symbol_at(addr) else {
                continue;
            };
            // Go's assembly functions carry their ABI in the ELF symbol (runtime.goexit.abi0);
            // the function is runtime.goexit.
            let sym = sym.strip_suffix(".abi0").unwrap_or(sym);
            let name = format!("{:#}", rustc_demangle::demangle(sym));
            let f = match by_name.get(&name) {
                Some(&f) => f,
                None => {
                    p.functions.push(Function {
                        name: name.clone(),
                        system_name: name.clone(),
                        file: String::new(),
                        start_line: 0,
                        synthetic: false,
                    });
                    let f = (p.functions.len() - 1) as u32;
                    by_name.insert(name, f);
                    f
                }
            };
            p.locations[li].lines = vec![Line {
                function: f,
                line: 0,
            }];
            named += 1;
        }
        if named > 0 {
            self.warnings.insert(format!(
                "frames the legacy profile left unnamed were named from {} (the profile records no build id to check it against)",
                path.display()
            ));
        }
    }

    /// Names the unsymbolized locations of `p` where a matching binary is found. Returns what
    /// happened to each mapping that had unsymbolized locations.
    pub fn symbolize(&mut self, p: &mut Profile) -> Vec<(usize, Resolution)> {
        if self.opts.disabled {
            return Vec::new();
        }
        if p.format == crate::profile::SourceFormat::LegacyHeapText {
            self.name_synthetic_frames(p);
        }
        let needs = |l: &crate::profile::Location, fs: &[Function]| {
            l.lines
                .iter()
                .all(|ln| fs[ln.function as usize].name.is_empty())
        };
        let mut by_mapping: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, l) in p.locations.iter().enumerate() {
            if let Some(m) = l.mapping
                && needs(l, &p.functions)
            {
                by_mapping.entry(m).or_default().push(i);
            }
        }
        let mut maps: Vec<u32> = by_mapping.keys().copied().collect();
        maps.sort_unstable();
        let mut fn_index: HashMap<(String, String), u32> = p
            .functions
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.name.clone(), f.file.clone()), i as u32))
            .collect();
        let mut out = Vec::new();
        for mi in maps {
            let m = p.mappings[mi as usize].clone();
            if m.file.starts_with('[') || m.file.is_empty() && m.build_id.is_empty() {
                continue; // [vdso], [heap], anonymous memory
            }
            let (bin, res) = self.resolve(&m);
            let what = if m.build_id.is_empty() {
                m.file.clone()
            } else {
                format!("{} (build id {})", m.file, m.build_id)
            };
            match (&bin, &res) {
                (Some(_), Resolution::Symbolized(path)) if m.build_id.is_empty() => {
                    self.warnings.insert(format!(
                        "{what}: symbolized from {} matched by file name; the profile records no build id, so make sure it is the binary that ran",
                        path.display()
                    ));
                }
                (_, Resolution::NotFound) => {
                    self.warnings.insert(format!(
                        "{what}: no binary found to symbolize it; give --binary PATH or --symbols-dir DIR"
                    ));
                }
                (_, Resolution::Mismatch(list)) => {
                    for (path, id) in list {
                        self.warnings.insert(format!(
                            "{what}: {} has build id {id}, not the profile's; it was not used and the mapping stays unsymbolized",
                            path.display()
                        ));
                    }
                }
                _ => {}
            }
            if let Some(bi) = bin {
                let bin = &self.binaries[bi];
                // jemalloc_pprof and similar writers give ELF virtual addresses in a mapping that
                // starts at 0; everything else gives runtime addresses within the mapping.
                let vaddrs_given = m.start == 0 && m.offset == 0;
                for &li in &by_mapping[&mi] {
                    let addr = p.locations[li].address;
                    let vaddr = if vaddrs_given {
                        Some(addr)
                    } else {
                        bin.vaddr_of_offset(addr.wrapping_sub(m.start).wrapping_add(m.offset))
                    };
                    let Some(vaddr) = vaddr else { continue };
                    let frames = bin.frames(vaddr);
                    if frames.is_empty() {
                        continue;
                    }
                    let lines = frames
                        .into_iter()
                        .map(|(name, file, line)| {
                            let key = (name, file);
                            let f = *fn_index.entry(key.clone()).or_insert_with(|| {
                                p.functions.push(Function {
                                    name: key.0.clone(),
                                    system_name: key.0,
                                    file: key.1,
                                    start_line: 0,
                                    synthetic: false,
                                });
                                (p.functions.len() - 1) as u32
                            });
                            Line { function: f, line }
                        })
                        .collect();
                    p.locations[li].lines = lines;
                }
            }
            out.push((mi as usize, res));
        }
        out
    }
}
