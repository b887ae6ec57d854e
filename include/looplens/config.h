/* config.h: `.looplens.json` — per-rule severities, extra hot-path registrars, ignore globs.
 * Data only: loading a config never runs code. A Config owns all its strings. */
#ifndef LOOPLENS_CONFIG_H
#define LOOPLENS_CONFIG_H
#include "looplens/diag.h"
#include "looplens/rule.h"

typedef struct { char *id; Severity severity; } RuleSetting;

typedef struct Config {
  char *path;              /* the file it came from; NULL for the defaults */
  char *dir;               /* its directory: ignore globs are relative to it */
  Vec(RuleSetting) rules;
  StrVec registrars;       /* NULL-terminated once loaded */
  StrVec ignore;
} Config;

/* The built-in defaults (no file). */
Config *config_default(void);
/* Loads and validates a config file against the known rules; NULL with err (file:line:column). */
Config *config_load(const char *path, const RuleSet *rules, LlError *err);
/* The same from the file's text (path names it in errors and anchors its ignore globs). */
Config *config_parse(const char *text, size_t len, const char *path, const RuleSet *rules, LlError *err);
/* Finds `.looplens.json` walking up from `start_dir`; returns an owned path or NULL. */
char *config_find(const char *start_dir);
void config_free(Config *self);

/* The severity a rule's finding in `ctx` gets under this config (SEV_OFF: not reported). */
Severity config_severity(const Config *self, const struct Rule *rule, Context ctx);
/* True when `path` matches one of the ignore globs. */
int config_ignores(const Config *self, const char *path);

#endif
