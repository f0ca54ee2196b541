//! `heapdiff capture`: COUNT snapshots, one every DURATION, into DIR.

use std::time::Instant;

use super::args::CaptureArgs;
use super::exit::Exit;
use super::snapshots::{Snapshots, progress_shown};

/// Runs `capture`.
pub fn run(a: &CaptureArgs) -> super::fail::Result<Exit> {
    let mut snaps = Snapshots::new(&a.snap, Some(&a.output), Some(a.count))?;
    let start = Instant::now();
    let n = a.count as usize;
    let show = progress_shown();
    for k in 1..=n {
        let due = start + a.snap.every * (k as u32 - 1);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let taken = snaps.take(k)?;
        if show {
            let p = &taken.loaded.profile;
            let total = p.type_index("inuse_space").map(|i| p.total(i)).unwrap_or(0);
            let next = if k < n {
                format!("; next in {:.1} s", a.snap.every.as_secs_f64())
            } else {
                String::new()
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
    Ok(Exit::Done)
}
