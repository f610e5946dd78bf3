/*
 * emit_odbc.h — private to the emitters of engines reached through ODBC (emit_odbc.c: the
 * shared walk of the IR; emit_iris.c: IRIS's types, functions and rules; emit_postgres.c:
 * PostgreSQL through psqlODBC).  Parameters are always `?`: each one written appends the
 * PostgreSQL parameter number it stands for to the step's parameter map, so $n may repeat
 * and come in any order.
 */
#ifndef PGWIRE_EMIT_ODBC_H
#define PGWIRE_EMIT_ODBC_H

#include "sql/sql_internal.h"

typedef struct oemit {
    sql_xlate *x;
    emit_result *res;          /* the statement being written (its sql and parameter map) */
    strbuf *out;
    ir_query *q;               /* query unqualified levels refer to */
    ir_query *bare_query;      /* columns of bare_rte are written without their alias */
    int bare_rte;
    sql_dialect dialect;
    bool iris;
    bool sqlite;               /* SQLite reached through its ODBC driver: no pgw_* functions */
    int iris_version;          /* 20251 = 2025.1 */
    const char *public_schema; /* engine schema for PostgreSQL's public */
    const char *vector_type;   /* IRIS vector element type (iris_vector_type): FLOAT, DOUBLE ... */
    bool in_subquery;
    bool top_all;              /* IRIS: the next SELECT is a TOP ALL subquery (OFFSET before 2025.1) */
    bool failed;
} oemit;

void oe_put(oemit *em, const char *s);
void oe_putc(oemit *em, char c);
void oe_printf(oemit *em, const char *fmt, ...) PRINTF_LIKE(2, 3);
void oe_fail(oemit *em, int location, const char *sqlstate, const char *fmt, ...) PRINTF_LIKE(4, 5);
void oe_ident(oemit *em, const char *name);
void oe_param(oemit *em, int number);
/* An expression where a value is wanted / where a condition is wanted (IRIS has no boolean
 * values: conditions and BIT values are converted between the two positions). */
void oe_value(oemit *em, ir_expr *e);
void oe_pred(oemit *em, ir_expr *e);
void oe_args(oemit *em, ir_expr **args, int n);
/* Template expansion: %1..%9, %* (all), %D (DISTINCT), %%. */
void oe_expand(oemit *em, const char *tmpl, ir_expr **args, int nargs, bool distinct);
bool oe_is_predicate(const oemit *em, const ir_expr *e);

/* emit_iris.c */
bool iris_type_name(pg_oid type, int32_t typmod, const char *vector_type, strbuf *out);
/* A call in IRIS: true when written (or failed); false = not IRIS-specific, use the template. */
bool iris_emit_call(oemit *em, ir_expr *e);
void iris_emit_const(oemit *em, ir_expr *e);
/* The row limit of a query: TOP (written after SELECT [DISTINCT]) or LIMIT/OFFSET (after ORDER
 * BY), chosen by target version; OFFSET before 2025.1 uses %VID. */
bool iris_use_top(const oemit *em, const ir_query *q);
void iris_emit_top(oemit *em, const ir_query *q);

/* emit_postgres.c */
bool postgres_type_name(pg_oid type, int32_t typmod, strbuf *out);
void postgres_emit_call(oemit *em, ir_expr *e);

#endif
