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
#include "backend/sqlite_hnsw_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


static void registry_free(void *state);

hnsw_conn *hnsw_conn_of(engine_conn *c, bool create)
{
    sqlite_conn *sc = c->native;
    if (!sc->hnsw && create)
        sc->hnsw = calloc(1, sizeof *sc->hnsw);
    return sc->hnsw;
}

hnsw_registry *hnsw_registry_of(engine_db *db, bool create)
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

/* ---------------------------------------------------------------- entries */

hnsw_entry *hnsw_entry_new(hnsw_registry *r, const index_desc *d, vector_index *idx, int64_t applied)
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

void hnsw_entry_destroy(hnsw_entry *e)
{
    vector_index_free(e->idx);
    pthread_rwlock_destroy(&e->rw);
    free(e->table_q);
    free(e->column_q);
    free(e);
}

void hnsw_entry_unref(hnsw_registry *r, hnsw_entry *e)
{
    pthread_mutex_lock(&r->map_lock);
    bool last = --e->refs == 0;
    pthread_mutex_unlock(&r->map_lock);
    if (last)
        hnsw_entry_destroy(e);
}

/* Take an entry out of service: out of the map, its index freed once no search uses it. */
void hnsw_entry_retire(hnsw_registry *r, hnsw_entry *e)
{
    pthread_rwlock_wrlock(&e->rw);
    vector_index_free(e->idx);
    e->idx = NULL;
    pthread_rwlock_unlock(&e->rw);
    hnsw_entry_unref(r, e);
}

/* Insert `e` under its OID, retiring what was there. */
bool hnsw_registry_put(hnsw_registry *r, hnsw_entry *e)
{
    char key[16];
    hnsw_key_of(e->oid, key);
    pthread_mutex_lock(&r->map_lock);
    hnsw_entry *old = hashmap_get(&r->entries, key);
    bool ok = hashmap_put(&r->entries, key, e);
    pthread_mutex_unlock(&r->map_lock);
    if (ok && old)
        hnsw_entry_retire(r, old);
    return ok;
}

void hnsw_registry_remove(hnsw_registry *r, pg_oid oid)
{
    char key[16];
    hnsw_key_of(oid, key);
    pthread_mutex_lock(&r->map_lock);
    hnsw_entry *old = hashmap_remove(&r->entries, key);
    pthread_mutex_unlock(&r->map_lock);
    if (old)
        hnsw_entry_retire(r, old);
}

hnsw_entry *hnsw_registry_get(hnsw_registry *r, pg_oid oid)
{
    char key[16];
    hnsw_key_of(oid, key);
    pthread_mutex_lock(&r->map_lock);
    hnsw_entry *e = hashmap_get(&r->entries, key);
    if (e)
        e->refs++;
    pthread_mutex_unlock(&r->map_lock);
    return e;
}

/* A referenced snapshot of every entry (the caller unrefs each and frees the array). */
hnsw_entry **hnsw_registry_all(hnsw_registry *r, size_t *n)
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

/* ---------------------------------------------------------------- applying the log */

/*
 * Replace an entry's index by one built afresh from the table (maintenance mutex held):
 * deleted nodes are gone and the graph is as good as CREATE INDEX makes it.  Searches keep
 * using the old index while the new one is built; they wait only for the swap.  threads: as
 * the session that asked (VACUUM, REINDEX: max_parallel_maintenance_workers + 1), 0 = all.
 */
static bool entry_rebuild(hnsw_registry *r, hnsw_entry *e, int threads, pg_error *err)
{
    engine_conn *c = hnsw_maint_conn(r, err);
    if (!c || !engine_begin(c, TXN_READ, err))
        return false;
    int64_t horizon = 0;
    int used = 0;
    vector_index *idx = NULL;
    if (hnsw_entry_names(c, e, err) && hnsw_log_horizon(c, &horizon, err)) {
        index_desc d = {.oid = e->oid, .relid = e->relid, .attnum = e->attnum, .metric = e->metric, .dim = e->dim,
                        .m = e->m, .efc = e->efc, .table_q = e->table_q, .column_q = e->column_q};
        idx = hnsw_build_from_table(c, &d, threads, &used, err);
    }
    pg_error ignore = {0};
    if (!engine_commit(c, &ignore))
        pg_error_clear(&ignore);
    if (!idx)
        return false;
    pthread_rwlock_wrlock(&e->rw);
    vector_index *old = e->idx;
    if (old) {
        e->idx = idx;
        e->build_threads = used;
        atomic_store(&e->applied_seq, horizon);
    }
    pthread_rwlock_unlock(&e->rw);
    vector_index_free(old ? old : idx);
    if (!old)
        return true;   /* retired meanwhile */
    e->need_full_save = true;
    e->changes_since_persist = 0;
    pg_error perr = {0};
    if (!hnsw_entry_persist(r, e, true, &perr))
        pg_error_clear(&perr);
    return true;
}

/* Rebuild once deleted nodes (deletes, and the old side of updates) outnumber live ones:
 * they keep routing searches well, but hold memory.  (Unlinking them in place with
 * vector_index_repair loses the long links between clusters: measured recall@10 fell from
 * 0.97 to 0.72 after deleting a third of a clustered set, where a rebuild gives 0.94.) */
#define REBUILD_MIN_DELETED 1024

static void entry_maybe_rebuild(hnsw_registry *r, hnsw_entry *e)
{
    vector_index_stats st;
    pthread_rwlock_rdlock(&e->rw);
    bool due = false;
    if (e->idx) {
        vector_index_get_stats(e->idx, &st);
        due = st.deleted >= REBUILD_MIN_DELETED && st.deleted >= st.live;
    }
    pthread_rwlock_unlock(&e->rw);
    pg_error err = {0};
    if (due && !entry_rebuild(r, e, 0, &err))
        pg_error_clear(&err);
}

/*
 * Apply the committed log to every loaded index (maintenance mutex held), in one read
 * transaction of the maintenance connection so that log and rows agree.
 */
static bool apply_all(hnsw_registry *r, pg_error *err)
{
    size_t n;
    hnsw_entry **all = hnsw_registry_all(r, &n);
    if (!all) {
        pg_error_oom(err);
        return false;
    }
    if (n == 0) {
        free(all);
        return true;
    }
    engine_conn *c = hnsw_maint_conn(r, err);
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
        bool this_ok = hnsw_entry_names(c, e, err) && hnsw_log_read(c, e->relid, e->attnum, applied, horizon, &rows, err);
        if (this_ok && rows.n == 0) {
            atomic_store(&e->applied_seq, horizon);
            free(rows.rows);
            continue;
        }
        this_ok = this_ok && hnsw_batch_read(c, e->table_q, e->column_q, e->dim, rows.rows, rows.n, &b, err);
        if (!b.touched)
            free(rows.rows);
        if (this_ok) {
            bool bulk = b.ntouched + b.npresent >= HNSW_BULK_APPLY_ROWS;
            if (bulk)
                atomic_store(&e->bulk_apply, true);
            pthread_rwlock_wrlock(&e->rw);
            this_ok = !e->idx || hnsw_batch_apply(e->idx, (size_t)e->dim, &b, err);
            if (this_ok)
                atomic_store(&e->applied_seq, horizon);
            pthread_rwlock_unlock(&e->rw);
            if (bulk)
                atomic_store(&e->bulk_apply, false);
            e->changes_since_persist += (int64_t)b.ntouched;
        }
        hnsw_batch_free(&b);
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
        entry_maybe_rebuild(r, all[i]);
        if (hnsw_persist_due(all[i])) {
            pg_error perr = {0};
            if (!hnsw_entry_persist(r, all[i], false, &perr))
                pg_error_clear(&perr);
        }
    }
    for (size_t i = 0; i < n; i++)
        hnsw_entry_unref(r, all[i]);
    free(all);
    return ok;
}

/*
 * Letting go of the maintenance mutex.  A committing writer that finds it taken does not
 * wait: it raises apply_wanted and leaves its log entries to the holder, who applies again
 * before unlocking, and takes the mutex back if the flag came up just after.  (The writer
 * raises the flag before trying the lock, the holder looks at it after unlocking: one of
 * the two always sees the other.)
 */
static void maint_release(hnsw_registry *r)
{
    for (;;) {
        for (int pass = 0; pass < 8 && atomic_exchange(&r->apply_wanted, false); pass++) {
            pg_error err = {0};
            if (!apply_all(r, &err))
                pg_error_clear(&err);
        }
        pthread_mutex_unlock(&r->maint_lock);
        if (!atomic_load(&r->apply_wanted) || pthread_mutex_trylock(&r->maint_lock) != 0)
            return;
    }
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
    bool ok = !sql.failed && hnsw_query_int(c, sql.data, out, &found, err, 0, 0, 0);
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
    engine_conn *c = hnsw_maint_conn(r, err);
    if (!c || !engine_begin(c, TXN_READ, err))
        return false;
    index_desc d;
    bool found = false, ok = hnsw_read_desc(c, oid, &d, &found, err);
    hnsw_entry *e = NULL;
    int64_t horizon = 0;
    if (ok && found)
        ok = hnsw_log_horizon(c, &horizon, err);
    if (ok && found) {
        vector_index *idx = NULL;
        int64_t next_part = 0;
        if (d.full_bytes > 0) {
            pg_error load_err = {0};
            idx = hnsw_store_load(c, oid, &next_part, &load_err);
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
            ok = hnsw_log_read(c, d.relid, d.attnum, d.persisted_seq, horizon, &rows, err) &&
                 hnsw_batch_read(c, d.table_q, d.column_q, d.dim, rows.rows, rows.n, &b, err) &&
                 hnsw_batch_apply(idx, (size_t)d.dim, &b, err);
            if (!b.touched)
                free(rows.rows);
            hnsw_batch_free(&b);
            if (!ok) {
                vector_index_free(idx);
                idx = NULL;
                pg_error_clear(err);
                ok = true;
            }
        }
        e = hnsw_entry_new(r, &d, idx, horizon);
        if (!e) {
            vector_index_free(idx);
            hnsw_desc_free(&d);
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
                e->idx = hnsw_build_from_table(c, &bd, 0, &e->build_threads, err);
                ok = e->idx != NULL;
                rebuilt = true;
            }
            e->rebuilt_at_load = rebuilt;
            e->need_full_save = rebuilt;
            if (!ok) {
                hnsw_entry_destroy(e);
                e = NULL;
            }
        }
    } else if (found) {
        hnsw_desc_free(&d);
    }
    pg_error ignore = {0};
    if (!engine_commit(c, &ignore))
        pg_error_clear(&ignore);
    if (!ok)
        return false;
    if (e) {
        if (!hnsw_registry_put(r, e)) {
            hnsw_entry_destroy(e);
            pg_error_oom(err);
            return false;
        }
        if (e->need_full_save) {
            pg_error perr = {0};
            if (!hnsw_entry_persist(r, e, true, &perr))
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
    hnsw_conn *hc = hnsw_conn_of(c, false);
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
    hnsw_registry *r = hnsw_registry_of(engine_conn_db(c), true);
    if (!r) {
        pg_error_oom(err);
        return false;
    }
    hnsw_entry *e = hnsw_registry_get(r, oid);
    if (!e) {
        pthread_mutex_lock(&r->maint_lock);
        e = hnsw_registry_get(r, oid);
        bool ok = e || load_entry(r, oid, &e, err);
        maint_release(r);
        if (!ok)
            return false;
        if (!e)
            return true;
    }
    /* During a large batch apply the index is not worth waiting for: no view, so the
     * search is exact (from the table, in this transaction's snapshot). */
    if (atomic_load(&e->bulk_apply)) {
        if (pthread_rwlock_tryrdlock(&e->rw) != 0) {
            atomic_fetch_add(&e->searches_exact_during_apply, 1);
            out->busy = true;
            hnsw_entry_unref(r, e);
            return true;
        }
    } else {
        pthread_rwlock_rdlock(&e->rw);
    }
    if (!e->idx) {
        pthread_rwlock_unlock(&e->rw);
        hnsw_entry_unref(r, e);
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
        hnsw_entry_unref(e->reg, e);
    }
    v->entry = NULL;
    v->idx = NULL;
}

/* ---------------------------------------------------------------- planning */

int sqlite_hnsw_metric(engine_db *db, engine_conn *c, pg_oid oid)
{
    hnsw_conn *hc = c ? hnsw_conn_of(c, false) : NULL;
    pending_index *p = find_pending(hc, oid);
    if (p)
        return (int)p->metric;
    pg_error err = {0};
    if (c && engine_in_transaction(c)) {
        /* The transaction may have created it: ask through its own connection. */
        bool exists = false;
        int64_t v = -1;
        bool found = false;
        if (hnsw_meta_exists(c, &err, &exists) && exists &&
            hnsw_query_int(c, "SELECT metric FROM main." HNSW_META " WHERE indexrelid = ?", &v, &found, &err, 1, oid, 0) &&
            found)
            return (int)v;
        pg_error_clear(&err);
        return -1;
    }
    hnsw_registry *r = hnsw_registry_of(db, true);
    if (!r)
        return -1;
    char key[16];
    hnsw_key_of(oid, key);
    pthread_mutex_lock(&r->map_lock);
    intptr_t cached = (intptr_t)hashmap_get(&r->metrics, key);
    pthread_mutex_unlock(&r->map_lock);
    if (cached)
        return (int)cached - 1;
    int metric = -1;
    pthread_mutex_lock(&r->maint_lock);
    engine_conn *m = hnsw_maint_conn(r, &err);
    bool exists = false, found = false;
    int64_t v = -1;
    if (m && hnsw_meta_exists(m, &err, &exists) && exists &&
        hnsw_query_int(m, "SELECT metric FROM main." HNSW_META " WHERE indexrelid = ?", &v, &found, &err, 1, oid, 0) &&
        found)
        metric = (int)v;
    maint_release(r);
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
    hnsw_conn *hc = hnsw_conn_of(c, false);
    if (!hc || (!hc->created && !hc->ndropped))
        return;
    /* A build rolled back to a savepoint has no metadata row any more: drop it now. */
    pending_index **pp = &hc->created;
    while (*pp) {
        pending_index *p = *pp;
        int64_t v;
        bool found = false;
        pg_error err = {0};
        if (!hnsw_query_int(c, "SELECT 1 FROM main." HNSW_META " WHERE indexrelid = ?", &v, &found, &err, 1, p->oid, 0))
            pg_error_clear(&err);
        if (!found) {
            *pp = p->next;
            p->next = NULL;
            pending_free(p);
        } else {
            pp = &p->next;
        }
    }
    hnsw_registry *r = hnsw_registry_of(engine_conn_db(c), true);
    if (r) {
        /* Held across COMMIT, so no writer after us applies or loads before we publish. */
        pthread_mutex_lock(&r->maint_lock);
        hc->holds_maint = true;
    }
}

static void publish(hnsw_registry *r, hnsw_conn *hc)
{
    for (int i = 0; i < hc->ndropped; i++)
        hnsw_registry_remove(r, hc->dropped[i]);
    hc->ndropped = 0;
    pending_index *p = hc->created;
    hc->created = NULL;
    while (p) {
        pending_index *next = p->next;
        index_desc d = {.oid = p->oid, .relid = p->relid, .attnum = p->attnum, .metric = p->metric, .dim = p->dim,
                        .m = p->m, .efc = p->efc, .table_q = p->table_q, .column_q = p->column_q};
        hnsw_entry *e = hnsw_entry_new(r, &d, p->idx, p->horizon);
        if (e) {
            e->build_threads = p->build_threads;
            e->names_version = engine_db_schema_version(r->db);
            e->need_full_save = true;
            if (!hnsw_registry_put(r, e))
                hnsw_entry_destroy(e);
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
    hnsw_conn *hc = hnsw_conn_of(c, false);
    if (!hc)
        return;
    hnsw_registry *r = hnsw_registry_of(engine_conn_db(c), false);
    if (!committed) {
        /* The transaction is still open; the rollback that follows clears it. */
        if (hc->holds_maint && r)
            maint_release(r);
        hc->holds_maint = false;
        return;
    }
    bool structural = hc->created || hc->ndropped;
    if (r && (structural || hc->touched)) {
        if (hc->touched)
            atomic_store(&r->apply_wanted, true);
        if (!hc->holds_maint) {
            if (structural)
                pthread_mutex_lock(&r->maint_lock);
            else if (pthread_mutex_trylock(&r->maint_lock) != 0) {
                /* Busy: the holder applies our log entries (maint_release). */
                conn_clear(hc);
                return;
            }
            hc->holds_maint = true;
        }
        publish(r, hc);
        atomic_store(&r->apply_wanted, true);
    }
    if (hc->holds_maint && r)
        maint_release(r);
    hc->holds_maint = false;
    conn_clear(hc);
}

void sqlite_hnsw_after_rollback(engine_conn *c)
{
    hnsw_conn *hc = hnsw_conn_of(c, false);
    if (!hc)
        return;
    if (hc->holds_maint) {
        hnsw_registry *r = hnsw_registry_of(engine_conn_db(c), false);
        if (r)
            maint_release(r);
        hc->holds_maint = false;
    }
    conn_clear(hc);
}

void sqlite_hnsw_after_statement(engine_conn *c)
{
    hnsw_conn *hc = hnsw_conn_of(c, false);
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
    hnsw_entry **all = hnsw_registry_all(r, &n);
    for (size_t i = 0; all && i < n; i++) {
        hnsw_entry *e = all[i];
        if (e->idx && (e->changes_since_persist > 0 || e->need_full_save || e->full_bytes == 0)) {
            pg_error err = {0};
            if (!hnsw_entry_persist(r, e, false, &err))
                pg_error_clear(&err);
        }
        hnsw_entry_unref(r, e);
    }
    free(all);
    size_t cur = 0;
    void *v;
    while (hashmap_next(&r->entries, &cur, NULL, &v))
        hnsw_entry_destroy(v);
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
    hnsw_conn *hc = hnsw_conn_of(sqlite3_user_data(ctx), true);
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
    hnsw_conn *hc = hnsw_conn_of(c, true);
    if (!hc) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    pg_error err = {0};
    index_desc d;
    bool found = false;
    int64_t horizon = 0;
    if (!hnsw_read_desc(c, oid, &d, &found, &err) || (found && !hnsw_log_horizon(c, &horizon, &err))) {
        if (found)
            hnsw_desc_free(&d);
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    if (!found) {
        sqlite_fn_error(ctx, "XX000", "vector index %u has no metadata", oid);
        return;
    }
    /* CREATE INDEX: max_parallel_maintenance_workers + 1 threads, as pgvector's workers + leader. */
    engine_context *ectx = engine_conn_context(c);
    int used = 0;
    vector_index *idx = hnsw_build_from_table(c, &d, ectx ? ectx->vector_build_threads : 0, &used, &err);
    pending_index *p = idx ? calloc(1, sizeof *p) : NULL;
    if (!p) {
        vector_index_free(idx);
        hnsw_desc_free(&d);
        if (!pg_error_is_set(&err))
            pg_error_oom(&err);
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    *p = (pending_index){.oid = oid, .relid = d.relid, .attnum = d.attnum, .metric = d.metric, .dim = d.dim,
                         .m = d.m, .efc = d.efc, .table_q = d.table_q, .column_q = d.column_q, .idx = idx,
                         .horizon = horizon, .build_threads = used};
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
    hnsw_conn *hc = hnsw_conn_of(c, true);
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
    hnsw_registry *r = hnsw_registry_of(engine_conn_db(c), true);
    *rout = r;
    if (!r) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    hnsw_entry *e = hnsw_registry_get(r, oid);
    if (!e) {
        pg_error err = {0};
        pthread_mutex_lock(&r->maint_lock);
        e = hnsw_registry_get(r, oid);
        bool ok = e || load_entry(r, oid, &e, &err);
        maint_release(r);
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
    hnsw_entry_unref(r, e);
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
                      "\"apply_failures\": %lld, \"persist_failures\": %lld, "
                      "\"searches_exact_during_apply\": %lld, \"build_threads\": %d, \"kernels\": \"%s\"}",
                      vector_metric_name(st.metric), st.dim, st.m, st.ef_construction, st.live, st.deleted,
                      st.free_slots, st.max_level, st.bytes_total, st.bytes_vectors, st.bytes_links, st.bytes_other,
                      st.bytes_scratch, (long long)e->store_bytes, (long long)atomic_load(&e->applied_seq),
                      (long long)e->persisted_seq, (long long)e->changes_since_persist,
                      e->rebuilt_at_load ? "true" : "false", (long long)e->apply_failures,
                      (long long)e->persist_failures, (long long)atomic_load(&e->searches_exact_during_apply),
                      e->build_threads, vector_isa_name());
    }
    pthread_rwlock_unlock(&e->rw);
    hnsw_entry_unref(r, e);
    if (b.failed)
        sqlite3_result_error_nomem(ctx);
    else if (!b.len)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text64(ctx, b.data, b.len, SQLITE_TRANSIENT, SQLITE_UTF8);
    strbuf_free(&b);
}

/* The maintenance functions: how many indexes they processed. */
typedef enum { MAINT_CHECKPOINT, MAINT_VACUUM, MAINT_REINDEX } maint_mode;

static void maintain(sqlite3_context *ctx, sqlite3_value *which, maint_mode mode)
{
    engine_conn *c = sqlite3_user_data(ctx);
    hnsw_registry *r = hnsw_registry_of(engine_conn_db(c), true);
    if (!r) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    /* Rebuilds on the caller's max_parallel_maintenance_workers + 1 threads, as CREATE INDEX. */
    engine_context *ectx = engine_conn_context(c);
    int threads = ectx ? ectx->vector_build_threads : 0;
    pg_oid only = which && sqlite3_value_type(which) != SQLITE_NULL ? (pg_oid)sqlite3_value_int64(which) : 0;
    pthread_mutex_lock(&r->maint_lock);
    pg_error err = {0};
    bool ok = true;
    if (only) {
        /* One index: loaded first if this is its first use since the database opened. */
        hnsw_entry *e = hnsw_registry_get(r, only);
        ok = e || load_entry(r, only, &e, &err);
        if (e)
            hnsw_entry_unref(r, e);
    }
    ok = ok && apply_all(r, &err);
    size_t n = 0;
    hnsw_entry **all = ok ? hnsw_registry_all(r, &n) : NULL;
    int done = 0;
    for (size_t i = 0; all && i < n; i++) {
        hnsw_entry *e = all[i];
        if (ok && (!only || e->oid == only) && e->idx) {
            bool rebuild = mode == MAINT_REINDEX;
            if (mode == MAINT_VACUUM) {
                vector_index_stats st = {0};
                pthread_rwlock_rdlock(&e->rw);
                if (e->idx)
                    vector_index_get_stats(e->idx, &st);
                pthread_rwlock_unlock(&e->rw);
                rebuild = st.deleted > 0;
            }
            if (rebuild)
                ok = entry_rebuild(r, e, threads, &err);   /* persists a full copy */
            else if (mode == MAINT_VACUUM || e->changes_since_persist > 0 || e->need_full_save ||
                     e->full_bytes == 0) {
                pg_error perr = {0};
                if (!hnsw_entry_persist(r, e, mode == MAINT_VACUUM, &perr))
                    pg_error_clear(&perr);
            }
            done++;
        }
        hnsw_entry_unref(r, e);
    }
    free(all);
    maint_release(r);
    if (!ok)
        sqlite_fn_pg_error(ctx, &err);
    else
        sqlite3_result_int(ctx, done);
}

/* pgw_hnsw_vacuum([oid]): rebuild when rows were deleted, rewrite the persisted copy.
 * pgw_hnsw_reindex(oid): rebuild.  pgw_hnsw_checkpoint(): persist pending changes. */
static void fn_vacuum(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    maintain(ctx, argc ? argv[0] : NULL, MAINT_VACUUM);
}

static void fn_reindex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    maintain(ctx, argv[0], MAINT_REINDEX);
}

static void fn_checkpoint(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    maintain(ctx, NULL, MAINT_CHECKPOINT);
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
        {"pgw_hnsw_reindex", 1, fn_reindex},
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
