//! `heapdiff show`.

use std::process::ExitCode;

use crate::cli::{ShowArgs, ShowFormat};
use crate::rank::SiteRules;

pub fn run(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let rules = SiteRules::new(&args.sites.skip, &args.sites.keep).map_err(anyhow::Error::msg)?;
    let sym = std::sync::Mutex::new(crate::symbolize::Symbolizer::new(args.symbols.options()));
    let mut loaded = crate::load::load_with(&args.profile, Some(&sym))?;
    let sym = sym.into_inner().unwrap_or_else(|e| e.into_inner());
    loaded.warnings.extend(sym.warnings);
    let summary = crate::show::summarize(loaded, args.sample_index.clone(), &rules, args.top)?;
    let text = match args.format {
        ShowFormat::Table => crate::show::render_text(&summary),
        ShowFormat::Json => {
            let mut s = serde_json::to_string_pretty(&summary)?;
            s.push('\n');
            s
        }
    };
    crate::output::write(None, text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
