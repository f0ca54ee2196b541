//! Flamegraphs of the difference between snapshots, drawn by inferno.
//!
//! *Retention* (the default): each stack's width is its growth, max(0, last - first), so only
//! new retention shows; every frame is coloured by how much of the growth flows through its
//! function (parents included), from pale yellow (little) to deep red (all of it). With three
//! or more snapshots only stacks whose leak site is still growing are drawn, unless asked.
//! *Differential*: inferno's two-count lines (first, last): red grew, blue shrank, widths from
//! the last snapshot. *Base* and *new* draw one side plainly.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use inferno::flamegraph::{self, color::Color, color::PaletteMap};

use super::folded;
use crate::analyse::Diff;
use crate::error::Error;
use crate::series::Series;
use crate::units;

/// What to draw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

/// The colours of the base and new pictures (inferno's basic palettes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Palette {
    /// Red to yellow.
    Hot,
    /// Green to blue (the default).
    #[default]
    Mem,
    /// Wide blue.
    Io,
    /// Reds.
    Red,
    /// Greens.
    Green,
    /// Blues.
    Blue,
    /// Aqua.
    Aqua,
    /// Yellows.
    Yellow,
    /// Purples.
    Purple,
    /// Oranges.
    Orange,
}

impl Palette {
    fn basic(self) -> flamegraph::color::BasicPalette {
        use flamegraph::color::BasicPalette as B;
        match self {
            Palette::Hot => B::Hot,
            Palette::Mem => B::Mem,
            Palette::Io => B::Io,
            Palette::Red => B::Red,
            Palette::Green => B::Green,
            Palette::Blue => B::Blue,
            Palette::Aqua => B::Aqua,
            Palette::Yellow => B::Yellow,
            Palette::Purple => B::Purple,
            Palette::Orange => B::Orange,
        }
    }
}

/// What the picture is called.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    /// The title (default: what the picture shows and the sample type).
    pub title: Option<String>,
    /// The subtitle (default: the files, both totals and the growth).
    pub subtitle: Option<String>,
}

/// Options for one flamegraph.
#[derive(Clone, Debug)]
pub struct FlameOptions {
    /// What to draw.
    pub mode: Mode,
    /// Trim allocator and runtime frames from the leaf end, so towers end at the leak site.
    pub trim: bool,
    /// In retention mode with three or more snapshots, draw every stack's growth, not only the
    /// stacks whose leak site is still growing.
    pub all_growth: bool,
    /// Draw an icicle graph (roots at the top).
    pub inverted: bool,
    /// Narrowest frame drawn, in pixels (never 0: large profiles would draw millions of frames).
    pub min_width: f64,
    /// Title and subtitle.
    pub labels: Labels,
    /// Fold runs of library and runtime frames into one labelled frame (`[tokio ×38]`).
    pub fold_libraries: bool,
    /// Fold direct recursion into one frame, so every depth adds to one tower.
    pub fold_recursion: bool,
    /// Image width in pixels (inferno's default when `None`).
    pub width: Option<usize>,
    /// Font size (inferno's default when `None`).
    pub font_size: Option<usize>,
    /// Draw stacks leaf first (callers above their callee).
    pub reverse: bool,
    /// Colours of the base and new pictures (retention colours by growth, differential by
    /// sign).
    pub palette: Palette,
}

impl Default for FlameOptions {
    fn default() -> Self {
        FlameOptions {
            mode: Mode::Retention,
            trim: true,
            all_growth: false,
            inverted: false,
            min_width: 0.1,
            labels: Labels::default(),
            fold_libraries: true,
            fold_recursion: true,
            width: None,
            font_size: None,
            reverse: false,
            palette: Palette::Mem,
        }
    }
}

/// What was drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Picture {
    /// A flamegraph.
    Drawn,
    /// Nothing to draw: the SVG says why, and so does this.
    Empty(String),
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
fn default_labels(a: &Series, mode: Mode) -> (String, String) {
    let t = &a.sample_type;
    let title = match mode {
        Mode::Retention if t.is_retention() => {
            format!("New retention: {} (redder: more of the growth)", t.ty)
        }
        Mode::Retention => format!("Growth: {} (redder: more of the growth)", t.ty),
        Mode::Differential => format!("Heap difference: {}", t.ty),
        Mode::Base => format!("Heap: {} (base)", t.ty),
        Mode::New => format!("Heap: {} (new)", t.ty),
    };
    let name = |i: &crate::source::Input| i.short_name();
    let files = if a.snapshots.len() > 2 {
        format!(
            "{}..{} ({} profiles)",
            name(&a.base().input),
            name(&a.last().input),
            a.snapshots.len()
        )
    } else {
        format!("{} → {}", name(&a.base().input), name(&a.last().input))
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

/// Renders the flamegraph SVG of `diff` into `out`. When nothing is left to draw, the SVG says
/// why (and so does the returned [`Picture`]).
pub fn render(diff: &Diff, o: &FlameOptions, out: &mut dyn Write) -> Result<Picture, Error> {
    let series = &diff.series;
    // With a series, retention shows the stacks whose leak site is still growing (classed
    // leak or growing): a cache that filled early and stopped does not hide the leak.
    let only = if o.mode == Mode::Retention && !o.all_growth {
        diff.still_growing_stacks()
    } else {
        None
    };
    let shape = folded::Shape {
        trim: o.trim.then_some(&diff.sites),
        fold_libraries: o.fold_libraries.then_some(&diff.sites),
        fold_recursion: o.fold_recursion,
    };
    let pairs = folded::pairs(series, &shape, only.as_deref());
    let mut lines: Vec<String> = Vec::with_capacity(pairs.len());
    let mut growth_by_func: HashMap<&str, i64> = HashMap::new();
    let mut total_growth = 0i64;
    let mut seen: HashSet<&str> = HashSet::new();
    for (k, &(b, n)) in &pairs {
        match o.mode {
            Mode::Retention => {
                let g = n.saturating_sub(b);
                if g > 0 {
                    lines.push(format!("{k} {g}"));
                    total_growth = total_growth.saturating_add(g);
                    // Growth through each function, counted once per stack.
                    seen.clear();
                    for f in k.split(';') {
                        if seen.insert(f) {
                            let e = growth_by_func.entry(f).or_default();
                            *e = e.saturating_add(g);
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
    let (title, mut subtitle) = default_labels(series, o.mode);
    if only.is_some() {
        subtitle.push_str("; sites still growing");
    }
    // A root frame that says what the whole picture is.
    let unit = &series.sample_type.unit;
    let root = match o.mode {
        Mode::Retention => format!(
            "{} of {}",
            units::delta(total_growth, unit),
            if series.sample_type.is_retention() {
                "new retention"
            } else {
                "growth"
            }
        ),
        Mode::Differential => format!(
            "{} → {}",
            units::value(series.base().total(), unit),
            units::value(series.last().total(), unit)
        ),
        Mode::Base => units::value(series.base().total(), unit),
        Mode::New => units::value(series.last().total(), unit),
    }
    .replace(';', ",");
    for l in &mut lines {
        l.insert(0, ';');
        l.insert_str(0, &root);
    }

    let title = o.labels.title.clone().unwrap_or(title);
    let subtitle = o.labels.subtitle.clone().unwrap_or(subtitle);
    let io = |e| Error::io("writing the flamegraph", e);
    if lines.is_empty() {
        let why = match o.mode {
            Mode::Retention if only.is_some() => {
                "Nothing to draw: no leak site is still growing (--all-growth draws every stack that grew)"
            }
            Mode::Retention => "Nothing to draw: no stack grew between the first and last profile",
            _ => "Nothing to draw: the profiles have no values of this sample type",
        };
        out.write_all(&empty_svg(&title, &subtitle, why))
            .map_err(io)?;
        return Ok(Picture::Empty(why.to_string()));
    }
    let mut palette = PaletteMap::default();
    if o.mode == Mode::Retention {
        let mut funcs: Vec<(&&str, &i64)> = growth_by_func.iter().collect();
        funcs.sort();
        for (f, g) in funcs {
            palette.insert(*f, heat(*g as f64 / total_growth as f64));
        }
        // inferno's root frame and heapdiff's.
        palette.insert("all", heat(1.0));
        palette.insert("", heat(1.0));
        palette.insert(&root, heat(1.0));
    }
    let mut opt = flamegraph::Options::default();
    opt.title = title;
    opt.subtitle = Some(subtitle);
    opt.count_name = match series.sample_type.unit.as_str() {
        "bytes" => "bytes".into(),
        "count" => "objects".into(),
        other => other.to_string(),
    };
    opt.name_type = "Function:".into();
    opt.min_width = o.min_width;
    opt.deterministic = true;
    opt.hash = true;
    opt.colors = flamegraph::Palette::Basic(o.palette.basic());
    if o.inverted {
        opt.direction = flamegraph::Direction::Inverted;
    }
    if let Some(w) = o.width {
        opt.image_width = Some(w);
    }
    if let Some(f) = o.font_size {
        opt.font_size = f;
    }
    opt.reverse_stack_order = o.reverse;
    if o.mode == Mode::Retention {
        opt.palette_map = Some(&mut palette);
    }
    flamegraph::from_lines(&mut opt, lines.iter().map(String::as_str), out).map_err(io)?;
    Ok(Picture::Drawn)
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
