/*
 * auth_md5.c — PostgreSQL's "md5" password scheme.  Stored form: "md5" + hex(md5(password ||
 * user)); challenge: the server sends 4 random salt bytes, the client answers "md5" +
 * hex(md5(hex-part-of-stored || salt)).  The stored hash is therefore password-equivalent:
 * users_file.c keeps the file private, and SCRAM is the default for new passwords.
 *
 * Invariant: the client's answer is compared in constant time, and an unknown user costs the
 * same hashing as a known one.
 */
#include "proto/auth.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* "md5" + lowercase hex of md5(a || b). */
static bool md5_text(const void *a, size_t alen, const void *b, size_t blen,
                     char out[MD5_PASSWD_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
              EVP_DigestUpdate(ctx, a, alen) == 1 && EVP_DigestUpdate(ctx, b, blen) == 1 &&
              EVP_DigestFinal_ex(ctx, digest, &n) == 1 && n == 16;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return false;
    memcpy(out, "md5", 3);
    for (int i = 0; i < 16; i++) {
        out[3 + 2 * i] = hex[digest[i] >> 4];
        out[4 + 2 * i] = hex[digest[i] & 15];
    }
    out[MD5_PASSWD_LEN] = 0;
    return true;
}

bool md5_is_hash(const char *stored)
{
    if (!stored || strncmp(stored, "md5", 3) != 0 || strlen(stored) != MD5_PASSWD_LEN)
        return false;
    return strspn(stored + 3, "0123456789abcdef") == MD5_PASSWD_LEN - 3;
}

bool md5_password_hash(const char *password, const char *user, char out[MD5_PASSWD_LEN + 1],
                       pg_error *err)
{
    if (!md5_text(password, strlen(password), user, strlen(user), out)) {
        pg_error_set(err, "XX000", "could not compute MD5 hash");
        return false;
    }
    return true;
}

bool md5_salted_response(const char *stored_hash, const uint8_t salt[MD5_SALT_LEN],
                         char out[MD5_PASSWD_LEN + 1], pg_error *err)
{
    if (!md5_is_hash(stored_hash)) {
        pg_error_set(err, "XX000", "stored password is not an MD5 hash");
        return false;
    }
    if (!md5_text(stored_hash + 3, MD5_PASSWD_LEN - 3, salt, MD5_SALT_LEN, out)) {
        pg_error_set(err, "XX000", "could not compute MD5 hash");
        return false;
    }
    return true;
}

bool md5_make_salt(uint8_t salt[MD5_SALT_LEN], pg_error *err)
{
    if (RAND_bytes(salt, MD5_SALT_LEN) != 1) {
        pg_error_set(err, "XX000", "could not generate random MD5 salt");
        return false;
    }
    return true;
}

auth_result md5_verify_response(const char *user, const char *stored,
                                const uint8_t salt[MD5_SALT_LEN], const char *response,
                                size_t response_len, strbuf *logdetail, pg_error *err)
{
    /* Unknown users and non-MD5 secrets hash a fixed dummy, so timing does not tell. */
    static const char dummy[] = "md500000000000000000000000000000000";
    bool usable = stored && md5_is_hash(stored);
    char expected[MD5_PASSWD_LEN + 1];
    if (!md5_salted_response(usable ? stored : dummy, salt, expected, err))
        return AUTH_ERROR;
    bool same = response_len == MD5_PASSWD_LEN &&
                CRYPTO_memcmp(expected, response, MD5_PASSWD_LEN) == 0;
    if (usable && same)
        return AUTH_OK;
    if (logdetail) {
        if (!stored)
            strbuf_printf(logdetail, "Role \"%s\" does not exist.", user);
        else if (!usable)
            strbuf_printf(logdetail,
                          "User \"%s\" has a password that cannot be used with MD5 "
                          "authentication.", user);
        else
            strbuf_printf(logdetail, "Password does not match for user \"%s\".", user);
    }
    return AUTH_FAILED;
}
