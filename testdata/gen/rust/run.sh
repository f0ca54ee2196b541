#!/usr/bin/env bash
# Regenerates testdata/jemalloc/*.jeheap (needs cargo and a C compiler for jemalloc).
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --quiet
rm -rf ../../jemalloc && mkdir -p ../../jemalloc
./target/release/heapdiff-jeheap-gen ../../jemalloc
