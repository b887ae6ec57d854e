/* engine.h: source text in, diagnostics out. The Engine owns the compiled query of a RuleSet
 * (borrowed; it must outlive the Engine) and is shared read-only between threads; an Analyzer is
 * one thread's parser and cursor. Nothing here prints. */
#ifndef LOOPLENS_ENGINE_H
#define LOOPLENS_ENGINE_H
#include <stddef.h>
#include "looplens/config.h"
#include "looplens/diag.h"
#include "looplens/rule.h"
#include "looplens/summary.h"

typedef struct Engine Engine;
typedef struct Analyzer Analyzer;

/* Compiles every rule's query into one; NULL with err naming the rule file and offset. */
Engine *engine_new(const RuleSet *rules, LlError *err);
void engine_free(Engine *self);
const RuleSet *engine_rules(const Engine *self);
/* Checks one rule's query on its own (for `looplens rules --check` and pack loading errors). */
int engine_check_rule(const struct Rule *rule, LlError *err);

typedef struct {
  size_t too_many_tokens;     /* not parsed: the text has at least this many tokens, over the limit */
  size_t tree_too_big;        /* not analysed: its syntax tree passed this many bytes, the limit */
  int syntax_errors;          /* ERROR/MISSING nodes tree-sitter recovered from */
  LlPoint first_error;        /* where the first one starts */
  int suppressed;             /* findings silenced by looplens-ignore comments */
  double parse_ms, analyse_ms;
} AnalyzeInfo;

Analyzer *analyzer_new(const Engine *engine);
void analyzer_free(Analyzer *self);
/* Memory is bounded for any text. A syntax tree costs 100 to 250 bytes a node, whatever the text's
 * size in bytes (4 MiB of `f(1);` made 6.7 million nodes and 920 MB), and deep shapes cost more per
 * token than flat ones. Two limits, each reported in AnalyzeInfo instead of findings:
 * - a text with more tokens than max_tokens is not parsed at all (a token is a run of word
 *   characters or any other non-space byte: a cheap, context-free upper bound; no text of fewer
 *   bytes than the limit is even scanned);
 * - a parse is stopped when tree-sitter holds more than parse_bytes for it (counted exactly,
 *   engine_alloc.c). bench/memory.py measures both on every shape it knows. */
#define ENGINE_DEFAULT_MAX_TOKENS 1500000
#define ENGINE_DEFAULT_PARSE_BYTES (144u << 20)
void analyzer_set_limits(Analyzer *self, size_t max_tokens, size_t parse_bytes);
/* Appends the findings for `src` to `out` (sorted by position). Never fails on any input. */
void analyzer_run(Analyzer *self, const Config *cfg, const char *src, size_t len, DiagList *out, AnalyzeInfo *info);

/* The same for one file of a project: seeds (may be NULL) are the contexts other files give its
 * functions, aliases (may be NULL) its imports that other files made Node APIs under other names
 * (project.h computes both); summary, when not NULL, receives what other files may know of this one. */
void analyzer_run_project(Analyzer *self, const Config *cfg, const char *src, size_t len, const LlSeeds *seeds,
                          const LlAliases *aliases, DiagList *out, AnalyzeInfo *info, LlSummary *summary);

/* A document kept open (the language server): it owns its last syntax tree, so a change is
 * reparsed incrementally. Describe each text edit with engine_doc_edit before analysing the new
 * text; engine_doc_reset after a whole-text replacement. */
typedef struct EngineDoc EngineDoc;
typedef struct {
  uint32_t start_byte, old_end_byte, new_end_byte;
  LlPoint start, old_end, new_end; /* rows break at newline characters only; columns in bytes */
} EngineEdit;

EngineDoc *engine_doc_new(void);
/* How this document's changes were checked: only the edited statements, or the whole file. */
typedef struct {
  unsigned long region, whole;
  const char *fallback; /* why the last change was checked whole (static text), NULL if by region */
} EngineRegionStats;
EngineRegionStats engine_doc_stats(const EngineDoc *self);
/* Re-check only the edited statements when that provably gives the whole-file answer (off for a new
 * document; the language server turns it on; tests/unit/test_region.c proves it, see docs/lsp.md). */
void engine_doc_set_region_check(EngineDoc *self, int on);
/* Is the syntax tree that of the text last analysed (no region-only check since)? Fixes need it. */
int engine_doc_current(const EngineDoc *self);
/* Makes the next analysis of the document cover the whole file (for fixes, hover, a save). */
void engine_doc_settle(EngineDoc *self);
void engine_doc_free(EngineDoc *self);
void engine_doc_edit(EngineDoc *self, const EngineEdit *edit);
void engine_doc_reset(EngineDoc *self);
/* Does the document hold a syntax tree (to reparse incrementally and compute fixes from)? */
int engine_doc_has_tree(const EngineDoc *self);
/* With region checks on, each analysis of a text that parses keeps its model, text and findings
 * (the base) for the next change. Holding one? Dropping it makes the next change a whole check. */
int engine_doc_has_base(const EngineDoc *self);
void engine_doc_drop_base(EngineDoc *self);
/* A mechanical fix for a finding: replace [start_byte, end_byte) of the analysed text with `text`.
 * An EngineFixList owns its titles and texts. */
typedef struct {
  char *title;
  uint32_t start_byte, end_byte;
  char *text;
} EngineFix;
typedef Vec(EngineFix) EngineFixList;

/* The safe fixes for `d` (found in the document's last analysed text `src`), if any. */
void engine_doc_fixes(const EngineDoc *doc, const char *src, size_t len, const Diag *d, EngineFixList *out);
void engine_fix_list_free(EngineFixList *self);
/* Would replacing [start, end) of the document's analysed text `src` with `text[0, n)` keep the
 * code as it was meant? NULL when it would; else why not (static text): an edge of the edit lies
 * inside a string, template, regex, comment or JSX text; the edited text reparses with more
 * syntax errors; or it puts an `await` outside the body of an async function. */
const char *engine_doc_fix_refused(Analyzer *an, const EngineDoc *doc, const char *src, size_t len, uint32_t start,
                                   uint32_t end, const char *text, size_t n);

/* Reparses the document's new text (reusing the old tree) and appends its findings to `out`. */
void analyzer_run_doc(Analyzer *self, const Config *cfg, EngineDoc *doc, const char *src, size_t len, DiagList *out,
                      AnalyzeInfo *info);
/* The same for a document of a project (seeds and aliases as analyzer_run_project; may be NULL). A
 * seeded document is checked whole: a region re-check knows nothing of other files. */
void analyzer_run_doc_project(Analyzer *self, const Config *cfg, EngineDoc *doc, const char *src, size_t len,
                              const LlSeeds *seeds, const LlAliases *aliases, DiagList *out, AnalyzeInfo *info);

#endif
