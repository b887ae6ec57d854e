/* diag.c: diagnostic lists and the severity/context vocabulary. */
#include "looplens/diag.h"
#include "looplens/rule.h"
#include "looplens/strbuf.h"
#include <stdlib.h>
#include <string.h>

void diag_steps_copy(DiagSteps *dst, const DiagSteps *src) {
  for (size_t i = 0; i < src->len; i++) {
    const DiagStep *s = &src->items[i];
    vec_push(dst, ((DiagStep){ll_strdup(s->file), s->line, s->column, ll_strdup(s->message)}));
  }
}

void diag_steps_free(DiagSteps *self) {
  for (size_t i = 0; i < self->len; i++) free(self->items[i].file), free(self->items[i].message);
  vec_free(self);
}

void diag_list_clear(DiagList *self) {
  for (size_t i = 0; i < self->len; i++) {
    free(self->items[i].message);
    free(self->items[i].context_note);
    diag_steps_free(&self->items[i].related);
  }
  self->len = 0;
}

void diag_list_free(DiagList *self) {
  diag_list_clear(self);
  vec_free(self);
}

static int diag__cmp(const void *a, const void *b) {
  const Diag *x = a, *y = b;
  if (x->start_byte != y->start_byte) return x->start_byte < y->start_byte ? -1 : 1;
  if (x->end_byte != y->end_byte) return x->end_byte < y->end_byte ? -1 : 1;
  return strcmp(x->rule->id, y->rule->id);
}

void diag_list_sort(DiagList *self) {
  if (self->len > 1) qsort(self->items, self->len, sizeof *self->items, diag__cmp);
}

static const char *const severity__names[] = {"off", "info", "warning", "error"};

const char *severity_name(Severity s) { return severity__names[s]; }

int severity_parse(const char *s, Severity *out) {
  for (int i = 0; i < 4; i++)
    if (!strcmp(s, severity__names[i])) {
      *out = (Severity)i;
      return 0;
    }
  return -1;
}

const char *context_name(Context c) {
  static const char *const names[] = {"startup", "unknown", "once", "hot"};
  return names[c];
}
