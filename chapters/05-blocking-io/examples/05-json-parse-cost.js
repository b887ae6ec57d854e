'use strict';
// JSON.parse / JSON.stringify are single synchronous calls into V8. Wrapping
// them in an async function or a Promise does not move the work anywhere.
const { setTimeout: sleep } = require('node:timers/promises');

const rows = [];
for (let i = 0; i < 200_000; i++) {
  rows.push({ id: i, name: `user${i}`, email: `u${i}@example.com`, tags: ['a', 'b'], score: i * 1.5, active: i % 2 === 0 });
}

(async () => {
  let t = performance.now();
  const text = JSON.stringify(rows);
  console.log(`JSON.stringify -> ${(text.length / 2 ** 20).toFixed(1)} MiB in ${(performance.now() - t).toFixed(0)} ms`);

  let ticks = 0;
  const heartbeat = setInterval(() => ticks++, 1);
  await sleep(5);
  ticks = 0;
  t = performance.now();
  const parsed = await (async () => JSON.parse(text))(); // "async" parse
  const took = performance.now() - t;
  console.log(`await (async () => JSON.parse(text))(): ${took.toFixed(0)} ms, rows=${parsed.length}, ` +
    `1 ms heartbeat ticks during it: ${ticks}`);
  clearInterval(heartbeat);
})();
