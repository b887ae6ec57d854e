'use strict';
// async-loop-without-yield — BAD.
// A consumer drains an in-memory event buffer in a while (true) loop inside an async function and
// calls await Promise.resolve() after each event "to let the event loop breathe". Awaiting an
// already-resolved promise only queues the continuation as a microtask: V8 runs it in the same
// microtask checkpoint, so libuv never gets control back for the whole 300 ms drain.
// The fix (async-loop-without-yield.fixed.js) awaits setImmediate from timers/promises every 500 events.
const crypto = require('crypto');
const http = require('http');

// Bounded so the example ends; in production the consumer runs while events keep arriving.
const DRAIN_MS = 300;
const URL_PATH = '/events/drain';

function handleEvent(i) {
  return crypto.createHash('sha1').update(`event-${i}`).digest('hex');
}

async function drain(deadline) {
  let handled = 0;
  // Call stack: handler (poll-phase callback) -> drain. Each await suspends drain and queues its
  // continuation on V8's microtask queue once the awaited promise is settled. Promise.resolve() is
  // settled already, so the checkpoint that follows resumes drain at once, again and again: libuv
  // never gets control back while the loop runs.
  while (true) {
    if (performance.now() >= deadline) break;
    handleEvent(handled);
    handled += 1;
    await Promise.resolve(); // resolved already: the continuation is just the next microtask
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
