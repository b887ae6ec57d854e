'use strict';
// atomics-wait-main-thread — FIXED.
// The same retry-with-backoff helper, sleeping with await on timers/promises setTimeout. The backoff
// is now a libuv timer: the async function is suspended, the loop keeps serving other requests, and
// the timers phase resumes it after 150 ms. (Blocking waits are only legitimate on worker threads,
// which have no event loop of their own to starve; see the chapter.)
const http = require('http');
const { setTimeout: sleep } = require('timers/promises');

const BACKOFF_MS = 150;

// sleep(ms): arms a libuv timer and returns a promise; the timers phase resolves it.

// A flaky dependency: the first attempt of every call fails, the second succeeds.
function callInventory(attempt) {
  return attempt === 0 ? { ok: false } : { ok: true, stock: 42 };
}

async function fetchStock() {
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = callInventory(attempt);
    if (result.ok) return result;
    await sleep(BACKOFF_MS);
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
