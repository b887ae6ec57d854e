; Synchronous file-system calls. Every alias form resolves to "fs.<name>Sync": require('fs'),
; require('node:fs'), destructuring with renames, inline require('fs').readFileSync, ESM default,
; namespace and named imports. fs.promises / fs/promises never end in Sync.
; Severity follows the context of the call (rules/sync-fs-in-hot-path.json).
((call_expression) @report
  (#resolves-to? @report "^fs\\.[A-Za-z]+Sync$"))
