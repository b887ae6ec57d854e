/* main.c: looplens's entry point — only the subcommand table. */
#include "cli.h"
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} CliCommand;

static const CliCommand commands[] = {
    {"check", cli_check, "report runtime hazards in files and directories"},
    {"rules", cli_rules, "list the rules"},
    {"explain", cli_explain, "explain a rule: mechanism, what people think vs what happens, fix, trap"},
    {"lsp", cli_lsp, "run the language server (LSP 3.17 over stdio)"},
};

static void usage(FILE *f) {
  fputs("usage: looplens <command> [options]\n\ncommands:\n", f);
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fputs("\n`looplens <command> --help` for a command's options; `looplens --version` for the version.\n", f);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
    printf("looplens %s\n", LOOPLENS_VERSION);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "looplens: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
