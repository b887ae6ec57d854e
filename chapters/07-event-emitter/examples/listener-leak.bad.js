'use strict';
// listener-leak — BAD.
// A long-poll endpoint (GET /price/next) waits for the next 'tick' of a module-level price feed by
// adding a listener to it per request, and never removes it. The feed lives as long as the process,
// so each listener (and the req/res it closes over) stays reachable after its response was sent: the
// listener count grows by one per request, every tick calls all of them, and Node prints
// MaxListenersExceededWarning at the 11th. The fix (listener-leak.fixed.js) uses once() and removes
// the listener when the response closes.
const EventEmitter = require('events');
const http = require('http');

// Module scope: one feed for the whole process.
const prices = new EventEmitter();
let last = 100;
const feed = setInterval(() => {
  last = Math.round((last + (Math.random() - 0.5)) * 100) / 100;
  prices.emit('tick', { symbol: 'LLNS', price: last, at: Date.now() });
}, 2);

const server = http.createServer((req, res) => {
  // Call stack: handler -> prices.on, which appends to the feed's listener array; nothing is ever
  // removed from it. Each later tick (a timers-phase callback) calls every listener ever added.
  prices.on('tick', (price) => {
    if (res.writableEnded) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(price));
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

const REQUESTS = 40;
const CONCURRENCY = 4;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  for (let i = 0; i < REQUESTS; i += CONCURRENCY) {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => get(port, '/price/next')));
  }
  const listeners = prices.listenerCount('tick');
  console.log(`${REQUESTS} long-polls answered; 'tick' listeners still attached: ${listeners}`);
  globalThis.__looplensMeasure?.({ listeners, requests: REQUESTS });
  clearInterval(feed);
  server.close();
});
