//! pprof's sample filters, with pprof's semantics (`-focus`, `-ignore`, `-hide`, `-show`):
//!
//! - **focus** keeps the samples with at least one location that matches;
//! - **ignore** drops the samples with any location that matches;
//! - **hide** removes the matching frames from every stack;
//! - **show** keeps only the matching frames.
//!
//! A location matches when one of its frames' function name or file matches, or its
//! mapping's file does. Stacks left with no frame are dropped, as pprof drops them.

use regex::Regex;

use super::{Location, Profile};
use crate::error::Error;

/// The four filters; each is off when `None`.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// `--focus`.
    pub focus: Option<Regex>,
    /// `--ignore`.
    pub ignore: Option<Regex>,
    /// `--hide`.
    pub hide: Option<Regex>,
    /// `--show`.
    pub show: Option<Regex>,
}

/// Which filters matched something (pprof warns about the others).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Matched {
    /// focus matched a location.
    pub focus: bool,
    /// ignore matched a location.
    pub ignore: bool,
    /// hide matched a location.
    pub hide: bool,
    /// show was given.
    pub show: bool,
}

impl Filters {
    /// Compiles the expressions; an error names the flag.
    pub fn new(
        focus: Option<&str>,
        ignore: Option<&str>,
        hide: Option<&str>,
        show: Option<&str>,
    ) -> Result<Self, Error> {
        let c = |e: Option<&str>, flag: &str| {
            e.map(|e| Regex::new(e).map_err(|err| Error::rule(flag, e, &err)))
                .transpose()
        };
        Ok(Filters {
            focus: c(focus, "--focus")?,
            ignore: c(ignore, "--ignore")?,
            hide: c(hide, "--hide")?,
            show: c(show, "--show")?,
        })
    }

    /// Whether no filter is on.
    pub fn is_empty(&self) -> bool {
        self.focus.is_none() && self.ignore.is_none() && self.hide.is_none() && self.show.is_none()
    }

    /// A description of the filters on, as flags.
    pub fn describe(&self) -> String {
        [
            ("--focus", &self.focus),
            ("--ignore", &self.ignore),
            ("--hide", &self.hide),
            ("--show", &self.show),
        ]
        .iter()
        .filter_map(|(f, r)| r.as_ref().map(|r| format!("{f}={}", r.as_str())))
        .collect::<Vec<_>>()
        .join(" ")
    }

    /// Filters `p` in place.
    pub fn apply(&self, p: &mut Profile) -> Matched {
        let mut m = Matched::default();
        if self.is_empty() {
            return m;
        }
        let line_matches = |re: &Regex, p: &Profile, f: u32| {
            let f = &p.functions[f as usize];
            re.is_match(&f.name) || re.is_match(&f.file)
        };
        let mapping_matches = |re: &Regex, p: &Profile, l: &Location| {
            l.mapping
                .is_some_and(|mi| re.is_match(&p.mappings[mi as usize].file))
        };
        let loc_matches = |re: &Regex, p: &Profile, l: &Location| {
            l.lines.iter().any(|ln| line_matches(re, p, ln.function)) || mapping_matches(re, p, l)
        };
        // Per location: Some(true) focused, Some(false) ignored, None neither; and hidden.
        let n = p.locations.len();
        let mut focus_or_ignore: Vec<Option<bool>> = vec![None; n];
        let mut hidden = vec![false; n];
        for i in 0..n {
            let l = &p.locations[i];
            if self.ignore.as_ref().is_some_and(|re| loc_matches(re, p, l)) {
                m.ignore = true;
                focus_or_ignore[i] = Some(false);
            } else if self.focus.as_ref().is_none_or(|re| loc_matches(re, p, l)) {
                m.focus = true;
                focus_or_ignore[i] = Some(true);
            }
            if let Some(re) = &self.hide
                && loc_matches(re, p, l)
            {
                m.hide = true;
                let keep: Vec<_> = if mapping_matches(re, p, l) {
                    Vec::new()
                } else {
                    l.lines
                        .iter()
                        .filter(|ln| !line_matches(re, p, ln.function))
                        .copied()
                        .collect()
                };
                hidden[i] = keep.is_empty();
                p.locations[i].lines = keep;
            }
            if let Some(re) = &self.show {
                m.show = true;
                let l = &p.locations[i];
                let keep: Vec<_> = l
                    .lines
                    .iter()
                    .filter(|ln| line_matches(re, p, ln.function))
                    .copied()
                    .collect();
                hidden[i] |= keep.is_empty();
                p.locations[i].lines = keep;
            }
        }
        let mut stacks = super::Seqs::new();
        let mut values = super::Values::new(p.values.width());
        for i in 0..p.num_samples() {
            let stack = p.sample_locations(i);
            let mut focused = false;
            let mut ignored = false;
            for l in stack {
                match focus_or_ignore[l as usize] {
                    Some(true) => focused = true,
                    Some(false) => ignored = true,
                    None => {}
                }
            }
            if !focused || ignored || stack.clone().all(|l| hidden[l as usize]) {
                continue;
            }
            // A filtered profile is no larger than the one it came from.
            if stacks.push(stack.filter(|&l| !hidden[l as usize])).is_err() {
                break;
            }
            values.push_row_of(&p.values, i);
        }
        p.stacks = stacks;
        p.values = values;
        m
    }
}
