//! CSV: one row per changed function, exact integers.

use std::fmt::Write;

use crate::report::Report;

/// Quotes a field when it holds a comma, quote or line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn render(r: &Report) -> String {
    let mut out =
        String::from("function,file,base_flat,new_flat,flat_delta,base_cum,new_cum,cum_delta\n");
    for f in &r.functions {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{}",
            field(&f.name),
            field(&f.file),
            f.base_flat,
            f.new_flat,
            f.flat_delta,
            f.base_cum,
            f.new_cum,
            f.cum_delta
        );
    }
    out
}
