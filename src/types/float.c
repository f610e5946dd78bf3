/*
 * float.c — float4 and float8: text and binary codecs.
 *
 * Output with extra_float_digits > 0 is PostgreSQL's shortest-exact form (Ryu in PostgreSQL):
 * the fewest significant digits that read back as the same value, the closest such string to
 * the exact binary value, printed fixed-point when the decimal exponent is in [-4, 15) for
 * float8 and [-4, 6) for float4, else as d.ddde±XX.  We find those digits with the C
 * library: the correctly rounded n-digit string for n from the type's guaranteed precision
 * (DBL_DIG / FLT_DIG, below which the rounding of a value is the only candidate) up to 17 / 9,
 * plus the one case where the closest candidate misses but its upper neighbour does not (an
 * exact power of two, whose rounding interval is narrower below).  Subnormals have fewer
 * digits of precision and try every length.  With extra_float_digits <= 0 the output is
 * printf's %.*g at DBL_DIG / FLT_DIG + extra_float_digits, as PostgreSQL does.
 *
 * Storage form: FLOAT (double); float4 values are rounded to float on input.
 */
#include "types/types_internal.h"

#include <errno.h>
#include <strings.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

/* Parse "%.*e" output "d.ddde±x" into digits (trailing zeros removed) and the exponent. */
static int split_sci(const char *buf, char *digits, int *exp10)
{
    int n = 0;
    const char *p = buf;
    for (; *p && *p != 'e'; p++) {
        if (types_isdigit(*p))
            digits[n++] = *p;
    }
    *exp10 = *p == 'e' ? atoi(p + 1) : 0;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = 0;
    return n;
}

/* Add one unit in the last place of a digit string of exactly `prec` digits (no carry out
 * past the first digit is possible for the power-of-two case we use it for, but handle it). */
static void bump_digits(char *buf_digits, int prec, int *exp10)
{
    int i = prec - 1;
    while (i >= 0 && buf_digits[i] == '9')
        buf_digits[i--] = '0';
    if (i >= 0) {
        buf_digits[i]++;
    } else {
        memmove(buf_digits + 1, buf_digits, (size_t)prec);
        buf_digits[0] = '1';
        (*exp10)++;
    }
}

/* Rebuild "d.ddde±x" from a digit string of length prec, for a round-trip test. */
static void join_sci(const char *digits, int prec, int exp10, char *buf, size_t cap)
{
    char mant[40];
    size_t m = 0;
    mant[m++] = digits[0];
    if (prec > 1) {
        mant[m++] = '.';
        for (int i = 1; i < prec; i++)
            mant[m++] = digits[i];
    }
    mant[m] = 0;
    snprintf(buf, cap, "%se%d", mant, exp10);
}

/*
 * Shortest digits of a finite positive value: `is_float` selects float4 semantics.  Returns
 * the digit count; *exp10 is the exponent of the first digit.
 */
static int shortest_digits(double v, bool is_float, char *digits, int *exp10)
{
    char buf[64];
    int lo, hi = is_float ? 9 : 17;
    bool subnormal = is_float ? (float)v < FLT_MIN : v < DBL_MIN;
    lo = subnormal ? 1 : (is_float ? FLT_DIG : DBL_DIG);
    uint64_t mant_bits;
    if (is_float) {
        float f = (float)v;
        uint32_t u;
        memcpy(&u, &f, 4);
        mant_bits = u & 0x7fffff;
    } else {
        memcpy(&mant_bits, &v, 8);
        mant_bits &= UINT64_C(0xfffffffffffff);
    }
    for (int prec = lo; prec <= hi; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        bool ok = is_float ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v;
        if (ok)
            return split_sci(buf, digits, exp10);
        if (mant_bits == 0 && !subnormal && prec > lo) {
            /* At a power of two the closest candidate may lie below, outside the narrower
             * lower half-interval, while the next one up is inside. */
            char d[40];
            int e;
            int n = 0;
            for (const char *p = buf; *p && *p != 'e'; p++)
                if (types_isdigit(*p))
                    d[n++] = *p;
            e = atoi(strchr(buf, 'e') + 1);
            if (n == prec) {
                bump_digits(d, prec, &e);
                char cand[64];
                join_sci(d, prec, e, cand, sizeof cand);
                bool up_ok = is_float ? strtof(cand, NULL) == (float)v : strtod(cand, NULL) == v;
                if (up_ok)
                    return split_sci(cand, digits, exp10);
            }
        }
    }
    snprintf(buf, sizeof buf, "%.*e", hi - 1, v);
    return split_sci(buf, digits, exp10);
}

/* PostgreSQL's layout of shortest digits: fixed for exponents in [-4, fixed_limit). */
static size_t layout_shortest(bool negative, const char *digits, int n, int exp10, int fixed_limit, char *out)
{
    size_t len = 0;
    if (negative)
        out[len++] = '-';
    if (exp10 >= -4 && exp10 < fixed_limit) {
        if (exp10 < 0) {
            out[len++] = '0';
            out[len++] = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                out[len++] = '0';
            for (int i = 0; i < n; i++)
                out[len++] = digits[i];
        } else if (exp10 >= n - 1) {
            for (int i = 0; i < n; i++)
                out[len++] = digits[i];
            for (int i = 0; i < exp10 - (n - 1); i++)
                out[len++] = '0';
        } else {
            for (int i = 0; i < n; i++) {
                out[len++] = digits[i];
                if (i == exp10)
                    out[len++] = '.';
            }
        }
        return len;
    }
    out[len++] = digits[0];
    if (n > 1) {
        out[len++] = '.';
        for (int i = 1; i < n; i++)
            out[len++] = digits[i];
    }
    out[len++] = 'e';
    out[len++] = exp10 < 0 ? '-' : '+';
    int e = exp10 < 0 ? -exp10 : exp10;
    if (e >= 100)
        out[len++] = (char)('0' + e / 100);
    out[len++] = (char)('0' + (e / 10) % 10);
    out[len++] = (char)('0' + e % 10);
    return len;
}

static size_t special_text(double v, char *buf)
{
    if (isnan(v)) {
        memcpy(buf, "NaN", 3);
        return 3;
    }
    if (v > 0) {
        memcpy(buf, "Infinity", 8);
        return 8;
    }
    memcpy(buf, "-Infinity", 9);
    return 9;
}

static size_t shortest_text(double v, bool is_float, char *buf)
{
    if (!isfinite(v))
        return special_text(v, buf);
    if (v == 0) {
        if (signbit(v)) {
            memcpy(buf, "-0", 2);
            return 2;
        }
        buf[0] = '0';
        return 1;
    }
    double a = fabs(v);
    int fixed_limit = is_float ? 6 : 15;
    /* Fast path: integers that print exactly in fixed notation. */
    if (a < (is_float ? 1e6 : 1e15) && a == floor(a)) {
        char tmp[24];
        size_t n = types_int64_to_text((int64_t)v, tmp);
        memcpy(buf, tmp, n);
        return n;
    }
    char digits[40];
    int exp10;
    int n = shortest_digits(a, is_float, digits, &exp10);
    return layout_shortest(signbit(v), digits, n, exp10, fixed_limit, buf);
}

size_t types_float8_shortest(double v, char *buf)
{
    return shortest_text(v, false, buf);
}

size_t types_float4_shortest(float v, char *buf)
{
    return shortest_text((double)v, true, buf);
}

static void gformat(double v, int digits, strbuf *out)
{
    char buf[64];
    if (!isfinite(v)) {
        strbuf_append(out, buf, special_text(v, buf));
        return;
    }
    if (digits < 1)
        digits = 1;
    int n = snprintf(buf, sizeof buf, "%.*g", digits, v);
    strbuf_append(out, buf, (size_t)n);
}

void types_float8_out(double v, int extra_float_digits, strbuf *out)
{
    if (extra_float_digits > 0) {
        char buf[40];
        strbuf_append(out, buf, shortest_text(v, false, buf));
    } else {
        gformat(v, DBL_DIG + extra_float_digits, out);
    }
}

void types_float4_out(float v, int extra_float_digits, strbuf *out)
{
    if (extra_float_digits > 0) {
        char buf[40];
        strbuf_append(out, buf, shortest_text((double)v, true, buf));
    } else {
        gformat((double)v, FLT_DIG + extra_float_digits, out);
    }
}

/* float8in_internal / float4in: strtod or strtof plus PostgreSQL's spellings of the specials,
 * out of range only when the result over- or underflowed to 0 or infinity. */
static bool parse_float(const char *p, size_t n, bool is_float, double *out, pg_error *err)
{
    const char *sqlname = is_float ? "real" : "double precision";
    char stack[128];
    char *buf = stack;
    if (n >= sizeof stack) {
        buf = malloc(n + 1);
        if (!buf) {
            pg_error_oom(err);
            return false;
        }
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    bool ok = false;
    char *num = buf;
    if (memchr(buf, 0, n)) {
        types_err_syntax(err, sqlname, p, n);
        goto done;
    }
    while (types_isspace(*num))
        num++;
    if (*num == 0) {
        types_err_syntax(err, sqlname, p, n);
        goto done;
    }
    errno = 0;
    char *end;
    double v = is_float ? (double)strtof(num, &end) : strtod(num, &end);
    if (end == num || errno != 0) {
        int saved = errno;
        static const struct { const char *word; size_t len; double value; } specials[] = {
            {"nan", 3, NAN}, {"infinity", 8, INFINITY}, {"+infinity", 9, INFINITY},
            {"-infinity", 9, -INFINITY}, {"inf", 3, INFINITY}, {"+inf", 4, INFINITY},
            {"-inf", 4, -INFINITY},
        };
        size_t i;
        for (i = 0; i < ARRAY_LEN(specials); i++) {
            if (strncasecmp(num, specials[i].word, specials[i].len) == 0) {
                v = specials[i].value;
                end = num + specials[i].len;
                break;
            }
        }
        if (i == ARRAY_LEN(specials)) {
            if (saved == ERANGE) {
                double limit = is_float ? (double)HUGE_VALF : HUGE_VAL;
                if (v == 0.0 || v >= limit || v <= -limit) {
                    pg_error_set(err, "22003", "\"%.*s\" is out of range for type %s",
                                 (int)(end - num), num, sqlname);
                    goto done;
                }
            } else {
                types_err_syntax(err, sqlname, p, n);
                goto done;
            }
        }
    }
    while (types_isspace(*end))
        end++;
    if (*end != 0) {
        types_err_syntax(err, sqlname, p, n);
        goto done;
    }
    *out = v;
    ok = true;
done:
    if (buf != stack)
        free(buf);
    return ok;
}

bool types_parse_float8(const char *p, size_t n, double *out, pg_error *err)
{
    return parse_float(p, n, false, out, err);
}

bool types_parse_float4(const char *p, size_t n, float *out, pg_error *err)
{
    double d;
    if (!parse_float(p, n, true, &d, err))
        return false;
    *out = (float)d;
    return true;
}

/* ---------------------------------------------------------------- codecs */

static bool float8_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod);
    double d;
    if (v->kind == VALUE_FLOAT)
        d = v->f;
    else if (!types_value_as_double(v, &d, err))
        return false;
    types_float8_out(d, s->extra_float_digits, out);
    return true;
}

static bool float4_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod);
    double d;
    if (!types_value_as_double(v, &d, err))
        return false;
    types_float4_out((float)d, s->extra_float_digits, out);
    return true;
}

static bool float8_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    double d;
    if (!types_parse_float8(p, n, &d, err))
        return false;
    *out = value_float(d);
    return true;
}

static bool float4_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    float f;
    if (!types_parse_float4(p, n, &f, err))
        return false;
    *out = value_float((double)f);
    return true;
}

static bool float8_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    double d;
    if (!types_value_as_double(v, &d, err))
        return false;
    uint64_t u;
    memcpy(&u, &d, 8);
    bin_put_i64(out, (int64_t)u);
    return true;
}

static bool float4_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    double d;
    if (!types_value_as_double(v, &d, err))
        return false;
    float f = (float)d;
    uint32_t u;
    memcpy(&u, &f, 4);
    bin_put_i32(out, (int32_t)u);
    return true;
}

static bool float8_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    bin_cursor c = {(const unsigned char *)p, n};
    int64_t i;
    if (!bin_get_i64(&c, &i))
        return types_err_insufficient(err);
    if (c.left)
        return types_err_binary(err);
    double d;
    memcpy(&d, &i, 8);
    *out = value_float(d);
    return true;
}

static bool float4_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    bin_cursor c = {(const unsigned char *)p, n};
    int32_t i;
    if (!bin_get_i32(&c, &i))
        return types_err_insufficient(err);
    if (c.left)
        return types_err_binary(err);
    float f;
    memcpy(&f, &i, 4);
    *out = value_float((double)f);
    return true;
}

const type_codec types_codec_float8 = {float8_text_out, float8_text_in, float8_binary_out, float8_binary_in};
const type_codec types_codec_float4 = {float4_text_out, float4_text_in, float4_binary_out, float4_binary_in};
