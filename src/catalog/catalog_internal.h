/*
 * catalog_internal.h — shared between the files of the catalog layer.
 */
#ifndef PGWIRE_CATALOG_INTERNAL_H
#define PGWIRE_CATALOG_INTERNAL_H

#include "catalog/catalog.h"

#include <pthread.h>
#include <stdatomic.h>

struct cat_snapshot {
    _Atomic int refs;
    uint64_t version;
    uint64_t id;                /* unique in the process: which snapshot a store was built from */
    bool is_private;
    arena mem;                  /* every string and array of the snapshot */
    cat_relation **relations;
    size_t nrelations, relations_cap;
    cat_namespace *namespaces;
    size_t nnamespaces, namespaces_cap;
    hashmap by_name;            /* "schema\x1fname" → cat_relation */
    hashmap by_oid;             /* "oid" → cat_relation */
    hashmap namespaces_by_name;
};

/* Per database: the current shared snapshot and the engine connection that loads it (the
 * catalog's own, outside the pool, so that translating never waits for a pooled one; loads
 * are serialised by `lock`), and the catalog store's name and build lock. */
typedef struct shared_holder {
    pthread_mutex_t lock;
    cat_snapshot *current;
    engine_conn *conn;
    uint64_t store_id;          /* names this database's stores ("/pgw-cat-<id>-<version>") */
    pthread_mutex_t store_lock; /* one builder at a time */
} shared_holder;
shared_holder *holder_of(engine_db *db);

cat_snapshot *cat_snapshot_new(uint64_t version);
bool cat_snapshot_add_namespace(cat_snapshot *s, pg_oid oid, const char *name) MUST_CHECK;
bool cat_snapshot_add_relation(cat_snapshot *s, cat_relation *r) MUST_CHECK;
/* Fill a snapshot from the engine (dispatches on the backend kind). */
bool catalog_load(engine_conn *conn, cat_snapshot *s, pg_error *err) MUST_CHECK;
bool catalog_load_sqlite(engine_conn *conn, cat_snapshot *s, pg_error *err) MUST_CHECK;
/* An engine reached through ODBC: its INFORMATION_SCHEMA (or SQLite's sqlite_master). */
bool catalog_load_odbc(engine_conn *conn, cat_snapshot *s, pg_error *err) MUST_CHECK;

/* PostgreSQL's own relations (catalog_defs.c), shared by every snapshot. */
bool catalog_add_system_relations(cat_snapshot *s) MUST_CHECK;
size_t catalog_system_relation_count(void);
const cat_relation *catalog_system_relation_at(size_t i);
const cat_relation *catalog_system_relation(const char *schema, const char *name);

#endif
