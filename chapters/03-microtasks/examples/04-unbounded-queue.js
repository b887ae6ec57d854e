'use strict';
// One nextTick per input item: the whole batch is queued before any of it runs, costs heap for
// every pending closure, and holds the loop until the last one finishes.
//
//   node examples/04-unbounded-queue.js
const { performance } = require('perf_hooks');
const N = 300000;
const items = Array.from({ length: N }, (_, i) => i);
const mib = (b) => (b / 1048576).toFixed(1);

function perItemTicks() {
  return new Promise((resolve) => {
    let sum = 0;
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    setTimeout(() => {
      console.log(`  1 ms timer fired at ${(performance.now() - t0).toFixed(0)} ms`);
      resolve(sum);
    }, 1);
    for (const it of items) process.nextTick(() => { sum += it; });
    console.log(`  queued ${N} callbacks in ${(performance.now() - t0).toFixed(0)} ms, ` +
      `heap +${mib(process.memoryUsage().heapUsed - heap0)} MiB while they wait`);
  });
}

function batchedWithSetImmediate(batch = 5000) {
  return new Promise((resolve) => {
    let sum = 0, i = 0, timerAt = null;
    const t0 = performance.now();
    setTimeout(() => { timerAt = performance.now() - t0; }, 1);
    (function slice() {
      const end = Math.min(i + batch, N);
      for (; i < end; i++) sum += items[i];
      if (i < N) return setImmediate(slice);
      console.log(`  done in ${(performance.now() - t0).toFixed(0)} ms; 1 ms timer fired at ${timerAt.toFixed(1)} ms`);
      resolve(sum);
    })();
  });
}

(async () => {
  console.log('one process.nextTick per item:');
  const a = await perItemTicks();
  console.log('batches of 5000 items per setImmediate:');
  const b = await batchedWithSetImmediate();
  console.log('same result:', a === b);
})();
