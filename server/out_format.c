/* out_format.c: the table of `check`'s output formats. */
#include "out.h"
#include <stdio.h>
#include <string.h>

static int out__text(const CheckOutput *o) {
  check_output_text(o->out, o->err, o->files, o->n, o->opt);
  return 0;
}

static int out__json(const CheckOutput *o) {
  check_output_json(o->out, o->files, o->n);
  return 0;
}

/* Code frames need the text only on a terminal; the machine formats need it for UTF-16 columns
 * and fingerprints. */
static const OutFormat out__formats[] = {
    {"text", OUT_SOURCE_ON_TERMINAL, out__text},
    {"json", OUT_SOURCE_NEVER, out__json},
    {"sarif", OUT_SOURCE_ALWAYS, out_sarif_write},
    {"github", OUT_SOURCE_ALWAYS, out_github_write},
    {"gitlab", OUT_SOURCE_ALWAYS, out_gitlab_write},
    {"checkstyle", OUT_SOURCE_ALWAYS, out_checkstyle_write},
};

const OutFormat *out_format_find(const char *name) {
  for (size_t i = 0; i < sizeof out__formats / sizeof *out__formats; i++)
    if (!strcmp(out__formats[i].name, name)) return &out__formats[i];
  return NULL;
}

const char *out_format_names(void) {
  static char names[128]; /* written once, on the main thread */
  if (!names[0])
    for (size_t i = 0; i < sizeof out__formats / sizeof *out__formats; i++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", out__formats[i].name);
  return names;
}
