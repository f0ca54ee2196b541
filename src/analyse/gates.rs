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
            let leaks: Vec<&RankedUnit> = units.iter().filter(|s| s.class == Class::Leak).collect();
            out.push(GateResult {
                gate: Gate::Leaks,
                tripped: !leaks.is_empty(),
                reason: if leaks.is_empty() {
                    "no site classed leak".into()
                } else {
                    format!(
                        "{} site(s) classed leak: {}",
                        leaks.len(),
                        list(&leaks, unit)
                    )
                },
            });
        }
        out
    }
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
