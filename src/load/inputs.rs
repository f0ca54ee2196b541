//! Expanding what the user named into profile paths: files as they are, `-` for standard input,
//! directories (the profile files directly inside, by name), and `*`/`?` patterns in the last
//! path component (for shells and CI systems that pass them unexpanded).

use std::path::{Path, PathBuf};

use crate::error::{InputError, InputErrorKind};

/// File name endings taken from a directory, most preferred first. A directory often holds
/// the same snapshots in two formats (Go's proto and legacy text, jemalloc's pprof and raw
/// dump); only files of the most preferred ending present are taken.
const PROFILE_ENDINGS: [&str; 12] = [
    ".pb.gz",
    ".pprof.gz",
    ".pb",
    ".pprof",
    ".prof",
    ".proto",
    ".heap",
    ".jeheap",
    ".txt.gz",
    ".txt",
    ".prof.gz",
    ".gz",
];

/// The preferred ending a file name has, if any (the longest match wins, so `x.txt.gz` is
/// `.txt.gz`, not `.gz`).
fn ending(name: &str) -> Option<&'static str> {
    if name.starts_with('.') {
        return None;
    }
    PROFILE_ENDINGS
        .iter()
        .filter(|e| name.ends_with(**e))
        .max_by_key(|e| e.len())
        .copied()
}

fn looks_like_profile_name(name: &str) -> bool {
    ending(name).is_some()
}

/// Matches `name` against a pattern with `*` (any run) and `?` (one character), in time
/// proportional to the product of the lengths at worst (no exponential backtracking: only the
/// last `*` is ever retried).
pub(crate) fn glob_match(pat: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pat.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some('?') => {
                p += 1;
                n += 1;
            }
            Some(c) if *c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|c| *c == '*')
}

fn sorted_entries(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>, InputError> {
    let rd = std::fs::read_dir(dir).map_err(|e| InputError::new(dir, InputErrorKind::Io(e)))?;
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|e| InputError::new(dir, InputErrorKind::Io(e)))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if keep(&name) && e.path().is_file() {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Expands the command line's profile arguments, keeping their order.
pub fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut out = Vec::new();
    for a in args {
        if a.as_os_str() == "-" {
            out.push(a.clone());
            continue;
        }
        if a.is_dir() {
            let mut found = sorted_entries(a, looks_like_profile_name)?;
            let best = PROFILE_ENDINGS.iter().find(|e| {
                found.iter().any(|p| {
                    ending(&p.file_name().unwrap_or_default().to_string_lossy()) == Some(**e)
                })
            });
            if let Some(best) = best {
                found.retain(|p| {
                    ending(&p.file_name().unwrap_or_default().to_string_lossy()) == Some(*best)
                });
            }
            if found.is_empty() {
                return Err(InputError::new(
                    a,
                    InputErrorKind::Invalid(
                        "directory holds no profile files (*.pb.gz, *.pb, *.pprof, *.txt, ...)"
                            .into(),
                    ),
                ));
            }
            out.extend(found);
            continue;
        }
        let name = a
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !a.exists() && (name.contains('*') || name.contains('?')) {
            let dir = match a.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let pat: Vec<char> = name.chars().collect();
            let found = sorted_entries(&dir, |n| glob_match(&pat, &n.chars().collect::<Vec<_>>()))?;
            if found.is_empty() {
                return Err(InputError::new(
                    a,
                    InputErrorKind::Invalid("the pattern matches no file".into()),
                ));
            }
            out.extend(found);
            continue;
        }
        if !a.exists() {
            return Err(InputError::new(
                a,
                InputErrorKind::Io(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no such file or directory",
                )),
            ));
        }
        out.push(a.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let m = |p: &str, n: &str| {
            glob_match(
                &p.chars().collect::<Vec<_>>(),
                &n.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("heap_*.pb.gz", "heap_001.pb.gz"));
        assert!(m("heap_00?.pb.gz", "heap_001.pb.gz"));
        assert!(!m("heap_*.pb.gz", "heap_001.txt"));
        assert!(m("*", "x"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(!m("a*b*c", "aXbY"));
        // Many stars against a long name that does not match: linear, not exponential.
        let long = "a".repeat(60);
        assert!(!m("a*a*a*a*a*a*a*a*c", &long));
    }

    #[test]
    fn profile_names() {
        assert!(looks_like_profile_name("heap_001.pb.gz"));
        assert!(!looks_like_profile_name("groundtruth.json"));
        assert!(!looks_like_profile_name(".hidden.pb"));
        assert_eq!(ending("heap_001.txt.gz"), Some(".txt.gz"));
        assert_eq!(ending("heap_001.pb.gz"), Some(".pb.gz"));
    }

    #[test]
    fn a_directory_gives_one_kind_of_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/go/leak");
        let got = expand(&[dir]).unwrap();
        assert_eq!(got.len(), 4);
        assert!(got.iter().all(|p| p.to_string_lossy().ends_with(".pb.gz")));
    }
}
