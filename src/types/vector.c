/*
 * vector.c — pgvector's `vector`: text form "[1,2.5,3]" (input tolerant of white space,
 * output with each element in float4's shortest round-trip form, as pgvector prints it),
 * binary form int16 dim, int16 unused (0), dim × float4.  The typmod is the dimension count.
 *
 * Storage form: BLOB of little-endian float32.  Errors are pgvector's: 22P02 syntax,
 * 22000 "vector must have at least 1 dimension", "expected N dimensions, not M",
 * "NaN not allowed in vector", "infinite value not allowed in vector", 54000 above 16000.
 */
#include "types/types_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#define VECTOR_MAX_DIM 16000

static void put_le_float(strbuf *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    unsigned char le[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16), (unsigned char)(u >> 24)};
    strbuf_append(b, le, 4);
}

static float get_le_float(const char *p)
{
    const unsigned char *q = (const unsigned char *)p;
    uint32_t u = (uint32_t)q[0] | ((uint32_t)q[1] << 8) | ((uint32_t)q[2] << 16) | ((uint32_t)q[3] << 24);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static bool check_element(float v, pg_error *err)
{
    if (isnan(v)) {
        pg_error_set(err, "22000", "NaN not allowed in vector");
        return false;
    }
    if (isinf(v)) {
        pg_error_set(err, "22000", "infinite value not allowed in vector");
        return false;
    }
    return true;
}

static bool check_dims(int dim, int32_t typmod, pg_error *err)
{
    if (dim < 1) {
        pg_error_set(err, "22000", "vector must have at least 1 dimension");
        return false;
    }
    if (dim > VECTOR_MAX_DIM) {
        pg_error_set(err, "54000", "vector cannot have more than %d dimensions", VECTOR_MAX_DIM);
        return false;
    }
    if (typmod != -1 && typmod != dim) {
        pg_error_set(err, "22000", "expected %d dimensions, not %d", typmod, dim);
        return false;
    }
    return true;
}

static bool vector_syntax(pg_error *err, const char *p, size_t n, const char *detail)
{
    pg_error_set(err, "22P02", "invalid input syntax for type vector: \"%.*s\"", (int)n, p);
    if (detail)
        pg_error_detail(err, "%s", detail);
    return false;
}

static bool vector_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    size_t i = 0;
    while (i < n && types_isspace(p[i]))
        i++;
    if (i >= n || p[i] != '[')
        return vector_syntax(err, p, n, "Vector contents must start with \"[\".");
    i++;
    while (i < n && types_isspace(p[i]))
        i++;
    if (i < n && p[i] == ']') {
        pg_error_set(err, "22000", "vector must have at least 1 dimension");
        return false;
    }
    size_t start = scratch->len;
    int dim = 0;
    for (;;) {
        if (dim == VECTOR_MAX_DIM) {
            scratch->len = start;
            return check_dims(dim + 1, -1, err);
        }
        while (i < n && types_isspace(p[i]))
            i++;
        /* strtof needs a terminator: numbers are short, copy one at a time */
        char num[64];
        size_t k = 0;
        while (i + k < n && k < sizeof num - 1 && p[i + k] != ',' && p[i + k] != ']' && !types_isspace(p[i + k]))
            k++;
        memcpy(num, p + i, k);
        num[k] = 0;
        if (k == 0 || k == sizeof num - 1)
            return vector_syntax(err, p, n, NULL);
        char *end;
        errno = 0;
        float v = strtof(num, &end);
        if (end == num || *end != 0)
            return vector_syntax(err, p, n, NULL);
        if (errno == ERANGE && isinf(v)) {
            pg_error_set(err, "22003", "\"%s\" is out of range for type vector", num);
            return false;
        }
        if (!check_element(v, err))
            return false;
        put_le_float(scratch, v);
        dim++;
        i += k;
        while (i < n && types_isspace(p[i]))
            i++;
        if (i < n && p[i] == ',') {
            i++;
        } else if (i < n && p[i] == ']') {
            i++;
            break;
        } else {
            return vector_syntax(err, p, n, NULL);
        }
    }
    while (i < n && types_isspace(p[i]))
        i++;
    if (i != n)
        return vector_syntax(err, p, n, "Junk after closing right brace.");
    if (!check_dims(dim, typmod, err))
        return false;
    types_scratch_finish(scratch, start, VALUE_BLOB, out);
    return true;
}

static bool vector_bytes(const sql_value *v, const char **p, size_t *n, pg_error *err)
{
    if (v->kind != VALUE_BLOB || v->len % 4 != 0) {
        pg_error_set(err, "XX000", "vector value is not in storage form");
        return false;
    }
    *p = v->ptr;
    *n = v->len / 4;
    return true;
}

static bool vector_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    if (v->kind == VALUE_TEXT) {
        /* An engine that kept the text form (e.g. IRIS's vectors as strings): normalise it. */
        strbuf scratch;
        strbuf_init(&scratch);
        sql_value b;
        bool ok = vector_text_in(s, -1, v->ptr, v->len, &b, &scratch, err) && vector_text_out(s, typmod, &b, out, err);
        strbuf_free(&scratch);
        return ok;
    }
    const char *p;
    size_t dim;
    if (!vector_bytes(v, &p, &dim, err))
        return false;
    if (!strbuf_reserve(out, 2 + dim * 16))
        return true;
    char *w = out->data + out->len;
    *w++ = '[';
    for (size_t i = 0; i < dim; i++) {
        if (i)
            *w++ = ',';
        w += types_float4_shortest(get_le_float(p + 4 * i), w);
    }
    *w++ = ']';
    out->len = (size_t)(w - out->data);
    out->data[out->len] = 0;
    return true;
}

static bool vector_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    const char *p;
    size_t dim;
    if (!vector_bytes(v, &p, &dim, err))
        return false;
    bin_put_i16(out, (int16_t)dim);
    bin_put_i16(out, 0);
    for (size_t i = 0; i < dim; i++) {
        float f = get_le_float(p + 4 * i);
        uint32_t u;
        memcpy(&u, &f, 4);
        bin_put_i32(out, (int32_t)u);
    }
    return true;
}

static bool vector_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    bin_cursor c = {(const unsigned char *)p, n};
    int16_t dim, unused;
    if (!bin_get_i16(&c, &dim) || !bin_get_i16(&c, &unused))
        return types_err_insufficient(err);
    if (!check_dims(dim, typmod, err))
        return false;
    if (unused != 0) {
        pg_error_set(err, "22P03", "expected unused to be 0, not %d", unused);
        return false;
    }
    size_t start = scratch->len;
    for (int i = 0; i < dim; i++) {
        int32_t u;
        if (!bin_get_i32(&c, &u)) {
            scratch->len = start;
            return types_err_insufficient(err);
        }
        float f;
        memcpy(&f, &u, 4);
        if (!check_element(f, err)) {
            scratch->len = start;
            return false;
        }
        put_le_float(scratch, f);
    }
    if (c.left) {
        scratch->len = start;
        return types_err_binary(err);
    }
    types_scratch_finish(scratch, start, VALUE_BLOB, out);
    return true;
}

const type_codec types_codec_vector = {vector_text_out, vector_text_in, vector_binary_out, vector_binary_in};
