//! Reading inputs: files, standard input or any reader, gzipped or not, in profile.proto, the
//! legacy text heap format or jemalloc's raw heap dump. The format is sniffed from the bytes,
//! never from the file name. Unsymbolized locations are named from local binaries
//! ([`symbolize`]) before pprof's pruning, and samples with the same stack are merged.
//!
//! May import: `profile`, `error`.

pub mod inputs;
mod jeheap;
mod legacy;
mod proto;
pub mod symbolize;
mod text;
mod wire;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{InputError, InputErrorKind};
use crate::profile::Profile;

/// A profile and the name the user gave for it.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The input as the user named it (`-` for standard input).
    pub path: PathBuf,
    /// The profile, pruned as pprof prunes it and with identical stacks merged.
    pub profile: Profile,
    /// Problems that did not stop loading (reported with the results).
    pub warnings: Vec<String>,
    /// What symbolization did to each mapping that had unsymbolized locations.
    pub symbolized: Vec<(usize, symbolize::Resolution)>,
}

/// The symbolizer shared by the loading threads.
pub type SharedSymbolizer = std::sync::Mutex<symbolize::Symbolizer>;

/// Reads all bytes of `path` (`-` is standard input).
pub fn read_input(path: &Path) -> Result<Vec<u8>, InputError> {
    let res = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    res.map_err(|e| InputError::new(path, InputErrorKind::Io(e)))
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Undoes gzip when the bytes start with its magic number; returns other bytes as they are.
pub fn gunzip_if_needed(path: &Path, data: Vec<u8>) -> Result<Vec<u8>, InputError> {
    if !data.starts_with(&GZIP_MAGIC) {
        return Ok(data);
    }
    // The gzip trailer holds the uncompressed size modulo 2^32: a good capacity hint.
    let hint = data
        .len()
        .checked_sub(4)
        .map(|i| u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]) as usize)
        .unwrap_or(0)
        // A trailer is only a claim: never reserve more than a plausible ratio allows.
        .min(data.len().saturating_mul(16))
        .min(1 << 26);
    let mut out = Vec::with_capacity(hint);
    flate2::read::MultiGzDecoder::new(&data[..])
        .read_to_end(&mut out)
        .map_err(|e| InputError::new(path, InputErrorKind::Gzip(e)))?;
    Ok(out)
}

/// The legacy binary CPU profile format (gperftools, Java): a header of machine words
/// `0, 3, version, period, 0`, in 32- or 64-bit words of either byte order.
fn looks_like_legacy_cpu(data: &[u8]) -> bool {
    let word = |i: usize, size: usize, le: bool| -> Option<u64> {
        let b = data.get(i * size..(i + 1) * size)?;
        let mut v = 0u64;
        for k in 0..size {
            let byte = if le { b[size - 1 - k] } else { b[k] };
            v = v << 8 | byte as u64;
        }
        Some(v)
    };
    [(4, true), (4, false), (8, true), (8, false)]
        .iter()
        .any(|&(size, le)| {
            word(0, size, le) == Some(0)
                && word(1, size, le) == Some(3)
                && word(2, size, le).is_some_and(|v| v <= 1)
                && word(3, size, le).is_some_and(|v| v > 0)
                && word(4, size, le) == Some(0)
        })
}

/// Parses profile bytes (already gunzipped) in whichever format they are in.
pub fn parse_bytes(path: &Path, data: &[u8]) -> Result<Profile, InputError> {
    if data.is_empty() {
        return Err(InputError::new(path, InputErrorKind::Empty));
    }
    if looks_like_legacy_cpu(data) {
        return Err(InputError::new(
            path,
            InputErrorKind::NotAProfile(
                "a legacy binary CPU profile (gperftools or Java), which records CPU time, not memory; heapdiff reads heap profiles (`go tool pprof -proto` converts it to profile.proto)".into(),
            ),
        ));
    }
    if jeheap::looks_like_jeheap(data) {
        return jeheap::parse(data).map_err(|k| InputError::new(path, k));
    }
    if legacy::looks_like_legacy_heap(data) {
        return legacy::parse(data).map_err(|k| InputError::new(path, k));
    }
    proto::parse(data).map_err(|k| {
        // Text that is none of the formats above says more than a protobuf error does.
        let head = &data[..data.len().min(512)];
        let text = std::str::from_utf8(head).is_ok_and(|t| {
            t.chars()
                .all(|c| !c.is_control() || c.is_ascii_whitespace())
        });
        match (&k, text) {
            (InputErrorKind::NotAProfile(_), true) => {
                let first: String = String::from_utf8_lossy(head)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(60)
                    .collect();
                InputError::new(
                    path,
                    InputErrorKind::NotAProfile(format!(
                        "a text file that is not a heap profile heapdiff reads (Go or tcmalloc legacy heap, jemalloc heap_v2); it begins {first:?}"
                    )),
                )
            }
            _ => InputError::new(path, k),
        }
    })
}

/// Loads one profile from a path (`-` for standard input), without symbolizing it.
pub fn load(path: &Path) -> Result<Loaded, InputError> {
    load_with(path, None)
}

/// Reads one profile from any reader; `name` is how errors and reports call it.
pub fn read(name: impl Into<PathBuf>, mut reader: impl Read) -> Result<Loaded, InputError> {
    let name = name.into();
    let mut raw = Vec::new();
    reader
        .read_to_end(&mut raw)
        .map_err(|e| InputError::new(&name, InputErrorKind::Io(e)))?;
    finish(&name, raw, None)
}

/// Loads one profile, naming its unsymbolized locations from local binaries when a symbolizer
/// is given.
pub fn load_with(path: &Path, sym: Option<&SharedSymbolizer>) -> Result<Loaded, InputError> {
    let raw = read_input(path)?;
    finish(path, raw, sym)
}

/// Decodes raw bytes, symbolizes (before pprof's pruning, which matches names), prunes and
/// merges.
fn finish(path: &Path, raw: Vec<u8>, sym: Option<&SharedSymbolizer>) -> Result<Loaded, InputError> {
    if raw.is_empty() {
        return Err(InputError::new(path, InputErrorKind::Empty));
    }
    let gzipped = raw.starts_with(&GZIP_MAGIC);
    let data = gunzip_if_needed(path, raw)?;
    let mut profile = parse_bytes(path, &data)?;
    profile.gzipped = gzipped;
    let symbolized = match sym {
        Some(s) => s
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .symbolize(&mut profile),
        None => Vec::new(),
    };
    drop(data);
    // pprof prunes allocator frames on load; after that, samples with the same stack can be
    // summed (heapdiff keeps no labels), which makes every later stage cheaper.
    let warnings = crate::profile::prune::apply_profile_rules(&mut profile)
        .into_iter()
        .collect();
    profile.merge_identical_samples();
    Ok(Loaded {
        path: path.to_path_buf(),
        profile,
        warnings,
        symbolized,
    })
}

/// Loads several profiles, decoding them in parallel. Results keep the order of `paths`; the
/// first error (in that order) is returned.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Loaded>, InputError> {
    let mut out = Vec::with_capacity(paths.len());
    load_each(paths, None, |l| out.push(l))?;
    Ok(out)
}

/// Decodes `paths` on worker threads and hands each profile to `each` on the calling thread,
/// in the order of `paths`, as soon as it and all before it are ready. Stops at the first error
/// in that order.
pub fn load_each(
    paths: &[PathBuf],
    sym: Option<&SharedSymbolizer>,
    mut each: impl FnMut(Loaded),
) -> Result<(), InputError> {
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(InputError::new(
            "-",
            InputErrorKind::Invalid("standard input can be read only once".into()),
        ));
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(paths.len())
        .max(1);
    if threads == 1 {
        for p in paths {
            each(load_with(p, sym)?);
        }
        return Ok(());
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Loaded, InputError>)>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop) = (&next, &stop);
            s.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= paths.len() || tx.send((i, load_with(&paths[i], sym))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut ready: Vec<Option<Result<Loaded, InputError>>> = Vec::new();
        ready.resize_with(paths.len(), || None);
        let mut want = 0;
        for (i, r) in rx {
            ready[i] = Some(r);
            while want < paths.len() {
                match ready[want].take() {
                    Some(Ok(l)) => each(l),
                    Some(Err(e)) => {
                        stop.store(true, std::sync::atomic::Ordering::Relaxed);
                        return Err(e);
                    }
                    None => break,
                }
                want += 1;
            }
        }
        Ok(())
    })
}
