/* project.c: module resolution and the fixed point of contexts across a project's files. */
#include "looplens/project.h"
#include "looplens/strbuf.h"
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <jansson.h>
#include <sys/stat.h>

enum { PROJECT_MAX_HOPS = 8 }; /* re-export chains (barrels) followed at most this deep */

void ll_summary_free(LlSummary *self) {
  for (size_t i = 0; i < self->exports.len; i++) {
    LlExport *e = &self->exports.items[i];
    free(e->name), free(e->spec), free(e->member), free(e->alias);
  }
  for (size_t i = 0; i < self->xrefs.len; i++) {
    LlXref *x = &self->xrefs.items[i];
    free(x->target), free(x->why), free(x->note);
    diag_steps_free(&x->chain);
  }
  for (size_t i = 0; i < self->unknown_edges.len; i++) free(self->unknown_edges.items[i]);
  vec_free(&self->exports);
  vec_free(&self->xrefs);
  vec_free(&self->unknown_edges);
}

static bool ll__same(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

bool ll_summary_equal(const LlSummary *a, const LlSummary *b) {
  if (a->exports.len != b->exports.len || a->xrefs.len != b->xrefs.len || a->unknown_edges.len != b->unknown_edges.len)
    return false;
  for (size_t i = 0; i < a->exports.len; i++) {
    const LlExport *x = &a->exports.items[i], *y = &b->exports.items[i];
    if (x->func_start != y->func_start || x->star != y->star || !ll__same(x->name, y->name) ||
        !ll__same(x->alias, y->alias) || !ll__same(x->spec, y->spec) || !ll__same(x->member, y->member))
      return false;
  }
  for (size_t i = 0; i < a->xrefs.len; i++) {
    const LlXref *x = &a->xrefs.items[i], *y = &b->xrefs.items[i];
    if (x->kind != y->kind || x->ctx != y->ctx || x->line != y->line || x->column != y->column ||
        !ll__same(x->target, y->target) || !ll__same(x->why, y->why) || !ll__same(x->note, y->note) ||
        x->chain.len != y->chain.len)
      return false;
    for (size_t k = 0; k < x->chain.len; k++) {
      const DiagStep *p = &x->chain.items[k], *q = &y->chain.items[k];
      if (p->line != q->line || p->column != q->column || !ll__same(p->file, q->file) || !ll__same(p->message, q->message))
        return false;
    }
  }
  for (size_t i = 0; i < a->unknown_edges.len; i++)
    if (strcmp(a->unknown_edges.items[i], b->unknown_edges.items[i])) return false;
  return true;
}

void ll_seeds_free(LlSeeds *self) {
  for (size_t i = 0; i < self->len; i++)
    free(self->items[i].why), free(self->items[i].export_name), diag_steps_free(&self->items[i].steps);
  vec_free(self);
}

void ll_aliases_free(LlAliases *self) {
  for (size_t i = 0; i < self->len; i++) free(self->items[i].from), free(self->items[i].to);
  vec_free(self);
}

int ll_context_rank(Context c) {
  return c == CTX_HOT ? 3 : c == CTX_ONCE ? 2 : c == CTX_STARTUP ? 1 : 0;
}

Project *project_new(void) {
  Project *self = calloc(1, sizeof *self);
  if (!self) abort();
  return self;
}

void project_free(Project *self) {
  if (!self) return;
  for (size_t i = 0; i < self->files.len; i++) {
    free(self->files.items[i].path);
    free(self->files.items[i].name);
    ll_summary_free(&self->files.items[i].summary);
    ll_seeds_free(&self->files.items[i].seeds);
    ll_aliases_free(&self->files.items[i].aliases);
  }
  vec_free(&self->files);
  vec_free(&self->by_path);
  project_forget_resolved(self);
  for (size_t i = 0; i < self->workspaces.len; i++)
    free(self->workspaces.items[i].name), free(self->workspaces.items[i].dir), free(self->workspaces.items[i].entry);
  vec_free(&self->workspaces);
  free(self);
}

void project_forget_resolved(Project *self) {
  for (size_t i = 0; i < self->resolved_cap; i++) free(self->resolved[i].key);
  free(self->resolved);
  self->resolved = NULL, self->resolved_cap = self->resolved_len = 0;
}

static const Project *project__sorting; /* qsort has no context; only the building thread sorts */
static int project__cmp(const void *a, const void *b) {
  return strcmp(project__sorting->files.items[*(const size_t *)a].path,
                project__sorting->files.items[*(const size_t *)b].path);
}

void project_index(Project *self) {
  self->by_path.len = 0;
  for (size_t i = 0; i < self->files.len; i++) vec_push(&self->by_path, i);
  project__sorting = self;
  if (self->by_path.len > 1) qsort(self->by_path.items, self->by_path.len, sizeof(size_t), project__cmp);
  project__sorting = NULL;
}

long project_find(const Project *self, const char *path) {
  size_t lo = 0, hi = self->by_path.len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(self->files.items[self->by_path.items[mid]].path, path);
    if (!c) return (long)self->by_path.items[mid];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

size_t project_add(Project *self, const char *path, const char *name, const char *root) {
  size_t n = root ? strlen(root) : 0;
  const char *rel = root && !strncmp(path, root, n) && path[n] == '/' ? path + n + 1 : path;
  vec_push(&self->files, ((ProjectFile){.path = ll_strdup(path), .name = ll_strdup(name), .evidence = !project_is_test(rel)}));
  return self->files.len - 1;
}

bool project_is_test(const char *rel) {
  static const char *const dirs[] = {"test/", "tests/", "__tests__/", "spec/", "__mocks__/", NULL};
  for (const char *const *d = dirs; *d; d++) {
    size_t n = strlen(*d);
    for (const char *p = strstr(rel, *d); p; p = strstr(p + 1, *d))
      if (p == rel || p[-1] == '/') return true;
    (void)n;
  }
  const char *base = strrchr(rel, '/');
  base = base ? base + 1 : rel;
  return strstr(base, ".test.") || strstr(base, ".spec.");
}

/* The package.json in dir, parsed; NULL when there is none or it is not a JSON object. */
static json_t *project__package_json(const char *dir) {
  char probe[PATH_MAX + 16];
  snprintf(probe, sizeof probe, "%s/package.json", dir);
  json_t *j = json_load_file(probe, 0, NULL);
  if (j && !json_is_object(j)) json_decref(j), j = NULL;
  return j;
}

/* The workspace globs of a monorepo root: package.json `workspaces` (an array, or yarn's
 * `{ packages: [...] }`), else lerna.json `packages`. Owned JSON array, or NULL. */
static json_t *project__workspace_globs(const char *dir) {
  json_t *pkg = project__package_json(dir), *globs = NULL;
  json_t *w = pkg ? json_object_get(pkg, "workspaces") : NULL;
  if (json_is_object(w)) w = json_object_get(w, "packages");
  if (json_is_array(w)) globs = json_incref(w);
  json_decref(pkg);
  if (!globs) {
    char probe[PATH_MAX + 16];
    snprintf(probe, sizeof probe, "%s/lerna.json", dir);
    json_t *lerna = json_load_file(probe, 0, NULL);
    json_t *p = json_is_object(lerna) ? json_object_get(lerna, "packages") : NULL;
    if (json_is_array(p)) globs = json_incref(p);
    json_decref(lerna);
  }
  return globs;
}

char *project_root_of(const char *path) {
  char buf[PATH_MAX];
  if (!realpath(path, buf)) return NULL;
  struct stat st;
  if (stat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) *strrchr(buf, '/') = '\0';
  char *found = NULL;
  for (;;) {
    char probe[PATH_MAX + 16];
    snprintf(probe, sizeof probe, "%s/.git", buf);
    bool git = stat(probe, &st) == 0;
    snprintf(probe, sizeof probe, "%s/package.json", buf);
    bool pkg = stat(probe, &st) == 0;
    if (!found && (git || pkg)) found = ll_strdup(buf[0] ? buf : "/");
    else if (found && pkg) { /* a package inside a monorepo: the workspace root is the project */
      json_t *globs = project__workspace_globs(buf);
      if (globs) free(found), found = ll_strdup(buf[0] ? buf : "/");
      json_decref(globs);
    }
    char *slash = strrchr(buf, '/');
    if (git || !slash || !buf[0]) return found; /* a repository's root bounds the search */
    *slash = '\0';
  }
}

/* The entry file a package.json names for `require(name)`: `exports` (a string, or "." as a
 * string or with require/node/import/default conditions), else `main`, else index.js. Owned. */
static char *project__entry(json_t *pkg) {
  json_t *e = json_object_get(pkg, "exports");
  if (json_is_object(e) && json_object_get(e, ".")) e = json_object_get(e, ".");
  static const char *const conds[] = {"require", "node", "import", "default", NULL};
  for (int depth = 0; json_is_object(e) && depth < 4; depth++) {
    json_t *next = NULL;
    for (const char *const *c = conds; *c && !next; c++) next = json_object_get(e, *c);
    e = next;
  }
  const char *s = json_is_string(e) ? json_string_value(e) : json_string_value(json_object_get(pkg, "main"));
  return ll_strdup(s && *s ? s : "index.js");
}

void project_add_workspaces(Project *self, const char *root) {
  json_t *globs = project__workspace_globs(root);
  size_t i;
  json_t *g;
  json_array_foreach(globs, i, g) {
    if (!json_is_string(g) || json_string_value(g)[0] == '!' || json_string_value(g)[0] == '/') continue;
    char pattern[PATH_MAX + 16];
    snprintf(pattern, sizeof pattern, "%s/%s", root, json_string_value(g));
    glob_t gl;
    if (glob(pattern, GLOB_ONLYDIR | GLOB_NOSORT, NULL, &gl) != 0) continue;
    for (size_t k = 0; k < gl.gl_pathc; k++) {
      json_t *pkg = project__package_json(gl.gl_pathv[k]);
      const char *name = pkg ? json_string_value(json_object_get(pkg, "name")) : NULL;
      char real[PATH_MAX];
      bool known = false;
      for (size_t w = 0; name && w < self->workspaces.len && !known; w++) known = !strcmp(self->workspaces.items[w].name, name);
      if (name && !known && realpath(gl.gl_pathv[k], real))
        vec_push(&self->workspaces, ((ProjectWorkspace){ll_strdup(name), ll_strdup(real), project__entry(pkg)}));
      json_decref(pkg);
    }
    globfree(&gl);
  }
  json_decref(globs);
}

/* Node's resolution of a relative specifier from the folder `dir`: the file itself, with .js .cjs
 * .mjs added, or the folder's index file. Returns the project's index of the file, or -1. */
static long project__resolve_disk(const Project *self, const char *dir, const char *spec) {
  if (spec[0] != '.' && spec[0] != '/') { /* a package by name: one of the workspace's, or external */
    const char *slash = strchr(spec, '/');
    if (spec[0] == '@' && slash) slash = strchr(slash + 1, '/');
    size_t n = slash ? (size_t)(slash - spec) : strlen(spec);
    for (size_t w = 0; w < self->workspaces.len; w++) {
      const ProjectWorkspace *ws = &self->workspaces.items[w];
      if (strlen(ws->name) != n || strncmp(ws->name, spec, n)) continue;
      char sub[PATH_MAX + 8];
      snprintf(sub, sizeof sub, "./%s", slash ? slash + 1 : ws->entry);
      long f = project__resolve_disk(self, ws->dir, sub);
      if (f < 0 && !slash) f = project__resolve_disk(self, ws->dir, "./index.js");
      return f;
    }
    return -1;
  }
  static const char *const tails[] = {"", ".js", ".cjs", ".mjs", "/index.js", "/index.cjs", "/index.mjs", NULL};
  for (const char *const *t = tails; *t; t++) {
    char path[PATH_MAX + 32], real[PATH_MAX];
    snprintf(path, sizeof path, "%s%s%s%s", spec[0] == '/' ? "" : dir, spec[0] == '/' ? "" : "/", spec, *t);
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || !realpath(path, real)) continue;
    long f = project_find(self, real);
    if (f >= 0) return f;
  }
  return -1;
}

static uint64_t project__hash(const char *s) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

/* project__resolve_disk, remembered: the answers cannot change while the project is checked. */
static long project__resolve_spec(Project *self, const char *dir, const char *spec) {
  if (self->resolved_len * 2 >= self->resolved_cap) { /* grow and rehash */
    size_t cap = self->resolved_cap ? self->resolved_cap * 2 : 1024;
    ProjectResolved *t = calloc(cap, sizeof *t);
    if (!t) abort();
    for (size_t i = 0; i < self->resolved_cap; i++) {
      if (!self->resolved[i].key) continue;
      size_t j = project__hash(self->resolved[i].key) & (cap - 1);
      while (t[j].key) j = (j + 1) & (cap - 1);
      t[j] = self->resolved[i];
    }
    free(self->resolved);
    self->resolved = t, self->resolved_cap = cap;
  }
  StrBuf k = {0};
  strbuf_printf(&k, "%s\n%s", dir, spec);
  size_t j = project__hash(k.s) & (self->resolved_cap - 1);
  for (; self->resolved[j].key; j = (j + 1) & (self->resolved_cap - 1))
    if (!strcmp(self->resolved[j].key, k.s)) {
      strbuf_free(&k);
      return self->resolved[j].file;
    }
  long f = project__resolve_disk(self, dir, spec);
  self->resolved[j] = (ProjectResolved){strbuf_steal(&k), f};
  self->resolved_len++;
  return f;
}

static char *project__dir(const char *file) {
  const char *slash = strrchr(file, '/');
  return slash ? ll_strndup(file, slash == file ? 1 : (size_t)(slash - file)) : ll_strdup(".");
}

typedef struct { long file; int64_t func_start; const char *alias, *name; } ProjectTarget;

/* The function `member` names among the exports of file f, through re-exports. */
static ProjectTarget project__target(Project *self, long f, const char *target, int hops);

static ProjectTarget project__export(Project *self, long f, const char *member, int hops) {
  ProjectTarget none = {-1, -1, NULL, NULL};
  if (f < 0 || hops > PROJECT_MAX_HOPS) return none;
  const LlSummary *s = &self->files.items[f].summary;
  char *dir = project__dir(self->files.items[f].path);
  ProjectTarget found = none;
  for (size_t i = 0; i < s->exports.len && found.file < 0; i++) {
    const LlExport *e = &s->exports.items[i];
    if (e->star || !e->name || strcmp(e->name, member)) continue;
    if (e->func_start >= 0 || e->alias) found = (ProjectTarget){f, e->func_start, e->alias, e->name};
    else if (e->spec && e->member && strcmp(e->member, "*"))
      found = project__export(self, project__resolve_spec(self, dir, e->spec), e->member, hops + 1);
    else if (e->spec && !e->member) /* module.exports = { a } with a = require('./x').a */
      found = project__target(self, f, e->spec, hops + 1);
  }
  for (size_t i = 0; i < s->exports.len && found.file < 0; i++) { /* export * from './x' */
    const LlExport *e = &s->exports.items[i];
    if (e->star && strcmp(member, "default"))
      found = project__export(self, project__resolve_spec(self, dir, e->spec), member, hops + 1);
  }
  free(dir);
  return found;
}

/* The export a reference names, from the members after the module: "f" (or "default"), a method
 * of an instance ("new:": "Store.get" → "Store#get", "get" → "default#get"), or what a factory
 * returns ("()" at the end: "f()"). Owned. */
static char *project__export_name(const char *members, bool instance, bool factory) {
  StrBuf b = {0};
  if (instance) {
    const char *dot = strrchr(members, '.');
    if (dot) strbuf_printf(&b, "%.*s#%s", (int)(dot - members), members, dot + 1);
    else strbuf_printf(&b, "default#%s", members);
  } else {
    strbuf_puts(&b, members);
  }
  if (factory) strbuf_puts(&b, "()");
  return strbuf_steal(&b);
}

/* "./lib/templates.renderPage" from file f: the longest specifier that resolves to a project file,
 * then the export the members after it name ("default" when the module itself is called). */
static ProjectTarget project__target(Project *self, long f, const char *target, int hops) {
  ProjectTarget none = {-1, -1, NULL, NULL};
  if (hops > PROJECT_MAX_HOPS) return none;
  bool instance = !strncmp(target, "new:", 4);
  if (instance) target += 4;
  char *dir = project__dir(self->files.items[f].path);
  char *spec = ll_strdup(target);
  size_t tl = strlen(spec);
  bool factory = tl > 2 && !strcmp(spec + tl - 2, "()");
  if (factory) spec[tl - 2] = '\0';
  target = spec; /* from here on, without the marks */
  char *whole = ll_strdup(spec);
  const char *slash = strrchr(target, '/');
  size_t min = slash ? (size_t)(slash - target) : 0;
  ProjectTarget found = none;
  for (size_t cut = strlen(spec); cut > min && found.file < 0;) {
    spec[cut] = '\0';
    long g = project__resolve_spec(self, dir, spec);
    if (g >= 0) {
      char *name = project__export_name(whole[cut] == '.' ? whole + cut + 1 : "default", instance, factory);
      found = project__export(self, g, name, hops);
      free(name);
      break;
    }
    while (cut > min && spec[cut - 1] != '.') cut--;
    if (cut > min) cut--; /* drop the dot */
  }
  free(spec);
  free(whole);
  free(dir);
  return found;
}

/* What a reference says of the function it reaches, as a seed (ctx CTX_UNKNOWN: nothing). */
static LlSeed project__evidence(const Project *self, const ProjectFile *from, const LlXref *x) {
  LlSeed s = {.ctx = CTX_UNKNOWN};
  StrBuf b = {0};
  const char *rel = from->name;
  if (x->kind == LL_XREF_CALL) {
    if (x->ctx == CTX_UNKNOWN) return s;
    s.ctx = x->ctx;
    if (x->note && !strcmp(x->note, "the module's top level"))
      strbuf_printf(&b, "called from %s:%u, at that module's top level", rel, x->line);
    else strbuf_printf(&b, "called from %s:%u in %s", rel, x->line, x->note ? x->note : "a caller");
  } else {
    s.ctx = x->kind == LL_XREF_HOT || x->ctx == CTX_HOT ? CTX_HOT : CTX_ONCE;
    strbuf_printf(&b, "%s in %s", x->why ? x->why : "a handler registered", rel);
  }
  s.why = strbuf_steal(&b);
  StrBuf m = {0};
  if (x->kind == LL_XREF_CALL) strbuf_printf(&m, "called here, in %s", x->note ? x->note : "a caller");
  else strbuf_printf(&m, "registered here: %s", x->why ? x->why : "a handler");
  vec_push(&s.steps, ((DiagStep){ll_strdup(rel), x->line, x->column, strbuf_steal(&m)}));
  diag_steps_copy(&s.steps, &x->chain);
  return s;
}

static int project__seed_cmp(const void *a, const void *b) {
  const LlSeed *x = a, *y = b;
  return (x->func_start > y->func_start) - (x->func_start < y->func_start);
}

static bool project__seeds_equal(const LlSeeds *a, const LlSeeds *b) {
  if (a->len != b->len) return false;
  for (size_t i = 0; i < a->len; i++)
    if (a->items[i].func_start != b->items[i].func_start || a->items[i].ctx != b->items[i].ctx ||
        strcmp(a->items[i].why, b->items[i].why) || !ll__same(a->items[i].export_name, b->items[i].export_name))
      return false;
  return true;
}

/* The modules the project loads by computed names (require(expr), import(expr)), which no
 * summary can follow: a note for functions nothing is seen to call, or NULL when there are none. */
static char *project__unknown_note(const Project *self) {
  size_t count = 0;
  const ProjectFile *first = NULL;
  for (size_t a = 0; a < self->files.len; a++) {
    const ProjectFile *f = &self->files.items[self->by_path.items[a]];
    if (!f->evidence || !f->summary.unknown_edges.len) continue;
    if (!first) first = f;
    count += f->summary.unknown_edges.len;
  }
  if (!first) return NULL;
  StrBuf b = {0};
  strbuf_printf(&b, "the project also loads modules by computed names, which looplens does not follow (%s:%s",
                first->name, first->summary.unknown_edges.items[0]);
  if (count > 1) strbuf_printf(&b, "; and %zu more", count - 1);
  strbuf_putc(&b, ')');
  return strbuf_steal(&b);
}

void project_seed(Project *self, ProjectIndices *changed) {
  size_t n = self->files.len;
  LlSeeds *next = calloc(n + 1, sizeof *next);
  bool *alias_added = calloc(n + 1, sizeof *alias_added);
  if (!next || !alias_added) abort();
  for (size_t a = 0; a < n; a++) { /* in path order, so that equal evidence always picks the same why */
    const ProjectFile *from = &self->files.items[self->by_path.items[a]];
    for (size_t i = 0; i < from->summary.xrefs.len && from->evidence; i++) {
      const LlXref *x = &from->summary.xrefs.items[i];
      if (ll_context_rank(x->ctx) == 0 && x->kind == LL_XREF_CALL) continue;
      ProjectTarget t = project__target(self, (long)self->by_path.items[a], x->target, 0);
      if (t.file < 0) continue;
      if (t.alias) { /* the import is a Node API under another name: the importer resolves it so */
        ProjectFile *into = &self->files.items[self->by_path.items[a]];
        StrBuf from_path = {0};
        strbuf_printf(&from_path, "%s%s", strncmp(x->target, "new:", 4) ? "pkg:" : "new:pkg:",
                      x->target + (strncmp(x->target, "new:", 4) ? 0 : 4));
        bool known = false;
        for (size_t k = 0; k < into->aliases.len && !known; k++) known = !strcmp(into->aliases.items[k].from, from_path.s);
        if (known) strbuf_free(&from_path);
        else vec_push(&into->aliases, ((LlAlias){strbuf_steal(&from_path), ll_strdup(t.alias)})), alias_added[self->by_path.items[a]] = true;
        continue;
      }
      LlSeed s = project__evidence(self, from, x);
      if (!s.why) continue; /* no evidence: nothing to free */
      s.func_start = t.func_start;
      s.export_name = ll_strdup(t.name);
      LlSeeds *into = &next[t.file];
      size_t k = 0;
      while (k < into->len && into->items[k].func_start != t.func_start) k++;
      if (k == into->len) vec_push(into, s);
      else if (ll_context_rank(s.ctx) > ll_context_rank(into->items[k].ctx)) {
        free(into->items[k].why), free(into->items[k].export_name), diag_steps_free(&into->items[k].steps);
        into->items[k] = s;
      } else {
        free(s.why), free(s.export_name), diag_steps_free(&s.steps);
      }
    }
  }
  char *unknown = project__unknown_note(self);
  for (size_t f = 0; f < n && unknown; f++) /* what every file's "nothing is seen to call it" misses */
    vec_push(&next[f], ((LlSeed){.func_start = -1, .ctx = CTX_UNKNOWN, .why = ll_strdup(unknown)}));
  free(unknown);
  for (size_t f = 0; f < n; f++) {
    if (next[f].len > 1) qsort(next[f].items, next[f].len, sizeof *next[f].items, project__seed_cmp);
    if (project__seeds_equal(&next[f], &self->files.items[f].seeds)) {
      ll_seeds_free(&next[f]);
      if (alias_added[f]) vec_push(changed, f);
      continue;
    }
    ll_seeds_free(&self->files.items[f].seeds);
    self->files.items[f].seeds = next[f];
    vec_push(changed, f);
  }
  free(next);
  free(alias_added);
}
