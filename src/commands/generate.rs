//! `heapdiff generate` (hidden): man pages and shell completions from the clap definitions.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateArgs, GenerateWhat};

/// The shells completions are generated for.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// Every generated file: (path relative to the repository root, contents).
pub fn files() -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut out = Vec::new();
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    out.push((PathBuf::from("man/heapdiff.1"), buf));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("heapdiff-{}", sub.get_name());
        let sub = sub
            .clone()
            .name(&name)
            .version(cmd.get_version().unwrap_or_default().to_string());
        let mut buf = Vec::new();
        clap_mangen::Man::new(sub).render(&mut buf)?;
        out.push((PathBuf::from(format!("man/{name}.1")), buf));
    }
    for shell in SHELLS {
        let mut buf = Vec::new();
        let mut c = Cli::command();
        clap_complete::generate(shell, &mut c, "heapdiff", &mut buf);
        let file = match shell {
            Shell::Bash => "heapdiff.bash",
            Shell::Zsh => "_heapdiff",
            Shell::Fish => "heapdiff.fish",
            Shell::PowerShell => "_heapdiff.ps1",
            Shell::Elvish => "heapdiff.elv",
            _ => unreachable!("only the listed shells"),
        };
        out.push((PathBuf::from(format!("completions/{file}")), buf));
    }
    Ok(out)
}

pub fn run(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
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
        crate::output::write_atomic(&path, &bytes)?;
        eprintln!("wrote {}", display(&path));
    }
    Ok(ExitCode::SUCCESS)
}

fn display(p: &Path) -> String {
    p.display().to_string()
}
