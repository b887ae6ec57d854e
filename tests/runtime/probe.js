'use strict';
// looplens runtime probe — a preload, never required by the examples themselves:
//
//   node --require ./tests/runtime/probe.js chapters/05-blocking-io/examples/busy-wait.bad.js
//
// (the ./ matters: without it --require looks for a package named "tests")
//
// It watches the event loop from the outside and, when the process exits (naturally or via
// process.exit), prints one last stdout line:
//
//   LOOPLENS-MEASURE {"eld_max_ms":412.1,"eld_p99_ms":405.3,...}
//
// Figures (see tests/runtime/README.md for the full list):
//   eld_*            perf_hooks.monitorEventLoopDelay({resolution: 1}): how late a 1 ms libuv timer
//                    fired, i.e. how long the loop was held by something (sync code, microtasks).
//                    The histogram only records from its second wake-up on, so blocking top-level
//                    start-up code is not counted: start-up is allowed to block, serving is not.
//   startup_ms       preload -> first loop turn (the example's top level ran in between).
//   cpu_ms           process.cpuUsage() user+system over the whole run (all threads).
//   timer_ticks      ticks of an unref'd 5 ms setInterval (timers phase); timer_ticks_expected is
//                    (time since the first loop turn) / 5 ms.
//   tick_late_max_ms the longest gap between two ticks, minus 5 ms: raw loop delay seen from JS.
//   stall_max_ms     the same gap minus the time the main thread spent runnable but waiting for a
//                    CPU (Linux /proc/self/task/<pid>/schedstat, field 2). What is left is delay the
//                    program caused itself: running JS/native code, or sleeping in a blocking call
//                    (read, waitpid, futex). CPU contention from other processes, or from the
//                    program's own threadpool threads, is not counted. null where schedstat is absent.
//   io_completions   completions of a chained fs.stat (threadpool -> poll phase callback), re-issued
//                    from setImmediate (check phase) at most once per ms and re-armed by the 5 ms
//                    tick; it only keeps going while the example itself has resources alive, so it
//                    never holds the process open.
//   heap_*           process.memoryUsage().heapUsed after a full GC, at start and at exit
//                    (heap_end_raw_mb: before that GC), and at the example's sampleHeap call.
//   max_listeners_warnings  count of MaxListenersExceededWarning seen via process.on('warning').
//   loop_drained     true when 'beforeExit' fired (the loop emptied by itself; false after process.exit).
//   window_*         the same counters between two marks the example sets (see the hook below).
//   example.*        whatever the example published.
//
// The hook: globalThis.__looplensMeasure(obj). Examples call it as
//   globalThis.__looplensMeasure?.({ cacheSize: cache.size })
// which is a no-op without the probe. Keys are merged into `example` (last value wins), except
// the reserved keys:
//   {window: 'start'} / {window: 'end'}  snapshot the counters (-> window_* figures);
//   {sampleHeap: true}                   runs a full GC right now and records heapUsed
//                                        (-> heap_sampled_mb, heap_sampled_growth_mb). Use it while
//                                        the example's state is still reachable: at exit a closed
//                                        server's closures, and whatever they held, are garbage.
const fs = require('fs');
const os = require('os');
const v8 = require('v8');
const vm = require('vm');
const { monitorEventLoopDelay, performance } = require('perf_hooks');

// A private gc() without exposing a global to the example.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const TICK_MS = 5;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let loopStart = null;
gc();
const heapStart = process.memoryUsage().heapUsed;

const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();

let ticks = 0;
let lastTickT = null;
let lastWaitNs = null;
let tickLateMax = 0;
let stallMax = 0;

// Main-thread runqueue wait (ns) from schedstat: "<run ns> <wait ns> <timeslices>".
let schedFd = null;
const schedBuf = Buffer.alloc(128);
try {
  schedFd = fs.openSync(`/proc/self/task/${process.pid}/schedstat`, 'r');
} catch {
  schedFd = null;
}
function runqueueWaitNs() {
  if (schedFd === null) return null;
  try {
    const n = fs.readSync(schedFd, schedBuf, 0, schedBuf.length, 0);
    const wait = Number(schedBuf.toString('latin1', 0, n).split(' ')[1]);
    return Number.isFinite(wait) ? wait : null;
  } catch {
    return null;
  }
}
let io = 0;
let ioInFlight = false;
let ioLastIssue = 0;
const statTarget = os.tmpdir();

// Only keep the I/O chain alive while something of the example keeps the loop alive
// (our own interval is unref'd and therefore not listed).
function exampleAlive() {
  return process.getActiveResourcesInfo().length > 0;
}

function ioIssue() {
  if (ioInFlight || !exampleAlive()) return;
  ioInFlight = true;
  ioLastIssue = performance.now();
  fs.stat(statTarget, ioDone);
}

function ioDone() {
  // poll phase: the threadpool finished the stat and the loop got round to its callback
  io += 1;
  ioInFlight = false;
  setImmediate(ioNext);
}

function ioNext() {
  // check phase; pace to at most one stat per ms so the probe costs ~nothing when idle
  if (performance.now() - ioLastIssue >= 1) ioIssue();
}

function onTick() {
  ticks += 1;
  const now = performance.now();
  const waitNs = runqueueWaitNs();
  if (lastTickT !== null) {
    const late = now - lastTickT - TICK_MS;
    if (late > tickLateMax) tickLateMax = late;
    if (waitNs !== null && lastWaitNs !== null) {
      const self = late - (waitNs - lastWaitNs) / 1e6;
      if (self > stallMax) stallMax = self;
    }
  }
  lastTickT = now;
  lastWaitNs = waitNs;
  ioIssue();
}

const ticker = setInterval(onTick, TICK_MS);
ticker.unref();
setImmediate(() => {
  loopStart = performance.now();
  ioIssue();
});

let maxListenersWarnings = 0;
const warnings = [];
process.on('warning', (w) => {
  warnings.push(w.name);
  if (w.name === 'MaxListenersExceededWarning') maxListenersWarnings += 1;
});

let drained = false;
process.on('beforeExit', () => {
  drained = true;
});

const example = {};
let winStart = null;
let winEnd = null;
let heapSampled = null;
function snap() {
  return { t: performance.now(), ticks, io };
}
globalThis.__looplensMeasure = function looplensMeasure(figures) {
  if (!figures || typeof figures !== 'object') return;
  for (const [k, v] of Object.entries(figures)) {
    if (k === 'sampleHeap') {
      if (v) {
        gc();
        heapSampled = process.memoryUsage().heapUsed;
      }
    } else if (k === 'window') {
      if (v === 'start') winStart = snap();
      else if (v === 'end') winEnd = snap();
    } else {
      example[k] = v;
    }
  }
};

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const MB = 1024 * 1024;

process.on('exit', (code) => {
  const now = performance.now();
  const wall = now - t0;
  const ls = loopStart === null ? now : loopStart;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  const heapEndRaw = process.memoryUsage().heapUsed;
  gc();
  const heapEnd = process.memoryUsage().heapUsed;
  const out = {
    exit_code: code,
    wall_ms: round(wall, 1),
    startup_ms: round(ls - t0, 1),
    cpu_ms: round((cpu.user + cpu.system) / 1000, 1),
    eld_max_ms: eld.count ? round(eld.max / 1e6) : 0,
    eld_p99_ms: eld.count ? round(eld.percentile(99) / 1e6) : 0,
    eld_mean_ms: eld.count ? round(eld.mean / 1e6) : 0,
    eld_samples: eld.count,
    timer_ticks: ticks,
    timer_ticks_expected: Math.floor((now - ls) / TICK_MS),
    tick_late_max_ms: round(tickLateMax),
    stall_max_ms: schedFd === null ? null : round(stallMax),
    io_completions: io,
    heap_start_mb: round(heapStart / MB),
    heap_end_raw_mb: round(heapEndRaw / MB),
    heap_end_mb: round(heapEnd / MB),
    heap_growth_mb: round((heapEnd - heapStart) / MB),
    heap_sampled_mb: heapSampled === null ? null : round(heapSampled / MB),
    heap_sampled_growth_mb: heapSampled === null ? null : round((heapSampled - heapStart) / MB),
    max_listeners_warnings: maxListenersWarnings,
    warnings,
    loop_drained: drained,
  };
  if (winStart) {
    const end = winEnd || snap();
    out.window_ms = round(end.t - winStart.t, 1);
    out.window_timer_ticks = end.ticks - winStart.ticks;
    out.window_timer_ticks_expected = Math.floor((end.t - winStart.t) / TICK_MS);
    out.window_io_completions = end.io - winStart.io;
  }
  out.example = example;
  fs.writeSync(1, `LOOPLENS-MEASURE ${JSON.stringify(out)}\n`);
});
