; while (true) / for (;;) / do … while (true) in an async function whose awaits are all on
; values that are already settled (await null, await Promise.resolve()).
([(while_statement) (for_statement) (do_statement)] @report
  (#async-spin-loop? @report))
