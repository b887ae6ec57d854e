/* engine_alloc.c: tree-sitter's allocations, counted per thread, so that a parse can be stopped
 * when its tree outgrows the memory budget. A node costs 100 to 250 bytes and some shapes (a
 * ternary chain, 400,000 nested brackets) cost more than others per byte or per token of text:
 * counting the bytes themselves is the only bound that holds for every shape.
 * malloc_usable_size needs no header, so counting adds no memory. */
#include "engine_private.h"
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>

/* Bytes this thread holds through tree-sitter. Signed: a tree freed on another thread than the
 * one that built it lowers that other thread's count, and only differences are ever read. */
static _Thread_local long long engine__live;

static void *engine__malloc(size_t n) {
  void *p = malloc(n);
  if (p) engine__live += (long long)malloc_usable_size(p);
  return p;
}

static void *engine__calloc(size_t n, size_t size) {
  void *p = calloc(n, size);
  if (p) engine__live += (long long)malloc_usable_size(p);
  return p;
}

static void *engine__realloc(void *old, size_t n) {
  size_t before = old ? malloc_usable_size(old) : 0;
  void *p = realloc(old, n);
  if (p || !n) engine__live += (long long)(p ? malloc_usable_size(p) : 0) - (long long)before;
  return p;
}

static void engine__free(void *p) {
  if (p) engine__live -= (long long)malloc_usable_size(p);
  free(p);
}

static void engine__install(void) { ts_set_allocator(engine__malloc, engine__calloc, engine__realloc, engine__free); }

void engine_alloc_install(void) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, engine__install);
}

long long engine_alloc_live(void) { return engine__live; }
