#!/usr/bin/env python3
"""Peak resident memory of `looplens lsp` for one large document (figures only, never pass/fail).

    python3 bench/lsp_memory.py [build/server/looplens] [--only SUBSTRING] [--max-size BYTES]

For each input shape a fresh server is started, initialized and sent one didOpen; once the
document's publishDiagnostics has arrived, the server's VmHWM (peak resident set size, from
/proc/PID/status) is read and the server is shut down. Shapes:

  - 4 MiB realistic:  the repository's own JavaScript (chapters, examples, fixtures) concatenated
                      to exactly 4 MiB, the default --max-size: analysed;
  - 4 MiB dense:      examples/orders-service/routes/orders.js repeated (a finding every ~200
                      bytes): analysed, the worst case for the findings' memory;
  - 4 MiB of '[':     nesting as deep as the text is long: analysed;
  - 50 MB realistic:  above the limit: one notice, never parsed;
  - 30 MB of '[':     above the limit.

The server's own limit (--max-size, default 4 MiB) applies; the target is a peak RSS of at most
256 MiB for any one of them.
"""

import glob
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "lsp"))

from lspclient import LspClient  # noqa: E402

MIB = 1 << 20


def repo_js():
    files = []
    for d in ("chapters", "examples", os.path.join("tests", "fixtures")):
        files += glob.glob(os.path.join(ROOT, d, "**", "*.*js"), recursive=True)
    return sorted(f for f in files if "node_modules" not in f and f.endswith((".js", ".mjs", ".cjs")))


def repeated(texts, size):
    """The texts concatenated (in turn, again and again) and cut to exactly `size` bytes."""
    out, total = [], 0
    while total < size:
        for t in texts:
            out.append(t)
            total += len(t)
            if total >= size:
                break
    return b"".join(out)[:size].decode("utf-8", "ignore")


def realistic(size):
    texts = []
    for path in repo_js():
        with open(path, "rb") as f:
            data = f.read()
        if data.startswith(b"#!"):
            data = b"//" + data[2:]  # a shebang is only valid on the first line
        texts.append(data + b"\n")
    return repeated(texts, size)


def dense(size):
    with open(os.path.join(ROOT, "examples", "orders-service", "routes", "orders.js"), "rb") as f:
        return repeated([f.read()], size)


SHAPES = [
    ("4 MiB realistic", lambda: realistic(4 * MIB)),
    ("4 MiB dense", lambda: dense(4 * MIB)),
    ("4 MiB of '['", lambda: "[" * (4 * MIB)),
    ("50 MB realistic", lambda: realistic(50 * 1000 * 1000)),
    ("30 MB of '['", lambda: "[" * (30 * 1000 * 1000)),
]


def peak_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def measure(exe, extra, text):
    c = LspClient([exe, "lsp"] + extra, timeout=1800)
    try:
        c.initialize()
        base = peak_rss_kib(c.proc.pid)
        uri = "file:///looplens-bench/big.js"
        t = time.monotonic()
        c.open(uri, text)
        diags = c.wait_for_diagnostics(uri, timeout=1800)
        wall = time.monotonic() - t
        peak = peak_rss_kib(c.proc.pid)
        c.shutdown_exit(timeout=600)
        notice = len(diags) == 1 and diags[0].get("code") == "document-too-large"
        return base, peak, wall, "not analysed (notice)" if notice else "%d findings" % len(diags)
    finally:
        c.close()


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    extra = ["--max-size", argv[argv.index("--max-size") + 1]] if "--max-size" in argv else []
    args = [a for a in args if a not in (only, extra[1] if extra else None)]
    exe = os.path.abspath(args[0] if args else os.path.join(ROOT, "build", "server", "looplens"))
    print("$ %s" % " ".join(["python3", "bench/lsp_memory.py"] + argv[1:]))
    print("server: %s lsp %s; %s, %d cores, load %s" % (exe, " ".join(extra), platform.machine(), os.cpu_count(),
                                                       " ".join("%.2f" % x for x in os.getloadavg())))
    print("%-18s %12s %14s %16s %9s  %s" % ("input", "bytes", "RSS at start", "peak RSS (HWM)", "publish", "result"))
    for name, make in SHAPES:
        if only and only not in name:
            continue
        text = make()
        size = len(text.encode("utf-8"))
        base, peak, wall, result = measure(exe, extra, text)
        del text
        print("%-18s %12d %10.1f MiB %12.1f MiB %8.1fs  %s" % (name, size, base / 1024, peak / 1024, wall, result))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
