/*
 * auth_base64.c — base64 (RFC 4648, standard alphabet, padded) as SCRAM messages and the
 * stored SCRAM secret use it.
 *
 * The decoder is strict on purpose: no whitespace, length a multiple of four, '=' only as the
 * last one or two characters, and pad bits zero.  So every accepted text is the canonical
 * encoding of its bytes, and re-encoding a decoded salt gives back the stored text exactly
 * (the server-first-message must carry the salt as PostgreSQL would print it).
 */
#include "proto/auth.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t auth_b64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

size_t auth_b64_encode(const uint8_t *src, size_t n, char *dst)
{
    size_t out = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
        dst[out++] = b64_alphabet[v >> 18];
        dst[out++] = b64_alphabet[(v >> 12) & 63];
        dst[out++] = b64_alphabet[(v >> 6) & 63];
        dst[out++] = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)src[i] << 16;
        dst[out++] = b64_alphabet[v >> 18];
        dst[out++] = b64_alphabet[(v >> 12) & 63];
        dst[out++] = '=';
        dst[out++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
        dst[out++] = b64_alphabet[v >> 18];
        dst[out++] = b64_alphabet[(v >> 12) & 63];
        dst[out++] = b64_alphabet[(v >> 6) & 63];
        dst[out++] = '=';
    }
    dst[out] = 0;
    return out;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long auth_b64_decode(const char *src, size_t n, uint8_t *dst, size_t cap)
{
    if (n % 4 != 0)
        return -1;
    size_t out = 0;
    for (size_t i = 0; i < n; i += 4) {
        bool last = i + 4 == n;
        int pad = 0;
        if (last && src[i + 3] == '=')
            pad = src[i + 2] == '=' ? 2 : 1;
        uint32_t v = 0;
        for (int k = 0; k < 4; k++) {
            int d = k >= 4 - pad ? 0 : b64_value((unsigned char)src[i + k]);
            if (d < 0)
                return -1;
            v = v << 6 | (uint32_t)d;
        }
        size_t bytes = 3 - (size_t)pad;
        /* Non-zero pad bits would make two texts decode alike: refuse them. */
        if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff)))
            return -1;
        if (cap - out < bytes)
            return -1;
        dst[out++] = (uint8_t)(v >> 16);
        if (bytes > 1)
            dst[out++] = (uint8_t)(v >> 8);
        if (bytes > 2)
            dst[out++] = (uint8_t)v;
    }
    return (long)out;
}
