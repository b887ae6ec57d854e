/* source_files.h: for the model tests that compare a fast answer with a slow one on real code —
 * runs check(label, src, len) on each file named on the command line. Returns 0, or 1 (with a
 * message) when a file cannot be read. Include once. */
#ifndef LOOPLENS_TEST_SOURCE_FILES_H
#define LOOPLENS_TEST_SOURCE_FILES_H
#include "looplens/fileio.h"
#include <stdio.h>

static int unit_check_files(int argc, char **argv, void (*check)(const char *label, const char *src, size_t len)) {
  for (int i = 1; i < argc; i++) {
    FileData f;
    LlError err;
    if (file_read(argv[i], &f, &err) < 0) {
      fprintf(stderr, "%s: %s\n", err.path, err.text);
      return 1;
    }
    check(argv[i], f.data, f.len);
    file_data_free(&f);
  }
  return 0;
}

#endif
