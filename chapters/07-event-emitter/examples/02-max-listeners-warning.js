'use strict';
// When MaxListenersExceededWarning fires, how often, and what it does NOT do.
const { EventEmitter } = require('node:events');

process.on('warning', (w) => {
  console.log(`[process 'warning' event] ${w.name}: count=${w.count} type=${w.type} emitter=${w.emitter.constructor.name}`);
});

const e = new EventEmitter();
console.log(`defaultMaxListeners=${EventEmitter.defaultMaxListeners}, e.getMaxListeners()=${e.getMaxListeners()}`);
for (let i = 1; i <= 12; i++) e.on('data', () => {});
console.log(`added 12 'data' listeners synchronously; listenerCount=${e.listenerCount('data')}`);
for (let i = 1; i <= 11; i++) e.on('end', () => {});
console.log(`added 11 'end' listeners; the limit is per event name`);

const quiet = new EventEmitter();
quiet.setMaxListeners(0);
for (let i = 0; i < 1000; i++) quiet.on('data', () => {});
console.log(`setMaxListeners(0): 1000 listeners, getMaxListeners()=${quiet.getMaxListeners()}, no warning`);
try { quiet.setMaxListeners(-1); } catch (err) { console.log(`setMaxListeners(-1) -> ${err.code}`); }

process.nextTick(() => console.log('a nextTick queued after all the adds'));
console.log('end of synchronous script');
