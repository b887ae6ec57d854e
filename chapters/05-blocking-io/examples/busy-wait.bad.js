'use strict';
// busy-wait — BAD.
// A proxy handler that respects an upstream rate limit (one call per 120 ms) by spinning on
// Date.now() until its slot opens. The loop never returns to the event loop: the thread burns a full
// core re-reading the clock, and every other request, timer and I/O callback waits for it.
// The fix (busy-wait.fixed.js) sleeps with await on timers/promises setTimeout: a libuv timer,
// no CPU, and the loop keeps serving while the request waits.
const http = require('http');

// Upstream rate limit: one call per SLOT_MS. Each request reserves the next free slot.
const SLOT_MS = 120;
let nextSlot = 0;
function reserveSlot() {
  const slot = Math.max(Date.now(), nextSlot);
  nextSlot = slot + SLOT_MS;
  return slot;
}

function waitForSlot(until) {
  // Call stack: handler -> waitForSlot, looping on a clock read. Nothing is queued anywhere: this
  // poll-phase callback simply does not return until the wall clock passes `until`.
  while (Date.now() < until) {
    // spin
  }
}

const server = http.createServer((req, res) => {
  waitForSlot(reserveSlot());
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
