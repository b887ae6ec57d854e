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
      unsigned row = 0, col;
      (void)col;
      for (const char *p = sem->src; p < sem->src + c.end; p++) /* row of the comment's end */
        if (*p == '\n') row++;
      Suppression sup = {.row = row + (k == 0 ? 1 : 0), .at = c.start, .whole_file = k == 2,
                         .rules = suppress__rules(at + n, end)};
      vec_push(out, sup);
      break;
    }
  }
}

bool suppress_hides(const Suppressions *self, const char *rule_id, uint32_t row) {
  size_t idlen = strlen(rule_id);
  for (size_t i = 0; i < self->len; i++) {
    const Suppression *s = &self->items[i];
    if (!s->whole_file && s->row != row) continue;
    if (!s->rules) return true;
    for (const char *p = s->rules; *p;) {
      const char *e = strchr(p, ',');
      size_t n = e ? (size_t)(e - p) : strlen(p);
      if (n == idlen && !memcmp(p, rule_id, n)) return true;
      p += n + (e ? 1 : 0);
    }
  }
  return false;
}

void suppress_free(Suppressions *self) {
  for (size_t i = 0; i < self->len; i++) free(self->items[i].rules);
  vec_free(self);
}
