// Orders service: an Express-style HTTP API. Start-up code at the top reads its configuration
// synchronously (fine: nobody is waiting yet); the request handlers below must not block.
'use strict';
const fs = require('fs');
const path = require('path');
const express = require('express');
const { loadConfig } = require('./lib/config');
const orders = require('./routes/orders');
const { renderPage } = require('./lib/templates');
const { priceOf } = require('./lib/prices');
const { onShutdown } = require('./lib/events');
const audit = require('./lib/audit');

const config = loadConfig(path.join(__dirname, 'config.json'));
const banner = fs.readFileSync(path.join(__dirname, 'banner.txt'), 'utf8');

const app = express();

app.use(express.json());

app.get('/health', (req, res) => {
  res.json({ ok: true, uptime: process.uptime() });
});

app.get('/orders/:id', orders.show);
app.post('/orders', orders.create);

app.get('/', (req, res) => {
  res.type('html').send(renderPage('home', { user: req.user }));
});

app.get('/prices/:sku', (req, res) => {
  // Helpers from other files, called per request: a cache that only grows and a listener per call.
  onShutdown(() => res.end());
  audit.record({ sku: req.params.sku, at: Date.now() });
  res.json(priceOf(req.params.sku));
});

app.get('/reports/:name', (req, res) => {
  // A report generated on demand: the whole export runs inside the request.
  const csv = fs.readFileSync(path.join(config.reportsDir, `${req.params.name}.csv`));
  res.type('text/csv').send(csv);
});

app.listen(process.env.PORT || config.port, () => {
  // The listen callback runs once, at start-up: a sync write here is fine.
  fs.writeFileSync(path.join(__dirname, 'server.pid'), String(process.pid));
  console.log(banner);
});
