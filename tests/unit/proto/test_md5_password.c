/*
 * test_md5_password.c — the md5 scheme (a hash made by PostgreSQL 15, a challenge answer
 * computed independently), stored-password kinds, password_encryption, the plaintext check
 * of the "password" method and the choice of challenge for each hba method.
 */
#include "proto/auth.h"
#include "unit.h"

/* CREATE ROLE m1 PASSWORD 'secret' with password_encryption = md5, on PostgreSQL 15.20. */
static const char pg_md5[] = "md5132ecbcbfa11be529b63ea4c4e734056";
static const uint8_t salt[MD5_SALT_LEN] = {1, 2, 3, 4};
/* "md5" + md5hex("132ecbcbfa11be529b63ea4c4e734056" || 01 02 03 04), by Python's hashlib. */
static const char answer[] = "md5d5d56b111425e15f006f7e941da8dc2e";

static void test_md5_hash_and_challenge(void)
{
    pg_error err = {0};
    char out[MD5_PASSWD_LEN + 1];
    CHECK(md5_password_hash("secret", "m1", out, &err));
    CHECK_STR(out, pg_md5);
    CHECK(md5_salted_response(pg_md5, salt, out, &err));
    CHECK_STR(out, answer);
    CHECK(md5_is_hash(pg_md5));
    CHECK(!md5_is_hash("md5132ECBCBFA11BE529B63EA4C4E734056"));   /* PostgreSQL: lowercase */
    CHECK(!md5_is_hash("md5132ecbcbfa11be529b63ea4c4e73405"));
    CHECK(!md5_is_hash("md5132ecbcbfa11be529b63ea4c4e7340566"));
    CHECK(!md5_is_hash("xyz132ecbcbfa11be529b63ea4c4e734056"));
    CHECK(!md5_is_hash(NULL));
    CHECK(!md5_salted_response("secret", salt, out, &err));
    pg_error_clear(&err);

    uint8_t s1[4], s2[4];
    CHECK(md5_make_salt(s1, &err) && md5_make_salt(s2, &err));
    CHECK(memcmp(s1, s2, 4) != 0 || memcmp(s1, "\0\0\0\0", 4) != 0);
}

static void test_md5_verify(void)
{
    pg_error err = {0};
    strbuf log;
    strbuf_init(&log);
    CHECK_INT(md5_verify_response("m1", pg_md5, salt, answer, strlen(answer), &log, &err), AUTH_OK);
    CHECK_INT(log.len, 0);
    char wrong[] = "md5d5d56b111425e15f006f7e941da8dc2f";
    CHECK_INT(md5_verify_response("m1", pg_md5, salt, wrong, strlen(wrong), &log, &err), AUTH_FAILED);
    CHECK_STR(log.data, "Password does not match for user \"m1\".");
    strbuf_reset(&log);
    /* A prefix of the right answer, or the answer plus junk, is not the answer. */
    CHECK_INT(md5_verify_response("m1", pg_md5, salt, answer, 20, NULL, &err), AUTH_FAILED);
    CHECK_INT(md5_verify_response("m1", pg_md5, salt, "md5d5d56b111425e15f006f7e941da8dc2eX", 36,
                                  NULL, &err), AUTH_FAILED);
    CHECK_INT(md5_verify_response("ghost", NULL, salt, answer, strlen(answer), &log, &err),
              AUTH_FAILED);
    CHECK_STR(log.data, "Role \"ghost\" does not exist.");
    strbuf_reset(&log);
    CHECK_INT(md5_verify_response("s", "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi"
                                       "4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrm"
                                       "fPwDl2dU=", salt, answer, strlen(answer), &log, &err),
              AUTH_FAILED);
    CHECK_STR(log.data, "User \"s\" has a password that cannot be used with MD5 authentication.");
    strbuf_free(&log);
}

static void test_password_kinds(void)
{
    pg_error err = {0};
    CHECK_INT(password_type_of(pg_md5), PASSWORD_TYPE_MD5);
    CHECK_INT(password_type_of("secret"), PASSWORD_TYPE_PLAINTEXT);
    CHECK_INT(password_type_of(NULL), PASSWORD_TYPE_PLAINTEXT);
    password_type t;
    CHECK(password_encryption_parse("scram-sha-256", &t) && t == PASSWORD_TYPE_SCRAM_SHA_256);
    CHECK(password_encryption_parse("MD5", &t) && t == PASSWORD_TYPE_MD5);
    CHECK(!password_encryption_parse("plain", &t));

    char out[SCRAM_SECRET_TEXT_MAX];
    CHECK(password_encrypt("secret", "m1", PASSWORD_TYPE_MD5, 0, out, &err));
    CHECK_STR(out, pg_md5);
    CHECK(password_encrypt("secret", "m1", PASSWORD_TYPE_SCRAM_SHA_256, 0, out, &err));
    CHECK_INT(password_type_of(out), PASSWORD_TYPE_SCRAM_SHA_256);
    CHECK(strncmp(out, "SCRAM-SHA-256$4096:", 19) == 0);
    CHECK(!password_encrypt("secret", "m1", PASSWORD_TYPE_PLAINTEXT, 0, out, &err));
    pg_error_clear(&err);

    strbuf log;
    strbuf_init(&log);
    CHECK_INT(password_verify_plain("m1", pg_md5, "secret", &log, &err), AUTH_OK);
    CHECK_INT(password_verify_plain("m1", pg_md5, "Secret", &log, &err), AUTH_FAILED);
    CHECK_STR(log.data, "Password does not match for user \"m1\".");
    strbuf_reset(&log);
    CHECK_INT(password_verify_plain("x", NULL, "secret", &log, &err), AUTH_FAILED);
    CHECK_STR(log.data, "Role \"x\" does not exist.");
    strbuf_reset(&log);
    CHECK_INT(password_verify_plain("x", "secret", "secret", &log, &err), AUTH_FAILED);
    CHECK_STR(log.data, "Password of user \"x\" is in unrecognized format.");
    strbuf_free(&log);
}

static void test_choose_challenge(void)
{
    const char *scram = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzp"
                        "cXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
    CHECK_INT(auth_choose_challenge(HBA_MD5, pg_md5, PASSWORD_TYPE_SCRAM_SHA_256), AUTH_CHALLENGE_MD5);
    CHECK_INT(auth_choose_challenge(HBA_MD5, scram, PASSWORD_TYPE_MD5), AUTH_CHALLENGE_SCRAM);
    CHECK_INT(auth_choose_challenge(HBA_MD5, NULL, PASSWORD_TYPE_MD5), AUTH_CHALLENGE_MD5);
    CHECK_INT(auth_choose_challenge(HBA_MD5, NULL, PASSWORD_TYPE_SCRAM_SHA_256), AUTH_CHALLENGE_SCRAM);
    CHECK_INT(auth_choose_challenge(HBA_SCRAM_SHA_256, pg_md5, PASSWORD_TYPE_MD5), AUTH_CHALLENGE_SCRAM);
    CHECK_INT(auth_choose_challenge(HBA_PASSWORD, pg_md5, PASSWORD_TYPE_MD5), AUTH_CHALLENGE_CLEARTEXT);
    CHECK_INT(auth_choose_challenge(HBA_TRUST, pg_md5, PASSWORD_TYPE_MD5), AUTH_CHALLENGE_NONE);
    CHECK_INT(auth_choose_challenge(HBA_CERT, NULL, PASSWORD_TYPE_MD5), AUTH_CHALLENGE_NONE);
}

int main(void)
{
    RUN(test_md5_hash_and_challenge);
    RUN(test_md5_verify);
    RUN(test_password_kinds);
    RUN(test_choose_challenge);
    return UNIT_DONE();
}
