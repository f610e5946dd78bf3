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
    int active_workers;
    int engine_pool_size;
    char *backend;                 /* sqlite | odbc */
    char *odbc_connection_string;
    char *odbc_login;              /* service | client (docs/security.md) */
    char *dialect;                 /* iris | sqlite | postgres */
    char *engine_public_schema;
    char *iris_version;
    char *iris_vector_type;
    char *log_file;                /* empty: stderr */
    char *log_min_messages;
    bool log_connections;
    bool log_disconnections;
    char *log_statement;           /* none | all */
    int authentication_timeout_ms;
    int shutdown_timeout_ms;
    /* TLS (PostgreSQL's names; relative paths are relative to the data directory). */
    bool ssl;
    char *ssl_cert_file;
    char *ssl_key_file;
    char *ssl_ca_file;
    char *ssl_min_protocol_version;
    char *ssl_max_protocol_version;
    char *ssl_ciphers;
    bool ssl_prefer_server_ciphers;
    /* Authentication (docs/security.md). */
    char *hba_file;                /* empty: DATADIR/pg_hba.conf if it exists, else built-in */
    char *users_file;              /* empty: none */
    char *password_encryption;
    int scram_iterations;
    int max_connections_per_user;  /* 0: no limit */
    int max_startup_packet_size;
    int max_startup_parameters;
    bool synchronous_commit;
    bool copy_server_files;
    char *timezone;
    int64_t sqlite_mmap_size;
    int sqlite_cache_size_kib;
    /* Settings for sessions (statement_timeout, DateStyle ...) given in the file or with -c. */
    int nsession_defaults;
    char **session_default_names;
    char **session_default_values;
    /* The command line's settings, applied again over the file on reload (SIGHUP). */
    int ncommand_line;
    char **command_line_names;
    char **command_line_values;
} server_config;

/* Parse argv (after the program name) into a config, reading the file and environment as
 * PostgreSQL would.  Prints and returns false on bad input; `*exit_now` for --help. */
bool server_config_load(server_config *cfg, int argc, char **argv, bool *exit_now, pg_error *err) MUST_CHECK;
void server_config_free(server_config *cfg);
/* Reread the file (SIGHUP) into `fresh`: defaults, the file, the environment, then the
 * command line's settings as at start. */
bool server_config_reload(const server_config *current, server_config *fresh, pg_error *err) MUST_CHECK;
void server_usage(FILE *out);

/* A path setting as the server uses it: absolute, or relative to the data directory (as
 * PostgreSQL resolves ssl_cert_file and hba_file).  malloc'd; NULL for an empty setting. */
char *server_config_path(const server_config *cfg, const char *setting_value);

/* Run the server until it is told to stop; returns the process exit status. */
int server_run(server_config *cfg);
/* `iris-pgwire passwd [--users-file F] [server options] USER`: store a user's verifier. */
int server_passwd_command(int argc, char **argv);

#endif
