/* rule.h: rules are data — metadata in rules/<id>.json, the candidate pattern in queries/<id>.scm.
 * A RuleSet owns its rules and every string in them. Built-in rules are embedded at build time;
 * packs load from a directory with the same layout (DIR/rules/<id>.json + DIR/queries/<id>.scm, or both
 * side by side in DIR). */
#ifndef LOOPLENS_RULE_H
#define LOOPLENS_RULE_H
#include <stddef.h>
#include "looplens/diag.h"

typedef struct Rule {
  char *id, *family, *title, *message;
  Severity severity[CTX_COUNT]; /* indexed by Context: what to report at start-up, unknown, once, hot */
  char *mech_stack, *mech_libuv, *mech_microtasks, *mech_phase;
  char *think, *actually, *fix, *chapter, *trap_question, *trap;
  char *query_source; /* the .scm text */
  char *json_path, *query_path; /* where they came from ("<builtin>/..." for embedded) */
  int builtin;
} Rule;

typedef Vec(Rule *) RuleVec;
typedef struct { RuleVec rules; } RuleSet;

/* An error with the file it concerns and a 1-based line/column (0 when unknown). */
typedef struct {
  char path[512];
  int line, column;
  char text[512];
} LlError;

void ll_error_set(LlError *err, const char *path, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

RuleSet *ruleset_new(void);
void ruleset_free(RuleSet *self);
/* Adds the embedded rules. */
int ruleset_add_builtin(RuleSet *self, LlError *err);
/* Adds every rule of a pack directory; on error nothing of the pack is added. */
int ruleset_add_dir(RuleSet *self, const char *dir, LlError *err);
/* Parses one rule from its JSON text and query text; returns NULL with err set. */
Rule *rule_parse(const char *json_text, size_t json_len, const char *json_path,
                 const char *query_text, size_t query_len, const char *query_path, LlError *err);
void rule_free(Rule *self);
const Rule *ruleset_find(const RuleSet *self, const char *id);

#endif
