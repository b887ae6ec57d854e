; process.nextTick / queueMicrotask once per round of a loop whose number of rounds comes from
; input (or never ends): all those callbacks run before the event loop moves on.
((call_expression) @report
  (#resolves-to? @report "^(process\\.nextTick|queueMicrotask)$")
  (#in-unbounded-loop? @report))
