'use strict';
// unbounded-cache — FIXED.
// The same memoized renderer with a bounded LRU: a Map keeps insertion order, a hit is re-inserted
// to become the newest, and when the Map is full the oldest key (the first one the iterator yields)
// is deleted. The cache never holds more than 500 pages, so evicted strings become garbage and the
// retained heap stays flat however many distinct URLs arrive.
const http = require('http');

function renderPage(key) {
  const rows = [];
  for (let i = 0; i < 32; i++) rows.push(`<li>${key} option ${i}: in stock, ships in ${(i % 5) + 1} days</li>`);
  return `<html><body><h1>Product ${key}</h1><ul>${rows.join('')}</ul></body></html>`;
}

// Module scope, but bounded: at most MAX_PAGES entries, least recently used evicted first.
const MAX_PAGES = 500;
const pageCache = new Map();

function cachedRender(key) {
  // Call stack: handler -> cachedRender. A hit is moved to the newest position; a miss that would
  // overflow the cache deletes the oldest entry, which the next GC then reclaims.
  let html = pageCache.get(key);
  if (html !== undefined) {
    pageCache.delete(key);
    pageCache.set(key, html);
    return html;
  }
  html = renderPage(key);
  if (pageCache.size >= MAX_PAGES) pageCache.delete(pageCache.keys().next().value);
  pageCache.set(key, html);
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
