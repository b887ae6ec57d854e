/* sem_resolve.c: what an expression denotes — a Node core module member ("fs.readFileSync"),
 * a global ("process"), an npm/relative import ("pkg:./db"), or a local function. */
#include "sem.h"
#include "syms.h"
#include "sem_private.h"
#include "looplens/summary.h"
#include <stdlib.h>
#include <string.h>

enum { SEM_MAX_DEPTH = 12 };

static const char *const sem__core_modules[] = {
    "assert", "assert/strict", "async_hooks", "buffer", "child_process", "cluster", "console", "constants",
    "crypto", "dgram", "diagnostics_channel", "dns", "dns/promises", "domain", "events", "fs", "fs/promises",
    "http", "http2", "https", "inspector", "module", "net", "os", "path", "path/posix", "path/win32",
    "perf_hooks", "process", "punycode", "querystring", "readline", "readline/promises", "repl", "stream",
    "stream/promises", "stream/web", "string_decoder", "timers", "timers/promises", "tls", "trace_events", "tty",
    "url", "util", "util/types", "v8", "vm", "wasi", "worker_threads", "zlib", NULL};

/* Globals that are the same object as a core module member; canonical names drop the module. */
static const char *const sem__globals[] = {
    "process", "Atomics", "Date", "performance", "require", "setTimeout", "setInterval", "setImmediate",
    "clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask", "Buffer", "JSON", "Promise", "console",
    "RegExp", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "Object", "Array", "EventTarget", "AbortController",
    "structuredClone", "fetch", "SharedArrayBuffer", "Int32Array", NULL};

static const struct { const char *from, *to; } sem__canonical[] = {
    {"perf_hooks.performance", "performance"}, {"timers.setTimeout", "setTimeout"},
    {"timers.setInterval", "setInterval"}, {"timers.setImmediate", "setImmediate"},
    {"timers.clearInterval", "clearInterval"}, {"events.EventEmitter", "events"},
    {"globalThis.process", "process"}, {"global.process", "process"}, {"buffer.Buffer", "Buffer"},
    {"fs.promises", "fs/promises"}, {"dns.promises", "dns/promises"}, {"node:process", "process"}};

uint32_t sem__line(TSNode n) { return ts_node_start_point(n).row + 1; }

/* Canonical module id of a require/import specifier: "node:fs" → "fs"; non-core → "pkg:<spec>". */
static char *sem__module_id(const char *spec) {
  const char *s = strncmp(spec, "node:", 5) ? spec : spec + 5;
  for (const char *const *m = sem__core_modules; *m; m++)
    if (!strcmp(*m, s)) return ll_strdup(s);
  StrBuf b = {0};
  strbuf_printf(&b, "pkg:%s", spec);
  return strbuf_steal(&b);
}

/* Applies the canonical renames to the longest matching prefix ("fs.promises.readFile" → "fs/promises.readFile"). */
static char *sem__canon(char *path) {
  for (size_t i = 0; i < sizeof sem__canonical / sizeof *sem__canonical; i++) {
    size_t n = strlen(sem__canonical[i].from);
    if (!strncmp(path, sem__canonical[i].from, n) && (path[n] == '\0' || path[n] == '.')) {
      StrBuf b = {0};
      strbuf_printf(&b, "%s%s", sem__canonical[i].to, path + n);
      free(path);
      return strbuf_steal(&b);
    }
  }
  return path;
}

char *sem__member_name(const Sem *self, TSNode m) {
  TSSymbol t = ts_node_symbol(m);
  if (t == SYM(member_expression)) {
    TSNode p = node_field(m, F_property);
    if (ts_node_is_null(p) || !node_is(p, S_property_identifier)) return NULL;
    return sem_node_text(self, p);
  }
  if (t == SYM(subscript_expression)) return sem_string_value(self, node_field(m, F_index));
  return NULL;
}

static char *sem__resolve(Sem *self, TSNode n, int depth);

/* Is `require` here the real CommonJS require (not shadowed by a local binding)? */
static bool sem__is_require(Sem *self, TSNode fn) {
  if (!node_is(fn, S_identifier) || !sem_node_is(self, fn, "require")) return false;
  return sem_lookup(self, "require", 7, ts_node_start_byte(fn)) == NULL;
}

static char *sem__decl_path(Sem *self, SemDecl *d, int depth) {
  if (d->resolve_state == 2) return d->path ? ll_strdup(d->path) : NULL;
  if (d->resolve_state == 1 || d->kind != DECL_VALUE) return NULL; /* a cycle, or a param/function */
  d->resolve_state = 1;
  char *base = NULL;
  if (d->import_source) base = sem__module_id(d->import_source);
  else if (!ts_node_is_null(d->value) && (d->is_const || d->module_level)) base = sem__resolve(self, d->value, depth + 1);
  char *path = base;
  if (base && d->member) {
    StrBuf b = {0};
    /* `import EventEmitter from 'events'`/`import { EventEmitter }`: both the class */
    strbuf_printf(&b, "%s.%s", base, d->member);
    free(base);
    path = sem__canon(strbuf_steal(&b));
  }
  return path;
}

static char *sem__resolve_ident(Sem *self, TSNode n, int depth) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  SemDecl *d = (SemDecl *)sem_lookup(self, self->src + s, e - s, s);
  if (d && self->outer && !sem__owns_decl(self, d)) self = self->outer->base; /* resolved in its own model */
  if (d) {
    if (d->resolve_state != 2) {
      char *p = sem__decl_path(self, d, depth);
      d->path = p;
      d->resolve_state = 2;
    }
    return d->path ? ll_strdup(d->path) : NULL;
  }
  for (const char *const *g = sem__globals; *g; g++)
    if (sem_node_is(self, n, *g)) return ll_strdup(*g);
  if (sem_node_is(self, n, "globalThis") || sem_node_is(self, n, "global")) return ll_strdup("globalThis");
  return NULL;
}

static char *sem__resolve(Sem *self, TSNode n, int depth) {
  if (ts_node_is_null(n) || depth > SEM_MAX_DEPTH) return NULL;
  TSSymbol t = ts_node_symbol(n);
  if (t == SYM(identifier) || t == SYM(shorthand_property_identifier)) return sem__resolve_ident(self, n, depth);
  if (t == SYM(parenthesized_expression)) return sem__resolve(self, ts_node_named_child(n, 0), depth + 1);
  if (t == SYM(await_expression)) return sem__resolve(self, ts_node_named_child(n, 0), depth + 1);
  if (t == SYM(member_expression) || t == SYM(subscript_expression)) {
    char *name = sem__member_name(self, n);
    if (!name) return NULL;
    char *obj = sem__resolve(self, node_field(n, F_object), depth + 1);
    if (!obj) {
      free(name);
      return NULL;
    }
    StrBuf b = {0};
    strbuf_printf(&b, "%s.%s", obj, name);
    free(obj);
    free(name);
    return sem__canon(strbuf_steal(&b));
  }
  if (t == SYM(call_expression)) {
    TSNode fn = node_field(n, F_function);
    TSNode args = node_field(n, F_arguments);
    if (!ts_node_is_null(fn) && sem__is_require(self, fn) && !ts_node_is_null(args)) {
      char *spec = sem_string_value(self, ts_node_named_child(args, 0));
      if (!spec) return NULL;
      char *id = sem__module_id(spec);
      free(spec);
      return sem__canon(id);
    }
    if (!ts_node_is_null(fn) && !strcmp(ts_node_type(fn), "import")) { /* await import('fs') */
      char *spec = sem_string_value(self, ts_node_named_child(args, 0));
      char *id = spec ? sem__module_id(spec) : NULL;
      free(spec);
      return id;
    }
    return NULL;
  }
  if (t == SYM(new_expression)) {
    char *ctor = sem__resolve(self, node_field(n, F_constructor), depth + 1);
    if (!ctor) return NULL;
    StrBuf b = {0};
    strbuf_printf(&b, "new:%s", ctor);
    free(ctor);
    return strbuf_steal(&b);
  }
  if (t == SYM(this)) return ll_strdup("this");
  return NULL;
}

/* An import another file made an alias of a Node API ("pkg:./io.loader" is "fs.readFileSync"):
 * the path as the API, members after it kept. Takes path. */
static char *sem__aliased(const Sem *self, char *path) {
  for (size_t i = 0; path && i < self->naliases; i++) {
    size_t n = strlen(self->aliases[i].from);
    if (strncmp(path, self->aliases[i].from, n) || (path[n] && path[n] != '.')) continue;
    StrBuf b = {0};
    strbuf_printf(&b, "%s%s", self->aliases[i].to, path + n);
    free(path);
    return strbuf_steal(&b);
  }
  return path;
}

char *sem_resolve(Sem *self, TSNode expr) { return sem__aliased(self, sem__resolve(self, expr, 0)); }

static char *sem__resolve_callee(Sem *self, TSNode call);

char *sem_resolve_callee(Sem *self, TSNode call) {
  const char *p = sem_resolve_callee_ref(self, call);
  return p ? ll_strdup(p) : NULL;
}

/* Several rules ask about the same call: resolve each call once per model. */
const char *sem_resolve_callee_ref(Sem *self, TSNode call) {
  if (!self->callee_cache) {
    size_t cap = 64;
    /* sized from the calls the walk saw */
    while (cap < self->calls.len * 2) cap *= 2;
    self->callee_cache = calloc(cap, sizeof *self->callee_cache);
    if (!self->callee_cache) abort();
    self->callee_cap = cap;
  }
  uint32_t s = ts_node_start_byte(call), e = ts_node_end_byte(call);
  size_t mask = self->callee_cap - 1, i = ((s * 2654435761u) ^ e) & mask;
  for (size_t probes = 0; probes < self->callee_cap; probes++, i = (i + 1) & mask) {
    struct SemCalleeSlot *slot = &self->callee_cache[i];
    if (!slot->used) {
      slot->used = true, slot->start = s, slot->end = e;
      slot->path = sem__resolve_callee(self, call);
      return slot->path;
    }
    if (slot->start == s && slot->end == e) return slot->path;
  }
  /* table full (asked about far more nodes than there are calls): grow it and retry */
  struct SemCalleeSlot *old = self->callee_cache;
  size_t old_cap = self->callee_cap;
  self->callee_cache = NULL;
  for (size_t k = 0; k < old_cap; k++) free(old[k].path);
  free(old);
  size_t want = old_cap * 2;
  self->callee_cache = calloc(want, sizeof *self->callee_cache);
  if (!self->callee_cache) abort();
  self->callee_cap = want;
  return sem_resolve_callee_ref(self, call);
}

static char *sem__resolve_callee(Sem *self, TSNode call) {
  TSSymbol t = ts_node_symbol(call);
  if (t == SYM(call_expression)) {
    TSNode fn = node_field(call, F_function);
    char *m = ts_node_is_null(fn) ? NULL : sem__member_name(self, fn);
    bool indirect = m && (!strcmp(m, "call") || !strcmp(m, "apply")); /* fs.readFileSync.call(fs, p) */
    free(m);
    if (indirect) fn = node_field(fn, F_object);
    return sem__aliased(self, sem__resolve(self, fn, 0));
  }
  if (t == SYM(new_expression)) return sem__resolve(self, node_field(call, F_constructor), 0);
  return sem__resolve(self, call, 0);
}

/* --- local functions ------------------------------------------------------------------------ */

static int sem__func_starting_at(const Sem *self, uint32_t start) {
  int f = sem_func_at(self, start);
  while (f >= 0 && self->funcs.items[f].start != start) f = self->funcs.items[f].parent;
  return f;
}

/* Functions that belong to a class or object literal, ordered by (owner, name, index), so that a
 * method is found by binary search instead of a scan of every function (a class calling its own
 * methods through `this` made that quadratic). */
static _Thread_local const Sem *sem__owned_ctx; /* qsort takes no context */

static int sem__owned_cmp_key(const Sem *self, int f, int owner, const char *name, size_t n) {
  const SemFunc *x = &self->funcs.items[f];
  if (x->owner != owner) return x->owner < owner ? -1 : 1;
  size_t xn = x->name_end - x->name_start;
  int c = memcmp(self->src + x->name_start, name, xn < n ? xn : n);
  return c ? c : (xn > n) - (xn < n);
}

static int sem__owned_cmp(const void *a, const void *b) {
  int i = *(const int *)a, j = *(const int *)b;
  const SemFunc *y = &sem__owned_ctx->funcs.items[j];
  int c = sem__owned_cmp_key(sem__owned_ctx, i, y->owner, sem__owned_ctx->src + y->name_start, y->name_end - y->name_start);
  return c ? c : (i > j) - (i < j);
}

void sem__owned_build(Sem *self) {
  for (size_t i = 0; i < self->funcs.len; i++)
    if (self->funcs.items[i].owner >= 0) vec_push(&self->owned, (int)i);
  sem__owned_ctx = self;
  if (self->owned.len > 1) qsort(self->owned.items, self->owned.len, sizeof(int), sem__owned_cmp);
  sem__owned_ctx = NULL;
}

/* The first position in owned at or after (owner, name). */
static size_t sem__owned_lower(const Sem *self, int owner, const char *name, size_t n) {
  size_t lo = 0, hi = self->owned.len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (sem__owned_cmp_key(self, self->owned.items[mid], owner, name, n) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

size_t sem__owned_first(const Sem *self, int owner) { return sem__owned_lower(self, owner, "", 0); }

/* The method `name` of an owner (class or object literal starting at owner_start): the first
 * function in file order, where several share the name. */
static int sem__method(const Sem *self, uint32_t owner_start, const char *name) {
  size_t n = strlen(name), i = sem__owned_lower(self, (int)owner_start, name, n);
  return i < self->owned.len && !sem__owned_cmp_key(self, self->owned.items[i], (int)owner_start, name, n)
             ? self->owned.items[i]
             : -1;
}

/* The class or object literal an expression stands for, as an owner start byte; -1 if unknown. */
static int sem__owner_of(Sem *self, TSNode obj, int depth) {
  if (depth > SEM_MAX_DEPTH || ts_node_is_null(obj)) return -1;
  TSSymbol t = ts_node_symbol(obj);
  if (t == SYM(this)) {
    for (int f = sem_func_at(self, ts_node_start_byte(obj)); f >= 0; f = self->funcs.items[f].parent)
      if (node_is(self->funcs.items[f].node, S_method_definition)) {
        /* methods of object literals are owned by the object; of classes, by the class node */
        return self->funcs.items[f].owner;
      }
    if (self->outer) { /* the region's top level runs in the base function around it */
      const Sem *b = self->outer->base;
      for (int f = self->outer->func; f >= 0; f = b->funcs.items[f].parent)
        if (node_is(b->funcs.items[f].node, S_method_definition))
          return b->funcs.items[f].owner >= 0 ? SEM_OUTER_FUNC(b->funcs.items[f].owner) : -1;
    }
    return -1;
  }
  if (t == SYM(object)) return (int)ts_node_start_byte(obj);
  if (t == SYM(class) || t == SYM(class_declaration)) return (int)ts_node_start_byte(obj);
  if (t == SYM(new_expression)) return sem__owner_of(self, node_field(obj, F_constructor), depth + 1);
  if (t == SYM(identifier)) {
    uint32_t s = ts_node_start_byte(obj), e = ts_node_end_byte(obj);
    const SemDecl *d = sem_lookup(self, self->src + s, e - s, s);
    if (!d || d->kind != DECL_VALUE || ts_node_is_null(d->value) || d->member) return -1;
    if (self->outer && !sem__owns_decl(self, d)) {
      int o = sem__owner_of(self->outer->base, d->value, depth + 1);
      return o >= 0 ? SEM_OUTER_FUNC(o) : -1;
    }
    return sem__owner_of(self, d->value, depth + 1);
  }
  return -1;
}

static int sem__func_of(Sem *self, TSNode n, int depth) {
  if (ts_node_is_null(n) || depth > SEM_MAX_DEPTH) return -1;
  TSSymbol t = ts_node_symbol(n);
  if (sem_is_function_node(n)) return sem__func_starting_at(self, ts_node_start_byte(n));
  if (t == SYM(parenthesized_expression)) return sem__func_of(self, ts_node_named_child(n, 0), depth + 1);
  if (t == SYM(identifier)) {
    uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
    const SemDecl *d = sem_lookup(self, self->src + s, e - s, s);
    if (!d) return -1;
    if (self->outer && !sem__owns_decl(self, d)) { /* a function outside the region */
      Sem *b = self->outer->base;
      int g = d->kind == DECL_FUNC ? d->func
              : d->kind == DECL_VALUE && !d->member && !ts_node_is_null(d->value) && d->is_const
                  ? sem__func_of(b, d->value, depth + 1)
                  : -1;
      return g >= 0 ? SEM_OUTER_FUNC(g) : -1;
    }
    if (d->kind == DECL_FUNC) return d->func;
    if (d->kind == DECL_VALUE && !d->member && !ts_node_is_null(d->value) && d->is_const)
      return sem__func_of(self, d->value, depth + 1);
    return -1;
  }
  if (t == SYM(class_declaration) || t == SYM(class)) { /* new C(): its constructor */
    return sem__method(self, ts_node_start_byte(n), "constructor");
  }
  if (t == SYM(member_expression)) {
    int owner = sem__owner_of(self, node_field(n, F_object), depth + 1); /* cheap test first */
    if (owner == -1) return -1;
    char *name = sem__member_name(self, n);
    int f;
    if (owner < -1) { /* a class or object outside the region */
      f = name ? sem__method(self->outer->base, (uint32_t)SEM_OUTER_FUNC(owner), name) : -1;
      f = f >= 0 ? SEM_OUTER_FUNC(f) : -1;
    } else {
      f = name ? sem__method(self, (uint32_t)owner, name) : -1;
    }
    free(name);
    return f;
  }
  if (t == SYM(call_expression)) { /* fn.bind(this) */
    TSNode fn = node_field(n, F_function);
    char *name = ts_node_is_null(fn) ? NULL : sem__member_name(self, fn);
    int f = -1;
    if (name && !strcmp(name, "bind")) f = sem__func_of(self, node_field(fn, F_object), depth + 1);
    free(name);
    return f;
  }
  return -1;
}

int sem_func_of(Sem *self, TSNode expr) { return sem__func_of(self, expr, 0); }

bool sem_await_settled(Sem *sem, TSNode aw) {
  TSNode v = ts_node_named_child(aw, 0);
  if (ts_node_is_null(v)) return true;
  if (node_is(v, S_number) || node_is(v, S_string) || node_is(v, S_true) || node_is(v, S_null) ||
      node_is(v, S_undefined) || node_is(v, S_unary_expression))
    return true;
  if (node_is(v, S_identifier) && sem_node_is(sem, v, "undefined")) return true;
  if (node_is(v, S_call_expression)) {
    const char *p = sem_resolve_callee_ref(sem, v);
    return p && !strcmp(p, "Promise.resolve");
  }
  return false;
}

bool sem_contains(TSNode n, SymId sym, SymId also) {
  TSTreeCursor cur = ts_tree_cursor_new(n);
  bool found = false;
  for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok && !found;) {
    TSNode c = ts_tree_cursor_current_node(&cur);
    if (node_is(c, sym) || node_is(c, also)) found = true;
    else if (!sem_is_function_node(c) && ts_tree_cursor_goto_first_child(&cur)) continue;
    while (!found && !ts_tree_cursor_goto_next_sibling(&cur)) {
      if (!ts_tree_cursor_goto_parent(&cur) || ts_node_eq(ts_tree_cursor_current_node(&cur), n)) {
        ok = false;
        break;
      }
    }
  }
  ts_tree_cursor_delete(&cur);
  return found;
}
