/*
 * emit_sqlite.c — IR → SQLite SQL.
 *
 * What SQLite does differently and how it is met here:
 *  - NULL ordering: SQLite sorts NULLs first ascending; PostgreSQL last.  ORDER BY always
 *    says NULLS FIRST/LAST unless the key cannot be NULL (so index order stays usable).
 *  - Numeric values are decimal text: comparisons and sorts carry COLLATE pgw_numeric;
 *    char(n) compares with COLLATE RTRIM.
 *  - Parameters: ?N keeps PostgreSQL's numbering, so $n may repeat and come in any order.
 *  - Compound SELECTs cannot have parenthesised operands and bind left to right: operands
 *    with their own ORDER BY/LIMIT/WITH, or nested set operations on the right, are wrapped
 *    in SELECT * FROM (...).
 *  - DISTINCT ON becomes row_number() over the DISTINCT ON keys in a wrapped query.
 *  - DELETE ... USING becomes DELETE ... WHERE EXISTS (SELECT 1 FROM <using> WHERE ...).
 *  - Casts go through pgw_* engine functions where storage forms differ (docs/types.md).
 */
#include "sql/sql_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct emitter {
    sql_xlate *x;
    strbuf *out;
    ir_query *gs_query;   /* a grouping set of this query is being written: */
    uint64_t gs_mask;     /* its group[] members; the others read as NULL outside aggregates */
    bool in_aggregate;
    ir_query *q;          /* query whose columns unqualified levels refer to */
    ir_query *bare_query; /* columns of this query's bare_rte are written unqualified */
    int bare_rte;         /* (RETURNING, CHECK, DEFAULT cannot name the table) */
    ir_query *top;        /* the statement's own query: its regtype columns print names */
    ir_query *pk_guard_query; /* INSERT ... SELECT: this select list's item pk_guard_col is */
    int pk_guard_col;         /* an INTEGER PRIMARY KEY value (null_pk_guard) */
    const cat_relation *pk_guard_rel;
    bool failed;
} emitter;

static void emit_expr(emitter *em, ir_expr *e);
static void emit_query_body(emitter *em, ir_query *q);
static void emit_select(emitter *em, ir_query *q, bool alias_targets, const char *const *aliases);
static void emit_query_named(emitter *em, ir_query *sub, const char *const *names);
static void null_pk_guard(emitter *em, const cat_relation *rel, ir_expr *value);

static void put(emitter *em, const char *s) { strbuf_puts(em->out, s); }
static void putc_(emitter *em, char c) { strbuf_putc(em->out, c); }

static void fail(emitter *em, int location, const char *sqlstate, const char *msg)
{
    if (!em->failed)
        xlate_error(em->x, location, sqlstate, "%s", msg);
    em->failed = true;
}

static void ident(emitter *em, const char *name)
{
    catalog_quote_ident(name, em->out);
}

void emit_sqlite_value(const sql_value *v, strbuf *out)
{
    switch (v->kind) {
    case VALUE_NULL:
        strbuf_puts(out, "NULL");
        break;
    case VALUE_INT:
        if (v->i == INT64_MIN)
            strbuf_puts(out, "(-9223372036854775807 - 1)");
        else
            strbuf_printf(out, "%lld", (long long)v->i);
        break;
    case VALUE_FLOAT:
        if (isnan(v->f))
            strbuf_puts(out, "pgw_float_nan()");
        else if (isinf(v->f))
            strbuf_puts(out, v->f > 0 ? "9e999" : "-9e999");
        else {
            char buf[40];
            snprintf(buf, sizeof buf, "%.17g", v->f);
            strbuf_puts(out, buf);
            if (!strpbrk(buf, ".eE"))
                strbuf_puts(out, ".0");
        }
        break;
    case VALUE_TEXT:
        strbuf_putc(out, '\'');
        for (size_t i = 0; i < v->len; i++) {
            if (v->ptr[i] == '\'')
                strbuf_putc(out, '\'');
            strbuf_putc(out, v->ptr[i]);
        }
        strbuf_putc(out, '\'');
        break;
    case VALUE_BLOB: {
        static const char hex[] = "0123456789ABCDEF";
        strbuf_puts(out, "X'");
        for (size_t i = 0; i < v->len; i++) {
            unsigned char c = (unsigned char)v->ptr[i];
            strbuf_putc(out, hex[c >> 4]);
            strbuf_putc(out, hex[c & 15]);
        }
        strbuf_putc(out, '\'');
        break;
    }
    }
}

static const char *collation_for(pg_oid t);

/* How an order-sensitive aggregate compares a key or its value (pgw_* aggregates that sort
 * in their finalizer, sqlite_fn_agg.c): numeric by value, char(n) without trailing blanks. */
static int compare_flags(pg_oid t)
{
    return t == PG_OID_NUMERIC ? 4 : t == PG_OID_BPCHAR ? 8 : 0;
}

/* %O of an aggregate: ", mode" then ", flags, key" per ORDER BY key.  mode = 1 for
 * DISTINCT plus the value's compare flags; DISTINCT without ORDER BY sorts by the value, as
 * PostgreSQL's DISTINCT aggregates do. */
static void emit_agg_order(emitter *em, ir_expr *call)
{
    if (!call || (call->kind != IRE_AGG && call->kind != IRE_WINDOW)) {
        put(em, ", 0");
        return;
    }
    ir_expr *value = call->u.call.nargs ? call->u.call.args[0] : NULL;
    int mode = (call->u.call.distinct ? 1 : 0) | (value ? compare_flags(value->type) : 0);
    strbuf_printf(em->out, ", %d", mode);
    if (call->u.call.norder == 0 && call->u.call.distinct && value) {
        strbuf_printf(em->out, ", %d, ", compare_flags(value->type));
        emit_expr(em, value);
        return;
    }
    for (int i = 0; i < call->u.call.norder; i++) {
        ir_sort *s = &call->u.call.order[i];
        bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
        int flags = (s->descending ? 1 : 0) | (nulls_first ? 2 : 0) | compare_flags(s->expr->type);
        strbuf_printf(em->out, ", %d, ", flags);
        emit_expr(em, s->expr);
    }
}

/* Expand a template: %1..%9 arguments, %* all arguments, %D "DISTINCT " for aggregates,
 * %T1..%T9 the type OID of an argument, %O an aggregate's DISTINCT and ORDER BY (above), %%. */
static void expand(emitter *em, const char *tmpl, ir_expr **args, int nargs, bool distinct, ir_expr *call)
{
    for (const char *p = tmpl; *p; p++) {
        if (*p != '%') {
            putc_(em, *p);
            continue;
        }
        p++;
        if (*p == '%') {
            putc_(em, '%');
        } else if (*p >= '1' && *p <= '9') {
            int i = *p - '1';
            if (i < nargs)
                emit_expr(em, args[i]);
            else
                put(em, "NULL");
        } else if (*p == '*') {
            for (int i = 0; i < nargs; i++) {
                if (i)
                    put(em, ", ");
                emit_expr(em, args[i]);
            }
        } else if (*p == 'D') {
            if (distinct)
                put(em, "DISTINCT ");
        } else if (*p == 'T' && p[1] >= '1' && p[1] <= '9') {
            int i = *++p - '1';
            strbuf_printf(em->out, "%u", i < nargs ? args[i]->type : 0);
        } else if (*p == 'O') {
            emit_agg_order(em, call);
        } else {
            p--;
            putc_(em, '%');
        }
    }
}

/* ---------------------------------------------------------------- columns */

static const char *cte_column_name(ir_query *owner, int cte, int col)
{
    ir_cte *c = &owner->ctes[cte];
    if (col < c->ncolnames)
        return c->colnames[col];
    return c->query->targets[col].name;
}

static ir_query *query_up(ir_query *q, int levels)
{
    while (levels-- > 0 && q)
        q = q->parent;
    return q;
}

/* The engine-side name of a column of a range entry. */
static const char *engine_column(ir_query *owner, ir_rte *r, int col)
{
    switch (r->kind) {
    case IR_RTE_RELATION:
        return r->rel->columns[col].name;
    case IR_RTE_CTE: {
        ir_query *cte_owner = query_up(owner, r->cte_levels_up);
        return cte_owner ? cte_column_name(cte_owner, r->cte_index, col) : r->colnames[col];
    }
    case IR_RTE_FUNCTION:
        return r->engine_colnames ? r->engine_colnames[col] : col == 0 ? "value" : "ordinality";
    default:
        return r->colnames[col];
    }
}

/*
 * LATERAL subqueries: SQLite's subqueries in FROM cannot refer to the items before them,
 * but a table-valued function's arguments can.  So the subquery's rows are gathered by a
 * correlated scalar subquery into a JSON array of arrays, which json_each() unrolls:
 *   json_each((WITH "_lat"("_c1", ...) AS (<subquery>)
 *              SELECT json_group_array(json_array(<enc _c1>, ...)) FROM "_lat")) AS x
 * and x's column i is read back as json_extract(x.value, '$[i]'), decoded to its storage
 * class: REAL travels as 17-digit text (SQLite's JSON keeps 15 digits and cannot write
 * infinities), BLOB as hex.
 */
static bool lateral_json(const ir_rte *r)
{
    return r->lateral && (r->kind == IR_RTE_SUBQUERY || r->kind == IR_RTE_VALUES);
}

static storage_class storage_of(pg_oid type)
{
    const pg_type_info *t = types_by_oid(type);
    return t ? t->storage : STORAGE_TEXT;
}

static void emit_lateral_source(emitter *em, ir_rte *r)
{
    put(em, "json_each((WITH ");
    strbuf_printf(em->out, "\"_lat_%s\"(", r->engine_alias);
    for (int i = 0; i < r->ncols; i++)
        strbuf_printf(em->out, "%s\"_c%d\"", i ? ", " : "", i + 1);
    put(em, ") AS (");
    if (r->subquery->kind == QUERY_VALUES) {
        /* the CTE's column list names VALUES' columns (SQLite cannot read column1 of a
         * VALUES whose rows refer to outer columns) */
        ir_query *saved = em->q;
        em->q = r->subquery;
        emit_query_body(em, r->subquery);
        em->q = saved;
    } else {
        emit_query_named(em, r->subquery, r->colnames);
    }
    put(em, ") SELECT json_group_array(json_array(");
    for (int i = 0; i < r->ncols; i++) {
        if (i)
            put(em, ", ");
        switch (storage_of(r->coltypes[i])) {
        case STORAGE_FLOAT:
            /* printf would make NULL and the text 'NaN' (a float NaN, sqlite_internal.h) 0.0 */
            strbuf_printf(em->out, "iif(typeof(\"_c%d\") = 'real', printf('%%!.17g', \"_c%d\"), \"_c%d\")", i + 1,
                          i + 1, i + 1);
            break;
        case STORAGE_BLOB:
            strbuf_printf(em->out, "iif(\"_c%d\" IS NULL, NULL, hex(\"_c%d\"))", i + 1, i + 1);
            break;
        default:
            strbuf_printf(em->out, "\"_c%d\"", i + 1);
        }
    }
    strbuf_printf(em->out, ")) FROM \"_lat_%s\"))", r->engine_alias);
}

static void emit_lateral_column(emitter *em, ir_rte *r, int col)
{
    strbuf v;
    strbuf_init(&v);
    strbuf_puts(&v, "json_extract(");
    catalog_quote_ident(r->engine_alias, &v);
    strbuf_printf(&v, ".value, '$[%d]')", col);
    switch (storage_of(r->coltypes[col])) {
    case STORAGE_FLOAT:
        strbuf_printf(em->out, "(CASE %s WHEN 'Inf' THEN 9e999 WHEN '-Inf' THEN -9e999 WHEN 'NaN' THEN 'NaN' ELSE CAST(%s AS REAL) END)",
                      v.data, v.data);
        break;
    case STORAGE_BLOB:
        strbuf_printf(em->out, "pgw_decode(%s, 'hex')", v.data);
        break;
    default:
        put(em, v.data);
    }
    strbuf_free(&v);
}

static void emit_column(emitter *em, ir_expr *e)
{
    ir_query *owner = query_up(em->q, e->u.column.levels_up);
    if (!owner || e->u.column.rte >= owner->nrte) {
        fail(em, e->location, "XX000", "internal error: column reference out of scope");
        return;
    }
    ir_rte *r = owner->rtes[e->u.column.rte];
    if (lateral_json(r)) {
        emit_lateral_column(em, r, e->u.column.column);
        return;
    }
    if (owner == em->bare_query && e->u.column.rte == em->bare_rte) {
        ident(em, engine_column(owner, r, e->u.column.column));
        return;
    }
    ident(em, r->engine_alias);
    putc_(em, '.');
    ident(em, engine_column(owner, r, e->u.column.column));
}

/* ---------------------------------------------------------------- casts */

static bool is_int_type(pg_oid t)
{
    return t == PG_OID_INT2 || t == PG_OID_INT4 || t == PG_OID_INT8 || t == PG_OID_OID ||
           t == PG_OID_REGCLASS || t == PG_OID_REGTYPE || t == PG_OID_REGPROC || t == PG_OID_REGNAMESPACE ||
           t == PG_OID_REGPROCEDURE || t == PG_OID_REGOPER || t == PG_OID_REGOPERATOR || t == PG_OID_REGROLE ||
           t == PG_OID_XID || t == PG_OID_CID;
}

static bool is_textual(pg_oid t)
{
    return t == PG_OID_TEXT || t == PG_OID_VARCHAR || t == PG_OID_NAME || t == PG_OID_UNKNOWN ||
           t == PG_OID_BPCHAR;
}

static int int_bits(pg_oid t)
{
    return t == PG_OID_INT2 ? 16 : t == PG_OID_INT4 ? 32 : t == PG_OID_OID ? 0 : 64;
}

static void emit_cast(emitter *em, ir_expr *e)
{
    ir_expr *arg = e->u.cast.arg;
    pg_oid from = arg->type, to = e->type;
    int32_t typmod = e->typmod;
    bool explicit_cast = e->u.cast.explicit_cast;
    const pg_type_info *fi = types_by_oid(from), *ti = types_by_oid(to);
    /* pgvector's casts: a vector's typmod is its dimension count. */
    if (to == PG_OID_VECTOR && (from == PG_OID_VECTOR || (fi && types_is_array(fi)))) {
        if (from == PG_OID_VECTOR && typmod < 0) {
            emit_expr(em, arg);
            return;
        }
        put(em, from == PG_OID_VECTOR ? "pgw_vector_typmod(" : "pgw_array_to_vector(");
        emit_expr(em, arg);
        strbuf_printf(em->out, ", %d)", typmod);
        return;
    }
    if (from == PG_OID_VECTOR && (to == PG_OID_FLOAT4_ARRAY || to == PG_OID_FLOAT8_ARRAY)) {
        put(em, "pgw_vector_to_array(");
        emit_expr(em, arg);
        put(em, ")");
        return;
    }
    /* Same type with a typmod: length, scale or precision. */
    if (from == to || (is_textual(from) && is_textual(to) && to != PG_OID_BPCHAR && typmod < 0 &&
                       from != PG_OID_BPCHAR)) {
        if (typmod < 0) {
            emit_expr(em, arg);
            return;
        }
    }
    if (to == PG_OID_VARCHAR && is_textual(from)) {
        if (typmod < 0) {
            if (from == PG_OID_BPCHAR) {
                put(em, "rtrim(");
                emit_expr(em, arg);
                put(em, ", ' ')");
            } else {
                emit_expr(em, arg);
            }
            return;
        }
        strbuf_printf(em->out, "pgw_varchar(");
        emit_expr(em, arg);
        strbuf_printf(em->out, ", %d, %d)", typmod - 4, explicit_cast ? 1 : 0);
        return;
    }
    if (to == PG_OID_BPCHAR && is_textual(from)) {
        put(em, "pgw_bpchar(");
        emit_expr(em, arg);
        strbuf_printf(em->out, ", %d, %d)", typmod >= 4 ? typmod - 4 : -1, explicit_cast ? 1 : 0);
        return;
    }
    if ((to == PG_OID_TEXT || to == PG_OID_NAME) && is_textual(from)) {
        if (from == PG_OID_BPCHAR) {
            put(em, "rtrim(");
            emit_expr(em, arg);
            put(em, ", ' ')");
        } else if (to == PG_OID_NAME) {
            put(em, "pgw_name(");
            emit_expr(em, arg);
            put(em, ")");
        } else {
            emit_expr(em, arg);
        }
        return;
    }
    if (is_int_type(from) && is_int_type(to)) {
        int fb = int_bits(from), tb = int_bits(to);
        if (tb == 0 || fb == 0 || tb >= fb) {
            emit_expr(em, arg);
            return;
        }
        put(em, "pgw_int_range(");
        emit_expr(em, arg);
        strbuf_printf(em->out, ", %d)", tb);
        return;
    }
    if ((from == PG_OID_FLOAT4 || from == PG_OID_FLOAT8) && (to == PG_OID_INT2 || to == PG_OID_INT4 || to == PG_OID_INT8)) {
        put(em, "pgw_float_to_int(");
        emit_expr(em, arg);
        strbuf_printf(em->out, ", %d)", int_bits(to));
        return;
    }
    if (from == PG_OID_NUMERIC && (to == PG_OID_INT2 || to == PG_OID_INT4 || to == PG_OID_INT8)) {
        put(em, "pgw_numeric_to_int(");
        emit_expr(em, arg);
        strbuf_printf(em->out, ", %d)", int_bits(to));
        return;
    }
    if (is_int_type(from) && (to == PG_OID_FLOAT4 || to == PG_OID_FLOAT8)) {
        put(em, "CAST(");
        emit_expr(em, arg);
        put(em, " AS REAL)");
        return;
    }
    if ((from == PG_OID_FLOAT4 || from == PG_OID_FLOAT8) && to == PG_OID_NUMERIC) {
        /* float8::numeric keeps 15 significant digits, as PostgreSQL's float8_numeric */
        put(em, "pgw_to_numeric(");
        emit_expr(em, arg);
        strbuf_printf(em->out, ", %d)", typmod);
        return;
    }
    if (is_int_type(from) && to == PG_OID_NUMERIC && typmod < 0) {
        put(em, "CAST(");
        emit_expr(em, arg);
        put(em, " AS TEXT)");
        return;
    }
    if (is_int_type(from) && (to == PG_OID_TEXT || to == PG_OID_VARCHAR) && typmod < 0 &&
        (from == PG_OID_INT2 || from == PG_OID_INT4 || from == PG_OID_INT8 || from == PG_OID_OID)) {
        put(em, "CAST(");
        emit_expr(em, arg);
        put(em, " AS TEXT)");
        return;
    }
    if (from == PG_OID_FLOAT4 && to == PG_OID_FLOAT8) {
        emit_expr(em, arg);
        return;
    }
    if (from == PG_OID_BOOL && (to == PG_OID_TEXT || to == PG_OID_VARCHAR) && typmod < 0) {
        put(em, "(CASE ");
        emit_expr(em, arg);
        put(em, " WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)");
        return;
    }
    if (from == PG_OID_BOOL && to == PG_OID_INT4) {
        emit_expr(em, arg);
        return;
    }
    if ((from == PG_OID_INT4 || from == PG_OID_INT8 || from == PG_OID_INT2) && to == PG_OID_BOOL) {
        put(em, "(");
        emit_expr(em, arg);
        put(em, " <> 0)");
        return;
    }
    if (from == PG_OID_DATE && to == PG_OID_TIMESTAMP) {
        put(em, "(");
        emit_expr(em, arg);
        put(em, " * 86400000000)");
        return;
    }
    if (from == PG_OID_JSONB && to == PG_OID_JSON) {
        emit_expr(em, arg);
        return;
    }
    if (fi && ti && fi->storage == ti->storage && ti->typtype == 'b' && to == PG_OID_TIMESTAMPTZ && from == PG_OID_TIMESTAMPTZ) {
        emit_expr(em, arg);
        return;
    }
    if (fi && ti && types_is_array(fi) && types_is_array(ti) && is_int_type(fi->typelem) && is_int_type(ti->typelem) &&
        (int_bits(ti->typelem) == 0 || int_bits(fi->typelem) == 0 || int_bits(ti->typelem) >= int_bits(fi->typelem))) {
        /* Integer-like element types that keep every value: the JSON array stays as it is. */
        emit_expr(em, arg);
        return;
    }
    if ((from == PG_OID_INT2VECTOR || from == PG_OID_OIDVECTOR) && ti && types_is_array(ti)) {
        /* "1 2" (PostgreSQL's text form, our storage) to an array's JSON form. */
        put(em, "pgw_intvector_to_array(");
        emit_expr(em, arg);
        put(em, ")");
        return;
    }
    /* Everything else: PostgreSQL's conversion semantics inside the engine function. */
    put(em, "pgw_cast(");
    emit_expr(em, arg);
    strbuf_printf(em->out, ", %u, %u, %d, %d)", from, to, typmod, explicit_cast ? 1 : 0);
}

/* ---------------------------------------------------------------- expressions */

static const char *collation_for(pg_oid t)
{
    if (t == PG_OID_NUMERIC)
        return " COLLATE pgw_numeric";
    if (t == PG_OID_BPCHAR)
        return " COLLATE RTRIM";
    if (t == PG_OID_INTERVAL)
        return " COLLATE pgw_interval";
    return "";
}

static void emit_list(emitter *em, ir_expr **args, int n, const char *sep)
{
    for (int i = 0; i < n; i++) {
        if (i)
            put(em, sep);
        emit_expr(em, args[i]);
    }
}

/* A comparison op(a, b) through its template. */
static void emit_op(emitter *em, const sql_function *op, ir_expr *a, ir_expr *b)
{
    ir_expr *args[2] = {a, b};
    expand(em, op->emit.sqlite, args, 2, false, NULL);
}

static void emit_sublink_query(emitter *em, ir_query *sub)
{
    ir_query *saved = em->q;
    em->q = sub;
    emit_query_body(em, sub);
    em->q = saved;
}

/* A query that cannot return two rows: an aggregate without GROUP BY, or LIMIT 0/1. */
static bool at_most_one_row(ir_query *q)
{
    if (q->kind != QUERY_SELECT)
        return false;
    if (q->limit && q->limit->kind == IRE_CONST && q->limit->u.constant.value.kind == VALUE_INT &&
        q->limit->u.constant.value.i <= 1)
        return true;
    if (q->srf_ordinality || q->ngroup || q->has_windows)
        return false;
    if (q->has_aggregates)
        return true;
    /* SELECT of constants without FROM */
    return q->nfrom == 0 && !q->where;
}

static void emit_sublink(emitter *em, ir_expr *e)
{
    ir_query *sub = e->u.sublink.subquery;
    switch (e->u.sublink.sublink) {
    case SUBLINK_EXISTS:
        put(em, "EXISTS (");
        emit_sublink_query(em, sub);
        put(em, ")");
        return;
    case SUBLINK_SCALAR:
        if (at_most_one_row(sub)) {
            put(em, "(");
            emit_sublink_query(em, sub);
            put(em, ")");
            return;
        }
        /* SQLite would take the first row; PostgreSQL raises 21000 on a second one. */
        put(em, "(SELECT CASE WHEN count(*) > 1 THEN pgw_error('21000', 'more than one row returned by a subquery "
                "used as an expression') ELSE max(\"_v\") END FROM (SELECT \"_v\" FROM (");
        {
            const char *alias[1] = {"_v"};
            emit_query_named(em, sub, alias);
        }
        put(em, ") LIMIT 2))");
        return;
    case SUBLINK_ARRAY:
        put(em, "(SELECT coalesce(pgw_array_agg(\"_v\", 0), '[]') FROM (");
        {
            const char *alias[1] = {"_v"};
            emit_query_named(em, sub, alias);
        }
        put(em, "))");
        return;
    case SUBLINK_ANY:
    case SUBLINK_ALL: {
        const sql_function *op = e->u.sublink.op;
        bool simple_in = strcmp(op->name, e->u.sublink.sublink == SUBLINK_ANY ? "=" : "<>") == 0 &&
                         e->u.sublink.test->type != PG_OID_NUMERIC && e->u.sublink.test->type != PG_OID_BPCHAR &&
                         e->u.sublink.test->type != PG_OID_INTERVAL;
        if (e->u.sublink.test->kind == IRE_ROW) {
            /* a row value (analyze_expr.c admits only IN / NOT IN of comparable types) */
            put(em, "((");
            emit_list(em, e->u.sublink.test->u.list.args, e->u.sublink.test->u.list.nargs, ", ");
            put(em, e->u.sublink.sublink == SUBLINK_ANY ? ") IN (" : ") NOT IN (");
            emit_sublink_query(em, sub);
            put(em, "))");
            return;
        }
        if (simple_in) {
            put(em, "(");
            emit_expr(em, e->u.sublink.test);
            put(em, e->u.sublink.sublink == SUBLINK_ANY ? " IN (" : " NOT IN (");
            emit_sublink_query(em, sub);
            put(em, "))");
            return;
        }
        /* General operator: three-valued ANY/ALL over the subquery's rows. */
        put(em, "(SELECT CASE WHEN ");
        put(em, e->u.sublink.sublink == SUBLINK_ANY ? "max(\"_c\") = 1 THEN 1" : "min(\"_c\") = 0 THEN 0");
        put(em, " WHEN count(*) > count(\"_c\") THEN NULL ELSE ");
        put(em, e->u.sublink.sublink == SUBLINK_ANY ? "0" : "1");
        put(em, " END FROM (SELECT ");
        ir_expr v = {0};
        v.kind = IRE_RAW;
        v.type = sub->targets[0].expr->type;
        v.u.raw.sql = "\"_s\".\"_v\"";
        emit_op(em, op, e->u.sublink.test, &v);
        put(em, " AS \"_c\" FROM (");
        {
            const char *alias[1] = {"_v"};
            emit_query_named(em, sub, alias);
        }
        put(em, ") AS \"_s\"))");
        return;
    }
    }
}

/* The elements of an array as rows of one column "value"; a NULL array gives one NULL row,
 * so that x = ANY (NULL) and x <> ALL (NULL) are NULL as in PostgreSQL (json_each(NULL)
 * has no rows: IN would say false, NOT IN true).  Kept a plain IN subquery for indexes. */
static void emit_array_elements(emitter *em, ir_expr *arr)
{
    put(em, "SELECT value FROM json_each(");
    emit_expr(em, arr);
    put(em, ")");
    if ((arr->kind == IRE_CONST && arr->u.constant.value.kind != VALUE_NULL) || arr->kind == IRE_ARRAY)
        return;   /* never NULL */
    put(em, " UNION ALL SELECT NULL WHERE ");
    emit_expr(em, arr);
    put(em, " IS NULL");
}

static void emit_any_array(emitter *em, ir_expr *e)
{
    ir_expr *lhs = e->u.list.args[0], *arr = e->u.list.args[1];
    const sql_function *op = e->u.list.op;
    bool any = !e->u.list.all;
    if (strcmp(op->name, any ? "=" : "<>") == 0 && lhs->type != PG_OID_NUMERIC && lhs->type != PG_OID_BPCHAR &&
        lhs->type != PG_OID_INTERVAL) {
        put(em, "(");
        emit_expr(em, lhs);
        put(em, any ? " IN (" : " NOT IN (");
        emit_array_elements(em, arr);
        put(em, "))");
        return;
    }
    put(em, "(SELECT CASE WHEN ");
    put(em, any ? "max(\"_c\") = 1 THEN 1" : "min(\"_c\") = 0 THEN 0");
    put(em, " WHEN count(*) > count(\"_c\") THEN NULL ELSE ");
    put(em, any ? "0" : "1");
    put(em, " END FROM (SELECT ");
    ir_expr v = {0};
    v.kind = IRE_RAW;
    v.u.raw.sql = "value";
    emit_op(em, op, lhs, &v);
    put(em, " AS \"_c\" FROM (");
    emit_array_elements(em, arr);
    put(em, ")))");
}

/* A GROUP BY / ORDER BY key.  An integer literal there is a column position to SQLite;
 * PostgreSQL has already resolved positions, so a constant is a value: written so that
 * SQLite reads it as one. */
static void emit_key(emitter *em, ir_expr *e)
{
    if (e->kind == IRE_CONST && e->u.constant.value.kind == VALUE_INT) {
        put(em, "CAST(");
        emit_expr(em, e);
        put(em, " AS INTEGER)");
        return;
    }
    emit_expr(em, e);
}

static void emit_window_spec(emitter *em, ir_window *w)
{
    put(em, " OVER (");
    bool space = false;
    if (w->npartition) {
        put(em, "PARTITION BY ");
        for (int i = 0; i < w->npartition; i++) {
            if (i)
                put(em, ", ");
            emit_expr(em, w->partition[i]);
            put(em, collation_for(w->partition[i]->type));
        }
        space = true;
    }
    if (w->norder) {
        if (space)
            putc_(em, ' ');
        put(em, "ORDER BY ");
        for (int i = 0; i < w->norder; i++) {
            ir_sort *s = &w->order[i];
            if (i)
                put(em, ", ");
            if (w->order_as_real) {
                put(em, "CAST(");
                emit_expr(em, s->expr);
                put(em, " AS REAL)");
            } else {
                emit_expr(em, s->expr);
                put(em, collation_for(s->expr->type));
            }
            put(em, s->descending ? " DESC" : "");
            bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
            put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
        }
        space = true;
    }
    if (w->frame) {
        if (space)
            putc_(em, ' ');
        put(em, w->frame);
    }
    put(em, ")");
}

/* Inside a grouping set: a GROUP BY expression the set leaves out is NULL (outside
 * aggregate arguments); GROUPING(...) is the set's constant. */
static bool emit_grouping_set_expr(emitter *em, ir_expr *e)
{
    ir_query *q = em->gs_query;
    if (e->kind == IRE_CALL && e->u.call.fn == &ir_grouping_function) {
        uint64_t mask = em->gs_mask;
        if (!q) {   /* a plain GROUP BY: every expression is grouped, GROUPING() is 0 */
            q = em->q;
            mask = ~0ull;
        }
        if (!q || em->q != q) {
            fail(em, e->location, "42803", "arguments to GROUPING must be grouping expressions of the associated query level");
            return true;
        }
        int64_t v = 0;
        for (int a = 0; a < e->u.call.nargs; a++) {
            int found = -1;
            for (int g = 0; g < q->ngroup && found < 0; g++)
                if (ir_equal(q->group[g], e->u.call.args[a]))
                    found = g;
            if (found < 0) {
                fail(em, e->u.call.args[a]->location, "42803",
                     "arguments to GROUPING must be grouping expressions of the associated query level");
                return true;
            }
            v = (v << 1) | ((mask >> found) & 1 ? 0 : 1);
        }
        strbuf_printf(em->out, "%lld", (long long)v);
        return true;
    }
    if (!q || em->in_aggregate || em->q != q)
        return false;
    for (int g = 0; g < q->ngroup; g++)
        if (!((em->gs_mask >> g) & 1) && ir_equal(q->group[g], e)) {
            put(em, "NULL");
            return true;
        }
    return false;
}

static void emit_expr(emitter *em, ir_expr *e)
{
    if (!e) {
        put(em, "NULL");
        return;
    }
    if ((em->gs_query || (e->kind == IRE_CALL && e->u.call.fn == &ir_grouping_function)) && emit_grouping_set_expr(em, e))
        return;
    switch (e->kind) {
    case IRE_CONST:
        if (e->type == PG_OID_UNKNOWN && e->u.constant.value.kind == VALUE_TEXT) {
            emit_sqlite_value(&e->u.constant.value, em->out);
            return;
        }
        emit_sqlite_value(&e->u.constant.value, em->out);
        return;
    case IRE_PARAM:
        strbuf_printf(em->out, "?%d", e->u.param.number);
        return;
    case IRE_COLUMN:
        emit_column(em, e);
        return;
    case IRE_CALL:
        expand(em, e->u.call.fn->emit.sqlite, e->u.call.args, e->u.call.nargs, false, e);
        return;
    case IRE_AGG:
        /* ORDER BY inside an aggregate: the order-sensitive ones take it through %O and
         * sort in their finalizer; for the others (count, sum, max ...) it cannot change
         * the result and is dropped.  DISTINCT on several arguments is likewise %O's. */
        if (e->u.call.distinct && e->u.call.nargs > 1 && !strstr(e->u.call.fn->emit.sqlite, "%O")) {
            fail(em, e->location, "0A000", "DISTINCT with several aggregate arguments is not supported by the embedded engine");
            return;
        }
        {
            bool saved_in_agg = em->in_aggregate;
            em->in_aggregate = true;   /* aggregates read the rows, not the grouping set */
            expand(em, e->u.call.fn->emit.sqlite, e->u.call.args, e->u.call.nargs,
                   e->u.call.distinct && !strstr(e->u.call.fn->emit.sqlite, "%O"), e);
            em->in_aggregate = saved_in_agg;
        }
        if (e->u.call.filter) {
            put(em, " FILTER (WHERE ");
            emit_expr(em, e->u.call.filter);
            put(em, ")");
        }
        return;
    case IRE_WINDOW:
        expand(em, e->u.call.fn->emit.sqlite, e->u.call.args, e->u.call.nargs, false, e);
        if (e->u.call.filter) {
            put(em, " FILTER (WHERE ");
            emit_expr(em, e->u.call.filter);
            put(em, ")");
        }
        emit_window_spec(em, e->u.call.window);
        return;
    case IRE_CAST:
        emit_cast(em, e);
        return;
    case IRE_AND:
    case IRE_OR:
        put(em, "(");
        emit_list(em, e->u.list.args, e->u.list.nargs, e->kind == IRE_AND ? " AND " : " OR ");
        put(em, ")");
        return;
    case IRE_NOT:
        put(em, "(NOT ");
        emit_expr(em, e->u.list.args[0]);
        put(em, ")");
        return;
    case IRE_NULLTEST:
        put(em, "(");
        emit_expr(em, e->u.list.args[0]);
        put(em, e->u.list.negated ? " IS NOT NULL)" : " IS NULL)");
        return;
    case IRE_BOOLTEST: {
        static const char *const tests[] = {" IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE",
                                            " IS NULL", " IS NOT NULL"};
        put(em, "(");
        emit_expr(em, e->u.booltest.arg);
        put(em, tests[e->u.booltest.test]);
        put(em, ")");
        return;
    }
    case IRE_CASE:
        put(em, "(CASE");
        for (int i = 0; i < e->u.case_.nwhen; i++) {
            put(em, " WHEN ");
            emit_expr(em, e->u.case_.when[i].cond);
            put(em, " THEN ");
            emit_expr(em, e->u.case_.when[i].result);
        }
        if (e->u.case_.otherwise) {
            put(em, " ELSE ");
            emit_expr(em, e->u.case_.otherwise);
        }
        put(em, " END)");
        return;
    case IRE_COALESCE:
        if (e->u.list.nargs == 1) {
            emit_expr(em, e->u.list.args[0]);
            return;
        }
        put(em, "coalesce(");
        emit_list(em, e->u.list.args, e->u.list.nargs, ", ");
        put(em, ")");
        return;
    case IRE_NULLIF:
        put(em, "(CASE WHEN ");
        emit_op(em, e->u.list.op, e->u.list.args[0], e->u.list.args[1]);
        put(em, " THEN NULL ELSE ");
        emit_expr(em, e->u.list.args[0]);
        put(em, " END)");
        return;
    case IRE_GREATEST:
    case IRE_LEAST:
        /* PostgreSQL ignores NULL arguments; SQLite's max()/min() aggregates do too. */
        put(em, e->kind == IRE_GREATEST ? "(SELECT max(\"_g\"" : "(SELECT min(\"_g\"");
        put(em, collation_for(e->type));
        put(em, ") FROM (");
        for (int i = 0; i < e->u.list.nargs; i++) {
            put(em, i ? " UNION ALL SELECT " : "SELECT ");
            emit_expr(em, e->u.list.args[i]);
            if (i == 0)
                put(em, " AS \"_g\"");
        }
        put(em, "))");
        return;
    case IRE_SUBLINK:
        emit_sublink(em, e);
        return;
    case IRE_ARRAY:
        put(em, "pgw_array(");
        emit_list(em, e->u.list.args, e->u.list.nargs, ", ");
        put(em, ")");
        return;
    case IRE_ROW:
        if (e->type != PG_OID_RECORD) {   /* the row of a scalar function: its value */
            emit_expr(em, e->u.list.args[0]);
            return;
        }
        put(em, "pgw_record(");
        for (int i = 0; i < e->u.list.nargs; i++) {
            ir_expr *field = ir_text_output(em->x, e->u.list.args[i]);
            if (!field) {
                em->failed = true;
                return;
            }
            if (i)
                put(em, ", ");
            emit_expr(em, field);
        }
        put(em, ")");
        return;
    case IRE_IN_LIST:
        put(em, "(");
        emit_expr(em, e->u.list.args[0]);
        put(em, collation_for(e->u.list.args[0]->type));
        put(em, e->u.list.negated ? " NOT IN (" : " IN (");
        emit_list(em, e->u.list.args + 1, e->u.list.nargs - 1, ", ");
        put(em, "))");
        return;
    case IRE_DISTINCT:
        put(em, "(");
        emit_expr(em, e->u.list.args[0]);
        put(em, e->u.list.negated ? " IS " : " IS NOT ");
        emit_expr(em, e->u.list.args[1]);
        put(em, collation_for(e->u.list.args[0]->type));
        put(em, ")");
        return;
    case IRE_ANY_ARRAY:
        emit_any_array(em, e);
        return;
    case IRE_RAW:
        expand(em, e->u.raw.sql, e->u.raw.args, e->u.raw.nargs, false, NULL);
        return;
    case IRE_SETTING:
        if (strcmp(e->u.setting.name, "session_user") == 0)
            put(em, "pgw_session_user()");
        else
            put(em, "pgw_current_user()");
        return;
    case IRE_DEFAULT:
        fail(em, e->location, "42601", "DEFAULT is not allowed in this context");
        return;
    }
}

/* ---------------------------------------------------------------- FROM */

/* "_c1".."_cN": the column names compound operands are given, so that a compound's columns
 * can be named positionally from outside. */
static const char *const *positional_names(emitter *em, int n)
{
    const char **names = xlate_alloc(em->x, sizeof *names * (size_t)(n + 1));
    if (!names) {
        em->failed = true;
        return NULL;
    }
    for (int i = 0; i < n; i++)
        names[i] = arena_printf(em->x->mem, "_c%d", i + 1);
    return names;
}

static int visible_targets(ir_query *q)
{
    int n = 0;
    for (int i = 0; i < q->ntargets; i++)
        n += !q->targets[i].junk;
    return n;
}

/* Emit any query so that its result columns carry `names`. */
static void emit_query_named(emitter *em, ir_query *sub, const char *const *names)
{
    ir_query *saved = em->q;
    em->q = sub;
    int n = visible_targets(sub);
    if (sub->kind == QUERY_SELECT) {
        emit_select(em, sub, true, names);
    } else {
        put(em, "SELECT ");
        for (int i = 0; i < n; i++) {
            if (i)
                put(em, ", ");
            if (sub->kind == QUERY_VALUES)
                strbuf_printf(em->out, "column%d AS ", i + 1);
            else
                strbuf_printf(em->out, "\"_s\".\"_c%d\" AS ", i + 1);
            ident(em, names[i]);
        }
        put(em, " FROM (");
        emit_query_body(em, sub);
        put(em, ") AS \"_s\"");
    }
    em->q = saved;
}


/* ROWS FROM (unnest(a), unnest(b) …): every array and its type OID, unused pairs NULL, 0
 * (sqlite_fn_series.c's pgw_unnest_rows, columns value0..value3). */
static void emit_rows_from(emitter *em, ir_expr *row)
{
    put(em, "pgw_unnest_rows(");
    for (int i = 0; i < 4; i++) {
        if (i)
            put(em, ", ");
        if (i < row->u.list.nargs) {
            ir_expr *call = row->u.list.args[i];
            expand(em, "%1, %T1", call->u.call.args, call->u.call.nargs, false, call);
        } else {
            put(em, "NULL, 0");
        }
    }
    put(em, ")");
}
static void emit_from(emitter *em, ir_query *q, ir_from *f)
{
    if (f->is_join) {
        emit_from(em, q, f->left);
        switch (f->join_type) {
        case IRJ_LEFT: put(em, " LEFT JOIN "); break;
        case IRJ_RIGHT: put(em, " RIGHT JOIN "); break;
        case IRJ_FULL: put(em, " FULL JOIN "); break;
        default: put(em, " JOIN "); break;
        }
        bool nested = f->right->is_join;
        if (nested)
            put(em, "(");
        emit_from(em, q, f->right);
        if (nested)
            put(em, ")");
        if (f->on) {
            put(em, " ON ");
            emit_expr(em, f->on);
        } else if (f->join_type != IRJ_INNER && f->join_type != IRJ_CROSS) {
            put(em, " ON 1");
        }
        return;
    }
    ir_rte *r = q->rtes[f->rte];
    switch (r->kind) {
    case IR_RTE_RELATION:
        if (r->rel->engine_schema) {
            ident(em, r->rel->engine_schema);
            putc_(em, '.');
        }
        ident(em, r->rel->engine_name);
        break;
    case IR_RTE_CTE:
        ident(em, query_up(q, r->cte_levels_up)->ctes[r->cte_index].name);
        break;
    case IR_RTE_SUBQUERY:
    case IR_RTE_VALUES:
        if (lateral_json(r)) {
            emit_lateral_source(em, r);
            break;
        }
        put(em, "(");
        emit_query_named(em, r->subquery, r->colnames);
        put(em, ")");
        break;
    case IR_RTE_FUNCTION: {
        ir_expr *fn = r->function;
        if (r->rows_from) {
            emit_rows_from(em, fn);
        } else if (fn->kind == IRE_CALL && fn->u.call.fn->kind == FN_SET_RETURNING) {
            expand(em, fn->u.call.fn->emit.sqlite, fn->u.call.args, fn->u.call.nargs, false, fn);
        } else {
            /* A plain function in FROM is a one-row table. */
            put(em, "(SELECT ");
            emit_expr(em, fn);
            put(em, " AS value, 1 AS ordinality)");
        }
        break;
    }
    case IR_RTE_JOIN:
        fail(em, -1, "XX000", "internal error: join entry as a FROM leaf");
        return;
    }
    put(em, " AS ");
    ident(em, r->engine_alias);
}

/* ---------------------------------------------------------------- SELECT */

static bool known_not_null(ir_query *q, ir_expr *e)
{
    if (e->kind != IRE_COLUMN)
        return e->kind == IRE_CONST && e->u.constant.value.kind != VALUE_NULL;
    ir_rte *r = ir_rte_at(q, e->u.column.levels_up, e->u.column.rte);
    if (!r || r->kind != IR_RTE_RELATION)
        return false;
    /* Outer joins can null a NOT NULL column: only trust it when no outer join exists. */
    ir_query *owner = query_up(q, e->u.column.levels_up);
    for (int i = 0; owner && i < owner->nfrom; i++)
        if (owner->from[i]->is_join)
            return false;
    return r->rel->columns[e->u.column.column].notnull;
}

static void emit_order_by(emitter *em, ir_query *q, bool by_position)
{
    if (!q->nsort)
        return;
    put(em, " ORDER BY ");
    for (int i = 0; i < q->nsort; i++) {
        ir_sort *s = &q->sort[i];
        if (i)
            put(em, ", ");
        int pos = -1;
        if (by_position) {
            for (int t = 0, visible = 0; t < q->ntargets; t++) {
                if (q->targets[t].junk)
                    continue;
                visible++;
                if (q->targets[t].expr == s->expr)
                    pos = visible;
            }
        }
        if (pos > 0)
            strbuf_printf(em->out, "%d", pos);
        else
            emit_key(em, s->expr);
        put(em, collation_for(s->expr->type));
        if (s->descending)
            put(em, " DESC");
        bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
        bool sqlite_default_first = !s->descending;
        if (nulls_first != sqlite_default_first || s->nulls) {
            if (!known_not_null(q, s->expr) || s->nulls)
                put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
        } else if (!known_not_null(q, s->expr)) {
            put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
        }
    }
    if (q->srf_ordinality) {
        /* rows of a select-list set-returning function keep its order among equal keys */
        put(em, ", ");
        emit_expr(em, q->srf_ordinality);
    }
}

/* A LIMIT or OFFSET count: negative is PostgreSQL's 2201W / 2201X, NULL means none (SQLite
 * reads a negative LIMIT as none and would not complain). */
static void emit_count(emitter *em, ir_expr *e, bool is_limit)
{
    const char *state = is_limit ? "2201W" : "2201X";
    const char *msg = is_limit ? "LIMIT must not be negative" : "OFFSET must not be negative";
    if (e->kind == IRE_CONST && e->u.constant.value.kind == VALUE_INT) {
        if (e->u.constant.value.i < 0) {
            fail(em, e->location, state, msg);
            return;
        }
        emit_expr(em, e);
        return;
    }
    if (e->kind == IRE_CONST && e->u.constant.value.kind == VALUE_NULL) {
        put(em, is_limit ? "-1" : "0");
        return;
    }
    put(em, "(CASE WHEN (");
    emit_expr(em, e);
    strbuf_printf(em->out, ") < 0 THEN pgw_error('%s', '%s') ELSE coalesce((", state, msg);
    emit_expr(em, e);
    put(em, is_limit ? "), -1) END)" : "), 0) END)");
}

static void emit_limit(emitter *em, ir_query *q)
{
    if (q->limit) {
        put(em, " LIMIT ");
        emit_count(em, q->limit, true);
    } else if (q->offset) {
        put(em, " LIMIT -1");
    }
    if (q->offset) {
        put(em, " OFFSET ");
        emit_count(em, q->offset, false);
    }
}

/* WITH queries [from, to) of owner into an open WITH list; *first: nothing written yet.  A
 * data-modifying one has already run (translate.c): it reads its engine table. */
static void emit_cte_list(emitter *em, ir_query *owner, int from, int to, bool recursive, bool *first)
{
    for (int i = from; i < to; i++) {
        ir_cte *c = &owner->ctes[i];
        if (c->data_modifying && c->query->ntargets == 0)
            continue;   /* no RETURNING: nothing can read it */
        if (c->data_modifying && !c->engine_table) {
            xlate_error(em->x, -1, "0A000", "data-modifying statements in WITH are not supported in this statement");
            em->failed = true;
            return;
        }
        put(em, *first ? (recursive ? "WITH RECURSIVE " : "WITH ") : ", ");
        *first = false;
        ident(em, c->name);
        put(em, "(");
        for (int k = 0; k < c->query->ntargets; k++) {
            if (k)
                put(em, ", ");
            ident(em, cte_column_name(owner, i, k));
        }
        put(em, ") AS ");
        if (c->data_modifying) {
            put(em, "(SELECT ");
            for (int k = 0; k < c->query->ntargets; k++)
                strbuf_printf(em->out, "%s\"_c%d\"", k ? ", " : "", k + 1);
            put(em, " FROM temp.");
            ident(em, c->engine_table);
            put(em, ") ");
            continue;
        }
        if (c->materialized)
            put(em, "MATERIALIZED ");
        put(em, "(");
        ir_query *saved = em->q;
        em->q = c->query;
        emit_query_body(em, c->query);
        em->q = saved;
        put(em, ") ");
    }
}

static void emit_with(emitter *em, ir_query *q)
{
    bool first = true;
    if (q == em->top && q->parent && (q->kind == QUERY_INSERT || q->kind == QUERY_UPDATE || q->kind == QUERY_DELETE)) {
        /* A data-modifying WITH query run as its own engine statement: the WITH queries
         * before it in its parent's list come along. */
        int k = 0;
        while (k < q->parent->ncte && q->parent->ctes[k].query != q)
            k++;
        emit_cte_list(em, q->parent, 0, k, q->recursive_with, &first);
    }
    emit_cte_list(em, q, 0, q->ncte, q->recursive_with, &first);
}

static void emit_targets(emitter *em, ir_query *q, bool alias_targets, const char *const *aliases)
{
    int visible = 0;
    for (int i = 0; i < q->ntargets; i++) {
        if (q->targets[i].junk)
            continue;
        if (visible)
            put(em, ", ");
        if (q == em->pk_guard_query && i == em->pk_guard_col) {
            em->pk_guard_query = NULL;   /* not in its subqueries */
            null_pk_guard(em, em->pk_guard_rel, q->targets[i].expr);
        } else {
            /* reg* columns stay OIDs: the types layer prints their names through the session's
             * catalog resolver (types.h reg_resolver), and sends the OID in binary. */
            emit_expr(em, q->targets[i].expr);
        }
        if (alias_targets) {
            put(em, " AS ");
            ident(em, aliases ? aliases[visible] : q->targets[i].name);
        }
        visible++;
    }
    if (!visible)
        put(em, "NULL");   /* SELECT FROM t: PostgreSQL allows an empty list */
}

static void emit_select_core(emitter *em, ir_query *q, bool alias_targets, const char *const *aliases)
{
    put(em, "SELECT ");
    if (q->distinct)
        put(em, "DISTINCT ");
    emit_targets(em, q, alias_targets, aliases);
    if (q->nfrom) {
        put(em, " FROM ");
        for (int i = 0; i < q->nfrom; i++) {
            if (i)
                put(em, ", ");
            emit_from(em, q, q->from[i]);
        }
    }
    if (q->where) {
        put(em, " WHERE ");
        emit_expr(em, q->where);
    }
    if (q->ngroup) {
        put(em, " GROUP BY ");
        for (int i = 0; i < q->ngroup; i++) {
            if (i)
                put(em, ", ");
            emit_key(em, q->group[i]);
            put(em, collation_for(q->group[i]->type));
        }
    }
    if (q->having) {
        put(em, " HAVING ");
        emit_expr(em, q->having);
    }
}

/* GROUPING SETS, ROLLUP, CUBE: one SELECT per set, UNION ALL, under the query's ORDER BY
 * and LIMIT (whose keys must be result columns):
 *   SELECT "_g"."_c1" AS a, ... FROM (SELECT ... GROUP BY <set 1> UNION ALL ...) AS "_g"
 *   ORDER BY "_g"."_cK" ... */
static void emit_grouping_sets(emitter *em, ir_query *q, bool alias_targets, const char *const *aliases)
{
    if (q->ndistinct_on || q->limit_with_ties || q->has_windows || q->distinct) {
        fail(em, -1, "0A000", "GROUPING SETS with DISTINCT, window functions or WITH TIES are not supported");
        return;
    }
    int n = visible_targets(q);
    const char *const *names = positional_names(em, n);
    if (!names)
        return;
    put(em, "SELECT ");
    for (int i = 0, v = 0; i < q->ntargets; i++) {
        if (q->targets[i].junk)
            continue;
        if (v)
            put(em, ", ");
        strbuf_printf(em->out, "\"_g\".\"_c%d\"", v + 1);
        if (alias_targets) {
            put(em, " AS ");
            ident(em, aliases ? aliases[v] : q->targets[i].name);
        }
        v++;
    }
    /* each arm: the result columns "_c1".., then sort keys that are not result columns
     * ("_k1"..: GROUPING(...), expressions) */
    int *sort_pos = xlate_alloc(em->x, sizeof *sort_pos * (size_t)(q->nsort + 1));
    ir_target *arm_targets = xlate_alloc(em->x, sizeof *arm_targets * (size_t)(n + q->nsort + 1));
    const char **arm_names = xlate_alloc(em->x, sizeof *arm_names * (size_t)(n + q->nsort + 1));
    if (!sort_pos || !arm_targets || !arm_names) {
        em->failed = true;
        return;
    }
    int narm = 0;
    for (int t = 0; t < q->ntargets; t++)
        if (!q->targets[t].junk) {
            arm_names[narm] = names[narm];
            arm_targets[narm++] = q->targets[t];
        }
    int nkeys = 0;
    for (int i = 0; i < q->nsort; i++) {
        ir_sort *srt = &q->sort[i];
        sort_pos[i] = -1;
        for (int t = 0, v = 0; t < q->ntargets && sort_pos[i] < 0; t++) {
            if (q->targets[t].junk)
                continue;
            v++;
            if (q->targets[t].expr == srt->expr || ir_equal(q->targets[t].expr, srt->expr))
                sort_pos[i] = v;
        }
        if (sort_pos[i] < 0) {
            sort_pos[i] = -(++nkeys);
            arm_targets[narm] = (ir_target){.expr = srt->expr, .name = "?"};
            arm_names[narm++] = arena_printf(em->x->mem, "_k%d", nkeys);
        }
    }
    put(em, " FROM (");
    ir_query *saved_gs = em->gs_query;
    uint64_t saved_mask = em->gs_mask;
    for (int s = 0; s < q->ngrouping_sets; s++) {
        if (s)
            put(em, " UNION ALL ");
        em->gs_query = q;
        em->gs_mask = q->grouping_sets[s];
        ir_query copy = *q;
        int k = 0;
        ir_expr **group = xlate_alloc(em->x, sizeof *group * (size_t)(q->ngroup + 1));
        if (!group) {
            em->failed = true;
            return;
        }
        for (int g = 0; g < q->ngroup; g++)
            if ((q->grouping_sets[s] >> g) & 1)
                group[k++] = q->group[g];
        copy.group = group;
        copy.ngroup = k;
        copy.targets = arm_targets;
        copy.ntargets = narm;
        /* the copy stands for q in column references (they name q's range entries) */
        ir_query *saved_q = em->q;
        em->q = q;
        emit_select_core(em, &copy, true, arm_names);
        em->q = saved_q;
    }
    em->gs_query = saved_gs;
    em->gs_mask = saved_mask;
    put(em, ") AS \"_g\"");
    if (q->nsort) {
        put(em, " ORDER BY ");
        for (int i = 0; i < q->nsort; i++) {
            ir_sort *srt = &q->sort[i];
            if (i)
                put(em, ", ");
            if (sort_pos[i] > 0)
                strbuf_printf(em->out, "\"_g\".\"_c%d\"", sort_pos[i]);
            else
                strbuf_printf(em->out, "\"_g\".\"_k%d\"", -sort_pos[i]);
            put(em, collation_for(srt->expr->type));
            if (srt->descending)
                put(em, " DESC");
            bool nulls_first = srt->nulls ? srt->nulls == 1 : srt->descending;
            put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
        }
    }
    emit_limit(em, q);
}

static void emit_select(emitter *em, ir_query *q, bool alias_targets, const char *const *aliases)
{
    emit_with(em, q);
    if (q->ngrouping_sets) {
        emit_grouping_sets(em, q, alias_targets, aliases);
        return;
    }
    if (q->ndistinct_on || q->limit_with_ties) {
        /* SELECT DISTINCT ON (k) ... ORDER BY k, s  →
         * SELECT c1.. FROM (SELECT ..., row_number() OVER (PARTITION BY k ORDER BY s) AS _rn
         *                   ...) WHERE _rn = 1 ORDER BY ...
         * and ... ORDER BY s OFFSET m FETCH FIRST n ROWS WITH TIES, the same way with
         * rank() OVER (ORDER BY s) AS _rk: WHERE _rn > m AND _rk <= m + n (a row's rank is
         * where its peer group starts). */
        bool ties = q->limit_with_ties;
        if (ties && q->ndistinct_on) {
            fail(em, -1, "0A000", "DISTINCT ON with FETCH FIRST ... WITH TIES is not supported");
            return;
        }
        int visible = 0;
        for (int i = 0; i < q->ntargets; i++)
            visible += !q->targets[i].junk;
        put(em, "SELECT ");
        for (int i = 0; i < visible; i++) {
            if (i)
                put(em, ", ");
            strbuf_printf(em->out, "\"_d\".\"_c%d\"", i + 1);
            if (alias_targets) {
                put(em, " AS ");
                int v = 0;
                const char *name = NULL;
                for (int t = 0; t < q->ntargets; t++) {
                    if (q->targets[t].junk)
                        continue;
                    if (v++ == i)
                        name = q->targets[t].name;
                }
                ident(em, aliases ? aliases[i] : name);
            }
        }
        put(em, " FROM (SELECT ");
        int v = 0;
        for (int i = 0; i < q->ntargets; i++) {
            if (q->targets[i].junk)
                continue;
            emit_expr(em, q->targets[i].expr);
            strbuf_printf(em->out, " AS \"_c%d\", ", ++v);
        }
        for (int i = 0; i < q->nsort; i++) {
            emit_expr(em, q->sort[i].expr);
            strbuf_printf(em->out, " AS \"_s%d\", ", i + 1);
        }
        put(em, "row_number() OVER (");
        if (q->ndistinct_on)
            put(em, "PARTITION BY ");
        for (int i = 0; i < q->ndistinct_on; i++) {
            if (i)
                put(em, ", ");
            emit_expr(em, q->distinct_on[i]);
            put(em, collation_for(q->distinct_on[i]->type));
        }
        for (int pass = 0; pass < (ties ? 2 : 1); pass++) {
        if (pass == 1)
            put(em, ") AS \"_rn\", rank() OVER (");
        if (q->nsort) {
            put(em, q->ndistinct_on ? " ORDER BY " : "ORDER BY ");
            for (int i = 0; i < q->nsort; i++) {
                ir_sort *s = &q->sort[i];
                if (i)
                    put(em, ", ");
                emit_key(em, s->expr);
                put(em, collation_for(s->expr->type));
                if (s->descending)
                    put(em, " DESC");
                bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
                put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
            }
        }
        }
        put(em, ties ? ") AS \"_rk\"" : ") AS \"_rn\"");
        ir_query copy = *q;
        copy.ndistinct_on = 0;
        copy.nsort = 0;
        copy.ntargets = 0;
        copy.limit = copy.offset = NULL;
        if (q->nfrom) {
            put(em, " FROM ");
            for (int i = 0; i < q->nfrom; i++) {
                if (i)
                    put(em, ", ");
                emit_from(em, q, q->from[i]);
            }
        }
        if (q->where) {
            put(em, " WHERE ");
            emit_expr(em, q->where);
        }
        if (q->ngroup) {
            put(em, " GROUP BY ");
            for (int i = 0; i < q->ngroup; i++) {
                if (i)
                    put(em, ", ");
                emit_key(em, q->group[i]);
            }
        }
        if (q->having) {
            put(em, " HAVING ");
            emit_expr(em, q->having);
        }
        if (ties) {
            put(em, ") AS \"_d\" WHERE \"_d\".\"_rk\" <= ");
            if (q->offset) {
                put(em, "(");
                emit_count(em, q->offset, false);
                put(em, ") + ");
            }
            put(em, "(");
            emit_count(em, q->limit, true);
            put(em, ")");
            if (q->offset) {
                put(em, " AND \"_d\".\"_rn\" > ");
                emit_count(em, q->offset, false);
            }
        } else {
            put(em, ") AS \"_d\" WHERE \"_d\".\"_rn\" = 1");
        }
        if (q->nsort) {
            put(em, " ORDER BY ");
            for (int i = 0; i < q->nsort; i++) {
                ir_sort *s = &q->sort[i];
                if (i)
                    put(em, ", ");
                strbuf_printf(em->out, "\"_d\".\"_s%d\"", i + 1);
                put(em, collation_for(s->expr->type));
                if (s->descending)
                    put(em, " DESC");
                bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
                put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
            }
        }
        if (!ties)
            emit_limit(em, q);
        return;
    }
    emit_select_core(em, q, alias_targets, aliases);
    emit_order_by(em, q, false);
    emit_limit(em, q);
}

/* An operand of a compound SELECT, wrapped when SQLite's grammar or precedence needs it;
 * its columns are always named "_c1".."_cN". */
static void emit_setop_operand(emitter *em, ir_query *op, bool right)
{
    bool wrap = op->ncte || op->nsort || op->limit || op->offset || op->ndistinct_on ||
                (right && op->kind == QUERY_SETOP) || op->kind == QUERY_VALUES;
    int n = visible_targets(op);
    const char *const *names = positional_names(em, n);
    if (!names)
        return;
    ir_query *saved = em->q;
    em->q = op;
    if (wrap) {
        put(em, "SELECT * FROM (");
        emit_query_named(em, op, names);
        put(em, ")");
    } else if (op->kind == QUERY_SETOP) {
        emit_query_body(em, op);
    } else {
        emit_select_core(em, op, true, names);
    }
    em->q = saved;
}

static void emit_setop(emitter *em, ir_query *q)
{
    if ((q->setop == IRS_INTERSECT || q->setop == IRS_EXCEPT) && q->setop_all) {
        /* SQLite has only the distinct forms: number each row's duplicates on both sides
         * (row_number() per distinct row); then (row, k) INTERSECT / EXCEPT (row, k) keeps
         * min(m, n) / max(m - n, 0) copies, as PostgreSQL's ALL forms do. */
        emit_with(em, q);
        int n = visible_targets(q);
        strbuf cols;
        strbuf_init(&cols);
        for (int i = 0; i < n; i++)
            strbuf_printf(&cols, "%s\"_c%d\"", i ? ", " : "", i + 1);
        strbuf_printf(em->out, "SELECT %s FROM (SELECT *, row_number() OVER (PARTITION BY %s) AS \"_n\" FROM (", cols.data,
                      cols.data);
        emit_setop_operand(em, q->larg, true);
        put(em, q->setop == IRS_INTERSECT ? ") INTERSECT " : ") EXCEPT ");
        strbuf_printf(em->out, "SELECT *, row_number() OVER (PARTITION BY %s) AS \"_n\" FROM (", cols.data);
        emit_setop_operand(em, q->rarg, true);
        put(em, "))");
        strbuf_free(&cols);
        emit_order_by(em, q, true);
        emit_limit(em, q);
        return;
    }
    emit_with(em, q);
    bool wrap_all = q->nsort || q->limit || q->offset;
    if (wrap_all && q->ncte)
        wrap_all = true;
    emit_setop_operand(em, q->larg, false);
    switch (q->setop) {
    case IRS_UNION: put(em, q->setop_all ? " UNION ALL " : " UNION "); break;
    case IRS_INTERSECT: put(em, " INTERSECT "); break;
    case IRS_EXCEPT: put(em, " EXCEPT "); break;
    }
    emit_setop_operand(em, q->rarg, true);
    emit_order_by(em, q, true);
    emit_limit(em, q);
}

static void emit_values(emitter *em, ir_query *q)
{
    bool wrap = q->nsort || q->limit || q->offset;
    if (wrap)
        put(em, "SELECT * FROM (");
    put(em, "VALUES ");
    for (int r = 0; r < q->nrows; r++) {
        if (r)
            put(em, ", ");
        put(em, "(");
        emit_list(em, q->rows[r], q->ntargets, ", ");
        put(em, ")");
    }
    if (wrap) {
        put(em, ")");
        emit_order_by(em, q, true);
        emit_limit(em, q);
    }
}

/* ---------------------------------------------------------------- DML */

static void emit_target_table(emitter *em, ir_query *q)
{
    ir_rte *r = q->rtes[q->result_rte];
    if (r->rel->engine_schema) {
        ident(em, r->rel->engine_schema);
        putc_(em, '.');
    }
    ident(em, r->rel->engine_name);
    put(em, " AS ");
    ident(em, r->engine_alias);
}

static void emit_returning(emitter *em, ir_query *q)
{
    if (!q->nreturning)
        return;
    /* SQLite's RETURNING sees only the target table, under its own name: columns of the
     * target are written unqualified. */
    put(em, " RETURNING ");
    ir_query *saved_q = em->bare_query;
    int saved_rte = em->bare_rte;
    em->bare_query = q;
    em->bare_rte = q->result_rte;
    for (int i = 0; i < q->nreturning; i++) {
        if (i)
            put(em, ", ");
        emit_expr(em, q->returning[i].expr);
    }
    em->bare_query = saved_q;
    em->bare_rte = saved_rte;
}

/* SQLite gives a NULL stored into an INTEGER PRIMARY KEY column (the rowid: what a
 * single-column primary key of an integer type becomes, ddl_table.c) a new number instead
 * of refusing it; PostgreSQL's primary key is NOT NULL.  The column of `rel`, or -1. */
static int rowid_pk_column(const cat_relation *rel)
{
    for (int i = 0; i < rel->nconstraints; i++) {
        const cat_constraint *c = &rel->constraints[i];
        if (c->type != 'p' || c->nkeys != 1)
            continue;
        for (int k = 0; k < rel->ncolumns; k++) {
            const cat_column *col = &rel->columns[k];
            if (col->attnum == c->keys[0] &&
                (col->type == PG_OID_INT2 || col->type == PG_OID_INT4 || col->type == PG_OID_INT8))
                return k;
        }
    }
    return -1;
}

/* coalesce(value, <PostgreSQL's not-null violation>), the error raised only for a NULL;
 * value NULL: the error alone. */
static void null_pk_guard(emitter *em, const cat_relation *rel, ir_expr *value)
{
    int k = rowid_pk_column(rel);
    if (value && value->kind == IRE_CONST && value->u.constant.value.kind != VALUE_NULL) {
        emit_expr(em, value);
        return;
    }
    if (value) {
        put(em, "coalesce(");
        emit_expr(em, value);
        put(em, ", ");
    }
    put(em, "pgw_error('23502', 'null value in column \"");
    for (const char *p = rel->columns[k].name; *p; p++)
        put(em, *p == '\'' ? "''" : (char[]){*p, 0});
    put(em, "\" of relation \"");
    for (const char *p = rel->name; *p; p++)
        put(em, *p == '\'' ? "''" : (char[]){*p, 0});
    put(em, "\" violates not-null constraint')");
    if (value)
        put(em, ")");
}

static void emit_insert(emitter *em, ir_query *q)
{
    ir_rte *r = q->rtes[q->result_rte];
    emit_with(em, q);
    put(em, "INSERT INTO ");
    emit_target_table(em, q);
    ir_query *src = q->insert_source;
    /* The INTEGER PRIMARY KEY column: its values guarded against NULL; left out (no
     * default), it is NULL in every row, so the error is its value. */
    int pk = rowid_pk_column(r->rel), pk_at = -1;
    for (int i = 0; pk >= 0 && i < q->ninsert_columns; i++)
        if (q->insert_columns[i] == pk)
            pk_at = i;
    bool pk_missing = pk >= 0 && pk_at < 0 && !r->rel->columns[pk].generated;
    bool plain_values = src && src->kind == QUERY_VALUES && !src->nsort && !src->limit && !src->offset;
    if (!src && !pk_missing) {
        put(em, " DEFAULT VALUES");
    } else if (!src) {
        put(em, " (");
        ident(em, r->rel->columns[pk].name);
        put(em, ") VALUES (");
        null_pk_guard(em, r->rel, NULL);
        put(em, ")");
    } else {
        put(em, " (");
        for (int i = 0; i < q->ninsert_columns; i++) {
            if (i)
                put(em, ", ");
            ident(em, r->rel->columns[q->insert_columns[i]].name);
        }
        if (pk_missing) {
            put(em, q->ninsert_columns ? ", " : "");
            ident(em, r->rel->columns[pk].name);
        }
        put(em, ") ");
        ir_query *saved = em->q;
        em->q = src;
        if (plain_values) {
            put(em, "VALUES ");
            for (int row = 0; row < src->nrows; row++) {
                if (row)
                    put(em, ", ");
                put(em, "(");
                for (int i = 0; i < q->ninsert_columns; i++) {
                    if (i)
                        put(em, ", ");
                    if (i == pk_at)
                        null_pk_guard(em, r->rel, src->rows[row][i]);
                    else
                        emit_expr(em, src->rows[row][i]);
                }
                if (pk_missing) {
                    put(em, q->ninsert_columns ? ", " : "");
                    null_pk_guard(em, r->rel, NULL);
                }
                put(em, ")");
            }
        } else if (q->on_conflict || pk_missing) {
            /* SQLite needs a WHERE to tell the upsert's ON from a join's ON. */
            put(em, "SELECT *");
            if (pk_missing) {
                put(em, ", ");
                null_pk_guard(em, r->rel, NULL);
            }
            put(em, " FROM (");
            if (pk_at >= 0 && src->kind == QUERY_SELECT) {
                em->pk_guard_query = src;
                em->pk_guard_col = pk_at;
                em->pk_guard_rel = r->rel;
            }
            emit_query_body(em, src);
            put(em, ") WHERE true");
        } else {
            if (pk_at >= 0 && src->kind == QUERY_SELECT) {
                em->pk_guard_query = src;
                em->pk_guard_col = pk_at;
                em->pk_guard_rel = r->rel;
            }
            emit_query_body(em, src);
        }
        em->pk_guard_query = NULL;
        em->q = saved;
    }
    ir_on_conflict *oc = q->on_conflict;
    if (oc) {
        put(em, " ON CONFLICT");
        if (oc->ntargets) {
            put(em, " (");
            for (int i = 0; i < oc->ntargets; i++) {
                if (i)
                    put(em, ", ");
                for (int c = 0; c < r->rel->ncolumns; c++)
                    if (r->rel->columns[c].attnum == oc->target_columns[i])
                        ident(em, r->rel->columns[c].name);
            }
            put(em, ")");
            if (oc->target_where) {
                put(em, " WHERE ");
                emit_expr(em, oc->target_where);
            }
        }
        if (!oc->do_update) {
            put(em, " DO NOTHING");
        } else {
            put(em, " DO UPDATE SET ");
            for (int i = 0; i < oc->nset; i++) {
                if (i)
                    put(em, ", ");
                ident(em, r->rel->columns[oc->set_columns[i]].name);
                put(em, " = ");
                emit_expr(em, oc->set_values[i]);
            }
            if (oc->where) {
                put(em, " WHERE ");
                emit_expr(em, oc->where);
            }
        }
    }
    emit_returning(em, q);
}

static void emit_update(emitter *em, ir_query *q)
{
    ir_rte *r = q->rtes[q->result_rte];
    emit_with(em, q);
    put(em, "UPDATE ");
    emit_target_table(em, q);
    put(em, " SET ");
    for (int i = 0; i < q->nset; i++) {
        if (i)
            put(em, ", ");
        ident(em, r->rel->columns[q->set_columns[i]].name);
        put(em, " = ");
        emit_expr(em, q->set_values[i]);
    }
    if (q->nfrom) {
        put(em, " FROM ");
        for (int i = 0; i < q->nfrom; i++) {
            if (i)
                put(em, ", ");
            emit_from(em, q, q->from[i]);
        }
    }
    if (q->where) {
        put(em, " WHERE ");
        emit_expr(em, q->where);
    }
    emit_returning(em, q);
}

static void emit_delete(emitter *em, ir_query *q)
{
    emit_with(em, q);
    put(em, "DELETE FROM ");
    emit_target_table(em, q);
    if (q->nfrom) {
        put(em, " WHERE EXISTS (SELECT 1 FROM ");
        for (int i = 0; i < q->nfrom; i++) {
            if (i)
                put(em, ", ");
            emit_from(em, q, q->from[i]);
        }
        if (q->where) {
            put(em, " WHERE ");
            emit_expr(em, q->where);
        }
        put(em, ")");
    } else if (q->where) {
        put(em, " WHERE ");
        emit_expr(em, q->where);
    }
    emit_returning(em, q);
}

static void emit_query_body(emitter *em, ir_query *q)
{
    switch (q->kind) {
    case QUERY_SELECT: emit_select(em, q, true, NULL); break;
    case QUERY_SETOP: emit_setop(em, q); break;
    case QUERY_VALUES: emit_values(em, q); break;
    case QUERY_INSERT: emit_insert(em, q); break;
    case QUERY_UPDATE: emit_update(em, q); break;
    case QUERY_DELETE: emit_delete(em, q); break;
    }
}

bool emit_query_sqlite(sql_xlate *x, ir_query *q, emit_result *out)
{
    emitter em = {.x = x, .out = &out->sql, .q = q, .top = q};
    emit_query_body(&em, q);
    if (out->sql.failed) {
        pg_error_oom(x->err);
        return false;
    }
    if (em.failed || pg_error_is_set(x->err))
        return false;
    /* ?N placeholders: engine parameter i is PostgreSQL parameter i. */
    out->nparams = x->nparams;
    if (x->nparams) {
        out->param_map = calloc((size_t)x->nparams, sizeof *out->param_map);
        if (!out->param_map) {
            pg_error_oom(x->err);
            return false;
        }
        for (int i = 0; i < x->nparams; i++)
            out->param_map[i] = i + 1;
    }
    return true;
}

bool emit_query(sql_xlate *x, ir_query *q, emit_result *out)
{
    /* Engines reached through ODBC get plain SQL in their dialect (emit_odbc.c); only the
     * embedded engine has the pgw_* functions this file relies on. */
    if (!x->catalog_engine && (x->dialect != DIALECT_SQLITE || backend_get_kind(x->session->srv->b) == BACKEND_ODBC))
        return emit_query_odbc(x, q, out);
    return emit_query_sqlite(x, q, out);
}

void emit_result_free(emit_result *r)
{
    while (r->next) {
        emit_result *n = r->next;
        r->next = n->next;
        n->next = NULL;
        emit_result_free(n);
        free(n);
    }
    strbuf_free(&r->sql);
    free(r->param_map);
    memset(r, 0, sizeof *r);
}

/* One expression over a single table's columns, written unqualified (CHECK constraints,
 * defaults and index expressions in DDL). */
bool emit_expr_sqlite(sql_xlate *x, ir_query *q, ir_expr *e, strbuf *out)
{
    emitter em = {.x = x, .out = out, .q = q, .bare_query = q, .bare_rte = 0};
    emit_expr(&em, e);
    return !em.failed && !out->failed && !pg_error_is_set(x->err);
}
