/* redos.h — exponential-backtracking (ReDoS) analysis of JavaScript regular expressions.
 *
 * Ownership: nothing is allocated for the caller; results and errors are written into caller-owned structs.
 *
 * The analyser parses the pattern with the ECMAScript 2024 grammar (Annex B leniency without `u`/`v`),
 * builds a Thompson NFA and looks for an unbounded repetition whose body can match the same text in two
 * different ways (exponential degree of ambiguity), then checks that a suffix exists which makes the
 * match fail — only then does a backtracking engine such as V8's Irregexp explore every split.
 */
#ifndef LOOPLENS_REDOS_H
#define LOOPLENS_REDOS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { REDOS_SAFE = 0, REDOS_EXPONENTIAL = 1 } RedosVerdict;

/* Outcome of a successful analysis.
 * - verdict: REDOS_EXPONENTIAL when an attack string exists.
 * - offset, length: bytes into the pattern of the offending quantified group (0, 0 when safe).
 * - reason: one human sentence naming the construct, or why the pattern is considered safe. */
typedef struct {
  RedosVerdict verdict;
  uint32_t offset, length;
  char reason[200];
} RedosResult;

/* A syntax error: byte offset into the pattern (or into the flags) and V8's wording where it has one. */
typedef struct {
  uint32_t offset;
  char message[160];
} RedosError;

/**
 * Analyse `pattern` (UTF-8, `len` bytes, the RegExp `source` text) compiled with `flags`
 * (any of "dgimsuvy").
 *
 * Returns 0 and fills `out` on success; returns -1 and fills `err` when the pattern or the flags are not
 * valid JavaScript regular-expression syntax. Never crashes, frees everything it allocates, and bounds
 * its work: patterns too deep or too large to analyse come back REDOS_SAFE with a reason starting
 * "too complex to analyse". `err` may be NULL.
 */
int redos_check(const char *pattern, size_t len, const char *flags, size_t flags_len, RedosResult *out,
                RedosError *err);

#ifdef __cplusplus
}
#endif

#endif /* LOOPLENS_REDOS_H */
