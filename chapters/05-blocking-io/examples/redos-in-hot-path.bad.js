'use strict';
// redos-in-hot-path — BAD.
// A profile endpoint validates the display name with /^(\w+\s?)*$/ ("words separated by single
// spaces"). The group's \w+ and the outer * can split a run of letters in exponentially many ways,
// and V8's backtracking engine tries them all when the match fails: a 24-letter name ending in '!'
// costs ~75 ms of pure CPU on the main thread in V8's compiled regexp code (~1 s when the regexp runs
// in V8's bytecode interpreter, as on its first use), and each extra letter doubles it.
// The fix (redos-in-hot-path.fixed.js) checks the same language with linear-time regexes.
const http = require('http');

function isValidName(name) {
  // Call stack: handler -> isValidName -> irregexp native code, backtracking on the main thread.
  // No libuv involvement, not interruptible: the poll phase is stuck here until the match fails.
  return /^(\w+\s?)*$/.test(name);
}

const server = http.createServer((req, res) => {
  const name = new URL(req.url, 'http://localhost').searchParams.get('name') || '';
  const ok = isValidName(name);
  res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok }));
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

// Ordinary names first, then one crafted name: 24 word characters and a trailing '!'.
const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Barbara Liskov', ' leading space', 'two  spaces', `${'a'.repeat(24)}!`];
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const statuses = [];
  for (const name of NAMES) {
    const reply = await get(port, `/profile?name=${encodeURIComponent(name)}`);
    statuses.push(reply.status);
  }
  const ms = Math.round(performance.now() - started);
  console.log(`${NAMES.length} profile updates -> ${statuses.join(',')} in ${ms} ms`);
  server.close();
});
