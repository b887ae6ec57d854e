'use strict';
// A module-level Map filled from "request" code with keys from the outside
// world grows with the number of distinct keys ever seen. A bounded cache
// (LRU on Map insertion order, plus a TTL) holds its size flat.
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const heapMiB = () => { gc(); return (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1); };

// --- the hazard: nothing ever deletes from this Map ---------------------
const unbounded = new Map();
function handleUnbounded(userId) {
  let v = unbounded.get(userId);
  if (!v) { v = { userId, profile: 'x'.repeat(200) + userId }; unbounded.set(userId, v); }
  return v;
}

// --- the fix: bounded LRU with TTL ---------------------------------------
class BoundedCache {
  constructor(max, ttlMs) { this.max = max; this.ttlMs = ttlMs; this.map = new Map(); }
  get(k) {
    const e = this.map.get(k);
    if (!e) return undefined;
    if (Date.now() > e.expires) { this.map.delete(k); return undefined; }
    this.map.delete(k); this.map.set(k, e);           // move to most-recently-used end
    return e.v;
  }
  set(k, v) {
    this.map.delete(k);
    this.map.set(k, { v, expires: Date.now() + this.ttlMs });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value); // evict LRU
  }
  get size() { return this.map.size; }
}
const bounded = new BoundedCache(10_000, 60_000);
function handleBounded(userId) {
  let v = bounded.get(userId);
  if (!v) { v = { userId, profile: 'x'.repeat(200) + userId }; bounded.set(userId, v); }
  return v;
}

console.log(`baseline heapUsed ${heapMiB()} MiB`);
let id = 0;
for (let round = 1; round <= 3; round++) {
  for (let i = 0; i < 50_000; i++) handleUnbounded(`user-${id++}`); // every request a new key
  console.log(`unbounded: ${String(id).padStart(6)} distinct keys seen -> size ${String(unbounded.size).padStart(6)}, heapUsed ${heapMiB()} MiB`);
}
unbounded.clear();
console.log(`after unbounded.clear(): heapUsed ${heapMiB()} MiB`);
id = 0;
for (let round = 1; round <= 3; round++) {
  for (let i = 0; i < 50_000; i++) handleBounded(`user-${id++}`);
  console.log(`bounded:   ${String(id).padStart(6)} distinct keys seen -> size ${String(bounded.size).padStart(6)}, heapUsed ${heapMiB()} MiB`);
}
