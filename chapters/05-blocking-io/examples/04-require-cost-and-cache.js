'use strict';
// What require() costs the first time, what the cache makes it cost after,
// and the two patterns that defeat the cache: deleting from require.cache
// and requiring something that does not resolve (failures are not cached).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looplens-05-04-'));
const modPath = path.join(dir, 'big-module.js');
let src = "'use strict';\nmodule.exports = {\n";
for (let i = 0; i < 20000; i++) src += `  f${i}(x) { return x + ${i}; },\n`;
fs.writeFileSync(modPath, src + '};\n');
const kib = (fs.statSync(modPath).size / 1024).toFixed(0);

let t = performance.now();
const first = require(modPath);
console.log(`first require of a ${kib} KiB module: ${(performance.now() - t).toFixed(1)} ms`);

t = performance.now();
const second = require(modPath);
console.log(`second require: ${((performance.now() - t) * 1000).toFixed(0)} us, same exports object: ${first === second}`);

t = performance.now();
for (let i = 0; i < 1000; i++) require(modPath);
console.log(`1000 cached requires: ${(performance.now() - t).toFixed(2)} ms`);

delete require.cache[require.resolve(modPath)];
t = performance.now();
const third = require(modPath);
console.log(`after delete require.cache[...]: ${(performance.now() - t).toFixed(1)} ms, same exports object: ${first === third}`);

t = performance.now();
let code;
for (let i = 0; i < 1000; i++) {
  try { require('looplens-optional-dependency-that-is-not-installed'); } catch (e) { code = e.code; }
}
console.log(`1000 failed requires (${code}): ${(performance.now() - t).toFixed(1)} ms`);

fs.rmSync(dir, { recursive: true });
