/*
 * auth_scram_secret.c — SCRAM-SHA-256 secrets (RFC 5802 §3, RFC 7677): deriving one from a
 * password, the text form PostgreSQL stores in pg_authid.rolpassword, the mock secret of an
 * unknown user, and the plaintext check of the "password" method.
 *
 *   SaltedPassword = Hi(SASLprep(password), salt, i)      (PBKDF2-HMAC-SHA-256)
 *   ClientKey = HMAC(SaltedPassword, "Client Key")   StoredKey = H(ClientKey)
 *   ServerKey = HMAC(SaltedPassword, "Server Key")
 *
 * Text form: SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>
 */
#include "proto/auth.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

bool scram_hash(const void *data, size_t len, uint8_t out[SCRAM_KEY_LEN])
{
    unsigned int n = 0;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == SCRAM_KEY_LEN;
}

bool scram_hmac(const uint8_t key[SCRAM_KEY_LEN], const void *data, size_t len,
                uint8_t out[SCRAM_KEY_LEN])
{
    unsigned int n = 0;
    return HMAC(EVP_sha256(), key, SCRAM_KEY_LEN, data, len, out, &n) != NULL &&
           n == SCRAM_KEY_LEN;
}

bool scram_salted_password(const char *password, const uint8_t *salt, size_t salt_len,
                           int iterations, uint8_t out[SCRAM_KEY_LEN])
{
    size_t plen = strlen(password);
    if (plen > INT_MAX || salt_len > INT_MAX || iterations < 1)
        return false;
    return PKCS5_PBKDF2_HMAC(password, (int)plen, salt, (int)salt_len, iterations,
                             EVP_sha256(), SCRAM_KEY_LEN, out) == 1;
}

/* StoredKey and ServerKey from SaltedPassword. */
static bool keys_from_salted(const uint8_t salted[SCRAM_KEY_LEN], scram_secret *out)
{
    uint8_t client_key[SCRAM_KEY_LEN];
    bool ok = scram_hmac(salted, "Client Key", 10, client_key) &&
              scram_hash(client_key, SCRAM_KEY_LEN, out->stored_key) &&
              scram_hmac(salted, "Server Key", 10, out->server_key);
    OPENSSL_cleanse(client_key, sizeof client_key);
    return ok;
}

bool scram_secret_derive(const char *password, const uint8_t *salt, size_t salt_len,
                         int iterations, scram_secret *out, pg_error *err)
{
    if (iterations < 1) {
        pg_error_set(err, "22023", "SCRAM iteration count must be at least 1");
        return false;
    }
    if (salt_len == 0 || salt_len > SCRAM_MAX_SALT_LEN) {
        pg_error_set(err, "22023", "SCRAM salt must be 1 to %d bytes long", SCRAM_MAX_SALT_LEN);
        return false;
    }
    char *prepared = saslprep_password(password, err);
    if (!prepared)
        return false;
    uint8_t salted[SCRAM_KEY_LEN];
    memset(out, 0, sizeof *out);
    out->iterations = iterations;
    out->salt_len = salt_len;
    memcpy(out->salt, salt, salt_len);
    bool ok = scram_salted_password(prepared, salt, salt_len, iterations, salted) &&
              keys_from_salted(salted, out);
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(prepared, strlen(prepared));
    free(prepared);
    if (!ok)
        pg_error_set(err, "XX000", "could not compute SCRAM keys");
    return ok;
}

bool scram_secret_generate(const char *password, int iterations, scram_secret *out,
                           pg_error *err)
{
    uint8_t salt[SCRAM_DEFAULT_SALT_LEN];
    if (RAND_bytes(salt, sizeof salt) != 1) {
        pg_error_set(err, "XX000", "could not generate random salt");
        return false;
    }
    return scram_secret_derive(password, salt, sizeof salt, iterations, out, err);
}

/* Decode one base64 field [p, end) into at most `cap` bytes; -1 if invalid. */
static long decode_field(const char *p, const char *end, uint8_t *dst, size_t cap)
{
    return auth_b64_decode(p, (size_t)(end - p), dst, cap);
}

bool scram_secret_parse(const char *text, scram_secret *out)
{
    static const char scheme[] = "SCRAM-SHA-256$";
    if (!text || strncmp(text, scheme, sizeof scheme - 1) != 0)
        return false;
    const char *iter = text + sizeof scheme - 1;
    const char *colon1 = strchr(iter, ':');
    if (!colon1)
        return false;
    const char *salt = colon1 + 1;
    const char *dollar = strchr(salt, '$');
    if (!dollar)
        return false;
    const char *stored = dollar + 1;
    const char *colon2 = strchr(stored, ':');
    if (!colon2)
        return false;
    const char *server = colon2 + 1;
    const char *end = server + strlen(server);

    /* Iterations: decimal digits only, 1 .. INT_MAX. */
    if (iter == colon1 || colon1 - iter > 10)
        return false;
    long long n = 0;
    for (const char *p = iter; p < colon1; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (*p - '0');
    }
    if (n < 1 || n > INT_MAX)
        return false;

    scram_secret s;
    memset(&s, 0, sizeof s);
    s.iterations = (int)n;
    long len = decode_field(salt, dollar, s.salt, sizeof s.salt);
    if (len <= 0)
        return false;
    s.salt_len = (size_t)len;
    if (decode_field(stored, colon2, s.stored_key, sizeof s.stored_key) != SCRAM_KEY_LEN ||
        decode_field(server, end, s.server_key, sizeof s.server_key) != SCRAM_KEY_LEN)
        return false;
    *out = s;
    return true;
}

void scram_secret_format(const scram_secret *s, char out[SCRAM_SECRET_TEXT_MAX])
{
    char salt[auth_b64_encoded_len(SCRAM_MAX_SALT_LEN) + 1];
    char stored[auth_b64_encoded_len(SCRAM_KEY_LEN) + 1];
    char server[auth_b64_encoded_len(SCRAM_KEY_LEN) + 1];
    size_t salt_len = s->salt_len <= SCRAM_MAX_SALT_LEN ? s->salt_len : SCRAM_MAX_SALT_LEN;
    auth_b64_encode(s->salt, salt_len, salt);
    auth_b64_encode(s->stored_key, SCRAM_KEY_LEN, stored);
    auth_b64_encode(s->server_key, SCRAM_KEY_LEN, server);
    snprintf(out, SCRAM_SECRET_TEXT_MAX, "SCRAM-SHA-256$%d:%s$%s:%s", s->iterations, salt,
             stored, server);
}

void scram_secret_mock(const char *user, const uint8_t *mock_nonce, size_t mock_nonce_len,
                       int iterations, scram_secret *out)
{
    uint8_t digest[SCRAM_KEY_LEN];
    memset(out, 0, sizeof *out);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
              EVP_DigestUpdate(ctx, user, strlen(user)) == 1 &&
              (mock_nonce_len == 0 || EVP_DigestUpdate(ctx, mock_nonce, mock_nonce_len) == 1) &&
              EVP_DigestFinal_ex(ctx, digest, NULL) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        /* Cannot happen with the default provider; a salt that is still a function of the
         * name alone keeps the exchange going and failing. */
        memset(digest, 0, sizeof digest);
        for (size_t i = 0; user[i]; i++)
            digest[i % SCRAM_KEY_LEN] ^= (uint8_t)user[i];
    }
    out->iterations = iterations > 0 ? iterations : SCRAM_DEFAULT_ITERATIONS;
    out->salt_len = SCRAM_DEFAULT_SALT_LEN;
    memcpy(out->salt, digest, SCRAM_DEFAULT_SALT_LEN);
    /* StoredKey and ServerKey stay zero: a doomed exchange never uses them to succeed. */
}

auth_result scram_verify_plain_password(const scram_secret *s, const char *password,
                                        pg_error *err)
{
    char *prepared = saslprep_password(password, err);
    if (!prepared)
        return AUTH_ERROR;
    uint8_t salted[SCRAM_KEY_LEN], server_key[SCRAM_KEY_LEN];
    bool ok = scram_salted_password(prepared, s->salt, s->salt_len, s->iterations, salted) &&
              scram_hmac(salted, "Server Key", 10, server_key);
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(prepared, strlen(prepared));
    free(prepared);
    if (!ok) {
        pg_error_set(err, "XX000", "could not compute server key");
        return AUTH_ERROR;
    }
    bool match = CRYPTO_memcmp(server_key, s->server_key, SCRAM_KEY_LEN) == 0;
    return match ? AUTH_OK : AUTH_FAILED;
}
