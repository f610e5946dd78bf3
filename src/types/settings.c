/*
 * settings.c — the session settings that shape values (DateStyle, IntervalStyle,
 * bytea_output, extra_float_digits): parsing what SET accepts and printing what SHOW says,
 * with PostgreSQL's messages, so the SQL layer keeps a type_settings in step with its GUCs.
 */
#include "types/types_internal.h"

#include <stdlib.h>

static bool invalid_value(pg_error *err, const char *param, const char *value)
{
    pg_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", param, value);
    return false;
}

/* check_datestyle: a comma-separated list of style and order words; later words may not
 * contradict earlier ones; German implies DMY unless an order is given; an order alone keeps
 * the current style. */
bool types_datestyle_parse(const char *value, datestyle_format *fmt, datestyle_order *order, pg_error *err)
{
    datestyle_format new_fmt = *fmt;
    datestyle_order new_order = *order;
    bool have_style = false, have_order = false;
    const char *p = value;
    while (true) {
        while (types_isspace(*p))
            p++;
        const char *start = p;
        bool quoted = *p == '"';
        if (quoted) {
            start = ++p;
            while (*p && *p != '"')
                p++;
        } else {
            while (*p && *p != ',' && !types_isspace(*p))
                p++;
        }
        size_t n = (size_t)(p - start);
        if (quoted) {
            if (*p != '"')
                return invalid_value(err, "DateStyle", value);
            p++;
        }
        while (types_isspace(*p))
            p++;
        if (n == 0 || (*p && *p != ','))
            return invalid_value(err, "DateStyle", value);
        datestyle_format f = DATESTYLE_ISO;
        datestyle_order o = DATEORDER_MDY;
        int kind = 0;   /* 1 style, 2 order, 3 default */
        if (types_word_eq(start, n, "iso")) f = DATESTYLE_ISO, kind = 1;
        else if (types_word_eq(start, n, "sql")) f = DATESTYLE_SQL, kind = 1;
        else if (types_word_eq(start, n, "postgres")) f = DATESTYLE_POSTGRES, kind = 1;
        else if (types_word_eq(start, n, "german")) f = DATESTYLE_GERMAN, kind = 1;
        else if (types_word_eq(start, n, "ymd")) o = DATEORDER_YMD, kind = 2;
        else if (types_word_eq(start, n, "dmy") || types_word_eq(start, n, "european") || types_word_eq(start, n, "euro"))
            o = DATEORDER_DMY, kind = 2;
        else if (types_word_eq(start, n, "mdy") || types_word_eq(start, n, "us") || types_word_eq(start, n, "noneuropean") ||
                 types_word_eq(start, n, "noneuro"))
            o = DATEORDER_MDY, kind = 2;
        else if (types_word_eq(start, n, "default"))
            kind = 3;
        if (kind == 0) {
            invalid_value(err, "DateStyle", value);
            pg_error_detail(err, "Unrecognized key word: \"%.*s\".", (int)n, start);
            return false;
        }
        bool conflict = false;
        if (kind == 1) {
            conflict = have_style && new_fmt != f;
            new_fmt = f;
            have_style = true;
            if (f == DATESTYLE_GERMAN && !have_order)
                new_order = DATEORDER_DMY;
        } else if (kind == 2) {
            conflict = have_order && new_order != o;
            new_order = o;
            have_order = true;
        } else {
            /* DEFAULT: the reset value ("ISO, MDY") for what was not given before it */
            if (!have_style)
                new_fmt = DATESTYLE_ISO;
            if (!have_order)
                new_order = DATEORDER_MDY;
        }
        if (conflict) {
            invalid_value(err, "DateStyle", value);
            pg_error_detail(err, "Conflicting \"datestyle\" specifications.");
            return false;
        }
        if (*p == 0)
            break;
        p++;   /* the comma */
    }
    *fmt = new_fmt;
    *order = new_order;
    return true;
}

void types_datestyle_format(datestyle_format fmt, datestyle_order order, strbuf *out)
{
    static const char *const styles[] = {"ISO", "Postgres", "SQL", "German"};
    static const char *const orders[] = {"MDY", "DMY", "YMD"};
    strbuf_printf(out, "%s, %s", styles[fmt], orders[order]);
}

static const char *const interval_styles[] = {"postgres", "postgres_verbose", "sql_standard", "iso_8601"};

bool types_intervalstyle_parse(const char *param, const char *value, interval_style *style, pg_error *err)
{
    for (size_t i = 0; i < ARRAY_LEN(interval_styles); i++) {
        if (ascii_streq_ci(value, interval_styles[i])) {
            *style = (interval_style)i;
            return true;
        }
    }
    invalid_value(err, param, value);
    pg_error_hint(err, "Available values: postgres, postgres_verbose, sql_standard, iso_8601.");
    return false;
}

const char *types_intervalstyle_name(interval_style style)
{
    return interval_styles[style];
}

bool types_bytea_output_parse(const char *param, const char *value, bytea_output_format *fmt, pg_error *err)
{
    if (ascii_streq_ci(value, "escape")) {
        *fmt = BYTEA_OUTPUT_ESCAPE;
        return true;
    }
    if (ascii_streq_ci(value, "hex")) {
        *fmt = BYTEA_OUTPUT_HEX;
        return true;
    }
    invalid_value(err, param, value);
    pg_error_hint(err, "Available values: escape, hex.");
    return false;
}

const char *types_bytea_output_name(bytea_output_format fmt)
{
    return fmt == BYTEA_OUTPUT_ESCAPE ? "escape" : "hex";
}

bool types_extra_float_digits_parse(const char *param, const char *value, int *digits, pg_error *err)
{
    int64_t v;
    if (!parse_int64(value, &v)) {
        pg_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", param, value);
        return false;
    }
    if (v < -15 || v > 3) {
        pg_error_set(err, "22023", "%lld is outside the valid range for parameter \"%s\" (-15 .. 3)", (long long)v, param);
        return false;
    }
    *digits = (int)v;
    return true;
}
