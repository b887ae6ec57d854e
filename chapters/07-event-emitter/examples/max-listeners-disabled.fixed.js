'use strict';
// max-listeners-disabled — FIXED.
// The default limit of 10 is left alone and the client-abort check listens on res instead of on the
// keep-alive socket. res is created per request and its 'close' fires once the response is done or
// the connection dies, so the socket's listener count stays at what Node itself attaches, and the
// leak detector keeps guarding the process.
const http = require('http');

let abortedQueries = 0;
let peakSocketCloseListeners = 0;

const server = http.createServer((req, res) => {
  // Call stack: handler -> res.on: a listener on this request's own response object. It fires
  // once (finished or aborted) and is garbage together with res.
  res.on('close', () => {
    if (!res.writableFinished) abortedQueries += 1;
  });
  peakSocketCloseListeners = Math.max(peakSocketCloseListeners, req.socket.listenerCount('close'));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ rows: 3 }));
});

// Load generator: one keep-alive connection (maxSockets: 1) carries all requests, loopback, bounded.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    request.on('error', reject);
  });
}

const REQUESTS = 60;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  for (let i = 0; i < REQUESTS; i++) await get(port, `/orders?page=${i}`);
  console.log(`${REQUESTS} requests on one connection; peak 'close' listeners on its socket: ${peakSocketCloseListeners}; aborted: ${abortedQueries}`);
  globalThis.__looplensMeasure?.({ socketCloseListeners: peakSocketCloseListeners, requests: REQUESTS });
  agent.destroy();
  server.close();
});
