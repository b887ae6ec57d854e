/* redos.c — exponential-backtracking analysis over a Thompson NFA built from the regex AST.
 *
 * Method (after Weber & Seidl's EDA criterion, as used by CodeQL's js/redos):
 *  1. Build an ε-NFA whose loops obey JavaScript's rule that an optional iteration must consume input
 *     (ENTER / ITER_END markers), so empty iterations never count as extra paths.
 *  2. Close it into a "position" automaton: one state per character node plus one start per root; each
 *     closed transition counts its distinct ε-paths (1 or 2+) and carries the lookahead / `$` / `\b`
 *     constraints met on the way.
 *  3. A state p is exponentially ambiguous when two different paths lead from p back to p on the same
 *     word: either a doubled transition inside a cycle, or a strongly connected component of the pair
 *     automaton holding both (p,p) and some (q,r) with q != r.
 *  4. Such a cycle only hurts when the match can then be made to fail: repeat the pump word from p and
 *     require that no reached state accepts every suffix and every one can be rejected.
 *
 * All work is bounded by budgets; hitting one yields REDOS_SAFE "too complex to analyse". */
#include "looplens/redos.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex_ast.h"

/* ---- budgets ---- */
#define REDOS_MAX_PATTERN (64u * 1024u)
#define REDOS_MAX_NODES 250000u
#define REDOS_MAX_WORK 6000000ull
#define REDOS_MAX_TRANS 600000u
#define REDOS_MAX_PAIRS 1000000u
#define REDOS_MAX_EDGES 4000000u
#define REDOS_MAX_FORKS 6u   /* diagonal pairs tried per pair component */
#define REDOS_MAX_TARGETS 6u /* off-diagonal pairs tried per fork */
#define REDOS_MAX_DOUBLED 8u /* doubled transitions tried per component */
#define REDOS_MAX_EPS_STEPS 20000u
#define REDOS_MAX_PUMP 4096u
#define REDOS_MAX_COPY_DEPTH 2

#define SET_FULL 0u
#define SET_EMPTY 1u
#define NO_POS UINT32_MAX

/* ======================================================================================
 * Data
 * ====================================================================================== */

typedef enum {
  NFA_EPS,      /* out1 and optionally out2 */
  NFA_CHAR,     /* consumes a character of `label` and moves to out1 */
  NFA_ENTER,    /* starts an optional iteration: input must be consumed before its ITER_END */
  NFA_ITER_END, /* ends an optional iteration of loop `label`; passable only after consuming */
  NFA_BOL,
  NFA_EOL,
  NFA_WORDB,
  NFA_NWORDB,
  NFA_LOOK, /* lookaround `label` */
  NFA_FINAL,
} NfaKind;

typedef struct {
  uint8_t kind;
  int32_t out1, out2;
  uint32_t label;
  int32_t ast;   /* CHAR: its AST node, to tell apart copies of one item from different items */
  uint32_t copy; /* backreference copy this node belongs to (outermost), 0 when none */
} NfaNode;

/* One instance of a repetition in the NFA (counted repeats are unrolled into several). */
typedef struct {
  int32_t ast;
  uint32_t lo, hi; /* its body's nodes are [lo, hi) */
  bool unbounded;
} NfaLoop;

/* What passing a lookaround demands of the next character. Lookbehinds are passed freely (an
 * over-approximation of what can match); so are lookaheads whose effect cannot be expressed as a set
 * of next characters. Their bodies are analysed as separate roots, since V8 backtracks inside them. */
typedef struct {
  bool behind, negate;
  bool nullable;     /* body can match the empty string mid-input */
  bool nullable_end; /* body can match the empty string at the end of input */
  bool single;       /* every match of the body is exactly one character */
  uint32_t first;    /* possible first characters of the body */
} NfaLook;

typedef struct {
  uint32_t target, label;
  uint8_t mult; /* distinct ε-paths, saturated at 2 */
} Trans;

typedef struct {
  int32_t start, end; /* `end` is an EPS node whose out1 the caller links */
} Frag;

#define REDOS_OP_CACHE 4096u

typedef struct {
  RegexSet *items;
  uint32_t count, cap;
  uint32_t *table; /* open addressing: id + 1, 0 = empty */
  uint32_t table_cap;
  uint64_t op_key[REDOS_OP_CACHE]; /* memo of union/intersection results: (op, a, b) + 1 -> id */
  uint32_t op_result[REDOS_OP_CACHE];
} SetPool;

typedef struct {
  uint8_t count; /* 0 = not reached */
  bool end_ok, popped;
  uint32_t cons;
} DpCell;

typedef struct {
  const RegexAst *ast;
  unsigned flags;
  uint64_t work;
  const char *gave_up;
  uint32_t clamp; /* counted repeats are cut to this many copies when the NFA would be too large */
  int copy_depth;
  uint32_t copy_id, ncopies; /* the backreference copy being built, and how many were */

  NfaNode *nodes;
  uint32_t nnodes, node_cap;
  NfaLoop *loops;
  uint32_t nloops, loop_cap;
  NfaLook *looks;
  uint32_t nlooks, look_cap;
  int32_t *look_ast; /* lookaround -> AST node, for building its body as a root (capacity look_cap) */
  int32_t *roots;
  uint32_t nroots, root_cap;
  SetPool pool;

  /* positions: 0 = F (accepts any suffix), 1..nroots = root starts, then one per CHAR node */
  uint32_t npos;
  int32_t *pos_node;
  uint32_t *node_pos;
  uint8_t *pos_word, *pos_lt; /* previous character: 1 surely word / line terminator, 2 surely not */
  bool *accept_end, *live, *rejectable;
  uint32_t *trans_start;
  Trans *trans;
  uint32_t ntrans, trans_cap;

  DpCell *dp;
  /* one min-heap per phase: phase-1 cells only lead to characters, so they wait in their own heap
     * instead of slowing down every phase-0 operation */
  uint32_t *heap[2], nheap[2], *touched, ntouched;
  uint32_t word_set, nonword_set, lt_set;
  uint32_t freq[128], *uses, nuses; /* see redos__count_frequencies */
} Redos;

/* ======================================================================================
 * Growth helpers and budgets
 * ====================================================================================== */

/* Ensures the array whose pointer lives at `slot` (any T **) holds `need` items of `size` bytes,
 * doubling its capacity. The pointer is moved with memcpy so that no T * is accessed as a void *.
 * On failure the array is left as it was and R->gave_up says why. */
static bool redos__grow(Redos *R, void *slot, uint32_t *cap, uint32_t need, size_t size) {
  if (need <= *cap) return true;
  uint32_t next = *cap ? *cap : 16;
  while (next < need) next *= 2;
  void *items, *grown;
  memcpy(&items, slot, sizeof items);
  grown = realloc(items, (size_t)next * size);
  if (!grown) {
    R->gave_up = "out of memory";
    return false;
  }
  memcpy(slot, &grown, sizeof grown);
  *cap = next;
  return true;
}

static bool redos__spend(Redos *R, uint64_t units) {
  R->work += units;
  if (R->work > REDOS_MAX_WORK && !R->gave_up) R->gave_up = "analysis budget exhausted";
  return !R->gave_up;
}

/* ======================================================================================
 * Set pool: every label and constraint is interned, so sets compare by id
 * ====================================================================================== */

static uint32_t redos__set_hash(const RegexSet *s) {
  uint64_t h = 1469598103934665603ull;
  const uint32_t words[] = {(uint32_t)s->ascii[0], (uint32_t)(s->ascii[0] >> 32), (uint32_t)s->ascii[1],
                            (uint32_t)(s->ascii[1] >> 32), s->nranges};
  for (size_t i = 0; i < 5; i++) h = (h ^ words[i]) * 1099511628211ull;
  for (uint32_t i = 0; i < s->nranges; i++) h = ((h ^ s->r[i].lo) * 1099511628211ull ^ s->r[i].hi) * 1099511628211ull;
  return (uint32_t)(h ^ (h >> 32));
}

static bool redos__pool_rehash(Redos *R) {
  SetPool *p = &R->pool;
  uint32_t cap = p->table_cap ? p->table_cap * 2 : 256;
  uint32_t *table = calloc(cap, sizeof *table);
  if (!table) {
    R->gave_up = "out of memory";
    return false;
  }
  for (uint32_t id = 0; id < p->count; id++) {
    uint32_t h = redos__set_hash(&p->items[id]) & (cap - 1);
    while (table[h]) h = (h + 1) & (cap - 1);
    table[h] = id + 1;
  }
  free(p->table);
  p->table = table;
  p->table_cap = cap;
  return true;
}

/* Returns the id of `s`, adding it when new; SET_EMPTY on failure (with R->gave_up set). */
static uint32_t redos__intern(Redos *R, const RegexSet *s) {
  SetPool *p = &R->pool;
  if (p->count * 2 >= p->table_cap && !redos__pool_rehash(R)) return SET_EMPTY;
  uint32_t h = redos__set_hash(s) & (p->table_cap - 1);
  for (; p->table[h]; h = (h + 1) & (p->table_cap - 1))
    if (regex_set_equal(&p->items[p->table[h] - 1], s)) return p->table[h] - 1;
  if (!redos__grow(R, &p->items, &p->cap, p->count + 1, sizeof *p->items)) return SET_EMPTY;
  p->items[p->count] = *s;
  p->table[h] = p->count + 1;
  return p->count++;
}

static const RegexSet *redos__set(const Redos *R, uint32_t id) {
  return &R->pool.items[id];
}

/* Set operations on ids go through a small direct-mapped memo: the closure repeats the same few. */
static uint32_t redos__set_op(Redos *R, bool unite, uint32_t a, uint32_t b) {
  if (a > b) {
    uint32_t t = a;
    a = b;
    b = t;
  }
  uint64_t key = ((uint64_t)unite << 63 | (uint64_t)a << 32 | b) + 1;
  uint32_t slot = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 52) & (REDOS_OP_CACHE - 1);
  if (R->pool.op_key[slot] == key) return R->pool.op_result[slot];
  RegexSet s = *redos__set(R, a);
  if (unite)
    regex_set_union(&s, redos__set(R, b));
  else
    regex_set_intersect(&s, redos__set(R, b));
  uint32_t id = redos__intern(R, &s);
  R->pool.op_key[slot] = key;
  R->pool.op_result[slot] = id;
  return id;
}

static uint32_t redos__intersect(Redos *R, uint32_t a, uint32_t b) {
  if (a == SET_FULL || a == b) return b;
  if (b == SET_FULL) return a;
  if (a == SET_EMPTY || b == SET_EMPTY) return SET_EMPTY;
  return redos__set_op(R, false, a, b);
}

static uint32_t redos__union(Redos *R, uint32_t a, uint32_t b) {
  if (a == SET_FULL || b == SET_FULL) return SET_FULL;
  if (a == SET_EMPTY || a == b) return b;
  if (b == SET_EMPTY) return a;
  return redos__set_op(R, true, a, b);
}

static uint32_t redos__complement(Redos *R, uint32_t a) {
  RegexSet s = *redos__set(R, a);
  regex_set_invert(&s);
  return redos__intern(R, &s);
}

static bool redos__pool_init(Redos *R) {
  RegexSet s;
  regex_set_fill(&s);
  if (redos__intern(R, &s) != SET_FULL) return false;
  regex_set_clear(&s);
  if (redos__intern(R, &s) != SET_EMPTY) return false;
  regex_set_word(&s);
  R->word_set = redos__intern(R, &s);
  R->nonword_set = redos__complement(R, R->word_set);
  regex_set_line_terminator(&s);
  R->lt_set = redos__intern(R, &s);
  return !R->gave_up;
}

/* ======================================================================================
 * AST helpers
 * ====================================================================================== */

static const RegexNode *redos__ast(const Redos *R, int32_t n) {
  return &R->ast->nodes[n];
}

/* Can `n` match the empty string? Assertions count as passable except `$` away from the end. */
static bool redos__nullable(const Redos *R, int32_t n, bool at_end) {
  const RegexNode *node = redos__ast(R, n);
  switch (node->kind) {
    case REGEX_CHAR:
      return false;
    case REGEX_SEQ:
      for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next)
        if (!redos__nullable(R, c, at_end)) return false;
      return true;
    case REGEX_ALT:
      for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next)
        if (redos__nullable(R, c, at_end)) return true;
      return false;
    case REGEX_GROUP:
      return redos__nullable(R, node->child, at_end);
    case REGEX_REPEAT:
      return node->min == 0 || redos__nullable(R, node->child, at_end);
    case REGEX_EOL:
      return at_end || (R->flags & REGEX_FLAG_M);
    default:
      return true;
  }
}

static uint32_t redos__char_label(Redos *R, const RegexNode *node) {
  if (node->set != REGEX_NONE) return redos__intern(R, &R->ast->sets[node->set]);
  RegexSet s;
  regex_set_clear(&s);
  regex_set_add(&s, node->cp);
  return redos__intern(R, &s);
}

/* Characters that can start a match of `n` (an over-approximation). */
static uint32_t redos__first(Redos *R, int32_t n) {
  const RegexNode *node = redos__ast(R, n);
  uint32_t acc = SET_EMPTY;
  switch (node->kind) {
    case REGEX_CHAR:
      return redos__char_label(R, node);
    case REGEX_SEQ:
      for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next) {
        acc = redos__union(R, acc, redos__first(R, c));
        if (!redos__nullable(R, c, false)) break;
      }
      return acc;
    case REGEX_ALT:
      for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next)
        acc = redos__union(R, acc, redos__first(R, c));
      return acc;
    case REGEX_GROUP:
      return redos__first(R, node->child);
    case REGEX_REPEAT:
      return node->max == 0 ? SET_EMPTY : redos__first(R, node->child);
    case REGEX_BACKREF:
      return SET_FULL;
    default:
      return SET_EMPTY;
  }
}

/* Does every match of `n` consist of exactly one character? */
static bool redos__single(const Redos *R, int32_t n) {
  const RegexNode *node = redos__ast(R, n);
  switch (node->kind) {
    case REGEX_CHAR:
      return true;
    case REGEX_GROUP:
      return redos__single(R, node->child);
    case REGEX_REPEAT:
      return node->min == 1 && node->max == 1 && redos__single(R, node->child);
    case REGEX_ALT:
      for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next)
        if (!redos__single(R, c)) return false;
      return true;
    default:
      return false;
  }
}

/* A backreference is modelled by a copy of its group's pattern when the group closed before it;
 * otherwise it refers to an unset capture and matches the empty string, as in JavaScript. At run time
 * the copy matches one fixed string, so ambiguity between two tracks inside the same copy is not real
 * and is ignored (NfaNode.copy); ambiguity between a copy and other items is kept. */
static int32_t redos__backref_body(const Redos *R, const RegexNode *ref) {
  if (ref->index == 0 || ref->index > R->ast->group_count) return REGEX_NONE;
  int32_t g = R->ast->groups[ref->index];
  if (g == REGEX_NONE) return REGEX_NONE;
  const RegexNode *group = redos__ast(R, g);
  return group->offset + group->length <= ref->offset ? group->child : REGEX_NONE;
}

/* Repeats that may go on 30 more times are treated as unbounded: 2^30 backtracking steps are as bad
 * as unbounded ones (CodeQL draws the same line). Counted copies beyond the clamp keep their shape but
 * not their size (only when the NFA would otherwise exceed its budget). */
#define REDOS_EFFECTIVELY_UNBOUNDED 30u

static void redos__bounds(const Redos *R, const RegexNode *node, uint32_t *min, uint32_t *max) {
  *min = node->min < R->clamp ? node->min : R->clamp;
  if (node->max == REGEX_INF || node->max - node->min >= REDOS_EFFECTIVELY_UNBOUNDED)
    *max = REGEX_INF;
  else
    *max = node->max - node->min < R->clamp ? *min + (node->max - node->min) : *min + R->clamp;
}

static uint64_t redos__sat(uint64_t v) {
  return v > REDOS_MAX_NODES * 4ull ? REDOS_MAX_NODES * 4ull : v;
}

/* NFA nodes `n` would need (saturating). */
static uint64_t redos__cost(Redos *R, int32_t n, int copy_depth) {
  const RegexNode *node = redos__ast(R, n);
  uint64_t sum = 0, count = 0;
  switch (node->kind) {
    case REGEX_SEQ:
    case REGEX_ALT:
      for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next, count++)
        sum = redos__sat(sum + redos__cost(R, c, copy_depth));
      return node->kind == REGEX_ALT ? redos__sat(sum + count) : sum; /* splits and the join */
    case REGEX_GROUP:
      return redos__cost(R, node->child, copy_depth);
    case REGEX_LOOK:
      return redos__sat(redos__cost(R, node->child, copy_depth) + 3);
    case REGEX_REPEAT: {
      uint32_t min, max;
      redos__bounds(R, node, &min, &max);
      uint64_t body = redos__cost(R, node->child, copy_depth);
      uint64_t extra = max == REGEX_INF ? body + 6 : (uint64_t)(max - min) * (body + 3) + 1;
      return redos__sat((uint64_t)min * body + extra);
    }
    case REGEX_BACKREF: {
      int32_t body = redos__backref_body(R, node);
      if (body == REGEX_NONE || copy_depth >= REDOS_MAX_COPY_DEPTH) return 1;
      return redos__cost(R, body, copy_depth + 1);
    }
    case REGEX_EMPTY:
      return 1;
    default:
      return 2;
  }
}

/* ======================================================================================
 * NFA construction
 * ====================================================================================== */

static int32_t redos__node(Redos *R, NfaKind kind, uint32_t label) {
  if (R->nnodes >= REDOS_MAX_NODES) {
    R->gave_up = "pattern too large";
    return -1;
  }
  if (!redos__grow(R, &R->nodes, &R->node_cap, R->nnodes + 1, sizeof *R->nodes)) return -1;
  R->nodes[R->nnodes] = (NfaNode){(uint8_t)kind, -1, -1, label, -1, R->copy_id};
  return (int32_t)R->nnodes++;
}

/* A node followed by its own EPS end. */
static bool redos__single_frag(Redos *R, NfaKind kind, uint32_t label, Frag *out) {
  int32_t a = redos__node(R, kind, label);
  int32_t e = a < 0 ? -1 : redos__node(R, NFA_EPS, 0);
  if (e < 0) return false;
  R->nodes[a].out1 = e;
  *out = (Frag){a, e};
  return true;
}

static bool redos__empty_frag(Redos *R, Frag *out) {
  int32_t e = redos__node(R, NFA_EPS, 0);
  *out = (Frag){e, e};
  return e >= 0;
}

static bool redos__build(Redos *R, int32_t n, Frag *out);

static bool redos__build_seq(Redos *R, const RegexNode *node, Frag *out) {
  Frag part;
  bool first = true;
  for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next) {
    if (!redos__build(R, c, &part)) return false;
    if (first)
      *out = part;
    else
      R->nodes[out->end].out1 = part.start;
    out->end = part.end;
    first = false;
  }
  return !first || redos__empty_frag(R, out);
}

/* S1 -> b1 | S2 ; S2 -> b2 | ... ; every branch -> J. Splits are allocated before their branch so
 * that every ε-edge points forward (the closure relies on that order). */
static bool redos__build_alt(Redos *R, const RegexNode *node, Frag *out) {
  int32_t prev_split = -1, pending_ends = -1;
  Frag branch;
  for (int32_t c = node->child; c != REGEX_NONE; c = redos__ast(R, c)->next) {
    bool last = redos__ast(R, c)->next == REGEX_NONE;
    int32_t split = last ? -1 : redos__node(R, NFA_EPS, 0);
    if (!last && split < 0) return false;
    if (!redos__build(R, c, &branch)) return false;
    int32_t entry = last ? branch.start : split;
    if (prev_split < 0)
      out->start = entry;
    else
      R->nodes[prev_split].out2 = entry;
    if (split >= 0) R->nodes[split].out1 = branch.start;
    prev_split = split;
    R->nodes[branch.end].out1 = pending_ends; /* chain of ends, patched to J below */
    pending_ends = branch.end;
  }
  int32_t join = redos__node(R, NFA_EPS, 0);
  if (join < 0) return false;
  while (pending_ends >= 0) {
    int32_t next = R->nodes[pending_ends].out1;
    R->nodes[pending_ends].out1 = join;
    pending_ends = next;
  }
  out->end = join;
  return true;
}

static bool redos__add_loop(Redos *R, int32_t ast, uint32_t lo, uint32_t hi, bool unbounded, uint32_t *id) {
  if (!redos__grow(R, &R->loops, &R->loop_cap, R->nloops + 1, sizeof *R->loops)) return false;
  R->loops[R->nloops] = (NfaLoop){ast, lo, hi, unbounded};
  *id = R->nloops++;
  return true;
}

/* E -> ENTER1 body ITER_END E2 | EXIT ; E2 -> ENTER2 (back to body) | EXIT.
 * E2 sits after the body so the back edge is a forward ε-edge into an ENTER. */
static bool redos__build_star(Redos *R, int32_t ast, int32_t child, Frag *out) {
  int32_t e = redos__node(R, NFA_EPS, 0);
  int32_t enter1 = e < 0 ? -1 : redos__node(R, NFA_ENTER, 0);
  if (enter1 < 0) return false;
  uint32_t lo = R->nnodes, id;
  Frag body;
  if (!redos__build(R, child, &body) || !redos__add_loop(R, ast, lo, R->nnodes, true, &id)) return false;
  int32_t iter = redos__node(R, NFA_ITER_END, id);
  int32_t e2 = iter < 0 ? -1 : redos__node(R, NFA_EPS, 0);
  int32_t enter2 = e2 < 0 ? -1 : redos__node(R, NFA_ENTER, 0);
  int32_t exit = enter2 < 0 ? -1 : redos__node(R, NFA_EPS, 0);
  if (exit < 0) return false;
  R->nodes[e] = (NfaNode){NFA_EPS, enter1, exit, 0, -1, R->copy_id};
  R->nodes[enter1].out1 = body.start;
  R->nodes[body.end].out1 = iter;
  R->nodes[iter].out1 = e2;
  R->nodes[e2] = (NfaNode){NFA_EPS, enter2, exit, 0, -1, R->copy_id};
  R->nodes[enter2].out1 = body.start;
  *out = (Frag){e, exit};
  return true;
}

/* `count` nested optional iterations: S -> ENTER body ITER_END (next S) | J. */
static bool redos__build_optionals(Redos *R, int32_t ast, int32_t child, uint32_t count, Frag *out) {
  int32_t pending = -1, prev_iter = -1;
  for (uint32_t i = 0; i < count; i++) {
    int32_t s = redos__node(R, NFA_EPS, 0);
    int32_t enter = s < 0 ? -1 : redos__node(R, NFA_ENTER, 0);
    if (enter < 0) return false;
    uint32_t lo = R->nnodes, id;
    Frag body;
    if (!redos__build(R, child, &body) || !redos__add_loop(R, ast, lo, R->nnodes, false, &id)) return false;
    int32_t iter = redos__node(R, NFA_ITER_END, id);
    if (iter < 0) return false;
    if (prev_iter < 0)
      out->start = s;
    else
      R->nodes[prev_iter].out1 = s;
    R->nodes[s] = (NfaNode){NFA_EPS, enter, pending, 0, -1, R->copy_id}; /* out2: chain, patched to J */
    R->nodes[enter].out1 = body.start;
    R->nodes[body.end].out1 = iter;
    pending = s;
    prev_iter = iter;
  }
  int32_t join = redos__node(R, NFA_EPS, 0);
  if (join < 0) return false;
  R->nodes[prev_iter].out1 = join;
  while (pending >= 0) {
    int32_t next = R->nodes[pending].out2;
    R->nodes[pending].out2 = join;
    pending = next;
  }
  out->end = join;
  return true;
}

static void redos__append(Redos *R, Frag *acc, bool *has, const Frag *part) {
  if (*has)
    R->nodes[acc->end].out1 = part->start;
  else
    acc->start = part->start;
  acc->end = part->end;
  *has = true;
}

/* X{min,max}: `min` plain copies, then a loop (unbounded) or nested optional iterations. */
static bool redos__build_repeat(Redos *R, int32_t n, const RegexNode *node, Frag *out) {
  uint32_t min, max;
  redos__bounds(R, node, &min, &max);
  bool has = false;
  Frag part;
  for (uint32_t i = 0; i < min; i++) {
    if (!redos__build(R, node->child, &part)) return false;
    redos__append(R, out, &has, &part);
  }
  if (max == REGEX_INF) {
    if (!redos__build_star(R, n, node->child, &part)) return false;
    redos__append(R, out, &has, &part);
  } else if (max > min) {
    if (!redos__build_optionals(R, n, node->child, max - min, &part)) return false;
    redos__append(R, out, &has, &part);
  }
  return has || redos__empty_frag(R, out);
}

static bool redos__build_look(Redos *R, int32_t n, const RegexNode *node, Frag *out) {
  uint32_t id = R->nlooks, ast_cap = R->look_cap;
  if (!redos__grow(R, &R->looks, &R->look_cap, id + 1, sizeof *R->looks) ||
      !redos__grow(R, &R->look_ast, &ast_cap, id + 1, sizeof *R->look_ast))
    return false;
  R->look_ast[id] = n;
  R->looks[id] = (NfaLook){
      .behind = node->behind,
      .negate = node->negate,
      .nullable = redos__nullable(R, node->child, false),
      .nullable_end = redos__nullable(R, node->child, true),
      .single = redos__single(R, node->child),
      .first = redos__first(R, node->child),
  };
  R->nlooks++;
  return redos__single_frag(R, NFA_LOOK, id, out);
}

static bool redos__build_backref(Redos *R, const RegexNode *node, Frag *out) {
  int32_t body = redos__backref_body(R, node);
  if (body == REGEX_NONE || R->copy_depth >= REDOS_MAX_COPY_DEPTH) return redos__empty_frag(R, out);
  uint32_t outer = R->copy_id;
  if (R->copy_depth++ == 0) R->copy_id = ++R->ncopies;
  bool ok = redos__build(R, body, out);
  R->copy_depth--;
  R->copy_id = outer;
  return ok;
}

static bool redos__build(Redos *R, int32_t n, Frag *out) {
  const RegexNode *node = redos__ast(R, n);
  switch (node->kind) {
    case REGEX_CHAR:
      if (!redos__single_frag(R, NFA_CHAR, redos__char_label(R, node), out)) return false;
      R->nodes[out->start].ast = n;
      return true;
    case REGEX_SEQ:
      return redos__build_seq(R, node, out);
    case REGEX_ALT:
      return redos__build_alt(R, node, out);
    case REGEX_GROUP:
      return redos__build(R, node->child, out);
    case REGEX_REPEAT:
      return redos__build_repeat(R, n, node, out);
    case REGEX_BOL:
      return redos__single_frag(R, NFA_BOL, 0, out);
    case REGEX_EOL:
      return redos__single_frag(R, NFA_EOL, 0, out);
    case REGEX_WORDB:
      return redos__single_frag(R, NFA_WORDB, 0, out);
    case REGEX_NWORDB:
      return redos__single_frag(R, NFA_NWORDB, 0, out);
    case REGEX_LOOK:
      return redos__build_look(R, n, node, out);
    case REGEX_BACKREF:
      return redos__build_backref(R, node, out);
    default:
      return redos__empty_frag(R, out);
  }
}

/* A root (the pattern, or a lookaround body) ending in its own FINAL node. */
static bool redos__build_root(Redos *R, int32_t ast) {
  Frag f;
  if (!redos__build(R, ast, &f)) return false;
  int32_t fin = redos__node(R, NFA_FINAL, 0);
  if (fin < 0 || !redos__grow(R, &R->roots, &R->root_cap, R->nroots + 1, sizeof *R->roots)) return false;
  R->nodes[f.end].out1 = fin;
  R->roots[R->nroots++] = f.start;
  return true;
}

/* Picks the clamp so that the whole NFA fits the node budget. */
static bool redos__choose_clamp(Redos *R) {
  static const uint32_t clamps[] = {UINT32_MAX, 256, 64, 16, 4, 2, 1};
  for (size_t i = 0; i < sizeof clamps / sizeof clamps[0]; i++) {
    R->clamp = clamps[i];
    if (redos__cost(R, R->ast->root, 0) < REDOS_MAX_NODES) return true;
  }
  R->gave_up = "pattern too large";
  return false;
}

static bool redos__build_nfa(Redos *R) {
  if (!redos__choose_clamp(R) || !redos__build_root(R, R->ast->root)) return false;
  for (uint32_t i = 0; i < R->nlooks; i++) /* grows while bodies add nested lookarounds */
    if (!redos__build_root(R, redos__ast(R, R->look_ast[i])->child)) return false;
  return true;
}

/* ======================================================================================
 * ε-closure into positions
 * ====================================================================================== */

static bool redos__init_positions(Redos *R) {
  uint32_t n = 1 + R->nroots;
  for (uint32_t i = 0; i < R->nnodes; i++) n += R->nodes[i].kind == NFA_CHAR;
  R->npos = n;
  R->pos_node = malloc(n * sizeof *R->pos_node);
  R->node_pos = malloc(R->nnodes * sizeof *R->node_pos);
  R->pos_word = calloc(n, 1);
  R->pos_lt = calloc(n, 1);
  R->accept_end = calloc(n, sizeof *R->accept_end);
  R->trans_start = calloc(n + 1, sizeof *R->trans_start);
  R->dp = calloc(2 * (size_t)R->nnodes, sizeof *R->dp);
  R->heap[0] = malloc((size_t)R->nnodes * sizeof *R->heap[0]);
  R->heap[1] = malloc((size_t)R->nnodes * sizeof *R->heap[1]);
  R->touched = malloc(2 * (size_t)R->nnodes * sizeof *R->touched);
  if (!R->pos_node || !R->node_pos || !R->pos_word || !R->pos_lt || !R->accept_end || !R->trans_start || !R->dp ||
      !R->heap[0] || !R->heap[1] || !R->touched)
    return R->gave_up = "out of memory", false;
  R->pos_node[0] = -1;
  for (uint32_t r = 0; r < R->nroots; r++) R->pos_node[1 + r] = R->roots[r];
  uint32_t p = 1 + R->nroots;
  for (uint32_t i = 0; i < R->nnodes; i++) {
    R->node_pos[i] = NO_POS;
    if (R->nodes[i].kind != NFA_CHAR) continue;
    const RegexSet *label = redos__set(R, R->nodes[i].label);
    const RegexSet *word = redos__set(R, R->word_set), *lt = redos__set(R, R->lt_set);
    R->pos_word[p] = regex_set_subset(label, word) ? 1 : !regex_set_overlaps(label, word) ? 2 : 0;
    R->pos_lt[p] = regex_set_subset(label, lt) ? 1 : !regex_set_overlaps(label, lt) ? 2 : 0;
    R->node_pos[i] = p;
    R->pos_node[p++] = (int32_t)i;
  }
  return true;
}

static bool redos__is_start(const Redos *R, uint32_t pos) {
  return pos >= 1 && pos <= R->nroots;
}

static void redos__heap_push(Redos *R, int phase, uint32_t key) {
  uint32_t *heap = R->heap[phase], i = R->nheap[phase]++;
  while (i > 0 && heap[(i - 1) / 2] > key) {
    heap[i] = heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  heap[i] = key;
}

static uint32_t redos__heap_pop(Redos *R, int phase) {
  uint32_t *heap = R->heap[phase], n = --R->nheap[phase];
  uint32_t top = heap[0], last = heap[n], i = 0;
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && heap[c + 1] < heap[c]) c++;
    if (heap[c] >= last) break;
    heap[i] = heap[c];
    i = c;
  }
  if (n) heap[i] = last;
  return top;
}

/* Adds `count` paths reaching (node, phase) with next-character constraint `cons`. */
static void redos__dp_reach(Redos *R, int32_t node, int phase, uint8_t count, uint32_t cons, bool end_ok) {
  if (node < 0 || (cons == SET_EMPTY && !end_ok)) return;
  uint32_t key = (uint32_t)phase * R->nnodes + (uint32_t)node;
  DpCell *cell = &R->dp[key];
  if (cell->popped) return; /* cannot happen: every ε-edge points forward within a phase */
  if (cell->count == 0) {
    *cell = (DpCell){count, end_ok, false, cons};
    R->touched[R->ntouched++] = key;
    redos__heap_push(R, phase, key);
    return;
  }
  cell->count = cell->count + count >= 2 ? 2 : 1;
  cell->cons = redos__union(R, cell->cons, cons);
  cell->end_ok = cell->end_ok || end_ok;
}

static bool redos__emit(Redos *R, uint32_t target, uint32_t label, uint8_t mult) {
  if (label == SET_EMPTY) return true;
  if (R->ntrans >= REDOS_MAX_TRANS) {
    R->gave_up = "too many transitions";
    return false;
  }
  if (!redos__grow(R, &R->trans, &R->trans_cap, R->ntrans + 1, sizeof *R->trans)) return false;
  R->trans[R->ntrans++] = (Trans){target, label, mult};
  return true;
}

/* \b and \B relative to what the previous character surely was (0 = unknown: no constraint). */
static void redos__word_assertion(Redos *R, bool boundary, uint8_t prev_word, uint32_t *cons, bool *end_ok) {
  if (prev_word == 0) return;
  bool prev_is_word = prev_word == 1;
  bool next_word = boundary ? !prev_is_word : prev_is_word;
  *cons = redos__intersect(R, *cons, next_word ? R->word_set : R->nonword_set);
  if (next_word) *end_ok = false; /* at the end the "next character" is a non-word boundary */
}

static void redos__look_assertion(Redos *R, const NfaLook *look, uint32_t *cons, bool *end_ok) {
  if (look->behind) return;
  if (!look->negate) {
    if (look->nullable) return;
    *cons = redos__intersect(R, *cons, look->first);
    *end_ok = *end_ok && look->nullable_end;
  } else if (look->nullable) {
    *cons = SET_EMPTY;
    *end_ok = false;
  } else if (look->single) {
    *cons = redos__intersect(R, *cons, redos__complement(R, look->first));
  }
}

/* Follows one popped (node, phase) cell. */
static bool redos__dp_step(Redos *R, uint32_t origin, uint32_t key) {
  DpCell c = R->dp[key];
  R->dp[key].popped = true;
  int phase = key >= R->nnodes;
  const NfaNode *n = &R->nodes[key % R->nnodes];
  uint32_t cons = c.cons;
  bool end_ok = c.end_ok, at_start = redos__is_start(R, origin);
  switch (n->kind) {
    case NFA_EPS:
      redos__dp_reach(R, n->out1, phase, c.count, cons, end_ok);
      redos__dp_reach(R, n->out2, phase, c.count, cons, end_ok);
      return true;
    case NFA_ENTER:
      redos__dp_reach(R, n->out1, 1, c.count, cons, end_ok);
      return true;
    case NFA_ITER_END:
      if (phase == 0) redos__dp_reach(R, n->out1, 0, c.count, cons, end_ok);
      return true;
    case NFA_CHAR:
      return redos__emit(R, R->node_pos[key % R->nnodes], redos__intersect(R, n->label, cons), c.count);
    case NFA_FINAL:
      if (end_ok) R->accept_end[origin] = true;
      return redos__emit(R, 0, cons, 1);
    case NFA_BOL:
      if (at_start || ((R->flags & REGEX_FLAG_M) && R->pos_lt[origin] != 2))
        redos__dp_reach(R, n->out1, phase, c.count, cons, end_ok);
      return true;
    case NFA_EOL:
      cons = (R->flags & REGEX_FLAG_M) ? redos__intersect(R, cons, R->lt_set) : SET_EMPTY;
      break;
    case NFA_WORDB:
    case NFA_NWORDB:
      redos__word_assertion(R, n->kind == NFA_WORDB, at_start ? 0 : R->pos_word[origin], &cons, &end_ok);
      break;
    case NFA_LOOK:
      redos__look_assertion(R, &R->looks[n->label], &cons, &end_ok);
      break;
    default:
      break;
  }
  redos__dp_reach(R, n->out1, phase, c.count, cons, end_ok);
  return true;
}

/* Closed transitions of one position: a DP over the ε-graph in (phase, index) order, which is
 * topological because ε-edges point forward and only ENTER switches to phase 1. */
static bool redos__close(Redos *R, uint32_t origin) {
  int32_t from = redos__is_start(R, origin) ? R->pos_node[origin] : R->nodes[R->pos_node[origin]].out1;
  R->trans_start[origin] = R->ntrans;
  redos__dp_reach(R, from, 0, 1, SET_FULL, true);
  bool ok = true;
  for (int phase = 0; phase < 2; phase++)
    while (R->nheap[phase] && ok) ok = redos__spend(R, 1) && redos__dp_step(R, origin, redos__heap_pop(R, phase));
  for (uint32_t i = 0; i < R->ntouched; i++) R->dp[R->touched[i]] = (DpCell){0, false, false, 0};
  R->ntouched = R->nheap[0] = R->nheap[1] = 0;
  return ok && !R->gave_up;
}

static bool redos__close_all(Redos *R) {
  if (!redos__init_positions(R)) return false;
  for (uint32_t p = 1; p < R->npos; p++)
    if (!redos__close(R, p)) return false;
  R->trans_start[0] = R->ntrans;
  R->trans_start[R->npos] = R->ntrans; /* F's own transitions (any character, to itself) are implicit */
  return true;
}

static uint32_t redos__tbegin(const Redos *R, uint32_t p) {
  return p == 0 ? R->ntrans : R->trans_start[p];
}

static uint32_t redos__tend(const Redos *R, uint32_t p) {
  return p == 0 ? R->ntrans : p + 1 < R->npos ? R->trans_start[p + 1] : R->ntrans;
}

/* ======================================================================================
 * Graph utilities
 * ====================================================================================== */

/* Iterative Tarjan over a CSR graph (start[v] .. start[v + 1] index target[]). */
typedef struct {
  const uint32_t *start, *target;
  uint32_t *comp, *index, *low, *stack, *call, *iter;
  bool *on;
  uint32_t ncomp, counter, sp, cp;
} Tarjan;

static void redos__tarjan_visit(Tarjan *T, uint32_t v) {
  T->index[v] = T->low[v] = T->counter++;
  T->iter[v] = T->start[v];
  T->stack[T->sp++] = v;
  T->on[v] = true;
  T->call[T->cp++] = v;
}

/* Leaves v: pops its component when v is a root, and passes its low-link to the caller. */
static void redos__tarjan_leave(Tarjan *T, uint32_t v) {
  if (T->low[v] == T->index[v]) {
    uint32_t w;
    do {
      w = T->stack[--T->sp];
      T->on[w] = false;
      T->comp[w] = T->ncomp;
    } while (w != v);
    T->ncomp++;
  }
  T->cp--;
  if (T->cp && T->low[v] < T->low[T->call[T->cp - 1]]) T->low[T->call[T->cp - 1]] = T->low[v];
}

static void redos__tarjan_from(Tarjan *T, uint32_t root) {
  redos__tarjan_visit(T, root);
  while (T->cp) {
    uint32_t v = T->call[T->cp - 1];
    if (T->iter[v] == T->start[v + 1]) {
      redos__tarjan_leave(T, v);
      continue;
    }
    uint32_t w = T->target[T->iter[v]++];
    if (T->index[w] == UINT32_MAX)
      redos__tarjan_visit(T, w);
    else if (T->on[w] && T->index[w] < T->low[v])
      T->low[v] = T->index[w];
  }
}

/* comp[v] receives the component of v; components come out in reverse topological order. */
static uint32_t redos__tarjan(Redos *R, uint32_t n, const uint32_t *start, const uint32_t *target, uint32_t *comp) {
  size_t bytes = (n ? n : 1) * sizeof(uint32_t);
  Tarjan T = {start,
              target,
              comp,
              malloc(bytes),
              malloc(bytes),
              malloc(bytes),
              malloc(bytes),
              malloc(bytes),
              calloc(n ? n : 1, sizeof(bool)),
              0,
              0,
              0,
              0};
  if (!T.index || !T.low || !T.stack || !T.call || !T.iter || !T.on) {
    R->gave_up = "out of memory";
  } else {
    for (uint32_t v = 0; v < n; v++) T.index[v] = UINT32_MAX;
    for (uint32_t v = 0; v < n && redos__spend(R, 1); v++)
      if (T.index[v] == UINT32_MAX) redos__tarjan_from(&T, v);
  }
  free(T.index);
  free(T.low);
  free(T.stack);
  free(T.call);
  free(T.iter);
  free(T.on);
  return T.ncomp;
}

/* Positions reachable from a root start. */
static bool redos__mark_live(Redos *R) {
  uint32_t *queue = malloc(R->npos * sizeof *queue), head = 0, tail = 0;
  R->live = calloc(R->npos, sizeof *R->live);
  if (!queue || !R->live) {
    free(queue);
    return R->gave_up = "out of memory", false;
  }
  for (uint32_t r = 1; r <= R->nroots; r++) {
    R->live[r] = true;
    queue[tail++] = r;
  }
  while (head < tail) {
    uint32_t p = queue[head++];
    for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p); t++) {
      uint32_t q = R->trans[t].target;
      if (!R->live[q]) {
        R->live[q] = true;
        queue[tail++] = q;
      }
    }
  }
  free(queue);
  return true;
}

/* ======================================================================================
 * Rejection: can some suffix make the match fail from a state?
 * ====================================================================================== */

/* A position is rejectable when the input may end there without acceptance, when some character
 * has no transition, or when some character leads only to rejectable positions (fixpoint). F, which
 * accepts any suffix, never is. */
static bool redos__compute_rejectable(Redos *R) {
  R->rejectable = calloc(R->npos, sizeof *R->rejectable);
  if (!R->rejectable) return R->gave_up = "out of memory", false;
  for (uint32_t p = 1; p < R->npos; p++) {
    uint32_t all = SET_EMPTY;
    for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p); t++) all = redos__union(R, all, R->trans[t].label);
    R->rejectable[p] = !R->accept_end[p] || all != SET_FULL;
  }
  for (bool changed = true; changed && !R->gave_up;) {
    changed = false;
    for (uint32_t p = 1; p < R->npos && redos__spend(R, 1); p++) {
      if (R->rejectable[p]) continue;
      uint32_t good = SET_EMPTY, bad = SET_EMPTY;
      for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p); t++) {
        if (R->rejectable[R->trans[t].target])
          good = redos__union(R, good, R->trans[t].label);
        else
          bad = redos__union(R, bad, R->trans[t].label);
      }
      if (good != SET_EMPTY && redos__intersect(R, good, redos__complement(R, bad)) != SET_EMPTY)
        R->rejectable[p] = changed = true;
    }
  }
  return !R->gave_up;
}

/* ======================================================================================
 * Pump words
 * ====================================================================================== */

/* How often each character is mentioned by the pattern's characters and lookaheads, counted once per
 * distinct set: a pump built from rarely mentioned characters is unlikely to complete what follows. */
static bool redos__count_frequencies(Redos *R) {
  R->nuses = R->pool.count;
  R->uses = calloc(R->nuses ? R->nuses : 1, sizeof *R->uses);
  if (!R->uses) return R->gave_up = "out of memory", false;
  for (uint32_t i = 0; i < R->nnodes; i++) {
    if (R->nodes[i].kind == NFA_CHAR)
      R->uses[R->nodes[i].label]++;
    else if (R->nodes[i].kind == NFA_LOOK)
      R->uses[R->looks[R->nodes[i].label].first]++;
  }
  memset(R->freq, 0, sizeof R->freq);
  for (uint32_t id = 0; id < R->nuses; id++) {
    if (!R->uses[id] || id == SET_FULL) continue;
    for (uint32_t c = 0; c < 128; c++) R->freq[c] += regex_set_has(redos__set(R, id), c) ? R->uses[id] : 0;
  }
  return true;
}

static uint32_t redos__users(const Redos *R, uint32_t cp) {
  uint32_t users = 0;
  for (uint32_t id = 0; id < R->nuses; id++)
    if (R->uses[id] && id != SET_FULL && regex_set_has(redos__set(R, id), cp)) users += R->uses[id];
  return users;
}

/* The member of `id` least mentioned elsewhere; ties go to printable ASCII, then to the smallest. */
static uint32_t redos__pick(const Redos *R, uint32_t id) {
  const RegexSet *s = redos__set(R, id);
  uint32_t best = UINT32_MAX, best_score = UINT32_MAX;
  for (uint32_t c = 0; c < 128; c++) {
    if (!regex_set_has(s, c)) continue;
    uint32_t score = R->freq[c] * 4 + (c > 0x20 && c < 0x7F ? 0 : c == ' ' ? 1 : 2);
    if (score < best_score) best = c, best_score = score;
  }
  if (best != UINT32_MAX && R->freq[best] == 0) return best;
  for (uint32_t i = 0; i < s->nranges; i++) {
    uint32_t score = redos__users(R, s->r[i].lo) * 4 + 3;
    if (score < best_score) best = s->r[i].lo, best_score = score;
  }
  return best;
}

typedef struct {
  uint32_t *chars;
  uint32_t len, cap;
} Pump;

static bool redos__pump_push(Redos *R, Pump *w, uint32_t c) {
  if (w->len >= REDOS_MAX_PUMP) return false;
  if (!redos__grow(R, &w->chars, &w->cap, w->len + 1, sizeof *w->chars)) return false;
  w->chars[w->len++] = c;
  return true;
}

/* ======================================================================================
 * Attack check: repeat the pump from the fork; every reached state must be rejectable
 * ====================================================================================== */

/* A set of positions: items plus a generation mark per position. */
typedef struct {
  uint32_t *items, n;
  uint32_t *mark, gen;
} PosSet;

/* Scratch reused by every candidate of one analysis (allocated once, npos long). */
typedef struct {
  PosSet a, b, seen;
  uint32_t *prev, *via, *queue;
} Scratch;

static bool redos__scratch_init(Redos *R, Scratch *S) {
  size_t bytes = (size_t)R->npos * sizeof(uint32_t);
  PosSet *sets[3] = {&S->a, &S->b, &S->seen};
  for (int i = 0; i < 3; i++) *sets[i] = (PosSet){malloc(bytes), 0, calloc(R->npos, sizeof(uint32_t)), 0};
  S->prev = malloc(bytes);
  S->via = malloc(bytes);
  S->queue = malloc(bytes);
  if (!S->a.items || !S->a.mark || !S->b.items || !S->b.mark || !S->seen.items || !S->seen.mark || !S->prev ||
      !S->via || !S->queue)
    return R->gave_up = "out of memory", false;
  return true;
}

static void redos__scratch_free(Scratch *S) {
  PosSet *sets[3] = {&S->a, &S->b, &S->seen};
  for (int i = 0; i < 3; i++) {
    free(sets[i]->items);
    free(sets[i]->mark);
  }
  free(S->prev);
  free(S->via);
  free(S->queue);
}

static void redos__posset_reset(PosSet *s) {
  s->gen++;
  s->n = 0;
}

static void redos__posset_add(PosSet *s, uint32_t p) {
  if (s->mark[p] != s->gen) {
    s->mark[p] = s->gen;
    s->items[s->n++] = p;
  }
}

/* One character step from `in` into `out`. */
static void redos__step(Redos *R, const PosSet *in, PosSet *out, uint32_t c) {
  redos__posset_reset(out);
  for (uint32_t i = 0; i < in->n; i++) {
    uint32_t p = in->items[i];
    if (p == 0) {
      redos__posset_add(out, 0); /* F reads anything */
      continue;
    }
    redos__spend(R, redos__tend(R, p) - redos__tbegin(R, p) + 1);
    for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p); t++)
      if (regex_set_has(redos__set(R, R->trans[t].label), c)) redos__posset_add(out, R->trans[t].target);
  }
}

/* Reads the pump once from every state in S->a; the result lands in S->a. */
static void redos__pump_once(Redos *R, Scratch *S, const Pump *w) {
  for (uint32_t i = 0; i < w->len; i++) {
    if (i % 2 == 0)
      redos__step(R, &S->a, &S->b, w->chars[i]);
    else
      redos__step(R, &S->b, &S->a, w->chars[i]);
  }
  if (w->len % 2 == 1) {
    redos__posset_reset(&S->a);
    for (uint32_t i = 0; i < S->b.n; i++) redos__posset_add(&S->a, S->b.items[i]);
  }
}

/* The states after w^n for every n >= 1 from `fork` (the monotone fixpoint U = U ∪ δ(U, w), as δ
 * distributes over union) must all be rejectable, and none may be F. */
static bool redos__attackable(Redos *R, Scratch *S, uint32_t fork, const Pump *w) {
  redos__posset_reset(&S->a);
  redos__posset_reset(&S->seen);
  redos__posset_add(&S->a, fork);
  for (bool grew = true; grew && !R->gave_up;) {
    redos__pump_once(R, S, w);
    grew = false;
    for (uint32_t i = 0; i < S->a.n; i++) {
      uint32_t p = S->a.items[i];
      if (p == 0 || !R->rejectable[p]) return false;
      grew = grew || S->seen.mark[p] != S->seen.gen;
      redos__posset_add(&S->seen, p);
    }
    redos__posset_reset(&S->a);
    for (uint32_t i = 0; i < S->seen.n; i++) redos__posset_add(&S->a, S->seen.items[i]);
  }
  return S->seen.n > 0 && !R->gave_up;
}

/* ======================================================================================
 * Findings and reporting
 * ====================================================================================== */

typedef struct {
  bool found, harmless_seen;
  Pump pump;
  uint32_t *cycle; /* positions on the ambiguous cycle (both tracks) */
  uint32_t ncycle, cycle_cap;
  bool same_item;  /* pair cycles: the tracks only differ by copies of one item (nested repetition) */
  bool multi_edge; /* found through a doubled transition rather than the pair automaton */
  int32_t loop;    /* the repetition to blame, when known from the ε-paths; else -1 */
  int32_t harmless_loop;
} Finding;

/* Innermost unbounded loop instance whose body holds every position of the cycle. */
static int32_t redos__culprit(const Redos *R, const uint32_t *cycle, uint32_t n) {
  int32_t best = -1;
  for (uint32_t l = 0; l < R->nloops; l++) {
    const NfaLoop *loop = &R->loops[l];
    if (!loop->unbounded || (best >= 0 && loop->hi - loop->lo >= R->loops[best].hi - R->loops[best].lo)) continue;
    bool all = true;
    for (uint32_t i = 0; i < n && all; i++) {
      int32_t node = R->pos_node[cycle[i]];
      all = cycle[i] > R->nroots && (uint32_t)node >= loop->lo && (uint32_t)node < loop->hi;
    }
    if (all) best = (int32_t)l;
  }
  return best;
}

static int32_t redos__blamed_loop(const Redos *R, const Finding *f) {
  return f->loop >= 0 ? f->loop : redos__culprit(R, f->cycle, f->ncycle);
}

static bool redos__body_is_alt(const Redos *R, int32_t repeat) {
  int32_t c = redos__ast(R, repeat)->child;
  while (redos__ast(R, c)->kind == REGEX_GROUP) c = redos__ast(R, c)->child;
  return redos__ast(R, c)->kind == REGEX_ALT;
}

/* Appends `c` to `buf` as JS-ish escaped text; returns the bytes written (0 when it does not fit). */
static size_t redos__escape_char(char *buf, size_t size, uint32_t c) {
  char tmp[16];
  int n;
  if (c == '\n' || c == '\t' || c == '\r')
    n = snprintf(tmp, sizeof tmp, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
  else if (c == '"' || c == '\\')
    n = snprintf(tmp, sizeof tmp, "\\%c", (char)c);
  else if (c >= 0x20 && c < 0x7F)
    n = snprintf(tmp, sizeof tmp, "%c", (char)c);
  else if (c < 0x100)
    n = snprintf(tmp, sizeof tmp, "\\x%02X", c);
  else
    n = snprintf(tmp, sizeof tmp, "\\u{%X}", c);
  if (n < 0 || (size_t)n >= size) return 0;
  memcpy(buf, tmp, (size_t)n + 1);
  return (size_t)n;
}

/* The pump word, escaped, at most `size` - 1 bytes. */
static void redos__describe_pump(const Pump *w, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = 0;
  for (uint32_t i = 0; i < w->len; i++) {
    size_t n = used + 4 < size ? redos__escape_char(buf + used, size - used - 3, w->chars[i]) : 0;
    if (n == 0) {
      memcpy(buf + used, "...", 4);
      return;
    }
    used += n;
  }
}

/* The pattern text of [offset, offset+length), cut at a character boundary to fit `size`. */
static void redos__excerpt(const char *pattern, uint32_t offset, uint32_t length, char *buf, size_t size) {
  size_t n = length;
  bool cut = n > size - 1;
  if (cut) {
    n = size - 4;
    while (n > 0 && ((unsigned char)pattern[offset + n] & 0xC0) == 0x80) n--;
  }
  memcpy(buf, pattern + offset, n);
  memcpy(buf + n, cut ? "..." : "", cut ? 4 : 1);
}

static bool redos__inner_loop_on_cycle(const Redos *R, int32_t outer, const Finding *f);

static void redos__report(const Redos *R, const char *pattern, const Finding *f, RedosResult *out) {
  int32_t loop = redos__blamed_loop(R, f);
  char text[44], pump[28];
  redos__describe_pump(&f->pump, pump, sizeof pump);
  out->verdict = REDOS_EXPONENTIAL;
  if (loop < 0) {
    snprintf(out->reason, sizeof out->reason,
             "ambiguous repetition: \"%s\" can be matched in exponentially many ways", pump);
    return;
  }
  const RegexNode *rep = redos__ast(R, R->loops[loop].ast);
  out->offset = rep->offset;
  out->length = rep->length;
  redos__excerpt(pattern, rep->offset, rep->length, text, sizeof text);
  bool nested = f->multi_edge ? redos__inner_loop_on_cycle(R, loop, f) : f->same_item;
  if (nested)
    snprintf(out->reason, sizeof out->reason,
             "nested quantifier: \"%s\" — the inner and outer repetition can split a run of \"%s\" in "
             "exponentially many ways",
             text, pump);
  else if (redos__body_is_alt(R, R->loops[loop].ast))
    snprintf(out->reason, sizeof out->reason,
             "quantified alternation: \"%s\" — its branches overlap, so a run of \"%s\" splits in "
             "exponentially many ways",
             text, pump);
  else
    snprintf(out->reason, sizeof out->reason,
             "ambiguous repetition: \"%s\" — its items overlap, so a run of \"%s\" splits in "
             "exponentially many ways",
             text, pump);
}

static void redos__report_safe(const Redos *R, const char *pattern, const Finding *f, RedosResult *out) {
  out->verdict = REDOS_SAFE;
  out->offset = out->length = 0;
  if (!f->harmless_seen) {
    snprintf(out->reason, sizeof out->reason,
             "no quantified sub-expression can match the same text in two different ways");
    return;
  }
  char text[52] = "a repetition";
  if (f->harmless_loop >= 0) {
    const RegexNode *rep = redos__ast(R, R->loops[f->harmless_loop].ast);
    char excerpt[44];
    redos__excerpt(pattern, rep->offset, rep->length, excerpt, sizeof excerpt);
    snprintf(text, sizeof text, "\"%s\"", excerpt);
  }
  snprintf(out->reason, sizeof out->reason,
           "%s is ambiguous, but what follows it always matches, so no failing suffix forces backtracking", text);
}

/* ======================================================================================
 * Blame for a doubled transition: which repetitions do its two ε-paths go through?
 * ====================================================================================== */

typedef struct {
  int32_t node;
  uint8_t phase, next;
} EpsFrame;

/* Depth-first over ε-paths from position `p` to CHAR node `target`, recording the loops whose
 * iteration ends each of the first two paths crosses. Returns how many paths were found (0..2). */
static int redos__two_eps_paths(Redos *R, uint32_t p, int32_t target, uint32_t *loops[2], uint32_t nloops[2]) {
  uint32_t cap = 2 * R->nnodes + 2, sp = 0, niters = 0, steps = 0;
  EpsFrame *stack = malloc(cap * sizeof *stack);
  uint32_t *iters = malloc(cap * sizeof *iters);
  int found = 0;
  bool at_start = redos__is_start(R, p);
  if (!stack || !iters) goto done;
  stack[sp++] = (EpsFrame){at_start ? R->pos_node[p] : R->nodes[R->pos_node[p]].out1, 0, 0};
  while (sp > 0 && found < 2 && ++steps < REDOS_MAX_EPS_STEPS) {
    EpsFrame *fr = &stack[sp - 1];
    const NfaNode *n = &R->nodes[fr->node];
    bool dead = n->kind == NFA_CHAR || n->kind == NFA_FINAL || (n->kind == NFA_ITER_END && fr->phase) ||
                (n->kind == NFA_BOL && !at_start);
    if (fr->next == 0 && n->kind == NFA_CHAR && fr->node == target) {
      loops[found] = malloc((niters ? niters : 1) * sizeof **loops);
      if (loops[found]) memcpy(loops[found], iters, niters * sizeof *iters);
      nloops[found++] = niters;
    }
    if (fr->next == 0 && !dead && n->kind == NFA_ITER_END) iters[niters++] = n->label;
    int32_t succ = dead ? -1 : fr->next == 0 ? n->out1 : fr->next == 1 ? n->out2 : -1;
    if (succ >= 0 && sp < cap) {
      fr->next++;
      stack[sp++] = (EpsFrame){succ, (uint8_t)(fr->phase || n->kind == NFA_ENTER), 0};
      continue;
    }
    if (fr->next < 2 && !dead) {
      fr->next++;
      continue;
    }
    if (!dead && n->kind == NFA_ITER_END) niters--;
    sp--;
  }
done:
  free(stack);
  free(iters);
  return found;
}

static bool redos__contains(const uint32_t *items, uint32_t n, uint32_t v) {
  for (uint32_t i = 0; i < n; i++)
    if (items[i] == v) return true;
  return false;
}

/* Does an unbounded loop nested inside `outer` hold part of the cycle? */
static bool redos__inner_loop_on_cycle(const Redos *R, int32_t outer, const Finding *f) {
  const NfaLoop *o = &R->loops[outer];
  for (uint32_t l = 0; l < R->nloops; l++) {
    const NfaLoop *in = &R->loops[l];
    if ((int32_t)l == outer || !in->unbounded || in->lo < o->lo || in->hi > o->hi) continue;
    for (uint32_t i = 0; i < f->ncycle; i++) {
      uint32_t node = (uint32_t)R->pos_node[f->cycle[i]];
      if (f->cycle[i] > R->nroots && node >= in->lo && node < in->hi) return true;
    }
  }
  return false;
}

/* Blames the outermost unbounded repetition crossed by exactly one of the two ε-paths of a doubled
 * transition p -> node (e.g. the outer star of (a*)* or of (c?a?)*). */
static void redos__blame_multi_edge(Redos *R, Finding *f, uint32_t p, int32_t node) {
  uint32_t *loops[2] = {NULL, NULL}, nloops[2] = {0, 0};
  f->loop = -1;
  if (redos__two_eps_paths(R, p, node, loops, nloops) == 2 && loops[0] && loops[1]) {
    for (int side = 0; side < 2; side++) {
      for (uint32_t i = 0; i < nloops[side]; i++) {
        uint32_t l = loops[side][i];
        if (!R->loops[l].unbounded || redos__contains(loops[!side], nloops[!side], l)) continue;
        if (f->loop < 0 || R->loops[l].hi - R->loops[l].lo > R->loops[f->loop].hi - R->loops[f->loop].lo)
          f->loop = (int32_t)l;
      }
    }
  }
  free(loops[0]);
  free(loops[1]);
}

/* ======================================================================================
 * Candidates
 * ====================================================================================== */

/* Both positions inside one backreference copy (see redos__backref_body). */
static bool redos__same_copy(const Redos *R, uint32_t p, uint32_t q) {
  uint32_t a = R->nodes[R->pos_node[p]].copy;
  return a != 0 && a == R->nodes[R->pos_node[q]].copy;
}

static bool redos__cycle_add(Redos *R, Finding *f, uint32_t p) {
  if (!redos__grow(R, &f->cycle, &f->cycle_cap, f->ncycle + 1, sizeof *f->cycle)) return false;
  f->cycle[f->ncycle++] = p;
  return true;
}

/* Checks the candidate held in `f`; remembers the first harmless one for the "safe" explanation. */
static bool redos__try(Redos *R, Finding *f, Scratch *S, uint32_t fork) {
  f->found = redos__attackable(R, S, fork, &f->pump);
  if (!f->found && !f->harmless_seen) {
    f->harmless_seen = true;
    f->harmless_loop = redos__blamed_loop(R, f);
  }
  return f->found;
}

/* BFS over the positions of `from`'s component to `to`; appends the path's characters to the pump
 * and its positions to the cycle. */
static bool redos__path(Redos *R, Finding *f, Scratch *S, const uint32_t *comp, uint32_t from, uint32_t to) {
  uint32_t head = 0, tail = 0, *prev = S->prev, *via = S->via, *queue = S->queue;
  redos__posset_reset(&S->b); /* marks visited positions */
  redos__posset_add(&S->b, from);
  queue[tail++] = from;
  while (head < tail && S->b.mark[to] != S->b.gen) {
    uint32_t p = queue[head++];
    for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p); t++) {
      uint32_t q = R->trans[t].target;
      if (q != 0 && comp[q] == comp[from] && S->b.mark[q] != S->b.gen) {
        redos__posset_add(&S->b, q);
        prev[q] = p;
        via[q] = t;
        queue[tail++] = q;
      }
    }
  }
  if (S->b.mark[to] != S->b.gen) return false;
  uint32_t len = 0;
  for (uint32_t q = to; q != from; q = prev[q]) queue[len++] = q;
  bool ok = true;
  for (uint32_t i = len; i-- > 0 && ok;)
    ok = redos__pump_push(R, &f->pump, redos__pick(R, R->trans[via[queue[i]]].label)) &&
         redos__cycle_add(R, f, queue[i]);
  return ok;
}

/* Case A: a transition p -> q taken along two ε-paths, with q leading back to p. */
static void redos__try_doubled(Redos *R, Finding *f, Scratch *S, const uint32_t *comp, const uint32_t *members,
                               uint32_t nmembers) {
  uint32_t tried = 0;
  for (uint32_t i = 0; i < nmembers && tried < REDOS_MAX_DOUBLED && !f->found && !R->gave_up; i++) {
    uint32_t p = members[i];
    for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p) && tried < REDOS_MAX_DOUBLED; t++) {
      uint32_t q = R->trans[t].target;
      if (R->trans[t].mult < 2 || q == 0 || comp[q] != comp[p] || redos__same_copy(R, p, q)) continue;
      tried++;
      f->pump.len = f->ncycle = 0;
      f->same_item = false;
      f->multi_edge = true;
      redos__blame_multi_edge(R, f, p, R->pos_node[q]);
      if (redos__cycle_add(R, f, p) && redos__pump_push(R, &f->pump, redos__pick(R, R->trans[t].label)) &&
          redos__cycle_add(R, f, q) && (q == p || redos__path(R, f, S, comp, q, p)) && redos__try(R, f, S, p))
        return;
    }
  }
}

/* ---- Case B: the pair automaton of one component ---- */

typedef struct {
  uint64_t *keys; /* (a << 32 | b) + 1, 0 = empty */
  uint32_t *ids, cap;
  uint32_t *a, *b, n, pair_cap; /* a and b always share one capacity */
  uint32_t *start, *target, nedges, edge_cap, start_cap;
} Pairs;

static bool redos__pairs_rehash(Redos *R, Pairs *P) {
  uint32_t cap = P->cap ? P->cap * 2 : 1024;
  uint64_t *keys = calloc(cap, sizeof *keys);
  uint32_t *ids = malloc(cap * sizeof *ids);
  if (!keys || !ids) {
    free(keys);
    free(ids);
    return R->gave_up = "out of memory", false;
  }
  for (uint32_t i = 0; i < P->cap; i++) {
    if (!P->keys[i]) continue;
    uint32_t h = (uint32_t)((P->keys[i] * 0x9E3779B97F4A7C15ull) >> 40) & (cap - 1);
    while (keys[h]) h = (h + 1) & (cap - 1);
    keys[h] = P->keys[i];
    ids[h] = P->ids[i];
  }
  free(P->keys);
  free(P->ids);
  P->keys = keys;
  P->ids = ids;
  P->cap = cap;
  return true;
}

/* Id of the pair {a, b}, added when new; UINT32_MAX on budget or memory failure. */
static uint32_t redos__pair(Redos *R, Pairs *P, uint32_t a, uint32_t b) {
  if (a > b) {
    uint32_t t = a;
    a = b;
    b = t;
  }
  if (P->n * 2 >= P->cap && !redos__pairs_rehash(R, P)) return UINT32_MAX;
  uint64_t key = ((uint64_t)a << 32 | b) + 1;
  uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & (P->cap - 1);
  for (; P->keys[h]; h = (h + 1) & (P->cap - 1))
    if (P->keys[h] == key) return P->ids[h];
  if (P->n >= REDOS_MAX_PAIRS) {
    R->gave_up = "too many state pairs";
    return UINT32_MAX;
  }
  uint32_t b_cap = P->pair_cap;
  if (!redos__grow(R, &P->a, &P->pair_cap, P->n + 1, sizeof *P->a) ||
      !redos__grow(R, &P->b, &b_cap, P->n + 1, sizeof *P->b))
    return UINT32_MAX;
  P->keys[h] = key;
  P->ids[h] = P->n;
  P->a[P->n] = a;
  P->b[P->n] = b;
  return P->n++;
}

static bool redos__pair_edge(Redos *R, Pairs *P, uint32_t to) {
  if (P->nedges >= REDOS_MAX_EDGES) {
    R->gave_up = "too many pair transitions";
    return false;
  }
  if (!redos__grow(R, &P->target, &P->edge_cap, P->nedges + 1, sizeof *P->target)) return false;
  P->target[P->nedges++] = to;
  return true;
}

/* Successors of pair `id` inside component `c`. Pairs are explored in id order, so edges stay CSR. */
static bool redos__expand_pair(Redos *R, Pairs *P, const uint32_t *comp, uint32_t id) {
  uint32_t a = P->a[id], b = P->b[id];
  if (!redos__grow(R, &P->start, &P->start_cap, id + 2, sizeof *P->start)) return false;
  P->start[id] = P->nedges;
  for (uint32_t ta = redos__tbegin(R, a); ta < redos__tend(R, a); ta++) {
    uint32_t qa = R->trans[ta].target;
    if (qa == 0 || comp[qa] != comp[a]) continue;
    for (uint32_t tb = a == b ? ta : redos__tbegin(R, b); tb < redos__tend(R, b); tb++) {
      uint32_t qb = R->trans[tb].target;
      if (qb == 0 || comp[qb] != comp[a] || !redos__spend(R, 1)) continue;
      if (!regex_set_overlaps(redos__set(R, R->trans[ta].label), redos__set(R, R->trans[tb].label))) continue;
      if (qa != qb && redos__same_copy(R, qa, qb)) continue;
      uint32_t to = redos__pair(R, P, qa, qb);
      if (to == UINT32_MAX || !redos__pair_edge(R, P, to)) return false;
    }
  }
  P->start[id + 1] = P->nedges;
  return !R->gave_up;
}

/* The character of the pair edge u -> v (recomputed: edges do not store their labels). */
static uint32_t redos__pair_char(Redos *R, const Pairs *P, uint32_t u, uint32_t v) {
  for (int swap = 0; swap < 2; swap++) {
    uint32_t a = swap ? P->b[u] : P->a[u], b = swap ? P->a[u] : P->b[u];
    for (uint32_t ta = redos__tbegin(R, a); ta < redos__tend(R, a); ta++) {
      if (R->trans[ta].target != P->a[v] && R->trans[ta].target != P->b[v]) continue;
      uint32_t want = R->trans[ta].target == P->a[v] ? P->b[v] : P->a[v];
      for (uint32_t tb = redos__tbegin(R, b); tb < redos__tend(R, b); tb++) {
        if (R->trans[tb].target != want) continue;
        uint32_t both = redos__intersect(R, R->trans[ta].label, R->trans[tb].label);
        if (both != SET_EMPTY) return redos__pick(R, both);
      }
    }
  }
  return 'a';
}

/* BFS in the pair graph restricted to the component of `from`; fills prev[] (UINT32_MAX = unreached)
 * and queue[] in visiting order. Returns how many pairs were reached. */
static uint32_t redos__pair_bfs(const Pairs *P, const uint32_t *pcomp, uint32_t from, uint32_t *prev,
                                uint32_t *queue) {
  uint32_t head = 0, tail = 0;
  for (uint32_t i = 0; i < P->n; i++) prev[i] = UINT32_MAX;
  prev[from] = from;
  queue[tail++] = from;
  while (head < tail) {
    uint32_t u = queue[head++];
    for (uint32_t e = P->start[u]; e < P->start[u + 1]; e++) {
      uint32_t v = P->target[e];
      if (pcomp[v] == pcomp[from] && prev[v] == UINT32_MAX) {
        prev[v] = u;
        queue[tail++] = v;
      }
    }
  }
  return tail;
}

/* Appends the pair path from `from` to `to` (by prev[] from a BFS rooted at `from`). */
static bool redos__pair_path(Redos *R, const Pairs *P, Finding *f, const uint32_t *prev, uint32_t from, uint32_t to,
                             uint32_t *scratch) {
  uint32_t len = 0;
  for (uint32_t v = to; v != from; v = prev[v]) scratch[len++] = v;
  uint32_t u = from;
  for (uint32_t i = len; i-- > 0;) {
    uint32_t v = scratch[i];
    if (!redos__pump_push(R, &f->pump, redos__pair_char(R, P, u, v)) || !redos__cycle_add(R, f, P->a[v]) ||
        !redos__cycle_add(R, f, P->b[v]))
      return false;
    const NfaNode *na = &R->nodes[R->pos_node[P->a[v]]], *nb = &R->nodes[R->pos_node[P->b[v]]];
    if (P->a[v] != P->b[v] && (na->ast != nb->ast || na->copy != nb->copy)) f->same_item = false;
    u = v;
  }
  return true;
}

/* Scratch arrays of one pair-graph search, each P->n long. */
typedef struct {
  uint32_t *pcomp, *prev, *back, *queue, *queue2;
} PairScratch;

/* Builds the pump (p,p) -> (q,r) -> (p,p) and checks it. */
static bool redos__try_pair_cycle(Redos *R, Finding *f, Scratch *S, const Pairs *P, PairScratch *Q, uint32_t d,
                                  uint32_t q) {
  redos__pair_bfs(P, Q->pcomp, q, Q->back, Q->queue2);
  f->pump.len = f->ncycle = 0;
  f->loop = -1;
  f->multi_edge = false;
  f->same_item = true;
  return redos__cycle_add(R, f, P->a[d]) && redos__pair_path(R, P, f, Q->prev, d, q, Q->queue2) &&
         redos__pair_path(R, P, f, Q->back, q, d, Q->queue2) && redos__try(R, f, S, P->a[d]);
}

/* Tries forks (p,p) of a pair component holding a pair (q,r), q != r, through their nearest such pairs:
 * which fork and pump are chosen decides whether what follows the loop can be made to fail. */
static void redos__try_pair_component(Redos *R, Finding *f, Scratch *S, const Pairs *P, PairScratch *Q, uint32_t pc) {
  uint32_t forks = 0;
  for (uint32_t d = 0; d < P->n && forks < REDOS_MAX_FORKS && !f->found && !R->gave_up; d++) {
    if (Q->pcomp[d] != pc || P->a[d] != P->b[d]) continue;
    forks++;
    uint32_t reached = redos__pair_bfs(P, Q->pcomp, d, Q->prev, Q->queue);
    redos__spend(R, reached);
    uint32_t targets = 0;
    for (uint32_t i = 0; i < reached && targets < REDOS_MAX_TARGETS && !R->gave_up; i++) {
      uint32_t q = Q->queue[i];
      if (P->a[q] == P->b[q]) continue;
      targets++;
      if (redos__try_pair_cycle(R, f, S, P, Q, d, q)) return;
    }
  }
}

static void redos__pairs_free(Pairs *P) {
  free(P->keys);
  free(P->ids);
  free(P->a);
  free(P->b);
  free(P->start);
  free(P->target);
}

static void redos__pair_scratch_free(PairScratch *Q) {
  free(Q->pcomp);
  free(Q->prev);
  free(Q->back);
  free(Q->queue);
  free(Q->queue2);
}

/* Case B: the pair automaton of one position component, seeded with every diagonal pair (p,p). A pair
 * component holding both (p,p) and some (q,r), q != r, is two different cycles on one word. */
static void redos__try_pairs(Redos *R, Finding *f, Scratch *S, const uint32_t *comp, const uint32_t *members,
                             uint32_t nmembers) {
  Pairs P = {0};
  PairScratch Q = {0};
  uint8_t *kind = NULL;
  for (uint32_t i = 0; i < nmembers && !R->gave_up; i++) redos__pair(R, &P, members[i], members[i]);
  for (uint32_t id = 0; id < P.n && !R->gave_up; id++)
    if (!redos__expand_pair(R, &P, comp, id)) break;
  if (R->gave_up || P.n == 0) goto done;
  size_t bytes = P.n * sizeof(uint32_t);
  Q = (PairScratch){malloc(bytes), malloc(bytes), malloc(bytes), malloc(bytes), malloc(bytes)};
  if (!Q.pcomp || !Q.prev || !Q.back || !Q.queue || !Q.queue2) {
    R->gave_up = "out of memory";
    goto done;
  }
  uint32_t npc = redos__tarjan(R, P.n, P.start, P.target, Q.pcomp);
  kind = calloc(npc ? npc : 1, 1); /* bit 0: holds a diagonal pair, bit 1: an off-diagonal one */
  if (!kind) {
    R->gave_up = "out of memory";
    goto done;
  }
  for (uint32_t i = 0; i < P.n; i++) kind[Q.pcomp[i]] |= P.a[i] == P.b[i] ? 1 : 2;
  for (uint32_t pc = 0; pc < npc && !f->found && !R->gave_up; pc++)
    if (kind[pc] == 3) redos__try_pair_component(R, f, S, &P, &Q, pc);
done:
  free(kind);
  redos__pair_scratch_free(&Q);
  redos__pairs_free(&P);
}

/* CSR of position transitions without F, for Tarjan. */
static bool redos__position_graph(Redos *R, uint32_t **start, uint32_t **target) {
  *start = malloc((R->npos + 1) * sizeof **start);
  *target = malloc((R->ntrans ? R->ntrans : 1) * sizeof **target);
  if (!*start || !*target) return R->gave_up = "out of memory", false;
  uint32_t n = 0;
  for (uint32_t p = 0; p < R->npos; p++) {
    (*start)[p] = n;
    for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p) && p != 0; t++)
      if (R->trans[t].target != 0) (*target)[n++] = R->trans[t].target;
  }
  (*start)[R->npos] = n;
  return true;
}

/* Positions grouped by component: members[first[c] .. first[c + 1]), in pattern order. Only live
 * character positions are kept; components are visited in the order of their first position. */
typedef struct {
  uint32_t *first, *members, *order, ncomp;
} Components;

static bool redos__group_components(Redos *R, const uint32_t *comp, uint32_t ncomp, Components *C) {
  C->ncomp = ncomp;
  C->first = calloc(ncomp + 1, sizeof *C->first);
  C->members = malloc(R->npos * sizeof *C->members);
  C->order = malloc((ncomp ? ncomp : 1) * sizeof *C->order);
  uint32_t *fill = calloc(ncomp + 1, sizeof *fill);
  if (!C->first || !C->members || !C->order || !fill) {
    free(fill);
    return R->gave_up = "out of memory", false;
  }
  for (uint32_t p = 1 + R->nroots; p < R->npos; p++) C->first[comp[p] + 1] += R->live[p];
  for (uint32_t c = 0; c < ncomp; c++) C->first[c + 1] += C->first[c];
  uint32_t norder = 0;
  for (uint32_t p = 1 + R->nroots; p < R->npos; p++) {
    if (!R->live[p]) continue;
    uint32_t c = comp[p];
    if (fill[c] == 0) C->order[norder++] = c;
    C->members[C->first[c] + fill[c]++] = p;
  }
  C->ncomp = norder;
  free(fill);
  return true;
}

static bool redos__has_cycle(const Redos *R, uint32_t p, uint32_t size) {
  if (size > 1) return true;
  for (uint32_t t = redos__tbegin(R, p); t < redos__tend(R, p); t++)
    if (R->trans[t].target == p) return true;
  return false;
}

static void redos__search(Redos *R, Finding *f) {
  uint32_t *start = NULL, *target = NULL, *comp = malloc(R->npos * sizeof *comp);
  Components C = {0};
  Scratch S = {0};
  if (!comp || !redos__position_graph(R, &start, &target)) goto done;
  uint32_t ncomp = redos__tarjan(R, R->npos, start, target, comp);
  if (R->gave_up || !redos__group_components(R, comp, ncomp, &C) || !redos__scratch_init(R, &S)) goto done;
  for (uint32_t i = 0; i < C.ncomp && !f->found && !R->gave_up; i++) {
    uint32_t c = C.order[i], *members = &C.members[C.first[c]], n = C.first[c + 1] - C.first[c];
    if (!redos__has_cycle(R, members[0], n)) continue;
    redos__try_doubled(R, f, &S, comp, members, n);
    if (!f->found) redos__try_pairs(R, f, &S, comp, members, n);
  }
done:
  redos__scratch_free(&S);
  free(C.first);
  free(C.members);
  free(C.order);
  free(start);
  free(target);
  free(comp);
}

/* ======================================================================================
 * Entry point
 * ====================================================================================== */

static void redos__free(Redos *R) {
  free(R->nodes);
  free(R->loops);
  free(R->looks);
  free(R->look_ast);
  free(R->roots);
  free(R->pool.items);
  free(R->pool.table);
  free(R->pos_node);
  free(R->node_pos);
  free(R->pos_word);
  free(R->pos_lt);
  free(R->accept_end);
  free(R->live);
  free(R->rejectable);
  free(R->trans_start);
  free(R->trans);
  free(R->dp);
  free(R->heap[0]);
  free(R->heap[1]);
  free(R->touched);
  free(R->uses);
}

static void redos__too_complex(RedosResult *out, const char *why) {
  out->verdict = REDOS_SAFE;
  out->offset = out->length = 0;
  snprintf(out->reason, sizeof out->reason, "too complex to analyse (%s)", why);
}

static void redos__analyse(const RegexAst *ast, const char *pattern, RedosResult *out) {
  Redos *R = calloc(1, sizeof *R); /* large (the set-operation memo): keep it off the stack */
  Finding f = {.harmless_loop = -1, .loop = -1};
  if (!R) {
    redos__too_complex(out, "out of memory");
    return;
  }
  R->ast = ast;
  R->flags = ast->flags;
  if (redos__pool_init(R) && redos__build_nfa(R) && redos__close_all(R) && redos__mark_live(R) &&
      redos__compute_rejectable(R) && redos__count_frequencies(R))
    redos__search(R, &f);
  if (f.found)
    redos__report(R, pattern, &f, out);
  else if (R->gave_up)
    redos__too_complex(out, R->gave_up);
  else
    redos__report_safe(R, pattern, &f, out);
  free(f.pump.chars);
  free(f.cycle);
  redos__free(R);
  free(R);
}

int redos_check(const char *pattern, size_t len, const char *flags, size_t flags_len, RedosResult *out,
                RedosError *err) {
  RedosError scratch;
  unsigned bits;
  RegexAst ast;
  if (!err) err = &scratch;
  memset(out, 0, sizeof *out);
  memset(err, 0, sizeof *err);
  if (regex_flags_parse(flags ? flags : "", flags ? flags_len : 0, &bits, err) != 0) return -1;
  if (len > REDOS_MAX_PATTERN) {
    redos__too_complex(out, "pattern longer than 64 KiB");
    return 0;
  }
  int rc = regex_parse(pattern ? pattern : "", pattern ? len : 0, bits, &ast, err);
  if (rc < 0) return -1;
  if (rc > 0) {
    redos__too_complex(out, err->message);
    memset(err, 0, sizeof *err);
    return 0;
  }
  redos__analyse(&ast, pattern, out);
  regex_ast_free(&ast);
  return 0;
}
