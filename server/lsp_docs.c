/* lsp_docs.c: open documents (text, incremental syntax tree, findings) and the configurations
 * that apply to them. */
#include "lsp.h"
#include "cli.h"
#include "looplens/strbuf.h"
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *lsp_uri_to_path(const char *uri) {
  if (strncmp(uri, "file://", 7)) return NULL;
  const char *p = uri + 7;
  if (strncmp(p, "localhost/", 10) == 0) p += 9;
  StrBuf b = {0};
  for (; *p && *p != '?' && *p != '#'; p++) {
    if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
      char h[3] = {p[1], p[2], 0};
      strbuf_putc(&b, (char)strtol(h, NULL, 16));
      p += 2;
    } else {
      strbuf_putc(&b, *p);
    }
  }
  return strbuf_steal(&b);
}

char *lsp_path_to_uri(const char *path) {
  StrBuf b = {0};
  strbuf_puts(&b, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (isalnum(*p) || strchr("/-._~#", *p)) strbuf_putc(&b, (char)*p);
    else strbuf_printf(&b, "%%%02X", *p);
  }
  return strbuf_steal(&b);
}

LspDoc *lsp_doc_find(LspServer *s, const char *uri) {
  for (size_t i = 0; i < s->docs.len; i++)
    if (!strcmp(s->docs.items[i]->uri, uri)) return s->docs.items[i];
  return NULL;
}

static void lsp__doc_free(LspDoc *d) {
  free(d->uri);
  free(d->path);
  textedit_delete(d->text);
  engine_doc_free(d->engine);
  diag_list_free(&d->diags);
  lsp_published_free(d);
  free(d->uri_json);
  free(d);
}

LspDoc *lsp_doc_open(LspServer *s, const char *uri, long version, const char *text, size_t len) {
  LspDoc *d = lsp_doc_find(s, uri);
  if (!d) {
    d = calloc(1, sizeof *d);
    if (!d) abort();
    d->uri = ll_strdup(uri);
    d->path = lsp_uri_to_path(uri);
    d->text = textedit_new();
    d->engine = engine_doc_new();
    engine_doc_set_region_check(d->engine, s->region_check);
    d->project_file = -1;
    vec_push(&s->docs, d);
    lsp_index_doc_attach(s, d);
  }
  d->version = version;
  d->unsynced = false;
  d->text_changed = true;
  engine_doc_reset(d->engine);
  TexteditEdit e;
  TexteditStatus st = textedit_set_text(d->text, text, len, &e);
  if (st < 0) lsp_doc_unsync(s, d, textedit_status_text(st));
  return d;
}

/* Queues a publishDiagnostics (steals `msg`): it supersedes the document's older one not yet sent. */
static void lsp__publish(LspServer *s, const char *uri, char *msg) {
  StrBuf key = {0};
  strbuf_printf(&key, "diagnostics %s", uri);
  lsp_send_text(s, msg, strbuf_cstr(&key));
  strbuf_free(&key);
}

void lsp_doc_close(LspServer *s, const char *uri) {
  for (size_t i = 0; i < s->docs.len; i++)
    if (!strcmp(s->docs.items[i]->uri, uri)) {
      lsp_index_doc_closed(s, s->docs.items[i]);
      lsp__doc_free(s->docs.items[i]);
      s->docs.items[i] = s->docs.items[--s->docs.len];
      break;
    }
  json_t *msg = json_pack("{s:s, s:s, s:{s:s, s:[]}}", "jsonrpc", "2.0", "method", "textDocument/publishDiagnostics",
                          "params", "uri", uri, "diagnostics");
  lsp__publish(s, uri, msg ? json_dumps(msg, JSON_COMPACT) : NULL); /* the editor clears them */
  json_decref(msg);
}

TexteditStatus lsp_doc_change(LspServer *s, LspDoc *d, const TextposRange *range, const char *text, size_t len) {
  TexteditEdit e;
  TexteditStatus st = range ? textedit_apply(d->text, *range, s->encoding, text, len, &e)
                            : textedit_set_text(d->text, text, len, &e);
  if (st < 0) return st;
  d->text_changed = true;
  if (!range) {
    d->unsynced = false; /* the editor's whole text: in sync again */
    engine_doc_reset(d->engine);
    return st;
  }
  EngineEdit ee = {e.start_byte, e.old_end_byte, e.new_end_byte, {e.start_point.row, e.start_point.column},
                   {e.old_end_point.row, e.old_end_point.column}, {e.new_end_point.row, e.new_end_point.column}};
  engine_doc_edit(d->engine, &ee);
  return st;
}

/* Drops what only analysis needs: the tree, the region base, the findings and their JSON. */
static void lsp__forget_analysis(LspDoc *d) {
  engine_doc_reset(d->engine);
  lsp_published_free(d);
  diag_list_clear(&d->diags);
}

void lsp_doc_unsync(LspServer *s, LspDoc *d, const char *why) {
  lsp_log("%s: unsynchronised: %s", d->uri, why);
  lsp_log_message(s, 2, NULL, "looplens: %s is out of sync with the editor (%s): it is not analysed until its "
                  "whole text is sent (close and reopen it)", d->uri, why);
  d->unsynced = true;
  d->stale = true;
  lsp__forget_analysis(d);
}

bool lsp_doc_analysable(const LspServer *s, const LspDoc *d) {
  size_t len;
  textedit_text(d->text, &len);
  return !d->unsynced && len <= s->max_size;
}

void lsp_doc_settle(LspServer *s, LspDoc *d) {
  if (d->stale) lsp_doc_check(s, d);
}

void lsp_docs_settle(LspServer *s) {
  for (size_t i = 0; i < s->docs.len && !s->exit_now; i++) {
    lsp_doc_settle(s, s->docs.items[i]);
    lsp_flush(s);
  }
}

static bool lsp__has_tree(const LspDoc *d) { return engine_doc_has_tree(d->engine); }
static void lsp__drop_tree(LspDoc *d) { engine_doc_reset(d->engine); }
/* what only typing needs: the region re-check's base, the diagnostics' JSON */
static bool lsp__has_typing_state(const LspDoc *d) { return engine_doc_has_base(d->engine) || d->published.len; }
static void lsp__drop_typing_state(LspDoc *d) {
  engine_doc_drop_base(d->engine);
  lsp_published_free(d);
}

/* Lets at most `max` documents hold what `has` tells: the ones analysed least recently `drop` it. */
static void lsp__trim(LspServer *s, bool (*has)(const LspDoc *), void (*drop)(LspDoc *), size_t max) {
  size_t with = 0;
  for (size_t i = 0; i < s->docs.len; i++) with += has(s->docs.items[i]);
  while (with > max) {
    LspDoc *oldest = NULL;
    for (size_t i = 0; i < s->docs.len; i++) {
      LspDoc *d = s->docs.items[i];
      if (has(d) && (!oldest || d->last_check < oldest->last_check)) oldest = d;
    }
    drop(oldest);
    with--;
  }
}

/* Syntax trees (a tree is ~25x its text) are kept for max_trees documents: the others are parsed
 * from scratch when next edited (~1 ms per 500 lines). What typing needs (the region re-check's
 * base: model, text copy, findings; the published JSON) is kept for max_bases: the others' next
 * change is checked whole, once. */
static void lsp__trim_kept(LspServer *s) {
  lsp__trim(s, lsp__has_typing_state, lsp__drop_typing_state, s->max_bases);
  lsp__trim(s, lsp__has_tree, lsp__drop_tree, s->max_trees);
}

static double lsp__ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

void lsp_doc_check(LspServer *s, LspDoc *d) {
  d->stale = false;
  if (!lsp_doc_analysable(s, d)) { /* never parsed: no tree, no findings, at most a notice */
    lsp__forget_analysis(d);
    lsp__publish(s, d->uri, lsp_publish_text(s, d));
    return;
  }
  size_t len;
  const char *text = textedit_text(d->text, &len);
  diag_list_clear(&d->diags);
  AnalyzeInfo info;
  const LlSeeds *seeds;
  const LlAliases *aliases;
  lsp_index_seeds(s, d, &seeds, &aliases);
  analyzer_run_doc_project(s->analyzer, lsp_config_for(s, d), d->engine, text, len, seeds, aliases, &d->diags, &info);
  if (d->text_changed) { /* its summary follows its text (the worker reads it, not this thread) */
    d->text_changed = false;
    lsp_index_doc_changed(s, d);
  }
  d->over_tokens = info.too_many_tokens, d->over_tree = info.tree_too_big;
  double t1 = lsp__ms();
  lsp__publish(s, d->uri, lsp_publish_text(s, d));
  if (s->trace) {
    EngineRegionStats st = engine_doc_stats(d->engine);
    lsp_log("%s v%ld: parse %.2f ms, analyse %.2f ms, publish %.2f ms (changes checked by region %lu, whole %lu%s%s)",
            d->uri, d->version, info.parse_ms, info.analyse_ms, lsp__ms() - t1, st.region, st.whole,
            st.fallback ? "; last whole: " : "", st.fallback ? st.fallback : "");
  }
  d->last_check = ++s->tick;
  lsp__trim_kept(s);
}

void lsp_doc_ensure_tree(LspServer *s, LspDoc *d) {
  lsp_doc_settle(s, d);
  if (!lsp_doc_analysable(s, d) || engine_doc_current(d->engine)) return;
  if (engine_doc_has_tree(d->engine)) { /* only the edited statements were re-checked: check the whole file */
    engine_doc_settle(d->engine);
    lsp_doc_check(s, d);
    return;
  }
  size_t len;
  const char *text = textedit_text(d->text, &len);
  diag_list_clear(&d->diags);
  const LlSeeds *seeds;
  const LlAliases *aliases;
  lsp_index_seeds(s, d, &seeds, &aliases);
  analyzer_run_doc_project(s->analyzer, lsp_config_for(s, d), d->engine, text, len, seeds, aliases, &d->diags, NULL);
  d->last_check = ++s->tick;
  lsp__trim_kept(s);
}

/* The .looplens.json nearest above the document (or the workspace root for unsaved buffers),
 * loaded once; a broken one is reported with window/showMessage and the defaults apply. */
static const Config *lsp__config_lookup(LspServer *s, const LspDoc *d);

const Config *lsp_config_for(LspServer *s, LspDoc *d) {
  if (!d->config) d->config = lsp__config_lookup(s, d); /* not per keystroke: it walks the file system */
  return d->config;
}

static const Config *lsp__config_lookup(LspServer *s, const LspDoc *d) {
  char dir[PATH_MAX];
  const char *base = d->path ? d->path : s->root;
  if (!base) return s->defaults;
  snprintf(dir, sizeof dir, "%s", base);
  if (d->path) {
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
  }
  char *path = config_find(dir);
  if (!path) return s->defaults;
  for (size_t i = 0; i < s->configs.len; i++)
    if (!strcmp(s->configs.items[i].path, path)) {
      free(path);
      return s->configs.items[i].config ? s->configs.items[i].config : s->defaults;
    }
  LlError err = {0};
  Config *c = config_load(path, s->rules, &err);
  if (!c) {
    StrBuf b = {0};
    strbuf_printf(&b, "looplens: %s:%d:%d: %s (using the default configuration)", err.path, err.line, err.column,
                  err.text);
    lsp_notify(s, "window/showMessage", json_pack("{s:i, s:s}", "type", 1, "message", strbuf_cstr(&b)));
    strbuf_free(&b);
  }
  vec_push(&s->configs, ((LspConfigEntry){path, c}));
  return c ? c : s->defaults;
}

void lsp_configs_reset(LspServer *s) {
  for (size_t i = 0; i < s->docs.len; i++) s->docs.items[i]->config = NULL;
  for (size_t i = 0; i < s->configs.len; i++) {
    free(s->configs.items[i].path);
    config_free(s->configs.items[i].config);
  }
  s->configs.len = 0;
}

void lsp_docs_free(LspServer *s) {
  for (size_t i = 0; i < s->docs.len; i++) lsp__doc_free(s->docs.items[i]);
  vec_free(&s->docs);
  lsp_configs_reset(s);
  vec_free(&s->configs);
}
