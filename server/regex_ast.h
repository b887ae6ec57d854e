/* regex_ast.h — private: JavaScript regular-expression AST, character sets and the parser.
 *
 * Ownership: a RegexAst owns its node and set arrays; regex_ast_free() releases them (and accepts a
 * zeroed or half-built AST). Character sets are plain values.
 */
#ifndef LOOPLENS_REGEX_AST_H
#define LOOPLENS_REGEX_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "looplens/redos.h"

/* ---- character sets over code points (or UTF-16 code units without u/v) ---- */

#define REGEX_MAX_CP 0x10FFFFu
#define REGEX_SET_RANGES 16

typedef struct {
  uint32_t lo, hi;
} RegexRange;

/* ASCII exactly, as a bitmap; the rest as at most REGEX_SET_RANGES sorted, disjoint, non-adjacent
 * ranges. When an operation would need more ranges, the closest ones are merged: the set then
 * over-approximates, which the analyser tolerates (it only makes overlaps more likely). */
typedef struct {
  uint64_t ascii[2];
  uint32_t nranges;
  RegexRange r[REGEX_SET_RANGES];
} RegexSet;

void regex_set_clear(RegexSet *self);
void regex_set_fill(RegexSet *self);
void regex_set_add_range(RegexSet *self, uint32_t lo, uint32_t hi);
void regex_set_add(RegexSet *self, uint32_t cp);
void regex_set_union(RegexSet *self, const RegexSet *other);
void regex_set_intersect(RegexSet *self, const RegexSet *other);
void regex_set_subtract(RegexSet *self, const RegexSet *other);
void regex_set_invert(RegexSet *self);
bool regex_set_has(const RegexSet *self, uint32_t cp);
bool regex_set_is_empty(const RegexSet *self);
bool regex_set_is_full(const RegexSet *self);
bool regex_set_overlaps(const RegexSet *a, const RegexSet *b);
bool regex_set_equal(const RegexSet *a, const RegexSet *b);
bool regex_set_subset(const RegexSet *a, const RegexSet *b);
/* Adds the other ASCII case of every ASCII letter (the `i` flag; non-ASCII folding is not modelled). */
void regex_set_fold_case(RegexSet *self);

/* Named sets: \d \s \w, `.` (dot_all selects [^]), line terminators. */
void regex_set_digit(RegexSet *self);
void regex_set_space(RegexSet *self);
void regex_set_word(RegexSet *self);
void regex_set_dot(RegexSet *self, bool dot_all);
void regex_set_line_terminator(RegexSet *self);

/* ---- flags ---- */

enum {
  REGEX_FLAG_D = 1u << 0,
  REGEX_FLAG_G = 1u << 1,
  REGEX_FLAG_I = 1u << 2,
  REGEX_FLAG_M = 1u << 3,
  REGEX_FLAG_S = 1u << 4,
  REGEX_FLAG_U = 1u << 5,
  REGEX_FLAG_V = 1u << 6,
  REGEX_FLAG_Y = 1u << 7,
};

/* 0 on success; -1 (err filled, offset into the flags) for unknown, repeated or conflicting flags. */
int regex_flags_parse(const char *flags, size_t len, unsigned *out, RedosError *err);

/* ---- AST ---- */

#define REGEX_INF UINT32_MAX
#define REGEX_NONE (-1)

typedef enum {
  REGEX_EMPTY,
  REGEX_CHAR,    /* one character: literal `cp` when set == REGEX_NONE, else ast->sets[set] */
  REGEX_SEQ,     /* children in order */
  REGEX_ALT,     /* children are the alternatives */
  REGEX_GROUP,   /* one child; index = capture number, 0 when non-capturing */
  REGEX_REPEAT,  /* one child; min..max (max may be REGEX_INF), greedy */
  REGEX_BOL,     /* ^ */
  REGEX_EOL,     /* $ */
  REGEX_WORDB,   /* \b */
  REGEX_NWORDB,  /* \B */
  REGEX_LOOK,    /* one child; behind, negate */
  REGEX_BACKREF, /* index = capture number */
} RegexKind;

typedef struct {
  uint8_t kind; /* RegexKind */
  uint8_t greedy, behind, negate;
  uint32_t offset, length; /* source span, bytes */
  int32_t child, next;     /* first child and next sibling, REGEX_NONE when absent */
  uint32_t min, max;
  uint32_t index;
  uint32_t cp;
  int32_t set;
} RegexNode;

typedef struct {
  RegexNode *nodes;
  uint32_t count, cap;
  RegexSet *sets;
  uint32_t set_count, set_cap;
  int32_t root;
  uint32_t group_count;
  int32_t *groups; /* capture number -> REGEX_GROUP node; [0] unused */
  unsigned flags;
} RegexAst;

/**
 * Parse `src` (UTF-8) as a JavaScript pattern under `flags` (REGEX_FLAG_*).
 * Returns 0 with `ast` filled; -1 on a syntax error (err filled); 1 when the pattern cannot be analysed
 * (nesting too deep, out of memory) with the reason in err->message. The AST is freed on failure.
 */
int regex_parse(const char *src, size_t len, unsigned flags, RegexAst *ast, RedosError *err);
void regex_ast_free(RegexAst *ast);

/* Maximum group / class nesting the recursive-descent parser accepts before giving up. */
#define REGEX_MAX_DEPTH 200

#endif /* LOOPLENS_REGEX_AST_H */
