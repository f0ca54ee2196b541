//! The JSON documents, as serialize-only types that borrow from the analysis. The domain
//! types carry no serde attributes; the layout of the JSON lives here alone.
//!
//! `heapdiff.diff/2` (`diff --format json`) and `heapdiff.show/1` (`show --format json`).

mod show;

use serde::Serialize;

pub use show::{MappingDoc, SHOW_SCHEMA, ShowDoc, TopSiteDoc, TypeTotalDoc};

use super::Report;
use crate::analyse::{RankedUnit, Unit};
use crate::profile::ValueType;
use crate::profile::machinery::FrameKind;
use crate::series::{FrameId, Snapshot};

/// Version of the `diff` JSON document; bumped on incompatible changes.
pub const DIFF_SCHEMA: &str = "heapdiff.diff/2";

/// A sample type.
#[derive(Serialize)]
pub struct ValueTypeDoc<'a> {
    /// What is measured.
    #[serde(rename = "type")]
    pub ty: &'a str,
    /// Its unit.
    pub unit: &'a str,
}

impl<'a> From<&'a ValueType> for ValueTypeDoc<'a> {
    fn from(t: &'a ValueType) -> Self {
        ValueTypeDoc {
            ty: &t.ty,
            unit: &t.unit,
        }
    }
}

/// One input.
#[derive(Serialize)]
pub struct ProfileDoc {
    /// The input as named.
    pub path: String,
    /// `proto`, `legacy_heap_text` or `jemalloc_heap`.
    pub format: &'static str,
    /// Collection time (0 when the profile has none).
    pub time_nanos: i64,
    /// Sum of the chosen sample type.
    pub total: i64,
    /// Sum of the matching object counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_objects: Option<i64>,
    /// Mean sampling interval in bytes (0 when not sampled by bytes).
    pub sampling_bytes: i64,
    /// Work done by this snapshot, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work: Option<f64>,
}

impl From<&Snapshot> for ProfileDoc {
    fn from(s: &Snapshot) -> Self {
        ProfileDoc {
            path: s.input.to_string(),
            format: s.format.as_str(),
            time_nanos: s.time_nanos,
            total: s.stacks.total,
            total_objects: s.stacks.total_objects,
            sampling_bytes: s.sampling_bytes(),
            work: s.work,
        }
    }
}

/// How the ranking was made.
#[derive(Serialize)]
pub struct RankingDoc<'a> {
    /// `site`, `function` or `stack`.
    pub by: &'static str,
    /// `work`, `time` or `snapshot`.
    pub axis: &'static str,
    /// Name of a unit of work, when the axis is work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_unit: Option<&'a str>,
    /// Changes smaller than this never count.
    pub floor: i64,
}

/// One frame of a stack.
#[derive(Serialize)]
pub struct FrameDoc<'a> {
    /// Function name.
    pub function: &'a str,
    /// Source file.
    pub file: &'a str,
    /// Source line.
    pub line: i64,
}

/// One ranked unit.
#[derive(Serialize)]
pub struct SiteDoc<'a> {
    /// 1-based rank.
    pub rank: usize,
    /// The site's (or leaf's) function.
    pub function: &'a str,
    /// Its file.
    pub file: &'a str,
    /// Its line.
    pub line: i64,
    /// The class.
    pub class: &'static str,
    /// Last minus first.
    pub delta: i64,
    /// Last object count minus first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_objects: Option<i64>,
    /// Value per snapshot.
    pub series: &'a [i64],
    /// Object count per snapshot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_objects: Option<&'a [i64]>,
    /// Slope per second.
    pub slope_per_second: Option<f64>,
    /// Slope per unit of work.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_unit: Option<f64>,
    /// Slope per snapshot.
    pub slope_per_snapshot: f64,
    /// Fit quality.
    pub r2: Option<f64>,
    /// Share of intervals that grew.
    pub grew_share: f64,
    /// Standard deviation of the delta from sampling: the samples that changed between the
    /// first and last snapshots.
    pub noise: f64,
    /// Effective samples per snapshot behind the series, on average: a value's square over its
    /// sampling variance, the raw sample count for small objects (absent for unsampled
    /// profiles; at most 1e9, for objects sampled almost surely).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<f64>,
    /// The series rests on few samples (under 50 per snapshot): its class used only the
    /// conservative noise bounds.
    pub few_samples: bool,
    /// The growth came in doublings that keep coming (a container that doubles).
    pub staircase: bool,
    /// The series could not tell growth that keeps its pace from a plateau.
    pub undecided: bool,
    /// Absent in the base.
    pub new: bool,
    /// The library frame the site allocated through (context), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<&'a str>,
    /// With `--by stack`: the whole stack, root first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<Vec<FrameDoc<'a>>>,
    /// With `--by stack`: the position of the stack's leak site in `stack`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_site: Option<usize>,
    /// With `--by site`: every call path to the site, largest growth first; their growths
    /// add up to `delta`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<PathDoc>,
}

/// One frame of the table that call paths refer to.
#[derive(Serialize)]
pub struct PathFrameDoc<'a> {
    /// Function name.
    pub function: &'a str,
    /// Source file.
    pub file: &'a str,
    /// Source line.
    pub line: i64,
    /// `application`, `library` or `machinery`.
    pub kind: &'static str,
}

/// One call path to a site.
#[derive(Serialize)]
pub struct PathDoc {
    /// Last minus first, over the stacks that take this path.
    pub growth: i64,
    /// `growth` as a share of the site's growth (absent when the site did not grow).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// The frames, root first, down to the allocator, as positions in the document's
    /// `frames` table.
    pub frames: Vec<u32>,
    /// The position of the site in `frames`.
    pub site: usize,
}

/// Builds the frame table that call paths refer to.
#[derive(Default)]
struct FrameTable<'a> {
    index: std::collections::HashMap<FrameId, u32>,
    frames: Vec<PathFrameDoc<'a>>,
}

impl<'a> FrameTable<'a> {
    fn id(&mut self, diff: &'a crate::analyse::Diff, f: FrameId) -> u32 {
        if let Some(&i) = self.index.get(&f) {
            return i;
        }
        let fr = diff.series.catalog.frame(f);
        let i = self.frames.len() as u32;
        self.frames.push(PathFrameDoc {
            function: &fr.name,
            file: &fr.file,
            line: fr.line,
            kind: match diff.sites.kind(f) {
                FrameKind::Application => "application",
                FrameKind::Library => "library",
                FrameKind::Machinery => "machinery",
            },
        });
        self.index.insert(f, i);
        i
    }
}

impl<'a> SiteDoc<'a> {
    fn new(
        u: &'a RankedUnit,
        diff: &'a crate::analyse::Diff,
        paths: &[crate::analyse::paths::CallPath],
        table: &mut FrameTable<'a>,
    ) -> Self {
        let catalog = &diff.series.catalog;
        let paths = paths
            .iter()
            .map(|p| PathDoc {
                growth: p.growth,
                share: (u.delta > 0).then(|| p.growth as f64 / u.delta as f64),
                frames: p.frames.iter().map(|&f| table.id(diff, f)).collect(),
                site: p.site,
            })
            .collect();
        let stack_site = match u.unit {
            Unit::Stack(s) => {
                let frames = catalog.stack(s);
                let site = diff.sites.site(s);
                frames.rev().position(|f| f == site)
            }
            _ => None,
        };
        let stack = match u.unit {
            Unit::Stack(s) => Some(
                catalog
                    .stack(s)
                    .rev()
                    .map(|f| {
                        let fr = catalog.frame(f);
                        FrameDoc {
                            function: &fr.name,
                            file: &fr.file,
                            line: fr.line,
                        }
                    })
                    .collect(),
            ),
            _ => None,
        };
        SiteDoc {
            rank: u.rank,
            function: &u.name,
            file: &u.file,
            line: u.line,
            class: u.class.as_str(),
            delta: u.delta,
            delta_objects: u.delta_objects,
            series: &u.series,
            series_objects: u.objects.as_deref(),
            slope_per_second: u.slope_per_second,
            per_unit: u.per_unit,
            slope_per_snapshot: u.slope_per_snapshot,
            r2: u.r2,
            grew_share: u.grew_share,
            noise: u.noise,
            samples: u.samples.map(|s| (s * 10.0).round() / 10.0),
            few_samples: u.few_samples,
            staircase: u.staircase,
            undecided: u.undecided,
            new: u.new,
            via: u.via.as_deref(),
            stack,
            stack_site,
            paths,
        }
    }
}

/// One function's flat and cum, as pprof reports them.
#[derive(Serialize)]
pub struct FunctionDoc<'a> {
    /// Function name.
    pub name: &'a str,
    /// First file seen for it.
    pub file: &'a str,
    /// Flat in the base.
    pub base_flat: i64,
    /// Flat in the last snapshot.
    pub new_flat: i64,
    /// Change of flat.
    pub flat_delta: i64,
    /// Cum in the base.
    pub base_cum: i64,
    /// Cum in the last snapshot.
    pub new_cum: i64,
    /// Change of cum.
    pub cum_delta: i64,
}

/// A gate's result.
#[derive(Serialize)]
pub struct GateDoc<'a> {
    /// The gate, spelled as its flag (`fail-on-growth`).
    pub gate: &'static str,
    /// Whether it tripped.
    pub tripped: bool,
    /// Why.
    pub reason: &'a str,
}

/// The `diff` document.
#[derive(Serialize)]
pub struct DiffDoc<'a> {
    /// [`DIFF_SCHEMA`].
    pub schema: &'static str,
    /// The compared sample type.
    pub sample_type: ValueTypeDoc<'a>,
    /// The inputs, in snapshot order.
    pub profiles: Vec<ProfileDoc>,
    /// Last total minus first.
    pub total_delta: i64,
    /// How the ranking was made.
    pub ranking: RankingDoc<'a>,
    /// Every ranked unit, most suspicious first.
    pub sites: Vec<SiteDoc<'a>>,
    /// Every function whose flat or cum changed.
    pub functions: Vec<FunctionDoc<'a>>,
    /// The gates asked for.
    pub gates: Vec<GateDoc<'a>>,
    /// Facts that change how to read the numbers.
    pub notes: &'a [String],
    /// The frames call paths refer to, by position.
    pub frames: Vec<PathFrameDoc<'a>>,
}

impl<'a> DiffDoc<'a> {
    /// The document for `r`.
    pub fn new(r: &Report<'a>) -> Self {
        let d = r.diff;
        let cat = &d.series.catalog;
        let all_paths = d.call_paths(None);
        let mut table = FrameTable::default();
        let sites = d
            .ranking
            .units
            .iter()
            .zip(&all_paths)
            .map(|(u, ps)| SiteDoc::new(u, d, ps, &mut table))
            .collect();
        DiffDoc {
            schema: DIFF_SCHEMA,
            sample_type: (&d.series.sample_type).into(),
            profiles: d.series.snapshots.iter().map(ProfileDoc::from).collect(),
            total_delta: d.series.total_delta(),
            ranking: RankingDoc {
                by: d.ranking.by.as_str(),
                axis: d.ranking.axis.as_str(),
                work_unit: r
                    .work_unit
                    .filter(|_| d.ranking.axis == crate::analyse::Axis::Work),
                floor: d.ranking.floor,
            },
            sites,
            functions: d
                .functions
                .iter()
                .map(|f| {
                    let node = cat.func(f.func);
                    FunctionDoc {
                        name: &node.name,
                        file: &node.file,
                        base_flat: f.base_flat,
                        new_flat: f.new_flat,
                        flat_delta: f.flat_delta(),
                        base_cum: f.base_cum,
                        new_cum: f.new_cum,
                        cum_delta: f.cum_delta(),
                    }
                })
                .collect(),
            gates: r
                .gates
                .iter()
                .map(|g| GateDoc {
                    gate: g.gate.name(),
                    tripped: g.tripped,
                    reason: &g.reason,
                })
                .collect(),
            notes: &d.notes,
            frames: table.frames,
        }
    }
}
