/*
 * libFuzzer target for the rpc framing parser.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iinclude \
 *         tests/fuzz/fuzz_rpc.c server/rpc.c -o fuzz_rpc && ./fuzz_rpc -max_total_time=30
 *
 * The first two bytes pick the limits and the chunking; the rest is the stream. Checked:
 *   - no crash, leak or undefined behaviour on any bytes;
 *   - the events (bodies, errors and their peeks) are identical whether the stream is fed at
 *     once or in chunks of random sizes (the parser is chunking-invariant);
 *   - after draining, the reader buffers no more than max(max_body + 14, max_header_line + 1)
 *     bytes (memory stays bounded whatever the input);
 *   - bodies respect the body limit; error kinds are known; error offsets lie in the stream.
 * Build with -DFUZZ_STANDALONE (any compiler) for a main() that replays files given as
 * arguments, e.g. a crash reproducer or a corpus, without libFuzzer.
 */
#include "looplens/rpc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Event {
  int status;     /* 1 body, -1 error */
  uint64_t value; /* body length, or error kind */
  uint64_t extra; /* body hash, or error offset */
} Event;

typedef struct Events {
  Event *items;
  size_t count, cap;
} Events;

static void fuzz__push(Events *events, Event e) {
  if (events->count == events->cap) {
    events->cap = events->cap ? events->cap * 2 : 16;
    events->items = realloc(events->items, events->cap * sizeof *events->items);
    if (!events->items) abort();
  }
  events->items[events->count++] = e;
}

static uint64_t fuzz__hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

static void fuzz__drain(RpcReader *r, const RpcLimits *lim, size_t stream_len, Events *out) {
  const char *body;
  size_t len;
  RpcError err;
  int st;
  while ((st = rpc_reader_next(r, &body, &len, &err)) != 0) {
    if (st > 0) {
      if (len > lim->max_body) abort();
      fuzz__push(out, (Event){1, len, fuzz__hash(body, len)});
    } else {
      if (err.kind <= RPC_ERROR_NONE || err.kind > RPC_ERROR_MALFORMED_HEADER) abort();
      if (err.offset > stream_len) abort();
      if (memchr(err.text, '\0', sizeof err.text) == NULL) abort();
      if ((err.peek_len > 0) != (err.peek != NULL) || err.peek_len > RPC_PEEK_MAX || err.peek_len > lim->max_body)
        abort();
      if (err.kind != RPC_ERROR_LENGTH_TOO_LARGE && err.peek) abort();
      fuzz__push(out, (Event){-1, (uint64_t)err.kind, err.offset ^ fuzz__hash(err.peek ? err.peek : "", err.peek_len)});
    }
  }
  size_t bound = lim->max_body + 14; /* an over-limit body's peek, and a sync string that may end it */
  if (lim->max_header_line + 1 > bound) bound = lim->max_header_line + 1;
  if (bound < 14) bound = 14;
  if (rpc_reader_buffered(r) > bound) abort();
}

/* Feeds `data` in chunks: all at once when `seed` is 0, else random sizes from `seed`. */
static void fuzz__run(const uint8_t *data, size_t size, const RpcLimits *lim, uint32_t seed,
                      Events *out) {
  RpcReader *r = rpc_reader_new(lim);
  if (!r) abort();
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < size;) {
    size_t n = size - i;
    if (seed) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      size_t k = 1 + x % (seed % 3 == 0 ? 3 : 97);
      if (k < n) n = k;
    }
    if (rpc_reader_feed(r, data + i, n) != 0) abort();
    i += n;
    fuzz__drain(r, lim, size, out);
  }
  rpc_reader_delete(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  RpcLimits lim = {
      .max_body = 1 + (size_t)(data[0] & 0x0f) * 37,
      .max_header_line = 8 + (size_t)(data[0] >> 4) * 11,
  };
  uint32_t seed = 1 + data[1];
  data += 2;
  size -= 2;
  Events whole = {0}, chunked = {0};
  fuzz__run(data, size, &lim, 0, &whole);
  fuzz__run(data, size, &lim, seed, &chunked);
  if (whole.count != chunked.count) abort();
  for (size_t i = 0; i < whole.count; i++) {
    Event a = whole.items[i], b = chunked.items[i];
    if (a.status != b.status || a.value != b.value || a.extra != b.extra) abort();
  }
  free(whole.items);
  free(chunked.items);
  return 0;
}

#ifdef FUZZ_STANDALONE
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      perror(argv[i]);
      return 1;
    }
    size_t cap = 1 << 16, len = 0, n;
    uint8_t *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
      len += n;
      if (len == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf) return 1;
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    printf("ok %s (%zu bytes)\n", argv[i], len);
  }
  return 0;
}
#endif
