/* builtin_rules.h: the rule files embedded at build time (see tools/embed_rules.py). */
#ifndef LOOPLENS_BUILTIN_RULES_H
#define LOOPLENS_BUILTIN_RULES_H
#include <stddef.h>

typedef struct {
  const char *json_path, *json_text;
  size_t json_len;
  const char *query_path, *query_text;
  size_t query_len;
} BuiltinRule;

extern const BuiltinRule builtin_rules[];
extern const unsigned builtin_rules_count;

#endif
