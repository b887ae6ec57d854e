/* pred_listener.c: the listener-leak family — listeners added per request to emitters that live
 * forever, the max-listeners warning switched off, and intervals nobody clears. */
#include "query.h"
#include "sem_private.h"
#include "syms.h"
#include <stdlib.h>
#include <string.h>

/* #leaks-listener? @call: emitter.on/addListener/prependListener(ev, fn) where the emitter
 * outlives the request and the listener is never removed. */
bool pred_leaks_listener(const Pred *p, Match *m) {
  TSNode call = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(call) || !node_is(call, S_call_expression)) return false;
  TSNode fn = node_field(call, F_function);
  if (ts_node_is_null(fn) || !node_is(fn, S_member_expression)) return false;
  TSNode prop = node_field(fn, F_property);
  bool target = sem_node_is(m->sem, prop, "addEventListener"); /* EventTarget: honours { signal, once } */
  if (!target && !sem_node_is(m->sem, prop, "on") && !sem_node_is(m->sem, prop, "addListener") &&
      !sem_node_is(m->sem, prop, "prependListener"))
    return false;
  TSNode emitter = node_field(fn, F_object), handler = pred_arg(call, 1);
  if (ts_node_is_null(handler) || sem_region_refuse(m->sem, p->name)) return false; /* removals span the file */
  if (!sem_long_lived(m->sem, emitter, 0)) return false;
  /* a removal anywhere in the file balances it: often the close handler or a sibling callback does it */
  if (sem_listener_removed(m->sem, emitter, pred_arg(call, 0), handler)) return false;
  TSNode opts = pred_arg(call, 2);
  char *o = ts_node_is_null(opts) || !node_is(opts, S_object) ? NULL : sem_node_text(m->sem, opts);
  bool signal = o && strstr(o, "signal");
  bool once = o && strstr(o, "once") && !strstr(o, "once: false");
  free(o);
  if (target && (signal || once)) return false;
  char *e = pred_snippet(m->sem, emitter), *ev = pred_snippet(m->sem, pred_arg(call, 0));
  pred_set_detail(m, "`%s` outlives every request, and each run adds one more %s listener that is never removed%s", e, ev,
                  signal && !target
                      ? " (EventEmitter#on takes no options: the { signal } here is ignored, so abort removes nothing)"
                      : "");
  free(e);
  free(ev);
  return true;
}

static bool listen__unlimited(const Sem *sem, TSNode v) {
  return !ts_node_is_null(v) && (sem_node_is(sem, v, "0") || sem_node_is(sem, v, "Infinity"));
}

/* #unlimited-listeners? @node: x.setMaxListeners(0|Infinity), events.setMaxListeners(0|Infinity, …),
 * EventEmitter.defaultMaxListeners = 0|Infinity. */
bool pred_unlimited_listeners(const Pred *p, Match *m) {
  TSNode n = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(n)) return false;
  TSNode value = {0};
  if (node_is(n, S_call_expression)) {
    TSNode fn = node_field(n, F_function);
    TSNode name = ts_node_is_null(fn) ? fn : node_is(fn, S_member_expression) ? node_field(fn, F_property) : fn;
    if (ts_node_is_null(name) || !sem_node_is(m->sem, name, "setMaxListeners")) return false;
    value = pred_arg(n, 0);
  } else if (node_is(n, S_assignment_expression)) {
    TSNode left = node_field(n, F_left);
    if (ts_node_is_null(left) || !node_is(left, S_member_expression) ||
        !sem_node_is(m->sem, node_field(left, F_property), "defaultMaxListeners"))
      return false;
    value = node_field(n, F_right);
  }
  if (!listen__unlimited(m->sem, value)) return false;
  char *v = pred_snippet(m->sem, value);
  pred_set_detail(m, "the limit is set to %s", v);
  free(v);
  return true;
}

/* #interval-never-cleared? @call: setInterval(…) whose handle is dropped, or stored somewhere no
 * clearInterval in the file ever receives. */
bool pred_interval_never_cleared(const Pred *p, Match *m) {
  TSNode call = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(call)) return false;
  const char *path = sem_resolve_callee_ref(m->sem, call);
  if (!path || strcmp(path, "setInterval") || sem_region_refuse(m->sem, p->name)) return false; /* clears span the file */
  /* climb through `.unref()` / `.ref()` chains and parentheses to whatever keeps the handle */
  size_t k;
  const TSNode *anc = sem_ancestors(m->sem, call, &k);
  TSNode n = call, up = k ? anc[--k] : (TSNode){0};
  while (!ts_node_is_null(up) && (node_is(up, S_parenthesized_expression) || node_is(up, S_member_expression) ||
                                  (node_is(up, S_call_expression) && ts_node_eq(node_field(up, F_function), n)))) {
    n = up;
    up = k ? anc[--k] : (TSNode){0};
  }
  TSNode holder = {0};
  if (!ts_node_is_null(up) && node_is(up, S_variable_declarator)) holder = node_field(up, F_name);
  else if (!ts_node_is_null(up) && node_is(up, S_assignment_expression)) holder = node_field(up, F_left);
  else if (ts_node_is_null(up) || !node_is(up, S_expression_statement)) return false; /* returned or passed on */
  if (!ts_node_is_null(holder)) {
    if (sem_interval_cleared(m->sem, holder)) return false;
    char *h = pred_snippet(m->sem, holder);
    pred_set_detail(m, "its handle `%s` is never passed to clearInterval", h);
    free(h);
  } else {
    pred_set_detail(m, "its handle is dropped, so nothing can ever clear it");
  }
  return true;
}
