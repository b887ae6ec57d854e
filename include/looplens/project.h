/* project.h: contexts across the files of a project. Each file is analysed on its own and leaves a
 * summary (summary.h); project_seed turns all summaries into seeds, the contexts in which other
 * files run each file's exported functions; files whose seeds changed are analysed again with them,
 * until nothing changes (hot > once > start-up > unknown only ever rise, so it ends).
 * Relative modules resolve as Node resolves them: the path, then .js .cjs .mjs, then index.js …;
 * `require(expr)` and `import(expr)` are unknown edges. A Project owns its files' paths, summaries
 * and seeds. */
#ifndef LOOPLENS_PROJECT_H
#define LOOPLENS_PROJECT_H
#include <stddef.h>
#include "looplens/summary.h"

typedef struct {
  char *path;      /* absolute and resolved */
  char *name;      /* as messages name it (as the front door found it) */
  bool evidence;   /* its calls count (not a test file: tests call anything in any context) */
  LlSummary summary;
  LlSeeds seeds;
  LlAliases aliases; /* only ever grow: an alias found stays, though the reference it came from then
                      * resolves to the API and leaves the summary */
} ProjectFile;

typedef Vec(size_t) ProjectIndices;

typedef struct { char *key; long file; } ProjectResolved; /* "dir\nspec" → file index or -1 */

/* A package of a monorepo's workspace, imported by name (`require('@acme/util')`). */
typedef struct { char *name, *dir, *entry; } ProjectWorkspace;

typedef struct Project {
  Vec(ProjectFile) files;
  ProjectIndices by_path; /* indices sorted by path, for lookup */
  ProjectResolved *resolved; /* open addressing: every round asks the same questions of the disk */
  size_t resolved_cap, resolved_len;
  Vec(ProjectWorkspace) workspaces;
} Project;

Project *project_new(void);
void project_free(Project *self);
/* Adds a file (an absolute, resolved path, once; name: how messages call it) and returns its index.
 * root: its project's folder (NULL if none); a test file under it is not evidence. */
size_t project_add(Project *self, const char *path, const char *name, const char *root);
/* Is this path, relative to its project's folder, a test file (in a test/, tests/, __tests__/,
 * spec/ or __mocks__/ folder, or named *.test.js / *.spec.js)? */
bool project_is_test(const char *rel);
/* The packages a monorepo root declares (package.json `workspaces`, lerna.json `packages`): their
 * files are then reached by package name, through `exports`/`main`. */
void project_add_workspaces(Project *self, const char *root);
/* Call once every file is added, before project_find or project_seed. */
void project_index(Project *self);
/* Index of the file with this absolute, resolved path, or -1. */
long project_find(const Project *self, const char *path);
/* Forgets every module resolution (files appeared or went since: the language server). */
void project_forget_resolved(Project *self);
/* Recomputes every file's seeds from the summaries; appends the indices whose seeds changed. */
void project_seed(Project *self, ProjectIndices *changed);
/* The project around path (a file or folder): the nearest folder above it holding package.json or
 * .git, or, for a package of a monorepo, the workspace root above it (a package.json with
 * `workspaces`, or lerna.json), within the same git repository. NULL if none. Owned. */
char *project_root_of(const char *path);

#endif
