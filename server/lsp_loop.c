/* lsp_loop.c: the server's I/O — stdin read and stdout written in one poll() loop, so that a
 * client slow to read never stops the server reading (each would wait on the other) — and the
 * intake of framed bodies: parsed as JSON (NULs allowed, lone surrogates repaired); a body that
 * cannot be read is answered and accounted for by dispatch. */
#include "lsp.h"
#include "looplens/strbuf.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lsp_log(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("looplens lsp: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void lsp_flush(LspServer *s) {
  if (s->out_broken || rpc_writer_flush(s->out) == 0) return;
  lsp_log("cannot write to the client: %s", strerror(errno));
  s->out_broken = true;
  s->exit_now = true;
}

void lsp_send_text(LspServer *s, char *body, const char *key) {
  if (!body) return;
  if (s->out_broken) {
    free(body);
    return;
  }
  if (rpc_writer_push(s->out, body, strlen(body), key) < 0) lsp_log("out of memory: a message to the client was lost");
}

void lsp_send(LspServer *s, json_t *msg) {
  json_object_set_new(msg, "jsonrpc", json_string("2.0"));
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  lsp_send_text(s, body, NULL);
}

void lsp_notify(LspServer *s, const char *method, json_t *params) {
  lsp_send(s, json_pack("{s:s, s:o}", "method", method, "params", params));
}

void lsp_log_message(LspServer *s, int type, const char *key, const char *fmt, ...) {
  StrBuf b = {0};
  va_list ap;
  va_start(ap, fmt);
  strbuf_vprintf(&b, fmt, ap);
  va_end(ap);
  json_t *msg = json_pack("{s:s, s:s, s:{s:i, s:s%}}", "jsonrpc", "2.0", "method", "window/logMessage", "params",
                          "type", type, "message", b.s ? b.s : "", b.len);
  strbuf_free(&b);
  lsp_send_text(s, msg ? json_dumps(msg, JSON_COMPACT) : NULL, key);
  json_decref(msg);
}

/* A body as a JSON value: NULs in strings are kept, lone surrogates repaired. NULL with `err`. */
static json_t *lsp__parse(const char *body, size_t len, json_error_t *err) {
  size_t lone;
  char *fixed = lsp_json_repair_surrogates(body, len, &lone);
  /* any JSON is parsed (42 is JSON, just not JSON-RPC) */
  json_t *msg = json_loadb(fixed ? fixed : body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, err);
  free(fixed);
  return msg;
}

typedef Vec(json_t *) LspBatch;

/* Dispatches the batch, frees it (a didOpen's text is copied by then), checks what it changed. */
static void lsp__run_batch(LspServer *s, LspBatch *batch) {
  lsp_dispatch(s, batch->items, batch->len);
  for (size_t i = 0; i < batch->len; i++) json_decref(batch->items[i]);
  batch->len = 0;
  lsp_docs_settle(s);
}

/* Handles every complete message buffered as one batch. A message that cannot be read ends the
 * batch before it, so that every answer keeps its place in the stream. */
static void lsp__intake(LspServer *s, RpcReader *reader) {
  LspBatch batch = {0};
  for (;;) {
    const char *body;
    size_t len;
    RpcError err;
    int k = rpc_reader_next(reader, &body, &len, &err);
    if (k == 0) break;
    if (k < 0) {
      lsp_log("framing error at byte %llu: %s", (unsigned long long)err.offset, err.text);
      if (err.kind != RPC_ERROR_LENGTH_TOO_LARGE) continue; /* no id, no document: nothing to answer */
      lsp__run_batch(s, &batch);
      lsp_message_lost(s, err.peek, err.peek_len, LSP_INVALID_REQUEST, true, err.text);
      continue;
    }
    json_error_t jerr;
    json_t *msg = lsp__parse(body, len, &jerr);
    if (!msg) {
      StrBuf b = {0};
      strbuf_printf(&b, "parse error at line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
      lsp__run_batch(s, &batch);
      lsp_message_lost(s, body, len, LSP_PARSE_ERROR, false, strbuf_cstr(&b));
      strbuf_free(&b);
      continue;
    }
    vec_push(&batch, msg);
  }
  lsp__run_batch(s, &batch);
  vec_free(&batch);
}

/* Waits for input or for room for output; `*readable` says whether input (or its end) came.
 * -1 when poll itself fails. */
static int lsp__wait(LspServer *s, int in_fd, bool *readable) {
  size_t pending = rpc_writer_pending(s->out);
  struct pollfd fds[3] = {
      {.fd = pending < LSP_OUTPUT_HIGH ? in_fd : -1, .events = POLLIN}, /* back-pressure */
      {.fd = pending ? s->out_fd : -1, .events = POLLOUT},
      {.fd = s->index ? lsp_index_fd(s->index) : -1, .events = POLLIN}, /* the index has answers */
  };
  *readable = false;
  if (poll(fds, 3, -1) < 0) return errno == EINTR ? 0 : -1;
  *readable = fds[0].revents != 0;
  if (fds[2].revents) { /* before input: what it marks stale is checked with the next batch */
    lsp_index_collect(s);
    lsp_docs_settle(s);
  }
  return 0;
}

int lsp_run(LspServer *s, int in_fd) {
  RpcReader *reader = rpc_reader_new(&(RpcLimits){.max_body = LSP_MAX_MESSAGE});
  s->out = rpc_writer_new(s->out_fd);
  if (!reader || !s->out) abort();
  int flags = fcntl(s->out_fd, F_GETFL);
  if (flags >= 0) fcntl(s->out_fd, F_SETFL, flags | O_NONBLOCK);
  bool eof = false;
  while (!s->exit_now && !eof) {
    bool readable;
    if (lsp__wait(s, in_fd, &readable) < 0) break;
    lsp_flush(s);
    if (!readable) continue;
    ssize_t r = rpc_reader_read_fd(reader, in_fd);
    if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (r <= 0) eof = true; /* end of input (or a read error): leave after what is buffered */
    lsp__intake(s, reader);
    lsp_flush(s);
  }
  /* what was answered is delivered before leaving (shutdown's result, the last diagnostics) */
  if (!s->out_broken && rpc_writer_drain(s->out) < 0) lsp_log("cannot write to the client: %s", strerror(errno));
  if (flags >= 0) fcntl(s->out_fd, F_SETFL, flags); /* stdout may be shared with the shell */
  rpc_reader_delete(reader);
  rpc_writer_delete(s->out);
  s->out = NULL;
  return s->shutdown ? 0 : 1;
}
