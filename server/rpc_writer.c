/* rpc_writer — framed output: one blocking write, or a queue flushed as the peer reads.
 * See include/looplens/rpc.h for the contract. */
#include "looplens/rpc.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

size_t rpc_format_header(char *out, size_t cap, size_t body_len) {
  int n = snprintf(out, cap, "Content-Length: %zu\r\n\r\n", body_len);
  if (n < 0 || (size_t)n >= cap) return 0;
  return (size_t)n;
}

/* Blocks until `fd` is writable; 0 or -1 with errno. */
static int rpc__wait_writable(int fd) {
  struct pollfd pfd = {.fd = fd, .events = POLLOUT};
  for (;;) {
    int r = poll(&pfd, 1, -1);
    if (r > 0) return 0;
    if (r < 0 && errno != EINTR) return -1;
  }
}

/* Moves `iov[0, *count)` past `done` written bytes. */
static void rpc__advance(struct iovec **iov, int *count, size_t done) {
  while (*count > 0 && done >= (*iov)->iov_len) {
    done -= (*iov)->iov_len;
    ++*iov;
    --*count;
  }
  if (*count > 0) {
    (*iov)->iov_base = (char *)(*iov)->iov_base + done;
    (*iov)->iov_len -= done;
  }
}

int rpc_write_message(int fd, const void *body, size_t len) {
  char header[RPC_HEADER_MAX];
  size_t header_len = rpc_format_header(header, sizeof header, len);
  struct iovec iov[2] = {
      {.iov_base = header, .iov_len = header_len},
      {.iov_base = (void *)(uintptr_t)body, .iov_len = len},
  };
  struct iovec *v = iov;
  int count = len > 0 ? 2 : 1;
  while (count > 0) {
    ssize_t n = writev(fd, v, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (rpc__wait_writable(fd) < 0) return -1;
        continue;
      }
      return -1;
    }
    rpc__advance(&v, &count, (size_t)n);
  }
  return 0;
}

/* ---- the queue ---- */

/* One queued message: `sent` bytes of header then body are written already. */
typedef struct RpcOut {
  char header[RPC_HEADER_MAX];
  size_t header_len;
  char *body;
  size_t len;
  char *key; /* NULL: never superseded */
  size_t sent;
} RpcOut;

/* - `items[head, count)`: the queue, oldest first; `bytes`: what of it is still to write. */
struct RpcWriter {
  int fd;
  RpcOut *items;
  size_t head, count, cap;
  size_t bytes;
  size_t superseded;
};

/* writev takes at most IOV_MAX pieces; a few dozen messages per call is plenty. */
#define RPC__IOV_BATCH 64

RpcWriter *rpc_writer_new(int fd) {
  RpcWriter *self = calloc(1, sizeof *self);
  if (self) self->fd = fd;
  return self;
}

static void rpc__out_free(RpcOut *o) {
  free(o->body);
  free(o->key);
}

void rpc_writer_delete(RpcWriter *self) {
  if (!self) return;
  for (size_t i = self->head; i < self->count; i++) rpc__out_free(&self->items[i]);
  free(self->items);
  free(self);
}

size_t rpc_writer_pending(const RpcWriter *self) { return self->bytes; }
size_t rpc_writer_superseded(const RpcWriter *self) { return self->superseded; }

/* Drops the queued messages with this key of which nothing was written. */
static void rpc_writer__supersede(RpcWriter *self, const char *key) {
  size_t w = self->head;
  for (size_t i = self->head; i < self->count; i++) {
    RpcOut *o = &self->items[i];
    if (o->key && o->sent == 0 && !strcmp(o->key, key)) {
      self->bytes -= o->header_len + o->len;
      self->superseded++;
      rpc__out_free(o);
      continue;
    }
    self->items[w++] = *o;
  }
  self->count = w;
}

/* Room for one more item at the end, moving the queue to the front first. 0 or -1. */
static int rpc_writer__reserve(RpcWriter *self) {
  if (self->head > 0 && (self->head == self->count || self->count == self->cap)) {
    memmove(self->items, self->items + self->head, (self->count - self->head) * sizeof *self->items);
    self->count -= self->head;
    self->head = 0;
  }
  if (self->count < self->cap) return 0;
  size_t cap = self->cap ? self->cap * 2 : 16;
  RpcOut *items = realloc(self->items, cap * sizeof *items);
  if (!items) return -1;
  self->items = items;
  self->cap = cap;
  return 0;
}

int rpc_writer_push(RpcWriter *self, char *body, size_t len, const char *key) {
  if (key) rpc_writer__supersede(self, key);
  RpcOut o = {.body = body, .len = len};
  o.header_len = rpc_format_header(o.header, sizeof o.header, len);
  if ((key && !(o.key = strdup(key))) || rpc_writer__reserve(self) < 0) {
    rpc__out_free(&o);
    errno = ENOMEM;
    return -1;
  }
  self->items[self->count++] = o;
  self->bytes += o.header_len + len;
  return 0;
}

/* Fills `iov` with what is left of up to RPC__IOV_BATCH / 2 messages. Returns the count. */
static int rpc_writer__gather(const RpcWriter *self, struct iovec *iov) {
  int n = 0;
  for (size_t i = self->head; i < self->count && n + 2 <= RPC__IOV_BATCH; i++) {
    const RpcOut *o = &self->items[i];
    size_t skip = o->sent;
    if (skip < o->header_len)
      iov[n++] = (struct iovec){.iov_base = (char *)o->header + skip, .iov_len = o->header_len - skip};
    size_t body_skip = skip > o->header_len ? skip - o->header_len : 0;
    if (o->len > body_skip) iov[n++] = (struct iovec){.iov_base = o->body + body_skip, .iov_len = o->len - body_skip};
  }
  return n;
}

/* Counts `done` written bytes against the queue, freeing the messages that are complete. */
static void rpc_writer__consume(RpcWriter *self, size_t done) {
  self->bytes -= done;
  while (done > 0 && self->head < self->count) {
    RpcOut *o = &self->items[self->head];
    size_t left = o->header_len + o->len - o->sent;
    if (done < left) {
      o->sent += done;
      return;
    }
    done -= left;
    rpc__out_free(o);
    self->head++;
  }
}

int rpc_writer_flush(RpcWriter *self) {
  while (self->head < self->count) {
    struct iovec iov[RPC__IOV_BATCH];
    int n = rpc_writer__gather(self, iov);
    ssize_t w = writev(self->fd, iov, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return -1;
    }
    rpc_writer__consume(self, (size_t)w);
  }
  self->head = self->count = 0;
  return 0;
}

int rpc_writer_drain(RpcWriter *self) {
  for (;;) {
    if (rpc_writer_flush(self) < 0) return -1;
    if (self->bytes == 0) return 0;
    if (rpc__wait_writable(self->fd) < 0) return -1;
  }
}
