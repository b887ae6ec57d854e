/* strbuf.c: growable strings and vectors; allocation failure aborts (see vec.h). */
#include "looplens/strbuf.h"
#include "looplens/vec.h"
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *strbuf__oom(void) {
  fputs("looplens: out of memory\n", stderr);
  abort();
}

void vec__reserve(void **items, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return;
  size_t ncap = *cap ? *cap : 8;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2 / size) strbuf__oom();
    ncap *= 2;
  }
  void *p = realloc(*items, ncap * size);
  if (!p) strbuf__oom();
  *items = p;
  *cap = ncap;
}

void strbuf_append(StrBuf *self, const char *s, size_t n) {
  if (n >= SIZE_MAX - self->len - 1) strbuf__oom();
  if (self->len + n + 1 > self->cap) vec__reserve((void **)&self->s, &self->cap, self->len + n + 1, 1);
  if (n) memcpy(self->s + self->len, s, n);
  self->len += n;
  self->s[self->len] = '\0';
}

void strbuf_puts(StrBuf *self, const char *s) { strbuf_append(self, s, strlen(s)); }
void strbuf_putc(StrBuf *self, char c) { strbuf_append(self, &c, 1); }

void strbuf_vprintf(StrBuf *self, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  vec__reserve((void **)&self->s, &self->cap, self->len + (size_t)n + 1, 1);
  vsnprintf(self->s + self->len, (size_t)n + 1, fmt, ap);
  self->len += (size_t)n;
}

void strbuf_printf(StrBuf *self, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(self, fmt, ap);
  va_end(ap);
}

const char *strbuf_cstr(StrBuf *self) { return self->s ? self->s : ""; }

char *strbuf_steal(StrBuf *self) {
  char *s = self->s ? self->s : ll_strdup("");
  self->s = NULL;
  self->len = self->cap = 0;
  return s;
}

void strbuf_clear(StrBuf *self) {
  self->len = 0;
  if (self->s) self->s[0] = '\0';
}

void strbuf_free(StrBuf *self) {
  free(self->s);
  self->s = NULL;
  self->len = self->cap = 0;
}

char *ll_strndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) strbuf__oom();
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *ll_strdup(const char *s) { return ll_strndup(s, strlen(s)); }
