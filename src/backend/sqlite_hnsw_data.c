/*
 * sqlite_hnsw_data.c — what the HNSW indexes read and write in the database: the metadata
 * row of an index, the table's rows (to build an index or bring it up to date), the change
 * log, and the persisted copy (src/vector's byte format in parts of _pgwire_hnsw_store, a
 * full generation then incremental ones, written in one transaction with the new
 * persisted_seq and the log trim).  All of it runs on a connection the caller chose: the
 * registry's maintenance connection (committed data) or the transaction's own (a build).
 */
#include "backend/sqlite_hnsw_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Applying: batches of new rows at least this large are built with all cores. */
#define PARALLEL_BATCH 1024
/* Persisting: after this many applied changes (or 1/64 of the rows, if more), and a full
 * rewrite once the incremental generations outweigh twice the last full copy. */
#define PERSIST_MIN_CHANGES 1000
#define STORE_PART_BYTES (4u << 20)

/* ---------------------------------------------------------------- small helpers */

void hnsw_quote_ident(strbuf *b, const char *name)
{
    strbuf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_putc(b, '"');
        strbuf_putc(b, *p);
    }
    strbuf_putc(b, '"');
}

char *hnsw_quoted(const char *name)
{
    strbuf b;
    strbuf_init(&b);
    hnsw_quote_ident(&b, name);
    if (b.failed) {
        strbuf_free(&b);
        return NULL;
    }
    return strbuf_steal(&b);
}

void hnsw_key_of(pg_oid oid, char key[16])
{
    snprintf(key, 16, "%u", oid);
}



/* A statement on `c` with int64 parameters; the caller steps and releases it. */
bool hnsw_prepare_ints(engine_conn *c, const char *sql, engine_stmt **st, pg_error *err, int n, ...)
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
bool hnsw_exec_ints(engine_conn *c, const char *sql, pg_error *err, int n, int64_t a, int64_t b, int64_t d)
{
    engine_stmt *st = NULL;
    if (!hnsw_prepare_ints(c, sql, &st, err, n, a, b, d))
        return false;
    engine_step_result r;
    while ((r = engine_step(st, err)) == ENGINE_ROW)
        ;
    engine_stmt_release(st);
    return r == ENGINE_DONE;
}

/* The first column of the first row as an int64 (*found false if no row or NULL). */
bool hnsw_query_int(engine_conn *c, const char *sql, int64_t *out, bool *found, pg_error *err, int n, int64_t a,
                      int64_t b)
{
    engine_stmt *st = NULL;
    *found = false;
    *out = 0;
    if (!hnsw_prepare_ints(c, sql, &st, err, n, a, b))
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
bool hnsw_meta_exists(engine_conn *c, pg_error *err, bool *exists)
{
    int64_t v;
    return hnsw_query_int(c, "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = '" HNSW_META "'", &v,
                     exists, err, 0, 0, 0);
}

bool hnsw_find_index(engine_conn *c, pg_oid relid, int attnum, vector_metric metric, pg_oid *out, pg_error *err)
{
    *out = 0;
    bool exists = false, found = false;
    if (!hnsw_meta_exists(c, err, &exists))
        return false;
    if (!exists)
        return true;
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT indexrelid FROM " HNSW_META " WHERE relid = ?1 AND attnum = ?2 AND metric = %d "
             "ORDER BY indexrelid LIMIT 1",
             (int)metric);
    int64_t v = 0;
    if (!hnsw_query_int(c, sql, &v, &found, err, 2, (int64_t)relid, attnum))
        return false;
    *out = found ? (pg_oid)v : 0;
    return true;
}

bool hnsw_log_horizon(engine_conn *c, int64_t *out, pg_error *err)
{
    bool found;
    return hnsw_query_int(c, "SELECT seq FROM main.sqlite_sequence WHERE name = '" HNSW_LOG "'", out, &found, err, 0, 0,
                     0);
}

/* ---------------------------------------------------------------- index descriptions */


void hnsw_desc_free(index_desc *d)
{
    free(d->table_q);
    free(d->column_q);
    d->table_q = d->column_q = NULL;
}

/* The text of the first column of the first row, copied. */
bool hnsw_query_text(engine_conn *c, const char *sql, int64_t a, int64_t b, int n, char **out, pg_error *err)
{
    engine_stmt *st = NULL;
    *out = NULL;
    if (!hnsw_prepare_ints(c, sql, &st, err, n, a, b))
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
bool hnsw_read_names(engine_conn *c, pg_oid relid, int attnum, char **table_q, char **column_q, pg_error *err)
{
    char *table = NULL, *column = NULL;
    bool ok = hnsw_query_text(c, "SELECT engine_name FROM main._pgwire_class WHERE oid = ?", relid, 0, 1, &table, err) &&
              hnsw_query_text(c, "SELECT attname FROM main._pgwire_attribute WHERE attrelid = ? AND attnum = ?", relid,
                         attnum, 2, &column, err);
    if (ok && (!table || !column)) {
        pg_error_set(err, "XX000", "table or column of vector index on relation %u is missing", relid);
        ok = false;
    }
    if (ok) {
        *table_q = hnsw_quoted(table);
        *column_q = hnsw_quoted(column);
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
bool hnsw_read_desc(engine_conn *c, pg_oid oid, index_desc *d, bool *found, pg_error *err)
{
    memset(d, 0, sizeof *d);
    *found = false;
    bool exists;
    if (!hnsw_meta_exists(c, err, &exists))
        return false;
    if (!exists)
        return true;
    engine_stmt *st = NULL;
    if (!hnsw_prepare_ints(c,
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
    if (*found && !hnsw_read_names(c, d->relid, d->attnum, &d->table_q, &d->column_q, err)) {
        *found = false;
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- reading rows */

/* Rows read from the table, to bring an index in line with it. */

void hnsw_batch_free(row_batch *b)
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
bool hnsw_batch_read(engine_conn *c, const char *table_q, const char *column_q, int dim, int64_t *rows, size_t n,
                       row_batch *b, pg_error *err)
{
    memset(b, 0, sizeof *b);
    if (n)
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
    engine_stmt *st = NULL;
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
bool hnsw_batch_apply(vector_index *idx, size_t dim, const row_batch *b, pg_error *err)
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
bool hnsw_read_all(engine_conn *c, const char *table_q, const char *column_q, int dim, row_batch *b, pg_error *err)
{
    memset(b, 0, sizeof *b);
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT rowid, %s FROM main.%s WHERE %s IS NOT NULL", column_q, table_q, column_q);
    engine_stmt *st = NULL;
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
        hnsw_batch_free(b);
    return ok;
}

/* A new index over every row of the table, built on `threads` threads (0: all cores). */
vector_index *hnsw_build_from_table(engine_conn *c, const index_desc *d, int threads, int *threads_used,
                                    pg_error *err)
{
    row_batch b;
    if (!hnsw_read_all(c, d->table_q, d->column_q, d->dim, &b, err))
        return NULL;
    vector_index *idx = vector_index_create(d->metric, (size_t)d->dim, (size_t)d->m, (size_t)d->efc,
                                            (uint64_t)d->oid * 0x9E3779B97F4A7C15ull, err);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (threads <= 0 || threads >= cpus)
        threads = 0;   /* every core */
    if (threads_used)
        *threads_used = threads ? threads : (int)(cpus > 0 ? cpus : 1);
    if (idx && b.npresent && !vector_index_build_parallel(idx, b.npresent, b.rowids, b.vectors, threads, err)) {
        vector_index_free(idx);
        idx = NULL;
    }
    hnsw_batch_free(&b);
    return idx;
}

/* ---------------------------------------------------------------- the change log */


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
bool hnsw_log_read(engine_conn *c, pg_oid relid, int attnum, int64_t from, int64_t to, log_rows *out, pg_error *err)
{
    engine_stmt *st = NULL;
    if (!hnsw_prepare_ints(c,
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

/* ---------------------------------------------------------------- the maintenance connection */

engine_conn *hnsw_maint_conn(hnsw_registry *r, pg_error *err)
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
bool hnsw_entry_names(engine_conn *c, hnsw_entry *e, pg_error *err)
{
    uint64_t version = engine_db_schema_version(engine_conn_db(c));
    if (e->table_q && e->names_version == version)
        return true;
    char *t, *col;
    if (!hnsw_read_names(c, e->relid, e->attnum, &t, &col, err))
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
    engine_stmt *st = NULL;
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

vector_index *hnsw_store_load(engine_conn *c, pg_oid oid, int64_t *next_part, pg_error *err)
{
    bool found;
    if (!hnsw_query_int(c, "SELECT max(part) FROM main." HNSW_STORE " WHERE indexrelid = ?", next_part, &found, err, 1,
                   oid, 0))
        return NULL;
    if (!found)
        return NULL;
    (*next_part)++;
    store_reader rd = {0};
    if (!hnsw_prepare_ints(c, "SELECT bytes FROM main." HNSW_STORE " WHERE indexrelid = ? ORDER BY part", &rd.st, err, 1,
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
bool hnsw_entry_persist(hnsw_registry *r, hnsw_entry *e, bool force_full, pg_error *err)
{
    engine_conn *c = hnsw_maint_conn(r, err);
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
    bool ok = !full || hnsw_exec_ints(c, "DELETE FROM main." HNSW_STORE " WHERE indexrelid = ?", err, 1, e->oid, 0, 0);
    if (ok) {
        pthread_rwlock_rdlock(&e->rw);
        ok = e->idx && vector_index_save(e->idx, !full, store_write, &w, err) && store_flush(&w, err);
        pthread_rwlock_unlock(&e->rw);
    }
    int64_t store_bytes = full ? w.total : e->store_bytes + w.total;
    int64_t full_bytes = full ? w.total : e->full_bytes;
    if (ok) {
        engine_stmt *st = NULL;
        ok = hnsw_prepare_ints(c,
                          "UPDATE main." HNSW_META " SET persisted_seq = ?, store_bytes = ?, full_bytes = ? "
                          "WHERE indexrelid = ?",
                          &st, err, 4, applied, store_bytes, full_bytes, (int64_t)e->oid);
        if (ok) {
            ok = engine_step(st, err) == ENGINE_DONE;
            engine_stmt_release(st);
        }
    }
    ok = ok && hnsw_exec_ints(c,
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

bool hnsw_persist_due(hnsw_entry *e)
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
