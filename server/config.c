/* config.c: `.looplens.json`, validated strictly: an unknown key, rule id or severity is an error
 * with the file, line and column, never silently ignored. */
#include "looplens/config.h"
#include "looplens/fileio.h"
#include "looplens/strbuf.h"
#include <fnmatch.h>
#include <stdbool.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

Config *config_default(void) {
  Config *self = calloc(1, sizeof *self);
  if (!self) abort();
  vec_push(&self->registrars, NULL);
  return self;
}

void config_free(Config *self) {
  if (!self) return;
  for (size_t i = 0; i < self->rules.len; i++) free(self->rules.items[i].id);
  for (size_t i = 0; i < self->registrars.len; i++) free(self->registrars.items[i]);
  for (size_t i = 0; i < self->ignore.len; i++) free(self->ignore.items[i]);
  vec_free(&self->rules);
  vec_free(&self->registrars);
  vec_free(&self->ignore);
  free(self->path);
  free(self->dir);
  free(self);
}

/* jansson gives no positions after a successful parse: find where `"key"` first appears after
 * `from` so a semantic error still points at the line and column. */
static void config__locate(const char *text, const char *key, const char *after, int *line, int *col) {
  const char *base = text;
  if (after) {
    StrBuf q = {0};
    strbuf_printf(&q, "\"%s\"", after);
    const char *a = strstr(text, q.s);
    if (a) base = a;
    strbuf_free(&q);
  }
  StrBuf q = {0};
  strbuf_printf(&q, "\"%s\"", key);
  const char *p = strstr(base, q.s);
  strbuf_free(&q);
  if (!p) p = base;
  *line = 1, *col = 1;
  for (const char *s = text; s < p; s++) {
    if (*s == '\n') ++*line, *col = 1;
    else ++*col;
  }
}

static int config__strings(json_t *arr, StrVec *out, bool null_terminate) {
  if (!json_is_array(arr)) return -1;
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) {
    if (!json_is_string(v) || !json_string_length(v)) return -1;
    vec_push(out, ll_strdup(json_string_value(v)));
  }
  if (null_terminate) vec_push(out, NULL);
  return 0;
}

static int config__fill(Config *self, json_t *root, const char *text, const RuleSet *rules, LlError *err) {
  int line, col;
  const char *key;
  json_t *v;
  json_object_foreach(root, key, v) {
    if (!strcmp(key, "rules")) {
      if (!json_is_object(v)) goto bad_type;
      const char *id;
      json_t *sv;
      json_object_foreach(v, id, sv) {
        Severity s;
        if (!ruleset_find(rules, id)) {
          config__locate(text, id, "rules", &line, &col);
          ll_error_set(err, self->path, line, col, "unknown rule \"%s\" (see `looplens rules`)", id);
          return -1;
        }
        if (!json_is_string(sv) || severity_parse(json_string_value(sv), &s) < 0) {
          config__locate(text, id, "rules", &line, &col);
          ll_error_set(err, self->path, line, col, "rule \"%s\": severity must be off, info, warning or error", id);
          return -1;
        }
        vec_push(&self->rules, ((RuleSetting){ll_strdup(id), s}));
      }
    } else if (!strcmp(key, "hotPathRegistrars")) {
      self->registrars.len = 0; /* drop the NULL terminator of the defaults */
      if (config__strings(v, &self->registrars, true) < 0) goto bad_type;
    } else if (!strcmp(key, "ignore")) {
      if (config__strings(v, &self->ignore, false) < 0) goto bad_type;
    } else {
      config__locate(text, key, NULL, &line, &col);
      ll_error_set(err, self->path, line, col,
                   "unknown key \"%s\" (expected \"rules\", \"hotPathRegistrars\", \"ignore\")", key);
      return -1;
    }
    continue;
  bad_type:
    config__locate(text, key, NULL, &line, &col);
    ll_error_set(err, self->path, line, col,
                 !strcmp(key, "rules") ? "\"rules\" must be an object of rule id to severity"
                                       : "\"%s\" must be an array of non-empty strings", key);
    return -1;
  }
  return 0;
}

Config *config_parse(const char *text, size_t len, const char *path, const RuleSet *rules, LlError *err) {
  Config *self = config_default();
  self->path = ll_strdup(path);
  /* absolute and resolved, as the checked files' paths are when they are matched against it */
  const char *slash = strrchr(path, '/');
  char *dir = slash ? ll_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : ll_strdup(".");
  char real[PATH_MAX];
  self->dir = realpath(dir, real) ? ll_strdup(real) : ll_strdup(dir);
  free(dir);
  char *z = ll_strndup(text, len); /* errors are located by searching the text: it must end in NUL */
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    ll_error_set(err, path, jerr.line, jerr.column, "invalid JSON: %s", jerr.text);
    goto error;
  }
  if (!json_is_object(root)) {
    ll_error_set(err, path, 1, 1, "the configuration must be a JSON object");
    goto error;
  }
  if (config__fill(self, root, z, rules, err) < 0) goto error;
  json_decref(root);
  free(z);
  return self;
error:
  json_decref(root);
  free(z);
  config_free(self);
  return NULL;
}

Config *config_load(const char *path, const RuleSet *rules, LlError *err) {
  FileData f;
  if (file_read(path, &f, err) < 0) return NULL;
  Config *self = config_parse(f.data, f.len, path, rules, err);
  file_data_free(&f);
  return self;
}

char *config_find(const char *start_dir) {
  char buf[PATH_MAX];
  if (!realpath(start_dir, buf)) return NULL;
  StrBuf p = {0};
  for (;;) {
    struct stat st;
    strbuf_clear(&p);
    strbuf_printf(&p, "%s/.looplens.json", strcmp(buf, "/") ? buf : "");
    if (stat(p.s, &st) == 0 && S_ISREG(st.st_mode)) return strbuf_steal(&p);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) {
      if (!strcmp(buf, "/")) break;
      strcpy(buf, "/");
      continue;
    }
    *slash = '\0';
  }
  strbuf_free(&p);
  return NULL;
}

Severity config_severity(const Config *self, const Rule *rule, Context ctx) {
  Severity s = rule->severity[ctx];
  for (size_t i = 0; i < self->rules.len; i++) {
    if (strcmp(self->rules.items[i].id, rule->id)) continue;
    Severity want = self->rules.items[i].severity;
    if (want == SEV_OFF) return SEV_OFF;
    /* the configured level replaces the hot-path level; lower contexts keep theirs, capped by it */
    if (ctx == CTX_HOT) return want;
    return s > want ? want : s;
  }
  return s;
}

int config_ignores(const Config *self, const char *path) {
  const char *rel = path;
  size_t dl = self->dir ? strlen(self->dir) : 0;
  if (dl == 1 && self->dir[0] == '/' && path[0] == '/') rel = path + 1;
  else if (dl && !strncmp(path, self->dir, dl) && path[dl] == '/') rel = path + dl + 1;
  if (!strncmp(rel, "./", 2)) rel += 2;
  for (size_t i = 0; i < self->ignore.len; i++) {
    const char *g = self->ignore.items[i];
    if (fnmatch(g, rel, FNM_PATHNAME) == 0 || fnmatch(g, rel, 0) == 0) return 1;
    /* a glob ending in slash-star-star, or in a slash, ignores everything below that directory */
    size_t gl = strlen(g);
    if (gl > 3 && !strcmp(g + gl - 3, "/**") && !strncmp(rel, g, gl - 2)) return 1;
    if (gl > 1 && g[gl - 1] == '/' && !strncmp(rel, g, gl)) return 1;
  }
  return 0;
}
