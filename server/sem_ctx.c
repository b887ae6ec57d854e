/* sem_ctx.c: where each function runs. Roots are the callbacks a server, router, emitter, timer or
 * promise will call later (hot) and the module's top level (start-up); contexts flow along the calls
 * made inside the file. Hot wins over start-up; what nothing reaches is unknown. */
#include "sem.h"
#include "syms.h"
#include "sem_private.h"
#include "looplens/summary.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ctx__route_methods[] = {"get", "post", "put", "patch", "delete", "del", "all", "use",
                                                 "route", "handle", "head", "options", NULL};
static const char *const ctx__listen_methods[] = {"on", "once", "addListener", "prependListener",
                                                  "prependOnceListener", "addEventListener", NULL};
/* Events that fire once around start-up or shutdown: their listeners are not the hot path. */
static const char *const ctx__lifecycle_events[] = {"listening", "exit", "beforeExit", "SIGINT", "SIGTERM",
                                                    "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "uncaughtException",
                                                    "unhandledRejection", "close", "ready", NULL};
static const char *const ctx__server_packages[] = {"pkg:express", "pkg:koa", "pkg:fastify", "pkg:@hapi/hapi",
                                                   "pkg:hapi", "pkg:restify", "pkg:polka", "pkg:micro", NULL};

static bool ctx__in(const char *s, const char *const *list) {
  for (; s && *list; list++)
    if (!strcmp(s, *list)) return true;
  return false;
}

static bool ctx__path_is_server_factory(const char *p) {
  static const char *const f[] = {"http.createServer", "https.createServer", "http2.createServer",
                                  "http2.createSecureServer", "net.createServer", "tls.createServer", NULL};
  return ctx__in(p, f);
}

void sem__note_call(Sem *self, TSNode call) {
  if (self->has_server) return;
  if (node_is(call, S_new_expression)) return;
  TSNode fn = node_field(call, F_function);
  if (ts_node_is_null(fn)) return;
  TSNode name = node_is(fn, S_member_expression) ? node_field(fn, F_property) : fn;
  if (ts_node_is_null(name)) return;
  if (sem_node_is(self, name, "listen") || sem_node_is(self, name, "createServer") ||
      sem_node_is(self, name, "createSecureServer"))
    self->has_server = true;
}

void sem__note_export(Sem *self, TSNode n) {
  TSNode decl = node_field(n, F_declaration);
  TSNode value = node_field(n, F_value);
  if (!ts_node_is_null(value)) { /* export default <expr> */
    vec_push(&self->exported_at, ts_node_start_byte(value));
    if (node_is(value, S_identifier)) vec_push(&self->exported_names, sem_node_text(self, value));
  }
  if (!ts_node_is_null(decl)) {
    TSSymbol t = ts_node_symbol(decl);
    TSNode name = node_field(decl, F_name);
    if (!ts_node_is_null(name)) vec_push(&self->exported_names, sem_node_text(self, name));
    if (t == SYM(function_declaration) || t == SYM(generator_function_declaration) || t == SYM(class_declaration))
      vec_push(&self->exported_at, ts_node_start_byte(decl));
    if (t == SYM(lexical_declaration) || t == SYM(variable_declaration)) {
      uint32_t k = ts_node_named_child_count(decl);
      for (uint32_t i = 0; i < k; i++) {
        TSNode d = ts_node_named_child(decl, i);
        TSNode nm = node_field(d, F_name);
        if (!ts_node_is_null(nm) && node_is(nm, S_identifier))
          vec_push(&self->exported_names, sem_node_text(self, nm));
      }
    }
  }
  uint32_t k = ts_node_named_child_count(n); /* export { a, b as c } */
  for (uint32_t i = 0; i < k; i++) {
    TSNode c = ts_node_named_child(n, i);
    if (!node_is(c, S_export_clause)) continue;
    uint32_t m = ts_node_named_child_count(c);
    for (uint32_t j = 0; j < m; j++) {
      TSNode nm = node_field(ts_node_named_child(c, j), F_name);
      if (!ts_node_is_null(nm)) vec_push(&self->exported_names, sem_node_text(self, nm));
    }
  }
}

/* module.exports = x | { a, b: c, d() {} } ; exports.a = x ; module.exports.a = x */
void sem__note_assignment(Sem *self, TSNode n) {
  TSNode left = node_field(n, F_left);
  TSNode right = node_field(n, F_right);
  if (ts_node_is_null(left) || ts_node_is_null(right)) return;
  uint32_t s = ts_node_start_byte(left);
  const char *l = self->src + s;
  size_t len = ts_node_end_byte(left) - s;
  if (!(len >= 14 && !strncmp(l, "module.exports", 14)) && !(len > 8 && !strncmp(l, "exports.", 8))) return;
  TSSymbol t = ts_node_symbol(right);
  vec_push(&self->exported_at, ts_node_start_byte(right));
  if (t == SYM(identifier)) vec_push(&self->exported_names, sem_node_text(self, right));
  if (t == SYM(new_expression)) { /* a singleton instance: its class's methods are reachable */
    TSNode ctor = node_field(right, F_constructor);
    if (!ts_node_is_null(ctor)) vec_push(&self->exported_names, sem_node_text(self, ctor));
  }
  if (t != SYM(object)) return;
  uint32_t k = ts_node_named_child_count(right);
  for (uint32_t i = 0; i < k; i++) {
    TSNode c = ts_node_named_child(right, i);
    TSSymbol ct = ts_node_symbol(c);
    if (ct == SYM(shorthand_property_identifier)) vec_push(&self->exported_names, sem_node_text(self, c));
    else if (ct == SYM(pair)) {
      TSNode v = node_field(c, F_value);
      if (!ts_node_is_null(v) && node_is(v, S_identifier)) vec_push(&self->exported_names, sem_node_text(self, v));
      else if (!ts_node_is_null(v)) vec_push(&self->exported_at, ts_node_start_byte(v));
    } else if (ct == SYM(method_definition)) vec_push(&self->exported_at, ts_node_start_byte(c));
  }
}

static void ctx__export_owner(Sem *self, uint32_t owner) {
  for (size_t i = sem__owned_first(self, (int)owner);
       i < self->owned.len && self->funcs.items[self->owned.items[i]].owner == (int)owner; i++)
    self->funcs.items[self->owned.items[i]].exported = true;
}

void sem__exports_resolve(Sem *self) {
  for (size_t i = 0; i < self->exported_at.len; i++) {
    uint32_t at = self->exported_at.items[i];
    int f = sem_func_at(self, at);
    if (f >= 0 && self->funcs.items[f].start == at) self->funcs.items[f].exported = true;
    ctx__export_owner(self, at); /* an exported class or object literal: its methods */
  }
  for (size_t i = 0; i < self->exported_names.len; i++) {
    const char *name = self->exported_names.items[i];
    const SemDecl *d = sem_lookup(self, name, strlen(name), 0);
    if (!d || !sem__owns_decl(self, d)) continue;
    if (d->kind == DECL_FUNC && d->func >= 0) self->funcs.items[d->func].exported = true;
    if (d->kind == DECL_VALUE && !ts_node_is_null(d->value)) ctx__export_owner(self, ts_node_start_byte(d->value));
  }
  for (size_t i = 0; i < self->decls.len; i++) { /* importing a server framework means a server */
    const SemDecl *d = &self->decls.items[i];
    if (!d->module_level || d->kind != DECL_VALUE) continue;
    char *p = NULL;
    if (d->import_source) p = ll_strdup(d->import_source);
    else if (!ts_node_is_null(d->value) && node_is(d->value, S_call_expression))
      p = sem_node_text(self, d->value);
    if (p) {
      for (const char *const *s = ctx__server_packages; *s; s++)
        if (strstr(p, *s + 4)) self->has_server = true;
      free(p);
    }
  }
}

/* --- registration: what will call a function passed as an argument ------------------------- */

/* SEM_REG_HOT: called again and again (a route, a listener, an interval); SEM_REG_HOT_ONCE: called once,
 * later, while the server may be serving (setTimeout, .then, .once) — hot, but only recurring when
 * registered from recurring code. */

/* Source text for a message, on one line: `app\n  .get` is `app.get`; other runs of white space
 * become one space. In place; returns s. */
static char *ctx__one_line(char *s) {
  char *w = s;
  for (const char *r = s; *r;) {
    if (!strchr(" \t\r\n\f\v", *r)) {
      *w++ = *r++;
      continue;
    }
    while (*r && strchr(" \t\r\n\f\v", *r)) r++;
    if (w > s && w[-1] != '.' && *r && *r != '.') *w++ = ' ';
  }
  *w = '\0';
  return s;
}

SemRegKind sem__registration(Sem *self, TSNode call, StrBuf *why) {
  if (node_is(call, S_new_expression)) return SEM_REG_INHERIT; /* new Promise(executor) runs it now */
  TSNode fn = node_field(call, F_function);
  if (ts_node_is_null(fn)) return SEM_REG_INHERIT;
  SemRegKind kind = SEM_REG_INHERIT;
  char *path = sem_resolve(self, fn);
  char *method = sem__member_name(self, fn);
  char *callee = ctx__one_line(sem_node_text(self, fn));
  if (strlen(callee) > 40) strcpy(callee + 37, "...");
  uint32_t line = sem__line(call);
  static const char *const timers[] = {"setTimeout", "setInterval", "setImmediate", NULL};
  if (path && ctx__in(path, timers)) {
    strbuf_printf(why, "the timer callback passed to %s (line %u)", path, line);
    kind = !strcmp(path, "setInterval") ? SEM_REG_HOT : SEM_REG_HOT_ONCE;
  } else if ((path && ctx__path_is_server_factory(path)) ||
             (method && (!strcmp(method, "createServer") || !strcmp(method, "createSecureServer")))) {
    strbuf_printf(why, "the request handler passed to %s (line %u)", path ? path : callee, line), kind = SEM_REG_HOT;
  } else if (method && ctx__in(method, ctx__route_methods)) {
    strbuf_printf(why, "the route handler passed to %s (line %u)", callee, line), kind = SEM_REG_HOT;
  } else if (method && ctx__in(method, ctx__listen_methods)) {
    TSNode args = node_field(call, F_arguments);
    char *event = ts_node_is_null(args) ? NULL : sem_string_value(self, ts_node_named_child(args, 0));
    if (!ctx__in(event, ctx__lifecycle_events)) {
      if (event) strbuf_printf(why, "the '%s' listener registered with %s (line %u)", event, callee, line);
      else strbuf_printf(why, "the listener registered with %s (line %u)", callee, line);
      kind = !strcmp(method, "once") || !strcmp(method, "prependOnceListener") ? SEM_REG_HOT_ONCE : SEM_REG_HOT;
    }
    free(event);
  } else if (method && (!strcmp(method, "then") || !strcmp(method, "catch") || !strcmp(method, "finally"))) {
    strbuf_printf(why, "the promise callback passed to .%s (line %u)", method, line), kind = SEM_REG_HOT_ONCE;
  } else {
    for (size_t i = 0; i < self->extra_registrars.len; i++) {
      const char *r = self->extra_registrars.items[i];
      if ((method && !strcmp(r, method)) || !strcmp(r, callee) || (path && !strcmp(r, path))) {
        strbuf_printf(why, "the handler passed to %s (line %u, a configured hot-path registrar)", callee, line);
        kind = SEM_REG_HOT;
        break;
      }
    }
  }
  free(path);
  free(method);
  free(callee);
  return kind;
}

/* sem_region_effects at work: a call or registration reaching a function outside [fx_from, fx_to)
 * (or outside the region, for a region model) is an effect; nothing is recorded. A caller inside
 * the range comes with its context, recurrence and chain: they flow on into the function reached. */
static bool ctx__fx(Sem *self, char tag, int from, int to, SemRegKind kind, const char *why) {
  if (!self->fx) return false;
  uint32_t start;
  if (to < -1) start = self->outer->base->funcs.items[SEM_OUTER_FUNC(to)].start;
  else if (to >= 0 && (self->funcs.items[to].start < self->fx_from || self->funcs.items[to].start >= self->fx_to))
    start = self->funcs.items[to].start;
  else return true;
  StrBuf b = {0};
  strbuf_printf(&b, "%c:%u:%d:%s", tag, start, (int)kind, why ? why : "");
  const SemFunc *c = from >= 0 ? &self->funcs.items[from] : NULL;
  if (c && c->start >= self->fx_from && c->start < self->fx_to) {
    char *note = sem_context_note(self, c->start);
    strbuf_printf(&b, ":%d:%d:%s", (int)c->ctx, (int)c->recurring, note);
    free(note);
  }
  vec_push(self->fx, strbuf_steal(&b));
  return true;
}

static void ctx__edge(Sem *self, int from, int to) {
  if (ctx__fx(self, 'E', from, to, SEM_REG_INHERIT, NULL)) return;
  if (to < 0 || from == to) return;
  vec_push(&self->edges, ((SemEdge){from, to}));
  self->funcs.items[to].has_callers = true;
}

static void ctx__hot_root(Sem *self, int f, const char *why, SemRegKind kind, int caller) {
  if (ctx__fx(self, 'R', caller, f, kind, why) || f < 0) return;
  SemFunc *fn = &self->funcs.items[f];
  if (kind == SEM_REG_HOT) fn->recurring_root = true;
  else if (caller >= 0) vec_push(&self->once_edges, ((SemEdge){caller, f})); /* recurring if its registrar is */
  if (fn->hot_root) return;
  fn->hot_root = true;
  fn->has_callers = true;
  fn->why = ll_strdup(why);
}

/* A function argument: inline, a local name, a method; for route registrations also the
 * handler-valued properties of an options object (fastify's `route({ handler })`). */
static void ctx__argument(Sem *self, TSNode arg, int caller, SemRegKind kind, const char *why) {
  int g = sem_func_of(self, arg);
  if (g != -1) { /* local, or outside a region model (encoded) */
    if (kind != SEM_REG_INHERIT) ctx__hot_root(self, g, why, kind, caller);
    else ctx__edge(self, caller, g);
    return;
  }
  if (kind == SEM_REG_INHERIT || !node_is(arg, S_object)) return;
  uint32_t k = ts_node_named_child_count(arg);
  for (uint32_t i = 0; i < k; i++) {
    TSNode c = ts_node_named_child(arg, i);
    TSNode v = node_is(c, S_pair) ? node_field(c, F_value) : c;
    int h = sem_func_of(self, v);
    if (h != -1) ctx__hot_root(self, h, why, kind, caller);
  }
}

static bool ctx__has_function_argument(Sem *self, TSNode args) {
  uint32_t k = ts_node_named_child_count(args);
  for (uint32_t a = 0; a < k; a++) {
    TSNode arg = ts_node_named_child(args, a);
    if (sem_func_of(self, arg) != -1) return true;
    if (node_is(arg, S_object)) return true; /* may hold handler-valued properties */
  }
  return false;
}

static void ctx__calls(Sem *self, uint32_t from, uint32_t to) {
  StrBuf why = {0};
  for (size_t i = 0; i < self->calls.len; i++) {
    TSNode call = self->calls.items[i];
    if (ts_node_start_byte(call) < from || ts_node_start_byte(call) >= to) continue;
    int caller = self->call_func.items[i];
    bool is_new = node_is(call, S_new_expression);
    TSNode fn = node_field(call, is_new ? F_constructor : F_function);
    if (!ts_node_is_null(fn)) {
      ctx__edge(self, caller, sem_func_of(self, fn));
      TSNode prop = node_is(fn, S_member_expression) ? node_field(fn, F_property) : (TSNode){0};
      if (!ts_node_is_null(prop) && (sem_node_is(self, prop, "call") || sem_node_is(self, prop, "apply")))
        ctx__edge(self, caller, sem_func_of(self, node_field(fn, F_object))); /* f.call(…) / f.apply(…) */
    }
    TSNode args = node_field(call, F_arguments);
    if (ts_node_is_null(args) || !ctx__has_function_argument(self, args)) continue; /* most calls: no strings built */
    strbuf_clear(&why);
    SemRegKind kind = sem__registration(self, call, &why);
    uint32_t k = ts_node_named_child_count(args);
    for (uint32_t a = 0; a < k; a++) ctx__argument(self, ts_node_named_child(args, a), caller, kind, strbuf_cstr(&why));
  }
  strbuf_free(&why);
}

/* (req, res), (req, res, next), (err, req, res, next), (request, reply), (ctx, next);
 * params holds the first four parameter names of every function (4 per function). */
static bool ctx__param_in(const SemDecl *d, const char *const *list) {
  for (; d && *list; list++)
    if (strlen(*list) == d->name_len && !memcmp(d->name, *list, d->name_len)) return true;
  return false;
}

static bool ctx__handler_signature(const SemDecl *const *params, int f) {
  const SemDecl *const *p = params + 4 * (size_t)f;
  static const char *const reqs[] = {"req", "request", NULL}, *const resps[] = {"res", "response", "reply", NULL};
  static const char *const err[] = {"err", "error", NULL}, *const ctx[] = {"ctx", NULL}, *const next[] = {"next", NULL};
  if (ctx__param_in(p[0], reqs) && ctx__param_in(p[1], resps)) return true;
  if (ctx__param_in(p[0], err) && ctx__param_in(p[1], reqs) && ctx__param_in(p[2], resps)) return true;
  return ctx__param_in(p[0], ctx) && ctx__param_in(p[1], next);
}

static int ctx__edge_cmp(const void *a, const void *b) {
  const SemEdge *x = a, *y = b;
  return x->from != y->from ? (x->from < y->from ? -1 : 1) : (x->to > y->to) - (x->to < y->to);
}

/* Breadth-first flood along call edges from the queued functions. */
static void ctx__flood(Sem *self, int *queue, size_t head, size_t tail, const size_t *first, Context ctx) {
  size_t n = self->funcs.len;
  while (head < tail) {
    int u = queue[head++];
    size_t from = (size_t)(u < 0 ? (int)n : u);
    for (size_t e = first[from]; e < first[from + 1]; e++) {
      int v = self->edges.items[e].to;
      SemFunc *fv = &self->funcs.items[v];
      if (fv->ctx == CTX_HOT || (ctx == CTX_STARTUP && fv->ctx == CTX_STARTUP) || fv->hot_root) continue;
      if (ctx == CTX_STARTUP && fv->exported) continue; /* callable from other modules too */
      fv->ctx = ctx;
      fv->via = u;
      queue[tail++] = v;
    }
  }
}

/* Which functions run again and again: those reached from recurring roots along calls, and
 * one-shot callbacks registered by recurring code. */
static void ctx__recurring(Sem *self, bool top_recurring) {
  size_t n = self->funcs.len;
  SemEdge *all = malloc((self->edges.len + self->once_edges.len + 1) * sizeof *all);
  int *queue = malloc((n + 1) * sizeof *queue);
  size_t *first = calloc(n + 2, sizeof *first);
  if (!all || !queue || !first) abort();
  size_t m = 0, tail = 0;
  /* the top level (-1, mapped to n) recurs only in a region model inside recurring code */
  for (size_t i = 0; i < self->edges.len; i++) {
    SemEdge e = self->edges.items[i];
    if (e.from < 0 && !top_recurring) continue;
    if (e.from < 0) e.from = (int)n;
    all[m++] = e;
  }
  for (size_t i = 0; i < self->once_edges.len; i++) {
    SemEdge e = self->once_edges.items[i];
    if (e.from < 0 && !top_recurring) continue;
    if (e.from < 0) e.from = (int)n;
    all[m++] = e;
  }
  if (m > 1) qsort(all, m, sizeof *all, ctx__edge_cmp);
  for (size_t i = 0; i < m; i++) first[all[i].from + 1]++;
  for (size_t i = 1; i < n + 2; i++) first[i] += first[i - 1];
  for (size_t i = 0; i < n; i++)
    if (self->funcs.items[i].recurring_root) self->funcs.items[i].recurring = true, queue[tail++] = (int)i;
  if (top_recurring) queue[tail++] = (int)n;
  for (size_t head = 0; head < tail;) {
    int u = queue[head++];
    for (size_t e = first[u]; e < first[u + 1]; e++)
      if (!self->funcs.items[all[e].to].recurring) self->funcs.items[all[e].to].recurring = true, queue[tail++] = all[e].to;
  }
  free(all);
  free(queue);
  free(first);
}

bool sem_recurring_at(const Sem *self, uint32_t byte) {
  int f = sem_func_at(self, byte);
  if (f < 0 && self->outer) return sem_recurring_at(self->outer->base, self->outer->from);
  return f >= 0 && !self->cli_script && self->funcs.items[f].recurring;
}

void sem__call_effects(Sem *self, uint32_t from, uint32_t to, StrVec *out) {
  self->fx = out, self->fx_from = from, self->fx_to = to;
  ctx__calls(self, from, to);
  self->fx = NULL;
}

/* The context a region model's top level runs in: the base function around it (raw, not ONCE). */
static const SemFunc *ctx__outer_func(const Sem *self) {
  return self->outer && self->outer->func >= 0 ? &self->outer->base->funcs.items[self->outer->func] : NULL;
}

/* Seeds (summary.h): other files run these functions per request (hot) or once after start-up:
 * roots, as a registration in this file would make them. */
static void ctx__seed_roots(Sem *self) {
  for (size_t i = 0; i < self->nseeds; i++) {
    const LlSeed *sd = &self->seeds[i];
    int f = self->seed_func[i];
    if (f < 0 || (sd->ctx != CTX_HOT && sd->ctx != CTX_ONCE)) continue;
    if (!self->funcs.items[f].hot_root) self->funcs.items[f].seed = (int)i;
    ctx__hot_root(self, f, sd->why, sd->ctx == CTX_HOT ? SEM_REG_HOT : SEM_REG_HOT_ONCE, -1);
  }
}

/* Start-up seeds: functions other files call only while starting; queued for the start-up flood
 * when nothing in this file made them hot. Returns how many were queued. */
static size_t ctx__seed_startup(Sem *self, int *queue) {
  size_t k = 0;
  for (size_t i = 0; i < self->nseeds; i++) {
    const LlSeed *sd = &self->seeds[i];
    int f = self->seed_func[i];
    SemFunc *fn = f >= 0 ? &self->funcs.items[f] : NULL;
    if (!fn || sd->ctx != CTX_STARTUP || fn->ctx != CTX_UNKNOWN || fn->startup_root) continue;
    fn->ctx = CTX_STARTUP, fn->startup_root = true, fn->via = -1, fn->seed = (int)i;
    free(fn->why);
    fn->why = ll_strdup(sd->why);
    queue[k++] = f;
  }
  return k;
}

void sem__classify(Sem *self) {
  size_t n = self->funcs.len;
  ctx__calls(self, 0, UINT32_MAX);
  /* A nested function nobody calls or registers still runs with its parent (a stored closure). */
  for (size_t i = 0; i < n; i++) {
    SemFunc *f = &self->funcs.items[i];
    bool nested = f->parent >= 0 || (f->parent < 0 && ctx__outer_func(self)); /* in a region inside a function */
    if (!f->has_callers && nested && f->owner < 0 && !f->exported) ctx__edge(self, f->parent, (int)i);
  }
  const SemDecl **params = calloc(4 * n + 1, sizeof *params);
  if (!params) abort();
  for (size_t i = 0; i < self->decls.len; i++) {
    const SemDecl *d = &self->decls.items[i];
    if (d->kind == DECL_PARAM && d->func >= 0 && d->param_index < 4) params[4 * (size_t)d->func + d->param_index] = d;
  }
  ctx__seed_roots(self); /* before the signature guess: another file's registration is evidence */
  for (size_t i = 0; i < n; i++) {
    SemFunc *f = &self->funcs.items[i];
    if (!f->has_callers && ctx__handler_signature(params, (int)i))
      ctx__hot_root(self, (int)i, "a request handler by its signature (req, res)", SEM_REG_HOT, -1);
  }
  free(params);
  /* adjacency: edges sorted by caller, the top level (-1) mapped to index n */
  for (size_t i = 0; i < self->edges.len; i++)
    if (self->edges.items[i].from < 0) self->edges.items[i].from = (int)n;
  if (self->edges.len > 1) qsort(self->edges.items, self->edges.len, sizeof(SemEdge), ctx__edge_cmp);
  /* one edge however many times f calls g: reachability questions walk them (sem_graph.c) */
  size_t kept = 0;
  for (size_t i = 0; i < self->edges.len; i++)
    if (!kept || ctx__edge_cmp(&self->edges.items[kept - 1], &self->edges.items[i]))
      self->edges.items[kept++] = self->edges.items[i];
  self->edges.len = kept;
  size_t *first = calloc(n + 2, sizeof *first);
  int *queue = malloc((n + 1) * 2 * sizeof *queue + sizeof(int));
  if (!first || !queue) abort();
  for (size_t i = 0; i < self->edges.len; i++) first[self->edges.items[i].from + 1]++;
  for (size_t i = 1; i < n + 2; i++) first[i] += first[i - 1];
  for (size_t i = 0; i < self->edges.len; i++)
    if (self->edges.items[i].from == (int)n) self->edges.items[i].from = -1;
  size_t tail = 0;
  const SemFunc *outer = ctx__outer_func(self);
  Context top = !self->outer ? CTX_STARTUP : outer ? outer->ctx : CTX_STARTUP;
  for (size_t i = 0; i < n; i++)
    if (self->funcs.items[i].hot_root) self->funcs.items[i].ctx = CTX_HOT, queue[tail++] = (int)i;
  if (top == CTX_HOT) queue[tail++] = -1;
  ctx__flood(self, queue, 0, tail, first, CTX_HOT);
  queue[0] = -1;
  tail = top == CTX_STARTUP ? 1 : 0;
  tail += ctx__seed_startup(self, queue + tail);
  ctx__flood(self, queue, 0, tail, first, CTX_STARTUP);
  free(first);
  free(queue);
  ctx__recurring(self, outer && outer->recurring);
  self->cli_script = self->outer ? self->outer->base->cli_script : self->shebang && !self->has_server;
  if (self->cli_script)
    for (size_t i = 0; i < n; i++) self->funcs.items[i].ctx = CTX_STARTUP, self->funcs.items[i].via = -1;
}

Context sem_context_at(const Sem *self, uint32_t byte) {
  int f = sem_func_at(self, byte);
  if (f < 0 && self->outer) return sem_context_at(self->outer->base, self->outer->from);
  if (f < 0) return CTX_STARTUP;
  const SemFunc *fn = &self->funcs.items[f];
  return fn->ctx == CTX_HOT && !fn->recurring ? CTX_ONCE : fn->ctx;
}

/* Short, single-line names only: a message is no place for `module.exports.someLongThing`. */
static bool ctx__named(const SemFunc *fn) {
  uint32_t n = fn->name_end - fn->name_start;
  return n > 0 && n <= 40;
}

static void ctx__name(const Sem *self, int f, StrBuf *b) {
  const SemFunc *fn = &self->funcs.items[f];
  if (ctx__named(fn))
    strbuf_printf(b, "`%.*s` (line %u)", (int)(fn->name_end - fn->name_start), self->src + fn->name_start,
                  sem__line(fn->node));
  else strbuf_printf(b, "the function at line %u", sem__line(fn->node));
}

/* The note; *base_from: where text written by the base model begins in it (SIZE_MAX: nowhere). */
static char *ctx__note(const Sem *self, uint32_t byte, size_t *base_from) {
  int f = sem_func_at(self, byte);
  if (f < 0 && self->outer) {
    *base_from = 0;
    size_t ignored;
    return ctx__note(self->outer->base, self->outer->from, &ignored);
  }
  StrBuf b = {0};
  if (f < 0) {
    strbuf_puts(&b, "module top level: runs once, at start-up");
    return strbuf_steal(&b);
  }
  const SemFunc *fn = &self->funcs.items[f];
  if (self->cli_script) {
    strbuf_puts(&b, "a command-line script (shebang, no server): start-up code throughout");
    return strbuf_steal(&b);
  }
  if (fn->ctx == CTX_UNKNOWN) {
    strbuf_puts(&b, "inside ");
    ctx__name(self, f, &b);
    strbuf_puts(&b, fn->exported && self->project ? ", exported, and nothing in the project is seen to call it: "
                                                    "when it runs depends on code outside the project"
                    : fn->exported ? ", exported with no caller in this file: when it runs depends on its importers"
                                   : ", which nothing in this file is seen to call");
    for (size_t i = 0; fn->exported && i < self->nseeds; i++) /* the evidence the project could not read */
      if (self->seeds[i].ctx == CTX_UNKNOWN && self->seeds[i].why) strbuf_printf(&b, "; %s", self->seeds[i].why);
    return strbuf_steal(&b);
  }
  strbuf_puts(&b, fn->ctx != CTX_HOT ? "start-up code: " : fn->recurring ? "runs on the hot path: "
                                                                         : "runs once, after start-up, while the server may be serving: ");
  int hops = 0;
  const Sem *model = self; /* a region model's chain goes on in the base at the function around it */
  for (int g = f; g >= 0 && hops < 4; hops++) {
    const SemFunc *gf = &model->funcs.items[g];
    bool named = ctx__named(gf);
    if (hops) strbuf_puts(&b, ", called from ");
    if ((gf->hot_root || gf->startup_root) && gf->why) {
      if (named) ctx__name(model, g, &b), strbuf_puts(&b, ", ");
      strbuf_puts(&b, gf->why);
      return strbuf_steal(&b);
    }
    ctx__name(model, g, &b);
    g = gf->via;
    if (g < 0 && model->outer) {
      g = model->outer->func, model = model->outer->base;
      if (*base_from == SIZE_MAX) *base_from = b.len;
    }
  }
  if (fn->ctx == CTX_STARTUP) strbuf_puts(&b, ", called only from the module's top level");
  return strbuf_steal(&b);
}

const LlSeed *sem_root_seed(const Sem *self, uint32_t byte) {
  if (self->outer || !self->nseeds) return NULL;
  int f = sem_func_at(self, byte);
  for (size_t hops = 0; f >= 0 && hops <= self->funcs.len; hops++) { /* via links end at a root */
    const SemFunc *fn = &self->funcs.items[f];
    if ((fn->hot_root || fn->startup_root) && fn->why) return fn->seed >= 0 ? &self->seeds[fn->seed] : NULL;
    f = fn->via;
  }
  return NULL;
}

char *sem_context_note(const Sem *self, uint32_t byte) {
  size_t base_from = SIZE_MAX;
  char *note = ctx__note(self, byte, &base_from);
  SemOuter *o = self->outer;
  if (!o || !o->renumber || !o->line_delta || base_from == SIZE_MAX) return note;
  /* a region model's chain went on in the base: its line numbers are the base's */
  char *tail = sem_region_renumber(note + base_from, o->edit_line, o->line_delta);
  if (!tail) {
    if (!o->refused) o->refused = "a line number in a message could be before or after the edit";
    return note;
  }
  note[base_from] = '\0';
  StrBuf b = {0};
  strbuf_puts(&b, note);
  strbuf_puts(&b, tail);
  free(tail);
  free(note);
  return strbuf_steal(&b);
}
