/*
 * datetime_calendar.c — calendar arithmetic: Julian days (proleptic Gregorian, valid far
 * beyond PostgreSQL's range), and the decomposition of date/time/timestamp storage values
 * into fields and back.  No parsing or printing here (datetime_parse.c, datetime_out.c).
 */
#include "types/types_internal.h"

#include <stdlib.h>

/* Fliegel & Van Flandern's conversion, in the form PostgreSQL's date2j uses: exact for
 * every year >= -4713 with 64-bit intermediates. */
int types_date2j(int year, int month, int day)
{
    int64_t y = year, m = month;
    if (m > 2) {
        m += 1;
        y += 4800;
    } else {
        m += 13;
        y += 4799;
    }
    int64_t century = y / 100;
    int64_t julian = y * 365 - 32167;
    julian += y / 4 - century + century / 4;
    julian += 7834 * m / 256 + day;
    return (int)julian;
}

void types_j2date(int jd, int *year, int *month, int *day)
{
    uint32_t julian = (uint32_t)jd + 32044;
    uint32_t quad = julian / 146097;
    uint32_t extra = (julian - quad * 146097) * 4 + 3;
    julian += 60 + quad * 3 + extra / 146097;
    quad = julian / 1461;
    julian -= quad * 1461;
    int y = (int)(julian * 4 / 1461);
    julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
    y += (int)quad * 4;
    *year = y - 4800;
    quad = julian * 2141 / 65536;
    *day = (int)(julian - 7834 * quad / 256);
    *month = (int)((quad + 10) % 12 + 1);
}

int types_j2day(int jd)
{
    int d = (jd + 1) % 7;
    return d < 0 ? d + 7 : d;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int types_days_in_month(int year, int month)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mdays[month - 1] + (month == 2 && leap(year));
}

static void set_date_fields(int jd, pg_datetime *f)
{
    types_j2date(jd, &f->year, &f->month, &f->day);
    f->wday = types_j2day(jd);
    f->yday = jd - types_date2j(f->year, 1, 1) + 1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool types_timestamp_to_fields(int64_t ts, pg_datetime *f)
{
    if (ts == PG_TIMESTAMP_NOBEGIN || ts == PG_TIMESTAMP_NOEND)
        return false;
    int64_t days = floor_div(ts, PG_USECS_PER_DAY);
    int64_t time = ts - days * PG_USECS_PER_DAY;
    memset(f, 0, sizeof *f);
    set_date_fields((int)(days + PG_EPOCH_JDATE), f);
    types_time_to_fields(time, f);
    return true;
}

void types_time_to_fields(int64_t time, pg_datetime *f)
{
    f->hour = (int)(time / INT64_C(3600000000));
    time -= (int64_t)f->hour * INT64_C(3600000000);
    f->minute = (int)(time / 60000000);
    time -= (int64_t)f->minute * 60000000;
    f->second = (int)(time / 1000000);
    f->usec = (int32_t)(time - (int64_t)f->second * 1000000);
}

bool types_timestamptz_to_fields(int64_t ts, const tz_info *tz, pg_datetime *f)
{
    if (ts == PG_TIMESTAMP_NOBEGIN || ts == PG_TIMESTAMP_NOEND)
        return false;
    const char *abbrev = "UTC";
    int off = tz ? tz_offset_at_utc(tz, ts, &abbrev) : 0;
    if (!types_timestamp_to_fields(ts + (int64_t)off * 1000000, f))
        return false;
    f->utc_offset = off;
    f->tz_abbrev = abbrev;
    return true;
}

/* Valid timestamps: 4714-11-24 BC 00:00 up to (not including) 294277-01-01 00:00. */
#define MIN_TIMESTAMP INT64_C(-211813488000000000)
#define END_TIMESTAMP INT64_C(9223371331200000000)

bool types_timestamp_in_range(int64_t ts)
{
    return ts >= MIN_TIMESTAMP && ts < END_TIMESTAMP;
}

/* Julian-day validity as PostgreSQL's IS_VALID_JULIAN: from 4714-11-24 BC. */
bool types_valid_julian(int y, int m, int d)
{
    return (y > -4713 || (y == -4713 && (m > 11 || (m == 11 && d >= 24)))) && y < 5874898;
}

bool types_fields_to_timestamp(const pg_datetime *f, int64_t *ts)
{
    if (!types_valid_julian(f->year, f->month, f->day))
        return false;
    int64_t days = (int64_t)types_date2j(f->year, f->month, f->day) - PG_EPOCH_JDATE;
    int64_t time = ((int64_t)f->hour * 3600 + f->minute * 60 + f->second) * 1000000 + f->usec;
    if (days > INT64_MAX / PG_USECS_PER_DAY || days < INT64_MIN / PG_USECS_PER_DAY)
        return false;
    int64_t r = days * PG_USECS_PER_DAY;
    if ((r > 0 && time > INT64_MAX - r) || (r < 0 && time < INT64_MIN - r))
        return false;
    r += time;
    if (!types_timestamp_in_range(r))
        return false;
    *ts = r;
    return true;
}

bool types_fields_to_timestamptz(const pg_datetime *f, const tz_info *tz, int64_t *ts)
{
    int64_t local;
    if (!types_fields_to_timestamp(f, &local))
        return false;
    int off = tz ? tz_offset_for_local(tz, local) : 0;
    int64_t r = local - (int64_t)off * 1000000;
    if (!types_timestamp_in_range(r))
        return false;
    *ts = r;
    return true;
}

bool types_date_to_fields(int32_t date, pg_datetime *f)
{
    if (date == PG_DATE_NOBEGIN || date == PG_DATE_NOEND)
        return false;
    memset(f, 0, sizeof *f);
    set_date_fields((int)((int64_t)date + PG_EPOCH_JDATE), f);
    return true;
}

bool types_fields_to_date(const pg_datetime *f, int32_t *date)
{
    if (!types_valid_julian(f->year, f->month, f->day))
        return false;
    int64_t d = (int64_t)types_date2j(f->year, f->month, f->day) - PG_EPOCH_JDATE;
    /* IS_VALID_DATE: from Julian day 0 up to (not including) 5874898-01-01. */
    if (d < -PG_EPOCH_JDATE || d >= INT64_C(2147483494) - PG_EPOCH_JDATE)
        return false;
    *date = (int32_t)d;
    return true;
}

bool types_interval_from_storage(const char *p, size_t n, pg_interval *iv)
{
    int64_t v[3];
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        while (i < n && p[i] == ' ')
            i++;
        bool neg = false;
        if (i < n && (p[i] == '-' || p[i] == '+'))
            neg = p[i++] == '-';
        if (i >= n || !types_isdigit(p[i]))
            return false;
        uint64_t acc = 0;
        while (i < n && types_isdigit(p[i])) {
            if (acc > (UINT64_MAX - 9) / 10)
                return false;
            acc = acc * 10 + (uint64_t)(p[i++] - '0');
        }
        if (acc > (uint64_t)INT64_MAX + neg)
            return false;
        v[k] = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    }
    while (i < n && p[i] == ' ')
        i++;
    if (i != n || v[0] < INT32_MIN || v[0] > INT32_MAX || v[1] < INT32_MIN || v[1] > INT32_MAX)
        return false;
    iv->months = (int32_t)v[0];
    iv->days = (int32_t)v[1];
    iv->usecs = v[2];
    return true;
}

void types_interval_to_storage(const pg_interval *iv, strbuf *out)
{
    types_append_int64(out, iv->months);
    strbuf_putc(out, ' ');
    types_append_int64(out, iv->days);
    strbuf_putc(out, ' ');
    types_append_int64(out, iv->usecs);
}
