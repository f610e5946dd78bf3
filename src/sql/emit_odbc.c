/*
 * emit_odbc.c — IR → SQL for engines reached through ODBC: InterSystems IRIS (the IRIS
 * rules live in emit_iris.c and docs/iris.md), PostgreSQL through psqlODBC (emit_postgres.c)
 * and SQLite through its ODBC driver.
 *
 * What all three share and how it is met here:
 *  - Placeholders are `?`; every `?` written records which PostgreSQL parameter it binds,
 *    so $n may repeat or come in any order (param_map of the step).
 *  - Identifiers are written delimited ("name"), tables as "schema"."table" with the
 *    engine's names from the catalog snapshot (public → the configured engine schema).
 *  - Every select-list item gets `AS "name"` with PostgreSQL's column name, so that no engine
 *    invents names (IRIS: Expression_1, HostVar_1) and subqueries can be referred to.
 *  - Casts are CAST(x AS type) in the engine's type names (IRIS reads `:` as a host
 *    variable, so `::` never reaches it).
 * IRIS on top: no boolean values (conditions become CASE ... THEN 1 ELSE 0 END where a value
 * is wanted, BIT values become `= 1` where a condition is wanted), no IS TRUE, no VALUES in
 * FROM, no RETURNING, no ON CONFLICT, TOP/LIMIT by version.  SQLite over ODBC: only the
 * templates that do not call our pgw_* engine functions (the driver opens the file itself,
 * so they are not registered); anything else is 0A000.
 */
#include "sql/emit_odbc.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void emit_query_body(oemit *em, ir_query *q, const char *const *names);
static void emit_select(oemit *em, ir_query *q, const char *const *names);

void oe_put(oemit *em, const char *s) { strbuf_puts(em->out, s); }
void oe_putc(oemit *em, char c) { strbuf_putc(em->out, c); }

void oe_printf(oemit *em, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(em->out, fmt, ap);
    va_end(ap);
}

void oe_fail(oemit *em, int location, const char *sqlstate, const char *fmt, ...)
{
    if (!em->failed && !pg_error_is_set(em->x->err)) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        xlate_error(em->x, location, sqlstate, "%s", msg);
    }
    em->failed = true;
}

void oe_ident(oemit *em, const char *name)
{
    catalog_quote_ident(name, em->out);
}

void oe_param(oemit *em, int number)
{
    emit_result *r = em->res;
    if (r->nparams == r->params_cap) {
        int cap = r->params_cap ? r->params_cap * 2 : 8;
        int *grown = realloc(r->param_map, sizeof *grown * (size_t)cap);
        if (!grown) {
            em->failed = true;
            pg_error_oom(em->x->err);
            return;
        }
        r->param_map = grown;
        r->params_cap = cap;
    }
    r->param_map[r->nparams++] = number;
    oe_putc(em, '?');
}

static const char *dialect_name(const oemit *em)
{
    return em->iris ? "IRIS" : em->sqlite ? "SQLite (ODBC)" : "PostgreSQL (ODBC)";
}

/* ---------------------------------------------------------------- templates */

void oe_args(oemit *em, ir_expr **args, int n)
{
    for (int i = 0; i < n; i++) {
        if (i)
            oe_put(em, ", ");
        oe_value(em, args[i]);
    }
}

void oe_expand(oemit *em, const char *tmpl, ir_expr **args, int nargs, bool distinct)
{
    for (const char *p = tmpl; *p; p++) {
        if (*p != '%') {
            oe_putc(em, *p);
            continue;
        }
        p++;
        if (*p == '%')
            oe_putc(em, '%');
        else if (*p >= '1' && *p <= '9') {
            int i = *p - '1';
            if (i < nargs)
                oe_value(em, args[i]);
            else
                oe_put(em, "NULL");
        } else if (*p == '*')
            oe_args(em, args, nargs);
        else if (*p == 'D') {
            if (distinct)
                oe_put(em, "DISTINCT ");
        } else {
            p--;
            oe_putc(em, '%');
        }
    }
}

/* ---------------------------------------------------------------- columns and tables */

static ir_query *query_up(ir_query *q, int levels)
{
    while (levels-- > 0 && q)
        q = q->parent;
    return q;
}

static const char *engine_column(ir_query *owner, ir_rte *r, int col)
{
    switch (r->kind) {
    case IR_RTE_RELATION:
        return r->rel->columns[col].name;
    case IR_RTE_CTE: {
        ir_query *o = query_up(owner, r->cte_levels_up);
        if (o) {
            ir_cte *c = &o->ctes[r->cte_index];
            return col < c->ncolnames ? c->colnames[col] : c->query->targets[col].name;
        }
        return r->colnames[col];
    }
    case IR_RTE_FUNCTION:
        return col == 0 ? "value" : "ordinality";
    default:
        return r->colnames[col];
    }
}

/* The engine's name of a column of a relation: the catalog keeps the engine's spelling in
 * the relation's column name when it differs only by case (IRIS resolves names without
 * regard to case, so the PostgreSQL-folded name is enough). */
static void emit_column(oemit *em, ir_expr *e)
{
    ir_query *owner = query_up(em->q, e->u.column.levels_up);
    if (!owner || e->u.column.rte >= owner->nrte) {
        oe_fail(em, e->location, "XX000", "internal error: column reference out of scope");
        return;
    }
    ir_rte *r = owner->rtes[e->u.column.rte];
    if (owner == em->bare_query && e->u.column.rte == em->bare_rte) {
        oe_ident(em, engine_column(owner, r, e->u.column.column));
        return;
    }
    oe_ident(em, r->engine_alias);
    oe_putc(em, '.');
    oe_ident(em, engine_column(owner, r, e->u.column.column));
}

static void emit_table_name(oemit *em, const cat_relation *rel)
{
    /* Catalogs read from the engine carry its schema and name; a relation without an engine
     * schema is named by its PostgreSQL schema (public → the configured engine schema). */
    const char *schema = rel->engine_schema, *name = rel->engine_name;
    if (!schema && rel->schema && strcmp(rel->schema, "public") == 0) {
        schema = em->public_schema && *em->public_schema ? em->public_schema : NULL;
    } else if (!schema && rel->schema && !em->sqlite) {
        schema = rel->schema;
        name = rel->name;
    }
    if (schema && !em->sqlite) {
        oe_ident(em, schema);
        oe_putc(em, '.');
    }
    oe_ident(em, name);
}

/* ---------------------------------------------------------------- constants */

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

static bool type_name(oemit *em, pg_oid type, int32_t typmod, strbuf *out)
{
    return emit_odbc_type_name(em->dialect, em->x->session->srv->b, type, typmod, out);
}

static void cast_prefix(oemit *em)
{
    oe_put(em, "CAST(");
}

static void cast_suffix(oemit *em, pg_oid type, int32_t typmod, int location)
{
    strbuf t;
    strbuf_init(&t);
    if (!type_name(em, type, typmod, &t)) {
        const pg_type_info *ti = types_by_oid(type);
        oe_fail(em, location, "0A000", "type %s is not supported by the %s dialect", ti ? ti->sql_name : "?",
                dialect_name(em));
    }
    oe_put(em, " AS ");
    oe_put(em, t.data ? t.data : "");
    oe_putc(em, ')');
    strbuf_free(&t);
}

static void emit_const(oemit *em, ir_expr *e)
{
    sql_value *v = &e->u.constant.value;
    pg_oid t = e->type;
    if (v->kind == VALUE_NULL) {
        if (t == PG_OID_UNKNOWN || em->sqlite) {
            oe_put(em, "NULL");
            return;
        }
        cast_prefix(em);
        oe_put(em, "NULL");
        cast_suffix(em, t, e->typmod, e->location);
        return;
    }
    if (em->iris) {
        iris_emit_const(em, e);
        return;
    }
    if (t == PG_OID_BOOL) {
        oe_put(em, em->sqlite ? (v->i ? "1" : "0") : (v->i ? "TRUE" : "FALSE"));
        return;
    }
    if (v->kind == VALUE_INT && (t == PG_OID_INT4 || t == PG_OID_INT8 || t == PG_OID_INT2 || t == PG_OID_UNKNOWN)) {
        if (v->i == INT64_MIN)
            oe_put(em, "(-9223372036854775807 - 1)");
        else if (t == PG_OID_INT2 && !em->sqlite)
            oe_printf(em, "CAST(%lld AS smallint)", (long long)v->i);
        else
            oe_printf(em, "%lld", (long long)v->i);
        return;
    }
    if (v->kind == VALUE_FLOAT && isfinite(v->f) && em->sqlite) {
        oe_printf(em, "%.17g", v->f);
        return;
    }
    if (t == PG_OID_TEXT || t == PG_OID_UNKNOWN || (em->sqlite && v->kind == VALUE_TEXT && t != PG_OID_NUMERIC)) {
        put_quoted(em, v->ptr, v->len);
        return;
    }
    if (t == PG_OID_NUMERIC && v->kind == VALUE_TEXT && v->len && (v->ptr[0] == '-' || (v->ptr[0] >= '0' && v->ptr[0] <= '9'))) {
        oe_putc(em, '(');
        strbuf_append(em->out, v->ptr, v->len);
        oe_putc(em, ')');
        return;
    }
    if (em->sqlite) {
        /* SQLite has no literal syntax for other storage forms: the value as PostgreSQL prints it. */
        type_settings ts;
        type_settings_default(&ts);
        strbuf text;
        strbuf_init(&text);
        pg_error ignore = {0};
        if (types_text_out(&ts, t, e->typmod, v, &text, &ignore))
            put_quoted(em, text.data, text.len);
        else {
            pg_error_clear(&ignore);
            oe_fail(em, e->location, "0A000", "this constant cannot be written for SQLite over ODBC");
        }
        strbuf_free(&text);
        return;
    }
    /* PostgreSQL: its own text form, cast to the type. */
    type_settings ts;
    type_settings_default(&ts);
    strbuf text;
    strbuf_init(&text);
    pg_error ignore = {0};
    if (!types_text_out(&ts, t, e->typmod, v, &text, &ignore)) {
        pg_error_clear(&ignore);
        oe_fail(em, e->location, "0A000", "constant of this type cannot be sent to the engine");
        strbuf_free(&text);
        return;
    }
    cast_prefix(em);
    put_quoted(em, text.data, text.len);
    cast_suffix(em, t, e->typmod, e->location);
    strbuf_free(&text);
}

/* ---------------------------------------------------------------- predicates vs values */

bool oe_is_predicate(const oemit *em, const ir_expr *e)
{
    if (!em->iris || !e)
        return false;
    switch (e->kind) {
    case IRE_AND:
    case IRE_OR:
    case IRE_NOT:
    case IRE_NULLTEST:
    case IRE_BOOLTEST:
    case IRE_IN_LIST:
    case IRE_DISTINCT:
    case IRE_ANY_ARRAY:
        return true;
    case IRE_SUBLINK:
        return e->u.sublink.sublink == SUBLINK_EXISTS || e->u.sublink.sublink == SUBLINK_ANY ||
               e->u.sublink.sublink == SUBLINK_ALL;
    case IRE_CALL:
        return e->type == PG_OID_BOOL;
    case IRE_CAST:
        return e->type == PG_OID_BOOL && e->u.cast.arg->type != PG_OID_BOOL;
    case IRE_RAW:
        return e->type == PG_OID_BOOL;
    default:
        return false;
    }
}

static void emit_expr(oemit *em, ir_expr *e);

void oe_value(oemit *em, ir_expr *e)
{
    if (oe_is_predicate(em, e)) {
        /* IRIS: a condition used as a value is a BIT, NULL when the condition is unknown. */
        oe_put(em, "CASE WHEN ");
        emit_expr(em, e);
        oe_put(em, " THEN 1 WHEN NOT (");
        emit_expr(em, e);
        oe_put(em, ") THEN 0 END");
        return;
    }
    emit_expr(em, e);
}

void oe_pred(oemit *em, ir_expr *e)
{
    if (em->iris && e && e->type == PG_OID_BOOL && !oe_is_predicate(em, e)) {
        if (e->kind == IRE_CONST) {
            oe_put(em, e->u.constant.value.kind == VALUE_NULL ? "(1 = NULL)" : e->u.constant.value.i ? "(1 = 1)" : "(1 = 0)");
            return;
        }
        oe_putc(em, '(');
        emit_expr(em, e);
        oe_put(em, " = 1)");
        return;
    }
    emit_expr(em, e);
}

/* ---------------------------------------------------------------- casts */

static bool is_textual(pg_oid t)
{
    return t == PG_OID_TEXT || t == PG_OID_VARCHAR || t == PG_OID_NAME || t == PG_OID_UNKNOWN || t == PG_OID_BPCHAR;
}

static void emit_cast(oemit *em, ir_expr *e)
{
    ir_expr *arg = e->u.cast.arg;
    pg_oid from = arg->type, to = e->type;
    if ((from == to && e->typmod < 0) ||
        (is_textual(from) && from != PG_OID_BPCHAR && (to == PG_OID_TEXT || (to == PG_OID_VARCHAR && e->typmod < 0)))) {
        /* Text to unbounded text changes nothing in any engine. */
        oe_value(em, arg);
        return;
    }
    if (em->iris && to == PG_OID_BOOL) {
        /* A condition: nonzero / 'true' texts. */
        oe_putc(em, '(');
        oe_value(em, arg);
        oe_put(em, is_textual(from) ? " IN ('t', 'true', 'y', 'yes', 'on', '1'))" : " <> 0)");
        return;
    }
    if (em->iris && from == PG_OID_BOOL && is_textual(to)) {
        oe_put(em, "CASE ");
        oe_value(em, arg);
        oe_put(em, " WHEN 1 THEN 'true' WHEN 0 THEN 'false' END");
        return;
    }
    if (em->iris && to == PG_OID_VECTOR) {
        /* TO_VECTOR: the documented way to make a vector from its text. */
        oe_put(em, "TO_VECTOR(");
        oe_value(em, arg);
        oe_printf(em, ", %s", em->vector_type);
        if (e->typmod > 0)
            oe_printf(em, ", %d", e->typmod);
        oe_putc(em, ')');
        return;
    }
    if (em->sqlite && ((is_textual(from) && is_textual(to)) || (from == PG_OID_FLOAT4 && to == PG_OID_FLOAT8))) {
        oe_value(em, arg);
        return;
    }
    cast_prefix(em);
    oe_value(em, arg);
    cast_suffix(em, to, e->typmod, e->location);
}

/* ---------------------------------------------------------------- calls */

static bool is_operator_name(const char *name)
{
    return name[0] && !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_');
}

/* The embedded engine checks integer and float arithmetic in pgw_ functions (22003 on
 * overflow, 22012 on division by zero); a SQLite reached through its ODBC driver has none of
 * them, so arithmetic there is SQLite's own operators.  They agree with PostgreSQL except on
 * those errors (an integer overflow becomes a real, x / 0 is NULL): acceptable for the dialect
 * that exists to test the ODBC backend, not for users. */
static const char *sqlite_driver_arithmetic(const sql_function *fn)
{
    /* Engine functions that are there only for float NaN, which the embedded engine stores
     * as the text 'NaN' (SQLite's own operators read it as 0): the driver gets SQLite's. */
    static const char *const float_forms[][2] = {
        {"pgw_float_neg(%1)", "(- %1)"},
        {"pgw_float_abs(%1)", "abs(%1)"},
        {"pgw_float_sum(%D%1)", "sum(%D%1)"},
        {"pgw_float_avg(%D%1)", "avg(%D%1)"},
        {"pgw_float_div(%1, 0.017453292519943295)", "((%1) / 0.017453292519943295)"},
        {"pgw_float_mul(%1, 0.017453292519943295)", "((%1) * 0.017453292519943295)"},
    };
    const char *t = fn->emit.sqlite;
    for (size_t i = 0; t && i < ARRAY_LEN(float_forms); i++)
        if (strcmp(t, float_forms[i][0]) == 0)
            return float_forms[i][1];
    if (fn->nargs != 2 || !t || (strncmp(t, "pgw_int_", 8) != 0 && strncmp(t, "pgw_float_", 10) != 0))
        return NULL;
    switch (fn->name[0] && !fn->name[1] ? fn->name[0] : 0) {
    case '+': return "(%1 + %2)";
    case '-': return "(%1 - %2)";
    case '*': return "(%1 * %2)";
    case '/': return "(%1 / %2)";
    case '%': return "(%1 %% %2)";
    default: return NULL;
    }
}

static void emit_call(oemit *em, ir_expr *e, bool distinct)
{
    const sql_function *fn = e->u.call.fn;
    if (em->iris) {
        if (iris_emit_call(em, e))
            return;
        if (!fn->emit.iris) {
            oe_fail(em, e->location, "0A000", "%s %s is not supported by the IRIS dialect",
                    is_operator_name(fn->name) ? "operator" : "function", fn->name);
            return;
        }
        oe_expand(em, fn->emit.iris, e->u.call.args, e->u.call.nargs, distinct);
        return;
    }
    if (em->sqlite) {
        const char *t = sqlite_driver_arithmetic(fn);
        if (!t)
            t = fn->emit.sqlite;
        if (!t || strstr(t, "pgw_") || strstr(t, "json_") || strstr(t, "COLLATE")) {
            oe_fail(em, e->location, "0A000", "%s %s needs the embedded engine's functions (not available through the SQLite ODBC driver)",
                    is_operator_name(fn->name) ? "operator" : "function", fn->name);
            return;
        }
        oe_expand(em, t, e->u.call.args, e->u.call.nargs, distinct);
        return;
    }
    postgres_emit_call(em, e);
}

static void emit_agg(oemit *em, ir_expr *e)
{
    const sql_function *fn = e->u.call.fn;
    if (!em->iris && !em->sqlite) {
        postgres_emit_call(em, e);
        return;
    }
    if (e->u.call.norder) {
        oe_fail(em, e->location, "0A000", "ORDER BY inside an aggregate is not supported by the %s dialect",
                dialect_name(em));
        return;
    }
    if (!e->u.call.filter) {
        emit_call(em, e, e->u.call.distinct);
        return;
    }
    /* FILTER (WHERE c): the aggregate over CASE WHEN c THEN arg END (NULLs are skipped). */
    ir_expr **args = xlate_alloc(em->x, sizeof *args * (size_t)(e->u.call.nargs + 1));
    ir_expr *cases = xlate_alloc(em->x, sizeof *cases * (size_t)(e->u.call.nargs + 1));
    if (!args || !cases) {
        em->failed = true;
        return;
    }
    int n = e->u.call.nargs;
    if (n == 0 || e->u.call.star) {
        /* count(*) FILTER → count(CASE WHEN c THEN 1 END) */
        const sql_function *count1 = NULL;
        pg_oid any = PG_OID_INT4, coerce[1];
        if (sql_function_lookup("count", 1, &any, FN_AGGREGATE, &count1, coerce) != FN_FOUND) {
            oe_fail(em, e->location, "0A000", "aggregate FILTER is not supported here");
            return;
        }
        fn = count1;
        n = 1;
        args[0] = ir_const_int(em->x, PG_OID_INT4, 1, -1);
    } else {
        memcpy(args, e->u.call.args, sizeof *args * (size_t)n);
    }
    for (int i = 0; i < n; i++) {
        ir_case_when *w = xlate_alloc(em->x, sizeof *w);
        if (!w || !args[i]) {
            em->failed = true;
            return;
        }
        w->cond = e->u.call.filter;
        w->result = args[i];
        memset(&cases[i], 0, sizeof cases[i]);
        cases[i].kind = IRE_CASE;
        cases[i].type = args[i]->type;
        cases[i].typmod = args[i]->typmod;
        cases[i].location = -1;
        cases[i].u.case_.nwhen = 1;
        cases[i].u.case_.when = w;
        args[i] = &cases[i];
    }
    ir_expr copy = *e;
    copy.u.call.fn = fn;
    copy.u.call.args = args;
    copy.u.call.nargs = n;
    copy.u.call.filter = NULL;
    copy.u.call.star = false;
    emit_call(em, &copy, e->u.call.distinct);
}

static void emit_window_spec(oemit *em, ir_window *w)
{
    oe_put(em, " OVER (");
    bool space = false;
    if (w->npartition) {
        oe_put(em, "PARTITION BY ");
        oe_args(em, w->partition, w->npartition);
        space = true;
    }
    if (w->norder) {
        oe_put(em, space ? " ORDER BY " : "ORDER BY ");
        for (int i = 0; i < w->norder; i++) {
            ir_sort *s = &w->order[i];
            if (i)
                oe_put(em, ", ");
            oe_value(em, s->expr);
            if (s->descending)
                oe_put(em, " DESC");
            if (!em->iris) {
                bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
                oe_put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
            }
        }
        space = true;
    }
    if (w->frame) {
        if (space)
            oe_putc(em, ' ');
        oe_put(em, w->frame);
    }
    oe_putc(em, ')');
}

/* ---------------------------------------------------------------- subqueries */

static void emit_subquery(oemit *em, ir_query *sub, const char *const *names)
{
    ir_query *saved = em->q;
    bool saved_sub = em->in_subquery;
    em->q = sub;
    em->in_subquery = true;
    emit_query_body(em, sub, names);
    em->q = saved;
    em->in_subquery = saved_sub;
}

static void emit_sublink(oemit *em, ir_expr *e)
{
    ir_query *sub = e->u.sublink.subquery;
    switch (e->u.sublink.sublink) {
    case SUBLINK_EXISTS:
        oe_put(em, "EXISTS (");
        emit_subquery(em, sub, NULL);
        oe_putc(em, ')');
        return;
    case SUBLINK_SCALAR:
        oe_putc(em, '(');
        emit_subquery(em, sub, NULL);
        oe_putc(em, ')');
        return;
    case SUBLINK_ARRAY:
        if (em->iris || em->sqlite) {
            oe_fail(em, e->location, "0A000", "ARRAY(subquery) is not supported by the %s dialect", dialect_name(em));
            return;
        }
        oe_put(em, "ARRAY(");
        emit_subquery(em, sub, NULL);
        oe_putc(em, ')');
        return;
    case SUBLINK_ANY:
    case SUBLINK_ALL: {
        const sql_function *op = e->u.sublink.op;
        bool any = e->u.sublink.sublink == SUBLINK_ANY;
        oe_putc(em, '(');
        oe_value(em, e->u.sublink.test);
        if (strcmp(op->name, any ? "=" : "<>") == 0)
            oe_put(em, any ? " IN (" : " NOT IN (");
        else if (is_operator_name(op->name) && strlen(op->name) <= 2 && strchr("=<>", op->name[0]))
            oe_printf(em, " %s %s (", op->name, any ? "ANY" : "ALL");
        else {
            oe_fail(em, e->location, "0A000", "%s with operator %s is not supported by the %s dialect",
                    any ? "ANY" : "ALL", op->name, dialect_name(em));
            return;
        }
        emit_subquery(em, sub, NULL);
        oe_put(em, "))");
        return;
    }
    }
}

/* ---------------------------------------------------------------- expressions */

static void emit_booltest(oemit *em, ir_expr *e)
{
    if (!em->iris) {
        static const char *const tests[] = {" IS TRUE", " IS NOT TRUE", " IS FALSE", " IS NOT FALSE", " IS NULL",
                                            " IS NOT NULL"};
        oe_putc(em, '(');
        oe_value(em, e->u.booltest.arg);
        oe_put(em, tests[e->u.booltest.test]);
        oe_putc(em, ')');
        return;
    }
    /* IRIS has no IS TRUE: compare the BIT value, NULL meaning unknown. */
    static const char *const forms[] = {
        "(%v = 1)", "(%v IS NULL OR %v = 0)", "(%v = 0)", "(%v IS NULL OR %v = 1)", "(%v IS NULL)", "(%v IS NOT NULL)",
    };
    for (const char *p = forms[e->u.booltest.test]; *p; p++) {
        if (p[0] == '%' && p[1] == 'v') {
            oe_value(em, e->u.booltest.arg);
            p++;
        } else
            oe_putc(em, *p);
    }
}

static void emit_raw(oemit *em, ir_expr *e)
{
    const char *sql = e->u.raw.sql;
    static const struct { const char *pgw, *iris, *postgres; } known[] = {
        {"pgw_current_date()", "CURRENT_DATE", "CURRENT_DATE"},
        {"pgw_localtimestamp()", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP"},
        {"pgw_localtime()", "CURRENT_TIME", "LOCALTIME"},
        {"pgw_current_time()", NULL, "CURRENT_TIME"},
    };
    for (size_t i = 0; i < ARRAY_LEN(known); i++)
        if (strcmp(sql, known[i].pgw) == 0) {
            const char *w = em->iris ? known[i].iris : em->sqlite ? NULL : known[i].postgres;
            if (!w)
                break;
            oe_put(em, w);
            return;
        }
    if (strncmp(sql, "pgw_similar(", 12) == 0 || strncmp(sql, "(NOT pgw_similar(", 17) == 0) {
        if (!em->iris && !em->sqlite) {
            oe_putc(em, '(');
            oe_value(em, e->u.raw.args[0]);
            oe_put(em, sql[0] == '(' ? " NOT SIMILAR TO " : " SIMILAR TO ");
            oe_value(em, e->u.raw.args[1]);
            oe_putc(em, ')');
            return;
        }
    }
    oe_fail(em, e->location, "0A000", "this expression is not supported by the %s dialect", dialect_name(em));
}

static void emit_expr(oemit *em, ir_expr *e)
{
    if (em->failed)
        return;
    if (!e) {
        oe_put(em, "NULL");
        return;
    }
    switch (e->kind) {
    case IRE_CONST:
        emit_const(em, e);
        return;
    case IRE_PARAM:
        if (em->iris && e->type == PG_OID_VECTOR) {
            oe_put(em, "TO_VECTOR(");
            oe_param(em, e->u.param.number);
            oe_printf(em, ", %s)", em->vector_type);
            return;
        }
        if (!em->iris && !em->sqlite && e->type != PG_OID_UNKNOWN) {
            /* psqlODBC sends parameters as text or its own guess: name the type. */
            cast_prefix(em);
            oe_param(em, e->u.param.number);
            cast_suffix(em, e->type, -1, e->location);
            return;
        }
        oe_param(em, e->u.param.number);
        return;
    case IRE_COLUMN:
        emit_column(em, e);
        return;
    case IRE_CALL:
        emit_call(em, e, false);
        return;
    case IRE_AGG:
        emit_agg(em, e);
        return;
    case IRE_WINDOW:
        if (!em->iris && !em->sqlite) {
            postgres_emit_call(em, e);
        } else {
            if (e->u.call.filter) {
                oe_fail(em, e->location, "0A000", "FILTER on a window function is not supported by the %s dialect",
                        dialect_name(em));
                return;
            }
            emit_call(em, e, false);
        }
        emit_window_spec(em, e->u.call.window);
        return;
    case IRE_CAST:
        emit_cast(em, e);
        return;
    case IRE_AND:
    case IRE_OR:
        oe_putc(em, '(');
        for (int i = 0; i < e->u.list.nargs; i++) {
            if (i)
                oe_put(em, e->kind == IRE_AND ? " AND " : " OR ");
            oe_pred(em, e->u.list.args[i]);
        }
        oe_putc(em, ')');
        return;
    case IRE_NOT:
        oe_put(em, "(NOT ");
        oe_pred(em, e->u.list.args[0]);
        oe_putc(em, ')');
        return;
    case IRE_NULLTEST:
        oe_putc(em, '(');
        oe_value(em, e->u.list.args[0]);
        oe_put(em, e->u.list.negated ? " IS NOT NULL)" : " IS NULL)");
        return;
    case IRE_BOOLTEST:
        emit_booltest(em, e);
        return;
    case IRE_CASE:
        oe_put(em, "(CASE");
        if (e->u.case_.arg) {
            oe_putc(em, ' ');
            oe_value(em, e->u.case_.arg);
        }
        for (int i = 0; i < e->u.case_.nwhen; i++) {
            oe_put(em, " WHEN ");
            if (e->u.case_.arg)
                oe_value(em, e->u.case_.when[i].cond);
            else
                oe_pred(em, e->u.case_.when[i].cond);
            oe_put(em, " THEN ");
            oe_value(em, e->u.case_.when[i].result);
        }
        if (e->u.case_.otherwise) {
            oe_put(em, " ELSE ");
            oe_value(em, e->u.case_.otherwise);
        }
        oe_put(em, " END)");
        return;
    case IRE_COALESCE:
        if (e->u.list.nargs == 1) {
            oe_value(em, e->u.list.args[0]);
            return;
        }
        oe_put(em, "COALESCE(");
        oe_args(em, e->u.list.args, e->u.list.nargs);
        oe_putc(em, ')');
        return;
    case IRE_NULLIF:
        oe_put(em, "NULLIF(");
        oe_args(em, e->u.list.args, 2);
        oe_putc(em, ')');
        return;
    case IRE_GREATEST:
    case IRE_LEAST:
        if (em->sqlite) {
            oe_fail(em, e->location, "0A000", "GREATEST/LEAST are not supported by the SQLite (ODBC) dialect");
            return;
        }
        oe_put(em, e->kind == IRE_GREATEST ? "GREATEST(" : "LEAST(");
        oe_args(em, e->u.list.args, e->u.list.nargs);
        oe_putc(em, ')');
        return;
    case IRE_SUBLINK:
        emit_sublink(em, e);
        return;
    case IRE_ARRAY:
        if (em->iris || em->sqlite) {
            oe_fail(em, e->location, "0A000", "arrays are not supported by the %s dialect", dialect_name(em));
            return;
        }
        oe_put(em, "ARRAY[");
        oe_args(em, e->u.list.args, e->u.list.nargs);
        oe_putc(em, ']');
        if (e->u.list.nargs == 0) {
            strbuf t;
            strbuf_init(&t);
            if (type_name(em, e->type, -1, &t))
                oe_printf(em, "::%s", t.data);
            strbuf_free(&t);
        }
        return;
    case IRE_ROW:
        if (em->iris || em->sqlite) {
            oe_fail(em, e->location, "0A000", "ROW() is not supported by the %s dialect", dialect_name(em));
            return;
        }
        oe_put(em, "ROW(");
        oe_args(em, e->u.list.args, e->u.list.nargs);
        oe_putc(em, ')');
        return;
    case IRE_IN_LIST:
        oe_putc(em, '(');
        oe_value(em, e->u.list.args[0]);
        oe_put(em, e->u.list.negated ? " NOT IN (" : " IN (");
        oe_args(em, e->u.list.args + 1, e->u.list.nargs - 1);
        oe_put(em, "))");
        return;
    case IRE_DISTINCT: {
        ir_expr *a = e->u.list.args[0], *b = e->u.list.args[1];
        if (!em->iris) {
            oe_putc(em, '(');
            oe_value(em, a);
            oe_put(em, e->u.list.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ");
            oe_value(em, b);
            oe_putc(em, ')');
            return;
        }
        /* IRIS: spelled out, NULLs equal to each other and unequal to values. */
        oe_put(em, e->u.list.negated ? "(NOT " : "(");
        oe_put(em, "((");
        oe_value(em, a);
        oe_put(em, " <> ");
        oe_value(em, b);
        oe_put(em, " OR ");
        oe_value(em, a);
        oe_put(em, " IS NULL OR ");
        oe_value(em, b);
        oe_put(em, " IS NULL) AND NOT (");
        oe_value(em, a);
        oe_put(em, " IS NULL AND ");
        oe_value(em, b);
        oe_put(em, " IS NULL)))");
        return;
    }
    case IRE_ANY_ARRAY: {
        ir_expr *lhs = e->u.list.args[0], *arr = e->u.list.args[1];
        if (arr->kind == IRE_ARRAY && strcmp(e->u.list.op->name, e->u.list.all ? "<>" : "=") == 0) {
            /* x = ANY(ARRAY[a, b]) is x IN (a, b) in every dialect. */
            oe_putc(em, '(');
            oe_value(em, lhs);
            oe_put(em, e->u.list.all ? " NOT IN (" : " IN (");
            oe_args(em, arr->u.list.args, arr->u.list.nargs);
            oe_put(em, "))");
            return;
        }
        if (em->iris || em->sqlite) {
            oe_fail(em, e->location, "0A000", "%s with an array is not supported by the %s dialect",
                    e->u.list.all ? "ALL" : "ANY", dialect_name(em));
            return;
        }
        oe_putc(em, '(');
        oe_value(em, lhs);
        oe_printf(em, " %s %s (", e->u.list.op->name, e->u.list.all ? "ALL" : "ANY");
        oe_value(em, arr);
        oe_put(em, "))");
        return;
    }
    case IRE_RAW:
        emit_raw(em, e);
        return;
    case IRE_SETTING:
        /* The PostgreSQL user of the session, not the engine's login: a literal, so the plan
         * is the session's own. */
        em->x->uncacheable = true;
        put_quoted(em, em->x->session->user, strlen(em->x->session->user));
        return;
    case IRE_DEFAULT:
        oe_put(em, "DEFAULT");
        return;
    }
}

/* ---------------------------------------------------------------- FROM */

static void emit_values_as_select(oemit *em, ir_query *v, const char *const *names);

static void emit_from(oemit *em, ir_query *q, ir_from *f)
{
    if (f->is_join) {
        emit_from(em, q, f->left);
        switch (f->join_type) {
        case IRJ_LEFT: oe_put(em, " LEFT OUTER JOIN "); break;
        case IRJ_RIGHT: oe_put(em, " RIGHT OUTER JOIN "); break;
        case IRJ_FULL: oe_put(em, " FULL OUTER JOIN "); break;
        case IRJ_CROSS: oe_put(em, " CROSS JOIN "); break;
        default: oe_put(em, " INNER JOIN "); break;
        }
        bool nested = f->right->is_join;
        if (nested)
            oe_putc(em, '(');
        emit_from(em, q, f->right);
        if (nested)
            oe_putc(em, ')');
        if (f->on) {
            oe_put(em, " ON ");
            oe_pred(em, f->on);
        } else if (f->join_type != IRJ_CROSS) {
            oe_put(em, " ON 1 = 1");
        }
        return;
    }
    ir_rte *r = q->rtes[f->rte];
    switch (r->kind) {
    case IR_RTE_RELATION:
        emit_table_name(em, r->rel);
        break;
    case IR_RTE_CTE:
        oe_ident(em, query_up(q, r->cte_levels_up)->ctes[r->cte_index].name);
        break;
    case IR_RTE_SUBQUERY:
        oe_putc(em, '(');
        emit_subquery(em, r->subquery, r->colnames);
        oe_putc(em, ')');
        break;
    case IR_RTE_VALUES:
        oe_putc(em, '(');
        if (em->iris) {
            ir_query *saved = em->q;
            em->q = r->subquery;
            emit_values_as_select(em, r->subquery, r->colnames);
            em->q = saved;
        } else {
            emit_subquery(em, r->subquery, r->colnames);
        }
        oe_putc(em, ')');
        break;
    case IR_RTE_FUNCTION: {
        ir_expr *fn = r->function;
        if (r->rows_from) {
            oe_fail(em, fn->location, "0A000", "ROWS FROM is not supported by the %s dialect", dialect_name(em));
            return;
        }
        if (em->iris || em->sqlite || fn->kind != IRE_CALL) {
            if (fn->kind == IRE_CALL && fn->u.call.fn->kind == FN_SET_RETURNING) {
                oe_fail(em, fn->location, "0A000", "set-returning function %s is not supported by the %s dialect",
                        fn->u.call.fn->name, dialect_name(em));
                return;
            }
            oe_put(em, "(SELECT ");
            oe_value(em, fn);
            oe_put(em, " AS \"value\", 1 AS \"ordinality\")");
            break;
        }
        postgres_emit_call(em, fn);
        if (r->with_ordinality)
            oe_put(em, " WITH ORDINALITY");
        oe_put(em, " AS ");
        oe_ident(em, r->engine_alias);
        oe_put(em, r->with_ordinality ? "(\"value\", \"ordinality\")" : "(\"value\")");
        return;
    }
    case IR_RTE_JOIN:
        oe_fail(em, -1, "XX000", "internal error: join entry as a FROM leaf");
        return;
    }
    oe_put(em, " AS ");
    oe_ident(em, r->engine_alias);
}

/* ---------------------------------------------------------------- SELECT */

static int visible_targets(const ir_query *q)
{
    int n = 0;
    for (int i = 0; i < q->ntargets; i++)
        n += !q->targets[i].junk;
    return n;
}

static void emit_targets(oemit *em, ir_query *q, const char *const *names)
{
    int visible = 0;
    for (int i = 0; i < q->ntargets; i++) {
        if (q->targets[i].junk && !em->iris)
            continue;
        if (q->targets[i].junk)
            continue;
        if (visible)
            oe_put(em, ", ");
        oe_value(em, q->targets[i].expr);
        oe_put(em, " AS ");
        oe_ident(em, names ? names[visible] : q->targets[i].name ? q->targets[i].name : "?column?");
        visible++;
    }
    if (!visible)
        oe_put(em, "NULL");
}

static void emit_order_by(oemit *em, ir_query *q)
{
    if (!q->nsort)
        return;
    oe_put(em, " ORDER BY ");
    for (int i = 0; i < q->nsort; i++) {
        ir_sort *s = &q->sort[i];
        if (i)
            oe_put(em, ", ");
        if (em->iris && s->expr->kind == IRE_CALL && s->expr->u.call.nargs == 2 &&
            s->expr->u.call.args[0]->type == PG_OID_VECTOR &&
            (strcmp(s->expr->u.call.fn->name, "<=>") == 0 || strcmp(s->expr->u.call.fn->name, "<#>") == 0)) {
            /* Nearest neighbours: ordering by the similarity itself, descending, is the form
             * IRIS's HNSW index serves (GSQL_vecsearch); rows without a vector are not
             * ordered last here. */
            oe_put(em, strcmp(s->expr->u.call.fn->name, "<=>") == 0 ? "VECTOR_COSINE(" : "VECTOR_DOT_PRODUCT(");
            oe_value(em, s->expr->u.call.args[0]);
            oe_put(em, ", ");
            oe_value(em, s->expr->u.call.args[1]);
            oe_put(em, s->descending ? ")" : ") DESC");
            continue;
        }
        if (em->iris) {
            /* IRIS collates NULL lowest (first ascending, last descending); PostgreSQL
             * highest: an explicit NULL key where the wanted order differs. */
            bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
            if (nulls_first == s->descending) {
                oe_put(em, "CASE WHEN ");
                oe_value(em, s->expr);
                oe_printf(em, " IS NULL THEN %d ELSE %d END, ", nulls_first ? 0 : 1, nulls_first ? 1 : 0);
            }
            oe_value(em, s->expr);
            if (s->descending)
                oe_put(em, " DESC");
            continue;
        }
        oe_value(em, s->expr);
        if (s->descending)
            oe_put(em, " DESC");
        bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
        oe_put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
}

static void emit_limit(oemit *em, ir_query *q)
{
    if (em->iris) {
        if (iris_use_top(em, q))
            return;   /* written as TOP after SELECT */
        if (!q->limit && !q->offset)
            return;
        if (q->limit_with_ties) {
            oe_fail(em, -1, "0A000", "FETCH ... WITH TIES is not supported by the IRIS dialect");
            return;
        }
        if (em->in_subquery && q->nsort && !q->offset) {
            /* "in a subquery, using a LIMIT clause following an ORDER BY clause is not
             * supported. To use ORDER BY in a subquery, use TOP instead." (RSQL_limit) —
             * written as TOP by emit_select. */
            return;
        }
        if (em->in_subquery && q->nsort) {
            oe_fail(em, -1, "0A000", "LIMIT with OFFSET after ORDER BY in a subquery is not supported by IRIS");
            return;
        }
        oe_put(em, " LIMIT ");
        if (q->limit)
            oe_value(em, q->limit);
        else
            oe_put(em, "ALL");
        if (q->offset) {
            oe_put(em, " OFFSET ");
            oe_value(em, q->offset);
        }
        return;
    }
    if (q->limit_with_ties) {
        oe_fail(em, -1, "0A000", "FETCH ... WITH TIES is not supported by the %s dialect", dialect_name(em));
        return;
    }
    if (q->limit) {
        oe_put(em, " LIMIT ");
        oe_value(em, q->limit);
    } else if (q->offset && em->sqlite) {
        oe_put(em, " LIMIT -1");
    }
    if (q->offset) {
        oe_put(em, " OFFSET ");
        oe_value(em, q->offset);
    }
}

static void emit_with(oemit *em, ir_query *q)
{
    if (!q->ncte)
        return;
    if (em->iris && q->recursive_with) {
        oe_fail(em, -1, "0A000", "WITH RECURSIVE is not supported by the IRIS dialect");
        return;
    }
    for (int i = 0; i < q->ncte; i++)
        if (q->ctes[i].data_modifying) {
            oe_fail(em, -1, "0A000", "data-modifying statements in WITH are not supported by this engine");
            return;
        }
    oe_put(em, q->recursive_with ? "WITH RECURSIVE " : "WITH ");
    for (int i = 0; i < q->ncte; i++) {
        ir_cte *c = &q->ctes[i];
        if (i)
            oe_put(em, ", ");
        oe_ident(em, c->name);
        oe_put(em, " (");
        const char **names = xlate_alloc(em->x, sizeof *names * (size_t)(c->query->ntargets + 1));
        if (!names) {
            em->failed = true;
            return;
        }
        int n = 0;
        for (int k = 0; k < c->query->ntargets; k++) {
            if (c->query->targets[k].junk)
                continue;
            names[n] = k < c->ncolnames ? c->colnames[k] : c->query->targets[k].name;
            if (n)
                oe_put(em, ", ");
            oe_ident(em, names[n++]);
        }
        oe_put(em, ") AS (");
        emit_subquery(em, c->query, names);
        oe_put(em, ") ");
    }
}

/* IRIS before 2025.1 has no OFFSET: the rows of a TOP ALL subquery (which keeps its ORDER BY)
 * are numbered by %VID, and the outer query keeps those past the offset. */
static void emit_select_vid(oemit *em, ir_query *q, const char *const *names)
{
    ir_query inner = *q;
    inner.limit = inner.offset = NULL;
    oe_put(em, "SELECT ");
    int visible = 0;
    for (int i = 0; i < q->ntargets; i++) {
        if (q->targets[i].junk)
            continue;
        const char *name = names ? names[visible] : q->targets[i].name ? q->targets[i].name : "?column?";
        if (visible++)
            oe_put(em, ", ");
        oe_put(em, "\"_v\".");
        oe_ident(em, name);
        oe_put(em, " AS ");
        oe_ident(em, name);
    }
    oe_put(em, " FROM (");
    em->top_all = true;
    emit_select(em, &inner, names);
    oe_put(em, ") AS \"_v\" WHERE %VID > ");
    oe_value(em, q->offset);
    if (q->limit) {
        oe_put(em, " AND %VID <= (");
        oe_value(em, q->offset);
        oe_put(em, ") + (");
        oe_value(em, q->limit);
        oe_putc(em, ')');
    }
}

static void emit_select(oemit *em, ir_query *q, const char *const *names)
{
    if (q->ndistinct_on) {
        oe_fail(em, -1, "0A000", "SELECT DISTINCT ON is not supported by the %s dialect", dialect_name(em));
        return;
    }
    if (em->iris && em->iris_version < 20251 && q->offset) {
        emit_select_vid(em, q, names);
        return;
    }
    emit_with(em, q);
    oe_put(em, "SELECT ");
    if (q->distinct)
        oe_put(em, "DISTINCT ");
    if (em->iris && em->top_all) {
        /* TOP ALL lets a subquery keep its ORDER BY (RSQL_select, "TOP"). */
        em->top_all = false;
        oe_put(em, "TOP ALL ");
    } else if (em->iris && (iris_use_top(em, q) || (em->in_subquery && q->nsort && q->limit && !q->offset)))
        iris_emit_top(em, q);
    emit_targets(em, q, names);
    if (q->nfrom) {
        oe_put(em, " FROM ");
        for (int i = 0; i < q->nfrom; i++) {
            if (i)
                oe_put(em, ", ");
            emit_from(em, q, q->from[i]);
        }
    }
    if (q->where) {
        oe_put(em, " WHERE ");
        oe_pred(em, q->where);
    }
    if (q->ngrouping_sets) {
        /* the analyzer expands GROUPING SETS / ROLLUP / CUBE; only the SQLite emitter writes them */
        oe_fail(em, -1, "0A000", "GROUPING SETS, ROLLUP and CUBE are not supported by the %s dialect", dialect_name(em));
        return;
    }
    if (q->ngroup) {
        oe_put(em, " GROUP BY ");
        oe_args(em, q->group, q->ngroup);
    }
    if (q->having) {
        oe_put(em, " HAVING ");
        oe_pred(em, q->having);
    }
    emit_order_by(em, q);
    emit_limit(em, q);
    if (q->locking && !em->iris && !em->sqlite)
        oe_put(em, " FOR UPDATE");
}

static const char *const *positional_names(oemit *em, int n)
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

static void emit_setop(oemit *em, ir_query *q, const char *const *names)
{
    if (em->iris && (q->setop == IRS_INTERSECT || q->setop == IRS_EXCEPT) && q->setop_all) {
        oe_fail(em, -1, "0A000", "INTERSECT ALL / EXCEPT ALL are not supported by the IRIS dialect");
        return;
    }
    bool wrap = q->nsort || q->limit || q->offset;
    int n = visible_targets(q->larg);
    const char *const *pos = names ? names : NULL;
    if (wrap) {
        /* Order and limit the whole compound from outside, by position names. */
        if (!pos)
            pos = NULL;
        const char *const *inner = positional_names(em, n);
        if (!inner)
            return;
        emit_with(em, q);
        oe_put(em, "SELECT ");
        for (int i = 0; i < n; i++) {
            if (i)
                oe_put(em, ", ");
            oe_printf(em, "\"_u\".\"_c%d\" AS ", i + 1);
            int v = 0;
            const char *name = NULL;
            for (int t = 0; t < q->ntargets; t++) {
                if (q->targets[t].junk)
                    continue;
                if (v++ == i)
                    name = q->targets[t].name;
            }
            oe_ident(em, names ? names[i] : name ? name : "?column?");
        }
        oe_put(em, " FROM (");
        ir_query copy = *q;
        copy.nsort = 0;
        copy.limit = copy.offset = NULL;
        copy.ncte = 0;
        emit_setop(em, &copy, inner);
        oe_put(em, ") AS \"_u\"");
        if (q->nsort) {
            /* Sort keys of a compound are output columns: refer to them by position. */
            oe_put(em, " ORDER BY ");
            for (int i = 0; i < q->nsort; i++) {
                ir_sort *s = &q->sort[i];
                int col = -1;
                if (s->expr->kind == IRE_COLUMN)
                    col = s->expr->u.column.column;
                if (i)
                    oe_put(em, ", ");
                if (col < 0) {
                    oe_fail(em, -1, "0A000", "ORDER BY of a UNION must name output columns here");
                    return;
                }
                bool nulls_first = s->nulls ? s->nulls == 1 : s->descending;
                if (em->iris && nulls_first == s->descending)
                    oe_printf(em, "CASE WHEN \"_u\".\"_c%d\" IS NULL THEN %d ELSE %d END, ", col + 1, nulls_first ? 0 : 1,
                              nulls_first ? 1 : 0);
                oe_printf(em, "\"_u\".\"_c%d\"%s", col + 1, s->descending ? " DESC" : "");
                if (!em->iris)
                    oe_put(em, nulls_first ? " NULLS FIRST" : " NULLS LAST");
            }
        }
        ir_query lim = {0};
        lim.limit = q->limit;
        lim.offset = q->offset;
        lim.limit_with_ties = q->limit_with_ties;
        if (em->iris && iris_use_top(em, &lim)) {
            oe_fail(em, -1, "0A000", "LIMIT on a UNION needs IRIS 2025.1 or later (iris_version)");
            return;
        }
        bool saved = em->in_subquery;
        em->in_subquery = false;
        emit_limit(em, &lim);
        em->in_subquery = saved;
        return;
    }
    emit_with(em, q);
    const char *const *inner = names ? names : positional_names(em, n);
    if (!inner)
        return;
    ir_query *saved = em->q;
    em->q = q->larg;
    bool lwrap = q->larg->kind == QUERY_SETOP || q->larg->kind == QUERY_VALUES;
    if (lwrap)
        oe_put(em, "SELECT * FROM (");
    emit_query_body(em, q->larg, inner);
    if (lwrap)
        oe_put(em, ") AS \"_l\"");
    switch (q->setop) {
    case IRS_UNION: oe_put(em, q->setop_all ? " UNION ALL " : " UNION "); break;
    case IRS_INTERSECT: oe_put(em, q->setop_all ? " INTERSECT ALL " : " INTERSECT "); break;
    case IRS_EXCEPT: oe_put(em, q->setop_all ? " EXCEPT ALL " : " EXCEPT "); break;
    }
    em->q = q->rarg;
    bool rwrap = q->rarg->kind == QUERY_SETOP || q->rarg->kind == QUERY_VALUES;
    if (rwrap)
        oe_put(em, "SELECT * FROM (");
    emit_query_body(em, q->rarg, inner);
    if (rwrap)
        oe_put(em, ") AS \"_r\"");
    em->q = saved;
}

/* VALUES as SELECT ... UNION ALL SELECT ... (IRIS has no VALUES outside INSERT). */
static void emit_values_as_select(oemit *em, ir_query *v, const char *const *names)
{
    for (int r = 0; r < v->nrows; r++) {
        oe_put(em, r ? " UNION ALL SELECT " : "SELECT ");
        for (int c = 0; c < v->ntargets; c++) {
            if (c)
                oe_put(em, ", ");
            oe_value(em, v->rows[r][c]);
            oe_put(em, " AS ");
            oe_ident(em, names ? names[c] : v->targets[c].name);
        }
    }
}

static void emit_values(oemit *em, ir_query *q, const char *const *names)
{
    if (em->iris || q->nsort || q->limit || q->offset || names) {
        bool wrap = q->nsort || q->limit || q->offset;
        if (wrap) {
            oe_fail(em, -1, "0A000", "VALUES with ORDER BY or LIMIT is not supported by the %s dialect",
                    dialect_name(em));
            return;
        }
        if (em->iris || names) {
            emit_values_as_select(em, q, names);
            return;
        }
    }
    oe_put(em, "VALUES ");
    for (int r = 0; r < q->nrows; r++) {
        if (r)
            oe_put(em, ", ");
        oe_putc(em, '(');
        oe_args(em, q->rows[r], q->ntargets);
        oe_putc(em, ')');
    }
}

/* ---------------------------------------------------------------- DML */

static void emit_target_table(oemit *em, ir_query *q, bool alias)
{
    ir_rte *r = q->rtes[q->result_rte];
    emit_table_name(em, r->rel);
    if (alias) {
        oe_put(em, " AS ");
        oe_ident(em, r->engine_alias);
    }
}

static void emit_returning(oemit *em, ir_query *q)
{
    if (!q->nreturning)
        return;
    oe_put(em, " RETURNING ");
    for (int i = 0; i < q->nreturning; i++) {
        if (i)
            oe_put(em, ", ");
        oe_value(em, q->returning[i].expr);
        oe_put(em, " AS ");
        oe_ident(em, q->returning[i].name ? q->returning[i].name : "?column?");
    }
}

static emit_result *new_step(oemit *em)
{
    emit_result *r = calloc(1, sizeof *r);
    if (!r) {
        em->failed = true;
        pg_error_oom(em->x->err);
        return NULL;
    }
    strbuf_init(&r->sql);
    emit_result *last = em->res;
    while (last->next)
        last = last->next;
    last->next = r;
    em->res = r;
    em->out = &r->sql;
    return r;
}

static void emit_insert_columns(oemit *em, ir_query *q)
{
    ir_rte *r = q->rtes[q->result_rte];
    oe_put(em, " (");
    for (int i = 0; i < q->ninsert_columns; i++) {
        if (i)
            oe_put(em, ", ");
        oe_ident(em, r->rel->columns[q->insert_columns[i]].name);
    }
    oe_putc(em, ')');
}

/* IRIS's upsert is INSERT OR UPDATE: on a conflict with any unique key it updates the row with
 * the inserted values.  That is PostgreSQL's ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c for
 * every inserted column except the key, without a WHERE. */
static bool iris_upsert_matches(ir_query *q)
{
    ir_on_conflict *oc = q->on_conflict;
    if (!oc->do_update || oc->where || oc->target_where)
        return false;
    for (int i = 0; i < oc->nset; i++) {
        ir_expr *v = oc->set_values[i];
        if (v->kind != IRE_COLUMN || v->u.column.levels_up != 0 || v->u.column.rte != oc->excluded_rte ||
            v->u.column.column != oc->set_columns[i])
            return false;
    }
    return true;
}

static void emit_insert(oemit *em, ir_query *q)
{
    ir_query *src = q->insert_source;
    ir_on_conflict *oc = q->on_conflict;
    ir_rte *target = q->rtes[q->result_rte];
    if (em->iris) {
        if (q->nreturning) {
            oe_fail(em, -1, "0A000", "INSERT ... RETURNING is not supported by the IRIS dialect");
            pg_error_hint(em->x->err, "IRIS has no RETURNING clause; select the row afterwards "
                                      "(LAST_IDENTITY() gives the identity of the last inserted row).");
            return;
        }
        if (oc && oc->do_update && !iris_upsert_matches(q)) {
            oe_fail(em, -1, "0A000", "this ON CONFLICT ... DO UPDATE has no IRIS equivalent");
            pg_error_hint(em->x->err, "IRIS's INSERT OR UPDATE covers DO UPDATE SET col = EXCLUDED.col for the inserted columns, without WHERE.");
            return;
        }
        if (oc && !oc->do_update && (!oc->ntargets || !src || src->kind != QUERY_VALUES)) {
            oe_fail(em, -1, "0A000", "ON CONFLICT DO NOTHING needs a conflict target and VALUES for the IRIS dialect");
            return;
        }
    }
    bool split = (em->iris || (oc && em->iris)) && src && src->kind == QUERY_VALUES && !src->nsort && !src->limit;
    if (split) {
        /* IRIS: one INSERT per row (no multi-row VALUES), each its own statement of the plan. */
        for (int row = 0; row < src->nrows && !em->failed; row++) {
            if (row && !new_step(em))
                return;
            oe_put(em, oc && oc->do_update ? "INSERT OR UPDATE INTO " : "INSERT INTO ");
            emit_target_table(em, q, false);
            emit_insert_columns(em, q);
            ir_query *saved = em->q;
            em->q = src;
            if (oc && !oc->do_update) {
                /* DO NOTHING: insert the row unless a row with the same key exists. */
                oe_put(em, " SELECT ");
                oe_args(em, src->rows[row], q->ninsert_columns);
                oe_put(em, " WHERE NOT EXISTS (SELECT 1 FROM ");
                emit_target_table(em, q, false);
                oe_put(em, " WHERE ");
                for (int k = 0; k < oc->ntargets; k++) {
                    int col = -1;
                    for (int c = 0; c < target->rel->ncolumns; c++)
                        if (target->rel->columns[c].attnum == oc->target_columns[k])
                            col = c;
                    int pos = -1;
                    for (int i = 0; i < q->ninsert_columns; i++)
                        if (q->insert_columns[i] == col)
                            pos = i;
                    if (col < 0 || pos < 0) {
                        oe_fail(em, -1, "0A000", "ON CONFLICT DO NOTHING needs the key columns among the inserted ones");
                        return;
                    }
                    if (k)
                        oe_put(em, " AND ");
                    emit_table_name(em, target->rel);
                    oe_putc(em, '.');
                    oe_ident(em, target->rel->columns[col].name);
                    oe_put(em, " = ");
                    oe_value(em, src->rows[row][pos]);
                }
                oe_put(em, ")");
            } else {
                oe_put(em, " VALUES (");
                oe_args(em, src->rows[row], q->ninsert_columns);
                oe_putc(em, ')');
            }
            em->q = saved;
        }
        return;
    }
    oe_put(em, em->iris && oc && oc->do_update ? "INSERT OR UPDATE INTO " : "INSERT INTO ");
    emit_target_table(em, q, !em->iris && !em->sqlite);
    if (!src) {
        oe_put(em, " DEFAULT VALUES");
    } else {
        emit_insert_columns(em, q);
        oe_putc(em, ' ');
        ir_query *saved = em->q;
        em->q = src;
        if (src->kind == QUERY_VALUES && !src->nsort && !src->limit && !src->offset)
            emit_values(em, src, NULL);
        else
            emit_query_body(em, src, NULL);
        em->q = saved;
    }
    if (oc && !em->iris) {
        oe_put(em, " ON CONFLICT");
        if (oc->ntargets) {
            oe_put(em, " (");
            for (int i = 0; i < oc->ntargets; i++) {
                if (i)
                    oe_put(em, ", ");
                for (int c = 0; c < target->rel->ncolumns; c++)
                    if (target->rel->columns[c].attnum == oc->target_columns[i])
                        oe_ident(em, target->rel->columns[c].name);
            }
            oe_putc(em, ')');
            if (oc->target_where) {
                oe_put(em, " WHERE ");
                oe_pred(em, oc->target_where);
            }
        }
        if (!oc->do_update) {
            oe_put(em, " DO NOTHING");
        } else {
            oe_put(em, " DO UPDATE SET ");
            for (int i = 0; i < oc->nset; i++) {
                if (i)
                    oe_put(em, ", ");
                oe_ident(em, target->rel->columns[oc->set_columns[i]].name);
                oe_put(em, " = ");
                oe_value(em, oc->set_values[i]);
            }
            if (oc->where) {
                oe_put(em, " WHERE ");
                oe_pred(em, oc->where);
            }
        }
    }
    emit_returning(em, q);
}

static void emit_update(oemit *em, ir_query *q)
{
    ir_rte *r = q->rtes[q->result_rte];
    if (em->iris && (q->nreturning || q->nfrom)) {
        oe_fail(em, -1, "0A000", q->nreturning ? "UPDATE ... RETURNING is not supported by the IRIS dialect"
                                               : "UPDATE ... FROM is not supported by the IRIS dialect");
        return;
    }
    oe_put(em, "UPDATE ");
    emit_target_table(em, q, true);
    oe_put(em, " SET ");
    for (int i = 0; i < q->nset; i++) {
        if (i)
            oe_put(em, ", ");
        oe_ident(em, r->rel->columns[q->set_columns[i]].name);
        oe_put(em, " = ");
        oe_value(em, q->set_values[i]);
    }
    if (q->nfrom) {
        oe_put(em, " FROM ");
        for (int i = 0; i < q->nfrom; i++) {
            if (i)
                oe_put(em, ", ");
            emit_from(em, q, q->from[i]);
        }
    }
    if (q->where) {
        oe_put(em, " WHERE ");
        oe_pred(em, q->where);
    }
    emit_returning(em, q);
}

static void emit_delete(oemit *em, ir_query *q)
{
    if (em->iris && q->nreturning) {
        oe_fail(em, -1, "0A000", "DELETE ... RETURNING is not supported by the IRIS dialect");
        return;
    }
    oe_put(em, "DELETE FROM ");
    emit_target_table(em, q, true);
    if (q->nfrom) {
        oe_put(em, " WHERE EXISTS (SELECT 1 FROM ");
        for (int i = 0; i < q->nfrom; i++) {
            if (i)
                oe_put(em, ", ");
            emit_from(em, q, q->from[i]);
        }
        if (q->where) {
            oe_put(em, " WHERE ");
            oe_pred(em, q->where);
        }
        oe_putc(em, ')');
    } else if (q->where) {
        oe_put(em, " WHERE ");
        oe_pred(em, q->where);
    }
    emit_returning(em, q);
}

static void emit_query_body(oemit *em, ir_query *q, const char *const *names)
{
    switch (q->kind) {
    case QUERY_SELECT: emit_select(em, q, names); break;
    case QUERY_SETOP: emit_setop(em, q, names); break;
    case QUERY_VALUES: emit_values(em, q, names); break;
    case QUERY_INSERT: emit_insert(em, q); break;
    case QUERY_UPDATE: emit_update(em, q); break;
    case QUERY_DELETE: emit_delete(em, q); break;
    }
}

void oe_init(oemit *em, sql_xlate *x, emit_result *out);
void oe_init(oemit *em, sql_xlate *x, emit_result *out)
{
    memset(em, 0, sizeof *em);
    backend *b = x->session->srv->b;
    em->x = x;
    em->res = out;
    em->out = &out->sql;
    em->dialect = x->dialect;
    em->iris = x->dialect == DIALECT_IRIS;
    em->sqlite = x->dialect == DIALECT_SQLITE;
    em->iris_version = backend_iris_version(b);
    em->public_schema = backend_public_schema(b);
    em->vector_type = backend_iris_vector_type(b);
}

bool emit_query_odbc(sql_xlate *x, ir_query *q, emit_result *out)
{
    oemit em;
    oe_init(&em, x, out);
    em.q = q;
    emit_query_body(&em, q, NULL);
    for (emit_result *r = out; r; r = r->next)
        if (r->sql.failed) {
            pg_error_oom(x->err);
            return false;
        }
    return !em.failed && !pg_error_is_set(x->err);
}

bool emit_expr_odbc(sql_xlate *x, ir_query *q, ir_expr *e, emit_result *out)
{
    oemit em;
    oe_init(&em, x, out);
    em.q = q;
    oe_value(&em, e);
    if (out->sql.failed) {
        pg_error_oom(x->err);
        return false;
    }
    return !em.failed && !pg_error_is_set(x->err);
}
