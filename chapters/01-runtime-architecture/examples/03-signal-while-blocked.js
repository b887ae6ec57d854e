'use strict';
// A JS signal handler is just a callback: it cannot interrupt running JavaScript.
// The parent sends SIGTERM 100 ms into a 1 s synchronous loop in the child.
//
//   node examples/03-signal-while-blocked.js
const { spawn } = require('child_process');

if (process.argv[2] === 'child') {
  const t0 = Date.now();
  process.on('SIGTERM', () => {
    console.log(`child : SIGTERM handler ran ${Date.now() - t0} ms after start`);
    process.exit(0);
  });
  process.send('ready');
  while (Date.now() - t0 < 1000); // 1 s of synchronous work on the main thread
  console.log(`child : synchronous loop finished at ${Date.now() - t0} ms`);
  setTimeout(() => {}, 2000); // keep the loop alive so the queued signal gets dispatched
} else {
  const child = spawn(process.execPath, [__filename, 'child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.once('message', () => setTimeout(() => {
    console.log('parent: sending SIGTERM');
    child.kill('SIGTERM');
  }, 100));
  child.on('exit', (code, signal) => console.log(`parent: child exited code=${code} signal=${signal}`));
}
