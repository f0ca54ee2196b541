//! Who most likely wrote a profile, guessed from its function names, files and sample types.

use super::Profile;

/// Who most likely wrote a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Producer {
    /// Go's runtime/pprof.
    Go,
    /// jemalloc (through jemalloc_pprof or a raw dump).
    Jemalloc,
    /// V8, through Node's @datadog/pprof or a similar sampling heap profiler.
    V8,
    /// Julia's PProf.jl (allocation profiles).
    Julia,
}

impl Producer {
    /// A name for people.
    pub fn name(self) -> &'static str {
        match self {
            Producer::Go => "Go runtime/pprof",
            Producer::Jemalloc => "jemalloc (jemalloc_pprof)",
            Producer::V8 => "V8 (Node.js)",
            Producer::Julia => "Julia PProf.jl",
        }
    }

    /// The name used in JSON (`go`, `jemalloc`, `v8`, `julia`).
    pub fn as_str(self) -> &'static str {
        match self {
            Producer::Go => "go",
            Producer::Jemalloc => "jemalloc",
            Producer::V8 => "v8",
            Producer::Julia => "julia",
        }
    }
}

impl Profile {
    /// Guesses the producer from function names, files and sample types.
    pub fn producer(&self) -> Option<Producer> {
        let names = || self.functions.iter().map(|f| f.name.as_str());
        let files = || self.functions.iter().map(|f| f.file.as_str());
        let types = || self.sample_types.iter().map(|t| t.ty.as_str());
        if self.format == super::SourceFormat::JemallocHeap {
            return Some(Producer::Jemalloc);
        }
        if files().any(|f| f.ends_with(".jl")) || types().any(|t| t == "allocs") {
            return Some(Producer::Julia);
        }
        if names().any(|n| {
            n.contains("prof_backtrace") || n.starts_with("_rjem_") || n.starts_with("je_prof")
        }) {
            return Some(Producer::Jemalloc);
        }
        // Go-shaped runtime names only: pprof-rs writes Rust names as `runtime.rs:65 - tokio::…`.
        let go_runtime =
            |n: &str| n.starts_with("runtime.") && !n.contains("::") && !n.contains(" - ");
        if names().any(go_runtime) || files().any(|f| f.ends_with(".go")) {
            return Some(Producer::Go);
        }
        if files().any(|f| {
            f.ends_with(".js")
                || f.ends_with(".mjs")
                || f.ends_with(".cjs")
                || f.starts_with("node:")
        }) || names().any(|n| n == "(external)" || n == "(anonymous)")
        {
            return Some(Producer::V8);
        }
        // jemalloc_pprof without symbols: only inuse_space, period 0, and addresses in mappings.
        let only_inuse = self.sample_types.len() == 1 && self.sample_types[0].ty == "inuse_space";
        if only_inuse && self.period == 0 && !self.mappings.is_empty() {
            return Some(Producer::Jemalloc);
        }
        None
    }
}
