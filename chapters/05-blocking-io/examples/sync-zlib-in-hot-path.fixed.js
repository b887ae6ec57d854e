'use strict';
// sync-zlib-in-hot-path — FIXED.
// The same reporting endpoint with zlib.gzip and a callback. The handler only hands the buffer to
// zlib: the deflate work is submitted to the libuv threadpool (in chunks), and the callback with
// the compressed body runs later in the poll phase. Same CPU, different thread: the event loop
// keeps serving while 3 responses are being compressed.
const http = require('http');
const zlib = require('zlib');

// Start-up (module top level): build the report once.
let REPORT;
{
  const rows = [];
  for (let i = 0; i < 60000; i++) {
    rows.push({ id: i, customer: `customer-${i}`, email: `c${i}@example.com`, balance: i * 3.7, tags: ['retail', `region-${i % 17}`] });
  }
  REPORT = Buffer.from(JSON.stringify(rows));
}
const GZIP = { level: zlib.constants.Z_BEST_COMPRESSION }; // "smallest downloads": level 9

const server = http.createServer((req, res) => {
  // Call stack: handler -> zlib.gzip, which creates a Gzip stream, writes REPORT into it and
  // returns. libuv: deflate chunks run on threadpool threads; each completion is a poll-phase
  // callback, and the last one calls ours with the whole compressed body.
  zlib.gzip(REPORT, GZIP, (err, gz) => {
    if (err) {
      res.writeHead(500);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gz);
  });
});

// Load generator: the client side, in the same process, loopback only, bounded.
function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve(bytes));
    });
    request.on('error', reject);
  });
}

const CLIENTS = 3;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const sizes = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => get(port, `/reports/daily?client=${i}`)));
  const ms = Math.round(performance.now() - started);
  console.log(`${CLIENTS} reports, ${(REPORT.length / 1e6).toFixed(1)} MB -> ${(sizes[0] / 1e6).toFixed(1)} MB gzip each, in ${ms} ms`);
  server.close();
});
