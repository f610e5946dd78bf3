/* test_int_float.c — bool, int2/4/8, oid, float4/8 text codecs against PostgreSQL 15. */
#include "types_test.h"

static void test_bool(void)
{
    CHECK_STR(roundtrip(16, -1, "tr"), "t");
    CHECK_STR(roundtrip(16, -1, "Y"), "t");
    CHECK_STR(roundtrip(16, -1, "of"), "f");
    CHECK_STR(roundtrip(16, -1, " on "), "t");
    CHECK_STR(roundtrip(16, -1, "1"), "t");
    CHECK_STR(roundtrip(16, -1, "0"), "f");
    CHECK_STR(roundtrip(16, -1, "FALSE"), "f");
    CHECK_STR(roundtrip(16, -1, "o"), "ERR 22P02 invalid input syntax for type boolean: \"o\"");
    CHECK_STR(roundtrip(16, -1, "yes please"), "ERR 22P02 invalid input syntax for type boolean: \"yes please\"");
    CHECK_STR(roundtrip(16, -1, ""), "ERR 22P02 invalid input syntax for type boolean: \"\"");
    CHECK_STR(stored(16, -1, "true"), "INT 1");
    CHECK_STR(output(16, -1, value_int(0)), "f");
    CHECK_STR(output(16, -1, value_text("yes", 3)), "t");
}

static void test_integers(void)
{
    CHECK_STR(roundtrip(23, -1, " 12 "), "12");
    CHECK_STR(roundtrip(23, -1, "+12"), "12");
    CHECK_STR(roundtrip(23, -1, "-2147483648"), "-2147483648");
    CHECK_STR(roundtrip(23, -1, "2147483648"), "ERR 22003 value \"2147483648\" is out of range for type integer");
    CHECK_STR(roundtrip(23, -1, "1.5"), "ERR 22P02 invalid input syntax for type integer: \"1.5\"");
    CHECK_STR(roundtrip(23, -1, ""), "ERR 22P02 invalid input syntax for type integer: \"\"");
    CHECK_STR(roundtrip(23, -1, "0x1F"), "ERR 22P02 invalid input syntax for type integer: \"0x1F\"");
    CHECK_STR(roundtrip(23, -1, "1_000"), "ERR 22P02 invalid input syntax for type integer: \"1_000\"");
    CHECK_STR(roundtrip(21, -1, "-32768"), "-32768");
    CHECK_STR(roundtrip(21, -1, "-32769"), "ERR 22003 value \"-32769\" is out of range for type smallint");
    CHECK_STR(roundtrip(20, -1, "-9223372036854775808"), "-9223372036854775808");
    CHECK_STR(roundtrip(20, -1, "9223372036854775807"), "9223372036854775807");
    CHECK_STR(roundtrip(20, -1, "9223372036854775808"), "ERR 22003 value \"9223372036854775808\" is out of range for type bigint");
    CHECK_STR(roundtrip(20, -1, "abc"), "ERR 22P02 invalid input syntax for type bigint: \"abc\"");
    CHECK_STR(stored(23, -1, "42"), "INT 42");
    CHECK_STR(output(20, -1, value_int(INT64_MIN)), "-9223372036854775808");
    CHECK_STR(output(23, -1, value_int(0)), "0");
    /* engine values of another kind */
    CHECK_STR(output(23, -1, value_float(2.5)), "2");
    CHECK_STR(output(23, -1, value_text("17", 2)), "17");
}

static void test_oid(void)
{
    CHECK_STR(roundtrip(26, -1, "-1"), "4294967295");
    CHECK_STR(roundtrip(26, -1, "4294967295"), "4294967295");
    CHECK_STR(roundtrip(26, -1, "4294967296"), "ERR 22003 value \"4294967296\" is out of range for type oid");
    CHECK_STR(roundtrip(26, -1, "x"), "ERR 22P02 invalid input syntax for type oid: \"x\"");
    CHECK_STR(roundtrip(2205, -1, "1259"), "1259");
}

static void test_float8_shortest(void)
{
    const char *cases[][2] = {
        {"1e15", "1e+15"}, {"1e14", "100000000000000"}, {"123456789012345678", "1.2345678901234568e+17"},
        {"0.0001", "0.0001"}, {"0.00001", "1e-05"}, {"1.5e-7", "1.5e-07"}, {"0.30000000000000004", "0.30000000000000004"},
        {"1e100", "1e+100"}, {"-1.5e300", "-1.5e+300"}, {"2.5e-310", "2.5e-310"}, {"1e-310", "1e-310"},
        {"5e-324", "5e-324"}, {"2.2250738585072014e-308", "2.2250738585072014e-308"},
        {"1.7976931348623157e308", "1.7976931348623157e+308"}, {"9007199254740993", "9.007199254740992e+15"},
        {"123.456", "123.456"}, {"-1e-5", "-1e-05"}, {"4.35", "4.35"}, {"1e21", "1e+21"}, {"1e22", "1e+22"},
        {"299792458", "299792458"}, {"0.000123", "0.000123"}, {"8.98846567431158e307", "8.98846567431158e+307"},
        /* where Ryu without STRICTLY_SHORTEST keeps a digit more than the shortest string */
        {"1e23", "9.999999999999999e+22"}, {"34698537682789648", "3.4698537682789648e+16"},
        {"inf", "Infinity"}, {"-Infinity", "-Infinity"}, {" nan ", "NaN"}, {"-0", "-0"}, {"0", "0"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        CHECK_STR(roundtrip(701, -1, cases[i][0]), cases[i][1]);
}

static void test_float8_errors(void)
{
    CHECK_STR(roundtrip(701, -1, "1e400"), "ERR 22003 \"1e400\" is out of range for type double precision");
    CHECK_STR(roundtrip(701, -1, "1e-400"), "ERR 22003 \"1e-400\" is out of range for type double precision");
    CHECK_STR(roundtrip(701, -1, "x"), "ERR 22P02 invalid input syntax for type double precision: \"x\"");
    CHECK_STR(roundtrip(701, -1, ""), "ERR 22P02 invalid input syntax for type double precision: \"\"");
    CHECK_STR(roundtrip(701, -1, "infinityx"), "ERR 22P02 invalid input syntax for type double precision: \"infinityx\"");
}

static void test_float4(void)
{
    const char *cases[][2] = {
        {"1e6", "1e+06"}, {"1e5", "100000"}, {"123456.7", "123456.7"}, {"0.0001", "0.0001"}, {"1.5e-5", "1.5e-05"},
        {"3.4028235e38", "3.4028235e+38"}, {"0.1", "0.1"}, {"16777217", "1.6777216e+07"},
        {"1.17549435e-38", "1.1754944e-38"}, {"1e-40", "1e-40"}, {"1.4e-45", "1e-45"}, {"0.3", "0.3"},
        {"7.038531e-26", "7.038531e-26"}, {"999999", "999999"}, {"1000001", "1.000001e+06"}, {"-2.5", "-2.5"},
        {"3.14159265358979", "3.1415927"}, {"41992232", "4.1992232e+07"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        CHECK_STR(roundtrip(700, -1, cases[i][0]), cases[i][1]);
    CHECK_STR(roundtrip(700, -1, "1e40"), "ERR 22003 \"1e40\" is out of range for type real");
    CHECK_STR(roundtrip(700, -1, "1e-46"), "ERR 22003 \"1e-46\" is out of range for type real");
    /* the stored double is the float's value, rounded on input */
    CHECK_STR(stored(700, -1, "0.1"), "FLOAT 0.10000000149011612");
}

static void test_extra_float_digits(void)
{
    S.extra_float_digits = 0;
    CHECK_STR(roundtrip(701, -1, "1e15"), "1e+15");
    CHECK_STR(output(701, -1, value_float(0.1 + 0.2)), "0.3");
    CHECK_STR(roundtrip(701, -1, "1e16"), "1e+16");
    CHECK_STR(roundtrip(701, -1, "123456789012345678"), "1.23456789012346e+17");
    CHECK_STR(roundtrip(701, -1, "1.5e-7"), "1.5e-07");
    CHECK_STR(roundtrip(701, -1, "1e-310"), "9.99999999999997e-311");
    CHECK_STR(roundtrip(701, -1, "5e-324"), "4.94065645841247e-324");
    CHECK_STR(roundtrip(701, -1, "1e23"), "1e+23");
    CHECK_STR(roundtrip(701, -1, "-0"), "-0");
    CHECK_STR(roundtrip(700, -1, "0.1"), "0.1");
    CHECK_STR(roundtrip(700, -1, "1e6"), "1e+06");
    CHECK_STR(roundtrip(700, -1, "123456.7"), "123457");
    CHECK_STR(roundtrip(700, -1, "3.14159265358979"), "3.14159");
    S.extra_float_digits = 3;
    CHECK_STR(output(701, -1, value_float(0.1 + 0.2)), "0.30000000000000004");
    CHECK_STR(roundtrip(700, -1, "3.14159265358979"), "3.1415927");
    CHECK_STR(roundtrip(700, -1, "1.1"), "1.1");
    S.extra_float_digits = -15;
    CHECK_STR(roundtrip(701, -1, "123.456"), "1e+02");
    CHECK_STR(roundtrip(700, -1, "0.1"), "0.1");
    S.extra_float_digits = -4;
    CHECK_STR(roundtrip(701, -1, "3.14159265358979"), "3.1415926536");
    CHECK_STR(roundtrip(700, -1, "3.14159265358979"), "3.1");
    CHECK_STR(roundtrip(701, -1, "123456789"), "123456789");
    settings_reset();
}

int main(void)
{
    settings_reset();
    RUN(test_bool);
    RUN(test_integers);
    RUN(test_oid);
    RUN(test_float8_shortest);
    RUN(test_float8_errors);
    RUN(test_float4);
    RUN(test_extra_float_digits);
    return UNIT_DONE();
}
