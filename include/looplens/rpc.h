/*
 * rpc — LSP base-protocol framing: `Content-Length` headers around opaque bodies.
 *
 * This module knows nothing of JSON or JSON-RPC: it turns a byte stream into message bodies and
 * a body into a framed byte stream. `dispatch` parses the bodies; handlers speak LSP.
 *
 * Ownership: the reader owns its buffer. A body returned by rpc_reader_next() points into that
 * buffer and stays valid until the next call of any rpc_reader_* function on the same reader.
 * Bodies are not NUL-terminated (they may contain NUL); use their length.
 *
 * Accepted framing (LSP 3.17 "Base Protocol"):
 *   header-line = name ":" OWS value OWS CRLF     (name: RFC 7230 token, compared case-insensitively)
 *   message     = 1*header-line CRLF body         (exactly one Content-Length, digits only)
 * `Content-Type` is optional and ignored; other headers are ignored. Lines end with CRLF only.
 *
 * Errors and resynchronisation: a malformed header block is reported once by rpc_reader_next()
 * as an RpcError value; the reader has then already resynchronised and the next call continues:
 *   - a Content-Length above the body limit: the length is not trusted (2^63 would never end).
 *     The error is reported once the body's first bytes are known (the *peek*: up to
 *     min(RPC_PEEK_MAX, max_body) bytes, cut before the first "Content-Length:"), so that the
 *     caller can tell whose message it refuses; then the reader scans for the next
 *     "Content-Length:" (any case) from the body's first byte, streaming, never buffering it;
 *   - anything else (missing, duplicate or non-numeric Content-Length, a line that is too long,
 *     without ':', with a bare LF or control characters, a bad header name): the reader scans
 *     forward from the byte after the start of the offending line for the next
 *     "Content-Length:" (any case) and starts a fresh header block there. Bytes skipped while
 *     scanning are not reported again.
 * The sequence of bodies and errors (peeks included) does not depend on how the input is split
 * into chunks. Memory stays bounded by the body limit, the line limit and the size of each fed
 * chunk; a buffer grown for a large body is given back once it is consumed.
 *
 * The writer (RpcWriter) is a queue of framed messages flushed to a non-blocking fd as it
 * accepts them, so that the caller keeps reading while the peer is slow to read. A message may
 * carry a key: queuing another with the same key drops the older one if none of it was written
 * yet (it is superseded). The writer owns the bodies queued in it.
 */
#ifndef LOOPLENS_RPC_H
#define LOOPLENS_RPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** Default limits used when rpc_reader_new() is given NULL or a zero field. */
#define RPC_DEFAULT_MAX_BODY ((size_t)64 * 1024 * 1024)
#define RPC_DEFAULT_MAX_HEADER_LINE ((size_t)1024)

/** Room enough for any header rpc_format_header() writes, including the terminating NUL. */
#define RPC_HEADER_MAX 48

/** Most bytes of a refused over-limit body shown in its error (see RpcError.peek). */
#define RPC_PEEK_MAX ((size_t)4096)

typedef struct RpcReader RpcReader;

/**
 * Limits of a reader:
 * - `max_body`: largest accepted Content-Length; larger bodies are skipped with an error.
 * - `max_header_line`: longest header line, excluding its CRLF (capped at 1 MiB).
 */
typedef struct RpcLimits {
  size_t max_body;
  size_t max_header_line;
} RpcLimits;

typedef enum RpcErrorKind {
  RPC_ERROR_NONE = 0,
  RPC_ERROR_MISSING_LENGTH,   /* header block ended without Content-Length */
  RPC_ERROR_DUPLICATE_LENGTH, /* a second Content-Length in one block */
  RPC_ERROR_BAD_LENGTH,       /* empty, non-digit or not representable in 64 bits */
  RPC_ERROR_LENGTH_TOO_LARGE, /* above RpcLimits.max_body: message refused, see `peek` */
  RPC_ERROR_LINE_TOO_LONG,    /* header line above RpcLimits.max_header_line */
  RPC_ERROR_MALFORMED_HEADER, /* no ':', bad name, bare LF, control character */
} RpcErrorKind;

/**
 * A framing error:
 * - `kind`: what went wrong.
 * - `offset`: stream offset (bytes since the reader was created) of the offending line.
 * - `text`: a one-line human-readable description, NUL-terminated.
 * - `peek`, `peek_len`: for RPC_ERROR_LENGTH_TOO_LARGE, the first bytes of the refused body
 *   (valid like a body: until the next rpc_reader_* call); otherwise NULL and 0.
 */
typedef struct RpcError {
  RpcErrorKind kind;
  uint64_t offset;
  char text[120];
  const char *peek;
  size_t peek_len;
} RpcError;

/** A reader with the given limits (NULL for defaults). Returns NULL when out of memory. */
RpcReader *rpc_reader_new(const RpcLimits *limits);

/** Frees the reader and its buffer. Accepts NULL. */
void rpc_reader_delete(RpcReader *self);

/** Appends `len` bytes to the reader's input. Returns 0, or -1 when out of memory (input unchanged). */
int rpc_reader_feed(RpcReader *self, const void *data, size_t len);

/**
 * Reads once from `fd` straight into the reader's buffer (retrying on EINTR).
 * Returns the number of bytes read, 0 at end of file, or -1 with errno set
 * (EAGAIN on an empty non-blocking fd, ENOMEM when the buffer cannot grow).
 */
ssize_t rpc_reader_read_fd(RpcReader *self, int fd);

/**
 * Extracts the next event from the buffered input:
 * - returns 1 and sets `*body`, `*len` when a complete message is available;
 * - returns 0 when more input is needed;
 * - returns -1 and fills `*error` (may be NULL) on a framing error; call again to continue.
 */
int rpc_reader_next(RpcReader *self, const char **body, size_t *len, RpcError *error);

/** Bytes currently held in the reader's buffer and not yet consumed (for limits and tests). */
size_t rpc_reader_buffered(const RpcReader *self);

/** A short stable name for an error kind ("missing-length", …). Never NULL. */
const char *rpc_error_kind_name(RpcErrorKind kind);

/**
 * Writes the header for a body of `body_len` bytes ("Content-Length: N\r\n\r\n") into `out`.
 * Returns the header length (excluding NUL), or 0 when `cap` is too small (use RPC_HEADER_MAX).
 */
size_t rpc_format_header(char *out, size_t cap, size_t body_len);

/**
 * Frames `body` and writes header and body to `fd`, resuming after short writes, retrying on
 * EINTR and waiting with poll() on EAGAIN. Returns 0, or -1 with errno set (EPIPE when the
 * peer is gone: the caller should ignore SIGPIPE).
 */
int rpc_write_message(int fd, const void *body, size_t len);

typedef struct RpcWriter RpcWriter;

/** A writer to `fd` (not owned). Make `fd` non-blocking so that flushes never block. NULL when out of memory. */
RpcWriter *rpc_writer_new(int fd);

/** Frees the writer and the messages still queued (unsent). Accepts NULL. */
void rpc_writer_delete(RpcWriter *self);

/**
 * Queues `body` (from malloc; the writer takes it, and frees it even when this fails) framed
 * with its header. With a non-NULL `key`, a queued message with an equal key of which nothing
 * was written yet is dropped first. Nothing is written here. Returns 0, or -1 when out of memory.
 */
int rpc_writer_push(RpcWriter *self, char *body, size_t len, const char *key);

/**
 * Writes what the fd accepts now, retrying on EINTR. Returns 0 (also when the fd is full), or
 * -1 with errno set (EPIPE: the peer is gone).
 */
int rpc_writer_flush(RpcWriter *self);

/** Writes the whole queue, waiting with poll() while the fd is full. Returns 0, or -1 with errno. */
int rpc_writer_drain(RpcWriter *self);

/** Bytes queued and not yet written, headers included. */
size_t rpc_writer_pending(const RpcWriter *self);

/** Messages dropped so far because a newer one with their key superseded them. */
size_t rpc_writer_superseded(const RpcWriter *self);

#endif
