/*
 * proto.h — the PostgreSQL v3 wire protocol: startup (SSLRequest, GSSENCRequest,
 * CancelRequest, NegotiateProtocolVersion), authentication, the session state machine,
 * simple and extended query, COPY, and every message's encoding.
 *
 * proto plugs into net as its handler (proto_net_handler) and drives the SQL layer; it
 * never calls an engine.  One proto_server per process holds the settings, the sessions
 * (for cancel keys, timeouts and shutdown) and the hooks to the logger.
 */
#ifndef PGWIRE_PROTO_H
#define PGWIRE_PROTO_H

#include "common/common.h"
#include "net/net.h"
#include "sql/sql.h"

typedef struct proto_server proto_server;

typedef struct proto_config {
    int max_connections;
    int superuser_reserved_connections;
    int authentication_timeout_ms;
    int shutdown_timeout_ms;          /* grace for running statements on SIGTERM/SIGINT */
    size_t max_message_size;          /* PostgreSQL: 1 GB - 1 */
    size_t output_flush_threshold;    /* bytes buffered before a write is attempted */
    size_t output_high_water;         /* bytes buffered before the session waits for the client */
    bool log_connections;
    bool log_disconnections;
    bool log_statements;
    /* Authentication (docs/security.md), reloadable with proto_server_reload_auth(). */
    const char *hba_file;             /* NULL or "": built-in rules (trust on the Unix socket and
                                       * on loopback, no entry for anything else) */
    const char *users_file;           /* NULL or "": no stored passwords */
    const char *password_encryption;  /* "scram-sha-256" (NULL) or "md5" */
    int scram_iterations;             /* 0: 4096 */
    bool ssl;                         /* TLS is on (pg_hba.conf warns about hostssl otherwise) */
    int max_connections_per_user;     /* <= 0: no limit (PostgreSQL's role CONNECTION LIMIT) */
    size_t max_startup_packet_size;   /* 0: 10000 (PostgreSQL's MAX_STARTUP_PACKET_LENGTH) */
    int max_startup_parameters;       /* 0: 64 */
    /* Server secret for mock SCRAM salts (32 bytes kept in the data directory); copied. */
    const uint8_t *mock_nonce;
    size_t mock_nonce_len;
} proto_config;

/* Loads the authentication files too (proto_server_reload_auth): a bad pg_hba.conf stops the
 * server from starting, as in PostgreSQL. */
bool proto_server_create(const proto_config *cfg, sql_server *sql, logger *log, proto_server **out,
                         pg_error *err) MUST_CHECK;
void proto_server_destroy(proto_server *p);
/* The net handler that runs the protocol; `arg` must be the proto_server. */
net_handler proto_net_handler(proto_server *p);
void proto_server_set_loop(proto_server *p, net_loop *loop);
/* Begin graceful shutdown: stop accepting, finish running statements, then stop the loop.
 * `fast` (SIGINT) terminates idle sessions at once, as PostgreSQL's fast shutdown. */
void proto_server_shutdown(proto_server *p, bool fast);
/* Reload callback for SIGHUP (set by the server). */
void proto_server_set_reload(proto_server *p, void (*reload)(void *arg), void *arg);
int proto_server_session_count(proto_server *p);
void proto_server_update_config(proto_server *p, const proto_config *cfg);
/* Load pg_hba.conf and the users file named by `cfg` and use them for every connection that
 * starts authenticating from now on; sessions already authenticating keep the old ones.  On
 * failure nothing changes, `err` holds the first problem and `log` (may be NULL) one line per
 * problem, as PostgreSQL logs a bad pg_hba.conf. */
bool proto_server_reload_auth(proto_server *p, const proto_config *cfg, strbuf *log,
                              pg_error *err) MUST_CHECK;

/* `iris-pgwire passwd`: read a new password from `input_fd` (one line if it is not a
 * terminal, else two prompts with echo off) and store its verifier for `user` in the users
 * file, as password_encryption ("scram-sha-256" or "md5") and scram_iterations say. */
bool proto_passwd(const char *users_file, const char *user, const char *password_encryption,
                  int iterations, int input_fd, pg_error *err) MUST_CHECK;

#endif
