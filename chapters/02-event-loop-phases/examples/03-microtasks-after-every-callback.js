'use strict';
// Since Node 11 the nextTick queue and the microtask queue are drained after *each* timer and
// immediate callback, not once per phase.
//
//   node examples/03-microtasks-after-every-callback.js
setTimeout(() => {
  console.log('timeout 1');
  process.nextTick(() => console.log('  nextTick queued by timeout 1'));
  Promise.resolve().then(() => console.log('  promise queued by timeout 1'));
}, 0);
setTimeout(() => {
  console.log('timeout 2 (same timers phase)');
  // Scheduled from the timers phase: the check phase of this same iteration runs them.
  setImmediate(() => {
    console.log('immediate 1');
    Promise.resolve().then(() => console.log('  promise queued by immediate 1'));
    setImmediate(() => console.log('immediate 3 (queued during check: waited a whole iteration)'));
    setTimeout(() => console.log('timeout 3 (queued during check, already due at the next timers phase)'), 0);
    const end = Date.now() + 3; while (Date.now() < end); // make sure timeout 3 is due
  });
  setImmediate(() => console.log('immediate 2 (same check phase)'));
}, 0);
