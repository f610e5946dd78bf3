/* test_binary.c — typsend/typreceive formats (bytes from PostgreSQL 15's *_send functions)
 * and malformed binary input: truncated, leftover bytes, wrong array element type. */
#include "types_test.h"

static void test_send_scalars(void)
{
    CHECK_STR(send_hex(16, -1, "true"), "01");
    CHECK_STR(send_hex(21, -1, "-2"), "fffe");
    CHECK_STR(send_hex(23, -1, "-123456"), "fffe1dc0");
    CHECK_STR(send_hex(20, -1, "9223372036854775807"), "7fffffffffffffff");
    CHECK_STR(send_hex(26, -1, "4294967295"), "ffffffff");
    CHECK_STR(send_hex(700, -1, "1.5"), "3fc00000");
    CHECK_STR(send_hex(701, -1, "-0.1"), "bfb999999999999a");
    CHECK_STR(send_hex(25, -1, "héllo"), "68c3a96c6c6f");
    CHECK_STR(send_hex(1043, -1, "ab"), "6162");
    CHECK_STR(send_hex(1042, types_typmod_varchar(3), "a"), "612020");
    CHECK_STR(send_hex(19, -1, "pg"), "7067");
    CHECK_STR(send_hex(18, -1, "A"), "41");
    CHECK_STR(send_hex(17, -1, "\\x00ff"), "00ff");
    CHECK_STR(send_hex(1082, -1, "2024-01-31"), "0000225c");
    CHECK_STR(send_hex(1082, -1, "infinity"), "7fffffff");
    CHECK_STR(send_hex(1083, -1, "12:34:56.789"), "0000000a8be62608");
    CHECK_STR(send_hex(1266, -1, "12:34:56.789+05:30"), "0000000a8be62608ffffb2a8");
    CHECK_STR(send_hex(1114, -1, "2024-01-31 12:34:56.123456"), "0002b33be0027e40");
    CHECK_STR(send_hex(1184, -1, "2024-01-31 12:34:56+02"), "0002b33a32d95400");
    CHECK_STR(send_hex(1114, -1, "-infinity"), "8000000000000000");
    CHECK_STR(send_hex(1186, -1, "1 year 2 mons 3 days 04:05:06.789"), "000000036c97ca88000000030000000e");
    CHECK_STR(send_hex(2950, -1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), "a0eebc999c0b4ef8bb6d6bb9bd380a11");
}

static void test_send_arrays(void)
{
    CHECK_STR(send_hex(1007, -1, "{1,NULL,3}"), "00000001000000010000001700000003000000010000000400000001ffffffff0000000400000003");
    CHECK_STR(send_hex(1007, -1, "{}"), "000000000000000000000017");
    CHECK_STR(send_hex(1009, -1, "{a,b}"), "000000010000000000000019000000020000000100000001610000000162");
    CHECK_STR(send_hex(1231, -1, "{1.5,NULL}"), "0000000100000001000006a400000002000000010000000c000200000000000100011388ffffffff");
    CHECK_STR(send_hex(1182, -1, "{2024-01-31}"), "00000001000000000000043a0000000100000001000000040000225c");
    CHECK_STR(send_hex(1000, -1, "{t}"), "00000001000000000000001000000001000000010000000101");
}

/* Every send above reads back to the same text. */
static void test_receive_round_trips(void)
{
    const struct { pg_oid oid; const char *hex, *text; } cases[] = {
        {16, "01", "t"}, {21, "fffe", "-2"}, {23, "fffe1dc0", "-123456"}, {20, "7fffffffffffffff", "9223372036854775807"},
        {26, "ffffffff", "4294967295"}, {700, "3fc00000", "1.5"}, {701, "bfb999999999999a", "-0.1"},
        {25, "68c3a96c6c6f", "héllo"}, {19, "7067", "pg"}, {18, "41", "A"}, {17, "00ff", "\\x00ff"},
        {1082, "0000225c", "2024-01-31"}, {1082, "7fffffff", "infinity"}, {1083, "0000000a8be62608", "12:34:56.789"},
        {1266, "0000000a8be62608ffffb2a8", "12:34:56.789+05:30"}, {1114, "0002b33be0027e40", "2024-01-31 12:34:56.123456"},
        {1184, "0002b33a32d95400", "2024-01-31 10:34:56+00"}, {1114, "8000000000000000", "-infinity"},
        {1186, "000000036c97ca88000000030000000e", "1 year 2 mons 3 days 04:05:06.789"},
        {2950, "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
        {1007, "00000001000000010000001700000003000000010000000400000001ffffffff0000000400000003", "{1,NULL,3}"},
        {1007, "000000000000000000000017", "{}"},
        {1009, "000000010000000000000019000000020000000100000001610000000162", "{a,b}"},
        {1231, "0000000100000001000006a400000002000000010000000c000200000000000100011388ffffffff", "{1.5,NULL}"},
        {1000, "00000001000000000000001000000001000000010000000101", "{t}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        CHECK_STR(recv_hex(cases[i].oid, -1, cases[i].hex), cases[i].text);
    /* typmods apply on receive as in PostgreSQL's *_recv */
    CHECK_STR(recv_hex(1043, types_typmod_varchar(1), "6162"), "ERR 22001 value too long for type character varying(1)");
    CHECK_STR(recv_hex(1042, types_typmod_varchar(3), "61"), "a  ");
    CHECK_STR(recv_hex(1114, 0, "0002b33be0027e40"), "2024-01-31 12:34:56");
}

static void test_malformed(void)
{
    /* truncated */
    CHECK_STR(recv_hex(23, -1, "0001"), "ERR 08P01 insufficient data left in message");
    CHECK_STR(recv_hex(20, -1, "00000000000001"), "ERR 08P01 insufficient data left in message");
    CHECK_STR(recv_hex(16, -1, ""), "ERR 08P01 no data left in message");   /* pq_getmsgbyte */
    CHECK_STR(recv_hex(1186, -1, "000000036c97ca8800000003"), "ERR 08P01 insufficient data left in message");
    CHECK_STR(recv_hex(2950, -1, "a0eebc99"), "ERR 08P01 insufficient data left in message");
    /* leftover bytes */
    CHECK_STR(recv_hex(23, -1, "0000000100"), "ERR 22P03 incorrect binary data format");
    CHECK_STR(recv_hex(16, -1, "0100"), "ERR 22P03 incorrect binary data format");
    CHECK_STR(recv_hex(1082, -1, "0000225c00"), "ERR 22P03 incorrect binary data format");
    CHECK_STR(recv_hex(1007, -1, "00000000000000000000001700"), "ERR 22P03 incorrect binary data format");
    /* range checks of the receive functions */
    CHECK_STR(recv_hex(1083, -1, "000000141dd76001"), "ERR 22008 time out of range");
    CHECK_STR(recv_hex(1114, -1, "7ffffffffffffffe"), "ERR 22008 timestamp out of range");
    CHECK_STR(recv_hex(1266, -1, "0000000a8be62608000186a0"), "ERR 22009 time zone displacement out of range");
    CHECK_STR(recv_hex(25, -1, "e9"), "ERR 22021 invalid byte sequence for encoding \"UTF8\": 0xe9");
    CHECK_STR(recv_hex(25, -1, "6100"), "ERR 22021 invalid byte sequence for encoding \"UTF8\": 0x00");
    /* arrays */
    CHECK_STR(recv_hex(1007, -1, "0000000100000000000000140000000100000001000000080000000000000001"),
              "ERR 42804 binary data has array element type 20 (bigint) instead of expected 23 (integer)");
    CHECK_STR(recv_hex(1007, -1, "ffffffff0000000000000017"), "ERR 22P03 invalid number of dimensions: -1");
    CHECK_STR(recv_hex(1007, -1, "000000070000000000000017"), "ERR 54000 number of array dimensions (7) exceeds the maximum allowed (6)");
    CHECK_STR(recv_hex(1007, -1, "000000010000000200000017"), "ERR 22P03 invalid array flags");
    CHECK_STR(recv_hex(1007, -1, "00000001000000000000001700000002000000010000000400000001"),
              "ERR 08P01 insufficient data left in message");
    CHECK_STR(recv_hex(1007, -1, "000000010000000000000017000000010000000100000005000000010a"),
              "ERR 22P03 improper binary format in array element 1");
    CHECK_STR(recv_hex(1007, -1, "00000001000000000000001700000001000000010000000300000001"),
              "ERR 08P01 insufficient data left in message");
    /* an element length beyond the data: array_recv's own check, 22P03 (PostgreSQL 15) */
    CHECK_STR(recv_hex(1007, -1, "000000010000000000000017000000010000000100000004000000"),
              "ERR 22P03 insufficient data left in message");
    CHECK_STR(recv_hex(1007, -1, "00000002000000000000001700000001000000010000000100000001"),
              "ERR 0A000 multidimensional arrays and lower bounds other than 1 are not supported");
}

static void test_no_binary(void)
{
    CHECK_STR(send_hex(869, -1, "10.0.0.1"), "ERR 42883 no binary output function available for type inet");
    CHECK_STR(recv_hex(869, -1, "00"), "ERR 42883 no binary input function available for type inet");
}

int main(void)
{
    settings_reset();
    RUN(test_send_scalars);
    RUN(test_send_arrays);
    RUN(test_receive_round_trips);
    RUN(test_malformed);
    RUN(test_no_binary);
    return UNIT_DONE();
}
