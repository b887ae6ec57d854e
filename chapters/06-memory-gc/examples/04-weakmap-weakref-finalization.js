'use strict';
// WeakMap / WeakRef / FinalizationRegistry: what they promise and what they don't.
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const t0 = performance.now();
const at = () => `${(performance.now() - t0).toFixed(1).padStart(5)} ms`;

// 1. WeakMap: the entry lives exactly as long as the key object is reachable.
//    There is no size, no iteration: you cannot "list what is cached".
const meta = new WeakMap();
console.log(`WeakMap has .size? ${'size' in meta}; iterable? ${typeof meta[Symbol.iterator] === 'function'}`);

// 2. WeakRef: an object obtained through new WeakRef()/deref() is kept alive
//    until the current job (and its microtasks) ends, even across a forced GC.
const registry = new FinalizationRegistry((held) => console.log(`${at()}  finalizer callback for ${held}`));
let ref;
(function () {
  const obj = { name: 'session-A' };
  meta.set(obj, { hits: 1 });
  registry.register(obj, 'session-A');
  ref = new WeakRef(obj);
})();
gc();
console.log(`${at()}  same job, after gc(): deref() -> ${ref.deref()?.name}`);

setTimeout(() => {
  gc();
  console.log(`${at()}  next task, after gc(): deref() -> ${ref.deref()?.name}`);
  Promise.resolve().then(() => console.log(`${at()}  microtask queued right after that gc()`));
  setImmediate(() => console.log(`${at()}  setImmediate queued right after that gc()`));
  setTimeout(part2, 20);
}, 0);

// 3. The callback is not guaranteed. Here the target is collected (deref()
//    returns undefined) and the process keeps running, forcing GCs.
function part2() {
  const reg2 = new FinalizationRegistry((held) => console.log(`${at()}  finalizer callback for ${held}`));
  let target = { name: 'session-B' };
  reg2.register(target, 'session-B');
  const ref2 = new WeakRef(target);
  target = null;
  let n = 0;
  const iv = setInterval(() => {
    gc();
    if (++n === 5) {
      clearInterval(iv);
      console.log(`${at()}  after 5 forced GCs: session-B deref() -> ${ref2.deref()?.name}; exiting`);
    }
  }, 20);
}
