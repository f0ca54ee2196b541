#!/usr/bin/env bash
# Regenerates testdata/node/ (needs node and npm; installs @datadog/pprof into node_modules).
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --silent
rm -rf ../../node
node --expose-gc --no-turbo-inlining leak.js ../../node
