/* summary.h: what one file of a project may know of another without its syntax tree.
 * A file's summary holds its exports and its references into other files (calls and handlers
 * registered, each with the context of the code making it); the seeds given back to a file say in
 * which context other files run its exported functions. Contexts are then a fixed point over the
 * project (project.h). Every string here is owned by the struct that holds it. */
#ifndef LOOPLENS_SUMMARY_H
#define LOOPLENS_SUMMARY_H
#include <stdbool.h>
#include <stdint.h>
#include "looplens/diag.h"
#include "looplens/vec.h"

/* An exported name: a function of this file (func_start), an alias of a Node API (alias:
 * `exports.loader = fs.readFileSync`), or a re-export of `member` of the
 * module `spec` (`export { a as b } from`, `export * from`: star, name NULL). */
typedef struct {
  char *name;           /* "default" for module.exports = fn / export default */
  int64_t func_start;   /* byte offset of the function node, -1 when not a function of this file */
  char *alias;          /* what the value resolves to when it is a Node API ("fs.readFileSync"), else NULL */
  char *spec, *member;  /* re-export */
  bool star;
} LlExport;

typedef enum { LL_XREF_CALL, LL_XREF_HOT, LL_XREF_ONCE } LlXrefKind;

/* A reference from this file into a relative module: a call of an imported function, or an
 * imported function handed to a registrar (`app.get('/x', orders.show)`). */
typedef struct {
  LlXrefKind kind;
  char *target;         /* the relative specifier as written, then the members used
                         * ("./lib/templates.renderPage"; specifiers hold dots too: the project splits it) */
  char *why;            /* registrations: "the route handler passed to app.get (line 22)" */
  char *note;           /* the context of the code making it, as a chain ("the route handler … (line 26)") */
  Context ctx;          /* of the calling code: CTX_ONCE for code that runs once after start-up */
  unsigned line, column; /* 1-based, of the reference */
  DiagSteps chain;      /* the calls in other files that gave the calling code its context */
} LlXref;

typedef struct LlSummary {
  Vec(LlExport) exports;
  Vec(LlXref) xrefs;
  Vec(char *) unknown_edges; /* require(expr) / import(expr): "4: require(name)" (line: text) */
} LlSummary;

/* What other files say of one of this file's functions. */
typedef struct LlSeed {
  int64_t func_start;   /* of the text the file's summary was read from */
  char *export_name;    /* the export that denotes the function in that file ("renderPage", "Store#get"):
                         * an editor's text may have moved it since, so the name is what finds it */
  Context ctx;          /* CTX_HOT (recurring), CTX_ONCE, or CTX_STARTUP */
  char *why;            /* "called from server.js:26 in the route handler passed to app.get (line 26)" */
  DiagSteps steps;      /* the call site, then the steps that gave its code its context */
} LlSeed;
typedef Vec(LlSeed) LlSeeds;

/* What an import denotes when the exporting file made it an alias of a Node API: references to
 * `from` ("pkg:./io.loader", as this file's model names it) resolve to `to` ("fs.readFileSync"). */
typedef struct LlAlias {
  char *from, *to;
} LlAlias;
typedef Vec(LlAlias) LlAliases;
void ll_aliases_free(LlAliases *self);

void ll_summary_free(LlSummary *self);
/* Would another file learn the same from both? (func_start offsets included: seeds carry them) */
bool ll_summary_equal(const LlSummary *a, const LlSummary *b);
void ll_seeds_free(LlSeeds *self);
/* Rank of a context as evidence across files: unknown < start-up < once < hot. */
int ll_context_rank(Context c);

#endif
