/* cli_rules.c: `looplens rules` and `looplens explain <rule>`. */
#include "cli.h"
#include "looplens/strbuf.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef Vec(char *) DirList;

static int cli__rule_opts(int argc, char **argv, DirList *dirs, const char *usage) {
  static const struct option opts[] = {{"rules-dir", required_argument, 0, 'r'}, {"help", no_argument, 0, 'h'}, {0}};
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
    if (c == 'r') vec_push(dirs, optarg);
    else {
      fputs(usage, c == 'h' ? stdout : stderr);
      return c == 'h' ? 0 : 2;
    }
  }
  return -1;
}

int cli_rules(int argc, char **argv) {
  DirList dirs = {0};
  int rc = cli__rule_opts(argc, argv, &dirs, "usage: looplens rules [--rules-dir DIR]...\n");
  if (rc >= 0) return vec_free(&dirs), rc;
  RuleSet *rs = cli_load_rules(dirs.items, dirs.len);
  vec_free(&dirs);
  if (!rs) return 2;
  for (size_t i = 0; i < rs->rules.len; i++) {
    const Rule *r = rs->rules.items[i];
    printf("%-32s %-16s %-8s %s\n", r->id, r->family, severity_name(r->severity[CTX_HOT]), r->title);
  }
  ruleset_free(rs);
  return 0;
}

/* Prints a paragraph wrapped at 78 columns with an indent. */
static void cli__para(const char *label, const char *text) {
  if (!text) return;
  printf("%s\n", label);
  const char *p = text;
  while (*p) {
    int col = 2;
    fputs("  ", stdout);
    for (;;) {
      const char *w = p;
      while (*w && *w != ' ' && *w != '\n') w++;
      int len = (int)(w - p);
      if (col > 2 && col + len > 78) break;
      fwrite(p, 1, (size_t)len, stdout);
      col += len;
      p = w;
      if (*p == '\n') { p++; break; }
      if (!*p) break;
      p++;
      if (col + 1 > 78) break;
      putchar(' ');
      col++;
    }
    putchar('\n');
  }
}

int cli_explain(int argc, char **argv) {
  DirList dirs = {0};
  int rc = cli__rule_opts(argc, argv, &dirs, "usage: looplens explain RULE-ID [--rules-dir DIR]...\n");
  if (rc >= 0) return vec_free(&dirs), rc;
  if (optind >= argc) {
    vec_free(&dirs);
    fputs("usage: looplens explain RULE-ID [--rules-dir DIR]...\n", stderr);
    return 2;
  }
  RuleSet *rs = cli_load_rules(dirs.items, dirs.len);
  vec_free(&dirs);
  if (!rs) return 2;
  const Rule *r = ruleset_find(rs, argv[optind]);
  if (!r) {
    fprintf(stderr, "looplens: no rule '%s' (see `looplens rules`)\n", argv[optind]);
    ruleset_free(rs);
    return 2;
  }
  printf("%s — %s\nfamily: %s; severity: hot path %s, once after start-up %s, unknown context %s, start-up %s\n\n",
         r->id, r->title, r->family, severity_name(r->severity[CTX_HOT]), severity_name(r->severity[CTX_ONCE]),
         severity_name(r->severity[CTX_UNKNOWN]), severity_name(r->severity[CTX_STARTUP]));
  cli__para("On the call stack:", r->mech_stack);
  cli__para("In libuv:", r->mech_libuv);
  cli__para("In the microtask queues:", r->mech_microtasks);
  cli__para("Event-loop phase:", r->mech_phase);
  cli__para("What developers think:", r->think);
  cli__para("What actually happens:", r->actually);
  cli__para("The fix:", r->fix);
  cli__para("Interview question:", r->trap_question);
  cli__para("The trap:", r->trap);
  char *path = cli_chapter_path(r->chapter);
  printf("Chapter:\n  %s\n", r->chapter);
  if (path) {
    char *hash = strchr(path, '#');
    if (hash) *hash = '\0';
    printf("  %s%s%s\n", path, access(path, R_OK) == 0 ? "" : " (not found)", hash ? "" : "");
    if (hash) printf("  section #%s\n", hash + 1);
  }
  free(path);
  ruleset_free(rs);
  return 0;
}
