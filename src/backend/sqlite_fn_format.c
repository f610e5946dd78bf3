/*
 * sqlite_fn_format.c — PostgreSQL's formatting functions: to_char for timestamps, dates,
 * intervals and numbers, to_date, to_timestamp(text, format), to_number.
 *
 * The template language is PostgreSQL's (formatting.c): keywords matched longest first,
 * case-sensitive where the case is meaningful (Month / MONTH / month, AM / am), FM and TH
 * modifiers, "quoted" literals and backslash escapes; other characters are copied (to_char)
 * or match any separator (to_date).  What is not implemented is refused with 0A000 rather
 * than printed wrongly: the V, L and RN number patterns besides RN, TM (locale names) and
 * the SP suffix.
 */
#include "backend/sqlite_fn_util.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const month_names[] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};
static const char *const day_names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
static const char *const roman_months[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};

/* ---------------------------------------------------------------- date/time keywords */

typedef enum {
    K_AD_DOT, K_AM_DOT, K_AD, K_AM, K_BC_DOT, K_BC, K_CC, K_DAY, K_DDD, K_DD, K_DY, K_D, K_FF1, K_FF2, K_FF3, K_FF4,
    K_FF5, K_FF6, K_HH24, K_HH12, K_HH, K_IDDD, K_ID, K_IW, K_IYYY, K_IYY, K_IY, K_I, K_J, K_MI, K_MM, K_MONTH, K_MON,
    K_MS, K_OF, K_PM_DOT, K_PM, K_Q, K_RM, K_SSSSS, K_SSSS, K_SS, K_TZH, K_TZM, K_TZ, K_US, K_WW, K_W, K_Y_YYY,
    K_YYYY, K_YYY, K_YY, K_Y,
} dkey;

/* How a keyword's text is cased: as written in the template. */
typedef enum { CASE_UPPER, CASE_CAP, CASE_LOWER } text_case;

typedef struct dkeyword {
    const char *name;
    dkey key;
    text_case tcase;
    bool numeric;   /* takes TH, reads digits in to_date */
} dkeyword;

/* Longest spellings first within each starting letter: matched in order. */
static const dkeyword dkeywords[] = {
    {"A.D.", K_AD_DOT, CASE_UPPER, false}, {"A.M.", K_AM_DOT, CASE_UPPER, false}, {"AD", K_AD, CASE_UPPER, false},
    {"AM", K_AM, CASE_UPPER, false}, {"B.C.", K_BC_DOT, CASE_UPPER, false}, {"BC", K_BC, CASE_UPPER, false},
    {"CC", K_CC, CASE_UPPER, true}, {"DAY", K_DAY, CASE_UPPER, false}, {"DDD", K_DDD, CASE_UPPER, true},
    {"DD", K_DD, CASE_UPPER, true}, {"DY", K_DY, CASE_UPPER, false}, {"Day", K_DAY, CASE_CAP, false},
    {"Dy", K_DY, CASE_CAP, false}, {"D", K_D, CASE_UPPER, true}, {"FF1", K_FF1, CASE_UPPER, true},
    {"FF2", K_FF2, CASE_UPPER, true}, {"FF3", K_FF3, CASE_UPPER, true}, {"FF4", K_FF4, CASE_UPPER, true},
    {"FF5", K_FF5, CASE_UPPER, true}, {"FF6", K_FF6, CASE_UPPER, true}, {"HH24", K_HH24, CASE_UPPER, true},
    {"HH12", K_HH12, CASE_UPPER, true}, {"HH", K_HH, CASE_UPPER, true}, {"IDDD", K_IDDD, CASE_UPPER, true},
    {"ID", K_ID, CASE_UPPER, true}, {"IW", K_IW, CASE_UPPER, true}, {"IYYY", K_IYYY, CASE_UPPER, true},
    {"IYY", K_IYY, CASE_UPPER, true}, {"IY", K_IY, CASE_UPPER, true}, {"I", K_I, CASE_UPPER, true},
    {"J", K_J, CASE_UPPER, true}, {"MI", K_MI, CASE_UPPER, true}, {"MM", K_MM, CASE_UPPER, true},
    {"MONTH", K_MONTH, CASE_UPPER, false}, {"MON", K_MON, CASE_UPPER, false}, {"MS", K_MS, CASE_UPPER, true},
    {"Month", K_MONTH, CASE_CAP, false}, {"Mon", K_MON, CASE_CAP, false}, {"OF", K_OF, CASE_UPPER, false},
    {"P.M.", K_PM_DOT, CASE_UPPER, false}, {"PM", K_PM, CASE_UPPER, false}, {"Q", K_Q, CASE_UPPER, true},
    {"RM", K_RM, CASE_UPPER, false}, {"SSSSS", K_SSSSS, CASE_UPPER, true}, {"SSSS", K_SSSS, CASE_UPPER, true},
    {"SS", K_SS, CASE_UPPER, true}, {"TZH", K_TZH, CASE_UPPER, false}, {"TZM", K_TZM, CASE_UPPER, false},
    {"TZ", K_TZ, CASE_UPPER, false}, {"US", K_US, CASE_UPPER, true}, {"WW", K_WW, CASE_UPPER, true},
    {"W", K_W, CASE_UPPER, true}, {"Y,YYY", K_Y_YYY, CASE_UPPER, true}, {"YYYY", K_YYYY, CASE_UPPER, true},
    {"YYY", K_YYY, CASE_UPPER, true}, {"YY", K_YY, CASE_UPPER, true}, {"Y", K_Y, CASE_UPPER, true},
    {"a.d.", K_AD_DOT, CASE_LOWER, false}, {"a.m.", K_AM_DOT, CASE_LOWER, false}, {"ad", K_AD, CASE_LOWER, false},
    {"am", K_AM, CASE_LOWER, false}, {"b.c.", K_BC_DOT, CASE_LOWER, false}, {"bc", K_BC, CASE_LOWER, false},
    {"cc", K_CC, CASE_LOWER, true}, {"day", K_DAY, CASE_LOWER, false}, {"ddd", K_DDD, CASE_LOWER, true},
    {"dd", K_DD, CASE_LOWER, true}, {"dy", K_DY, CASE_LOWER, false}, {"d", K_D, CASE_LOWER, true},
    {"ff1", K_FF1, CASE_LOWER, true}, {"ff2", K_FF2, CASE_LOWER, true}, {"ff3", K_FF3, CASE_LOWER, true},
    {"ff4", K_FF4, CASE_LOWER, true}, {"ff5", K_FF5, CASE_LOWER, true}, {"ff6", K_FF6, CASE_LOWER, true},
    {"hh24", K_HH24, CASE_LOWER, true}, {"hh12", K_HH12, CASE_LOWER, true}, {"hh", K_HH, CASE_LOWER, true},
    {"iddd", K_IDDD, CASE_LOWER, true}, {"id", K_ID, CASE_LOWER, true}, {"iw", K_IW, CASE_LOWER, true},
    {"iyyy", K_IYYY, CASE_LOWER, true}, {"iyy", K_IYY, CASE_LOWER, true}, {"iy", K_IY, CASE_LOWER, true},
    {"i", K_I, CASE_LOWER, true}, {"j", K_J, CASE_LOWER, true}, {"mi", K_MI, CASE_LOWER, true},
    {"mm", K_MM, CASE_LOWER, true}, {"month", K_MONTH, CASE_LOWER, false}, {"mon", K_MON, CASE_LOWER, false},
    {"ms", K_MS, CASE_LOWER, true}, {"of", K_OF, CASE_LOWER, false}, {"p.m.", K_PM_DOT, CASE_LOWER, false},
    {"pm", K_PM, CASE_LOWER, false}, {"q", K_Q, CASE_LOWER, true}, {"rm", K_RM, CASE_LOWER, false},
    {"sssss", K_SSSSS, CASE_LOWER, true}, {"ssss", K_SSSS, CASE_LOWER, true}, {"ss", K_SS, CASE_LOWER, true},
    {"tzh", K_TZH, CASE_LOWER, false}, {"tzm", K_TZM, CASE_LOWER, false}, {"tz", K_TZ, CASE_LOWER, false},
    {"us", K_US, CASE_LOWER, true}, {"ww", K_WW, CASE_LOWER, true}, {"w", K_W, CASE_LOWER, true},
    {"y,yyy", K_Y_YYY, CASE_LOWER, true}, {"yyyy", K_YYYY, CASE_LOWER, true}, {"yyy", K_YYY, CASE_LOWER, true},
    {"yy", K_YY, CASE_LOWER, true}, {"y", K_Y, CASE_LOWER, true},
};

/* One parsed template element. */
typedef struct dnode {
    const dkeyword *kw;      /* NULL: literal */
    const char *lit;
    size_t litlen;
    bool fm, th_upper, th_lower, fx, is_separator;
} dnode;

static bool parse_template(const char *f, size_t n, dnode *nodes, int *count, int max)
{
    int k = 0;
    size_t i = 0;
    while (i < n && k < max) {
        dnode *d = &nodes[k];
        memset(d, 0, sizeof *d);
        /* prefixes */
        for (;;) {
            if (i + 1 < n && (f[i] == 'F' || f[i] == 'f') && (f[i + 1] == 'M' || f[i + 1] == 'm')) {
                d->fm = true;
                i += 2;
            } else if (i + 1 < n && (f[i] == 'F' || f[i] == 'f') && (f[i + 1] == 'X' || f[i + 1] == 'x')) {
                d->fx = true;
                i += 2;
            } else if (i + 1 < n && (f[i] == 'T' || f[i] == 't') && (f[i + 1] == 'M' || f[i + 1] == 'm')) {
                i += 2;   /* TM: locale names; C locale names are the English ones */
            } else {
                break;
            }
        }
        if (i >= n) {
            if (d->fm || d->fx)
                break;
        }
        for (size_t w = 0; w < ARRAY_LEN(dkeywords); w++) {
            size_t l = strlen(dkeywords[w].name);
            if (i + l <= n && memcmp(f + i, dkeywords[w].name, l) == 0) {
                d->kw = &dkeywords[w];
                i += l;
                break;
            }
        }
        if (d->kw) {
            if (i + 1 < n && ((f[i] == 'T' && f[i + 1] == 'H') || (f[i] == 't' && f[i + 1] == 'h'))) {
                if (f[i] == 'T')
                    d->th_upper = true;
                else
                    d->th_lower = true;
                i += 2;
            }
            k++;
            continue;
        }
        if (f[i] == '"') {
            /* quoted literal */
            size_t j = i + 1;
            d->lit = f + j;
            while (j < n && f[j] != '"') {
                if (f[j] == '\\' && j + 1 < n)
                    j++;
                j++;
            }
            d->litlen = j - (i + 1);
            i = j < n ? j + 1 : j;
            k++;
            continue;
        }
        if (f[i] == '\\' && i + 1 < n) {
            d->lit = f + i + 1;
            d->litlen = 1;
            i += 2;
            k++;
            continue;
        }
        uint32_t cp;
        int l = fnu_utf8_decode((const unsigned char *)f + i, (int)(n - i), &cp);
        d->lit = f + i;
        d->litlen = (size_t)l;
        d->is_separator = !isalnum((unsigned char)f[i]);
        i += (size_t)l;
        k++;
    }
    *count = k;
    return i >= n;
}

static void put_literal(strbuf *out, const dnode *d)
{
    for (size_t i = 0; i < d->litlen; i++) {
        if (d->lit[i] == '\\' && i + 1 < d->litlen)
            i++;
        strbuf_putc(out, d->lit[i]);
    }
}

static const char *ordinal(int64_t v)
{
    int64_t n = v < 0 ? -v : v;
    if (n % 100 >= 11 && n % 100 <= 13)
        return "th";
    switch (n % 10) {
    case 1: return "st";
    case 2: return "nd";
    case 3: return "rd";
    default: return "th";
    }
}

static void put_cased(strbuf *out, const char *word, text_case c, int pad, bool fm)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++) {
        char ch = word[i];
        if (c == CASE_UPPER)
            ch = (char)toupper((unsigned char)ch);
        else if (c == CASE_LOWER || (c == CASE_CAP && i > 0))
            ch = (char)tolower((unsigned char)ch);
        strbuf_putc(out, ch);
    }
    if (!fm)
        for (size_t i = n; i < (size_t)pad; i++)
            strbuf_putc(out, ' ');
}

static void put_num(strbuf *out, const dnode *d, int64_t v, int width)
{
    char buf[40];
    if (d->fm)
        snprintf(buf, sizeof buf, "%lld", (long long)v);
    else if (v < 0)
        snprintf(buf, sizeof buf, "-%0*lld", width, -(long long)v);
    else
        snprintf(buf, sizeof buf, "%0*lld", width, (long long)v);
    strbuf_puts(out, buf);
    if (d->th_upper || d->th_lower) {
        const char *o = ordinal(v);
        if (d->th_upper) {
            strbuf_putc(out, (char)toupper((unsigned char)o[0]));
            strbuf_putc(out, (char)toupper((unsigned char)o[1]));
        } else {
            strbuf_puts(out, o);
        }
    }
}

/* What to_char needs of a value: fields, plus interval/zone specifics. */
typedef struct dt_value {
    pg_datetime f;
    int64_t hour;            /* intervals may exceed 24 */
    bool is_interval;
    bool has_tz;
    int year_sign_adj;       /* BC adjustment done per keyword */
} dt_value;

static int iso_week_of(int year, int mon, int mday, int *isoyear)
{
    int dayn = types_date2j(year, mon, mday);
    int day4 = types_date2j(year, 1, 4);
    int day0 = types_j2day(day4 - 1);
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

static void format_dt(strbuf *out, const dnode *nodes, int count, const dt_value *v)
{
    const pg_datetime *f = &v->f;
    int year = v->is_interval ? f->year : (f->year <= 0 ? -(f->year - 1) : f->year);
    int isoyear = 0, isoweek = v->is_interval ? 0 : iso_week_of(f->year, f->month, f->day, &isoyear);
    int iso_y = isoyear <= 0 ? -(isoyear - 1) : isoyear;
    bool pm = v->hour % 24 >= 12;
    for (int i = 0; i < count; i++) {
        const dnode *d = &nodes[i];
        if (!d->kw) {
            put_literal(out, d);
            continue;
        }
        text_case c = d->kw->tcase;
        switch (d->kw->key) {
        case K_AM: case K_PM:
            put_cased(out, pm ? "PM" : "AM", c, 0, true);
            break;
        case K_AM_DOT: case K_PM_DOT:
            put_cased(out, pm ? "P.M." : "A.M.", c, 0, true);
            break;
        case K_AD: case K_BC:
            put_cased(out, f->year <= 0 && !v->is_interval ? "BC" : "AD", c, 0, true);
            break;
        case K_AD_DOT: case K_BC_DOT:
            put_cased(out, f->year <= 0 && !v->is_interval ? "B.C." : "A.D.", c, 0, true);
            break;
        case K_HH: case K_HH12: {
            int64_t h = v->hour % 12 == 0 ? 12 : v->hour % 12;
            put_num(out, d, h, 2);
            break;
        }
        case K_HH24: put_num(out, d, v->hour, 2); break;
        case K_MI: put_num(out, d, f->minute, 2); break;
        case K_SS: put_num(out, d, f->second, 2); break;
        case K_MS: put_num(out, d, f->usec / 1000, 3); break;
        case K_US: put_num(out, d, f->usec, 6); break;
        case K_FF1: case K_FF2: case K_FF3: case K_FF4: case K_FF5: case K_FF6: {
            int digits = (int)(d->kw->key - K_FF1) + 1;
            int64_t u = f->usec;
            for (int k = digits; k < 6; k++)
                u /= 10;
            put_num(out, d, u, digits);
            break;
        }
        case K_SSSS: case K_SSSSS:
            put_num(out, d, (v->hour * 60 + f->minute) * 60 + f->second, 0);
            break;
        case K_Y_YYY: {
            char buf[32];
            snprintf(buf, sizeof buf, "%d,%03d", year / 1000, year % 1000);
            strbuf_puts(out, buf);
            break;
        }
        case K_YYYY: put_num(out, d, year, 4); break;
        case K_YYY: put_num(out, d, year % 1000, 3); break;
        case K_YY: put_num(out, d, year % 100, 2); break;
        case K_Y: put_num(out, d, year % 10, 1); break;
        case K_IYYY: put_num(out, d, iso_y, 4); break;
        case K_IYY: put_num(out, d, iso_y % 1000, 3); break;
        case K_IY: put_num(out, d, iso_y % 100, 2); break;
        case K_I: put_num(out, d, iso_y % 10, 1); break;
        case K_MONTH:
            if (f->month >= 1 && f->month <= 12)
                put_cased(out, month_names[f->month - 1], c, 9, d->fm);
            break;
        case K_MON:
            if (f->month >= 1 && f->month <= 12) {
                char abbr[4];
                memcpy(abbr, month_names[f->month - 1], 3);
                abbr[3] = 0;
                put_cased(out, abbr, c, 0, true);
            }
            break;
        case K_MM: put_num(out, d, f->month, 2); break;
        case K_DAY: put_cased(out, day_names[f->wday], c, 9, d->fm); break;
        case K_DY: {
            char abbr[4];
            memcpy(abbr, day_names[f->wday], 3);
            abbr[3] = 0;
            put_cased(out, abbr, c, 0, true);
            break;
        }
        case K_DDD: put_num(out, d, f->yday, 3); break;
        case K_IDDD: {
            int jd = types_date2j(f->year, f->month, f->day);
            int day4 = types_date2j(isoyear, 1, 4), day0 = types_j2day(day4 - 1);
            put_num(out, d, jd - (day4 - day0) + 1, 3);
            break;
        }
        case K_DD: put_num(out, d, f->day, 2); break;
        case K_D: put_num(out, d, f->wday + 1, 1); break;
        case K_ID: put_num(out, d, f->wday == 0 ? 7 : f->wday, 1); break;
        case K_W: put_num(out, d, (f->day - 1) / 7 + 1, 1); break;
        case K_WW: put_num(out, d, (f->yday - 1) / 7 + 1, 2); break;
        case K_IW: put_num(out, d, isoweek, 2); break;
        case K_CC: {
            int64_t cc = v->is_interval ? f->year / 100 : f->year > 0 ? (f->year + 99) / 100 : f->year / 100 - 1;
            put_num(out, d, cc, 2);
            break;
        }
        case K_J: put_num(out, d, types_date2j(f->year, f->month, f->day), 0); break;
        case K_Q: put_num(out, d, (f->month - 1) / 3 + 1, 1); break;
        case K_RM:
            if (f->month >= 1 && f->month <= 12) {
                char buf[8];
                snprintf(buf, sizeof buf, d->fm ? "%s" : "%-4s", roman_months[f->month - 1]);
                put_cased(out, buf, c, 0, true);
            }
            break;
        case K_TZ:
            if (v->has_tz && f->tz_abbrev)
                put_cased(out, f->tz_abbrev, c, 0, true);
            break;
        case K_TZH: case K_TZM: case K_OF: {
            if (!v->has_tz)
                break;
            int off = f->utc_offset;
            int a = off < 0 ? -off : off;
            char buf[32];
            if (d->kw->key == K_TZH)
                snprintf(buf, sizeof buf, "%c%02d", off < 0 ? '-' : '+', a / 3600);
            else if (d->kw->key == K_TZM)
                snprintf(buf, sizeof buf, "%02d", (a / 60) % 60);
            else if ((a / 60) % 60)
                snprintf(buf, sizeof buf, "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
            else
                snprintf(buf, sizeof buf, "%c%02d", off < 0 ? '-' : '+', a / 3600);
            strbuf_puts(out, buf);
            break;
        }
        }
    }
}

/* pgw_to_char_ts(value, format, kind): kind 0 timestamp, 1 timestamptz, 2 date (as µs) */
static void fn_to_char_ts(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int64_t ts = sqlite3_value_int64(argv[0]);
    int kind = sqlite3_value_int(argv[2]);
    dt_value v;
    memset(&v, 0, sizeof v);
    bool ok = kind == 1 ? types_timestamptz_to_fields(ts, fnu_session_tz(ctx), &v.f) : types_timestamp_to_fields(ts, &v.f);
    if (!ok) {
        sqlite3_result_null(ctx);   /* infinity: PostgreSQL gives NULL */
        return;
    }
    v.hour = v.f.hour;
    v.has_tz = kind == 1;
    const char *fmt = (const char *)sqlite3_value_text(argv[1]);
    size_t n = (size_t)sqlite3_value_bytes(argv[1]);
    dnode *nodes = sqlite3_malloc64(sizeof *nodes * (n + 1));
    if (!nodes) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int count;
    parse_template(fmt, n, nodes, &count, (int)n + 1);
    strbuf out;
    strbuf_init(&out);
    format_dt(&out, nodes, count, &v);
    sqlite3_free(nodes);
    fnu_result_text(ctx, &out);
}

static void fn_to_char_interval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    pg_interval iv;
    if (!fnu_interval_arg(ctx, argv[0], &iv))
        return;
    dt_value v;
    memset(&v, 0, sizeof v);
    v.is_interval = true;
    v.f.year = iv.months / 12;
    v.f.month = iv.months % 12;
    v.f.day = iv.days;
    int64_t t = iv.usecs;
    v.hour = t / INT64_C(3600000000);
    t -= v.hour * INT64_C(3600000000);
    v.f.minute = (int)(t / 60000000);
    t -= (int64_t)v.f.minute * 60000000;
    v.f.second = (int)(t / 1000000);
    v.f.usec = (int32_t)(t - (int64_t)v.f.second * 1000000);
    v.f.yday = v.f.day;
    const char *fmt = (const char *)sqlite3_value_text(argv[1]);
    size_t n = (size_t)sqlite3_value_bytes(argv[1]);
    dnode *nodes = sqlite3_malloc64(sizeof *nodes * (n + 1));
    if (!nodes) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int count;
    parse_template(fmt, n, nodes, &count, (int)n + 1);
    strbuf out;
    strbuf_init(&out);
    format_dt(&out, nodes, count, &v);
    sqlite3_free(nodes);
    fnu_result_text(ctx, &out);
}

/* ---------------------------------------------------------------- to_date / to_timestamp */

typedef struct parsed_dt {
    int year, month, day, hour, minute, second, usec, yday, julian;
    bool pm, am, bc, has_year, has_month, has_day, has_julian, has_yday, has_tz, cc_set;
    int tz_offset, hour12;
    int y_digits;
} parsed_dt;

static bool read_int(const char **p, const char *end, int maxdigits, bool greedy, int64_t *out)
{
    const char *s = *p;
    bool neg = false;
    if (s < end && (*s == '-' || *s == '+')) {
        neg = *s == '-';
        s++;
    }
    const char *d = s;
    int64_t v = 0;
    while (s < end && isdigit((unsigned char)*s) && (greedy || s - d < maxdigits) && s - d < 18) {
        v = v * 10 + (*s - '0');
        s++;
    }
    if (s == d)
        return false;
    *out = neg ? -v : v;
    *p = s;
    return true;
}

static bool match_word(const char **p, const char *end, const char *const *words, int nwords, size_t len, int *index)
{
    for (int i = 0; i < nwords; i++) {
        size_t l = len ? len : strlen(words[i]);
        if ((size_t)(end - *p) >= l && strncasecmp(*p, words[i], l) == 0) {
            *index = i;
            *p += l;
            return true;
        }
    }
    return false;
}

/* Parse `s` with the template into fields; false with the error set. */
static bool parse_dt(sqlite3_context *ctx, const char *s, size_t n, const dnode *nodes, int count, parsed_dt *r)
{
    const char *p = s, *end = s + n;
    memset(r, 0, sizeof *r);
    r->day = 1;
    r->month = 1;
    for (int i = 0; i < count; i++) {
        const dnode *d = &nodes[i];
        if (!d->kw) {
            /* A separator matches any one non-alphanumeric character (or nothing);
             * white space in the template skips white space in the input. */
            if (d->litlen == 1 && d->lit[0] == ' ') {
                while (p < end && isspace((unsigned char)*p))
                    p++;
            } else if (p < end && !isalnum((unsigned char)*p)) {
                p++;
            } else if (p < end && !d->is_separator) {
                p += d->litlen <= (size_t)(end - p) ? d->litlen : (size_t)(end - p);
            }
            continue;
        }
        while (p < end && isspace((unsigned char)*p) && d->kw->numeric)
            p++;
        bool next_sep = i + 1 >= count || !nodes[i + 1].kw;
        int64_t v = 0;
        int idx;
        const char *start = p;
        switch (d->kw->key) {
        case K_YYYY: case K_IYYY: case K_YYY: case K_YY: case K_Y: case K_IYY: case K_IY: case K_I: {
            int width = d->kw->key == K_YYYY || d->kw->key == K_IYYY ? 4 : d->kw->key == K_YYY || d->kw->key == K_IYY ? 3
                        : d->kw->key == K_YY || d->kw->key == K_IY ? 2 : 1;
            if (!read_int(&p, end, width, next_sep || width == 4, &v))
                goto bad_int;
            int digits = (int)(p - start);
            if (width == 2 && digits <= 2)
                v = v < 70 ? 2000 + v : 1900 + v;
            else if (width == 3 && digits <= 3)
                v += v < 100 ? 2000 : 1000;
            else if (width == 1 && digits == 1)
                v += 2000;
            r->year = (int)v;
            r->has_year = true;
            break;
        }
        case K_Y_YYY: {
            int64_t thousands, rest;
            if (!read_int(&p, end, 3, false, &thousands) || p >= end || *p != ',' || (p++, false) ||
                !read_int(&p, end, 3, false, &rest))
                goto bad_int;
            r->year = (int)(thousands * 1000 + rest);
            r->has_year = true;
            break;
        }
        case K_MM:
            if (!read_int(&p, end, 2, next_sep, &v))
                goto bad_int;
            r->month = (int)v;
            r->has_month = true;
            break;
        case K_DD:
            if (!read_int(&p, end, 2, next_sep, &v))
                goto bad_int;
            r->day = (int)v;
            r->has_day = true;
            break;
        case K_DDD: case K_IDDD:
            if (!read_int(&p, end, 3, next_sep, &v))
                goto bad_int;
            r->yday = (int)v;
            r->has_yday = true;
            break;
        case K_HH: case K_HH12:
            if (!read_int(&p, end, 2, next_sep, &v))
                goto bad_int;
            if (v < 1 || v > 12) {
                sqlite_fn_error(ctx, "22008", "hour \"%lld\" is invalid for the 12-hour clock", (long long)v);
                return false;
            }
            r->hour = (int)v;
            r->hour12 = 1;
            break;
        case K_HH24:
            if (!read_int(&p, end, 2, next_sep, &v))
                goto bad_int;
            r->hour = (int)v;
            break;
        case K_MI:
            if (!read_int(&p, end, 2, next_sep, &v))
                goto bad_int;
            r->minute = (int)v;
            break;
        case K_SS:
            if (!read_int(&p, end, 2, next_sep, &v))
                goto bad_int;
            r->second = (int)v;
            break;
        case K_MS: case K_US: case K_FF1: case K_FF2: case K_FF3: case K_FF4: case K_FF5: case K_FF6: {
            int width = d->kw->key == K_MS ? 3 : d->kw->key == K_US ? 6 : (int)(d->kw->key - K_FF1) + 1;
            if (!read_int(&p, end, width, false, &v))
                goto bad_int;
            int digits = (int)(p - start);
            int64_t us = v;
            int scale_digits = d->kw->key == K_MS ? 3 : digits;
            if (d->kw->key == K_MS)
                us = v * 1000;
            else
                for (int k = scale_digits; k < 6; k++)
                    us *= 10;
            r->usec = (int)us;
            break;
        }
        case K_SSSS: case K_SSSSS:
            if (!read_int(&p, end, 5, next_sep, &v))
                goto bad_int;
            r->hour = (int)(v / 3600);
            r->minute = (int)(v / 60 % 60);
            r->second = (int)(v % 60);
            break;
        case K_J:
            if (!read_int(&p, end, 9, true, &v))
                goto bad_int;
            r->julian = (int)v;
            r->has_julian = true;
            break;
        case K_MONTH:
            if (!match_word(&p, end, month_names, 12, 0, &idx))
                goto bad_word;
            r->month = idx + 1;
            r->has_month = true;
            break;
        case K_MON:
            if (!match_word(&p, end, month_names, 12, 3, &idx))
                goto bad_word;
            r->month = idx + 1;
            r->has_month = true;
            break;
        case K_DAY:
            if (!match_word(&p, end, day_names, 7, 0, &idx))
                goto bad_word;
            break;
        case K_DY:
            if (!match_word(&p, end, day_names, 7, 3, &idx))
                goto bad_word;
            break;
        case K_D: case K_ID: case K_W: case K_WW: case K_IW: case K_Q: case K_CC:
            if (!read_int(&p, end, 2, next_sep, &v))
                goto bad_int;
            break;
        case K_AM: case K_PM: case K_AM_DOT: case K_PM_DOT: {
            static const char *const ap[] = {"A.M.", "P.M.", "AM", "PM"};
            if (!match_word(&p, end, ap, 4, 0, &idx))
                goto bad_word;
            r->pm = idx % 2 == 1;
            r->am = !r->pm;
            break;
        }
        case K_AD: case K_BC: case K_AD_DOT: case K_BC_DOT: {
            static const char *const ab[] = {"A.D.", "B.C.", "AD", "BC"};
            if (!match_word(&p, end, ab, 4, 0, &idx))
                goto bad_word;
            r->bc = idx % 2 == 1;
            break;
        }
        case K_TZH: {
            if (!read_int(&p, end, 2, false, &v))
                goto bad_int;
            r->tz_offset = (int)v * 3600;
            r->has_tz = true;
            break;
        }
        case K_TZM:
            if (!read_int(&p, end, 2, false, &v))
                goto bad_int;
            r->tz_offset += (r->tz_offset < 0 ? -1 : 1) * (int)v * 60;
            break;
        default:
            sqlite_fn_error(ctx, "0A000", "formatting field \"%s\" is only supported in to_char", d->kw->name);
            return false;
        }
        continue;
    bad_int: {
        char val[32];
        size_t l = (size_t)(end - start) < sizeof val - 1 ? (size_t)(end - start) : sizeof val - 1;
        memcpy(val, start, l);
        val[l] = 0;
        if (l == 0)
            sqlite_fn_error(ctx, "22007", "source string too short for \"%s\" formatting field", d->kw->name);
        else
            sqlite_fn_error(ctx, "22007", "invalid value \"%s\" for \"%s\"", val, d->kw->name);
        return false;
    }
    bad_word: {
        char val[32];
        size_t l = (size_t)(end - start) < sizeof val - 1 ? (size_t)(end - start) : sizeof val - 1;
        memcpy(val, start, l);
        val[l] = 0;
        sqlite_fn_error(ctx, "22007", "invalid value \"%s\" for \"%s\"", val, d->kw->name);
        return false;
    }
    }
    return true;
}

/* The fields as a timestamp (local), with PostgreSQL's range checks. */
static bool fields_from_parsed(sqlite3_context *ctx, parsed_dt *r, const char *input, pg_datetime *f)
{
    memset(f, 0, sizeof *f);
    if (r->hour12) {
        if (r->pm && r->hour < 12)
            r->hour += 12;
        else if (r->am && r->hour == 12)
            r->hour = 0;
    } else if (r->pm && r->hour < 12) {
        r->hour += 12;
    }
    int year = r->has_year ? r->year : 1;
    if (r->bc)
        year = -(year - 1);
    if (r->has_julian) {
        types_j2date(r->julian, &f->year, &f->month, &f->day);
    } else if (r->has_yday && !r->has_month) {
        int jd = types_date2j(year, 1, 1) + r->yday - 1;
        types_j2date(jd, &f->year, &f->month, &f->day);
    } else {
        f->year = year;
        f->month = r->month;
        f->day = r->day;
    }
    static const int mdays[2][12] = {{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
                                     {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
    bool leap = (f->year % 4 == 0) && ((f->year % 100 != 0) || (f->year % 400 == 0));
    if (f->month < 1 || f->month > 12 || f->day < 1 || f->day > mdays[leap][f->month - 1]) {
        sqlite_fn_error(ctx, "22008", "date/time field value out of range: \"%s\"", input);
        return false;
    }
    if (r->hour < 0 || r->hour > 24 || r->minute < 0 || r->minute > 59 || r->second < 0 || r->second > 60) {
        sqlite_fn_error(ctx, "22008", "date/time field value out of range: \"%s\"", input);
        return false;
    }
    f->hour = r->hour;
    f->minute = r->minute;
    f->second = r->second;
    f->usec = r->usec;
    return true;
}

static dnode *template_of(sqlite3_context *ctx, sqlite3_value *v, int *count)
{
    const char *fmt = (const char *)sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v);
    dnode *nodes = sqlite3_malloc64(sizeof *nodes * (n + 1));
    if (!nodes) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    parse_template(fmt, n, nodes, count, (int)n + 1);
    return nodes;
}

static void fn_to_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int count;
    dnode *nodes = template_of(ctx, argv[1], &count);
    if (!nodes)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    parsed_dt r;
    pg_datetime f;
    if (parse_dt(ctx, s, (size_t)sqlite3_value_bytes(argv[0]), nodes, count, &r) && fields_from_parsed(ctx, &r, s, &f)) {
        int32_t date;
        if (!types_fields_to_date(&f, &date))
            sqlite_fn_error(ctx, "22008", "date out of range: \"%s\"", s);
        else
            sqlite3_result_int64(ctx, date);
    }
    sqlite3_free(nodes);
}

/* to_timestamp(text, format): timestamptz, the fields taken in the session's zone unless
 * the input carries an offset (TZH/TZM). */
static void fn_to_timestamp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    int count;
    dnode *nodes = template_of(ctx, argv[1], &count);
    if (!nodes)
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    parsed_dt r;
    pg_datetime f;
    if (parse_dt(ctx, s, (size_t)sqlite3_value_bytes(argv[0]), nodes, count, &r) && fields_from_parsed(ctx, &r, s, &f)) {
        int64_t ts;
        bool ok;
        if (r.has_tz) {
            ok = types_fields_to_timestamp(&f, &ts);
            ts -= (int64_t)r.tz_offset * 1000000;
        } else {
            ok = types_fields_to_timestamptz(&f, fnu_session_tz(ctx), &ts);
        }
        if (!ok)
            sqlite_fn_error(ctx, "22008", "timestamp out of range: \"%s\"", s);
        else
            sqlite3_result_int64(ctx, ts);
    }
    sqlite3_free(nodes);
}

/* ---------------------------------------------------------------- numbers */

typedef enum { N_9, N_0, N_DEC, N_SEP, N_S, N_MI, N_PL, N_SG, N_PR, N_EEEE, N_RN, N_LIT } ntoken;

typedef struct nnode {
    ntoken t;
    const char *lit;
    size_t litlen;
} nnode;

typedef struct nformat {
    nnode nodes[128];
    int count;
    int int_digits, frac_digits, zero_start;   /* zero_start: first '0' digit position, -1 none */
    bool fm, has_dec, has_sign, th_upper, th_lower, eeee, rn, sign_slot;
} nformat;

static bool parse_num_format(sqlite3_context *ctx, const char *f, size_t n, nformat *nf)
{
    memset(nf, 0, sizeof *nf);
    nf->zero_start = -1;
    size_t i = 0;
    while (i < n && nf->count < (int)ARRAY_LEN(nf->nodes)) {
        nnode *d = &nf->nodes[nf->count];
        char c = (char)toupper((unsigned char)f[i]);
        if (c == 'F' && i + 1 < n && toupper((unsigned char)f[i + 1]) == 'M') {
            nf->fm = true;
            i += 2;
            continue;
        }
        if (c == 'T' && i + 1 < n && toupper((unsigned char)f[i + 1]) == 'H') {
            if (f[i] == 'T')
                nf->th_upper = true;
            else
                nf->th_lower = true;
            i += 2;
            continue;
        }
        if (c == '9' || c == '0') {
            d->t = c == '9' ? N_9 : N_0;
            if (!nf->has_dec) {
                if (c == '0' && nf->zero_start < 0)
                    nf->zero_start = nf->int_digits;
                nf->int_digits++;
            } else {
                nf->frac_digits++;
            }
        } else if (c == '.' || c == 'D') {
            d->t = N_DEC;
            nf->has_dec = true;
        } else if (c == ',' || c == 'G') {
            d->t = N_SEP;
            d->lit = f[i] == ',' || c == 'G' ? "," : ",";
        } else if (c == 'S' && !(i + 1 < n && toupper((unsigned char)f[i + 1]) == 'G')) {
            d->t = N_S;
            nf->has_sign = true;
        } else if (c == 'M' && i + 1 < n && toupper((unsigned char)f[i + 1]) == 'I') {
            d->t = N_MI;
            nf->has_sign = true;
            i++;
        } else if (c == 'P' && i + 1 < n && toupper((unsigned char)f[i + 1]) == 'L') {
            d->t = N_PL;
            i++;
        } else if (c == 'S' && i + 1 < n && toupper((unsigned char)f[i + 1]) == 'G') {
            d->t = N_SG;
            nf->has_sign = true;
            i++;
        } else if (c == 'P' && i + 1 < n && toupper((unsigned char)f[i + 1]) == 'R') {
            d->t = N_PR;
            nf->has_sign = true;
            i++;
        } else if (c == 'E' && i + 3 < n && strncasecmp(f + i, "EEEE", 4) == 0) {
            d->t = N_EEEE;
            nf->eeee = true;
            i += 3;
        } else if (c == 'R' && i + 1 < n && toupper((unsigned char)f[i + 1]) == 'N') {
            d->t = N_RN;
            nf->rn = true;
            i++;
        } else if (c == 'V' || c == 'L') {
            sqlite_fn_error(ctx, "0A000", "the \"%c\" number format pattern is not supported", c);
            return false;
        } else {
            d->t = N_LIT;
            d->lit = f + i;
            d->litlen = 1;
            if (f[i] == '"') {
                size_t j = i + 1;
                while (j < n && f[j] != '"')
                    j++;
                d->lit = f + i + 1;
                d->litlen = j - i - 1;
                i = j;
            }
        }
        nf->count++;
        i++;
    }
    nf->sign_slot = !nf->has_sign;
    return true;
}

static void roman(strbuf *out, int64_t v, bool fm, bool lower)
{
    static const struct { int v; const char *s; } table[] = {
        {1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
        {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}};
    char buf[32] = "";
    size_t k = 0;
    if (v < 1 || v > 3999) {
        strbuf_puts(out, "###############");
        return;
    }
    for (size_t i = 0; i < ARRAY_LEN(table); i++)
        while (v >= table[i].v) {
            for (const char *p = table[i].s; *p && k < sizeof buf - 1; p++)
                buf[k++] = lower ? (char)tolower((unsigned char)*p) : *p;
            v -= table[i].v;
        }
    buf[k] = 0;
    if (!fm)
        for (size_t i = k; i < 15; i++)
            strbuf_putc(out, ' ');
    strbuf_puts(out, buf);
}

/* to_char(number, format) on the number's exact decimal text. */
static bool format_number(sqlite3_context *ctx, const char *num, size_t numlen, const nformat *nf, strbuf *out)
{
    pg_error err = {0};
    strbuf rounded;
    strbuf_init(&rounded);
    bool special = (numlen == 3 && memcmp(num, "NaN", 3) == 0) || (numlen >= 8 && memcmp(num + numlen - 8, "Infinity", 8) == 0);
    if (nf->rn) {
        strbuf_free(&rounded);
        double d = strtod(num, NULL);
        roman(out, (int64_t)llround(d), nf->fm, false);
        return true;
    }
    if (nf->eeee) {
        double d = strtod(num, NULL);
        char buf[64];
        snprintf(buf, sizeof buf, "%+.*e", nf->frac_digits, d);
        /* PostgreSQL: " 3.1e+00": a sign slot, digits, exponent of at least two digits */
        strbuf_putc(out, buf[0] == '-' ? '-' : ' ');
        strbuf_puts(out, buf + 1);
        strbuf_free(&rounded);
        return true;
    }
    if (special) {
        strbuf_free(&rounded);
        for (int i = 0; i < nf->int_digits + (nf->sign_slot ? 1 : 0); i++)
            strbuf_putc(out, '#');
        if (nf->has_dec)
            strbuf_putc(out, '.');
        for (int i = 0; i < nf->frac_digits; i++)
            strbuf_putc(out, '#');
        return true;
    }
    if (!types_numeric_round(num, numlen, nf->frac_digits, &rounded, &err)) {
        strbuf_free(&rounded);
        sqlite_fn_pg_error(ctx, &err);
        return false;
    }
    const char *r = rounded.data ? rounded.data : "0";
    bool neg = *r == '-';
    if (neg)
        r++;
    const char *dot = strchr(r, '.');
    size_t ilen = dot ? (size_t)(dot - r) : strlen(r);
    const char *frac = dot ? dot + 1 : "";
    /* integer digits without leading zeros ("" for zero) */
    const char *idig = r;
    while (ilen && *idig == '0') {
        idig++;
        ilen--;
    }
    bool all_zero = ilen == 0;
    for (const char *q = frac; *q; q++)
        if (*q != '0')
            all_zero = false;
    if (all_zero)
        neg = false;
    bool overflow = (int)ilen > nf->int_digits;
    /* units digit of a zero integer part when there is no fraction to show */
    bool print_zero_units = ilen == 0 && !nf->has_dec && nf->int_digits > 0;
    strbuf body;
    strbuf_init(&body);
    int digit_pos = 0, frac_pos = 0;
    bool started = false;   /* a digit (or zero fill) has been printed */
    int first_digit_index = -1;
    bool after_dec = false;
    for (int i = 0; i < nf->count; i++) {
        const nnode *d = &nf->nodes[i];
        switch (d->t) {
        case N_9:
        case N_0:
            if (!after_dec) {
                int from_right = nf->int_digits - digit_pos - 1;
                char ch;
                if (overflow)
                    ch = '#';
                else if (from_right < (int)ilen)
                    ch = idig[ilen - 1 - from_right];
                else if (nf->zero_start >= 0 && digit_pos >= nf->zero_start)
                    ch = '0';
                else if (print_zero_units && from_right == 0)
                    ch = '0';
                else
                    ch = ' ';
                if (ch != ' ' && !started) {
                    started = true;
                    first_digit_index = (int)body.len;
                }
                strbuf_putc(&body, ch);
                digit_pos++;
            } else {
                char ch = overflow ? '#' : frac_pos < (int)strlen(frac) ? frac[frac_pos] : '0';
                strbuf_putc(&body, ch);
                frac_pos++;
            }
            break;
        case N_DEC:
            if (!started)
                first_digit_index = (int)body.len;
            started = true;
            after_dec = true;
            strbuf_putc(&body, '.');
            break;
        case N_SEP:
            strbuf_putc(&body, started ? ',' : ' ');
            break;
        case N_S:
            strbuf_putc(&body, '\x01');   /* sign marker, placed below */
            break;
        case N_MI:
            strbuf_putc(&body, neg ? '-' : ' ');
            break;
        case N_PL:
            strbuf_putc(&body, neg ? ' ' : '+');
            break;
        case N_SG:
            strbuf_putc(&body, neg ? '-' : '+');
            break;
        case N_PR:
            strbuf_putc(&body, neg ? '>' : ' ');
            break;
        case N_LIT:
            strbuf_append(&body, d->lit, d->litlen);
            break;
        default:
            break;
        }
    }
    const char *b = body.data ? body.data : "";
    size_t blen = body.len;
    strbuf res;
    strbuf_init(&res);
    bool pr = false;
    for (int i = 0; i < nf->count; i++)
        if (nf->nodes[i].t == N_PR)
            pr = true;
    bool has_s = false;
    for (size_t i = 0; i < blen; i++)
        if (b[i] == '\x01')
            has_s = true;
    if (nf->sign_slot || pr || has_s) {
        /* The default sign (and S at the start, and PR's '<') sits just left of the first
         * digit: the number is right-aligned in the digit positions with one slot more. */
        char sign = pr ? (neg ? '<' : ' ') : has_s ? (neg ? '-' : '+') : (neg ? '-' : ' ');
        size_t lead = first_digit_index >= 0 ? (size_t)first_digit_index : blen;
        strbuf tmp;
        strbuf_init(&tmp);
        if (nf->sign_slot || pr || (has_s && b[0] == '\x01')) {
            strbuf_putc(&tmp, ' ');
            for (size_t i = 0; i < blen; i++)
                if (b[i] != '\x01')
                    strbuf_putc(&tmp, b[i]);
            /* position of the first digit in tmp */
            size_t pos = 1 + lead - (has_s && b[0] == '\x01' ? 1 : 0);
            if (pos > 0 && tmp.data)
                tmp.data[pos - 1] = sign;
            strbuf_append(&res, tmp.data ? tmp.data : "", tmp.len);
        } else {
            /* S at the end */
            for (size_t i = 0; i < blen; i++)
                strbuf_putc(&res, b[i] == '\x01' ? sign : b[i]);
        }
        strbuf_free(&tmp);
    } else {
        strbuf_append(&res, b, blen);
    }
    strbuf_free(&body);
    if (nf->fm) {
        /* FM: no padding blanks, no trailing zeros in the fraction's 9 positions */
        const char *s = res.data ? res.data : "";
        size_t len = res.len;
        size_t st = 0;
        while (st < len && s[st] == ' ')
            st++;
        size_t en = len;
        if (nf->has_dec) {
            int frac9_from_end = 0;
            for (int i = nf->count - 1; i >= 0 && nf->nodes[i].t != N_DEC; i--)
                if (nf->nodes[i].t == N_9)
                    frac9_from_end++;
                else if (nf->nodes[i].t == N_0)
                    break;
            int removed = 0;
            while (en > st && s[en - 1] == '0' && removed < frac9_from_end) {
                en--;
                removed++;
            }
            if (en > st && s[en - 1] == '.') {
                if (en - 1 > st && isdigit((unsigned char)s[en - 2]))
                    en--;
                else if (en - 1 == st) {
                    /* nothing but the point left: PostgreSQL prints "0." */
                    strbuf z;
                    strbuf_init(&z);
                    strbuf_puts(&z, "0.");
                    strbuf_free(&res);
                    res = z;
                    s = res.data;
                    st = 0;
                    en = res.len;
                }
            }
        }
        while (en > st && s[en - 1] == ' ')
            en--;
        strbuf_append(out, s + st, en - st);
    } else {
        strbuf_append(out, res.data ? res.data : "", res.len);
    }
    strbuf_free(&res);
    if (nf->th_upper || nf->th_lower) {
        const char *o = ordinal(strtoll(num, NULL, 10));
        if (nf->th_upper) {
            strbuf_putc(out, (char)toupper((unsigned char)o[0]));
            strbuf_putc(out, (char)toupper((unsigned char)o[1]));
        } else {
            strbuf_puts(out, o);
        }
    }
    strbuf_free(&rounded);
    return true;
}

/* pgw_to_char_num(number, format) */
static void fn_to_char_num(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    nformat nf;
    if (!parse_num_format(ctx, (const char *)sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]), &nf))
        return;
    strbuf num, out;
    strbuf_init(&num);
    strbuf_init(&out);
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_INTEGER: types_numeric_from_int64(sqlite3_value_int64(argv[0]), &num); break;
    case SQLITE_FLOAT: types_numeric_from_double(sqlite3_value_double(argv[0]), &num); break;
    default: strbuf_append(&num, sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0])); break;
    }
    if (format_number(ctx, num.data ? num.data : "0", num.len, &nf, &out))
        fnu_result_text(ctx, &out);
    else
        strbuf_free(&out);
    strbuf_free(&num);
}

/* to_number(text, format): the digits of the input read through the format; the result
 * has as many decimals as the format. */
static void fn_to_number(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    nformat nf;
    if (!parse_num_format(ctx, (const char *)sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]), &nf))
        return;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    strbuf digits;
    strbuf_init(&digits);
    bool neg = false, seen_dot = false, any = false;
    int frac = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (isdigit((unsigned char)c)) {
            if (seen_dot && frac >= nf.frac_digits)
                continue;
            strbuf_putc(&digits, c);
            any = true;
            if (seen_dot)
                frac++;
        } else if (c == '.' && nf.has_dec && !seen_dot) {
            seen_dot = true;
            strbuf_putc(&digits, '.');
        } else if (c == '-' || c == '<') {
            neg = true;
        }
    }
    if (!any) {
        strbuf_free(&digits);
        sqlite_fn_error(ctx, "22P02", "invalid input syntax for type numeric: \" \"");
        return;
    }
    strbuf text, out;
    strbuf_init(&text);
    strbuf_init(&out);
    if (neg)
        strbuf_putc(&text, '-');
    strbuf_append(&text, digits.data, digits.len);
    pg_error err = {0};
    if (!types_numeric_round(text.data, text.len, nf.frac_digits, &out, &err)) {
        strbuf_free(&out);
        sqlite_fn_pg_error(ctx, &err);
    } else {
        fnu_result_text(ctx, &out);
    }
    strbuf_free(&digits);
    strbuf_free(&text);
}

typedef struct format_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} format_fn;

static const format_fn format_functions[] = {
    {"pgw_to_char_ts", 3, fn_to_char_ts},
    {"pgw_to_char_interval", 2, fn_to_char_interval},
    {"pgw_to_char_num", 2, fn_to_char_num},
    {"pgw_to_date", 2, fn_to_date},
    {"pgw_to_timestamp", 2, fn_to_timestamp},
    {"pgw_to_number", 2, fn_to_number},
};

int sqlite_register_format(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(format_functions); i++) {
        const format_fn *f = &format_functions[i];
        /* to_char of timestamptz and to_timestamp read the session's time zone */
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8, c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
