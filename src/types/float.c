/*
 * float.c — float4 and float8: text and binary codecs.
 *
 * Output with extra_float_digits > 0 is PostgreSQL's shortest-exact form (Ryu in PostgreSQL):
 * the fewest significant digits that read back as the same value, the closest such string to
 * the exact binary value, printed fixed-point when the decimal exponent is in [-4, 15) for
 * float8 and [-4, 6) for float4, else as d.ddde±XX.  The digits come from the Ryu algorithm
 * below (tables in float_tables.c).  With extra_float_digits <= 0 the output is
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

/* ---------------------------------------------------------------- shortest digits (Ryu)
 *
 * Ulf Adams' Ryu algorithm ("Ryū: fast float-to-string conversion", PLDI 2018), which
 * PostgreSQL's float4out/float8out use when extra_float_digits > 0: the value's rounding
 * interval is scaled to decimal with a 128-bit (64-bit for float) multiplication by a power
 * of five, then digits are removed while the interval still holds a shorter number.
 * PostgreSQL compiles Ryu without STRICTLY_SHORTEST, so the interval's bounds never count;
 * we do the same, and so print PostgreSQL's digits where they are longer than the strictly
 * shortest string (1e23 prints 9.999999999999999e+22, 2^54+... keeps 17 digits).
 */

extern const uint64_t types_double_pow5_split[326][2];
extern const uint64_t types_double_pow5_inv_split[342][2];
extern const uint64_t types_float_pow5_split[47];
extern const uint64_t types_float_pow5_inv_split[31];

static int32_t pow5bits(int32_t e)
{
    return (int32_t)(((uint32_t)e * 1217359) >> 19) + 1;
}

static uint32_t log10_pow2(int32_t e)
{
    return ((uint32_t)e * 78913) >> 18;
}

static uint32_t log10_pow5(int32_t e)
{
    return ((uint32_t)e * 732923) >> 20;
}

static uint32_t pow5_factor(uint64_t v)
{
    uint32_t count = 0;
    while (v % 5 == 0) {
        v /= 5;
        count++;
    }
    return count;
}

static bool multiple_of_pow5(uint64_t v, uint32_t p)
{
    return pow5_factor(v) >= p;
}

static bool multiple_of_pow2(uint64_t v, uint32_t p)
{
    return (v & ((UINT64_C(1) << p) - 1)) == 0;
}

static uint64_t mul_shift64(uint64_t m, const uint64_t mul[2], int32_t j)
{
    unsigned __int128 b0 = (unsigned __int128)m * mul[0];
    unsigned __int128 b2 = (unsigned __int128)m * mul[1];
    return (uint64_t)(((b0 >> 64) + b2) >> (j - 64));
}

/* Shortest decimal of a finite, non-zero double's bits: mantissa and exponent (value =
 * digits × 10^exp). */
static void d2d(uint64_t ieee_mantissa, uint32_t ieee_exponent, uint64_t *digits, int32_t *exp10)
{
    int32_t e2;
    uint64_t m2;
    if (ieee_exponent == 0) {
        e2 = 1 - 1023 - 52 - 2;
        m2 = ieee_mantissa;
    } else {
        e2 = (int32_t)ieee_exponent - 1023 - 52 - 2;
        m2 = (UINT64_C(1) << 52) | ieee_mantissa;
    }
    /* PostgreSQL builds Ryu without STRICTLY_SHORTEST: interval bounds never count. */
    const bool accept_bounds = false;
    uint64_t mv = 4 * m2;
    uint32_t mm_shift = ieee_mantissa != 0 || ieee_exponent <= 1;
    uint64_t vr, vp, vm;
    int32_t e10;
    bool vm_trailing_zeros = false, vr_trailing_zeros = false;
    if (e2 >= 0) {
        uint32_t q = log10_pow2(e2) - (e2 > 3);
        e10 = (int32_t)q;
        int32_t k = 125 + pow5bits((int32_t)q) - 1;
        int32_t i = -e2 + (int32_t)q + k;
        vr = mul_shift64(4 * m2, types_double_pow5_inv_split[q], i);
        vp = mul_shift64(4 * m2 + 2, types_double_pow5_inv_split[q], i);
        vm = mul_shift64(4 * m2 - 1 - mm_shift, types_double_pow5_inv_split[q], i);
        if (q <= 21) {
            if (mv % 5 == 0)
                vr_trailing_zeros = multiple_of_pow5(mv, q);
            else if (accept_bounds)
                vm_trailing_zeros = multiple_of_pow5(mv - 1 - mm_shift, q);
            else
                vp -= multiple_of_pow5(mv + 2, q);
        }
    } else {
        uint32_t q = log10_pow5(-e2) - (-e2 > 1);
        e10 = (int32_t)q + e2;
        int32_t i = -e2 - (int32_t)q;
        int32_t k = pow5bits(i) - 125;
        int32_t j = (int32_t)q - k;
        vr = mul_shift64(4 * m2, types_double_pow5_split[i], j);
        vp = mul_shift64(4 * m2 + 2, types_double_pow5_split[i], j);
        vm = mul_shift64(4 * m2 - 1 - mm_shift, types_double_pow5_split[i], j);
        if (q <= 1) {
            vr_trailing_zeros = true;
            if (accept_bounds)
                vm_trailing_zeros = mm_shift == 1;
            else
                --vp;
        } else if (q < 63) {
            vr_trailing_zeros = multiple_of_pow2(mv, q - 1);
        }
    }
    int32_t removed = 0;
    uint8_t last_removed = 0;
    uint64_t output;
    if (vm_trailing_zeros || vr_trailing_zeros) {
        while (vp / 10 > vm / 10) {
            vm_trailing_zeros &= vm % 10 == 0;
            vr_trailing_zeros &= last_removed == 0;
            last_removed = (uint8_t)(vr % 10);
            vr /= 10;
            vp /= 10;
            vm /= 10;
            ++removed;
        }
        if (vm_trailing_zeros) {
            while (vm % 10 == 0) {
                vr_trailing_zeros &= last_removed == 0;
                last_removed = (uint8_t)(vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                ++removed;
            }
        }
        if (vr_trailing_zeros && last_removed == 5 && vr % 2 == 0)
            last_removed = 4;   /* round half to even for an exact .5 */
        output = vr + ((vr == vm && (!accept_bounds || !vm_trailing_zeros)) || last_removed >= 5);
    } else {
        bool round_up = false;
        if (vp / 100 > vm / 100) {
            round_up = vr % 100 >= 50;
            vr /= 100;
            vp /= 100;
            vm /= 100;
            removed += 2;
        }
        while (vp / 10 > vm / 10) {
            round_up = vr % 10 >= 5;
            vr /= 10;
            vp /= 10;
            vm /= 10;
            ++removed;
        }
        output = vr + (vr == vm || round_up);
    }
    *digits = output;
    *exp10 = e10 + removed;
}

static uint32_t mul_shift32(uint32_t m, uint64_t factor, int32_t shift)
{
    uint64_t bits0 = (uint64_t)m * (uint32_t)factor;
    uint64_t bits1 = (uint64_t)m * (uint32_t)(factor >> 32);
    return (uint32_t)(((bits0 >> 32) + bits1) >> (shift - 32));
}

static void f2d(uint32_t ieee_mantissa, uint32_t ieee_exponent, uint64_t *digits, int32_t *exp10)
{
    int32_t e2;
    uint32_t m2;
    if (ieee_exponent == 0) {
        e2 = 1 - 127 - 23 - 2;
        m2 = ieee_mantissa;
    } else {
        e2 = (int32_t)ieee_exponent - 127 - 23 - 2;
        m2 = (UINT32_C(1) << 23) | ieee_mantissa;
    }
    const bool accept_bounds = false;   /* as in d2d */
    uint32_t mv = 4 * m2, mp = 4 * m2 + 2;
    uint32_t mm_shift = ieee_mantissa != 0 || ieee_exponent <= 1;
    uint32_t mm = 4 * m2 - 1 - mm_shift;
    uint32_t vr, vp, vm;
    int32_t e10;
    bool vm_trailing_zeros = false, vr_trailing_zeros = false;
    uint8_t last_removed = 0;
    if (e2 >= 0) {
        uint32_t q = log10_pow2(e2);
        e10 = (int32_t)q;
        int32_t k = 59 + pow5bits((int32_t)q) - 1;
        int32_t i = -e2 + (int32_t)q + k;
        vr = mul_shift32(mv, types_float_pow5_inv_split[q], i);
        vp = mul_shift32(mp, types_float_pow5_inv_split[q], i);
        vm = mul_shift32(mm, types_float_pow5_inv_split[q], i);
        if (q != 0 && (vp - 1) / 10 <= vm / 10) {
            int32_t l = 59 + pow5bits((int32_t)(q - 1)) - 1;
            last_removed = (uint8_t)(mul_shift32(mv, types_float_pow5_inv_split[q - 1], -e2 + (int32_t)q - 1 + l) % 10);
        }
        if (q <= 9) {
            if (mv % 5 == 0)
                vr_trailing_zeros = multiple_of_pow5(mv, q);
            else if (accept_bounds)
                vm_trailing_zeros = multiple_of_pow5(mm, q);
            else
                vp -= multiple_of_pow5(mp, q);
        }
    } else {
        uint32_t q = log10_pow5(-e2);
        e10 = (int32_t)q + e2;
        int32_t i = -e2 - (int32_t)q;
        int32_t k = pow5bits(i) - 61;
        int32_t j = (int32_t)q - k;
        vr = mul_shift32(mv, types_float_pow5_split[i], j);
        vp = mul_shift32(mp, types_float_pow5_split[i], j);
        vm = mul_shift32(mm, types_float_pow5_split[i], j);
        if (q != 0 && (vp - 1) / 10 <= vm / 10) {
            j = (int32_t)q - 1 - (pow5bits(i + 1) - 61);
            last_removed = (uint8_t)(mul_shift32(mv, types_float_pow5_split[i + 1], j) % 10);
        }
        if (q <= 1) {
            vr_trailing_zeros = true;
            if (accept_bounds)
                vm_trailing_zeros = mm_shift == 1;
            else
                --vp;
        } else if (q < 31) {
            vr_trailing_zeros = multiple_of_pow2(mv, q - 1);
        }
    }
    int32_t removed = 0;
    uint32_t output;
    if (vm_trailing_zeros || vr_trailing_zeros) {
        while (vp / 10 > vm / 10) {
            vm_trailing_zeros &= vm % 10 == 0;
            vr_trailing_zeros &= last_removed == 0;
            last_removed = (uint8_t)(vr % 10);
            vr /= 10;
            vp /= 10;
            vm /= 10;
            ++removed;
        }
        if (vm_trailing_zeros) {
            while (vm % 10 == 0) {
                vr_trailing_zeros &= last_removed == 0;
                last_removed = (uint8_t)(vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                ++removed;
            }
        }
        if (vr_trailing_zeros && last_removed == 5 && vr % 2 == 0)
            last_removed = 4;
        output = vr + ((vr == vm && (!accept_bounds || !vm_trailing_zeros)) || last_removed >= 5);
    } else {
        while (vp / 10 > vm / 10) {
            last_removed = (uint8_t)(vr % 10);
            vr /= 10;
            vp /= 10;
            vm /= 10;
            ++removed;
        }
        output = vr + (vr == vm || last_removed >= 5);
    }
    *digits = output;
    *exp10 = e10 + removed;
}

/* Digits of a finite positive value as characters; *exp10 is the exponent of the first. */
static int shortest_digits(double v, bool is_float, char *digits, int *exp10)
{
    uint64_t d;
    int32_t e;
    if (is_float) {
        float f = (float)v;
        uint32_t bits;
        memcpy(&bits, &f, 4);
        f2d(bits & 0x7fffff, (bits >> 23) & 0xff, &d, &e);
    } else {
        uint64_t bits;
        memcpy(&bits, &v, 8);
        d2d(bits & UINT64_C(0xfffffffffffff), (uint32_t)((bits >> 52) & 0x7ff), &d, &e);
    }
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + d % 10);
        d /= 10;
    } while (d);
    for (int i = 0; i < n; i++)
        digits[i] = tmp[n - 1 - i];
    /* trailing zeros (possible from the exact-bound paths) move into the exponent */
    int len = n;
    while (len > 1 && digits[len - 1] == '0')
        len--;
    digits[len] = 0;
    *exp10 = e + n - 1;
    return len;
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
