'use strict';
// Closures created in the same scope share ONE context object. If any closure
// in that scope uses `big`, every closure from that scope keeps `big` alive,
// even one that never mentions it.
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const heapMiB = () => { gc(); return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1); };

function withSibling() {
  const big = new Array(1_000_000).fill('x');   // ~7.6 MiB of element slots
  const unused = () => big.length;              // never called, never returned
  return function tiny() { return 1; };         // does not mention big
}
function withoutSibling() {
  const big = new Array(1_000_000).fill('x');
  return function tiny() { return 1; };
}

console.log(`baseline heapUsed                          ${heapMiB()} MiB`);
const a = [];
for (let i = 0; i < 5; i++) a.push(withSibling());
console.log(`5 tiny() kept, a sibling closure used big   ${heapMiB()} MiB`);
const b = [];
for (let i = 0; i < 5; i++) b.push(withoutSibling());
console.log(`+5 tiny() kept, nothing used big             ${heapMiB()} MiB`);
a.length = 0;
console.log(`dropped the first 5 tiny()                   ${heapMiB()} MiB`);
console.log(`(still holding ${b.length})`);
