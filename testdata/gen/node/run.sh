#!/usr/bin/env bash
# Regenerates testdata/node/ and testdata/node_sampled_*/ (needs node and npm; installs
# @datadog/pprof into node_modules).
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --silent
rm -rf ../../node ../../node_sampled_uptime ../../node_sampled_noleak
node --expose-gc --no-turbo-inlining leak.js ../../node
for mode in uptime noleak; do
  node --expose-gc --no-turbo-inlining sampled.js "$mode" "../../node_sampled_$mode"
done
