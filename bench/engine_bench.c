/* engine_bench.c: the parse-only floor versus the full analysis, in one process and one run.
 * usage: engine_bench [--jobs N] [--top K] DIR...
 * Walks DIR like `looplens check`, reads every file into memory first (so I/O is not measured),
 * then times (1) parsing alone and (2) parse + semantic model + rules, each with N threads,
 * and prints MB/s, files/s, the ratio, and the K files with the slowest analysis. */
#include "looplens/config.h"
#include "looplens/engine.h"
#include "looplens/fileio.h"
#include "looplens/strbuf.h"
#include "walk.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_javascript(void);

typedef struct {
  FileData *files;
  size_t n;
  atomic_size_t next;
  const Engine *engine;
  const Config *cfg;
  double *analyse_ms;
  atomic_size_t diags;
  int parse_only, interleaved;
  _Atomic double cpu_ms; /* summed thread CPU time: steadier than wall time on a shared machine */
  _Atomic double pair_parse_ms, pair_full_ms; /* interleaved mode: per-file parse then full, same moment */
} Job;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *worker(void *arg) {
  Job *j = arg;
  double c0 = cpu_ms();
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, tree_sitter_javascript());
  Analyzer *an = j->parse_only && !j->interleaved ? NULL : analyzer_new(j->engine);
  DiagList out = {0};
  for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->n;) {
    if (j->parse_only || j->interleaved) {
      double c0p = cpu_ms();
      TSTree *t = ts_parser_parse_string(p, NULL, j->files[i].data, (uint32_t)j->files[i].len);
      ts_tree_delete(t);
      double used = cpu_ms() - c0p, old = atomic_load(&j->pair_parse_ms);
      while (!atomic_compare_exchange_weak(&j->pair_parse_ms, &old, old + used)) {}
      if (j->parse_only) continue;
      double c0f = cpu_ms();
      analyzer_run(an, j->cfg, j->files[i].data, j->files[i].len, &out, NULL);
      used = cpu_ms() - c0f, old = atomic_load(&j->pair_full_ms);
      while (!atomic_compare_exchange_weak(&j->pair_full_ms, &old, old + used)) {}
      diag_list_clear(&out);
      continue;
    }
    double t0 = now_ms();
    analyzer_run(an, j->cfg, j->files[i].data, j->files[i].len, &out, NULL);
    j->analyse_ms[i] = now_ms() - t0;
    atomic_fetch_add(&j->diags, out.len);
    diag_list_clear(&out);
  }
  diag_list_free(&out);
  analyzer_free(an);
  ts_parser_delete(p);
  double used = cpu_ms() - c0, old = atomic_load(&j->cpu_ms);
  while (!atomic_compare_exchange_weak(&j->cpu_ms, &old, old + used)) {}
  return NULL;
}

static double run(Job *j, int jobs) {
  atomic_store(&j->next, 0);
  atomic_store(&j->cpu_ms, 0.0);
  pthread_t t[64];
  double t0 = now_ms();
  for (int i = 0; i < jobs; i++) pthread_create(&t[i], NULL, worker, j);
  for (int i = 0; i < jobs; i++) pthread_join(t[i], NULL);
  return now_ms() - t0;
}

int main(int argc, char **argv) {
  int jobs = 2, top = 8, a = 1;
  for (; a < argc && !strncmp(argv[a], "--", 2); a += 2) {
    if (a + 1 >= argc) return 2;
    if (!strcmp(argv[a], "--jobs")) jobs = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "--top")) top = atoi(argv[a + 1]);
  }
  if (jobs < 1 || jobs > 64) jobs = 2;
  FileList list = {0};
  LlError err;
  WalkNotes notes = {0};
  for (; a < argc; a++) walk_path(argv[a], &list, &notes);
  for (size_t i = 0; i < notes.len; i++) fprintf(stderr, "%s: %s\n", notes.items[i].path, notes.items[i].text);
  vec_free(&notes);
  FileData *files = calloc(list.len + 1, sizeof *files);
  size_t bytes = 0, n = 0;
  for (size_t i = 0; i < list.len; i++)
    if (file_read(list.items[i], &files[n], &err) == 0) bytes += files[n++].len;
  RuleSet *rs = ruleset_new();
  if (ruleset_add_builtin(rs, &err) < 0) return 1;
  double tc = now_ms();
  Engine *e = engine_new(rs, &err);
  tc = now_ms() - tc;
  Config *cfg = config_default();
  double *ams = calloc(n + 1, sizeof *ams);
  Job j = {.files = files, .n = n, .engine = e, .cfg = cfg, .analyse_ms = ams};
  j.parse_only = 1;
  double parse = run(&j, jobs), parse_cpu = atomic_load(&j.cpu_ms);
  j.parse_only = 0;
  double full = run(&j, jobs), full_cpu = atomic_load(&j.cpu_ms);
  double mb = bytes / 1e6;
  printf("files %zu, %.1f MB, %d threads, query compile %.1f ms\n", n, mb, jobs, tc);
  printf("parse only: %8.0f ms  %6.2f MB/s  %7.0f files/s\n", parse, mb / (parse / 1e3), n / (parse / 1e3));
  printf("full check: %8.0f ms  %6.2f MB/s  %7.0f files/s  (%zu findings)\n", full, mb / (full / 1e3),
         n / (full / 1e3), (size_t)atomic_load(&j.diags));
  printf("ratio full/parse: wall %.2f, cpu %.2f (cpu ms: parse %.0f, full %.0f)\n", full / parse,
         full_cpu / parse_cpu, parse_cpu, full_cpu);
  /* The steadiest figure on a noisy machine: each file parsed alone and then fully checked, back to
   * back on the same thread, CPU time summed; repeated, median reported. */
  double ratios[5];
  for (int r = 0; r < 5; r++) {
    j.parse_only = 0, j.interleaved = 1;
    atomic_store(&j.pair_parse_ms, 0.0), atomic_store(&j.pair_full_ms, 0.0);
    run(&j, jobs);
    ratios[r] = atomic_load(&j.pair_full_ms) / atomic_load(&j.pair_parse_ms);
  }
  for (int a2 = 0; a2 < 5; a2++)
    for (int b = a2 + 1; b < 5; b++)
      if (ratios[b] < ratios[a2]) { double t = ratios[a2]; ratios[a2] = ratios[b]; ratios[b] = t; }
  printf("interleaved cpu ratio full/parse over 5 runs: median %.2f (min %.2f, max %.2f)\n", ratios[2], ratios[0],
         ratios[4]);
  for (int k = 0; k < top; k++) { /* slowest files */
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
      if (ams[i] > ams[best]) best = i;
    if (ams[best] <= 0) break;
    printf("  %8.1f ms  %7zu bytes  %s\n", ams[best], files[best].len, list.items[best]);
    ams[best] = -1;
  }
  return 0;
}
