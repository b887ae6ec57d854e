'use strict';
// sync-fs-in-hot-path — BAD.
// A "tail the access log" endpoint that reads the whole 160 MiB log with fs.readFileSync and keeps
// the last lines. Every request blocks the main thread for the read syscalls and the copy of every
// byte into a fresh Buffer, so 3 concurrent requests hold the event loop for hundreds of ms.
// The fix (sync-fs-in-hot-path.fixed.js) reads the same bytes with fs.createReadStream: the reads
// run on the libuv threadpool in 1 MiB chunks and the loop is free between chunks.
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
  // Call stack: this handler runs inside the poll phase, called by the HTTP parser. readFileSync
  // does open/fstat/read.../close as blocking syscalls right here and faults in ~160 MiB of fresh
  // memory: nothing is handed to libuv, no other callback (timer, socket, fs) runs until it returns.
  const log = fs.readFileSync(LOG_FILE);
  const lines = lastLines(log.subarray(-TAIL_BYTES), 20);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ lines }));
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
