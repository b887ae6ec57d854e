/* engine.h: source text in, diagnostics out. The Engine owns the compiled query of a RuleSet
 * (borrowed; it must outlive the Engine) and is shared read-only between threads; an Analyzer is
 * one thread's parser and cursor. Nothing here prints. */
#ifndef LOOPLENS_ENGINE_H
#define LOOPLENS_ENGINE_H
#include <stddef.h>
#include "looplens/config.h"
#include "looplens/diag.h"
#include "looplens/rule.h"

typedef struct Engine Engine;
typedef struct Analyzer Analyzer;

/* Compiles every rule's query into one; NULL with err naming the rule file and offset. */
Engine *engine_new(const RuleSet *rules, LlError *err);
void engine_free(Engine *self);
const RuleSet *engine_rules(const Engine *self);
/* Checks one rule's query on its own (for `looplens rules --check` and pack loading errors). */
int engine_check_rule(const struct Rule *rule, LlError *err);

typedef struct {
  int syntax_errors;          /* ERROR/MISSING nodes tree-sitter recovered from */
  LlPoint first_error;        /* where the first one starts */
  int suppressed;             /* findings silenced by looplens-ignore comments */
  double parse_ms, analyse_ms;
} AnalyzeInfo;

Analyzer *analyzer_new(const Engine *engine);
void analyzer_free(Analyzer *self);
/* Appends the findings for `src` to `out` (sorted by position). Never fails on any input. */
void analyzer_run(Analyzer *self, const Config *cfg, const char *src, size_t len, DiagList *out, AnalyzeInfo *info);

#endif
