//! One binary's DWARF, read in process for the symbolizer: its sections from the object file
//! (sections compressed with zlib or zstd are inflated, `SHF_COMPRESSED` and `.zdebug_*`
//! alike), split DWARF from a `.dwp` package beside the binary or from the `.dwo` files its
//! skeleton units name, and addresses turned into frames (inlined ones included) by addr2line.
//!
//! The readers borrow the bytes they read: mapped files and inflated sections are kept in a
//! [`Storage`] that lives exactly as long as the readers (see [`Dwarf`]'s fields).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use addr2line::{LookupContinuation, LookupResult};
use object::{CompressionFormat, Object, ObjectSection};

type Reader = gimli::EndianSlice<'static, gimli::RunTimeEndian>;

/// The debug information of one binary.
pub(super) struct Dwarf {
    // Fields drop in declaration order: everything that borrows `storage` comes first.
    ctx: addr2line::Context<Reader>,
    package: Option<gimli::DwarfPackage<Reader>>,
    storage: Storage,
}

/// Bytes the readers borrow: mapped files and inflated sections. Neither ever moves (a map's
/// pages and a boxed slice stay where they are when the vector holding them grows), and both
/// are freed only with the [`Dwarf`] whose readers borrow them.
#[derive(Default)]
struct Storage {
    held: Mutex<Vec<Held>>,
}

/// One run of bytes a [`Storage`] keeps.
enum Held {
    Map(memmap2::Mmap),
    Inflated(Box<[u8]>),
}

impl Storage {
    /// Keeps `held` and returns its bytes, for as long as the storage lives.
    fn keep(&self, held: Held) -> &'static [u8] {
        let bytes: &[u8] = match &held {
            Held::Map(m) => m,
            Held::Inflated(b) => b,
        };
        // SAFETY: the bytes stay where they are until `self` drops (see `Storage`), and every
        // reader that borrows them is dropped before `self` (field order of `Dwarf`).
        let bytes = unsafe { std::slice::from_raw_parts(bytes.as_ptr(), bytes.len()) };
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(held);
        bytes
    }

    /// A file's bytes, mapped and kept.
    fn map(&self, path: &Path) -> Option<&'static [u8]> {
        super::map_regular(path).map(|m| self.keep(Held::Map(m)))
    }

    /// One section's bytes, inflated if compressed; empty when the file has no such section
    /// or its compression cannot be read (the names or lines it held are then missing, as
    /// when a binary has no debug information).
    fn section(&self, file: &object::File<'static>, name: Option<&str>) -> &'static [u8] {
        let Some(name) = name else { return &[] };
        // Old GNU tools compress `.debug_x` into `.zdebug_x`.
        let gnu = || file.section_by_name(&format!(".zdebug_{}", name.strip_prefix(".debug_")?));
        let Some(section) = file.section_by_name(name).or_else(gnu) else {
            return &[];
        };
        let Ok(c) = section.compressed_data() else {
            return &[];
        };
        let inflated = match c.format {
            CompressionFormat::None => return c.data,
            CompressionFormat::Zlib => inflate_zlib(c.data, c.uncompressed_size),
            CompressionFormat::Zstandard => inflate_zstd(c.data, c.uncompressed_size),
            _ => None,
        };
        inflated.map_or(&[], |d| self.keep(Held::Inflated(d.into_boxed_slice())))
    }

    fn dwarf(
        &self,
        file: &object::File<'static>,
        dwo: bool,
    ) -> Result<gimli::Dwarf<Reader>, gimli::Error> {
        let endian = endian_of(file);
        gimli::Dwarf::load(|id| {
            let name = if dwo { id.dwo_name() } else { Some(id.name()) };
            Ok(gimli::EndianSlice::new(self.section(file, name), endian))
        })
    }
}

fn endian_of(file: &object::File<'_>) -> gimli::RunTimeEndian {
    if file.is_little_endian() {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    }
}

/// No more is reserved up front than this, whatever size a section claims.
const RESERVE_AT_MOST: u64 = 64 << 20;

/// Reads a decoder to its end, which must be the size the section claims (one byte more is
/// read to tell a longer stream from one of that size).
fn read_claimed(r: impl Read, size: u64) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(size.min(RESERVE_AT_MOST) as usize);
    r.take(size.saturating_add(1)).read_to_end(&mut out).ok()?;
    (out.len() as u64 == size).then_some(out)
}

fn inflate_zlib(data: &[u8], size: u64) -> Option<Vec<u8>> {
    read_claimed(flate2::read::ZlibDecoder::new(data), size)
}

fn inflate_zstd(mut data: &[u8], size: u64) -> Option<Vec<u8>> {
    // A section may hold several frames one after another.
    let mut out = Vec::with_capacity(size.min(RESERVE_AT_MOST) as usize);
    while !data.is_empty() && (out.len() as u64) <= size {
        let frame = ruzstd::decoding::StreamingDecoder::new(&mut data).ok()?;
        let left = size - out.len() as u64;
        frame.take(left + 1).read_to_end(&mut out).ok()?;
    }
    (out.len() as u64 == size).then_some(out)
}

impl Dwarf {
    /// The debug information of the object file at `path`, and the file parsed (for its
    /// segments and symbols); `None` when it is no object file.
    pub(super) fn open(path: &Path) -> Option<(Dwarf, object::File<'static>)> {
        let storage = Storage::default();
        let bytes = storage.map(path)?;
        let file = object::File::parse(bytes).ok()?;
        let mut dwarf = storage.dwarf(&file, false).ok()?;
        dwarf.populate_abbreviations_cache(gimli::AbbreviationsCacheStrategy::Duplicates);
        let ctx = addr2line::Context::from_dwarf(dwarf).ok()?;
        let package = Self::package(&storage, path);
        Some((
            Dwarf {
                ctx,
                package,
                storage,
            },
            file,
        ))
    }

    /// The DWARF package beside a binary: `app.dwp` for `app`, `lib.so.dwp` for `lib.so`.
    fn package(storage: &Storage, path: &Path) -> Option<gimli::DwarfPackage<Reader>> {
        let mut name = path.file_name()?.to_os_string();
        name.push(".dwp");
        let bytes = storage.map(&path.with_file_name(name))?;
        let file = object::File::parse(bytes).ok()?;
        let endian = endian_of(&file);
        gimli::DwarfPackage::load(
            |id| {
                Ok::<_, gimli::Error>(gimli::EndianSlice::new(
                    storage.section(&file, id.dwo_name()),
                    endian,
                ))
            },
            gimli::EndianSlice::new(&[], endian),
        )
        .ok()
    }

    /// The split unit a skeleton unit names: from the package, else from its `.dwo` file
    /// (relative to the unit's compilation directory), if that file holds the same unit.
    fn split_unit(
        &self,
        load: addr2line::SplitDwarfLoad<Reader>,
    ) -> Option<Arc<gimli::Dwarf<Reader>>> {
        if let Some(package) = &self.package {
            if let Ok(Some(unit)) = package.find_cu(load.dwo_id, &load.parent) {
                return Some(Arc::new(unit));
            }
        }
        let mut path = PathBuf::new();
        if let Some(dir) = &load.comp_dir {
            path.push(path_of(dir.slice())?);
        }
        path.push(path_of(load.path?.slice())?);
        let bytes = self.storage.map(&path)?;
        let file = object::File::parse(bytes).ok()?;
        let mut dwo = self.storage.dwarf(&file, true).ok()?;
        let header = dwo.units().next().ok()??;
        if dwo.unit(header).ok()?.dwo_id != Some(load.dwo_id) {
            return None;
        }
        dwo.make_dwo(&load.parent);
        Some(Arc::new(dwo))
    }

    /// Frames at `vaddr`, innermost first: (demangled function, file, line). Frames without a
    /// function name are left out.
    pub(super) fn frames(&self, vaddr: u64) -> Vec<(String, String, i64)> {
        let mut lookup = self.ctx.find_frames(vaddr);
        let found = loop {
            match lookup {
                LookupResult::Output(found) => break found,
                LookupResult::Load { load, continuation } => {
                    lookup = continuation.resume(self.split_unit(load));
                }
            }
        };
        let mut out = Vec::new();
        let Ok(mut frames) = found else {
            return out;
        };
        while let Ok(Some(f)) = frames.next() {
            let Some(name) = f
                .function
                .and_then(|n| n.demangle().ok().map(|s| s.into_owned()))
            else {
                continue;
            };
            let (file, line) = f
                .location
                .map(|l| (l.file.unwrap_or("").to_string(), l.line.unwrap_or(0) as i64))
                .unwrap_or_default();
            out.push((name, file, line));
        }
        out
    }
}

#[cfg(unix)]
fn path_of(bytes: &[u8]) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_of(bytes: &[u8]) -> Option<PathBuf> {
    std::str::from_utf8(bytes).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_sections_inflate_to_their_claimed_size_only() {
        let text = b"heapdiff reads compressed debug sections".repeat(50);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, &text).unwrap();
        let z = z.finish().unwrap();
        assert_eq!(
            inflate_zlib(&z, text.len() as u64).as_deref(),
            Some(&text[..])
        );
        // A claimed size that differs from the data's is refused, never trusted.
        assert_eq!(inflate_zlib(&z, text.len() as u64 + 1), None);
        assert_eq!(inflate_zlib(&z, 10), None);
        assert_eq!(inflate_zlib(b"not zlib", 100), None);
        // Two zstd frames, as a section may hold.
        let mut zs = Vec::new();
        for half in text.chunks(text.len() / 2) {
            let level = ruzstd::encoding::CompressionLevel::Fastest;
            ruzstd::encoding::compress(half, &mut zs, level);
        }
        assert_eq!(
            inflate_zstd(&zs, text.len() as u64).as_deref(),
            Some(&text[..])
        );
        assert_eq!(inflate_zstd(&zs, text.len() as u64 - 1), None);
        assert_eq!(inflate_zstd(b"not zstd", 100), None);
    }
}
