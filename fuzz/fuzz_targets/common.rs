//! What every fuzz target does with a loaded profile: diff it against itself over three
//! snapshots and render every format and both flamegraphs. Nothing may panic.

use heapdiff::render::flamegraph::{self, FlameOptions, Mode};
use heapdiff::render::{Format, Report, Style};
use heapdiff::series::{self, Series};

pub fn exercise(loaded: heapdiff::Loaded) {
    let three = vec![loaded.clone(), loaded.clone(), loaded];
    let Ok(s) = Series::build(three, &series::Options::default()) else {
        return;
    };
    let d = heapdiff::analyse::diff(s, &Default::default());
    let report = Report {
        top: 10,
        ..Report::new(&d)
    };
    for f in [
        Format::Table,
        Format::Json,
        Format::Csv,
        Format::Markdown,
        Format::Pprof,
        Format::Folded,
    ] {
        let _ = heapdiff::render::render(f, &report, Style::default(), &mut Vec::new());
    }
    for mode in [Mode::Retention, Mode::Differential] {
        let o = FlameOptions {
            mode,
            ..Default::default()
        };
        let _ = flamegraph::render(&d, &o, &mut Vec::new());
    }
}
