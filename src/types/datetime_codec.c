/*
 * datetime_codec.c — the codecs of date, time, timetz, timestamp and timestamptz.
 *
 * Storage forms (types.h): date INT days since 2000-01-01 (INT32_MIN/MAX = -/+infinity);
 * time INT µs since midnight; timetz TEXT "HH:MM:SS[.ffffff]+hh[:mm[:ss]]"; timestamp and
 * timestamptz INT µs since 2000-01-01 (timestamptz in UTC), INT64_MIN/MAX = -/+infinity.
 * Binary forms are PostgreSQL's: int32 days, int64 µs, timetz int64 µs + int32 zone in
 * seconds *west* of UTC.
 */
#include "types/types_internal.h"

#define TZDISP_LIMIT (15 * 3600 + 59 * 60 + 60)

static bool storage_int(const sql_value *v, const char *what, int64_t *out, pg_error *err)
{
    if (v->kind == VALUE_INT) {
        *out = v->i;
        return true;
    }
    return types_value_as_int64(v, what, out, err);
}

static bool err_range(pg_error *err, const char *what, const char *p, size_t n)
{
    pg_error_set(err, "22008", "%s out of range: \"%.*s\"", what, (int)n, p);
    return false;
}

/* The session's local time of the transaction start as fields. */
static void now_local(const type_settings *s, pg_datetime *f, int *offset)
{
    if (!types_timestamptz_to_fields(s->now_us, s->timezone, f))
        memset(f, 0, sizeof *f);
    if (offset)
        *offset = f->utc_offset;
}

/* Offset (seconds east) that a parsed value's fields stand in: an explicit offset, a named
 * zone or zone-backed abbreviation resolved at that local time, else the session zone. */
static int parsed_offset(const type_settings *s, const dt_parsed *d, const pg_datetime *local)
{
    if (d->has_tz && !d->tz_zone)
        return d->tz_offset;
    const tz_info *zone = d->has_tz ? d->tz_zone : s->timezone;
    if (!zone)
        return 0;
    int64_t ts;
    pg_datetime f = *local;
    f.utc_offset = 0;
    if (!types_fields_to_timestamp(&f, &ts))
        return 0;
    int off = tz_offset_for_local(zone, ts);
    if (d->has_tz && d->tz_abbrev_name) {
        /* DetermineTimeZoneAbbrevOffset: what the abbreviation meant around that instant */
        int64_t unix_sec = (ts - (int64_t)off * 1000000) / 1000000 + PG_UNIX_EPOCH_OFFSET_US / 1000000;
        int abbrev_off;
        if (tz_abbrev_offset_at(zone, d->tz_abbrev_name, unix_sec, &abbrev_off))
            return abbrev_off;
    }
    return off;
}

/* ---------------------------------------------------------------- date */

static bool date_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod);
    int64_t d;
    if (!storage_int(v, "date", &d, err))
        return false;
    if (d <= PG_DATE_NOBEGIN) {
        strbuf_puts(out, "-infinity");
        return true;
    }
    if (d >= PG_DATE_NOEND) {
        strbuf_puts(out, "infinity");
        return true;
    }
    pg_datetime f;
    types_date_to_fields((int32_t)d, &f);
    types_encode_date(s, &f, out);
    return true;
}

static bool date_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(typmod), UNUSED(scratch);
    dt_parsed d;
    if (!types_dt_parse(s, p, n, DT_MODE_DATETIME, "date", &d, err))
        return false;
    int32_t date;
    pg_datetime f;
    switch (d.special) {
    case DT_LATE: *out = value_int(PG_DATE_NOEND); return true;
    case DT_EARLY: *out = value_int(PG_DATE_NOBEGIN); return true;
    case DT_EPOCH:
        *out = value_int(-10957);
        return true;
    case DT_NOW:
        now_local(s, &f, NULL);
        break;
    case DT_VALUE:
        f = d.tm;
        break;
    }
    if (!types_fields_to_date(&f, &date))
        return err_range(err, "date", p, n);
    *out = value_int(date);
    return true;
}

static bool date_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t d;
    if (!storage_int(v, "date", &d, err))
        return false;
    bin_put_i32(out, (int32_t)(d < INT32_MIN ? INT32_MIN : d > INT32_MAX ? INT32_MAX : d));
    return true;
}

static bool date_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(scratch);
    bin_cursor c = {(const unsigned char *)p, n};
    int32_t d;
    if (!bin_get_i32(&c, &d))
        return types_err_insufficient(err);
    if (c.left)
        return types_err_binary(err);
    /* date_recv: finite values must be valid dates */
    if (d != PG_DATE_NOBEGIN && d != PG_DATE_NOEND && (d < -PG_EPOCH_JDATE || d >= INT64_C(2147483494) - PG_EPOCH_JDATE)) {
        pg_error_set(err, "22008", "date out of range");
        return false;
    }
    *out = value_int(d);
    return true;
}

const type_codec types_codec_date = {date_text_out, date_text_in, date_binary_out, date_binary_in};

/* ---------------------------------------------------------------- time */

static bool time_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t t;
    if (!storage_int(v, "time", &t, err))
        return false;
    pg_datetime f;
    memset(&f, 0, sizeof f);
    types_time_to_fields(t, &f);
    types_encode_time(&f, false, 0, out);
    return true;
}

static bool parse_time(const type_settings *s, int32_t typmod, const char *p, size_t n, const char *type_name,
                       int64_t *time_us, dt_parsed *d, pg_datetime *fields, pg_error *err)
{
    if (!types_dt_parse(s, p, n, DT_MODE_TIME, type_name, d, err))
        return false;
    pg_datetime f;
    if (d->special == DT_NOW) {
        now_local(s, &f, NULL);
    } else if (d->special != DT_VALUE) {
        pg_error_set(err, "22007", "invalid input syntax for type %s: \"%.*s\"", type_name, (int)n, p);
        return false;
    } else {
        f = d->tm;
    }
    *fields = f;
    int64_t t = ((int64_t)f.hour * 3600 + f.minute * 60 + f.second) * 1000000 + f.usec;
    t = types_round_to_precision(t, typmod);
    *time_us = t;
    return true;
}

static bool time_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(scratch);
    int64_t t;
    dt_parsed d;
    pg_datetime f;
    if (!parse_time(s, typmod, p, n, "time", &t, &d, &f, err))
        return false;
    *out = value_int(t);
    return true;
}

static bool time_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t t;
    if (!storage_int(v, "time", &t, err))
        return false;
    bin_put_i64(out, t);
    return true;
}

static bool time_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(scratch);
    bin_cursor c = {(const unsigned char *)p, n};
    int64_t t;
    if (!bin_get_i64(&c, &t))
        return types_err_insufficient(err);
    if (c.left)
        return types_err_binary(err);
    if (t < 0 || t > PG_USECS_PER_DAY) {
        pg_error_set(err, "22008", "time out of range");
        return false;
    }
    *out = value_int(types_round_to_precision(t, typmod));
    return true;
}

const type_codec types_codec_time = {time_text_out, time_text_in, time_binary_out, time_binary_in};

/* ---------------------------------------------------------------- timetz */

static bool timetz_parts(const sql_value *v, int64_t *t, int32_t *off, pg_error *err)
{
    const char *p;
    size_t n;
    if (!types_value_bytes(v, &p, &n) || !types_timetz_from_storage(p, n, t, off)) {
        pg_error_set(err, "22P02", "invalid input syntax for type time with time zone: \"%.*s\"",
                     (int)(types_value_bytes(v, &p, &n) ? n : 0), types_value_bytes(v, &p, &n) ? p : "");
        return false;
    }
    return true;
}

static bool timetz_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod), UNUSED(err);
    if (v->kind == VALUE_TEXT) {
        strbuf_append(out, v->ptr, v->len);
        return true;
    }
    int64_t t;
    int32_t off;
    if (!timetz_parts(v, &t, &off, err))
        return false;
    types_timetz_to_storage(t, off, out);
    return true;
}

static bool timetz_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    int64_t t;
    dt_parsed d;
    pg_datetime f;
    if (!parse_time(s, typmod, p, n, "time with time zone", &t, &d, &f, err))
        return false;
    int off;
    if (d.special == DT_NOW) {
        now_local(s, &f, &off);
    } else {
        pg_datetime local = f;
        if (!d.has_date) {
            pg_datetime today;
            now_local(s, &today, NULL);
            local.year = today.year;
            local.month = today.month;
            local.day = today.day;
        }
        off = parsed_offset(s, &d, &local);
    }
    size_t start = scratch->len;
    types_timetz_to_storage(t, off, scratch);
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

static bool timetz_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t t;
    int32_t off;
    if (!timetz_parts(v, &t, &off, err))
        return false;
    bin_put_i64(out, t);
    bin_put_i32(out, -off);
    return true;
}

static bool timetz_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s);
    bin_cursor c = {(const unsigned char *)p, n};
    int64_t t;
    int32_t zone;
    if (!bin_get_i64(&c, &t) || !bin_get_i32(&c, &zone))
        return types_err_insufficient(err);
    if (c.left)
        return types_err_binary(err);
    if (t < 0 || t > PG_USECS_PER_DAY) {
        pg_error_set(err, "22008", "time out of range");
        return false;
    }
    if (zone <= -TZDISP_LIMIT || zone >= TZDISP_LIMIT) {
        pg_error_set(err, "22009", "time zone displacement out of range");
        return false;
    }
    size_t start = scratch->len;
    types_timetz_to_storage(types_round_to_precision(t, typmod), -zone, scratch);
    types_scratch_finish(scratch, start, VALUE_TEXT, out);
    return true;
}

const type_codec types_codec_timetz = {timetz_text_out, timetz_text_in, timetz_binary_out, timetz_binary_in};

/* ---------------------------------------------------------------- timestamp, timestamptz */

static bool infinity_out(int64_t ts, strbuf *out)
{
    if (ts == PG_TIMESTAMP_NOBEGIN) {
        strbuf_puts(out, "-infinity");
        return true;
    }
    if (ts == PG_TIMESTAMP_NOEND) {
        strbuf_puts(out, "infinity");
        return true;
    }
    return false;
}

static bool timestamp_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod);
    int64_t ts;
    if (!storage_int(v, "timestamp", &ts, err))
        return false;
    if (infinity_out(ts, out))
        return true;
    pg_datetime f;
    types_timestamp_to_fields(ts, &f);
    types_encode_datetime(s, &f, false, 0, NULL, out);
    return true;
}

static bool timestamptz_text_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(typmod);
    int64_t ts;
    if (!storage_int(v, "timestamp", &ts, err))
        return false;
    if (infinity_out(ts, out))
        return true;
    pg_datetime f;
    types_timestamptz_to_fields(ts, s->timezone, &f);
    types_encode_datetime(s, &f, true, f.utc_offset, f.tz_abbrev, out);
    return true;
}

/* Round to the typmod and check the range, after the special words. */
static bool finish_timestamp(int64_t ts, int32_t typmod, const char *p, size_t n, sql_value *out, pg_error *err)
{
    ts = types_round_to_precision(ts, typmod);
    if (!types_timestamp_in_range(ts))
        return err_range(err, "timestamp", p, n);
    *out = value_int(ts);
    return true;
}

static bool timestamp_in_common(const type_settings *s, int32_t typmod, const char *p, size_t n, bool with_tz,
                                sql_value *out, pg_error *err)
{
    dt_parsed d;
    const char *type_name = with_tz ? "timestamp with time zone" : "timestamp";
    if (!types_dt_parse(s, p, n, DT_MODE_DATETIME, type_name, &d, err))
        return false;
    switch (d.special) {
    case DT_LATE: *out = value_int(PG_TIMESTAMP_NOEND); return true;
    case DT_EARLY: *out = value_int(PG_TIMESTAMP_NOBEGIN); return true;
    case DT_EPOCH: *out = value_int(-PG_UNIX_EPOCH_OFFSET_US); return true;
    case DT_NOW:
        if (with_tz)
            return finish_timestamp(s->now_us, typmod, p, n, out, err);
        {
            int off = s->timezone ? tz_offset_at_utc(s->timezone, s->now_us, NULL) : 0;
            return finish_timestamp(s->now_us + (int64_t)off * 1000000, typmod, p, n, out, err);
        }
    case DT_VALUE:
        break;
    }
    int64_t local;
    if (!types_fields_to_timestamp(&d.tm, &local))
        return err_range(err, "timestamp", p, n);
    if (!with_tz)
        return finish_timestamp(local, typmod, p, n, out, err);
    int off = parsed_offset(s, &d, &d.tm);
    return finish_timestamp(local - (int64_t)off * 1000000, typmod, p, n, out, err);
}

static bool timestamp_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(scratch);
    return timestamp_in_common(s, typmod, p, n, false, out, err);
}

static bool timestamptz_text_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(scratch);
    return timestamp_in_common(s, typmod, p, n, true, out, err);
}

static bool timestamp_binary_out(const type_settings *s, int32_t typmod, const sql_value *v, strbuf *out, pg_error *err)
{
    UNUSED(s), UNUSED(typmod);
    int64_t ts;
    if (!storage_int(v, "timestamp", &ts, err))
        return false;
    bin_put_i64(out, ts);
    return true;
}

static bool timestamp_binary_in(const type_settings *s, int32_t typmod, const char *p, size_t n, sql_value *out, strbuf *scratch, pg_error *err)
{
    UNUSED(s), UNUSED(scratch);
    bin_cursor c = {(const unsigned char *)p, n};
    int64_t ts;
    if (!bin_get_i64(&c, &ts))
        return types_err_insufficient(err);
    if (c.left)
        return types_err_binary(err);
    if (ts == PG_TIMESTAMP_NOBEGIN || ts == PG_TIMESTAMP_NOEND) {
        *out = value_int(ts);
        return true;
    }
    if (!types_timestamp_in_range(ts)) {
        pg_error_set(err, "22008", "timestamp out of range");
        return false;
    }
    *out = value_int(types_round_to_precision(ts, typmod));
    return true;
}

const type_codec types_codec_timestamp = {timestamp_text_out, timestamp_text_in, timestamp_binary_out, timestamp_binary_in};
const type_codec types_codec_timestamptz = {timestamptz_text_out, timestamptz_text_in, timestamp_binary_out, timestamp_binary_in};
