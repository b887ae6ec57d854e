/* out_chain.c: why a finding's code counts as hot, for the formats that can show it as places.
 * Reads the context note's "(line N)" mentions: a bridge until diagnostics carry the chain as
 * data, when out_steps_from_note gives way to a copy of that list. */
#include "out.h"
#include "looplens/strbuf.h"
#include <stdlib.h>
#include <string.h>

char *out_message(const Diag *d) {
  StrBuf b = {0};
  strbuf_puts(&b, d->message);
  if (d->context_note && !strstr(d->message, d->context_note)) strbuf_printf(&b, "; %s", d->context_note);
  return strbuf_steal(&b);
}

/* A mention names a place in another file when the chain has crossed into it: "called from
 * lib/a.js:12 in …", or a registration "… (line 3) in routes.js". */
static bool out__leaves_file(const char *from, const char *mention, const char *after) {
  if (!strncmp(after, " in ", 4)) return true;
  for (const char *c = strstr(from, "called from "); c && c < mention; c = strstr(c + 1, "called from ")) {
    const char *w = c + 12, *colon = w + strcspn(w, " :");
    if (*colon == ':' && colon[1] >= '0' && colon[1] <= '9') return true;
  }
  return false;
}

void out_steps_from_note(const FileResult *f, const Diag *d, OutSteps *out) {
  const char *note = d->context_note;
  if (!note || (d->context != CTX_HOT && d->context != CTX_ONCE)) return;
  const char *colon = strstr(note, ": "), *seg = colon ? colon + 2 : note;
  size_t first = out->len;
  for (const char *m = strstr(seg, "(line "); m; m = strstr(m + 1, "(line ")) {
    char *end;
    unsigned long line = strtoul(m + 6, &end, 10);
    if (end == m + 6 || (*end != ')' && *end != ',') || !line || line > UINT32_MAX) continue;
    const char *close = strchr(end, ')');
    if (!close || out__leaves_file(seg, m, close + 1)) break;
    const char *from = seg;
    if (!strncmp(from, "called from ", 12)) from += 12;
    vec_push(out, ((OutStep){f->path, (uint32_t)line, 0, ll_strndup(from, (size_t)(close + 1 - from))}));
    seg = close + 1 + strspn(close + 1, ", ");
  }
  for (size_t i = first, j = out->len; i + 1 < j; i++, j--) { /* the note names the root last */
    OutStep t = out->items[i];
    out->items[i] = out->items[j - 1];
    out->items[j - 1] = t;
  }
}

void out_steps_of(const FileResult *f, const Diag *d, OutSteps *out) {
  for (size_t i = d->related.len; i-- > 0;) { /* other files' calls, nearest first in the list: root first here */
    const DiagStep *s = &d->related.items[i];
    vec_push(out, ((OutStep){s->file, s->line, s->column, ll_strdup(s->message)}));
  }
  out_steps_from_note(f, d, out);
}

void out_steps_free(OutSteps *self) {
  for (size_t i = 0; i < self->len; i++) free(self->items[i].message);
  vec_free(self);
}
