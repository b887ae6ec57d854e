'use strict';
// atomics-wait-main-thread — BAD.
// A retry-with-backoff helper that sleeps with the popular one-liner
// Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms). It uses no CPU, but it parks
// the main thread itself in a futex wait: no callback of any kind can run until it wakes up, so each
// 150 ms backoff is a 150 ms freeze of the whole server.
// The fix (atomics-wait-main-thread.fixed.js) awaits a timer instead.
const http = require('http');
const SLEEP_CELL = new Int32Array(new SharedArrayBuffer(4));

const BACKOFF_MS = 150;

function sleep(ms) {
  // Call stack: ... -> sleep -> Atomics.wait: the thread blocks in the kernel (futex) until the
  // timeout; V8 and libuv are both frozen, nothing is queued, no phase of the loop runs.
  Atomics.wait(SLEEP_CELL, 0, 0, ms);
}

// A flaky dependency: the first attempt of every call fails, the second succeeds.
function callInventory(attempt) {
  return attempt === 0 ? { ok: false } : { ok: true, stock: 42 };
}

function fetchStock() {
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = callInventory(attempt);
    if (result.ok) return result;
    sleep(BACKOFF_MS);
  }
  return { ok: false };
}

const server = http.createServer(async (req, res) => {
  const result = await fetchStock();
  res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json' });
  res.end(JSON.stringify(result));
});

// Load generator: the client side, in the same process, loopback only, bounded.
function get(port, urlPath, headers) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    request.on('error', reject);
  });
}

const CLIENTS = 4;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const replies = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => get(port, `/stock/${i}`)));
  const ms = Math.round(performance.now() - started);
  console.log(`${replies.length} stock checks (${replies.map((r) => r.status).join(',')}) in ${ms} ms`);
  server.close();
});
