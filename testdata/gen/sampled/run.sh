#!/usr/bin/env bash
# Regenerates testdata/go/sampled_*/ from this program: series at Go's default sampling rate
# (needs a Go toolchain; Debian's golang-go has one). Sampling makes every run's values differ;
# the tests assert verdicts and figures that hold for any run.
set -euo pipefail
cd "$(dirname "$0")"
for mode in uptime fresh noleak bigcache stairs; do
  out=../../go/sampled_$mode
  rm -rf "$out"
  go run . -mode "$mode" -out "$out"
done
