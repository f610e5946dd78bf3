/* test_interval.c — interval input syntaxes and the four IntervalStyles against PostgreSQL 15. */
#include "types_test.h"

static const char *const inputs[] = {
    "1 day 02:03:04", "1 year 2 mons", "@ 1 hour ago", "P1Y2M3DT4H5M6S", "-1 day +02:00", "1.5 days", "1.5 months",
    "1.5 years", "3 4:05:06", "1-2", "10", "1:30", "-00:00:01", "0", "PT1.5S", "P0001-02-03T04:05:06", "2 weeks",
    "100 microseconds 3 ms", "1 century", "-1 year -2 mons +3 days -04:05:06.789",
};

static void test_postgres_style(void)
{
    static const char *const expected[] = {
        "1 day 02:03:04", "1 year 2 mons", "-01:00:00", "1 year 2 mons 3 days 04:05:06", "-1 days +02:00:00",
        "1 day 12:00:00", "1 mon 15 days", "1 year 6 mons", "3 days 04:05:06", "1 year 2 mons", "00:00:10", "01:30:00",
        "-00:00:01", "00:00:00", "00:00:01.5", "1 year 2 mons 3 days 04:05:06", "14 days", "00:00:00.0031", "100 years",
        "-1 years -2 mons +3 days -04:05:06.789",
    };
    for (size_t i = 0; i < ARRAY_LEN(inputs); i++)
        CHECK_STR(roundtrip(1186, -1, inputs[i]), expected[i]);
    CHECK_STR(stored(1186, -1, "1 year 2 mons 3 days 04:05:06.789"), "TEXT 14 3 14706789000");
}

static void test_other_styles(void)
{
    S.intervalstyle = INTERVALSTYLE_POSTGRES_VERBOSE;
    CHECK_STR(roundtrip(1186, -1, "1 day 02:03:04"), "@ 1 day 2 hours 3 mins 4 secs");
    CHECK_STR(roundtrip(1186, -1, "-1 year -2 mons +3 days -04:05:06.789"), "@ 1 year 2 mons -3 days 4 hours 5 mins 6.789 secs ago");
    CHECK_STR(roundtrip(1186, -1, "0"), "@ 0");
    CHECK_STR(roundtrip(1186, -1, "-1 sec"), "@ 1 sec ago");
    CHECK_STR(roundtrip(1186, -1, "1.5 sec"), "@ 1.5 secs");
    CHECK_STR(roundtrip(1186, -1, "-1 day +02:00"), "@ 1 day -2 hours ago");
    CHECK_STR(roundtrip(1186, -1, "1 sec"), "@ 1 sec");
    S.intervalstyle = INTERVALSTYLE_SQL_STANDARD;
    CHECK_STR(roundtrip(1186, -1, "1 day 02:03:04"), "1 2:03:04");
    CHECK_STR(roundtrip(1186, -1, "-1 year -2 mons +3 days -04:05:06.789"), "-1-2 +3 -4:05:06.789");
    CHECK_STR(roundtrip(1186, -1, "0"), "0");
    CHECK_STR(roundtrip(1186, -1, "1 year 2 mons"), "1-2");
    CHECK_STR(roundtrip(1186, -1, "-1 year -2 mons"), "-1-2");
    CHECK_STR(roundtrip(1186, -1, "-1 day -02:00"), "-1 2:00:00");
    CHECK_STR(roundtrip(1186, -1, "02:00:00.5"), "2:00:00.5");
    CHECK_STR(roundtrip(1186, -1, "-1 2:03:04"), "-1 2:03:04");   /* the leading sign applies to all fields */
    S.intervalstyle = INTERVALSTYLE_ISO_8601;
    CHECK_STR(roundtrip(1186, -1, "1 day 02:03:04"), "P1DT2H3M4S");
    CHECK_STR(roundtrip(1186, -1, "-1 year -2 mons +3 days -04:05:06.789"), "P-1Y-2M3DT-4H-5M-6.789S");
    CHECK_STR(roundtrip(1186, -1, "0"), "PT0S");
    CHECK_STR(roundtrip(1186, -1, "-0.5 sec"), "PT-0.5S");
    settings_reset();
}

static void test_typmod_and_errors(void)
{
    CHECK_STR(roundtrip(1186, 134283263, "10 minute"), "00:10:00");   /* interval minute */
    CHECK_STR(roundtrip(1186, 134283263, "10"), "00:10:00");
    CHECK_STR(roundtrip(1186, 201392127, "1 day 02:03:04.567"), "1 day 02:03:00");   /* hour to minute */
    CHECK_STR(roundtrip(1186, 327679, "1 year 3 mons"), "1 year");
    CHECK_STR(roundtrip(1186, 2, "1.23456789 sec"), "00:00:01.23");
    CHECK_STR(roundtrip(1186, -1, "abc"), "ERR 22007 invalid input syntax for type interval: \"abc\"");
    CHECK_STR(roundtrip(1186, -1, "1 day 1 day"), "ERR 22007 invalid input syntax for type interval: \"1 day 1 day\"");
    CHECK_STR(roundtrip(1186, -1, "day"), "ERR 22007 invalid input syntax for type interval: \"day\"");
    CHECK_STR(roundtrip(1186, -1, ""), "ERR 22007 invalid input syntax for type interval: \"\"");
    /* found by comparing 4800 generated intervals with PostgreSQL in the four styles */
    CHECK_STR(roundtrip(1186, -1, "PT"), "00:00:00");
    CHECK_STR(roundtrip(1186, -1, "P2Y2MT"), "2 years 2 mons");
    CHECK_STR(roundtrip(1186, -1, "P-34.30MT20S"), "-2 years -10 mons -8 days -23:59:40");
    S.intervalstyle = INTERVALSTYLE_SQL_STANDARD;
    CHECK_STR(roundtrip(1186, -1, "@ -0.5 hour 0.5 minute ago"), "0:30:30");
    settings_reset();
}

static void test_helpers(void)
{
    pg_interval iv;
    CHECK(types_interval_from_storage("14 3 -5", 7, &iv));
    CHECK(iv.months == 14 && iv.days == 3 && iv.usecs == -5);
    CHECK(!types_interval_from_storage("14 3", 4, &iv));
    CHECK(!types_interval_from_storage("1 2 3 4", 7, &iv));
    strbuf b;
    strbuf_init(&b);
    types_interval_to_storage(&iv, &b);
    CHECK_STR(b.data, "14 3 -5");
    strbuf_reset(&b);
    pg_error e = {0};
    CHECK(types_interval_parse(&S, "1 hour", 6, -1, &iv, &e));
    types_interval_format(&S, &iv, &b);
    CHECK_STR(b.data, "01:00:00");
    strbuf_free(&b);
}

int main(void)
{
    settings_reset();
    RUN(test_postgres_style);
    RUN(test_other_styles);
    RUN(test_typmod_and_errors);
    RUN(test_helpers);
    return UNIT_DONE();
}
