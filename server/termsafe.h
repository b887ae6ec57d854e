/* termsafe.h: text from checked files (code, names, paths) made safe to print on a terminal.
 * A file could otherwise set the window title or clear the screen with its own escape sequences:
 * C0 and C1 controls (but tab), DEL, bytes that are not UTF-8, and the bidirectional overrides
 * that reorder what a reader sees are printed as visible escapes (\x1b, \u202e). A TermSafe owns
 * the strings it returns until termsafe_free. */
#ifndef LOOPLENS_TERMSAFE_H
#define LOOPLENS_TERMSAFE_H
#include <stddef.h>
#include "looplens/strbuf.h"
#include "looplens/vec.h"

typedef struct { StrVec owned; } TermSafe;

/* Appends s[0..n) to b, escaped. */
void termsafe_append(StrBuf *b, const char *s, size_t n);
/* s itself when nothing in it needs escaping, else an escaped copy owned by self; NULL stays NULL. */
const char *termsafe_str(TermSafe *self, const char *s);
/* How many terminal columns s[0..n) takes once escaped (one per code point; tabs count one). */
size_t termsafe_width(const char *s, size_t n);
void termsafe_free(TermSafe *self);

#endif
