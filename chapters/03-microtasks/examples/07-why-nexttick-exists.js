'use strict';
// The job nextTick was built for: let the caller finish wiring before an API reports anything.
//
//   node examples/07-why-nexttick-exists.js
const EventEmitter = require('events');

class EagerConnection extends EventEmitter {
  constructor() {
    super();
    this.emit('ready'); // nobody can be listening yet: the constructor has not returned
  }
}

class DeferredConnection extends EventEmitter {
  constructor() {
    super();
    process.nextTick(() => this.emit('ready')); // after the caller's current synchronous code
  }
}

const a = new EagerConnection();
a.on('ready', () => console.log('EagerConnection ready (never printed)'));

const b = new DeferredConnection();
b.on('ready', () => console.log('DeferredConnection ready: listener attached after construction still fires'));

// The same reason makes callbacks "always async": a cache hit must not call back synchronously.
const cache = new Map([['k', 42]]);
function get(key, cb) {
  if (cache.has(key)) return process.nextTick(cb, null, cache.get(key));
  setTimeout(() => cb(null, undefined), 1);
}
let order = 'before';
get('k', (err, v) => console.log(`cache hit delivered with order="${order}" value=${v}`));
order = 'after the call returned';
