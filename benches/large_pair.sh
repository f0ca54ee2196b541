#!/usr/bin/env bash
# Times `heapdiff diff` beside `go tool pprof -top -diff_base` on the shared corpus's large pair
# (go/large: 21 MB uncompressed, 524k samples), in the same run, and prints the ratios.
#
#   benches/large_pair.sh [RUNS]        (default 3 runs each; needs /usr/bin/time and go)
#
# Env: CORPUS (default ../shared/corpus), HEAPDIFF (default target/release/heapdiff, built if
# missing), SKIP_PPROF=1 to time heapdiff alone.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpus=${CORPUS:-../shared/corpus}
a="$corpus/go/large/heap_A.pb.gz"
b="$corpus/go/large/heap_B.pb.gz"
[ -f "$a" ] || { echo "no corpus at $corpus" >&2; exit 2; }
bin=${HEAPDIFF:-target/release/heapdiff}
[ -x "$bin" ] || cargo build --release --quiet

measure() { # label, command...: prints "label wall_s max_rss_kb" per run
  local label=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "$label %e %M" "$@" >/dev/null 2>/tmp/heapdiff-bench.$$ || { cat /tmp/heapdiff-bench.$$ >&2; exit 1; }
    tail -n 1 /tmp/heapdiff-bench.$$
  done
  rm -f /tmp/heapdiff-bench.$$
}

gunzip_only() { gzip -dc "$a" >/dev/null; gzip -dc "$b" >/dev/null; }
export -f gunzip_only
export a b

{
  measure heapdiff "$bin" diff --top 20 "$a" "$b"
  measure heapdiff-json "$bin" diff --format json -o /dev/null "$a" "$b"
  measure gzip-d bash -c gunzip_only
  if [ -z "${SKIP_PPROF:-}" ]; then
    measure pprof go tool pprof -top -sample_index=inuse_space -diff_base="$a" "$b"
  fi
} | awk '
  { n[$1]++; t[$1]+=$2; if ($3>m[$1]) m[$1]=$3; printf "%-14s %6.2f s  %8.1f MB\n", $1, $2, $3/1024 }
  END {
    print "";
    for (k in n) printf "mean %-14s %6.3f s  peak %8.1f MB\n", k, t[k]/n[k], m[k]/1024;
    if (n["pprof"] && n["heapdiff"]) {
      printf "\nheapdiff is %.1fx faster than go tool pprof and uses %.1fx less peak memory\n",
        (t["pprof"]/n["pprof"]) / (t["heapdiff"]/n["heapdiff"]), m["pprof"]/m["heapdiff"];
    }
    if (n["gzip-d"] && n["heapdiff"]) {
      printf "heapdiff takes %.1fx the time of gzip -d on the same two files\n",
        (t["heapdiff"]/n["heapdiff"]) / (t["gzip-d"]/n["gzip-d"]);
    }
  }'
