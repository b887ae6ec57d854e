'use strict';
// microtask-in-unbounded-loop — FIXED.
// The same import, but in batches of 1,000 rows with setImmediate between batches. The amount of
// synchronous work per turn is now bounded by the constant, not by the request: each batch runs in
// the check phase (~2 ms), then the loop passes through timers and poll before the next batch, so a
// large import slows down only itself.
const crypto = require('crypto');
const http = require('http');

const URL_PATH = '/import?rows=100000';

function indexRow(i) {
  return crypto.createHash('sha1').update(`row-${i}`).digest('hex');
}

const BATCH = 1000;

function importRows(count, done) {
  let next = 0;
  function batch() {
    // Call stack: at most BATCH rows, then the next batch is queued for the check phase of the next
    // loop turn and control goes back to libuv (timers, poll) in between.
    const end = Math.min(next + BATCH, count);
    for (; next < end; next++) indexRow(next);
    if (next < count) setImmediate(batch);
    else done(next);
  }
  batch();
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
