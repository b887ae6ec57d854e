'use strict';
// setTimeout(fn, 0) vs setImmediate(fn): where the order is a race and where it is fixed.
//
//   node examples/02-timeout-vs-immediate.js
const { execFile } = require('child_process');
const fs = require('fs');

const RUNS = 40;       // in-process trials per case
const FRESH_RUNS = 20; // child processes per main-module case (about 75 ms of CPU each)
const race = "setTimeout(()=>process.stdout.write('T'),0);setImmediate(()=>process.stdout.write('I'));";

function tally(outputs) {
  const counts = {};
  for (const o of outputs) {
    const key = o === 'TI' ? 'timeout first' : 'immediate first';
    counts[key] = (counts[key] || 0) + 1;
  }
  return JSON.stringify(counts);
}

// Fresh processes, 4 at a time: the main-module race needs a new process per run.
async function fresh(code) {
  const outs = [];
  const one = () => new Promise((resolve, reject) =>
    execFile(process.execPath, ['-e', code], (err, stdout) => (err ? reject(err) : resolve(stdout))));
  for (let i = 0; i < FRESH_RUNS; i += 4) outs.push(...await Promise.all([one(), one(), one(), one()]));
  return outs;
}

// 3-5. In-process trials, each started from a different phase.
function trial(scheduleFrom) {
  return new Promise((resolve) => scheduleFrom(() => {
    let out = '';
    setTimeout(() => { out += 'T'; if (out.length === 2) resolve(out); }, 0);
    setImmediate(() => { out += 'I'; if (out.length === 2) resolve(out); });
  }));
}
async function many(label, scheduleFrom) {
  const outs = [];
  for (let i = 0; i < RUNS; i++) outs.push(await trial(scheduleFrom));
  console.log(label, tally(outs));
}
(async () => {
  // 1. From the main module: a race against the 1 ms timer threshold.
  console.log(`main module, ${FRESH_RUNS} fresh processes      :`, tally(await fresh(race)));
  // 2. Main module, but the script keeps the CPU for 2 ms after scheduling: the timer is already due.
  console.log('main module + 2 ms of sync work        :',
    tally(await fresh(race + 'const e=Date.now()+2;while(Date.now()<e);')));
  await many('inside an fs callback (poll phase)     :', (f) => fs.stat(__filename, f));
  await many('inside a setTimeout callback (timers)  :', (f) => setTimeout(f, 0));
  await many('inside a setImmediate callback (check) :', (f) => setImmediate(f));
})();
