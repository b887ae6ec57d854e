#!/usr/bin/env python3
"""Precision and recall of looplens on real servers, workers and CLIs (a bench: figures, never pass/fail).

usage: evaluate.py [LOOPLENS [PACKAGES_DIR]] [--unjudged-tsv]
  LOOPLENS      default build/server/looplens
  PACKAGES_DIR  default bench/realworld/packages, filled by
                scripts/fetch-deps.sh bench/realworld/pins.txt bench/realworld/packages
  --unjudged-tsv  also print the unjudged findings as labels.tsv rows with the label `?`, for a
                person to judge and paste; this script never fills a label in.

It runs `looplens check --format json .` in each package folder of pins.txt (each package is its own
project) and matches every finding to a row of labels.tsv by its key: package, file, rule and the
trimmed text of the flagged line, plus the occurrence index among findings sharing those four. A
finding whose line number changed but whose key did not is still judged; one whose key is new, or
whose severity differs from the judged one, is *unjudged* and listed, never guessed.

labels.tsv  package file line rule severity label reason text occurrence
            label: true (a real runtime hazard where the code runs), false (start-up, CLI, one-shot,
            bounded, or no hazard), debatable (depends on deployment or on the caller)
misses.tsv  package file line rule reason text
            real hazards looplens does not report; a miss counts as found when a current finding
            has the same package, file, rule and line text.

Figures, per package and in total, separately for warnings+errors and for infos:
  precision = true / (true + false) over judged findings; debatable is reported apart and counted
  in neither; unjudged findings are listed and counted in nothing.
  recall    = hazards found / hazards known, where hazards known = findings judged true (any
  severity) + misses.tsv rows, a miss that a current finding matches counting once as found.
  Recall is over the hazards recorded here: it is as good as the hunt for misses (grepping for
  the shapes in the issue), not an absolute figure.

Packages sit inside this git work tree but are ignored by it, so looplens (which lets git decide
what a folder holds) would find no files; GIT_CEILING_DIRECTORIES keeps git from finding the
work tree. A crash of looplens on a package is printed, then the package is checked again with
--project (one project root) so its findings still count; the crash stays in the output.
Exit status 0 always."""
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KEY_TEXT_MAX = 160
SEVERE = ('error', 'warning')


def norm(text):
    """A line's key text: whitespace runs collapsed, trimmed, capped (minified lines are long)."""
    return ' '.join(text.split())[:KEY_TEXT_MAX]


def read_tsv(path, fields):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cells = line.split('\t')
            if len(cells) != len(fields):
                print(f'{os.path.basename(path)}:{n}: expected {len(fields)} columns, got {len(cells)}; row ignored')
                continue
            rows.append(dict(zip(fields, cells), _line=n))
    return rows


def pins():
    out = []
    with open(os.path.join(HERE, 'pins.txt'), encoding='utf-8') as f:
        for line in f:
            parts = line.split()
            if parts and not parts[0].startswith('#'):
                out.append((parts[0], parts[1]))
    return out


def run_looplens(looplens, packages_dir, pkg_dir):
    """Findings of one package, and a note when looplens crashed or failed."""
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=packages_dir)
    cmd = [looplens, 'check', '--format', 'json', '.']
    note = None
    r = subprocess.run(cmd, cwd=pkg_dir, env=env, capture_output=True, text=True)
    if r.returncode < 0 or r.returncode > 2:
        note = f'looplens CRASHED (status {r.returncode}) on `check .`; figures below are from `check --project .`'
        r = subprocess.run(cmd[:2] + ['--project', '.'] + cmd[2:], cwd=pkg_dir, env=env, capture_output=True, text=True)
        if r.returncode < 0 or r.returncode > 2:
            return [], note + f' which CRASHED too (status {r.returncode})'
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        return [], (note or '') + f' no JSON from looplens (status {r.returncode}): {r.stderr.strip()[:200]}'
    return doc['diagnostics'], note


def line_text(pkg_dir, file, line, cache):
    if file not in cache:
        try:
            with open(os.path.join(pkg_dir, file), encoding='utf-8', errors='replace', newline='') as f:
                cache[file] = f.read().replace('\r\n', '\n').replace('\r', '\n').split('\n')
        except OSError:
            cache[file] = []
    lines = cache[file]
    return norm(lines[line - 1]) if 0 < line <= len(lines) else ''


def keyed(package, pkg_dir, diags):
    """Each finding with its key (package, file, rule, text, occurrence), in file/line order."""
    cache, seen, out = {}, collections.Counter(), []
    for d in sorted(diags, key=lambda d: (d['file'], d['line'], d['column'], d['rule'])):
        file = os.path.normpath(d['file'])
        text = line_text(pkg_dir, file, d['line'], cache)
        base = (package, file, d['rule'], text)
        seen[base] += 1
        out.append(dict(d, package=package, file=file, text=text, key=base + (str(seen[base]),)))
    return out


def pct(num, den):
    return f'{100 * num / den:5.1f}%' if den else '    - '


def tally(findings):
    c = collections.Counter(f['verdict'] for f in findings)
    return c['true'], c['false'], c['debatable'], c['unjudged']


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    looplens = os.path.abspath(args[0]) if args else os.path.join(ROOT, 'build', 'server', 'looplens')
    packages_dir = os.path.abspath(args[1]) if len(args) > 1 else os.path.join(HERE, 'packages')
    label_fields = ['package', 'file', 'line', 'rule', 'severity', 'label', 'reason', 'text', 'occurrence']
    labels = read_tsv(os.path.join(HERE, 'labels.tsv'), label_fields)
    misses = read_tsv(os.path.join(HERE, 'misses.tsv'), ['package', 'file', 'line', 'rule', 'reason', 'text'])
    by_key = {}
    for row in labels:
        if row['label'] not in ('true', 'false', 'debatable'):
            print(f'labels.tsv:{row["_line"]}: label {row["label"]!r} is not true/false/debatable; row ignored')
            continue
        by_key[(row['package'], row['file'], row['rule'], row['text'], row['occurrence'])] = row

    print(f'looplens on real code: {looplens}')
    print(f'packages: {packages_dir}')
    all_findings, notes, used = [], [], set()
    for package, version in pins():
        pkg_dir = os.path.join(packages_dir, package)
        if not os.path.isdir(pkg_dir):
            notes.append(f'{package}: not fetched (scripts/fetch-deps.sh bench/realworld/pins.txt bench/realworld/packages)')
            continue
        diags, note = run_looplens(looplens, packages_dir, pkg_dir)
        if note:
            notes.append(f'{package}@{version}: {note}')
        for f in keyed(package, pkg_dir, diags):
            row = by_key.get(f['key'])
            f['verdict'], f['why'] = 'unjudged', 'new finding'
            if row and row['severity'] != f['severity']:
                f['why'] = f'judged as {row["severity"]}, now {f["severity"]}'
            elif row:
                used.add(f['key'])
                f['verdict'], f['why'], f['row'] = row['label'], row['reason'], row
            all_findings.append(f)

    packages = [p for p, _ in pins()]
    print()
    head = (f'{"package":<24} | {"warn+err":>8} {"true":>4} {"false":>5} {"deb":>3} {"unj":>3} {"prec":>6} | '
            f'{"info":>4} {"true":>4} {"false":>5} {"deb":>3} {"unj":>3} {"prec":>6} | {"miss":>4}')
    print(head)
    print('-' * len(head))
    missed_total = collections.Counter()
    found_keys = {f['key'][:4] for f in all_findings}
    miss_found = [m for m in misses if (m['package'], os.path.normpath(m['file']), m['rule'], m['text']) in found_keys]
    miss_open = [m for m in misses if m not in miss_found]
    for m in miss_open:
        missed_total[m['package']] += 1
    for p in packages + ['TOTAL']:
        fs = all_findings if p == 'TOTAL' else [f for f in all_findings if f['key'][0] == p]
        sev = [f for f in fs if f['severity'] in SEVERE]
        inf = [f for f in fs if f['severity'] not in SEVERE]
        t1, f1, d1, u1 = tally(sev)
        t2, f2, d2, u2 = tally(inf)
        miss = sum(missed_total.values()) if p == 'TOTAL' else missed_total[p]
        if p == 'TOTAL':
            print('-' * len(head))
        print(f'{p:<24} | {len(sev):>8} {t1:>4} {f1:>5} {d1:>3} {u1:>3} {pct(t1, t1 + f1)} | '
              f'{len(inf):>4} {t2:>4} {f2:>5} {d2:>3} {u2:>3} {pct(t2, t2 + f2)} | {miss:>4}')

    sev = [f for f in all_findings if f['severity'] in SEVERE]
    inf = [f for f in all_findings if f['severity'] not in SEVERE]
    t1, f1, d1, u1 = tally(sev)
    t2, f2, d2, u2 = tally(inf)
    true_keys = {f['key'] for f in all_findings if f['verdict'] == 'true'}
    found_by_miss = [m for m in miss_found
                     if not any(k[:4] == (m['package'], os.path.normpath(m['file']), m['rule'], m['text']) for k in true_keys)]
    found = len(true_keys) + len(found_by_miss)
    known = found + len(miss_open)
    true_severe = sum(1 for f in sev if f['verdict'] == 'true')
    print()
    print(f'precision, warnings+errors: {pct(t1, t1 + f1).strip()}  ({t1} true / {t1 + f1} judged true-or-false; '
          f'{d1} debatable apart; {u1} unjudged)')
    print(f'precision, warnings+errors, debatable counted false: {pct(t1, t1 + f1 + d1).strip()}')
    print(f'precision, infos:           {pct(t2, t2 + f2).strip()}  ({t2} true / {t2 + f2} judged true-or-false; '
          f'{d2} debatable apart; {u2} unjudged; every info is judged, no sample)')
    print(f'recall over recorded hazards: {pct(found, known).strip()}  ({found} found / {known} known: '
          f'{len(true_keys)} findings judged true + {len(found_by_miss)} recorded misses now found, '
          f'{len(miss_open)} misses still missed)')
    print(f'recall at warning or error:   {pct(true_severe, known).strip()}  ({true_severe} true warnings+errors / {known} known)')
    by_rule = collections.Counter(m['rule'] for m in miss_open)
    if by_rule:
        print('misses by rule: ' + ', '.join(f'{r} {n}' for r, n in by_rule.most_common()))

    for n in notes:
        print(f'NOTE {n}')
    unj = [f for f in all_findings if f['verdict'] == 'unjudged']
    if unj:
        print(f'\nUNJUDGED ({len(unj)}): judge them in bench/realworld/labels.tsv')
        for f in unj:
            print(f'  {f["package"]} {f["file"]}:{f["line"]} {f["severity"]} {f["rule"]} ({f["why"]}): {f["text"][:90]}')
    gone = [r for k, r in by_key.items() if k not in used]
    if gone:
        print(f'\nLABELLED BUT NOT REPORTED NOW ({len(gone)}): a fixed false positive, or a lost true finding')
        for r in gone:
            print(f'  {r["package"]} {r["file"]}:{r["line"]} {r["severity"]} {r["rule"]} [{r["label"]}]')
    if miss_found:
        print(f'\nRECORDED MISSES NOW FOUND ({len(miss_found)}): judge the finding, then drop the row from misses.tsv')
        for m in miss_found:
            print(f'  {m["package"]} {m["file"]}:{m["line"]} {m["rule"]}')
    if '--unjudged-tsv' in sys.argv:
        print('\n# unjudged findings as labels.tsv rows (label `?`: to be judged by a person)')
        for f in unj:
            print('\t'.join([f['package'], f['file'], str(f['line']), f['rule'], f['severity'], '?',
                             ' '.join(f'[{f["context"]}] {f.get("contextNote", "")}'.split())[:200],
                             f['text'], f['key'][4]]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
