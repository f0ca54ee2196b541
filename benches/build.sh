#!/usr/bin/env bash
# The build's cost: how many crates the default build compiles (heapdiff included) and how many
# the library alone does (`--no-default-features`), and the time of a clean
# `cargo build --release` in a scratch target directory (the dependencies are downloaded first,
# so the time is compiling only).
#
#   benches/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count() {
  cargo tree -e normal,build --prefix none "$@" 2>/dev/null |
    sed -e 's/ (\*)//' -e 's/ (proc-macro)//' -e 's/ (\/.*)//' | sort -u | wc -l
}
echo "crates, default build: $(count)"
echo "crates, library alone: $(count --no-default-features)"
cargo fetch --quiet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
start=$(date +%s.%N)
CARGO_TARGET_DIR="$scratch" cargo build --release --quiet
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v n="$(nproc)" 'BEGIN { printf "clean cargo build --release: %.0f s on %d cores\n", e - s, n }'
