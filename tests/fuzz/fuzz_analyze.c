/* fuzz_analyze.c: the whole engine on arbitrary bytes — parse, semantic model, every rule.
 * libFuzzer entry point; with -DFUZZ_STANDALONE it replays the files named on the command line
 * (the meson test runs it over the rule fixtures, so the harness itself is always built and run). */
#include "looplens/config.h"
#include "looplens/engine.h"
#include "looplens/fileio.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static RuleSet *rules;
  static Engine *engine;
  static Analyzer *an;
  static Config *cfg;
  if (!engine) {
    LlError err;
    rules = ruleset_new();
    if (ruleset_add_builtin(rules, &err) < 0 || !(engine = engine_new(rules, &err))) abort();
    an = analyzer_new(engine);
    cfg = config_default();
  }
  DiagList out = {0};
  analyzer_run(an, cfg, (const char *)data, size, &out, NULL);
  for (size_t i = 0; i < out.len; i++) /* positions must stay inside the input */
    if (out.items[i].start_byte > out.items[i].end_byte || out.items[i].end_byte > size) abort();
  diag_list_free(&out);
  return 0;
}

#ifdef FUZZ_STANDALONE
#include "replay.h"
#endif
