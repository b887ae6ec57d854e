; A regex with catastrophic (exponential) backtracking, applied with test/exec/match/matchAll/
; replace/replaceAll/split/search. The regex may be a literal, new RegExp('literal') or a const
; bound to either; the finding sits where it is applied, since that is where the input arrives.
((call_expression) @report
  (#redos-applied? @report))
