'use strict';
// redos-in-hot-path — FIXED.
// The same validation without nested quantifiers: one character class scan plus a check for a
// leading or doubled space accepts exactly the names /^(\w+\s?)*$/ accepted (word characters, single
// whitespace only after a word character) but each regex has a single way to match any input, so
// the cost is linear in the length and the crafted name is rejected in microseconds.
const http = require('http');

function isValidName(name) {
  // Call stack: handler -> isValidName -> two linear scans; nothing else is involved.
  return /^[\w\s]*$/.test(name) && !/^\s|\s\s/.test(name);
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
