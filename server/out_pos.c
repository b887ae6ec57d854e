/* out_pos.c: a finding's place in UTF-16 columns, through the language server's line index. */
#include "out.h"
#include <string.h>

int out_pos_open(OutPos *self, const FileResult *f) {
  self->index = NULL;
  if (!f->src) return 0;
  if (!(self->index = textpos_new()) || textpos_build(self->index, f->src, f->len) < 0) {
    out_pos_close(self);
    return -1;
  }
  return 0;
}

void out_pos_close(OutPos *self) {
  textpos_delete(self->index);
  self->index = NULL;
}

uint32_t out_pos_column(const OutPos *self, size_t line_start, size_t byte) {
  if (byte < line_start) return 0;
  if (!self->index) return (uint32_t)(byte - line_start + 1);
  TextposPosition a = textpos_offset_to_position(self->index, line_start, TEXTPOS_UTF16);
  TextposPosition b = textpos_offset_to_position(self->index, byte, TEXTPOS_UTF16);
  return a.line == b.line ? b.character - a.character + 1 : 0;
}

/* A diagnostic's rows and byte columns already count lines as JavaScript does (check.c
 * recounts them for lone CRs), so each line starts `column` bytes before its offset. */
OutSpan out_pos_span(const OutPos *self, const Diag *d) {
  OutSpan s = {d->start.row + 1, d->start.column + 1, d->end.row + 1, d->end.column + 1};
  uint32_t c = out_pos_column(self, d->start_byte - d->start.column, d->start_byte);
  uint32_t e = out_pos_column(self, d->end_byte - d->end.column, d->end_byte);
  if (c) s.column = c;
  if (e) s.end_column = e;
  return s;
}

uint32_t out_pos_notice_column(const OutPos *self, const FileResult *f, const Notice *no) {
  if (!f->src || !no->line || !no->column) return no->column;
  size_t start = 0;
  for (unsigned row = 1; row < no->line && start < f->len; row++) {
    const char *nl = memchr(f->src + start, '\n', f->len - start);
    start = nl ? (size_t)(nl - f->src) + 1 : f->len;
  }
  return out_pos_column(self, start, start + no->column - 1);
}
