'use strict';
// microtask-recursion — BAD.
// An audit-log flusher started by a request to /audit/flush pumps records one at a time and reschedules
// itself with process.nextTick(pump), believing that "defers" the rest of the work. Node drains the
// nextTick queue to empty before it returns to libuv, and each pump adds a new entry, so for the
// whole 300 ms job no timer fires, no socket is read, no fs callback runs: the loop is starved.
// The fix (microtask-recursion.fixed.js) reschedules with setImmediate: one record per loop turn.
const crypto = require('crypto');
const http = require('http');

// Bounded so the example ends; in production the pump runs for as long as records keep arriving.
const JOB_MS = 300;
const URL_PATH = '/audit/flush';

let processed = 0;
function fingerprint(i) {
  return crypto.createHash('sha1').update(`audit-record-${i}`).digest('hex');
}

function pump(deadline, done) {
  // Call stack: handler (a poll-phase callback from the HTTP parser) -> pump: one record, then pump
  // goes onto Node's nextTick queue; nothing goes to libuv. When the callback returns, Node drains
  // the nextTick queue (then V8's promise/microtask queue) before libuv continues. Every pump adds a
  // new entry, so the drain only ends at the deadline: no timers, poll or check phase until then.
  fingerprint(processed);
  processed += 1;
  if (performance.now() < deadline) process.nextTick(pump, deadline, done);
  else done();
}

const server = http.createServer((req, res) => {
  globalThis.__looplensMeasure?.({ window: 'start' });
  // A 10 ms timer armed when the job starts: how late does the timers phase get to it?
  const armed = performance.now();
  setTimeout(() => {
    globalThis.__looplensMeasure?.({ timer10msFiredAfterMs: Math.round(performance.now() - armed) });
  }, 10);
  pump(performance.now() + JOB_MS, () => {
    globalThis.__looplensMeasure?.({ window: 'end', recordsProcessed: processed });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ processed }));
  });
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

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const reply = await get(port, URL_PATH);
  console.log(`${URL_PATH} -> ${reply.status} ${reply.body}`);
  server.close();
});
