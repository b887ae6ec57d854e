/* check.h: the results of checking a set of files, shared by `check` and its output formats.
 * A FileResult owns its path, source text, diagnostics and notices. */
#ifndef LOOPLENS_CHECK_H
#define LOOPLENS_CHECK_H
#include <stdbool.h>
#include <stdio.h>
#include "looplens/diag.h"
#include "looplens/rule.h"

typedef enum { NOTE_SKIPPED, NOTE_SYNTAX, NOTE_ENCODING, NOTE_IO, NOTE_CONFIG } NoticeKind;

typedef struct {
  NoticeKind kind;
  unsigned line, column; /* 1-based; 0 when the notice is about the whole file */
  char *message;
} Notice;

typedef struct {
  char *path;
  char *src;
  size_t len;
  DiagList diags;
  Vec(Notice) notices;
  int suppressed;
} FileResult;

typedef struct {
  bool color, frames;
  const char *cwd; /* the working folder, absolute; NULL when unknown */
} OutputOptions;

void check_output_text(FILE *out, FILE *err, const FileResult *files, size_t n, const OutputOptions *opt);
void check_output_json(FILE *out, const FileResult *files, size_t n);
/* One notice as a `path:line:col: level: message` line, escaped for a terminal. */
void check_output_notice(FILE *err, const FileResult *f, const Notice *no);
const char *notice_kind_name(NoticeKind k);

#endif
