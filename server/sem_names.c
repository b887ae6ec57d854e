/* sem_names.c: the symbol table. Declarations are grouped by name, and each group's scopes are
 * flattened into sorted segments of the source, each holding the innermost declaration of that name
 * visible there. A lookup is then two binary searches however many declarations share the name:
 * minified code declares e, t and n in every one of its functions, handlers req and res in each. */
#include "sem_private.h"
#include <stdlib.h>
#include <string.h>

/* From `from` up to the next segment's start, `decl` (an index into decls, or -1) is visible. */
typedef struct {
  uint32_t from;
  int decl;
} NameSeg;

typedef struct {
  uint32_t first;     /* the group's declarations are order[first .. first + count) */
  uint32_t count;
  uint32_t seg, nseg; /* and its segments segs[seg .. seg + nseg) */
} NameGroup;

struct SemNames {
  Vec(int) order;        /* indices into decls sorted by (name, at, index) */
  Vec(NameGroup) groups; /* one per distinct name, in name order */
  Vec(NameSeg) segs;
};

static int names__cmp_name(const SemDecl *d, const char *name, size_t len) {
  int c = memcmp(d->name, name, d->name_len < len ? d->name_len : len);
  return c ? c : (d->name_len > len) - (d->name_len < len);
}

static _Thread_local const Sem *names__sort_ctx; /* qsort takes no context */

static int names__order_cmp(const void *a, const void *b) {
  int i = *(const int *)a, j = *(const int *)b;
  const SemDecl *x = &names__sort_ctx->decls.items[i], *y = &names__sort_ctx->decls.items[j];
  int c = names__cmp_name(x, y->name, y->name_len);
  if (!c) c = (x->at > y->at) - (x->at < y->at);
  return c ? c : (i > j) - (i < j);
}

static int names__start_cmp(const void *a, const void *b) {
  const SemDecl *x = &names__sort_ctx->decls.items[*(const int *)a], *y = &names__sort_ctx->decls.items[*(const int *)b];
  return (x->scope_start > y->scope_start) - (x->scope_start < y->scope_start);
}

static int names__u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Does declaration i shadow j where both are visible: the smaller scope, then the earlier one
 * (what a scan in name order keeping the strictly smaller scope picks). */
static bool names__before(const Sem *self, int i, int j) {
  const SemDecl *x = &self->decls.items[i], *y = &self->decls.items[j];
  uint32_t sx = x->scope_end - x->scope_start, sy = y->scope_end - y->scope_start;
  if (sx != sy) return sx < sy;
  if (x->at != y->at) return x->at < y->at;
  return i < j;
}

typedef Vec(int) IntVec;
typedef Vec(uint32_t) U32Vec;

static void names__heap_push(const Sem *self, IntVec *h, int d) {
  vec_push(h, d);
  for (size_t k = h->len - 1; k > 0;) {
    size_t up = (k - 1) / 2;
    if (!names__before(self, h->items[k], h->items[up])) break;
    int t = h->items[k];
    h->items[k] = h->items[up], h->items[up] = t, k = up;
  }
}

static void names__heap_pop(const Sem *self, IntVec *h) {
  h->items[0] = h->items[--h->len];
  for (size_t k = 0;;) {
    size_t l = 2 * k + 1, r = l + 1, m = k;
    if (l < h->len && names__before(self, h->items[l], h->items[m])) m = l;
    if (r < h->len && names__before(self, h->items[r], h->items[m])) m = r;
    if (m == k) break;
    int t = h->items[k];
    h->items[k] = h->items[m], h->items[m] = t, k = m;
  }
}

/* Sweeps the group's scope boundaries left to right with a heap of the scopes entered so far
 * (the innermost on top, those already left dropped lazily): one segment per change. */
static void names__segments(Sem *self, struct SemNames *t, NameGroup *g, IntVec *heap, IntVec *by_start,
                            U32Vec *ends) {
  by_start->len = ends->len = heap->len = 0;
  for (uint32_t k = 0; k < g->count; k++) {
    int d = t->order.items[g->first + k];
    vec_push(by_start, d);
    vec_push(ends, self->decls.items[d].scope_end);
  }
  qsort(by_start->items, by_start->len, sizeof(int), names__start_cmp);
  qsort(ends->items, ends->len, sizeof(uint32_t), names__u32_cmp);
  g->seg = (uint32_t)t->segs.len;
  int shown = -2;
  for (size_t i = 0, j = 0; i < by_start->len || j < ends->len;) {
    uint32_t p = j < ends->len ? ends->items[j] : UINT32_MAX;
    if (i < by_start->len && self->decls.items[by_start->items[i]].scope_start < p)
      p = self->decls.items[by_start->items[i]].scope_start;
    for (; i < by_start->len && self->decls.items[by_start->items[i]].scope_start == p; i++)
      names__heap_push(self, heap, by_start->items[i]);
    for (; j < ends->len && ends->items[j] == p; j++) {}
    while (heap->len && self->decls.items[heap->items[0]].scope_end <= p) names__heap_pop(self, heap);
    int d = heap->len ? heap->items[0] : -1;
    if (d != shown) vec_push(&t->segs, ((NameSeg){p, d})), shown = d;
  }
  g->nseg = (uint32_t)t->segs.len - g->seg;
}

void sem__names_build(Sem *self) {
  struct SemNames *t = calloc(1, sizeof *t);
  if (!t) abort();
  self->names = t;
  for (size_t i = 0; i < self->decls.len; i++) vec_push(&t->order, (int)i);
  names__sort_ctx = self;
  if (t->order.len > 1) qsort(t->order.items, t->order.len, sizeof(int), names__order_cmp);
  IntVec heap = {0}, by_start = {0};
  U32Vec ends = {0};
  for (size_t i = 0; i < t->order.len;) {
    const SemDecl *d = &self->decls.items[t->order.items[i]];
    size_t j = i + 1;
    while (j < t->order.len && !names__cmp_name(&self->decls.items[t->order.items[j]], d->name, d->name_len)) j++;
    NameGroup g = {.first = (uint32_t)i, .count = (uint32_t)(j - i)};
    names__segments(self, t, &g, &heap, &by_start, &ends);
    vec_push(&t->groups, g);
    i = j;
  }
  names__sort_ctx = NULL;
  vec_free(&heap);
  vec_free(&by_start);
  vec_free(&ends);
}

void sem__names_free(Sem *self) {
  if (!self->names) return;
  vec_free(&self->names->order);
  vec_free(&self->names->groups);
  vec_free(&self->names->segs);
  free(self->names);
  self->names = NULL;
}

static const NameGroup *names__group(const Sem *self, const char *name, size_t len) {
  const struct SemNames *t = self->names;
  size_t lo = 0, hi = t->groups.len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const NameGroup *g = &t->groups.items[mid];
    int c = names__cmp_name(&self->decls.items[t->order.items[g->first]], name, len);
    if (!c) return g;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

/* The innermost declaration of the group visible at `at`, or NULL. */
static const SemDecl *names__visible(const Sem *self, const NameGroup *g, uint32_t at) {
  const NameSeg *s = self->names->segs.items + g->seg;
  size_t lo = 0, hi = g->nseg;
  while (lo < hi) { /* the first segment starting after at */
    size_t mid = (lo + hi) / 2;
    if (s[mid].from <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo && s[lo - 1].decl >= 0 ? &self->decls.items[s[lo - 1].decl] : NULL;
}

/* The declaration of `name` visible at `at`, leaving out those declared in [ex_from, ex_to). */
static const SemDecl *names__lookup(const Sem *self, const char *name, size_t len, uint32_t at, uint32_t ex_from,
                                    uint32_t ex_to) {
  const NameGroup *g = names__group(self, name, len);
  const SemDecl *best = g ? names__visible(self, g, at) : NULL;
  if (!best || best->at < ex_from || best->at >= ex_to) return best;
  /* the innermost one is left out (a region's old declaration): the rare slow way */
  best = NULL;
  for (uint32_t k = 0; k < g->count; k++) {
    int i = self->names->order.items[g->first + k];
    const SemDecl *d = &self->decls.items[i];
    if (d->at >= ex_from && d->at < ex_to) continue;
    if (d->scope_start <= at && at < d->scope_end && (!best || names__before(self, i, (int)(best - self->decls.items))))
      best = d;
  }
  return best;
}

const SemDecl *sem_lookup(const Sem *self, const char *name, size_t name_len, uint32_t at) {
  const SemDecl *d = names__lookup(self, name, name_len, at, 0, 0);
  if (d || !self->outer) return d;
  /* not declared in the region: what the base sees at the region's start, minus the region's old decls */
  const SemOuter *o = self->outer;
  return names__lookup(o->base, name, name_len, o->from, o->from, o->to);
}

bool sem__owns_decl(const Sem *self, const SemDecl *d) {
  return d >= self->decls.items && d < self->decls.items + self->decls.len;
}
