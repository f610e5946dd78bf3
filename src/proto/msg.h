/*
 * msg.h — building and reading protocol messages (private to proto).
 *
 * Building, as PostgreSQL's pqformat: msg_begin writes the type byte and a length
 * placeholder, the put functions append, msg_end patches the length.  The output strbuf's
 * sticky failure flag makes a message all-or-nothing for the caller to check once.
 *
 * Reading: a cursor over one message body; every get is bounds-checked and a failed read
 * sets `failed` (the caller answers 08P01 "invalid message format"), never reads past the
 * end.  msg_end_of_message() fails if bytes are left, as pq_getmsgend does.
 */
#ifndef PGWIRE_PROTO_MSG_H
#define PGWIRE_PROTO_MSG_H

#include "common/common.h"

/* ---------------------------------------------------------------- building */

size_t msg_begin(strbuf *out, char type);   /* returns the message's start offset */
void msg_end(strbuf *out, size_t start);
void msg_put_int8(strbuf *out, uint8_t v);
void msg_put_int16(strbuf *out, int16_t v);
void msg_put_int32(strbuf *out, int32_t v);
void msg_put_int64(strbuf *out, int64_t v);
void msg_put_string(strbuf *out, const char *s);   /* with its NUL */
void msg_put_bytes(strbuf *out, const void *p, size_t n);
/* Reserve 4 bytes for a length to patch later; returns its offset. */
size_t msg_reserve_int32(strbuf *out);
void msg_patch_int32(strbuf *out, size_t at, int32_t v);

/* ---------------------------------------------------------------- reading */

typedef struct msg_reader {
    const char *data;
    size_t len;
    size_t pos;
    bool failed;
    const char *error;   /* PostgreSQL's words for the first failure */
} msg_reader;

void msg_reader_init(msg_reader *r, const char *data, size_t len);
uint8_t msg_get_int8(msg_reader *r);
int16_t msg_get_int16(msg_reader *r);
int32_t msg_get_int32(msg_reader *r);
/* A NUL-terminated string inside the message; NULL (and failed) if unterminated. */
const char *msg_get_string(msg_reader *r);
/* n bytes inside the message; NULL (and failed) if fewer remain. */
const char *msg_get_bytes(msg_reader *r, size_t n);
size_t msg_remaining(const msg_reader *r);
bool msg_end_of_message(msg_reader *r);

static inline uint32_t msg_read_be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return ((uint32_t)u[0] << 24) | ((uint32_t)u[1] << 16) | ((uint32_t)u[2] << 8) | u[3];
}

#endif
