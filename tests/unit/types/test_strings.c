/* test_strings.c — text, varchar, bpchar, name, "char", bytea and uuid against PostgreSQL 15. */
#include "types_test.h"

#define VC(n) types_typmod_varchar(n)

static void test_text_varchar(void)
{
    CHECK_STR(roundtrip(25, -1, "héllo wörld"), "héllo wörld");
    CHECK_STR(roundtrip(25, -1, ""), "");
    CHECK_STR(stored(1043, VC(3), "abc  "), "TEXT abc");
    CHECK_STR(stored(1043, VC(3), "ab"), "TEXT ab");
    CHECK_STR(stored(1043, VC(10), "abc    "), "TEXT abc    ");
    CHECK_STR(roundtrip(1043, VC(3), "abcd"), "ERR 22001 value too long for type character varying(3)");
    CHECK_STR(roundtrip(1043, VC(3), "ab c"), "ERR 22001 value too long for type character varying(3)");
    CHECK_STR(stored(1043, VC(2), "éé "), "TEXT éé");   /* lengths count characters */
    CHECK_STR(output(25, -1, value_int(42)), "42");
}

static void test_bpchar(void)
{
    CHECK_STR(stored(1042, VC(3), "a"), "TEXT a  ");
    CHECK_STR(stored(1042, VC(3), "ab    "), "TEXT ab ");
    CHECK_STR(stored(1042, VC(3), "é"), "TEXT é  ");
    CHECK_STR(roundtrip(1042, VC(3), "abcd"), "ERR 22001 value too long for type character(3)");
    CHECK_STR(stored(1042, -1, "ab"), "TEXT ab");
    /* padding restored on output if an engine lost it */
    CHECK_STR(output(1042, VC(4), value_text("ab", 2)), "ab  ");
}

static void test_name_char(void)
{
    char longname[80];
    memset(longname, 'x', 70);
    longname[70] = 0;
    CHECK_INT(strlen(roundtrip(19, -1, longname)), 63);
    char accents[100] = "";
    for (int i = 0; i < 40; i++)
        strcat(accents, "é");
    CHECK_INT(strlen(roundtrip(19, -1, accents)), 62);   /* 31 characters: never split one */
    CHECK_STR(roundtrip(18, -1, "ab"), "a");
    CHECK_STR(roundtrip(18, -1, ""), "");
    CHECK_STR(roundtrip(18, -1, "\\101"), "A");
    CHECK_STR(roundtrip(18, -1, "\\377"), "\\377");
}

static void test_bytea(void)
{
    CHECK_STR(roundtrip(17, -1, "a\\\\b\\101\\000 "), "\\x615c62410020");
    CHECK_STR(roundtrip(17, -1, ""), "\\x");
    CHECK_STR(roundtrip(17, -1, "abc"), "\\x616263");
    CHECK_STR(roundtrip(17, -1, "\\xAB cd\n"), "\\xabcd");
    CHECK_STR(roundtrip(17, -1, "\\x 41 42"), "\\x4142");
    CHECK_STR(stored(17, -1, "\\x00ff"), "BLOB 00ff");
    CHECK_STR(roundtrip(17, -1, "\\x4"), "ERR 22023 invalid hexadecimal data: odd number of digits");
    CHECK_STR(roundtrip(17, -1, "\\x4g"), "ERR 22023 invalid hexadecimal digit: \"g\"");
    CHECK_STR(roundtrip(17, -1, "\\x4 1"), "ERR 22023 invalid hexadecimal digit: \" \"");
    CHECK_STR(roundtrip(17, -1, "a\\b"), "ERR 22P02 invalid input syntax for type bytea");
    S.bytea_output = BYTEA_OUTPUT_ESCAPE;
    CHECK_STR(roundtrip(17, -1, "a\\\\b\\101\\000 "), "a\\\\bA\\000 ");
    CHECK_STR(roundtrip(17, -1, "\\x7f80ff0d"), "\\177\\200\\377\\015");
    settings_reset();
}

static void test_uuid(void)
{
    CHECK_STR(roundtrip(2950, -1, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK_STR(roundtrip(2950, -1, "A0EEBC999C0B4EF8BB6D6BB9BD380A11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK_STR(roundtrip(2950, -1, "a0ee-bc99-9c0b4ef8-bb6d6bb9-bd380a11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK_STR(roundtrip(2950, -1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"),
              "ERR 22P02 invalid input syntax for type uuid: \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1\"");
    CHECK_STR(roundtrip(2950, -1, " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
              "ERR 22P02 invalid input syntax for type uuid: \" a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
    CHECK_STR(roundtrip(2950, -1, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
              "ERR 22P02 invalid input syntax for type uuid: \"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
    CHECK_STR(stored(2950, -1, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), "TEXT a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

static void test_opaque_types(void)
{
    /* types without a codec keep PostgreSQL's text form as given */
    CHECK_STR(roundtrip(869, -1, "192.168.0.1/24"), "192.168.0.1/24");
    CHECK_STR(roundtrip(3904, -1, "[1,5)"), "[1,5)");
    CHECK(!types_has_binary(869));
}

int main(void)
{
    settings_reset();
    RUN(test_text_varchar);
    RUN(test_bpchar);
    RUN(test_name_char);
    RUN(test_bytea);
    RUN(test_uuid);
    RUN(test_opaque_types);
    return UNIT_DONE();
}
