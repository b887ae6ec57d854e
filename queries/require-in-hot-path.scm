; require() evaluated inside a function that runs on the hot path (the real CommonJS require,
; not a local function of the same name).
((call_expression) @report
  (#require-call? @report))
