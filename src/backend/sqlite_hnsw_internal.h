/*
 * sqlite_hnsw_internal.h — shared by sqlite_hnsw.c (registry, transactions, loading, SQL
 * functions) and sqlite_hnsw_data.c (metadata, rows, change log, persisted copy), nobody else.
 * The design and its invariants are in sqlite_hnsw.h.
 */
#ifndef PGWIRE_SQLITE_HNSW_INTERNAL_H
#define PGWIRE_SQLITE_HNSW_INTERNAL_H

#include "backend/sqlite_hnsw.h"

typedef struct hnsw_registry hnsw_registry;

/* A batch of this many changed rows is applied as "bulk" (hnsw_entry.bulk_apply). */
#define HNSW_BULK_APPLY_ROWS 1024



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
    /* A large batch is being applied (it holds or waits for `rw`): a search that cannot get
     * the read lock at once answers exactly from the table instead of waiting. */
    _Atomic bool bulk_apply;
    _Atomic int64_t searches_exact_during_apply;
    int64_t persisted_seq;         /* what _pgwire_hnsw.persisted_seq says */
    bool need_full_save;           /* no persisted copy to extend */
    int64_t changes_since_persist;
    int64_t store_bytes, full_bytes, next_part;
    int64_t apply_failures, persist_failures;
    bool rebuilt_at_load;
    int build_threads;             /* threads of the last whole build (stats) */
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
    int build_threads;
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
    _Atomic bool apply_wanted;     /* a commit logged changes while maint_lock was taken */
};

/* One index's _pgwire_hnsw row with its table and column names (quoted). */
typedef struct index_desc {
    pg_oid oid, relid;
    int attnum;
    vector_metric metric;
    int dim, m, efc;
    int64_t persisted_seq, store_bytes, full_bytes;
    char *table_q, *column_q;
} index_desc;

/* Rows read from the table, to bring an index in line with it. */
typedef struct row_batch {
    int64_t *touched;              /* every row to re-check */
    size_t ntouched;
    int64_t *rowids;               /* rows present with a vector */
    float *vectors;                /* npresent × dim */
    size_t npresent;
} row_batch;

typedef struct log_rows {
    int64_t *rows;
    size_t n, cap;
} log_rows;

void hnsw_quote_ident(strbuf *b, const char *name);
char *hnsw_quoted(const char *name);
void hnsw_key_of(pg_oid oid, char key[16]);
hnsw_conn *hnsw_conn_of(engine_conn *c, bool create);
hnsw_registry *hnsw_registry_of(engine_db *db, bool create);
bool hnsw_prepare_ints(engine_conn *c, const char *sql, engine_stmt **st, pg_error *err, int n, ...);
bool hnsw_exec_ints(engine_conn *c, const char *sql, pg_error *err, int n, int64_t a, int64_t b, int64_t d);
bool hnsw_query_int(engine_conn *c, const char *sql, int64_t *out, bool *found, pg_error *err, int n, int64_t a,
                      int64_t b);
bool hnsw_meta_exists(engine_conn *c, pg_error *err, bool *exists);
bool hnsw_query_text(engine_conn *c, const char *sql, int64_t a, int64_t b, int n, char **out, pg_error *err);
bool hnsw_read_names(engine_conn *c, pg_oid relid, int attnum, char **table_q, char **column_q, pg_error *err);
bool hnsw_read_desc(engine_conn *c, pg_oid oid, index_desc *d, bool *found, pg_error *err);
void hnsw_desc_free(index_desc *d);
void hnsw_batch_free(row_batch *b);
bool hnsw_batch_read(engine_conn *c, const char *table_q, const char *column_q, int dim, int64_t *rows, size_t n,
                       row_batch *b, pg_error *err);
bool hnsw_batch_apply(vector_index *idx, size_t dim, const row_batch *b, pg_error *err);
bool hnsw_read_all(engine_conn *c, const char *table_q, const char *column_q, int dim, row_batch *b, pg_error *err);
/* A new index over every row of the table; threads 0 = every core. */
/* threads: 0 or more than the CPUs = every CPU; *threads_used (may be NULL) says how many. */
vector_index *hnsw_build_from_table(engine_conn *c, const index_desc *d, int threads, int *threads_used,
                                    pg_error *err);
bool hnsw_log_read(engine_conn *c, pg_oid relid, int attnum, int64_t from, int64_t to, log_rows *out, pg_error *err);
engine_conn *hnsw_maint_conn(hnsw_registry *r, pg_error *err);
bool hnsw_entry_persist(hnsw_registry *r, hnsw_entry *e, bool force_full, pg_error *err);
bool hnsw_persist_due(hnsw_entry *e);
vector_index *hnsw_store_load(engine_conn *c, pg_oid oid, int64_t *next_part, pg_error *err);
bool hnsw_entry_names(engine_conn *c, hnsw_entry *e, pg_error *err);
bool hnsw_registry_put(hnsw_registry *r, hnsw_entry *e);
void hnsw_registry_remove(hnsw_registry *r, pg_oid oid);
hnsw_entry *hnsw_registry_get(hnsw_registry *r, pg_oid oid);
hnsw_entry **hnsw_registry_all(hnsw_registry *r, size_t *n);
hnsw_entry *hnsw_entry_new(hnsw_registry *r, const index_desc *d, vector_index *idx, int64_t applied);
void hnsw_entry_destroy(hnsw_entry *e);
void hnsw_entry_unref(hnsw_registry *r, hnsw_entry *e);
void hnsw_entry_retire(hnsw_registry *r, hnsw_entry *e);

#endif
