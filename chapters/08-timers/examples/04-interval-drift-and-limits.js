'use strict';
// A blocked loop delays an interval; Node does not replay the missed ticks.
// Delays above 2^31-1 ms overflow to 1 ms with a warning.
process.on('warning', (w) => console.log(`[warning] ${w.name}: ${w.message.split('\n').join(' ')}`));

const start = performance.now();
let n = 0;
const iv = setInterval(() => {
  n++;
  console.log(`tick ${n} at ${(performance.now() - start).toFixed(0).padStart(4)} ms`);
  if (n === 1) { const end = Date.now() + 350; while (Date.now() < end); } // block 350 ms inside tick 1
  if (n === 5) {
    clearInterval(iv);
    const s = performance.now();
    setTimeout(() => console.log(`setTimeout(fn, 2 ** 31) fired after ${(performance.now() - s).toFixed(0)} ms`), 2 ** 31);
  }
}, 100);
