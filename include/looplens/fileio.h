/* fileio.h: reading source files with the checks every front door needs.
 * FileData owns its buffer (NUL-terminated for convenience; len excludes the NUL). */
#ifndef LOOPLENS_FILEIO_H
#define LOOPLENS_FILEIO_H
#include <stddef.h>
#include "looplens/rule.h"

typedef struct { char *data; size_t len; } FileData;

/* Reads a whole regular file. -1 with err set (path, and the OS's reason) on failure. */
int file_read(const char *path, FileData *out, LlError *err);
/* Like file_read, but refuses files over max_bytes (returns -2, err set, nothing read). Never
 * blocks on a FIFO: anything but a regular file returns -3 (file_read: -1), err saying what it is. */
int file_read_limited(const char *path, size_t max_bytes, FileData *out, LlError *err);
void file_data_free(FileData *self);

/* True when the first 8 KiB hold a NUL byte: not a text file. */
int text_is_binary(const char *s, size_t n);
/* Offset of the first invalid UTF-8 sequence, or (size_t)-1 when the text is valid. */
size_t text_utf8_invalid_at(const char *s, size_t n);
/* 0-based row and byte column of a byte offset; rows break at '\n' only, as tree-sitter's do. */
void text_point_at(const char *s, size_t n, size_t offset, unsigned *row, unsigned *col);
/* True when the text has a '\r' not followed by '\n' (JavaScript counts it as a line break too). */
int text_has_lone_cr(const char *s, size_t n);
/* Like text_point_at, but '\r\n', '\n' and a lone '\r' all end a line, as in JavaScript and LSP. */
void text_line_col_at(const char *s, size_t n, size_t offset, unsigned *row, unsigned *col);

/* Tokens in the text, counted without context: each run of word characters (letters, digits, _, $,
 * non-ASCII) and each other non-space byte is one. An upper bound of what a parser sees, in one
 * pass; counting stops at stop_at. */
size_t text_token_count(const char *s, size_t n, size_t stop_at);

#endif
