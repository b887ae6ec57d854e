'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const viewsDir = path.join(__dirname, '..', 'views');

// Exported and called from a request handler in server.js: the project view follows the call
// across files, so the read is reported as a hot-path warning with the route that reaches it.
function renderPage(name, data) {
  const tpl = fs.readFileSync(path.join(viewsDir, `${name}.html`), 'utf8');
  return tpl.replace(/\{\{(\w+)\}\}/g, (_, key) => String(data[key] ?? ''));
}

// Exported, and nothing in this project calls it: when it runs is unknown, so it is an info.
function compressed(body) {
  return zlib.gzipSync(body);
}

module.exports = { renderPage, compressed };
