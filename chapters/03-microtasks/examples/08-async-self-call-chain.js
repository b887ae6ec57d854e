'use strict';
// An async function that awaits a settled value and then calls itself: it starves the loop like
// a nextTick chain, and every level also keeps a pending promise alive until the chain ends.
//
//   node examples/08-async-self-call-chain.js
const { performance } = require('perf_hooks');
const RUN_MS = 250;
const mib = (b) => (b / 1048576).toFixed(1);

function measure(label, start) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const heap0 = process.memoryUsage().heapUsed;
    let timerAt = null;
    setTimeout(() => { timerAt = performance.now() - t0; }, 1);
    start(t0, (turns) => {
      const grown = process.memoryUsage().heapUsed - heap0; // measured before anything is released
      setTimeout(() => {
        console.log(`${label.padEnd(40)} ${String(turns).padStart(8)} turns, heap +${mib(grown).padStart(5)} MiB ` +
          `at the end, 1 ms timer fired at ${timerAt.toFixed(0)} ms`);
        resolve();
      }, 5);
    });
  });
}

(async () => {
  await measure('process.nextTick(self)', (t0, done) => {
    let n = 0;
    (function again() { n++; if (performance.now() - t0 < RUN_MS) process.nextTick(again); else done(n); })();
  });
  await measure('async f() { await null; return f(); }', (t0, done) => {
    let n = 0;
    async function again() {
      n++;
      await null;
      if (performance.now() - t0 < RUN_MS) return again();
      done(n);
    }
    again();
  });
})();
