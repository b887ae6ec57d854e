#!/usr/bin/env python3
"""Self-test of lspclient.py against a tiny fake LSP server defined in this file.

    python3 tests/lsp/test_lspclient_selftest.py          # runs the tests (exit 0 = pass)
    python3 tests/lsp/test_lspclient_selftest.py --fake-server [--prefer-utf8] [--split-writes]

The fake server has its own framing parser (lenient, resynchronising on "Content-Length:") and
its own position arithmetic, written independently of the client, so the round trips below
check the client rather than mirror it.
"""

import json
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lspclient  # noqa: E402
from lspclient import (LspClient, LspTimeout, ProtocolError, ResponseError,  # noqa: E402
                       ServerExited, byte_offset_to_position, offset_to_position,
                       position_of, position_to_offset, range_of, units)


# --------------------------------------------------------------------------------------------
# the fake server (runs as a child process)


def _fake_units(s, enc):
    if enc == "utf-8":
        return len(s.encode("utf-8"))
    if enc == "utf-16":
        return len(s.encode("utf-16-le")) // 2
    return len(s)


def _fake_split(text):
    """Lines with their terminators, by regex (independent of lspclient._lines)."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    return [parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]


def _fake_index(text, pos, enc):
    lines = _fake_split(text)
    line, character = pos["line"], pos["character"]
    if line >= len(lines):
        return len(text)
    base = sum(len(x) for x in lines[:line])
    content = re.sub(r"(\r\n|\r|\n)$", "", lines[line])
    for k in range(len(content) + 1):
        if _fake_units(content[:k], enc) >= character:
            return base + k
    return base + len(content)


def _fake_position(text, index, enc):
    before = _fake_split(text[:index])
    last = before[-1]
    return {"line": len(before) - 1, "character": _fake_units(last, enc)}


def fake_server(argv):
    prefer_utf8 = "--prefer-utf8" in argv
    split_writes = "--split-writes" in argv
    stats = {"reads": 0, "messages": 0, "errors": 0}
    state = {"enc": "utf-16", "shutdown": False, "pending": {}}
    docs, versions = {}, {}

    def write(message):
        body = json.dumps(message).encode("utf-8")
        data = ("Content-Length: %d\r\n\r\n" % len(body)).encode("ascii") + body
        if not split_writes:
            os.write(1, data)
            return
        i = 0
        while i < len(data):
            n = 1 + (i * 7919) % 9
            os.write(1, data[i:i + n])
            i += n
            if i % 5 == 0:
                time.sleep(0.0002)

    def reply(request, result=None, error=None):
        message = {"jsonrpc": "2.0", "id": request["id"]}
        if error is not None:
            message["error"] = error
        else:
            message["result"] = result
        write(message)

    def diagnostics(uri):
        text = docs[uri]
        index = text.find("TODO")
        if index < 0:
            return []
        start = _fake_position(text, index, state["enc"])
        end = _fake_position(text, index + 4, state["enc"])
        return [{"range": {"start": start, "end": end}, "severity": 2, "source": "fake",
                 "code": "todo", "message": "TODO found"}]

    def publish(uri):
        write({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
               "params": {"uri": uri, "version": versions[uri], "diagnostics": diagnostics(uri)}})

    def handle(msg):
        method = msg.get("method")
        params = msg.get("params") or {}
        if method is None:  # a response to one of our requests
            original = state["pending"].pop(msg.get("id"), None)
            if original is not None:
                reply(original, msg.get("result"))
            return
        if method == "initialize":
            offered = params.get("capabilities", {}).get("general", {}).get("positionEncodings", [])
            if prefer_utf8 and "utf-8" in offered:
                state["enc"] = "utf-8"
            elif offered and offered[0] in ("utf-8", "utf-16", "utf-32"):
                state["enc"] = offered[0]
            reply(msg, {"capabilities": {
                "positionEncoding": state["enc"],
                "textDocumentSync": {"openClose": True, "change": 2},
                "hoverProvider": True, "codeActionProvider": True,
                "diagnosticProvider": {"interFileDependencies": False, "workspaceDiagnostics": False}},
                "serverInfo": {"name": "fake"}})
        elif method == "textDocument/didOpen":
            doc = params["textDocument"]
            docs[doc["uri"]], versions[doc["uri"]] = doc["text"], doc["version"]
            publish(doc["uri"])
        elif method == "textDocument/didChange":
            uri = params["textDocument"]["uri"]
            for change in params["contentChanges"]:
                text = docs[uri]
                if "range" in change:
                    a = _fake_index(text, change["range"]["start"], state["enc"])
                    b = _fake_index(text, change["range"]["end"], state["enc"])
                    docs[uri] = text[:a] + change["text"] + text[b:]
                else:
                    docs[uri] = change["text"]
            versions[uri] = params["textDocument"]["version"]
            publish(uri)
        elif method == "textDocument/hover":
            p = params["position"]
            reply(msg, {"contents": {"kind": "plaintext", "value": "hover %d:%d" % (p["line"], p["character"])}})
        elif method == "textDocument/codeAction":
            n = len(params.get("context", {}).get("diagnostics", []))
            reply(msg, [{"title": "fix %d" % n, "kind": "quickfix"}])
        elif method == "textDocument/diagnostic":
            reply(msg, {"kind": "full", "resultId": "r1", "items": diagnostics(params["textDocument"]["uri"])})
        elif method == "test/stats":
            reply(msg, dict(stats))
        elif method == "test/text":
            reply(msg, docs.get(params["uri"]))
        elif method == "test/echo":
            reply(msg, params)
        elif method == "test/noReply":
            pass
        elif method == "test/askConfig":
            state["pending"]["srv-1"] = msg
            write({"jsonrpc": "2.0", "id": "srv-1", "method": "workspace/configuration",
                   "params": {"items": [{"section": "looplens"}]}})
        elif method == "test/crash":
            os._exit(3)
        elif method == "test/fail":
            reply(msg, error={"code": -32603, "message": "boom"})
        elif method == "test/badFrame":
            os.write(1, b"Content-Length: 5\n\nhello")
        elif method == "shutdown":
            state["shutdown"] = True
            reply(msg, None)
        elif method == "exit":
            sys.exit(0 if state["shutdown"] else 1)
        elif "id" in msg:
            reply(msg, error={"code": -32601, "message": "unknown method " + method})

    buf = b""
    while True:
        data = os.read(0, 65536)
        if not data:
            sys.exit(1)  # EOF without exit
        stats["reads"] += 1
        buf += data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            length = None
            for line in buf[:end].split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length" and value.strip().isdigit():
                    length = int(value.strip())
            if length is None:  # resynchronise on the next Content-Length
                stats["errors"] += 1
                j = buf.lower().find(b"content-length:", 1)
                buf = buf[j:] if j >= 0 else b""
                continue
            if len(buf) < end + 4 + length:
                break
            body, buf = buf[end + 4:end + 4 + length], buf[end + 4 + length:]
            stats["messages"] += 1
            handle(json.loads(body.decode("utf-8")))


# --------------------------------------------------------------------------------------------
# tests

URI = "file:///tmp/fake/doc.js"


def spawn(*args, **kw):
    kw.setdefault("timeout", 10.0)
    return LspClient([sys.executable, os.path.abspath(__file__), "--fake-server"] + list(args), **kw)


class PositionHelpers(unittest.TestCase):
    def test_units_per_encoding(self):
        s = "a\u00e9\u20ac\U0001F600"
        self.assertEqual(units(s, "utf-16"), 5)
        self.assertEqual(units(s, "utf-8"), 10)
        self.assertEqual(units(s, "utf-32"), 4)

    def test_offset_to_position_astral_and_breaks(self):
        text = "ab\r\nx\U0001F600y\rz\n"
        self.assertEqual(offset_to_position(text, 6, "utf-16"), {"line": 1, "character": 3})
        self.assertEqual(offset_to_position(text, 6, "utf-8"), {"line": 1, "character": 5})
        self.assertEqual(offset_to_position(text, 6, "utf-32"), {"line": 1, "character": 2})
        self.assertEqual(offset_to_position(text, 3, "utf-16"), {"line": 0, "character": 2})  # inside CRLF
        self.assertEqual(offset_to_position(text, 8, "utf-16"), {"line": 2, "character": 0})  # after lone CR
        self.assertEqual(offset_to_position(text, 99, "utf-16"), {"line": 3, "character": 0})

    def test_position_to_offset_clamps_like_the_server(self):
        text = "a\U0001F600b\ncd"
        self.assertEqual(position_to_offset(text, (0, 1)), 1)
        self.assertEqual(position_to_offset(text, (0, 2)), 1)       # between surrogates: round down
        self.assertEqual(position_to_offset(text, (0, 3)), 2)
        self.assertEqual(position_to_offset(text, (0, 99)), 3)      # past line end: line end
        self.assertEqual(position_to_offset(text, (5, 0)), len(text))  # past last line: text end
        self.assertEqual(position_to_offset(text, {"line": 0, "character": 3}, "utf-8"), 1)

    def test_position_of_and_range_of(self):
        text = "x = 1; // TODO\n\U0001F600 TODO"
        self.assertEqual(position_of(text, "TODO", "utf-16", occurrence=1), {"line": 1, "character": 3})
        self.assertEqual(range_of(text, "TODO", "utf-8", occurrence=1),
                         {"start": {"line": 1, "character": 5}, "end": {"line": 1, "character": 9}})
        with self.assertRaises(ValueError):
            position_of(text, "TODO", occurrence=2)

    def test_byte_offsets_with_invalid_utf8(self):
        data = b"a\xe2\x82x\xf0\x9f\x98\x80!"
        self.assertEqual(byte_offset_to_position(data, 3, "utf-16"), {"line": 0, "character": 3})
        self.assertEqual(byte_offset_to_position(data, 8, "utf-16"), {"line": 0, "character": 6})
        self.assertEqual(byte_offset_to_position(data, 6, "utf-16"), {"line": 0, "character": 4})


class ClientAgainstFakeServer(unittest.TestCase):
    def test_initialize_hover_shutdown(self):
        with spawn() as c:
            result = c.initialize()
            self.assertEqual(result["serverInfo"]["name"], "fake")
            self.assertEqual(c.position_encoding, "utf-16")
            self.assertEqual(c.hover(URI, 3, 7), {"contents": {"kind": "plaintext", "value": "hover 3:7"}})
            self.assertEqual(c.shutdown_exit(), 0)

    def test_encoding_negotiation(self):
        with spawn("--prefer-utf8") as c:
            c.initialize(encodings=["utf-16", "utf-8"])
            self.assertEqual(c.position_encoding, "utf-8")
            self.assertEqual(c.shutdown_exit(), 0)

    def _diagnostics_follow_edits(self, c):
        text = "const a = 1;\r\n// \u00e9t\u00e9 TODO later\nlast\rline"
        c.open(URI, text)
        diags = c.wait_for_diagnostics(URI)
        self.assertEqual(diags[0]["range"], c.range_of(URI, "TODO"))
        # insert an emoji and an accent before TODO on its line, using the negotiated encoding
        at = c.position_of(URI, "TODO")
        c.change_incremental(URI, 2, (at, at), "\U0001F600\u00e9 ")
        diags = c.wait_for_diagnostics(URI, version=2)
        self.assertEqual(diags[0]["range"], c.range_of(URI, "TODO"))
        # delete across lines, from the middle of line 0 to the start of TODO
        c.change_incremental(URI, 3, ((0, 6), c.position_of(URI, "TODO")), "")
        diags = c.wait_for_diagnostics(URI, version=3)
        self.assertEqual(c.text(URI), "const TODO later\nlast\rline")
        self.assertEqual(diags[0]["range"], c.range_of(URI, "TODO"))
        self.assertEqual(c.request("test/text", {"uri": URI}), c.text(URI))
        c.change_full(URI, 4, "nothing here")
        self.assertEqual(c.wait_for_diagnostics(URI, version=4), [])
        self.assertEqual(c.diagnostics[URI], [])
        self.assertEqual([p["version"] for p in c.diagnostics_history[URI]], [1, 2, 3, 4])

    def test_diagnostics_follow_incremental_edits_utf16(self):
        with spawn() as c:
            c.initialize(encodings=["utf-16"])
            self._diagnostics_follow_edits(c)
            self.assertEqual(c.shutdown_exit(), 0)

    def test_diagnostics_follow_incremental_edits_utf8(self):
        with spawn("--prefer-utf8") as c:
            c.initialize(encodings=["utf-8", "utf-16"])
            self.assertEqual(c.position_encoding, "utf-8")
            self._diagnostics_follow_edits(c)
            self.assertEqual(c.shutdown_exit(), 0)

    def test_diagnostics_seen_while_waiting_for_a_response_are_kept(self):
        with spawn() as c:
            c.initialize()
            c.open(URI, "TODO")
            c.hover(URI, 0, 0)  # may dispatch the publish while waiting
            self.assertEqual(len(c.wait_for_diagnostics(URI)), 1)

    def test_chunked_writes_arrive_in_pieces(self):
        with spawn(chunking="random", chunk_delay=0.0005, seed=7) as c:
            c.initialize()
            for i in range(3):
                c.hover(URI, i, i)
            stats = c.request("test/stats")
            self.assertEqual(stats["errors"], 0)
            self.assertGreater(stats["reads"], 3 * stats["messages"])
            self.assertEqual(c.shutdown_exit(), 0)

    def test_bytewise_chunking(self):
        with spawn(chunking="bytewise") as c:
            c.initialize()
            self.assertEqual(c.hover(URI, 1, 2)["contents"]["value"], "hover 1:2")

    def test_server_writes_split_into_pieces(self):
        with spawn("--split-writes") as c:
            c.initialize()
            c.open(URI, "x TODO")
            self.assertEqual(c.wait_for_diagnostics(URI)[0]["range"], c.range_of(URI, "TODO"))
            self.assertEqual(c.request("test/echo", {"s": "\u00e9" * 3000}), {"s": "\u00e9" * 3000})
            self.assertEqual(c.shutdown_exit(), 0)

    def test_one_mib_echo_with_random_chunks(self):
        payload = {"text": ("fs.readFileSync(\U0001F600);\n" * 40000)[: 1 << 20]}
        with spawn(chunking="random", seed=3) as c:
            c.initialize()
            self.assertEqual(c.request("test/echo", payload, timeout=30), payload)

    def test_timeout_then_still_usable(self):
        with spawn() as c:
            c.initialize()
            t0 = time.monotonic()
            with self.assertRaises(LspTimeout):
                c.request("test/noReply", {}, timeout=0.3)
            elapsed = time.monotonic() - t0
            self.assertGreaterEqual(elapsed, 0.29)
            self.assertLess(elapsed, 3.0)
            self.assertEqual(c.hover(URI, 0, 1)["contents"]["value"], "hover 0:1")

    def test_read_message_timeout(self):
        with spawn() as c:
            with self.assertRaises(LspTimeout):
                c.read_message(timeout=0.2)

    def test_server_requests_are_answered(self):
        with spawn(settings={"looplens": {"severity": "warning"}}) as c:
            c.initialize()
            self.assertEqual(c.request("test/askConfig"), [{"severity": "warning"}])
            self.assertEqual(c.server_requests[0]["method"], "workspace/configuration")

    def test_raw_garbage_then_raw_request(self):
        with spawn() as c:
            c.initialize()
            c.send_raw(b"garbage without a header\r\n\r\n")
            body = json.dumps({"jsonrpc": "2.0", "id": "raw-1", "method": "test/echo", "params": [1]})
            c.send_raw(lspclient.frame(body.encode()), chunking="bytewise")
            self.assertEqual(c.wait_response("raw-1")["result"], [1])
            self.assertEqual(c.request("test/stats")["errors"], 1)

    def test_response_error(self):
        with spawn() as c:
            with self.assertRaises(ResponseError) as cm:
                c.request("test/fail")
            self.assertEqual(cm.exception.code, -32603)

    def test_bad_server_frame_is_a_protocol_error(self):
        with spawn() as c:
            with self.assertRaises(ProtocolError):
                c.request("test/badFrame", timeout=5)

    def test_crash_raises_server_exited_quickly(self):
        with spawn() as c:
            c.initialize()
            t0 = time.monotonic()
            with self.assertRaises(ServerExited) as cm:
                c.request("test/crash", timeout=10)
            self.assertLess(time.monotonic() - t0, 3.0)
            self.assertEqual(cm.exception.returncode, 3)
            with self.assertRaises(ServerExited):  # and stays that way
                c.read_message(timeout=1)

    def test_exit_without_shutdown(self):
        with spawn() as c:
            c.initialize()
            c.notify("exit")
            self.assertEqual(c.wait_exit(), 1)

    def test_eof_without_exit(self):
        with spawn() as c:
            self.assertEqual(c.wait_exit(), 1)

    def test_pull_diagnostics_and_code_action(self):
        with spawn() as c:
            c.initialize()
            c.open(URI, "a\nb TODO")
            pulled = c.pull_diagnostics(URI)
            self.assertEqual(pulled["kind"], "full")
            self.assertEqual(pulled["items"][0]["range"], c.range_of(URI, "TODO"))
            actions = c.code_action(URI, pulled["items"][0]["range"], diagnostics=pulled["items"])
            self.assertEqual(actions, [{"title": "fix 1", "kind": "quickfix"}])

    def test_context_manager_kills_a_running_server(self):
        c = spawn()
        with c:
            c.initialize()
        self.assertIsNotNone(c.proc.poll())


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--fake-server":
        fake_server(sys.argv[2:])
    else:
        unittest.main(verbosity=2)
