/*
 * Unit tests for lsp_json: lone surrogate escapes repaired before jansson parses a body, and the
 * peek into a message that cannot be parsed. TAP output, one line per case.
 */
#include "tap.h"
#include "lsp.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>


/* Repairs `in` and compares with `want` (NULL: nothing to repair) and the count. */
static bool repaired(const char *in, const char *want, size_t want_count) {
  size_t count = 99;
  char *out = lsp_json_repair_surrogates(in, strlen(in), &count);
  bool ok = count == want_count && (want ? out && !memcmp(out, want, strlen(in)) : out == NULL);
  if (!ok)
    snprintf(fail_msg, sizeof fail_msg, "'%s' -> '%.*s' (%zu), expected '%s' (%zu)", in, out ? (int)strlen(in) : 4,
             out ? out : "NULL", count, want ? want : "NULL", want_count);
  free(out);
  return ok;
}

static bool test_repair_leaves_valid_text_alone(void) {
  CHECK(repaired("{\"text\":\"plain \\u00e9 \\n \\\\ \\\"\"}", NULL, 0));
  CHECK(repaired("\"\\ud83d\\ude00\"", NULL, 0));           /* a pair */
  CHECK(repaired("\"\\uD83D\\uDE00\\u0000\"", NULL, 0));    /* upper case, and a NUL */
  CHECK(repaired("\"\\\\ud800\"", NULL, 0));                /* an escaped backslash, then text */
  CHECK(repaired("\"\\\\\\\\ud800\"", NULL, 0));            /* two escaped backslashes */
  CHECK(repaired("", NULL, 0));
  return true;
}

static bool test_repair_lone_surrogates(void) {
  CHECK(repaired("\"\\ud800\"", "\"\\uFFFD\"", 1));                       /* lone high */
  CHECK(repaired("\"\\udfff\"", "\"\\uFFFD\"", 1));                       /* lone low */
  CHECK(repaired("\"\\ud800\\u0041\"", "\"\\uFFFD\\u0041\"", 1));         /* high, then no low */
  CHECK(repaired("\"\\ude00\\ud83d\"", "\"\\uFFFD\\uFFFD\"", 2));         /* a pair the wrong way round */
  CHECK(repaired("\"\\ud83d\\ud83d\\ude00\"", "\"\\uFFFD\\ud83d\\ude00\"", 1)); /* high, then a pair */
  CHECK(repaired("\"\\\\\\ud800\"", "\"\\\\\\uFFFD\"", 1));               /* after an escaped backslash */
  CHECK(repaired("\\ud800", "\\uFFFD", 1));                               /* at the very end */
  return true;
}

static bool test_repair_cut_escapes(void) {
  CHECK(repaired("\"\\ud8", NULL, 0)); /* too short to be an escape: jansson reports it */
  CHECK(repaired("\\", NULL, 0));
  CHECK(repaired("\"\\uzzzz\"", NULL, 0));
  CHECK(repaired("\"\\ud800\\", "\"\\uFFFD\\", 1));
  return true;
}

/* Peeks `in`; compares the id (as JSON text, "-" when absent), method and uri ("-"). */
static bool peeked(const char *in, const char *id, const char *method, const char *uri) {
  LspJsonPeek p;
  lsp_json_peek(in, strlen(in), &p);
  char *idj = p.id ? json_dumps(p.id, JSON_ENCODE_ANY) : NULL;
  const char *m = p.method ? json_string_value(p.method) : "-", *u = p.uri ? json_string_value(p.uri) : "-";
  bool ok = !strcmp(idj ? idj : "-", id) && !strcmp(m ? m : "?", method) && !strcmp(u ? u : "?", uri);
  if (!ok)
    snprintf(fail_msg, sizeof fail_msg, "'%.200s': id %s method %s uri %s", in, idj ? idj : "-", m ? m : "?",
             u ? u : "?");
  free(idj);
  lsp_json_peek_free(&p);
  return ok;
}

static bool test_peek_complete_and_cut(void) {
  CHECK(peeked("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\",\"params\":{}}", "7",
               "textDocument/hover", "-"));
  CHECK(peeked("{\"method\":\"textDocument/didChange\",\"params\":{\"textDocument\":{\"uri\":\"file:///a.js\","
               "\"version\":2},\"contentChanges\":[{\"text\":\"xxxxxxxx",
               "-", "textDocument/didChange", "file:///a.js"));
  CHECK(peeked("{\"id\":\"s-1\",\"method\":\"x\"", "\"s-1\"", "x", "-"));
  CHECK(peeked("{\"id\":12", "-", "-", "-")); /* the number may go on */
  CHECK(peeked("{\"id\":12,\"meth", "12", "-", "-"));
  CHECK(peeked("", "-", "-", "-"));
  CHECK(peeked("not json at all", "-", "-", "-"));
  return true;
}

static bool test_peek_only_where_it_belongs(void) {
  /* an "id" or "uri" deeper down, in an array, or under another key is not the message's */
  CHECK(peeked("{\"params\":{\"id\":3,\"textDocument\":{\"uri\":\"u\"}},\"method\":\"m\"}", "-", "m", "u"));
  CHECK(peeked("{\"params\":{\"x\":{\"uri\":\"no\"},\"textDocument\":[{\"uri\":\"no\"}]},\"id\":1}", "1", "-", "-"));
  CHECK(peeked("{\"result\":{\"method\":\"no\"},\"id\":2}", "2", "-", "-"));
  CHECK(peeked("[{\"id\":1,\"method\":\"batch\"}]", "-", "-", "-"));
  CHECK(peeked("{\"method\":\"a\\\"b\",\"id\":4}", "4", "a\"b", "-")); /* escapes decoded */
  CHECK(peeked("{ \"id\" : 5 ,\r\n \"method\" : \"m\" }", "5", "m", "-"));
  return true;
}

static const TestCase cases[] = {
    {"repair: valid text, pairs, NUL and escaped backslashes are left alone", test_repair_leaves_valid_text_alone},
    {"repair: lone high and low surrogates become \\uFFFD (same length)", test_repair_lone_surrogates},
    {"repair: cut or malformed escapes are left for jansson", test_repair_cut_escapes},
    {"peek: id, method and uri of a complete or cut message", test_peek_complete_and_cut},
    {"peek: only the top-level id/method and params.textDocument.uri", test_peek_only_where_it_belongs},
};

int main(void) { return tap_run(cases, sizeof cases / sizeof *cases) ? 1 : 0; }
