'use strict';
// Catastrophic backtracking: /^(a+)+$/ on "aaaa...a!" doubles its work for
// each extra "a". The same pattern on a matching string is instant, and a
// pattern without the nested quantifier is linear.
const { Worker } = require('node:worker_threads');

const evil = /^(a+)+$/;
for (const n of [18, 20, 22, 24, 26]) {
  const input = 'a'.repeat(n) + '!';
  const t = performance.now();
  const ok = evil.test(input);
  console.log(`/^(a+)+$/ on ${n} a's + "!": ${String(ok).padEnd(5)} ${(performance.now() - t).toFixed(1).padStart(7)} ms`);
}

let t = performance.now();
evil.test('a'.repeat(10_000));
console.log(`/^(a+)+$/ on 10000 a's (matches): ${(performance.now() - t).toFixed(2)} ms`);
t = performance.now();
/^a+$/.test('a'.repeat(1_000_000) + '!');
console.log(`/^a+$/ on 1e6 a's + "!" (no nesting): ${(performance.now() - t).toFixed(2)} ms`);

// A regex cannot be cancelled from JavaScript on the thread running it.
// Another thread can be terminated, though: run the risky match in a worker.
const worker = new Worker(
  "require('node:worker_threads').parentPort.postMessage('started');" +
  "/^(a+)+$/.test('a'.repeat(40) + '!');",
  { eval: true });
worker.once('message', () => {
  const started = performance.now();
  setTimeout(async () => {
    const killAt = performance.now();
    const exitCode = await worker.terminate();
    console.log(`main thread stayed free for ${(killAt - started).toFixed(0)} ms; ` +
      `worker.terminate() stopped the match in ${(performance.now() - killAt).toFixed(1)} ms (exit code ${exitCode})`);
  }, 200);
});
