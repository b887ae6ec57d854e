'use strict';
// require-in-hot-path — BAD.
// A geo-lookup endpoint that loads its 19 MB JSON table lazily with require() inside the handler.
// require is synchronous all the way down: resolve (stat calls), fs.readFileSync, JSON.parse, all on
// the main thread. The module cache makes later calls cheap, so the cost lands on whichever request
// comes first after a deploy or restart, stalling every request and timer in flight at that moment.
// The fix (require-in-hot-path.fixed.js) requires the table at start-up, before listen().
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

// Start-up (module top level): write the table the service ships with (here: into a temp file).
const TABLE_FILE = path.join(os.tmpdir(), `looplens-geo-${process.pid}.json`);
// Layout of a typical IP-range table: sorted range starts (IPv4 as integers) and a country per range.
{
  const starts = [];
  let ip = 16777216; // 1.0.0.0
  for (let i = 0; i < 2000000; i++) {
    ip += 256 + ((i * 7919) % 256);
    starts.push(ip);
  }
  fs.writeFileSync(TABLE_FILE, `{"countries":["DE","FR","US","JP","BR"],"starts":[${starts.join(',')}]}`);
}
process.on('exit', () => fs.rmSync(TABLE_FILE, { force: true }));

function rangeOf(table, ipText) {
  const ip = ipText.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  let lo = 0;
  let hi = table.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table.starts[mid] <= ip) lo = mid;
    else hi = mid - 1;
  }
  return { range: lo, country: table.countries[lo % table.countries.length] };
}

function lookup(ip) {
  // Call stack: handler -> lookup -> require -> Module._load -> readFileSync + JSON.parse.
  // First call: ~100+ ms of synchronous file I/O and parsing inside the poll phase. Later calls:
  // a path resolution and a require.cache hit, still synchronous, on every request.
  const table = require(TABLE_FILE);
  return rangeOf(table, ip);
}

const server = http.createServer((req, res) => {
  const ip = new URL(req.url, 'http://localhost').searchParams.get('ip');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(lookup(ip)));
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

const CLIENTS = 8;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const replies = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => get(port, `/geo?ip=1.${i}.9.7`)));
  const ms = Math.round(performance.now() - started);
  console.log(`${CLIENTS} lookups (first: ${replies[0].body}) in ${ms} ms`);
  server.close();
});
