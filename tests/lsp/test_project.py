#!/usr/bin/env python3
"""The language server's project view (docs/lsp.md, "Across files"): the workspace is indexed in
the background with work-done progress, open documents get the contexts other files give them,
edits, saves and watched-file changes re-publish the documents that depend on them (and only
those), and the findings equal `looplens check`'s on the same tree.

    python3 tests/lsp/test_project.py build/server/looplens

Each case copies examples/orders-service to a fresh folder and starts its own server.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lspclient import LspClient, position_of  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(REPO, "examples", "orders-service")
EXE = None
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def workspace(tmp):
    root = os.path.join(tmp, "svc")
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("node_modules", "*.pid"))
    return os.path.realpath(root)


def uri_of(root, rel):
    return "file://" + os.path.join(root, rel)


def start(root, dynamic=True, progress=True, args=()):
    c = LspClient([EXE, "lsp", *args])
    c.handlers["window/workDoneProgress/create"] = lambda p: None
    c.handlers["client/registerCapability"] = lambda p: None
    caps = {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": dynamic}},
            "window": {"workDoneProgress": progress}}
    c.initialize(root_uri="file://" + root, capabilities=caps)
    return c


def wait_indexed(c):
    c.wait_for(lambda m: m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end", timeout=60,
               what="the end of indexing")
    c.drain(0.3)


def open_file(c, root, rel):
    c.open(uri_of(root, rel), open(os.path.join(root, rel), encoding="utf-8").read())


def summary(diags):
    return sorted((d["range"]["start"]["line"] + 1, d["code"], d["severity"], d["message"]) for d in diags)


def check_json(root, rel, *extra):
    out = subprocess.run([EXE, "check", "--format", "json", *extra, rel], cwd=root, capture_output=True, text=True)
    sev = {"error": 1, "warning": 2, "info": 3}
    return sorted((d["line"], d["rule"], sev[d["severity"]], d["message"]) for d in json.loads(out.stdout)["diagnostics"])


def publishes(c, root, rel):
    return len(c.diagnostics_history.get(uri_of(root, rel), []))


def last(c, root, rel):
    return c.diagnostics_history[uri_of(root, rel)][-1]


@case
def progress_and_watchers(tmp):
    root = workspace(tmp)
    with start(root) as c:
        wait_indexed(c)
        methods = [r["method"] for r in c.server_requests]
        assert "client/registerCapability" in methods, methods
        reg = next(r for r in c.server_requests if r["method"] == "client/registerCapability")
        globs = [w["globPattern"] for w in reg["params"]["registrations"][0]["registerOptions"]["watchers"]]
        assert any(".js" in g for g in globs), globs
        kinds = [m["params"]["value"]["kind"] for m in c.notifications if m.get("method") == "$/progress"]
        assert kinds[0] == "begin" and kinds[-1] == "end" and kinds.count("end") == 1, kinds
        create = methods.index("window/workDoneProgress/create")
        assert create >= 0
        assert c.server_capabilities["diagnosticProvider"]["interFileDependencies"] is True
        assert c.shutdown_exit() == 0
    with start(root, dynamic=False, progress=False) as c:  # nothing asked of a client that cannot
        open_file(c, root, "lib/templates.js")
        c.drain(1.0)
        assert not c.server_requests, [r["method"] for r in c.server_requests]
        assert not [m for m in c.notifications if m.get("method") == "$/progress"]
        warnings = [d for d in c.diagnostics[uri_of(root, "lib/templates.js")] if d["severity"] == 2]
        assert warnings, "the index works without progress too"
        assert c.shutdown_exit() == 0


@case
def equals_check_on_every_file(tmp):
    root = workspace(tmp)
    files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
                   if f.endswith(".js"))
    assert len(files) >= 8, files
    with start(root) as c:
        wait_indexed(c)
        for rel in files:
            open_file(c, root, rel)
        c.drain(1.0)
        for rel in files:
            got = summary(c.diagnostics[uri_of(root, rel)])
            want = check_json(root, rel)
            assert got == want, "%s:\n lsp   %s\n check %s" % (rel, got, want)
        t = c.diagnostics[uri_of(root, "lib/templates.js")]
        hot = [d for d in t if "readFileSync" in d["message"]]
        assert hot and hot[0]["severity"] == 2 and hot[0]["data"]["context"] == "hot", hot
        rel_info = hot[0]["relatedInformation"]
        assert rel_info[0]["location"]["uri"] == uri_of(root, "server.js"), rel_info
        text = open(os.path.join(root, "server.js")).read()
        call = position_of(text, "renderPage('home'")
        assert rel_info[0]["location"]["range"]["start"] == call, (rel_info, call)
        assert c.shutdown_exit() == 0


@case
def per_file_without_project(tmp):
    root = workspace(tmp)
    with start(root, args=("--no-project",)) as c:
        open_file(c, root, "lib/templates.js")
        c.drain(1.0)
        got = summary(c.diagnostics[uri_of(root, "lib/templates.js")])
        assert got == check_json(root, "lib/templates.js", "--no-project"), got
        assert not c.server_requests
        assert c.server_capabilities["diagnosticProvider"]["interFileDependencies"] is False
        assert c.shutdown_exit() == 0


@case
def an_edit_republishes_dependents_only(tmp):
    root = workspace(tmp)
    with start(root) as c:
        wait_indexed(c)
        for rel in ("server.js", "lib/templates.js", "lib/config.js"):
            open_file(c, root, rel)
        c.drain(1.0)
        assert any(d["severity"] == 2 for d in last(c, root, "lib/templates.js")["diagnostics"])
        n_templates, n_config = publishes(c, root, "lib/templates.js"), publishes(c, root, "lib/config.js")
        # the route that renders the page goes: renderPage is no longer called per request
        srv = uri_of(root, "server.js")
        text = c.documents[srv]
        start_at = text.index("app.get('/', (req, res) => {")
        end_at = text.index("});", start_at) + 3
        c.change_full(srv, 2, text[:start_at] + text[end_at:])
        c.drain(1.5)
        assert publishes(c, root, "lib/templates.js") > n_templates, "templates.js depends on server.js"
        now = last(c, root, "lib/templates.js")["diagnostics"]
        assert not any(d["severity"] == 2 and "readFileSync" in d["message"] for d in now), summary(now)
        assert publishes(c, root, "lib/config.js") == n_config, "config.js does not depend on the edit"
        # and back: the warning returns
        c.change_full(srv, 3, text)
        c.drain(1.5)
        now = last(c, root, "lib/templates.js")["diagnostics"]
        assert any(d["severity"] == 2 and "readFileSync" in d["message"] for d in now), summary(now)
        assert c.shutdown_exit() == 0


@case
def seeds_follow_moved_functions(tmp):
    root = workspace(tmp)
    with start(root) as c:
        wait_indexed(c)
        open_file(c, root, "lib/templates.js")
        c.drain(0.5)
        uri = uri_of(root, "lib/templates.js")
        text = c.documents[uri]
        # lines typed above renderPage move it; the same keystroke's check must still find it hot
        c.change_incremental(uri, 2, (0, 0, 0, 0), "// a\n// b\n// c\n")
        diags = c.wait_for_diagnostics(uri, version=2, timeout=10)
        hot = [d for d in diags if "readFileSync" in d["message"]]
        line = position_of(c.documents[uri], "fs.readFileSync")["line"]
        assert hot and hot[0]["severity"] == 2 and hot[0]["range"]["start"]["line"] == line, summary(diags)
        assert text != c.documents[uri]
        assert c.shutdown_exit() == 0


@case
def watched_files_on_disk(tmp):
    root = workspace(tmp)
    with start(root) as c:
        wait_indexed(c)
        open_file(c, root, "lib/templates.js")
        c.drain(0.5)
        assert any(d["severity"] == 2 for d in last(c, root, "lib/templates.js")["diagnostics"])
        # server.js is not open: the editor's watcher reports its deletion
        os.rename(os.path.join(root, "server.js"), os.path.join(tmp, "server.js"))
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(root, "server.js"), "type": 3}]})
        c.drain(1.5)
        now = last(c, root, "lib/templates.js")["diagnostics"]
        assert not any(d["severity"] == 2 for d in now), summary(now)
        # it comes back under another name: a creation
        shutil.copy(os.path.join(tmp, "server.js"), os.path.join(root, "main.js"))
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri_of(root, "main.js"), "type": 1}]})
        c.drain(1.5)
        now = last(c, root, "lib/templates.js")["diagnostics"]
        hot = [d for d in now if d["severity"] == 2]
        assert hot and "main.js" in hot[0]["message"], summary(now)
        assert c.shutdown_exit() == 0


@case
def closing_returns_to_the_disk_text(tmp):
    root = workspace(tmp)
    with start(root) as c:
        wait_indexed(c)
        open_file(c, root, "server.js")
        open_file(c, root, "lib/templates.js")
        c.drain(0.5)
        srv = uri_of(root, "server.js")
        c.change_full(srv, 2, "// nothing here\n")
        c.drain(1.5)
        assert not any(d["severity"] == 2 for d in last(c, root, "lib/templates.js")["diagnostics"])
        c.close_document(srv)  # the unsaved edit is gone: the disk's server.js counts again
        c.drain(1.5)
        assert any(d["severity"] == 2 for d in last(c, root, "lib/templates.js")["diagnostics"])
        assert c.shutdown_exit() == 0


def main():
    global EXE
    EXE = os.path.abspath(sys.argv[1])
    passed = failed = 0
    for fn in CASES:
        tmp = tempfile.mkdtemp(prefix="looplens-lsp-project-")
        try:
            fn(tmp)
            print("ok   %s" % fn.__name__)
            passed += 1
        except Exception as e:  # noqa: BLE001 -- every failure is reported, then counted
            print("FAIL %s: %s" % (fn.__name__, e))
            traceback.print_exc()
            failed += 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
