//! Errors the library reports: each names the input it came from and what is wrong with it.

use std::path::PathBuf;

/// What went wrong with one input file (or standard input).
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", display_path(.path))]
pub struct InputError {
    /// The file as the user named it (`-` for standard input).
    pub path: PathBuf,
    /// What is wrong with it.
    pub kind: InputErrorKind,
}

fn display_path(p: &std::path::Path) -> String {
    p.display().to_string()
}

/// The ways an input can be bad.
#[derive(Debug, thiserror::Error)]
pub enum InputErrorKind {
    #[error("cannot read: {0}")]
    Io(#[source] std::io::Error),
    #[error("empty file: no profile data")]
    Empty,
    #[error("truncated or corrupt gzip stream: {0}")]
    Gzip(#[source] std::io::Error),
    #[error("not a pprof profile: {0}")]
    NotAProfile(String),
    #[error("invalid profile: {0}")]
    Invalid(String),
    #[error("malformed legacy heap profile at line {line}: {what}")]
    Legacy { line: usize, what: String },
    #[error("malformed jemalloc heap dump at line {line}: {what}")]
    JemallocDump { line: usize, what: String },
    #[error("{0}")]
    SampleType(String),
}

impl InputError {
    pub fn new(path: impl Into<PathBuf>, kind: InputErrorKind) -> Self {
        InputError {
            path: path.into(),
            kind,
        }
    }
}
