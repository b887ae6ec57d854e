/* strbuf.h: an append-only, always NUL-terminated byte string.
 * The StrBuf owns its buffer until strbuf_steal hands it to the caller. */
#ifndef LOOPLENS_STRBUF_H
#define LOOPLENS_STRBUF_H
#include <stddef.h>
#include <stdarg.h>

typedef struct { char *s; size_t len, cap; } StrBuf;

void strbuf_append(StrBuf *self, const char *s, size_t n);
void strbuf_puts(StrBuf *self, const char *s);
void strbuf_putc(StrBuf *self, char c);
void strbuf_printf(StrBuf *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(StrBuf *self, const char *fmt, va_list ap);
const char *strbuf_cstr(StrBuf *self); /* "" for an empty buffer */
char *strbuf_steal(StrBuf *self);      /* caller frees; the StrBuf is left empty */
void strbuf_clear(StrBuf *self);
void strbuf_free(StrBuf *self);
char *ll_strdup(const char *s);          /* abort on OOM */
char *ll_strndup(const char *s, size_t n);

#endif
