/* fileio.c: whole-file reads and the text checks (binary, UTF-8) done before parsing. */
#include "looplens/fileio.h"
#include "looplens/strbuf.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read_limited(const char *path, size_t max_bytes, FileData *out, LlError *err) {
  out->data = NULL;
  out->len = 0;
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    ll_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    ll_error_set(err, path, 0, 0, "cannot stat: %s", strerror(errno));
    close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    ll_error_set(err, path, 0, 0, "not a regular file (%s)",
                 S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a folder"
                 : S_ISSOCK(st.st_mode) ? "a socket" : "a device");
    close(fd);
    return -3;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if ((uint64_t)st.st_size > max_bytes) {
    ll_error_set(err, path, 0, 0, "file is %lld bytes, over the %zu-byte limit; skipped", (long long)st.st_size,
                 max_bytes);
    close(fd);
    return -2;
  }
  StrBuf buf = {0};
  strbuf_append(&buf, "", 0);
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ll_error_set(err, path, 0, 0, "read failed: %s", strerror(errno));
      strbuf_free(&buf);
      close(fd);
      return -1;
    }
    if (n == 0) break;
    strbuf_append(&buf, chunk, (size_t)n);
    if (buf.len > max_bytes) { /* grew while we read */
      ll_error_set(err, path, 0, 0, "file is over the %zu-byte limit; skipped", max_bytes);
      strbuf_free(&buf);
      close(fd);
      return -2;
    }
  }
  close(fd);
  out->len = buf.len;
  out->data = strbuf_steal(&buf);
  return 0;
}

int file_read(const char *path, FileData *out, LlError *err) {
  return file_read_limited(path, SIZE_MAX / 2, out, err) == 0 ? 0 : -1;
}

void file_data_free(FileData *self) {
  free(self->data);
  self->data = NULL;
  self->len = 0;
}

int text_is_binary(const char *s, size_t n) { return memchr(s, '\0', n < 8192 ? n : 8192) != NULL; }

size_t text_utf8_invalid_at(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i];
    if (c < 0x80) { i++; continue; }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; k++) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    /* overlong, surrogate or out-of-range code points are invalid */
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return i;
    i += len;
  }
  return (size_t)-1;
}

int text_has_lone_cr(const char *s, size_t n) {
  for (const char *p = memchr(s, '\r', n); p; p = memchr(p + 1, '\r', n - (size_t)(p + 1 - s)))
    if (p + 1 == s + n || p[1] != '\n') return 1;
  return 0;
}

void text_line_col_at(const char *s, size_t n, size_t offset, unsigned *row, unsigned *col) {
  unsigned r = 0;
  size_t line_start = 0;
  if (offset > n) offset = n;
  for (size_t i = 0; i < offset; i++)
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) r++, line_start = i + 1;
  *row = r;
  *col = (unsigned)(offset - line_start);
}

void text_point_at(const char *s, size_t n, size_t offset, unsigned *row, unsigned *col) {
  unsigned r = 0;
  size_t line_start = 0;
  if (offset > n) offset = n;
  for (size_t i = 0; i < offset; i++)
    if (s[i] == '\n') r++, line_start = i + 1;
  *row = r;
  *col = (unsigned)(offset - line_start);
}

/* Word bytes: ASCII letters, digits, _ and $, and every byte of a multi-byte character. */
static inline int text__word(unsigned c) {
  return (c | 0x20) - 'a' < 26u || c - '0' < 10u || c == '_' || c == '$' || c >= 0x80;
}

size_t text_token_count(const char *s, size_t n, size_t stop_at) {
  const unsigned char *p = (const unsigned char *)s;
  size_t count = 0;
  for (size_t i = 0; i < n && count < stop_at;) {
    unsigned c = p[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      i++;
      continue;
    }
    count++;
    if (!text__word(c)) {
      i++;
      continue;
    }
    while (i < n && text__word(p[i])) i++;
  }
  return count;
}
