#!/usr/bin/env bash
# Peak memory and time of `heapdiff show` on hostile inputs: a 1 GiB zero bomb, 110 million
# identical samples (about 900 MB raw, 5 MB gzipped), 20k sample types over 200k empty samples,
# a gzip trailer claiming 4 GiB, and one stack of 300,000 distinct frames (flamegraph).
# heapdiff refuses or reads each; this prints what it cost.
#
#   benches/bombs.sh            (needs /usr/bin/time, gzip and python3; writes to a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${HEAPDIFF:-target/release/heapdiff}
[ -x "$bin" ] || cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c 1073741824 /dev/zero | gzip -1 > "$dir/zeros_1GiB.gz"
python3 - "$dir" <<'PY'
import gzip, sys
d = sys.argv[1]
def v(n):
    out = b''
    while True:
        b = n & 0x7f; n >>= 7
        if n: out += bytes([b | 0x80])
        else: return out + bytes([b])
def f(num, payload): return v(num << 3 | 2) + v(len(payload)) + payload
def i(num, val): return v(num << 3) + v(val)
strings = [b'', b'inuse_space', b'bytes', b'main.f', b'f.go']
hdr = f(1, i(1, 1) + i(2, 2)) + f(5, i(1, 1) + i(2, 3) + i(4, 4)) + f(4, i(1, 1) + f(4, i(1, 1)))
hdr += b''.join(f(6, s) for s in strings)
sample = f(2, f(1, v(1)) + f(2, v(100)))
with gzip.open(f'{d}/identical_110M.pb.gz', 'wb', compresslevel=1) as g:
    g.write(hdr)
    chunk = sample * 100000
    for _ in range(1100): g.write(chunk)
with gzip.open(f'{d}/types_20k_x_samples_200k.pb.gz', 'wb') as g:
    g.write(f(6, b'') + f(6, b'x'))
    g.write(f(1, i(1, 1) + i(2, 1)) * 20000)
    g.write(f(2, b'') * 200000)
open(f'{d}/trailer_4GiB.gz', 'wb').write(bytes([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]))
n = 300000
p = f(1, i(1, 1) + i(2, 2))
strings = [b'', b'inuse_space', b'bytes'] + [b'f%d' % k for k in range(1, n + 1)]
for k in range(1, n + 1):
    p += f(5, i(1, k) + i(2, k + 2)) + f(4, i(1, k) + f(4, i(1, k)))
ids = b''.join(v(k) for k in range(1, n + 1))
for name, val in (('deep_a', 1), ('deep_b', 1 << 20)):
    q = p + f(2, f(1, ids) + f(2, v(val))) + b''.join(f(6, s) for s in strings)
    with gzip.open(f'{d}/{name}.pb.gz', 'wb') as g: g.write(q)
PY
printf '%-40s %8s %10s  %s\n' input seconds peak_MiB outcome
for f in zeros_1GiB.gz identical_110M.pb.gz types_20k_x_samples_200k.pb.gz trailer_4GiB.gz; do
  /usr/bin/time -f '%e %M' "$bin" show "$dir/$f" >/dev/null 2>"$dir/err" || true
  read -r secs kb < <(tail -n 1 "$dir/err")
  what=read
  [ "$(wc -l < "$dir/err")" -gt 1 ] && what=$(head -n 1 "$dir/err" | sed "s|$dir/||" | cut -c1-70)
  printf '%-40s %8s %10s  %s\n' "$f" "$secs" "$((kb / 1024))" "$what"
done
/usr/bin/time -f '%e %M' "$bin" flamegraph "$dir/deep_a.pb.gz" "$dir/deep_b.pb.gz" >/dev/null 2>"$dir/err" || true
read -r secs kb < <(tail -n 1 "$dir/err")
printf '%-40s %8s %10s  %s\n' "flamegraph of 300k-frame stack" "$secs" "$((kb / 1024))" drawn
