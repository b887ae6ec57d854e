; Switching off the MaxListenersExceededWarning: setMaxListeners(0 | Infinity) on an emitter or
; through events.setMaxListeners, and EventEmitter.defaultMaxListeners = 0 | Infinity.
((call_expression) @report
  (#unlimited-listeners? @report))

((assignment_expression) @report
  (#unlimited-listeners? @report))
