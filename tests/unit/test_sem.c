/* test_sem.c: alias resolution and context classification, table-driven. Each case is a snippet
 * whose target call follows the marker comment (slash-star-at-star-slash). */
#include "sem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_javascript(void);

typedef struct {
  const char *name, *src;
  const char *path;  /* expected sem_resolve_callee of the marked call; NULL = does not resolve */
  int ctx;           /* expected Context at the marked call; -1 = don't check */
} Case;

static const Case cases[] = {
    /* alias resolution */
    {"require", "const fs = require('fs');\n/*@*/fs.readFileSync('x');", "fs.readFileSync", 0},
    {"node: prefix", "const fs = require('node:fs');\n/*@*/fs.statSync('x');", "fs.statSync", 0},
    {"destructure", "const { readFileSync } = require('fs');\n/*@*/readFileSync('x');", "fs.readFileSync", 0},
    {"destructure rename", "const { readFileSync: rf } = require('fs');\n/*@*/rf('x');", "fs.readFileSync", 0},
    {"destructure default", "const { existsSync = null } = require('fs');\n/*@*/existsSync('x');", "fs.existsSync", 0},
    {"inline require", "/*@*/require('fs').readFileSync('x');", "fs.readFileSync", 0},
    {"fs.promises", "const fs = require('fs');\n/*@*/fs.promises.readFile('x');", "fs/promises.readFile", 0},
    {"fs/promises", "const fsp = require('fs/promises');\n/*@*/fsp.readFile('x');", "fs/promises.readFile", 0},
    {"promises destructured", "const { promises: p } = require('fs');\n/*@*/p.readFile('x');", "fs/promises.readFile", 0},
    {"member alias", "const fs = require('fs');\nconst rd = fs.readdirSync;\n/*@*/rd('.');", "fs.readdirSync", 0},
    {"esm default", "import fs from 'fs';\n/*@*/fs.readFileSync('x');", "fs.readFileSync", 0},
    {"esm namespace", "import * as fs from 'node:fs';\n/*@*/fs.readFileSync('x');", "fs.readFileSync", 0},
    {"esm named", "import { readFileSync } from 'fs';\n/*@*/readFileSync('x');", "fs.readFileSync", 0},
    {"esm named alias", "import { readFileSync as r } from 'node:fs';\n/*@*/r('x');", "fs.readFileSync", 0},
    {"esm mixed", "import fs, { statSync } from 'fs';\n/*@*/statSync('x');", "fs.statSync", 0},
    {"not core", "const fs = require('fs-extra');\n/*@*/fs.readJsonSync('x');", "pkg:fs-extra.readJsonSync", 0},
    {"shadowed by param", "const fs = require('fs');\nfunction f(fs) { /*@*/fs.readFileSync('x'); }", NULL, -1},
    {"shadowed by local", "const fs = require('fs');\nfunction f() { const fs = {}; /*@*/fs.readFileSync('x'); }", NULL, -1},
    {"require shadowed", "function require() {}\n/*@*/require('fs').readFileSync('x');", NULL, -1},
    {"unknown object", "/*@*/db.querySync('x');", NULL, 0},
    {"global process", "/*@*/process.nextTick(() => {});", "process.nextTick", 0},
    {"perf_hooks", "const { performance } = require('perf_hooks');\n/*@*/performance.now();", "performance.now", 0},
    {"new events", "const EventEmitter = require('events');\nconst e = /*@*/new EventEmitter();", "events", 0},
    {"events.EventEmitter", "const { EventEmitter } = require('node:events');\nconst e = /*@*/new EventEmitter();", "events", 0},
    {"child_process", "const { execSync: run } = require('child_process');\n/*@*/run('ls');", "child_process.execSync", 0},
    /* contexts */
    {"top level", "const fs = require('fs');\n/*@*/fs.readFileSync('a');", "fs.readFileSync", CTX_STARTUP},
    {"startup helper", "function load() { /*@*/g(); }\nload();", NULL, CTX_STARTUP},
    {"route handler", "app.get('/', (req, res) => { /*@*/g(); });", NULL, CTX_HOT},
    {"helper of handler", "function h() { /*@*/g(); }\napp.post('/', (req, res) => h());", NULL, CTX_HOT},
    {"two hops", "function a() { /*@*/g(); }\nfunction b() { a(); }\nserver.on('request', b);", NULL, CTX_HOT},
    {"createServer", "const http = require('http');\nhttp.createServer(function (q, s) { /*@*/g(); });", NULL, CTX_HOT},
    {"destructured createServer", "const { createServer } = require('node:https');\ncreateServer({}, (q, s) => { /*@*/g(); });", NULL, CTX_HOT},
    {"setInterval", "setInterval(() => { /*@*/g(); }, 10);", NULL, CTX_HOT},
    {"then at start-up runs once", "p.then(() => { /*@*/g(); });", NULL, CTX_ONCE},
    {"then in a handler", "app.get('/', (req, res) => { p.then(() => { /*@*/g(); }); });", NULL, CTX_HOT},
    {"setTimeout at start-up runs once", "setTimeout(() => { /*@*/g(); }, 10);", NULL, CTX_ONCE},
    {"setTimeout in a listener", "bus.on('x', () => setTimeout(() => { /*@*/g(); }, 1));", NULL, CTX_HOT},
    {"once listener at start-up", "db.once('connect', () => { /*@*/g(); });", NULL, CTX_ONCE},
    {"listen callback", "server.listen(3000, () => { /*@*/g(); });", NULL, CTX_STARTUP},
    {"exit listener", "process.on('exit', () => { /*@*/g(); });", NULL, CTX_STARTUP},
    {"forEach inherits hot", "app.get('/', (req, res) => { [1].forEach(() => { /*@*/g(); }); });", NULL, CTX_HOT},
    {"forEach inherits startup", "[1].forEach(() => { /*@*/g(); });", NULL, CTX_STARTUP},
    {"exported unknown", "function f() { /*@*/g(); }\nmodule.exports = { f };", NULL, CTX_UNKNOWN},
    {"exported and called at startup", "function f() { /*@*/g(); }\nf();\nexports.f = f;", NULL, CTX_UNKNOWN},
    {"esm export", "export function f() { /*@*/g(); }", NULL, CTX_UNKNOWN},
    {"signature", "module.exports = (req, res) => { /*@*/g(); };", NULL, CTX_HOT},
    {"method via this", "class S { a() { /*@*/g(); } b() { this.a(); } }\nconst s = new S();\napp.get('/', (q, r) => s.b());", NULL, CTX_HOT},
    {"constructor at startup", "class S { constructor() { /*@*/g(); } }\nconst s = new S();", NULL, CTX_STARTUP},
    {"object method handler", "const h = { list(req, res) { /*@*/g(); } };\napp.get('/', h.list);", NULL, CTX_HOT},
    {"bound handler", "function h() { /*@*/g(); }\nemitter.on('x', h.bind(null));", NULL, CTX_HOT},
    {"shebang cli", "#!/usr/bin/env node\nsetInterval(() => { /*@*/g(); }, 10);", NULL, CTX_STARTUP},
    {"shebang with server", "#!/usr/bin/env node\nhttp.createServer((q, s) => { /*@*/g(); }).listen(1);", NULL, CTX_HOT},
    {"fastify route object", "fastify.route({ url: '/', handler: async (request, reply) => { /*@*/g(); } });", NULL, CTX_HOT},
    {"unreached nested closure", "app.get('/', (req, res) => { const f = () => { /*@*/g(); }; return f; });", NULL, CTX_HOT},
};

static TSNode find_call_after(TSNode n, uint32_t byte) {
  TSTreeCursor c = ts_tree_cursor_new(n);
  TSNode found = {0};
  for (;;) {
    TSNode cur = ts_tree_cursor_current_node(&c);
    const char *t = ts_node_type(cur);
    if (ts_node_start_byte(cur) >= byte && (!strcmp(t, "call_expression") || !strcmp(t, "new_expression"))) {
      found = cur;
      break;
    }
    if (ts_node_end_byte(cur) > byte && ts_tree_cursor_goto_first_child(&c)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&c))
      if (!ts_tree_cursor_goto_parent(&c)) goto done;
  }
done:
  ts_tree_cursor_delete(&c);
  return found;
}

int main(void) {
  TSParser *parser = ts_parser_new();
  ts_parser_set_language(parser, tree_sitter_javascript());
  int failed = 0, n = (int)(sizeof cases / sizeof *cases);
  for (int i = 0; i < n; i++) {
    const Case *k = &cases[i];
    size_t len = strlen(k->src);
    TSTree *tree = ts_parser_parse_string(parser, NULL, k->src, (uint32_t)len);
    Sem *sem = sem_new(tree, k->src, len, NULL);
    const char *mark = strstr(k->src, "/*@*/");
    TSNode call = find_call_after(ts_tree_root_node(tree), (uint32_t)(mark - k->src));
    char *path = ts_node_is_null(call) ? NULL : sem_resolve_callee(sem, call);
    int ctx = ts_node_is_null(call) ? -2 : (int)sem_context_at(sem, ts_node_start_byte(call));
    int path_ok = k->path ? path && !strcmp(path, k->path) : (path == NULL || strncmp(path, "fs.", 3) != 0);
    int ctx_ok = k->ctx < 0 || ctx == k->ctx;
    if (ts_node_is_null(call) || !path_ok || !ctx_ok) {
      failed++;
      printf("FAIL %-32s path=%s (want %s) ctx=%d (want %d)\n", k->name, path ? path : "(none)",
             k->path ? k->path : "(none)", ctx, k->ctx);
    } else {
      printf("ok   %s\n", k->name);
    }
    free(path);
    sem_free(sem);
    ts_tree_delete(tree);
  }
  ts_parser_delete(parser);
  printf("%d passed, %d failed\n", n - failed, failed);
  return failed ? 1 : 0;
}
