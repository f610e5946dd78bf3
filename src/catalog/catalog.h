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
#define CAT_OID_INFORMATION_SCHEMA 13207   /* as initdb of PostgreSQL 15 assigns it */
#define CAT_OID_PG_TOAST 99
#define CAT_FIRST_USER_OID 16384
/* The built-in vector type is listed as pgvector's extension, installed in public, with the
 * OID it would have been given first in a new database (its type is PG_OID_VECTOR). */
#define CAT_OID_VECTOR_EXTENSION 16385
#define CAT_VECTOR_EXTENSION_VERSION "0.5.1"
#define CAT_VECTOR_EXTENSION_COMMENT "vector data type and ivfflat and hnsw access methods"

typedef struct cat_column {
    const char *name;
    int16_t attnum;            /* 1-based, as pg_attribute */
    pg_oid type;
    int32_t typmod;
    bool notnull;
    const char *default_expr;  /* PostgreSQL text of the default, or NULL */
    char identity;             /* 'a' ALWAYS, 'd' BY DEFAULT, 0 none */
    char generated;            /* 's' stored generated column, 0 none */
    const char *comment;       /* COMMENT ON COLUMN, or NULL */
    pg_oid collation;          /* attcollation (0 for types without one) */
    pg_oid domain;             /* declared domain (information_schema's), 0 if none; `type`
                                  is then its base type, which queries and RowDescription see */
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
    const char *comment;       /* COMMENT ON SCHEMA, or NULL (addition) */
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
    /* Additions for pg_catalog (kept at the end so positional initialisers stay valid). */
    bool is_system;            /* a pg_catalog / information_schema relation (catalog store) */
    pg_oid reltype;            /* row type in pg_type, 0 if none */
    const char *relacl;        /* JSON array of aclitems, or NULL */
    struct cat_sequence *sequence;  /* kind 'S': its parameters */
    pg_oid owned_by;           /* sequence owned by a column (serial, identity): the table ... */
    int16_t owned_by_attnum;   /* ... and the column */
} cat_relation;

/* A sequence's parameters (pg_sequence). */
typedef struct cat_sequence {
    pg_oid type;
    int64_t start, increment, max, min, cache;
    bool cycle;
} cat_sequence;

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
/* ---------------------------------------------------------------- pg_catalog store
 *
 * pg_catalog and information_schema are real tables (docs/catalog.md): on SQLite, shared
 * in-memory databases attached to every engine connection — one built once per process with
 * what never changes (pg_type, pg_proc, pg_am ...), one per database and schema version with
 * what the schema decides (pg_class, pg_attribute, pg_constraint ... information_schema) —
 * plus temporary tables for what depends on the session (pg_settings, pg_stat_activity,
 * pg_database).  Statements name them unqualified by their engine names
 * ("pg_catalog.pg_class"), so that temporary tables built inside a transaction from a
 * private snapshot take precedence.
 */

/* Which part of the store a pg_catalog / information_schema relation lives in. */
typedef enum {
    CAT_STORE_STATIC = 0,     /* built once per process */
    CAT_STORE_SCHEMA,         /* per database and schema version */
    CAT_STORE_SESSION,        /* refilled for each statement that reads it */
} cat_store_kind;
cat_store_kind catalog_store_kind(const cat_relation *rel);

/* Session-dependent relations: which ones a statement reads (a bit set). */
#define CAT_SESSION_SETTINGS 0x1u      /* pg_settings */
#define CAT_SESSION_ACTIVITY 0x2u      /* pg_stat_activity */
#define CAT_SESSION_DATABASE 0x4u      /* pg_database */
#define CAT_SESSION_SEQUENCES 0x8u     /* pg_sequences (last_value moves without DDL) */
unsigned catalog_session_bit(const cat_relation *rel);

/* A sink for rows of a session relation, in the relation's column order, storage form. */
typedef bool (*catalog_row_fn)(void *sink, const sql_value *values, int n);

/* The relations and columns an expression or a view reads (CHECK's conkey,
 * information_schema.view_column_usage): (relation, attnum) pairs in order of appearance,
 * attnum 0 for a relation itself. */
typedef struct cat_refs {
    pg_oid *rel;
    int16_t *attnum;
    int n, cap;
    bool failed;
} cat_refs;

void cat_refs_add(cat_refs *r, pg_oid rel, int16_t attnum);   /* duplicates are skipped */
void cat_refs_free(cat_refs *r);

/* An index as pg_get_indexdef and pg_index show it. */
#define CAT_INDEX_MAX_KEYS 64
typedef struct cat_index_text {
    strbuf def, def_pretty;        /* pg_get_indexdef(oid) / (oid, 0, true) */
    strbuf keys, keys_pretty;      /* per key column, NUL-separated: pg_get_indexdef(oid, k, pretty) */
    strbuf names;                  /* per key column, NUL-separated: the index's attname */
    strbuf exprs, exprs_pretty;    /* indexprs as pg_get_expr prints it, or empty */
    strbuf pred, pred_pretty;      /* indpred, or empty */
    int16_t options[CAT_INDEX_MAX_KEYS];   /* indoption: 1 DESC, 2 NULLS FIRST */
    pg_oid expr_types[CAT_INDEX_MAX_KEYS]; /* an expression key's result type (0 for columns) */
    cat_refs refs;                 /* columns the expressions and the predicate use */
} cat_index_text;

void cat_index_text_init(cat_index_text *t);
void cat_index_text_free(cat_index_text *t);

/* How a definition is printed: pretty (pg_get_*(…, true)), and qualified: every name outside
 * pg_catalog with its schema, as PostgreSQL prints for a session whose search_path does not
 * have public (pg_dump's ''); otherwise as for the default search_path. */
#define CAT_DEPARSE_PRETTY 1u
#define CAT_DEPARSE_QUALIFIED 2u

/* What building the store needs from the layers above (the SQL layer fills it). */
typedef struct catalog_build_env {
    /* pg_proc lists the built-in functions the server implements: true if `name` is one. */
    bool (*function_exists)(const char *name);
    /* PostgreSQL's deparsed text (pg_get_expr, pg_get_constraintdef's CHECK) of an expression
     * recorded as written at CREATE time, over relation `rel`; false = keep the text.  `refs`
     * (may be NULL) receives the columns it uses. */
    bool (*deparse_expr)(void *arg, const cat_snapshot *s, const cat_relation *rel, const char *text,
                         bool is_check, unsigned mode, strbuf *out, cat_refs *refs);
    /* pg_get_viewdef's text of a view (pretty: pg_get_viewdef(oid, true)); `refs` (may be
     * NULL) receives the relations and columns it reads. */
    bool (*deparse_view)(void *arg, const cat_snapshot *s, const cat_relation *rel, unsigned mode, strbuf *out,
                         cat_refs *refs);
    /* An index as pg_get_indexdef shows it (`out` initialised by the caller). */
    bool (*describe_index)(void *arg, const cat_snapshot *s, const cat_relation *rel, const cat_index *ix,
                           cat_index_text *out);
    /* Rows of pg_settings / pg_stat_activity for the current session. */
    bool (*session_rows)(void *arg, unsigned which, const cat_relation *rel, catalog_row_fn emit, void *sink,
                         pg_error *err);
    void *arg;
} catalog_build_env;

/* Install the store on a backend: every new engine connection attaches the static part
 * (built by the first one).  `env` must outlive the backend; its `arg` is not used then. */
void catalog_install(backend *b, const catalog_build_env *env);
/* Build the static part now, through a connection of the postgres database left idle in its
 * pool (SQLite only), so that no client statement pays for it.  Threads the engine starts
 * inherit the caller's signal mask: call it once the process has set it. */
void catalog_build_static_now(backend *b);

/*
 * Make pg_catalog / information_schema current on `conn` for snapshot `s`, before a statement
 * that reads them runs; `session_rels` (CAT_SESSION_*) are refilled.  Outside an engine
 * transaction the shared store of the snapshot's schema version is attached (built by the
 * first connection that needs it); inside one (SQLite cannot ATTACH then) the connection
 * keeps what it has attached, or, for a private snapshot (the transaction changed the schema)
 * or when it has nothing, uses temporary tables built from `s`.
 */
bool catalog_store_prepare(engine_conn *conn, cat_snapshot *s, unsigned session_rels, const catalog_build_env *env,
                           pg_error *err) MUST_CHECK;

/* Build statistics for docs/catalog.md and the benchmark: microseconds of the last builds. */
typedef struct catalog_store_stats {
    int64_t static_build_us, schema_build_us, temp_build_us, attach_us;
    int64_t static_builds, schema_builds, temp_builds, attaches;
} catalog_store_stats;
void catalog_store_get_stats(catalog_store_stats *out);

/* A unique id of a snapshot (stores built from it are keyed by it) and whether it is private. */
uint64_t cat_snapshot_id(const cat_snapshot *s);
bool cat_snapshot_is_private(const cat_snapshot *s);
/* PostgreSQL's own relation by name, or NULL (the same objects every snapshot holds). */
const cat_relation *catalog_find_system_relation(const char *schema, const char *name);

/* ---------------------------------------------------------------- built-in objects by OID and name */

/* typname of a type (the types layer's, else PostgreSQL's catalog); NULL if unknown. */
const char *catalog_type_name(pg_oid oid);
/* PostgreSQL 15's category, short_desc and extra_desc (may be NULL) of a setting. */
bool catalog_setting_description(const char *name, const char **category, const char **short_desc,
                                 const char **extra_desc);
/* Its schema: pg_catalog, or public for types added beyond PostgreSQL's (pgvector's vector). */
pg_oid catalog_type_namespace(pg_oid oid);
/* A built-in domain's typtypmod (information_schema.yes_or_no: varchar(3), 7), else -1. */
int32_t catalog_domain_typmod(pg_oid domain);
/* The element type of a built-in array type ("_pg_class" → pg_class), else 0. */
pg_oid catalog_type_array_elem(pg_oid oid);
pg_oid catalog_type_array_of(pg_oid oid);
/* A built-in type by name: `schema` if given, else pg_catalog then the schemas of `path`. */
pg_oid catalog_type_lookup(const char *schema, const char *name, const char *const *path, size_t npath);
/* proname of a function of pg_catalog; NULL if unknown. */
const char *catalog_proc_name(pg_oid oid);
/* A built-in function's argument types (proargtypes); -1 if unknown. */
int catalog_proc_args(pg_oid oid, pg_oid *args, int max);
/* The built-in function `name`(args...), or 0. */
pg_oid catalog_proc_find(const char *name, const pg_oid *args, int nargs);
/* How many pg_catalog functions are named `name`, and the OID of the first. */
int catalog_proc_lookup(const char *name, pg_oid *first);
/* Roles (pg_authid). */
const char *catalog_role_name(pg_oid oid);
bool catalog_role_oid(const char *name, pg_oid *out);
/* Encodings by number, as pg_encoding_to_char names them; NULL if out of range. */
const char *catalog_encoding_name(int encoding);
int catalog_encoding_number(const char *name);

/* ---------------------------------------------------------------- names as PostgreSQL prints them */

/* quote_ident(): quoted only when needed (not lower-case, or a keyword that is not unreserved). */
void catalog_quote_ident_pg(const char *name, strbuf *out);
/* A relation name as regclass prints it: qualified when not visible through `search_path`
 * (schemas in lookup order, pg_catalog implied first when absent). */
void catalog_format_relation(const cat_snapshot *s, const cat_relation *r, const char *const *search_path,
                             size_t npath, strbuf *out);
/* Whether an unqualified name would find `r` through the path (pg_table_is_visible). */
bool catalog_relation_visible(const cat_snapshot *s, const cat_relation *r, const char *const *search_path,
                              size_t npath);

/* Append an identifier quoted for SQLite / PostgreSQL ("a""b"). */
void catalog_quote_ident(const char *name, strbuf *out);
void catalog_quote_literal(const char *text, strbuf *out);

#endif
