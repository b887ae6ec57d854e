#!/usr/bin/env python3
"""How looplens's rule families compare with other tools' test cases for the same hazards
(../shared/peer-suites/*.json, read in place). A report, not a test: the peers' labels encode their
semantics (often syntactic), so a difference is explained, not counted as an error.

Each snippet runs twice: as written, and wrapped in a request handler
(`require('http').createServer((req, res) => { … })`), which is where looplens's runtime-aware
rules apply. usage: peer_families.py LOOPLENS [SUITES_DIR]
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

FAMILY = {  # peer file prefix -> (looplens family, why the semantics differ when they do)
    'listener-leak-cases': ('listener-leak', 'the peer pairs add/remove calls syntactically (often browser '
                            'addEventListener in component lifecycles); looplens flags a listener only when code that '
                            'runs again and again adds it to an emitter that outlives the request, with no removal'),
    'timer-cases': ('listener-leak', 'the peer wants every timer id stored; looplens flags only setInterval created '
                    'per request and never cleared (a one-shot setTimeout cannot pile up)'),
    'unbounded-cache-cases': ('unbounded-cache', 'the peer flags cache-like names at their declaration; looplens flags '
                              'a write by recurring code to a long-lived container that nothing in the file evicts'),
    'microtask-cases': ('starvation', 'the peer is a portability preference (nextTick → queueMicrotask); looplens '
                        'flags starvation: self-rescheduling or one microtask per item of an unbounded loop'),
    'blocking-cases': ('blocking', 'the peers flag sync calls by name or by an async ancestor; looplens flags Node-core '
                       'sync calls that run on the hot path (a handler, or what it calls)'),
    'semgrep-njsscan-dos-cases': ('blocking', 'semgrep/njsscan match patterns (user input reaching a regex or a loop); '
                                  'looplens flags exponential-backtracking regexes applied on the hot path'),
    'no-sync-cases': None, 'unsafe-regex-cases': None,  # covered by tests/peer and tests/redos
}


def run(looplens, code, suffix='.js'):
    with tempfile.NamedTemporaryFile('w', suffix=suffix, delete=False) as f:
        f.write(code)
    try:
        r = subprocess.run([looplens, 'check', '--format', 'json', f.name], capture_output=True, text=True)
        return json.loads(r.stdout)['diagnostics']
    finally:
        os.unlink(f.name)


def wrap(code):
    return "require('http').createServer((req, res) => {\n" + code + "\n});\n"


def cases(doc):
    for rule in doc['rules']:
        for kind in ('valid', 'invalid'):
            for c in rule.get(kind, []):
                yield rule.get('ruleId', '?'), kind == 'invalid', c['code']
        for key, flagged in (('positives', True), ('negatives', False)):
            for c in rule.get(key, []) if isinstance(rule.get(key), list) else []:
                code = c.get('code') if isinstance(c, dict) else None
                if code:
                    yield rule.get('ruleId', '?'), flagged, code


def main():
    looplens = sys.argv[1]
    suites = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'peer-suites')
    for name in sorted(os.listdir(suites)):
        prefix = next((p for p in FAMILY if name.startswith(p)), None)
        if not name.endswith('.json') or not prefix or FAMILY[prefix] is None:
            continue
        family, why = FAMILY[prefix]
        doc = json.load(open(os.path.join(suites, name)))
        tally = collections.Counter()
        notes = []
        for rule_id, peer_flags, code in cases(doc):
            ours = [d for d in run(looplens, code) if d['family'] == family]
            wrapped = [d for d in run(looplens, wrap(code)) if d['family'] == family]
            tally['cases'] += 1
            if bool(ours) == peer_flags:
                tally['agree'] += 1
                continue
            if peer_flags and wrapped:
                tally['differ: snippet has no hot path (agrees once inside a handler)'] += 1
            elif peer_flags:
                tally['differ: peer semantics (see below)'] += 1
            else:
                tally['looplens flags, peer does not'] += 1
                notes.append(f"    looplens flags what {rule_id} accepts: {code.strip()[:90]!r} -> "
                             f"{', '.join(sorted({d['rule'] for d in ours}))}")
        if not tally['cases']:
            continue  # annotated whole files: reported per line below
        print(f"{name}: {tally['cases']} cases, agreement {tally['agree']}/{tally['cases']}")
        for k, v in tally.items():
            if k.startswith('differ') or k.startswith('looplens'):
                print(f'    {v:3d}  {k}')
        print(f'    why: {why}')
        print('\n'.join(notes))
    # Semgrep/njsscan annotated files: `// ruleid:` marks the next line as a finding, `// ok:` as clean.
    path = os.path.join(suites, 'semgrep-njsscan-dos-cases.json')
    if os.path.exists(path):
        for rule in json.load(open(path))['rules']:
            text = rule.get('annotatedFile')
            if not isinstance(text, str):
                continue
            lines = text.split('\n')
            pos = [i + 2 for i, l in enumerate(lines) if '// ruleid:' in l or '//ruleid:' in l]
            neg = [i + 2 for i, l in enumerate(lines) if '// ok:' in l or '//ok:' in l]
            ours = {d['line'] for d in run(looplens, text) if d['family'] == 'blocking'}
            wrapped = {d['line'] - 1 for d in run(looplens, wrap(text)) if d['family'] == 'blocking'}
            print(f"semgrep-njsscan {rule.get('ruleId')}: marked findings reported {sum(l in ours for l in pos)}/{len(pos)} "
                  f"as written, {sum(l in wrapped for l in pos)}/{len(pos)} inside a handler; ok-marked lines reported "
                  f"{sum(l in ours or l in wrapped for l in neg)}/{len(neg)}")


if __name__ == '__main__':
    main()
