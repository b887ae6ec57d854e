/* cli_check.c: `looplens check` — options, file discovery, a pthread worker per core, output,
 * exit status (0 clean, 1 findings at or above --fail-on, 2 usage/config/IO errors). */
#include "check.h"
#include "cli.h"
#include "out.h"
#include "looplens/config.h"
#include "looplens/engine.h"
#include "looplens/fileio.h"
#include "looplens/project.h"
#include "looplens/strbuf.h"
#include "walk.h"
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char check__usage[] =
    "usage: looplens check [options] [PATH...]   (no PATH: the current folder)\n"
    "  --format FORMAT          text (default), json, sarif, github, gitlab or checkstyle\n"
    "  --config FILE            use this .looplens.json instead of searching upward from each file\n"
    "  --rules-dir DIR          also load the rule pack in DIR (repeatable)\n"
    "  --fail-on info|warning|error  lowest severity that makes the exit status 1 (default warning)\n"
    "  --max-size BYTES         skip files larger than this (default 4194304)\n"
    "  --max-tokens N           skip files with more tokens than this (default 1500000)\n"
    "  --jobs N                 worker threads (default: one per core)\n"
    "  --project DIR            the project whose calls give the files their contexts (default: the\n"
    "                           nearest folder above each file holding package.json or .git)\n"
    "  --no-project             each file on its own: no contexts from other files (faster)\n"
    "  --color auto|always|never\n"
    "Directories are searched for .js .mjs .cjs .jsx files, skipping node_modules and, inside a git\n"
    "work tree, whatever git ignores. Columns are 1-based: byte offsets in the line in text and json,\n"
    "UTF-16 code units in sarif, github and checkstyle.\n";

typedef struct {
  const char *format, *config_path, *color;
  Vec(char *) rule_dirs;
  Severity fail_on;
  size_t max_size, max_tokens;
  int jobs;
  const char *project_dir; /* --project: the project's root, instead of the nearest package.json/.git */
  bool no_project;         /* --no-project: each file on its own, as before the project view */
} CheckOptions;

typedef struct {
  char *path;        /* the config file (owned) or NULL for defaults */
  Config *config;    /* NULL when it failed to load */
  LlError error;     /* why it failed */
} ConfigCacheEntry;
typedef Vec(ConfigCacheEntry) ConfigCache;

typedef struct {
  const Engine *engine;
  FileResult **files;
  const Config **configs;
  Project *project;    /* files[i] is project->files[i]: its seeds in, its summary out */
  bool alone;          /* --no-project, or one file and no project around it: "no caller in this file" */
  size_t n;
  size_t max_size, max_tokens;
  const size_t *order; /* the files to analyse: largest first, so one big file does not finish last */
  size_t n_order;
  bool keep_source;    /* text output on a terminal shows code frames */
  atomic_size_t next;
} Work;

static void check__notice(FileResult *f, NoticeKind k, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void check__notice(FileResult *f, NoticeKind k, unsigned line, unsigned col, const char *fmt, ...) {
  StrBuf b = {0};
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(&b, fmt, ap);
  va_end(ap);
  vec_push(&f->notices, ((Notice){k, line, col, strbuf_steal(&b)}));
}

static void check__one(Analyzer *an, const Config *cfg, FileResult *f, ProjectFile *pf, size_t max_size, bool alone) {
  FileData data;
  LlError err = {0};
  int rc = file_read_limited(f->path, max_size, &data, &err);
  if (rc == -2) return check__notice(f, NOTE_SKIPPED, 0, 0, "%s", err.text);
  if (rc == -3) return check__notice(f, NOTE_SKIPPED, 0, 0, "%s; skipped", err.text);
  if (rc < 0) return check__notice(f, NOTE_IO, 0, 0, "%s", err.text);
  f->src = data.data;
  f->len = data.len;
  if (text_is_binary(f->src, f->len)) return check__notice(f, NOTE_SKIPPED, 0, 0, "binary file (NUL bytes); skipped");
  size_t bad = text_utf8_invalid_at(f->src, f->len);
  if (bad != (size_t)-1) {
    unsigned row, col;
    text_point_at(f->src, f->len, bad, &row, &col);
    check__notice(f, NOTE_ENCODING, row + 1, col + 1, "invalid UTF-8 (byte 0x%02x); analysed as Node would read it",
                  (unsigned char)f->src[bad]);
  }
  if (f->len > UINT32_MAX / 2) return check__notice(f, NOTE_SKIPPED, 0, 0, "too large to parse; skipped");
  AnalyzeInfo info;
  analyzer_run_project(an, cfg, f->src, f->len, alone ? NULL : &pf->seeds, alone ? NULL : &pf->aliases, &f->diags,
                       &info, alone ? NULL : &pf->summary);
  if (info.too_many_tokens)
    return check__notice(f, NOTE_SKIPPED, 0, 0, "over %zu tokens, the limit that bounds a parse's memory (--max-tokens); skipped",
                         info.too_many_tokens - 1);
  if (info.tree_too_big)
    return check__notice(f, NOTE_SKIPPED, 0, 0, "its syntax tree needs over %zu MiB, the limit on a parse's memory; skipped",
                         info.tree_too_big >> 20);
  f->suppressed = info.suppressed;
  if (text_has_lone_cr(f->src, f->len)) /* report lines as JavaScript and editors count them */
    for (size_t i = 0; i < f->diags.len; i++) {
      Diag *d = &f->diags.items[i];
      text_line_col_at(f->src, f->len, d->start_byte, &d->start.row, &d->start.column);
      text_line_col_at(f->src, f->len, d->end_byte, &d->end.row, &d->end.column);
    }
  if (info.syntax_errors)
    check__notice(f, NOTE_SYNTAX, info.first_error.row + 1, info.first_error.column + 1,
                  "syntax error; the parts that parsed were still checked");
}

static off_t *check__sort_sizes;
static int check__size_cmp(const void *a, const void *b) {
  off_t x = check__sort_sizes[*(const size_t *)a], y = check__sort_sizes[*(const size_t *)b];
  return (x < y) - (x > y);
}

/* The files named in `which`, largest first (longest-processing-time-first scheduling). */
static void check__by_size(FileResult *const *files, size_t *which, size_t n) {
  off_t *sizes = calloc(n + 1, sizeof *sizes), *by_index = NULL;
  size_t max = 0;
  for (size_t i = 0; i < n; i++) max = which[i] > max ? which[i] : max;
  by_index = calloc(max + 1, sizeof *by_index);
  if (!sizes || !by_index) abort();
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    by_index[which[i]] = stat(files[which[i]]->path, &st) == 0 ? st.st_size : 0;
  }
  check__sort_sizes = by_index; /* only the main thread sorts */
  if (n > 1) qsort(which, n, sizeof *which, check__size_cmp);
  check__sort_sizes = NULL;
  free(sizes);
  free(by_index);
}

static void *check__worker(void *arg) {
  Work *w = arg;
  Analyzer *an = analyzer_new(w->engine);
  analyzer_set_limits(an, w->max_tokens, ENGINE_DEFAULT_PARSE_BYTES);
  for (size_t k; (k = atomic_fetch_add(&w->next, 1)) < w->n_order;) {
    size_t i = w->order[k];
    check__one(an, w->configs[i], w->files[i], &w->project->files.items[i], w->max_size, w->alone);
    if (!w->keep_source) {
      free(w->files[i]->src);
      w->files[i]->src = NULL;
    }
  }
  analyzer_free(an);
  return NULL;
}

static int check__parse(int argc, char **argv, CheckOptions *o) {
  static const struct option opts[] = {
      {"format", required_argument, 0, 'f'}, {"config", required_argument, 0, 'c'},
      {"rules-dir", required_argument, 0, 'r'}, {"fail-on", required_argument, 0, 'F'},
      {"max-size", required_argument, 0, 'm'}, {"jobs", required_argument, 0, 'j'},
      {"color", required_argument, 0, 'C'}, {"max-tokens", required_argument, 0, 'T'}, {"project", required_argument, 0, 'P'},
      {"no-project", no_argument, 0, 'N'},
      {"help", no_argument, 0, 'h'}, {0}};
  optind = 1;
  int li = -1;
  for (int c; (li = -1, c = getopt_long(argc, argv, "hj:", opts, &li)) != -1;) {
    char *end;
    switch (c) {
      case 'f': o->format = optarg; break;
      case 'c': o->config_path = optarg; break;
      case 'r': vec_push(&o->rule_dirs, optarg); break;
      case 'C': o->color = optarg; break;
      case 'P': o->project_dir = optarg; break;
      case 'N': o->no_project = true; break;
      case 'F':
        if (severity_parse(optarg, &o->fail_on) < 0 || o->fail_on == SEV_OFF) goto bad;
        break;
      case 'm':
        o->max_size = strtoull(optarg, &end, 10);
        if (*end || !o->max_size) goto bad;
        break;
      case 'T':
        o->max_tokens = strtoull(optarg, &end, 10);
        if (*end || !o->max_tokens) goto bad;
        break;
      case 'j': {
        long j = strtol(optarg, &end, 10);
        if (*end || j < 1 || j > 1 << 20) goto bad;
        o->jobs = (int)j; /* the pool caps the threads it starts */
        break;
      }
      case 'h': fputs(check__usage, stdout); return 0;
      default: fputs(check__usage, stderr); return 2;
    }
    continue;
  bad:
    fprintf(stderr, "looplens check: bad value '%s' for %s%s\n", optarg, li >= 0 ? "--" : "-",
            li >= 0 ? opts[li].name : "j");
    fputs(check__usage, stderr);
    return 2;
  }
  if (!out_format_find(o->format)) {
    fprintf(stderr, "looplens check: unknown format '%s' (%s)\n", o->format, out_format_names());
    return 2;
  }
  if (strcmp(o->color, "auto") && strcmp(o->color, "always") && strcmp(o->color, "never")) {
    fprintf(stderr, "looplens check: --color takes auto, always or never\n");
    return 2;
  }
  return -1;
}

/* The config for a file: --config, or the nearest .looplens.json above it (loaded once per path).
 * NULL when that config is broken: *bad then points at its error (printed once, when first met). */
static const Config *check__config_for(const char *file, const RuleSet *rules, ConfigCache *cache,
                                       const Config *fallback, const LlError **bad) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", file);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  else strcpy(dir, ".");
  char *path = config_find(dir);
  if (!path) return fallback;
  char cwd[PATH_MAX];
  size_t cl = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
  if (cl > 1 && !strncmp(path, cwd, cl) && path[cl] == '/') memmove(path, path + cl + 1, strlen(path + cl + 1) + 1);
  size_t i = 0;
  while (i < cache->len && strcmp(cache->items[i].path, path)) i++;
  if (i == cache->len) {
    ConfigCacheEntry e = {.path = path};
    e.config = config_load(path, rules, &e.error);
    if (!e.config) cli_print_error(&e.error);
    vec_push(cache, e);
  } else {
    free(path);
  }
  if (cache->items[i].config) return cache->items[i].config;
  *bad = &cache->items[i].error;
  return NULL;
}

/* Starts up to jobs-1 more workers beside this thread; the pool is sized from the job count. */
static void check__run_pool(Work *w, int jobs) {
  enum { MAX_THREADS = 64 }; /* beyond this, memory (one parser and tree each) outgrows any gain */
  if (jobs > MAX_THREADS) jobs = MAX_THREADS;
  if ((size_t)jobs > w->n_order) jobs = w->n_order ? (int)w->n_order : 1;
  pthread_t *tids = calloc((size_t)jobs, sizeof *tids);
  if (!tids) abort();
  int started = 0;
  for (int t = 1; t < jobs; t++)
    if (pthread_create(&tids[started], NULL, check__worker, w) == 0) started++;
  check__worker(w);
  for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
  free(tids);
}

typedef Vec(FileResult) ResultVec;
typedef Vec(const Config *) ConfigVec;

static void check__result_clear(FileResult *f) {
  free(f->src);
  f->src = NULL;
  diag_list_free(&f->diags);
  for (size_t k = 0; k < f->notices.len; k++) free(f->notices.items[k].message);
  vec_free(&f->notices);
  f->suppressed = 0;
}

static void check__results_free(ResultVec *v) {
  for (size_t i = 0; i < v->len; i++) check__result_clear(&v->items[i]), free(v->items[i].path);
  vec_free(v);
}

/* The config that governs a file, NULL when the file is not to be checked: ignored, or under a
 * broken config (then *bad says which). */
static const Config *check__governing(const char *file, const Config *fixed, const RuleSet *rules, ConfigCache *cache,
                                      const Config *defaults, const LlError **bad) {
  const Config *c = fixed ? fixed : check__config_for(file, rules, cache, defaults, bad);
  if (!c) return NULL;
  char abs[PATH_MAX];
  if (c->dir && realpath(file, abs) && config_ignores(c, abs)) return NULL;
  if (!c->dir && config_ignores(c, file)) return NULL;
  return c;
}

/* Adds root (borrowed, may be NULL) to roots once. */
static void check__add_root(StrVec *roots, const char *root) {
  for (size_t k = 0; root && k < roots->len; k++)
    if (!strcmp(roots->items[k], root)) return;
  if (root) vec_push(roots, ll_strdup(root));
}

/* The other files of the projects the named files belong to (roots: the nearest folder above each
 * with package.json or .git, or --project; taken): analysed for their calls and exports, never
 * reported. */
static void check__context_files(StrVec roots, Project *project, const Config *fixed, const RuleSet *rules,
                                 ConfigCache *cache, const Config *defaults, ResultVec *context, ConfigVec *context_cfg) {
  for (size_t k = 0; k < roots.len; k++) /* a root inside another: the outer one's walk covers it */
    for (size_t j = 0; j < roots.len && roots.items[k]; j++) {
      size_t l = roots.items[j] ? strlen(roots.items[j]) : 0;
      if (j != k && roots.items[j] && !strncmp(roots.items[k], roots.items[j], l) &&
          (roots.items[k][l] == '/' || !strcmp(roots.items[j], "/"))) {
        free(roots.items[k]);
        roots.items[k] = NULL;
        break;
      }
    }
  FileList found = {0};
  WalkNotes ignored = {0}; /* a folder of the project that cannot be searched only costs context */
  for (size_t k = 0; k < roots.len; k++)
    if (roots.items[k]) walk_path(roots.items[k], &found, &ignored);
  for (size_t k = 0; k < roots.len; k++) { /* resolved, to compare with the files' resolved paths */
    char *real = roots.items[k] ? realpath(roots.items[k], NULL) : NULL;
    free(roots.items[k]);
    roots.items[k] = real;
    if (real) project_add_workspaces(project, real); /* its packages, reached by name */
  }
  project_index(project);
  char cwd[PATH_MAX];
  const char *here = getcwd(cwd, sizeof cwd);
  for (size_t i = 0; i < found.len; i++) {
    char real[PATH_MAX];
    const LlError *bad = NULL;
    if (!realpath(found.items[i], real) || project_find(project, real) >= 0) continue;
    const Config *c = check__governing(found.items[i], fixed, rules, cache, defaults, &bad);
    if (!c) continue;
    const char *root = NULL; /* the longest root above it */
    for (size_t k = 0; k < roots.len; k++) {
      size_t l = roots.items[k] ? strlen(roots.items[k]) : 0;
      if (l && !strncmp(real, roots.items[k], l) && real[l] == '/' && (!root || l > strlen(root))) root = roots.items[k];
    }
    const char *name = found.items[i]; /* as the named files are: relative to here when below it */
    size_t hl = here ? strlen(here) : 0;
    if (hl > 1 && !strncmp(name, here, hl) && name[hl] == '/') name += hl + 1;
    project_add(project, real, name, root);
    vec_push(context, ((FileResult){.path = ll_strdup(name)}));
    vec_push(context_cfg, c);
  }
  project_index(project);
  walk_free(&found);
  vec_free(&ignored);
  for (size_t k = 0; k < roots.len; k++) free(roots.items[k]);
  vec_free(&roots);
}

/* LOOPLENS_PROJECT_TRACE=1: each round's references and seeds, on stderr. */
static void check__trace(const Project *p, int round, const ProjectIndices *changed) {
  fprintf(stderr, "project round %d: %zu file(s) to analyse again\n", round + 1, changed->len);
  for (size_t i = 0; i < p->files.len; i++) {
    const ProjectFile *f = &p->files.items[i];
    for (size_t k = 0; k < f->summary.xrefs.len; k++) {
      const LlXref *x = &f->summary.xrefs.items[k];
      fprintf(stderr, "  %s:%u: %s %s (%s: %s)\n", f->path, x->line, x->kind == LL_XREF_CALL ? "calls" : "registers",
              x->target, context_name(x->ctx), x->note ? x->note : "");
    }
    for (size_t k = 0; k < f->seeds.len; k++)
      fprintf(stderr, "  %s @%lld: %s, %s\n", f->path, (long long)f->seeds.items[k].func_start,
              context_name(f->seeds.items[k].ctx), f->seeds.items[k].why);
  }
}

/* Analyses the files, then again those whose seeds the others changed, until the contexts settle. */
static void check__analyse(Work *w, int jobs, bool no_project) {
  ProjectIndices todo = {0}, changed = {0};
  for (size_t i = 0; i < w->n; i++) vec_push(&todo, i);
  check__by_size(w->files, todo.items, todo.len);
  for (int round = 0; round < 10 && todo.len; round++) { /* contexts only rise: a few rounds settle them */
    w->order = todo.items, w->n_order = todo.len;
    atomic_store(&w->next, 0);
    check__run_pool(w, jobs);
    changed.len = 0;
    if (no_project) break;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    project_seed(w->project, &changed);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (getenv("LOOPLENS_PROJECT_TRACE"))
      fprintf(stderr, "project round %d: seeds computed in %.1f ms\n", round + 1,
              (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    if (getenv("LOOPLENS_PROJECT_TRACE")) check__trace(w->project, round, &changed);
    for (size_t k = 0; k < changed.len; k++) {
      check__result_clear(w->files[changed.items[k]]);
      ll_summary_free(&w->project->files.items[changed.items[k]].summary);
    }
    todo.len = 0;
    for (size_t k = 0; k < changed.len; k++) vec_push(&todo, changed.items[k]);
  }
  vec_free(&todo);
  vec_free(&changed);
}

int cli_check(int argc, char **argv) {
  CheckOptions o = {.format = "text", .color = "auto", .fail_on = SEV_WARNING, .max_size = CLI_DEFAULT_MAX_SIZE,
                    .max_tokens = ENGINE_DEFAULT_MAX_TOKENS};
  int rc = check__parse(argc, argv, &o);
  if (rc >= 0) return vec_free(&o.rule_dirs), rc;
  int status = 0;
  RuleSet *rules = cli_load_rules(o.rule_dirs.items, o.rule_dirs.len);
  vec_free(&o.rule_dirs);
  if (!rules) return 2;
  LlError err = {0};
  Engine *engine = engine_new(rules, &err);
  Config *fixed = NULL, *defaults = config_default();
  ConfigCache cache = {0};
  FileList files = {0};
  WalkNotes walk_notes = {0};
  ResultVec report = {0}, context = {0};
  ConfigVec report_cfg = {0}, context_cfg = {0};
  Project *project = NULL;
  if (!engine) {
    cli_print_error(&err);
    status = 2;
    goto done;
  }
  if (o.config_path && !(fixed = config_load(o.config_path, rules, &err))) {
    cli_print_error(&err);
    status = 2;
    goto done;
  }
  for (int i = optind; i < argc; i++) walk_path(argv[i], &files, &walk_notes);
  if (optind >= argc) walk_path(".", &files, &walk_notes); /* as eslint, oxlint and biome do */
  /* configs and ignore globs, decided on this thread before the workers start; a path that could
   * not be searched and a file under a broken config become results that hold only a notice */
  ResultVec unchecked = {0};
  StrVec roots = {0}; /* the projects of the named files */
  project = project_new();
  for (size_t i = 0; i < files.len; i++) {
    const LlError *bad = NULL;
    char real[PATH_MAX];
    const Config *c = check__governing(files.items[i], fixed, rules, &cache, defaults, &bad);
    if (bad) {
      FileResult f = {.path = ll_strdup(files.items[i])};
      check__notice(&f, NOTE_CONFIG, 0, 0, "not checked: its configuration %s is invalid (line %d, column %d: %s)",
                    bad->path, bad->line, bad->column, bad->text);
      vec_push(&unchecked, f);
      status = 2;
    }
    if (!c) continue;
    char *root = o.no_project ? NULL : o.project_dir ? realpath(o.project_dir, NULL) : project_root_of(files.items[i]);
    project_add(project, realpath(files.items[i], real) ? real : files.items[i], files.items[i], root);
    check__add_root(&roots, root); /* found once per file: the context walk uses them */
    free(root);
    vec_push(&report, ((FileResult){.path = ll_strdup(files.items[i])}));
    vec_push(&report_cfg, c);
  }
  for (size_t i = 0; i < walk_notes.len; i++) {
    FileResult f = {.path = ll_strdup(walk_notes.items[i].path)};
    check__notice(&f, NOTE_IO, 0, 0, "%s", walk_notes.items[i].text);
    vec_push(&unchecked, f);
    status = 2;
  }
  bool rootless = roots.len == 0; /* no package.json/.git above any named file, no --project */
  if (!o.no_project) check__context_files(roots, project, fixed, rules, &cache, defaults, &context, &context_cfg);
  else vec_free(&roots);
  size_t n = report.len + context.len;
  FileResult **all = calloc(n + 1, sizeof *all);
  const Config **all_cfg = calloc(n + 1, sizeof *all_cfg);
  if (!all || !all_cfg) abort();
  for (size_t i = 0; i < report.len; i++) all[i] = &report.items[i], all_cfg[i] = report_cfg.items[i];
  for (size_t i = 0; i < context.len; i++) all[report.len + i] = &context.items[i], all_cfg[report.len + i] = context_cfg.items[i];
  bool tty = isatty(1);
  const OutFormat *format = out_format_find(o.format);
  Work w = {.engine = engine, .files = all, .configs = all_cfg, .project = project, .n = n, .max_size = o.max_size,
            .max_tokens = o.max_tokens,
            .keep_source = format->source == OUT_SOURCE_ALWAYS || (tty && format->source == OUT_SOURCE_ON_TERMINAL)};
  w.alone = o.no_project || (rootless && n == 1);
  atomic_init(&w.next, 0);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  check__analyse(&w, o.jobs ? o.jobs : (int)(cores > 0 ? cores : 1), o.no_project);
  free(all);
  free(all_cfg);
  /* the files that hold only a notice go after the checked ones, in the order they were met */
  for (size_t i = 0; i < unchecked.len; i++) vec_push(&report, unchecked.items[i]);
  vec_free(&unchecked);
  char here[PATH_MAX];
  OutputOptions oo = {.color = !strcmp(o.color, "always") || (!strcmp(o.color, "auto") && tty && !getenv("NO_COLOR")),
                      .frames = tty, .cwd = getcwd(here, sizeof here)};
  if (format->write(&(CheckOutput){stdout, stderr, report.items, report.len, rules, &oo}) < 0) {
    fprintf(stderr, "looplens check: out of memory writing the %s output\n", format->name);
    status = 2;
  }
  for (size_t i = 0; i < report.len; i++) {
    for (size_t k = 0; k < report.items[i].diags.len; k++)
      if (report.items[i].diags.items[k].severity >= o.fail_on && status == 0) status = 1;
    for (size_t k = 0; k < report.items[i].notices.len; k++)
      if (report.items[i].notices.items[k].kind == NOTE_IO) status = 2;
  }
done:
  check__results_free(&report);
  check__results_free(&context);
  vec_free(&report_cfg);
  vec_free(&context_cfg);
  project_free(project);
  walk_free(&files);
  vec_free(&walk_notes);
  for (size_t i = 0; i < cache.len; i++) free(cache.items[i].path), config_free(cache.items[i].config);
  vec_free(&cache);
  config_free(fixed);
  config_free(defaults);
  engine_free(engine);
  ruleset_free(rules);
  fflush(stdout);
  return status;
}
