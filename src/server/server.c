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
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

static proto_config proto_settings(const server_config *cfg)
{
    proto_config p = {
        .max_connections = cfg->max_connections,
        .authentication_timeout_ms = cfg->authentication_timeout_ms,
        .shutdown_timeout_ms = cfg->shutdown_timeout_ms,
        .log_connections = cfg->log_connections,
        .log_disconnections = cfg->log_disconnections,
        .log_statements = strcmp(cfg->log_statement, "all") == 0,
    };
    return p;
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
    proto_config pc = proto_settings(&fresh);
    proto_server_update_config(srv->proto, &pc);
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
    if (!backend_create(&bc, &srv.engine, &err))
        goto out;
    sql_server_config sc = {.plan_cache_entries = 8192, .default_timezone = cfg->timezone};
    if (!sql_server_create(srv.engine, &sc, &srv.sql, &err) ||
        !sql_server_set_session_defaults(srv.sql, cfg->nsession_defaults, cfg->session_default_names,
                                         cfg->session_default_values, &err))
        goto out;
    proto_config pc = proto_settings(cfg);
    if (!proto_server_create(&pc, srv.sql, &srv.log, &srv.proto, &err))
        goto out;
    proto_server_set_reload(srv.proto, reload, &srv);
    net_handler h = proto_net_handler(srv.proto);
    net_config nc = {
        .worker_threads = cfg->worker_threads > 0 ? cfg->worker_threads : cfg->engine_pool_size + 4,
    };
    if (!net_loop_create(&nc, &h, &srv.loop, &err))
        goto out;
    proto_server_set_loop(srv.proto, srv.loop);
    if (!listen_all(&srv, &err))
        goto out;
    log_line(&srv.log, LOG_LEVEL_LOG, 0, "database system is ready to accept connections");
    net_loop_run(srv.loop);
    log_line(&srv.log, LOG_LEVEL_LOG, 0, "database system is shut down");
    status = 0;
out:
    if (pg_error_is_set(&err)) {
        log_line(&srv.log, LOG_LEVEL_FATAL, 0, "%s", err.message);
        if (err.detail)
            log_line(&srv.log, LOG_LEVEL_FATAL, 0, "DETAIL:  %s", err.detail);
        if (err.hint)
            log_line(&srv.log, LOG_LEVEL_FATAL, 0, "HINT:  %s", err.hint);
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
