/*
 * sqlite_fn_datetime.c — date/time arithmetic and fields with PostgreSQL's semantics on the
 * storage forms of types.h (date: days since 2000-01-01; time, timestamp, timestamptz: µs;
 * interval: "<months> <days> <µs>"): interval arithmetic and comparison, timestamp ±
 * interval (months and days in calendar terms, in the session's time zone for
 * timestamptz), timestamp differences, age(), extract()/date_part(), date_trunc(),
 * make_date/make_timestamp/make_interval, justify_*, AT TIME ZONE, current_date & co.
 * Formatting (to_char, to_date, to_timestamp, to_number) is in sqlite_fn_format.c.
 *
 * The algorithms are PostgreSQL's own (timestamp.c, date.c), including its truncation
 * toward zero in TMODULO and its 30-day months for interval comparison.
 */
#include "backend/sqlite_fn_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define USECS_PER_DAY INT64_C(86400000000)
#define USECS_PER_HOUR INT64_C(3600000000)
#define USECS_PER_MINUTE INT64_C(60000000)
#define USECS_PER_SEC INT64_C(1000000)
#define DAYS_PER_MONTH 30
#define UNIX_EPOCH_JDATE 2440588

static const int day_tab[2][12] = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                   {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};

static bool isleap(int y)
{
    return (y % 4 == 0) && ((y % 100 != 0) || (y % 400 == 0));
}

const tz_info *fnu_session_tz(sqlite3_context *ctx)
{
    engine_context *ec = sqlite_fn_context(ctx);
    return ec && ec->settings ? ec->settings->timezone : NULL;
}

static int64_t now_us(sqlite3_context *ctx)
{
    engine_context *ec = sqlite_fn_context(ctx);
    int64_t t = ec ? ec->transaction_start_us : 0;
    return t ? t : clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
}

/* ---------------------------------------------------------------- intervals */

bool fnu_interval_arg(sqlite3_context *ctx, sqlite3_value *v, pg_interval *iv)
{
    const char *p = (const char *)sqlite3_value_text(v);
    if (!p || !types_interval_from_storage(p, (size_t)sqlite3_value_bytes(v), iv)) {
        sqlite_fn_error(ctx, "22P02", "invalid interval value");
        return false;
    }
    return true;
}

void fnu_result_interval(sqlite3_context *ctx, const pg_interval *iv)
{
    strbuf out;
    strbuf_init(&out);
    types_interval_to_storage(iv, &out);
    fnu_result_text(ctx, &out);
}

static void interval_range_error(sqlite3_context *ctx)
{
    sqlite_fn_error(ctx, "22008", "interval out of range");
}

static bool interval_add(const pg_interval *a, const pg_interval *b, pg_interval *r)
{
    int32_t m, d;
    int64_t u;
    if (__builtin_add_overflow(a->months, b->months, &m) || __builtin_add_overflow(a->days, b->days, &d) ||
        __builtin_add_overflow(a->usecs, b->usecs, &u))
        return false;
    r->months = m;
    r->days = d;
    r->usecs = u;
    return true;
}

static bool interval_negate(const pg_interval *a, pg_interval *r)
{
    if (a->months == INT32_MIN || a->days == INT32_MIN || a->usecs == INT64_MIN)
        return false;
    r->months = -a->months;
    r->days = -a->days;
    r->usecs = -a->usecs;
    return true;
}

/* interval_cmp_value: months as 30 days, days as 24 hours, in 128 bits. */
static __int128 interval_key(const pg_interval *iv)
{
    return (__int128)iv->usecs + ((__int128)iv->days + (__int128)iv->months * DAYS_PER_MONTH) * USECS_PER_DAY;
}

int fnu_interval_cmp(const pg_interval *a, const pg_interval *b)
{
    __int128 x = interval_key(a), y = interval_key(b);
    return x < y ? -1 : x > y;
}

static void fn_interval_add(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval a, b, r;
    if (!fnu_interval_arg(ctx, argv[0], &a) || !fnu_interval_arg(ctx, argv[1], &b))
        return;
    if (!interval_add(&a, &b, &r)) {
        interval_range_error(ctx);
        return;
    }
    fnu_result_interval(ctx, &r);
}

static void fn_interval_neg(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval a, r;
    if (!fnu_interval_arg(ctx, argv[0], &a))
        return;
    if (!interval_negate(&a, &r)) {
        interval_range_error(ctx);
        return;
    }
    fnu_result_interval(ctx, &r);
}

static void fn_interval_cmp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval a, b;
    if (!fnu_interval_arg(ctx, argv[0], &a) || !fnu_interval_arg(ctx, argv[1], &b))
        return;
    sqlite3_result_int(ctx, fnu_interval_cmp(&a, &b));
}

/* The collation that makes ORDER BY, GROUP BY, DISTINCT, min() and max() compare intervals
 * by value ('1 day' = '24 hours'), as PostgreSQL's interval btree does. */
static int interval_collate(void *arg, int la, const void *pa, int lb, const void *pb)
{
    (void)arg;
    pg_interval a = {0}, b = {0};
    bool oka = types_interval_from_storage(pa, (size_t)la, &a), okb = types_interval_from_storage(pb, (size_t)lb, &b);
    if (!oka || !okb) {
        int c = memcmp(pa, pb, (size_t)(la < lb ? la : lb));
        return c ? c : la - lb;
    }
    return fnu_interval_cmp(&a, &b);
}

#define TSROUND(j) (rint(((double)(j)) * 1000000.0) / 1000000.0)

/* interval * float8, PostgreSQL 15's interval_mul (fractions cascade down). */
static bool interval_scale(const pg_interval *span, double factor, bool divide, pg_interval *r)
{
    double f = divide ? 1.0 / factor : factor;
    double months = divide ? span->months / factor : span->months * f;
    double days = divide ? span->days / factor : span->days * f;
    if (isnan(months) || months > INT32_MAX || months < INT32_MIN || isnan(days) || days > INT32_MAX ||
        days < INT32_MIN)
        return false;
    r->months = (int32_t)months;
    r->days = (int32_t)days;
    double month_remainder_days = (months - r->months) * DAYS_PER_MONTH;
    month_remainder_days = TSROUND(month_remainder_days);
    double sec_remainder = (days - r->days + month_remainder_days - (int)month_remainder_days) * 86400.0;
    sec_remainder = TSROUND(sec_remainder);
    if (fabs(sec_remainder) >= 86400.0) {
        r->days += (int)(sec_remainder / 86400.0);
        sec_remainder -= (int)(sec_remainder / 86400.0) * 86400.0;
    }
    r->days += (int32_t)month_remainder_days;
    double t = rint((divide ? span->usecs / factor : span->usecs * f) + sec_remainder * 1000000.0);
    if (isnan(t) || t < -9223372036854775808.0 || t >= 9223372036854775808.0)
        return false;
    r->usecs = (int64_t)t;
    return true;
}

static void interval_mul_div(sqlite3_context *ctx, sqlite3_value **argv, bool divide)
{
    pg_interval a, r;
    if (!fnu_interval_arg(ctx, argv[0], &a))
        return;
    double f = sqlite_fn_float_arg(argv[1]);
    if (divide && f == 0.0) {
        sqlite_fn_error(ctx, "22012", "division by zero");
        return;
    }
    if (!interval_scale(&a, f, divide, &r)) {
        interval_range_error(ctx);
        return;
    }
    fnu_result_interval(ctx, &r);
}

static void fn_interval_mul(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        interval_mul_div(ctx, argv, false);
}

static void fn_interval_div(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        interval_mul_div(ctx, argv, true);
}

/* time - time: an interval of microseconds only. */
static void fn_interval_from_us(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval r = {sqlite3_value_int64(argv[0]), 0, 0};
    fnu_result_interval(ctx, &r);
}

/* C's truncating division, as PostgreSQL's TMODULO. */
static void tmodulo(int64_t *t, int64_t *q, int64_t u)
{
    *q = *t / u;
    if (*q != 0)
        *t -= *q * u;
}

static void justify_hours(pg_interval *r)
{
    int64_t wholeday;
    tmodulo(&r->usecs, &wholeday, USECS_PER_DAY);
    r->days += (int32_t)wholeday;
    if (r->days > 0 && r->usecs < 0) {
        r->usecs += USECS_PER_DAY;
        r->days--;
    } else if (r->days < 0 && r->usecs > 0) {
        r->usecs -= USECS_PER_DAY;
        r->days++;
    }
}

static void justify_days(pg_interval *r)
{
    int32_t wholemonth = r->days / DAYS_PER_MONTH;
    r->days -= wholemonth * DAYS_PER_MONTH;
    r->months += wholemonth;
    if (r->months > 0 && r->days < 0) {
        r->days += DAYS_PER_MONTH;
        r->months--;
    } else if (r->months < 0 && r->days > 0) {
        r->days -= DAYS_PER_MONTH;
        r->months++;
    }
}

static void justify_interval(pg_interval *r)
{
    if ((r->days > 0 && r->usecs > 0) || (r->days < 0 && r->usecs < 0)) {
        int32_t wholemonth = r->days / DAYS_PER_MONTH;
        r->days -= wholemonth * DAYS_PER_MONTH;
        r->months += wholemonth;
    }
    int64_t wholeday;
    tmodulo(&r->usecs, &wholeday, USECS_PER_DAY);
    r->days += (int32_t)wholeday;
    int32_t wholemonth = r->days / DAYS_PER_MONTH;
    r->days -= wholemonth * DAYS_PER_MONTH;
    r->months += wholemonth;
    if (r->months > 0 && (r->days < 0 || (r->days == 0 && r->usecs < 0))) {
        r->days += DAYS_PER_MONTH;
        r->months--;
    } else if (r->months < 0 && (r->days > 0 || (r->days == 0 && r->usecs > 0))) {
        r->days -= DAYS_PER_MONTH;
        r->months++;
    }
    if (r->days > 0 && r->usecs < 0) {
        r->usecs += USECS_PER_DAY;
        r->days--;
    } else if (r->days < 0 && r->usecs > 0) {
        r->usecs -= USECS_PER_DAY;
        r->days++;
    }
}

/* pgw_justify(interval, mode): 1 days, 2 hours, 3 both */
static void fn_justify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval r;
    if (!fnu_interval_arg(ctx, argv[0], &r))
        return;
    int mode = sqlite3_value_int(argv[1]);
    if (mode == 1)
        justify_days(&r);
    else if (mode == 2)
        justify_hours(&r);
    else
        justify_interval(&r);
    fnu_result_interval(ctx, &r);
}

/* ---------------------------------------------------------------- interval aggregates */

/* (int64 fields: sqlite3_aggregate_context memory is only 8-byte aligned) */
typedef struct interval_acc {
    int64_t months, days, usecs;
    int64_t count;
} interval_acc;

static void iacc_add(sqlite3_context *ctx, sqlite3_value *v, int sign)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return;
    interval_acc *st = sqlite3_aggregate_context(ctx, sizeof *st);
    pg_interval iv;
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!fnu_interval_arg(ctx, v, &iv))
        return;
    st->months += sign * (int64_t)iv.months;
    st->days += sign * (int64_t)iv.days;
    if (__builtin_add_overflow(st->usecs, sign > 0 ? iv.usecs : -iv.usecs, &st->usecs)) {
        interval_range_error(ctx);
        return;
    }
    st->count += sign;
}

static void iacc_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    iacc_add(ctx, argv[0], 1);
}

static void iacc_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    iacc_add(ctx, argv[0], -1);
}

static void iacc_result(sqlite3_context *ctx, bool avg)
{
    interval_acc *st = sqlite3_aggregate_context(ctx, 0);
    if (!st || st->count == 0) {
        sqlite3_result_null(ctx);
        return;
    }
    if (st->months > INT32_MAX || st->months < INT32_MIN || st->days > INT32_MAX || st->days < INT32_MIN) {
        interval_range_error(ctx);
        return;
    }
    pg_interval sum = {st->usecs, (int32_t)st->days, (int32_t)st->months}, r;
    if (!avg) {
        fnu_result_interval(ctx, &sum);
        return;
    }
    if (!interval_scale(&sum, (double)st->count, true, &r)) {
        interval_range_error(ctx);
        return;
    }
    fnu_result_interval(ctx, &r);
}

static void isum_value(sqlite3_context *ctx) { iacc_result(ctx, false); }
static void iavg_value(sqlite3_context *ctx) { iacc_result(ctx, true); }

/* ---------------------------------------------------------------- timestamp ± interval */

static bool ts_to_fields(int64_t ts, const tz_info *tz, bool with_tz, pg_datetime *f)
{
    return with_tz ? types_timestamptz_to_fields(ts, tz, f) : types_timestamp_to_fields(ts, f);
}

static bool fields_to_ts(const pg_datetime *f, const tz_info *tz, bool with_tz, int64_t *ts)
{
    return with_tz ? types_fields_to_timestamptz(f, tz, ts) : types_fields_to_timestamp(f, ts);
}

/* timestamp_pl_interval / timestamptz_pl_interval: months (day clamped to the month's
 * end), then days in the calendar (local time for timestamptz), then microseconds. */
bool fnu_timestamp_add_interval(int64_t ts, const pg_interval *iv, const tz_info *tz, bool with_tz, int64_t *out)
{
    if (ts == PG_TIMESTAMP_NOBEGIN || ts == PG_TIMESTAMP_NOEND) {
        *out = ts;
        return true;
    }
    if (iv->months != 0) {
        pg_datetime f;
        if (!ts_to_fields(ts, tz, with_tz, &f))
            return false;
        int64_t m = (int64_t)f.month + iv->months - 1;
        int64_t y = f.year + (m >= 0 ? m / 12 : -((11 - m) / 12));
        m = ((m % 12) + 12) % 12 + 1;
        if (y > 300000 || y < -300000)
            return false;
        f.year = (int)y;
        f.month = (int)m;
        if (f.day > day_tab[isleap(f.year)][f.month - 1])
            f.day = day_tab[isleap(f.year)][f.month - 1];
        if (!fields_to_ts(&f, tz, with_tz, &ts))
            return false;
    }
    if (iv->days != 0) {
        pg_datetime f;
        if (!ts_to_fields(ts, tz, with_tz, &f))
            return false;
        int64_t jd = (int64_t)types_date2j(f.year, f.month, f.day) + iv->days;
        if (jd < 0 || jd > INT32_MAX)
            return false;
        types_j2date((int)jd, &f.year, &f.month, &f.day);
        if (!fields_to_ts(&f, tz, with_tz, &ts))
            return false;
    }
    int64_t r;
    if (__builtin_add_overflow(ts, iv->usecs, &r))
        return false;
    pg_datetime check;
    if (!types_timestamp_to_fields(r, &check))
        return false;
    *out = r;
    return true;
}

static void ts_add_interval(sqlite3_context *ctx, sqlite3_value **argv, bool with_tz)
{
    pg_interval iv;
    if (!fnu_interval_arg(ctx, argv[1], &iv))
        return;
    int64_t r;
    if (!fnu_timestamp_add_interval(sqlite3_value_int64(argv[0]), &iv, fnu_session_tz(ctx), with_tz, &r)) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range");
        return;
    }
    sqlite3_result_int64(ctx, r);
}

static void fn_ts_add_interval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        ts_add_interval(ctx, argv, false);
}

static void fn_tstz_add_interval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (!fnu_null_args(ctx, argc, argv))
        ts_add_interval(ctx, argv, true);
}

/* timestamp - timestamp: microseconds, then justify_hours. */
static void fn_ts_diff(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    if (a == PG_TIMESTAMP_NOBEGIN || a == PG_TIMESTAMP_NOEND || b == PG_TIMESTAMP_NOBEGIN || b == PG_TIMESTAMP_NOEND) {
        sqlite_fn_error(ctx, "22008", "cannot subtract infinite timestamps");
        return;
    }
    pg_interval r = {0, 0, 0};
    if (__builtin_sub_overflow(a, b, &r.usecs)) {
        interval_range_error(ctx);
        return;
    }
    justify_hours(&r);
    fnu_result_interval(ctx, &r);
}

/* time ± interval: the microseconds, wrapped around midnight. */
static void fn_time_add_interval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval iv;
    if (!fnu_interval_arg(ctx, argv[1], &iv))
        return;
    int64_t t = sqlite3_value_int64(argv[0]) + iv.usecs % USECS_PER_DAY;
    t %= USECS_PER_DAY;
    if (t < 0)
        t += USECS_PER_DAY;
    sqlite3_result_int64(ctx, t);
}

/* timestamp → date (floor to the day), ±infinity kept. */
static void fn_ts_to_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t ts = sqlite3_value_int64(argv[0]);
    bool with_tz = argc > 1 && sqlite3_value_int(argv[1]);
    if (ts == PG_TIMESTAMP_NOBEGIN || ts == PG_TIMESTAMP_NOEND) {
        sqlite3_result_int64(ctx, ts == PG_TIMESTAMP_NOBEGIN ? PG_DATE_NOBEGIN : PG_DATE_NOEND);
        return;
    }
    pg_datetime f;
    if (!ts_to_fields(ts, fnu_session_tz(ctx), with_tz, &f)) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range");
        return;
    }
    sqlite3_result_int64(ctx, (int64_t)types_date2j(f.year, f.month, f.day) - PG_EPOCH_JDATE);
}

/* timestamp → time of day (local for timestamptz). */
static void fn_ts_to_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t ts = sqlite3_value_int64(argv[0]);
    bool with_tz = argc > 1 && sqlite3_value_int(argv[1]);
    pg_datetime f;
    if (!ts_to_fields(ts, fnu_session_tz(ctx), with_tz, &f)) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range");
        return;
    }
    sqlite3_result_int64(ctx, ((int64_t)f.hour * 3600 + f.minute * 60 + f.second) * USECS_PER_SEC + f.usec);
}

/* timestamp ↔ timestamptz in the session's time zone (the implicit cast). */
static void fn_ts_to_tstz(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t ts = sqlite3_value_int64(argv[0]);
    if (ts == PG_TIMESTAMP_NOBEGIN || ts == PG_TIMESTAMP_NOEND) {
        sqlite3_result_int64(ctx, ts);
        return;
    }
    pg_datetime f;
    int64_t r;
    bool to_tz = sqlite3_value_int(argv[1]) != 0;
    const tz_info *tz = fnu_session_tz(ctx);
    bool ok = to_tz ? types_timestamp_to_fields(ts, &f) && types_fields_to_timestamptz(&f, tz, &r)
                    : types_timestamptz_to_fields(ts, tz, &f) && types_fields_to_timestamp(&f, &r);
    if (!ok) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range");
        return;
    }
    sqlite3_result_int64(ctx, r);
}

/* ---------------------------------------------------------------- age */

static bool age_fields(const pg_datetime *t1, const pg_datetime *t2, bool neg, pg_interval *out)
{
    int64_t fsec = (int64_t)t1->usec - t2->usec;
    int64_t sec = t1->second - t2->second, min = t1->minute - t2->minute, hour = t1->hour - t2->hour;
    int64_t mday = t1->day - t2->day, mon = t1->month - t2->month, year = t1->year - t2->year;
    if (neg) {
        fsec = -fsec;
        sec = -sec;
        min = -min;
        hour = -hour;
        mday = -mday;
        mon = -mon;
        year = -year;
    }
    while (fsec < 0) {
        fsec += USECS_PER_SEC;
        sec--;
    }
    while (sec < 0) {
        sec += 60;
        min--;
    }
    while (min < 0) {
        min += 60;
        hour--;
    }
    while (hour < 0) {
        hour += 24;
        mday--;
    }
    while (mday < 0) {
        const pg_datetime *ref = neg ? t1 : t2;
        mday += day_tab[isleap(ref->year)][ref->month - 1];
        mon--;
    }
    while (mon < 0) {
        mon += 12;
        year--;
    }
    if (neg) {
        fsec = -fsec;
        sec = -sec;
        min = -min;
        hour = -hour;
        mday = -mday;
        mon = -mon;
        year = -year;
    }
    int64_t months = year * 12 + mon;
    if (months > INT32_MAX || months < INT32_MIN || mday > INT32_MAX || mday < INT32_MIN)
        return false;
    out->months = (int32_t)months;
    out->days = (int32_t)mday;
    out->usecs = ((hour * 60 + min) * 60 + sec) * USECS_PER_SEC + fsec;
    return true;
}

/* pgw_age(a, b, with_tz) */
static void fn_age(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    bool with_tz = sqlite3_value_int(argv[2]) != 0;
    const tz_info *tz = fnu_session_tz(ctx);
    pg_datetime f1, f2;
    pg_interval r;
    if (!ts_to_fields(a, tz, with_tz, &f1) || !ts_to_fields(b, tz, with_tz, &f2) || !age_fields(&f1, &f2, a < b, &r)) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range");
        return;
    }
    fnu_result_interval(ctx, &r);
}

/* ---------------------------------------------------------------- now and friends */

static void local_now_fields(sqlite3_context *ctx, pg_datetime *f)
{
    if (!types_timestamptz_to_fields(now_us(ctx), fnu_session_tz(ctx), f))
        memset(f, 0, sizeof *f);
}

static void fn_current_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    pg_datetime f;
    local_now_fields(ctx, &f);
    sqlite3_result_int64(ctx, (int64_t)types_date2j(f.year, f.month, f.day) - PG_EPOCH_JDATE);
}

static void fn_localtimestamp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    pg_datetime f;
    local_now_fields(ctx, &f);
    int64_t ts = 0;
    if (!types_fields_to_timestamp(&f, &ts))
        ts = 0;
    sqlite3_result_int64(ctx, ts);
}

static void fn_localtime(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    pg_datetime f;
    local_now_fields(ctx, &f);
    sqlite3_result_int64(ctx, ((int64_t)f.hour * 3600 + f.minute * 60 + f.second) * USECS_PER_SEC + f.usec);
}

static void fn_current_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    pg_datetime f;
    local_now_fields(ctx, &f);
    strbuf out;
    strbuf_init(&out);
    types_timetz_to_storage(((int64_t)f.hour * 3600 + f.minute * 60 + f.second) * USECS_PER_SEC + f.usec,
                            f.utc_offset, &out);
    fnu_result_text(ctx, &out);
}

/* Midnight of today in the session's zone, as timestamptz (age(timestamptz)). */
static void fn_today_tz(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    pg_datetime f;
    local_now_fields(ctx, &f);
    f.hour = f.minute = f.second = 0;
    f.usec = 0;
    int64_t ts = 0;
    if (!types_fields_to_timestamptz(&f, fnu_session_tz(ctx), &ts))
        ts = 0;
    sqlite3_result_int64(ctx, ts);
}

/* pgw_round_time(value, precision): current_timestamp(p), time(p) ... on µs values and on
 * timetz text. */
static int64_t round_us(int64_t v, int precision)
{
    static const int64_t scales[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    if (precision < 0 || precision >= 6)
        return v;
    int64_t s = scales[precision];
    return v >= 0 ? ((v + s / 2) / s) * s : -(((-v) + s / 2) / s) * s;
}

static void fn_round_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int p = sqlite3_value_int(argv[1]);
    if (sqlite3_value_type(argv[0]) == SQLITE_INTEGER) {
        int64_t v = sqlite3_value_int64(argv[0]);
        sqlite3_result_int64(ctx, v == PG_TIMESTAMP_NOBEGIN || v == PG_TIMESTAMP_NOEND ? v : round_us(v, p));
        return;
    }
    int64_t t;
    int32_t off;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!types_timetz_from_storage(s, (size_t)sqlite3_value_bytes(argv[0]), &t, &off)) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    types_timetz_to_storage(round_us(t, p), off, &out);
    fnu_result_text(ctx, &out);
}

/* ---------------------------------------------------------------- extract / date_part */

typedef enum {
    U_NONE, U_MICROSEC, U_MILLISEC, U_SECOND, U_MINUTE, U_HOUR, U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR,
    U_DECADE, U_CENTURY, U_MILLENNIUM, U_EPOCH, U_DOW, U_ISODOW, U_DOY, U_ISOYEAR, U_JULIAN, U_TZ, U_TZ_HOUR,
    U_TZ_MINUTE,
} unit;

static unit parse_unit(const char *s, size_t n)
{
    static const struct { const char *name; unit u; } units[] = {
        {"microsecond", U_MICROSEC}, {"microseconds", U_MICROSEC}, {"us", U_MICROSEC}, {"usec", U_MICROSEC},
        {"usecs", U_MICROSEC}, {"usecond", U_MICROSEC}, {"useconds", U_MICROSEC},
        {"millisecond", U_MILLISEC}, {"milliseconds", U_MILLISEC}, {"ms", U_MILLISEC}, {"msec", U_MILLISEC},
        {"msecs", U_MILLISEC}, {"msecond", U_MILLISEC}, {"mseconds", U_MILLISEC},
        {"second", U_SECOND}, {"seconds", U_SECOND}, {"s", U_SECOND}, {"sec", U_SECOND}, {"secs", U_SECOND},
        {"minute", U_MINUTE}, {"minutes", U_MINUTE}, {"m", U_MINUTE}, {"min", U_MINUTE}, {"mins", U_MINUTE},
        {"hour", U_HOUR}, {"hours", U_HOUR}, {"h", U_HOUR}, {"hr", U_HOUR}, {"hrs", U_HOUR},
        {"day", U_DAY}, {"days", U_DAY}, {"d", U_DAY},
        {"week", U_WEEK}, {"weeks", U_WEEK}, {"w", U_WEEK},
        {"month", U_MONTH}, {"months", U_MONTH}, {"mon", U_MONTH}, {"mons", U_MONTH},
        {"quarter", U_QUARTER}, {"qtr", U_QUARTER},
        {"year", U_YEAR}, {"years", U_YEAR}, {"y", U_YEAR}, {"yr", U_YEAR}, {"yrs", U_YEAR},
        {"decade", U_DECADE}, {"decades", U_DECADE}, {"dec", U_DECADE}, {"decs", U_DECADE},
        {"century", U_CENTURY}, {"centuries", U_CENTURY}, {"c", U_CENTURY}, {"cent", U_CENTURY},
        {"millennium", U_MILLENNIUM}, {"millennia", U_MILLENNIUM}, {"millenniums", U_MILLENNIUM},
        {"mil", U_MILLENNIUM}, {"mils", U_MILLENNIUM},
        {"epoch", U_EPOCH}, {"dow", U_DOW}, {"isodow", U_ISODOW}, {"doy", U_DOY}, {"isoyear", U_ISOYEAR},
        {"julian", U_JULIAN}, {"j", U_JULIAN}, {"timezone", U_TZ}, {"timezone_hour", U_TZ_HOUR},
        {"timezone_minute", U_TZ_MINUTE},
    };
    char buf[32];
    if (n >= sizeof buf)
        return U_NONE;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    buf[n] = 0;
    for (size_t i = 0; i < ARRAY_LEN(units); i++)
        if (strcmp(units[i].name, buf) == 0)
            return units[i].u;
    return U_NONE;
}

/* ISO 8601 week number and week-based year of a date (PostgreSQL's date2isoweek/date2isoyear). */
static int iso_week(int year, int mon, int mday, int *isoyear)
{
    int dayn = types_date2j(year, mon, mday);
    int day4 = types_date2j(year, 1, 4);
    int day0 = types_j2day(day4 - 1);   /* offset to the week's Monday */
    if (dayn < day4 - day0) {
        day4 = types_date2j(year - 1, 1, 4);
        day0 = types_j2day(day4 - 1);
        year--;
    }
    int result = (dayn - (day4 - day0)) / 7 + 1;
    if (result >= 52) {
        day4 = types_date2j(year + 1, 1, 4);
        day0 = types_j2day(day4 - 1);
        if (dayn >= day4 - day0) {
            result = 1;
            year++;
        }
    }
    *isoyear = year;
    return result;
}

static const char *type_name_for(int kind)
{
    return kind == 0 ? "timestamp without time zone" : kind == 1 ? "timestamp with time zone"
           : kind == 2 ? "date" : kind == 3 ? "time without time zone" : "interval";
}

/* A field as an exact decimal: value = num / 10^scale. */
typedef struct field_value {
    __int128 num;
    int scale;
    bool julian_ts;     /* julian of a timestamp: a numeric division */
    int64_t julian_us;
} field_value;

/* The field of a timestamp (kind 0/1), date (2, as µs of midnight) or time (3). */
static bool ts_field(sqlite3_context *ctx, unit u, const char *uname, int64_t v, int kind, field_value *out)
{
    memset(out, 0, sizeof *out);
    bool is_date = kind == 2, is_time = kind == 3;
    if (u == U_NONE) {
        sqlite_fn_error(ctx, "22023", "unit \"%s\" not recognized for type %s", uname, type_name_for(kind));
        return false;
    }
    bool time_unit = u == U_MICROSEC || u == U_MILLISEC || u == U_SECOND || u == U_MINUTE || u == U_HOUR;
    bool tz_unit = u == U_TZ || u == U_TZ_HOUR || u == U_TZ_MINUTE;
    if ((is_date && (time_unit || tz_unit)) || (is_time && !time_unit && u != U_EPOCH) || (kind == 0 && tz_unit)) {
        sqlite_fn_error(ctx, "0A000", "unit \"%s\" not supported for type %s", uname, type_name_for(kind));
        return false;
    }
    pg_datetime f;
    memset(&f, 0, sizeof f);
    int64_t us_of_day;
    if (is_time) {
        types_time_to_fields(v, &f);
        us_of_day = v;
    } else {
        if (!ts_to_fields(v, fnu_session_tz(ctx), kind == 1, &f))
            return false;   /* infinite: the caller returns NULL (PostgreSQL 15 does too) */
        us_of_day = ((int64_t)f.hour * 3600 + f.minute * 60 + f.second) * USECS_PER_SEC + f.usec;
    }
    int64_t sec_us = (int64_t)f.second * USECS_PER_SEC + f.usec;
    switch (u) {
    case U_MICROSEC: out->num = sec_us; break;
    case U_MILLISEC: out->num = sec_us; out->scale = 3; break;
    case U_SECOND: out->num = sec_us; out->scale = 6; break;
    case U_MINUTE: out->num = f.minute; break;
    case U_HOUR: out->num = f.hour; break;
    case U_DAY: out->num = f.day; break;
    case U_MONTH: out->num = f.month; break;
    case U_QUARTER: out->num = (f.month - 1) / 3 + 1; break;
    case U_YEAR: out->num = f.year > 0 ? f.year : f.year - 1; break;
    case U_DECADE: out->num = f.year >= 0 ? f.year / 10 : -((8 - (f.year - 1)) / 10); break;
    case U_CENTURY: out->num = f.year > 0 ? (f.year + 99) / 100 : -((99 - (f.year - 1)) / 100); break;
    case U_MILLENNIUM: out->num = f.year > 0 ? (f.year + 999) / 1000 : -((999 - (f.year - 1)) / 1000); break;
    case U_DOW: out->num = f.wday; break;
    case U_ISODOW: out->num = f.wday == 0 ? 7 : f.wday; break;
    case U_DOY: out->num = f.yday; break;
    case U_WEEK: {
        int iy;
        out->num = iso_week(f.year, f.month, f.day, &iy);
        break;
    }
    case U_ISOYEAR: {
        int iy;
        iso_week(f.year, f.month, f.day, &iy);
        out->num = iy > 0 ? iy : iy - 1;
        break;
    }
    case U_JULIAN:
        if (is_date) {
            out->num = types_date2j(f.year, f.month, f.day);
        } else {
            out->julian_ts = true;
            out->julian_us = (int64_t)types_date2j(f.year, f.month, f.day) * USECS_PER_DAY + us_of_day;
        }
        break;
    case U_EPOCH:
        if (is_time) {
            out->num = v;
            out->scale = 6;
        } else if (is_date) {
            out->num = (__int128)(v / USECS_PER_DAY) * 86400 + (int64_t)(PG_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86400;
        } else {
            out->num = (__int128)v + (int64_t)(PG_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
            out->scale = 6;
        }
        break;
    case U_TZ: out->num = f.utc_offset; break;
    case U_TZ_HOUR: out->num = f.utc_offset / 3600; break;
    case U_TZ_MINUTE: out->num = (f.utc_offset / 60) % 60; break;
    default: break;
    }
    return true;
}

static bool interval_field(sqlite3_context *ctx, unit u, const char *uname, const pg_interval *iv, field_value *out)
{
    memset(out, 0, sizeof *out);
    if (u == U_NONE) {
        sqlite_fn_error(ctx, "22023", "unit \"%s\" not recognized for type interval", uname);
        return false;
    }
    int64_t t = iv->usecs;
    int64_t hours = t / USECS_PER_HOUR;
    t -= hours * USECS_PER_HOUR;
    int64_t minutes = t / USECS_PER_MINUTE;
    t -= minutes * USECS_PER_MINUTE;
    int32_t year = iv->months / 12, mon = iv->months % 12;
    switch (u) {
    case U_MICROSEC: out->num = t; break;
    case U_MILLISEC: out->num = t; out->scale = 3; break;
    case U_SECOND: out->num = t; out->scale = 6; break;
    case U_MINUTE: out->num = minutes; break;
    case U_HOUR: out->num = hours; break;
    case U_DAY: out->num = iv->days; break;
    case U_MONTH: out->num = mon; break;
    case U_QUARTER: out->num = mon / 3 + 1; break;
    case U_YEAR: out->num = year; break;
    case U_DECADE: out->num = year / 10; break;
    case U_CENTURY: out->num = year / 100; break;
    case U_MILLENNIUM: out->num = year / 1000; break;
    case U_EPOCH:
        /* 365.25 days a year, 30 days a month */
        out->num = (__int128)year * INT64_C(31557600000000) + (__int128)mon * 30 * USECS_PER_DAY +
                   (__int128)iv->days * USECS_PER_DAY + iv->usecs;
        out->scale = 6;
        break;
    default:
        sqlite_fn_error(ctx, "0A000", "unit \"%s\" not supported for type interval", uname);
        return false;
    }
    return true;
}

static void append_int128(strbuf *out, __int128 v)
{
    char buf[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? (unsigned __int128)(-(v + 1)) + 1 : (unsigned __int128)v;
    do {
        buf[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg)
        strbuf_putc(out, '-');
    while (n)
        strbuf_putc(out, buf[--n]);
}

/* The field as numeric text (extract) or float8 (date_part). */
static void field_result(sqlite3_context *ctx, const field_value *fv, bool numeric)
{
    strbuf out;
    strbuf_init(&out);
    if (fv->julian_ts) {
        strbuf a, b;
        strbuf_init(&a);
        strbuf_init(&b);
        types_numeric_from_int64(fv->julian_us, &a);
        types_numeric_from_int64(USECS_PER_DAY, &b);
        pg_error err = {0};
        bool ok = types_numeric_div(a.data, a.len, b.data, b.len, &out, &err);
        strbuf_free(&a);
        strbuf_free(&b);
        if (!ok) {
            strbuf_free(&out);
            sqlite_fn_pg_error(ctx, &err);
            return;
        }
    } else {
        __int128 v = fv->num;
        bool neg = v < 0;
        __int128 mag = neg ? -v : v;
        __int128 p = 1;
        for (int i = 0; i < fv->scale; i++)
            p *= 10;
        if (neg)
            strbuf_putc(&out, '-');
        append_int128(&out, mag / p);
        if (fv->scale) {
            strbuf_putc(&out, '.');
            char frac[16];
            snprintf(frac, sizeof frac, "%0*lld", fv->scale, (long long)(mag % p));
            strbuf_puts(&out, frac);
        }
    }
    if (numeric) {
        fnu_result_text(ctx, &out);
        return;
    }
    double d = out.data ? strtod(out.data, NULL) : 0.0;
    strbuf_free(&out);
    sqlite3_result_double(ctx, d);
}

/* pgw_extract(unit, value, kind) / pgw_date_part(unit, value, kind); kind 0 timestamp,
 * 1 timestamptz, 2 date (as µs), 3 time. */
static void extract_common(sqlite3_context *ctx, sqlite3_value **argv, bool numeric)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *uname = (const char *)sqlite3_value_text(argv[0]);
    unit u = parse_unit(uname, (size_t)sqlite3_value_bytes(argv[0]));
    int kind = sqlite3_value_int(argv[2]);
    int64_t v = sqlite3_value_int64(argv[1]);
    field_value fv;
    if (kind == 2 && (v / USECS_PER_DAY == PG_DATE_NOBEGIN || v / USECS_PER_DAY == PG_DATE_NOEND)) {
        sqlite3_result_null(ctx);
        return;
    }
    pg_datetime probe;
    if (kind != 3 && !types_timestamp_to_fields(v, &probe)) {
        /* ±infinity: PostgreSQL 15 returns NULL for most fields (after validating the unit) */
        if (u == U_NONE)
            sqlite_fn_error(ctx, "22023", "unit \"%s\" not recognized for type %s", uname, type_name_for(kind));
        else
            sqlite3_result_null(ctx);
        return;
    }
    if (!ts_field(ctx, u, uname, v, kind, &fv))
        return;
    field_result(ctx, &fv, numeric);
}

static void fn_extract(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    extract_common(ctx, argv, true);
}

static void fn_date_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    extract_common(ctx, argv, false);
}

static void interval_extract_common(sqlite3_context *ctx, sqlite3_value **argv, bool numeric)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    pg_interval iv;
    if (!fnu_interval_arg(ctx, argv[1], &iv))
        return;
    const char *uname = (const char *)sqlite3_value_text(argv[0]);
    field_value fv;
    if (!interval_field(ctx, parse_unit(uname, (size_t)sqlite3_value_bytes(argv[0])), uname, &iv, &fv))
        return;
    field_result(ctx, &fv, numeric);
}

static void fn_interval_extract(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    interval_extract_common(ctx, argv, true);
}

static void fn_interval_part(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    interval_extract_common(ctx, argv, false);
}

/* ---------------------------------------------------------------- date_trunc */

static bool trunc_fields(sqlite3_context *ctx, unit u, const char *uname, pg_datetime *f, const char *tname)
{
    switch (u) {
    case U_WEEK: {
        /* back to Monday of the ISO week */
        int jd = types_date2j(f->year, f->month, f->day);
        int dow = types_j2day(jd);   /* 0 = Sunday */
        jd -= (dow + 6) % 7;
        types_j2date(jd, &f->year, &f->month, &f->day);
        f->hour = f->minute = f->second = 0;
        f->usec = 0;
        return true;
    }
    case U_MILLENNIUM:
        f->year = f->year > 0 ? ((f->year + 999) / 1000) * 1000 - 999 : -((999 - (f->year - 1)) / 1000) * 1000 + 1;
        goto year;
    case U_CENTURY:
        f->year = f->year > 0 ? ((f->year + 99) / 100) * 100 - 99 : -((99 - (f->year - 1)) / 100) * 100 + 1;
        goto year;
    case U_DECADE:
        f->year = f->year > 0 ? (f->year / 10) * 10 : -((8 - (f->year - 1)) / 10) * 10;
        goto year;
    case U_YEAR:
    year:
        f->month = 1;
        /* fall through */
    case U_QUARTER:
        f->month = 3 * ((f->month - 1) / 3) + 1;
        /* fall through */
    case U_MONTH:
        f->day = 1;
        /* fall through */
    case U_DAY:
        f->hour = 0;
        /* fall through */
    case U_HOUR:
        f->minute = 0;
        /* fall through */
    case U_MINUTE:
        f->second = 0;
        /* fall through */
    case U_SECOND:
        f->usec = 0;
        return true;
    case U_MILLISEC:
        f->usec = (f->usec / 1000) * 1000;
        return true;
    case U_MICROSEC:
        return true;
    case U_NONE:
        sqlite_fn_error(ctx, "22023", "unit \"%s\" not recognized for type %s", uname, tname);
        return false;
    default:
        sqlite_fn_error(ctx, "0A000", "unit \"%s\" not supported for type %s", uname, tname);
        return false;
    }
}

static void date_trunc_in(sqlite3_context *ctx, sqlite3_value **argv, bool with_tz, const tz_info *tz)
{
    const char *uname = (const char *)sqlite3_value_text(argv[0]);
    unit u = parse_unit(uname, (size_t)sqlite3_value_bytes(argv[0]));
    int64_t ts = sqlite3_value_int64(argv[1]);
    const char *tname = with_tz ? "timestamp with time zone" : "timestamp without time zone";
    pg_datetime f;
    if (!ts_to_fields(ts, tz, with_tz, &f)) {
        if (u == U_NONE)
            sqlite_fn_error(ctx, "22023", "unit \"%s\" not recognized for type %s", uname, tname);
        else
            sqlite3_result_int64(ctx, ts);   /* infinity stays */
        return;
    }
    if (!trunc_fields(ctx, u, uname, &f, tname))
        return;
    int64_t r;
    if (!fields_to_ts(&f, tz, with_tz, &r)) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range");
        return;
    }
    sqlite3_result_int64(ctx, r);
}

/* pgw_date_trunc(unit, ts, with_tz) */
static void fn_date_trunc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    date_trunc_in(ctx, argv, sqlite3_value_int(argv[2]) != 0, fnu_session_tz(ctx));
}

/* pgw_date_trunc_zone(unit, tstz, zone) */
static void fn_date_trunc_zone(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *zone = (const char *)sqlite3_value_text(argv[2]);
    const tz_info *tz = tz_lookup(zone);
    if (!tz) {
        sqlite_fn_error(ctx, "22023", "time zone \"%s\" not recognized", zone);
        return;
    }
    date_trunc_in(ctx, argv, true, tz);
}

static void fn_interval_trunc(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    const char *uname = (const char *)sqlite3_value_text(argv[0]);
    unit u = parse_unit(uname, (size_t)sqlite3_value_bytes(argv[0]));
    pg_interval iv;
    if (!fnu_interval_arg(ctx, argv[1], &iv))
        return;
    int32_t year = iv.months / 12, mon = iv.months % 12;
    int64_t t = iv.usecs;
    switch (u) {
    case U_MILLENNIUM: year = (year / 1000) * 1000; mon = 0; iv.days = 0; t = 0; break;
    case U_CENTURY: year = (year / 100) * 100; mon = 0; iv.days = 0; t = 0; break;
    case U_DECADE: year = (year / 10) * 10; mon = 0; iv.days = 0; t = 0; break;
    case U_YEAR: mon = 0; iv.days = 0; t = 0; break;
    case U_QUARTER: mon = 3 * (mon / 3); iv.days = 0; t = 0; break;
    case U_MONTH: iv.days = 0; t = 0; break;
    case U_DAY: t = 0; break;
    case U_HOUR: t -= t % USECS_PER_HOUR; break;
    case U_MINUTE: t -= t % USECS_PER_MINUTE; break;
    case U_SECOND: t -= t % USECS_PER_SEC; break;
    case U_MILLISEC: t -= t % 1000; break;
    case U_MICROSEC: break;
    case U_NONE:
        sqlite_fn_error(ctx, "22023", "unit \"%s\" not recognized for type interval", uname);
        return;
    default:
        sqlite_fn_error(ctx, "0A000", "unit \"%s\" not supported for type interval", uname);
        return;
    }
    iv.months = year * 12 + mon;
    iv.usecs = t;
    fnu_result_interval(ctx, &iv);
}

/* ---------------------------------------------------------------- make_* */

static void fn_make_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t y = sqlite3_value_int64(argv[0]), m = sqlite3_value_int64(argv[1]), d = sqlite3_value_int64(argv[2]);
    bool bc = y < 0;
    if (y == 0 || m < 1 || m > 12 || d < 1 || y > 5874897 || y < -4714) {
        sqlite_fn_error(ctx, "22008", "date field value out of range: %lld-%02lld-%02lld", (long long)y, (long long)m,
                        (long long)d);
        return;
    }
    int year = bc ? (int)y + 1 : (int)y;
    if (d > day_tab[isleap(year)][m - 1]) {
        sqlite_fn_error(ctx, "22008", "date field value out of range: %lld-%02lld-%02lld", (long long)y, (long long)m,
                        (long long)d);
        return;
    }
    sqlite3_result_int64(ctx, (int64_t)types_date2j(year, (int)m, (int)d) - PG_EPOCH_JDATE);
}

/* pgw_make_timestamp(y, m, d, h, mi, sec [, zone]); zone present: timestamptz. */
static void make_ts(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool with_tz)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t y = sqlite3_value_int64(argv[0]), m = sqlite3_value_int64(argv[1]), d = sqlite3_value_int64(argv[2]);
    int64_t h = sqlite3_value_int64(argv[3]), mi = sqlite3_value_int64(argv[4]);
    double sec = sqlite_fn_float_arg(argv[5]);
    int year = y < 0 ? (int)y + 1 : (int)y;
    if (y == 0 || m < 1 || m > 12 || d < 1 || y > 294276 || y < -4713 || d > day_tab[isleap(year)][m - 1]) {
        sqlite_fn_error(ctx, "22008", "date field value out of range: %lld-%02lld-%02lld", (long long)y, (long long)m,
                        (long long)d);
        return;
    }
    if (h < 0 || h > 24 || mi < 0 || mi > 59 || isnan(sec) || sec < 0 || sec > 60 ||
        (h == 24 && (mi > 0 || sec > 0))) {
        sqlite_fn_error(ctx, "22008", "time field value out of range: %lld:%02lld:%02g", (long long)h, (long long)mi, sec);
        return;
    }
    int64_t sec_us = (int64_t)rint(sec * 1e6);
    pg_datetime f = {.year = year, .month = (int)m, .day = (int)d, .hour = (int)h, .minute = (int)mi};
    int64_t ts;
    const tz_info *tz = fnu_session_tz(ctx);
    if (with_tz && argc > 6) {
        const char *zone = (const char *)sqlite3_value_text(argv[6]);
        tz = tz_lookup(zone);
        if (!tz) {
            sqlite_fn_error(ctx, "22023", "time zone \"%s\" not recognized", zone);
            return;
        }
    }
    if (!fields_to_ts(&f, tz, with_tz, &ts) || __builtin_add_overflow(ts, sec_us, &ts)) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range: %lld-%02lld-%02lld %lld:%02lld:%02g", (long long)y,
                        (long long)m, (long long)d, (long long)h, (long long)mi, sec);
        return;
    }
    sqlite3_result_int64(ctx, ts);
}

static void fn_make_timestamp(sqlite3_context *ctx, int argc, sqlite3_value **argv) { make_ts(ctx, argc, argv, false); }

/* pgw_overlaps(s1, e1, s2, e2): SQL's OVERLAPS on one storage unit (dates, timestamps,
 * times), with PostgreSQL's handling of NULL ends and reversed periods. */
static void fn_overlaps(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    bool n1 = sqlite3_value_type(argv[0]) == SQLITE_NULL, ne1 = sqlite3_value_type(argv[1]) == SQLITE_NULL;
    bool n2 = sqlite3_value_type(argv[2]) == SQLITE_NULL, ne2 = sqlite3_value_type(argv[3]) == SQLITE_NULL;
    int64_t ts1 = sqlite3_value_int64(argv[0]), te1 = sqlite3_value_int64(argv[1]);
    int64_t ts2 = sqlite3_value_int64(argv[2]), te2 = sqlite3_value_int64(argv[3]);
    /* a NULL start takes the end; then each period runs forward */
    if (n1) {
        if (ne1) {
            sqlite3_result_null(ctx);
            return;
        }
        ts1 = te1;
        n1 = false;
        ne1 = false;
    } else if (!ne1 && ts1 > te1) {
        int64_t t = ts1;
        ts1 = te1;
        te1 = t;
    }
    if (n2) {
        if (ne2) {
            sqlite3_result_null(ctx);
            return;
        }
        ts2 = te2;
        n2 = false;
        ne2 = false;
    } else if (!ne2 && ts2 > te2) {
        int64_t t = ts2;
        ts2 = te2;
        te2 = t;
    }
    if (ts1 > ts2) {
        if (ne2) {
            sqlite3_result_null(ctx);
            return;
        }
        if (ts1 < te2) {
            sqlite3_result_int(ctx, 1);
            return;
        }
        if (ne1)
            sqlite3_result_null(ctx);
        else
            sqlite3_result_int(ctx, 0);
    } else if (ts1 < ts2) {
        if (ne1) {
            sqlite3_result_null(ctx);
            return;
        }
        if (ts2 < te1) {
            sqlite3_result_int(ctx, 1);
            return;
        }
        if (ne2)
            sqlite3_result_null(ctx);
        else
            sqlite3_result_int(ctx, 0);
    } else if (ne1 || ne2) {
        sqlite3_result_null(ctx);
    } else {
        sqlite3_result_int(ctx, 1);
    }
}

/* pgw_make_time(h, mi, sec): time as µs since midnight; 24:00:00 is allowed. */
static void fn_make_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t h = sqlite3_value_int64(argv[0]), mi = sqlite3_value_int64(argv[1]);
    double sec = sqlite3_value_double(argv[2]);
    if (h < 0 || h > 24 || mi < 0 || mi > 59 || isnan(sec) || sec < 0 || sec > 60 ||
        (h == 24 && (mi > 0 || sec > 0))) {
        sqlite_fn_error(ctx, "22008", "time field value out of range: %lld:%02lld:%02g", (long long)h, (long long)mi, sec);
        return;
    }
    int64_t us = ((h * 60 + mi) * 60) * 1000000 + (int64_t)rint(sec * 1e6);
    if (us > INT64_C(86400000000)) {
        sqlite_fn_error(ctx, "22008", "time field value out of range: %lld:%02lld:%02g", (long long)h, (long long)mi, sec);
        return;
    }
    sqlite3_result_int64(ctx, us);
}
static void fn_make_timestamptz(sqlite3_context *ctx, int argc, sqlite3_value **argv) { make_ts(ctx, argc, argv, true); }

/* pgw_make_interval(years, months, weeks, days, hours, mins, secs) */
static void fn_make_interval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t years = sqlite3_value_int64(argv[0]), months = sqlite3_value_int64(argv[1]);
    int64_t weeks = sqlite3_value_int64(argv[2]), days = sqlite3_value_int64(argv[3]);
    int64_t hours = sqlite3_value_int64(argv[4]), mins = sqlite3_value_int64(argv[5]);
    double secs = sqlite_fn_float_arg(argv[6]);
    int64_t m = years * 12 + months, d = weeks * 7 + days;
    double t = rint(((double)hours * 3600.0 + (double)mins * 60.0 + secs) * 1e6);
    if (isnan(secs) || m > INT32_MAX || m < INT32_MIN || d > INT32_MAX || d < INT32_MIN || isinf(t) ||
        fabs(t) >= 9.2e18) {
        interval_range_error(ctx);
        return;
    }
    pg_interval iv = {(int64_t)t, (int32_t)d, (int32_t)m};
    fnu_result_interval(ctx, &iv);
}

/* to_timestamp(float8 epoch) */
static void fn_to_timestamp_epoch(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    double secs = sqlite_fn_float_arg(argv[0]);
    if (isnan(secs)) {
        sqlite_fn_error(ctx, "22008", "timestamp cannot be NaN");
        return;
    }
    if (isinf(secs)) {
        sqlite3_result_int64(ctx, secs > 0 ? PG_TIMESTAMP_NOEND : PG_TIMESTAMP_NOBEGIN);
        return;
    }
    double us = rint(secs * 1e6) - (double)PG_UNIX_EPOCH_OFFSET_US;
    pg_datetime f;
    if (fabs(us) >= 9.2e18 || !types_timestamp_to_fields((int64_t)us, &f)) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range: \"%g\"", secs);
        return;
    }
    sqlite3_result_int64(ctx, (int64_t)us);
}

/* ---------------------------------------------------------------- AT TIME ZONE */

/* pgw_at_time_zone(value, zone, dir): dir 1: timestamptz → local timestamp in zone;
 * dir 0: timestamp taken as local in zone → timestamptz. */
static void fn_at_time_zone(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t ts = sqlite3_value_int64(argv[0]);
    const char *zone = (const char *)sqlite3_value_text(argv[1]);
    bool from_tz = sqlite3_value_int(argv[2]) != 0;
    const tz_info *tz = tz_lookup(zone);
    if (!tz) {
        sqlite_fn_error(ctx, "22023", "time zone \"%s\" not recognized", zone);
        return;
    }
    if (ts == PG_TIMESTAMP_NOBEGIN || ts == PG_TIMESTAMP_NOEND) {
        sqlite3_result_int64(ctx, ts);
        return;
    }
    pg_datetime f;
    int64_t r;
    bool ok = from_tz ? types_timestamptz_to_fields(ts, tz, &f) && types_fields_to_timestamp(&f, &r)
                      : types_timestamp_to_fields(ts, &f) && types_fields_to_timestamptz(&f, tz, &r);
    if (!ok) {
        sqlite_fn_error(ctx, "22008", "timestamp out of range");
        return;
    }
    sqlite3_result_int64(ctx, r);
}

/* AT TIME ZONE INTERVAL '...': a fixed offset (east positive, as PostgreSQL's interval zone). */
static void fn_at_time_zone_interval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval iv;
    if (!fnu_interval_arg(ctx, argv[1], &iv))
        return;
    if (iv.months != 0 || iv.days != 0) {
        sqlite_fn_error(ctx, "22023", "interval time zone \"%s\" must not include months or days",
                        (const char *)sqlite3_value_text(argv[1]));
        return;
    }
    int64_t ts = sqlite3_value_int64(argv[0]);
    bool from_tz = sqlite3_value_int(argv[2]) != 0;
    sqlite3_result_int64(ctx, from_tz ? ts + iv.usecs : ts - iv.usecs);
}

/* ---------------------------------------------------------------- registration */

typedef struct dt_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
    bool deterministic;
} dt_fn;

static const dt_fn datetime_functions[] = {
    {"pgw_interval_add", 2, fn_interval_add, true},
    {"pgw_interval_neg", 1, fn_interval_neg, true},
    {"pgw_interval_cmp", 2, fn_interval_cmp, true},
    {"pgw_interval_mul", 2, fn_interval_mul, true},
    {"pgw_interval_div", 2, fn_interval_div, true},
    {"pgw_interval_from_us", 1, fn_interval_from_us, true},
    {"pgw_justify", 2, fn_justify, true},
    {"pgw_ts_add_interval", 2, fn_ts_add_interval, true},
    {"pgw_tstz_add_interval", 2, fn_tstz_add_interval, false},
    {"pgw_ts_diff", 2, fn_ts_diff, true},
    {"pgw_time_add_interval", 2, fn_time_add_interval, true},
    {"pgw_ts_to_date", 1, fn_ts_to_date, true},
    {"pgw_ts_to_date", 2, fn_ts_to_date, false},
    {"pgw_ts_to_time", 1, fn_ts_to_time, true},
    {"pgw_ts_to_time", 2, fn_ts_to_time, false},
    {"pgw_ts_to_tstz", 2, fn_ts_to_tstz, false},
    {"pgw_age", 3, fn_age, false},
    {"pgw_current_date", 0, fn_current_date, false},
    {"pgw_localtimestamp", 0, fn_localtimestamp, false},
    {"pgw_localtime", 0, fn_localtime, false},
    {"pgw_current_time", 0, fn_current_time, false},
    {"pgw_today_tz", 0, fn_today_tz, false},
    {"pgw_round_time", 2, fn_round_time, true},
    {"pgw_extract", 3, fn_extract, false},
    {"pgw_date_part", 3, fn_date_part, false},
    {"pgw_interval_extract", 2, fn_interval_extract, true},
    {"pgw_interval_part", 2, fn_interval_part, true},
    {"pgw_date_trunc", 3, fn_date_trunc, false},
    {"pgw_date_trunc_zone", 3, fn_date_trunc_zone, true},
    {"pgw_interval_trunc", 2, fn_interval_trunc, true},
    {"pgw_make_date", 3, fn_make_date, true},
    {"pgw_make_timestamp", 6, fn_make_timestamp, true},
    {"pgw_make_time", 3, fn_make_time, true},
    {"pgw_overlaps", 4, fn_overlaps, true},
    {"pgw_make_timestamptz", 6, fn_make_timestamptz, false},
    {"pgw_make_timestamptz", 7, fn_make_timestamptz, true},
    {"pgw_make_interval", 7, fn_make_interval, true},
    {"pgw_to_timestamp_epoch", 1, fn_to_timestamp_epoch, true},
    {"pgw_at_time_zone", 3, fn_at_time_zone, true},
    {"pgw_at_time_zone_interval", 3, fn_at_time_zone_interval, true},
};

int sqlite_register_datetime(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(datetime_functions); i++) {
        const dt_fn *f = &datetime_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8 | (f->deterministic ? SQLITE_DETERMINISTIC : 0),
                                            c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    int rc = sqlite3_create_window_function(db, "pgw_interval_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, c, iacc_step,
                                            isum_value, isum_value, iacc_inverse, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_window_function(db, "pgw_interval_avg", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, c, iacc_step,
                                            iavg_value, iavg_value, iacc_inverse, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_collation_v2(db, "pgw_interval", SQLITE_UTF8, NULL, interval_collate, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite_register_format(db, c);
    return rc;
}
