/*
 * meta_odbc.c — a catalog snapshot read from an engine reached through ODBC: the same
 * cat_snapshot structures meta_sqlite.c builds, so pg_catalog / information_schema are built
 * from them unchanged.
 *
 * IRIS and PostgreSQL: their INFORMATION_SCHEMA (TABLES, COLUMNS, TABLE_CONSTRAINTS,
 * KEY_COLUMN_USAGE), as documented for IRIS under "INFORMATION_SCHEMA" in the class
 * reference.  SQLite through its driver: sqlite_master and pragma_table_info (SQLite has no
 * INFORMATION_SCHEMA).
 *
 * Names: the engine schema configured as public's (IRIS: SQLUser) is shown as public, others
 * by their name; IRIS resolves identifiers without regard to case, so its names are folded
 * to lower case, the PostgreSQL spelling of unquoted names (relations keep the engine's own
 * spelling in engine_schema / engine_name).  Types: the engine's type names mapped to
 * PostgreSQL types with typmods (VARCHAR(n) → varchar(n), NUMERIC(p,s) → numeric(p,s), BIT →
 * boolean, DOUBLE → double precision, VECTOR → vector ...).  OIDs are a hash of the
 * qualified name, stable across reloads.
 */
#include "catalog/catalog_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct odbc_loader {
    engine_conn *conn;
    cat_snapshot *s;
    pg_error *err;
    sql_dialect dialect;
    const char *public_schema;
    hashmap rels;        /* "engine_schema\x1fengine_table" → cat_relation */
    hashmap oids;        /* "oid" → 1, to avoid collisions */
    bool failed;
} odbc_loader;

static char *col_text(odbc_loader *l, engine_stmt *st, int col)
{
    sql_value v;
    engine_column_value(st, col, &v);
    if (v.kind == VALUE_NULL)
        return NULL;
    char buf[32];
    if (v.kind == VALUE_INT) {
        snprintf(buf, sizeof buf, "%lld", (long long)v.i);
        return arena_strdup(&l->s->mem, buf);
    }
    if (v.kind == VALUE_FLOAT) {
        snprintf(buf, sizeof buf, "%.0f", v.f);
        return arena_strdup(&l->s->mem, buf);
    }
    char *p = arena_strndup(&l->s->mem, v.ptr, v.len);
    if (!p)
        l->failed = true;
    return p;
}

static int64_t col_int(engine_stmt *st, int col, int64_t dflt)
{
    sql_value v;
    engine_column_value(st, col, &v);
    if (v.kind == VALUE_INT)
        return v.i;
    if (v.kind == VALUE_FLOAT)
        return (int64_t)v.f;
    if (v.kind == VALUE_TEXT && v.len) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.*s", (int)(v.len < 31 ? v.len : 31), v.ptr);
        return strtoll(buf, NULL, 10);
    }
    return dflt;
}

/* The PostgreSQL spelling of an engine name. */
static const char *pg_name(odbc_loader *l, const char *engine)
{
    if (l->dialect != DIALECT_IRIS || !engine)
        return engine;
    char *p = arena_strdup(&l->s->mem, engine);
    if (!p) {
        l->failed = true;
        return engine;
    }
    for (char *c = p; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return p;
}

static uint32_t fnv(const char *a, const char *b)
{
    uint32_t h = 2166136261u;
    for (const char *p = a ? a : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h = (h ^ 0x1f) * 16777619u;
    for (const char *p = b; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

static pg_oid stable_oid(odbc_loader *l, const char *schema, const char *name)
{
    uint32_t h = fnv(schema, name) % 1000000000u + CAT_FIRST_USER_OID;
    char key[16];
    for (;;) {
        snprintf(key, sizeof key, "%u", h);
        if (!hashmap_get(&l->oids, key))
            break;
        h++;
    }
    if (!hashmap_put(&l->oids, key, (void *)1))
        l->failed = true;
    return h;
}

static const cat_namespace *namespace_of(odbc_loader *l, const char *engine_schema)
{
    if (!engine_schema || (l->public_schema && *l->public_schema && ascii_streq_ci(engine_schema, l->public_schema)) ||
        (l->dialect == DIALECT_SQLITE && strcmp(engine_schema, "main") == 0))
        return cat_find_namespace(l->s, "public");
    const char *name = pg_name(l, engine_schema);
    const cat_namespace *ns = cat_find_namespace(l->s, name);
    if (ns)
        return ns;
    if (!cat_snapshot_add_namespace(l->s, stable_oid(l, "", name), name)) {
        l->failed = true;
        return NULL;
    }
    return cat_find_namespace(l->s, name);
}

/* ---------------------------------------------------------------- types */

static void lower_copy(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = 0;
}

/* An engine type name (and its length/precision/scale) as a PostgreSQL type and typmod. */
static void map_type(const char *engine_type, int64_t length, int64_t precision, int64_t scale, pg_oid *type,
                     int32_t *typmod)
{
    char t[64];
    lower_copy(t, sizeof t, engine_type ? engine_type : "");
    /* "varchar(40)", "numeric(10,2)" (SQLite declared types carry their sizes). */
    char *paren = strchr(t, '(');
    if (paren) {
        int a = -1, b = -1;
        if (sscanf(paren + 1, "%d , %d", &a, &b) >= 1) {
            if (length < 0)
                length = a;
            if (precision < 0)
                precision = a;
            if (scale < 0 && b >= 0)
                scale = b;
        }
        *paren = 0;
    }
    size_t n = strlen(t);
    while (n && t[n - 1] == ' ')
        t[--n] = 0;
    *typmod = -1;
    static const struct { const char *name; pg_oid type; } simple[] = {
        {"integer", PG_OID_INT4}, {"int", PG_OID_INT4}, {"int4", PG_OID_INT4}, {"mediumint", PG_OID_INT4},
        {"bigint", PG_OID_INT8}, {"int8", PG_OID_INT8}, {"smallint", PG_OID_INT2}, {"int2", PG_OID_INT2},
        {"tinyint", PG_OID_INT2}, {"bit", PG_OID_BOOL}, {"boolean", PG_OID_BOOL}, {"bool", PG_OID_BOOL},
        {"double", PG_OID_FLOAT8}, {"double precision", PG_OID_FLOAT8}, {"float", PG_OID_FLOAT8},
        {"float8", PG_OID_FLOAT8}, {"real", PG_OID_FLOAT4}, {"float4", PG_OID_FLOAT4},
        {"text", PG_OID_TEXT}, {"longvarchar", PG_OID_TEXT}, {"clob", PG_OID_TEXT},
        {"date", PG_OID_DATE}, {"time", PG_OID_TIME}, {"time without time zone", PG_OID_TIME},
        {"timestamp", PG_OID_TIMESTAMP}, {"datetime", PG_OID_TIMESTAMP},
        {"timestamp without time zone", PG_OID_TIMESTAMP}, {"timestamp with time zone", PG_OID_TIMESTAMPTZ},
        {"posixtime", PG_OID_TIMESTAMP},
        {"bytea", PG_OID_BYTEA}, {"blob", PG_OID_BYTEA}, {"longvarbinary", PG_OID_BYTEA},
        {"varbinary", PG_OID_BYTEA}, {"binary", PG_OID_BYTEA}, {"uuid", PG_OID_UUID},
        {"json", PG_OID_JSON}, {"jsonb", PG_OID_JSONB}, {"name", PG_OID_NAME}, {"oid", PG_OID_OID},
        {"interval", PG_OID_INTERVAL},
    };
    for (size_t i = 0; i < ARRAY_LEN(simple); i++)
        if (strcmp(t, simple[i].name) == 0) {
            *type = simple[i].type;
            return;
        }
    if (!strcmp(t, "varchar") || !strcmp(t, "character varying") || !strcmp(t, "nvarchar") || !strcmp(t, "string")) {
        *type = PG_OID_VARCHAR;
        /* IRIS reports text columns as VARCHAR(65535): those are PostgreSQL's text. */
        if (length > 0 && length < 65535)
            *typmod = (int32_t)length + 4;
        else
            *type = PG_OID_TEXT;
        return;
    }
    if (!strcmp(t, "char") || !strcmp(t, "character") || !strcmp(t, "nchar") || !strcmp(t, "bpchar")) {
        *type = PG_OID_BPCHAR;
        *typmod = length > 0 ? (int32_t)length + 4 : 5;
        return;
    }
    if (!strcmp(t, "numeric") || !strcmp(t, "decimal") || !strcmp(t, "money")) {
        *type = PG_OID_NUMERIC;
        if (precision > 0 && precision <= 1000)
            *typmod = (int32_t)(((precision << 16) | (scale > 0 ? scale : 0)) + 4);
        return;
    }
    if (!strcmp(t, "vector")) {
        *type = PG_OID_VECTOR;
        *typmod = length > 0 ? (int32_t)length : -1;
        return;
    }
    *type = PG_OID_TEXT;
}

/* ---------------------------------------------------------------- rows */

typedef void (*odbc_row_fn)(odbc_loader *l, engine_stmt *st);

static bool each(odbc_loader *l, const char *sql, odbc_row_fn fn, bool optional)
{
    engine_stmt *st;
    if (!engine_prepare(l->conn, sql, &st, l->err)) {
        if (optional && !engine_conn_is_broken(l->conn)) {
            pg_error_clear(l->err);
            return true;
        }
        return false;
    }
    engine_step_result r;
    while ((r = engine_step(st, l->err)) == ENGINE_ROW && !l->failed)
        fn(l, st);
    engine_stmt_release(st);
    if (l->failed && !pg_error_is_set(l->err))
        pg_error_oom(l->err);
    if (r == ENGINE_ERROR && optional && !engine_conn_is_broken(l->conn)) {
        pg_error_clear(l->err);
        return !l->failed;
    }
    return r == ENGINE_DONE && !l->failed;
}

static void rel_key(const char *schema, const char *table, char *buf, size_t size)
{
    snprintf(buf, size, "%s\x1f%s", schema ? schema : "", table ? table : "");
}

static cat_relation *find_rel(odbc_loader *l, const char *schema, const char *table)
{
    char key[512];
    rel_key(schema, table, key, sizeof key);
    return hashmap_get(&l->rels, key);
}

/* schema, table, type */
static void table_row(odbc_loader *l, engine_stmt *st)
{
    const char *schema = col_text(l, st, 0), *table = col_text(l, st, 1), *kind = col_text(l, st, 2);
    if (!table)
        return;
    const cat_namespace *ns = namespace_of(l, schema);
    cat_relation *r = arena_zalloc(&l->s->mem, sizeof *r);
    if (!ns || !r) {
        l->failed = true;
        return;
    }
    r->namespace_oid = ns->oid;
    r->schema = ns->name;
    r->name = pg_name(l, table);
    r->oid = stable_oid(l, ns->name, r->name);
    r->kind = kind && (strstr(kind, "VIEW") || strstr(kind, "view")) ? 'v' : 'r';
    r->engine_schema = l->dialect == DIALECT_SQLITE ? NULL : schema;
    r->engine_name = table;
    char key[512];
    rel_key(schema, table, key, sizeof key);
    if (!hashmap_put(&l->rels, key, r))
        l->failed = true;
}

/* schema, table, column, ordinal, type, length, precision, scale, nullable, default */
static void column_row(odbc_loader *l, engine_stmt *st)
{
    cat_relation *r = find_rel(l, col_text(l, st, 0), col_text(l, st, 1));
    if (!r)
        return;
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
    cat_column *c = &r->columns[r->ncolumns];
    c->name = pg_name(l, col_text(l, st, 2));
    if (!c->name)
        return;
    r->ncolumns++;
    c->attnum = (int16_t)r->ncolumns;
    map_type(col_text(l, st, 4), col_int(st, 5, -1), col_int(st, 6, -1), col_int(st, 7, -1), &c->type, &c->typmod);
    const char *nullable = col_text(l, st, 8);
    c->notnull = nullable && (nullable[0] == 'N' || nullable[0] == 'n' || nullable[0] == '0');
    /* The engine applies its own defaults to columns an INSERT leaves out (the translator
     * adds only columns whose default it knows as PostgreSQL text, and the engine's default
     * text is in the engine's dialect). */
    c->default_expr = NULL;
}

/* schema, table, constraint, type, column, position */
static void key_row(odbc_loader *l, engine_stmt *st)
{
    cat_relation *r = find_rel(l, col_text(l, st, 0), col_text(l, st, 1));
    const char *name = pg_name(l, col_text(l, st, 2)), *type = col_text(l, st, 3);
    const char *column = pg_name(l, col_text(l, st, 4));
    if (!r || !name || !type || !column)
        return;
    const cat_column *col = cat_find_column(r, column);
    if (!col)
        return;
    cat_constraint *k = NULL;
    for (int i = 0; i < r->nconstraints; i++)
        if (strcmp(r->constraints[i].name, name) == 0)
            k = &r->constraints[i];
    if (!k) {
        cat_constraint *grown = arena_zalloc(&l->s->mem, sizeof *grown * (size_t)(r->nconstraints + 1));
        if (!grown) {
            l->failed = true;
            return;
        }
        if (r->nconstraints)
            memcpy(grown, r->constraints, sizeof *grown * (size_t)r->nconstraints);
        r->constraints = grown;
        k = &r->constraints[r->nconstraints++];
        k->name = name;
        k->type = type[0] == 'P' || type[0] == 'p' ? 'p' : 'u';
        k->oid = stable_oid(l, r->name, name);
        k->on_update = k->on_delete = k->match_type = ' ';
    }
    int16_t *keys = arena_zalloc(&l->s->mem, sizeof *keys * (size_t)(k->nkeys + 1));
    if (!keys) {
        l->failed = true;
        return;
    }
    if (k->nkeys)
        memcpy(keys, k->keys, sizeof *keys * (size_t)k->nkeys);
    keys[k->nkeys++] = col->attnum;
    k->keys = keys;
    if (k->type == 'p')
        ((cat_column *)col)->notnull = true;
}

/* schema, table, index */
static void index_row(odbc_loader *l, engine_stmt *st)
{
    cat_relation *r = find_rel(l, col_text(l, st, 0), col_text(l, st, 1));
    const char *engine = col_text(l, st, 2);
    if (!r || !engine)
        return;
    const char *name = pg_name(l, engine);
    for (int i = 0; i < r->nindexes; i++)
        if (strcmp(r->indexes[i].name, name) == 0)
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
    ix->name = name;
    ix->engine_name = engine;
    ix->oid = stable_oid(l, r->name, name);
    ix->method = "btree";
}

/* ---------------------------------------------------------------- queries per engine */

static const char is_tables[] =
    "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE %s ORDER BY 1, 2";
static const char is_columns[] =
    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH,"
    " NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS"
    " WHERE %s ORDER BY 1, 2, 4";
static const char is_keys[] =
    "SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, tc.CONSTRAINT_TYPE, kcu.COLUMN_NAME,"
    " kcu.ORDINAL_POSITION FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc"
    " JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE kcu ON kcu.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA"
    " AND kcu.CONSTRAINT_NAME = tc.CONSTRAINT_NAME AND kcu.TABLE_NAME = tc.TABLE_NAME"
    " WHERE tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE') AND %s ORDER BY 1, 2, 3, 6";

static bool load_information_schema(odbc_loader *l)
{
    /* System schemas stay out: PostgreSQL's own, and IRIS's %-schemas and INFORMATION_SCHEMA. */
    const char *filter = l->dialect == DIALECT_IRIS
                             ? "SUBSTRING(%s, 1, 1) <> '%%' AND %s <> 'INFORMATION_SCHEMA'"
                             : "%s NOT IN ('pg_catalog', 'information_schema') AND %s NOT LIKE 'pg_toast%%'";
    char where_t[256], where_k[256], sql[1024];
    snprintf(where_t, sizeof where_t, filter, "TABLE_SCHEMA", "TABLE_SCHEMA");
    snprintf(where_k, sizeof where_k, filter, "tc.TABLE_SCHEMA", "tc.TABLE_SCHEMA");
    snprintf(sql, sizeof sql, is_tables, where_t);
    if (!each(l, sql, table_row, false))
        return false;
    snprintf(sql, sizeof sql, is_columns, where_t);
    if (!each(l, sql, column_row, false))
        return false;
    snprintf(sql, sizeof sql, is_keys, where_k);
    if (!each(l, sql, key_row, true))
        return false;
    if (l->dialect == DIALECT_POSTGRES)
        return each(l, "SELECT schemaname, tablename, indexname FROM pg_indexes WHERE schemaname NOT IN "
                       "('pg_catalog', 'information_schema') ORDER BY 1, 2, 3", index_row, true);
    return each(l, "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                   "WHERE SUBSTRING(TABLE_SCHEMA, 1, 1) <> '%' ORDER BY 1, 2, 3", index_row, true);
}

static bool load_sqlite_master(odbc_loader *l)
{
    return each(l, "SELECT 'main', name, upper(type) FROM sqlite_master WHERE type IN ('table', 'view')"
                   " AND name NOT LIKE 'sqlite%' ORDER BY name", table_row, false) &&
           each(l, "SELECT 'main', m.name, p.name, p.cid + 1, p.type, NULL, NULL, NULL,"
                   " CASE p.\"notnull\" WHEN 1 THEN 'NO' ELSE 'YES' END, p.dflt_value"
                   " FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p"
                   " WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite%' ORDER BY m.name, p.cid",
                column_row, false) &&
           each(l, "SELECT 'main', m.name, m.name || '_pkey', 'PRIMARY KEY', p.name, p.pk"
                   " FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p"
                   " WHERE m.type = 'table' AND p.pk > 0 ORDER BY m.name, p.pk", key_row, true) &&
           each(l, "SELECT 'main', tbl_name, name FROM sqlite_master WHERE type = 'index'"
                   " AND name NOT LIKE 'sqlite%' ORDER BY 2, 3", index_row, true);
}

bool catalog_load_odbc(engine_conn *conn, cat_snapshot *s, pg_error *err)
{
    backend *b = engine_db_backend(engine_conn_db(conn));
    odbc_loader l = {
        .conn = conn,
        .s = s,
        .err = err,
        .dialect = backend_dialect(b),
        .public_schema = backend_public_schema(b),
    };
    hashmap_init(&l.rels);
    hashmap_init(&l.oids);
    bool ok = cat_snapshot_add_namespace(s, CAT_OID_PG_CATALOG, "pg_catalog") &&
              cat_snapshot_add_namespace(s, CAT_OID_INFORMATION_SCHEMA, "information_schema") &&
              cat_snapshot_add_namespace(s, CAT_OID_PUBLIC, "public");
    if (!ok)
        pg_error_oom(err);
    ok = ok && (l.dialect == DIALECT_SQLITE ? load_sqlite_master(&l) : load_information_schema(&l));
    if (ok) {
        /* Relations in OID order, as meta_sqlite.c hands them out. */
        size_t n = 0, cur = 0;
        void *v;
        cat_relation **sorted = calloc(l.rels.count + 1, sizeof *sorted);
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
    hashmap_free(&l.oids);
    return ok;
}
