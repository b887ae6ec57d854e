/* out_github.c: GitHub Actions workflow commands, one line a finding, which the runner turns into
 * annotations on the pull request's diff:
 *   ::warning file=app.js,line=4,col=11,endLine=4,endColumn=39,title=…::message
 * Columns count UTF-16 code units, as JavaScript and GitHub's web view do. */
#include "out.h"
#include <stdbool.h>

/* The format's escaping: in the message "%", CR and LF; in properties also ":" and ",". */
static void github__put(FILE *out, const char *s, bool property) {
  for (; *s; s++)
    switch (*s) {
      case '%': fputs("%25", out); break;
      case '\r': fputs("%0D", out); break;
      case '\n': fputs("%0A", out); break;
      case ':': property ? fputs("%3A", out) : fputc(':', out); break;
      case ',': property ? fputs("%2C", out) : fputc(',', out); break;
      default: fputc(*s, out);
    }
}

static const char *github__command(Severity s) {
  return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "notice";
}

/* GitHub takes columns only for a range on one line. */
static void github__place(FILE *out, const char *path, OutSpan s) {
  fputs(" file=", out);
  github__put(out, path, true);
  if (!s.line) return;
  fprintf(out, ",line=%u", s.line);
  if (s.column && (!s.end_line || s.end_line == s.line)) fprintf(out, ",col=%u", s.column);
  if (s.end_line) fprintf(out, ",endLine=%u", s.end_line);
  if (s.end_line == s.line && s.column && s.end_column) fprintf(out, ",endColumn=%u", s.end_column);
}

static void github__diag(FILE *out, const OutPos *pos, const FileResult *f, const Diag *d) {
  const Rule *r = d->rule;
  char *msg = out_message(d);
  fprintf(out, "::%s", github__command(d->severity));
  github__place(out, f->path, out_pos_span(pos, d));
  fputs(",title=", out);
  github__put(out, r->id, true);
  github__put(out, ": ", true);
  github__put(out, r->title, true);
  fputs("::", out);
  github__put(out, msg, false);
  if (r->fix) fputs("%0AFix: ", out), github__put(out, r->fix, false);
  fputs("%0ALearn: looplens explain ", out);
  github__put(out, r->id, false);
  if (r->chapter) fputs(" (", out), github__put(out, r->chapter, false), fputc(')', out);
  fputc('\n', out);
  free(msg);
}

static void github__notice(FILE *out, const OutPos *pos, const FileResult *f, const Notice *no) {
  fprintf(out, "::%s", no->kind == NOTE_IO || no->kind == NOTE_CONFIG ? "error" : "notice");
  github__place(out, f->path, (OutSpan){no->line, out_pos_notice_column(pos, f, no), 0, 0});
  fputs(",title=", out);
  github__put(out, "looplens: ", true);
  github__put(out, notice_kind_name(no->kind), true);
  fputs("::", out);
  github__put(out, no->message, false);
  fputc('\n', out);
}

int out_github_write(const CheckOutput *o) {
  for (size_t i = 0; i < o->n; i++) {
    const FileResult *f = &o->files[i];
    OutPos pos;
    if (out_pos_open(&pos, f) < 0) return -1;
    for (size_t k = 0; k < f->notices.len; k++) github__notice(o->out, &pos, f, &f->notices.items[k]);
    for (size_t k = 0; k < f->diags.len; k++) github__diag(o->out, &pos, f, &f->diags.items[k]);
    out_pos_close(&pos);
  }
  return 0;
}
