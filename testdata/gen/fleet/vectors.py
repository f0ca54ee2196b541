#!/usr/bin/env python3
"""Encodes the messages heapdiff exchanges with Grafana Pyroscope and Parca from the projects'
own published .proto files, into testdata/fleet/vectors.txt (one `name hex` per line), which
src/source/fleet's unit tests check heapdiff's encoders and decoders against.

Needs PyPI's grpcio-tools (which bundles protoc) and protobuf, and checkouts of
grafana/pyroscope and parca-dev/parca:

    python3 -m venv /tmp/gv && /tmp/gv/bin/pip install grpcio-tools protobuf
    /tmp/gv/bin/python testdata/gen/fleet/vectors.py PYROSCOPE_CHECKOUT PARCA_CHECKOUT

The .proto files are read from the checkouts as they are, with only their HTTP and OpenAPI
annotations taken out (those imports live in other repositories and change no message).
"""
import importlib
import os
import re
import sys
import tempfile

from grpc_tools import protoc
import grpc_tools

STRIP_IMPORTS = re.compile(r'^import "(gnostic/[^"]*|google/api/[^"]*)";\s*$', re.M)


def strip_options(text):
    """Drops `option (gnostic...)`/`option (google.api.http)` statements, braces and all."""
    out, i = [], 0
    pat = re.compile(r'option\s*\((gnostic|google\.api)[^)]*\)[^;{]*')
    while True:
        m = pat.search(text, i)
        if not m:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:m.start()])
        j = m.end()
        if text[j:].lstrip().startswith("{") or text[j - 1] == "{":
            depth = 0
            while j < len(text):
                c = text[j]
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                j += 1
        end = text.find(";", j)
        i = end + 1 if end >= 0 and text[j:end].strip() == "" else j


def strip_field_options(text):
    """Drops `[(gnostic...) = ...]` field options, brackets balanced, quotes respected."""
    out, i = [], 0
    while True:
        j = text.find("[(gnostic", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j].rstrip(" "))
        depth, k, quote = 0, j, None
        while k < len(text):
            c = text[k]
            if quote:
                if c == "\\":
                    k += 1
                elif c == quote:
                    quote = None
            elif c in "\"'":
                quote = c
            elif c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    k += 1
                    break
            k += 1
        i = k


def copy_protos(root, files, dest):
    for rel in files:
        text = open(os.path.join(root, rel)).read()
        text = strip_field_options(strip_options(STRIP_IMPORTS.sub("", text)))
        path = os.path.join(dest, rel.split("/", 1)[1] if rel.startswith(("api/", "proto/")) else rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "w").write(text)


def compile_all(dest, rels):
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = ["protoc", f"-I{dest}", f"-I{include}", f"--python_out={dest}"] + rels
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    sys.path.insert(0, dest)


def main():
    pyroscope, parca = sys.argv[1], sys.argv[2]
    out = os.path.join(os.path.dirname(__file__), "../../fleet/vectors.txt")
    with tempfile.TemporaryDirectory() as d:
        copy_protos(pyroscope, ["api/querier/v1/querier.proto", "api/types/v1/types.proto",
                                "api/google/v1/profile.proto"], d)
        copy_protos(parca, ["proto/parca/query/v1alpha1/query.proto",
                            "proto/parca/profilestore/v1alpha1/profilestore.proto",
                            "proto/parca/metastore/v1alpha1/metastore.proto"], d)
        compile_all(d, ["querier/v1/querier.proto", "types/v1/types.proto", "google/v1/profile.proto",
                        "parca/query/v1alpha1/query.proto",
                        "parca/profilestore/v1alpha1/profilestore.proto",
                        "parca/metastore/v1alpha1/metastore.proto"])
        # Pyroscope's package `types.v1` shares its first name with Python's `types`: load it
        # by file and register it before anything imports it.
        import importlib.util
        import types as _stdlib_types
        pkg = _stdlib_types.ModuleType("types.v1")
        pkg.__path__ = [os.path.join(d, "types", "v1")]
        sys.modules["types.v1"] = pkg
        spec = importlib.util.spec_from_file_location("types.v1.types_pb2", os.path.join(d, "types/v1/types_pb2.py"))
        t = importlib.util.module_from_spec(spec)
        sys.modules["types.v1.types_pb2"] = t
        spec.loader.exec_module(t)
        pkg.types_pb2 = t
        q = importlib.import_module("querier.v1.querier_pb2")
        g = importlib.import_module("google.v1.profile_pb2")
        pq = importlib.import_module("parca.query.v1alpha1.query_pb2")
        ps = importlib.import_module("parca.profilestore.v1alpha1.profilestore_pb2")

        sel, typ = '{service_name="api"}', "memory:inuse_space:bytes:space:bytes"
        v = {}
        v["pyroscope.ProfileTypesRequest"] = q.ProfileTypesRequest(start=1796353200000, end=1796355600000)
        v["pyroscope.ProfileTypesResponse"] = q.ProfileTypesResponse(profile_types=[
            t.ProfileType(ID=typ, name="memory", sample_type="inuse_space", sample_unit="bytes",
                          period_type="space", period_unit="bytes")])
        v["pyroscope.LabelNamesRequest"] = t.LabelNamesRequest(matchers=[sel], start=1796353200000, end=1796355600000)
        v["pyroscope.LabelNamesResponse"] = t.LabelNamesResponse(names=["pod", "service_name"])
        v["pyroscope.SelectSeriesRequest"] = q.SelectSeriesRequest(
            profile_typeID=typ, label_selector=sel, start=1796353200000, end=1796355600000,
            group_by=["pod"], step=1.0, aggregation=t.TIME_SERIES_AGGREGATION_TYPE_SUM)
        v["pyroscope.SelectSeriesResponse"] = q.SelectSeriesResponse(series=[
            t.Series(labels=[t.LabelPair(name="pod", value="api-0")],
                     points=[t.Point(value=155360.0, timestamp=1796353215000)])])
        v["pyroscope.SelectMergeStacktracesRequest"] = q.SelectMergeStacktracesRequest(
            profile_typeID=typ, label_selector=sel, start=1796353200000, end=1796353799999,
            format=q.PROFILE_FORMAT_PPROF)
        v["pyroscope.SelectMergeProfileRequest"] = q.SelectMergeProfileRequest(
            profile_typeID=typ, label_selector=sel, start=1796353200000, end=1796353799999)
        v["pyroscope.SelectMergeStacktracesResponse"] = q.SelectMergeStacktracesResponse(
            pprof=q.PprofProfile(profile=g.Profile(string_table=["", "x"], time_nanos=7)))
        v["parca.QueryRequest"] = pq.QueryRequest(
            mode=pq.QueryRequest.MODE_MERGE,
            merge=pq.MergeProfile(query=typ + '{job="api"}',
                                  start={"seconds": 1796353200}, end={"seconds": 1796353799, "nanos": 999000000}),
            report_type=pq.QueryRequest.REPORT_TYPE_PPROF)
        v["parca.QueryResponse"] = pq.QueryResponse(pprof=b"\x1f\x8b")
        v["parca.QueryRangeRequest"] = pq.QueryRangeRequest(
            query=typ + '{job="api"}', start={"seconds": 1796353200},
            end={"seconds": 1796355599, "nanos": 999000000}, step={"seconds": 600})
        v["parca.QueryRangeResponse"] = pq.QueryRangeResponse(series=[pq.MetricsSeries(
            labelset=ps.LabelSet(labels=[ps.Label(name="pod", value="api-0")]),
            samples=[pq.MetricsSample(timestamp={"seconds": 1796353215}, value=155360, count=2)])])
        with open(out, "w") as f:
            f.write("# Made by testdata/gen/fleet/vectors.py from grafana/pyroscope's and parca-dev/parca's .proto files.\n")
            for name in sorted(v):
                f.write(f"{name} {v[name].SerializeToString().hex()}\n")
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
