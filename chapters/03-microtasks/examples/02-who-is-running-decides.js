'use strict';
// "nextTick always runs before promises" is only true when a macrotask is on the stack.
// From inside a microtask (a then-callback, code after an await, ESM top level) V8 finishes
// its whole microtask queue before Node gets to look at the nextTick queue.
//
//   node examples/02-who-is-running-decides.js
const { execFileSync } = require('child_process');

const probe = "process.nextTick(()=>out.push('nextTick'));Promise.resolve().then(()=>out.push('promise'));";
const collect = (label, run) => new Promise((resolve) => {
  const out = [];
  run(() => new Function('out', probe)(out));
  setTimeout(() => { console.log(label.padEnd(44), out.join(' -> ')); resolve(); }, 5);
});

(async () => {
  await collect('scheduled from a setTimeout callback', (go) => setTimeout(go, 0));
  await collect('scheduled from a then-callback', (go) => Promise.resolve().then(go));
  await collect('scheduled after an await', (go) => (async () => { await null; go(); })());

  const code = "const out=[];process.nextTick(()=>out.push('nextTick'));" +
    "Promise.resolve().then(()=>out.push('promise'));setTimeout(()=>console.log(out.join(' -> ')),5);";
  const cjs = execFileSync(process.execPath, ['--input-type=commonjs', '-e', code]).toString().trim();
  const esm = execFileSync(process.execPath, ['--input-type=module', '-e', code]).toString().trim();
  console.log('top level of a CommonJS main module'.padEnd(44), cjs);
  console.log('top level of an ES module'.padEnd(44), esm);
})();
