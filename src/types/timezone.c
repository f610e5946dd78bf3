/*
 * timezone.c — time zones: TZif files from /usr/share/zoneinfo (version 2+ 64-bit data, and
 * the POSIX TZ footer for instants past the table), POSIX TZ specs ("EST5EDT",
 * "CET-1CEST,M3.5.0,M10.5.0/3", "UTC+3", "<+03>-3") and bare offsets ("+02:00", read the
 * POSIX way as PostgreSQL's SET TIME ZONE does: 2 hours *west*).
 *
 * Loaded zones are immutable and live for the whole process in one cache guarded by a mutex
 * (the only mutable global of this layer).  Names are matched case-insensitively, as
 * PostgreSQL does, and reported in the file system's spelling.  Leap seconds are ignored.
 */
#include "types/types_internal.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>

#define TZDIR "/usr/share/zoneinfo"
#define TZ_CACHE_MAX 4096
#define UNIX_EPOCH_JDATE 2440588

typedef struct rule_date {
    char kind;       /* 'J' Julian 1..365 without Feb 29, 'D' 0..365 with it, 'M' month.week.day */
    int month, week, wday, day;
    int32_t time;    /* seconds after local midnight (may be negative or past 24h) */
} rule_date;

typedef struct posix_rule {
    char std_abbr[16], dst_abbr[16];
    int32_t std_off, dst_off;    /* seconds east of UTC */
    bool has_dst;
    rule_date start, end;
} posix_rule;

typedef struct tz_type {
    int32_t utoff;
    bool isdst;
    uint8_t abbr;    /* index into abbrs */
} tz_type;

struct tz_info {
    char *name;
    size_t ntrans;
    int64_t *trans;
    uint8_t *trans_type;
    size_t ntypes;
    tz_type *types;
    char *abbrs;
    size_t abbrs_len;
    bool has_rule;
    posix_rule rule;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static hashmap cache;   /* lower-cased requested name -> tz_info; guarded by cache_lock */

/* ---------------------------------------------------------------- POSIX TZ */

static const char *parse_abbr(const char *p, char *out, size_t cap)
{
    size_t n = 0;
    if (*p == '<') {
        p++;
        while (*p && *p != '>') {
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
        if (*p != '>')
            return NULL;
        p++;
    } else {
        /* POSIX's getzname: anything up to a digit, ',', '-' or '+' */
        while (*p && !types_isdigit(*p) && *p != ',' && *p != '-' && *p != '+') {
            if (n + 1 < cap)
                out[n++] = *p;
            p++;
        }
        if (n < 1)
            return NULL;
    }
    out[n] = 0;
    return p;
}

/* Digits at *p, saturating at 1000000 (every caller's limit is far below). */
static int read_digits(const char **p)
{
    int v = 0;
    while (types_isdigit(**p)) {
        if (v < 1000000)
            v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

/* [+-]hh[:mm[:ss]] → seconds (sign as written). */
static const char *parse_hms(const char *p, int32_t *secs, int max_hours)
{
    int sign = 1;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!types_isdigit(*p))
        return NULL;
    int h = 0, m = 0, s = 0;
    h = read_digits(&p);
    if (h > max_hours)
        return NULL;
    if (*p == ':') {
        p++;
        if (!types_isdigit(*p))
            return NULL;
        m = read_digits(&p);
        if (*p == ':') {
            p++;
            if (!types_isdigit(*p))
                return NULL;
            s = read_digits(&p);
        }
    }
    if (m > 59 || s > 59)
        return NULL;
    *secs = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *parse_rule_date(const char *p, rule_date *d)
{
    memset(d, 0, sizeof *d);
    d->time = 7200;
    if (*p == 'M') {
        d->kind = 'M';
        p++;
        if (!types_isdigit(*p))
            return NULL;
        d->month = read_digits(&p);
        if (*p++ != '.' || !types_isdigit(*p))
            return NULL;
        d->week = read_digits(&p);
        if (*p++ != '.' || !types_isdigit(*p))
            return NULL;
        d->wday = read_digits(&p);
        if (d->month < 1 || d->month > 12 || d->week < 1 || d->week > 5 || d->wday < 0 || d->wday > 6)
            return NULL;
    } else {
        d->kind = 'D';
        if (*p == 'J') {
            d->kind = 'J';
            p++;
        }
        if (!types_isdigit(*p))
            return NULL;
        d->day = read_digits(&p);
        if (d->day > 365 || (d->kind == 'J' && d->day < 1))
            return NULL;
    }
    if (*p == '/') {
        p = parse_hms(p + 1, &d->time, 167);
        if (!p)
            return NULL;
    }
    return p;
}

static bool parse_posix(const char *spec, posix_rule *r)
{
    memset(r, 0, sizeof *r);
    const char *p = spec;
    int32_t off;
    if (*p == '+' || *p == '-' || types_isdigit(*p)) {
        /* A bare offset: no abbreviation (PostgreSQL prints none for it). */
        r->std_abbr[0] = 0;
    } else if (!(p = parse_abbr(p, r->std_abbr, sizeof r->std_abbr))) {
        return false;
    }
    if (!(p = parse_hms(p, &off, 167)))
        return false;
    r->std_off = -off;
    if (*p == 0)
        return true;
    if (!(p = parse_abbr(p, r->dst_abbr, sizeof r->dst_abbr)))
        return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_hms(p, &off, 167)))
            return false;
        r->dst_off = -off;
    }
    if (*p == 0) {
        /* No rule given: the US rules, as POSIX implementations default to. */
        return parse_rule_date("M3.2.0", &r->start) && parse_rule_date("M11.1.0", &r->end);
    }
    if (*p++ != ',' || !(p = parse_rule_date(p, &r->start)) || *p++ != ',' || !(p = parse_rule_date(p, &r->end)))
        return false;
    return *p == 0;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local midnight of the rule's day in `year`, as days since 1970. */
static int64_t rule_day(const rule_date *d, int year)
{
    int64_t jan1 = types_date2j(year, 1, 1) - UNIX_EPOCH_JDATE;
    if (d->kind == 'J')
        return jan1 + d->day - 1 + (is_leap(year) && d->day >= 60 ? 1 : 0);
    if (d->kind == 'D')
        return jan1 + d->day;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int len = mdays[d->month - 1] + (d->month == 2 && is_leap(year));
    int first = types_date2j(year, d->month, 1);
    int first_wday = (first + 1) % 7;
    int day = 1 + (d->wday - first_wday + 7) % 7 + (d->week - 1) * 7;
    while (day > len)
        day -= 7;
    return first - UNIX_EPOCH_JDATE + day - 1;
}

static int year_of_unix(int64_t sec)
{
    int64_t days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
    int y, m, d;
    types_j2date((int)(days + UNIX_EPOCH_JDATE), &y, &m, &d);
    return y;
}

static bool rule_is_dst(const posix_rule *r, int64_t t)
{
    int year = year_of_unix(t + r->std_off);
    /* Start switches at local standard time, end at local daylight time. */
    int64_t start = rule_day(&r->start, year) * 86400 + r->start.time - r->std_off;
    int64_t end = rule_day(&r->end, year) * 86400 + r->end.time - r->dst_off;
    if (start < end)
        return t >= start && t < end;
    return !(t >= end && t < start);
}

static int rule_offset(const posix_rule *r, int64_t t, const char **abbrev, bool *is_dst)
{
    bool dst = r->has_dst && rule_is_dst(r, t);
    if (abbrev)
        *abbrev = dst ? r->dst_abbr : r->std_abbr;
    if (is_dst)
        *is_dst = dst;
    return dst ? r->dst_off : r->std_off;
}

/* ---------------------------------------------------------------- TZif */

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)(((uint64_t)be32(p) << 32) | be32(p + 4));
}

/* Parse a TZif image into tz; false if malformed. */
static bool parse_tzif(const unsigned char *buf, size_t len, struct tz_info *tz)
{
    if (len < 44 || memcmp(buf, "TZif", 4) != 0)
        return false;
    char version = (char)buf[4];
    size_t pos = 0;
    int pass_count = version >= '2' ? 2 : 1;
    for (int pass = 0; pass < pass_count; pass++) {
        if (pos + 44 > len || memcmp(buf + pos, "TZif", 4) != 0)
            return false;
        const unsigned char *h = buf + pos + 20;
        size_t isutcnt = be32(h), isstdcnt = be32(h + 4), leapcnt = be32(h + 8), timecnt = be32(h + 12),
               typecnt = be32(h + 16), charcnt = be32(h + 20);
        size_t tsize = pass == 0 ? 4 : 8;
        size_t body = timecnt * tsize + timecnt + typecnt * 6 + charcnt + leapcnt * (tsize + 4) + isstdcnt + isutcnt;
        pos += 44;
        if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || charcnt > 4096 || pos + body > len)
            return false;
        if (pass + 1 < pass_count) {
            pos += body;
            continue;
        }
        const unsigned char *p = buf + pos;
        tz->ntrans = timecnt;
        tz->trans = malloc((timecnt ? timecnt : 1) * sizeof *tz->trans);
        tz->trans_type = malloc(timecnt ? timecnt : 1);
        tz->ntypes = typecnt;
        tz->types = malloc(typecnt * sizeof *tz->types);
        tz->abbrs = malloc(charcnt + 1);
        if (!tz->trans || !tz->trans_type || !tz->types || !tz->abbrs)
            return false;
        for (size_t i = 0; i < timecnt; i++)
            tz->trans[i] = tsize == 4 ? (int64_t)(int32_t)be32(p + i * 4) : be64(p + i * 8);
        p += timecnt * tsize;
        for (size_t i = 0; i < timecnt; i++) {
            tz->trans_type[i] = p[i];
            if (p[i] >= typecnt)
                return false;
        }
        p += timecnt;
        for (size_t i = 0; i < typecnt; i++) {
            tz->types[i].utoff = (int32_t)be32(p + i * 6);
            tz->types[i].isdst = p[i * 6 + 4] != 0;
            tz->types[i].abbr = p[i * 6 + 5];
            if (tz->types[i].abbr >= charcnt)
                return false;
        }
        p += typecnt * 6;
        memcpy(tz->abbrs, p, charcnt);
        tz->abbrs[charcnt] = 0;
        tz->abbrs_len = charcnt;
        pos += body;
    }
    /* Footer: "\n<POSIX TZ>\n" after the version 2+ data. */
    if (version >= '2' && pos < len && buf[pos] == '\n') {
        const unsigned char *start = buf + pos + 1;
        const unsigned char *nl = memchr(start, '\n', len - pos - 1);
        if (nl && nl > start && (size_t)(nl - start) < 128) {
            char spec[128];
            memcpy(spec, start, (size_t)(nl - start));
            spec[nl - start] = 0;
            tz->has_rule = parse_posix(spec, &tz->rule);
        }
    }
    return true;
}

static void tz_destroy(struct tz_info *tz)
{
    if (!tz)
        return;
    free(tz->name);
    free(tz->trans);
    free(tz->trans_type);
    free(tz->types);
    free(tz->abbrs);
    free(tz);
}

/* Zone names are relative paths of letters, digits and _ + - / with no "..": never a way to
 * open a file outside the zoneinfo directory. */
static bool safe_zone_name(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, "..") || strlen(name) > 200)
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '+' || c == '-' || c == '/'))
            return false;
    }
    return true;
}

/* Find `name` under TZDIR, matching each path component case-insensitively; writes the
 * file system spelling into `found`. */
static bool resolve_zone_path(const char *name, char *found, size_t cap)
{
    char path[512];
    size_t flen = 0;
    snprintf(path, sizeof path, "%s", TZDIR);
    const char *p = name;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t clen = slash ? (size_t)(slash - p) : strlen(p);
        if (clen == 0 || clen > 255)
            return false;
        DIR *dir = opendir(path);
        if (!dir)
            return false;
        struct dirent *de;
        bool hit = false;
        char comp[256];
        while ((de = readdir(dir))) {
            if (strlen(de->d_name) == clen && strncasecmp(de->d_name, p, clen) == 0) {
                snprintf(comp, sizeof comp, "%s", de->d_name);
                hit = true;
                if (strncmp(de->d_name, p, clen) == 0)
                    break;   /* exact spelling wins */
            }
        }
        closedir(dir);
        if (!hit)
            return false;
        size_t plen = strlen(path);
        if (plen + 1 + strlen(comp) + 1 > sizeof path || flen + strlen(comp) + 2 > cap)
            return false;
        snprintf(path + plen, sizeof path - plen, "/%s", comp);
        flen += (size_t)snprintf(found + flen, cap - flen, "%s%s", flen ? "/" : "", comp);
        p += clen;
        if (*p == '/')
            p++;
    }
    return flen > 0;
}

static struct tz_info *load_file_zone(const char *name)
{
    if (!safe_zone_name(name))
        return NULL;
    char canonical[256];
    if (!resolve_zone_path(name, canonical, sizeof canonical))
        return NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TZDIR, canonical);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = malloc(1 << 20);
    size_t len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    struct tz_info *tz = calloc(1, sizeof *tz);
    if (!buf || !tz || !parse_tzif(buf, len, tz) || !(tz->name = xstrdup(canonical))) {
        free(buf);
        tz_destroy(tz);
        return NULL;
    }
    free(buf);
    return tz;
}

static struct tz_info *make_rule_zone(const char *name, const posix_rule *r)
{
    struct tz_info *tz = calloc(1, sizeof *tz);
    if (!tz || !(tz->name = xstrdup(name))) {
        free(tz);
        return NULL;
    }
    tz->has_rule = true;
    tz->rule = *r;
    return tz;
}

static struct tz_info *load_zone(const char *name)
{
    if (ascii_streq_ci(name, "UTC") || ascii_streq_ci(name, "GMT") || ascii_streq_ci(name, "Z") ||
        ascii_streq_ci(name, "Zulu") || ascii_streq_ci(name, "UCT") || ascii_streq_ci(name, "Etc/UTC")) {
        posix_rule r;
        parse_posix("UTC0", &r);
        const char *canonical = ascii_streq_ci(name, "Z") || ascii_streq_ci(name, "Zulu") ? "UTC" : name;
        if (ascii_streq_ci(canonical, "utc"))
            canonical = "UTC";
        else if (ascii_streq_ci(canonical, "gmt"))
            canonical = "GMT";
        return make_rule_zone(canonical, &r);
    }
    struct tz_info *tz = load_file_zone(name);
    if (tz)
        return tz;
    posix_rule r;
    if (parse_posix(name, &r))
        return make_rule_zone(name, &r);
    return NULL;
}

const tz_info *tz_lookup(const char *name)
{
    if (!name)
        return NULL;
    char key[256];
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof key)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        key[i] = types_tolower(name[i]);
    pthread_mutex_lock(&cache_lock);
    struct tz_info *tz = hashmap_get(&cache, key);
    if (!tz && cache.count < TZ_CACHE_MAX) {
        tz = load_zone(name);
        if (tz && !hashmap_put(&cache, key, tz)) {
            tz_destroy(tz);
            tz = NULL;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return tz;
}

const char *tz_name(const tz_info *tz)
{
    return tz ? tz->name : "UTC";
}

int tz_offset_at_unix(const tz_info *tz, int64_t t, const char **abbrev, bool *is_dst)
{
    if (!tz) {
        if (abbrev)
            *abbrev = "UTC";
        if (is_dst)
            *is_dst = false;
        return 0;
    }
    const tz_type *type = NULL;
    if (tz->ntrans == 0 || t < tz->trans[0]) {
        if (tz->ntrans == 0 && tz->has_rule)
            return rule_offset(&tz->rule, t, abbrev, is_dst);
        type = tz->types ? &tz->types[0] : NULL;
    } else if (t >= tz->trans[tz->ntrans - 1] && tz->has_rule) {
        return rule_offset(&tz->rule, t, abbrev, is_dst);
    } else {
        size_t lo = 0, hi = tz->ntrans;   /* last transition <= t */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (tz->trans[mid] <= t)
                lo = mid;
            else
                hi = mid;
        }
        type = &tz->types[tz->trans_type[lo]];
    }
    if (!type) {
        if (abbrev)
            *abbrev = "UTC";
        if (is_dst)
            *is_dst = false;
        return 0;
    }
    if (abbrev)
        *abbrev = tz->abbrs + type->abbr;
    if (is_dst)
        *is_dst = type->isdst;
    return type->utoff;
}

/*
 * PostgreSQL's DetermineTimeZoneOffset: the offsets a day before and after the local time
 * are the candidates; if both readings agree on a side of the transition, that side wins;
 * in a spring-forward gap the "before" offset is used, in a fall-back overlap the "after".
 */
int tz_offset_for_local_unix(const tz_info *tz, int64_t t, bool *is_dst)
{
    bool dst_before, dst_after;
    int before = tz_offset_at_unix(tz, t - 86400, NULL, &dst_before);
    int after = tz_offset_at_unix(tz, t + 86400, NULL, &dst_after);
    int64_t before_time = t - before, after_time = t - after;
    int at_before = tz_offset_at_unix(tz, before_time, NULL, NULL);
    int at_after = tz_offset_at_unix(tz, after_time, NULL, NULL);
    int chosen;
    if (before == after)
        chosen = tz_offset_at_unix(tz, before_time, NULL, NULL);
    else if (at_before == before && at_after == before)
        chosen = before;
    else if (at_before == after && at_after == after)
        chosen = after;
    else
        chosen = before_time > after_time ? before : after;
    if (is_dst)
        tz_offset_at_unix(tz, t - chosen, NULL, is_dst);
    return chosen;
}

int tz_offset_at_utc(const tz_info *tz, int64_t utc_us, const char **abbrev)
{
    int64_t sec = (utc_us >= 0 ? utc_us / 1000000 : -((-utc_us + 999999) / 1000000)) + PG_UNIX_EPOCH_OFFSET_US / 1000000;
    return tz_offset_at_unix(tz, sec, abbrev, NULL);
}

int tz_offset_for_local(const tz_info *tz, int64_t local_us)
{
    int64_t sec = (local_us >= 0 ? local_us / 1000000 : -((-local_us + 999999) / 1000000)) + PG_UNIX_EPOCH_OFFSET_US / 1000000;
    return tz_offset_for_local_unix(tz, sec, NULL);
}

/*
 * pg_interpret_timezone_abbrev: the offset `abbrev` stood for in `tz` in the latest period
 * using it that began at or before `t` (seconds since 1970), else in the first one after.
 * This is how a zone-backed abbreviation ("MSK" → Europe/Moscow) is read.
 */
bool tz_abbrev_offset_at(const tz_info *tz, const char *abbrev, int64_t t, int *offset)
{
    if (!tz || tz->ntrans == 0)
        return false;
    size_t lo = 0, hi = tz->ntrans;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t < tz->trans[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    for (size_t i = lo; i-- > 0;) {
        const tz_type *ty = &tz->types[tz->trans_type[i]];
        if (ascii_streq_ci(tz->abbrs + ty->abbr, abbrev)) {
            *offset = ty->utoff;
            return true;
        }
    }
    for (size_t i = lo; i < tz->ntrans; i++) {
        const tz_type *ty = &tz->types[tz->trans_type[i]];
        if (ascii_streq_ci(tz->abbrs + ty->abbr, abbrev)) {
            *offset = ty->utoff;
            return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- abbreviations */

const tz_abbrev *tz_abbrev_lookup(const char *p, size_t n)
{
    char key[16];
    if (n == 0 || n >= sizeof key)
        return NULL;
    for (size_t i = 0; i < n; i++)
        key[i] = types_tolower(p[i]);
    key[n] = 0;
    size_t lo = 0, hi = tz_abbrev_table_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(tz_abbrev_table[mid].name, key);
        if (c == 0)
            return &tz_abbrev_table[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
