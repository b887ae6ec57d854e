/* cli_lsp.c: `looplens lsp` — the language server on stdin/stdout. */
#include "cli.h"
#include "lsp.h"
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The region re-check is on unless LOOPLENS_REGION_CHECK=0 (to compare against whole-file checks). */
static bool lsp__region_check_env(void) {
  const char *v = getenv("LOOPLENS_REGION_CHECK");
  return !v || strcmp(v, "0") != 0;
}

int cli_lsp(int argc, char **argv) {
  static const struct option opts[] = {{"rules-dir", required_argument, 0, 'r'}, {"stdio", no_argument, 0, 's'},
                                       {"max-size", required_argument, 0, 'm'}, {"no-project", no_argument, 0, 'n'},
                                       {"help", no_argument, 0, 'h'}, {0}};
  bool no_project = false;
  StrVec dirs = {0};
  size_t max_size = CLI_DEFAULT_MAX_SIZE;
  optind = 1;
  for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
    char *end = NULL;
    if (c == 'r') vec_push(&dirs, optarg);
    else if (c == 's') continue;
    else if (c == 'n') no_project = true;
    else if (c == 'm' && (max_size = strtoull(optarg, &end, 10)) > 0 && !*end && *optarg != '-') continue;
    else {
      if (c == 'm') fprintf(stderr, "looplens lsp: --max-size needs a positive number of bytes, not '%s'\n", optarg);
      fputs("usage: looplens lsp [--rules-dir DIR]... [--max-size BYTES] [--no-project]   (LSP 3.17 over stdin/stdout; "
            "see docs/lsp.md)\n", c == 'h' ? stdout : stderr);
      vec_free(&dirs);
      return c == 'h' ? 0 : 2;
    }
  }
  signal(SIGPIPE, SIG_IGN); /* a vanished client is a write error, not a crash */
  LspServer s = {.out_fd = STDOUT_FILENO, .encoding = TEXTPOS_UTF16, .trace = getenv("LOOPLENS_LSP_TRACE") != NULL,
                 .region_check = lsp__region_check_env(), .max_trees = 16, .max_bases = 8, .max_size = max_size};
  s.rules = cli_load_rules(dirs.items, dirs.len);
  vec_free(&dirs);
  if (!s.rules) return 2;
  LlError err = {0};
  s.engine = engine_new(s.rules, &err);
  if (!s.engine) {
    cli_print_error(&err);
    ruleset_free(s.rules);
    return 2;
  }
  s.analyzer = analyzer_new(s.engine);
  s.defaults = config_default();
  if (!no_project) s.index = lsp_index_new(s.engine, s.rules, max_size);
  int code = lsp_run(&s, STDIN_FILENO);
  lsp_index_free(s.index); /* (stops its thread before the engine goes) */
  s.index = NULL;
  lsp_docs_free(&s);
  for (size_t i = 0; i < s.folders.len; i++) free(s.folders.items[i]);
  vec_free(&s.folders);
  for (size_t i = 0; i < s.cancelled.len; i++) json_decref(s.cancelled.items[i]);
  vec_free(&s.cancelled);
  for (size_t i = 0; i < s.hrefs.len; i++) free(s.hrefs.items[i].href);
  vec_free(&s.hrefs);
  free(s.root);
  config_free(s.defaults);
  analyzer_free(s.analyzer);
  engine_free(s.engine);
  ruleset_free(s.rules);
  return code;
}
