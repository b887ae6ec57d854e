#!/usr/bin/env python3
"""The language server does not drift from the editor, whatever the client sends or how slowly it
reads (docs/lsp.md: "Messages, output and document sync").

    python3 tests/lsp/test_hardening.py build/server/looplens [-k SUBSTRING] [-v]

Same harness and output as test_protocol.py (`ok name` / `FAIL name: reason`, then
`N passed, N failed`). Timeouts are generous: they only turn a hang into a failure.
"""

import json
import os
import select
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import test_protocol as tp  # noqa: E402  (the harness: server(), check(), eq(), main())
from lspclient import (LspClient, LspTimeout, frame, offset_to_position, range_of,  # noqa: E402
                       _FrameParser)
from test_protocol import (ASYNC_FS, SYNC_FS, SYNC_FS_CALL, Fail, canon, check, eq, open_and_wait, pull,  # noqa: E402
                           started, summarize, wait_log_message, wait_publish)

CASES = []


def case(name):
    def register(fn):
        CASES.append((name, fn))
        return fn
    return register


def send_escaped(c, message):
    """Sends a message with every non-ASCII character escaped (\\uXXXX), as editors whose strings
    are UTF-16 do: a lone surrogate can only travel that way."""
    c.send_raw(frame(json.dumps(message, ensure_ascii=True).encode("ascii")))


def change_escaped(c, uri, version, changes):
    """c.change, with the message sent escaped (the text may hold lone surrogates)."""
    text = c.documents[uri]
    for ch in changes:
        if "range" in ch:
            start = tp.position_to_offset(text, ch["range"]["start"], c.position_encoding)
            end = tp.position_to_offset(text, ch["range"]["end"], c.position_encoding)
            text = text[:start] + ch["text"] + text[end:]
        else:
            text = ch["text"]
    c.documents[uri], c.versions[uri] = text, version
    send_escaped(c, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                     "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}})


def expect_findings(c, uri, version, needles, what):
    """The publish for `version` flags exactly `needles` (rule, text) in the client's mirror."""
    diags = wait_publish(c, uri, version=version)["diagnostics"]
    text = c.text(uri)
    want = [{"code": rule, "range": range_of(text, needle, c.position_encoding)} for rule, needle in needles]
    eq(sorted(summarize(diags)), sorted(summarize(want)), what)
    eq(canon(pull(c, uri)), canon(diags), what + ": pulled vs pushed")
    return diags


# --------------------------------------------------------------------------------------------
# \u0000 and lone surrogates


# In the editor: a NUL, lone high and low surrogates (one UTF-16 unit each), an emoji (a pair),
# and the six characters \ud800 (an escaped backslash in JSON: not a surrogate at all).
ODD = "A\x00B\ud800C\udfffD\U0001F600E\\ud800F"


@case("sync: \\u0000 and lone surrogates in didOpen and didChange are kept; later positions line up")
def _():
    for encoding in ("utf-16", "utf-8"):
        with started(encodings=[encoding]) as c:
            eq(c.position_encoding, encoding, "negotiated encoding")
            uri = tp.new_uri()
            text = SYNC_FS.replace("  res.end(data);", "  const odd = '%s'; res.end(data + odd);" % ODD)
            c.documents[uri], c.versions[uri] = text, 1
            send_escaped(c, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "javascript", "version": 1, "text": text}}})
            expect_findings(c, uri, 1, [("sync-fs-in-hot-path", SYNC_FS_CALL)], "didOpen with odd characters")
            # a didChange inserting them before a call on the same line, then edits after them
            at = c.position_of(uri, "const data")
            change_escaped(c, uri, 2, [{"range": {"start": at, "end": at}, "text": "const o2 = '%s'; " % ODD}])
            expect_findings(c, uri, 2, [("sync-fs-in-hot-path", SYNC_FS_CALL)], "after a didChange holding them")
            c.change_incremental(uri, 3, c.range_of(uri, "'/etc/hosts'"), "'/etc/passwd'")
            call = "fs.readFileSync('/etc/passwd', 'utf8')"
            expect_findings(c, uri, 3, [("sync-fs-in-hot-path", call)], "an edit after them on their line")
            end = c.position_of(uri, "res.end(data + odd);", end=True)
            c.change_incremental(uri, 4, (end["line"], end["character"], end["line"], end["character"]),
                                 " fs.statSync(odd);")
            expect_findings(c, uri, 4, [("sync-fs-in-hot-path", call), ("sync-fs-in-hot-path", "fs.statSync(odd)")],
                            "an edit at the end of the second line holding them")
            r = c.range_of(uri, "fs.statSync(odd)")
            check(c.hover(uri, r["start"]["line"], r["start"]["character"] + 1) is not None,
                  "hover on the call after them")
            eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# unsynchronised documents


@case("sync: a didChange that cannot be parsed unsynchronises its document until a full text")
def _():
    with started() as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        other, _ = open_and_wait(c, SYNC_FS)
        mark = len(c.received)
        # invalid UTF-8 inside the JSON text: rejected whole by the JSON parser
        body = (b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":%s,'
                b'"version":2},"contentChanges":[{"text":"\xff\xfe"}]}}' % json.dumps(uri).encode())
        c.send_raw(frame(body))
        response = c.wait_response(None)
        eq(response.get("error", {}).get("code"), -32700, "parse error")
        eq(wait_publish(c, uri)["diagnostics"], [], "findings cleared")
        wait_log_message(c, "out of sync", "unparsable didChange", mark)
        c.change_incremental(uri, 3, c.range_of(uri, "'/etc/hosts'"), "'/x'")
        eq(wait_publish(c, uri, version=3)["diagnostics"], [], "range edit ignored while unsynchronised")
        eq(len(pull(c, other)), 1, "the other document is untouched")
        c.change_full(uri, 4, ASYNC_FS)
        expect_findings(c, uri, 4, [], "after a full text (async version)")
        c.change_incremental(uri, 5, c.range_of(uri, "await fs.promises.readFile"), "fs.readFileSync")
        expect_findings(c, uri, 5, [("sync-fs-in-hot-path", SYNC_FS_CALL)], "a range edit after resync")
        eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# message size cap


@case("framing: Content-Length 2^63 is answered with an error for its id; the next message is read")
def _():
    with started() as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        lying = json.dumps({"jsonrpc": "2.0", "id": 77, "method": "textDocument/diagnostic",
                            "params": {"textDocument": {"uri": uri}}}).encode()
        good = json.dumps({"jsonrpc": "2.0", "id": 78, "method": "textDocument/diagnostic",
                           "params": {"textDocument": {"uri": uri}}}).encode()
        c.send_raw(b"Content-Length: 9223372036854775808\r\n\r\n" + lying + frame(good))
        r77, r78 = c.wait_response(77, timeout=30), c.wait_response(78, timeout=30)
        eq(r77.get("error", {}).get("code"), -32600, "the refused request's error code")
        check("limit" in r77["error"].get("message", ""), "error message %r" % r77["error"])
        eq(len(r78.get("result", {}).get("items", [])), 1, "the next request's result")
        deadline = time.monotonic() + 10  # stderr is read on another thread
        while "9223372036854775808" not in c.stderr_text and time.monotonic() < deadline:
            time.sleep(0.05)
        check("9223372036854775808" in c.stderr_text, "framing error not logged")
        tp.alive(c)
        eq(c.shutdown_exit(), 0, "exit code")


@case("framing: a 65 MiB didChange is refused, its document unsynchronised; a 65 MiB didOpen too")
def _():
    with started(timeout=120) as c:
        uri, _ = open_and_wait(c, SYNC_FS)
        other, _ = open_and_wait(c, SYNC_FS)
        mark = len(c.received)
        big = "x" * (65 << 20)
        c.change_full(uri, 2, "// " + big)
        eq(wait_publish(c, uri, timeout=120)["diagnostics"], [], "findings cleared")
        wait_log_message(c, "out of sync", "65 MiB didChange", mark)
        eq(len(pull(c, other)), 1, "the other document is untouched")
        big_uri = tp.new_uri()
        c.open(big_uri, "// " + big)
        eq(wait_publish(c, big_uri, timeout=120)["diagnostics"], [], "a 65 MiB didOpen: nothing published")
        eq(pull(c, big_uri), [], "a 65 MiB didOpen: pull")
        del big
        c.change_full(uri, 3, SYNC_FS)
        expect_findings(c, uri, 3, [("sync-fs-in-hot-path", SYNC_FS_CALL)], "after a full text")
        eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# document size limit


def _size_case(max_size, text):
    args = [tp.EXE, "lsp"] + (["--max-size", str(max_size)] if max_size else [])
    c = LspClient(args, timeout=60)
    tp._CLIENTS.append(c)
    c.initialize()
    uri, diags = open_and_wait(c, text, timeout=60)
    limit = max_size or (4 << 20)
    eq(len(diags), 1, "one diagnostic for a document over the limit")
    d = diags[0]
    eq(d["range"], {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "notice range")
    eq((d.get("code"), d.get("source"), d.get("severity")), ("document-too-large", "looplens", 3), "notice fields")
    check(str(len(text.encode())) in d["message"] and str(limit) in d["message"], "notice message %r" % d["message"])
    eq(canon(pull(c, uri)), canon(diags), "pulled vs pushed")
    eq(c.hover(uri, 0, 0), None, "hover on the notice")
    eq(c.code_action(uri, d["range"], diagnostics=[d]), [], "code actions on the notice")
    return c, uri


@case("size limit: above --max-size one notice at 0:0, no analysis; edited below it, analysed")
def _():
    hazards = SYNC_FS + "\n".join("// padding line %d" % i for i in range(200)) + "\n"
    c, uri = _size_case(2000, hazards)
    # delete the padding: under the limit, analysed
    start = offset_to_position(hazards, len(SYNC_FS))
    end = offset_to_position(hazards, len(hazards))
    c.change_incremental(uri, 2, (start["line"], start["character"], end["line"], end["character"]), "")
    expect_findings(c, uri, 2, [("sync-fs-in-hot-path", SYNC_FS_CALL)], "edited below the limit")
    c.change_incremental(uri, 3, (start["line"], start["character"], start["line"], start["character"]), "/" * 3000)
    eq(summarize(wait_publish(c, uri, version=3)["diagnostics"]), [("document-too-large", 0, 0, 0, 0)],
       "edited above the limit again")
    eq(c.shutdown_exit(), 0, "exit code")


@case("size limit: 4 MiB by default, like looplens check (4 MiB + 1 byte is not analysed)")
def _():
    text = SYNC_FS + "/" * ((4 << 20) + 1 - len(SYNC_FS))
    c, _ = _size_case(None, text)
    eq(c.shutdown_exit(), 0, "exit code")


@case("memory bound: a document under --max-size with too many tokens, or a tree too big, is one notice")
def _():
    c = LspClient([tp.EXE, "lsp"], timeout=60)
    tp._CLIENTS.append(c)
    c.initialize()
    for text, words in (("[" * (2 << 20), "tokens"), ("a?a:" * 150000 + "a", "syntax tree")):
        uri, diags = open_and_wait(c, text, timeout=60)
        eq(len(diags), 1, "one notice for %s" % words)
        eq((diags[0].get("code"), diags[0]["range"]["start"]), ("document-too-large", {"line": 0, "character": 0}),
           "notice code and place")
        check("not analysed" in diags[0]["message"] and words in diags[0]["message"], "notice says why: %r" % diags[0]["message"])
        c.change_full(uri, 2, SYNC_FS)
        expect_findings(c, uri, 2, [("sync-fs-in-hot-path", SYNC_FS_CALL)], "then analysed again (%s)" % words)
    eq(c.shutdown_exit(), 0, "exit code")


# --------------------------------------------------------------------------------------------
# a client slow to read


class RawServer:
    """The server on pipes with nobody reading its output until read_all()."""

    def __init__(self):
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([tp.EXE, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err)

    def write_all(self, data, stall):
        """Writes `data` on a thread, 64 KiB at a time; False if the server takes nothing more for
        `stall` seconds (it stopped reading)."""
        done, progress = threading.Event(), [0]

        def run():
            try:
                for i in range(0, len(data), 1 << 16):
                    self.proc.stdin.write(data[i:i + (1 << 16)])
                    self.proc.stdin.flush()
                    progress[0] += 1
            except OSError:
                pass
            done.set()
        threading.Thread(target=run, daemon=True).start()
        seen = -1
        while not done.is_set():
            if progress[0] == seen:
                return False
            seen = progress[0]
            done.wait(stall)
        return True

    def read_all(self, timeout):
        """Every message until the server exits."""
        parser, out, deadline = _FrameParser(), [], time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while select.select([fd], [], [], max(0, deadline - time.monotonic()))[0]:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return out
            parser.feed(chunk)
            while True:
                m = parser.next()
                if m is None:
                    break
                out.append(m)
        raise Fail("the server's output did not end")

    def stderr_tail(self):
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace")[-1500:]

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.err.close()


@case("output: 2,000 messages sent without reading any answer: no deadlock, every request answered")
def _():
    uri = tp.new_uri()
    text, version, msgs, requests = SYNC_FS, 1, [], set()

    def request(rid, method, params):
        requests.add(rid)
        msgs.append({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})

    request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    msgs.append({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    msgs.append({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "javascript", "version": 1, "text": text}}})
    flagged = range_of(SYNC_FS, SYNC_FS_CALL)
    typed = "".join("function pump%d() { process.nextTick(pump%d); }\n" % (k, k) for k in range(30))
    for k in range(1000):  # one keystroke at the end, then one request: hover, code action, pull in turn
        end = offset_to_position(text, len(text))
        version += 1
        msgs.append({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": end, "end": end}, "text": typed[k]}]}})
        text += typed[k]
        rid = 100 + k
        if k % 3 == 0:
            request(rid, "textDocument/hover", {"textDocument": {"uri": uri}, "position": flagged["start"]})
        elif k % 3 == 1:
            request(rid, "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": flagged,
                                                      "context": {"diagnostics": []}})
        else:
            request(rid, "textDocument/diagnostic", {"textDocument": {"uri": uri}})
    request(2, "shutdown", None)
    msgs.append({"jsonrpc": "2.0", "method": "exit"})
    data = b"".join(frame(json.dumps(m).encode()) for m in msgs)
    s = RawServer()
    try:
        if not s.write_all(data, stall=60):
            raise Fail("the server stopped reading while its answers were unread (deadlock); stderr: %s"
                       % s.stderr_tail())
        out = s.read_all(timeout=600)
        eq(s.proc.wait(timeout=60), 0, "exit code")
    finally:
        s.close()
    answered = [m["id"] for m in out if "method" not in m]
    eq(len(answered), len(set(answered)), "one answer per request")
    eq(sorted(answered), sorted(requests), "ids answered")
    errors = [m for m in out if "error" in m]
    eq(errors, [], "error answers")
    hovers = [m for m in out if m.get("id") in range(100, 1100, 3)]
    check(all(m.get("result") for m in hovers), "a hover on the flagged call was empty")
    size = sum(len(json.dumps(m)) for m in out)
    check(size > 1 << 20, "the answers (%d bytes) would not have filled a pipe" % size)
    publishes = [m["params"] for m in out if m.get("method") == "textDocument/publishDiagnostics"]
    versions = [p["version"] for p in publishes]
    eq(versions, sorted(set(versions)), "published versions increase")
    check(len(publishes) < 1000, "%d publishes for 1000 changes: superseded ones were not dropped" % len(publishes))
    eq(versions[-1], version, "the last publish is for the last version")
    with started() as c:  # the final text, opened fresh
        _, fresh = open_and_wait(c, text)
    eq(canon(publishes[-1]["diagnostics"]), canon(fresh), "the last publish vs a fresh open of the final text")
    check(len([d for d in fresh if d["code"] == "microtask-recursion"]) >= 10, "the typed functions are not flagged")


if __name__ == "__main__":
    tp.CASES[:] = CASES
    sys.exit(tp.main(sys.argv))
