'use strict';
// A process-wide emitter. `onShutdown` adds a listener to it each time it is called; server.js
// calls it from a request handler, so every request leaves one more listener (and its closure).
const { EventEmitter } = require('events');

const bus = new EventEmitter();

function onShutdown(fn) {
  bus.on('shutdown', fn);
}

module.exports = { bus, onShutdown };
