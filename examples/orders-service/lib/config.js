'use strict';
const { readFileSync } = require('node:fs');

// Called once from server.js at start-up: a synchronous read is the right tool here.
function loadConfig(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

module.exports = { loadConfig };
