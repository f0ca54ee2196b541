#!/usr/bin/env bash
# Writes tests/data/external_totals.tsv: for every profile of the shared corpus's external/
# folder that `go tool pprof` reads, the sum of each sample type over all samples, as pprof
# parses the file (`go tool pprof -raw`). The tests compare heapdiff's totals with these.
#
# Usage (from the repository root, with Go installed): testdata/gen/external/totals.sh [CORPUS]
set -euo pipefail
corpus="${1:-../shared/corpus}"
out="tests/data/external_totals.tsv"
{
  printf 'file\ttype\ttotal\n'
  cd "$corpus/external"
  find . -type f ! -name SOURCES.md | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
    raw=$(go tool pprof -raw "$f" 2>/dev/null) || continue
    printf '%s\n' "$raw" | awk -v file="$f" '
      /^Samples:/ { in_samples = 1; getline; ntypes = split($0, types, " "); next }
      /^Locations/ { in_samples = 0 }
      in_samples && /:/ {
        split($0, parts, ":"); n = split(parts[1], v, " ")
        if (n == ntypes) for (i = 1; i <= n; i++) sum[i] += v[i]
      }
      END { for (i = 1; i <= ntypes; i++) { t = types[i]; sub(/\[dflt\]$/, "", t); printf "%s\t%s\t%.0f\n", file, t, sum[i] } }'
  done
} > "$out"
echo "wrote $out"
