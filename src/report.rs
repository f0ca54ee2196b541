//! The diff report: everything the renderers print, decided here once.

use serde::Serialize;

use crate::analysis::Analysis;
use crate::model::{SourceFormat, ValueType};
use crate::rank::{Axis, By, Class, RankedUnit, Ranking};

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
    /// Mean sampling interval in bytes (0 when the profile is not sampled by bytes).
    pub sampling_bytes: i64,
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

/// One ranked unit (a leak site by default).
pub type SiteRow = RankedUnit;

/// A CI gate and whether it tripped.
#[derive(Clone, Debug, Serialize)]
pub struct GateResult {
    pub gate: &'static str,
    pub tripped: bool,
    pub reason: String,
}

/// Gates the user asked for.
#[derive(Clone, Debug, Default)]
pub struct Gates {
    pub growth: Option<i64>,
    pub site_growth: Option<i64>,
    pub leaks: bool,
}

/// How the ranking was made, for the reader.
#[derive(Clone, Debug, Serialize)]
pub struct RankingInfo {
    pub by: By,
    pub axis: Axis,
    /// Name of a unit of work (`--work-unit`), when the axis is work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_unit: Option<String>,
    /// Changes smaller than this never count (0.1% of the larger total).
    pub floor: i64,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub sample_type: ValueType,
    pub profiles: Vec<ProfileInfo>,
    /// Last total minus first total.
    pub total_delta: i64,
    pub ranking: RankingInfo,
    /// Ranked units, most suspicious first.
    pub sites: Vec<SiteRow>,
    /// Every function whose flat or cum changed, largest change first.
    pub functions: Vec<FunctionRow>,
    pub gates: Vec<GateResult>,
    /// Facts about the inputs that change how to read the numbers.
    pub notes: Vec<String>,
    /// How many rows the human formats show (the data formats show all).
    #[serde(skip)]
    pub top: usize,
}

impl Report {
    pub fn new(
        a: &Analysis,
        ranking: Ranking,
        work_unit: Option<String>,
        gates: &Gates,
        top: usize,
    ) -> Report {
        let profiles = a
            .snapshots
            .iter()
            .map(|s| ProfileInfo {
                path: s.path.display().to_string(),
                format: s.format,
                time_nanos: s.time_nanos,
                total: s.stacks.total,
                total_objects: s.stacks.total_objects,
                sampling_bytes: crate::rank::sampling_rate(s) as i64,
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
        let sites = ranking.units;
        let mut notes = a.warnings.clone();
        notes.extend(producer_notes(a));
        let mut r = Report {
            schema: JSON_SCHEMA,
            sample_type: a.sample_type.clone(),
            profiles,
            total_delta: a.total_delta(),
            ranking: RankingInfo {
                by: ranking.by,
                axis: ranking.axis,
                work_unit: work_unit.filter(|_| ranking.axis == Axis::Work),
                floor: ranking.floor,
            },
            sites,
            functions,
            gates: Vec::new(),
            notes,
            top,
        };
        r.gates = r.evaluate(gates);
        r
    }

    fn evaluate(&self, g: &Gates) -> Vec<GateResult> {
        let unit = &self.sample_type.unit;
        let mut out = Vec::new();
        if let Some(limit) = g.growth {
            let tripped = self.total_delta > limit;
            out.push(GateResult {
                gate: "fail_on_growth",
                tripped,
                reason: format!(
                    "total growth {} {} the limit {}",
                    crate::units::delta(self.total_delta, unit),
                    if tripped { "exceeds" } else { "is within" },
                    crate::units::value(limit, unit)
                ),
            });
        }
        if let Some(limit) = g.site_growth {
            let over: Vec<&SiteRow> = self.sites.iter().filter(|s| s.delta > limit).collect();
            out.push(GateResult {
                gate: "fail_on_site_growth",
                tripped: !over.is_empty(),
                reason: if over.is_empty() {
                    format!(
                        "no site grew by more than {}",
                        crate::units::value(limit, unit)
                    )
                } else {
                    format!(
                        "{} site(s) grew by more than {}: {}",
                        over.len(),
                        crate::units::value(limit, unit),
                        list(&over, unit)
                    )
                },
            });
        }
        if g.leaks {
            let leaks: Vec<&SiteRow> = self
                .sites
                .iter()
                .filter(|s| s.class == Class::Leak)
                .collect();
            out.push(GateResult {
                gate: "fail_on_leaks",
                tripped: !leaks.is_empty(),
                reason: if leaks.is_empty() {
                    if self.profiles.len() < 3 {
                        "no site classed leak (telling a leak from a plateau needs three or more snapshots)".into()
                    } else {
                        "no site classed leak".into()
                    }
                } else {
                    format!("{} site(s) classed leak: {}", leaks.len(), list(&leaks, unit))
                },
            });
        }
        out
    }

    pub fn tripped(&self) -> bool {
        self.gates.iter().any(|g| g.tripped)
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

    /// The ranked rows the human formats show.
    pub fn shown_sites(&self) -> &[SiteRow] {
        &self.sites[..self.sites.len().min(self.top)]
    }

    /// The header of the slope column and how to read each value, for the human formats.
    pub fn slope_label(&self) -> Option<String> {
        if self.profiles.len() < 3 {
            return None;
        }
        Some(match (&self.ranking.axis, &self.ranking.work_unit) {
            (Axis::Work, Some(u)) => format!("per {u}"),
            (Axis::Work, None) => "per unit".into(),
            (Axis::Time, _) => "per second".into(),
            (Axis::Snapshot, _) => "per snapshot".into(),
        })
    }

    /// The slope a human format shows for a row.
    pub fn slope_of(&self, s: &SiteRow) -> Option<f64> {
        self.slope_label()?;
        Some(match self.ranking.axis {
            Axis::Work => s.per_unit.unwrap_or(0.0),
            Axis::Time => s.slope_per_second.unwrap_or(0.0),
            Axis::Snapshot => s.slope_per_snapshot,
        })
    }
}

fn list(rows: &[&SiteRow], unit: &str) -> String {
    let mut parts: Vec<String> = rows
        .iter()
        .take(3)
        .map(|s| format!("{} ({})", s.name, crate::units::delta(s.delta, unit)))
        .collect();
    if rows.len() > 3 {
        parts.push(format!("and {} more", rows.len() - 3));
    }
    parts.join(", ")
}

/// Notes that depend on who wrote the profiles.
fn producer_notes(a: &Analysis) -> Vec<String> {
    let mut notes = Vec::new();
    if a.snapshots
        .iter()
        .any(|s| s.producer_hint == Some(crate::model::Producer::Julia))
    {
        notes.push(
            "PProf.jl profiles record allocations, not live heap: growth here is allocation volume, not retention".into(),
        );
    }
    notes
}
