/*
 * types_util.c — the small helpers every codec of src/types uses: PostgreSQL's input error
 * messages, coercion of engine values of an unexpected kind, scratch-buffer results and a
 * bounds-checked big-endian cursor for binary input.
 */
#include "types/types_internal.h"

#include <math.h>
#include <stdlib.h>

bool types_err_syntax(pg_error *err, const char *sqlname, const char *text, size_t len)
{
    pg_error_set(err, "22P02", "invalid input syntax for type %s: \"%.*s\"", sqlname, (int)len, text);
    return false;
}

bool types_err_range(pg_error *err, const char *sqlname, const char *text, size_t len)
{
    pg_error_set(err, "22003", "value \"%.*s\" is out of range for type %s", (int)len, text, sqlname);
    return false;
}

bool types_err_binary(pg_error *err)
{
    pg_error_set(err, "22P03", "incorrect binary data format");
    return false;
}

/* PostgreSQL raises this from pq_getmsg* as a protocol violation (08P01), yet as an ordinary
 * ERROR of the Bind, not a fatal one. */
bool types_err_insufficient(pg_error *err)
{
    pg_error_set(err, "08P01", "insufficient data left in message");
    return false;
}

bool types_value_as_int64(const sql_value *v, const char *sqlname, int64_t *out, pg_error *err)
{
    switch (v->kind) {
    case VALUE_INT:
        *out = v->i;
        return true;
    case VALUE_FLOAT:
        /* rint as PostgreSQL's float-to-int casts; the range test is on the rounded value. */
        if (isnan(v->f) || !(rint(v->f) >= -9223372036854775808.0 && rint(v->f) < 9223372036854775808.0)) {
            pg_error_set(err, "22003", "%s out of range", sqlname);
            return false;
        }
        *out = (int64_t)rint(v->f);
        return true;
    case VALUE_TEXT:
    case VALUE_BLOB:
        return types_parse_int(v->ptr ? v->ptr : "", v->len, 64, out, err);
    case VALUE_NULL:
        break;
    }
    pg_error_set(err, "22004", "null value cannot be converted to %s", sqlname);
    return false;
}

bool types_value_as_double(const sql_value *v, double *out, pg_error *err)
{
    switch (v->kind) {
    case VALUE_INT:
        *out = (double)v->i;
        return true;
    case VALUE_FLOAT:
        *out = v->f;
        return true;
    case VALUE_TEXT:
    case VALUE_BLOB:
        return types_parse_float8(v->ptr ? v->ptr : "", v->len, out, err);
    case VALUE_NULL:
        break;
    }
    pg_error_set(err, "22004", "null value cannot be converted to double precision");
    return false;
}

void types_scratch_finish(strbuf *scratch, size_t start, value_kind kind, sql_value *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    if (scratch->failed || !scratch->data) {
        /* nothing appended (or out of memory, which codec.c reports) */
        out->ptr = "";
        out->len = 0;
        return;
    }
    out->ptr = scratch->data + start;
    out->len = scratch->len - start;
}

void types_scratch_text(strbuf *scratch, const char *p, size_t n, sql_value *out)
{
    size_t start = scratch->len;
    strbuf_append(scratch, p, n);
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
}

void types_scratch_blob(strbuf *scratch, const void *p, size_t n, sql_value *out)
{
    size_t start = scratch->len;
    strbuf_append(scratch, p, n);
    types_scratch_finish(scratch, start, VALUE_BLOB, out);
}

bool types_word_eq(const char *p, size_t n, const char *lower_word)
{
    size_t i = 0;
    for (; i < n; i++) {
        if (!lower_word[i] || types_tolower(p[i]) != lower_word[i])
            return false;
    }
    return lower_word[i] == 0;
}

void types_trim(const char **p, size_t *n)
{
    while (*n && types_isspace(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && types_isspace((*p)[*n - 1]))
        (*n)--;
}

bool bin_get_u8(bin_cursor *c, uint8_t *v)
{
    if (c->left < 1)
        return false;
    *v = c->p[0];
    c->p++;
    c->left--;
    return true;
}

bool bin_get_i16(bin_cursor *c, int16_t *v)
{
    if (c->left < 2)
        return false;
    *v = (int16_t)(uint16_t)((c->p[0] << 8) | c->p[1]);
    c->p += 2;
    c->left -= 2;
    return true;
}

bool bin_get_i32(bin_cursor *c, int32_t *v)
{
    if (c->left < 4)
        return false;
    *v = (int32_t)(((uint32_t)c->p[0] << 24) | ((uint32_t)c->p[1] << 16) | ((uint32_t)c->p[2] << 8) | c->p[3]);
    c->p += 4;
    c->left -= 4;
    return true;
}

bool bin_get_i64(bin_cursor *c, int64_t *v)
{
    if (c->left < 8)
        return false;
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = (u << 8) | c->p[i];
    *v = (int64_t)u;
    c->p += 8;
    c->left -= 8;
    return true;
}

void bin_put_i16(strbuf *out, int16_t v)
{
    unsigned char b[2] = {(unsigned char)((uint16_t)v >> 8), (unsigned char)v};
    strbuf_append(out, b, 2);
}

void bin_put_i32(strbuf *out, int32_t v)
{
    uint32_t u = (uint32_t)v;
    unsigned char b[4] = {(unsigned char)(u >> 24), (unsigned char)(u >> 16), (unsigned char)(u >> 8), (unsigned char)u};
    strbuf_append(out, b, 4);
}

void bin_put_i64(strbuf *out, int64_t v)
{
    uint64_t u = (uint64_t)v;
    unsigned char b[8];
    for (int i = 7; i >= 0; i--, u >>= 8)
        b[i] = (unsigned char)u;
    strbuf_append(out, b, 8);
}
