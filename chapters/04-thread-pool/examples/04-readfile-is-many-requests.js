'use strict';
// One fs call is not one pool request. Under a steady stream of pool work, every request
// waits its turn, so latency scales with how many requests an operation makes.
//
//   node examples/04-readfile-is-many-requests.js
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const { performance } = require('perf_hooks');

const file = path.join(os.tmpdir(), `looplens-pool-${process.pid}.bin`);
fs.writeFileSync(file, Buffer.alloc(2 * 1024 * 1024, 1)); // 2 MiB

const ops = {
  'fs.stat (1 request)': (cb) => fs.stat(file, cb),
  'fs.readFile 2 MiB (7 requests)': (cb) => fs.readFile(file, cb),
  'createReadStream 2 MiB (35 requests)': (cb) => fs.createReadStream(file).on('data', () => {}).on('end', cb).on('error', cb),
};
const time = (op) => new Promise((resolve) => {
  const s = performance.now();
  op(() => resolve(performance.now() - s));
});

(async () => {
  for (const [name, op] of Object.entries(ops)) console.log(`idle pool  ${name.padEnd(40)} ${(await time(op)).toFixed(1).padStart(7)} ms`);

  // Background load: 8 loops, each keeping one short pbkdf2 (a few ms) in flight -> the pool
  // (4 threads) always has about 4 requests waiting in its FIFO queue.
  let stop = false, jobs = 0;
  const loop = () => crypto.pbkdf2('pw', 'salt', 10000, 32, 'sha256', () => { jobs++; if (!stop) loop(); });
  for (let i = 0; i < 8; i++) loop();
  await new Promise((r) => setTimeout(r, 50));

  for (const [name, op] of Object.entries(ops)) console.log(`busy pool  ${name.padEnd(40)} ${(await time(op)).toFixed(1).padStart(7)} ms`);
  stop = true;
  console.log(`(${jobs} background pbkdf2 jobs ran meanwhile)`);
  fs.unlinkSync(file);
})();
