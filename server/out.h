/* out.h: `check`'s output formats, chosen by name from one table (out_format.c), one file each
 * (cli_output.c: text and json; out_sarif.c, out_github.c, out_gitlab.c, out_checkstyle.c), and
 * what the machine formats share: UTF-16 columns, fingerprints, the chain to the hot caller.
 * Writers borrow everything in a CheckOutput; what a helper fills in is the caller's to free. */
#ifndef LOOPLENS_OUT_H
#define LOOPLENS_OUT_H
#include "check.h"
#include "looplens/textpos.h"

/* What one run of `check` hands to its format. */
typedef struct {
  FILE *out, *err;
  const FileResult *files; /* the reported files, in order */
  size_t n;
  const RuleSet *rules;    /* every rule loaded, listed by formats that describe their rules */
  const OutputOptions *opt;
} CheckOutput;

/* Whether the analysis must keep each file's text for the format (FileResult.src). */
typedef enum { OUT_SOURCE_NEVER, OUT_SOURCE_ON_TERMINAL, OUT_SOURCE_ALWAYS } OutSource;

typedef struct {
  const char *name;
  OutSource source;
  int (*write)(const CheckOutput *o); /* 0, or -1 when the output could not be made */
} OutFormat;

/* The format called `name`, NULL when there is none. */
const OutFormat *out_format_find(const char *name);
/* The names, for messages: "text, json, sarif, …". */
const char *out_format_names(void);

int out_sarif_write(const CheckOutput *o);
int out_github_write(const CheckOutput *o);
int out_gitlab_write(const CheckOutput *o);
int out_checkstyle_write(const CheckOutput *o);

/* --- positions: 1-based lines, columns in UTF-16 code units (what SARIF, JavaScript and web
 * review tools count), end column exclusive. Lines are the ones the text output shows. --- */
typedef struct { uint32_t line, column, end_line, end_column; } OutSpan;

typedef struct {
  TextposIndex *index; /* over the file's text; NULL when the text was not kept */
} OutPos;

/* Indexes f->src (when kept). -1 when out of memory. */
int out_pos_open(OutPos *self, const FileResult *f);
void out_pos_close(OutPos *self);
OutSpan out_pos_span(const OutPos *self, const Diag *d);
/* A notice's column (1-based bytes on a "\n"-separated row) in UTF-16 code units. */
uint32_t out_pos_notice_column(const OutPos *self, const FileResult *f, const Notice *no);
/* The 1-based UTF-16 column of `byte` on the line starting at `line_start`; without the text, the
 * byte column; 0 when the two are not on one line. */
uint32_t out_pos_column(const OutPos *self, size_t line_start, size_t byte);

/* --- fingerprints: a finding's identity across commits, blind to line numbers ---
 * A hash (XXH3, 128 bits, in hex) of the rule id, the file's path, the flagged code with its
 * white space removed, and the occurrence index of that triple in the file. Lines inserted above
 * a finding, or re-indentation, leave it unchanged. */
typedef struct { char hex[33]; } OutFingerprint;

/* One fingerprint per diagnostic of f, in order (out holds f->diags.len). */
void out_fingerprints(const FileResult *f, OutFingerprint *out);

/* --- the chain from the hot caller to a finding ---
 * A step is one place on the way, first the root (the registration that makes the code hot). */
typedef struct {
  const char *path;      /* borrowed */
  uint32_t line, column; /* 1-based; column 0: the whole line */
  char *message;         /* owned */
} OutStep;
typedef Vec(OutStep) OutSteps;

/* The steps a diagnostic's context note names in its own file. A bridge until diagnostics carry
 * their chain as data: only "(line N)" mentions before the chain leaves the file are located. */
void out_steps_from_note(const FileResult *f, const Diag *d, OutSteps *out);
/* All of a diagnostic's steps, root first: the calls in other files (Diag.related), then those its
 * note names in its own file. */
void out_steps_of(const FileResult *f, const Diag *d, OutSteps *out);
void out_steps_free(OutSteps *self);

/* d's message, with its context note when the message does not already say it. Owned. */
char *out_message(const Diag *d);

#endif
