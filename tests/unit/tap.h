/* tap.h: the unit tests' tiny TAP harness — CHECK(cond) fails the running case with its line, and
 * tap_run prints one line per case. Include once per test program. */
#ifndef LOOPLENS_TEST_TAP_H
#define LOOPLENS_TEST_TAP_H
#include <stdbool.h>
#include <stdio.h>

static char fail_msg[1024];

#define CHECK(cond)                                                                               \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      snprintf(fail_msg, sizeof fail_msg, "line %d: %s", __LINE__, #cond);                       \
      return false;                                                                               \
    }                                                                                             \
  } while (0)

typedef struct {
  const char *name;
  bool (*run)(void);
} TestCase;

/* Runs the cases; the number that failed. */
static inline int tap_run(const TestCase *cases, size_t n) {
  int failed = 0;
  printf("1..%zu\n", n);
  for (size_t i = 0; i < n; i++) {
    fail_msg[0] = '\0';
    bool ok = cases[i].run();
    printf("%s %zu - %s%s%s\n", ok ? "ok" : "not ok", i + 1, cases[i].name, ok ? "" : " # ", ok ? "" : fail_msg);
    fflush(stdout); /* keep the TAP stream complete even if a sanitizer ends the process */
    failed += !ok;
  }
  return failed;
}

#endif
