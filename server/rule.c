/* rule.c: a rule's metadata from JSON (jansson), checked field by field so a bad pack
 * fails with the file, line and column of the problem. */
#include "looplens/rule.h"
#include "looplens/strbuf.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

void ll_error_set(LlError *err, const char *path, int line, int column, const char *fmt, ...) {
  if (!err) return;
  snprintf(err->path, sizeof err->path, "%s", path ? path : "");
  err->line = line;
  err->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->text, sizeof err->text, fmt, ap);
  va_end(ap);
}

static const char *const rule__required[] = {"id", "family", "title", "message", "think", "actually",
                                             "fix", "chapter"};

/* Copies a string member; NULL when absent. -1 when present but not a string. */
static int rule__str(json_t *obj, const char *key, char **out) {
  json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (!v) return 0;
  if (!json_is_string(v)) return -1;
  *out = ll_strdup(json_string_value(v));
  return 0;
}

static int rule__severity(json_t *root, Rule *r, const char *path, LlError *err) {
  json_t *sev = json_object_get(root, "severity");
  /* Default: reported on the hot path only; unknown context as info. */
  r->severity[CTX_STARTUP] = SEV_OFF;
  r->severity[CTX_UNKNOWN] = SEV_INFO;
  r->severity[CTX_HOT] = SEV_WARNING;
  bool once_set = false;
  if (!sev) goto done;
  if (json_is_string(sev)) {
    Severity s;
    if (severity_parse(json_string_value(sev), &s) < 0) goto bad;
    r->severity[CTX_HOT] = s;
    goto done;
  }
  if (!json_is_object(sev)) goto bad;
  static const char *const names[CTX_COUNT] = {"startup", "unknown", "once", "hot"};
  const char *key;
  json_t *v;
  json_object_foreach(sev, key, v) {
    int ctx = -1;
    for (int i = 0; i < CTX_COUNT; i++)
      if (!strcmp(key, names[i])) ctx = i;
    Severity s;
    if (ctx < 0 || !json_is_string(v) || severity_parse(json_string_value(v), &s) < 0) goto bad;
    r->severity[ctx] = s;
    once_set |= ctx == CTX_ONCE;
  }
done:
  if (!once_set) r->severity[CTX_ONCE] = r->severity[CTX_HOT]; /* by default, once is as hot as hot */
  return 0;
bad:
  ll_error_set(err, path, 0, 0,
               "\"severity\" must be off|info|warning|error or an object {\"hot\": …, \"once\": …, \"unknown\": …, \"startup\": …}");
  return -1;
}

static int rule__fill(json_t *root, Rule *r, const char *path, LlError *err) {
  struct { const char *key; char **dst; } fields[] = {
      {"id", &r->id}, {"family", &r->family}, {"title", &r->title}, {"message", &r->message},
      {"think", &r->think}, {"actually", &r->actually}, {"fix", &r->fix}, {"chapter", &r->chapter}};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (rule__str(root, fields[i].key, fields[i].dst) < 0) {
      ll_error_set(err, path, 0, 0, "\"%s\" must be a string", fields[i].key);
      return -1;
    }
  for (size_t i = 0; i < sizeof rule__required / sizeof *rule__required; i++)
    if (!json_object_get(root, rule__required[i])) {
      ll_error_set(err, path, 0, 0, "missing required field \"%s\"", rule__required[i]);
      return -1;
    }
  for (const char *p = r->id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
      ll_error_set(err, path, 0, 0, "rule id \"%s\" may hold only a-z, 0-9 and '-'", r->id);
      return -1;
    }
  json_t *mech = json_object_get(root, "mechanism");
  if (mech && !json_is_object(mech)) {
    ll_error_set(err, path, 0, 0, "\"mechanism\" must be an object");
    return -1;
  }
  if (mech && (rule__str(mech, "callStack", &r->mech_stack) < 0 || rule__str(mech, "libuv", &r->mech_libuv) < 0 ||
               rule__str(mech, "microtasks", &r->mech_microtasks) < 0 || rule__str(mech, "phase", &r->mech_phase) < 0)) {
    ll_error_set(err, path, 0, 0, "\"mechanism\" fields must be strings");
    return -1;
  }
  json_t *trap = json_object_get(root, "trap");
  if (trap && (!json_is_object(trap) || rule__str(trap, "question", &r->trap_question) < 0 ||
               rule__str(trap, "trap", &r->trap) < 0)) {
    ll_error_set(err, path, 0, 0, "\"trap\" must be an object {\"question\": string, \"trap\": string}");
    return -1;
  }
  return rule__severity(root, r, path, err);
}

/* tree-sitter's query parser (and ours, query.c) recurse once per level of ( or [: a pack nested
 * 100,000 deep would overflow the stack, so deep nesting is refused here, before either runs. */
enum { RULE_MAX_QUERY_DEPTH = 100 };

static int rule__check_depth(const char *q, size_t n, const char *path, LlError *err) {
  int depth = 0, line = 1, col = 1;
  for (size_t i = 0; i < n; i++, col++) {
    char c = q[i];
    if (c == '\n') {
      line++, col = 0;
    } else if (c == ';') { /* comment to the end of the line */
      while (i + 1 < n && q[i + 1] != '\n') i++;
    } else if (c == '"') { /* string, with backslash escapes */
      for (i++, col++; i < n && q[i] != '"'; i++, col++) {
        if (q[i] == '\\' && i + 1 < n) i++, col++;
        if (q[i] == '\n') line++, col = 0;
      }
    } else if (c == '(' || c == '[') {
      if (++depth > RULE_MAX_QUERY_DEPTH) {
        ll_error_set(err, path, line, col, "query nested more than %d deep", RULE_MAX_QUERY_DEPTH);
        return -1;
      }
    } else if ((c == ')' || c == ']') && depth > 0) {
      depth--;
    }
  }
  return 0;
}

Rule *rule_parse(const char *json_text, size_t json_len, const char *json_path,
                 const char *query_text, size_t query_len, const char *query_path, LlError *err) {
  json_error_t jerr;
  json_t *root = json_loadb(json_text, json_len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    ll_error_set(err, json_path, jerr.line, jerr.column, "invalid JSON: %s", jerr.text);
    return NULL;
  }
  Rule *r = calloc(1, sizeof *r);
  if (!r) abort();
  if (rule__check_depth(query_text, query_len, query_path, err) < 0) goto error;
  if (!json_is_object(root)) {
    ll_error_set(err, json_path, 1, 1, "a rule must be a JSON object");
    goto error;
  }
  if (rule__fill(root, r, json_path, err) < 0) goto error;
  r->query_source = ll_strndup(query_text, query_len);
  r->json_path = ll_strdup(json_path);
  r->query_path = ll_strdup(query_path);
  json_decref(root);
  return r;
error:
  json_decref(root);
  rule_free(r);
  return NULL;
}

void rule_free(Rule *self) {
  if (!self) return;
  char *fields[] = {self->id, self->family, self->title, self->message, self->mech_stack, self->mech_libuv,
                    self->mech_microtasks, self->mech_phase, self->think, self->actually, self->fix,
                    self->chapter, self->trap_question, self->trap, self->query_source, self->json_path,
                    self->query_path};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) free(fields[i]);
  free(self);
}
