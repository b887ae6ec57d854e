'use strict';
// A forced full GC is a stop-the-world pause whose length grows with the
// amount of LIVE data (marking walks live objects), not with garbage.
// gc() from --expose-gc is a non-incremental full collection: treat these
// numbers as the worst case, not what an incremental major GC pauses for.
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const live = [];
for (const n of [100_000, 500_000, 1_500_000]) {
  while (live.length < n) live.push({ id: live.length, tag: `t${live.length}` });
  gc();                                   // settle
  let t = performance.now();
  gc();
  const full = performance.now() - t;
  t = performance.now();
  gc({ type: 'minor' });
  const minor = performance.now() - t;
  const used = (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
  console.log(`${String(n).padStart(9)} live objects, heapUsed ${used.padStart(4)} MiB: ` +
    `full GC ${full.toFixed(1).padStart(6)} ms, scavenge ${minor.toFixed(2).padStart(5)} ms`);
}
let garbage = 0;
for (let i = 0; i < 2_000_000; i++) garbage += { i }.i;  // short-lived, dies young
let t = performance.now();
gc();
const after = performance.now() - t;
console.log(`after allocating 2M short-lived objects: full GC ${after.toFixed(1)} ms ` +
  `(live set unchanged: ${live.length} objects; dead objects are never visited by marking) [${garbage > 0}]`);
