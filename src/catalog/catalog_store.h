/*
 * catalog_store.h — private to the catalog store files: the row writer, the table layout of
 * the store, and the builders (static rows, schema rows, information_schema, session rows).
 */
#ifndef PGWIRE_CATALOG_STORE_H
#define PGWIRE_CATALOG_STORE_H

#include "catalog/catalog_internal.h"

/* ---------------------------------------------------------------- row writer (catalog_rows.c) */

typedef struct rowwriter {
    engine_conn *conn;
    const cat_relation *rel;
    engine_stmt *stmt;
    sql_value *vals;          /* one per column, NULL unless set */
    strbuf *texts;            /* per column: the text a TEXT value points into */
    pg_error *err;
    bool failed;
} rowwriter;

/* Prepare INSERT INTO [schema.]"<engine name of rel>". */
bool rw_open(rowwriter *w, engine_conn *conn, const char *schema, const cat_relation *rel, pg_error *err) MUST_CHECK;
void rw_close(rowwriter *w);
int rw_col(rowwriter *w, const char *name);
void rw_int(rowwriter *w, int col, int64_t v);
void rw_bool(rowwriter *w, int col, bool v);
void rw_float(rowwriter *w, int col, double v);
void rw_text(rowwriter *w, int col, const char *s);      /* copied; NULL = SQL NULL */
void rw_textf(rowwriter *w, int col, const char *fmt, ...) PRINTF_LIKE(3, 4);
strbuf *rw_buf(rowwriter *w, int col);                   /* append the column's text */
bool rw_insert(rowwriter *w) MUST_CHECK;

/* ---------------------------------------------------------------- layout (catalog_store.c) */

/* CREATE TABLE for every relation of `kind` in `schema` ("temp" for temporary tables),
 * with the indexes catalog queries look things up by. */
bool store_create_tables(engine_conn *conn, const char *schema, cat_store_kind kind, pg_error *err) MUST_CHECK;
bool store_exec(engine_conn *conn, pg_error *err, const char *fmt, ...) PRINTF_LIKE(3, 4) MUST_CHECK;
/* Our own tables beside PostgreSQL's ("pgw.constraintdef", "pgw.indexdef", "pgw.viewdef",
 * "pgw.serial", "pgw.encodings"), by short name, for the row writer. */
const cat_relation *store_internal_relation(const char *name);
bool build_encodings(engine_conn *conn, const char *schema, pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- builders */

/* catalog_build_static.c: the rows of the static relations. */
bool build_static(engine_conn *conn, const char *schema, const catalog_build_env *env, pg_error *err) MUST_CHECK;
/* Facts about types the builders share: pg_type's typcollation and the default operator class. */
pg_oid build_type_collation(pg_oid type);
pg_oid build_default_opclass(pg_oid type, pg_oid am);
const char *build_collation_name(pg_oid collation);   /* NULL if unknown */
const char *build_role_at(size_t i);                  /* pg_authid's role names; NULL past the end */
/* A foreign key column's equality operators (conpfeqop, conppeqop, conffeqop). */
void build_fk_operators(pg_oid pktype, pg_oid fktype, pg_oid *pf, pg_oid *pp, pg_oid *ff);

/* catalog_build_schema.c: pg_namespace, pg_class, pg_attribute ... from a snapshot. */
typedef struct build_ctx {
    engine_conn *conn;
    const char *schema;            /* where the tables are */
    const cat_snapshot *s;
    const catalog_build_env *env;
    const char *database;          /* current database name */
    pg_error *err;
    pg_oid next_synthetic_oid;     /* pg_attrdef and other rows we keep no OID for */
    hashmap derived;               /* texts computed once per build (catalog_text.c) */
    hashmap attrdefs;              /* "<relid>.<attnum>" → synthetic pg_attrdef OID */
    bool qualified;                /* texts for a search_path without public (CAT_DEPARSE_QUALIFIED) */
    /* Which relations' rows the builders of system-and-user tables (pg_class, pg_attribute,
     * pg_tables, pg_views, information_schema tables, views, columns) write: all, only
     * PostgreSQL's own (the per-database template), or only the user's (the template's rows
     * are then copied from `system_rows`, an attached store). */
    enum { BUILD_ALL, BUILD_SYSTEM, BUILD_USER } rows;
    const char *system_rows;
} build_ctx;

static inline bool build_wants(const build_ctx *b, const cat_relation *r)
{
    return b->rows == BUILD_ALL || (b->rows == BUILD_SYSTEM) == r->is_system;
}

/* The relations whose system rows a template holds (engine names). */
extern const char *const build_system_row_tables[];
extern const size_t build_system_row_table_count;
/* The pg_attrdef OID of a column's default, the same every time it is asked in a build
 * (we keep none: synthetic, from b->next_synthetic_oid). */
pg_oid build_attrdef_oid(build_ctx *b, pg_oid rel, int attnum);
/* The pg_rewrite OID of a view's _RETURN rule, synthetic the same way. */
pg_oid build_rule_oid(build_ctx *b, pg_oid view);
void build_ctx_release(build_ctx *b);
bool build_schema(build_ctx *b) MUST_CHECK;
/* The builders of the tables with system rows (b->rows == BUILD_SYSTEM for the template). */
bool build_schema_system_rows(build_ctx *b) MUST_CHECK;
bool build_information_schema_system_rows(build_ctx *b) MUST_CHECK;
/* catalog_build_info.c: information_schema. */
bool build_information_schema(build_ctx *b) MUST_CHECK;
/* Text helpers the builders share (catalog_text.c). */
const char *build_column_default(build_ctx *b, const cat_relation *r, const cat_column *c, bool pretty, strbuf *out);
const char *build_constraint_def(build_ctx *b, const cat_relation *r, const cat_constraint *k, bool pretty,
                                 strbuf *out, cat_refs *refs);
/* An index's texts (the SQL layer's, else from the structure alone); NULL only on OOM. */
const cat_index_text *build_index_text(build_ctx *b, const cat_relation *r, const cat_index *ix);
/* A view's pg_get_viewdef texts and what it reads; false = the recorded text only. */
bool build_view_text(build_ctx *b, const cat_relation *r, const char **def, const char **pretty,
                     const cat_refs **refs);
/* The columns a CHECK constraint uses (its conkey), or NULL if unknown. */
const cat_refs *build_check_refs(build_ctx *b, const cat_relation *r, const cat_constraint *k);
const cat_relation *build_index_relation(const cat_snapshot *s, const cat_index *ix);
/* The unique index of `ref` whose keys are exactly `keys` (a foreign key's conindid), or 0. */
pg_oid build_fk_index(const cat_snapshot *s, const cat_relation *ref, const int16_t *keys, int nkeys);
const cat_column *build_column_by_attnum(const cat_relation *r, int attnum);

/* catalog_store.c: session relations. */
bool build_session(engine_conn *conn, const cat_snapshot *s, unsigned which, const catalog_build_env *env,
                   pg_error *err) MUST_CHECK;

#endif
