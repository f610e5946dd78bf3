/*
 * numeric_codec.c — numeric's text and binary codecs and its conversions.
 *
 * Storage form: TEXT, canonical (numeric_out of the value after the column's typmod).  Text
 * output copies it; binary output re-derives PostgreSQL's base-10000 layout:
 *   int16 ndigits, int16 weight, int16 sign (0x0000 +, 0x4000 -, 0xC000 NaN, 0xD000 +Inf,
 *   0xF000 -Inf), int16 dscale, ndigits × int16 digits (0..9999)
 * Infinity is sent with dscale 32, as PostgreSQL 15 does (its short-header bits leak there).
 */
#include "types/types_internal.h"

#include <math.h>
#include <stdlib.h>

#define NUMERIC_POS 0x0000
#define NUMERIC_NEG 0x4000
#define NUMERIC_NAN 0xC000
#define NUMERIC_PINF 0xD000
#define NUMERIC_NINF 0xF000
#define NUMERIC_MAX_DIGITS (1000 + 1000)   /* NUMERIC_MAX_PRECISION + NUMERIC_MAX_RESULT_SCALE */

/* Parse the storage form (or any value kind an engine returned) into x. */
bool types_num_of_value(const sql_value *v, num *x, pg_error *err)
{
    switch (v->kind) {
    case VALUE_INT:
        if (!num_from_int64(x, v->i)) {
            pg_error_oom(err);
            return false;
        }
        return true;
    case VALUE_FLOAT: {
        strbuf b;
        strbuf_init(&b);
        types_numeric_from_double(v->f, &b);
        bool ok = !b.failed && num_parse(b.data, b.len, x, err);
        if (b.failed)
            pg_error_oom(err);
        strbuf_free(&b);
        return ok;
    }
    case VALUE_TEXT:
    case VALUE_BLOB:
        return num_parse(v->ptr ? v->ptr : "", v->len, x, err);
    case VALUE_NULL:
        break;
    }
    pg_error_set(err, "22004", "null value cannot be converted to numeric");
    return false;
}

static bool numeric_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    if (v->kind == VALUE_TEXT) {
        strbuf_append(out, v->ptr, v->len);
        return true;
    }
    if (v->kind == VALUE_INT && typmod < 4) {
        types_append_int64(out, v->i);
        return true;
    }
    /* An engine number in a numeric(p,s) column (SQLite computes in INT/REAL): print it
     * with the column's scale, as the stored canonical text would have it. */
    num x;
    num_init(&x);
    bool ok = types_num_of_value(v, &x, err);
    if (ok && typmod >= 4 && x.kind == NUM_FINITE) {
        int scale = types_numeric_typmod_scale(typmod);
        ok = num_round(&x, scale);
        x.dscale = scale < 0 ? 0 : scale;
        if (!ok)
            pg_error_oom(err);
    }
    if (ok)
        num_format(&x, out);
    num_free(&x);
    return ok;
}

static bool finish_text(num *x, int32_t typmod, sql_value *out, strbuf *scratch, pg_error *err)
{
    if (!num_apply_typmod(x, typmod, err) || !num_check_limits(x, err))
        return false;
    size_t start = scratch->len;
    num_format(x, scratch);
    if (scratch->failed) {
        pg_error_oom(err);
        return false;
    }
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

static bool numeric_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    num x;
    num_init(&x);
    bool ok = num_parse(p, n, &x, err) && finish_text(&x, typmod, out, scratch, err);
    num_free(&x);
    return ok;
}

static bool numeric_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    num x;
    num_init(&x);
    if (!types_num_of_value(v, &x, err)) {
        num_free(&x);
        return false;
    }
    num work;
    num_init(&work);
    int weight;
    uint32_t low;
    if (!num_pg_layout(&x, &work, &weight, &low)) {
        num_free(&work);
        num_free(&x);
        pg_error_oom(err);
        return false;
    }
    int ndigits = (int)(work.n - low);
    int sign = NUMERIC_POS, dscale = x.dscale;
    switch (x.kind) {
    case NUM_NAN: sign = NUMERIC_NAN; dscale = 0; break;
    case NUM_PINF: sign = NUMERIC_PINF; dscale = 32; break;
    case NUM_NINF: sign = NUMERIC_NINF; dscale = 32; break;
    case NUM_FINITE: sign = x.neg ? NUMERIC_NEG : NUMERIC_POS; break;
    }
    bin_put_i16(out, (int16_t)ndigits);
    bin_put_i16(out, (int16_t)weight);
    bin_put_i16(out, (int16_t)sign);
    bin_put_i16(out, (int16_t)dscale);
    for (uint32_t i = work.n; i-- > low;)
        bin_put_i16(out, (int16_t)work.d[i]);
    num_free(&work);
    num_free(&x);
    return true;
}

static bool numeric_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    bin_cursor c = {(const unsigned char *)p, n};
    int16_t ndigits, weight, sign16, dscale16;
    if (!bin_get_i16(&c, &ndigits))
        return types_err_insufficient(err);
    if (ndigits < 0 || ndigits > NUMERIC_MAX_DIGITS) {
        pg_error_set(err, "22P03", "invalid length in external \"numeric\" value");
        return false;
    }
    if (!bin_get_i16(&c, &weight) || !bin_get_i16(&c, &sign16))
        return types_err_insufficient(err);
    int sign = (uint16_t)sign16;
    if (sign != NUMERIC_POS && sign != NUMERIC_NEG && sign != NUMERIC_NAN && sign != NUMERIC_PINF && sign != NUMERIC_NINF) {
        pg_error_set(err, "22P03", "invalid sign in external \"numeric\" value");
        return false;
    }
    if (!bin_get_i16(&c, &dscale16))
        return types_err_insufficient(err);
    int dscale = (uint16_t)dscale16;
    if ((dscale & 0x3FFF) != dscale) {
        pg_error_set(err, "22P03", "invalid scale in external \"numeric\" value");
        return false;
    }
    num x;
    num_init(&x);
    bool ok = num_reserve(&x, (uint32_t)ndigits + 1);
    if (!ok) {
        pg_error_oom(err);
        return false;
    }
    for (int i = 0; i < ndigits; i++) {
        int16_t d;
        if (!bin_get_i16(&c, &d)) {
            num_free(&x);
            return types_err_insufficient(err);
        }
        if (d < 0 || d >= NUM_NBASE) {
            num_free(&x);
            pg_error_set(err, "22P03", "invalid digit in external \"numeric\" value");
            return false;
        }
        x.d[ndigits - 1 - i] = (uint32_t)d;
    }
    if (c.left) {
        num_free(&x);
        return types_err_binary(err);
    }
    if (sign == NUMERIC_NAN || sign == NUMERIC_PINF || sign == NUMERIC_NINF) {
        num_set_special(&x, sign == NUMERIC_NAN ? NUM_NAN : sign == NUMERIC_PINF ? NUM_PINF : NUM_NINF);
    } else {
        x.n = (uint32_t)ndigits;
        while (x.n && x.d[x.n - 1] == 0)
            x.n--;
        x.neg = sign == NUMERIC_NEG && x.n > 0;
        x.exp10 = (weight - (ndigits - 1)) * 4;
        x.dscale = dscale;
        /* Digits hidden by dscale are cut away, as numeric_recv does. */
        if (!num_trunc(&x, dscale)) {
            num_free(&x);
            pg_error_oom(err);
            return false;
        }
    }
    ok = finish_text(&x, typmod, out, scratch, err);
    num_free(&x);
    return ok;
}

const type_codec types_codec_numeric = {numeric_text_out, numeric_text_in, numeric_binary_out, numeric_binary_in};

/* ---------------------------------------------------------------- conversions */

void types_numeric_from_int64(int64_t v, strbuf *out)
{
    types_append_int64(out, v);
}

void types_numeric_from_double(double v, strbuf *out)
{
    if (isnan(v)) {
        strbuf_puts(out, "NaN");
        return;
    }
    if (isinf(v)) {
        strbuf_puts(out, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    /* float8_numeric: DBL_DIG significant digits through numeric_in. */
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", 15, v);
    num x;
    num_init(&x);
    pg_error err = {0};
    if (num_parse(buf, strlen(buf), &x, &err))
        num_format(&x, out);
    else
        out->failed = true;
    pg_error_clear(&err);
    num_free(&x);
}

bool types_numeric_to_double(const char *a, size_t alen, double *out, pg_error *err)
{
    num x;
    num_init(&x);
    bool ok = num_parse(a, alen, &x, err);
    if (ok) {
        *out = num_to_double(&x);
        if (x.kind == NUM_FINITE && isinf(*out)) {
            pg_error_set(err, "22003", "value out of range: overflow");
            ok = false;
        }
    }
    num_free(&x);
    return ok;
}

bool types_numeric_to_int64(const char *a, size_t alen, int64_t *out, pg_error *err)
{
    num x;
    num_init(&x);
    bool ok = num_parse(a, alen, &x, err);
    if (ok && x.kind != NUM_FINITE) {
        pg_error_set(err, "0A000", "cannot convert %s to bigint", x.kind == NUM_NAN ? "NaN" : "infinity");
        ok = false;
    }
    if (ok && !num_round(&x, 0)) {
        pg_error_oom(err);
        ok = false;
    }
    if (ok) {
        /* After rounding the exponent is >= 0: the value is coef × 10^exp10. */
        int dw = num_decimal_weight(&x);
        if (x.n && dw > 18) {
            pg_error_set(err, "22003", "bigint out of range");
            ok = false;
        } else {
            __int128 acc = 0;
            for (uint32_t i = x.n; i-- > 0;)
                acc = acc * NUM_NBASE + x.d[i];
            for (int32_t e = 0; e < x.exp10; e++)
                acc *= 10;
            if (x.neg)
                acc = -acc;
            if (acc > INT64_MAX || acc < INT64_MIN) {
                pg_error_set(err, "22003", "bigint out of range");
                ok = false;
            } else {
                *out = (int64_t)acc;
            }
        }
    }
    num_free(&x);
    return ok;
}

bool types_numeric_apply_typmod(const char *a, size_t alen, int32_t typmod, strbuf *out, pg_error *err)
{
    num x;
    num_init(&x);
    bool ok = num_parse(a, alen, &x, err) && num_apply_typmod(&x, typmod, err);
    if (ok)
        num_format(&x, out);
    num_free(&x);
    return ok;
}
