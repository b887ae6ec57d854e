'use strict';
// Ordering facts and non-facts, checked by running child processes.
const { execFileSync } = require('node:child_process');

function runMany(code, times) {
  const counts = {};
  for (let i = 0; i < times; i++) {
    const first = execFileSync(process.execPath, ['-e', code]).toString().split('\n')[0];
    counts[first] = (counts[first] || 0) + 1;
  }
  return JSON.stringify(counts);
}

const mainModule = "setTimeout(() => console.log('timeout'), 0); setImmediate(() => console.log('immediate'));";
const inIo = `require('fs').stat('.', () => { ${mainModule} });`;
console.log(`main module, setTimeout 0 vs setImmediate, first printed over 10 runs: ${runMany(mainModule, 10)}`);
console.log(`inside an fs callback, first printed over 10 runs:                  ${runMany(inIo, 10)}`);

const t0 = setTimeout(() => {}, 0);
console.log(`setTimeout(fn, 0) is stored as ${t0._idleTimeout} ms`);
clearTimeout(t0);

// Timers of the same duration run in one timers-phase pass, but microtasks
// and nextTicks are drained after EACH callback, not once per phase.
const s = performance.now();
for (let i = 1; i <= 3; i++) {
  setTimeout(() => {
    console.log(`timeout ${i} at ${(performance.now() - s).toFixed(2)} ms`);
    process.nextTick(() => console.log(`  nextTick queued by timeout ${i}`));
    Promise.resolve().then(() => console.log(`  promise reaction queued by timeout ${i}`));
  }, 5);
}
