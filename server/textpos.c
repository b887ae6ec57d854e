/* textpos — line index and position conversion. See include/looplens/textpos.h. */
#include "looplens/textpos.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * - `starts[i]`: byte offset where LSP line i starts (starts[0] == 0); `ascii[i]`: its content
 *   is pure ASCII. Both arrays hold `count` entries and have room for `cap`.
 * - `rows`: where each tree-sitter row starts ("\n" only); kept only when the text has a lone
 *   "\r" (`lone_cr`), since otherwise rows and lines coincide.
 */
struct TextposIndex {
  const char *text;
  size_t len;
  size_t *starts;
  uint8_t *ascii;
  size_t count, cap;
  size_t *rows;
  size_t row_count, row_cap;
  bool lone_cr;
};

static uint32_t textpos__u32(size_t v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

TextposIndex *textpos_new(void) {
  TextposIndex *self = calloc(1, sizeof *self);
  if (!self) return NULL;
  self->cap = 64;
  self->starts = malloc(self->cap * sizeof *self->starts);
  self->ascii = malloc(self->cap);
  if (!self->starts || !self->ascii) {
    textpos_delete(self);
    return NULL;
  }
  textpos_build(self, "", 0); /* cannot fail: room for one line */
  return self;
}

void textpos_delete(TextposIndex *self) {
  if (!self) return;
  free(self->starts);
  free(self->ascii);
  free(self->rows);
  free(self);
}

static int textpos__grow(void **array, size_t *cap, size_t need, size_t item) {
  size_t n = *cap ? *cap : 64;
  while (n < need) {
    if (n > SIZE_MAX / 2 / item) return -1;
    n *= 2;
  }
  void *p = realloc(*array, n * item);
  if (!p) return -1;
  *array = p;
  *cap = n;
  return 0;
}

/* Appends a line starting at `start`; the previous line's ASCII flag is `prev_ascii`. */
static int textpos__push_line(TextposIndex *self, size_t start, bool prev_ascii) {
  self->ascii[self->count - 1] = prev_ascii;
  if (self->count == self->cap) {
    size_t starts_cap = self->cap, ascii_cap = self->cap;
    if (textpos__grow((void **)&self->starts, &starts_cap, self->count + 1, sizeof(size_t)) < 0 ||
        textpos__grow((void **)&self->ascii, &ascii_cap, self->count + 1, 1) < 0)
      return -1;
    self->cap = starts_cap < ascii_cap ? starts_cap : ascii_cap;
  }
  self->starts[self->count++] = start;
  return 0;
}

static int textpos__push_row(TextposIndex *self, size_t start) {
  if (self->row_count == self->row_cap &&
      textpos__grow((void **)&self->rows, &self->row_cap, self->row_count + 1, sizeof(size_t)) < 0)
    return -1;
  self->rows[self->row_count++] = start;
  return 0;
}

/* On the first lone CR: rows so far equal lines so far. */
static int textpos__split_rows(TextposIndex *self) {
  if (self->row_cap < self->count &&
      textpos__grow((void **)&self->rows, &self->row_cap, self->count, sizeof(size_t)) < 0)
    return -1;
  memcpy(self->rows, self->starts, self->count * sizeof(size_t));
  self->row_count = self->count;
  self->lone_cr = true;
  return 0;
}

/* Non-zero when any of the 8 bytes in `w` is '\r' or >= 0x80 (may flag extra bytes). */
static uint64_t textpos__special(uint64_t w) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t cr = w ^ (ones * '\r');
  return (((cr - ones) & ~cr) | w) & highs;
}

/*
 * Indexes the line content s[i, end) (end is a LF or the end of the text): records its ASCII
 * flag and splits it at lone CRs. `lf` says whether s[end] is a LF (then a CR just before it
 * belongs to the CRLF terminator). Lines are found with memchr; their content is checked 8 bytes
 * at a time, so the pass runs at close to memchr speed on ordinary code.
 */
static int textpos__scan_line(TextposIndex *self, const unsigned char *s, size_t i, size_t end,
                              bool lf, bool *ascii) {
  while (i < end) {
    if (end - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (!textpos__special(w)) {
        i += 8;
        continue;
      }
    }
    size_t stop = end - i >= 8 ? i + 8 : end;
    for (; i < stop; i++) {
      if (s[i] >= 0x80) *ascii = false;
      if (s[i] != '\r' || (lf && i + 1 == end)) continue;
      /* a lone CR ends an LSP line but not a tree-sitter row */
      if (!self->lone_cr && textpos__split_rows(self) < 0) return -1;
      if (textpos__push_line(self, i + 1, *ascii) < 0) return -1;
      *ascii = true;
    }
  }
  return 0;
}

int textpos_build(TextposIndex *self, const char *text, size_t len) {
  const unsigned char *s = (const unsigned char *)text;
  bool ascii = true;
  size_t i = 0;
  self->text = text;
  self->len = len;
  self->count = 1;
  self->starts[0] = 0;
  self->row_count = 0;
  self->lone_cr = false;
  for (;;) {
    const unsigned char *nl = i < len ? memchr(s + i, '\n', len - i) : NULL;
    size_t end = nl ? (size_t)(nl - s) : len;
    if (textpos__scan_line(self, s, i, end, nl != NULL, &ascii) < 0) goto nomem;
    if (!nl) break;
    if (textpos__push_line(self, end + 1, ascii) < 0) goto nomem;
    if (self->lone_cr && textpos__push_row(self, end + 1) < 0) goto nomem;
    ascii = true;
    i = end + 1;
  }
  self->ascii[self->count - 1] = ascii;
  return 0;
nomem:
  textpos_build(self, "", 0);
  return -1;
}

const char *textpos_text(const TextposIndex *self, size_t *len) {
  if (len) *len = self->len;
  return self->text;
}

size_t textpos_line_count(const TextposIndex *self) { return self->count; }

/* Index of the last element of sorted `a[0, n)` that is <= `v` (a[0] == 0 <= v). */
static size_t textpos__floor(const size_t *a, size_t n, size_t v) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (a[mid] <= v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo - 1;
}

size_t textpos_line_of(const TextposIndex *self, size_t offset) {
  if (offset > self->len) offset = self->len;
  return textpos__floor(self->starts, self->count, offset);
}

size_t textpos_line_start(const TextposIndex *self, size_t line) {
  return line < self->count ? self->starts[line] : self->len;
}

size_t textpos_line_end(const TextposIndex *self, size_t line) {
  if (line + 1 >= self->count) return self->len; /* last line, or past it */
  size_t next = self->starts[line + 1];
  if (self->text[next - 1] == '\n' && next >= self->starts[line] + 2 && self->text[next - 2] == '\r')
    return next - 2;
  return next - 1;
}

int textpos_line_is_ascii(const TextposIndex *self, size_t line) {
  return line < self->count ? self->ascii[line] : 1;
}

/* Length of the well-formed UTF-8 sequence at `p` (`n` >= 1 bytes available), or 0 if none. */
static size_t textpos__sequence(const unsigned char *p, size_t n) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
  unsigned char lo = 0x80, hi = 0xBF;
  size_t len;
  if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F; /* no surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F; /* at most U+10FFFF */
  } else {
    return 0;
  }
  if (n < len || p[1] < lo || p[1] > hi) return 0;
  for (size_t k = 2; k < len; k++)
    if ((p[k] & 0xC0) != 0x80) return 0;
  return len;
}

/* Bytes and code units of the code point (or invalid byte) at `p`. */
static size_t textpos__step(const unsigned char *p, size_t n, TextposEncoding enc, size_t *units) {
  size_t len = textpos__sequence(p, n);
  if (len == 0) {
    *units = 1;
    return 1;
  }
  *units = enc == TEXTPOS_UTF8 ? len : enc == TEXTPOS_UTF16 ? (len == 4 ? 2 : 1) : 1;
  return len;
}

TextposPosition textpos_offset_to_position(const TextposIndex *self, size_t offset,
                                           TextposEncoding enc) {
  size_t line = textpos_line_of(self, offset);
  size_t start = self->starts[line], end = textpos_line_end(self, line);
  if (offset > end) offset = end;
  size_t units = 0;
  if (self->ascii[line]) {
    units = offset - start;
  } else {
    const unsigned char *s = (const unsigned char *)self->text;
    for (size_t j = start; j < offset;) {
      size_t u, len = textpos__step(s + j, end - j, enc, &u);
      if (j + len > offset) break; /* inside a code point: round down */
      units += u;
      j += len;
    }
  }
  return (TextposPosition){.line = textpos__u32(line), .character = textpos__u32(units)};
}

int textpos_position_to_offset(const TextposIndex *self, TextposPosition pos, TextposEncoding enc,
                               size_t *offset) {
  if (pos.line >= self->count) {
    *offset = self->len;
    return 1;
  }
  size_t start = self->starts[pos.line], end = textpos_line_end(self, pos.line);
  size_t want = pos.character;
  if (self->ascii[pos.line]) {
    bool past = want > end - start;
    *offset = past ? end : start + want;
    return past;
  }
  const unsigned char *s = (const unsigned char *)self->text;
  size_t units = 0, j = start;
  while (j < end && units < want) {
    size_t u, len = textpos__step(s + j, end - j, enc, &u);
    if (units + u > want) break; /* inside a code point: round down */
    units += u;
    j += len;
  }
  *offset = j;
  return units != want;
}

TextposPoint textpos_offset_to_point(const TextposIndex *self, size_t offset) {
  if (offset > self->len) offset = self->len;
  const size_t *rows = self->lone_cr ? self->rows : self->starts;
  size_t n = self->lone_cr ? self->row_count : self->count;
  size_t row = textpos__floor(rows, n, offset);
  return (TextposPoint){.row = textpos__u32(row), .column = textpos__u32(offset - rows[row])};
}

static const char *const textpos__names[] = {
    [TEXTPOS_UTF16] = "utf-16",
    [TEXTPOS_UTF8] = "utf-8",
    [TEXTPOS_UTF32] = "utf-32",
};

const char *textpos_encoding_name(TextposEncoding enc) {
  return (unsigned)enc < sizeof textpos__names / sizeof *textpos__names ? textpos__names[enc]
                                                                          : "utf-16";
}

int textpos_encoding_parse(const char *name, TextposEncoding *out) {
  for (size_t i = 0; i < sizeof textpos__names / sizeof *textpos__names; i++) {
    if (strcmp(name, textpos__names[i]) == 0) {
      *out = (TextposEncoding)i;
      return 0;
    }
  }
  return -1;
}
