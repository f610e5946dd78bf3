/*
 * datetime_parse.c — PostgreSQL's date/time input grammar: ParseDateTime's field splitting
 * and DecodeDateTime / DecodeTimeOnly's interpretation, rewritten after their documented
 * behaviour.  Accepted: ISO 8601 ("2024-01-31", "2024-01-31T12:34:56.5Z", "20240131T123456"),
 * the DateStyle orders for numeric dates (MDY/DMY/YMD, "/", "-", "." separators), month and
 * day names ("Jan 31 2024", "31 January 2024", "Wed Jul 31 14:00:00 2024 CEST"), AD/BC,
 * AM/PM, Julian days ("J2451545"), numeric zones ("+02", "-0800", "+05:30"), abbreviations
 * of timezone_abbreviations' Default set, IANA zone names, and the special words epoch,
 * infinity, -infinity, now, today, tomorrow, yesterday, allballs.
 *
 * The caller gets fields plus the zone information (dt_parsed) and does its type's range
 * checks and zone resolution.  Input is bounded (MAXDATELEN as PostgreSQL: 128 bytes of
 * fields) and copied into a stack buffer; nothing is allocated.
 */
#include "types/types_internal.h"

#include <math.h>
#include <stdlib.h>

#define MAX_FIELDS 25
#define FIELD_BUF 256

enum { F_NUMBER, F_STRING, F_DATE, F_TIME, F_TZ, F_SPECIAL };

/* Field-presence bits (PostgreSQL's DTK_M masks). */
#define M_YEAR (1 << 0)
#define M_MONTH (1 << 1)
#define M_DAY (1 << 2)
#define M_HOUR (1 << 3)
#define M_MINUTE (1 << 4)
#define M_SECOND (1 << 5)
#define M_TZ (1 << 6)
#define M_DOY (1 << 7)
#define M_AMPM (1 << 8)
#define M_BC (1 << 9)
#define M_DOW (1 << 10)
#define M_SPECIAL (1 << 11)
#define M_DATE (M_YEAR | M_MONTH | M_DAY)
#define M_TIME (M_HOUR | M_MINUTE | M_SECOND)

enum { ERR_NONE, ERR_FORMAT, ERR_FIELD, ERR_MD_FIELD, ERR_TZDISP, ERR_TZNAME };

/* Keywords (PostgreSQL's datetktbl, the entries that matter for input). */
enum { K_MONTH, K_DOW, K_AMPM, K_ADBC, K_SPECIAL, K_IGNORE, K_ISOTIME, K_JULIAN };
enum { SP_EPOCH, SP_LATE, SP_EARLY, SP_NOW, SP_TODAY, SP_TOMORROW, SP_YESTERDAY, SP_ALLBALLS };

typedef struct keyword {
    const char *word;
    int kind;
    int value;
} keyword;

static const keyword keywords[] = {   /* sorted */
    {"+infinity", K_SPECIAL, SP_LATE}, {"-infinity", K_SPECIAL, SP_EARLY},
    {"ad", K_ADBC, 0}, {"allballs", K_SPECIAL, SP_ALLBALLS}, {"am", K_AMPM, 0},
    {"apr", K_MONTH, 4}, {"april", K_MONTH, 4}, {"at", K_IGNORE, 0}, {"aug", K_MONTH, 8},
    {"august", K_MONTH, 8}, {"bc", K_ADBC, 1}, {"dec", K_MONTH, 12}, {"december", K_MONTH, 12},
    {"epoch", K_SPECIAL, SP_EPOCH}, {"feb", K_MONTH, 2}, {"february", K_MONTH, 2},
    {"fri", K_DOW, 5}, {"friday", K_DOW, 5}, {"infinity", K_SPECIAL, SP_LATE},
    {"j", K_JULIAN, 0}, {"jan", K_MONTH, 1}, {"january", K_MONTH, 1}, {"jd", K_JULIAN, 0},
    {"jul", K_MONTH, 7}, {"julian", K_JULIAN, 0}, {"july", K_MONTH, 7}, {"jun", K_MONTH, 6},
    {"june", K_MONTH, 6}, {"mar", K_MONTH, 3}, {"march", K_MONTH, 3}, {"may", K_MONTH, 5},
    {"mon", K_DOW, 1}, {"monday", K_DOW, 1}, {"nov", K_MONTH, 11}, {"november", K_MONTH, 11},
    {"now", K_SPECIAL, SP_NOW}, {"oct", K_MONTH, 10}, {"october", K_MONTH, 10},
    {"on", K_IGNORE, 0}, {"pm", K_AMPM, 1}, {"sat", K_DOW, 6}, {"saturday", K_DOW, 6},
    {"sep", K_MONTH, 9}, {"sept", K_MONTH, 9}, {"september", K_MONTH, 9}, {"sun", K_DOW, 0},
    {"sunday", K_DOW, 0}, {"t", K_ISOTIME, 0}, {"thu", K_DOW, 4}, {"thur", K_DOW, 4},
    {"thurs", K_DOW, 4}, {"thursday", K_DOW, 4}, {"today", K_SPECIAL, SP_TODAY},
    {"tomorrow", K_SPECIAL, SP_TOMORROW}, {"tue", K_DOW, 2}, {"tues", K_DOW, 2},
    {"tuesday", K_DOW, 2}, {"wed", K_DOW, 3}, {"wednesday", K_DOW, 3},
    {"yesterday", K_SPECIAL, SP_YESTERDAY},
};

static const keyword *find_keyword(const char *w)
{
    size_t lo = 0, hi = ARRAY_LEN(keywords);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(keywords[mid].word, w);
        if (c == 0)
            return &keywords[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || types_isdigit(c);
}

static bool is_punct(char c)
{
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

typedef struct fields {
    int n;
    char *text[MAX_FIELDS];
    int type[MAX_FIELDS];
    char buf[FIELD_BUF];
} fields;

/* ParseDateTime: split the input into typed, lower-cased, NUL-terminated fields. */
static int split_fields(const char *in, size_t len, fields *f)
{
    size_t i = 0, b = 0;
    f->n = 0;
#define PUT(c)                          \
    do {                                \
        if (b + 1 >= FIELD_BUF)         \
            return ERR_FORMAT;          \
        f->buf[b++] = (c);              \
    } while (0)
    while (i < len) {
        char c = in[i];
        if (types_isspace(c)) {
            i++;
            continue;
        }
        if (f->n >= MAX_FIELDS)
            return ERR_FORMAT;
        f->text[f->n] = f->buf + b;
        if (types_isdigit(c)) {
            PUT(in[i++]);
            while (i < len && types_isdigit(in[i]))
                PUT(in[i++]);
            if (i < len && in[i] == ':') {
                f->type[f->n] = F_TIME;
                while (i < len && (types_isdigit(in[i]) || in[i] == ':' || in[i] == '.'))
                    PUT(in[i++]);
            } else if (i < len && (in[i] == '-' || in[i] == '/' || in[i] == '.')) {
                char delim = in[i];
                PUT(in[i++]);
                if (i < len && types_isdigit(in[i])) {
                    f->type[f->n] = delim == '.' ? F_NUMBER : F_DATE;
                    while (i < len && types_isdigit(in[i]))
                        PUT(in[i++]);
                    if (i < len && in[i] == delim) {
                        f->type[f->n] = F_DATE;
                        PUT(in[i++]);
                        while (i < len && (types_isdigit(in[i]) || in[i] == delim))
                            PUT(in[i++]);
                    }
                } else {
                    f->type[f->n] = F_DATE;
                    while (i < len && (is_alnum(in[i]) || in[i] == delim))
                        PUT(types_tolower(in[i++]));
                }
            } else {
                f->type[f->n] = F_NUMBER;
            }
        } else if (c == '.') {
            PUT(in[i++]);
            while (i < len && types_isdigit(in[i]))
                PUT(in[i++]);
            f->type[f->n] = F_NUMBER;
        } else if (is_alpha(c)) {
            f->type[f->n] = F_STRING;
            size_t start = b;
            while (i < len && is_alpha(in[i]))
                PUT(types_tolower(in[i++]));
            bool is_date = false;
            if (i < len && (in[i] == '-' || in[i] == '/' || in[i] == '.')) {
                is_date = true;
            } else if (i < len && (in[i] == '+' || types_isdigit(in[i]))) {
                f->buf[b] = 0;
                is_date = find_keyword(f->buf + start) == NULL;
            }
            if (is_date) {
                f->type[f->n] = F_DATE;
                do {
                    PUT(types_tolower(in[i++]));
                } while (i < len && (in[i] == '+' || in[i] == '-' || in[i] == '/' || in[i] == '_' || in[i] == '.' ||
                                     in[i] == ':' || is_alnum(in[i])));
            }
        } else if (c == '+' || c == '-') {
            PUT(in[i++]);
            while (i < len && types_isspace(in[i]))
                i++;
            if (i < len && types_isdigit(in[i])) {
                f->type[f->n] = F_TZ;
                PUT(in[i++]);
                while (i < len && (types_isdigit(in[i]) || in[i] == ':' || in[i] == '.' || in[i] == '-'))
                    PUT(in[i++]);
            } else if (i < len && is_alpha(in[i])) {
                f->type[f->n] = F_SPECIAL;
                while (i < len && is_alpha(in[i]))
                    PUT(types_tolower(in[i++]));
            } else {
                return ERR_FORMAT;
            }
        } else if (is_punct(c)) {
            i++;
            continue;
        } else {
            return ERR_FORMAT;
        }
        PUT(0);
        f->n++;
    }
#undef PUT
    return ERR_NONE;
}

/* strtol-like over a NUL-terminated field; *end set past the digits. */
static int read_int(const char *s, const char **end)
{
    long v = 0;
    const char *p = s;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    while (types_isdigit(*p)) {
        if (v < 100000000)
            v = v * 10 + (*p - '0');
        else
            v = 1000000000;   /* saturate: out of range anyway */
        p++;
    }
    *end = p;
    return (int)(neg ? -v : v);
}

/* ".123456789" → µs, rounded. */
static int parse_fraction(const char *s, int32_t *usec)
{
    if (*s != '.')
        return ERR_FORMAT;
    const char *p = s + 1;
    while (types_isdigit(*p))
        p++;
    if (*p != 0)
        return ERR_FORMAT;
    double frac = strtod(s, NULL);
    *usec = (int32_t)rint(frac * 1000000);
    return ERR_NONE;
}

typedef struct state {
    const type_settings *s;
    dt_mode mode;
    int fmask;
    bool is2digits, bc, text_month, julian;
    int mer;         /* -1 = 24h, 0 = am, 1 = pm */
    int ptype;       /* pending ISO time 't' or julian 'j' */
    pg_datetime tm;
    dt_parsed *out;
    const tz_info *named;
    const tz_abbrev *dyn_abbrev;
} state;

static int decode_time(const char *str, state *st)
{
    const char *cp;
    st->tm.hour = read_int(str, &cp);
    if (*cp != ':')
        return ERR_FORMAT;
    st->tm.minute = read_int(cp + 1, &cp);
    st->tm.usec = 0;
    if (*cp == 0) {
        st->tm.second = 0;
    } else if (*cp == '.') {
        /* mm:ss.sss */
        int r = parse_fraction(cp, &st->tm.usec);
        if (r)
            return r;
        st->tm.second = st->tm.minute;
        st->tm.minute = st->tm.hour;
        st->tm.hour = 0;
    } else if (*cp == ':') {
        st->tm.second = read_int(cp + 1, &cp);
        if (*cp == '.') {
            int r = parse_fraction(cp, &st->tm.usec);
            if (r)
                return r;
        } else if (*cp != 0) {
            return ERR_FORMAT;
        }
    } else {
        return ERR_FORMAT;
    }
    if (st->tm.hour < 0 || st->tm.minute < 0 || st->tm.minute > 59 || st->tm.second < 0 || st->tm.second > 60 ||
        st->tm.usec < 0 || st->tm.usec > 1000000)
        return ERR_FIELD;
    return ERR_NONE;
}

/* PostgreSQL's time_overflows: beyond 24:00:00 or a field out of its range. */
static bool time_overflows(const pg_datetime *tm)
{
    if (tm->hour < 0 || tm->hour > 24 || tm->minute < 0 || tm->minute > 59 || tm->second < 0 || tm->second > 60 ||
        tm->usec < 0 || tm->usec > 1000000)
        return true;
    int64_t total = ((int64_t)tm->hour * 3600 + tm->minute * 60 + tm->second) * 1000000 + tm->usec;
    return total > PG_USECS_PER_DAY;
}

static int decode_tz(const char *str, int *east)
{
    const char *cp;
    int hr = read_int(str + 1, &cp), min = 0, sec = 0;
    if (*cp == ':') {
        min = read_int(cp + 1, &cp);
        if (*cp == ':')
            sec = read_int(cp + 1, &cp);
    } else if (*cp == 0 && strlen(str) > 3) {
        min = hr % 100;
        hr /= 100;
    }
    if (hr < 0 || hr > 15 || min < 0 || min >= 60 || sec < 0 || sec >= 60)
        return ERR_TZDISP;
    int tz = (hr * 60 + min) * 60 + sec;
    *east = str[0] == '-' ? -tz : tz;
    if (*cp != 0)
        return ERR_FORMAT;
    return ERR_NONE;
}

/* DecodeNumberField: run-together dates (yyyymmdd, yymmdd) and times (hhmmss, hhmm). */
static int decode_number_field(const char *str, state *st, int *tmask)
{
    char buf[64];
    size_t len = strlen(str);
    if (len >= sizeof buf)
        return ERR_FORMAT;
    memcpy(buf, str, len + 1);
    char *dot = strchr(buf, '.');
    if (dot) {
        if (dot[1] == 0)
            st->tm.usec = 0;
        else
            st->tm.usec = (int32_t)rint(strtod(dot, NULL) * 1000000);
        *dot = 0;
        len = strlen(buf);
    } else if ((st->fmask & M_DATE) != M_DATE) {
        if (len >= 6) {
            *tmask = M_DATE;
            st->tm.day = atoi(buf + len - 2);
            buf[len - 2] = 0;
            st->tm.month = atoi(buf + len - 4);
            buf[len - 4] = 0;
            st->tm.year = atoi(buf);
            if (len - 4 == 2)
                st->is2digits = true;
            return ERR_NONE;
        }
    }
    if ((st->fmask & M_TIME) != M_TIME) {
        if (len == 6) {
            *tmask = M_TIME;
            st->tm.second = atoi(buf + 4);
            buf[4] = 0;
            st->tm.minute = atoi(buf + 2);
            buf[2] = 0;
            st->tm.hour = atoi(buf);
            return ERR_NONE;
        }
        if (len == 4) {
            *tmask = M_TIME;
            st->tm.second = 0;
            st->tm.minute = atoi(buf + 2);
            buf[2] = 0;
            st->tm.hour = atoi(buf);
            return ERR_NONE;
        }
    }
    return ERR_FORMAT;
}

/* DecodeNumber: one numeric field, placed by what the date has so far and DateStyle. */
static int decode_number(const char *str, state *st, int fmask, int *tmask)
{
    size_t flen = strlen(str);
    const char *cp;
    int val = read_int(str, &cp);
    *tmask = 0;
    if (cp == str)
        return ERR_FORMAT;
    if (*cp == '.') {
        if (cp - str > 2) {
            int saved = st->fmask;
            st->fmask = fmask | M_DATE;
            int r = decode_number_field(str, st, tmask);
            st->fmask = saved;
            return r;
        }
        int r = parse_fraction(cp, &st->tm.usec);
        if (r)
            return r;
    } else if (*cp != 0) {
        return ERR_FORMAT;
    }
    if (flen == 3 && (fmask & M_DATE) == M_YEAR && val >= 1 && val <= 366) {
        *tmask = M_DOY | M_MONTH | M_DAY;
        st->tm.yday = val;
        return ERR_NONE;
    }
    datestyle_order order = st->s->dateorder;
    switch (fmask & M_DATE) {
    case 0:
        if (flen >= 3 || order == DATEORDER_YMD) {
            *tmask = M_YEAR;
            st->tm.year = val;
        } else if (order == DATEORDER_DMY) {
            *tmask = M_DAY;
            st->tm.day = val;
        } else {
            *tmask = M_MONTH;
            st->tm.month = val;
        }
        break;
    case M_YEAR:
        *tmask = M_MONTH;
        st->tm.month = val;
        break;
    case M_MONTH:
        if (st->text_month) {
            if (flen >= 3 || order == DATEORDER_YMD) {
                *tmask = M_YEAR;
                st->tm.year = val;
            } else {
                *tmask = M_DAY;
                st->tm.day = val;
            }
        } else {
            *tmask = M_DAY;
            st->tm.day = val;
        }
        break;
    case M_YEAR | M_MONTH:
        if (st->text_month && flen >= 3 && st->is2digits) {
            *tmask = M_DAY;
            st->tm.day = st->tm.year;
            st->tm.year = val;
            st->is2digits = false;
        } else {
            *tmask = M_DAY;
            st->tm.day = val;
        }
        break;
    case M_DAY:
        *tmask = M_MONTH;
        st->tm.month = val;
        break;
    case M_MONTH | M_DAY:
        *tmask = M_YEAR;
        st->tm.year = val;
        break;
    case M_DATE: {
        int saved = st->fmask;
        st->fmask = fmask;
        int r = decode_number_field(str, st, tmask);
        st->fmask = saved;
        return r;
    }
    default:
        return ERR_FORMAT;
    }
    if (*tmask == M_YEAR)
        st->is2digits = flen <= 2;
    return ERR_NONE;
}

/* DecodeDate: a field like "2024-01-31", "01/31/2024", "2024-jan-31", "31.01.2024". */
static int decode_date(const char *str, state *st, int *tmask)
{
    char buf[64];
    size_t len = strlen(str);
    if (len >= sizeof buf)
        return ERR_FORMAT;
    memcpy(buf, str, len + 1);
    char *field[8];
    int nf = 0;
    char *p = buf;
    while (*p && nf < 8) {
        while (*p && !is_alnum(*p))
            p++;
        if (!*p)
            return ERR_FORMAT;
        field[nf] = p;
        if (types_isdigit(*p)) {
            while (types_isdigit(*p))
                p++;
        } else {
            while (is_alpha(*p))
                p++;
        }
        if (*p)
            *p++ = 0;
        nf++;
    }
    int fmask = 0;
    *tmask = 0;
    for (int i = 0; i < nf; i++) {
        if (!is_alpha(field[i][0]))
            continue;
        const keyword *k = find_keyword(field[i]);
        if (k && k->kind == K_IGNORE) {
            field[i] = NULL;
            continue;
        }
        if (!k || k->kind != K_MONTH)
            return ERR_FORMAT;
        st->tm.month = k->value;
        st->text_month = true;
        if (fmask & M_MONTH)
            return ERR_FORMAT;
        fmask |= M_MONTH;
        *tmask |= M_MONTH;
        field[i] = NULL;
    }
    for (int i = 0; i < nf; i++) {
        if (!field[i])
            continue;
        if (!*field[i])
            return ERR_FORMAT;
        int dmask;
        int r = decode_number(field[i], st, fmask, &dmask);
        if (r)
            return r;
        if (fmask & dmask)
            return ERR_FORMAT;
        fmask |= dmask;
        *tmask |= dmask;
    }
    if ((fmask & ~(M_DOY | M_TZ)) != M_DATE)
        return ERR_FORMAT;
    return ERR_NONE;
}

/* The local date of the transaction start in the session zone, as fields. */
static void today_fields(const type_settings *s, int add_days, pg_datetime *tm)
{
    pg_datetime f;
    int64_t now = s->now_us;
    if (!types_timestamptz_to_fields(now, s->timezone, &f))
        memset(&f, 0, sizeof f);
    int jd = types_date2j(f.year, f.month, f.day) + add_days;
    types_j2date(jd, &tm->year, &tm->month, &tm->day);
}

static int validate_date(state *st)
{
    pg_datetime *tm = &st->tm;
    if (st->fmask & M_YEAR) {
        if (st->julian) {
            /* already a proleptic year */
        } else if (st->bc) {
            if (tm->year <= 0)
                return ERR_FIELD;
            tm->year = -(tm->year - 1);
        } else if (st->is2digits) {
            if (tm->year < 0)
                return ERR_FIELD;
            if (tm->year < 70)
                tm->year += 2000;
            else if (tm->year < 100)
                tm->year += 1900;
        } else if (tm->year <= 0) {
            return ERR_FIELD;
        }
    }
    if (st->fmask & M_DOY)
        types_j2date(types_date2j(tm->year, 1, 1) + tm->yday - 1, &tm->year, &tm->month, &tm->day);
    if ((st->fmask & M_MONTH) && (tm->month < 1 || tm->month > 12))
        return ERR_MD_FIELD;
    if ((st->fmask & M_DAY) && (tm->day < 1 || tm->day > 31))
        return ERR_MD_FIELD;
    if ((st->fmask & M_DATE) == M_DATE && tm->day > types_days_in_month(tm->year, tm->month))
        return ERR_FIELD;
    return ERR_NONE;
}

static int decode_string(const char *text, int ftype, state *st, int *tmask)
{
    const keyword *k = find_keyword(text);
    if (!k) {
        const tz_abbrev *a = tz_abbrev_lookup(text, strlen(text));
        if (a) {
            *tmask = M_TZ;
            st->out->has_tz = true;
            if (a->zone) {
                st->dyn_abbrev = a;
                st->named = tz_lookup(a->zone);
                if (!st->named)
                    return ERR_FORMAT;
            } else {
                st->out->tz_offset = a->offset;
            }
            return ERR_NONE;
        }
        /* A zone name without punctuation ("utc", "singapore")? */
        if (ftype == F_STRING && strlen(text) > 2) {
            const tz_info *z = tz_lookup(text);
            if (z) {
                *tmask = M_TZ;
                st->named = z;
                st->out->has_tz = true;
                return ERR_NONE;
            }
        }
        return ERR_FORMAT;
    }
    switch (k->kind) {
    case K_IGNORE:
        *tmask = 0;
        return ERR_NONE;
    case K_DOW:
        if (st->mode == DT_MODE_TIME)
            return ERR_FORMAT;
        *tmask = M_DOW;
        return ERR_NONE;
    case K_AMPM:
        *tmask = M_AMPM;
        st->mer = k->value;
        return ERR_NONE;
    case K_ADBC:
        *tmask = M_BC;
        st->bc = k->value == 1;
        return ERR_NONE;
    case K_ISOTIME:
    case K_JULIAN:
        *tmask = 0;
        st->ptype = k->kind;
        return ERR_NONE;
    case K_MONTH:
        if (st->mode == DT_MODE_TIME)
            return ERR_FORMAT;
        *tmask = M_MONTH;
        if ((st->fmask & M_MONTH) && !st->text_month && !(st->fmask & M_DAY) && st->tm.month >= 1 && st->tm.month <= 31) {
            st->tm.day = st->tm.month;
            *tmask = M_DAY;
        }
        st->text_month = true;
        st->tm.month = k->value;
        return ERR_NONE;
    case K_SPECIAL:
        switch (k->value) {
        case SP_EPOCH: st->out->special = DT_EPOCH; *tmask = M_DATE | M_TIME | M_TZ | M_SPECIAL; return ERR_NONE;
        case SP_LATE: st->out->special = DT_LATE; *tmask = M_DATE | M_TIME | M_TZ | M_SPECIAL; return ERR_NONE;
        case SP_EARLY: st->out->special = DT_EARLY; *tmask = M_DATE | M_TIME | M_TZ | M_SPECIAL; return ERR_NONE;
        case SP_NOW: st->out->special = DT_NOW; *tmask = M_DATE | M_TIME | M_TZ | M_SPECIAL; return ERR_NONE;
        case SP_TODAY:
        case SP_TOMORROW:
        case SP_YESTERDAY:
            today_fields(st->s, k->value == SP_TODAY ? 0 : k->value == SP_TOMORROW ? 1 : -1, &st->tm);
            *tmask = M_DATE;
            st->julian = true;   /* the year is final */
            return ERR_NONE;
        case SP_ALLBALLS:
            *tmask = M_TIME | M_TZ;
            st->tm.hour = st->tm.minute = st->tm.second = 0;
            st->tm.usec = 0;
            st->out->has_tz = true;
            st->out->tz_offset = 0;
            return ERR_NONE;
        }
        break;
    }
    return ERR_FORMAT;
}

/* A zone name with punctuation ("america/new_york", or a POSIX spec such as "utc+3"). */
static int decode_zone_name(const char *text, state *st, int *tmask)
{
    const tz_info *z = tz_lookup(text);
    if (!z)
        return ERR_TZNAME;
    st->named = z;
    st->dyn_abbrev = NULL;
    st->out->has_tz = true;
    *tmask = M_TZ;
    return ERR_NONE;
}

/* Run-together time with a trailing zone: "hhmmss-zz" (DecodeDateTime / DecodeTimeOnly). */
static int decode_time_with_zone(const char *text, state *st, int *tmask)
{
    if ((st->fmask & M_TIME) == M_TIME)
        return ERR_FORMAT;
    const char *dash = strchr(text, '-');
    if (!dash)
        return ERR_FORMAT;
    int east;
    int r = decode_tz(dash, &east);
    if (r)
        return r;
    char digits[64];
    size_t len = (size_t)(dash - text);
    if (len >= sizeof digits)
        return ERR_FORMAT;
    memcpy(digits, text, len);
    digits[len] = 0;
    int saved = st->fmask;
    st->fmask |= M_DATE;
    r = decode_number_field(digits, st, tmask);
    st->fmask = saved;
    if (r)
        return r;
    st->out->has_tz = true;
    st->out->tz_offset = east;
    st->named = NULL;
    st->dyn_abbrev = NULL;
    st->ptype = 0;
    *tmask |= M_TZ;
    return ERR_NONE;
}

static int decode_fields(fields *f, state *st)
{
    for (int i = 0; i < f->n; i++) {
        const char *text = f->text[i];
        int tmask = 0, r = ERR_NONE;
        switch (f->type[i]) {
        case F_DATE:
            if (st->ptype == K_JULIAN) {
                return ERR_FORMAT;
            } else if (st->mode == DT_MODE_TIME && i == 0 && f->n >= 2 &&
                       (f->type[f->n - 1] == F_DATE || f->type[1] == F_TIME)) {
                /* DecodeTimeOnly takes a leading date only in these shapes */
                r = decode_date(text, st, &tmask);
            } else if (st->mode == DT_MODE_TIME || st->ptype ||
                       (st->fmask & (M_MONTH | M_DAY)) == (M_MONTH | M_DAY)) {
                if (types_isdigit(text[0]) || st->ptype)
                    r = decode_time_with_zone(text, st, &tmask);
                else
                    r = decode_zone_name(text, st, &tmask);
            } else {
                r = decode_date(text, st, &tmask);
            }
            break;
        case F_TIME:
            if (st->ptype) {
                if (st->ptype != K_ISOTIME)
                    return ERR_FORMAT;
                st->ptype = 0;
            }
            r = decode_time(text, st);
            if (!r && time_overflows(&st->tm))
                r = ERR_FIELD;
            tmask = M_TIME;
            break;
        case F_TZ: {
            int east;
            r = decode_tz(text, &east);
            if (!r) {
                st->out->has_tz = true;
                st->out->tz_offset = east;
                st->named = NULL;
                st->dyn_abbrev = NULL;
                tmask = M_TZ;
            }
            break;
        }
        case F_NUMBER:
            if (st->ptype) {
                if (st->ptype == K_JULIAN) {
                    const char *cp;
                    int jd = read_int(text, &cp);
                    if (*cp != 0 && *cp != '.')
                        return ERR_FORMAT;
                    if (jd < 0)
                        return ERR_FIELD;
                    types_j2date(jd, &st->tm.year, &st->tm.month, &st->tm.day);
                    st->julian = true;
                    tmask = M_DATE;
                } else {
                    /* ISO "t" followed by run-together time */
                    int saved = st->fmask;
                    st->fmask |= M_DATE;
                    r = decode_number_field(text, st, &tmask);
                    st->fmask = saved;
                    if (!r && tmask != M_TIME)
                        r = ERR_FORMAT;
                }
                st->ptype = 0;
            } else {
                size_t flen = strlen(text);
                const char *dot = strchr(text, '.');
                if (st->mode == DT_MODE_TIME) {
                    /* DecodeTimeOnly: run-together digits are a time, never a date */
                    int saved = st->fmask;
                    st->fmask |= M_DATE;
                    if (dot)
                        r = flen - strlen(dot) > 2 ? decode_number_field(text, st, &tmask) : ERR_FORMAT;
                    else if (flen > 4)
                        r = decode_number_field(text, st, &tmask);
                    st->fmask = saved;
                    if (!dot && flen <= 4)
                        r = decode_number(text, st, st->fmask, &tmask);
                } else if (dot && !(st->fmask & M_DATE)) {
                    r = decode_date(text, st, &tmask);
                } else if (dot && flen - strlen(dot) > 2) {
                    r = decode_number_field(text, st, &tmask);
                } else if (flen >= 6 && (!(st->fmask & M_DATE) || !(st->fmask & M_TIME))) {
                    r = decode_number_field(text, st, &tmask);
                } else {
                    r = decode_number(text, st, st->fmask, &tmask);
                }
            }
            break;
        case F_STRING:
        case F_SPECIAL:
            r = decode_string(text, f->type[i], st, &tmask);
            if (!r && (tmask & M_SPECIAL) && f->n > 1)
                return ERR_FORMAT;
            tmask &= ~M_SPECIAL;
            break;
        }
        if (r)
            return r;
        if (tmask & st->fmask)
            return ERR_FORMAT;
        st->fmask |= tmask;
    }
    return ERR_NONE;
}

bool types_dt_err_field(pg_error *err, const char *p, size_t n, bool md_hint)
{
    pg_error_set(err, "22008", "date/time field value out of range: \"%.*s\"", (int)n, p);
    if (md_hint)
        pg_error_hint(err, "Perhaps you need a different \"datestyle\" setting.");
    return false;
}

static bool report(int code, const char *p, size_t n, const char *type_name, const char *tzname, pg_error *err)
{
    switch (code) {
    case ERR_FIELD: return types_dt_err_field(err, p, n, false);
    case ERR_MD_FIELD: return types_dt_err_field(err, p, n, true);
    case ERR_TZDISP:
        pg_error_set(err, "22009", "time zone displacement out of range: \"%.*s\"", (int)n, p);
        return false;
    case ERR_TZNAME:
        pg_error_set(err, "22023", "time zone \"%s\" not recognized", tzname ? tzname : "");
        return false;
    default:
        pg_error_set(err, "22007", "invalid input syntax for type %s: \"%.*s\"", type_name, (int)n, p);
        return false;
    }
}

bool types_dt_parse(const type_settings *s, const char *p, size_t n, dt_mode mode, const char *type_name,
                    dt_parsed *out, pg_error *err)
{
    fields f;
    memset(out, 0, sizeof *out);
    state st;
    memset(&st, 0, sizeof st);
    st.s = s;
    st.mode = mode;
    st.mer = -1;
    st.out = out;
    if (n > 128 || memchr(p, 0, n))   /* MAXDATELEN */
        return report(ERR_FORMAT, p, n, type_name, NULL, err);
    int r = split_fields(p, n, &f);
    if (!r && f.n == 0)
        r = ERR_FORMAT;
    if (!r) {
        r = decode_fields(&f, &st);
        if (r == ERR_TZNAME) {
            for (int i = 0; i < f.n; i++) {
                if (f.type[i] == F_DATE && is_alpha(f.text[i][0]))
                    return report(r, p, n, type_name, f.text[i], err);
            }
        }
    }
    if (r)
        return report(r, p, n, type_name, NULL, err);
    if (out->special != DT_VALUE)
        return true;
    if (st.ptype)
        return report(ERR_FORMAT, p, n, type_name, NULL, err);
    if ((r = validate_date(&st)))
        return report(r, p, n, type_name, NULL, err);
    if (st.mer >= 0 && st.tm.hour > 12)
        return report(ERR_FIELD, p, n, type_name, NULL, err);
    if (st.mer == 0 && st.tm.hour == 12)
        st.tm.hour = 0;
    else if (st.mer == 1 && st.tm.hour != 12)
        st.tm.hour += 12;
    /* DecodeTimeOnly checks the result; DecodeDateTime only colon-form times (a run-together
     * "246000" rolls over into the next day there). */
    if (mode == DT_MODE_TIME && time_overflows(&st.tm))
        return report(ERR_FIELD, p, n, type_name, NULL, err);
    out->has_date = (st.fmask & M_DATE) == M_DATE;
    out->has_time = (st.fmask & M_TIME) != 0;
    if (mode == DT_MODE_DATETIME && !out->has_date)
        return report(ERR_FORMAT, p, n, type_name, NULL, err);
    if (mode == DT_MODE_TIME && (st.fmask & M_TIME) != M_TIME && !(st.fmask & M_HOUR))
        return report(ERR_FORMAT, p, n, type_name, NULL, err);
    out->tm = st.tm;
    out->tz_zone = st.named;
    out->tz_abbrev_name = st.dyn_abbrev ? st.dyn_abbrev->name : NULL;
    /* A named zone in a time-only value needs a date to pick its offset. */
    if (mode == DT_MODE_TIME && st.named && !out->has_date)
        return report(ERR_FORMAT, p, n, type_name, NULL, err);
    return true;
}
