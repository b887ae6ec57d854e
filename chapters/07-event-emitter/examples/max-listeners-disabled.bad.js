'use strict';
// max-listeners-disabled — BAD.
// To "stop the client-abort handling from spamming warnings", every connection gets
// socket.setMaxListeners(0). The warning was right: the handler adds a 'close' listener to
// req.socket per request, and with keep-alive one socket serves many requests, so the listeners pile
// up on the connection (60 requests -> 60+ listeners, each holding its req/res) and the process stays
// silent about it: 0 warnings. The fix (max-listeners-disabled.fixed.js) keeps the default limit and
// listens on res, the per-request object, so there is nothing to silence.
const http = require('http');

let abortedQueries = 0;
let peakSocketCloseListeners = 0;

const server = http.createServer((req, res) => {
  // Call stack: handler -> req.socket.on. The socket outlives this request (keep-alive), so the
  // listener, and the req/res it closes over, stays attached until the connection closes.
  req.socket.on('close', () => {
    if (!res.writableFinished) abortedQueries += 1;
  });
  peakSocketCloseListeners = Math.max(peakSocketCloseListeners, req.socket.listenerCount('close'));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ rows: 3 }));
});
// Every new connection: lift the listener limit (0 = unlimited). This only hides the symptom.
server.on('connection', (socket) => {
  socket.setMaxListeners(0);
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
