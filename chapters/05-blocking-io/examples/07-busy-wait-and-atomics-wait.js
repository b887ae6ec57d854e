'use strict';
// Both a spin loop and Atomics.wait hold the main thread: the 10 ms timer,
// an already-resolved promise's reaction and a nextTick all wait for them.
const t0 = performance.now();
const at = () => `${(performance.now() - t0).toFixed(0).padStart(3)} ms`;

setTimeout(() => console.log(`${at()}  10 ms timer callback`), 10);
Promise.resolve().then(() => console.log(`${at()}  promise reaction (microtask)`));
process.nextTick(() => console.log(`${at()}  nextTick callback`));

const cell = new Int32Array(new SharedArrayBuffer(4));
const r1 = Atomics.wait(cell, 0, 0, 200);            // value is 0: sleeps up to 200 ms
console.log(`${at()}  Atomics.wait(cell, 0, 0, 200) -> ${r1}`);

const end = Date.now() + 200;
let spins = 0;
while (Date.now() < end) spins++;                     // spin-sleep
console.log(`${at()}  busy-wait finished after ${spins} clock reads`);

const r2 = Atomics.wait(cell, 0, 1, 1000);           // value is not 1: returns at once
console.log(`${at()}  Atomics.wait(cell, 0, 1, 1000) -> ${r2}`);
console.log(`${at()}  main script done`);
