#!/usr/bin/env bash
# heapdiff beside its peers, measured in the same run, with the ratios the performance goals are
# stated in (README, "Performance"):
#
#   1. the shared corpus's large pair (go/large: 21 MB uncompressed, 524k samples):
#      `heapdiff diff` against `go tool pprof -top -diff_base` and against `gzip -dc` of the
#      same two files;
#   2. scaling: pairs 1x, 4x and 8x as large from the same Go program (testdata/gen/large,
#      written under $BENCH_DIR the first time, about two minutes), time and peak memory per
#      sample against the 1x pair;
#   3. `heapdiff flamegraph` against `inferno-flamegraph` alone on the folded stacks of the
#      same pair (`heapdiff diff --format folded`: every stack, both counts);
#   4. symbolization of the unsymbolized Rust series against `go tool pprof -symbolize=local`
#      (benches/symbolize.sh).
#
#   benches/peers.sh [RUNS]          (default 3 runs of each command; the median is kept)
#
# Needs /usr/bin/time, gzip and go (`go tool pprof`, and the toolchain for the generator);
# inferno-flamegraph from `cargo install inferno` (set INFERNO to its path if it is not on
# PATH; part 3 is skipped without it). Env: CORPUS (default ../shared/corpus), BENCH_DIR
# (default target/bench-large), HEAPDIFF (default target/release/heapdiff, built when missing),
# SKIP_PPROF=1, SKIP_SCALING=1, SKIP_SYMBOLIZE=1.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpus=${CORPUS:-../shared/corpus}
bench_dir=${BENCH_DIR:-target/bench-large}
bin=${HEAPDIFF:-target/release/heapdiff}
[ -x "$bin" ] || cargo build --release --quiet
inferno=${INFERNO:-$(command -v inferno-flamegraph || true)}
[ -z "$inferno" ] || [ -x "$inferno" ] || { echo "INFERNO=$inferno is not an executable" >&2; exit 2; }
a="$corpus/go/large/heap_A.pb.gz"
b="$corpus/go/large/heap_B.pb.gz"
[ -f "$a" ] || { echo "no corpus at $corpus" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# median LABEL CMD...: runs CMD $runs times; prints "LABEL median_seconds max_peak_kb".
median() {
  local label=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    cat "$tmp/t"
  done | sort -n | awk -v l="$label" '{t[NR]=$1; if ($2>m) m=$2} END {printf "%s %s %d\n", l, t[int((NR+1)/2)], m}'
}

gunzip_pair() { gzip -dc "$1" >/dev/null; gzip -dc "$2" >/dev/null; }
export -f gunzip_pair

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%F)"
echo

# 1. The large pair.
{
  median heapdiff "$bin" diff "$a" "$b"
  median gzip-dc bash -c 'gunzip_pair "$0" "$1"' "$a" "$b"
  [ -n "${SKIP_PPROF:-}" ] || median pprof go tool pprof -top -sample_index=inuse_space -diff_base="$a" "$b"
} > "$tmp/large"
awk '
  { t[$1]=$2; m[$1]=$3; printf "%-10s %7.3f s  %8.1f MiB\n", $1, $2, $3/1024 }
  END {
    printf "\ngo/large: heapdiff takes %.2fx the time of gzip -dc of the same two files\n", t["heapdiff"]/t["gzip-dc"];
    if (t["pprof"]) printf "go/large: heapdiff is %.0fx faster than go tool pprof -diff_base, in %.0fx less peak memory\n",
      t["pprof"]/t["heapdiff"], m["pprof"]/m["heapdiff"];
  }' "$tmp/large"
echo

# 2. Scaling.
if [ -z "${SKIP_SCALING:-}" ]; then
  for s in 1 4 8; do
    if [ ! -f "$bench_dir/s$s/heap_B.pb.gz" ]; then
      (cd testdata/gen/large && go run . -scale "$s" -out "$(cd ../../.. && mkdir -p "$bench_dir" && cd "$bench_dir" && pwd)/s$s")
    fi
  done
  for s in 1 4 8; do
    d="$bench_dir/s$s"
    n=0
    for f in "$d/heap_A.pb.gz" "$d/heap_B.pb.gz"; do
      k=$("$bin" show "$f" | awk '/contents/ {gsub(",", "", $2); print $2}')
      n=$((n + k))
    done
    echo "$(median "s$s" "$bin" diff "$d/heap_A.pb.gz" "$d/heap_B.pb.gz") $n"
  done > "$tmp/scale"
  awk '
    { t=$2; m=$3; n=$4; if (NR==1) { t1=t/n; m1=m/n }
      printf "%-3s %9d samples %7.3f s %8.1f MiB   per sample: time %.2fx, memory %.2fx of 1x\n",
        $1, n, t, m/1024, (t/n)/t1, (m/n)/m1 }' "$tmp/scale"
  echo
fi

# 3. Flamegraphs.
if [ -n "$inferno" ]; then
  "$bin" diff --format folded "$a" "$b" > "$tmp/pair.folded"
  {
    median heapdiff-flamegraph "$bin" flamegraph -o "$tmp/h.svg" "$a" "$b"
    median heapdiff-flamegraph-diff "$bin" flamegraph --mode differential -o "$tmp/d.svg" "$a" "$b"
    median inferno-flamegraph "$inferno" "$tmp/pair.folded"
  } > "$tmp/fg"
  awk -v lines="$(wc -l < "$tmp/pair.folded")" '
    { t[$1]=$2; printf "%-26s %7.3f s  %8.1f MiB\n", $1, $2, $3/1024 }
    END {
      printf "\nflamegraph: heapdiff from the two profiles takes %.2fx (retention) and %.2fx (differential) the time of inferno-flamegraph alone on their %d folded stacks\n",
        t["heapdiff-flamegraph"]/t["inferno-flamegraph"], t["heapdiff-flamegraph-diff"]/t["inferno-flamegraph"], lines;
    }' "$tmp/fg"
  echo
else
  echo "flamegraph: skipped (no inferno-flamegraph; cargo install inferno, or set INFERNO)"
  echo
fi

# 4. Symbolization.
if [ -z "${SKIP_SYMBOLIZE:-}" ]; then
  HEAPDIFF="$bin" CORPUS="$corpus" benches/symbolize.sh "$runs" | tail -n 1
fi
