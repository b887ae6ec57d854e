/* walk.h: which files `looplens check PATH...` looks at. Inside a git work tree, git answers
 * (tracked and untracked-but-not-ignored files), run so that no setting of the checked repository
 * can make it start a program; elsewhere an iterative directory walk of any depth. Both skip
 * node_modules. A FileList owns its paths; a WalkNotes owns nothing but its array. */
#ifndef LOOPLENS_WALK_H
#define LOOPLENS_WALK_H
#include "looplens/rule.h"
#include "looplens/vec.h"

typedef Vec(char *) FileList;
/* Paths that were found but could not be searched or read (a folder too deep to open, a path that
 * does not exist): each is reported, and the walk goes on. */
typedef Vec(LlError) WalkNotes;

/* Adds the JavaScript files under `path` (or `path` itself when it is not a folder, whatever its
 * extension). Returns -1 when `path` itself cannot be read (notes says why), else 0. */
int walk_path(const char *path, FileList *out, WalkNotes *notes);
void walk_free(FileList *self);
int walk_is_js(const char *path); /* .js .mjs .cjs .jsx */

#endif
