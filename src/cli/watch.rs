//! `heapdiff watch`: snapshots as they come, the ranking after each, and a soak-test gate.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use heapdiff::render::{self, Report, Style};
use heapdiff::{Class, Work};

use super::config::WatchConfig;
use super::exit::Exit;
use super::note;
use super::snapshots::Snapshots;

/// Runs `watch`. Each snapshot is catalogued once, as it comes, into one growing series.
pub fn run(a: &WatchConfig) -> super::fail::Result<Exit> {
    for n in &a.snap.notes {
        note(n);
    }
    let mut snaps = Snapshots::new(&a.snap, a.output.as_deref(), a.count, false)?;
    let start = Instant::now();
    let terminal = std::io::stdout().is_terminal();
    let color = a.color;
    let mut builder = heapdiff::series::Builder::new(&a.snap.series);
    let analysis = heapdiff::analyse::Options {
        by: heapdiff::By::Site,
        rules: a.rules.clone(),
    };
    let mut work = Vec::new();
    let mut taken_count = 0;
    let mut last_verdict = None;
    let mut prev_leaks: Vec<String> = Vec::new();
    for k in 1.. {
        if a.count.is_some_and(|n| k > n as usize) {
            break;
        }
        let due = start + a.every * (k as u32 - 1);
        if a.for_.is_some_and(|f| due.duration_since(start) > f) {
            break;
        }
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let Some(taken) = snaps.take(taken_count + 1)? else {
            // A fleet window that holds no profile yet: nothing to add this round.
            continue;
        };
        taken_count += 1;
        builder.add(taken.loaded);
        work.push(taken.work);
        if builder.len() < 2 {
            continue;
        }
        // The same analysis as files, on the series kept so far.
        builder.set_work(
            work.iter()
                .copied()
                .collect::<Option<Vec<f64>>>()
                .map(Work::PerProfile),
        );
        let diff = heapdiff::analyse::diff(builder.series()?, &analysis);
        let report = Report {
            top: a.top,
            work_unit: a.snap.metrics.as_ref().map(|m| m.1.as_str()),
            ..Report::new(&diff)
        };
        let mut out = Vec::new();
        if terminal {
            out.extend_from_slice(b"\x1b[H\x1b[2J");
        } else {
            writeln!(out, "== snapshot {k}")?;
        }
        render::render(render::Format::Table, &report, Style { color }, &mut out)?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&out)?;
        stdout.flush()?;
        // A site trips the gate when it is classed leak in two rounds running (one round's
        // verdict on a sampled series can be chance; a leak stays a leak), or in the last round.
        let leaks: Vec<String> = diff
            .ranking
            .units
            .iter()
            .filter(|u| u.class == Class::Leak)
            .map(|u| u.name.clone())
            .collect();
        let last_round = a.count.is_some_and(|n| k >= n as usize)
            || a.for_.is_some_and(|f| (a.every * k as u32) > f);
        if a.fail_on_leaks
            && let Some(leak) = leaks.iter().find(|l| last_round || prev_leaks.contains(*l))
        {
            eprintln!(
                "heapdiff: gate fail-on-leaks tripped: {leak} classed leak after {k} snapshots"
            );
            return Ok(Exit::GateTripped);
        }
        prev_leaks = leaks;
        last_verdict = Some(heapdiff::analyse::gates::verdict(&diff));
    }
    for w in snaps.warnings() {
        note(&w);
    }
    // The run's verdict: a leak, none (and how large one would have been seen), or that the
    // run was too short to tell.
    match last_verdict {
        Some(v) if v.told => eprintln!("heapdiff: verdict: {}", v.line),
        Some(v) => eprintln!("heapdiff: verdict: could not tell: {}", v.line),
        None => eprintln!(
            "heapdiff: verdict: could not tell: one snapshot shows no change; take three or more"
        ),
    }
    Ok(Exit::Done)
}
