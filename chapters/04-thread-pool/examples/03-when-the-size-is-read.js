'use strict';
// UV_THREADPOOL_SIZE is read once, when the first request reaches the pool. Counts the pool's
// threads through /proc (Linux). Each case runs in a fresh child process.
//
//   node examples/03-when-the-size-is-read.js
const fs = require('fs');
const { execFileSync } = require('child_process');

if (!fs.existsSync('/proc/self/task')) {
  console.log('needs /proc/self/task (Linux); skipped');
  process.exit(0);
}

if (process.argv[2] === 'child') {
  const mode = process.argv[3];
  const count = () => fs.readdirSync('/proc/self/task').length;
  const before = count();
  if (mode === 'set-before-first-use') process.env.UV_THREADPOOL_SIZE = '16';
  fs.stat(__filename, () => {
    if (mode === 'set-after-first-use') {
      process.env.UV_THREADPOOL_SIZE = '16';
      fs.stat(__filename, () => console.log(`pool threads: ${count() - before}`));
    } else {
      console.log(`pool threads: ${count() - before}`);
    }
  });
  return;
}

const run = (label, env, mode = 'plain') => {
  const base = { ...process.env };
  delete base.UV_THREADPOOL_SIZE; // "not set" must really mean absent: an empty value is a value
  const out = execFileSync(process.execPath, [__filename, 'child', mode], {
    env: { ...base, ...env },
  }).toString().trim();
  console.log(`${label.padEnd(44)} -> ${out}`);
};

run('not set', {});
run('UV_THREADPOOL_SIZE=8 in the environment', { UV_THREADPOOL_SIZE: '8' });
run('set to 16 in JS before any pool use', {}, 'set-before-first-use');
run('set to 16 in JS after the first fs call', {}, 'set-after-first-use');
for (const v of ['', '0', 'abc', '1', '2000', '-3']) run(`UV_THREADPOOL_SIZE=${JSON.stringify(v)}`, { UV_THREADPOOL_SIZE: v });
