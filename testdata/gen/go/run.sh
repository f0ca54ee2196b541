#!/usr/bin/env bash
# Regenerates testdata/go/ from this program, and pprof's answers for it in each refs/
# (needs a Go toolchain and `go tool pprof`: Debian's golang-go has both).
set -euo pipefail
cd "$(dirname "$0")"
out=../../go
rm -rf "$out"
go run . -mode leak -out "$out/leak" -snapshots 4 -step 500
go run . -mode cache -out "$out/cache" -snapshots 4 -step 200
go run . -mode steady -out "$out/steady" -snapshots 4 -step 500
HEAPDIFF_GEN_RATE=0 go run . -mode leak -out "$out/leak_sampled" -snapshots 4 -step 20000
# The legacy text files are kept (gzipped) for the two leak series only.
for d in leak leak_sampled; do gzip -9n "$out/$d"/*.txt; done
rm -f "$out"/cache/*.txt "$out"/steady/*.txt
for d in leak cache steady leak_sampled; do
  mkdir -p "$out/$d/refs"
  for si in inuse_space inuse_objects; do
    unit=""; [ "$si" = inuse_space ] && unit="-unit=B"
    go tool pprof -top -nodefraction=0 $unit -sample_index=$si \
      -diff_base="$out/$d/heap_001.pb.gz" "$out/$d/heap_004.pb.gz" \
      > "$out/$d/refs/top_diff_base.full.$si.txt" 2>/dev/null
  done
done
