/* lsp_json.c: JSON text jansson would refuse, made usable before it is parsed — lone surrogate
 * escapes repaired, and a message that cannot be parsed (truncated, over the size limit) read
 * far enough to know whose it was. Part of dispatch: it speaks JSON-RPC, not LSP. */
#include "lsp.h"
#include "looplens/strbuf.h"
#include <stdlib.h>
#include <string.h>

/* The value of the 4 hex digits at `p`, or -1. */
static long lsp_json__hex4(const char *p) {
  long v = 0;
  for (int k = 0; k < 4; k++) {
    char c = p[k];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/* The code unit of a `\uXXXX` escape at `s[i]` (i + 6 <= n), or -1. */
static long lsp_json__escape(const char *s, size_t n, size_t i) {
  return i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u' ? lsp_json__hex4(s + i + 2) : -1;
}

/*
 * In valid JSON a backslash occurs only inside strings and always starts an escape, so walking
 * from one backslash to the next, escape by escape, sees exactly the escapes jansson will. A lone
 * surrogate is one UTF-16 code unit in the editor; U+FFFD is one too (and 3 UTF-8 bytes, like
 * the surrogate's WTF-8 form), so every later position in every encoding still lines up.
 */
char *lsp_json_repair_surrogates(const char *s, size_t n, size_t *count) {
  char *copy = NULL;
  *count = 0;
  for (size_t i = 0; i < n;) {
    const char *p = memchr(s + i, '\\', n - i);
    if (!p) break;
    i = (size_t)(p - s);
    long u = lsp_json__escape(s, n, i);
    if (u < 0xD800 || u > 0xDFFF) { /* another escape: its next character is no backslash to see */
      i += 2;
      continue;
    }
    long low = u <= 0xDBFF ? lsp_json__escape(s, n, i + 6) : -1;
    if (low >= 0xDC00 && low <= 0xDFFF) { /* a pair */
      i += 12;
      continue;
    }
    if (!copy && !(copy = malloc(n))) return NULL;
    if (*count == 0) memcpy(copy, s, n);
    memcpy(copy + i + 2, "FFFD", 4);
    ++*count;
    i += 6;
  }
  return copy;
}

/* ---- peeking into a message that cannot be parsed ---- */

/* The end of the string token starting at the quote `s[i]`, past its closing quote; 0 if cut. */
static size_t lsp_json__string_end(const char *s, size_t n, size_t i) {
  for (size_t k = i + 1; k < n; k++) {
    if (s[k] == '\\') k++;
    else if (s[k] == '"') return k + 1;
  }
  return 0;
}

/* The end of a number or literal token starting at `s[i]`; 0 if it may go on past `n`. */
static size_t lsp_json__scalar_end(const char *s, size_t n, size_t i) {
  for (size_t k = i; k < n; k++)
    if (strchr(",]} \t\r\n", s[k])) return k;
  return 0;
}

static bool lsp_json__is(const char *tok, size_t len, const char *key) {
  size_t k = strlen(key);
  return len == k + 2 && !memcmp(tok + 1, key, k);
}

/* Records the scalar `tok` found at the path `keys[1..depth]`, if it is one the peek wants. */
static void lsp_json__take(LspJsonPeek *out, const char *const *keys, const size_t *lens, int depth,
                           const char *tok, size_t len) {
  json_t **slot = NULL;
  if (depth == 1 && lsp_json__is(keys[1], lens[1], "id")) slot = &out->id;
  else if (depth == 1 && lsp_json__is(keys[1], lens[1], "method")) slot = &out->method;
  else if (depth == 3 && lsp_json__is(keys[1], lens[1], "params") && lsp_json__is(keys[2], lens[2], "textDocument") &&
           lsp_json__is(keys[3], lens[3], "uri"))
    slot = &out->uri;
  if (!slot || *slot) return;
  *slot = json_loadb(tok, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

/*
 * A tolerant scan, token by token, of the start of a JSON-RPC message: it stops where the text
 * ends or stops being JSON, and keeps the top-level "id" and "method" and
 * "params.textDocument.uri" seen before that (keys compared as written, without escapes).
 */
void lsp_json_peek(const char *s, size_t n, LspJsonPeek *out) {
  enum { DEEP = 4 };
  const char *keys[DEEP] = {0};
  size_t lens[DEEP] = {0};
  bool in_object[DEEP] = {0}, want_key = false;
  int depth = 0;
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < n;) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':') {
      i++;
    } else if (c == '{' || c == '[') {
      depth++;
      if (depth < DEEP) in_object[depth] = c == '{', keys[depth] = NULL, lens[depth] = 0;
      want_key = c == '{';
      i++;
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return;
      want_key = false;
      i++;
    } else if (c == ',') {
      want_key = depth > 0 && depth < DEEP && in_object[depth];
      i++;
    } else {
      size_t end = c == '"' ? lsp_json__string_end(s, n, i) : lsp_json__scalar_end(s, n, i);
      if (end == 0) return; /* cut: the value is not all there */
      if (want_key && depth < DEEP) keys[depth] = s + i, lens[depth] = end - i;
      else if (!want_key && depth < DEEP && depth > 0 && keys[depth]) lsp_json__take(out, keys, lens, depth, s + i, end - i);
      want_key = false;
      i = end;
    }
  }
}

void lsp_json_peek_free(LspJsonPeek *p) {
  json_decref(p->id);
  json_decref(p->method);
  json_decref(p->uri);
  memset(p, 0, sizeof *p);
}
