//! Memory maps in legacy text profiles (`/proc/self/maps` lines, or pprof's brief form), as
//! pprof reads them: only executable mappings are kept.

use regex::Regex;

use crate::model::Mapping;

pub(super) struct MapsParser {
    proc_re: Regex,
    brief_re: Regex,
}

impl MapsParser {
    pub(super) fn new() -> Self {
        MapsParser {
            proc_re: Regex::new(
                r"([[:xdigit:]]+)-([[:xdigit:]]+)\s+([-rwxp]+)\s+([[:xdigit:]]+)\s+([[:xdigit:]]+):([[:xdigit:]]+)\s+([[:digit:]]+)\s*(\S+)?",
            )
            .expect("valid regex"),
            brief_re: Regex::new(
                r"\s*([[:xdigit:]]+)-([[:xdigit:]]+):\s*(\S+)(\s.*@)?([[:xdigit:]]+)?",
            )
            .expect("valid regex"),
        }
    }

    /// `None`: not a mapping line; `Some(None)`: a mapping that is not executable.
    pub(super) fn parse_line(&self, l: &str) -> Option<Option<Mapping>> {
        let hex = |s: &str| u64::from_str_radix(s, 16).ok();
        if let Some(c) = self.proc_re.captures(l) {
            if !c[3].contains('x') {
                return Some(None);
            }
            return Some(Some(Mapping {
                start: hex(&c[1])?,
                limit: hex(&c[2])?,
                offset: hex(&c[4])?,
                file: c.get(8).map(|m| m.as_str().to_string()).unwrap_or_default(),
                ..Default::default()
            }));
        }
        if let Some(c) = self.brief_re.captures(l) {
            return Some(Some(Mapping {
                start: hex(&c[1])?,
                limit: hex(&c[2])?,
                file: c[3].to_string(),
                offset: c.get(5).and_then(|m| hex(m.as_str())).unwrap_or(0),
                ..Default::default()
            }));
        }
        None
    }
}
