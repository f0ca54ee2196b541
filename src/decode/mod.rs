//! What the bytes are: one registry of the formats heapdiff reads, each in its own file,
//! chosen by sniffing the first (gunzipped) bytes, never the file name. Loading, parsing bytes
//! already read and choosing a directory's files all ask [`sniff`], so they always agree.
//!
//! A new format is a file here with a `sniff(head) -> bool` and a `decode(reader) -> Profile`,
//! and one line in [`FORMATS`].
//!
//! May import: `profile`, `error`.

mod jeheap;
mod legacy;
mod legacy_cpu;
mod pprof;
mod text;

use std::io::Read;
use std::path::Path;

use crate::error::{InputError, InputErrorKind};
use crate::profile::Profile;

/// How many (gunzipped) bytes of an input a sniff sees.
pub const HEAD: usize = 4096;

/// One format heapdiff recognises.
pub struct Format {
    /// What it is called in messages.
    pub name: &'static str,
    /// Whether an input whose first bytes (up to [`HEAD`], gunzipped) are `head` is in this
    /// format.
    pub sniff: fn(head: &[u8]) -> bool,
    /// Decodes the whole (gunzipped) input, `head` included. Read errors come back as
    /// [`InputErrorKind::Io`].
    pub decode: fn(input: &mut dyn Read) -> Result<Profile, InputErrorKind>,
    /// Whether it is a heap profile heapdiff reads (a format it only recognises to refuse by
    /// name is not: a directory's files of that format are skipped).
    pub heap: bool,
}

/// Every format, in the order they are tried: the ones with distinctive text or headers first,
/// profile.proto (whose sniff checks that the first fields parse) last.
pub static FORMATS: [&Format; 4] = [
    &legacy_cpu::FORMAT,
    &jeheap::FORMAT,
    &legacy::FORMAT,
    &pprof::FORMAT,
];

/// The format of an input that begins with `head` (gunzipped), if it is one heapdiff knows.
pub fn sniff(head: &[u8]) -> Option<&'static Format> {
    FORMATS.iter().copied().find(|f| (f.sniff)(head))
}

/// Decodes a stream already gunzipped whose first bytes are `head`: in the sniffed format, or
/// as profile.proto (whose errors say the most) when none matched; text that is no format
/// heapdiff reads says so.
pub fn decode(head: &[u8], input: &mut dyn Read) -> Result<Profile, InputErrorKind> {
    if head.is_empty() {
        return Err(InputErrorKind::Empty);
    }
    let format = sniff(head).unwrap_or(&pprof::FORMAT);
    match (format.decode)(input) {
        Err(InputErrorKind::NotAProfile(e)) if format.name == pprof::FORMAT.name => {
            Err(text_error(head).unwrap_or(InputErrorKind::NotAProfile(e)))
        }
        r => r,
    }
}

/// Parses profile bytes (already gunzipped) in whichever format they are in.
pub fn parse_bytes(path: &Path, data: &[u8]) -> Result<Profile, InputError> {
    let head = &data[..data.len().min(HEAD)];
    decode(head, &mut &data[..]).map_err(|k| InputError::new(path, k))
}

pub(crate) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A reader that fails once more than `left` bytes have come through, and says so in `over`.
pub(crate) struct Limited<'a, R> {
    pub(crate) inner: R,
    pub(crate) left: u64,
    pub(crate) over: &'a std::cell::Cell<bool>,
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
pub(crate) fn read_head(r: &mut impl Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    r.by_ref().take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Undoes gzip when the bytes start with its magic number; returns other bytes as they are.
/// At most [`crate::source::DEFAULT_MAX_INPUT`] bytes are decompressed.
pub fn gunzip_if_needed(path: &Path, data: Vec<u8>) -> Result<Vec<u8>, InputError> {
    if !data.starts_with(&GZIP_MAGIC) {
        return Ok(data);
    }
    let max = crate::source::DEFAULT_MAX_INPUT;
    let over = std::cell::Cell::new(false);
    let mut out = Vec::new();
    Limited {
        inner: flate2::read::MultiGzDecoder::new(&data[..]),
        left: max,
        over: &over,
    }
    .read_to_end(&mut out)
    .map_err(|e| {
        let kind = if over.get() {
            InputErrorKind::TooLarge(max)
        } else {
            InputErrorKind::Gzip(e)
        };
        InputError::new(path, kind)
    })?;
    Ok(out)
}

/// The first [`HEAD`] bytes of a file, gunzipped when it is gzip (a cut-short stream still
/// yields its first bytes); `None` when it cannot be read.
pub fn file_head(path: &Path) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut head = Vec::new();
    f.take(HEAD as u64).read_to_end(&mut head).ok()?;
    if head.starts_with(&GZIP_MAGIC) {
        let mut plain = Vec::new();
        let gz = flate2::read::MultiGzDecoder::new(&head[..]);
        let _ = gz.take(HEAD as u64).read_to_end(&mut plain);
        head = plain;
    }
    Some(head)
}

/// Whether a file is a heap profile heapdiff reads, by its first bytes (gzipped or not): what
/// a directory's files are chosen by.
pub fn is_heap_profile(path: &Path) -> bool {
    file_head(path)
        .filter(|h| !h.is_empty())
        .and_then(|h| sniff(&h))
        .is_some_and(|f| f.heap)
}

/// A file of the project's `testdata/`, gunzipped when it is gzip (for unit tests).
#[cfg(test)]
pub(crate) fn testdata(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let raw = std::fs::read(&p).unwrap();
    gunzip_if_needed(&p, raw).unwrap()
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

/// Reads a whole input for the formats parsed from memory (the text ones).
fn read_all(input: &mut dyn Read) -> Result<Vec<u8>, InputErrorKind> {
    let mut data = Vec::new();
    input.read_to_end(&mut data).map_err(InputErrorKind::Io)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_kind_is_sniffed_as_itself_and_notes_are_not() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let name = |rel: &str| {
            let h = file_head(&root.join(rel)).unwrap();
            sniff(&h).map(|f| f.name)
        };
        assert_eq!(
            name("testdata/go/leak/heap_001.pb.gz"),
            Some("profile.proto")
        );
        assert!(sniff(b"Heap notes: taken after the load test\n").is_none());
        assert_eq!(
            sniff(b"heap_v2/524288\n").map(|f| f.name),
            Some("jemalloc heap_v2 dump")
        );
        assert_eq!(
            sniff(b"heap profile: 1: 2 [3: 4] @ heap/1048576\n").map(|f| f.name),
            Some("legacy heap profile")
        );
        assert!(sniff(b"{\"snapshot\":{}}").is_none());
    }
}
