"""Generators of adversarial JavaScript for looplens: inputs whose analysis once grew faster than
their size. Shared by bench/scaling.py (figures) and tests/perf/check_adversarial.py (hang detector).

Each generator takes a size n (its unit is in GENERATORS) and returns (source, expected), where
expected maps a rule id to the number of findings the file must get."""

# A safe-looking but costly regex for the ReDoS analysis (~0.2 s each time it is analysed): a
# long alternation under `+`, ending in the classic (a+)+ so that it is reported.
COMPLEX_REGEX = '^(?:' + '|'.join('[a-z]{%d}[0-9]+' % (i + 1) for i in range(120)) + ')+(?:a+)+b$'


def mutual_calls(k):
    """Two functions calling each other k times each; functions that queue one of them on the
    microtask queue or call it from an async function, some on a cycle back to themselves (the
    search for such a cycle once followed all k^4 paths of four calls)."""
    a = ''.join('b();' for _ in range(k))
    b = ''.join('a();' for _ in range(k))
    src = (f'function a() {{ {a} }}\n'
           f'function b() {{ {b} e(); }}\n'
           'function c() { process.nextTick(a); }\n'
           'async function d() { await null; a(); }\n'
           'async function e() { await null; a(); }\n'
           'function tick() { process.nextTick(tick); }\n')
    return src, {'microtask-recursion': 2}


def minified(n):
    """n minified-style functions all taking (e, t, n), each calling its parameters: every name
    lookup of e, t or n once scanned all n declarations of that name."""
    parts = [f'var f{i}=function(e,t,n){{var r=e(t,n);return t.x(r)||n(e)}};' for i in range(n)]
    # one line per 50 functions: minified bundles are a few very long lines
    lines = [''.join(parts[i:i + 50]) for i in range(0, n, 50)]
    return '\n'.join(lines) + '\n', {}


def handlers(n):
    """n Express route handlers, each `(req, res)` with a blocking read on the hot path."""
    out = ["const fs = require('fs');", "const express = require('express');", 'const app = express();']
    for i in range(n):
        out.append(f"app.get('/r{i}', (req, res) => {{ const id = req.params.id; "
                   f"const data = fs.readFileSync('/data/' + id); res.send(data); }});")
    out.append('app.listen(3000);')
    return '\n'.join(out) + '\n', {'sync-fs-in-hot-path': n}


def listeners(n):
    """n route handlers, each adding a listener to a long-lived emitter and starting an interval
    (each once scanned every call of the file for a removal or a clear)."""
    out = ["const EventEmitter = require('events');", 'const bus = new EventEmitter();',
           "const express = require('express');", 'const app = express();']
    for i in range(n):
        out.append(f"app.get('/r{i}', (req, res) => {{ bus.on('ev{i}', () => res.end()); "
                   f"const t{i} = setInterval(() => poll(req), 1000); res.send('ok'); }});")
    out.append("bus.off('ev0', stop); clearInterval(t0);")
    return '\n'.join(out) + '\n', {'listener-leak': n, 'interval-per-request': n - 1}  # t0 is cleared


def containers(n):
    """n module-level Maps and n singleton classes keeping one, each written by a route handler
    (each write once scanned every container, each class every declaration)."""
    out = ["const app = require('express')();"]
    for i in range(n):
        out.append(f'const c{i} = new Map();')
        out.append(f'class K{i} {{ constructor() {{ this.m = new Map(); }} put(k) {{ this.m.set(k, 1); }} }}')
        out.append(f'const k{i} = new K{i}();')
    for i in range(n):
        out.append(f"app.get('/r{i}', (req, res) => {{ c{i}.set(req.id, 1); k{i}.put(req.id); }});")
    return '\n'.join(out) + '\n', {'unbounded-cache': 2 * n}


def suppressed(n):
    """n blocking reads in a route handler, each hidden by the comment above it (each comment once
    counted the rows from the top of the file, each finding looked at every comment)."""
    out = ["const fs = require('fs');", "const app = require('express')();", "app.get('/', (req, res) => {"]
    for i in range(n):
        out.append('  // looplens-ignore-next-line sync-fs-in-hot-path -- a small file read once')
        out.append(f"  fs.readFileSync('/f{i}');")
    out.append('  fs.readFileSync("/not-hidden");')
    out.append('});')
    return '\n'.join(out) + '\n', {'sync-fs-in-hot-path': 1}


def regex_sites(n):
    """One complex, exponential regex applied at n call sites."""
    out = [f'const RE = /{COMPLEX_REGEX}/;']
    for i in range(n):
        out.append(f'function check{i}(s) {{ return RE.test(s); }}')
    return '\n'.join(out) + '\n', {'redos-in-hot-path': n}


def deep_functions(n):
    """n nested arrow functions in a timer callback, with calls before and after each inner one."""
    src = 'const fs = require("fs");\nsetInterval(() => {\n'
    for i in range(n):
        src += f'  f{i}(() => {{ x{i}.on("data", g{i});\n'
    src += 'fs.readFileSync("/x");\n'
    for i in reversed(range(n)):
        src += f'}}); h{i}(x{i});\n'
    src += '}, 1000);\n'
    return src, {'sync-fs-in-hot-path': 1}


def deep_blocks(n):
    """n nested blocks in one function, each queueing that function again and queueing a
    microtask per item of a loop (predicates climb from each call to the function)."""
    src = 'function f() {\n'
    for _ in range(n):
        src += 'if (a) { process.nextTick(f); for (const x of xs) { queueMicrotask(g); }\n'
    src += '}' * n + '\n}\n'
    return src, {'microtask-recursion': n, 'microtask-in-unbounded-loop': n}


def async_self_calls(n):
    """An async function awaiting only settled values and calling itself n times (each call once
    counted every await of the function again)."""
    src = 'async function f() {\n' + ''.join('  await null;\n  f();\n' for _ in range(n)) + '}\n'
    return src, {'microtask-recursion': n}


def same_callee(n):
    """n functions, each calling the same function (and that one calling process.nextTick on
    something)."""
    out = ['function work(x) { return x + 1; }', 'function spin() { process.nextTick(spin); }']
    for i in range(n):
        out.append(f'function c{i}(x) {{ work(x); work(x); spin(); return work(x); }}')
    return '\n'.join(out) + '\n', {'microtask-recursion': 1}


# name -> (generator, unit, sizes for the bench)
GENERATORS = {
    'mutual-calls': (mutual_calls, 'calls each way', [5000, 10000, 20000, 40000]),
    'minified-etn': (minified, 'functions', [5000, 10000, 20000, 40000]),
    'handlers': (handlers, 'routes', [2500, 5000, 10000, 20000]),
    'listeners': (listeners, 'routes', [2500, 5000, 10000, 20000]),
    'containers': (containers, 'maps and classes', [1000, 2000, 4000, 8000]),
    'suppressed': (suppressed, 'suppressed findings', [2500, 5000, 10000, 20000]),
    'regex-sites': (regex_sites, 'call sites', [50, 100, 200, 400]),
    'deep-functions': (deep_functions, 'levels', [1000, 2000, 4000, 8000]),
    'deep-blocks': (deep_blocks, 'levels', [1000, 2000, 4000, 8000]),
    'async-self-calls': (async_self_calls, 'self-calls', [2500, 5000, 10000, 20000]),
    'same-callee': (same_callee, 'callers', [2500, 5000, 10000, 20000]),
}
