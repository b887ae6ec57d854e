#!/usr/bin/env python3
"""Hang detector for inputs whose analysis once grew faster than their size (never a timing test).

usage: check_adversarial.py LOOPLENS BENCH_DIR [--timeout S]

Writes each generator of bench/adversarial.py at a size that used to take minutes (before: 1,000
mutual calls >170 s, 300 call sites of one complex regex 55 s, 1,000 nested blocks 94 s, 2,500
routes adding listeners 31 s; a 1 MB minified file, 6,000 containers, 10,000 suppressed findings
and an async function calling itself 5,000 times tens of seconds under the sanitizers), next to an ordinary file, and checks them in one
`looplens check --format json` run that must end within --timeout (default 60 s; the sanitizer
build passes more). Then every file must have exactly its expected findings: the ordinary one
too, so that one slow file cannot lose the others' results, and no notice (skipped, I/O error)
for any of them."""
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

CASES = [('mutual-calls', 1000), ('regex-sites', 300), ('deep-blocks', 1000), ('listeners', 2500),
         ('minified-etn', 17000), ('containers', 6000), ('suppressed', 10000), ('async-self-calls', 5000)]

ORDINARY = """const fs = require('fs');
const app = require('express')();
app.get('/', (req, res) => res.send(fs.readFileSync('motd.txt')));
"""


def main():
    args = sys.argv[1:]
    timeout = float(args[args.index('--timeout') + 1]) if '--timeout' in args else 60.0
    looplens, bench = os.path.abspath(args[0]), args[1]
    sys.dont_write_bytecode = True  # nothing written into the source tree
    sys.path.insert(0, bench)
    import adversarial
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        expected = {'ordinary.js': {'sync-fs-in-hot-path': 1}}
        with open(os.path.join(tmp, 'ordinary.js'), 'w') as f:
            f.write(ORDINARY)
        for name, n in CASES:
            src, want = adversarial.GENERATORS[name][0](n)
            with open(os.path.join(tmp, f'{name}.js'), 'w') as f:
                f.write(src)
            expected[f'{name}.js'] = want
        t = time.perf_counter()
        try:
            r = subprocess.run([looplens, 'check', '--format', 'json', '--jobs', '2', tmp], capture_output=True,
                               text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f'FAIL: looplens check did not finish within {timeout:.0f} s on {", ".join(sorted(expected))}')
            return 1
        print(f'looplens check on {len(expected)} files: {time.perf_counter() - t:.1f} s, exit {r.returncode}')
        if r.returncode not in (0, 1):
            print(f'FAIL: exit {r.returncode}\n{r.stderr}')
            return 1
        out = json.loads(r.stdout)
        got = collections.defaultdict(collections.Counter)
        for d in out['diagnostics']:
            got[os.path.basename(d['file'])][d['rule']] += 1
        for name, want in sorted(expected.items()):
            if dict(got[name]) != want:
                failures.append(f'{name}: findings {dict(got[name])}, expected {want}')
        for notice in out.get('notices', []):
            failures.append(f'notice: {notice}')
    for f in failures:
        print('FAIL:', f)
    print(f'{len(expected)} files, {len(failures)} problem(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
