/* query.c: compile the rules' .scm sources as one query (ts_query_new costs milliseconds per
 * pattern on this grammar, so it is done once per process) and parse each pattern's predicates. */
#include "query.h"
#include "looplens/strbuf.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_javascript(void);

static const char *query__error_name(TSQueryError e) {
  switch (e) {
    case TSQueryErrorSyntax: return "syntax error";
    case TSQueryErrorNodeType: return "unknown node type";
    case TSQueryErrorField: return "unknown field";
    case TSQueryErrorCapture: return "unknown capture";
    case TSQueryErrorStructure: return "impossible pattern structure";
    case TSQueryErrorLanguage: return "language mismatch";
    default: return "error";
  }
}

/* 1-based line and column of a byte offset in a text. */
static void query__linecol(const char *s, size_t off, int *line, int *col) {
  *line = 1, *col = 1;
  for (size_t i = 0; i < off && s[i]; i++) {
    if (s[i] == '\n') ++*line, *col = 1;
    else ++*col;
  }
}

static void pred_free(Pred *p) {
  for (size_t i = 0; i < p->strings.len; i++) free(p->strings.items[i]);
  vec_free(&p->strings);
  vec_free(&p->captures);
  if (p->re) pcre2_code_free(p->re);
}

static int query__parse_pred(CompiledQuery *self, const TSQueryPredicateStep *steps, uint32_t n, const Rule *rule,
                             Pred *out, LlError *err) {
  memset(out, 0, sizeof *out);
  uint32_t len;
  if (n == 0 || steps[0].type != TSQueryPredicateStepTypeString) goto bad_shape;
  const char *name = ts_query_string_value_for_id(self->query, steps[0].value_id, &len);
  const PredDef *def = pred_lookup(name);
  int line = 0, col = 0;
  const char *at = strstr(rule->query_source, name);
  if (at) query__linecol(rule->query_source, (size_t)(at - rule->query_source), &line, &col);
  if (!def) {
    ll_error_set(err, rule->query_path, line, col ? col - 1 : 0, "unknown predicate #%s", name);
    return -1;
  }
  out->name = def->name;
  out->fn = def->fn;
  out->region_safe = def->region_safe;
  out->negate = !strncmp(name, "not-", 4);
  for (uint32_t i = 1; i < n; i++) {
    if (steps[i].type == TSQueryPredicateStepTypeCapture) vec_push(&out->captures, (int)steps[i].value_id);
    else if (steps[i].type == TSQueryPredicateStepTypeString)
      vec_push(&out->strings, ll_strdup(ts_query_string_value_for_id(self->query, steps[i].value_id, &len)));
  }
  if ((int)out->captures.len < def->min_captures || (int)out->strings.len < def->min_strings) {
    ll_error_set(err, rule->query_path, line, col ? col - 1 : 0, "#%s needs %d capture(s) and %d string(s)", name, def->min_captures,
                 def->min_strings);
    pred_free(out);
    return -1;
  }
  if (def->regex) {
    int ec;
    PCRE2_SIZE eo;
    out->re = pcre2_compile((PCRE2_SPTR)out->strings.items[0], PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &eo, NULL);
    if (!out->re) {
      PCRE2_UCHAR msg[160];
      pcre2_get_error_message(ec, msg, sizeof msg);
      ll_error_set(err, rule->query_path, line, col ? col - 1 : 0, "#%s: bad regex \"%s\" at offset %zu: %s", name,
                   out->strings.items[0], (size_t)eo, (char *)msg);
      pred_free(out);
      return -1;
    }
  }
  return 0;
bad_shape:
  ll_error_set(err, rule->query_path, 0, 0, "malformed predicate");
  return -1;
}

/* Which rule a pattern came from: the rule whose segment of the combined source holds its start. */
static int query__rule_of(const uint32_t *seg_start, size_t n, uint32_t byte) {
  int r = 0;
  for (size_t i = 0; i < n; i++)
    if (seg_start[i] <= byte) r = (int)i;
  return r;
}

/* --- root node types of the patterns, read from the query text ------------------------------ */

typedef struct { const char *p; const TSLanguage *lang; CompiledQuery *cq; bool any; } RootScan;

static void roots__ws(RootScan *s) {
  for (;;) {
    while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r') s->p++;
    if (*s->p != ';') return;
    while (*s->p && *s->p != '\n') s->p++;
  }
}

/* Skips one balanced (…) or […] group, or a string, from its opening character. */
static void roots__skip(RootScan *s) {
  int depth = 0;
  do {
    char c = *s->p;
    if (!c) return;
    if (c == '"') {
      for (s->p++; *s->p && *s->p != '"'; s->p++)
        if (*s->p == '\\' && s->p[1]) s->p++;
    } else if (c == ';') {
      while (*s->p && *s->p != '\n') s->p++;
      continue;
    } else if (c == '(' || c == '[') {
      depth++;
    } else if (c == ')' || c == ']') {
      depth--;
    }
    if (*s->p) s->p++;
  } while (depth > 0);
}

static void roots__suffix(RootScan *s) { /* captures and quantifiers after a pattern */
  for (;;) {
    roots__ws(s);
    if (*s->p == '@') {
      for (s->p++; *s->p && (isalnum((unsigned char)*s->p) || strchr("_.-", *s->p)); s->p++) {}
    } else if (*s->p == '?' || *s->p == '*' || *s->p == '+') {
      s->any = true; /* a repeated top-level pattern matches sibling runs */
      s->p++;
    } else {
      return;
    }
  }
}

static void roots__pattern(RootScan *s);

static void roots__name(RootScan *s) {
  const char *start = s->p;
  while (*s->p && (isalnum((unsigned char)*s->p) || *s->p == '_')) s->p++;
  size_t len = (size_t)(s->p - start);
  TSSymbol sym = len ? ts_language_symbol_for_name(s->lang, start, (uint32_t)len, true) : 0;
  if (!sym || (len == 1 && *start == '_') || ts_language_symbol_type(s->lang, sym) == TSSymbolTypeSupertype ||
      sym >= s->cq->symbol_count)
    s->any = true;
  else
    s->cq->roots[sym] = 1;
}

static void roots__pattern(RootScan *s) {
  roots__ws(s);
  char c = *s->p;
  if (c == '[') { /* alternation: every branch is a root */
    s->p++;
    for (roots__ws(s); *s->p && *s->p != ']'; roots__ws(s)) roots__pattern(s);
    if (*s->p) s->p++;
  } else if (c == '(') {
    const char *open = s->p++;
    roots__ws(s);
    if (*s->p == '(' || *s->p == '[' || *s->p == '"') { /* a group: one pattern plus predicates */
      int patterns = 0;
      for (roots__ws(s); *s->p && *s->p != ')'; roots__ws(s)) {
        if (*s->p == '(' && s->p[1] == '#') roots__skip(s);
        else if (*s->p == '(' || *s->p == '[' || *s->p == '"') roots__pattern(s), patterns++;
        else if (*s->p == '@' || *s->p == '?' || *s->p == '*' || *s->p == '+') roots__suffix(s);
        else s->p++, s->any = true;
      }
      if (patterns != 1) s->any = true; /* a sibling sequence starts below its parent */
      if (*s->p) s->p++;
    } else {
      roots__name(s);
      s->p = open;
      roots__skip(s);
    }
  } else if (c) { /* "string", _, or something unexpected: no root can be named */
    s->any = true;
    if (c == '"') roots__skip(s);
    else s->p++;
  }
  roots__suffix(s);
}

static void query__roots(CompiledQuery *self, Rule *const *rules, size_t n) {
  const TSLanguage *lang = tree_sitter_javascript();
  self->symbol_count = ts_language_symbol_count(lang);
  self->roots = calloc(self->symbol_count, 1);
  if (!self->roots) abort();
  for (size_t i = 0; i < n; i++) {
    RootScan s = {.p = rules[i]->query_source, .lang = lang, .cq = self};
    for (roots__ws(&s); *s.p; roots__ws(&s)) roots__pattern(&s);
    if (s.any) self->any_root = true;
  }
}

int query_compile(CompiledQuery *self, Rule *const *rules, size_t n, LlError *err) {
  memset(self, 0, sizeof *self);
  StrBuf src = {0};
  uint32_t *seg = calloc(n + 1, sizeof *seg);
  if (!seg) abort();
  for (size_t i = 0; i < n; i++) {
    seg[i] = (uint32_t)src.len;
    strbuf_puts(&src, rules[i]->query_source);
    strbuf_putc(&src, '\n');
  }
  uint32_t eo = 0;
  TSQueryError et = TSQueryErrorNone;
  self->query = ts_query_new(tree_sitter_javascript(), strbuf_cstr(&src), (uint32_t)src.len, &eo, &et);
  if (!self->query) {
    int r = query__rule_of(seg, n, eo);
    int line, col;
    query__linecol(rules[r]->query_source, eo - seg[r], &line, &col);
    ll_error_set(err, rules[r]->query_path, line, col, "query %s at offset %u", query__error_name(et), eo - seg[r]);
    goto error;
  }
  self->capture_count = ts_query_capture_count(self->query);
  uint32_t pc = ts_query_pattern_count(self->query);
  for (uint32_t p = 0; p < pc; p++) {
    PatternInfo pi = {.rule = rules[query__rule_of(seg, n, ts_query_start_byte_for_pattern(self->query, p))],
                      .report = -1};
    uint32_t steps_n;
    const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(self->query, p, &steps_n);
    uint32_t start = 0;
    for (uint32_t i = 0; i < steps_n; i++) {
      if (steps[i].type != TSQueryPredicateStepTypeDone) continue;
      Pred pr;
      if (query__parse_pred(self, steps + start, i - start, pi.rule, &pr, err) < 0) {
        vec_push(&self->patterns, pi);
        goto error;
      }
      vec_push(&pi.preds, pr);
      start = i + 1;
    }
    vec_push(&self->patterns, pi);
  }
  for (uint32_t c = 0; c < self->capture_count; c++) {
    uint32_t len;
    const char *name = ts_query_capture_name_for_id(self->query, c, &len);
    if (!strcmp(name, "report"))
      for (size_t p = 0; p < self->patterns.len; p++) self->patterns.items[p].report = (int)c;
  }
  free(seg);
  strbuf_free(&src);
  query__roots(self, rules, n);
  return 0;
error:
  free(seg);
  strbuf_free(&src);
  query_free(self);
  return -1;
}

void query_free(CompiledQuery *self) {
  for (size_t p = 0; p < self->patterns.len; p++) {
    PatternInfo *pi = &self->patterns.items[p];
    for (size_t i = 0; i < pi->preds.len; i++) pred_free(&pi->preds.items[i]);
    vec_free(&pi->preds);
  }
  vec_free(&self->patterns);
  free(self->roots);
  self->roots = NULL;
  if (self->query) ts_query_delete(self->query);
  self->query = NULL;
}

TSNode match_capture(const Match *m, int id) {
  for (uint16_t i = 0; i < m->qm->capture_count; i++)
    if ((int)m->qm->captures[i].index == id) return m->qm->captures[i].node;
  return (TSNode){0};
}

bool query_predicates_hold(const PatternInfo *pi, Match *m) {
  for (size_t i = 0; i < pi->preds.len; i++) {
    const Pred *p = &pi->preds.items[i];
    if (m->sem->outer && !p->region_safe) { /* needs the whole file: the caller falls back to it */
      m->sem->outer->refused = p->name;
      return false;
    }
    if (p->fn(p, m) == p->negate) return false;
  }
  return true;
}
