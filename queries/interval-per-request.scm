; Only intervals created again and again count (#recurring?).
; setInterval whose handle is dropped or never given to clearInterval.
((call_expression) @report
  (#resolves-to? @report "^setInterval$")
  (#recurring? @report)
  (#interval-never-cleared? @report))
