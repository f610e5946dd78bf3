/*
 * catalog.h — what PostgreSQL keeps in its system catalogs, for our engines.
 *
 * A snapshot is an immutable, in-memory picture of one database's schema (namespaces,
 * relations with their columns, constraints and indexes), loaded from the engine: for
 * SQLite from the metadata tables this layer maintains in each database file (_pgwire_*),
 * for ODBC engines from the engine's INFORMATION_SCHEMA.  The analyser resolves names
 * against a snapshot; a snapshot is shared by every session of the database until the
 * schema version changes.
 *
 * The metadata tables (SQLite) record what the engine schema cannot: PostgreSQL types and
 * typmods, OIDs stable across restarts, default expressions as PostgreSQL text, constraint
 * and index definitions, comments, sequences.  DDL translation writes them in the same
 * engine transaction as the DDL itself, so they are never out of step.
 */
#ifndef PGWIRE_CATALOG_H
#define PGWIRE_CATALOG_H

#include "backend/backend.h"
#include "common/common.h"
#include "types/types.h"

/* OIDs of PostgreSQL's own namespaces, and where user objects start (FirstNormalObjectId). */
#define CAT_OID_PG_CATALOG 11
#define CAT_OID_PUBLIC 2200
#define CAT_OID_INFORMATION_SCHEMA 13000
#define CAT_OID_PG_TOAST 99
#define CAT_FIRST_USER_OID 16384

typedef struct cat_column {
    const char *name;
    int16_t attnum;            /* 1-based, as pg_attribute */
    pg_oid type;
    int32_t typmod;
    bool notnull;
    const char *default_expr;  /* PostgreSQL text of the default, or NULL */
    char identity;             /* 'a' ALWAYS, 'd' BY DEFAULT, 0 none */
    char generated;            /* 's' stored generated column, 0 none */
} cat_column;

typedef struct cat_constraint {
    pg_oid oid;
    const char *name;
    char type;                 /* p primary key, u unique, f foreign key, c check, n not null */
    int nkeys;
    int16_t *keys;             /* attnums */
    pg_oid ref_relation;       /* foreign key: referenced table */
    int16_t *ref_keys;
    char on_update, on_delete, match_type;   /* a r c n d / s f p */
    const char *definition;    /* pg_get_constraintdef text */
    pg_oid index_oid;
} cat_constraint;

typedef struct cat_index {
    pg_oid oid;
    const char *name;
    bool unique;
    bool primary;
    int nkeys;
    int16_t *keys;             /* attnums, 0 for an expression */
    const char *definition;    /* pg_get_indexdef text */
    const char *predicate;     /* partial index WHERE, PostgreSQL text */
    const char *method;        /* btree, hnsw, ... */
    const char *engine_name;
} cat_index;

typedef struct cat_namespace {
    pg_oid oid;
    const char *name;
} cat_namespace;

typedef struct cat_relation {
    pg_oid oid;
    pg_oid namespace_oid;
    const char *schema;
    const char *name;
    char kind;                 /* r table, v view, i index, S sequence, m matview, p partitioned */
    const char *engine_schema; /* engine-side schema qualifier or NULL */
    const char *engine_name;   /* engine-side table name */
    int ncolumns;
    cat_column *columns;
    int nconstraints;
    cat_constraint *constraints;
    int nindexes;
    cat_index *indexes;
    const char *view_definition;   /* PostgreSQL text of a view's query */
    const char *comment;
} cat_relation;

typedef struct cat_snapshot cat_snapshot;

/*
 * The snapshot of `db` as seen by `conn` (a connection from its pool).  `private_view`: the
 * caller's open transaction changed the schema, so the snapshot must come from its own
 * connection and must not be shared.  Shared snapshots are cached on the database and
 * rebuilt when engine_db_schema_version() moves.  Release with cat_snapshot_unref().
 */
bool catalog_snapshot(engine_db *db, engine_conn *conn, bool private_view, cat_snapshot **out,
                      pg_error *err) MUST_CHECK;
/* The shared snapshot if it is current, without any engine access; NULL if a load is due. */
cat_snapshot *catalog_snapshot_cached(engine_db *db);
void cat_snapshot_ref(cat_snapshot *s);
void cat_snapshot_unref(cat_snapshot *s);
uint64_t cat_snapshot_version(const cat_snapshot *s);

const cat_namespace *cat_find_namespace(const cat_snapshot *s, const char *name);
const cat_namespace *cat_namespace_by_oid(const cat_snapshot *s, pg_oid oid);
const cat_relation *cat_find_relation(const cat_snapshot *s, const char *schema, const char *name);
const cat_relation *cat_relation_by_oid(const cat_snapshot *s, pg_oid oid);
/* Iteration, for building pg_class & co. */
size_t cat_relation_count(const cat_snapshot *s);
const cat_relation *cat_relation_at(const cat_snapshot *s, size_t i);
size_t cat_namespace_count(const cat_snapshot *s);
const cat_namespace *cat_namespace_at(const cat_snapshot *s, size_t i);
const cat_column *cat_find_column(const cat_relation *r, const char *name);

/* ---------------------------------------------------------------- metadata writes (SQLite) */

/* Create the metadata tables if the database has none (new database).  Idempotent. */
bool catalog_bootstrap(engine_conn *conn, pg_error *err) MUST_CHECK;
/* A fresh OID for a user object (persisted in the same transaction as the caller's DDL). */
bool catalog_next_oid(engine_conn *conn, pg_oid *out, pg_error *err) MUST_CHECK;
/* The metadata table names, for DDL translation (SQLite). */
#define CAT_META_NAMESPACE "_pgwire_namespace"
#define CAT_META_CLASS "_pgwire_class"
#define CAT_META_ATTRIBUTE "_pgwire_attribute"
#define CAT_META_CONSTRAINT "_pgwire_constraint"
#define CAT_META_INDEX "_pgwire_index"
#define CAT_META_DESCRIPTION "_pgwire_description"
#define CAT_META_SEQUENCE "_pgwire_sequence"
#define CAT_META_DEPEND "_pgwire_depend"
#define CAT_META_MISC "_pgwire_meta"
/* Engine-side name of a table in a namespace: "t" in public, "s.t" elsewhere. */
void catalog_engine_table_name(const char *schema, const char *name, strbuf *out);
/* Append an identifier quoted for SQLite / PostgreSQL ("a""b"). */
void catalog_quote_ident(const char *name, strbuf *out);
void catalog_quote_literal(const char *text, strbuf *out);

#endif
