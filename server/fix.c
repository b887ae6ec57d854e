/* fix.c: mechanical quick fixes, computed from the syntax tree of an open document:
 *  - fs.<name>Sync(…) inside an async function → await fs.promises.<name>(…)
 *  - process.nextTick(f) / queueMicrotask(f) / Promise.resolve().then(f) → setImmediate(f)
 *  - emitter.on(ev, oneShotHandler) → emitter.once(ev, …)
 * Only rewrites whose meaning is clear from the code are offered. */
#include "looplens/engine.h"
#include "looplens/rule.h"
#include "looplens/strbuf.h"
#include "sem.h"
#include "engine_private.h"
#include "syms.h"
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

static const struct { const char *sync, *promise; } fix__fs_twins[] = {
    {"readFileSync", "readFile"}, {"writeFileSync", "writeFile"}, {"appendFileSync", "appendFile"},
    {"statSync", "stat"},         {"lstatSync", "lstat"},         {"readdirSync", "readdir"},
    {"mkdirSync", "mkdir"},       {"rmSync", "rm"},               {"rmdirSync", "rmdir"},
    {"unlinkSync", "unlink"},     {"renameSync", "rename"},       {"copyFileSync", "copyFile"},
    {"accessSync", "access"},     {"realpathSync", "realpath"},   {"readlinkSync", "readlink"},
    {"chmodSync", "chmod"},       {"truncateSync", "truncate"},   {"mkdtempSync", "mkdtemp"},
};

static void fix__add(EngineFixList *out, const char *title, TSNode n, char *text) {
  vec_push(out, ((EngineFix){ll_strdup(title), ts_node_start_byte(n), ts_node_end_byte(n), text}));
}

static bool fix__text_is(const char *src, TSNode n, const char *s) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return strlen(s) == b - a && !memcmp(src + a, s, b - a);
}

static char *fix__text(const char *src, TSNode n) {
  return ll_strndup(src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
}

/* Is n in the body of an async function (an `await` allowed there)? Not in its parameters, nor in
 * a class field or static block inside it: an `await` there is a SyntaxError. */
static bool fix__in_async_function(TSNode n) {
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
    const char *t = ts_node_type(p);
    if (!strcmp(t, "formal_parameters") || !strcmp(t, "field_definition") || !strcmp(t, "class_static_block"))
      return false;
    if (!sem_is_function_node(p)) continue;
    for (uint32_t i = 0; i < ts_node_child_count(p) && i < 3; i++)
      if (!strcmp(ts_node_type(ts_node_child(p, i)), "async")) return true;
    return false;
  }
  return false;
}

static void fix__sync_fs(const char *src, TSNode call, EngineFixList *out) {
  TSNode fn = node_field(call, F_function), args = node_field(call, F_arguments);
  if (ts_node_is_null(fn) || ts_node_is_null(args) || !node_is(fn, S_member_expression)) return;
  TSNode obj = node_field(fn, F_object), prop = node_field(fn, F_property);
  const char *twin = NULL;
  for (size_t i = 0; i < sizeof fix__fs_twins / sizeof *fix__fs_twins && !twin; i++)
    if (fix__text_is(src, prop, fix__fs_twins[i].sync)) twin = fix__fs_twins[i].promise;
  if (!twin || !fix__in_async_function(call)) return;
  TSNode parent = ts_node_parent(call);
  bool wrap = !ts_node_is_null(parent) && (node_is(parent, S_member_expression) || node_is(parent, S_subscript_expression) ||
                                           (node_is(parent, S_call_expression) && ts_node_eq(node_field(parent, F_function), call)));
  char *o = fix__text(src, obj), *a = fix__text(src, args);
  StrBuf b = {0};
  strbuf_printf(&b, "%sawait %s.promises.%s%s%s", wrap ? "(" : "", o, twin, a, wrap ? ")" : "");
  StrBuf title = {0};
  strbuf_printf(&title, "Use await %s.promises.%s (runs on libuv's thread pool)", o, twin);
  fix__add(out, strbuf_cstr(&title), call, strbuf_steal(&b));
  strbuf_free(&title);
  free(o);
  free(a);
}

static void fix__microtask(const char *src, TSNode call, EngineFixList *out) {
  TSNode fn = node_field(call, F_function), args = node_field(call, F_arguments);
  if (ts_node_is_null(fn) || ts_node_is_null(args)) return;
  const char *title = "Reschedule with setImmediate (lets timers and I/O run in between)";
  if (fix__text_is(src, fn, "process.nextTick") || fix__text_is(src, fn, "queueMicrotask")) {
    fix__add(out, title, fn, ll_strdup("setImmediate"));
    return;
  }
  /* Promise.resolve().then(f) → setImmediate(f) */
  if (node_is(fn, S_member_expression) && fix__text_is(src, node_field(fn, F_property), "then") &&
      ts_node_named_child_count(args) == 1) {
    TSNode recv = node_field(fn, F_object);
    TSNode rfn = ts_node_is_null(recv) ? recv : node_field(recv, F_function);
    if (!ts_node_is_null(rfn) && fix__text_is(src, rfn, "Promise.resolve")) {
      char *a = fix__text(src, args);
      StrBuf b = {0};
      strbuf_printf(&b, "setImmediate%s", a);
      free(a);
      fix__add(out, title, call, strbuf_steal(&b));
    }
  }
}

/* A handler that finishes something: ends the response or settles a promise. */
static bool fix__one_shot(const char *src, TSNode handler) {
  if (ts_node_is_null(handler)) return false;
  if (node_is(handler, S_identifier))
    return fix__text_is(src, handler, "resolve") || fix__text_is(src, handler, "reject");
  if (!sem_is_function_node(handler)) return false;
  char *body = fix__text(src, handler);
  bool yes = strstr(body, "resolve(") || strstr(body, "reject(") || strstr(body, ".end(") || strstr(body, ".destroy(");
  free(body);
  return yes;
}

static void fix__listener(const char *src, TSNode call, EngineFixList *out) {
  TSNode fn = node_field(call, F_function), args = node_field(call, F_arguments);
  if (ts_node_is_null(fn) || ts_node_is_null(args) || !node_is(fn, S_member_expression)) return;
  TSNode prop = node_field(fn, F_property);
  if (!fix__text_is(src, prop, "on") && !fix__text_is(src, prop, "addListener")) return;
  if (ts_node_named_child_count(args) < 2 || !fix__one_shot(src, ts_node_named_child(args, 1))) return;
  fix__add(out, "Listen once: the handler finishes its work the first time", prop, ll_strdup("once"));
}

void engine_doc_fixes(const EngineDoc *doc, const char *src, size_t len, const Diag *d, EngineFixList *out) {
  TSTree *tree = engine__doc_tree(doc);
  if (!tree || d->end_byte > len) return;
  syms_init();
  TSNode n = ts_node_descendant_for_byte_range(ts_tree_root_node(tree), d->start_byte, d->end_byte);
  while (!ts_node_is_null(n) && !(node_is(n, S_call_expression) && ts_node_start_byte(n) == d->start_byte &&
                                   ts_node_end_byte(n) == d->end_byte))
    n = ts_node_parent(n);
  if (ts_node_is_null(n)) return;
  const char *id = d->rule->id;
  if (!strcmp(id, "sync-fs-in-hot-path")) fix__sync_fs(src, n, out);
  else if (!strcmp(id, "microtask-recursion")) fix__microtask(src, n, out);
  else if (!strcmp(id, "listener-leak")) fix__listener(src, n, out);
}

void engine_fix_list_free(EngineFixList *self) {
  for (size_t i = 0; i < self->len; i++) {
    free(self->items[i].title);
    free(self->items[i].text);
  }
  vec_free(self);
}
