; Spawning a process and waiting for it to exit, on the main thread.
((call_expression) @report
  (#resolves-to? @report "^child_process\\.(execSync|execFileSync|spawnSync)$"))
