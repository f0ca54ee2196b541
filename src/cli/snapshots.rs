//! Taking snapshots of a live service, shared by `capture` and `watch`: fetch the profile,
//! check it is one, read the work counter, keep the file and the record.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::fail::{Context, bail};
use heapdiff::Input;
use heapdiff::source::capture::{self, Entry};
use heapdiff::source::{Limits, http};
use std::sync::Arc;

use super::args::SnapshotArgs;
use super::output;

/// A source of snapshots.
pub struct Snapshots {
    url: String,
    client: Arc<http::Client>,
    metrics: Option<(String, String)>,
    timeout: Duration,
    max: u64,
    dir: Option<PathBuf>,
    width: usize,
    entries: Vec<Entry>,
}

/// One snapshot taken.
pub struct Taken {
    /// The profile, loaded through the same code as files.
    pub loaded: heapdiff::Loaded,
    /// The work counter, when asked for.
    pub work: Option<f64>,
}

impl Snapshots {
    /// Checks the URLs and prepares DIR (created when missing).
    pub fn new(
        a: &SnapshotArgs,
        dir: Option<&Path>,
        count: Option<u32>,
    ) -> super::fail::Result<Self> {
        if !http::is_url(&a.url) {
            bail!("{}: not an http:// or https:// URL", a.url);
        }
        let client = super::config::client(&a.fetch)?;
        let profile_url = if a.fetch.gc {
            http::with_gc(&a.url)
        } else {
            a.url.clone()
        };
        let metrics = match &a.work_metric {
            Some(name) => {
                let m = match &a.metrics {
                    Some(m) => m.clone(),
                    None => {
                        // /metrics on the profile's host.
                        let rest = a.url.splitn(4, '/').collect::<Vec<_>>();
                        format!("{}//{}/metrics", rest[0], rest.get(2).unwrap_or(&""))
                    }
                };
                Some((m, name.clone()))
            }
            None => None,
        };
        if let Some(d) = dir {
            std::fs::create_dir_all(d)
                .with_context(|| format!("{}: cannot create directory", d.display()))?;
        }
        Ok(Snapshots {
            url: profile_url,
            client,
            metrics,
            timeout: a.fetch.timeout,
            max: a.max_input_size.max(0) as u64,
            dir: dir.map(Path::to_path_buf),
            width: count.map_or(4, |n| n.to_string().len().max(4)),
            entries: Vec::new(),
        })
    }

    /// Takes snapshot number `k` (from 1).
    pub fn take(&mut self, k: usize) -> super::fail::Result<Taken> {
        let name = Input::parse_with(&self.url, &self.client);
        let limits = Limits {
            max_input: self.max,
            timeout: self.timeout,
        };
        let mut body = Vec::new();
        self.client
            .fetch(&self.url, &limits)
            .map_err(|e| heapdiff::InputError::new(&name, e))?
            .take(self.max.saturating_add(1))
            .read_to_end(&mut body)
            .with_context(|| format!("{}: cannot read the profile", self.url))?;
        if body.len() as u64 > self.max {
            bail!(
                "{}: the profile is larger than {} bytes, the input-size ceiling (--max-input-size raises it)",
                self.url,
                self.max
            );
        }
        let time_nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i64);
        // The same loading path as files: a body that is no profile is refused here.
        let loaded = heapdiff::read(&name, &body[..])?;
        let work = match &self.metrics {
            Some((m, metric)) => {
                let text = self
                    .client
                    .fetch_text(m, self.timeout, 64 << 20)
                    .map_err(|e| heapdiff::InputError::new(m, e))?;
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
            let file = format!("heap_{k:0w$}.{ending}", w = self.width);
            output::write_atomic(&dir.join(&file), &body)?;
            self.entries.push(Entry {
                file,
                time_nanos,
                work,
            });
            let record = capture::format(
                &self.url,
                self.metrics.as_ref().map(|m| m.1.as_str()),
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
