//! The library's one error type. An input error names the file it came from and what is wrong
//! with it; a rule error names the flag and the expression; an options error says which
//! options do not fit the inputs.

use std::path::PathBuf;

/// Everything that can stop heapdiff's engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One input is unreadable or not a profile heapdiff reads.
    #[error(transparent)]
    Input(#[from] InputError),
    /// A regular expression given by the user (or a profile) does not compile.
    #[error("{flag} {expr:?} is not a valid regular expression: {reason}")]
    Rule {
        /// The flag or list the expression came from (`--skip`, `--keep`, `built-in`).
        flag: String,
        /// The expression as given.
        expr: String,
        /// What the regular-expression parser said, on one line.
        reason: String,
    },
    /// Options that do not fit the inputs (two profiles where a series is needed, a `--work`
    /// list of the wrong length).
    #[error("{0}")]
    Options(String),
    /// Writing an output failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being written.
        what: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A rule error for `expr` given with `flag`, keeping only the parser's last line (its
    /// diagnosis), so the message stays on one line.
    pub fn rule(flag: &str, expr: &str, err: &regex::Error) -> Self {
        let text = err.to_string();
        let reason = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .trim_start_matches("error: ")
            .to_string();
        Error::Rule {
            flag: flag.to_string(),
            expr: expr.to_string(),
            reason,
        }
    }

    /// An I/O error while writing `what`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }
}

/// What went wrong with one input file (or standard input).
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", .path.display())]
pub struct InputError {
    /// The file as the user named it (`-` for standard input).
    pub path: PathBuf,
    /// What is wrong with it.
    pub kind: InputErrorKind,
}

/// The ways an input can be bad.
#[derive(Debug, thiserror::Error)]
pub enum InputErrorKind {
    /// The file cannot be read (missing, a directory, no permission).
    #[error("cannot read: {0}")]
    Io(#[source] std::io::Error),
    /// The file is empty.
    #[error("empty file: no profile data")]
    Empty,
    /// The gzip stream is cut short or corrupt.
    #[error("truncated or corrupt gzip stream: {0}")]
    Gzip(#[source] std::io::Error),
    /// The bytes are none of the formats heapdiff reads.
    #[error("not a pprof profile: {0}")]
    NotAProfile(String),
    /// A profile.proto whose contents contradict themselves (dangling ids, bad indices).
    #[error("invalid profile: {0}")]
    Invalid(String),
    /// A legacy text heap profile with a malformed line.
    #[error("malformed legacy heap profile at line {line}: {what}")]
    Legacy {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        what: String,
    },
    /// A jemalloc heap_v2 dump with a malformed line.
    #[error("malformed jemalloc heap dump at line {line}: {what}")]
    JemallocDump {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        what: String,
    },
    /// A URL could not be fetched (refused, an error status, not a profile).
    #[error("{0}")]
    Fetch(String),
    /// The input decompresses to more than the ceiling.
    #[error(
        "decompresses to more than {0} bytes, the input-size ceiling (--max-input-size raises it)"
    )]
    TooLarge(u64),
    /// The chosen sample type is missing or measured in another unit.
    #[error("{0}")]
    SampleType(String),
}

impl InputError {
    /// An error for the input named `path`.
    pub fn new(path: impl Into<PathBuf>, kind: InputErrorKind) -> Self {
        InputError {
            path: path.into(),
            kind,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<crate::profile::seqs::Full> for InputErrorKind {
    fn from(e: crate::profile::seqs::Full) -> Self {
        InputErrorKind::Invalid(e.to_string())
    }
}
