#!/usr/bin/env python3
"""The language server's workspace index on large trees (figures only, never pass/fail).

    python3 bench/lsp_index.py [build/server/looplens] [--files N,N,...] [--runs R]

For each size N a tree of N JavaScript files is generated from the speed corpus
(~/.cache/looplens/corpus, fetched by `./run bench`): its files copied in turn into folders of
100, with the relative requires between them kept (each copy is its own package folder). A server
is started on it with work-done progress; the figures are:

  - index: seconds from `initialized` to the progress `end` (walk, every file summarised, seeds
    settled);
  - RSS after: the server's resident set once indexed (VmRSS), and its peak (VmHWM);
  - RSS per file: (RSS after - RSS of an idle server on an empty folder) / N;
  - keystroke while indexing: the time from a didChange to its publishDiagnostics on a small open
    document, sent 200 ms into indexing (typing must not wait for the index).

Medians over R runs (default 3). The 10,000-file figure is the bound stated in docs/lsp.md.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lsp"))
from lspclient import LspClient  # noqa: E402

CORPUS = os.path.expanduser("~/.cache/looplens/corpus")


def corpus_packages():
    pkgs = []
    for dirpath, dirnames, filenames in os.walk(CORPUS):
        if "package.json" in filenames:
            js = []
            for d, dn, fn in os.walk(dirpath):
                dn[:] = [x for x in dn if x != "node_modules"]
                js += [os.path.join(d, f) for f in fn if f.endswith((".js", ".cjs", ".mjs"))]
            if js:
                pkgs.append((dirpath, sorted(js)))
            dirnames[:] = []
    return pkgs


def make_tree(dest, n):
    """n files: whole corpus packages copied in turn (so their requires resolve), cut at n."""
    pkgs = corpus_packages()
    if not pkgs:
        sys.exit("no corpus at %s: run ./run bench once" % CORPUS)
    count, k = 0, 0
    while count < n:
        src, files = pkgs[k % len(pkgs)]
        out = os.path.join(dest, "p%04d" % k)
        for f in files:
            if count >= n:
                break
            target = os.path.join(out, os.path.relpath(f, src))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(f, target)
            count += 1
        k += 1
    with open(os.path.join(dest, "package.json"), "w") as f:
        f.write('{"name": "generated", "private": true}\n')


def rss(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024.0
    return out


def one_run(exe, root):
    c = LspClient([exe, "lsp"])
    c.__enter__()
    try:
        c.handlers["window/workDoneProgress/create"] = lambda p: None
        c.initialize(root_uri="file://" + root, capabilities={"window": {"workDoneProgress": True}})
        t0 = time.monotonic()
        uri = "file://" + os.path.join(root, "typing.js")
        text = "const fs = require('fs');\nfunction h(req, res) { res.end(fs.readFileSync('x')); }\n"
        c.open(uri, text)
        c.wait_for_diagnostics(uri, timeout=60)
        time.sleep(0.2)
        t1 = time.monotonic()
        c.change_incremental(uri, 2, (2, 0, 2, 0), "// a key\n")
        c.wait_for_diagnostics(uri, version=2, timeout=60)
        key_ms = (time.monotonic() - t1) * 1e3
        ended = lambda m: m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end"
        if not any(ended(m) for m in c.notifications):  # (it may have come while typing was timed)
            c.wait_for(ended, timeout=3600, what="the end of indexing")
        index_s = time.monotonic() - t0
        mem = rss(c.proc.pid)
        c.shutdown_exit()
        return index_s, mem["VmRSS"], mem["VmHWM"], key_ms
    finally:
        c.__exit__(None, None, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe", nargs="?", default=os.path.join(ROOT, "build", "server", "looplens"))
    ap.add_argument("--files", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    exe = os.path.abspath(a.exe)
    empty = tempfile.mkdtemp(prefix="looplens-index-empty-")
    idle = statistics.median(one_run(exe, empty)[1] for _ in range(a.runs))
    shutil.rmtree(empty)
    print("idle server (empty folder): RSS %.1f MiB" % idle)
    print("%8s %10s %12s %12s %12s %16s" % ("files", "index s", "RSS MiB", "peak MiB", "KiB/file", "key in index ms"))
    for n in (int(x) for x in a.files.split(",")):
        root = os.path.realpath(tempfile.mkdtemp(prefix="looplens-index-"))
        try:
            make_tree(root, n)
            runs = [one_run(exe, root) for _ in range(a.runs)]
            med = [statistics.median(r[i] for r in runs) for i in range(4)]
            print("%8d %10.2f %12.1f %12.1f %12.1f %16.1f" % (n, med[0], med[1], med[2], (med[1] - idle) * 1024 / n, med[3]))
        finally:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
