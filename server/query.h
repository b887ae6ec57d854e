/* query.h: all rules' patterns compiled into one TSQuery, with each pattern's predicates
 * pre-parsed (regexes compiled once). A CompiledQuery is immutable after query_compile and shared
 * between threads; it owns the TSQuery and the predicates, and borrows the rules. */
#ifndef LOOPLENS_QUERY_H
#define LOOPLENS_QUERY_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <tree_sitter/api.h>
#include "looplens/redos.h"
#include "looplens/rule.h"
#include "sem.h"

typedef struct Match Match;
typedef struct Pred Pred;
typedef struct PredMemo PredMemo;
typedef bool (*PredFn)(const Pred *p, Match *m);

struct Pred {
  const char *name;
  PredFn fn;
  bool negate;
  bool region_safe;        /* answerable by a region model (sem.h SemOuter) without the rest of the file */
  Vec(int) captures;       /* capture ids among the arguments, in order */
  Vec(char *) strings;     /* string arguments, in order (owned) */
  pcre2_code *re;          /* compiled first string argument, for the regex predicates */
};

typedef struct {
  const Rule *rule;
  Vec(Pred) preds;
  int report;              /* capture id reported: @report if present, else the first capture */
} PatternInfo;

typedef struct {
  TSQuery *query;
  Vec(PatternInfo) patterns;
  uint32_t capture_count;
  /* The node types every pattern starts at (indexed by symbol), so the engine can run the query
   * only at those nodes instead of walking the whole tree a second time; any_root when some
   * pattern may start anywhere (a wildcard, a supertype, a sibling sequence). */
  uint8_t *roots;
  uint32_t symbol_count;
  bool any_root;
} CompiledQuery;

/* The state predicates see for one match; semantic predicates may fill the message variables. */
struct Match {
  Sem *sem;
  const TSQueryMatch *qm;
  const CompiledQuery *cq;
  pcre2_match_data *md;
  PredMemo *memo;          /* answers kept across matches, may be NULL */
  const char *resolved;    /* {resolved}: what the last resolves-to? resolved to (owned by the Sem) */
  char *detail;            /* {detail}: set by semantic predicates (owned) */
  TSNode anchor;           /* when set, the node to report instead of the @report capture */
  int demote;              /* severity levels to drop (e.g. self-rescheduling behind a condition) */
};

/* What predicates remember between matches: the ReDoS verdict of each distinct regex, a pure
 * function of pattern and flags, so an analyzer keeps one memo across documents (bounded). Owned by
 * whoever runs the query; free accepts NULL. */
PredMemo *pred_memo_new(void);
void pred_memo_free(PredMemo *self);
/* redos_check(pattern, flags) answered once per distinct pair (self may be NULL: no memo). */
int pred_memo_redos(PredMemo *self, const char *pattern, const char *flags, RedosResult *out);

/* Semantic predicates of the rule families (pred_*.c), listed in pred.c's table. */
bool pred_reschedules_self(const Pred *p, Match *m);
bool pred_async_self_chain(const Pred *p, Match *m);
bool pred_in_unbounded_loop(const Pred *p, Match *m);
bool pred_async_spin_loop(const Pred *p, Match *m);
bool pred_grows_unbounded(const Pred *p, Match *m);
bool pred_leaks_listener(const Pred *p, Match *m);
bool pred_unlimited_listeners(const Pred *p, Match *m);
bool pred_interval_never_cleared(const Pred *p, Match *m);

/* Helpers shared by the predicate files. */
TSNode pred_arg(TSNode call, uint32_t i);          /* i-th argument of a call, null if absent */
uint32_t pred_arg_count(TSNode call);
bool pred_inside(TSNode inner, TSNode outer);      /* byte-range containment */
void pred_set_detail(Match *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text of a node for a message: first line, at most 50 bytes, owned. */
char *pred_snippet(const Sem *sem, TSNode n);

int query_compile(CompiledQuery *out, Rule *const *rules, size_t n, LlError *err);
void query_free(CompiledQuery *self);
/* The first node captured with `id` in the match; a null node when none. */
TSNode match_capture(const Match *m, int id);
/* Runs the pattern's predicates; true when all hold. */
bool query_predicates_hold(const PatternInfo *pi, Match *m);

/* The predicate table (pred.c). */
/* region_safe: the predicate looks only at the matched node, its descendants and what sem.h answers
 * for a region model, and calls sem_region_refuse() itself at the point where it must look further
 * (the call graph, a whole-file scan); the others make a region model give up on any match. */
typedef struct { const char *name; PredFn fn; int min_captures, min_strings; bool regex, region_safe; } PredDef;
const PredDef *pred_lookup(const char *name);

#endif
