'use strict';
// interval-per-request — FIXED.
// The same SSE endpoint with clearInterval(heartbeat) in res.on('close'), which fires once the
// response is finished or the client disconnects. Each interval lives exactly as long as its
// response: after the load no timers remain, and server.close() lets the loop drain and the
// process exit on its own.
const http = require('http');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write('data: {"status":"queued"}\n\n');
  // Call stack: handler -> setInterval, which inserts a timer into libuv's timer heap (one list per
  // duration in Node). Its callback runs in the timers phase every 10 ms until cleared.
  const heartbeat = setInterval(() => {
    if (!res.writableEnded) res.write(': heartbeat\n\n');
  }, 10);
  // 'close' on res: fired once, after the last byte or when the connection dies. Removing the
  // interval from the timer list makes it, and the closure holding res, garbage.
  res.on('close', () => clearInterval(heartbeat));
  // The job finishes after ~30 ms: send the result and end the stream.
  setTimeout(() => res.end('data: {"status":"done"}\n\n'), 30);
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

function liveTimers() {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}

const REQUESTS = 30;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  await Promise.all(Array.from({ length: REQUESTS }, (_, i) => get(port, `/jobs/${i}/events`)));
  // Let the server side see every response close before counting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const timers = liveTimers();
  console.log(`${REQUESTS} event streams finished; timers still alive: ${timers}`);
  globalThis.__looplensMeasure?.({ liveTimers: timers, requests: REQUESTS });
  server.close(); // nothing else is left: the loop empties and the process exits by itself
});
