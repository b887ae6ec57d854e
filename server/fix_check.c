/* fix_check.c: a code action's edit is applied to the text and the result reparsed before the
 * action is offered; an edit that would break the code or change what it does is refused. */
#include "looplens/engine.h"
#include "engine_private.h"
#include "sem.h"
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

static bool fix__type_in(TSNode n, const char *const *types) {
  const char *t = ts_node_type(n);
  for (; *types; types++)
    if (!strcmp(t, *types)) return true;
  return false;
}

/* Text the program reads as data (or JSX markup): an edit boundary inside one changes the data. */
static const char *const fix__literal[] = {
    "string", "string_fragment", "template_string", "regex", "comment", "html_comment", "hash_bang_line",
    "jsx_text", "jsx_element", "jsx_opening_element", "jsx_closing_element", "jsx_self_closing_element", NULL};
/* Code nested inside a literal: `${…}` in a template, `{…}` in JSX. */
static const char *const fix__code_inside[] = {"template_substitution", "jsx_expression", NULL};

/* Does byte `at` fall strictly inside a literal (not inside code nested in one)? */
static bool fix__inside_literal(TSNode root, uint32_t at) {
  for (TSNode n = ts_node_descendant_for_byte_range(root, at, at); !ts_node_is_null(n); n = ts_node_parent(n)) {
    if (ts_node_start_byte(n) >= at || ts_node_end_byte(n) <= at) continue; /* at its edge: outside */
    if (fix__type_in(n, fix__code_inside)) return false;
    if (fix__type_in(n, fix__literal)) return true;
  }
  return false;
}

/* ERROR and MISSING nodes in the tree (only subtrees with errors are visited). */
static size_t fix__count_errors(TSNode n) {
  if (!ts_node_has_error(n)) return 0;
  size_t count = ts_node_is_error(n) || ts_node_is_missing(n);
  for (uint32_t i = 0, k = ts_node_child_count(n); i < k; i++) count += fix__count_errors(ts_node_child(n, i));
  return count;
}

static bool fix__is_async(TSNode fn) {
  for (uint32_t i = 0; i < ts_node_child_count(fn) && i < 3; i++)
    if (!strcmp(ts_node_type(ts_node_child(fn, i)), "async")) return true;
  return false;
}

/* May an `await` stand here: in the body of an async function, not in its parameters, nor in a
 * class field or static block between (those are their own scopes)? */
static bool fix__await_allowed(TSNode n) {
  static const char *const barrier[] = {"formal_parameters", "field_definition", "class_static_block", NULL};
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); p = ts_node_parent(p)) {
    if (fix__type_in(p, barrier)) return false;
    if (sem_is_function_node(p)) return fix__is_async(p);
  }
  return false; /* top level: only a module allows it; never offered there */
}

/* The first `await` starting in [from, to) that may not stand where it is, if any. */
static bool fix__misplaced_await(TSNode n, uint32_t from, uint32_t to) {
  if (ts_node_end_byte(n) <= from || ts_node_start_byte(n) >= to) return false;
  if (!strcmp(ts_node_type(n), "await_expression") && ts_node_start_byte(n) >= from && !fix__await_allowed(n))
    return true;
  for (uint32_t i = 0, k = ts_node_child_count(n); i < k; i++)
    if (fix__misplaced_await(ts_node_child(n, i), from, to)) return true;
  return false;
}

/* The tree-sitter point of byte `at` of `s`: rows break at '\n', columns count bytes. */
static TSPoint fix__point(const char *s, size_t at) {
  TSPoint p = {0, 0};
  const char *line = s;
  for (const char *nl; (nl = memchr(line, '\n', (size_t)(s + at - line))) != NULL; line = nl + 1) p.row++;
  p.column = (uint32_t)(s + at - line);
  return p;
}

const char *engine_doc_fix_refused(Analyzer *an, const EngineDoc *doc, const char *src, size_t len, uint32_t start,
                                   uint32_t end, const char *text, size_t n) {
  TSTree *tree = engine__doc_tree(doc);
  if (!tree || start > end || end > len || len - (end - start) > UINT32_MAX - n) return "no syntax tree of this text";
  TSNode root = ts_tree_root_node(tree);
  if (fix__inside_literal(root, start) || (end != start && fix__inside_literal(root, end)))
    return "the edit would land inside a string, template, regular expression, comment or JSX text";
  size_t new_len = len - (end - start) + n;
  char *edited = malloc(new_len + 1);
  if (!edited) return "out of memory";
  memcpy(edited, src, start);
  memcpy(edited + start, text, n);
  memcpy(edited + start + n, src + end, len - end);
  edited[new_len] = '\0';
  TSTree *old = ts_tree_copy(tree); /* reparsed incrementally; the document's tree stays as it is */
  TSInputEdit e = {start, end, start + (uint32_t)n, fix__point(src, start), fix__point(src, end),
                   fix__point(edited, start + n)};
  ts_tree_edit(old, &e);
  TSTree *fresh = ts_parser_parse_string(an->parser, old, edited, (uint32_t)new_len);
  ts_tree_delete(old);
  free(edited);
  const char *why = NULL;
  if (!fresh) why = "the edited text could not be parsed";
  else if (fix__count_errors(ts_tree_root_node(fresh)) > fix__count_errors(root))
    why = "the edited text would have a syntax error";
  else if (fix__misplaced_await(ts_tree_root_node(fresh), start, start + (uint32_t)n))
    why = "the edit would put `await` outside the body of an async function";
  ts_tree_delete(fresh);
  return why;
}
