'use strict';
// Classify APIs by experiment: occupy every pool thread with a long pbkdf2, then start each
// candidate. Anything that has to wait for a pool thread finishes only after the blockers.
//
//   node examples/01-who-uses-the-pool.js
const crypto = require('crypto');
const fs = require('fs');
const zlib = require('zlib');
const net = require('net');
const { performance } = require('perf_hooks');

const POOL = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const BLOCK_ITER = 300000; // each blocker: a few hundred ms of CPU

const echo = net.createServer((s) => s.pipe(s));
echo.listen(0, '127.0.0.1', () => {
  const probes = {
    'fs.stat': (cb) => fs.stat(__filename, cb),
    'fs.promises.readFile': (cb) => fs.promises.readFile(__filename).then(() => cb(), cb),
    'crypto.randomBytes(16, cb)': (cb) => crypto.randomBytes(16, cb),
    'crypto.scrypt': (cb) => crypto.scrypt('pw', 'salt', 32, cb),
    'crypto.generateKeyPair (ec)': (cb) => crypto.generateKeyPair('ec', { namedCurve: 'P-256' }, cb),
    'crypto.subtle.digest': (cb) => crypto.webcrypto.subtle.digest('SHA-256', Buffer.from('x')).then(() => cb(), cb),
    'zlib.gzip': (cb) => zlib.gzip('hello', cb),
    'crypto.createHash (sync)': (cb) => { crypto.createHash('sha256').update('x').digest(); cb(); },
    'TCP connect+echo 127.0.0.1': (cb) => {
      const c = net.connect(echo.address().port, '127.0.0.1', () => c.write('ping'));
      c.once('data', () => { c.destroy(); cb(); });
    },
    'setTimeout 1 ms': (cb) => setTimeout(cb, 1),
    'fs.watch (inotify) open+close': (cb) => { fs.watch(__dirname).close(); cb(); },
  };

  const t0 = performance.now();
  let firstBlocker = null;
  for (let i = 0; i < POOL; i++) {
    crypto.pbkdf2('pw', 'salt', BLOCK_ITER, 64, 'sha512', () => {
      if (firstBlocker === null) firstBlocker = performance.now() - t0;
    });
  }
  const results = [];
  let left = Object.keys(probes).length;
  for (const [name, start] of Object.entries(probes)) {
    start((err) => {
      if (err) throw err;
      results.push([name, performance.now() - t0]);
      if (--left === 0) report();
    });
  }
  function report() {
    console.log(`${POOL} pbkdf2 blockers; the first one finished at ${firstBlocker.toFixed(0)} ms\n`);
    for (const [name, ms] of results) {
      const verdict = ms > firstBlocker * 0.5 ? 'waited for a pool thread' : 'did not need the pool';
      console.log(`${name.padEnd(30)} done at ${ms.toFixed(1).padStart(7)} ms  ${verdict}`);
    }
    echo.close();
  }
});
