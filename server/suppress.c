/* suppress.c: suppression comments, read from the comment nodes the semantic walk collected. */
#include "suppress.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const suppress__kinds[] = {"looplens-ignore-next-line", "looplens-ignore-line",
                                              "looplens-ignore-file"};

/* Parses the rule list after the directive, up to `--` or the end of the comment. */
static char *suppress__rules(const char *s, const char *end) {
  const char *stop = end;
  for (const char *p = s; p + 1 < end; p++)
    if (p[0] == '-' && p[1] == '-') { stop = p; break; }
  StrBuf b = {0};
  for (const char *p = s; p < stop; p++) {
    if (isalnum((unsigned char)*p) || *p == '-' || *p == '/' || *p == '_') strbuf_putc(&b, *p);
    else if ((*p == ',' || isspace((unsigned char)*p)) && b.len && b.s[b.len - 1] != ',') strbuf_putc(&b, ',');
  }
  while (b.len && b.s[b.len - 1] == ',') b.s[--b.len] = '\0';
  if (!b.len || (b.len == 1 && b.s[0] == '*')) {
    strbuf_free(&b);
    return NULL;
  }
  return strbuf_steal(&b);
}

void suppress_collect(const Sem *sem, Suppressions *out) {
  const char *counted = sem->src; /* rows are counted on from the last comment's end, not from the top */
  unsigned row = 0;
  for (size_t i = 0; i < sem->comments.len; i++) {
    SemRange c = sem->comments.items[i];
    const char *s = sem->src + c.start, *end = sem->src + c.end;
    if (end - s >= 2 && s[0] == '/' && s[1] == '*') end -= 2; /* drop the closing star-slash */
    for (int k = 0; k < 3; k++) {
      size_t n = strlen(suppress__kinds[k]);
      const char *at = NULL;
      for (const char *p = s; p + n <= end; p++)
        if (!memcmp(p, suppress__kinds[k], n) && (p + n == end || (!isalnum((unsigned char)p[n]) && p[n] != '-'))) {
          at = p;
          break;
        }
      if (!at) continue;
      if (counted > sem->src + c.end) counted = sem->src, row = 0; /* comments out of order */
      for (; counted < sem->src + c.end; counted++) /* row of the comment's end */
        if (*counted == '\n') row++;
      Suppression sup = {.row = row + (k == 0 ? 1 : 0), .at = c.start, .whole_file = k == 2,
                         .rules = suppress__rules(at + n, end)};
      vec_push(out, sup);
      break;
    }
  }
}

/* Does the suppression name the rule (or every rule)? */
static bool suppress__names(const Suppression *s, const char *rule_id, size_t idlen) {
  if (!s->rules) return true;
  for (const char *p = s->rules; *p;) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == idlen && !memcmp(p, rule_id, n)) return true;
    p += n + (e ? 1 : 0);
  }
  return false;
}

bool suppress_hides(const Suppressions *self, const char *rule_id, uint32_t row) {
  size_t idlen = strlen(rule_id);
  for (size_t i = 0; i < self->len; i++) {
    const Suppression *s = &self->items[i];
    if ((s->whole_file || s->row == row) && suppress__names(s, rule_id, idlen)) return true;
  }
  return false;
}

static _Thread_local const Suppressions *suppress__sort_ctx; /* qsort takes no context */

static int suppress__row_cmp(const void *a, const void *b) {
  uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
  uint32_t x = suppress__sort_ctx->items[i].row, y = suppress__sort_ctx->items[j].row;
  return x != y ? (x > y) - (x < y) : (i > j) - (i < j);
}

void suppress_index_init(SuppressIndex *self, const Suppressions *list) {
  memset(self, 0, sizeof *self);
  self->list = list;
  for (size_t i = 0; i < list->len; i++) {
    SuppressRefs *to = list->items[i].whole_file ? &self->whole : &self->by_row;
    vec_push(to, (uint32_t)i);
  }
  suppress__sort_ctx = list;
  if (self->by_row.len > 1) qsort(self->by_row.items, self->by_row.len, sizeof(uint32_t), suppress__row_cmp);
  suppress__sort_ctx = NULL;
}

bool suppress_index_hides(const SuppressIndex *self, const char *rule_id, uint32_t row) {
  size_t idlen = strlen(rule_id), lo = 0, hi = self->by_row.len;
  const Suppression *items = self->list->items;
  for (size_t i = 0; i < self->whole.len; i++)
    if (suppress__names(&items[self->whole.items[i]], rule_id, idlen)) return true;
  while (lo < hi) { /* the first suppression on the row */
    size_t mid = (lo + hi) / 2;
    if (items[self->by_row.items[mid]].row < row) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < self->by_row.len && items[self->by_row.items[lo]].row == row; lo++)
    if (suppress__names(&items[self->by_row.items[lo]], rule_id, idlen)) return true;
  return false;
}

void suppress_index_free(SuppressIndex *self) {
  vec_free(&self->whole);
  vec_free(&self->by_row);
}

void suppress_free(Suppressions *self) {
  for (size_t i = 0; i < self->len; i++) free(self->items[i].rules);
  vec_free(self);
}
