'use strict';
// listener-leak — FIXED.
// The same long-poll endpoint. The listener is registered with once(), so the feed drops it the
// moment it fires, and res.on('close') removes it if the client goes away before the next tick. The
// listener count is bounded by the number of requests currently waiting (here at most 4), so no
// warning and nothing retained after the responses are sent.
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
  // Call stack: handler -> prices.once (a wrapper that removes itself before calling onTick) and
  // res.on('close'), a per-request listener on a per-request object. 'close' fires after the
  // response is finished or the socket dies, and takes the feed listener away if it is still there.
  const onTick = (price) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(price));
  };
  prices.once('tick', onTick);
  res.on('close', () => prices.removeListener('tick', onTick));
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
