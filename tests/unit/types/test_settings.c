/* test_settings.c — SET/SHOW parsing of DateStyle, IntervalStyle, bytea_output and
 * extra_float_digits, against PostgreSQL 15's answers. */
#include "types_test.h"

static const char *datestyle(const char *value, datestyle_format fmt, datestyle_order order)
{
    pg_error e = {0};
    if (!types_datestyle_parse(value, &fmt, &order, &e)) {
        snprintf(result_buf, sizeof result_buf, "ERR %s %s | %s", e.sqlstate, e.message, e.detail ? e.detail : "");
        pg_error_clear(&e);
        return result_buf;
    }
    strbuf b;
    strbuf_init(&b);
    types_datestyle_format(fmt, order, &b);
    const char *r = keep(b.data, b.len);
    strbuf_free(&b);
    return r;
}

static void test_datestyle(void)
{
    CHECK_STR(datestyle("iso, dmy", DATESTYLE_ISO, DATEORDER_MDY), "ISO, DMY");
    CHECK_STR(datestyle("German", DATESTYLE_ISO, DATEORDER_MDY), "German, DMY");
    CHECK_STR(datestyle("sql", DATESTYLE_ISO, DATEORDER_MDY), "SQL, MDY");
    CHECK_STR(datestyle("European, postgres", DATESTYLE_ISO, DATEORDER_MDY), "Postgres, DMY");
    CHECK_STR(datestyle("ymd", DATESTYLE_ISO, DATEORDER_MDY), "ISO, YMD");
    CHECK_STR(datestyle("ymd", DATESTYLE_SQL, DATEORDER_MDY), "SQL, YMD");   /* an order keeps the style */
    CHECK_STR(datestyle("German, mdy", DATESTYLE_ISO, DATEORDER_MDY), "German, MDY");
    CHECK_STR(datestyle("default", DATESTYLE_SQL, DATEORDER_DMY), "ISO, MDY");
    CHECK_STR(datestyle("\"ISO\"", DATESTYLE_SQL, DATEORDER_MDY), "ISO, MDY");
    CHECK_STR(datestyle("iso, sql", DATESTYLE_ISO, DATEORDER_MDY),
              "ERR 22023 invalid value for parameter \"DateStyle\": \"iso, sql\" | Conflicting \"datestyle\" specifications.");
    CHECK_STR(datestyle("iso, german, dmy", DATESTYLE_ISO, DATEORDER_MDY),
              "ERR 22023 invalid value for parameter \"DateStyle\": \"iso, german, dmy\" | Conflicting \"datestyle\" specifications.");
    CHECK_STR(datestyle("foo", DATESTYLE_ISO, DATEORDER_MDY),
              "ERR 22023 invalid value for parameter \"DateStyle\": \"foo\" | Unrecognized key word: \"foo\".");
}

static void test_enums_and_ranges(void)
{
    pg_error e = {0};
    interval_style is;
    CHECK(types_intervalstyle_parse("intervalstyle", "SQL_STANDARD", &is, &e) && is == INTERVALSTYLE_SQL_STANDARD);
    CHECK_STR(types_intervalstyle_name(is), "sql_standard");
    CHECK(!types_intervalstyle_parse("intervalstyle", "x", &is, &e));
    CHECK_STR(e.message, "invalid value for parameter \"intervalstyle\": \"x\"");
    CHECK_STR(e.hint, "Available values: postgres, postgres_verbose, sql_standard, iso_8601.");
    pg_error_clear(&e);
    bytea_output_format bo;
    CHECK(types_bytea_output_parse("bytea_output", "Escape", &bo, &e) && bo == BYTEA_OUTPUT_ESCAPE);
    CHECK_STR(types_bytea_output_name(bo), "escape");
    CHECK(!types_bytea_output_parse("bytea_output", "x", &bo, &e));
    CHECK_STR(e.hint, "Available values: escape, hex.");
    pg_error_clear(&e);
    int efd;
    CHECK(types_extra_float_digits_parse("extra_float_digits", "-15", &efd, &e) && efd == -15);
    CHECK(!types_extra_float_digits_parse("extra_float_digits", "4", &efd, &e));
    CHECK_STR(e.message, "4 is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)");
    CHECK_STR(e.sqlstate, "22023");
    pg_error_clear(&e);
}

int main(void)
{
    settings_reset();
    RUN(test_datestyle);
    RUN(test_enums_and_ranges);
    return UNIT_DONE();
}
