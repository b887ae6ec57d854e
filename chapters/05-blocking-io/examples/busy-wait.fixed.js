'use strict';
// busy-wait — FIXED.
// The same rate-limited proxy handler, but it waits for its slot with await on a timer
// (timers/promises setTimeout). The wait becomes a libuv timer: the handler's async function is
// suspended, the loop goes back to polling sockets, and the timers phase resumes the function when
// the slot opens. Same latency for each request, no CPU burnt, no stall for anyone else.
const http = require('http');
const { setTimeout: sleep } = require('timers/promises');

// Upstream rate limit: one call per SLOT_MS. Each request reserves the next free slot.
const SLOT_MS = 120;
let nextSlot = 0;
function reserveSlot() {
  const slot = Math.max(Date.now(), nextSlot);
  nextSlot = slot + SLOT_MS;
  return slot;
}

async function waitForSlot(until) {
  // Call stack: handler -> waitForSlot -> sleep() arms a libuv timer and returns a pending promise;
  // the await suspends us. The timers phase later resolves it and the continuation runs as a microtask.
  await sleep(Math.max(0, until - Date.now()));
}

const server = http.createServer(async (req, res) => {
  await waitForSlot(reserveSlot());
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ upstream: 'ok', path: req.url }));
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

const CLIENTS = 5;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const replies = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => get(port, `/upstream/items/${i}`)));
  const ms = Math.round(performance.now() - started);
  console.log(`${replies.length} rate-limited calls in ${ms} ms`);
  server.close();
});
