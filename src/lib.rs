//! heapdiff: diff pprof heap profiles per stack, rank the allocation sites that leak, and draw
//! flamegraphs of new retention.
//!
//! The engine is a pipeline, one module per stage, data flowing one way:
//!
//! ```text
//! load      files, readers, gzip; profile.proto | Go legacy text | jemalloc heap_v2; symbolize
//!  -> profile   pprof's nouns (Profile, Location, Function, ...), pruning, sample-type choice
//!  -> series    one catalogue of frames and stacks; snapshots aligned, in time order
//!  -> analyse   per-function deltas, the site map, noise, trend fits and classes, ranking, gates
//!  -> render    table | json | csv | markdown | pprof | folded | flamegraph SVG
//! ```
//!
//! Diffing two profiles and printing the top site:
//!
//! ```
//! # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/go/leak");
//! # let (base, new) = (dir.join("heap_001.pb.gz"), dir.join("heap_004.pb.gz"));
//! let profiles = vec![heapdiff::load(&base)?, heapdiff::load(&new)?];
//! let diff = heapdiff::diff(profiles, &heapdiff::DiffOptions::default())?;
//! let top = &diff.ranking.units[0];
//! println!("{} grew by {} bytes", top.name, top.delta);
//! # assert_eq!(top.name, "main.(*hub).subscribe");
//! # Ok::<(), heapdiff::Error>(())
//! ```
//!
//! The command-line tool is this library's user: it lives in the binary, behind the default
//! `cli` feature, and `cargo build --lib --no-default-features` builds the engine without it.

#![deny(missing_docs)]

pub mod analyse;
pub mod decode;
pub mod error;
pub mod load;
pub mod profile;
pub mod render;
pub mod series;
pub mod source;
pub mod symbolize;
pub mod units;

pub use analyse::{By, Class, Diff, GateResult, Gates, RankedUnit, SiteRules};
pub use error::{Error, InputError, InputErrorKind};
pub use load::{Loaded, load, read};
pub use render::Format;
pub use series::Work;
pub use source::Input;
pub use symbolize::SymbolOptions;

/// Everything a diff can be asked for.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Sample type, frame identity, snapshot order and work done.
    pub series: series::Options,
    /// Where to find binaries for unsymbolized profiles ([`diff_inputs`] only).
    pub symbols: SymbolOptions,
    /// What one ranked row stands for.
    pub by: By,
    /// Which frames are machinery, never a leak site.
    pub rules: SiteRules,
    /// The input-size ceiling and the URL timeout ([`diff_inputs`] only).
    pub limits: load::Limits,
}

impl DiffOptions {
    fn analyse(&self) -> analyse::Options {
        analyse::Options {
            by: self.by,
            rules: self.rules.clone(),
        }
    }
}

fn check_count(n: usize) -> Result<(), Error> {
    if n < 2 {
        return Err(Error::Options(format!(
            "a diff needs at least two profiles (a base and a later one), but {n} {} given",
            if n == 1 { "was" } else { "were" }
        )));
    }
    Ok(())
}

/// Diffs profiles already loaded (with [`load()`] or [`read()`]), the base first.
pub fn diff(profiles: Vec<Loaded>, opts: &DiffOptions) -> Result<Diff, Error> {
    check_count(profiles.len())?;
    let series = series::Series::build(profiles, &opts.series)?;
    Ok(analyse::diff(series, &opts.analyse()))
}

/// Loads `inputs` (decoding them in parallel), names unsymbolized frames from local binaries,
/// and diffs them, the base first.
pub fn diff_inputs<I: Into<Input> + Clone>(
    inputs: &[I],
    opts: &DiffOptions,
) -> Result<Diff, Error> {
    check_count(inputs.len())?;
    let series = load_series(inputs, &opts.series, &opts.symbols, &opts.limits)?;
    Ok(analyse::diff(series, &opts.analyse()))
}

/// Loads `inputs` (files, `-`, URLs, fleet windows) in parallel, symbolizes what needs it,
/// and aligns them as they arrive, within `limits`.
pub fn load_series<I: Into<Input> + Clone>(
    inputs: &[I],
    opts: &series::Options,
    symbols: &SymbolOptions,
    limits: &load::Limits,
) -> Result<series::Series, Error> {
    let sym = std::sync::Mutex::new(symbolize::Symbolizer::new(symbols.clone()));
    let inputs: Vec<Input> = inputs.iter().cloned().map(Into::into).collect();
    let mut b = series::Builder::new(opts);
    load::load_each(&inputs, Some(&sym), limits, |inp| b.add(inp))?;
    let mut s = b.finish()?;
    let sym = sym.into_inner().unwrap_or_else(|e| e.into_inner());
    s.warnings.extend(sym.warnings);
    Ok(s)
}

/// How many threads can run at once here (1 when that cannot be told), asked of the system
/// once: loading, the catalogue's lookups and ids-to-indices each split work by it.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
