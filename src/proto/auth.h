/*
 * auth.h — private header of the proto layer: the authentication primitives that the session
 * state machine calls during startup.  Nothing here touches a socket; every function takes
 * bytes and returns bytes, a verdict or a pg_error carrying PostgreSQL's own SQLSTATE and text.
 *
 *   auth_base64.c        base64 as SCRAM and the verifier text use it (strict decoder)
 *   auth_scram_secret.c  SCRAM-SHA-256 secrets: derive, parse, print, mock (RFC 5802/7677)
 *   auth_scram.c         the server side of one SCRAM exchange, as a state machine
 *   saslprep.c           SASLprep (RFC 4013) with PostgreSQL's fallbacks
 *   auth_md5.c           PostgreSQL's "md5" password hash and challenge
 *   auth_password.c      stored-password kinds, plaintext checks, choice of challenge
 *   users_file.c         the `users_file` setting: name:verifier lines, atomic updates
 *   users_passwd.c       `iris-pgwire passwd`: read a new password, store its verifier
 *   auth_file.c          reading configuration files whole; errno to SQLSTATE
 *   hba.c                pg_hba.conf: tokenize and parse, with PostgreSQL's messages
 *   hba_match.c          pg_hba.conf: first matching line, rejection and failure messages,
 *                        client certificate checks
 *
 * Invariants: secrets are compared with CRYPTO_memcmp; unknown users go through exactly the
 * same steps as known ones (mock SCRAM secret, dummy MD5 comparison) and fail at the same
 * point; every byte that came from the client is bounds-checked before use.
 */
#ifndef PGWIRE_PROTO_AUTH_H
#define PGWIRE_PROTO_AUTH_H

#include "common/common.h"

#include <sys/socket.h>

/* ---------------------------------------------------------------- verdicts */

/* The outcome of checking a credential.  AUTH_FAILED is "wrong password / unknown user"
 * (the caller raises auth_failed_error); AUTH_ERROR means `err` is set (protocol violation,
 * out of memory) and is sent as it is. */
typedef enum { AUTH_OK = 0, AUTH_FAILED, AUTH_ERROR } auth_result;

/* ---------------------------------------------------------------- base64 */

/* Length of the encoding of n bytes, without the terminating NUL. */
size_t auth_b64_encoded_len(size_t n);
/* Encode n bytes into dst (room for auth_b64_encoded_len(n) + 1); returns the length. */
size_t auth_b64_encode(const uint8_t *src, size_t n, char *dst);
/* Decode canonical, padded base64 (no whitespace, zero pad bits).  Returns the number of
 * bytes written, or -1 if the text is not valid or does not fit in `cap`. */
long auth_b64_decode(const char *src, size_t n, uint8_t *dst, size_t cap) MUST_CHECK;

/* ---------------------------------------------------------------- SASLprep */

typedef enum {
    SASLPREP_SUCCESS = 0,
    SASLPREP_OOM,
    SASLPREP_INVALID_UTF8,   /* not UTF-8: PostgreSQL then uses the password as it is */
    SASLPREP_PROHIBITED,     /* prohibited output or bidi rule: likewise */
    SASLPREP_TOO_LONG,       /* over SASLPREP_MAX_INPUT bytes: 54000 "password too long" */
} saslprep_result;

#define SASLPREP_MAX_INPUT 1024   /* PostgreSQL's MAX_PASSWORD_LENGTH */

/* RFC 4013 SASLprep of a NUL-terminated string.  On SASLPREP_SUCCESS *out is a malloc'd
 * NUL-terminated UTF-8 string; otherwise *out is NULL.  Pure ASCII input is returned
 * unchanged, as PostgreSQL does. */
saslprep_result saslprep(const char *input, char **out) MUST_CHECK;
/* PostgreSQL's rule for passwords: SASLprep if it succeeds, else the input unchanged.
 * Returns a malloc'd copy, or NULL with `err` set (53200, or 54000 password too long). */
char *saslprep_password(const char *password, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- SCRAM secrets */

#define SCRAM_SHA_256_NAME "SCRAM-SHA-256"
#define SCRAM_SHA_256_PLUS_NAME "SCRAM-SHA-256-PLUS"
#define SCRAM_KEY_LEN 32               /* SHA-256 output */
#define SCRAM_DEFAULT_SALT_LEN 16
#define SCRAM_DEFAULT_ITERATIONS 4096  /* scram_iterations' default */
#define SCRAM_MAX_SALT_LEN 64          /* longest salt accepted in a stored secret */
#define SCRAM_SECRET_TEXT_MAX 256      /* room for the text form, NUL included */
#define SCRAM_MOCK_NONCE_LEN 32        /* suggested size of the server's mock secret */

/* A stored SCRAM-SHA-256 secret: SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>. */
typedef struct scram_secret {
    int iterations;
    size_t salt_len;
    uint8_t salt[SCRAM_MAX_SALT_LEN];
    uint8_t stored_key[SCRAM_KEY_LEN];
    uint8_t server_key[SCRAM_KEY_LEN];
} scram_secret;

/* Parse the text form; false if `text` is not a well-formed SCRAM-SHA-256 secret. */
bool scram_secret_parse(const char *text, scram_secret *out) MUST_CHECK;
/* Print the text form into out (SCRAM_SECRET_TEXT_MAX bytes). */
void scram_secret_format(const scram_secret *s, char out[SCRAM_SECRET_TEXT_MAX]);
/* Derive a secret from a password (SASLprep'd as PostgreSQL does) with a given salt. */
bool scram_secret_derive(const char *password, const uint8_t *salt, size_t salt_len,
                         int iterations, scram_secret *out, pg_error *err) MUST_CHECK;
/* Same, with a fresh random salt of SCRAM_DEFAULT_SALT_LEN bytes. */
bool scram_secret_generate(const char *password, int iterations, scram_secret *out,
                           pg_error *err) MUST_CHECK;
/* The secret an unknown user appears to have: salt = first 16 bytes of
 * SHA-256(user || mock_nonce) (PostgreSQL's scram_mock_salt), given iterations, zero keys.
 * Deterministic, so repeated probes for one name see one salt. */
void scram_secret_mock(const char *user, const uint8_t *mock_nonce, size_t mock_nonce_len,
                       int iterations, scram_secret *out);
/* Check a plaintext password (the "password" method) against a secret: compares ServerKey
 * in constant time. */
auth_result scram_verify_plain_password(const scram_secret *s, const char *password,
                                        pg_error *err) MUST_CHECK;

/* SCRAM building blocks (RFC 5802 §3), exposed for the client side of tests. */
bool scram_salted_password(const char *password, const uint8_t *salt, size_t salt_len,
                           int iterations, uint8_t out[SCRAM_KEY_LEN]) MUST_CHECK;
bool scram_hmac(const uint8_t key[SCRAM_KEY_LEN], const void *data, size_t len,
                uint8_t out[SCRAM_KEY_LEN]) MUST_CHECK;
bool scram_hash(const void *data, size_t len, uint8_t out[SCRAM_KEY_LEN]) MUST_CHECK;

/* ---------------------------------------------------------------- SCRAM exchange */

typedef enum {
    SCRAM_EXCHANGE_CONTINUE,   /* send AuthenticationSASLContinue carrying `output` */
    SCRAM_EXCHANGE_SUCCESS,    /* send AuthenticationSASLFinal carrying `output`, then Ok */
    SCRAM_EXCHANGE_FAILURE,    /* bad proof or unknown user: auth_failed_error (28P01) */
    SCRAM_EXCHANGE_ERROR,      /* malformed exchange: `err` holds PostgreSQL's error */
} scram_exchange_result;

typedef struct scram_begin_args {
    const char *mechanism;        /* the name in SASLInitialResponse */
    const char *user;             /* user name from the startup packet */
    const char *stored_secret;    /* the user's stored password; NULL: no such user */
    /* Server-wide secret for mock salts (e.g. 32 random bytes kept in the data directory). */
    const uint8_t *mock_nonce;
    size_t mock_nonce_len;
    int mock_iterations;          /* iterations shown to unknown users; 0 = 4096 */
    /* tls-server-end-point data when SCRAM-SHA-256-PLUS was advertised, else NULL/0. */
    const uint8_t *channel_binding;
    size_t channel_binding_len;
    /* Tests only: a fixed server nonce (printable, no comma) to replay RFC 7677. */
    const char *fixed_server_nonce;
} scram_begin_args;

typedef struct scram_state scram_state;

/* Mechanisms for AuthenticationSASL, in PostgreSQL's order, NULL-terminated: the -PLUS
 * variant first when channel binding data is available. */
const char *const *scram_mechanisms(bool offer_plus);
/* Start an exchange once the client picked a mechanism.  NULL with `err` set (08P01
 * "client selected an invalid SASL authentication mechanism", or 53200). */
scram_state *scram_begin(const scram_begin_args *args, pg_error *err) MUST_CHECK;
/* Feed one client message.  `input` NULL means SASLInitialResponse carried no initial
 * response (length -1): the reply is an empty challenge.  The server's next message is
 * appended to `output`. */
scram_exchange_result scram_exchange(scram_state *st, const char *input, size_t len,
                                     strbuf *output, pg_error *err) MUST_CHECK;
/* Why the last FAILURE happened, for the server log only (never for the client); or NULL. */
const char *scram_logdetail(const scram_state *st);
void scram_free(scram_state *st);

/* ---------------------------------------------------------------- MD5 */

#define MD5_PASSWD_LEN 35   /* "md5" + 32 lowercase hex digits */
#define MD5_SALT_LEN 4

/* True if `stored` is "md5" followed by exactly 32 lowercase hex digits. */
bool md5_is_hash(const char *stored);
/* "md5" + hex(md5(password || user)): the stored form (and what CREATE ROLE stores). */
bool md5_password_hash(const char *password, const char *user,
                       char out[MD5_PASSWD_LEN + 1], pg_error *err) MUST_CHECK;
/* "md5" + hex(md5(hex_part_of(stored) || salt)): what the client answers to a challenge. */
bool md5_salted_response(const char *stored_hash, const uint8_t salt[MD5_SALT_LEN],
                         char out[MD5_PASSWD_LEN + 1], pg_error *err) MUST_CHECK;
/* Four random bytes for AuthenticationMD5Password. */
bool md5_make_salt(uint8_t salt[MD5_SALT_LEN], pg_error *err) MUST_CHECK;
/* Check the client's PasswordMessage against the stored hash.  `stored` may be NULL
 * (unknown user): the same work is done and the answer is AUTH_FAILED.  Reasons go to
 * `logdetail` (may be NULL). */
auth_result md5_verify_response(const char *user, const char *stored,
                                const uint8_t salt[MD5_SALT_LEN], const char *response,
                                size_t response_len, strbuf *logdetail,
                                pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- stored passwords */

typedef enum {
    PASSWORD_TYPE_PLAINTEXT = 0,
    PASSWORD_TYPE_MD5,
    PASSWORD_TYPE_SCRAM_SHA_256,
} password_type;

/* What a stored password is, by PostgreSQL's get_password_type rules. */
password_type password_type_of(const char *stored);
/* Parse password_encryption ("scram-sha-256" or "md5"); false if neither. */
bool password_encryption_parse(const char *setting, password_type *out) MUST_CHECK;
/* Build the stored form of a new password: a SCRAM secret or an md5 hash. */
bool password_encrypt(const char *password, const char *user, password_type kind,
                      int iterations, char out[SCRAM_SECRET_TEXT_MAX],
                      pg_error *err) MUST_CHECK;
/* The "password" method: compare a cleartext password with the stored one (NULL for an
 * unknown user), as PostgreSQL's plain_crypt_verify. */
auth_result password_verify_plain(const char *user, const char *stored, const char *password,
                                  strbuf *logdetail, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- pg_hba.conf */

typedef enum {
    HBA_LOCAL = 0,
    HBA_HOST,
    HBA_HOSTSSL,
    HBA_HOSTNOSSL,
    HBA_HOSTGSSENC,     /* accepted, never matches: no GSSAPI encryption here */
    HBA_HOSTNOGSSENC,
} hba_conn_type;

typedef enum {
    HBA_TRUST = 0,
    HBA_REJECT,
    HBA_SCRAM_SHA_256,
    HBA_MD5,
    HBA_PASSWORD,
    HBA_CERT,
    HBA_IMPLICIT_REJECT,   /* no line matched */
} hba_method;

typedef enum { HBA_CLIENTCERT_OFF = 0, HBA_CLIENTCERT_VERIFY_CA, HBA_CLIENTCERT_VERIFY_FULL } hba_clientcert;
typedef enum { HBA_CLIENTNAME_CN = 0, HBA_CLIENTNAME_DN } hba_clientname;

/* One word of a field; `quoted` if it began with '"' (then keywords are plain names). */
typedef struct hba_token {
    char *string;
    bool quoted;
} hba_token;
typedef enum { HBA_ADDR_NONE = 0, HBA_ADDR_MASK, HBA_ADDR_ALL, HBA_ADDR_SAMEHOST, HBA_ADDR_SAMENET } hba_addr_kind;

/* One parsed line.  The lists and address are read by hba_match only. */
typedef struct hba_rule {
    int line_number;
    char *raw_line;               /* for "Connection matched pg_hba.conf line %d: \"%s\"" */
    hba_conn_type conn_type;
    hba_method method;
    hba_clientcert clientcert;
    hba_clientname clientname;
    hba_token *databases;         /* the database field, n_databases tokens */
    size_t n_databases;
    hba_token *roles;             /* the user field, n_roles tokens */
    size_t n_roles;
    hba_addr_kind addr_kind;
    int family;                   /* AF_INET or AF_INET6 for HBA_ADDR_MASK */
    uint8_t addr[16], mask[16];
} hba_rule;

typedef struct hba_file {
    char *file_name;
    hba_rule *rules;
    size_t n_rules;
    arena mem;
} hba_file;

/* Load and parse a pg_hba.conf file, as PostgreSQL does at startup and on reload.  Like
 * PostgreSQL, every line is checked: each problem goes to `log` (one line per problem, with
 * its hint and "line N of configuration file \"F\"", for the server log; may be NULL), and
 * `err` holds the first error (F0000, PostgreSQL's text, that context).  Warnings that do not
 * fail the load (hostssl with ssl = off, hostgssenc) go to `log` only. */
bool hba_load(const char *path, bool ssl_enabled, strbuf *log, hba_file **out,
              pg_error *err) MUST_CHECK;
/* The same from text in memory (file_name is only used in messages). */
bool hba_parse(const char *text, size_t len, const char *file_name, bool ssl_enabled,
               strbuf *log, hba_file **out, pg_error *err) MUST_CHECK;
void hba_free(hba_file *f);

/* What the server knows about a connection when it looks for its pg_hba.conf line. */
typedef struct hba_request {
    bool is_local;                     /* Unix-domain socket */
    bool is_ssl;                       /* TLS is in use */
    const struct sockaddr *addr;       /* client address for TCP (IPv4/IPv6), else NULL */
    socklen_t addr_len;
    const char *database;
    const char *user;
    /* Role membership for +group and samerole; NULL: a role is a member of itself only. */
    bool (*is_member)(void *arg, const char *user, const char *role);
    void *member_arg;
} hba_request;

/* First matching line, or NULL (the caller then raises hba_no_entry_error). */
const hba_rule *hba_match(const hba_file *f, const hba_request *r);
/* 28000 no pg_hba.conf entry for host "…", user "…", database "…", no encryption */
void hba_no_entry_error(pg_error *err, const hba_request *r);
/* 28000 pg_hba.conf rejects connection for host "…", user "…", database "…", SSL encryption */
void hba_reject_error(pg_error *err, const hba_request *r);
/* The FATAL of a failed authentication: 28P01 "password authentication failed for user"
 * for password methods, 28000 "certificate authentication failed for user" for cert, … */
void auth_failed_error(pg_error *err, hba_method method, const char *user);
/* Log detail that PostgreSQL adds to every authentication failure. */
void hba_matched_line_detail(const hba_rule *rule, strbuf *logdetail);
const char *hba_method_name(hba_method m);

/* The challenge a password method sends, by PostgreSQL's rules: "md5" uses MD5 only when
 * the stored password is an MD5 hash (for an unknown user: when password_encryption is
 * md5), otherwise SCRAM; "scram-sha-256" always SCRAM; "password" a cleartext request. */
typedef enum { AUTH_CHALLENGE_NONE = 0, AUTH_CHALLENGE_CLEARTEXT, AUTH_CHALLENGE_MD5, AUTH_CHALLENGE_SCRAM } auth_challenge;
auth_challenge auth_choose_challenge(hba_method method, const char *stored,
                                     password_type password_encryption);

/* What the TLS layer learnt about the client's certificate. */
typedef struct hba_client_cert {
    bool ca_loaded;        /* ssl_ca_file was loaded, so certificates were verified */
    bool present;          /* the client presented a certificate that verified */
    const char *cn;        /* subject CN, or NULL */
    const char *dn;        /* subject DN (RFC 2253), or NULL */
} hba_client_cert;

/* Checks for clientcert=verify-ca/verify-full and the cert method, in PostgreSQL's order.
 * Call before the password exchange with `after_password` false (certificate presence) and,
 * for verify-full or cert, after it with `after_password` true (name match).  AUTH_ERROR:
 * `err` is the FATAL to send; AUTH_FAILED: raise auth_failed_error(rule->method). */
auth_result hba_check_client_cert(const hba_rule *rule, const char *user,
                                  const hba_client_cert *cert, bool after_password,
                                  strbuf *logdetail, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- configuration files */

/* PostgreSQL's errcode_for_file_access: ENOENT 58P01, EACCES 42501, ENOSPC 53100, … */
const char *auth_sqlstate_for_errno(int errnum);
/* Read a whole file (at most `max` bytes) into a malloc'd NUL-terminated buffer.  Errors:
 * "could not open file \"%s\": %m" and friends, with the errno's SQLSTATE. */
bool auth_read_file(const char *path, size_t max, char **data, size_t *len,
                    pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- users file */

/* The `users_file` setting: "name:verifier" lines; '#' comment lines; never plaintext. */
typedef struct users_file users_file;

bool users_file_load(const char *path, users_file **out, pg_error *err) MUST_CHECK;
/* The stored verifier of `user`, or NULL.  Valid until users_file_free. */
const char *users_file_lookup(const users_file *f, const char *user);
size_t users_file_count(const users_file *f);
void users_file_free(users_file *f);
/* Parse from memory (tests, and the loader itself). */
bool users_file_parse(const char *text, size_t len, const char *file_name, users_file **out,
                      pg_error *err) MUST_CHECK;
/* Set (add or replace) one user's verifier: rewrites the file through a temporary file in
 * the same directory and rename(2), mode 0600, keeping every other line as it was. */
bool users_file_set(const char *path, const char *user, const char *verifier,
                    pg_error *err) MUST_CHECK;

/* What `iris-pgwire passwd [--users-file F] USER` does. */
typedef struct users_passwd_args {
    const char *path;                 /* users_file */
    const char *user;
    password_type encryption;         /* password_encryption: MD5, else SCRAM-SHA-256 */
    int iterations;                   /* scram_iterations; 0 = 4096 */
    int input_fd;                     /* usually 0 */
} users_passwd_args;

/* Read a new password: one line from `fd` when it is not a terminal; otherwise prompt
 * twice on the terminal with echo off.  malloc'd result; NULL with `err` set. */
char *auth_read_new_password(int fd, const char *user, pg_error *err) MUST_CHECK;
/* Read the password, build the verifier, store it. */
bool users_file_passwd(const users_passwd_args *args, pg_error *err) MUST_CHECK;

#endif
