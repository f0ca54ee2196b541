//! Expanding what the user named into profile paths: files as they are, `-` for standard input,
//! directories (the files directly inside that are heap profiles by their content), and
//! `*`/`?` patterns in the last path component (for shells and CI systems that pass them
//! unexpanded). Names sort naturally (`heap_9` before `heap_10`), and one snapshot saved in
//! several formats is taken once, in the preferred one.

use std::path::{Path, PathBuf};

use super::Input;
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

/// Compares file names as people count: runs of digits by their value, so `heap_9` comes
/// before `heap_10`.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(&cb) {
        let o = match (x.0, y.0) {
            (true, true) => {
                let (tx, ty) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                tx.len()
                    .cmp(&ty.len())
                    .then(tx.cmp(ty))
                    .then(x.1.len().cmp(&y.1.len()))
            }
            _ => x.1.cmp(y.1),
        };
        if o != std::cmp::Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len()).then(a.cmp(b))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The regular files directly in `dir` that `keep` accepts, in natural order.
fn sorted_entries(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>, InputError> {
    let rd = std::fs::read_dir(dir).map_err(|e| InputError::new(dir, InputErrorKind::Io(e)))?;
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|e| InputError::new(dir, InputErrorKind::Io(e)))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && keep(&name) && e.path().is_file() {
            out.push(e.path());
        }
    }
    out.sort_by(|a, b| natural_cmp(&file_name(a), &file_name(b)));
    Ok(out)
}

/// The profile ending of a file name, for grouping one snapshot saved in several formats.
fn stem_and_rank(name: &str) -> (&str, usize) {
    match ending(name) {
        Some(e) => (
            &name[..name.len() - e.len()],
            PROFILE_ENDINGS.iter().position(|x| *x == e).unwrap_or(0),
        ),
        None => (name, PROFILE_ENDINGS.len()),
    }
}

/// Keeps one file per snapshot saved in several formats (`heap_1.pb.gz` and `heap_1.txt`):
/// the most preferred ending. Says what was skipped.
fn dedupe(found: Vec<PathBuf>, what: &Path, notes: &mut Vec<String>) -> Vec<PathBuf> {
    let names: Vec<String> = found.iter().map(|p| file_name(p)).collect();
    let mut best: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for n in &names {
        let (stem, rank) = stem_and_rank(n);
        let e = best.entry(stem).or_insert(rank);
        *e = (*e).min(rank);
    }
    let mut kept = Vec::new();
    let mut skipped = Vec::new();
    for (p, n) in found.iter().zip(&names) {
        let (stem, rank) = stem_and_rank(n);
        if best[stem] == rank {
            kept.push(p.clone());
        } else {
            skipped.push(n.as_str());
        }
    }
    if !skipped.is_empty() {
        let took: std::collections::BTreeSet<&str> = kept
            .iter()
            .map(|p| ending(&file_name(p)).unwrap_or("(no ending)"))
            .collect();
        notes.push(format!(
            "{}: the same snapshots are saved in several formats; took {} and skipped {}",
            what.display(),
            took.into_iter().collect::<Vec<_>>().join(", "),
            list(&skipped)
        ));
    }
    kept
}

fn list(names: &[&str]) -> String {
    let mut s = names.iter().take(4).copied().collect::<Vec<_>>().join(", ");
    if names.len() > 4 {
        s.push_str(&format!(" and {} more", names.len() - 4));
    }
    s
}

/// The inputs the arguments name, and what the user should know about how they were found.
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    /// The inputs, in order.
    pub inputs: Vec<Input>,
    /// Files skipped and formats chosen.
    pub notes: Vec<String>,
    /// The work done at each input, when the inputs are one directory written by `heapdiff
    /// capture` with a work counter (its [`super::capture::RECORD`]).
    pub work: Option<Vec<f64>>,
}

/// Expands the command line's profile arguments, keeping their order.
pub fn expand<I: Into<Input> + Clone>(args: &[I]) -> Result<Vec<Input>, InputError> {
    Ok(expand_noting(args)?.inputs)
}

/// Expands the command line's profile arguments, keeping their order: files as they are, `-`,
/// directories (the files inside that are profiles by their content, in natural order), and
/// `*`/`?` patterns (in natural order). One snapshot saved in several formats is taken once,
/// among a directory's files, a pattern's or the files named one by one.
pub fn expand_noting<I: Into<Input> + Clone>(args: &[I]) -> Result<Expanded, InputError> {
    let args: Vec<Input> = args.iter().cloned().map(Into::into).collect();
    let mut out = Expanded::default();
    let named_files = args
        .iter()
        .filter(|a| a.path().is_some_and(|p| p.is_file()))
        .count();
    for arg in &args {
        let Some(a) = arg.path() else {
            out.inputs.push(arg.clone());
            continue;
        };
        if a.is_dir() {
            let all = sorted_entries(a, |n| n != super::capture::RECORD)?;
            let (found, others): (Vec<PathBuf>, Vec<PathBuf>) = all
                .into_iter()
                .partition(|p| crate::decode::is_heap_profile(p));
            if found.is_empty() {
                return Err(InputError::new(
                    a,
                    InputErrorKind::Invalid("directory holds no heap profile files".into()),
                ));
            }
            if !others.is_empty() {
                let names: Vec<String> = others.iter().map(|p| file_name(p)).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                out.notes.push(format!(
                    "{}: skipped {} file(s) that are not heap profiles: {}",
                    a.display(),
                    names.len(),
                    list(&names)
                ));
            }
            let found = dedupe(found, a, &mut out.notes);
            if args.len() == 1
                && let Some(recorded) = super::capture::recorded_work(a)
            {
                out.work = found
                    .iter()
                    .map(|p| recorded.get(&file_name(p)).copied())
                    .collect();
                if out.work.is_some() {
                    out.notes.push(format!(
                        "{}: work done at each snapshot from {} (--work overrides it)",
                        a.display(),
                        super::capture::RECORD
                    ));
                }
            }
            out.inputs.extend(found.into_iter().map(Input::File));
            continue;
        }
        let name = file_name(a);
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
            out.inputs.extend(
                dedupe(found, a, &mut out.notes)
                    .into_iter()
                    .map(Input::File),
            );
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
        out.inputs.push(arg.clone());
    }
    if named_files > 1 {
        out.inputs = dedupe_named(std::mem::take(&mut out.inputs), &mut out.notes);
    }
    Ok(out)
}

/// Among files named one by one, keeps one per snapshot saved in several formats (the same
/// directory and name, another ending), as a directory's files are kept.
fn dedupe_named(inputs: Vec<Input>, notes: &mut Vec<String>) -> Vec<Input> {
    let key = |p: &Path| {
        let name = file_name(p);
        let (stem, rank) = stem_and_rank(&name);
        ((p.parent().map(Path::to_path_buf), stem.to_string()), rank)
    };
    let mut best: std::collections::HashMap<(Option<PathBuf>, String), usize> =
        std::collections::HashMap::new();
    for p in inputs.iter().filter_map(Input::path) {
        let (k, rank) = key(p);
        let e = best.entry(k).or_insert(rank);
        *e = (*e).min(rank);
    }
    let mut skipped = Vec::new();
    let kept = inputs
        .into_iter()
        .filter(|i| match i.path() {
            Some(p) => {
                let (k, rank) = key(p);
                let keep = best[&k] == rank;
                if !keep {
                    skipped.push(p.display().to_string());
                }
                keep
            }
            None => true,
        })
        .collect();
    if !skipped.is_empty() {
        let names: Vec<&str> = skipped.iter().map(String::as_str).collect();
        notes.push(format!(
            "the same snapshots are named in several formats; skipped {}",
            list(&names)
        ));
    }
    kept
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
    fn natural_order() {
        let mut v = vec!["heap_10", "heap_9", "heap_1", "heap_002", "a"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["a", "heap_1", "heap_002", "heap_9", "heap_10"]);
    }

    #[test]
    fn profile_endings() {
        assert_eq!(ending("heap_001.txt.gz"), Some(".txt.gz"));
        assert_eq!(ending("heap_001.pb.gz"), Some(".pb.gz"));
    }

    #[test]
    fn a_directory_gives_one_kind_of_file() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/go/leak");
        let got = expand(&[dir]).unwrap();
        assert_eq!(got.len(), 4);
        assert!(got.iter().all(|p| p.to_string().ends_with(".pb.gz")));
    }
}
