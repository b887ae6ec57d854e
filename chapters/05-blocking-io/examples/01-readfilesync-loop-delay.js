'use strict';
// Measures how long the event loop is held up by fs.readFileSync versus
// fs.promises.readFile on the same 64 MiB file (already in the page cache).
// A 5 ms heartbeat interval records the largest gap between its ticks:
// that gap is the time nothing else in the process could run.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');

const file = path.join(os.tmpdir(), `looplens-05-01-${process.pid}.bin`);
fs.writeFileSync(file, Buffer.alloc(64 * 2 ** 20, 1)); // start-up: sync is fine here

async function measure(label, fn) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  let last = performance.now();
  let maxGap = 0;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 5);
  await sleep(30); // let the heartbeat and the histogram take a baseline
  maxGap = 0;
  const t = performance.now();
  await fn();
  const took = performance.now() - t;
  await sleep(30);
  clearInterval(heartbeat);
  h.disable();
  console.log(
    `${label.padEnd(22)} took ${took.toFixed(0).padStart(4)} ms | ` +
    `worst heartbeat gap ${maxGap.toFixed(0).padStart(4)} ms | ` +
    `monitorEventLoopDelay max ${(h.max / 1e6).toFixed(0).padStart(4)} ms`);
}

(async () => {
  await measure('fs.readFileSync', () => fs.readFileSync(file));
  await measure('fs.promises.readFile', () => fs.promises.readFile(file));
  fs.unlinkSync(file);
})();
