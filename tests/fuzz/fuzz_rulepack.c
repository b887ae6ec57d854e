/* fuzz_rulepack.c: a rule pack's two files on arbitrary bytes — the rule's JSON, then its query
 * (after the first NUL byte; without one, a fixed query), parsed and compiled with every
 * predicate the engine knows. libFuzzer entry point; -DFUZZ_STANDALONE replays files. */
#include "looplens/engine.h"
#include "looplens/fileio.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *json = (const char *)data, *query = "(identifier) @report";
  const uint8_t *nul = memchr(data, 0, size);
  size_t json_len = nul ? (size_t)(nul - data) : size, query_len = strlen(query);
  if (nul) query = (const char *)nul + 1, query_len = size - json_len - 1;
  LlError err = {0};
  Rule *r = rule_parse(json, json_len, "fuzz/rules/r.json", query, query_len, "fuzz/queries/r.scm", &err);
  if (!r) {
    if (!err.text[0]) abort(); /* a refusal always says why */
    return 0;
  }
  if (engine_check_rule(r, &err) < 0 && !err.text[0]) abort();
  rule_free(r);
  return 0;
}

#ifdef FUZZ_STANDALONE
/* Replays RULE.json QUERY.scm pairs: each whole, joined by a NUL, and cut at a few points. */
int main(int argc, char **argv) {
  int n = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    FileData j, q;
    LlError err;
    if (file_read(argv[i], &j, &err) < 0 || file_read(argv[i + 1], &q, &err) < 0) {
      fprintf(stderr, "%s: %s\n", err.path, err.text);
      return 1;
    }
    size_t len = j.len + 1 + q.len;
    uint8_t *buf = malloc(len);
    if (!buf) abort();
    memcpy(buf, j.data, j.len);
    buf[j.len] = 0;
    memcpy(buf + j.len + 1, q.data, q.len);
    for (size_t cut = 0; cut <= len; cut += len / 9 + 1) LLVMFuzzerTestOneInput(buf, cut);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    file_data_free(&j);
    file_data_free(&q);
    n++;
  }
  printf("%d passed, 0 failed\n", n);
  return 0;
}
#endif
