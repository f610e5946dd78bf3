/*
 * types_test.h — helpers shared by the types unit tests: run a codec and return what it
 * produced as a C string ("ERR 22P02 message" on failure) so that each test line reads as
 * "input → PostgreSQL 15's output".  Expected strings and bytes in the tests were captured
 * from a real PostgreSQL 15 (psql against postgresql-15), never from this code.
 */
#ifndef TYPES_TEST_H
#define TYPES_TEST_H

#include "unit.h"
#include "types/types.h"

#include <string.h>

static type_settings S;
static char result_buf[8192];

static void settings_reset(void)
{
    type_settings_default(&S);
    /* 2024-12-31 00:00:00 UTC as the "transaction start" */
    S.now_us = INT64_C(788918400000000);
}

static const char *keep(const char *s, size_t n)
{
    if (n >= sizeof result_buf)
        n = sizeof result_buf - 1;
    if (n)
        memcpy(result_buf, s, n);
    result_buf[n] = 0;
    return result_buf;
}

static const char *err_text(pg_error *e)
{
    snprintf(result_buf, sizeof result_buf, "ERR %s %s", e->sqlstate, e->message ? e->message : "");
    pg_error_clear(e);
    return result_buf;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c - 'A' + 10;
}

/* Text in, then text out: PostgreSQL's SELECT 'input'::type. */
__attribute__((unused)) static const char *roundtrip(pg_oid oid, int32_t typmod, const char *in)
{
    strbuf scratch, out;
    strbuf_init(&scratch);
    strbuf_init(&out);
    pg_error e = {0};
    sql_value v;
    const char *r;
    if (types_text_in(&S, oid, typmod, in, strlen(in), &v, &scratch, &e) && types_text_out(&S, oid, typmod, &v, &out, &e))
        r = keep(out.data, out.len);
    else
        r = err_text(&e);
    strbuf_free(&scratch);
    strbuf_free(&out);
    return r;
}

/* The storage form text_in produces ("INT 42", "FLOAT ...", "TEXT ...", "BLOB hex"). */
__attribute__((unused)) static const char *stored(pg_oid oid, int32_t typmod, const char *in)
{
    strbuf scratch;
    strbuf_init(&scratch);
    pg_error e = {0};
    sql_value v;
    const char *r;
    if (!types_text_in(&S, oid, typmod, in, strlen(in), &v, &scratch, &e)) {
        r = err_text(&e);
    } else if (v.kind == VALUE_INT) {
        snprintf(result_buf, sizeof result_buf, "INT %lld", (long long)v.i);
        r = result_buf;
    } else if (v.kind == VALUE_FLOAT) {
        snprintf(result_buf, sizeof result_buf, "FLOAT %.17g", v.f);
        r = result_buf;
    } else if (v.kind == VALUE_TEXT) {
        snprintf(result_buf, sizeof result_buf, "TEXT %.*s", (int)v.len, v.ptr);
        r = result_buf;
    } else {
        size_t k = (size_t)snprintf(result_buf, sizeof result_buf, "BLOB ");
        for (size_t i = 0; i < v.len && k + 3 < sizeof result_buf; i++)
            k += (size_t)snprintf(result_buf + k, sizeof result_buf - k, "%02x", (unsigned char)v.ptr[i]);
        r = result_buf;
    }
    strbuf_free(&scratch);
    return r;
}

/* Text of a storage value. */
__attribute__((unused)) static const char *output(pg_oid oid, int32_t typmod, sql_value v)
{
    strbuf out;
    strbuf_init(&out);
    pg_error e = {0};
    const char *r = types_text_out(&S, oid, typmod, &v, &out, &e) ? keep(out.data, out.len) : err_text(&e);
    strbuf_free(&out);
    return r;
}

/* Text in, binary out, as hex without "\x" (PostgreSQL's typsend). */
__attribute__((unused)) static const char *send_hex(pg_oid oid, int32_t typmod, const char *in)
{
    strbuf scratch, out;
    strbuf_init(&scratch);
    strbuf_init(&out);
    pg_error e = {0};
    sql_value v;
    const char *r;
    if (types_text_in(&S, oid, typmod, in, strlen(in), &v, &scratch, &e) && types_binary_out(&S, oid, typmod, &v, &out, &e)) {
        size_t k = 0;
        for (size_t i = 0; i < out.len && k + 3 < sizeof result_buf; i++)
            k += (size_t)snprintf(result_buf + k, sizeof result_buf - k, "%02x", (unsigned char)out.data[i]);
        result_buf[k] = 0;
        r = result_buf;
    } else {
        r = err_text(&e);
    }
    strbuf_free(&scratch);
    strbuf_free(&out);
    return r;
}

/* Binary in (from hex), then text out (PostgreSQL's typreceive). */
__attribute__((unused)) static const char *recv_hex(pg_oid oid, int32_t typmod, const char *hex)
{
    size_t n = strlen(hex) / 2;
    char bytes[4096];
    for (size_t i = 0; i < n && i < sizeof bytes; i++)
        bytes[i] = (char)((hexval(hex[2 * i]) << 4) | hexval(hex[2 * i + 1]));
    strbuf scratch, out;
    strbuf_init(&scratch);
    strbuf_init(&out);
    pg_error e = {0};
    sql_value v;
    const char *r;
    if (types_binary_in(&S, oid, typmod, bytes, n, &v, &scratch, &e) && types_text_out(&S, oid, typmod, &v, &out, &e))
        r = keep(out.data, out.len);
    else
        r = err_text(&e);
    strbuf_free(&scratch);
    strbuf_free(&out);
    return r;
}

/* The DETAIL of the error a text input raises. */
__attribute__((unused)) static const char *in_detail(pg_oid oid, int32_t typmod, const char *in)
{
    strbuf scratch;
    strbuf_init(&scratch);
    pg_error e = {0};
    sql_value v;
    const char *r = "(no error)";
    if (!types_text_in(&S, oid, typmod, in, strlen(in), &v, &scratch, &e)) {
        snprintf(result_buf, sizeof result_buf, "%s", e.detail ? e.detail : "(no detail)");
        r = result_buf;
    }
    pg_error_clear(&e);
    strbuf_free(&scratch);
    return r;
}

#endif
