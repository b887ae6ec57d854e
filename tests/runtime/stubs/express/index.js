'use strict';
// A stand-in for express, only as much as examples/orders-service uses (routing with :params,
// express.json(), res.json/type/send/status), so that the truth test runs the service's own code
// under `node --trace-sync-io` with Node core alone. A handler that throws answers 500.
const http = require('http');

function express() {
  const routes = [];
  const app = {
    use(fn) { routes.push({ method: null, fn }); },
    get(p, fn) { routes.push({ method: 'GET', path: p, fn }); },
    post(p, fn) { routes.push({ method: 'POST', path: p, fn }); },
    listen(port, cb) {
      return http.createServer((req, res) => handle(routes, req, res)).listen(port, '127.0.0.1', cb);
    },
  };
  return app;
}

function match(pattern, path) {
  const want = pattern.split('/'), got = path.split('/');
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

function handle(routes, req, res) {
  const url = new URL(req.url, 'http://local');
  req.query = Object.fromEntries(url.searchParams);
  res.status = (code) => { res.statusCode = code; return res; };
  res.type = (t) => { res.setHeader('content-type', t === 'html' ? 'text/html' : t); return res; };
  res.send = (body) => { res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : String(body)); return res; };
  res.json = (obj) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(obj)); return res; };
  let i = 0;
  const next = (err) => {
    if (err) return fail(res, err);
    for (; i < routes.length; i++) {
      const r = routes[i];
      if (r.method && r.method !== req.method) continue;
      const params = r.path ? match(r.path, url.pathname) : {};
      if (!params) continue;
      req.params = params;
      i++;
      try {
        const out = r.method ? r.fn(req, res) : r.fn(req, res, next);
        if (out && typeof out.catch === 'function') out.catch((e) => fail(res, e));
      } catch (e) {
        fail(res, e);
      }
      return undefined;
    }
    res.statusCode = 404;
    return res.end();
  };
  next();
}

function fail(res, err) {
  if (!res.headersSent) res.statusCode = 500;
  res.end(String(err && err.message));
}

express.json = () => (req, res, next) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    try { req.body = body ? JSON.parse(body) : {}; } catch { req.body = {}; }
    next();
  });
};

module.exports = express;
