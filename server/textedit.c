/* textedit — document text under LSP changes. See include/looplens/textedit.h. */
#include "looplens/textedit.h"

#include <stdlib.h>
#include <string.h>

/*
 * - `text[0, len]`: the current text plus a NUL; `index` describes it.
 * - `spare`, `spare_index`: where the next text is assembled and indexed before the swap that
 *   commits it, so that a failed change leaves the current pair untouched.
 */
struct TexteditBuffer {
  char *text;
  size_t len, cap;
  TextposIndex *index;
  char *spare;
  size_t spare_cap;
  TextposIndex *spare_index;
};

TexteditBuffer *textedit_new(void) {
  TexteditBuffer *self = calloc(1, sizeof *self);
  if (!self) return NULL;
  self->text = calloc(1, 1);
  self->cap = 1;
  self->index = textpos_new();
  self->spare_index = textpos_new();
  if (!self->text || !self->index || !self->spare_index) {
    textedit_delete(self);
    return NULL;
  }
  textpos_build(self->index, self->text, 0); /* cannot fail for the empty text */
  return self;
}

void textedit_delete(TexteditBuffer *self) {
  if (!self) return;
  free(self->text);
  free(self->spare);
  textpos_delete(self->index);
  textpos_delete(self->spare_index);
  free(self);
}

const char *textedit_text(const TexteditBuffer *self, size_t *len) {
  if (len) *len = self->len;
  return self->text;
}

const TextposIndex *textedit_index(const TexteditBuffer *self) { return self->index; }

/* Ensures the spare buffer holds `need` bytes; its old contents are not kept. */
static int textedit__reserve_spare(TexteditBuffer *self, size_t need) {
  if (self->spare_cap >= need) return 0;
  size_t cap = self->spare_cap > need / 2 ? self->spare_cap * 2 : need;
  if (cap < need) cap = need;
  char *p = malloc(cap);
  if (!p) return -1;
  free(self->spare);
  self->spare = p;
  self->spare_cap = cap;
  return 0;
}

/* Replaces bytes [start, end) with `ins[0, n)`: assemble and index in the spare, then swap. */
static TexteditStatus textedit__replace(TexteditBuffer *self, size_t start, size_t end,
                                        const char *ins, size_t n, TexteditEdit *edit) {
  size_t kept = self->len - (end - start);
  if (n > UINT32_MAX || kept > UINT32_MAX - n) return TEXTEDIT_ERR_TOO_LARGE;
  size_t new_len = kept + n;
  if (textedit__reserve_spare(self, new_len + 1) < 0) return TEXTEDIT_ERR_NOMEM;
  memcpy(self->spare, self->text, start);
  if (n) memcpy(self->spare + start, ins, n);
  memcpy(self->spare + start + n, self->text + end, self->len - end);
  self->spare[new_len] = '\0';
  if (textpos_build(self->spare_index, self->spare, new_len) < 0) return TEXTEDIT_ERR_NOMEM;
  if (edit) {
    edit->start_byte = (uint32_t)start;
    edit->old_end_byte = (uint32_t)end;
    edit->new_end_byte = (uint32_t)(start + n);
    edit->start_point = textpos_offset_to_point(self->index, start);
    edit->old_end_point = textpos_offset_to_point(self->index, end);
    edit->new_end_point = textpos_offset_to_point(self->spare_index, start + n);
  }
  char *text = self->text;
  size_t cap = self->cap;
  TextposIndex *index = self->index;
  self->text = self->spare;
  self->cap = self->spare_cap;
  self->len = new_len;
  self->index = self->spare_index;
  self->spare = text;
  self->spare_cap = cap;
  self->spare_index = index;
  return TEXTEDIT_OK;
}

TexteditStatus textedit_set_text(TexteditBuffer *self, const char *text, size_t len,
                                 TexteditEdit *edit) {
  return textedit__replace(self, 0, self->len, text, len, edit);
}

static int textedit__before(TextposPosition a, TextposPosition b) {
  return a.line < b.line || (a.line == b.line && a.character < b.character);
}

TexteditStatus textedit_apply(TexteditBuffer *self, TextposRange range, TextposEncoding enc,
                              const char *text, size_t len, TexteditEdit *edit) {
  if (textedit__before(range.end, range.start)) return TEXTEDIT_ERR_INVERTED_RANGE;
  size_t start, end;
  int clamped = textpos_position_to_offset(self->index, range.start, enc, &start);
  clamped |= textpos_position_to_offset(self->index, range.end, enc, &end);
  if (start > end) return TEXTEDIT_ERR_INVERTED_RANGE; /* unreachable: clamping is monotonic */
  TexteditStatus status = textedit__replace(self, start, end, text, len, edit);
  if (status != TEXTEDIT_OK) return status;
  return clamped ? TEXTEDIT_CLAMPED : TEXTEDIT_OK;
}

const char *textedit_status_text(TexteditStatus status) {
  switch (status) {
  case TEXTEDIT_OK: return "applied";
  case TEXTEDIT_CLAMPED: return "applied after clamping an out-of-range position";
  case TEXTEDIT_ERR_INVERTED_RANGE: return "rejected: range start is after its end";
  case TEXTEDIT_ERR_TOO_LARGE: return "rejected: text would exceed 4 GiB";
  case TEXTEDIT_ERR_NOMEM: return "rejected: out of memory";
  }
  return "unknown status";
}
