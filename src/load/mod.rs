//! Reading inputs: files or standard input, gzipped or not, in profile.proto or the legacy text
//! heap format. The format is sniffed from the bytes, never from the file name.

mod legacy;
mod proto;

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{InputError, InputErrorKind};
use crate::model::Profile;

/// A profile and the name the user gave for it.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub profile: Profile,
}

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
        .min(1 << 30);
    let mut out = Vec::with_capacity(hint);
    flate2::read::MultiGzDecoder::new(&data[..])
        .read_to_end(&mut out)
        .map_err(|e| InputError::new(path, InputErrorKind::Gzip(e)))?;
    Ok(out)
}

/// Parses profile bytes (already gunzipped) in whichever format they are in.
pub fn parse_bytes(path: &Path, data: &[u8]) -> Result<Profile, InputError> {
    if data.is_empty() {
        return Err(InputError::new(path, InputErrorKind::Empty));
    }
    if legacy::looks_like_legacy_heap(data) {
        return legacy::parse(data).map_err(|k| InputError::new(path, k));
    }
    proto::parse(data).map_err(|k| InputError::new(path, k))
}

/// Loads one profile from a path (`-` for standard input).
pub fn load(path: &Path) -> Result<Loaded, InputError> {
    let raw = read_input(path)?;
    if raw.is_empty() {
        return Err(InputError::new(path, InputErrorKind::Empty));
    }
    let data = gunzip_if_needed(path, raw)?;
    let profile = parse_bytes(path, &data)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        profile,
    })
}

/// Loads several profiles, decoding them in parallel. Results keep the order of `paths`; the
/// first error (in that order) is returned.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<Loaded>, InputError> {
    let stdin_count = paths.iter().filter(|p| p.as_os_str() == "-").count();
    if stdin_count > 1 {
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
        return paths.iter().map(|p| load(p)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<Loaded, InputError>>> = Vec::new();
    results.resize_with(paths.len(), || None);
    let slots = std::sync::Mutex::new(results);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= paths.len() {
                        break;
                    }
                    let r = load(&paths[i]);
                    slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                }
            });
        }
    });
    slots
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.expect("every input is loaded"))
        .collect()
}
