; A function that queues itself again on a microtask queue: process.nextTick(f),
; queueMicrotask(f), Promise.resolve().then(f) (directly, through an arrow wrapper, a bound
; method or a helper), or an async function that calls itself after awaiting only settled values.
; Behind a condition the engine lowers the severity one level (a drain loop).
((call_expression) @report
  (#reschedules-self? @report))

((call_expression) @report
  (#async-self-chain? @report))
