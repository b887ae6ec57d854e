/* sem_life.c: object lifetimes and long-lived containers.
 *  - sem_long_lived: does an expression denote something that outlives a request (a module-level
 *    binding, `process`, an imported module, `this` of a module-level singleton)?
 *  - sem_container_of / sem_container_evicted: module-level Map/Set/object/array bindings and class
 *    fields of module-level singletons, and whether anything in the file ever removes from them.
 * The container table is built on first use and owned by the Sem. */
#include "sem.h"
#include "sem_private.h"
#include "syms.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  uint32_t id_start, id_len; /* the name in the source: binding name, or field name for class fields */
  int decl;                  /* the module-level binding, or -1 for a class field */
  uint32_t owner;            /* class start byte, for class fields */
  const char *kind;          /* "Map", "Set", "object", "array" */
  uint32_t line;
  bool evicted;
} Container;

/* Indexed, so that each write or eviction finds its container by a lookup: a file with thousands
 * of module-level Maps, or of singleton classes, once scanned all of them per question. */
struct SemContainers {
  Vec(Container) items;
  int *by_decl;               /* per declaration: its container, -1 */
  Vec(int) fields;            /* class-field containers by (owner, name, index) */
  Vec(uint32_t) singletons;   /* start bytes of the singleton classes, sorted */
};

void sem__containers_free(Sem *self) {
  if (!self->containers) return;
  vec_free(&self->containers->items);
  free(self->containers->by_decl);
  vec_free(&self->containers->fields);
  vec_free(&self->containers->singletons);
  free(self->containers);
  self->containers = NULL;
}

/* What kind of growable container a value creates; NULL for anything else (WeakMap, LRU, …). */
static const char *life__container_kind(Sem *self, TSNode v) {
  if (ts_node_is_null(v)) return NULL;
  if (node_is(v, S_object)) return "object";
  if (node_is(v, S_array)) return "array";
  if (node_is(v, S_new_expression)) {
    const char *p = sem_resolve_callee_ref(self, v);
    if (p && !strcmp(p, "Map")) return "Map";
    if (p && !strcmp(p, "Set")) return "Set";
    if (p && (!strcmp(p, "Object") || !strcmp(p, "Array"))) return !strcmp(p, "Array") ? "array" : "object";
    return NULL;
  }
  if (node_is(v, S_call_expression)) {
    const char *p = sem_resolve_callee_ref(self, v);
    if (p && !strcmp(p, "Object.create")) return "object";
  }
  return NULL;
}

static int life__u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The class (or value) a constructor names, as a start byte; UINT32_MAX when unknown. */
static uint32_t life__constructed(Sem *self, TSNode ctor) {
  if (ts_node_is_null(ctor)) return UINT32_MAX;
  uint32_t s = ts_node_start_byte(ctor);
  const SemDecl *c = sem_lookup(self, self->src + s, ts_node_end_byte(ctor) - s, s);
  return c && !ts_node_is_null(c->value) ? ts_node_start_byte(c->value) : UINT32_MAX;
}

/* The classes instantiated at module level or exported as an instance: `const s = new Service()`,
 * `module.exports = new Service()`. */
static void life__find_singletons(Sem *self) {
  Vec(uint32_t) *out = (void *)&self->containers->singletons;
  for (size_t i = 0; i < self->decls.len; i++) {
    SemDecl *d = &self->decls.items[i];
    if (!d->module_level || d->kind != DECL_VALUE || ts_node_is_null(d->value) || !node_is(d->value, S_new_expression))
      continue;
    TSNode ctor = node_field(d->value, F_constructor);
    if (ts_node_is_null(ctor) || !node_is(ctor, S_identifier)) continue;
    uint32_t owner = life__constructed(self, ctor);
    if (owner != UINT32_MAX) vec_push(out, owner);
  }
  for (size_t i = 0; i < self->assignments.len; i++) {
    TSNode a = self->assignments.items[i];
    TSNode right = node_field(a, F_right);
    if (ts_node_is_null(right) || !node_is(right, S_new_expression) || sem_func_at(self, ts_node_start_byte(a)) >= 0)
      continue;
    uint32_t owner = life__constructed(self, node_field(right, F_constructor));
    if (owner != UINT32_MAX) vec_push(out, owner);
  }
  if (out->len > 1) qsort(out->items, out->len, sizeof *out->items, life__u32_cmp);
}

/* Is the class starting at `owner` instantiated at module level or exported as an instance? */
static bool life__singleton_class(Sem *self, uint32_t owner) {
  const struct SemContainers *c = self->containers;
  size_t lo = 0, hi = c->singletons.len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c->singletons.items[mid] < owner) lo = mid + 1;
    else hi = mid;
  }
  return lo < c->singletons.len && c->singletons.items[lo] == owner;
}

/* The class whose method contains byte `at`, as a start byte; -1 outside class methods. */
static int life__class_at(const Sem *self, uint32_t at) {
  for (int f = sem_func_at(self, at); f >= 0; f = self->funcs.items[f].parent) {
    const SemFunc *fn = &self->funcs.items[f];
    if (node_is(fn->node, S_method_definition)) return fn->owner;
    if (!node_is(fn->node, S_arrow_function)) return -1; /* `this` is rebound by plain functions */
  }
  return -1;
}

static void life__add_field(Sem *self, uint32_t owner, TSNode name, TSNode value) {
  const char *kind = life__container_kind(self, value);
  if (!kind || !life__singleton_class(self, owner)) return;
  Container c = {.id_start = ts_node_start_byte(name), .id_len = ts_node_end_byte(name) - ts_node_start_byte(name),
                 .decl = -1, .owner = owner, .kind = kind, .line = sem__line(name)};
  vec_push(&self->containers->items, c);
}

static int life__find(Sem *self, TSNode expr);

static void life__mark_evicted(Sem *self, TSNode target) {
  int c = life__find(self, target);
  if (c >= 0) self->containers->items.items[c].evicted = true;
}

static void life__scan_evictions(Sem *self) {
  static const char *const evict[] = {"delete", "clear", "shift", "splice", "pop", NULL};
  for (size_t i = 0; i < self->calls.len; i++) {
    TSNode fn = node_field(self->calls.items[i], F_function);
    if (ts_node_is_null(fn) || !node_is(fn, S_member_expression)) continue;
    TSNode prop = node_field(fn, F_property);
    for (const char *const *e = evict; *e; e++)
      if (!ts_node_is_null(prop) && sem_node_is(self, prop, *e)) life__mark_evicted(self, node_field(fn, F_object));
  }
  for (size_t i = 0; i < self->assignments.len; i++) {
    TSNode a = self->assignments.items[i];
    if (node_is(a, S_unary_expression)) { /* delete c[k] */
      TSNode arg = ts_node_named_child(a, 0);
      if (!ts_node_is_null(arg) && (node_is(arg, S_subscript_expression) || node_is(arg, S_member_expression)))
        life__mark_evicted(self, node_field(arg, F_object));
      continue;
    }
    TSNode left = node_field(a, F_left);
    if (ts_node_is_null(left)) continue;
    TSNode prop = node_is(left, S_member_expression) ? node_field(left, F_property) : (TSNode){0};
    if (!ts_node_is_null(prop) && sem_node_is(self, prop, "length")) { /* c.length = 0 */
      life__mark_evicted(self, node_field(left, F_object));
      continue;
    }
    /* reassigning the binding (or the field, outside the constructor) starts a fresh container */
    int c = life__find(self, left);
    if (c < 0) continue;
    int f = sem_func_at(self, ts_node_start_byte(a));
    bool in_ctor = f >= 0 && node_is(self->funcs.items[f].node, S_method_definition) &&
                   self->funcs.items[f].name_end - self->funcs.items[f].name_start == 11 &&
                   !memcmp(self->src + self->funcs.items[f].name_start, "constructor", 11);
    if (!in_ctor) self->containers->items.items[c].evicted = true;
  }
}

static _Thread_local const Sem *life__sort_ctx; /* qsort takes no context */

/* Field container i against (owner, name): by owner, then name, then position. */
static int life__field_key(const Sem *self, int i, int owner, const char *name, uint32_t n) {
  const Container *c = &self->containers->items.items[i];
  if ((int)c->owner != owner) return (int)c->owner < owner ? -1 : 1;
  int k = memcmp(self->src + c->id_start, name, c->id_len < n ? c->id_len : n);
  return k ? k : (c->id_len > n) - (c->id_len < n);
}

static int life__field_cmp(const void *a, const void *b) {
  int i = *(const int *)a, j = *(const int *)b;
  const Container *y = &life__sort_ctx->containers->items.items[j];
  int k = life__field_key(life__sort_ctx, i, (int)y->owner, life__sort_ctx->src + y->id_start, y->id_len);
  return k ? k : (i > j) - (i < j);
}

static void life__index(Sem *self) {
  struct SemContainers *t = self->containers;
  t->by_decl = malloc((self->decls.len + 1) * sizeof *t->by_decl);
  if (!t->by_decl) abort();
  for (size_t i = 0; i < self->decls.len; i++) t->by_decl[i] = -1;
  for (size_t i = t->items.len; i-- > 0;) { /* the first container of a declaration wins */
    if (t->items.items[i].decl >= 0) t->by_decl[t->items.items[i].decl] = (int)i;
    else vec_push(&t->fields, (int)i);
  }
  life__sort_ctx = self;
  if (t->fields.len > 1) qsort(t->fields.items, t->fields.len, sizeof(int), life__field_cmp);
  life__sort_ctx = NULL;
}

static void life__build(Sem *self) {
  self->containers = calloc(1, sizeof *self->containers);
  if (!self->containers) abort();
  life__find_singletons(self);
  for (size_t i = 0; i < self->decls.len; i++) {
    SemDecl *d = &self->decls.items[i];
    if (!d->module_level || d->kind != DECL_VALUE || d->member || d->import_source) continue;
    const char *kind = life__container_kind(self, d->value);
    if (!kind) continue;
    Container c = {.id_start = d->at, .id_len = d->name_len, .decl = (int)i, .kind = kind,
                   .line = ts_node_start_point(d->value).row + 1};
    vec_push(&self->containers->items, c);
  }
  /* class fields: `cache = new Map()` and `this.cache = new Map()` in the constructor */
  for (size_t i = 0; i < self->assignments.len; i++) {
    TSNode a = self->assignments.items[i];
    TSNode left = node_is(a, S_assignment_expression) ? node_field(a, F_left) : (TSNode){0};
    if (ts_node_is_null(left) || !node_is(left, S_member_expression)) continue;
    TSNode obj = node_field(left, F_object);
    if (ts_node_is_null(obj) || !node_is(obj, S_this)) continue;
    int owner = life__class_at(self, ts_node_start_byte(a));
    int f = sem_func_at(self, ts_node_start_byte(a));
    if (owner < 0 || f < 0 || self->funcs.items[f].name_end - self->funcs.items[f].name_start != 11 ||
        memcmp(self->src + self->funcs.items[f].name_start, "constructor", 11))
      continue;
    life__add_field(self, (uint32_t)owner, node_field(left, F_property), node_field(a, F_right));
  }
  TSNode root = ts_tree_root_node(self->tree);
  TSTreeCursor cur = ts_tree_cursor_new(root); /* field_definition nodes: few, found by a shallow scan */
  for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok; ok = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode top = ts_tree_cursor_current_node(&cur);
    TSNode cls = node_is(top, S_class_declaration) ? top
                 : node_is(top, S_export_statement) ? node_field(top, F_declaration) : (TSNode){0};
    if (ts_node_is_null(cls) || !node_is(cls, S_class_declaration)) continue;
    TSNode body = node_field(cls, F_body);
    uint32_t k = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
    for (uint32_t j = 0; j < k; j++) {
      TSNode fd = ts_node_named_child(body, j);
      if (node_is(fd, S_field_definition))
        life__add_field(self, ts_node_start_byte(cls), node_field(fd, F_property), node_field(fd, F_value));
    }
  }
  ts_tree_cursor_delete(&cur);
  life__index(self);
  life__scan_evictions(self);
}

/* The container an expression refers to (an identifier bound to one, or this.<field> inside the
 * singleton class), or -1. */
static int life__find(Sem *self, TSNode e) {
  if (ts_node_is_null(e)) return -1;
  const struct SemContainers *t = self->containers;
  if (node_is(e, S_identifier)) {
    uint32_t s = ts_node_start_byte(e), n = ts_node_end_byte(e) - s;
    const SemDecl *d = sem_lookup(self, self->src + s, n, s);
    return d && sem__owns_decl(self, d) ? t->by_decl[d - self->decls.items] : -1;
  }
  if (node_is(e, S_member_expression)) {
    TSNode obj = node_field(e, F_object), prop = node_field(e, F_property);
    if (ts_node_is_null(obj) || ts_node_is_null(prop) || !node_is(obj, S_this)) return -1;
    int owner = life__class_at(self, ts_node_start_byte(e));
    uint32_t ps = ts_node_start_byte(prop), pn = ts_node_end_byte(prop) - ps;
    size_t lo = 0, hi = t->fields.len;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (life__field_key(self, t->fields.items[mid], owner, self->src + ps, pn) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < t->fields.len && !life__field_key(self, t->fields.items[lo], owner, self->src + ps, pn))
      return t->fields.items[lo];
  }
  return -1;
}

int sem_container_of(Sem *self, TSNode expr, SemContainerInfo *info) {
  if (!self->containers) life__build(self);
  int c = life__find(self, expr);
  if (c < 0) return -1;
  const Container *k = &self->containers->items.items[c];
  if (info) {
    info->name = self->src + k->id_start;
    info->name_len = k->id_len;
    info->kind = k->kind;
    info->line = k->line;
    info->evicted = k->evicted;
    info->class_field = k->decl < 0;
  }
  return c;
}

bool sem_long_lived(Sem *self, TSNode e, int depth) {
  if (ts_node_is_null(e) || depth > 8) return false;
  if (node_is(e, S_parenthesized_expression)) return sem_long_lived(self, ts_node_named_child(e, 0), depth + 1);
  if (node_is(e, S_identifier)) {
    uint32_t s = ts_node_start_byte(e), n = ts_node_end_byte(e) - s;
    const SemDecl *d = sem_lookup(self, self->src + s, n, s);
    if (!d) return n == 7 && !memcmp(self->src + s, "process", 7); /* the global */
    if (d->module_level) return true;
    /* a local alias of something long-lived: const bus = app.locals.bus */
    return d->kind == DECL_VALUE && d->is_const && !ts_node_is_null(d->value) && !node_is(d->value, S_new_expression) &&
           !node_is(d->value, S_object) && sem_long_lived(self, d->value, depth + 1);
  }
  if (node_is(e, S_this)) {
    if (!self->containers) life__build(self); /* the memo lives in the container table */
    int owner = life__class_at(self, ts_node_start_byte(e));
    return owner >= 0 && life__singleton_class(self, (uint32_t)owner);
  }
  if (node_is(e, S_member_expression) || node_is(e, S_subscript_expression))
    return sem_long_lived(self, node_field(e, F_object), depth + 1);
  if (node_is(e, S_call_expression)) { /* require('./db'), redis.createClient() at module level */
    const char *p = sem_resolve_callee_ref(self, e);
    return p && !strncmp(p, "pkg:", 4) && sem_func_at(self, ts_node_start_byte(e)) < 0;
  }
  return false;
}
