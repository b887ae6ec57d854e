; Atomics.wait parks the calling thread; on the main thread that thread is the event loop.
((call_expression) @report
  (#resolves-to? @report "^Atomics\\.wait$")
  (#main-thread? @report))
