/* sem_path.c: the ancestors of a node, and what predicates look for among them. ts_node_parent
 * searches down from the root every time, scanning each ancestor's children from the first:
 * climbing from a node k levels deep costs k such searches, and predicates climb at every match
 * (deep nesting made that cubic, the thousands of statements of a long file made each search long).
 * Instead a tree cursor stays where the last question left it, with the path to it: the matches
 * come in tree order, so it mostly moves forward, and the whole analysis walks the tree about once.
 * Each node on the path carries the nearest function, loop and branch above it, so that predicates
 * do not climb either. */
#include "sem_private.h"
#include "syms.h"
#include <string.h>

static bool path__loop(TSNode n) {
  return node_is(n, S_for_statement) || node_is(n, S_for_in_statement) || node_is(n, S_while_statement) ||
         node_is(n, S_do_statement);
}

bool sem_is_branch(const Sem *self, TSNode n) {
  if (node_is(n, S_if_statement) || node_is(n, S_ternary_expression) || node_is(n, S_switch_case) ||
      node_is(n, S_while_statement) || node_is(n, S_for_statement) || node_is(n, S_catch_clause))
    return true;
  if (!node_is(n, S_binary_expression)) return false;
  TSNode op = node_field(n, F_operator);
  return !ts_node_is_null(op) && (sem_node_is(self, op, "&&") || sem_node_is(self, op, "||") || sem_node_is(self, op, "??"));
}

/* Does the node's text, up to a NUL byte, hold `text`? */
static bool path__mentions(const Sem *self, TSNode n, const char *text) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  size_t len = strlen(text);
  if (e > self->len) e = (uint32_t)self->len;
  const char *nul = s < e ? memchr(self->src + s, '\0', e - s) : NULL;
  if (nul) e = (uint32_t)(nul - self->src);
  for (uint32_t i = s; i + len <= e; i++)
    if (self->src[i] == text[0] && !memcmp(self->src + i, text, len)) return true;
  return false;
}

bool sem_off_main_thread(const Sem *self, TSNode parent, TSNode child) {
  if (!node_is(parent, S_if_statement)) return false;
  TSNode cond = node_field(parent, F_condition), alt = node_field(parent, F_alternative);
  bool negated = path__mentions(self, cond, "!isMainThread");
  bool plain = !negated && path__mentions(self, cond, "isMainThread");
  bool in_alt = !ts_node_is_null(alt) && ts_node_start_byte(alt) <= ts_node_start_byte(child) &&
                ts_node_end_byte(child) <= ts_node_end_byte(alt);
  return (negated && !in_alt) || (plain && in_alt);
}

/* Appends n to an ancestor list and its facts, from those of the node above it. */
static void path__push(const Sem *self, TSNode n, TSNodeVec *nodes, SemPathFactVec *facts) {
  int i = (int)nodes->len;
  SemPathFact up = i ? facts->items[i - 1] : (SemPathFact){-1, -1, -1, false};
  bool fn = sem_is_function_node(n);
  SemPathFact f = {.func = fn ? i : up.func,
                   .loop = fn ? -1 : path__loop(n) ? i : up.loop,
                   .branch = fn ? -1 : sem_is_branch(self, n) ? i : up.branch,
                   .off_main = up.off_main || (i && sem_off_main_thread(self, nodes->items[i - 1], n))};
  vec_push(nodes, n);
  vec_push(facts, f);
}

static TSNode path__top(const Sem *self) { return self->path.items[self->path.len - 1]; }

static bool path__covers(TSNode x, uint32_t s, uint32_t e) {
  return ts_node_start_byte(x) <= s && e <= ts_node_end_byte(x) && ts_node_child_count(x) > 0;
}

static void path__up(Sem *self) {
  ts_tree_cursor_goto_parent(&self->cursor);
  self->path.len--, self->facts.len--;
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
    path__push(self, c, &self->path, &self->facts);
  }
  return true;
}

/* The way ts_node_parent goes, for a node of no width (it may sit between two siblings). */
static const TSNode *path__slow(Sem *self, TSNode n, size_t *count) {
  self->slow.len = self->slow_facts.len = 0;
  TSNode a = ts_tree_root_node(self->tree);
  while (!ts_node_eq(a, n)) {
    path__push(self, a, &self->slow, &self->slow_facts);
    a = ts_node_child_with_descendant(a, n);
    if (ts_node_is_null(a)) break;
  }
  *count = self->slow.len;
  self->last_facts = self->slow_facts.items;
  return self->slow.items;
}

static const TSNode *path__answer(Sem *self, size_t count, size_t *out) {
  *out = count;
  self->last_facts = self->facts.items;
  return self->path.items;
}

const TSNode *sem_ancestors(Sem *self, TSNode n, size_t *count) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (s >= e) return path__slow(self, n, count);
  if (!self->path.len) {
    self->cursor = ts_tree_cursor_new(ts_tree_root_node(self->tree));
    path__push(self, ts_tree_root_node(self->tree), &self->path, &self->facts);
  }
  /* n already on the path (a node holding the one last asked about)? Only where ranges still
   * contain n's can it be, and not above a node strictly larger than n. */
  for (size_t i = self->path.len; i-- > 0;) {
    TSNode a = self->path.items[i];
    if (ts_node_eq(a, n)) {
      while (self->path.len > i + 1) path__up(self);
      return path__answer(self, i, count);
    }
    uint32_t as = ts_node_start_byte(a), ae = ts_node_end_byte(a);
    if (as <= s && e <= ae && (as < s || e < ae)) break;
  }
  /* Up to the nearest node covering n (n is not on the path, so that one holds it), moving forward
   * through siblings on the way: the next question is usually a little further on. */
  while (self->path.len > 1 && !path__covers(path__top(self), s, e)) {
    TSNode top = path__top(self);
    if (ts_node_end_byte(top) <= s && ts_tree_cursor_goto_next_sibling(&self->cursor)) {
      self->path.len--, self->facts.len--;
      path__push(self, ts_tree_cursor_current_node(&self->cursor), &self->path, &self->facts);
      if (ts_node_eq(path__top(self), n)) break;
      continue;
    }
    path__up(self);
  }
  if (!path__down(self, n, s, e)) { /* n is not in this tree: answer as ts_node_parent would */
    while (self->path.len > 1) path__up(self);
    return path__slow(self, n, count);
  }
  return path__answer(self, self->path.len - 1, count);
}

const SemPathFact *sem_ancestor_facts(const Sem *self) { return self->last_facts; }

void sem__path_free(Sem *self) {
  if (self->path.len) ts_tree_cursor_delete(&self->cursor);
  vec_free(&self->path);
  vec_free(&self->facts);
  vec_free(&self->slow);
  vec_free(&self->slow_facts);
}
