/*
 * numeric.c — the decimal core: a number is an integer coefficient (base 10000, least
 * significant digit first) times a power of ten, which makes alignment, rounding at any
 * decimal place and exact products simple; PostgreSQL's base-10000 layout (aligned on the
 * decimal point) is derived only for the binary format and the few scale rules defined on it.
 *
 * Invariants: a finite num has no leading zero digits (d[n-1] != 0 unless n == 0); zero is
 * never negative; NaN/±Infinity carry no digits.  Rounding is half away from zero, as
 * PostgreSQL's round_var.  Arithmetic lives in numeric_math.c, codecs in numeric_codec.c.
 */
#include "types/types_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

static const uint32_t pow10_small[5] = {1, 10, 100, 1000, 10000};

void num_init(num *x)
{
    x->kind = NUM_FINITE;
    x->neg = false;
    x->exp10 = 0;
    x->dscale = 0;
    x->n = 0;
    x->cap = NUM_INLINE_DIGITS;
    x->d = x->inline_d;
}

void num_free(num *x)
{
    if (x->d != x->inline_d)
        free(x->d);
    num_init(x);
}

bool num_reserve(num *x, uint32_t digits)
{
    if (digits <= x->cap)
        return true;
    uint32_t cap = x->cap * 2 > digits ? x->cap * 2 : digits;
    uint32_t *p = malloc((size_t)cap * sizeof *p);
    if (!p)
        return false;
    memcpy(p, x->d, (size_t)x->n * sizeof *p);
    if (x->d != x->inline_d)
        free(x->d);
    x->d = p;
    x->cap = cap;
    return true;
}

bool num_copy(num *dst, const num *src)
{
    if (dst == src)
        return true;
    if (!num_reserve(dst, src->n))
        return false;
    memcpy(dst->d, src->d, (size_t)src->n * sizeof *src->d);
    dst->n = src->n;
    dst->kind = src->kind;
    dst->neg = src->neg;
    dst->exp10 = src->exp10;
    dst->dscale = src->dscale;
    return true;
}

void num_set_zero(num *x)
{
    x->kind = NUM_FINITE;
    x->neg = false;
    x->n = 0;
    x->exp10 = 0;
}

void num_set_special(num *x, num_kind kind)
{
    num_set_zero(x);
    x->kind = kind;
    x->dscale = 0;
}

static void strip_leading(num *x)
{
    while (x->n && x->d[x->n - 1] == 0)
        x->n--;
    if (x->n == 0)
        x->neg = false;
}

bool num_from_int64(num *x, int64_t v)
{
    num_set_zero(x);
    x->dscale = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if (!num_reserve(x, 5))
        return false;
    while (u) {
        x->d[x->n++] = (uint32_t)(u % NUM_NBASE);
        u /= NUM_NBASE;
    }
    x->neg = v < 0;
    return true;
}

/* ---------------------------------------------------------------- magnitude helpers */

/* coef *= m (m <= 10000), in place. */
static bool mag_mul_small(num *x, uint32_t m)
{
    if (!num_reserve(x, x->n + 1))
        return false;
    uint32_t carry = 0;
    for (uint32_t i = 0; i < x->n; i++) {
        uint32_t t = x->d[i] * m + carry;
        x->d[i] = t % NUM_NBASE;
        carry = t / NUM_NBASE;
    }
    if (carry)
        x->d[x->n++] = carry;
    strip_leading(x);
    return true;
}

/* coef /= m (m <= 10000), returns the remainder. */
static uint32_t mag_div_small(num *x, uint32_t m)
{
    uint32_t rem = 0;
    for (uint32_t i = x->n; i-- > 0;) {
        uint32_t t = rem * NUM_NBASE + x->d[i];
        x->d[i] = t / m;
        rem = t % m;
    }
    strip_leading(x);
    return rem;
}

/* coef *= 10^k (k >= 0); exp10 is not touched. */
static bool mag_shift_up(num *x, int32_t k)
{
    if (x->n == 0 || k == 0)
        return true;
    uint32_t whole = (uint32_t)k / 4;
    if (whole) {
        if (!num_reserve(x, x->n + whole))
            return false;
        memmove(x->d + whole, x->d, (size_t)x->n * sizeof *x->d);
        memset(x->d, 0, (size_t)whole * sizeof *x->d);
        x->n += whole;
    }
    return mag_mul_small(x, pow10_small[k % 4]);
}

/* Decimal digit at position `pos` (0 = least significant) of the coefficient. */
static unsigned mag_digit_at(const num *x, int32_t pos)
{
    uint32_t idx = (uint32_t)pos / 4;
    if (idx >= x->n)
        return 0;
    return (x->d[idx] / pow10_small[pos % 4]) % 10;
}

/* coef = floor(coef / 10^k). */
static void mag_shift_down(num *x, int32_t k)
{
    uint32_t whole = (uint32_t)k / 4;
    if (whole >= x->n) {
        x->n = 0;
        x->neg = false;
        return;
    }
    if (whole) {
        memmove(x->d, x->d + whole, (size_t)(x->n - whole) * sizeof *x->d);
        x->n -= whole;
    }
    mag_div_small(x, pow10_small[k % 4]);
}

/* coef += 1 */
static bool mag_increment(num *x)
{
    for (uint32_t i = 0; i < x->n; i++) {
        if (++x->d[i] < NUM_NBASE)
            return true;
        x->d[i] = 0;
    }
    if (!num_reserve(x, x->n + 1))
        return false;
    x->d[x->n++] = 1;
    return true;
}

static int mag_cmp(const uint32_t *a, uint32_t an, const uint32_t *b, uint32_t bn)
{
    if (an != bn)
        return an < bn ? -1 : 1;
    for (uint32_t i = an; i-- > 0;) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

/* Number of decimal digits of the coefficient. */
static int32_t mag_decimal_digits(const num *x)
{
    if (x->n == 0)
        return 0;
    uint32_t top = x->d[x->n - 1];
    int32_t k = top >= 1000 ? 4 : top >= 100 ? 3 : top >= 10 ? 2 : 1;
    return (int32_t)(x->n - 1) * 4 + k;
}

int num_decimal_weight(const num *x)
{
    if (x->kind != NUM_FINITE || x->n == 0)
        return 0;
    return mag_decimal_digits(x) - 1 + x->exp10;
}

/* ---------------------------------------------------------------- rounding */

static bool round_or_trunc(num *x, int scale, bool round)
{
    if (x->kind != NUM_FINITE || x->n == 0)
        return true;
    if (x->exp10 >= -scale)
        return true;
    int64_t k = (int64_t)-scale - x->exp10;   /* decimal digits to drop */
    int32_t digits = mag_decimal_digits(x);
    if (k > digits) {
        num_set_zero(x);
        x->exp10 = -scale;
        return true;
    }
    bool up = round && mag_digit_at(x, (int32_t)k - 1) >= 5;
    bool neg = x->neg;   /* the shift may leave zero, which clears the sign */
    mag_shift_down(x, (int32_t)k);
    x->exp10 = -scale;
    if (up) {
        if (!mag_increment(x))
            return false;
        x->neg = neg;
    }
    if (x->n == 0)
        x->neg = false;
    return true;
}

bool num_round(num *x, int scale)
{
    return round_or_trunc(x, scale, true);
}

bool num_trunc(num *x, int scale)
{
    return round_or_trunc(x, scale, false);
}

/* ---------------------------------------------------------------- text */

bool num_check_limits(const num *x, pg_error *err)
{
    if (x->kind != NUM_FINITE)
        return true;
    /* PostgreSQL: weight <= 32767 (base 10000), dscale <= 16383. */
    if (x->dscale > NUM_DSCALE_MAX || (x->n && num_decimal_weight(x) >= 4 * 32768)) {
        pg_error_set(err, "22003", "value overflows numeric format");
        return false;
    }
    return true;
}

bool num_parse(const char *p, size_t n, num *x, pg_error *err)
{
    const char *s = p, *end = p + n;
    num_set_zero(x);
    x->dscale = 0;
    while (s < end && types_isspace(*s))
        s++;
    /* Special values: NaN, [+-]Infinity, [+-]inf, case-insensitive. */
    {
        const char *q = s;
        bool neg = false;
        if (q < end && (*q == '+' || *q == '-'))
            neg = *q++ == '-';
        size_t left = (size_t)(end - q);
        size_t used = 0;
        num_kind kind = NUM_FINITE;
        if (left >= 3 && q == s && types_word_eq(q, 3, "nan")) {
            kind = NUM_NAN;
            used = 3;
        } else if (left >= 8 && types_word_eq(q, 8, "infinity")) {
            kind = neg ? NUM_NINF : NUM_PINF;
            used = 8;
        } else if (left >= 3 && types_word_eq(q, 3, "inf")) {
            kind = neg ? NUM_NINF : NUM_PINF;
            used = 3;
        }
        if (kind != NUM_FINITE) {
            q += used;
            while (q < end && types_isspace(*q))
                q++;
            if (q != end)
                return types_err_syntax(err, "numeric", p, n);
            num_set_special(x, kind);
            return true;
        }
    }
    bool neg = false;
    if (s < end && (*s == '+' || *s == '-'))
        neg = *s++ == '-';
    const char *digits_start = s;
    size_t ndigits = 0, after_point = 0;
    bool point = false;
    for (; s < end; s++) {
        if (types_isdigit(*s)) {
            ndigits++;
            if (point)
                after_point++;
        } else if (*s == '.' && !point) {
            point = true;
        } else {
            break;
        }
    }
    const char *digits_end = s;
    if (ndigits == 0)
        return types_err_syntax(err, "numeric", p, n);
    int64_t exponent = 0;
    if (s < end && (*s == 'e' || *s == 'E')) {
        s++;
        bool eneg = false;
        if (s < end && (*s == '+' || *s == '-'))
            eneg = *s++ == '-';
        if (s == end || !types_isdigit(*s))
            return types_err_syntax(err, "numeric", p, n);
        for (; s < end && types_isdigit(*s); s++) {
            exponent = exponent * 10 + (*s - '0');
            if (exponent >= INT_MAX / 2)
                return types_err_syntax(err, "numeric", p, n);
        }
        if (eneg)
            exponent = -exponent;
    }
    while (s < end && types_isspace(*s))
        s++;
    if (s != end)
        return types_err_syntax(err, "numeric", p, n);
    /* Coefficient from the digits, least significant group of four first. */
    if (!num_reserve(x, (uint32_t)(ndigits / 4 + 2))) {
        pg_error_oom(err);
        return false;
    }
    uint32_t group = 0, mult = 1;
    for (const char *q = digits_end; q-- > digits_start;) {
        if (*q == '.')
            continue;
        group += (uint32_t)(*q - '0') * mult;
        mult *= 10;
        if (mult == NUM_NBASE) {
            x->d[x->n++] = group;
            group = 0;
            mult = 1;
        }
    }
    if (mult > 1)
        x->d[x->n++] = group;
    strip_leading(x);
    x->neg = neg && x->n > 0;
    x->exp10 = (int32_t)(exponent - (int64_t)after_point);
    int64_t dscale = (int64_t)after_point - exponent;
    x->dscale = dscale < 0 ? 0 : (int32_t)(dscale > INT32_MAX ? INT32_MAX : dscale);
    if (x->n == 0)
        x->exp10 = -x->dscale;
    return num_check_limits(x, err);
}

void num_format(const num *x, strbuf *out)
{
    switch (x->kind) {
    case NUM_NAN: strbuf_puts(out, "NaN"); return;
    case NUM_PINF: strbuf_puts(out, "Infinity"); return;
    case NUM_NINF: strbuf_puts(out, "-Infinity"); return;
    case NUM_FINITE: break;
    }
    const num *v = x;
    num rounded;
    num_init(&rounded);
    if (x->n && x->exp10 < -x->dscale) {
        if (!num_copy(&rounded, x) || !num_round(&rounded, x->dscale)) {
            out->failed = true;
            num_free(&rounded);
            return;
        }
        v = &rounded;
    }
    int32_t dscale = x->dscale < 0 ? 0 : x->dscale;
    int32_t ndig = mag_decimal_digits(v);
    /* Digits of the value at positions (decimal places) from the top down to -dscale. */
    int32_t top = v->n ? ndig - 1 + v->exp10 : 0;   /* decimal weight of the first digit */
    if (top < 0)
        top = 0;
    size_t need = (size_t)top + 1 + (size_t)dscale + 3;
    if (!strbuf_reserve(out, need)) {
        num_free(&rounded);
        return;
    }
    char *w = out->data + out->len;
    if (v->neg && v->n)
        *w++ = '-';
    for (int32_t pos = top; pos >= -dscale; pos--) {
        int32_t coef_pos = pos - v->exp10;
        *w++ = (char)('0' + (coef_pos >= 0 && coef_pos < ndig ? mag_digit_at(v, coef_pos) : 0));
        if (pos == 0 && dscale > 0)
            *w++ = '.';
    }
    out->len = (size_t)(w - out->data);
    out->data[out->len] = 0;
    num_free(&rounded);
}

bool num_apply_typmod(num *x, int32_t typmod, pg_error *err)
{
    if (typmod < 4 || x->kind == NUM_NAN)
        return true;
    int precision = types_numeric_typmod_precision(typmod);
    int scale = types_numeric_typmod_scale(typmod);
    int maxdigits = precision - scale;
    if (x->kind != NUM_FINITE) {
        pg_error_set(err, "22003", "numeric field overflow");
        pg_error_detail(err, "A field with precision %d, scale %d cannot hold an infinite value.", precision, scale);
        return false;
    }
    if (!num_round(x, scale)) {
        pg_error_oom(err);
        return false;
    }
    x->dscale = scale < 0 ? 0 : scale;
    if (x->n && num_decimal_weight(x) >= maxdigits) {
        pg_error_set(err, "22003", "numeric field overflow");
        pg_error_detail(err, "A field with precision %d, scale %d must round to an absolute value less than %s%d.",
                        precision, scale, maxdigits ? "10^" : "", maxdigits ? maxdigits : 1);
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- compare, add, sub, mul */

int num_cmp_abs(const num *a, const num *b)
{
    if (a->n == 0 || b->n == 0)
        return (a->n != 0) - (b->n != 0);
    int wa = num_decimal_weight(a), wb = num_decimal_weight(b);
    if (wa != wb)
        return wa < wb ? -1 : 1;
    /* Same leading position: compare digit by digit from the top. */
    int32_t da = mag_decimal_digits(a), db = mag_decimal_digits(b);
    int32_t len = da > db ? da : db;
    for (int32_t i = 0; i < len; i++) {
        unsigned ca = i < da ? mag_digit_at(a, da - 1 - i) : 0;
        unsigned cb = i < db ? mag_digit_at(b, db - 1 - i) : 0;
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

static int kind_rank(const num *x)
{
    /* -Inf < finite < +Inf < NaN, as PostgreSQL sorts them. */
    switch (x->kind) {
    case NUM_NINF: return 0;
    case NUM_FINITE: return 1;
    case NUM_PINF: return 2;
    case NUM_NAN: return 3;
    }
    return 1;
}

int num_cmp(const num *a, const num *b)
{
    int ra = kind_rank(a), rb = kind_rank(b);
    if (ra != rb || ra != 1)
        return ra < rb ? -1 : ra > rb ? 1 : 0;
    int sa = a->n == 0 ? 0 : a->neg ? -1 : 1;
    int sb = b->n == 0 ? 0 : b->neg ? -1 : 1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int c = num_cmp_abs(a, b);
    return sa < 0 ? -c : c;
}

/* Copy `src` into `dst` with its coefficient rescaled to exponent `e` (e <= src->exp10). */
static bool aligned_copy(num *dst, const num *src, int32_t e)
{
    if (!num_copy(dst, src))
        return false;
    if (!mag_shift_up(dst, src->exp10 - e))
        return false;
    dst->exp10 = e;
    return true;
}

/* r = |a| + |b| or |a| - |b| (|a| >= |b|), a and b aligned to the same exponent. */
static bool mag_addsub(const num *a, const num *b, bool subtract, num *r)
{
    uint32_t n = a->n > b->n ? a->n : b->n;
    if (!num_reserve(r, n + 1))
        return false;
    int32_t carry = 0;
    for (uint32_t i = 0; i < n; i++) {
        int32_t t = (int32_t)(i < a->n ? a->d[i] : 0) + (subtract ? -(int32_t)(i < b->n ? b->d[i] : 0) : (int32_t)(i < b->n ? b->d[i] : 0)) + carry;
        if (t < 0) {
            t += NUM_NBASE;
            carry = -1;
        } else if (t >= NUM_NBASE) {
            t -= NUM_NBASE;
            carry = 1;
        } else {
            carry = 0;
        }
        r->d[i] = (uint32_t)t;
    }
    r->n = n;
    if (carry > 0)
        r->d[r->n++] = (uint32_t)carry;
    r->kind = NUM_FINITE;
    strip_leading(r);
    return true;
}

static bool add_signed(const num *a, const num *b, bool negate_b, num *r)
{
    int32_t e = a->exp10 < b->exp10 ? a->exp10 : b->exp10;
    int32_t dscale = a->dscale > b->dscale ? a->dscale : b->dscale;
    num x, y;
    num_init(&x);
    num_init(&y);
    bool ok = aligned_copy(&x, a, e) && aligned_copy(&y, b, e);
    if (ok) {
        bool bneg = negate_b ? !y.neg : y.neg;
        if (y.n == 0)
            bneg = false;
        num_set_zero(r);
        if (x.neg == bneg) {
            ok = mag_addsub(&x, &y, false, r);
            r->neg = x.neg;
        } else if (mag_cmp(x.d, x.n, y.d, y.n) >= 0) {
            ok = mag_addsub(&x, &y, true, r);
            r->neg = x.neg;
        } else {
            ok = mag_addsub(&y, &x, true, r);
            r->neg = bneg;
        }
        if (r->n == 0)
            r->neg = false;
        r->exp10 = e;
        r->dscale = dscale;
    }
    num_free(&x);
    num_free(&y);
    return ok;
}

bool num_add(const num *a, const num *b, num *r)
{
    return add_signed(a, b, false, r);
}

bool num_sub(const num *a, const num *b, num *r)
{
    return add_signed(a, b, true, r);
}

bool num_mul(const num *a, const num *b, num *r)
{
    num t;
    num_init(&t);
    uint32_t n = a->n + b->n;
    if (!num_reserve(&t, n + 1))
        return false;
    memset(t.d, 0, (size_t)(n + 1) * sizeof *t.d);
    for (uint32_t i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (uint32_t j = 0; j < b->n; j++) {
            uint64_t v = (uint64_t)a->d[i] * b->d[j] + t.d[i + j] + carry;
            t.d[i + j] = (uint32_t)(v % NUM_NBASE);
            carry = v / NUM_NBASE;
        }
        uint32_t k = i + b->n;
        while (carry) {
            uint64_t v = t.d[k] + carry;
            t.d[k++] = (uint32_t)(v % NUM_NBASE);
            carry = v / NUM_NBASE;
        }
    }
    t.n = n;
    t.neg = a->neg != b->neg;
    t.exp10 = a->exp10 + b->exp10;
    t.dscale = a->dscale + b->dscale;
    strip_leading(&t);
    if (t.n == 0)
        t.exp10 = -t.dscale;
    bool ok = num_copy(r, &t);
    num_free(&t);
    return ok;
}

/* ---------------------------------------------------------------- division */

/*
 * q = floor(u / v), rem = u - q*v for coefficients (Knuth's algorithm D in base 10000).
 * `rem` may be NULL.
 */
static bool mag_divmod(const num *u, const num *v, num *q, num *rem)
{
    num_set_zero(q);
    if (rem)
        num_set_zero(rem);
    if (mag_cmp(u->d, u->n, v->d, v->n) < 0)
        return rem ? num_copy(rem, u) && (rem->neg = false, rem->exp10 = 0, true) : true;
    if (v->n == 1) {
        if (!num_copy(q, u))
            return false;
        q->neg = false;
        q->exp10 = 0;
        uint32_t r = mag_div_small(q, v->d[0]);
        if (rem && !num_from_int64(rem, r))
            return false;
        return true;
    }
    uint32_t n = v->n, m = u->n - v->n;
    uint32_t f = NUM_NBASE / (v->d[n - 1] + 1);
    num un, vn;
    num_init(&un);
    num_init(&vn);
    bool ok = num_copy(&un, u) && num_copy(&vn, v) && mag_mul_small(&un, f) && mag_mul_small(&vn, f) &&
              num_reserve(&un, u->n + 1) && num_reserve(q, m + 1);
    if (!ok)
        goto done;
    /* mag_mul_small strips; restore the fixed length u->n + 1 for the algorithm. */
    for (uint32_t i = un.n; i < u->n + 1; i++)
        un.d[i] = 0;
    un.n = u->n + 1;
    memset(q->d, 0, (size_t)(m + 1) * sizeof *q->d);
    for (uint32_t jj = m + 1; jj-- > 0;) {
        uint32_t j = jj;
        int64_t num2 = (int64_t)un.d[j + n] * NUM_NBASE + un.d[j + n - 1];
        int64_t qhat = num2 / vn.d[n - 1];
        int64_t rhat = num2 % vn.d[n - 1];
        while (qhat >= NUM_NBASE || qhat * vn.d[n - 2] > rhat * NUM_NBASE + un.d[j + n - 2]) {
            qhat--;
            rhat += vn.d[n - 1];
            if (rhat >= NUM_NBASE)
                break;
        }
        int64_t borrow = 0, carry = 0;
        for (uint32_t i = 0; i < n; i++) {
            int64_t p = qhat * vn.d[i] + carry;
            carry = p / NUM_NBASE;
            int64_t t = (int64_t)un.d[i + j] - (p % NUM_NBASE) - borrow;
            borrow = t < 0;
            un.d[i + j] = (uint32_t)(t < 0 ? t + NUM_NBASE : t);
        }
        int64_t t = (int64_t)un.d[j + n] - carry - borrow;
        if (t < 0) {
            un.d[j + n] = (uint32_t)(t + NUM_NBASE);
            qhat--;
            int64_t c = 0;
            for (uint32_t i = 0; i < n; i++) {
                int64_t s = (int64_t)un.d[i + j] + vn.d[i] + c;
                c = s >= NUM_NBASE;
                un.d[i + j] = (uint32_t)(c ? s - NUM_NBASE : s);
            }
            un.d[j + n] = (uint32_t)(((int64_t)un.d[j + n] + c) % NUM_NBASE);
        } else {
            un.d[j + n] = (uint32_t)t;
        }
        q->d[j] = (uint32_t)qhat;
    }
    q->n = m + 1;
    q->neg = false;
    q->exp10 = 0;
    strip_leading(q);
    if (rem) {
        un.n = n;
        strip_leading(&un);
        mag_div_small(&un, f);
        ok = num_copy(rem, &un);
        rem->neg = false;
        rem->exp10 = 0;
    }
done:
    num_free(&un);
    num_free(&vn);
    return ok;
}

bool num_div_scale(const num *a, const num *b, num *r, int rscale, bool round)
{
    /* a/b = (A/B) × 10^(ea-eb); the result coefficient is A × 10^k / B with k as below. */
    int64_t k = (int64_t)a->exp10 - b->exp10 + rscale;
    num N, D, q, rem;
    num_init(&N);
    num_init(&D);
    num_init(&q);
    num_init(&rem);
    bool ok = num_copy(&N, a) && num_copy(&D, b);
    if (ok)
        ok = k >= 0 ? mag_shift_up(&N, (int32_t)k) : mag_shift_up(&D, (int32_t)-k);
    if (ok)
        ok = mag_divmod(&N, &D, &q, round ? &rem : NULL);
    if (ok && round && rem.n) {
        ok = mag_mul_small(&rem, 2);
        if (ok && mag_cmp(rem.d, rem.n, D.d, D.n) >= 0)
            ok = mag_increment(&q);
    }
    if (ok) {
        q.neg = (a->neg != b->neg) && q.n > 0;
        q.exp10 = -rscale;
        q.dscale = rscale < 0 ? 0 : rscale;
        q.kind = NUM_FINITE;
        ok = num_copy(r, &q);
    }
    num_free(&N);
    num_free(&D);
    num_free(&q);
    num_free(&rem);
    return ok;
}

/* ---------------------------------------------------------------- PostgreSQL's layout */

bool num_pg_layout(const num *x, num *work, int *weight, uint32_t *low)
{
    *weight = 0;
    *low = 0;
    num_set_zero(work);
    if (x->kind != NUM_FINITE || x->n == 0)
        return true;
    /* Rescale so the exponent is a multiple of 4: then coefficient digits are PG digits. */
    int32_t e = x->exp10;
    int32_t r = ((e % 4) + 4) % 4;
    if (!num_copy(work, x) || !mag_shift_up(work, r))
        return false;
    e -= r;
    /* Trailing zero digits carry no information. */
    while (*low < work->n && work->d[*low] == 0)
        (*low)++;
    *weight = (int)(work->n - 1) + e / 4;
    return true;
}

void num_pg_weight(const num *x, int *weight, int *first_digit)
{
    *weight = 0;
    *first_digit = 0;
    if (x->kind != NUM_FINITE || x->n == 0)
        return;
    int dw = num_decimal_weight(x);
    /* PG digit containing decimal weight dw: weight floor(dw/4); its value is the decimal
     * digits of positions 4w+3 .. 4w. */
    int w = dw >= 0 ? dw / 4 : -((-dw + 3) / 4);
    int digit = 0;
    for (int pos = 4 * w + 3; pos >= 4 * w; pos--) {
        int32_t cp = pos - x->exp10;
        digit = digit * 10 + (int)(cp >= 0 ? mag_digit_at(x, cp) : 0);
    }
    *weight = w;
    *first_digit = digit;
}

int num_select_div_scale(const num *a, const num *b)
{
    int w1, f1, w2, f2;
    num_pg_weight(a, &w1, &f1);
    num_pg_weight(b, &w2, &f2);
    int qweight = w1 - w2;
    if (f1 <= f2)
        qweight--;
    int rscale = NUM_MIN_SIG_DIGITS - qweight * 4;
    if (rscale < a->dscale)
        rscale = a->dscale;
    if (rscale < b->dscale)
        rscale = b->dscale;
    if (rscale < 0)
        rscale = 0;
    if (rscale > NUM_MAX_DISPLAY_SCALE)
        rscale = NUM_MAX_DISPLAY_SCALE;
    return rscale;
}

double num_to_double(const num *x)
{
    switch (x->kind) {
    case NUM_NAN: return NAN;
    case NUM_PINF: return INFINITY;
    case NUM_NINF: return -INFINITY;
    case NUM_FINITE: break;
    }
    strbuf b;
    strbuf_init(&b);
    num_format(x, &b);
    double d = b.failed ? NAN : strtod(b.data, NULL);
    strbuf_free(&b);
    return d;
}

/* The numeric collation's comparison: it must order every pair, so text that is not a
 * numeric (which the typed columns never hold) sorts after all numbers, bytewise. */
int types_numeric_text_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    pg_error err = {0};
    int r = 0;
    if (types_numeric_cmp(a, alen, b, blen, &r, &err))
        return r;
    pg_error_clear(&err);
    size_t n = alen < blen ? alen : blen;
    int c = memcmp(a, b, n);
    return c ? c : (alen < blen ? -1 : alen > blen);
}
