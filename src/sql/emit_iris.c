/*
 * emit_iris.c — what is particular to InterSystems IRIS SQL: type names, literals, the
 * functions and operators that need more than a template, the row limit by target version.
 * The shared walk of the IR is emit_odbc.c; docs/iris.md lists every rule with the IRIS
 * documentation page it follows (DocBook keys below are
 * https://docs.intersystems.com/irislatest/csp/docbook/DocBook.UI.Page.cls?KEY=<key>).
 *
 *  - Types (RSQL_datatype): BIT for boolean, DOUBLE for double precision (IRIS does not
 *    accept DOUBLE PRECISION), VARCHAR(n) needs its length (a bare VARCHAR is one character),
 *    so text is VARCHAR(65535); timestamptz is a TIMESTAMP holding UTC.
 *  - Vectors (RSQL_datatype "VECTOR", RSQL_tovector, RSQL_vectorcosine,
 *    RSQL_vectordotproduct): VECTOR(FLOAT, n); a literal is TO_VECTOR('…', FLOAT[, n]);
 *    pgvector's <=> is 1 - VECTOR_COSINE, <#> is -VECTOR_DOT_PRODUCT; IRIS documents no L2
 *    function, so <-> is SQRT(a·a - 2 a·b + b·b) with VECTOR_DOT_PRODUCT.
 *  - Row limits (RSQL_limit, RSQL_select "TOP"): LIMIT n OFFSET m from 2025.1; before, TOP n
 *    (a literal), and OFFSET through %VID over a TOP ALL subquery (GSQL_queries "%VID").
 *  - Dates (RSQL_datepart, RSQL_tochar, RSQL_totimestamp, RSQL_getutcdate): EXTRACT and
 *    date_trunc through DATEPART, TO_CHAR and TO_TIMESTAMP; now() is GETUTCDATE().
 */
#include "sql/emit_odbc.h"

#include <math.h>
#include <string.h>

bool iris_type_name(pg_oid type, int32_t typmod, const char *vector_type, strbuf *out)
{
    switch (type) {
    case PG_OID_BOOL: strbuf_puts(out, "BIT"); return true;
    case PG_OID_INT2: strbuf_puts(out, "SMALLINT"); return true;
    case PG_OID_INT4: strbuf_puts(out, "INTEGER"); return true;
    case PG_OID_INT8:
    case PG_OID_OID: strbuf_puts(out, "BIGINT"); return true;
    case PG_OID_FLOAT4: strbuf_puts(out, "REAL"); return true;
    case PG_OID_FLOAT8: strbuf_puts(out, "DOUBLE"); return true;
    case PG_OID_NUMERIC:
        if (typmod >= 4)
            strbuf_printf(out, "NUMERIC(%d,%d)", ((typmod - 4) >> 16) & 0xffff, (typmod - 4) & 0xffff);
        else
            strbuf_puts(out, "NUMERIC");
        return true;
    case PG_OID_VARCHAR:
        strbuf_printf(out, "VARCHAR(%d)", typmod >= 5 ? typmod - 4 : 65535);
        return true;
    case PG_OID_BPCHAR:
        strbuf_printf(out, "CHAR(%d)", typmod >= 5 ? typmod - 4 : 1);
        return true;
    case PG_OID_TEXT:
    case PG_OID_NAME:
    case PG_OID_UNKNOWN:
    case PG_OID_JSON:
    case PG_OID_JSONB:
        strbuf_puts(out, "VARCHAR(65535)");
        return true;
    case PG_OID_CHAR: strbuf_puts(out, "CHAR(1)"); return true;
    case PG_OID_UUID: strbuf_puts(out, "VARCHAR(36)"); return true;
    case PG_OID_BYTEA: strbuf_puts(out, "VARBINARY(65535)"); return true;
    case PG_OID_DATE: strbuf_puts(out, "DATE"); return true;
    case PG_OID_TIME: strbuf_puts(out, "TIME"); return true;
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ: strbuf_puts(out, "TIMESTAMP"); return true;
    case PG_OID_VECTOR:
        if (typmod > 0)
            strbuf_printf(out, "VECTOR(%s, %d)", vector_type, typmod);
        else
            strbuf_printf(out, "VECTOR(%s)", vector_type);
        return true;
    default:
        return false;
    }
}

/* SQLite through its driver: declared types its ODBC driver maps to ODBC types. */
static bool sqlite_type_name(pg_oid type, int32_t typmod, strbuf *out)
{
    switch (type) {
    case PG_OID_BOOL: strbuf_puts(out, "BOOLEAN"); return true;
    case PG_OID_INT2: strbuf_puts(out, "SMALLINT"); return true;
    case PG_OID_INT4: strbuf_puts(out, "INTEGER"); return true;
    case PG_OID_INT8: strbuf_puts(out, "BIGINT"); return true;
    case PG_OID_FLOAT4: strbuf_puts(out, "REAL"); return true;
    case PG_OID_FLOAT8: strbuf_puts(out, "DOUBLE"); return true;
    case PG_OID_NUMERIC:
        if (typmod >= 4)
            strbuf_printf(out, "NUMERIC(%d,%d)", ((typmod - 4) >> 16) & 0xffff, (typmod - 4) & 0xffff);
        else
            strbuf_puts(out, "NUMERIC");
        return true;
    case PG_OID_VARCHAR:
        if (typmod >= 5)
            strbuf_printf(out, "VARCHAR(%d)", typmod - 4);
        else
            strbuf_puts(out, "VARCHAR");
        return true;
    case PG_OID_BPCHAR: strbuf_printf(out, "CHAR(%d)", typmod >= 5 ? typmod - 4 : 1); return true;
    case PG_OID_TEXT:
    case PG_OID_UNKNOWN:
    case PG_OID_NAME: strbuf_puts(out, "TEXT"); return true;
    case PG_OID_UUID: strbuf_puts(out, "VARCHAR(36)"); return true;
    case PG_OID_BYTEA: strbuf_puts(out, "BLOB"); return true;
    case PG_OID_DATE: strbuf_puts(out, "DATE"); return true;
    case PG_OID_TIME: strbuf_puts(out, "TIME"); return true;
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ: strbuf_puts(out, "TIMESTAMP"); return true;
    default: return false;
    }
}

bool emit_odbc_type_name(sql_dialect d, const backend *b, pg_oid type, int32_t typmod, strbuf *out)
{
    switch (d) {
    case DIALECT_IRIS: return iris_type_name(type, typmod, backend_iris_vector_type(b), out);
    case DIALECT_POSTGRES: return postgres_type_name(type, typmod, out);
    case DIALECT_SQLITE: return sqlite_type_name(type, typmod, out);
    }
    return false;
}

/* ---------------------------------------------------------------- literals */

static void put_quoted(oemit *em, const char *p, size_t n)
{
    oe_putc(em, '\'');
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\'')
            oe_putc(em, '\'');
        oe_putc(em, p[i]);
    }
    oe_putc(em, '\'');
}

/* The PostgreSQL text of a value (UTC for timestamptz, without the offset IRIS cannot read). */
static bool const_value_text(oemit *em, ir_expr *e, pg_oid as, strbuf *out)
{
    type_settings ts;
    type_settings_default(&ts);
    pg_error ignore = {0};
    if (types_text_out(&ts, as, e->typmod, &e->u.constant.value, out, &ignore) && !out->failed)
        return true;
    pg_error_clear(&ignore);
    oe_fail(em, e->location, "22023", "this constant cannot be written in IRIS SQL");
    return false;
}

void iris_emit_const(oemit *em, ir_expr *e)
{
    sql_value *v = &e->u.constant.value;
    pg_oid t = e->type;
    switch (t) {
    case PG_OID_BOOL:
        oe_put(em, v->i ? "1" : "0");
        return;
    case PG_OID_INT2:
    case PG_OID_INT4:
    case PG_OID_INT8:
    case PG_OID_OID:
        if (v->i == INT64_MIN)
            oe_put(em, "(-9223372036854775807 - 1)");
        else
            oe_printf(em, "%lld", (long long)v->i);
        return;
    case PG_OID_FLOAT4:
    case PG_OID_FLOAT8:
        if (v->kind != VALUE_FLOAT || !isfinite(v->f)) {
            oe_fail(em, e->location, "0A000", "NaN and infinity are not supported by the IRIS dialect");
            return;
        }
        oe_printf(em, "CAST(%.17g AS DOUBLE)", v->f);
        return;
    case PG_OID_NUMERIC:
        if (v->kind == VALUE_TEXT && v->len && (v->ptr[0] == '-' || (v->ptr[0] >= '0' && v->ptr[0] <= '9'))) {
            oe_putc(em, '(');
            strbuf_append(em->out, v->ptr, v->len);
            oe_putc(em, ')');
            return;
        }
        oe_fail(em, e->location, "0A000", "numeric NaN and infinity are not supported by the IRIS dialect");
        return;
    case PG_OID_DATE:
    case PG_OID_TIME:
    case PG_OID_TIMESTAMP:
    case PG_OID_TIMESTAMPTZ: {
        strbuf text;
        strbuf_init(&text);
        pg_oid as = t == PG_OID_TIMESTAMPTZ ? PG_OID_TIMESTAMP : t;
        if (const_value_text(em, e, as, &text)) {
            oe_put(em, "CAST(");
            put_quoted(em, text.data, text.len);
            oe_put(em, t == PG_OID_DATE ? " AS DATE)" : t == PG_OID_TIME ? " AS TIME)" : " AS TIMESTAMP)");
        }
        strbuf_free(&text);
        return;
    }
    case PG_OID_VECTOR: {
        strbuf text;
        strbuf_init(&text);
        if (const_value_text(em, e, t, &text)) {
            /* '[1,2,3]' → TO_VECTOR('1,2,3', FLOAT, 3): the element type keyword is unquoted and
             * must match the column's; brackets are optional for IRIS, left out. */
            int dims = v->kind == VALUE_BLOB ? (int)(v->len / 4) : e->typmod;
            const char *p = text.data;
            size_t n = text.len;
            if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
                p++;
                n -= 2;
            }
            oe_put(em, "TO_VECTOR(");
            put_quoted(em, p, n);
            oe_printf(em, ", %s", em->vector_type);
            if (dims > 0)
                oe_printf(em, ", %d", dims);
            oe_putc(em, ')');
        }
        strbuf_free(&text);
        return;
    }
    case PG_OID_BYTEA:
        oe_fail(em, e->location, "0A000", "bytea literals are not supported by the IRIS dialect; pass them as parameters");
        return;
    default:
        break;
    }
    if (v->kind == VALUE_TEXT) {
        put_quoted(em, v->ptr, v->len);
        return;
    }
    strbuf text;
    strbuf_init(&text);
    if (const_value_text(em, e, t, &text))
        put_quoted(em, text.data, text.len);
    strbuf_free(&text);
}

/* ---------------------------------------------------------------- calls */

static const char *const_text(ir_expr *e)
{
    if (e->kind == IRE_CAST)
        e = e->u.cast.arg;
    if (e->kind != IRE_CONST || e->u.constant.value.kind != VALUE_TEXT)
        return NULL;
    return e->u.constant.value.ptr;
}

static bool field_is(const char *f, const char *name)
{
    return f && ascii_streq_ci(f, name);
}

/* PostgreSQL's EXTRACT/date_part fields → IRIS DATEPART dateparts (RSQL_datepart). */
static bool emit_date_part(oemit *em, ir_expr *e)
{
    const char *f = const_text(e->u.call.args[0]);
    ir_expr *ts = e->u.call.args[1];
    static const struct { const char *pg, *iris; } parts[] = {
        {"year", "yy"}, {"month", "mm"}, {"day", "dd"}, {"hour", "hh"}, {"minute", "mi"},
        {"doy", "dy"}, {"quarter", "qq"},
    };
    for (size_t i = 0; i < ARRAY_LEN(parts); i++)
        if (field_is(f, parts[i].pg)) {
            oe_printf(em, "DATEPART('%s', ", parts[i].iris);
            oe_value(em, ts);
            oe_putc(em, ')');
            return true;
        }
    if (field_is(f, "second")) {
        /* PostgreSQL's second includes the fraction. */
        oe_put(em, "(DATEPART('ss', ");
        oe_value(em, ts);
        oe_put(em, ") + DATEPART('ms', ");
        oe_value(em, ts);
        oe_put(em, ") / 1000.0)");
        return true;
    }
    if (field_is(f, "dow")) {
        /* IRIS's weekday counts Sunday as 1; PostgreSQL's dow as 0. */
        oe_put(em, "(DATEPART('dw', ");
        oe_value(em, ts);
        oe_put(em, ") - 1)");
        return true;
    }
    if (field_is(f, "epoch")) {
        oe_put(em, "DATEDIFF('s', CAST('1970-01-01 00:00:00' AS TIMESTAMP), ");
        oe_value(em, ts);
        oe_putc(em, ')');
        return true;
    }
    oe_fail(em, e->location, "0A000", "EXTRACT field \"%s\" is not supported by the IRIS dialect", f ? f : "(not a constant)");
    return true;
}

/* date_trunc through TO_CHAR's format codes and back with TO_TIMESTAMP. */
static bool emit_date_trunc(oemit *em, ir_expr *e)
{
    if (e->u.call.nargs != 2 || (e->type != PG_OID_TIMESTAMP && e->type != PG_OID_TIMESTAMPTZ)) {
        oe_fail(em, e->location, "0A000", "this form of date_trunc is not supported by the IRIS dialect");
        return true;
    }
    const char *f = const_text(e->u.call.args[0]);
    ir_expr *ts = e->u.call.args[1];
    static const struct { const char *field, *fmt, *suffix, *fmt_back; } forms[] = {
        {"year", "YYYY", "-01-01", "YYYY-MM-DD"},
        {"month", "YYYY-MM", "-01", "YYYY-MM-DD"},
        {"hour", "YYYY-MM-DD HH24", NULL, "YYYY-MM-DD HH24"},
        {"minute", "YYYY-MM-DD HH24:MI", NULL, "YYYY-MM-DD HH24:MI"},
        {"second", "YYYY-MM-DD HH24:MI:SS", NULL, "YYYY-MM-DD HH24:MI:SS"},
    };
    if (field_is(f, "day")) {
        oe_put(em, "CAST(CAST(");
        oe_value(em, ts);
        oe_put(em, " AS DATE) AS TIMESTAMP)");
        return true;
    }
    for (size_t i = 0; i < ARRAY_LEN(forms); i++)
        if (field_is(f, forms[i].field)) {
            oe_put(em, "TO_TIMESTAMP(TO_CHAR(");
            oe_value(em, ts);
            oe_printf(em, ", '%s')", forms[i].fmt);
            if (forms[i].suffix)
                oe_printf(em, " || '%s'", forms[i].suffix);
            oe_printf(em, ", '%s')", forms[i].fmt_back);
            return true;
        }
    oe_fail(em, e->location, "0A000", "date_trunc field \"%s\" is not supported by the IRIS dialect", f ? f : "(not a constant)");
    return true;
}

static void dot(oemit *em, ir_expr *a, ir_expr *b)
{
    oe_put(em, "VECTOR_DOT_PRODUCT(");
    oe_value(em, a);
    oe_put(em, ", ");
    oe_value(em, b);
    oe_putc(em, ')');
}

bool iris_emit_call(oemit *em, ir_expr *e)
{
    const sql_function *fn = e->u.call.fn;
    const char *name = fn->name;
    ir_expr **a = e->u.call.args;
    int n = e->u.call.nargs;
    bool vec = n == 2 && a[0]->type == PG_OID_VECTOR && a[1]->type == PG_OID_VECTOR;
    if (vec && (strcmp(name, "<=>") == 0 || strcmp(name, "cosine_distance") == 0)) {
        oe_put(em, "(1 - VECTOR_COSINE(");
        oe_value(em, a[0]);
        oe_put(em, ", ");
        oe_value(em, a[1]);
        oe_put(em, "))");
        return true;
    }
    if (vec && strcmp(name, "<#>") == 0) {
        oe_put(em, "(-");
        dot(em, a[0], a[1]);
        oe_putc(em, ')');
        return true;
    }
    if (vec && strcmp(name, "inner_product") == 0) {
        dot(em, a[0], a[1]);
        return true;
    }
    if (vec && (strcmp(name, "<->") == 0 || strcmp(name, "l2_distance") == 0)) {
        /* |a - b| = sqrt(a·a - 2 a·b + b·b): IRIS documents no L2 distance function. */
        oe_put(em, "SQRT(");
        dot(em, a[0], a[0]);
        oe_put(em, " - 2 * ");
        dot(em, a[0], a[1]);
        oe_put(em, " + ");
        dot(em, a[1], a[1]);
        oe_putc(em, ')');
        return true;
    }
    if (strcmp(name, "date_part") == 0 || strcmp(name, "extract") == 0)
        return emit_date_part(em, e);
    if (strcmp(name, "date_trunc") == 0)
        return emit_date_trunc(em, e);
    if (strcmp(name, "now") == 0 || strcmp(name, "transaction_timestamp") == 0 ||
        strcmp(name, "statement_timestamp") == 0) {
        /* Timestamps are stored in UTC (docs/iris.md). */
        oe_put(em, "GETUTCDATE()");
        return true;
    }
    if (strcmp(name, "string_agg") == 0 && n == 2) {
        const char *sep = const_text(a[1]);
        if (!sep || strcmp(sep, ",") != 0) {
            oe_fail(em, e->location, "0A000", "string_agg is supported by the IRIS dialect only with the delimiter ','");
            pg_error_hint(em->x->err, "IRIS's LIST() joins with commas.");
            return true;
        }
        oe_put(em, e->u.call.distinct ? "LIST(DISTINCT " : "LIST(");
        oe_value(em, a[0]);
        oe_putc(em, ')');
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------- row limits */

bool iris_use_top(const oemit *em, const ir_query *q)
{
    /* LIMIT/OFFSET is documented from 2025.1; TOP before (OFFSET then goes through %VID). */
    return em->iris_version < 20251 && q->limit && !q->offset;
}

void iris_emit_top(oemit *em, const ir_query *q)
{
    ir_expr *l = q->limit;
    if (l->kind == IRE_CAST)
        l = l->u.cast.arg;
    if (l->kind != IRE_CONST || l->u.constant.value.kind != VALUE_INT) {
        oe_fail(em, q->limit->location, "0A000", "LIMIT must be a constant for IRIS before 2025.1 (TOP cannot be a parameter)");
        pg_error_hint(em->x->err, "Set iris_version = 2025.1 or later if the engine supports LIMIT.");
        return;
    }
    oe_printf(em, "TOP %lld ", (long long)l->u.constant.value.i);
}
