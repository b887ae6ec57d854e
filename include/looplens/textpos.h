/*
 * textpos — a line index over a UTF-8 text: byte offsets ⇄ LSP positions ⇄ tree-sitter points.
 *
 * Ownership: the index borrows the text given to textpos_build(); the text must stay alive and
 * unchanged until the next textpos_build() or textpos_delete() on that index.
 *
 * Lines (LSP): "\n", "\r\n" and a lone "\r" each end a line; a text ending in a line break has an
 * empty last line; the empty text has one line. A line's *content* excludes its line break.
 *
 * Characters: an LSP `character` counts code units of the negotiated encoding from the start of
 * the line: UTF-16 code units (a code point above U+FFFF counts 2), UTF-8 bytes, or UTF-32 code
 * points. A tab counts 1. Each byte that is not part of a well-formed UTF-8 sequence (Unicode
 * Table 3-7: no overlongs, no surrogates, at most U+10FFFF, not truncated) counts as one unit in
 * every encoding.
 *
 * Clamping (never fails, never splits a code point):
 *   - an offset past the end of the text means the end of the text;
 *   - an offset inside a line break ("\r|\n") means the end of that line's content;
 *   - an offset inside a multi-byte sequence rounds down to the sequence's first byte;
 *   - a position whose line is past the last line means the end of the text;
 *   - a character past the end of its line's content means the end of that content (LSP rule);
 *   - a character inside a code point (the second unit of a surrogate pair, a byte inside a
 *     UTF-8 sequence) rounds down to the code point's start.
 * textpos_position_to_offset() says whether it had to clamp.
 *
 * Points (tree-sitter): `row` counts "\n" only and `column` counts bytes since the last "\n",
 * exactly as tree-sitter's lexer does. A "\r" is an ordinary column byte there, so rows and LSP
 * lines differ only in texts containing a lone "\r".
 *
 * Positions and points are 32-bit as in LSP and tree-sitter; larger values saturate.
 */
#ifndef LOOPLENS_TEXTPOS_H
#define LOOPLENS_TEXTPOS_H

#include <stddef.h>
#include <stdint.h>

typedef enum TextposEncoding {
  TEXTPOS_UTF16 = 0, /* the LSP default */
  TEXTPOS_UTF8,
  TEXTPOS_UTF32,
} TextposEncoding;

/** An LSP position: zero-based line and character (in code units of an encoding). */
typedef struct TextposPosition {
  uint32_t line;
  uint32_t character;
} TextposPosition;

/** An LSP range: `start` inclusive, `end` exclusive. */
typedef struct TextposRange {
  TextposPosition start;
  TextposPosition end;
} TextposRange;

/** A tree-sitter point: zero-based row ("\n" count) and column in bytes. */
typedef struct TextposPoint {
  uint32_t row;
  uint32_t column;
} TextposPoint;

typedef struct TextposIndex TextposIndex;

/** An index over the empty text. Returns NULL when out of memory. */
TextposIndex *textpos_new(void);

/** Frees the index (not the text). Accepts NULL. */
void textpos_delete(TextposIndex *self);

/**
 * Indexes `text[0, len)` in one pass, reusing the index's arrays.
 * Returns 0, or -1 when out of memory; the index then describes the empty text.
 */
int textpos_build(TextposIndex *self, const char *text, size_t len);

/** The indexed text and its length. */
const char *textpos_text(const TextposIndex *self, size_t *len);

/** Number of LSP lines (at least 1). */
size_t textpos_line_count(const TextposIndex *self);

/** Byte offset where `line` starts; the text length for lines past the last. */
size_t textpos_line_start(const TextposIndex *self, size_t line);

/** Byte offset where the content of `line` ends (before its line break); clamped like above. */
size_t textpos_line_end(const TextposIndex *self, size_t line);

/** Whether every byte of `line`'s content is ASCII (then every encoding counts bytes). */
int textpos_line_is_ascii(const TextposIndex *self, size_t line);

/** The line containing `offset` (clamped to the text). */
size_t textpos_line_of(const TextposIndex *self, size_t offset);

/** The LSP position of byte `offset` in encoding `enc`, clamped as described above. */
TextposPosition textpos_offset_to_position(const TextposIndex *self, size_t offset,
                                           TextposEncoding enc);

/**
 * The byte offset of LSP position `pos` in encoding `enc`, stored in `*offset`.
 * Returns 0 when `pos` named an existing code-point boundary, 1 when it was clamped.
 */
int textpos_position_to_offset(const TextposIndex *self, TextposPosition pos, TextposEncoding enc,
                               size_t *offset);

/** The tree-sitter point of byte `offset` (clamped to the text). */
TextposPoint textpos_offset_to_point(const TextposIndex *self, size_t offset);

/** The LSP name of an encoding: "utf-16", "utf-8" or "utf-32". */
const char *textpos_encoding_name(TextposEncoding enc);

/** Parses an LSP encoding name into `*out`. Returns 0, or -1 for an unknown name. */
int textpos_encoding_parse(const char *name, TextposEncoding *out);

#endif
