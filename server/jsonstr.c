/* jsonstr.c: see jsonstr.h. */
#include "jsonstr.h"
#include "looplens/fileio.h"
#include "looplens/strbuf.h"
#include <string.h>

json_t *json_str_lossy(const char *s) {
  if (!s) return json_null();
  size_t n = strlen(s);
  if (text_utf8_invalid_at(s, n) == (size_t)-1) return json_stringn(s, n);
  StrBuf b = {0};
  for (size_t i = 0; i < n;) {
    size_t bad = text_utf8_invalid_at(s + i, n - i);
    if (bad == (size_t)-1) bad = n - i;
    strbuf_append(&b, s + i, bad);
    i += bad;
    if (i < n) strbuf_puts(&b, "\xEF\xBF\xBD"), i++;
  }
  json_t *j = json_stringn(b.s, b.len);
  strbuf_free(&b);
  return j;
}
