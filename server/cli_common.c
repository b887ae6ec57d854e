/* cli_common.c: what several subcommands share — loading rules, finding the handbook. */
#include "cli.h"
#include "termsafe.h"
#include "looplens/engine.h"
#include "looplens/strbuf.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_print_error(const LlError *e) {
  TermSafe ts = {0};
  const char *path = termsafe_str(&ts, e->path), *text = termsafe_str(&ts, e->text);
  if (e->line) fprintf(stderr, "%s:%d:%d: error: %s\n", path, e->line, e->column, text);
  else fprintf(stderr, "%s: error: %s\n", path, text);
  termsafe_free(&ts);
}

RuleSet *cli_load_rules(char *const *dirs, size_t n) {
  RuleSet *rs = ruleset_new();
  LlError err = {0};
  if (ruleset_add_builtin(rs, &err) < 0) goto error;
  for (size_t i = 0; i < n; i++) {
    size_t before = rs->rules.len;
    if (ruleset_add_dir(rs, dirs[i], &err) < 0) goto error;
    for (size_t r = before; r < rs->rules.len; r++) /* a pack's bad query names its own file */
      if (engine_check_rule(rs->rules.items[r], &err) < 0) goto error;
  }
  return rs;
error:
  cli_print_error(&err);
  ruleset_free(rs);
  return NULL;
}

static int cli__is_dir(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The chapters directory: $LOOPLENS_CHAPTERS, <exe>/../share/looplens/chapters (installed), or the
 * source tree the binary was built from. */
static char *cli__chapters_dir(void) {
  const char *env = getenv("LOOPLENS_CHAPTERS");
  if (env && cli__is_dir(env)) return ll_strdup(env);
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    StrBuf p = {0};
    strbuf_printf(&p, "%s/../share/looplens/chapters", exe);
    char real[PATH_MAX];
    if (realpath(p.s, real) && cli__is_dir(real)) {
      strbuf_free(&p);
      return ll_strdup(real);
    }
    strbuf_free(&p);
  }
#ifdef LOOPLENS_SOURCE_ROOT
  StrBuf p = {0};
  strbuf_printf(&p, "%s/chapters", LOOPLENS_SOURCE_ROOT);
  if (cli__is_dir(p.s)) return strbuf_steal(&p);
  strbuf_free(&p);
#endif
  return NULL;
}

char *cli_chapter_path(const char *chapter) {
  if (!chapter) return NULL;
  const char *rel = strncmp(chapter, "chapters/", 9) ? chapter : chapter + 9;
  char *dir = cli__chapters_dir();
  if (!dir) return NULL;
  StrBuf p = {0};
  strbuf_printf(&p, "%s/%s", dir, rel);
  free(dir);
  return strbuf_steal(&p);
}
