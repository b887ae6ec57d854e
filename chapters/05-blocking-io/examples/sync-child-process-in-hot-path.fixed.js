'use strict';
// sync-child-process-in-hot-path — FIXED.
// The same "page count" endpoint with child_process.execFile and a callback. The spawn itself is
// a short synchronous syscall, but waiting for the child is not: its stdout pipe is watched in the
// poll phase and the exit is reported through SIGCHLD, so the loop serves other requests while
// the 3 tools run in parallel.
const { execFile } = require('child_process');
const http = require('http');

// The "external tool": works for ~100 ms, then prints its answer.
const TOOL = 'setTimeout(() => process.stdout.write(JSON.stringify({ pages: 12 })), 100)';

const server = http.createServer((req, res) => {
  // Call stack: handler -> execFile, which spawns the child and returns at once. libuv: the
  // stdout/stderr pipes are polled in the poll phase; the child's exit arrives as a signal-driven
  // handle callback, after which our callback runs with the collected output.
  execFile(process.execPath, ['-e', TOOL], { encoding: 'utf8' }, (err, out) => {
    res.writeHead(err ? 500 : 200, { 'content-type': 'application/json' });
    res.end(err ? JSON.stringify({ error: err.message }) : out);
  });
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

const CLIENTS = 3;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const replies = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => get(port, `/documents/${i}/pages`)));
  const ms = Math.round(performance.now() - started);
  console.log(`${CLIENTS} page counts -> ${replies.map((r) => r.body).join(' ')} in ${ms} ms`);
  server.close();
});
