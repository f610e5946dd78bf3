/*
 * pg_nodes.h — the one place the SQL layer includes PostgreSQL's own parse-node headers
 * (postgresql-server-dev-15), for the files that read raw parse trees.  libpg_query is built
 * from PostgreSQL 15's parser; its raw trees are these very structs (docs/parser.md explains
 * the choice and how tests/unit/sql/test_parse_abi.c guards the layout).
 *
 * postgres.h must come first and redefines printf-family names to PostgreSQL's port
 * versions (exported by libpg_query), which is harmless.
 */
#ifndef PGWIRE_PG_NODES_H
#define PGWIRE_PG_NODES_H

#include "postgres.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/nodes.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "nodes/value.h"
#include "pg_query.h"
#include "pg_query_internal.h"

#include "sql/sql_internal.h"

/*
 * Enums whose order in libpg_query differs from the server headers.  libpg_query orders
 * LimitOption as its pg_query.proto does (DEFAULT, COUNT, WITH_TIES) where PostgreSQL's
 * nodes.h has COUNT, WITH_TIES, DEFAULT; every other enum of the raw trees matches (checked
 * against pg_query.proto; tests/unit/sql/test_parse_abi.c parses each LimitOption case).
 * Read limitOption only through these.
 */
#define PGQ_LIMIT_OPTION_DEFAULT 0
#define PGQ_LIMIT_OPTION_COUNT 1
#define PGQ_LIMIT_OPTION_WITH_TIES 2

/* A parsed string: its statements (RawStmt) and the memory they live in. */
typedef struct raw_parse {
    List *statements;
    MemoryContext memory;
} raw_parse;

/* Parse `text` (NUL-terminated).  Errors: PostgreSQL's message and SQLSTATE, with the
 * position moved by `position_offset` bytes of `full_text` (the client's whole string). */
bool raw_parse_text(const char *text, raw_parse *out, const char *full_text, int position_offset,
                    pg_error *err) MUST_CHECK;
void raw_parse_free(raw_parse *p);

/* A function (or ROWS FROM) in FROM as a range entry of `q`: its index, or -1 (error set). */
int analyze_range_function(sql_xlate *x, ir_query *q, RangeFunction *rf);
/* An entry's column names and types from its source, then the alias's column list over them. */
bool analyze_set_rte_columns(sql_xlate *x, ir_rte *r, int n, const char *const *names, const pg_oid *types,
                             const int32_t *typmods, Alias *alias, int location);

/* Helpers for reading nodes. */
const char *node_string(Node *n);          /* String node's value, else NULL */
/* The last name of a qualified list ("pg_catalog"."lower" → "lower"), and its schema. */
const char *name_list_last(List *names);
const char *name_list_schema(List *names);
/* 1-based character position for a byte offset of x->text (0 if offset < 0). */
int xlate_char_position(sql_xlate *x, int location);

#endif
