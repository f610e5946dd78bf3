/*
 * ddl.h — private to the DDL files: a table as DDL sees it (columns and constraints), built
 * from CREATE TABLE or from the catalog (for rebuilds), and turned into engine DDL plus the
 * metadata rows that record it.
 */
#ifndef PGWIRE_DDL_H
#define PGWIRE_DDL_H

#include "sql/sql_internal.h"
#include "sql/pg_nodes.h"

typedef struct ddl_column {
    const char *name;
    pg_oid type;
    int32_t typmod;
    bool notnull;
    const char *default_text;    /* PostgreSQL text of the default */
    char identity;               /* 'a', 'd' or 0 */
    char generated;              /* 's': default_text is the generation expression (STORED) */
    const char *sequence_name;   /* owned sequence (serial, identity) */
    int16_t attnum;
    bool rowid_pk;               /* INTEGER PRIMARY KEY in SQLite */
    const char *copy_from;       /* rebuild: the old column it takes its values from */
    bool copy_is_expression;     /* copy_from is engine SQL, not a column name */
} ddl_column;

typedef struct ddl_constraint {
    char type;                   /* p u c f */
    const char *name;
    int nkeys;
    const char **keys;
    const char *check_text;      /* CHECK: PostgreSQL text of the expression */
    const cat_relation *ref;     /* FOREIGN KEY: referenced table (NULL = this table) */
    int nref;
    const char **ref_keys;
    char on_update, on_delete, match;
    bool deferrable, deferred;
    int location;
} ddl_constraint;

typedef struct ddl_table {
    const char *schema;
    pg_oid namespace_oid;
    const char *name;
    const char *engine_name;
    int ncols, cols_cap;
    ddl_column *cols;
    int ncons, cons_cap;
    ddl_constraint *cons;
    int16_t next_attnum;
} ddl_table;

/* Text helpers (scan.c). */
char *scan_parenthesized(const char *text, int from);
char *scan_expression(const char *text, int from);
int scan_view_query_start(const char *text);

/* Build the engine's CREATE TABLE for `t` into `out` (SQLite). */
bool ddl_sqlite_create_table(sql_xlate *x, ddl_table *t, const char *engine_name, strbuf *out) MUST_CHECK;
/* Append the metadata steps recording `t` (its table OID is reserved slot 0 of `oids`). */
typedef struct oid_block {
    int count;       /* OIDs reserved by the plan's first step */
    int used;
    pg_oid table_oid;   /* when set, slot 0 is this existing OID (rebuilds) */
} oid_block;
/* "(SELECT value - N + i FROM _pgwire_meta WHERE key = 'next_oid')" */
void ddl_oid_expr(const oid_block *b, int i, strbuf *out);
bool ddl_record_table(sql_xlate *x, sql_plan *p, ddl_table *t, oid_block *oids, int table_slot, char relkind) MUST_CHECK;
/* A plan for DDL (never cached), an accepted no-op, and OIDs reserved by the plan's first
 * step for the objects it creates (ddl.c). */
sql_plan *ddl_plan(sql_xlate *x, const char *command);
sql_plan *ddl_noop_plan(sql_xlate *x, const char *command);
bool ddl_reserve_oids(sql_xlate *x, sql_plan *p, oid_block *b, int count) MUST_CHECK;
/* Append a constant SQL step to a DDL plan. */
bool ddl_step(sql_xlate *x, sql_plan *p, const char *sql) MUST_CHECK;
bool ddl_stepf(sql_xlate *x, sql_plan *p, const char *fmt, ...) PRINTF_LIKE(3, 4) MUST_CHECK;
/* PostgreSQL's generated names: table_col_suffix, truncated to 63 bytes, made unique in
 * the schema. */
const char *ddl_choose_name(sql_xlate *x, const char *schema, const char *table, const char *column,
                            const char *suffix, ddl_table *t);
/* A table from the catalog, for rebuilds. */
bool ddl_table_from_catalog(sql_xlate *x, const cat_relation *rel, ddl_table *out) MUST_CHECK;
/* Rebuild a table in the engine with a new definition (SQLite cannot alter constraints). */
bool ddl_rebuild_table(sql_xlate *x, sql_plan *p, const cat_relation *rel, ddl_table *t, oid_block *oids) MUST_CHECK;
/* Delete every metadata row of a relation (and of its indexes and owned sequences). */
bool ddl_forget_relation(sql_xlate *x, sql_plan *p, const cat_relation *rel) MUST_CHECK;

/* The engine SQL of `text` (PostgreSQL) over the table's columns, assigned to (type, typmod):
 * ALTER TABLE's new column values (defaults, ALTER TYPE ... USING) in a rebuild's copy. */
bool ddl_column_value_sql(sql_xlate *x, ddl_table *t, const char *text, pg_oid type, int32_t typmod, const char *column,
                          strbuf *out) MUST_CHECK;
/* Whether a CHECK expression reads column `column` (an index into t->cols). */
bool ddl_check_uses_column(sql_xlate *x, ddl_table *t, const char *check_text, int column);
/* Steps dropping every relation of a schema (DROP SCHEMA CASCADE, the temporary schema). */
bool ddl_drop_schema_members(sql_xlate *x, sql_plan *p, const cat_namespace *ns) MUST_CHECK;
/* This session's temporary schema name (pg_temp_<pid>), registered as owned; NULL on OOM. */
const char *ddl_temp_schema(sql_xlate *x);
/* Steps creating `schema` if it is the temporary schema and does not exist yet (and dropping
 * temporary schemas no live session owns); before the plan's own OID reservation. */
bool ddl_ensure_schema_step(sql_xlate *x, sql_plan *p, const char *schema) MUST_CHECK;
/* CREATE SEQUENCE / ALTER SEQUENCE (ddl_sequence.c). */
bool ddl_create_sequence(sql_xlate *x, CreateSeqStmt *cs, sql_plan **out) MUST_CHECK;
bool ddl_alter_sequence(sql_xlate *x, AlterSeqStmt *as, sql_plan **out) MUST_CHECK;

#endif
