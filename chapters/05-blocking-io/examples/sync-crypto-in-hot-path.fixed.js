'use strict';
// sync-crypto-in-hot-path — FIXED.
// The same Basic-auth login check, with crypto.pbkdf2 and a callback. The main thread only queues a
// job: libuv runs the 210k SHA-512 rounds on a threadpool thread, and the completion comes back as a
// callback in the poll phase. CPU is still spent (now on other threads), but the event loop keeps
// serving timers and sockets, so the measured loop delay stays small.
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
  // Call stack: handler -> verify -> crypto.pbkdf2, which only submits a job to the libuv threadpool
  // and returns. The callback below runs later, in the poll phase, when a pool thread finished it.
  crypto.pbkdf2(password, USERS[user].salt, ITERATIONS, 64, 'sha512', (err, derived) => {
    done(!err && crypto.timingSafeEqual(derived, USERS[user].hash));
  });
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
