/*
 * numeric_transcend.c — numeric's sqrt, exp, ln, log and power, with PostgreSQL 15's result
 * scales (at least NUMERIC_MIN_SIG_DIGITS significant digits, never less than the inputs'
 * scales) and its rules for NaN, infinities and domain errors.
 *
 * Each result is computed in fixed point with enough guard digits for its magnitude and then
 * rounded half away from zero: sqrt by an integer Newton iteration on the scaled value, exp
 * by argument halving and a Taylor series, ln by square roots down to near 1, an atanh series
 * and k·ln 10, power as exact repeated squaring for integer exponents or exp(y·ln x).
 * Checked against PostgreSQL on thousands of random operands (tests/unit/types/test_numeric.c
 * keeps the representative ones).
 */
#include "types/types_internal.h"

#include <math.h>
#include <stdlib.h>

#define NUMERIC_MAX_RESULT_SCALE 2000

/* ---------------------------------------------------------------- sqrt */

static bool num_small(num *x, int64_t v)
{
    return num_from_int64(x, v);
}

/* floor(sqrt(N)) for an integer N >= 0 (exp10 == 0 after the call's setup). */
static bool isqrt(const num *N, num *root)
{
    if (N->n == 0) {
        num_set_zero(root);
        return true;
    }
    /* Start from a double estimate scaled to N's size; Newton's step from any positive start
     * lands at or above the root, then decreases monotonically to it. */
    int dw = num_decimal_weight(N);   /* N ≈ m × 10^dw, 1 <= m < 10 */
    int half = dw / 2;
    num x, q, s, two;
    num_init(&x);
    num_init(&q);
    num_init(&s);
    num_init(&two);
    bool ok = num_small(&two, 2);
    {
        /* leading digits of N / 10^(2*half) as a double */
        num t;
        num_init(&t);
        ok = ok && num_copy(&t, N);
        if (ok) {
            t.exp10 -= 2 * half;
            t.dscale = 20;
        }
        double m = ok ? num_to_double(&t) : 1.0;
        num_free(&t);
        double est = sqrt(m) * (1 + 1e-14) + 1;
        char buf[64];
        snprintf(buf, sizeof buf, "%.0fe%d", ceil(est * 1e6), half - 6);
        pg_error err = {0};
        ok = ok && num_parse(buf, strlen(buf), &x, &err) && num_trunc(&x, 0);
        pg_error_clear(&err);
        if (ok && x.n == 0)
            ok = num_small(&x, 1);
        x.dscale = 0;
    }
    bool first = true;
    while (ok) {
        /* y = (x + N / x) / 2 */
        ok = num_div_scale(N, &x, &q, 0, false) && num_add(&x, &q, &s) && num_div_scale(&s, &two, &q, 0, false);
        if (!ok)
            break;
        if (!first && num_cmp(&q, &x) >= 0)
            break;
        first = false;
        ok = num_copy(&x, &q);
    }
    ok = ok && num_copy(root, &x);
    root->exp10 = 0;
    num_free(&x);
    num_free(&q);
    num_free(&s);
    num_free(&two);
    return ok;
}

/* sqrt(x) rounded to rscale places (x >= 0, finite). */
static bool sqrt_at(const num *x, int rscale, num *r)
{
    /* sqrt(x) × 10^(rscale+1) = sqrt(coef × 10^(exp10 + 2 rscale + 2)), floored, then the
     * extra digit decides the rounding (a floor at one more digit rounds correctly). */
    num N;
    num_init(&N);
    bool ok = num_copy(&N, x);
    if (ok) {
        N.exp10 = x->exp10 + 2 * rscale + 2;
        N.dscale = 0;
        ok = num_trunc(&N, 0);
        /* make the exponent zero: coef × 10^exp10 as an integer */
        if (ok && N.n && N.exp10 > 0) {
            num one, t;
            num_init(&one);
            num_init(&t);
            ok = num_small(&one, 1);
            one.exp10 = 0;
            ok = ok && num_add(&N, &one, &t) && num_sub(&t, &one, &N);
            num_free(&one);
            num_free(&t);
        }
        N.exp10 = N.n ? N.exp10 : 0;
    }
    ok = ok && isqrt(&N, r);
    if (ok) {
        r->exp10 = -(rscale + 1);
        r->neg = false;
        ok = num_round(r, rscale);
        r->dscale = rscale;
    }
    num_free(&N);
    return ok;
}

static int clamp_scale(int rscale, int a, int b)
{
    if (rscale < a)
        rscale = a;
    if (rscale < b)
        rscale = b;
    if (rscale < 0)
        rscale = 0;
    return rscale > NUM_MAX_DISPLAY_SCALE ? NUM_MAX_DISPLAY_SCALE : rscale;
}

bool num_sqrt(const num *x, num *r, pg_error *err)
{
    if (x->kind == NUM_NAN || x->kind == NUM_PINF) {
        num_set_special(r, x->kind);
        return true;
    }
    if (num_sign(x) < 0) {
        pg_error_set(err, "2201F", "cannot take square root of a negative number");
        return false;
    }
    int w, first;
    num_pg_weight(x, &w, &first);
    int sweight = (w + 1) * 4 / 2 - 1;
    int rscale = clamp_scale(NUM_MIN_SIG_DIGITS - sweight, x->dscale, 0);
    if (!sqrt_at(x, rscale, r))
        return num_oom(err);
    return true;
}

/* ---------------------------------------------------------------- exp, ln */

/* exp(x) rounded to rscale places, x finite with |x| <= 6000. */
static bool exp_at(const num *x, int rscale, num *r)
{
    double xd = num_to_double(x);
    double a = fabs(xd);
    int s = 0;
    while (a / ldexp(1.0, s) > 0.01)
        s++;
    double dweight = a * 0.434294481903252;
    int sig = rscale + (int)(xd > 0 ? dweight : -dweight) + 3;
    if (sig < 8)
        sig = 8;
    int W = sig + (int)(s * 0.302) + 6 + (xd > 0 ? 0 : 0);
    num t, sum, term, k, tmp, p2;
    num_init(&t);
    num_init(&sum);
    num_init(&term);
    num_init(&k);
    num_init(&tmp);
    num_init(&p2);
    bool ok = num_copy(&t, x);
    t.neg = false;
    /* t = |x| / 2^s */
    ok = ok && num_small(&p2, (int64_t)1 << s) && num_div_scale(&t, &p2, &tmp, W, true) && num_copy(&t, &tmp);
    /* Taylor series: sum = 1 + t + t^2/2! + ... */
    ok = ok && num_small(&sum, 1) && num_small(&term, 1);
    for (int i = 1; ok && i < 100000; i++) {
        ok = num_mul(&term, &t, &tmp) && num_small(&k, i) && num_div_scale(&tmp, &k, &term, W, true);
        if (!ok || term.n == 0)
            break;
        ok = num_add(&sum, &term, &tmp) && num_copy(&sum, &tmp);
    }
    for (int i = 0; ok && i < s; i++)
        ok = num_mul(&sum, &sum, &tmp) && num_round(&tmp, W) && num_copy(&sum, &tmp) && ((sum.dscale = W), true);
    if (ok) {
        if (x->neg) {
            num one;
            num_init(&one);
            ok = num_small(&one, 1) && num_div_scale(&one, &sum, r, rscale, true);
            num_free(&one);
        } else {
            ok = num_round(&sum, rscale) && num_copy(r, &sum);
        }
        r->dscale = rscale;
    }
    num_free(&t);
    num_free(&sum);
    num_free(&term);
    num_free(&k);
    num_free(&tmp);
    num_free(&p2);
    return ok;
}

/* ln(z) for z close to 1 (0.9 < z < 1.1), at scale W: 2 atanh((z-1)/(z+1)). */
static bool ln_series(const num *z, int W, num *r)
{
    num one, u, u2, pw, term, sum, tmp, k;
    num_init(&one);
    num_init(&u);
    num_init(&u2);
    num_init(&pw);
    num_init(&term);
    num_init(&sum);
    num_init(&tmp);
    num_init(&k);
    bool ok = num_small(&one, 1) && num_sub(z, &one, &tmp) && num_add(z, &one, &u2) &&
              num_div_scale(&tmp, &u2, &u, W, true) && num_mul(&u, &u, &tmp) && num_round(&tmp, W) &&
              num_copy(&u2, &tmp) && num_copy(&pw, &u) && num_copy(&sum, &u);
    for (int i = 3; ok && i < 1000000; i += 2) {
        ok = num_mul(&pw, &u2, &tmp) && num_round(&tmp, W) && num_copy(&pw, &tmp);
        if (!ok || pw.n == 0)
            break;
        ok = num_small(&k, i) && num_div_scale(&pw, &k, &term, W, true);
        if (!ok || term.n == 0)
            break;
        ok = num_add(&sum, &term, &tmp) && num_copy(&sum, &tmp);
    }
    ok = ok && num_add(&sum, &sum, r);
    num_free(&one);
    num_free(&u);
    num_free(&u2);
    num_free(&pw);
    num_free(&term);
    num_free(&sum);
    num_free(&tmp);
    num_free(&k);
    return ok;
}

/* ln(y) for 1 <= y < 10 at scale W: square roots down to near 1, series, times 2^s. */
static bool ln_reduced(const num *y, int W, num *r)
{
    int s = 0;
    double yd = num_to_double(y);
    while ((yd > 1.1 || yd < 0.9) && s < 64) {
        yd = sqrt(yd);
        s++;
    }
    int Ws = W + (int)(s * 0.302) + 4;
    num z, tmp, p2;
    num_init(&z);
    num_init(&tmp);
    num_init(&p2);
    bool ok = num_copy(&z, y);
    for (int i = 0; ok && i < s; i++)
        ok = sqrt_at(&z, Ws, &tmp) && num_copy(&z, &tmp);
    ok = ok && ln_series(&z, Ws, &tmp) && num_small(&p2, (int64_t)1 << s) && num_mul(&tmp, &p2, r) && num_round(r, W);
    num_free(&z);
    num_free(&tmp);
    num_free(&p2);
    return ok;
}

/* ln(x) rounded to rscale places, x > 0 finite. */
static bool ln_at(const num *x, int rscale, num *r)
{
    /* x = y × 10^k with 1 <= y < 10; ln x = ln y + k ln 10. */
    int k = num_decimal_weight(x);
    int kdigits = 1;
    for (int t = k < 0 ? -k : k; t >= 10; t /= 10)
        kdigits++;
    int W = rscale + kdigits + 6;
    num y, ly, l10, ten, kn, tmp;
    num_init(&y);
    num_init(&ly);
    num_init(&l10);
    num_init(&ten);
    num_init(&kn);
    num_init(&tmp);
    bool ok = num_copy(&y, x);
    if (ok) {
        y.exp10 -= k;
        y.dscale = 0;
    }
    ok = ok && ln_reduced(&y, W, &ly);
    if (ok && k != 0) {
        ok = num_small(&ten, 10) && ln_reduced(&ten, W, &l10) && num_small(&kn, k) && num_mul(&l10, &kn, &tmp) &&
             num_add(&ly, &tmp, &kn) && num_copy(&ly, &kn);
    }
    ok = ok && num_round(&ly, rscale) && num_copy(r, &ly);
    r->dscale = rscale;
    if (r->n == 0)
        r->neg = false;
    num_free(&y);
    num_free(&ly);
    num_free(&l10);
    num_free(&ten);
    num_free(&kn);
    num_free(&tmp);
    return ok;
}

/* estimate_ln_dweight of PostgreSQL (decimal weight of ln(x)), from x's leading digits. */
static int estimate_ln_dweight(const num *x)
{
    if (x->kind != NUM_FINITE || x->neg || x->n == 0)
        return 0;
    num lo, hi, one, d;
    num_init(&lo);
    num_init(&hi);
    num_init(&one);
    num_init(&d);
    pg_error err = {0};
    int result = 0;
    if (num_parse("0.9", 3, &lo, &err) && num_parse("1.1", 3, &hi, &err) && num_small(&one, 1)) {
        if (num_cmp(x, &lo) >= 0 && num_cmp(x, &hi) <= 0) {
            if (num_sub(x, &one, &d) && d.n) {
                int w, first;
                num_pg_weight(&d, &w, &first);
                result = w * 4 + (int)log10(first);
            }
        } else {
            num work;
            num_init(&work);
            int w;
            uint32_t low;
            if (num_pg_layout(x, &work, &w, &low) && work.n > low) {
                int dig = (int)work.d[work.n - 1];
                int dweight = w * 4;
                if (work.n - 1 > low) {
                    dig = dig * NUM_NBASE + (int)work.d[work.n - 2];
                    dweight -= 4;
                }
                double ln_var = log((double)dig) + dweight * 2.302585092994046;
                result = (int)log10(fabs(ln_var));
            }
            num_free(&work);
        }
    }
    pg_error_clear(&err);
    num_free(&lo);
    num_free(&hi);
    num_free(&one);
    num_free(&d);
    return result;
}

bool num_exp(const num *x, num *r, pg_error *err)
{
    if (x->kind == NUM_NAN || x->kind == NUM_PINF) {
        num_set_special(r, x->kind);
        return true;
    }
    if (x->kind == NUM_NINF) {
        num_set_zero(r);
        r->dscale = 0;
        return true;
    }
    double val = num_to_double(x);
    if (fabs(val) > NUMERIC_MAX_RESULT_SCALE * 3) {
        if (val > 0)
            return num_overflow(err);
        num_set_zero(r);
        r->dscale = NUM_MAX_DISPLAY_SCALE;
        return true;
    }
    double dw = val * 0.434294481903252;
    if (dw > NUMERIC_MAX_RESULT_SCALE)
        dw = NUMERIC_MAX_RESULT_SCALE;
    if (dw < -NUMERIC_MAX_RESULT_SCALE)
        dw = -NUMERIC_MAX_RESULT_SCALE;
    int rscale = clamp_scale(NUM_MIN_SIG_DIGITS - (int)dw, x->dscale, 0);
    if (!exp_at(x, rscale, r))
        return num_oom(err);
    return num_check_limits(r, err);
}

static bool ln_domain(const num *x, pg_error *err)
{
    int s = num_sign(x);
    if (s == 0) {
        pg_error_set(err, "2201E", "cannot take logarithm of zero");
        return false;
    }
    if (s < 0) {
        pg_error_set(err, "2201E", "cannot take logarithm of a negative number");
        return false;
    }
    return true;
}

bool num_ln(const num *x, num *r, pg_error *err)
{
    if (x->kind == NUM_NAN) {
        num_set_special(r, NUM_NAN);
        return true;
    }
    if (!ln_domain(x, err))
        return false;
    if (x->kind == NUM_PINF) {
        num_set_special(r, NUM_PINF);
        return true;
    }
    int rscale = clamp_scale(NUM_MIN_SIG_DIGITS - estimate_ln_dweight(x), x->dscale, 0);
    if (!ln_at(x, rscale, r))
        return num_oom(err);
    return true;
}

bool num_log(const num *base, const num *x, num *r, pg_error *err)
{
    if (base->kind == NUM_NAN || x->kind == NUM_NAN) {
        num_set_special(r, NUM_NAN);
        return true;
    }
    if (!ln_domain(base, err) || !ln_domain(x, err))
        return false;
    if (base->kind == NUM_PINF) {
        if (x->kind == NUM_PINF)
            num_set_special(r, NUM_NAN);
        else {
            num_set_zero(r);
            r->dscale = 0;
        }
        return true;
    }
    if (x->kind == NUM_PINF) {
        num one;
        num_init(&one);
        bool ok = num_small(&one, 1);
        int c = ok ? num_cmp(base, &one) : 0;
        num_free(&one);
        if (!ok)
            return num_oom(err);
        if (c == 0)
            return num_div_by_zero(err);
        num_set_special(r, c > 0 ? NUM_PINF : NUM_NINF);
        return true;
    }
    int bd = estimate_ln_dweight(base), xd = estimate_ln_dweight(x);
    int rscale = clamp_scale(NUM_MIN_SIG_DIGITS - (xd - bd), base->dscale, x->dscale);
    int W = rscale + 10 + (bd < 0 ? -bd : bd) + (xd < 0 ? -xd : xd);
    num lb, lx;
    num_init(&lb);
    num_init(&lx);
    bool ok = ln_at(base, W, &lb) && ln_at(x, W, &lx);
    if (ok && lb.n == 0) {
        num_free(&lb);
        num_free(&lx);
        return num_div_by_zero(err);
    }
    ok = ok && num_div_scale(&lx, &lb, r, rscale, true);
    num_free(&lb);
    num_free(&lx);
    return ok ? true : num_oom(err);
}

/* ---------------------------------------------------------------- power */

static bool power_special(const num *x, const num *y, num *r, bool *handled, pg_error *err)
{
    *handled = true;
    num one;
    num_init(&one);
    if (!num_small(&one, 1))
        return num_oom(err);
    bool x_is_one = x->kind == NUM_FINITE && num_cmp(x, &one) == 0;
    bool y_is_zero = y->kind == NUM_FINITE && y->n == 0;
    if (x->kind == NUM_NAN || y->kind == NUM_NAN) {
        if ((x->kind == NUM_NAN && y_is_zero) || (y->kind == NUM_NAN && x_is_one)) {
            num_free(&one);
            if (!num_small(r, 1))
                return num_oom(err);
            r->dscale = 0;
            return true;
        }
        num_free(&one);
        num_set_special(r, NUM_NAN);
        return true;
    }
    if (x->kind == NUM_FINITE && y->kind == NUM_FINITE) {
        num_free(&one);
        if (x->n == 0 && num_sign(y) < 0) {
            pg_error_set(err, "2201F", "zero raised to a negative power is undefined");
            return false;
        }
        if (num_sign(x) < 0 && !num_is_int(y)) {
            pg_error_set(err, "2201F", "a negative number raised to a non-integer power yields a complex result");
            return false;
        }
        *handled = false;
        return true;
    }
    /* One of them is infinite. */
    int sy = num_sign(y);
    if (y_is_zero || x_is_one) {
        num_free(&one);
        if (!num_small(r, 1))
            return num_oom(err);
        r->dscale = 0;
        return true;
    }
    if (y->kind != NUM_FINITE) {
        /* x ^ ±Inf: by |x| against 1 */
        num ax;
        num_init(&ax);
        bool ok = num_copy(&ax, x);
        ax.neg = false;
        int c = x->kind == NUM_FINITE ? num_cmp(&ax, &one) : 1;
        num_free(&ax);
        num_free(&one);
        if (!ok)
            return num_oom(err);
        if (x->kind == NUM_FINITE && x->n == 0 && sy < 0) {
            pg_error_set(err, "2201F", "zero raised to a negative power is undefined");
            return false;
        }
        if (c == 0) {
            if (!num_small(r, 1))
                return num_oom(err);
            r->dscale = 0;
        } else if ((c > 0) == (sy > 0)) {
            num_set_special(r, NUM_PINF);
        } else {
            num_set_zero(r);
            r->dscale = 0;
        }
        return true;
    }
    num_free(&one);
    /* ±Inf ^ finite non-zero y */
    if (sy < 0) {
        num_set_zero(r);
        r->dscale = 0;
        return true;
    }
    if (x->kind == NUM_NINF) {
        if (!num_is_int(y)) {
            pg_error_set(err, "2201F", "a negative number raised to a non-integer power yields a complex result");
            return false;
        }
        num two, q;
        num_init(&two);
        num_init(&q);
        bool odd = num_small(&two, 2) && num_div_scale(y, &two, &q, 0, false) && num_mul(&q, &two, r) && num_cmp(r, y) != 0;
        num_free(&two);
        num_free(&q);
        num_set_special(r, odd ? NUM_NINF : NUM_PINF);
        return true;
    }
    num_set_special(r, NUM_PINF);
    return true;
}

static bool power_int_exact(const num *x, int64_t e, num *r)
{
    num base, acc, tmp;
    num_init(&base);
    num_init(&acc);
    num_init(&tmp);
    bool ok = num_copy(&base, x) && num_from_int64(&acc, 1);
    uint64_t k = (uint64_t)(e < 0 ? -e : e);
    while (ok && k) {
        if (k & 1)
            ok = num_mul(&acc, &base, &tmp) && num_copy(&acc, &tmp);
        k >>= 1;
        if (ok && k)
            ok = num_mul(&base, &base, &tmp) && num_copy(&base, &tmp);
    }
    ok = ok && num_copy(r, &acc);
    num_free(&base);
    num_free(&acc);
    num_free(&tmp);
    return ok;
}

bool num_power(const num *x, const num *y, num *r, pg_error *err)
{
    bool handled;
    if (!power_special(x, y, r, &handled, err) || handled)
        return !pg_error_is_set(err);
    int64_t e;
    bool y_int = num_is_int(y);
    double lx = x->n ? log10(fabs(num_to_double(x))) : 0;
    if (x->n && !isfinite(lx)) {
        /* beyond double range: use the decimal weight */
        lx = num_decimal_weight(x);
    }
    if (y_int) {
        strbuf b;
        strbuf_init(&b);
        num_format(y, &b);
        pg_error tmp = {0};
        bool fits = !b.failed && types_numeric_to_int64(b.data, b.len, &e, &tmp) && e >= INT32_MIN && e <= INT32_MAX;
        pg_error_clear(&tmp);
        strbuf_free(&b);
        if (fits) {
            int rscale = clamp_scale(NUM_MIN_SIG_DIGITS, x->dscale, 0);
            if (x->n == 0) {
                if (!num_small(r, e == 0 ? 1 : 0))
                    return num_oom(err);
                r->dscale = rscale;
                if (!num_round(r, rscale))
                    return num_oom(err);
                return true;
            }
            double digits = fabs((double)e) * (lx + 1);
            if (fabs((double)e) * lx > 4.0 * 32767)
                return e > 0 ? num_overflow(err) : (num_set_zero(r), r->dscale = rscale, true);
            if (digits < 20000) {
                num p;
                num_init(&p);
                bool ok = power_int_exact(x, e, &p);
                if (ok && e < 0) {
                    num one;
                    num_init(&one);
                    ok = num_small(&one, 1) && num_div_scale(&one, &p, r, rscale, true);
                    num_free(&one);
                } else if (ok) {
                    ok = num_round(&p, rscale) && num_copy(r, &p);
                }
                r->dscale = rscale;
                num_free(&p);
                return ok ? num_check_limits(r, err) : num_oom(err);
            }
        }
    }
    /* 0 ^ non-integer y > 0 is 0 (power_var avoids ln(0) the same way). */
    if (x->n == 0) {
        num_set_zero(r);
        r->dscale = NUM_MIN_SIG_DIGITS;
        return true;
    }
    /* General case: exp(y ln |x|), sign from an odd integer exponent. */
    double yd = num_to_double(y);
    double val = yd * lx * 2.302585092994046;   /* ln of the result */
    if (fabs(val) > NUMERIC_MAX_RESULT_SCALE * 3.01) {
        if (val > 0)
            return num_overflow(err);
        num_set_zero(r);
        r->dscale = NUM_MAX_DISPLAY_SCALE;
        return true;
    }
    double dw = val * 0.434294481903252;
    int rscale = clamp_scale(NUM_MIN_SIG_DIGITS - (int)dw, x->dscale, y->dscale);
    int ydigits = (int)(fabs(yd) >= 1 ? log10(fabs(yd)) + 1 : 0);
    int L = rscale + (dw > 0 ? (int)dw : 0) + ydigits + 8;
    num ax, l, t;
    num_init(&ax);
    num_init(&l);
    num_init(&t);
    bool ok = num_copy(&ax, x);
    ax.neg = false;
    ok = ok && ln_at(&ax, L, &l) && num_mul(&l, y, &t) && num_round(&t, L);
    if (ok)
        t.dscale = L;
    ok = ok && exp_at(&t, rscale, r);
    if (ok && x->neg) {
        num two, q, p;
        num_init(&two);
        num_init(&q);
        num_init(&p);
        ok = num_small(&two, 2) && num_div_scale(y, &two, &q, 0, false) && num_mul(&q, &two, &p);
        if (ok && num_cmp(&p, y) != 0)
            r->neg = r->n > 0;
        num_free(&two);
        num_free(&q);
        num_free(&p);
    }
    num_free(&ax);
    num_free(&l);
    num_free(&t);
    return ok ? num_check_limits(r, err) : num_oom(err);
}
