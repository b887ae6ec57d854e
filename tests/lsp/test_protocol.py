#!/usr/bin/env python3
"""Protocol tests for `looplens lsp`, written against docs/lsp.md (the behaviour contract).

    python3 tests/lsp/test_protocol.py build/server/looplens [-k SUBSTRING] [-v]

Each case starts its own server process over pipes (tests/lsp/lspclient.py) and prints
`ok   name` or `FAIL name: reason`; the last line is `N passed, N failed`; exit status 1 when
anything failed. Expected positions are computed here, from the text the test sent, with
lspclient's own position arithmetic (UTF-16 / UTF-8 / line breaks at \\n, \\r\\n and \\r), never
taken from the server. `-v` prints tracebacks and the server's stderr for failing cases.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from lspclient import (LspClient, LspError, LspTimeout, ResponseError, preflight as server_preflight,  # noqa: E402
                       ServerExited, byte_offset_to_position, encode_message, frame,
                       offset_to_position, position_of, position_to_offset, range_of)

REPO = os.path.dirname(os.path.dirname(HERE))
EXE = None          # set in main()
TMP = None          # a fresh directory per run; document URIs live under it
VERBOSE = False

# --------------------------------------------------------------------------------------------
# harness

CASES = []


def case(name):
    def register(fn):
        CASES.append((name, fn))
        return fn
    return register


class Fail(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Fail(message)


def eq(actual, expected, what):
    if actual != expected:
        raise Fail("%s: expected %s, got %s" % (what, _short(expected), _short(actual)))


def _short(value, limit=400):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) \
        else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


_CLIENTS = []


def server(timeout=10.0, **kw):
    c = LspClient([EXE, "lsp"], timeout=timeout, **kw)
    _CLIENTS.append(c)
    return c


def path_uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


def uri_path(uri):
    check(uri.startswith("file://"), "not a file:// URI: %r" % uri)
    rest = uri[len("file://"):]
    if rest.startswith("localhost/"):
        rest = rest[len("localhost"):]
    return urllib.parse.unquote(rest)


_URI_N = [0]


def new_uri(stem="t", ext=".js"):
    """A URI of a file that does not exist, in an existing folder with no .looplens.json."""
    _URI_N[0] += 1
    return path_uri(os.path.join(TMP, "docs", "%s%d%s" % (stem, _URI_N[0], ext)))


def expect_error(c, method, params, code, what=None):
    try:
        result = c.request(method, params)
    except ResponseError as e:
        eq(e.code, code, (what or method) + " error code")
        return e
    raise Fail("%s: expected error %d, got result %s" % (what or method, code, _short(result)))


def expect_raw_error(c, data, request_id, code, what):
    """Writes raw bytes and waits for the error response carrying `request_id` (None: null)."""
    c.send_raw(data)
    response = c.wait_response(request_id)
    check("error" in response, "%s: expected error %d, got %s" % (what, code, _short(response)))
    eq(response["error"].get("code"), code, what + " error code")
    eq(response.get("id", "<absent>"), request_id, what + " response id")
    return response



def expect_exit_code_1(c, what):
    """`exit` without `shutdown`: the server must leave, with code 1, without waiting for EOF."""
    c.notify("exit")
    try:
        code = c.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        raise Fail(f"{what}: server did not exit (stdin still open)")
    eq(code, 1, f"{what}: exit code")

def alive(c, what="server still serving"):
    """A request that must succeed: the server is alive and in sync."""
    try:
        c.request("looplens/__ping_unknown__", {})
    except ResponseError as e:
        eq(e.code, -32601, what + " (unknown-method probe)")
        return
    raise Fail(what + ": unknown method answered with a result")


def rule_meta(rule_id):
    with open(os.path.join(REPO, "rules", rule_id + ".json"), encoding="utf-8") as f:
        return json.load(f)


def by_rule(diags, rule):
    return [d for d in diags if d.get("code") == rule]


def summarize(diags):
    return [(d.get("code"), d["range"]["start"]["line"], d["range"]["start"]["character"],
             d["range"]["end"]["line"], d["range"]["end"]["character"]) for d in diags]


def canon(items):
    return sorted(json.dumps(d, sort_keys=True, ensure_ascii=False) for d in items)


def last_publish(c, uri):
    history = c.diagnostics_history.get(uri, [])
    return history[-1] if history else None


def wait_publish(c, uri, version=None, timeout=None):
    """Next publishDiagnostics for uri (optionally with that version); returns the params."""
    c.wait_for_diagnostics(uri, version=version, timeout=timeout)
    # wait_for_diagnostics returned the list; find its params (the last matching entry seen)
    history = c.diagnostics_history[uri]
    params = history[c._diag_seen[uri] - 1]
    if version is not None:
        eq(params.get("version"), version, "publishDiagnostics version")
    return params


def pull(c, uri):
    result = c.pull_diagnostics(uri)
    check(isinstance(result, dict), "textDocument/diagnostic result is not an object: %s" % _short(result))
    eq(result.get("kind"), "full", "textDocument/diagnostic kind")
    check(isinstance(result.get("items"), list), "textDocument/diagnostic items is not a list")
    return result["items"]


def apply_text_edits(text, edits, encoding):
    """Applies LSP TextEdits (positions in `encoding`, all relative to `text`) like an editor.
    Positions must be exact (inside a line, on code point boundaries), edits must not overlap."""
    spans = []
    for k, e in enumerate(edits):
        r = e["range"]
        offs = []
        for p in (r["start"], r["end"]):
            off = position_to_offset(text, p, encoding)
            back = offset_to_position(text, off, encoding)
            check(back == {"line": p["line"], "character": p["character"]},
                  "TextEdit position %s is not an exact %s position in the text (nearest %s)"
                  % (_short(p), encoding, _short(back)))
            offs.append(off)
        check(offs[0] <= offs[1], "TextEdit with an inverted range %s" % _short(r))
        spans.append((offs[0], offs[1], k, e["newText"]))
    spans.sort()
    out, pos = [], 0
    for start, end, _, new_text in spans:
        check(start >= pos, "overlapping TextEdits in %s" % _short(edits))
        out.append(text[pos:start])
        out.append(new_text)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def lsp_lines(text):
    return re.split(r"\r\n|\r|\n", text)


def cli_json(path, extra=()):
    # These tests open documents with no workspace folder: no project view, as `check --no-project`.
    proc = subprocess.run([EXE, "check", "--format", "json", "--no-project", *extra, path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return json.loads(proc.stdout.decode("utf-8"))


def cli_expected(path, encoding):
    """looplens check's findings for a file (LF line endings), as LSP ranges in `encoding`."""
    with open(path, "rb") as f:
        data = f.read()
    starts = [0]
    for i, b in enumerate(data):
        if b == 0x0A:
            starts.append(i + 1)
    out = []
    for d in cli_json(path)["diagnostics"]:
        s = starts[d["line"] - 1] + d["column"] - 1
        e = starts[d["endLine"] - 1] + d["endColumn"] - 1
        out.append({"rule": d["rule"], "severity": {"error": 1, "warning": 2, "info": 3}[d["severity"]],
                    "range": {"start": byte_offset_to_position(data, s, encoding),
                              "end": byte_offset_to_position(data, e, encoding)},
                    "context": d.get("context"), "chapter": d.get("chapter")})
    return out


# --------------------------------------------------------------------------------------------
# documents used below

SYNC_FS = """const fs = require('fs');
const http = require('http');
http.createServer(async (req, res) => {
  const data = fs.readFileSync('/etc/hosts', 'utf8');
  res.end(data);
}).listen(3000);
"""
SYNC_FS_CALL = "fs.readFileSync('/etc/hosts', 'utf8')"

ASYNC_FS = SYNC_FS.replace("fs.readFileSync(", "await fs.promises.readFile(")

SYNC_FS_MEMBER = """const fs = require('fs');
const http = require('http');
http.createServer(async (req, res) => {
  const n = fs.readFileSync('/etc/hosts', 'utf8').length;
  res.end(String(n));
}).listen(3000);
"""

NEXT_TICK = """function pump() {
  process.nextTick(pump);
}
pump();
"""

MICROTASKS = """function drainQ() {
  queueMicrotask(drainQ);
}
function poll() {
  Promise.resolve().then(poll);
}
drainQ();
poll();
"""

LISTENER = """const http = require('http');
const EventEmitter = require('events');
const bus = new EventEmitter();
http.createServer((req, res) => {
  bus.on('price', (p) => res.end(String(p)));
}).listen(3000);
"""
LISTENER_CALL = "bus.on('price', (p) => res.end(String(p)))"

THREE_SEVERITIES = """const fs = require('fs');
const http = require('http');
function pump() {
  process.nextTick(pump);
}
http.createServer(async (req, res) => {
  res.end(fs.readFileSync('/etc/hosts'));
}).listen(3000);
module.exports.lib = function (p) { return fs.readFileSync(p); };
"""


def emoji_text(eol):
    return eol.join([
        "// \U0001F680 service \u00e9",
        "const fs = require('fs');",
        "const http = require('http');",
        "http.createServer(async (req, res) => {",
        "\tconst s = '\U0001F600\u00e9\u4e2d\U0001F389'; const d = fs.readFileSync('/x');",
        "\tres.end(s + d);",
        "}).listen(1);",
        "",
    ])


EMOJI_CALL = "fs.readFileSync('/x')"


def open_and_wait(c, text, version=1, uri=None, timeout=None):
    uri = uri or new_uri()
    c.open(uri, text, version=version)
    params = wait_publish(c, uri, version=version, timeout=timeout)
    return uri, params["diagnostics"]


def started(encodings=None, **kw):
    c = server(**kw)
    c.initialize(encodings=encodings)
    return c


# --------------------------------------------------------------------------------------------
# framing


def _session(c, what):
    """initialize, open a hazard, check the diagnostic, hover it, pull, shut down cleanly."""
    c.initialize(encodings=["utf-8", "utf-16"])
    uri, diags = open_and_wait(c, emoji_text("\n"))
    rng = c.range_of(uri, EMOJI_CALL)
    eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path", "range": rng}]), what + " diagnostics")
    hover = c.hover(uri, rng["start"]["line"], rng["start"]["character"] + 3)
    check(hover is not None, what + ": hover on the flagged call is null")
    eq(canon(pull(c, uri)), canon(diags), what + " pulled vs pushed")
    eq(c.shutdown_exit(), 0, what + " exit code")


@case("framing: every message written byte by byte")
def _():
    with server(chunking="bytewise", chunk_delay=0.0002, timeout=30) as c:
        _session(c, "bytewise")


@case("framing: messages written in random chunks (3 seeds)")
def _():
    for seed in (1, 2, 3):
        with server(chunking="random", chunk_delay=0.0005, seed=seed, timeout=30) as c:
            _session(c, "random chunks seed %d" % seed)


@case("framing: two and three messages in one write")
def _():
    with started() as c:
        uri = new_uri()
        text = SYNC_FS
        c.documents[uri] = text
        open_msg = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "javascript", "version": 1, "text": text}}}
        pull_msg = {"jsonrpc": "2.0", "id": 1001, "method": "textDocument/diagnostic",
                    "params": {"textDocument": {"uri": uri}}}
        c.send_raw(encode_message(open_msg) + encode_message(pull_msg))
        response = c.wait_response(1001)
        check("result" in response, "pull after didOpen in the same write: %s" % _short(response))
        eq(summarize(response["result"]["items"]),
           summarize([{"code": "sync-fs-in-hot-path", "range": range_of(text, SYNC_FS_CALL)}]),
           "pulled diagnostics")
        wait_publish(c, uri, version=1)
        hover = {"jsonrpc": "2.0", "id": 1002, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}}
        unknown = {"jsonrpc": "2.0", "id": 1003, "method": "looplens/nope", "params": {}}
        c.send_raw(encode_message(hover) + encode_message(unknown))
        r2, r3 = c.wait_response(1002), c.wait_response(1003)
        check("result" in r2 and r2["result"] is None, "hover elsewhere: %s" % _short(r2))
        eq(r3.get("error", {}).get("code"), -32601, "unknown method in a shared write")
        # Content-Type header before Content-Length is valid LSP framing
        body = json.dumps({"jsonrpc": "2.0", "id": 1004, "method": "looplens/nope"}).encode()
        c.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
                   % len(body) + body)
        eq(c.wait_response(1004).get("error", {}).get("code"), -32601, "message with a Content-Type header")
        eq(c.shutdown_exit(), 0, "exit code")


@case("framing: a 1 MiB didOpen (multi-byte text, hazard at the end)")
def _():
    with started(encodings=["utf-8"], timeout=60) as c:
        lines = ["'use strict';", "const fs = require('fs');", "const http = require('http');"]
        n = 0
        size = 0
        while size < (1 << 20):
            line = "const v%d = '\u00e9\u4e2d\U0001F600 filler %d'; // caf\u00e9 \u2014 %d" % (n, n, n)
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
            n += 1
        lines += ["http.createServer(async (req, res) => {",
                  "  res.end(v1 + fs.readFileSync('/etc/hosts'));", "}).listen(1);", ""]
        text = "\n".join(lines)
        check(len(text.encode("utf-8")) > (1 << 20), "test text is not over 1 MiB")
        uri, diags = open_and_wait(c, text, timeout=60)
        eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path",
                                         "range": range_of(text, "fs.readFileSync('/etc/hosts')", "utf-8")}]),
           "diagnostics of the 1 MiB document")
        # an incremental edit at the very end of the big document
        pos = c.position_of(uri, "fs.readFileSync('/etc/hosts')")
        c.change_incremental(uri, 2, (pos["line"], pos["character"], pos["line"], pos["character"]), "await ")
        diags = wait_publish(c, uri, version=2, timeout=60)["diagnostics"]
        eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path",
                                         "range": c.range_of(uri, "fs.readFileSync('/etc/hosts')")}]),
           "diagnostics after an edit of the 1 MiB document")
        eq(c.shutdown_exit(), 0, "exit code")


MALFORMED = [
    ("non-numeric Content-Length", [b"Content-Length: abc\r\n\r\n"]),
    ("duplicate Content-Length", [b"Content-Length: 10\r\nContent-Length: 12\r\n\r\n0123456789"]),
    ("missing Content-Length", [b"X-Garbage: 1\r\n\r\n{}"]),
    ("garbage without a header", [b"this is not a header at all {\"id\": 5}\r\n"]),
    ("negative Content-Length", [b"Content-Length: -5\r\n\r\n"]),
    ("header line without a colon", [b"Content-Length 20\r\n\r\n"]),
    ("garbage then a valid message in the same write", [b"\x00\xff garbage \r\n\r\n", "SAME"]),
    ("several bad blocks in a row", [b"Content-Length: x\r\n\r\n", b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n{",
                                     b"junk junk\r\n\r\n"]),
]


@case("framing: malformed headers, then a valid request is answered")
def _():
    for what, pieces in MALFORMED:
        with started() as c:
            uri, _ = open_and_wait(c, SYNC_FS)
            before = len(c.stderr_text)
            valid = encode_message({"jsonrpc": "2.0", "id": 777, "method": "textDocument/diagnostic",
                                    "params": {"textDocument": {"uri": uri}}})
            if pieces[-1] == "SAME":
                c.send_raw(b"".join(pieces[:-1]) + valid)
            else:
                for p in pieces:
                    c.send_raw(p)
                    time.sleep(0.05)
                c.send_raw(valid)
            try:
                response = c.wait_response(777, timeout=5)
            except LspError as e:
                raise Fail("%s: the valid request after it was not answered (%s)" % (what, str(e).splitlines()[0]))
            check("result" in response and len(response["result"].get("items", [])) == 1,
                  "%s: valid request answered with %s" % (what, _short(response)))
            check(c.proc.poll() is None, "%s: server exited" % what)
            time.sleep(0.05)
            check(len(c.stderr_text) > before, "%s: nothing logged to stderr" % what)
            eq(c.shutdown_exit(), 0, what + ": exit code")


@case("errors: body that is not JSON -> -32700 with id null")
def _():
    with started() as c:
        for body in (b'{"jsonrpc":"2.0","id":1,"method":', b"not json at all", b'{"jsonrpc":"2.0",,}',
                     b"\xff\xfe\xfd"):
            expect_raw_error(c, frame(body), None, -32700, "body %r" % body)
        alive(c)
        eq(c.shutdown_exit(), 0, "exit code")


@case("errors: JSON that is not a JSON-RPC request -> -32600")
def _():
    problems = []
    with started() as c:
        for body, rid in ((b"[1,2,3]", None), (b"42", None), (b'"str"', None), (b"null", None),
                          (b'{"jsonrpc":"2.0","id":7,"params":{}}', 7),
                          (b'{"jsonrpc":"2.0","id":8,"method":5}', 8),
                          (b'{"jsonrpc":"2.0","id":{"x":1},"method":"textDocument/hover"}', None),
                          (b'{"jsonrpc":"2.0","id":true,"method":"textDocument/hover"}', None),
                          (b'{"jsonrpc":"2.0","id":[1],"method":"textDocument/hover"}', None)):
            try:
                expect_raw_error(c, frame(body), rid, -32600, "body %s" % body.decode())
            except Fail as e:
                problems.append(str(e))
        alive(c)
        check(not problems, "; ".join(problems))
        eq(c.shutdown_exit(), 0, "exit code")


@case("errors: unknown request -> -32601; unknown notifications ignored")
def _():
    with started() as c:
        expect_error(c, "looplens/doesNotExist", {}, -32601)
        expect_error(c, "textDocument/completion", {"textDocument": {"uri": new_uri()},
                                                     "position": {"line": 0, "character": 0}}, -32601)
        mark = len(c.received)
        c.notify("$/someUnknownNotification", {"x": 1})
        c.notify("custom/unknownNotification", {"y": [1, 2]})
        c.notify("$/setTrace", {"value": "off"})
        alive(c)
        responses = [m for m in c.received[mark:] if "method" not in m]
        check(len(responses) == 1, "a notification was answered: %s" % _short(responses[:-1]))
        eq(c.shutdown_exit(), 0, "exit code")


@case("errors: request before initialize -> -32002; notifications dropped; exit allowed")
def _():
    with server() as c:
        uri = new_uri()
        expect_error(c, "textDocument/hover", {"textDocument": {"uri": uri},
                                               "position": {"line": 0, "character": 0}}, -32002)
        expect_error(c, "textDocument/diagnostic", {"textDocument": {"uri": uri}}, -32002)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "javascript",
                                                           "version": 1, "text": SYNC_FS}})
        c.initialize()
        expect_error(c, "textDocument/diagnostic", {"textDocument": {"uri": uri}}, -32602,
                     "pull of a document opened before initialize (must have been dropped)")
        check(uri not in c.diagnostics_history, "diagnostics published for a didOpen sent before initialize")
        eq(c.shutdown_exit(), 0, "exit code")
    with server() as c:
        expect_exit_code_1(c, "exit before initialize")


@case("errors: second initialize -> -32600")
def _():
    with started() as c:
        expect_error(c, "initialize", {"processId": None, "rootUri": None, "capabilities": {}}, -32600)
        alive(c)
        eq(c.shutdown_exit(), 0, "exit code")


@case("errors: invalid params -> -32602")
def _():
    with started() as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        pos = {"line": 3, "character": 20}
        bad = [
            ("textDocument/hover", {"position": pos}, "hover without textDocument"),
            ("textDocument/hover", {"textDocument": {}, "position": pos}, "hover without textDocument.uri"),
            ("textDocument/hover", {"textDocument": {"uri": 5}, "position": pos}, "hover with a numeric uri"),
            ("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": "3", "character": 0}},
             "hover with a string line"),
            ("textDocument/hover", {"textDocument": {"uri": uri}}, "hover without position"),
            ("textDocument/hover", {"textDocument": {"uri": new_uri()}, "position": pos}, "hover on an unknown document"),
            ("textDocument/hover", [uri, pos], "hover with array params"),
            ("textDocument/diagnostic", {"textDocument": {"uri": new_uri()}}, "pull of an unknown document"),
            ("textDocument/diagnostic", {}, "pull without textDocument"),
            ("textDocument/codeAction", {"textDocument": {"uri": uri}, "context": {"diagnostics": []}},
             "codeAction without range"),
            ("textDocument/codeAction", {"textDocument": {"uri": new_uri()},
                                         "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}},
             "codeAction on an unknown document"),
        ]
        for method, params, what in bad:
            expect_error(c, method, params, -32602, what)
        eq(summarize(pull(c, uri)), summarize([{"code": "sync-fs-in-hot-path",
                                                 "range": range_of(SYNC_FS, SYNC_FS_CALL)}]),
           "document intact after invalid requests")
        eq(c.shutdown_exit(), 0, "exit code")


@case("robustness: malformed notifications and mid-code-point positions are survived")
def _():
    for encoding in ("utf-16", "utf-8"):
        with started(encodings=[encoding]) as c:
            uri, _ = open_and_wait(c, emoji_text("\n"))
            junk = [
                ("textDocument/didOpen", {"textDocument": {"uri": new_uri(), "version": 1}}),         # no text
                ("textDocument/didOpen", {"textDocument": {"uri": 5, "text": "x", "version": 1}}),
                ("textDocument/didOpen", None),
                ("textDocument/didChange", {"textDocument": {"uri": new_uri(), "version": 2},
                                            "contentChanges": [{"text": "x"}]}),                   # unknown doc
                ("textDocument/didChange", {"textDocument": {"uri": uri, "version": 50}, "contentChanges": "x"}),
                ("textDocument/didChange", {"textDocument": {"uri": uri, "version": 51},
                                            "contentChanges": [{"range": {"start": {"line": -1, "character": -5},
                                                                          "end": {"line": "a"}}, "text": 3}]}),
                ("textDocument/didClose", {"textDocument": {"uri": new_uri()}}),
                ("textDocument/didSave", {"textDocument": {}}),
                ("workspace/didChangeWatchedFiles", {"changes": "nope"}),
                ("workspace/didChangeConfiguration", None),
                ("$/cancelRequest", {"id": {"x": 1}}),
                ("$/cancelRequest", None),
            ]
            for method, params in junk:
                c.notify(method, params)
            alive(c, "after malformed notifications (%s)" % encoding)
            # the malformed didChanges left the document unsynchronised: a full text resyncs it
            eq(pull(c, uri), [], "pull after malformed didChanges (unsynchronised)")
            c.change_full(uri, 52, c.text(uri))
            # positions inside an emoji (between UTF-16 surrogates / inside the UTF-8 sequence)
            text = c.text(uri)
            p = range_of(text, "\U0001F600", encoding)["start"]
            inside = {"line": p["line"], "character": p["character"] + 1}
            c.hover(uri, inside["line"], inside["character"])
            c.code_action(uri, {"start": inside, "end": inside}, diagnostics=[])
            v = max(c.versions[uri], 52) + 1
            c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": v}, "contentChanges": [
                {"range": {"start": inside, "end": inside}, "text": "x"}]})
            items = pull(c, uri)
            check(c.proc.poll() is None, "server exited")
            eq([d["code"] for d in items], ["sync-fs-in-hot-path"], "diagnostics after an edit inside an emoji")
            eq(c.shutdown_exit(), 0, "exit code")


@case("errors: request after shutdown -> -32600")
def _():
    with started() as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        eq(c.request("shutdown"), None, "shutdown result")
        expect_error(c, "textDocument/hover", {"textDocument": {"uri": uri},
                                               "position": {"line": 0, "character": 0}}, -32600,
                     "hover after shutdown")
        expect_error(c, "shutdown", None, -32600, "second shutdown")
        c.notify("exit")
        eq(c.wait_exit(), 0, "exit code")


@case("$/cancelRequest: request and its cancel in one write -> -32800")
def _():
    with started() as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        for method, params in (("textDocument/diagnostic", {"textDocument": {"uri": uri}}),
                               ("textDocument/hover", {"textDocument": {"uri": uri},
                                                       "position": {"line": 3, "character": 20}})):
            rid = 5000 + len(method)
            req = {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}
            cancel = {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": rid}}
            c.send_raw(encode_message(req) + encode_message(cancel))
            response = c.wait_response(rid)
            check("error" in response, "%s cancelled in the same write: answered %s" % (method, _short(response)))
            eq(response["error"].get("code"), -32800, method + " cancelled: error code")
        # a cancel for an already answered request is ignored (no second response), string ids work
        c.cancel(1)
        rid = "str-id-1"
        c.send_raw(encode_message({"jsonrpc": "2.0", "id": rid, "method": "textDocument/diagnostic",
                                   "params": {"textDocument": {"uri": uri}}}) +
                   encode_message({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": rid}}))
        response = c.wait_response(rid)
        eq(response.get("error", {}).get("code"), -32800, "string-id request cancelled: error code")
        eq(len(pull(c, uri)), 1, "pull after cancellations")
        eq(c.shutdown_exit(), 0, "exit code")


@case("exit codes: shutdown+exit 0, exit alone 1, EOF after shutdown 0, EOF alone 1")
def _():
    with started() as c:
        eq(c.shutdown_exit(), 0, "shutdown then exit")
    with started() as c:
        expect_exit_code_1(c, "exit without shutdown")
    with started() as c:
        eq(c.request("shutdown"), None, "shutdown result")
        eq(c.wait_exit(timeout=5), 0, "EOF after shutdown")
    with started() as c:
        open_and_wait(c, SYNC_FS)
        eq(c.wait_exit(timeout=5), 1, "EOF without shutdown")
    with server() as c:
        eq(c.wait_exit(timeout=5), 1, "EOF before initialize")


# --------------------------------------------------------------------------------------------
# initialize


@case("initialize: positionEncoding utf-16 by default, utf-8 when offered")
def _():
    for offered, expected in ((None, "utf-16"), ([], "utf-16"), (["utf-16"], "utf-16"),
                              (["utf-8"], "utf-8"), (["utf-8", "utf-16"], "utf-8"),
                              (["utf-16", "utf-8"], "utf-8"), (["utf-32"], "utf-16")):
        with server() as c:
            result = c.initialize(encodings=offered)
            eq(result["capabilities"].get("positionEncoding"), expected,
               "positionEncoding when offering %s" % (offered,))
            eq(c.shutdown_exit(), 0, "exit code")


@case("initialize: capabilities and serverInfo as documented")
def _():
    with server() as c:
        result = c.initialize()
        caps = result.get("capabilities", {})
        sync = caps.get("textDocumentSync")
        check(isinstance(sync, dict), "textDocumentSync is not an object: %s" % _short(sync))
        eq(sync.get("openClose"), True, "textDocumentSync.openClose")
        eq(sync.get("change"), 2, "textDocumentSync.change")
        eq(sync.get("save"), {"includeText": False}, "textDocumentSync.save")
        dp = caps.get("diagnosticProvider")
        check(isinstance(dp, dict), "diagnosticProvider is not an object: %s" % _short(dp))
        eq(dp.get("interFileDependencies"), True, "diagnosticProvider.interFileDependencies")
        eq(dp.get("workspaceDiagnostics"), False, "diagnosticProvider.workspaceDiagnostics")
        eq(caps.get("hoverProvider"), True, "hoverProvider")
        cap = caps.get("codeActionProvider")
        check(isinstance(cap, dict), "codeActionProvider is not an object: %s" % _short(cap))
        eq(cap.get("codeActionKinds"), ["quickfix"], "codeActionProvider.codeActionKinds")
        info = result.get("serverInfo", {})
        eq(info.get("name"), "looplens", "serverInfo.name")
        check(isinstance(info.get("version"), str) and info["version"],
              "serverInfo.version missing: %s" % _short(info))
        eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# diagnostics


def check_diag_fields(d, rule, severity, what):
    eq(d.get("code"), rule, what + " code")
    eq(d.get("source"), "looplens", what + " source")
    eq(d.get("severity"), severity, what + " severity")
    check(isinstance(d.get("message"), str) and d["message"], what + ": empty message")
    href = (d.get("codeDescription") or {}).get("href")
    check(isinstance(href, str) and href.startswith("file://"), what + ": codeDescription.href is %r" % href)
    path, _, anchor = href.partition("#")
    chapter = rule_meta(rule)["chapter"]
    want_file, _, want_anchor = chapter.partition("#")
    check(os.path.isfile(uri_path(path)), what + ": codeDescription.href file does not exist: %s" % uri_path(path))
    check(uri_path(path).endswith("/" + want_file), what + ": href %s is not %s" % (href, want_file))
    eq(anchor, want_anchor, what + " href anchor")
    data = d.get("data")
    check(isinstance(data, dict), what + ": data is %s" % _short(data))
    eq(data.get("rule"), rule, what + " data.rule")
    check(data.get("context") in ("hot", "unknown", "startup"), what + ": data.context is %r" % data.get("context"))


@case("diagnostics: publish with version, range, code/source/severity/href/data")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, SYNC_FS, version=7)
        eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path", "range": range_of(SYNC_FS, SYNC_FS_CALL)}]),
           "diagnostics")
        check_diag_fields(diags[0], "sync-fs-in-hot-path", 2, "sync-fs")
        eq(diags[0]["data"]["context"], "hot", "data.context")
        eq(c.shutdown_exit(), 0, "exit code")


@case("diagnostics: severities error/warning/info (1/2/3)")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, THREE_SEVERITIES)
        t = THREE_SEVERITIES
        want = [("microtask-recursion", range_of(t, "process.nextTick(pump)"), 1),
                ("sync-fs-in-hot-path", range_of(t, "fs.readFileSync('/etc/hosts')"), 2),
                ("sync-fs-in-hot-path", range_of(t, "fs.readFileSync(p)"), 3)]
        eq(sorted(summarize(diags)), sorted(summarize([{"code": r, "range": g} for r, g, _ in want])), "diagnostics")
        for rule, rng, sev in want:
            d = [x for x in diags if x["code"] == rule and x["range"] == rng][0]
            check_diag_fields(d, rule, sev, "%s line %d" % (rule, rng["start"]["line"]))
        eq(c.shutdown_exit(), 0, "exit code")


def _columns(encoding, eol):
    with started(encodings=[encoding] if encoding == "utf-8" else None) as c:
        eq(c.position_encoding, encoding, "negotiated encoding")
        text = emoji_text(eol)
        uri, diags = open_and_wait(c, text)
        want = range_of(text, EMOJI_CALL, encoding)
        eq(want["start"]["line"], 4, "test's own line arithmetic")
        eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path", "range": want}]),
           "range in %s with %r line ends" % (encoding, eol))
        eq(summarize(pull(c, uri)), summarize(diags), "pulled range")
        hover_inside = c.hover(uri, want["start"]["line"], want["start"]["character"])
        check(hover_inside is not None, "hover at the start of the flagged call is null")
        before = range_of(text, "\U0001F389", encoding)["start"]
        eq(c.hover(uri, before["line"], before["character"]), None, "hover on the emoji before the call")
        eq(c.shutdown_exit(), 0, "exit code")


for _enc in ("utf-16", "utf-8"):
    for _eol, _name in (("\n", "LF"), ("\r\n", "CRLF"), ("\r", "lone CR")):
        case("diagnostics: %s columns, emoji + tab before the call, %s line ends" % (_enc, _name))(
            (lambda e, l: lambda: _columns(e, l))(_enc, _eol))


@case("diagnostics: match `looplens check --format json` on examples/ (utf-16 and utf-8)")
def _():
    root = os.path.join(REPO, "examples")
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "node_modules"]
        files += [os.path.join(dirpath, f) for f in filenames if f.endswith((".js", ".mjs", ".cjs"))]
    check(files, "no example files found under %s" % root)
    total = 0
    for encoding in ("utf-16", "utf-8"):
        with started(encodings=[encoding]) as c:
            for path in sorted(files):
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                uri, diags = open_and_wait(c, text, uri=path_uri(path))
                want = cli_expected(path, encoding)
                got = sorted((d["code"], json.dumps(d["range"], sort_keys=True), d["severity"],
                              (d.get("data") or {}).get("context")) for d in diags)
                exp = sorted((w["rule"], json.dumps(w["range"], sort_keys=True), w["severity"], w["context"])
                             for w in want)
                eq(got, exp, "%s (%s) vs looplens check" % (os.path.relpath(path, REPO), encoding))
                total += len(want)
            eq(c.shutdown_exit(), 0, "exit code")
    check(total > 0, "looplens check found nothing in examples/")


# --------------------------------------------------------------------------------------------
# incremental edits


@case("edits: an incremental edit adds a hazard, another removes it")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, ASYNC_FS)
        eq(diags, [], "diagnostics of the async version")
        c.change_incremental(uri, 2, c.range_of(uri, "await fs.promises.readFile"), "fs.readFileSync")
        eq(c.text(uri), SYNC_FS, "test mirror")
        diags = wait_publish(c, uri, version=2)["diagnostics"]
        eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path", "range": range_of(SYNC_FS, SYNC_FS_CALL)}]),
           "after the edit adding readFileSync")
        c.change_incremental(uri, 3, c.range_of(uri, "fs.readFileSync"), "await fs.promises.readFile")
        eq(wait_publish(c, uri, version=3)["diagnostics"], [], "after the edit removing it")
        eq(c.shutdown_exit(), 0, "exit code")


def _node_parses(texts):
    """Which texts V8 compiles as a script (None when node is missing): a text it accepts, the
    server's parser accepts too, so only there must a keystroke's findings equal a fresh open's."""
    node = shutil.which("node")
    if not node:
        return None
    prog = ("const vm=require('vm');let b='';process.stdin.on('data',d=>b+=d).on('end',()=>{"
            "console.log(JSON.stringify(JSON.parse(b).map(t=>{try{new vm.Script(t);return true}"
            "catch(e){return false}})))})")
    out = subprocess.run([node, "-e", prog], input=json.dumps(texts), capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout) if out.returncode == 0 else None


def _lsp_point(text, offset):
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


@case("edits: typing key by key publishes exactly what a fresh open of the same text does")
def _():
    # The server re-checks only the edited statements while a document is being typed in; each
    # publish must still equal the whole-file analysis of a fresh open, ranges and messages included
    # (the snippet goes before a finding on the same line, so that finding's columns move).
    text = open(os.path.join(REPO, "examples", "orders-service", "routes", "orders.js"), encoding="utf-8").read()
    snippet = "const data = require('fs').readFileSync(p); "
    at = text.index("const gitRev")
    with started() as c:
        uri, _ = open_and_wait(c, text)
        cur, version, states = text, 1, []
        for k in list(range(len(snippet))) + [None] + list(reversed(range(len(snippet)))):
            if k is None:
                continue
            version += 1
            typing = cur == text[:at] + snippet[:k] + text[at:]
            line, col = _lsp_point(cur, at + k)
            if typing:
                c.change_incremental(uri, version, (line, col, line, col), snippet[k])
                cur = cur[:at + k] + snippet[k] + cur[at + k:]
            else:
                c.change_incremental(uri, version, (line, col, line, col + 1), "")
                cur = cur[:at + k] + cur[at + k + 1:]
            eq(c.text(uri), cur, "test mirror")
            states.append((cur, wait_publish(c, uri, version=version)["diagnostics"]))
        eq(cur, text, "the snippet typed and erased")
        parses = _node_parses([t for t, _ in states]) or [t in (text, text[:at] + snippet + text[at:]) for t, _ in states]
        compared = 0
        for (t, got), ok in zip(states, parses):
            if not ok:
                continue
            other, fresh = open_and_wait(c, t)
            c.close_document(other)
            eq(canon(got), canon(fresh), "publish after a keystroke (%r) vs a fresh open" % t[at:at + len(snippet)])
            compared += 1
        check(compared >= 2, "only %d keystrokes left a text that parses" % compared)
        check(any(d["code"] == "sync-fs-in-hot-path" for _, ds in states for d in ds), "the typed hazard was never found")
        eq(c.shutdown_exit(), 0, "exit code")


@case("edits: several changes in one didChange, applied in order")
def _():
    with started(encodings=["utf-8"]) as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        t = SYNC_FS
        changes = [
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
             "text": "// header \U0001F680 \u00e9\n"},                          # shifts every line down
            # line 4 is now the flagged line: replace '/etc/hosts' (positions after change 1)
            {"range": range_of("// header \U0001F680 \u00e9\n" + t, "'/etc/hosts'", "utf-8"), "text": "'/etc/passwd'"},
        ]
        c.change(uri, 2, changes)
        mid = c.text(uri)
        line5 = position_of(mid, "  res.end(data);", "utf-8")
        c.change(uri, 3, [
            {"range": {"start": line5, "end": line5}, "text": "  const more = fs.statSync('/tmp');\n"},
            {"range": range_of(mid, "header", "utf-8"), "text": "HEADER"},
        ])
        text = c.text(uri)
        check("const more = fs.statSync('/tmp');" in text and "HEADER" in text, "test mirror")
        diags = wait_publish(c, uri, version=3)["diagnostics"]
        want = [{"code": "sync-fs-in-hot-path", "range": range_of(text, "fs.readFileSync('/etc/passwd', 'utf8')", "utf-8")},
                {"code": "sync-fs-in-hot-path", "range": range_of(text, "fs.statSync('/tmp')", "utf-8")}]
        eq(sorted(summarize(diags)), sorted(summarize(want)), "after two multi-change didChanges")
        # a full replacement followed by a range edit in the same didChange
        c.change(uri, 4, [{"text": ASYNC_FS},
                          {"range": range_of(ASYNC_FS, "await fs.promises.readFile", "utf-8"), "text": "fs.readFileSync"}])
        eq(c.text(uri), SYNC_FS, "test mirror")
        diags = wait_publish(c, uri, version=4)["diagnostics"]
        eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path", "range": range_of(SYNC_FS, SYNC_FS_CALL, "utf-8")}]),
           "after full text + range edit in one didChange")
        eq(c.shutdown_exit(), 0, "exit code")


def wait_log_message(c, needle, what, since=0):
    """The first window/logMessage containing `needle` among the messages received from index
    `since` on (c.received), waiting for it if it has not come yet."""
    def match(m):
        return m.get("method") == "window/logMessage" and needle in m.get("params", {}).get("message", "")
    for m in c.received[since:]:
        if match(m):
            return m["params"]
    try:
        return c.wait_for(match, timeout=10, what="window/logMessage with %r" % needle)["params"]
    except LspTimeout:
        raise Fail(what + ": no window/logMessage containing %r" % needle)


@case("edits: out-of-range edits are clamped; an inverted range unsynchronises the document until a full text")
def _():
    with started() as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        # character past the end of line 3: clamped to the end of that line's content (not its newline)
        c.change(uri, 2, [{"range": {"start": {"line": 3, "character": 2}, "end": {"line": 3, "character": 999}},
                           "text": "const data = fs.readFileSync('/etc/hosts', 'utf8'); const x = 1;"}])
        check(c.text(uri).splitlines()[4] == "  res.end(data);", "test mirror: %r" % c.text(uri))
        # a range entirely past the end of the document: clamped to the end
        c.change(uri, 3, [{"range": {"start": {"line": 999, "character": 0}, "end": {"line": 1200, "character": 7}},
                           "text": "function pump() {\n  process.nextTick(pump);\n}\n"}])
        text = c.text(uri)
        diags = wait_publish(c, uri, version=3)["diagnostics"]
        want = [{"code": "sync-fs-in-hot-path", "range": range_of(text, SYNC_FS_CALL)},
                {"code": "microtask-recursion", "range": range_of(text, "process.nextTick(pump)")}]
        eq(sorted(summarize(diags)), sorted(summarize(want)), "after clamped edits")
        # an inverted range cannot be applied: what the editor did with it is unknown, so the
        # document is unsynchronised — findings cleared, said in window/logMessage
        mark = len(c.received)
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4}, "contentChanges": [
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 3, "character": 0}},
             "text": "  fs.statSync('/inverted');\n"}]})
        eq(wait_publish(c, uri, version=4)["diagnostics"], [], "publish after an inverted range")
        wait_log_message(c, "out of sync", "inverted range", mark)
        # a later range edit applies to a text the server no longer knows: ignored, said again
        pos = position_of(text, "  res.end(data);")
        mark = len(c.received)
        c.change(uri, 5, [{"range": {"start": pos, "end": pos}, "text": "  const ok = 1;\n"}])
        eq(wait_publish(c, uri, version=5)["diagnostics"], [], "publish of an unsynchronised document")
        wait_log_message(c, "change(s) ignored", "range edit while unsynchronised", mark)
        eq(pull(c, uri), [], "pull of an unsynchronised document")
        rng = range_of(text, SYNC_FS_CALL)
        eq(c.hover(uri, rng["start"]["line"], rng["start"]["character"] + 2), None, "hover while unsynchronised")
        eq(c.code_action(uri, rng, diagnostics=[]), [], "code actions while unsynchronised")
        # a full-text change resynchronises; a range edit in the same didChange applies after it
        text = c.text(uri)
        end = position_of(text, "}).listen(3000);")
        c.change(uri, 6, [{"text": text}, {"range": {"start": end, "end": end}, "text": "fs.statSync('/z');\n"}])
        text = c.text(uri)
        diags = wait_publish(c, uri, version=6)["diagnostics"]
        want = [{"code": "sync-fs-in-hot-path", "range": range_of(text, SYNC_FS_CALL)},
                {"code": "microtask-recursion", "range": range_of(text, "process.nextTick(pump)")},
                {"code": "sync-fs-in-hot-path", "range": range_of(text, "fs.statSync('/z')")}]
        eq(sorted(summarize(diags)), sorted(summarize(want)), "after a full-text change")
        eq(canon(pull(c, uri)), canon(diags), "pulled vs pushed")
        # full-text comparison: replace the whole document by range (0,0)-(end) with itself plus a
        # marker; if the server's text differed from ours, the ranges would not line up
        end = offset_to_position(text, len(text))
        c.change(uri, 7, [{"range": {"start": {"line": 0, "character": 0}, "end": end},
                           "text": text + "const tail = fs.existsSync('/x');\n"}])
        text = c.text(uri)
        items = pull(c, uri)
        eq(sorted(summarize(items)), sorted(summarize(want)), "after replacing the whole text by range")
        check(c.proc.poll() is None, "server exited")
        eq(c.shutdown_exit(), 0, "exit code")


@case("edits: a change whose version is not newer is ignored")
def _():
    with started() as c:
        uri, _ = open_and_wait(c, SYNC_FS, version=5)
        for v in (5, 4, 0):
            c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": v},
                                                "contentChanges": [{"text": ASYNC_FS}]})
        eq(summarize(pull(c, uri)), summarize([{"code": "sync-fs-in-hot-path", "range": range_of(SYNC_FS, SYNC_FS_CALL)}]),
           "pull after stale changes (must still be the original text)")
        # a valid incremental change computed on the original text
        pos = position_of(SYNC_FS, "  res.end(data);")
        c.change(uri, 6, [{"range": {"start": pos, "end": pos}, "text": "  fs.statSync('/y');\n"}])
        text = c.text(uri)
        diags = wait_publish(c, uri, version=6)["diagnostics"]
        want = [{"code": "sync-fs-in-hot-path", "range": range_of(text, SYNC_FS_CALL)},
                {"code": "sync-fs-in-hot-path", "range": range_of(text, "fs.statSync('/y')")}]
        eq(sorted(summarize(diags)), sorted(summarize(want)), "after version 6")
        for params in c.diagnostics_history[uri]:
            check(params.get("version") in (5, 6), "published with version %r" % params.get("version"))
        eq(c.shutdown_exit(), 0, "exit code")


@case("edits: full-sync changes")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, SYNC_FS)
        eq(len(diags), 1, "diagnostics on open")
        c.change_full(uri, 2, ASYNC_FS)
        eq(wait_publish(c, uri, version=2)["diagnostics"], [], "after full change to the async version")
        c.change_full(uri, 3, THREE_SEVERITIES)
        diags = wait_publish(c, uri, version=3)["diagnostics"]
        eq(sorted(d["code"] for d in diags), ["microtask-recursion", "sync-fs-in-hot-path", "sync-fs-in-hot-path"],
           "after full change to another text")
        eq(c.shutdown_exit(), 0, "exit code")


@case("documents: didClose clears diagnostics; didSave; reopen")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, SYNC_FS)
        eq(len(diags), 1, "diagnostics on open")
        c.save(uri)
        alive(c, "after didSave")
        c.close_document(uri)
        params = wait_publish(c, uri)
        eq(params["diagnostics"], [], "publish after didClose")
        expect_error(c, "textDocument/diagnostic", {"textDocument": {"uri": uri}}, -32602, "pull after didClose")
        uri2, diags = open_and_wait(c, SYNC_FS, uri=uri, version=1)
        eq(len(diags), 1, "diagnostics after reopening")
        eq(c.shutdown_exit(), 0, "exit code")


@case("documents: any languageId is checked")
def _():
    with started() as c:
        uri = new_uri(ext=".txt")
        c.open(uri, SYNC_FS, language_id="plaintext")
        diags = wait_publish(c, uri, version=1)["diagnostics"]
        eq(summarize(diags), summarize([{"code": "sync-fs-in-hot-path", "range": range_of(SYNC_FS, SYNC_FS_CALL)}]),
           "diagnostics of a plaintext document")
        eq(c.shutdown_exit(), 0, "exit code")


@case("diagnostics: pull (textDocument/diagnostic) equals the pushed items")
def _():
    for encoding in ("utf-16", "utf-8"):
        with started(encodings=[encoding]) as c:
            for text in (SYNC_FS, THREE_SEVERITIES, emoji_text("\r\n"), ASYNC_FS):
                uri, diags = open_and_wait(c, text)
                eq(canon(pull(c, uri)), canon(diags), "pulled vs pushed (%s)" % encoding)
            eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# hover


def hover_text(result, what):
    check(isinstance(result, dict) and "contents" in result, what + ": hover result %s" % _short(result))
    contents = result["contents"]
    check(isinstance(contents, dict) and contents.get("kind") == "markdown",
          what + ": contents is not MarkupContent markdown: %s" % _short(contents))
    return contents["value"]


@case("hover: flagged range shows title, id, message, think/actually, fix, chapter link, trap")
def _():
    with started() as c:
        for text, rule, needle in ((SYNC_FS, "sync-fs-in-hot-path", SYNC_FS_CALL),
                                   (NEXT_TICK, "microtask-recursion", "process.nextTick(pump)"),
                                   (LISTENER, "listener-leak", LISTENER_CALL)):
            uri, diags = open_and_wait(c, text)
            d = by_rule(diags, rule)
            check(d, "%s not reported: %s" % (rule, _short(summarize(diags))))
            rng = range_of(text, needle)
            meta = rule_meta(rule)
            for k in (0, 5, len(needle) - 1):
                value = hover_text(c.hover(uri, rng["start"]["line"], rng["start"]["character"] + k),
                                   "%s hover at +%d" % (rule, k))
                for piece in (meta["title"], rule, d[0]["message"], "What ran where", "What developers think",
                              "What actually happens", "Fix", "Interview trap",
                              meta["chapter"].split("/", 1)[1]):
                    check(piece in value, "%s hover lacks %r: %s" % (rule, piece, _short(value, 300)))
                for field in (meta["think"], meta["actually"], meta["trap"]["question"]):
                    words = " ".join(field.split()[:5])
                    check(words in value, "%s hover lacks %r" % (rule, words))
        eq(c.shutdown_exit(), 0, "exit code")


@case("hover: elsewhere is null")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, SYNC_FS)
        for line, ch in ((0, 0), (0, 10), (1, 5), (4, 4), (5, 0), (3, 2), (6, 0)):
            eq(c.hover(uri, line, ch), None, "hover at %d:%d" % (line, ch))
        uri2, diags = open_and_wait(c, ASYNC_FS)
        p = position_of(ASYNC_FS, "readFile")
        eq(c.hover(uri2, p["line"], p["character"]), None, "hover on a clean document")
        eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# code actions


def actions_for(c, uri, diag):
    result = c.code_action(uri, diag["range"], diagnostics=[diag])
    check(isinstance(result, list), "codeAction result is not a list: %s" % _short(result))
    for a in result:
        check("edit" in a and "kind" in a, "code action without edit/kind: %s" % _short(a))
        eq(a["kind"], "quickfix", "code action kind")
        changes = a["edit"].get("changes")
        check(isinstance(changes, dict) and list(changes) == [uri],
              "WorkspaceEdit.changes not keyed by the document uri: %s" % _short(a["edit"]))
        attached = a.get("diagnostics") or []
        check(any(x.get("code") == diag["code"] and x.get("range") == diag["range"] for x in attached),
              "code action %r does not carry its diagnostic" % a.get("title"))
    return result


def apply_action(c, uri, action):
    return apply_text_edits(c.text(uri), action["edit"]["changes"][uri], c.position_encoding)


def find_preferred(actions, what):
    preferred = [a for a in actions if a.get("isPreferred")]
    check(len(preferred) == 1, "%s: expected one preferred fix, got %s" % (what, _short([a.get("title") for a in actions])))
    return preferred[0]


def find_by_text(c, uri, actions, marker, what):
    hits = [a for a in actions if any(marker in e["newText"] for e in a["edit"]["changes"][uri])]
    check(len(hits) == 1, "%s: expected one action inserting %r, got %s"
          % (what, marker, _short([a.get("title") for a in actions])))
    return hits[0]


def resend_and_check(c, uri, new_text, rule, version, still=()):
    c.change_full(uri, version, new_text)
    diags = wait_publish(c, uri, version=version)["diagnostics"]
    check(not by_rule(diags, rule), "%s still reported after applying the fix: %s" % (rule, _short(summarize(diags))))
    for r in still:
        check(by_rule(diags, r), "%s disappeared too" % r)
    return diags


def _fix_case(text, rule, needle, expected_fragment, encodings=None, uri_ext=".js"):
    with started(encodings=encodings) as c:
        uri, diags = open_and_wait(c, text, uri=new_uri(ext=uri_ext))
        d = [x for x in by_rule(diags, rule) if x["range"] == range_of(text, needle, c.position_encoding)]
        check(d, "%s not reported at %r: %s" % (rule, needle, _short(summarize(diags))))
        action = find_preferred(actions_for(c, uri, d[0]), rule)
        new_text = apply_action(c, uri, action)
        check(expected_fragment in new_text, "%s fix: %r not in the fixed text:\n%s" % (rule, expected_fragment, new_text))
        eq(new_text.replace(expected_fragment, "\0"), text.replace(needle, "\0"), "%s fix touched only the call" % rule)
        resend_and_check(c, uri, new_text, rule, 2)
        eq(c.shutdown_exit(), 0, "exit code")


@case("code actions: readFileSync in an async handler -> await fs.promises.readFile")
def _():
    _fix_case(SYNC_FS, "sync-fs-in-hot-path", SYNC_FS_CALL, "await fs.promises.readFile('/etc/hosts', 'utf8')")


@case("code actions: readFileSync(...).length -> (await fs.promises.readFile(...)).length")
def _():
    _fix_case(SYNC_FS_MEMBER, "sync-fs-in-hot-path", SYNC_FS_CALL,
              "(await fs.promises.readFile('/etc/hosts', 'utf8'))")


@case("code actions: readFileSync fix after emoji, edits applied in utf-8 and in utf-16")
def _():
    for encodings in (["utf-8"], None):
        _fix_case(emoji_text("\r\n"), "sync-fs-in-hot-path", EMOJI_CALL, "await fs.promises.readFile('/x')",
                  encodings=encodings)


@case("code actions: process.nextTick(self) -> setImmediate")
def _():
    _fix_case(NEXT_TICK, "microtask-recursion", "process.nextTick(pump)", "setImmediate(pump)")


@case("code actions: queueMicrotask(self) and Promise.resolve().then(self) -> setImmediate")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, MICROTASKS)
        eq(sorted(summarize(diags)), sorted(summarize([
            {"code": "microtask-recursion", "range": range_of(MICROTASKS, "queueMicrotask(drainQ)")},
            {"code": "microtask-recursion", "range": range_of(MICROTASKS, "Promise.resolve().then(poll)")}])),
           "diagnostics")
        text = MICROTASKS
        for needle, fixed in (("queueMicrotask(drainQ)", "setImmediate(drainQ)"),
                              ("Promise.resolve().then(poll)", "setImmediate(poll)")):
            d = [x for x in c.diagnostics[uri] if x["range"] == range_of(text, needle)]
            check(d, "no diagnostic at %r" % needle)
            new_text = apply_action(c, uri, find_preferred(actions_for(c, uri, d[0]), needle))
            eq(new_text, text.replace(needle, fixed), "text after the %r fix" % needle)
            version = c.versions[uri] + 1
            c.change_full(uri, version, new_text)
            diags = wait_publish(c, uri, version=version)["diagnostics"]
            check(not [x for x in diags if x["range"]["start"]["line"] == d[0]["range"]["start"]["line"]],
                  "still reported after the fix: %s" % _short(summarize(diags)))
            text = new_text
        eq(c.diagnostics[uri], [], "diagnostics after both fixes")
        eq(c.shutdown_exit(), 0, "exit code")


@case("code actions: one-shot .on -> .once")
def _():
    _fix_case(LISTENER, "listener-leak", LISTENER_CALL, "bus.once('price', (p) => res.end(String(p)))")


MIXED_FIXES = """const fs = require('fs');
const http = require('http');
const EventEmitter = require('events');
const bus = new EventEmitter();
http.createServer(async (req, res) => {
  const st = fs.statSync('/tmp');
  const ok = fs.existsSync('/tmp');
  bus.addListener('invalidate', () => res.end());
  await new Promise((resolve) => bus.on('ready', () => resolve()));
  bus.on('price', (p) => res.write(String(p)));
  res.end(String(st.size + ok));
}).listen(3000);
http.createServer((req, res) => {
  res.end(fs.readFileSync('/etc/hosts'));
}).listen(3001);
"""


@case("code actions: other *Sync twins, .addListener, resolve(); no mechanical fix where none is safe")
def _():
    t = MIXED_FIXES
    fixes = [("fs.statSync('/tmp')", "sync-fs-in-hot-path", "await fs.promises.stat('/tmp')"),
             ("bus.addListener('invalidate', () => res.end())", "listener-leak", "bus.once('invalidate', () => res.end())"),
             ("bus.on('ready', () => resolve())", "listener-leak", "bus.once('ready', () => resolve())")]
    no_fix = [("fs.existsSync('/tmp')", "sync-fs-in-hot-path", "existsSync has no fs.promises twin"),
              ("bus.on('price', (p) => res.write(String(p)))", "listener-leak", "the handler is not one-shot"),
              ("fs.readFileSync('/etc/hosts')", "sync-fs-in-hot-path", "the handler is not async")]
    with started() as c:
        uri, diags = open_and_wait(c, t)
        eq(sorted(summarize(diags)), sorted(summarize([{"code": r, "range": range_of(t, n)} for n, r, _ in fixes + no_fix])),
           "diagnostics")
        for needle, rule, why in no_fix:
            d = [x for x in diags if x["range"] == range_of(t, needle)][0]
            actions = actions_for(c, uri, d)
            check(not [a for a in actions if a.get("isPreferred")],
                  "%s: a preferred fix is offered although %s: %s" % (needle, why, _short([a.get("title") for a in actions])))
            for directive in ("looplens-ignore-next-line", "looplens-ignore-file"):
                find_by_text(c, uri, actions, directive, needle)
        version = 1
        for needle, rule, fixed in fixes:
            text = c.text(uri)
            d = [x for x in c.diagnostics[uri] if x["code"] == rule and x["range"] == range_of(text, needle)]
            check(d, "%s not reported at %r" % (rule, needle))
            new_text = apply_action(c, uri, find_preferred(actions_for(c, uri, d[0]), needle))
            eq(new_text, text.replace(needle, fixed), "text after the fix of %r" % needle)
            version += 1
            c.change_full(uri, version, new_text)
            diags = wait_publish(c, uri, version=version)["diagnostics"]
            check(not [x for x in diags if x["range"]["start"]["line"] == d[0]["range"]["start"]["line"]],
                  "still reported after the fix of %r: %s" % (needle, _short(summarize(diags))))
        eq(len(c.diagnostics[uri]), len(no_fix), "diagnostics left after the three fixes")
        eq(c.shutdown_exit(), 0, "exit code")


def _ignore_case(text, rule, needle, marker, encodings=None):
    """marker: 'line' or 'file'. Returns nothing; raises Fail."""
    with started(encodings=encodings) as c:
        uri, diags = open_and_wait(c, text)
        enc = c.position_encoding
        d = [x for x in by_rule(diags, rule) if x["range"] == range_of(text, needle, enc)]
        check(d, "%s not reported at %r: %s" % (rule, needle, _short(summarize(diags))))
        actions = actions_for(c, uri, d[0])
        directive = "looplens-ignore-next-line" if marker == "line" else "looplens-ignore-file"
        action = find_by_text(c, uri, actions, directive, "%s ignore-%s" % (rule, marker))
        new_text = apply_action(c, uri, action)
        old_lines, new_lines = lsp_lines(text), lsp_lines(new_text)
        eq(len(new_lines), len(old_lines) + 1, "ignore-%s inserts exactly one line" % marker)
        if marker == "line":
            at = d[0]["range"]["start"]["line"]
            indent = re.match(r"[ \t]*", old_lines[at]).group(0)
            pattern = re.escape(indent) + r"// looplens-ignore-next-line " + re.escape(rule) + r" -- \S.*"
            check(re.fullmatch(pattern, new_lines[at]), "inserted line %r does not match %r" % (new_lines[at], pattern))
            eq(new_lines[at + 1], old_lines[at], "the flagged line follows the directive")
        else:
            at = 1 if text.startswith("#!") else 0
            if at:
                eq(new_lines[0], old_lines[0], "shebang stays first")
            pattern = r"// looplens-ignore-file " + re.escape(rule) + r" -- \S.*"
            check(re.fullmatch(pattern, new_lines[at]), "inserted line %r does not match %r" % (new_lines[at], pattern))
        others = [x["code"] for x in diags if x["code"] != rule]
        version = 2
        c.change_full(uri, version, new_text)
        after = wait_publish(c, uri, version=version)["diagnostics"]
        if marker == "line":
            check(not [x for x in by_rule(after, rule) if x["range"]["start"]["line"] == d[0]["range"]["start"]["line"] + 1],
                  "still reported after ignore-line: %s" % _short(summarize(after)))
        else:
            check(not by_rule(after, rule), "still reported after ignore-file: %s" % _short(summarize(after)))
        eq(sorted(x["code"] for x in after if x["code"] != rule), sorted(others), "other rules unaffected")
        eq(c.shutdown_exit(), 0, "exit code")


@case("code actions: 'ignore this line' (spaces, tabs + CRLF + emoji in utf-8)")
def _():
    _ignore_case(SYNC_FS, "sync-fs-in-hot-path", SYNC_FS_CALL, "line")
    _ignore_case(emoji_text("\r\n"), "sync-fs-in-hot-path", EMOJI_CALL, "line", encodings=["utf-8"])
    _ignore_case(THREE_SEVERITIES, "microtask-recursion", "process.nextTick(pump)", "line")
    _ignore_case(LISTENER, "listener-leak", LISTENER_CALL, "line")


@case("code actions: 'ignore in this file' (with and without a shebang)")
def _():
    _ignore_case(SYNC_FS, "sync-fs-in-hot-path", SYNC_FS_CALL, "file")
    _ignore_case("#!/usr/bin/env node\n" + THREE_SEVERITIES, "microtask-recursion", "process.nextTick(pump)", "file")
    _ignore_case(emoji_text("\r"), "sync-fs-in-hot-path", EMOJI_CALL, "file", encodings=["utf-8"])


@case("code actions: none where nothing is flagged; found without client-sent diagnostics")
def _():
    with started() as c:
        uri, diags = open_and_wait(c, SYNC_FS)
        result = c.code_action(uri, ((0, 0), (0, 5)), diagnostics=[])
        check(result in (None, []), "code actions on an unflagged range: %s" % _short(result))
        rng = range_of(SYNC_FS, SYNC_FS_CALL)
        mid = {"line": rng["start"]["line"], "character": rng["start"]["character"] + 4}
        result = c.code_action(uri, {"start": mid, "end": mid}, diagnostics=[])
        check(isinstance(result, list) and any(a.get("isPreferred") for a in result),
              "no preferred fix for a cursor inside the flagged call with empty context.diagnostics: %s"
              % _short(result))
        eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# configuration

TWO_RULES = SYNC_FS + NEXT_TICK


def _workspace():
    ws = tempfile.mkdtemp(prefix="ws-", dir=TMP)
    os.makedirs(os.path.join(ws, "src", "deep"))
    doc = os.path.join(ws, "src", "deep", "app.js")
    with open(doc, "w", encoding="utf-8") as f:
        f.write(TWO_RULES)
    return ws, doc


def _write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def _sev(diags, rule):
    return [d["severity"] for d in by_rule(diags, rule)]


def _ws_client(ws):
    c = server()
    c.initialize(root_uri=path_uri(ws), workspace_folders=[{"uri": path_uri(ws), "name": "ws"}])
    return c


@case("config: .looplens.json turns a rule off; didChangeWatchedFiles re-publishes")
def _():
    ws, doc = _workspace()
    cfg = os.path.join(ws, ".looplens.json")
    _write(cfg, json.dumps({"rules": {"sync-fs-in-hot-path": "off"}}))
    with _ws_client(ws) as c:
        uri, diags = open_and_wait(c, TWO_RULES, uri=path_uri(doc))
        eq(_sev(diags, "sync-fs-in-hot-path"), [], "sync-fs with the rule off")
        eq(_sev(diags, "microtask-recursion"), [1], "microtask-recursion (unaffected)")
        steps = [(json.dumps({"rules": {"sync-fs-in-hot-path": "error"}}), 2, [1]),
                 (None, 3, [2]),                                              # deleted: defaults
                 (json.dumps({"rules": {"sync-fs-in-hot-path": "off", "microtask-recursion": "off"}}), 1, [])]
        for content, change_type, want in steps:
            if content is None:
                os.unlink(cfg)
            else:
                _write(cfg, content)
            c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": path_uri(cfg), "type": change_type}]})
            diags = wait_publish(c, uri)["diagnostics"]
            eq(_sev(diags, "sync-fs-in-hot-path"), want, "sync-fs severities after config change type %d" % change_type)
        eq(_sev(diags, "microtask-recursion"), [], "microtask-recursion off")
        eq(canon(pull(c, uri)), canon(diags), "pulled vs pushed")
        eq(c.shutdown_exit(), 0, "exit code")


@case("config: workspace/didChangeConfiguration re-checks open documents")
def _():
    ws, doc = _workspace()
    cfg = os.path.join(ws, ".looplens.json")
    _write(cfg, json.dumps({"rules": {"sync-fs-in-hot-path": "off"}}))
    with _ws_client(ws) as c:
        uri, diags = open_and_wait(c, TWO_RULES, uri=path_uri(doc))
        other = os.path.join(ws, "other.js")
        uri2, diags2 = open_and_wait(c, SYNC_FS, uri=path_uri(other))
        eq(_sev(diags, "sync-fs-in-hot-path") + _sev(diags2, "sync-fs-in-hot-path"), [], "with the rule off")
        _write(cfg, json.dumps({"rules": {"sync-fs-in-hot-path": "info"}}))
        c.did_change_configuration({})
        eq(_sev(wait_publish(c, uri)["diagnostics"], "sync-fs-in-hot-path"), [3], "app.js after didChangeConfiguration")
        eq(_sev(wait_publish(c, uri2)["diagnostics"], "sync-fs-in-hot-path"), [3], "other.js after didChangeConfiguration")
        eq(c.shutdown_exit(), 0, "exit code")


@case("config: nearest .looplens.json wins; one above the workspace root applies")
def _():
    ws, doc = _workspace()
    root_cfg = os.path.join(ws, ".looplens.json")
    near_cfg = os.path.join(ws, "src", "deep", ".looplens.json")
    _write(root_cfg, json.dumps({"rules": {"sync-fs-in-hot-path": "error"}}))
    # the workspace root is src/: the config in ws/ is above it
    root = os.path.join(ws, "src")
    with server() as c:
        c.initialize(root_uri=path_uri(root), workspace_folders=[{"uri": path_uri(root), "name": "src"}])
        uri, diags = open_and_wait(c, TWO_RULES, uri=path_uri(doc))
        eq(_sev(diags, "sync-fs-in-hot-path"), [1], "config above the workspace root")
        _write(near_cfg, json.dumps({"rules": {"sync-fs-in-hot-path": "info"}}))
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": path_uri(near_cfg), "type": 1}]})
        eq(_sev(wait_publish(c, uri)["diagnostics"], "sync-fs-in-hot-path"), [3], "nearest config (created)")
        os.unlink(near_cfg)
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": path_uri(near_cfg), "type": 3}]})
        eq(_sev(wait_publish(c, uri)["diagnostics"], "sync-fs-in-hot-path"), [1], "after deleting the nearest config")
        eq(c.shutdown_exit(), 0, "exit code")


def _cli_config_error(cfg, doc):
    proc = subprocess.run([EXE, "check", doc], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    m = re.search(r"\.looplens\.json:(\d+):(\d+)", proc.stderr.decode("utf-8", "replace"))
    check(m, "looplens check did not report the bad config: %r" % proc.stderr[:300])
    return "%s:%s:%s" % (os.path.basename(cfg), m.group(1), m.group(2))


def _wait_show_message(c, what):
    try:
        m = c.wait_for_notification("window/showMessage", timeout=5)
    except LspTimeout:
        raise Fail(what + ": no window/showMessage")
    return m["params"]


@case("config: malformed .looplens.json -> window/showMessage file:line:column, defaults used")
def _():
    ws, doc = _workspace()
    cfg = os.path.join(ws, ".looplens.json")
    bad = '{\n  "rules": {"sync-fs-in-hot-path": "off",}\n}\n'
    _write(cfg, json.dumps({"rules": {"sync-fs-in-hot-path": "off"}}))
    with _ws_client(ws) as c:
        uri, diags = open_and_wait(c, TWO_RULES, uri=path_uri(doc))
        eq(_sev(diags, "sync-fs-in-hot-path"), [], "with the rule off")
        _write(cfg, bad)
        where = _cli_config_error(cfg, doc)
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": path_uri(cfg), "type": 2}]})
        params = _wait_show_message(c, "malformed config after didChangeWatchedFiles")
        eq(params.get("type"), 1, "showMessage type")
        check(where in params.get("message", ""), "showMessage %r lacks %r" % (params.get("message"), where))
        diags = wait_publish(c, uri)["diagnostics"]
        eq(_sev(diags, "sync-fs-in-hot-path"), [2], "defaults used while the config is malformed")
        _write(cfg, json.dumps({"rules": {"sync-fs-in-hot-path": "error"}}))
        c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": path_uri(cfg), "type": 2}]})
        eq(_sev(wait_publish(c, uri)["diagnostics"], "sync-fs-in-hot-path"), [1], "after fixing the config")
        eq(c.shutdown_exit(), 0, "exit code")
    # malformed from the start: reported when the first document is checked
    ws, doc = _workspace()
    cfg = os.path.join(ws, ".looplens.json")
    _write(cfg, bad)
    where = _cli_config_error(cfg, doc)
    with _ws_client(ws) as c:
        c.open(path_uri(doc), TWO_RULES)
        params = _wait_show_message(c, "malformed config at open")
        eq(params.get("type"), 1, "showMessage type")
        check(where in params.get("message", ""), "showMessage %r lacks %r" % (params.get("message"), where))
        diags = wait_publish(c, path_uri(doc), version=1)["diagnostics"]
        eq(_sev(diags, "sync-fs-in-hot-path"), [2], "defaults used")
        eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# main


def preflight():
    """Returns None if `looplens lsp` answers initialize, else the reason."""
    if not os.path.isfile(EXE):
        return "server not available: %s does not exist (build it: ninja -C build)" % EXE
    if not os.access(EXE, os.X_OK):
        return "server not available: %s is not executable" % EXE
    return server_preflight(EXE)


def main(argv):
    global EXE, TMP, VERBOSE
    args = [a for a in argv[1:] if not a.startswith("-")]
    VERBOSE = "-v" in argv
    pattern = None
    if "-k" in argv:
        pattern = argv[argv.index("-k") + 1]
        args = [a for a in args if a != pattern]
    if not args:
        print("usage: test_protocol.py LOOPLENS [-k SUBSTRING] [-v]", file=sys.stderr)
        return 2
    EXE = os.path.abspath(args[0])
    TMP = tempfile.mkdtemp(prefix="looplens-lsp-test-")
    os.makedirs(os.path.join(TMP, "docs"))
    selected = [(n, f) for n, f in CASES if pattern is None or pattern in n]
    passed = failed = 0
    try:
        reason = preflight()
        if reason:
            print("FAIL server-available: %s" % reason)
            print("# %d protocol cases not run" % len(selected))
            print("0 passed, 1 failed")
            return 1
        for name, fn in selected:
            start = time.monotonic()
            try:
                fn()
            except Exception as e:  # noqa: BLE001 -- every failure is reported, the run goes on
                failed += 1
                msg = " | ".join(line for line in str(e).splitlines() if line.strip()) or type(e).__name__
                if not isinstance(e, (Fail, LspError)):
                    msg = "%s: %s" % (type(e).__name__, msg)
                print("FAIL %s: %s" % (name, msg[:1500]))
                if VERBOSE:
                    traceback.print_exc(file=sys.stdout)
                    for c in _CLIENTS[-1:]:
                        print("--- server stderr ---\n" + c.stderr_text[-3000:])
            else:
                passed += 1
                print("ok   %s%s" % (name, "  (%.1fs)" % (time.monotonic() - start) if VERBOSE else ""))
            finally:
                while _CLIENTS:
                    _CLIENTS.pop().close()
            sys.stdout.flush()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
