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
    const char *hba_file;             /* NULL: trust everything (until security lands) */
} proto_config;

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

#endif
