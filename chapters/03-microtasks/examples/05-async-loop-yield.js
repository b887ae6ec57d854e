'use strict';
// An async while(true) whose awaits are already settled never lets the loop reach timers or I/O.
//
//   node examples/05-async-loop-yield.js
const { performance } = require('perf_hooks');
const { setImmediate: nextIteration } = require('timers/promises');

async function run(label, body) {
  const t0 = performance.now();
  let timerAt = null;
  setTimeout(() => { timerAt = performance.now() - t0; }, 1);
  const turns = await body(t0);
  await new Promise((r) => setTimeout(r, 2));
  console.log(`${label.padEnd(36)} ${String(turns).padStart(8)} iterations; 1 ms timer fired at ` +
    `${timerAt.toFixed(1).padStart(6)} ms`);
}

(async () => {
  await run('await null in a loop (never yields)', async (t0) => {
    let n = 0;
    while (true) { n++; await null; if (performance.now() - t0 > 250) return n; }
  });
  await run('await setImmediate() every iteration', async (t0) => {
    let n = 0;
    while (true) { n++; await nextIteration(); if (performance.now() - t0 > 250) return n; }
  });
  await run('await setImmediate() every 5 ms', async (t0) => {
    let n = 0, slice = performance.now();
    while (true) {
      n++;
      await null;
      if (performance.now() - slice > 5) { await nextIteration(); slice = performance.now(); }
      if (performance.now() - t0 > 250) return n;
    }
  });
})();
