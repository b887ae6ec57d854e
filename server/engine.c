/* engine.c: parse → semantic model → one query run → predicates → suppressions → severities. */
#include "engine_private.h"
#include "syms.h"
#include "looplens/fileio.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

const TSLanguage *tree_sitter_javascript(void);

Engine *engine_new(const RuleSet *rules, LlError *err) {
  engine_alloc_install();
  Engine *self = calloc(1, sizeof *self);
  if (!self) abort();
  self->rules = rules;
  if (query_compile(&self->cq, rules->rules.items, rules->rules.len, err) < 0) {
    free(self);
    return NULL;
  }
  return self;
}

void engine_free(Engine *self) {
  if (!self) return;
  query_free(&self->cq);
  free(self);
}

const RuleSet *engine_rules(const Engine *self) { return self->rules; }

int engine_check_rule(const Rule *rule, LlError *err) {
  CompiledQuery cq;
  Rule *one = (Rule *)rule;
  if (query_compile(&cq, &one, 1, err) < 0) return -1;
  query_free(&cq);
  return 0;
}

Analyzer *analyzer_new(const Engine *engine) {
  Analyzer *self = calloc(1, sizeof *self);
  if (!self) abort();
  self->engine = engine;
  self->max_tokens = ENGINE_DEFAULT_MAX_TOKENS;
  self->parse_bytes = ENGINE_DEFAULT_PARSE_BYTES;
  engine_alloc_install();
  self->parser = ts_parser_new();
  ts_parser_set_language(self->parser, tree_sitter_javascript());
  self->cursor = ts_query_cursor_new();
  self->md = pcre2_match_data_create(4, NULL);
  self->memo = pred_memo_new();
  return self;
}

void analyzer_free(Analyzer *self) {
  if (!self) return;
  ts_parser_delete(self->parser);
  ts_query_cursor_delete(self->cursor);
  pcre2_match_data_free(self->md);
  pred_memo_free(self->memo);
  free(self);
}

double engine__ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Fills {capture}, {resolved}, {detail} and {context} in a rule's message template. */
static char *engine__message(const Rule *rule, Match *m, const char *note) {
  StrBuf b = {0};
  const char *t = rule->message;
  while (*t) {
    const char *open = strchr(t, '{');
    const char *close = open ? strchr(open, '}') : NULL;
    if (!open || !close) {
      strbuf_puts(&b, t);
      break;
    }
    strbuf_append(&b, t, (size_t)(open - t));
    size_t n = (size_t)(close - open - 1);
    const char *name = open + 1;
    bool done = true;
    if (n == 8 && !memcmp(name, "resolved", 8)) strbuf_puts(&b, m->resolved ? m->resolved : "?");
    else if (n == 6 && !memcmp(name, "detail", 6)) strbuf_puts(&b, m->detail ? m->detail : "");
    else if (n == 7 && !memcmp(name, "context", 7)) strbuf_puts(&b, note);
    else {
      done = false;
      uint32_t id;
      for (id = 0; id < m->cq->capture_count; id++) {
        uint32_t len;
        const char *cn = ts_query_capture_name_for_id(m->cq->query, id, &len);
        if (len == n && !memcmp(cn, name, n)) break;
      }
      TSNode c = id < m->cq->capture_count ? match_capture(m, (int)id) : (TSNode){0};
      if (!ts_node_is_null(c)) sem_snippet(m->sem, c, 60, &b), done = true;
    }
    if (!done) strbuf_append(&b, open, n + 2);
    t = close + 1;
  }
  return strbuf_steal(&b);
}

void engine__first_error(TSNode root, AnalyzeInfo *info) {
  if (!ts_node_has_error(root)) return;
  TSTreeCursor cur = ts_tree_cursor_new(root);
  for (;;) { /* descend toward the first error node */
    TSNode n = ts_tree_cursor_current_node(&cur);
    if (ts_node_is_error(n) || ts_node_is_missing(n)) {
      TSPoint p = ts_node_start_point(n);
      info->first_error = (LlPoint){p.row, p.column};
      break;
    }
    bool moved = false;
    if (ts_tree_cursor_goto_first_child(&cur)) {
      do {
        if (ts_node_has_error(ts_tree_cursor_current_node(&cur))) { moved = true; break; }
      } while (ts_tree_cursor_goto_next_sibling(&cur));
    }
    if (!moved) break;
  }
  ts_tree_cursor_delete(&cur);
  info->syntax_errors = 1;
}

static void engine__matches(Analyzer *self, const Config *cfg, Sem *sem, PredMemo *memo, const SuppressIndex *sup,
                            DiagList *out, AnalyzeInfo *info);

void engine__collect(Analyzer *self, const Config *cfg, Sem *sem, TSNode root, const Suppressions *sup,
                     DiagList *out, AnalyzeInfo *info) {
  const CompiledQuery *cq = &self->engine->cq;
  /* Run the query only at the nodes its patterns can start at (collected by the semantic walk),
   * without descending: one tree traversal instead of two. */
  size_t ncand = cq->any_root ? 1 : sem->candidates.len;
  ts_query_cursor_set_max_start_depth(self->cursor, cq->any_root ? UINT32_MAX : 0);
  SuppressIndex index;
  suppress_index_init(&index, sup);
  for (size_t c = 0; c < ncand; c++) {
    ts_query_cursor_exec(self->cursor, cq->query, cq->any_root ? root : sem->candidates.items[c]);
    engine__matches(self, cfg, sem, self->memo, &index, out, info);
  }
  suppress_index_free(&index);
}

static void engine__matches(Analyzer *self, const Config *cfg, Sem *sem, PredMemo *memo, const SuppressIndex *sup,
                            DiagList *out, AnalyzeInfo *info) {
  const CompiledQuery *cq = &self->engine->cq;
  TSQueryMatch qm;
  while (ts_query_cursor_next_match(self->cursor, &qm)) {
    const PatternInfo *pi = &cq->patterns.items[qm.pattern_index];
    Match m = {.sem = sem, .qm = &qm, .cq = cq, .md = self->md, .memo = memo};
    TSNode at = pi->report >= 0 ? match_capture(&m, pi->report) : (TSNode){0};
    if (ts_node_is_null(at) && qm.capture_count) at = qm.captures[0].node;
    if (ts_node_is_null(at) || !query_predicates_hold(pi, &m)) goto next;
    if (!ts_node_is_null(m.anchor)) at = m.anchor;
    Context ctx = sem_context_at(sem, ts_node_start_byte(at));
    Severity sev = config_severity(cfg, pi->rule, ctx);
    if (sev == SEV_OFF) goto next;
    for (int d = 0; d < m.demote && sev > SEV_INFO; d++) sev = (Severity)(sev - 1);
    TSPoint sp = ts_node_start_point(at), ep = ts_node_end_point(at);
    if (suppress_index_hides(sup, pi->rule->id, sp.row)) {
      info->suppressed++;
      goto next;
    }
    char *note = sem_context_note(sem, ts_node_start_byte(at));
    Diag d = {.rule = pi->rule, .severity = sev, .context = ctx, .start_byte = ts_node_start_byte(at),
              .end_byte = ts_node_end_byte(at), .start = {sp.row, sp.column}, .end = {ep.row, ep.column},
              .message = engine__message(pi->rule, &m, note), .context_note = note};
    const LlSeed *root = sem_root_seed(sem, ts_node_start_byte(at));
    if (root) diag_steps_copy(&d.related, &root->steps);
    vec_push(out, d);
  next:
    free(m.detail);
  }
}

/* Several patterns of one rule can match the same node: keep one finding per (rule, range). */
void engine__dedupe(DiagList *out, size_t from) {
  size_t w = from;
  for (size_t i = from; i < out->len; i++) {
    Diag *d = &out->items[i];
    if (w > from && out->items[w - 1].rule == d->rule && out->items[w - 1].start_byte == d->start_byte &&
        out->items[w - 1].end_byte == d->end_byte) {
      free(d->message);
      free(d->context_note);
      diag_steps_free(&d->related);
      continue;
    }
    out->items[w++] = *d;
  }
  out->len = w;
}

/* Models the tree and collects its findings. keep/keep_sup, when given, take the model and the
 * suppressions (the base of later region re-checks); otherwise they are freed here. */
typedef struct {
  const LlSeeds *seeds; /* contexts other files give this one's functions, or NULL */
  const LlAliases *aliases; /* its imports that are Node APIs under other names, or NULL */
  LlSummary *summary;   /* filled with the file's summary when not NULL */
} EngineProject;

static void analyzer__analyse(Analyzer *self, const Config *cfg, TSTree *tree, const char *src, size_t len,
                              DiagList *out, AnalyzeInfo *info, Sem **keep, Suppressions *keep_sup,
                              const EngineProject *project) {
  double t1 = engine__ms();
  TSNode root = ts_tree_root_node(tree);
  engine__first_error(root, info);
  const CompiledQuery *cq = &self->engine->cq;
  const LlSeeds *seeds = project ? project->seeds : NULL;
  const char *const *regs = (const char *const *)cfg->registrars.items;
  const uint8_t *interesting = cq->any_root ? NULL : cq->roots;
  const LlAliases *al = project ? project->aliases : NULL;
  Sem *sem = seeds ? sem_new_seeded(tree, src, len, regs, interesting, cq->symbol_count, seeds->items, seeds->len,
                                    al ? al->items : NULL, al ? al->len : 0)
                   : sem_new_collecting(tree, src, len, regs, interesting, cq->symbol_count);
  if (project && project->summary) sem_summarize(sem, project->summary);
  Suppressions sup = {0};
  suppress_collect(sem, &sup);
  size_t from = out->len;
  engine__collect(self, cfg, sem, root, &sup, out, info);
  if (out->len > from) { /* (out->items may still be NULL when nothing was ever found) */
    DiagList tail = {.items = out->items + from, .len = out->len - from, .cap = out->len - from};
    diag_list_sort(&tail);
    engine__dedupe(out, from);
  }
  if (keep) *keep = sem, *keep_sup = sup;
  else suppress_free(&sup), sem_free(sem);
  info->analyse_ms = engine__ms() - t1;
}

void analyzer_set_limits(Analyzer *self, size_t max_tokens, size_t parse_bytes) {
  self->max_tokens = max_tokens;
  self->parse_bytes = parse_bytes;
}

/* True when the text is over the token budget (info says so); a text of no more bytes than the
 * budget cannot be, so the usual document is not scanned at all. */
static bool engine__over_budget(const Analyzer *self, const char *src, size_t len, AnalyzeInfo *info) {
  if (len <= self->max_tokens) return false;
  size_t n = text_token_count(src, len, self->max_tokens + 1);
  if (n <= self->max_tokens) return false;
  info->too_many_tokens = n;
  return true;
}

/* JavaScript ends a line at a lone CR too; tree-sitter's grammar only at '\n', so in a file with
 * lone-CR line breaks a `//` comment or a hashbang line `#!…` swallows every line after it (and
 * the whole file is one comment). Returns a copy for the parser with each lone CR turned into
 * '\n', and a hashbang line ended by U+2028/2029 ended by "  \n" instead: the same length, so every
 * offset holds. NULL when the text needs none of it. */
static char *engine__line_fix(const char *src, size_t len) {
  const char *cr = memchr(src, '\r', len);
  while (cr && cr + 1 < src + len && cr[1] == '\n') cr = memchr(cr + 2, '\r', len - (size_t)(cr + 2 - src));
  size_t sep = 0; /* offset of a U+2028/2029 that ends a hashbang line */
  if (len >= 2 && src[0] == '#' && src[1] == '!')
    for (size_t i = 2; i + 2 < len && src[i] != '\n' && src[i] != '\r'; i++)
      if ((unsigned char)src[i] == 0xE2 && (unsigned char)src[i + 1] == 0x80 &&
          ((unsigned char)src[i + 2] == 0xA8 || (unsigned char)src[i + 2] == 0xA9)) {
        sep = i;
        break;
      }
  if (!cr && !sep) return NULL;
  char *copy = malloc(len + 1);
  if (!copy) abort();
  memcpy(copy, src, len);
  copy[len] = '\0';
  for (size_t i = cr ? (size_t)(cr - src) : len; i < len; i++)
    if (copy[i] == '\r' && (i + 1 == len || copy[i + 1] != '\n')) copy[i] = '\n';
  if (sep) memcpy(copy + sep, "  \n", 3);
  return copy;
}

typedef struct {
  const char *src;
  uint32_t len;
} EngineText;

static const char *engine__read(void *payload, uint32_t at, TSPoint pos, uint32_t *n) {
  const EngineText *t = payload;
  *n = at < t->len ? t->len - at : 0;
  return *n ? t->src + at : "";
}

static bool engine__over_memory(TSParseState *state) {
  const Analyzer *self = state->payload;
  return engine_alloc_live() - self->parse_start > (long long)self->parse_bytes;
}

/* Parses src (reusing old when it may); NULL, with info saying so, when the tree outgrew the limit. */
static TSTree *engine__parse(Analyzer *self, TSTree *old, const char *src, size_t len, AnalyzeInfo *info) {
  char *fixed = engine__line_fix(src, len);
  EngineText text = {fixed ? fixed : src, (uint32_t)len};
  self->parse_start = engine_alloc_live();
  /* the copy differs from the text the old tree saw at a byte no edit named: parse afresh */
  TSTree *tree = ts_parser_parse_with_options(self->parser, fixed ? NULL : old,
                                              (TSInput){&text, engine__read, TSInputEncodingUTF8, NULL},
                                              (TSParseOptions){self, engine__over_memory});
  free(fixed);
  if (!tree) {
    ts_parser_reset(self->parser); /* a stopped parse would otherwise resume with the next text */
    info->tree_too_big = self->parse_bytes;
  }
  return tree;
}

void analyzer_run(Analyzer *self, const Config *cfg, const char *src, size_t len, DiagList *out, AnalyzeInfo *info) {
  analyzer_run_project(self, cfg, src, len, NULL, NULL, out, info, NULL);
}

void analyzer_run_project(Analyzer *self, const Config *cfg, const char *src, size_t len, const LlSeeds *seeds,
                          const LlAliases *aliases, DiagList *out, AnalyzeInfo *info, LlSummary *summary) {
  AnalyzeInfo local;
  if (!info) info = &local;
  memset(info, 0, sizeof *info);
  if (engine__over_budget(self, src, len, info)) return;
  double t0 = engine__ms();
  TSTree *tree = engine__parse(self, NULL, src, len, info);
  info->parse_ms = engine__ms() - t0;
  if (!tree) return;
  analyzer__analyse(self, cfg, tree, src, len, out, info, NULL, NULL, &(EngineProject){seeds, aliases, summary});
  ts_tree_delete(tree);
}

EngineDoc *engine_doc_new(void) {
  EngineDoc *self = calloc(1, sizeof *self);
  if (!self) abort();
  return self;
}

void engine__strs_clear(StrVec *v) {
  for (size_t i = 0; i < v->len; i++) free(v->items[i]);
  v->len = 0;
}

static void engine__drop_base(EngineDoc *self) {
  engine__region_forget(self);
  engine__strs_clear(&self->fx_before);
  vec_free(&self->fx_before);
  self->fx_known = false;
  if (self->base_tree) ts_tree_delete(self->base_tree);
  sem_free(self->base_sem);
  suppress_free(&self->base_sup);
  diag_list_free(&self->base_diags);
  free(self->base_src);
  self->base_tree = NULL, self->base_sem = NULL, self->base_src = NULL, self->base_cfg = NULL;
  self->dirty = false;
}

void engine_doc_free(EngineDoc *self) {
  if (!self) return;
  engine__drop_base(self);
  if (self->tree) ts_tree_delete(self->tree);
  free(self);
}

TSTree *engine__doc_tree(const EngineDoc *doc) { return doc->tree; }

int engine_doc_has_tree(const EngineDoc *self) { return self->tree != NULL; }
int engine_doc_has_base(const EngineDoc *self) { return self->base_sem != NULL; }
void engine_doc_drop_base(EngineDoc *self) { engine__drop_base(self); }
int engine_doc_current(const EngineDoc *self) { return self->tree && !self->dirty; }
void engine_doc_settle(EngineDoc *self) {
  if (self->dirty) engine__drop_base(self); /* the next analysis covers the whole file */
}
EngineRegionStats engine_doc_stats(const EngineDoc *self) { return self->stats; }
void engine_doc_set_region_check(EngineDoc *self, int on) { self->region_check = on != 0; }

void engine_doc_reset(EngineDoc *self) {
  if (self->tree) ts_tree_delete(self->tree);
  self->tree = NULL;
  engine__drop_base(self);
}

void engine_doc_edit(EngineDoc *self, const EngineEdit *e) {
  if (!self->tree) return;
  TSInputEdit te = {.start_byte = e->start_byte, .old_end_byte = e->old_end_byte, .new_end_byte = e->new_end_byte,
                    .start_point = {e->start.row, e->start.column},
                    .old_end_point = {e->old_end.row, e->old_end.column},
                    .new_end_point = {e->new_end.row, e->new_end.column}};
  ts_tree_edit(self->tree, &te);
  if (!self->base_sem) return;
  if (!self->dirty) {
    self->dirty = true;
    self->span_start = e->start_byte, self->span_old_end = e->old_end_byte, self->span_new_end = e->old_end_byte;
  }
  /* grow the span (current coordinates) to cover the edit, then apply it */
  if (e->start_byte < self->span_start) self->span_start = e->start_byte;
  if (e->old_end_byte > self->span_new_end) {
    self->span_old_end += e->old_end_byte - self->span_new_end;
    self->span_new_end = e->old_end_byte;
  }
  self->span_new_end = self->span_new_end - e->old_end_byte + e->new_end_byte;
}

static void engine__keep_base(EngineDoc *doc, const Config *cfg, const char *src, size_t len, Sem *sem,
                              Suppressions sup, const DiagList *diags, const AnalyzeInfo *info) {
  engine__drop_base(doc);
  /* the model's nodes belong to the tree just parsed: it becomes the base, and edits go to a copy */
  doc->base_tree = doc->tree;
  doc->tree = ts_tree_copy(doc->base_tree);
  doc->base_src = malloc(len + 1);
  if (!doc->base_src) abort();
  memcpy(doc->base_src, src, len);
  doc->base_src[len] = '\0';
  doc->base_len = len;
  /* the model points into the text and the tree: move it onto the kept copies */
  sem->src = doc->base_src;
  for (size_t i = 0; i < sem->decls.len; i++) sem->decls.items[i].name = doc->base_src + sem->decls.items[i].at;
  doc->base_sem = sem;
  doc->base_sup = sup;
  engine__diags_copy(&doc->base_diags, diags->items, diags->len, 0);
  doc->base_info = *info;
  doc->base_cfg = cfg;
}

/* Appends copies of diags[0..n) to out, their bytes moved by delta. */
void engine__diags_copy(DiagList *out, const Diag *diags, size_t n, int64_t delta) {
  for (size_t i = 0; i < n; i++) {
    Diag d = diags[i];
    d.message = ll_strdup(d.message);
    d.context_note = d.context_note ? ll_strdup(d.context_note) : NULL;
    d.related = (DiagSteps){0};
    diag_steps_copy(&d.related, &diags[i].related);
    d.start_byte = (uint32_t)(d.start_byte + delta);
    d.end_byte = (uint32_t)(d.end_byte + delta);
    vec_push(out, d);
  }
}

void analyzer_run_doc(Analyzer *self, const Config *cfg, EngineDoc *doc, const char *src, size_t len, DiagList *out,
                      AnalyzeInfo *info) {
  analyzer_run_doc_project(self, cfg, doc, src, len, NULL, NULL, out, info);
}

void analyzer_run_doc_project(Analyzer *self, const Config *cfg, EngineDoc *doc, const char *src, size_t len,
                              const LlSeeds *seeds, const LlAliases *aliases, DiagList *out, AnalyzeInfo *info) {
  AnalyzeInfo local;
  if (!info) info = &local;
  memset(info, 0, sizeof *info);
  if (engine__over_budget(self, src, len, info)) { /* no tree and no base: nothing of it is kept */
    engine__drop_base(doc);
    if (doc->tree) ts_tree_delete(doc->tree);
    doc->tree = NULL;
    return;
  }
  if (doc->base_sem && memchr(src, '\r', len) && text_has_lone_cr(src, len)) engine__drop_base(doc); /* engine__parse */
  /* a region model knows nothing of other files: a document they give contexts is checked whole */
  bool seeded = (seeds && seeds->len) || (aliases && aliases->len);
  if (seeded) engine__drop_base(doc);
  if (doc->dirty && doc->base_sem && doc->base_cfg == cfg) {
    double t0 = engine__ms();
    doc->stats.fallback = engine__region(self, cfg, doc, src, len, out, info);
    if (!doc->stats.fallback) {
      doc->stats.region++;
      info->analyse_ms = engine__ms() - t0;
      return;
    }
    doc->stats.whole++;
  }
  bool keep = doc->region_check; /* the model becomes the base of region re-checks (the server caps how many) */
  double t0 = engine__ms();
  TSTree *tree = engine__parse(self, doc->tree, src, len, info);
  info->parse_ms = engine__ms() - t0;
  if (!tree) { /* over the memory limit: keep nothing of it */
    engine__drop_base(doc);
    if (doc->tree) ts_tree_delete(doc->tree);
    doc->tree = NULL;
    return;
  }
  if (doc->tree) ts_tree_delete(doc->tree);
  doc->tree = tree;
  size_t from = out->len;
  /* a text with syntax errors (mid-typing) makes a poor base: keep the last clean one and let the
   * span keep growing from it, so that the next keystroke can still be checked by region */
  if (keep && doc->base_sem && doc->base_cfg == cfg && ts_node_has_error(ts_tree_root_node(tree))) {
    analyzer__analyse(self, cfg, tree, src, len, out, info, NULL, NULL, NULL);
    return;
  }
  if (!keep || seeded) {
    engine__drop_base(doc);
    analyzer__analyse(self, cfg, tree, src, len, out, info, NULL, NULL, &(EngineProject){seeds, aliases, NULL});
    return;
  }
  Sem *sem;
  Suppressions sup;
  analyzer__analyse(self, cfg, tree, src, len, out, info, &sem, &sup, NULL);
  engine__keep_base(doc, cfg, src, len, sem, sup, &(DiagList){.items = out->items + from, .len = out->len - from},
                    info);
}
