"""lspclient -- a small, dependency-free LSP test client (Python 3.8+, standard library only).

The test suite drives `looplens lsp` over pipes with it:

    with LspClient(["build/looplens", "lsp"]) as c:
        c.initialize(encodings=["utf-8", "utf-16"])
        c.open("file:///t.js", "fs.readFileSync(p)\\n")
        diags = c.wait_for_diagnostics("file:///t.js")
        assert diags[0]["range"] == range_of(c.text("file:///t.js"), "readFileSync",
                                             c.position_encoding)
        assert c.shutdown_exit() == 0

What it does:
  * frames messages correctly, optionally writing them in random or byte-sized chunks
    (`chunking=`) to exercise the server's framing, and sends raw bytes for malformed-input tests;
  * reads the server's messages on a background thread with a *strict* framing parser (exactly
    `Content-Length`, optional `Content-Type`, CRLF, UTF-8 JSON-RPC 2.0 bodies): any deviation is
    raised as `ProtocolError` on the next read, so tests check the server's output framing too;
  * matches responses to request ids, answers server-to-client requests (configuration,
    registerCapability, ...), collects `textDocument/publishDiagnostics` per URI;
  * every wait has a timeout (`LspTimeout`); a dead server raises `ServerExited` at once, with
    its exit code and the tail of its stderr.

Positions: `offset_to_position`, `position_to_offset`, `position_of` and `range_of` convert
between Python string indices and LSP positions in "utf-16", "utf-8" or "utf-32", independently
of the server, so tests can compute expected columns themselves. Lines break at "\\n", "\\r\\n" and
"\\r". Clamping matches looplens's textpos.h: a line past the end means the end of the text, a
character past the end of a line means the end of that line's content, a character inside a code
point (between UTF-16 surrogates, inside a UTF-8 sequence) rounds down to its start.
"""

import json
import os
import queue
import random
import subprocess
import threading
import time

__all__ = [
    "LspClient", "LspError", "LspTimeout", "ServerExited", "ProtocolError", "ResponseError",
    "frame", "encode_message", "offset_to_position", "position_to_offset", "position_of",
    "range_of", "units", "byte_offset_to_position", "make_range",
]

ENCODINGS = ("utf-16", "utf-8", "utf-32")


# --------------------------------------------------------------------------------------------
# errors


class LspError(Exception):
    """Base class of every error raised by this module."""


class LspTimeout(LspError, TimeoutError):
    """Nothing (or not the awaited message) arrived in time."""


class ServerExited(LspError):
    """The server closed its output or exited."""

    def __init__(self, message, returncode=None, stderr=""):
        super().__init__(message if not stderr else message + "\n--- server stderr (tail) ---\n" + stderr)
        self.returncode = returncode
        self.stderr = stderr


class ProtocolError(LspError):
    """The server wrote something that is not a correctly framed JSON-RPC 2.0 message."""


class ResponseError(LspError):
    """The server answered a request with an error object."""

    def __init__(self, method, error):
        self.method = method
        self.code = error.get("code")
        self.error_message = error.get("message")
        self.data = error.get("data")
        super().__init__("%s failed: %s %s" % (method, self.code, self.error_message))


# --------------------------------------------------------------------------------------------
# framing


def frame(body):
    """Frames raw body bytes: b"Content-Length: N\\r\\n\\r\\n" + body."""
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def encode_message(message):
    """Encodes a JSON-RPC message dict as a framed UTF-8 byte string (non-ASCII sent raw)."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return frame(body)


class _FrameParser:
    """Strict incremental parser for the server's output."""

    MAX_HEADER = 8192

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data

    def next(self):
        """Returns the next message dict, None when more bytes are needed; raises ProtocolError."""
        end = self.buf.find(b"\r\n\r\n")
        region = self.buf if end < 0 else self.buf[:end + 2]
        lf = region.find(b"\n")
        while lf >= 0:  # fail at once on a bare LF rather than wait for a CRLF that never comes
            if lf == 0 or region[lf - 1] != 0x0D:
                raise ProtocolError("bare LF in header: %r" % bytes(region[:80]))
            lf = region.find(b"\n", lf + 1)
        cr = region.find(b"\r")
        while 0 <= cr < len(region) - 1:
            if region[cr + 1] != 0x0A:
                raise ProtocolError("bare CR in header: %r" % bytes(region[:80]))
            cr = region.find(b"\r", cr + 1)
        if end < 0:
            if len(self.buf) > self.MAX_HEADER:
                raise ProtocolError("no end of header block in %d bytes: %r" % (len(self.buf), bytes(self.buf[:80])))
            return None
        header = bytes(self.buf[:end])
        length = None
        for line in header.split(b"\r\n"):
            if b"\n" in line or b"\r" in line:
                raise ProtocolError("bare CR or LF in header %r" % header)
            name, sep, value = line.partition(b":")
            if not sep:
                raise ProtocolError("header line without ':': %r" % line)
            key = name.decode("ascii", "replace").lower()
            value = value.strip(b" \t")
            if key == "content-length":
                if length is not None:
                    raise ProtocolError("duplicate Content-Length in %r" % header)
                if not value.isdigit():
                    raise ProtocolError("bad Content-Length %r" % value)
                length = int(value)
            elif key == "content-type":
                if b"utf-8" not in value.lower() and b"utf8" not in value.lower():
                    raise ProtocolError("unexpected Content-Type %r" % value)
            else:
                raise ProtocolError("unexpected header %r" % line)
        if length is None:
            raise ProtocolError("header block without Content-Length: %r" % header)
        start = end + 4
        if len(self.buf) < start + length:
            return None
        body = bytes(self.buf[start:start + length])
        del self.buf[:start + length]
        try:
            message = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise ProtocolError("body is not UTF-8 JSON (%s): %r" % (e, body[:200]))
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            raise ProtocolError("not a JSON-RPC 2.0 message: %r" % body[:200])
        return message


_EOF = object()


class _Failure:
    def __init__(self, error):
        self.error = error


# --------------------------------------------------------------------------------------------
# positions


def units(s, encoding="utf-16"):
    """Length of string `s` in code units of `encoding`."""
    return sum(_char_units(ch, encoding) for ch in s)


def _char_units(ch, encoding):
    cp = ord(ch)
    if 0xDC80 <= cp <= 0xDCFF:  # an undecodable byte kept by surrogateescape: one unit
        return 1
    if encoding == "utf-16":
        return 2 if cp > 0xFFFF else 1
    if encoding == "utf-8":
        return 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
    if encoding == "utf-32":
        return 1
    raise ValueError("unknown position encoding %r" % encoding)


def _lines(text):
    """[(start, content_end)] of each LSP line, as string indices."""
    out, start, i, n = [], 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" or ch == "\r":
            out.append((start, i))
            i += 2 if ch == "\r" and i + 1 < n and text[i + 1] == "\n" else 1
            start = i
        else:
            i += 1
    out.append((start, n))
    return out


def offset_to_position(text, offset, encoding="utf-16"):
    """LSP position of string index `offset` (clamped to the text; inside CRLF -> line end)."""
    offset = max(0, min(offset, len(text)))
    lines = _lines(text)
    line = 0
    for i, (start, _) in enumerate(lines):
        if start <= offset:
            line = i
    start, end = lines[line]
    return {"line": line, "character": units(text[start:min(offset, end)], encoding)}


def position_to_offset(text, position, encoding="utf-16"):
    """String index of LSP `position` (dict or (line, character)), clamped like the server."""
    line, character = _pos(position)
    lines = _lines(text)
    if line >= len(lines):
        return len(text)
    start, end = lines[line]
    count = 0
    for i in range(start, end):
        u = _char_units(text[i], encoding)
        if count + u > character:
            return i
        count += u
    return end


def position_of(text, needle, encoding="utf-16", occurrence=0, end=False):
    """LSP position of the start (or `end`) of the `occurrence`-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.find(needle, index + 1)
        if index < 0:
            raise ValueError("%r occurs fewer than %d times" % (needle, occurrence + 1))
    return offset_to_position(text, index + (len(needle) if end else 0), encoding)


def range_of(text, needle, encoding="utf-16", occurrence=0):
    """LSP range covering the `occurrence`-th `needle` in `text`."""
    return {"start": position_of(text, needle, encoding, occurrence),
            "end": position_of(text, needle, encoding, occurrence, end=True)}


def byte_offset_to_position(data, offset, encoding="utf-16"):
    """LSP position of byte `offset` in UTF-8 `data` (each invalid byte counts one unit)."""
    text = data.decode("utf-8", "surrogateescape")
    index, consumed = 0, 0
    while index < len(text):
        width = _char_units(text[index], "utf-8")
        if consumed + width > offset:
            break
        consumed += width
        index += 1
    return offset_to_position(text, index, encoding)


def make_range(start_line, start_character, end_line, end_character):
    """An LSP range dict."""
    return {"start": {"line": start_line, "character": start_character},
            "end": {"line": end_line, "character": end_character}}


def _pos(position):
    if isinstance(position, dict):
        return position["line"], position["character"]
    return position[0], position[1]


def _range(r):
    """Accepts a range dict, ((l, c), (l, c)) or (l, c, l, c)."""
    if isinstance(r, dict):
        return r
    if len(r) == 4:
        return make_range(*r)
    (l1, c1), (l2, c2) = _pos(r[0]), _pos(r[1])
    return make_range(l1, c1, l2, c2)


# --------------------------------------------------------------------------------------------
# client


class LspClient:
    """Runs an LSP server as a child process and talks to it over its stdin/stdout.

    chunking: None (one write per message), "random" (random chunk sizes), "bytewise", or an int
    (fixed chunk size); `chunk_delay` seconds are slept between chunks so that the server really
    sees separate reads. `settings` answers workspace/configuration requests (by section).
    """

    def __init__(self, cmd, cwd=None, env=None, chunking=None, chunk_delay=0.0, seed=0,
                 timeout=10.0, settings=None):
        self.cmd = list(cmd)
        self.timeout = timeout
        self.chunking = chunking
        self.chunk_delay = chunk_delay
        self.random = random.Random(seed)
        self.settings = dict(settings or {})
        self.position_encoding = "utf-16"
        self.server_capabilities = {}
        self.initialize_result = None
        self.received = []                 # every message, in arrival order
        self.notifications = []            # every notification
        self.server_requests = []          # every server-to-client request
        self.diagnostics = {}              # uri -> latest diagnostics list
        self.diagnostics_history = {}      # uri -> [publishDiagnostics params, ...]
        self.documents = {}                # uri -> client-side mirror of the text
        self.versions = {}                 # uri -> last version sent
        self.applied_edits = []            # workspace/applyEdit params
        self.handlers = {
            "workspace/configuration": self._on_configuration,
            "client/registerCapability": lambda params: None,
            "client/unregisterCapability": lambda params: None,
            "window/workDoneProgress/create": lambda params: None,
            "window/showMessageRequest": lambda params: None,
            "window/showDocument": lambda params: {"success": False},
            "workspace/workspaceFolders": lambda params: [],
            "workspace/applyEdit": self._on_apply_edit,
            "workspace/diagnostic/refresh": lambda params: None,
            "workspace/codeLens/refresh": lambda params: None,
            "workspace/inlayHint/refresh": lambda params: None,
            "workspace/semanticTokens/refresh": lambda params: None,
        }
        self._next_id = 1
        self._responses = {}
        self._answered = set()
        self._pending = {}                 # id -> method
        self._diag_seen = {}
        self._queue = queue.Queue()
        self._write_lock = threading.Lock()
        self._stderr = []
        self._closed = False
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=env, bufsize=0)
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        """Kills the server if it still runs and releases the pipes. Safe to call twice."""
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if f:
                    f.close()
            except OSError:
                pass
        self._reader.join(timeout=2)
        self._stderr_reader.join(timeout=2)

    @property
    def stderr_text(self):
        """Everything the server wrote to stderr so far."""
        return b"".join(self._stderr).decode("utf-8", "replace")

    def close_stdin(self):
        """Closes the server's input (EOF without exit)."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def wait_exit(self, timeout=None):
        """Closes stdin, waits for the server to exit and returns its exit code."""
        self.close_stdin()
        try:
            code = self.proc.wait(timeout=self._t(timeout))
        except subprocess.TimeoutExpired:
            raise LspTimeout("server did not exit within %.1fs" % self._t(timeout))
        self._reader.join(timeout=2)
        return code

    def shutdown_exit(self, timeout=None):
        """Sends shutdown (expects a null result), then exit; returns the server's exit code."""
        result = self.request("shutdown", None, timeout=timeout)
        if result is not None:
            raise ProtocolError("shutdown result must be null, got %r" % (result,))
        self.notify("exit")
        return self.wait_exit(timeout)

    # -- sending -------------------------------------------------------------------------------

    def send(self, message, chunking=None):
        """Frames and writes one JSON-RPC message dict."""
        self._write(encode_message(message), chunking)

    def send_raw(self, data, chunking=None):
        """Writes raw bytes as they are (for malformed-input tests)."""
        self._write(bytes(data), chunking)

    def notify(self, method, params=None, chunking=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message, chunking)

    def send_request(self, method, params=None, chunking=None):
        """Sends a request and returns its id without waiting."""
        request_id = self._next_id
        self._next_id += 1
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._pending[request_id] = method
        self.send(message, chunking)
        return request_id

    def request(self, method, params=None, timeout=None, chunking=None):
        """Sends a request, waits for its response and returns the result (ResponseError on error)."""
        request_id = self.send_request(method, params, chunking)
        response = self.wait_response(request_id, timeout)
        if "error" in response:
            raise ResponseError(method, response["error"])
        return response.get("result")

    def cancel(self, request_id):
        self.notify("$/cancelRequest", {"id": request_id})

    def _write(self, data, chunking):
        mode = self.chunking if chunking is None else chunking
        if mode is None or mode is False:
            pieces = [data]
        elif mode == "bytewise":
            pieces = [data[i:i + 1] for i in range(len(data))]
        elif mode == "random":
            pieces, i = [], 0
            while i < len(data):
                n = self.random.choice((1, 2, 3, 5, 8, 13, 64, 500, 4096))
                pieces.append(data[i:i + n])
                i += n
        elif isinstance(mode, int) and mode > 0:
            pieces = [data[i:i + mode] for i in range(0, len(data), mode)]
        else:
            raise ValueError("bad chunking %r" % (mode,))
        with self._write_lock:
            fd = self.proc.stdin.fileno()
            for k, piece in enumerate(pieces):
                view = memoryview(piece)
                while view:
                    try:
                        written = os.write(fd, view)
                    except (BrokenPipeError, ValueError, OSError) as e:
                        raise ServerExited("cannot write to the server: %s" % e,
                                           self.proc.poll(), self._stderr_tail())
                    view = view[written:]
                if self.chunk_delay and len(pieces) > 1 and k + 1 < len(pieces):
                    time.sleep(self.chunk_delay)

    # -- receiving -----------------------------------------------------------------------------

    def _read_stdout(self):
        parser = _FrameParser()
        fd = self.proc.stdout.fileno()
        try:
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    if parser.buf:
                        self._queue.put(_Failure(ProtocolError(
                            "server output ended inside a message: %r" % bytes(parser.buf[:200]))))
                    break
                parser.feed(chunk)
                while True:
                    message = parser.next()
                    if message is None:
                        break
                    self._queue.put(message)
        except ProtocolError as e:
            self._queue.put(_Failure(e))
        finally:
            self._queue.put(_EOF)

    def _read_stderr(self):
        fd = self.proc.stderr.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self._stderr.append(chunk)

    def _stderr_tail(self, n=2000):
        return self.stderr_text[-n:]

    def _t(self, timeout):
        return self.timeout if timeout is None else timeout

    def _next(self, deadline, waiting_for):
        """Takes one message off the queue, dispatches and returns it."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LspTimeout("timed out waiting for %s" % waiting_for)
        try:
            item = self._queue.get(timeout=remaining)
        except queue.Empty:
            raise LspTimeout("timed out waiting for %s" % waiting_for)
        if item is _EOF:
            self._queue.put(_EOF)  # every later read fails the same way
            try:
                code = self.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                code = None
            raise ServerExited("server closed its output while waiting for %s (exit code %r)"
                               % (waiting_for, code), code, self._stderr_tail())
        if isinstance(item, _Failure):
            self._queue.put(item)
            raise item.error
        self._dispatch(item)
        return item

    def _dispatch(self, message):
        self.received.append(message)
        method = message.get("method")
        if method is None:
            if "id" not in message:
                raise ProtocolError("message with neither method nor id: %r" % message)
            request_id = message["id"]
            if request_id is not None and request_id in self._answered:
                raise ProtocolError("second response to request id %r: %r" % (request_id, message))
            if request_id is not None:
                self._answered.add(request_id)
            self._pending.pop(request_id, None)
            self._responses[request_id] = message  # ids of raw requests are accepted too
        elif "id" in message:
            self.server_requests.append(message)
            self._answer(message)
        else:
            self.notifications.append(message)
            if method == "textDocument/publishDiagnostics":
                params = message.get("params", {})
                uri = params.get("uri")
                self.diagnostics[uri] = params.get("diagnostics", [])
                self.diagnostics_history.setdefault(uri, []).append(params)

    def _answer(self, request):
        handler = self.handlers.get(request["method"])
        reply = {"jsonrpc": "2.0", "id": request["id"]}
        if handler is None:
            reply["error"] = {"code": -32601, "message": "client does not handle " + request["method"]}
        else:
            try:
                reply["result"] = handler(request.get("params"))
            except ResponseError as e:
                reply["error"] = {"code": e.code, "message": e.error_message}
        self.send(reply)

    def _on_configuration(self, params):
        out = []
        for item in (params or {}).get("items", []):
            section = item.get("section")
            out.append(self.settings.get(section) if section else self.settings)
        return out

    def _on_apply_edit(self, params):
        self.applied_edits.append(params)
        return {"applied": True}

    def read_message(self, timeout=None):
        """Returns the next message from the server (it is also dispatched and recorded)."""
        return self._next(time.monotonic() + self._t(timeout), "any message")

    def wait_response(self, request_id, timeout=None):
        """Waits for the response to `request_id` and returns the whole response dict.
        Works for ids sent with send_raw too; `None` waits for an error response with a null id
        (what a server answers to a body it cannot parse)."""
        deadline = time.monotonic() + self._t(timeout)
        while request_id not in self._responses:
            self._next(deadline, "the response to request %r (%s)"
                       % (request_id, self._pending.get(request_id, "?")))
        return self._responses.pop(request_id)

    def wait_for(self, predicate, timeout=None, what="a matching message"):
        """Waits for the next *new* message satisfying `predicate(message)` and returns it."""
        deadline = time.monotonic() + self._t(timeout)
        while True:
            message = self._next(deadline, what)
            if predicate(message):
                return message

    def wait_for_notification(self, method, timeout=None):
        return self.wait_for(lambda m: m.get("method") == method and "id" not in m, timeout,
                             "notification " + method)

    def wait_for_diagnostics(self, uri, timeout=None, version=None):
        """Returns the diagnostics list of the first publishDiagnostics for `uri` not returned by
        an earlier call (optionally: the first one carrying `version`)."""
        deadline = time.monotonic() + self._t(timeout)
        while True:
            history = self.diagnostics_history.get(uri, [])
            seen = self._diag_seen.get(uri, 0)
            for i in range(seen, len(history)):
                if version is None or history[i].get("version") == version:
                    self._diag_seen[uri] = i + 1
                    return history[i].get("diagnostics", [])
            self._diag_seen[uri] = len(history)
            self._next(deadline, "publishDiagnostics for %s%s"
                       % (uri, "" if version is None else " version %d" % version))

    def drain(self, quiet=0.1):
        """Dispatches messages until none arrives for `quiet` seconds; returns how many."""
        n = 0
        while True:
            try:
                self._next(time.monotonic() + quiet, "quiet")
                n += 1
            except LspTimeout:
                return n

    # -- LSP helpers ---------------------------------------------------------------------------

    def initialize(self, encodings=None, capabilities=None, root_uri=None,
                   initialization_options=None, workspace_folders=None, timeout=None,
                   send_initialized=True):
        """initialize (+ initialized). `encodings` becomes general.positionEncodings.
        Returns the result and records server_capabilities and position_encoding."""
        caps = {
            "general": {},
            "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True},
                          "workspaceFolders": True, "applyEdit": True,
                          "diagnostics": {"refreshSupport": True}},
            "textDocument": {
                "synchronization": {"dynamicRegistration": False, "didSave": True},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True,
                                       "codeDescriptionSupport": True, "dataSupport": True},
                "diagnostic": {"dynamicRegistration": False, "relatedDocumentSupport": False},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": [
                    "", "quickfix", "refactor", "source", "source.fixAll"]}},
                    "isPreferredSupport": True, "dataSupport": True},
            },
            "window": {"workDoneProgress": True},
        }
        if encodings is not None:
            caps["general"]["positionEncodings"] = list(encodings)
        if capabilities:
            _merge(caps, capabilities)
        params = {"processId": os.getpid(), "clientInfo": {"name": "lspclient.py"},
                  "rootUri": root_uri, "capabilities": caps}
        if initialization_options is not None:
            params["initializationOptions"] = initialization_options
        if workspace_folders is not None:
            params["workspaceFolders"] = workspace_folders
        result = self.request("initialize", params, timeout=timeout)
        self.initialize_result = result
        self.server_capabilities = (result or {}).get("capabilities", {})
        self.position_encoding = self.server_capabilities.get("positionEncoding", "utf-16")
        if self.position_encoding not in ENCODINGS:
            raise ProtocolError("server chose unknown positionEncoding %r" % self.position_encoding)
        if encodings is not None and self.position_encoding != "utf-16" \
                and self.position_encoding not in encodings:
            raise ProtocolError("server chose %r which the client did not offer" % self.position_encoding)
        if send_initialized:
            self.notify("initialized", {})
        return result

    def open(self, uri, text, language_id="javascript", version=1):
        self.documents[uri] = text
        self.versions[uri] = version
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language_id, "version": version, "text": text}})

    def change(self, uri, version, changes):
        """Sends several content changes at once; mirrors them into documents[uri]."""
        text = self.documents.get(uri, "")
        for ch in changes:
            if "range" in ch:
                start = position_to_offset(text, ch["range"]["start"], self.position_encoding)
                end = position_to_offset(text, ch["range"]["end"], self.position_encoding)
                text = text[:start] + ch["text"] + text[max(start, end):]
            else:
                text = ch["text"]
        self.documents[uri] = text
        self.versions[uri] = version
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": list(changes)})

    def change_incremental(self, uri, version, range, text):
        """One range edit; `range` is a dict, ((l, c), (l, c)) or (l, c, l, c)."""
        self.change(uri, version, [{"range": _range(range), "text": text}])

    def change_full(self, uri, version, text):
        self.change(uri, version, [{"text": text}])

    def save(self, uri, include_text=False):
        params = {"textDocument": {"uri": uri}}
        if include_text:
            params["text"] = self.documents.get(uri, "")
        self.notify("textDocument/didSave", params)

    def close_document(self, uri):
        self.documents.pop(uri, None)
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def text(self, uri):
        """The client-side mirror of a document's text."""
        return self.documents[uri]

    def hover(self, uri, line, character, timeout=None):
        return self.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
            timeout=timeout)

    def code_action(self, uri, range, diagnostics=None, only=None, timeout=None):
        context = {"diagnostics": list(diagnostics or [])}
        if only is not None:
            context["only"] = list(only)
        return self.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": _range(range), "context": context},
            timeout=timeout)

    def pull_diagnostics(self, uri, previous_result_id=None, identifier=None, timeout=None):
        params = {"textDocument": {"uri": uri}}
        if previous_result_id is not None:
            params["previousResultId"] = previous_result_id
        if identifier is not None:
            params["identifier"] = identifier
        return self.request("textDocument/diagnostic", params, timeout=timeout)

    def did_change_configuration(self, settings):
        self.settings.update(settings)
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    # position helpers bound to the negotiated encoding
    def position_of(self, uri, needle, occurrence=0, end=False):
        return position_of(self.documents[uri], needle, self.position_encoding, occurrence, end)

    def range_of(self, uri, needle, occurrence=0):
        return range_of(self.documents[uri], needle, self.position_encoding, occurrence)


def _merge(into, extra):
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def preflight(exe):
    """None if `EXE lsp` answers initialize and shuts down cleanly, else the reason (for tests that
    should fail with a clear message when the server is missing or broken)."""
    c = LspClient([exe, "lsp"], timeout=10)
    try:
        c.initialize()
        c.shutdown_exit()
        return None
    except ServerExited:
        try:
            c.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001
            pass
        c._stderr_reader.join(timeout=2)  # close() would cut the stderr reader short
        return ("server not available: `%s lsp` exited (code %r) before answering initialize; stderr: %s"
                % (exe, c.proc.returncode, " ".join(c.stderr_text.split())[:300]))
    except LspError as e:
        return "server not available: `%s lsp` did not answer initialize: %s" % (exe, " ".join(str(e).split())[:300])
    finally:
        c.close()
