/*
 * msg.c — message building and bounds-checked reading (see msg.h).
 */
#include "proto/msg.h"

#include <string.h>

size_t msg_begin(strbuf *out, char type)
{
    size_t start = out->len;
    strbuf_putc(out, type);
    char zero[4] = {0};
    strbuf_append(out, zero, 4);
    return start;
}

void msg_patch_int32(strbuf *out, size_t at, int32_t v)
{
    if (out->failed || at + 4 > out->len)
        return;
    uint32_t u = (uint32_t)v;
    out->data[at] = (char)(u >> 24);
    out->data[at + 1] = (char)(u >> 16);
    out->data[at + 2] = (char)(u >> 8);
    out->data[at + 3] = (char)u;
}

void msg_end(strbuf *out, size_t start)
{
    /* The length counts itself but not the type byte. */
    msg_patch_int32(out, start + 1, (int32_t)(out->len - start - 1));
}

void msg_put_int8(strbuf *out, uint8_t v)
{
    strbuf_putc(out, (char)v);
}

void msg_put_int16(strbuf *out, int16_t v)
{
    uint16_t u = (uint16_t)v;
    char b[2] = {(char)(u >> 8), (char)u};
    strbuf_append(out, b, 2);
}

void msg_put_int32(strbuf *out, int32_t v)
{
    uint32_t u = (uint32_t)v;
    char b[4] = {(char)(u >> 24), (char)(u >> 16), (char)(u >> 8), (char)u};
    strbuf_append(out, b, 4);
}

void msg_put_int64(strbuf *out, int64_t v)
{
    msg_put_int32(out, (int32_t)((uint64_t)v >> 32));
    msg_put_int32(out, (int32_t)(uint64_t)v);
}

void msg_put_string(strbuf *out, const char *s)
{
    strbuf_append(out, s, strlen(s) + 1);
}

void msg_put_bytes(strbuf *out, const void *p, size_t n)
{
    strbuf_append(out, p, n);
}

size_t msg_reserve_int32(strbuf *out)
{
    size_t at = out->len;
    char zero[4] = {0};
    strbuf_append(out, zero, 4);
    return at;
}

void msg_reader_init(msg_reader *r, const char *data, size_t len)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->failed = false;
    r->error = NULL;
}

static void fail(msg_reader *r, const char *error)
{
    if (!r->failed)
        r->error = error;
    r->failed = true;
}

static bool need(msg_reader *r, size_t n)
{
    if (r->failed || r->len - r->pos < n) {
        fail(r, "insufficient data left in message");
        return false;
    }
    return true;
}

uint8_t msg_get_int8(msg_reader *r)
{
    if (!need(r, 1))
        return 0;
    return (uint8_t)r->data[r->pos++];
}

int16_t msg_get_int16(msg_reader *r)
{
    if (!need(r, 2))
        return 0;
    const unsigned char *u = (const unsigned char *)r->data + r->pos;
    r->pos += 2;
    return (int16_t)((u[0] << 8) | u[1]);
}

int32_t msg_get_int32(msg_reader *r)
{
    if (!need(r, 4))
        return 0;
    uint32_t v = msg_read_be32(r->data + r->pos);
    r->pos += 4;
    return (int32_t)v;
}

const char *msg_get_string(msg_reader *r)
{
    if (r->failed)
        return NULL;
    const char *start = r->data + r->pos;
    const char *nul = memchr(start, 0, r->len - r->pos);
    if (!nul) {
        fail(r, "invalid string in message");
        return NULL;
    }
    r->pos += (size_t)(nul - start) + 1;
    return start;
}

const char *msg_get_bytes(msg_reader *r, size_t n)
{
    if (!need(r, n))
        return NULL;
    const char *p = r->data + r->pos;
    r->pos += n;
    return p;
}

size_t msg_remaining(const msg_reader *r)
{
    return r->failed ? 0 : r->len - r->pos;
}

bool msg_end_of_message(msg_reader *r)
{
    if (r->failed || r->pos != r->len) {
        fail(r, "invalid message format");
        return false;
    }
    return true;
}
