#!/usr/bin/env bash
# Times symbolization of the corpus's unsymbolized Rust series (7 jemalloc_pprof profiles)
# by heapdiff beside `go tool pprof -symbolize=local`, in the same run.
#
#   benches/symbolize.sh [RUNS]     (default 3; needs /usr/bin/time and go)
#
# Go 1.19's pprof finds the binary only at the path the profiles recorded
# (/src/corpus/rust/bin/jemalloc_leak); when /src/corpus is missing the script links it to the
# corpus for the run (as root) and removes the link afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpus=$(cd "${CORPUS:-../shared/corpus}" && pwd)
dir="$corpus/rust/unsymbolized"
bin=${HEAPDIFF:-target/release/heapdiff}
[ -x "$bin" ] || cargo build --release --quiet
made_link=""
if [ ! -e /src/corpus ]; then
  mkdir -p /src && ln -s "$corpus" /src/corpus && made_link=1
fi
trap '[ -n "$made_link" ] && rm -f /src/corpus && rmdir /src 2>/dev/null; true' EXIT

pprof_all() { for f in "$dir"/heap_00*.pb.gz; do go tool pprof -symbolize=local -top "$f" >/dev/null 2>&1; done; }
export -f pprof_all
export dir

for _ in $(seq "$runs"); do
  /usr/bin/time -f "heapdiff %e %M" "$bin" diff --binary "$corpus/rust/bin/jemalloc_leak" "$dir" 2>&1 >/dev/null | tail -n 1
  /usr/bin/time -f "heapdiff-nosym %e %M" "$bin" diff --no-symbolize "$dir" 2>&1 >/dev/null | tail -n 1
  /usr/bin/time -f "pprof %e %M" bash -c pprof_all 2>&1 | tail -n 1
done | awk '
  { n[$1]++; t[$1]+=$2; printf "%-15s %7.3f s  %8.1f MB\n", $1, $2, $3/1024 }
  END {
    for (k in n) printf "mean %-15s %7.3f s\n", k, t[k]/n[k];
    printf "\nsymbolizing 7 profiles: heapdiff %.3f s (of which symbolization %.3f s), go tool pprof -symbolize=local %.1f s: %.0fx\n",
      t["heapdiff"]/n["heapdiff"], (t["heapdiff"]-t["heapdiff-nosym"])/n["heapdiff"], t["pprof"]/n["pprof"],
      (t["pprof"]/n["pprof"])/(t["heapdiff"]/n["heapdiff"]);
  }'
