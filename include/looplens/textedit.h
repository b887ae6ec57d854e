/*
 * textedit — a document's text, changed by LSP `textDocument/didChange` content changes.
 *
 * Ownership: the buffer owns its text and its line index; pointers returned by textedit_text()
 * and textedit_index() stay valid until the next change or textedit_delete(). Changed text is
 * copied in; the caller keeps its own.
 *
 * Every change is all-or-nothing: it either applies completely (text and line index updated
 * together) or returns a negative status and leaves the buffer exactly as it was.
 *
 * Ranges are LSP ranges in the negotiated encoding (see textpos.h for lines and units):
 *   - a range whose start comes after its end (comparing line, then character, as sent) is
 *     rejected with TEXTEDIT_ERR_INVERTED_RANGE;
 *   - otherwise each end is clamped by textpos_position_to_offset() (a line past the end means
 *     the end of the text, a character past the end of its line means the end of that line's
 *     content, a position inside a code point rounds down), the change is applied, and the
 *     status is TEXTEDIT_CLAMPED instead of TEXTEDIT_OK so the caller can log the client's slip.
 *   - a text that would exceed UINT32_MAX bytes (tree-sitter's limit) is rejected with
 *     TEXTEDIT_ERR_TOO_LARGE.
 *
 * Each applied change reports a TexteditEdit carrying exactly what tree-sitter's `TSInputEdit`
 * needs, with points counted the way tree-sitter counts them (rows at "\n", columns in bytes).
 *
 * Cost: a change copies the text once into a spare buffer and rebuilds the line index, both
 * O(length) and word-at-a-time; no allocation once the spare buffers are large enough.
 */
#ifndef LOOPLENS_TEXTEDIT_H
#define LOOPLENS_TEXTEDIT_H

#include <stddef.h>
#include <stdint.h>

#include "looplens/textpos.h"

typedef struct TexteditBuffer TexteditBuffer;

/**
 * One applied change, field for field a tree-sitter `TSInputEdit`:
 * - `start_byte`: where the replaced range starts (same in old and new text).
 * - `old_end_byte`: where the replaced range ended in the old text.
 * - `new_end_byte`: where the inserted text ends in the new text.
 * - `start_point`, `old_end_point`, `new_end_point`: the same three as (row, byte column).
 */
typedef struct TexteditEdit {
  uint32_t start_byte;
  uint32_t old_end_byte;
  uint32_t new_end_byte;
  TextposPoint start_point;
  TextposPoint old_end_point;
  TextposPoint new_end_point;
} TexteditEdit;

typedef enum TexteditStatus {
  TEXTEDIT_OK = 0,
  TEXTEDIT_CLAMPED = 1,               /* applied, after clamping the range */
  TEXTEDIT_ERR_INVERTED_RANGE = -1,   /* rejected: start after end */
  TEXTEDIT_ERR_TOO_LARGE = -2,        /* rejected: result above UINT32_MAX bytes */
  TEXTEDIT_ERR_NOMEM = -3,            /* rejected: out of memory */
} TexteditStatus;

/** An empty buffer. Returns NULL when out of memory. */
TexteditBuffer *textedit_new(void);

/** Frees the buffer. Accepts NULL. */
void textedit_delete(TexteditBuffer *self);

/**
 * Replaces the whole text (a full-document change or the didOpen text). `edit` (may be NULL)
 * receives the change as covering the whole old text. Returns TEXTEDIT_OK or an error.
 */
TexteditStatus textedit_set_text(TexteditBuffer *self, const char *text, size_t len,
                                 TexteditEdit *edit);

/**
 * Replaces `range` (in encoding `enc`) with `text[0, len)`. `edit` (may be NULL) receives the
 * change. Returns TEXTEDIT_OK, TEXTEDIT_CLAMPED, or an error (buffer unchanged).
 */
TexteditStatus textedit_apply(TexteditBuffer *self, TextposRange range, TextposEncoding enc,
                              const char *text, size_t len, TexteditEdit *edit);

/** The current text, NUL-terminated (it may contain other NULs); its length in `*len`. */
const char *textedit_text(const TexteditBuffer *self, size_t *len);

/** The line index of the current text. */
const TextposIndex *textedit_index(const TexteditBuffer *self);

/** A short description of a status, for logs. Never NULL. */
const char *textedit_status_text(TexteditStatus status);

#endif
