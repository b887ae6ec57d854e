/* diag.h: the one type that crosses from the engine to the front doors.
 * A DiagList owns its diagnostics and their messages; rules are borrowed from the RuleSet,
 * which must outlive the list. Positions are byte offsets plus 0-based (row, byte column). */
#ifndef LOOPLENS_DIAG_H
#define LOOPLENS_DIAG_H
#include <stdint.h>
#include <stddef.h>
#include "looplens/vec.h"

typedef enum { SEV_OFF = 0, SEV_INFO = 1, SEV_WARNING = 2, SEV_ERROR = 3 } Severity;

/* Where the flagged code runs. Ordered: a larger value is hotter.
 * CTX_ONCE: after start-up, while the server may be serving, but one time (a setTimeout or .then
 * callback registered at start-up); CTX_HOT: again and again (per request, event or tick). */
typedef enum { CTX_STARTUP = 0, CTX_UNKNOWN = 1, CTX_ONCE = 2, CTX_HOT = 3 } Context;
#define CTX_COUNT 4

typedef struct { uint32_t row, column; } LlPoint;

struct Rule;

/* A step of the way to the code that makes a finding's code run where it does, in another file:
 * "called here, in the route handler passed to app.get" at server.js:26:5 (1-based). */
typedef struct {
  char *file; /* owned; as the front door names files (relative to the working folder) */
  uint32_t line, column;
  char *message; /* owned */
} DiagStep;
typedef Vec(DiagStep) DiagSteps;

void diag_steps_copy(DiagSteps *dst, const DiagSteps *src); /* appends deep copies */
void diag_steps_free(DiagSteps *self);

typedef struct {
  const struct Rule *rule;
  Severity severity;
  Context context;
  uint32_t start_byte, end_byte;
  LlPoint start, end;
  char *message; /* owned */
  char *context_note; /* owned, may be NULL: why the code counts as hot / start-up */
  DiagSteps related;  /* owned: the calls in other files that make it so, nearest first */
} Diag;

typedef Vec(Diag) DiagList;

void diag_list_clear(DiagList *self);
void diag_list_free(DiagList *self);
void diag_list_sort(DiagList *self); /* by position, then rule id */

const char *severity_name(Severity s);
int severity_parse(const char *s, Severity *out); /* 0 ok, -1 unknown name */
const char *context_name(Context c);

#endif
