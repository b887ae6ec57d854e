'use strict';
// sync-crypto-in-hot-path — BAD.
// A Basic-auth login check that derives the password hash with crypto.pbkdf2Sync (210k rounds of
// SHA-512, ~170 ms of CPU). The whole derivation runs on the main thread inside the request callback,
// so 3 logins arriving together queue up behind each other and nothing else runs meanwhile.
// The fix (sync-crypto-in-hot-path.fixed.js) calls crypto.pbkdf2 with a callback: the same work
// runs on the libuv threadpool (4 threads by default) and the loop stays responsive.
const crypto = require('crypto');
const http = require('http');

const ITERATIONS = 210000; // OWASP's 2023 figure for PBKDF2-HMAC-SHA512
// The user table as a database would hold it: salt and PBKDF2 hash per user (passwords: "<name>-secret").
const USERS = {
  alice: {
    salt: Buffer.from('47f2df763410bc3c1dda1d379afa3bf5', 'hex'),
    hash: Buffer.from('fea8061b29c597ce96952d4f625dd8ac85cb355886e72f82757a9779822077eaffd90008fe9c4f69b7f2358cc821710659f4fe408df08138ee6809231e9db418', 'hex'),
  },
  bob: {
    salt: Buffer.from('0adb3fc484f0033db9a62c6df375e4b4', 'hex'),
    hash: Buffer.from('edf80ae6552da7de4803b25d1c5f1deeeb7eef6626925a9cf7b68876502b5ce47b3c67a5a2d240a7ce69720a262190c2356d70d385c1c81b5c9d9fc82c8dcd3a', 'hex'),
  },
};

function verify(user, password, done) {
  // Call stack: handler -> verify -> pbkdf2Sync. OpenSSL runs 210k HMAC rounds right here on the
  // main thread; no libuv request exists, the poll phase is stuck in this callback until it returns.
  const derived = crypto.pbkdf2Sync(password, USERS[user].salt, ITERATIONS, 64, 'sha512');
  done(crypto.timingSafeEqual(derived, USERS[user].hash));
}

const server = http.createServer((req, res) => {
  const [user, password] = Buffer.from((req.headers.authorization || '').slice(6), 'base64').toString().split(':');
  if (!Object.hasOwn(USERS, user)) {
    res.writeHead(401);
    res.end();
    return;
  }
  verify(user, password, (ok) => {
    res.writeHead(ok ? 204 : 401);
    res.end();
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

const LOGINS = 3;
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const started = performance.now();
  const logins = Array.from({ length: LOGINS }, (_, i) => {
    const user = i % 2 ? 'bob' : 'alice';
    const authorization = `Basic ${Buffer.from(`${user}:${user}-secret`).toString('base64')}`;
    return get(port, '/login', { authorization });
  });
  const statuses = (await Promise.all(logins)).map((r) => r.status);
  console.log(`${LOGINS} logins -> ${statuses.join(',')} in ${Math.round(performance.now() - started)} ms`);
  server.close();
});
