/* pred_cache.c: the unbounded-cache predicate — a write that grows a long-lived container that
 * nothing in the file ever shrinks (the container table lives in sem_life.c). */
#include "query.h"
#include "sem_private.h"
#include "syms.h"
#include <stdlib.h>
#include <string.h>

/* #grows-unbounded? @write: c.set(k, v) / c.add(x) / c.push(x) / c.unshift(x) / Object.assign(c, …) /
 * c[k] = v, where c is a module-level container (or a singleton's field) with no eviction. */
bool pred_grows_unbounded(const Pred *p, Match *m) {
  TSNode w = match_capture(m, p->captures.items[0]);
  if (ts_node_is_null(w)) return false;
  TSNode target = {0}, key = {0};
  const char *verb = NULL;
  if (node_is(w, S_call_expression)) {
    TSNode fn = node_field(w, F_function);
    const char *path = sem_resolve_callee_ref(m->sem, w);
    if (path && !strcmp(path, "Object.assign")) {
      target = pred_arg(w, 0), key = pred_arg(w, 1), verb = "merges";
    } else if (!ts_node_is_null(fn) && node_is(fn, S_member_expression)) {
      TSNode prop = node_field(fn, F_property);
      static const char *const grow[] = {"set", "add", "push", "unshift", NULL};
      for (const char *const *g = grow; *g && !verb; g++)
        if (sem_node_is(m->sem, prop, *g)) verb = *g;
      target = node_field(fn, F_object), key = pred_arg(w, 0);
    }
  } else if (node_is(w, S_assignment_expression)) {
    TSNode left = node_field(w, F_left);
    if (ts_node_is_null(left) || !node_is(left, S_subscript_expression)) return false;
    key = node_field(left, F_index);
    if (ts_node_is_null(key) || node_is(key, S_number) || node_is(key, S_string)) return false; /* a fixed slot */
    target = node_field(left, F_object), verb = "[key] =";
  }
  if (!verb || ts_node_is_null(target)) return false;
  if (sem_region_refuse(m->sem, p->name)) return false; /* containers and evictions span the file */
  SemContainerInfo info;
  if (sem_container_of(m->sem, target, &info) < 0 || info.evicted) return false;
  char *k = ts_node_is_null(key) ? ll_strdup("a value") : pred_snippet(m->sem, key);
  pred_set_detail(m, "`%s%.*s` (%s %s, line %u) grows by `%s` each time this runs, and nothing in this file ever "
                  "removes an entry", info.class_field ? "this." : "", (int)info.name_len, info.name,
                  info.class_field ? "a singleton's" : "a module-level", info.kind, info.line, k);
  free(k);
  return true;
}
