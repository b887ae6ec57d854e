/* lsp_features.c: what the editor shows — diagnostics, the hover that teaches, code actions. */
#include "lsp.h"
#include "cli.h"
#include "jsonstr.h"
#include "looplens/rule.h"
#include "looplens/strbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *lsp_position(const LspDoc *d, TextposEncoding enc, uint32_t byte) {
  TextposPosition p = textpos_offset_to_position(textedit_index(d->text), byte, enc);
  return json_pack("{s:I, s:I}", "line", (json_int_t)p.line, "character", (json_int_t)p.character);
}

json_t *lsp_range(const LspDoc *d, TextposEncoding enc, uint32_t start, uint32_t end) {
  return json_pack("{s:o, s:o}", "start", lsp_position(d, enc, start), "end", lsp_position(d, enc, end));
}

/* file:///…/chapters/05-blocking-io/README.md#section, or NULL when the handbook is not found. */
static char *lsp__chapter_href_uncached(const Rule *r);

/* Found once per rule and process: it asks the file system where the handbook is. */
static const char *lsp__chapter_href(LspServer *s, const Rule *r) {
  for (size_t i = 0; i < s->hrefs.len; i++)
    if (s->hrefs.items[i].rule == r) return s->hrefs.items[i].href;
  LspHref h = {r, lsp__chapter_href_uncached(r)};
  vec_push(&s->hrefs, h);
  return h.href;
}

static char *lsp__chapter_href_uncached(const Rule *r) {
  char *path = cli_chapter_path(r->chapter);
  if (!path) return NULL;
  char *hash = strchr(path, '#');
  if (hash) *hash = '\0';
  char *uri = lsp_path_to_uri(path);
  StrBuf b = {0};
  strbuf_puts(&b, uri);
  if (hash) strbuf_printf(&b, "#%s", hash + 1);
  free(uri);
  free(path);
  return strbuf_steal(&b);
}

static json_t *lsp__diag(LspServer *s, const LspDoc *d, const Diag *g) {
  static const int severity[] = {3, 3, 2, 1}; /* off, info, warning, error → LSP */
  json_t *j = json_pack("{s:o, s:i, s:s, s:s, s:o, s:{s:s, s:s}}", "range",
                        lsp_range(d, s->encoding, g->start_byte, g->end_byte), "severity", severity[g->severity],
                        "code", g->rule->id, "source", "looplens", "message", json_str_lossy(g->message), "data",
                        "rule", g->rule->id, "context", context_name(g->context));
  const char *href = lsp__chapter_href(s, g->rule);
  if (href) json_object_set_new(j, "codeDescription", json_pack("{s:o}", "href", json_str_lossy(href)));
  json_t *rel = json_array();
  for (size_t i = 0; i < g->related.len; i++) { /* the way to the hot caller, in other files */
    const DiagStep *st = &g->related.items[i];
    char *uri = lsp_index_file_uri(s, st->file);
    if (!uri) continue;
    /* (the step's column counts bytes of a file the server may not hold: exact for ASCII lines) */
    json_t *pos = json_pack("{s:i, s:i}", "line", st->line ? st->line - 1 : 0, "character", st->column ? st->column - 1 : 0);
    json_array_append_new(rel, json_pack("{s:{s:o, s:{s:O, s:o}}, s:o}", "location", "uri", json_str_lossy(uri), "range",
                                         "start", pos, "end", pos, "message", json_str_lossy(st->message)));
    free(uri);
  }
  if (json_array_size(rel)) json_object_set_new(j, "relatedInformation", rel);
  else json_decref(rel);
  return j;
}

static bool lsp__same_text(const LspDiagText *t, const Diag *g, TextposPosition a, TextposPosition b) {
  return t->rule == g->rule && t->severity == (int)g->severity && t->context == (int)g->context &&
         t->start.line == a.line && t->start.character == a.character && t->end.line == b.line &&
         t->end.character == b.character && !strcmp(t->message, g->message);
}

void lsp_published_free(LspDoc *d) {
  for (size_t i = 0; i < d->published.len; i++) free(d->published.items[i].message), free(d->published.items[i].json);
  vec_free(&d->published);
}

json_t *lsp_notice_json(LspServer *s, const LspDoc *d) {
  size_t len;
  textedit_text(d->text, &len);
  char msg[200];
  if (d->unsynced) return NULL;
  if (len > s->max_size)
    snprintf(msg, sizeof msg, "looplens: not analysed: the document is %zu bytes, above the limit of %zu (--max-size)",
             len, s->max_size);
  else if (d->over_tokens)
    snprintf(msg, sizeof msg, "looplens: not analysed: the document has over %zu tokens, the limit that bounds a "
             "parse's memory", d->over_tokens - 1);
  else if (d->over_tree)
    snprintf(msg, sizeof msg, "looplens: not analysed: its syntax tree needs over %zu MiB, the limit on a parse's "
             "memory", d->over_tree >> 20);
  else return NULL;
  return json_pack("{s:{s:{s:i, s:i}, s:{s:i, s:i}}, s:i, s:s, s:s, s:s}", "range", "start", "line", 0, "character",
                   0, "end", "line", 0, "character", 0, "severity", 3, "code", "document-too-large", "source",
                   "looplens", "message", msg);
}

char *lsp_publish_text(LspServer *s, LspDoc *d) {
  if (!d->uri_json) {
    json_t *u = json_str_lossy(d->uri);
    d->uri_json = json_dumps(u, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(u);
  }
  StrBuf b = {0};
  strbuf_printf(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":%s,"
                    "\"version\":%ld,\"diagnostics\":[", d->uri_json ? d->uri_json : "\"\"", d->version);
  const TextposIndex *ix = textedit_index(d->text);
  Vec(LspDiagText) now = {0};
  size_t n_old = d->published.len;
  for (size_t i = 0; i < d->diags.len; i++) {
    const Diag *g = &d->diags.items[i];
    TextposPosition a = textpos_offset_to_position(ix, g->start_byte, s->encoding);
    TextposPosition z = textpos_offset_to_position(ix, g->end_byte, s->encoding);
    LspDiagText t = {0};
    /* a finding added or removed shifts the rest by one: look at the same place and its neighbours */
    for (size_t k = i ? i - 1 : 0; k <= i + 1 && k < n_old && !t.json; k++) {
      LspDiagText *o = &d->published.items[k];
      if (o->json && lsp__same_text(o, g, a, z)) t = *o, o->json = NULL, o->message = NULL;
    }
    if (!t.json) {
      json_t *j = lsp__diag(s, d, g);
      t = (LspDiagText){g->rule, (int)g->severity, (int)g->context, a, z, ll_strdup(g->message), json_dumps(j, JSON_COMPACT)};
      json_decref(j);
      if (!t.json) t.json = ll_strdup("null");
    }
    strbuf_printf(&b, "%s%s", i ? "," : "", t.json);
    vec_push(&now, t);
  }
  json_t *notice = lsp_notice_json(s, d); /* then there are no findings */
  char *nj = notice ? json_dumps(notice, JSON_COMPACT) : NULL;
  if (nj) strbuf_puts(&b, nj);
  free(nj);
  json_decref(notice);
  strbuf_puts(&b, "]}}");
  lsp_published_free(d);
  d->published.items = now.items, d->published.len = now.len, d->published.cap = now.cap;
  return strbuf_steal(&b);
}

json_t *lsp_diagnostics_json(LspServer *s, const LspDoc *d) {
  json_t *notice = lsp_notice_json(s, d);
  if (notice) return json_pack("[o]", notice);
  json_t *arr = json_array();
  for (size_t i = 0; i < d->diags.len; i++) json_array_append_new(arr, lsp__diag(s, d, &d->diags.items[i]));
  return arr;
}

static void lsp__md_para(StrBuf *b, const char *label, const char *text) {
  if (text) strbuf_printf(b, "**%s** %s\n\n", label, text);
}

json_t *lsp_hover(LspServer *s, const LspDoc *d, uint32_t byte) {
  const Diag *g = NULL;
  for (size_t i = 0; i < d->diags.len && !g; i++)
    if (d->diags.items[i].start_byte <= byte && byte <= d->diags.items[i].end_byte) g = &d->diags.items[i];
  if (!g) return NULL;
  const Rule *r = g->rule;
  StrBuf b = {0};
  strbuf_printf(&b, "### looplens: %s\n`%s` · %s · %s\n\n%s\n\n", r->title, r->id, r->family,
                severity_name(g->severity), g->message);
  strbuf_puts(&b, "**What ran where**\n\n");
  if (r->mech_stack) strbuf_printf(&b, "- *Call stack:* %s\n", r->mech_stack);
  if (r->mech_libuv) strbuf_printf(&b, "- *libuv:* %s\n", r->mech_libuv);
  if (r->mech_microtasks) strbuf_printf(&b, "- *Microtask queues:* %s\n", r->mech_microtasks);
  if (r->mech_phase) strbuf_printf(&b, "- *Event-loop phase:* %s\n", r->mech_phase);
  strbuf_puts(&b, "\n");
  lsp__md_para(&b, "What developers think:", r->think);
  lsp__md_para(&b, "What actually happens:", r->actually);
  lsp__md_para(&b, "Fix:", r->fix);
  const char *href = lsp__chapter_href(s, r);
  strbuf_printf(&b, "**Handbook:** [%s](%s)\n\n", r->chapter, href ? href : r->chapter);
  if (r->trap_question) strbuf_printf(&b, "**Interview trap:** *%s* — %s\n", r->trap_question, r->trap ? r->trap : "");
  json_t *h = json_pack("{s:{s:s, s:o}, s:o}", "contents", "kind", "markdown", "value", json_str_lossy(strbuf_cstr(&b)),
                        "range", lsp_range(d, s->encoding, g->start_byte, g->end_byte));
  strbuf_free(&b);
  return h;
}

static json_t *lsp__action(LspServer *s, const LspDoc *d, const Diag *g, const char *title, uint32_t start,
                           uint32_t end, const char *text, bool preferred) {
  json_t *edit = json_pack("{s:o, s:o}", "range", lsp_range(d, s->encoding, start, end), "newText", json_str_lossy(text));
  json_t *changes = json_object();
  json_object_set_new(changes, d->uri, json_pack("[o]", edit));
  json_t *a = json_pack("{s:o, s:s, s:[o], s:{s:o}}", "title", json_str_lossy(title), "kind", "quickfix", "diagnostics",
                        lsp__diag(s, d, g), "edit", "changes", changes);
  if (preferred) json_object_set_new(a, "isPreferred", json_true());
  return a;
}

/* The line's start offset, its indentation and its line ending, for inserting a comment above it. */
static uint32_t lsp__line_info(const LspDoc *d, uint32_t byte, StrBuf *indent, const char **eol) {
  const TextposIndex *idx = textedit_index(d->text);
  size_t len;
  const char *text = textedit_text(d->text, &len);
  size_t line = textpos_line_of(idx, byte), start = textpos_line_start(idx, line), end = textpos_line_end(idx, line);
  size_t i = start;
  while (i < end && (text[i] == ' ' || text[i] == '\t')) i++;
  if (indent) strbuf_append(indent, text + start, i - start);
  *eol = end + 1 < len && text[end] == '\r' && text[end + 1] == '\n' ? "\r\n" : end < len && text[end] == '\r' ? "\r" : "\n";
  return (uint32_t)start;
}

/* Does the text an edit replaces hold a NUL or U+FFFD? A fix that copies it would not give it back
 * as the editor has it (a C string stops at NUL; U+FFFD may stand for a lone surrogate). */
static bool lsp__lossy(const char *s, size_t n) {
  if (memchr(s, '\0', n)) return true;
  for (const char *p = s, *end = s + n; (p = memchr(p, '\xEF', (size_t)(end - p))) != NULL; p++)
    if (end - p >= 3 && p[1] == '\xBF' && p[2] == '\xBD') return true;
  return false;
}

/* Offers an action only if its edit, applied to the text and reparsed, leaves the code valid. */
static void lsp__offer(LspServer *s, LspDoc *d, json_t *actions, const Diag *g, const char *title, uint32_t start,
                       uint32_t end, const char *text, bool preferred) {
  size_t len;
  const char *src = textedit_text(d->text, &len);
  const char *why = end <= len && lsp__lossy(src + start, end - start)
                        ? "the text it rewrites holds a NUL or U+FFFD"
                        : engine_doc_fix_refused(s->analyzer, d->engine, src, len, start, end, text, strlen(text));
  if (why) {
    if (s->trace) lsp_log("%s: not offering \"%s\": %s", d->uri, title, why);
    return;
  }
  json_array_append_new(actions, lsp__action(s, d, g, title, start, end, text, preferred));
}

json_t *lsp_code_actions(LspServer *s, LspDoc *d, uint32_t start, uint32_t end) {
  lsp_doc_ensure_tree(s, d); /* fixes are computed from the syntax tree */
  json_t *actions = json_array();
  size_t len;
  const char *text = textedit_text(d->text, &len);
  for (size_t i = 0; i < d->diags.len; i++) {
    const Diag *g = &d->diags.items[i];
    if (g->end_byte < start || g->start_byte > end) continue;
    EngineFixList fixes = {0};
    engine_doc_fixes(d->engine, text, len, g, &fixes);
    for (size_t k = 0; k < fixes.len; k++)
      lsp__offer(s, d, actions, g, fixes.items[k].title, fixes.items[k].start_byte, fixes.items[k].end_byte,
                 fixes.items[k].text, true);
    engine_fix_list_free(&fixes);
    StrBuf t = {0}, indent = {0};
    const char *eol;
    uint32_t at = lsp__line_info(d, g->start_byte, &indent, &eol);
    strbuf_printf(&t, "%s// looplens-ignore-next-line %s -- explain why this is safe here%s", strbuf_cstr(&indent),
                  g->rule->id, eol);
    StrBuf title = {0};
    strbuf_printf(&title, "Ignore %s on this line", g->rule->id);
    lsp__offer(s, d, actions, g, strbuf_cstr(&title), at, at, strbuf_cstr(&t), false);
    /* file level: at the top, after a shebang line */
    uint32_t top = 0;
    if (len >= 2 && text[0] == '#' && text[1] == '!') top = (uint32_t)textpos_line_start(textedit_index(d->text), 1);
    if (top == 0 && len >= 2 && text[0] == '#') top = (uint32_t)len; /* a one-line shebang file */
    lsp__line_info(d, 0, NULL, &eol);
    strbuf_clear(&t);
    strbuf_printf(&t, "%s// looplens-ignore-file %s -- explain why this is safe in this file%s",
                  top == len && len && text[len - 1] != '\n' ? eol : "", g->rule->id, eol);
    strbuf_clear(&title);
    strbuf_printf(&title, "Ignore %s in this file", g->rule->id);
    lsp__offer(s, d, actions, g, strbuf_cstr(&title), top, top, strbuf_cstr(&t), false);
    strbuf_free(&t);
    strbuf_free(&indent);
    strbuf_free(&title);
  }
  return actions;
}
