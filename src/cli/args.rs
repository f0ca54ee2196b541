//! The command line, as clap definitions: what the user typed, validated but not yet resolved
//! (see `config` for that). Doc comments here are the `--help` text, the man pages and the
//! completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use heapdiff::profile::sample_type::SampleIndex;

use super::exit::Exit;

/// Diff pprof heap profiles per stack, rank the allocation sites that leak, and draw
/// flamegraphs of new retention.
#[derive(Debug, Parser)]
#[command(
    name = "heapdiff",
    version,
    about,
    max_term_width = 100,
    disable_help_subcommand = true,
    after_help = Exit::help(&[Exit::Done, Exit::GateTripped, Exit::Bad])
)]
pub struct Cli {
    /// When to colour output: auto (only on a terminal, and not when NO_COLOR is set), always,
    /// never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Diff(Box<DiffArgs>),
    Flamegraph(Box<FlamegraphArgs>),
    Show(Box<ShowArgs>),
    Capture(Box<CaptureArgs>),
    Watch(Box<WatchArgs>),
    /// Regenerate man pages and shell completions (for maintainers).
    #[command(hide = true)]
    Generate(GenerateArgs),
}

/// Options shared by every command that reads profiles.
#[derive(Debug, Args, Clone)]
pub struct ProfileOptions {
    /// Sample type to compare, by name (inuse_space, alloc_objects, ...) or index. Default:
    /// inuse_space when present, else the profile's default type, else the last type.
    #[arg(
        long = "sample-index",
        short = 'i',
        value_name = "NAME|N",
        help_heading = "Input"
    )]
    pub sample_index: Option<SampleIndex>,

    /// Tell frames apart by line number too (by default a function is one frame).
    #[arg(long, help_heading = "Input")]
    pub lines: bool,

    /// Keep the profiles in the order given even when they carry timestamps (by default they
    /// are ordered by their own time).
    #[arg(long, help_heading = "Input")]
    pub keep_order: bool,

    /// How to name functions: full (as the profile names them; generic parameters tell
    /// functions apart) or short (as `go tool pprof` prints them by default: demangled names
    /// without `(...)` and `<...>`, frames without a symbol as their mapping, `[libc.so.6]`).
    #[arg(long, value_enum, default_value_t = NamesArg::Full, help_heading = "Input")]
    pub names: NamesArg,

    /// Refuse an input that decompresses to more than SIZE (a gzip bomb ends with one line
    /// naming the file).
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size, help_heading = "Input")]
    pub max_input_size: i64,

    #[command(flatten)]
    pub fetch: FetchArgs,

    #[command(flatten)]
    pub symbols: SymbolArgs,

    #[command(flatten)]
    pub filters: FilterArgs,
}

/// Fetching profiles from `http://` and `https://` URLs.
#[derive(Debug, Args, Clone)]
pub struct FetchArgs {
    /// Send HEADER ('Name: value') with every request: `-H 'Authorization: Bearer TOKEN'`,
    /// `-H 'X-Scope-OrgID: TENANT'`. Repeatable.
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = parse_header, help_heading = "Input")]
    pub headers: Vec<(String, String)>,

    /// Trust the CA certificates in FILE (PEM) instead of the system's, for https servers with
    /// a private CA.
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub tls_ca: Option<PathBuf>,

    /// Present the client certificate in FILE (PEM) to https servers that ask for one (with
    /// --tls-key).
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_key",
        help_heading = "Input"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_cert",
        help_heading = "Input"
    )]
    pub tls_key: Option<PathBuf>,

    /// Ask a Go service to collect garbage before it writes the heap profile (adds `gc=1` to
    /// URL inputs, as `/debug/pprof/heap?gc=1`).
    #[arg(long, help_heading = "Input")]
    pub gc: bool,

    /// How long a URL or fleet query may take to answer and send its profile (500ms, 30s, 2m).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = heapdiff::units::parse_duration, help_heading = "Input")]
    pub timeout: std::time::Duration,
}

/// A fleet's heap profiles from a continuous profiler, one snapshot per --step window.
#[derive(Debug, Args, Clone)]
#[command(group(clap::ArgGroup::new("fleet_source").args(["pyroscope", "parca"])))]
pub struct FleetArgs {
    /// Read the snapshots from the Grafana Pyroscope server at URL (its base, such as
    /// http://pyroscope:4040 or Grafana Cloud's profiles URL), one per --step window from
    /// --from to --to.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "parca",
        help_heading = "Fleet"
    )]
    pub pyroscope: Option<String>,

    /// Read the snapshots from the Parca (or Polar Signals) server at URL, such as
    /// http://parca:7070, one per --step window.
    #[arg(long, value_name = "URL", help_heading = "Fleet")]
    pub parca: Option<String>,

    /// Which profiles: a label selector such as '{service_name="api"}' (Pyroscope) or
    /// '{job="api"}' (Parca); {} is every profile of the type.
    #[arg(
        long,
        value_name = "SELECTOR",
        default_value = "{}",
        requires = "fleet_source",
        help_heading = "Fleet"
    )]
    pub query: String,

    /// The profile type, as the server names it (Pyroscope lists them; a wrong one is refused
    /// with the list).
    #[arg(
        long,
        value_name = "TYPE",
        default_value = "memory:inuse_space:bytes:space:bytes",
        requires = "fleet_source",
        help_heading = "Fleet"
    )]
    pub profile_type: String,

    /// Start of the range: now-6h, RFC 3339 (2026-12-04T03:00:00Z) or unix seconds
    /// [default: now-1h].
    #[arg(
        long,
        value_name = "TIME",
        requires = "fleet_source",
        help_heading = "Fleet"
    )]
    pub from: Option<String>,

    /// End of the range (same forms as --from) [default: now].
    #[arg(
        long,
        value_name = "TIME",
        requires = "fleet_source",
        help_heading = "Fleet"
    )]
    pub to: Option<String>,

    /// Length of one window, one snapshot each (30s, 10m, 1h) [default: 10m]. `watch` reads
    /// the window of --every that ends at each round instead.
    #[arg(long, value_name = "DURATION", value_parser = heapdiff::units::parse_duration, requires = "fleet_source", help_heading = "Fleet")]
    pub step: Option<std::time::Duration>,

    /// How a window's merged profile (the sum of every profile in it) is read: the mean
    /// instance's heap (sum / profiles) or the fleet's total heap (the mean times the
    /// instances).
    #[arg(long, value_enum, default_value_t = FleetArg::Mean, requires = "fleet_source", help_heading = "Fleet")]
    pub fleet: FleetArg,

    /// The label that tells instances apart (default: the first of pod, instance, hostname,
    /// service_instance_id the server has).
    #[arg(
        long,
        value_name = "LABEL",
        requires = "fleet_source",
        help_heading = "Fleet"
    )]
    pub instance_label: Option<String>,
}

/// `--fleet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FleetArg {
    /// The mean instance's heap.
    Mean,
    /// The fleet's total heap.
    Total,
}

/// pprof's sample filters.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Keep only samples with a frame whose function, file or mapping matches REGEX
    /// (pprof's -focus).
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub focus: Option<String>,

    /// Drop samples with a frame whose function, file or mapping matches REGEX (pprof's
    /// -ignore).
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub ignore: Option<String>,

    /// Remove frames that match REGEX from every stack (pprof's -hide).
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub hide: Option<String>,

    /// Keep only frames that match REGEX in every stack (pprof's -show).
    #[arg(long, value_name = "REGEX", help_heading = "Filters")]
    pub show: Option<String>,
}

/// Where to find binaries for unsymbolized profiles.
#[derive(Debug, Args, Clone, Default)]
pub struct SymbolArgs {
    /// A binary (or its debug file) to symbolize addresses with, matched to the profile's
    /// mappings by build id (by file name when a mapping has none). Repeatable.
    #[arg(long = "binary", value_name = "PATH", help_heading = "Symbols")]
    pub binaries: Vec<PathBuf>,

    /// A directory to search for binaries by build id (DIR/.build-id/xx/rest.debug,
    /// DIR/xx/rest.debug, DIR/BUILDID) and by name. Repeatable.
    #[arg(long = "symbols-dir", value_name = "DIR", help_heading = "Symbols")]
    pub dirs: Vec<PathBuf>,

    /// Do not symbolize: keep addresses as they are.
    #[arg(long, help_heading = "Symbols")]
    pub no_symbolize: bool,
}

/// Compare a base heap profile with later ones: rank the sites that leak, and gate CI on growth.
///
/// Reads profile.proto files (gzipped or not), Go's legacy text heap profiles and jemalloc's raw
/// heap dumps; `-` reads standard input. With three or more snapshots each site gets a series, a slope, a fit and a
/// class (leak, growing, sawtooth, plateau, shrinking, noise). On sampled profiles (Go's
/// MemProfileRate, V8's interval, jemalloc's lg_prof_sample) a change counts only beyond the
/// sampling noise of the samples that changed between snapshots, and rows that rest on few
/// samples say so. Per function, flat and cum deltas (in JSON) equal `go tool pprof
/// -diff_base=BASE NEW`.
#[derive(Debug, Args)]
#[command(after_help = after_help(DIFF_EXAMPLES, &[Exit::Done, Exit::GateTripped, Exit::Bad]))]
pub struct DiffArgs {
    /// The base profile, then the later profile(s): files, `-` for standard input, directories
    /// (the heap profiles inside), `*` patterns, or http(s):// URLs (a service's
    /// /debug/pprof/heap). Not with --pyroscope or --parca.
    #[arg(value_name = "PROFILE", num_args = 1.., required_unless_present_any = ["pyroscope", "parca"], conflicts_with_all = ["pyroscope", "parca"])]
    pub profiles: Vec<PathBuf>,

    #[command(flatten)]
    pub input: ProfileOptions,

    #[command(flatten)]
    pub fleet: FleetArgs,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Table, help_heading = "Output")]
    pub format: FormatArg,

    /// Write to FILE instead of standard output (replaced atomically; `-` is standard output).
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Rows the table and Markdown show (JSON, CSV and pprof always hold every change); 0
    /// prints a one-line summary.
    #[arg(long, default_value_t = 20, value_name = "N", help_heading = "Output")]
    pub top: usize,

    /// Call paths the table and Markdown show under each leak or growing site, largest first,
    /// as `← caller ← caller` with runs of library frames folded (JSON holds every path).
    #[arg(long, default_value_t = 1, value_name = "N", help_heading = "Output")]
    pub paths: usize,

    /// After the table, for each function matching REGEX, its flat and cum change and the
    /// change through each caller and callee (pprof's -peek; table and Markdown).
    #[arg(long, value_name = "REGEX", help_heading = "Output")]
    pub peek: Option<String>,

    /// After the table, for each function matching REGEX, the change per source line with
    /// the source text when the file is found (pprof's -list; table and Markdown).
    #[arg(long, value_name = "REGEX", help_heading = "Output")]
    pub list: Option<String>,

    /// Where to look for source files for --list, by the longest tail of the recorded path
    /// found there (repeatable; the recorded path itself is tried first).
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub source_dir: Vec<PathBuf>,

    /// What one ranked row stands for: the leak site (the first application frame from the
    /// leaf), the leaf function (pprof's flat), or the whole stack.
    #[arg(long, value_enum, default_value_t = ByArg::Site, help_heading = "Ranking")]
    pub by: ByArg,

    #[command(flatten)]
    pub sites: SiteArgs,

    /// Work done at each snapshot, in argument order (e.g. requests served: 3000,6000,9000);
    /// slopes are then given per unit of work.
    #[arg(
        long,
        value_name = "N,N,...",
        value_delimiter = ',',
        conflicts_with = "work_step",
        help_heading = "Ranking"
    )]
    pub work: Option<Vec<f64>>,

    /// Work done between consecutive snapshots (the same every time).
    #[arg(long, value_name = "N", help_heading = "Ranking")]
    pub work_step: Option<f64>,

    /// Name of a unit of work, for output ("≈330 B per request"; default: unit). Needs --work
    /// or --work-step.
    #[arg(long, value_name = "NAME", help_heading = "Ranking")]
    pub work_unit: Option<String>,

    /// Exit 1 when the total grew by more than SIZE (10MiB, 512KB, 4096; a plain number for
    /// object counts).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "CI gates")]
    pub fail_on_growth: Option<i64>,

    /// Exit 1 when any ranked site grew by more than SIZE.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = "CI gates")]
    pub fail_on_site_growth: Option<i64>,

    /// Exit 1 when any site is classed `leak`: growth beyond sampling noise that keeps its
    /// pace to the last snapshot, however large the site was at the base; a cache that filled
    /// is never one. Needs three or more snapshots: with two, a leak cannot be told from a
    /// plateau, so the gate is refused rather than passed silently. The gate's reason says
    /// when the run could not tell (fewer than six snapshots, or growth too noisy to tell).
    #[arg(long, help_heading = "CI gates")]
    pub fail_on_leaks: bool,
}

/// Adjusting which frames are machinery, library or application code.
#[derive(Debug, Args, Clone, Default)]
pub struct SiteArgs {
    /// Also treat frames matching REGEX as machinery, never a leak site (repeatable).
    #[arg(long, value_name = "REGEX", help_heading = "Ranking")]
    pub skip: Vec<String>,

    /// Never treat frames matching REGEX as machinery, even when a built-in list does
    /// (repeatable).
    #[arg(long, value_name = "REGEX", help_heading = "Ranking")]
    pub keep: Vec<String>,

    /// Treat frames whose name or file matches REGEX as application code, the leak sites a
    /// person would fix (repeatable; wins over --lib and the built-in rules).
    #[arg(long, value_name = "REGEX", help_heading = "Ranking")]
    pub app: Vec<String>,

    /// Treat frames whose name or file matches REGEX as library code: a leak site only when a
    /// stack has no application frame (repeatable).
    #[arg(long, value_name = "REGEX", help_heading = "Ranking")]
    pub lib: Vec<String>,
}

/// `-H 'Name: value'`, split at the first colon, both sides trimmed.
fn parse_header(s: &str) -> Result<(String, String), String> {
    match s.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.trim().to_string()))
        }
        _ => Err(format!("{s:?} is not a header: give 'Name: value'")),
    }
}

fn parse_size(s: &str) -> Result<i64, String> {
    heapdiff::units::parse_size(s)
}

/// The text after a command's options: its examples, then the exit codes it can give.
fn after_help(examples: &[&str], codes: &[Exit]) -> String {
    let mut s = String::from("Examples:\n");
    for e in examples {
        s.push_str("  ");
        s.push_str(e);
        s.push('\n');
    }
    s.push('\n');
    s.push_str(&Exit::help(codes));
    s
}

/// Examples of `diff` (run by the tests).
pub const DIFF_EXAMPLES: &[&str] = &[
    "heapdiff diff testdata/go/leak/heap_001.pb.gz testdata/go/leak/heap_004.pb.gz",
    "heapdiff diff --work-step 500 --work-unit request testdata/go/leak",
    "heapdiff diff --fail-on-leaks --fail-on-growth 1MiB testdata/go/leak",
    "heapdiff diff --format pprof -o delta.pb.gz testdata/go/leak",
    "heapdiff diff --pyroscope http://pyroscope:4040 --query '{service_name=\"api\"}' --from now-6h --step 30m",
    "heapdiff diff --parca http://parca:7070 --query '{job=\"api\"}' --from now-2h --step 10m",
];

/// Draw a flamegraph SVG of new retention (or of the whole difference) between snapshots.
///
/// Retention mode (the default) draws each stack as wide as it grew, max(0, last - first), and
/// colours every frame, parents included, by the share of the growth that flows through it;
/// each frame's tooltip gives its growth and that share. Allocator frames at the leaf are
/// trimmed so the widest tower ends at the leak site. With three or more profiles only stacks
/// whose leak site is still growing are drawn (see --all-growth).
#[derive(Debug, Args)]
#[command(after_help = after_help(FLAMEGRAPH_EXAMPLES, &[Exit::Done, Exit::Bad]))]
pub struct FlamegraphArgs {
    /// The base profile, then the later profile(s) (first and last are compared): files, `-`,
    /// directories, `*` patterns or http(s):// URLs. Not with --pyroscope or --parca.
    #[arg(value_name = "PROFILE", num_args = 1.., required_unless_present_any = ["pyroscope", "parca"], conflicts_with_all = ["pyroscope", "parca"])]
    pub profiles: Vec<PathBuf>,

    #[command(flatten)]
    pub input: ProfileOptions,

    #[command(flatten)]
    pub fleet: FleetArgs,

    /// Write the SVG to FILE (replaced atomically; `-` or absent: standard output).
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// What to draw.
    #[arg(long, value_enum, default_value_t = ModeArg::Retention, help_heading = "Picture")]
    pub mode: ModeArg,

    /// Title (default: what the picture shows and the sample type).
    #[arg(long, value_name = "TEXT", help_heading = "Picture")]
    pub title: Option<String>,

    /// Subtitle (default: the files, both totals and the growth).
    #[arg(long, value_name = "TEXT", help_heading = "Picture")]
    pub subtitle: Option<String>,

    /// Draw an icicle graph (roots at the top).
    #[arg(long, help_heading = "Picture")]
    pub inverted: bool,

    /// Omit frames narrower than this many pixels (must be above 0).
    #[arg(long, value_name = "PIXELS", default_value_t = 0.1, value_parser = positive_width, help_heading = "Picture")]
    pub min_width: f64,

    /// Trim allocator and runtime frames from the leaf end of every stack (default in
    /// retention mode).
    #[arg(long, overrides_with = "no_trim_allocators", help_heading = "Picture")]
    pub trim_allocators: bool,

    /// Keep allocator frames (default in the other modes).
    #[arg(long, overrides_with = "trim_allocators", help_heading = "Picture")]
    pub no_trim_allocators: bool,

    /// In retention mode with three or more profiles, draw every stack that grew (by default
    /// only stacks whose leak site is still growing, classed leak or growing, are drawn, so a
    /// cache that filled early does not hide the leak).
    #[arg(long, help_heading = "Picture")]
    pub all_growth: bool,

    /// Keep every library and runtime frame (by default a run of them above the leaf folds
    /// into one frame labelled like `[tokio ×38]`).
    #[arg(long, help_heading = "Picture")]
    pub keep_library_frames: bool,

    /// Keep each level of a direct recursion (by default a function calling itself is one
    /// frame, so every depth adds to one tower).
    #[arg(long, help_heading = "Picture")]
    pub keep_recursion: bool,

    /// Image width in pixels (default 1200).
    #[arg(long, value_name = "PIXELS", value_parser = clap::value_parser!(u32).range(100..=100_000), help_heading = "Picture")]
    pub width: Option<u32>,

    /// Font size in points (default 12).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(4..=100), help_heading = "Picture")]
    pub font_size: Option<u32>,

    /// Draw stacks leaf first, so callers stack on the function they call (with --inverted,
    /// an icicle of callers).
    #[arg(long, help_heading = "Picture")]
    pub reverse: bool,

    /// Colours of the base and new pictures (retention is coloured by growth, differential by
    /// sign).
    #[arg(long, value_enum, default_value_t = ColorsArg::Mem, help_heading = "Picture")]
    pub colors: ColorsArg,

    #[command(flatten)]
    pub sites: SiteArgs,
}

/// Examples of `flamegraph` (run by the tests).
pub const FLAMEGRAPH_EXAMPLES: &[&str] = &[
    "heapdiff flamegraph -o retention.svg testdata/go/leak",
    "heapdiff flamegraph --mode differential -o diff.svg testdata/go/leak",
    "heapdiff flamegraph --inverted --min-width 0.5 -o icicle.svg testdata/go/leak",
    "heapdiff flamegraph --pyroscope http://pyroscope:4040 --query '{service_name=\"api\"}' --from now-6h --step 1h -o fleet.svg",
];

fn positive_width(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{s:?} is not a width above 0 pixels")),
    }
}

/// Show what is in one profile: producer, sample types, period, time, totals, symbolization
/// and the top allocation sites.
#[derive(Debug, Args)]
#[command(after_help = after_help(SHOW_EXAMPLES, &[Exit::Done, Exit::Bad]))]
pub struct ShowArgs {
    /// The profile (`-` for standard input, or an http:// URL).
    #[arg(value_name = "PROFILE")]
    pub profile: PathBuf,

    /// Sample type for the top sites (default: inuse_space when present, else the profile's
    /// default, else the last).
    #[arg(long = "sample-index", short = 'i', value_name = "NAME|N")]
    pub sample_index: Option<SampleIndex>,

    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ShowFormat::Table)]
    pub format: ShowFormat,

    /// Write to FILE instead of standard output (replaced atomically; `-` is standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Refuse an input that decompresses to more than SIZE.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size)]
    pub max_input_size: i64,

    #[command(flatten)]
    pub fetch: FetchArgs,

    /// How many top sites to list (0: none).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,

    #[command(flatten)]
    pub sites: SiteArgs,

    #[command(flatten)]
    pub symbols: SymbolArgs,

    #[command(flatten)]
    pub filters: FilterArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// Aligned text.
    Table,
    /// A JSON document (`"schema": "heapdiff.show/1"`).
    Json,
}

/// Examples of `show` (run by the tests).
pub const SHOW_EXAMPLES: &[&str] = &[
    "heapdiff show testdata/go/leak/heap_004.pb.gz",
    "heapdiff show --format json testdata/go/leak_sampled/heap_004.pb.gz",
    "gzip -dc testdata/go/leak/heap_004.txt.gz | heapdiff show -",
];

/// Where and how often to take snapshots of a live service, and the work counter read with
/// each.
#[derive(Debug, Args, Clone)]
pub struct SnapshotArgs {
    /// The service's heap profile endpoint (a Go service: http://host:6060/debug/pprof/heap;
    /// https too). Not with --pyroscope or --parca.
    #[arg(value_name = "URL", required_unless_present_any = ["pyroscope", "parca"], conflicts_with_all = ["pyroscope", "parca"])]
    pub url: Option<String>,

    /// Time between snapshots (500ms, 30s, 2m).
    #[arg(long, value_name = "DURATION", value_parser = heapdiff::units::parse_duration)]
    pub every: Option<std::time::Duration>,

    /// A Prometheus counter read at each snapshot as the work done (`http_requests_total`, or
    /// one series: `http_requests_total{code="200"}`); the series of all matching series.
    #[arg(long, value_name = "NAME")]
    pub work_metric: Option<String>,

    /// Where to read --work-metric (default: /metrics on the profile's host).
    #[arg(long, value_name = "URL", requires = "work_metric")]
    pub metrics: Option<String>,

    #[command(flatten)]
    pub input: ProfileOptions,

    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// Take COUNT snapshots of a live service's heap profile, one every DURATION, into DIR; or save
/// a fleet's windows (--pyroscope, --parca) as files.
///
/// Files are named heap_0001.pb.gz, heap_0002.pb.gz, ... in time order; heapdiff-capture.tsv
/// beside them records when each was taken and, with --work-metric, the work counter read with
/// it, which `heapdiff diff DIR` then uses as its work axis. A fleet's window is saved as the
/// heap --fleet reads it (the mean instance by default), stamped with the window's end. A
/// directory that already holds a capture is refused; --append continues it. Each snapshot is
/// loaded as `diff` loads it (-i, --names, filters, --binary, --max-input-size), so one that is
/// no profile stops the capture. On a terminal a progress line shows the snapshot, the time to
/// the next and the last total; Ctrl-C keeps what was captured.
#[derive(Debug, Args)]
#[command(after_help = after_help(CAPTURE_EXAMPLES, &[Exit::Done, Exit::Bad]))]
pub struct CaptureArgs {
    #[command(flatten)]
    pub snap: SnapshotArgs,

    /// How many snapshots (of a URL; a fleet's are its windows).
    #[arg(short = 'n', long = "count", value_name = "COUNT", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: Option<u32>,

    /// The directory to write them into (created if missing). One that already holds a
    /// capture is refused, unless --append.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,

    /// Continue the capture already in DIR: numbering goes on from its last snapshot and its
    /// record keeps every entry.
    #[arg(long)]
    pub append: bool,
}

/// Examples of `capture`.
pub const CAPTURE_EXAMPLES: &[&str] = &[
    "heapdiff capture http://127.0.0.1:6060/debug/pprof/heap -n 8 --every 30s -o snaps",
    "heapdiff capture http://127.0.0.1:6060/debug/pprof/heap -n 8 --every 30s --work-metric http_requests_total -o snaps",
    "heapdiff capture http://127.0.0.1:6060/debug/pprof/heap -n 4 --every 30s --append -o snaps",
    "heapdiff capture --pyroscope http://pyroscope:4040 --query '{service_name=\"api\"}' --from now-6h --step 30m -o snaps",
    "heapdiff diff snaps",
];

/// Watch a live service's heap: take a snapshot every DURATION and show the ranking after
/// each (redrawn in place on a terminal, appended when piped).
///
/// The source is a URL, or a fleet (--pyroscope, --parca): each round then reads the window of
/// --every that ends at it. Snapshots are loaded and analysed as `diff` does (-i, --names,
/// filters, --binary, site rules), each catalogued once as it comes. Stops after -n COUNT snapshots or --for DURATION, or, with --fail-on-leaks, when a site is
/// classed leak in two rounds running (or in the last round): exit 1, a soak-test gate for CI. A run that ends without a leak closes
/// with a verdict line on stderr: no leak (and how large a growth would have been seen), or
/// that it could not tell (too few snapshots, or a site whose growth could not yet be told
/// from a plateau).
#[derive(Debug, Args)]
#[command(after_help = after_help(WATCH_EXAMPLES, &[Exit::Done, Exit::GateTripped, Exit::Bad]))]
pub struct WatchArgs {
    #[command(flatten)]
    pub snap: SnapshotArgs,

    /// Stop after COUNT snapshots.
    #[arg(short = 'n', long = "count", value_name = "COUNT", value_parser = clap::value_parser!(u32).range(2..=1_000_000))]
    pub count: Option<u32>,

    /// Stop after DURATION.
    #[arg(long = "for", value_name = "DURATION", value_parser = heapdiff::units::parse_duration)]
    pub for_: Option<std::time::Duration>,

    /// Stop with exit 1 when a site is classed leak (growth beyond sampling noise that keeps
    /// its pace; never a cache that filled) in two rounds running, or in the last round.
    #[arg(long)]
    pub fail_on_leaks: bool,

    /// Keep the snapshots in DIR too (as `capture` writes them).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Rows shown after each snapshot.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,

    #[command(flatten)]
    pub sites: SiteArgs,
}

/// Examples of `watch`.
pub const WATCH_EXAMPLES: &[&str] = &[
    "heapdiff watch http://127.0.0.1:6060/debug/pprof/heap --every 10s -n 30",
    "heapdiff watch http://127.0.0.1:6060/debug/pprof/heap --every 30s --for 20m --fail-on-leaks -o soak",
    "heapdiff watch --pyroscope http://pyroscope:4040 --query '{service_name=\"api\"}' --every 10m --for 6h --fail-on-leaks",
];

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate.
    #[arg(value_enum)]
    pub what: GenerateWhat,
    /// Directory to write into (default: man/ or completions/ under the current directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenerateWhat {
    Man,
    Completions,
    All,
}

/// `--format` of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned text for a terminal (the default).
    Table,
    /// The full report as a versioned JSON document.
    Json,
    /// One row per ranked unit (site, function or stack), exact integers.
    Csv,
    /// A summary and table for a pull-request comment.
    Markdown,
    /// The delta as a gzipped profile.proto (needs -o FILE or a redirected stdout).
    Pprof,
    /// Folded stacks with two counts per line (`root;...;leaf BASE NEW`), as inferno and
    /// FlameGraph's difffolded read.
    Folded,
    /// One self-contained HTML page for a CI artifact: header, interactive retention
    /// flamegraph, sites with charts and call paths, the differential flamegraph.
    Html,
}

impl From<FormatArg> for heapdiff::Format {
    fn from(f: FormatArg) -> Self {
        use heapdiff::Format;
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Pprof => Format::Pprof,
            FormatArg::Folded => Format::Folded,
            FormatArg::Html => Format::Html,
        }
    }
}

/// `--colors` of `flamegraph`: inferno's basic palettes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorsArg {
    Hot,
    Mem,
    Io,
    Red,
    Green,
    Blue,
    Aqua,
    Yellow,
    Purple,
    Orange,
}

impl From<ColorsArg> for heapdiff::render::flamegraph::Palette {
    fn from(c: ColorsArg) -> Self {
        use heapdiff::render::flamegraph::Palette as P;
        match c {
            ColorsArg::Hot => P::Hot,
            ColorsArg::Mem => P::Mem,
            ColorsArg::Io => P::Io,
            ColorsArg::Red => P::Red,
            ColorsArg::Green => P::Green,
            ColorsArg::Blue => P::Blue,
            ColorsArg::Aqua => P::Aqua,
            ColorsArg::Yellow => P::Yellow,
            ColorsArg::Purple => P::Purple,
            ColorsArg::Orange => P::Orange,
        }
    }
}

/// `--names`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NamesArg {
    /// As the profile names them.
    Full,
    /// As `go tool pprof` prints them by default.
    Short,
}

/// `--by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// The leak site: the first application frame from the leaf.
    Site,
    /// The leaf function (pprof's flat).
    Function,
    /// Each distinct stack.
    Stack,
}

impl From<ByArg> for heapdiff::By {
    fn from(b: ByArg) -> Self {
        match b {
            ByArg::Site => heapdiff::By::Site,
            ByArg::Function => heapdiff::By::Function,
            ByArg::Stack => heapdiff::By::Stack,
        }
    }
}

/// `--mode` of `flamegraph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Widths are each stack's growth; colours show how much growth flows through a frame.
    Retention,
    /// Two counts per stack (first, last): red grew, blue shrank; widths from the last profile.
    Differential,
    /// The first profile alone.
    Base,
    /// The last profile alone.
    New,
}

impl From<ModeArg> for heapdiff::render::flamegraph::Mode {
    fn from(m: ModeArg) -> Self {
        use heapdiff::render::flamegraph::Mode;
        match m {
            ModeArg::Retention => Mode::Retention,
            ModeArg::Differential => Mode::Differential,
            ModeArg::Base => Mode::Base,
            ModeArg::New => Mode::New,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definitions_are_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
