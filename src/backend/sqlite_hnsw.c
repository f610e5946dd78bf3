/*
 * sqlite_hnsw.c — HNSW indexes of the embedded engine: the per-database registry, building
 * (CREATE INDEX), publishing at commit, applying the change log, persisting, loading and
 * recovery, and the SQL functions the triggers and DDL call.  The design, its invariants and
 * its lock order are in sqlite_hnsw.h.
 *
 * Who calls what:
 *   - DDL plans (src/sql/vector_ddl.c) create the metadata tables and triggers, then run
 *     pgw_hnsw_build(oid) (builds the index into the transaction's pending list) or
 *     pgw_hnsw_forget(oid) (drops it at commit);
 *   - the triggers call pgw_hnsw_touched(), so that the connection applies the log after its
 *     commit (sqlite.c calls the hooks below);
 *   - the search table (sqlite_hnsw_search.c) calls hnsw_use/hnsw_unuse;
 *   - pgw_hnsw_stats / pgw_hnsw_memory / pgw_hnsw_vacuum / pgw_hnsw_checkpoint report and
 *     maintain.
 */
#include "backend/sqlite_hnsw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Applying: batches of new rows at least this large are built with all cores. */
#define PARALLEL_BATCH 1024
/* Persisting: after this many applied changes (or 1/64 of the rows, if more), and a full
 * rewrite once the incremental generations outweigh twice the last full copy. */
#define PERSIST_MIN_CHANGES 1000
#define STORE_PART_BYTES (4u << 20)
/* Repair (unlinking deleted nodes) once they are a fifth of the live ones. */
#define REPAIR_MIN_DELETED 256

typedef struct hnsw_registry hnsw_registry;

struct hnsw_entry {
    hnsw_registry *reg;
    pg_oid oid, relid;
    int attnum;
    vector_metric metric;
    int dim, m, efc;
    char *table_q;                 /* quoted engine table name */
    char *column_q;                /* quoted column name */
    uint64_t names_version;        /* schema version the names were read at */
    vector_index *idx;             /* NULL once retired */
    pthread_rwlock_t rw;
    _Atomic int64_t applied_seq;
    int64_t persisted_seq;         /* what _pgwire_hnsw.persisted_seq says */
    bool need_full_save;           /* no persisted copy to extend */
    int64_t changes_since_persist;
    int64_t store_bytes, full_bytes, next_part;
    int64_t apply_failures, persist_failures;
    bool rebuilt_at_load;
    int refs;                      /* under the registry's map_lock */
};

typedef struct pending_index {
    pg_oid oid, relid;
    int attnum;
    vector_metric metric;
    int dim, m, efc;
    char *table_q, *column_q;
    vector_index *idx;
    int64_t horizon;
    struct pending_index *next;
} pending_index;

struct hnsw_conn {
    bool touched;
    pending_index *created;
    pg_oid *dropped;
    int ndropped, dropped_cap;
    bool holds_maint;
};

struct hnsw_registry {
    engine_db *db;
    pthread_mutex_t map_lock;
    hashmap entries;               /* "oid" → hnsw_entry */
    hashmap metrics;               /* "oid" → metric + 1 of committed indexes (planning) */
    pthread_mutex_t maint_lock;
    engine_conn *maint;            /* opened lazily, used under maint_lock */
};

static void registry_free(void *state);

/* ---------------------------------------------------------------- small helpers */

static void quote_ident(strbuf *b, const char *name)
{
    strbuf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_putc(b, '"');
        strbuf_putc(b, *p);
    }
    strbuf_putc(b, '"');
}

static char *quoted(const char *name)
{
    strbuf b;
    strbuf_init(&b);
    quote_ident(&b, name);
    if (b.failed) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b);
}

static void key_of(pg_oid oid, char key[16])
{
    snprintf(key, 16, "%u", oid);
}

static hnsw_conn *conn_state(engine_conn *c, bool create)
{
    sqlite_conn *sc = c->native;
    if (!sc->hnsw && create)
        sc->hnsw = calloc(1, sizeof *sc->hnsw);
    return sc->hnsw;
}

static hnsw_registry *registry(engine_db *db, bool create)
{
    pthread_mutex_lock(&db->state_lock);
    hnsw_registry *r = db->vector_state;
    if (!r && create) {
        r = calloc(1, sizeof *r);
        if (r) {
            r->db = db;
            pthread_mutex_init(&r->map_lock, NULL);
            pthread_mutex_init(&r->maint_lock, NULL);
            hashmap_init(&r->entries);
            hashmap_init(&r->metrics);
            db->vector_state = r;
            db->vector_state_free = registry_free;
        }
    }
    pthread_mutex_unlock(&db->state_lock);
    return r;
}

/* A statement on `c` with int64 parameters; the caller steps and releases it. */
static bool prepare_ints(engine_conn *c, const char *sql, engine_stmt **st, pg_error *err, int n, ...)
{
    if (!engine_prepare(c, sql, st, err))
        return false;
    va_list ap;
    va_start(ap, n);
    bool ok = true;
    for (int i = 0; i < n && ok; i++) {
        sql_value v = value_int(va_arg(ap, int64_t));
        ok = engine_bind(*st, i + 1, &v, err);
    }
    va_end(ap);
    if (!ok) {
        engine_stmt_release(*st);
        *st = NULL;
    }
    return ok;
}

/* Run a statement with int64 parameters to completion. */
static bool exec_ints(engine_conn *c, const char *sql, pg_error *err, int n, int64_t a, int64_t b, int64_t d)
{
    engine_stmt *st;
    if (!prepare_ints(c, sql, &st, err, n, a, b, d))
        return false;
    engine_step_result r;
    while ((r = engine_step(st, err)) == ENGINE_ROW)
        ;
    engine_stmt_release(st);
    return r == ENGINE_DONE;
}

/* The first column of the first row as an int64 (*found false if no row or NULL). */
static bool query_int(engine_conn *c, const char *sql, int64_t *out, bool *found, pg_error *err, int n, int64_t a,
                      int64_t b)
{
    engine_stmt *st;
    *found = false;
    *out = 0;
    if (!prepare_ints(c, sql, &st, err, n, a, b))
        return false;
    engine_step_result r = engine_step(st, err);
    if (r == ENGINE_ROW) {
        sql_value v;
        engine_column_value(st, 0, &v);
        if (v.kind == VALUE_INT) {
            *out = v.i;
            *found = true;
        }
        while ((r = engine_step(st, err)) == ENGINE_ROW)
            ;
    }
    engine_stmt_release(st);
    return r == ENGINE_DONE;
}

/* Whether our metadata tables exist in this database (as the connection sees it). */
static bool meta_exists(engine_conn *c, pg_error *err, bool *exists)
{
    int64_t v;
    return query_int(c, "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = '" HNSW_META "'", &v,
                     exists, err, 0, 0, 0);
}

bool hnsw_log_horizon(engine_conn *c, int64_t *out, pg_error *err)
{
    bool found;
    return query_int(c, "SELECT seq FROM main.sqlite_sequence WHERE name = '" HNSW_LOG "'", out, &found, err, 0, 0,
                     0);
}

/* ---------------------------------------------------------------- index descriptions */

typedef struct index_desc {
    pg_oid oid, relid;
    int attnum;
    vector_metric metric;
    int dim, m, efc;
    int64_t persisted_seq, store_bytes, full_bytes;
    char *table_q, *column_q;
} index_desc;

static void desc_free(index_desc *d)
{
    free(d->table_q);
    free(d->column_q);
    d->table_q = d->column_q = NULL;
}

/* The text of the first column of the first row, copied. */
static bool query_text(engine_conn *c, const char *sql, int64_t a, int64_t b, int n, char **out, pg_error *err)
{
    engine_stmt *st;
    *out = NULL;
    if (!prepare_ints(c, sql, &st, err, n, a, b))
        return false;
    engine_step_result r = engine_step(st, err);
    if (r == ENGINE_ROW) {
        sql_value v;
        engine_column_value(st, 0, &v);
        if (v.kind == VALUE_TEXT && !(*out = xstrndup(v.ptr, v.len)))
            pg_error_oom(err);
        while (!pg_error_is_set(err) && (r = engine_step(st, err)) == ENGINE_ROW)
            ;
    }
    engine_stmt_release(st);
    return !pg_error_is_set(err) && r == ENGINE_DONE;
}

/* The table's and column's current engine names, quoted. */
static bool read_names(engine_conn *c, pg_oid relid, int attnum, char **table_q, char **column_q, pg_error *err)
{
    char *table = NULL, *column = NULL;
    bool ok = query_text(c, "SELECT engine_name FROM main._pgwire_class WHERE oid = ?", relid, 0, 1, &table, err) &&
              query_text(c, "SELECT attname FROM main._pgwire_attribute WHERE attrelid = ? AND attnum = ?", relid,
                         attnum, 2, &column, err);
    if (ok && (!table || !column)) {
        pg_error_set(err, "XX000", "table or column of vector index on relation %u is missing", relid);
        ok = false;
    }
    if (ok) {
        *table_q = quoted(table);
        *column_q = quoted(column);
        if (!*table_q || !*column_q) {
            free(*table_q);
            free(*column_q);
            *table_q = *column_q = NULL;
            pg_error_oom(err);
            ok = false;
        }
    }
    free(table);
    free(column);
    return ok;
}

/* The _pgwire_hnsw row of `oid` as connection c sees it; *found false if there is none. */
static bool read_desc(engine_conn *c, pg_oid oid, index_desc *d, bool *found, pg_error *err)
{
    memset(d, 0, sizeof *d);
    *found = false;
    bool exists;
    if (!meta_exists(c, err, &exists))
        return false;
    if (!exists)
        return true;
    engine_stmt *st;
    if (!prepare_ints(c,
                      "SELECT relid, attnum, metric, dims, m, ef_construction, persisted_seq, store_bytes, "
                      "full_bytes FROM main." HNSW_META " WHERE indexrelid = ?",
                      &st, err, 1, (int64_t)oid))
        return false;
    engine_step_result r = engine_step(st, err);
    if (r == ENGINE_ROW) {
        int64_t v[9];
        for (int i = 0; i < 9; i++) {
            sql_value x;
            engine_column_value(st, i, &x);
            v[i] = x.kind == VALUE_INT ? x.i : 0;
        }
        d->oid = oid;
        d->relid = (pg_oid)v[0];
        d->attnum = (int)v[1];
        d->metric = (vector_metric)v[2];
        d->dim = (int)v[3];
        d->m = (int)v[4];
        d->efc = (int)v[5];
        d->persisted_seq = v[6];
        d->store_bytes = v[7];
        d->full_bytes = v[8];
        *found = true;
        while ((r = engine_step(st, err)) == ENGINE_ROW)
            ;
    }
    engine_stmt_release(st);
    if (r != ENGINE_DONE)
        return false;
    if (*found && !read_names(c, d->relid, d->attnum, &d->table_q, &d->column_q, err)) {
        *found = false;
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- reading rows */

/* Rows read from the table, to bring an index in line with it. */
typedef struct row_batch {
    int64_t *touched;              /* every row to re-check */
    size_t ntouched;
    int64_t *rowids;               /* rows present with a vector */
    float *vectors;                /* npresent × dim */
    size_t npresent;
} row_batch;

static void batch_free(row_batch *b)
{
    free(b->touched);
    free(b->rowids);
    free(b->vectors);
    memset(b, 0, sizeof *b);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Sort and deduplicate `rows`, then read each one's vector through connection c. */
static bool batch_read(engine_conn *c, const char *table_q, const char *column_q, int dim, int64_t *rows, size_t n,
                       row_batch *b, pg_error *err)
{
    memset(b, 0, sizeof *b);
    qsort(rows, n, sizeof *rows, cmp_i64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || rows[k - 1] != rows[i])
            rows[k++] = rows[i];
    b->touched = rows;
    b->ntouched = k;
    if (k == 0)
        return true;
    b->rowids = malloc(k * sizeof *b->rowids);
    b->vectors = malloc(k * (size_t)dim * sizeof *b->vectors);
    if (!b->rowids || !b->vectors) {
        pg_error_oom(err);
        return false;
    }
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT %s FROM main.%s WHERE rowid = ?", column_q, table_q);
    if (sql.failed) {
        strbuf_free(&sql);
        pg_error_oom(err);
        return false;
    }
    engine_stmt *st;
    bool ok = engine_prepare(c, sql.data, &st, err);
    strbuf_free(&sql);
    for (size_t i = 0; ok && i < k; i++) {
        sql_value id = value_int(b->touched[i]);
        engine_stmt_reset(st);
        if (!engine_bind(st, 1, &id, err)) {
            ok = false;
            break;
        }
        engine_step_result r = engine_step(st, err);
        if (r == ENGINE_ERROR) {
            ok = false;
            break;
        }
        if (r == ENGINE_ROW) {
            sql_value v;
            engine_column_value(st, 0, &v);
            if (v.kind == VALUE_BLOB && v.len == (size_t)dim * 4) {
                memcpy(b->vectors + b->npresent * (size_t)dim, v.ptr, v.len);
                b->rowids[b->npresent++] = b->touched[i];
            }
        }
    }
    if (st)
        engine_stmt_release(st);
    return ok;
}

/* Make `idx` say what the batch read: touched rows leave, present rows (re)enter.  A failure
 * halfway leaves rows that a repeat of the same batch puts right. */
static bool batch_apply(vector_index *idx, size_t dim, const row_batch *b, pg_error *err)
{
    for (size_t i = 0; i < b->ntouched; i++)
        if (vector_index_contains(idx, b->touched[i]))
            (void)vector_index_delete(idx, b->touched[i]);
    if (b->npresent >= PARALLEL_BATCH)
        return vector_index_build_parallel(idx, b->npresent, b->rowids, b->vectors, 0, err);
    for (size_t i = 0; i < b->npresent; i++)
        if (!vector_index_insert(idx, b->rowids[i], b->vectors + i * dim, err))
            return false;
    return true;
}

/* Every row of the table with a vector (a build or a rebuild). */
static bool read_all(engine_conn *c, const char *table_q, const char *column_q, int dim, row_batch *b, pg_error *err)
{
    memset(b, 0, sizeof *b);
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT rowid, %s FROM main.%s WHERE %s IS NOT NULL", column_q, table_q, column_q);
    engine_stmt *st;
    bool ok = !sql.failed && engine_prepare(c, sql.data, &st, err);
    if (sql.failed)
        pg_error_oom(err);
    strbuf_free(&sql);
    if (!ok)
        return false;
    size_t cap = 0;
    engine_step_result r;
    while ((r = engine_step(st, err)) == ENGINE_ROW) {
        sql_value id, v;
        engine_column_value(st, 0, &id);
        engine_column_value(st, 1, &v);
        if (v.kind != VALUE_BLOB)
            continue;
        if (v.len != (size_t)dim * 4) {
            pg_error_set(err, "22000", "expected %d dimensions, not %zu", dim, v.len / 4);
            ok = false;
            break;
        }
        if (b->npresent == cap) {
            cap = cap ? cap * 2 : 1024;
            int64_t *ids = realloc(b->rowids, cap * sizeof *ids);
            if (ids)
                b->rowids = ids;
            float *vs = ids ? realloc(b->vectors, cap * (size_t)dim * sizeof *vs) : NULL;
            if (!ids || !vs) {
                pg_error_oom(err);
                ok = false;
                break;
            }
            b->vectors = vs;
        }
        memcpy(b->vectors + b->npresent * (size_t)dim, v.ptr, v.len);
        b->rowids[b->npresent++] = id.i;
    }
    engine_stmt_release(st);
    if (r == ENGINE_ERROR)
        ok = false;
    if (!ok)
        batch_free(b);
    return ok;
}

/* A new index over every row of the table, built on all cores. */
static vector_index *build_from_table(engine_conn *c, const index_desc *d, pg_error *err)
{
    row_batch b;
    if (!read_all(c, d->table_q, d->column_q, d->dim, &b, err))
        return NULL;
    vector_index *idx = vector_index_create(d->metric, (size_t)d->dim, (size_t)d->m, (size_t)d->efc,
                                            (uint64_t)d->oid * 0x9E3779B97F4A7C15ull, err);
    if (idx && b.npresent && !vector_index_build_parallel(idx, b.npresent, b.rowids, b.vectors, 0, err)) {
        vector_index_free(idx);
        idx = NULL;
    }
    batch_free(&b);
    return idx;
}

/* ---------------------------------------------------------------- the change log */

typedef struct log_rows {
    int64_t *rows;
    size_t n, cap;
} log_rows;

static bool log_push(log_rows *l, int64_t row)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        int64_t *grown = realloc(l->rows, cap * sizeof *grown);
        if (!grown)
            return false;
        l->rows = grown;
        l->cap = cap;
    }
    l->rows[l->n++] = row;
    return true;
}

/* Rows of (relid, attnum) logged with from < seq <= to. */
static bool log_read(engine_conn *c, pg_oid relid, int attnum, int64_t from, int64_t to, log_rows *out, pg_error *err)
{
    engine_stmt *st;
    if (!prepare_ints(c,
                      "SELECT rid FROM main." HNSW_LOG " WHERE seq > ? AND seq <= ? AND relid = ? AND attnum = ?",
                      &st, err, 4, from, to, (int64_t)relid, (int64_t)attnum))
        return false;
    engine_step_result r;
    bool ok = true;
    while (ok && (r = engine_step(st, err)) == ENGINE_ROW) {
        sql_value v;
        engine_column_value(st, 0, &v);
        if (!log_push(out, v.i)) {
            pg_error_oom(err);
            ok = false;
        }
    }
    engine_stmt_release(st);
    return ok && r == ENGINE_DONE;
}

/* ---------------------------------------------------------------- entries */

static hnsw_entry *entry_new(hnsw_registry *r, const index_desc *d, vector_index *idx, int64_t applied)
{
    hnsw_entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->reg = r;
    e->oid = d->oid;
    e->relid = d->relid;
    e->attnum = d->attnum;
    e->metric = d->metric;
    e->dim = d->dim;
    e->m = d->m;
    e->efc = d->efc;
    e->table_q = d->table_q;
    e->column_q = d->column_q;
    e->idx = idx;
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    /* Writers (appliers) must not starve behind a stream of searches. */
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&e->rw, &attr);
    pthread_rwlockattr_destroy(&attr);
    atomic_init(&e->applied_seq, applied);
    e->persisted_seq = d->persisted_seq;
    e->store_bytes = d->store_bytes;
    e->full_bytes = d->full_bytes;
    e->refs = 1;   /* the map's */
    return e;
}

static void entry_destroy(hnsw_entry *e)
{
    vector_index_free(e->idx);
    pthread_rwlock_destroy(&e->rw);
    free(e->table_q);
    free(e->column_q);
    free(e);
}

static void entry_unref(hnsw_registry *r, hnsw_entry *e)
{
    pthread_mutex_lock(&r->map_lock);
    bool last = --e->refs == 0;
    pthread_mutex_unlock(&r->map_lock);
    if (last)
        entry_destroy(e);
}

/* Take an entry out of service: out of the map, its index freed once no search uses it. */
static void entry_retire(hnsw_registry *r, hnsw_entry *e)
{
    pthread_rwlock_wrlock(&e->rw);
    vector_index_free(e->idx);
    e->idx = NULL;
    pthread_rwlock_unlock(&e->rw);
    entry_unref(r, e);
}

/* Insert `e` under its OID, retiring what was there. */
static bool registry_put(hnsw_registry *r, hnsw_entry *e)
{
    char key[16];
    key_of(e->oid, key);
    pthread_mutex_lock(&r->map_lock);
    hnsw_entry *old = hashmap_get(&r->entries, key);
    bool ok = hashmap_put(&r->entries, key, e);
    pthread_mutex_unlock(&r->map_lock);
    if (ok && old)
        entry_retire(r, old);
    return ok;
}

static void registry_remove(hnsw_registry *r, pg_oid oid)
{
    char key[16];
    key_of(oid, key);
    pthread_mutex_lock(&r->map_lock);
    hnsw_entry *old = hashmap_remove(&r->entries, key);
    pthread_mutex_unlock(&r->map_lock);
    if (old)
        entry_retire(r, old);
}

static hnsw_entry *registry_get(hnsw_registry *r, pg_oid oid)
{
    char key[16];
    key_of(oid, key);
    pthread_mutex_lock(&r->map_lock);
    hnsw_entry *e = hashmap_get(&r->entries, key);
    if (e)
        e->refs++;
    pthread_mutex_unlock(&r->map_lock);
    return e;
}

/* A referenced snapshot of every entry (the caller unrefs each and frees the array). */
static hnsw_entry **registry_all(hnsw_registry *r, size_t *n)
{
    pthread_mutex_lock(&r->map_lock);
    hnsw_entry **all = calloc(r->entries.count + 1, sizeof *all);
    *n = 0;
    size_t cur = 0;
    void *v;
    while (all && hashmap_next(&r->entries, &cur, NULL, &v)) {
        hnsw_entry *e = v;
        e->refs++;
        all[(*n)++] = e;
    }
    pthread_mutex_unlock(&r->map_lock);
    return all;
}

/* ---------------------------------------------------------------- the maintenance connection */

static engine_conn *maint_conn(hnsw_registry *r, pg_error *err)
{
    if (r->maint)
        return r->maint;
    if (!engine_conn_open(r->db, &r->maint, err))
        return NULL;
    /* Persisting must never wait long for the write lock of a busy writer. */
    r->maint->idle_ctx.lock_timeout_us = 100000;
    return r->maint;
}

/* Refresh an entry's table and column names after DDL (renames). */
static bool entry_names(engine_conn *c, hnsw_entry *e, pg_error *err)
{
    uint64_t version = engine_db_schema_version(engine_conn_db(c));
    if (e->table_q && e->names_version == version)
        return true;
    char *t, *col;
    if (!read_names(c, e->relid, e->attnum, &t, &col, err))
        return false;
    free(e->table_q);
    free(e->column_q);
    e->table_q = t;
    e->column_q = col;
    e->names_version = version;
    return true;
}

/* ---------------------------------------------------------------- the persisted copy */

typedef struct store_writer {
    engine_conn *c;
    pg_oid oid;
    int64_t part;
    strbuf buf;
    int64_t total;
} store_writer;

static bool store_flush(store_writer *w, pg_error *err)
{
    if (!w->buf.len)
        return true;
    engine_stmt *st;
    if (!engine_prepare(w->c, "INSERT INTO main." HNSW_STORE " (indexrelid, part, bytes) VALUES (?, ?, ?)", &st, err))
        return false;
    sql_value a = value_int(w->oid), b = value_int(w->part), blob = value_blob(w->buf.data, w->buf.len);
    bool ok = engine_bind(st, 1, &a, err) && engine_bind(st, 2, &b, err) && engine_bind(st, 3, &blob, err) &&
              engine_step(st, err) == ENGINE_DONE;
    engine_stmt_release(st);
    w->total += (int64_t)w->buf.len;
    w->part++;
    strbuf_reset(&w->buf);
    return ok;
}

static bool store_write(void *arg, const void *bytes, size_t n, pg_error *err)
{
    store_writer *w = arg;
    strbuf_append(&w->buf, bytes, n);
    if (w->buf.failed) {
        pg_error_oom(err);
        return false;
    }
    return w->buf.len < STORE_PART_BYTES || store_flush(w, err);
}

typedef struct store_reader {
    engine_stmt *st;
    const uint8_t *cur;
    size_t len, pos;
    bool done;
} store_reader;

static bool store_read(void *arg, void *buf, size_t n, size_t *got, pg_error *err)
{
    store_reader *rd = arg;
    *got = 0;
    while (n > 0) {
        if (rd->pos == rd->len) {
            if (rd->done)
                return true;
            engine_step_result r = engine_step(rd->st, err);
            if (r == ENGINE_ERROR)
                return false;
            if (r == ENGINE_DONE) {
                rd->done = true;
                return true;
            }
            sql_value v;
            engine_column_value(rd->st, 0, &v);
            rd->cur = (const uint8_t *)v.ptr;
            rd->len = v.kind == VALUE_BLOB ? v.len : 0;
            rd->pos = 0;
            continue;
        }
        size_t take = rd->len - rd->pos < n ? rd->len - rd->pos : n;
        memcpy((uint8_t *)buf + *got, rd->cur + rd->pos, take);
        rd->pos += take;
        *got += take;
        n -= take;
    }
    return true;
}

static vector_index *store_load(engine_conn *c, pg_oid oid, int64_t *next_part, pg_error *err)
{
    bool found;
    if (!query_int(c, "SELECT max(part) FROM main." HNSW_STORE " WHERE indexrelid = ?", next_part, &found, err, 1,
                   oid, 0))
        return NULL;
    if (!found)
        return NULL;
    (*next_part)++;
    store_reader rd = {0};
    if (!prepare_ints(c, "SELECT bytes FROM main." HNSW_STORE " WHERE indexrelid = ? ORDER BY part", &rd.st, err, 1,
                      (int64_t)oid))
        return NULL;
    vector_index *idx = vector_index_load(store_read, &rd, err);
    engine_stmt_release(rd.st);
    return idx;
}

/*
 * Persist an entry (maintenance mutex held): a full copy or the slots changed since the last
 * one, the new persisted_seq and the log trim, in one transaction of the maintenance
 * connection.  Gives up quietly (false, no error kept) when the write lock is busy.
 */
static bool entry_persist(hnsw_registry *r, hnsw_entry *e, bool force_full, pg_error *err)
{
    engine_conn *c = maint_conn(r, err);
    if (!c)
        return false;
    pthread_rwlock_rdlock(&e->rw);
    bool alive = e->idx != NULL;
    pthread_rwlock_unlock(&e->rw);
    if (!alive)
        return true;
    bool full = force_full || e->need_full_save || e->full_bytes == 0 || e->store_bytes > 2 * e->full_bytes;
    if (!engine_begin(c, TXN_WRITE, err))
        return false;
    store_writer w = {.c = c, .oid = e->oid, .part = full ? 0 : e->next_part};
    strbuf_init(&w.buf);
    int64_t applied = atomic_load(&e->applied_seq);
    bool ok = !full || exec_ints(c, "DELETE FROM main." HNSW_STORE " WHERE indexrelid = ?", err, 1, e->oid, 0, 0);
    if (ok) {
        pthread_rwlock_rdlock(&e->rw);
        ok = e->idx && vector_index_save(e->idx, !full, store_write, &w, err) && store_flush(&w, err);
        pthread_rwlock_unlock(&e->rw);
    }
    int64_t store_bytes = full ? w.total : e->store_bytes + w.total;
    int64_t full_bytes = full ? w.total : e->full_bytes;
    if (ok) {
        engine_stmt *st;
        ok = prepare_ints(c,
                          "UPDATE main." HNSW_META " SET persisted_seq = ?, store_bytes = ?, full_bytes = ? "
                          "WHERE indexrelid = ?",
                          &st, err, 4, applied, store_bytes, full_bytes, (int64_t)e->oid);
        if (ok) {
            ok = engine_step(st, err) == ENGINE_DONE;
            engine_stmt_release(st);
        }
    }
    ok = ok && exec_ints(c,
                         "DELETE FROM main." HNSW_LOG " WHERE relid = ? AND attnum = ? AND seq <= (SELECT "
                         "min(persisted_seq) FROM main." HNSW_META " WHERE relid = ? AND attnum = ?)",
                         err, 3, e->relid, e->attnum, e->relid);
    strbuf_free(&w.buf);
    if (ok)
        ok = engine_commit(c, err);
    if (!ok) {
        pg_error ignore = {0};
        if (!engine_rollback(c, &ignore))
            pg_error_clear(&ignore);
        e->persist_failures++;
        return false;
    }
    pthread_rwlock_wrlock(&e->rw);
    if (e->idx)
        vector_index_mark_clean(e->idx);
    pthread_rwlock_unlock(&e->rw);
    e->persisted_seq = applied;
    e->store_bytes = store_bytes;
    e->full_bytes = full_bytes;
    e->next_part = w.part;
    e->need_full_save = false;
    e->changes_since_persist = 0;
    return true;
}

static bool persist_due(hnsw_entry *e)
{
    if (!e->idx)
        return false;
    if (e->need_full_save || e->full_bytes == 0)
        return true;
    vector_index_stats st;
    vector_index_get_stats(e->idx, &st);
    int64_t threshold = (int64_t)(st.live / 64);
    if (threshold < PERSIST_MIN_CHANGES)
        threshold = PERSIST_MIN_CHANGES;
    return e->changes_since_persist >= threshold;
}

/* ---------------------------------------------------------------- applying the log */

/* Repair once deleted nodes are many (maintenance mutex held). */
static void entry_maybe_repair(hnsw_entry *e)
{
    vector_index_stats st;
    pthread_rwlock_rdlock(&e->rw);
    bool due = false;
    if (e->idx) {
        vector_index_get_stats(e->idx, &st);
        due = st.deleted >= REPAIR_MIN_DELETED && st.deleted * 5 >= st.live;
    }
    pthread_rwlock_unlock(&e->rw);
    if (!due)
        return;
    pg_error err = {0};
    pthread_rwlock_wrlock(&e->rw);
    if (e->idx && !vector_index_repair(e->idx, &err))
        pg_error_clear(&err);
    pthread_rwlock_unlock(&e->rw);
}

/*
 * Apply the committed log to every loaded index (maintenance mutex held), in one read
 * transaction of the maintenance connection so that log and rows agree.
 */
static bool apply_all(hnsw_registry *r, pg_error *err)
{
    size_t n;
    hnsw_entry **all = registry_all(r, &n);
    if (!all) {
        pg_error_oom(err);
        return false;
    }
    if (n == 0) {
        free(all);
        return true;
    }
    engine_conn *c = maint_conn(r, err);
    bool ok = c && engine_begin(c, TXN_READ, err);
    int64_t horizon = 0;
    ok = ok && hnsw_log_horizon(c, &horizon, err);
    for (size_t i = 0; ok && i < n; i++) {
        hnsw_entry *e = all[i];
        int64_t applied = atomic_load(&e->applied_seq);
        if (applied >= horizon || !e->idx)
            continue;
        log_rows rows = {0};
        row_batch b = {0};
        bool this_ok = entry_names(c, e, err) && log_read(c, e->relid, e->attnum, applied, horizon, &rows, err);
        if (this_ok && rows.n == 0) {
            atomic_store(&e->applied_seq, horizon);
            free(rows.rows);
            continue;
        }
        this_ok = this_ok && batch_read(c, e->table_q, e->column_q, e->dim, rows.rows, rows.n, &b, err);
        if (!b.touched)
            free(rows.rows);
        if (this_ok) {
            pthread_rwlock_wrlock(&e->rw);
            this_ok = !e->idx || batch_apply(e->idx, (size_t)e->dim, &b, err);
            if (this_ok)
                atomic_store(&e->applied_seq, horizon);
            pthread_rwlock_unlock(&e->rw);
            e->changes_since_persist += (int64_t)b.ntouched;
        }
        batch_free(&b);
        if (!this_ok) {
            /* The index stays behind: searches merge the log, a later apply retries. */
            e->apply_failures++;
            pg_error_clear(err);
        }
    }
    if (c && engine_in_transaction(c)) {
        pg_error ignore = {0};
        if (!engine_commit(c, &ignore))
            pg_error_clear(&ignore);
    }
    for (size_t i = 0; ok && i < n; i++) {
        entry_maybe_repair(all[i]);
        if (persist_due(all[i])) {
            pg_error perr = {0};
            if (!entry_persist(r, all[i], false, &perr))
                pg_error_clear(&perr);
        }
    }
    for (size_t i = 0; i < n; i++)
        entry_unref(r, all[i]);
    free(all);
    return ok;
}

/* ---------------------------------------------------------------- loading */

/* Rows of the table with a vector, counted as the index counts them. */
static bool count_rows(engine_conn *c, const hnsw_entry *e, int64_t *out, pg_error *err)
{
    strbuf sql;
    strbuf_init(&sql);
    if (e->metric == VECTOR_METRIC_COSINE)
        strbuf_printf(&sql, "SELECT count(*) FROM main.%s WHERE %s IS NOT NULL AND pgw_vector_norm(%s) > 0",
                      e->table_q, e->column_q, e->column_q);
    else
        strbuf_printf(&sql, "SELECT count(*) FROM main.%s WHERE %s IS NOT NULL", e->table_q, e->column_q);
    bool found;
    bool ok = !sql.failed && query_int(c, sql.data, out, &found, err, 0, 0, 0);
    if (sql.failed)
        pg_error_oom(err);
    strbuf_free(&sql);
    return ok;
}

/*
 * Load index `oid` into the registry (maintenance mutex held): the persisted copy plus the
 * log after it, or a rebuild.  *out NULL without error when there is no such index.
 */
static bool load_entry(hnsw_registry *r, pg_oid oid, hnsw_entry **out, pg_error *err)
{
    *out = NULL;
    engine_conn *c = maint_conn(r, err);
    if (!c || !engine_begin(c, TXN_READ, err))
        return false;
    index_desc d;
    bool found = false, ok = read_desc(c, oid, &d, &found, err);
    hnsw_entry *e = NULL;
    int64_t horizon = 0;
    if (ok && found)
        ok = hnsw_log_horizon(c, &horizon, err);
    if (ok && found) {
        vector_index *idx = NULL;
        int64_t next_part = 0;
        if (d.full_bytes > 0) {
            pg_error load_err = {0};
            idx = store_load(c, oid, &next_part, &load_err);
            vector_index_stats st;
            if (idx) {
                vector_index_get_stats(idx, &st);
                if ((int)st.metric != (int)d.metric || (int)st.dim != d.dim || (int)st.m != d.m ||
                    (int)st.ef_construction != d.efc) {
                    vector_index_free(idx);
                    idx = NULL;
                }
            }
            pg_error_clear(&load_err);
        }
        bool rebuilt = false;
        if (idx) {
            /* The log after the persisted copy. */
            log_rows rows = {0};
            row_batch b = {0};
            ok = log_read(c, d.relid, d.attnum, d.persisted_seq, horizon, &rows, err) &&
                 batch_read(c, d.table_q, d.column_q, d.dim, rows.rows, rows.n, &b, err) &&
                 batch_apply(idx, (size_t)d.dim, &b, err);
            if (!b.touched)
                free(rows.rows);
            batch_free(&b);
            if (!ok) {
                vector_index_free(idx);
                idx = NULL;
                pg_error_clear(err);
                ok = true;
            }
        }
        e = entry_new(r, &d, idx, horizon);
        if (!e) {
            vector_index_free(idx);
            desc_free(&d);
            pg_error_oom(err);
            ok = false;
        } else {
            e->names_version = engine_db_schema_version(r->db);
            e->next_part = next_part;
            if (e->idx) {
                /* A copy that does not count the table's rows is not trusted. */
                int64_t rows = 0;
                ok = count_rows(c, e, &rows, err);
                vector_index_stats st;
                vector_index_get_stats(e->idx, &st);
                if (ok && (size_t)rows != st.live) {
                    vector_index_free(e->idx);
                    e->idx = NULL;
                }
            }
            if (ok && !e->idx) {
                index_desc bd = d;
                bd.table_q = e->table_q;
                bd.column_q = e->column_q;
                e->idx = build_from_table(c, &bd, err);
                ok = e->idx != NULL;
                rebuilt = true;
            }
            e->rebuilt_at_load = rebuilt;
            e->need_full_save = rebuilt;
            if (!ok) {
                entry_destroy(e);
                e = NULL;
            }
        }
    } else if (found) {
        desc_free(&d);
    }
    pg_error ignore = {0};
    if (!engine_commit(c, &ignore))
        pg_error_clear(&ignore);
    if (!ok)
        return false;
    if (e) {
        if (!registry_put(r, e)) {
            entry_destroy(e);
            pg_error_oom(err);
            return false;
        }
        if (e->need_full_save) {
            pg_error perr = {0};
            if (!entry_persist(r, e, true, &perr))
                pg_error_clear(&perr);
        }
        pthread_mutex_lock(&r->map_lock);
        e->refs++;
        pthread_mutex_unlock(&r->map_lock);
    }
    *out = e;
    return true;
}

/* ---------------------------------------------------------------- use by searches */

static pending_index *find_pending(hnsw_conn *hc, pg_oid oid)
{
    for (pending_index *p = hc ? hc->created : NULL; p; p = p->next)
        if (p->oid == oid)
            return p;
    return NULL;
}

bool hnsw_use(engine_conn *c, pg_oid oid, hnsw_view *out, pg_error *err)
{
    memset(out, 0, sizeof *out);
    hnsw_conn *hc = conn_state(c, false);
    pending_index *p = find_pending(hc, oid);
    if (p) {
        out->idx = p->idx;
        out->applied_seq = p->horizon;
        out->relid = p->relid;
        out->attnum = p->attnum;
        out->metric = p->metric;
        out->dim = p->dim;
        return true;
    }
    for (int i = 0; hc && i < hc->ndropped; i++)
        if (hc->dropped[i] == oid)
            return true;
    hnsw_registry *r = registry(engine_conn_db(c), true);
    if (!r) {
        pg_error_oom(err);
        return false;
    }
    hnsw_entry *e = registry_get(r, oid);
    if (!e) {
        pthread_mutex_lock(&r->maint_lock);
        e = registry_get(r, oid);
        bool ok = e || load_entry(r, oid, &e, err);
        pthread_mutex_unlock(&r->maint_lock);
        if (!ok)
            return false;
        if (!e)
            return true;
    }
    pthread_rwlock_rdlock(&e->rw);
    if (!e->idx) {
        pthread_rwlock_unlock(&e->rw);
        entry_unref(r, e);
        return true;
    }
    out->entry = e;
    out->idx = e->idx;
    out->applied_seq = atomic_load(&e->applied_seq);
    out->relid = e->relid;
    out->attnum = e->attnum;
    out->metric = e->metric;
    out->dim = e->dim;
    return true;
}

void hnsw_unuse(hnsw_view *v)
{
    hnsw_entry *e = v->entry;
    if (e) {
        pthread_rwlock_unlock(&e->rw);
        entry_unref(e->reg, e);
    }
    v->entry = NULL;
    v->idx = NULL;
}

/* ---------------------------------------------------------------- planning */

int sqlite_hnsw_metric(engine_db *db, engine_conn *c, pg_oid oid)
{
    hnsw_conn *hc = c ? conn_state(c, false) : NULL;
    pending_index *p = find_pending(hc, oid);
    if (p)
        return (int)p->metric;
    pg_error err = {0};
    if (c && engine_in_transaction(c)) {
        /* The transaction may have created it: ask through its own connection. */
        bool exists = false;
        int64_t v = -1;
        bool found = false;
        if (meta_exists(c, &err, &exists) && exists &&
            query_int(c, "SELECT metric FROM main." HNSW_META " WHERE indexrelid = ?", &v, &found, &err, 1, oid, 0) &&
            found)
            return (int)v;
        pg_error_clear(&err);
        return -1;
    }
    hnsw_registry *r = registry(db, true);
    if (!r)
        return -1;
    char key[16];
    key_of(oid, key);
    pthread_mutex_lock(&r->map_lock);
    intptr_t cached = (intptr_t)hashmap_get(&r->metrics, key);
    pthread_mutex_unlock(&r->map_lock);
    if (cached)
        return (int)cached - 1;
    int metric = -1;
    pthread_mutex_lock(&r->maint_lock);
    engine_conn *m = maint_conn(r, &err);
    bool exists = false, found = false;
    int64_t v = -1;
    if (m && meta_exists(m, &err, &exists) && exists &&
        query_int(m, "SELECT metric FROM main." HNSW_META " WHERE indexrelid = ?", &v, &found, &err, 1, oid, 0) &&
        found)
        metric = (int)v;
    pthread_mutex_unlock(&r->maint_lock);
    pg_error_clear(&err);
    if (metric >= 0) {
        pthread_mutex_lock(&r->map_lock);
        /* Not cached on allocation failure: asked again next time. */
        bool cached_now = hashmap_put(&r->metrics, key, (void *)(intptr_t)(metric + 1));
        (void)cached_now;
        pthread_mutex_unlock(&r->map_lock);
    }
    return metric;
}

/* ---------------------------------------------------------------- transaction hooks */

static void pending_free(pending_index *p)
{
    while (p) {
        pending_index *next = p->next;
        vector_index_free(p->idx);
        free(p->table_q);
        free(p->column_q);
        free(p);
        p = next;
    }
}

static void conn_clear(hnsw_conn *hc)
{
    pending_free(hc->created);
    hc->created = NULL;
    hc->ndropped = 0;
    hc->touched = false;
}

void sqlite_hnsw_before_commit(engine_conn *c)
{
    hnsw_conn *hc = conn_state(c, false);
    if (!hc || (!hc->created && !hc->ndropped))
        return;
    /* A build rolled back to a savepoint has no metadata row any more: drop it now. */
    pending_index **pp = &hc->created;
    while (*pp) {
        pending_index *p = *pp;
        int64_t v;
        bool found = false;
        pg_error err = {0};
        if (!query_int(c, "SELECT 1 FROM main." HNSW_META " WHERE indexrelid = ?", &v, &found, &err, 1, p->oid, 0))
            pg_error_clear(&err);
        if (!found) {
            *pp = p->next;
            p->next = NULL;
            pending_free(p);
        } else {
            pp = &p->next;
        }
    }
    hnsw_registry *r = registry(engine_conn_db(c), true);
    if (r) {
        /* Held across COMMIT, so no writer after us applies or loads before we publish. */
        pthread_mutex_lock(&r->maint_lock);
        hc->holds_maint = true;
    }
}

static void publish(hnsw_registry *r, hnsw_conn *hc)
{
    for (int i = 0; i < hc->ndropped; i++)
        registry_remove(r, hc->dropped[i]);
    hc->ndropped = 0;
    pending_index *p = hc->created;
    hc->created = NULL;
    while (p) {
        pending_index *next = p->next;
        index_desc d = {.oid = p->oid, .relid = p->relid, .attnum = p->attnum, .metric = p->metric, .dim = p->dim,
                        .m = p->m, .efc = p->efc, .table_q = p->table_q, .column_q = p->column_q};
        hnsw_entry *e = entry_new(r, &d, p->idx, p->horizon);
        if (e) {
            e->names_version = engine_db_schema_version(r->db);
            e->need_full_save = true;
            if (!registry_put(r, e))
                entry_destroy(e);
        } else {
            vector_index_free(p->idx);
            free(p->table_q);
            free(p->column_q);
        }
        free(p);
        p = next;
    }
}

void sqlite_hnsw_after_commit(engine_conn *c, bool committed)
{
    hnsw_conn *hc = conn_state(c, false);
    if (!hc)
        return;
    hnsw_registry *r = registry(engine_conn_db(c), false);
    if (!committed) {
        /* The transaction is still open; the rollback that follows clears it. */
        if (hc->holds_maint && r)
            pthread_mutex_unlock(&r->maint_lock);
        hc->holds_maint = false;
        return;
    }
    bool work = hc->touched || hc->created || hc->ndropped;
    if (r && work) {
        if (!hc->holds_maint)
            pthread_mutex_lock(&r->maint_lock);
        hc->holds_maint = true;
        publish(r, hc);
        pg_error err = {0};
        if (!apply_all(r, &err))
            pg_error_clear(&err);
    }
    if (hc->holds_maint && r)
        pthread_mutex_unlock(&r->maint_lock);
    hc->holds_maint = false;
    conn_clear(hc);
}

void sqlite_hnsw_after_rollback(engine_conn *c)
{
    hnsw_conn *hc = conn_state(c, false);
    if (!hc)
        return;
    if (hc->holds_maint) {
        hnsw_registry *r = registry(engine_conn_db(c), false);
        if (r)
            pthread_mutex_unlock(&r->maint_lock);
        hc->holds_maint = false;
    }
    conn_clear(hc);
}

void sqlite_hnsw_after_statement(engine_conn *c)
{
    hnsw_conn *hc = conn_state(c, false);
    if (!hc || !hc->touched)
        return;
    sqlite_conn *sc = c->native;
    /* Only when no statement of the connection is still running (an outer one). */
    for (sqlite3_stmt *s = sqlite3_next_stmt(sc->db, NULL); s; s = sqlite3_next_stmt(sc->db, s))
        if (sqlite3_stmt_busy(s))
            return;
    sqlite_hnsw_after_commit(c, true);
}

void sqlite_hnsw_conn_close(engine_conn *c)
{
    sqlite_conn *sc = c->native;
    if (!sc || !sc->hnsw)
        return;
    sqlite_hnsw_after_rollback(c);
    free(sc->hnsw->dropped);
    free(sc->hnsw);
    sc->hnsw = NULL;
}

/* ---------------------------------------------------------------- registry life */

static void registry_free(void *state)
{
    hnsw_registry *r = state;
    if (!r)
        return;
    /* Clean shutdown: persist what changed since the last copy. */
    pthread_mutex_lock(&r->maint_lock);
    size_t n;
    hnsw_entry **all = registry_all(r, &n);
    for (size_t i = 0; all && i < n; i++) {
        hnsw_entry *e = all[i];
        if (e->idx && (e->changes_since_persist > 0 || e->need_full_save || e->full_bytes == 0)) {
            pg_error err = {0};
            if (!entry_persist(r, e, false, &err))
                pg_error_clear(&err);
        }
        entry_unref(r, e);
    }
    free(all);
    size_t cur = 0;
    void *v;
    while (hashmap_next(&r->entries, &cur, NULL, &v))
        entry_destroy(v);
    hashmap_free(&r->entries);
    hashmap_free(&r->metrics);
    if (r->maint)
        engine_conn_close(r->maint);
    pthread_mutex_unlock(&r->maint_lock);
    pthread_mutex_destroy(&r->maint_lock);
    pthread_mutex_destroy(&r->map_lock);
    free(r);
}

/* ---------------------------------------------------------------- SQL functions */

static void fn_touched(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    hnsw_conn *hc = conn_state(sqlite3_user_data(ctx), true);
    if (!hc) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    hc->touched = true;
    sqlite3_result_null(ctx);
}

/* pgw_hnsw_build(oid): build the index over the table as this transaction sees it; it
 * becomes shared when the transaction commits. */
static void fn_build(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    engine_conn *c = sqlite3_user_data(ctx);
    pg_oid oid = (pg_oid)sqlite3_value_int64(argv[0]);
    hnsw_conn *hc = conn_state(c, true);
    if (!hc) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    pg_error err = {0};
    index_desc d;
    bool found = false;
    int64_t horizon = 0;
    if (!read_desc(c, oid, &d, &found, &err) || (found && !hnsw_log_horizon(c, &horizon, &err))) {
        if (found)
            desc_free(&d);
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    if (!found) {
        sqlite_fn_error(ctx, "XX000", "vector index %u has no metadata", oid);
        return;
    }
    vector_index *idx = build_from_table(c, &d, &err);
    pending_index *p = idx ? calloc(1, sizeof *p) : NULL;
    if (!p) {
        vector_index_free(idx);
        desc_free(&d);
        if (!pg_error_is_set(&err))
            pg_error_oom(&err);
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    *p = (pending_index){.oid = oid, .relid = d.relid, .attnum = d.attnum, .metric = d.metric, .dim = d.dim,
                         .m = d.m, .efc = d.efc, .table_q = d.table_q, .column_q = d.column_q, .idx = idx,
                         .horizon = horizon};
    /* A second build in one transaction (a table rewrite) replaces the first. */
    pending_index **pp = &hc->created;
    while (*pp) {
        if ((*pp)->oid == oid) {
            pending_index *old = *pp;
            *pp = old->next;
            old->next = NULL;
            pending_free(old);
            continue;
        }
        pp = &(*pp)->next;
    }
    p->next = hc->created;
    hc->created = p;
    sqlite3_result_int64(ctx, (sqlite3_int64)vector_index_memory(idx));
}

/* pgw_hnsw_forget(oid): the index goes away when the transaction commits. */
static void fn_forget(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    engine_conn *c = sqlite3_user_data(ctx);
    pg_oid oid = (pg_oid)sqlite3_value_int64(argv[0]);
    hnsw_conn *hc = conn_state(c, true);
    if (!hc) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    pending_index **pp = &hc->created;
    while (*pp) {
        if ((*pp)->oid == oid) {
            pending_index *old = *pp;
            *pp = old->next;
            old->next = NULL;
            pending_free(old);
            continue;
        }
        pp = &(*pp)->next;
    }
    if (hc->ndropped == hc->dropped_cap) {
        int cap = hc->dropped_cap ? hc->dropped_cap * 2 : 4;
        pg_oid *grown = realloc(hc->dropped, (size_t)cap * sizeof *grown);
        if (!grown) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        hc->dropped = grown;
        hc->dropped_cap = cap;
    }
    hc->dropped[hc->ndropped++] = oid;
    sqlite3_result_null(ctx);
}

/* The entry of an index, loaded if it exists (for the reporting functions). */
static hnsw_entry *entry_for_report(sqlite3_context *ctx, pg_oid oid, hnsw_registry **rout)
{
    engine_conn *c = sqlite3_user_data(ctx);
    hnsw_registry *r = registry(engine_conn_db(c), true);
    *rout = r;
    if (!r) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    hnsw_entry *e = registry_get(r, oid);
    if (!e) {
        pg_error err = {0};
        pthread_mutex_lock(&r->maint_lock);
        e = registry_get(r, oid);
        bool ok = e || load_entry(r, oid, &e, &err);
        pthread_mutex_unlock(&r->maint_lock);
        if (!ok) {
            sqlite_fn_pg_error(ctx, &err);
            return NULL;
        }
    }
    if (!e)
        sqlite3_result_null(ctx);
    return e;
}

/* pgw_hnsw_memory(oid): bytes of memory the index uses (NULL if it is no vector index). */
static void fn_memory(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    hnsw_registry *r;
    hnsw_entry *e = entry_for_report(ctx, (pg_oid)sqlite3_value_int64(argv[0]), &r);
    if (!e)
        return;
    pthread_rwlock_rdlock(&e->rw);
    if (e->idx)
        sqlite3_result_int64(ctx, (sqlite3_int64)vector_index_memory(e->idx));
    else
        sqlite3_result_null(ctx);
    pthread_rwlock_unlock(&e->rw);
    entry_unref(r, e);
}

/* pgw_hnsw_stats(oid): a JSON object describing the index. */
static void fn_stats(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    hnsw_registry *r;
    hnsw_entry *e = entry_for_report(ctx, (pg_oid)sqlite3_value_int64(argv[0]), &r);
    if (!e)
        return;
    strbuf b;
    strbuf_init(&b);
    pthread_rwlock_rdlock(&e->rw);
    if (e->idx) {
        vector_index_stats st;
        vector_index_get_stats(e->idx, &st);
        strbuf_printf(&b,
                      "{\"metric\": \"%s\", \"dimensions\": %zu, \"m\": %zu, \"ef_construction\": %zu, "
                      "\"live_rows\": %zu, \"deleted_rows\": %zu, \"free_slots\": %zu, \"max_level\": %d, "
                      "\"memory_bytes\": %zu, \"vector_bytes\": %zu, \"link_bytes\": %zu, \"other_bytes\": %zu, "
                      "\"scratch_bytes\": %zu, \"persisted_bytes\": %lld, \"applied_seq\": %lld, "
                      "\"persisted_seq\": %lld, \"unpersisted_changes\": %lld, \"rebuilt_at_load\": %s, "
                      "\"apply_failures\": %lld, \"persist_failures\": %lld, \"kernels\": \"%s\"}",
                      vector_metric_name(st.metric), st.dim, st.m, st.ef_construction, st.live, st.deleted,
                      st.free_slots, st.max_level, st.bytes_total, st.bytes_vectors, st.bytes_links, st.bytes_other,
                      st.bytes_scratch, (long long)e->store_bytes, (long long)atomic_load(&e->applied_seq),
                      (long long)e->persisted_seq, (long long)e->changes_since_persist,
                      e->rebuilt_at_load ? "true" : "false", (long long)e->apply_failures,
                      (long long)e->persist_failures, vector_isa_name());
    }
    pthread_rwlock_unlock(&e->rw);
    entry_unref(r, e);
    if (b.failed)
        sqlite3_result_error_nomem(ctx);
    else if (!b.len)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text64(ctx, b.data, b.len, SQLITE_TRANSIENT, SQLITE_UTF8);
    strbuf_free(&b);
}

/* pgw_hnsw_vacuum(oid | NULL): repair (unlink deleted nodes) and rewrite the persisted copy
 * of one loaded index or of all; returns how many were processed.  pgw_hnsw_checkpoint():
 * persist every loaded index's pending changes. */
static void maintain(sqlite3_context *ctx, sqlite3_value *which, bool vacuum)
{
    engine_conn *c = sqlite3_user_data(ctx);
    hnsw_registry *r = registry(engine_conn_db(c), true);
    if (!r) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    pg_oid only = which && sqlite3_value_type(which) != SQLITE_NULL ? (pg_oid)sqlite3_value_int64(which) : 0;
    pthread_mutex_lock(&r->maint_lock);
    pg_error err = {0};
    bool ok = apply_all(r, &err);
    size_t n = 0;
    hnsw_entry **all = ok ? registry_all(r, &n) : NULL;
    int done = 0;
    for (size_t i = 0; all && i < n; i++) {
        hnsw_entry *e = all[i];
        if (ok && (!only || e->oid == only) && e->idx) {
            if (vacuum) {
                pthread_rwlock_wrlock(&e->rw);
                ok = !e->idx || vector_index_repair(e->idx, &err);
                pthread_rwlock_unlock(&e->rw);
            }
            if (ok && (vacuum || e->changes_since_persist > 0 || e->need_full_save || e->full_bytes == 0)) {
                pg_error perr = {0};
                if (!entry_persist(r, e, vacuum, &perr))
                    pg_error_clear(&perr);
            }
            done++;
        }
        entry_unref(r, e);
    }
    free(all);
    pthread_mutex_unlock(&r->maint_lock);
    if (!ok)
        sqlite_fn_pg_error(ctx, &err);
    else
        sqlite3_result_int(ctx, done);
}

static void fn_vacuum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    maintain(ctx, argc ? argv[0] : NULL, true);
}

static void fn_checkpoint(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    maintain(ctx, NULL, false);
}

int sqlite_register_hnsw(sqlite3 *db, engine_conn *c)
{
    static const struct {
        const char *name;
        int nargs;
        void (*fn)(sqlite3_context *, int, sqlite3_value **);
    } fns[] = {
        {"pgw_hnsw_touched", 0, fn_touched},   {"pgw_hnsw_build", 1, fn_build},
        {"pgw_hnsw_forget", 1, fn_forget},     {"pgw_hnsw_memory", 1, fn_memory},
        {"pgw_hnsw_stats", 1, fn_stats},       {"pgw_hnsw_vacuum", 1, fn_vacuum},
        {"pgw_hnsw_vacuum", 0, fn_vacuum},     {"pgw_hnsw_checkpoint", 0, fn_checkpoint},
    };
    for (size_t i = 0; i < ARRAY_LEN(fns); i++) {
        /* Innocuous: the triggers call pgw_hnsw_touched(). */
        int flags = SQLITE_UTF8 | (strcmp(fns[i].name, "pgw_hnsw_touched") == 0 ? SQLITE_INNOCUOUS : 0);
        int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, flags, c, fns[i].fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return sqlite_register_vector_search(db, c);
}
