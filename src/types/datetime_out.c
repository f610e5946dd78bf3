/*
 * datetime_out.c — date/time text output in every DateStyle, as PostgreSQL's EncodeDateOnly,
 * EncodeTimeOnly and EncodeDateTime print them:
 *
 *   ISO       2024-07-31 14:00:00.5+02        date 2024-07-31
 *   SQL       07/31/2024 14:00:00.5 CEST      (DMY: 31/07/2024)
 *   German    31.07.2024 14:00:00.5 CEST
 *   Postgres  Wed Jul 31 14:00:00.5 2024 CEST (DMY: Wed 31 Jul ...)   date 07-31-2024
 *
 * Fractions print up to 6 digits with trailing zeros cut; years have at least 4 digits and
 * BC years print as " BC".  Digits are written directly (no printf): timestamps are in most
 * result sets.
 */
#include "types/types_internal.h"

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const day_abbr[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

static char *put2(char *w, int v)
{
    w[0] = (char)('0' + v / 10);
    w[1] = (char)('0' + v % 10);
    return w + 2;
}

/* Zero-padded to at least `width` digits (v >= 0). */
static char *put_padded(char *w, int64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        *w++ = tmp[--n];
    return w;
}

static int display_year(int year)
{
    return year > 0 ? year : -(year - 1);
}

/* SS[.ffffff] with trailing zeros removed. */
static char *put_seconds(char *w, int sec, int32_t usec)
{
    w = put2(w, sec);
    if (usec != 0) {
        *w++ = '.';
        char digits[6];
        int32_t u = usec < 0 ? -usec : usec;
        for (int i = 5; i >= 0; i--) {
            digits[i] = (char)('0' + u % 10);
            u /= 10;
        }
        int n = 6;
        while (n > 0 && digits[n - 1] == '0')
            n--;
        memcpy(w, digits, (size_t)n);
        w += n;
    }
    return w;
}

static char *put_time(char *w, const pg_datetime *f)
{
    w = put2(w, f->hour);
    *w++ = ':';
    w = put2(w, f->minute);
    *w++ = ':';
    return put_seconds(w, f->second, f->usec);
}

static char *put_tz(char *w, int east)
{
    int sec = east < 0 ? -east : east;
    int min = sec / 60;
    sec -= min * 60;
    int hour = min / 60;
    min -= hour * 60;
    *w++ = east >= 0 ? '+' : '-';
    w = hour >= 100 ? put_padded(w, hour, 2) : put2(w, hour);
    if (sec != 0) {
        *w++ = ':';
        w = put2(w, min);
        *w++ = ':';
        w = put2(w, sec);
    } else if (min != 0) {
        *w++ = ':';
        w = put2(w, min);
    }
    return w;
}

static char *put_bc(char *w, const pg_datetime *f)
{
    if (f->year <= 0) {
        memcpy(w, " BC", 3);
        w += 3;
    }
    return w;
}

/* Reserve room and return the write pointer, or NULL when the buffer failed. */
static char *begin(strbuf *out, size_t max)
{
    if (!strbuf_reserve(out, max))
        return NULL;
    return out->data + out->len;
}

static void end(strbuf *out, char *w)
{
    out->len = (size_t)(w - out->data);
    out->data[out->len] = 0;
}

void types_encode_tz_offset(int tz_offset, strbuf *out)
{
    char *w = begin(out, 16);
    if (w)
        end(out, put_tz(w, tz_offset));
}

static char *put_date(const type_settings *s, char *w, const pg_datetime *f)
{
    int y = display_year(f->year);
    switch (s->datestyle) {
    case DATESTYLE_ISO:
        w = put_padded(w, y, 4);
        *w++ = '-';
        w = put2(w, f->month);
        *w++ = '-';
        w = put2(w, f->day);
        break;
    case DATESTYLE_SQL:
        if (s->dateorder == DATEORDER_DMY) {
            w = put2(w, f->day);
            *w++ = '/';
            w = put2(w, f->month);
        } else {
            w = put2(w, f->month);
            *w++ = '/';
            w = put2(w, f->day);
        }
        *w++ = '/';
        w = put_padded(w, y, 4);
        break;
    case DATESTYLE_GERMAN:
        w = put2(w, f->day);
        *w++ = '.';
        w = put2(w, f->month);
        *w++ = '.';
        w = put_padded(w, y, 4);
        break;
    case DATESTYLE_POSTGRES:
        if (s->dateorder == DATEORDER_DMY) {
            w = put2(w, f->day);
            *w++ = '-';
            w = put2(w, f->month);
        } else {
            w = put2(w, f->month);
            *w++ = '-';
            w = put2(w, f->day);
        }
        *w++ = '-';
        w = put_padded(w, y, 4);
        break;
    }
    return w;
}

void types_encode_date(const type_settings *s, const pg_datetime *f, strbuf *out)
{
    char *w = begin(out, 40);
    if (!w)
        return;
    w = put_date(s, w, f);
    end(out, put_bc(w, f));
}

void types_encode_time(const pg_datetime *f, bool print_tz, int tz_offset, strbuf *out)
{
    char *w = begin(out, 40);
    if (!w)
        return;
    w = put_time(w, f);
    if (print_tz)
        w = put_tz(w, tz_offset);
    end(out, w);
}

/* A zone abbreviation is printed up to MAXTZLEN (10) characters. */
static char *put_abbrev(char *w, const char *abbrev)
{
    size_t n = strlen(abbrev);
    if (n > 10)
        n = 10;
    memcpy(w, abbrev, n);
    return w + n;
}

void types_encode_datetime(const type_settings *s, const pg_datetime *f, bool print_tz, int tz_offset,
                           const char *abbrev, strbuf *out)
{
    char *w = begin(out, 80);
    if (!w)
        return;
    switch (s->datestyle) {
    case DATESTYLE_ISO:
        w = put_date(s, w, f);
        *w++ = ' ';
        w = put_time(w, f);
        if (print_tz)
            w = put_tz(w, tz_offset);
        break;
    case DATESTYLE_SQL:
    case DATESTYLE_GERMAN:
        w = put_date(s, w, f);
        *w++ = ' ';
        w = put_time(w, f);
        if (print_tz) {
            if (abbrev) {
                *w++ = ' ';
                w = put_abbrev(w, abbrev);
            } else {
                w = put_tz(w, tz_offset);
            }
        }
        break;
    case DATESTYLE_POSTGRES: {
        int wday = types_j2day(types_date2j(f->year, f->month, f->day));
        memcpy(w, day_abbr[wday], 3);
        w += 3;
        *w++ = ' ';
        if (s->dateorder == DATEORDER_DMY) {
            w = put2(w, f->day);
            *w++ = ' ';
            memcpy(w, month_abbr[f->month - 1], 3);
            w += 3;
        } else {
            memcpy(w, month_abbr[f->month - 1], 3);
            w += 3;
            *w++ = ' ';
            w = put2(w, f->day);
        }
        *w++ = ' ';
        w = put_time(w, f);
        *w++ = ' ';
        w = put_padded(w, display_year(f->year), 4);
        if (print_tz) {
            *w++ = ' ';
            w = abbrev ? put_abbrev(w, abbrev) : put_tz(w, tz_offset);
        }
        break;
    }
    }
    end(out, put_bc(w, f));
}

int64_t types_round_to_precision(int64_t usecs, int32_t precision)
{
    static const int64_t scales[7] = {1000000, 100000, 10000, 1000, 100, 10, 1};
    if (precision < 0 || precision >= 6)
        return usecs;
    int64_t scale = scales[precision], offset = scale / 2;
    if (usecs >= 0)
        return ((usecs + offset) / scale) * scale;
    return -((((-usecs) + offset) / scale) * scale);
}

void types_timetz_to_storage(int64_t time_us, int32_t utc_offset, strbuf *out)
{
    pg_datetime f;
    memset(&f, 0, sizeof f);
    types_time_to_fields(time_us, &f);
    types_encode_time(&f, true, utc_offset, out);
}

bool types_timetz_from_storage(const char *p, size_t n, int64_t *time_us, int32_t *utc_offset)
{
    /* HH:MM:SS[.ffffff](+|-)hh[:mm[:ss]] */
    size_t i = 0;
    int64_t part[3] = {0, 0, 0};
    for (int k = 0; k < 3; k++) {
        if (i + 2 > n || !types_isdigit(p[i]) || !types_isdigit(p[i + 1]))
            return false;
        part[k] = (p[i] - '0') * 10 + (p[i + 1] - '0');
        i += 2;
        if (k < 2) {
            if (i >= n || p[i] != ':')
                return false;
            i++;
        }
    }
    int64_t usec = 0;
    if (i < n && p[i] == '.') {
        i++;
        int digits = 0;
        while (i < n && types_isdigit(p[i])) {
            if (digits < 6) {
                usec = usec * 10 + (p[i] - '0');
                digits++;
            }
            i++;
        }
        while (digits++ < 6)
            usec *= 10;
    }
    if (i >= n || (p[i] != '+' && p[i] != '-'))
        return false;
    int sign = p[i++] == '-' ? -1 : 1;
    int32_t zone[3] = {0, 0, 0};
    for (int k = 0; k < 3 && i < n; k++) {
        if (k > 0) {
            if (p[i] != ':')
                return false;
            i++;
        }
        if (i + 2 > n || !types_isdigit(p[i]) || !types_isdigit(p[i + 1]))
            return false;
        zone[k] = (p[i] - '0') * 10 + (p[i + 1] - '0');
        i += 2;
    }
    if (i != n)
        return false;
    *time_us = ((part[0] * 60 + part[1]) * 60 + part[2]) * 1000000 + usec;
    *utc_offset = sign * (zone[0] * 3600 + zone[1] * 60 + zone[2]);
    return true;
}
