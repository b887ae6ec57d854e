'use strict';
// ref/unref decide whether a timer keeps the process alive; they do not
// change when or whether it fires while something else keeps the loop running.
const t0 = performance.now();
const at = () => `${(performance.now() - t0).toFixed(0).padStart(4)} ms`;

const never = setTimeout(() => console.log('unref timer, 5 s: never printed'), 5000);
never.unref();
console.log(`never.hasRef() = ${never.hasRef()}`);

const heartbeat = setInterval(() => console.log(`${at()}  unref'd 100 ms heartbeat`), 100).unref();

const idle = setTimeout(() => console.log(`${at()}  idle timeout fired (last refresh + 150 ms)`), 150);
let n = 0;
const activity = setInterval(() => {
  idle.refresh();                          // restart the countdown, same object, no new allocation
  if (++n === 3) clearInterval(activity);  // the ref'd interval keeps the process alive till here
}, 60);

process.on('exit', () => {
  console.log(`${at()}  exit: the ref'd timers are done; heartbeat.hasRef()=${heartbeat.hasRef()} did not hold the process`);
});
