'use strict';
// microtask-in-unbounded-loop — BAD.
// A request to /import?rows=N queues one queueMicrotask per row "so the request is not blocked". The loop
// bound comes from the request. All N microtasks are queued synchronously, then V8 drains the whole
// microtask queue before Node returns to libuv: 100,000 rows become one ~250 ms block in which no
// timer, socket or fs callback runs, and a bigger N makes it as long as the client likes.
// The fix (microtask-in-unbounded-loop.fixed.js) works in fixed-size batches with setImmediate between.
const crypto = require('crypto');
const http = require('http');

const URL_PATH = '/import?rows=100000';

function indexRow(i) {
  return crypto.createHash('sha1').update(`row-${i}`).digest('hex');
}

function importRows(count, done) {
  let indexed = 0;
  for (let i = 0; i < count; i++) {
    // Call stack: the loop only appends closures to V8's microtask queue (nothing goes to libuv).
    // When the poll-phase callback that ran the handler returns, the microtask checkpoint runs all
    // of them back to back before libuv gets control again.
    queueMicrotask(() => {
      indexRow(i);
      indexed += 1;
      if (indexed === count) done(indexed);
    });
  }
}

const server = http.createServer((req, res) => {
  const rows = Number(new URL(req.url, 'http://localhost').searchParams.get('rows'));
  globalThis.__looplensMeasure?.({ window: 'start' });
  // A 10 ms timer armed when the job starts: how late does the timers phase get to it?
  const armed = performance.now();
  setTimeout(() => {
    globalThis.__looplensMeasure?.({ timer10msFiredAfterMs: Math.round(performance.now() - armed) });
  }, 10);
  importRows(rows, (indexed) => {
    globalThis.__looplensMeasure?.({ window: 'end', rowsIndexed: indexed });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ indexed }));
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
