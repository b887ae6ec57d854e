; CPU-heavy crypto run on the main thread: the *Sync variants, and randomBytes / randomFill /
; pseudoRandomBytes called without their callback (that form is synchronous).
((call_expression) @report
  (#resolves-to? @report "^crypto\\.(pbkdf2Sync|scryptSync|generateKeyPairSync|generateKeySync|randomFillSync|generatePrimeSync|checkPrimeSync|hkdfSync)$"))

((call_expression) @report
  (#resolves-to? @report "^crypto\\.(randomBytes|pseudoRandomBytes|randomFill)$")
  (#no-callback? @report))
