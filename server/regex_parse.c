/* regex_parse.c — character sets and a recursive-descent parser for ECMAScript 2024 regular expressions
 * (Annex B leniency when neither `u` nor `v` is set). Error messages follow V8's wording. */
#include "regex_ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================================
 * Character sets
 * ====================================================================================== */

#define SET__TMP (2 * REGEX_SET_RANGES + 2)

/* Merges overlapping/adjacent ranges of a sorted list, then merges the closest neighbours until the
 * list fits: over-approximation is the only safe direction for an analyser that looks for overlaps. */
static void set__store(RegexSet *self, RegexRange *tmp, uint32_t n) {
  uint32_t out = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (out > 0 && tmp[i].lo <= tmp[out - 1].hi + 1) {
      if (tmp[i].hi > tmp[out - 1].hi) tmp[out - 1].hi = tmp[i].hi;
    } else {
      tmp[out++] = tmp[i];
    }
  }
  while (out > REGEX_SET_RANGES) {
    uint32_t best = 0;
    for (uint32_t i = 1; i + 1 < out; i++)
      if (tmp[i + 1].lo - tmp[i].hi < tmp[best + 1].lo - tmp[best].hi) best = i;
    tmp[best].hi = tmp[best + 1].hi;
    memmove(&tmp[best + 1], &tmp[best + 2], (out - best - 2) * sizeof *tmp);
    out--;
  }
  memcpy(self->r, tmp, out * sizeof *tmp);
  self->nranges = out;
}

void regex_set_clear(RegexSet *self) {
  memset(self, 0, sizeof *self);
}

void regex_set_fill(RegexSet *self) {
  regex_set_clear(self);
  self->ascii[0] = self->ascii[1] = UINT64_MAX;
  self->r[0] = (RegexRange){0x80, REGEX_MAX_CP};
  self->nranges = 1;
}

void regex_set_add_range(RegexSet *self, uint32_t lo, uint32_t hi) {
  if (hi > REGEX_MAX_CP) hi = REGEX_MAX_CP;
  for (uint32_t c = lo; c <= hi && c < 0x80; c++) self->ascii[c >> 6] |= 1ull << (c & 63);
  if (hi < 0x80 || lo > hi) return;
  if (lo < 0x80) lo = 0x80;
  RegexRange tmp[SET__TMP];
  uint32_t n = 0, i = 0;
  while (i < self->nranges && self->r[i].lo < lo) tmp[n++] = self->r[i++];
  tmp[n++] = (RegexRange){lo, hi};
  while (i < self->nranges) tmp[n++] = self->r[i++];
  set__store(self, tmp, n);
}

void regex_set_add(RegexSet *self, uint32_t cp) {
  regex_set_add_range(self, cp, cp);
}

void regex_set_union(RegexSet *self, const RegexSet *other) {
  self->ascii[0] |= other->ascii[0];
  self->ascii[1] |= other->ascii[1];
  RegexRange tmp[SET__TMP];
  uint32_t n = 0, i = 0, j = 0;
  while (i < self->nranges || j < other->nranges) {
    bool take_self = j >= other->nranges || (i < self->nranges && self->r[i].lo <= other->r[j].lo);
    tmp[n++] = take_self ? self->r[i++] : other->r[j++];
  }
  set__store(self, tmp, n);
}

void regex_set_intersect(RegexSet *self, const RegexSet *other) {
  self->ascii[0] &= other->ascii[0];
  self->ascii[1] &= other->ascii[1];
  RegexRange tmp[SET__TMP];
  uint32_t n = 0, i = 0, j = 0;
  while (i < self->nranges && j < other->nranges) {
    uint32_t lo = self->r[i].lo > other->r[j].lo ? self->r[i].lo : other->r[j].lo;
    uint32_t hi = self->r[i].hi < other->r[j].hi ? self->r[i].hi : other->r[j].hi;
    if (lo <= hi) tmp[n++] = (RegexRange){lo, hi};
    if (self->r[i].hi < other->r[j].hi)
      i++;
    else
      j++;
  }
  set__store(self, tmp, n);
}

void regex_set_invert(RegexSet *self) {
  self->ascii[0] = ~self->ascii[0];
  self->ascii[1] = ~self->ascii[1];
  RegexRange tmp[SET__TMP];
  uint32_t n = 0, next = 0x80;
  for (uint32_t i = 0; i < self->nranges; i++) {
    if (self->r[i].lo > next) tmp[n++] = (RegexRange){next, self->r[i].lo - 1};
    next = self->r[i].hi + 1;
  }
  if (next <= REGEX_MAX_CP) tmp[n++] = (RegexRange){next, REGEX_MAX_CP};
  set__store(self, tmp, n);
}

void regex_set_subtract(RegexSet *self, const RegexSet *other) {
  RegexSet inv = *other;
  regex_set_invert(&inv);
  regex_set_intersect(self, &inv);
}

bool regex_set_has(const RegexSet *self, uint32_t cp) {
  if (cp < 0x80) return (self->ascii[cp >> 6] >> (cp & 63)) & 1;
  for (uint32_t i = 0; i < self->nranges; i++)
    if (cp >= self->r[i].lo && cp <= self->r[i].hi) return true;
  return false;
}

bool regex_set_is_empty(const RegexSet *self) {
  return !self->ascii[0] && !self->ascii[1] && self->nranges == 0;
}

bool regex_set_is_full(const RegexSet *self) {
  return self->ascii[0] == UINT64_MAX && self->ascii[1] == UINT64_MAX && self->nranges == 1 &&
         self->r[0].lo == 0x80 && self->r[0].hi == REGEX_MAX_CP;
}

bool regex_set_overlaps(const RegexSet *a, const RegexSet *b) {
  if ((a->ascii[0] & b->ascii[0]) || (a->ascii[1] & b->ascii[1])) return true;
  uint32_t i = 0, j = 0;
  while (i < a->nranges && j < b->nranges) {
    if (a->r[i].hi < b->r[j].lo)
      i++;
    else if (b->r[j].hi < a->r[i].lo)
      j++;
    else
      return true;
  }
  return false;
}

bool regex_set_equal(const RegexSet *a, const RegexSet *b) {
  return a->ascii[0] == b->ascii[0] && a->ascii[1] == b->ascii[1] && a->nranges == b->nranges &&
         memcmp(a->r, b->r, a->nranges * sizeof a->r[0]) == 0;
}

bool regex_set_subset(const RegexSet *a, const RegexSet *b) {
  if ((a->ascii[0] & ~b->ascii[0]) || (a->ascii[1] & ~b->ascii[1])) return false;
  uint32_t j = 0;
  for (uint32_t i = 0; i < a->nranges; i++) {
    while (j < b->nranges && b->r[j].hi < a->r[i].lo) j++;
    if (j == b->nranges || b->r[j].lo > a->r[i].lo || b->r[j].hi < a->r[i].hi) return false;
  }
  return true;
}

void regex_set_fold_case(RegexSet *self) {
  for (uint32_t c = 'a'; c <= 'z'; c++) {
    if (regex_set_has(self, c) || regex_set_has(self, c - 32)) {
      regex_set_add(self, c);
      regex_set_add(self, c - 32);
    }
  }
}

void regex_set_digit(RegexSet *self) {
  regex_set_clear(self);
  regex_set_add_range(self, '0', '9');
}

void regex_set_word(RegexSet *self) {
  regex_set_digit(self);
  regex_set_add_range(self, 'a', 'z');
  regex_set_add_range(self, 'A', 'Z');
  regex_set_add(self, '_');
}

void regex_set_space(RegexSet *self) {
  static const uint32_t ranges[][2] = {
      {0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
      {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF},
  };
  regex_set_clear(self);
  for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) regex_set_add_range(self, ranges[i][0], ranges[i][1]);
}

void regex_set_line_terminator(RegexSet *self) {
  regex_set_clear(self);
  regex_set_add(self, '\n');
  regex_set_add(self, '\r');
  regex_set_add_range(self, 0x2028, 0x2029);
}

void regex_set_dot(RegexSet *self, bool dot_all) {
  if (dot_all) {
    regex_set_fill(self);
    return;
  }
  regex_set_line_terminator(self);
  regex_set_invert(self);
}

/* ======================================================================================
 * Flags
 * ====================================================================================== */

int regex_flags_parse(const char *flags, size_t len, unsigned *out, RedosError *err) {
  static const char letters[] = "dgimsuvy";
  unsigned seen = 0;
  for (size_t i = 0; i < len; i++) {
    const char *hit = flags[i] ? strchr(letters, flags[i]) : NULL;
    unsigned bit = hit ? 1u << (hit - letters) : 0;
    if (!bit || (seen & bit) || (((seen | bit) & REGEX_FLAG_U) && ((seen | bit) & REGEX_FLAG_V))) {
      err->offset = (uint32_t)i;
      snprintf(err->message, sizeof err->message, "Invalid flags supplied to RegExp constructor '%.*s'",
               (int)(len > 16 ? 16 : len), flags);
      return -1;
    }
    seen |= bit;
  }
  *out = seen;
  return 0;
}

/* ======================================================================================
 * Parser
 * ====================================================================================== */

typedef struct {
  uint32_t start, count; /* code points in RegexParser.name_cps */
  uint32_t group;
  bool closed; /* its group has been parsed to the ')' */
} RegexName;

typedef struct {
  const char *src;
  size_t len, pos;
  unsigned flags;
  bool umode, vmode, named;
  bool in_class;
  bool has_pending; /* low surrogate of an astral literal still to deliver (no u/v flag) */
  uint32_t pending_lo;
  uint32_t total_groups, group_counter, depth;
  int status; /* 0 ok, -1 syntax error, 1 give up */
  /* V8 checks named references after the whole pattern parsed: remember the first bad one. */
  size_t late_error_at;
  const char *late_error;
  RegexAst *ast;
  RedosError *err;
  uint32_t *name_cps;
  size_t name_cps_len, name_cps_cap;
  RegexName *names;
  size_t nnames, names_cap;
} RegexParser;

/* A class atom: one character, or a whole set (\d, \p{..}, a nested v-mode class). */
typedef struct {
  bool is_set, is_range, may_have_strings;
  uint32_t cp;
  RegexSet set;
} ClassAtom;

static void regex__fail(RegexParser *P, size_t offset, const char *message) {
  if (P->status != 0) return;
  P->status = -1;
  P->err->offset = (uint32_t)offset;
  snprintf(P->err->message, sizeof P->err->message, "%s", message);
}

static void regex__late_error(RegexParser *P, size_t offset, const char *message) {
  if (!P->late_error) {
    P->late_error = message;
    P->late_error_at = offset;
  }
}

static void regex__give_up(RegexParser *P, const char *message) {
  if (P->status != 0) return;
  P->status = 1;
  P->err->offset = (uint32_t)P->pos;
  snprintf(P->err->message, sizeof P->err->message, "%s", message);
}

/* Decodes one UTF-8 sequence; malformed bytes read as U+FFFD one byte at a time. */
static size_t regex__decode(const char *src, size_t len, size_t pos, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)src + pos;
  size_t avail = len - pos;
  unsigned char c = s[0];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 1) {
    *cp = c;
    return 1;
  }
  if (n == 0 || n > avail) {
    *cp = 0xFFFD;
    return 1;
  }
  uint32_t v = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (s[i] & 0x3F);
  }
  static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
  *cp = (v < min_for_len[n] || v > REGEX_MAX_CP) ? 0xFFFD : v;
  return n;
}

static int regex__peek(const RegexParser *P, size_t ahead) {
  return P->pos + ahead < P->len ? (unsigned char)P->src[P->pos + ahead] : -1;
}

static bool regex__eat(RegexParser *P, char c) {
  if (regex__peek(P, 0) != (unsigned char)c) return false;
  P->pos++;
  return true;
}

static bool regex__is_hex(int c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static uint32_t regex__hex_value(int c) {
  return c <= '9' ? (uint32_t)(c - '0') : (uint32_t)((c | 0x20) - 'a' + 10);
}

static bool regex__is_letter(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool regex__is_digit(int c) {
  return c >= '0' && c <= '9';
}

/* ---- AST storage ---- */

static int32_t regex__node(RegexParser *P, RegexKind kind, size_t offset) {
  RegexAst *ast = P->ast;
  if (ast->count == ast->cap) {
    uint32_t cap = ast->cap ? ast->cap * 2 : 64;
    RegexNode *nodes = realloc(ast->nodes, cap * sizeof *nodes);
    if (!nodes) {
      regex__give_up(P, "out of memory");
      return REGEX_NONE;
    }
    ast->nodes = nodes;
    ast->cap = cap;
  }
  RegexNode *n = &ast->nodes[ast->count];
  memset(n, 0, sizeof *n);
  n->kind = (uint8_t)kind;
  n->offset = (uint32_t)offset;
  n->child = n->next = n->set = REGEX_NONE;
  return (int32_t)ast->count++;
}

static int32_t regex__set(RegexParser *P, const RegexSet *set) {
  RegexAst *ast = P->ast;
  if (ast->set_count == ast->set_cap) {
    uint32_t cap = ast->set_cap ? ast->set_cap * 2 : 16;
    RegexSet *sets = realloc(ast->sets, cap * sizeof *sets);
    if (!sets) {
      regex__give_up(P, "out of memory");
      return REGEX_NONE;
    }
    ast->sets = sets;
    ast->set_cap = cap;
  }
  ast->sets[ast->set_count] = *set;
  return (int32_t)ast->set_count++;
}

static void regex__finish(RegexParser *P, int32_t node, size_t start) {
  P->ast->nodes[node].offset = (uint32_t)start;
  P->ast->nodes[node].length = (uint32_t)(P->pos - start);
}

/* A one-character node; under `i` an ASCII letter becomes the set of both cases. */
static int32_t regex__char_node(RegexParser *P, uint32_t cp, size_t start) {
  int32_t n = regex__node(P, REGEX_CHAR, start);
  if (n == REGEX_NONE) return REGEX_NONE;
  P->ast->nodes[n].cp = cp;
  if ((P->flags & REGEX_FLAG_I) && cp < 0x80 && regex__is_letter((int)cp)) {
    RegexSet s;
    regex_set_clear(&s);
    regex_set_add(&s, cp);
    regex_set_fold_case(&s);
    P->ast->nodes[n].set = regex__set(P, &s);
  }
  regex__finish(P, n, start);
  return n;
}

static int32_t regex__set_node(RegexParser *P, RegexSet *set, size_t start) {
  if (P->flags & REGEX_FLAG_I) regex_set_fold_case(set);
  int32_t n = regex__node(P, REGEX_CHAR, start);
  if (n == REGEX_NONE) return REGEX_NONE;
  P->ast->nodes[n].set = regex__set(P, set);
  regex__finish(P, n, start);
  return n;
}

/* Builds a parent over the sibling chain starting at `first`. */
static int32_t regex__parent(RegexParser *P, RegexKind kind, int32_t first, size_t start) {
  int32_t n = regex__node(P, kind, start);
  if (n == REGEX_NONE) return REGEX_NONE;
  P->ast->nodes[n].child = first;
  regex__finish(P, n, start);
  return n;
}

/* ---- group names ---- */

static bool regex__id_start(uint32_t cp) {
  /* Non-ASCII is accepted wholesale: exact ID_Start needs Unicode tables this analyser does not carry. */
  return regex__is_letter((int)cp) || cp == '$' || cp == '_' || (cp >= 0x80 && cp != 0xFFFD);
}

static bool regex__id_part(uint32_t cp) {
  return regex__id_start(cp) || regex__is_digit((int)cp);
}

/* Reads \uXXXX (with a following trail surrogate combined when `pairs`) or \u{...} (when `braces`).
 * P->pos is just after the 'u'. Returns false, position unchanged, when malformed. */
static bool regex__unicode_escape(RegexParser *P, bool braces, bool pairs, uint32_t *out) {
  size_t save = P->pos;
  if (braces && regex__eat(P, '{')) {
    uint32_t v = 0;
    size_t digits = 0;
    while (regex__is_hex(regex__peek(P, 0))) {
      v = v > REGEX_MAX_CP ? v : v * 16 + regex__hex_value(regex__peek(P, 0));
      P->pos++;
      digits++;
    }
    if (digits == 0 || v > REGEX_MAX_CP || !regex__eat(P, '}')) {
      P->pos = save;
      return false;
    }
    *out = v;
    return true;
  }
  for (size_t i = 0; i < 4; i++) {
    if (!regex__is_hex(regex__peek(P, i))) {
      P->pos = save;
      return false;
    }
  }
  uint32_t v = 0;
  for (size_t i = 0; i < 4; i++) v = v * 16 + regex__hex_value(regex__peek(P, i));
  P->pos += 4;
  if (pairs && v >= 0xD800 && v <= 0xDBFF && regex__peek(P, 0) == '\\' && regex__peek(P, 1) == 'u') {
    size_t before = P->pos;
    P->pos += 2;
    uint32_t lo;
    if (regex__unicode_escape(P, false, false, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
      *out = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
      return true;
    }
    P->pos = before;
  }
  *out = v;
  return true;
}

/* Parses a group name up to and including '>' (P->pos just after '<'), appending its code points to
 * name_cps. Returns false when the name is not a RegExpIdentifierName. */
static bool regex__read_name(RegexParser *P, uint32_t *start, uint32_t *count) {
  *start = (uint32_t)P->name_cps_len;
  *count = 0;
  for (;;) {
    if (P->pos >= P->len) return false;
    if (regex__eat(P, '>')) return *count > 0;
    uint32_t cp;
    if (regex__eat(P, '\\')) {
      if (!regex__eat(P, 'u') || !regex__unicode_escape(P, true, true, &cp)) return false;
    } else {
      P->pos += regex__decode(P->src, P->len, P->pos, &cp);
    }
    if (!(*count == 0 ? regex__id_start(cp) : regex__id_part(cp))) return false;
    if (P->name_cps_len == P->name_cps_cap) {
      size_t cap = P->name_cps_cap ? P->name_cps_cap * 2 : 64;
      uint32_t *grown = realloc(P->name_cps, cap * sizeof *grown);
      if (!grown) {
        regex__give_up(P, "out of memory");
        return false;
      }
      P->name_cps = grown;
      P->name_cps_cap = cap;
    }
    P->name_cps[P->name_cps_len++] = cp;
    (*count)++;
  }
}

static bool regex__name_equal(const RegexParser *P, const RegexName *n, uint32_t start, uint32_t count) {
  return n->count == count && memcmp(&P->name_cps[n->start], &P->name_cps[start], count * sizeof(uint32_t)) == 0;
}

static void regex__remember_name(RegexParser *P, uint32_t start, uint32_t count, uint32_t group) {
  if (P->nnames == P->names_cap) {
    size_t cap = P->names_cap ? P->names_cap * 2 : 8;
    RegexName *grown = realloc(P->names, cap * sizeof *grown);
    if (!grown) {
      regex__give_up(P, "out of memory");
      return;
    }
    P->names = grown;
    P->names_cap = cap;
  }
  P->names[P->nnames++] = (RegexName){start, count, group, false};
}

/* ---- pre-scan: capture count and names, needed before parsing (\10 vs octal, \k) ---- */

static void regex__prescan(RegexParser *P) {
  uint32_t class_depth = 0;
  for (size_t i = 0; i < P->len && P->status == 0; i++) {
    char c = P->src[i];
    if (c == '\\') {
      i++;
    } else if (class_depth) {
      if (c == ']')
        class_depth--;
      else if (c == '[' && P->vmode)
        class_depth++;
    } else if (c == '[') {
      class_depth = 1;
    } else if (c == '(' && (i + 1 >= P->len || P->src[i + 1] != '?')) {
      P->total_groups++;
    } else if (c == '(' && i + 3 < P->len && P->src[i + 2] == '<' && P->src[i + 3] != '=' && P->src[i + 3] != '!') {
      P->total_groups++;
      P->named = true;
      size_t save = P->pos;
      uint32_t start, count;
      P->pos = i + 3;
      if (regex__read_name(P, &start, &count)) regex__remember_name(P, start, count, P->total_groups);
      P->pos = save;
    }
  }
}

/* Paren balance outside classes: lets a pattern too deep to parse still report an unbalanced group. */
static void regex__check_balance(RegexParser *P) {
  size_t depth = 0, class_open = 0;
  bool in_class = false;
  for (size_t i = 0; i < P->len; i++) {
    char c = P->src[i];
    if (c == '\\') {
      i++;
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
      class_open = i;
    } else if (c == '(') {
      depth++;
    } else if (c == ')' && depth-- == 0) {
      regex__fail(P, i, "Unmatched ')'");
      return;
    }
  }
  if (in_class && !P->vmode)
    regex__fail(P, class_open, "Unterminated character class");
  else if (depth > 0)
    regex__fail(P, P->len, "Unterminated group");
}

/* ---- Unicode property escapes ---- */

typedef struct {
  const char *names; /* space-separated aliases, each surrounded by spaces */
  const char *ascii; /* the ASCII members as lo,hi pairs of characters */
  bool nul;          /* U+0000 is a member too (it cannot appear in the pair string) */
  bool no_non_ascii;
} RegexProperty;

/* ASCII members are exact; non-ASCII members are approximated by "every non-ASCII code point". */
static const RegexProperty regex__properties[] = {
    {" L Letter Alphabetic Alpha LC Cased_Letter Cased ID_Start IDS XID_Start XIDS Ideographic Ideo Grapheme_Base "
     "Gr_Base ",
     "azAZ", false, false},
    {" Lu Uppercase_Letter Uppercase Upper Changes_When_Lowercased CWL ", "AZ", false, false},
    {" Ll Lowercase_Letter Lowercase Lower Changes_When_Uppercased CWU Changes_When_Titlecased CWT ", "az", false,
     false},
    {" Changes_When_Casefolded CWCF Changes_When_Casemapped CWCM Changes_When_NFKC_Casefolded CWKCF ", "azAZ", false,
     false},
    {" ID_Continue IDC XID_Continue XIDC ", "azAZ09__", false, false},
    {" N Number Nd Decimal_Number digit ", "09", false, false},
    {" Hex_Digit Hex ", "09afAF", false, false},
    {" ASCII_Hex_Digit AHex ", "09afAF", false, true},
    {" P Punctuation punct ", "!#%*,/:;??@@[]__{{}}\"\"''((", false, false},
    {" Pc Connector_Punctuation ", "__", false, false},
    {" Pd Dash_Punctuation Dash ", "--", false, false},
    {" Ps Open_Punctuation ", "(([[{{", false, false},
    {" Pe Close_Punctuation ", "))]]}}", false, false},
    {" Po Other_Punctuation Terminal_Punctuation Term ", "!'*,./:;??@@\\\\", false, false},
    {" S Symbol ", "$$++<>^^``||~~", false, false},
    {" Sm Math_Symbol Math ", "++<>||~~", false, false},
    {" Sc Currency_Symbol ", "$$", false, false},
    {" Sk Modifier_Symbol ", "^^``", false, false},
    {" Z Separator Zs Space_Separator ", "  ", false, false},
    {" White_Space space Pattern_White_Space Pat_WS ", "\t\r  ", false, false},
    {" C Other Cc Control cntrl ", "\x01\x1f\x7f\x7f", true, false},
    {" ASCII ", "\x01\x7f", true, true},
    {" Any Assigned ", "\x01\x7f", true, false},
    {" Emoji Emoji_Component EComp ", "##**09", false, false},
    {" Pattern_Syntax Pat_Syn ", "!/:@[^``{~", false, false},
    {" Quotation_Mark QMark ", "\"\"''", false, false},
    {" Case_Ignorable CI Diacritic Dia ", "''..::^^``", false, false},
    {" Bidi_Mirrored Bidi_M ", "(())<<>>[[]]{{}}", false, false},
    {" M Mark Combining_Mark Mn Nonspacing_Mark Mc Spacing_Mark Me Enclosing_Mark Nl Letter_Number No Other_Number "
     "Pi Initial_Punctuation Pf Final_Punctuation So Other_Symbol Zl Line_Separator Zp Paragraph_Separator Cf "
     "Format Cs Surrogate Co Private_Use Cn Unassigned Lt Titlecase_Letter Lm Modifier_Letter Lo Other_Letter "
     "Bidi_Control Bidi_C Default_Ignorable_Code_Point DI Deprecated Dep Emoji_Modifier EMod Emoji_Modifier_Base "
     "EBase Emoji_Presentation EPres Extended_Pictographic ExtPict Extender Ext Grapheme_Extend Gr_Ext "
     "IDS_Binary_Operator IDSB IDS_Trinary_Operator IDST Join_Control Join_C Logical_Order_Exception LOE "
     "Noncharacter_Code_Point NChar Radical Regional_Indicator RI Sentence_Terminal STerm Soft_Dotted SD "
     "Unified_Ideograph UIdeo Variation_Selector VS ",
     "", false, false},
};

/* Properties of strings: only valid with `v`, never negated. Approximated as "non-ASCII or digit". */
static const char regex__string_properties[] =
    " Basic_Emoji Emoji_Keycap_Sequence RGI_Emoji_Modifier_Sequence RGI_Emoji_Flag_Sequence "
    "RGI_Emoji_Tag_Sequence RGI_Emoji_ZWJ_Sequence RGI_Emoji ";

static bool regex__word_in(const char *list, const char *word, size_t n) {
  for (const char *p = list; (p = strstr(p, " ")) != NULL; p++) {
    if (strncmp(p + 1, word, n) == 0 && p[1 + n] == ' ') return true;
  }
  return false;
}

static void regex__property_set(const RegexProperty *prop, RegexSet *out) {
  regex_set_clear(out);
  if (!prop->no_non_ascii) regex_set_add_range(out, 0x80, REGEX_MAX_CP);
  for (const char *a = prop->ascii; a[0] && a[1]; a += 2)
    regex_set_add_range(out, (unsigned char)a[0], (unsigned char)a[1]);
  if (prop->nul) regex_set_add(out, 0);
}

static bool regex__lookup_property(const char *name, size_t n, RegexSet *out) {
  for (size_t i = 0; i < sizeof regex__properties / sizeof regex__properties[0]; i++) {
    if (regex__word_in(regex__properties[i].names, name, n)) {
      regex__property_set(&regex__properties[i], out);
      return true;
    }
  }
  return false;
}

static bool regex__valid_script(const char *value, size_t n) {
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++)
    if (!regex__is_letter((unsigned char)value[i]) && value[i] != '_') return false;
  return true;
}

/* Resolves the text between \p{ and }. Script values are accepted by shape (no script table). */
static bool regex__resolve_property(RegexParser *P, const char *text, size_t n, bool negated, RegexSet *out,
                                    bool *strings) {
  const char *eq = memchr(text, '=', n);
  *strings = false;
  if (!eq) {
    if (regex__lookup_property(text, n, out)) return true;
    if (P->vmode && !negated && regex__word_in(regex__string_properties, text, n)) {
      regex_set_clear(out);
      regex_set_add_range(out, 0x80, REGEX_MAX_CP);
      regex_set_add_range(out, '0', '9');
      regex_set_add_range(out, '#', '#');
      regex_set_add_range(out, '*', '*');
      *strings = true;
      return true;
    }
    return false;
  }
  size_t klen = (size_t)(eq - text), vlen = n - klen - 1;
  const char *value = eq + 1;
  if ((klen == 16 && !strncmp(text, "General_Category", 16)) || (klen == 2 && !strncmp(text, "gc", 2)))
    return regex__lookup_property(value, vlen, out) && !regex__word_in(" Any ASCII Assigned ", value, vlen);
  bool script = (klen == 6 && !strncmp(text, "Script", 6)) || (klen == 2 && !strncmp(text, "sc", 2)) ||
                (klen == 17 && !strncmp(text, "Script_Extensions", 17)) || (klen == 3 && !strncmp(text, "scx", 3));
  if (!script || !regex__valid_script(value, vlen)) return false;
  regex_set_clear(out);
  regex_set_add_range(out, 0x80, REGEX_MAX_CP);
  bool latin = (vlen == 5 && !strncmp(value, "Latin", 5)) || (vlen == 4 && !strncmp(value, "Latn", 4));
  bool common = (vlen == 6 && !strncmp(value, "Common", 6)) || (vlen == 4 && !strncmp(value, "Zyyy", 4));
  if (latin) {
    regex_set_add_range(out, 'a', 'z');
    regex_set_add_range(out, 'A', 'Z');
  } else if (common) {
    RegexSet letters;
    regex_set_clear(&letters);
    regex_set_add_range(&letters, 'a', 'z');
    regex_set_add_range(&letters, 'A', 'Z');
    regex_set_invert(&letters);
    regex_set_union(out, &letters);
  }
  return true;
}

/* \p{..} / \P{..}; P->pos is just after the 'p' or 'P'. */
static bool regex__property_escape(RegexParser *P, bool negated, size_t esc_start, RegexSet *out, bool *strings) {
  const char *bad = P->in_class ? "Invalid property name in character class" : "Invalid property name";
  if (!regex__eat(P, '{')) return regex__fail(P, esc_start, bad), false;
  size_t start = P->pos;
  while (P->pos < P->len && P->src[P->pos] != '}') {
    int c = regex__peek(P, 0);
    if (!regex__is_letter(c) && !regex__is_digit(c) && c != '_' && c != '=')
      return regex__fail(P, esc_start, bad), false;
    P->pos++;
  }
  size_t n = P->pos - start;
  if (!regex__eat(P, '}') || !regex__resolve_property(P, P->src + start, n, negated, out, strings))
    return regex__fail(P, esc_start, bad), false;
  if (negated) regex_set_invert(out);
  return true;
}

/* ---- escapes shared by atoms and classes ---- */

static bool regex__class_escape_letter(int c) {
  return c == 'd' || c == 'D' || c == 's' || c == 'S' || c == 'w' || c == 'W';
}

static void regex__class_escape_set(int c, RegexSet *out) {
  if (c == 'd' || c == 'D')
    regex_set_digit(out);
  else if (c == 's' || c == 'S')
    regex_set_space(out);
  else
    regex_set_word(out);
  if (c == 'D' || c == 'S' || c == 'W') regex_set_invert(out);
}

/* Legacy octal escape (Annex B): up to three octal digits, value at most 0377. */
static uint32_t regex__legacy_octal(RegexParser *P) {
  uint32_t v = 0;
  for (int i = 0; i < 3; i++) {
    int c = regex__peek(P, 0);
    if (c < '0' || c > '7' || v * 8 + (uint32_t)(c - '0') > 0377) break;
    v = v * 8 + (uint32_t)(c - '0');
    P->pos++;
  }
  return v;
}

/* CharacterEscape after the backslash (P->pos at the escape letter), common to atoms and classes:
 * control escapes, \c, \0, \x, \u and identity escapes. `in_class` widens \c (Annex B) and '-'.
 * Returns true with *cp set; on a non-u `\c` without a letter, yields '\\' and leaves 'c' unread. */
static bool regex__character_escape(RegexParser *P, size_t esc_start, bool in_class, uint32_t *cp) {
  int c = regex__peek(P, 0);
  static const char controls[] = "f\fn\nr\rt\tv\v";
  const char *ctl = c > 0 ? strchr(controls, c) : NULL;
  if (ctl && ((ctl - controls) & 1) == 0) {
    P->pos++;
    *cp = (unsigned char)ctl[1];
    return true;
  }
  if (c == 'c') {
    int d = regex__peek(P, 1);
    if (regex__is_letter(d) || (in_class && !P->umode && (regex__is_digit(d) || d == '_'))) {
      P->pos += 2;
      *cp = (uint32_t)d % 32;
      return true;
    }
    if (P->umode) return regex__fail(P, esc_start, "Invalid Unicode escape"), false;
    *cp = '\\';
    return true;
  }
  if (c == '0' && !regex__is_digit(regex__peek(P, 1))) {
    P->pos++;
    *cp = 0;
    return true;
  }
  if (c == 'x') {
    P->pos++;
    if (regex__is_hex(regex__peek(P, 0)) && regex__is_hex(regex__peek(P, 1))) {
      *cp = regex__hex_value(regex__peek(P, 0)) * 16 + regex__hex_value(regex__peek(P, 1));
      P->pos += 2;
      return true;
    }
    if (P->umode) return regex__fail(P, esc_start, "Invalid escape"), false;
    *cp = 'x';
    return true;
  }
  if (c == 'u') {
    P->pos++;
    if (regex__unicode_escape(P, P->umode, P->umode, cp)) return true;
    if (P->umode) return regex__fail(P, esc_start, "Invalid Unicode escape"), false;
    *cp = 'u';
    return true;
  }
  if (P->umode) {
    if (c > 0 && (strchr("^$\\.*+?()[]{}|/", c) || (in_class && c == '-'))) {
      P->pos++;
      *cp = (uint32_t)c;
      return true;
    }
    return regex__fail(P, esc_start, "Invalid escape"), false;
  }
  P->pos += regex__decode(P->src, P->len, P->pos, cp);
  return true;
}

/* ---- character classes ---- */

static void regex__atom_into(const ClassAtom *a, RegexSet *set) {
  if (a->is_set)
    regex_set_union(set, &a->set);
  else
    regex_set_add(set, a->cp);
}

/* Reads one code point of class text, splitting astral characters into surrogates without u/v. */
static uint32_t regex__class_literal(RegexParser *P) {
  if (P->has_pending) {
    P->has_pending = false;
    return P->pending_lo;
  }
  uint32_t cp;
  P->pos += regex__decode(P->src, P->len, P->pos, &cp);
  if (cp > 0xFFFF && !P->umode) {
    P->has_pending = true;
    P->pending_lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
    cp = 0xD800 + ((cp - 0x10000) >> 10);
  }
  return cp;
}

/* ClassAtom without v: '-' | ClassEscape | any other character. */
static bool regex__class_atom(RegexParser *P, size_t open, ClassAtom *out) {
  memset(out, 0, sizeof *out);
  if (P->has_pending || P->pos >= P->len) {
    if (!P->has_pending) return regex__fail(P, open, "Unterminated character class"), false;
    out->cp = regex__class_literal(P);
    return true;
  }
  if (regex__peek(P, 0) != '\\') {
    out->cp = regex__class_literal(P);
    return true;
  }
  size_t esc = P->pos++;
  int c = regex__peek(P, 0);
  if (c < 0) return regex__fail(P, esc, "\\ at end of pattern"), false;
  if (regex__class_escape_letter(c)) {
    P->pos++;
    out->is_set = true;
    regex__class_escape_set(c, &out->set);
    return true;
  }
  if ((c == 'p' || c == 'P') && P->umode) {
    P->pos++;
    out->is_set = true;
    return regex__property_escape(P, c == 'P', esc, &out->set, &out->may_have_strings);
  }
  if (c == 'b' || (c == '-' && P->umode)) {
    P->pos++;
    out->cp = c == 'b' ? 8 : '-';
    return true;
  }
  if (regex__is_digit(c) && !(c == '0' && !regex__is_digit(regex__peek(P, 1)))) {
    if (P->umode) return regex__fail(P, esc, c >= '8' ? "Invalid escape" : "Invalid class escape"), false;
    if (c >= '8') {
      P->pos++;
      out->cp = (uint32_t)c;
    } else {
      out->cp = regex__legacy_octal(P);
    }
    return true;
  }
  if (c == 'k' && (P->umode || P->named)) return regex__fail(P, esc, "Invalid escape"), false;
  if (c == 'B' && P->umode) return regex__fail(P, esc, "Invalid escape"), false;
  return regex__character_escape(P, esc, true, &out->cp);
}

static void regex__class_ranges(RegexParser *P, size_t open, RegexSet *set) {
  ClassAtom a, b;
  for (;;) {
    if (!P->has_pending && P->pos >= P->len) {
      regex__fail(P, open, "Unterminated character class");
      return;
    }
    if (!P->has_pending && regex__eat(P, ']')) return;
    if (!regex__class_atom(P, open, &a)) return;
    int after = regex__peek(P, 1);
    bool range = !P->has_pending && regex__peek(P, 0) == '-' && after != ']' && after >= 0;
    if (!range) {
      regex__atom_into(&a, set);
      continue;
    }
    P->pos++;
    if (!regex__class_atom(P, open, &b)) return;
    if (a.is_set || b.is_set) {
      if (P->umode) {
        regex__fail(P, open, "Invalid character class");
        return;
      }
      regex__atom_into(&a, set);
      regex_set_add(set, '-');
      regex__atom_into(&b, set);
    } else if (a.cp > b.cp) {
      regex__fail(P, open, "Range out of order in character class");
      return;
    } else {
      regex_set_add_range(set, a.cp, b.cp);
    }
  }
}

/* ---- v-mode class set expressions ---- */

static bool regex__class_v(RegexParser *P, ClassAtom *out);

static bool regex__is_double_punct(int a, int b) {
  return a == b && a > 0 && strchr("&!#$%*+,.:;<=>?@^`~", a);
}

/* ClassSetCharacter (P->pos at it). */
static bool regex__class_set_char(RegexParser *P, uint32_t *cp) {
  int c = regex__peek(P, 0);
  size_t at = P->pos;
  if (c < 0) return false;
  if (regex__is_double_punct(c, regex__peek(P, 1)))
    return regex__fail(P, at, "Invalid set operation in character class"), false;
  if (strchr("()[]{}/-|", c)) return regex__fail(P, at, "Invalid character in character class"), false;
  if (c != '\\') {
    P->pos += regex__decode(P->src, P->len, P->pos, cp);
    return true;
  }
  P->pos++;
  c = regex__peek(P, 0);
  if (c < 0) return regex__fail(P, at, "\\ at end of pattern"), false;
  if (strchr("&-!#%,:;<=>@`~", c) || c == 'b') {
    P->pos++;
    *cp = c == 'b' ? 8 : (uint32_t)c;
    return true;
  }
  if (regex__is_digit(c) && !(c == '0' && !regex__is_digit(regex__peek(P, 1))))
    return regex__fail(P, at, c >= '8' ? "Invalid escape" : "Invalid class escape"), false;
  return regex__character_escape(P, at, true, cp);
}

/* \q{a|bc|...}: strings are approximated by their first character; other than one-character strings
 * are recorded so that negation can be rejected as V8 does. P->pos is just after "\q". */
static bool regex__class_strings(RegexParser *P, size_t at, ClassAtom *out) {
  if (!regex__eat(P, '{')) return regex__fail(P, at, "Invalid escape"), false;
  out->is_set = true;
  regex_set_clear(&out->set);
  uint32_t len = 0;
  for (;;) {
    int c = regex__peek(P, 0);
    if (c < 0) return regex__fail(P, at, "Unterminated character class"), false;
    if (c == '}' || c == '|') {
      P->pos++;
      out->may_have_strings = out->may_have_strings || len != 1;
      if (c == '}') return true;
      len = 0;
      continue;
    }
    uint32_t cp;
    if (c == '\\') {
      size_t esc = P->pos++;
      if (!regex__character_escape(P, esc, true, &cp)) return false;
    } else {
      P->pos += regex__decode(P->src, P->len, P->pos, &cp);
    }
    if (len++ == 0) regex_set_add(&out->set, cp);
  }
}

static bool regex__class_v_operand_inner(RegexParser *P, bool allow_range, ClassAtom *out);

/* ClassSetOperand, or a ClassSetRange when `allow_range`; a set cannot start a range. */
static bool regex__class_v_operand(RegexParser *P, bool allow_range, ClassAtom *out) {
  size_t at = P->pos;
  if (!regex__class_v_operand_inner(P, allow_range, out)) return false;
  if (out->is_set && !out->is_range && regex__peek(P, 0) == '-' && regex__peek(P, 1) != '-')
    return regex__fail(P, at, "Invalid character class"), false;
  return true;
}

static bool regex__class_v_operand_inner(RegexParser *P, bool allow_range, ClassAtom *out) {
  size_t at = P->pos;
  memset(out, 0, sizeof *out);
  if (regex__peek(P, 0) == '[') {
    P->pos++;
    return regex__class_v(P, out);
  }
  if (regex__peek(P, 0) == '\\') {
    int c = regex__peek(P, 1);
    if (regex__class_escape_letter(c)) {
      P->pos += 2;
      out->is_set = true;
      regex__class_escape_set(c, &out->set);
      return true;
    }
    if (c == 'p' || c == 'P') {
      P->pos += 2;
      out->is_set = true;
      return regex__property_escape(P, c == 'P', at, &out->set, &out->may_have_strings);
    }
    if (c == 'q') {
      P->pos += 2;
      return regex__class_strings(P, at, out);
    }
  }
  if (!regex__class_set_char(P, &out->cp)) return false;
  if (!allow_range || regex__peek(P, 0) != '-' || regex__peek(P, 1) == '-') return true;
  P->pos++;
  uint32_t hi;
  if (!regex__class_set_char(P, &hi))
    return P->status == 0 ? (regex__fail(P, at, "Invalid character class"), false) : false;
  if (hi < out->cp) return regex__fail(P, at, "Range out of order in character class"), false;
  out->is_set = out->is_range = true;
  regex_set_clear(&out->set);
  regex_set_add_range(&out->set, out->cp, hi);
  return true;
}

static bool regex__at_set_operator(const RegexParser *P) {
  int c0 = regex__peek(P, 0), c1 = regex__peek(P, 1);
  return (c0 == '&' && c1 == '&') || (c0 == '-' && c1 == '-');
}

/* Intersection (&&) or subtraction (--) chain after the first operand, up to the closing ']'. */
static bool regex__class_v_operator(RegexParser *P, size_t open, char op, RegexSet *acc, bool *strings) {
  ClassAtom rhs;
  while (regex__peek(P, 0) == op && regex__peek(P, 1) == op) {
    P->pos += 2;
    if (op == '&' && regex__peek(P, 0) == '&')
      return regex__fail(P, P->pos, "Invalid character in character class"), false;
    if (P->pos >= P->len) return regex__fail(P, open, "Unterminated character class"), false;
    if (!regex__class_v_operand(P, false, &rhs)) return false;
    RegexSet r;
    regex_set_clear(&r);
    regex__atom_into(&rhs, &r);
    if (op == '&') {
      regex_set_intersect(acc, &r);
      *strings = *strings && rhs.may_have_strings;
    } else {
      regex_set_subtract(acc, &r);
    }
  }
  if (regex__eat(P, ']')) return true;
  if (P->pos >= P->len) return regex__fail(P, open, "Unterminated character class"), false;
  return regex__fail(P, P->pos, "Invalid set operation in character class"), false;
}

/* ClassUnion after the first operand, up to the closing ']'. */
static bool regex__class_v_union(RegexParser *P, size_t open, RegexSet *acc, bool *strings) {
  ClassAtom next;
  for (;;) {
    if (regex__eat(P, ']')) return true;
    if (P->pos >= P->len) return regex__fail(P, open, "Unterminated character class"), false;
    if (regex__at_set_operator(P)) return regex__fail(P, P->pos, "Invalid set operation in character class"), false;
    if (!regex__class_v_operand(P, true, &next)) return false;
    regex__atom_into(&next, acc);
    *strings = *strings || next.may_have_strings;
  }
}

/* ClassContents with v; P->pos is just after '['. The result is always a set. */
static bool regex__class_v_contents(RegexParser *P, size_t open, RegexSet *acc, bool *strings) {
  ClassAtom first;
  if (regex__eat(P, ']')) return true;
  if (P->pos >= P->len) return regex__fail(P, open, "Unterminated character class"), false;
  if (!regex__class_v_operand(P, true, &first)) return false;
  regex__atom_into(&first, acc);
  *strings = first.may_have_strings;
  if (!regex__at_set_operator(P)) return regex__class_v_union(P, open, acc, strings);
  if (first.is_range) return regex__fail(P, P->pos, "Invalid set operation in character class"), false;
  return regex__class_v_operator(P, open, (char)regex__peek(P, 0), acc, strings);
}

static bool regex__class_v(RegexParser *P, ClassAtom *out) {
  size_t open = P->pos - 1;
  if (++P->depth > REGEX_MAX_DEPTH) return regex__give_up(P, "character classes nested too deeply"), false;
  bool negate = regex__eat(P, '^');
  bool strings = false;
  RegexSet acc;
  regex_set_clear(&acc);
  if (!regex__class_v_contents(P, open, &acc, &strings)) return false;
  P->depth--;
  if (negate && strings) return regex__fail(P, open, "Negated character class may contain strings"), false;
  if (P->flags & REGEX_FLAG_I) regex_set_fold_case(&acc);
  if (negate) regex_set_invert(&acc);
  out->is_set = true;
  out->may_have_strings = strings;
  out->set = acc;
  return true;
}

/* '[' ... ']' as an atom. */
static int32_t regex__class(RegexParser *P) {
  size_t open = P->pos++;
  RegexSet set;
  regex_set_clear(&set);
  P->in_class = true;
  if (P->vmode) {
    ClassAtom a;
    bool ok = regex__class_v(P, &a);
    P->in_class = false;
    if (!ok) return REGEX_NONE;
    set = a.set;
  } else {
    bool negate = regex__eat(P, '^');
    regex__class_ranges(P, open, &set);
    P->in_class = false;
    if (P->status != 0) return REGEX_NONE;
    if (P->flags & REGEX_FLAG_I) regex_set_fold_case(&set);
    if (negate) regex_set_invert(&set);
  }
  int32_t n = regex__node(P, REGEX_CHAR, open);
  if (n == REGEX_NONE) return REGEX_NONE;
  P->ast->nodes[n].set = regex__set(P, &set);
  regex__finish(P, n, open);
  return n;
}

/* ---- atoms ---- */

static int32_t regex__disjunction(RegexParser *P);

static int32_t regex__backref(RegexParser *P, uint32_t group, size_t start) {
  int32_t n = regex__node(P, REGEX_BACKREF, start);
  if (n != REGEX_NONE) {
    P->ast->nodes[n].index = group;
    regex__finish(P, n, start);
  }
  return n;
}

/* \k<name>; P->pos just after 'k'. */
static int32_t regex__named_backref(RegexParser *P, size_t esc) {
  if (!regex__eat(P, '<')) return regex__fail(P, esc, "Invalid named reference"), REGEX_NONE;
  uint32_t start, count;
  if (!regex__read_name(P, &start, &count)) return regex__fail(P, esc, "Invalid capture group name"), REGEX_NONE;
  for (size_t i = 0; i < P->nnames; i++)
    if (regex__name_equal(P, &P->names[i], start, count)) return regex__backref(P, P->names[i].group, esc);
  regex__late_error(P, esc, "Invalid named capture referenced");
  return regex__backref(P, 0, esc);
}

/* \1..\99: a backreference when that many groups exist, else (without u) a legacy octal escape. */
static int32_t regex__decimal_escape(RegexParser *P, size_t esc) {
  size_t digits_at = P->pos;
  uint32_t n = 0;
  while (regex__is_digit(regex__peek(P, 0))) {
    n = n > 100000000 ? n : n * 10 + (uint32_t)(regex__peek(P, 0) - '0');
    P->pos++;
  }
  if (n <= P->total_groups) return regex__backref(P, n, esc);
  if (P->umode) return regex__fail(P, esc, "Invalid escape"), REGEX_NONE;
  P->pos = digits_at;
  int c = regex__peek(P, 0);
  uint32_t cp;
  if (c >= '8') {
    P->pos++;
    cp = (uint32_t)c;
  } else {
    cp = regex__legacy_octal(P);
  }
  return regex__char_node(P, cp, esc);
}

/* AtomEscape; P->pos at the backslash. \b and \B are handled as assertions by the caller. */
static int32_t regex__atom_escape(RegexParser *P) {
  size_t esc = P->pos++;
  int c = regex__peek(P, 0);
  if (c < 0) return regex__fail(P, esc, "\\ at end of pattern"), REGEX_NONE;
  if (regex__class_escape_letter(c)) {
    P->pos++;
    RegexSet s;
    regex__class_escape_set(c, &s);
    return regex__set_node(P, &s, esc);
  }
  if ((c == 'p' || c == 'P') && P->umode) {
    P->pos++;
    RegexSet s;
    bool strings;
    if (!regex__property_escape(P, c == 'P', esc, &s, &strings)) return REGEX_NONE;
    return regex__set_node(P, &s, esc);
  }
  if (c >= '1' && c <= '9') return regex__decimal_escape(P, esc);
  if (c == '0' && regex__is_digit(regex__peek(P, 1))) {
    if (P->umode) return regex__fail(P, esc, "Invalid decimal escape"), REGEX_NONE;
    return regex__char_node(P, regex__legacy_octal(P), esc);
  }
  if (c == 'k' && (P->umode || P->named)) {
    P->pos++;
    return regex__named_backref(P, esc);
  }
  uint32_t cp;
  if (!regex__character_escape(P, esc, false, &cp)) return REGEX_NONE;
  return regex__char_node(P, cp, esc);
}

/* Tries {n}, {n,} or {n,m} at P->pos; on success advances past '}'. */
static bool regex__braced(RegexParser *P, uint32_t *min, uint32_t *max) {
  size_t save = P->pos;
  uint32_t v[2] = {0, 0};
  size_t digits[2] = {0, 0};
  bool comma = false;
  P->pos++;
  for (int part = 0; part < 2; part++) {
    while (regex__is_digit(regex__peek(P, 0))) {
      uint32_t d = (uint32_t)(regex__peek(P, 0) - '0');
      v[part] = v[part] > (REGEX_INF - 10) / 10 ? REGEX_INF - 1 : v[part] * 10 + d;
      P->pos++;
      digits[part]++;
    }
    if (part == 0 && (digits[0] == 0 || !regex__eat(P, ','))) break;
    comma = true;
  }
  if (digits[0] == 0 || !regex__eat(P, '}')) {
    P->pos = save;
    return false;
  }
  *min = v[0];
  *max = !comma ? v[0] : digits[1] ? v[1] : REGEX_INF;
  return true;
}

static bool regex__at_quantifier(RegexParser *P) {
  int c = regex__peek(P, 0);
  if (c == '*' || c == '+' || c == '?') return true;
  if (c != '{') return false;
  size_t save = P->pos;
  uint32_t lo, hi;
  bool ok = regex__braced(P, &lo, &hi);
  P->pos = save;
  return ok;
}

static int32_t regex__literal(RegexParser *P) {
  size_t start = P->pos;
  if (P->has_pending) {
    P->has_pending = false;
    return regex__char_node(P, P->pending_lo, start);
  }
  uint32_t cp = regex__class_literal(P);
  return regex__char_node(P, cp, start);
}

/* V8 registers a group name when its group closes, and rejects a name already registered. */
static void regex__check_duplicate(RegexParser *P, uint32_t start, uint32_t count, uint32_t index, size_t at) {
  for (size_t i = 0; i < P->nnames; i++) {
    if (P->names[i].closed && regex__name_equal(P, &P->names[i], start, count)) {
      regex__fail(P, at, "Duplicate capture group name");
      return;
    }
  }
  for (size_t i = 0; i < P->nnames; i++)
    if (P->names[i].group == index) P->names[i].closed = true;
}

/* Group: ( Disjunction ), (?: ), (?<name> ). P->pos at '('. */
static int32_t regex__group(RegexParser *P) {
  size_t open = P->pos++;
  uint32_t index = 0, name_start = 0, name_count = 0;
  if (regex__eat(P, '?')) {
    if (regex__eat(P, '<')) {
      if (!regex__read_name(P, &name_start, &name_count))
        return regex__fail(P, open + 3, "Invalid capture group name"), REGEX_NONE;
      index = ++P->group_counter;
    } else if (!regex__eat(P, ':')) {
      return regex__fail(P, open, "Invalid group"), REGEX_NONE;
    }
  } else {
    index = ++P->group_counter;
  }
  int32_t body = regex__disjunction(P);
  if (body == REGEX_NONE) return REGEX_NONE;
  if (!regex__eat(P, ')')) return regex__fail(P, open, "Unterminated group"), REGEX_NONE;
  if (name_count) regex__check_duplicate(P, name_start, name_count, index, open + 3);
  int32_t n = P->status == 0 ? regex__parent(P, REGEX_GROUP, body, open) : REGEX_NONE;
  if (n != REGEX_NONE && index) {
    P->ast->nodes[n].index = index;
    if (index <= P->ast->group_count) P->ast->groups[index] = n;
  }
  return n;
}

static int32_t regex__atom(RegexParser *P) {
  if (P->has_pending) return regex__literal(P);
  size_t start = P->pos;
  int c = regex__peek(P, 0);
  switch (c) {
    case '.': {
      P->pos++;
      RegexSet s;
      regex_set_dot(&s, P->flags & REGEX_FLAG_S);
      return regex__set_node(P, &s, start);
    }
    case '(':
      return regex__group(P);
    case '[':
      return regex__class(P);
    case '\\':
      return regex__atom_escape(P);
    case '*':
    case '+':
    case '?':
      return regex__fail(P, start, "Nothing to repeat"), REGEX_NONE;
    case '{':
      if (regex__at_quantifier(P)) return regex__fail(P, start, "Nothing to repeat"), REGEX_NONE;
      if (P->umode) return regex__fail(P, start, "Lone quantifier brackets"), REGEX_NONE;
      return regex__literal(P);
    case '}':
    case ']':
      if (P->umode) return regex__fail(P, start, "Lone quantifier brackets"), REGEX_NONE;
      return regex__literal(P);
    default:
      return regex__literal(P);
  }
}

/* Quantifier after an atom, if any. */
static int32_t regex__quantified(RegexParser *P, int32_t atom, size_t start) {
  size_t qpos = P->pos;
  uint32_t min, max;
  int c = regex__peek(P, 0);
  if (c == '*' || c == '+' || c == '?') {
    P->pos++;
    min = c == '+' ? 1 : 0;
    max = c == '?' ? 1 : REGEX_INF;
  } else if (c == '{' && regex__braced(P, &min, &max)) {
    if (min > max) return regex__fail(P, qpos, "numbers out of order in {} quantifier"), REGEX_NONE;
  } else {
    if (c == '{' && P->umode) return regex__fail(P, qpos, "Incomplete quantifier"), REGEX_NONE;
    return atom;
  }
  bool greedy = !regex__eat(P, '?');
  int32_t n = regex__parent(P, REGEX_REPEAT, atom, start);
  if (n != REGEX_NONE) {
    RegexNode *r = &P->ast->nodes[n];
    r->min = min;
    r->max = max;
    r->greedy = greedy;
  }
  return n;
}

/* (?= (?! (?<= (?<! ; P->pos at '('. */
static int32_t regex__lookaround(RegexParser *P, bool behind, bool negate) {
  size_t open = P->pos;
  P->pos += behind ? 4 : 3;
  int32_t body = regex__disjunction(P);
  if (body == REGEX_NONE) return REGEX_NONE;
  if (!regex__eat(P, ')')) return regex__fail(P, open, "Unterminated group"), REGEX_NONE;
  int32_t n = regex__parent(P, REGEX_LOOK, body, open);
  if (n == REGEX_NONE) return REGEX_NONE;
  P->ast->nodes[n].behind = behind;
  P->ast->nodes[n].negate = negate;
  if (behind || P->umode) {
    if (regex__at_quantifier(P)) return regex__fail(P, P->pos, "Invalid quantifier"), REGEX_NONE;
    if (P->umode && regex__peek(P, 0) == '{') return regex__fail(P, P->pos, "Incomplete quantifier"), REGEX_NONE;
    return n;
  }
  return regex__quantified(P, n, open); /* Annex B: a lookahead may be quantified */
}

static int32_t regex__assertion(RegexParser *P, RegexKind kind, size_t width) {
  size_t start = P->pos;
  P->pos += width;
  if (regex__at_quantifier(P)) return regex__fail(P, P->pos, "Nothing to repeat"), REGEX_NONE;
  int32_t n = regex__node(P, kind, start);
  if (n != REGEX_NONE) regex__finish(P, n, start);
  return n;
}

static int32_t regex__term(RegexParser *P) {
  size_t start = P->pos;
  int c = regex__peek(P, 0), c1 = regex__peek(P, 1);
  if (!P->has_pending) {
    if (c == '^') return regex__assertion(P, REGEX_BOL, 1);
    if (c == '$') return regex__assertion(P, REGEX_EOL, 1);
    if (c == '\\' && (c1 == 'b' || c1 == 'B')) return regex__assertion(P, c1 == 'b' ? REGEX_WORDB : REGEX_NWORDB, 2);
    if (c == '(' && c1 == '?') {
      int c2 = regex__peek(P, 2), c3 = regex__peek(P, 3);
      if (c2 == '=' || c2 == '!') return regex__lookaround(P, false, c2 == '!');
      if (c2 == '<' && (c3 == '=' || c3 == '!')) return regex__lookaround(P, true, c3 == '!');
    }
  }
  int32_t atom = regex__atom(P);
  if (atom == REGEX_NONE || P->has_pending)
    return atom; /* the high surrogate of a split astral literal is never quantified */
  return regex__quantified(P, atom, start);
}

static int32_t regex__alternative(RegexParser *P) {
  size_t start = P->pos;
  int32_t first = REGEX_NONE, last = REGEX_NONE;
  uint32_t n = 0;
  while (P->has_pending || (P->pos < P->len && regex__peek(P, 0) != '|' && regex__peek(P, 0) != ')')) {
    int32_t t = regex__term(P);
    if (t == REGEX_NONE) return REGEX_NONE;
    if (last == REGEX_NONE)
      first = t;
    else
      P->ast->nodes[last].next = t;
    last = t;
    n++;
  }
  if (n == 1) return first;
  if (n == 0) {
    int32_t e = regex__node(P, REGEX_EMPTY, start);
    if (e != REGEX_NONE) regex__finish(P, e, start);
    return e;
  }
  return regex__parent(P, REGEX_SEQ, first, start);
}

static int32_t regex__disjunction(RegexParser *P) {
  size_t start = P->pos;
  if (++P->depth > REGEX_MAX_DEPTH) {
    regex__check_balance(P);
    regex__give_up(P, "groups nested more than 200 deep");
    return REGEX_NONE;
  }
  int32_t first = regex__alternative(P), last = first;
  while (first != REGEX_NONE && regex__eat(P, '|')) {
    int32_t next = regex__alternative(P);
    if (next == REGEX_NONE) return REGEX_NONE;
    P->ast->nodes[last].next = next;
    last = next;
  }
  P->depth--;
  if (first == REGEX_NONE || last == first) return first;
  return regex__parent(P, REGEX_ALT, first, start);
}

void regex_ast_free(RegexAst *ast) {
  if (!ast) return;
  free(ast->nodes);
  free(ast->sets);
  free(ast->groups);
  memset(ast, 0, sizeof *ast);
}

int regex_parse(const char *src, size_t len, unsigned flags, RegexAst *ast, RedosError *err) {
  RedosError scratch;
  RegexParser P = {.src = src, .len = len, .flags = flags, .ast = ast, .err = err ? err : &scratch};
  P.vmode = flags & REGEX_FLAG_V;
  P.umode = P.vmode || (flags & REGEX_FLAG_U);
  memset(ast, 0, sizeof *ast);
  ast->flags = flags;
  ast->root = REGEX_NONE;
  regex__prescan(&P);
  P.named = P.named || P.umode; /* \k is always a reference with u/v */
  ast->group_count = P.total_groups;
  ast->groups = calloc(P.total_groups + 1, sizeof *ast->groups);
  if (!ast->groups) regex__give_up(&P, "out of memory");
  for (uint32_t i = 0; ast->groups && i <= P.total_groups; i++) ast->groups[i] = REGEX_NONE;
  if (P.status == 0) {
    ast->root = regex__disjunction(&P);
    if (P.status == 0 && P.pos < P.len) regex__fail(&P, P.pos, "Unmatched ')'");
    if (P.status == 0 && P.late_error) regex__fail(&P, P.late_error_at, P.late_error);
  }
  free(P.name_cps);
  free(P.names);
  if (P.status != 0) regex_ast_free(ast);
  return P.status;
}
