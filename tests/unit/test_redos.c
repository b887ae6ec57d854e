/* test_redos.c — unit tests for the ReDoS analyser: verdicts, blamed spans, syntax errors with their
 * offsets, bounded work on hostile input, and a pseudo-random robustness loop (run it under
 * -fsanitize=address,undefined). Prints one line per case; exits 1 on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "looplens/redos.h"

enum { SAFE = 0, EXP = 1, ERR = -1 };
#define ANY UINT32_MAX

typedef struct {
  const char *pattern, *flags;
  int expect;         /* SAFE, EXP or ERR */
  uint32_t offset;    /* EXP: blamed group; ERR: error offset; ANY to skip */
  uint32_t length;    /* EXP: blamed group length; ANY to skip */
  const char *needle; /* expected in the reason or the error message; NULL to skip */
} Case;

static const Case cases[] = {
    /* exponential: nested quantifiers */
    {"(a+)+$", "", EXP, 0, 5, "nested quantifier: \"(a+)+\""},
    {"(a*)*b", "", EXP, 0, 5, "nested quantifier"},
    {"(\\w+\\d*)+$", "", EXP, 0, 9, "nested quantifier"},
    {"^([a-z]+)+$", "", EXP, 1, 9, NULL},
    {"(a{1,})*b", "", EXP, 0, 8, NULL},
    {"x{2,3}(b+)+X", "", EXP, 6, 5, NULL},
    {"(\\d(\\s+)*){20}", "", EXP, 3, 6, "(\\s+)*"},
    {"^(?<word>\\w+\\s?)*$", "", EXP, 1, 16, NULL},
    {"(?=(a+)+$)", "", EXP, 3, 5, NULL},
    {"^ab(c+)+$", "y", EXP, 3, 5, NULL},
    /* exponential: overlapping alternatives */
    {"(a|a)*$", "", EXP, 0, 6, "quantified alternation"},
    {"(a|ab|b)*c", "", EXP, 0, 9, "its branches overlap"},
    {"(\\w|\\d)+$", "", EXP, 0, 8, NULL},
    {"(.|\\s)*x", "", EXP, 0, 7, NULL},
    {"(?:a|a?)+b", "", EXP, 0, 9, NULL},
    {"(.|\\n)*!", "s", EXP, 0, 7, NULL},
    {"(foo|FOO)*bar", "i", EXP, 0, 10, NULL},
    {"^((?:a{|-)|\\w\\{)+X$", "", EXP, 1, 16, NULL},
    {"^\\n\xF0\x9F\x9A\x80(\xF0\x9F\x9A\x80|.)+X$", "", EXP, 7, 9, NULL},
    {"(a)(?:\\1|a)*$", "", EXP, 3, 9, NULL},
    {"^(?:[[a-z]&&[aeiou]]|a)*$", "v", EXP, 1, 23, NULL},
    /* exponential: overlapping items inside one repetition */
    {"(\\s*\\w+\\s*)*$", "", EXP, 0, 12, "ambiguous repetition"},
    {"^(a?a?)*$", "", EXP, 1, 7, NULL},
    {"(c?a?)*b", "", EXP, 0, 7, NULL},
    {"(x+x+)+y", "", EXP, 0, 7, NULL},
    {"(aa?)*b", "v", EXP, 0, 6, NULL},
    {"(.*a){1,40}x", "", EXP, 0, 11, NULL},
    {"\\/(?![ *])(\\\\\\/|.)*?\\/[gim]*(?=\\W|$)", "", EXP, 10, 10, NULL},
    /* safe: no overlap */
    {"(a|b)*c", "", SAFE, ANY, ANY, "no quantified sub-expression"},
    {"(ab+)+c", "", SAFE, ANY, ANY, NULL},
    {"(a|ab)*c", "", SAFE, ANY, ANY, NULL}, /* shared first character, yet one way to split any text */
    {"[^\"]*\"", "", SAFE, ANY, ANY, NULL},
    {"(a?)*b", "", SAFE, ANY, ANY, NULL},
    {"\\s*#?\\s*$", "", SAFE, ANY, ANY, NULL},
    {"(.|\\n)*!", "", SAFE, ANY, ANY, NULL},
    {"((;|^)a+)+$", "", SAFE, ANY, ANY, NULL},
    {"foo([\\uDC66\\uDC67]|[\\uDC68\\uDC69])*foo", "", SAFE, ANY, ANY, NULL},
    {"^(?:\\p{Lu}|\\d)*$", "u", SAFE, ANY, ANY, NULL},
    {"(foo|FOO)*bar", "", SAFE, ANY, ANY, NULL},
    {"(?:[\\s;,\"'<>(){}|[\\]@=+*]|:(?![/\\\\]))+", "", SAFE, ANY, ANY, NULL},
    {"(\\w+)\\1*$", "", SAFE, ANY, ANY, NULL},
    {"^(?:[[a-z]--[a]]|a)*$", "v", SAFE, ANY, ANY, NULL},
    /* safe: ambiguous, but nothing after the loop can fail */
    {"(a+)+", "", SAFE, ANY, ANY, "always matches"},
    {"^([^>]+)*(>|$)", "", SAFE, ANY, ANY, "always matches"},
    {"([\\s\\S]*)+(?=$)", "", SAFE, ANY, ANY, "always matches"},
    {"((ab)+)*ababab", "", SAFE, ANY, ANY, NULL},
    {"(.*,)+.+", "", SAFE, ANY, ANY, NULL},
    /* Annex B leniency without u/v */
    {"]", "", SAFE, ANY, ANY, NULL},
    {"{", "", SAFE, ANY, ANY, NULL},
    {"a{1", "", SAFE, ANY, ANY, NULL},
    {"\\c", "", SAFE, ANY, ANY, NULL},
    {"\\8\\07\\k", "", SAFE, ANY, ANY, NULL},
    {"[\\d-z]", "", SAFE, ANY, ANY, NULL},
    {"(?=a)*", "", SAFE, ANY, ANY, NULL},
    /* syntax errors with their offsets */
    {"(a", "", ERR, 0, ANY, "Unterminated group"},
    {"a)", "", ERR, 1, ANY, "Unmatched ')'"},
    {"*a", "", ERR, 0, ANY, "Nothing to repeat"},
    {"a**", "", ERR, 2, ANY, "Nothing to repeat"},
    {"a{2,1}", "", ERR, 1, ANY, "numbers out of order in {} quantifier"},
    {"[z-a]", "", ERR, 0, ANY, "Range out of order in character class"},
    {"[a", "", ERR, 0, ANY, "Unterminated character class"},
    {"ab\\", "", ERR, 2, ANY, "\\ at end of pattern"},
    {"(?a)", "", ERR, 0, ANY, "Invalid group"},
    {"(?<a>x)(?<a>y)", "", ERR, 10, ANY, "Duplicate capture group name"},
    {"\\k<b>(?<a>x)", "", ERR, 0, ANY, "Invalid named capture referenced"},
    {"(?<1>x)", "", ERR, 3, ANY, "Invalid capture group name"},
    {"(?<=a)*", "", ERR, 6, ANY, "Invalid quantifier"},
    {"{", "u", ERR, 0, ANY, "Lone quantifier brackets"},
    {"a{", "u", ERR, 1, ANY, "Incomplete quantifier"},
    {"\\1", "u", ERR, 0, ANY, "Invalid escape"},
    {"[\\d-z]", "u", ERR, 0, ANY, "Invalid character class"},
    {"\\p{Foo}", "u", ERR, 0, ANY, "Invalid property name"},
    {"[(]", "v", ERR, 1, ANY, "Invalid character in character class"},
    {"[^\\q{ab}]", "v", ERR, 0, ANY, "Negated character class may contain strings"},
    {"a", "gg", ERR, 1, ANY, "Invalid flags"},
    {"a", "uv", ERR, 1, ANY, "Invalid flags"},
};

static int failures;

static void report(int ok, const char *what, const char *detail) {
  printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, detail[0] ? ": " : "", detail);
  failures += !ok;
}

static void run_case(const Case *c) {
  RedosResult r;
  RedosError e;
  int rc = redos_check(c->pattern, strlen(c->pattern), c->flags, strlen(c->flags), &r, &e);
  int got = rc != 0 ? ERR : r.verdict == REDOS_EXPONENTIAL ? EXP : SAFE;
  const char *text = rc != 0 ? e.message : r.reason;
  uint32_t off = rc != 0 ? e.offset : r.offset;
  char what[160], detail[400] = "";
  snprintf(what, sizeof what, "/%s/%s", c->pattern, c->flags);
  static const char *names[] = {"error", "safe", "exponential"};
  if (got != c->expect)
    snprintf(detail, sizeof detail, "expected %s, got %s (%s)", names[c->expect + 1], names[got + 1], text);
  else if (c->offset != ANY && off != c->offset)
    snprintf(detail, sizeof detail, "expected offset %u, got %u (%s)", c->offset, off, text);
  else if (c->length != ANY && r.length != c->length)
    snprintf(detail, sizeof detail, "expected length %u, got %u (%s)", c->length, r.length, text);
  else if (c->needle && !strstr(text, c->needle))
    snprintf(detail, sizeof detail, "expected \"%s\" in \"%s\"", c->needle, text);
  report(detail[0] == 0, what, detail);
}

/* Hostile shapes: each must come back quickly with a verdict, never an overflow or a hang. */
typedef struct {
  const char *name, *head, *unit;
  size_t times;
  const char *tail;
  int expect_rc;
  const char *needle;
} Hostile;

static const Hostile hostile[] = {
    {"10000 unclosed groups: syntax error", "", "(", 10000, "", -1, "Unterminated group"},
    {"pattern over 64 KiB: too complex", "", "ab", 40000, "", 0, "too complex"},
    {"3000 nullable loops: bounded", "", "(\\w+)*", 3000, "$", 0, NULL},
    {"counted repeats nested three deep: bounded", "", "((a{1000}){1000}){1000}", 1, "$", 0, NULL},
    {"a?^5000 a^5000: bounded", "", "a?", 5000, "aaaa", 0, NULL},
    {"2000-branch alternation in a star: bounded", "(?:", "abc|abd|", 2000, "x)*$", 0, NULL},
    {"300 starred alternations: bounded", "", "(?:a|b*)*", 300, "c", 0, NULL},
    {"4000 quantified classes: safe", "", "[^\"]*\"", 4000, "", 0, "no quantified"},
};

/* head + unit * times + tail */
static char *repeat(const Hostile *h, size_t *len) {
  size_t hd = strlen(h->head), u = strlen(h->unit), t = strlen(h->tail);
  char *buf = malloc(hd + u * h->times + t + 1);
  if (!buf) exit(2);
  memcpy(buf, h->head, hd);
  for (size_t i = 0; i < h->times; i++) memcpy(buf + hd + i * u, h->unit, u);
  memcpy(buf + hd + u * h->times, h->tail, t + 1);
  *len = hd + u * h->times + t;
  return buf;
}

static void run_hostile(const Hostile *h) {
  size_t len;
  char *p = repeat(h, &len);
  RedosResult r;
  RedosError e;
  int rc = redos_check(p, len, "", 0, &r, &e);
  const char *text = rc ? e.message : r.reason;
  char detail[300] = "";
  if (rc != h->expect_rc || (h->needle && !strstr(text, h->needle)))
    snprintf(detail, sizeof detail, "rc %d, \"%s\"", rc, text);
  report(detail[0] == 0, h->name, detail);
  free(p);
}

static void run_nested_parens(void) {
  size_t n = 1000;
  char *p = malloc(2 * n + 2);
  if (!p) exit(2);
  memset(p, '(', n);
  p[n] = 'a';
  memset(p + n + 1, ')', n);
  RedosResult r;
  RedosError e;
  int rc = redos_check(p, 2 * n + 1, "", 0, &r, &e);
  report(rc == 0 && r.verdict == REDOS_SAFE && strstr(r.reason, "too complex") != NULL,
         "1000 nested groups: too complex to analyse", rc ? e.message : "");
  free(p);
}

/* xorshift32: reproducible pseudo-random input */
static uint32_t rng = 2463534242u;

static uint32_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static void run_fuzz(unsigned rounds) {
  static const char alphabet[] = "()[]{}|*+?^$.\\-,:=!<>abcdkpuxvwsSdDbB0123456789&";
  static const char *flag_sets[] = {"", "u", "v", "i", "m", "s", "iu", "gimsy", "dv"};
  char pattern[96];
  unsigned bad = 0;
  for (unsigned i = 0; i < rounds; i++) {
    size_t len = next_random() % sizeof pattern;
    for (size_t j = 0; j < len; j++) {
      uint32_t r = next_random();
      pattern[j] = (r & 7) == 0 ? (char)(r >> 8) : alphabet[(r >> 8) % (sizeof alphabet - 1)];
    }
    const char *flags = flag_sets[next_random() % (sizeof flag_sets / sizeof *flag_sets)];
    RedosResult r;
    RedosError e;
    int rc = redos_check(pattern, len, flags, strlen(flags), &r, &e);
    int sane = rc == -1 ? e.offset <= len && memchr(e.message, 0, sizeof e.message) != NULL
                        : rc == 0 && r.offset + r.length <= len && memchr(r.reason, 0, sizeof r.reason) != NULL;
    bad += !sane;
  }
  char what[80];
  snprintf(what, sizeof what, "%u pseudo-random patterns: no crash, sane results", rounds);
  char detail[40] = "";
  if (bad) snprintf(detail, sizeof detail, "%u insane results", bad);
  report(bad == 0, what, detail);
}

int main(void) {
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) run_case(&cases[i]);
  run_nested_parens();
  for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) run_hostile(&hostile[i]);
  run_fuzz(5000);
  printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
