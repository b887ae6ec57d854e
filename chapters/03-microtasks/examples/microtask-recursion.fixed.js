'use strict';
// microtask-recursion — FIXED.
// The same audit-log flusher, rescheduling with setImmediate(pump). Each record is now one turn of
// the event loop: pump runs in the check phase, and between two records the loop passes through
// timers (the 10 ms timer fires on time) and poll (sockets and fs callbacks run). Throughput per
// record drops (a loop turn costs more than a queue pop); batch several records per turn if needed.
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
  // Call stack: one record, then setImmediate hands pump to libuv's check queue and returns. The
  // next call runs in the check phase of the next loop turn, after the timers phase (the 10 ms
  // timer) and the poll phase (sockets, fs callbacks) had their turn.
  fingerprint(processed);
  processed += 1;
  if (performance.now() < deadline) setImmediate(pump, deadline, done);
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
