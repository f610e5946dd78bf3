/*
 * vector_index.h — pgvector in the SQL layer, private to src/sql: CREATE/DROP of vector
 * indexes (vector_ddl.c) and the planning of nearest-neighbour queries (vector_plan.c) for
 * the embedded engine, whose indexes live in src/backend/sqlite_hnsw*.c.
 *
 * `USING hnsw` and `USING ivfflat` are both served by the engine's HNSW index; pgvector's
 * operator classes pick the distance:
 *   vector_l2_ops <->   vector_ip_ops <#>   vector_cosine_ops <=>   vector_l1_ops <+>
 */
#ifndef PGWIRE_VECTOR_INDEX_H
#define PGWIRE_VECTOR_INDEX_H

#include "sql/ddl.h"

/* Distances, numbered as the engine numbers them (engine_vector_index_metric). */
typedef enum {
    VEC_L2 = 0,
    VEC_IP = 1,        /* negative inner product, <#> */
    VEC_COSINE = 2,
    VEC_L1 = 3,
} vec_metric;

/* What CREATE INDEX ... USING hnsw|ivfflat asked for, validated. */
typedef struct vector_index_spec {
    const cat_column *column;
    vec_metric metric;
    const char *opclass;       /* as written, NULL for the default (vector_l2_ops) */
    int m, ef_construction;
    bool ivfflat;
} vector_index_spec;

/* ---------------------------------------------------------------- DDL (vector_ddl.c) */

bool vector_ddl_is_access_method(const char *am);
/* Check the statement as pgvector would (one vector column with dimensions, operator
 * class, WITH options) and fill `spec`; an ivfflat index gets its NOTICE here. */
struct IndexStmt;
bool vector_ddl_check(sql_xlate *x, struct IndexStmt *is, const cat_relation *rel, const char *am,
                      vector_index_spec *spec) MUST_CHECK;
/* pg_get_indexdef's rendering: " opclass" after the column when not the default, and the
 * WITH (...) clause after the column list. */
void vector_ddl_append_opclass(const vector_index_spec *spec, strbuf *def);
void vector_ddl_append_with(struct IndexStmt *is, strbuf *def);
/* Steps after the index's metadata rows (its OID is slot 0 of `oids`): our tables, the
 * row, the triggers that log changes, and the build. */
bool vector_ddl_create_steps(sql_xlate *x, sql_plan *p, const cat_relation *rel, const oid_block *oids,
                             const vector_index_spec *spec) MUST_CHECK;
/* The vector index `index_oid`, and the table it is on; NULL if it is not one. */
const cat_index *vector_ddl_find(const cat_snapshot *s, pg_oid index_oid, const cat_relation **table);
bool vector_ddl_is_vector_index(const cat_index *ix);
/* DROP INDEX of a vector index: its engine side (no SQLite index exists). */
bool vector_ddl_drop_index(sql_xlate *x, sql_plan *p, const cat_relation *table, const cat_index *ix) MUST_CHECK;
/* DROP TABLE (and everything that forgets a relation): its vector indexes' engine side. */
bool vector_ddl_forget_table(sql_xlate *x, sql_plan *p, const cat_relation *rel) MUST_CHECK;
/* After a table rewrite (ddl_rebuild_table): triggers again and the indexes rebuilt. */
bool vector_ddl_after_rebuild(sql_xlate *x, sql_plan *p, const cat_relation *rel, const ddl_table *t) MUST_CHECK;

/* VACUUM [tables], REINDEX INDEX|TABLE, CHECKPOINT on the embedded engine: the vector
 * indexes involved are rebuilt when rows were deleted (VACUUM), rebuilt (REINDEX) or
 * persisted (CHECKPOINT).  *handled false when no vector index is involved. */
struct Node;
bool vector_ddl_maintenance(sql_xlate *x, struct Node *stmt, sql_plan **out, bool *handled) MUST_CHECK;

/* ---------------------------------------------------------------- planning (vector_plan.c) */

/* How one nearest-neighbour query was planned (for EXPLAIN). */
typedef struct vector_plan_note {
    const ir_query *query;
    const cat_relation *rel;
    const cat_index *index;    /* NULL: exact search */
    const char *column;
    const char *op;            /* "<->" ... or the function name */
    const ir_expr *order_arg;  /* the query vector expression */
    bool filtered;
    struct vector_plan_note *next;
} vector_plan_note;

/*
 * Rewrite every `SELECT ... FROM t [WHERE ...] ORDER BY col <op> q LIMIT k` in the tree
 * (top level, FROM subqueries, WITH queries) into the engine's pgw_vector_search table
 * function: the HNSW index when one on col has the operator's distance, else an exact
 * top-k.  Queries of other shapes are left alone.  `notes`, when given, receives one note
 * per rewritten query.  SQLite dialect only.
 */
bool vector_plan_rewrite(sql_xlate *x, ir_query *q, vector_plan_note **notes) MUST_CHECK;

#endif
