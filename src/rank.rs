//! Leak sites, series across snapshots, trend fits and classes: which allocation site is
//! leaking, how fast, and is it really a leak.
//!
//! Every stack's value is attributed to a *unit*: by default its **leak site**, the frame a
//! person would fix (walking from the leaf, the first frame that is not allocator or runtime
//! machinery); with `--by function` its leaf function (pprof's flat); with `--by stack` the
//! stack itself. Each unit gets one value per snapshot, and from that series a delta, a slope
//! (per second, per unit of work, per snapshot), a least-squares fit quality, the share of
//! intervals that grew, a sampling-noise estimate and a class.

use regex::Regex;

use crate::analysis::{Analysis, Snapshot};
use crate::stacks::StackId;

/// Frames that are allocator or runtime machinery, per runtime: never a leak site.
pub const MACHINERY: &[(&str, &str)] = &[
    ("Go runtime", r"^runtime\."),
    (
        "Go runtime",
        r"^reflect\.(unsafe_New|unsafe_NewArray|New|MakeSlice|MakeMap|MakeMapWithSize|Append|AppendSlice|growslice)$",
    ),
    (
        "Go standard library growth helpers",
        r"^(bytes\.growSlice|bytes\.\(\*Buffer\)\.(grow|Grow|Write|WriteString|WriteByte|WriteRune|ReadFrom)|strings\.\(\*Builder\)\.(grow|Grow|Write|WriteString|WriteByte|WriteRune))$",
    ),
    (
        "C allocator",
        r"^(malloc|calloc|realloc|reallocarray|free|cfree|memalign|aligned_alloc|posix_memalign|valloc|pvalloc|strdup|strndup|__libc_(malloc|calloc|realloc|memalign)|__GI___libc_(malloc|calloc|realloc)|_int_malloc|_int_realloc|malloc_default|calloc_default)$",
    ),
    (
        "C++ allocator",
        r"^(operator new|operator new\[\]|__gnu_cxx::new_allocator|std::allocator|std::__new_allocator|std::__1::allocator|std::allocator_traits|std::__allocated_ptr|std::_Vector_base|__builtin_operator_new|tc_new|tc_newarray|tc_malloc)",
    ),
    (
        "C++ allocator",
        r"::_M_(allocate|create|construct|realloc_insert|realloc_append|default_append)",
    ),
    ("tcmalloc", r"^(tcmalloc::|tc_)"),
    (
        "jemalloc",
        r"^(_rjem_)?(je_|prof_|imalloc|ialloc|iralloc|irealloc|irallocx|do_rallocx|rallocx|mallocx|xallocx|sdallocx|arena_|tcache_|emap_|extent_|ecache_|pac_|hpa_|large_|batch_alloc)",
    ),
    ("jemalloc", r"^_rjem_"),
    ("mimalloc", r"^(mi_|_mi_)"),
    ("Rust allocation", r"^<?(alloc|core)::"),
    (
        "Rust allocation",
        r"^(__rustc::)?__(rust|rg|rdl|rde)_(alloc|alloc_zeroed|realloc|dealloc|alloc_error_handler)",
    ),
    (
        "Rust allocation",
        r"^<?(hashbrown|std::collections|std::alloc|tikv_jemallocator|jemallocator|mimalloc)::",
    ),
    (
        "Rust allocation",
        r"^<(std::collections|alloc|core|hashbrown)::[^>]*as ",
    ),
    (
        "Rust allocation",
        r"^<[^>]* as (alloc|core)::(alloc|vec|string|boxed|slice|clone|iter|str|borrow|convert|fmt|collections|raw_vec)::",
    ),
    (
        "V8",
        r"^(v8::|node::|Builtins_|Builtin:|\(V8 API\)|\(garbage collector\)|\(program\))",
    ),
    (
        "Julia runtime",
        r"^i?jl_(gc_|alloc|array_|box_|new_|ptr_to_array|new_array|genericmemory)|^_new_array|^_new_genericmemory|^array_resize_buffer",
    ),
    ("Julia PProf.jl type frames", r"^Alloc: "),
];

/// Source files that are allocator or runtime machinery whatever the frame is called: with
/// line-tables-only debug info, inlined Rust frames carry short names (`alloc_zeroed`) but
/// still their file.
pub const MACHINERY_FILES: &[(&str, &str)] = &[
    (
        "Rust standard library",
        r"/rustc/[0-9a-f]+/library/(alloc|core)/",
    ),
    (
        "Rust standard library collections",
        r"/rustc/[0-9a-f]+/library/std/src/collections/",
    ),
    (
        "Rust allocator crates",
        r"/(hashbrown|tikv-jemallocator|tikv-jemalloc-sys|jemallocator|jemalloc-sys|mimalloc|libmimalloc-sys)-[0-9][^/]*/",
    ),
    (
        "jemalloc sources",
        r"/jemalloc/(src|include/jemalloc/internal)/|/out/build/(src|include/jemalloc/internal)/",
    ),
];

/// Which frames are machinery: the built-in lists plus `--skip`, minus `--keep`.
#[derive(Clone, Debug)]
pub struct SiteRules {
    skip: Vec<Regex>,
    skip_files: Vec<Regex>,
    keep: Vec<Regex>,
}

impl SiteRules {
    /// The built-in rules plus the user's. Errors name the expression that does not compile.
    pub fn new(skip: &[String], keep: &[String]) -> Result<Self, String> {
        let compile = |e: &str, flag: &str| {
            Regex::new(e)
                .map_err(|err| format!("{flag} {e:?} is not a valid regular expression: {err}"))
        };
        let mut s = Vec::new();
        for (_, e) in MACHINERY {
            s.push(compile(e, "built-in")?);
        }
        for e in skip {
            s.push(compile(e, "--skip")?);
        }
        let k = keep
            .iter()
            .map(|e| compile(e, "--keep"))
            .collect::<Result<_, _>>()?;
        let f = MACHINERY_FILES
            .iter()
            .map(|(_, e)| compile(e, "built-in"))
            .collect::<Result<_, _>>()?;
        Ok(SiteRules {
            skip: s,
            skip_files: f,
            keep: k,
        })
    }

    /// True when a frame named `name` (in source file `file`, "" when unknown) is allocator or
    /// runtime machinery. `--keep` wins over both built-in lists.
    pub fn is_machinery(&self, name: &str, file: &str) -> bool {
        let listed = self.skip.iter().any(|r| r.is_match(name))
            || (!file.is_empty() && self.skip_files.iter().any(|r| r.is_match(file)));
        listed && !self.keep.iter().any(|r| r.is_match(name))
    }
}

impl Default for SiteRules {
    fn default() -> Self {
        SiteRules::new(&[], &[]).expect("built-in rules compile")
    }
}

/// `--by`: what one ranked row stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// The leak site: the first frame from the leaf that is not allocator or runtime machinery.
    #[default]
    Site,
    /// The leaf function (pprof's flat).
    Function,
    /// Each distinct stack.
    Stack,
}

/// A unit's class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Steady growth: grew significantly, fits a line well, grew in most intervals, and is
    /// still growing at the end.
    Leak,
    /// Grew significantly, but not steadily (a step, or too few snapshots to tell).
    Growing,
    /// Grew up and down repeatedly.
    Sawtooth,
    /// Grew, then stopped: a bounded cache or a one-time allocation.
    Plateau,
    /// Shrank significantly.
    Shrinking,
    /// No change beyond sampling noise and the size floor.
    Noise,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Leak => "leak",
            Class::Growing => "growing",
            Class::Sawtooth => "sawtooth",
            Class::Plateau => "plateau",
            Class::Shrinking => "shrinking",
            Class::Noise => "noise",
        }
    }
}

/// What the series are plotted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    /// Work done, from `--work` or `--work-step`.
    Work,
    /// Seconds since the first snapshot, from the profiles' `time_nanos`.
    Time,
    /// Snapshot number.
    Snapshot,
}

/// Options for ranking.
#[derive(Clone, Debug, Default)]
pub struct RankOptions {
    pub by: By,
    /// Work done at each snapshot (one value per snapshot).
    pub work: Option<Vec<f64>>,
    pub rules: SiteRules,
}

/// One ranked row (a leak site by default). Serialized as it appears in the JSON `sites`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RankedUnit {
    pub rank: usize,
    /// The unit's id: a frame id (by site), function id (by function) or stack id (by stack).
    #[serde(skip)]
    pub id: u32,
    /// The site's function (with `--by stack`, the stack from leaf to root).
    #[serde(rename = "function")]
    pub name: String,
    pub file: String,
    pub line: i64,
    pub class: Class,
    /// Last value minus first.
    pub delta: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_objects: Option<i64>,
    /// Value per snapshot, in snapshot order.
    pub series: Vec<i64>,
    /// Object count per snapshot, when the profiles have counts.
    #[serde(rename = "series_objects", skip_serializing_if = "Option::is_none")]
    pub objects: Option<Vec<i64>>,
    /// Least-squares slope against time, per second (when the profiles carry timestamps).
    pub slope_per_second: Option<f64>,
    /// Least-squares slope against `--work`, per unit of work (when given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_unit: Option<f64>,
    /// Slope per snapshot.
    pub slope_per_snapshot: f64,
    /// R² of the least-squares line through the series (three or more snapshots).
    pub r2: Option<f64>,
    /// Share of intervals in which the value grew.
    pub grew_share: f64,
    /// Standard deviation of the delta from sampling (0 for unsampled profiles).
    pub noise: f64,
    /// Absent (zero) in the base snapshot.
    pub new: bool,
}

/// The ranking of one run.
#[derive(Clone, Debug)]
pub struct Ranking {
    pub by: By,
    pub axis: Axis,
    /// The smallest change that counts: 0.1% of the larger of the first and last totals, and at
    /// least 4 KiB (16 for counts).
    pub floor: i64,
    pub units: Vec<RankedUnit>,
}

/// Sampling variance of one stack's value in one snapshot.
///
/// Heap profilers that sample by a mean byte interval R (Go's MemProfileRate, V8's sampling
/// heap profiler, jemalloc's lg_prof_sample, tcmalloc) keep an object of size s with
/// probability p = 1 - exp(-s/R) and scale it by 1/p. For N objects the estimate's variance is
/// N·s²·(1-p)/p. With object counts the average size is known; without them every sample is
/// taken to stand for R bytes (variance V·R).
fn stack_variance(snap: &Snapshot, s: StackId, rate: f64, bytes_unit: bool) -> f64 {
    if rate <= 1.0 {
        return 0.0;
    }
    let v = snap.stacks.get(s).unsigned_abs() as f64;
    if v == 0.0 {
        return 0.0;
    }
    let (bytes, objects) = if bytes_unit {
        (
            v,
            snap.stacks.objects_of(s).map(|o| o.unsigned_abs() as f64),
        )
    } else {
        let b = snap
            .stacks
            .bytes
            .as_ref()
            .map(|b| b.get(s as usize).copied().unwrap_or(0));
        (b.map(|b| b.unsigned_abs() as f64).unwrap_or(0.0), Some(v))
    };
    match objects {
        Some(n) if n > 0.0 && bytes > 0.0 => {
            let size = bytes / n;
            let p = 1.0 - (-size / rate).exp();
            if p <= 0.0 {
                return 0.0;
            }
            // Variance of the estimate in the chosen unit.
            let unit = if bytes_unit { size } else { 1.0 };
            n * unit * unit * (1.0 - p) / p
        }
        _ if bytes_unit => v * rate,
        _ => v,
    }
}

/// The mean sampling interval in bytes, when the profile says it samples by bytes.
pub fn sampling_rate(snap: &Snapshot) -> f64 {
    let by_bytes = snap.period_type.as_ref().is_some_and(|t| t.unit == "bytes");
    if by_bytes && snap.period > 1 {
        snap.period as f64
    } else {
        0.0
    }
}

struct Fit {
    slope: f64,
    r2: f64,
}

fn fit(x: &[f64], y: &[f64]) -> Fit {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxx += (a - mx) * (a - mx);
        sxy += (a - mx) * (b - my);
        syy += (b - my) * (b - my);
    }
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let r2 = if sxx > 0.0 && syy > 0.0 {
        (sxy * sxy) / (sxx * syy)
    } else {
        0.0
    };
    Fit { slope, r2 }
}

/// R² a series must reach to be called a leak.
pub const LEAK_MIN_R2: f64 = 0.8;
/// Share of intervals that must grow for a leak.
pub const LEAK_MIN_GREW_SHARE: f64 = 0.6;
/// Growth over the last third of the intervals, as a share of what a straight line would give,
/// below which growth counts as stopped (a plateau).
pub const PLATEAU_TAIL_SHARE: f64 = 0.25;
/// Standard deviations of sampling noise a change must exceed.
pub const NOISE_SIGMAS: f64 = 3.0;
/// The size floor, as a share of the larger of the first and last totals.
pub const FLOOR_SHARE: f64 = 0.001;
/// The size floor's minimum for byte values: smaller changes are allocator granularity.
pub const FLOOR_MIN_BYTES: f64 = 4096.0;
/// The size floor's minimum for other values (object counts).
pub const FLOOR_MIN_OTHER: f64 = 16.0;

struct Classifier<'a> {
    floor: f64,
    var: &'a [f64],
}

impl Classifier<'_> {
    /// Whether a change between snapshots i and j is beyond noise and the floor.
    fn significant(&self, d: f64, i: usize, j: usize) -> bool {
        let sd = (self.var[i] + self.var[j]).sqrt();
        d.abs() > NOISE_SIGMAS * sd && d.abs() >= self.floor
    }

    /// Released and grown again: a significant drop of at least a quarter of the range,
    /// followed later by a significant rise.
    fn sawtooth(&self, y: &[f64]) -> bool {
        let (lo, hi) = y
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        let range = hi - lo;
        let mut dropped = false;
        for i in 0..y.len() - 1 {
            let step = y[i + 1] - y[i];
            if step < 0.0 && -step >= 0.25 * range && self.significant(step, i, i + 1) {
                dropped = true;
            } else if dropped && step > 0.0 && self.significant(step, i, i + 1) {
                return true;
            }
        }
        false
    }

    fn classify(&self, y: &[f64], x: &[f64]) -> (Class, Option<f64>) {
        let n = y.len();
        let last = n - 1;
        let d = y[last] - y[0];
        let steps: Vec<f64> = y.windows(2).map(|w| w[1] - w[0]).collect();
        if n < 3 {
            let class = if !self.significant(d, 0, last) {
                Class::Noise
            } else if d > 0.0 {
                Class::Growing
            } else {
                Class::Shrinking
            };
            return (class, None);
        }
        let f = fit(x, y);
        let grew_share = steps.iter().filter(|s| **s > 0.0).count() as f64 / steps.len() as f64;
        let sig = self.significant(d, 0, last);
        if f.r2 < LEAK_MIN_R2 && self.sawtooth(y) {
            return (Class::Sawtooth, Some(f.r2));
        }
        if !sig {
            return (Class::Noise, Some(f.r2));
        }
        if d < 0.0 {
            return (Class::Shrinking, Some(f.r2));
        }
        // Did growth stop? Compare the last third of the intervals with a straight line: a
        // plateau when the tail grew by less than a quarter of that, and either the shortfall
        // is beyond noise or the tail's growth is not.
        let k = (steps.len() / 3).max(1);
        let tail = y[last] - y[last - k];
        let expected = d * k as f64 / steps.len() as f64;
        let stalled = tail < PLATEAU_TAIL_SHARE * expected
            && (self.significant(expected - tail, last - k, last)
                || !self.significant(tail, last - k, last));
        if stalled {
            return (Class::Plateau, Some(f.r2));
        }
        if f.r2 >= LEAK_MIN_R2 && grew_share >= LEAK_MIN_GREW_SHARE {
            return (Class::Leak, Some(f.r2));
        }
        (Class::Growing, Some(f.r2))
    }
}

/// The x values of the series and what they are.
fn axis(a: &Analysis, work: Option<&[f64]>) -> (Axis, Vec<f64>) {
    if let Some(w) = work {
        return (Axis::Work, w.to_vec());
    }
    match times(a) {
        Some(t) => (Axis::Time, t),
        None => (
            Axis::Snapshot,
            (0..a.snapshots.len()).map(|i| i as f64).collect(),
        ),
    }
}

/// Seconds since the first snapshot, when every snapshot has a time and times increase.
fn times(a: &Analysis) -> Option<Vec<f64>> {
    let t: Vec<i64> = a.snapshots.iter().map(|s| s.time_nanos).collect();
    if t.iter().all(|&x| x > 0) && t.windows(2).all(|w| w[1] > w[0]) {
        Some(t.iter().map(|&x| (x - t[0]) as f64 / 1e9).collect())
    } else {
        None
    }
}

/// The unit each stack's value goes to: its leak site's frame id, its leaf function's id, or
/// the stack's own id.
pub fn units_of_stacks(a: &Analysis, by: By, rules: &SiteRules) -> Vec<u32> {
    let cat = &a.catalog;
    let mut unit_of: Vec<u32> = Vec::with_capacity(cat.num_stacks());
    let mut site_cache: std::collections::HashMap<u32, bool> = std::collections::HashMap::new();
    for s in 0..cat.num_stacks() as u32 {
        let frames = cat.stack(s);
        let u = match by {
            By::Stack => s,
            By::Function => cat.frames[frames[0] as usize].func,
            By::Site => {
                let mut site = frames[0];
                for &f in frames {
                    let machinery = *site_cache.entry(f).or_insert_with(|| {
                        let fr = &cat.frames[f as usize];
                        rules.is_machinery(&fr.name, &fr.file)
                    });
                    if !machinery {
                        site = f;
                        break;
                    }
                }
                site
            }
        };
        unit_of.push(u);
    }
    unit_of
}

/// Ranks units by class (leak, growing, sawtooth, plateau, shrinking, noise), then by absolute
/// growth, then by name; with two snapshots by absolute growth, then name.
pub fn rank(a: &Analysis, opts: &RankOptions) -> Ranking {
    let cat = &a.catalog;
    let nsnap = a.snapshots.len();
    let unit_of = units_of_stacks(a, opts.by, &opts.rules);
    let nunits = match opts.by {
        By::Stack => cat.num_stacks(),
        By::Function => cat.funcs.len(),
        By::Site => cat.frames.len(),
    };
    let bytes_unit = a.sample_type.unit == "bytes";
    let has_objects = a.snapshots.iter().all(|s| s.stacks.objects.is_some());
    let mut series = vec![0i64; nunits * nsnap];
    let mut objects = vec![0i64; if has_objects { nunits * nsnap } else { 0 }];
    let mut var = vec![0f64; nunits * nsnap];
    let mut present_in_base = vec![false; nunits];
    for (j, snap) in a.snapshots.iter().enumerate() {
        let rate = sampling_rate(snap);
        for (s, &u) in unit_of.iter().enumerate() {
            let v = snap.stacks.values[s];
            let u = u as usize;
            series[u * nsnap + j] = series[u * nsnap + j].wrapping_add(v);
            if has_objects {
                let o = snap.stacks.objects_of(s as u32).unwrap_or(0);
                objects[u * nsnap + j] = objects[u * nsnap + j].wrapping_add(o);
            }
            if rate > 0.0 {
                var[u * nsnap + j] += stack_variance(snap, s as u32, rate, bytes_unit);
            }
            if j == 0 && v != 0 {
                present_in_base[u] = true;
            }
        }
    }
    let floor_abs = a
        .base()
        .total()
        .unsigned_abs()
        .max(a.last().total().unsigned_abs()) as f64
        * FLOOR_SHARE;
    let floor = floor_abs.max(if bytes_unit {
        FLOOR_MIN_BYTES
    } else {
        FLOOR_MIN_OTHER
    });
    let (axis, x) = axis(a, opts.work.as_deref());
    let t = times(a);
    let idx: Vec<f64> = (0..nsnap).map(|i| i as f64).collect();

    let mut units = Vec::new();
    for u in 0..nunits {
        let ser = &series[u * nsnap..(u + 1) * nsnap];
        if ser.iter().all(|&v| v == 0) {
            continue;
        }
        let y: Vec<f64> = ser.iter().map(|&v| v as f64).collect();
        let uvar = &var[u * nsnap..(u + 1) * nsnap];
        let c = Classifier { floor, var: uvar };
        let (class, r2) = c.classify(&y, &x);
        let delta = ser[nsnap - 1].wrapping_sub(ser[0]);
        let obj = has_objects.then(|| objects[u * nsnap..(u + 1) * nsnap].to_vec());
        let steps = nsnap.saturating_sub(1).max(1) as f64;
        let grew = ser.windows(2).filter(|w| w[1] > w[0]).count() as f64;
        let (name, file, line) = describe(a, opts.by, u as u32);
        units.push(RankedUnit {
            rank: 0,
            id: u as u32,
            name,
            file,
            line,
            class,
            delta,
            delta_objects: obj.as_ref().map(|o| o[nsnap - 1].wrapping_sub(o[0])),
            objects: obj,
            slope_per_second: t.as_ref().map(|t| fit(t, &y).slope),
            per_unit: opts.work.as_ref().map(|w| fit(w, &y).slope),
            slope_per_snapshot: fit(&idx, &y).slope,
            r2,
            grew_share: grew / steps,
            noise: (uvar[0] + uvar[nsnap - 1]).sqrt(),
            new: !present_in_base[u],
            series: ser.to_vec(),
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
    });
    for (i, u) in units.iter_mut().enumerate() {
        u.rank = i + 1;
    }
    Ranking {
        by: opts.by,
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

/// Name, file and line of a unit.
fn describe(a: &Analysis, by: By, u: u32) -> (String, String, i64) {
    let cat = &a.catalog;
    match by {
        By::Site => {
            let f = &cat.frames[u as usize];
            (f.name.clone(), f.file.clone(), f.line)
        }
        By::Function => {
            let f = &cat.funcs[u as usize];
            (f.name.clone(), f.file.clone(), 0)
        }
        By::Stack => {
            let frames = cat.stack(u);
            let leaf = &cat.frames[frames[0] as usize];
            let path: Vec<&str> = frames
                .iter()
                .take(6)
                .map(|&f| cat.frames[f as usize].name.as_str())
                .collect();
            let more = if frames.len() > 6 { " ← …" } else { "" };
            (
                format!("{}{more}", path.join(" ← ")),
                leaf.file.clone(),
                leaf.line,
            )
        }
    }
}

/// A sparkline of a series, one block per snapshot, scaled between its minimum and maximum.
pub fn sparkline(series: &[i64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (min, max) = series
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    series
        .iter()
        .map(|&v| {
            if max == min {
                BARS[0]
            } else {
                let i = ((v - min) as f64 / (max - min) as f64 * 7.0).round() as usize;
                BARS[i.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(y: &[f64]) -> Class {
        let var = vec![0.0; y.len()];
        let x: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        Classifier {
            floor: 10.0,
            var: &var,
        }
        .classify(y, &x)
        .0
    }

    #[test]
    fn classes() {
        assert_eq!(classify(&[0.0, 100.0, 200.0, 300.0, 400.0]), Class::Leak);
        assert_eq!(
            classify(&[0.0, 300.0, 400.0, 400.0, 400.0, 400.0]),
            Class::Plateau
        );
        assert_eq!(
            classify(&[0.0, 0.0, 0.0, 500.0, 500.0, 500.0, 500.0]),
            Class::Plateau
        );
        assert_eq!(
            classify(&[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 500.0]),
            Class::Growing
        );
        assert_eq!(
            classify(&[0.0, 100.0, 0.0, 100.0, 0.0, 100.0]),
            Class::Sawtooth
        );
        assert_eq!(classify(&[400.0, 300.0, 200.0, 100.0]), Class::Shrinking);
        assert_eq!(classify(&[100.0, 103.0, 101.0, 104.0]), Class::Noise);
        assert_eq!(classify(&[100.0, 200.0]), Class::Growing);
    }

    #[test]
    fn noise_keeps_a_sampled_change_from_being_a_leak() {
        let y = [0.0, 1000.0, 2000.0, 3000.0];
        let x = [0.0, 1.0, 2.0, 3.0];
        // Each value has a standard deviation of 2,000: the growth is within noise.
        let var = [4e6; 4];
        let c = Classifier {
            floor: 1.0,
            var: &var,
        };
        assert_eq!(c.classify(&y, &x).0, Class::Noise);
    }

    #[test]
    fn machinery_rules() {
        let r = SiteRules::default();
        for m in [
            "runtime.mallocgc",
            "prof_backtrace_impl",
            "_rjem_je_prof_backtrace",
            "_rjem_je_malloc_default",
            "do_rallocx",
            "calloc",
            "__rust_alloc",
            "alloc::raw_vec::RawVec<T,A>::grow_one",
            "<alloc::vec::Vec<T> as core::clone::Clone>::clone",
            "hashbrown::raw::RawTable<T,A>::reserve_rehash",
            "operator new(unsigned long)",
            "std::vector<int, std::allocator<int> >::_M_realloc_insert",
            "__rustc::__rust_alloc_zeroed",
            "<u8 as alloc::vec::spec_from_elem::SpecFromElem>::from_elem",
        ] {
            assert!(r.is_machinery(m, ""), "{m}");
        }
        for user in [
            "main.(*serverConn).newStream",
            "jemalloc_leak::retain_session_state",
            "retainSessionState",
            "std::io::stdio::_print",
        ] {
            assert!(!r.is_machinery(user, "/src/app/main.rs"), "{user}");
        }
        let k = SiteRules::new(
            &["^main\\.helper$".into()],
            &["^runtime\\.mallocgc$".into()],
        )
        .unwrap();
        assert!(k.is_machinery("main.helper", ""));
        assert!(!k.is_machinery("runtime.mallocgc", ""));
        // Short inlined names from line-tables-only debug info are known by their file.
        assert!(r.is_machinery(
            "alloc_zeroed",
            "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/alloc/src/alloc.rs"
        ));
        assert!(!r.is_machinery("remember_request", "/src/gen/src/main.rs"));
        assert!(SiteRules::new(&["(".into()], &[]).is_err());
    }

    #[test]
    fn sparklines() {
        assert_eq!(sparkline(&[0, 1, 2, 3, 4, 5, 6, 7]), "▁▂▃▄▅▆▇█");
        assert_eq!(sparkline(&[5, 5]), "▁▁");
    }
}
