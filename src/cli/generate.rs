//! `heapdiff generate` (hidden): man pages and shell completions from the clap definitions,
//! so the help, the man pages and the completions cannot disagree.

use std::io::Write;
use std::path::PathBuf;

use super::fail::Context;
use clap::{Command, CommandFactory};
use clap_complete::Shell;

use super::args::{
    CAPTURE_EXAMPLES, Cli, DIFF_EXAMPLES, FLAMEGRAPH_EXAMPLES, GenerateArgs, GenerateWhat,
    SHOW_EXAMPLES, WATCH_EXAMPLES,
};
use super::exit::Exit;

/// The shells completions are generated for.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// Escapes text for roff.
fn roff(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('-', "\\-")
        .replace('\'', "\\(aq")
}

/// The command's usage line (`heapdiff diff [OPTIONS] <PROFILE>...`) as a roff SYNOPSIS.
fn synopsis(cmd: &mut Command, bin: &str) -> String {
    let usage = cmd.render_usage().to_string();
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let rest = usage.strip_prefix(bin).unwrap_or(usage).trim();
    format!(".SH SYNOPSIS\n\\fB{}\\fR {}\n", roff(bin), roff(rest))
}

/// The sections clap_mangen does not write: EXAMPLES, EXIT STATUS, ENVIRONMENT, SEE ALSO.
fn extra_sections(examples: &[&str], codes: &[Exit], see_also: &[String]) -> String {
    let mut s = String::new();
    if !examples.is_empty() {
        s.push_str(".SH EXAMPLES\n");
        for e in examples {
            s.push_str(&format!(".TP\n.B {}\n", roff(e)));
        }
    }
    s.push_str(".SH \"EXIT STATUS\"\n");
    for c in codes {
        s.push_str(&format!(".TP\n.B {}\n{}\n", c.code(), roff(c.meaning())));
    }
    s.push_str(concat!(
        ".SH ENVIRONMENT\n",
        ".TP\n.B NO_COLOR\n",
        "When set and not empty, output is never coloured unless \\fB\\-\\-color always\\fR is given.\n",
        ".TP\n.B HTTP_PROXY, NO_PROXY\n",
        "Profiles given as http:// URLs are fetched through the proxy \\fBHTTP_PROXY\\fR (or \\fBhttp_proxy\\fR) names, ",
        "except for hosts \\fBNO_PROXY\\fR (or \\fBno_proxy\\fR) lists (comma-separated names, domain suffixes, ",
        "optional ports, or *) and for localhost and loopback addresses, as Go's net/http does.\n",
    ));
    s.push_str(".SH \"SEE ALSO\"\n");
    s.push_str(&see_also.join(",\n"));
    s.push('\n');
    s
}

/// One man page.
fn man_page(
    cmd: Command,
    bin: &str,
    examples: &[&str],
    codes: &[Exit],
    see_also: &[String],
    version: &str,
) -> super::fail::Result<Vec<u8>> {
    let title = bin.replace(' ', "-");
    let mut cmd = cmd
        .name(&title)
        .bin_name(bin)
        .after_help("")
        .after_long_help("");
    let man = clap_mangen::Man::new(cmd.clone())
        .title(&title)
        .source(format!("heapdiff {version}"))
        .manual("heapdiff manual");
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    buf.write_all(synopsis(&mut cmd, bin).as_bytes())?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut buf)?;
    }
    buf.write_all(extra_sections(examples, codes, see_also).as_bytes())?;
    // Each section rendered alone repeats roff's two-line preamble; keep the first.
    let text = String::from_utf8_lossy(&buf).into_owned();
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for line in text.lines() {
        let preamble = line.starts_with(".ie \\n(.g") || line.starts_with(".el .ds Aq");
        if !preamble || seen.insert(line.to_string()) {
            out.push_str(line);
            out.push('\n');
        }
    }
    Ok(out.into_bytes())
}

/// The command line without hidden subcommands, for completions.
fn visible(cmd: &Command) -> Command {
    let mut out = Command::new(cmd.get_name().to_string())
        .version(cmd.get_version().unwrap_or_default().to_string())
        .about(cmd.get_about().cloned().unwrap_or_default())
        .disable_help_subcommand(true);
    for a in cmd.get_arguments() {
        out = out.arg(a.clone());
    }
    for s in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        out = out.subcommand(s.clone());
    }
    out
}

/// Every generated file: (path relative to the repository root, contents).
pub fn files() -> super::fail::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    let cmd = Cli::command();
    let version = cmd.get_version().unwrap_or_default().to_string();
    let subs: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .map(|s| s.get_name().to_string())
        .collect();
    let pages: Vec<String> = subs.iter().map(|s| format!("heapdiff\\-{s}(1)")).collect();
    out.push((
        PathBuf::from("man/heapdiff.1"),
        man_page(
            cmd.clone(),
            "heapdiff",
            &[],
            &Exit::ALL,
            &[pages.clone(), vec!["pprof(1)".into()]].concat(),
            &version,
        )?,
    ));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub.get_name();
        let (examples, codes): (&[&str], &[Exit]) = match name {
            "diff" => (DIFF_EXAMPLES, &Exit::ALL),
            "flamegraph" => (FLAMEGRAPH_EXAMPLES, &[Exit::Done, Exit::Bad]),
            "capture" => (CAPTURE_EXAMPLES, &[Exit::Done, Exit::Bad]),
            "watch" => (WATCH_EXAMPLES, &Exit::ALL),
            _ => (SHOW_EXAMPLES, &[Exit::Done, Exit::Bad]),
        };
        let mut see: Vec<String> = vec!["heapdiff(1)".into()];
        see.extend(
            subs.iter()
                .filter(|s| *s != name)
                .map(|s| format!("heapdiff\\-{s}(1)")),
        );
        out.push((
            PathBuf::from(format!("man/heapdiff-{name}.1")),
            man_page(
                sub.clone(),
                &format!("heapdiff {name}"),
                examples,
                codes,
                &see,
                &version,
            )?,
        ));
    }
    for shell in SHELLS {
        let mut buf = Vec::new();
        let mut c = visible(&cmd);
        clap_complete::generate(shell, &mut c, "heapdiff", &mut buf);
        let file = match shell {
            Shell::Bash => "heapdiff.bash",
            Shell::Zsh => "_heapdiff",
            Shell::Fish => "heapdiff.fish",
            Shell::PowerShell => "_heapdiff.ps1",
            _ => "heapdiff.elv",
        };
        out.push((PathBuf::from(format!("completions/{file}")), buf));
    }
    Ok(out)
}

/// Runs `generate`.
pub fn run(args: &GenerateArgs) -> super::fail::Result<Exit> {
    let root = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    for (rel, bytes) in files()? {
        let top = rel.components().next().map(|c| c.as_os_str().to_owned());
        let wanted = matches!(
            (args.what, top.as_ref().and_then(|t| t.to_str())),
            (GenerateWhat::All, _)
                | (GenerateWhat::Man, Some("man"))
                | (GenerateWhat::Completions, Some("completions"))
        );
        if !wanted {
            continue;
        }
        let path = root.join(&rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create directory", dir.display()))?;
        }
        super::output::write_atomic(&path, &bytes)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(Exit::Done)
}
