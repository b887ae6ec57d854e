/* termsafe.c: escaping of control and reordering characters for terminal output. */
#include "termsafe.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the UTF-8 sequence at s (1 for a byte that starts none) and its code point, or
 * (unsigned)-1 when the byte is not valid UTF-8. */
static size_t termsafe__decode(const unsigned char *s, size_t n, unsigned *cp) {
  unsigned c = s[0];
  size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (!len || len > n) return *cp = (unsigned)-1, 1;
  unsigned v = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; k++) {
    if ((s[k] & 0xC0) != 0x80) return *cp = (unsigned)-1, 1;
    v = (v << 6) | (s[k] & 0x3F);
  }
  if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF))) return *cp = (unsigned)-1, 1;
  *cp = v;
  return len;
}

/* The escape for the character at s, written to out (NUL-terminated), or 0 when it prints as is. */
static size_t termsafe__escape(const unsigned char *s, size_t n, size_t *used, char out[12]) {
  unsigned cp;
  *used = termsafe__decode(s, n, &cp);
  if (cp == (unsigned)-1) return (size_t)snprintf(out, 12, "\\x%02x", s[0]);
  if ((cp < 0x20 && cp != '\t') || cp == 0x7F) return (size_t)snprintf(out, 12, "\\x%02x", cp);
  if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
    return (size_t)snprintf(out, 12, "\\u%04x", cp);
  return 0;
}

void termsafe_append(StrBuf *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t plain = 0; /* bytes already known to print as they are */
  for (size_t i = 0; i < n;) {
    char esc[12];
    size_t used, el = termsafe__escape(p + i, n - i, &used, esc);
    if (!el) {
      i += used;
      continue;
    }
    strbuf_append(b, s + plain, i - plain);
    strbuf_append(b, esc, el);
    i += used;
    plain = i;
  }
  strbuf_append(b, s + plain, n - plain);
}

const char *termsafe_str(TermSafe *self, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s);
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  for (; i < n; i++)
    if (p[i] < 0x20 || p[i] >= 0x7F) break;
  if (i == n) return s; /* printable ASCII: the common case costs one scan */
  StrBuf b = {0};
  termsafe_append(&b, s, n);
  char *out = strbuf_steal(&b);
  vec_push(&self->owned, out);
  return out;
}

size_t termsafe_width(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t w = 0;
  for (size_t i = 0; i < n;) {
    char esc[12];
    size_t used, el = termsafe__escape(p + i, n - i, &used, esc);
    w += el ? el : 1;
    i += used;
  }
  return w;
}

void termsafe_free(TermSafe *self) {
  for (size_t i = 0; i < self->owned.len; i++) free(self->owned.items[i]);
  vec_free(&self->owned);
}
