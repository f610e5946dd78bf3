/*
 * bytea_uuid.c — bytea (hex and escape forms) and uuid.
 *
 * bytea storage form: BLOB.  Output follows bytea_output: hex "\x0a1b" or escape (printable
 * ASCII as is, backslash doubled, everything else \ooo).  Input accepts both forms as byteain
 * does: hex with white space allowed between byte pairs, escape with \\ and \ooo only.
 * uuid storage form: TEXT, 36 lower-case characters; input accepts braces, upper case and a
 * hyphen after any group of four hex digits, nothing else (no white space), as uuid_in.
 */
#include "types/types_internal.h"

static const char hexdigits[] = "0123456789abcdef";

static bool bytea_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod), UNUSED(err);
    const char *p;
    size_t n;
    if (!types_value_bytes(v, &p, &n)) {
        /* An engine number in a bytea column: its text is the content. */
        char buf[40];
        if (v->kind == VALUE_INT) {
            n = types_int64_to_text(v->i, buf);
        } else {
            n = types_float8_shortest(v->f, buf);
        }
        sql_value b = value_blob(buf, n);
        return bytea_text_out(s, typmod, &b, out, err);
    }
    if (s->bytea_output == BYTEA_OUTPUT_HEX) {
        if (!strbuf_reserve(out, 2 + 2 * n))
            return true;
        char *w = out->data + out->len;
        *w++ = '\\';
        *w++ = 'x';
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            *w++ = hexdigits[c >> 4];
            *w++ = hexdigits[c & 15];
        }
        out->len += 2 + 2 * n;
        out->data[out->len] = 0;
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\\') {
            strbuf_append(out, "\\\\", 2);
        } else if (c < 0x20 || c > 0x7e) {
            char oct[4] = {'\\', (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)), (char)('0' + (c & 7))};
            strbuf_append(out, oct, 4);
        } else {
            strbuf_putc(out, (char)c);
        }
    }
    return true;
}

static bool hex_in(const char *p, size_t n, strbuf *scratch, pg_error *err)
{
    size_t i = 0;
    while (i < n) {
        char c = p[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        int hi = types_hexval(c);
        if (hi < 0) {
            pg_error_set(err, "22023", "invalid hexadecimal digit: \"%.*s\"", (int)(((unsigned char)c & 0xC0) == 0xC0 ? 2 : 1), p + i);
            return false;
        }
        if (i + 1 >= n) {
            pg_error_set(err, "22023", "invalid hexadecimal data: odd number of digits");
            return false;
        }
        int lo = types_hexval(p[i + 1]);
        if (lo < 0) {
            pg_error_set(err, "22023", "invalid hexadecimal digit: \"%.*s\"", (int)(((unsigned char)p[i + 1] & 0xC0) == 0xC0 ? 2 : 1), p + i + 1);
            return false;
        }
        strbuf_putc(scratch, (char)((hi << 4) | lo));
        i += 2;
    }
    return true;
}

static bool bytea_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    size_t start = scratch->len;
    if (n >= 2 && p[0] == '\\' && p[1] == 'x') {
        if (!hex_in(p + 2, n - 2, scratch, err))
            return false;
        types_scratch_finish(scratch, start, VALUE_BLOB, out);
        return true;
    }
    for (size_t i = 0; i < n;) {
        if (p[i] != '\\') {
            strbuf_putc(scratch, p[i++]);
        } else if (i + 1 < n && p[i + 1] == '\\') {
            strbuf_putc(scratch, '\\');
            i += 2;
        } else if (i + 3 < n && p[i + 1] >= '0' && p[i + 1] <= '3' && p[i + 2] >= '0' && p[i + 2] <= '7' &&
                   p[i + 3] >= '0' && p[i + 3] <= '7') {
            strbuf_putc(scratch, (char)(((p[i + 1] - '0') << 6) | ((p[i + 2] - '0') << 3) | (p[i + 3] - '0')));
            i += 4;
        } else {
            scratch->len = start;
            pg_error_set(err, "22P02", "invalid input syntax for type bytea");
            return false;
        }
    }
    types_scratch_finish(scratch, start, VALUE_BLOB, out);
    return true;
}

static bool bytea_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    const char *p;
    size_t n;
    if (types_value_bytes(v, &p, &n)) {
        strbuf_append(out, p, n);
        return true;
    }
    type_settings text_settings;
    type_settings_default(&text_settings);
    text_settings.bytea_output = BYTEA_OUTPUT_ESCAPE;   /* digits print as themselves */
    return bytea_text_out(&text_settings, typmod, v, out, err);
}

static bool bytea_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    types_scratch_blob(scratch, p, n, out);
    return true;
}

const type_codec types_codec_bytea = {bytea_text_out, bytea_text_in, bytea_binary_out, bytea_binary_in};

/* ---------------------------------------------------------------- uuid */

static bool uuid_parse(const char *p, size_t n, unsigned char bytes[16])
{
    size_t i = 0;
    bool braces = n > 0 && p[0] == '{';
    if (braces)
        i++;
    for (int b = 0; b < 16; b++) {
        if (i + 1 >= n)
            return false;
        int hi = types_hexval(p[i]), lo = types_hexval(p[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        bytes[b] = (unsigned char)((hi << 4) | lo);
        i += 2;
        if (i < n && p[i] == '-' && (b % 2) == 1 && b < 15)
            i++;
    }
    if (braces) {
        if (i >= n || p[i] != '}')
            return false;
        i++;
    }
    return i == n;
}

static void uuid_format(const unsigned char bytes[16], char text[36])
{
    size_t w = 0;
    for (int b = 0; b < 16; b++) {
        if (b == 4 || b == 6 || b == 8 || b == 10)
            text[w++] = '-';
        text[w++] = hexdigits[bytes[b] >> 4];
        text[w++] = hexdigits[bytes[b] & 15];
    }
}

static bool uuid_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    unsigned char bytes[16];
    if (!uuid_parse(p, n, bytes))
        return types_err_syntax(err, "uuid", p, n);
    char text[36];
    uuid_format(bytes, text);
    types_scratch_text(scratch, text, 36, out);
    return true;
}

/* The stored text is canonical already; anything else (a BLOB of 16 bytes from an engine
 * with a native uuid, or a hand-written value) is normalised. */
static bool uuid_bytes_of(const sql_value *v, unsigned char bytes[16], pg_error *err)
{
    const char *p;
    size_t n;
    if (!types_value_bytes(v, &p, &n)) {
        pg_error_set(err, "22P02", "invalid input syntax for type uuid: \"%lld\"", (long long)v->i);
        return false;
    }
    if (v->kind == VALUE_BLOB && n == 16) {
        memcpy(bytes, p, 16);
        return true;
    }
    if (!uuid_parse(p, n, bytes))
        return types_err_syntax(err, "uuid", p, n);
    return true;
}

static bool uuid_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    if (v->kind == VALUE_TEXT && v->len == 36) {
        strbuf_append(out, v->ptr, 36);
        return true;
    }
    unsigned char bytes[16];
    if (!uuid_bytes_of(v, bytes, err))
        return false;
    char text[36];
    uuid_format(bytes, text);
    strbuf_append(out, text, 36);
    return true;
}

static bool uuid_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    unsigned char bytes[16];
    if (!uuid_bytes_of(v, bytes, err))
        return false;
    strbuf_append(out, bytes, 16);
    return true;
}

static bool uuid_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    if (n < 16)
        return types_err_insufficient(err);
    if (n > 16)
        return types_err_binary(err);
    char text[36];
    uuid_format((const unsigned char *)p, text);
    types_scratch_text(scratch, text, 36, out);
    return true;
}

const type_codec types_codec_uuid = {uuid_text_out, uuid_text_in, uuid_binary_out, uuid_binary_in};
