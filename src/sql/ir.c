/*
 * ir.c — building IR nodes, coercion (with constant folding through the types layer's
 * input/output functions, exactly as PostgreSQL's coerce_type folds literals), result
 * column naming, and the translation context's helpers.
 */
#include "sql/sql_internal.h"

#include <math.h>
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

static const char *int_range_message(pg_oid t)
{
    return t == PG_OID_INT2 ? "smallint out of range" : t == PG_OID_INT4 ? "integer out of range" : "bigint out of range";
}

static bool int_fits(pg_oid t, int64_t v)
{
    return t == PG_OID_INT2 ? v >= INT16_MIN && v <= INT16_MAX : t == PG_OID_INT4 ? v >= INT32_MIN && v <= INT32_MAX : true;
}

/* Casts PostgreSQL implements with a function rather than through text (bool to int,
 * float and numeric to integers with their rounding, bool to text as 'true'): folded here
 * with that function's semantics.  NULL + no error when the pair is an I/O conversion. */
static ir_expr *fold_function_cast(sql_xlate *x, ir_expr *e, pg_oid type, int32_t typmod, bool *handled)
{
    *handled = true;
    const sql_value *v = &e->u.constant.value;
    pg_oid from = e->type;
    bool to_int = type == PG_OID_INT2 || type == PG_OID_INT4 || type == PG_OID_INT8;
    if (from == PG_OID_BOOL && type == PG_OID_INT4 && v->kind == VALUE_INT)
        return ir_const_int(x, type, v->i ? 1 : 0, e->location);
    if ((from == PG_OID_INT2 || from == PG_OID_INT4 || from == PG_OID_INT8) && type == PG_OID_BOOL && v->kind == VALUE_INT)
        return ir_const_int(x, type, v->i != 0, e->location);
    if (from == PG_OID_BOOL && (type == PG_OID_TEXT || type == PG_OID_VARCHAR || type == PG_OID_BPCHAR) &&
        v->kind == VALUE_INT) {
        ir_expr *t = ir_const_text(x, PG_OID_UNKNOWN, v->i ? "true" : "false", e->location);
        return t ? ir_coerce(x, t, type, typmod, COERCE_EXPLICIT, NULL) : NULL;
    }
    if ((from == PG_OID_FLOAT4 || from == PG_OID_FLOAT8) && to_int && v->kind == VALUE_FLOAT) {
        double r = rint(v->f);
        if (isnan(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0 || !int_fits(type, (int64_t)r)) {
            xlate_error(x, e->location, "22003", "%s", int_range_message(type));
            return NULL;
        }
        return ir_const_int(x, type, (int64_t)r, e->location);
    }
    if (from == PG_OID_NUMERIC && to_int && v->kind == VALUE_TEXT) {
        /* round half away from zero on the decimal text */
        const char *p = v->ptr, *end = v->ptr + v->len;
        bool neg = p < end && *p == '-';
        if (neg)
            p++;
        if (p < end && !(*p >= '0' && *p <= '9')) {
            *handled = false;   /* NaN, Infinity: the engine function reports them */
            return NULL;
        }
        uint64_t acc = 0;
        bool overflow = false;
        for (; p < end && *p >= '0' && *p <= '9'; p++) {
            if (acc > (UINT64_MAX - 9) / 10)
                overflow = true;
            acc = acc * 10 + (uint64_t)(*p - '0');
        }
        if (p < end && *p == 'e') {
            *handled = false;
            return NULL;
        }
        if (p + 1 < end && *p == '.' && p[1] >= '5')
            acc++;
        if (overflow || acc > (uint64_t)INT64_MAX + (neg ? 1u : 0u) ||
            !int_fits(type, neg ? (int64_t)(0 - acc) : (int64_t)acc)) {
            xlate_error(x, e->location, "22003", "%s", int_range_message(type));
            return NULL;
        }
        return ir_const_int(x, type, neg ? (int64_t)(0 - acc) : (int64_t)acc, e->location);
    }
    if (from == PG_OID_BPCHAR && (type == PG_OID_TEXT || type == PG_OID_VARCHAR) && v->kind == VALUE_TEXT && typmod < 0) {
        /* rtrim, as PostgreSQL's char(n) → text */
        size_t n = v->len;
        while (n && v->ptr[n - 1] == ' ')
            n--;
        char *copy = arena_strndup(x->mem, v->ptr, n);
        ir_expr *t = copy ? ir_new(x, IRE_CONST, type, e->location) : NULL;
        if (t)
            t->u.constant.value = value_text(copy, n);
        return t;
    }
    if ((from == PG_OID_INT2 || from == PG_OID_INT4 || from == PG_OID_INT8) && to_int && v->kind == VALUE_INT) {
        if (!int_fits(type, v->i)) {
            xlate_error(x, e->location, "22003", "%s", int_range_message(type));
            return NULL;
        }
        return ir_const_int(x, type, v->i, e->location);
    }
    *handled = false;
    return NULL;
}

/* Fold a constant into `type` by its text form: output with the source type, input with the
 * target type (PostgreSQL's I/O conversion), using the session's settings. */
/* An explicit cast to varchar(n) or char(n) truncates (input functions refuse): the
 * constant's text cut to n characters before it is read as the type. */
static bool truncates(const ir_expr *e, pg_oid type, int32_t typmod)
{
    return (type == PG_OID_VARCHAR || type == PG_OID_BPCHAR) && typmod >= 4 && e->u.constant.value.kind == VALUE_TEXT &&
           (e->type == PG_OID_UNKNOWN || e->type == PG_OID_TEXT || e->type == PG_OID_VARCHAR || e->type == PG_OID_BPCHAR);
}

static void explicit_truncation(ir_expr *e, int32_t typmod)
{
    size_t max = (size_t)(typmod - 4);
    const char *p = e->u.constant.value.ptr;
    size_t n = e->u.constant.value.len, chars = 0, cut = n;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80) {
            if (chars == max) {
                cut = i;
                break;
            }
            chars++;
        }
    e->u.constant.value.len = cut;
}

static ir_expr *fold_constant(sql_xlate *x, ir_expr *e, pg_oid type, int32_t typmod, coercion_context ctx)
{
    if (ctx == COERCE_EXPLICIT && truncates(e, type, typmod)) {
        /* on a copy of the node: the original may be shared */
        ir_expr *c = ir_new(x, IRE_CONST, e->type, e->location);
        if (!c)
            return NULL;
        *c = *e;
        e = c;
        explicit_truncation(e, typmod);
    }
    if (e->type != PG_OID_UNKNOWN) {
        bool handled;
        ir_expr *f = fold_function_cast(x, e, type, typmod, &handled);
        if (handled)
            return f;
    }
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

/* Whether a constant converts as output-then-input (folded now).  pgvector's casts between
 * vector and arrays are functions, not text I/O: the engine does them. */
static bool io_foldable(pg_oid from, pg_oid to)
{
    const pg_type_info *fi = types_by_oid(from), *ti = types_by_oid(to);
    if (from == PG_OID_VECTOR && ti && types_is_array(ti))
        return false;
    if (to == PG_OID_VECTOR && fi && types_is_array(fi))
        return false;
    return true;
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
    if (e->kind == IRE_CONST && e->type == PG_OID_UNKNOWN && e->u.constant.value.kind == VALUE_TEXT &&
        (type == PG_OID_REGCLASS || type == PG_OID_REGTYPE || type == PG_OID_REGNAMESPACE || type == PG_OID_REGPROC ||
         type == PG_OID_REGPROCEDURE || type == PG_OID_REGROLE)) {
        /* regclass_in & co. look the name up in the catalog */
        char *text = arena_strndup(x->mem, e->u.constant.value.ptr, e->u.constant.value.len);
        return text ? analyze_reg_literal(x, text, type, e->location) : NULL;
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
    if (e->kind == IRE_CONST && type != PG_OID_RECORD && io_foldable(e->type, type) &&
        !(e->type == PG_OID_UNKNOWN && e->u.constant.text && is_time_sensitive_literal(e->u.constant.text))) {
        const pg_type_info *ti = types_by_oid(type);
        if (ti && ti->typtype != 'p')
            return fold_constant(x, e, type, typmod, ctx);
    }
    ir_expr *c = ir_new(x, IRE_CAST, type, e->location);
    if (c) {
        c->typmod = typmod;
        c->u.cast.arg = e;
        c->u.cast.explicit_cast = ctx == COERCE_EXPLICIT;
    }
    return c;
}

static ir_expr *raw_call(sql_xlate *x, const char *tmpl, pg_oid type, ir_expr *arg, int64_t a2, int64_t a3)
{
    ir_expr *r = ir_new(x, IRE_RAW, type, arg->location);
    ir_expr **args = xlate_alloc(x, sizeof *args * 3);
    if (!r || !args)
        return NULL;
    args[0] = arg;
    args[1] = ir_const_int(x, PG_OID_OID, a2, -1);
    args[2] = ir_const_int(x, PG_OID_INT4, a3, -1);
    if (!args[1] || !args[2])
        return NULL;
    r->u.raw.sql = tmpl;
    r->u.raw.args = args;
    r->u.raw.nargs = 3;
    return r;
}

ir_expr *ir_text_output(sql_xlate *x, ir_expr *e)
{
    if (!e)
        return NULL;
    switch (e->type) {
    case PG_OID_UNKNOWN:
        return ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL);
    case PG_OID_TEXT: case PG_OID_VARCHAR: case PG_OID_NAME: case PG_OID_BPCHAR: case PG_OID_NUMERIC:
    case PG_OID_JSON: case PG_OID_JSONB: case PG_OID_UUID:
        return e;   /* the storage form is the text output */
    case PG_OID_INT2: case PG_OID_INT4: case PG_OID_INT8: case PG_OID_OID:
        return ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_EXPLICIT, NULL);
    default:
        return raw_call(x, "pgw_text_out(%1, %2, %3)", PG_OID_TEXT, e, e->type, e->typmod);
    }
}

ir_expr *ir_json_value(sql_xlate *x, ir_expr *e)
{
    if (!e)
        return NULL;
    if (e->kind == IRE_ROW && e->type == PG_OID_RECORD) {
        /* a record as row_to_json writes it: {"col":value,...}, names when known (whole-row
         * references), else f1, f2 ... as PostgreSQL names an anonymous record's fields */
        int n = e->u.list.nargs;
        ir_expr *r = ir_new(x, IRE_RAW, PG_OID_JSON, e->location);
        ir_expr **args = xlate_alloc(x, sizeof *args * (size_t)(2 * n + 1));
        if (!r || !args)
            return NULL;
        for (int i = 0; i < n; i++) {
            const char *name = e->u.list.names ? e->u.list.names[i] : arena_printf(x->mem, "f%d", i + 1);
            if (!name || !(args[2 * i] = ir_const_text(x, PG_OID_TEXT, name, -1)) ||
                !(args[2 * i + 1] = ir_json_value(x, e->u.list.args[i])))
                return NULL;
        }
        r->u.raw.sql = "pgw_json_row(%*)";
        r->u.raw.args = args;
        r->u.raw.nargs = 2 * n;
        return r;
    }
    if (e->type == PG_OID_UNKNOWN && !(e = ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL)))
        return NULL;
    return raw_call(x, "pgw_to_json(%1, %2, %3)", PG_OID_JSON, e, e->type, e->typmod);
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

static bool walk_list(ir_expr **args, int n, ir_visit_fn fn, void *arg, int depth);

static bool walk(ir_expr **slot, ir_visit_fn fn, void *arg, int depth)
{
    ir_expr *e = *slot;
    if (!e)
        return true;
    if (depth > 2000)
        return false;
    if (!fn(slot, arg))
        return false;
    e = *slot;   /* the visitor may have replaced it */
    switch (e->kind) {
    case IRE_CALL: case IRE_AGG: case IRE_WINDOW:
        if (!walk_list(e->u.call.args, e->u.call.nargs, fn, arg, depth))
            return false;
        if (e->u.call.filter && !walk(&e->u.call.filter, fn, arg, depth + 1))
            return false;
        for (int i = 0; i < e->u.call.norder; i++)
            if (!walk(&e->u.call.order[i].expr, fn, arg, depth + 1))
                return false;
        return true;
    case IRE_CAST:
        return walk(&e->u.cast.arg, fn, arg, depth + 1);
    case IRE_AND: case IRE_OR: case IRE_NOT: case IRE_NULLTEST: case IRE_COALESCE:
    case IRE_NULLIF: case IRE_GREATEST: case IRE_LEAST: case IRE_ARRAY: case IRE_ROW:
    case IRE_IN_LIST: case IRE_DISTINCT: case IRE_ANY_ARRAY:
        return walk_list(e->u.list.args, e->u.list.nargs, fn, arg, depth);
    case IRE_BOOLTEST:
        return walk(&e->u.booltest.arg, fn, arg, depth + 1);
    case IRE_CASE:
        if (!walk(&e->u.case_.arg, fn, arg, depth + 1) || !walk(&e->u.case_.otherwise, fn, arg, depth + 1))
            return false;
        for (int i = 0; i < e->u.case_.nwhen; i++)
            if (!walk(&e->u.case_.when[i].cond, fn, arg, depth + 1) ||
                !walk(&e->u.case_.when[i].result, fn, arg, depth + 1))
                return false;
        return true;
    case IRE_SUBLINK:
        return walk(&e->u.sublink.test, fn, arg, depth + 1);
    case IRE_RAW:
        return walk_list(e->u.raw.args, e->u.raw.nargs, fn, arg, depth);
    default:
        return true;
    }
}

static bool walk_list(ir_expr **args, int n, ir_visit_fn fn, void *arg, int depth)
{
    for (int i = 0; i < n; i++)
        if (!walk(&args[i], fn, arg, depth + 1))
            return false;
    return true;
}

bool ir_walk(ir_expr **slot, ir_visit_fn fn, void *arg)
{
    return walk(slot, fn, arg, 0);
}

static bool visit_sublink(ir_expr **slot, void *arg)
{
    UNUSED(arg);
    return (*slot)->kind != IRE_SUBLINK;
}

bool ir_contains_sublink(ir_expr *e)
{
    return !ir_walk(&e, visit_sublink, NULL);
}

static bool visit_volatile(ir_expr **slot, void *arg)
{
    UNUSED(arg);
    ir_expr *e = *slot;
    if ((e->kind == IRE_CALL || e->kind == IRE_AGG || e->kind == IRE_WINDOW) && e->u.call.fn &&
        (e->u.call.fn->flags & FN_VOLATILE))
        return false;
    return true;
}

bool ir_contains_volatile(ir_expr *e)
{
    return !ir_walk(&e, visit_volatile, NULL);
}

static bool visit_column(ir_expr **slot, void *arg)
{
    ir_expr *e = *slot;
    return !(e->kind == IRE_COLUMN && e->u.column.levels_up == 0 && e->u.column.column == *(int *)arg);
}

bool ir_references_column(ir_expr *e, int column)
{
    return !ir_walk(&e, visit_column, &column);
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
    case IRE_ROW:
        return e->u.list.alias ? e->u.list.alias : "row";
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

/* ---------------------------------------------------------------- relations a query reads */

typedef struct rel_walk {
    void (*fn)(const cat_relation *, void *);
    void *arg;
    int depth;
} rel_walk;

static void query_relations(ir_query *q, rel_walk *w);

static bool visit_sublinks(ir_expr **slot, void *arg)
{
    rel_walk *w = arg;
    if ((*slot)->kind == IRE_SUBLINK && (*slot)->u.sublink.subquery)
        query_relations((*slot)->u.sublink.subquery, w);
    return true;
}

static void expr_relations(ir_expr *e, rel_walk *w)
{
    if (e)
        ir_walk(&e, visit_sublinks, w);
}

static void from_relations(ir_from *f, rel_walk *w)
{
    if (!f)
        return;
    if (f->is_join) {
        from_relations(f->left, w);
        from_relations(f->right, w);
        expr_relations(f->on, w);
    }
}

static void query_relations(ir_query *q, rel_walk *w)
{
    if (!q || ++w->depth > 64) {
        if (q)
            w->depth--;
        return;
    }
    for (int i = 0; i < q->nrte; i++) {
        ir_rte *r = q->rtes[i];
        if (r->kind == IR_RTE_RELATION && r->rel)
            w->fn(r->rel, w->arg);
        else if ((r->kind == IR_RTE_SUBQUERY || r->kind == IR_RTE_VALUES) && r->subquery)
            query_relations(r->subquery, w);
        else if (r->kind == IR_RTE_FUNCTION)
            expr_relations(r->function, w);
    }
    for (int i = 0; i < q->ncte; i++)
        query_relations(q->ctes[i].query, w);
    if (q->kind == QUERY_SETOP) {
        query_relations(q->larg, w);
        query_relations(q->rarg, w);
    }
    for (int i = 0; i < q->ntargets; i++)
        expr_relations(q->targets[i].expr, w);
    for (int i = 0; i < q->nfrom; i++)
        from_relations(q->from[i], w);
    expr_relations(q->where, w);
    expr_relations(q->having, w);
    /* VALUES rows and the parts of INSERT/UPDATE/DELETE */
    for (int r = 0; r < q->nrows; r++)
        for (int i = 0; i < q->ntargets; i++)
            expr_relations(q->rows[r][i], w);
    query_relations(q->insert_source, w);
    for (int i = 0; i < q->nset; i++)
        expr_relations(q->set_values[i], w);
    if (q->on_conflict) {
        for (int i = 0; i < q->on_conflict->nset; i++)
            expr_relations(q->on_conflict->set_values[i], w);
        expr_relations(q->on_conflict->where, w);
        expr_relations(q->on_conflict->target_where, w);
    }
    if (q->targets != q->returning)
        for (int i = 0; i < q->nreturning; i++)
            expr_relations(q->returning[i].expr, w);
    w->depth--;
}

void ir_query_relations(ir_query *q, void (*fn)(const cat_relation *, void *), void *arg)
{
    rel_walk w = {fn, arg, 0};
    query_relations(q, &w);
}

pg_oid ir_vector_array_type(pg_oid t)
{
    return t == PG_OID_INT2VECTOR ? PG_OID_INT2_ARRAY : t == PG_OID_OIDVECTOR ? PG_OID_OID_ARRAY : 0;
}
