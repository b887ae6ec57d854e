'use strict';
// The loop keeps turning only while something referenced is pending.
//
//   node examples/05-loop-liveness.js
const t0 = Date.now();
const since = () => `${String(Date.now() - t0).padStart(4)} ms`;

const heartbeat = setInterval(() => console.log(since(), 'unref\'d interval tick'), 40);
heartbeat.unref(); // does not keep the process alive on its own

setTimeout(() => console.log(since(), 'ref\'d 130 ms timer fires: after this nothing referenced is left'), 130);

let extended = false;
process.on('beforeExit', () => {
  console.log(since(), 'beforeExit: loop is empty');
  if (!extended) {
    extended = true;
    setTimeout(() => console.log(since(), 'work scheduled from beforeExit ran'), 50); // loop restarts
  }
});
process.on('exit', (code) => {
  setTimeout(() => console.log('never printed: the loop is gone in "exit"'), 0);
  console.log(since(), `exit(${code}): only synchronous code runs here`);
});
