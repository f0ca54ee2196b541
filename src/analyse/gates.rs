//! CI gates: conditions on a [`Diff`] that fail a job (exit 1) when they trip.

use super::Diff;
use super::rank::RankedUnit;
use super::trend::Class;
use crate::units;

/// The gates a user asked for.
#[derive(Clone, Debug, Default)]
pub struct Gates {
    /// Trip when the total grew by more than this.
    pub growth: Option<i64>,
    /// Trip when any ranked unit grew by more than this.
    pub site_growth: Option<i64>,
    /// Trip when any unit is classed `leak`.
    pub leaks: bool,
}

/// One gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// `--fail-on-growth`.
    Growth,
    /// `--fail-on-site-growth`.
    SiteGrowth,
    /// `--fail-on-leaks`.
    Leaks,
}

impl Gate {
    /// The gate's name, spelled as its flag everywhere (stderr, JSON, Markdown).
    pub fn name(self) -> &'static str {
        match self {
            Gate::Growth => "fail-on-growth",
            Gate::SiteGrowth => "fail-on-site-growth",
            Gate::Leaks => "fail-on-leaks",
        }
    }
}

/// A gate and whether it tripped.
#[derive(Clone, Debug)]
pub struct GateResult {
    /// Which gate.
    pub gate: Gate,
    /// Whether it tripped.
    pub tripped: bool,
    /// Why, in a sentence.
    pub reason: String,
}

impl Gates {
    /// Whether any gate is asked for.
    pub fn any(&self) -> bool {
        self.growth.is_some() || self.site_growth.is_some() || self.leaks
    }

    /// Refuses gates that cannot mean anything on `diff`: a leak gate on values that are not
    /// retention (allocations, CPU), or on fewer than three snapshots.
    pub fn check(&self, diff: &Diff) -> Result<(), crate::Error> {
        if !self.leaks {
            return Ok(());
        }
        let t = &diff.series.sample_type;
        if !t.is_retention() {
            return Err(crate::Error::Options(format!(
                "--fail-on-leaks needs retention (in-use) values, but {t} counts over the program's life and is never a leak; gate it with --fail-on-growth or choose an in-use type with -i"
            )));
        }
        if diff.series.snapshots.len() < 3 {
            return Err(crate::Error::Options(
                "--fail-on-leaks needs three or more snapshots (with two, a leak cannot be told from a plateau)".into(),
            ));
        }
        Ok(())
    }

    /// Evaluates every gate asked for on `diff`, in a fixed order.
    pub fn evaluate(&self, diff: &Diff) -> Vec<GateResult> {
        let unit = &diff.series.sample_type.unit;
        let total_delta = diff.series.total_delta();
        let units = &diff.ranking.units;
        let mut out = Vec::new();
        if let Some(limit) = self.growth {
            let tripped = total_delta > limit;
            out.push(GateResult {
                gate: Gate::Growth,
                tripped,
                reason: format!(
                    "total growth {} {} the limit {}",
                    units::delta(total_delta, unit),
                    if tripped { "exceeds" } else { "is within" },
                    units::value(limit, unit)
                ),
            });
        }
        if let Some(limit) = self.site_growth {
            let over: Vec<&RankedUnit> = units.iter().filter(|s| s.delta > limit).collect();
            out.push(GateResult {
                gate: Gate::SiteGrowth,
                tripped: !over.is_empty(),
                reason: if over.is_empty() {
                    format!("no site grew by more than {}", units::value(limit, unit))
                } else {
                    format!(
                        "{} site(s) grew by more than {}: {}",
                        over.len(),
                        units::value(limit, unit),
                        list(&over, unit)
                    )
                },
            });
        }
        if self.leaks {
            let v = verdict(diff);
            out.push(GateResult {
                gate: Gate::Leaks,
                tripped: v.leak,
                reason: v.line,
            });
        }
        out
    }
}

/// Snapshots a run needs before "no site classed leak" rules a leak out: with fewer, the last
/// third and the later half of the series are one interval each, and a leak that began during
/// the run cannot show the steady pace a leak verdict asks for.
pub const RULE_OUT_SNAPSHOTS: usize = 6;

/// What a series of snapshots says about leaks, in one line: a leak, none (and how large a leak
/// would have been seen), or that it could not tell.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Some site is classed `leak`.
    pub leak: bool,
    /// The run could rule a leak in or out: a leak was found, or none was and the run had
    /// enough snapshots and no site left undecided.
    pub told: bool,
    /// The sentence.
    pub line: String,
}

/// The leak verdict of `diff` (what `--fail-on-leaks` and the end of `watch` say).
pub fn verdict(diff: &Diff) -> Verdict {
    let unit = &diff.series.sample_type.unit;
    let units = &diff.ranking.units;
    let n = diff.series.snapshots.len();
    let leaks: Vec<&RankedUnit> = units.iter().filter(|s| s.class == Class::Leak).collect();
    if !leaks.is_empty() {
        return Verdict {
            leak: true,
            told: true,
            line: format!(
                "{} site(s) classed leak: {}",
                leaks.len(),
                list(&leaks, unit)
            ),
        };
    }
    let undecided: Vec<&RankedUnit> = units
        .iter()
        .filter(|s| s.class == Class::Growing && (s.undecided || s.few_samples))
        .collect();
    if !undecided.is_empty() {
        return Verdict {
            leak: false,
            told: false,
            line: format!(
                "no site classed leak, but {} grew and could not be told from a plateau in {n} snapshots: {}; more snapshots or a longer run would tell",
                if undecided.len() == 1 {
                    "one site".to_string()
                } else {
                    format!("{} sites", undecided.len())
                },
                list(&undecided, unit)
            ),
        };
    }
    let span = format!(
        "; a site growing by {} or more over the run would have been seen",
        units::value(detectable(diff), unit)
    );
    if n < RULE_OUT_SNAPSHOTS {
        return Verdict {
            leak: false,
            told: false,
            line: format!(
                "no site classed leak, but {n} snapshots cannot rule a leak out (take {RULE_OUT_SNAPSHOTS} or more){span}"
            ),
        };
    }
    Verdict {
        leak: false,
        told: true,
        line: format!("no site classed leak in {n} snapshots{span}"),
    }
}

/// The smallest growth over the run a leak verdict could rest on: the size floor, and for
/// sampled profiles the growth whose own new samples put it 3σ clear of noise (about nine
/// samples: growth d rests on d/R samples of R bytes, so its standard deviation is √(d·R)).
fn detectable(diff: &Diff) -> i64 {
    let floor = diff.ranking.floor;
    let rate = diff.series.last().sampling_bytes();
    let by_noise = if rate > 1 && diff.series.sample_type.unit == "bytes" {
        let s = super::trend::NOISE_SIGMAS;
        (s * s * rate as f64) as i64
    } else {
        0
    };
    floor.max(by_noise)
}

fn list(rows: &[&RankedUnit], unit: &str) -> String {
    let mut parts: Vec<String> = rows
        .iter()
        .take(3)
        .map(|s| format!("{} ({})", s.name, units::delta(s.delta, unit)))
        .collect();
    if rows.len() > 3 {
        parts.push(format!("and {} more", rows.len() - 3));
    }
    parts.join(", ")
}
