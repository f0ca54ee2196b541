//! Trends: the least-squares fit of a series and the class it earns (leak, growing, sawtooth,
//! plateau, shrinking, noise), with the thresholds that decide it.

/// A unit's class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
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
    /// The class as JSON, CSV and the table spell it.
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

/// A least-squares line through a series.
#[derive(Clone, Copy, Debug)]
pub struct Fit {
    /// Change of y per unit of x.
    pub slope: f64,
    /// Coefficient of determination (0 for a flat series).
    pub r2: f64,
}

/// Fits a least-squares line through `(x, y)`.
pub fn fit(x: &[f64], y: &[f64]) -> Fit {
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

/// R² a series must reach to be called a leak (unless its residuals are within noise).
pub const LEAK_MIN_R2: f64 = 0.8;
/// Share of intervals that must grow for a leak (an interval within noise of growing counts).
pub const LEAK_MIN_GREW_SHARE: f64 = 0.6;
/// Growth over the last third of the intervals, as a share of what a straight line would give,
/// below which growth counts as stopped (a plateau).
pub const PLATEAU_TAIL_SHARE: f64 = 0.25;
/// Recent pace, as a share of the early pace, below which growth has slowed too much to be a
/// leak (a map that fills up, a cache warming).
pub const SLOWED_PACE_SHARE: f64 = 0.2;
/// Standard deviations of sampling noise a change must exceed.
pub const NOISE_SIGMAS: f64 = 3.0;
/// Standard deviations by which the growth a leak's pace predicts for the later half of the
/// series must stand clear of no growth at all, so that the series can tell a leak that keeps
/// its pace from a plateau; and the half of that gap the later half must cover.
pub const TELL_SIGMAS: f64 = 2.0;
/// Standard deviations of noise under which an interval's drop still counts as keeping pace.
pub const STEP_SIGMAS: f64 = 2.0;
/// Each step of a staircase leaves the container at least this many times the size the step
/// before left it: a container that doubles (a Go map, a Rust `Vec`, a C++ vector) is twice
/// its size, Java's `ArrayList` 1.5 times, a large Go slice grown by `append` about 1.25 times;
/// a cache filling up adds less and less.
pub const STAIR_GROWTH: f64 = 1.2;

/// Decides the class of one series from its values, its sampling noise and the floor.
pub struct Classifier<'a> {
    /// The smallest change that counts.
    pub floor: f64,
    /// The sampling noise of the series.
    pub noise: &'a super::noise::UnitNoise,
}

/// Why a series earned its class, beyond the class itself.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evidence {
    /// R² of the least-squares line (three or more values).
    pub r2: Option<f64>,
    /// The growth rose in steps that keep coming (a container that doubles).
    pub staircase: bool,
    /// The series could not tell growth that keeps its pace from a plateau: too few samples or
    /// snapshots for its size.
    pub undecided: bool,
}

impl Classifier<'_> {
    fn sd(&self, i: usize, j: usize) -> f64 {
        self.noise.sd(i, j)
    }

    /// Whether a change between snapshots i and j is beyond noise and the floor.
    fn significant(&self, d: f64, i: usize, j: usize) -> bool {
        self.beyond_noise(d, 0.0, 0.0, i, j)
    }

    /// Whether `gap` between snapshots i and j is beyond the floor and the noise of the larger
    /// of the change seen there and a change of `want`, at `per_value` variance per unit of net
    /// change: a shortfall is judged by the noise of the growth it falls short of.
    fn beyond_noise(&self, gap: f64, want: f64, per_value: f64, i: usize, j: usize) -> bool {
        let (net, replaced) = self.noise.var_parts(i, j);
        let sd = (net.max(want.abs() * per_value) + replaced).sqrt();
        gap.abs() > NOISE_SIGMAS * sd && gap.abs() >= self.floor
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

    /// Growth in steps that keep coming, as a container that doubles grows while its entries
    /// grow steadily: two or more significant rises, each leaving the container at least
    /// [`STAIR_GROWTH`] times the size the one before left it and adding no less (a doubling's
    /// steps double); flat treads between them (no other interval rises beyond noise by a
    /// quarter of the smallest rise, nor drops by half the largest; at least one between the
    /// last two rises); and a last tread that has not outlasted the longest the last two rises
    /// allow (a doubling's treads grow as its steps do). A container that stopped doubling has
    /// a longer tread than that.
    fn staircase(&self, y: &[f64], x: &[f64]) -> bool {
        let steps: Vec<f64> = y.windows(2).map(|w| w[1] - w[0]).collect();
        let rises: Vec<usize> = (0..steps.len())
            .filter(|&i| steps[i] > 0.0 && self.significant(steps[i], i, i + 1))
            .collect();
        // Two rises and at least one tread: rises in every interval are a line, not steps.
        if rises.len() < 2 || rises.len() == steps.len() {
            return false;
        }
        let smallest = rises.iter().map(|&i| steps[i]).fold(f64::MAX, f64::min);
        let largest = rises.iter().map(|&i| steps[i]).fold(0.0, f64::max);
        for (i, &s) in steps.iter().enumerate() {
            if rises.contains(&i) {
                continue;
            }
            if (s > 0.25 * smallest && self.significant(s, i, i + 1)) || -s > 0.5 * largest {
                return false;
            }
        }
        // Each rise leaves the container at least STAIR_GROWTH times the size the rise before
        // left it, and adds no less than that rise did (give or take a fifth: a step seen
        // between snapshots can include part of a tread's noise).
        if rises
            .windows(2)
            .any(|w| y[w[1] + 1] < STAIR_GROWTH * y[w[0] + 1] || steps[w[1]] < 0.8 * steps[w[0]])
        {
            return false;
        }
        let (a, b) = (rises[rises.len() - 2], rises[rises.len() - 1]);
        // A doubling's treads lengthen: the last two rises have a tread between them (rises in
        // adjacent intervals are a fill, or a line).
        if b == a + 1 {
            return false;
        }
        // A step is seen only between two snapshots: the last one came by x[b + 1], at most
        // x[b + 1] - x[a] after the one before. A container that keeps growing by its factor
        // g waits g times longer for each step (its entries grow linearly), so the next step
        // is due by x[b + 1] + g·(x[b + 1] - x[a]); a tread past that has stopped.
        let growth = (y[b + 1] / y[a + 1]).clamp(STAIR_GROWTH, 4.0);
        let due = x[b + 1] + growth * (x[b + 1] - x[a]);
        x[x.len() - 1] <= due
    }

    /// The class of `y` against `x`, with the evidence behind it.
    pub fn classify(&self, y: &[f64], x: &[f64]) -> (Class, Evidence) {
        let n = y.len();
        let last = n - 1;
        let d = y[last] - y[0];
        let mut ev = Evidence::default();
        if n < 3 {
            let class = if !self.significant(d, 0, last) {
                Class::Noise
            } else if d > 0.0 {
                Class::Growing
            } else {
                Class::Shrinking
            };
            return (class, ev);
        }
        let steps: Vec<f64> = y.windows(2).map(|w| w[1] - w[0]).collect();
        let f = fit(x, y);
        ev.r2 = Some(f.r2);
        let sig = self.significant(d, 0, last);
        if sig && d > 0.0 && self.staircase(y, x) {
            ev.staircase = true;
            return (Class::Leak, ev);
        }
        if f.r2 < LEAK_MIN_R2 && self.sawtooth(y) {
            return (Class::Sawtooth, ev);
        }
        if !sig {
            return (Class::Noise, ev);
        }
        if d < 0.0 {
            return (Class::Shrinking, ev);
        }
        let span = x[last] - x[0];
        let share = |from: usize| {
            if span > 0.0 {
                (x[last] - x[from]) / span
            } else {
                (last - from) as f64 / last as f64
            }
        };
        // Did growth stop? Compare the last third of the intervals with a straight line: a
        // plateau when the tail grew by less than a quarter of that, and either the shortfall
        // is beyond noise, or the tail's growth is not while the growth expected would have
        // been.
        //
        // Whether a shortfall is beyond noise is asked of the growth a leak would have had
        // there: a sampled tail that happened to catch few new samples has a small variance of
        // its own, but the growth it falls short of would have carried more.
        let per_value = {
            let (net, _) = self.noise.var_parts(0, last);
            if d != 0.0 { net / d.abs() } else { 0.0 }
        };
        let short =
            |gap: f64, want: f64, i: usize, j: usize| self.beyond_noise(gap, want, per_value, i, j);
        let k = (steps.len() / 3).max(1);
        let tail = y[last] - y[last - k];
        let expected = d * share(last - k);
        let stalled = tail < PLATEAU_TAIL_SHARE * expected
            && (short(expected - tail, expected, last - k, last)
                || (!self.significant(tail, last - k, last)
                    && short(expected, expected, last - k, last)));
        if stalled {
            return (Class::Plateau, ev);
        }
        // Did growth slow down? A leak keeps its pace: compare the last third of the intervals
        // with what the first third's pace predicts over the same span.
        let early_span = x[k] - x[0];
        let recent_span = x[last] - x[last - k];
        if early_span > 0.0 && recent_span > 0.0 {
            let early = y[k] - y[0];
            let predicted = early / early_span * recent_span;
            if early > 0.0
                && tail < SLOWED_PACE_SHARE * predicted
                && short(predicted - tail, predicted, last - k, last)
            {
                let class = if self.significant(tail, last - k, last) {
                    Class::Growing
                } else {
                    Class::Plateau
                };
                return (class, ev);
            }
        }
        // Does the later half keep the pace? Under a leak it grows by the line's share of the
        // growth, under a plateau by nothing: the two must stand TELL_SIGMAS apart for the
        // series to tell them, and the later half must be nearer the pace than the plateau.
        let h = (steps.len() / 2).max(1);
        let half = y[last] - y[last - h];
        let paced = (f.slope * (x[last] - x[last - h])).max(d * share(last - h));
        let sd_half = self.sd(last - h, last);
        let tells = paced > TELL_SIGMAS * sd_half;
        // A population whose samples are being replaced (a cache, a pool) drifts between
        // refreshes as a random walk does, so where replacement carries most of the later
        // half's noise, or where it dropped beyond noise, its growth must itself clear
        // NOISE_SIGMAS; growth by new samples alone (nothing freed) only has to keep the pace.
        // A drop beyond noise in the later half shows samples leaving too, whatever the bounds
        // said: a population being replaced, not one that only grows.
        let (net_var, replaced_var) = self.noise.var_parts(last - h, last);
        let dropped =
            (last - h..last).any(|i| steps[i] < 0.0 && -steps[i] > STEP_SIGMAS * self.sd(i, i + 1));
        let drifting = replaced_var > net_var || dropped;
        // Nearer the pace than the plateau; or, where nothing is being replaced, still growing
        // beyond noise and short of the pace by no more than noise (a sampled half that
        // happened to catch few of the new samples).
        let keeps_pace = half > paced / 2.0
            || (!drifting
                && half > TELL_SIGMAS * sd_half
                && !short(paced - half, paced, last - h, last));
        let clears = !drifting || half > NOISE_SIGMAS * sd_half;
        // A line fits when it explains most of the variance, or when what it leaves is within
        // the noise a sampled series of this size scatters by.
        let (mx, my) = (
            x.iter().sum::<f64>() / n as f64,
            y.iter().sum::<f64>() / n as f64,
        );
        let rss: f64 = x
            .iter()
            .zip(y)
            .map(|(a, b)| {
                let r = b - (my + f.slope * (a - mx));
                r * r
            })
            .sum();
        let within_noise = self.noise.sampled
            && (rss / n as f64).sqrt() <= NOISE_SIGMAS * self.sd(0, last) / 6f64.sqrt();
        let fits = f.r2 >= LEAK_MIN_R2 || within_noise;
        let grew = (0..steps.len())
            .filter(|&i| steps[i] > 0.0 || steps[i] > -STEP_SIGMAS * self.sd(i, i + 1))
            .count() as f64
            / steps.len() as f64;
        if fits && grew >= LEAK_MIN_GREW_SHARE && keeps_pace {
            if tells && clears {
                return (Class::Leak, ev);
            }
            ev.undecided = true;
        }
        (Class::Growing, ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::analyse::noise::UnitNoise;

    fn classify(y: &[f64]) -> Class {
        let noise = UnitNoise::exact(y.len());
        let x: Vec<f64> = (0..y.len()).map(|i| i as f64).collect();
        Classifier {
            floor: 10.0,
            noise: &noise,
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
        // Monotonic, but slowed to a twentieth of its early pace: not a leak.
        let slowing: Vec<f64> = (0..12)
            .map(|i| {
                if i == 0 {
                    0.0
                } else {
                    2000.0 + 100.0 * i as f64
                }
            })
            .collect();
        assert_ne!(classify(&slowing), Class::Leak);
        // A steady leak with small wobbles keeps its class.
        assert_eq!(
            classify(&[0.0, 110.0, 190.0, 310.0, 400.0, 490.0, 610.0]),
            Class::Leak
        );
    }

    #[test]
    fn noise_keeps_a_sampled_change_from_being_a_leak() {
        let y = [0.0, 1000.0, 2000.0, 3000.0];
        let x = [0.0, 1.0, 2.0, 3.0];
        // Each value has a standard deviation of 2,000, every sample replaced between
        // snapshots: the growth is within noise.
        let noise = UnitNoise::independent(&[4e6; 4]);
        let c = Classifier {
            floor: 1.0,
            noise: &noise,
        };
        assert_eq!(c.classify(&y, &x).0, Class::Noise);
    }

    #[test]
    fn staircases() {
        // A container that doubles while its entries grow steadily (capacity 1k, 2k, 4k, 8k
        // entries over 1k..8k entries): its steps keep coming, a leak.
        assert_eq!(
            classify(&[
                1024.0, 2048.0, 4096.0, 4096.0, 8192.0, 8192.0, 8192.0, 8192.0
            ]),
            Class::Leak
        );
        // The same container once it stopped doubling: a tread far longer than its steps
        // predict.
        let stopped = [
            1024.0, 2048.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0, 4096.0,
            4096.0,
        ];
        assert_eq!(classify(&stopped), Class::Plateau);
        // A cache filling up adds less each time: never a staircase.
        assert_ne!(
            classify(&[1000.0, 5000.0, 8000.0, 9000.0, 9000.0, 9000.0, 9000.0]),
            Class::Leak
        );
        // Steady growth in every interval is a line, not a staircase (and a leak as a line).
        let c = Classifier {
            floor: 10.0,
            noise: &UnitNoise::exact(4),
        };
        let (class, ev) = c.classify(&[0.0, 100.0, 200.0, 300.0], &[0.0, 1.0, 2.0, 3.0]);
        assert_eq!(class, Class::Leak);
        assert!(!ev.staircase);
    }

    #[test]
    fn a_series_too_noisy_for_its_length_is_growing_not_leak() {
        // Every value an independent draw with a standard deviation of 150: the later half
        // cannot be told from flat, so the verdict waits.
        let y = [0.0, 400.0, 800.0, 1200.0];
        let x = [0.0, 1.0, 2.0, 3.0];
        let noise = UnitNoise::independent(&[22500.0; 4]);
        let (class, ev) = Classifier {
            floor: 1.0,
            noise: &noise,
        }
        .classify(&y, &x);
        assert_eq!(class, Class::Growing);
        assert!(ev.undecided);
    }
}
