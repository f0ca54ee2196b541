//! Writing results: to standard output, or to a file replaced atomically (a temporary file in
//! the same directory, renamed into place), so an error never leaves a partial file and never
//! clobbers an existing one. An output that names one of the inputs is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::config::Target;

/// Writes `bytes` to `target`.
pub fn write(target: &Target, bytes: &[u8]) -> anyhow::Result<()> {
    match target {
        Target::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
        Target::File(p) => write_atomic(p, bytes),
    }
}

/// Refuses an output file that is one of the inputs (by identity, so another spelling of the
/// same path or a link to it is caught too).
pub fn refuse_inputs(target: &Target, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let Target::File(out) = target else {
        return Ok(());
    };
    let Ok(out_id) = identity(out) else {
        return Ok(());
    };
    for inp in inputs {
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

/// Writes through a temporary sibling file and renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.heapdiff-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let res = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow::Error::new(e).context(format!("{}: cannot write", path.display())));
    }
    Ok(())
}
