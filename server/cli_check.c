/* cli_check.c: `looplens check` — options, file discovery, a pthread worker per core, output,
 * exit status (0 clean, 1 findings at or above --fail-on, 2 usage/config/IO errors). */
#include "check.h"
#include "cli.h"
#include "looplens/config.h"
#include "looplens/engine.h"
#include "looplens/fileio.h"
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
#include <unistd.h>

static const char check__usage[] =
    "usage: looplens check [options] PATH...\n"
    "  --format text|json       output format (default text)\n"
    "  --config FILE            use this .looplens.json instead of searching upward from each file\n"
    "  --rules-dir DIR          also load the rule pack in DIR (repeatable)\n"
    "  --fail-on info|warning|error  lowest severity that makes the exit status 1 (default warning)\n"
    "  --max-size BYTES         skip files larger than this (default 4194304)\n"
    "  --jobs N                 worker threads (default: one per core)\n"
    "  --color auto|always|never\n"
    "Directories are searched for .js .mjs .cjs .jsx files, skipping node_modules and, inside a git\n"
    "work tree, whatever git ignores. Columns are 1-based byte offsets in the line.\n";

typedef struct {
  const char *format, *config_path, *color;
  Vec(char *) rule_dirs;
  Severity fail_on;
  size_t max_size;
  int jobs;
} CheckOptions;

typedef struct {
  char *path;        /* the config file (owned) or NULL for defaults */
  Config *config;
} ConfigCacheEntry;
typedef Vec(ConfigCacheEntry) ConfigCache;

typedef struct {
  const Engine *engine;
  FileResult *files;
  const Config **configs;
  size_t n;
  size_t max_size;
  const size_t *order; /* largest files first, so one big file does not finish last on one core */
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

static void check__one(Analyzer *an, const Config *cfg, FileResult *f, size_t max_size) {
  FileData data;
  LlError err = {0};
  int rc = file_read_limited(f->path, max_size, &data, &err);
  if (rc == -2) return check__notice(f, NOTE_SKIPPED, 0, 0, "%s", err.text);
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
  analyzer_run(an, cfg, f->src, f->len, &f->diags, &info);
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

/* Indices of the files, largest first (longest-processing-time-first scheduling). */
static size_t *check__by_size(const FileResult *files, size_t n) {
  size_t *order = malloc((n + 1) * sizeof *order);
  off_t *sizes = calloc(n + 1, sizeof *sizes);
  if (!order || !sizes) abort();
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    order[i] = i;
    sizes[i] = stat(files[i].path, &st) == 0 ? st.st_size : 0;
  }
  check__sort_sizes = sizes; /* only the main thread sorts */
  if (n > 1) qsort(order, n, sizeof *order, check__size_cmp);
  check__sort_sizes = NULL;
  free(sizes);
  return order;
}

static void *check__worker(void *arg) {
  Work *w = arg;
  Analyzer *an = analyzer_new(w->engine);
  for (size_t k; (k = atomic_fetch_add(&w->next, 1)) < w->n;) {
    size_t i = w->order[k];
    check__one(an, w->configs[i], &w->files[i], w->max_size);
    if (!w->keep_source) {
      free(w->files[i].src);
      w->files[i].src = NULL;
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
      {"color", required_argument, 0, 'C'}, {"help", no_argument, 0, 'h'}, {0}};
  optind = 1;
  int li = -1;
  for (int c; (li = -1, c = getopt_long(argc, argv, "hj:", opts, &li)) != -1;) {
    char *end;
    switch (c) {
      case 'f': o->format = optarg; break;
      case 'c': o->config_path = optarg; break;
      case 'r': vec_push(&o->rule_dirs, optarg); break;
      case 'C': o->color = optarg; break;
      case 'F':
        if (severity_parse(optarg, &o->fail_on) < 0 || o->fail_on == SEV_OFF) goto bad;
        break;
      case 'm':
        o->max_size = strtoull(optarg, &end, 10);
        if (*end || !o->max_size) goto bad;
        break;
      case 'j':
        o->jobs = (int)strtol(optarg, &end, 10);
        if (*end || o->jobs < 1 || o->jobs > 256) goto bad;
        break;
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
  if (strcmp(o->format, "text") && strcmp(o->format, "json")) {
    fprintf(stderr, "looplens check: unknown format '%s' (text, json)\n", o->format);
    return 2;
  }
  if (strcmp(o->color, "auto") && strcmp(o->color, "always") && strcmp(o->color, "never")) {
    fprintf(stderr, "looplens check: --color takes auto, always or never\n");
    return 2;
  }
  if (optind >= argc) {
    fputs(check__usage, stderr);
    return 2;
  }
  return -1;
}

/* The config for a file: --config, or the nearest .looplens.json above it (loaded once per path). */
static const Config *check__config_for(const char *file, const RuleSet *rules, ConfigCache *cache,
                                       Config *fallback, int *failed) {
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
  for (size_t i = 0; i < cache->len; i++)
    if (!strcmp(cache->items[i].path, path)) {
      free(path);
      return cache->items[i].config ? cache->items[i].config : fallback;
    }
  LlError err = {0};
  Config *c = config_load(path, rules, &err);
  if (!c) {
    cli_print_error(&err);
    *failed = 1;
  }
  vec_push(cache, ((ConfigCacheEntry){path, c}));
  return c ? c : fallback;
}

int cli_check(int argc, char **argv) {
  CheckOptions o = {.format = "text", .color = "auto", .fail_on = SEV_WARNING, .max_size = CLI_DEFAULT_MAX_SIZE};
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
  FileResult *results = NULL;
  const Config **configs = NULL;
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
  for (int i = optind; i < argc; i++)
    if (walk_path(argv[i], &files, &err) < 0) {
      cli_print_error(&err);
      status = 2;
    }
  /* configs and ignore globs, decided on this thread before the workers start */
  results = calloc(files.len ? files.len : 1, sizeof *results);
  configs = calloc(files.len ? files.len : 1, sizeof *configs);
  if (!results || !configs) abort();
  size_t n = 0;
  int config_failed = 0;
  for (size_t i = 0; i < files.len; i++) {
    const Config *c = fixed ? fixed : check__config_for(files.items[i], rules, &cache, defaults, &config_failed);
    char abs[PATH_MAX];
    if (c->dir && realpath(files.items[i], abs) && config_ignores(c, abs)) continue;
    if (!c->dir && config_ignores(c, files.items[i])) continue;
    configs[n] = c;
    results[n++].path = ll_strdup(files.items[i]);
  }
  if (config_failed) {
    status = 2;
    goto done;
  }
  bool tty = isatty(1);
  size_t *order = check__by_size(results, n);
  Work w = {.engine = engine, .files = results, .configs = configs, .n = n, .max_size = o.max_size, .order = order,
            .keep_source = tty && strcmp(o.format, "json")};
  atomic_init(&w.next, 0);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int jobs = o.jobs ? o.jobs : (int)(cores > 0 ? cores : 1);
  if ((size_t)jobs > n) jobs = n ? (int)n : 1;
  pthread_t tids[256];
  int started = 0;
  for (int t = 1; t < jobs; t++)
    if (pthread_create(&tids[started], NULL, check__worker, &w) == 0) started++;
  check__worker(&w);
  for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
  free(order);
  OutputOptions oo = {.color = !strcmp(o.color, "always") || (!strcmp(o.color, "auto") && tty && !getenv("NO_COLOR")),
                      .frames = tty};
  if (!strcmp(o.format, "json")) check_output_json(stdout, results, n);
  else check_output_text(stdout, stderr, results, n, &oo);
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < results[i].diags.len; k++)
      if (results[i].diags.items[k].severity >= o.fail_on && status == 0) status = 1;
    for (size_t k = 0; k < results[i].notices.len; k++)
      if (results[i].notices.items[k].kind == NOTE_IO) status = 2;
  }
done:
  for (size_t i = 0; results && i < files.len; i++) {
    FileResult *f = &results[i];
    free(f->path);
    free(f->src);
    diag_list_free(&f->diags);
    for (size_t k = 0; k < f->notices.len; k++) free(f->notices.items[k].message);
    vec_free(&f->notices);
  }
  free(results);
  free(configs);
  walk_free(&files);
  for (size_t i = 0; i < cache.len; i++) free(cache.items[i].path), config_free(cache.items[i].config);
  vec_free(&cache);
  config_free(fixed);
  config_free(defaults);
  engine_free(engine);
  ruleset_free(rules);
  fflush(stdout);
  return status;
}
