/* walk.h: which files `looplens check PATH...` looks at. Inside a git work tree, git answers
 * (tracked and untracked-but-not-ignored files); elsewhere a directory walk. Both skip
 * node_modules. A FileList owns its paths. */
#ifndef LOOPLENS_WALK_H
#define LOOPLENS_WALK_H
#include "looplens/rule.h"
#include "looplens/vec.h"

typedef Vec(char *) FileList;

/* Adds the JavaScript files under `path` (or `path` itself when it is a file, whatever its
 * extension). -1 with err when the path cannot be read. */
int walk_path(const char *path, FileList *out, LlError *err);
void walk_free(FileList *self);
int walk_is_js(const char *path); /* .js .mjs .cjs .jsx */

#endif
