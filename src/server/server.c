/*
 * server.c — the server object: builds every layer from the configuration, listens, runs
 * the event loop until shutdown, and reloads what can be reloaded on SIGHUP.
 *
 * The data directory holds the databases (databases/<name>.db), the optional
 * iris-pgwire.conf, and iris-pgwire.pid, locked while the server runs so that two servers
 * never share one data directory.
 */
#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

typedef struct server {
    server_config *cfg;
    logger log;
    backend *engine;
    sql_server *sql;
    proto_server *proto;
    net_loop *loop;
    int pid_fd;
} server;

static bool make_dirs(const char *path, pg_error *err)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0700) < 0 && errno != EEXIST) {
            pg_error_set(err, "58P01", "could not create directory \"%s\": %s", buf, strerror(errno));
            return false;
        }
        *p = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST) {
        pg_error_set(err, "58P01", "could not create directory \"%s\": %s", buf, strerror(errno));
        return false;
    }
    return true;
}

static bool lock_data_directory(server *srv, pg_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/iris-pgwire.pid", srv->cfg->data_directory);
    srv->pid_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (srv->pid_fd < 0) {
        pg_error_set(err, "58P01", "could not create lock file \"%s\": %s", path, strerror(errno));
        return false;
    }
    if (flock(srv->pid_fd, LOCK_EX | LOCK_NB) < 0) {
        pg_error_set(err, "55006", "lock file \"%s\" is held by another server", path);
        pg_error_hint(err, "Is another iris-pgwire running in data directory \"%s\"?", srv->cfg->data_directory);
        close(srv->pid_fd);
        srv->pid_fd = -1;
        return false;
    }
    char line[64];
    int n = snprintf(line, sizeof line, "%d\n", (int)getpid());
    if (ftruncate(srv->pid_fd, 0) < 0 || write(srv->pid_fd, line, (size_t)n) != n) {
        pg_error_set(err, "58P01", "could not write lock file \"%s\": %s", path, strerror(errno));
        return false;
    }
    return true;
}

static log_level parse_level(const char *s)
{
    if (!s)
        return LOG_LEVEL_LOG;
    if (strncmp(s, "debug", 5) == 0)
        return LOG_LEVEL_DEBUG;
    if (strcmp(s, "warning") == 0)
        return LOG_LEVEL_WARNING;
    if (strcmp(s, "error") == 0)
        return LOG_LEVEL_ERROR;
    if (strcmp(s, "fatal") == 0 || strcmp(s, "panic") == 0)
        return LOG_LEVEL_FATAL;
    return LOG_LEVEL_LOG;
}

/* The paths of the authentication and TLS files, resolved against the data directory. */
typedef struct security_paths {
    char *hba_file, *users_file, *cert_file, *key_file, *ca_file;
} security_paths;

static void security_paths_free(security_paths *p)
{
    free(p->hba_file);
    free(p->users_file);
    free(p->cert_file);
    free(p->key_file);
    free(p->ca_file);
    memset(p, 0, sizeof *p);
}

static bool security_paths_resolve(const server_config *cfg, security_paths *p, pg_error *err)
{
    memset(p, 0, sizeof *p);
    /* No hba_file: DATADIR/pg_hba.conf if there is one, else the built-in loopback rules. */
    if (*cfg->hba_file) {
        p->hba_file = server_config_path(cfg, cfg->hba_file);
    } else {
        char *dflt = server_config_path(cfg, "pg_hba.conf");
        if (dflt && access(dflt, F_OK) == 0)
            p->hba_file = dflt;
        else
            free(dflt);
    }
    p->users_file = server_config_path(cfg, cfg->users_file);
    p->cert_file = server_config_path(cfg, cfg->ssl_cert_file);
    p->key_file = server_config_path(cfg, cfg->ssl_key_file);
    p->ca_file = server_config_path(cfg, cfg->ssl_ca_file);
    if ((*cfg->hba_file && !p->hba_file) || (*cfg->users_file && !p->users_file) ||
        (*cfg->ssl_cert_file && !p->cert_file) || (*cfg->ssl_key_file && !p->key_file) ||
        (*cfg->ssl_ca_file && !p->ca_file)) {
        security_paths_free(p);
        pg_error_oom(err);
        return false;
    }
    return true;
}

static proto_config proto_settings(const server_config *cfg, const security_paths *paths)
{
    proto_config p = {
        .max_connections = cfg->max_connections,
        .authentication_timeout_ms = cfg->authentication_timeout_ms,
        .shutdown_timeout_ms = cfg->shutdown_timeout_ms,
        .log_connections = cfg->log_connections,
        .log_disconnections = cfg->log_disconnections,
        .log_statements = strcmp(cfg->log_statement, "all") == 0,
        .hba_file = paths ? paths->hba_file : NULL,
        .users_file = paths ? paths->users_file : NULL,
        .password_encryption = cfg->password_encryption,
        .scram_iterations = cfg->scram_iterations,
        .ssl = cfg->ssl,
        .max_connections_per_user = cfg->max_connections_per_user,
        .max_startup_packet_size = (size_t)cfg->max_startup_packet_size,
        .max_startup_parameters = cfg->max_startup_parameters,
    };
    return p;
}

/* ssl = on: build the TLS context (PostgreSQL's checks and messages); off: none. */
static bool configure_tls(server *srv, const server_config *cfg, const security_paths *paths,
                          pg_error *err)
{
    if (!cfg->ssl)
        return net_loop_configure_tls(srv->loop, NULL, err);
    tls_settings ts = {
        .cert_file = paths->cert_file,
        .key_file = paths->key_file,
        .ca_file = paths->ca_file,
        .min_protocol_version = cfg->ssl_min_protocol_version,
        .max_protocol_version = cfg->ssl_max_protocol_version,
        .ciphers = cfg->ssl_ciphers,
        .prefer_client_ciphers = !cfg->ssl_prefer_server_ciphers,
    };
    return net_loop_configure_tls(srv->loop, &ts, err);
}

/* 32 random bytes kept in DATADIR/mock_auth_nonce (mode 0600): the secret behind the mock
 * SCRAM salts of unknown users, stable across restarts as PostgreSQL's (pg_control). */
static bool load_mock_nonce(const server_config *cfg, uint8_t nonce[32], pg_error *err)
{
    char *path = server_config_path(cfg, "mock_auth_nonce");
    if (!path) {
        pg_error_oom(err);
        return false;
    }
    bool ok = false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ok = read(fd, nonce, 32) == 32;
        close(fd);
        if (!ok)
            pg_error_set(err, "XX001", "could not read mock authentication nonce from \"%s\": file is too short", path);
    } else if (errno == ENOENT) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || RAND_bytes(nonce, 32) != 1 || write(fd, nonce, 32) != 32 || fsync(fd) != 0)
            pg_error_set(err, "58030", "could not create mock authentication nonce \"%s\": %s", path,
                         strerror(errno));
        else
            ok = true;
        if (fd >= 0)
            close(fd);
    } else {
        pg_error_set(err, "58030", "could not open file \"%s\": %s", path, strerror(errno));
    }
    free(path);
    return ok;
}

static void log_problems(server *srv, strbuf *problems)
{
    if (problems->len && !problems->failed)
        log_line(&srv->log, LOG_LEVEL_LOG, 0, "%s", problems->data);
    strbuf_reset(problems);
}

static void log_error(server *srv, pg_error *err)
{
    log_line(&srv->log, LOG_LEVEL_LOG, 0, "%s", err->message ? err->message : "error");
    if (err->detail)
        log_line_labeled(&srv->log, LOG_LEVEL_LOG, "DETAIL", 0, "%s", err->detail);
    if (err->hint)
        log_line_labeled(&srv->log, LOG_LEVEL_LOG, "HINT", 0, "%s", err->hint);
    if (err->context)
        log_line_labeled(&srv->log, LOG_LEVEL_LOG, "CONTEXT", 0, "%s", err->context);
    pg_error_clear(err);
}

static void reload(void *arg)
{
    server *srv = arg;
    server_config fresh;
    pg_error err = {0};
    if (!server_config_reload(srv->cfg, &fresh, &err)) {
        log_line(&srv->log, LOG_LEVEL_LOG, 0, "configuration file contains errors; unaffected changes were applied: %s",
                 err.message);
        pg_error_clear(&err);
        server_config_free(&fresh);
        return;
    }
    srv->log.min_level = parse_level(fresh.log_min_messages);
    security_paths paths;
    if (!security_paths_resolve(&fresh, &paths, &err)) {
        log_error(srv, &err);
        server_config_free(&fresh);
        return;
    }
    /* As PostgreSQL: a context that does not build leaves the old one in place. */
    if (!configure_tls(srv, &fresh, &paths, &err)) {
        log_error(srv, &err);
        log_line(&srv->log, LOG_LEVEL_LOG, 0, "SSL configuration was not reloaded");
    }
    proto_config pc = proto_settings(&fresh, &paths);
    pc.ssl = net_loop_tls_enabled(srv->loop);
    proto_server_update_config(srv->proto, &pc);
    strbuf problems;
    strbuf_init(&problems);
    if (!proto_server_reload_auth(srv->proto, &pc, &problems, &err)) {
        log_problems(srv, &problems);
        log_error(srv, &err);
        log_line(&srv->log, LOG_LEVEL_LOG, 0, "pg_hba.conf and users file were not reloaded");
    } else {
        log_problems(srv, &problems);
    }
    strbuf_free(&problems);
    security_paths_free(&paths);
    if (!sql_server_set_session_defaults(srv->sql, fresh.nsession_defaults, fresh.session_default_names,
                                         fresh.session_default_values, &err)) {
        log_line(&srv->log, LOG_LEVEL_LOG, 0, "could not apply session defaults: %s", err.message);
        pg_error_clear(&err);
    }
    if (fresh.port != srv->cfg->port)
        log_line(&srv->log, LOG_LEVEL_LOG, 0, "parameter \"port\" cannot be changed without restarting the server");
    server_config_free(&fresh);
}

static bool listen_all(server *srv, pg_error *err)
{
    server_config *cfg = srv->cfg;
    if (*cfg->listen_addresses) {
        if (!net_listen_tcp(srv->loop, cfg->listen_addresses, cfg->port, 511, err))
            return false;
        log_line(&srv->log, LOG_LEVEL_LOG, 0, "listening on \"%s\", port %d", cfg->listen_addresses, cfg->port);
    }
    if (*cfg->unix_socket_directories) {
        char *dirs = strdup(cfg->unix_socket_directories);
        if (!dirs) {
            pg_error_oom(err);
            return false;
        }
        char *save = NULL;
        bool ok = true;
        for (char *d = strtok_r(dirs, ",", &save); d && ok; d = strtok_r(NULL, ",", &save)) {
            while (*d == ' ')
                d++;
            if (!*d)
                continue;
            ok = net_listen_unix(srv->loop, d, cfg->port, 511, err);
            if (ok)
                log_line(&srv->log, LOG_LEVEL_LOG, 0, "listening on Unix socket \"%s/.s.PGSQL.%d\"", d, cfg->port);
        }
        free(dirs);
        if (!ok)
            return false;
    }
    return true;
}

int server_run(server_config *cfg)
{
    server srv = {.cfg = cfg, .pid_fd = -1};
    int log_fd = 2;
    if (*cfg->log_file) {
        log_fd = open(cfg->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (log_fd < 0) {
            fprintf(stderr, "iris-pgwire: could not open log file \"%s\": %s\n", cfg->log_file, strerror(errno));
            return 1;
        }
    }
    logger_init(&srv.log, log_fd, parse_level(cfg->log_min_messages));
    pg_error err = {0};
    security_paths paths = {0};
    int status = 1;
    if (!make_dirs(cfg->data_directory, &err) || !lock_data_directory(&srv, &err))
        goto out;
    backend_config bc = {
        .kind = strcmp(cfg->backend, "odbc") == 0 ? BACKEND_ODBC : BACKEND_SQLITE,
        .data_directory = cfg->data_directory,
        .odbc_connection_string = cfg->odbc_connection_string,
        .pool_size = cfg->engine_pool_size,
        .synchronous_commit = cfg->synchronous_commit,
        .mmap_size = cfg->sqlite_mmap_size,
        .cache_size_kib = cfg->sqlite_cache_size_kib,
    };
    if (strcmp(cfg->backend, "sqlite") != 0 && strcmp(cfg->backend, "odbc") != 0) {
        pg_error_set(&err, "22023", "invalid value for parameter \"backend\": \"%s\"", cfg->backend);
        pg_error_hint(&err, "Available values: sqlite, odbc.");
        goto out;
    }
    if (*cfg->dialect && strcmp(cfg->dialect, "iris") != 0 && strcmp(cfg->dialect, "postgres") != 0 &&
        strcmp(cfg->dialect, "sqlite") != 0) {
        pg_error_set(&err, "22023", "invalid value for parameter \"dialect\": \"%s\"", cfg->dialect);
        pg_error_hint(&err, "Available values: iris, postgres, sqlite.");
        goto out;
    }
    bc.dialect = bc.kind == BACKEND_SQLITE ? DIALECT_SQLITE
                 : strcmp(cfg->dialect, "postgres") == 0 ? DIALECT_POSTGRES
                 : strcmp(cfg->dialect, "sqlite") == 0 ? DIALECT_SQLITE : DIALECT_IRIS;
    /* What PostgreSQL's public is in the engine: IRIS's default schema is SQLUser. */
    bc.public_schema = *cfg->engine_public_schema ? cfg->engine_public_schema
                       : bc.kind == BACKEND_ODBC && bc.dialect == DIALECT_IRIS ? "SQLUser"
                       : bc.kind == BACKEND_ODBC && bc.dialect == DIALECT_POSTGRES ? "public" : "";
    {
        int major = 0, minor = 0;
        if (sscanf(cfg->iris_version, "%d.%d", &major, &minor) < 1 || major < 2018) {
            pg_error_set(&err, "22023", "invalid value for parameter \"iris_version\": \"%s\"", cfg->iris_version);
            pg_error_hint(&err, "An IRIS release such as 2024.1 or 2025.1.");
            goto out;
        }
        bc.iris_version = major * 10 + minor;
    }
    /* IRIS's VECTOR element types that distances are defined on (RSQL_datatype "VECTOR"):
     * FLOAT is 4 bytes per element, as pgvector's vector is; DOUBLE keeps full precision. */
    {
        static const char *const vector_types[] = {"FLOAT", "DOUBLE", "DECIMAL", "INTEGER"};
        for (size_t i = 0; i < sizeof vector_types / sizeof vector_types[0]; i++)
            if (strcasecmp(cfg->iris_vector_type, vector_types[i]) == 0)
                bc.iris_vector_type = vector_types[i];
        if (!bc.iris_vector_type) {
            pg_error_set(&err, "22023", "invalid value for parameter \"iris_vector_type\": \"%s\"", cfg->iris_vector_type);
            pg_error_hint(&err, "Available values: FLOAT, DOUBLE, DECIMAL, INTEGER.");
            goto out;
        }
    }
    /* Whose login the engine connections use: the service account of the connection string,
     * or each client's own (docs/security.md, "Logging in to IRIS as the client"). */
    if (strcasecmp(cfg->odbc_login, "client") == 0) {
        bc.login = ENGINE_LOGIN_CLIENT;
    } else if (strcasecmp(cfg->odbc_login, "service") != 0) {
        pg_error_set(&err, "22023", "invalid value for parameter \"odbc_login\": \"%s\"", cfg->odbc_login);
        pg_error_hint(&err, "Available values: service, client.");
        goto out;
    }
    /* Engine login checks (odbc_login = client) hold a worker thread each for a whole
     * connect: leave at least two threads to the sessions already logged in. */
    int worker_threads = cfg->worker_threads > 0 ? cfg->worker_threads : cfg->engine_pool_size + 4;
    bc.max_login_checks = worker_threads > 2 ? worker_threads - 2 : 1;
    if (!backend_create(&bc, &srv.engine, &err))
        goto out;
    sql_server_config sc = {.plan_cache_entries = 8192, .default_timezone = cfg->timezone,
                            .copy_server_files = cfg->copy_server_files};
    if (!sql_server_create(srv.engine, &sc, &srv.sql, &err) ||
        !sql_server_set_session_defaults(srv.sql, cfg->nsession_defaults, cfg->session_default_names,
                                         cfg->session_default_values, &err))
        goto out;
    uint8_t mock_nonce[32];
    if (!security_paths_resolve(cfg, &paths, &err) || !load_mock_nonce(cfg, mock_nonce, &err))
        goto out;
    proto_config pc = proto_settings(cfg, &paths);
    pc.mock_nonce = mock_nonce;
    pc.mock_nonce_len = sizeof mock_nonce;
    bool created = proto_server_create(&pc, srv.sql, &srv.log, &srv.proto, &err);
    OPENSSL_cleanse(mock_nonce, sizeof mock_nonce);
    if (!created)
        goto out;
    proto_server_set_reload(srv.proto, reload, &srv);
    net_handler h = proto_net_handler(srv.proto);
    net_config nc = {
        .worker_threads = worker_threads,
        .active_workers = cfg->active_workers,
    };
    if (!net_loop_create(&nc, &h, &srv.loop, &err))
        goto out;
    sql_server_warm(srv.sql);   /* after net_loop_create: it blocks the signals every thread inherits */
    proto_server_set_loop(srv.proto, srv.loop);
    if (!configure_tls(&srv, cfg, &paths, &err))
        goto out;
    if (!listen_all(&srv, &err))
        goto out;
    log_line(&srv.log, LOG_LEVEL_LOG, 0, "database system is ready to accept connections");
    net_loop_run(srv.loop);
    log_line(&srv.log, LOG_LEVEL_LOG, 0, "database system is shut down");
    status = 0;
out:
    security_paths_free(&paths);
    if (pg_error_is_set(&err)) {
        log_line(&srv.log, LOG_LEVEL_FATAL, 0, "%s", err.message);
        if (err.detail)
            log_line_labeled(&srv.log, LOG_LEVEL_FATAL, "DETAIL", 0, "%s", err.detail);
        if (err.hint)
            log_line_labeled(&srv.log, LOG_LEVEL_FATAL, "HINT", 0, "%s", err.hint);
        if (err.context)
            log_line_labeled(&srv.log, LOG_LEVEL_FATAL, "CONTEXT", 0, "%s", err.context);
        pg_error_clear(&err);
    }
    net_loop_destroy(srv.loop);
    proto_server_destroy(srv.proto);
    sql_server_destroy(srv.sql);
    backend_destroy(srv.engine);
    if (srv.pid_fd >= 0) {
        char path[4200];
        snprintf(path, sizeof path, "%s/iris-pgwire.pid", cfg->data_directory);
        unlink(path);
        close(srv.pid_fd);
    }
    if (log_fd > 2)
        close(log_fd);
    return status;
}
