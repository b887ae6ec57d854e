/* sem_private.h: the pieces of the semantic model shared between sem.c, sem_ctx.c and sem_resolve.c. */
#ifndef LOOPLENS_SEM_PRIVATE_H
#define LOOPLENS_SEM_PRIVATE_H
#include "sem.h"
#include "syms.h"

void sem__note_call(Sem *self, TSNode call);
void sem__note_export(Sem *self, TSNode export_statement);
void sem__note_assignment(Sem *self, TSNode assignment);
void sem__exports_resolve(Sem *self);
void sem__classify(Sem *self);
/* Effects of the calls in [from, to) on functions outside it (sem_region.c). */
void sem__call_effects(Sem *self, uint32_t from, uint32_t to, StrVec *out);
/* The member name of a member_expression (or string subscript), NULL otherwise; owned. */
char *sem__member_name(const Sem *self, TSNode member);
uint32_t sem__line(TSNode n); /* 1-based */
/* Is d one of this model's own declarations (not the base's, seen through a region model)? */
bool sem__owns_decl(const Sem *self, const SemDecl *d);
void sem__containers_free(Sem *self);
/* The symbol table (sem_names.c): built once the declarations are complete. */
void sem__names_build(Sem *self);
void sem__names_free(Sem *self);
/* Is there a path of at most `depth` calls from function `from` to function `to` (from == to is
 * one)? Memoised per model (sem_graph.c); for whole-file models: a region model's call graph is partial. */
bool sem__reaches(Sem *self, int from, int to, int depth);
void sem__graph_free(Sem *self);
void sem__path_free(Sem *self);
void sem__removals_free(Sem *self);
/* The functions of classes and object literals by (owner, name) (sem_resolve.c): built after the
 * walk; sem__owned_first is where owner's run starts in self->owned. */
void sem__owned_build(Sem *self);
size_t sem__owned_first(const Sem *self, int owner);
/* Is a node of type sym or also under n, not looking into nested functions? */
bool sem_contains(TSNode n, SymId sym, SymId also);
/* Facts about a function's own code (sem_body.c), found once per function: predicates ask them at
 * every call inside it. Where the first `if` statement of function g's body that holds a return
 * begins (an early exit, as drain loops have); UINT32_MAX when there is none or the body is an
 * expression. */
uint32_t sem_early_return(Sem *self, int g);
/* The awaits in function g, not in nested functions: how many, and how many may wait on I/O (not
 * sem_await_settled). */
void sem_awaits(Sem *self, int g, uint32_t *count, uint32_t *waiting);
/* The same for any subtree n (a loop's body), not remembered. */
void sem_count_awaits(Sem *self, TSNode n, uint32_t *count, uint32_t *waiting);

/* What calls a function passed as an argument to `call`: SEM_REG_HOT again and again (a route, a
 * listener, an interval), SEM_REG_HOT_ONCE once, later (setTimeout, .then, .once), SEM_REG_INHERIT
 * the callee itself, now; why says which registration it is (sem_ctx.c). */
typedef enum { SEM_REG_INHERIT, SEM_REG_HOT, SEM_REG_HOT_ONCE } SemRegKind;
SemRegKind sem__registration(Sem *self, TSNode call, StrBuf *why);

#endif
