'use strict';
// sync-zlib-in-hot-path — BAD.
// A reporting endpoint that gzips its ~7 MB JSON body itself with zlib.gzipSync. Deflate is pure
// CPU work and the Sync variant does all of it on the main thread, inside the request callback:
// ~120 ms per response at level 9 during which no other request, timer or I/O callback can run.
// The fix (sync-zlib-in-hot-path.fixed.js) uses zlib.gzip with a callback: the same compression
// runs on the libuv threadpool and the loop stays free.
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
  // Call stack: handler -> zlib.gzipSync -> the zlib C code, all on the main thread. Nothing is
  // queued to libuv; the poll phase that delivered this request is stuck here until deflate ends.
  const gz = zlib.gzipSync(REPORT, GZIP);
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  res.end(gz);
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
