; A loop that spins on a clock: the condition reads Date.now() / new Date() / performance.now() /
; process.hrtime() and the body does nothing (empty, counters, clock reads).
([(while_statement) (do_statement) (for_statement)] @report
  (#busy-wait? @report))
