/*
 * sqlite_hnsw.h — the embedded engine's HNSW indexes (pgvector's `USING hnsw`), private to
 * src/backend: the per-database registry of in-memory indexes, their transactional upkeep,
 * their persistence inside the database file, and the search table function.
 *
 * Truth and derived data.  The table is the truth.  An index is derived from it and kept in
 * step through a change log written by SQLite triggers in the same transaction as the change:
 *
 *   _pgwire_hnsw        one row per index: table OID, column attnum, metric, dims, m,
 *                       ef_construction, and how far the persisted copy goes (persisted_seq)
 *   _pgwire_hnsw_log    (seq AUTOINCREMENT, relid, attnum, rid): every insert, update of the
 *                       column or of the rowid, and delete, logged by triggers
 *   _pgwire_hnsw_store  the index bytes (src/vector's format) in parts, a full generation
 *                       followed by incremental ones
 *
 * Invariants:
 *   - a shared index reflects the committed table as of its `applied_seq`: every log entry
 *     with seq <= applied_seq is applied, none after;
 *   - the persisted copy reflects the table as of persisted_seq <= applied_seq; log entries
 *     are trimmed only up to the smallest persisted_seq of the indexes on that column;
 *   - a search never trusts the index alone: log entries after applied_seq visible to the
 *     searching transaction (committed but not yet applied, or its own uncommitted changes)
 *     are re-read from the table and merged; when the index is ahead of the transaction's
 *     snapshot the search is exact.  So a rolled-back change is never returned, and a
 *     transaction sees its own changes.
 *
 * Concurrency (one writer or many readers per index, vector.h): searches hold the entry's
 * rwlock for reading; applying log entries and swapping in a rebuilt index hold it for
 * writing.  While a bulk batch (HNSW_BULK_APPLY_ROWS) is applied the entry is marked, and a
 * search that cannot take the read lock at once is exact instead of waiting.  All
 * upkeep (load, apply, persist, publish of a created index) is serialised by the registry's
 * maintenance mutex and done on the registry's own engine connection, which only reads
 * committed data; a persist waits at most 100 ms for SQLite's write lock and otherwise
 * tries again later.  Lock order: maintenance mutex, then an entry's rwlock; nobody waits
 * for the maintenance mutex while holding an rwlock.
 *
 * Recovery: an index is loaded at its first use after the database opens: the persisted
 * copy, then the log entries after persisted_seq; if the copy is missing, corrupt, of other
 * parameters, or does not count the table's rows, the index is rebuilt from the table.
 */
#ifndef PGWIRE_SQLITE_HNSW_H
#define PGWIRE_SQLITE_HNSW_H

#include "backend/sqlite_internal.h"
#include "vector/vector.h"

/* The metadata and log tables (created by CREATE INDEX ... USING hnsw). */
#define HNSW_META "_pgwire_hnsw"
#define HNSW_LOG "_pgwire_hnsw_log"
#define HNSW_STORE "_pgwire_hnsw_store"

/* A vector argument as floats: borrowed from SQLite when aligned, else a copy (owned). */
typedef struct sqlite_vec {
    const float *x;
    int dim;
    float *owned;
} sqlite_vec;

bool sqlite_vec_get(sqlite3_value *v, sqlite_vec *out, pg_error *err) MUST_CHECK;
void sqlite_vec_free(sqlite_vec *v);
/* pgvector's operator value in double (sqlite_fn_vector.c). */
double sqlite_vec_distance(vector_metric metric, const float *a, const float *b, size_t n);

/* Functions and the search table on a new connection. */
int sqlite_register_hnsw(sqlite3 *db, engine_conn *c);

/* Transaction hooks (sqlite.c).  before_commit may take the maintenance mutex, which
 * after_commit always releases; after_commit applies what the transaction logged. */
void sqlite_hnsw_before_commit(engine_conn *c);
void sqlite_hnsw_after_commit(engine_conn *c, bool committed);
void sqlite_hnsw_after_rollback(engine_conn *c);
/* An autocommit statement finished (its implicit transaction is over). */
void sqlite_hnsw_after_statement(engine_conn *c);
void sqlite_hnsw_conn_close(engine_conn *c);

/* ---------------------------------------------------------------- shared with the search */

typedef struct hnsw_entry hnsw_entry;
typedef struct hnsw_conn hnsw_conn;

/* What a search needs of an index, valid while the caller holds it (hnsw_use/hnsw_unuse). */
typedef struct hnsw_view {
    hnsw_entry *entry;           /* NULL for an index created by the caller's own transaction */
    const vector_index *idx;
    int64_t applied_seq;
    pg_oid relid;
    int attnum;
    vector_metric metric;
    int dim;
    bool busy;                   /* no idx: the index exists, busy with a bulk apply */
} hnsw_view;

/*
 * The index `oid` for a search on connection c: the transaction's own newly built index, or
 * the shared one (loaded if needed), read-locked.  out->idx is NULL (and the result true)
 * when the index does not exist (any more) or is busy with a bulk apply: the caller
 * searches exactly.
 */
bool hnsw_use(engine_conn *c, pg_oid oid, hnsw_view *out, pg_error *err) MUST_CHECK;
void hnsw_unuse(hnsw_view *v);

/* The vector index on (relid, attnum) with this metric that the connection's transaction
 * sees, *out 0 if none.  A search planned before CREATE INDEX (a prepared statement), or
 * whose index was dropped since, uses the index there is now, as PostgreSQL re-plans. */
bool hnsw_find_index(engine_conn *c, pg_oid relid, int attnum, vector_metric metric, pg_oid *out,
                     pg_error *err) MUST_CHECK;

/* The highest log seq ever assigned, as the connection's transaction sees it. */
bool hnsw_log_horizon(engine_conn *c, int64_t *out, pg_error *err) MUST_CHECK;

/* engine_vector_index_metric (backend.h). */
int sqlite_hnsw_metric(engine_db *db, engine_conn *c, pg_oid oid);

/* Search table function pgw_vector_search (sqlite_hnsw_search.c). */
int sqlite_register_vector_search(sqlite3 *db, engine_conn *c);

#endif
