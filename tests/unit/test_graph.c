/* test_graph.c: call-graph reachability (sem_graph.c) answers what a walk of every path answers,
 * for every pair of functions and depths 0..5, on the files named on the command line and on
 * generated files of functions calling each other at random (repeated calls, cycles, chains).
 * usage: test_graph FILE... */
#include "source_files.h"
#include "sem_private.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_javascript(void);

static int failures, checked;

/* The definition: a path of at most `depth` calls, trying every edge (no memo, no pruning). */
static bool walk(const Sem *sem, int from, int to, int depth) {
  if (from == to) return true;
  if (depth == 0) return false;
  for (size_t i = 0; i < sem->edges.len; i++)
    if (sem->edges.items[i].from == from && walk(sem, sem->edges.items[i].to, to, depth - 1)) return true;
  return false;
}

static void check_source(const char *label, const char *src, size_t len) {
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, tree_sitter_javascript());
  TSTree *tree = ts_parser_parse_string(p, NULL, src, (uint32_t)len);
  Sem *sem = sem_new(tree, src, len, NULL);
  int n = (int)sem->funcs.len;
  for (size_t i = 1; i < sem->edges.len; i++) { /* sem__classify keeps one edge per pair */
    SemEdge a = sem->edges.items[i - 1], b = sem->edges.items[i];
    if (a.from == b.from && a.to == b.to && failures++ < 10) fprintf(stderr, "FAIL %s: edge %d->%d twice\n", label, a.from, a.to);
  }
  for (int depth = 5; depth >= 0; depth--) /* deepest first: the memo must keep depths apart */
    for (int from = 0; from < n && from < 40; from++)
      for (int to = 0; to < n && to < 40; to++) {
        bool want = walk(sem, from, to, depth), got = sem__reaches(sem, from, to, depth);
        checked++;
        if (want != got && failures++ < 10)
          fprintf(stderr, "FAIL %s: %d reaches %d in %d: got %d, want %d\n", label, from, to, depth, got, want);
        if (sem__reaches(sem, from, to, depth) != got && failures++ < 10) /* the memo's answer */
          fprintf(stderr, "FAIL %s: %d reaches %d in %d: memo differs\n", label, from, to, depth);
      }
  sem_free(sem);
  ts_tree_delete(tree);
  ts_parser_delete(p);
}

/* n functions, each calling up to 4 others at random, some of them several times. */
static void generated(unsigned seed, int n) {
  char *src = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&src, &len);
  unsigned r = seed;
  for (int i = 0; i < n; i++) {
    fprintf(f, "function f%d() {", i);
    r = r * 1103515245u + 12345u;
    int calls = (int)((r >> 16) % 5);
    for (int c = 0; c < calls; c++) {
      r = r * 1103515245u + 12345u;
      int to = (int)((r >> 16) % (unsigned)n);
      r = r * 1103515245u + 12345u;
      int times = 1 + (int)((r >> 16) % 3);
      while (times--) fprintf(f, " f%d();", to);
    }
    fprintf(f, " }\n");
  }
  fprintf(f, "f0();\n");
  fclose(f);
  char label[64];
  snprintf(label, sizeof label, "generated seed %u", seed);
  check_source(label, src, len);
  free(src);
}

int main(int argc, char **argv) {
  if (unit_check_files(argc, argv, check_source)) return 1;
  for (unsigned seed = 1; seed <= 12; seed++) generated(seed, 8 + (int)seed * 3);
  printf("%d questions checked, %d wrong\n", checked, failures);
  return failures ? 1 : 0;
}
