/* sem_body.c: facts about a function's own code (not its nested functions), found once per
 * function. The starvation predicates ask them at each call inside the function: scanning the
 * body every time made a function with n self-calls cost n times its length. */
#include "sem_private.h"
#include "syms.h"
#include <stdlib.h>

struct SemBody {
  bool known_exit, known_awaits;
  uint32_t early_return; /* UINT32_MAX: none */
  uint32_t awaits, waiting;
};

static struct SemBody *body__get(Sem *self, int g) {
  if (!self->bodies) {
    self->bodies = calloc(self->funcs.len + 1, sizeof *self->bodies);
    if (!self->bodies) abort();
  }
  return &self->bodies[g];
}

uint32_t sem_early_return(Sem *self, int g) {
  struct SemBody *b = body__get(self, g);
  if (b->known_exit) return b->early_return;
  b->known_exit = true, b->early_return = UINT32_MAX;
  TSNode body = node_field(self->funcs.items[g].node, F_body);
  if (ts_node_is_null(body) || !node_is(body, S_statement_block)) return UINT32_MAX;
  TSTreeCursor cur = ts_tree_cursor_new(body);
  for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok; ok = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode s = ts_tree_cursor_current_node(&cur);
    if (ts_node_is_named(s) && node_is(s, S_if_statement) && sem_contains(s, S_return_statement, S_return_statement)) {
      b->early_return = ts_node_start_byte(s);
      break;
    }
  }
  ts_tree_cursor_delete(&cur);
  return b->early_return;
}

void sem_count_awaits(Sem *self, TSNode n, uint32_t *count, uint32_t *waiting) {
  *count = *waiting = 0;
  TSTreeCursor cur = ts_tree_cursor_new(n);
  for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok;) {
    TSNode c = ts_tree_cursor_current_node(&cur);
    if (node_is(c, S_await_expression)) ++*count, *waiting += !sem_await_settled(self, c);
    if (!sem_is_function_node(c) && ts_tree_cursor_goto_first_child(&cur)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cur)) {
      if (!ts_tree_cursor_goto_parent(&cur) || ts_node_eq(ts_tree_cursor_current_node(&cur), n)) {
        ok = false;
        break;
      }
    }
  }
  ts_tree_cursor_delete(&cur);
}

void sem_awaits(Sem *self, int g, uint32_t *count, uint32_t *waiting) {
  struct SemBody *b = body__get(self, g);
  if (!b->known_awaits) {
    b->known_awaits = true;
    sem_count_awaits(self, self->funcs.items[g].node, &b->awaits, &b->waiting);
  }
  *count = b->awaits, *waiting = b->waiting;
}
