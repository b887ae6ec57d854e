'use strict';
// The pool can finish work while JavaScript is busy, but the *callback* needs the main thread.
//
//   node examples/02-work-runs-callback-waits.js
const crypto = require('crypto');
const { performance } = require('perf_hooks');

const ITER = 150000; // one pbkdf2 call of roughly 50-100 ms on a current x86 core

function hashOnce() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    crypto.pbkdf2('pw', 'salt', ITER, 64, 'sha512', () => resolve(performance.now() - t0));
  });
}

function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end); // the main thread cannot run anything else meanwhile
}

(async () => {
  const alone = await hashOnce();
  console.log(`pbkdf2 alone, main thread idle : callback after ${alone.toFixed(0)} ms`);

  const t0 = performance.now();
  let timerAt;
  setTimeout(() => { timerAt = performance.now() - t0; }, 10);
  const pending = hashOnce();   // handed to a pool thread right now
  busy(600);                    // then the main thread runs JS for 600 ms
  const blocked = await pending;
  console.log(`pbkdf2 while JS busy for 600 ms: callback after ${blocked.toFixed(0)} ms`);
  await new Promise((r) => setImmediate(r));
  console.log(`10 ms timer set before the busy loop fired after ${timerAt.toFixed(0)} ms`);
  console.log(blocked < 600 + alone * 0.5
    ? 'the hash was computed in parallel; only its callback waited for the stack to empty'
    : 'the hash did not overlap the busy loop (a single-core machine?)');
})();
