'use strict';
// sync-fs-in-hot-path — FIXED.
// The same "tail the access log" endpoint, reading the same 160 MiB, but through fs.createReadStream:
// each 1 MiB read is an fs request executed on the libuv threadpool, and its completion is delivered
// as a poll-phase callback that only keeps the last 4 KiB. Between chunks the loop serves other
// sockets and timers, so 3 concurrent requests barely register as event-loop delay.
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

// Start-up (module top level): sync fs is fine here, nothing is being served yet.
const LOG_FILE = path.join(os.tmpdir(), `looplens-access-${process.pid}.log`);
const LOG_MIB = 160;
const TAIL_BYTES = 4096;
{
  const line = (i) => `127.0.0.1 - - [23/Nov/2025:03:02:${String(i % 60).padStart(2, '0')}] "GET /api/items/${i} HTTP/1.1" 200 512\n`;
  let chunk = '';
  for (let i = 0; chunk.length < 1024 * 1024; i++) chunk += line(i);
  const fd = fs.openSync(LOG_FILE, 'w');
  for (let i = 0; i < LOG_MIB; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}
process.on('exit', () => fs.rmSync(LOG_FILE, { force: true }));

function lastLines(buf, n) {
  return buf.toString('latin1').split('\n').filter(Boolean).slice(-n);
}

const server = http.createServer((req, res) => {
  // Call stack: the handler only creates the stream and returns. libuv: open, then one 1 MiB read
  // at a time on the threadpool; each completion runs the 'data' callback below in the poll phase.
  let tail = Buffer.alloc(0);
  const stream = fs.createReadStream(LOG_FILE, { highWaterMark: 1024 * 1024 });
  stream.on('data', (chunk) => {
    tail = chunk.length >= TAIL_BYTES ? chunk.subarray(-TAIL_BYTES) : Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
  });
  stream.on('error', (err) => {
    res.writeHead(500);
    res.end(String(err));
  });
  stream.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ lines: lastLines(tail, 20) }));
  });
});

// Load generator: the client side, in the same process, loopback only, bounded.
function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve(JSON.parse(body)));
    });
    request.on('error', reject);
  });
}

const CLIENTS = 3;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const replies = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => get(port, `/logs/tail?client=${i}`)));
  const ms = Math.round(performance.now() - started);
  console.log(`${CLIENTS} tail requests (${replies[0].lines.length} lines each) in ${ms} ms`);
  server.close();
});
