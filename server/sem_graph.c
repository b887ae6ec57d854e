/* sem_graph.c: can one function reach another through the calls made in the file, within a few
 * calls? Built on first use from the model's call edges (deduplicated by sem__classify): the
 * adjacency, the strongly connected components, and a memo of the answers. Each question is a
 * breadth-first search that only enters the components a path between the two could pass through,
 * so a pair of functions calling each other k times costs what one call would. */
#include "sem_private.h"
#include <stdlib.h>

typedef struct {
  int from, to, depth;
  bool used, yes;
} GraphMemo;

struct SemGraph {
  size_t n;         /* functions; edges from the top level are left out (nothing calls it) */
  uint32_t *first;  /* callees of f: to[first[f] .. first[f + 1]) */
  int *to;
  uint32_t *comp;   /* component of each function, numbered as they complete: callees' first */
  uint32_t *seen;   /* search stamps, and the depth each function was reached at */
  uint32_t *level, stamp;
  int *queue;
  GraphMemo *memo;  /* open addressing */
  size_t memo_cap, memo_len;
};

static void *graph__alloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (!p) abort();
  return p;
}

static void graph__adjacency(const Sem *self, struct SemGraph *g) {
  size_t n = g->n, m = 0;
  g->first = graph__alloc(n + 2, sizeof *g->first);
  for (size_t i = 0; i < self->edges.len; i++)
    if (self->edges.items[i].from >= 0) g->first[self->edges.items[i].from + 1]++, m++;
  for (size_t i = 1; i < n + 2; i++) g->first[i] += g->first[i - 1];
  g->to = graph__alloc(m, sizeof *g->to);
  uint32_t *fill = graph__alloc(n + 1, sizeof *fill);
  for (size_t i = 0; i < self->edges.len; i++) {
    SemEdge e = self->edges.items[i];
    if (e.from >= 0) g->to[g->first[e.from] + fill[e.from]++] = e.to;
  }
  free(fill);
}

/* Tarjan's algorithm without recursion (a call chain can be as deep as the file is long). */
static void graph__components(struct SemGraph *g) {
  size_t n = g->n;
  uint32_t *index = graph__alloc(n, sizeof *index), *low = graph__alloc(n, sizeof *low);
  uint32_t *edge = graph__alloc(n, sizeof *edge); /* next callee to visit, per function on the path */
  int *path = graph__alloc(n, sizeof *path), *stack = graph__alloc(n, sizeof *stack);
  bool *on = graph__alloc(n, sizeof *on);
  g->comp = graph__alloc(n, sizeof *g->comp);
  uint32_t next = 1, comps = 0;
  size_t sp = 0;
  for (size_t root = 0; root < n; root++) {
    if (index[root]) continue;
    size_t depth = 0;
    path[depth++] = (int)root;
    index[root] = low[root] = next++, edge[root] = g->first[root], stack[sp++] = (int)root, on[root] = true;
    while (depth) {
      int v = path[depth - 1];
      if (edge[v] < g->first[v + 1]) {
        int w = g->to[edge[v]++];
        if (!index[w]) {
          index[w] = low[w] = next++, edge[w] = g->first[w], stack[sp++] = w, on[w] = true;
          path[depth++] = w;
        } else if (on[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      if (low[v] == index[v]) {
        int w;
        do {
          w = stack[--sp];
          on[w] = false;
          g->comp[w] = comps;
        } while (w != v);
        comps++;
      }
      if (--depth && low[v] < low[path[depth - 1]]) low[path[depth - 1]] = low[v];
    }
  }
  free(index), free(low), free(edge), free(path), free(stack), free(on);
}

static struct SemGraph *graph__get(Sem *self) {
  if (self->graph) return self->graph;
  struct SemGraph *g = graph__alloc(1, sizeof *g);
  g->n = self->funcs.len;
  graph__adjacency(self, g);
  graph__components(g);
  g->seen = graph__alloc(g->n, sizeof *g->seen);
  g->level = graph__alloc(g->n, sizeof *g->level);
  g->queue = graph__alloc(g->n, sizeof *g->queue);
  self->graph = g;
  return g;
}

void sem__graph_free(Sem *self) {
  struct SemGraph *g = self->graph;
  if (!g) return;
  free(g->first), free(g->to), free(g->comp), free(g->seen), free(g->level), free(g->queue), free(g->memo);
  free(g);
  self->graph = NULL;
}

/* Breadth first from `from`, at most `depth` calls, only through components between from's and to's. */
static bool graph__search(struct SemGraph *g, int from, int to, int depth) {
  if (g->comp[from] < g->comp[to]) return false; /* to's component comes after: no path */
  uint32_t stamp = ++g->stamp;
  size_t head = 0, tail = 0;
  g->queue[tail++] = from, g->seen[from] = stamp, g->level[from] = 0;
  while (head < tail) {
    int u = g->queue[head++];
    if (g->level[u] == (uint32_t)depth) continue;
    for (uint32_t e = g->first[u]; e < g->first[u + 1]; e++) {
      int v = g->to[e];
      if (v == to) return true;
      if (g->seen[v] == stamp || g->comp[v] < g->comp[to]) continue;
      g->seen[v] = stamp, g->level[v] = g->level[u] + 1, g->queue[tail++] = v;
    }
  }
  return false;
}

static size_t graph__hash(int from, int to, int depth, size_t mask) {
  uint64_t h = (uint64_t)(uint32_t)from * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uint32_t)to * 0xC2B2AE3D27D4EB4Full ^
               (uint64_t)depth;
  return (size_t)(h ^ (h >> 29)) & mask;
}

static GraphMemo *graph__memo_find(GraphMemo *memo, size_t cap, int from, int to, int depth) {
  size_t mask = cap - 1;
  for (size_t i = graph__hash(from, to, depth, mask);; i = (i + 1) & mask)
    if (!memo[i].used || (memo[i].from == from && memo[i].to == to && memo[i].depth == depth)) return &memo[i];
}

static GraphMemo *graph__memo_slot(struct SemGraph *g, int from, int to, int depth) {
  if (2 * (g->memo_len + 1) > g->memo_cap) { /* keep it at most half full */
    size_t cap = g->memo_cap ? 2 * g->memo_cap : 64;
    GraphMemo *memo = graph__alloc(cap, sizeof *memo);
    for (size_t i = 0; i < g->memo_cap; i++)
      if (g->memo[i].used) *graph__memo_find(memo, cap, g->memo[i].from, g->memo[i].to, g->memo[i].depth) = g->memo[i];
    free(g->memo);
    g->memo = memo, g->memo_cap = cap;
  }
  return graph__memo_find(g->memo, g->memo_cap, from, to, depth);
}

bool sem__reaches(Sem *self, int from, int to, int depth) {
  if (from == to) return true;
  if (from < 0 || to < 0 || depth <= 0 || (size_t)from >= self->funcs.len || (size_t)to >= self->funcs.len)
    return false;
  struct SemGraph *g = graph__get(self);
  GraphMemo *s = graph__memo_slot(g, from, to, depth);
  if (s->used) return s->yes;
  bool yes = graph__search(g, from, to, depth);
  *s = (GraphMemo){from, to, depth, true, yes};
  g->memo_len++;
  return yes;
}
