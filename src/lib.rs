//! heapdiff: diff pprof heap profiles per stack, rank the allocation sites that leak, and draw
//! flamegraphs of new retention.
//!
//! The pipeline, one module per stage: [`load`] (files, gzip, profile.proto or legacy text) →
//! [`model`] (pprof's nouns) → [`prune`] (pprof's allocator-frame pruning) → [`stacks`] (frames
//! and stacks aligned across snapshots) → [`analysis`] (per-function and per-stack deltas) →
//! `render` (table, JSON, CSV, Markdown, folded, pprof).

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod error;
pub mod flame;
pub mod inputs;
pub mod load;
pub mod model;
pub mod output;
pub mod proto;
pub mod prune;
pub mod rank;
pub mod render;
pub mod report;
pub mod sample_type;
pub mod show;
pub mod stacks;
pub mod symbolize;
pub mod units;
