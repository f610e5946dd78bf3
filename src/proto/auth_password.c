/*
 * auth_password.c — what a stored password is (PostgreSQL's get_password_type), how a new
 * one is stored (password_encryption), the cleartext "password" method's check
 * (plain_crypt_verify), and which challenge a password method sends.
 */
#include "proto/auth.h"

#include <string.h>

#include <openssl/crypto.h>

password_type password_type_of(const char *stored)
{
    scram_secret s;
    if (md5_is_hash(stored))
        return PASSWORD_TYPE_MD5;
    if (stored && scram_secret_parse(stored, &s)) {
        OPENSSL_cleanse(&s, sizeof s);
        return PASSWORD_TYPE_SCRAM_SHA_256;
    }
    return PASSWORD_TYPE_PLAINTEXT;
}

bool password_encryption_parse(const char *setting, password_type *out)
{
    if (ascii_streq_ci(setting, "scram-sha-256")) {
        *out = PASSWORD_TYPE_SCRAM_SHA_256;
        return true;
    }
    if (ascii_streq_ci(setting, "md5")) {
        *out = PASSWORD_TYPE_MD5;
        return true;
    }
    return false;
}

bool password_encrypt(const char *password, const char *user, password_type kind,
                      int iterations, char out[SCRAM_SECRET_TEXT_MAX], pg_error *err)
{
    if (kind == PASSWORD_TYPE_MD5) {
        char hash[MD5_PASSWD_LEN + 1];
        if (!md5_password_hash(password, user, hash, err))
            return false;
        memcpy(out, hash, sizeof hash);
        return true;
    }
    if (kind != PASSWORD_TYPE_SCRAM_SHA_256) {
        pg_error_set(err, "22023", "passwords are stored as SCRAM-SHA-256 secrets or MD5 hashes");
        return false;
    }
    scram_secret s;
    if (!scram_secret_generate(password, iterations > 0 ? iterations : SCRAM_DEFAULT_ITERATIONS,
                               &s, err))
        return false;
    scram_secret_format(&s, out);
    OPENSSL_cleanse(&s, sizeof s);
    return true;
}

auth_result password_verify_plain(const char *user, const char *stored, const char *password,
                                  strbuf *logdetail, pg_error *err)
{
    if (!stored) {
        /* Spend what a real check costs, so that timing does not reveal unknown users. */
        scram_secret dummy;
        static const uint8_t salt[SCRAM_DEFAULT_SALT_LEN];
        if (!scram_secret_derive(password, salt, sizeof salt, SCRAM_DEFAULT_ITERATIONS, &dummy,
                                 err))
            return AUTH_ERROR;
        if (logdetail)
            strbuf_printf(logdetail, "Role \"%s\" does not exist.", user);
        return AUTH_FAILED;
    }
    auth_result r = AUTH_FAILED;
    switch (password_type_of(stored)) {
    case PASSWORD_TYPE_SCRAM_SHA_256: {
        scram_secret s;
        if (!scram_secret_parse(stored, &s))
            break;
        r = scram_verify_plain_password(&s, password, err);
        OPENSSL_cleanse(&s, sizeof s);
        break;
    }
    case PASSWORD_TYPE_MD5: {
        char hash[MD5_PASSWD_LEN + 1];
        if (!md5_password_hash(password, user, hash, err))
            return AUTH_ERROR;
        r = CRYPTO_memcmp(hash, stored, MD5_PASSWD_LEN) == 0 ? AUTH_OK : AUTH_FAILED;
        break;
    }
    case PASSWORD_TYPE_PLAINTEXT:
        /* Never stored by this server (users_file refuses it); PostgreSQL would call the
         * format unrecognised too. */
        if (logdetail)
            strbuf_printf(logdetail, "Password of user \"%s\" is in unrecognized format.", user);
        return AUTH_FAILED;
    }
    if (r == AUTH_FAILED && logdetail)
        strbuf_printf(logdetail, "Password does not match for user \"%s\".", user);
    return r;
}

auth_challenge auth_choose_challenge(hba_method method, const char *stored,
                                     password_type password_encryption)
{
    switch (method) {
    case HBA_PASSWORD:
        return AUTH_CHALLENGE_CLEARTEXT;
    case HBA_MD5: {
        /* An unknown user "has" a password of the default kind, so that it blends in. */
        password_type kind = stored ? password_type_of(stored) : password_encryption;
        return kind == PASSWORD_TYPE_MD5 ? AUTH_CHALLENGE_MD5 : AUTH_CHALLENGE_SCRAM;
    }
    case HBA_SCRAM_SHA_256:
        return AUTH_CHALLENGE_SCRAM;
    case HBA_TRUST:
    case HBA_REJECT:
    case HBA_CERT:
    case HBA_IMPLICIT_REJECT:
        break;
    }
    return AUTH_CHALLENGE_NONE;
}
