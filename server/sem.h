/* sem.h: the per-file semantic model, built once per parse: bindings and core-module aliases,
 * function contexts (start-up / unknown / hot, with the reason), and file facts.
 * A Sem borrows the tree and the source text (both must outlive it) and owns everything else. */
#ifndef LOOPLENS_SEM_H
#define LOOPLENS_SEM_H
#include <stdbool.h>
#include <stdint.h>
#include <tree_sitter/api.h>
#include "looplens/diag.h"
#include "looplens/strbuf.h"
#include "looplens/vec.h"

typedef struct {
  uint32_t start, end; /* byte range of the function node */
  TSNode node;
  int parent;          /* enclosing function, -1 at module level */
  int owner;           /* class or object literal it is a method of (its start byte), -1 if none */
  uint32_t name_start, name_end; /* source range of its name (declared, method, key or assignment target); empty if none */
  Context ctx;
  int via;             /* the function whose call made this one hot/start-up; -1 for a root */
  char *why;           /* owned, for roots: what registered it ("route handler passed to app.get (line 12)") */
  bool exported, is_async, hot_root, has_callers;
  bool recurring_root, recurring; /* runs again and again (per request, event or tick), not just once */
  bool startup_root;   /* other files call it at start-up only (a project seed; why says where) */
  int seed;            /* the project seed that made it a root (index into the model's seeds), -1 */
} SemFunc;

typedef enum { DECL_VALUE, DECL_FUNC, DECL_PARAM } SemDeclKind;

typedef struct {
  const char *name;            /* into the source, name_len bytes (not NUL-terminated) */
  uint32_t name_len;
  uint32_t scope_start, scope_end;
  uint32_t at;                 /* byte offset of the declaring identifier */
  SemDeclKind kind;
  int func;                    /* DECL_FUNC: the function; DECL_PARAM: its owner */
  int param_index;             /* DECL_PARAM */
  TSNode value;                /* DECL_VALUE: the initializer (may be null) */
  char *member;                /* DECL_VALUE from destructuring/named import: the property taken, owned */
  char *import_source;         /* DECL_VALUE from an ESM import: the module specifier, owned */
  bool import_whole;           /* default or namespace import */
  bool module_level, is_const;
  /* memoised resolution (resolve_state: 0 not yet, 1 in progress, 2 done) */
  int resolve_state;
  char *path;
} SemDecl;

typedef struct { uint32_t start, end; } SemRange;
typedef struct {
  int func;      /* nearest function node at or above */
  int loop;      /* nearest for / for-in / while / do at or above, below func */
  int branch;    /* nearest if / ternary / switch case / while / for / catch / && || ?? likewise */
  bool off_main; /* some `if (…isMainThread…)` above keeps this node off the main thread */
} SemPathFact;
typedef Vec(SemPathFact) SemPathFactVec;
typedef Vec(TSNode) TSNodeVec;
typedef struct { uint32_t from; int func; } SemFuncSeg; /* from here to the next one, func is innermost */
typedef struct { int from, to; } SemEdge; /* from == -1: module top level */

/* A region model covers a run of statements that changed since the whole file was last modelled
 * (the base): its top level runs in the base function around the region, names it does not declare
 * resolve through the base, and functions outside it are named by their base index encoded as
 * SEM_OUTER_FUNC(i) (never >= 0, so edges and roots ignore them). Predicates that need the rest of
 * the file set `refused`, and the caller models the whole file instead. */
typedef struct SemOuter {
  struct Sem *base;
  uint32_t from, to;   /* the region in base coordinates; the region model's text starts at `from` too */
  int func;            /* base function around the region, -1 at module level */
  const char *refused; /* why the region model gave up (static text), NULL while it holds */
  /* lines added (or removed, < 0) by the edits: base lines after edit_line move by line_delta in
   * what the region model writes while renumber is set (findings, not effects) */
  int32_t line_delta;
  uint32_t edit_line;
  bool renumber;
} SemOuter;
#define SEM_OUTER_FUNC(i) (-2 - (i))

typedef struct Sem {
  SemOuter *outer;             /* NULL for a whole-file model */
  const char *src;
  size_t len;
  TSTree *tree;
  Vec(SemFunc) funcs;          /* in start-byte order (pre-order) */
  Vec(int) owned;              /* funcs with an owner, by (owner, name, index) (sem_resolve.c) */
  Vec(SemFuncSeg) func_segs;   /* the source cut where the innermost function changes */
  Vec(SemDecl) decls;
  struct SemNames *names;      /* the symbol table over decls (sem_names.c) */
  Vec(SemEdge) edges;          /* caller -> callee, once each, sorted by caller (the top level last) */
  struct SemGraph *graph;      /* reachability over edges, built on first use (sem_graph.c) */
  Vec(SemEdge) once_edges;     /* registrar → one-shot callback (setTimeout, .then, .once) */
  Vec(SemRange) comments;
  Vec(TSNode) calls;           /* every call and new expression, pre-order */
  Vec(int) call_func;          /* enclosing function of each call, -1 at top level */
  const uint8_t *interesting;  /* borrowed: node symbols to collect as query candidates, may be NULL */
  uint32_t interesting_n;
  Vec(TSNode) candidates;      /* nodes whose symbol is interesting, pre-order */
  Vec(TSNode) assignments;     /* assignment_expression and `delete x[k]`: writes and evictions */
  struct SemContainers *containers; /* built on first use by sem_life.c */
  struct SemRemovals *removals;     /* built on first use by sem_removals.c */
  Vec(char *) extra_registrars;/* borrowed from config: extra hot-path registrar names */
  Vec(char *) exported_names;  /* owned: names exported by `export`/`module.exports` */
  Vec(uint32_t) exported_at;   /* start bytes of function expressions exported in place */
  struct SemCalleeSlot { uint32_t start, end; bool used; char *path; } *callee_cache; /* open addressing */
  size_t callee_cap;
  Vec(SemRange) worker_refs;   /* parentPort / workerData mentions */
  Vec(SemRange) exports;       /* export statements */
  StrVec *fx;                  /* sem_region_effects at work: classification reports, never records */
  uint32_t fx_from, fx_to;
  bool shebang, has_server, worker_script, cli_script;
  int depth_guard;
  const struct LlSeed *seeds;  /* borrowed: what other files say of this one's functions (summary.h) */
  size_t nseeds;
  int *seed_func;              /* owned: the function each seed names in this text, or -1 */
  bool project;                /* modelled with the project view: "no caller" means in the whole project */
  const struct LlAlias *aliases; /* borrowed: imports other files made aliases of Node APIs (summary.h) */
  size_t naliases;
  /* sem_ancestors (sem_path.c): a cursor at the node last asked about, and the path to it */
  TSTreeCursor cursor;
  TSNodeVec path, slow;
  SemPathFactVec facts, slow_facts;
  const SemPathFact *last_facts;
  struct SemBody *bodies;      /* per function, what sem_body.c found in its own code */
} Sem;

/* Builds the model. extra_registrars: NULL-terminated list of extra method names (or dotted
 * "obj.method") whose function arguments are request handlers; may be NULL. Never fails. */
Sem *sem_new(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars);
/* Same, also collecting the nodes whose symbol s has interesting[s] set (s < n) into candidates. */
Sem *sem_new_collecting(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                        const uint8_t *interesting, uint32_t n);
/* The same within a project: seeds (borrowed; NULL when nseeds is 0) are the contexts other files give
 * its functions. */
Sem *sem_new_seeded(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                    const uint8_t *interesting, uint32_t n, const struct LlSeed *seeds, size_t nseeds,
                    const struct LlAlias *aliases, size_t naliases);
void sem_free(Sem *self);
struct LlSummary;
/* The seed at the root of the chain that gives the code at byte its context, or NULL. */
const struct LlSeed *sem_root_seed(const Sem *self, uint32_t byte);
/* The file's summary for the project view: exports, and references into relative modules with the
 * context of the code making them (sem_project.c). Appends to out. */
void sem_summarize(Sem *self, struct LlSummary *out);
/* Finds the function each seed names (sem_project.c): by its export name, in this text (an editor's
 * text may have moved it since the summary the seed came from), else by its offset. */
void sem__seed_funcs(Sem *self);
/* A region model over `tree` (parsed from the region's current text only) against outer->base. */
Sem *sem_new_region(TSTree *tree, const char *src, size_t len, const char *const *extra_registrars,
                    const uint8_t *interesting, uint32_t n, SemOuter *outer);
/* What the code in [from, to) does that the rest of the file can observe (calls into functions
 * outside the range, registrations, exports, evictions, removals, suppressions, declarations that
 * other code names): one string per effect, appended to out (owned). Equal lists before and after an
 * edit mean the rest of the file's findings stand. */
void sem_region_effects(Sem *self, uint32_t from, uint32_t to, StrVec *out);
/* `text` written against the base with its "line N" outside `code` moved for an edit that added
 * delta lines at base line `edit_line`: N > edit_line becomes N + delta. NULL when that cannot be
 * told (N == edit_line holds text from before and after the edit; unpaired backticks). Owned. */
char *sem_region_renumber(const char *text, uint32_t edit_line, int32_t delta);

/* Canonical path of an expression: "fs.readFileSync", "fs.promises.readFile", "child_process.execSync",
 * "process", "new:events", "pkg:./db" … or NULL when it does not resolve. Owned by the caller. */
char *sem_resolve(Sem *self, TSNode expr);
/* For a call or new expression, the canonical path of what is called. Owned by the caller. */
char *sem_resolve_callee(Sem *self, TSNode call);
/* The same, memoised per call and owned by the model (valid until sem_free); NULL if unresolved. */
const char *sem_resolve_callee_ref(Sem *self, TSNode call);

/* Innermost function containing the byte offset, -1 at module level. */
int sem_func_at(const Sem *self, uint32_t byte);
/* The same as a function record, looking past a region model's top level into the base function
 * around the region; NULL at module level. */
const SemFunc *sem_func_around(const Sem *self, uint32_t byte);
/* For predicates that must look past the region (call graph, whole-file scans): true, and the region
 * model gives up with `why`, when self is a region model; false for a whole-file model. */
bool sem_region_refuse(Sem *self, const char *why);
Context sem_context_at(const Sem *self, uint32_t byte);
/* Does the code at byte run repeatedly — per request, event or interval tick — rather than once? */
bool sem_recurring_at(const Sem *self, uint32_t byte);
/* A sentence saying why the code at byte runs in its context; owned by the caller. */
char *sem_context_note(const Sem *self, uint32_t byte);

/* The declaration an identifier named `name` at byte `at` refers to, or NULL. */
const SemDecl *sem_lookup(const Sem *self, const char *name, size_t name_len, uint32_t at);
/* The local function an expression (identifier, member, inline function) denotes, or -1. */
int sem_func_of(Sem *self, TSNode expr);
/* Is an await_expression's operand already settled, so that the continuation is a microtask right
 * away (await null / undefined / a literal / void 0 / Promise.resolve(…))? */
bool sem_await_settled(Sem *self, TSNode await_expression);

/* Removals (sem_removals.c). Is the listener `emitter.on(event, handler)` removed anywhere in the
 * file: removeAllListeners() or removeAllListeners(event) on the same emitter, or off /
 * removeListener / removeEventListener of the same (named) handler? Texts are compared. */
bool sem_listener_removed(Sem *self, TSNode emitter, TSNode event, TSNode handler);
/* Is `handle` passed to clearInterval anywhere in the file? */
bool sem_interval_cleared(Sem *self, TSNode handle);

/* Lifetimes (sem_life.c). */
typedef struct {
  const char *name;      /* into the source, name_len bytes */
  uint32_t name_len, line;
  const char *kind;      /* "Map", "Set", "object", "array" */
  bool evicted;          /* something in the file deletes, clears, splices or replaces it */
  bool class_field;      /* this.<name> of a module-level singleton */
} SemContainerInfo;

/* The long-lived container an expression refers to: its index (info filled), or -1. */
int sem_container_of(Sem *self, TSNode expr, SemContainerInfo *info);
/* Does the expression denote an object that outlives a request: a module-level binding, `process`,
 * an imported module, `this` of a module-level singleton, or a member of one of those? */
bool sem_long_lived(Sem *self, TSNode expr, int depth);

/* The ancestors of n in the model's tree, root first (the parent last): *count of them, valid until
 * the next call. Cheap for nodes asked about in tree order (ts_node_parent costs a search from the
 * root per step). */
const TSNode *sem_ancestors(Sem *self, TSNode n, size_t *count);
/* What lies at or above each of the ancestors sem_ancestors last returned (same indices):
 * the nearest function node, and below it the nearest loop and branch; -1 for none. */
const SemPathFact *sem_ancestor_facts(const Sem *self);
/* Is n a branch its descendants run behind: if / ternary / switch case / while / for / catch, or a
 * && || ?? expression? */
bool sem_is_branch(const Sem *self, TSNode n);
/* Does `if (…isMainThread…)` keep its `child` off the main thread (a negated test outside the
 * else branch, a plain one inside it)? False when parent is not an if statement. */
bool sem_off_main_thread(const Sem *self, TSNode parent, TSNode child);

/* Text helpers over the borrowed source. */
bool sem_node_is(const Sem *self, TSNode n, const char *text);
char *sem_node_text(const Sem *self, TSNode n); /* owned copy */
/* Appends a node's text for a message: its first line, at most `max` bytes, "..." when cut. */
void sem_snippet(const Sem *self, TSNode n, size_t max, StrBuf *out);
/* The string value of a string literal node (no escapes decoded), NULL when not a plain string. */
char *sem_string_value(const Sem *self, TSNode n);
bool sem_is_function_node(TSNode n);

#endif
