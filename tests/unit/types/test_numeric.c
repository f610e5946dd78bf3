/* test_numeric.c — numeric text/binary codecs and arithmetic against PostgreSQL 15. */
#include "types_test.h"

#define NUM(p, s) types_typmod_numeric(p, s)

static const char *op2(const char *op, const char *a, const char *b)
{
    strbuf out;
    strbuf_init(&out);
    pg_error e = {0};
    bool ok;
    size_t al = strlen(a), bl = strlen(b);
    switch (op[0]) {
    case '+': ok = types_numeric_add(a, al, b, bl, &out, &e); break;
    case '-': ok = types_numeric_sub(a, al, b, bl, &out, &e); break;
    case '*': ok = types_numeric_mul(a, al, b, bl, &out, &e); break;
    case '/': ok = types_numeric_div(a, al, b, bl, &out, &e); break;
    case '%': ok = types_numeric_mod(a, al, b, bl, &out, &e); break;
    case '^': ok = types_numeric_power(a, al, b, bl, &out, &e); break;
    case 'd': ok = types_numeric_div_trunc(a, al, b, bl, &out, &e); break;
    default: ok = types_numeric_log(a, al, b, bl, &out, &e); break;
    }
    const char *r = ok ? keep(out.data, out.len) : err_text(&e);
    strbuf_free(&out);
    return r;
}

static const char *op1(numeric_unary_op op, const char *a)
{
    strbuf out;
    strbuf_init(&out);
    pg_error e = {0};
    const char *r = types_numeric_unary(op, a, strlen(a), &out, &e) ? keep(out.data, out.len) : err_text(&e);
    strbuf_free(&out);
    return r;
}

static const char *rnd(const char *a, int scale, bool round)
{
    strbuf out;
    strbuf_init(&out);
    pg_error e = {0};
    bool ok = round ? types_numeric_round(a, strlen(a), scale, &out, &e) : types_numeric_trunc(a, strlen(a), scale, &out, &e);
    const char *r = ok ? keep(out.data, out.len) : err_text(&e);
    strbuf_free(&out);
    return r;
}

static void test_text_in_out(void)
{
    CHECK_STR(roundtrip(1700, -1, "12.345"), "12.345");
    CHECK_STR(roundtrip(1700, NUM(5, 2), "12.345"), "12.35");
    CHECK_STR(roundtrip(1700, -1, "1e3"), "1000");
    CHECK_STR(roundtrip(1700, -1, "1.5e-3"), "0.0015");
    CHECK_STR(roundtrip(1700, -1, "-0.000"), "0.000");
    CHECK_STR(roundtrip(1700, -1, "  +.5 "), "0.5");
    CHECK_STR(roundtrip(1700, -1, "5."), "5");
    CHECK_STR(roundtrip(1700, -1, "inf"), "Infinity");
    CHECK_STR(roundtrip(1700, -1, "-Infinity"), "-Infinity");
    CHECK_STR(roundtrip(1700, -1, "nan"), "NaN");
    CHECK_STR(roundtrip(1700, NUM(4, 2), "NaN"), "NaN");
    CHECK_STR(roundtrip(1700, NUM(1, 0), "0.5"), "1");
    CHECK_STR(roundtrip(1700, NUM(1, 0), "0.0"), "0");
    CHECK_STR(roundtrip(1700, NUM(2, -1), "1.5"), "0");
    CHECK_STR(roundtrip(1700, NUM(3, -2), "1234.5"), "1200");
    CHECK_STR(roundtrip(1700, -1, "-0.5"), "-0.5");
    CHECK_STR(roundtrip(1700, -1, "0.00"), "0.00");
    CHECK_STR(roundtrip(1700, -1, "123456789012345678901234567890.000000000000000000001"),
              "123456789012345678901234567890.000000000000000000001");
    CHECK_STR(stored(1700, NUM(10, 2), "7"), "TEXT 7.00");
    /* engine numbers in a numeric(p,s) column print with its scale */
    CHECK_STR(output(1700, NUM(10, 2), value_int(7)), "7.00");
    CHECK_STR(output(1700, NUM(10, 2), value_float(12.5)), "12.50");
    CHECK_STR(output(1700, -1, value_float(0.1)), "0.1");
    CHECK_STR(output(1700, -1, value_int(-42)), "-42");
}

static void test_text_errors(void)
{
    CHECK_STR(roundtrip(1700, -1, "."), "ERR 22P02 invalid input syntax for type numeric: \".\"");
    CHECK_STR(roundtrip(1700, -1, "abc"), "ERR 22P02 invalid input syntax for type numeric: \"abc\"");
    CHECK_STR(roundtrip(1700, -1, "1e"), "ERR 22P02 invalid input syntax for type numeric: \"1e\"");
    CHECK_STR(roundtrip(1700, NUM(4, 2), "123.456"), "ERR 22003 numeric field overflow");
    CHECK_STR(in_detail(1700, NUM(4, 2), "123.456"), "A field with precision 4, scale 2 must round to an absolute value less than 10^2.");
    CHECK_STR(in_detail(1700, NUM(4, 2), "inf"), "A field with precision 4, scale 2 cannot hold an infinite value.");
    CHECK_STR(in_detail(1700, NUM(1, 0), "9.5"), "A field with precision 1, scale 0 must round to an absolute value less than 10^1.");
    CHECK_STR(in_detail(1700, NUM(4, 0), "99999"), "A field with precision 4, scale 0 must round to an absolute value less than 10^4.");
    CHECK_STR(in_detail(1700, NUM(2, 5), "0.001"), "A field with precision 2, scale 5 must round to an absolute value less than 10^-3.");
}

/* numeric_send output from PostgreSQL 15 */
static void test_binary(void)
{
    CHECK_STR(send_hex(1700, -1, "0.00"), "0000000000000002");
    CHECK_STR(send_hex(1700, -1, "-12345.678"), "0003000140000003000109291a7c");
    CHECK_STR(send_hex(1700, -1, "NaN"), "00000000c0000000");
    CHECK_STR(send_hex(1700, -1, "Infinity"), "00000000d0000020");
    CHECK_STR(send_hex(1700, -1, "-Infinity"), "00000000f0000020");
    CHECK_STR(send_hex(1700, -1, "0.0001"), "0001ffff000000040001");
    CHECK_STR(send_hex(1700, -1, "100000000"), "00010002000000000001");
    CHECK_STR(send_hex(1700, -1, "1e-20"), "0001fffb000000140001");
    CHECK_STR(send_hex(1700, -1, "-0.5"), "0001ffff400000011388");
    CHECK_STR(send_hex(1700, -1, "123456789.123456789"), "0006000200000009000109291a8504d2162e2328");
    CHECK_STR(send_hex(1700, -1, "9999.9999"), "0002000000000004270f270f");
    CHECK_STR(recv_hex(1700, -1, "0003000140000003000109291a7c"), "-12345.678");
    CHECK_STR(recv_hex(1700, -1, "0000000000000002"), "0.00");
    CHECK_STR(recv_hex(1700, -1, "00000000d0000020"), "Infinity");
    CHECK_STR(recv_hex(1700, -1, "00000000c0000000"), "NaN");
    CHECK_STR(recv_hex(1700, -1, "0001fffb000000140001"), "0.00000000000000000001");
    /* digits hidden by the dscale are cut, as numeric_recv does: 12.3456 with dscale 2 */
    CHECK_STR(recv_hex(1700, -1, "0002000000000002000c0d80"), "12.34");
    CHECK_STR(recv_hex(1700, NUM(3, 1), "0002000000000002000c0d80"), "12.3");
    CHECK_STR(recv_hex(1700, -1, "00010000000000002710"), "ERR 22P03 invalid digit in external \"numeric\" value");
    CHECK_STR(recv_hex(1700, -1, "0000000012340000"), "ERR 22P03 invalid sign in external \"numeric\" value");
    CHECK_STR(recv_hex(1700, -1, "00000000000040000"), "ERR 22P03 invalid scale in external \"numeric\" value");
    CHECK_STR(recv_hex(1700, -1, "ffff"), "ERR 22P03 invalid length in external \"numeric\" value");
    CHECK_STR(recv_hex(1700, -1, "000100000000"), "ERR 08P01 insufficient data left in message");
    CHECK_STR(recv_hex(1700, -1, "0000000000000002ff"), "ERR 22P03 incorrect binary data format");
}

static void test_arithmetic(void)
{
    CHECK_STR(op2("/", "1", "3"), "0.33333333333333333333");
    CHECK_STR(op2("/", "10", "4"), "2.5000000000000000");
    CHECK_STR(op2("/", "1.0", "3.00"), "0.33333333333333333333");
    CHECK_STR(op2("/", "100000", "3"), "33333.333333333333");
    CHECK_STR(op2("/", "0.0001", "3"), "0.000033333333333333333333");
    CHECK_STR(op2("/", "2", "0.001"), "2000.0000000000000000");
    CHECK_STR(op2("/", "1", "0"), "ERR 22012 division by zero");
    CHECK_STR(op2("%", "7", "3"), "1");
    CHECK_STR(op2("%", "-7.5", "2"), "-1.5");
    CHECK_STR(op2("d", "-7.5", "2"), "-3");
    CHECK_STR(op2("+", "0.1", "0.20"), "0.30");
    CHECK_STR(op2("-", "1", "1.000"), "0.000");
    CHECK_STR(op2("*", "1.5", "-0.25"), "-0.375");
    CHECK_STR(op2("+", "Infinity", "-Infinity"), "NaN");
    CHECK_STR(op2("*", "Infinity", "0"), "NaN");
    CHECK_STR(op2("/", "5", "Infinity"), "0");
    CHECK_STR(op2("+", "NaN", "1"), "NaN");
}

static void test_functions(void)
{
    CHECK_STR(op1(NUMERIC_SQRT, "2"), "1.414213562373095");
    CHECK_STR(op1(NUMERIC_SQRT, "100"), "10.000000000000000");
    CHECK_STR(op1(NUMERIC_SQRT, "0.0001"), "0.01000000000000000");
    CHECK_STR(op1(NUMERIC_SQRT, "1e20"), "10000000000.00000");
    CHECK_STR(op1(NUMERIC_SQRT, "-1"), "ERR 2201F cannot take square root of a negative number");
    CHECK_STR(op1(NUMERIC_EXP, "1"), "2.7182818284590452");
    CHECK_STR(op1(NUMERIC_EXP, "-10"), "0.00004539992976248485");
    CHECK_STR(op1(NUMERIC_EXP, "100"), "26881171418161354484126255515800135873611119");
    CHECK_STR(op1(NUMERIC_LN, "2"), "0.6931471805599453");
    CHECK_STR(op1(NUMERIC_LN, "1e100"), "230.25850929940457");
    CHECK_STR(op1(NUMERIC_LN, "1.0001"), "0.00009999500033330834");
    CHECK_STR(op1(NUMERIC_LN, "0"), "ERR 2201E cannot take logarithm of zero");
    CHECK_STR(op1(NUMERIC_LN, "-1"), "ERR 2201E cannot take logarithm of a negative number");
    CHECK_STR(op1(NUMERIC_LOG10, "1000"), "3.0000000000000000");
    CHECK_STR(op1(NUMERIC_LOG10, "2"), "0.3010299956639812");
    CHECK_STR(op2("^", "2", "10"), "1024.0000000000000000");
    CHECK_STR(op2("^", "2.0", "10"), "1024.0000000000000000");
    CHECK_STR(op2("^", "1.5", "3"), "3.3750000000000000");
    CHECK_STR(op2("^", "2", "0.5"), "1.4142135623730950");
    CHECK_STR(op2("^", "2", "-2"), "0.2500000000000000");
    CHECK_STR(op2("^", "0.5", "-3"), "8.0000000000000000");
    CHECK_STR(op2("^", "10", "-20"), "0.0000000000000000");
    CHECK_STR(op2("^", "1.1", "100"), "13780.6123398222701841");
    CHECK_STR(op2("^", "-2", "3"), "-8.0000000000000000");
    CHECK_STR(op2("^", "3", "1.5"), "5.1961524227066319");
    CHECK_STR(op2("^", "0", "-1"), "ERR 2201F zero raised to a negative power is undefined");
    CHECK_STR(op2("^", "-2", "0.5"), "ERR 2201F a negative number raised to a non-integer power yields a complex result");
    CHECK_STR(rnd("2.5", 0, true), "3");
    CHECK_STR(rnd("-2.5", 0, true), "-3");
    CHECK_STR(rnd("1234.5678", -2, true), "1200");
    CHECK_STR(rnd("1.234", 2, true), "1.23");
    CHECK_STR(rnd("1.5", 5, true), "1.50000");
    CHECK_STR(rnd("-1.99", 1, false), "-1.9");
    CHECK_STR(rnd("1234.5", -2, false), "1200");
    CHECK_STR(rnd("-6.57", -1, true), "-10");   /* rounding up from zero keeps the sign */
    CHECK_STR(op2("^", "0", "3.87"), "0.0000000000000000");   /* no ln(0) */
    CHECK_STR(op1(NUMERIC_CEIL, "-1.5"), "-1");
    CHECK_STR(op1(NUMERIC_FLOOR, "-1.5"), "-2");
    CHECK_STR(op1(NUMERIC_SIGN, "-3.2"), "-1");
    CHECK_STR(op1(NUMERIC_ABS, "-0.50"), "0.50");
    CHECK_STR(op1(NUMERIC_NEG, "0.50"), "-0.50");
}

static void test_conversions_and_accum(void)
{
    strbuf out;
    strbuf_init(&out);
    types_numeric_from_double(1.0, &out);
    CHECK_STR(out.data, "1");
    strbuf_reset(&out);
    types_numeric_from_double(0.1, &out);
    CHECK_STR(out.data, "0.1");
    strbuf_reset(&out);
    types_numeric_from_double(1.23456789012345678, &out);
    CHECK_STR(out.data, "1.23456789012346");
    strbuf_reset(&out);
    types_numeric_from_double(1e100, &out);
    CHECK_INT(out.len, 101);
    int64_t i;
    pg_error e = {0};
    CHECK(types_numeric_to_int64("-1.5", 4, &i, &e) && i == -2);
    CHECK(types_numeric_to_int64("2.5", 3, &i, &e) && i == 3);
    CHECK(!types_numeric_to_int64("1e19", 4, &i, &e));
    CHECK_STR(e.message, "bigint out of range");
    pg_error_clear(&e);
    double d;
    CHECK(types_numeric_to_double("0.1", 3, &d, &e) && d == 0.1);

    numeric_accum acc;
    types_numeric_accum_init(&acc);
    strbuf_reset(&out);
    CHECK(!types_numeric_accum_avg(&acc, &out, &e));   /* no rows: NULL */
    CHECK(!pg_error_is_set(&e));
    CHECK(types_numeric_accum_text(&acc, "1", 1, &e));
    CHECK(types_numeric_accum_int64(&acc, 2, &e));
    CHECK(types_numeric_accum_text(&acc, "4", 1, &e));
    CHECK(types_numeric_accum_avg(&acc, &out, &e));
    CHECK_STR(out.data, "2.3333333333333333");
    strbuf_reset(&out);
    CHECK(types_numeric_accum_sum(&acc, &out, &e));
    CHECK_STR(out.data, "7");
    types_numeric_accum_free(&acc);
    strbuf_free(&out);

    int c;
    CHECK(types_numeric_cmp("NaN", 3, "Infinity", 8, &c, &e) && c == 1);
    CHECK(types_numeric_cmp("1.50", 4, "1.5", 3, &c, &e) && c == 0);
    CHECK(types_numeric_cmp("-2", 2, "1", 1, &c, &e) && c == -1);
}

int main(void)
{
    settings_reset();
    RUN(test_text_in_out);
    RUN(test_text_errors);
    RUN(test_binary);
    RUN(test_arithmetic);
    RUN(test_functions);
    RUN(test_conversions_and_accum);
    return UNIT_DONE();
}
