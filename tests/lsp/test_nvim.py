#!/usr/bin/env python3
"""End-to-end test of `looplens lsp` with a real client: Neovim 0.7.2 from Debian, headless.

    python3 tests/lsp/test_nvim.py build/server/looplens [-v]

Installs Neovim with apt-get when `nvim` is missing and we run as root; exits 77 (skipped) with a
message when it cannot. Writes a Lua script to a temporary directory and runs
`nvim --headless -u NONE -i NONE -n -c 'luafile …'`, using what works on 0.7.2
(vim.lsp.start_client, :edit, filetype set by hand, buf_attach_client, vim.wait; see
../shared/field-notes.md). Opens examples/orders-service/routes/orders.js, waits for the
diagnostics and compares them with `looplens check --format json` on the same file (rule ids,
lines, byte columns, severities), hovers a flagged position and checks the chapter link.
Prints `ok   name` / `FAIL name: reason` lines, then `N passed, N failed`; exit 1 on failure.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TARGET = os.path.join(REPO, "examples", "orders-service", "routes", "orders.js")
SKIP = 77

LUA = r"""
local cfg = vim.fn.json_decode(table.concat(vim.fn.readfile(CFG_PATH), "\n"))
local out = { diagnostics = {}, hovers = {} }

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(out) }, cfg.out)
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  out.nvim_version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.'
                     .. tostring(vim.version().patch)
  local client_id = vim.lsp.start_client({
    name = 'looplens',
    cmd = { cfg.exe, 'lsp' },
    root_dir = cfg.root,
    on_exit = function(code, signal) out.exit_code = code; out.exit_signal = signal end,
  })
  out.client_id = client_id
  if not client_id then error('vim.lsp.start_client returned nil') end
  vim.cmd('edit ' .. vim.fn.fnameescape(cfg.file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'javascript'
  out.attached = vim.lsp.buf_attach_client(buf, client_id)
  out.got_diagnostics = vim.wait(cfg.timeout_ms, function()
    return #vim.diagnostic.get(buf) >= cfg.expected_count
  end, 50)
  -- let a late extra publish arrive, so that surplus diagnostics are seen too
  vim.wait(300, function() return false end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out.diagnostics, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, code = d.code, source = d.source, message = d.message,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
    })
  end
  local client = vim.lsp.get_client_by_id(client_id)
  out.offset_encoding = client and client.offset_encoding or vim.NIL
  for _, pos in ipairs(cfg.hover_positions) do
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) },
                     position = { line = pos[1], character = pos[2] } }
    local res, rerr = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 5000)
    local entry = { line = pos[1], character = pos[2], answered = false }
    if rerr then entry.request_error = tostring(rerr) end
    for _, r in pairs(res or {}) do
      entry.answered = true
      if r.err then entry.error = vim.inspect(r.err) end
      if r.result ~= nil and r.result ~= vim.NIL then
        local c = r.result.contents
        if type(c) == 'table' then
          entry.kind = c.kind or vim.NIL
          entry.value = c.value or vim.inspect(c)
        else
          entry.value = tostring(c)
        end
      end
    end
    table.insert(out.hovers, entry)
  end
  vim.lsp.stop_client(client_id)
  out.stopped = vim.wait(5000, function() return out.exit_code ~= nil end, 50)
end)
if not ok then out.lua_error = tostring(err) end
finish()
"""


def ensure_nvim():
    """Path of nvim, or (None, reason)."""
    nvim = shutil.which("nvim")
    if nvim:
        return nvim, None
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None, "nvim is not installed and this is not root (install it: apt-get install -y neovim)"
    if not shutil.which("apt-get"):
        return None, "nvim is not installed and apt-get is not available"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        proc = subprocess.run(["apt-get", "install", "-y", "-q", "neovim"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "apt-get install -y neovim failed: %s" % e
    nvim = shutil.which("nvim")
    if not nvim:
        tail = proc.stdout.decode("utf-8", "replace").strip().splitlines()[-3:]
        return None, "apt-get install -y neovim did not provide nvim (exit %d): %s" % (proc.returncode, " | ".join(tail))
    return nvim, None


def server_preflight(exe):
    """None if `looplens lsp` answers initialize and shuts down cleanly, else the reason."""
    sys.path.insert(0, HERE)
    from lspclient import preflight
    return preflight(exe)


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        print("usage: test_nvim.py LOOPLENS [-v]", file=sys.stderr)
        return 2
    exe = os.path.abspath(args[0])

    results = []

    def record(name, ok, reason=""):
        results.append(ok)
        print(("ok   %s" % name) if ok else ("FAIL %s: %s" % (name, reason)))
        sys.stdout.flush()

    def finish():
        passed = sum(1 for r in results if r)
        print("%d passed, %d failed" % (passed, len(results) - passed))
        return 0 if passed == len(results) else 1

    nvim, why = ensure_nvim()
    if not nvim:
        print("SKIP: Neovim end-to-end test not run: %s" % why)
        return SKIP
    version = subprocess.run([nvim, "--version"], stdout=subprocess.PIPE, timeout=30).stdout.decode().splitlines()
    version = version[0] if version else "?"
    print("# using %s (%s)" % (nvim, version))

    if not os.path.isfile(exe) or not os.access(exe, os.X_OK):
        record("server available", False, "server not available: %s does not exist or is not executable" % exe)
        return finish()

    reason = server_preflight(exe)
    if reason:
        record("server available", False, reason)
        return finish()

    # the expectation: looplens check on the same file
    proc = subprocess.run([exe, "check", "--format", "json", TARGET], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    try:
        expected = json.loads(proc.stdout.decode("utf-8"))["diagnostics"]
    except (ValueError, KeyError) as e:
        record("looplens check --format json", False, "%s: %r" % (e, proc.stderr[:300]))
        return finish()
    if not expected:
        record("looplens check finds hazards in orders.js", False, "no diagnostics from looplens check")
        return finish()
    flagged = min(expected, key=lambda d: (d["line"], d["column"]))
    with open(TARGET, "rb") as f:
        first_line = f.read().split(b"\n", 1)[0]
    lines_with_findings = {d["line"] for d in expected}
    clean_line = next((i for i in range(1, 1000) if i not in lines_with_findings), 1)

    tmp = tempfile.mkdtemp(prefix="looplens-nvim-")
    try:
        cfg_path = os.path.join(tmp, "cfg.json")
        out_path = os.path.join(tmp, "out.json")
        lua_path = os.path.join(tmp, "t.lua")
        cfg = {
            "exe": exe, "root": os.path.dirname(os.path.dirname(TARGET)), "file": TARGET, "out": out_path,
            "timeout_ms": 15000, "expected_count": len(expected),
            # ASCII file: byte column == UTF-16 column
            "hover_positions": [[flagged["line"] - 1, flagged["column"] - 1 + 2],
                                [clean_line - 1, 0]],
        }
        assert first_line.isascii()
        with open(cfg_path, "w", encoding="utf-8") as f:
            json.dump(cfg, f)
        with open(lua_path, "w", encoding="utf-8") as f:
            f.write("local CFG_PATH = %s\n" % json.dumps(cfg_path) + LUA)
        env = dict(os.environ, HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, "config"),
                   XDG_DATA_HOME=os.path.join(tmp, "data"), XDG_CACHE_HOME=os.path.join(tmp, "cache"),
                   XDG_STATE_HOME=os.path.join(tmp, "state"))
        try:
            run = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
                                  "-c", "luafile " + lua_path], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=90, cwd=tmp)
            nvim_output = (run.stdout + run.stderr).decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            nvim_output = "nvim timed out after 90 s: %r" % ((e.stdout or b"") + (e.stderr or b""))[-500:]
        if not os.path.isfile(out_path):
            record("nvim ran the Lua script", False, " ".join(nvim_output.split())[-800:] or "no output")
            return finish()
        with open(out_path, encoding="utf-8") as f:
            out = json.load(f)
        lsp_log = os.path.join(tmp, "cache", "nvim", "lsp.log")
        if verbose:
            print(json.dumps(out, indent=1)[:6000])
            if os.path.isfile(lsp_log):
                print(open(lsp_log, encoding="utf-8", errors="replace").read()[-3000:])
    finally:
        if not verbose:
            shutil.rmtree(tmp, ignore_errors=True)

    if out.get("lua_error"):
        record("Lua script ran without error", False, out["lua_error"])
    else:
        record("Lua script ran without error", True)
    record("client started and attached (vim.lsp.start_client, buf_attach_client)",
           bool(out.get("client_id")) and out.get("attached") is True,
           "client_id=%r attached=%r" % (out.get("client_id"), out.get("attached")))

    diags = out.get("diagnostics") or []
    record("diagnostics arrive for routes/orders.js", bool(out.get("got_diagnostics")),
           "%d of %d expected diagnostics within 15 s" % (len(diags), len(expected)))

    got_rl = sorted((d.get("code"), d.get("lnum", -1) + 1) for d in diags)
    want_rl = sorted((d["rule"], d["line"]) for d in expected)
    record("rule ids at the lines `looplens check` reports", got_rl == want_rl,
           "expected %s, got %s" % (want_rl, got_rl))

    sev = {"error": 1, "warning": 2, "info": 3}
    got_full = sorted((d.get("code"), d.get("lnum", -1) + 1, d.get("col", -1) + 1, d.get("end_lnum", -1) + 1,
                       d.get("end_col", -1) + 1, d.get("severity")) for d in diags)
    want_full = sorted((d["rule"], d["line"], d["column"], d["endLine"], d["endColumn"], sev[d["severity"]])
                       for d in expected)
    record("columns, end positions and severities match `looplens check`", got_full == want_full,
           "expected %s, got %s" % (want_full, got_full))

    bad_meta = []
    for d in diags:
        chapter = next((e["chapter"] for e in expected if e["rule"] == d.get("code")), None)
        if d.get("source") != "looplens":
            bad_meta.append("%s: source %r" % (d.get("code"), d.get("source")))
        href = d.get("href")
        if not (isinstance(href, str) and href.startswith("file://") and chapter and href.endswith(chapter)):
            bad_meta.append("%s: codeDescription.href %r does not end with %r" % (d.get("code"), href, chapter))
    record("source is looplens and codeDescription.href links the chapter", bool(diags) and not bad_meta,
           "; ".join(bad_meta) or "no diagnostics")

    hovers = out.get("hovers") or []
    flagged_hover = hovers[0] if hovers else {}
    value = flagged_hover.get("value") or ""
    record("hover at a flagged position (line %d) contains the chapter link %s" % (flagged["line"], flagged["chapter"]),
           flagged["chapter"] in value and flagged_hover.get("kind") == "markdown",
           "hover answered=%r kind=%r error=%r value=%r" % (flagged_hover.get("answered"), flagged_hover.get("kind"),
                                                           flagged_hover.get("error") or flagged_hover.get("request_error"),
                                                           value[:300]))
    other = hovers[1] if len(hovers) > 1 else {}
    record("hover on an unflagged line (%d) is null" % clean_line,
           other.get("answered") is True and not other.get("value") and not other.get("error"),
           "answered=%r error=%r value=%r" % (other.get("answered"), other.get("error"), (other.get("value") or "")[:200]))

    record("client stops cleanly (shutdown + exit, server exit code 0)",
           out.get("stopped") is True and out.get("exit_code") == 0,
           "stopped=%r exit_code=%r signal=%r" % (out.get("stopped"), out.get("exit_code"), out.get("exit_signal")))
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
