/* rpc — LSP base-protocol framing. See include/looplens/rpc.h for the contract. */
#include "looplens/rpc.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* The string resynchronisation looks for, lower case. */
static const char RPC__SYNC[] = "content-length:";
#define RPC__SYNC_LEN (sizeof RPC__SYNC - 1)

/* Header lines longer than this are never useful; the cap also keeps `max + 2` from overflowing. */
#define RPC__MAX_HEADER_LINE_CAP ((size_t)1 << 20)

/* Above this capacity, a buffer holding little is shrunk when the reader waits for input. */
#define RPC__SHRINK_ABOVE ((size_t)1 << 20)

typedef enum RpcState {
  RPC__HEADERS, /* reading header lines; `pos` is the start of the current line */
  RPC__BODY,    /* waiting for `length` bytes at `pos` */
  RPC__PEEK,    /* an over-limit body starts at `pos`: waiting for its first bytes */
  RPC__RESYNC,  /* scanning for RPC__SYNC from `pos` */
} RpcState;

/*
 * - `buf[pos, len)`: unconsumed input; `base` is the stream offset of `buf[0]`.
 * - `scan`: in RPC__HEADERS, how far past `pos` the current line was already searched for LF;
 *   in RPC__PEEK, how far past `pos` a sync string can no longer start.
 * - `have_length`, `length`, `block_start`: the header block being read.
 */
struct RpcReader {
  char *buf;
  size_t cap, len, pos;
  uint64_t base;
  RpcLimits limits;
  RpcState state;
  size_t scan;
  bool have_length;
  uint64_t length;
  uint64_t block_start;
};

RpcReader *rpc_reader_new(const RpcLimits *limits) {
  RpcReader *self = calloc(1, sizeof *self);
  if (!self) return NULL;
  self->limits.max_body = RPC_DEFAULT_MAX_BODY;
  self->limits.max_header_line = RPC_DEFAULT_MAX_HEADER_LINE;
  if (limits && limits->max_body) self->limits.max_body = limits->max_body;
  if (limits && limits->max_header_line) self->limits.max_header_line = limits->max_header_line;
  if (self->limits.max_header_line > RPC__MAX_HEADER_LINE_CAP)
    self->limits.max_header_line = RPC__MAX_HEADER_LINE_CAP;
  self->state = RPC__HEADERS;
  self->cap = 4096; /* never NULL: even `buf + 0` on a null pointer is undefined */
  self->buf = malloc(self->cap);
  if (!self->buf) {
    free(self);
    return NULL;
  }
  return self;
}

void rpc_reader_delete(RpcReader *self) {
  if (!self) return;
  free(self->buf);
  free(self);
}

size_t rpc_reader_buffered(const RpcReader *self) { return self->len - self->pos; }

/* Makes room for `extra` more bytes after `len`, compacting before growing. 0 or -1 (ENOMEM). */
static int rpc_reader__reserve(RpcReader *self, size_t extra) {
  if (self->cap - self->len >= extra) return 0;
  if (self->pos > 0) {
    memmove(self->buf, self->buf + self->pos, self->len - self->pos);
    self->base += self->pos;
    self->len -= self->pos;
    self->pos = 0;
    if (self->cap - self->len >= extra) return 0;
  }
  if (extra > SIZE_MAX - self->len) goto nomem;
  size_t need = self->len + extra;
  size_t cap = self->cap;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *buf = realloc(self->buf, cap);
  if (!buf) goto nomem;
  self->buf = buf;
  self->cap = cap;
  return 0;
nomem:
  errno = ENOMEM;
  return -1;
}

/* After a large message: gives the memory back once the buffer holds little (no body is out). */
static void rpc_reader__shrink(RpcReader *self) {
  size_t held = self->len - self->pos;
  if (self->cap <= RPC__SHRINK_ABOVE || held > self->cap / 4) return;
  memmove(self->buf, self->buf + self->pos, held);
  self->base += self->pos;
  self->len = held;
  self->pos = 0;
  size_t cap = held * 2 > 4096 ? held * 2 : 4096;
  char *buf = realloc(self->buf, cap);
  if (!buf) return; /* keeping the larger buffer is fine */
  self->buf = buf;
  self->cap = cap;
}

int rpc_reader_feed(RpcReader *self, const void *data, size_t len) {
  if (len == 0) return 0;
  if (rpc_reader__reserve(self, len) < 0) return -1;
  memcpy(self->buf + self->len, data, len);
  self->len += len;
  return 0;
}

ssize_t rpc_reader_read_fd(RpcReader *self, int fd) {
  if (rpc_reader__reserve(self, 64 * 1024) < 0) return -1;
  for (;;) {
    ssize_t n = read(fd, self->buf + self->len, self->cap - self->len);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) self->len += (size_t)n;
    return n;
  }
}

const char *rpc_error_kind_name(RpcErrorKind kind) {
  switch (kind) {
  case RPC_ERROR_NONE: return "none";
  case RPC_ERROR_MISSING_LENGTH: return "missing-length";
  case RPC_ERROR_DUPLICATE_LENGTH: return "duplicate-length";
  case RPC_ERROR_BAD_LENGTH: return "bad-length";
  case RPC_ERROR_LENGTH_TOO_LARGE: return "length-too-large";
  case RPC_ERROR_LINE_TOO_LONG: return "line-too-long";
  case RPC_ERROR_MALFORMED_HEADER: return "malformed-header";
  }
  return "unknown";
}

/* ---- header lines ---- */

static bool rpc__is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool rpc__ieq(const char *s, size_t n, const char *lower) {
  size_t i = 0;
  for (; i < n && lower[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
    if (c != (unsigned char)lower[i]) return false;
  }
  return i == n && lower[i] == '\0';
}

/* Copies up to 40 bytes of `s` into `out`, replacing non-printable bytes with '?'. */
static void rpc__quote(char *out, size_t cap, const char *s, size_t n) {
  size_t max = n > 40 ? 40 : n, i = 0;
  for (; i < max && i + 1 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  out[i] = '\0';
  if (n > max && cap > i + 3) strcpy(out + i, "...");
}

static void rpc__set_error(RpcError *error, RpcErrorKind kind, uint64_t offset, const char *what,
                           const char *s, size_t n) {
  if (!error) return;
  char quoted[48];
  rpc__quote(quoted, sizeof quoted, s, n);
  error->kind = kind;
  error->offset = offset;
  if (n == 0)
    snprintf(error->text, sizeof error->text, "%s", what);
  else
    snprintf(error->text, sizeof error->text, "%s: '%s'", what, quoted);
}

/* Parses digits into `*out`. Returns false when empty, not all digits, or above UINT64_MAX. */
static bool rpc__parse_length(const char *s, size_t n, uint64_t *out) {
  uint64_t v = 0;
  if (n == 0) return false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* Interprets one non-empty header line (without CRLF). */
static RpcErrorKind rpc_reader__header(RpcReader *self, const char *s, size_t n, uint64_t at,
                                       RpcError *error) {
  const char *colon = memchr(s, ':', n);
  if (!colon) {
    rpc__set_error(error, RPC_ERROR_MALFORMED_HEADER, at, "header line without ':'", s, n);
    return RPC_ERROR_MALFORMED_HEADER;
  }
  size_t name_len = (size_t)(colon - s);
  bool name_ok = name_len > 0;
  for (size_t i = 0; i < name_len && name_ok; i++) name_ok = rpc__is_tchar((unsigned char)s[i]);
  if (!name_ok) {
    rpc__set_error(error, RPC_ERROR_MALFORMED_HEADER, at, "invalid header name", s, n);
    return RPC_ERROR_MALFORMED_HEADER;
  }
  const char *v = colon + 1, *end = s + n;
  while (v < end && (*v == ' ' || *v == '\t')) v++;
  while (end > v && (end[-1] == ' ' || end[-1] == '\t')) end--;
  for (const char *p = v; p < end; p++) {
    unsigned char c = (unsigned char)*p;
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      rpc__set_error(error, RPC_ERROR_MALFORMED_HEADER, at, "control character in header", s, n);
      return RPC_ERROR_MALFORMED_HEADER;
    }
  }
  if (!rpc__ieq(s, name_len, "content-length")) return RPC_ERROR_NONE;
  if (self->have_length) {
    rpc__set_error(error, RPC_ERROR_DUPLICATE_LENGTH, at, "duplicate Content-Length", s, n);
    return RPC_ERROR_DUPLICATE_LENGTH;
  }
  if (!rpc__parse_length(v, (size_t)(end - v), &self->length)) {
    rpc__set_error(error, RPC_ERROR_BAD_LENGTH, at, "Content-Length is not a 64-bit number", s, n);
    return RPC_ERROR_BAD_LENGTH;
  }
  self->have_length = true;
  return RPC_ERROR_NONE;
}

static void rpc_reader__begin_block(RpcReader *self) {
  self->state = RPC__HEADERS;
  self->scan = 0;
  self->have_length = false;
  self->length = 0;
  self->block_start = self->base + self->pos;
}

/* After an error in the line starting at `line_start`: scan for RPC__SYNC from the next byte. */
static void rpc_reader__resync(RpcReader *self, size_t line_start) {
  self->state = RPC__RESYNC;
  self->pos = line_start + 1;
}

/* One step in RPC__HEADERS. Returns 1 to continue, 0 for more input, -1 on error. */
static int rpc_reader__step_headers(RpcReader *self, RpcError *error) {
  size_t max = self->limits.max_header_line;
  size_t avail = self->len - self->pos;
  size_t window = avail < max + 2 ? avail : max + 2;
  const char *line = self->buf + self->pos;
  uint64_t at = self->base + self->pos;
  const char *lf = NULL;
  if (window > self->scan) lf = memchr(line + self->scan, '\n', window - self->scan);
  if (!lf) {
    if (avail < max + 2) {
      self->scan = window;
      return 0;
    }
    rpc__set_error(error, RPC_ERROR_LINE_TOO_LONG, at, "header line too long", line, max);
    rpc_reader__resync(self, self->pos);
    return -1;
  }
  size_t n = (size_t)(lf - line);
  if (n == 0 || line[n - 1] != '\r') {
    rpc__set_error(error, RPC_ERROR_MALFORMED_HEADER, at, "header line ends with a bare LF", line, n);
    rpc_reader__resync(self, self->pos);
    return -1;
  }
  n--; /* drop the CR */
  if (n > 0) {
    if (rpc_reader__header(self, line, n, at, error) != RPC_ERROR_NONE) {
      rpc_reader__resync(self, self->pos);
      return -1;
    }
    self->pos += n + 2;
    self->scan = 0;
    return 1;
  }
  /* The empty line ends the header block. */
  if (!self->have_length) {
    rpc__set_error(error, RPC_ERROR_MISSING_LENGTH, self->block_start,
                   "header block without Content-Length", "", 0);
    rpc_reader__resync(self, self->pos);
    return -1;
  }
  self->pos += 2;
  /* An over-limit length may be a lie (2^63): never trust it to skip by; peek, then resync. */
  self->state = self->length > self->limits.max_body ? RPC__PEEK : RPC__BODY;
  self->scan = 0;
  return 1;
}

/* Offset of the first RPC__SYNC (any case) starting in `p[0, n)` and complete there; when there is
 * none, SIZE_MAX, and `*checked` says before which offset none can start. */
static size_t rpc__find_sync(const char *p, size_t n, size_t *checked) {
  size_t i = 0;
  for (; n - i >= RPC__SYNC_LEN; i++)
    if ((p[i] == 'c' || p[i] == 'C') && rpc__ieq(p + i, RPC__SYNC_LEN, RPC__SYNC)) return i;
  *checked = i;
  return SIZE_MAX;
}

/* Finds RPC__SYNC case-insensitively in `buf[pos, len)`; keeps a possible partial match. */
static int rpc_reader__step_resync(RpcReader *self) {
  size_t checked = 0;
  size_t at = rpc__find_sync(self->buf + self->pos, self->len - self->pos, &checked);
  if (at == SIZE_MAX) {
    self->pos += checked;
    return 0;
  }
  self->pos += at;
  rpc_reader__begin_block(self);
  return 1;
}

/*
 * An over-limit body starts at `pos`. Reports it once its first bytes are known — up to
 * RPC_PEEK_MAX (at most max_body), cut before a sync string — so the caller can tell whose
 * message it refuses; then scans for the next header from the body's first byte. What the peek
 * holds does not depend on chunking; only when it is reported does.
 */
static int rpc_reader__step_peek(RpcReader *self, RpcError *error) {
  size_t max = self->limits.max_body < RPC_PEEK_MAX ? self->limits.max_body : RPC_PEEK_MAX;
  size_t avail = self->len - self->pos, window = max + RPC__SYNC_LEN - 1;
  if (window > avail) window = avail;
  size_t checked = 0;
  size_t at = rpc__find_sync(self->buf + self->pos + self->scan, window - self->scan, &checked);
  size_t peek = at != SIZE_MAX && self->scan + at < max ? self->scan + at : max;
  if (at == SIZE_MAX) {
    self->scan += checked;
    if (self->scan < max) return 0; /* a sync string could still start before `max` */
  }
  if (error) {
    error->kind = RPC_ERROR_LENGTH_TOO_LARGE;
    error->offset = self->block_start;
    error->peek = peek ? self->buf + self->pos : NULL; /* the next header may start at the body's first byte */
    error->peek_len = peek;
    snprintf(error->text, sizeof error->text,
             "Content-Length %llu exceeds the limit of %zu bytes; message refused",
             (unsigned long long)self->length, self->limits.max_body);
  }
  self->state = RPC__RESYNC; /* from the body's first byte: the next header may be anywhere */
  return -1;
}

int rpc_reader_next(RpcReader *self, const char **body, size_t *len, RpcError *error) {
  if (error) {
    error->kind = RPC_ERROR_NONE;
    error->offset = 0;
    error->text[0] = '\0';
    error->peek = NULL;
    error->peek_len = 0;
  }
  for (;;) {
    int r = 0;
    switch (self->state) {
    case RPC__HEADERS:
      r = rpc_reader__step_headers(self, error);
      break;
    case RPC__BODY:
      if (self->len - self->pos < self->length) return 0;
      *body = self->buf + self->pos;
      *len = (size_t)self->length;
      self->pos += (size_t)self->length;
      rpc_reader__begin_block(self);
      return 1;
    case RPC__PEEK:
      r = rpc_reader__step_peek(self, error);
      break;
    case RPC__RESYNC:
      r = rpc_reader__step_resync(self);
      break;
    }
    if (r == 0) rpc_reader__shrink(self);
    if (r <= 0) return r;
  }
}
