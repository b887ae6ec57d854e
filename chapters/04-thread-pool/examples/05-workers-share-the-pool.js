'use strict';
// worker_threads get their own V8 isolate and event loop, but not their own libuv pool:
// the pool is per process. A worker saturating it slows the main thread's fs calls.
//
//   node examples/05-workers-share-the-pool.js
const { Worker } = require('worker_threads');
const fs = require('fs');
const { performance } = require('perf_hooks');

function statLatency() {
  return new Promise((resolve) => {
    const s = performance.now();
    fs.stat(__filename, () => resolve(performance.now() - s));
  });
}

(async () => {
  console.log(`main fs.stat, pool idle                    : ${(await statLatency()).toFixed(1)} ms`);
  const worker = new Worker(`
    const crypto = require('crypto');
    const { parentPort } = require('worker_threads');
    let left = 4;
    for (let i = 0; i < 4; i++) crypto.pbkdf2('pw', 'salt', 300000, 64, 'sha512', () => {
      if (--left === 0) parentPort.postMessage('done');
    });
    parentPort.postMessage('started');`, { eval: true });
  worker.on('message', async (m) => {
    if (m === 'started') {
      await new Promise((r) => setTimeout(r, 20));
      console.log(`main fs.stat, worker running 4 pbkdf2 jobs : ${(await statLatency()).toFixed(1)} ms`);
    } else {
      await worker.terminate();
    }
  });
})();
