'use strict';
// unbounded-cache — BAD.
// Rendered product pages are memoized in a module-level Map keyed by the request's query. Nothing
// ever evicts, so every distinct URL a client sends (ids, tracking parameters, typos) becomes a
// permanent ~2 KiB string reachable from the module scope: the GC can never collect it. 3,000
// distinct requests leave 3,000 entries and ~7 MiB of heap that survives a full GC.
// The fix (unbounded-cache.fixed.js) bounds the Map to 500 entries with least-recently-used eviction.
const http = require('http');

function renderPage(key) {
  const rows = [];
  for (let i = 0; i < 32; i++) rows.push(`<li>${key} option ${i}: in stock, ships in ${(i % 5) + 1} days</li>`);
  return `<html><body><h1>Product ${key}</h1><ul>${rows.join('')}</ul></body></html>`;
}

// Module scope: lives as long as the process, and so does everything put in it.
const pageCache = new Map();

function cachedRender(key) {
  // Call stack: handler -> cachedRender. Pure synchronous JS; the only effect that outlives the
  // request is the new Map entry, which keeps the string alive across every future GC.
  let html = pageCache.get(key);
  if (html === undefined) {
    html = renderPage(key);
    pageCache.set(key, html);
  }
  return html;
}

const server = http.createServer((req, res) => {
  const html = cachedRender(req.url);
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(html);
});

// Load generator: the client side, in the same process, loopback only, bounded. One keep-alive
// agent so 3,000 requests reuse a handful of connections.
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve(bytes));
    });
    request.on('error', reject);
  });
}

const REQUESTS = 3000;
const WORKERS = 16;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  let next = 0;
  async function worker() {
    while (next < REQUESTS) {
      const id = next;
      next += 1;
      await get(port, `/products?id=${id}`);
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, worker));
  const ms = Math.round(performance.now() - started);
  console.log(`${REQUESTS} distinct product pages in ${ms} ms; cache holds ${pageCache.size} pages`);
  globalThis.__looplensMeasure?.({ cacheSize: pageCache.size, distinctRequests: REQUESTS, sampleHeap: true });
  agent.destroy();
  server.close();
});
