//! Loading: an [`Input`]'s bytes from its [source](crate::source), gunzipped and within the
//! size ceiling, [decoded](crate::decode) in the format they sniff as, unsymbolized locations
//! named from local binaries ([`symbolize`]) before pprof's pruning, and samples with the same
//! stack merged.
//!
//! May import: `source`, `decode`, `symbolize`, `profile`, `error`.

use std::io::Read;

use crate::decode::{GZIP_MAGIC, Limited, read_head};
use crate::error::{InputError, InputErrorKind};
use crate::profile::Profile;
pub use crate::source::{DEFAULT_MAX_INPUT, Input, Limits};
use crate::symbolize;

/// A profile and the input it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The input as the user named it.
    pub input: Input,
    /// The profile, pruned as pprof prunes it and with identical stacks merged.
    pub profile: Profile,
    /// Problems that did not stop loading (reported with the results).
    pub warnings: Vec<String>,
    /// What symbolization did to each mapping that had unsymbolized locations.
    pub symbolized: Vec<(usize, symbolize::Resolution)>,
}

/// The symbolizer shared by the loading threads.
pub type SharedSymbolizer = std::sync::Mutex<symbolize::Symbolizer>;

/// Loads one input (a path, `-` for standard input, a URL), without symbolizing it.
pub fn load(input: impl Into<Input>) -> Result<Loaded, InputError> {
    load_with(&input.into(), None, &Limits::default())
}

/// Reads one profile from any reader; `name` is how errors and reports call it.
pub fn read(name: impl Into<Input>, reader: impl Read) -> Result<Loaded, InputError> {
    let name = name.into();
    finish(&name, reader, None, DEFAULT_MAX_INPUT)
}

/// Reads one profile from any reader as [`load_with`] loads an input: named from local
/// binaries when a symbolizer is given, within `max_input` decompressed bytes (`capture` and
/// `watch` read what they fetched this way before keeping it).
pub fn read_with(
    name: impl Into<Input>,
    reader: impl Read,
    sym: Option<&SharedSymbolizer>,
    max_input: u64,
) -> Result<Loaded, InputError> {
    finish(&name.into(), reader, sym, max_input)
}

/// Loads one input, naming its unsymbolized locations from local binaries when a symbolizer
/// is given, within `limits`.
pub fn load_with(
    input: &Input,
    sym: Option<&SharedSymbolizer>,
    limits: &Limits,
) -> Result<Loaded, InputError> {
    let fail = |k| InputError::new(input, k);
    let opened = crate::source::open(input, limits).map_err(fail)?;
    let mut loaded = finish(input, opened.reader, sym, limits.max_input)?;
    if let Some((k, n)) = opened.scale {
        loaded.profile.scale_values(k, n);
    }
    if let Some(t) = opened.time_nanos {
        loaded.profile.time_nanos = t;
    }
    loaded.warnings.extend(opened.notes);
    Ok(loaded)
}

/// Decodes a stream (gzip or not, sniffing the format from its first bytes), symbolizes
/// (before pprof's pruning, which matches names), prunes and merges. profile.proto is decoded
/// as it streams; the text formats are read whole, within the ceiling.
fn finish(
    input: &Input,
    source: impl Read,
    sym: Option<&SharedSymbolizer>,
    max_input: u64,
) -> Result<Loaded, InputError> {
    let fail = |k| InputError::new(input, k);
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
        if over.get() {
            InputErrorKind::TooLarge(max_input)
        } else if gzipped {
            InputErrorKind::Gzip(e)
        } else {
            InputErrorKind::Io(e)
        }
    };
    let head = read_head(&mut limited, crate::decode::HEAD).map_err(|e| fail(read_err(e)))?;
    let mut whole = std::io::Cursor::new(&head[..]).chain(&mut limited);
    let mut profile = crate::decode::decode(&head, &mut whole).map_err(|k| {
        fail(match k {
            InputErrorKind::Io(e) => read_err(e),
            k => k,
        })
    })?;
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
        input: input.clone(),
        profile,
        warnings,
        symbolized,
    })
}

/// Loads several profiles, decoding them in parallel. Results keep the order of `paths`; the
/// first error (in that order) is returned.
pub fn load_all<I: Into<Input> + Clone>(inputs: &[I]) -> Result<Vec<Loaded>, InputError> {
    let inputs: Vec<Input> = inputs.iter().cloned().map(Into::into).collect();
    let mut out = Vec::with_capacity(inputs.len());
    load_each(&inputs, None, &Limits::default(), |l| out.push(l))?;
    Ok(out)
}

/// Decodes `paths` on worker threads and hands each profile to `each` on the calling thread,
/// in the order of `paths`, as soon as it and all before it are ready. Stops at the first error
/// in that order.
pub fn load_each(
    paths: &[Input],
    sym: Option<&SharedSymbolizer>,
    limits: &Limits,
    mut each: impl FnMut(Loaded),
) -> Result<(), InputError> {
    if paths.iter().filter(|p| **p == Input::Stdin).count() > 1 {
        return Err(InputError::new(
            Input::Stdin,
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
