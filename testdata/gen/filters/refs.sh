#!/usr/bin/env bash
# Writes tests/data/filters/*.txt: `go tool pprof -top -diff_base` with each of pprof's four
# sample filters on three pairs of the shared corpus. The tests check heapdiff's per-function
# deltas under the same filters against these, row for row.
#
# Usage (from the repository root, with Go installed): testdata/gen/filters/refs.sh [CORPUS]
set -euo pipefail
corpus="${1:-../shared/corpus}"
out=tests/data/filters
mkdir -p "$out"
# series first last focus ignore hide show
while read -r series first last focus ignore hide show; do
  name=$(echo "$series" | tr '/' '_')
  for filter in focus ignore hide show; do
    re=${!filter}
    go tool pprof -top -nodecount=1000000 -nodefraction=0 -edgefraction=0 -unit=B \
      -sample_index=inuse_space "-$filter=$re" \
      -diff_base="$corpus/$series/$first" "$corpus/$series/$last" \
      > "$out/$name.$filter.txt" 2>/dev/null
    printf '%s\t%s\n' "$filter" "$re" >> "$out/$name.$filter.txt.args"
    mv "$out/$name.$filter.txt.args" "$out/$name.$filter.args"
  done
done <<'PAIRS'
go/linear_leak heap_001.pb.gz heap_007.pb.gz newStream newStream runtime\. main\.
go/mixed heap_001.pb.gz heap_008.pb.gz intern Session runtime\.|sync\. main\.
node heap_001.pb.gz heap_007.pb.gz retainSessionState cacheInsert ^node:|processTicks leak|main
PAIRS
echo "wrote $out"
