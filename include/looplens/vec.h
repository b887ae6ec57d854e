/* vec.h: a growable array of T, in the spirit of tree-sitter's array.h.
 * A Vec owns its buffer; vec_free releases it (never the elements). */
#ifndef LOOPLENS_VEC_H
#define LOOPLENS_VEC_H
#include <stdlib.h>
#include <string.h>
#include <assert.h>

#define Vec(T) struct { T *items; size_t len, cap; }

/* Grow to hold at least n more items; aborts on overflow or allocation failure
 * (an out-of-memory linter has nothing useful left to say). */
#define vec_reserve(v, n) vec__reserve((void **)&(v)->items, &(v)->cap, (v)->len + (n), sizeof *(v)->items)
#define vec_push(v, x) (vec_reserve((v), 1), (v)->items[(v)->len++] = (x))
#define vec_get(v, i) (assert((size_t)(i) < (v)->len), &(v)->items[i])
#define vec_last(v) (assert((v)->len > 0), &(v)->items[(v)->len - 1])
#define vec_free(v) (free((v)->items), (v)->items = NULL, (v)->len = (v)->cap = 0)

typedef Vec(char *) StrVec;

void vec__reserve(void **items, size_t *cap, size_t need, size_t size);

#endif
