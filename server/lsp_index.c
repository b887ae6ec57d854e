/* lsp_index.c: the language server's project view. A worker thread walks the workspace folders and
 * analyses files for their summaries alone (no findings are kept: memory stays one summary a file);
 * the main thread owns the Project, applies what the worker sends back, computes seeds when the
 * worker is idle and says which open documents to check again: those whose seeds or aliases
 * changed, and only those. Open documents are summarised from their text, ahead of disk files. */
#include "lsp.h"
#include "looplens/fileio.h"
#include "looplens/project.h"
#include "looplens/strbuf.h"
#include "walk.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Waves of seeding after one change before the index stops following it (contexts can fall as
 * well as rise in an editor, so a cycle must not run for ever; the CLI stops at 10 rounds too). */
enum { LSP_INDEX_MAX_WAVES = 10 };

typedef enum { JOB_WALK, JOB_FILE } JobKind;

typedef struct {
  JobKind kind;
  size_t file;            /* JOB_FILE: project index */
  char *path;             /* a folder to walk, or the file to read when text is NULL */
  char *text;             /* an open document's text (owned), or NULL */
  size_t len;
  LlSeeds seeds;          /* copies: the worker never reads the Project */
  LlAliases aliases;
  unsigned long gen;
} Job;

typedef struct {
  JobKind kind;
  size_t file;
  char *root;             /* JOB_WALK */
  FileList found;
  LlSummary summary;
  unsigned long gen;
} Result;

typedef Vec(Result) ResultVec;

typedef struct {
  char *path;             /* the .looplens.json */
  Config *config;         /* NULL: it failed to load; the defaults apply (the editor is told by lsp_docs.c) */
} IndexConfig;

struct LspIndex {
  /* main thread */
  Project *project;
  Vec(unsigned long) file_gen;   /* per file: the newest job sent, to drop older answers */
  Vec(unsigned long) seed_gen;   /* per file: bumped when its seeds or aliases change */
  Vec(char *) roots;             /* resolved workspace folders */
  unsigned long gen;
  size_t outstanding;            /* jobs sent and not yet answered */
  size_t walked, total, done;    /* for progress */
  int waves;
  bool settled_once, progress_open;
  /* shared, under lock */
  pthread_mutex_t lock;
  pthread_cond_t wake;
  Vec(Job) urgent, bulk;         /* open documents before disk files */
  size_t bulk_head;
  ResultVec results;
  bool stop, configs_stale;
  int pipe_r, pipe_w;            /* readable when results wait */
  pthread_t thread;
  bool started;
  /* worker thread */
  const Engine *engine;
  const RuleSet *rules;
  Config *defaults;
  size_t max_size;
  Vec(IndexConfig) configs;
};

static void index__job_free(Job *j) {
  free(j->path), free(j->text);
  ll_seeds_free(&j->seeds);
  ll_aliases_free(&j->aliases);
}

static void index__copy_seeds(LlSeeds *dst, const LlSeeds *src) {
  for (size_t i = 0; i < src->len; i++) {
    LlSeed s = src->items[i];
    s.why = ll_strdup(s.why);
    s.export_name = s.export_name ? ll_strdup(s.export_name) : NULL;
    s.steps = (DiagSteps){0};
    diag_steps_copy(&s.steps, &src->items[i].steps);
    vec_push(dst, s);
  }
}

static void index__copy_aliases(LlAliases *dst, const LlAliases *src) {
  for (size_t i = 0; i < src->len; i++)
    vec_push(dst, ((LlAlias){ll_strdup(src->items[i].from), ll_strdup(src->items[i].to)}));
}

/* --- worker ------------------------------------------------------------------------------------ */

static void index__configs_clear(LspIndex *x) {
  for (size_t i = 0; i < x->configs.len; i++) free(x->configs.items[i].path), config_free(x->configs.items[i].config);
  x->configs.len = 0;
}

/* The configuration governing path (the nearest .looplens.json above it), loaded once. */
static const Config *index__config(LspIndex *x, const char *path) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  char *found = config_find(dir);
  if (!found) return x->defaults;
  for (size_t i = 0; i < x->configs.len; i++)
    if (!strcmp(x->configs.items[i].path, found)) {
      free(found);
      return x->configs.items[i].config ? x->configs.items[i].config : x->defaults;
    }
  LlError err = {0};
  Config *c = config_load(found, x->rules, &err);
  vec_push(&x->configs, ((IndexConfig){found, c}));
  return c ? c : x->defaults;
}

/* A file's summary: none for what cannot be read, is ignored, binary or too large. */
static void index__summarise(LspIndex *x, Analyzer *an, Job *j, LlSummary *out) {
  const Config *cfg = index__config(x, j->path);
  if (!j->text && config_ignores(cfg, j->path)) return;
  FileData data = {0};
  const char *src = j->text;
  size_t len = j->len;
  if (!src) {
    LlError err = {0};
    if (file_read_limited(j->path, x->max_size, &data, &err) < 0) return;
    src = data.data, len = data.len;
  }
  if (len <= x->max_size && len <= UINT32_MAX / 2 && !text_is_binary(src, len)) {
    DiagList diags = {0};
    analyzer_run_project(an, cfg, src, len, &j->seeds, &j->aliases, &diags, NULL, out);
    diag_list_free(&diags);
  }
  file_data_free(&data);
}

static void *index__worker(void *arg) {
  LspIndex *x = arg;
  Analyzer *an = analyzer_new(x->engine);
  for (;;) {
    pthread_mutex_lock(&x->lock);
    while (!x->stop && !x->urgent.len && x->bulk_head == x->bulk.len) pthread_cond_wait(&x->wake, &x->lock);
    if (x->stop) {
      pthread_mutex_unlock(&x->lock);
      break;
    }
    Job j;
    if (x->urgent.len) {
      j = x->urgent.items[0];
      memmove(x->urgent.items, x->urgent.items + 1, --x->urgent.len * sizeof *x->urgent.items);
    } else {
      j = x->bulk.items[x->bulk_head++];
      if (x->bulk_head == x->bulk.len) x->bulk.len = x->bulk_head = 0;
    }
    bool reload = x->configs_stale;
    x->configs_stale = false;
    pthread_mutex_unlock(&x->lock);
    if (reload) index__configs_clear(x);
    Result r = {.kind = j.kind, .file = j.file, .gen = j.gen};
    if (j.kind == JOB_WALK) {
      WalkNotes notes = {0}; /* a folder that cannot be searched only costs context */
      walk_path(j.path, &r.found, &notes);
      vec_free(&notes);
      r.root = j.path, j.path = NULL;
    } else {
      index__summarise(x, an, &j, &r.summary);
    }
    index__job_free(&j);
    pthread_mutex_lock(&x->lock);
    vec_push(&x->results, r);
    pthread_mutex_unlock(&x->lock);
    ssize_t w = write(x->pipe_w, "", 1); /* full pipe: a wake-up is already pending */
    (void)w;
  }
  analyzer_free(an);
  return NULL;
}

/* --- main thread ------------------------------------------------------------------------------- */

LspIndex *lsp_index_new(const Engine *engine, const RuleSet *rules, size_t max_size) {
  LspIndex *x = calloc(1, sizeof *x);
  int fds[2];
  if (!x || pipe(fds) < 0) abort();
  x->pipe_r = fds[0], x->pipe_w = fds[1];
  for (int k = 0; k < 2; k++) {
    fcntl(fds[k], F_SETFL, fcntl(fds[k], F_GETFL) | O_NONBLOCK);
    fcntl(fds[k], F_SETFD, FD_CLOEXEC);
  }
  pthread_mutex_init(&x->lock, NULL);
  pthread_cond_init(&x->wake, NULL);
  x->project = project_new();
  x->engine = engine, x->rules = rules, x->max_size = max_size;
  x->defaults = config_default();
  return x;
}

void lsp_index_free(LspIndex *x) {
  if (!x) return;
  if (x->started) {
    pthread_mutex_lock(&x->lock);
    x->stop = true;
    pthread_cond_signal(&x->wake);
    pthread_mutex_unlock(&x->lock);
    pthread_join(x->thread, NULL);
  }
  for (size_t i = 0; i < x->urgent.len; i++) index__job_free(&x->urgent.items[i]);
  for (size_t i = x->bulk_head; i < x->bulk.len; i++) index__job_free(&x->bulk.items[i]);
  for (size_t i = 0; i < x->results.len; i++) {
    Result *r = &x->results.items[i];
    free(r->root), walk_free(&r->found), ll_summary_free(&r->summary);
  }
  vec_free(&x->urgent), vec_free(&x->bulk), vec_free(&x->results);
  for (size_t i = 0; i < x->roots.len; i++) free(x->roots.items[i]);
  vec_free(&x->roots);
  vec_free(&x->file_gen), vec_free(&x->seed_gen);
  index__configs_clear(x);
  vec_free(&x->configs);
  config_free(x->defaults);
  project_free(x->project);
  close(x->pipe_r), close(x->pipe_w);
  pthread_mutex_destroy(&x->lock);
  pthread_cond_destroy(&x->wake);
  free(x);
}

int lsp_index_fd(const LspIndex *x) { return x->pipe_r; }

static void index__send(LspIndex *x, Job j, bool urgent) {
  pthread_mutex_lock(&x->lock);
  if (urgent) { /* a newer text of the same document replaces one not yet started */
    size_t i = 0;
    while (i < x->urgent.len && !(x->urgent.items[i].kind == JOB_FILE && x->urgent.items[i].file == j.file)) i++;
    if (i < x->urgent.len) {
      index__job_free(&x->urgent.items[i]);
      x->urgent.items[i] = j;
      x->outstanding--; /* the replaced one will not be answered */
    } else {
      vec_push(&x->urgent, j);
    }
  } else {
    vec_push(&x->bulk, j);
  }
  x->outstanding++;
  if (!x->started) {
    if (pthread_create(&x->thread, NULL, index__worker, x)) abort();
    x->started = true;
  }
  pthread_cond_signal(&x->wake);
  pthread_mutex_unlock(&x->lock);
}

/* Sends file i to be summarised: from text (an open document's, copied) or from disk. */
static void index__send_file(LspIndex *x, size_t i, const char *text, size_t len) {
  const ProjectFile *f = &x->project->files.items[i];
  Job j = {.kind = JOB_FILE, .file = i, .path = ll_strdup(f->path), .gen = ++x->gen};
  if (text) {
    j.text = malloc(len + 1);
    if (!j.text) abort();
    memcpy(j.text, text, len);
    j.text[len] = '\0';
    j.len = len;
  }
  index__copy_seeds(&j.seeds, &f->seeds);
  index__copy_aliases(&j.aliases, &f->aliases);
  x->file_gen.items[i] = j.gen;
  index__send(x, j, text != NULL);
}

/* The open document of file i, or NULL. */
static LspDoc *index__doc_of(LspServer *s, size_t i) {
  for (size_t k = 0; k < s->docs.len; k++)
    if (s->docs.items[k]->project_file == (long)i) return s->docs.items[k];
  return NULL;
}

static void index__send_current(LspServer *s, size_t i) {
  LspDoc *d = index__doc_of(s, i);
  if (d && !lsp_doc_analysable(s, d)) return; /* its text is not the editor's: keep the last summary */
  size_t len = 0;
  const char *text = d ? textedit_text(d->text, &len) : NULL;
  index__send_file(s->index, i, text, len);
}

/* The root a path lies under (the longest), or NULL. */
static const char *index__root_of(const LspIndex *x, const char *path) {
  const char *best = NULL;
  for (size_t k = 0; k < x->roots.len; k++) {
    size_t l = strlen(x->roots.items[k]);
    if (!strncmp(path, x->roots.items[k], l) && path[l] == '/' && (!best || l > strlen(best))) best = x->roots.items[k];
  }
  return best;
}

/* Index of path (absolute, resolved) in the project, adding it when it lies under a root. */
static long index__add(LspIndex *x, const char *path) {
  long i = project_find(x->project, path);
  if (i >= 0) return i;
  const char *root = index__root_of(x, path);
  if (!root) return -1;
  size_t n = project_add(x->project, path, path + strlen(root) + 1, root);
  vec_push(&x->file_gen, 0);
  vec_push(&x->seed_gen, 1);
  return (long)n;
}

static void index__reindex(LspIndex *x) {
  project_index(x->project);
  project_forget_resolved(x->project); /* a specifier that found nothing may find the new file */
}

static void index__progress(LspServer *s, const char *kind) {
  LspIndex *x = s->index;
  if (!s->progress) return;
  json_t *v;
  if (!strcmp(kind, "begin")) {
    v = json_pack("{s:s, s:s, s:b, s:s, s:i}", "kind", "begin", "title", "looplens: indexing the workspace",
                  "cancellable", 0, "message", "finding files", "percentage", 0);
    x->progress_open = true;
  } else if (!strcmp(kind, "report")) {
    char msg[64];
    snprintf(msg, sizeof msg, "%zu/%zu files", x->done < x->total ? x->done : x->total, x->total);
    size_t pc = x->total ? 100 * x->done / x->total : 0;
    v = json_pack("{s:s, s:s, s:i}", "kind", "report", "message", msg, "percentage", (int)(pc > 99 ? 99 : pc));
  } else {
    char msg[64];
    snprintf(msg, sizeof msg, "%zu files", x->project->files.len);
    v = json_pack("{s:s, s:s}", "kind", "end", "message", msg);
    x->progress_open = false;
  }
  lsp_notify(s, "$/progress", json_pack("{s:s, s:o}", "token", "looplens/index", "value", v));
}

void lsp_index_start(LspServer *s, const char *const *folders, size_t n) {
  LspIndex *x = s->index;
  for (size_t i = 0; i < n; i++) {
    char *real = realpath(folders[i], NULL);
    if (!real) continue;
    vec_push(&x->roots, real);
    project_add_workspaces(x->project, real);
    index__send(x, (Job){.kind = JOB_WALK, .path = ll_strdup(real), .gen = ++x->gen}, false);
  }
  if (!x->roots.len) return;
  if (s->progress) { /* the token first (its answer is ignored), then begin */
    lsp_send(s, json_pack("{s:s, s:s, s:s, s:{s:s}}", "jsonrpc", "2.0", "id", "looplens/index/create", "method",
                          "window/workDoneProgress/create", "params", "token", "looplens/index"));
    index__progress(s, "begin");
  }
}

/* A walk's files: added, and each sent to be summarised (open ones from their text). */
static void index__walked(LspServer *s, Result *r) {
  LspIndex *x = s->index;
  size_t before = x->project->files.len;
  for (size_t k = 0; k < r->found.len; k++) {
    char real[PATH_MAX];
    if (realpath(r->found.items[k], real)) index__add(x, real);
  }
  index__reindex(x);
  for (size_t k = 0; k < s->docs.len; k++) lsp_index_doc_attach(s, s->docs.items[k]);
  for (size_t i = before; i < x->project->files.len; i++) index__send_current(s, i);
  x->total += x->project->files.len - before;
}

/* Seeds from every summary; files whose seeds changed are summarised again (their calls may now
 * run in another context) and their open documents checked again. */
static void index__seed(LspServer *s) {
  LspIndex *x = s->index;
  ProjectIndices changed = {0};
  project_seed(x->project, &changed);
  for (size_t k = 0; k < changed.len; k++) {
    size_t i = changed.items[k];
    x->seed_gen.items[i]++;
    LspDoc *d = index__doc_of(s, i);
    if (d) d->stale = true;
    if (x->waves < LSP_INDEX_MAX_WAVES) index__send_current(s, i);
  }
  if (changed.len) x->waves++;
  vec_free(&changed);
}

void lsp_index_collect(LspServer *s) {
  LspIndex *x = s->index;
  char buf[256];
  while (read(x->pipe_r, buf, sizeof buf) > 0) continue;
  pthread_mutex_lock(&x->lock);
  ResultVec got = x->results;
  x->results = (ResultVec){0};
  pthread_mutex_unlock(&x->lock);
  bool summaries_changed = false;
  for (size_t k = 0; k < got.len; k++) {
    Result *r = &got.items[k];
    x->outstanding--;
    if (r->kind == JOB_WALK) {
      index__walked(s, r);
      free(r->root), walk_free(&r->found);
      continue;
    }
    if (r->gen == x->file_gen.items[r->file]) { /* else a newer text is on its way */
      ProjectFile *f = &x->project->files.items[r->file];
      if (!x->settled_once) x->done++;
      if (!ll_summary_equal(&f->summary, &r->summary)) {
        ll_summary_free(&f->summary);
        f->summary = r->summary, r->summary = (LlSummary){0};
        summaries_changed = true;
      }
    }
    ll_summary_free(&r->summary);
  }
  vec_free(&got);
  if (x->progress_open && !x->settled_once) index__progress(s, "report");
  if (x->outstanding) return; /* seeds once the worker is idle: a wave costs one pass over the project */
  if (summaries_changed || !x->settled_once) index__seed(s);
  if (x->outstanding) return;
  if (!x->settled_once) {
    x->settled_once = true;
    if (x->progress_open) index__progress(s, "end");
    if (s->trace) lsp_log("index: %zu files settled", x->project->files.len);
  }
  for (size_t k = 0; k < s->docs.len; k++) { /* what was checked with older seeds */
    LspDoc *d = s->docs.items[k];
    if (d->project_file >= 0 && d->seed_gen != x->seed_gen.items[d->project_file]) d->stale = true;
  }
}

void lsp_index_doc_attach(LspServer *s, LspDoc *d) {
  LspIndex *x = s->index;
  if (!x || !d->path || d->project_file >= 0 || !x->roots.len) return;
  char real[PATH_MAX];
  const char *p = realpath(d->path, real) ? real : d->path; /* an unsaved new file: as named */
  long before = (long)x->project->files.len;
  d->project_file = index__add(x, p);
  if (d->project_file >= before) index__reindex(x);
}

void lsp_index_doc_changed(LspServer *s, LspDoc *d) {
  if (!s->index || d->project_file < 0) return;
  s->index->waves = 0;
  index__send_current(s, (size_t)d->project_file);
}

void lsp_index_doc_closed(LspServer *s, LspDoc *d) {
  if (!s->index || d->project_file < 0) return;
  size_t i = (size_t)d->project_file;
  d->project_file = -1; /* (so that the disk text is read) */
  s->index->waves = 0;
  index__send_file(s->index, i, NULL, 0);
}

void lsp_index_seeds(LspServer *s, LspDoc *d, const LlSeeds **seeds, const LlAliases **aliases) {
  *seeds = NULL, *aliases = NULL;
  if (!s->index || d->project_file < 0) return;
  const ProjectFile *f = &s->index->project->files.items[d->project_file];
  *seeds = &f->seeds, *aliases = &f->aliases;
  d->seed_gen = s->index->seed_gen.items[d->project_file];
}

void lsp_index_disk_changed(LspServer *s, const char *path, bool deleted) {
  LspIndex *x = s->index;
  if (!x) return;
  char real[PATH_MAX];
  size_t before = x->project->files.len;
  long i = realpath(path, real) ? index__add(x, real) : project_find(x->project, path);
  if (i < 0) return;
  if (x->project->files.len != before) index__reindex(x), x->total++;
  else project_forget_resolved(x->project); /* created or deleted: specifiers may resolve elsewhere */
  x->waves = 0;
  if (index__doc_of(s, (size_t)i)) return; /* the editor's text wins */
  if (deleted) { /* no summary: nothing reaches into it, it reaches nothing */
    ll_summary_free(&x->project->files.items[i].summary);
    x->file_gen.items[i] = ++x->gen; /* an answer on its way is out of date */
    if (!x->outstanding) index__seed(s);
    return;
  }
  index__send_file(x, (size_t)i, NULL, 0);
}

void lsp_index_configs_changed(LspServer *s) {
  LspIndex *x = s->index;
  if (!x) return;
  pthread_mutex_lock(&x->lock);
  x->configs_stale = true;
  pthread_mutex_unlock(&x->lock);
  x->waves = 0;
  for (size_t i = 0; i < x->project->files.len; i++) index__send_current(s, i);
}

char *lsp_index_file_uri(const LspServer *s, const char *name) {
  const LspIndex *x = s->index;
  if (name[0] == '/') return lsp_path_to_uri(name);
  for (size_t k = 0; x && k < x->roots.len; k++) {
    StrBuf b = {0};
    strbuf_printf(&b, "%s/%s", x->roots.items[k], name);
    bool known = project_find(x->project, b.s) >= 0;
    char *uri = known ? lsp_path_to_uri(b.s) : NULL;
    strbuf_free(&b);
    if (uri) return uri;
  }
  return NULL;
}
