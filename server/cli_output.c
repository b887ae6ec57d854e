/* cli_output.c: `check` results as text (gcc-style lines; code frames and colour on a terminal)
 * and as one JSON document (built whole with jansson, so it is never half-written). */
#include "check.h"
#include "looplens/strbuf.h"
#include "looplens/rule.h"
#include "looplens/fileio.h"
#include "jsonstr.h"
#include "termsafe.h"
#include <jansson.h>
#include <string.h>

const char *notice_kind_name(NoticeKind k) {
  static const char *const names[] = {"skipped", "syntax-error", "encoding", "io-error", "config-error"};
  return names[k];
}

static const char *output__sev_color(Severity s) {
  return s == SEV_ERROR ? "\033[1;31m" : s == SEV_WARNING ? "\033[1;33m" : "\033[1;36m";
}

/* Prints the flagged line with a caret run under the range (first line of it only). The line is
 * printed escaped (termsafe.h), and the carets are placed by the escaped text's columns. */
static void output__frame(FILE *out, const FileResult *f, const Diag *d, bool color) {
  const char *s = f->src;
  size_t ls = d->start_byte - d->start.column;
  if (ls > f->len || d->start_byte > f->len) return;
  const char *eol = memchr(s + ls, '\n', f->len - ls);
  size_t le = eol ? (size_t)(eol - s) : f->len;
  if (le > ls && s[le - 1] == '\r') le--;
  size_t start = d->start_byte < le ? d->start_byte : le;
  StrBuf line = {0}, marks = {0};
  termsafe_append(&line, s + ls, le - ls);
  for (size_t i = ls; i < start; i++) /* keep tabs, so the carets line up under them */
    if (s[i] == '\t') strbuf_putc(&marks, '\t');
    else for (size_t w = termsafe_width(s + i, 1); w && ((unsigned char)s[i] & 0xC0) != 0x80; w--) strbuf_putc(&marks, ' ');
  size_t end = d->end.row == d->start.row && d->end_byte < le ? d->end_byte : le;
  size_t width = end > start ? termsafe_width(s + start, end - start) : 1;
  fprintf(out, "%6u | %s\n       | %s%s^", d->start.row + 1, strbuf_cstr(&line), strbuf_cstr(&marks),
          color ? output__sev_color(d->severity) : "");
  for (size_t i = 1; i < width; i++) fputc('~', out);
  fputs(color ? "\033[0m\n" : "\n", out);
  strbuf_free(&line);
  strbuf_free(&marks);
}

/* IO and configuration problems mean files went unchecked: they print as errors. */
static const char *output__notice_level(NoticeKind k) {
  return k == NOTE_IO || k == NOTE_CONFIG ? "error" : "note";
}

void check_output_notice(FILE *err, const FileResult *f, const Notice *no) {
  TermSafe ts = {0};
  const char *path = termsafe_str(&ts, f->path), *msg = termsafe_str(&ts, no->message);
  const char *level = output__notice_level(no->kind);
  if (no->line) fprintf(err, "%s:%u:%u: %s: %s\n", path, no->line, no->column, level, msg);
  else fprintf(err, "%s: %s: %s\n", path, level, msg);
  termsafe_free(&ts);
}

void check_output_text(FILE *out, FILE *err, const FileResult *files, size_t n, const OutputOptions *opt) {
  int counts[4] = {0};
  size_t with = 0;
  TermSafe ts = {0};
  for (size_t i = 0; i < n; i++) {
    const FileResult *f = &files[i];
    const char *path = termsafe_str(&ts, f->path);
    for (size_t k = 0; k < f->notices.len; k++) check_output_notice(err, f, &f->notices.items[k]);
    if (f->diags.len) with++;
    for (size_t k = 0; k < f->diags.len; k++) {
      const Diag *d = &f->diags.items[k];
      const char *msg = termsafe_str(&ts, d->message), *id = termsafe_str(&ts, d->rule->id);
      counts[d->severity]++;
      if (opt->color)
        fprintf(out, "\033[1m%s:%u:%u:\033[0m %s%s:\033[0m %s \033[2m[%s]\033[0m\n", path, d->start.row + 1,
                d->start.column + 1, output__sev_color(d->severity), severity_name(d->severity), msg, id);
      else
        fprintf(out, "%s:%u:%u: %s: %s [%s]\n", path, d->start.row + 1, d->start.column + 1,
                severity_name(d->severity), msg, id);
      if (opt->frames) {
        output__frame(out, f, d, opt->color);
        if (d->context_note && !strstr(d->message, d->context_note)) /* most messages already say it */
          fprintf(out, "       = why: %s\n", termsafe_str(&ts, d->context_note));
        for (size_t r = 0; r < d->related.len; r++)
          fprintf(out, "       = via: %s:%u:%u: %s\n", termsafe_str(&ts, d->related.items[r].file), d->related.items[r].line,
                  d->related.items[r].column, termsafe_str(&ts, d->related.items[r].message));
        fprintf(out, "       = fix: %s\n       = learn: looplens explain %s  (%s)\n\n", termsafe_str(&ts, d->rule->fix),
                id, termsafe_str(&ts, d->rule->chapter));
      }
    }
    termsafe_free(&ts);
  }
  /* the summary: under the findings on a terminal; on stderr when stdout is piped, so that the
   * findings stay one per line for tools while a person running it still sees the count */
  int total = counts[1] + counts[2] + counts[3];
  FILE *sum = opt->frames ? out : err;
  if (total)
    fprintf(sum, "%d problem%s (%d error%s, %d warning%s, %d info) in %zu of %zu file%s\n", total,
            total == 1 ? "" : "s", counts[3], counts[3] == 1 ? "" : "s", counts[2], counts[2] == 1 ? "" : "s",
            counts[1], with, n, n == 1 ? "" : "s");
  else
    fprintf(sum, "no problems in %zu file%s\n", n, n == 1 ? "" : "s");
}

static json_t *output__diag(const FileResult *f, const Diag *d) {
  const Rule *r = d->rule;
  json_t *j = json_object();
  json_object_set_new(j, "file", json_str_lossy(f->path));
  json_object_set_new(j, "line", json_integer(d->start.row + 1));
  json_object_set_new(j, "column", json_integer(d->start.column + 1));
  json_object_set_new(j, "endLine", json_integer(d->end.row + 1));
  json_object_set_new(j, "endColumn", json_integer(d->end.column + 1));
  json_object_set_new(j, "rule", json_str_lossy(r->id));
  json_object_set_new(j, "family", json_str_lossy(r->family));
  json_object_set_new(j, "severity", json_string(severity_name(d->severity)));
  json_object_set_new(j, "message", json_str_lossy(d->message));
  json_object_set_new(j, "context", json_string(context_name(d->context)));
  json_object_set_new(j, "contextNote", json_str_lossy(d->context_note));
  json_object_set_new(j, "chapter", json_str_lossy(r->chapter));
  json_object_set_new(j, "fix", json_str_lossy(r->fix));
  if (d->related.len) { /* the calls in other files that make the code run where it does */
    json_t *rel = json_array();
    for (size_t i = 0; i < d->related.len; i++) {
      const DiagStep *s = &d->related.items[i];
      json_array_append_new(rel, json_pack("{s:o, s:i, s:i, s:o}", "file", json_str_lossy(s->file), "line",
                                           (int)s->line, "column", (int)s->column, "message", json_str_lossy(s->message)));
    }
    json_object_set_new(j, "related", rel);
  }
  return j;
}

void check_output_json(FILE *out, const FileResult *files, size_t n) {
  json_t *diags = json_array(), *notices = json_array();
  int counts[4] = {0}, suppressed = 0;
  for (size_t i = 0; i < n; i++) {
    const FileResult *f = &files[i];
    suppressed += f->suppressed;
    for (size_t k = 0; k < f->diags.len; k++) {
      json_array_append_new(diags, output__diag(f, &f->diags.items[k]));
      counts[f->diags.items[k].severity]++;
    }
    for (size_t k = 0; k < f->notices.len; k++) {
      const Notice *no = &f->notices.items[k];
      json_t *j = json_object();
      json_object_set_new(j, "file", json_str_lossy(f->path));
      json_object_set_new(j, "kind", json_string(notice_kind_name(no->kind)));
      json_object_set_new(j, "message", json_str_lossy(no->message));
      if (no->line) {
        json_object_set_new(j, "line", json_integer(no->line));
        json_object_set_new(j, "column", json_integer(no->column));
      }
      json_array_append_new(notices, j);
    }
  }
  json_t *root = json_pack("{s:i, s:s, s:s, s:o, s:o, s:{s:i, s:i, s:i, s:i, s:i}}", "version", 1, "tool",
                           "looplens", "toolVersion", LOOPLENS_VERSION, "diagnostics", diags, "notices", notices,
                           "summary", "files", (int)n, "errors", counts[SEV_ERROR], "warnings", counts[SEV_WARNING],
                           "infos", counts[SEV_INFO], "suppressed", suppressed);
  char *text = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
  fputs(text, out);
  fputc('\n', out);
  free(text);
  json_decref(root);
}
