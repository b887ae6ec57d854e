"""A small project that exercises the output formats, and helpers to run looplens on it.

Its files hold what each format must get right: a line with non-ASCII text before a finding
(UTF-16 columns), a chain of same-file calls to a hot handler (related locations), the same
flagged code twice (fingerprints told apart by occurrence), file names with `% , :`, a space and
a newline, a message with `<&"'%,:` (a ReDoS regex is quoted in its message), and files that only
get notices (a syntax error, invalid UTF-8, a binary file).
"""
import json
import os
import subprocess

APP = '''const fs = require('fs');
const http = require('http');

function readPage(name) {
  return fs.readFileSync(name);
}

function render(req) {
  const title = "Grüße 😀 ☃"; const body = fs.readFileSync('body.html');
  return title + body + readPage('page.html');
}

http.createServer((req, res) => {
  res.write(fs.readFileSync('a.txt'));
  res.write(fs.readFileSync('a.txt'));
  res.end(render(req));
}).listen(3000);
'''

ODD = '''const fs = require('fs');
const app = require('express')();
app
  .get('/x', (req, res) => { res.end(fs.readFileSync('x')); });
app.post('/y', (req, res) => {
  if (/^([%<&"',:]+)+$/.test(req.body)) res.end('ok');
});
'''

ODD_NAMES = ['odd %,:name.js', 'new\nline.js', 'quote<&"\'>.js']


def make(root):
    """Writes the project into root (which must exist); returns the names of its files."""
    files = {
        'package.json': '{"name": "formats-scratch", "private": true}\n',
        'app.js': APP,
        'broken.js': "const fs = require('fs');\nfunction (\n",
    }
    for name in ODD_NAMES:
        files[name] = ODD
    for name, text in files.items():
        with open(os.path.join(root, name), 'w', encoding='utf-8') as f:
            f.write(text)
    with open(os.path.join(root, 'latin1.js'), 'wb') as f:
        f.write(b"const fs = require('fs');\n// caf\xe9\nrequire('http').createServer(() => fs.readFileSync('x'));\n")
    with open(os.path.join(root, 'binary.js'), 'wb') as f:
        f.write(b'\x00\x01\x02')
    return sorted(files) + ['latin1.js', 'binary.js']


def run(looplens, fmt, paths, cwd, env=None, extra=()):
    """looplens check --format fmt; returns (stdout, stderr, exit status)."""
    r = subprocess.run([looplens, 'check', '--format', fmt, *extra, *paths], cwd=cwd, capture_output=True,
                       env=dict(os.environ, **(env or {})), timeout=300)
    return r.stdout.decode('utf-8'), r.stderr.decode('utf-8', 'replace'), r.returncode


def truth(looplens, paths, cwd):
    """The json format's diagnostics, notices and number of files: what the other formats must
    agree with."""
    out, err, status = run(looplens, 'json', paths, cwd)
    if status not in (0, 1, 2):
        raise SystemExit(f'looplens check --format json failed ({status}): {err}')
    doc = json.loads(out)
    return doc['diagnostics'], doc['notices'], doc['summary']['files']


def utf16_column(line, byte_column):
    """The 1-based UTF-16 column of a 1-based byte column in a line of text (str)."""
    prefix = line.encode('utf-8', 'surrogateescape')[:byte_column - 1].decode('utf-8', 'surrogateescape')
    return len(prefix.encode('utf-16-le', 'surrogatepass')) // 2 + 1
