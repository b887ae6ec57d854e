/* lsp.h: the language server's private types. Layers: rpc.c frames bytes (no JSON), lsp_loop.c
 * moves them (stdin and stdout together) and parses bodies (lsp_json.c tolerates what jansson
 * would refuse), lsp_server.c speaks JSON-RPC and dispatches, lsp_docs.c keeps documents and
 * configurations, lsp_features.c builds diagnostics, hovers and code actions. The server owns
 * everything reachable from it. */
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

/* The largest message read (a larger one is refused); the output queued before the server stops
 * reading until the client reads some (responses are never dropped, so this bounds memory). */
#define LSP_MAX_MESSAGE RPC_DEFAULT_MAX_BODY
#define LSP_OUTPUT_HIGH ((size_t)16 << 20)

typedef struct {
  char *uri;
  char *path;             /* the file behind a file:// URI, NULL otherwise */
  long version;
  bool unsynced;          /* an edit could not be applied: the text may not be the editor's; no
                             analysis, no findings until a full-text change */
  bool stale;             /* changed since it was last checked (checked at the end of the batch) */
  size_t over_tokens;     /* last check refused: over this many tokens (engine.h's memory bound) */
  size_t over_tree;       /* last check stopped: the syntax tree passed this many bytes */
  TexteditBuffer *text;
  EngineDoc *engine;
  DiagList diags;         /* of the current text */
  const Config *config;   /* borrowed from the server's cache; NULL until looked up */
  unsigned long last_check; /* when it was last analysed (server tick): the least recent lose their trees */
  Vec(LspDiagText) published; /* the last publish, diagnostic by diagnostic */
  char *uri_json;         /* the uri as a JSON string, made once */
  long project_file;      /* its file in the index's project, -1 when none (lsp_index.c) */
  unsigned long seed_gen; /* of the seeds it was last checked with */
  bool text_changed;      /* edited since its text was last sent to the index */
} LspDoc;

typedef struct LspIndex LspIndex;

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
  RpcWriter *out;          /* what is queued for the client */
  bool out_broken;         /* the client is gone: nothing more can be sent */
  size_t max_size;         /* documents above this many bytes are not analysed (--max-size) */
  RuleSet *rules;
  Engine *engine;
  Analyzer *analyzer;
  Config *defaults;
  TextposEncoding encoding;
  bool initialized, shutdown, exit_now;
  bool trace;             /* LOOPLENS_LSP_TRACE set: timings on stderr */
  bool region_check;      /* re-check only edited statements (unless LOOPLENS_REGION_CHECK=0) */
  char *root;             /* workspace root folder, may be NULL */
  Vec(char *) folders;    /* every workspace folder (the root when the client names none) */
  LspIndex *index;        /* the project view (lsp_index.c); NULL with --no-project */
  bool progress;          /* the client takes window/workDoneProgress */
  bool watch_dynamic;     /* the client registers file watchers when asked */
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

/* Transport (lsp_loop.c). Sending queues; the loop writes as the client reads. */
void lsp_send(LspServer *s, json_t *msg); /* steals msg */
/* A message already serialized (steals `body`). With a key, it supersedes a queued message with the
 * same key that has not started going out: only the newest diagnostics of a document are sent. */
void lsp_send_text(LspServer *s, char *body, const char *key);
void lsp_notify(LspServer *s, const char *method, json_t *params); /* steals params */
/* window/logMessage (type 1 error .. 4 log); with a key, superseded like lsp_send_text. */
void lsp_log_message(LspServer *s, int type, const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void lsp_flush(LspServer *s); /* writes what the client takes now, without blocking */
void lsp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* JSON text (lsp_json.c). */
/* A copy of `s[0, n)` with each lone surrogate escape made \uFFFD (same length), or NULL when it
 * has none (or memory ran out: the text then fails to parse, as it would have). */
char *lsp_json_repair_surrogates(const char *s, size_t n, size_t *count);
/* What the start of a message that cannot be parsed says: the top-level id and method and
 * params.textDocument.uri, each NULL when not seen. Owned; lsp_json_peek_free releases them. */
typedef struct {
  json_t *id, *method, *uri;
} LspJsonPeek;
void lsp_json_peek(const char *s, size_t n, LspJsonPeek *out);
void lsp_json_peek_free(LspJsonPeek *p);

/* Dispatch (lsp_server.c). */
/* Handles one batch of parsed messages (borrowed). Documents they changed are checked by
 * lsp_docs_settle() once the batch is done and freed: a backlog of keystrokes is analysed once. */
void lsp_dispatch(LspServer *s, json_t **msgs, size_t n);
/* A message that could not be read (`why`) is answered with error `code`: with id null unless
 * `with_id` (then: with its id if it was a request; not at all, but logged, if a notification).
 * If it was a didOpen or didChange, its document (or, when no uri is seen, every document) becomes
 * unsynchronised. */
void lsp_message_lost(LspServer *s, const char *body, size_t len, int code, bool with_id, const char *why);

/* Documents (lsp_docs.c). */
LspDoc *lsp_doc_find(LspServer *s, const char *uri);
LspDoc *lsp_doc_open(LspServer *s, const char *uri, long version, const char *text, size_t len);
void lsp_doc_close(LspServer *s, const char *uri);
/* Applies one change (range, or whole text when range is NULL; a whole text resynchronises the
 * document). Returns the status; a failed change leaves the text as it was. */
TexteditStatus lsp_doc_change(LspServer *s, LspDoc *d, const TextposRange *range, const char *text, size_t len);
/* The text may no longer be the editor's: forget the findings, say so (window/logMessage). */
void lsp_doc_unsync(LspServer *s, LspDoc *d, const char *why);
/* Re-analyses the document's text and publishes its diagnostics: none when it is unsynchronised,
 * one notice (and no analysis) when it is above the size limit. */
void lsp_doc_check(LspServer *s, LspDoc *d);
/* Checks the document if a change made it stale (before a request reads its findings). */
void lsp_doc_settle(LspServer *s, LspDoc *d);
void lsp_docs_settle(LspServer *s); /* every stale document */
/* Is the text the editor's and within the size limit (may it be parsed)? */
bool lsp_doc_analysable(const LspServer *s, const LspDoc *d);
/* Rebuilds the syntax tree of a document that lost it to the memory budget (no publish). */
void lsp_doc_ensure_tree(LspServer *s, LspDoc *d);
const Config *lsp_config_for(LspServer *s, LspDoc *d);
void lsp_configs_reset(LspServer *s);
void lsp_docs_free(LspServer *s);
char *lsp_uri_to_path(const char *uri);
char *lsp_path_to_uri(const char *path);

/* The project view (lsp_index.c): summaries of the workspace's files, kept by a worker thread;
 * seeds and aliases for open documents. The server's index fd is readable when the worker has
 * answers: lsp_index_collect applies them and marks the documents to check again (stale). */
LspIndex *lsp_index_new(const Engine *engine, const RuleSet *rules, size_t max_size);
void lsp_index_free(LspIndex *x);
int lsp_index_fd(const LspIndex *x);
void lsp_index_start(LspServer *s, const char *const *folders, size_t n); /* walks them, in the background */
void lsp_index_collect(LspServer *s);
void lsp_index_doc_attach(LspServer *s, LspDoc *d);  /* finds (or adds) its file */
void lsp_index_doc_changed(LspServer *s, LspDoc *d); /* its text changed: summarise it again */
void lsp_index_doc_closed(LspServer *s, LspDoc *d);  /* the disk's text counts again */
/* The seeds and aliases to check the document with (borrowed, NULL when none). */
void lsp_index_seeds(LspServer *s, LspDoc *d, const LlSeeds **seeds, const LlAliases **aliases);
void lsp_index_disk_changed(LspServer *s, const char *path, bool deleted);
void lsp_index_configs_changed(LspServer *s);
/* A file:// URI for a file as messages name it (relative to its workspace folder); NULL if unknown. */
char *lsp_index_file_uri(const LspServer *s, const char *name);

/* Features (lsp_features.c). */
json_t *lsp_position(const LspDoc *d, TextposEncoding enc, uint32_t byte);
json_t *lsp_range(const LspDoc *d, TextposEncoding enc, uint32_t start, uint32_t end);
/* The publishDiagnostics notification for the document's findings, as message text (owned): each
 * diagnostic is serialized once and reused while it stays the same at the same place. */
char *lsp_publish_text(LspServer *s, LspDoc *d);
/* Why a document is not analysed, as the one diagnostic published for it (NULL when it is). */
json_t *lsp_notice_json(LspServer *s, const LspDoc *d);
void lsp_published_free(LspDoc *d);
json_t *lsp_diagnostics_json(LspServer *s, const LspDoc *d);
json_t *lsp_hover(LspServer *s, const LspDoc *d, uint32_t byte);
json_t *lsp_code_actions(LspServer *s, LspDoc *d, uint32_t start, uint32_t end);

/* Runs the server on the file descriptors until exit; returns the exit code. */
int lsp_run(LspServer *s, int in_fd);

#endif
