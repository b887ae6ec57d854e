/* sem.c: one pre-order walk over the tree collects functions, declarations, calls and comments;
 * sem_ctx.c then classifies function contexts and sem_resolve.c answers alias questions. */
#include "sem.h"
#include "syms.h"
#include "sem_private.h"
#include "looplens/summary.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sem_is_function_node(TSNode n) {
  TSSymbol t = ts_node_symbol(n);
  return t == SYM(function_declaration) || t == SYM(function_expression) ||
         t == SYM(arrow_function) || t == SYM(method_definition) ||
         t == SYM(generator_function_declaration) || t == SYM(generator_function);
}

bool sem_node_is(const Sem *self, TSNode n, const char *text) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  size_t len = strlen(text);
  return e - s == len && e <= self->len && !memcmp(self->src + s, text, len);
}

char *sem_node_text(const Sem *self, TSNode n) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (e > self->len) e = (uint32_t)self->len;
  if (s > e) s = e;
  return ll_strndup(self->src + s, e - s);
}

void sem_snippet(const Sem *self, TSNode n, size_t max, StrBuf *out) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (e > self->len) e = (uint32_t)self->len;
  if (s > e) s = e;
  const char *nl = memchr(self->src + s, '\n', e - s);
  size_t len = nl ? (size_t)(nl - (self->src + s)) : e - s;
  bool cut = nl != NULL || len > max;
  if (len > max) len = max > 3 ? max - 3 : 0;
  strbuf_append(out, self->src + s, len);
  if (cut) strbuf_puts(out, "...");
}

char *sem_string_value(const Sem *self, TSNode n) {
  if (ts_node_is_null(n)) return NULL;
  TSSymbol t = ts_node_symbol(n);
  if (t == SYM(template_string)) {
    if (ts_node_named_child_count(n) > 0 && !node_is(ts_node_named_child(n, 0), S_string_fragment))
      return NULL; /* has substitutions */
  } else if (t != SYM(string)) {
    return NULL;
  }
  uint32_t s = ts_node_start_byte(n) + 1, e = ts_node_end_byte(n);
  if (e <= s) return NULL;
  return ll_strndup(self->src + s, e - 1 - s);
}

/* --- collection ------------------------------------------------------------------------------ */

static int sem__add_func(Sem *self, TSNode n, int parent, int owner) {
  SemFunc f = {0};
  f.node = n;
  f.start = ts_node_start_byte(n);
  f.end = ts_node_end_byte(n);
  f.parent = parent;
  f.owner = owner;
  f.via = -1;
  f.ctx = CTX_UNKNOWN;
  f.seed = -1;
  /* `async` is an anonymous first child of the function node */
  uint32_t cc = ts_node_child_count(n);
  for (uint32_t i = 0; i < cc && i < 3; i++)
    if (!strcmp(ts_node_type(ts_node_child(n, i)), "async")) f.is_async = true;
  vec_push(&self->funcs, f);
  return (int)self->funcs.len - 1;
}

static void sem__add_decl(Sem *self, SemDecl d, TSNode ident) {
  d.at = ts_node_start_byte(ident);
  d.name = self->src + d.at;
  d.name_len = ts_node_end_byte(ident) - d.at;
  vec_push(&self->decls, d);
}

/* Declares each name bound by a destructuring pattern taken from `value`. */
static void sem__declare_pattern(Sem *self, TSNode pat, TSNode value, SemRange scope, bool module_level,
                                 bool is_const) {
  TSSymbol t = ts_node_symbol(pat);
  SemDecl d = {.kind = DECL_VALUE, .value = value, .scope_start = scope.start, .scope_end = scope.end,
               .module_level = module_level, .is_const = is_const, .func = -1};
  if (t == SYM(identifier)) {
    sem__add_decl(self, d, pat);
    return;
  }
  if (t != SYM(object_pattern)) return; /* array and nested patterns bind values we do not track */
  uint32_t n = ts_node_named_child_count(pat);
  for (uint32_t i = 0; i < n; i++) {
    TSNode c = ts_node_named_child(pat, i);
    TSSymbol ct = ts_node_symbol(c);
    TSNode key = c, target = c;
    if (ct == SYM(shorthand_property_identifier_pattern)) {
      /* { readFileSync } */
    } else if (ct == SYM(object_assignment_pattern)) {
      key = target = node_field(c, F_left);
    } else if (ct == SYM(pair_pattern)) {
      key = node_field(c, F_key);
      target = node_field(c, F_value);
      if (!ts_node_is_null(target) && node_is(target, S_assignment_pattern))
        target = node_field(target, F_left);
    } else {
      continue;
    }
    if (ts_node_is_null(key) || ts_node_is_null(target)) continue;
    TSSymbol tt = ts_node_symbol(target);
    if (tt != SYM(identifier) && tt != SYM(shorthand_property_identifier_pattern)) continue;
    d.member = sem_string_value(self, key);
    if (!d.member) d.member = sem_node_text(self, key);
    sem__add_decl(self, d, target);
  }
}

/* The name a function expression gets from where it stands: `const f = () => …`, `{ f: … }`,
 * `exports.f = …`, `this.f = …`. */
static TSNode sem__name_from_parent(Sem *self, TSNode p, bool *exported) {
  TSSymbol pt = ts_node_symbol(p);
  if (pt == SYM(variable_declarator)) return node_field(p, F_name);
  if (pt == SYM(pair)) return node_field(p, F_key);
  if (pt == SYM(assignment_expression)) {
    TSNode left = node_field(p, F_left);
    uint32_t s = ts_node_start_byte(left), e = ts_node_end_byte(left);
    const char *text = self->src + s;
    if ((e - s >= 14 && !strncmp(text, "module.exports", 14)) || (e - s > 8 && !strncmp(text, "exports.", 8)))
      *exported = true;
    return left;
  }
  return (TSNode){0};
}

/* Is the walk's top level the module's (false in a region model inside a function)? */
static bool sem__top_is_module(const Sem *self) { return !self->outer || self->outer->func < 0; }

static bool sem__is_scope(TSSymbol t) {
  return t == SYM(statement_block) || t == SYM(for_statement) || t == SYM(for_in_statement) ||
         t == SYM(catch_clause) || t == SYM(class_body) || t == SYM(switch_body);
}

typedef struct {
  TSNode node;
  int func;       /* function this frame opened, or -1 */
  int owner;      /* class/object start byte when this frame is a class body or object literal */
  bool scope;     /* a block scope */
  /* what the frames below ask without searching the stack (deep nesting made that quadratic): */
  int inner;      /* the innermost function at or above this frame, -1 at module level */
  int scope_at;   /* the stack index of the nearest frame at or above that is a scope or a function */
} Frame;

typedef struct {
  Sem *sem;
  Vec(Frame) stack;
} Walk;

/* The k-th ancestor of the node being entered (1 = parent); a null node past the root. */
static TSNode walk__ancestor(const Walk *w, size_t k) {
  return k <= w->stack.len ? w->stack.items[w->stack.len - k].node : (TSNode){0};
}

static int walk__func(const Walk *w) { return w->stack.len ? w->stack.items[w->stack.len - 1].inner : -1; }

static SemRange walk__block_scope(const Walk *w) {
  int i = w->stack.len ? w->stack.items[w->stack.len - 1].scope_at : -1;
  if (i < 0) return (SemRange){0, (uint32_t)w->sem->len + 1};
  return (SemRange){ts_node_start_byte(w->stack.items[i].node), ts_node_end_byte(w->stack.items[i].node)};
}

static SemRange walk__func_scope(const Walk *w) {
  int f = walk__func(w);
  if (f < 0) return (SemRange){0, (uint32_t)w->sem->len + 1};
  return (SemRange){w->sem->funcs.items[f].start, w->sem->funcs.items[f].end};
}

static void walk__params(Walk *w, TSNode fn, int fi) {
  Sem *self = w->sem;
  TSNode params = node_field(fn, F_parameters);
  if (ts_node_is_null(params)) params = node_field(fn, F_parameter);
  if (ts_node_is_null(params)) return;
  SemRange scope = {self->funcs.items[fi].start, self->funcs.items[fi].end};
  if (node_is(params, S_identifier)) { /* x => … */
    SemDecl d = {.kind = DECL_PARAM, .func = fi, .param_index = 0, .scope_start = scope.start, .scope_end = scope.end};
    sem__add_decl(self, d, params);
    return;
  }
  uint32_t n = ts_node_named_child_count(params);
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(params, i);
    if (node_is(p, S_assignment_pattern)) p = node_field(p, F_left);
    if (ts_node_is_null(p) || !node_is(p, S_identifier)) continue;
    SemDecl d = {.kind = DECL_PARAM, .func = fi, .param_index = (int)i, .scope_start = scope.start,
                 .scope_end = scope.end};
    sem__add_decl(self, d, p);
  }
}

static void walk__function(Walk *w, TSNode n, Frame *fr) {
  Sem *self = w->sem;
  int owner = -1;
  /* the walk stack holds the ancestors: ts_node_parent would search down from the root */
  TSNode parent = walk__ancestor(w, 1), grand = walk__ancestor(w, 2);
  TSSymbol type = ts_node_symbol(n);
  /* methods (class bodies and object literals) and `key: function` pairs belong to their owner */
  if (type == SYM(method_definition) && !ts_node_is_null(grand)) owner = (int)ts_node_start_byte(grand);
  if (!ts_node_is_null(parent) && node_is(parent, S_pair) && !ts_node_is_null(grand)) owner = (int)ts_node_start_byte(grand);
  int fi = sem__add_func(self, n, walk__func(w), owner);
  SemFunc *f = &self->funcs.items[fi];
  bool exported = false;
  TSNode name = node_field(n, F_name);
  TSNode label = !ts_node_is_null(name) ? name
                 : !ts_node_is_null(parent) ? sem__name_from_parent(self, parent, &exported) : (TSNode){0};
  if (!ts_node_is_null(label)) f->name_start = ts_node_start_byte(label), f->name_end = ts_node_end_byte(label);
  f->exported = exported;
  /* declarations: `function f` (hoisted to the function scope) and `const f = () => …` */
  if (type == SYM(function_declaration) || type == SYM(generator_function_declaration)) {
    SemRange sc = walk__func_scope(w);
    SemDecl d = {.kind = DECL_FUNC, .func = fi, .scope_start = sc.start, .scope_end = sc.end,
                 .module_level = walk__func(w) < 0 && sem__top_is_module(self)};
    sem__add_decl(self, d, name);
  }
  fr->func = fi;
  walk__params(w, n, fi);
}

static void walk__declarator(Walk *w, TSNode n) {
  Sem *self = w->sem;
  TSNode name = node_field(n, F_name);
  TSNode value = node_field(n, F_value);
  TSNode decl = walk__ancestor(w, 1);
  bool is_var = !ts_node_is_null(decl) && node_is(decl, S_variable_declaration);
  bool is_const = !ts_node_is_null(decl) && ts_node_child_count(decl) > 0 &&
                  !strcmp(ts_node_type(ts_node_child(decl, 0)), "const");
  SemRange scope = is_var ? walk__func_scope(w) : walk__block_scope(w);
  bool module_level = walk__func(w) < 0 && sem__top_is_module(self);
  if (ts_node_is_null(name)) return;
  if (!ts_node_is_null(value) && sem_is_function_node(value) && node_is(name, S_identifier)) {
    /* the function itself is added when the walk enters it; remember the binding by position */
    SemDecl d = {.kind = DECL_FUNC, .func = -2, .value = value, .scope_start = scope.start,
                 .scope_end = scope.end, .module_level = module_level, .is_const = is_const};
    sem__add_decl(self, d, name);
    return;
  }
  sem__declare_pattern(self, name, value, scope, module_level, is_const);
}

static void walk__import(Walk *w, TSNode n) {
  Sem *self = w->sem;
  char *source = sem_string_value(self, node_field(n, F_source));
  if (!source) return;
  SemRange all = {0, (uint32_t)self->len + 1};
  uint32_t cn = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < cn; i++) {
    TSNode clause = ts_node_named_child(n, i);
    if (!node_is(clause, S_import_clause)) continue;
    uint32_t k = ts_node_named_child_count(clause);
    for (uint32_t j = 0; j < k; j++) {
      TSNode c = ts_node_named_child(clause, j);
      TSSymbol t = ts_node_symbol(c);
      SemDecl d = {.kind = DECL_VALUE, .scope_start = all.start, .scope_end = all.end, .module_level = true,
                   .is_const = true, .func = -1};
      if (t == SYM(identifier)) { /* default import */
        d.import_source = ll_strdup(source), d.import_whole = true;
        sem__add_decl(self, d, c);
      } else if (t == SYM(namespace_import)) {
        TSNode id = ts_node_named_child(c, 0);
        if (ts_node_is_null(id)) continue;
        d.import_source = ll_strdup(source), d.import_whole = true;
        sem__add_decl(self, d, id);
      } else if (t == SYM(named_imports)) {
        uint32_t m = ts_node_named_child_count(c);
        for (uint32_t s = 0; s < m; s++) {
          TSNode spec = ts_node_named_child(c, s);
          if (!node_is(spec, S_import_specifier)) continue;
          TSNode nm = node_field(spec, F_name);
          TSNode alias = node_field(spec, F_alias);
          if (ts_node_is_null(nm)) continue;
          SemDecl ds = d;
          ds.import_source = ll_strdup(source);
          ds.member = sem_string_value(self, nm);
          if (!ds.member) ds.member = sem_node_text(self, nm);
          sem__add_decl(self, ds, ts_node_is_null(alias) ? nm : alias);
        }
      }
    }
  }
  free(source);
}

static void walk__enter(Walk *w, TSNode n) {
  Sem *self = w->sem;
  TSSymbol t = ts_node_symbol(n);
  Frame fr = {.node = n, .func = -1, .owner = -1, .scope = sem__is_scope(t)};
  if (self->interesting && t < self->interesting_n && self->interesting[t]) vec_push(&self->candidates, n);
  if (sem_is_function_node(n)) {
    walk__function(w, n, &fr);
  } else if (t == SYM(variable_declarator)) {
    walk__declarator(w, n);
  } else if (t == SYM(call_expression) || t == SYM(new_expression)) {
    vec_push(&self->calls, n);
    vec_push(&self->call_func, walk__func(w));
    sem__note_call(self, n);
  } else if (t == SYM(comment)) {
    vec_push(&self->comments, ((SemRange){ts_node_start_byte(n), ts_node_end_byte(n)}));
  } else if (t == SYM(import_statement)) {
    walk__import(w, n);
  } else if (t == SYM(hash_bang_line)) {
    self->shebang = true;
  } else if (t == SYM(identifier) || t == SYM(property_identifier)) {
    if (sem_node_is(self, n, "parentPort") || sem_node_is(self, n, "workerData")) {
      self->worker_script = true;
      vec_push(&self->worker_refs, ((SemRange){ts_node_start_byte(n), ts_node_end_byte(n)}));
    }
  } else if (t == SYM(class_declaration)) {
    TSNode name = node_field(n, F_name);
    if (!ts_node_is_null(name)) {
      SemRange sc = walk__block_scope(w);
      SemDecl d = {.kind = DECL_VALUE, .value = n, .scope_start = sc.start, .scope_end = sc.end,
                   .module_level = walk__func(w) < 0 && sem__top_is_module(self), .is_const = true, .func = -1};
      sem__add_decl(self, d, name);
    }
  } else if (t == SYM(export_statement)) {
    vec_push(&self->exports, ((SemRange){ts_node_start_byte(n), ts_node_end_byte(n)}));
    sem__note_export(self, n);
  } else if (t == SYM(assignment_expression)) {
    sem__note_assignment(self, n);
    vec_push(&self->assignments, n);
  } else if (t == SYM(unary_expression)) {
    TSNode op = ts_node_child(n, 0);
    if (!ts_node_is_null(op) && sem_node_is(self, op, "delete")) vec_push(&self->assignments, n);
  }
  const Frame *up = w->stack.len ? &w->stack.items[w->stack.len - 1] : NULL;
  fr.inner = fr.func >= 0 ? fr.func : up ? up->inner : -1;
  fr.scope_at = fr.scope || fr.func >= 0 ? (int)w->stack.len : up ? up->scope_at : -1;
  vec_push(&w->stack, fr);
}

/* Iterative pre-order walk: deep nesting (minified code) must not exhaust the C stack. */
static void sem__walk(Sem *self) {
  Walk w = {.sem = self};
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(self->tree));
  walk__enter(&w, ts_tree_cursor_current_node(&cur));
  for (;;) {
    if (ts_tree_cursor_goto_first_child(&cur)) {
      walk__enter(&w, ts_tree_cursor_current_node(&cur));
      continue;
    }
    for (;;) {
      w.stack.len--; /* leave the current node */
      if (ts_tree_cursor_goto_next_sibling(&cur)) {
        walk__enter(&w, ts_tree_cursor_current_node(&cur));
        break;
      }
      if (!ts_tree_cursor_goto_parent(&cur)) goto done;
    }
  }
done:
  ts_tree_cursor_delete(&cur);
  vec_free(&w.stack);
}

/* Binds `const f = () => …` declarations to the functions the walk found at their values. */
static void sem__bind_function_decls(Sem *self) {
  for (size_t i = 0; i < self->decls.len; i++) {
    SemDecl *d = &self->decls.items[i];
    if (d->kind != DECL_FUNC || d->func != -2) continue;
    d->func = sem_func_at(self, ts_node_start_byte(d->value));
    if (d->func < 0 || self->funcs.items[d->func].start != ts_node_start_byte(d->value)) d->kind = DECL_VALUE, d->func = -1;
  }
}

static void sem__seg(Sem *self, uint32_t from, int func) {
  SemFuncSeg *last = self->func_segs.len ? &self->func_segs.items[self->func_segs.len - 1] : NULL;
  if (last && last->from == from) last->func = func;
  else if (!last || last->func != func) vec_push(&self->func_segs, ((SemFuncSeg){from, func}));
}

/* Cuts the source where the innermost function changes, so that sem_func_at is one binary search:
 * climbing parents from the last function started was as deep as the nesting. */
static void sem__func_segments(Sem *self) {
  Vec(int) open = {0};
  sem__seg(self, 0, -1);
  for (size_t i = 0; i <= self->funcs.len; i++) { /* funcs are in pre-order */
    uint32_t at = i < self->funcs.len ? self->funcs.items[i].start : UINT32_MAX;
    while (open.len && self->funcs.items[open.items[open.len - 1]].end <= at) {
      uint32_t end = self->funcs.items[open.items[--open.len]].end;
      sem__seg(self, end, open.len ? open.items[open.len - 1] : -1);
    }
    if (i == self->funcs.len) break;
    sem__seg(self, at, (int)i);
    vec_push(&open, (int)i);
  }
  vec_free(&open);
}

Sem *sem_new(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars) {
  return sem_new_collecting(tree, src, len, extra_registrars, NULL, 0);
}

static Sem *sem__build(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                       const uint8_t *interesting, uint32_t n, SemOuter *outer, const LlSeed *seeds, size_t nseeds,
                       const LlAlias *aliases, size_t naliases);

Sem *sem_new_collecting(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                        const uint8_t *interesting, uint32_t n) {
  return sem__build(tree, src, len, extra_registrars, interesting, n, NULL, NULL, 0, NULL, 0);
}

Sem *sem_new_seeded(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                    const uint8_t *interesting, uint32_t n, const LlSeed *seeds, size_t nseeds,
                    const LlAlias *aliases, size_t naliases) {
  Sem *self = sem__build(tree, src, len, extra_registrars, interesting, n, NULL, seeds, nseeds, aliases, naliases);
  self->project = true; /* (notes are written on demand, after building) */
  return self;
}

Sem *sem_new_region(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                    const uint8_t *interesting, uint32_t n, SemOuter *outer) {
  return sem__build(tree, src, len, extra_registrars, interesting, n, outer, NULL, 0, NULL, 0);
}

static Sem *sem__build(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                       const uint8_t *interesting, uint32_t n, SemOuter *outer, const LlSeed *seeds, size_t nseeds,
                       const LlAlias *aliases, size_t naliases) {
  syms_init();
  Sem *self = calloc(1, sizeof *self);
  if (!self) abort();
  self->outer = outer;
  self->seeds = seeds, self->nseeds = nseeds;
  self->aliases = aliases, self->naliases = naliases;
  self->interesting = interesting;
  self->interesting_n = n;
  self->tree = tree;
  self->src = src;
  self->len = len;
  for (const char *const *r = extra_registrars; r && *r; r++) vec_push(&self->extra_registrars, (char *)*r);
  sem__walk(self);
  sem__func_segments(self);
  sem__owned_build(self);
  if (outer) { /* file-wide facts are the base's: the region's own are checked by sem_region_effects */
    self->worker_script = outer->base->worker_script;
    self->shebang = outer->base->shebang;
  }
  sem__bind_function_decls(self);
  sem__names_build(self);
  sem__exports_resolve(self);
  if (self->nseeds) sem__seed_funcs(self);
  sem__classify(self);
  return self;
}

void sem_free(Sem *self) {
  if (!self) return;
  free(self->seed_func);
  for (size_t i = 0; i < self->funcs.len; i++) {
    free(self->funcs.items[i].why);
  }
  for (size_t i = 0; i < self->decls.len; i++) {
    SemDecl *d = &self->decls.items[i];
    free(d->member);
    free(d->import_source);
    free(d->path);
  }
  vec_free(&self->funcs);
  vec_free(&self->owned);
  vec_free(&self->func_segs);
  free(self->bodies);
  vec_free(&self->decls);
  sem__names_free(self);
  sem__graph_free(self);
  sem__path_free(self);
  sem__removals_free(self);
  vec_free(&self->edges);
  vec_free(&self->once_edges);
  vec_free(&self->comments);
  vec_free(&self->calls);
  vec_free(&self->candidates);
  vec_free(&self->assignments);
  vec_free(&self->worker_refs);
  vec_free(&self->exports);
  sem__containers_free(self);
  vec_free(&self->call_func);
  vec_free(&self->extra_registrars);
  for (size_t i = 0; i < self->callee_cap; i++) free(self->callee_cache[i].path);
  free(self->callee_cache);
  for (size_t i = 0; i < self->exported_names.len; i++) free(self->exported_names.items[i]);
  vec_free(&self->exported_names);
  vec_free(&self->exported_at);
  free(self);
}

int sem_func_at(const Sem *self, uint32_t byte) {
  size_t lo = 0, hi = self->func_segs.len; /* the last segment starting at or before byte */
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (self->func_segs.items[mid].from <= byte) lo = mid + 1;
    else hi = mid;
  }
  return lo ? self->func_segs.items[lo - 1].func : -1;
}

const SemFunc *sem_func_around(const Sem *self, uint32_t byte) {
  int g = sem_func_at(self, byte);
  if (g >= 0) return &self->funcs.items[g];
  return self->outer && self->outer->func >= 0 ? &self->outer->base->funcs.items[self->outer->func] : NULL;
}

bool sem_region_refuse(Sem *self, const char *why) {
  if (!self->outer) return false;
  if (!self->outer->refused) self->outer->refused = why;
  return true;
}
