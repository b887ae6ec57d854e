/* Unit tests for textpos: line index, LSP positions (UTF-16/8/32), tree-sitter points. TAP output. */
#include "tap.h"
#include "looplens/textpos.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a tiny TAP harness: one line per case ---- */


#define CHECK_EQ(a, b)                                                                            \
  do {                                                                                            \
    unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);                \
    if (a_ != b_) {                                                                               \
      snprintf(fail_msg, sizeof fail_msg, "line %d: %s == %llu, expected %s == %llu", __LINE__,  \
               #a, a_, #b, b_);                                                                   \
      return false;                                                                               \
    }                                                                                             \
  } while (0)

/* ---- helpers ---- */

static TextposIndex *idx(const char *text) {
  TextposIndex *self = textpos_new();
  if (self) textpos_build(self, text, strlen(text));
  return self;
}

static TextposPosition P(uint32_t line, uint32_t character) {
  return (TextposPosition){line, character};
}

/* offset -> position, and back, must name the same place (for code-point boundaries). */
static bool roundtrip(TextposIndex *ix, size_t offset, TextposEncoding enc, uint32_t line,
                      uint32_t ch) {
  TextposPosition p = textpos_offset_to_position(ix, offset, enc);
  CHECK_EQ(p.line, line);
  CHECK_EQ(p.character, ch);
  size_t back = 99999;
  CHECK_EQ(textpos_position_to_offset(ix, p, enc, &back), 0);
  CHECK_EQ(back, offset);
  return true;
}

static bool to_offset(TextposIndex *ix, uint32_t line, uint32_t ch, TextposEncoding enc,
                      size_t want, int want_clamped) {
  size_t got = 99999;
  int clamped = textpos_position_to_offset(ix, P(line, ch), enc, &got);
  CHECK_EQ(got, want);
  CHECK_EQ(clamped, want_clamped);
  return true;
}

/* ---- named cases ---- */

static bool test_empty_text(void) {
  TextposIndex *ix = textpos_new();
  CHECK(ix);
  CHECK_EQ(textpos_line_count(ix), 1);
  CHECK_EQ(textpos_line_start(ix, 0), 0);
  CHECK_EQ(textpos_line_end(ix, 0), 0);
  CHECK(roundtrip(ix, 0, TEXTPOS_UTF16, 0, 0));
  CHECK(to_offset(ix, 0, 5, TEXTPOS_UTF16, 0, 1));
  CHECK(to_offset(ix, 3, 0, TEXTPOS_UTF16, 0, 1));
  TextposPoint pt = textpos_offset_to_point(ix, 10);
  CHECK_EQ(pt.row, 0);
  CHECK_EQ(pt.column, 0);
  textpos_delete(ix);
  return true;
}

static bool test_ascii_lf_lines(void) {
  TextposIndex *ix = idx("ab\ncde\n\nf");
  CHECK_EQ(textpos_line_count(ix), 4);
  CHECK_EQ(textpos_line_start(ix, 1), 3);
  CHECK_EQ(textpos_line_end(ix, 1), 6);
  CHECK_EQ(textpos_line_start(ix, 2), 7);
  CHECK_EQ(textpos_line_end(ix, 2), 7);
  CHECK_EQ(textpos_line_start(ix, 3), 8);
  CHECK(roundtrip(ix, 0, TEXTPOS_UTF16, 0, 0));
  CHECK(roundtrip(ix, 2, TEXTPOS_UTF16, 0, 2));
  CHECK(roundtrip(ix, 5, TEXTPOS_UTF16, 1, 2));
  CHECK(roundtrip(ix, 7, TEXTPOS_UTF16, 2, 0));
  CHECK(roundtrip(ix, 9, TEXTPOS_UTF16, 3, 1));
  CHECK(textpos_line_is_ascii(ix, 1));
  textpos_delete(ix);
  return true;
}

static bool test_trailing_newline_makes_empty_last_line(void) {
  TextposIndex *ix = idx("a\n");
  CHECK_EQ(textpos_line_count(ix), 2);
  CHECK(roundtrip(ix, 2, TEXTPOS_UTF16, 1, 0));
  CHECK(to_offset(ix, 1, 0, TEXTPOS_UTF16, 2, 0));
  textpos_delete(ix);
  return true;
}

static bool test_crlf_lines(void) {
  TextposIndex *ix = idx("ab\r\ncd\r\n");
  CHECK_EQ(textpos_line_count(ix), 3);
  CHECK_EQ(textpos_line_start(ix, 1), 4);
  CHECK_EQ(textpos_line_end(ix, 0), 2);
  CHECK_EQ(textpos_line_end(ix, 1), 6);
  CHECK(roundtrip(ix, 2, TEXTPOS_UTF16, 0, 2));
  CHECK(roundtrip(ix, 4, TEXTPOS_UTF16, 1, 0));
  CHECK(roundtrip(ix, 8, TEXTPOS_UTF16, 2, 0));
  /* the offset between CR and LF is the end of line 0's content */
  TextposPosition p = textpos_offset_to_position(ix, 3, TEXTPOS_UTF16);
  CHECK_EQ(p.line, 0);
  CHECK_EQ(p.character, 2);
  /* a character past the content never lands inside CRLF */
  CHECK(to_offset(ix, 0, 3, TEXTPOS_UTF16, 2, 1));
  textpos_delete(ix);
  return true;
}

static bool test_lone_cr_and_mixed_breaks(void) {
  /* lines: "a" CR | "b" CRLF | "" LF | "" CR | "c" */
  TextposIndex *ix = idx("a\rb\r\n\n\rc");
  CHECK_EQ(textpos_line_count(ix), 5);
  CHECK_EQ(textpos_line_start(ix, 1), 2);
  CHECK_EQ(textpos_line_start(ix, 2), 5);
  CHECK_EQ(textpos_line_start(ix, 3), 6);
  CHECK_EQ(textpos_line_start(ix, 4), 7);
  CHECK_EQ(textpos_line_end(ix, 0), 1);
  CHECK_EQ(textpos_line_end(ix, 1), 3);
  CHECK_EQ(textpos_line_end(ix, 2), 5);
  CHECK_EQ(textpos_line_end(ix, 3), 6);
  CHECK(roundtrip(ix, 8, TEXTPOS_UTF16, 4, 1));
  textpos_delete(ix);
  return true;
}

static bool test_cr_then_lf_far_apart_is_two_breaks(void) {
  TextposIndex *ix = idx("\r\r\n");
  CHECK_EQ(textpos_line_count(ix), 3);
  CHECK_EQ(textpos_line_start(ix, 1), 1);
  CHECK_EQ(textpos_line_start(ix, 2), 3);
  textpos_delete(ix);
  return true;
}

static bool test_utf16_bmp_and_astral(void) {
  /* "é" 2 bytes/1 unit, "€" 3 bytes/1 unit, "😀" 4 bytes/2 units */
  TextposIndex *ix = idx("x\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80y");
  CHECK(!textpos_line_is_ascii(ix, 0));
  CHECK(roundtrip(ix, 1, TEXTPOS_UTF16, 0, 1));
  CHECK(roundtrip(ix, 3, TEXTPOS_UTF16, 0, 2));
  CHECK(roundtrip(ix, 6, TEXTPOS_UTF16, 0, 3));
  CHECK(roundtrip(ix, 10, TEXTPOS_UTF16, 0, 5));
  CHECK(roundtrip(ix, 11, TEXTPOS_UTF16, 0, 6));
  textpos_delete(ix);
  return true;
}

static bool test_utf8_and_utf32_units(void) {
  TextposIndex *ix = idx("x\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80y");
  CHECK(roundtrip(ix, 3, TEXTPOS_UTF8, 0, 3));
  CHECK(roundtrip(ix, 10, TEXTPOS_UTF8, 0, 10));
  CHECK(roundtrip(ix, 11, TEXTPOS_UTF8, 0, 11));
  CHECK(roundtrip(ix, 6, TEXTPOS_UTF32, 0, 3));
  CHECK(roundtrip(ix, 10, TEXTPOS_UTF32, 0, 4));
  CHECK(roundtrip(ix, 11, TEXTPOS_UTF32, 0, 5));
  textpos_delete(ix);
  return true;
}

static bool test_surrogate_middle_rounds_down(void) {
  TextposIndex *ix = idx("a\xF0\x9F\x98\x80" "b");
  /* UTF-16 character 2 is between the two surrogates of U+1F600: round down to its start */
  CHECK(to_offset(ix, 0, 2, TEXTPOS_UTF16, 1, 1));
  CHECK(to_offset(ix, 0, 3, TEXTPOS_UTF16, 5, 0));
  /* UTF-8 character 3 is inside the 4-byte sequence */
  CHECK(to_offset(ix, 0, 3, TEXTPOS_UTF8, 1, 1));
  textpos_delete(ix);
  return true;
}

static bool test_offset_inside_code_point_rounds_down(void) {
  TextposIndex *ix = idx("a\xF0\x9F\x98\x80" "b");
  for (size_t off = 2; off <= 4; off++) {
    CHECK_EQ(textpos_offset_to_position(ix, off, TEXTPOS_UTF16).character, 1);
    CHECK_EQ(textpos_offset_to_position(ix, off, TEXTPOS_UTF8).character, 1);
  }
  textpos_delete(ix);
  return true;
}

static bool test_emoji_on_later_line_with_crlf(void) {
  TextposIndex *ix = idx("ab\r\n\xF0\x9F\x98\x80=\xF0\x9F\x98\x80;\r\nz");
  CHECK_EQ(textpos_line_count(ix), 3);
  CHECK(textpos_line_is_ascii(ix, 0));
  CHECK(!textpos_line_is_ascii(ix, 1));
  CHECK(textpos_line_is_ascii(ix, 2));
  CHECK(roundtrip(ix, 8, TEXTPOS_UTF16, 1, 2));
  CHECK(roundtrip(ix, 13, TEXTPOS_UTF16, 1, 5));
  CHECK(roundtrip(ix, 14, TEXTPOS_UTF16, 1, 6));
  CHECK(to_offset(ix, 1, 99, TEXTPOS_UTF16, 14, 1));
  CHECK(roundtrip(ix, 16, TEXTPOS_UTF16, 2, 0));
  textpos_delete(ix);
  return true;
}

static bool test_tab_counts_one(void) {
  TextposIndex *ix = idx("\t\tx");
  CHECK(roundtrip(ix, 2, TEXTPOS_UTF16, 0, 2));
  CHECK(roundtrip(ix, 2, TEXTPOS_UTF8, 0, 2));
  textpos_delete(ix);
  return true;
}

static bool test_invalid_utf8_each_byte_one_unit(void) {
  /* 80: stray continuation; C0 AF: overlong; ED A0 80: surrogate; F4 90 80 80: > U+10FFFF;
   * E2 82: truncated before 'x'; FF: never valid */
  static const char text[] = "\x80\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80\xE2\x82x\xFF";
  TextposIndex *ix = textpos_new();
  textpos_build(ix, text, sizeof text - 1);
  for (size_t off = 0; off <= sizeof text - 1; off++) {
    CHECK(roundtrip(ix, off, TEXTPOS_UTF16, 0, (uint32_t)off));
    CHECK(roundtrip(ix, off, TEXTPOS_UTF32, 0, (uint32_t)off));
    CHECK(roundtrip(ix, off, TEXTPOS_UTF8, 0, (uint32_t)off));
  }
  textpos_delete(ix);
  return true;
}

static bool test_truncated_sequence_at_end_of_text(void) {
  static const char text[] = "a\xF0\x9F\x98";
  TextposIndex *ix = textpos_new();
  textpos_build(ix, text, sizeof text - 1);
  CHECK(roundtrip(ix, 4, TEXTPOS_UTF16, 0, 4));
  CHECK(to_offset(ix, 0, 9, TEXTPOS_UTF16, 4, 1));
  textpos_delete(ix);
  return true;
}

static bool test_sequence_cut_by_line_break(void) {
  /* E2 82 then LF: both bytes invalid, the LF still breaks the line */
  TextposIndex *ix = idx("\xE2\x82\n\xC3\xA9");
  CHECK_EQ(textpos_line_count(ix), 2);
  CHECK(roundtrip(ix, 2, TEXTPOS_UTF16, 0, 2));
  CHECK(roundtrip(ix, 5, TEXTPOS_UTF16, 1, 1));
  textpos_delete(ix);
  return true;
}

static bool test_clamp_past_line_and_text(void) {
  TextposIndex *ix = idx("abc\nde");
  CHECK(to_offset(ix, 0, 3, TEXTPOS_UTF16, 3, 0));
  CHECK(to_offset(ix, 0, 4, TEXTPOS_UTF16, 3, 1));
  CHECK(to_offset(ix, 0, UINT32_MAX, TEXTPOS_UTF16, 3, 1));
  CHECK(to_offset(ix, 1, 2, TEXTPOS_UTF16, 6, 0));
  CHECK(to_offset(ix, 2, 0, TEXTPOS_UTF16, 6, 1));
  CHECK(to_offset(ix, UINT32_MAX, UINT32_MAX, TEXTPOS_UTF16, 6, 1));
  TextposPosition p = textpos_offset_to_position(ix, 1000, TEXTPOS_UTF16);
  CHECK_EQ(p.line, 1);
  CHECK_EQ(p.character, 2);
  CHECK_EQ(textpos_line_of(ix, 1000), 1);
  CHECK_EQ(textpos_line_start(ix, 7), 6);
  CHECK_EQ(textpos_line_end(ix, 7), 6);
  textpos_delete(ix);
  return true;
}

static bool test_points_follow_tree_sitter(void) {
  TextposIndex *ix = idx("ab\r\nc\xC3\xA9\rd\ne");
  TextposPoint pt;
  pt = textpos_offset_to_point(ix, 3); /* the LF of CRLF: CR is a column byte */
  CHECK_EQ(pt.row, 0);
  CHECK_EQ(pt.column, 3);
  pt = textpos_offset_to_point(ix, 4);
  CHECK_EQ(pt.row, 1);
  CHECK_EQ(pt.column, 0);
  pt = textpos_offset_to_point(ix, 7); /* columns are bytes: "c" + 2-byte "é" */
  CHECK_EQ(pt.row, 1);
  CHECK_EQ(pt.column, 3);
  pt = textpos_offset_to_point(ix, 8); /* after a lone CR: same row for tree-sitter */
  CHECK_EQ(pt.row, 1);
  CHECK_EQ(pt.column, 4);
  CHECK_EQ(textpos_offset_to_position(ix, 8, TEXTPOS_UTF16).line, 2); /* new LSP line */
  pt = textpos_offset_to_point(ix, 10);
  CHECK_EQ(pt.row, 2);
  CHECK_EQ(pt.column, 0);
  textpos_delete(ix);
  return true;
}

static bool test_rebuild_reuses_and_resets(void) {
  TextposIndex *ix = idx("a\rb\rc\xC3\xA9");
  CHECK_EQ(textpos_line_count(ix), 3);
  textpos_build(ix, "x\ny", 3);
  CHECK_EQ(textpos_line_count(ix), 2);
  CHECK(textpos_line_is_ascii(ix, 0));
  TextposPoint pt = textpos_offset_to_point(ix, 3);
  CHECK_EQ(pt.row, 1);
  CHECK_EQ(pt.column, 1);
  size_t len = 0;
  CHECK(strcmp(textpos_text(ix, &len), "x\ny") == 0);
  CHECK_EQ(len, 3);
  textpos_delete(ix);
  return true;
}

static bool test_many_lines_grow_arrays(void) {
  size_t n = 100000;
  char *text = malloc(n * 2);
  for (size_t i = 0; i < n; i++) {
    text[2 * i] = (char)('a' + i % 26);
    text[2 * i + 1] = i % 3 == 0 ? '\r' : '\n';
  }
  TextposIndex *ix = textpos_new();
  CHECK_EQ(textpos_build(ix, text, n * 2), 0);
  CHECK_EQ(textpos_line_count(ix), n + 1);
  CHECK_EQ(textpos_line_start(ix, 54321), 54321 * 2);
  TextposPoint pt = textpos_offset_to_point(ix, 2 * n);
  CHECK_EQ(pt.row, n - (n + 2) / 3);
  textpos_delete(ix);
  free(text);
  return true;
}

static bool test_encoding_names(void) {
  TextposEncoding e = TEXTPOS_UTF16;
  CHECK_EQ(textpos_encoding_parse("utf-8", &e), 0);
  CHECK_EQ(e, TEXTPOS_UTF8);
  CHECK_EQ(textpos_encoding_parse("utf-32", &e), 0);
  CHECK_EQ(e, TEXTPOS_UTF32);
  CHECK_EQ(textpos_encoding_parse("utf-16", &e), 0);
  CHECK_EQ(e, TEXTPOS_UTF16);
  CHECK_EQ(textpos_encoding_parse("UTF-8", &e), -1);
  CHECK_EQ(textpos_encoding_parse("latin1", &e), -1);
  CHECK(strcmp(textpos_encoding_name(TEXTPOS_UTF8), "utf-8") == 0);
  CHECK(strcmp(textpos_encoding_name(TEXTPOS_UTF16), "utf-16") == 0);
  return true;
}

/* ---- randomized comparison with a slow, independently written reference ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state >> 11);
}

/* Decodes by value: returns the sequence length if well-formed, else 0. */
static size_t ref_decode(const unsigned char *p, size_t n, uint32_t *cp) {
  size_t len = p[0] < 0x80 ? 1 : p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
  if (len == 0 || len > n || p[0] > 0xF7) return 0;
  uint32_t v = len == 1 ? p[0] : (uint32_t)(p[0] & (0x7F >> len));
  for (size_t k = 1; k < len; k++) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[k] & 0x3F);
  }
  static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

typedef struct RefPos {
  uint32_t line, ch[3];   /* per encoding, indexed by TextposEncoding */
  bool boundary;          /* a code-point boundary not inside a line break */
  uint32_t row, column;   /* tree-sitter point */
} RefPos;

/* Expected position of every offset 0..len. */
static void ref_positions(const unsigned char *s, size_t len, RefPos *out) {
  uint32_t line = 0, ch[3] = {0, 0, 0}, row = 0;
  size_t row_start = 0;
  size_t i = 0;
  while (i <= len) {
    out[i] = (RefPos){line, {ch[0], ch[1], ch[2]}, true, row, (uint32_t)(i - row_start)};
    if (i == len) break;
    if (s[i] == '\n' || s[i] == '\r') {
      size_t brk = s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
      if (brk == 2) {
        out[i + 1] = (RefPos){line, {ch[0], ch[1], ch[2]}, false, row, (uint32_t)(i + 1 - row_start)};
      }
      i += brk;
      line++;
      ch[0] = ch[1] = ch[2] = 0;
      if (s[i - 1] == '\n') {
        row++;
        row_start = i;
      }
      continue;
    }
    uint32_t cp;
    size_t n = ref_decode(s + i, len - i, &cp);
    if (n == 0) {
      n = 1;
      ch[TEXTPOS_UTF16]++;
      ch[TEXTPOS_UTF8]++;
      ch[TEXTPOS_UTF32]++;
    } else {
      ch[TEXTPOS_UTF16] += cp > 0xFFFF ? 2 : 1;
      ch[TEXTPOS_UTF8] += (uint32_t)n;
      ch[TEXTPOS_UTF32] += 1;
    }
    for (size_t k = 1; k < n; k++) {
      out[i + k] = out[i];
      out[i + k].boundary = false;
      out[i + k].column = (uint32_t)(i + k - row_start);
    }
    i += n;
  }
}

static const char *const pieces[] = {
    "a", "bc", "\t", " ", "\n", "\r", "\r\n", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
    "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\xFF", "\xF0\x9F\x98",
    "\xC2", "const value = 42;", "abcdefghijklmnop",
};

static bool test_random_texts_match_reference(void) {
  enum { ROUNDS = 3000, MAXLEN = 400 };
  unsigned char *text = malloc(MAXLEN + 32);
  RefPos *ref = malloc((MAXLEN + 33) * sizeof *ref);
  TextposIndex *ix = textpos_new();
  for (int round = 0; round < ROUNDS; round++) {
    size_t len = 0, pieces_n = rng() % 40;
    for (size_t k = 0; k < pieces_n; k++) {
      const char *piece = pieces[rng() % (sizeof pieces / sizeof *pieces)];
      size_t n = strlen(piece);
      if (len + n > MAXLEN) break;
      memcpy(text + len, piece, n);
      len += n;
    }
    ref_positions(text, len, ref);
    CHECK_EQ(textpos_build(ix, (const char *)text, len), 0);
    uint32_t lines = ref[len].line + 1;
    CHECK_EQ(textpos_line_count(ix), lines);
    for (int e = 0; e < 3; e++) {
      TextposEncoding enc = (TextposEncoding)e;
      for (size_t off = 0; off <= len + 2; off++) {
        RefPos r = ref[off > len ? len : off];
        TextposPosition p = textpos_offset_to_position(ix, off, enc);
        if (p.line != r.line || p.character != r.ch[e]) {
          snprintf(fail_msg, sizeof fail_msg, "round %d enc %d offset %zu: got %u:%u want %u:%u",
                   round, e, off, p.line, p.character, r.line, r.ch[e]);
          return false;
        }
        TextposPoint pt = textpos_offset_to_point(ix, off);
        CHECK_EQ(pt.row, r.row);
        CHECK_EQ(pt.column, r.column);
      }
      /* every (line, character) on a grid: exact at boundaries, else the last boundary before */
      for (uint32_t line = 0; line <= lines; line++) {
        for (uint32_t ch = 0; ch < 24; ch++) {
          size_t want = len;
          int want_clamped = 1;
          if (line < lines) {
            want = SIZE_MAX;
            for (size_t off = 0; off <= len; off++) {
              if (ref[off].line != line || !ref[off].boundary) continue;
              if (ref[off].ch[e] <= ch) want = off;
              if (ref[off].ch[e] == ch) want_clamped = 0;
            }
          }
          size_t got = 0;
          int clamped = textpos_position_to_offset(ix, P(line, ch), enc, &got);
          if (got != want || clamped != want_clamped) {
            snprintf(fail_msg, sizeof fail_msg,
                     "round %d enc %d pos %u:%u: got %zu (%d) want %zu (%d)", round, e, line, ch,
                     got, clamped, want, want_clamped);
            return false;
          }
        }
      }
    }
  }
  textpos_delete(ix);
  free(ref);
  free(text);
  return true;
}

static const TestCase cases[] = {
    {"empty text has one line and clamps everything to 0", test_empty_text},
    {"ASCII LF lines: starts, ends, round trips", test_ascii_lf_lines},
    {"trailing newline makes an empty last line", test_trailing_newline_makes_empty_last_line},
    {"CRLF: line ends exclude CR, offset inside CRLF maps to line end", test_crlf_lines},
    {"lone CR and mixed CR/CRLF/LF breaks", test_lone_cr_and_mixed_breaks},
    {"CR then CRLF is two breaks", test_cr_then_lf_far_apart_is_two_breaks},
    {"UTF-16: BMP counts 1, astral counts 2", test_utf16_bmp_and_astral},
    {"UTF-8 counts bytes, UTF-32 counts code points", test_utf8_and_utf32_units},
    {"position between surrogates rounds down and reports clamping", test_surrogate_middle_rounds_down},
    {"offset inside a code point rounds down", test_offset_inside_code_point_rounds_down},
    {"emoji on a CRLF line after an ASCII line", test_emoji_on_later_line_with_crlf},
    {"tab counts one unit", test_tab_counts_one},
    {"invalid UTF-8: each byte is one unit in every encoding", test_invalid_utf8_each_byte_one_unit},
    {"truncated sequence at end of text", test_truncated_sequence_at_end_of_text},
    {"sequence cut by a line break", test_sequence_cut_by_line_break},
    {"clamping past line end and past text end", test_clamp_past_line_and_text},
    {"points count LF rows and byte columns like tree-sitter", test_points_follow_tree_sitter},
    {"rebuild reuses arrays and resets lone-CR rows", test_rebuild_reuses_and_resets},
    {"100k lines with CR and LF grow the arrays", test_many_lines_grow_arrays},
    {"encoding names parse and print", test_encoding_names},
    {"3000 random texts match a by-value reference decoder", test_random_texts_match_reference},
};

int main(void) {
  size_t n = sizeof cases / sizeof *cases;
  int failed = 0;
  printf("1..%zu\n", n);
  for (size_t i = 0; i < n; i++) {
    fail_msg[0] = '\0';
    bool ok = cases[i].run();
    printf("%s %zu - %s%s%s\n", ok ? "ok" : "not ok", i + 1, cases[i].name, ok ? "" : " # ",
           ok ? "" : fail_msg);
    fflush(stdout); /* keep the TAP stream complete even if a sanitizer ends the process */
    failed += !ok;
  }
  /* a failed case returns early and leaks; skip the leak report that would bury the TAP lines */
  if (failed) _exit(1);
  return 0;
}
