/*
 * int_bool.c — bool, int2, int4, int8 and oid: text and binary codecs.
 *
 * Storage form: INT.  Input follows PostgreSQL 15's pg_strtoint*: optional white space, sign,
 * decimal digits (at least one), optional white space; no hex, no underscores (those came in
 * 16).  oid input is strtoul-like: "-1" is 4294967295, as oidin accepts it.  Output of an
 * integer is the hot path of every result set: types_int64_to_text writes digits without
 * printf.
 */
#include "types/types_internal.h"

#include <stdlib.h>

size_t types_int64_to_text(int64_t v, char *buf)
{
    char tmp[24];
    size_t n = 0;
    /* Work on the negative magnitude so INT64_MIN needs no special case. */
    int64_t x = v < 0 ? v : -v;
    do {
        tmp[n++] = (char)('0' - (x % 10));
        x /= 10;
    } while (x);
    size_t len = 0;
    if (v < 0)
        buf[len++] = '-';
    while (n)
        buf[len++] = tmp[--n];
    return len;
}

void types_append_int64(strbuf *out, int64_t v)
{
    char buf[24];
    strbuf_append(out, buf, types_int64_to_text(v, buf));
}

static const char *int_sqlname(int bits)
{
    return bits == 16 ? "smallint" : bits == 32 ? "integer" : "bigint";
}

bool types_parse_int(const char *p, size_t n, int bits, int64_t *out, pg_error *err)
{
    const char *s = p, *end = p + n;
    while (s < end && types_isspace(*s))
        s++;
    bool neg = false;
    if (s < end && (*s == '-' || *s == '+'))
        neg = *s++ == '-';
    if (s == end || !types_isdigit(*s))
        return types_err_syntax(err, int_sqlname(bits), p, n);
    uint64_t limit = bits == 16 ? 32767u : bits == 32 ? 2147483647u : UINT64_C(9223372036854775807);
    if (neg)
        limit++;
    uint64_t acc = 0;
    bool overflow = false;
    for (; s < end && types_isdigit(*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (acc > (limit - d) / 10)
            overflow = true;
        else
            acc = acc * 10 + d;
    }
    while (s < end && types_isspace(*s))
        s++;
    if (s != end)
        return types_err_syntax(err, int_sqlname(bits), p, n);
    if (overflow)
        return types_err_range(err, int_sqlname(bits), p, n);
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return true;
}

/* parse_bool_with_len: a case-insensitive prefix of true/false/yes/no, on/off (two letters
 * at least), or exactly 1/0, with surrounding white space. */
bool types_parse_bool(const char *p, size_t n, bool *out, pg_error *err)
{
    const char *s = p;
    size_t len = n;
    types_trim(&s, &len);
    if (len > 0) {
        static const struct { const char *word; size_t min; bool value; } words[] = {
            {"true", 1, true}, {"false", 1, false}, {"yes", 1, true}, {"no", 1, false},
            {"on", 2, true}, {"off", 2, false},
        };
        for (size_t w = 0; w < ARRAY_LEN(words); w++) {
            size_t wl = strlen(words[w].word);
            if (len < words[w].min || len > wl)
                continue;
            size_t i = 0;
            while (i < len && types_tolower(s[i]) == words[w].word[i])
                i++;
            if (i == len) {
                *out = words[w].value;
                return true;
            }
        }
        if (len == 1 && (s[0] == '1' || s[0] == '0')) {
            *out = s[0] == '1';
            return true;
        }
    }
    return types_err_syntax(err, "boolean", p, n);
}

/* ---------------------------------------------------------------- bool */

static bool bool_of_value(const sql_value *v, bool *b, pg_error *err)
{
    if (v->kind == VALUE_TEXT || v->kind == VALUE_BLOB)
        return types_parse_bool(v->ptr, v->len, b, err);
    *b = v->kind == VALUE_FLOAT ? v->f != 0 : v->i != 0;
    return true;
}

static bool bool_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    bool b;
    if (!bool_of_value(v, &b, err))
        return false;
    strbuf_putc(out, b ? 't' : 'f');
    return true;
}

static bool bool_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    bool b;
    if (!types_parse_bool(p, n, &b, err))
        return false;
    *out = value_int(b);
    return true;
}

static bool bool_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    bool b;
    if (!bool_of_value(v, &b, err))
        return false;
    strbuf_putc(out, b ? 1 : 0);
    return true;
}

static bool bool_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    if (n < 1) {
        /* pq_getmsgbyte's words, not pq_getmsgint's */
        pg_error_set(err, "08P01", "no data left in message");
        return false;
    }
    if (n > 1)
        return types_err_binary(err);
    *out = value_int(p[0] != 0);
    return true;
}

const type_codec types_codec_bool = {bool_text_out, bool_text_in, bool_binary_out, bool_binary_in};

/* ---------------------------------------------------------------- int2/int4/int8 */

static bool int_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t i;
    if (v->kind == VALUE_INT)
        i = v->i;
    else if (!types_value_as_int64(v, "bigint", &i, err))
        return false;
    types_append_int64(out, i);
    return true;
}

#define INT_TEXT_IN(name, bits)                                                                  \
    static bool name(const type_settings *s, int32_t typmod, const char *p, size_t n,            \
                     sql_value *out, strbuf *scratch, pg_error *err)                            \
    {                                                                                            \
        UNUSED(s), UNUSED(typmod), UNUSED(scratch);                                              \
        int64_t i;                                                                               \
        if (!types_parse_int(p, n, bits, &i, err))                                               \
            return false;                                                                        \
        *out = value_int(i);                                                                     \
        return true;                                                                             \
    }
INT_TEXT_IN(int2_text_in, 16)
INT_TEXT_IN(int4_text_in, 32)
INT_TEXT_IN(int8_text_in, 64)

/* Binary send of an integer of `bytes` width; a stored value outside the type's range is the
 * engine's doing and is reported as PostgreSQL reports a failed cast. */
static bool int_binary_out_width(const sql_value *v, int bytes, const char *range_msg, strbuf *out, pg_error *err)
{
    int64_t i;
    if (!types_value_as_int64(v, "bigint", &i, err))
        return false;
    if ((bytes == 2 && (i < INT16_MIN || i > INT16_MAX)) || (bytes == 4 && (i < INT32_MIN || i > INT32_MAX))) {
        pg_error_set(err, "22003", "%s", range_msg);
        return false;
    }
    if (bytes == 2)
        bin_put_i16(out, (int16_t)i);
    else if (bytes == 4)
        bin_put_i32(out, (int32_t)i);
    else
        bin_put_i64(out, i);
    return true;
}

static bool int2_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    return int_binary_out_width(v, 2, "smallint out of range", out, err);
}
static bool int4_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    return int_binary_out_width(v, 4, "integer out of range", out, err);
}
static bool int8_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    return int_binary_out_width(v, 8, "bigint out of range", out, err);
}

static bool int_binary_in_width(const char *p, size_t n, size_t bytes, sql_value *out, pg_error *err)
{
    bin_cursor c = {(const unsigned char *)p, n};
    if (n < bytes)
        return types_err_insufficient(err);
    if (n > bytes)
        return types_err_binary(err);
    int64_t i = 0;
    if (bytes == 2) {
        int16_t x;
        if (!bin_get_i16(&c, &x))
            return types_err_insufficient(err);
        i = x;
    } else if (bytes == 4) {
        int32_t x;
        if (!bin_get_i32(&c, &x))
            return types_err_insufficient(err);
        i = x;
    } else if (!bin_get_i64(&c, &i)) {
        return types_err_insufficient(err);
    }
    *out = value_int(i);
    return true;
}

static bool int2_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    return int_binary_in_width(p, n, 2, out, err);
}
static bool int4_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    return int_binary_in_width(p, n, 4, out, err);
}
static bool int8_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    return int_binary_in_width(p, n, 8, out, err);
}

const type_codec types_codec_int2 = {int_text_out, int2_text_in, int2_binary_out, int2_binary_in};
const type_codec types_codec_int4 = {int_text_out, int4_text_in, int4_binary_out, int4_binary_in};
const type_codec types_codec_int8 = {int_text_out, int8_text_in, int8_binary_out, int8_binary_in};

/* ---------------------------------------------------------------- oid */

static bool oid_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    const char *q = p, *end = p + n;
    while (q < end && types_isspace(*q))
        q++;
    bool neg = false;
    if (q < end && (*q == '-' || *q == '+'))
        neg = *q++ == '-';
    if (q == end || !types_isdigit(*q))
        return types_err_syntax(err, "oid", p, n);
    uint64_t acc = 0;
    bool overflow = false;
    for (; q < end && types_isdigit(*q); q++) {
        acc = acc * 10 + (unsigned)(*q - '0');
        if (acc > UINT64_C(0xFFFFFFFF))
            overflow = true;
    }
    while (q < end && types_isspace(*q))
        q++;
    if (q != end)
        return types_err_syntax(err, "oid", p, n);
    /* strtoul wraps negatives; oidin accepts them when they fit a signed int. */
    if (overflow || (neg && acc > UINT64_C(0x80000000)))
        return types_err_range(err, "oid", p, n);
    uint32_t v = neg ? (uint32_t)(0 - (uint32_t)acc) : (uint32_t)acc;
    *out = value_int(v);
    return true;
}

static bool oid_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t i;
    if (!types_value_as_int64(v, "oid", &i, err))
        return false;
    types_append_int64(out, (int64_t)(uint32_t)i);
    return true;
}

static bool oid_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t i;
    if (!types_value_as_int64(v, "oid", &i, err))
        return false;
    bin_put_i32(out, (int32_t)(uint32_t)i);
    return true;
}

static bool oid_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    if (!int_binary_in_width(p, n, 4, out, err))
        return false;
    out->i = (int64_t)(uint32_t)out->i;
    return true;
}

const type_codec types_codec_oid = {oid_text_out, oid_text_in, oid_binary_out, oid_binary_in};
