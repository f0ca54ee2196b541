//! Taking snapshots, shared by `capture` and `watch`: fetch a profile (from a URL, or a fleet
//! window read as `--fleet` says), load it as `diff` loads its inputs, read the work counter,
//! keep the file and the record.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::config::{SnapSource, SnapshotConfig};
use super::fail::{Context, bail};
use heapdiff::Input;
use heapdiff::load::SharedSymbolizer;
use heapdiff::source::capture::{self, Entry};

use super::output;

/// A source of snapshots, and the directory they are kept in.
pub struct Snapshots<'a> {
    cfg: &'a SnapshotConfig,
    sym: SharedSymbolizer,
    dir: Option<PathBuf>,
    width: usize,
    /// The number of the first snapshot this run takes (after those of an appended capture).
    first: usize,
    entries: Vec<Entry>,
}

/// One snapshot taken.
pub struct Taken {
    /// The profile, loaded through the same code as files.
    pub loaded: heapdiff::Loaded,
    /// The work counter, when asked for.
    pub work: Option<f64>,
}

/// The numbered snapshot files already in `dir` (`heap_0001.pb.gz`, ...): the highest number
/// and how many digits names use.
fn numbered(dir: &Path) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix("heap_") else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let tail = &rest[digits.len()..];
        if digits.is_empty() || !(tail == ".pb.gz" || tail == ".pb") {
            continue;
        }
        let n: usize = digits.parse().ok()?;
        if best.is_none_or(|(b, _)| n > b) {
            best = Some((n, digits.len()));
        }
    }
    best
}

impl<'a> Snapshots<'a> {
    /// Prepares DIR (created when missing). A directory that already holds a capture is
    /// refused unless `append`, which continues its numbering and its record.
    pub fn new(
        cfg: &'a SnapshotConfig,
        dir: Option<&Path>,
        count: Option<u32>,
        append: bool,
    ) -> super::fail::Result<Self> {
        let mut first = 1;
        let mut entries = Vec::new();
        let mut width = count.map_or(4, |n| n.to_string().len().max(4));
        if let Some(d) = dir {
            let record = capture::read_record(d);
            let files = numbered(d);
            if record.is_some() || files.is_some() {
                let held = record
                    .as_ref()
                    .map_or(0, |r| r.2.len())
                    .max(files.map_or(0, |f| f.0));
                if !append {
                    bail!(
                        "{}: already holds a capture ({held} snapshots); --append continues it, or name another directory",
                        d.display()
                    );
                }
                if let Some((_, metric, old)) = &record {
                    let want = cfg.metrics.as_ref().map(|m| m.1.as_str());
                    if metric.as_deref() != want {
                        bail!(
                            "{}: its capture recorded the work metric {}, this one {}; appending would mix two axes",
                            d.display(),
                            metric.as_deref().unwrap_or("none"),
                            want.unwrap_or("none")
                        );
                    }
                    entries = old.clone();
                }
                if let Some((n, w)) = files {
                    first = n + 1;
                    width = w.max((n + count.unwrap_or(1) as usize).to_string().len());
                } else {
                    first = entries.len() + 1;
                }
            }
            std::fs::create_dir_all(d)
                .with_context(|| format!("{}: cannot create directory", d.display()))?;
        }
        Ok(Snapshots {
            cfg,
            sym: std::sync::Mutex::new(heapdiff::symbolize::Symbolizer::new(cfg.symbols.clone())),
            dir: dir.map(Path::to_path_buf),
            width,
            first,
            entries,
        })
    }

    /// What symbolization warned about, once the run is over.
    pub fn warnings(self) -> Vec<String> {
        self.sym
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .warnings
            .into_iter()
            .collect()
    }

    fn now_ms() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }

    /// Takes the `k`-th snapshot of this run (from 1): the URL now, or the fleet's window of
    /// --every that ends now (`None` when that window holds no profile).
    pub fn take(&mut self, k: usize) -> super::fail::Result<Option<Taken>> {
        match &self.cfg.source {
            SnapSource::Url(url) => {
                let input = Input::parse_with(url, &self.cfg.client);
                let mut body = Vec::new();
                self.cfg
                    .client
                    .fetch(url, &self.cfg.limits)
                    .map_err(|e| heapdiff::InputError::new(&input, e))?
                    .take(self.cfg.limits.max_input.saturating_add(1))
                    .read_to_end(&mut body)
                    .with_context(|| format!("{input}: cannot read the profile"))?;
                if body.len() as u64 > self.cfg.limits.max_input {
                    return Err(heapdiff::InputError::new(
                        &input,
                        heapdiff::InputErrorKind::TooLarge(self.cfg.limits.max_input),
                    )
                    .into());
                }
                let now = Self::now_ms() * 1_000_000;
                self.keep(k, input, body, now).map(Some)
            }
            SnapSource::Fleet(q) => {
                let every = self.cfg.every.unwrap_or(Duration::from_secs(60));
                let end = Self::now_ms();
                let start = end - every.as_millis() as i64;
                let Some(input) =
                    heapdiff::source::fleet::window_at(q, start, end, &self.cfg.limits)?
                else {
                    return Ok(None);
                };
                self.take_window(k, input).map(Some)
            }
        }
    }

    /// Takes a fleet window as the `k`-th snapshot: its heap as `--fleet` reads it.
    pub fn take_window(&mut self, k: usize, input: Input) -> super::fail::Result<Taken> {
        let Input::Fleet(w) = &input else {
            bail!("{input}: not a fleet window");
        };
        let body = w
            .normalized(&self.cfg.limits)
            .map_err(|e| heapdiff::InputError::new(&input, e))?;
        let time = w.end_ms.saturating_mul(1_000_000);
        self.keep(k, input, body, time)
    }

    /// Loads `body` as `diff` loads a file (a body that is no profile is refused here), reads
    /// the work counter, and keeps the file and the record.
    fn keep(
        &mut self,
        k: usize,
        input: Input,
        body: Vec<u8>,
        time_nanos: i64,
    ) -> super::fail::Result<Taken> {
        let max = self.cfg.limits.max_input;
        let loaded = heapdiff::load::read_with(&input, &body[..], Some(&self.sym), max)?;
        let work = match &self.cfg.metrics {
            Some((m, metric)) => {
                let text = self
                    .cfg
                    .client
                    .fetch_text(m, self.cfg.limits.timeout, 64 << 20)
                    .map_err(|e| heapdiff::InputError::new(m.as_str(), e))?;
                Some(
                    capture::counter(&text, metric)
                        .map_err(|e| super::fail::Failure::msg(format!("{m}: {e}")))?,
                )
            }
            None => None,
        };
        if let Some(dir) = &self.dir {
            let ending = if body.starts_with(&[0x1f, 0x8b]) {
                "pb.gz"
            } else {
                "pb"
            };
            let n = self.first + k - 1;
            let file = format!("heap_{n:0w$}.{ending}", w = self.width);
            output::write_atomic(&dir.join(&file), &body)?;
            self.entries.push(Entry {
                file,
                time_nanos,
                work,
            });
            let source = match &self.cfg.source {
                SnapSource::Url(u) => heapdiff::source::http::redact(u),
                SnapSource::Fleet(q) => q.name(),
            };
            let record = capture::format(
                &source,
                self.cfg.metrics.as_ref().map(|m| m.1.as_str()),
                &self.entries,
            );
            output::write_atomic(&dir.join(capture::RECORD), record.as_bytes())?;
        }
        Ok(Taken { loaded, work })
    }
}

/// Whether progress lines go to standard error (a terminal only).
pub fn progress_shown() -> bool {
    std::io::stderr().is_terminal()
}
