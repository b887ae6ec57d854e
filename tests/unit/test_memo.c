/* test_memo.c: the predicates' regex memo (pred_memo.c) answers what redos_check answers, the first
 * time and every time after, for patterns and flags that share text, across growth and past its
 * bound (where it starts again). */
#include "query.h"
#include <stdio.h>
#include <string.h>

static int failures, checked;

static void check(PredMemo *memo, const char *pattern, const char *flags) {
  RedosResult want, got;
  int rw = redos_check(pattern, strlen(pattern), flags, strlen(flags), &want, NULL);
  int rg = pred_memo_redos(memo, pattern, flags, &got);
  checked++;
  if (rw == rg && (rw != 0 || (want.verdict == got.verdict && want.offset == got.offset &&
                               want.length == got.length && !strcmp(want.reason, got.reason))))
    return;
  if (failures++ < 10) fprintf(stderr, "FAIL /%s/%s: memo %d (%s), check %d (%s)\n", pattern, flags, rg,
                               rg ? "" : got.reason, rw, rw ? "" : want.reason);
}

int main(void) {
  static const char *const patterns[] = {"(a+)+$", "^\\w+$", "(a|a)*$", "a", "ia", "(", "[z-a]", "", "(x+x+)+y"};
  static const char *const flags[] = {"", "i", "u", "v", "gim", "q"}; /* "q" is not a flag */
  PredMemo *memo = pred_memo_new();
  for (int round = 0; round < 3; round++)
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++)
      for (size_t f = 0; f < sizeof flags / sizeof *flags; f++) check(memo, patterns[p], flags[f]);
  char buf[64];
  for (int i = 0; i < 9000; i++) { /* past the bound */
    snprintf(buf, sizeof buf, "^(a%d|b+)+%s$", i % 5000, i % 2 ? "c" : "");
    check(memo, buf, i % 3 ? "" : "i");
  }
  pred_memo_free(memo);
  pred_memo_free(NULL);
  check(NULL, "(a+)+$", "");
  printf("%d answers checked, %d wrong\n", checked, failures);
  return failures ? 1 : 0;
}
