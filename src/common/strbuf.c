/*
 * strbuf.c — growable byte buffer with a sticky failure flag.  Invariant: unless `failed`,
 * data[len] == 0 and len < cap (when cap > 0).
 */
#include "common/common.h"

#include <stdlib.h>
#include <string.h>

void strbuf_init(strbuf *b)
{
    memset(b, 0, sizeof *b);
}

void strbuf_free(strbuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void strbuf_reset(strbuf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = 0;
}

bool strbuf_reserve(strbuf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->len + extra < b->cap)
        return true;
    size_t want = b->cap ? b->cap : 64;
    while (want <= b->len + extra) {
        if (want > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        want *= 2;
    }
    char *p = realloc(b->data, want);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = want;
    return true;
}

void strbuf_append(strbuf *b, const void *bytes, size_t n)
{
    if (!strbuf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = 0;
}

void strbuf_puts(strbuf *b, const char *s)
{
    strbuf_append(b, s, strlen(s));
}

void strbuf_putc(strbuf *b, char c)
{
    if (!strbuf_reserve(b, 1))
        return;
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

void strbuf_vprintf(strbuf *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return;
    va_list copy;
    va_copy(copy, ap);
    size_t room = b->cap > b->len ? b->cap - b->len : 0;
    int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, copy);
    va_end(copy);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n >= room) {
        if (!strbuf_reserve(b, (size_t)n + 1))
            return;
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void strbuf_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

void strbuf_consume(strbuf *b, size_t n)
{
    if (n >= b->len) {
        strbuf_reset(b);
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = 0;
}

char *strbuf_steal(strbuf *b)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    memset(b, 0, sizeof *b);
    return p;
}
