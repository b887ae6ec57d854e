/* syms.c: the symbol and field tables of syms.h, filled once per process. */
#include "syms.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const TSLanguage *tree_sitter_javascript(void);

TSSymbol syms_table[S__COUNT];
TSFieldId syms_fields[F__COUNT];

static const char *const syms__names[S__COUNT] = {"arrow_function", "assignment_expression", "assignment_pattern", "await_expression", "call_expression", "catch_clause", "class", "class_body", "class_declaration", "comment", "empty_statement", "export_clause", "export_statement", "expression_statement", "for_in_statement", "for_statement", "function_declaration", "function_expression", "generator_function", "generator_function_declaration", "hash_bang_line", "identifier", "if_statement", "import_clause", "import_specifier", "import_statement", "lexical_declaration", "member_expression", "method_definition", "named_imports", "namespace_import", "new_expression", "number", "object", "object_assignment_pattern", "object_pattern", "pair", "pair_pattern", "parenthesized_expression", "property_identifier", "regex", "shorthand_property_identifier", "shorthand_property_identifier_pattern", "statement_block", "string", "string_fragment", "subscript_expression", "switch_body", "template_string", "this", "arguments", "private_property_identifier", "unary_expression", "field_definition", "return_statement", "break_statement", "ternary_expression", "binary_expression", "switch_case", "do_statement", "while_statement", "array", "true", "null", "undefined", "variable_declaration", "variable_declarator", "false"};
static const char *const syms__fields[F__COUNT] = {"alias", "consequence", "increment", "initializer", "operator", "alternative", "arguments", "body", "condition", "constructor", "declaration", "flags", "function", "index", "key", "left", "name", "object", "parameter", "parameters", "pattern", "property", "right", "source", "value"};

static void syms__fill(void) {
  const TSLanguage *js = tree_sitter_javascript();
  for (int i = 0; i < S__COUNT; i++) {
    syms_table[i] = ts_language_symbol_for_name(js, syms__names[i], (uint32_t)strlen(syms__names[i]), true);
    if (!syms_table[i]) { fprintf(stderr, "looplens: grammar has no node type %s\n", syms__names[i]); abort(); }
  }
  for (int i = 0; i < F__COUNT; i++) {
    syms_fields[i] = ts_language_field_id_for_name(js, syms__fields[i], (uint32_t)strlen(syms__fields[i]));
    if (!syms_fields[i]) { fprintf(stderr, "looplens: grammar has no field %s\n", syms__fields[i]); abort(); }
  }
}

void syms_init(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, syms__fill);
}
