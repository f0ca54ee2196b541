//! heapdiff's integration tests: one test binary, one module per concern (ripgrep's layout).
//!
//! Goldens live in tests/data/; `HEAPDIFF_BLESS=1 cargo test` rewrites them.

mod cli;
mod docs;
mod external;
mod flamegraph;
mod fleet;
mod goldens;
mod html;
mod http;
mod pprof_exact;
mod ranking;
mod robustness;
mod sampled;
mod symbolize;
mod urls;
mod util;
