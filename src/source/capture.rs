//! Snapshots captured from a live service (`heapdiff capture`, `heapdiff watch -o`), and the
//! record kept beside them: `heapdiff-capture.tsv` holds, per snapshot file, the time it was
//! taken (nanoseconds since the epoch) and the work counter read with it, so that
//! `heapdiff diff DIR` takes its work axis from there with no `--work`.
//!
//! ```text
//! # heapdiff capture of http://127.0.0.1:6060/debug/pprof/heap; work: http_requests_total
//! file time_nanos work
//! heap_0001.pb.gz 1795318882530910563 1000
//! ```

use std::collections::HashMap;
use std::path::Path;

/// The record's file name.
pub const RECORD: &str = "heapdiff-capture.tsv";

/// One captured snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The snapshot's file name in the directory.
    pub file: String,
    /// When it was taken.
    pub time_nanos: i64,
    /// The work counter read with it, when one was asked for.
    pub work: Option<f64>,
}

/// The record's text for `entries`, with a comment line saying where they came from.
pub fn format(source: &str, metric: Option<&str>, entries: &[Entry]) -> String {
    let mut s = format!(
        "# heapdiff capture of {source}; work: {}\nfile\ttime_nanos\twork\n",
        metric.unwrap_or("none")
    );
    for e in entries {
        let work = e.work.map(|w| format!("{w}")).unwrap_or_default();
        s.push_str(&format!("{}\t{}\t{work}\n", e.file, e.time_nanos));
    }
    s
}

/// The work recorded for each snapshot file of `dir`, when the directory has a record.
pub fn recorded_work(dir: &Path) -> Option<HashMap<String, f64>> {
    let text = std::fs::read_to_string(dir.join(RECORD)).ok()?;
    let mut out = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [file, _, work] = cols[..]
            && let Ok(w) = work.parse::<f64>()
        {
            out.insert(file.to_string(), w);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// What the record of `dir` says: where its snapshots came from, the work metric (`None` when
/// none was read), and its entries; `None` when the directory has no record.
pub fn read_record(dir: &Path) -> Option<(String, Option<String>, Vec<Entry>)> {
    let text = std::fs::read_to_string(dir.join(RECORD)).ok()?;
    let first = text.lines().next()?;
    let head = first.strip_prefix("# heapdiff capture of ")?;
    let (source, metric) = head.rsplit_once("; work: ")?;
    let metric = (metric != "none").then(|| metric.to_string());
    let mut entries = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [file, time, work] = cols[..] {
            entries.push(Entry {
                file: file.to_string(),
                time_nanos: time.parse().unwrap_or(0),
                work: work.parse().ok(),
            });
        }
    }
    Some((source.to_string(), metric, entries))
}

/// The value of a Prometheus text-format counter: `name` sums every series of the metric,
/// `name{k="v",...}` only the series whose labels include those.
pub fn counter(text: &str, selector: &str) -> Result<f64, String> {
    let (name, want) = match selector.split_once('{') {
        Some((n, rest)) => (n.trim(), labels(rest.trim_end_matches('}'))),
        None => (selector.trim(), Vec::new()),
    };
    let mut sum = 0.0;
    let mut found = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (series, rest) = match line.find('{') {
            Some(i) if line[..i].trim() == name => {
                let end = line[i..].find('}').map(|j| i + j);
                let Some(end) = end else { continue };
                (labels(&line[i + 1..end]), &line[end + 1..])
            }
            _ => match line.split_once(char::is_whitespace) {
                Some((n, rest)) if n == name => (Vec::new(), rest),
                _ => continue,
            },
        };
        if !want.iter().all(|w| series.contains(w)) {
            continue;
        }
        let value = rest.split_whitespace().next().unwrap_or("");
        let v: f64 = value
            .parse()
            .map_err(|_| format!("metric {name} has a value that is not a number: {value:?}"))?;
        sum += v;
        found = true;
    }
    if found {
        Ok(sum)
    } else {
        Err(format!("no series of metric {selector} in the metrics"))
    }
}

fn labels(s: &str) -> Vec<(String, String)> {
    s.split(',')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters() {
        let text = "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\",method=\"get\"} 1027\nhttp_requests_total{code=\"500\",method=\"get\"} 3\nother_total 5\n";
        assert_eq!(counter(text, "http_requests_total"), Ok(1030.0));
        assert_eq!(counter(text, "http_requests_total{code=\"500\"}"), Ok(3.0));
        assert_eq!(counter(text, "other_total"), Ok(5.0));
        assert!(counter(text, "missing_total").is_err());
    }

    #[test]
    fn records_round_trip() {
        let dir = std::env::temp_dir().join(format!("heapdiff-capture-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = vec![
            Entry {
                file: "heap_1.pb.gz".into(),
                time_nanos: 5,
                work: Some(10.0),
            },
            Entry {
                file: "heap_2.pb.gz".into(),
                time_nanos: 6,
                work: Some(20.0),
            },
        ];
        std::fs::write(dir.join(RECORD), format("http://x/heap", Some("reqs"), &e)).unwrap();
        let w = recorded_work(&dir).unwrap();
        assert_eq!(w["heap_2.pb.gz"], 20.0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
