; Only registrations that run again and again count (#recurring?).
; .on / .addListener / .prependListener on an emitter that outlives the request, never removed.
((call_expression) @report
  (#recurring? @report)
  (#leaks-listener? @report))
