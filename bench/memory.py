#!/usr/bin/env python3
"""Peak memory of `looplens check` on one file, for every shape of input that stresses the parser.

A syntax tree costs 100-250 bytes a node whatever the text's size in bytes, and deep shapes cost more
than flat ones, so the engine has two limits (include/looplens/engine.h): texts over 1,500,000
tokens are not parsed, and a parse is stopped when tree-sitter holds over 160 MiB for it. Each shape
runs just under the token limit (the most the first limit accepts), just over it, and at the 4 MiB
size limit. Prints peak RSS per run (wait4's ru_maxrss) and the maximum; target <= 256 MB.

usage: bench/memory.py [LOOPLENS] [--budget N]
"""
import glob
import os
import subprocess
import sys
import tempfile

BUDGET = 1_500_000
SIZE_LIMIT = 4 << 20


def shapes(real_text):
    """name -> (unit, tokens per unit); the text is the unit repeated."""
    return {
        'open brackets [[[': ('[', 1),
        'open parens (((': ('(', 1),
        'open braces {{{': ('{', 1),
        'nested functions': ('function f(){', 5),
        'ternary chain a?a:': ('a?a:', 4),
        'unary chain !!!': ('!', 1),
        'typeof typeof': ('typeof ', 1),
        'strings "x"+': ('"x"+', 4),
        'assignments a=a=': ('a=', 2),
        'balanced [[ ]]': None,  # built below
        'sequence a,a,a': ('a,', 2),
        'binary a+a+a': ('a+', 2),
        'statements a;a;': ('a;', 2),
        'calls f(1);': ('f(1);', 5),
        'templates `${a}`;': ('`${a}`;', 7),
        'regexes /a/;': ('/a/;', 4),
        'functions f(){}': ('function f(e,t,n){}', 11),
        'arrows const a=()=>{}': ('const a=(e)=>{e()};', 15),
        'handlers app.get': ('app.get("/",(q,s)=>{s.send(fs.readFileSync(q.x))});', 33),
        'real code': (real_text, None),
    }


def count_tokens(text):
    n, i, ln = 0, 0, len(text)
    word = lambda c: c.isalnum() or c in '_$' or ord(c) >= 0x80
    while i < ln:
        c = text[i]
        if c in ' \t\n\r\f\v':
            i += 1
            continue
        n += 1
        if word(c):
            while i < ln and word(text[i]):
                i += 1
        else:
            i += 1
    return n


def build(unit, per, tokens):
    if per is None:  # real code: repeat whole files until the budget or the size limit
        out, have = [], 0
        t = count_tokens(unit)
        while have + t <= tokens and (len(out) + 1) * len(unit.encode()) < SIZE_LIMIT:
            out.append(unit)
            have += t
        return ''.join(out)
    return unit * (tokens // per)


def peak_rss_kb(cmd):
    """Peak RSS of cmd in KiB. Through /usr/bin/time when present: a child forked from this Python
    process would report Python's own high-water mark too (Linux carries it across exec)."""
    if os.path.exists('/usr/bin/time'):
        r = subprocess.run(['/usr/bin/time', '-f', '%M %x'] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
        kb, code = r.stderr.strip().splitlines()[-1].split()
        return int(kb), int(code)
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return ru.ru_maxrss, os.waitstatus_to_exitcode(status)


def run(looplens, path, text):
    with open(path, 'w') as f:
        f.write(text)
    kb, code = peak_rss_kb([looplens, 'check', '--format', 'json', path])
    out = subprocess.run([looplens, 'check', '--format', 'json', path], capture_output=True, text=True).stdout
    result = ('refused: tokens' if 'tokens, the limit' in out else 'refused: tree memory'
              if 'syntax tree needs' in out else 'refused: size' if 'byte limit' in out
              else f'analysed (exit {code})')
    return kb, result


def main():
    args = sys.argv[1:]
    looplens = args[0] if args and not args[0].startswith('--') else 'build/server/looplens'
    budget = int(args[args.index('--budget') + 1]) if '--budget' in args else BUDGET
    steps = int(args[args.index('--steps') + 1]) if '--steps' in args else 6
    real = ''
    for f in sorted(glob.glob('bench/corpus/**/*.js', recursive=True) + glob.glob('examples/**/*.js', recursive=True)):
        if len(real) > 400_000:
            break
        try:
            real += open(f, encoding='utf-8').read() + '\n'
        except (UnicodeDecodeError, OSError):
            pass
    worst = 0
    print(f'{"shape":30} {"tokens":>9} {"bytes":>9} {"peak RSS":>9}  result')
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'x.js')

        def show(name, text, kb, result):
            print(f'{name:30} {count_tokens(text):>9} {len(text.encode()):>9} {kb / 1024:>7.1f} MB  {result}')

        for name, spec in shapes(real).items():
            if spec is None:
                make = lambda k: '[' * k + ']' * k
                per = 2
            else:
                unit, per = spec
                make = (lambda k, u=unit: u * k) if per else None
            if make is None:  # real code: as much as both limits admit
                text = build(unit, None, budget - 16)
                kb, result = run(looplens, path, text)
                worst = max(worst, kb)
                show(name, text, kb, result)
                continue
            top = min((budget - 16) // per, SIZE_LIMIT // max(1, len(make(1).encode())))
            kb, result = run(looplens, path, make(top))
            worst = max(worst, kb)
            show(name + ' (limit)', make(top), kb, result)
            kb, result = run(looplens, path, make(top + budget // per))
            show(name + ' (over)', make(top + budget // per), kb, result)
            if 'tree memory' not in result and 'tree memory' not in run(looplens, path, make(top))[1]:
                continue
            lo, hi, best = 1, top, None  # the largest text the tree limit still admits: the worst accepted
            for _ in range(steps):
                mid = (lo + hi) // 2
                kb, result = run(looplens, path, make(mid))
                if result.startswith('analysed'):
                    lo, best = mid, (kb, result, mid)
                else:
                    hi = mid
            if best:
                worst = max(worst, best[0])
                show(name + ' (largest analysed)', make(best[2]), best[0], best[1])
    print(f'max peak RSS: {worst / 1024:.1f} MB (target <= 256 MB)')


if __name__ == '__main__':
    main()
