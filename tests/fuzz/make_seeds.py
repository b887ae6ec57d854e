#!/usr/bin/env python3
"""Seed folders for the libFuzzer targets: make_seeds.py OUT SOURCE_ROOT.
analyze: fixtures and examples; rpc: framed messages; config: tests/fuzz/seeds/config;
rulepack: each built-in rule's JSON and query joined by a NUL (fuzz_rulepack.c's input format).
Each target also gets an empty OUT/<name>-new, where libFuzzer writes what it discovers."""
import glob
import os
import shutil
import sys

out, root = sys.argv[1], sys.argv[2]
for name in ('analyze', 'rpc', 'config', 'rulepack'):
    shutil.rmtree(os.path.join(out, name), ignore_errors=True)
    os.makedirs(os.path.join(out, name))
    os.makedirs(os.path.join(out, name + '-new'), exist_ok=True)
for i, f in enumerate(sorted(glob.glob(f'{root}/tests/fixtures/*/*.js') + glob.glob(f'{root}/examples/**/*.js',
                                                                                     recursive=True))):
    shutil.copy(f, os.path.join(out, 'analyze', f'{i:03}.js'))
for f in glob.glob(f'{root}/tests/fuzz/seeds/config/*.json'):
    shutil.copy(f, os.path.join(out, 'config'))
for j in sorted(glob.glob(f'{root}/rules/*.json')):
    q = os.path.join(root, 'queries', os.path.basename(j)[:-5] + '.scm')
    with open(os.path.join(out, 'rulepack', os.path.basename(j)), 'wb') as w:
        w.write(open(j, 'rb').read() + b'\0' + open(q, 'rb').read())
body = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}'
msgs = [b'Content-Length: %d\r\n\r\n%s' % (len(body), body),
        b'Content-Length: 5\r\n\r\n{"a":' + b'Content-Length: 2\r\n\r\n{}',
        b'Content-Type: x\r\nContent-Length: 2\r\n\r\n[]']
for i, m in enumerate(msgs):
    open(os.path.join(out, 'rpc', f'{i}.bin'), 'wb').write(m)
for f in glob.glob(f'{root}/tests/fuzz/seeds/rpc/*'):  # inputs that once failed
    shutil.copy(f, os.path.join(out, 'rpc'))
