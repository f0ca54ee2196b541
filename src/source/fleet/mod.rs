//! Fleets: a time range of a continuous profiler's heap profiles, turned into one snapshot per
//! window, from Grafana Pyroscope (its Connect API, `pyroscope.rs`) or Parca (gRPC-Web,
//! `parca.rs`).
//!
//! A backend's merge of a window **sums** every profile in it: ten minutes of in-use heaps
//! from five pods scraped every 15 s are 200 heaps added together, which is no heap at all. So
//! the profiles in each window are counted (`n`, from the backend's series of the same query,
//! grouped by the instance label, which also gives the instances `k`), and each window is read
//! as the mean instance's heap, `sum / n` (the default, `--fleet mean`), or as the fleet's
//! total heap, `sum · k / n` (`--fleet total`). Either way a window's snapshot is a heap again,
//! comparable across windows whatever the scrape rate or the number of pods.

mod parca;
mod pyroscope;
pub mod time;

use std::fmt;
use std::sync::Arc;

use super::http::Client;
use super::{Input, Limits, Opened};
use crate::error::{InputError, InputErrorKind};

/// Which continuous profiler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Grafana Pyroscope (`querier.v1.QuerierService`, Connect over HTTP).
    Pyroscope,
    /// Parca or Polar Signals (`parca.query.v1alpha1.QueryService`, gRPC-Web).
    Parca,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Pyroscope => "pyroscope",
            Backend::Parca => "parca",
        }
    }
}

/// How a window's merged profile is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Aggregate {
    /// The mean instance's heap: the window's sum divided by the profiles in it.
    #[default]
    Mean,
    /// The fleet's total heap: the mean times the instances seen in the window.
    Total,
}

/// Labels that name one instance of a service, tried in this order when none is given.
pub const INSTANCE_LABELS: [&str; 4] = ["pod", "instance", "hostname", "service_instance_id"];

/// A range of a fleet's profiles, as the user asked for it.
#[derive(Clone, Debug)]
pub struct Query {
    /// Which backend.
    pub backend: Backend,
    /// Its base URL (`http://pyroscope:4040`, a Grafana data-source proxy, Grafana Cloud).
    pub url: String,
    /// The label selector: `{service_name="api"}`; `{}` is everything.
    pub selector: String,
    /// `name:sample_type:sample_unit:period_type:period_unit`, as the backend names it.
    pub profile_type: String,
    /// Start of the range, milliseconds since the epoch.
    pub from_ms: i64,
    /// End of the range.
    pub to_ms: i64,
    /// Length of one window.
    pub step_ms: i64,
    /// Mean instance or fleet total.
    pub aggregate: Aggregate,
    /// The label that tells instances apart; chosen from [`INSTANCE_LABELS`] when `None`.
    pub instance_label: Option<String>,
    /// The client (headers, TLS) every request goes through.
    pub client: Arc<Client>,
}

/// One window of a [`Query`]: one snapshot.
#[derive(Clone, Debug)]
pub struct Window {
    query: Arc<Query>,
    /// Start, milliseconds since the epoch (inclusive).
    pub start_ms: i64,
    /// End (exclusive).
    pub end_ms: i64,
    /// Profiles the backend holds in the window.
    pub profiles: u64,
    /// Instances they came from (when an instance label is known).
    pub instances: Option<u64>,
    label: Option<String>,
}

impl PartialEq for Window {
    fn eq(&self, other: &Self) -> bool {
        (self.start_ms, self.end_ms) == (other.start_ms, other.end_ms)
            && self.query.url == other.query.url
            && self.query.selector == other.query.selector
            && self.query.profile_type == other.query.profile_type
    }
}

impl Window {
    /// `03:00:00Z–03:10:00Z`: the window, for titles.
    pub fn short_name(&self) -> String {
        let t = |ms| time::rfc3339(ms)[11..].to_string();
        format!("{}–{}", t(self.start_ms), t(self.end_ms))
    }

    /// What the snapshot is: `mean of 40 profiles from 5 pods`.
    pub fn reading(&self) -> String {
        let who = match (&self.label, self.instances) {
            (Some(l), Some(k)) => format!("{k} {}", plural(l, k)),
            _ => "instances unknown".to_string(),
        };
        let n = self.profiles;
        match self.query.aggregate {
            Aggregate::Mean => format!("mean of {n} {} from {who}", plural("profile", n)),
            Aggregate::Total => format!("total of {who} ({n} {})", plural("profile", n)),
        }
    }

    /// The backend's merged profile of the window (the sum of its profiles), as it sends it.
    fn merged(&self, limits: &Limits) -> Result<Vec<u8>, InputErrorKind> {
        let q = &self.query;
        match q.backend {
            Backend::Pyroscope => pyroscope::merge(q, self.start_ms, self.end_ms, limits),
            Backend::Parca => parca::merge(q, self.start_ms, self.end_ms, limits),
        }
    }

    /// `(k, n)`: the window's values are multiplied by `k` and divided by `n`. The mean is
    /// sum / n; the total sum · k / n.
    fn scale(&self) -> (u64, u64) {
        let k = match self.query.aggregate {
            Aggregate::Mean => 1,
            Aggregate::Total => self.instances.unwrap_or(1),
        };
        (k, self.profiles.max(1))
    }

    /// Fetches the window's merged profile and says how to read it.
    pub(super) fn open(&self, limits: &Limits) -> Result<Opened, InputErrorKind> {
        Ok(Opened {
            reader: Box::new(std::io::Cursor::new(self.merged(limits)?)),
            scale: Some(self.scale()),
            time_nanos: Some(self.end_ms.saturating_mul(1_000_000)),
            notes: Vec::new(),
        })
    }

    /// The window's heap as a gzipped profile.proto file: its values read as `--fleet` says,
    /// stamped with the window's end, and a comment saying what it is. What `capture` saves,
    /// so that `diff DIR` reads the same heaps `diff --pyroscope` does.
    pub fn normalized(&self, limits: &Limits) -> Result<Vec<u8>, InputErrorKind> {
        use prost::Message;
        use std::io::{Read, Write};
        let raw = self.merged(limits)?;
        let plain = if raw.starts_with(&crate::decode::GZIP_MAGIC) {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&raw[..])
                .take(limits.max_input.saturating_add(1))
                .read_to_end(&mut out)
                .map_err(InputErrorKind::Gzip)?;
            if out.len() as u64 > limits.max_input {
                return Err(InputErrorKind::TooLarge(limits.max_input));
            }
            out
        } else {
            raw
        };
        let mut p = crate::profile::proto::Profile::decode(&plain[..]).map_err(|e| {
            InputErrorKind::NotAProfile(format!(
                "the backend's merged profile is not profile.proto ({e})"
            ))
        })?;
        let (k, n) = self.scale();
        for s in &mut p.sample {
            for v in &mut s.value {
                *v = crate::profile::scale(*v, k, n);
            }
        }
        p.time_nanos = self.end_ms.saturating_mul(1_000_000);
        p.duration_nanos = (self.end_ms - self.start_ms).saturating_mul(1_000_000);
        p.comment.push(p.string_table.len() as i64);
        p.string_table
            .push(format!("heapdiff: {self}").into_bytes());
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&p.encode_to_vec())
            .map_err(InputErrorKind::Io)?;
        gz.finish().map_err(InputErrorKind::Io)
    }
}

fn plural(word: &str, n: u64) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.query;
        write!(
            f,
            "{} {} {}{} {}..{} ({})",
            q.backend.name(),
            super::http::redact(&q.url),
            q.profile_type,
            q.selector,
            time::rfc3339(self.start_ms),
            time::rfc3339(self.end_ms),
            self.reading()
        )
    }
}

/// How many profiles, from how many instances, fall in a window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Count {
    pub profiles: u64,
    pub instances: u64,
}

/// The most windows one query may make.
pub const MAX_WINDOWS: i64 = 2000;

/// The windows of `query` that hold profiles, one input each, and what the user should know
/// (windows without profiles, the instance label chosen).
pub fn windows(query: Query, limits: &Limits) -> Result<(Vec<Input>, Vec<String>), InputError> {
    let name = query.name();
    let fail = |k: InputErrorKind| InputError::new(Input::File(name.clone().into()), k);
    let invalid = |s: String| fail(InputErrorKind::Invalid(s));
    if query.step_ms <= 0 {
        return Err(invalid("--step must be above 0".into()));
    }
    if query.to_ms <= query.from_ms {
        return Err(invalid(format!(
            "--to ({}) must be after --from ({})",
            time::rfc3339(query.to_ms),
            time::rfc3339(query.from_ms)
        )));
    }
    let n = (query.to_ms - query.from_ms) / query.step_ms;
    if n < 2 {
        return Err(invalid(format!(
            "--from {} --to {} holds {n} window(s) of --step {}s; a diff needs two or more",
            time::rfc3339(query.from_ms),
            time::rfc3339(query.to_ms),
            query.step_ms / 1000
        )));
    }
    if n > MAX_WINDOWS {
        return Err(invalid(format!(
            "{n} windows is more than {MAX_WINDOWS}; give a longer --step"
        )));
    }
    let bounds: Vec<(i64, i64)> = (0..n)
        .map(|i| {
            let s = query.from_ms + i * query.step_ms;
            (s, s + query.step_ms)
        })
        .collect();
    let (label, counts) = match query.backend {
        Backend::Pyroscope => pyroscope::count(&query, &bounds, limits),
        Backend::Parca => parca::count(&query, &bounds, limits),
    }
    .map_err(fail)?;
    let mut notes = Vec::new();
    match &label {
        Some(l) if query.instance_label.is_none() => notes.push(format!(
            "{name}: instances told apart by the label {l:?} (--instance-label chooses another)"
        )),
        None => notes.push(format!(
            "{name}: no instance label ({}) in the series, so instances are unknown and each window is read as the mean profile",
            INSTANCE_LABELS.join(", ")
        )),
        _ => {}
    }
    let query = Arc::new(query);
    let mut inputs = Vec::new();
    let mut empty = Vec::new();
    for (&(start_ms, end_ms), c) in bounds.iter().zip(&counts) {
        if c.profiles == 0 {
            empty.push(time::rfc3339(start_ms));
            continue;
        }
        inputs.push(Input::Fleet(Arc::new(Window {
            query: query.clone(),
            start_ms,
            end_ms,
            profiles: c.profiles,
            instances: label.as_ref().map(|_| c.instances),
            label: label.clone(),
        })));
    }
    if !empty.is_empty() {
        let mut list = empty.iter().take(4).cloned().collect::<Vec<_>>().join(", ");
        if empty.len() > 4 {
            list.push_str(&format!(" and {} more", empty.len() - 4));
        }
        notes.push(format!(
            "{name}: {} of {n} windows hold no profile and are skipped (starting {list})",
            empty.len()
        ));
    }
    if inputs.len() < 2 {
        return Err(invalid(format!(
            "only {} of the {n} windows from {} to {} hold profiles; a diff needs two (is the selector right?)",
            inputs.len(),
            time::rfc3339(query.from_ms),
            time::rfc3339(query.to_ms)
        )));
    }
    Ok((inputs, notes))
}

/// The one window `[start_ms, end_ms)` of `query`, when it holds profiles (`watch` reads the
/// window that ends at each round).
pub fn window_at(
    query: &Arc<Query>,
    start_ms: i64,
    end_ms: i64,
    limits: &Limits,
) -> Result<Option<Input>, InputError> {
    let bounds = [(start_ms, end_ms)];
    let mut q = (**query).clone();
    q.from_ms = start_ms;
    q.to_ms = end_ms;
    let (label, counts) = match q.backend {
        Backend::Pyroscope => pyroscope::count(&q, &bounds, limits),
        Backend::Parca => parca::count(&q, &bounds, limits),
    }
    .map_err(|k| InputError::new(Input::File(query.name().into()), k))?;
    let c = counts[0];
    Ok((c.profiles > 0).then(|| {
        Input::Fleet(Arc::new(Window {
            query: query.clone(),
            start_ms,
            end_ms,
            profiles: c.profiles,
            instances: label.as_ref().map(|_| c.instances),
            label,
        }))
    }))
}

impl Query {
    /// `pyroscope http://host:4040 TYPE{SELECTOR}`: the query, for messages.
    pub fn name(&self) -> String {
        format!(
            "{} {} {}{}",
            self.backend.name(),
            super::http::redact(&self.url),
            self.profile_type,
            self.selector
        )
    }
}

/// Counts points (one per profile) into windows: `points` are (series, timestamp ms).
pub(crate) fn tally(bounds: &[(i64, i64)], points: &[(usize, i64, u64)]) -> Vec<Count> {
    bounds
        .iter()
        .map(|&(s, e)| {
            let inside: Vec<&(usize, i64, u64)> =
                points.iter().filter(|p| p.1 >= s && p.1 < e).collect();
            let mut series: Vec<usize> = inside.iter().map(|p| p.0).collect();
            series.sort_unstable();
            series.dedup();
            Count {
                profiles: inside.iter().map(|p| p.2).sum(),
                instances: series.len() as u64,
            }
        })
        .collect()
}

/// The label that tells instances apart: the one given, else the first of
/// [`INSTANCE_LABELS`] the backend knows.
pub(crate) fn instance_label(given: Option<&str>, known: &[String]) -> Option<String> {
    match given {
        Some(g) => Some(g.to_string()),
        None => INSTANCE_LABELS
            .iter()
            .find(|l| known.iter().any(|k| k == *l))
            .map(|l| l.to_string()),
    }
}

/// `base` and `path` joined with one slash.
pub(crate) fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

fn fetch_err(what: String) -> InputErrorKind {
    InputErrorKind::Fetch(what)
}

/// The vectors testdata/gen/fleet/vectors.py encoded from the backends' own .proto files.
#[cfg(test)]
pub(crate) fn vector(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fleet/vectors.txt"),
    )
    .unwrap();
    let hex = text
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no vector {name}"));
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_fall_into_half_open_windows() {
        let bounds = [(0, 10), (10, 20), (20, 30)];
        let points = [
            (0, 0, 1),
            (0, 9, 1),
            (1, 9, 1),
            (0, 10, 1),
            (1, 29, 1),
            (1, 30, 1),
        ];
        let c = tally(&bounds, &points);
        assert_eq!(
            c,
            [
                Count {
                    profiles: 3,
                    instances: 2
                },
                Count {
                    profiles: 1,
                    instances: 1
                },
                Count {
                    profiles: 1,
                    instances: 1
                }
            ]
        );
        assert_eq!(
            instance_label(
                None,
                &["service_name".into(), "instance".into(), "pod".into()]
            ),
            Some("pod".into())
        );
        assert_eq!(instance_label(None, &["service_name".into()]), None);
        assert_eq!(join("http://h:4040/", "/x/y"), "http://h:4040/x/y");
    }
}
