#!/usr/bin/env python3
"""Runtime truth for the project view: Node is the oracle, not looplens.

Starts examples/orders-service under `node --trace-sync-io` (express replaced by a stand-in in
tests/runtime/stubs, Node core only), waits until its start-up is over (the listen callback has
printed the banner), drives every route with real HTTP requests, and collects each synchronous
I/O Node reports from then on. Every such call site in the service's own files must be a hot-path
finding of `looplens check` (warning or error): a site that looplens calls start-up, or does not
report, fails the test. At least three sites must be seen, so it cannot pass by seeing nothing.

usage: trace_sync_io.py LOOPLENS REPO_ROOT
"""
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request

FRAME = re.compile(r'at (?:.*? \()?(/[^():]+\.m?js):(\d+):\d+\)?$')


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    looplens, repo = sys.argv[1], os.path.abspath(sys.argv[2])
    service = os.path.join(repo, 'examples', 'orders-service')
    port = free_port()
    env = dict(os.environ, NODE_PATH=os.path.join(repo, 'tests', 'runtime', 'stubs'), PORT=str(port))
    proc = subprocess.Popen(['node', '--trace-sync-io', 'server.js'], cwd=service, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []  # stderr, read on a thread so that the start-up part can be told from the rest
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stderr.readline, '')), daemon=True)
    reader.start()
    try:
        banner = proc.stdout.readline()  # printed by the listen callback: start-up is over
        if not banner:
            sys.exit('the service did not start: ' + ''.join(lines)[-2000:])
        time.sleep(0.3)
        mark = len(lines)
        base = f'http://127.0.0.1:{port}'
        requests = [('GET', '/health', None), ('GET', '/orders/ABC-123', None), ('POST', '/orders', b'{"sku":"a"}'),
                    ('GET', '/', None), ('GET', '/prices/sku-1', None), ('GET', '/reports/monthly', None)]
        for method, path, body in requests:
            req = urllib.request.Request(base + path, data=body, method=method,
                                         headers={'content-type': 'application/json'} if body else {})
            try:
                urllib.request.urlopen(req, timeout=30).read()
            except urllib.error.HTTPError as e:
                e.read()
        time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(timeout=10)
    startup, err = ''.join(lines[:mark]), lines[mark:]
    traced = set()
    block = False
    for line in err:
        if 'Detected use of sync API' in line:
            block = True
            continue
        m = FRAME.search(line.strip())
        if block and m and m.group(1).startswith(service + '/'):
            traced.add((os.path.relpath(m.group(1), service), int(m.group(2))))
            block = False
    out = subprocess.run([looplens, 'check', '--format', 'json', service], capture_output=True, text=True)
    report = json.loads(out.stdout)
    hot = {(os.path.relpath(os.path.abspath(d['file']), service), d['line']): d for d in report['diagnostics']
           if d['severity'] in ('warning', 'error')}
    failures = 0
    for site in sorted(traced):
        if site in hot:
            print(f'ok   {site[0]}:{site[1]}: Node saw sync I/O per request; looplens: {hot[site]["severity"]} '
                  f'[{hot[site]["rule"]}]')
        else:
            failures += 1
            print(f'FAIL {site[0]}:{site[1]}: Node saw sync I/O per request; looplens has no hot-path finding there')
    if len(traced) < 3:
        failures += 1
        print(f'FAIL only {len(traced)} sync call sites traced: the requests did not reach the service '
              f'(start-up stderr: {startup[-500:]!r})')
    print(f'{len(traced) - min(failures, len(traced))} passed, {failures} failed')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
