/*
 * meta_sqlite.c — the metadata tables kept in every SQLite database file, and loading a
 * snapshot from them.
 *
 * The tables mirror the PostgreSQL catalogs they stand for (_pgwire_class ≈ pg_class ...)
 * with PostgreSQL's column names, so that building pg_catalog from them is a plain SELECT.
 * Arrays (conkey, indkey) are JSON arrays of attnums.
 */
#include "catalog/catalog_internal.h"

#include <stdlib.h>
#include <string.h>

static const char bootstrap_sql[] =
    "CREATE TABLE IF NOT EXISTS " CAT_META_MISC " (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO " CAT_META_MISC " VALUES ('next_oid', 16384), ('format', 1);"
    "CREATE TABLE IF NOT EXISTS " CAT_META_NAMESPACE
    " (oid INTEGER PRIMARY KEY, nspname TEXT NOT NULL UNIQUE, nspowner INTEGER NOT NULL DEFAULT 10);"
    "INSERT OR IGNORE INTO " CAT_META_NAMESPACE " (oid, nspname) VALUES (2200, 'public');"
    "CREATE TABLE IF NOT EXISTS " CAT_META_CLASS
    " (oid INTEGER PRIMARY KEY, relnamespace INTEGER NOT NULL, relname TEXT NOT NULL,"
    "  relkind TEXT NOT NULL, engine_name TEXT NOT NULL, reloptions TEXT, definition TEXT,"
    "  relowner INTEGER NOT NULL DEFAULT 10, UNIQUE (relnamespace, relname));"
    "CREATE TABLE IF NOT EXISTS " CAT_META_ATTRIBUTE
    " (attrelid INTEGER NOT NULL, attnum INTEGER NOT NULL, attname TEXT NOT NULL,"
    "  atttypid INTEGER NOT NULL, atttypmod INTEGER NOT NULL DEFAULT -1,"
    "  attnotnull INTEGER NOT NULL DEFAULT 0, attdefault TEXT, attidentity TEXT NOT NULL DEFAULT '',"
    "  attgenerated TEXT NOT NULL DEFAULT '', PRIMARY KEY (attrelid, attnum)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS " CAT_META_CONSTRAINT
    " (oid INTEGER PRIMARY KEY, conname TEXT NOT NULL, connamespace INTEGER NOT NULL,"
    "  contype TEXT NOT NULL, conrelid INTEGER NOT NULL, conindid INTEGER NOT NULL DEFAULT 0,"
    "  confrelid INTEGER NOT NULL DEFAULT 0, conkey TEXT, confkey TEXT,"
    "  confupdtype TEXT NOT NULL DEFAULT ' ', confdeltype TEXT NOT NULL DEFAULT ' ',"
    "  confmatchtype TEXT NOT NULL DEFAULT ' ', condef TEXT);"
    "CREATE TABLE IF NOT EXISTS " CAT_META_INDEX
    " (indexrelid INTEGER PRIMARY KEY, indrelid INTEGER NOT NULL, indisunique INTEGER NOT NULL,"
    "  indisprimary INTEGER NOT NULL, indkey TEXT NOT NULL, indexprs TEXT, indpred TEXT,"
    "  amname TEXT NOT NULL DEFAULT 'btree', definition TEXT);"
    "CREATE TABLE IF NOT EXISTS " CAT_META_DESCRIPTION
    " (objoid INTEGER NOT NULL, classoid INTEGER NOT NULL, objsubid INTEGER NOT NULL,"
    "  description TEXT NOT NULL, PRIMARY KEY (objoid, classoid, objsubid)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS " CAT_META_SEQUENCE
    " (seqrelid INTEGER PRIMARY KEY, seqtypid INTEGER NOT NULL, seqstart INTEGER NOT NULL,"
    "  seqincrement INTEGER NOT NULL, seqmax INTEGER NOT NULL, seqmin INTEGER NOT NULL,"
    "  seqcache INTEGER NOT NULL DEFAULT 1, seqcycle INTEGER NOT NULL DEFAULT 0,"
    "  last_value INTEGER NOT NULL, is_called INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS " CAT_META_DEPEND
    " (classid INTEGER NOT NULL, objid INTEGER NOT NULL, objsubid INTEGER NOT NULL,"
    "  refclassid INTEGER NOT NULL, refobjid INTEGER NOT NULL, refobjsubid INTEGER NOT NULL,"
    "  deptype TEXT NOT NULL);";

bool catalog_bootstrap(engine_conn *conn, pg_error *err)
{
    return engine_exec(conn, bootstrap_sql, err);
}

bool catalog_next_oid(engine_conn *conn, pg_oid *out, pg_error *err)
{
    engine_stmt *st;
    if (!engine_prepare(conn,
                        "UPDATE " CAT_META_MISC " SET value = value + 1 WHERE key = 'next_oid' "
                        "RETURNING value - 1",
                        &st, err))
        return false;
    bool ok = false;
    if (engine_step(st, err) == ENGINE_ROW) {
        sql_value v;
        engine_column_value(st, 0, &v);
        *out = (pg_oid)v.i;
        ok = true;
        while (engine_step(st, err) == ENGINE_ROW)
            ;
    } else if (!pg_error_is_set(err)) {
        pg_error_set(err, "XX000", "catalog metadata is missing its OID counter");
    }
    engine_stmt_release(st);
    return ok;
}

void catalog_quote_ident(const char *name, strbuf *out)
{
    strbuf_putc(out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_putc(out, '"');
        strbuf_putc(out, *p);
    }
    strbuf_putc(out, '"');
}

void catalog_quote_literal(const char *text, strbuf *out)
{
    strbuf_putc(out, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            strbuf_putc(out, '\'');
        strbuf_putc(out, *p);
    }
    strbuf_putc(out, '\'');
}

void catalog_engine_table_name(const char *schema, const char *name, strbuf *out)
{
    if (schema && strcmp(schema, "public") != 0) {
        strbuf_puts(out, schema);
        strbuf_putc(out, '.');
    }
    strbuf_puts(out, name);
}

/* ---------------------------------------------------------------- loading */

typedef struct loader {
    engine_conn *conn;
    cat_snapshot *s;
    pg_error *err;
    hashmap rels;    /* "oid" → cat_relation, while loading */
    bool failed;
} loader;

static const char *text_col(loader *l, engine_stmt *st, int col)
{
    sql_value v;
    engine_column_value(st, col, &v);
    if (v.kind == VALUE_NULL)
        return NULL;
    if (v.kind == VALUE_INT) {
        char buf[24];
        snprintf(buf, sizeof buf, "%lld", (long long)v.i);
        return arena_strdup(&l->s->mem, buf);
    }
    char *p = arena_strndup(&l->s->mem, v.ptr, v.len);
    if (!p)
        l->failed = true;
    return p;
}

static int64_t int_col(engine_stmt *st, int col)
{
    sql_value v;
    engine_column_value(st, col, &v);
    if (v.kind == VALUE_INT)
        return v.i;
    if (v.kind == VALUE_FLOAT)
        return (int64_t)v.f;
    if (v.kind == VALUE_TEXT)
        return strtoll(v.ptr, NULL, 10);
    return 0;
}

/* JSON array of small integers ("[1,3]") into an arena array. */
static int16_t *int_array(loader *l, const char *json, int *count)
{
    *count = 0;
    if (!json)
        return NULL;
    int n = 0;
    for (const char *p = json; *p; p++)
        if (*p >= '0' && *p <= '9' && (p == json || p[-1] < '0' || p[-1] > '9'))
            n++;
    int16_t *a = arena_zalloc(&l->s->mem, sizeof *a * (size_t)(n ? n : 1));
    if (!a) {
        l->failed = true;
        return NULL;
    }
    const char *p = json;
    while (*p && *count < n) {
        if ((*p >= '0' && *p <= '9') || *p == '-') {
            char *end;
            a[(*count)++] = (int16_t)strtol(p, &end, 10);
            p = end;
        } else {
            p++;
        }
    }
    return a;
}

typedef void (*row_fn)(loader *l, engine_stmt *st);

static bool each_row(loader *l, const char *sql, row_fn fn)
{
    engine_stmt *st;
    if (!engine_prepare(l->conn, sql, &st, l->err))
        return false;
    engine_step_result r;
    while ((r = engine_step(st, l->err)) == ENGINE_ROW && !l->failed)
        fn(l, st);
    engine_stmt_release(st);
    if (l->failed && !pg_error_is_set(l->err))
        pg_error_oom(l->err);
    return r == ENGINE_DONE && !l->failed;
}

static void namespace_row(loader *l, engine_stmt *st)
{
    sql_value v;
    engine_column_value(st, 1, &v);
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)v.len, v.ptr ? v.ptr : "");
    if (!cat_snapshot_add_namespace(l->s, (pg_oid)int_col(st, 0), name))
        l->failed = true;
}

static void class_row(loader *l, engine_stmt *st)
{
    cat_relation *r = arena_zalloc(&l->s->mem, sizeof *r);
    if (!r) {
        l->failed = true;
        return;
    }
    r->oid = (pg_oid)int_col(st, 0);
    r->namespace_oid = (pg_oid)int_col(st, 1);
    r->name = text_col(l, st, 2);
    const char *kind = text_col(l, st, 3);
    r->kind = kind && *kind ? kind[0] : 'r';
    r->engine_name = text_col(l, st, 4);
    r->view_definition = text_col(l, st, 5);
    const cat_namespace *ns = cat_namespace_by_oid(l->s, r->namespace_oid);
    r->schema = ns ? ns->name : "public";
    char key[16];
    snprintf(key, sizeof key, "%u", r->oid);
    if (l->failed || !r->name || !r->engine_name || !hashmap_put(&l->rels, key, r))
        l->failed = true;
}

static cat_relation *rel_of(loader *l, int64_t oid)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)oid);
    return hashmap_get(&l->rels, key);
}

static void attribute_row(loader *l, engine_stmt *st)
{
    cat_relation *r = rel_of(l, int_col(st, 0));
    if (!r)
        return;
    /* Grow by doubling inside the arena; the waste is bounded by the final size. */
    int cap = 1;
    while (cap < r->ncolumns)
        cap *= 2;
    if (r->ncolumns == 0 || r->ncolumns == cap) {
        cat_column *grown = arena_zalloc(&l->s->mem, sizeof *grown * (size_t)(cap * 2));
        if (!grown) {
            l->failed = true;
            return;
        }
        if (r->ncolumns)
            memcpy(grown, r->columns, sizeof *grown * (size_t)r->ncolumns);
        r->columns = grown;
    }
    cat_column *c = &r->columns[r->ncolumns++];
    c->attnum = (int16_t)int_col(st, 1);
    c->name = text_col(l, st, 2);
    c->type = (pg_oid)int_col(st, 3);
    c->typmod = (int32_t)int_col(st, 4);
    c->notnull = int_col(st, 5) != 0;
    c->default_expr = text_col(l, st, 6);
    const char *ident = text_col(l, st, 7);
    c->identity = ident && *ident ? ident[0] : 0;
    const char *gen = text_col(l, st, 8);
    c->generated = gen && *gen ? gen[0] : 0;
}

static void constraint_row(loader *l, engine_stmt *st)
{
    cat_relation *r = rel_of(l, int_col(st, 4));
    if (!r)
        return;
    cat_constraint *grown = arena_zalloc(&l->s->mem, sizeof *grown * (size_t)(r->nconstraints + 1));
    if (!grown) {
        l->failed = true;
        return;
    }
    if (r->nconstraints)
        memcpy(grown, r->constraints, sizeof *grown * (size_t)r->nconstraints);
    r->constraints = grown;
    cat_constraint *c = &r->constraints[r->nconstraints++];
    c->oid = (pg_oid)int_col(st, 0);
    c->name = text_col(l, st, 1);
    const char *type = text_col(l, st, 3);
    c->type = type && *type ? type[0] : 'c';
    c->index_oid = (pg_oid)int_col(st, 5);
    c->ref_relation = (pg_oid)int_col(st, 6);
    c->keys = int_array(l, text_col(l, st, 7), &c->nkeys);
    int nref = 0;
    c->ref_keys = int_array(l, text_col(l, st, 8), &nref);
    const char *u = text_col(l, st, 9), *d = text_col(l, st, 10), *m = text_col(l, st, 11);
    c->on_update = u && *u ? u[0] : ' ';
    c->on_delete = d && *d ? d[0] : ' ';
    c->match_type = m && *m ? m[0] : ' ';
    c->definition = text_col(l, st, 12);
}

static void index_row(loader *l, engine_stmt *st)
{
    cat_relation *r = rel_of(l, int_col(st, 1));
    cat_relation *self = rel_of(l, int_col(st, 0));
    if (!r)
        return;
    cat_index *grown = arena_zalloc(&l->s->mem, sizeof *grown * (size_t)(r->nindexes + 1));
    if (!grown) {
        l->failed = true;
        return;
    }
    if (r->nindexes)
        memcpy(grown, r->indexes, sizeof *grown * (size_t)r->nindexes);
    r->indexes = grown;
    cat_index *ix = &r->indexes[r->nindexes++];
    ix->oid = (pg_oid)int_col(st, 0);
    ix->name = self ? self->name : "";
    ix->engine_name = self ? self->engine_name : "";
    ix->unique = int_col(st, 2) != 0;
    ix->primary = int_col(st, 3) != 0;
    ix->keys = int_array(l, text_col(l, st, 4), &ix->nkeys);
    ix->predicate = text_col(l, st, 6);
    ix->method = text_col(l, st, 7);
    ix->definition = text_col(l, st, 8);
}

static void comment_row(loader *l, engine_stmt *st)
{
    cat_relation *r = rel_of(l, int_col(st, 0));
    if (!r)
        return;
    int64_t subid = int_col(st, 1);
    if (subid == 0) {
        r->comment = text_col(l, st, 2);
        return;
    }
    for (int i = 0; i < r->ncolumns; i++)
        if (r->columns[i].attnum == subid)
            r->columns[i].comment = text_col(l, st, 2);
}

static void sequence_row(loader *l, engine_stmt *st)
{
    cat_relation *r = rel_of(l, int_col(st, 0));
    if (!r)
        return;
    cat_sequence *q = arena_zalloc(&l->s->mem, sizeof *q);
    if (!q) {
        l->failed = true;
        return;
    }
    q->type = (pg_oid)int_col(st, 1);
    q->start = int_col(st, 2);
    q->increment = int_col(st, 3);
    q->max = int_col(st, 4);
    q->min = int_col(st, 5);
    q->cache = int_col(st, 6);
    q->cycle = int_col(st, 7) != 0;
    r->sequence = q;
}

/* pg_depend rows we record: a sequence owned by a column (serial, identity). */
static void depend_row(loader *l, engine_stmt *st)
{
    cat_relation *seq = rel_of(l, int_col(st, 0));
    if (!seq || seq->kind != 'S')
        return;
    seq->owned_by = (pg_oid)int_col(st, 1);
    seq->owned_by_attnum = (int16_t)int_col(st, 2);
}

bool catalog_load_sqlite(engine_conn *conn, cat_snapshot *s, pg_error *err)
{
    loader l = {.conn = conn, .s = s, .err = err};
    hashmap_init(&l.rels);
    bool ok = each_row(&l, "SELECT oid, nspname FROM " CAT_META_NAMESPACE " ORDER BY oid", namespace_row);
    if (!ok && pg_error_is_set(err) && strcmp(err->sqlstate, "42P01") == 0) {
        /* A database created before its first session: give it its metadata now. */
        pg_error_clear(err);
        hashmap_free(&l.rels);
        return catalog_bootstrap(conn, err) && catalog_load_sqlite(conn, s, err);
    }
    ok = ok &&
         each_row(&l, "SELECT oid, relnamespace, relname, relkind, engine_name, definition FROM "
                      CAT_META_CLASS " ORDER BY oid", class_row) &&
         each_row(&l, "SELECT attrelid, attnum, attname, atttypid, atttypmod, attnotnull, attdefault,"
                      " attidentity, attgenerated FROM " CAT_META_ATTRIBUTE " ORDER BY attrelid, attnum",
                  attribute_row) &&
         each_row(&l, "SELECT oid, conname, connamespace, contype, conrelid, conindid, confrelid, conkey,"
                      " confkey, confupdtype, confdeltype, confmatchtype, condef FROM "
                      CAT_META_CONSTRAINT " ORDER BY oid", constraint_row) &&
         each_row(&l, "SELECT indexrelid, indrelid, indisunique, indisprimary, indkey, indexprs, indpred,"
                      " amname, definition FROM " CAT_META_INDEX " ORDER BY indexrelid", index_row) &&
         each_row(&l, "SELECT objoid, objsubid, description FROM " CAT_META_DESCRIPTION
                      " WHERE classoid = 1259", comment_row) &&
         each_row(&l, "SELECT seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle FROM "
                      CAT_META_SEQUENCE, sequence_row) &&
         each_row(&l, "SELECT objid, refobjid, refobjsubid FROM " CAT_META_DEPEND
                      " WHERE classid = 1259 AND refclassid = 1259 AND deptype IN ('a', 'i')", depend_row);
    if (ok) {
        size_t cur = 0;
        void *v;
        /* Relations in OID order, the order PostgreSQL's catalogs usually come back in. */
        cat_relation **sorted = calloc(l.rels.count + 1, sizeof *sorted);
        size_t n = 0;
        while (sorted && hashmap_next(&l.rels, &cur, NULL, &v))
            sorted[n++] = v;
        for (size_t i = 1; sorted && i < n; i++)
            for (size_t j = i; j > 0 && sorted[j - 1]->oid > sorted[j]->oid; j--) {
                cat_relation *t = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = t;
            }
        for (size_t i = 0; ok && sorted && i < n; i++)
            ok = cat_snapshot_add_relation(s, sorted[i]);
        if (!sorted || !ok) {
            ok = false;
            pg_error_oom(err);
        }
        free(sorted);
    }
    hashmap_free(&l.rels);
    return ok;
}

bool catalog_load(engine_conn *conn, cat_snapshot *s, pg_error *err)
{
    backend *b = engine_db_backend(engine_conn_db(conn));
    bool ok = backend_get_kind(b) == BACKEND_SQLITE ? catalog_load_sqlite(conn, s, err) : catalog_load_odbc(conn, s, err);
    if (!ok)
        return false;
    /* PostgreSQL's own relations, whatever the engine: the catalog store is built from them. */
    if (!catalog_add_system_relations(s)) {
        pg_error_oom(err);
        return false;
    }
    return true;
}
