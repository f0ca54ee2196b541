//! `heapdiff flamegraph`: load, diff by site, draw, write.

use super::config::FlameConfig;
use super::exit::Exit;
use super::{note, output};
use heapdiff::render::flamegraph::{self, Picture};

/// Runs `flamegraph`.
pub fn run(c: &FlameConfig) -> super::fail::Result<Exit> {
    output::refuse_inputs(&c.target, &c.inputs)?;
    c.notes.iter().for_each(|n| note(n));
    let diff = heapdiff::diff_inputs(&c.inputs, &c.options)?;
    let mut svg = Vec::new();
    let picture = flamegraph::render(&diff, &c.picture, &mut svg)?;
    output::write(&c.target, &svg)?;
    if let Picture::Empty(why) = picture {
        note(&why);
    }
    Ok(Exit::Done)
}
