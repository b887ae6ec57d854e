/* sem_region.c: what a run of statements does that the rest of the file can observe. The engine
 * lists these effects for a region before an edit (in the base model) and after it (in the region
 * model); equal lists mean every finding outside the region stands, so only the region is re-checked. */
#define _GNU_SOURCE /* memmem */
#include "sem.h"
#include "sem_private.h"
#include "syms.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void region__push(StrVec *out, char tag, const char *text, size_t n) {
  if (n > 200) n = 200;
  StrBuf b = {0};
  strbuf_printf(&b, "%c:%.*s", tag, (int)n, text);
  vec_push(out, strbuf_steal(&b));
}

static void region__push_node(const Sem *self, StrVec *out, char tag, TSNode n) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (e > self->len) e = (uint32_t)self->len;
  region__push(out, tag, self->src + s, s < e ? e - s : 0);
}

static bool region__in(uint32_t at, uint32_t from, uint32_t to) { return at >= from && at < to; }

/* Is the identifier bound inside the region (so writes through it stay there)? */
static bool region__local_name(Sem *self, TSNode id, uint32_t from, uint32_t to) {
  uint32_t s = ts_node_start_byte(id), e = ts_node_end_byte(id);
  const SemDecl *d = sem_lookup(self, self->src + s, e - s, s);
  if (!d) return false;
  return self->outer ? sem__owns_decl(self, d) : region__in(d->at, from, to);
}

static TSNode region__root(TSNode n) {
  for (int i = 0; i < 64 && !ts_node_is_null(n); i++) {
    TSSymbol t = ts_node_symbol(n);
    if (t == SYM(member_expression) || t == SYM(subscript_expression)) n = node_field(n, F_object);
    else if (t == SYM(call_expression)) n = node_field(n, F_function);
    else if (t == SYM(parenthesized_expression)) n = ts_node_named_child(n, 0);
    else break;
  }
  return n;
}

static bool region__ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         (unsigned char)c >= 0x80;
}

/* Does the base name `name` as a variable in [lo, hi), outside [from, to)? A text search first,
 * then the tree says whether a hit is an identifier (not a property, string or comment). */
static bool region__named_outside(const Sem *base, const char *name, size_t n, uint32_t lo, uint32_t hi,
                                  uint32_t from, uint32_t to) {
  if (hi > base->len) hi = (uint32_t)base->len;
  TSNode root = ts_tree_root_node(base->tree);
  for (const char *p = base->src + lo; n && p + n <= base->src + hi;) {
    const char *hit = memmem(p, (size_t)(base->src + hi - p), name, n);
    if (!hit) break;
    uint32_t at = (uint32_t)(hit - base->src);
    p = hit + 1;
    if (region__in(at, from, to)) continue;
    if ((at > 0 && region__ident_char(hit[-1])) || (at + n < base->len && region__ident_char(hit[n]))) continue;
    TSNode id = ts_node_descendant_for_byte_range(root, at, at + (uint32_t)n);
    TSSymbol t = ts_node_symbol(id);
    if (t != SYM(identifier) && t != SYM(shorthand_property_identifier) &&
        t != SYM(shorthand_property_identifier_pattern))
      continue;
    /* a closer binding whose scope does not reach the region (a nested function's parameter, a
     * block's own `const`) keeps this use whatever the region declares */
    const SemDecl *d = sem_lookup(base, name, n, at);
    if (d && !region__in(d->at, from, to) && !(d->scope_start <= from && from < d->scope_end)) continue;
    return true;
  }
  return false;
}

static bool region__key_method(const Sem *self, TSNode name) {
  static const char *const keys[] = {"listen", "createServer", "createSecureServer", "removeListener", "off",
                                     "removeEventListener", "removeAllListeners", "clearInterval", "clearTimeout",
                                     "clearImmediate", "delete", "clear", "shift", "splice", "pop",
                                     "setMaxListeners", NULL};
  for (const char *const *k = keys; *k; k++)
    if (sem_node_is(self, name, *k)) return true;
  return false;
}

static bool region__plain_value(const SemDecl *d) {
  if (d->kind != DECL_VALUE) return false;
  if (ts_node_is_null(d->value) || d->import_source) return true;
  static const SymId plain[] = {S_call_expression, S_await_expression, S_string, S_number, S_template_string,
                                S_binary_expression, S_unary_expression, S_true, S_false, S_null, S_array,
                                S_ternary_expression, S_undefined};
  for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
    if (node_is(d->value, plain[i])) return true;
  return false;
}

/* Control that code after the region in the same function feels: an `if (…) return` among the
 * region's own statements (what follows then runs only while a condition holds), and the awaits at
 * the region's function level, settled or not (whether a function ever waits on I/O). And a
 * shebang line, which makes the whole file a start-up script. */
static void region__control(Sem *self, TSNode n, uint32_t from, uint32_t to, StrVec *out) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (e <= from || s >= to) return;
  bool inside = s >= from && e <= to;
  if (inside && sem_is_function_node(n)) return; /* its own awaits and returns */
  if (inside && node_is(n, S_hash_bang_line)) region__push(out, 'H', "", 0);
  if (inside && node_is(n, S_await_expression)) region__push(out, 'Y', sem_await_settled(self, n) ? "settled" : "io", 2);
  if (inside && node_is(n, S_if_statement)) {
    size_t k;
    const TSNode *up = sem_ancestors(self, n, &k);
    bool level = k < 2 || ts_node_start_byte(up[k - 1]) < from || ts_node_end_byte(up[k - 1]) > to;
    if (level && sem_contains(n, S_return_statement, S_return_statement)) region__push(out, 'C', "if-return", 9);
  }
  TSTreeCursor cur = ts_tree_cursor_new(n);
  for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok; ok = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode c = ts_tree_cursor_current_node(&cur);
    if (ts_node_start_byte(c) >= to) break;
    region__control(self, c, from, to, out);
  }
  ts_tree_cursor_delete(&cur);
}

/* What a declaration the rest of the file names holds, as far as findings there can tell: the
 * kind of value and what it resolves to. */
static void region__push_value(Sem *self, StrVec *out, char tag, const SemDecl *d) {
  StrBuf b = {0};
  strbuf_printf(&b, "%c:%.*s=%s%s:", tag, (int)d->name_len, d->name, d->is_const ? "const " : "",
                ts_node_is_null(d->value) ? "" : ts_node_type(d->value));
  if (!ts_node_is_null(d->value) && (node_is(d->value, S_call_expression) || node_is(d->value, S_new_expression))) {
    const char *p = sem_resolve_callee_ref(self, d->value);
    strbuf_puts(&b, p ? p : "");
  } else if (!ts_node_is_null(d->value)) {
    char *p = sem_resolve(self, d->value);
    strbuf_puts(&b, p ? p : "");
    free(p);
  }
  vec_push(out, strbuf_steal(&b));
}

void sem_region_effects(Sem *self, uint32_t from, uint32_t to, StrVec *out) {
  Sem *base = self->outer ? self->outer->base : self;
  sem__call_effects(self, from, to, out); /* calls and registrations reaching functions outside */
  for (size_t i = 0; i < self->calls.len; i++) { /* removals, evictions, servers, requires */
    TSNode c = self->calls.items[i];
    if (!region__in(ts_node_start_byte(c), from, to) || node_is(c, S_new_expression)) continue;
    TSNode fn = node_field(c, F_function);
    if (ts_node_is_null(fn)) continue;
    TSNode name = node_is(fn, S_member_expression) ? node_field(fn, F_property) : fn;
    if (!ts_node_is_null(name) && region__key_method(self, name)) region__push_node(self, out, 'K', fn);
    if (sem_node_is(self, fn, "require")) region__push_node(self, out, 'I', c);
  }
  for (size_t i = 0; i < self->assignments.len; i++) { /* writes to what outlives the region */
    TSNode a = self->assignments.items[i];
    if (!region__in(ts_node_start_byte(a), from, to)) continue;
    if (!node_is(a, S_assignment_expression)) {
      region__push_node(self, out, 'D', a);
      continue;
    }
    TSNode left = node_field(a, F_left), right = node_field(a, F_right);
    TSNode root = region__root(left);
    if (!ts_node_is_null(root) && node_is(root, S_identifier) && region__local_name(self, root, from, to)) continue;
    region__push_node(self, out, 'A', left);
    if (!ts_node_is_null(right)) {
      TSSymbol t = ts_node_symbol(right);
      if (t == SYM(identifier) || t == SYM(new_expression) || t == SYM(member_expression))
        region__push_node(self, out, 'V', right);
      else region__push(out, 'T', ts_node_type(right), strlen(ts_node_type(right)));
    }
  }
  for (size_t i = 0; i < self->comments.len; i++) { /* suppressions */
    SemRange c = self->comments.items[i];
    if (!region__in(c.start, from, to) || !memmem(self->src + c.start, c.end - c.start, "looplens", 8)) continue;
    /* and the line breaks up to the code after it: a suppression hides findings by line */
    unsigned breaks = 0;
    for (size_t k = c.end; k < self->len; k++) {
      char ch = self->src[k];
      if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') break;
      breaks += ch == '\n';
    }
    StrBuf b = {0};
    strbuf_printf(&b, "M:%u:%.*s", breaks, (int)(c.end - c.start > 200 ? 200 : c.end - c.start), self->src + c.start);
    vec_push(out, strbuf_steal(&b));
  }
  region__control(self, ts_tree_root_node(self->tree), from, to, out);
  for (size_t i = 0; i < self->worker_refs.len; i++)
    if (region__in(self->worker_refs.items[i].start, from, to)) region__push(out, 'W', "", 0);
  for (size_t i = 0; i < self->exports.len; i++)
    if (region__in(self->exports.items[i].start, from, to))
      region__push(out, 'X', self->src + self->exports.items[i].start,
                   self->exports.items[i].end - self->exports.items[i].start);
  /* names the region declares at its own level that code outside it also uses: adding, removing or
   * renaming one changes what those uses resolve to */
  int around = self->outer ? self->outer->func : sem_func_at(base, from);
  uint32_t lo = around >= 0 ? base->funcs.items[around].start : 0;
  uint32_t hi = around >= 0 ? base->funcs.items[around].end : (uint32_t)base->len;
  uint32_t bfrom = self->outer ? self->outer->from : from, bto = self->outer ? self->outer->to : to;
  for (size_t i = 0; i < self->decls.len; i++) {
    const SemDecl *d = &self->decls.items[i];
    if (!region__in(d->at, from, to) || d->kind == DECL_PARAM) continue;
    int encl = d->kind == DECL_FUNC && d->func >= 0 ? self->funcs.items[d->func].parent : sem_func_at(self, d->at);
    if (self->outer ? encl >= 0 : encl != around) continue;
    if (d->import_source) region__push(out, 'I', d->import_source, strlen(d->import_source));
    if (!region__named_outside(base, d->name, d->name_len, lo, hi, bfrom, bto)) continue;
    /* a binding in a block of the region (`for (…) const x = …`) is not seen outside it */
    region__push_value(self, out, d->scope_start <= from ? 'N' : 'B', d);
    /* code outside may call or register what the name holds: the region's model cannot see those
     * calls, so only plain values are answered here */
    if (self->outer && !region__plain_value(d)) self->outer->refused = "a name the region declares is used outside it";
  }
}

char *sem_region_renumber(const char *text, uint32_t edit_line, int32_t delta) {
  size_t ticks = 0;
  for (const char *p = text; *p; p++) ticks += *p == '`';
  if (ticks % 2) return NULL;
  StrBuf b = {0};
  strbuf_puts(&b, "");
  bool code = false;
  for (const char *p = text; *p;) {
    if (*p == '`') code = !code;
    bool word_start = p == text || !region__ident_char(p[-1]);
    if (!code && word_start && !strncmp(p, "line ", 5) && p[5] >= '0' && p[5] <= '9') {
      char *end;
      unsigned long n = strtoul(p + 5, &end, 10);
      if (n == edit_line || (n > edit_line && (long)n + delta < 1)) {
        strbuf_free(&b);
        return NULL;
      }
      strbuf_printf(&b, "line %ld", n > edit_line ? (long)n + delta : (long)n);
      p = end;
      continue;
    }
    strbuf_putc(&b, *p++);
  }
  return strbuf_steal(&b);
}
