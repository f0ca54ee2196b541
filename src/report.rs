//! The diff report: everything the renderers print, decided here once.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::model::{SourceFormat, ValueType};

/// Version of the JSON document layout; bumped on incompatible changes.
pub const JSON_SCHEMA: &str = "heapdiff.diff/1";

/// One input, as the report describes it.
#[derive(Clone, Debug, Serialize)]
pub struct ProfileInfo {
    pub path: String,
    pub format: SourceFormat,
    /// Collection time from the profile (0 when the profile has none).
    pub time_nanos: i64,
    /// Sum of the chosen sample type over every sample.
    pub total: i64,
    /// Sum of the matching object counts, when the profile has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_objects: Option<i64>,
}

/// One function's change: pprof's flat and cum, in the first and last snapshot.
#[derive(Clone, Debug, Serialize)]
pub struct FunctionRow {
    pub name: String,
    pub file: String,
    pub base_flat: i64,
    pub new_flat: i64,
    pub flat_delta: i64,
    pub base_cum: i64,
    pub new_cum: i64,
    pub cum_delta: i64,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub sample_type: ValueType,
    pub profiles: Vec<ProfileInfo>,
    /// Last total minus first total.
    pub total_delta: i64,
    /// Every function whose flat or cum changed, largest change first.
    pub functions: Vec<FunctionRow>,
    /// Facts about the inputs that change how to read the numbers.
    pub notes: Vec<String>,
    /// How many rows the human formats show (the data formats show all).
    #[serde(skip)]
    pub top: usize,
}

impl Report {
    pub fn new(a: &Analysis, top: usize) -> Report {
        let profiles = a
            .snapshots
            .iter()
            .map(|s| ProfileInfo {
                path: s.path.display().to_string(),
                format: s.format,
                time_nanos: s.time_nanos,
                total: s.stacks.total,
                total_objects: s.stacks.total_objects,
            })
            .collect();
        let functions = a
            .function_deltas()
            .into_iter()
            .map(|d| {
                let f = &a.catalog.funcs[d.func as usize];
                FunctionRow {
                    name: f.name.clone(),
                    file: f.file.clone(),
                    base_flat: d.base_flat,
                    new_flat: d.new_flat,
                    flat_delta: d.flat_delta(),
                    base_cum: d.base_cum,
                    new_cum: d.new_cum,
                    cum_delta: d.cum_delta(),
                }
            })
            .collect();
        Report {
            schema: JSON_SCHEMA,
            sample_type: a.sample_type.clone(),
            profiles,
            total_delta: a.total_delta(),
            functions,
            notes: a.warnings.clone(),
            top,
        }
    }

    pub fn base(&self) -> &ProfileInfo {
        &self.profiles[0]
    }

    pub fn last(&self) -> &ProfileInfo {
        self.profiles.last().expect("at least one profile")
    }

    /// Growth as a percentage of the base total (pprof's `-diff_base` denominator).
    pub fn growth_percent(&self) -> Option<f64> {
        let b = self.base().total;
        (b != 0).then(|| self.total_delta as f64 * 100.0 / b.unsigned_abs() as f64)
    }

    /// The rows the human formats show.
    pub fn shown_functions(&self) -> &[FunctionRow] {
        &self.functions[..self.functions.len().min(self.top)]
    }
}
