'use strict';
// The poll phase blocks in the kernel until I/O arrives or the nearest timer is due.
// A pending setImmediate turns that wait into a zero-timeout poll; a busy callback makes timers late.
//
//   node examples/04-poll-sleeps-until-next-timer.js
const fs = require('fs');
const { performance } = require('perf_hooks');

const cpuMs = (c) => ((c.user + c.system) / 1000).toFixed(1);

function idleWait() {
  return new Promise((resolve) => {
    const t0 = performance.now(); const c0 = process.cpuUsage();
    setTimeout(() => {
      console.log(`setTimeout(100) with nothing else to do: fired at ${(performance.now() - t0).toFixed(1)} ms, ` +
        `CPU used ${cpuMs(process.cpuUsage(c0))} ms (the thread slept in epoll_wait)`);
      resolve();
    }, 100);
  });
}

function spinWait() {
  return new Promise((resolve) => {
    const t0 = performance.now(); const c0 = process.cpuUsage();
    let turns = 0;
    const again = () => { turns++; if (performance.now() - t0 < 100) setImmediate(again); };
    setImmediate(again);
    setTimeout(() => {
      console.log(`setTimeout(100) while setImmediate re-arms itself: fired at ${(performance.now() - t0).toFixed(1)} ms, ` +
        `CPU used ${cpuMs(process.cpuUsage(c0))} ms, ${turns} loop iterations`);
      resolve();
    }, 100);
  });
}

function lateTimer() {
  return new Promise((resolve) => {
    fs.stat(__filename, () => {
      const t0 = performance.now();
      setTimeout(() => {
        console.log(`setTimeout(5) scheduled before 40 ms of sync work: fired at ${(performance.now() - t0).toFixed(1)} ms`);
        resolve();
      }, 5);
      const end = performance.now() + 40;
      while (performance.now() < end);
    });
  });
}

idleWait().then(spinWait).then(lateTimer);
