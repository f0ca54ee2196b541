//! One self-contained HTML page to attach to a CI run: the header (inputs with their times,
//! totals, growth, what the sample type means, notes, gates), the retention flamegraph
//! (interactive: zoom, search; `?s=REGEX` in the page's address searches on load), the ranked
//! sites with a chart each (value per snapshot against the axis, the fitted line, the class)
//! and their call paths, and the differential flamegraph a click away. No network: styles,
//! scripts and pictures are inline; the same inputs give the same bytes; light and dark.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::flamegraph::{self, FlameOptions, Mode, Picture};
use super::{Report, summary_lines};
use crate::analyse::{Axis, Class, RankedUnit};
use crate::units;

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #ffffff; --muted: #6e6e73; --line: #d2d2d7;
  --leak: #c0392b; --grow: #d35400; --plateau: #2e86c1; --other: #7f8c8d; }
@media (prefers-color-scheme: dark) { :root { --fg: #f5f5f7; --bg: #1d1d1f; --muted: #a1a1a6;
  --line: #424245; } }
body { font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  margin: 2em auto; max-width: 1240px; padding: 0 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
code, .mono { font-family: ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.class { font-weight: 600; } .class.leak { color: var(--leak); } .class.growing { color: var(--grow); }
.class.plateau { color: var(--plateau); }
.caveat { font-style: italic; color: var(--grow); }
.muted { color: var(--muted); } .tripped { color: var(--leak); font-weight: 600; }
svg.chart { display: block; } svg.chart text { fill: var(--muted); font-size: 10px; }
svg.chart .axis { stroke: var(--line); } svg.chart .series { fill: none; stroke: var(--fg); stroke-width: 1.5; }
svg.chart .fit { stroke: var(--leak); stroke-dasharray: 4 3; }
details { margin: .3em 0; } summary { cursor: pointer; color: var(--muted); }
.flame { overflow-x: auto; border: 1px solid var(--line); }
.flame > svg { width: 100%; height: auto; }
"#;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The x values of the series on the ranking's axis, and the axis's name.
fn axis(r: &Report) -> (Vec<f64>, String) {
    let s = &r.diff.series;
    match r.diff.ranking.axis {
        Axis::Work => (
            s.work().unwrap_or_default(),
            r.work_unit.unwrap_or("work").to_string(),
        ),
        Axis::Time => (s.seconds().unwrap_or_default(), "seconds".into()),
        Axis::Snapshot => (
            (0..s.snapshots.len()).map(|i| i as f64).collect(),
            "snapshot".into(),
        ),
    }
}

/// A small chart of one site's series with its fitted line.
fn chart(r: &Report, u: &RankedUnit, x: &[f64], xname: &str) -> String {
    let (w, h, pad) = (260.0, 90.0, 28.0);
    let y: Vec<f64> = u.series.iter().map(|&v| v as f64).collect();
    if x.len() != y.len() || x.len() < 2 {
        return String::new();
    }
    let (xmin, xmax) = x
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let (ymin, ymax) = y
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let xr = if xmax > xmin { xmax - xmin } else { 1.0 };
    let yr = if ymax > ymin { ymax - ymin } else { 1.0 };
    let px = |v: f64| pad + (v - xmin) / xr * (w - pad - 6.0);
    let py = |v: f64| h - 16.0 - (v - ymin) / yr * (h - 26.0);
    let points: Vec<String> = x
        .iter()
        .zip(&y)
        .map(|(&a, &b)| format!("{:.1},{:.1}", px(a), py(b)))
        .collect();
    let slope = match r.diff.ranking.axis {
        Axis::Work => u.per_unit,
        Axis::Time => u.slope_per_second,
        Axis::Snapshot => Some(u.slope_per_snapshot),
    }
    .unwrap_or(0.0);
    let (mx, my) = (
        x.iter().sum::<f64>() / x.len() as f64,
        y.iter().sum::<f64>() / y.len() as f64,
    );
    let fit = |v: f64| my + slope * (v - mx);
    let unit = r.unit();
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"chart\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{} per snapshot\">",
        esc(&u.name)
    );
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{pad}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/><line class=\"axis\" x1=\"{pad}\" y1=\"4\" x2=\"{pad}\" y2=\"{:.1}\"/>",
        h - 16.0,
        w - 6.0,
        h - 16.0,
        h - 16.0
    );
    let _ = write!(
        s,
        "<line class=\"fit\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
        px(xmin),
        py(fit(xmin)).clamp(0.0, h),
        px(xmax),
        py(fit(xmax)).clamp(0.0, h)
    );
    let _ = write!(
        s,
        "<polyline class=\"series\" points=\"{}\"/>",
        points.join(" ")
    );
    let _ = write!(
        s,
        "<text x=\"{pad}\" y=\"{:.0}\">{}</text><text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{} →</text>",
        h - 3.0,
        esc(&units::value(ymin as i64, unit)),
        w - 6.0,
        h - 3.0,
        esc(xname)
    );
    let _ = write!(
        s,
        "<text x=\"{:.0}\" y=\"10\">{}</text></svg>",
        pad + 4.0,
        esc(&units::value(ymax as i64, unit))
    );
    s
}

fn class_css(c: Class) -> &'static str {
    c.as_str()
}

/// Writes the page.
pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let d = r.diff;
    let series = &d.series;
    let t = &series.sample_type;
    let mut h = String::new();
    let lines = summary_lines(r);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>heapdiff: {}</title><meta name=\"viewport\" content=\"width=device-width\"><style>{STYLE}</style></head><body>\n",
        esc(&lines[0])
    );
    let _ = writeln!(h, "<h1>heapdiff: {}</h1>", esc(&lines[0]));
    let meaning = if t.is_retention() {
        "memory still held at each snapshot (retention): steady growth is a leak"
    } else {
        "a count that only grows over a program's life (allocations, time, events): never a leak"
    };
    let _ = writeln!(
        h,
        "<p><b>{}</b> ({}): {}.</p>",
        esc(&t.ty),
        esc(&t.unit),
        meaning
    );
    let _ = writeln!(
        h,
        "<table id=\"inputs\"><tr><th>profile</th><th>time</th><th class=\"num\">total</th></tr>"
    );
    for s in &series.snapshots {
        let _ = writeln!(
            h,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&s.input.to_string()),
            esc(&units::timestamp(s.time_nanos)),
            esc(&units::value(s.total(), &t.unit))
        );
    }
    let _ = writeln!(h, "</table>");
    for l in &lines[3..] {
        let _ = writeln!(h, "<p id=\"growth\">{}</p>", esc(l));
    }
    let _ = writeln!(
        h,
        "<p class=\"muted\">{}</p>",
        esc(&super::layout::ranking_line(r))
    );
    for n in &d.notes {
        let _ = writeln!(h, "<p class=\"muted\">note: {}</p>", esc(n));
    }
    for g in r.gates {
        let _ = writeln!(
            h,
            "<p class=\"{}\">gate {} {}: {}</p>",
            if g.tripped { "tripped" } else { "muted" },
            g.gate.name(),
            if g.tripped { "tripped" } else { "passed" },
            esc(&g.reason)
        );
    }
    // The retention flamegraph first: inferno's script looks for the page's first picture.
    let _ = writeln!(h, "<h2>New retention</h2>");
    let mut svg = Vec::new();
    let picture =
        flamegraph::render(d, &FlameOptions::default(), &mut svg).map_err(io::Error::other)?;
    if let Picture::Empty(why) = &picture {
        let _ = writeln!(h, "<p id=\"nothing\">{}</p>", esc(why));
    } else {
        let text = String::from_utf8_lossy(&svg);
        let start = text.find("<svg").unwrap_or(0);
        let _ = writeln!(
            h,
            "<div class=\"flame\" id=\"retention\">{}</div>",
            &text[start..]
        );
    }
    let _ = writeln!(h, "<h2>Sites</h2>");
    if !d.ranking.units.iter().any(|u| u.delta > 0) {
        let _ = writeln!(
            h,
            "<p id=\"nothing-grew\">Nothing grew between the first and last snapshot.</p>"
        );
    }
    let (x, xname) = axis(r);
    let paths = d.call_paths(Some(&(0..r.shown().len()).collect::<Vec<_>>()));
    let _ = writeln!(
        h,
        "<table id=\"sites\"><tr><th>#</th><th>class</th><th class=\"num\">growth</th><th>site</th><th>series</th></tr>"
    );
    for (i, u) in r.shown().iter().enumerate() {
        let via = u
            .via
            .as_deref()
            .map(|v| format!(" <span class=\"muted\">via <code>{}</code></span>", esc(v)))
            .unwrap_or_default();
        let loc = super::layout::location(&u.file, u.line);
        let caveat = super::layout::caveat(u)
            .map(|c| format!(" <span class=\"caveat\">{}</span>", esc(&c)))
            .unwrap_or_default();
        let mut cell = format!(
            "<code>{}</code> <span class=\"muted\">{}</span>{via}{caveat}",
            esc(&u.name),
            esc(&loc)
        );
        if let Some(ps) = paths.get(i).filter(|p| !p.is_empty()) {
            let _ = write!(
                cell,
                "<details><summary>call paths ({})</summary><ul>",
                ps.len()
            );
            for p in ps.iter().take(20) {
                let share = if u.delta > 0 {
                    format!("{:.0}% ", p.growth as f64 * 100.0 / u.delta as f64)
                } else {
                    String::new()
                };
                let line = crate::analyse::paths::compact_callers(series, &d.sites, p);
                let _ = write!(cell, "<li>{share}<code>{}</code></li>", esc(&line));
            }
            cell.push_str("</ul></details>");
        }
        let _ = writeln!(
            h,
            "<tr class=\"site\"><td class=\"num\">{}</td><td class=\"class {}\">{}</td><td class=\"num\">{}</td><td>{cell}</td><td>{}</td></tr>",
            u.rank,
            class_css(u.class),
            u.class.as_str(),
            esc(&units::delta(u.delta, &t.unit)),
            chart(r, u, &x, &xname)
        );
    }
    let _ = writeln!(h, "</table>");
    // The differential picture a click away, as an image (one interactive picture per page).
    let mut diff_svg = Vec::new();
    let o = FlameOptions {
        mode: Mode::Differential,
        trim: false,
        ..FlameOptions::default()
    };
    flamegraph::render(d, &o, &mut diff_svg).map_err(io::Error::other)?;
    let _ = writeln!(
        h,
        "<details id=\"differential\"><summary>Differential flamegraph (red grew, blue shrank)</summary><img alt=\"differential flamegraph\" style=\"max-width:100%\" src=\"data:image/svg+xml;base64,{}\"></details>",
        base64(&diff_svg)
    );
    let _ = writeln!(
        h,
        "<p class=\"muted\">Made by heapdiff {}.</p></body></html>",
        env!("CARGO_PKG_VERSION")
    );
    out.write_all(h.as_bytes())
}

/// Standard base64, for the inline picture.
fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
    }
}
