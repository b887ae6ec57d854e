/* out_sarif.c: SARIF 2.1.0, as code-scanning services read it. One run; tool.driver describes every
 * rule loaded; results carry 1-based lines, UTF-16 columns (SARIF's default unit, declared),
 * partialFingerprints, and the chain to the hot caller as relatedLocations and a codeFlow.
 * Relative paths are relative to SRCROOT, the working folder. Built whole with jansson. */
#include "out.h"
#include "cli.h"
#include "jsonstr.h"
#include "looplens/strbuf.h"
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SARIF_FINGERPRINT "looplens/v1"

static const char *sarif__level(Severity s) {
  return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : s == SEV_INFO ? "note" : "none";
}

/* Percent-encodes all but unreserved bytes and those in `keep` (RFC 3986). A ':' is always
 * encoded, so a relative path never reads as a scheme. */
static void sarif__uri_append(StrBuf *b, const char *s, size_t n, const char *keep) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    bool unreserved = (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u || (c && strchr("-._~", c));
    if (unreserved || (c && strchr(keep, c))) strbuf_putc(b, (char)c);
    else strbuf_printf(b, "%%%02X", c);
  }
}

/* A file URI for the absolute path path[0..n), then "#fragment" when there is one. */
static char *sarif__file_uri(const char *path, size_t n, const char *fragment) {
  StrBuf b = {0};
  strbuf_puts(&b, "file://");
  sarif__uri_append(&b, path, n, "/");
  if (fragment) strbuf_putc(&b, '#'), sarif__uri_append(&b, fragment, strlen(fragment), "/?");
  return strbuf_steal(&b);
}

/* Where a rule's chapter can be read: under $LOOPLENS_HANDBOOK_URL (where the repository is
 * published, e.g. set in CI), else the handbook on this machine. Owned; NULL when neither. */
static char *sarif__help_uri(const char *chapter) {
  const char *base = getenv("LOOPLENS_HANDBOOK_URL");
  if (!chapter) return NULL;
  if (base && *base) {
    StrBuf b = {0};
    strbuf_puts(&b, base);
    if (base[strlen(base) - 1] != '/') strbuf_putc(&b, '/');
    sarif__uri_append(&b, chapter, strlen(chapter), "/#");
    return strbuf_steal(&b);
  }
  char *path = cli_chapter_path(chapter), *hash = path ? strrchr(path, '#') : NULL;
  if (hash) *hash++ = '\0';
  char *uri = path && path[0] == '/' ? sarif__file_uri(path, strlen(path), hash) : NULL;
  free(path);
  return uri;
}

/* Message texts are sentences: SARIF asks for a final period. */
static json_t *sarif__text(const char *s) {
  StrBuf b = {0};
  strbuf_puts(&b, s ? s : "");
  if (!b.len || !strchr(".!?", b.s[b.len - 1])) strbuf_putc(&b, '.');
  json_t *j = json_pack("{s:o}", "text", json_str_lossy(b.s));
  strbuf_free(&b);
  return j;
}

static json_t *sarif__artifact(const char *path) {
  StrBuf b = {0};
  bool absolute = path[0] == '/';
  if (absolute) strbuf_puts(&b, "file://");
  while (!absolute && path[0] == '.' && path[1] == '/') path += 2;
  sarif__uri_append(&b, path, strlen(path), "/");
  json_t *j = json_pack("{s:s}", "uri", b.s);
  if (!absolute) json_object_set_new(j, "uriBaseId", json_string("SRCROOT"));
  strbuf_free(&b);
  return j;
}

/* A physical location; a 0 column or end leaves it out (the region is then the whole line). */
static json_t *sarif__physical(const char *path, OutSpan s) {
  json_t *region = json_pack("{s:i}", "startLine", (json_int_t)s.line);
  if (s.column) json_object_set_new(region, "startColumn", json_integer(s.column));
  if (s.end_line) json_object_set_new(region, "endLine", json_integer(s.end_line));
  if (s.end_line && s.end_column) json_object_set_new(region, "endColumn", json_integer(s.end_column));
  return json_pack("{s:{s:o, s:o}}", "physicalLocation", "artifactLocation", sarif__artifact(path), "region", region);
}

/* "sync-fs-in-hot-path" -> "SyncFsInHotPath": SARIF's friendly names are Pascal case, and differ
 * from the id by more than case ("busy" -> "BusyRule"). */
static json_t *sarif__rule_name(const char *id) {
  StrBuf b = {0};
  bool up = true;
  for (const char *c = id; *c; c++) {
    if (!isalnum((unsigned char)*c)) up = true;
    else strbuf_putc(&b, up ? (char)toupper((unsigned char)*c) : *c), up = false;
  }
  if (!strcasecmp(strbuf_cstr(&b), id)) strbuf_puts(&b, "Rule");
  json_t *j = json_str_lossy(strbuf_cstr(&b));
  strbuf_free(&b);
  return j;
}

static json_t *sarif__rule(const Rule *r) {
  char *uri = sarif__help_uri(r->chapter);
  StrBuf text = {0}, md = {0};
  strbuf_printf(&text, "%s\nMore: looplens explain %s", r->fix ? r->fix : r->title, r->id);
  if (r->chapter) strbuf_printf(&text, " (%s)", r->chapter);
  if (r->think) strbuf_printf(&md, "**What developers think.** %s\n\n", r->think);
  if (r->actually) strbuf_printf(&md, "**What actually happens.** %s\n\n", r->actually);
  if (r->fix) strbuf_printf(&md, "**The fix.** %s\n\n", r->fix);
  strbuf_printf(&md, "More: `looplens explain %s`", r->id);
  if (uri) strbuf_printf(&md, " and [the handbook](%s)", uri);
  json_t *j = json_pack("{s:o, s:o, s:o, s:o, s:{s:o, s:o}}", "id", json_str_lossy(r->id), "name",
                        sarif__rule_name(r->id), "shortDescription", sarif__text(r->title), "fullDescription",
                        sarif__text(r->actually ? r->actually : r->title), "help", "text",
                        json_str_lossy(text.s), "markdown", json_str_lossy(md.s));
  if (uri) json_object_set_new(j, "helpUri", json_string(uri));
  json_object_set_new(j, "defaultConfiguration", json_pack("{s:s}", "level", sarif__level(r->severity[CTX_HOT])));
  json_object_set_new(j, "properties", json_pack("{s:[o]}", "tags", json_str_lossy(r->family)));
  free(uri);
  strbuf_free(&text);
  strbuf_free(&md);
  return j;
}

static json_t *sarif__driver(const RuleSet *rules) {
  json_t *list = json_array(), *notes = json_array();
  for (size_t i = 0; i < rules->rules.len; i++) json_array_append_new(list, sarif__rule(rules->rules.items[i]));
  static const char *const names[] = {"FileSkipped", "SyntaxError", "InvalidUtf8", "ReadError", "InvalidConfig"};
  static const char *const about[] = {"A file was not analysed", "A syntax error; what parsed was still analysed",
                                      "Invalid UTF-8; analysed as Node would read it", "A file or folder could not be read",
                                      "A configuration file is invalid; the files under it were not analysed"};
  for (NoticeKind k = NOTE_SKIPPED; k <= NOTE_CONFIG; k++)
    json_array_append_new(notes, json_pack("{s:s, s:s, s:o}", "id", notice_kind_name(k), "name", names[k],
                                           "shortDescription", sarif__text(about[k])));
  char *info = sarif__help_uri("");
  json_t *d = json_pack("{s:s, s:s, s:s, s:o, s:o}", "name", "looplens", "version", LOOPLENS_VERSION, "semanticVersion",
                        LOOPLENS_VERSION, "rules", list, "notifications", notes);
  if (info) json_object_set_new(d, "informationUri", json_string(info));
  free(info);
  return d;
}

static json_t *sarif__steps(const OutSteps *steps, json_t *finding, const char *finding_text) {
  json_t *flow = json_array();
  for (size_t i = 0; i < steps->len; i++) {
    const OutStep *s = &steps->items[i];
    json_t *loc = sarif__physical(s->path, (OutSpan){s->line, s->column, 0, 0});
    json_object_set_new(loc, "message", sarif__text(s->message));
    json_array_append_new(flow, json_pack("{s:o}", "location", loc));
  }
  json_object_set_new(finding, "message", sarif__text(finding_text));
  json_array_append_new(flow, json_pack("{s:o}", "location", finding));
  return json_pack("[{s:[{s:o}]}]", "threadFlows", "locations", flow);
}

static size_t sarif__rule_index(const RuleSet *rules, const Rule *r) {
  size_t i = 0;
  while (i < rules->rules.len && rules->rules.items[i] != r) i++;
  return i;
}

/* One result. `steps`: the chain from the hot caller, root first (may be empty). */
static json_t *sarif__result(const RuleSet *rules, const FileResult *f, const Diag *d, OutSpan span,
                             const OutFingerprint *fp, const OutSteps *steps) {
  char *msg = out_message(d);
  json_t *j = json_pack("{s:o, s:i, s:s, s:o, s:[o], s:{s:s}}", "ruleId", json_str_lossy(d->rule->id), "ruleIndex",
                        (json_int_t)sarif__rule_index(rules, d->rule), "level", sarif__level(d->severity), "message",
                        sarif__text(msg), "locations", sarif__physical(f->path, span), "partialFingerprints",
                        SARIF_FINGERPRINT, fp->hex);
  if (steps->len) {
    json_t *related = json_array();
    for (size_t i = 0; i < steps->len; i++) {
      const OutStep *s = &steps->items[i];
      json_t *loc = sarif__physical(s->path, (OutSpan){s->line, s->column, 0, 0});
      json_object_set_new(loc, "id", json_integer((json_int_t)i + 1));
      json_object_set_new(loc, "message", sarif__text(s->message));
      json_array_append_new(related, loc);
    }
    json_object_set_new(j, "relatedLocations", related);
    json_object_set_new(j, "codeFlows", sarif__steps(steps, sarif__physical(f->path, span), d->message));
  }
  json_object_set_new(j, "properties", json_pack("{s:s, s:o}", "context", context_name(d->context), "family",
                                                 json_str_lossy(d->rule->family)));
  free(msg);
  return j;
}

static json_t *sarif__notice(const OutPos *pos, const FileResult *f, const Notice *no, bool *failed) {
  bool error = no->kind == NOTE_IO || no->kind == NOTE_CONFIG;
  *failed |= error;
  json_t *loc = no->line ? sarif__physical(f->path, (OutSpan){no->line, out_pos_notice_column(pos, f, no), 0, 0})
                         : json_pack("{s:{s:o}}", "physicalLocation", "artifactLocation", sarif__artifact(f->path));
  return json_pack("{s:s, s:o, s:{s:s}, s:[o]}", "level", error ? "error" : "note", "message", sarif__text(no->message),
                   "descriptor", "id", notice_kind_name(no->kind), "locations", loc);
}

static int sarif__file(const CheckOutput *o, const FileResult *f, json_t *results, json_t *notes, bool *failed) {
  OutPos pos;
  if (out_pos_open(&pos, f) < 0) return -1;
  OutFingerprint *fps = calloc(f->diags.len + 1, sizeof *fps);
  if (!fps) abort();
  out_fingerprints(f, fps);
  for (size_t k = 0; k < f->diags.len; k++) {
    const Diag *d = &f->diags.items[k];
    OutSteps steps = {0};
    out_steps_of(f, d, &steps);
    json_array_append_new(results, sarif__result(o->rules, f, d, out_pos_span(&pos, d), &fps[k], &steps));
    out_steps_free(&steps);
  }
  for (size_t k = 0; k < f->notices.len; k++) json_array_append_new(notes, sarif__notice(&pos, f, &f->notices.items[k], failed));
  free(fps);
  out_pos_close(&pos);
  return 0;
}

int out_sarif_write(const CheckOutput *o) {
  json_t *results = json_array(), *notes = json_array();
  bool failed = false;
  int rc = 0;
  for (size_t i = 0; i < o->n && rc == 0; i++) rc = sarif__file(o, &o->files[i], results, notes, &failed);
  json_t *run = json_pack("{s:{s:o}}", "tool", "driver", sarif__driver(o->rules));
  if (o->opt->cwd && o->opt->cwd[0] == '/') {
    StrBuf root = {0};
    strbuf_puts(&root, o->opt->cwd);
    if (root.s[root.len - 1] != '/') strbuf_putc(&root, '/'); /* a base URI names a folder */
    char *uri = sarif__file_uri(root.s, root.len, NULL);
    json_object_set_new(run, "originalUriBaseIds", json_pack("{s:{s:s}}", "SRCROOT", "uri", uri));
    free(uri);
    strbuf_free(&root);
  }
  json_object_set_new(run, "invocations", json_pack("[{s:b, s:o}]", "executionSuccessful", !failed,
                                                    "toolExecutionNotifications", notes));
  json_object_set_new(run, "columnKind", json_string("utf16CodeUnits"));
  json_object_set_new(run, "results", results);
  json_t *root = json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run);
  char *text = rc == 0 && root ? json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER) : NULL;
  if (text) fputs(text, o->out), fputc('\n', o->out);
  else rc = -1;
  free(text);
  json_decref(root);
  return rc;
}
