//! `heapdiff show`: one profile's facts and top sites.

use super::args::ShowFormat;
use super::config::ShowConfig;
use super::exit::Exit;
use super::output;
use heapdiff::load;
use heapdiff::render;
use heapdiff::symbolize::Symbolizer;

/// Runs `show`.
pub fn run(c: &ShowConfig) -> super::fail::Result<Exit> {
    output::refuse_inputs(&c.target, std::slice::from_ref(&c.input))?;
    let sym = std::sync::Mutex::new(Symbolizer::new(c.symbols.clone()));
    let mut loaded = load::load_with(&c.input, Some(&sym), &c.limits)?;
    let sym = sym.into_inner().unwrap_or_else(|e| e.into_inner());
    loaded.warnings.extend(sym.warnings);
    let summary = heapdiff::analyse::summary::summarize(
        loaded,
        heapdiff::series::Options {
            sample_index: c.sample_index.clone(),
            filters: c.filters.clone(),
            ..Default::default()
        },
        &c.rules,
        c.top,
    )?;
    let mut bytes = Vec::new();
    match c.format {
        ShowFormat::Table => render::show::render(&summary, c.color, &mut bytes)?,
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut bytes, &render::wire::ShowDoc::new(&summary))?;
            bytes.push(b'\n');
        }
    }
    output::write(&c.target, &bytes)?;
    Ok(Exit::Done)
}
