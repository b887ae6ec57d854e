/* pred_memo.c: what predicates remember between matches. A file that applies one regex at 300
 * call sites has it analysed once, not 300 times (a complex one takes about 0.2 s), and so does
 * the language server on every keystroke after the first. */
#include "query.h"
#include "looplens/redos.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *key; /* flags, NUL, pattern (owned); NULL for an empty slot */
  size_t key_len;
  int rc;    /* what redos_check returned */
  RedosResult result;
} MemoRegex;

struct PredMemo {
  MemoRegex *regexes; /* open addressing, at most half full */
  size_t cap, len;
};

enum { MEMO_MAX_REGEXES = 4096 }; /* then start again: a bound on a long-lived server's memory */

PredMemo *pred_memo_new(void) {
  PredMemo *self = calloc(1, sizeof *self);
  if (!self) abort();
  return self;
}

static void memo__clear(PredMemo *self) {
  for (size_t i = 0; i < self->cap; i++) free(self->regexes[i].key);
  free(self->regexes);
  self->regexes = NULL, self->cap = self->len = 0;
}

void pred_memo_free(PredMemo *self) {
  if (!self) return;
  memo__clear(self);
  free(self);
}

static size_t memo__hash(const char *key, size_t len) {
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)key[i]) * 0x100000001b3ull;
  return (size_t)(h ^ (h >> 32));
}

static MemoRegex *memo__find(MemoRegex *slots, size_t cap, const char *key, size_t len) {
  for (size_t i = memo__hash(key, len) & (cap - 1);; i = (i + 1) & (cap - 1))
    if (!slots[i].key || (slots[i].key_len == len && !memcmp(slots[i].key, key, len))) return &slots[i];
}

static void memo__grow(PredMemo *self) {
  size_t cap = self->cap ? 2 * self->cap : 16;
  MemoRegex *slots = calloc(cap, sizeof *slots);
  if (!slots) abort();
  for (size_t i = 0; i < self->cap; i++)
    if (self->regexes[i].key) *memo__find(slots, cap, self->regexes[i].key, self->regexes[i].key_len) = self->regexes[i];
  free(self->regexes);
  self->regexes = slots, self->cap = cap;
}

int pred_memo_redos(PredMemo *self, const char *pattern, const char *flags, RedosResult *out) {
  size_t np = strlen(pattern), nf = strlen(flags);
  if (!self) return redos_check(pattern, np, flags, nf, out, NULL);
  if (self->len >= MEMO_MAX_REGEXES) memo__clear(self);
  if (2 * (self->len + 1) > self->cap) memo__grow(self);
  char *key = malloc(nf + 1 + np);
  if (!key) abort();
  memcpy(key, flags, nf + 1);
  memcpy(key + nf + 1, pattern, np);
  MemoRegex *slot = memo__find(self->regexes, self->cap, key, nf + 1 + np);
  if (slot->key) {
    free(key);
  } else {
    slot->key = key, slot->key_len = nf + 1 + np;
    slot->rc = redos_check(pattern, np, flags, nf, &slot->result, NULL);
    self->len++;
  }
  *out = slot->result;
  return slot->rc;
}
