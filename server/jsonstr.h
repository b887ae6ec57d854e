/* jsonstr.h: JSON strings from bytes that may not be UTF-8 (paths, source snippets); jansson
 * refuses invalid UTF-8, so invalid bytes become U+FFFD. Returns a new reference. */
#ifndef LOOPLENS_JSONSTR_H
#define LOOPLENS_JSONSTR_H
#include <jansson.h>

json_t *json_str_lossy(const char *s);

#endif
