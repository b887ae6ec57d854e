/* test_region.c: the language server re-checks only the statements an edit touched when it can
 * prove the rest of the file's findings stand (engine.c, sem_region.c). This differential test
 * types and deletes snippets one character at a time at many places of real files, and after every
 * keystroke compares the document's findings with a fresh whole-file analysis of the same text.
 * Where the text parses, they must be identical (rule, severity, context, range, message, note).
 * usage: test_region [--seed N] [--bursts N] [--min-region PERCENT] [--report N] FILE...
 * (--report: how many differences to print, 10 by default; --explain N: for the first N, the edited
 * line and both lists of findings)
 * It fails on any difference, and when fewer keystrokes than --min-region percent were checked by
 * region (so a fast path that always gives up cannot pass unnoticed). */
#include "looplens/config.h"
#include "looplens/engine.h"
#include "looplens/fileio.h"
#include "looplens/strbuf.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What gets typed: hazards, declarations, calls into other functions, removals, suppressions, and
 * half-finished syntax along the way. */
static const char *const snippets[] = {
    "const data = fs.readFileSync(path.join(dir, name), 'utf8');",
    "fs.writeFileSync(out, body);",
    "let n = 0;",
    "process.nextTick(tick);",
    "setImmediate(() => { work(); });",
    "this.cache.delete(key);",
    "emitter.removeListener('data', onData);",
    "cache.set(key, value);",
    "const x = require('crypto').pbkdf2Sync(a, b, 1, 2, 'sha1');",
    "if (ok) { return child_process.execSync('ls'); }",
    "helper(req, res);",
    "// looplens-ignore-next-line",
    "module.exports.extra = function () {};",
    "server.on('request', (req, res) => { fs.statSync(req.url); });",
    "for (const k of list) { await step(k); }",
    "const fn = function named() { zlib.gzipSync(buf); };",
    "x = y;",
};

typedef struct {
  char *s;
  size_t len, cap;
} Text;

static void text_edit(Text *t, size_t at, size_t del, const char *ins, size_t n) {
  if (t->len - del + n + 1 > t->cap) {
    t->cap = (t->len - del + n + 1) * 2;
    t->s = realloc(t->s, t->cap);
    if (!t->s) abort();
  }
  memmove(t->s + at + n, t->s + at + del, t->len - at - del);
  memcpy(t->s + at, ins, n);
  t->len = t->len - del + n;
  t->s[t->len] = '\0';
}

static LlPoint point_at(const Text *t, size_t at) {
  LlPoint p = {0, 0};
  for (size_t i = 0; i < at; i++) {
    if (t->s[i] == '\n') p.row++, p.column = 0;
    else p.column++;
  }
  return p;
}

static uint64_t rng_state;
static uint32_t rng(void) {
  rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (uint32_t)(rng_state >> 33);
}

/* Applies one edit to the text and to the document, then analyses the document. */
static void edit_and_check(Analyzer *an, const Config *cfg, EngineDoc *doc, Text *t, size_t at, size_t del,
                           const char *ins, size_t n, DiagList *out) {
  LlPoint sp = point_at(t, at), oe = point_at(t, at + del);
  text_edit(t, at, del, ins, n);
  LlPoint ne = point_at(t, at + n);
  EngineEdit e = {(uint32_t)at, (uint32_t)(at + del), (uint32_t)(at + n), sp, oe, ne};
  engine_doc_edit(doc, &e);
  diag_list_clear(out);
  analyzer_run_doc(an, cfg, doc, t->s, t->len, out, NULL);
}

/* Why keystrokes were checked whole, counted (printed at the end). */
static struct { const char *why; unsigned long n; } reasons[32];
static void tally(const char *why) {
  size_t i = 0;
  while (i < 32 && reasons[i].why && strcmp(reasons[i].why, why)) i++;
  if (i < 32) reasons[i].why = why, reasons[i].n++;
}

/* For --explain: the line being edited and both lists of findings. */
static void explain(const Text *t, size_t at, const DiagList *got, const DiagList *want) {
  const char *dump = getenv("TEST_REGION_DUMP"); /* a path: the text that differed, to replay by hand */
  FILE *f = dump ? fopen(dump, "w") : NULL;
  if (f) fwrite(t->s, 1, t->len, f), fclose(f);
  size_t s = at, e = at;
  while (e < t->len && t->s[e] != '\n') e++;
  fprintf(stderr, "  line %u now: %.*s\n", point_at(t, s).row + 1, (int)(e - s), t->s + s);
  const DiagList *lists[2] = {got, want};
  for (int l = 0; l < 2; l++)
    for (size_t i = 0; i < lists[l]->len; i++) {
      const Diag *d = &lists[l]->items[i];
      fprintf(stderr, "  %s %s %u:%u-%u:%u %s | %s\n", l ? "whole " : "region", d->rule->id, d->start.row + 1,
              d->start.column + 1, d->end.row + 1, d->end.column + 1, d->message, d->context_note ? d->context_note : "");
    }
}

static int same_diags(const DiagList *a, const DiagList *b, char *why, size_t whylen) {
  if (a->len != b->len) {
    snprintf(why, whylen, "%zu findings by region, %zu whole", a->len, b->len);
    return 0;
  }
  for (size_t i = 0; i < a->len; i++) {
    const Diag *x = &a->items[i], *y = &b->items[i];
    if (x->rule != y->rule || x->severity != y->severity || x->context != y->context ||
        x->start_byte != y->start_byte || x->end_byte != y->end_byte || x->start.row != y->start.row ||
        x->start.column != y->start.column || x->end.row != y->end.row || x->end.column != y->end.column ||
        strcmp(x->message, y->message) || strcmp(x->context_note ? x->context_note : "", y->context_note ? y->context_note : "")) {
      snprintf(why, whylen, "finding %zu differs: %s at %u:%u '%s' vs %s at %u:%u '%s'", i, x->rule->id,
               x->start.row + 1, x->start.column + 1, x->message, y->rule->id, y->start.row + 1, y->start.column + 1,
               y->message);
      return 0;
    }
  }
  return 1;
}

int main(int argc, char **argv) {
  unsigned long seed = 1, bursts = 40, report = 10, explain_n = 0;
  double min_region = 0;
  int first = 1;
  for (; first < argc && !strncmp(argv[first], "--", 2); first += 2) {
    if (first + 1 >= argc) return 2;
    if (!strcmp(argv[first], "--seed")) seed = strtoul(argv[first + 1], NULL, 10);
    else if (!strcmp(argv[first], "--bursts")) bursts = strtoul(argv[first + 1], NULL, 10);
    else if (!strcmp(argv[first], "--min-region")) min_region = atof(argv[first + 1]);
    else if (!strcmp(argv[first], "--report")) report = strtoul(argv[first + 1], NULL, 10);
    else if (!strcmp(argv[first], "--explain")) explain_n = strtoul(argv[first + 1], NULL, 10);
    else return 2;
  }
  LlError err = {0};
  RuleSet *rules = ruleset_new();
  if (ruleset_add_builtin(rules, &err) < 0) return 2;
  Engine *engine = engine_new(rules, &err);
  Config *cfg = config_default();
  Analyzer *an = analyzer_new(engine);
  rng_state = seed;
  unsigned long keys = 0, compared = 0, region = 0, failures = 0;
  for (int f = first; f < argc; f++) {
    FileData fd;
    if (file_read(argv[f], &fd, &err) < 0) {
      fprintf(stderr, "%s: %s\n", argv[f], err.text);
      return 2;
    }
    Text t = {0};
    text_edit(&t, 0, 0, fd.data, fd.len);
    file_data_free(&fd);
    EngineDoc *doc = engine_doc_new();
    engine_doc_set_region_check(doc, 1);
    DiagList got = {0}, want = {0};
    analyzer_run_doc(an, cfg, doc, t.s, t.len, &got, NULL);
    for (unsigned long b = 0; b < bursts && t.len > 0; b++) {
      /* a place at the start of a line, then a snippet typed and erased key by key */
      size_t at = rng() % t.len;
      while (at > 0 && t.s[at - 1] != '\n') at--;
      const char *snip = snippets[rng() % (sizeof snippets / sizeof *snippets)];
      size_t n = strlen(snip);
      bool newline = rng() % 2;
      if (newline) edit_and_check(an, cfg, doc, &t, at, 0, "\n", 1, &got); /* a fresh line, as the bench does */
      for (size_t k = 0; k <= 2 * n; k++) {
        EngineRegionStats before = engine_doc_stats(doc);
        if (k < n) edit_and_check(an, cfg, doc, &t, at + k, 0, snip + k, 1, &got);
        else if (k < 2 * n) edit_and_check(an, cfg, doc, &t, at + (2 * n - k) - 1, 1, "", 0, &got);
        else break;
        keys++;
        EngineRegionStats after = engine_doc_stats(doc);
        bool by_region = after.region > before.region;
        region += by_region;
        if (!by_region && after.fallback) tally(after.fallback);
        diag_list_clear(&want);
        AnalyzeInfo info;
        analyzer_run(an, cfg, t.s, t.len, &want, &info);
        if (info.syntax_errors) continue; /* mid-edit: the region keeps the rest of the file as it was */
        compared++;
        char why[600];
        if (!same_diags(&got, &want, why, sizeof why)) {
          if (failures < report)
            fprintf(stderr, "%s: after typing %zu of \"%s\" at byte %zu (%s): %s\n", argv[f], k < n ? k + 1 : 2 * n - k,
                    snip, at, by_region ? "region" : "whole", why);
          if (failures < explain_n) explain(&t, at, &got, &want);
          failures++;
        }
      }
      if (newline) edit_and_check(an, cfg, doc, &t, at, 1, "", 0, &got);
    }
    diag_list_free(&got);
    diag_list_free(&want);
    engine_doc_free(doc);
    free(t.s);
  }
  double pct = keys ? 100.0 * region / keys : 0;
  for (size_t i = 0; i < 32 && reasons[i].why; i++) printf("  checked whole %lu times: %s\n", reasons[i].n, reasons[i].why);
  printf("%lu keystrokes, %lu compared with a whole-file analysis (text parses), %lu (%.1f%%) checked by region, "
         "%lu differences\n", keys, compared, region, pct, failures);
  analyzer_free(an);
  config_free(cfg);
  engine_free(engine);
  ruleset_free(rules);
  if (failures) return 1;
  if (pct < min_region) {
    fprintf(stderr, "only %.1f%% of keystrokes were checked by region (expected at least %.1f%%)\n", pct, min_region);
    return 1;
  }
  return 0;
}
