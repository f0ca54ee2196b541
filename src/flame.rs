//! Folded stacks and flamegraphs of the difference between snapshots.
//!
//! *Retention* (the default): each stack's width is its growth, max(0, last - first), so only
//! new retention shows; every frame is coloured by how much of the growth flows through its
//! function (parents included), from pale yellow (little) to deep red (all of it).
//! *Differential*: inferno's two-count lines (first, last): red grew, blue shrank, widths from
//! the last snapshot. *Base* and *new* draw one side plainly.

use std::collections::{BTreeMap, HashMap};

use inferno::flamegraph::{self, color::Color, color::PaletteMap};

use crate::analysis::Analysis;
use crate::rank::SiteRules;
use crate::units;

/// `--mode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Widths are each stack's growth; colours show how much growth flows through a frame.
    #[default]
    Retention,
    /// Two counts per stack (first, last): red grew, blue shrank; widths from the last profile.
    Differential,
    /// The first profile alone.
    Base,
    /// The last profile alone.
    New,
}

/// Stacks as `root;...;leaf` with their (first, last) values, sorted by stack, merged where
/// trimming made two stacks the same. `only` keeps just the stacks it marks.
pub fn folded_pairs(
    a: &Analysis,
    trim: Option<&SiteRules>,
    only: Option<&[bool]>,
) -> BTreeMap<String, (i64, i64)> {
    let cat = &a.catalog;
    let (base, last) = (a.base(), a.last());
    let mut names: Vec<String> = Vec::with_capacity(cat.frames.len());
    for f in &cat.frames {
        // ';' separates frames in the folded format and line breaks end a record.
        names.push(f.name.replace(';', ":").replace(['\n', '\r'], " "));
    }
    let mut machinery: HashMap<u32, bool> = HashMap::new();
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut key = String::new();
    for s in 0..cat.num_stacks() as u32 {
        let (b, n) = (base.stacks.get(s), last.stacks.get(s));
        if (b == 0 && n == 0) || only.is_some_and(|o| !o[s as usize]) {
            continue;
        }
        let mut frames = cat.stack(s);
        if let Some(rules) = trim {
            while frames.len() > 1
                && *machinery.entry(frames[0]).or_insert_with(|| {
                    let fr = &cat.frames[frames[0] as usize];
                    rules.is_machinery(&fr.name, &fr.file)
                })
            {
                frames = &frames[1..];
            }
        }
        key.clear();
        for (i, &f) in frames.iter().rev().enumerate() {
            if i > 0 {
                key.push(';');
            }
            key.push_str(&names[f as usize]);
        }
        let e = out.entry(key.clone()).or_default();
        e.0 = e.0.wrapping_add(b);
        e.1 = e.1.wrapping_add(n);
    }
    out
}

/// `heapdiff diff --format folded`: one line per stack, `root;...;leaf BASE NEW`, the two-count
/// form inferno and FlameGraph's difffolded read. Negative values (from delta profiles) are
/// clamped to 0, as the format has no negative counts.
pub fn folded_text(a: &Analysis) -> String {
    let mut out = String::new();
    for (k, (b, n)) in folded_pairs(a, None, None) {
        out.push_str(&format!("{k} {} {}\n", b.max(0), n.max(0)));
    }
    out
}

/// What the picture is called.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    pub title: Option<String>,
    pub subtitle: Option<String>,
}

/// Options for one flamegraph.
#[derive(Clone, Debug)]
pub struct FlameOptions {
    pub mode: Mode,
    /// Trim allocator and runtime frames from the leaf end, so towers end at the leak site.
    pub trim: bool,
    /// Which frames are machinery (for trimming and for finding leak sites).
    pub rules: SiteRules,
    /// In retention mode with three or more snapshots, draw every stack's growth, not only the
    /// stacks whose leak site is still growing.
    pub all_growth: bool,
    pub inverted: bool,
    /// Narrowest frame drawn, in pixels (never 0: large profiles would draw millions of frames).
    pub min_width: f64,
    pub labels: Labels,
}

/// Colour for a share (0..=1) of the growth: pale yellow through orange to deep red.
fn heat(share: f64) -> Color {
    let t = share.clamp(0.0, 1.0).sqrt();
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    Color {
        r: lerp(250.0, 200.0),
        g: lerp(230.0, 30.0),
        b: lerp(160.0, 30.0),
    }
}

/// The default title and subtitle.
fn default_labels(a: &Analysis, mode: Mode) -> (String, String) {
    let t = &a.sample_type;
    let title = match mode {
        Mode::Retention => format!("New retention: {}", t.ty),
        Mode::Differential => format!("Heap difference: {}", t.ty),
        Mode::Base => format!("Heap: {} (base)", t.ty),
        Mode::New => format!("Heap: {} (new)", t.ty),
    };
    let name = |p: &std::path::Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    let files = if a.snapshots.len() > 2 {
        format!(
            "{}..{} ({} profiles)",
            name(&a.base().path),
            name(&a.last().path),
            a.snapshots.len()
        )
    } else {
        format!("{} → {}", name(&a.base().path), name(&a.last().path))
    };
    let subtitle = format!(
        "{files}: {} → {} ({})",
        units::value(a.base().total(), &t.unit),
        units::value(a.last().total(), &t.unit),
        units::delta(a.total_delta(), &t.unit)
    );
    (title, subtitle)
}

/// Escapes text for XML.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A picture with nothing to draw: the title, the subtitle and why it is empty, so a CI job
/// that always renders gets a valid SVG that says so.
fn empty_svg(title: &str, subtitle: &str, why: &str) -> Vec<u8> {
    format!(
        concat!(
            "<?xml version=\"1.0\" standalone=\"no\"?>\n",
            "<svg version=\"1.1\" width=\"1200\" height=\"120\" viewBox=\"0 0 1200 120\" ",
            "xmlns=\"http://www.w3.org/2000/svg\">\n",
            "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#eeeeee\"/>\n",
            "<text id=\"title\" x=\"600\" y=\"24\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"17\">{}</text>\n",
            "<text id=\"subtitle\" x=\"600\" y=\"48\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"12\">{}</text>\n",
            "<text id=\"empty\" x=\"600\" y=\"84\" text-anchor=\"middle\" font-family=\"monospace\" font-size=\"14\">{}</text>\n",
            "</svg>\n"
        ),
        xml_escape(title),
        xml_escape(subtitle),
        xml_escape(why)
    )
    .into_bytes()
}

/// Renders the flamegraph SVG. When nothing is left to draw, the SVG says why (and so does
/// the returned note).
pub fn svg(a: &Analysis, o: &FlameOptions) -> anyhow::Result<(Vec<u8>, Option<String>)> {
    // With a series, retention shows the stacks whose leak site is still growing (classed
    // leak or growing): a cache that filled early and stopped does not hide the leak.
    let only = (o.mode == Mode::Retention && a.snapshots.len() >= 3 && !o.all_growth).then(|| {
        let ranking = crate::rank::rank(
            a,
            &crate::rank::RankOptions {
                by: crate::rank::By::Site,
                work: None,
                rules: o.rules.clone(),
            },
        );
        let growing: std::collections::HashSet<u32> = ranking
            .units
            .iter()
            .filter(|u| {
                matches!(
                    u.class,
                    crate::rank::Class::Leak | crate::rank::Class::Growing
                )
            })
            .map(|u| u.id)
            .collect();
        crate::rank::units_of_stacks(a, crate::rank::By::Site, &o.rules)
            .into_iter()
            .map(|site| growing.contains(&site))
            .collect::<Vec<bool>>()
    });
    let pairs = folded_pairs(a, o.trim.then_some(&o.rules), only.as_deref());
    let mut lines: Vec<String> = Vec::with_capacity(pairs.len());
    let mut growth_by_func: HashMap<&str, i64> = HashMap::new();
    let mut total_growth = 0i64;
    for (k, &(b, n)) in &pairs {
        match o.mode {
            Mode::Retention => {
                let g = n.wrapping_sub(b);
                if g > 0 {
                    lines.push(format!("{k} {g}"));
                    total_growth = total_growth.saturating_add(g);
                    // Growth through each function, counted once per stack.
                    let mut seen: Vec<&str> = Vec::new();
                    for f in k.split(';') {
                        if !seen.contains(&f) {
                            seen.push(f);
                            *growth_by_func.entry(f).or_default() += g;
                        }
                    }
                }
            }
            Mode::Differential if b > 0 || n > 0 => {
                lines.push(format!("{k} {} {}", b.max(0), n.max(0)));
            }
            Mode::Base if b > 0 => lines.push(format!("{k} {b}")),
            Mode::New if n > 0 => lines.push(format!("{k} {n}")),
            _ => {}
        }
    }
    let (title, mut subtitle) = default_labels(a, o.mode);
    if only.is_some() {
        subtitle.push_str("; sites still growing");
    }
    let title = o.labels.title.clone().unwrap_or(title);
    let subtitle = o.labels.subtitle.clone().unwrap_or(subtitle);
    if lines.is_empty() {
        let why = match o.mode {
            Mode::Retention if only.is_some() => {
                "Nothing to draw: no leak site is still growing (--all-growth draws every stack that grew)"
            }
            Mode::Retention => "Nothing to draw: no stack grew between the first and last profile",
            _ => "Nothing to draw: the profiles have no values of this sample type",
        };
        return Ok((empty_svg(&title, &subtitle, why), Some(why.to_string())));
    }
    let mut palette = PaletteMap::default();
    if o.mode == Mode::Retention {
        let mut funcs: Vec<(&&str, &i64)> = growth_by_func.iter().collect();
        funcs.sort();
        for (f, g) in funcs {
            palette.insert(*f, heat(*g as f64 / total_growth as f64));
        }
        // inferno's root frame.
        palette.insert("all", heat(1.0));
        palette.insert("", heat(1.0));
    }
    let mut opt = flamegraph::Options::default();
    opt.title = title;
    opt.subtitle = Some(subtitle);
    opt.count_name = match a.sample_type.unit.as_str() {
        "bytes" => "bytes".into(),
        "count" => "objects".into(),
        other => other.to_string(),
    };
    opt.name_type = "Function:".into();
    opt.min_width = o.min_width;
    opt.deterministic = true;
    opt.hash = true;
    opt.colors = flamegraph::Palette::Basic(flamegraph::color::BasicPalette::Mem);
    if o.inverted {
        opt.direction = flamegraph::Direction::Inverted;
    }
    if o.mode == Mode::Retention {
        opt.palette_map = Some(&mut palette);
    }
    let mut out = Vec::new();
    flamegraph::from_lines(&mut opt, lines.iter().map(String::as_str), &mut out)?;
    Ok((out, None))
}

#[cfg(test)]
mod tests {
    use super::heat;

    #[test]
    fn heat_runs_from_pale_to_red() {
        let lo = heat(0.0);
        let hi = heat(1.0);
        assert!(lo.g > hi.g && lo.r >= hi.r);
        assert_eq!((hi.r, hi.g, hi.b), (200, 30, 30));
    }
}
