#!/usr/bin/env python3
"""Writes the small crafted profiles in testdata/crafted/ (edge cases no runtime produces on
purpose). Each is a hand-encoded profile.proto, so the bytes are exactly what the name says.

Run from anywhere: python3 testdata/gen/crafted.py
"""
import gzip
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crafted")


def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(tag, n):
    return varint(tag << 3) + varint(n)


def field_bytes(tag, data):
    return varint((tag << 3) | 2) + varint(len(data)) + data


def packed(tag, nums):
    return field_bytes(tag, b"".join(varint(n) for n in nums))


def profile(strings, sample_types, samples, locations, functions, time_nanos=0, extra=b""):
    """strings: list of bytes; sample_types: [(type_idx, unit_idx)];
    samples: [([loc ids], [values])]; locations: [(id, [(func id, line)])];
    functions: [(id, name_idx, file_idx)]."""
    out = bytearray()
    for t, u in sample_types:
        out += field_bytes(1, field_varint(1, t) + field_varint(2, u))
    for locs, vals in samples:
        out += field_bytes(2, packed(1, locs) + packed(2, vals))
    for lid, lines in locations:
        body = field_varint(1, lid)
        for fid, line in lines:
            body += field_bytes(4, field_varint(1, fid) + field_varint(2, line))
        out += field_bytes(4, body)
    for fid, name, file in functions:
        out += field_bytes(5, field_varint(1, fid) + field_varint(2, name) + field_varint(4, file))
    for s in strings:
        out += field_bytes(6, s)
    if time_nanos:
        out += field_varint(9, time_nanos)
    return bytes(out + extra)


STRINGS = [b"", b"inuse_objects", b"count", b"inuse_space", b"bytes", b"main.leak", b"main.go",
           b"main.main", b"main.churn"]
TYPES = [(1, 2), (3, 4)]
FUNCS = [(1, 5, 6), (2, 7, 6), (3, 8, 6)]
LOCS = [(1, [(1, 10)]), (2, [(2, 20)]), (3, [(3, 30)])]


def small(leak_objects, churn_objects, t):
    return profile(STRINGS, TYPES,
                   [([1, 2], [leak_objects, leak_objects * 512]),
                    ([3, 2], [churn_objects, churn_objects * 64])],
                   LOCS, FUNCS, time_nanos=t)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    base = small(10, 5, 1_700_000_000_000_000_000)
    new = small(30, 5, 1_700_000_060_000_000_000)
    write("small_base.pb", base)
    write("small_new.pb.gz", gzip.compress(new, mtime=0))
    write("empty.pb.gz", b"")
    write("not_a_profile.txt", b"this is not a heap profile\nat all\n")
    gz = gzip.compress(new, mtime=0)
    write("truncated.pb.gz", gz[: len(gz) // 2])
    write("truncated.pb", new[: len(new) - 7])
    # A sample pointing at location 9, which does not exist.
    write("dangling_location.pb", profile(STRINGS, TYPES, [([9], [1, 512])], LOCS, FUNCS))
    # A location pointing at function 7, which does not exist.
    write("dangling_function.pb",
          profile(STRINGS, TYPES, [([1], [1, 512])], [(1, [(7, 1)])], FUNCS))
    # A string index past the end of the table.
    write("bad_string_index.pb",
          profile(STRINGS, [(1, 2), (3, 40)], [([1], [1, 512])], LOCS, FUNCS))
    # Sample types but no samples: a valid, empty profile.
    write("no_samples.pb", profile(STRINGS, TYPES, [], LOCS, FUNCS))
    # A CPU profile: no heap sample type in common with the others.
    cpu_strings = [b"", b"samples", b"count", b"cpu", b"nanoseconds", b"main.leak", b"main.go",
                   b"main.main", b"main.churn"]
    write("cpu.pb", profile(cpu_strings, TYPES, [([1, 2], [3, 30000000])], LOCS, FUNCS))
    # inuse_space measured in a different unit.
    kb_strings = STRINGS[:4] + [b"kilobytes"] + STRINGS[5:]
    write("inuse_space_kilobytes.pb", profile(kb_strings, TYPES, [([1, 2], [1, 1])], LOCS, FUNCS))
    # A function name that is not valid UTF-8 (pprof reads such files).
    bad_utf8 = STRINGS[:5] + [b"main.l\xffak"] + STRINGS[6:]
    write("non_utf8_name.pb", profile(bad_utf8, TYPES, [([1, 2], [2, 1024])], LOCS, FUNCS))
    # Laid out as Julia's PProf.jl writes allocation profiles (PProf.Allocs.pprof): sample
    # types allocs/count and size/bytes, default type "allocs", period type heap/bytes, a leaf
    # frame "Alloc: <type>" per sample, functions in .jl files. No Julia runtime is available
    # here, so these two are written by this script to that layout.
    jl_strings = [b"", b"allocs", b"count", b"size", b"bytes", b"heap",
                  b"Alloc: Vector{UInt8}", b"nothing", b"cache_request(req::Request)",
                  b"/app/src/server.jl", b"handle(req::Request)", b"Alloc: String",
                  b"log_line(msg::String)"]
    jl_types = [(1, 2), (3, 4)]
    jl_funcs = [(1, 6, 7), (2, 8, 9), (3, 10, 9), (4, 11, 7), (5, 12, 9)]
    jl_locs = [(1, [(1, 0)]), (2, [(2, 41)]), (3, [(3, 12)]), (4, [(4, 0)]), (5, [(5, 77)])]
    extra = field_bytes(11, field_varint(1, 5) + field_varint(2, 4)) + field_varint(12, 1) \
        + field_varint(14, 1)
    for name, n, t in [("julia_allocs_1.pb.gz", 100, 1_700_000_000_000_000_000),
                       ("julia_allocs_2.pb.gz", 400, 1_700_000_030_000_000_000)]:
        p = profile(jl_strings, jl_types,
                    [([1, 2, 3], [n, n * 1024]), ([4, 5, 3], [50, 50 * 64])],
                    jl_locs, jl_funcs, time_nanos=t, extra=extra)
        write(name, gzip.compress(p, mtime=0))
    # A legacy text heap profile with a malformed sample line.
    write("legacy_malformed.txt",
          b"heap profile: 1: 512 [1: 512] @ heap/2\n1: 512 [1: 512] @ 0x1000 0x2000\n"
          b"this line is not a sample\n")


if __name__ == "__main__":
    main()
