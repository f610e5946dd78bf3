/*
 * session.c — the SQL side of a client session: its database, settings, notices,
 * prepared statements and the pieces of state the protocol layer asks about.
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

bool sql_server_create(backend *b, const sql_server_config *cfg, sql_server **out, pg_error *err)
{
    sql_server *s = calloc(1, sizeof *s);
    if (!s) {
        pg_error_oom(err);
        return false;
    }
    s->b = b;
    s->cfg = *cfg;
    s->default_timezone = xstrdup(cfg->default_timezone ? cfg->default_timezone : "UTC");
    s->cfg.default_timezone = s->default_timezone;
    s->cache = plan_cache_create(cfg->plan_cache_entries ? cfg->plan_cache_entries : 4096);
    pthread_mutex_init(&s->notify_lock, NULL);
    pthread_mutex_init(&s->defaults_lock, NULL);
    pthread_mutex_init(&s->activity_lock, NULL);
    hashmap_init(&s->listeners);
    pthread_mutex_init(&s->temp_lock, NULL);
    pthread_mutex_init(&s->advisory_lock, NULL);
    hashmap_init(&s->advisory_locks);
    hashmap_init(&s->temp_owners);
    if (!s->cache || !s->default_timezone) {
        sql_server_destroy(s);
        pg_error_oom(err);
        return false;
    }
    sql_catalog_install(b);
    if (!sql_catalog_backend_create(s, err)) {
        sql_server_destroy(s);
        return false;
    }
    *out = s;
    return true;
}

void sql_server_warm(sql_server *s)
{
    catalog_build_static_now(s->b);
}

void sql_server_destroy(sql_server *s)
{
    if (!s)
        return;
    plan_cache_destroy(s->cache);
    backend_destroy(s->catalog_backend);
    hashmap_free(&s->listeners);
    pthread_mutex_destroy(&s->notify_lock);
    hashmap_free(&s->temp_owners);
    {
        size_t cur = 0;
        void *v;
        while (hashmap_next(&s->advisory_locks, &cur, NULL, &v))
            free(v);
    }
    hashmap_free(&s->advisory_locks);
    pthread_mutex_destroy(&s->advisory_lock);
    pthread_mutex_destroy(&s->temp_lock);
    for (int i = 0; i < s->ndefaults; i++) {
        free(s->default_names[i]);
        free(s->default_values[i]);
    }
    free(s->default_names);
    free(s->default_values);
    pthread_mutex_destroy(&s->defaults_lock);
    pthread_mutex_destroy(&s->activity_lock);
    free(s->default_timezone);
    free(s);
}

backend *sql_server_backend(sql_server *s) { return s->b; }

bool sql_server_set_session_defaults(sql_server *s, int n, char *const *names, char *const *values, pg_error *err)
{
    char **nn = calloc((size_t)(n + 1), sizeof *nn), **vv = calloc((size_t)(n + 1), sizeof *vv);
    bool ok = nn && vv;
    for (int i = 0; ok && i < n; i++) {
        nn[i] = strdup(names[i]);
        vv[i] = strdup(values[i]);
        ok = nn[i] && vv[i];
    }
    if (!ok) {
        for (int i = 0; nn && vv && i < n; i++) {
            free(nn[i]);
            free(vv[i]);
        }
        free(nn);
        free(vv);
        pg_error_oom(err);
        return false;
    }
    pthread_mutex_lock(&s->defaults_lock);
    char **on = s->default_names, **ov = s->default_values;
    int old = s->ndefaults;
    s->default_names = nn;
    s->default_values = vv;
    s->ndefaults = n;
    pthread_mutex_unlock(&s->defaults_lock);
    for (int i = 0; i < old; i++) {
        free(on[i]);
        free(ov[i]);
    }
    free(on);
    free(ov);
    return true;
}

void session_refresh_type_settings(sql_session *s)
{
    type_settings *t = &s->types;
    type_settings_default(t);
    t->extra_float_digits = (int)guc_get_int(s->gucs, "extra_float_digits");
    const char *ds = guc_get(s->gucs, "DateStyle");
    if (ds) {
        if (strncmp(ds, "SQL", 3) == 0)
            t->datestyle = DATESTYLE_SQL;
        else if (strncmp(ds, "Postgres", 8) == 0)
            t->datestyle = DATESTYLE_POSTGRES;
        else if (strncmp(ds, "German", 6) == 0)
            t->datestyle = DATESTYLE_GERMAN;
        else
            t->datestyle = DATESTYLE_ISO;
        const char *comma = strchr(ds, ',');
        if (comma) {
            while (*++comma == ' ')
                ;
            t->dateorder = strncmp(comma, "DMY", 3) == 0 ? DATEORDER_DMY
                           : strncmp(comma, "YMD", 3) == 0 ? DATEORDER_YMD : DATEORDER_MDY;
        }
    }
    const char *is = guc_get(s->gucs, "IntervalStyle");
    if (is) {
        t->intervalstyle = strcmp(is, "postgres_verbose") == 0 ? INTERVALSTYLE_POSTGRES_VERBOSE
                           : strcmp(is, "sql_standard") == 0 ? INTERVALSTYLE_SQL_STANDARD
                           : strcmp(is, "iso_8601") == 0 ? INTERVALSTYLE_ISO_8601 : INTERVALSTYLE_POSTGRES;
    }
    const char *bo = guc_get(s->gucs, "bytea_output");
    t->bytea_output = bo && strcmp(bo, "escape") == 0 ? BYTEA_OUTPUT_ESCAPE : BYTEA_OUTPUT_HEX;
    const char *tz = guc_get(s->gucs, "TimeZone");
    t->timezone = tz ? tz_lookup(tz) : NULL;
    int64_t lt = guc_get_int(s->gucs, "lock_timeout");
    s->ctx.lock_timeout_us = lt * 1000;
    s->statement_timeout_ms = guc_get_int(s->gucs, "statement_timeout");
    const char *ls = guc_get(s->gucs, "log_statement");
    s->log_all_statements = ls && strcmp(ls, "all") == 0;
    s->read_only_setting = guc_get_bool(s->gucs, "transaction_read_only");
    const char *iso = guc_get(s->gucs, "default_transaction_isolation");
    s->read_committed = !iso || strcmp(iso, "read committed") == 0 || strcmp(iso, "read uncommitted") == 0;
    /* The settings that shape name resolution and the folding of date/time literals. */
    const char *parts[] = {guc_get(s->gucs, "search_path"), tz, ds, is};
    strbuf key;
    strbuf_init(&key);
    for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
        if (i)
            strbuf_putc(&key, '|');
        strbuf_puts(&key, parts[i] ? parts[i] : "");
    }
    if (!key.failed) {
        free(s->plan_settings_key);
        s->plan_settings_key = strbuf_steal(&key);
    } else {
        strbuf_free(&key);
    }
    session_install_reg_resolver(s);
}

/* Startup options: "-c name=value" pairs inside `options`, and plain parameters. */
static bool apply_options(sql_session *s, const char *options, pg_error *err)
{
    char *copy = strdup(options);
    if (!copy) {
        pg_error_oom(err);
        return false;
    }
    bool ok = true;
    char *p = copy;
    while (*p && ok) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        /* One token, with backslash escapes for spaces, as PostgreSQL's pg_split_opts. */
        char token[1024];
        size_t n = 0;
        while (*p && *p != ' ' && n < sizeof token - 1) {
            if (*p == '\\' && p[1])
                p++;
            token[n++] = *p++;
        }
        token[n] = 0;
        const char *setting = NULL;
        if (strcmp(token, "-c") == 0) {
            while (*p == ' ')
                p++;
            n = 0;
            while (*p && *p != ' ' && n < sizeof token - 1) {
                if (*p == '\\' && p[1])
                    p++;
                token[n++] = *p++;
            }
            token[n] = 0;
            setting = token;
        } else if (strncmp(token, "-c", 2) == 0) {
            setting = token + 2;
        } else if (strncmp(token, "--", 2) == 0) {
            setting = token + 2;
        } else {
            pg_error_set(err, "42601", "invalid command-line argument for server process: %s", token);
            pg_error_hint(err, "Try \"postgres --help\" for more information.");
            ok = false;
            break;
        }
        char *eq = strchr(setting, '=');
        if (!eq) {
            pg_error_set(err, "42601", "-c %s requires a value", setting);
            ok = false;
            break;
        }
        *eq = 0;
        char name[1024];
        snprintf(name, sizeof name, "%s", setting);
        for (char *c = name; *c; c++)
            if (*c == '-')
                *c = '_';
        ok = guc_set(s, name, eq + 1, GUC_SCOPE_STARTUP, err);
    }
    free(copy);
    return ok;
}

bool sql_session_create(sql_server *srv, const sql_startup *st, sql_session **out, pg_error *err)
{
    sql_session *s = calloc(1, sizeof *s);
    if (!s) {
        pg_error_oom(err);
        return false;
    }
    s->srv = srv;
    s->backend_pid = st->backend_pid;
    s->user = strdup(st->user);
    s->database = strdup(st->database && *st->database ? st->database : st->user);
    s->gucs = guc_create(&srv->cfg);
    hashmap_init(&s->statements);
    hashmap_init(&s->cursors);
    hashmap_init(&s->listening);
    pthread_mutex_init(&s->cancel_lock, NULL);
    if (!s->user || !s->database || !s->gucs) {
        sql_session_destroy(s);
        pg_error_oom(err);
        return false;
    }
    session_refresh_type_settings(s);
    /* Attached; under odbc_login = client the (database, user) handle (docs/security.md). */
    if (!backend_open_db_as(srv->b, s->database, s->user, st->password, &s->db, err)) {
        sql_session_destroy(s);
        return false;
    }
    s->ctx.settings = &s->types;
    s->ctx.user = s->user;
    s->ctx.database = s->database;
    s->ctx.backend_pid = s->backend_pid;
    s->ctx.sql_session = s;
    s->ctx.session_ops = &guc_engine_session_ops;
    if (st->client_addr && !(s->client_addr = strdup(st->client_addr))) {
        sql_session_destroy(s);
        pg_error_oom(err);
        return false;
    }
    if (st->server_addr && !(s->server_addr = strdup(st->server_addr))) {
        sql_session_destroy(s);
        pg_error_oom(err);
        return false;
    }
    s->ctx.client_addr = s->client_addr;
    s->ctx.client_port = st->client_port;
    s->ctx.server_addr = s->server_addr;
    s->ctx.server_port = st->server_port;
    pthread_mutex_lock(&srv->defaults_lock);
    for (int i = 0; i < srv->ndefaults; i++) {
        if (!guc_set(s, srv->default_names[i], srv->default_values[i], GUC_SCOPE_DEFAULT, err)) {
            pthread_mutex_unlock(&srv->defaults_lock);
            sql_session_destroy(s);
            return false;
        }
    }
    pthread_mutex_unlock(&srv->defaults_lock);
    for (int i = 0; i < st->count; i++) {
        const char *name = st->names[i], *value = st->values[i];
        bool ok;
        if (strcmp(name, "options") == 0)
            ok = apply_options(s, value, err);
        else if (strcmp(name, "replication") == 0) {
            pg_error_set(err, "0A000", "replication connections are not supported");
            ok = false;
        } else
            ok = guc_set(s, name, value, GUC_SCOPE_STARTUP, err);
        if (!ok) {
            sql_session_destroy(s);
            return false;
        }
    }
    /* session_authorization is the login user. */
    pg_error ignore = {0};
    if (!guc_set(s, "session_authorization", s->user, GUC_SCOPE_STARTUP, &ignore))
        pg_error_clear(&ignore);
    memset(s->params_changed, 0, sizeof s->params_changed);
    s->any_param_changed = false;
    s->ctx.application_name = guc_get(s->gucs, "application_name");
    activity_register(s);
    *out = s;
    return true;
}

/* Drop the session's temporary schema at its end, if an engine connection is free now (a
 * session ending never waits; a schema left behind is dropped by the next session that
 * makes its own temporary schema). */
static void drop_temp_schema(sql_session *s)
{
    if (!s->temp_schema || !s->db)
        return;
    s->waiter.ready = NULL;
    char text[64];
    snprintf(text, sizeof text, "DROP SCHEMA IF EXISTS %s CASCADE", s->temp_schema);
    pg_error err = {0};
    sql_plan *p = NULL;
    sql_portal *portal = NULL;
    if (sql_plan_create(s, text, strlen(text), 0, NULL, 0, &p, &err) &&
        sql_portal_create(s, p, NULL, 0, &portal, &err)) {
        sql_run_status r;
        while ((r = sql_portal_next(portal, &err)) == SQL_RUN_ROW)
            ;
    }
    sql_portal_close(portal);
    if (p)
        sql_plan_unref(p);
    pg_error_clear(&err);
    pg_error ignore = {0};
    if (s->txn != TXN_IDLE || s->engine_txn_open) {
        s->txn = TXN_IMPLICIT;
        if (!session_finish_txn(s, true, &ignore))
            pg_error_clear(&ignore);
    }
    session_release_engine_if_idle(s);
}

void sql_session_destroy(sql_session *s)
{
    if (!s)
        return;
    /* Cursors first: their engine statements belong to the connection disconnect gives back. */
    cursors_close_all(s);
    hashmap_free(&s->cursors);
    sql_session_disconnect(s);
    drop_temp_schema(s);
    ddl_forget_temp_schema(s);
    session_sequences_reset(s);
    session_advisory_free(s);
    if (s->srv) {
        activity_unregister(s);
        notify_session_end(s);
    }
    sql_session_drop_all_statements(s);
    hashmap_free(&s->statements);
    hashmap_free(&s->listening);
    session_close_catalog_conn(s);
    if (s->db)
        engine_db_detach(s->db);
    for (size_t i = 0; i < s->nnotices; i++)
        pg_error_clear(&s->notices[i]);
    free(s->notices);
    free(s->dead_subxacts);
    free(s->plan_settings_key);
    guc_destroy(s->gucs);
    pthread_mutex_destroy(&s->cancel_lock);
    free(s->user);
    free(s->database);
    free(s->client_addr);
    free(s->server_addr);
    free(s);
}

void sql_session_set_waiter(sql_session *s, void (*ready)(void *arg), void *arg)
{
    s->waiter.ready = ready;
    s->waiter.arg = arg;
}

void sql_session_set_portal_lookup(sql_session *s, bool (*exists)(void *arg, const char *name), void *arg)
{
    s->protocol_portal_exists = exists;
    s->protocol_portal_arg = arg;
}

char sql_session_transaction_status(const sql_session *s)
{
    switch (s->txn) {
    case TXN_BLOCK: return 'T';
    case TXN_FAILED: return 'E';
    default: return 'I';
    }
}

const type_settings *sql_session_type_settings(const sql_session *s) { return &s->types; }
int sql_session_backend_pid(const sql_session *s) { return s->backend_pid; }
const char *sql_session_user(const sql_session *s) { return s->user; }
const char *sql_session_database(const sql_session *s) { return s->database; }
const char *sql_session_application_name(const sql_session *s) { return guc_get(s->gucs, "application_name"); }
int sql_session_idle_in_transaction_timeout_ms(const sql_session *s)
{
    return (int)guc_get_int(s->gucs, "idle_in_transaction_session_timeout");
}
bool sql_session_log_statements(const sql_session *s)
{
    return s->log_all_statements;
}

void session_notice(sql_session *s, pg_severity severity, const char *sqlstate, const char *fmt, ...)
{
    const char *level = guc_get(s->gucs, "client_min_messages");
    if (severity == PG_SEVERITY_NOTICE && level && (strcmp(level, "warning") == 0 || strcmp(level, "error") == 0))
        return;
    if (severity == PG_SEVERITY_WARNING && level && strcmp(level, "error") == 0)
        return;
    if (s->nnotices == s->notices_cap) {
        size_t cap = s->notices_cap ? s->notices_cap * 2 : 4;
        pg_error *grown = realloc(s->notices, cap * sizeof *grown);
        if (!grown)
            return;
        s->notices = grown;
        s->notices_cap = cap;
    }
    pg_error *n = &s->notices[s->nnotices++];
    memset(n, 0, sizeof *n);
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(n, sqlstate, fmt, ap);
    va_end(ap);
    n->severity = severity;
}

size_t sql_session_notice_count(const sql_session *s) { return s->nnotices; }
const pg_error *sql_session_notice(const sql_session *s, size_t i) { return i < s->nnotices ? &s->notices[i] : NULL; }

void sql_session_clear_notices(sql_session *s)
{
    for (size_t i = 0; i < s->nnotices; i++)
        pg_error_clear(&s->notices[i]);
    s->nnotices = 0;
}

void sql_session_cancel(sql_session *s, interrupt_reason why)
{
    bool wake = false;
    pthread_mutex_lock(&s->cancel_lock);
    if (s->running && s->conn) {
        engine_conn_interrupt(s->conn, why);
    } else if (s->running) {
        atomic_store(&s->ctx.interrupt, (int)why);
    } else if (s->busy) {
        s->pending_interrupt = why;
        wake = s->waiter.ready != NULL;
    }
    pthread_mutex_unlock(&s->cancel_lock);
    /* A session parked for an engine connection must run now to fail its statement. */
    if (wake)
        s->waiter.ready(s->waiter.arg);
}

void sql_session_set_busy(sql_session *s, bool busy)
{
    pthread_mutex_lock(&s->cancel_lock);
    s->busy = busy;
    if (!busy)
        s->pending_interrupt = INTERRUPT_NONE;
    pthread_mutex_unlock(&s->cancel_lock);
}

/* ---------------------------------------------------------------- prepared statements */

bool sql_session_store_statement(sql_session *s, const char *name, sql_plan *p, pg_error *err)
{
    sql_plan *old = hashmap_get(&s->statements, name);
    if (old && *name) {
        pg_error_set(err, "42P05", "prepared statement \"%s\" already exists", name);
        return false;
    }
    if (!hashmap_put(&s->statements, name, p)) {
        pg_error_oom(err);
        return false;
    }
    sql_plan_ref(p);
    if (old)
        sql_plan_unref(old);
    return true;
}

sql_plan *sql_session_find_statement(sql_session *s, const char *name)
{
    return hashmap_get(&s->statements, name);
}

static bool same_result(const sql_plan *a, const sql_plan *b)
{
    if (a->ncolumns != b->ncolumns)
        return false;
    for (int i = 0; i < a->ncolumns; i++)
        if (a->columns[i].type_oid != b->columns[i].type_oid || a->columns[i].typmod != b->columns[i].typmod ||
            strcmp(a->columns[i].name, b->columns[i].name) != 0)
            return false;
    return true;
}

/* `p` translated again: from its own text, or a SQL PREPARE's statement from the PREPARE. */
static bool revalidated_plan(sql_session *s, const sql_plan *p, sql_plan **out, pg_error *err)
{
    if (!p->from_prepare)
        return sql_plan_create(s, p->text, strlen(p->text), 0, p->param_types, p->nparams, out, err);
    sql_plan *prepare = NULL;
    if (!sql_plan_create(s, p->text, strlen(p->text), 0, NULL, 0, &prepare, err))
        return false;
    *out = prepare->prepared;
    if (*out)
        sql_plan_ref(*out);
    sql_plan_unref(prepare);
    if (!*out) {
        pg_error_set(err, "XX000", "PREPARE statement \"%s\" translated to no statement", p->text);
        return false;
    }
    return true;
}

bool sql_session_revalidate_statement(sql_session *s, const char *name, sql_plan **plan, pg_error *err)
{
    sql_plan *p = *plan;
    /* Utility statements too: PostgreSQL analyses them afresh at every execution, and a
     * DROP TABLE IF EXISTS translated while the table was missing is a no-op that must not
     * be reused once the table exists. */
    if ((p->kind != PLAN_ENGINE && p->kind != PLAN_UTILITY) || !p->text)
        return true;
    if (p->schema_version && !s->schema_changed_in_txn && p->schema_version == engine_db_schema_version(s->db))
        return true;
    /* The schema changed since Parse (or changes in this transaction): translate again
     * with the parameter types Parse (or PREPARE's declaration) settled on, as
     * PostgreSQL's RevalidateCachedQuery does; the result columns may not change. */
    sql_plan *fresh = NULL;
    if (!revalidated_plan(s, p, &fresh, err))
        return false;
    if (!same_result(p, fresh)) {
        sql_plan_unref(fresh);
        pg_error_set(err, "0A000", "cached plan must not change result type");
        return false;
    }
    if (hashmap_get(&s->statements, name) != p || !hashmap_put(&s->statements, name, fresh)) {
        sql_plan_unref(fresh);
        return true;   /* keep the old translation rather than fail */
    }
    sql_plan_unref(p);
    *plan = fresh;
    return true;
}

bool sql_session_drop_statement(sql_session *s, const char *name)
{
    sql_plan *p = hashmap_remove(&s->statements, name);
    if (!p)
        return false;
    sql_plan_unref(p);
    return true;
}

void sql_session_drop_all_statements(sql_session *s)
{
    size_t cur = 0;
    void *v;
    while (hashmap_next(&s->statements, &cur, NULL, &v))
        sql_plan_unref(v);
    hashmap_free(&s->statements);
    hashmap_init(&s->statements);
}
