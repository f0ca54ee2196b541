//! Ranking: every stack's value goes to a *unit* (its leak site by default, its leaf function,
//! or the stack itself); each unit gets one value per snapshot, and from that series a delta,
//! slopes (per second, per unit of work, per snapshot), a fit, the share of intervals that
//! grew, a sampling-noise estimate and a class. Units are ordered most suspicious first.

use super::noise;
use super::sites::SiteMap;
use super::trend::{Class, Classifier, fit};
use crate::series::{FrameId, FuncId, Series, StackId};

/// What one ranked row stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum By {
    /// The leak site: the first frame from the leaf that is not allocator or runtime machinery.
    #[default]
    Site,
    /// The leaf function (pprof's flat).
    Function,
    /// Each distinct stack.
    Stack,
}

impl By {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Site => "site",
            By::Function => "function",
            By::Stack => "stack",
        }
    }
}

/// What the series are plotted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Work done, from `--work` or `--work-step`.
    Work,
    /// Seconds since the first snapshot, from the profiles' `time_nanos`.
    Time,
    /// Snapshot number.
    Snapshot,
}

impl Axis {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Axis::Work => "work",
            Axis::Time => "time",
            Axis::Snapshot => "snapshot",
        }
    }
}

/// What a ranked row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    /// A leak site (a frame).
    Site(FrameId),
    /// A leaf function.
    Function(FuncId),
    /// A whole stack.
    Stack(StackId),
}

/// One ranked row (a leak site by default).
#[derive(Clone, Debug)]
pub struct RankedUnit {
    /// 1-based rank.
    pub rank: usize,
    /// What the row is.
    pub unit: Unit,
    /// The function (for a stack, its leaf frame's function; for a site, the site frame's).
    pub name: String,
    /// Its source file ("" when unknown).
    pub file: String,
    /// Its line (0 when unknown or not meaningful).
    pub line: i64,
    /// The class of its series.
    pub class: Class,
    /// Last value minus first.
    pub delta: i64,
    /// Last object count minus first, when the profiles have counts.
    pub delta_objects: Option<i64>,
    /// Value per snapshot, in snapshot order.
    pub series: Vec<i64>,
    /// Object count per snapshot, when the profiles have counts.
    pub objects: Option<Vec<i64>>,
    /// Least-squares slope against time, per second (when the profiles carry timestamps).
    pub slope_per_second: Option<f64>,
    /// Least-squares slope against work done, per unit of work (when known).
    pub per_unit: Option<f64>,
    /// Slope per snapshot.
    pub slope_per_snapshot: f64,
    /// R² of the least-squares line through the series (three or more snapshots).
    pub r2: Option<f64>,
    /// Share of intervals in which the value grew.
    pub grew_share: f64,
    /// Standard deviation of the delta from sampling (0 for unsampled profiles), by the model
    /// in [`noise`]: the samples that changed between the first and last snapshots.
    pub noise: f64,
    /// Effective samples per snapshot behind the series, on average (`None` for unsampled
    /// profiles; see [`noise::UnitNoise::mean_samples`]).
    pub samples: Option<f64>,
    /// The series rests on few samples (under [`noise::FEW_SAMPLES`] effective samples per
    /// snapshot): its class used only the bounds the profiles prove, and more samples would
    /// sharpen it.
    pub few_samples: bool,
    /// The growth came in steps that keep coming (a container that doubles).
    pub staircase: bool,
    /// The series could not tell growth that keeps its pace from a plateau (classed
    /// `growing`): more snapshots, a longer interval or more samples would.
    pub undecided: bool,
    /// Absent (zero) in the base snapshot.
    pub new: bool,
    /// With `--by site`: the library frame most of the site's growth went through, when the
    /// site is application code above library code (`via tokio::sync::mpsc::...`).
    pub via: Option<String>,
}

/// The ranking of one run.
#[derive(Clone, Debug)]
pub struct Ranking {
    /// What a row stands for.
    pub by: By,
    /// What the series are plotted against.
    pub axis: Axis,
    /// The smallest change that counts: 0.1% of the larger of the first and last totals, and at
    /// least 4 KiB (16 for counts).
    pub floor: i64,
    /// The rows, most suspicious first.
    pub units: Vec<RankedUnit>,
}

/// The unit each stack's value goes to, as an index into that kind of unit's table.
fn unit_index(series: &Series, sites: &SiteMap, by: By, s: StackId) -> usize {
    match by {
        By::Stack => s.index(),
        By::Function => series.catalog.frame(series.catalog.leaf(s)).func.index(),
        By::Site => sites.site(s).index(),
    }
}

fn unit_of_index(by: By, u: usize) -> Unit {
    match by {
        By::Site => Unit::Site(FrameId(u as u32)),
        By::Function => Unit::Function(FuncId(u as u32)),
        By::Stack => Unit::Stack(StackId(u as u32)),
    }
}

/// Name, file and line of a unit.
pub fn describe(series: &Series, unit: Unit) -> (String, String, i64) {
    let cat = &series.catalog;
    match unit {
        Unit::Site(f) => {
            let f = cat.frame(f);
            (f.name.clone(), f.file.clone(), f.line)
        }
        Unit::Function(f) => {
            let f = cat.func(f);
            (f.name.clone(), f.file.clone(), 0)
        }
        Unit::Stack(s) => {
            let leaf = cat.frame(cat.leaf(s));
            (leaf.name.clone(), leaf.file.clone(), leaf.line)
        }
    }
}

/// The x values of the series and what they are.
fn axis(series: &Series) -> (Axis, Vec<f64>) {
    if let Some(w) = series.work() {
        return (Axis::Work, w);
    }
    match series.seconds() {
        Some(t) => (Axis::Time, t),
        None => (
            Axis::Snapshot,
            (0..series.snapshots.len()).map(|i| i as f64).collect(),
        ),
    }
}

/// Ranks units by class (leak, growing, sawtooth, plateau, shrinking, noise), then by absolute
/// growth, then by name; with two snapshots by absolute growth, then name.
pub fn rank(series: &Series, sites: &SiteMap, by: By) -> Ranking {
    let cat = &series.catalog;
    let nsnap = series.snapshots.len();
    let nunits = match by {
        By::Stack => cat.num_stacks(),
        By::Function => cat.funcs.len(),
        By::Site => cat.frames.len(),
    };
    let unit_of: Vec<usize> = cat
        .stack_ids()
        .map(|s| unit_index(series, sites, by, s))
        .collect();
    let bytes_unit = series.sample_type.unit == "bytes";
    let retention = series.sample_type.is_retention();
    let has_objects = series.snapshots.iter().all(|s| s.stacks.objects.is_some());
    let sampled = series.snapshots.iter().any(|s| s.sampling_bytes() > 1);
    let mut values = vec![0i64; nunits * nsnap];
    let mut objects = vec![0i64; if has_objects { nunits * nsnap } else { 0 }];
    let mut present_in_base = vec![false; nunits];
    // The noise model's sums per unit (see `noise`): per snapshot the level variance; per
    // interval the net steps' variance, what moved between the unit's stacks, and the
    // replacement bound.
    let per = |n: usize| vec![0f64; if sampled { nunits * n } else { 0 }];
    let steps = nsnap.saturating_sub(1);
    let (mut level, mut step, mut turnover, mut moved) =
        (per(nsnap), per(steps), per(steps), per(steps));
    let mut prev: Vec<noise::StackSamples> = if sampled {
        vec![Default::default(); cat.num_stacks()]
    } else {
        Vec::new()
    };
    for (j, snap) in series.snapshots.iter().enumerate() {
        let rate = snap.sampling_bytes() as f64;
        for (s, &u) in cat.stack_ids().zip(&unit_of) {
            let v = snap.stacks.get(s);
            values[u * nsnap + j] = values[u * nsnap + j].saturating_add(v);
            if has_objects {
                let o = snap.stacks.objects_of(s).unwrap_or(0);
                objects[u * nsnap + j] = objects[u * nsnap + j].saturating_add(o);
            }
            if sampled {
                let now = noise::stack_samples(snap, s, rate, bytes_unit);
                level[u * nsnap + j] += now.count * now.unit_var;
                if j > 0 {
                    let (net, replaced) = noise::interval(&prev[s.index()], &now);
                    step[u * steps + j - 1] += net;
                    moved[u * steps + j - 1] += net.abs();
                    turnover[u * steps + j - 1] += replaced;
                }
                prev[s.index()] = now;
            }
            if j == 0 && v != 0 {
                present_in_base[u] = true;
            }
        }
    }
    // The unit's net change, and what moved between its stacks as replacement.
    for ((st, tu), mv) in step.iter_mut().zip(turnover.iter_mut()).zip(&moved) {
        *st = st.abs();
        *tu += (mv - *st).max(0.0);
    }
    // Per site, the library frame most of its growth went through.
    let mut via_growth: std::collections::HashMap<(usize, FrameId), i64> =
        std::collections::HashMap::new();
    if by == By::Site {
        let (base, last) = (series.base(), series.last());
        for (s, &u) in cat.stack_ids().zip(&unit_of) {
            if let Some(v) = sites.via(s) {
                let g = last.stacks.get(s).saturating_sub(base.stacks.get(s));
                let e = via_growth.entry((u, v)).or_default();
                *e = e.saturating_add(g);
            }
        }
    }
    let mut via_of: Vec<Option<(i64, FrameId)>> =
        vec![None; if by == By::Site { nunits } else { 0 }];
    let mut via_list: Vec<((usize, FrameId), i64)> = via_growth.into_iter().collect();
    via_list.sort();
    for ((u, f), g) in via_list {
        let better = match via_of[u] {
            None => true,
            Some((best, _)) => g.unsigned_abs() > best.unsigned_abs(),
        };
        if better {
            via_of[u] = Some((g, f));
        }
    }
    let floor = noise::floor(series);
    let (axis, x) = axis(series);
    let seconds = series.seconds();
    let work = series.work();
    let idx: Vec<f64> = (0..nsnap).map(|i| i as f64).collect();

    let mut units = Vec::new();
    for u in 0..nunits {
        let ser = &values[u * nsnap..(u + 1) * nsnap];
        if ser.iter().all(|&v| v == 0) {
            continue;
        }
        let y: Vec<f64> = ser.iter().map(|&v| v as f64).collect();
        let mut un = if sampled {
            noise::UnitNoise {
                level: level[u * nsnap..(u + 1) * nsnap].to_vec(),
                step: step[u * steps..(u + 1) * steps].to_vec(),
                turnover: turnover[u * steps..(u + 1) * steps].to_vec(),
                scatter_cap: f64::INFINITY,
                sampled: true,
            }
        } else {
            noise::UnitNoise::exact(nsnap)
        };
        un.calibrate(&y, &x);
        let (mut class, ev) = Classifier { floor, noise: &un }.classify(&y, &x);
        if class == Class::Leak && !retention {
            // Counts that only grow (allocations, CPU) grow steadily by nature: not a leak.
            class = Class::Growing;
        }
        let obj = has_objects.then(|| objects[u * nsnap..(u + 1) * nsnap].to_vec());
        let intervals = steps.max(1) as f64;
        let grew = ser.windows(2).filter(|w| w[1] > w[0]).count() as f64;
        let unit = unit_of_index(by, u);
        let (name, file, line) = describe(series, unit);
        units.push(RankedUnit {
            rank: 0,
            unit,
            name,
            file,
            line,
            class,
            delta: ser[nsnap - 1].saturating_sub(ser[0]),
            delta_objects: obj.as_ref().map(|o| o[nsnap - 1].saturating_sub(o[0])),
            objects: obj,
            slope_per_second: seconds.as_ref().map(|t| fit(t, &y).slope),
            per_unit: work.as_ref().map(|w| fit(w, &y).slope),
            slope_per_snapshot: fit(&idx, &y).slope,
            r2: ev.r2,
            grew_share: grew / intervals,
            noise: un.sd(0, nsnap - 1),
            samples: sampled.then(|| un.mean_samples(&y)),
            few_samples: un.few_samples(&y),
            staircase: ev.staircase,
            undecided: ev.undecided,
            new: !present_in_base[u],
            series: ser.to_vec(),
            via: via_of
                .get(u)
                .copied()
                .flatten()
                .map(|(_, f)| cat.frame(f).name.clone()),
        });
    }
    let two = nsnap < 3;
    units.sort_by(|p, q| {
        let by_class = if two {
            std::cmp::Ordering::Equal
        } else {
            class_order(p.class).cmp(&class_order(q.class))
        };
        by_class
            .then(q.delta.unsigned_abs().cmp(&p.delta.unsigned_abs()))
            .then_with(|| p.name.cmp(&q.name))
            .then_with(|| p.file.cmp(&q.file))
            .then_with(|| p.unit.cmp(&q.unit))
    });
    for (i, u) in units.iter_mut().enumerate() {
        u.rank = i + 1;
    }
    Ranking {
        by,
        axis,
        floor: floor as i64,
        units,
    }
}

fn class_order(c: Class) -> u8 {
    match c {
        Class::Leak => 0,
        Class::Growing => 1,
        Class::Sawtooth => 2,
        Class::Plateau => 3,
        Class::Shrinking => 4,
        Class::Noise => 5,
    }
}
