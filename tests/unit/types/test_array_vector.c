/* test_array_vector.c — one-dimensional arrays (text form, storage form) and pgvector's
 * vector against PostgreSQL 15 / pgvector. */
#include "types_test.h"

static void test_array_text(void)
{
    CHECK_STR(roundtrip(1009, -1, "{1,2,\"a b\",NULL,\"\\\"q\\\"\"}"), "{1,2,\"a b\",NULL,\"\\\"q\\\"\"}");
    CHECK_STR(roundtrip(1007, -1, "{}"), "{}");
    CHECK_STR(roundtrip(1007, -1, "{ 1 , 2 }"), "{1,2}");
    CHECK_STR(roundtrip(1009, -1, "{\"\",null,\"NULL\",a\\,b,\" x \"}"), "{\"\",NULL,\"NULL\",\"a,b\",\" x \"}");
    CHECK_STR(roundtrip(1009, -1, "{\"a{\",\"b}\",\"c\\\\d\",\"\"}"), "{\"a{\",\"b}\",\"c\\\\d\",\"\"}");
    CHECK_STR(roundtrip(1022, -1, "{1.5,NaN,-0,1e20}"), "{1.5,NaN,-0,1e+20}");
    CHECK_STR(roundtrip(1001, -1, "{\\\\x01,\"\\\\xff\"}"), "{\"\\\\x01\",\"\\\\xff\"}");
    CHECK_STR(roundtrip(1007, -1, "[1:2]={1,2}"), "{1,2}");
    CHECK_STR(roundtrip(1185, -1, "{\"2024-01-31 12:00:00+00\",infinity}"), "{\"2024-01-31 12:00:00+00\",infinity}");
    CHECK_STR(roundtrip(1187, -1, "{\"1 day\",2}"), "{\"1 day\",00:00:02}");
    CHECK_STR(roundtrip(1000, -1, "{t,f}"), "{t,f}");
    CHECK_STR(roundtrip(3807, -1, "{\"{\\\"a\\\": 1}\"}"), "{\"{\\\"a\\\": 1}\"}");
    CHECK_STR(roundtrip(1231, types_typmod_numeric(5, 1), "{1.50,2}"), "{1.5,2.0}");
    CHECK_STR(roundtrip(1009, -1, "{ \"a\" , \"b\" }"), "{a,b}");
    CHECK_STR(roundtrip(1009, -1, "{a b,c}"), "{\"a b\",c}");
    CHECK_STR(roundtrip(1009, -1, "{\"\"}"), "{\"\"}");
    CHECK_STR(roundtrip(1020, -1, "{(1,1),(0,0);(2,2),(1,1)}"), "{(1,1),(0,0);(2,2),(1,1)}");   /* box: ';' */
}

static void test_array_storage(void)
{
    CHECK_STR(stored(1007, -1, "{1,NULL,3}"), "TEXT [1,null,3]");
    CHECK_STR(stored(1009, -1, "{a,\"b\\\"c\",\"\\\\\"}"), "TEXT [\"a\",\"b\\\"c\",\"\\\\\"]");
    CHECK_STR(stored(1022, -1, "{1.5,NaN,-Infinity}"), "TEXT [1.5,\"NaN\",\"-Infinity\"]");
    CHECK_STR(stored(1001, -1, "{\"\\\\x00ff\"}"), "TEXT [\"\\\\x00ff\"]");
    CHECK_STR(stored(1231, -1, "{1.50}"), "TEXT [\"1.50\"]");
    CHECK_STR(stored(1000, -1, "{t,f}"), "TEXT [1,0]");
    CHECK_STR(stored(1182, -1, "{2000-01-02}"), "TEXT [1]");
    /* what an engine's JSON functions may produce reads back too */
    CHECK_STR(output(1007, -1, value_text(" [ 1 , 2.0 , null ] ", 20)), "{1,2,NULL}");
    CHECK_STR(output(1009, -1, value_text("[\"\\u00e9\\n\"]", 12)), "{\"é\n\"}");
    CHECK_STR(output(1009, -1, value_text("[1]", 3)), "{1}");
    CHECK_STR(output(1007, -1, value_text("[1", 2)), "ERR XX000 array value is not in storage form");
}

static void test_array_errors(void)
{
    CHECK_STR(roundtrip(1007, -1, "{1,2"), "ERR 22P02 malformed array literal: \"{1,2\"");
    CHECK_STR(in_detail(1007, -1, "{1,2"), "Unexpected end of input.");
    CHECK_STR(in_detail(1007, -1, "1,2"), "Array value must start with \"{\" or dimension information.");
    CHECK_STR(in_detail(1007, -1, "{1,2}x"), "Junk after closing right brace.");
    CHECK_STR(roundtrip(1007, -1, "{a,b}"), "ERR 22P02 invalid input syntax for type integer: \"a\"");
    CHECK_STR(roundtrip(1015, types_typmod_varchar(3), "{abc,defghijklm}"), "ERR 22001 value too long for type character varying(3)");
    CHECK_STR(roundtrip(1007, -1, "{{1,2},{3,4}}"), "ERR 0A000 multidimensional arrays and lower bounds other than 1 are not supported");
    CHECK_STR(in_detail(1009, -1, "{a, {b}}"), "Unexpected \"{\" character.");
    CHECK_STR(in_detail(1009, -1, "{{a},b}"), "Unexpected array element.");
    CHECK_STR(in_detail(1009, -1, "{{a},{b,c}}"), "Multidimensional arrays must have sub-arrays with matching dimensions.");
    CHECK_STR(in_detail(1009, -1, "{{}}"), "Unexpected \"}\" character.");
    CHECK_STR(in_detail(1009, -1, "{{, \"NULL\", a\\,b, NULL}"), "Unexpected \",\" character.");
    CHECK_STR(roundtrip(1009, -1, "{{{{{{{a}}}}}}}"), "ERR 54000 number of array dimensions (7) exceeds the maximum allowed (6)");
    CHECK_STR(roundtrip(1007, -1, "[2:3]={1,2}"), "ERR 0A000 multidimensional arrays and lower bounds other than 1 are not supported");
}

static void test_vector(void)
{
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[1,2.5,3]"), "[1,2.5,3]");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, " [ 1 , 2.5 , 3 ] "), "[1,2.5,3]");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[0.1,1e-7,123456789]"), "[0.1,1e-07,1.2345679e+08]");
    CHECK_STR(roundtrip(PG_OID_VECTOR, 3, "[1,2,3]"), "[1,2,3]");
    CHECK_STR(stored(PG_OID_VECTOR, -1, "[1,-2]"), "BLOB 0000803f000000c0");
    CHECK_STR(roundtrip(PG_OID_VECTOR, 3, "[1,2]"), "ERR 22000 expected 3 dimensions, not 2");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[]"), "ERR 22000 vector must have at least 1 dimension");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[1,NaN]"), "ERR 22000 NaN not allowed in vector");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[1,inf]"), "ERR 22000 infinite value not allowed in vector");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[1,1e39]"), "ERR 22003 \"1e39\" is out of range for type vector");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "1,2"), "ERR 22P02 invalid input syntax for type vector: \"1,2\"");
    CHECK_STR(in_detail(PG_OID_VECTOR, -1, "1,2"), "Vector contents must start with \"[\".");
    CHECK_STR(in_detail(PG_OID_VECTOR, -1, "[1,2]x"), "Junk after closing right brace.");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[1 2]"), "ERR 22P02 invalid input syntax for type vector: \"[1 2]\"");
    CHECK_STR(roundtrip(PG_OID_VECTOR, -1, "[1,]"), "ERR 22P02 invalid input syntax for type vector: \"[1,]\"");
    CHECK_STR(roundtrip(PG_OID_VECTOR_ARRAY, -1, "{\"[1,2]\",\"[3,4]\"}"), "{\"[1,2]\",\"[3,4]\"}");
    CHECK_STR(send_hex(PG_OID_VECTOR, -1, "[1,2.5,3]"), "000300003f8000004020000040400000");
    CHECK_STR(recv_hex(PG_OID_VECTOR, -1, "000300003f8000004020000040400000"), "[1,2.5,3]");
    CHECK_STR(recv_hex(PG_OID_VECTOR, 2, "000300003f8000004020000040400000"), "ERR 22000 expected 2 dimensions, not 3");
    CHECK_STR(recv_hex(PG_OID_VECTOR, -1, "000100013f800000"), "ERR 22P03 expected unused to be 0, not 1");
    CHECK_STR(recv_hex(PG_OID_VECTOR, -1, "000100007fc00000"), "ERR 22000 NaN not allowed in vector");
    CHECK_STR(recv_hex(PG_OID_VECTOR, -1, "000200003f800000"), "ERR 08P01 insufficient data left in message");
    CHECK_STR(recv_hex(PG_OID_VECTOR, -1, "000100003f80000000"), "ERR 22P03 incorrect binary data format");
}

int main(void)
{
    settings_reset();
    RUN(test_array_text);
    RUN(test_array_storage);
    RUN(test_array_errors);
    RUN(test_vector);
    return UNIT_DONE();
}
