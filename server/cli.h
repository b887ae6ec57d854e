/* cli.h: the command-line front door. Each subcommand is a function in its own file, dispatched
 * from the table in main.c. Subcommands print; nothing below them does. */
#ifndef LOOPLENS_CLI_H
#define LOOPLENS_CLI_H
#include "looplens/rule.h"

/* `--max-size`: larger files (check) and documents (lsp) are not analysed. */
#define CLI_DEFAULT_MAX_SIZE ((size_t)4 << 20)

int cli_check(int argc, char **argv);
int cli_rules(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_lsp(int argc, char **argv);

/* Prints an engine error as `file:line:column: error: text` (or `file: error: text`) on stderr. */
void cli_print_error(const LlError *e);
/* Built-in rules plus the packs named with --rules-dir; prints the error and returns NULL. */
RuleSet *cli_load_rules(char *const *dirs, size_t n);
/* The chapter file a rule's `chapter` field names, as an absolute path if the chapters are found
 * (LOOPLENS_CHAPTERS, the installed share/looplens, or the source tree); owned. */
char *cli_chapter_path(const char *chapter);

#endif
