/* out_fingerprint.c: fingerprints that follow a finding across commits (see out.h). */
#include "out.h"
#include "looplens/strbuf.h"
#include <xxhash.h>

typedef struct {
  XXH128_hash_t key; /* rule, path and flagged code */
  size_t index;      /* the diagnostic's place in the file */
} OutFpKey;

static int out__fp_cmp(const void *a, const void *b) {
  const OutFpKey *x = a, *y = b;
  int c = XXH128_cmp(&x->key, &y->key);
  return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* "v1", rule id, path and the flagged code without white space, NUL-separated; the message
 * stands in for the code when the text was not kept. */
static void out__fp_text(const FileResult *f, const Diag *d, StrBuf *b) {
  strbuf_append(b, "v1", 3);
  strbuf_append(b, d->rule->id, strlen(d->rule->id) + 1);
  strbuf_append(b, f->path, strlen(f->path) + 1);
  if (!f->src || d->end_byte > f->len || d->start_byte > d->end_byte) {
    strbuf_puts(b, d->message);
    return;
  }
  for (uint32_t i = d->start_byte; i < d->end_byte; i++)
    if (!strchr(" \t\r\n\v\f", f->src[i])) strbuf_putc(b, f->src[i]);
}

void out_fingerprints(const FileResult *f, OutFingerprint *out) {
  size_t n = f->diags.len;
  OutFpKey *keys = calloc(n + 1, sizeof *keys);
  if (!keys) abort();
  StrBuf b = {0};
  for (size_t k = 0; k < n; k++) {
    strbuf_clear(&b);
    out__fp_text(f, &f->diags.items[k], &b);
    keys[k] = (OutFpKey){XXH3_128bits(b.s, b.len), k};
  }
  /* the same rule on the same code twice in a file: told apart by their order in it */
  qsort(keys, n, sizeof *keys, out__fp_cmp);
  for (size_t k = 0, occurrence = 0; k < n; k++) {
    occurrence = k && !XXH128_cmp(&keys[k].key, &keys[k - 1].key) ? occurrence + 1 : 0;
    XXH128_canonical_t key, c; /* canonical (big-endian) bytes: the same on every machine */
    XXH128_canonicalFromHash(&key, keys[k].key);
    XXH128_canonicalFromHash(&c, XXH3_128bits_withSeed(&key, sizeof key, occurrence));
    for (size_t i = 0; i < sizeof c.digest; i++) snprintf(out[keys[k].index].hex + 2 * i, 3, "%02x", c.digest[i]);
  }
  strbuf_free(&b);
  free(keys);
}
