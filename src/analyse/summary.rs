//! What is in one profile (`heapdiff show`): producer, sample types and totals, sampling,
//! symbolization per binary, and the top allocation sites by the same site map as `diff`.

use super::sites::SiteMap;
use crate::error::Error;
use crate::load::Loaded;
use crate::profile::machinery::SiteRules;
use crate::profile::{Producer, SourceFormat, ValueType};
use crate::series::{self, Series};
use crate::symbolize::Resolution;

/// One sample type and its total.
#[derive(Clone, Debug)]
pub struct TypeTotal {
    /// The sample type.
    pub sample_type: ValueType,
    /// Sum over every sample.
    pub total: i64,
}

/// One mapping and whether it is symbolized.
#[derive(Clone, Debug)]
pub struct MappingInfo {
    /// The object file.
    pub file: String,
    /// Its build id ("" when unknown).
    pub build_id: String,
    /// Whether any location in this mapping has a function name.
    pub symbolized: bool,
    /// Locations in this mapping.
    pub locations: usize,
    /// The binary heapdiff symbolized this mapping from, when it did.
    pub symbolized_from: Option<String>,
}

/// One of the largest allocation sites.
#[derive(Clone, Debug)]
pub struct TopSite {
    /// The site's function.
    pub function: String,
    /// Its file.
    pub file: String,
    /// Its line.
    pub line: i64,
    /// Its value of the chosen sample type.
    pub value: i64,
}

/// Everything `show` prints.
#[derive(Clone, Debug)]
pub struct Summary {
    /// The input as named.
    pub path: String,
    /// The kind of file.
    pub format: SourceFormat,
    /// Whether it was gzipped.
    pub gzipped: bool,
    /// Who most likely wrote it.
    pub producer: Option<Producer>,
    /// Every sample type with its total.
    pub sample_types: Vec<TypeTotal>,
    /// The profile's preferred sample type.
    pub default_sample_type: Option<String>,
    /// The type heapdiff compares by default (or the one `--sample-index` chose).
    pub chosen_sample_type: ValueType,
    /// What the period counts.
    pub period_type: Option<ValueType>,
    /// The sampling period.
    pub period: i64,
    /// Collection time.
    pub time_nanos: i64,
    /// Collection length.
    pub duration_nanos: i64,
    /// Samples in the file.
    pub samples: usize,
    /// Locations.
    pub locations: usize,
    /// Functions.
    pub functions: usize,
    /// Locations with at least one named function, and all locations.
    pub symbolized_locations: usize,
    /// Every mapping.
    pub mappings: Vec<MappingInfo>,
    /// The profile's comments.
    pub comments: Vec<String>,
    /// pprof's drop_frames expression.
    pub drop_frames: String,
    /// The largest sites, largest first.
    pub top_sites: Vec<TopSite>,
    /// Facts that change how to read the numbers.
    pub notes: Vec<String>,
}

/// Gathers the summary of one loaded profile.
pub fn summarize(
    loaded: Loaded,
    options: series::Options,
    rules: &SiteRules,
    top: usize,
) -> Result<Summary, Error> {
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
    let named = |l: &crate::profile::Location| {
        l.lines
            .iter()
            .any(|ln| !p.functions[ln.function as usize].name.is_empty())
    };
    let symbolized_locations = p.locations.iter().filter(|l| named(l)).count();
    // One pass over the locations, one over the symbolization results: linear in both.
    let mut per_mapping = vec![(0usize, false); p.mappings.len()];
    for l in &p.locations {
        if let Some(m) = l.mapping.and_then(|m| per_mapping.get_mut(m as usize)) {
            m.0 += 1;
            m.1 |= named(l);
        }
    }
    let mut from: Vec<Option<String>> = vec![None; p.mappings.len()];
    for (mi, r) in &loaded.symbolized {
        if let (Resolution::Symbolized(path), Some(slot)) = (r, from.get_mut(*mi))
            && slot.is_none()
        {
            *slot = Some(path.display().to_string());
        }
    }
    let mappings = p
        .mappings
        .iter()
        .zip(per_mapping)
        .zip(from)
        .map(|((m, (locations, symbolized)), from)| MappingInfo {
            file: m.file.clone(),
            build_id: m.build_id.clone(),
            symbolized,
            locations,
            symbolized_from: from,
        })
        .collect();
    let producer = p.producer();
    let mut notes = loaded.warnings.clone();
    if producer == Some(Producer::Julia) && p.sample_types.iter().any(|t| t.ty == "allocs") {
        notes.push(
            "PProf.jl profiles record allocations, not live heap: their values say what was allocated, not what is retained".into(),
        );
    }
    if !p.locations.is_empty() && symbolized_locations == 0 {
        notes.push("no location has a function name: this profile is unsymbolized".into());
    }
    let partial = Summary {
        path: loaded.input.to_string(),
        format: p.format,
        gzipped: p.gzipped,
        producer,
        sample_types,
        default_sample_type: p.default_sample_type.clone(),
        chosen_sample_type: p.sample_types.first().cloned().unwrap_or(ValueType {
            ty: String::new(),
            unit: String::new(),
        }),
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
    let loaded_warnings = loaded.warnings.len();
    let series = Series::build(vec![loaded], &options)?;
    // The series repeats the profile's own warnings (already in the notes) after its own.
    let own = series.warnings.len().saturating_sub(loaded_warnings);
    let mut notes = partial.notes.clone();
    notes.extend(series.warnings[..own].iter().cloned());
    let sites = SiteMap::new(&series.catalog, rules, series.producer());
    let mut by_site = vec![0i64; series.catalog.frames.len()];
    for s in series.catalog.stack_ids() {
        let f = sites.site(s).index();
        by_site[f] = by_site[f].saturating_add(series.base().stacks.get(s));
    }
    let mut top_sites: Vec<TopSite> = by_site
        .into_iter()
        .enumerate()
        .filter(|(_, v)| *v != 0)
        .map(|(f, v)| {
            let fr = &series.catalog.frames[f];
            TopSite {
                function: fr.name.clone(),
                file: fr.file.clone(),
                line: fr.line,
                value: v,
            }
        })
        .collect();
    top_sites.sort_by(|x, y| {
        y.value
            .unsigned_abs()
            .cmp(&x.value.unsigned_abs())
            .then_with(|| x.function.cmp(&y.function))
            .then_with(|| x.file.cmp(&y.file))
    });
    top_sites.truncate(top);
    Ok(Summary {
        chosen_sample_type: series.sample_type.clone(),
        top_sites,
        notes,
        ..partial
    })
}
