/* out_checkstyle.c: Checkstyle XML, read by Jenkins, Bitbucket, reviewdog and many CI systems:
 *   <checkstyle version="4.3"><file name="app.js"><error line="4" column="11" severity="warning"
 *   message="…" source="looplens.sync-fs-in-hot-path"/></file></checkstyle>
 * Every reported file gets a <file>; notices are errors whose source is looplens.<kind> (line 0:
 * about the whole file). Columns count UTF-16 code units. */
#include "out.h"
#include "looplens/fileio.h"
#include <string.h>

/* An attribute value: markup characters as entities, line breaks and tabs as character
 * references (a parser would fold them to spaces), and what XML 1.0 cannot hold at all (other
 * control characters, U+FFFE, U+FFFF, bytes that are not UTF-8) as U+FFFD. */
static void checkstyle__put(FILE *out, const char *s) {
  for (size_t n = strlen(s), i = 0; i < n;) {
    size_t good = text_utf8_invalid_at(s + i, n - i);
    for (size_t end = i + (good == (size_t)-1 ? n - i : good); i < end; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c == '&') fputs("&amp;", out);
      else if (c == '<') fputs("&lt;", out);
      else if (c == '>') fputs("&gt;", out);
      else if (c == '"') fputs("&quot;", out);
      else if (c == '\'') fputs("&apos;", out);
      else if (c == '\n' || c == '\r' || c == '\t') fprintf(out, "&#%d;", c);
      else if (c < 0x20) fputs("\xEF\xBF\xBD", out);
      else if (c == 0xEF && i + 2 < end && (unsigned char)s[i + 1] == 0xBF && ((unsigned char)s[i + 2] & 0xFE) == 0xBE)
        fputs("\xEF\xBF\xBD", out), i += 2;
      else fputc(c, out);
    }
    if (i < n) fputs("\xEF\xBF\xBD", out), i++;
  }
}

static void checkstyle__error(FILE *out, uint32_t line, uint32_t column, const char *severity, const char *message,
                              const char *source) {
  fprintf(out, "    <error line=\"%u\"", line);
  if (column) fprintf(out, " column=\"%u\"", column);
  fprintf(out, " severity=\"%s\" message=\"", severity);
  checkstyle__put(out, message);
  fputs("\" source=\"looplens.", out);
  checkstyle__put(out, source);
  fputs("\"/>\n", out);
}

int out_checkstyle_write(const CheckOutput *o) {
  FILE *out = o->out;
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n", out);
  for (size_t i = 0; i < o->n; i++) {
    const FileResult *f = &o->files[i];
    OutPos pos;
    if (out_pos_open(&pos, f) < 0) return -1;
    fputs("  <file name=\"", out);
    checkstyle__put(out, f->path);
    fputs("\">\n", out);
    for (size_t k = 0; k < f->notices.len; k++) {
      const Notice *no = &f->notices.items[k];
      checkstyle__error(out, no->line, out_pos_notice_column(&pos, f, no),
                        no->kind == NOTE_IO || no->kind == NOTE_CONFIG ? "error" : "info", no->message,
                        notice_kind_name(no->kind));
    }
    for (size_t k = 0; k < f->diags.len; k++) {
      const Diag *d = &f->diags.items[k];
      OutSpan s = out_pos_span(&pos, d);
      char *msg = out_message(d);
      checkstyle__error(out, s.line, s.column, severity_name(d->severity), msg, d->rule->id);
      free(msg);
    }
    fputs("  </file>\n", out);
    out_pos_close(&pos);
  }
  fputs("</checkstyle>\n", out);
  return 0;
}
