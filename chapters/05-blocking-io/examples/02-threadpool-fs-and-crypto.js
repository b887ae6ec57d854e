'use strict';
// Shows that on Node 20 (default build, io_uring off) async fs calls are
// libuv thread-pool jobs: with a pool of ONE thread, a cheap fs.stat waits
// behind an expensive async pbkdf2. The main thread stays free throughout
// (the 10 ms timer fires on time).
// The pool is created lazily on first use, so setting the variable here,
// before any pool work is queued, still takes effect.
process.env.UV_THREADPOOL_SIZE = process.argv[2] || '1';
const crypto = require('node:crypto');
const fs = require('node:fs');

const t0 = performance.now();
const at = () => `${(performance.now() - t0).toFixed(0)} ms`;
console.log(`UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE}`);
crypto.pbkdf2('pw', 'salt', 400_000, 64, 'sha512', () => console.log('pbkdf2 callback   ', at()));
fs.stat(__filename, () => console.log('fs.stat callback  ', at()));
setTimeout(() => console.log('10 ms timer       ', at()), 10);
