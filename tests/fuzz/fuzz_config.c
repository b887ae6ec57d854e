/* fuzz_config.c: `.looplens.json` loading on arbitrary bytes — JSON, types, rule ids, globs.
 * libFuzzer entry point; with -DFUZZ_STANDALONE it replays the files named on the command line. */
#include "looplens/config.h"
#include "looplens/fileio.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static RuleSet *rules;
  if (!rules) {
    LlError err;
    rules = ruleset_new();
    if (ruleset_add_builtin(rules, &err) < 0) abort();
  }
  LlError err = {0};
  Config *c = config_parse((const char *)data, size, "fuzz/.looplens.json", rules, &err);
  if (!c && !err.text[0]) abort(); /* a refusal always says why */
  if (c) {
    config_ignores(c, "/fuzz/src/a.js");
    for (size_t i = 0; i < rules->rules.len; i++)
      for (int ctx = 0; ctx < 4; ctx++) config_severity(c, rules->rules.items[i], (Context)ctx);
  }
  config_free(c);
  return 0;
}

#ifdef FUZZ_STANDALONE
#include "replay.h"
#endif
