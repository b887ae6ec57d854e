#!/usr/bin/env python3
"""Every code action `looplens lsp` offers keeps the code valid: `node --check` judges.

    python3 tests/lsp/test_code_actions.py build/server/looplens [-v]

For every fixture and example file that node accepts, the test opens it, asks for the code
actions of each diagnostic, applies each action's edit to the text (as an editor would) and runs
`node --check` on the result; any action whose result node rejects fails the test. Then three
cases that used to break code: `await` put in a parameter default, "ignore this line" inside a
string continued with a backslash, and inside a template literal (that one kept the syntax but
changed the program's output). The last line is `N passed, N failed`; exit status 77 (skipped)
when node is not installed.
"""

import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from lspclient import LspClient, LspError, position_to_offset  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
NODE = shutil.which("node")
VERBOSE = False


class Fail(Exception):
    pass


def apply_edits(text, edits, encoding):
    spans = sorted((position_to_offset(text, e["range"]["start"], encoding),
                    position_to_offset(text, e["range"]["end"], encoding), e["newText"]) for e in edits)
    out, pos = [], 0
    for start, end, new_text in spans:
        out.append(text[pos:start])
        out.append(new_text)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def node_check(items, tmp):
    """{key: error or None} for items {key: (text, ext)}: node --check on each, two at a time."""
    def one(key):
        text, ext = items[key]
        path = os.path.join(tmp, "c%d%s" % (abs(hash(key)), ext))
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        p = subprocess.run([NODE, "--check", path], capture_output=True, text=True, timeout=120)
        os.unlink(path)
        return key, None if p.returncode == 0 else (p.stderr.strip().splitlines() or ["?"])[-1]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, list(items)))


def actions_of(c, uri, text):
    """[(diagnostic code, action title, isPreferred, edited text)] for every action offered."""
    out = []
    for d in c.wait_for_diagnostics(uri, timeout=60):
        for a in c.code_action(uri, d["range"], diagnostics=[d], timeout=60) or []:
            edits = a["edit"]["changes"][uri]
            out.append((d["code"], a["title"], bool(a.get("isPreferred")), apply_edits(text, edits, c.position_encoding)))
    return out


def sources():
    files = glob.glob(os.path.join(REPO, "tests", "fixtures", "**", "*.*js"), recursive=True)
    files += glob.glob(os.path.join(REPO, "examples", "**", "*.*js"), recursive=True)
    return sorted(f for f in files if "node_modules" not in f and f.endswith((".js", ".mjs", ".cjs")))


def case_every_action(exe, tmp):
    originals = {}
    for path in sources():
        with open(path, encoding="utf-8", newline="") as f:
            originals[path] = (f.read(), os.path.splitext(path)[1])
    accepted = node_check(originals, tmp)
    files = [p for p in originals if accepted[p] is None]
    if len(files) < 30:
        raise Fail("only %d of %d fixture/example files pass node --check" % (len(files), len(originals)))
    results = {}
    with LspClient([exe, "lsp"], timeout=60) as c:
        c.initialize()
        for path in files:
            text, ext = originals[path]
            uri = "file://" + path
            c.open(uri, text)
            for code, title, _, edited in actions_of(c, uri, text):
                results[(os.path.relpath(path, REPO), code, title, edited)] = (edited, ext)
            c.close_document(uri)
        c.shutdown_exit()
    verdicts = node_check(results, tmp)
    broken = sorted("%s: %s (%s): %s" % (k[0], k[2], k[1], v) for k, v in verdicts.items() if v)
    if broken:
        raise Fail("%d of %d actions break the code:\n  %s" % (len(broken), len(results), "\n  ".join(broken[:20])))
    kinds = {k[2].split(" ")[0] for k in results}
    if len(results) < 100 or not {"Ignore", "Use", "Reschedule", "Listen"} <= kinds:
        raise Fail("too few actions checked (%d, kinds %s)" % (len(results), sorted(kinds)))
    return "%d files, %d actions, each passes node --check" % (len(files), len(results))


HEAD = "const fs = require('fs');\nconst http = require('http');\n"

PARAM_DEFAULT = HEAD + """http.createServer(async (req, res, body = fs.readFileSync('/etc/hosts')) => {
  res.end(body);
}).listen(3000);
"""
CONTINUED_STRING = HEAD + """http.createServer((req, res) => {
  const s = 'head\\
' + fs.readFileSync('/etc/hosts');
  res.end(s);
}).listen(3000);
"""
TEMPLATE = HEAD + """http.createServer((req, res) => {
  res.end(`head
${fs.readFileSync('/etc/hosts')}`);
}).listen(3000);
"""
# Where the same actions are fine: the comment goes in code, `await` in the body.
TEMPLATE_CODE = HEAD + """http.createServer(async (req, res) => {
  res.end(`head ${
    fs.readFileSync('/etc/hosts')}`);
}).listen(3000);
"""


def _specific(exe, tmp, text, forbidden, required):
    """The actions offered for `text`: none titled with a word of `forbidden`, all of `required`,
    and each result passes node --check."""
    with LspClient([exe, "lsp"], timeout=60) as c:
        c.initialize()
        uri = "file://" + os.path.join(tmp, "case.js")
        c.open(uri, text)
        actions = actions_of(c, uri, text)
        c.shutdown_exit()
    titles = [t for _, t, _, _ in actions]
    if not actions:
        raise Fail("no diagnostic or no action at all")
    for word in forbidden:
        if any(word in t for t in titles):
            raise Fail("offered %r although it breaks the code: %s" % (word, titles))
    for word in required:
        if not any(word in t for t in titles):
            raise Fail("%r not offered: %s" % (word, titles))
    verdicts = node_check({t: (e, ".js") for _, t, _, e in actions}, tmp)
    broken = {t: v for t, v in verdicts.items() if v}
    if broken:
        raise Fail("actions break the code: %s" % broken)
    return "offered: %s" % "; ".join(titles)


CASES = [
    ("every action on the fixtures and examples passes node --check", case_every_action),
    ("no `await` fix in a parameter default (SyntaxError there)",
     lambda exe, tmp: _specific(exe, tmp, PARAM_DEFAULT, ["Use await"], ["on this line", "in this file"])),
    ("no 'ignore this line' inside a string continued with a backslash",
     lambda exe, tmp: _specific(exe, tmp, CONTINUED_STRING, ["on this line"], ["in this file"])),
    ("no 'ignore this line' inside a template literal (it would change the output)",
     lambda exe, tmp: _specific(exe, tmp, TEMPLATE, ["on this line"], ["in this file"])),
    ("'ignore this line' and the await fix inside a template's ${...} are offered",
     lambda exe, tmp: _specific(exe, tmp, TEMPLATE_CODE, [], ["Use await", "on this line", "in this file"])),
]


def main(argv):
    global VERBOSE
    VERBOSE = "-v" in argv
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        print("usage: test_code_actions.py LOOPLENS [-v]", file=sys.stderr)
        return 2
    if not NODE:
        print("# node not found: skipped")
        return 77
    exe = os.path.abspath(args[0])
    passed = failed = 0
    tmp = tempfile.mkdtemp(prefix="looplens-actions-")
    try:
        for name, fn in CASES:
            try:
                note = fn(exe, tmp)
            except (Fail, LspError) as e:
                failed += 1
                print("FAIL %s: %s" % (name, e))
            else:
                passed += 1
                print("ok   %s%s" % (name, ("  # " + note) if VERBOSE else ""))
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
