/* test_json.c — json validation and jsonb normalisation against PostgreSQL 15. */
#include "types_test.h"

static void test_jsonb_normalisation(void)
{
    CHECK_STR(roundtrip(3802, -1, "{\"b\": 1, \"a\": [1,2,{\"cc\":null, \"c\": true}], \"a\": \"x\\u00e9\\n\\u0001\", \"aa\": 1.50, \"n\": -0, \"e\": 1E-2}"),
              "{\"a\": \"xé\\n\\u0001\", \"b\": 1, \"e\": 0.01, \"n\": 0, \"aa\": 1.50}");
    CHECK_STR(roundtrip(3802, -1, "  \"str\" "), "\"str\"");
    CHECK_STR(roundtrip(3802, -1, "1e3"), "1000");
    CHECK_STR(roundtrip(3802, -1, "[]"), "[]");
    CHECK_STR(roundtrip(3802, -1, "{}"), "{}");
    CHECK_STR(roundtrip(3802, -1, "[{}, [], \"\"]"), "[{}, [], \"\"]");
    CHECK_STR(roundtrip(3802, -1, "{\"a\":{\"z\":1,\"y\":[true,false,null]}}"), "{\"a\": {\"y\": [true, false, null], \"z\": 1}}");
    CHECK_STR(roundtrip(3802, -1, "\"\\ud83d\\ude00 \\/ \\\"\""), "\"😀 / \\\"\"");
    CHECK_STR(stored(3802, -1, "{\"k\" : [1 , 2]}"), "TEXT {\"k\": [1, 2]}");
}

static void test_json_kept_as_given(void)
{
    CHECK_STR(roundtrip(114, -1, "\"\\u0000\""), "\"\\u0000\"");
    CHECK_STR(roundtrip(114, -1, " {\"a\" : 1 } "), " {\"a\" : 1 } ");
    CHECK_STR(roundtrip(114, -1, "{\"a\":1,\"a\":2}"), "{\"a\":1,\"a\":2}");
}

static void test_errors(void)
{
    CHECK_STR(roundtrip(114, -1, "{\"a\":1,"), "ERR 22P02 invalid input syntax for type json");
    CHECK_STR(in_detail(114, -1, "{\"a\":1,"), "The input string ended unexpectedly.");
    CHECK_STR(in_detail(114, -1, "{\"a\" 1}"), "Expected \":\", but found \"1\".");
    CHECK_STR(in_detail(114, -1, "tru"), "Token \"tru\" is invalid.");
    CHECK_STR(in_detail(3802, -1, "[1,2"), "The input string ended unexpectedly.");
    CHECK_STR(in_detail(114, -1, "01"), "Token \"01\" is invalid.");
    CHECK_STR(in_detail(3802, -1, "\"\\ud800\""), "Unicode low surrogate must follow a high surrogate.");
    CHECK_STR(in_detail(114, -1, "{\"a\":1}x"), "Token \"x\" is invalid.");
    CHECK_STR(in_detail(114, -1, "\"a\tb\""), "Character with value 0x09 must be escaped.");
    CHECK_STR(in_detail(114, -1, "1."), "Token \"1.\" is invalid.");
    CHECK_STR(in_detail(114, -1, "\"\\x\""), "Escape sequence \"\\x\" is invalid.");
    CHECK_STR(in_detail(114, -1, ""), "The input string ended unexpectedly.");
    CHECK_STR(in_detail(114, -1, "[1,]"), "Expected JSON value, but found \"]\".");
    CHECK_STR(in_detail(114, -1, "{\"a\":1 \"b\":2}"), "Expected \",\" or \"}\", but found \"\"b\"\".");
    CHECK_STR(roundtrip(3802, -1, "\"\\u0000\""), "ERR 22P05 unsupported Unicode escape sequence");
    CHECK_STR(in_detail(3802, -1, "\"\\u0000\""), "\\u0000 cannot be converted to text.");

    strbuf scratch;
    strbuf_init(&scratch);
    pg_error e = {0};
    sql_value v;
    CHECK(!types_text_in(&S, 114, -1, "{\"a\" 1}", 8, &v, &scratch, &e));
    CHECK_STR(e.context, "JSON data, line 1: {\"a\" 1...");
    pg_error_clear(&e);
    CHECK(!types_text_in(&S, 114, -1, "[1,\n2,\nx]", 9, &v, &scratch, &e));
    CHECK_STR(e.context, "JSON data, line 3: x...");
    pg_error_clear(&e);
    strbuf_free(&scratch);
}

static void test_binary(void)
{
    CHECK_STR(send_hex(3802, -1, "{\"a\":1}"), "017b2261223a20317d");
    CHECK_STR(send_hex(114, -1, "{\"a\":1}"), "7b2261223a317d");
    CHECK_STR(recv_hex(3802, -1, "017b2261223a20317d"), "{\"a\": 1}");
    CHECK_STR(recv_hex(3802, -1, "027b7d"), "ERR XX000 unsupported jsonb version number 2");
    CHECK_STR(recv_hex(3802, -1, ""), "ERR 08P01 insufficient data left in message");
    CHECK_STR(recv_hex(114, -1, "7b"), "ERR 22P02 invalid input syntax for type json");
}

int main(void)
{
    settings_reset();
    RUN(test_jsonb_normalisation);
    RUN(test_json_kept_as_given);
    RUN(test_errors);
    RUN(test_binary);
    return UNIT_DONE();
}
