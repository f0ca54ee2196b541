//! Flags resolved once: from what the user typed ([`super::args`]) to what each command runs
//! with. Everything derived or needing I/O (expanding directories and patterns, compiling
//! regular expressions, checking that options fit the inputs) happens here, so the commands
//! only run the engine and write.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::fail::bail;
use heapdiff::render::flamegraph::{FlameOptions, Labels, Mode};
use heapdiff::source::{files, fleet, http};
use heapdiff::{DiffOptions, Format, Gates, Input, SiteRules, SymbolOptions, Work, series};
use std::sync::Arc;

use super::args::{ColorChoice, DiffArgs, FlamegraphArgs, ProfileOptions, ShowArgs, ShowFormat};
use super::args::{SiteArgs, SymbolArgs};

/// Where a result goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// A file, replaced atomically.
    File(PathBuf),
}

impl Target {
    fn from_arg(o: Option<&PathBuf>) -> Target {
        match o {
            Some(p) if p.as_os_str() != "-" => Target::File(p.clone()),
            _ => Target::Stdout,
        }
    }
}

/// Whether to colour standard output: `--color always|never`, else only on a terminal and
/// only when `NO_COLOR` is unset or empty.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// `diff`, resolved.
pub struct DiffConfig {
    /// The inputs, expanded, in the order given.
    pub inputs: Vec<Input>,
    /// What the engine is asked.
    pub options: DiffOptions,
    /// The CI gates.
    pub gates: Gates,
    /// The output format.
    pub format: Format,
    /// Where it goes.
    pub target: Target,
    /// Rows the human formats show.
    pub top: usize,
    /// Call paths shown under each leak or growing site.
    pub call_paths: usize,
    /// `--peek REGEX`, compiled.
    pub peek: Option<regex::Regex>,
    /// `--list REGEX`, compiled.
    pub list: Option<regex::Regex>,
    /// `--source-dir`.
    pub source_dirs: Vec<PathBuf>,
    /// Name of a unit of work.
    pub work_unit: Option<String>,
    /// Colour the table.
    pub color: bool,
    /// Options that can do nothing here, said on stderr.
    pub notes: Vec<String>,
}

/// `flamegraph`, resolved.
pub struct FlameConfig {
    /// The inputs, expanded.
    pub inputs: Vec<Input>,
    /// What the engine is asked.
    pub options: DiffOptions,
    /// The picture.
    pub picture: FlameOptions,
    /// Where it goes.
    pub target: Target,
    /// Options that can do nothing here, said on stderr.
    pub notes: Vec<String>,
}

/// `show`, resolved.
pub struct ShowConfig {
    /// The input.
    pub input: Input,
    /// Sample type for the top sites.
    pub sample_index: Option<heapdiff::profile::sample_type::SampleIndex>,
    /// Machinery rules.
    pub rules: SiteRules,
    /// Binaries for symbolization.
    pub symbols: SymbolOptions,
    /// How many top sites.
    pub top: usize,
    /// JSON or text.
    pub format: ShowFormat,
    /// Where it goes.
    pub target: Target,
    /// Bold header.
    pub color: bool,
    /// The input-size ceiling and the URL timeout.
    pub limits: heapdiff::load::Limits,
    /// pprof's sample filters.
    pub filters: heapdiff::profile::filter::Filters,
}

fn rules(a: &SiteArgs) -> super::fail::Result<SiteRules> {
    Ok(SiteRules::new(&a.skip, &a.keep)?.with_overrides(&a.app, &a.lib)?)
}

fn symbols(a: &SymbolArgs) -> super::fail::Result<SymbolOptions> {
    for b in &a.binaries {
        if !b.is_file() {
            bail!("--binary {}: no such file", b.display());
        }
    }
    for d in &a.dirs {
        if !d.is_dir() {
            bail!("--symbols-dir {}: no such directory", d.display());
        }
    }
    Ok(SymbolOptions {
        binaries: a.binaries.clone(),
        dirs: a.dirs.clone(),
        disabled: a.no_symbolize,
    })
}

/// `--work` needs one value per profile, never decreasing, growing at least once; a
/// `--work-step` must be above 0.
fn work(a: &DiffArgs, profiles: usize) -> super::fail::Result<Option<Work>> {
    match (&a.work, a.work_step) {
        (Some(w), _) => {
            if w.len() != profiles {
                bail!(
                    "--work has {} values but there are {profiles} profiles",
                    w.len()
                );
            }
            if w.iter().any(|v| !v.is_finite()) || w.windows(2).any(|p| p[1] < p[0]) {
                bail!(
                    "--work must not decrease: it is the work done by each snapshot, in the order the profiles are given"
                );
            }
            if w.first() == w.last() {
                bail!("--work must grow at least once (the same value everywhere is no axis)");
            }
            Ok(Some(Work::PerProfile(w.clone())))
        }
        (None, Some(step)) if !(step > 0.0 && step.is_finite()) => {
            bail!("--work-step must be above 0")
        }
        (None, Some(step)) => Ok(Some(Work::Step(step))),
        (None, None) => Ok(None),
    }
}

/// With `--gc`, URL inputs ask a Go service to collect garbage first (`gc=1`).
fn with_gc(inputs: Vec<Input>, gc: bool) -> Vec<Input> {
    inputs
        .into_iter()
        .map(|i| match i {
            Input::Url(mut r) if gc => {
                r.url = http::with_gc(&r.url);
                Input::Url(r)
            }
            i => i,
        })
        .collect()
}

/// The client every URL of the run is fetched with: `-H`, `--tls-ca`, `--tls-cert`/`--tls-key`.
pub fn client(f: &super::args::FetchArgs) -> super::fail::Result<Arc<http::Client>> {
    let opts = http::ClientOptions {
        headers: f.headers.clone(),
        tls_ca: f.tls_ca.clone(),
        tls_cert: f.tls_cert.clone(),
        tls_key: f.tls_key.clone(),
    };
    match http::Client::new(&opts) {
        Ok(c) => Ok(Arc::new(c)),
        Err(e) => bail!("{e}"),
    }
}

/// What the user typed as inputs: `-`, URLs (fetched with `client`) and paths.
fn named_inputs(named: &[PathBuf], client: &Arc<http::Client>) -> Vec<Input> {
    named
        .iter()
        .map(|p| match p.to_str() {
            Some(s) => Input::parse_with(s, client),
            None => Input::File(p.clone()),
        })
        .collect()
}

/// A regular expression given with `flag`, compiled; an error names the flag.
fn regex_flag(flag: &str, expr: Option<&str>) -> super::fail::Result<Option<regex::Regex>> {
    Ok(expr
        .map(|e| regex::Regex::new(e).map_err(|err| heapdiff::Error::rule(flag, e, &err)))
        .transpose()?)
}

fn limits(max_input_size: i64, f: &super::args::FetchArgs) -> heapdiff::load::Limits {
    heapdiff::load::Limits {
        max_input: max_input_size.max(0) as u64,
        timeout: f.timeout,
    }
}

/// `--pyroscope`/`--parca` and their window flags, as a query (`None` without either).
fn fleet_query(
    f: &super::args::FleetArgs,
    client: &Arc<http::Client>,
) -> super::fail::Result<Option<fleet::Query>> {
    let (backend, url) = match (&f.pyroscope, &f.parca) {
        (Some(u), _) => (fleet::Backend::Pyroscope, u),
        (None, Some(u)) => (fleet::Backend::Parca, u),
        (None, None) => return Ok(None),
    };
    if !http::is_url(url) {
        bail!("{url}: not an http:// or https:// URL");
    }
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let time = |flag: &str, s: &str| match fleet::time::parse_time(s, now_ms) {
        Ok(t) => Ok(t),
        Err(e) => Err(super::fail::Failure::msg(format!("{flag} {e}"))),
    };
    Ok(Some(fleet::Query {
        backend,
        url: url.clone(),
        selector: f.query.clone(),
        profile_type: f.profile_type.clone(),
        from_ms: time("--from", f.from.as_deref().unwrap_or("now-1h"))?,
        to_ms: time("--to", f.to.as_deref().unwrap_or("now"))?,
        step_ms: f.step.map_or(600_000, |d| d.as_millis() as i64),
        aggregate: match f.fleet {
            super::args::FleetArg::Mean => fleet::Aggregate::Mean,
            super::args::FleetArg::Total => fleet::Aggregate::Total,
        },
        instance_label: f.instance_label.clone(),
        client: client.clone(),
    }))
}

fn profiles(
    named: &[PathBuf],
    command: &str,
    fetch: &super::args::FetchArgs,
    fleet_args: &super::args::FleetArgs,
    limits: &heapdiff::load::Limits,
    notes: &mut Vec<String>,
) -> super::fail::Result<(Vec<Input>, Option<Vec<f64>>)> {
    let client = client(fetch)?;
    if let Some(q) = fleet_query(fleet_args, &client)? {
        let (inputs, fleet_notes) = fleet::windows(q, limits)?;
        notes.extend(fleet_notes);
        return Ok((inputs, None));
    }
    let found = files::expand_noting(&named_inputs(named, &client))?;
    let paths = with_gc(found.inputs, fetch.gc);
    if paths.len() < 2 {
        bail!(
            "{command} needs at least two profiles (a base and a later one), but {} named only {}",
            named
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            paths.len()
        );
    }
    notes.extend(found.notes);
    Ok((paths, found.work))
}

fn filters(f: &super::args::FilterArgs) -> super::fail::Result<heapdiff::profile::filter::Filters> {
    Ok(heapdiff::profile::filter::Filters::new(
        f.focus.as_deref(),
        f.ignore.as_deref(),
        f.hide.as_deref(),
        f.show.as_deref(),
    )?)
}

fn series_options(p: &ProfileOptions, work: Option<Work>) -> super::fail::Result<series::Options> {
    Ok(series::Options {
        sample_index: p.sample_index.clone(),
        lines: p.lines,
        keep_order: p.keep_order,
        short_names: p.names == super::args::NamesArg::Short,
        filters: filters(&p.filters)?,
        work,
    })
}

impl DiffConfig {
    /// Resolves `diff`'s flags.
    pub fn new(a: &DiffArgs, color: ColorChoice) -> super::fail::Result<Self> {
        let format = Format::from(a.format);
        let target = Target::from_arg(a.output.as_ref());
        if format.is_binary() && target == Target::Stdout && std::io::stdout().is_terminal() {
            bail!("--format pprof writes binary data: give -o FILE or redirect standard output");
        }
        let rules = rules(&a.sites)?;
        let mut notes = Vec::new();
        let limits = limits(a.input.max_input_size, &a.input.fetch);
        let (paths, recorded) = profiles(
            &a.profiles,
            "diff",
            &a.input.fetch,
            &a.fleet,
            &limits,
            &mut notes,
        )?;
        if a.fail_on_leaks && paths.len() < 3 {
            bail!(
                "--fail-on-leaks needs three or more snapshots (with two, a leak cannot be told from a plateau); gate two snapshots with --fail-on-growth or --fail-on-site-growth"
            );
        }
        let mut work = work(a, paths.len())?;
        if work.is_none() {
            work = recorded.map(Work::PerProfile);
        }
        if a.work_unit.is_some() && work.is_none() {
            notes.push("--work-unit does nothing without --work or --work-step".to_string());
        }
        Ok(DiffConfig {
            options: DiffOptions {
                series: series_options(&a.input, work)?,
                symbols: symbols(&a.input.symbols)?,
                by: a.by.into(),
                rules,
                limits,
            },
            gates: Gates {
                growth: a.fail_on_growth,
                site_growth: a.fail_on_site_growth,
                leaks: a.fail_on_leaks,
            },
            inputs: paths,
            format,
            color: use_color(color) && target == Target::Stdout,
            target,
            top: a.top,
            call_paths: a.paths,
            list: regex_flag("--list", a.list.as_deref())?,
            source_dirs: a.source_dir.clone(),
            peek: regex_flag("--peek", a.peek.as_deref())?,
            work_unit: a.work_unit.clone(),
            notes,
        })
    }
}

impl FlameConfig {
    /// Resolves `flamegraph`'s flags.
    pub fn new(a: &FlamegraphArgs) -> super::fail::Result<Self> {
        let rules = rules(&a.sites)?;
        let mut notes = Vec::new();
        let limits = limits(a.input.max_input_size, &a.input.fetch);
        let (paths, _) = profiles(
            &a.profiles,
            "flamegraph",
            &a.input.fetch,
            &a.fleet,
            &limits,
            &mut notes,
        )?;
        let mode = Mode::from(a.mode);
        if a.all_growth && (mode != Mode::Retention || paths.len() < 3) {
            notes.push(if mode != Mode::Retention {
                "--all-growth does nothing outside retention mode".to_string()
            } else {
                "--all-growth does nothing with two profiles (every stack that grew is drawn)"
                    .to_string()
            });
        }
        let trim = if a.no_trim_allocators {
            false
        } else {
            a.trim_allocators || mode == Mode::Retention
        };
        Ok(FlameConfig {
            options: DiffOptions {
                series: series_options(&a.input, None)?,
                symbols: symbols(&a.input.symbols)?,
                by: heapdiff::By::Site,
                rules,
                limits,
            },
            picture: FlameOptions {
                mode,
                trim,
                all_growth: a.all_growth,
                inverted: a.inverted,
                min_width: a.min_width,
                labels: Labels {
                    title: a.title.clone(),
                    subtitle: a.subtitle.clone(),
                },
                fold_libraries: !a.keep_library_frames,
                fold_recursion: !a.keep_recursion,
                width: a.width.map(|w| w as usize),
                font_size: a.font_size.map(|f| f as usize),
                reverse: a.reverse,
                palette: a.colors.into(),
            },
            inputs: paths,
            target: Target::from_arg(a.output.as_ref()),
            notes,
        })
    }
}

impl ShowConfig {
    /// Resolves `show`'s flags.
    pub fn new(a: &ShowArgs, color: ColorChoice) -> super::fail::Result<Self> {
        let rules = rules(&a.sites)?;
        let client = client(&a.fetch)?;
        let named = named_inputs(std::slice::from_ref(&a.profile), &client);
        let input = match files::expand(&named)?.as_slice() {
            [one] => one.clone(),
            many => bail!(
                "show reads one profile, but {} names {}",
                a.profile.display(),
                many.len()
            ),
        };
        let target = Target::from_arg(a.output.as_ref());
        Ok(ShowConfig {
            input,
            sample_index: a.sample_index.clone(),
            rules,
            symbols: symbols(&a.symbols)?,
            top: a.top,
            format: a.format,
            color: use_color(color) && target == Target::Stdout && a.format == ShowFormat::Table,
            limits: limits(a.max_input_size, &a.fetch),
            filters: filters(&a.filters)?,
            target,
        })
    }
}

/// Where `capture` and `watch` take their snapshots.
pub enum SnapSource {
    /// A service's profile endpoint (`?gc=1` added with `--gc`).
    Url(String),
    /// A fleet: `capture` saves its windows from --from to --to; `watch` reads the window of
    /// --every that ends at each round.
    Fleet(Arc<fleet::Query>),
}

/// What `capture` and `watch` share, resolved.
pub struct SnapshotConfig {
    /// The source.
    pub source: SnapSource,
    /// The client URLs and fleets are fetched with.
    pub client: Arc<http::Client>,
    /// Time between snapshots (of a URL; `watch`'s rounds).
    pub every: Option<std::time::Duration>,
    /// The metrics URL and the counter read with each snapshot.
    pub metrics: Option<(String, String)>,
    /// The decompressed-size ceiling and the timeout.
    pub limits: heapdiff::load::Limits,
    /// Sample type, frame identity, filters.
    pub series: series::Options,
    /// Binaries for symbolization.
    pub symbols: SymbolOptions,
    /// Options that can do nothing here, said on stderr.
    pub notes: Vec<String>,
}

impl SnapshotConfig {
    fn new(a: &super::args::SnapshotArgs, command: &str) -> super::fail::Result<Self> {
        let client = client(&a.input.fetch)?;
        let limits = limits(a.input.max_input_size, &a.input.fetch);
        let source = match (&a.url, fleet_query(&a.fleet, &client)?) {
            (_, Some(q)) => {
                if a.work_metric.is_some() {
                    bail!(
                        "--work-metric reads a service's counter; a fleet's snapshots have no work axis"
                    );
                }
                SnapSource::Fleet(Arc::new(q))
            }
            (Some(url), None) => {
                if !http::is_url(url) {
                    bail!("{url}: not an http:// or https:// URL");
                }
                SnapSource::Url(if a.input.fetch.gc {
                    http::with_gc(url)
                } else {
                    url.clone()
                })
            }
            (None, None) => bail!("{command} needs a URL, --pyroscope or --parca"),
        };
        let metrics = match (&a.work_metric, &source) {
            (Some(name), SnapSource::Url(url)) => {
                let m = match &a.metrics {
                    Some(m) => m.clone(),
                    None => {
                        // /metrics on the profile's host.
                        let rest = url.splitn(4, '/').collect::<Vec<_>>();
                        format!("{}//{}/metrics", rest[0], rest.get(2).unwrap_or(&""))
                    }
                };
                Some((m, name.clone()))
            }
            _ => None,
        };
        let mut notes = Vec::new();
        if a.input.keep_order && command == "capture" {
            notes
                .push("--keep-order does nothing in capture (snapshots are taken in order)".into());
        }
        Ok(SnapshotConfig {
            source,
            client,
            every: a.every,
            metrics,
            limits,
            series: series_options(&a.input, None)?,
            symbols: symbols(&a.input.symbols)?,
            notes,
        })
    }
}

/// `capture`, resolved.
pub struct CaptureConfig {
    /// The source and how snapshots are read.
    pub snap: SnapshotConfig,
    /// How many snapshots of a URL, and the time between them.
    pub count: u32,
    /// A fleet's windows, in time order (empty for a URL).
    pub windows: Vec<Input>,
    /// The directory.
    pub dir: PathBuf,
    /// Continue the capture in `dir`.
    pub append: bool,
}

impl CaptureConfig {
    /// Resolves `capture`'s flags.
    pub fn new(a: &super::args::CaptureArgs) -> super::fail::Result<Self> {
        let mut snap = SnapshotConfig::new(&a.snap, "capture")?;
        let (count, windows) = match &snap.source {
            SnapSource::Url(_) => match (a.count, snap.every) {
                (Some(n), Some(_)) => (n, Vec::new()),
                _ => bail!("capture of a URL needs -n COUNT and --every DURATION"),
            },
            SnapSource::Fleet(q) => {
                if a.count.is_some() || snap.every.is_some() {
                    bail!(
                        "capture of a fleet saves the windows from --from to --to, one per --step; -n and --every are for a URL"
                    );
                }
                let (windows, notes) = fleet::windows((**q).clone(), &snap.limits)?;
                snap.notes.extend(notes);
                (windows.len() as u32, windows)
            }
        };
        Ok(CaptureConfig {
            snap,
            count,
            windows,
            dir: a.output.clone(),
            append: a.append,
        })
    }
}

/// `watch`, resolved.
pub struct WatchConfig {
    /// The source and how snapshots are read.
    pub snap: SnapshotConfig,
    /// Time between rounds.
    pub every: std::time::Duration,
    /// Stop after COUNT snapshots.
    pub count: Option<u32>,
    /// Stop after DURATION.
    pub for_: Option<std::time::Duration>,
    /// The soak-test gate.
    pub fail_on_leaks: bool,
    /// Keep the snapshots here too.
    pub output: Option<PathBuf>,
    /// Rows shown after each snapshot.
    pub top: usize,
    /// Which frames are machinery.
    pub rules: SiteRules,
    /// Colour the table.
    pub color: bool,
}

impl WatchConfig {
    /// Resolves `watch`'s flags.
    pub fn new(a: &super::args::WatchArgs, color: ColorChoice) -> super::fail::Result<Self> {
        let snap = SnapshotConfig::new(&a.snap, "watch")?;
        let Some(every) = snap.every else {
            bail!("watch needs --every DURATION");
        };
        if matches!(snap.source, SnapSource::Fleet(_))
            && (a.snap.fleet.from.is_some()
                || a.snap.fleet.to.is_some()
                || a.snap.fleet.step.is_some())
        {
            bail!(
                "watch reads the window of --every that ends at each round; --from, --to and --step are for diff, flamegraph and capture"
            );
        }
        Ok(WatchConfig {
            snap,
            every,
            count: a.count,
            for_: a.for_,
            fail_on_leaks: a.fail_on_leaks,
            output: a.output.clone(),
            top: a.top,
            rules: rules(&a.sites)?,
            color: use_color(color),
        })
    }
}
