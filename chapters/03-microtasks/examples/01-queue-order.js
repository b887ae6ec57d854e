'use strict';
// The two queues Node drains after every macrotask callback, and the order inside each.
//
//   node examples/01-queue-order.js
Promise.resolve()
  .then(() => {
    console.log('promise 1');
    process.nextTick(() => console.log('nextTick queued by promise 1'));
  })
  .then(() => console.log('promise 1 -> chained then'));
Promise.resolve().then(() => console.log('promise 2'));
queueMicrotask(() => console.log('queueMicrotask (same V8 queue as promises)'));

process.nextTick(() => {
  console.log('nextTick 1');
  process.nextTick(() => console.log('nextTick queued by nextTick 1'));
  Promise.resolve().then(() => console.log('promise queued by nextTick 1'));
});
process.nextTick(() => console.log('nextTick 2'));

setTimeout(() => console.log('setTimeout 0 (a macrotask: after both queues are empty)'), 0);
console.log('main script ends');
