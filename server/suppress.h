/* suppress.h: `// looplens-ignore-next-line <rule-id>[, <rule-id>] -- reason`,
 * `// looplens-ignore-line …` (same line) and `// looplens-ignore-file …` comments.
 * No rule id means every rule. A Suppressions owns its strings. */
#ifndef LOOPLENS_SUPPRESS_H
#define LOOPLENS_SUPPRESS_H
#include <stdbool.h>
#include <stdint.h>
#include "sem.h"

typedef struct {
  uint32_t row;   /* the row it hides findings on */
  uint32_t at;    /* where the comment starts (byte) */
  bool whole_file;
  char *rules;    /* comma-separated, NULL = all */
} Suppression;
typedef Vec(Suppression) Suppressions;

void suppress_collect(const Sem *sem, Suppressions *out);
bool suppress_hides(const Suppressions *self, const char *rule_id, uint32_t row);
void suppress_free(Suppressions *self);

/* The same question for every finding of an analysis: the row suppressions sorted by row, so each
 * finding looks at its own row's, not at every suppression of the file. Borrows the list, which
 * must not change while the index lives. */
typedef Vec(uint32_t) SuppressRefs;
typedef struct {
  const Suppressions *list;
  SuppressRefs by_row; /* indices into list, by row */
  SuppressRefs whole;  /* indices of the whole-file ones */
} SuppressIndex;
void suppress_index_init(SuppressIndex *self, const Suppressions *list);
bool suppress_index_hides(const SuppressIndex *self, const char *rule_id, uint32_t row);
void suppress_index_free(SuppressIndex *self);

#endif
