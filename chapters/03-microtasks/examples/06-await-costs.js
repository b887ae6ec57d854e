'use strict';
// How many microtask turns each form needs before the caller's .then runs. A counter re-queues
// itself with queueMicrotask and stops when the awaited thing settles.
//
//   node examples/06-await-costs.js
const settled = Promise.resolve(1);
const cases = [
  ['async fn returning a value', async () => 1],
  ['await 1 (plain value)', async () => { await 1; }],
  ['await an already-settled promise', async () => { await settled; }],
  ['await a thenable object', async () => { await { then(r) { r(1); } }; }],
  ['async fn returning a settled promise', async () => settled],
];

function count(start) {
  return new Promise((resolve) => {
    let turns = 0, done = false;
    const tick = () => { if (!done) { turns++; queueMicrotask(tick); } };
    queueMicrotask(tick);
    start().then(() => { done = true; resolve(turns); });
  });
}

(async () => {
  for (const [label, fn] of cases) {
    const turns = await count(fn);
    console.log(`${label.padEnd(38)} ${turns} turn(s)`);
    await new Promise((r) => setImmediate(r)); // start every case from an empty queue
  }
})();
