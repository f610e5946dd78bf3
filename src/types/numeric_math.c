/*
 * numeric_math.c — numeric arithmetic for the SQL functions, on the canonical text storage
 * form: + - * / % div, compare, abs/neg/ceil/floor/sign, round/trunc, the public wrappers of
 * the transcendental functions (numeric_transcend.c) and sum/avg accumulators.
 *
 * Result scales are PostgreSQL 15's (max of the scales for + -, their sum for *,
 * select_div_scale for /); NaN and ±Infinity follow PostgreSQL 15.  Allocation is per call
 * (these are SQL functions, not the per-row codec path).
 */
#include "types/types_internal.h"

#include <math.h>
#include <stdlib.h>

#define NUMERIC_MAX_RESULT_SCALE 2000

bool num_is_int(const num *x)
{
    if (x->kind != NUM_FINITE || x->n == 0 || x->exp10 >= 0)
        return x->kind == NUM_FINITE;
    num t;
    num_init(&t);
    bool ok = num_copy(&t, x) && num_trunc(&t, 0) && num_cmp(&t, x) == 0;
    num_free(&t);
    return ok;
}

int num_sign(const num *x)
{
    if (x->kind == NUM_PINF)
        return 1;
    if (x->kind == NUM_NINF)
        return -1;
    return x->n == 0 ? 0 : x->neg ? -1 : 1;
}

bool num_oom(pg_error *err)
{
    pg_error_oom(err);
    return false;
}

bool num_div_by_zero(pg_error *err)
{
    pg_error_set(err, "22012", "division by zero");
    return false;
}

bool num_overflow(pg_error *err)
{
    pg_error_set(err, "22003", "value overflows numeric format");
    return false;
}

/* ---------------------------------------------------------------- + - * / % */

static bool add_sub(const num *a, const num *b, bool sub, num *r, pg_error *err)
{
    if (a->kind == NUM_NAN || b->kind == NUM_NAN) {
        num_set_special(r, NUM_NAN);
        return true;
    }
    num_kind bk = b->kind;
    if (sub && bk == NUM_PINF)
        bk = NUM_NINF;
    else if (sub && bk == NUM_NINF)
        bk = NUM_PINF;
    if (a->kind != NUM_FINITE || bk != NUM_FINITE) {
        if (a->kind != NUM_FINITE && bk != NUM_FINITE && a->kind != bk)
            num_set_special(r, NUM_NAN);
        else
            num_set_special(r, a->kind != NUM_FINITE ? a->kind : bk);
        return true;
    }
    if (!(sub ? num_sub(a, b, r) : num_add(a, b, r)))
        return num_oom(err);
    return num_check_limits(r, err);
}

static bool mul(const num *a, const num *b, num *r, pg_error *err)
{
    if (a->kind == NUM_NAN || b->kind == NUM_NAN) {
        num_set_special(r, NUM_NAN);
        return true;
    }
    if (a->kind != NUM_FINITE || b->kind != NUM_FINITE) {
        int s = num_sign(a) * num_sign(b);
        num_set_special(r, s == 0 ? NUM_NAN : s > 0 ? NUM_PINF : NUM_NINF);
        return true;
    }
    if (!num_mul(a, b, r))
        return num_oom(err);
    /* mul_var's result scale is the sum of the scales, capped as numeric_mul does. */
    if (r->dscale > NUM_DSCALE_MAX) {
        if (!num_round(r, NUM_DSCALE_MAX))
            return num_oom(err);
        r->dscale = NUM_DSCALE_MAX;
    }
    return num_check_limits(r, err);
}

/* Shared by / div %: the cases where an operand is NaN or infinite; true when handled. */
static bool div_special(const num *a, const num *b, num *r, bool modulo, bool *handled, pg_error *err)
{
    *handled = true;
    if (a->kind == NUM_NAN || b->kind == NUM_NAN) {
        num_set_special(r, NUM_NAN);
        return true;
    }
    if (a->kind != NUM_FINITE) {
        if (b->kind == NUM_FINITE && b->n == 0)
            return num_div_by_zero(err);
        if (b->kind != NUM_FINITE || modulo) {
            num_set_special(r, NUM_NAN);
            return true;
        }
        int s = num_sign(a) * num_sign(b);
        num_set_special(r, s > 0 ? NUM_PINF : NUM_NINF);
        return true;
    }
    if (b->kind != NUM_FINITE) {
        /* finite / ±Inf = 0; finite % ±Inf = the finite value */
        if (modulo) {
            if (!num_copy(r, a))
                return num_oom(err);
        } else {
            num_set_zero(r);
            r->dscale = 0;
        }
        return true;
    }
    if (b->n == 0)
        return num_div_by_zero(err);
    *handled = false;
    return true;
}

static bool divide(const num *a, const num *b, num *r, pg_error *err)
{
    bool handled;
    if (!div_special(a, b, r, false, &handled, err) || handled)
        return !pg_error_is_set(err);
    int rscale = num_select_div_scale(a, b);
    if (!num_div_scale(a, b, r, rscale, true))
        return num_oom(err);
    return num_check_limits(r, err);
}

static bool div_trunc(const num *a, const num *b, num *r, pg_error *err)
{
    bool handled;
    if (!div_special(a, b, r, false, &handled, err) || handled)
        return !pg_error_is_set(err);
    if (!num_div_scale(a, b, r, 0, false))
        return num_oom(err);
    return num_check_limits(r, err);
}

static bool modulo(const num *a, const num *b, num *r, pg_error *err)
{
    bool handled;
    if (!div_special(a, b, r, true, &handled, err) || handled)
        return !pg_error_is_set(err);
    num q, p;
    num_init(&q);
    num_init(&p);
    bool ok = num_div_scale(a, b, &q, 0, false) && num_mul(b, &q, &p) && num_sub(a, &p, r);
    num_free(&q);
    num_free(&p);
    if (!ok)
        return num_oom(err);
    r->dscale = a->dscale > b->dscale ? a->dscale : b->dscale;
    return true;
}

/* ---------------------------------------------------------------- public wrappers */

typedef bool (*binary_fn)(const num *a, const num *b, num *r, pg_error *err);

static bool run_binary(binary_fn fn, const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    num x, y, r;
    num_init(&x);
    num_init(&y);
    num_init(&r);
    bool ok = num_parse(a, alen, &x, err) && num_parse(b, blen, &y, err) && fn(&x, &y, &r, err);
    if (ok)
        num_format(&r, out);
    num_free(&x);
    num_free(&y);
    num_free(&r);
    return ok;
}

static bool fn_add(const num *a, const num *b, num *r, pg_error *err) { return add_sub(a, b, false, r, err); }
static bool fn_sub(const num *a, const num *b, num *r, pg_error *err) { return add_sub(a, b, true, r, err); }

bool types_numeric_add(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    return run_binary(fn_add, a, alen, b, blen, out, err);
}
bool types_numeric_sub(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    return run_binary(fn_sub, a, alen, b, blen, out, err);
}
bool types_numeric_mul(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    return run_binary(mul, a, alen, b, blen, out, err);
}
bool types_numeric_div(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    return run_binary(divide, a, alen, b, blen, out, err);
}
bool types_numeric_div_trunc(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    return run_binary(div_trunc, a, alen, b, blen, out, err);
}
bool types_numeric_mod(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    return run_binary(modulo, a, alen, b, blen, out, err);
}
bool types_numeric_power(const char *a, size_t alen, const char *b, size_t blen, strbuf *out, pg_error *err)
{
    return run_binary(num_power, a, alen, b, blen, out, err);
}
bool types_numeric_log(const char *base, size_t blen, const char *x, size_t xlen, strbuf *out, pg_error *err)
{
    return run_binary(num_log, base, blen, x, xlen, out, err);
}

bool types_numeric_cmp(const char *a, size_t alen, const char *b, size_t blen, int *result, pg_error *err)
{
    num x, y;
    num_init(&x);
    num_init(&y);
    bool ok = num_parse(a, alen, &x, err) && num_parse(b, blen, &y, err);
    if (ok)
        *result = num_cmp(&x, &y);
    num_free(&x);
    num_free(&y);
    return ok;
}

static bool unary(numeric_unary_op op, const num *x, num *r, pg_error *err)
{
    switch (op) {
    case NUMERIC_ABS:
    case NUMERIC_NEG:
        if (!num_copy(r, x))
            return num_oom(err);
        if (x->kind == NUM_PINF || x->kind == NUM_NINF)
            r->kind = op == NUMERIC_ABS ? NUM_PINF : (x->kind == NUM_PINF ? NUM_NINF : NUM_PINF);
        else
            r->neg = op == NUMERIC_ABS ? false : (!x->neg && x->n > 0);
        return true;
    case NUMERIC_CEIL:
    case NUMERIC_FLOOR: {
        if (!num_copy(r, x))
            return num_oom(err);
        if (x->kind != NUM_FINITE)
            return true;
        if (!num_trunc(r, 0))
            return num_oom(err);
        r->dscale = 0;
        if (num_cmp(r, x) != 0 && (op == NUMERIC_CEIL) != x->neg) {
            num one, t;
            num_init(&one);
            num_init(&t);
            bool ok = num_from_int64(&one, x->neg ? -1 : 1) && num_add(r, &one, &t) && num_copy(r, &t);
            num_free(&one);
            num_free(&t);
            if (!ok)
                return num_oom(err);
        }
        r->dscale = 0;
        return true;
    }
    case NUMERIC_SIGN:
        if (x->kind == NUM_NAN) {
            num_set_special(r, NUM_NAN);
            return true;
        }
        if (!num_from_int64(r, num_sign(x)))
            return num_oom(err);
        return true;
    case NUMERIC_SQRT:
        return num_sqrt(x, r, err);
    case NUMERIC_EXP:
        return num_exp(x, r, err);
    case NUMERIC_LN:
        return num_ln(x, r, err);
    case NUMERIC_LOG10: {
        num ten;
        num_init(&ten);
        bool ok = num_from_int64(&ten, 10) && num_log(&ten, x, r, err);
        num_free(&ten);
        return ok;
    }
    }
    return true;
}

bool types_numeric_unary(numeric_unary_op op, const char *a, size_t alen, strbuf *out, pg_error *err)
{
    num x, r;
    num_init(&x);
    num_init(&r);
    bool ok = num_parse(a, alen, &x, err) && unary(op, &x, &r, err);
    if (ok)
        num_format(&r, out);
    num_free(&x);
    num_free(&r);
    return ok;
}

static bool round_trunc(const char *a, size_t alen, int scale, bool round, strbuf *out, pg_error *err)
{
    if (scale > NUMERIC_MAX_RESULT_SCALE)
        scale = NUMERIC_MAX_RESULT_SCALE;
    if (scale < -NUMERIC_MAX_RESULT_SCALE)
        scale = -NUMERIC_MAX_RESULT_SCALE;
    num x;
    num_init(&x);
    bool ok = num_parse(a, alen, &x, err);
    if (ok && x.kind == NUM_FINITE) {
        ok = round ? num_round(&x, scale) : num_trunc(&x, scale);
        if (!ok)
            num_oom(err);
        x.dscale = scale < 0 ? 0 : scale;
        ok = ok && num_check_limits(&x, err);
    }
    if (ok)
        num_format(&x, out);
    num_free(&x);
    return ok;
}

bool types_numeric_round(const char *a, size_t alen, int scale, strbuf *out, pg_error *err)
{
    return round_trunc(a, alen, scale, true, out, err);
}

bool types_numeric_trunc(const char *a, size_t alen, int scale, strbuf *out, pg_error *err)
{
    return round_trunc(a, alen, scale, false, out, err);
}

/* ---------------------------------------------------------------- sum / avg */

void types_numeric_accum_init(numeric_accum *acc)
{
    memset(acc, 0, sizeof *acc);
}

void types_numeric_accum_free(numeric_accum *acc)
{
    if (acc->sum) {
        num_free(acc->sum);
        free(acc->sum);
    }
    memset(acc, 0, sizeof *acc);
}

static bool accum_num(numeric_accum *acc, const num *x, pg_error *err)
{
    acc->count++;
    switch (x->kind) {
    case NUM_NAN: acc->nan_count++; return true;
    case NUM_PINF: acc->pinf_count++; return true;
    case NUM_NINF: acc->ninf_count++; return true;
    case NUM_FINITE: break;
    }
    if (!acc->sum) {
        acc->sum = malloc(sizeof *acc->sum);
        if (!acc->sum)
            return num_oom(err);
        num_init(acc->sum);
        acc->sum->dscale = 0;
    }
    num t;
    num_init(&t);
    bool ok = num_add(acc->sum, x, &t) && num_copy(acc->sum, &t);
    num_free(&t);
    return ok ? num_check_limits(acc->sum, err) : num_oom(err);
}

bool types_numeric_accum_text(numeric_accum *acc, const char *a, size_t alen, pg_error *err)
{
    num x;
    num_init(&x);
    bool ok = num_parse(a, alen, &x, err) && accum_num(acc, &x, err);
    num_free(&x);
    return ok;
}

bool types_numeric_accum_int64(numeric_accum *acc, int64_t v, pg_error *err)
{
    num x;
    num_init(&x);
    bool ok = num_from_int64(&x, v) ? accum_num(acc, &x, err) : num_oom(err);
    num_free(&x);
    return ok;
}

static bool accum_special(const numeric_accum *acc, strbuf *out)
{
    if (acc->nan_count || (acc->pinf_count && acc->ninf_count)) {
        strbuf_puts(out, "NaN");
        return true;
    }
    if (acc->pinf_count) {
        strbuf_puts(out, "Infinity");
        return true;
    }
    if (acc->ninf_count) {
        strbuf_puts(out, "-Infinity");
        return true;
    }
    return false;
}

bool types_numeric_accum_sum(const numeric_accum *acc, strbuf *out, pg_error *err)
{
    UNUSED(err);
    if (acc->count == 0)
        return false;
    if (accum_special(acc, out))
        return true;
    num_format(acc->sum, out);
    return true;
}

bool types_numeric_accum_avg(const numeric_accum *acc, strbuf *out, pg_error *err)
{
    if (acc->count == 0)
        return false;
    if (accum_special(acc, out))
        return true;
    num n, r;
    num_init(&n);
    num_init(&r);
    bool ok = num_from_int64(&n, acc->count) ? divide(acc->sum, &n, &r, err) : num_oom(err);
    if (ok)
        num_format(&r, out);
    num_free(&n);
    num_free(&r);
    return ok;
}
