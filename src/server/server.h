/*
 * server.h — the server object (configuration, logger, and every layer's root object) and
 * its configuration, read from iris-pgwire.conf, PGWIRE_* environment variables and
 * PostgreSQL-style command-line flags, in that order of precedence (flags win).
 */
#ifndef PGWIRE_SERVER_H
#define PGWIRE_SERVER_H

#include "backend/backend.h"
#include "common/common.h"
#include "net/net.h"
#include "proto/proto.h"
#include "sql/sql.h"

typedef struct server_config {
    char *data_directory;
    char *config_file;
    int port;
    char *listen_addresses;
    char *unix_socket_directories;
    int max_connections;
    int worker_threads;
    int engine_pool_size;
    char *backend;                 /* sqlite | odbc */
    char *odbc_connection_string;
    char *dialect;                 /* iris | sqlite | postgres */
    char *engine_public_schema;
    char *iris_version;
    char *log_file;                /* empty: stderr */
    char *log_min_messages;
    bool log_connections;
    bool log_disconnections;
    char *log_statement;           /* none | all */
    int authentication_timeout_ms;
    int shutdown_timeout_ms;
    bool synchronous_commit;
    char *timezone;
    int64_t sqlite_mmap_size;
    int sqlite_cache_size_kib;
    /* Settings for sessions (statement_timeout, DateStyle ...) given in the file or with -c. */
    int nsession_defaults;
    char **session_default_names;
    char **session_default_values;
} server_config;

/* Parse argv (after the program name) into a config, reading the file and environment as
 * PostgreSQL would.  Prints and returns false on bad input; `*exit_now` for --help. */
bool server_config_load(server_config *cfg, int argc, char **argv, bool *exit_now, pg_error *err) MUST_CHECK;
void server_config_free(server_config *cfg);
/* Reread the file (SIGHUP) into `fresh` (starting from the command line's values). */
bool server_config_reload(const server_config *current, server_config *fresh, pg_error *err) MUST_CHECK;
void server_usage(FILE *out);

/* Run the server until it is told to stop; returns the process exit status. */
int server_run(server_config *cfg);

#endif
