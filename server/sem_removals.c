/* sem_removals.c: what the file takes away again. Listener removals (off / removeListener /
 * removeEventListener / removeAllListeners) and interval clears (clearInterval), keyed by the text
 * of the emitter, event, handler and handle. Built on first use, so that each listener or interval
 * asks a hash table instead of scanning every call of the file (2,500 route handlers each adding
 * one took 30 s). */
#include "sem_private.h"
#include "syms.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *key; /* a tag, then each part's length and bytes (owned); NULL for an empty slot */
  size_t len;
} RemovalKey;

struct SemRemovals {
  RemovalKey *slots; /* open addressing, at most half full */
  size_t cap, count;
};

static size_t removals__hash(const char *key, size_t len) {
  uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)key[i]) * 0x100000001b3ull;
  return (size_t)(h ^ (h >> 32));
}

static RemovalKey *removals__find(RemovalKey *slots, size_t cap, const char *key, size_t len) {
  for (size_t i = removals__hash(key, len) & (cap - 1);; i = (i + 1) & (cap - 1))
    if (!slots[i].key || (slots[i].len == len && !memcmp(slots[i].key, key, len))) return &slots[i];
}

static void removals__grow(struct SemRemovals *r) {
  size_t cap = r->cap ? 2 * r->cap : 16;
  RemovalKey *slots = calloc(cap, sizeof *slots);
  if (!slots) abort();
  for (size_t i = 0; i < r->cap; i++)
    if (r->slots[i].key) *removals__find(slots, cap, r->slots[i].key, r->slots[i].len) = r->slots[i];
  free(r->slots);
  r->slots = slots, r->cap = cap;
}

static TSNode removals__arg(TSNode call, uint32_t i) {
  TSNode args = node_field(call, F_arguments);
  return ts_node_is_null(args) || i >= ts_node_named_child_count(args) ? (TSNode){0} : ts_node_named_child(args, i);
}

/* The key for tag and the texts of a and b (b may be a null node: no part). */
static void removals__key(const Sem *self, char tag, TSNode a, TSNode b, StrBuf *out) {
  strbuf_clear(out);
  strbuf_putc(out, tag);
  TSNode parts[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    if (ts_node_is_null(parts[i])) continue;
    uint32_t s = ts_node_start_byte(parts[i]), e = ts_node_end_byte(parts[i]);
    uint32_t n = e - s;
    strbuf_append(out, (const char *)&n, sizeof n);
    strbuf_append(out, self->src + s, n);
  }
}

static void removals__add(struct SemRemovals *r, const StrBuf *key) {
  if (2 * (r->count + 1) > r->cap) removals__grow(r);
  RemovalKey *slot = removals__find(r->slots, r->cap, key->s, key->len);
  if (slot->key) return;
  slot->key = malloc(key->len ? key->len : 1);
  if (!slot->key) abort();
  memcpy(slot->key, key->s, key->len);
  slot->len = key->len;
  r->count++;
}

static bool removals__has(const struct SemRemovals *r, const StrBuf *key) {
  return r->cap && removals__find(r->slots, r->cap, key->s, key->len)->key;
}

/* Keys: 'A' emitter (every listener removed), 'E' emitter event, 'H' emitter handler, 'C' handle. */
static void removals__build(Sem *self) {
  struct SemRemovals *r = calloc(1, sizeof *r);
  if (!r) abort();
  self->removals = r;
  StrBuf key = {0};
  for (size_t i = 0; i < self->calls.len; i++) {
    TSNode c = self->calls.items[i];
    TSNode fn = node_field(c, F_function);
    if (!ts_node_is_null(fn) && node_is(fn, S_member_expression)) {
      TSNode prop = node_field(fn, F_property), emitter = node_field(fn, F_object);
      if (ts_node_is_null(emitter)) continue;
      if (sem_node_is(self, prop, "removeAllListeners")) {
        if (ts_node_is_null(removals__arg(c, 0))) removals__key(self, 'A', emitter, (TSNode){0}, &key);
        else removals__key(self, 'E', emitter, removals__arg(c, 0), &key);
        removals__add(r, &key);
      } else if ((sem_node_is(self, prop, "off") || sem_node_is(self, prop, "removeListener") ||
                  sem_node_is(self, prop, "removeEventListener")) && !ts_node_is_null(removals__arg(c, 1))) {
        removals__key(self, 'H', emitter, removals__arg(c, 1), &key);
        removals__add(r, &key);
      }
    }
    const char *path = sem_resolve_callee_ref(self, c);
    if (path && !strcmp(path, "clearInterval") && !ts_node_is_null(removals__arg(c, 0))) {
      removals__key(self, 'C', removals__arg(c, 0), (TSNode){0}, &key);
      removals__add(r, &key);
    }
  }
  strbuf_free(&key);
}

void sem__removals_free(Sem *self) {
  struct SemRemovals *r = self->removals;
  if (!r) return;
  for (size_t i = 0; i < r->cap; i++) free(r->slots[i].key);
  free(r->slots);
  free(r);
  self->removals = NULL;
}

bool sem_listener_removed(Sem *self, TSNode emitter, TSNode event, TSNode handler) {
  if (ts_node_is_null(emitter)) return false;
  if (!self->removals) removals__build(self);
  StrBuf key = {0};
  removals__key(self, 'A', emitter, (TSNode){0}, &key);
  bool removed = removals__has(self->removals, &key);
  if (!removed && !ts_node_is_null(event)) {
    removals__key(self, 'E', emitter, event, &key);
    removed = removals__has(self->removals, &key);
  }
  if (!removed && !ts_node_is_null(handler) && !sem_is_function_node(handler)) {
    removals__key(self, 'H', emitter, handler, &key);
    removed = removals__has(self->removals, &key);
  }
  strbuf_free(&key);
  return removed;
}

bool sem_interval_cleared(Sem *self, TSNode handle) {
  if (ts_node_is_null(handle)) return false;
  if (!self->removals) removals__build(self);
  StrBuf key = {0};
  removals__key(self, 'C', handle, (TSNode){0}, &key);
  bool cleared = removals__has(self->removals, &key);
  strbuf_free(&key);
  return cleared;
}
