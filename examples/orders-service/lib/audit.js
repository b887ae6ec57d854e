'use strict';
// Audit entries are written in batches. `flushAudit` reschedules itself with process.nextTick
// while entries remain, and the request handlers keep adding entries: the nextTick queue is
// drained completely before the event loop moves on, so I/O waits as long as requests keep coming.
const pending = [];

function record(entry) {
  pending.push(entry);
  if (pending.length === 1) process.nextTick(flushAudit);
}

function flushAudit() {
  const entry = pending.shift();
  if (entry) console.log(JSON.stringify(entry));
  if (pending.length) process.nextTick(flushAudit);
}

module.exports = { record };
