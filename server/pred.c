/* pred.c: the query predicates the engine evaluates — the standard text ones the tree-sitter C
 * library leaves to its caller, and looplens's semantic ones over the Sem model. */
#include "query.h"
#include "syms.h"
#include "looplens/redos.h"
#include "sem_private.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const Sem *pred__sem(const Match *m) { return m->sem; }

/* The text of a node as (pointer, length) into the source. */
static const char *pred__text(const Match *m, TSNode n, size_t *len) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (e > pred__sem(m)->len) e = (uint32_t)pred__sem(m)->len;
  *len = e > s ? e - s : 0;
  return pred__sem(m)->src + s;
}

static bool pred__text_eq(const Match *m, TSNode n, const char *s) {
  size_t len;
  const char *t = pred__text(m, n, &len);
  return strlen(s) == len && !memcmp(t, s, len);
}

static bool pred__re(const Pred *p, Match *m, const char *s, size_t len) {
  return pcre2_match(p->re, (PCRE2_SPTR)s, len, 0, 0, m->md, NULL) >= 0;
}

static bool pred_eq(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(a)) return false;
  if (p->captures.len > 1) {
    TSNode b = match_capture(m, p->captures.items[1]);
    size_t la = 0, lb = 0;
    const char *ta = pred__text(m, a, &la), *tb = ts_node_is_null(b) ? "" : pred__text(m, b, &lb);
    return !ts_node_is_null(b) && la == lb && !memcmp(ta, tb, la);
  }
  return p->strings.len && pred__text_eq(m, a, p->strings.items[0]);
}

static bool pred_match(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  size_t len;
  const char *t = ts_node_is_null(a) ? NULL : pred__text(m, a, &len);
  return t && pred__re(p, m, t, len);
}

static bool pred_any_of(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(a)) return false;
  for (size_t i = 0; i < p->strings.len; i++)
    if (pred__text_eq(m, a, p->strings.items[i])) return true;
  return false;
}

/* #resolves-to? @expr "regex": the canonical path of the expression (of the callee, for a call or
 * new expression) matches. Keeps the path for {resolved}. */
static bool pred_resolves_to(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(a)) return false;
  const char *path = sem_resolve_callee_ref(m->sem, a);
  bool ok = path && pred__re(p, m, path, strlen(path));
  if (ok) m->resolved = path;
  return ok;
}

/* #context? @node "hot" "unknown": the code runs in one of the named contexts. */
static bool pred_context(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(a)) return false;
  const char *c = context_name(sem_context_at(m->sem, ts_node_start_byte(a)));
  for (size_t i = 0; i < p->strings.len; i++)
    if (!strcmp(c, p->strings.items[i])) return true;
  return false;
}

/* #require-call? @call: a call of the real CommonJS require (not a local function named so). */
static bool pred_require_call(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(a) || !node_is(a, S_call_expression)) return false;
  TSNode fn = node_field(a, F_function);
  if (ts_node_is_null(fn) || !pred__text_eq(m, fn, "require")) return false;
  return sem_lookup(m->sem, "require", 7, ts_node_start_byte(fn)) == NULL;
}

/* #no-callback? @call: the async form's callback is absent, so the call runs synchronously.
 * A function argument, or a trailing name after the first argument, counts as a callback. */
static bool pred_no_callback(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  TSNode args = ts_node_is_null(a) ? a : node_field(a, F_arguments);
  if (ts_node_is_null(args)) return false;
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++)
    if (sem_is_function_node(ts_node_named_child(args, i))) return false;
  if (n >= 2) {
    TSSymbol t = ts_node_symbol(ts_node_named_child(args, n - 1));
    if (t == SYM(identifier) || t == SYM(member_expression) || t == SYM(call_expression)) return false;
  }
  return true;
}

/* Does the expression read a clock? Date.now(), new Date(), performance.now(), process.hrtime(). */
static bool pred__reads_clock(Match *m, TSNode n, int depth) {
  if (ts_node_is_null(n) || depth > 8) return false;
  TSSymbol t = ts_node_symbol(n);
  if (t == SYM(call_expression) || t == SYM(new_expression)) {
    char *path = sem_resolve_callee(m->sem, n);
    bool clock = path && (!strcmp(path, "Date.now") || !strcmp(path, "new:Date") || !strcmp(path, "performance.now") ||
                          !strcmp(path, "process.hrtime") || !strcmp(path, "process.hrtime.bigint") ||
                          !strcmp(path, "Date"));
    free(path);
    if (clock) return true;
  }
  uint32_t k = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < k; i++)
    if (pred__reads_clock(m, ts_node_named_child(n, i), depth + 1)) return true;
  return false;
}

/* A body that does nothing but spin: empty, or only empty statements / clock reads / counters. */
static bool pred__idle_body(Match *m, TSNode body) {
  if (ts_node_is_null(body)) return true;
  TSSymbol t = ts_node_symbol(body);
  if (t == SYM(empty_statement)) return true;
  if (t == SYM(statement_block)) {
    uint32_t k = ts_node_named_child_count(body);
    for (uint32_t i = 0; i < k; i++)
      if (!pred__idle_body(m, ts_node_named_child(body, i))) return false;
    return true;
  }
  if (t == SYM(comment)) return true;
  if (t == SYM(expression_statement)) {
    TSNode e = ts_node_named_child(body, 0);
    const char *et = ts_node_is_null(e) ? "" : ts_node_type(e); /* rare path: names are fine */
    if (!strcmp(et, "update_expression")) return true;
    if (!strcmp(et, "assignment_expression") || !strcmp(et, "augmented_assignment_expression"))
      return pred__reads_clock(m, e, 0) || node_is(node_field(e, F_right), S_number);
  }
  return false;
}

/* #busy-wait? @loop: a while/do/for loop whose condition reads a clock and whose body idles. */
static bool pred_busy_wait(const Pred *p, Match *m) {
  TSNode loop = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(loop)) return false;
  TSNode cond = node_field(loop, F_condition);
  TSNode body = node_field(loop, F_body);
  if (ts_node_is_null(cond) || !pred__reads_clock(m, cond, 0) || !pred__idle_body(m, body)) return false;
  m->anchor = cond; /* point at the spinning condition, not the whole loop */
  return true;
}

/* #main-thread? @node: not in a worker script, nor under `if (!isMainThread)`. */
static bool pred_main_thread(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(a) || m->sem->worker_script) return false;
  size_t k;
  const TSNode *up = sem_ancestors(m->sem, a, &k);
  return !k || (!sem_ancestor_facts(m->sem)[k - 1].off_main && !sem_off_main_thread(m->sem, up[k - 1], a));
}

static void pred__utf8(StrBuf *b, unsigned long cp) {
  char u[4];
  if (cp < 0x80) strbuf_putc(b, (char)cp);
  else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), strbuf_append(b, u, 2);
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 63)), u[2] = (char)(0x80 | (cp & 63)),
    strbuf_append(b, u, 3);
  else
    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 63)), u[2] = (char)(0x80 | ((cp >> 6) & 63)),
    u[3] = (char)(0x80 | (cp & 63)), strbuf_append(b, u, 4);
}

/* The runtime value of a JS string literal's body: new RegExp('^(\\w+)$') sees ^(\w+)$. */
static char *pred__unescape(const char *s) {
  StrBuf b = {0};
  strbuf_append(&b, "", 0);
  for (; *s; s++) {
    if (*s != '\\' || !s[1]) {
      strbuf_putc(&b, *s);
      continue;
    }
    char c = *++s;
    const char *simple = strchr("nrtbfv0", c);
    if (simple && !(c == '0' && s[1] >= '0' && s[1] <= '9')) {
      strbuf_putc(&b, "\n\r\t\b\f\v"[simple - "nrtbfv0"]);
    } else if (c == 'x' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
      char h[3] = {s[1], s[2], 0};
      pred__utf8(&b, strtoul(h, NULL, 16));
      s += 2;
    } else if (c == 'u' && s[1] == '{') {
      char *end;
      unsigned long cp = strtoul(s + 2, &end, 16);
      if (*end == '}' && cp <= 0x10FFFF) pred__utf8(&b, cp), s = end;
      else strbuf_putc(&b, c);
    } else if (c == 'u' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
               isxdigit((unsigned char)s[3]) && isxdigit((unsigned char)s[4])) {
      char h[5] = {s[1], s[2], s[3], s[4], 0};
      pred__utf8(&b, strtoul(h, NULL, 16));
      s += 4;
    } else if (c == '\n') { /* line continuation */
    } else {
      strbuf_putc(&b, c);
    }
  }
  return strbuf_steal(&b);
}

/* The regex an expression holds: a literal, `new RegExp('lit', 'flags')`, or a const bound to one.
 * Fills pattern/flags (owned) and returns the node that defines it. */
static TSNode pred__regex_of(Match *m, TSNode n, char **pattern, char **flags, int depth) {
  TSNode none = {0};
  if (ts_node_is_null(n) || depth > 4) return none;
  TSSymbol t = ts_node_symbol(n);
  if (t == SYM(regex)) {
    TSNode pat = node_field(n, F_pattern), fl = node_field(n, F_flags);
    *pattern = ts_node_is_null(pat) ? ll_strdup("") : sem_node_text(m->sem, pat);
    *flags = ts_node_is_null(fl) ? ll_strdup("") : sem_node_text(m->sem, fl);
    return n;
  }
  if (t == SYM(parenthesized_expression)) return pred__regex_of(m, ts_node_named_child(n, 0), pattern, flags, depth + 1);
  if (t == SYM(new_expression) || t == SYM(call_expression)) {
    char *path = sem_resolve_callee(m->sem, n);
    bool is_re = path && (!strcmp(path, "RegExp"));
    free(path);
    TSNode args = node_field(n, F_arguments);
    if (!is_re || ts_node_is_null(args)) return none;
    char *raw = sem_string_value(m->sem, ts_node_named_child(args, 0));
    if (!raw) return none;
    char *s = pred__unescape(raw);
    free(raw);
    char *f = ts_node_named_child_count(args) > 1 ? sem_string_value(m->sem, ts_node_named_child(args, 1)) : NULL;
    *pattern = s;
    *flags = f ? f : ll_strdup("");
    return n;
  }
  if (t == SYM(identifier)) {
    uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
    const SemDecl *d = sem_lookup(m->sem, m->sem->src + s, e - s, s);
    /* let/var too: a binding initialised with a regex is rarely re-bound to a different one */
    if (!d || d->kind != DECL_VALUE || d->member || ts_node_is_null(d->value)) return none;
    return pred__regex_of(m, d->value, pattern, flags, depth + 1);
  }
  return none;
}

/* #redos-applied? @call: the call applies a catastrophic-backtracking regex:
 * re.test/exec(x), str.match/matchAll/replace/replaceAll/split/search(re). */
static bool pred_redos_applied(const Pred *p, Match *m) {
  TSNode call = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(call) || !node_is(call, S_call_expression)) return false;
  TSNode fn = node_field(call, F_function);
  TSNode args = node_field(call, F_arguments);
  if (ts_node_is_null(fn) || !node_is(fn, S_member_expression)) return false; /* most calls: no allocation */
  char *method = sem__member_name(m->sem, fn);
  if (!method || ts_node_is_null(args)) {
    free(method);
    return false;
  }
  TSNode holder = {0};
  if (!strcmp(method, "test") || !strcmp(method, "exec")) holder = node_field(fn, F_object);
  else if (!strcmp(method, "match") || !strcmp(method, "matchAll") || !strcmp(method, "replace") ||
           !strcmp(method, "replaceAll") || !strcmp(method, "split") || !strcmp(method, "search"))
    holder = ts_node_named_child(args, 0);
  free(method);
  /* the regex may be defined anywhere in the file */
  if (!ts_node_is_null(holder) && sem_region_refuse(m->sem, p->name)) return false;
  char *pattern = NULL, *flags = NULL;
  TSNode re = ts_node_is_null(holder) ? holder : pred__regex_of(m, holder, &pattern, &flags, 0);
  bool bad = false;
  if (!ts_node_is_null(re)) {
    RedosResult r;
    if (pred_memo_redos(m->memo, pattern, flags, &r) == 0 && r.verdict == REDOS_EXPONENTIAL) {
      StrBuf b = {0};
      strbuf_printf(&b, "/%s/%s: %s", pattern, flags, r.reason);
      if (ts_node_start_point(re).row != ts_node_start_point(call).row)
        strbuf_printf(&b, " (defined at line %u)", ts_node_start_point(re).row + 1);
      free(m->detail);
      m->detail = strbuf_steal(&b);
      bad = true;
    }
  }
  free(pattern);
  free(flags);
  return bad;
}

TSNode pred_arg(TSNode call, uint32_t i) {
  TSNode args = node_field(call, F_arguments);
  return ts_node_is_null(args) || i >= ts_node_named_child_count(args) ? (TSNode){0} : ts_node_named_child(args, i);
}

uint32_t pred_arg_count(TSNode call) {
  TSNode args = node_field(call, F_arguments);
  return ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
}

bool pred_inside(TSNode inner, TSNode outer) {
  return ts_node_start_byte(outer) <= ts_node_start_byte(inner) && ts_node_end_byte(inner) <= ts_node_end_byte(outer);
}

void pred_set_detail(Match *m, const char *fmt, ...) {
  StrBuf b = {0};
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(&b, fmt, ap);
  va_end(ap);
  free(m->detail);
  m->detail = strbuf_steal(&b);
}

char *pred_snippet(const Sem *sem, TSNode n) {
  StrBuf b = {0};
  sem_snippet(sem, n, 50, &b);
  return strbuf_steal(&b);
}

/* #recurring? @node: the code may run again and again (per request, event or interval tick); code
 * whose callers are unknown may, too (its severity comes from the unknown context). */
static bool pred_recurring(const Pred *p, Match *m) {
  TSNode a = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(a)) return false;
  uint32_t at = ts_node_start_byte(a);
  return sem_recurring_at(m->sem, at) || (!m->sem->cli_script && sem_context_at(m->sem, at) == CTX_UNKNOWN);
}

static const PredDef pred__table[] = {
    {"eq?", pred_eq, 1, 0, false, true},
    {"not-eq?", pred_eq, 1, 0, false, true},
    {"match?", pred_match, 1, 1, true, true},
    {"not-match?", pred_match, 1, 1, true, true},
    {"any-of?", pred_any_of, 1, 1, false, true},
    {"not-any-of?", pred_any_of, 1, 1, false, true},
    {"resolves-to?", pred_resolves_to, 1, 1, true, true},
    {"not-resolves-to?", pred_resolves_to, 1, 1, true, true},
    {"context?", pred_context, 1, 1, false, true},
    {"recurring?", pred_recurring, 1, 0, false, true},
    {"not-recurring?", pred_recurring, 1, 0, false, true},
    {"require-call?", pred_require_call, 1, 0, false, true},
    {"no-callback?", pred_no_callback, 1, 0, false, true},
    {"busy-wait?", pred_busy_wait, 1, 0, false, true},
    {"main-thread?", pred_main_thread, 1, 0, false, false},
    {"redos-applied?", pred_redos_applied, 1, 0, false, true},
    {"reschedules-self?", pred_reschedules_self, 1, 0, false, true},
    {"async-self-chain?", pred_async_self_chain, 1, 0, false, true},
    {"in-unbounded-loop?", pred_in_unbounded_loop, 1, 0, false, true},
    {"async-spin-loop?", pred_async_spin_loop, 1, 0, false, true},
    {"grows-unbounded?", pred_grows_unbounded, 1, 0, false, true},
    {"leaks-listener?", pred_leaks_listener, 1, 0, false, true},
    {"unlimited-listeners?", pred_unlimited_listeners, 1, 0, false, true},
    {"interval-never-cleared?", pred_interval_never_cleared, 1, 0, false, true},
};

const PredDef *pred_lookup(const char *name) {
  for (size_t i = 0; i < sizeof pred__table / sizeof *pred__table; i++)
    if (!strcmp(pred__table[i].name, name)) return &pred__table[i];
  return NULL;
}
