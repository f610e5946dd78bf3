/*
 * function_table.c — PostgreSQL functions and operators, their argument and result types as
 * in pg_proc/pg_operator, and how each dialect writes them.
 *
 * SQLite templates use the engine's own operators where its semantics are PostgreSQL's for
 * the storage forms (integer comparison, text concatenation of text), and our pgw_* engine
 * functions (src/backend/sqlite_fn_*.c) where they are not: numeric arithmetic on decimal
 * text, division (PostgreSQL raises 22012 where SQLite returns NULL), date/time arithmetic,
 * case-insensitive matching of non-ASCII text, regular expressions.
 *
 * Numeric comparisons carry COLLATE pgw_numeric so that decimal text compares by value;
 * bpchar comparisons carry COLLATE RTRIM (trailing blanks are insignificant in char(n)).
 */
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

/* Integer arithmetic: SQLite's own, except division and modulo (22012 on zero). */
#define INTARITH(l, r, ret)                                                              \
    OP2("+", l, r, ret, "(%1 + %2)", "(%1 + %2)"),                                       \
    OP2("-", l, r, ret, "(%1 - %2)", "(%1 - %2)"),                                       \
    OP2("*", l, r, ret, "(%1 * %2)", "(%1 * %2)"),                                       \
    OP2("/", l, r, ret, "pgw_int_div(%1, %2)", "(%1 \\ %2)"),                            \
    OP2("%", l, r, ret, "pgw_int_mod(%1, %2)", "(%1 # %2)")

#define FLOATARITH(l, r, ret)                                                            \
    OP2("+", l, r, ret, "(%1 + %2)", "(%1 + %2)"),                                       \
    OP2("-", l, r, ret, "(%1 - %2)", "(%1 - %2)"),                                       \
    OP2("*", l, r, ret, "(%1 * %2)", "(%1 * %2)"),                                       \
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

const sql_function function_table[] = {
    /* ------------------------------------------------------------ comparison */
    CMP(I2, I2, ""), CMP(I4, I4, ""), CMP(I8, I8, ""),
    CMP(I2, I4, ""), CMP(I4, I2, ""), CMP(I2, I8, ""), CMP(I8, I2, ""),
    CMP(I4, I8, ""), CMP(I8, I4, ""),
    CMP(F4, F4, ""), CMP(F8, F8, ""), CMP(F4, F8, ""), CMP(F8, F4, ""),
    CMP(NUM, NUM, " COLLATE pgw_numeric"),
    CMP(TXT, TXT, ""), CMP(NAM, NAM, ""), CMP(NAM, TXT, ""), CMP(TXT, NAM, ""),
    CMP(BPC, BPC, " COLLATE RTRIM"),
    CMP(BOO, BOO, ""), CMP(CHR, CHR, ""), CMP(OID_, OID_, ""), CMP(BYT, BYT, ""),
    CMP(DAT, DAT, ""), CMP(TIM, TIM, ""), CMP(TS, TS, ""), CMP(TSZ, TSZ, ""),
    CMP(UID, UID, ""), CMP(TTZ, TTZ, ""),
    /* date vs timestamp: date is days, timestamp µs; compare in µs. */
    OP2("=", DAT, TS, BOO, "((%1) * 86400000000 = %2)", "(%1 = %2)"),
    OP2("<", DAT, TS, BOO, "((%1) * 86400000000 < %2)", "(%1 < %2)"),
    OP2(">", DAT, TS, BOO, "((%1) * 86400000000 > %2)", "(%1 > %2)"),
    OP2("<=", DAT, TS, BOO, "((%1) * 86400000000 <= %2)", "(%1 <= %2)"),
    OP2(">=", DAT, TS, BOO, "((%1) * 86400000000 >= %2)", "(%1 >= %2)"),
    OP2("=", TS, DAT, BOO, "(%1 = (%2) * 86400000000)", "(%1 = %2)"),
    OP2("<", TS, DAT, BOO, "(%1 < (%2) * 86400000000)", "(%1 < %2)"),
    OP2(">", TS, DAT, BOO, "(%1 > (%2) * 86400000000)", "(%1 > %2)"),
    OP2("<=", TS, DAT, BOO, "(%1 <= (%2) * 86400000000)", "(%1 <= %2)"),
    OP2(">=", TS, DAT, BOO, "(%1 >= (%2) * 86400000000)", "(%1 >= %2)"),
    /* interval and json comparisons go through engine functions */
    OP2("=", IVL, IVL, BOO, "(pgw_interval_cmp(%1, %2) = 0)", "(%1 = %2)"),
    OP2("<>", IVL, IVL, BOO, "(pgw_interval_cmp(%1, %2) <> 0)", "(%1 <> %2)"),
    OP2("<", IVL, IVL, BOO, "(pgw_interval_cmp(%1, %2) < 0)", "(%1 < %2)"),
    OP2("<=", IVL, IVL, BOO, "(pgw_interval_cmp(%1, %2) <= 0)", "(%1 <= %2)"),
    OP2(">", IVL, IVL, BOO, "(pgw_interval_cmp(%1, %2) > 0)", "(%1 > %2)"),
    OP2(">=", IVL, IVL, BOO, "(pgw_interval_cmp(%1, %2) >= 0)", "(%1 >= %2)"),
    OP2("=", JSB, JSB, BOO, "(%1 = %2)", "(%1 = %2)"),
    OP2("<>", JSB, JSB, BOO, "(%1 <> %2)", "(%1 <> %2)"),
    OP2("=", ANYARR, ANYARR, BOO, "(%1 = %2)", "(%1 = %2)"),
    OP2("<>", ANYARR, ANYARR, BOO, "(%1 <> %2)", "(%1 <> %2)"),

    /* ------------------------------------------------------------ arithmetic */
    INTARITH(I2, I2, I2), INTARITH(I4, I4, I4), INTARITH(I8, I8, I8),
    INTARITH(I2, I4, I4), INTARITH(I4, I2, I4), INTARITH(I2, I8, I8), INTARITH(I8, I2, I8),
    INTARITH(I4, I8, I8), INTARITH(I8, I4, I8),
    FLOATARITH(F4, F4, F4), FLOATARITH(F8, F8, F8), FLOATARITH(F4, F8, F8), FLOATARITH(F8, F4, F8),
    OP2("+", NUM, NUM, NUM, "pgw_numeric_add(%1, %2)", "(%1 + %2)"),
    OP2("-", NUM, NUM, NUM, "pgw_numeric_sub(%1, %2)", "(%1 - %2)"),
    OP2("*", NUM, NUM, NUM, "pgw_numeric_mul(%1, %2)", "(%1 * %2)"),
    OP2("/", NUM, NUM, NUM, "pgw_numeric_div(%1, %2)", "(%1 / %2)"),
    OP2("%", NUM, NUM, NUM, "pgw_numeric_mod(%1, %2)", "(%1 # %2)"),
    OP2("^", F8, F8, F8, "pgw_float_pow(%1, %2)", "POWER(%1, %2)"),
    OP2("^", NUM, NUM, NUM, "pgw_numeric_pow(%1, %2)", "POWER(%1, %2)"),
    OP1("-", I2, I2, "(- %1)", "(- %1)"), OP1("-", I4, I4, "(- %1)", "(- %1)"),
    OP1("-", I8, I8, "(- %1)", "(- %1)"), OP1("-", F4, F4, "(- %1)", "(- %1)"),
    OP1("-", F8, F8, "(- %1)", "(- %1)"), OP1("-", NUM, NUM, "pgw_numeric_neg(%1)", "(- %1)"),
    OP1("-", IVL, IVL, "pgw_interval_neg(%1)", "(- %1)"),
    OP1("+", I2, I2, "%1", "%1"), OP1("+", I4, I4, "%1", "%1"), OP1("+", I8, I8, "%1", "%1"),
    OP1("+", F4, F4, "%1", "%1"), OP1("+", F8, F8, "%1", "%1"), OP1("+", NUM, NUM, "%1", "%1"),
    OP1("@", I4, I4, "abs(%1)", "ABS(%1)"), OP1("@", I8, I8, "abs(%1)", "ABS(%1)"),
    OP1("@", F8, F8, "abs(%1)", "ABS(%1)"), OP1("@", NUM, NUM, "pgw_numeric_abs(%1)", "ABS(%1)"),
    OP1("|/", F8, F8, "pgw_sqrt(%1)", "SQRT(%1)"),
    OP2("&", I4, I4, I4, "(%1 & %2)", "BITAND(%1, %2)"), OP2("&", I8, I8, I8, "(%1 & %2)", "BITAND(%1, %2)"),
    OP2("|", I4, I4, I4, "(%1 | %2)", "BITOR(%1, %2)"), OP2("|", I8, I8, I8, "(%1 | %2)", "BITOR(%1, %2)"),
    OP2("#", I4, I4, I4, "((%1 | %2) - (%1 & %2))", "BITXOR(%1, %2)"),
    OP2("#", I8, I8, I8, "((%1 | %2) - (%1 & %2))", "BITXOR(%1, %2)"),
    OP1("~", I4, I4, "(~ %1)", "BITNOT(%1)"), OP1("~", I8, I8, "(~ %1)", "BITNOT(%1)"),
    OP2("<<", I4, I4, I4, "pgw_int4_shl(%1, %2)", NULL), OP2(">>", I4, I4, I4, "(%1 >> %2)", NULL),
    OP2("<<", I8, I4, I8, "(%1 << %2)", NULL), OP2(">>", I8, I4, I8, "(%1 >> %2)", NULL),

    /* date/time arithmetic: storage is days (date) and µs (time, timestamps) */
    OP2("+", DAT, I4, DAT, "(%1 + %2)", "DATEADD('dd', %2, %1)"),
    OP2("+", I4, DAT, DAT, "(%1 + %2)", "DATEADD('dd', %1, %2)"),
    OP2("-", DAT, I4, DAT, "(%1 - %2)", "DATEADD('dd', -(%2), %1)"),
    OP2("-", DAT, DAT, I4, "(%1 - %2)", "DATEDIFF('dd', %2, %1)"),
    OP2("+", DAT, TIM, TS, "((%1) * 86400000000 + %2)", NULL),
    OP2("+", DAT, IVL, TS, "pgw_ts_add_interval((%1) * 86400000000, %2)", NULL),
    OP2("-", DAT, IVL, TS, "pgw_ts_add_interval((%1) * 86400000000, pgw_interval_neg(%2))", NULL),
    OP2("+", TS, IVL, TS, "pgw_ts_add_interval(%1, %2)", NULL),
    OP2("-", TS, IVL, TS, "pgw_ts_add_interval(%1, pgw_interval_neg(%2))", NULL),
    OP2("+", IVL, TS, TS, "pgw_ts_add_interval(%2, %1)", NULL),
    OP2("+", TSZ, IVL, TSZ, "pgw_tstz_add_interval(%1, %2)", NULL),
    OP2("-", TSZ, IVL, TSZ, "pgw_tstz_add_interval(%1, pgw_interval_neg(%2))", NULL),
    OP2("+", IVL, TSZ, TSZ, "pgw_tstz_add_interval(%2, %1)", NULL),
    OP2("-", TS, TS, IVL, "pgw_ts_diff(%1, %2)", NULL),
    OP2("-", TSZ, TSZ, IVL, "pgw_ts_diff(%1, %2)", NULL),
    OP2("+", TIM, IVL, TIM, "pgw_time_add_interval(%1, %2)", NULL),
    OP2("-", TIM, IVL, TIM, "pgw_time_add_interval(%1, pgw_interval_neg(%2))", NULL),
    OP2("-", TIM, TIM, IVL, "pgw_interval_from_us((%1) - (%2))", NULL),
    OP2("+", IVL, IVL, IVL, "pgw_interval_add(%1, %2)", NULL),
    OP2("-", IVL, IVL, IVL, "pgw_interval_add(%1, pgw_interval_neg(%2))", NULL),
    OP2("*", IVL, F8, IVL, "pgw_interval_mul(%1, %2)", NULL),
    OP2("*", F8, IVL, IVL, "pgw_interval_mul(%2, %1)", NULL),
    OP2("/", IVL, F8, IVL, "pgw_interval_div(%1, %2)", NULL),

    /* ------------------------------------------------------------ strings */
    OP2("||", TXT, TXT, TXT, "(%1 || %2)", "(%1 || %2)"),
    OP2("||", TXT, ANYNA, TXT, "(%1 || %2)", "(%1 || %2)"),
    OP2("||", ANYNA, TXT, TXT, "(%1 || %2)", "(%1 || %2)"),
    OP2("||", BYT, BYT, BYT, "pgw_bytea_concat(%1, %2)", "(%1 || %2)"),
    OP2("||", ANYARR, ANYARR, ANYARR, "pgw_array_cat(%1, %2)", NULL),
    OP2("||", ANYARR, ANYEL, ANYARR, "pgw_array_append(%1, %2)", NULL),
    OP2("||", ANYEL, ANYARR, ANYARR, "pgw_array_prepend(%1, %2)", NULL),
    OP2("||", JSB, JSB, JSB, "pgw_jsonb_concat(%1, %2)", NULL),
    STRING_MATCH(TXT), STRING_MATCH(NAM), STRING_MATCH(BPC),
    OP2("^@", TXT, TXT, BOO, "(substr(%1, 1, length(%2)) = %2)", NULL),

    /* ------------------------------------------------------------ json */
    OP2("->", JSB, TXT, JSB, "pgw_jsonb_get(%1, %2)", NULL),
    OP2("->", JSB, I4, JSB, "pgw_jsonb_get(%1, %2)", NULL),
    OP2("->>", JSB, TXT, TXT, "pgw_jsonb_get_text(%1, %2)", NULL),
    OP2("->>", JSB, I4, TXT, "pgw_jsonb_get_text(%1, %2)", NULL),
    OP2("->", JSN, TXT, JSN, "pgw_jsonb_get(%1, %2)", NULL),
    OP2("->", JSN, I4, JSN, "pgw_jsonb_get(%1, %2)", NULL),
    OP2("->>", JSN, TXT, TXT, "pgw_jsonb_get_text(%1, %2)", NULL),
    OP2("->>", JSN, I4, TXT, "pgw_jsonb_get_text(%1, %2)", NULL),
    OP2("#>", JSB, TXTARR, JSB, "pgw_jsonb_path(%1, %2)", NULL),
    OP2("#>>", JSB, TXTARR, TXT, "pgw_jsonb_path_text(%1, %2)", NULL),
    OP2("@>", JSB, JSB, BOO, "pgw_jsonb_contains(%1, %2)", NULL),
    OP2("<@", JSB, JSB, BOO, "pgw_jsonb_contains(%2, %1)", NULL),
    OP2("?", JSB, TXT, BOO, "pgw_jsonb_exists(%1, %2)", NULL),
    OP2("-", JSB, TXT, JSB, "pgw_jsonb_delete(%1, %2)", NULL),

    /* ------------------------------------------------------------ arrays */
    OP2("@>", ANYARR, ANYARR, BOO, "pgw_array_contains(%1, %2)", NULL),
    OP2("<@", ANYARR, ANYARR, BOO, "pgw_array_contains(%2, %1)", NULL),
    OP2("&&", ANYARR, ANYARR, BOO, "pgw_array_overlap(%1, %2)", NULL),

    /* ------------------------------------------------------------ vectors (pgvector) */
    OP2("<->", VEC, VEC, F8, "pgw_vector_l2(%1, %2)", "VECTOR_L2(%1, %2)"),
    OP2("<#>", VEC, VEC, F8, "pgw_vector_neg_ip(%1, %2)", "(-VECTOR_DOT_PRODUCT(%1, %2))"),
    OP2("<=>", VEC, VEC, F8, "pgw_vector_cosine(%1, %2)", "(1 - VECTOR_COSINE(%1, %2))"),
    OP2("<+>", VEC, VEC, F8, "pgw_vector_l1(%1, %2)", NULL),
    OP2("+", VEC, VEC, VEC, "pgw_vector_add(%1, %2)", NULL),
    OP2("-", VEC, VEC, VEC, "pgw_vector_sub(%1, %2)", NULL),
    OP2("*", VEC, VEC, VEC, "pgw_vector_mul(%1, %2)", NULL),
    OP2("=", VEC, VEC, BOO, "(%1 = %2)", NULL),
    OP2("<>", VEC, VEC, BOO, "(%1 <> %2)", NULL),

    /* ------------------------------------------------------------ string functions */
    F1("lower", TXT, TXT, "pgw_lower(%1)", "LOWER(%1)"),
    F1("upper", TXT, TXT, "pgw_upper(%1)", "UPPER(%1)"),
    F1("length", TXT, I4, "length(%1)", "CHAR_LENGTH(%1)"),
    F1("length", BPC, I4, "length(rtrim(%1, ' '))", "CHAR_LENGTH(%1)"),
    F1("length", BYT, I4, "length(%1)", "LENGTH(%1)"),
    F1("char_length", TXT, I4, "length(%1)", "CHAR_LENGTH(%1)"),
    F1("character_length", TXT, I4, "length(%1)", "CHAR_LENGTH(%1)"),
    F1("octet_length", TXT, I4, "length(CAST(%1 AS BLOB))", "OCTET_LENGTH(%1)"),
    F1("octet_length", BYT, I4, "length(%1)", "OCTET_LENGTH(%1)"),
    F1("bit_length", TXT, I4, "(8 * length(CAST(%1 AS BLOB)))", NULL),
    F2("substr", TXT, I4, TXT, "pgw_substr(%1, %2)", "SUBSTRING(%1, %2)"),
    F3("substr", TXT, I4, I4, TXT, "pgw_substr(%1, %2, %3)", "SUBSTRING(%1, %2, %3)"),
    F2("substring", TXT, I4, TXT, "pgw_substr(%1, %2)", "SUBSTRING(%1, %2)"),
    F3("substring", TXT, I4, I4, TXT, "pgw_substr(%1, %2, %3)", "SUBSTRING(%1, %2, %3)"),
    F2("substring", TXT, TXT, TXT, "pgw_regexp_substr(%1, %2)", NULL),
    F3("substring", TXT, TXT, TXT, TXT, "pgw_similar_substr(%1, %2, %3)", NULL),
    F2("position", TXT, TXT, I4, "instr(%1, %2)", "POSITION(%2 IN %1)"),
    F2("strpos", TXT, TXT, I4, "instr(%1, %2)", "POSITION(%2 IN %1)"),
    F3("replace", TXT, TXT, TXT, TXT, "replace(%1, %2, %3)", "REPLACE(%1, %2, %3)"),
    F1("btrim", TXT, TXT, "trim(%1, ' ')", "TRIM(%1)"),
    F2("btrim", TXT, TXT, TXT, "trim(%1, %2)", "TRIM(BOTH %2 FROM %1)"),
    F1("ltrim", TXT, TXT, "ltrim(%1, ' ')", "TRIM(LEADING FROM %1)"),
    F2("ltrim", TXT, TXT, TXT, "ltrim(%1, %2)", "TRIM(LEADING %2 FROM %1)"),
    F1("rtrim", TXT, TXT, "rtrim(%1, ' ')", "TRIM(TRAILING FROM %1)"),
    F2("rtrim", TXT, TXT, TXT, "rtrim(%1, %2)", "TRIM(TRAILING %2 FROM %1)"),
    FV("concat", ANY, TXT, "pgw_concat(%*)", "%%SQLUPPER(%*)"),
    FV2("concat_ws", TXT, ANY, TXT, "pgw_concat_ws(%*)", NULL),
    F2("left", TXT, I4, TXT, "pgw_left(%1, %2)", "SUBSTRING(%1, 1, %2)"),
    F2("right", TXT, I4, TXT, "pgw_right(%1, %2)", NULL),
    F2("repeat", TXT, I4, TXT, "pgw_repeat(%1, %2)", "REPEAT(%1, %2)"),
    F1("reverse", TXT, TXT, "pgw_reverse(%1)", "REVERSE(%1)"),
    F2("lpad", TXT, I4, TXT, "pgw_lpad(%1, %2, ' ')", "LPAD(%1, %2)"),
    F3("lpad", TXT, I4, TXT, TXT, "pgw_lpad(%1, %2, %3)", "LPAD(%1, %2, %3)"),
    F2("rpad", TXT, I4, TXT, "pgw_rpad(%1, %2, ' ')", "RPAD(%1, %2)"),
    F3("rpad", TXT, I4, TXT, TXT, "pgw_rpad(%1, %2, %3)", "RPAD(%1, %2, %3)"),
    F3("split_part", TXT, TXT, I4, TXT, "pgw_split_part(%1, %2, %3)", NULL),
    F1("initcap", TXT, TXT, "pgw_initcap(%1)", NULL),
    F1("md5", TXT, TXT, "pgw_md5(%1)", NULL),
    F1("md5", BYT, TXT, "pgw_md5(%1)", NULL),
    F1("ascii", TXT, I4, "unicode(%1)", "ASCII(%1)"),
    F1("chr", I4, TXT, "char(%1)", "CHAR(%1)"),
    F1("to_hex", I4, TXT, "pgw_to_hex(%1)", NULL),
    F1("to_hex", I8, TXT, "pgw_to_hex(%1)", NULL),
    F2("starts_with", TXT, TXT, BOO, "(substr(%1, 1, length(%2)) = %2)", NULL),
    F1("quote_ident", TXT, TXT, "pgw_quote_ident(%1)", NULL),
    F1("quote_literal", TXT, TXT, "pgw_quote_literal(%1)", NULL),
    F1("quote_nullable", TXT, TXT, "coalesce(pgw_quote_literal(%1), 'NULL')", NULL),
    F3("regexp_replace", TXT, TXT, TXT, TXT, "pgw_regexp_replace(%1, %2, %3, '')", NULL),
    F4_("regexp_replace", TXT, TXT, TXT, TXT, TXT, "pgw_regexp_replace(%1, %2, %3, %4)", NULL),
    F2("regexp_match", TXT, TXT, TXTARR, "pgw_regexp_match(%1, %2, '')", NULL),
    F3("regexp_match", TXT, TXT, TXT, TXTARR, "pgw_regexp_match(%1, %2, %3)", NULL),
    F2("translate", TXT, TXT, TXT, "pgw_translate(%1, %2, %3)", NULL),
    FV("format", TXT, TXT, "pgw_format(%*)", NULL),
    F1("encode", BYT, TXT, NULL, NULL),
    F2("encode", BYT, TXT, TXT, "pgw_encode(%1, %2)", NULL),
    F2("decode", TXT, TXT, BYT, "pgw_decode(%1, %2)", NULL),
    F2("string_to_array", TXT, TXT, TXTARR, "pgw_string_to_array(%1, %2)", NULL),
    F2("array_to_string", ANYARR, TXT, TXT, "pgw_array_to_string(%1, %2)", NULL),
    F3("array_to_string", ANYARR, TXT, TXT, TXT, "pgw_array_to_string(%1, %2, %3)", NULL),

    /* ------------------------------------------------------------ math */
    F1("abs", I2, I2, "abs(%1)", "ABS(%1)"), F1("abs", I4, I4, "abs(%1)", "ABS(%1)"),
    F1("abs", I8, I8, "abs(%1)", "ABS(%1)"), F1("abs", F4, F4, "abs(%1)", "ABS(%1)"),
    F1("abs", F8, F8, "abs(%1)", "ABS(%1)"), F1("abs", NUM, NUM, "pgw_numeric_abs(%1)", "ABS(%1)"),
    F1("round", F8, F8, "pgw_float_round(%1)", "ROUND(%1, 0)"),
    F1("round", NUM, NUM, "pgw_numeric_round(%1, 0)", "ROUND(%1, 0)"),
    F2("round", NUM, I4, NUM, "pgw_numeric_round(%1, %2)", "ROUND(%1, %2)"),
    F1("trunc", F8, F8, "pgw_float_trunc(%1)", "TRUNCATE(%1, 0)"),
    F1("trunc", NUM, NUM, "pgw_numeric_trunc(%1, 0)", "TRUNCATE(%1, 0)"),
    F2("trunc", NUM, I4, NUM, "pgw_numeric_trunc(%1, %2)", "TRUNCATE(%1, %2)"),
    F1("ceil", F8, F8, "pgw_float_ceil(%1)", "CEILING(%1)"),
    F1("ceil", NUM, NUM, "pgw_numeric_ceil(%1)", "CEILING(%1)"),
    F1("ceiling", F8, F8, "pgw_float_ceil(%1)", "CEILING(%1)"),
    F1("ceiling", NUM, NUM, "pgw_numeric_ceil(%1)", "CEILING(%1)"),
    F1("floor", F8, F8, "pgw_float_floor(%1)", "FLOOR(%1)"),
    F1("floor", NUM, NUM, "pgw_numeric_floor(%1)", "FLOOR(%1)"),
    F1("sign", F8, F8, "pgw_float_sign(%1)", "SIGN(%1)"),
    F1("sign", NUM, NUM, "pgw_numeric_sign(%1)", "SIGN(%1)"),
    F1("sqrt", F8, F8, "pgw_sqrt(%1)", "SQRT(%1)"),
    F1("sqrt", NUM, NUM, "pgw_numeric_sqrt(%1)", "SQRT(%1)"),
    F1("cbrt", F8, F8, "pgw_cbrt(%1)", NULL),
    F2("power", F8, F8, F8, "pgw_float_pow(%1, %2)", "POWER(%1, %2)"),
    F2("power", NUM, NUM, NUM, "pgw_numeric_pow(%1, %2)", "POWER(%1, %2)"),
    F2("pow", F8, F8, F8, "pgw_float_pow(%1, %2)", "POWER(%1, %2)"),
    F2("pow", NUM, NUM, NUM, "pgw_numeric_pow(%1, %2)", "POWER(%1, %2)"),
    F1("exp", F8, F8, "pgw_exp(%1)", "EXP(%1)"),
    F1("exp", NUM, NUM, "pgw_numeric_exp(%1)", "EXP(%1)"),
    F1("ln", F8, F8, "pgw_ln(%1)", "LOG(%1)"),
    F1("ln", NUM, NUM, "pgw_numeric_ln(%1)", "LOG(%1)"),
    F1("log", F8, F8, "pgw_log10(%1)", "LOG10(%1)"),
    F1("log", NUM, NUM, "pgw_numeric_log10(%1)", "LOG10(%1)"),
    F1("log10", F8, F8, "pgw_log10(%1)", "LOG10(%1)"),
    F2("mod", I2, I2, I2, "pgw_int_mod(%1, %2)", "MOD(%1, %2)"),
    F2("mod", I4, I4, I4, "pgw_int_mod(%1, %2)", "MOD(%1, %2)"),
    F2("mod", I8, I8, I8, "pgw_int_mod(%1, %2)", "MOD(%1, %2)"),
    F2("mod", NUM, NUM, NUM, "pgw_numeric_mod(%1, %2)", "MOD(%1, %2)"),
    F2("div", NUM, NUM, NUM, "pgw_numeric_trunc(pgw_numeric_div(%1, %2), 0)", NULL),
    F0V("random", F8, "pgw_random()", "$RANDOM"),
    F0("pi", F8, "3.141592653589793", "$PI"),
    F1("degrees", F8, F8, "((%1) * 57.29577951308232)", "DEGREES(%1)"),
    F1("radians", F8, F8, "((%1) * 0.017453292519943295)", "RADIANS(%1)"),
    F1("sin", F8, F8, "pgw_sin(%1)", "SIN(%1)"), F1("cos", F8, F8, "pgw_cos(%1)", "COS(%1)"),
    F1("tan", F8, F8, "pgw_tan(%1)", "TAN(%1)"), F1("atan", F8, F8, "pgw_atan(%1)", "ATAN(%1)"),
    F2("atan2", F8, F8, F8, "pgw_atan2(%1, %2)", "ATAN2(%1, %2)"),
    F2("width_bucket", F8, F8, I4, NULL, NULL),
    F2("gcd", I8, I8, I8, "pgw_gcd(%1, %2)", NULL),
    F2("lcm", I8, I8, I8, "pgw_lcm(%1, %2)", NULL),

    /* ------------------------------------------------------------ date/time */
    F0("now", TSZ, "pgw_now()", "CURRENT_TIMESTAMP"),
    F0("transaction_timestamp", TSZ, "pgw_now()", "CURRENT_TIMESTAMP"),
    F0("statement_timestamp", TSZ, "pgw_statement_timestamp()", "CURRENT_TIMESTAMP"),
    F0V("clock_timestamp", TSZ, "pgw_clock_timestamp()", "CURRENT_TIMESTAMP"),
    F0V("timeofday", TXT, "pgw_timeofday()", NULL),
    F2("date_trunc", TXT, TS, TS, "pgw_date_trunc(%1, %2, 0)", NULL),
    F2("date_trunc", TXT, TSZ, TSZ, "pgw_date_trunc(%1, %2, 1)", NULL),
    F3("date_trunc", TXT, TSZ, TXT, TSZ, "pgw_date_trunc_zone(%1, %2, %3)", NULL),
    F2("date_trunc", TXT, IVL, IVL, "pgw_interval_trunc(%1, %2)", NULL),
    F2("date_part", TXT, TS, F8, "pgw_date_part(%1, %2, 0)", "DATEPART(%1, %2)"),
    F2("date_part", TXT, TSZ, F8, "pgw_date_part(%1, %2, 1)", "DATEPART(%1, %2)"),
    F2("date_part", TXT, DAT, F8, "pgw_date_part(%1, (%2) * 86400000000, 2)", "DATEPART(%1, %2)"),
    F2("date_part", TXT, TIM, F8, "pgw_date_part(%1, %2, 3)", "DATEPART(%1, %2)"),
    F2("date_part", TXT, IVL, F8, "pgw_interval_part(%1, %2)", NULL),
    /* extract() is numeric in PostgreSQL 14+ */
    F2("extract", TXT, TS, NUM, "pgw_extract(%1, %2, 0)", "DATEPART(%1, %2)"),
    F2("extract", TXT, TSZ, NUM, "pgw_extract(%1, %2, 1)", "DATEPART(%1, %2)"),
    F2("extract", TXT, DAT, NUM, "pgw_extract(%1, (%2) * 86400000000, 2)", "DATEPART(%1, %2)"),
    F2("extract", TXT, TIM, NUM, "pgw_extract(%1, %2, 3)", "DATEPART(%1, %2)"),
    F2("extract", TXT, IVL, NUM, "pgw_interval_extract(%1, %2)", NULL),
    F2("age", TS, TS, IVL, "pgw_age(%1, %2, 0)", NULL),
    F2("age", TSZ, TSZ, IVL, "pgw_age(%1, %2, 1)", NULL),
    F1("age", TS, IVL, "pgw_age(pgw_current_date() * 86400000000, %1, 0)", NULL),
    F1("age", TSZ, IVL, "pgw_age(pgw_today_tz(), %1, 1)", NULL),
    F2("to_char", TS, TXT, TXT, "pgw_to_char_ts(%1, %2, 0)", "TO_CHAR(%1, %2)"),
    F2("to_char", TSZ, TXT, TXT, "pgw_to_char_ts(%1, %2, 1)", "TO_CHAR(%1, %2)"),
    F2("to_char", DAT, TXT, TXT, "pgw_to_char_ts((%1) * 86400000000, %2, 0)", "TO_CHAR(%1, %2)"),
    F2("to_char", IVL, TXT, TXT, "pgw_to_char_interval(%1, %2)", NULL),
    F2("to_char", NUM, TXT, TXT, "pgw_to_char_num(%1, %2)", "TO_CHAR(%1, %2)"),
    F2("to_char", F8, TXT, TXT, "pgw_to_char_num(%1, %2)", "TO_CHAR(%1, %2)"),
    F2("to_char", I8, TXT, TXT, "pgw_to_char_num(%1, %2)", "TO_CHAR(%1, %2)"),
    F2("to_char", I4, TXT, TXT, "pgw_to_char_num(%1, %2)", "TO_CHAR(%1, %2)"),
    F2("to_date", TXT, TXT, DAT, "pgw_to_date(%1, %2)", "TO_DATE(%1, %2)"),
    F2("to_timestamp", TXT, TXT, TSZ, "pgw_to_timestamp(%1, %2)", "TO_TIMESTAMP(%1, %2)"),
    F1("to_timestamp", F8, TSZ, "pgw_to_timestamp_epoch(%1)", NULL),
    F2("to_number", TXT, TXT, NUM, "pgw_to_number(%1, %2)", "TO_NUMBER(%1)"),
    F3("make_date", I4, I4, I4, DAT, "pgw_make_date(%1, %2, %3)", NULL),
    {"make_timestamp", 6, {I4, I4, I4, I4}, TS, FN_PLAIN, FN_SPECIAL, E("pgw_make_timestamp(%*)", NULL), 0},
    {"make_interval", 7, {I4, I4, I4, I4}, IVL, FN_PLAIN, FN_SPECIAL, E("pgw_make_interval(%*)", NULL), 0},
    F1("justify_days", IVL, IVL, "pgw_justify(%1, 1)", NULL),
    F1("justify_hours", IVL, IVL, "pgw_justify(%1, 2)", NULL),
    F1("justify_interval", IVL, IVL, "pgw_justify(%1, 3)", NULL),
    F1("isfinite", TS, BOO, "((%1) BETWEEN -9223372036854775807 AND 9223372036854775806)", NULL),
    F1("isfinite", DAT, BOO, "((%1) BETWEEN -2147483647 AND 2147483646)", NULL),
    F2("timezone", TXT, TSZ, TS, "pgw_at_time_zone(%2, %1, 1)", NULL),
    F2("timezone", TXT, TS, TSZ, "pgw_at_time_zone(%2, %1, 0)", NULL),
    F2("timezone", IVL, TSZ, TS, "pgw_at_time_zone_interval(%2, %1, 1)", NULL),

    /* ------------------------------------------------------------ misc */
    F0("version", TXT, "pgw_version()", "'PostgreSQL 15.0 (iris-pgwire)'"),
    F0("current_database", NAM, "pgw_current_database()", NULL),
    F0("current_schema", NAM, "pgw_current_schema()", NULL),
    F1("current_schemas", BOO, PG_OID_NAME_ARRAY, "pgw_current_schemas(%1)", NULL),
    F0("pg_backend_pid", I4, "pgw_backend_pid()", NULL),
    F1("current_setting", TXT, TXT, "pgw_current_setting(%1, 0)", NULL),
    F2("current_setting", TXT, BOO, TXT, "pgw_current_setting(%1, %2)", NULL),
    {"set_config", 3, {TXT, TXT, BOO}, TXT, FN_PLAIN, FN_VOLATILE, E("pgw_set_config(%1, %2, %3)", NULL), 0},
    {"pg_sleep", 1, {F8}, VOID, FN_PLAIN, FN_VOLATILE, E("pgw_pg_sleep(%1)", NULL), 0},
    F0V("gen_random_uuid", UID, "pgw_gen_random_uuid()", NULL),
    F0("inet_server_addr", PG_OID_INET, "pgw_inet_server_addr()", NULL),
    F0("inet_server_port", I4, "pgw_inet_server_port()", NULL),
    F0("inet_client_addr", PG_OID_INET, "pgw_inet_client_addr()", NULL),
    F1("pg_typeof", ANY, PG_OID_REGTYPE, NULL, NULL),
    F0("pg_postmaster_start_time", TSZ, "pgw_postmaster_start_time()", NULL),
    F0V("txid_current", I8, "pgw_txid_current()", NULL),
    F1("pg_notify", TXT, VOID, NULL, NULL),
    {"pg_notify", 2, {TXT, TXT}, VOID, FN_PLAIN, FN_VOLATILE, E("pgw_notify(%1, %2)", NULL), 0},
    F1("nextval", REGCLASS, I8, "pgw_nextval(%1)", NULL),
    F1("currval", REGCLASS, I8, "pgw_currval(%1)", NULL),
    F0V("lastval", I8, "pgw_lastval()", NULL),
    F2("setval", REGCLASS, I8, I8, "pgw_setval(%1, %2, 1)", NULL),
    F3("setval", REGCLASS, I8, BOO, I8, "pgw_setval(%1, %2, %3)", NULL),
    F1("array_length", ANYARR, I4, NULL, NULL),
    F2("array_length", ANYARR, I4, I4, "pgw_array_length(%1, %2)", NULL),
    F1("cardinality", ANYARR, I4, "pgw_array_cardinality(%1)", NULL),
    F2("array_append", ANYARR, ANYEL, ANYARR, "pgw_array_append(%1, %2)", NULL),
    F2("array_prepend", ANYEL, ANYARR, ANYARR, "pgw_array_prepend(%1, %2)", NULL),
    F2("array_cat", ANYARR, ANYARR, ANYARR, "pgw_array_cat(%1, %2)", NULL),
    F2("array_position", ANYARR, ANYEL, I4, "pgw_array_position(%1, %2)", NULL),
    F2("array_remove", ANYARR, ANYEL, ANYARR, "pgw_array_remove(%1, %2)", NULL),
    F2("array_lower", ANYARR, I4, I4, "pgw_array_lower(%1, %2)", NULL),
    F2("array_upper", ANYARR, I4, I4, "pgw_array_length(%1, %2)", NULL),
    F1("array_ndims", ANYARR, I4, "pgw_array_ndims(%1)", NULL),
    F1("to_json", ANYEL, JSN, NULL, NULL),
    F1("to_jsonb", ANYEL, JSB, NULL, NULL),
    F1("jsonb_typeof", JSB, TXT, "pgw_jsonb_typeof(%1)", NULL),
    F1("json_typeof", JSN, TXT, "pgw_jsonb_typeof(%1)", NULL),
    F1("jsonb_array_length", JSB, I4, "json_array_length(%1)", NULL),
    F1("json_array_length", JSN, I4, "json_array_length(%1)", NULL),
    F1("jsonb_pretty", JSB, TXT, "pgw_jsonb_pretty(%1)", NULL),
    FV("jsonb_build_object", ANY, JSB, "pgw_jsonb_build_object(%*)", NULL),
    FV("json_build_object", ANY, JSN, "pgw_json_build_object(%*)", NULL),
    FV("jsonb_build_array", ANY, JSB, "pgw_jsonb_build_array(%*)", NULL),
    FV("json_build_array", ANY, JSN, "pgw_json_build_array(%*)", NULL),
    F1("jsonb_strip_nulls", JSB, JSB, "pgw_jsonb_strip_nulls(%1)", NULL),
    {"jsonb_set", 3, {JSB, TXTARR, JSB}, JSB, FN_PLAIN, 0, E("pgw_jsonb_set(%1, %2, %3, 1)", NULL), 0},
    {"jsonb_set", 4, {JSB, TXTARR, JSB, BOO}, JSB, FN_PLAIN, 0, E("pgw_jsonb_set(%1, %2, %3, %4)", NULL), 0},
    FV2("jsonb_extract_path", JSB, TXT, JSB, "pgw_jsonb_extract_path(%*)", NULL),
    FV2("jsonb_extract_path_text", JSB, TXT, TXT, "pgw_jsonb_extract_path_text(%*)", NULL),
    FV2("json_extract_path", JSN, TXT, JSN, "pgw_jsonb_extract_path(%*)", NULL),
    FV2("json_extract_path_text", JSN, TXT, TXT, "pgw_jsonb_extract_path_text(%*)", NULL),
    F1("vector_dims", VEC, I4, "pgw_vector_dims(%1)", NULL),
    F1("vector_norm", VEC, F8, "pgw_vector_norm(%1)", NULL),
    F1("l2_normalize", VEC, VEC, "pgw_vector_l2_normalize(%1)", NULL),
    F2("l2_distance", VEC, VEC, F8, "pgw_vector_l2(%1, %2)", "VECTOR_L2(%1, %2)"),
    F2("inner_product", VEC, VEC, F8, "pgw_vector_ip(%1, %2)", "VECTOR_DOT_PRODUCT(%1, %2)"),
    F2("cosine_distance", VEC, VEC, F8, "pgw_vector_cosine(%1, %2)", "(1 - VECTOR_COSINE(%1, %2))"),
    F2("l1_distance", VEC, VEC, F8, "pgw_vector_l1(%1, %2)", NULL),

    /* ------------------------------------------------------------ aggregates */
    AGG0("count", I8, "count(*)", "COUNT(*)"),
    AGG1("count", ANY, I8, "count(%D%1)", "COUNT(%D%1)"),
    AGG1("sum", I2, I8, "sum(%D%1)", "SUM(%D%1)"),
    AGG1("sum", I4, I8, "sum(%D%1)", "SUM(%D%1)"),
    AGG1("sum", I8, NUM, "pgw_numeric_sum(%D%1)", "SUM(%D%1)"),
    AGG1("sum", F4, F4, "sum(%D%1)", "SUM(%D%1)"),
    AGG1("sum", F8, F8, "sum(%D%1)", "SUM(%D%1)"),
    AGG1("sum", NUM, NUM, "pgw_numeric_sum(%D%1)", "SUM(%D%1)"),
    AGG1("sum", IVL, IVL, "pgw_interval_sum(%D%1)", NULL),
    AGG1("avg", I2, NUM, "pgw_numeric_avg(%D%1)", "AVG(%D%1)"),
    AGG1("avg", I4, NUM, "pgw_numeric_avg(%D%1)", "AVG(%D%1)"),
    AGG1("avg", I8, NUM, "pgw_numeric_avg(%D%1)", "AVG(%D%1)"),
    AGG1("avg", F4, F8, "avg(%D%1)", "AVG(%D%1)"),
    AGG1("avg", F8, F8, "avg(%D%1)", "AVG(%D%1)"),
    AGG1("avg", NUM, NUM, "pgw_numeric_avg(%D%1)", "AVG(%D%1)"),
    AGG1("avg", IVL, IVL, "pgw_interval_avg(%D%1)", NULL),
    AGG1("min", ANYEL, FN_RET_ARG1, "min(%D%1)", "MIN(%D%1)"),
    AGG1("max", ANYEL, FN_RET_ARG1, "max(%D%1)", "MAX(%D%1)"),
    AGG1("min", NUM, NUM, "min(%D%1 COLLATE pgw_numeric)", "MIN(%D%1)"),
    AGG1("max", NUM, NUM, "max(%D%1 COLLATE pgw_numeric)", "MAX(%D%1)"),
    AGG1("min", IVL, IVL, "pgw_interval_min(%D%1)", "MIN(%D%1)"),
    AGG1("max", IVL, IVL, "pgw_interval_max(%D%1)", "MAX(%D%1)"),
    AGG2("string_agg", TXT, TXT, TXT, "pgw_string_agg(%D%1, %2)", "LIST(%D%1)"),
    AGG2("string_agg", BYT, BYT, BYT, "pgw_bytea_agg(%D%1, %2)", NULL),
    AGG1("array_agg", ANYNA, FN_RET_ARG1_ARRAY, "pgw_array_agg(%D%1)", NULL),
    AGG1("bool_and", BOO, BOO, "min(%D%1)", "MIN(%D%1)"),
    AGG1("bool_or", BOO, BOO, "max(%D%1)", "MAX(%D%1)"),
    AGG1("every", BOO, BOO, "min(%D%1)", "MIN(%D%1)"),
    AGG1("bit_and", I4, I4, "pgw_bit_and(%D%1)", NULL),
    AGG1("bit_or", I4, I4, "pgw_bit_or(%D%1)", NULL),
    AGG1("stddev", F8, F8, "pgw_stddev_samp(%D%1)", "STDDEV(%D%1)"),
    AGG1("stddev_samp", F8, F8, "pgw_stddev_samp(%D%1)", "STDDEV_SAMP(%D%1)"),
    AGG1("stddev_pop", F8, F8, "pgw_stddev_pop(%D%1)", "STDDEV_POP(%D%1)"),
    AGG1("variance", F8, F8, "pgw_var_samp(%D%1)", "VARIANCE(%D%1)"),
    AGG1("var_samp", F8, F8, "pgw_var_samp(%D%1)", "VAR_SAMP(%D%1)"),
    AGG1("var_pop", F8, F8, "pgw_var_pop(%D%1)", "VAR_POP(%D%1)"),
    AGG1("json_agg", ANYEL, JSN, "pgw_json_agg(%D%1)", NULL),
    AGG1("jsonb_agg", ANYEL, JSB, "pgw_jsonb_agg(%D%1)", NULL),
    AGG2("json_object_agg", ANY, ANY, JSN, "pgw_json_object_agg(%1, %2)", NULL),
    AGG2("jsonb_object_agg", ANY, ANY, JSB, "pgw_jsonb_object_agg(%1, %2)", NULL),
    AGG1("avg", VEC, VEC, "pgw_vector_avg(%D%1)", NULL),
    AGG1("sum", VEC, VEC, "pgw_vector_sum(%D%1)", NULL),

    /* ------------------------------------------------------------ window functions */
    WIN0("row_number", I8, "row_number()", "ROW_NUMBER()"),
    WIN0("rank", I8, "rank()", "RANK()"),
    WIN0("dense_rank", I8, "dense_rank()", "DENSE_RANK()"),
    WIN0("percent_rank", F8, "percent_rank()", "PERCENT_RANK()"),
    WIN0("cume_dist", F8, "cume_dist()", "CUME_DIST()"),
    WIN1("ntile", I4, I4, "ntile(%1)", "NTILE(%1)"),
    WIN1("lag", ANYEL, FN_RET_ARG1, "lag(%1)", "LAG(%1)"),
    WIN2("lag", ANYEL, I4, FN_RET_ARG1, "lag(%1, %2)", "LAG(%1, %2)"),
    WIN3("lag", ANYEL, I4, ANYEL, FN_RET_ARG1, "lag(%1, %2, %3)", "LAG(%1, %2, %3)"),
    WIN1("lead", ANYEL, FN_RET_ARG1, "lead(%1)", "LEAD(%1)"),
    WIN2("lead", ANYEL, I4, FN_RET_ARG1, "lead(%1, %2)", "LEAD(%1, %2)"),
    WIN3("lead", ANYEL, I4, ANYEL, FN_RET_ARG1, "lead(%1, %2, %3)", "LEAD(%1, %2, %3)"),
    WIN1("first_value", ANYEL, FN_RET_ARG1, "first_value(%1)", "FIRST_VALUE(%1)"),
    WIN1("last_value", ANYEL, FN_RET_ARG1, "last_value(%1)", "LAST_VALUE(%1)"),
    WIN2("nth_value", ANYEL, I4, FN_RET_ARG1, "nth_value(%1, %2)", NULL),

    /* ------------------------------------------------------------ set-returning */
    SRF2("generate_series", I4, I4, I4, "pgw_generate_series(%1, %2, 1)", NULL),
    SRF3("generate_series", I4, I4, I4, I4, "pgw_generate_series(%1, %2, %3)", NULL),
    SRF2("generate_series", I8, I8, I8, "pgw_generate_series(%1, %2, 1)", NULL),
    SRF3("generate_series", I8, I8, I8, I8, "pgw_generate_series(%1, %2, %3)", NULL),
    SRF2("generate_series", NUM, NUM, NUM, "pgw_generate_series_numeric(%1, %2, '1')", NULL),
    SRF3("generate_series", NUM, NUM, NUM, NUM, "pgw_generate_series_numeric(%1, %2, %3)", NULL),
    SRF3("generate_series", TS, TS, IVL, TS, "pgw_generate_series_ts(%1, %2, %3, 0)", NULL),
    SRF3("generate_series", TSZ, TSZ, IVL, TSZ, "pgw_generate_series_ts(%1, %2, %3, 1)", NULL),
    SRF1("unnest", ANYARR, FN_RET_ARG1_ELEM, "pgw_unnest(%1)", NULL),
    SRF1("jsonb_array_elements", JSB, JSB, "pgw_jsonb_array_elements(%1, 0)", NULL),
    SRF1("jsonb_array_elements_text", JSB, TXT, "pgw_jsonb_array_elements(%1, 1)", NULL),
    SRF1("json_array_elements", JSN, JSN, "pgw_jsonb_array_elements(%1, 0)", NULL),
    SRF1("json_array_elements_text", JSN, TXT, "pgw_jsonb_array_elements(%1, 1)", NULL),
    SRF1("jsonb_object_keys", JSB, TXT, "pgw_jsonb_object_keys(%1)", NULL),
    SRF1("json_object_keys", JSN, TXT, "pgw_jsonb_object_keys(%1)", NULL),
    SRF2("regexp_split_to_table", TXT, TXT, TXT, "pgw_regexp_split_to_table(%1, %2)", NULL),
};

const size_t function_table_size = sizeof function_table / sizeof function_table[0];
