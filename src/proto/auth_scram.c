/*
 * auth_scram.c — the server side of one SCRAM-SHA-256[-PLUS] exchange (RFC 5802, RFC 7677),
 * with PostgreSQL's behaviour and error texts, as a state machine over message bytes:
 *
 *   scram_begin(mechanism, stored secret, channel binding)      after SASLInitialResponse
 *   scram_exchange(client-first-message)  -> server-first-message   (CONTINUE)
 *   scram_exchange(client-final-message)  -> server-final-message   (SUCCESS) or FAILURE
 *
 * Invariants:
 * - Input is copied into a NUL-terminated buffer only after checking that it holds no NUL, so
 *   the parser can never run past its end: every step stops at NUL or ','.
 * - An unknown user, or one without a usable SCRAM secret, gets a mock secret (deterministic
 *   salt) and the exchange runs every step, including the proof computation, before failing;
 *   the client cannot tell it apart from a wrong password.
 * - Proof and nonces are compared with CRYPTO_memcmp.
 * - After an ERROR the state refuses further input.
 */
#include "proto/auth.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#define SCRAM_RAW_NONCE_LEN 18
#define CBIND_HEADER "p=tls-server-end-point,,"

typedef enum { SCRAM_AUTH_INIT, SCRAM_AUTH_SALT_SENT, SCRAM_AUTH_FINISHED, SCRAM_AUTH_BROKEN } scram_step;

struct scram_state {
    scram_step step;
    bool offer_plus;             /* -PLUS was advertised (binding data known) */
    bool channel_binding_in_use;
    bool doomed;                 /* mock secret: fail after the proof is computed */
    char cbind_flag;             /* 'n', 'y' or 'p' from the gs2 header */
    scram_secret secret;
    uint8_t *cbind_data;         /* expected tls-server-end-point data (copy) */
    size_t cbind_len;
    char *client_first_bare;
    char *client_nonce;
    char *server_nonce;
    char *server_first;
    char *logdetail;
    char *fixed_server_nonce;
};

static const char *const mechanisms_plus[] = {SCRAM_SHA_256_PLUS_NAME, SCRAM_SHA_256_NAME, NULL};
static const char *const mechanisms_plain[] = {SCRAM_SHA_256_NAME, NULL};

const char *const *scram_mechanisms(bool offer_plus)
{
    return offer_plus ? mechanisms_plus : mechanisms_plain;
}

/* ---------------------------------------------------------------- errors */

/* A byte as PostgreSQL's sanitize_char prints it: 'x' if printable, else 0xNN. */
static const char *sanitize_char(char c, char buf[8])
{
    if (c >= 0x21 && c <= 0x7E)
        snprintf(buf, 8, "'%c'", c);
    else
        snprintf(buf, 8, "0x%02x", (unsigned char)c);
    return buf;
}

/* A string as sanitize_str prints it: non-printables as '?', at most 30 characters. */
static const char *sanitize_str(const char *s, char buf[31])
{
    int i = 0;
    for (; i < 30 && s[i]; i++)
        buf[i] = (s[i] >= 0x21 && s[i] <= 0x7E) ? s[i] : '?';
    buf[i] = 0;
    return buf;
}

static void malformed(pg_error *err, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void malformed(pg_error *err, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    pg_error_set(err, "08P01", "malformed SCRAM message");
    pg_error_detail(err, "%s", detail);
}

/* ---------------------------------------------------------------- attribute parsing */

/* Read "<attr>=<value>" at *p; the value ends at ',' (consumed) or NUL. */
static char *read_attr_value(char **p, char attr, pg_error *err)
{
    char *begin = *p, cbuf[8];
    if (*begin != attr) {
        malformed(err, "Expected attribute \"%c\" but found \"%s\".", attr,
                  sanitize_char(*begin, cbuf));
        return NULL;
    }
    begin++;
    if (*begin != '=') {
        malformed(err, "Expected character \"=\" for attribute \"%c\".", attr);
        return NULL;
    }
    begin++;
    char *end = begin;
    while (*end && *end != ',')
        end++;
    if (*end) {
        *end = 0;
        *p = end + 1;
    } else {
        *p = end;
    }
    return begin;
}

/* Read any "<ALPHA>=<value>" attribute (extensions, and the proof). */
static char *read_any_attr(char **p, char *attr_out, pg_error *err)
{
    char *begin = *p, cbuf[8];
    char attr = *begin;
    if (attr == 0) {
        malformed(err, "Attribute expected, but found end of string.");
        return NULL;
    }
    if (!((attr >= 'A' && attr <= 'Z') || (attr >= 'a' && attr <= 'z'))) {
        malformed(err, "Attribute expected, but found invalid character \"%s\".",
                  sanitize_char(attr, cbuf));
        return NULL;
    }
    *attr_out = attr;
    return read_attr_value(p, attr, err);
}

/* RFC 5802 printable: %x21-2B / %x2D-7E (printable ASCII except ','). */
static bool is_scram_printable(const char *s)
{
    for (; *s; s++)
        if (*s < 0x21 || *s > 0x7E || *s == ',')
            return false;
    return true;
}

/* ---------------------------------------------------------------- begin / free */

/* The secret to check against: the user's SCRAM secret, or a mock one that dooms the
 * exchange (unknown user, MD5 hash, unusable text).  False only on allocation failure. */
static bool load_secret(scram_state *st, const scram_begin_args *args)
{
    const char *user = args->user ? args->user : "";
    if (args->stored_secret &&
        password_type_of(args->stored_secret) == PASSWORD_TYPE_SCRAM_SHA_256 &&
        scram_secret_parse(args->stored_secret, &st->secret))
        return true;
    if (args->stored_secret) {
        /* An MD5 hash cannot answer a SCRAM exchange.  (No detail for an unknown user: the
         * caller knows, and logs "Role does not exist".) */
        size_t n = strlen(user) + 64;
        if (!(st->logdetail = malloc(n)))
            return false;
        snprintf(st->logdetail, n, "User \"%s\" does not have a valid SCRAM secret.", user);
    }
    scram_secret_mock(user, args->mock_nonce, args->mock_nonce_len, args->mock_iterations,
                      &st->secret);
    st->doomed = true;
    return true;
}

scram_state *scram_begin(const scram_begin_args *args, pg_error *err)
{
    bool offer_plus = args->channel_binding && args->channel_binding_len > 0;
    bool plus;
    /* Selecting -PLUS when it was not advertised is a protocol violation like selecting any
     * other unknown mechanism. */
    if (args->mechanism && offer_plus && strcmp(args->mechanism, SCRAM_SHA_256_PLUS_NAME) == 0)
        plus = true;
    else if (args->mechanism && strcmp(args->mechanism, SCRAM_SHA_256_NAME) == 0)
        plus = false;
    else {
        pg_error_set(err, "08P01", "client selected an invalid SASL authentication mechanism");
        return NULL;
    }

    scram_state *st = calloc(1, sizeof *st);
    if (!st) {
        pg_error_oom(err);
        return NULL;
    }
    st->step = SCRAM_AUTH_INIT;
    st->offer_plus = offer_plus;
    st->channel_binding_in_use = plus;
    if (plus) {
        st->cbind_data = malloc(args->channel_binding_len);
        if (!st->cbind_data)
            goto oom;
        memcpy(st->cbind_data, args->channel_binding, args->channel_binding_len);
        st->cbind_len = args->channel_binding_len;
    }
    if (args->fixed_server_nonce && !(st->fixed_server_nonce = xstrdup(args->fixed_server_nonce)))
        goto oom;

    if (!load_secret(st, args))
        goto oom;
    return st;

oom:
    scram_free(st);
    pg_error_oom(err);
    return NULL;
}

void scram_free(scram_state *st)
{
    if (!st)
        return;
    free(st->cbind_data);
    free(st->client_first_bare);
    free(st->client_nonce);
    free(st->server_nonce);
    free(st->server_first);
    free(st->logdetail);
    free(st->fixed_server_nonce);
    OPENSSL_cleanse(&st->secret, sizeof st->secret);
    free(st);
}

const char *scram_logdetail(const scram_state *st)
{
    return st->logdetail;
}

/* ---------------------------------------------------------------- client-first-message */

/* gs2-header = gs2-cbind-flag "," [ authzid ] "," */
static bool read_gs2_header(scram_state *st, char **pp, pg_error *err)
{
    char *p = *pp, cbuf[8], sbuf[31];
    st->cbind_flag = *p;
    switch (*p) {
    case 'n':
    case 'y':
        if (st->channel_binding_in_use) {
            malformed(err, "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does "
                           "not include channel binding data.");
            return false;
        }
        /* 'y': the client can bind but thinks we cannot.  We advertised -PLUS, so this is a
         * downgrade attempt or a confused client: refuse (RFC 5802 section 6). */
        if (*p == 'y' && st->offer_plus) {
            pg_error_set(err, "28000", "SCRAM channel binding negotiation error");
            pg_error_detail(err, "The client supports SCRAM channel binding but thinks the "
                                 "server does not.  However, this server does support channel "
                                 "binding.");
            return false;
        }
        p++;
        if (*p != ',') {
            malformed(err, "Comma expected, but found character \"%s\".", sanitize_char(*p, cbuf));
            return false;
        }
        p++;
        break;
    case 'p': {
        if (!st->channel_binding_in_use) {
            malformed(err, "The client selected SCRAM-SHA-256 without channel binding, but the "
                           "SCRAM message includes channel binding data.");
            return false;
        }
        char *type = read_attr_value(&p, 'p', err);
        if (!type)
            return false;
        if (strcmp(type, "tls-server-end-point") != 0) {
            pg_error_set(err, "08P01", "unsupported SCRAM channel-binding type \"%s\"",
                         sanitize_str(type, sbuf));
            return false;
        }
        break;
    }
    default:
        malformed(err, "Unexpected channel-binding flag \"%s\".", sanitize_char(*p, cbuf));
        return false;
    }
    if (*p == 'a') {
        pg_error_set(err, "0A000", "client uses authorization identity, but it is not supported");
        return false;
    }
    if (*p != ',') {
        malformed(err, "Unexpected attribute \"%s\" in client-first-message.",
                  sanitize_char(*p, cbuf));
        return false;
    }
    *pp = p + 1;
    return true;
}

static bool read_client_first_message(scram_state *st, char *input, pg_error *err)
{
    char *p = input;
    if (!read_gs2_header(st, &p, err))
        return false;
    if (!(st->client_first_bare = xstrdup(p))) {
        pg_error_oom(err);
        return false;
    }
    if (*p == 'm') {
        pg_error_set(err, "0A000", "client requires an unsupported SCRAM extension");
        return false;
    }
    /* The user name in the message is ignored: the startup packet's name is the one used. */
    if (!read_attr_value(&p, 'n', err))
        return false;
    char *nonce = read_attr_value(&p, 'r', err);
    if (!nonce)
        return false;
    if (!is_scram_printable(nonce)) {
        pg_error_set(err, "08P01", "non-printable characters in SCRAM nonce");
        return false;
    }
    if (!(st->client_nonce = xstrdup(nonce))) {
        pg_error_oom(err);
        return false;
    }
    /* Optional extensions: syntax-checked, then ignored. */
    while (*p) {
        char attr;
        if (!read_any_attr(&p, &attr, err))
            return false;
    }
    return true;
}

/* server-first-message = "r=" c-nonce s-nonce ",s=" salt ",i=" iterations */
static bool build_server_first_message(scram_state *st, strbuf *output, pg_error *err)
{
    if (st->fixed_server_nonce) {
        st->server_nonce = xstrdup(st->fixed_server_nonce);
    } else {
        uint8_t raw[SCRAM_RAW_NONCE_LEN];
        if (RAND_bytes(raw, sizeof raw) != 1) {
            pg_error_set(err, "XX000", "could not generate random nonce");
            return false;
        }
        st->server_nonce = malloc(auth_b64_encoded_len(sizeof raw) + 1);
        if (st->server_nonce)
            auth_b64_encode(raw, sizeof raw, st->server_nonce);
    }
    char salt[auth_b64_encoded_len(SCRAM_MAX_SALT_LEN) + 1];
    auth_b64_encode(st->secret.salt, st->secret.salt_len, salt);
    strbuf msg;
    strbuf_init(&msg);
    if (st->server_nonce)
        strbuf_printf(&msg, "r=%s%s,s=%s,i=%d", st->client_nonce, st->server_nonce, salt,
                      st->secret.iterations);
    if (!st->server_nonce || msg.failed) {
        strbuf_free(&msg);
        pg_error_oom(err);
        return false;
    }
    st->server_first = strbuf_steal(&msg);
    strbuf_puts(output, st->server_first);
    return true;
}

/* ---------------------------------------------------------------- client-final-message */

typedef struct client_final {
    char *nonce;
    uint8_t proof[SCRAM_KEY_LEN];
    size_t without_proof_len;   /* length of client-final-message-without-proof */
} client_final;

/* c= must repeat the gs2 header (and carry the binding data for 'p'). */
static bool check_channel_binding(const scram_state *st, const char *value, pg_error *err)
{
    if (st->channel_binding_in_use) {
        size_t hlen = strlen(CBIND_HEADER), in_len = hlen + st->cbind_len;
        uint8_t *in = malloc(in_len);
        char *b64 = malloc(auth_b64_encoded_len(in_len) + 1);
        if (!in || !b64) {
            free(in);
            free(b64);
            pg_error_oom(err);
            return false;
        }
        memcpy(in, CBIND_HEADER, hlen);
        memcpy(in + hlen, st->cbind_data, st->cbind_len);
        auth_b64_encode(in, in_len, b64);
        bool same = strcmp(value, b64) == 0;
        free(in);
        free(b64);
        if (!same) {
            pg_error_set(err, "28000", "SCRAM channel binding check failed");
            return false;
        }
        return true;
    }
    /* Without binding: base64 of "n,," or "y,,", matching the flag sent first. */
    if (!(strcmp(value, "biws") == 0 && st->cbind_flag == 'n') &&
        !(strcmp(value, "eSws") == 0 && st->cbind_flag == 'y')) {
        pg_error_set(err, "08P01",
                     "unexpected SCRAM channel-binding attribute in client-final-message");
        return false;
    }
    return true;
}

static bool read_client_final_message(const scram_state *st, char *input, client_final *out,
                                      pg_error *err)
{
    char *p = input;
    char *binding = read_attr_value(&p, 'c', err);
    if (!binding || !check_channel_binding(st, binding, err))
        return false;
    if (!(out->nonce = read_attr_value(&p, 'r', err)))
        return false;
    /* Skip extensions up to the proof, which must come last. */
    char attr, *value, *proof_start;
    do {
        proof_start = p - 1;   /* the ',' before this attribute */
        if (!(value = read_any_attr(&p, &attr, err)))
            return false;
    } while (attr != 'p');
    if (auth_b64_decode(value, strlen(value), out->proof, sizeof out->proof) != SCRAM_KEY_LEN) {
        malformed(err, "Malformed proof in client-final-message.");
        return false;
    }
    if (*p != 0) {
        malformed(err, "Garbage found at the end of client-final-message.");
        return false;
    }
    out->without_proof_len = (size_t)(proof_start - input);
    return true;
}

static bool verify_final_nonce(const scram_state *st, const char *final_nonce)
{
    size_t c = strlen(st->client_nonce), s = strlen(st->server_nonce);
    if (strlen(final_nonce) != c + s)
        return false;
    return (CRYPTO_memcmp(final_nonce, st->client_nonce, c) |
            CRYPTO_memcmp(final_nonce + c, st->server_nonce, s)) == 0;
}

/* AuthMessage = client-first-message-bare "," server-first-message ","
 *               client-final-message-without-proof */
static bool auth_message(const scram_state *st, const char *final_msg, size_t final_len,
                         strbuf *out)
{
    strbuf_puts(out, st->client_first_bare);
    strbuf_putc(out, ',');
    strbuf_puts(out, st->server_first);
    strbuf_putc(out, ',');
    strbuf_append(out, final_msg, final_len);
    return !out->failed;
}

/* H(ClientProof XOR HMAC(StoredKey, AuthMessage)) == StoredKey, computed even when doomed. */
static bool verify_client_proof(const scram_state *st, const strbuf *msg,
                                const uint8_t proof[SCRAM_KEY_LEN], bool *ok)
{
    uint8_t signature[SCRAM_KEY_LEN], client_key[SCRAM_KEY_LEN], stored[SCRAM_KEY_LEN];
    if (!scram_hmac(st->secret.stored_key, msg->data, msg->len, signature))
        return false;
    for (int i = 0; i < SCRAM_KEY_LEN; i++)
        client_key[i] = proof[i] ^ signature[i];
    if (!scram_hash(client_key, SCRAM_KEY_LEN, stored))
        return false;
    *ok = CRYPTO_memcmp(stored, st->secret.stored_key, SCRAM_KEY_LEN) == 0;
    OPENSSL_cleanse(client_key, sizeof client_key);
    return true;
}

/* `work` is a copy of `input` that the parser cuts up; the AuthMessage needs the original. */
static scram_exchange_result handle_client_final(scram_state *st, char *work, const char *input,
                                                 strbuf *output, pg_error *err)
{
    client_final fin;
    memset(&fin, 0, sizeof fin);
    if (!read_client_final_message(st, work, &fin, err))
        return SCRAM_EXCHANGE_ERROR;
    if (!verify_final_nonce(st, fin.nonce)) {
        pg_error_set(err, "08P01", "invalid SCRAM response");
        pg_error_detail(err, "Nonce does not match.");
        return SCRAM_EXCHANGE_ERROR;
    }
    strbuf msg;
    strbuf_init(&msg);
    bool proof_ok = false;
    if (!auth_message(st, input, fin.without_proof_len, &msg) ||
        !verify_client_proof(st, &msg, fin.proof, &proof_ok)) {
        strbuf_free(&msg);
        pg_error_set(err, "XX000", "could not calculate client signature");
        return SCRAM_EXCHANGE_ERROR;
    }
    /* Order matters: the proof was computed above even for a doomed exchange. */
    if (!proof_ok || st->doomed) {
        strbuf_free(&msg);
        st->step = SCRAM_AUTH_FINISHED;
        return SCRAM_EXCHANGE_FAILURE;
    }
    uint8_t server_signature[SCRAM_KEY_LEN];
    char b64[auth_b64_encoded_len(SCRAM_KEY_LEN) + 1];
    bool ok = scram_hmac(st->secret.server_key, msg.data, msg.len, server_signature);
    strbuf_free(&msg);
    if (!ok) {
        pg_error_set(err, "XX000", "could not calculate server signature");
        return SCRAM_EXCHANGE_ERROR;
    }
    auth_b64_encode(server_signature, SCRAM_KEY_LEN, b64);
    strbuf_puts(output, "v=");
    strbuf_puts(output, b64);
    st->step = SCRAM_AUTH_FINISHED;
    return SCRAM_EXCHANGE_SUCCESS;
}

/* ---------------------------------------------------------------- exchange */

static scram_exchange_result step(scram_state *st, char *work, const char *input,
                                  strbuf *output, pg_error *err)
{
    switch (st->step) {
    case SCRAM_AUTH_INIT:
        if (!read_client_first_message(st, work, err) ||
            !build_server_first_message(st, output, err))
            return SCRAM_EXCHANGE_ERROR;
        st->step = SCRAM_AUTH_SALT_SENT;
        return SCRAM_EXCHANGE_CONTINUE;
    case SCRAM_AUTH_SALT_SENT:
        return handle_client_final(st, work, input, output, err);
    case SCRAM_AUTH_FINISHED:
    case SCRAM_AUTH_BROKEN:
        break;
    }
    pg_error_set(err, "XX000", "invalid SCRAM exchange state");
    return SCRAM_EXCHANGE_ERROR;
}

scram_exchange_result scram_exchange(scram_state *st, const char *input, size_t len,
                                     strbuf *output, pg_error *err)
{
    if (input == NULL && st->step == SCRAM_AUTH_INIT)
        return SCRAM_EXCHANGE_CONTINUE;   /* no initial response: an empty challenge */
    scram_exchange_result r = SCRAM_EXCHANGE_ERROR;
    if (input == NULL || len == 0)
        malformed(err, "The message is empty.");
    else if (memchr(input, 0, len))
        malformed(err, "Message length does not match input length.");
    else {
        char *copy = xstrndup(input, len);
        if (!copy)
            pg_error_oom(err);
        else {
            size_t before = output->len;
            r = step(st, copy, input, output, err);
            free(copy);
            if (r != SCRAM_EXCHANGE_ERROR && output->failed) {
                output->len = before;
                pg_error_oom(err);
                r = SCRAM_EXCHANGE_ERROR;
            }
        }
    }
    if (r == SCRAM_EXCHANGE_ERROR)
        st->step = SCRAM_AUTH_BROKEN;
    return r;
}
