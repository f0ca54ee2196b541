//! profile.proto, gzipped or not: decoded as it streams ([`wire`]), then its id references
//! resolved into table indices ([`resolve`]).

mod resolve;
pub(crate) mod wire;

use crate::error::InputErrorKind;
use crate::profile::Profile;

pub(super) static FORMAT: super::Format = super::Format {
    name: "profile.proto",
    sniff,
    decode,
    heap: true,
};

/// Whether the first fields of `head` parse as profile.proto's top level: each key is one of
/// the profile's own fields with that field's wire type, and each length fits (the last field
/// may run past the head). A text file whose first byte happens to be a valid key fails at the
/// next few.
fn sniff(head: &[u8]) -> bool {
    let mut buf = head;
    let mut fields = 0;
    while !buf.is_empty() {
        let Some(key) = varint(&mut buf) else {
            return fields > 0 && head.len() >= super::HEAD;
        };
        let ok = matches!(
            (key >> 3, key & 7),
            (1..=6 | 11 | 13, 2) | (7..=10 | 12 | 13 | 14 | 15, 0)
        );
        if !ok {
            return false;
        }
        if key & 7 == 0 {
            if varint(&mut buf).is_none() {
                return head.len() >= super::HEAD;
            }
        } else {
            let Some(len) = varint(&mut buf) else {
                return head.len() >= super::HEAD;
            };
            if len as usize > buf.len() {
                // The field runs past what was read (a large first table, or a cut-short
                // file, which decoding will say): its key and length were plausible.
                return len < 1 << 31;
            }
            buf = &buf[len as usize..];
        }
        fields += 1;
    }
    fields > 0
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for (i, &b) in buf.iter().take(10).enumerate() {
        v |= ((b & 0x7f) as u64) << (7 * i);
        if b < 0x80 {
            *buf = &buf[i + 1..];
            return Some(v);
        }
    }
    None
}

fn decode(input: &mut dyn std::io::Read) -> Result<Profile, InputErrorKind> {
    let stream = std::io::BufReader::with_capacity(1 << 16, input);
    match wire::decode_stream(stream) {
        Ok(d) => resolve::resolve(d),
        Err(wire::DecodeError::Io(e)) => Err(InputErrorKind::Io(e)),
        Err(wire::DecodeError::Malformed(e)) => Err(InputErrorKind::NotAProfile(format!(
            "profile.proto decoding failed, so the file is truncated or not a profile ({e})"
        ))),
    }
}
