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

/// R² a series must reach to be called a leak.
pub const LEAK_MIN_R2: f64 = 0.8;
/// Share of intervals that must grow for a leak.
pub const LEAK_MIN_GREW_SHARE: f64 = 0.6;
/// Growth over the last third of the intervals, as a share of what a straight line would give,
/// below which growth counts as stopped (a plateau).
pub const PLATEAU_TAIL_SHARE: f64 = 0.25;
/// Recent pace, as a share of the early pace, below which growth has slowed too much to be a
/// leak (a map that fills up, a cache warming).
pub const SLOWED_PACE_SHARE: f64 = 0.2;
/// Standard deviations of sampling noise a change must exceed.
pub const NOISE_SIGMAS: f64 = 3.0;

/// Decides the class of one series from its values, their sampling variances and the floor.
pub struct Classifier<'a> {
    /// The smallest change that counts.
    pub floor: f64,
    /// Sampling variance of each value.
    pub var: &'a [f64],
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

    /// The class of `y` against `x`, and the fit's R² with three or more values.
    pub fn classify(&self, y: &[f64], x: &[f64]) -> (Class, Option<f64>) {
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
        // Did growth slow down? A leak keeps its pace: compare the last third of the intervals
        // with what the first third's pace predicts over the same span.
        let early_span = x[k] - x[0];
        let recent_span = x[last] - x[last - k];
        if early_span > 0.0 && recent_span > 0.0 {
            let early = y[k] - y[0];
            let predicted = early / early_span * recent_span;
            if early > 0.0
                && tail < SLOWED_PACE_SHARE * predicted
                && self.significant(predicted - tail, last - k, last)
            {
                let class = if self.significant(tail, last - k, last) {
                    Class::Growing
                } else {
                    Class::Plateau
                };
                return (class, Some(f.r2));
            }
        }
        if f.r2 >= LEAK_MIN_R2 && grew_share >= LEAK_MIN_GREW_SHARE {
            return (Class::Leak, Some(f.r2));
        }
        (Class::Growing, Some(f.r2))
    }
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
        // Each value has a standard deviation of 2,000: the growth is within noise.
        let var = [4e6; 4];
        let c = Classifier {
            floor: 1.0,
            var: &var,
        };
        assert_eq!(c.classify(&y, &x).0, Class::Noise);
    }
}
