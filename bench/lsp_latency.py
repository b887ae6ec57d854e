#!/usr/bin/env python3
"""Figures for `looplens lsp` next to other JavaScript language servers (never pass/fail).

    bench/lsp-peers.sh                       # once: quick-lint-js, oxlint, ast-grep into bench/peers/
    python3 bench/lsp_latency.py             # everything, default settings (~10 min)
    python3 bench/lsp_latency.py --servers looplens,quick-lint-js --runs 7 --only latency
    python3 bench/lsp_latency.py --edit enter --only latency   # Enter / Backspace instead of typing
    python3 bench/lsp_latency.py --help      # every knob

A server that is missing or does not answer `initialize` is reported as SKIPPED in the header and
left out; the others still run. Three measurements, each printed as a table under a header that
repeats the exact command line, the machine's load and each server's version:

1. Typing latency. Each server gets the file with a blank, indented line added inside a function
   body (webpack lib/Compilation.js: `seal(callback) {`; nodemon lib/monitor/run.js: `function
   run(options) {`). The bench then types STATEMENT on that line one character at a time, deletes
   it with backspaces, and repeats: one `didChange` per keystroke, each with the next version
   (incremental range edits; a server that asks for full sync gets the whole text each time, as an
   editor would send it). For each keystroke it times from the write of the didChange to the
   arrival of the `publishDiagnostics` for that uri carrying that version (for a server that sends
   no version: the next one for the uri). Keystrokes are sequential, `--gap-ms` apart (the server
   is never given a backlog). The first `--warmup` keystrokes are not counted. A fresh server per
   run; runs are interleaved across servers and files (the order rotates each run) so that the
   machine's noise falls on all of them alike. Reported: p50 and p99 per run, their median over the
   runs and the spread (min-max), the pooled p50/p99/max, the server's CPU time per keystroke
   (steadier than wall time on a loaded machine), the same samples split by whether the document
   parses after the keystroke (node decides), and the costliest keystroke. With `--edit enter` the
   keystrokes are a line break inserted at that place and removed again (lines added and removed:
   every line number after it moves). Publishes that never come, come for an older version first,
   or come twice are counted and printed as notes.
2. Cold start: spawn -> `initialize` response, median of `--cold-runs`, interleaved.
3. Resident memory: VmRSS (process and its descendants) of a server after `initialize`, and
   after opening 1, 100 and 1,000 distinct ~500-line documents (nodemon's run.js cut at a
   top-level boundary, padded with a distinct generated function), read once the last
   document's `publishDiagnostics` has arrived; VmHWM is the peak.

The client is a minimal single-threaded one (select on the pipes, no reader thread, unlike
tests/lsp/lspclient.py) so that the time measured is the server's plus one pipe round trip. It
does not advertise pull diagnostics (`textDocument.diagnostic`): a server that sees it may stop
pushing. Answers to server requests read while a large message is being written are held back
until that message is complete.
"""

import argparse
import json
import os
import platform
import select
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.environ.get("LOOPLENS_CORPUS") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "looplens", "corpus")
DEFAULT_PEERS = os.path.join(ROOT, "bench", "peers")

# Valid in any function (no `await`: neither target function is async), so that many of the
# intermediate states parse, as they do when one types; one keystroke per character, then backspaces.
STATEMENT = "const data = fs.readFileSync(path.join(dir, name), 'utf8');"

# name -> (path relative to the corpus, a line that opens a function body; the typing goes on a
# new line right after it)
FILES = {
    "webpack": ("webpack/lib/Compilation.js", "\tseal(callback) {"),
    "nodemon": ("nodemon/lib/monitor/run.js", "function run(options) {"),
}


def server_specs(args):
    peers = args.peers
    nm = os.path.join(peers, "node_modules")
    return {
        "looplens": {
            "cmd": [args.looplens, "lsp"],
            "missing": "build it (the lead compiles: build/server/looplens)",
        },
        "quick-lint-js": {
            "cmd": [os.path.join(nm, "quick-lint-js", "quick-lint-js.exe"), "--lsp-server"],
            "version_cmd": ["--version"],
            "missing": "run bench/lsp-peers.sh",
        },
        "oxlint": {
            "cmd": [os.path.join(nm, ".bin", "oxlint"), "--lsp"],
            "version_cmd": ["--version"],
            "missing": "run bench/lsp-peers.sh",
        },
        "ast-grep": {
            "cmd": [os.path.join(nm, ".bin", "ast-grep"), "lsp"],
            "version_cmd": ["--version"],
            # ast-grep's server needs a project: sgconfig.yml + rule dir (written by lsp-peers.sh)
            "root": os.path.join(peers, "ast-grep"),
            "needs": os.path.join(peers, "ast-grep", "sgconfig.yml"),
            "missing": "run bench/lsp-peers.sh",
        },
    }


# --------------------------------------------------------------------------------------------
# a minimal LSP client


class ServerError(Exception):
    pass


LIVE = set()   # servers not yet killed: main() kills what is left, also on SIGTERM / ^C


class Server:
    """One language server process on pipes. All reads happen in the calling thread."""

    def __init__(self, name, spec, root):
        self.name = name
        self.root = root
        self.stderr = tempfile.TemporaryFile()
        self.t_spawn = time.perf_counter()
        try:
            self.proc = subprocess.Popen(spec["cmd"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.stderr, cwd=spec.get("root") or root, bufsize=0,
                                         start_new_session=True)
        except OSError as e:
            raise ServerError("%s: cannot start %s: %s" % (name, shlex.join(spec["cmd"]), e))
        LIVE.add(self)
        self.fd_in = self.proc.stdin.fileno()
        self.fd_out = self.proc.stdout.fileno()
        os.set_blocking(self.fd_in, False)
        os.set_blocking(self.fd_out, False)
        self.buf = bytearray()
        self.ready = []          # [(arrival time, message)], oldest first
        self.next_id = 1
        self.writing = False
        self.outbox = []         # replies to send once the message being written is complete
        self.sync_kind = 2
        self.init_result = None
        self.closed = False

    # -- plumbing ------------------------------------------------------------------------------

    def stderr_tail(self, n=1500):
        try:
            self.stderr.seek(0)
            data = self.stderr.read()
        except (OSError, ValueError):
            return ""
        return data.decode("utf-8", "replace")[-n:].strip()

    def _dead(self, what):
        try:
            code = self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        tail = self.stderr_tail()
        raise ServerError("%s: %s (exit code %s)%s" % (
            self.name, what, code, ("\n    stderr: " + tail.replace("\n", "\n    ")) if tail else ""))

    def _pump(self, timeout):
        """Waits up to `timeout` s for output; parses whatever arrived. False on timeout."""
        r, _, _ = select.select([self.fd_out], [], [], max(0.0, timeout))
        if not r:
            return False
        self._read_available()
        return True

    def _read_available(self):
        try:
            chunk = os.read(self.fd_out, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        t = time.perf_counter()
        if not chunk:
            self._dead("closed its output")
        self.buf += chunk
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            length = None
            for line in bytes(self.buf[:end]).split(b"\r\n"):
                key, _, value = line.partition(b":")
                if key.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length is None:
                raise ServerError("%s: header without Content-Length: %r"
                                  % (self.name, bytes(self.buf[:200])))
            if len(self.buf) < end + 4 + length:
                return
            body = bytes(self.buf[end + 4:end + 4 + length])
            del self.buf[:end + 4 + length]
            message = json.loads(body)
            if "method" in message and "id" in message:
                self._answer(message)
            else:
                self.ready.append((t, message))

    def send(self, message):
        """Writes one message (reading meanwhile if the pipe is full). Returns the time just
        before the first byte was written."""
        t0 = self._write(message)
        # answers to server requests read while writing go out after the message, never inside it
        while self.outbox:
            self._write(self.outbox.pop(0))
        return t0

    def _write(self, message):
        body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = memoryview(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.writing = True
        t0 = time.perf_counter()
        deadline = t0 + 30
        while data:
            try:
                n = os.write(self.fd_in, data)
                data = data[n:]
                continue
            except BlockingIOError:
                pass
            except (BrokenPipeError, OSError) as e:
                self._dead("cannot write to it: %s" % e)
            if time.perf_counter() > deadline:
                self._dead("has not read its input for 30 s")
            r, _, _ = select.select([self.fd_out], [self.fd_in], [], 1)
            if r:
                self._read_available()
        self.writing = False
        return t0

    def _answer(self, request):
        method = request.get("method")
        result = None
        if method == "workspace/configuration":
            result = [None for _ in (request.get("params") or {}).get("items", [])]
        elif method == "workspace/workspaceFolders":
            result = [{"uri": path_uri(self.root), "name": "bench"}]
        reply = {"jsonrpc": "2.0", "id": request["id"], "result": result}
        if self.writing:
            self.outbox.append(reply)
        else:
            self.send(reply)

    def next_message(self, deadline):
        """(arrival time, message) of the next message, or None once `deadline` has passed."""
        while not self.ready:
            if not self._pump(deadline - time.perf_counter()):
                if time.perf_counter() >= deadline:
                    return None
        return self.ready.pop(0)

    def request(self, method, params, timeout):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        deadline = time.perf_counter() + timeout
        while True:
            item = self.next_message(deadline)
            if item is None:
                self._dead("no answer to %s within %g s" % (method, timeout))
            t, m = item
            if m.get("id") == rid and "method" not in m:
                if "error" in m:
                    raise ServerError("%s: %s failed: %s" % (self.name, method, m["error"]))
                return t, m.get("result")

    def notify(self, method, params):
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    # -- LSP -----------------------------------------------------------------------------------

    def initialize(self, timeout):
        root_uri = path_uri(self.root)
        t, result = self.request("initialize", {
            "processId": os.getpid(),
            "clientInfo": {"name": "looplens-bench"},
            "rootPath": self.root,
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "bench"}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"configuration": True, "workspaceFolders": True},
                "textDocument": {
                    "synchronization": {"dynamicRegistration": False, "didSave": True},
                    "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
                },
            },
        }, timeout)
        self.init_result = result or {}
        sync = self.init_result.get("capabilities", {}).get("textDocumentSync", 2)
        if isinstance(sync, dict):
            sync = sync.get("change", 2)
        self.sync_kind = sync if sync in (1, 2) else 2
        self.notify("initialized", {})
        return t

    def server_info(self):
        info = self.init_result.get("serverInfo") or {}
        return " ".join(x for x in (info.get("name"), info.get("version")) if x)

    def open(self, uri, text, version=1):
        return self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "javascript", "version": version, "text": text}})

    def close(self, timeout=2.0):
        """shutdown + exit, then kill the process group if it is still there."""
        if self.closed:
            return
        self.closed = True
        try:
            if self.proc.poll() is None:
                rid = self.next_id
                self.next_id += 1
                self.send({"jsonrpc": "2.0", "id": rid, "method": "shutdown"})
                deadline = time.perf_counter() + timeout
                while True:
                    item = self.next_message(deadline)
                    if item is None or (item[1].get("id") == rid and "method" not in item[1]):
                        break
                self.send({"jsonrpc": "2.0", "method": "exit"})
        except ServerError:
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def kill(self):
        # the server was started in its own session: its process group id is its pid
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.stderr.close()
        self.closed = True
        LIVE.discard(self)


def path_uri(path):
    return "file://" + quote(os.path.abspath(path))


def is_publish(message, uri):
    return (message.get("method") == "textDocument/publishDiagnostics"
            and (message.get("params") or {}).get("uri") == uri)


# --------------------------------------------------------------------------------------------
# measurements


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def prepare_file(path, anchor):
    """Text with a blank indented line added after `anchor`; returns (text, line, column)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.rstrip() == anchor.rstrip() or (anchor.strip() and line.strip() == anchor.strip()):
            break
    else:
        raise SystemExit("lsp_latency: %s has no line %r" % (path, anchor))
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    indent = nxt[:len(nxt) - len(nxt.lstrip())] or (line[:len(line) - len(line.lstrip())] + "\t")
    lines.insert(i + 1, indent)
    return "\n".join(lines), i + 1, len(indent)


EDIT = "type"   # or "enter": --edit


def cycle_length():
    return 2 if EDIT == "enter" else 2 * len(STATEMENT)


def keystrokes(total, col, line_no=0):
    """[((line, char), (line, char), inserted text)]: the statement typed on the typing line, then
    backspaced, again and again (--edit enter: a line break inserted at the typing position, then
    removed). All ASCII, so columns are the same in every encoding."""
    out = []
    while len(out) < total:
        if EDIT == "enter":
            out.append(((line_no, col), (line_no, col), "\n"))
            out.append(((line_no, col), (line_no + 1, 0), ""))
            continue
        for i, ch in enumerate(STATEMENT):
            out.append(((line_no, col + i), (line_no, col + i), ch))
        for i in reversed(range(len(STATEMENT))):
            out.append(((line_no, col + i), (line_no, col + i + 1), ""))
    return out[:total]


def apply_edit(text, start, end, ins):
    """The text with [start, end) ((line, char) pairs, ASCII) replaced by ins."""
    lines = text.split("\n")
    a = sum(len(x) + 1 for x in lines[:start[0]]) + start[1]
    b = sum(len(x) + 1 for x in lines[:end[0]]) + end[1]
    return text[:a] + ins + text[b:]


PARSE_CHECK = r"""
const vm = require('vm');
let input = '';
process.stdin.setEncoding('utf8').on('data', c => { input += c; }).on('end', () => {
  const { before, after, lines } = JSON.parse(input);
  const params = ['exports', 'require', 'module', '__filename', '__dirname'];
  process.stdout.write(JSON.stringify(lines.map(line => {
    try { vm.compileFunction(before + line + after, params); return true; } catch (e) { return false; }
  })));
});
"""


def cycle_states(file_path, anchor):
    """(text parts, [line after keystroke p of one type-then-delete cycle])."""
    text, line_no, col = prepare_file(file_path, anchor)
    lines = text.split("\n")
    current = lines[line_no]
    states = []
    for (_, c0), (_, c1), ins in keystrokes(2 * len(STATEMENT), col):
        current = current[:c0] + ins + current[c1:]
        states.append(current)
    return "\n".join(lines[:line_no]) + "\n", "\n" + "\n".join(lines[line_no + 1:]), states


def parses(file_path, anchor):
    """[does the document parse after keystroke p of a cycle] as a CommonJS module body (node's
    vm.compileFunction), or None without node."""
    before, after, states = cycle_states(file_path, anchor)
    try:
        r = subprocess.run(["node", "-e", PARSE_CHECK], input=json.dumps(
            {"before": before, "after": after, "lines": states}), capture_output=True, text=True,
            timeout=120)
        out = json.loads(r.stdout)
        return out if len(out) == len(states) else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def typing_run(name, spec, file_path, anchor, args):
    text, line_no, col = prepare_file(file_path, anchor)
    doc = text
    root = spec.get("root") or args.workspace
    uri = path_uri(os.path.join(root, "bench-" + os.path.basename(file_path)))
    res = {"samples": [], "cycle_pos": [], "sent": 0, "missing": 0, "stale": 0, "extra": 0, "versionless": 0,
           "open_ms": None, "sync": None, "errors": []}
    srv = Server(name, spec, root)
    try:
        srv.initialize(args.timeout)
        res["sync"] = "incremental" if srv.sync_kind == 2 else "full"
        t_open = srv.open(uri, text)
        deadline = t_open + args.timeout
        while True:
            item = srv.next_message(deadline)
            if item is None:
                res["errors"].append("no publishDiagnostics after didOpen within %g s" % args.timeout)
                break
            if is_publish(item[1], uri):
                res["open_ms"] = (item[0] - t_open) * 1e3
                break
        settle(srv, uri, 0.2, res, count=False)
        version = 1
        missed_in_a_row = 0
        cpu0 = None
        gap = args.gap_ms / 1e3
        for k, (p0, p1, ins) in enumerate(keystrokes(args.warmup + args.keystrokes, col, line_no)):
            if k == args.warmup:
                cpu0 = proc_tree_cpu(srv.proc.pid)
            version += 1
            doc = apply_edit(doc, p0, p1, ins)
            params = {"textDocument": {"uri": uri, "version": version}}
            if srv.sync_kind == 2:
                params["contentChanges"] = [{"range": {"start": {"line": p0[0], "character": p0[1]},
                                                       "end": {"line": p1[0], "character": p1[1]}},
                                             "text": ins}]
            else:
                params["contentChanges"] = [{"text": doc}]
            t0 = srv.notify("textDocument/didChange", params)
            res["sent"] += 1
            deadline = t0 + args.timeout
            t1 = None
            while True:
                item = srv.next_message(deadline)
                if item is None:
                    break
                t, m = item
                if not is_publish(m, uri):
                    continue
                v = m["params"].get("version")
                if v is None:
                    res["versionless"] += 1
                    t1 = t
                    break
                if v == version:
                    t1 = t
                    break
                res["stale"] += 1          # a publish for an older version arrived first
            if t1 is None:
                res["missing"] += 1
                missed_in_a_row += 1
                if len(res["errors"]) < 3:
                    res["errors"].append("no publishDiagnostics for version %d within %g s"
                                         % (version, args.timeout))
                if missed_in_a_row >= 5:
                    res["errors"].append("gave up after 5 missing publishes in a row")
                    break
                continue
            missed_in_a_row = 0
            if k >= args.warmup:
                res["samples"].append((t1 - t0) * 1e3)
                res["cycle_pos"].append(k % cycle_length())
            settle(srv, uri, gap, res)
        if res["samples"] and cpu0 is not None and srv.proc.poll() is None:
            res["cpu_ms_per_key"] = (proc_tree_cpu(srv.proc.pid) - cpu0) * 1e3 / len(res["samples"])
    except ServerError as e:
        res["errors"].append(str(e))
    finally:
        srv.close()
    return res


def settle(srv, uri, seconds, res, count=True):
    """Reads whatever arrives for `seconds`; counts further publishes for `uri`."""
    deadline = time.perf_counter() + seconds
    while True:
        item = srv.next_message(deadline)
        if item is None:
            return
        if count and is_publish(item[1], uri):
            res["extra"] += 1


def cold_start(name, spec, args):
    srv = Server(name, spec, spec.get("root") or args.workspace)
    try:
        t = srv.initialize(args.timeout)
        return (t - srv.t_spawn) * 1e3
    finally:
        srv.close()


def proc_tree(pid):
    """`pid` and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in out:
            continue
        out.append(p)
        try:
            for tid in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, tid)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass
    return out


def proc_tree_cpu(pid):
    """User + system CPU seconds used so far by `pid` and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in proc_tree(pid):
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, ValueError, IndexError):
            pass
    return total


def proc_tree_memory(pid):
    """(VmRSS, VmHWM) in KiB summed over `pid` and its descendants."""
    rss = hwm = 0
    for p in proc_tree(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
                    elif line.startswith("VmHWM:"):
                        hwm += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return rss, hwm


def memory_documents(corpus, count):
    """`count` distinct ~500-line JS documents from nodemon's run.js."""
    path = os.path.join(corpus, FILES["nodemon"][0])
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    # cut after `run.restart = noop;` (a top-level statement, line 488), keep the export
    cut = next((i for i, l in enumerate(lines) if l.startswith("run.restart = noop")), 487) + 1
    body = lines[:cut]
    docs = []
    for n in range(count):
        pad = ["", "// generated bench document %d" % n,
               "async function reload%d(req, res) {" % n,
               "  const p = path.join(__dirname, 'conf-%d.json');" % n,
               "  const raw = require('fs').readFileSync(p, 'utf8');",
               "  const user = await loadUser(req.params.id + %d);" % n,
               "  setTimeout(() => res.end(raw + user), %d);" % (n % 97),
               "}"]
        while len(body) + len(pad) < 499:
            pad.insert(1, "// padding %d.%d" % (n, len(pad)))
        docs.append("\n".join(body + pad + ["module.exports = run;", ""]))
    return docs


def memory_run(name, spec, args, count, docs):
    root = spec.get("root") or args.workspace
    srv = Server(name, spec, root)
    out = {"docs": count, "errors": [], "unpublished": 0}
    try:
        srv.initialize(args.timeout)
        settle(srv, "", 0.2, out, count=False)
        out["rss_init"], _ = proc_tree_memory(srv.proc.pid)
        t_start = time.perf_counter()
        waiting = True
        for i in range(count):
            uri = path_uri(os.path.join(root, "mem", "doc%04d.js" % i))
            srv.open(uri, docs[i])
            if not waiting:
                continue
            deadline = time.perf_counter() + args.timeout
            while True:
                item = srv.next_message(deadline)
                if item is None:
                    out["unpublished"] += 1
                    out["errors"].append("no publishDiagnostics for %s within %g s; not waiting any more"
                                         % (os.path.basename(uri), args.timeout))
                    waiting = False
                    break
                if is_publish(item[1], uri):
                    break
        out["open_s"] = time.perf_counter() - t_start
        if not waiting:
            settle(srv, "", 1.0, out, count=False)
        out["rss"], out["hwm"] = proc_tree_memory(srv.proc.pid)
    except ServerError as e:
        out["errors"].append(str(e))
    finally:
        srv.close()
    return out


# --------------------------------------------------------------------------------------------
# driver


def probe(name, spec, args):
    """None if the server answers initialize, else why not."""
    exe = spec["cmd"][0]
    if not os.path.exists(exe):
        return "%s not found (%s)" % (exe, spec["missing"])
    if spec.get("needs") and not os.path.exists(spec["needs"]):
        return "%s not found (%s)" % (spec["needs"], spec["missing"])
    try:
        srv = Server(name, spec, spec.get("root") or args.workspace)
    except ServerError as e:
        return str(e)
    try:
        srv.initialize(min(args.timeout, 10))
        spec["info"] = srv.server_info()
        spec["sync"] = "incremental" if srv.sync_kind == 2 else "full"
    except ServerError as e:
        return "does not answer `initialize`: %s" % e
    finally:
        srv.close()
    if spec.get("version_cmd") and not spec["info"]:
        try:
            spec["info"] = subprocess.run([exe] + spec["version_cmd"], capture_output=True, text=True,
                                          timeout=10).stdout.strip().splitlines()[0]
        except (OSError, subprocess.SubprocessError, IndexError):
            pass
    return None


def exe_stamp(path):
    try:
        st = os.stat(path)
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None


def build_info(exe):
    """', built <mtime>, tree <commit>[+changes]' for a binary built from this checkout."""
    out = ""
    try:
        out += ", built %s" % time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.stat(exe).st_mtime))
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no",
                                "--", "server", "include", "queries", "rules", "meson.build", "deps"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        if head:
            out += ", checkout %s%s" % (head, " + uncommitted changes to the sources" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return out


def fmt(x, width=7):
    return ("%*.2f" % (width, x)) if x == x else " " * (width - 1) + "-"


def table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))))


def main():
    global STATEMENT, EDIT
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--servers", default="looplens,quick-lint-js,oxlint,ast-grep",
                    help="comma-separated: looplens, quick-lint-js, oxlint, ast-grep (default: all)")
    ap.add_argument("--files", default="webpack,nodemon", help="comma-separated: webpack, nodemon")
    ap.add_argument("--keystrokes", type=int, default=300, help="measured keystrokes per run (300)")
    ap.add_argument("--warmup", type=int, default=20, help="keystrokes not counted, per run (20)")
    ap.add_argument("--runs", type=int, default=5, help="typing runs per server and file (5)")
    ap.add_argument("--statement", default=STATEMENT,
                    help="what gets typed (ASCII, one line); default: %(default)r")
    ap.add_argument("--edit", choices=["type", "enter"], default="type",
                    help="type: the statement key by key (default); enter: a line break inserted at the "
                         "typing position and removed, again and again")
    ap.add_argument("--gap-ms", type=float, default=10.0,
                    help="pause after each keystroke's publish before the next keystroke (10 ms)")
    ap.add_argument("--cold-runs", type=int, default=20, help="cold starts per server (20)")
    ap.add_argument("--cold-servers", default="looplens,quick-lint-js",
                    help="servers for the cold-start figure (looplens,quick-lint-js)")
    ap.add_argument("--mem-docs", default="1,100,1000", help="open-document counts (1,100,1000)")
    ap.add_argument("--mem-servers", default="looplens,quick-lint-js",
                    help="servers for the memory figure (looplens,quick-lint-js)")
    ap.add_argument("--only", default="latency,cold,memory",
                    help="which parts to run: latency, cold, memory (default: all three)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for any one answer (10)")
    ap.add_argument("--looplens", default=os.path.join(ROOT, "build", "server", "looplens"))
    ap.add_argument("--peers", default=DEFAULT_PEERS, help="where bench/lsp-peers.sh installed the peers")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--json", metavar="FILE", help="also write every raw sample to FILE")
    args = ap.parse_args()
    if not args.statement or not args.statement.isascii() or "\n" in args.statement:
        raise SystemExit("lsp_latency: --statement must be one line of ASCII")
    STATEMENT = args.statement
    EDIT = args.edit
    args.peers = os.path.abspath(args.peers)
    args.looplens = os.path.abspath(args.looplens)
    parts = set(p.strip() for p in args.only.split(",") if p.strip())

    specs = server_specs(args)
    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]
    for s in wanted + [x for x in args.cold_servers.split(",") + args.mem_servers.split(",") if x]:
        if s not in specs:
            raise SystemExit("lsp_latency: unknown server %r (known: %s)" % (s, ", ".join(specs)))
    files = [f.strip() for f in args.files.split(",") if f.strip()]
    for f in files:
        if f not in FILES:
            raise SystemExit("lsp_latency: unknown file %r (known: %s)" % (f, ", ".join(FILES)))
        p = os.path.join(args.corpus, FILES[f][0])
        if not os.path.exists(p):
            raise SystemExit("lsp_latency: %s is missing; fetch the corpus: scripts/fetch-deps.sh "
                             "bench/corpus-pins.txt %s" % (p, args.corpus))

    tmp = tempfile.TemporaryDirectory(prefix="looplens-lspbench-")
    args.workspace = tmp.name

    print("# looplens language-server benchmark (figures, not pass/fail)")
    print("# command: %s" % shlex.join([sys.executable] + sys.argv))
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3
    print("# machine: %s, %d cores, load average %.2f %.2f %.2f at start; %s" % (
        platform.platform(), os.cpu_count() or 0, load[0], load[1], load[2],
        time.strftime("%Y-%m-%d %H:%M:%S")))
    print("# typing: %s, %d measured + %d warm-up keystrokes per run, %d runs, %.0f ms between "
          "keystrokes, timeout %.0f s" % (repr(STATEMENT) if EDIT == "type" else
                                          "a line break inserted and removed (--edit enter)",
                                          args.keystrokes, args.warmup, args.runs, args.gap_ms, args.timeout))
    available = {}
    for name in dict.fromkeys(wanted + args.cold_servers.split(",") + args.mem_servers.split(",")):
        if not name:
            continue
        why = probe(name, specs[name], args)
        if why:
            print("# %-13s SKIPPED: %s" % (name, why.replace("\n", "\n#   ")))
        else:
            available[name] = specs[name]
            print("# %-13s %s  [%s]  (%s sync)%s" % (
                name, specs[name].get("info") or "?", shlex.join(specs[name]["cmd"]),
                specs[name]["sync"], build_info(specs[name]["cmd"][0]) if name == "looplens" else ""))
    sys.stdout.flush()
    stamps = {n: exe_stamp(s["cmd"][0]) for n, s in available.items()}
    raw = {"command": sys.argv, "latency": {}, "cold": {}, "memory": {}}

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        if "latency" in parts:
            latency(args, files, [s for s in wanted if s in available], available, raw)
        if "cold" in parts:
            cold(args, [s for s in args.cold_servers.split(",") if s in available], available, raw)
        if "memory" in parts:
            memory(args, [s for s in args.mem_servers.split(",") if s in available], available, raw)
        for n, stamp in stamps.items():
            if exe_stamp(available[n]["cmd"][0]) != stamp:
                print("\nWARNING: %s was rebuilt or replaced during the run; its figures mix two "
                      "builds" % available[n]["cmd"][0])
    finally:
        for srv in list(LIVE):
            srv.kill()
        if args.json:
            with open(args.json, "w") as f:
                json.dump(raw, f, indent=1)
        tmp.cleanup()


def latency(args, files, servers, specs, raw):
    if not servers:
        print("\n(no server available for the typing figure)")
        return
    print("\n## didChange -> publishDiagnostics while typing, ms")
    results = {(s, f): [] for s in servers for f in files}
    parse_maps = {f: parses(os.path.join(args.corpus, FILES[f][0]), FILES[f][1]) if EDIT == "type" else None
                  for f in files}
    for run in range(args.runs):
        for f in files:
            rel, anchor = FILES[f]
            # rotate the order each run so that no server always follows the same one
            order = servers[run % len(servers):] + servers[:run % len(servers)]
            for s in order:
                r = typing_run(s, specs[s], os.path.join(args.corpus, rel), anchor, args)
                results[(s, f)].append(r)
                sys.stderr.write("  run %d/%d %-8s %-13s p50 %s p99 %s%s\n" % (
                    run + 1, args.runs, f, s, fmt(percentile(r["samples"], 50)).strip(),
                    fmt(percentile(r["samples"], 99)).strip(),
                    ("  [" + "; ".join(r["errors"]) + "]") if r["errors"] else ""))
    rows = []
    notes = []
    for f in files:
        lines = open(os.path.join(args.corpus, FILES[f][0]), encoding="utf-8").read().count("\n")
        for s in servers:
            rs = results[(s, f)]
            p50s = [percentile(r["samples"], 50) for r in rs if r["samples"]]
            p99s = [percentile(r["samples"], 99) for r in rs if r["samples"]]
            pooled = [x for r in rs for x in r["samples"]]
            opens = [r["open_ms"] for r in rs if r["open_ms"] is not None]
            cpus = [r["cpu_ms_per_key"] for r in rs if r.get("cpu_ms_per_key") is not None]
            rows.append([
                "%s (%d lines)" % (f, lines), s,
                fmt(statistics.median(p50s)) if p50s else "-",
                ("%.2f-%.2f" % (min(p50s), max(p50s))) if p50s else "-",
                fmt(statistics.median(p99s)) if p99s else "-",
                ("%.2f-%.2f" % (min(p99s), max(p99s))) if p99s else "-",
                fmt(percentile(pooled, 50)), fmt(percentile(pooled, 99)),
                fmt(max(pooled)) if pooled else "-",
                fmt(statistics.median(cpus), 6) if cpus else "-",
                "%d/%d" % (len(p50s), len(rs)),
                fmt(statistics.median(opens), 6) if opens else "-",
            ])
            miss = sum(r["missing"] for r in rs)
            stale = sum(r["stale"] for r in rs)
            extra = sum(r["extra"] for r in rs)
            vless = sum(r["versionless"] for r in rs)
            sent = sum(r["sent"] for r in rs)
            if miss or stale or extra:
                notes.append("%s on %s: of %d didChange, %d got no publish, %d stale publishes "
                             "(older version) came first, %d extra publishes after the matching one"
                             % (s, f, sent, miss, stale, extra))
            if vless:
                notes.append("%s on %s: %d of its publishes carry no version (matched as the next "
                             "publish for the uri)" % (s, f, vless))
            errs = sorted(set(e for r in rs for e in r["errors"]))
            for e in errs[:3]:
                notes.append("%s on %s: %s" % (s, f, e))
            raw["latency"]["%s/%s" % (s, f)] = rs
    table(["file", "server", "p50", "p50 runs", "p99", "p99 runs", "all p50", "all p99", "all max",
           "cpu/key", "runs", "open"], rows)
    print("p50/p99: median over runs of each run's percentile; '... runs': min-max over the runs; "
          "'all': pooled samples of every run;\n'cpu/key': server CPU time (user+sys, whole process "
          "tree, 10 ms ticks averaged) per measured keystroke, median over runs -- less sensitive to "
          "the machine's load than wall time;\n'runs': runs with samples / runs; 'open': didOpen -> "
          "first publish, median.")
    # the same samples split by whether the document parses after the keystroke
    rows = []
    for f in files:
        ok = parse_maps.get(f)
        if not ok:
            continue
        for s in servers:
            good, bad = [], []
            for r in results[(s, f)]:
                for ms, pos in zip(r["samples"], r["cycle_pos"]):
                    (good if ok[pos] else bad).append(ms)
            rows.append([f, s, fmt(percentile(good, 50)), fmt(percentile(good, 99)), len(good),
                         fmt(percentile(bad, 50)), fmt(percentile(bad, 99)), len(bad)])
    if rows:
        print("\npooled, split by the document after the keystroke (node's parser decides):")
        table(["file", "server", "parses p50", "p99", "n", "syntax error p50", "p99", "n"], rows)
    # which document states cost the most (median over every sample of that keystroke)
    rows = []
    for f in (files if EDIT == "type" else []):
        _, _, states = cycle_states(os.path.join(args.corpus, FILES[f][0]), FILES[f][1])
        for s in servers:
            by = {}
            for r in results[(s, f)]:
                for ms, pos in zip(r["samples"], r["cycle_pos"]):
                    by.setdefault(pos, []).append(ms)
            if not by:
                continue
            med = {pos: statistics.median(v) for pos, v in by.items()}
            worst = max(med, key=med.get)
            rows.append([f, s, fmt(statistics.median(list(med.values()))), fmt(med[worst]),
                         "%r%s" % (states[worst].strip(), "" if not parse_maps.get(f) else
                                   " (parses)" if parse_maps[f][worst] else " (syntax error)")])
    if rows:
        print("\nslowest keystroke: the line being typed after it, median latency of that keystroke "
              "over all runs, next to the median keystroke:")
        table(["file", "server", "median key", "slowest", "line after the keystroke"], rows)
    for n in notes:
        print("note: " + n)
    sys.stdout.flush()


def cold(args, servers, specs, raw):
    if not servers:
        print("\n(no server available for the cold-start figure)")
        return
    print("\n## cold start: spawn -> initialize response, ms (%d runs, interleaved)" % args.cold_runs)
    times = {s: [] for s in servers}
    errors = {s: [] for s in servers}
    for _ in range(args.cold_runs):
        for s in servers:
            try:
                times[s].append(cold_start(s, specs[s], args))
            except ServerError as e:
                errors[s].append(str(e))
    rows = []
    for s in servers:
        t = times[s]
        rows.append([s, fmt(statistics.median(t)) if t else "-", fmt(min(t)) if t else "-",
                     fmt(percentile(t, 90)) if t else "-", fmt(max(t)) if t else "-",
                     "%d/%d" % (len(t), args.cold_runs)])
        raw["cold"][s] = {"ms": t, "errors": errors[s]}
    table(["server", "median", "min", "p90", "max", "ok"], rows)
    for s in servers:
        for e in sorted(set(errors[s]))[:3]:
            print("note: %s: %s" % (s, e))
    sys.stdout.flush()


def memory(args, servers, specs, raw):
    if not servers:
        print("\n(no server available for the memory figure)")
        return
    counts = [int(c) for c in args.mem_docs.split(",") if c.strip()]
    docs = memory_documents(args.corpus, max(counts))
    avg_lines = statistics.mean(d.count("\n") for d in docs)
    avg_kb = statistics.mean(len(d.encode()) for d in docs) / 1024
    print("\n## resident memory (VmRSS of the server and its children) with N open documents "
          "(distinct, %.0f lines / %.1f KiB each)" % (avg_lines, avg_kb))
    rows = []
    notes = []
    for s in servers:
        for n in counts:
            r = memory_run(s, specs[s], args, n, docs)
            raw["memory"]["%s/%d" % (s, n)] = r
            rss = r.get("rss")
            base = r.get("rss_init")
            rows.append([s, n, ("%.1f" % (base / 1024)) if base else "-",
                         ("%.1f" % (rss / 1024)) if rss else "-",
                         ("%.1f" % (r["hwm"] / 1024)) if r.get("hwm") else "-",
                         ("%.1f" % ((rss - base) / n)) if rss and base else "-",
                         ("%.2f" % r["open_s"]) if "open_s" in r else "-"])
            for e in r["errors"][:2]:
                notes.append("%s with %d documents: %s" % (s, n, e))
    table(["server", "docs", "MiB after init", "MiB after opens", "peak MiB", "KiB per doc",
           "open all, s"], rows)
    for n in notes:
        print("note: " + n)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
