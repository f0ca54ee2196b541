//! Hand-written prost messages for `profile.proto` (pprof's wire format).
//!
//! The string table is decoded as raw bytes so that one non-UTF-8 string does not fail a whole
//! file (pprof itself reads such files). Sample labels are not declared: heapdiff never reads
//! them, and leaving them out lets prost skip them instead of allocating one vector per sample.
//!
//! Every message and field mirrors profile.proto one to one (same names, same tags); that
//! file's comments are their documentation. The [`Message`] implementations are written here
//! with prost's encoding functions (proto3 rules: scalars equal to their default are not
//! written, repeated numbers are packed and read packed or not, unknown fields are skipped),
//! which spares the build prost's derive macro and the parser it compiles.
#![allow(missing_docs)]

use prost::bytes::{Buf, BufMut};
use prost::encoding::{DecodeContext, WireType, skip_field};
use prost::{DecodeError, Message};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    pub sample_type: Vec<ValueType>,
    pub sample: Vec<Sample>,
    pub mapping: Vec<Mapping>,
    pub location: Vec<Location>,
    pub function: Vec<Function>,
    pub string_table: Vec<Vec<u8>>,
    pub drop_frames: i64,
    pub keep_frames: i64,
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub period_type: Option<ValueType>,
    pub period: i64,
    pub comment: Vec<i64>,
    pub default_sample_type: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ValueType {
    pub r#type: i64,
    pub unit: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sample {
    pub location_id: Vec<u64>,
    pub value: Vec<i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    pub id: u64,
    pub memory_start: u64,
    pub memory_limit: u64,
    pub file_offset: u64,
    pub filename: i64,
    pub build_id: i64,
    pub has_functions: bool,
    pub has_filenames: bool,
    pub has_line_numbers: bool,
    pub has_inline_frames: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Location {
    pub id: u64,
    pub mapping_id: u64,
    pub address: u64,
    pub line: Vec<Line>,
    pub is_folded: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Line {
    pub function_id: u64,
    pub line: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Function {
    pub id: u64,
    pub name: i64,
    pub system_name: i64,
    pub filename: i64,
    pub start_line: i64,
}

/// One field's encoding, by its kind: `$k` is `i64`, `u64`, `bool` (proto3 scalars), `i64s`,
/// `u64s` (packed repeated numbers), `bytes` (repeated bytes), `msgs` (repeated messages) or
/// `msg` (an optional message).
macro_rules! field {
    (encode i64, $t:literal, $v:expr, $b:ident) => {
        if *$v != 0 {
            prost::encoding::int64::encode($t, $v, $b)
        }
    };
    (encode u64, $t:literal, $v:expr, $b:ident) => {
        if *$v != 0 {
            prost::encoding::uint64::encode($t, $v, $b)
        }
    };
    (encode bool, $t:literal, $v:expr, $b:ident) => {
        if *$v {
            prost::encoding::bool::encode($t, $v, $b)
        }
    };
    (encode i64s, $t:literal, $v:expr, $b:ident) => {
        prost::encoding::int64::encode_packed($t, $v, $b)
    };
    (encode u64s, $t:literal, $v:expr, $b:ident) => {
        prost::encoding::uint64::encode_packed($t, $v, $b)
    };
    (encode bytes, $t:literal, $v:expr, $b:ident) => {
        prost::encoding::bytes::encode_repeated($t, $v, $b)
    };
    (encode msgs, $t:literal, $v:expr, $b:ident) => {
        prost::encoding::message::encode_repeated($t, $v, $b)
    };
    (encode msg, $t:literal, $v:expr, $b:ident) => {
        if let Some(m) = $v {
            prost::encoding::message::encode($t, m, $b)
        }
    };

    (merge i64, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::int64::merge($w, $v, $b, $c)
    };
    (merge u64, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::uint64::merge($w, $v, $b, $c)
    };
    (merge bool, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::bool::merge($w, $v, $b, $c)
    };
    (merge i64s, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::int64::merge_repeated($w, $v, $b, $c)
    };
    (merge u64s, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::uint64::merge_repeated($w, $v, $b, $c)
    };
    (merge bytes, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::bytes::merge_repeated($w, $v, $b, $c)
    };
    (merge msgs, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::message::merge_repeated($w, $v, $b, $c)
    };
    (merge msg, $w:ident, $v:expr, $b:ident, $c:ident) => {
        prost::encoding::message::merge($w, $v.get_or_insert_with(Default::default), $b, $c)
    };

    (len i64, $t:literal, $v:expr) => {
        if *$v != 0 {
            prost::encoding::int64::encoded_len($t, $v)
        } else {
            0
        }
    };
    (len u64, $t:literal, $v:expr) => {
        if *$v != 0 {
            prost::encoding::uint64::encoded_len($t, $v)
        } else {
            0
        }
    };
    (len bool, $t:literal, $v:expr) => {
        if *$v {
            prost::encoding::bool::encoded_len($t, $v)
        } else {
            0
        }
    };
    (len i64s, $t:literal, $v:expr) => {
        prost::encoding::int64::encoded_len_packed($t, $v)
    };
    (len u64s, $t:literal, $v:expr) => {
        prost::encoding::uint64::encoded_len_packed($t, $v)
    };
    (len bytes, $t:literal, $v:expr) => {
        prost::encoding::bytes::encoded_len_repeated($t, $v)
    };
    (len msgs, $t:literal, $v:expr) => {
        prost::encoding::message::encoded_len_repeated($t, $v)
    };
    (len msg, $t:literal, $v:expr) => {
        $v.as_ref()
            .map_or(0, |m| prost::encoding::message::encoded_len($t, m))
    };
}

/// A [`Message`] implementation from a message's fields: `name: kind = tag`, in tag order.
macro_rules! message {
    ($m:ident { $($f:ident: $k:ident = $t:literal),* $(,)? }) => {
        impl Message for $m {
            fn encode_raw(&self, buf: &mut impl BufMut) {
                $(field!(encode $k, $t, &self.$f, buf);)*
            }

            fn merge_field(
                &mut self,
                tag: u32,
                wire: WireType,
                buf: &mut impl Buf,
                ctx: DecodeContext,
            ) -> Result<(), DecodeError> {
                match tag {
                    $($t => field!(merge $k, wire, &mut self.$f, buf, ctx).map_err(|mut e| {
                        e.push(stringify!($m), stringify!($f).trim_start_matches("r#"));
                        e
                    }),)*
                    _ => skip_field(wire, tag, buf, ctx),
                }
            }

            fn encoded_len(&self) -> usize {
                0 $(+ field!(len $k, $t, &self.$f))*
            }

            fn clear(&mut self) {
                *self = Self::default();
            }
        }
    };
}

message!(Profile {
    sample_type: msgs = 1,
    sample: msgs = 2,
    mapping: msgs = 3,
    location: msgs = 4,
    function: msgs = 5,
    string_table: bytes = 6,
    drop_frames: i64 = 7,
    keep_frames: i64 = 8,
    time_nanos: i64 = 9,
    duration_nanos: i64 = 10,
    period_type: msg = 11,
    period: i64 = 12,
    comment: i64s = 13,
    default_sample_type: i64 = 14,
});
message!(ValueType {
    r#type: i64 = 1,
    unit: i64 = 2
});
message!(Sample {
    location_id: u64s = 1,
    value: i64s = 2
});
message!(Mapping {
    id: u64 = 1,
    memory_start: u64 = 2,
    memory_limit: u64 = 3,
    file_offset: u64 = 4,
    filename: i64 = 5,
    build_id: i64 = 6,
    has_functions: bool = 7,
    has_filenames: bool = 8,
    has_line_numbers: bool = 9,
    has_inline_frames: bool = 10,
});
message!(Location {
    id: u64 = 1,
    mapping_id: u64 = 2,
    address: u64 = 3,
    line: msgs = 4,
    is_folded: bool = 5,
});
message!(Line {
    function_id: u64 = 1,
    line: i64 = 2
});
message!(Function {
    id: u64 = 1,
    name: i64 = 2,
    system_name: i64 = 3,
    filename: i64 = 4,
    start_line: i64 = 5,
});

#[cfg(test)]
mod tests {
    use super::*;

    /// Real profiles decode, encode and decode again to the same messages. (Not to the same
    /// bytes: Go writes lists of one or two numbers unpacked.)
    #[test]
    fn real_profiles_survive_a_round_trip() {
        for rel in [
            "testdata/go/leak/heap_004.pb.gz",
            "testdata/go/leak_sampled/heap_002.pb.gz",
            "testdata/node/heap_001.pb.gz",
        ] {
            let data = crate::decode::testdata(rel);
            let profile = Profile::decode(&data[..]).unwrap();
            assert!(!profile.sample.is_empty() && !profile.location.is_empty());
            let bytes = profile.encode_to_vec();
            assert_eq!(bytes.len(), profile.encoded_len(), "{rel}");
            assert_eq!(Profile::decode(&bytes[..]).unwrap(), profile, "{rel}");
        }
    }

    #[test]
    fn errors_name_the_message_and_field() {
        // A Location (tag 4) whose line (tag 4) is a varint instead of a message.
        let bad = [0x22, 0x02, 0x20, 0x01];
        let e = Profile::decode(&bad[..]).unwrap_err().to_string();
        assert!(e.contains("Location.line"), "{e}");
        // Unknown fields are skipped.
        let unknown = [0x78, 0x05];
        assert_eq!(Profile::decode(&unknown[..]).unwrap(), Profile::default());
    }
}
