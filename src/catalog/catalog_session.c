/*
 * catalog_session.c — the relations whose rows change without any DDL, refilled in the
 * connection's temporary tables before each statement that reads them:
 *
 *   pg_database       the backend's databases (CREATE DATABASE does not change a schema)
 *   pg_sequences      last_value moves with every nextval()
 *   pg_settings       the session's settings (the SQL layer gives the rows)
 *   pg_stat_activity  the server's sessions (the SQL layer gives the rows)
 *
 * Database OIDs: postgres 5 and template1 1 as initdb assigns them; another database gets a
 * hash of its name above FirstNormalObjectId, the same in every run.
 */
#include "catalog/catalog_store.h"

#include <stdlib.h>
#include <string.h>

static bool clear(engine_conn *conn, const cat_relation *r, pg_error *err)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "DELETE FROM temp.");
    catalog_quote_ident(r->engine_name, &sql);
    bool ok = !sql.failed && engine_exec(conn, sql.data, err);
    if (sql.failed)
        pg_error_oom(err);
    strbuf_free(&sql);
    return ok;
}

static pg_oid database_oid(const char *name)
{
    if (strcmp(name, "postgres") == 0)
        return 5;
    if (strcmp(name, "template1") == 0)
        return 1;
    if (strcmp(name, "template0") == 0)
        return 4;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return CAT_FIRST_USER_OID + h % (0x7FFFFFFFu - CAT_FIRST_USER_OID);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool databases(engine_conn *conn, pg_error *err)
{
    const cat_relation *r = catalog_system_relation("pg_catalog", "pg_database");
    if (!r || !clear(conn, r, err))
        return false;
    char **names = NULL;
    size_t n = 0;
    if (!backend_list_dbs(engine_db_backend(engine_conn_db(conn)), &names, &n, err))
        return false;
    qsort(names, n, sizeof *names, by_name);
    rowwriter w;
    bool ok = rw_open(&w, conn, "temp", r, err);
    if (ok) {
        int c_oid = rw_col(&w, "oid"), c_name = rw_col(&w, "datname"), c_dba = rw_col(&w, "datdba"),
            c_enc = rw_col(&w, "encoding"), c_prov = rw_col(&w, "datlocprovider"),
            c_tmpl = rw_col(&w, "datistemplate"), c_conn = rw_col(&w, "datallowconn"),
            c_limit = rw_col(&w, "datconnlimit"), c_frozen = rw_col(&w, "datfrozenxid"),
            c_mxid = rw_col(&w, "datminmxid"), c_space = rw_col(&w, "dattablespace"),
            c_coll = rw_col(&w, "datcollate"), c_ctype = rw_col(&w, "datctype");
        ok = !w.failed;
        for (size_t i = 0; ok && i < n; i++) {
            rw_int(&w, c_oid, database_oid(names[i]));
            rw_text(&w, c_name, names[i]);
            rw_int(&w, c_dba, 10);
            rw_int(&w, c_enc, 6);   /* UTF8 */
            rw_text(&w, c_prov, "c");
            rw_bool(&w, c_tmpl, strcmp(names[i], "template1") == 0);
            rw_bool(&w, c_conn, true);
            rw_int(&w, c_limit, -1);
            rw_int(&w, c_frozen, 716);
            rw_int(&w, c_mxid, 1);
            rw_int(&w, c_space, 1663);
            /* The server compares text bytewise: lc_collate and lc_ctype are "C". */
            rw_text(&w, c_coll, "C");
            rw_text(&w, c_ctype, "C");
            ok = rw_insert(&w);
        }
        ok = ok && !w.failed;
        rw_close(&w);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ok;
}

/* last_value of every sequence, now (from the engine's sequence table). */
static bool sequences(engine_conn *conn, const cat_snapshot *s, pg_error *err)
{
    const cat_relation *r = catalog_system_relation("pg_catalog", "pg_sequences");
    if (!r || !clear(conn, r, err))
        return false;
    hashmap last;
    hashmap_init(&last);
    engine_stmt *st;
    bool ok = engine_prepare(conn, "SELECT seqrelid, last_value, is_called FROM " CAT_META_SEQUENCE, &st, err);
    int64_t *values = NULL;
    size_t nvalues = 0, cap = 0;
    if (ok) {
        engine_step_result res;
        while (ok && (res = engine_step(st, err)) == ENGINE_ROW) {
            sql_value v;
            engine_column_value(st, 2, &v);
            if (v.kind != VALUE_INT || v.i == 0)
                continue;   /* never called: last_value is NULL */
            if (nvalues == cap) {
                cap = cap ? cap * 2 : 16;
                int64_t *grown = realloc(values, cap * 2 * sizeof *grown);
                if (!grown) {
                    pg_error_oom(err);
                    ok = false;
                    break;
                }
                values = grown;
            }
            engine_column_value(st, 0, &v);
            values[nvalues * 2] = v.i;
            engine_column_value(st, 1, &v);
            values[nvalues * 2 + 1] = v.i;
            nvalues++;
        }
        if (ok && res == ENGINE_ERROR)
            ok = false;
        engine_stmt_release(st);
    }
    rowwriter w;
    if (ok && rw_open(&w, conn, "temp", r, err)) {
        int c_schema = rw_col(&w, "schemaname"), c_name = rw_col(&w, "sequencename"),
            c_owner = rw_col(&w, "sequenceowner"), c_type = rw_col(&w, "data_type"),
            c_start = rw_col(&w, "start_value"), c_min = rw_col(&w, "min_value"), c_max = rw_col(&w, "max_value"),
            c_inc = rw_col(&w, "increment_by"), c_cycle = rw_col(&w, "cycle"), c_cache = rw_col(&w, "cache_size"),
            c_last = rw_col(&w, "last_value");
        ok = !w.failed;
        for (size_t i = 0; ok && i < cat_relation_count(s); i++) {
            const cat_relation *q = cat_relation_at(s, i);
            if (q->kind != 'S' || !q->sequence)
                continue;
            rw_text(&w, c_schema, q->schema);
            rw_text(&w, c_name, q->name);
            rw_text(&w, c_owner, "postgres");
            rw_int(&w, c_type, q->sequence->type);
            rw_int(&w, c_start, q->sequence->start);
            rw_int(&w, c_min, q->sequence->min);
            rw_int(&w, c_max, q->sequence->max);
            rw_int(&w, c_inc, q->sequence->increment);
            rw_bool(&w, c_cycle, q->sequence->cycle);
            rw_int(&w, c_cache, q->sequence->cache);
            for (size_t k = 0; k < nvalues; k++)
                if (values[k * 2] == q->oid)
                    rw_int(&w, c_last, values[k * 2 + 1]);
            ok = rw_insert(&w);
        }
        ok = ok && !w.failed;
        rw_close(&w);
    } else {
        ok = false;
    }
    free(values);
    hashmap_free(&last);
    return ok;
}

typedef struct sink {
    rowwriter *w;
} sink;

static bool emit_row(void *arg, const sql_value *values, int n)
{
    sink *k = arg;
    rowwriter *w = k->w;
    for (int i = 0; i < n && i < w->rel->ncolumns; i++) {
        const sql_value *v = &values[i];
        switch (v->kind) {
        case VALUE_INT: rw_int(w, i, v->i); break;
        case VALUE_FLOAT: rw_float(w, i, v->f); break;
        case VALUE_TEXT: {
            strbuf *b = rw_buf(w, i);
            strbuf_append(b, v->ptr, v->len);
            break;
        }
        default: break;
        }
    }
    return rw_insert(w);
}

static bool from_env(engine_conn *conn, unsigned bit, const char *name, const catalog_build_env *env, pg_error *err)
{
    const cat_relation *r = catalog_system_relation("pg_catalog", name);
    if (!r || !clear(conn, r, err))
        return false;
    if (!env || !env->session_rows)
        return true;
    rowwriter w;
    if (!rw_open(&w, conn, "temp", r, err))
        return false;
    sink k = {&w};
    bool ok = env->session_rows(env->arg, bit, r, emit_row, &k, err) && !w.failed;
    rw_close(&w);
    return ok;
}

bool build_session(engine_conn *conn, const cat_snapshot *s, unsigned which, const catalog_build_env *env,
                   pg_error *err)
{
    bool ok = true;
    if (which & CAT_SESSION_DATABASE)
        ok = databases(conn, err);
    if (ok && (which & CAT_SESSION_SEQUENCES))
        ok = sequences(conn, s, err);
    if (ok && (which & CAT_SESSION_SETTINGS))
        ok = from_env(conn, CAT_SESSION_SETTINGS, "pg_settings", env, err);
    if (ok && (which & CAT_SESSION_ACTIVITY))
        ok = from_env(conn, CAT_SESSION_ACTIVITY, "pg_stat_activity", env, err);
    return ok;
}
