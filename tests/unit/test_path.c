/* test_path.c: sem_ancestors (sem_path.c) gives every node the ancestors ts_node_parent gives it,
 * and with each the facts a climb from it finds (nearest function, loop and branch, an isMainThread
 * test keeping it off the main thread), asked in tree order, in reverse, and at random; on the
 * files named on the command line and on broken and deeply nested sources.
 * usage: test_path FILE... */
#include "source_files.h"
#include "sem.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_javascript(void);

static int failures, checked;

typedef Vec(TSNode) Nodes;

static bool is_loop(TSNode n) {
  const char *t = ts_node_type(n);
  return !strcmp(t, "for_statement") || !strcmp(t, "for_in_statement") || !strcmp(t, "while_statement") ||
         !strcmp(t, "do_statement");
}

/* The facts of ancestor i (root first), found by climbing as the predicates used to. */
static SemPathFact climb(Sem *sem, const TSNode *up, size_t i) {
  SemPathFact f = {-1, -1, -1, false};
  for (size_t j = i + 1; j-- > 0 && f.func < 0;) {
    if (sem_is_function_node(up[j])) f.func = (int)j;
    else if (f.loop < 0 && is_loop(up[j])) f.loop = (int)j;
    if (f.func < 0 && f.branch < 0 && sem_is_branch(sem, up[j])) f.branch = (int)j;
  }
  for (size_t j = 0; j < i; j++) f.off_main = f.off_main || sem_off_main_thread(sem, up[j], up[j + 1]);
  return f;
}

static void check_node(Sem *sem, const char *label, TSNode n) {
  Nodes want = {0};
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) vec_push(&want, p);
  size_t k;
  const TSNode *got = sem_ancestors(sem, n, &k);
  bool same = k == want.len;
  for (size_t i = 0; same && i < k; i++) same = ts_node_eq(got[i], want.items[k - 1 - i]);
  checked++;
  if (!same && failures++ < 10)
    fprintf(stderr, "FAIL %s: %s at byte %u: %zu ancestors, ts_node_parent gives %zu\n", label, ts_node_type(n),
            ts_node_start_byte(n), k, want.len);
  const SemPathFact *facts = sem_ancestor_facts(sem);
  for (size_t i = 0; same && i < k; i++) {
    SemPathFact f = climb(sem, got, i);
    if ((f.func != facts[i].func || f.loop != facts[i].loop || f.branch != facts[i].branch ||
         f.off_main != facts[i].off_main) && failures++ < 10)
      fprintf(stderr, "FAIL %s: facts of ancestor %zu of %s at byte %u: %d %d %d %d, climbing says %d %d %d %d\n", label,
              i, ts_node_type(n), ts_node_start_byte(n), facts[i].func, facts[i].loop, facts[i].branch, facts[i].off_main,
              f.func, f.loop, f.branch, f.off_main);
  }
  vec_free(&want);
}

static void check_source(const char *label, const char *src, size_t len) {
  TSParser *p = ts_parser_new();
  ts_parser_set_language(p, tree_sitter_javascript());
  TSTree *tree = ts_parser_parse_string(p, NULL, src, (uint32_t)len);
  Sem *sem = sem_new(tree, src, len, NULL);
  Nodes all = {0};
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(tree));
  for (bool down = true;;) {
    if (down) vec_push(&all, ts_tree_cursor_current_node(&cur));
    if (down && ts_tree_cursor_goto_first_child(&cur)) continue;
    if (ts_tree_cursor_goto_next_sibling(&cur)) {
      down = true;
      continue;
    }
    if (!ts_tree_cursor_goto_parent(&cur)) break;
    down = false;
  }
  ts_tree_cursor_delete(&cur);
  size_t step = all.len / 300 + 1; /* about a thousand nodes a file keep it quick under ASan */
  for (size_t i = 0; i < all.len; i += step) check_node(sem, label, all.items[i]);
  for (size_t i = all.len; i-- > 0;)
    if (i % step == 0) check_node(sem, label, all.items[i]);
  unsigned r = 7;
  for (size_t i = 0; i < 300 && all.len; i++) {
    r = r * 1103515245u + 12345u;
    check_node(sem, label, all.items[(r >> 8) % all.len]);
  }
  vec_free(&all);
  sem_free(sem);
  ts_tree_delete(tree);
  ts_parser_delete(p);
}

int main(int argc, char **argv) {
  if (unit_check_files(argc, argv, check_source)) return 1;
  static const char *const broken[] = {
      "function f( { if (x) { g(; } ", "a.b(c, d e).f(", "const = ;", "`${a`", "x => { y(z) ", "if (a) b(); else",
      "/* c */ f(1) // d\n(g)\n", "class A { m() { return this.x } ", "",
      "if (!isMainThread) { a(); if (isMainThread) b(); else { c(x && y ? d() : e ?? f()); } }",
      "function g() { while (a) { for (;;) { do { h(() => { for (x in y) k(); }); } while (b); } } }",
  };
  for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) check_source(broken[i], broken[i], strlen(broken[i]));
  char deep[4096] = ""; /* nested blocks, calls and arrows */
  for (int i = 0; i < 60; i++) strcat(deep, i % 3 ? "if (a) { f(() => {" : "g([(");
  strcat(deep, "h();");
  for (int i = 59; i >= 0; i--) strcat(deep, i % 3 ? "}) }" : ")])");
  check_source("deep", deep, strlen(deep));
  printf("%d nodes checked, %d differ\n", checked, failures);
  return failures ? 1 : 0;
}
