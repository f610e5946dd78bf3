/* test_robustness.c — every codec against random and mutated input (deterministic seed):
 * no crash or sanitizer report, every failure carries a SQLSTATE, and whatever text input
 * accepts prints to a text that reads back to the same storage value. */
#include "types_test.h"

#include <stdlib.h>

static const pg_oid oids[] = {16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 700, 701, 1042, 1043, 1082, 1083, 1114,
                              1184, 1186, 1266, 1700, 2950, 3802, PG_OID_VECTOR, 1007, 1009, 1022, 1231, 1185, 3807};

static const char *const seeds[] = {
    "t", "\\x0a1b", "A", "name", "-9223372036854775808", "32767", "2147483647", "hello", "4294967295",
    "{\"a\": [1, 2.5e3, \"x\\u00e9\"]}", "1.5e-7", "-0", "abc  ", "varchar", "2024-01-31", "12:34:56.789",
    "2024-01-31 12:34:56.123456", "2024-07-31 04:05:06 Europe/Paris", "1 year 2 mons -3 days 04:05:06.7",
    "12:00:00+05:30", "-12345.678e-3", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "[1, {\"b\": null}]", "[1,2.5,3]",
    "{1,NULL,3}", "{a,\"b c\",NULL}", "{1.5,NaN}", "{0.1,2}", "{infinity,\"2000-01-01 00:00+00\"}", "{\"{}\"}",
};

static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void mutate(char *buf, size_t *len, size_t cap)
{
    static const char alphabet[] = "0123456789-+:.,{}[]\"\\ eE TtZzPpx'@/NaInfy";
    int edits = 1 + (int)(next_rand() % 4);
    for (int k = 0; k < edits; k++) {
        size_t pos = *len ? next_rand() % (*len + 1) : 0;
        switch (next_rand() % 4) {
        case 0:   /* replace */
            if (pos < *len)
                buf[pos] = (next_rand() % 8) ? alphabet[next_rand() % (sizeof alphabet - 1)] : (char)next_rand();
            break;
        case 1:   /* insert */
            if (*len + 1 < cap) {
                memmove(buf + pos + 1, buf + pos, *len - pos);
                buf[pos] = alphabet[next_rand() % (sizeof alphabet - 1)];
                (*len)++;
            }
            break;
        case 2:   /* delete */
            if (pos < *len) {
                memmove(buf + pos, buf + pos + 1, *len - pos - 1);
                (*len)--;
            }
            break;
        default:  /* truncate */
            *len = pos;
            break;
        }
    }
}

static bool same_value(const sql_value *a, const sql_value *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case VALUE_INT: return a->i == b->i;
    case VALUE_FLOAT: return memcmp(&a->f, &b->f, sizeof a->f) == 0 || (a->f != a->f && b->f != b->f);
    case VALUE_TEXT:
    case VALUE_BLOB: return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
    default: return true;
    }
}

static int accepted, rejected;

/* Text input assumes what the protocol layer guarantees for every message: valid UTF-8
 * without NUL bytes.  Random bytes that are not go to binary input only. */
static bool valid_utf8(const char *p, size_t n)
{
    pg_error e = {0};
    strbuf scratch;
    strbuf_init(&scratch);
    sql_value v;
    bool ok = types_binary_in(&S, PG_OID_TEXT, -1, p, n, &v, &scratch, &e);
    pg_error_clear(&e);
    strbuf_free(&scratch);
    return ok;
}

static void exercise_exact(pg_oid oid, const char *in, size_t len);

/* The input goes in a heap block of exactly `len` bytes, no terminator: a codec reading past
 * the end is an AddressSanitizer report in the SAN=1 build. */
static void exercise(pg_oid oid, const char *in, size_t len)
{
    char *exact = malloc(len ? len : 1);
    if (!exact)
        return;
    memcpy(exact, in, len);
    exercise_exact(oid, exact, len);
    free(exact);
}

static void exercise_exact(pg_oid oid, const char *in, size_t len)
{
    strbuf scratch, text, scratch2, bin;
    strbuf_init(&scratch);
    strbuf_init(&text);
    strbuf_init(&scratch2);
    strbuf_init(&bin);
    pg_error e = {0};
    sql_value v, v2;
    if (!valid_utf8(in, len)) {
        rejected++;
    } else if (types_text_in(&S, oid, -1, in, len, &v, &scratch, &e)) {
        accepted++;
        CHECK(!pg_error_is_set(&e));
        CHECK(types_text_out(&S, oid, -1, &v, &text, &e));
        if (text.data && !types_text_in(&S, oid, -1, text.data, text.len, &v2, &scratch2, &e)) {
            fprintf(stderr, "  oid %u: \"%.*s\" printed as \"%s\" which reads back with: %s\n", oid, (int)len, in, text.data,
                    e.message ? e.message : "");
            CHECK(false);
        } else if (text.data && oid != 1266 && !same_value(&v, &v2)) {
            fprintf(stderr, "  oid %u: \"%.*s\" printed as \"%s\" reads back as another value\n", oid, (int)len, in, text.data);
            CHECK(false);
        }
        if (types_has_binary(oid) && types_binary_out(&S, oid, -1, &v, &bin, &e)) {
            strbuf_reset(&scratch2);
            if (!types_binary_in(&S, oid, -1, bin.data ? bin.data : "", bin.len, &v2, &scratch2, &e)) {
                fprintf(stderr, "  oid %u: \"%.*s\": binary does not read back: %s %s\n", oid, (int)len, in, e.sqlstate, e.message ? e.message : "");
                CHECK(false);
            }
            /* binary input of the same bytes cut short or padded must fail cleanly */
            pg_error_clear(&e);
            if (bin.len > 0 && !types_binary_in(&S, oid, -1, bin.data, bin.len - 1, &v2, &scratch2, &e))
                CHECK(pg_error_is_set(&e));
            pg_error_clear(&e);
        }
    } else {
        rejected++;
        CHECK(pg_error_is_set(&e));
        CHECK(e.message != NULL);
    }
    /* the raw bytes as binary input: never a crash, always an answer */
    pg_error_clear(&e);
    strbuf_reset(&scratch2);
    if (types_has_binary(oid) && !types_binary_in(&S, oid, -1, in, len, &v2, &scratch2, &e))
        CHECK(pg_error_is_set(&e) && strlen(e.sqlstate) == 5);
    pg_error_clear(&e);
    strbuf_free(&scratch);
    strbuf_free(&text);
    strbuf_free(&scratch2);
    strbuf_free(&bin);
}

static void test_mutations(void)
{
    char buf[256];
    for (int round = 0; round < 300; round++) {
        for (size_t s = 0; s < ARRAY_LEN(seeds); s++) {
            size_t len = strlen(seeds[s]);
            memcpy(buf, seeds[s], len);
            if (round)
                mutate(buf, &len, sizeof buf);
            pg_oid oid = round % 3 ? oids[s % ARRAY_LEN(oids)] : oids[next_rand() % ARRAY_LEN(oids)];
            exercise(oid, buf, len);
        }
    }
    CHECK(accepted > 1000);
    CHECK(rejected > 1000);
}

static void test_random_bytes(void)
{
    char buf[64];
    for (int round = 0; round < 3000; round++) {
        size_t len = next_rand() % sizeof buf;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)next_rand();
        exercise(oids[round % ARRAY_LEN(oids)], buf, len);
    }
}

int main(void)
{
    settings_reset();
    S.timezone = tz_lookup("America/New_York");
    RUN(test_mutations);
    RUN(test_random_bytes);
    return UNIT_DONE();
}
