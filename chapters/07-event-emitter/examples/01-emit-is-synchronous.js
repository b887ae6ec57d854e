'use strict';
// emit() calls every listener, in registration order, on the caller's stack,
// before emit() returns. A throwing listener aborts the rest of that emit.
const { EventEmitter } = require('node:events');
const bus = new EventEmitter();

bus.on('order', (id) => console.log(`  listener 1 got ${id}`));
bus.on('order', (id) => {
  console.log(`  listener 2 got ${id}, queueing a microtask and a nextTick`);
  Promise.resolve().then(() => console.log(`  microtask from listener 2 (${id})`));
  process.nextTick(() => console.log(`  nextTick from listener 2 (${id})`));
});
bus.prependListener('order', (id) => console.log(`  prepended listener got ${id}`));

console.log('before emit');
const hadListeners = bus.emit('order', 42);
console.log(`after emit, returned ${hadListeners}`);
console.log(`emit with no listeners returns ${bus.emit('nobody-listens')}`);

const fragile = new EventEmitter();
fragile.on('x', () => console.log('  fragile listener A'));
fragile.on('x', () => { throw new Error('listener B failed'); });
fragile.on('x', () => console.log('  fragile listener C (never printed)'));
try {
  fragile.emit('x');
} catch (err) {
  console.log(`emit() threw to its caller: ${err.message}`);
}

try {
  new EventEmitter().emit('error', new Error('no error listener'));
} catch (err) {
  console.log(`'error' with no listener throws: ${err.message}`);
}
console.log('end of script');
