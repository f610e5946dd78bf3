/*
 * catalog_internal.h — shared between the files of the catalog layer.
 */
#ifndef PGWIRE_CATALOG_INTERNAL_H
#define PGWIRE_CATALOG_INTERNAL_H

#include "catalog/catalog.h"

#include <stdatomic.h>

struct cat_snapshot {
    _Atomic int refs;
    uint64_t version;
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

cat_snapshot *cat_snapshot_new(uint64_t version);
bool cat_snapshot_add_namespace(cat_snapshot *s, pg_oid oid, const char *name) MUST_CHECK;
bool cat_snapshot_add_relation(cat_snapshot *s, cat_relation *r) MUST_CHECK;
/* Fill a snapshot from the engine (dispatches on the backend kind). */
bool catalog_load(engine_conn *conn, cat_snapshot *s, pg_error *err) MUST_CHECK;
bool catalog_load_sqlite(engine_conn *conn, cat_snapshot *s, pg_error *err) MUST_CHECK;
/* An engine reached through ODBC: its INFORMATION_SCHEMA (or SQLite's sqlite_master). */
bool catalog_load_odbc(engine_conn *conn, cat_snapshot *s, pg_error *err) MUST_CHECK;

#endif
