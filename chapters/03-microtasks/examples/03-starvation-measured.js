'use strict';
// A callback that re-queues itself for 200 ms. How late is a 1 ms timer set at the same moment?
//
//   node examples/03-starvation-measured.js
const { performance } = require('perf_hooks');

function test(name, schedule, ms = 200) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let turns = 0;
    let timerAt = null;
    setTimeout(() => { timerAt = performance.now() - t0; }, 1);
    function again() {
      turns++;
      if (performance.now() - t0 < ms) schedule(again);
      else setTimeout(() => {
        console.log(`${name.padEnd(20)} ${String(turns).padStart(8)} turns in ${ms} ms; ` +
          `1 ms timer fired at ${timerAt.toFixed(1).padStart(6)} ms`);
        resolve();
      }, 5);
    }
    schedule(again);
  });
}

(async () => {
  await test('process.nextTick', (f) => process.nextTick(f));
  await test('queueMicrotask', (f) => queueMicrotask(f));
  await test('Promise.then', (f) => Promise.resolve().then(f));
  await test('setImmediate', (f) => setImmediate(f));
})();
