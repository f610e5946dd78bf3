/*
 * catalog_store.c — where pg_catalog and information_schema live for SQLite engines, and
 * keeping every engine connection's view of them current (docs/catalog.md).
 *
 *   pgw_static   "file:/pgw-cat-static?vfs=memdb", one per process, attached by every
 *                connection when it opens (backend hook); built by the first one that finds
 *                it empty.  pg_type, pg_proc, pg_am ... and every catalog that stays empty.
 *   pgw_schema   "file:/pgw-cat-<db>-<version>?vfs=memdb", one per database and schema version,
 *                attached on demand by a connection about to run a catalog query, built by
 *                the first connection that finds it empty (under the database's store lock).
 *                pg_namespace, pg_class, pg_attribute ... information_schema.
 *   temp         temporary tables of one connection: the session relations (pg_settings,
 *                pg_stat_activity, pg_database, pg_sequences), refilled per statement, and,
 *                inside a transaction, schema tables built from a private snapshot.
 *
 * memdb databases named with a leading '/' are shared by every connection of the process
 * and freed when the last connection detaches them, so an old version disappears once every
 * connection has moved to a newer one.  Statements name the tables unqualified; SQLite looks
 * in temp first, then main, then attached databases, so temporary schema tables shadow the
 * attached ones while they exist.  They are dropped at the next refresh outside a
 * transaction.
 *
 * Invariants: ATTACH/DETACH only outside an engine transaction; a store database is either
 * empty or complete (built in one transaction, checked under the lock before use).
 */
#include "catalog/catalog_store.h"
#include "catalog/catalog_facts.h"

#include <stdlib.h>
#include <string.h>

#define STATIC_URI "file:/pgw-cat-static?vfs=memdb"

static const catalog_build_env *installed_env;
static pthread_mutex_t static_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static catalog_store_stats stats;

/* ---------------------------------------------------------------- layout */

/* Relations whose rows follow the user's schema. */
static const char *const schema_relations[] = {
    "pg_catalog.pg_namespace", "pg_catalog.pg_class", "pg_catalog.pg_attribute", "pg_catalog.pg_attrdef",
    "pg_catalog.pg_constraint", "pg_catalog.pg_index", "pg_catalog.pg_description", "pg_catalog.pg_sequence",
    "pg_catalog.pg_depend", "pg_catalog.pg_rewrite", "pg_catalog.pg_tables", "pg_catalog.pg_views", "pg_catalog.pg_indexes",
    "pg_catalog.pg_stat_user_tables", "pg_catalog.pg_stat_all_tables", "pg_catalog.pg_statio_user_tables",
    "information_schema.information_schema_catalog_name", "information_schema.schemata",
    "information_schema.tables", "information_schema.columns", "information_schema.views",
    "information_schema.table_constraints", "information_schema.key_column_usage",
    "information_schema.referential_constraints", "information_schema.constraint_column_usage",
    "information_schema.constraint_table_usage", "information_schema.check_constraints",
    "information_schema.sequences", "information_schema.character_sets",
    "information_schema.view_table_usage", "information_schema.view_column_usage",
    "information_schema.column_udt_usage", "information_schema.element_types",
    "information_schema.table_privileges", "information_schema.role_table_grants",
    "information_schema.column_privileges", "information_schema.role_column_grants",
    "information_schema.enabled_roles",
};

static const struct {
    const char *name;
    unsigned bit;
} session_relations[] = {
    {"pg_catalog.pg_settings", CAT_SESSION_SETTINGS},
    {"pg_catalog.pg_stat_activity", CAT_SESSION_ACTIVITY},
    {"pg_catalog.pg_database", CAT_SESSION_DATABASE},
    {"pg_catalog.pg_sequences", CAT_SESSION_SEQUENCES},
};

cat_store_kind catalog_store_kind(const cat_relation *rel)
{
    for (size_t i = 0; i < ARRAY_LEN(session_relations); i++)
        if (strcmp(rel->engine_name, session_relations[i].name) == 0)
            return CAT_STORE_SESSION;
    for (size_t i = 0; i < ARRAY_LEN(schema_relations); i++)
        if (strcmp(rel->engine_name, schema_relations[i]) == 0)
            return CAT_STORE_SCHEMA;
    return CAT_STORE_STATIC;
}

unsigned catalog_session_bit(const cat_relation *rel)
{
    for (size_t i = 0; rel->is_system && i < ARRAY_LEN(session_relations); i++)
        if (strcmp(rel->engine_name, session_relations[i].name) == 0)
            return session_relations[i].bit;
    return 0;
}

const cat_relation *catalog_find_system_relation(const char *schema, const char *name)
{
    return catalog_system_relation(schema, name);
}

/* The look-ups catalog queries make, as indexes: "relation|col, col". */
static const char *const store_indexes[] = {
    "pg_class|relname", "pg_class|relnamespace", "pg_attribute|attrelid, attnum", "pg_type|typname",
    "pg_proc|proname", "pg_constraint|conrelid", "pg_constraint|confrelid", "pg_index|indrelid",
    "pg_index|indexrelid", "pg_attrdef|adrelid, adnum", "pg_description|objoid, classoid, objsubid",
    "pg_depend|objid", "pg_depend|refobjid", "pg_namespace|nspname", "pg_range|rngtypid",
    "pg_sequence|seqrelid", "columns|table_name, table_schema", "tables|table_name, table_schema",
    "pgw.exprs|expr",
    "key_column_usage|table_name, table_schema", "table_constraints|table_name, table_schema",
};

bool store_exec(engine_conn *conn, pg_error *err, const char *fmt, ...)
{
    strbuf sql;
    strbuf_init(&sql);
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sql, fmt, ap);
    va_end(ap);
    bool ok = !sql.failed && engine_exec(conn, sql.data, err);
    if (sql.failed)
        pg_error_oom(err);
    strbuf_free(&sql);
    return ok;
}

static bool create_table(engine_conn *conn, const char *schema, const cat_relation *r, strbuf *sql, pg_error *err)
{
    strbuf_reset(sql);
    strbuf_printf(sql, "CREATE TABLE %s.", schema);
    catalog_quote_ident(r->engine_name, sql);
    strbuf_puts(sql, " (");
    for (int c = 0; c < r->ncolumns; c++) {
        if (c)
            strbuf_puts(sql, ", ");
        catalog_quote_ident(r->columns[c].name, sql);
        /* No declared type: values keep the storage class they are inserted with. */
        if (c == 0 && r->kind == 'r' && strcmp(r->columns[c].name, "oid") == 0)
            strbuf_puts(sql, " INTEGER PRIMARY KEY");
    }
    strbuf_putc(sql, ')');
    if (sql->failed) {
        pg_error_oom(err);
        return false;
    }
    return engine_exec(conn, sql->data, err);
}

/* Tables of our own beside PostgreSQL's, read by the catalog functions' templates
 * (pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef, pg_get_serial_sequence,
 * pg_encoding_to_char): definitions computed once per build rather than per call.  The _q
 * columns (and exprs' qualified) are the texts for a search_path without public. */
static cat_column internal_columns[][5] = {
    {{.name = "oid", .attnum = 1}, {.name = "def", .attnum = 2}, {.name = "pretty", .attnum = 3},
     {.name = "def_q", .attnum = 4}, {.name = "pretty_q", .attnum = 5}},
    {{.name = "oid", .attnum = 1}, {.name = "def", .attnum = 2}, {.name = "keys", .attnum = 3},
     {.name = "pretty", .attnum = 4}, {.name = "keys_pretty", .attnum = 5}},
    {{.name = "oid", .attnum = 1}, {.name = "def", .attnum = 2}, {.name = "pretty", .attnum = 3},
     {.name = "def_q", .attnum = 4}, {.name = "pretty_q", .attnum = 5}},
    {{.name = "relid", .attnum = 1}, {.name = "attname", .attnum = 2}, {.name = "seqname", .attnum = 3}},
    {{.name = "num", .attnum = 1}, {.name = "name", .attnum = 2}},
    {{.name = "oid", .attnum = 1}, {.name = "name", .attnum = 2}, {.name = "kind", .attnum = 3},
     {.name = "table_oid", .attnum = 4}},
    {{.name = "expr", .attnum = 1}, {.name = "pretty", .attnum = 2}, {.name = "qualified", .attnum = 3}},
};
static cat_relation internal_relations[] = {
    {.oid = 0, .name = "constraintdef", .engine_name = "pgw.constraintdef", .kind = 'r', .ncolumns = 5,
     .columns = internal_columns[0]},
    {.oid = 0, .name = "indexdef", .engine_name = "pgw.indexdef", .kind = 'r', .ncolumns = 5,
     .columns = internal_columns[1]},
    {.oid = 0, .name = "viewdef", .engine_name = "pgw.viewdef", .kind = 'r', .ncolumns = 5,
     .columns = internal_columns[2]},
    {.oid = 0, .name = "serial", .engine_name = "pgw.serial", .kind = 'v', .ncolumns = 3,
     .columns = internal_columns[3]},
    {.oid = 0, .name = "encodings", .engine_name = "pgw.encodings", .kind = 'v', .ncolumns = 2,
     .columns = internal_columns[4]},
    {.oid = 0, .name = "engine", .engine_name = "pgw.engine", .kind = 'v', .ncolumns = 4,
     .columns = internal_columns[5]},
    {.oid = 0, .name = "exprs", .engine_name = "pgw.exprs", .kind = 'v', .ncolumns = 3,
     .columns = internal_columns[6]},
};

const cat_relation *store_internal_relation(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(internal_relations); i++)
        if (strcmp(internal_relations[i].name, name) == 0)
            return &internal_relations[i];
    return NULL;
}

static bool internal_is_static(const cat_relation *r)
{
    return strcmp(r->name, "encodings") == 0;
}

bool store_create_tables(engine_conn *conn, const char *schema, cat_store_kind kind, pg_error *err)
{
    strbuf sql;
    strbuf_init(&sql);
    bool ok = true;
    for (size_t i = 0; ok && i < catalog_system_relation_count(); i++) {
        const cat_relation *r = catalog_system_relation_at(i);
        if (catalog_store_kind(r) == kind)
            ok = create_table(conn, schema, r, &sql, err);
    }
    for (size_t i = 0; ok && kind != CAT_STORE_SESSION && i < ARRAY_LEN(internal_relations); i++) {
        const cat_relation *r = &internal_relations[i];
        if (internal_is_static(r) == (kind == CAT_STORE_STATIC)) {
            strbuf_reset(&sql);
            strbuf_printf(&sql, "CREATE TABLE %s.", schema);
            catalog_quote_ident(r->engine_name, &sql);
            strbuf_printf(&sql, r->kind == 'r' ? " (\"%s\" INTEGER PRIMARY KEY" : " (\"%s\"", r->columns[0].name);
            for (int c = 1; c < r->ncolumns; c++)
                strbuf_printf(&sql, ", \"%s\"", r->columns[c].name);
            strbuf_putc(&sql, ')');
            ok = !sql.failed && engine_exec(conn, sql.data, err);
            if (sql.failed)
                pg_error_oom(err);
        }
    }
    strbuf_free(&sql);
    return ok;
}

static bool create_indexes(engine_conn *conn, const char *schema, cat_store_kind kind, pg_error *err)
{
    for (size_t i = 0; i < ARRAY_LEN(store_indexes); i++) {
        const char *bar = strchr(store_indexes[i], '|');
        char rel[64];
        snprintf(rel, sizeof rel, "%.*s", (int)(bar - store_indexes[i]), store_indexes[i]);
        const cat_relation *r = strncmp(rel, "pgw.", 4) == 0 ? store_internal_relation(rel + 4)
                                : catalog_system_relation(strncmp(rel, "pg_", 3) == 0 ? "pg_catalog"
                                                                                      : "information_schema", rel);
        if (!r || (r->is_system ? catalog_store_kind(r) != kind
                                : (kind != CAT_STORE_SCHEMA || internal_is_static(r))))
            continue;
        strbuf sql;
        strbuf_init(&sql);
        strbuf_printf(&sql, "CREATE INDEX %s.\"pgw_index_%zu\" ON ", schema, i);
        catalog_quote_ident(r->engine_name, &sql);
        strbuf_printf(&sql, " (%s)", bar + 1);
        bool ok = !sql.failed && engine_exec(conn, sql.data, err);
        if (sql.failed)
            pg_error_oom(err);
        strbuf_free(&sql);
        if (!ok)
            return false;
    }
    return true;
}

bool build_encodings(engine_conn *conn, const char *schema, pg_error *err)
{
    rowwriter w;
    if (!rw_open(&w, conn, schema, store_internal_relation("encodings"), err))
        return false;
    bool ok = true;
    for (int i = 0; ok && catalog_encoding_name(i); i++) {
        rw_int(&w, 0, i);
        rw_text(&w, 1, catalog_encoding_name(i));
        ok = rw_insert(&w);
    }
    rw_close(&w);
    return ok;
}

/* ---------------------------------------------------------------- per connection */

typedef struct conn_store {
    bool static_attached;
    bool system_attached;        /* the database's system-row template as pgw_system */
    uint64_t schema_version;     /* version attached as pgw_schema (0: none) */
    uint64_t temp_snapshot;      /* snapshot the temporary schema tables hold (0: none) */
    bool temp_tables;            /* temporary schema tables exist (and shadow pgw_schema) */
    unsigned session_tables;     /* session relations created as temporary tables */
} conn_store;

static conn_store *conn_state(engine_conn *conn)
{
    conn_store *cs = engine_conn_catalog_state(conn);
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        if (cs)
            engine_conn_set_catalog_state(conn, cs, free);
    }
    return cs;
}

static void add_stat(int64_t *us_field, int64_t *count_field, int64_t us)
{
    pthread_mutex_lock(&stats_lock);
    *us_field = us;
    (*count_field)++;
    pthread_mutex_unlock(&stats_lock);
}

void catalog_store_get_stats(catalog_store_stats *out)
{
    pthread_mutex_lock(&stats_lock);
    *out = stats;
    pthread_mutex_unlock(&stats_lock);
}

/* Number of tables in an attached database: 0 means nobody built it (or it was freed). */
static bool table_count(engine_conn *conn, const char *schema, int64_t *count, pg_error *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s.sqlite_master", schema);
    engine_stmt *st;
    if (!engine_prepare(conn, sql, &st, err))
        return false;
    bool ok = engine_step(st, err) == ENGINE_ROW;
    if (ok) {
        sql_value v;
        engine_column_value(st, 0, &v);
        *count = v.kind == VALUE_INT ? v.i : 0;
    }
    engine_stmt_release(st);
    return ok;
}

/* Whether the connection has temporary table `name` (1) or not (0). */
static bool count_temp(engine_conn *conn, const char *name, int64_t *count, pg_error *err)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "SELECT count(*) FROM temp.sqlite_master WHERE type = 'table' AND name = ");
    catalog_quote_literal(name, &sql);
    engine_stmt *st = NULL;
    bool ok = !sql.failed && engine_prepare(conn, sql.data, &st, err);
    if (sql.failed)
        pg_error_oom(err);
    strbuf_free(&sql);
    if (ok && (ok = engine_step(st, err) == ENGINE_ROW)) {
        sql_value v;
        engine_column_value(st, 0, &v);
        *count = v.kind == VALUE_INT ? v.i : 0;
    }
    if (st)
        engine_stmt_release(st);
    return ok;
}

/* BEGIN DEFERRED: a build writes only to the store, never takes the main database's lock. */
static bool in_build_txn(engine_conn *conn, bool (*fn)(void *), void *arg, pg_error *err)
{
    if (!engine_begin(conn, TXN_READ, err))
        return false;
    if (!fn(arg)) {
        pg_error ignore = {0};
        if (!engine_rollback(conn, &ignore))
            pg_error_clear(&ignore);
        return false;
    }
    return engine_commit(conn, err);
}

typedef struct static_job {
    engine_conn *conn;
    pg_error *err;
} static_job;

static bool static_build_fn(void *arg)
{
    static_job *j = arg;
    return store_create_tables(j->conn, "pgw_build", CAT_STORE_STATIC, j->err) &&
           build_static(j->conn, "pgw_build", installed_env, j->err) && build_encodings(j->conn, "pgw_build", j->err) &&
           create_indexes(j->conn, "pgw_build", CAT_STORE_STATIC, j->err);
}

static void detach_quietly(engine_conn *conn, const char *alias)
{
    pg_error ignore = {0};
    char sql[64];
    snprintf(sql, sizeof sql, "DETACH %s", alias);
    if (!engine_exec(conn, sql, &ignore))
        pg_error_clear(&ignore);
}

/*
 * A store is written through a writable attachment ("pgw_build") by the first connection
 * that finds it empty, and read through a read-only one (`alias`): a read-only attached
 * database takes no write lock, so BEGIN IMMEDIATE and writes on one connection never wait
 * for (or block) another connection over the shared in-memory store.  Called with the
 * store's lock held; `build` runs in a transaction of its own.
 */
static bool attach_store(engine_conn *conn, const char *uri, const char *alias, bool (*build)(void *), void *arg,
                         bool *built, pg_error *err)
{
    *built = false;
    if (!store_exec(conn, err, "ATTACH '%s' AS pgw_build", uri))
        return false;
    int64_t n = 0;
    bool ok = table_count(conn, "pgw_build", &n, err);
    if (ok && n == 0) {
        ok = in_build_txn(conn, build, arg, err);
        *built = true;
    }
    /* Read-only second, while the writable one still keeps the shared store alive. */
    ok = ok && store_exec(conn, err, "ATTACH '%s&mode=ro' AS %s", uri, alias);
    detach_quietly(conn, "pgw_build");
    return ok;
}

static bool attach_static(engine_conn *conn, conn_store *cs, pg_error *err)
{
    pthread_mutex_lock(&static_lock);
    int64_t t0 = clock_monotonic_us();
    static_job j = {conn, err};
    bool built;
    bool ok = attach_store(conn, STATIC_URI, "pgw_static", static_build_fn, &j, &built, err);
    if (built)
        add_stat(&stats.static_build_us, &stats.static_builds, clock_monotonic_us() - t0);
    pthread_mutex_unlock(&static_lock);
    if (!ok)
        return false;
    cs->static_attached = true;
    return true;
}

static bool conn_opened(engine_conn *conn, pg_error *err)
{
    if (backend_get_kind(engine_db_backend(engine_conn_db(conn))) != BACKEND_SQLITE)
        return true;
    conn_store *cs = conn_state(conn);
    if (!cs) {
        pg_error_oom(err);
        return false;
    }
    return attach_static(conn, cs, err);
}

/* The static store is built before the server takes clients, by one engine connection of
 * the postgres database that then waits idle in its pool (a connection the first client of
 * that database would have opened anyway).  Built by a client's first statement instead,
 * its cost landed in that statement: 40 MB of RSS under ASan (test_server_concurrency's
 * memory bound).  The store lives while a connection has it attached; should every one
 * close (the database dropped), the next connection builds it again.  Called once the
 * process's signal mask is set: opening the database starts its checkpoint thread, which
 * inherits the mask (earlier, a SIGTERM went to that thread and killed the server). */
void catalog_build_static_now(backend *b)
{
    if (backend_get_kind(b) != BACKEND_SQLITE)
        return;
    pg_error err = {0};
    engine_db *db = NULL;
    if (backend_open_db(b, "postgres", &db, &err)) {
        engine_pool *pool = engine_db_pool(db);
        engine_conn *conn = engine_pool_acquire(pool, NULL, &err);
        if (conn)
            engine_pool_release(pool, conn);
    }
    pg_error_clear(&err);
}

void catalog_install(backend *b, const catalog_build_env *env)
{
    installed_env = env;
    backend_set_conn_open_hook(b, conn_opened);
}

/* ---------------------------------------------------------------- schema store */

typedef struct schema_job {
    build_ctx ctx;
} schema_job;

const char *const build_system_row_tables[] = {
    "pg_catalog.pg_class", "pg_catalog.pg_attribute", "pg_catalog.pg_tables", "pg_catalog.pg_views",
    "information_schema.tables", "information_schema.views", "information_schema.columns",
};
const size_t build_system_row_table_count = ARRAY_LEN(build_system_row_tables);

/* The system relations' rows, copied from the template instead of written row by row
 * (they are most of pg_attribute and information_schema.columns, and never change). */
static bool copy_system_rows(build_ctx *b)
{
    bool ok = true;
    for (size_t i = 0; ok && i < build_system_row_table_count; i++)
        ok = store_exec(b->conn, b->err, "INSERT INTO %s.\"%s\" SELECT * FROM %s.\"sys.%s\"", b->schema,
                        build_system_row_tables[i], b->system_rows, build_system_row_tables[i]);
    return ok;
}

static bool fill_schema(build_ctx *b)
{
    return build_schema(b) && build_information_schema(b) && (b->rows != BUILD_USER || copy_system_rows(b));
}

static bool schema_build_fn(void *arg)
{
    build_ctx *b = arg;
    return store_create_tables(b->conn, b->schema, CAT_STORE_SCHEMA, b->err) && fill_schema(b) &&
           create_indexes(b->conn, b->schema, CAT_STORE_SCHEMA, b->err);
}

/* The per-database template: the tables above with PostgreSQL's own relations only, named
 * "sys.<table>" so that they never answer for the store's own tables (SQLite finds an
 * unqualified name in the first attached database that has it).  Built like a store, then
 * the other tables dropped. */
static bool system_build_fn(void *arg)
{
    build_ctx *b = arg;
    bool ok = store_create_tables(b->conn, b->schema, CAT_STORE_SCHEMA, b->err) && build_schema_system_rows(b) &&
              build_information_schema_system_rows(b);
    for (size_t i = 0; ok && i < catalog_system_relation_count(); i++) {
        const cat_relation *r = catalog_system_relation_at(i);
        if (catalog_store_kind(r) != CAT_STORE_SCHEMA)
            continue;
        bool keep = false;
        for (size_t k = 0; k < build_system_row_table_count; k++)
            keep |= strcmp(build_system_row_tables[k], r->engine_name) == 0;
        ok = keep ? store_exec(b->conn, b->err, "ALTER TABLE %s.\"%s\" RENAME TO \"sys.%s\"", b->schema,
                               r->engine_name, r->engine_name)
                  : store_exec(b->conn, b->err, "DROP TABLE %s.\"%s\"", b->schema, r->engine_name);
    }
    for (size_t i = 0; ok && i < ARRAY_LEN(internal_relations); i++)
        if (!internal_is_static(&internal_relations[i]))
            ok = store_exec(b->conn, b->err, "DROP TABLE %s.\"%s\"", b->schema, internal_relations[i].engine_name);
    return ok;
}

static void init_build(build_ctx *b, engine_conn *conn, const char *schema, cat_snapshot *s,
                       const catalog_build_env *env, pg_error *err)
{
    memset(b, 0, sizeof *b);
    b->conn = conn;
    b->schema = schema;
    b->s = s;
    b->env = env;
    b->database = engine_db_name(engine_conn_db(conn));
    b->err = err;
    b->next_synthetic_oid = 3000000000u;
    hashmap_init(&b->derived);
    hashmap_init(&b->attrdefs);
}

static bool attach_schema(engine_conn *conn, conn_store *cs, cat_snapshot *s, const catalog_build_env *env,
                          pg_error *err)
{
    shared_holder *h = holder_of(engine_conn_db(conn));
    if (!h) {
        pg_error_oom(err);
        return false;
    }
    int64_t t0 = clock_monotonic_us();
    if (cs->schema_version) {
        if (!engine_exec(conn, "DETACH pgw_schema", err))
            return false;
        cs->schema_version = 0;
    }
    char uri[96];
    pthread_mutex_lock(&h->store_lock);
    bool ok = true, built = false;
    if (!cs->system_attached) {
        /* Kept attached: it lives as long as a connection to the database has it. */
        snprintf(uri, sizeof uri, "file:/pgw-cat-%llu-system?vfs=memdb", (unsigned long long)h->store_id);
        build_ctx b;
        init_build(&b, conn, "pgw_build", s, env, err);
        b.rows = BUILD_SYSTEM;
        ok = attach_store(conn, uri, "pgw_system", system_build_fn, &b, &built, err);
        build_ctx_release(&b);
        cs->system_attached = ok;
    }
    if (ok) {
        snprintf(uri, sizeof uri, "file:/pgw-cat-%llu-%llu?vfs=memdb", (unsigned long long)h->store_id,
                 (unsigned long long)cat_snapshot_version(s));
        build_ctx b;
        init_build(&b, conn, "pgw_build", s, env, err);
        b.rows = BUILD_USER;
        b.system_rows = "pgw_system";
        ok = attach_store(conn, uri, "pgw_schema", schema_build_fn, &b, &built, err);
        build_ctx_release(&b);
    }
    pthread_mutex_unlock(&h->store_lock);
    int64_t us = clock_monotonic_us() - t0;
    if (built)
        add_stat(&stats.schema_build_us, &stats.schema_builds, us);
    else
        add_stat(&stats.attach_us, &stats.attaches, us);
    if (!ok)
        return false;
    cs->schema_version = cat_snapshot_version(s);
    return true;
}

/* Temporary schema tables (inside a transaction): created once per connection, emptied and
 * refilled for another snapshot. */
static bool build_temp(engine_conn *conn, conn_store *cs, cat_snapshot *s, const catalog_build_env *env,
                       pg_error *err)
{
    int64_t t0 = clock_monotonic_us();
    bool ok = true;
    if (!cs->temp_tables) {
        ok = store_create_tables(conn, "temp", CAT_STORE_SCHEMA, err) &&
             create_indexes(conn, "temp", CAT_STORE_SCHEMA, err);
        cs->temp_tables = ok;
    } else {
        for (size_t i = 0; ok && i < catalog_system_relation_count(); i++) {
            const cat_relation *r = catalog_system_relation_at(i);
            if (catalog_store_kind(r) != CAT_STORE_SCHEMA)
                continue;
            strbuf sql;
            strbuf_init(&sql);
            strbuf_puts(&sql, "DELETE FROM temp.");
            catalog_quote_ident(r->engine_name, &sql);
            ok = !sql.failed && engine_exec(conn, sql.data, err);
            if (sql.failed)
                pg_error_oom(err);
            strbuf_free(&sql);
        }
    }
    for (size_t i = 0; ok && cs->temp_tables && i < ARRAY_LEN(internal_relations); i++) {
        if (internal_is_static(&internal_relations[i]))
            continue;
        ok = store_exec(conn, err, "DELETE FROM temp.\"%s\"", internal_relations[i].engine_name);
    }
    if (ok) {
        build_ctx b;
        init_build(&b, conn, "temp", s, env, err);
        if (cs->system_attached) {
            b.rows = BUILD_USER;
            b.system_rows = "pgw_system";
        }
        ok = fill_schema(&b);
        build_ctx_release(&b);
    }
    cs->temp_snapshot = ok ? cat_snapshot_id(s) : 0;
    add_stat(&stats.temp_build_us, &stats.temp_builds, clock_monotonic_us() - t0);
    return ok;
}

static bool drop_temp(engine_conn *conn, conn_store *cs, pg_error *err)
{
    for (size_t i = 0; i < catalog_system_relation_count(); i++) {
        const cat_relation *r = catalog_system_relation_at(i);
        if (catalog_store_kind(r) != CAT_STORE_SCHEMA)
            continue;
        strbuf sql;
        strbuf_init(&sql);
        strbuf_puts(&sql, "DROP TABLE IF EXISTS temp.");
        catalog_quote_ident(r->engine_name, &sql);
        bool ok = !sql.failed && engine_exec(conn, sql.data, err);
        if (sql.failed)
            pg_error_oom(err);
        strbuf_free(&sql);
        if (!ok)
            return false;
    }
    for (size_t i = 0; i < ARRAY_LEN(internal_relations); i++) {
        if (!internal_is_static(&internal_relations[i]) &&
            !store_exec(conn, err, "DROP TABLE IF EXISTS temp.\"%s\"", internal_relations[i].engine_name))
            return false;
    }
    cs->temp_tables = false;
    cs->temp_snapshot = 0;
    return true;
}

bool catalog_store_prepare(engine_conn *conn, cat_snapshot *s, unsigned session_rels, const catalog_build_env *env,
                           pg_error *err)
{
    if (backend_get_kind(engine_db_backend(engine_conn_db(conn))) != BACKEND_SQLITE) {
        pg_error_set(err, "0A000", "pg_catalog is not available for this engine yet");
        return false;
    }
    conn_store *cs = conn_state(conn);
    if (!cs) {
        pg_error_oom(err);
        return false;
    }
    bool in_txn = engine_in_transaction(conn);
    /* Temporary tables created inside a transaction that rolled back are gone: check what
     * the flags say before trusting them. */
    if (cs->temp_tables || cs->session_tables) {
        int64_t n = 0;
        if (!count_temp(conn, "pg_catalog.pg_class", &n, err))
            return false;
        if (cs->temp_tables && n == 0) {
            cs->temp_tables = false;
            cs->temp_snapshot = 0;
        }
        for (size_t i = 0; i < ARRAY_LEN(session_relations); i++) {
            if (!(cs->session_tables & session_relations[i].bit))
                continue;
            if (!count_temp(conn, session_relations[i].name, &n, err))
                return false;
            if (n == 0)
                cs->session_tables &= ~session_relations[i].bit;
        }
    }
    if (!cs->static_attached) {
        if (in_txn) {
            pg_error_set(err, "55000", "pg_catalog is not attached to this engine connection");
            return false;
        }
        if (!attach_static(conn, cs, err))
            return false;
    }
    bool ok = true;
    if (cat_snapshot_is_private(s)) {
        /* Only the transaction that changed the schema sees it: its own tables. */
        if (cs->temp_snapshot != cat_snapshot_id(s))
            ok = build_temp(conn, cs, s, env, err);
    } else if (!in_txn) {
        if (cs->temp_tables)
            ok = drop_temp(conn, cs, err);
        if (ok && cs->schema_version != cat_snapshot_version(s))
            ok = attach_schema(conn, cs, s, env, err);
    } else if ((cs->temp_tables && cs->temp_snapshot != cat_snapshot_id(s)) ||
               (!cs->temp_tables && !cs->schema_version)) {
        /* In a transaction (no ATTACH): temporary tables, unless a store is attached. */
        ok = build_temp(conn, cs, s, env, err);
    }
    if (ok && session_rels) {
        unsigned missing = session_rels & ~cs->session_tables;
        strbuf sql;
        strbuf_init(&sql);
        for (size_t i = 0; ok && i < ARRAY_LEN(session_relations); i++) {
            if (!(missing & session_relations[i].bit))
                continue;
            const cat_relation *r = catalog_system_relation("pg_catalog", session_relations[i].name + 11);
            ok = r && create_table(conn, "temp", r, &sql, err);
            if (ok)
                cs->session_tables |= session_relations[i].bit;
        }
        strbuf_free(&sql);
        ok = ok && build_session(conn, s, session_rels, env, err);
    }
    return ok;
}
