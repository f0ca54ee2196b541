//! Profiles built from structure (valid protobuf with hostile contents: dangling ids, huge
//! values, odd strings, deep stacks) through loading, diffing and every renderer.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use heapdiff::profile::proto;
use prost::Message;

#[derive(Arbitrary, Debug)]
struct Sample {
    locations: Vec<u8>,
    values: Vec<i64>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    types: Vec<(u8, u8)>,
    strings: Vec<String>,
    functions: Vec<(u8, u8, u8)>,
    locations: Vec<(u8, u64, Vec<(u8, i64)>)>,
    mappings: Vec<(u64, u64, u8, u8)>,
    samples: Vec<Sample>,
    period: i64,
    time: i64,
    drop: u8,
    gzip: bool,
}

libfuzzer_sys::fuzz_target!(|input: Input| {
    let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
    strings.extend(input.strings.iter().map(|s| s.as_bytes().to_vec()));
    let p = proto::Profile {
        sample_type: input
            .types
            .iter()
            .map(|&(t, u)| proto::ValueType {
                r#type: t as i64,
                unit: u as i64,
            })
            .collect(),
        sample: input
            .samples
            .iter()
            .map(|s| proto::Sample {
                location_id: s.locations.iter().map(|&l| l as u64).collect(),
                value: s.values.clone(),
            })
            .collect(),
        mapping: input
            .mappings
            .iter()
            .enumerate()
            .map(|(i, &(start, len, file, id))| proto::Mapping {
                id: i as u64 + 1,
                memory_start: start,
                memory_limit: start.wrapping_add(len),
                file_offset: 0,
                filename: file as i64,
                build_id: id as i64,
                has_functions: false,
                has_filenames: false,
                has_line_numbers: false,
                has_inline_frames: false,
            })
            .collect(),
        location: input
            .locations
            .iter()
            .enumerate()
            .map(|(i, (m, addr, lines))| proto::Location {
                id: i as u64 + 1,
                mapping_id: *m as u64,
                address: *addr,
                line: lines
                    .iter()
                    .map(|&(f, l)| proto::Line {
                        function_id: f as u64,
                        line: l,
                    })
                    .collect(),
                is_folded: false,
            })
            .collect(),
        function: input
            .functions
            .iter()
            .enumerate()
            .map(|(i, &(n, s, f))| proto::Function {
                id: i as u64 + 1,
                name: n as i64,
                system_name: s as i64,
                filename: f as i64,
                start_line: 0,
            })
            .collect(),
        string_table: strings,
        drop_frames: input.drop as i64,
        keep_frames: 0,
        time_nanos: input.time,
        duration_nanos: 0,
        period_type: None,
        period: input.period,
        comment: Vec::new(),
        default_sample_type: 0,
    };
    let mut bytes = p.encode_to_vec();
    if input.gzip {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = gz.write_all(&bytes);
        bytes = gz.finish().unwrap_or_default();
    }
    if let Ok(loaded) = heapdiff::read("fuzz", &bytes[..]) {
        common::exercise(loaded);
    }
});
