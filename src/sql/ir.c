/*
 * ir.c — building IR nodes, coercion (with constant folding through the types layer's
 * input/output functions, exactly as PostgreSQL's coerce_type folds literals), result
 * column naming, and the translation context's helpers.
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

void *xlate_alloc(sql_xlate *x, size_t n)
{
    void *p = arena_zalloc(x->mem, n);
    if (!p && !pg_error_is_set(x->err))
        pg_error_oom(x->err);
    return p;
}

char *xlate_strdup(sql_xlate *x, const char *s)
{
    if (!s)
        return NULL;
    char *p = arena_strdup(x->mem, s);
    if (!p && !pg_error_is_set(x->err))
        pg_error_oom(x->err);
    return p;
}

int xlate_char_position(sql_xlate *x, int location);

void xlate_error(sql_xlate *x, int location, const char *sqlstate, const char *fmt, ...)
{
    if (pg_error_is_set(x->err))
        return;   /* the first error wins, as PostgreSQL stops at the first */
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(x->err, sqlstate, fmt, ap);
    va_end(ap);
    if (location >= 0) {
        int pos = xlate_char_position(x, location);
        /* position_offset is in bytes of the client's string before this statement. */
        x->err->position = pos + x->position_offset;
    }
}

bool xlate_param(sql_xlate *x, int number, pg_oid type, int location)
{
    if (number < 1 || number > 65535) {
        xlate_error(x, location, "42P02", "there is no parameter $%d", number);
        return false;
    }
    if (number > x->params_cap) {
        int cap = x->params_cap ? x->params_cap : 8;
        while (cap < number)
            cap *= 2;
        pg_oid *grown = arena_zalloc(x->mem, sizeof *grown * (size_t)cap);
        if (!grown) {
            pg_error_oom(x->err);
            return false;
        }
        if (x->nparams)
            memcpy(grown, x->param_types, sizeof *grown * (size_t)x->nparams);
        x->param_types = grown;
        x->params_cap = cap;
    }
    if (number > x->nparams)
        x->nparams = number;
    pg_oid *slot = &x->param_types[number - 1];
    if (type == PG_OID_INVALID || type == PG_OID_UNKNOWN)
        return true;
    if (*slot == PG_OID_INVALID || *slot == PG_OID_UNKNOWN) {
        *slot = type;
        return true;
    }
    if (*slot != type) {
        const pg_type_info *a = types_by_oid(*slot), *b = types_by_oid(type);
        xlate_error(x, location, "42P08", "inconsistent types deduced for parameter $%d", number);
        pg_error_detail(x->err, "%s versus %s", a ? a->sql_name : "?", b ? b->sql_name : "?");
        return false;
    }
    return true;
}

pg_oid xlate_param_type(sql_xlate *x, int number)
{
    if (number < 1 || number > x->nparams)
        return PG_OID_INVALID;
    return x->param_types[number - 1];
}

ir_expr *ir_new(sql_xlate *x, ir_expr_kind kind, pg_oid type, int location)
{
    ir_expr *e = xlate_alloc(x, sizeof *e);
    if (e) {
        e->kind = kind;
        e->type = type;
        e->typmod = -1;
        e->location = location;
    }
    return e;
}

ir_expr *ir_const_null(sql_xlate *x, pg_oid type, int location)
{
    ir_expr *e = ir_new(x, IRE_CONST, type, location);
    if (e)
        e->u.constant.value = value_null();
    return e;
}

ir_expr *ir_const_int(sql_xlate *x, pg_oid type, int64_t value, int location)
{
    ir_expr *e = ir_new(x, IRE_CONST, type, location);
    if (e)
        e->u.constant.value = value_int(value);
    return e;
}

ir_expr *ir_const_text(sql_xlate *x, pg_oid type, const char *text, int location)
{
    ir_expr *e = ir_new(x, IRE_CONST, type, location);
    if (!e)
        return NULL;
    char *copy = xlate_strdup(x, text);
    if (!copy)
        return NULL;
    e->u.constant.value = value_text(copy, strlen(copy));
    e->u.constant.text = copy;
    return e;
}

static const char *type_sql_name(pg_oid oid)
{
    const pg_type_info *t = types_by_oid(oid);
    return t ? t->sql_name : "unknown";
}

/* Literal values whose meaning depends on when they are read: folding them into a shared
 * plan would freeze the time, so they are converted at execution instead. */
static bool is_time_sensitive_literal(const char *text)
{
    static const char *const words[] = {"now", "today", "tomorrow", "yesterday", "current"};
    while (*text == ' ')
        text++;
    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (strncasecmp(text, words[i], strlen(words[i])) == 0)
            return true;
    return false;
}

static bool is_oid_family(pg_oid t)
{
    return t == PG_OID_OID || t == PG_OID_REGCLASS || t == PG_OID_REGTYPE || t == PG_OID_REGPROC ||
           t == PG_OID_REGPROCEDURE || t == PG_OID_REGOPER || t == PG_OID_REGOPERATOR || t == PG_OID_REGNAMESPACE ||
           t == PG_OID_REGROLE || t == PG_OID_REGCOLLATION || t == PG_OID_REGCONFIG || t == PG_OID_REGDICTIONARY;
}

/* Fold a constant into `type` by its text form: output with the source type, input with the
 * target type (PostgreSQL's I/O conversion), using the session's settings. */
static ir_expr *fold_constant(sql_xlate *x, ir_expr *e, pg_oid type, int32_t typmod)
{
    const type_settings *ts = &x->session->types;
    strbuf text, scratch;
    strbuf_init(&text);
    strbuf_init(&scratch);
    const char *src;
    size_t srclen;
    if (e->type == PG_OID_UNKNOWN) {
        src = e->u.constant.value.ptr;
        srclen = e->u.constant.value.len;
    } else {
        if (!types_text_out(ts, e->type, e->typmod, &e->u.constant.value, &text, x->err)) {
            strbuf_free(&text);
            return NULL;
        }
        src = text.data ? text.data : "";
        srclen = text.len;
    }
    sql_value v;
    if (!types_text_in(ts, type, typmod, src, srclen, &v, &scratch, x->err)) {
        if (x->err->position == 0 && e->location >= 0)
            x->err->position = xlate_char_position(x, e->location) + x->position_offset;
        strbuf_free(&text);
        strbuf_free(&scratch);
        return NULL;
    }
    ir_expr *out = ir_new(x, IRE_CONST, type, e->location);
    if (out) {
        out->typmod = typmod;
        out->u.constant.value = v;
        if (v.kind == VALUE_TEXT || v.kind == VALUE_BLOB) {
            /* The scratch buffer dies here: copy the bytes into the arena. */
            char *copy = arena_alloc(x->mem, v.len + 1);
            if (!copy) {
                pg_error_oom(x->err);
                out = NULL;
            } else {
                memcpy(copy, v.ptr, v.len);
                copy[v.len] = 0;
                out->u.constant.value.ptr = copy;
                if (e->type == PG_OID_UNKNOWN && type == PG_OID_TEXT)
                    out->u.constant.text = copy;
            }
        }
    }
    strbuf_free(&text);
    strbuf_free(&scratch);
    return out;
}

ir_expr *ir_coerce(sql_xlate *x, ir_expr *e, pg_oid type, int32_t typmod, coercion_context ctx, const char *what)
{
    if (!e)
        return NULL;
    if (type == PG_OID_ANY || type == PG_OID_ANYELEMENT || type == PG_OID_INVALID)
        return e;
    bool same_type = e->type == type;
    if (same_type && (typmod < 0 || typmod == e->typmod))
        return e;
    if (e->kind == IRE_PARAM && (e->type == PG_OID_UNKNOWN || e->type == PG_OID_INVALID)) {
        if (!xlate_param(x, e->u.param.number, type, e->location))
            return NULL;
        e->type = type;
        if (typmod < 0 || ctx != COERCE_EXPLICIT)
            return e;
    }
    if (e->kind == IRE_CONST && e->u.constant.value.kind == VALUE_NULL) {
        ir_expr *n = ir_const_null(x, type, e->location);
        if (n)
            n->typmod = typmod;
        return n;
    }
    if (!same_type && !sql_can_coerce(e->type, type, ctx)) {
        if (ctx == COERCE_EXPLICIT)
            xlate_error(x, e->location, "42846", "cannot cast type %s to %s", type_sql_name(e->type),
                        type_sql_name(type));
        else if (what)
            xlate_error(x, e->location, "42804", "%s is of type %s but expression is of type %s", what,
                        type_sql_name(type), type_sql_name(e->type));
        else
            xlate_error(x, e->location, "42804", "cannot coerce type %s to %s", type_sql_name(e->type),
                        type_sql_name(type));
        if (ctx != COERCE_EXPLICIT && !(ctx == COERCE_ASSIGNMENT && what))
            return NULL;
        if (what)
            pg_error_hint(x->err, "You will need to rewrite or cast the expression.");
        return NULL;
    }
    if (e->kind == IRE_CONST && e->u.constant.value.kind == VALUE_INT && is_oid_family(type) &&
        (is_oid_family(e->type) || e->type == PG_OID_INT4 || e->type == PG_OID_INT8 || e->type == PG_OID_INT2)) {
        /* Between OID-like types (oid, regclass, regtype ...) and from integers the value is
         * kept as is (binary coercible in PostgreSQL); only the type changes. */
        ir_expr *c = ir_const_int(x, type, e->u.constant.value.i, e->location);
        if (c && (e->u.constant.value.i < 0 || e->u.constant.value.i > 4294967295LL) && e->type == PG_OID_INT8) {
            xlate_error(x, e->location, "22003", "OID out of range");
            return NULL;
        }
        return c;
    }
    if (e->kind == IRE_CONST && type != PG_OID_RECORD &&
        !(e->type == PG_OID_UNKNOWN && e->u.constant.text && is_time_sensitive_literal(e->u.constant.text))) {
        const pg_type_info *ti = types_by_oid(type);
        if (ti && ti->typtype != 'p')
            return fold_constant(x, e, type, typmod);
    }
    ir_expr *c = ir_new(x, IRE_CAST, type, e->location);
    if (c) {
        c->typmod = typmod;
        c->u.cast.arg = e;
        c->u.cast.explicit_cast = ctx == COERCE_EXPLICIT;
    }
    return c;
}

static bool contains_agg(const ir_expr *e, int depth);

static bool list_contains_agg(ir_expr *const *args, int n, int depth)
{
    for (int i = 0; i < n; i++)
        if (contains_agg(args[i], depth))
            return true;
    return false;
}

static bool contains_agg(const ir_expr *e, int depth)
{
    if (!e || depth > 1000)
        return false;
    switch (e->kind) {
    case IRE_AGG:
        return true;
    case IRE_CALL:
        return list_contains_agg(e->u.call.args, e->u.call.nargs, depth + 1);
    case IRE_CAST:
        return contains_agg(e->u.cast.arg, depth + 1);
    case IRE_AND: case IRE_OR: case IRE_NOT: case IRE_NULLTEST: case IRE_COALESCE:
    case IRE_NULLIF: case IRE_GREATEST: case IRE_LEAST: case IRE_ARRAY: case IRE_ROW:
    case IRE_IN_LIST: case IRE_DISTINCT: case IRE_ANY_ARRAY:
        return list_contains_agg(e->u.list.args, e->u.list.nargs, depth + 1);
    case IRE_BOOLTEST:
        return contains_agg(e->u.booltest.arg, depth + 1);
    case IRE_CASE:
        if (contains_agg(e->u.case_.arg, depth + 1) || contains_agg(e->u.case_.otherwise, depth + 1))
            return true;
        for (int i = 0; i < e->u.case_.nwhen; i++)
            if (contains_agg(e->u.case_.when[i].cond, depth + 1) ||
                contains_agg(e->u.case_.when[i].result, depth + 1))
                return true;
        return false;
    case IRE_SUBLINK:
        return contains_agg(e->u.sublink.test, depth + 1);
    case IRE_RAW:
        return list_contains_agg(e->u.raw.args, e->u.raw.nargs, depth + 1);
    default:
        return false;
    }
}

bool ir_contains_aggregate(const ir_expr *e)
{
    return contains_agg(e, 0);
}

ir_rte *ir_rte_at(ir_query *q, int levels_up, int rte)
{
    while (levels_up-- > 0 && q)
        q = q->parent;
    if (!q || rte < 0 || rte >= q->nrte)
        return NULL;
    return q->rtes[rte];
}

/* PostgreSQL's FigureColname: the column's own name, the function's, the cast's type name,
 * the CASE's "case", else "?column?". */
const char *ir_column_name(const ir_expr *e, const ir_query *q)
{
    if (!e)
        return "?column?";
    switch (e->kind) {
    case IRE_COLUMN: {
        ir_rte *r = ir_rte_at((ir_query *)q, e->u.column.levels_up, e->u.column.rte);
        if (r && e->u.column.column < r->ncols)
            return r->colnames[e->u.column.column];
        return "?column?";
    }
    case IRE_CALL:
    case IRE_AGG:
    case IRE_WINDOW:
        if (e->u.call.fn && e->u.call.fn->name[0] >= 'a' && e->u.call.fn->name[0] <= 'z')
            return e->u.call.fn->name;
        return "?column?";
    case IRE_CAST:
        if (e->u.cast.explicit_cast) {
            const char *inner = ir_column_name(e->u.cast.arg, q);
            if (strcmp(inner, "?column?") != 0)
                return inner;
            const pg_type_info *t = types_by_oid(e->type);
            return t ? t->name : "?column?";
        }
        return ir_column_name(e->u.cast.arg, q);
    case IRE_CASE:
        return "case";
    case IRE_COALESCE:
        return "coalesce";
    case IRE_NULLIF:
        return "nullif";
    case IRE_GREATEST:
        return "greatest";
    case IRE_LEAST:
        return "least";
    case IRE_ARRAY:
        return "array";
    case IRE_ROW:
        return "row";
    case IRE_SUBLINK:
        if (e->u.sublink.sublink == SUBLINK_EXISTS)
            return "exists";
        if (e->u.sublink.sublink == SUBLINK_ARRAY)
            return "array";
        if (e->u.sublink.sublink == SUBLINK_SCALAR && e->u.sublink.subquery &&
            e->u.sublink.subquery->ntargets > 0)
            return e->u.sublink.subquery->targets[0].name;
        return "?column?";
    case IRE_SETTING:
        return e->u.setting.name;
    default:
        return "?column?";
    }
}

ir_query *ir_query_new(sql_xlate *x, ir_query_kind kind, ir_query *parent)
{
    ir_query *q = xlate_alloc(x, sizeof *q);
    if (q) {
        q->kind = kind;
        q->parent = parent;
        q->result_rte = -1;
    }
    return q;
}

pg_oid ir_vector_array_type(pg_oid t)
{
    return t == PG_OID_INT2VECTOR ? PG_OID_INT2_ARRAY : t == PG_OID_OIDVECTOR ? PG_OID_OID_ARRAY : 0;
}
