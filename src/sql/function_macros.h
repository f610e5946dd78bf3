/*
 * function_macros.h — shorthands for the function tables (function_table*.c): type OIDs and
 * entry builders.  Only the table files include it.
 */
#ifndef PGWIRE_FUNCTION_MACROS_H
#define PGWIRE_FUNCTION_MACROS_H

#include "sql/function_table.h"

#define I2 PG_OID_INT2
#define I4 PG_OID_INT4
#define I8 PG_OID_INT8
#define F4 PG_OID_FLOAT4
#define F8 PG_OID_FLOAT8
#define NUM PG_OID_NUMERIC
#define TXT PG_OID_TEXT
#define VCH PG_OID_VARCHAR
#define BPC PG_OID_BPCHAR
#define NAM PG_OID_NAME
#define BOO PG_OID_BOOL
#define BYT PG_OID_BYTEA
#define DAT PG_OID_DATE
#define TIM PG_OID_TIME
#define TTZ PG_OID_TIMETZ
#define TS PG_OID_TIMESTAMP
#define TSZ PG_OID_TIMESTAMPTZ
#define IVL PG_OID_INTERVAL
#define UID PG_OID_UUID
#define JSN PG_OID_JSON
#define JSB PG_OID_JSONB
#define OID_ PG_OID_OID
#define ANY PG_OID_ANY
#define ANYEL PG_OID_ANYELEMENT
#define ANYNA PG_OID_ANYNONARRAY
#define ANYARR PG_OID_ANYARRAY
#define VOID PG_OID_VOID
#define CHR PG_OID_CHAR
#define REGCLASS PG_OID_REGCLASS
#define TXTARR PG_OID_TEXT_ARRAY
#define VEC PG_OID_VECTOR

#define E(s, i) {s, i}
#define OP2(op, l, r, ret, sq, ir) {op, 2, {l, r}, ret, FN_PLAIN, 0, E(sq, ir), 0}
#define OP1(op, a, ret, sq, ir) {op, 1, {a}, ret, FN_PLAIN, 0, E(sq, ir), 0}
#define F0(n, ret, sq, ir) {n, 0, {0}, ret, FN_PLAIN, 0, E(sq, ir), 0}
#define F0V(n, ret, sq, ir) {n, 0, {0}, ret, FN_PLAIN, FN_VOLATILE, E(sq, ir), 0}
#define F1(n, a, ret, sq, ir) {n, 1, {a}, ret, FN_PLAIN, 0, E(sq, ir), 0}
#define F2(n, a, b, ret, sq, ir) {n, 2, {a, b}, ret, FN_PLAIN, 0, E(sq, ir), 0}
#define F3(n, a, b, c, ret, sq, ir) {n, 3, {a, b, c}, ret, FN_PLAIN, 0, E(sq, ir), 0}
#define F4_(n, a, b, c, d, ret, sq, ir) {n, 4, {a, b, c, d}, ret, FN_PLAIN, 0, E(sq, ir), 0}
#define FV(n, a, ret, sq, ir) {n, 1, {a}, ret, FN_PLAIN, FN_VARIADIC, E(sq, ir), 0}
#define FV2(n, a, b, ret, sq, ir) {n, 2, {a, b}, ret, FN_PLAIN, FN_VARIADIC, E(sq, ir), 0}
#define AGG0(n, ret, sq, ir) {n, 0, {0}, ret, FN_AGGREGATE, 0, E(sq, ir), 0}
#define AGG1(n, a, ret, sq, ir) {n, 1, {a}, ret, FN_AGGREGATE, 0, E(sq, ir), 0}
#define AGG2(n, a, b, ret, sq, ir) {n, 2, {a, b}, ret, FN_AGGREGATE, 0, E(sq, ir), 0}
#define WIN0(n, ret, sq, ir) {n, 0, {0}, ret, FN_WINDOW, 0, E(sq, ir), 0}
#define WIN1(n, a, ret, sq, ir) {n, 1, {a}, ret, FN_WINDOW, 0, E(sq, ir), 0}
#define WIN2(n, a, b, ret, sq, ir) {n, 2, {a, b}, ret, FN_WINDOW, 0, E(sq, ir), 0}
#define WIN3(n, a, b, c, ret, sq, ir) {n, 3, {a, b, c}, ret, FN_WINDOW, 0, E(sq, ir), 0}
#define SRF1(n, a, ret, sq, ir) {n, 1, {a}, ret, FN_SET_RETURNING, 0, E(sq, ir), 0}
#define SRF2(n, a, b, ret, sq, ir) {n, 2, {a, b}, ret, FN_SET_RETURNING, 0, E(sq, ir), 0}
#define SRF3(n, a, b, c, ret, sq, ir) {n, 3, {a, b, c}, ret, FN_SET_RETURNING, 0, E(sq, ir), 0}

/* Six comparison operators of one type pair with one SQLite collation suffix. */
#define CMP(l, r, coll)                                                                 \
    OP2("=", l, r, BOO, "(%1 = %2" coll ")", "(%1 = %2)"),                              \
    OP2("<>", l, r, BOO, "(%1 <> %2" coll ")", "(%1 <> %2)"),                           \
    OP2("<", l, r, BOO, "(%1 < %2" coll ")", "(%1 < %2)"),                              \
    OP2("<=", l, r, BOO, "(%1 <= %2" coll ")", "(%1 <= %2)"),                           \
    OP2(">", l, r, BOO, "(%1 > %2" coll ")", "(%1 > %2)"),                              \
    OP2(">=", l, r, BOO, "(%1 >= %2" coll ")", "(%1 >= %2)")

/* Integer arithmetic with PostgreSQL's 22003 on overflow of the result type (SQLite would
 * wrap to REAL) and 22012 on division by zero; `bits` is the result type's width. */
#define INTARITH(l, r, ret, bits)                                                        \
    OP2("+", l, r, ret, "pgw_int_add(%1, %2, " #bits ")", "(%1 + %2)"),                  \
    OP2("-", l, r, ret, "pgw_int_sub(%1, %2, " #bits ")", "(%1 - %2)"),                  \
    OP2("*", l, r, ret, "pgw_int_mul(%1, %2, " #bits ")", "(%1 * %2)"),                  \
    OP2("/", l, r, ret, "pgw_int_div(%1, %2, " #bits ")", "(%1 \\ %2)"),                 \
    OP2("%", l, r, ret, "pgw_int_mod(%1, %2, " #bits ")", "(%1 # %2)")

#define FLOATARITH(l, r, ret)                                                            \
    OP2("+", l, r, ret, "pgw_float_add(%1, %2)", "(%1 + %2)"),                           \
    OP2("-", l, r, ret, "pgw_float_sub(%1, %2)", "(%1 - %2)"),                           \
    OP2("*", l, r, ret, "pgw_float_mul(%1, %2)", "(%1 * %2)"),                           \
    OP2("/", l, r, ret, "pgw_float_div(%1, %2)", "(%1 / %2)")

#define STRING_MATCH(t)                                                                  \
    OP2("~~", t, TXT, BOO, "(%1 LIKE %2 ESCAPE '\\')", "(%1 LIKE %2 ESCAPE '\\')"),       \
    OP2("!~~", t, TXT, BOO, "(%1 NOT LIKE %2 ESCAPE '\\')", "(%1 NOT LIKE %2 ESCAPE '\\')"), \
    OP2("~~*", t, TXT, BOO, "pgw_ilike(%1, %2)", "(%%SQLUPPER(%1) LIKE %%SQLUPPER(%2) ESCAPE '\\')"), \
    OP2("!~~*", t, TXT, BOO, "(NOT pgw_ilike(%1, %2))", "(%%SQLUPPER(%1) NOT LIKE %%SQLUPPER(%2) ESCAPE '\\')"), \
    OP2("~", t, TXT, BOO, "pgw_regex(%1, %2, 0)", NULL),                                 \
    OP2("~*", t, TXT, BOO, "pgw_regex(%1, %2, 1)", NULL),                                \
    OP2("!~", t, TXT, BOO, "(NOT pgw_regex(%1, %2, 0))", NULL),                          \
    OP2("!~*", t, TXT, BOO, "(NOT pgw_regex(%1, %2, 1))", NULL)


#endif
