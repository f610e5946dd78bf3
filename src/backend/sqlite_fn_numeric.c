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
    double d = sqlite3_value_double(argv[0]);
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
    sqlite3_result_double(ctx, r);
}

static void fn_float_mul(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    double a = sqlite3_value_double(argv[0]), b = sqlite3_value_double(argv[1]);
    float_checked(ctx, a * b, a, b, a == 0.0 || b == 0.0);
}

static void fn_float_add(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    double a = sqlite3_value_double(argv[0]), b = sqlite3_value_double(argv[1]);
    float_checked(ctx, a + b, a, b, true);
}

static void fn_float_sub(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    double a = sqlite3_value_double(argv[0]), b = sqlite3_value_double(argv[1]);
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
    {"pgw_num_nonnulls", -1, fn_num_nonnulls},
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
    return SQLITE_OK;
}
