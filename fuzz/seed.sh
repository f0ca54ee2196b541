#!/usr/bin/env bash
# Seeds the fuzz corpora from the profiles in testdata/ (gzipped and raw).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in load_bytes structured; do mkdir -p "fuzz/corpus/$t"; done
find testdata -type f \( -name '*.pb*' -o -name '*.txt*' -o -name '*.jeheap' \) -size -2M |
  while read -r f; do
    name=$(echo "$f" | tr '/' '_')
    cp "$f" "fuzz/corpus/load_bytes/$name"
    case "$f" in *.gz) gzip -dc "$f" > "fuzz/corpus/load_bytes/${name%.gz}.raw" 2>/dev/null || true ;; esac
  done
echo "seeded fuzz/corpus/load_bytes from testdata"
