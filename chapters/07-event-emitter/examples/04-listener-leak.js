'use strict';
// A per-request listener on a long-lived emitter: each request adds a listener
// whose closure holds that request's data. Nothing removes it, so the emitter
// keeps every request alive. Compared with a fix that removes the listener
// when the request finishes.
const { EventEmitter } = require('node:events');
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const heapMiB = () => { gc(); return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1); };

const configBus = new EventEmitter(); // module-level: lives as long as the process
let warnings = 0;
process.on('warning', (w) => { if (w.name === 'MaxListenersExceededWarning') warnings++; });

function fakeRequest() {
  const res = new EventEmitter();                 // stands in for http.ServerResponse
  res.body = Buffer.alloc(0);
  res.payload = { user: 'x'.repeat(2000) };       // request-sized data
  return res;
}

// BAD: listener added per request, never removed
function handleLeaky(res) {
  configBus.on('reload', (cfg) => { res.payload.cfg = cfg; });
  res.emit('finish');
}

// FIXED: same listener, removed when the response finishes
function handleFixed(res) {
  const onReload = (cfg) => { res.payload.cfg = cfg; };
  configBus.on('reload', onReload);
  res.once('finish', () => configBus.off('reload', onReload));
  res.emit('finish');
}

console.log(`baseline: heapUsed ${heapMiB()} MiB`);
for (let i = 0; i < 20_000; i++) handleLeaky(fakeRequest());
console.log(`leaky, 20k requests: 'reload' listeners=${configBus.listenerCount('reload')}, heapUsed ${heapMiB()} MiB`);
let t = performance.now();
configBus.emit('reload', { v: 2 });
console.log(`one emit('reload') now runs 20k listeners: ${(performance.now() - t).toFixed(1)} ms`);
configBus.removeAllListeners('reload');
console.log(`after removeAllListeners: heapUsed ${heapMiB()} MiB`);

for (let i = 0; i < 20_000; i++) handleFixed(fakeRequest());
console.log(`fixed, 20k requests: 'reload' listeners=${configBus.listenerCount('reload')}, heapUsed ${heapMiB()} MiB`);
setImmediate(() => console.log(`MaxListenersExceededWarning emitted ${warnings} time(s) for 20k leaked listeners`));
