/* lsp.h: the language server's private types. Layers: rpc.c frames bytes (no JSON), lsp_server.c
 * speaks JSON-RPC and dispatches, lsp_docs.c keeps documents and configurations, lsp_features.c
 * builds diagnostics, hovers and code actions. The server owns everything reachable from it. */
#ifndef LOOPLENS_LSP_H
#define LOOPLENS_LSP_H
#include <jansson.h>
#include <stdbool.h>
#include "looplens/config.h"
#include "looplens/engine.h"
#include "looplens/rpc.h"
#include "looplens/textedit.h"
#include "looplens/textpos.h"

enum {
  LSP_PARSE_ERROR = -32700,
  LSP_INVALID_REQUEST = -32600,
  LSP_METHOD_NOT_FOUND = -32601,
  LSP_INVALID_PARAMS = -32602,
  LSP_INTERNAL_ERROR = -32603,
  LSP_SERVER_NOT_INITIALIZED = -32002,
  LSP_REQUEST_CANCELLED = -32800,
};

/* One published diagnostic as JSON text, reused while its content and position stay. */
typedef struct {
  const struct Rule *rule;
  int severity, context;
  TextposPosition start, end;
  char *message;          /* owned copy, compared */
  char *json;             /* owned */
} LspDiagText;

typedef struct {
  char *uri;
  char *path;             /* the file behind a file:// URI, NULL otherwise */
  long version;
  TexteditBuffer *text;
  EngineDoc *engine;
  DiagList diags;         /* of the current text */
  const Config *config;   /* borrowed from the server's cache; NULL until looked up */
  unsigned long last_check; /* when it was last analysed (server tick): the least recent lose their trees */
  Vec(LspDiagText) published; /* the last publish, diagnostic by diagnostic */
  char *uri_json;         /* the uri as a JSON string, made once */
} LspDoc;

typedef struct {
  char *path;             /* the .looplens.json */
  Config *config;         /* NULL when it failed to load (the defaults apply) */
} LspConfigEntry;

typedef struct {
  const struct Rule *rule;
  char *href;             /* owned, may be NULL */
} LspHref;

typedef struct LspServer {
  int out_fd;
  RuleSet *rules;
  Engine *engine;
  Analyzer *analyzer;
  Config *defaults;
  TextposEncoding encoding;
  bool initialized, shutdown, exit_now;
  bool trace;             /* LOOPLENS_LSP_TRACE set: timings on stderr */
  bool region_check;      /* re-check only edited statements (unless LOOPLENS_REGION_CHECK=0) */
  char *root;             /* workspace root folder, may be NULL */
  Vec(LspDoc *) docs;
  Vec(LspConfigEntry) configs;
  Vec(json_t *) cancelled; /* ids of requests cancelled before they were handled */
  Vec(LspHref) hrefs;      /* chapter links, per rule */
  unsigned long tick;
  size_t max_trees;        /* syntax trees kept for incremental reparsing (they dominate memory) */
  size_t max_bases;        /* documents keeping a base for region re-checks (the last analysed) */
} LspServer;

/* An error answer: code and message (static or owned by the caller of the handler). */
typedef struct {
  int code;
  char message[200];
} LspError;

void lsp_error(LspError *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Transport (lsp_server.c). */
void lsp_send(LspServer *s, json_t *msg); /* steals msg */
void lsp_send_text(LspServer *s, const char *body); /* a message already serialized */
void lsp_notify(LspServer *s, const char *method, json_t *params); /* steals params */
void lsp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Documents (lsp_docs.c). */
LspDoc *lsp_doc_find(LspServer *s, const char *uri);
LspDoc *lsp_doc_open(LspServer *s, const char *uri, long version, const char *text, size_t len);
void lsp_doc_close(LspServer *s, const char *uri);
/* Applies one change (range, or whole text when range is NULL); -1 when rejected. */
int lsp_doc_change(LspServer *s, LspDoc *d, const TextposRange *range, const char *text, size_t len);
/* Re-analyses the document's text and publishes its diagnostics. */
void lsp_doc_check(LspServer *s, LspDoc *d);
/* Rebuilds the syntax tree of a document that lost it to the memory budget (no publish). */
void lsp_doc_ensure_tree(LspServer *s, LspDoc *d);
const Config *lsp_config_for(LspServer *s, LspDoc *d);
void lsp_configs_reset(LspServer *s);
void lsp_docs_free(LspServer *s);
char *lsp_uri_to_path(const char *uri);
char *lsp_path_to_uri(const char *path);

/* Features (lsp_features.c). */
json_t *lsp_position(const LspDoc *d, TextposEncoding enc, uint32_t byte);
json_t *lsp_range(const LspDoc *d, TextposEncoding enc, uint32_t start, uint32_t end);
/* The publishDiagnostics notification for the document's findings, as message text (owned): each
 * diagnostic is serialized once and reused while it stays the same at the same place. */
char *lsp_publish_text(LspServer *s, LspDoc *d);
void lsp_published_free(LspDoc *d);
json_t *lsp_diagnostics_json(LspServer *s, const LspDoc *d);
json_t *lsp_hover(LspServer *s, const LspDoc *d, uint32_t byte);
json_t *lsp_code_actions(LspServer *s, LspDoc *d, uint32_t start, uint32_t end);

/* Runs the server on the file descriptors until exit; returns the exit code. */
int lsp_run(LspServer *s, int in_fd);

#endif
