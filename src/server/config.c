/*
 * config.c — server settings from the configuration file (INI style: "name = value",
 * '#' comments, [sections] allowed and ignored), PGWIRE_<NAME> environment variables and
 * the command line, flags winning.  The flags are PostgreSQL's server flags: -D, -p, -h,
 * -k, -N, -c name=value and --name=value.
 *
 * Names the server does not know but a session does (statement_timeout, DateStyle ...)
 * become defaults for every session, as postgresql.conf's do.
 */
#include "server/server.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum { SET_STRING, SET_INT, SET_BOOL, SET_INT64 } setting_type;

typedef struct setting_def {
    const char *name;
    setting_type type;
    size_t offset;
    const char *boot;
    bool reloadable;
} setting_def;

#define S(name, type, field, boot, reload) {name, type, offsetof(server_config, field), boot, reload}
static const setting_def settings[] = {
    S("data_directory", SET_STRING, data_directory, "./data", false),
    S("config_file", SET_STRING, config_file, "", false),
    S("port", SET_INT, port, "5432", false),
    S("listen_addresses", SET_STRING, listen_addresses, "127.0.0.1", false),
    S("unix_socket_directories", SET_STRING, unix_socket_directories, "/tmp", false),
    S("max_connections", SET_INT, max_connections, "100", false),
    S("worker_threads", SET_INT, worker_threads, "0", false),
    S("active_workers", SET_INT, active_workers, "0", false),
    S("engine_pool_size", SET_INT, engine_pool_size, "8", false),
    S("backend", SET_STRING, backend, "sqlite", false),
    S("odbc_connection_string", SET_STRING, odbc_connection_string, "", false),
    S("odbc_login", SET_STRING, odbc_login, "service", false),
    S("dialect", SET_STRING, dialect, "", false),
    S("engine_public_schema", SET_STRING, engine_public_schema, "", false),
    S("iris_version", SET_STRING, iris_version, "2025.1", false),
    S("iris_vector_type", SET_STRING, iris_vector_type, "FLOAT", false),
    S("log_file", SET_STRING, log_file, "", false),
    S("log_min_messages", SET_STRING, log_min_messages, "log", true),
    S("log_connections", SET_BOOL, log_connections, "on", true),
    S("log_disconnections", SET_BOOL, log_disconnections, "on", true),
    S("log_statement", SET_STRING, log_statement, "none", true),
    S("authentication_timeout", SET_INT, authentication_timeout_ms, "60000", true),
    S("shutdown_timeout", SET_INT, shutdown_timeout_ms, "5000", true),
    S("synchronous_commit", SET_BOOL, synchronous_commit, "on", false),
    S("timezone", SET_STRING, timezone, "", false),
    S("sqlite_mmap_size", SET_INT64, sqlite_mmap_size, "268435456", false),
    S("sqlite_cache_size", SET_INT, sqlite_cache_size_kib, "16384", false),
    S("copy_server_files", SET_BOOL, copy_server_files, "off", false),
    S("ssl", SET_BOOL, ssl, "off", true),
    S("ssl_cert_file", SET_STRING, ssl_cert_file, "server.crt", true),
    S("ssl_key_file", SET_STRING, ssl_key_file, "server.key", true),
    S("ssl_ca_file", SET_STRING, ssl_ca_file, "", true),
    S("ssl_min_protocol_version", SET_STRING, ssl_min_protocol_version, "TLSv1.2", true),
    S("ssl_max_protocol_version", SET_STRING, ssl_max_protocol_version, "", true),
    S("ssl_ciphers", SET_STRING, ssl_ciphers, "HIGH:MEDIUM:+3DES:!aNULL", true),
    S("ssl_prefer_server_ciphers", SET_BOOL, ssl_prefer_server_ciphers, "on", true),
    S("hba_file", SET_STRING, hba_file, "", true),
    S("users_file", SET_STRING, users_file, "", true),
    S("password_encryption", SET_STRING, password_encryption, "scram-sha-256", true),
    S("scram_iterations", SET_INT, scram_iterations, "4096", true),
    S("max_connections_per_user", SET_INT, max_connections_per_user, "0", true),
    S("max_startup_packet_size", SET_INT, max_startup_packet_size, "10000", true),
    S("max_startup_parameters", SET_INT, max_startup_parameters, "64", true),
};

void server_usage(FILE *out)
{
    fprintf(out,
            "iris-pgwire is a PostgreSQL wire-protocol server for InterSystems IRIS and an embedded SQLite engine.\n\n"
            "Usage:\n"
            "  iris-pgwire [OPTION]...\n\n"
            "Options (as PostgreSQL's postgres):\n"
            "  -c NAME=VALUE      set a run-time parameter\n"
            "  -D DATADIR         data directory (default ./data)\n"
            "  -h HOSTNAME        host name or IP address to listen on (default 127.0.0.1; '*' for all)\n"
            "  -k DIRECTORY       Unix-domain socket location (default /tmp; '' for none)\n"
            "  -N MAX-CONNECT     maximum number of allowed connections (default 100)\n"
            "  -p PORT            port number to listen on (default 5432)\n"
            "  --NAME=VALUE       set a run-time parameter\n"
            "  --config=FILE      configuration file (default DATADIR/iris-pgwire.conf if present)\n"
            "  -V, --version      output version information, then exit\n"
            "  -?, --help         show this help, then exit\n\n"
            "Every parameter can also come from the configuration file (name = value) or from the\n"
            "environment as PGWIRE_NAME (e.g. PGWIRE_PORT=5433); flags win over the environment, which\n"
            "wins over the file.  Parameters a session knows (statement_timeout, DateStyle, search_path ...)\n"
            "become defaults for every session.\n\n"
            "Main parameters:\n"
            "  backend = sqlite | odbc, odbc_connection_string, dialect = iris | sqlite | postgres,\n"
            "  odbc_login = service | client (whose login the engine connections use),\n"
            "  engine_public_schema (what public is in the engine: SQLUser for IRIS), iris_version (2025.1),\n"
            "  iris_vector_type (element type of vector(n) in IRIS: FLOAT, DOUBLE, DECIMAL, INTEGER),\n"
            "  engine_pool_size, log_file, log_statement = none | all, log_connections, log_disconnections,\n"
            "  authentication_timeout (ms), shutdown_timeout (ms), synchronous_commit, timezone,\n"
            "  copy_server_files (COPY to and from files on the server, off)\n\n"
            "Security (docs/security.md):\n"
            "  ssl, ssl_cert_file, ssl_key_file, ssl_ca_file, ssl_min_protocol_version,\n"
            "  ssl_max_protocol_version, ssl_ciphers, hba_file, users_file, password_encryption,\n"
            "  scram_iterations, max_connections_per_user, max_startup_packet_size,\n"
            "  max_startup_parameters\n\n"
            "Subcommand:\n"
            "  iris-pgwire passwd [--users-file FILE] [OPTION]... USER\n"
            "                     store USER's password verifier (read from stdin when it is not a\n"
            "                     terminal, else prompted twice)\n\n"
            "Report bugs to the iris-pgwire project.\n");
}

static const setting_def *find_setting(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(settings); i++)
        if (ascii_streq_ci(settings[i].name, name))
            return &settings[i];
    return NULL;
}

/* Time settings accept PostgreSQL's units. */
static bool parse_ms(const char *value, int64_t *out)
{
    char *end;
    double d = strtod(value, &end);
    if (end == value)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (!*end || strcmp(end, "ms") == 0)
        *out = (int64_t)d;
    else if (strcmp(end, "s") == 0)
        *out = (int64_t)(d * 1000);
    else if (strcmp(end, "min") == 0)
        *out = (int64_t)(d * 60000);
    else if (strcmp(end, "h") == 0)
        *out = (int64_t)(d * 3600000);
    else
        return false;
    return true;
}

static bool add_session_default(server_config *cfg, const char *name, const char *value)
{
    for (int i = 0; i < cfg->nsession_defaults; i++)
        if (ascii_streq_ci(cfg->session_default_names[i], name)) {
            char *v = strdup(value);
            if (!v)
                return false;
            free(cfg->session_default_values[i]);
            cfg->session_default_values[i] = v;
            return true;
        }
    char **names = realloc(cfg->session_default_names, sizeof *names * (size_t)(cfg->nsession_defaults + 1));
    if (!names)
        return false;
    cfg->session_default_names = names;
    char **values = realloc(cfg->session_default_values, sizeof *values * (size_t)(cfg->nsession_defaults + 1));
    if (!values)
        return false;
    cfg->session_default_values = values;
    names[cfg->nsession_defaults] = strdup(name);
    values[cfg->nsession_defaults] = strdup(value);
    if (!names[cfg->nsession_defaults] || !values[cfg->nsession_defaults])
        return false;
    cfg->nsession_defaults++;
    return true;
}

static bool apply(server_config *cfg, const char *name, const char *value, const char *origin, pg_error *err)
{
    char normalized[256];
    snprintf(normalized, sizeof normalized, "%s", name);
    for (char *p = normalized; *p; p++)
        *p = *p == '-' ? '_' : *p;
    const setting_def *d = find_setting(normalized);
    if (!d) {
        if (!sql_is_session_setting(normalized)) {
            pg_error_set(err, "42704", "unrecognized configuration parameter \"%s\"%s%s", normalized,
                         origin ? " in " : "", origin ? origin : "");
            return false;
        }
        if (!add_session_default(cfg, normalized, value)) {
            pg_error_oom(err);
            return false;
        }
        return true;
    }
    void *field = (char *)cfg + d->offset;
    switch (d->type) {
    case SET_STRING: {
        char *v = strdup(value);
        if (!v) {
            pg_error_oom(err);
            return false;
        }
        free(*(char **)field);
        *(char **)field = v;
        return true;
    }
    case SET_INT: {
        int64_t v;
        bool ok = strstr(d->name, "timeout") ? parse_ms(value, &v) : parse_int64(value, &v);
        if (!ok || v < INT32_MIN || v > INT32_MAX) {
            pg_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", d->name, value);
            return false;
        }
        *(int *)field = (int)v;
        return true;
    }
    case SET_INT64: {
        int64_t v;
        if (!parse_int64(value, &v)) {
            pg_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", d->name, value);
            return false;
        }
        *(int64_t *)field = v;
        return true;
    }
    case SET_BOOL: {
        bool b;
        if (!parse_bool_setting(value, &b)) {
            pg_error_set(err, "22023", "parameter \"%s\" requires a Boolean value", d->name);
            return false;
        }
        *(bool *)field = b;
        return true;
    }
    }
    return true;
}

static bool apply_defaults(server_config *cfg, pg_error *err)
{
    for (size_t i = 0; i < ARRAY_LEN(settings); i++)
        if (!apply(cfg, settings[i].name, settings[i].boot, NULL, err))
            return false;
    return true;
}

/* "name = value" lines; values may be 'quoted' with '' for a quote, as postgresql.conf. */
static bool read_file(server_config *cfg, const char *path, bool must_exist, pg_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        if (!must_exist && errno == ENOENT)
            return true;
        pg_error_set(err, "58P01", "could not open configuration file \"%s\": %s", path, strerror(errno));
        return false;
    }
    char line[4096];
    int lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#' || *p == ';' || *p == '[')
            continue;
        char *eq = strchr(p, '=');
        if (!eq) {
            pg_error_set(err, "42601", "syntax error in file \"%s\" line %d", path, lineno);
            ok = false;
            break;
        }
        char *name_end = eq;
        while (name_end > p && isspace((unsigned char)name_end[-1]))
            name_end--;
        *name_end = 0;
        char *v = eq + 1;
        while (isspace((unsigned char)*v))
            v++;
        char value[4096];
        size_t n = 0;
        if (*v == '\'') {
            v++;
            while (*v && n < sizeof value - 1) {
                if (*v == '\'' && v[1] == '\'') {
                    value[n++] = '\'';
                    v += 2;
                } else if (*v == '\'') {
                    break;
                } else {
                    value[n++] = *v++;
                }
            }
        } else {
            while (*v && *v != '#' && *v != '\n' && n < sizeof value - 1)
                value[n++] = *v++;
            while (n && isspace((unsigned char)value[n - 1]))
                n--;
        }
        value[n] = 0;
        char origin[512];
        snprintf(origin, sizeof origin, "file \"%s\" line %d", path, lineno);
        ok = apply(cfg, p, value, origin, err);
    }
    fclose(f);
    return ok;
}

typedef struct pair {
    char *name;
    char *value;
} pair;

static bool push_pair(pair **pairs, int *n, const char *name, const char *value)
{
    pair *grown = realloc(*pairs, sizeof *grown * (size_t)(*n + 1));
    if (!grown)
        return false;
    *pairs = grown;
    grown[*n].name = strdup(name);
    grown[*n].value = strdup(value);
    (*n)++;
    return grown[*n - 1].name && grown[*n - 1].value;
}

static void free_pairs(pair *pairs, int n)
{
    for (int i = 0; i < n; i++) {
        free(pairs[i].name);
        free(pairs[i].value);
    }
    free(pairs);
}

/* Command line into (name, value) pairs. */
static bool parse_argv(int argc, char **argv, pair **pairs, int *n, bool *exit_now, pg_error *err)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-?") == 0) {
            server_usage(stdout);
            *exit_now = true;
            return true;
        }
        if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            printf("iris-pgwire %s (PostgreSQL %s)\n", PGWIRE_VERSION, PGWIRE_SERVER_VERSION);
            *exit_now = true;
            return true;
        }
        static const struct { const char *flag; const char *name; } flags[] = {
            {"-D", "data_directory"}, {"-p", "port"}, {"-h", "listen_addresses"},
            {"-k", "unix_socket_directories"}, {"-N", "max_connections"},
        };
        bool matched = false;
        for (size_t f = 0; f < ARRAY_LEN(flags) && !matched; f++) {
            size_t fl = strlen(flags[f].flag);
            if (strncmp(a, flags[f].flag, fl) != 0)
                continue;
            const char *value = a[fl] ? a + fl : next;
            if (!value) {
                pg_error_set(err, "22023", "option requires an argument -- '%s'", flags[f].flag + 1);
                return false;
            }
            if (!a[fl])
                i++;
            matched = true;
            if (!push_pair(pairs, n, flags[f].name, value)) {
                pg_error_oom(err);
                return false;
            }
        }
        if (matched)
            continue;
        if (strncmp(a, "-c", 2) == 0 || strncmp(a, "--", 2) == 0) {
            const char *setting;
            if (strcmp(a, "-c") == 0) {
                if (!next) {
                    pg_error_set(err, "22023", "option requires an argument -- 'c'");
                    return false;
                }
                setting = next;
                i++;
            } else {
                setting = a + 2;
            }
            const char *eq = strchr(setting, '=');
            char name[256];
            const char *value;
            if (!eq) {
                /* --config FILE, --port 5433 */
                if (!next || strncmp(a, "--", 2) != 0) {
                    pg_error_set(err, "22023", "%s requires a value", setting);
                    return false;
                }
                snprintf(name, sizeof name, "%s", setting);
                value = next;
                i++;
            } else {
                snprintf(name, sizeof name, "%.*s", (int)(eq - setting), setting);
                value = eq + 1;
            }
            if (strcmp(name, "config") == 0)
                snprintf(name, sizeof name, "config_file");
            if (!push_pair(pairs, n, name, value)) {
                pg_error_oom(err);
                return false;
            }
            continue;
        }
        pg_error_set(err, "22023", "invalid command-line argument: %s", a);
        pg_error_hint(err, "Try \"iris-pgwire --help\" for more information.");
        return false;
    }
    return true;
}

/* The system's time zone name, as initdb picks it: TZ, /etc/timezone, /etc/localtime. */
static char *system_timezone(void)
{
    const char *tz = getenv("TZ");
    if (tz && *tz)
        return strdup(tz[0] == ':' ? tz + 1 : tz);
    FILE *f = fopen("/etc/timezone", "r");
    if (f) {
        char buf[128];
        if (fgets(buf, sizeof buf, f)) {
            buf[strcspn(buf, "\n")] = 0;
            fclose(f);
            if (*buf)
                return strdup(buf);
        } else {
            fclose(f);
        }
    }
    char link[512];
    ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
    if (n > 0) {
        link[n] = 0;
        const char *z = strstr(link, "zoneinfo/");
        if (z)
            return strdup(z + 9);
    }
    return strdup("UTC");
}

/* Environment: PGWIRE_NAME for every server setting and any session setting given. */
static bool apply_environment(server_config *cfg, pg_error *err)
{
    extern char **environ;
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "PGWIRE_", 7) != 0)
            continue;
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - *e - 7), *e + 7);
        for (char *p = name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (strcmp(name, "bin") == 0)
            continue;   /* the test harness's own variable */
        if (!find_setting(name) && !sql_is_session_setting(name))
            continue;
        if (!apply(cfg, name, eq + 1, "environment", err))
            return false;
    }
    return true;
}

static bool apply_command_line(server_config *cfg, pg_error *err)
{
    for (int i = 0; i < cfg->ncommand_line; i++)
        if (!apply(cfg, cfg->command_line_names[i], cfg->command_line_values[i], "command line", err))
            return false;
    return true;
}

static bool keep_command_line(server_config *cfg, const pair *cli, int n)
{
    cfg->command_line_names = calloc((size_t)n + 1, sizeof *cfg->command_line_names);
    cfg->command_line_values = calloc((size_t)n + 1, sizeof *cfg->command_line_values);
    if (!cfg->command_line_names || !cfg->command_line_values)
        return false;
    for (int i = 0; i < n; i++) {
        cfg->command_line_names[i] = strdup(cli[i].name);
        cfg->command_line_values[i] = strdup(cli[i].value);
        cfg->ncommand_line = i + 1;
        if (!cfg->command_line_names[i] || !cfg->command_line_values[i])
            return false;
    }
    return true;
}

static bool check_values(server_config *cfg, pg_error *err)
{
    if (!*cfg->timezone) {
        free(cfg->timezone);
        cfg->timezone = system_timezone();
    }
    if (cfg->port < 1 || cfg->port > 65535) {
        pg_error_set(err, "22023", "%d is outside the valid range for parameter \"port\" (1 .. 65535)", cfg->port);
        return false;
    }
    if (cfg->scram_iterations < 1) {
        pg_error_set(err, "22023", "%d is outside the valid range for parameter \"scram_iterations\" (1 .. 2147483647)",
                     cfg->scram_iterations);
        return false;
    }
    if (cfg->max_startup_packet_size < 64 || cfg->max_startup_packet_size > 1 << 20) {
        pg_error_set(err, "22023", "%d is outside the valid range for parameter \"max_startup_packet_size\" (64 .. 1048576)",
                     cfg->max_startup_packet_size);
        return false;
    }
    if (cfg->max_startup_parameters < 1 || cfg->max_startup_parameters > 10000) {
        pg_error_set(err, "22023", "%d is outside the valid range for parameter \"max_startup_parameters\" (1 .. 10000)",
                     cfg->max_startup_parameters);
        return false;
    }
    if (cfg->authentication_timeout_ms < 1000 || cfg->authentication_timeout_ms > 600000) {
        pg_error_set(err, "22023", "%d ms is outside the valid range for parameter \"authentication_timeout\" (1s .. 10min)",
                     cfg->authentication_timeout_ms);
        return false;
    }
    return true;
}

/* Defaults, then the file, the environment and the kept command line. */
static bool load_layers(server_config *cfg, const char *data_dir, const char *config_file, pg_error *err)
{
    if (!apply_defaults(cfg, err))
        return false;
    bool ok;
    if (config_file && *config_file) {
        ok = read_file(cfg, config_file, true, err);
    } else {
        char path[4096];
        snprintf(path, sizeof path, "%s/iris-pgwire.conf", data_dir ? data_dir : cfg->data_directory);
        ok = read_file(cfg, path, false, err);
    }
    return ok && apply_environment(cfg, err) && apply_command_line(cfg, err) && check_values(cfg, err);
}

bool server_config_load(server_config *cfg, int argc, char **argv, bool *exit_now, pg_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    *exit_now = false;
    pair *cli = NULL;
    int ncli = 0;
    if (!parse_argv(argc, argv, &cli, &ncli, exit_now, err) || *exit_now) {
        free_pairs(cli, ncli);
        return !pg_error_is_set(err) && apply_defaults(cfg, err);
    }
    if (!keep_command_line(cfg, cli, ncli)) {
        free_pairs(cli, ncli);
        pg_error_oom(err);
        return false;
    }
    /* Where the file is: from the flags or environment, else DATADIR/iris-pgwire.conf. */
    const char *data_dir = getenv("PGWIRE_DATA_DIRECTORY");
    const char *config_file = getenv("PGWIRE_CONFIG_FILE");
    for (int i = 0; i < ncli; i++) {
        if (strcmp(cli[i].name, "data_directory") == 0)
            data_dir = cli[i].value;
        if (strcmp(cli[i].name, "config_file") == 0)
            config_file = cli[i].value;
    }
    char *dd = data_dir ? strdup(data_dir) : NULL, *cf = config_file ? strdup(config_file) : NULL;
    free_pairs(cli, ncli);
    bool ok = load_layers(cfg, dd, cf, err);
    free(dd);
    free(cf);
    return ok;
}

bool server_config_reload(const server_config *current, server_config *fresh, pg_error *err)
{
    memset(fresh, 0, sizeof *fresh);
    pair *cli = NULL;
    int n = 0;
    bool ok = true;
    for (int i = 0; ok && i < current->ncommand_line; i++)
        ok = push_pair(&cli, &n, current->command_line_names[i], current->command_line_values[i]);
    ok = ok && keep_command_line(fresh, cli, n);
    free_pairs(cli, n);
    if (!ok) {
        pg_error_oom(err);
        return false;
    }
    return load_layers(fresh, current->data_directory, current->config_file, err);
}

char *server_config_path(const server_config *cfg, const char *value)
{
    if (!value || !*value)
        return NULL;
    if (value[0] == '/')
        return strdup(value);
    size_t n = strlen(cfg->data_directory) + strlen(value) + 2;
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/%s", cfg->data_directory, value);
    return path;
}

void server_config_free(server_config *cfg)
{
    for (size_t i = 0; i < ARRAY_LEN(settings); i++)
        if (settings[i].type == SET_STRING)
            free(*(char **)((char *)cfg + settings[i].offset));
    for (int i = 0; i < cfg->nsession_defaults; i++) {
        free(cfg->session_default_names[i]);
        free(cfg->session_default_values[i]);
    }
    free(cfg->session_default_names);
    free(cfg->session_default_values);
    for (int i = 0; i < cfg->ncommand_line; i++) {
        free(cfg->command_line_names[i]);
        free(cfg->command_line_values[i]);
    }
    free(cfg->command_line_names);
    free(cfg->command_line_values);
    memset(cfg, 0, sizeof *cfg);
}
