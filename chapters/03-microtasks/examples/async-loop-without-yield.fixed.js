'use strict';
// async-loop-without-yield — FIXED.
// The same drain loop, but every 500 events it awaits setImmediate() from timers/promises. That
// promise is resolved from the check phase of the next loop turn, so the async function really is
// suspended while libuv runs timers and polls sockets; 500 events (~1 ms) is the longest stretch the
// loop is held, whatever the length of the drain.
const crypto = require('crypto');
const http = require('http');
const { setImmediate: yieldToLoop } = require('timers/promises');

// Bounded so the example ends; in production the consumer runs while events keep arriving.
const DRAIN_MS = 300;
const URL_PATH = '/events/drain';

function handleEvent(i) {
  return crypto.createHash('sha1').update(`event-${i}`).digest('hex');
}

async function drain(deadline) {
  let handled = 0;
  // Call stack: handler (poll-phase callback) -> drain. Each await suspends drain and queues its
  // continuation on V8's microtask queue once the awaited promise is settled. yieldToLoop()'s promise
  // is settled by an immediate in the check phase, so drain really waits for a loop turn.
  while (true) {
    if (performance.now() >= deadline) break;
    handleEvent(handled);
    handled += 1;
    // Every 500 events: suspend until the check phase of the next loop turn.
    if (handled % 500 === 0) await yieldToLoop();
  }
  return handled;
}

const server = http.createServer(async (req, res) => {
  globalThis.__looplensMeasure?.({ window: 'start' });
  // A 10 ms timer armed when the job starts: how late does the timers phase get to it?
  const armed = performance.now();
  setTimeout(() => {
    globalThis.__looplensMeasure?.({ timer10msFiredAfterMs: Math.round(performance.now() - armed) });
  }, 10);
  const handled = await drain(performance.now() + DRAIN_MS);
  globalThis.__looplensMeasure?.({ window: 'end', eventsHandled: handled });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ handled }));
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

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const reply = await get(port, URL_PATH);
  console.log(`${URL_PATH} -> ${reply.status} ${reply.body}`);
  server.close();
});
