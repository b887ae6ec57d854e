'use strict';
// sync-child-process-in-hot-path — BAD.
// A "page count" endpoint that shells out to an external tool with child_process.execFileSync.
// The tool here is a node one-liner that takes ~100 ms plus its own start-up, standing in for
// pdfinfo/ffprobe/git. The parent blocks inside execFileSync (spawn, then waitpid and pipe reads
// without returning to the loop) for the child's whole lifetime: 3 requests = 3 stalls in a row.
// The fix (sync-child-process-in-hot-path.fixed.js) uses execFile with a callback.
const { execFileSync } = require('child_process');
const http = require('http');

// The "external tool": works for ~100 ms, then prints its answer.
const TOOL = 'setTimeout(() => process.stdout.write(JSON.stringify({ pages: 12 })), 100)';

const server = http.createServer((req, res) => {
  // Call stack: handler -> execFileSync. The parent spawns the child and then sits in a nested,
  // private libuv loop until the child exits: the main loop (timers, sockets) is frozen meanwhile.
  const out = execFileSync(process.execPath, ['-e', TOOL], { encoding: 'utf8' });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(out);
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
