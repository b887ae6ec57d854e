'use strict';
// N concurrent pbkdf2 jobs plus one cheap fs.readFile queued right after them, for
// UV_THREADPOOL_SIZE 4 and 8 and N 4 and 8. Each configuration runs in a fresh child process
// because the pool size is fixed once the pool exists.
//
//   node examples/02-pool-size-4-vs-8.js
const { execFileSync } = require('child_process');
const os = require('os');

if (process.argv[2] === 'child') {
  const crypto = require('crypto');
  const fs = require('fs');
  const { performance } = require('perf_hooks');
  const jobs = Number(process.argv[3]);
  const t0 = performance.now();
  const finish = [];
  let readAt = null;
  let pending = 2; // the pbkdf2 batch and the readFile: report when both are done, in either order
  const done = () => { if (--pending === 0) setImmediate(report); };
  for (let i = 0; i < jobs; i++) {
    crypto.pbkdf2('pw', 'salt', 60000, 64, 'sha512', () => {
      finish.push(performance.now() - t0);
      if (finish.length === jobs) done();
    });
  }
  fs.readFile(__filename, () => { readAt = performance.now() - t0; done(); });
  function report() {
    const f = finish.map((x) => x.toFixed(0).padStart(5)).join('');
    console.log(`pool=${process.env.UV_THREADPOOL_SIZE} jobs=${jobs} | pbkdf2 callbacks at${f} ms | ` +
      `fs.readFile done at ${readAt.toFixed(0).padStart(4)} ms`);
  }
  return;
}

const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
console.log(`CPUs available: ${cpus}; one pbkdf2 here is 60k iterations of sha512`);
for (const [size, jobs] of [['4', 4], ['4', 8], ['8', 4], ['8', 8]]) {
  process.stdout.write(execFileSync(process.execPath, [__filename, 'child', String(jobs)],
    { env: { ...process.env, UV_THREADPOOL_SIZE: size } }));
}
