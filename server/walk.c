/* walk.c: file discovery — git ls-files inside a work tree (so .gitignore is git's to decide),
 * otherwise an opendir/readdir walk. */
#include "walk.h"
#include "looplens/strbuf.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int walk_is_js(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return 0;
  return !strcmp(dot, ".js") || !strcmp(dot, ".mjs") || !strcmp(dot, ".cjs") || !strcmp(dot, ".jsx");
}

static int walk__in_node_modules(const char *rel) {
  const char *p = strstr(rel, "node_modules");
  for (; p; p = strstr(p + 1, "node_modules"))
    if ((p == rel || p[-1] == '/') && (p[12] == '/' || p[12] == '\0')) return 1;
  return 0;
}

/* `git ls-files` in a checked (maybe hostile) clone must run nothing the clone names. Command-line
 * settings win over the repository's .git/config: core.fsmonitor is the program ls-files itself
 * starts; the others close what a future git or an index refresh could start (hooks, a pager, a
 * lazy fetch from a promisor remote through any transport, ext:: included). */
static const char *const walk__git_argv[] = {
    "git", "--no-pager", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat", "-c", "core.untrackedCache=false", "-c", "protocol.allow=never",
    "-c", "core.sshCommand=false", "-c", "diff.external=", "-C", NULL /* dir */, "ls-files", "-z",
    "--cached", "--others", "--exclude-standard", "--", ".", NULL};

/* Runs git ls-files in dir and returns its NUL-separated output; NULL when git is absent or dir
 * is not inside a work tree. */
static char *walk__git_ls(const char *dir, size_t *len) {
  enum { N = sizeof walk__git_argv / sizeof *walk__git_argv };
  char *argv[N];
  for (size_t i = 0; i < N; i++) argv[i] = (char *)walk__git_argv[i];
  for (size_t i = 0; i + 1 < N; i++)
    if (argv[i] && !strcmp(argv[i], "-C")) argv[i + 1] = (char *)dir;
  int fd[2];
  if (pipe(fd) < 0) return NULL;
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]), close(fd[1]);
    return NULL;
  }
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(fd[1], 1);
    if (devnull >= 0) dup2(devnull, 2), dup2(devnull, 0);
    close(fd[0]), close(fd[1]);
    setenv("GIT_TERMINAL_PROMPT", "0", 1);
    setenv("GIT_OPTIONAL_LOCKS", "0", 1); /* a read-only listing never rewrites the index */
    setenv("GIT_NO_LAZY_FETCH", "1", 1);
    execvp("git", argv);
    _exit(127);
  }
  close(fd[1]);
  StrBuf out = {0};
  char buf[65536];
  for (ssize_t n; (n = read(fd[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    strbuf_append(&out, buf, (size_t)n);
  }
  close(fd[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    strbuf_free(&out);
    return NULL;
  }
  *len = out.len;
  return strbuf_steal(&out);
}

static int walk__cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void walk__note(WalkNotes *notes, const char *path, int errnum) {
  LlError e = {0};
  ll_error_set(&e, path, 0, 0, "cannot search this folder: %s; its files were not checked", strerror(errnum));
  vec_push(notes, e);
}

/* An explicit stack of folders still to read: any depth, no recursion (the caller sorts what it
 * finds). Symlinks are not followed, so there are no loops. */
static void walk__dir(const char *root, FileList *out, WalkNotes *notes) {
  FileList todo = {0};
  vec_push(&todo, ll_strdup(root));
  while (todo.len) {
    char *dir = todo.items[--todo.len];
    DIR *d = opendir(dir);
    if (!d) {
      walk__note(notes, dir, errno);
      free(dir);
      continue;
    }
    FileList here = {0};
    for (struct dirent *e; (e = readdir(d));) {
      if (e->d_name[0] == '.' || !strcmp(e->d_name, "node_modules")) continue; /* dot dirs: .git, caches */
      StrBuf p = {0};
      if (strcmp(dir, ".")) strbuf_printf(&p, "%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/");
      strbuf_puts(&p, e->d_name);
      vec_push(&here, strbuf_steal(&p));
    }
    closedir(d);
    free(dir);
    for (size_t i = 0; i < here.len; i++) {
      struct stat st;
      if (lstat(here.items[i], &st) < 0) {
        if (errno == ENAMETOOLONG) walk__note(notes, here.items[i], errno);
        free(here.items[i]);
      } else if (S_ISDIR(st.st_mode)) {
        vec_push(&todo, here.items[i]);
      } else if (S_ISREG(st.st_mode) && walk_is_js(here.items[i])) {
        vec_push(out, here.items[i]);
      } else {
        free(here.items[i]); /* symlinks, FIFOs, sockets, devices, other files */
      }
    }
    vec_free(&here);
  }
  vec_free(&todo);
}

int walk_path(const char *path, FileList *out, WalkNotes *notes) {
  struct stat st;
  if (stat(path, &st) < 0) {
    LlError e = {0};
    ll_error_set(&e, path, 0, 0, "%s", strerror(errno));
    vec_push(notes, e);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    vec_push(out, ll_strdup(path));
    return 0;
  }
  size_t len = 0;
  char *ls = walk__git_ls(path, &len);
  if (ls && len == 0) { /* git lists nothing: the folder is outside what git tracks (ignored), but named */
    free(ls);
    ls = NULL;
  }
  if (!ls) {
    size_t start = out->len;
    walk__dir(path, out, notes);
    if (out->len - start > 1) qsort(out->items + start, out->len - start, sizeof *out->items, walk__cmp);
    return 0;
  }
  size_t start = out->len;
  for (size_t i = 0; i < len;) {
    const char *rel = ls + i;
    size_t n = strlen(rel);
    i += n + 1;
    if (!walk_is_js(rel) || walk__in_node_modules(rel)) continue;
    StrBuf p = {0};
    if (strcmp(path, ".")) strbuf_printf(&p, "%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/");
    strbuf_puts(&p, rel);
    if (stat(p.s, &st) == 0 && S_ISREG(st.st_mode)) vec_push(out, strbuf_steal(&p)); /* deleted but tracked: skip */
    else strbuf_free(&p);
  }
  free(ls);
  if (out->len - start > 1) qsort(out->items + start, out->len - start, sizeof *out->items, walk__cmp);
  return 0;
}

void walk_free(FileList *self) {
  for (size_t i = 0; i < self->len; i++) free(self->items[i]);
  vec_free(self);
}
