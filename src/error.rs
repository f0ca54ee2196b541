//! The library's one error type. An input error names the input it came from and what is wrong
//! with it; a rule error names the flag and the expression; an options error says which
//! options do not fit the inputs.

use std::fmt;

/// Everything that can stop heapdiff's engine.
#[derive(Debug)]
pub enum Error {
    /// One input is unreadable or not a profile heapdiff reads.
    Input(InputError),
    /// A regular expression given by the user (or a profile) does not compile.
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
    Options(String),
    /// Writing an output failed.
    Io {
        /// What was being written.
        what: String,
        /// The underlying error.
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

/// What went wrong with one input (a file, standard input, a URL, a fleet window).
#[derive(Debug)]
pub struct InputError {
    /// The input as the user named it.
    pub input: crate::source::Input,
    /// What is wrong with it.
    pub kind: InputErrorKind,
}

/// The ways an input can be bad.
#[derive(Debug)]
pub enum InputErrorKind {
    /// The file cannot be read (missing, a directory, no permission).
    Io(std::io::Error),
    /// The file is empty.
    Empty,
    /// The gzip stream is cut short or corrupt.
    Gzip(std::io::Error),
    /// The bytes are none of the formats heapdiff reads.
    NotAProfile(String),
    /// A profile.proto whose contents contradict themselves (dangling ids, bad indices).
    Invalid(String),
    /// A legacy text heap profile with a malformed line.
    Legacy {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        what: String,
    },
    /// A jemalloc heap_v2 dump with a malformed line.
    JemallocDump {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        what: String,
    },
    /// A URL could not be fetched (refused, an error status, not a profile).
    Fetch(String),
    /// The input decompresses to more than the ceiling.
    TooLarge(u64),
    /// The chosen sample type is missing or measured in another unit.
    SampleType(String),
}

impl InputError {
    /// An error for `input`.
    pub fn new(input: impl Into<crate::source::Input>, kind: InputErrorKind) -> Self {
        InputError {
            input: input.into(),
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

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(e) => e.fmt(f),
            Error::Rule { flag, expr, reason } => {
                write!(
                    f,
                    "{flag} {expr:?} is not a valid regular expression: {reason}"
                )
            }
            Error::Options(s) => f.write_str(s),
            Error::Io { what, source } => write!(f, "{what}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Input(e) => e.source(),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.kind)
    }
}

/// The message already says what the kind is (and its cause), so no source is chained.
impl std::error::Error for InputError {}

impl fmt::Display for InputErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputErrorKind::Io(e) => write!(f, "cannot read: {e}"),
            InputErrorKind::Empty => f.write_str("empty file: no profile data"),
            InputErrorKind::Gzip(e) => write!(f, "truncated or corrupt gzip stream: {e}"),
            InputErrorKind::NotAProfile(s) => write!(f, "not a pprof profile: {s}"),
            InputErrorKind::Invalid(s) => write!(f, "invalid profile: {s}"),
            InputErrorKind::Legacy { line, what } => {
                write!(f, "malformed legacy heap profile at line {line}: {what}")
            }
            InputErrorKind::JemallocDump { line, what } => {
                write!(f, "malformed jemalloc heap dump at line {line}: {what}")
            }
            InputErrorKind::Fetch(s) | InputErrorKind::SampleType(s) => f.write_str(s),
            InputErrorKind::TooLarge(n) => write!(
                f,
                "decompresses to more than {n} bytes, the input-size ceiling (--max-input-size raises it)"
            ),
        }
    }
}

impl std::error::Error for InputErrorKind {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputErrorKind::Io(e) | InputErrorKind::Gzip(e) => Some(e),
            _ => None,
        }
    }
}
