/*
 * odbc.c — the ODBC engine (InterSystems IRIS, and any ODBC database): the environment,
 * databases, connections, transactions, cancel and statement timeouts, and the mapping of
 * ODBC diagnostics to PostgreSQL errors.  Statements and values are in odbc_stmt.c and
 * odbc_values.c.
 *
 * One ODBC connection (SQLDriverConnect with odbc_connection_string, which may be a full
 * connection string or "DSN=name;UID=...;PWD=...") per engine connection; the pool lends
 * them at transaction granularity.  Outside a transaction a connection is in autocommit;
 * engine_begin turns autocommit off (manual commit) and SQLEndTran ends the transaction.
 * Savepoints are SQL statements in the dialect of the engine (IRIS has no RELEASE SAVEPOINT:
 * releasing is a no-op there, the savepoint ends with the transaction).
 *
 * Databases: the ODBC engine serves one database, the one the connection string reaches;
 * PostgreSQL clients name it "postgres" (psql's default) or by the connection string's
 * Database= value.  CREATE/DROP DATABASE are 0A000.
 *
 * Cancel and statement_timeout: SQLCancel on the statement the connection is running, from
 * the cancelling thread or from a watchdog thread that watches deadlines.  The interrupt
 * reason set in engine_context names the error, as for SQLite.
 *
 * Lost connections: a diagnostic of class 08 (or the driver's own words for a dead link)
 * marks the engine connection broken; the statement fails with 08006 for that client only,
 * the pool closes the connection at release, and the next statement opens a fresh one.
 */
#include "backend/odbc_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

bool odbc_ok(SQLRETURN rc)
{
    return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO;
}

/* ---------------------------------------------------------------- errors */

const char *iris_sqlcode_sqlstate(int sqlcode, const char **message);   /* odbc_iris_errors.c */

static bool is_sqlstate_char(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

/* ODBC's own SQLSTATEs (ODBC 3 appendix A) that are not PostgreSQL's. */
static const struct { const char *odbc, *pg; } odbc_states[] = {
    {"42S01", "42P07"}, {"42S02", "42P01"}, {"42S11", "42P07"}, {"42S12", "42704"},
    {"42S21", "42701"}, {"42S22", "42703"}, {"HY008", "57014"}, {"HYT00", "57014"},
    {"HYT01", "08006"}, {"07002", "08P01"}, {"07006", "42846"}, {"07009", "08P01"},
    {"22018", "22P02"}, {"24000", "34000"}, {"25S01", "25000"}, {"25S03", "25000"},
    {"40003", "40001"}, {"HY000", "XX000"}, {"S1000", "XX000"}, {"HY001", "53200"},
    {"HY013", "53200"}, {"IM001", "0A000"}, {"HYC00", "0A000"}, {"42000", "42601"},
    {"37000", "42601"}, {"S0002", "42P01"}, {"S0022", "42703"}, {"S0001", "42P07"},
};

static bool lost_link(odbc_driver driver, const char *state, const char *msg)
{
    if (state[0] == '0' && state[1] == '8')
        return true;
    if (driver == ODBC_DRIVER_POSTGRES)
        return strstr(msg, "server closed the connection") || strstr(msg, "no connection to the server") ||
               strstr(msg, "could not send data to server") || strstr(msg, "terminating connection") ||
               strstr(msg, "Connection reset") || strstr(msg, "connection is not open");
    return false;
}

/* psqlODBC writes "ERROR: <server message>;\nError while executing the query": keep the
 * server's words. */
static void trim_postgres_message(char *msg)
{
    if (strncmp(msg, "ERROR:", 6) == 0 || strncmp(msg, "FATAL:", 6) == 0) {
        size_t skip = 6;
        while (msg[skip] == ' ')
            skip++;
        memmove(msg, msg + skip, strlen(msg + skip) + 1);
    }
    char *tail = strstr(msg, ";\nError while");
    if (tail)
        *tail = 0;
    char *nl = strchr(msg, '\n');
    if (nl)
        *nl = 0;
}

/* sqliteodbc reports SQLite's words with its own generic SQLSTATEs. */
static bool map_sqlite_message(const char *msg, pg_error *err)
{
    static const struct { const char *prefix, *state; } m[] = {
        {"UNIQUE constraint failed", "23505"}, {"PRIMARY KEY constraint failed", "23505"},
        {"NOT NULL constraint failed", "23502"}, {"CHECK constraint failed", "23514"},
        {"FOREIGN KEY constraint failed", "23503"}, {"no such table: ", "42P01"},
        {"no such column: ", "42703"}, {"no such function: ", "42883"},
        {"interrupted", "57014"}, {"database is locked", "55P03"},
    };
    for (size_t i = 0; i < ARRAY_LEN(m); i++) {
        const char *at = strstr(msg, m[i].prefix);
        if (!at)
            continue;
        const char *name = at + strlen(m[i].prefix);
        /* The driver appends SQLite's result code: "... failed: t.a (19)". */
        char trimmed[512];
        snprintf(trimmed, sizeof trimmed, "%s", at);
        char *code = strrchr(trimmed, '(');
        if (code && code > trimmed && code[-1] == ' ' && strchr(code, ')'))
            code[-1] = 0;
        at = trimmed;
        name = trimmed + strlen(m[i].prefix);
        if (strcmp(m[i].state, "42P01") == 0)
            pg_error_set(err, m[i].state, "relation \"%s\" does not exist", name);
        else if (strcmp(m[i].state, "42703") == 0)
            pg_error_set(err, m[i].state, "column \"%s\" does not exist", name);
        else {
            pg_error_set(err, m[i].state, "%s", at);
            if (m[i].state[0] == '2' && m[i].state[1] == '3')
                err->internal_query = xstrdup(at);   /* the SQL layer names the constraint */
        }
        return true;
    }
    return false;
}

static void interrupted_error(int why, pg_error *err)
{
    switch (why) {
    case INTERRUPT_STATEMENT_TIMEOUT:
        pg_error_set(err, "57014", "canceling statement due to statement timeout");
        break;
    case INTERRUPT_LOCK_TIMEOUT:
        pg_error_set(err, "55P03", "canceling statement due to lock timeout");
        break;
    case INTERRUPT_SHUTDOWN:
        pg_error_set(err, "57P01", "terminating connection due to administrator command");
        err->severity = PG_SEVERITY_FATAL;
        break;
    default:
        pg_error_set(err, "57014", "canceling statement due to user request");
        break;
    }
}

void odbc_diag_error(engine_conn *c, SQLSMALLINT handle_type, SQLHANDLE h, SQLRETURN rc, pg_error *err)
{
    odbc_conn *oc = c ? c->native : NULL;
    odbc_driver driver = oc ? oc->driver : ODBC_DRIVER_OTHER;
    SQLCHAR state[6] = "";
    SQLINTEGER native = 0;
    SQLCHAR msg[1024] = "";
    SQLSMALLINT len = 0;
    SQLRETURN dr = h ? SQLGetDiagRec(handle_type, h, 1, state, &native, msg, sizeof msg, &len) : SQL_NO_DATA;
    if (!odbc_ok(dr)) {
        snprintf((char *)state, sizeof state, "HY000");
        snprintf((char *)msg, sizeof msg, rc == SQL_INVALID_HANDLE ? "invalid handle" : "unknown error (ODBC return code %d)", (int)rc);
    }
    char *text = (char *)msg;
    int why = c ? atomic_load(&c->ctx->interrupt) : INTERRUPT_NONE;
    if (why != INTERRUPT_NONE) {
        interrupted_error(why, err);
        return;
    }
    if (lost_link(driver, (const char *)state, text)) {
        if (c)
            c->broken = true;
        pg_error_set(err, "08006", "lost the connection to the database engine");
        pg_error_detail(err, "%s", text);
        pg_error_hint(err, "The statement did not complete. The next statement uses a new engine connection.");
        return;
    }
    if (driver == ODBC_DRIVER_IRIS && native != 0) {
        /* IRIS puts its SQLCODE (as a positive number) in the native error. */
        const char *pg_message = NULL;
        const char *sqlstate = iris_sqlcode_sqlstate(-abs((int)native), &pg_message);
        if (sqlstate) {
            pg_error_set(err, sqlstate, "%s", pg_message ? pg_message : text);
            if (pg_message)
                pg_error_detail(err, "IRIS SQLCODE %d: %s", -abs((int)native), text);
            return;
        }
    }
    if (driver == ODBC_DRIVER_POSTGRES) {
        trim_postgres_message(text);
        bool pg_state = true;
        for (int i = 0; i < 5; i++)
            pg_state = pg_state && is_sqlstate_char((char)state[i]);
        /* psqlODBC passes the server's SQLSTATE through; its own are ODBC's (HY..., 07...). */
        if (pg_state && state[0] != 'H' && state[0] != 'I' && strcmp((char *)state, "07002") != 0) {
            pg_error_set(err, (const char *)state, "%s", text);
            return;
        }
    }
    if (driver == ODBC_DRIVER_SQLITE && map_sqlite_message(text, err))
        return;
    for (size_t i = 0; i < ARRAY_LEN(odbc_states); i++)
        if (strcmp(odbc_states[i].odbc, (const char *)state) == 0) {
            pg_error_set(err, odbc_states[i].pg, "%s", text);
            return;
        }
    bool valid = strlen((const char *)state) == 5;
    for (int i = 0; valid && i < 5; i++)
        valid = is_sqlstate_char((char)state[i]);
    pg_error_set(err, valid ? (const char *)state : "XX000", "%s", text);
}

/* ---------------------------------------------------------------- watchdog */

static void *watchdog_main(void *arg)
{
    odbc_env *e = arg;
    pthread_mutex_lock(&e->watch_lock);
    while (!e->stopping) {
        if (!e->watches) {
            pthread_cond_wait(&e->watch_cond, &e->watch_lock);
            continue;
        }
        int64_t now = clock_monotonic_us();
        for (odbc_watch *w = e->watches; w; w = w->next) {
            if (w->deadline_us && now >= w->deadline_us) {
                w->deadline_us = 0;   /* fire once */
                engine_context *ctx = w->conn->ctx;
                int none = INTERRUPT_NONE;
                atomic_compare_exchange_strong(&ctx->interrupt, &none, INTERRUPT_STATEMENT_TIMEOUT);
                odbc_conn *oc = w->conn->native;
                pthread_mutex_lock(&oc->active_lock);
                if (oc->active)
                    SQLCancel(oc->active);
                pthread_mutex_unlock(&oc->active_lock);
            }
        }
        /* Deadlines are checked every 10 ms while any statement has one. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 10 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&e->watch_cond, &e->watch_lock, &ts);
    }
    pthread_mutex_unlock(&e->watch_lock);
    return NULL;
}

void odbc_watch_start(engine_conn *c)
{
    if (!c->ctx->deadline_us)
        return;
    odbc_env *e = c->db->b->impl;
    odbc_watch *w = calloc(1, sizeof *w);
    if (!w)
        return;   /* the statement runs without its timeout rather than failing */
    w->conn = c;
    w->deadline_us = c->ctx->deadline_us;
    pthread_mutex_lock(&e->watch_lock);
    if (!e->watchdog_started && pthread_create(&e->watchdog, NULL, watchdog_main, e) == 0)
        e->watchdog_started = true;
    w->next = e->watches;
    e->watches = w;
    pthread_cond_signal(&e->watch_cond);
    pthread_mutex_unlock(&e->watch_lock);
}

void odbc_watch_stop(engine_conn *c)
{
    odbc_env *e = c->db->b->impl;
    pthread_mutex_lock(&e->watch_lock);
    for (odbc_watch **p = &e->watches; *p; p = &(*p)->next) {
        if ((*p)->conn == c) {
            odbc_watch *w = *p;
            *p = w->next;
            free(w);
            break;
        }
    }
    pthread_mutex_unlock(&e->watch_lock);
}

void odbc_set_active(engine_conn *c, SQLHSTMT h)
{
    odbc_conn *oc = c->native;
    pthread_mutex_lock(&oc->active_lock);
    oc->active = h;
    pthread_mutex_unlock(&oc->active_lock);
}

/* ---------------------------------------------------------------- environment, databases */

static odbc_env *env_of(backend *b, pg_error *err)
{
    if (b->impl)
        return b->impl;
    odbc_env *e = calloc(1, sizeof *e);
    if (!e) {
        pg_error_oom(err);
        return NULL;
    }
    if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &e->env)) ||
        !odbc_ok(SQLSetEnvAttr(e->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0))) {
        pg_error_set(err, "58000", "could not initialise the ODBC environment (is unixODBC installed?)");
        free(e);
        return NULL;
    }
    pthread_mutex_init(&e->watch_lock, NULL);
    pthread_mutex_init(&e->connect_lock, NULL);
    pthread_cond_init(&e->watch_cond, NULL);
    b->impl = e;
    return e;
}

static void odbc_backend_destroy(backend *b)
{
    odbc_env *e = b->impl;
    if (!e)
        return;
    pthread_mutex_lock(&e->watch_lock);
    e->stopping = true;
    pthread_cond_signal(&e->watch_cond);
    pthread_mutex_unlock(&e->watch_lock);
    if (e->watchdog_started)
        pthread_join(e->watchdog, NULL);
    while (e->watches) {
        odbc_watch *w = e->watches;
        e->watches = w->next;
        free(w);
    }
    SQLFreeHandle(SQL_HANDLE_ENV, e->env);
    pthread_mutex_destroy(&e->watch_lock);
    pthread_mutex_destroy(&e->connect_lock);
    pthread_cond_destroy(&e->watch_cond);
    free(e);
    b->impl = NULL;
}

static bool odbc_db_exists(backend *b, const char *dbname)
{
    if (strcmp(dbname, "postgres") == 0)
        return true;
    char db[256];
    const char *cs = b->odbc_connection_string ? b->odbc_connection_string : "";
    return (odbc_connstr_get(cs, "Database", db, sizeof db) || odbc_connstr_get(cs, "DSN", db, sizeof db)) &&
           ascii_streq_ci(db, dbname);
}

static bool odbc_db_create(backend *b, const char *n, pg_error *err)
{
    UNUSED(b);
    UNUSED(n);
    pg_error_set(err, "0A000", "CREATE DATABASE is not supported by the ODBC backend");
    pg_error_hint(err, "The ODBC backend serves the one database its connection string reaches.");
    return false;
}

static bool odbc_db_drop(backend *b, const char *n, pg_error *err)
{
    UNUSED(b);
    UNUSED(n);
    pg_error_set(err, "0A000", "DROP DATABASE is not supported by the ODBC backend");
    return false;
}

static bool odbc_db_list(backend *b, char ***names, size_t *count, pg_error *err)
{
    if (!env_of(b, err))
        return false;
    if (!b->odbc_connection_string || !*b->odbc_connection_string) {
        pg_error_set(err, "22023", "backend = odbc needs odbc_connection_string");
        pg_error_hint(err, "For example: odbc_connection_string = 'DSN=iris' or "
                           "'Driver=/path/libirisodbc35.so;Server=host;Port=1972;Database=USER;UID=...;PWD=...'.");
        return false;
    }
    /* Client logins are appended to the string: it must end where its last attribute ends. */
    if (b->cfg.login == ENGINE_LOGIN_CLIENT && !odbc_connstr_valid(b->odbc_connection_string)) {
        pg_error_set(err, "22023", "odbc_connection_string cannot take a client's login");
        pg_error_detail(err, "With odbc_login = client every attribute must be keyword=value and every "
                             "'{' closed, so that UID and PWD can be added.");
        return false;
    }
    *names = calloc(3, sizeof **names);
    if (!*names) {
        pg_error_oom(err);
        return false;
    }
    *count = 0;
    (*names)[(*count)++] = xstrdup("postgres");
    char db[256];
    if (odbc_connstr_get(b->odbc_connection_string, "Database", db, sizeof db) && strcmp(db, "postgres") != 0)
        (*names)[(*count)++] = xstrdup(db);
    return true;
}

/* ---------------------------------------------------------------- connections */

static odbc_driver detect_driver(SQLHDBC dbc, char *dbms, size_t size)
{
    SQLCHAR name[128] = "", driver[128] = "";
    SQLSMALLINT len;
    SQLGetInfo(dbc, SQL_DBMS_NAME, name, sizeof name, &len);
    SQLGetInfo(dbc, SQL_DRIVER_NAME, driver, sizeof driver, &len);
    snprintf(dbms, size, "%.*s", (int)(size ? size - 1 : 0), (char *)name);
    if (strstr((char *)name, "IRIS") || strstr((char *)name, "InterSystems") || strstr((char *)name, "Cache") ||
        strstr((char *)driver, "irisodbc"))
        return ODBC_DRIVER_IRIS;
    if (strstr((char *)name, "PostgreSQL") || strstr((char *)driver, "psqlodbc"))
        return ODBC_DRIVER_POSTGRES;
    if (strstr((char *)name, "SQLite") || strstr((char *)driver, "sqlite"))
        return ODBC_DRIVER_SQLITE;
    return ODBC_DRIVER_OTHER;
}

static bool exec_direct(engine_conn *c, const char *sql, pg_error *err)
{
    odbc_conn *oc = c->native;
    SQLHSTMT h;
    if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_STMT, oc->dbc, &h))) {
        odbc_diag_error(c, SQL_HANDLE_DBC, oc->dbc, SQL_ERROR, err);
        return false;
    }
    odbc_set_active(c, h);
    SQLRETURN rc = SQLExecDirect(h, (SQLCHAR *)sql, SQL_NTS);
    odbc_set_active(c, NULL);
    bool ok = odbc_ok(rc) || rc == SQL_NO_DATA;
    if (!ok)
        odbc_diag_error(c, SQL_HANDLE_STMT, h, rc, err);
    SQLFreeHandle(SQL_HANDLE_STMT, h);
    return ok;
}

/* What SQLDriverConnect said when it failed: its first diagnostic. */
typedef struct connect_failure {
    char state[6];
    char message[1024];
} connect_failure;

/*
 * SQLDriverConnect on a new handle.  The completed connection string the driver writes back
 * may repeat the password, so that buffer is wiped whatever happens.
 */
static bool driver_connect(odbc_env *e, const char *cs, SQLHDBC *out, connect_failure *why)
{
    SQLHDBC dbc;
    if (!odbc_ok(SQLAllocHandle(SQL_HANDLE_DBC, e->env, &dbc))) {
        snprintf(why->state, sizeof why->state, "HY001");
        snprintf(why->message, sizeof why->message, "could not allocate an ODBC connection handle");
        return false;
    }
    SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)(intptr_t)10, 0);
    SQLCHAR completed[1024];
    SQLSMALLINT len;
    pthread_mutex_lock(&e->connect_lock);
    SQLRETURN rc = SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, completed, sizeof completed, &len,
                                    SQL_DRIVER_NOPROMPT);
    pthread_mutex_unlock(&e->connect_lock);
    OPENSSL_cleanse(completed, sizeof completed);
    if (!odbc_ok(rc)) {
        SQLINTEGER native;
        SQLSMALLINT mlen;
        why->state[0] = why->message[0] = 0;
        if (!odbc_ok(SQLGetDiagRec(SQL_HANDLE_DBC, dbc, 1, (SQLCHAR *)why->state, &native,
                                   (SQLCHAR *)why->message, sizeof why->message, &mlen))) {
            snprintf(why->state, sizeof why->state, "HY000");
            snprintf(why->message, sizeof why->message, "SQLDriverConnect failed (ODBC return code %d)", (int)rc);
        }
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
        return false;
    }
    *out = dbc;
    return true;
}

/* The connection string of `c`: the service string as is, or with its login's credentials
 * (a copy the caller wipes and frees). */
static const char *connection_string(engine_conn *c, char **owned, pg_error *err)
{
    backend *b = c->db->b;
    engine_login *login = c->db->login;
    *owned = NULL;
    if (!login)
        return b->odbc_connection_string;
    pthread_mutex_lock(&login->lock);
    bool has_password = login->password != NULL;
    if (has_password)
        *owned = odbc_connstr_with_login(b->odbc_connection_string, login->user, login->password);
    pthread_mutex_unlock(&login->lock);
    if (!has_password) {
        /* Only when a handle outlived its sessions (engine_db_detach): nobody may open. */
        pg_error_set(err, "28000", "no password to log in to the database engine as \"%s\"", login->user);
        return NULL;
    }
    if (!*owned)
        pg_error_oom(err);   /* the service string was validated at start */
    return *owned;
}

static void wipe_free(char *secret)
{
    if (!secret)
        return;
    OPENSSL_cleanse(secret, strlen(secret));
    free(secret);
}

static bool odbc_conn_open(engine_conn *c, pg_error *err)
{
    backend *b = c->db->b;
    odbc_env *e = env_of(b, err);
    if (!e)
        return false;
    odbc_conn *oc = calloc(1, sizeof *oc);
    if (!oc) {
        pg_error_oom(err);
        return false;
    }
    pthread_mutex_init(&oc->active_lock, NULL);
    char *owned;
    const char *cs = connection_string(c, &owned, err);
    connect_failure why;
    bool connected = cs && driver_connect(e, cs, &oc->dbc, &why);
    wipe_free(owned);
    if (!connected && cs) {
        if (strcmp(why.state, "HY001") == 0) {
            pg_error_set(err, "53200", "%s", why.message);
        } else if (strncmp(why.state, "28", 2) == 0) {
            /* The driver says the login was refused: with odbc_login = client the client's
             * engine password changed since it logged in, or the users file disagrees. */
            if (c->db->login)
                pg_error_set(err, "28000", "could not log in to the database engine as \"%s\"", c->db->login->user);
            else
                pg_error_set(err, "28000", "the database engine refused the login of odbc_connection_string");
            pg_error_detail(err, "%s: %s", why.state, why.message);
        } else {
            pg_error_set(err, "08006", "could not connect to the database engine through ODBC");
            pg_error_detail(err, "%s: %s", why.state, why.message);
            pg_error_hint(err, "Check odbc_connection_string, the driver in odbcinst.ini and the DSN in odbc.ini.");
        }
    }
    if (!connected) {
        pthread_mutex_destroy(&oc->active_lock);
        free(oc);
        return false;
    }
    oc->driver = detect_driver(oc->dbc, oc->dbms_name, sizeof oc->dbms_name);
    c->native = oc;
    /* Values cross in UTC and ISO form (docs/iris.md, "values"). */
    if (oc->driver == ODBC_DRIVER_POSTGRES && !exec_direct(c, "SET TIME ZONE 'UTC'", err)) {
        SQLDisconnect(oc->dbc);
        SQLFreeHandle(SQL_HANDLE_DBC, oc->dbc);
        pthread_mutex_destroy(&oc->active_lock);
        free(oc);
        c->native = NULL;
        return false;
    }
    return true;
}

/* The engine is the authority for the password (odbc_login = client): a connect that
 * succeeds is a yes, anything else a no whose reason only the server log sees. */
static bool odbc_check_login(backend *b, const char *user, const char *password, strbuf *log_reason)
{
    pg_error err = {0};
    odbc_env *e = env_of(b, &err);
    if (!e) {
        if (log_reason)
            strbuf_printf(log_reason, "%s", err.message ? err.message : "no ODBC environment");
        pg_error_clear(&err);
        return false;
    }
    char *cs = odbc_connstr_with_login(b->odbc_connection_string, user, password);
    if (!cs) {
        if (log_reason)
            strbuf_puts(log_reason, "out of memory");
        return false;
    }
    SQLHDBC dbc;
    connect_failure why;
    bool ok = driver_connect(e, cs, &dbc, &why);
    wipe_free(cs);
    if (ok) {
        SQLDisconnect(dbc);
        SQLFreeHandle(SQL_HANDLE_DBC, dbc);
    } else if (log_reason) {
        strbuf_printf(log_reason, "The database engine refused the login of user \"%s\": %s: %s", user,
                      why.state, why.message);
    }
    return ok;
}

static void odbc_conn_close(engine_conn *c)
{
    odbc_conn *oc = c->native;
    if (!oc)
        return;
    if (oc->manual_commit)
        SQLEndTran(SQL_HANDLE_DBC, oc->dbc, SQL_ROLLBACK);
    SQLDisconnect(oc->dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, oc->dbc);
    pthread_mutex_destroy(&oc->active_lock);
    free(oc);
}

/* Called with c->interrupt_lock held, from any thread. */
static void odbc_conn_interrupt(engine_conn *c)
{
    odbc_conn *oc = c->native;
    pthread_mutex_lock(&oc->active_lock);
    if (oc->active)
        SQLCancel(oc->active);
    pthread_mutex_unlock(&oc->active_lock);
}

static bool odbc_exec(engine_conn *c, const char *sql, pg_error *err)
{
    atomic_store(&c->ctx->interrupt, INTERRUPT_NONE);
    return exec_direct(c, sql, err);
}

static int64_t odbc_changes(engine_conn *c) { return ((odbc_conn *)c->native)->changes; }
static int64_t odbc_last_rowid(engine_conn *c) { UNUSED(c); return 0; }

/* ---------------------------------------------------------------- transactions */

static bool set_autocommit(engine_conn *c, bool on, pg_error *err)
{
    odbc_conn *oc = c->native;
    SQLRETURN rc = SQLSetConnectAttr(oc->dbc, SQL_ATTR_AUTOCOMMIT,
                                     (SQLPOINTER)(uintptr_t)(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF), 0);
    if (!odbc_ok(rc)) {
        odbc_diag_error(c, SQL_HANDLE_DBC, oc->dbc, rc, err);
        return false;
    }
    oc->manual_commit = !on;
    return true;
}

static bool odbc_begin(engine_conn *c, txn_mode mode, pg_error *err)
{
    UNUSED(mode);
    return set_autocommit(c, false, err);
}

static bool end_tran(engine_conn *c, SQLSMALLINT how, pg_error *err)
{
    odbc_conn *oc = c->native;
    if (!oc->manual_commit)
        return true;
    SQLRETURN rc = SQLEndTran(SQL_HANDLE_DBC, oc->dbc, how);
    if (!odbc_ok(rc)) {
        odbc_diag_error(c, SQL_HANDLE_DBC, oc->dbc, rc, err);
        pg_error ignore = {0};
        if (!set_autocommit(c, true, &ignore))
            pg_error_clear(&ignore);
        return false;
    }
    return set_autocommit(c, true, err);
}

static bool odbc_commit(engine_conn *c, pg_error *err) { return end_tran(c, SQL_COMMIT, err); }

static bool odbc_rollback(engine_conn *c, pg_error *err)
{
    if (c->broken) {
        ((odbc_conn *)c->native)->manual_commit = false;
        return true;   /* the engine rolled back when the link went */
    }
    int saved = atomic_exchange(&c->ctx->interrupt, INTERRUPT_NONE);
    bool ok = end_tran(c, SQL_ROLLBACK, err);
    atomic_store(&c->ctx->interrupt, saved);
    return ok;
}

static bool savepoint_sql(engine_conn *c, const char *verb, const char *name, pg_error *err)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, verb);
    /* A delimited identifier: the same in IRIS, PostgreSQL and SQLite. */
    strbuf_putc(&sql, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_putc(&sql, '"');
        strbuf_putc(&sql, *p);
    }
    strbuf_putc(&sql, '"');
    bool ok = !sql.failed && exec_direct(c, sql.data, err);
    if (sql.failed)
        pg_error_oom(err);
    strbuf_free(&sql);
    return ok;
}

static bool odbc_savepoint(engine_conn *c, const char *n, pg_error *err) { return savepoint_sql(c, "SAVEPOINT ", n, err); }

static bool odbc_release(engine_conn *c, const char *n, pg_error *err)
{
    /* IRIS has SAVEPOINT and ROLLBACK TO SAVEPOINT only: a savepoint lives until the end of
     * the transaction there, which a PostgreSQL client cannot tell apart. */
    if (((odbc_conn *)c->native)->driver == ODBC_DRIVER_IRIS || c->db->b->cfg.dialect == DIALECT_IRIS)
        return true;
    return savepoint_sql(c, "RELEASE SAVEPOINT ", n, err);
}

static bool odbc_rollback_to(engine_conn *c, const char *n, pg_error *err)
{
    return savepoint_sql(c, "ROLLBACK TO SAVEPOINT ", n, err);
}

static bool odbc_in_transaction(engine_conn *c) { return ((odbc_conn *)c->native)->manual_commit; }

const backend_ops odbc_backend_ops = {
    .name = "odbc",
    .db_exists = odbc_db_exists,
    .db_create = odbc_db_create,
    .db_drop = odbc_db_drop,
    .db_list = odbc_db_list,
    .conn_open = odbc_conn_open,
    .conn_close = odbc_conn_close,
    .conn_interrupt = odbc_conn_interrupt,
    .exec = odbc_exec,
    .prepare = odbc_prepare,
    .finalize = odbc_finalize,
    .reset = odbc_reset,
    .param_count = odbc_param_count,
    .bind = odbc_bind,
    .bind_typed = odbc_bind_typed,
    .expect_columns = odbc_expect_columns,
    .step = odbc_step,
    .column_count = odbc_column_count,
    .column_name = odbc_column_name,
    .column_value = odbc_column_value,
    .changes = odbc_changes,
    .last_rowid = odbc_last_rowid,
    .begin = odbc_begin,
    .commit = odbc_commit,
    .rollback = odbc_rollback,
    .savepoint = odbc_savepoint,
    .release_savepoint = odbc_release,
    .rollback_to_savepoint = odbc_rollback_to,
    .in_transaction = odbc_in_transaction,
    .backend_destroy = odbc_backend_destroy,
    .check_login = odbc_check_login,
};
