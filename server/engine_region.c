/* engine_region.c: the region re-check. When every edit since a document's last whole-file analysis
 * (the base) lies in one run of statements of one statement list, that run is parsed and modelled
 * alone against the base model, and the base's findings elsewhere are kept (moved, their line
 * numbers renumbered), when that is provably the same as analysing the whole file: no loop around
 * the run, no syntactic join with its neighbours, and the same effects on the rest of the file
 * before and after the edit (sem_region_effects). tests/unit/test_region.c checks it keystroke by
 * keystroke. */
#include "engine_private.h"
#include "syms.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The run of statements to re-check, in base bytes unless said otherwise. */
struct RegionPlan {
  const char *why;             /* the base alone rules the run out (static text) */
  uint32_t cs, ce_old, ce_new; /* the edits' span: base [cs, ce_old) is now [cs, ce_new) */
  uint32_t lines;              /* newlines in base [cs, ce_old) */
  int64_t delta;               /* ce_new - ce_old */
  uint32_t hi;                 /* the end of the statement list's inside */
  TSPoint hi_pt;
  uint32_t rs;                 /* the run's start: the end of the statement before it, or the list's start */
  TSPoint rs_pt;
  Vec(TSNode) kids;            /* the list's statements, comments left out */
  size_t j;                    /* the first statement after the edits */
  bool prev;                   /* a statement comes before the run */
  uint32_t row_start, row_end; /* the row the edits end on (base): columns move only there */
  uint32_t edit_row;           /* its number (0-based): rows after it move by line_delta */
  int64_t col_delta;           /* how far they move: the edits' change to that row's length */
  int32_t line_delta;          /* lines the edits added (removed, < 0) */
};

static bool region__asi_hazard(char c) { return c && strchr("([`+-/.,?*%<>=&|^", c) != NULL; }

/* The first byte at or after i (below end) that is neither white space nor inside a comment. */
static uint32_t region__skip_trivia(const char *s, uint32_t i, uint32_t end) {
  while (i < end) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') i++;
    else if (s[i] == '/' && i + 1 < end && s[i + 1] == '/') {
      while (i < end && s[i] != '\n') i++;
    } else if (s[i] == '/' && i + 1 < end && s[i + 1] == '*') {
      uint32_t j = i + 2; /* the first byte inside the comment */
      while (j + 1 < end && !(s[j] == '*' && s[j + 1] == '/')) j++;
      if (j + 1 >= end) return end;
      i = j + 2;
    } else break;
  }
  return i;
}

static bool region__loop(TSNode n) {
  TSSymbol t = ts_node_symbol(n);
  return t == SYM(while_statement) || t == SYM(for_statement) || t == SYM(for_in_statement) || t == SYM(do_statement);
}

/* Parses the new text of [rs, start of statement j) alone, at its place (to the end of the list
 * when j is past the last statement); *re gets the region's end in base bytes. */
static TSTree *region__parse_range(Analyzer *self, const char *src, size_t len, const RegionPlan *p, size_t j,
                                   uint32_t *re) {
  size_t k = p->kids.len;
  TSPoint re_pt = j < k ? ts_node_start_point(p->kids.items[j]) : p->hi_pt;
  *re = j < k ? ts_node_start_byte(p->kids.items[j]) : p->hi;
  if (*re <= p->row_end) re_pt.column = (uint32_t)(re_pt.column + p->col_delta);
  re_pt.row = (uint32_t)((int64_t)re_pt.row + p->line_delta); /* the end is past the edits */
  TSRange range = {p->rs_pt, re_pt, p->rs, (uint32_t)(*re + p->delta)};
  if (!ts_parser_set_included_ranges(self->parser, &range, 1)) return NULL;
  TSTree *tree = ts_parser_parse_string(self->parser, NULL, src, (uint32_t)len);
  ts_parser_set_included_ranges(self->parser, NULL, 0);
  return tree;
}

/* Does the base statement `s` come out of the region parse whole, where the edits moved it? */
static bool region__intact(TSNode root, TSNode s, int64_t delta) {
  uint32_t at = (uint32_t)(ts_node_start_byte(s) + delta), end = (uint32_t)(ts_node_end_byte(s) + delta);
  TSNode c = ts_node_first_named_child_for_byte(root, at);
  while (!ts_node_is_null(c) && ts_node_is_extra(c)) c = ts_node_next_named_sibling(c);
  return !ts_node_is_null(c) && ts_node_start_byte(c) == at && ts_node_end_byte(c) == end &&
         ts_node_symbol(c) == ts_node_symbol(s);
}

/* Does [from, to) end with a word that can begin a longer construct with what follows, even across
 * a line break (`let` before `x = 1`, `async` before `function`)? Alone it is a plain identifier. */
static bool region__joining_word(const char *s, uint32_t from, uint32_t to) {
  while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t' || s[to - 1] == '\n' || s[to - 1] == '\r')) to--;
  uint32_t w = to;
  while (w > from && (isalnum((unsigned char)s[w - 1]) || s[w - 1] == '_' || s[w - 1] == '$')) w--;
  if (w > from && s[w - 1] == '.') return false; /* a property */
  static const char *const words[] = {"let", "async", "yield", "await", "static", "get", "set", "of", NULL};
  for (const char *const *k = words; *k; k++)
    if (strlen(*k) == to - w && !memcmp(s + w, *k, to - w)) return true;
  return false;
}

/* A lexical scan of [from, to) (escapes followed; regex literals not told from division): does it
 * end inside a comment, string or template literal, so that whatever follows is swallowed? Does a
 * bracket close there that opened before it (*stray), which would reshape the blocks around? Does
 * one stay open at the end (*unclosed)? */
static bool region__open_lexeme(const char *s, uint32_t from, uint32_t to, bool *stray, bool *unclosed) {
  char in = 0; /* 0 code, '/' line comment, '*' block comment, or the quote that opened a string */
  int depth = 0;
  *stray = false;
  for (uint32_t i = from; i < to; i++) {
    char c = s[i], d = i + 1 < to ? s[i + 1] : 0;
    if (in == '/') {
      if (c == '\n') in = 0;
    } else if (in == '*') {
      if (c == '*' && d == '/') in = 0, i++;
    } else if (in) {
      if (c == '\\') i++;
      else if (c == in || (c == '\n' && in != '`')) in = 0;
    } else if (c == '/' && (d == '/' || d == '*')) {
      in = d, i++;
    } else if (c == '\'' || c == '"' || c == '`') {
      in = c;
    } else if (c == '(' || c == '[' || c == '{') {
      depth++;
    } else if ((c == ')' || c == ']' || c == '}') && --depth < 0) {
      *stray = true;
    }
  }
  *unclosed = depth > 0;
  return in != 0;
}

static int region__strcmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Finds the run around the base span [cs, ce_old): what depends on the base alone, kept between
 * keystrokes while the span stays (p->why: NULL, or why the run cannot be checked alone). */
static void region__plan_base(const EngineDoc *doc, uint32_t cs, uint32_t ce_old, RegionPlan *p) {
  const char *bsrc = doc->base_src;
  p->cs = cs, p->ce_old = ce_old;
  if (ce_old > doc->base_len) {
    p->why = "span";
    return;
  }
  for (uint32_t i = cs; i < ce_old; i++) p->lines += bsrc[i] == '\n';
  /* the innermost statement list around the span, with no loop above it */
  TSNode root = ts_tree_root_node(doc->base_tree);
  if (ts_node_has_error(root)) {
    p->why = "base has syntax errors";
    return;
  }
  TSNode list = ts_node_descendant_for_byte_range(root, cs, ce_old);
  while (!ts_node_is_null(list) && !node_is(list, S_statement_block) && !ts_node_is_null(ts_node_parent(list)))
    list = ts_node_parent(list);
  bool program = !node_is(list, S_statement_block); /* climbed to the root */
  uint32_t lo = program ? 0 : ts_node_start_byte(list) + 1;
  p->hi = program ? (uint32_t)doc->base_len : ts_node_end_byte(list) - 1;
  if (cs < lo || ce_old > p->hi || ts_node_is_error(list)) {
    p->why = "edits leave the statement list";
    return;
  }
  for (TSNode a = list; !ts_node_is_null(a); a = ts_node_parent(a))
    if (region__loop(a)) {
      p->why = "inside a loop";
      return;
    }
  p->rs_pt = program ? (TSPoint){0, 0} : ts_node_start_point(list), p->hi_pt = ts_node_end_point(list);
  if (!program) p->rs_pt.column++, p->hi_pt.column--;
  /* the statements in order (through a cursor: ts_node_named_child(i) costs O(i) each) */
  TSTreeCursor cur = ts_tree_cursor_new(list);
  for (bool more = ts_tree_cursor_goto_first_child(&cur); more; more = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode c = ts_tree_cursor_current_node(&cur);
    if (ts_node_is_named(c) && !ts_node_is_extra(c)) vec_push(&p->kids, c);
  }
  ts_tree_cursor_delete(&cur);
  size_t k = p->kids.len;
  p->rs = lo, p->j = k;
  for (size_t i = 0; i < k && !p->why; i++) { /* statements touching the span belong to the run */
    TSNode c = p->kids.items[i];
    if (ts_node_end_byte(c) < cs) p->rs = ts_node_end_byte(c), p->rs_pt = ts_node_end_point(c), p->prev = true;
    else if (ts_node_start_byte(c) > ce_old) p->j = p->j < i ? p->j : i;
    else continue;
    if (ts_node_has_error(c)) p->why = "syntax error next to the region"; /* the text around must parse as it did */
  }
  uint32_t re = p->j < k ? ts_node_start_byte(p->kids.items[p->j]) : p->hi;
  if (!p->why && (re < ce_old || p->rs > cs)) p->why = "edits leave the region";
  /* a finding that spans the run (an enclosing call, say) may depend on what is inside it */
  for (size_t i = 0; i < doc->base_diags.len && !p->why; i++) {
    const Diag *d = &doc->base_diags.items[i];
    if (d->start_byte < p->rs && d->end_byte > p->rs) p->why = "a finding spans the region";
  }
  const char *nl = memchr(bsrc + ce_old, '\n', doc->base_len - ce_old);
  p->row_end = nl ? (uint32_t)(nl - bsrc) : (uint32_t)doc->base_len;
  for (p->row_start = ce_old; p->row_start > 0 && bsrc[p->row_start - 1] != '\n';) p->row_start--;
  /* that row's number: the run's start row plus the line breaks between */
  p->edit_row = p->rs_pt.row;
  for (uint32_t i = p->rs; i < p->row_start; i++) p->edit_row += bsrc[i] == '\n';
}

/* What depends on the new text: NULL, or why the run cannot be checked alone. */
static const char *region__plan_text(const EngineDoc *doc, const char *src, size_t len, RegionPlan *p) {
  uint32_t cs = p->cs, ce_new = doc->span_new_end;
  p->ce_new = ce_new;
  p->delta = (int64_t)ce_new - (int64_t)p->ce_old;
  if (ce_new > len || (int64_t)doc->base_len + p->delta != (int64_t)len) return "span";
  uint32_t lines = 0;
  for (uint32_t i = cs; i < ce_new; i++) lines += src[i] == '\n';
  p->line_delta = (int32_t)lines - (int32_t)p->lines;
  /* automatic semicolon insertion must not join the run to the statement before it */
  uint32_t re = p->j < p->kids.len ? ts_node_start_byte(p->kids.items[p->j]) : p->hi;
  uint32_t re_new = (uint32_t)(re + p->delta), first = region__skip_trivia(src, p->rs, re_new);
  if (p->prev && first < re_new && region__asi_hazard(src[first])) return "ASI hazard before the region";
  uint32_t row_new = ce_new; /* columns on the edits' last row move by the change to its length */
  while (row_new > 0 && src[row_new - 1] != '\n') row_new--;
  p->col_delta = (int64_t)(ce_new - row_new) - (int64_t)(p->ce_old - p->row_start);
  return NULL;
}

void engine__region_forget(EngineDoc *doc) {
  if (!doc->plan) return;
  vec_free(&doc->plan->kids);
  free(doc->plan);
  doc->plan = NULL;
}

/* Parses the run alone, at its place in the text. A clean text can join the run to what follows in
 * only two ways: an expression left open at its end that the next statement completes (the base's
 * own statement starts keep any further join to an ASI hazard, checked last), or a comment, string
 * or template literal left open that ends somewhere further down. Then the run takes in what it
 * joins. An unclosed bracket never closes in a clean text (the statements after it are balanced);
 * a stray closing one reshapes the blocks around, and the whole file is parsed instead. */
static const char *region__parse(Analyzer *self, const EngineDoc *doc, const char *src, size_t len,
                                 const RegionPlan *p, TSTree **out, uint32_t *re) {
  size_t k = p->kids.len;
  TSTree *tree = region__parse_range(self, src, len, p, p->j, re);
  if (!tree) return "parse failed";
  bool stray, unclosed, open = region__open_lexeme(src, p->rs, (uint32_t)(*re + p->delta), &stray, &unclosed) && p->j < k;
  bool has_error = ts_node_has_error(ts_tree_root_node(tree));
  /* an error with a bracket left open is the run's own: nothing after it can close that bracket */
  bool error = has_error && !unclosed;
  bool word = !has_error && p->j < k && region__joining_word(src, p->rs, (uint32_t)(*re + p->delta));
  if (stray && has_error) {
    ts_tree_delete(tree);
    return "a bracket closes outside the region";
  }
  if (p->j < k && (open || error || word)) {
    uint32_t re2;
    TSTree *wider = region__parse_range(self, src, len, p, open ? k : p->j + 1, &re2);
    if (wider && !ts_node_has_error(ts_tree_root_node(wider)) &&
        (open || error || !region__intact(ts_tree_root_node(wider), p->kids.items[p->j], p->delta))) {
      ts_tree_delete(tree);
      tree = wider, *re = re2;
    } else if (wider) {
      ts_tree_delete(wider); /* the error is the run's own: the text does not parse either way */
    }
  }
  /* automatic semicolon insertion must not join the run to the statement after it */
  uint32_t next = region__skip_trivia(doc->base_src, *re, p->hi);
  if (next < p->hi && region__asi_hazard(doc->base_src[next])) {
    ts_tree_delete(tree);
    return "ASI hazard after the region";
  }
  *out = tree;
  return NULL;
}

/* Does the run [rs, re) act on the rest of the file as it did in the base? */
static bool region__same_effects(EngineDoc *doc, Sem *sem, uint32_t rs, uint32_t re) {
  StrVec *before = &doc->fx_before, after = {0};
  if (!doc->fx_known || doc->fx_from != rs || doc->fx_to != re) { /* the base does not change between keystrokes */
    engine__strs_clear(before);
    sem_region_effects(doc->base_sem, rs, re, before);
    if (before->len > 1) qsort(before->items, before->len, sizeof(char *), region__strcmp);
    doc->fx_from = rs, doc->fx_to = re, doc->fx_known = true;
  }
  sem_region_effects(sem, rs, UINT32_MAX, &after);
  bool same = before->len == after.len;
  if (same && after.len > 1) qsort(after.items, after.len, sizeof(char *), region__strcmp);
  for (size_t i = 0; same && i < before->len; i++) same = !strcmp(before->items[i], after.items[i]);
  engine__strs_clear(&after);
  vec_free(&after);
  return same;
}

/* The suppressions for the run's findings: the run's own comments, read from it (*own owns them),
 * and the base's outside it (borrowed), in base rows: those after it moved with the lines. One
 * before it aimed past the edit's row would now hit another line: the region model gives up. */
static void region__suppressions(const EngineDoc *doc, const RegionPlan *p, const Sem *sem, uint32_t re,
                                 Suppressions *own, Suppressions *sup, SemOuter *outer) {
  suppress_collect(sem, own);
  for (size_t i = 0; i < own->len; i++) vec_push(sup, own->items[i]);
  for (size_t i = 0; i < doc->base_sup.len; i++) {
    Suppression s = doc->base_sup.items[i];
    if (s.at >= p->rs && s.at < re) continue;
    if (s.at >= re && !s.whole_file) s.row = (uint32_t)((int64_t)s.row + p->line_delta);
    else if (p->line_delta && !s.whole_file && s.row >= p->edit_row && !outer->refused)
      outer->refused = "a suppression aims past the edit";
    vec_push(sup, s);
  }
}

/* Moves the line numbers in a kept finding's texts; false when one cannot be told. */
static bool region__renumber(Diag *d, const RegionPlan *p) {
  if (!p->line_delta) return true;
  char *m = sem_region_renumber(d->message, p->edit_row + 1, p->line_delta);
  char *n = d->context_note ? sem_region_renumber(d->context_note, p->edit_row + 1, p->line_delta) : NULL;
  if (!m || (d->context_note && !n)) {
    free(m);
    free(n);
    return false;
  }
  free(d->message);
  free(d->context_note);
  d->message = m, d->context_note = n;
  return true;
}

/* The base's findings before the run, the run's own (taken from mid), the base's after it, moved;
 * false (out untouched) when a kept message's line numbers cannot be moved. */
static bool region__merge(const EngineDoc *doc, const RegionPlan *p, uint32_t re, DiagList *mid, DiagList *out) {
  size_t i = 0, n = doc->base_diags.len;
  const Diag *b = doc->base_diags.items;
  while (i < n && b[i].start_byte < p->rs) i++;
  size_t after_at = i;
  while (after_at < n && b[after_at].start_byte < re) after_at++;
  DiagList before = {0}, after = {0};
  engine__diags_copy(&before, b, i, 0);
  engine__diags_copy(&after, b + after_at, n - after_at, p->delta);
  bool ok = true;
  for (size_t m = 0; m < before.len && ok; m++) ok = region__renumber(&before.items[m], p);
  for (size_t m = 0; m < after.len && ok; m++) { /* rows move; columns too on the row the edits end on */
    Diag *d = &after.items[m];
    if (d->start_byte - p->delta <= p->row_end) d->start.column = (uint32_t)(d->start.column + p->col_delta);
    if (d->end_byte - p->delta <= p->row_end) d->end.column = (uint32_t)(d->end.column + p->col_delta);
    d->start.row = (uint32_t)((int64_t)d->start.row + p->line_delta);
    d->end.row = (uint32_t)((int64_t)d->end.row + p->line_delta);
    ok = region__renumber(d, p);
  }
  if (ok) {
    for (size_t m = 0; m < before.len; m++) vec_push(out, before.items[m]);
    for (size_t m = 0; m < mid->len; m++) vec_push(out, mid->items[m]);
    for (size_t m = 0; m < after.len; m++) vec_push(out, after.items[m]);
    before.len = after.len = mid->len = 0;
  }
  diag_list_free(&before);
  diag_list_free(&after);
  return ok;
}

const char *engine__region(Analyzer *self, const Config *cfg, EngineDoc *doc, const char *src, size_t len,
                           DiagList *out, AnalyzeInfo *info) {
  /* The span covers every edit since the base; what it holds may have come back to the base's text
   * at either end (typed, then erased): narrow it to what differs. */
  uint32_t cs = doc->span_start, ce_old = doc->span_old_end, ce_new = doc->span_new_end;
  if (ce_old > doc->base_len || ce_new > len) return "span";
  while (cs < ce_old && cs < ce_new && doc->base_src[cs] == src[cs]) cs++;
  while (ce_old > cs && ce_new > cs && doc->base_src[ce_old - 1] == src[ce_new - 1]) ce_old--, ce_new--;
  doc->span_start = cs, doc->span_old_end = ce_old, doc->span_new_end = ce_new;
  if (!doc->plan || doc->plan->cs != doc->span_start || doc->plan->ce_old != doc->span_old_end) {
    engine__region_forget(doc);
    doc->plan = calloc(1, sizeof *doc->plan);
    if (!doc->plan) abort();
    region__plan_base(doc, doc->span_start, doc->span_old_end, doc->plan);
  }
  RegionPlan *p = doc->plan;
  const char *why = p->why ? p->why : region__plan_text(doc, src, len, p);
  TSTree *tree = NULL;
  uint32_t re = 0;
  double t0 = engine__ms();
  if (!why) why = region__parse(self, doc, src, len, p, &tree, &re);
  info->parse_ms = engine__ms() - t0;
  if (why) return why;
  const CompiledQuery *cq = &self->engine->cq;
  SemOuter outer = {.base = doc->base_sem, .from = p->rs, .to = re, .func = sem_func_at(doc->base_sem, p->rs),
                    .line_delta = p->line_delta, .edit_line = p->edit_row + 1};
  Sem *sem = sem_new_region(tree, src, len, (const char *const *)cfg->registrars.items, cq->any_root ? NULL : cq->roots,
                            cq->symbol_count, &outer);
  /* effects compare in the base's line numbers; findings are written in the new ones */
  bool same = region__same_effects(doc, sem, p->rs, re);
  Suppressions sup = {0}, own = {0};
  if (same) region__suppressions(doc, p, sem, re, &own, &sup, &outer);
  DiagList mid = {0};
  TSNode lroot = ts_tree_root_node(tree);
  if (same && !outer.refused) {
    outer.renumber = true;
    engine__collect(self, cfg, sem, lroot, &sup, &mid, info);
    if (mid.len) diag_list_sort(&mid), engine__dedupe(&mid, 0);
  }
  vec_free(&sup);
  suppress_free(&own);
  bool ok = same && !outer.refused && region__merge(doc, p, re, &mid, out);
  if (ok) {
    info->syntax_errors = doc->base_info.syntax_errors;
    info->first_error = doc->base_info.first_error;
    if (ts_node_has_error(lroot)) engine__first_error(lroot, info);
  }
  diag_list_free(&mid);
  sem_free(sem);
  ts_tree_delete(tree);
  return ok ? NULL : !same ? "effects on the rest of the file changed" : outer.refused ? outer.refused
                                                                                      : "a line number in a message moved ambiguously";
}
