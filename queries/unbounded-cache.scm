; Only code that runs again and again counts (#recurring?: per request, event or interval tick).
; A write that grows a long-lived container (module-level Map/Set/object/array, or a field of a
; module-level singleton) which nothing in the file ever shrinks.
((call_expression) @report
  (#recurring? @report)
  (#grows-unbounded? @report))

((assignment_expression) @report
  (#recurring? @report)
  (#grows-unbounded? @report))
