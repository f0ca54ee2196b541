//! The legacy binary CPU profile (gperftools, Java): recognised only to be refused by name,
//! since it records CPU time, not memory.

use crate::error::InputErrorKind;
use crate::profile::Profile;

pub(super) static FORMAT: super::Format = super::Format {
    name: "legacy binary CPU profile",
    sniff,
    decode,
    heap: false,
};

/// A header of machine words `0, 3, version, period, 0`, in 32- or 64-bit words of either byte
/// order.
fn sniff(data: &[u8]) -> bool {
    let word = |i: usize, size: usize, le: bool| -> Option<u64> {
        let b = data.get(i * size..(i + 1) * size)?;
        let mut v = 0u64;
        for k in 0..size {
            let byte = if le { b[size - 1 - k] } else { b[k] };
            v = v << 8 | byte as u64;
        }
        Some(v)
    };
    [(4, true), (4, false), (8, true), (8, false)]
        .iter()
        .any(|&(size, le)| {
            word(0, size, le) == Some(0)
                && word(1, size, le) == Some(3)
                && word(2, size, le).is_some_and(|v| v <= 1)
                && word(3, size, le).is_some_and(|v| v > 0)
                && word(4, size, le) == Some(0)
        })
}

fn decode(_: &mut dyn std::io::Read) -> Result<Profile, InputErrorKind> {
    Err(InputErrorKind::NotAProfile(
        "a legacy binary CPU profile (gperftools or Java), which records CPU time, not memory; heapdiff reads heap profiles (`go tool pprof -proto` converts it to profile.proto)".into(),
    ))
}
