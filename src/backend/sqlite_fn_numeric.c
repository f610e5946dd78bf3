/*
 * sqlite_fn_numeric.c — arithmetic with PostgreSQL's overflow and domain errors: checked
 * int2/int4/int8 operators (SQLite wraps to REAL or overflows silently where PostgreSQL
 * raises 22003), float to integer conversion with PostgreSQL's rounding and range checks.
 *
 * Integer functions take the result width (16, 32, 64) as their last argument, as the
 * function table writes them: pgw_int_add(a, b, 32) is int4 + int4.
 */
#include "backend/sqlite_fn_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *range_message(int bits)
{
    return bits == 16 ? "smallint out of range" : bits == 32 ? "integer out of range" : "bigint out of range";
}

/* Store r if it fits the width, else raise 22003. */
static void int_result(sqlite3_context *ctx, int64_t r, bool overflow, int bits)
{
    if (!overflow && bits == 32 && (r < INT32_MIN || r > INT32_MAX))
        overflow = true;
    if (!overflow && bits == 16 && (r < INT16_MIN || r > INT16_MAX))
        overflow = true;
    if (overflow) {
        sqlite_fn_error(ctx, "22003", "%s", range_message(bits));
        return;
    }
    sqlite3_result_int64(ctx, r);
}

static bool int_args(sqlite3_context *ctx, int argc, sqlite3_value **argv, int64_t *a, int64_t *b, int *bits)
{
    if (fnu_null_args(ctx, argc - 1, argv))
        return false;
    *a = sqlite3_value_int64(argv[0]);
    *b = argc > 2 ? sqlite3_value_int64(argv[1]) : 0;
    *bits = sqlite3_value_int(argv[argc - 1]);
    return true;
}

static void fn_int_add(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int64_t a, b, r = 0;
    int bits;
    if (!int_args(ctx, argc, argv, &a, &b, &bits))
        return;
    bool o = __builtin_add_overflow(a, b, &r);
    int_result(ctx, r, o, bits);
}

static void fn_int_sub(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int64_t a, b, r = 0;
    int bits;
    if (!int_args(ctx, argc, argv, &a, &b, &bits))
        return;
    bool o = __builtin_sub_overflow(a, b, &r);
    int_result(ctx, r, o, bits);
}

static void fn_int_mul(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int64_t a, b, r = 0;
    int bits;
    if (!int_args(ctx, argc, argv, &a, &b, &bits))
        return;
    bool o = __builtin_mul_overflow(a, b, &r);
    int_result(ctx, r, o, bits);
}

static void fn_int_div(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int64_t a, b;
    int bits;
    if (!int_args(ctx, argc, argv, &a, &b, &bits))
        return;
    if (b == 0) {
        sqlite_fn_error(ctx, "22012", "division by zero");
        return;
    }
    if (b == -1) {
        int64_t r = 0;
        bool o = __builtin_sub_overflow((int64_t)0, a, &r);
        int_result(ctx, r, o, bits);
        return;
    }
    sqlite3_result_int64(ctx, a / b);
}

static void fn_int_mod(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int64_t a, b;
    int bits;
    if (!int_args(ctx, argc, argv, &a, &b, &bits))
        return;
    if (b == 0) {
        sqlite_fn_error(ctx, "22012", "division by zero");
        return;
    }
    sqlite3_result_int64(ctx, b == -1 ? 0 : a % b);
}

static void fn_int_neg(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int64_t a, b, r = 0;
    int bits;
    if (!int_args(ctx, argc, argv, &a, &b, &bits))
        return;
    bool o = __builtin_sub_overflow((int64_t)0, a, &r);
    int_result(ctx, r, o, bits);
}

static void fn_int_abs(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    int64_t a, b, r = 0;
    int bits;
    if (!int_args(ctx, argc, argv, &a, &b, &bits))
        return;
    bool o = a < 0 && __builtin_sub_overflow((int64_t)0, a, &r);
    int_result(ctx, a < 0 ? r : a, o, bits);
}

/* float8/float4 → int2/4/8: rint() (round half to even) and a range check, as
 * PostgreSQL's dtoi4 & co. */
static void fn_float_to_int(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc - 1, argv))
        return;
    double d = sqlite_fn_float_arg(argv[0]);
    int bits = sqlite3_value_int(argv[1]);
    if (isnan(d)) {
        sqlite_fn_error(ctx, "22003", "%s", range_message(bits));
        return;
    }
    double r = rint(d);
    double lo = bits == 16 ? INT16_MIN : bits == 32 ? INT32_MIN : -9223372036854775808.0;
    double hi = bits == 16 ? INT16_MAX : bits == 32 ? INT32_MAX : 9223372036854775807.0;
    if (r < lo || (bits == 64 ? r >= hi : r > hi)) {
        sqlite_fn_error(ctx, "22003", "%s", range_message(bits));
        return;
    }
    sqlite3_result_int64(ctx, (int64_t)r);
}

/* numeric (decimal text) → int2/4/8: rounded half away from zero, range checked. */
static void fn_numeric_to_int(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc - 1, argv))
        return;
    int bits = sqlite3_value_int(argv[1]);
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER) {
        int_result(ctx, sqlite3_value_int64(argv[0]), false, bits);
        return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_FLOAT) {
        double d = sqlite3_value_double(argv[0]);
        double r = d < 0 ? -floor(-d + 0.5) : floor(d + 0.5);
        if (fabs(r) >= 9223372036854775807.0) {
            sqlite_fn_error(ctx, "22003", "%s", range_message(bits));
            return;
        }
        int_result(ctx, (int64_t)r, false, bits);
        return;
    }
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    if (n == 3 && memcmp(s, "NaN", 3) == 0) {
        sqlite_fn_error(ctx, "0A000", "cannot convert NaN to %s", bits == 16 ? "smallint" : bits == 32 ? "integer" : "bigint");
        return;
    }
    if ((n == 8 && memcmp(s, "Infinity", 8) == 0) || (n == 9 && memcmp(s, "-Infinity", 9) == 0)) {
        sqlite_fn_error(ctx, "0A000", "cannot convert infinity to %s", bits == 16 ? "smallint" : bits == 32 ? "integer" : "bigint");
        return;
    }
    /* canonical form first (exponents), then integer digits and the first fraction digit */
    strbuf canon;
    strbuf_init(&canon);
    jv_write_number(&canon, s, n);
    const char *p = canon.data ? canon.data : "0";
    bool neg = *p == '-';
    if (neg)
        p++;
    uint64_t v = 0;
    bool overflow = false;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            overflow = true;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.' && p[1] >= '5')
        v++;
    strbuf_free(&canon);
    if (overflow || v > (uint64_t)INT64_MAX + (neg ? 1 : 0)) {
        sqlite_fn_error(ctx, "22003", "%s", range_message(bits));
        return;
    }
    int64_t r = neg ? (int64_t)(0 - v) : (int64_t)v;
    int_result(ctx, r, false, bits);
}

/* float8 arithmetic results: PostgreSQL raises on overflow to infinity and underflow to
 * zero of finite inputs (float_overflow_error / float_underflow_error). */
static void float_checked(sqlite3_context *ctx, double r, double a, double b, bool zero_ok)
{
    if (isinf(r) && !isinf(a) && !isinf(b)) {
        sqlite_fn_error(ctx, "22003", "value out of range: overflow");
        return;
    }
    if (r == 0.0 && !zero_ok) {
        sqlite_fn_error(ctx, "22003", "value out of range: underflow");
        return;
    }
    sqlite_fn_result_float(ctx, r);
}

static void fn_float_mul(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    double a = sqlite_fn_float_arg(argv[0]), b = sqlite_fn_float_arg(argv[1]);
    float_checked(ctx, a * b, a, b, a == 0.0 || b == 0.0);
}

static void fn_float_add(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    double a = sqlite_fn_float_arg(argv[0]), b = sqlite_fn_float_arg(argv[1]);
    float_checked(ctx, a + b, a, b, true);
}

static void fn_float_sub(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    double a = sqlite_fn_float_arg(argv[0]), b = sqlite_fn_float_arg(argv[1]);
    float_checked(ctx, a - b, a, b, true);
}

/* num_nulls(VARIADIC "any") / num_nonnulls */
static void count_nulls(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool nulls)
{
    int n = 0;
    for (int i = 0; i < argc; i++)
        n += (sqlite3_value_type(argv[i]) == SQLITE_NULL) == nulls;
    sqlite3_result_int(ctx, n);
}

static void fn_num_nulls(sqlite3_context *ctx, int argc, sqlite3_value **argv) { count_nulls(ctx, argc, argv, true); }
static void fn_num_nonnulls(sqlite3_context *ctx, int argc, sqlite3_value **argv) { count_nulls(ctx, argc, argv, false); }

/* ---------------------------------------------------------------- numeric */

/* An argument as numeric text: its storage form, or an engine INT/FLOAT written in it. */
static const char *numeric_arg(sqlite3_value *v, strbuf *tmp, size_t *len)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        strbuf_reset(tmp);
        types_numeric_from_int64(sqlite3_value_int64(v), tmp);
        *len = tmp->len;
        return tmp->data ? tmp->data : "0";
    case SQLITE_FLOAT:
        strbuf_reset(tmp);
        types_numeric_from_double(sqlite3_value_double(v), tmp);
        *len = tmp->len;
        return tmp->data ? tmp->data : "0";
    default:
        *len = (size_t)sqlite3_value_bytes(v);
        return (const char *)sqlite3_value_text(v);
    }
}

typedef bool (*numeric_binop)(const char *, size_t, const char *, size_t, strbuf *, pg_error *);

static void numeric_binary(sqlite3_context *ctx, int argc, sqlite3_value **argv, numeric_binop op)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    strbuf ta, tb, out;
    strbuf_init(&ta);
    strbuf_init(&tb);
    strbuf_init(&out);
    size_t la, lb;
    const char *a = numeric_arg(argv[0], &ta, &la), *b = numeric_arg(argv[1], &tb, &lb);
    pg_error err = {0};
    if (!a || !b)
        sqlite3_result_error_nomem(ctx);
    else if (!op(a, la, b, lb, &out, &err))
        sqlite_fn_pg_error(ctx, &err);
    else {
        fnu_result_text(ctx, &out);
        strbuf_init(&out);
    }
    strbuf_free(&ta);
    strbuf_free(&tb);
    strbuf_free(&out);
}

#define NUMERIC_BINARY(cname, op)                                                       \
    static void fn_numeric_##cname(sqlite3_context *ctx, int argc, sqlite3_value **argv) \
    {                                                                                   \
        numeric_binary(ctx, argc, argv, op);                                            \
    }
NUMERIC_BINARY(add, types_numeric_add)
NUMERIC_BINARY(sub, types_numeric_sub)
NUMERIC_BINARY(mul, types_numeric_mul)
NUMERIC_BINARY(div, types_numeric_div)
NUMERIC_BINARY(div_trunc, types_numeric_div_trunc)
NUMERIC_BINARY(mod, types_numeric_mod)
NUMERIC_BINARY(pow, types_numeric_power)
NUMERIC_BINARY(log, types_numeric_log)

/* width_bucket(op, low, high, count): the bucket of op among count equal buckets between
 * low and high (0 below, count + 1 above; reversed when low > high), computed exactly on
 * numeric text (float8 arguments arrive as their numeric value). */
static void fn_width_bucket(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t count = sqlite3_value_int64(argv[3]);
    if (count <= 0) {
        sqlite_fn_error(ctx, "2201G", "count must be greater than zero");
        return;
    }
    strbuf t[3], d1, d2, prod, q;
    const char *v[3];
    size_t l[3];
    for (int i = 0; i < 3; i++) {
        strbuf_init(&t[i]);
        v[i] = numeric_arg(argv[i], &t[i], &l[i]);
    }
    strbuf_init(&d1);
    strbuf_init(&d2);
    strbuf_init(&prod);
    strbuf_init(&q);
    pg_error err = {0};
    int c_lh = 0, c_ol = 0, c_oh = 0;
    bool ok = v[0] && v[1] && v[2] && types_numeric_cmp(v[1], l[1], v[2], l[2], &c_lh, &err) &&
              types_numeric_cmp(v[0], l[0], v[1], l[1], &c_ol, &err) && types_numeric_cmp(v[0], l[0], v[2], l[2], &c_oh, &err);
    int64_t bucket = 0;
    if (ok && c_lh == 0) {
        sqlite_fn_error(ctx, "2201G", "lower bound cannot equal upper bound");
        ok = false;
        goto done;
    }
    if (ok) {
        bool up = c_lh < 0;
        if (up ? c_ol < 0 : c_ol > 0)
            bucket = 0;
        else if (up ? c_oh >= 0 : c_oh <= 0)
            bucket = count + 1;
        else {
            /* floor((op - low) * count / (high - low)) + 1, both factors non-negative */
            strbuf cnt;
            strbuf_init(&cnt);
            types_numeric_from_int64(count, &cnt);
            ok = (up ? types_numeric_sub(v[0], l[0], v[1], l[1], &d1, &err) : types_numeric_sub(v[1], l[1], v[0], l[0], &d1, &err)) &&
                 (up ? types_numeric_sub(v[2], l[2], v[1], l[1], &d2, &err) : types_numeric_sub(v[1], l[1], v[2], l[2], &d2, &err)) &&
                 types_numeric_mul(d1.data, d1.len, cnt.data, cnt.len, &prod, &err) &&
                 types_numeric_div_trunc(prod.data, prod.len, d2.data, d2.len, &q, &err) &&
                 types_numeric_to_int64(q.data, q.len, &bucket, &err);
            strbuf_free(&cnt);
            if (ok && bucket == INT64_MAX) {
                sqlite_fn_error(ctx, "22003", "integer out of range");
                ok = false;
                goto done;
            }
            bucket++;
        }
    }
    if (!ok)
        sqlite_fn_pg_error(ctx, &err);
    else if (bucket > INT32_MAX)
        sqlite_fn_error(ctx, "22003", "integer out of range");
    else
        sqlite3_result_int64(ctx, bucket);
done:
    for (int i = 0; i < 3; i++)
        strbuf_free(&t[i]);
    strbuf_free(&d1);
    strbuf_free(&d2);
    strbuf_free(&prod);
    strbuf_free(&q);
    pg_error_clear(&err);
}

/* factorial(n): n! exactly, as numeric. */
static void fn_factorial(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t n = sqlite3_value_int64(argv[0]);
    if (n < 0) {
        sqlite_fn_error(ctx, "22003", "factorial of a negative number is undefined");
        return;
    }
    if (n > 32177) {
        sqlite_fn_error(ctx, "22003", "value overflows numeric format");
        return;
    }
    strbuf acc, next, k;
    strbuf_init(&acc);
    strbuf_init(&next);
    strbuf_init(&k);
    strbuf_puts(&acc, "1");
    pg_error err = {0};
    bool ok = true;
    for (int64_t i = 2; ok && i <= n; i++) {
        strbuf_reset(&k);
        types_numeric_from_int64(i, &k);
        strbuf_reset(&next);
        ok = types_numeric_mul(acc.data, acc.len, k.data, k.len, &next, &err);
        strbuf tmp = acc;
        acc = next;
        next = tmp;
    }
    if (ok) {
        fnu_result_text(ctx, &acc);
        strbuf_init(&acc);
    } else
        sqlite_fn_pg_error(ctx, &err);
    strbuf_free(&acc);
    strbuf_free(&next);
    strbuf_free(&k);
}

static void numeric_unary(sqlite3_context *ctx, int argc, sqlite3_value **argv, numeric_unary_op op)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    strbuf ta, out;
    strbuf_init(&ta);
    strbuf_init(&out);
    size_t la;
    const char *a = numeric_arg(argv[0], &ta, &la);
    pg_error err = {0};
    if (!a)
        sqlite3_result_error_nomem(ctx);
    else if (!types_numeric_unary(op, a, la, &out, &err))
        sqlite_fn_pg_error(ctx, &err);
    else {
        fnu_result_text(ctx, &out);
        strbuf_init(&out);
    }
    strbuf_free(&ta);
    strbuf_free(&out);
}

#define NUMERIC_UNARY(cname, op)                                                        \
    static void fn_numeric_##cname(sqlite3_context *ctx, int argc, sqlite3_value **argv) \
    {                                                                                   \
        numeric_unary(ctx, argc, argv, op);                                             \
    }
NUMERIC_UNARY(abs, NUMERIC_ABS)
NUMERIC_UNARY(neg, NUMERIC_NEG)
NUMERIC_UNARY(ceil, NUMERIC_CEIL)
NUMERIC_UNARY(floor, NUMERIC_FLOOR)
NUMERIC_UNARY(sign, NUMERIC_SIGN)
NUMERIC_UNARY(sqrt, NUMERIC_SQRT)
NUMERIC_UNARY(exp, NUMERIC_EXP)
NUMERIC_UNARY(ln, NUMERIC_LN)
NUMERIC_UNARY(log10, NUMERIC_LOG10)

/* round(x, n) / trunc(x, n) */
static void numeric_round_trunc(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool round)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    strbuf ta, out;
    strbuf_init(&ta);
    strbuf_init(&out);
    size_t la;
    const char *a = numeric_arg(argv[0], &ta, &la);
    int64_t scale = argc > 1 ? sqlite3_value_int64(argv[1]) : 0;
    if (scale > 2000)
        scale = 2000;
    if (scale < -2000)
        scale = -2000;
    pg_error err = {0};
    bool ok = a && (round ? types_numeric_round(a, la, (int)scale, &out, &err)
                          : types_numeric_trunc(a, la, (int)scale, &out, &err));
    if (!a)
        sqlite3_result_error_nomem(ctx);
    else if (!ok)
        sqlite_fn_pg_error(ctx, &err);
    else {
        fnu_result_text(ctx, &out);
        strbuf_init(&out);
    }
    strbuf_free(&ta);
    strbuf_free(&out);
}

static void fn_numeric_round(sqlite3_context *ctx, int argc, sqlite3_value **argv) { numeric_round_trunc(ctx, argc, argv, true); }
static void fn_numeric_trunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) { numeric_round_trunc(ctx, argc, argv, false); }

/* numeric → float8 (the engine's REAL). */
static void fn_numeric_to_float(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    strbuf ta;
    strbuf_init(&ta);
    size_t la;
    const char *a = numeric_arg(argv[0], &ta, &la);
    double d;
    pg_error err = {0};
    if (!a)
        sqlite3_result_error_nomem(ctx);
    else if (!types_numeric_to_double(a, la, &d, &err))
        sqlite_fn_pg_error(ctx, &err);
    else if (argc > 1 && sqlite3_value_int(argv[1]) == 4 && isfinite(d) && isinf((float)d))
        sqlite_fn_error(ctx, "22003", "value out of range: overflow");
    else
        sqlite_fn_result_float(ctx, argc > 1 && sqlite3_value_int(argv[1]) == 4 ? (double)(float)d : d);
    strbuf_free(&ta);
}

/* int/float → numeric text (typmod applied when given). */
static void fn_to_numeric(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    strbuf ta, out;
    strbuf_init(&ta);
    strbuf_init(&out);
    size_t la;
    const char *a = numeric_arg(argv[0], &ta, &la);
    int32_t typmod = argc > 1 ? sqlite3_value_int(argv[1]) : -1;
    pg_error err = {0};
    if (!a)
        sqlite3_result_error_nomem(ctx);
    else if (typmod >= 0) {
        if (!types_numeric_apply_typmod(a, la, typmod, &out, &err))
            sqlite_fn_pg_error(ctx, &err);
        else {
            fnu_result_text(ctx, &out);
            strbuf_init(&out);
        }
    } else {
        sqlite3_result_text64(ctx, a, la, SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    strbuf_free(&ta);
    strbuf_free(&out);
}

/* ---------------------------------------------------------------- sum / avg over numeric */

typedef struct accum_state {
    numeric_accum acc;
    bool init;
    /* As a window function rows also leave: PostgreSQL's result has the largest display
     * scale among the rows in the frame, so the scales of the rows in it are counted. */
    bool inverted;
    int scale_cap;
    int64_t *scale_count;
} accum_state;

static int text_scale(const char *a, size_t la)
{
    for (size_t i = 0; i < la; i++)
        if (a[i] == '.')
            return (int)(la - i - 1);
    return 0;
}

static void count_scale(accum_state *st, int scale, int delta)
{
    if (scale >= st->scale_cap) {
        int cap = scale + 8;
        int64_t *grown = realloc(st->scale_count, sizeof *grown * (size_t)cap);
        if (!grown)
            return;
        memset(grown + st->scale_cap, 0, sizeof *grown * (size_t)(cap - st->scale_cap));
        st->scale_count = grown;
        st->scale_cap = cap;
    }
    st->scale_count[scale] += delta;
}

static accum_state *accum_of(sqlite3_context *ctx, bool create)
{
    accum_state *st = sqlite3_aggregate_context(ctx, create ? (int)sizeof *st : 0);
    if (st && !st->init) {
        types_numeric_accum_init(&st->acc);
        st->init = true;
    }
    return st;
}

static void accum_add(sqlite3_context *ctx, sqlite3_value *v, bool negate)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return;
    accum_state *st = accum_of(ctx, true);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    pg_error err = {0};
    bool ok;
    if (sqlite3_value_type(v) == SQLITE_INTEGER) {
        int64_t i = sqlite3_value_int64(v);
        if (negate && i == INT64_MIN) {
            strbuf t;
            strbuf_init(&t);
            strbuf_puts(&t, "9223372036854775808");
            ok = types_numeric_accum_text(&st->acc, t.data ? t.data : "0", t.len, &err);
            strbuf_free(&t);
        } else {
            ok = types_numeric_accum_int64(&st->acc, negate ? -i : i, &err);
        }
    } else {
        strbuf ta;
        strbuf_init(&ta);
        size_t la;
        const char *a = numeric_arg(v, &ta, &la);
        if (negate) {
            if (la == 3 && memcmp(a, "NaN", 3) == 0) {
                st->acc.nan_count -= 2;
                ok = types_numeric_accum_text(&st->acc, a, la, &err);
            } else if (la == 8 && memcmp(a, "Infinity", 8) == 0) {
                st->acc.pinf_count -= 2;
                ok = types_numeric_accum_text(&st->acc, a, la, &err);
            } else if (la == 9 && memcmp(a, "-Infinity", 9) == 0) {
                st->acc.ninf_count -= 2;
                ok = types_numeric_accum_text(&st->acc, a, la, &err);
            } else {
                strbuf n;
                strbuf_init(&n);
                if (la && a[0] == '-')
                    strbuf_append(&n, a + 1, la - 1);
                else {
                    strbuf_putc(&n, '-');
                    strbuf_append(&n, a, la);
                }
                ok = types_numeric_accum_text(&st->acc, n.data ? n.data : "0", n.len, &err);
                strbuf_free(&n);
            }
        } else {
            ok = a && types_numeric_accum_text(&st->acc, a, la, &err);
        }
        strbuf_free(&ta);
    }
    if (negate) {
        st->acc.count -= 2;   /* the accumulator counted the removed row once more */
        st->inverted = true;
    }
    if (sqlite3_value_type(v) == SQLITE_TEXT) {
        const char *a = (const char *)sqlite3_value_text(v);
        count_scale(st, a ? text_scale(a, (size_t)sqlite3_value_bytes(v)) : 0, negate ? -1 : 1);
    } else if (sqlite3_value_type(v) == SQLITE_INTEGER) {
        count_scale(st, 0, negate ? -1 : 1);
    }
    if (!ok) {
        if (pg_error_is_set(&err))
            sqlite_fn_pg_error(ctx, &err);
        else
            sqlite3_result_error_nomem(ctx);
    }
}

static void accum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    accum_add(ctx, argv[0], false);
}

static void accum_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    accum_add(ctx, argv[0], true);
}

static void accum_result(sqlite3_context *ctx, bool avg, bool final)
{
    accum_state *st = accum_of(ctx, false);
    if (!st) {
        sqlite3_result_null(ctx);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    pg_error err = {0};
    bool ok = avg ? types_numeric_accum_avg(&st->acc, &out, &err) : types_numeric_accum_sum(&st->acc, &out, &err);
    if (ok && st->inverted && st->scale_count && !st->acc.nan_count && !st->acc.pinf_count && !st->acc.ninf_count) {
        /* rows left the frame: the display scale is the largest of the rows still in it */
        int max = 0;
        for (int i = 0; i < st->scale_cap; i++)
            if (st->scale_count[i] > 0)
                max = i;
        strbuf sum, fixed;
        strbuf_init(&sum);
        strbuf_init(&fixed);
        ok = types_numeric_accum_sum(&st->acc, &sum, &err) && types_numeric_round(sum.data, sum.len, max, &fixed, &err);
        if (ok && avg) {
            strbuf cnt;
            strbuf_init(&cnt);
            types_numeric_from_int64(st->acc.count, &cnt);
            strbuf_reset(&out);
            ok = types_numeric_div(fixed.data, fixed.len, cnt.data, cnt.len, &out, &err);
            strbuf_free(&cnt);
        } else if (ok) {
            strbuf_free(&out);
            out = fixed;
            strbuf_init(&fixed);
        }
        strbuf_free(&sum);
        strbuf_free(&fixed);
    }
    if (ok) {
        fnu_result_text(ctx, &out);
        strbuf_init(&out);
    } else if (pg_error_is_set(&err))
        sqlite_fn_pg_error(ctx, &err);
    else
        sqlite3_result_null(ctx);
    strbuf_free(&out);
    if (final) {
        types_numeric_accum_free(&st->acc);
        free(st->scale_count);
        st->scale_count = NULL;
    }
}

static void sum_value(sqlite3_context *ctx) { accum_result(ctx, false, false); }
static void sum_final(sqlite3_context *ctx) { accum_result(ctx, false, true); }
static void avg_value(sqlite3_context *ctx) { accum_result(ctx, true, false); }
static void avg_final(sqlite3_context *ctx) { accum_result(ctx, true, true); }

/* ---------------------------------------------------------------- float sum / avg */

/* sum(float4/float8) and avg(float4/float8).  SQLite's sum() reads the text 'NaN' (a float
 * NaN's storage form, sqlite_internal.h) as 0; PostgreSQL's sum is NaN when a NaN or both
 * infinities are added, +/-Infinity with one of them, else the values added in order
 * (float8pl, with its overflow error); avg is that sum over the count (float8_accum).  The
 * state keeps the finite sum apart from counts of NaN, +Inf and -Inf so that a window frame
 * can take a value out again (xInverse). */
typedef struct float_sum {
    int64_t n, nan, pinf, ninf;
    double sum;
} float_sum;

static void fsum_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    float_sum *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    double x = sqlite_fn_float_arg(argv[0]);
    st->n++;
    if (isnan(x)) {
        st->nan++;
    } else if (isinf(x)) {
        if (x > 0)
            st->pinf++;
        else
            st->ninf++;
    } else {
        double r = st->sum + x;
        if (isinf(r) && !st->pinf && !st->ninf) {
            sqlite_fn_error(ctx, "22003", "value out of range: overflow");
            return;
        }
        st->sum = r;
    }
}

static void fsum_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    float_sum *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    double x = sqlite_fn_float_arg(argv[0]);
    st->n--;
    if (isnan(x))
        st->nan--;
    else if (isinf(x) && x > 0)
        st->pinf--;
    else if (isinf(x))
        st->ninf--;
    else
        st->sum -= x;
    if (st->n == st->nan + st->pinf + st->ninf)
        st->sum = 0.0;   /* no finite value left: no rounding residue either */
}

static void fsum_result(sqlite3_context *ctx, bool avg)
{
    float_sum *st = sqlite3_aggregate_context(ctx, 0);
    if (!st || st->n == 0) {
        sqlite3_result_null(ctx);
        return;
    }
    double r = st->nan || (st->pinf && st->ninf) ? (double)NAN : st->pinf ? INFINITY : st->ninf ? -INFINITY : st->sum;
    sqlite_fn_result_float(ctx, avg ? r / (double)st->n : r);
}

static void fsum_final(sqlite3_context *ctx) { fsum_result(ctx, false); }
static void favg_final(sqlite3_context *ctx) { fsum_result(ctx, true); }

/* ---------------------------------------------------------------- variance / stddev */

/* float8: PostgreSQL's Youngs-Cramer accumulation (float8_accum), so results agree to the
 * last bit with PostgreSQL's. */
typedef struct float_var {
    double n, sx, sxx;
} float_var;

static void fvar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    float_var *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    double x = sqlite_fn_float_arg(argv[0]);
    double n = st->n + 1.0, sx = st->sx + x, sxx = st->sxx;
    if (st->n > 0.0) {
        double tmp = x * n - sx;
        sxx += tmp * tmp / (n * st->n);
        if (isinf(sx) || isinf(sxx)) {
            if (!isinf(st->sx) && !isinf(x)) {
                sqlite_fn_error(ctx, "22003", "value out of range: overflow");
                return;
            }
            sxx = NAN;
        }
    } else if (isnan(x) || isinf(x)) {
        sxx = NAN;
    }
    st->n = n;
    st->sx = sx;
    st->sxx = sxx;
}

static void fvar_final(sqlite3_context *ctx, bool sample, bool root)
{
    float_var *st = sqlite3_aggregate_context(ctx, 0);
    double need = sample ? 1.0 : 0.0;
    if (!st || st->n <= need) {
        sqlite3_result_null(ctx);
        return;
    }
    double r = st->sxx / (sample ? st->n - 1.0 : st->n);
    sqlite_fn_result_float(ctx, root ? sqrt(r) : r);
}

static void fvar_samp_final(sqlite3_context *ctx) { fvar_final(ctx, true, false); }
static void fvar_pop_final(sqlite3_context *ctx) { fvar_final(ctx, false, false); }
static void fstddev_samp_final(sqlite3_context *ctx) { fvar_final(ctx, true, true); }
static void fstddev_pop_final(sqlite3_context *ctx) { fvar_final(ctx, false, true); }

/* numeric (and integer) inputs: N, sum(x), sum(x*x) exactly, then PostgreSQL's
 * numeric_stddev_internal: (N*sumX2 - sumX^2) / (N*(N-1)) (or N*N), its square root. */
typedef struct num_var {
    numeric_accum sx, sxx;
    bool init;
} num_var;

static void nvar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    num_var *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!st->init) {
        types_numeric_accum_init(&st->sx);
        types_numeric_accum_init(&st->sxx);
        st->init = true;
    }
    strbuf ta, sq;
    strbuf_init(&ta);
    strbuf_init(&sq);
    size_t la;
    const char *a = numeric_arg(argv[0], &ta, &la);
    pg_error err = {0};
    bool ok = a && types_numeric_accum_text(&st->sx, a, la, &err) && types_numeric_mul(a, la, a, la, &sq, &err) &&
              types_numeric_accum_text(&st->sxx, sq.data ? sq.data : "0", sq.len, &err);
    if (!ok) {
        if (pg_error_is_set(&err))
            sqlite_fn_pg_error(ctx, &err);
        else
            sqlite3_result_error_nomem(ctx);
    }
    strbuf_free(&ta);
    strbuf_free(&sq);
}

static bool nvar_compute(num_var *st, bool sample, bool root, strbuf *out, pg_error *err)
{
    int64_t n = st->sx.count;
    strbuf sx, sxx, nn, t1, t2, num, den;
    strbuf_init(&sx);
    strbuf_init(&sxx);
    strbuf_init(&nn);
    strbuf_init(&t1);
    strbuf_init(&t2);
    strbuf_init(&num);
    strbuf_init(&den);
    bool ok = types_numeric_accum_sum(&st->sx, &sx, err) && types_numeric_accum_sum(&st->sxx, &sxx, err);
    types_numeric_from_int64(n, &nn);
    ok = ok && types_numeric_mul(sx.data, sx.len, sx.data, sx.len, &t1, err) &&
         types_numeric_mul(nn.data, nn.len, sxx.data, sxx.len, &t2, err) &&
         types_numeric_sub(t2.data, t2.len, t1.data, t1.len, &num, err);
    if (ok) {
        int sign = 0;
        ok = types_numeric_cmp(num.data, num.len, "0", 1, &sign, err);
        if (ok && sign <= 0) {
            strbuf_puts(out, "0");
        } else if (ok) {
            strbuf m;
            strbuf_init(&m);
            types_numeric_from_int64(sample ? n - 1 : n, &m);
            ok = types_numeric_mul(nn.data, nn.len, m.data, m.len, &den, err);
            strbuf_free(&m);
            if (ok && root) {
                strbuf v;
                strbuf_init(&v);
                ok = types_numeric_div(num.data, num.len, den.data, den.len, &v, err) &&
                     types_numeric_unary(NUMERIC_SQRT, v.data, v.len, out, err);
                strbuf_free(&v);
            } else if (ok) {
                ok = types_numeric_div(num.data, num.len, den.data, den.len, out, err);
            }
        }
    }
    strbuf_free(&sx);
    strbuf_free(&sxx);
    strbuf_free(&nn);
    strbuf_free(&t1);
    strbuf_free(&t2);
    strbuf_free(&num);
    strbuf_free(&den);
    return ok;
}

static void nvar_final(sqlite3_context *ctx, bool sample, bool root)
{
    num_var *st = sqlite3_aggregate_context(ctx, 0);
    if (!st || !st->init || st->sx.count <= (sample ? 1 : 0)) {
        sqlite3_result_null(ctx);
    } else {
        strbuf out;
        strbuf_init(&out);
        pg_error err = {0};
        if (!nvar_compute(st, sample, root, &out, &err)) {
            strbuf_free(&out);
            if (pg_error_is_set(&err))
                sqlite_fn_pg_error(ctx, &err);
            else
                sqlite3_result_null(ctx);
        } else {
            fnu_result_text(ctx, &out);
        }
    }
    if (st && st->init) {
        types_numeric_accum_free(&st->sx);
        types_numeric_accum_free(&st->sxx);
        st->init = false;
    }
}

static void nvar_samp_final(sqlite3_context *ctx) { nvar_final(ctx, true, false); }
static void nvar_pop_final(sqlite3_context *ctx) { nvar_final(ctx, false, false); }
static void nstddev_samp_final(sqlite3_context *ctx) { nvar_final(ctx, true, true); }
static void nstddev_pop_final(sqlite3_context *ctx) { nvar_final(ctx, false, true); }

typedef struct numeric_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} numeric_fn;

static const numeric_fn numeric_functions[] = {
    {"pgw_int_add", 3, fn_int_add},
    {"pgw_int_sub", 3, fn_int_sub},
    {"pgw_int_mul", 3, fn_int_mul},
    {"pgw_int_div", 3, fn_int_div},
    {"pgw_int_mod", 3, fn_int_mod},
    {"pgw_int_neg", 2, fn_int_neg},
    {"pgw_int_abs", 2, fn_int_abs},
    {"pgw_float_to_int", 2, fn_float_to_int},
    {"pgw_numeric_to_int", 2, fn_numeric_to_int},
    {"pgw_float_mul", 2, fn_float_mul},
    {"pgw_float_add", 2, fn_float_add},
    {"pgw_float_sub", 2, fn_float_sub},
    {"pgw_num_nulls", -1, fn_num_nulls},
    {"pgw_width_bucket", 4, fn_width_bucket},
    {"pgw_factorial", 1, fn_factorial},
    {"pgw_num_nonnulls", -1, fn_num_nonnulls},
    {"pgw_numeric_add", 2, fn_numeric_add},
    {"pgw_numeric_sub", 2, fn_numeric_sub},
    {"pgw_numeric_mul", 2, fn_numeric_mul},
    {"pgw_numeric_div", 2, fn_numeric_div},
    {"pgw_numeric_div_trunc", 2, fn_numeric_div_trunc},
    {"pgw_numeric_mod", 2, fn_numeric_mod},
    {"pgw_numeric_pow", 2, fn_numeric_pow},
    {"pgw_numeric_log", 2, fn_numeric_log},
    {"pgw_numeric_abs", 1, fn_numeric_abs},
    {"pgw_numeric_neg", 1, fn_numeric_neg},
    {"pgw_numeric_ceil", 1, fn_numeric_ceil},
    {"pgw_numeric_floor", 1, fn_numeric_floor},
    {"pgw_numeric_sign", 1, fn_numeric_sign},
    {"pgw_numeric_sqrt", 1, fn_numeric_sqrt},
    {"pgw_numeric_exp", 1, fn_numeric_exp},
    {"pgw_numeric_ln", 1, fn_numeric_ln},
    {"pgw_numeric_log10", 1, fn_numeric_log10},
    {"pgw_numeric_round", 2, fn_numeric_round},
    {"pgw_numeric_trunc", 2, fn_numeric_trunc},
    {"pgw_numeric_to_float", 1, fn_numeric_to_float},
    {"pgw_numeric_to_float", 2, fn_numeric_to_float},
    {"pgw_to_numeric", 1, fn_to_numeric},
    {"pgw_to_numeric", 2, fn_to_numeric},
};

typedef struct numeric_agg {
    const char *name;
    void (*step)(sqlite3_context *, int, sqlite3_value **);
    void (*final)(sqlite3_context *);
    void (*value)(sqlite3_context *);
    void (*inverse)(sqlite3_context *, int, sqlite3_value **);
} numeric_agg;

static const numeric_agg numeric_aggregates[] = {
    {"pgw_numeric_sum", accum_step, sum_final, sum_value, accum_inverse},
    {"pgw_numeric_avg", accum_step, avg_final, avg_value, accum_inverse},
    {"pgw_float_sum", fsum_step, fsum_final, fsum_final, fsum_inverse},
    {"pgw_float_avg", fsum_step, favg_final, favg_final, fsum_inverse},
    {"pgw_var_samp", fvar_step, fvar_samp_final, NULL, NULL},
    {"pgw_var_pop", fvar_step, fvar_pop_final, NULL, NULL},
    {"pgw_stddev_samp", fvar_step, fstddev_samp_final, NULL, NULL},
    {"pgw_stddev_pop", fvar_step, fstddev_pop_final, NULL, NULL},
    {"pgw_numeric_var_samp", nvar_step, nvar_samp_final, NULL, NULL},
    {"pgw_numeric_var_pop", nvar_step, nvar_pop_final, NULL, NULL},
    {"pgw_numeric_stddev_samp", nvar_step, nstddev_samp_final, NULL, NULL},
    {"pgw_numeric_stddev_pop", nvar_step, nstddev_pop_final, NULL, NULL},
};

int sqlite_register_numeric(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(numeric_functions); i++) {
        const numeric_fn *f = &numeric_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC, c, f->fn, NULL,
                                            NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    for (size_t i = 0; i < ARRAY_LEN(numeric_aggregates); i++) {
        const numeric_agg *a = &numeric_aggregates[i];
        int rc = a->value ? sqlite3_create_window_function(db, a->name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, c,
                                                           a->step, a->final, a->value, a->inverse, NULL)
                          : sqlite3_create_function_v2(db, a->name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, c, NULL,
                                                       a->step, a->final, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
