/* replay.h: the main() of a fuzz harness built with -DFUZZ_STANDALONE (any compiler): it feeds
 * each file named on the command line to LLVMFuzzerTestOneInput whole, then cut at a few points
 * (truncated input is the common malformed case). Include it once, after the entry point. */
#ifndef LOOPLENS_FUZZ_REPLAY_H
#define LOOPLENS_FUZZ_REPLAY_H
#include "looplens/fileio.h"
#include <stdint.h>
#include <stdio.h>

static void fuzz_replay_buffer(const uint8_t *data, size_t len) {
  LLVMFuzzerTestOneInput(data, len);
  for (size_t cut = 0; cut < len; cut += len / 7 + 1) LLVMFuzzerTestOneInput(data, cut);
}

int main(int argc, char **argv) {
  int n = 0;
  for (int i = 1; i < argc; i++, n++) {
    FileData f;
    LlError err;
    if (file_read(argv[i], &f, &err) < 0) {
      fprintf(stderr, "%s: %s\n", err.path, err.text);
      return 1;
    }
    fuzz_replay_buffer((const uint8_t *)f.data, f.len);
    file_data_free(&f);
  }
  printf("%d inputs replayed (with truncations), 0 crashes\n%d passed, 0 failed\n", n, n);
  return 0;
}
#endif
