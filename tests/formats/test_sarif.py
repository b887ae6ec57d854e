#!/usr/bin/env python3
"""`looplens check --format sarif`, validated by the official SARIF validator (Sarif.Multitool,
pinned in deps/tool-pins.txt) with no error and no warning, over the bundled example, the rule
fixtures and a scratch project (scratch.py); then checked for what the validator cannot know:
every rule in tool.driver, UTF-16 columns, fingerprints that survive lines inserted above, the
chain to the hot caller, notices, and agreement with `--format json`.

usage: test_sarif.py LOOPLENS SOURCE_ROOT
Exit 77 (skipped) only when the validator is neither unpacked (./run setup) nor in the cache.
"""
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scratch  # noqa: E402

PACKAGE = '@microsoft/sarif-multitool-linux'
HANDBOOK_URL = 'https://example.org/looplens/blob/main'
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f'FAIL {what}')
    return ok


def validator(root, tmp):
    """The Sarif.Multitool executable: unpacked by ./run setup, or unpacked here from the cache."""
    unpacked = os.path.join(root, 'third_party', 'tools', PACKAGE, 'Sarif.Multitool')
    if not os.path.exists(unpacked):
        pins = open(os.path.join(root, 'deps', 'tool-pins.txt')).read()
        version, digest = re.search(re.escape(PACKAGE) + r' (\S+) ([0-9a-f]{128})', pins).groups()
        cache = os.environ.get('LOOPLENS_CACHE') or os.path.join(
            os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'looplens')
        tgz = os.path.join(cache, 'tarballs', f'microsoft-sarif-multitool-linux-{version}.tgz')
        if not os.path.exists(tgz) or hashlib.sha512(open(tgz, 'rb').read()).hexdigest() != digest:
            print(f'SKIP: {PACKAGE} is neither unpacked (./run setup) nor cached at {tgz}')
            sys.exit(77)
        with tarfile.open(tgz) as t:
            t.extractall(os.path.join(tmp, 'validator'))
        unpacked = os.path.join(tmp, 'validator', 'package', 'Sarif.Multitool')
    mode = os.stat(unpacked).st_mode
    if not mode & stat.S_IXUSR:  # npm tarballs do not keep the executable bit
        os.chmod(unpacked, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return unpacked


def validate(tool, files, tmp):
    """Runs the validator once over all files; returns {file: [error and warning lines]}."""
    report = os.path.join(tmp, 'validator-report.sarif')
    r = subprocess.run([tool, 'validate', *files, '-o', report, '--log', 'ForceOverwrite'], capture_output=True,
                       text=True, timeout=600, env=dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT='1'))
    print(f'$ Sarif.Multitool validate {" ".join(os.path.basename(f) for f in files)} -o report.sarif'
          f'  (exit {r.returncode})')
    check(r.returncode == 0, f'the validator ran (exit {r.returncode}): {r.stdout[-2000:]} {r.stderr[-2000:]}')
    found = {f: [] for f in files}
    for line in r.stdout.splitlines():
        m = re.match(r'(.*)\(\d+,\d+\): (error|warning) ', line)
        if m and m.group(1) in found:
            found[m.group(1)].append(line)
        elif re.search(r': (error|warning) ', line):
            check(False, f'validator: {line}')
    return found


def rule_ids(looplens, extra=()):
    out = subprocess.run([looplens, 'rules', *extra], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def results_by_file(run):
    by = {}
    for r in run['results']:
        loc = r['locations'][0]['physicalLocation']
        by.setdefault(uri_path(loc['artifactLocation']), []).append(r)
    return by


def uri_path(artifact):
    uri = artifact['uri']
    if uri.startswith('file://'):
        return urllib.parse.unquote(uri[len('file://'):])
    return urllib.parse.unquote(uri)


def check_driver(run, ids, base=None):
    rules = run['tool']['driver']['rules']
    check([r['id'] for r in rules] == ids, f'tool.driver lists every rule: {[r["id"] for r in rules]} != {ids}')
    for r in rules:
        for key in ('name', 'shortDescription', 'fullDescription', 'help', 'helpUri', 'defaultConfiguration'):
            check(key in r, f'rule {r["id"]} has {key}')
        check(r.get('name', '').isalnum() and r['name'][0].isupper(), f'rule {r["id"]} name is Pascal case')
        check(r.get('help', {}).get('text') and r['help'].get('markdown'), f'rule {r["id"]} has help text')
        check(r.get('defaultConfiguration', {}).get('level') in ('error', 'warning', 'note'),
              f'rule {r["id"]} has a default level')
        uri = r.get('helpUri', '')
        if base:
            check(uri.startswith(base + '/chapters/') and '#' in uri, f'rule {r["id"]} helpUri under {base}: {uri}')
        else:
            path, _, section = uri.partition('#')
            check(uri.startswith('file:///') and (section or r['id'] == 'eval') and
                  os.path.exists(urllib.parse.unquote(path[7:])),
                  f'rule {r["id"]} helpUri is the chapter section on this machine: {uri}')
    for i, res in enumerate(run['results']):
        check(rules[res['ruleIndex']]['id'] == res['ruleId'], f'result {i}: ruleIndex points at its rule')


def check_against_json(run, diags, cwd, what):
    """Same findings as --format json, with the byte columns turned into UTF-16 ones."""
    got = sorted((uri_path(r['locations'][0]['physicalLocation']['artifactLocation']),
                  r['locations'][0]['physicalLocation']['region']['startLine'],
                  r['locations'][0]['physicalLocation']['region']['startColumn'], r['ruleId'])
                 for r in run['results'])
    want = []
    for d in diags:
        text = open(os.path.join(cwd, d['file']), 'rb').read().decode('utf-8', 'surrogateescape')
        line = re.split(r'\r\n|\r|\n', text)[d['line'] - 1]
        want.append((d['file'], d['line'], scratch.utf16_column(line, d['column']), d['rule']))
    check(got == sorted(want), f'{what}: results match --format json ({len(got)} vs {len(want)})')
    fps = [r['partialFingerprints']['looplens/v1'] for r in run['results']]
    check(all(re.fullmatch(r'[0-9a-f]{32}', f) for f in fps), f'{what}: fingerprints are 32 hex digits')
    check(len(set(fps)) == len(fps), f'{what}: fingerprints are unique')


def check_scratch(run, proj):
    by = results_by_file(run)
    app = {r['locations'][0]['physicalLocation']['region']['startLine']: r for r in by.get('app.js', [])
           if r['locations'][0]['physicalLocation']['region']['startLine'] != 14}
    lines = scratch.APP.split('\n')
    # UTF-16: "Grüße 😀 ☃" stands before the flagged call on line 9 (bytes and units differ)
    r9 = app.get(9)
    if check(r9 is not None, 'app.js:9 reported'):
        region = r9['locations'][0]['physicalLocation']['region']
        before = lines[8][:lines[8].index('fs.')]
        col16, byte_col = len(before.encode('utf-16-le')) // 2 + 1, len(before.encode('utf-8')) + 1
        check(region['startColumn'] == col16 and col16 != byte_col,
              f'app.js:9 column in UTF-16 units: {region["startColumn"]} (want {col16}; bytes {byte_col})')
        check(region['endColumn'] == col16 + len("fs.readFileSync('body.html')"), 'app.js:9 end column')
    # the chain: handler (line 13) -> render (line 8) -> readPage (line 4) -> the call (line 5)
    r5 = app.get(5)
    if check(r5 is not None, 'app.js:5 reported'):
        related = [x['physicalLocation']['region']['startLine'] for x in r5.get('relatedLocations', [])]
        check(related == [13, 8, 4], f'app.js:5 relatedLocations root first: {related}')
        flow = [x['location']['physicalLocation']['region']['startLine']
                for x in r5['codeFlows'][0]['threadFlows'][0]['locations']] if 'codeFlows' in r5 else []
        check(flow == [13, 8, 4, 5], f'app.js:5 codeFlow from the hot caller to the call: {flow}')
        check(all(x['message']['text'] for x in r5.get('relatedLocations', [])), 'related locations say why')
    twice = [r for r in by.get('app.js', []) if r['locations'][0]['physicalLocation']['region']['startLine'] in (14, 15)]
    check(len({r['partialFingerprints']['looplens/v1'] for r in twice}) == 2,
          'the same call on lines 14 and 15: two fingerprints (occurrence index)')
    for name in scratch.ODD_NAMES:
        check(name in by, f'odd file name {name!r} round-trips through its URI')
    notes = run['invocations'][0]['toolExecutionNotifications']
    kinds = {(uri_path(n['locations'][0]['physicalLocation']['artifactLocation']), n['descriptor']['id']) for n in notes}
    for want in [('broken.js', 'syntax-error'), ('latin1.js', 'encoding'), ('binary.js', 'skipped')]:
        check(want in kinds, f'notice {want} in toolExecutionNotifications')
    check(run['invocations'][0]['executionSuccessful'] is True, 'executionSuccessful (no read errors)')
    check(run['originalUriBaseIds']['SRCROOT']['uri'] == 'file://' + urllib.parse.quote(proj) + '/',
          'SRCROOT is the working folder')


def fingerprint_lines(run, name):
    return {r['partialFingerprints']['looplens/v1']: r['locations'][0]['physicalLocation']['region']['startLine']
            for r in results_by_file(run).get(name, [])}


def sarif(looplens, paths, cwd, out, env=None, extra=()):
    text, err, status = scratch.run(looplens, 'sarif', paths, cwd, env, extra)
    check(status in (0, 1), f'{out}: exit {status}: {err}')
    with open(out, 'w') as f:
        f.write(text)
    return json.loads(text)


def main():
    looplens, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix='looplens-sarif-')
    try:
        tool = validator(root, tmp)
        proj = os.path.join(tmp, 'proj')
        os.mkdir(proj)
        scratch.make(proj)
        ids = rule_ids(looplens)
        logs = {}

        logs['example'] = sarif(looplens, ['examples'], root, os.path.join(tmp, 'example.sarif'))
        check_against_json(logs['example']['runs'][0], scratch.truth(looplens, ['examples'], root)[0], root, 'example')
        logs['fixtures'] = sarif(looplens, ['tests/fixtures'], root, os.path.join(tmp, 'fixtures.sarif'))
        check_against_json(logs['fixtures']['runs'][0], scratch.truth(looplens, ['tests/fixtures'], root)[0], root,
                           'fixtures')

        logs['scratch'] = sarif(looplens, ['.'], proj, os.path.join(tmp, 'scratch.sarif'))
        check_against_json(logs['scratch']['runs'][0], scratch.truth(looplens, ['.'], proj)[0], proj, 'scratch')
        check_scratch(logs['scratch']['runs'][0], proj)

        # an absolute path and one through ".." give a file URI and a relative one
        logs['paths'] = sarif(looplens, [os.path.join(proj, 'app.js'), '../proj/latin1.js'], proj,
                              os.path.join(tmp, 'paths.sarif'))
        files = {uri_path(r['locations'][0]['physicalLocation']['artifactLocation']) for r in logs['paths']['runs'][0]['results']}
        check(files == {os.path.join(proj, 'app.js'), '../proj/latin1.js'}, f'absolute and ../ paths: {files}')

        logs['url'] = sarif(looplens, ['app.js'], proj, os.path.join(tmp, 'url.sarif'),
                            env={'LOOPLENS_HANDBOOK_URL': HANDBOOK_URL})
        check(logs['url']['runs'][0]['tool']['driver'].get('informationUri') == HANDBOOK_URL + '/',
              'informationUri is LOOPLENS_HANDBOOK_URL')

        pack = os.path.join(tmp, 'pack')
        os.makedirs(os.path.join(pack, 'rules'))
        os.makedirs(os.path.join(pack, 'queries'))
        with open(os.path.join(pack, 'rules', 'eval.json'), 'w') as f:
            json.dump({'id': 'eval', 'family': 'blocking', 'severity': {'hot': 'error'}, 'title': 'eval on the hot path',
                       'message': 'eval() compiles code per request; {context}', 'think': 'eval is just a call',
                       'actually': 'it runs the parser and compiler', 'fix': 'precompile at start-up',
                       'chapter': 'chapters/05-blocking-io/README.md'}, f)
        with open(os.path.join(pack, 'queries', 'eval.scm'), 'w') as f:
            f.write('((call_expression function: (identifier) @fn) @report (#eq? @fn "eval"))\n')
        with open(os.path.join(proj, 'evil.js'), 'w') as f:
            f.write('require("http").createServer((req) => eval(req.url));\n')
        logs['pack'] = sarif(looplens, ['evil.js'], proj, os.path.join(tmp, 'pack.sarif'), extra=['--rules-dir', pack])
        check(any(r['ruleId'] == 'eval' for r in logs['pack']['runs'][0]['results']), 'a pack rule reports')
        os.remove(os.path.join(proj, 'evil.js'))

        for name, log in logs.items():
            check(log['version'] == '2.1.0' and len(log['runs']) == 1, f'{name}: SARIF 2.1.0, one run')
            check(log['runs'][0].get('columnKind', 'utf16CodeUnits') == 'utf16CodeUnits', f'{name}: UTF-16 columns')
            check_driver(log['runs'][0], ids + (['eval'] if name == 'pack' else []),
                         HANDBOOK_URL if name == 'url' else None)

        # fingerprints follow a finding when lines are inserted above it and spaces change inside it
        before = fingerprint_lines(logs['scratch']['runs'][0], 'app.js')
        with open(os.path.join(proj, 'app.js'), 'w') as f:
            f.write('// a comment\n\nconst unrelated = 1;\n' +
                    scratch.APP.replace("fs.readFileSync('body.html')", "fs.readFileSync( 'body.html' )"))
        logs['moved'] = sarif(looplens, ['.'], proj, os.path.join(tmp, 'moved.sarif'))
        after = fingerprint_lines(logs['moved']['runs'][0], 'app.js')
        check(len(before) == 4 and set(before) == set(after), 'fingerprints unchanged by lines inserted above')
        check(all(after[f] == before[f] + 3 for f in before if f in after), 'each finding moved down 3 lines')

        # a broken copy proves the validator looks: a relative helpUri is an error
        broken = json.loads(json.dumps(logs['example']))
        broken['runs'][0]['tool']['driver']['rules'][0]['helpUri'] = 'chapters/x.md#y'
        with open(os.path.join(tmp, 'control.sarif'), 'w') as f:
            json.dump(broken, f)

        found = validate(tool, [os.path.join(tmp, n + '.sarif') for n in logs] + [os.path.join(tmp, 'control.sarif')], tmp)
        for path, lines in found.items():
            name = os.path.basename(path)
            if name == 'control.sarif':
                check(len(lines) == 1 and 'SARIF1002' in lines[0], f'the validator flags the broken control: {lines}')
                continue
            results = len(json.load(open(path))['runs'][0]['results'])
            print(f'{name}: {results} results, {len(lines)} validator errors and warnings')
            for line in lines:
                check(False, line)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'{len(failures)} failure(s)')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
