/* sem_path.c: the ancestors of a node. ts_node_parent searches down from the root every time,
 * scanning each ancestor's children from the first: climbing from a node k levels deep costs k
 * such searches, and predicates climb at every match (deep nesting made that cubic, and the
 * thousands of statements of a long file made each search long). Instead a tree cursor stays where
 * the last question left it, with the path to it: the matches come in tree order, so it mostly
 * moves forward, and the whole analysis walks the tree about once. */
#include "sem_private.h"

static TSNode path__top(const Sem *self) { return self->path.items[self->path.len - 1]; }

static bool path__covers(TSNode x, uint32_t s, uint32_t e) {
  return ts_node_start_byte(x) <= s && e <= ts_node_end_byte(x) && ts_node_child_count(x) > 0;
}

static void path__up(Sem *self) {
  ts_tree_cursor_goto_parent(&self->cursor);
  self->path.len--;
}

/* From a node covering n, down to n; false when n is not below it (not in this tree). */
static bool path__down(Sem *self, TSNode n, uint32_t s, uint32_t e) {
  while (!ts_node_eq(path__top(self), n)) {
    if (!ts_tree_cursor_goto_first_child(&self->cursor)) return false;
    TSNode c = ts_tree_cursor_current_node(&self->cursor);
    while (!ts_node_eq(c, n) && !path__covers(c, s, e)) {
      if (ts_node_start_byte(c) > s || !ts_tree_cursor_goto_next_sibling(&self->cursor)) {
        ts_tree_cursor_goto_parent(&self->cursor);
        return false;
      }
      c = ts_tree_cursor_current_node(&self->cursor);
    }
    vec_push(&self->path, c);
  }
  return true;
}

/* The way ts_node_parent goes, for a node of no width (it may sit between two siblings). */
static const TSNode *path__slow(Sem *self, TSNode n, size_t *count) {
  self->slow.len = 0;
  TSNode a = ts_tree_root_node(self->tree);
  while (!ts_node_eq(a, n)) {
    vec_push(&self->slow, a);
    a = ts_node_child_with_descendant(a, n);
    if (ts_node_is_null(a)) break;
  }
  *count = self->slow.len;
  return self->slow.items;
}

const TSNode *sem_ancestors(Sem *self, TSNode n, size_t *count) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (s >= e) return path__slow(self, n, count);
  if (!self->path.len) {
    self->cursor = ts_tree_cursor_new(ts_tree_root_node(self->tree));
    vec_push(&self->path, ts_tree_root_node(self->tree));
  }
  /* n already on the path (a node holding the one last asked about)? Only where ranges still
   * contain n's can it be, and not above a node strictly larger than n. */
  for (size_t i = self->path.len; i-- > 0;) {
    TSNode a = self->path.items[i];
    if (ts_node_eq(a, n)) {
      while (self->path.len > i + 1) path__up(self);
      *count = i;
      return self->path.items;
    }
    uint32_t as = ts_node_start_byte(a), ae = ts_node_end_byte(a);
    if (as <= s && e <= ae && (as < s || e < ae)) break;
  }
  /* Up to the nearest node covering n (n is not on the path, so that one holds it), moving forward
   * through siblings on the way: the next question is usually a little further on. */
  while (self->path.len > 1 && !path__covers(path__top(self), s, e)) {
    TSNode top = path__top(self);
    if (ts_node_end_byte(top) <= s && ts_tree_cursor_goto_next_sibling(&self->cursor)) {
      self->path.items[self->path.len - 1] = ts_tree_cursor_current_node(&self->cursor);
      if (ts_node_eq(path__top(self), n)) break;
      continue;
    }
    path__up(self);
  }
  if (!path__down(self, n, s, e)) { /* n is not in this tree: answer as ts_node_parent would */
    while (self->path.len > 1) path__up(self);
    return path__slow(self, n, count);
  }
  *count = self->path.len - 1;
  return self->path.items;
}

void sem__path_free(Sem *self) {
  if (self->path.len) ts_tree_cursor_delete(&self->cursor);
  vec_free(&self->path);
  vec_free(&self->slow);
}
