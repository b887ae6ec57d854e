/* sem_project.c: a file's summary for the project view (summary.h), read off its model: what it
 * exports (CommonJS and ESM forms, re-exports for barrels) and where it reaches into relative
 * modules (calls of imported functions, imported functions handed to registrars), each with the
 * context of the code doing it. */
#include "sem_private.h"
#include "looplens/summary.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool proj__is(TSNode n, const char *type) { return !ts_node_is_null(n) && !strcmp(ts_node_type(n), type); }

static void proj__export(LlSummary *out, char *name, int64_t func_start) {
  vec_push(&out->exports, ((LlExport){.name = name, .func_start = func_start}));
}

/* The function an exported value denotes: inline, or a name bound to one (`{ a }` names `a`
 * too). -1 when none. */
static int64_t proj__func_start(Sem *self, TSNode value) {
  int f = -1;
  if (!ts_node_is_null(value) && (node_is(value, S_shorthand_property_identifier) || proj__is(value, "identifier"))) {
    uint32_t s = ts_node_start_byte(value), e = ts_node_end_byte(value);
    const SemDecl *d = sem_lookup(self, self->src + s, e - s, s);
    if (d && d->kind == DECL_FUNC) f = d->func;
    else if (d && d->kind == DECL_VALUE && !d->member && !ts_node_is_null(d->value)) f = sem_func_of(self, d->value);
  } else if (!ts_node_is_null(value)) {
    f = sem_func_of(self, value);
  }
  return f >= 0 ? (int64_t)self->funcs.items[f].start : -1;
}

/* The class a value denotes: inline, or a name bound to one. Null when none. */
static TSNode proj__class_of(Sem *self, TSNode value) {
  if (ts_node_is_null(value)) return value;
  if (node_is(value, S_class) || node_is(value, S_class_declaration)) return value;
  if (node_is(value, S_identifier) || node_is(value, S_shorthand_property_identifier)) {
    uint32_t s = ts_node_start_byte(value), e = ts_node_end_byte(value);
    const SemDecl *d = sem_lookup(self, self->src + s, e - s, s);
    if (d && d->kind == DECL_VALUE && !ts_node_is_null(d->value) &&
        (node_is(d->value, S_class) || node_is(d->value, S_class_declaration)))
      return d->value;
  }
  return (TSNode){0};
}

/* The function a function returns, for factories (`(opts) => (req, res, next) => …`, `return
 * function (req, res) {…}` at the top of its body): -1 when none. */
static int64_t proj__returned(Sem *self, int64_t func_start) {
  int f = func_start >= 0 ? sem_func_at(self, (uint32_t)func_start) : -1;
  if (f < 0) return -1;
  TSNode body = node_field(self->funcs.items[f].node, F_body);
  if (ts_node_is_null(body)) return -1;
  if (sem_is_function_node(body)) return ts_node_start_byte(body);
  for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
    TSNode s = ts_node_named_child(body, i);
    if (!proj__is(s, "return_statement")) continue;
    TSNode v = ts_node_named_child(s, 0);
    int g = ts_node_is_null(v) ? -1 : sem_func_of(self, v);
    if (g >= 0) return self->funcs.items[g].start;
  }
  return -1;
}

/* Methods of a class, exported as prefix + name ("Store#get" for `new Store().get()` elsewhere, or
 * "get" for a module that exports an instance). */
static void proj__methods(Sem *self, TSNode cls, const char *prefix, LlSummary *out) {
  uint32_t owner = ts_node_start_byte(cls);
  for (size_t i = 0; i < self->funcs.len; i++) {
    const SemFunc *f = &self->funcs.items[i];
    if (f->owner != (int)owner || !node_is(f->node, S_method_definition)) continue;
    TSNode nm = node_field(f->node, F_name);
    if (ts_node_is_null(nm)) continue;
    char *name = sem_node_text(self, nm);
    StrBuf b = {0};
    strbuf_printf(&b, "%s%s", prefix, name);
    free(name);
    proj__export(out, strbuf_steal(&b), f->start);
  }
}

/* An exported value: a function (and, for a factory, the function it returns as "name()"), a class
 * (its methods as "name#method"), or an instance (its class's methods as "method" for the default
 * export, "name.method" otherwise). Takes name. */
static bool proj__relative(const char *path);

static void proj__export_value(Sem *self, LlSummary *out, char *name, TSNode value) {
  int64_t f = proj__func_start(self, value);
  int64_t r = proj__returned(self, f);
  if (r >= 0) {
    StrBuf b = {0};
    strbuf_printf(&b, "%s()", name);
    proj__export(out, strbuf_steal(&b), r);
  }
  TSNode cls = proj__class_of(self, value);
  bool instance = false;
  if (ts_node_is_null(cls) && !ts_node_is_null(value) && node_is(value, S_new_expression))
    cls = proj__class_of(self, node_field(value, F_constructor)), instance = true;
  if (!ts_node_is_null(cls)) {
    StrBuf b = {0};
    if (instance) strbuf_printf(&b, "%s", strcmp(name, "default") ? name : "");
    else strbuf_printf(&b, "%s#", name);
    if (instance && strcmp(name, "default")) strbuf_putc(&b, '.');
    proj__methods(self, cls, strbuf_cstr(&b), out);
    strbuf_free(&b);
  }
  proj__export(out, name, f);
  if (f < 0 && ts_node_is_null(cls) && !ts_node_is_null(value) && !sem_is_function_node(value)) {
    char *p = sem_resolve(self, value); /* exports.loader = fs.readFileSync: an alias of a Node API */
    LlExport *e = &out->exports.items[out->exports.len - 1];
    if (p && strncmp(p, "pkg:", 4) && strncmp(p, "new:", 4) && strcmp(p, "this")) e->alias = p;
    else if (p && proj__relative(p) && strncmp(p, "new:", 4)) e->spec = ll_strdup(p + 4), free(p); /* passed on */
    else free(p);
  }
}

/* module.exports = { a, b: fn, c() {} }: each key is an export */
static void proj__object_exports(Sem *self, TSNode obj, LlSummary *out) {
  uint32_t k = ts_node_named_child_count(obj);
  for (uint32_t i = 0; i < k; i++) {
    TSNode c = ts_node_named_child(obj, i);
    if (node_is(c, S_shorthand_property_identifier)) {
      proj__export_value(self, out, sem_node_text(self, c), c);
    } else if (node_is(c, S_pair) || node_is(c, S_method_definition)) {
      TSNode key = node_field(c, node_is(c, S_pair) ? F_key : F_name);
      char *name = node_is(key, S_string) ? sem_string_value(self, key) : sem_node_text(self, key);
      if (node_is(c, S_pair)) proj__export_value(self, out, name, node_field(c, F_value));
      else proj__export(out, name, proj__func_start(self, c));
    }
  }
}

/* `module.exports…` / `exports.x` on the left of an assignment at the top level. */
static void proj__assignment(Sem *self, TSNode assign, LlSummary *out) {
  TSNode left = node_field(assign, F_left), right = node_field(assign, F_right);
  if (ts_node_is_null(left) || ts_node_is_null(right)) return;
  char *l = sem_node_text(self, left);
  const char *name = NULL;
  if (!strcmp(l, "module.exports")) {
    while (node_is(right, S_assignment_expression)) right = node_field(right, F_right); /* a = module.exports = … */
    if (node_is(right, S_object)) proj__object_exports(self, right, out);
    else proj__export_value(self, out, ll_strdup("default"), right);
  } else if (!strncmp(l, "module.exports.", 15)) {
    name = l + 15;
  } else if (!strncmp(l, "exports.", 8)) {
    name = l + 8;
  }
  if (name && !strchr(name, '.')) proj__export_value(self, out, ll_strdup(name), right);
  free(l);
}

static void proj__esm_export(Sem *self, TSNode n, LlSummary *out) {
  TSNode decl = node_field(n, F_declaration), value = node_field(n, F_value), source = node_field(n, F_source);
  char *spec = ts_node_is_null(source) ? NULL : sem_string_value(self, source);
  if (!ts_node_is_null(value)) proj__export_value(self, out, ll_strdup("default"), value);
  if (!ts_node_is_null(decl)) {
    bool is_default = false;
    for (uint32_t i = 0; i < ts_node_child_count(n); i++)
      if (!strcmp(ts_node_type(ts_node_child(n, i)), "default")) is_default = true;
    TSNode name = node_field(decl, F_name);
    if (!ts_node_is_null(name))
      proj__export_value(self, out, is_default ? ll_strdup("default") : sem_node_text(self, name), decl);
    else if (is_default)
      proj__export_value(self, out, ll_strdup("default"), decl);
    if (node_is(decl, S_lexical_declaration) || proj__is(decl, "variable_declaration"))
      for (uint32_t i = 0; i < ts_node_named_child_count(decl); i++) {
        TSNode d = ts_node_named_child(decl, i), nm = node_field(d, F_name);
        if (node_is(nm, S_identifier)) proj__export_value(self, out, sem_node_text(self, nm), node_field(d, F_value));
      }
  }
  bool clause = false;
  for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
    TSNode c = ts_node_named_child(n, i);
    if (proj__is(c, "namespace_export") && spec) { /* export * as ns from './x' */
      TSNode nm = ts_node_named_child(c, 0);
      vec_push(&out->exports, ((LlExport){.name = sem_node_text(self, nm), .func_start = -1,
                                          .spec = ll_strdup(spec), .member = ll_strdup("*")}));
      clause = true;
    }
    if (!node_is(c, S_export_clause)) continue;
    clause = true;
    for (uint32_t j = 0; j < ts_node_named_child_count(c); j++) { /* export { a, b as c } [from './x'] */
      TSNode s = ts_node_named_child(c, j), nm = node_field(s, F_name), alias = node_field(s, F_alias);
      if (ts_node_is_null(nm)) continue;
      char *local = sem_node_text(self, nm), *as = sem_node_text(self, ts_node_is_null(alias) ? nm : alias);
      if (spec) {
        vec_push(&out->exports, ((LlExport){.name = as, .func_start = -1, .spec = ll_strdup(spec), .member = local}));
      } else {
        proj__export_value(self, out, as, nm);
        free(local);
      }
    }
  }
  if (spec && !clause && ts_node_is_null(decl) && ts_node_is_null(value)) /* export * from './x' */
    vec_push(&out->exports, ((LlExport){.func_start = -1, .spec = ll_strdup(spec), .star = true}));
  free(spec);
}

static void proj__exports(Sem *self, LlSummary *out) {
  TSNode root = ts_tree_root_node(self->tree);
  uint32_t k = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < k; i++) {
    TSNode s = ts_node_named_child(root, i);
    if (node_is(s, S_export_statement)) proj__esm_export(self, s, out);
    if (!node_is(s, S_expression_statement)) continue;
    TSNode e = ts_node_named_child(s, 0);
    if (node_is(e, S_assignment_expression)) proj__assignment(self, e, out);
  }
}

/* Is a resolved path ("pkg:./lib/templates.renderPage", "pkg:@acme/util.read") a member of a
 * module the project may hold: a relative one, or a package by name (a workspace package's)? */
static bool proj__relative(const char *path) {
  if (!strncmp(path, "new:", 4)) path += 4; /* a method of an instance of an imported class */
  return !strncmp(path, "pkg:", 4) && path[4];
}

/* The chain of the code at `at`, without the sentence's opening ("runs on the hot path: "). */
static char *proj__chain(Sem *self, uint32_t at) {
  char *note = sem_context_note(self, at);
  static const char *const heads[] = {"runs on the hot path: ", "runs once, after start-up, while the server may be serving: ",
                                      "start-up code: ", NULL};
  for (const char *const *h = heads; *h; h++) {
    size_t n = strlen(*h);
    if (!strncmp(note, *h, n)) {
      memmove(note, note + n, strlen(note + n) + 1);
      return note;
    }
  }
  if (!strncmp(note, "module top level", 16)) {
    free(note);
    return ll_strdup("the module's top level");
  }
  return note;
}

static void proj__xref(Sem *self, LlSummary *out, LlXrefKind kind, const char *path, bool factory, TSNode at,
                       const char *why) {
  uint32_t b = ts_node_start_byte(at);
  TSPoint p = ts_node_start_point(at);
  StrBuf t = {0}; /* "pkg:./x.f" → "./x.f"; "new:pkg:./x.m" → "new:./x.m"; a factory's call gets "()" */
  if (!strncmp(path, "new:", 4)) strbuf_printf(&t, "new:%s", path + 8);
  else strbuf_puts(&t, path + 4);
  if (factory) strbuf_puts(&t, "()");
  LlXref x = {.kind = kind, .target = strbuf_steal(&t), .why = why ? ll_strdup(why) : NULL,
              .note = proj__chain(self, b), .ctx = sem_context_at(self, b), .line = p.row + 1, .column = p.column + 1};
  const LlSeed *root = sem_root_seed(self, b);
  if (root) diag_steps_copy(&x.chain, &root->steps);
  vec_push(&out->xrefs, x);
}

static void proj__xrefs(Sem *self, LlSummary *out) {
  StrBuf why = {0};
  for (size_t i = 0; i < self->calls.len; i++) {
    TSNode call = self->calls.items[i];
    bool is_new = node_is(call, S_new_expression);
    TSNode fn = node_field(call, is_new ? F_constructor : F_function);
    const char *callee = sem_resolve_callee_ref(self, call);
    if (callee && proj__relative(callee) && sem_func_of(self, fn) == -1) proj__xref(self, out, LL_XREF_CALL, callee, false, call, NULL);
    bool dynamic_import = !ts_node_is_null(fn) && !strcmp(ts_node_type(fn), "import");
    if (dynamic_import || (!ts_node_is_null(fn) && node_is(fn, S_identifier) && sem_node_is(self, fn, "require") &&
                           !sem_lookup(self, "require", 7, ts_node_start_byte(fn)))) {
      TSNode arg = ts_node_named_child(node_field(call, F_arguments), 0);
      if (!ts_node_is_null(arg) && !node_is(arg, S_string)) {
        char *text = sem_node_text(self, call);
        StrBuf b = {0};
        for (char *c = text; *c; c++)
          if (*c == '\n' || *c == '\r' || *c == '\t') *c = ' ';
        strbuf_printf(&b, "%u: %.60s", sem__line(call), text);
        vec_push(&out->unknown_edges, strbuf_steal(&b));
        free(text);
      }
    }
    TSNode args = node_field(call, F_arguments);
    if (ts_node_is_null(args) || is_new) continue;
    strbuf_clear(&why);
    SemRegKind kind = sem__registration(self, call, &why);
    if (kind == SEM_REG_INHERIT) continue;
    for (uint32_t a = 0; a < ts_node_named_child_count(args); a++) {
      TSNode arg = ts_node_named_child(args, a);
      if (sem_func_of(self, arg) != -1) continue;
      LlXrefKind k = kind == SEM_REG_HOT ? LL_XREF_HOT : LL_XREF_ONCE;
      if (node_is(arg, S_call_expression)) { /* app.use(makeLogger(opts)): what the factory returns */
        const char *f = sem_resolve_callee_ref(self, arg);
        if (f && proj__relative(f) && strncmp(f, "new:", 4)) proj__xref(self, out, k, f, true, arg, strbuf_cstr(&why));
        continue;
      }
      if (!(node_is(arg, S_identifier) || node_is(arg, S_member_expression))) continue;
      char *path = sem_resolve(self, arg);
      if (path && proj__relative(path)) proj__xref(self, out, k, path, false, arg, strbuf_cstr(&why));
      free(path);
    }
  }
  strbuf_free(&why);
}

void sem__seed_funcs(Sem *self) {
  self->seed_func = malloc(self->nseeds * sizeof *self->seed_func);
  if (!self->seed_func) abort();
  LlSummary ex = {0};
  bool named = false;
  for (size_t i = 0; i < self->nseeds && !named; i++) named = self->seeds[i].export_name != NULL;
  if (named) proj__exports(self, &ex);
  for (size_t i = 0; i < self->nseeds; i++) {
    const LlSeed *sd = &self->seeds[i];
    int64_t start = sd->func_start;
    if (sd->export_name) {
      start = -1;
      for (size_t k = 0; k < ex.exports.len && start < 0; k++)
        if (ex.exports.items[k].name && !strcmp(ex.exports.items[k].name, sd->export_name))
          start = ex.exports.items[k].func_start;
    }
    int f = start >= 0 ? sem_func_at(self, (uint32_t)start) : -1;
    self->seed_func[i] = f >= 0 && self->funcs.items[f].start == (uint32_t)start ? f : -1;
  }
  ll_summary_free(&ex);
}

void sem_summarize(Sem *self, LlSummary *out) {
  proj__exports(self, out);
  proj__xrefs(self, out);
}
