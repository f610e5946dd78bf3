/*
 * test_scram.c — SCRAM-SHA-256 secrets and the server side of the exchange: RFC 7677's test
 * vector, verifiers produced by a real PostgreSQL 15, a client written here from RFC 5802,
 * channel binding, the mock secret of unknown users, and PostgreSQL's error texts for
 * malformed messages.
 */
#include "proto/auth.h"
#include "unit.h"

#include <openssl/rand.h>

/* ---------------------------------------------------------------- helpers */

static const uint8_t mock_nonce[SCRAM_MOCK_NONCE_LEN] = "0123456789abcdef0123456789abcdef";

typedef struct exchange {
    scram_state *st;
    strbuf out;
    pg_error err;
    scram_exchange_result r;
} exchange;

static bool begin(exchange *x, const char *mech, const char *user, const char *secret,
                  const uint8_t *cb, size_t cb_len, const char *fixed_nonce)
{
    memset(x, 0, sizeof *x);
    strbuf_init(&x->out);
    scram_begin_args a = {
        .mechanism = mech, .user = user, .stored_secret = secret,
        .mock_nonce = mock_nonce, .mock_nonce_len = sizeof mock_nonce, .mock_iterations = 4096,
        .channel_binding = cb, .channel_binding_len = cb_len, .fixed_server_nonce = fixed_nonce,
    };
    x->st = scram_begin(&a, &x->err);
    return x->st != NULL;
}

static scram_exchange_result send_msg(exchange *x, const char *msg)
{
    strbuf_reset(&x->out);
    pg_error_clear(&x->err);
    x->r = scram_exchange(x->st, msg, msg ? strlen(msg) : 0, &x->out, &x->err);
    return x->r;
}

static void finish(exchange *x)
{
    scram_free(x->st);
    strbuf_free(&x->out);
    pg_error_clear(&x->err);
}

/* A SCRAM client after RFC 5802 section 3, independent of the server code paths. */
typedef struct client {
    char first_bare[256];
    char gs2[64];
    uint8_t server_signature[SCRAM_KEY_LEN];
} client;

static void client_first(client *c, const char *gs2, char *msg, size_t cap)
{
    uint8_t raw[18];
    char nonce[32];
    CHECK(RAND_bytes(raw, sizeof raw) == 1);
    auth_b64_encode(raw, sizeof raw, nonce);
    snprintf(c->gs2, sizeof c->gs2, "%s", gs2);
    snprintf(c->first_bare, sizeof c->first_bare, "n=,r=%s", nonce);
    snprintf(msg, cap, "%s%s", gs2, c->first_bare);
}

/* From server-first-message and the password, build client-final-message. */
static void client_final(client *c, const char *server_first, const char *password,
                         const uint8_t *cb, size_t cb_len, char *msg, size_t cap)
{
    const char *r = strstr(server_first, "r="), *s = strstr(server_first, ",s="),
               *i = strstr(server_first, ",i=");
    CHECK(r == server_first && s && i);
    char nonce[128], salt_b64[128];
    snprintf(nonce, sizeof nonce, "%.*s", (int)(s - r - 2), r + 2);
    snprintf(salt_b64, sizeof salt_b64, "%.*s", (int)(i - s - 3), s + 3);
    int iterations = atoi(i + 3);
    uint8_t salt[64];
    long salt_len = auth_b64_decode(salt_b64, strlen(salt_b64), salt, sizeof salt);
    CHECK(salt_len > 0);

    /* c= is base64(gs2 header || channel binding data). */
    uint8_t cbind[256];
    size_t n = strlen(c->gs2);
    memcpy(cbind, c->gs2, n);
    if (cb) {
        memcpy(cbind + n, cb, cb_len);
        n += cb_len;
    }
    char cbind_b64[400];
    auth_b64_encode(cbind, n, cbind_b64);
    char without_proof[600];
    snprintf(without_proof, sizeof without_proof, "c=%s,r=%s", cbind_b64, nonce);

    char auth_msg[1200];
    snprintf(auth_msg, sizeof auth_msg, "%s,%s,%s", c->first_bare, server_first, without_proof);
    uint8_t salted[SCRAM_KEY_LEN], client_key[SCRAM_KEY_LEN], stored[SCRAM_KEY_LEN],
        sig[SCRAM_KEY_LEN], proof[SCRAM_KEY_LEN], server_key[SCRAM_KEY_LEN];
    char *prep = NULL;
    CHECK(saslprep(password, &prep) == SASLPREP_SUCCESS);
    CHECK(scram_salted_password(prep, salt, (size_t)salt_len, iterations, salted));
    free(prep);
    CHECK(scram_hmac(salted, "Client Key", 10, client_key));
    CHECK(scram_hash(client_key, SCRAM_KEY_LEN, stored));
    CHECK(scram_hmac(stored, auth_msg, strlen(auth_msg), sig));
    for (int k = 0; k < SCRAM_KEY_LEN; k++)
        proof[k] = client_key[k] ^ sig[k];
    CHECK(scram_hmac(salted, "Server Key", 10, server_key));
    CHECK(scram_hmac(server_key, auth_msg, strlen(auth_msg), c->server_signature));
    char proof_b64[64];
    auth_b64_encode(proof, SCRAM_KEY_LEN, proof_b64);
    snprintf(msg, cap, "%s,p=%s", without_proof, proof_b64);
}

static bool client_verify_final(const client *c, const char *server_final)
{
    char expected[64];
    auth_b64_encode(c->server_signature, SCRAM_KEY_LEN, expected);
    return strncmp(server_final, "v=", 2) == 0 && strcmp(server_final + 2, expected) == 0;
}

/* Run a whole exchange with our client; returns the server's verdict. */
static scram_exchange_result run_client(const char *mech, const char *gs2, const char *secret,
                                        const char *password, const uint8_t *server_cb,
                                        size_t server_cb_len, const uint8_t *client_cb,
                                        size_t client_cb_len, bool *server_verified)
{
    exchange x;
    client c;
    char msg[1024];
    *server_verified = false;
    if (!begin(&x, mech, "alice", secret, server_cb, server_cb_len, NULL)) {
        finish(&x);
        return SCRAM_EXCHANGE_ERROR;
    }
    client_first(&c, gs2, msg, sizeof msg);
    if (send_msg(&x, msg) != SCRAM_EXCHANGE_CONTINUE) {
        finish(&x);
        return SCRAM_EXCHANGE_ERROR;
    }
    client_final(&c, x.out.data, password, client_cb, client_cb_len, msg, sizeof msg);
    scram_exchange_result r = send_msg(&x, msg);
    if (r == SCRAM_EXCHANGE_SUCCESS)
        *server_verified = client_verify_final(&c, x.out.data);
    finish(&x);
    return r;
}

/* ---------------------------------------------------------------- base64 */

static void test_base64(void)
{
    char out[64];
    auth_b64_encode((const uint8_t *)"", 0, out);
    CHECK_STR(out, "");
    auth_b64_encode((const uint8_t *)"n,,", 3, out);
    CHECK_STR(out, "biws");
    auth_b64_encode((const uint8_t *)"y,,", 3, out);
    CHECK_STR(out, "eSws");
    auth_b64_encode((const uint8_t *)"fo", 2, out);
    CHECK_STR(out, "Zm8=");
    auth_b64_encode((const uint8_t *)"f", 1, out);
    CHECK_STR(out, "Zg==");
    uint8_t buf[16];
    CHECK_INT(auth_b64_decode("Zm9vYmFy", 8, buf, sizeof buf), 6);
    CHECK(memcmp(buf, "foobar", 6) == 0);
    CHECK_INT(auth_b64_decode("Zm8=", 4, buf, sizeof buf), 2);
    CHECK_INT(auth_b64_decode("Zg==", 4, buf, sizeof buf), 1);
    CHECK_INT(auth_b64_decode("", 0, buf, sizeof buf), 0);
    CHECK_INT(auth_b64_decode("Zg=", 3, buf, sizeof buf), -1);       /* not a multiple of 4 */
    CHECK_INT(auth_b64_decode("Zh==", 4, buf, sizeof buf), -1);      /* pad bits set */
    CHECK_INT(auth_b64_decode("Z===", 4, buf, sizeof buf), -1);
    CHECK_INT(auth_b64_decode("Zg==Zg==", 8, buf, sizeof buf), -1);  /* '=' inside */
    CHECK_INT(auth_b64_decode("Zm 8", 4, buf, sizeof buf), -1);      /* whitespace */
    CHECK_INT(auth_b64_decode("Zm9vYmFy", 8, buf, 5), -1);           /* does not fit */
}

/* ---------------------------------------------------------------- secrets */

/* RFC 7677 section 3: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations. */
static const char rfc7677_secret[] =
    "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

static void test_secret_derive_and_text(void)
{
    uint8_t salt[16];
    pg_error err = {0};
    CHECK_INT(auth_b64_decode("W22ZaJ0SNY7soEsUEjb6gQ==", 24, salt, sizeof salt), 16);
    scram_secret s, p;
    CHECK(scram_secret_derive("pencil", salt, 16, 4096, &s, &err));
    char text[SCRAM_SECRET_TEXT_MAX];
    scram_secret_format(&s, text);
    CHECK_STR(text, rfc7677_secret);
    CHECK(scram_secret_parse(text, &p));
    CHECK(memcmp(&s, &p, sizeof s) == 0);

    CHECK(scram_secret_generate("pencil", 4096, &s, &err));
    CHECK_INT(s.salt_len, SCRAM_DEFAULT_SALT_LEN);
    CHECK_INT(s.iterations, 4096);
    CHECK_INT(scram_verify_plain_password(&s, "pencil", &err), AUTH_OK);
    CHECK_INT(scram_verify_plain_password(&s, "pencil ", &err), AUTH_FAILED);
    CHECK(scram_secret_generate("x", 10000, &s, &err));
    scram_secret_format(&s, text);
    CHECK(strncmp(text, "SCRAM-SHA-256$10000:", 20) == 0);
    CHECK(!scram_secret_derive("x", salt, 16, 0, &s, &err));
    CHECK_STR(err.sqlstate, "22023");
    pg_error_clear(&err);
}

static void test_secret_parse_rejects(void)
{
    scram_secret s;
    static const char *const bad[] = {
        "",
        "md5132ecbcbfa11be529b63ea4c4e734056",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
        "SCRAM-SHA-1$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$0:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$-1:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096x:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$99999999999:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmt"
        "bsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096:$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ=$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4q=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=:extra",
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU= ",
        "pencil",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (scram_secret_parse(bad[i], &s))
            fprintf(stderr, "  accepted bad secret #%zu\n", i);
        CHECK(!scram_secret_parse(bad[i], &s));
    }
    CHECK(scram_secret_parse(rfc7677_secret, &s));
    CHECK_INT(password_type_of(rfc7677_secret), PASSWORD_TYPE_SCRAM_SHA_256);
    CHECK_INT(password_type_of(bad[2]), PASSWORD_TYPE_PLAINTEXT);
}

/* Verifiers made by PostgreSQL 15.20 (CREATE ROLE … PASSWORD, password_encryption default):
 * the plaintext check must accept each password, including those SASLprep rewrites (or, for
 * prohibited ones, leaves alone), and deriving with the same salt must give the same text. */
static void test_postgresql_verifiers(void)
{
    static const struct { const char *password, *secret; } pg[] = {
        {"pencil", "SCRAM-SHA-256$4096:jp01CYF/JTG1oIp2kn8C9w==$wCvJ/gQt2x2DiKqcfpC2rmQZhzyW5qDPgX7QwtP5Oi4=:KAbOEeZ4/tc06yHkcRmJxVxq/j9iDUoGisSgLT3rEWE="},
        {"I\xC2\xADX", "SCRAM-SHA-256$4096:hXFcZIgBHxm8csYiqCFX4A==$Dq5X+og8Rf/8K2igqFqatO1n5k4y8aiaS0cxpcys1zQ=:Ia4qBr1PZ2dUp8nlD1km6pOYJiwANQ0aJXJz/Ex6ThE="},
        {"\xE2\x85\xA8", "SCRAM-SHA-256$4096:3bkKlja9aLeMz8jg4NcKeQ==$CD7KELBPAvW0POZuOixayOIUaaaFWLCGQrkMirfNPBc=:819buBqz4Bz90EQlh0nbv2GVWY3Vx15oLupxKeDecUM="},
        {"a\xCC\x81\xCC\xA3", "SCRAM-SHA-256$4096:ZHqK0wU5caZXhGYUUm3d/g==$jNf1JLGVSowLPP9QJZjjyDB9527OZbv5zwj5Tvd+HpI=:b65RLL7DsG5hEI6fEvs9d2vqG7mz59Kix4IOY6v+5Mk="},
        {"\xD8\xA7" "1", "SCRAM-SHA-256$4096:7e4HairaH8hV43ntx8gqMw==$DIKS0wPiLLuUjpSM+G0ZPwZuJJYkW6hhKM3qfVIVPVk=:UyIZvF6Z0tCfumtWGkTPktFJ1IWAUUj7UVEdr12Afb0="},
        {"\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 caf\xC3\xA9 \xC2\xA0x", "SCRAM-SHA-256$4096:vDbavMPPRxC8UaGo07pijg==$6kwes4RlyWHI13olZYBfl8WQ9lEyimTEHkOf+f0CUVc=:zBltaxzJfaCA9GlA115XuOkOZSi2zcbtWIH/SEdDw6o="},
        {"\xEF\xB7\xBA", "SCRAM-SHA-256$4096:CI605Yzhzlcu9JE5rNlBBQ==$s+IAg694PRjH0xtj/G6HBNw7lpvt+17KcZXIYi4NIKs=:NLwGayGfTvsPmtGQ18QgQBq/+3rcZoT2UNvWg+4guxw="},
        {"\xC8\xA1x", "SCRAM-SHA-256$4096:H8sHe/VwBDMla2Q6xRsibg==$2ACC91ziEzImLedIgMhLIBcfVsBj2ixVMrnSv57SBIE=:eWoSG94syFMuLk41QjRxRlTvDn4oXKsJUfLqbc5Ud6E="},
        {"\xC2\xAA\xEF\xAC\x81", "SCRAM-SHA-256$4096:xgK6nw+vNfFFkvArnk6U4Q==$0AzcHZKjZm/6RZMgK7W0tJVQQmLTjrRyzRivrxusnf4=:6DNovQStIBD2Z3fEs/CNWgTAmAOYMwVERXb6JuZt4/s="},
        {"p\xC3\xA4ss\xE2\x80\x8Bword", "SCRAM-SHA-256$4096:IfPc1cIPMvT0mZC4TwVRsg==$mzOXN1iLcQ4eITueJ2eVhkxFAMmxxG2zkVfh6Q0cc64=:j7B7e1OnvLh+b04ZtiMruPz1AhDcP2GPFsj3q7dyYlg="},
    };
    pg_error err = {0};
    for (size_t i = 0; i < ARRAY_LEN(pg); i++) {
        scram_secret s, mine;
        CHECK(scram_secret_parse(pg[i].secret, &s));
        auth_result r = scram_verify_plain_password(&s, pg[i].password, &err);
        if (r != AUTH_OK)
            fprintf(stderr, "  PostgreSQL verifier #%zu not matched\n", i);
        CHECK_INT(r, AUTH_OK);
        CHECK(scram_secret_derive(pg[i].password, s.salt, s.salt_len, s.iterations, &mine, &err));
        char text[SCRAM_SECRET_TEXT_MAX];
        scram_secret_format(&mine, text);
        CHECK_STR(text, pg[i].secret);
        strbuf log;
        strbuf_init(&log);
        CHECK_INT(password_verify_plain("r", pg[i].secret, pg[i].password, &log, &err), AUTH_OK);
        CHECK_INT(password_verify_plain("r", pg[i].secret, "wrong", &log, &err), AUTH_FAILED);
        CHECK_STR(log.data, "Password does not match for user \"r\".");
        strbuf_free(&log);
    }
}

/* ---------------------------------------------------------------- exchange */

static void test_rfc7677_exchange(void)
{
    exchange x;
    CHECK(begin(&x, "SCRAM-SHA-256", "user", rfc7677_secret, NULL, 0,
                "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"));
    CHECK_INT(send_msg(&x, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"), SCRAM_EXCHANGE_CONTINUE);
    CHECK_STR(x.out.data, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                          "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    CHECK_INT(send_msg(&x, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                           "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
              SCRAM_EXCHANGE_SUCCESS);
    CHECK_STR(x.out.data, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    CHECK(scram_logdetail(x.st) == NULL);
    /* Nothing more is accepted once finished. */
    CHECK_INT(send_msg(&x, "c=biws"), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.sqlstate, "XX000");
    CHECK_STR(x.err.message, "invalid SCRAM exchange state");
    finish(&x);
}

static void test_client_exchange(void)
{
    pg_error err = {0};
    scram_secret s;
    char secret[SCRAM_SECRET_TEXT_MAX];
    CHECK(scram_secret_generate("correct horse", 4096, &s, &err));
    scram_secret_format(&s, secret);
    bool verified;
    CHECK_INT(run_client("SCRAM-SHA-256", "n,,", secret, "correct horse", NULL, 0, NULL, 0, &verified),
              SCRAM_EXCHANGE_SUCCESS);
    CHECK(verified);
    CHECK_INT(run_client("SCRAM-SHA-256", "n,,", secret, "wrong horse", NULL, 0, NULL, 0, &verified),
              SCRAM_EXCHANGE_FAILURE);
    /* A non-ASCII password goes through SASLprep on both sides. */
    CHECK(scram_secret_generate("\xE2\x85\xA8", 4096, &s, &err));
    scram_secret_format(&s, secret);
    CHECK_INT(run_client("SCRAM-SHA-256", "n,,", secret, "IX", NULL, 0, NULL, 0, &verified),
              SCRAM_EXCHANGE_SUCCESS);
    /* "y": the client could bind but we did not offer it (no TLS): allowed. */
    CHECK_INT(run_client("SCRAM-SHA-256", "y,,", secret, "IX", NULL, 0, NULL, 0, &verified),
              SCRAM_EXCHANGE_SUCCESS);
    /* An MD5 hash cannot answer SCRAM: mock exchange, failure, log detail. */
    exchange x;
    client c;
    char msg[1024];
    CHECK(begin(&x, "SCRAM-SHA-256", "bob", "md5132ecbcbfa11be529b63ea4c4e734056", NULL, 0, NULL));
    client_first(&c, "n,,", msg, sizeof msg);
    CHECK_INT(send_msg(&x, msg), SCRAM_EXCHANGE_CONTINUE);
    client_final(&c, x.out.data, "secret", NULL, 0, msg, sizeof msg);
    CHECK_INT(send_msg(&x, msg), SCRAM_EXCHANGE_FAILURE);
    CHECK_STR(scram_logdetail(x.st), "User \"bob\" does not have a valid SCRAM secret.");
    finish(&x);
}

/* The server-first-message an unknown user sees: deterministic per name, mock iterations. */
static void server_first_for(const char *user, const char *secret, char *out, size_t cap)
{
    exchange x;
    CHECK(begin(&x, "SCRAM-SHA-256", user, secret, NULL, 0, "SERVERNONCE"));
    CHECK_INT(send_msg(&x, "n,,n=,r=abc"), SCRAM_EXCHANGE_CONTINUE);
    snprintf(out, cap, "%s", x.out.data ? x.out.data : "");
    finish(&x);
}

static void test_unknown_user_mock(void)
{
    char a1[256], a2[256], b[256];
    server_first_for("nobody", NULL, a1, sizeof a1);
    server_first_for("nobody", NULL, a2, sizeof a2);
    server_first_for("somebody", NULL, b, sizeof b);
    CHECK_STR(a1, a2);
    CHECK(strcmp(a1, b) != 0);
    CHECK(strncmp(a1, "r=abcSERVERNONCE,s=", 19) == 0);
    CHECK(strstr(a1, ",i=4096") != NULL);
    /* The salt is the first 16 bytes of SHA-256(user || mock nonce). */
    uint8_t digest[SCRAM_KEY_LEN], in[64];
    memcpy(in, "nobody", 6);
    memcpy(in + 6, mock_nonce, sizeof mock_nonce);
    CHECK(scram_hash(in, 6 + sizeof mock_nonce, digest));
    char salt[32], expect[128];
    auth_b64_encode(digest, 16, salt);
    snprintf(expect, sizeof expect, "r=abcSERVERNONCE,s=%s,i=4096", salt);
    CHECK_STR(a1, expect);

    /* The whole exchange runs and fails like a wrong password, without log detail. */
    bool verified;
    CHECK_INT(run_client("SCRAM-SHA-256", "n,,", NULL, "anything", NULL, 0, NULL, 0, &verified),
              SCRAM_EXCHANGE_FAILURE);
    exchange x;
    CHECK(begin(&x, "SCRAM-SHA-256", "nobody", NULL, NULL, 0, NULL));
    CHECK(scram_logdetail(x.st) == NULL);
    finish(&x);
}

static void test_channel_binding(void)
{
    pg_error err = {0};
    scram_secret s;
    char secret[SCRAM_SECRET_TEXT_MAX];
    CHECK(scram_secret_generate("pw", 4096, &s, &err));
    scram_secret_format(&s, secret);
    uint8_t cb[32], other[32];
    for (int i = 0; i < 32; i++) {
        cb[i] = (uint8_t)i;
        other[i] = (uint8_t)(i + 1);
    }
    const char *plus = "SCRAM-SHA-256-PLUS";
    bool verified;
    CHECK_INT(run_client(plus, "p=tls-server-end-point,,", secret, "pw", cb, 32, cb, 32, &verified),
              SCRAM_EXCHANGE_SUCCESS);
    CHECK(verified);

    exchange x;
    client c;
    char msg[1024];
    /* Binding data that differs from the server's certificate hash. */
    CHECK(begin(&x, plus, "alice", secret, cb, 32, NULL));
    client_first(&c, "p=tls-server-end-point,,", msg, sizeof msg);
    CHECK_INT(send_msg(&x, msg), SCRAM_EXCHANGE_CONTINUE);
    client_final(&c, x.out.data, "pw", other, 32, msg, sizeof msg);
    CHECK_INT(send_msg(&x, msg), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.sqlstate, "28000");
    CHECK_STR(x.err.message, "SCRAM channel binding check failed");
    finish(&x);

    /* -PLUS selected but never offered (no TLS). */
    CHECK(!begin(&x, plus, "alice", secret, NULL, 0, NULL));
    CHECK_STR(x.err.sqlstate, "08P01");
    CHECK_STR(x.err.message, "client selected an invalid SASL authentication mechanism");
    finish(&x);
    CHECK(!begin(&x, "SCRAM-SHA-1", "alice", secret, cb, 32, NULL));
    CHECK_STR(x.err.message, "client selected an invalid SASL authentication mechanism");
    finish(&x);

    /* "y" while we offered -PLUS: a downgrade. */
    CHECK(begin(&x, "SCRAM-SHA-256", "alice", secret, cb, 32, NULL));
    CHECK_INT(send_msg(&x, "y,,n=,r=abc"), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.sqlstate, "28000");
    CHECK_STR(x.err.message, "SCRAM channel binding negotiation error");
    CHECK_STR(x.err.detail, "The client supports SCRAM channel binding but thinks the server does "
                            "not.  However, this server does support channel binding.");
    finish(&x);

    /* "n" is fine without -PLUS even when it was offered (libpq's channel_binding=disable). */
    CHECK_INT(run_client("SCRAM-SHA-256", "n,,", secret, "pw", cb, 32, NULL, 0, &verified),
              SCRAM_EXCHANGE_SUCCESS);

    /* -PLUS selected, but the message does not bind. */
    CHECK(begin(&x, plus, "alice", secret, cb, 32, NULL));
    CHECK_INT(send_msg(&x, "n,,n=,r=abc"), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.sqlstate, "08P01");
    CHECK_STR(x.err.message, "malformed SCRAM message");
    CHECK_STR(x.err.detail, "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does "
                            "not include channel binding data.");
    finish(&x);
    CHECK(begin(&x, plus, "alice", secret, cb, 32, NULL));
    CHECK_INT(send_msg(&x, "y,,n=,r=abc"), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.detail, "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does "
                            "not include channel binding data.");
    finish(&x);

    /* Plain SCRAM selected, but the message binds. */
    CHECK(begin(&x, "SCRAM-SHA-256", "alice", secret, cb, 32, NULL));
    CHECK_INT(send_msg(&x, "p=tls-server-end-point,,n=,r=abc"), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.detail, "The client selected SCRAM-SHA-256 without channel binding, but the "
                            "SCRAM message includes channel binding data.");
    finish(&x);

    CHECK(begin(&x, plus, "alice", secret, cb, 32, NULL));
    CHECK_INT(send_msg(&x, "p=tls-unique,,n=,r=abc"), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.sqlstate, "08P01");
    CHECK_STR(x.err.message, "unsupported SCRAM channel-binding type \"tls-unique\"");
    finish(&x);

    /* c= must repeat the flag of the first message. */
    CHECK(begin(&x, "SCRAM-SHA-256", "alice", secret, NULL, 0, "SN"));
    CHECK_INT(send_msg(&x, "n,,n=,r=abc"), SCRAM_EXCHANGE_CONTINUE);
    CHECK_INT(send_msg(&x, "c=eSws,r=abcSN,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
              SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.message, "unexpected SCRAM channel-binding attribute in client-final-message");
    finish(&x);

    const char *const *m = scram_mechanisms(true);
    CHECK_STR(m[0], "SCRAM-SHA-256-PLUS");
    CHECK_STR(m[1], "SCRAM-SHA-256");
    CHECK(m[2] == NULL);
    m = scram_mechanisms(false);
    CHECK_STR(m[0], "SCRAM-SHA-256");
    CHECK(m[1] == NULL);
}

/* Each malformed client-first-message, with PostgreSQL's SQLSTATE, message and detail. */
static void test_malformed_first(void)
{
    static const struct { const char *msg, *sqlstate, *message, *detail; } cases[] = {
        {"", "08P01", "malformed SCRAM message", "The message is empty."},
        {"x,,n=,r=a", "08P01", "malformed SCRAM message", "Unexpected channel-binding flag \"'x'\"."},
        {"n", "08P01", "malformed SCRAM message", "Comma expected, but found character \"0x00\"."},
        {"n;,n=,r=a", "08P01", "malformed SCRAM message", "Comma expected, but found character \"';'\"."},
        {"n,a=bob,n=,r=a", "0A000", "client uses authorization identity, but it is not supported", NULL},
        {"n,x,n=,r=a", "08P01", "malformed SCRAM message", "Unexpected attribute \"'x'\" in client-first-message."},
        {"n,,m=ext,n=,r=a", "0A000", "client requires an unsupported SCRAM extension", NULL},
        {"n,,r=a", "08P01", "malformed SCRAM message", "Expected attribute \"n\" but found \"'r'\"."},
        {"n,,n", "08P01", "malformed SCRAM message", "Expected character \"=\" for attribute \"n\"."},
        {"n,,n=", "08P01", "malformed SCRAM message", "Expected attribute \"r\" but found \"0x00\"."},
        {"n,,n=,r=a\x7f", "08P01", "non-printable characters in SCRAM nonce", NULL},
        {"n,,n=,r=a,1=x", "08P01", "malformed SCRAM message", "Attribute expected, but found invalid character \"'1'\"."},
        {"n,,n=,r=a,x", "08P01", "malformed SCRAM message", "Expected character \"=\" for attribute \"x\"."},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        exchange x;
        CHECK(begin(&x, "SCRAM-SHA-256", "alice", rfc7677_secret, NULL, 0, NULL));
        CHECK_INT(send_msg(&x, cases[i].msg), SCRAM_EXCHANGE_ERROR);
        CHECK_STR(x.err.sqlstate, cases[i].sqlstate);
        CHECK_STR(x.err.message, cases[i].message);
        if (cases[i].detail)
            CHECK_STR(x.err.detail, cases[i].detail);
        /* The state refuses anything after an error. */
        CHECK_INT(send_msg(&x, "n,,n=,r=a"), SCRAM_EXCHANGE_ERROR);
        finish(&x);
    }
    /* Extensions after the nonce are accepted and ignored. */
    exchange x;
    CHECK(begin(&x, "SCRAM-SHA-256", "alice", rfc7677_secret, NULL, 0, NULL));
    CHECK_INT(send_msg(&x, "n,,n=whoever,r=a,x=1,Y=2"), SCRAM_EXCHANGE_CONTINUE);
    finish(&x);
    /* An embedded NUL: the length disagrees with the string. */
    CHECK(begin(&x, "SCRAM-SHA-256", "alice", rfc7677_secret, NULL, 0, NULL));
    x.r = scram_exchange(x.st, "n,,n=\0,r=a", 10, &x.out, &x.err);
    CHECK_INT(x.r, SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.detail, "Message length does not match input length.");
    finish(&x);
    /* No initial response: an empty challenge, then the first message. */
    CHECK(begin(&x, "SCRAM-SHA-256", "alice", rfc7677_secret, NULL, 0, NULL));
    CHECK_INT(send_msg(&x, NULL), SCRAM_EXCHANGE_CONTINUE);
    CHECK_INT(x.out.len, 0);
    CHECK_INT(send_msg(&x, "n,,n=,r=a"), SCRAM_EXCHANGE_CONTINUE);
    CHECK_INT(send_msg(&x, NULL), SCRAM_EXCHANGE_ERROR);
    CHECK_STR(x.err.detail, "The message is empty.");
    finish(&x);
}

static void test_malformed_final(void)
{
    static const struct { const char *msg, *message, *detail; } cases[] = {
        {"r=aSN,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "malformed SCRAM message",
         "Expected attribute \"c\" but found \"'r'\"."},
        {"c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "malformed SCRAM message",
         "Expected attribute \"r\" but found \"'p'\"."},
        {"c=biws,r=aSN", "malformed SCRAM message", "Attribute expected, but found end of string."},
        {"c=biws,r=aSN,p=dHzb", "malformed SCRAM message", "Malformed proof in client-final-message."},
        {"c=biws,r=aSN,p=not base64!", "malformed SCRAM message", "Malformed proof in client-final-message."},
        {"c=biws,r=aSN,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1", "malformed SCRAM message",
         "Garbage found at the end of client-final-message."},
        {"c=biws,r=aXX,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "invalid SCRAM response",
         "Nonce does not match."},
        {"c=biws,r=aSNx,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "invalid SCRAM response",
         "Nonce does not match."},
        {"c=biws,r=a,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "invalid SCRAM response",
         "Nonce does not match."},
        {"c=bi,r=aSN,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
         "unexpected SCRAM channel-binding attribute in client-final-message", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        exchange x;
        CHECK(begin(&x, "SCRAM-SHA-256", "alice", rfc7677_secret, NULL, 0, "SN"));
        CHECK_INT(send_msg(&x, "n,,n=,r=a"), SCRAM_EXCHANGE_CONTINUE);
        CHECK_INT(send_msg(&x, cases[i].msg), SCRAM_EXCHANGE_ERROR);
        CHECK_STR(x.err.sqlstate, "08P01");
        CHECK_STR(x.err.message, cases[i].message);
        if (cases[i].detail)
            CHECK_STR(x.err.detail, cases[i].detail);
        finish(&x);
    }
    /* An extension before the proof is skipped; the proof is then simply wrong. */
    exchange x;
    CHECK(begin(&x, "SCRAM-SHA-256", "alice", rfc7677_secret, NULL, 0, "SN"));
    CHECK_INT(send_msg(&x, "n,,n=,r=a"), SCRAM_EXCHANGE_CONTINUE);
    CHECK_INT(send_msg(&x, "c=biws,r=aSN,x=ext,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
              SCRAM_EXCHANGE_FAILURE);
    CHECK_INT(x.out.len, 0);
    finish(&x);
}

/* Mutated and truncated messages must only ever produce a verdict (ASan/UBSan check the
 * rest): a cheap stand-in for a fuzzer over the parser of untrusted bytes. */
static void test_mutations(void)
{
    static const char *const seeds[] = {
        "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
        "p=tls-server-end-point,,n=,r=abc,x=1",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    };
    static const char alphabet[] = "nyp=,ac rmx\x01\xff";
    uint32_t rnd = 12345;
    uint8_t cb[32] = {0};
    for (int i = 0; i < 20000; i++) {
        char msg[160];
        const char *seed = seeds[i % ARRAY_LEN(seeds)];
        size_t n = strlen(seed);
        memcpy(msg, seed, n);
        for (int k = 0; k < 1 + i % 4; k++) {
            rnd = rnd * 1103515245 + 12345;
            size_t pos = (rnd >> 8) % n;
            msg[pos] = alphabet[(rnd >> 20) % (sizeof alphabet - 1)];
        }
        rnd = rnd * 1103515245 + 12345;
        if (rnd & 0x100)
            n = (rnd >> 9) % (n + 1);
        exchange x;
        bool plus = i & 1;
        CHECK(begin(&x, plus ? "SCRAM-SHA-256-PLUS" : "SCRAM-SHA-256", "u", rfc7677_secret, cb,
                    sizeof cb, "SN"));
        x.r = scram_exchange(x.st, msg, n, &x.out, &x.err);
        if (x.r == SCRAM_EXCHANGE_CONTINUE) {
            strbuf_reset(&x.out);
            x.r = scram_exchange(x.st, msg, n, &x.out, &x.err);
        }
        CHECK(x.r != SCRAM_EXCHANGE_SUCCESS);
        CHECK(x.r != SCRAM_EXCHANGE_ERROR || (x.err.sqlstate[0] && x.err.message));
        finish(&x);
    }
}

int main(void)
{
    RUN(test_base64);
    RUN(test_secret_derive_and_text);
    RUN(test_secret_parse_rejects);
    RUN(test_postgresql_verifiers);
    RUN(test_rfc7677_exchange);
    RUN(test_client_exchange);
    RUN(test_unknown_user_mock);
    RUN(test_channel_binding);
    RUN(test_malformed_first);
    RUN(test_malformed_final);
    RUN(test_mutations);
    return UNIT_DONE();
}
