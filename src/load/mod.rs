//! Reading inputs: files, standard input or any reader, gzipped or not, in profile.proto, the
//! legacy text heap format or jemalloc's raw heap dump. The format is sniffed from the bytes,
//! never from the file name. Unsymbolized locations are named from local binaries
//! ([`symbolize`]) before pprof's pruning, and samples with the same stack are merged.
//!
//! May import: `profile`, `error`.

pub mod capture;
mod dwarf;
pub mod inputs;
mod jeheap;
mod legacy;
mod proto;
pub mod symbolize;
mod text;
pub mod url;
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

/// The default ceiling on an input's decompressed size (`--max-input-size`).
pub const DEFAULT_MAX_INPUT: u64 = 1 << 30;

/// How far heapdiff goes for one input.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The ceiling on an input's decompressed size.
    pub max_input: u64,
    /// How long a URL may take to answer and send its body.
    pub timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: DEFAULT_MAX_INPUT,
            timeout: std::time::Duration::from_secs(60),
        }
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A reader that fails once more than `left` bytes have come through, and says so in `over`.
struct Limited<'a, R> {
    inner: R,
    left: u64,
    over: &'a std::cell::Cell<bool>,
}

impl<R: Read> Read for Limited<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.over.set(true);
            return Err(std::io::Error::other("input size ceiling"));
        }
        let n = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got as u64;
        Ok(got)
    }
}

/// Reads up to `n` bytes (fewer only at the end of the input).
fn read_head(r: &mut impl Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    r.by_ref().take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Undoes gzip when the bytes start with its magic number; returns other bytes as they are.
/// At most [`DEFAULT_MAX_INPUT`] bytes are decompressed.
pub fn gunzip_if_needed(path: &Path, data: Vec<u8>) -> Result<Vec<u8>, InputError> {
    if !data.starts_with(&GZIP_MAGIC) {
        return Ok(data);
    }
    let over = std::cell::Cell::new(false);
    let mut out = Vec::new();
    Limited {
        inner: flate2::read::MultiGzDecoder::new(&data[..]),
        left: DEFAULT_MAX_INPUT,
        over: &over,
    }
    .read_to_end(&mut out)
    .map_err(|e| {
        let kind = if over.get() {
            InputErrorKind::TooLarge(DEFAULT_MAX_INPUT)
        } else {
            InputErrorKind::Gzip(e)
        };
        InputError::new(path, kind)
    })?;
    Ok(out)
}

/// A file of the project's `testdata/`, gunzipped when it is gzip (for unit tests).
#[cfg(test)]
pub(crate) fn testdata(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let raw = std::fs::read(&p).unwrap();
    gunzip_if_needed(&p, raw).unwrap()
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

fn parse_proto(data: &[u8]) -> Result<Profile, InputErrorKind> {
    match wire::decode(data) {
        Ok(d) => proto::resolve(d),
        Err(wire::DecodeError::Malformed(e)) => Err(not_proto(&e)),
        Err(wire::DecodeError::Io(e)) => Err(InputErrorKind::Io(e)),
    }
}

fn not_proto(e: &str) -> InputErrorKind {
    InputErrorKind::NotAProfile(format!(
        "profile.proto decoding failed, so the file is truncated or not a profile ({e})"
    ))
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
    parse_proto(data).map_err(|k| match (&k, text_error(data)) {
        (InputErrorKind::NotAProfile(_), Some(t)) => InputError::new(path, t),
        _ => InputError::new(path, k),
    })
}

/// For bytes that start as text but are none of the text formats, an error that says so (it
/// says more than a protobuf error does).
fn text_error(data: &[u8]) -> Option<InputErrorKind> {
    let mut end = data.len().min(512);
    while end > 0 && std::str::from_utf8(&data[..end]).is_err() && data.len() - end < 4 {
        end -= 1;
    }
    let head = std::str::from_utf8(&data[..end]).ok()?;
    if head.is_empty()
        || head
            .chars()
            .any(|c| c.is_control() && !c.is_ascii_whitespace())
    {
        return None;
    }
    let first: String = head.lines().next().unwrap_or("").chars().take(60).collect();
    Some(InputErrorKind::NotAProfile(format!(
        "a text file that is not a heap profile heapdiff reads (Go or tcmalloc legacy heap, jemalloc heap_v2); it begins {first:?}"
    )))
}

/// Loads one profile from a path (`-` for standard input), without symbolizing it.
pub fn load(path: &Path) -> Result<Loaded, InputError> {
    load_with(path, None, &Limits::default())
}

/// Reads one profile from any reader; `name` is how errors and reports call it.
pub fn read(name: impl Into<PathBuf>, reader: impl Read) -> Result<Loaded, InputError> {
    let name = name.into();
    finish(&name, reader, None, DEFAULT_MAX_INPUT)
}

/// Loads one profile from a path, `-` or an `http://` URL, naming its unsymbolized locations
/// from local binaries when a symbolizer is given, within `limits`.
pub fn load_with(
    path: &Path,
    sym: Option<&SharedSymbolizer>,
    limits: &Limits,
) -> Result<Loaded, InputError> {
    let max_input = limits.max_input;
    let io = |e| InputError::new(path, InputErrorKind::Io(e));
    if path.as_os_str() == "-" {
        return finish(path, std::io::stdin().lock(), sym, max_input);
    }
    if let Some(url) = path.to_str().filter(|s| url::is_url(s)) {
        let body = url::fetch(url, limits.timeout).map_err(|k| InputError::new(path, k))?;
        return finish(path, body, sym, max_input);
    }
    let f = std::fs::File::open(path).map_err(io)?;
    if f.metadata().map_err(io)?.is_dir() {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    finish(path, f, sym, max_input)
}

/// Decodes a stream (gzip or not, sniffing the format from its first bytes), symbolizes
/// (before pprof's pruning, which matches names), prunes and merges. profile.proto is decoded
/// as it streams; the text formats are read whole, within the ceiling.
fn finish(
    path: &Path,
    source: impl Read,
    sym: Option<&SharedSymbolizer>,
    max_input: u64,
) -> Result<Loaded, InputError> {
    let fail = |k| InputError::new(path, k);
    let mut source = source;
    let magic = read_head(&mut source, 2).map_err(|e| fail(InputErrorKind::Io(e)))?;
    if magic.is_empty() {
        return Err(fail(InputErrorKind::Empty));
    }
    let gzipped = magic.starts_with(&GZIP_MAGIC);
    let raw = std::io::Cursor::new(magic).chain(std::io::BufReader::new(source));
    let plain: Box<dyn Read> = if gzipped {
        Box::new(flate2::read::MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };
    let over = std::cell::Cell::new(false);
    let mut limited = Limited {
        inner: plain,
        left: max_input,
        over: &over,
    };
    let read_err = |e: std::io::Error| {
        fail(if over.get() {
            InputErrorKind::TooLarge(max_input)
        } else if gzipped {
            InputErrorKind::Gzip(e)
        } else {
            InputErrorKind::Io(e)
        })
    };
    let head = read_head(&mut limited, 4096).map_err(read_err)?;
    if head.is_empty() {
        return Err(fail(InputErrorKind::Empty));
    }
    let text_format = jeheap::looks_like_jeheap(&head) || legacy::looks_like_legacy_heap(&head);
    let mut profile = if text_format || looks_like_legacy_cpu(&head) {
        let mut data = head;
        limited.read_to_end(&mut data).map_err(read_err)?;
        parse_bytes(path, &data)?
    } else {
        let stream = std::io::BufReader::with_capacity(
            1 << 16,
            std::io::Cursor::new(&head[..]).chain(&mut limited),
        );
        match wire::decode_stream(stream) {
            Ok(d) => proto::resolve(d).map_err(fail)?,
            Err(wire::DecodeError::Io(e)) => return Err(read_err(e)),
            Err(wire::DecodeError::Malformed(e)) => {
                // Text that is no format heapdiff reads says more than a protobuf error.
                return Err(match text_error(&head) {
                    Some(k) => fail(k),
                    None => fail(not_proto(&e)),
                });
            }
        }
    };
    profile.gzipped = gzipped;
    let symbolized = match sym {
        Some(s) => s
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .symbolize(&mut profile),
        None => Vec::new(),
    };
    // pprof prunes allocator frames on load; after that, samples with the same stack can be
    // summed (heapdiff keeps no labels), which makes every later stage cheaper. profile.proto
    // samples were merged as they were read when they repeat often, so only pruning can make
    // many new duplicates (the catalogue sums the few left).
    let needs_merge =
        !profile.drop_frames.is_empty() || profile.format != crate::profile::SourceFormat::Proto;
    let warnings = crate::profile::prune::apply_profile_rules(&mut profile)
        .into_iter()
        .collect();
    if needs_merge {
        profile.merge_identical_samples();
    }
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
    load_each(paths, None, &Limits::default(), |l| out.push(l))?;
    Ok(out)
}

/// Decodes `paths` on worker threads and hands each profile to `each` on the calling thread,
/// in the order of `paths`, as soon as it and all before it are ready. Stops at the first error
/// in that order.
pub fn load_each(
    paths: &[PathBuf],
    sym: Option<&SharedSymbolizer>,
    limits: &Limits,
    mut each: impl FnMut(Loaded),
) -> Result<(), InputError> {
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(InputError::new(
            "-",
            InputErrorKind::Invalid("standard input can be read only once".into()),
        ));
    }
    let threads = crate::cores().min(paths.len()).max(1);
    if threads == 1 {
        for p in paths {
            each(load_with(p, sym, limits)?);
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
                    if i >= paths.len() || tx.send((i, load_with(&paths[i], sym, limits))).is_err()
                    {
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
