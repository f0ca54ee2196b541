//! Writing results: to standard output, or to a file replaced atomically (a temporary file in
//! the same directory, renamed into place), so an error never leaves a partial file and never
//! clobbers an existing one. An output that names one of the inputs is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::fail::{Context, bail};

use super::config::Target;

/// Writes `bytes` to `target`.
pub fn write(target: &Target, bytes: &[u8]) -> super::fail::Result<()> {
    match target {
        Target::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
        Target::File(p) => write_file(p, bytes),
    }
}

/// Refuses an output file that is one of the inputs (by identity, so another spelling of the
/// same path or a link to it is caught too).
pub fn refuse_inputs(target: &Target, inputs: &[heapdiff::Input]) -> super::fail::Result<()> {
    let Target::File(out) = target else {
        return Ok(());
    };
    let Ok(out_id) = identity(out) else {
        return Ok(());
    };
    for inp in inputs.iter().filter_map(heapdiff::Input::path) {
        if identity(inp).is_ok_and(|id| id == out_id) {
            bail!(
                "{}: the output would overwrite the input {}; name another file with -o",
                out.display(),
                inp.display()
            );
        }
    }
    Ok(())
}

#[cfg(unix)]
fn identity(p: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p)?;
    Ok((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(p: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(p)
}

/// Writes `bytes` to the file `path` names. A device, FIFO or other non-regular file (such as
/// `/dev/stdout`) is written into, never replaced; a symbolic link is written through (the file
/// it points to is replaced); anything else is replaced atomically, keeping an existing file's
/// permissions and owner.
pub fn write_file(path: &Path, bytes: &[u8]) -> super::fail::Result<()> {
    let cannot = || format!("{}: cannot write", path.display());
    if let Ok(m) = std::fs::metadata(path) {
        if m.is_dir() {
            bail!("{}: is a directory", path.display());
        }
        if !m.is_file() {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(cannot)?;
            f.write_all(bytes).with_context(cannot)?;
            return Ok(());
        }
    }
    let real = resolve_links(path).with_context(cannot)?;
    write_atomic(&real, bytes)
}

/// Follows symbolic links to the file they name (which need not exist yet).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// The name of heapdiff's temporary file for `name` written by process `pid`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.heapdiff-{pid}.tmp")
}

/// Removes temporary files of heapdiff's own naming for `name` whose process is gone (left by
/// a run that was killed outright), so they never pile up.
fn sweep_stale(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.heapdiff-");
    for e in entries.flatten() {
        let file = e.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".tmp"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes through a temporary sibling file and renames it over `path`. The temporary file is
/// removed if the write fails or the process is interrupted (SIGINT, SIGTERM, SIGHUP).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> super::fail::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?
        .to_string_lossy()
        .into_owned();
    if Path::new("/proc/self").exists() {
        sweep_stale(dir, &name);
    }
    let tmp = dir.join(temp_name(&name, std::process::id()));
    let old = std::fs::metadata(path).ok();
    let guard = cleanup::Guard::new(&tmp);
    let res = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        if let Some(m) = &old {
            f.set_permissions(m.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                // Keeping the owner needs privileges; without them the file is the writer's.
                let _ = std::os::unix::fs::fchown(&f, Some(m.uid()), Some(m.gid()));
            }
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    drop(guard);
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("{}: cannot write", path.display()));
    }
    Ok(())
}

/// Removing the temporary file when a signal ends the process during a write.
#[cfg(unix)]
mod cleanup {
    use std::ffi::CString;
    use std::path::Path;
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// The temporary file being written, for the signal handler (null when none).
    static TEMP: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

    extern "C" fn on_signal(sig: libc::c_int) {
        let p = TEMP.swap(std::ptr::null_mut(), Ordering::SeqCst);
        // SAFETY: unlink, signal and raise are async-signal-safe; `p` came from
        // CString::into_raw and is only read.
        unsafe {
            if !p.is_null() {
                libc::unlink(p);
            }
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    /// While alive, a signal that ends the process removes the file first.
    pub struct Guard;

    impl Guard {
        pub fn new(tmp: &Path) -> Guard {
            use std::os::unix::ffi::OsStrExt;
            if let Ok(c) = CString::new(tmp.as_os_str().as_bytes()) {
                TEMP.store(c.into_raw(), Ordering::SeqCst);
                let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
                // SAFETY: installing a handler that only calls async-signal-safe functions.
                unsafe {
                    libc::signal(libc::SIGINT, handler);
                    libc::signal(libc::SIGTERM, handler);
                    libc::signal(libc::SIGHUP, handler);
                }
            }
            Guard
        }
    }

    impl Drop for Guard {
        fn drop(&mut self) {
            let p = TEMP.swap(std::ptr::null_mut(), Ordering::SeqCst);
            if !p.is_null() {
                // SAFETY: `p` came from CString::into_raw and the handler no longer sees it.
                drop(unsafe { CString::from_raw(p) });
            }
        }
    }
}

#[cfg(not(unix))]
mod cleanup {
    pub struct Guard;
    impl Guard {
        pub fn new(_: &std::path::Path) -> Guard {
            Guard
        }
    }
}
