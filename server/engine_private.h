/* engine_private.h: what engine.c (whole-file analysis, documents) and engine_region.c (the region
 * re-check of an edited document) share. */
#ifndef LOOPLENS_ENGINE_PRIVATE_H
#define LOOPLENS_ENGINE_PRIVATE_H
#include "looplens/engine.h"
#include "looplens/strbuf.h"
#include "query.h"
#include "sem.h"
#include "suppress.h"

struct Engine {
  const RuleSet *rules;
  CompiledQuery cq;
};

/* engine_alloc.c: tree-sitter's memory, counted per thread (installed once, by engine_new). */
void engine_alloc_install(void);
long long engine_alloc_live(void);

struct Analyzer {
  const Engine *engine;
  size_t max_tokens;  /* texts with more are not parsed (engine.h) */
  size_t parse_bytes; /* a parse whose tree grows past this is stopped (engine.h) */
  long long parse_start; /* engine_alloc_live() when the running parse began */
  TSParser *parser;
  TSQueryCursor *cursor;
  pcre2_match_data *md;
  PredMemo *memo; /* regex verdicts, kept across documents and keystrokes */
};

typedef struct RegionPlan RegionPlan; /* engine_region.c */

struct EngineDoc {
  TSTree *tree; /* the tree of the text last analysed whole, with the edits since applied */
  /* The base: the last whole-file analysis of a text that parsed, kept so that an edit confined to
   * a run of statements is re-checked alone (engine_region.c). The server caps how many keep one. */
  TSTree *base_tree;
  char *base_src;
  size_t base_len;
  Sem *base_sem;
  Suppressions base_sup;
  DiagList base_diags;
  AnalyzeInfo base_info;
  const Config *base_cfg;
  /* the edits since the base as one span: base [span_start, span_old_end) is now [span_start, span_new_end) */
  bool dirty;
  uint32_t span_start, span_old_end, span_new_end;
  /* the base's effects for the region last checked (sorted): the same region on every keystroke */
  StrVec fx_before;
  uint32_t fx_from, fx_to;
  bool fx_known;
  RegionPlan *plan; /* the run around the span, while the span stays (owned) */
  EngineRegionStats stats;
  bool region_check; /* re-check edited statements alone (the language server turns it on) */
};

double engine__ms(void);
/* Runs the query at the model's candidate nodes under root and appends the findings. */
void engine__collect(Analyzer *self, const Config *cfg, Sem *sem, TSNode root, const Suppressions *sup,
                     DiagList *out, AnalyzeInfo *info);
/* Drops repeated (rule, range) findings in out[from..), which must be sorted. */
void engine__dedupe(DiagList *out, size_t from);
/* Appends copies of diags[0..n) to out, their bytes moved by delta. */
void engine__diags_copy(DiagList *out, const Diag *diags, size_t n, int64_t delta);
void engine__first_error(TSNode root, AnalyzeInfo *info);
void engine__strs_clear(StrVec *v);
/* The document's current tree (fix.c reads it). */
TSTree *engine__doc_tree(const EngineDoc *doc);
/* The region re-check (engine_region.c): NULL when `out` got the findings, otherwise why the whole
 * file must be analysed (static text). */
const char *engine__region(Analyzer *self, const Config *cfg, EngineDoc *doc, const char *src, size_t len,
                           DiagList *out, AnalyzeInfo *info);
/* Drops what engine__region kept of the base (with the base). */
void engine__region_forget(EngineDoc *doc);

#endif
