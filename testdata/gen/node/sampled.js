// Writes V8 heap profiles through @datadog/pprof at V8's default sampling interval (512 KiB,
// as production Node services run), for heapdiff's tests of its verdicts on sampled profiles.
//
//   uptime  retainSession() keeps every request's session (an object with a 40-element array,
//           about 400 bytes) in a module-level array, after a warm-up of 100,000 requests, so
//           the leak is already large at the first snapshot; renderCached() keeps the last
//           20,000 renderings (strings of about 512 bytes) in a ring, full long before the
//           first snapshot; formatReply() is churn. Nine snapshots, 10,000 requests apart.
//   noleak  the same service without retainSession(), from a fresh start: the ring fills by
//           the third of eight snapshots, 10,000 requests apart. No site leaks.
//
// GC runs twice before each snapshot. groundtruth.json records what the program counted.
// Usage: node --expose-gc --no-turbo-inlining sampled.js MODE OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const pprof = require('@datadog/pprof');

const mode = process.argv[2] || 'uptime';
const out = process.argv[3] || 'out';
const sessions = [];
const ring = new Array(20000);
let next = 0;

function retainSession(id) {
  sessions.push({ id, payload: new Array(40).fill(id) });
}

function renderCached(id) {
  ring[next] = ('r' + id).padEnd(512, '.');
  next = (next + 1) % ring.length;
}

function formatReply(id) {
  const parts = new Array(256).fill(id);
  return JSON.stringify({ id, n: parts.length }).length;
}

function handle(id) {
  if (mode === 'uptime') retainSession(id);
  renderCached(id);
  return formatReply(id);
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  // V8's default sampling interval and pprof-nodejs's default stack depth.
  pprof.heap.start(512 * 1024, 64);
  const warmup = mode === 'uptime' ? 100000 : 0;
  const snapshots = mode === 'uptime' ? 9 : 8;
  const step = 10000;
  let id = 0;
  let sink = 0;
  const requests = [];
  for (let i = 0; i < warmup; i++) sink += handle(++id);
  for (let n = 1; n <= snapshots; n++) {
    if (n > 1 || warmup === 0) {
      for (let i = 0; i < step; i++) sink += handle(++id);
    }
    global.gc();
    global.gc();
    const profile = pprof.heap.profile();
    const buf = await pprof.encode(profile);
    fs.writeFileSync(path.join(out, `heap_${String(n).padStart(3, '0')}.pb.gz`), buf);
    requests.push(id);
  }
  pprof.heap.stop();
  fs.writeFileSync(path.join(out, 'groundtruth.json'), JSON.stringify({
    mode,
    interval_bytes: 512 * 1024,
    leak_function: mode === 'uptime' ? 'retainSession' : '',
    cache_function: 'renderCached',
    requests,
    node: process.version,
  }, null, 2) + '\n');
  if (sink < 0) console.log(sink);
}

main();
