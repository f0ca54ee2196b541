//! JSON: the whole report (`heapdiff.diff/2`), every ranked unit and every changed function,
//! exact integers.

use std::io::{self, Write};

use super::Report;
use super::wire::DiffDoc;

/// Writes the JSON document, pretty-printed, with a final line break.
pub fn render(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &DiffDoc::new(r))?;
    writeln!(out)
}
