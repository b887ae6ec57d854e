'use strict';
// Where objects live in V8's heap, watched through v8.getHeapSpaceStatistics().
// gc() is exposed at run time so the script runs with a plain `node file.js`.
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const MiB = (n) => (n / 2 ** 20).toFixed(2);
console.log(`heap_size_limit: ${MiB(v8.getHeapStatistics().heap_size_limit)} MiB`);
console.log('spaces:', v8.getHeapSpaceStatistics().map((s) => s.space_name).join(', '));

function spaces(label) {
  const s = Object.fromEntries(v8.getHeapSpaceStatistics().map((x) => [x.space_name, x.space_used_size]));
  const m = process.memoryUsage();
  console.log(`${label.padEnd(36)} new ${MiB(s.new_space).padStart(6)} | old ${MiB(s.old_space).padStart(6)} | ` +
    `large ${MiB(s.large_object_space).padStart(5)} | new_large ${MiB(s.new_large_object_space).padStart(5)} | ` +
    `external ${MiB(m.external).padStart(6)} (MiB)`);
}

gc();
spaces('after full GC (baseline)');
let retained = [];
for (let i = 0; i < 100_000; i++) retained.push({ i, s: `item-${i}` });
spaces('100k small objects still referenced');
gc({ type: 'minor' });
spaces('after 1 scavenge');
gc({ type: 'minor' });
spaces('after 2 scavenges');
const bigArray = new Array(300_000).fill(0);
spaces('one 300k-element array');
const buf = Buffer.alloc(64 * 2 ** 20);
spaces('64 MiB Buffer');
retained = null;
gc();
spaces('dropped the 100k objects, full GC');
console.log(`(keep alive: ${bigArray.length}, ${buf.length})`);
