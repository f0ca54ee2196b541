// Writes testdata/node/heap_NNN.pb.gz: V8 sampling heap profiles, through @datadog/pprof, of a
// small server loop with one leak.
//
//   leak   registerListener() keeps every listener it creates in a module-level array: an object
//          with a 32-element array and a closure per request, never removed.
//   churn  formatReply() builds strings and arrays that are garbage at once.
//
// Sampling interval 1 KiB. GC runs twice before each snapshot. 4 snapshots, 5,000 requests
// apart (the first after 1,000 requests).
// Usage: node --expose-gc --no-turbo-inlining leak.js OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const pprof = require('@datadog/pprof');

const out = process.argv[2] || 'out';
const listeners = [];

function registerListener(id) {
  const topics = new Array(32).fill(id);
  listeners.push({ id, topics, fire: () => topics.length + id });
}

function formatReply(id) {
  const parts = new Array(256).fill(id);
  return JSON.stringify({ id, n: parts.length }).length;
}

function handle(id) {
  registerListener(id);
  return formatReply(id);
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  pprof.heap.start(1024, 64);
  let id = 0;
  let sink = 0;
  for (let n = 1; n <= 4; n++) {
    const count = n === 1 ? 1000 : 5000;
    for (let i = 0; i < count; i++) sink += handle(++id);
    global.gc();
    global.gc();
    const profile = pprof.heap.profile();
    const buf = await pprof.encode(profile);
    // encode() gzips already; write as it is.
    fs.writeFileSync(path.join(out, `heap_${String(n).padStart(3, '0')}.pb.gz`), buf);
  }
  pprof.heap.stop();
  fs.writeFileSync(path.join(out, 'groundtruth.json'), JSON.stringify({
    leak_function: 'registerListener',
    requests: [1000, 6000, 11000, 16000],
    node: process.version,
  }, null, 2) + '\n');
  if (sink < 0) console.log(sink);
}

main();
