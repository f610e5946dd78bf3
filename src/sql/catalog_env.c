/*
 * catalog_env.c — what the catalog store needs from the SQL layer (catalog.h's
 * catalog_build_env): which functions exist (pg_proc), PostgreSQL's deparsed text of
 * recorded expressions, view and index definitions (deparse.c), and the rows of the
 * session relations pg_settings and pg_stat_activity.  Also prepares the store before a
 * statement that reads it runs (exec.c).
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

static bool function_exists(const char *name)
{
    return sql_function_exists(name);
}

/* ---------------------------------------------------------------- pg_settings, pg_stat_activity */

static sql_value text_or_null(const char *s)
{
    return s ? value_text(s, strlen(s)) : value_null();
}

static bool settings_rows(sql_session *s, const cat_relation *rel, catalog_row_fn emit, void *sink, pg_error *err)
{
    sql_value row[32];
    if (rel->ncolumns > (int)ARRAY_LEN(row)) {
        pg_error_set(err, "XX000", "pg_settings has more columns than expected");
        return false;
    }
    strbuf scratch;
    strbuf_init(&scratch);
    bool ok = true;
    for (size_t i = 0; ok && i < guc_count(); i++) {
        guc_setting_info g;
        if (!guc_describe(s, i, &g, &scratch)) {
            pg_error_oom(err);
            ok = false;
            break;
        }
        const char *category = "Ungrouped", *short_desc = g.short_desc, *extra_desc = NULL;
        if (!catalog_setting_description(g.name, &category, &short_desc, &extra_desc)) {
            category = "Ungrouped";
            short_desc = g.short_desc;
            extra_desc = NULL;
        }
        for (int c = 0; c < rel->ncolumns; c++) {
            const char *col = rel->columns[c].name;
            sql_value v = value_null();
            if (strcmp(col, "name") == 0) v = text_or_null(g.name);
            else if (strcmp(col, "setting") == 0) v = text_or_null(g.setting);
            else if (strcmp(col, "unit") == 0) v = text_or_null(g.unit);
            else if (strcmp(col, "category") == 0) v = text_or_null(category);
            else if (strcmp(col, "short_desc") == 0) v = text_or_null(short_desc);
            else if (strcmp(col, "extra_desc") == 0) v = text_or_null(extra_desc);
            else if (strcmp(col, "context") == 0) v = text_or_null(g.context);
            else if (strcmp(col, "vartype") == 0) v = text_or_null(g.vartype);
            else if (strcmp(col, "source") == 0) v = text_or_null(g.source);
            else if (strcmp(col, "min_val") == 0) v = text_or_null(g.min_val);
            else if (strcmp(col, "max_val") == 0) v = text_or_null(g.max_val);
            else if (strcmp(col, "enumvals") == 0) v = text_or_null(g.enumvals);
            else if (strcmp(col, "boot_val") == 0) v = text_or_null(g.boot_val);
            else if (strcmp(col, "reset_val") == 0) v = text_or_null(g.reset_val);
            else if (strcmp(col, "pending_restart") == 0) v = value_int(0);
            row[c] = v;
        }
        ok = emit(sink, row, rel->ncolumns);
    }
    strbuf_free(&scratch);
    return ok;
}

/* pg_stat_activity: one row per session of the server (sql_server keeps the registry). */
static bool activity_rows(sql_session *s, const cat_relation *rel, catalog_row_fn emit, void *sink, pg_error *err)
{
    return session_activity_rows(s, rel, emit, sink, err);
}

static bool session_rows(void *arg, unsigned which, const cat_relation *rel, catalog_row_fn emit, void *sink,
                         pg_error *err)
{
    sql_session *s = arg;
    if (!s)
        return true;
    if (which == CAT_SESSION_SETTINGS)
        return settings_rows(s, rel, emit, sink, err);
    if (which == CAT_SESSION_ACTIVITY)
        return activity_rows(s, rel, emit, sink, err);
    return true;
}

/* ---------------------------------------------------------------- environments */

static const catalog_build_env install_env = {
    .function_exists = function_exists,
};

void sql_catalog_install(backend *b)
{
    catalog_install(b, &install_env);
}

void sql_catalog_env(sql_session *s, catalog_build_env *env)
{
    memset(env, 0, sizeof *env);
    env->function_exists = function_exists;
    env->deparse_expr = deparse_recorded_expr;
    env->deparse_view = deparse_view_definition;
    env->describe_index = deparse_index;
    env->session_rows = session_rows;
    env->arg = s;
}

/*
 * The catalog stores are SQLite tables.  An ODBC engine has no SQLite beside it, so the
 * server keeps a companion SQLite backend without a data directory (every connection's own
 * database is ":memory:"; the shared in-memory stores hold the rows, built from the ODBC
 * engine's snapshot), and a session that runs a catalog-only statement (plan.c) opens one
 * connection to it, kept until the session ends.
 */
bool sql_catalog_backend_create(sql_server *srv, pg_error *err)
{
    if (backend_get_kind(srv->b) != BACKEND_ODBC)
        return true;
    backend_config bc = {
        .kind = BACKEND_SQLITE,
        .data_directory = NULL,
        .dialect = DIALECT_SQLITE,
        .pool_size = 1,
    };
    if (!backend_create(&bc, &srv->catalog_backend, err))
        return false;
    sql_catalog_install(srv->catalog_backend);
    return true;
}

static bool session_catalog_conn(sql_session *s, pg_error *err)
{
    if (s->catalog_conn)
        return true;
    engine_db *db = NULL;
    if (!backend_open_db(s->srv->catalog_backend, engine_db_name(s->db), &db, err) ||
        !engine_conn_open(db, &s->catalog_conn, err))
        return false;
    engine_conn_set_context(s->catalog_conn, &s->ctx);
    return true;
}

void session_close_catalog_conn(sql_session *s)
{
    if (s->catalog_conn) {
        engine_conn_close(s->catalog_conn);
        s->catalog_conn = NULL;
    }
}

bool session_prepare_catalog(sql_session *s, const sql_plan *p, pg_error *err)
{
    if (!p->uses_catalog)
        return true;
    engine_conn *conn = s->conn;
    if (backend_get_kind(s->srv->b) != BACKEND_SQLITE) {
        if (!p->catalog_engine) {
            pg_error_set(err, "0A000",
                         "pg_catalog and information_schema cannot be read in the same statement as the engine's tables");
            pg_error_detail(err, "With backend = odbc, catalog relations live in the server, not in the engine.");
            return false;
        }
        if (!session_catalog_conn(s, err))
            return false;
        conn = s->catalog_conn;
    }
    cat_snapshot *cat = NULL;
    if (!session_catalog(s, &cat, err))
        return false;
    catalog_build_env env;
    sql_catalog_env(s, &env);
    bool ok = catalog_store_prepare(conn, cat, p->session_rels, &env, err);
    cat_snapshot_unref(cat);
    return ok;
}
