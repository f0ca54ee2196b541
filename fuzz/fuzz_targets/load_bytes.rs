//! Raw bytes (gzipped or not, any format) through loading, diffing and every renderer.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(loaded) = heapdiff::read("fuzz", data) {
        common::exercise(loaded);
    }
});
