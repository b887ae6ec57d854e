'use strict';
// interval-per-request — BAD.
// A server-sent-events endpoint starts a 10 ms heartbeat setInterval for each request and never
// clears it. After the response ends, the interval keeps firing (its guard makes it a no-op), keeps
// req/res reachable, and keeps the process alive: 30 requests leave 30 live intervals, server.close()
// cannot drain the loop, and this example has to end itself with process.exit().
// The fix (interval-per-request.fixed.js) clears the interval in res.on('close').
const http = require('http');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write('data: {"status":"queued"}\n\n');
  // Call stack: handler -> setInterval, which inserts a timer into libuv's timer heap (one list per
  // duration in Node). Its callback runs in the timers phase every 10 ms until cleared.
  const heartbeat = setInterval(() => {
    if (!res.writableEnded) res.write(': heartbeat\n\n');
  }, 10);
  // Nothing ever passes `heartbeat` to clearInterval: the timer list keeps it, and its closure
  // keeps res, for as long as the process runs.
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
  server.close();
  // The leaked intervals are ref'd handles: the loop would never become empty and the process would
  // never exit by itself. That is the symptom; exiting explicitly is what hides it in real services.
  process.exit(0);
});
