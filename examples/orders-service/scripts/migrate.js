#!/usr/bin/env node
// A one-shot command-line script: synchronous I/O is exactly right here, and looplens knows it.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const dir = process.argv[2] || path.join(__dirname, '..', 'migrations');
for (const file of fs.readdirSync(dir).sort()) {
  const sql = fs.readFileSync(path.join(dir, file), 'utf8');
  execFileSync('psql', ['-c', sql], { stdio: 'inherit' });
  console.log(`applied ${file}`);
}
