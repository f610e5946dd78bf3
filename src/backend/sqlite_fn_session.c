/*
 * sqlite_fn_session.c — functions that read or change the session holding the connection:
 * current_setting, set_config, current_schema(s), pg_notify, inet_{client,server}_{addr,port}.
 *
 * They reach the session only through engine_context (its session_ops callbacks, filled by
 * the SQL layer): the engine keeps no state of its own and knows nothing of how settings
 * are stored.  Without a session (a connection used internally) they answer as PostgreSQL
 * would for a fresh session where that makes sense, else with an error.
 */
#include "backend/sqlite_fn_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static bool have_session(sqlite3_context *ctx, engine_context **out)
{
    engine_context *ec = sqlite_fn_context(ctx);
    if (!ec || !ec->session_ops || !ec->sql_session) {
        sqlite_fn_error(ctx, "55000", "no session is attached to this engine connection");
        return false;
    }
    *out = ec;
    return true;
}

/* pgw_current_setting(name, missing_ok) */
static void fn_current_setting(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || (argc > 1 && sqlite3_value_type(argv[1]) == SQLITE_NULL)) {
        sqlite3_result_null(ctx);
        return;
    }
    engine_context *ec;
    if (!have_session(ctx, &ec))
        return;
    bool missing_ok = argc > 1 && sqlite3_value_int(argv[1]);
    pg_error err = {0};
    const char *v = ec->session_ops->get_setting(ec->sql_session, (const char *)sqlite3_value_text(argv[0]), &err);
    if (!v) {
        if (missing_ok) {
            pg_error_clear(&err);
            sqlite3_result_null(ctx);
        } else {
            sqlite_fn_pg_error(ctx, &err);
        }
        return;
    }
    sqlite3_result_text(ctx, v, -1, SQLITE_TRANSIENT);
}

/* pgw_set_config(name, value, is_local): the new value as SHOW prints it. */
static void fn_set_config(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite_fn_error(ctx, "22004", "SET requires parameter name");
        return;
    }
    engine_context *ec;
    if (!have_session(ctx, &ec))
        return;
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    bool is_local = sqlite3_value_type(argv[2]) != SQLITE_NULL && sqlite3_value_int(argv[2]);
    pg_error err = {0};
    bool ok;
    /* A NULL value resets the setting (PostgreSQL's set_config_option with value NULL). */
    const char *value = sqlite3_value_type(argv[1]) == SQLITE_NULL ? NULL : (const char *)sqlite3_value_text(argv[1]);
    ok = ec->session_ops->set_setting(ec->sql_session, name, value, is_local, &err);
    if (!ok) {
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    const char *v = ec->session_ops->get_setting(ec->sql_session, name, &err);
    if (!v) {
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    sqlite3_result_text(ctx, v, -1, SQLITE_TRANSIENT);
}

static void fn_current_schema(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    engine_context *ec;
    if (!have_session(ctx, &ec))
        return;
    arena a;
    arena_init(&a);
    const char *names[1];
    size_t n = ec->session_ops->search_path(ec->sql_session, false, names, 1, &a);
    if (n && names[0])
        sqlite3_result_text(ctx, names[0], -1, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
    arena_free(&a);
}

/* pgw_current_schemas(include_implicit): name[] */
static void fn_current_schemas(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    engine_context *ec;
    if (!have_session(ctx, &ec))
        return;
    arena a;
    arena_init(&a);
    const char *names[64];
    size_t n = ec->session_ops->search_path(ec->sql_session, sqlite3_value_int(argv[0]) != 0, names, 64, &a);
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&out, ", ");
        const char *nm = names[i] ? names[i] : "";
        jv_write_string(&out, nm, strlen(nm));
    }
    strbuf_putc(&out, ']');
    arena_free(&a);
    fnu_result_text(ctx, &out);
}

/* pgw_notify(channel, payload): pg_notify(), queued until commit. */
static void fn_notify(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || !sqlite3_value_bytes(argv[0])) {
        sqlite_fn_error(ctx, "22023", "channel name cannot be empty");
        return;
    }
    engine_context *ec;
    if (!have_session(ctx, &ec))
        return;
    const char *payload = sqlite3_value_type(argv[1]) == SQLITE_NULL ? "" : (const char *)sqlite3_value_text(argv[1]);
    pg_error err = {0};
    if (!ec->session_ops->notify(ec->sql_session, (const char *)sqlite3_value_text(argv[0]), payload, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);   /* void: its text form is empty, not NULL */
}

/* inet_{client,server}_{addr,port}: NULL over a Unix socket, as PostgreSQL. */
static void addr_result(sqlite3_context *ctx, bool server, bool port)
{
    engine_context *ec = sqlite_fn_context(ctx);
    const char *addr = ec ? (server ? ec->server_addr : ec->client_addr) : NULL;
    if (!addr) {
        sqlite3_result_null(ctx);
        return;
    }
    if (port) {
        sqlite3_result_int(ctx, server ? ec->server_port : ec->client_port);
        return;
    }
    /* inet output: a host address prints without its /32 (or /128) mask */
    sqlite3_result_text(ctx, addr, -1, SQLITE_TRANSIENT);
}

static void fn_server_addr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    addr_result(ctx, true, false);
}

static void fn_server_port(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    addr_result(ctx, true, true);
}

static void fn_client_addr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    addr_result(ctx, false, false);
}

static void fn_client_port(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    addr_result(ctx, false, true);
}

/* pg_postmaster_start_time(): when this process first registered engine functions, which
 * is when the server opened its first database at start-up. */
static int64_t process_start_us;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

static void record_start(void)
{
    process_start_us = clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
}

static void fn_postmaster_start_time(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    pthread_once(&start_once, record_start);
    sqlite3_result_int64(ctx, process_start_us);
}

/* pgw_advisory(flags, key [, key2]): pg_advisory_lock and family.  flags are backend.h's
 * ADVISORY_* plus 16 for the try forms; one-key and two-key locks are different locks, as
 * in PostgreSQL.  The waiting forms ask again every 2 ms until granted, cancelled, timed out
 * (statement_timeout) or lock_timeout passes. */
static void fn_advisory(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    engine_context *ec;
    if (!have_session(ctx, &ec))
        return;
    int flags = sqlite3_value_int(argv[0]);
    bool try_only = flags & 16;
    flags &= ~16;
    char key[48] = "";
    if (!(flags & ADVISORY_UNLOCK_ALL)) {
        for (int i = 1; i < argc; i++)
            if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
                sqlite3_result_null(ctx);
                return;
            }
        if (argc == 2)
            snprintf(key, sizeof key, "1:%lld", (long long)sqlite3_value_int64(argv[1]));
        else
            snprintf(key, sizeof key, "2:%lld:%lld", (long long)sqlite3_value_int64(argv[1]),
                     (long long)sqlite3_value_int64(argv[2]));
    }
    if (!ec->session_ops->advisory) {
        sqlite_fn_error(ctx, "0A000", "advisory locks are not available");
        return;
    }
    int64_t start = clock_monotonic_us();
    for (;;) {
        pg_error err = {0};
        int r = ec->session_ops->advisory(ec->sql_session, key, flags, &err);
        if (r < 0) {
            sqlite_fn_pg_error(ctx, &err);
            return;
        }
        if (r > 0 || try_only || (flags & (ADVISORY_UNLOCK | ADVISORY_UNLOCK_ALL))) {
            if (flags & ADVISORY_UNLOCK_ALL || (!try_only && !(flags & ADVISORY_UNLOCK)))
                sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);   /* void: empty text, not NULL */
            else
                sqlite3_result_int(ctx, r);
            return;
        }
        int64_t now = clock_monotonic_us();
        int why = atomic_load(&ec->interrupt);
        if (why == INTERRUPT_NONE && ec->deadline_us && now >= ec->deadline_us) {
            int none = INTERRUPT_NONE;
            atomic_compare_exchange_strong(&ec->interrupt, &none, INTERRUPT_STATEMENT_TIMEOUT);
            why = atomic_load(&ec->interrupt);
        }
        if (why == INTERRUPT_NONE && ec->lock_timeout_us && now - start >= ec->lock_timeout_us) {
            sqlite_fn_error(ctx, "55P03", "canceling statement due to lock timeout");
            return;
        }
        if (why != INTERRUPT_NONE) {
            sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
            return;
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
}

typedef struct session_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} session_fn;

static const session_fn session_functions[] = {
    {"pgw_current_setting", 1, fn_current_setting},
    {"pgw_current_setting", 2, fn_current_setting},
    {"pgw_set_config", 3, fn_set_config},
    {"pgw_current_schema", 0, fn_current_schema},
    {"pgw_current_schemas", 1, fn_current_schemas},
    {"pgw_notify", 2, fn_notify},
    {"pgw_inet_server_addr", 0, fn_server_addr},
    {"pgw_inet_server_port", 0, fn_server_port},
    {"pgw_inet_client_addr", 0, fn_client_addr},
    {"pgw_inet_client_port", 0, fn_client_port},
    {"pgw_postmaster_start_time", 0, fn_postmaster_start_time},
    {"pgw_advisory", 1, fn_advisory},
    {"pgw_advisory", 2, fn_advisory},
    {"pgw_advisory", 3, fn_advisory},
};

int sqlite_register_session(sqlite3 *db, engine_conn *c)
{
    pthread_once(&start_once, record_start);
    for (size_t i = 0; i < ARRAY_LEN(session_functions); i++) {
        const session_fn *f = &session_functions[i];
        /* Not deterministic: they read mutable session state. */
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8, c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
