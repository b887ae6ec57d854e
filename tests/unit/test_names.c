/* test_names.c: the symbol table (sem_names.c) answers exactly what a scan of every declaration
 * answers: the visible declaration of that name with the smallest scope, the earliest on a tie.
 * Checked at every identifier of the files named on the command line and of generated sources
 * (nested functions and blocks redeclaring the same few names, as minified code does). And
 * sem_func_at answers at every byte what climbing from the last function started answers.
 * usage: test_names FILE... */
#include "source_files.h"
#include "sem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_javascript(void);

static int failures, checked;

static const SemDecl *scan(const Sem *sem, const char *name, size_t len, uint32_t at) {
  const SemDecl *best = NULL;
  for (size_t i = 0; i < sem->decls.len; i++) {
    const SemDecl *d = &sem->decls.items[i];
    if (d->name_len != len || memcmp(d->name, name, len) || at < d->scope_start || at >= d->scope_end) continue;
    uint32_t sd = d->scope_end - d->scope_start, sb = best ? best->scope_end - best->scope_start : 0;
    if (!best || sd < sb || (sd == sb && d->at < best->at)) best = d;
  }
  return best;
}

static void check_at(const Sem *sem, const char *label, const char *name, size_t len, uint32_t at) {
  const SemDecl *want = scan(sem, name, len, at), *got = sem_lookup(sem, name, len, at);
  checked++;
  if (want == got) return;
  if (failures++ < 10)
    fprintf(stderr, "FAIL %s: `%.*s` at byte %u: table says %d, scan says %d\n", label, (int)len, name, at,
            got ? (int)got->at : -1, want ? (int)want->at : -1);
}

/* The innermost function around byte: the last one starting at or before it, then its parents. */
static int climb(const Sem *sem, uint32_t byte) {
  int i = -1;
  for (size_t k = 0; k < sem->funcs.len && sem->funcs.items[k].start <= byte; k++) i = (int)k;
  while (i >= 0 && !(sem->funcs.items[i].start <= byte && byte < sem->funcs.items[i].end)) i = sem->funcs.items[i].parent;
  return i;
}

static void check_source(const char *label, const char *src, size_t len) {
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, tree_sitter_javascript());
  TSTree *tree = ts_parser_parse_string(p, NULL, src, (uint32_t)len);
  Sem *sem = sem_new(tree, src, len, NULL);
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(tree));
  for (bool down = true;;) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    if (down && !strcmp(ts_node_type(n), "identifier")) {
      uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
      check_at(sem, label, src + s, e - s, s);
      check_at(sem, label, src + s, e - s, 0);
      check_at(sem, label, src + s, e - s, (uint32_t)len); /* past every block scope */
    }
    if (down && ts_tree_cursor_goto_first_child(&cur)) continue;
    if (ts_tree_cursor_goto_next_sibling(&cur)) {
      down = true;
      continue;
    }
    if (!ts_tree_cursor_goto_parent(&cur)) break;
    down = false;
  }
  ts_tree_cursor_delete(&cur);
  /* every byte, for the names every scope here declares */
  static const char *const names[] = {"e", "t", "n", "r", "x"};
  for (uint32_t at = 0; at <= len; at++) {
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) check_at(sem, label, names[k], 1, at);
    int want = climb(sem, at), got = sem_func_at(sem, at);
    checked++;
    if (want != got && failures++ < 10) fprintf(stderr, "FAIL %s: function at byte %u: %d, climbing says %d\n", label, at, got, want);
  }
  sem_free(sem);
  ts_tree_delete(tree);
  ts_parser_delete(p);
}

/* Functions and blocks nested `depth` deep, each redeclaring e, t, n (params, var, let, catch). */
static void generated(int seed, int count, int depth) {
  static const char *const open[] = {"var f = function(e,t,n){ var r = e(t,n); ",
                                     "function g(t){ if (t) { let e = t; x(e); } ",
                                     "(n => { try { n(); } catch (e) { t(e); } for (let t of n) { e(t); } ",
                                     "{ const n = e; { let x = n; t(x); } ",
                                     "const h = (e, t = n) => { var n; "};
  static const char *const close[] = {"};\n", "}\n", "});\n", "}\n", "};\n"};
  char *src = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&src, &len);
  unsigned r = (unsigned)seed;
  int kinds[8];
  fprintf(f, "var e = 1, t; let n = 2;\n");
  for (int i = 0; i < count; i++) {
    for (int d = 0; d < depth && d < 8; d++) {
      r = r * 1103515245u + 12345u;
      kinds[d] = (int)((r >> 16) % 5);
      fputs(open[kinds[d]], f);
    }
    for (int d = (depth < 8 ? depth : 8) - 1; d >= 0; d--) fputs(close[kinds[d]], f);
    fprintf(f, "e(t, n);\n");
  }
  fclose(f);
  char label[64];
  snprintf(label, sizeof label, "generated seed %d", seed);
  check_source(label, src, len);
  free(src);
}

int main(int argc, char **argv) {
  if (unit_check_files(argc, argv, check_source)) return 1;
  for (int seed = 1; seed <= 6; seed++) generated(seed, 12, 1 + seed % 4);
  printf("%d lookups checked, %d differ\n", checked, failures);
  return failures ? 1 : 0;
}
