'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const viewsDir = path.join(__dirname, '..', 'views');

// Exported and called from request handlers in other files: looplens cannot see those callers
// from here, so it reports the read with a lower severity (unknown context).
function renderPage(name, data) {
  const tpl = fs.readFileSync(path.join(viewsDir, `${name}.html`), 'utf8');
  return tpl.replace(/\{\{(\w+)\}\}/g, (_, key) => String(data[key] ?? ''));
}

function compressed(body) {
  return zlib.gzipSync(body);
}

module.exports = { renderPage, compressed };
