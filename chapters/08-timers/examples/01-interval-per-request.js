'use strict';
// A setInterval started inside a request handler and never cleared: it keeps
// running after the response is sent, keeps its closure (and so req/res)
// alive, and keeps the process alive after server.close().
const http = require('node:http');

let ticks = 0;
const leakyServer = http.createServer((req, res) => {
  setInterval(() => { ticks++; res.lastPoll = Date.now(); }, 50); // BAD: handle dropped
  res.end('ok');
});

function get(port) {
  return new Promise((resolve, reject) => {
    http.get({ port, agent: false }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
}
const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

leakyServer.listen(0, async () => {
  const { port } = leakyServer.address();
  for (let i = 0; i < 20; i++) await get(port);
  console.log(`after 20 responses were sent: active Timeout resources = ${timeouts()}`);
  leakyServer.close(() => console.log('leaky server closed (listening socket gone)'));
  setTimeout(() => {
    console.log(`300 ms after close(): active Timeout resources = ${timeouts() - 1}, interval callbacks so far = ${ticks}`);
    const others = process.getActiveResourcesInfo().filter((r) => r !== 'Timeout');
    console.log(`active resources other than timers: ${JSON.stringify(others)}`);
    runFixed();
  }, 300);
});

// FIXED: the interval's lifetime is tied to the response.
function runFixed() {
  const live = new Set();
  const fixedServer = http.createServer((req, res) => {
    const iv = setInterval(() => { res.lastPoll = Date.now(); }, 50);
    live.add(iv);
    res.on('close', () => { clearInterval(iv); live.delete(iv); }); // 'close' fires on finish AND on abort
    res.end('ok');
  });
  fixedServer.listen(0, async () => {
    const { port } = fixedServer.address();
    for (let i = 0; i < 20; i++) await get(port);
    await new Promise((r) => setImmediate(r));
    console.log(`fixed server, after 20 responses: intervals still tracked = ${live.size}`);
    fixedServer.close(() => {
      console.log('fixed server closed; the leaky intervals are the only thing keeping us alive -> process.exit(0)');
      process.exit(0); // without this, the 20 leaked intervals would run forever
    });
  });
}
