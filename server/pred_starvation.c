/* pred_starvation.c: predicates of the starvation family — microtasks that reschedule themselves,
 * microtasks queued per item of an unbounded loop, and async loops whose awaits never yield. */
#include "query.h"
#include "sem_private.h"
#include "syms.h"
#include <stdlib.h>
#include <string.h>

/* Is the call only reached behind a condition inside function `g`: an if/ternary/switch/&&/||
 * around it, or an early `if (…) return` before it? Drain loops look like that. */
static bool starve__conditional(Sem *sem, TSNode call, int g) {
  TSNode fn = sem->funcs.items[g].node, stmt = call;
  size_t k;
  const TSNode *up = sem_ancestors(sem, call, &k);
  const SemPathFact *facts = sem_ancestor_facts(sem);
  int j = k ? facts[k - 1].func : -1; /* fn, unless the call is fn's own: `function () {}()` */
  if (j >= 0 && ts_node_eq(up[j], fn)) {
    if (facts[k - 1].branch > j) return true;
    /* the statement of fn's body holding the call */
    size_t below = j + 1 < (int)k && node_is(up[j + 1], S_statement_block) ? (size_t)j + 2 : (size_t)j + 1;
    if (below < k) stmt = up[below];
  } else {
    for (; k > 0 && !ts_node_eq(up[k - 1], fn); k--) {
      TSNode n = up[k - 1];
      if (sem_is_branch(sem, n)) return true;
      if (node_is(n, S_statement_block) && k > 1 && ts_node_eq(up[k - 2], fn)) break;
      stmt = n;
    }
  }
  uint32_t first = sem_early_return(sem, g);
  return first != UINT32_MAX && first < ts_node_start_byte(stmt);
}

static void starve__name(const Sem *sem, int g, StrBuf *b) {
  const SemFunc *f = &sem->funcs.items[g];
  uint32_t n = f->name_end - f->name_start;
  if (n && n <= 40) strbuf_printf(b, "`%.*s`", (int)n, sem->src + f->name_start);
  else strbuf_printf(b, "the function at line %u", sem__line(f->node));
}

/* #reschedules-self? @call: process.nextTick(f) / queueMicrotask(f) / Promise.resolve().then(f)
 * where f leads back to the function making the call. */
bool pred_reschedules_self(const Pred *p, Match *m) {
  TSNode call = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(call) || !node_is(call, S_call_expression)) return false;
  const char *path = sem_resolve_callee_ref(m->sem, call);
  const char *via = NULL;
  if (path && (!strcmp(path, "process.nextTick") || !strcmp(path, "queueMicrotask"))) via = path;
  TSNode fn = node_field(call, F_function);
  if (!via && !ts_node_is_null(fn) && node_is(fn, S_member_expression) &&
      sem_node_is(m->sem, node_field(fn, F_property), "then")) {
    TSNode recv = node_field(fn, F_object);
    const char *rp = !ts_node_is_null(recv) && node_is(recv, S_call_expression) ? sem_resolve_callee_ref(m->sem, recv) : NULL;
    if (rp && !strcmp(rp, "Promise.resolve")) via = "Promise.resolve().then";
  }
  if (!via || sem_region_refuse(m->sem, p->name)) return false; /* the call graph spans the file */
  int g = sem_func_at(m->sem, ts_node_start_byte(call));
  int t = sem_func_of(m->sem, pred_arg(call, 0));
  if (g < 0 || t < 0 || !sem__reaches(m->sem, t, g, 4)) return false;
  bool cond = starve__conditional(m->sem, call, g);
  m->demote = cond;
  StrBuf b = {0};
  starve__name(m->sem, g, &b);
  strbuf_printf(&b, " queues itself again with %s%s", via,
                cond ? " while a condition holds: until it turns false" : " unconditionally: forever");
  pred_set_detail(m, "%s", strbuf_cstr(&b));
  strbuf_free(&b);
  return true;
}

/* Counts the awaits under n (not in nested functions); *settled_all false if one may wait on I/O. */
/* #async-self-chain? @call: inside an async function whose awaits are all already settled, a call
 * that leads back to the same function: each round trip is microtasks only. */
bool pred_async_self_chain(const Pred *p, Match *m) {
  TSNode call = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(call) || !node_is(call, S_call_expression)) return false;
  const SemFunc *around = sem_func_around(m->sem, ts_node_start_byte(call));
  if (!around || !around->is_async || sem_region_refuse(m->sem, p->name)) return false; /* the call graph spans the file */
  int g = (int)(around - m->sem->funcs.items); /* a whole-file model: the function is its own */
  int t = sem_func_of(m->sem, node_field(call, F_function));
  if (t < 0 || !sem__reaches(m->sem, t, g, 3)) return false;
  /* its awaits, but `await f()` on the recursive call itself is the chain, not a boundary */
  uint32_t awaits, waiting;
  sem_awaits(m->sem, g, &awaits, &waiting);
  size_t k;
  const TSNode *up = sem_ancestors(m->sem, call, &k);
  TSNode aw = k ? up[k - 1] : (TSNode){0};
  if (!ts_node_is_null(aw) && node_is(aw, S_await_expression) && ts_node_eq(ts_node_named_child(aw, 0), call) &&
      sem_func_at(m->sem, ts_node_start_byte(aw)) == g)
    awaits--, waiting -= !sem_await_settled(m->sem, aw);
  if (awaits == 0 || waiting) return false;
  bool cond = starve__conditional(m->sem, call, g);
  m->demote = cond;
  StrBuf b = {0};
  starve__name(m->sem, g, &b);
  strbuf_printf(&b, " calls itself after awaiting only settled values: every round is a microtask%s",
                cond ? " while a condition holds" : ", forever");
  pred_set_detail(m, "%s", strbuf_cstr(&b));
  strbuf_free(&b);
  return true;
}

/* A number literal, or a const bound to one; an array literal (or const bound to one). */
static bool starve__constant(Sem *sem, TSNode n, int depth) {
  if (ts_node_is_null(n) || depth > 4) return false;
  if (node_is(n, S_number) || node_is(n, S_array) || node_is(n, S_object)) return true;
  if (node_is(n, S_member_expression)) /* LIST.length of a constant array */
    return sem_node_is(sem, node_field(n, F_property), "length") && starve__constant(sem, node_field(n, F_object), depth + 1);
  if (node_is(n, S_identifier)) {
    uint32_t s = ts_node_start_byte(n);
    const SemDecl *d = sem_lookup(sem, sem->src + s, ts_node_end_byte(n) - s, s);
    /* a region model's lookup may answer with a base declaration: its value is read in the base */
    Sem *owner = d && sem->outer && !sem__owns_decl(sem, d) ? sem->outer->base : sem;
    return d && d->kind == DECL_VALUE && d->is_const && !d->member && starve__constant(owner, d->value, depth + 1);
  }
  return false;
}

static bool starve__loop_bounded(Sem *sem, TSNode loop) {
  if (node_is(loop, S_for_in_statement)) return starve__constant(sem, node_field(loop, F_right), 0);
  if (!node_is(loop, S_for_statement)) return false; /* while / do: bounded only by state we cannot see */
  TSNode cond = node_field(loop, F_condition);
  if (!ts_node_is_null(cond) && node_is(cond, S_expression_statement)) cond = ts_node_named_child(cond, 0);
  if (ts_node_is_null(cond) || !node_is(cond, S_binary_expression)) return false;
  return starve__constant(sem, node_field(cond, F_right), 0) || starve__constant(sem, node_field(cond, F_left), 0);
}

/* #in-unbounded-loop? @call: the nearest enclosing loop (in the same function) has a bound that
 * depends on input, or none. */
bool pred_in_unbounded_loop(const Pred *p, Match *m) {
  TSNode call = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(call)) return false;
  size_t k;
  const TSNode *up = sem_ancestors(m->sem, call, &k);
  int j = k ? sem_ancestor_facts(m->sem)[k - 1].loop : -1;
  if (j < 0 || starve__loop_bounded(m->sem, up[j])) return false;
  TSNode n = up[j];
  char *head = pred_snippet(m->sem, n);
  pred_set_detail(m, "inside `%s` (line %u), whose number of rounds is decided by its input", head, sem__line(n));
  free(head);
  return true;
}

static bool starve__infinite(Sem *sem, TSNode loop) {
  TSNode cond = node_field(loop, F_condition);
  if (node_is(loop, S_for_statement))
    return ts_node_is_null(cond) || node_is(cond, S_empty_statement) ||
           (node_is(cond, S_expression_statement) && node_is(ts_node_named_child(cond, 0), S_true));
  if (ts_node_is_null(cond)) return false;
  if (node_is(cond, S_parenthesized_expression)) cond = ts_node_named_child(cond, 0);
  return !ts_node_is_null(cond) && (node_is(cond, S_true) || sem_node_is(sem, cond, "1"));
}

/* #async-spin-loop? @loop: while(true)/for(;;) in an async function whose awaits are all settled. */
bool pred_async_spin_loop(const Pred *p, Match *m) {
  TSNode loop = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(loop) || !starve__infinite(m->sem, loop)) return false;
  const SemFunc *around = sem_func_around(m->sem, ts_node_start_byte(loop));
  if (!around || !around->is_async || sem_region_refuse(m->sem, p->name)) return false;
  uint32_t n, waiting;
  sem_count_awaits(m->sem, node_field(loop, F_body), &n, &waiting);
  if (n == 0 || waiting) return false;
  bool exits = sem_contains(node_field(loop, F_body), S_break_statement, S_return_statement);
  m->demote = exits;
  m->anchor = ts_node_child(loop, 0); /* the `while` / `for` / `do` keyword: one line, not the whole loop */
  if (n == 1)
    pred_set_detail(m, "its only await is on an already-settled value, so each round resumes as a microtask%s",
                    exits ? " until the loop breaks" : " and the loop never ends");
  else
    pred_set_detail(m, "all %d of its awaits are on already-settled values, so each round resumes as a microtask%s", n,
                    exits ? " until the loop breaks" : " and the loop never ends");
  return true;
}
