//! heapdiff's exit codes: one enum, whose meanings also write the "Exit codes" text of every
//! command's `--help` and the EXIT STATUS section of the man pages.

use std::process::ExitCode;

/// How a run of heapdiff ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did what was asked, and no gate tripped.
    Done,
    /// 1: a CI gate (`--fail-on-...`) tripped.
    GateTripped,
    /// 2: bad usage or bad input; the message names the flag or file and the problem.
    Bad,
}

impl Exit {
    /// Every exit code, in numeric order.
    pub const ALL: [Exit; 3] = [Exit::Done, Exit::GateTripped, Exit::Bad];

    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::GateTripped => 1,
            Exit::Bad => 2,
        }
    }

    /// What the code means, for people.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Done => "done (no gate tripped)",
            Exit::GateTripped => "a CI gate (--fail-on-...) tripped",
            Exit::Bad => "bad usage or bad input (the message names the file and the problem)",
        }
    }

    /// The "Exit codes:" block for `--help`, listing `codes`.
    pub fn help(codes: &[Exit]) -> String {
        let mut s = String::from("Exit codes:");
        for c in codes {
            s.push_str(&format!("\n  {}  {}", c.code(), c.meaning()));
        }
        s
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_are_distinct_and_in_order() {
        let codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes, [0, 1, 2]);
        assert!(Exit::help(&Exit::ALL).contains("  1  a CI gate"));
    }
}
