//! `heapdiff capture`: COUNT snapshots of a URL, one every DURATION, or a fleet's windows,
//! into DIR.

use std::time::Instant;

use super::config::{CaptureConfig, SnapSource};
use super::exit::Exit;
use super::note;
use super::snapshots::{Snapshots, progress_shown};

/// Runs `capture`.
pub fn run(c: &CaptureConfig) -> super::fail::Result<Exit> {
    for n in &c.snap.notes {
        note(n);
    }
    let mut snaps = Snapshots::new(&c.snap, Some(&c.dir), Some(c.count), c.append)?;
    let start = Instant::now();
    let n = c.count as usize;
    let show = progress_shown();
    for k in 1..=n {
        let taken = match &c.snap.source {
            SnapSource::Fleet(_) => snaps.take_window(k, c.windows[k - 1].clone())?,
            SnapSource::Url(_) => {
                let every = c.snap.every.unwrap_or_default();
                let due = start + every * (k as u32 - 1);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                // A URL always answers with a profile or an error.
                match snaps.take(k)? {
                    Some(t) => t,
                    None => continue,
                }
            }
        };
        if show {
            let p = &taken.loaded.profile;
            let total = p.type_index("inuse_space").map(|i| p.total(i)).unwrap_or(0);
            let next = match (&c.snap.source, c.snap.every) {
                (SnapSource::Url(_), Some(e)) if k < n => {
                    format!("; next in {:.1} s", e.as_secs_f64())
                }
                _ => String::new(),
            };
            eprint!(
                "\rsnapshot {k} of {n}: {} in use{next}   ",
                heapdiff::units::bytes(total)
            );
        }
    }
    if show {
        eprintln!();
    }
    for w in snaps.warnings() {
        note(&w);
    }
    Ok(Exit::Done)
}
