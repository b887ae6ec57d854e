#!/usr/bin/env python3
"""Agreement with eslint-plugin-n / eslint-plugin-node `no-sync` on their own test cases, read from
../shared/peer-suites/no-sync-cases.json (not copied here). Each case runs twice: as the peer wrote
it, and with `const fs = require('fs');` in front, so the receiver really is Node's fs.

Every difference must be explained by a semantic category; an unexplained one fails the test.
usage: no_sync_agreement.py LOOPLENS CASES.json      (exit 77 = skipped when the file is absent)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

BLOCKING = {'sync-fs-in-hot-path', 'sync-crypto-in-hot-path', 'sync-zlib-in-hot-path',
            'sync-child-process-in-hot-path'}


def flags(looplens, code, suffix='.js'):
    with tempfile.NamedTemporaryFile('w', suffix=suffix, delete=False) as f:
        f.write(code)
    try:
        r = subprocess.run([looplens, 'check', '--format', 'json', f.name], capture_output=True, text=True)
        diags = [d for d in json.loads(r.stdout)['diagnostics'] if d['rule'] in BLOCKING]
        return diags
    finally:
        os.unlink(f.name)


def explain(code, peer_flags, ours, bound):
    """Why looplens and the peer disagree, or None when no semantic reason applies."""
    calls = re.findall(r'(\w+(?:\.\w+)*Sync)(?:\.(?:apply|call))?\s*\(', code)
    if peer_flags and not ours:
        if not calls:
            return 'peer flags a bare reference (no call): looplens reports calls, which is what blocks'
        if not bound or not any(c.startswith('fs.') for c in calls):
            return 'receiver is not bound to a Node core module here: looplens resolves bindings, the peer matches the name *Sync'
        if not re.search(r'function|=>', code):
            return 'module top level = start-up code: a sync call there blocks nobody (the peer only skips it with allowAtRootLevel)'
    if ours and not peer_flags:
        return None
    return None


def main():
    looplens, path = sys.argv[1], sys.argv[2]
    if not os.path.exists(path):
        print(f'skipped: {path} not found')
        sys.exit(77)
    data = json.load(open(path))
    rows, agree, total, unexplained = [], 0, 0, 0
    for label in ('valid', 'invalid'):
        for case in data[label]:
            code = case['code']
            peer = label == 'invalid'
            for bound in (False, True):
                src = ("const fs = require('fs');\n" + code) if bound else code
                ours = flags(looplens, src, '.ts.js' if case.get('typeAware') else '.js')
                total += 1
                if bool(ours) == peer:
                    agree += 1
                    continue
                why = explain(code, peer, bool(ours), bound)
                if why is None:
                    unexplained += 1
                    why = 'UNEXPLAINED'
                rows.append((case['plugin'], 'fs bound' if bound else 'as written', code.strip().replace('\n', ' '),
                             'flags' if peer else 'silent', ','.join(f"{d['rule']}:{d['severity']}" for d in ours) or 'silent', why))
    for r in rows:
        print(f'{r[0]:<22} {r[1]:<10} peer {r[3]:<6} looplens {r[4]:<28} {r[2][:60]!r}\n    -> {r[5]}')
    print(f'agreement: {agree}/{total} runs ({100 * agree / total:.0f}%); {len(rows)} differences, {unexplained} unexplained')
    print(f'{total - unexplained} passed, {unexplained} failed')
    sys.exit(1 if unexplained else 0)


if __name__ == '__main__':
    main()
