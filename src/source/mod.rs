//! Where profiles come from: an [`Input`] names one (a file, standard input, an http(s) URL, a
//! window of a fleet's profiles), and [`open`] turns it into a byte stream. What the bytes are
//! is [`crate::decode`]'s business, never the source's.
//!
//! - [`files`]: what the user typed expanded into inputs (directories, `*`/`?` patterns).
//! - [`capture`]: the record `heapdiff capture` writes beside its snapshots.
//! - [`fleet`]: Grafana Pyroscope and Parca, queried for one merged profile per time window.
//! - [`http`]: one https-capable client (headers, private CAs, client certificates, proxies).
//!
//! May import: `profile`, `error`.

pub mod capture;
pub mod files;
pub mod fleet;
pub mod http;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::InputErrorKind;

/// One profile the user named.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// An `http://` or `https://` URL, fetched with a client's headers and TLS settings.
    Url(Remote),
    /// One time window of a fleet's profiles, merged by the profiling backend.
    Fleet(Arc<fleet::Window>),
}

/// A URL and the client that fetches it.
#[derive(Clone, Debug)]
pub struct Remote {
    /// The URL as given.
    pub url: String,
    /// Headers, TLS roots and client certificate to fetch it with.
    pub client: Arc<http::Client>,
}

impl Input {
    /// What the user typed: `-` is standard input, `http://` and `https://` are URLs (fetched
    /// with a default client), anything else a file.
    pub fn parse(s: &str) -> Input {
        Input::parse_with(s, &Arc::new(http::Client::default()))
    }

    /// Like [`Input::parse`], with URLs fetched by `client`.
    pub fn parse_with(s: &str, client: &Arc<http::Client>) -> Input {
        if s == "-" {
            Input::Stdin
        } else if http::is_url(s) {
            Input::Url(Remote {
                url: s.to_string(),
                client: client.clone(),
            })
        } else {
            Input::File(PathBuf::from(s))
        }
    }

    /// The file this input is, if it is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::File(p) => Some(p),
            _ => None,
        }
    }

    /// A short name for titles: a file's name without its directories, else the whole name.
    pub fn short_name(&self) -> String {
        match self {
            Input::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
            Input::Fleet(w) => w.short_name(),
            _ => self.to_string(),
        }
    }
}

impl PartialEq for Input {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Input::File(a), Input::File(b)) => a == b,
            (Input::Stdin, Input::Stdin) => true,
            (Input::Url(a), Input::Url(b)) => a.url == b.url,
            (Input::Fleet(a), Input::Fleet(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::File(p) => write!(f, "{}", p.display()),
            Input::Stdin => f.write_str("-"),
            Input::Url(r) => f.write_str(&http::redact(&r.url)),
            Input::Fleet(w) => w.fmt(f),
        }
    }
}

impl From<&str> for Input {
    fn from(s: &str) -> Self {
        Input::parse(s)
    }
}

impl From<&String> for Input {
    fn from(s: &String) -> Self {
        Input::parse(s)
    }
}

impl From<String> for Input {
    fn from(s: String) -> Self {
        Input::parse(&s)
    }
}

impl From<&Path> for Input {
    fn from(p: &Path) -> Self {
        match p.to_str() {
            Some(s) => Input::parse(s),
            None => Input::File(p.to_path_buf()),
        }
    }
}

impl From<PathBuf> for Input {
    fn from(p: PathBuf) -> Self {
        Input::from(p.as_path())
    }
}

impl From<&PathBuf> for Input {
    fn from(p: &PathBuf) -> Self {
        Input::from(p.as_path())
    }
}

impl From<&Input> for Input {
    fn from(i: &Input) -> Self {
        i.clone()
    }
}

/// The default ceiling on an input's decompressed size (`--max-input-size`).
pub const DEFAULT_MAX_INPUT: u64 = 1 << 30;

/// How far heapdiff goes for one input.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The ceiling on an input's decompressed size.
    pub max_input: u64,
    /// How long a URL or fleet query may take to answer and send its body.
    pub timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: DEFAULT_MAX_INPUT,
            timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// An input opened for reading.
pub struct Opened {
    /// The bytes, gzipped or not, as the source gives them.
    pub reader: Box<dyn Read + Send>,
    /// For a fleet window, `(k, n)`: every value is multiplied by `k` and divided by `n` once
    /// decoded (the backend summed `n` profiles; `k` is 1 for the mean instance, the instances
    /// for the fleet's total).
    pub scale: Option<(u64, u64)>,
    /// The collection time to give the profile (a fleet window's end).
    pub time_nanos: Option<i64>,
    /// What the user should know about how the input was read.
    pub notes: Vec<String>,
}

impl Opened {
    fn plain(reader: Box<dyn Read + Send>) -> Self {
        Opened {
            reader,
            scale: None,
            time_nanos: None,
            notes: Vec::new(),
        }
    }
}

/// Opens `input` for reading, within `limits`.
pub fn open(input: &Input, limits: &Limits) -> Result<Opened, InputErrorKind> {
    match input {
        Input::Stdin => Ok(Opened::plain(Box::new(std::io::stdin()))),
        Input::Url(r) => Ok(Opened::plain(r.client.fetch(&r.url, limits)?)),
        Input::Fleet(w) => w.open(limits),
        Input::File(path) => {
            let f = std::fs::File::open(path).map_err(InputErrorKind::Io)?;
            if f.metadata().map_err(InputErrorKind::Io)?.is_dir() {
                return Err(InputErrorKind::Io(std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "is a directory",
                )));
            }
            Ok(Opened::plain(Box::new(f)))
        }
    }
}
