/* out_gitlab.c: GitLab Code Quality (a Code Climate subset): one JSON array of issues, each with a
 * description, check_name, fingerprint, severity and location {path, lines {begin, end}}. The
 * report has no place for notices: they go to stderr as in the text output. */
#include "out.h"
#include "jsonstr.h"
#include <jansson.h>

/* GitLab's scale is info, minor, major, critical, blocker; as ESLint's GitLab formatters map it. */
static const char *gitlab__severity(Severity s) {
  return s == SEV_ERROR ? "major" : s == SEV_WARNING ? "minor" : "info";
}

static json_t *gitlab__issue(const FileResult *f, const Diag *d, const OutFingerprint *fp) {
  char *msg = out_message(d);
  json_t *j = json_pack("{s:s, s:o, s:o, s:s, s:s, s:[s], s:{s:o, s:{s:i, s:i}}}", "type", "issue", "description",
                        json_str_lossy(msg), "check_name", json_str_lossy(d->rule->id), "fingerprint", fp->hex,
                        "severity", gitlab__severity(d->severity), "categories", "Performance", "location", "path",
                        json_str_lossy(f->path), "lines", "begin", (json_int_t)d->start.row + 1, "end",
                        (json_int_t)d->end.row + 1);
  free(msg);
  return j;
}

int out_gitlab_write(const CheckOutput *o) {
  json_t *issues = json_array();
  for (size_t i = 0; i < o->n; i++) {
    const FileResult *f = &o->files[i];
    OutFingerprint *fps = calloc(f->diags.len + 1, sizeof *fps);
    if (!fps) abort();
    out_fingerprints(f, fps);
    for (size_t k = 0; k < f->diags.len; k++) json_array_append_new(issues, gitlab__issue(f, &f->diags.items[k], &fps[k]));
    for (size_t k = 0; k < f->notices.len; k++) check_output_notice(o->err, f, &f->notices.items[k]);
    free(fps);
  }
  char *text = json_dumps(issues, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
  int rc = text ? 0 : -1;
  if (text) fputs(text, o->out), fputc('\n', o->out);
  free(text);
  json_decref(issues);
  return rc;
}
