//! The `show` JSON document (`heapdiff.show/1`).

use serde::Serialize;

use super::ValueTypeDoc;
use crate::analyse::summary::Summary;

/// Version of the `show` JSON document.
pub const SHOW_SCHEMA: &str = "heapdiff.show/1";

/// A sample type with its total.
#[derive(Serialize)]
pub struct TypeTotalDoc<'a> {
    /// What is measured.
    #[serde(rename = "type")]
    pub ty: &'a str,
    /// Its unit.
    pub unit: &'a str,
    /// Sum over every sample.
    pub total: i64,
}

/// A mapping.
#[derive(Serialize)]
pub struct MappingDoc<'a> {
    /// The object file.
    pub file: &'a str,
    /// Its build id.
    pub build_id: &'a str,
    /// Whether any location in it has a function name.
    pub symbolized: bool,
    /// Locations in it.
    pub locations: usize,
    /// The binary heapdiff symbolized it from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbolized_from: Option<&'a str>,
}

/// One top site.
#[derive(Serialize)]
pub struct TopSiteDoc<'a> {
    /// Function.
    pub function: &'a str,
    /// File.
    pub file: &'a str,
    /// Line.
    pub line: i64,
    /// Value.
    pub value: i64,
}

/// The `show` document.
#[derive(Serialize)]
pub struct ShowDoc<'a> {
    /// [`SHOW_SCHEMA`].
    pub schema: &'static str,
    /// The input as named.
    pub path: &'a str,
    /// The kind of file.
    pub format: &'static str,
    /// Whether it was gzipped.
    pub gzipped: bool,
    /// Who most likely wrote it.
    pub producer: Option<&'static str>,
    /// Sample types with totals.
    pub sample_types: Vec<TypeTotalDoc<'a>>,
    /// The profile's preferred type.
    pub default_sample_type: Option<&'a str>,
    /// The type heapdiff compares.
    pub chosen_sample_type: ValueTypeDoc<'a>,
    /// What the period counts.
    pub period_type: Option<ValueTypeDoc<'a>>,
    /// The period.
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
    /// Locations with a function name.
    pub symbolized_locations: usize,
    /// Mappings.
    pub mappings: Vec<MappingDoc<'a>>,
    /// Comments.
    pub comments: &'a [String],
    /// pprof's drop_frames.
    pub drop_frames: &'a str,
    /// The largest sites.
    pub top_sites: Vec<TopSiteDoc<'a>>,
    /// Notes.
    pub notes: &'a [String],
}

impl<'a> ShowDoc<'a> {
    /// The document for `s`.
    pub fn new(s: &'a Summary) -> Self {
        ShowDoc {
            schema: SHOW_SCHEMA,
            path: &s.path,
            format: s.format.as_str(),
            gzipped: s.gzipped,
            producer: s.producer.map(|p| p.as_str()),
            sample_types: s
                .sample_types
                .iter()
                .map(|t| TypeTotalDoc {
                    ty: &t.sample_type.ty,
                    unit: &t.sample_type.unit,
                    total: t.total,
                })
                .collect(),
            default_sample_type: s.default_sample_type.as_deref(),
            chosen_sample_type: (&s.chosen_sample_type).into(),
            period_type: s.period_type.as_ref().map(Into::into),
            period: s.period,
            time_nanos: s.time_nanos,
            duration_nanos: s.duration_nanos,
            samples: s.samples,
            locations: s.locations,
            functions: s.functions,
            symbolized_locations: s.symbolized_locations,
            mappings: s
                .mappings
                .iter()
                .map(|m| MappingDoc {
                    file: &m.file,
                    build_id: &m.build_id,
                    symbolized: m.symbolized,
                    locations: m.locations,
                    symbolized_from: m.symbolized_from.as_deref(),
                })
                .collect(),
            comments: &s.comments,
            drop_frames: &s.drop_frames,
            top_sites: s
                .top_sites
                .iter()
                .map(|t| TopSiteDoc {
                    function: &t.function,
                    file: &t.file,
                    line: t.line,
                    value: t.value,
                })
                .collect(),
            notes: &s.notes,
        }
    }
}
