/*
 * interval.c — interval text input (PostgreSQL's DecodeInterval and DecodeISO8601Interval)
 * and output in the four IntervalStyles, plus the interval codec.
 *
 * Storage form: TEXT "<months> <days> <microseconds>" (types_interval_*_storage); binary is
 * PostgreSQL's int64 µs, int32 days, int32 months.  Input is read right to left as
 * PostgreSQL does, so a unit word names the number on its left and a time field makes a bare
 * number on its left a day count ("3 4:05:06").  Fractions spill down (1.5 months = 1 month
 * 15 days, 1.5 days = 1 day 12 hours); each unit may appear once.
 */
#include "types/types_internal.h"

#include <math.h>
#include <stdlib.h>

#define USECS_PER_SEC INT64_C(1000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_HOUR INT64_C(3600000000)
#define USECS_PER_DAY INT64_C(86400000000)

/* typmod range bits */
#define IV_MONTH (1 << 1)
#define IV_YEAR (1 << 2)
#define IV_DAY (1 << 3)
#define IV_HOUR (1 << 10)
#define IV_MINUTE (1 << 11)
#define IV_SECOND (1 << 12)

enum { U_NONE, U_USEC, U_MSEC, U_SECOND, U_MINUTE, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_YEAR, U_DECADE, U_CENTURY, U_MILLENNIUM, U_AGO, U_IGNORE };

typedef struct unit_word {
    const char *word;
    int unit;
} unit_word;

static const unit_word unit_words[] = {   /* PostgreSQL's deltatktbl, sorted */
    {"@", U_IGNORE}, {"ago", U_AGO}, {"c", U_CENTURY}, {"cent", U_CENTURY}, {"centuries", U_CENTURY},
    {"century", U_CENTURY}, {"d", U_DAY}, {"day", U_DAY}, {"days", U_DAY}, {"dec", U_DECADE},
    {"decade", U_DECADE}, {"decades", U_DECADE}, {"decs", U_DECADE}, {"h", U_HOUR}, {"hour", U_HOUR},
    {"hours", U_HOUR}, {"hr", U_HOUR}, {"hrs", U_HOUR}, {"m", U_MINUTE}, {"microsecon", U_USEC},
    {"mil", U_MILLENNIUM}, {"millennia", U_MILLENNIUM}, {"millennium", U_MILLENNIUM},
    {"millisecon", U_MSEC}, {"mils", U_MILLENNIUM}, {"min", U_MINUTE}, {"mins", U_MINUTE},
    {"minute", U_MINUTE}, {"minutes", U_MINUTE}, {"mon", U_MONTH}, {"mons", U_MONTH},
    {"month", U_MONTH}, {"months", U_MONTH}, {"ms", U_MSEC}, {"msec", U_MSEC}, {"msecond", U_MSEC},
    {"mseconds", U_MSEC}, {"msecs", U_MSEC}, {"s", U_SECOND}, {"sec", U_SECOND},
    {"second", U_SECOND}, {"seconds", U_SECOND}, {"secs", U_SECOND}, {"us", U_USEC},
    {"usec", U_USEC}, {"usecond", U_USEC}, {"useconds", U_USEC}, {"usecs", U_USEC}, {"w", U_WEEK},
    {"week", U_WEEK}, {"weeks", U_WEEK}, {"y", U_YEAR}, {"year", U_YEAR}, {"years", U_YEAR},
    {"yr", U_YEAR}, {"yrs", U_YEAR},
};

static int find_unit(const char *p, size_t n)
{
    char key[11];
    if (n > 10)
        n = 10;   /* TOKMAXLEN: "microseconds" is looked up as "microsecon" */
    for (size_t i = 0; i < n; i++)
        key[i] = types_tolower(p[i]);
    key[n] = 0;
    size_t lo = 0, hi = ARRAY_LEN(unit_words);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(unit_words[mid].word, key);
        if (c == 0)
            return unit_words[mid].unit;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return U_NONE;
}

/* Accumulator with overflow detection (pg_itm_in). */
typedef struct itm {
    int64_t usec;
    int64_t mday;
    int64_t mon;
    int64_t year;
    bool overflow;
} itm;

static void add_usec_frac(itm *t, double frac, int64_t scale)
{
    if (frac == 0)
        return;
    frac *= (double)scale;
    int64_t u = (int64_t)frac;
    frac -= (double)u;
    if (frac > 0.5)
        u++;
    else if (frac < -0.5)
        u--;
    if (__builtin_add_overflow(t->usec, u, &t->usec))
        t->overflow = true;
}

static void add_usec(itm *t, int64_t val, double frac, int64_t scale)
{
    int64_t v;
    if (__builtin_mul_overflow(val, scale, &v) || __builtin_add_overflow(t->usec, v, &t->usec))
        t->overflow = true;
    add_usec_frac(t, frac, scale);
}

static void add_frac_days(itm *t, double frac, int scale)
{
    if (frac == 0)
        return;
    frac *= scale;
    int extra = (int)frac;
    t->mday += extra;
    add_usec_frac(t, frac - extra, USECS_PER_DAY);
}

static void add_days(itm *t, int64_t val, int scale)
{
    int64_t v;
    if (__builtin_mul_overflow(val, (int64_t)scale, &v) || __builtin_add_overflow(t->mday, v, &t->mday))
        t->overflow = true;
}

static void add_years(itm *t, int64_t val, double frac, int scale)
{
    int64_t v;
    if (__builtin_mul_overflow(val, (int64_t)scale, &v) || __builtin_add_overflow(t->year, v, &t->year))
        t->overflow = true;
    t->mon += (int64_t)rint(frac * scale * 12);
}

static bool apply_unit(itm *t, int unit, int64_t val, double frac, int *tmask)
{
    switch (unit) {
    case U_USEC: add_usec(t, val, frac, 1); *tmask = 1 << 0; break;
    case U_MSEC: add_usec(t, val, frac, 1000); *tmask = 1 << 1; break;
    case U_SECOND: add_usec(t, val, frac, USECS_PER_SEC); *tmask = frac == 0 ? 1 << 2 : (1 << 0) | (1 << 1) | (1 << 2); break;
    case U_MINUTE: add_usec(t, val, frac, USECS_PER_MINUTE); *tmask = 1 << 3; break;
    case U_HOUR: add_usec(t, val, frac, USECS_PER_HOUR); *tmask = 1 << 4; break;
    case U_DAY: add_days(t, val, 1); add_usec_frac(t, frac, USECS_PER_DAY); *tmask = 1 << 5; break;
    case U_WEEK: add_days(t, val, 7); add_frac_days(t, frac, 7); *tmask = 1 << 6; break;
    case U_MONTH:
        if (__builtin_add_overflow(t->mon, val, &t->mon))
            t->overflow = true;
        add_frac_days(t, frac, 30);
        *tmask = 1 << 7;
        break;
    case U_YEAR: add_years(t, val, frac, 1); *tmask = 1 << 8; break;
    case U_DECADE: add_years(t, val, frac, 10); *tmask = 1 << 9; break;
    case U_CENTURY: add_years(t, val, frac, 100); *tmask = 1 << 10; break;
    case U_MILLENNIUM: add_years(t, val, frac, 1000); *tmask = 1 << 11; break;
    default: return false;
    }
    return true;
}

/* Parse "[+-]digits[.digits]" or "[+-]Y-M"; *frac gets the signed fraction. */
static bool parse_number(const char *p, size_t n, int64_t *val, double *frac, bool *year_month, int64_t *months)
{
    size_t i = 0;
    bool neg = false;
    *year_month = false;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        neg = p[i++] == '-';
    if (i >= n || !(types_isdigit(p[i]) || p[i] == '.'))
        return false;
    uint64_t acc = 0;
    bool digits = false;
    while (i < n && types_isdigit(p[i])) {
        if (acc > (UINT64_C(1) << 62))
            return false;
        acc = acc * 10 + (uint64_t)(p[i++] - '0');
        digits = true;
    }
    *val = neg ? -(int64_t)acc : (int64_t)acc;
    *frac = 0;
    if (i < n && p[i] == '-' && digits) {
        /* SQL "years-months" */
        i++;
        int m = 0;
        if (i >= n || !types_isdigit(p[i]))
            return false;
        while (i < n && types_isdigit(p[i])) {
            if (m < 1000)
                m = m * 10 + (p[i] - '0');
            i++;
        }
        if (i != n || m >= 12)
            return false;
        *year_month = true;
        *months = *val * 12 + (neg ? -m : m);
        return true;
    }
    if (i < n && p[i] == '.') {
        char buf[40];
        size_t k = 0;
        buf[k++] = '0';
        while (i < n && k < sizeof buf - 1 && (p[i] == '.' || types_isdigit(p[i])))
            buf[k++] = p[i++];
        buf[k] = 0;
        if (i != n || strchr(buf + 2, '.'))
            return false;
        *frac = strtod(buf, NULL);
        if (neg)
            *frac = -*frac;
        return true;
    }
    return digits && i == n;
}

/* hh:mm[:ss[.fff]] (mm:ss.fff when there is a single colon and a fraction) → µs. */
static bool parse_time_field(const char *p, size_t n, int range, int64_t *usec)
{
    int64_t h = 0, m = 0, s = 0;
    double frac = 0;
    size_t i = 0;
    if (i >= n || !types_isdigit(p[i]))
        return false;
    while (i < n && types_isdigit(p[i])) {
        if (h > INT64_C(1) << 40)
            return false;
        h = h * 10 + (p[i++] - '0');
    }
    if (i >= n || p[i] != ':')
        return false;
    i++;
    if (i >= n || !types_isdigit(p[i]))
        return false;
    while (i < n && types_isdigit(p[i])) {
        if (m < 1000)
            m = m * 10 + (p[i] - '0');
        i++;
    }
    bool has_sec = false;
    if (i < n && p[i] == ':') {
        i++;
        if (i >= n || !types_isdigit(p[i]))
            return false;
        while (i < n && types_isdigit(p[i])) {
            if (s < 1000)
                s = s * 10 + (p[i] - '0');
            i++;
        }
        has_sec = true;
    }
    if (i < n && p[i] == '.') {
        char buf[40];
        size_t k = 0;
        buf[k++] = '0';
        while (i < n && k < sizeof buf - 1 && (types_isdigit(p[i]) || (p[i] == '.' && k == 1)))
            buf[k++] = p[i++];
        buf[k] = 0;
        frac = strtod(buf, NULL);
        if (!has_sec) {
            /* mm:ss.sss */
            s = m;
            m = h;
            h = 0;
        }
    } else if (!has_sec && range == (IV_MINUTE | IV_SECOND)) {
        s = m;
        m = h;
        h = 0;
    }
    if (i != n)
        return false;
    if (m > 59 || s > 60)
        return false;
    *usec = h * USECS_PER_HOUR + m * USECS_PER_MINUTE + s * USECS_PER_SEC + (int64_t)rint(frac * 1000000);
    return true;
}

static int range_default_unit(int range)
{
    switch (range) {
    case IV_YEAR: return U_YEAR;
    case IV_MONTH: case IV_YEAR | IV_MONTH: return U_MONTH;
    case IV_DAY: return U_DAY;
    case IV_HOUR: case IV_DAY | IV_HOUR: return U_HOUR;
    case IV_MINUTE: case IV_HOUR | IV_MINUTE: case IV_DAY | IV_HOUR | IV_MINUTE: return U_MINUTE;
    default: return U_SECOND;
    }
}

typedef struct token {
    const char *p;
    size_t n;
} token;

enum { IV_OK, IV_FORMAT, IV_FIELD };

/* ISO 8601 "P..." in the designator or the alternative format. */
static int parse_iso8601(const char *p, size_t n, itm *t)
{
    size_t i = 1;
    bool time_part = false;
    if (i >= n)
        return IV_FORMAT;
    while (i < n) {
        if (p[i] == 'T') {
            if (time_part)
                return IV_FORMAT;
            time_part = true;
            i++;
            continue;
        }
        size_t start = i;
        if (p[i] == '-' || p[i] == '+')
            i++;
        while (i < n && (types_isdigit(p[i]) || p[i] == '.'))
            i++;
        if (i == start || i >= n)
            return IV_FORMAT;
        int64_t val;
        double frac;
        bool ym;
        int64_t months;
        char unit = p[i];
        if (unit == '-' || unit == ':') {
            /* Alternative format: P0001-02-03T04:05:06 */
            int64_t y = 0, mo = 0, d = 0;
            if (time_part) {
                int64_t usec;
                if (!parse_time_field(p + start, n - start, 0, &usec))
                    return IV_FORMAT;
                add_usec(t, 0, 0, 1);
                t->usec += usec;
                return IV_OK;
            }
            /* three integers separated by '-', up to 'T' or the end (bounds-checked) */
            int64_t part[3];
            size_t k = start;
            for (int f = 0; f < 3; f++) {
                if (f > 0) {
                    if (k >= n || p[k] != '-')
                        return IV_FORMAT;
                    k++;
                }
                bool neg = k < n && p[k] == '-';
                if (neg || (k < n && p[k] == '+'))
                    k++;
                if (k >= n || !types_isdigit(p[k]))
                    return IV_FORMAT;
                int64_t v = 0;
                while (k < n && types_isdigit(p[k])) {
                    if (v > INT64_C(100000000000))
                        return IV_FIELD;
                    v = v * 10 + (p[k++] - '0');
                }
                part[f] = neg ? -v : v;
            }
            if (k < n && p[k] != 'T')
                return IV_FORMAT;
            y = part[0];
            mo = part[1];
            d = part[2];
            t->year += y;
            t->mon += mo;
            t->mday += d;
            while (i < n && p[i] != 'T')
                i++;
            continue;
        }
        if (!parse_number(p + start, i - start, &val, &frac, &ym, &months) || ym)
            return IV_FORMAT;
        UNUSED(months);
        {
            /* ParseISO8601Number: strtod of the whole number, then value - trunc(value), so
             * the fraction carries the binary rounding PostgreSQL's does */
            char num[64];
            size_t len = i - start;
            if (len >= sizeof num)
                return IV_FORMAT;
            memcpy(num, p + start, len);
            num[len] = 0;
            double whole = strtod(num, NULL);
            if (whole < -1.0e15 || whole > 1.0e15)
                return IV_FIELD;
            double ip = whole >= 0 ? floor(whole) : -floor(-whole);
            val = (int64_t)ip;
            frac = whole - ip;
        }
        i++;
        int tm = 0;
        switch (unit) {
        case 'Y': if (time_part) return IV_FORMAT; apply_unit(t, U_YEAR, val, frac, &tm); break;
        case 'M': apply_unit(t, time_part ? U_MINUTE : U_MONTH, val, frac, &tm); break;
        case 'W': if (time_part) return IV_FORMAT; apply_unit(t, U_WEEK, val, frac, &tm); break;
        case 'D': if (time_part) return IV_FORMAT; apply_unit(t, U_DAY, val, frac, &tm); break;
        case 'H': if (!time_part) return IV_FORMAT; apply_unit(t, U_HOUR, val, frac, &tm); break;
        case 'S': if (!time_part) return IV_FORMAT; apply_unit(t, U_SECOND, val, frac, &tm); break;
        default: return IV_FORMAT;
        }
    }
    return IV_OK;
}

static int parse_postgres(const type_settings *s, const char *p, size_t n, int range, itm *t)
{
    token tok[64];
    int nt = 0;
    size_t i = 0;
    /* Split: white space separates; a unit word glued to a number ("10s") is its own token. */
    while (i < n) {
        if (types_isspace(p[i]) || p[i] == ',') {
            i++;
            continue;
        }
        if (nt >= 64)
            return IV_FORMAT;
        size_t start = i;
        if (p[i] == '@') {
            i++;
            continue;   /* punctuation to ParseDateTime: not a field */
        } else if ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')) {
            while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
                i++;
        } else {
            while (i < n && !types_isspace(p[i]) && !((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
                i++;
        }
        tok[nt].p = p + start;
        tok[nt].n = i - start;
        nt++;
    }
    if (nt == 0)
        return IV_FORMAT;
    bool force_negative = false;
    if (s->intervalstyle == INTERVALSTYLE_SQL_STANDARD && (tok[0].p[0] == '-')) {
        force_negative = true;
        for (int k = 1; k < nt; k++)
            if (tok[k].p[0] == '-' || tok[k].p[0] == '+')
                force_negative = false;
    }
    int type = U_NONE, fmask = 0;
    bool is_before = false, pending_unit = false, any = false;
    for (int k = nt - 1; k >= 0; k--) {
        const char *f = tok[k].p;
        size_t fl = tok[k].n;
        int tmask = 0;
        bool alpha = (f[0] >= 'a' && f[0] <= 'z') || (f[0] >= 'A' && f[0] <= 'Z') || f[0] == '@';
        if (alpha) {
            int u = find_unit(f, fl);
            if (u == U_NONE)
                return IV_FORMAT;
            if (u == U_IGNORE)
                continue;
            if (u == U_AGO) {
                is_before = true;
                continue;
            }
            type = u;
            pending_unit = true;
            continue;
        }
        const char *body = f;
        size_t bl = fl;
        bool sign = f[0] == '+' || f[0] == '-';
        if (sign) {
            body++;
            bl--;
        }
        if (memchr(body, ':', bl)) {
            int64_t usec;
            if (!parse_time_field(body, bl, range, &usec))
                return IV_FIELD;
            if (f[0] == '-')
                usec = -usec;
            if (force_negative && usec > 0)
                usec = -usec;
            if (__builtin_add_overflow(t->usec, usec, &t->usec))
                return IV_FIELD;
            tmask = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 0) | (1 << 1);
            type = U_DAY;
            pending_unit = false;
        } else {
            if (type == U_NONE)
                type = range_default_unit(range);
            int64_t val, months;
            double frac;
            bool ym;
            if (!parse_number(f, fl, &val, &frac, &ym, &months))
                return IV_FORMAT;
            if (ym) {
                type = U_MONTH;
                val = months;
                frac = 0;
            }
            if (force_negative) {
                if (val > 0)
                    val = -val;
                if (frac > 0)
                    frac = -frac;
            }
            if (!apply_unit(t, type, val, frac, &tmask))
                return IV_FORMAT;
            if (type == U_HOUR)
                type = U_DAY;
            pending_unit = false;
        }
        any = true;
        if (tmask & fmask)
            return IV_FORMAT;
        fmask |= tmask;
        if (t->overflow)
            return IV_FIELD;
    }
    if (!any || pending_unit)
        return IV_FORMAT;
    if (is_before) {
        t->usec = -t->usec;
        t->mday = -t->mday;
        t->mon = -t->mon;
        t->year = -t->year;
    }
    return IV_OK;
}

/* AdjustIntervalForTypmod: drop fields below the range, round to the precision. */
static void adjust_for_typmod(pg_interval *iv, int32_t typmod)
{
    if (typmod < 0)
        return;
    int range = types_interval_typmod_range(typmod);
    int precision = types_interval_typmod_precision(typmod);
    if (range == IV_YEAR) {
        iv->months = (iv->months / 12) * 12;
        iv->days = 0;
        iv->usecs = 0;
    } else if (range == IV_MONTH || range == (IV_YEAR | IV_MONTH)) {
        iv->days = 0;
        iv->usecs = 0;
    } else if (range == IV_DAY) {
        iv->usecs = 0;
    } else if (range == IV_HOUR || range == (IV_DAY | IV_HOUR)) {
        iv->usecs = (iv->usecs / USECS_PER_HOUR) * USECS_PER_HOUR;
    } else if (range == IV_MINUTE || range == (IV_HOUR | IV_MINUTE) || range == (IV_DAY | IV_HOUR | IV_MINUTE)) {
        iv->usecs = (iv->usecs / USECS_PER_MINUTE) * USECS_PER_MINUTE;
    }
    if (precision >= 0)
        iv->usecs = types_round_to_precision(iv->usecs, precision);
}

bool types_interval_parse(const type_settings *s, const char *p, size_t n, int32_t typmod, pg_interval *iv, pg_error *err)
{
    const char *q = p;
    size_t m = n;
    types_trim(&q, &m);
    itm t = {0};
    int range = typmod >= 0 ? types_interval_typmod_range(typmod) : 0x7fff;
    int r = m == 0 ? IV_FORMAT : (q[0] == 'P' ? parse_iso8601(q, m, &t) : parse_postgres(s, q, m, range, &t));
    if (r == IV_OK && t.overflow)
        r = IV_FIELD;
    if (r == IV_FIELD) {
        pg_error_set(err, "22015", "interval field value out of range: \"%.*s\"", (int)n, p);
        return false;
    }
    if (r != IV_OK) {
        pg_error_set(err, "22007", "invalid input syntax for type interval: \"%.*s\"", (int)n, p);
        return false;
    }
    int64_t months;
    if (__builtin_mul_overflow(t.year, 12, &months) || __builtin_add_overflow(months, t.mon, &months) ||
        months < INT32_MIN || months > INT32_MAX || t.mday < INT32_MIN || t.mday > INT32_MAX) {
        pg_error_set(err, "22008", "interval out of range");
        return false;
    }
    iv->months = (int32_t)months;
    iv->days = (int32_t)t.mday;
    iv->usecs = t.usec;
    adjust_for_typmod(iv, typmod);
    return true;
}

/* ---------------------------------------------------------------- output */

typedef struct iv_fields {
    int64_t year, mon, mday, hour, min, sec;
    int32_t fsec;
} iv_fields;

static void split_interval(const pg_interval *iv, iv_fields *f)
{
    f->year = iv->months / 12;
    f->mon = iv->months % 12;
    f->mday = iv->days;
    int64_t t = iv->usecs;
    f->hour = t / USECS_PER_HOUR;
    t -= f->hour * USECS_PER_HOUR;
    f->min = t / USECS_PER_MINUTE;
    t -= f->min * USECS_PER_MINUTE;
    f->sec = t / USECS_PER_SEC;
    f->fsec = (int32_t)(t - f->sec * USECS_PER_SEC);
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* Zero-padded to two digits at least, without printf (intervals are in result sets). */
static void append_2digits(strbuf *out, int64_t v)
{
    if (v < 10)
        strbuf_putc(out, '0');
    types_append_int64(out, v);
}

static void append_seconds(strbuf *out, int64_t sec, int32_t fsec, bool fillzeros)
{
    if (fillzeros)
        append_2digits(out, abs64(sec));
    else
        types_append_int64(out, abs64(sec));
    if (fsec != 0) {
        char digits[6];
        int32_t u = (fsec < 0 ? -fsec : fsec) % 1000000;
        for (int k = 5; k >= 0; k--) {
            digits[k] = (char)('0' + u % 10);
            u /= 10;
        }
        int k = 6;
        while (k > 0 && digits[k - 1] == '0')
            k--;
        strbuf_putc(out, '.');
        strbuf_append(out, digits, (size_t)k);
    }
}

static void postgres_part(strbuf *out, int64_t value, const char *units, bool *is_zero, bool *is_before)
{
    if (value == 0)
        return;
    if (!*is_zero)
        strbuf_putc(out, ' ');
    if (*is_before && value > 0)
        strbuf_putc(out, '+');
    types_append_int64(out, value);
    strbuf_putc(out, ' ');
    strbuf_puts(out, units);
    if (value != 1)
        strbuf_putc(out, 's');
    *is_before = value < 0;
    *is_zero = false;
}

static void verbose_part(strbuf *out, int64_t value, const char *units, bool *is_zero, bool *is_before)
{
    if (value == 0)
        return;
    if (*is_zero) {
        *is_before = value < 0;
        value = abs64(value);
    } else if (*is_before) {
        value = -value;
    }
    strbuf_printf(out, " %lld %s%s", (long long)value, units, value == 1 ? "" : "s");
    *is_zero = false;
}

static void iso_part(strbuf *out, int64_t value, char unit)
{
    if (value != 0)
        strbuf_printf(out, "%lld%c", (long long)value, unit);
}

void types_interval_format(const type_settings *s, const pg_interval *iv, strbuf *out)
{
    iv_fields f;
    split_interval(iv, &f);
    bool is_zero = true, is_before = false;
    switch (s->intervalstyle) {
    case INTERVALSTYLE_POSTGRES:
        postgres_part(out, f.year, "year", &is_zero, &is_before);
        postgres_part(out, f.mon, "mon", &is_zero, &is_before);
        postgres_part(out, f.mday, "day", &is_zero, &is_before);
        if (is_zero || f.hour != 0 || f.min != 0 || f.sec != 0 || f.fsec != 0) {
            bool minus = f.hour < 0 || f.min < 0 || f.sec < 0 || f.fsec < 0;
            if (!is_zero)
                strbuf_putc(out, ' ');
            if (minus || is_before)
                strbuf_putc(out, minus ? '-' : '+');
            append_2digits(out, abs64(f.hour));
            strbuf_putc(out, ':');
            append_2digits(out, abs64(f.min));
            strbuf_putc(out, ':');
            append_seconds(out, f.sec, f.fsec, true);
        }
        break;
    case INTERVALSTYLE_POSTGRES_VERBOSE:
        strbuf_putc(out, '@');
        verbose_part(out, f.year, "year", &is_zero, &is_before);
        verbose_part(out, f.mon, "mon", &is_zero, &is_before);
        verbose_part(out, f.mday, "day", &is_zero, &is_before);
        verbose_part(out, f.hour, "hour", &is_zero, &is_before);
        verbose_part(out, f.min, "min", &is_zero, &is_before);
        if (f.sec != 0 || f.fsec != 0) {
            strbuf_putc(out, ' ');
            if (f.sec < 0 || (f.sec == 0 && f.fsec < 0)) {
                if (is_zero)
                    is_before = true;
                else if (!is_before)
                    strbuf_putc(out, '-');
            } else if (is_before) {
                strbuf_putc(out, '-');
            }
            append_seconds(out, f.sec, f.fsec, false);
            strbuf_printf(out, " sec%s", (abs64(f.sec) != 1 || f.fsec != 0) ? "s" : "");
            is_zero = false;
        }
        if (is_zero)
            strbuf_puts(out, " 0");
        if (is_before)
            strbuf_puts(out, " ago");
        break;
    case INTERVALSTYLE_SQL_STANDARD: {
        bool has_negative = f.year < 0 || f.mon < 0 || f.mday < 0 || f.hour < 0 || f.min < 0 || f.sec < 0 || f.fsec < 0;
        bool has_positive = f.year > 0 || f.mon > 0 || f.mday > 0 || f.hour > 0 || f.min > 0 || f.sec > 0 || f.fsec > 0;
        bool has_year_month = f.year != 0 || f.mon != 0;
        bool has_day_time = f.mday != 0 || f.hour != 0 || f.min != 0 || f.sec != 0 || f.fsec != 0;
        bool sql_standard_value = !(has_negative && has_positive) && !(has_year_month && has_day_time);
        if (has_negative && sql_standard_value) {
            strbuf_putc(out, '-');
            f.year = -f.year;
            f.mon = -f.mon;
            f.mday = -f.mday;
            f.hour = -f.hour;
            f.min = -f.min;
            f.sec = -f.sec;
            f.fsec = -f.fsec;
        }
        if (!has_negative && !has_positive) {
            strbuf_putc(out, '0');
        } else if (!sql_standard_value) {
            char year_sign = (f.year < 0 || f.mon < 0) ? '-' : '+';
            char day_sign = f.mday < 0 ? '-' : '+';
            char sec_sign = (f.hour < 0 || f.min < 0 || f.sec < 0 || f.fsec < 0) ? '-' : '+';
            strbuf_printf(out, "%c%lld-%lld %c%lld %c%lld:%02lld:", year_sign, (long long)abs64(f.year),
                          (long long)abs64(f.mon), day_sign, (long long)abs64(f.mday), sec_sign,
                          (long long)abs64(f.hour), (long long)abs64(f.min));
            append_seconds(out, f.sec, f.fsec, true);
        } else if (has_year_month) {
            strbuf_printf(out, "%lld-%lld", (long long)f.year, (long long)f.mon);
        } else if (f.mday != 0) {
            strbuf_printf(out, "%lld %lld:%02lld:", (long long)f.mday, (long long)f.hour, (long long)f.min);
            append_seconds(out, f.sec, f.fsec, true);
        } else {
            strbuf_printf(out, "%lld:%02lld:", (long long)f.hour, (long long)f.min);
            append_seconds(out, f.sec, f.fsec, true);
        }
        break;
    }
    case INTERVALSTYLE_ISO_8601:
        if (f.year == 0 && f.mon == 0 && f.mday == 0 && f.hour == 0 && f.min == 0 && f.sec == 0 && f.fsec == 0) {
            strbuf_puts(out, "PT0S");
            break;
        }
        strbuf_putc(out, 'P');
        iso_part(out, f.year, 'Y');
        iso_part(out, f.mon, 'M');
        iso_part(out, f.mday, 'D');
        if (f.hour != 0 || f.min != 0 || f.sec != 0 || f.fsec != 0)
            strbuf_putc(out, 'T');
        iso_part(out, f.hour, 'H');
        iso_part(out, f.min, 'M');
        if (f.sec != 0 || f.fsec != 0) {
            if (f.sec < 0 || f.fsec < 0)
                strbuf_putc(out, '-');
            append_seconds(out, f.sec, f.fsec, false);
            strbuf_putc(out, 'S');
        }
        break;
    }
}

/* ---------------------------------------------------------------- codec */

static bool interval_of_value(const sql_value *v, pg_interval *iv, pg_error *err)
{
    const char *p;
    size_t n;
    if (!types_value_bytes(v, &p, &n) || !types_interval_from_storage(p, n, iv)) {
        pg_error_set(err, "XX000", "interval value is not in storage form");
        return false;
    }
    return true;
}

static bool interval_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod);
    pg_interval iv;
    if (!interval_of_value(v, &iv, err))
        return false;
    types_interval_format(s, &iv, out);
    return true;
}

static bool interval_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    pg_interval iv;
    if (!types_interval_parse(s, p, n, typmod, &iv, err))
        return false;
    size_t start = scratch->len;
    types_interval_to_storage(&iv, scratch);
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

static bool interval_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    pg_interval iv;
    if (!interval_of_value(v, &iv, err))
        return false;
    bin_put_i64(out, iv.usecs);
    bin_put_i32(out, iv.days);
    bin_put_i32(out, iv.months);
    return true;
}

static bool interval_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    bin_cursor c = {(const unsigned char *)p, n};
    pg_interval iv;
    if (!bin_get_i64(&c, &iv.usecs) || !bin_get_i32(&c, &iv.days) || !bin_get_i32(&c, &iv.months))
        return types_err_insufficient(err);
    if (c.left)
        return types_err_binary(err);
    adjust_for_typmod(&iv, typmod);
    size_t start = scratch->len;
    types_interval_to_storage(&iv, scratch);
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

const type_codec types_codec_interval = {interval_text_out, interval_text_in, interval_binary_out, interval_binary_in};
