#!/usr/bin/env python3
"""`--format github|gitlab|checkstyle` parsed back and compared, finding by finding, with
`--format json` over the bundled example, the rule fixtures and a scratch project whose file names
and messages need escaping (scratch.py): the checkstyle XML must be well-formed (expat), the
GitLab report valid JSON, each GitHub workflow command one line whose unescaped properties and
message give back the path, place, title and text. GitLab fingerprints must equal SARIF's.

usage: test_formats.py LOOPLENS SOURCE_ROOT
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scratch  # noqa: E402

failures = []
GITHUB = {'error': 'error', 'warning': 'warning', 'info': 'notice'}
GITLAB = {'error': 'major', 'warning': 'minor', 'info': 'info'}


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f'FAIL {what}')
    return ok


def message(d):
    note = d.get('contextNote')
    return d['message'] + (f'; {note}' if note and note not in d['message'] else '')


def columns(cwd, d):
    """json's byte columns as UTF-16 ones (None for a range over several lines, as GitHub wants)."""
    text = open(os.path.join(cwd, d['file']), 'rb').read().decode('utf-8', 'surrogateescape')
    lines = re.split(r'\r\n|\r|\n', text)
    start = scratch.utf16_column(lines[d['line'] - 1], d['column'])
    end = scratch.utf16_column(lines[d['endLine'] - 1], d['endColumn'])
    return start, end


def unescape(s):
    return s.replace('%0D', '\r').replace('%0A', '\n').replace('%3A', ':').replace('%2C', ',').replace('%25', '%')


def check_github(out, diags, notices, cwd, what):
    commands = out.split('\n')
    check(commands[-1] == '', f'{what}: github output ends with a line break')
    got = []
    for line in commands[:-1]:
        m = re.fullmatch(r'::(error|warning|notice) ([^:]*)::(.*)', line)
        if not check(m, f'{what}: a workflow command on one line: {line[:120]!r}'):
            continue
        props = dict(p.split('=', 1) for p in m.group(2).split(','))
        check(all(not re.search(r'[\r\n:,]', v) for v in props.values()), f'{what}: properties escaped: {line[:120]!r}')
        check(not re.search(r'[\r\n]|%(?!25|0D|0A)', m.group(3)), f'{what}: message escaped: {line[:120]!r}')
        got.append((m.group(1), {k: unescape(v) for k, v in props.items()}, unescape(m.group(3))))
    want = notices + diags
    check(len(got) == len(want), f'{what}: {len(got)} workflow commands for {len(want)} findings and notices')
    by_file = {}
    for cmd, props, text in got:
        by_file.setdefault(props.get('file'), []).append((cmd, props, text))
    for d in diags:
        start, end = columns(cwd, d)
        props = {'file': d['file'], 'line': str(d['line']), 'endLine': str(d['endLine']),
                 'title': f'{d["rule"]}: {TITLES[d["rule"]]}'}
        if d['line'] == d['endLine']:
            props.update(col=str(start), endColumn=str(end))
        hit = [g for g in by_file.get(d['file'], []) if g[0] == GITHUB[d['severity']] and g[1] == props and
               g[2].split('\nFix: ')[0] == message(d)]
        check(len(hit) >= 1, f'{what}: github command for {d["file"]}:{d["line"]} {d["rule"]} {props}')
        if hit:
            check(f'\nLearn: looplens explain {d["rule"]}' in hit[0][2], f'{what}: the command says how to learn more')
    for n in notices:
        level = 'error' if n['kind'] in ('io-error', 'config-error') else 'notice'
        hit = [g for g in by_file.get(n['file'], []) if g[0] == level and g[2] == n['message'] and
               g[1].get('title') == f'looplens: {n["kind"]}' and g[1].get('line') == (str(n['line']) if 'line' in n else None)]
        check(hit, f'{what}: github command for the notice {n["file"]} {n["kind"]}')


def check_gitlab(out, diags, sarif_fps, what):
    try:
        issues = json.loads(out)
    except ValueError as e:
        return check(False, f'{what}: gitlab output is JSON: {e}')
    check(isinstance(issues, list), f'{what}: gitlab output is an array')
    got = sorted((i['location']['path'], i['location']['lines']['begin'], i['check_name'], i['description'],
                  i['severity']) for i in issues)
    want = sorted((d['file'], d['line'], d['rule'], message(d), GITLAB[d['severity']]) for d in diags)
    check(got == want, f'{what}: gitlab issues match --format json ({len(got)} vs {len(want)})')
    fps = [i['fingerprint'] for i in issues]
    check(len(set(fps)) == len(fps), f'{what}: gitlab fingerprints are unique')
    check(sorted(fps) == sorted(sarif_fps), f'{what}: gitlab fingerprints are the SARIF ones')
    for i in issues:
        check(i['location']['lines']['end'] >= i['location']['lines']['begin'], f'{what}: lines.end >= begin')


def check_checkstyle(out, diags, notices, n_files, cwd, what):
    try:
        root = ET.fromstring(out.encode('utf-8'))
    except ET.ParseError as e:
        return check(False, f'{what}: checkstyle output is well-formed XML: {e}')
    check(root.tag == 'checkstyle' and root.get('version'), f'{what}: a <checkstyle> document')
    names = [f.get('name') for f in root.findall('file')]
    check(len(names) == n_files, f'{what}: a <file> for each of the {n_files} reported files: {len(names)}')
    mentioned = {d['file'] for d in diags} | {n['file'] for n in notices}
    check(mentioned <= set(names), f'{what}: file names intact: {sorted(mentioned - set(names))}')
    got = sorted((f.get('name'), e.get('line'), e.get('column'), e.get('severity'), e.get('message'), e.get('source'))
                 for f in root.findall('file') for e in f.findall('error'))
    want = [(d['file'], str(d['line']), str(columns(cwd, d)[0]), d['severity'], message(d), 'looplens.' + d['rule'])
            for d in diags]
    for n in notices:
        col = None
        if 'column' in n:
            text = open(os.path.join(cwd, n['file']), 'rb').read().decode('utf-8', 'surrogateescape')
            col = str(scratch.utf16_column(text.split('\n')[n['line'] - 1], n['column']))
        want.append((n['file'], str(n.get('line', 0)), col,
                     'error' if n['kind'] in ('io-error', 'config-error') else 'info', n['message'], 'looplens.' + n['kind']))
    check(got == sorted(want), f'{what}: checkstyle errors match --format json ({len(got)} vs {len(want)})')


TITLES = {}  # rule id -> title, from `looplens rules`


def one(looplens, paths, cwd, what):
    diags, notices, n_files = scratch.truth(looplens, paths, cwd)
    sarif, _, _ = scratch.run(looplens, 'sarif', paths, cwd)
    sarif_fps = [r['partialFingerprints']['looplens/v1'] for r in json.loads(sarif)['runs'][0]['results']]
    for fmt in ('github', 'gitlab', 'checkstyle'):
        out, err, status = scratch.run(looplens, fmt, paths, cwd)
        check(status in (0, 1), f'{what}: --format {fmt} exit {status}: {err}')
        if fmt == 'github':
            check_github(out, diags, notices, cwd, what)
        elif fmt == 'gitlab':
            check_gitlab(out, diags, sarif_fps, what)
            check(all(n['message'] in err for n in notices), f'{what}: gitlab notices go to stderr')
        else:
            check_checkstyle(out, diags, notices, n_files, cwd, what)
    print(f'{what}: {len(diags)} findings, {len(notices)} notices compared in github, gitlab, checkstyle')


def main():
    looplens, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    for line in subprocess.run([looplens, 'rules'], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split(None, 3)
        TITLES[parts[0]] = parts[3]
    tmp = tempfile.mkdtemp(prefix='looplens-formats-')
    try:
        one(looplens, ['examples'], root, 'example')
        one(looplens, ['tests/fixtures'], root, 'fixtures')
        proj = os.path.join(tmp, 'proj')
        os.mkdir(proj)
        scratch.make(proj)
        one(looplens, ['.'], proj, 'scratch')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'{len(failures)} failure(s)')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
