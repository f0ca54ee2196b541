//! `heapdiff show`: what is in one profile.

use std::fmt::Write;

use serde::Serialize;

use crate::analysis::{Analysis, Options};
use crate::load::Loaded;
use crate::model::{Producer, SourceFormat, ValueType};
use crate::rank::{By, SiteRules, units_of_stacks};
use crate::units;

/// JSON layout version of `show --format json`.
pub const JSON_SCHEMA: &str = "heapdiff.show/1";

#[derive(Clone, Debug, Serialize)]
pub struct TypeTotal {
    #[serde(flatten)]
    pub sample_type: ValueType,
    pub total: i64,
}

#[derive(Clone, Debug, Serialize)]
pub struct MappingInfo {
    pub file: String,
    pub build_id: String,
    /// Whether any location in this mapping has a function name.
    pub symbolized: bool,
    pub locations: usize,
    /// The binary heapdiff symbolized this mapping from, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbolized_from: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TopSite {
    pub function: String,
    pub file: String,
    pub line: i64,
    pub value: i64,
}

/// Everything `show` prints.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub schema: &'static str,
    pub path: String,
    pub format: SourceFormat,
    pub gzipped: bool,
    pub producer: Option<Producer>,
    pub sample_types: Vec<TypeTotal>,
    pub default_sample_type: Option<String>,
    /// The type heapdiff compares by default (or the one `--sample-index` chose).
    pub chosen_sample_type: ValueType,
    pub period_type: Option<ValueType>,
    pub period: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub samples: usize,
    pub locations: usize,
    pub functions: usize,
    /// Locations with at least one named function, and all locations.
    pub symbolized_locations: usize,
    pub mappings: Vec<MappingInfo>,
    pub comments: Vec<String>,
    pub drop_frames: String,
    pub top_sites: Vec<TopSite>,
    pub notes: Vec<String>,
}

/// Gathers the summary of one loaded profile.
pub fn summarize(
    loaded: Loaded,
    sample_index: Option<crate::sample_type::SampleIndex>,
    rules: &SiteRules,
    top: usize,
) -> Result<Summary, crate::error::InputError> {
    let p = &loaded.profile;
    let sample_types = p
        .sample_types
        .iter()
        .enumerate()
        .map(|(i, t)| TypeTotal {
            sample_type: t.clone(),
            total: p.total(i),
        })
        .collect();
    let named = |l: &crate::model::Location| {
        l.lines
            .iter()
            .any(|ln| !p.functions[ln.function as usize].name.is_empty())
    };
    let symbolized_locations = p.locations.iter().filter(|l| named(l)).count();
    let mappings = p
        .mappings
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let locs: Vec<_> = p
                .locations
                .iter()
                .filter(|l| l.mapping == Some(i as u32))
                .collect();
            let from = loaded.symbolized.iter().find_map(|(mi, r)| match r {
                crate::symbolize::Resolution::Symbolized(p) if *mi == i => {
                    Some(p.display().to_string())
                }
                _ => None,
            });
            MappingInfo {
                file: m.file.clone(),
                build_id: m.build_id.clone(),
                symbolized: locs.iter().any(|l| named(l)),
                locations: locs.len(),
                symbolized_from: from,
            }
        })
        .collect();
    let producer = p.producer();
    let mut notes = loaded.warnings.clone();
    if producer == Some(Producer::Julia) {
        notes.push(
            "PProf.jl profiles record allocations, not live heap: their values say what was allocated, not what is retained".into(),
        );
    }
    if !p.locations.is_empty() && symbolized_locations == 0 {
        notes.push("no location has a function name: this profile is unsymbolized".into());
    }
    let partial = Summary {
        schema: JSON_SCHEMA,
        path: loaded.path.display().to_string(),
        format: p.format,
        gzipped: p.gzipped,
        producer,
        sample_types,
        default_sample_type: p.default_sample_type.clone(),
        chosen_sample_type: p.sample_types[0].clone(),
        period_type: p.period_type.clone(),
        period: p.period,
        time_nanos: p.time_nanos,
        duration_nanos: p.duration_nanos,
        samples: p.samples_in_file,
        locations: p.locations.len(),
        functions: p.functions.len(),
        symbolized_locations,
        mappings,
        comments: p.comments.clone(),
        drop_frames: p.drop_frames.clone(),
        top_sites: Vec::new(),
        notes,
    };
    let a = Analysis::build(
        vec![loaded],
        &Options {
            sample_index,
            ..Default::default()
        },
    )?;
    let site_of = units_of_stacks(&a, By::Site, rules);
    let mut by_site: std::collections::HashMap<u32, i64> = std::collections::HashMap::new();
    for (s, &site) in site_of.iter().enumerate() {
        *by_site.entry(site).or_default() += a.base().stacks.values[s];
    }
    let mut sites: Vec<TopSite> = by_site
        .into_iter()
        .filter(|(_, v)| *v != 0)
        .map(|(f, v)| {
            let fr = &a.catalog.frames[f as usize];
            TopSite {
                function: fr.name.clone(),
                file: fr.file.clone(),
                line: fr.line,
                value: v,
            }
        })
        .collect();
    sites.sort_by(|x, y| {
        y.value
            .unsigned_abs()
            .cmp(&x.value.unsigned_abs())
            .then_with(|| x.function.cmp(&y.function))
            .then_with(|| x.file.cmp(&y.file))
    });
    sites.truncate(top);
    Ok(Summary {
        chosen_sample_type: a.sample_type.clone(),
        top_sites: sites,
        ..partial
    })
}

fn human(v: i64, unit: &str) -> String {
    if unit == "bytes" {
        format!("{} ({} B)", units::bytes(v), units::grouped(v))
    } else {
        units::value(v, unit)
    }
}

/// The summary for a terminal.
pub fn render_text(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", s.path);
    let format = match s.format {
        SourceFormat::Proto => "profile.proto",
        SourceFormat::LegacyHeapText => "legacy text heap profile",
        SourceFormat::JemallocHeap => "jemalloc heap dump (heap_v2)",
    };
    let gz = if s.gzipped { ", gzipped" } else { "" };
    let row = |o: &mut String, k: &str, v: String| {
        let _ = writeln!(o, "  {k:<13} {v}");
    };
    row(&mut o, "format", format!("{format}{gz}"));
    row(
        &mut o,
        "producer",
        s.producer
            .map(|p| p.name().to_string())
            .unwrap_or_else(|| "unknown".into()),
    );
    let types: Vec<String> = s
        .sample_types
        .iter()
        .map(|t| format!("{}/{}", t.sample_type.ty, t.sample_type.unit))
        .collect();
    row(&mut o, "sample types", types.join(", "));
    if let Some(d) = &s.default_sample_type {
        row(&mut o, "default type", d.clone());
    }
    let period = match &s.period_type {
        Some(t) if t.unit == "bytes" && s.period > 1 => format!(
            "{} {}/{} (sampled: about one sample per {} allocated)",
            units::grouped(s.period),
            t.ty,
            t.unit,
            units::bytes(s.period)
        ),
        Some(t) if t.unit == "bytes" && s.period == 1 => {
            format!("1 {}/{} (every allocation recorded)", t.ty, t.unit)
        }
        Some(t) => format!("{} {}/{}", units::grouped(s.period), t.ty, t.unit),
        None => units::grouped(s.period),
    };
    row(&mut o, "period", period);
    row(&mut o, "time", units::timestamp(s.time_nanos));
    row(
        &mut o,
        "duration",
        if s.duration_nanos > 0 {
            format!("{:.3} s", s.duration_nanos as f64 / 1e9)
        } else {
            "-".into()
        },
    );
    let tw = s
        .sample_types
        .iter()
        .map(|t| t.sample_type.ty.len())
        .max()
        .unwrap_or(0);
    for (i, t) in s.sample_types.iter().enumerate() {
        row(
            &mut o,
            if i == 0 { "totals" } else { "" },
            format!(
                "{:<tw$}  {}",
                t.sample_type.ty,
                human(t.total, &t.sample_type.unit)
            ),
        );
    }
    row(
        &mut o,
        "contents",
        format!(
            "{} samples, {} locations, {} functions, {} mappings",
            units::grouped(s.samples as i64),
            units::grouped(s.locations as i64),
            units::grouped(s.functions as i64),
            s.mappings.len()
        ),
    );
    let sym = if s.locations == 0 {
        "-".to_string()
    } else if s.symbolized_locations == s.locations {
        "yes".to_string()
    } else if s.symbolized_locations == 0 {
        "no (addresses only)".to_string()
    } else {
        format!(
            "partly ({} of {} locations have function names)",
            units::grouped(s.symbolized_locations as i64),
            units::grouped(s.locations as i64)
        )
    };
    row(&mut o, "symbolized", sym);
    // One line per binary (a binary is often mapped several times), binaries with samples only.
    let mut binaries: Vec<MappingInfo> = Vec::new();
    for m in &s.mappings {
        match binaries
            .iter_mut()
            .find(|b| b.file == m.file && b.build_id == m.build_id)
        {
            Some(b) => {
                b.symbolized |= m.symbolized;
                b.locations += m.locations;
                if b.symbolized_from.is_none() {
                    b.symbolized_from = m.symbolized_from.clone();
                }
            }
            None => binaries.push(m.clone()),
        }
    }
    let unused = binaries.iter().filter(|b| b.locations == 0).count();
    for m in binaries.iter().filter(|b| b.locations > 0) {
        let id = if m.build_id.is_empty() {
            String::new()
        } else {
            format!(" (build id {})", m.build_id)
        };
        let state = match (&m.symbolized_from, m.symbolized) {
            (Some(from), _) => format!("symbolized by heapdiff from {from}"),
            (None, true) => "symbolized".to_string(),
            (None, false) => "not symbolized".to_string(),
        };
        let name = if m.file.is_empty() {
            "(no file name)"
        } else {
            &m.file
        };
        row(
            &mut o,
            "binary",
            format!(
                "{name}{id}: {state}, {} locations",
                units::grouped(m.locations as i64)
            ),
        );
    }
    if unused > 0 {
        row(
            &mut o,
            "",
            format!("and {unused} more binaries without samples"),
        );
    }
    for c in &s.comments {
        row(&mut o, "comment", c.clone());
    }
    for n in &s.notes {
        let _ = writeln!(o, "note: {n}");
    }
    let unit = &s.chosen_sample_type.unit;
    let _ = writeln!(o, "\ntop sites ({}):", s.chosen_sample_type.ty);
    let total: i64 = s
        .sample_types
        .iter()
        .find(|t| t.sample_type == s.chosen_sample_type)
        .map(|t| t.total)
        .unwrap_or(0);
    let cells: Vec<String> = s
        .top_sites
        .iter()
        .map(|t| units::value(t.value, unit))
        .collect();
    let w = cells.iter().map(|c| c.len()).max().unwrap_or(0);
    for (t, c) in s.top_sites.iter().zip(&cells) {
        let share = if total != 0 {
            format!("{:5.1}%", t.value as f64 * 100.0 / total as f64)
        } else {
            "     -".into()
        };
        let file = t.file.rsplit('/').next().unwrap_or(&t.file);
        let loc = match (file.is_empty(), t.line) {
            (true, _) => String::new(),
            (false, 0) => format!("  {file}"),
            (false, l) => format!("  {file}:{l}"),
        };
        let _ = writeln!(o, "  {c:>w$}  {share}  {}{loc}", t.function);
    }
    o
}
