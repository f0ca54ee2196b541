//! JSON: the whole report, every changed function, exact integers.

use crate::report::Report;

pub fn render(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(r).expect("the report serializes");
    s.push('\n');
    s
}
