'use strict';
// Which OS threads does a plain Node process own, and when does the libuv pool appear?
// Linux only for the per-thread detail (/proc); elsewhere it prints a notice and exits 0.
//
//   node examples/01-threads-in-a-process.js
const fs = require('fs');
const { execFileSync } = require('child_process');

function threads() {
  // One entry per kernel thread: its id and where it is parked in the kernel (wchan).
  return fs.readdirSync('/proc/self/task').map((tid) => {
    let wchan = '?';
    try { wchan = fs.readFileSync(`/proc/self/task/${tid}/wchan`, 'utf8'); } catch {}
    // wchan is "0" for a thread that is on a CPU right now: here, the main thread reading /proc.
    if (wchan === '0' || wchan === '') wchan = Number(tid) === process.pid ? 'main:running-js' : 'running';
    return { tid: Number(tid), wchan };
  });
}

function summary(list) {
  const byState = {};
  for (const t of list) byState[t.wchan] = (byState[t.wchan] || 0) + 1;
  return `${list.length} threads ${JSON.stringify(byState)}`;
}

if (!fs.existsSync('/proc/self/task')) {
  console.log('no /proc/self/task on this platform; thread listing skipped');
  process.exit(0);
}

if (process.argv[2] === 'child') {
  // Used by the flag comparison below: print the thread count at start and after first pool use.
  const before = threads().length;
  fs.stat(__filename, () => console.log(`${before} at start, ${threads().length} after first fs.stat`));
  return;
}

console.log('pid', process.pid, 'main thread tid', process.pid);
console.log('at start        :', summary(threads()));

setTimeout(() => {
  console.log('after a timer   :', summary(threads()), '(timers do not need extra threads)');
  fs.stat(__filename, () => {
    // fs.stat is the first thread-pool request of this process: libuv creates the whole pool now.
    console.log('after fs.stat   :', summary(threads()));

    const run = (args, env) => execFileSync(process.execPath, [...args, __filename, 'child'],
      { env: { ...process.env, ...env } }).toString().trim();
    console.log('default flags           ->', run([], {}));
    console.log('--v8-pool-size=2        ->', run(['--v8-pool-size=2'], {}));
    console.log('UV_THREADPOOL_SIZE=8    ->', run([], { UV_THREADPOOL_SIZE: '8' }));
  });
}, 20);
