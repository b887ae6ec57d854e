/* lsp_server.c: JSON-RPC over the framed stream — validation, the method table, cancellation,
 * messages that could not be read, and the LSP lifecycle (initialize → shutdown → exit). */
#include "lsp.h"
#include "looplens/strbuf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lsp_error(LspError *e, int code, const char *fmt, ...) {
  e->code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
}

static void lsp__reply_error(LspServer *s, json_t *id, int code, const char *message) {
  lsp_send(s, json_pack("{s:O, s:{s:i, s:s}}", "id", id ? id : json_null(), "error", "code", code, "message", message));
}

/* --- helpers for handlers ------------------------------------------------------------------- */

static const char *lsp__uri(json_t *params, LspError *e) {
  const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
  if (!uri) lsp_error(e, LSP_INVALID_PARAMS, "params.textDocument.uri must be a string");
  return uri;
}

/* The document a request or notification names, checked if a change in this batch made it stale. */
static LspDoc *lsp__doc(LspServer *s, json_t *params, LspError *e) {
  const char *uri = lsp__uri(params, e);
  if (!uri) return NULL;
  LspDoc *d = lsp_doc_find(s, uri);
  if (!d) lsp_error(e, LSP_INVALID_PARAMS, "document %s is not open", uri);
  else lsp_doc_settle(s, d);
  return d;
}

static int lsp__position(json_t *pos, TextposPosition *out) {
  json_t *l = json_object_get(pos, "line"), *c = json_object_get(pos, "character");
  if (!json_is_integer(l) || !json_is_integer(c) || json_integer_value(l) < 0 || json_integer_value(c) < 0 ||
      json_integer_value(l) > UINT32_MAX || json_integer_value(c) > UINT32_MAX)
    return -1;
  out->line = (uint32_t)json_integer_value(l);
  out->character = (uint32_t)json_integer_value(c);
  return 0;
}

static int lsp__range(json_t *range, TextposRange *out) {
  return lsp__position(json_object_get(range, "start"), &out->start) < 0 ||
                 lsp__position(json_object_get(range, "end"), &out->end) < 0
             ? -1
             : 0;
}

static uint32_t lsp__offset(const LspDoc *d, TextposEncoding enc, TextposPosition p) {
  size_t off = 0;
  textpos_position_to_offset(textedit_index(d->text), p, enc, &off);
  return (uint32_t)off;
}

/* --- handlers ------------------------------------------------------------------------------- */

typedef json_t *(*LspHandler)(LspServer *s, json_t *params, LspError *e);

static json_t *on_initialize(LspServer *s, json_t *params, LspError *e) {
  if (s->initialized) {
    lsp_error(e, LSP_INVALID_REQUEST, "initialize was already received");
    return NULL;
  }
  if (!json_is_object(params)) {
    lsp_error(e, LSP_INVALID_PARAMS, "initialize needs params");
    return NULL;
  }
  json_t *encs = json_object_get(json_object_get(json_object_get(params, "capabilities"), "general"), "positionEncodings");
  s->encoding = TEXTPOS_UTF16;
  size_t i;
  json_t *v;
  json_array_foreach(encs, i, v) if (json_is_string(v) && !strcmp(json_string_value(v), "utf-8")) s->encoding = TEXTPOS_UTF8;
  const char *root_uri = json_string_value(json_object_get(params, "rootUri"));
  json_t *folders = json_object_get(params, "workspaceFolders");
  if (!root_uri && json_array_size(folders)) root_uri = json_string_value(json_object_get(json_array_get(folders, 0), "uri"));
  if (root_uri) s->root = lsp_uri_to_path(root_uri);
  else if (json_is_string(json_object_get(params, "rootPath"))) s->root = ll_strdup(json_string_value(json_object_get(params, "rootPath")));
  json_array_foreach(folders, i, v) {
    char *p = lsp_uri_to_path(json_string_value(json_object_get(v, "uri")));
    if (p) vec_push(&s->folders, p);
  }
  if (!s->folders.len && s->root) vec_push(&s->folders, ll_strdup(s->root));
  json_t *caps = json_object_get(params, "capabilities");
  s->progress = json_is_true(json_object_get(json_object_get(caps, "window"), "workDoneProgress"));
  s->watch_dynamic = json_is_true(
      json_object_get(json_object_get(json_object_get(caps, "workspace"), "didChangeWatchedFiles"), "dynamicRegistration"));
  s->initialized = true;
  return json_pack("{s:{s:s, s:{s:b, s:i, s:{s:b}}, s:{s:b, s:b}, s:b, s:{s:[s]}}, s:{s:s, s:s}}",
                   "capabilities", "positionEncoding", textpos_encoding_name(s->encoding), "textDocumentSync",
                   "openClose", 1, "change", 2, "save", "includeText", 0, "diagnosticProvider", "interFileDependencies",
                   s->index != NULL, "workspaceDiagnostics", 0, "hoverProvider", 1, "codeActionProvider", "codeActionKinds", "quickfix",
                   "serverInfo", "name", "looplens", "version", LOOPLENS_VERSION);
}

/* The index starts once the client has our answer to initialize (it may then take requests: the
 * progress token, the file watchers). */
static json_t *on_initialized(LspServer *s, json_t *params, LspError *e) {
  if (!s->index) return NULL;
  if (s->watch_dynamic)
    lsp_send(s, json_pack("{s:s, s:s, s:s, s:{s:[{s:s, s:s, s:{s:[{s:s}, {s:s}]}}]}}", "jsonrpc", "2.0", "id",
                          "looplens/watch", "method", "client/registerCapability", "params", "registrations", "id",
                          "looplens/watch", "method", "workspace/didChangeWatchedFiles", "registerOptions", "watchers",
                          "globPattern", "**/*.{js,cjs,mjs,jsx}", "globPattern", "**/{.looplens.json,package.json}"));
  lsp_index_start(s, (const char *const *)s->folders.items, s->folders.len);
  return NULL;
}

static json_t *on_shutdown(LspServer *s, json_t *params, LspError *e) {
  s->shutdown = true;
  return json_null();
}

static json_t *on_did_open(LspServer *s, json_t *params, LspError *e) {
  json_t *td = json_object_get(params, "textDocument");
  const char *uri = json_string_value(json_object_get(td, "uri"));
  json_t *text = json_object_get(td, "text");
  if (!uri || !json_is_string(text)) {
    lsp_error(e, LSP_INVALID_PARAMS, "didOpen needs textDocument.uri and textDocument.text");
    return NULL;
  }
  LspDoc *d = lsp_doc_open(s, uri, (long)json_integer_value(json_object_get(td, "version")), json_string_value(text),
                           json_string_length(text));
  d->stale = true; /* checked at the end of the batch, or by the first request that needs it */
  return NULL;
}

/* Applies one content change; when it cannot be, the document becomes unsynchronised. */
static void lsp__apply_change(LspServer *s, LspDoc *d, size_t i, json_t *c) {
  json_t *text = json_object_get(c, "text"), *range = json_object_get(c, "range");
  TextposRange r;
  char why[160];
  if (!json_is_string(text) || (range && lsp__range(range, &r) < 0)) {
    snprintf(why, sizeof why, "change %zu is malformed (needs a string text and a valid range)", i);
    lsp_doc_unsync(s, d, why);
    return;
  }
  TexteditStatus st = lsp_doc_change(s, d, range ? &r : NULL, json_string_value(text), json_string_length(text));
  if (st >= 0) return;
  snprintf(why, sizeof why, "change %zu could not be applied: %s", i, textedit_status_text(st));
  lsp_doc_unsync(s, d, why);
}

/* Changes apply in order. An unsynchronised document takes only a whole-text change, which
 * resynchronises it; range changes are skipped until then (they apply to a text we do not have). */
static json_t *on_did_change(LspServer *s, json_t *params, LspError *e) {
  const char *uri = lsp__uri(params, e);
  LspDoc *d = uri ? lsp_doc_find(s, uri) : NULL;
  json_t *changes = json_object_get(params, "contentChanges");
  if (uri && !d) lsp_error(e, LSP_INVALID_PARAMS, "document %s is not open", uri);
  if (!d) return NULL;
  json_t *ver = json_object_get(json_object_get(params, "textDocument"), "version");
  long version = json_is_integer(ver) ? (long)json_integer_value(ver) : d->version + 1;
  if (version <= d->version) {
    lsp_log("%s: ignoring change to version %ld (document is at %ld)", d->uri, version, d->version);
    return NULL;
  }
  d->version = version;
  d->stale = true;
  if (!json_is_array(changes)) {
    lsp_doc_unsync(s, d, "didChange without a contentChanges array");
    return NULL;
  }
  size_t i, ignored = 0;
  json_t *c;
  json_array_foreach(changes, i, c) {
    if (d->unsynced && json_object_get(c, "range")) ignored++;
    else lsp__apply_change(s, d, i, c);
  }
  if (ignored) { /* said again for every change ignored; only the newest not yet sent is kept */
    StrBuf key = {0};
    strbuf_printf(&key, "log %s", d->uri);
    lsp_log_message(s, 2, strbuf_cstr(&key), "looplens: %s is out of sync with the editor: %zu change(s) ignored; it "
                    "is not analysed until its whole text is sent (close and reopen it)", d->uri, ignored);
    strbuf_free(&key);
  }
  return NULL;
}

static json_t *on_did_close(LspServer *s, json_t *params, LspError *e) {
  const char *uri = lsp__uri(params, e);
  if (uri) lsp_doc_close(s, uri);
  return NULL;
}

/* A save is a pause: if only edited statements were re-checked since the last whole-file analysis,
 * check the whole file now (the text may have been mid-edit in ways a region check cannot see). */
static json_t *on_did_save(LspServer *s, json_t *params, LspError *e) {
  LspDoc *d = lsp__doc(s, params, e);
  if (d) lsp_doc_ensure_tree(s, d);
  return NULL;
}

static json_t *on_diagnostic(LspServer *s, json_t *params, LspError *e) {
  LspDoc *d = lsp__doc(s, params, e);
  return d ? json_pack("{s:s, s:o}", "kind", "full", "items", lsp_diagnostics_json(s, d)) : NULL;
}

static json_t *on_hover(LspServer *s, json_t *params, LspError *e) {
  LspDoc *d = lsp__doc(s, params, e);
  TextposPosition p;
  if (!d) return NULL;
  if (lsp__position(json_object_get(params, "position"), &p) < 0) {
    lsp_error(e, LSP_INVALID_PARAMS, "hover needs a position {line, character}");
    return NULL;
  }
  json_t *h = lsp_hover(s, d, lsp__offset(d, s->encoding, p));
  return h ? h : json_null();
}

static json_t *on_code_action(LspServer *s, json_t *params, LspError *e) {
  LspDoc *d = lsp__doc(s, params, e);
  TextposRange r;
  if (!d) return NULL;
  if (lsp__range(json_object_get(params, "range"), &r) < 0) {
    lsp_error(e, LSP_INVALID_PARAMS, "codeAction needs a range");
    return NULL;
  }
  return lsp_code_actions(s, d, lsp__offset(d, s->encoding, r.start), lsp__offset(d, s->encoding, r.end));
}

static void lsp__recheck_all(LspServer *s) {
  lsp_configs_reset(s);
  for (size_t i = 0; i < s->docs.len; i++) s->docs.items[i]->stale = true;
}

static json_t *on_did_change_configuration(LspServer *s, json_t *params, LspError *e) {
  lsp__recheck_all(s);
  return NULL;
}

static json_t *on_did_change_watched_files(LspServer *s, json_t *params, LspError *e) {
  size_t i;
  json_t *c;
  bool configs = false;
  json_array_foreach(json_object_get(params, "changes"), i, c) {
    const char *uri = json_string_value(json_object_get(c, "uri"));
    size_t n = uri ? strlen(uri) : 0;
    if (n >= 14 && !strcmp(uri + n - 14, ".looplens.json")) configs = true;
    static const char *const exts[] = {".js", ".cjs", ".mjs", ".jsx"};
    for (size_t k = 0; k < 4; k++) {
      size_t l = strlen(exts[k]);
      if (n <= l || strcmp(uri + n - l, exts[k])) continue;
      char *path = lsp_uri_to_path(uri);
      if (path) lsp_index_disk_changed(s, path, json_integer_value(json_object_get(c, "type")) == 3);
      free(path);
    }
  }
  if (configs) {
    lsp__recheck_all(s);
    lsp_index_configs_changed(s);
  }
  return NULL;
}

static json_t *on_exit_notification(LspServer *s, json_t *params, LspError *e) {
  s->exit_now = true;
  return NULL;
}

typedef struct {
  const char *method;
  LspHandler handler;
  bool request;
} LspMethod;

static const LspMethod lsp__methods[] = {
    {"initialize", on_initialize, true},
    {"shutdown", on_shutdown, true},
    {"textDocument/diagnostic", on_diagnostic, true},
    {"textDocument/hover", on_hover, true},
    {"textDocument/codeAction", on_code_action, true},
    {"initialized", on_initialized, false},
    {"exit", on_exit_notification, false},
    {"textDocument/didOpen", on_did_open, false},
    {"textDocument/didChange", on_did_change, false},
    {"textDocument/didClose", on_did_close, false},
    {"textDocument/didSave", on_did_save, false},
    {"workspace/didChangeConfiguration", on_did_change_configuration, false},
    {"workspace/didChangeWatchedFiles", on_did_change_watched_files, false},
    {"$/cancelRequest", NULL, false}, /* handled before dispatch */
    {"$/setTrace", NULL, false},
};

/* --- dispatch --------------------------------------------------------------------------------- */

static bool lsp__take_cancelled(LspServer *s, json_t *id) {
  for (size_t i = 0; i < s->cancelled.len; i++)
    if (json_equal(s->cancelled.items[i], id)) {
      json_decref(s->cancelled.items[i]);
      s->cancelled.items[i] = s->cancelled.items[--s->cancelled.len];
      return true;
    }
  return false;
}

static void lsp__dispatch(LspServer *s, json_t *msg) {
  json_t *id = json_object_get(msg, "id"), *params = json_object_get(msg, "params");
  const char *method = json_string_value(json_object_get(msg, "method"));
  bool is_request = id != NULL;
  if (!method) {
    if (json_object_get(msg, "result") || json_object_get(msg, "error")) return; /* a reply to us: none expected */
    lsp__reply_error(s, is_request ? id : NULL, LSP_INVALID_REQUEST, "a message needs a string \"method\"");
    return;
  }
  if (is_request && !json_is_integer(id) && !json_is_string(id)) {
    lsp__reply_error(s, NULL, LSP_INVALID_REQUEST, "\"id\" must be an integer or a string");
    return;
  }
  if (is_request && lsp__take_cancelled(s, id)) {
    lsp__reply_error(s, id, LSP_REQUEST_CANCELLED, "request cancelled");
    return;
  }
  const LspMethod *m = NULL;
  for (size_t i = 0; i < sizeof lsp__methods / sizeof *lsp__methods; i++)
    if (!strcmp(lsp__methods[i].method, method)) m = &lsp__methods[i];
  if (!is_request) {
    if (!strcmp(method, "exit")) {
      s->exit_now = true;
      return;
    }
    if (!s->initialized || s->shutdown || !m || !m->handler) return; /* dropped, as the spec says */
    LspError e = {0};
    m->handler(s, params, &e);
    if (e.code) lsp_log("%s: %s", method, e.message);
    return;
  }
  if (!s->initialized && strcmp(method, "initialize")) {
    lsp__reply_error(s, id, LSP_SERVER_NOT_INITIALIZED, "the server has not been initialized");
    return;
  }
  if (s->shutdown) {
    lsp__reply_error(s, id, LSP_INVALID_REQUEST, "the server is shutting down");
    return;
  }
  if (!m || !m->request) {
    StrBuf b = {0};
    strbuf_printf(&b, "method not found: %s", method);
    lsp__reply_error(s, id, LSP_METHOD_NOT_FOUND, strbuf_cstr(&b));
    strbuf_free(&b);
    return;
  }
  LspError e = {0};
  json_t *result = m->handler(s, params, &e);
  if (e.code) {
    json_decref(result);
    lsp__reply_error(s, id, e.code, e.message);
    return;
  }
  lsp_send(s, json_pack("{s:O, s:o}", "id", id, "result", result ? result : json_null()));
}

/* Handles one batch of complete messages: cancellations first, so a request and its
 * $/cancelRequest that arrived together are answered as cancelled. */
void lsp_dispatch(LspServer *s, json_t **msgs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *method = json_string_value(json_object_get(msgs[i], "method"));
    json_t *cid = json_object_get(json_object_get(msgs[i], "params"), "id");
    if (method && !strcmp(method, "$/cancelRequest") && cid) {
      bool pending = false; /* requests of earlier batches are answered already */
      for (size_t k = 0; k < n && !pending; k++)
        if (k != i && json_object_get(msgs[k], "method") && json_equal(json_object_get(msgs[k], "id"), cid))
          pending = true;
      if (pending) vec_push(&s->cancelled, json_incref(cid));
    }
  }
  for (size_t i = 0; i < n && !s->exit_now; i++) {
    lsp__dispatch(s, msgs[i]);
    lsp_flush(s);
  }
  for (size_t i = 0; i < s->cancelled.len; i++) json_decref(s->cancelled.items[i]);
  s->cancelled.len = 0;
}

/* A didOpen or didChange that was lost: its document (every document, when it names none) may no
 * longer be the editor's. A lost didOpen leaves an unsynchronised, empty document open. */
static void lsp__lost_document(LspServer *s, const char *method, const char *uri, const char *why) {
  char reason[200];
  snprintf(reason, sizeof reason, "its %s could not be read (%s)", method, why);
  LspDoc *d = uri ? lsp_doc_find(s, uri) : NULL;
  if (uri && !d && !strcmp(method, "textDocument/didOpen")) d = lsp_doc_open(s, uri, 0, "", 0);
  if (d) {
    lsp_doc_unsync(s, d, reason);
    d->stale = true;
    return;
  }
  if (uri) return; /* a change to a document that is not open */
  for (size_t i = 0; i < s->docs.len; i++) {
    lsp_doc_unsync(s, s->docs.items[i], reason);
    s->docs.items[i]->stale = true;
  }
}

void lsp_message_lost(LspServer *s, const char *body, size_t len, int code, bool with_id, const char *why) {
  LspJsonPeek p;
  lsp_json_peek(body, len, &p);
  const char *method = json_string_value(p.method);
  bool request = json_is_integer(p.id) || json_is_string(p.id);
  if (!with_id || !method) lsp__reply_error(s, NULL, code, why); /* as JSON-RPC says of parse errors */
  else if (request) lsp__reply_error(s, p.id, code, why);
  else lsp_log_message(s, 1, NULL, "looplens: a %s notification was lost: %s", method, why);
  if (method && (!strcmp(method, "textDocument/didOpen") || !strcmp(method, "textDocument/didChange")) &&
      s->initialized && !s->shutdown)
    lsp__lost_document(s, method, json_string_value(p.uri), why);
  lsp_json_peek_free(&p);
  lsp_flush(s);
}
