/* ruleset.c: the collection of rules, from the embedded table or a pack directory. */
#include "looplens/rule.h"
#include "looplens/strbuf.h"
#include "looplens/fileio.h"
#include "builtin_rules.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

RuleSet *ruleset_new(void) {
  RuleSet *self = calloc(1, sizeof *self);
  if (!self) abort();
  return self;
}

void ruleset_free(RuleSet *self) {
  if (!self) return;
  for (size_t i = 0; i < self->rules.len; i++) rule_free(self->rules.items[i]);
  vec_free(&self->rules);
  free(self);
}

const Rule *ruleset_find(const RuleSet *self, const char *id) {
  for (size_t i = 0; i < self->rules.len; i++)
    if (!strcmp(self->rules.items[i]->id, id)) return self->rules.items[i];
  return NULL;
}

static int ruleset__add(RuleSet *self, Rule *r, LlError *err) {
  if (ruleset_find(self, r->id)) {
    ll_error_set(err, r->json_path, 0, 0, "rule id \"%s\" is defined twice", r->id);
    rule_free(r);
    return -1;
  }
  vec_push(&self->rules, r);
  return 0;
}

int ruleset_add_builtin(RuleSet *self, LlError *err) {
  for (unsigned i = 0; i < builtin_rules_count; i++) {
    const BuiltinRule *b = &builtin_rules[i];
    Rule *r = rule_parse(b->json_text, b->json_len, b->json_path, b->query_text, b->query_len, b->query_path, err);
    if (!r || ruleset__add(self, r, err) < 0) return -1;
    r->builtin = 1;
  }
  return 0;
}

static int ruleset__cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* DIR/rules/<id>.json with DIR/queries/<id>.scm, or both directly in DIR. */
int ruleset_add_dir(RuleSet *self, const char *dir, LlError *err) {
  StrBuf rdir = {0}, qdir = {0};
  struct stat st;
  strbuf_printf(&rdir, "%s/rules", dir);
  strbuf_printf(&qdir, "%s/queries", dir);
  if (stat(rdir.s, &st) < 0 || !S_ISDIR(st.st_mode)) {
    strbuf_clear(&rdir), strbuf_puts(&rdir, dir);
    strbuf_clear(&qdir), strbuf_puts(&qdir, dir);
  }
  DIR *d = opendir(rdir.s);
  Vec(char *) names = {0};
  size_t before = self->rules.len;
  int rc = -1;
  if (!d) {
    ll_error_set(err, dir, 0, 0, "cannot open rule directory: %s", strerror(errno));
    goto done;
  }
  for (struct dirent *e; (e = readdir(d));) {
    size_t n = strlen(e->d_name);
    if (n > 5 && !strcmp(e->d_name + n - 5, ".json")) vec_push(&names, ll_strdup(e->d_name));
  }
  closedir(d);
  if (names.len == 0) {
    ll_error_set(err, dir, 0, 0, "no rules/*.json in this rule directory");
    goto done;
  }
  qsort(names.items, names.len, sizeof *names.items, ruleset__cmp);
  for (size_t i = 0; i < names.len; i++) {
    StrBuf jp = {0}, qp = {0};
    FileData jf = {0}, qf = {0};
    strbuf_printf(&jp, "%s/%s", rdir.s, names.items[i]);
    strbuf_printf(&qp, "%s/%.*s.scm", qdir.s, (int)(strlen(names.items[i]) - 5), names.items[i]);
    int ok = file_read(jp.s, &jf, err) == 0 && file_read(qp.s, &qf, err) == 0;
    Rule *r = ok ? rule_parse(jf.data, jf.len, jp.s, qf.data, qf.len, qp.s, err) : NULL;
    file_data_free(&jf);
    file_data_free(&qf);
    strbuf_free(&jp);
    strbuf_free(&qp);
    if (!r || ruleset__add(self, r, err) < 0) goto done;
  }
  rc = 0;
done:
  if (rc < 0) { /* all or nothing: drop what this pack added */
    for (size_t i = before; i < self->rules.len; i++) rule_free(self->rules.items[i]);
    self->rules.len = before;
  }
  for (size_t i = 0; i < names.len; i++) free(names.items[i]);
  vec_free(&names);
  strbuf_free(&rdir);
  strbuf_free(&qdir);
  return rc;
}
