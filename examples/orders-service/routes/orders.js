'use strict';
const crypto = require('crypto');
const { execSync } = require('child_process');

const ORDER_REF = /^([A-Z0-9]+-?)+$/;

function signatureOf(order) {
  // Called from the handlers below: runs on the hot path too.
  return crypto.pbkdf2Sync(JSON.stringify(order), 'orders', 100000, 32, 'sha256').toString('hex');
}

function show(req, res) {
  if (!ORDER_REF.test(req.params.id)) {
    return res.status(400).json({ error: 'bad order reference' });
  }
  res.json({ id: req.params.id, signature: signatureOf({ id: req.params.id }) });
}

async function create(req, res) {
  const order = { ...req.body, createdAt: Date.now() };
  const gitRev = execSync('git rev-parse HEAD').toString().trim();
  const pdf = require('../lib/pdf');
  res.status(201).json({ order, build: gitRev, receipt: pdf.receiptUrl(order) });
}

module.exports = { show, create };
