#!/usr/bin/env python3
"""Golden tests of the command line: each folder under cases/ holds `cmd` (a bash script run in
that folder with $LOOPLENS set), and the expected `stdout`, `stderr` and `exit`. Missing expected
files are not compared. --update rewrites them from the current output (review the diff!).

usage: run_cli.py LOOPLENS CASES_DIR [--update] [NAME...]
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    args = [a for a in sys.argv[1:] if a != '--update']
    update = '--update' in sys.argv
    looplens, cases_dir, only = os.path.abspath(args[0]), args[1], set(args[2:])
    names = sorted(n for n in os.listdir(cases_dir) if os.path.isdir(os.path.join(cases_dir, n)))
    passed = failed = 0
    for name in names:
        if only and name not in only:
            continue
        src = os.path.join(cases_dir, name)
        with tempfile.TemporaryDirectory() as tmp:
            work = os.path.join(tmp, name)
            shutil.copytree(src, work)
            env = dict(os.environ, LOOPLENS=looplens, NO_COLOR='1', LC_ALL='C')
            env.pop('GIT_DIR', None)
            r = subprocess.run(['bash', 'cmd'], cwd=work, env=env, capture_output=True, timeout=60)
        got = {'stdout': r.stdout.decode('utf-8', 'replace'), 'stderr': r.stderr.decode('utf-8', 'replace'),
               'exit': f'{r.returncode}\n'}
        problems = []
        for key, text in got.items():
            path = os.path.join(src, key)
            if update:
                with open(path, 'w') as f:
                    f.write(text)
                continue
            if not os.path.exists(path):
                continue
            want = open(path).read()
            if want != text:
                diff = ''.join(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                                    f'{name}/{key} (expected)', f'{name}/{key} (actual)'))
                problems.append(diff)
        if problems:
            failed += 1
            print(f'FAIL {name}')
            for p in problems:
                print(p)
        else:
            passed += 1
            print(f'ok   {name}')
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
