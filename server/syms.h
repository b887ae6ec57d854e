/* syms.h: node-type symbols and field ids of the JavaScript grammar, looked up once by name so the
 * hot loops compare integers instead of strings. Read-only after syms_init (thread-safe, idempotent). */
#ifndef LOOPLENS_SYMS_H
#define LOOPLENS_SYMS_H
#include <stdbool.h>
#include <tree_sitter/api.h>

typedef enum {
  S_arrow_function,
  S_assignment_expression,
  S_assignment_pattern,
  S_await_expression,
  S_call_expression,
  S_catch_clause,
  S_class,
  S_class_body,
  S_class_declaration,
  S_comment,
  S_empty_statement,
  S_export_clause,
  S_export_statement,
  S_expression_statement,
  S_for_in_statement,
  S_for_statement,
  S_function_declaration,
  S_function_expression,
  S_generator_function,
  S_generator_function_declaration,
  S_hash_bang_line,
  S_identifier,
  S_if_statement,
  S_import_clause,
  S_import_specifier,
  S_import_statement,
  S_lexical_declaration,
  S_member_expression,
  S_method_definition,
  S_named_imports,
  S_namespace_import,
  S_new_expression,
  S_number,
  S_object,
  S_object_assignment_pattern,
  S_object_pattern,
  S_pair,
  S_pair_pattern,
  S_parenthesized_expression,
  S_property_identifier,
  S_regex,
  S_shorthand_property_identifier,
  S_shorthand_property_identifier_pattern,
  S_statement_block,
  S_string,
  S_string_fragment,
  S_subscript_expression,
  S_switch_body,
  S_template_string,
  S_this,
  S_arguments,
  S_private_property_identifier,
  S_unary_expression,
  S_field_definition,
  S_return_statement,
  S_break_statement,
  S_ternary_expression,
  S_binary_expression,
  S_switch_case,
  S_do_statement,
  S_while_statement,
  S_array,
  S_true,
  S_null,
  S_undefined,
  S_variable_declaration,
  S_variable_declarator,
  S_false,
  S__COUNT
} SymId;

typedef enum {
  F_alias,
  F_consequence,
  F_increment,
  F_initializer,
  F_operator,
  F_alternative,
  F_arguments,
  F_body,
  F_condition,
  F_constructor,
  F_declaration,
  F_flags,
  F_function,
  F_index,
  F_key,
  F_left,
  F_name,
  F_object,
  F_parameter,
  F_parameters,
  F_pattern,
  F_property,
  F_right,
  F_source,
  F_value,
  F__COUNT
} FieldIdx;

extern TSSymbol syms_table[S__COUNT];
extern TSFieldId syms_fields[F__COUNT];

void syms_init(void);
#define SYM(name) (syms_table[S_##name])
static inline bool node_is(TSNode n, SymId s) { return ts_node_symbol(n) == syms_table[s]; }
/* Field lookup. The hottest ones take the child by position (a call's function is its first child,
 * its arguments its last; a member expression's object first, property last) instead of
 * ts_node_child_by_field_id, which walks the field map and the children. */
static inline TSNode node_field(TSNode n, FieldIdx f) {
  TSSymbol s = ts_node_symbol(n);
  if (s == syms_table[S_call_expression] || s == syms_table[S_member_expression]) {
    TSNode c = (TSNode){0};
    if (f == F_function || f == F_object) c = ts_node_child(n, 0);
    else if (f == F_arguments || f == F_property) {
      uint32_t k = ts_node_child_count(n);
      if (k) c = ts_node_child(n, k - 1);
    }
    /* error recovery can leave other nodes in those places: then ask the field map */
    if (!ts_node_is_null(c) && ts_node_is_named(c) && !ts_node_is_error(c) &&
        (f != F_arguments || ts_node_symbol(c) == syms_table[S_arguments] ||
         ts_node_symbol(c) == syms_table[S_template_string]) &&
        (f != F_property || ts_node_symbol(c) == syms_table[S_property_identifier] ||
         ts_node_symbol(c) == syms_table[S_private_property_identifier]))
      return c;
  }
  return ts_node_child_by_field_id(n, syms_fields[f]);
}

#endif
