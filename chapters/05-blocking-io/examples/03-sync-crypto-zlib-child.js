'use strict';
// Same work, sync vs async, with a 5 ms heartbeat measuring how long the
// event loop was held up while the work ran.
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const cp = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');

async function measure(label, fn) {
  let last = performance.now();
  let maxGap = 0;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 5);
  await sleep(20);
  maxGap = 0;
  const t = performance.now();
  await fn();
  const took = performance.now() - t;
  await sleep(20);
  clearInterval(heartbeat);
  console.log(`${label.padEnd(30)} took ${took.toFixed(0).padStart(4)} ms | worst heartbeat gap ${maxGap.toFixed(0).padStart(4)} ms`);
}

const text = Buffer.from('hello world '.repeat(2 ** 20)); // 12 MiB
const child = [process.execPath, ['-e', 'setTimeout(() => {}, 300)']];

(async () => {
  await measure('crypto.pbkdf2Sync', () => crypto.pbkdf2Sync('pw', 'salt', 300_000, 64, 'sha512'));
  await measure('crypto.pbkdf2 (callback)', () => new Promise((r) => crypto.pbkdf2('pw', 'salt', 300_000, 64, 'sha512', r)));
  await measure('crypto.randomBytes(64MiB)', () => crypto.randomBytes(64 * 2 ** 20));
  await measure('crypto.randomBytes(64MiB, cb)', () => new Promise((r) => crypto.randomBytes(64 * 2 ** 20, r)));
  await measure('zlib.gzipSync level 9', () => zlib.gzipSync(text, { level: 9 }));
  await measure('zlib.gzip level 9 (callback)', () => new Promise((r) => zlib.gzip(text, { level: 9 }, r)));
  await measure('child_process.execFileSync', () => cp.execFileSync(...child));
  await measure('child_process.execFile (cb)', () => new Promise((r) => cp.execFile(...child, r)));
})();
