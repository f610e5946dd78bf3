/*
 * analyze_expr.c — expressions, as PostgreSQL's parse_expr.c transforms them: constants get
 * PostgreSQL's literal types (int4, int8, numeric, unknown), operators and functions are
 * resolved with implicit coercions made explicit, CASE/COALESCE/VALUES use select_common_type,
 * sub-selects become sublinks, aggregates and window functions are checked for placement.
 */
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

static ir_expr *expr(sql_xlate *x, ir_query *q, Node *n);

static const char *tname(pg_oid oid)
{
    const pg_type_info *t = types_by_oid(oid);
    if (oid == PG_OID_UNKNOWN)
        return "unknown";
    return t ? t->sql_name : "???";
}

static ir_expr **alloc_args(sql_xlate *x, int n)
{
    return xlate_alloc(x, sizeof(ir_expr *) * (size_t)(n > 0 ? n : 1));
}

/* ---------------------------------------------------------------- constants */

static ir_expr *constant(sql_xlate *x, A_Const *c)
{
    if (c->isnull)
        return ir_const_null(x, PG_OID_UNKNOWN, c->location);
    switch (nodeTag(&c->val)) {
    case T_Integer:
        return ir_const_int(x, PG_OID_INT4, intVal(&c->val), c->location);
    case T_Float: {
        /* An integer too big for int4 arrives as Float text: int8 if it fits, else numeric. */
        const char *text = castNode(Float, &c->val)->fval;
        bool integral = true;
        for (const char *p = text; *p; p++)
            if (!((*p >= '0' && *p <= '9') || (p == text && *p == '-')))
                integral = false;
        int64_t v;
        if (integral && parse_int64(text, &v))
            return ir_const_int(x, v >= INT32_MIN && v <= INT32_MAX ? PG_OID_INT4 : PG_OID_INT8, v, c->location);
        ir_expr *e = ir_const_text(x, PG_OID_UNKNOWN, text, c->location);
        return e ? ir_coerce(x, e, PG_OID_NUMERIC, -1, COERCE_IMPLICIT, NULL) : NULL;
    }
    case T_Boolean:
        return ir_const_int(x, PG_OID_BOOL, boolVal(&c->val) ? 1 : 0, c->location);
    case T_String:
        return ir_const_text(x, PG_OID_UNKNOWN, strVal(&c->val), c->location);
    case T_BitString:
        return ir_const_text(x, PG_OID_BIT, castNode(BitString, &c->val)->bsval + 1, c->location);
    default:
        xlate_error(x, c->location, "0A000", "unsupported constant");
        return NULL;
    }
}

/* ---------------------------------------------------------------- calls */

const sql_function ir_grouping_function = {"grouping", 0, {0}, PG_OID_INT4, FN_PLAIN, FN_SPECIAL, {NULL, NULL}, 0};

static ir_expr *make_call(sql_xlate *x, const sql_function *fn, ir_expr **args, int nargs, pg_oid *coerce_to,
                          int location)
{
    for (int i = 0; i < nargs; i++) {
        pg_oid want = coerce_to[i];
        pg_oid slot = i < fn->nargs ? fn->args[i] : fn->nargs ? fn->args[fn->nargs - 1] : PG_OID_ANY;
        bool polymorphic = slot == PG_OID_ANY || slot == PG_OID_ANYELEMENT || slot == PG_OID_ANYNONARRAY ||
                           slot == PG_OID_ANYARRAY || slot == PG_OID_RECORD;
        if (want == PG_OID_ANY)
            want = args[i]->type == PG_OID_UNKNOWN ? PG_OID_TEXT : args[i]->type;
        args[i] = ir_coerce(x, args[i], want, -1, COERCE_IMPLICIT, NULL);
        if (args[i] && polymorphic && (fn->flags & FN_ANY_CAST_TEXT))
            args[i] = ir_coerce(x, args[i], PG_OID_TEXT, -1, COERCE_EXPLICIT, NULL);
        else if (args[i] && polymorphic && (fn->flags & FN_ANY_AS_TEXT))
            args[i] = ir_text_output(x, args[i]);
        else if (args[i] && polymorphic && (fn->flags & FN_ANY_AS_JSON))
            args[i] = ir_json_value(x, args[i]);
        if (!args[i])
            return NULL;
    }
    pg_oid ret = fn->ret;
    if (ret == FN_RET_ARG1 || ret == FN_RET_ARG2) {
        ret = nargs > 0 ? args[ret == FN_RET_ARG2 ? 1 : 0]->type : PG_OID_TEXT;
        /* the anyelement min/max stand for PostgreSQL's per-type ones: there is none for
         * varchar or name, which reach max(text) by their implicit cast */
        if (fn->kind == FN_AGGREGATE && (ret == PG_OID_VARCHAR || ret == PG_OID_NAME))
            ret = PG_OID_TEXT;
    } else if (ret == FN_RET_ARG1_ELEM) {
        const pg_type_info *t = types_by_oid(args[0]->type);
        ret = t && t->typelem ? t->typelem : PG_OID_TEXT;
    } else if (ret == FN_RET_ARG1_ARRAY) {
        const pg_type_info *t = types_by_oid(args[0]->type);
        ret = t && t->typarray ? t->typarray : PG_OID_TEXT_ARRAY;
    } else if (ret == PG_OID_ANYARRAY || ret == PG_OID_ANYELEMENT) {
        /* Polymorphic result: the array (or element) type the arguments resolved to. */
        pg_oid arr = PG_OID_INVALID;
        for (int i = 0; i < nargs && !arr; i++) {
            pg_oid slot = i < fn->nargs ? fn->args[i] : fn->args[fn->nargs - 1];
            const pg_type_info *t = types_by_oid(args[i]->type);
            if (slot == PG_OID_ANYARRAY && t && types_is_array(t))
                arr = args[i]->type;
            else if ((slot == PG_OID_ANYELEMENT || slot == PG_OID_ANYNONARRAY) && t && t->typarray)
                arr = t->typarray;
        }
        const pg_type_info *at = types_by_oid(arr);
        ret = ret == PG_OID_ANYARRAY ? (arr ? arr : PG_OID_TEXT_ARRAY) : (at && at->typelem ? at->typelem : PG_OID_TEXT);
    }
    if (fn->flags & FN_CATALOG)
        x->uses_catalog = true;
    ir_expr_kind kind = fn->kind == FN_AGGREGATE ? IRE_AGG : fn->kind == FN_WINDOW ? IRE_WINDOW : IRE_CALL;
    ir_expr *e = ir_new(x, kind, ret, location);
    if (!e)
        return NULL;
    e->u.call.fn = fn;
    e->u.call.nargs = nargs;
    e->u.call.args = args;
    /* A function's result has no typmod in PostgreSQL (exprTypmod of a FuncExpr, Aggref or
     * WindowFunc is -1): max(numeric(8,2)) is plain numeric. */
    return e;
}

static void describe_args(strbuf *b, ir_expr **args, int nargs)
{
    for (int i = 0; i < nargs; i++) {
        if (i)
            strbuf_puts(b, ", ");
        strbuf_puts(b, tname(args[i]->type));
    }
}

static ir_expr *operator_call(sql_xlate *x, const char *op, ir_expr *l, ir_expr *r, int location)
{
    const sql_function *fn;
    pg_oid coerce[2];
    fn_lookup_result res = sql_operator_lookup(op, l ? l->type : PG_OID_INVALID, r->type, &fn, coerce);
    if (res != FN_FOUND) {
        const char *state = res == FN_NOT_FOUND ? "42883" : "42725";
        const char *what = res == FN_AMBIGUOUS ? "is not unique" : "does not exist";
        if (l)
            xlate_error(x, location, state, "operator %s: %s %s %s", what, tname(l->type), op, tname(r->type));
        else
            xlate_error(x, location, state, "operator %s: %s %s", what, op, tname(r->type));
        if (res == FN_NOT_FOUND) {
            pg_error_hint(x->err, "No operator matches the given name and argument types. You might need to add explicit type casts.");
        } else {
            pg_error_hint(x->err, "Could not choose a best candidate operator. You might need to add explicit type casts.");
        }
        return NULL;
    }
    ir_expr **args = alloc_args(x, 2);
    if (!args)
        return NULL;
    int n = 0;
    pg_oid coerce_to[2];
    if (l) {
        args[n] = l;
        coerce_to[n++] = coerce[0];
        args[n] = r;
        coerce_to[n++] = coerce[1];
    } else {
        args[n] = r;
        coerce_to[n++] = coerce[0];
    }
    return make_call(x, fn, args, n, coerce_to, location);
}

/* ---------------------------------------------------------------- A_Expr */

static const char *op_name(List *name)
{
    return name_list_last(name);
}

static ir_expr *bool_node(sql_xlate *x, ir_expr_kind kind, ir_expr *a, ir_expr *b, int location)
{
    ir_expr *e = ir_new(x, kind, PG_OID_BOOL, location);
    ir_expr **args = alloc_args(x, 2);
    if (!e || !args)
        return NULL;
    args[0] = a;
    args[1] = b;
    e->u.list.args = args;
    e->u.list.nargs = b ? 2 : 1;
    return e;
}

/* ROW(...) op ROW(...) as PostgreSQL's make_row_comparison_op: = is every pair equal, <> any
 * pair different; < <= > >= compare pair by pair from the left, the first pair that is not
 * equal deciding (a NULL there makes the answer NULL):
 *   (a1, a2) < (b1, b2)  →  a1 < b1 OR (a1 = b1 AND a2 < b2) */
static ir_expr *row_compare(sql_xlate *x, const char *op, ir_expr *l, ir_expr *r, int location)
{
    int n = l->u.list.nargs;
    if (n != r->u.list.nargs) {
        xlate_error(x, location, "42601", "unequal number of entries in row expressions");
        return NULL;
    }
    if (n == 0) {
        xlate_error(x, location, "0A000", "cannot compare rows of zero length");
        return NULL;
    }
    ir_expr **a = l->u.list.args, **b = r->u.list.args;
    bool eq = strcmp(op, "=") == 0, ne = strcmp(op, "<>") == 0;
    if (eq || ne) {
        ir_expr *acc = NULL;
        for (int i = 0; i < n; i++) {
            ir_expr *cmp = operator_call(x, op, a[i], b[i], location);
            if (!cmp)
                return NULL;
            acc = acc ? bool_node(x, eq ? IRE_AND : IRE_OR, acc, cmp, location) : cmp;
        }
        return acc;
    }
    const char *strict = strcmp(op, "<") == 0 || strcmp(op, "<=") == 0   ? "<"
                         : strcmp(op, ">") == 0 || strcmp(op, ">=") == 0 ? ">"
                                                                         : NULL;
    if (!strict) {
        if (!operator_call(x, op, a[0], b[0], location))
            return NULL;   /* PostgreSQL resolves the operator on the pairs first */
        xlate_error(x, location, "42883", "could not determine interpretation of row comparison operator %s", op);
        pg_error_hint(x->err, "Row comparison operators must be associated with btree operator families.");
        return NULL;
    }
    ir_expr *acc = operator_call(x, op, a[n - 1], b[n - 1], location);
    for (int i = n - 2; acc && i >= 0; i--) {
        ir_expr *s = operator_call(x, strict, a[i], b[i], location);
        ir_expr *e = s ? operator_call(x, "=", a[i], b[i], location) : NULL;
        ir_expr *both = e ? bool_node(x, IRE_AND, e, acc, location) : NULL;
        acc = both ? bool_node(x, IRE_OR, s, both, location) : NULL;
    }
    return acc;
}

static ir_expr *in_list(sql_xlate *x, ir_query *q, A_Expr *a)
{
    if (IsA(a->lexpr, RowExpr)) {
        /* (a, b) IN ((1, 2), (3, 4)): row equalities joined by OR (NOT IN: <> by AND) */
        bool negated = strcmp(op_name(a->name), "<>") == 0;
        ir_expr *lhs = expr(x, q, a->lexpr), *acc = NULL;
        if (!lhs)
            return NULL;
        ListCell *lc;
        foreach (lc, (List *)a->rexpr) {
            Node *item = lfirst(lc);
            if (!IsA(item, RowExpr)) {
                xlate_error(x, a->location, "0A000", "IN with a row on the left needs rows on the right");
                return NULL;
            }
            ir_expr *r = expr(x, q, item);
            ir_expr *cmp = r ? row_compare(x, negated ? "<>" : "=", lhs, r, a->location) : NULL;
            if (!cmp)
                return NULL;
            acc = acc ? bool_node(x, negated ? IRE_AND : IRE_OR, acc, cmp, a->location) : cmp;
        }
        return acc;
    }
    ir_expr *lhs = expr(x, q, a->lexpr);
    if (!lhs)
        return NULL;
    List *items = (List *)a->rexpr;
    int n = list_length(items);
    ir_expr **args = alloc_args(x, n + 1);
    pg_oid *types = xlate_alloc(x, sizeof *types * (size_t)(n + 1));
    if (!args || !types)
        return NULL;
    args[0] = lhs;
    types[0] = lhs->type;
    int i = 1;
    ListCell *lc;
    foreach (lc, items) {
        args[i] = expr(x, q, lfirst(lc));
        if (!args[i])
            return NULL;
        types[i] = args[i]->type;
        i++;
    }
    /* Like PostgreSQL: one common type if there is one, then lhs = ANY(list). */
    pg_oid common = sql_common_type(types, n + 1);
    bool negated = strcmp(op_name(a->name), "<>") == 0;
    if (common == PG_OID_INVALID) {
        /* Fall back to a chain of = / <> comparisons, each resolved on its own. */
        ir_expr *acc = NULL;
        for (int k = 1; k <= n; k++) {
            ir_expr *cmp = operator_call(x, negated ? "<>" : "=", lhs, args[k], a->location);
            if (!cmp)
                return NULL;
            acc = acc ? bool_node(x, negated ? IRE_AND : IRE_OR, acc, cmp, a->location) : cmp;
        }
        return acc;
    }
    for (int k = 0; k <= n; k++) {
        args[k] = ir_coerce(x, args[k], common, -1, COERCE_IMPLICIT, NULL);
        if (!args[k])
            return NULL;
    }
    const sql_function *eq;
    pg_oid coerce[2];
    if (sql_operator_lookup("=", common, common, &eq, coerce) != FN_FOUND) {
        xlate_error(x, a->location, "42883", "operator does not exist: %s = %s", tname(common), tname(common));
        return NULL;
    }
    ir_expr *e = ir_new(x, IRE_IN_LIST, PG_OID_BOOL, a->location);
    if (!e)
        return NULL;
    e->u.list.args = args;
    e->u.list.nargs = n + 1;
    e->u.list.negated = negated;
    e->u.list.op = eq;
    return e;
}

static ir_expr *between(sql_xlate *x, ir_query *q, A_Expr *a)
{
    List *bounds = (List *)a->rexpr;
    ir_expr *v = expr(x, q, a->lexpr);
    ir_expr *lo = v ? expr(x, q, linitial(bounds)) : NULL;
    ir_expr *hi = lo ? expr(x, q, lsecond(bounds)) : NULL;
    if (!hi)
        return NULL;
    bool negated = a->kind == AEXPR_NOT_BETWEEN || a->kind == AEXPR_NOT_BETWEEN_SYM;
    bool symmetric = a->kind == AEXPR_BETWEEN_SYM || a->kind == AEXPR_NOT_BETWEEN_SYM;
    ir_expr *c1 = operator_call(x, negated ? "<" : ">=", v, lo, a->location);
    ir_expr *c2 = c1 ? operator_call(x, negated ? ">" : "<=", v, hi, a->location) : NULL;
    if (!c2)
        return NULL;
    ir_expr *e = bool_node(x, negated ? IRE_OR : IRE_AND, c1, c2, a->location);
    if (symmetric && e) {
        ir_expr *d1 = operator_call(x, negated ? "<" : ">=", v, hi, a->location);
        ir_expr *d2 = d1 ? operator_call(x, negated ? ">" : "<=", v, lo, a->location) : NULL;
        if (!d2)
            return NULL;
        ir_expr *f = bool_node(x, negated ? IRE_OR : IRE_AND, d1, d2, a->location);
        e = bool_node(x, negated ? IRE_AND : IRE_OR, e, f, a->location);
    }
    return e;
}

/* LIKE pattern with an ESCAPE clause arrives as like_escape(pattern, escape). */
static ir_expr *like(sql_xlate *x, ir_query *q, A_Expr *a)
{
    const char *op = op_name(a->name);
    Node *pattern = a->rexpr;
    if (IsA(pattern, FuncCall)) {
        FuncCall *fc = (FuncCall *)pattern;
        const char *fname = name_list_last(fc->funcname);
        if (fname && strcmp(fname, "like_escape") == 0 && list_length(fc->args) == 2) {
            ir_expr *esc = expr(x, q, lsecond(fc->args));
            if (!esc)
                return NULL;
            if (esc->kind == IRE_CONST && esc->u.constant.value.kind == VALUE_TEXT &&
                !(esc->u.constant.value.len == 1 && esc->u.constant.value.ptr[0] == '\\')) {
                /* A different escape character: rewrite the pattern at translation time
                 * when it is a constant; otherwise refuse. */
                ir_expr *pat = expr(x, q, linitial(fc->args));
                if (!pat || pat->kind != IRE_CONST || pat->u.constant.value.kind != VALUE_TEXT) {
                    xlate_error(x, a->location, "0A000", "LIKE ... ESCAPE with a non-constant pattern is not supported");
                    return NULL;
                }
                char escch = esc->u.constant.value.len ? esc->u.constant.value.ptr[0] : 0;
                strbuf b;
                strbuf_init(&b);
                const char *p = pat->u.constant.value.ptr;
                size_t len = pat->u.constant.value.len;
                for (size_t i = 0; i < len; i++) {
                    if (escch && p[i] == escch && i + 1 < len) {
                        strbuf_putc(&b, '\\');
                        strbuf_putc(&b, p[++i]);
                    } else if (p[i] == '\\') {
                        strbuf_puts(&b, "\\\\");
                    } else {
                        strbuf_putc(&b, p[i]);
                    }
                }
                ir_expr *np = ir_const_text(x, PG_OID_UNKNOWN, b.data ? b.data : "", pat->location);
                strbuf_free(&b);
                ir_expr *l = expr(x, q, a->lexpr);
                return l && np ? operator_call(x, op, l, np, a->location) : NULL;
            }
            pattern = linitial(fc->args);
        }
    }
    ir_expr *l = expr(x, q, a->lexpr);
    ir_expr *r = l ? expr(x, q, pattern) : NULL;
    return r ? operator_call(x, op, l, r, a->location) : NULL;
}

static ir_expr *similar(sql_xlate *x, ir_query *q, A_Expr *a)
{
    Node *pattern = a->rexpr;
    ir_expr *esc = NULL;
    if (IsA(pattern, FuncCall)) {
        FuncCall *fc = (FuncCall *)pattern;
        pattern = linitial(fc->args);
        if (list_length(fc->args) > 1)
            esc = expr(x, q, lsecond(fc->args));
    }
    ir_expr *l = expr(x, q, a->lexpr);
    ir_expr *r = l ? expr(x, q, pattern) : NULL;
    if (!r)
        return NULL;
    l = ir_coerce(x, l, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL);
    r = ir_coerce(x, r, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL);
    if (esc)
        esc = ir_coerce(x, esc, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL);
    if (!l || !r)
        return NULL;
    ir_expr *e = ir_new(x, IRE_RAW, PG_OID_BOOL, a->location);
    ir_expr **args = alloc_args(x, 3);
    if (!e || !args)
        return NULL;
    args[0] = l;
    args[1] = r;
    args[2] = esc ? esc : ir_const_null(x, PG_OID_TEXT, -1);
    e->u.raw.args = args;
    e->u.raw.nargs = 3;
    e->u.raw.sql = strcmp(op_name(a->name), "~") == 0 ? "pgw_similar(%1, %2, %3)" : "(NOT pgw_similar(%1, %2, %3))";
    return e;
}

static ir_expr *any_all_array(sql_xlate *x, ir_query *q, A_Expr *a, bool all)
{
    ir_expr *l = expr(x, q, a->lexpr);
    ir_expr *r = l ? expr(x, q, a->rexpr) : NULL;
    if (!r)
        return NULL;
    const char *op = op_name(a->name);
    /* The right side is an array; an unknown literal '{...}' takes the array type of the
     * left side. */
    pg_oid elem = l->type;
    if (r->type == PG_OID_UNKNOWN || (r->kind == IRE_PARAM && r->type == PG_OID_INVALID)) {
        const pg_type_info *lt = types_by_oid(l->type == PG_OID_UNKNOWN ? PG_OID_TEXT : l->type);
        if (!lt || !lt->typarray) {
            xlate_error(x, a->location, "42809", "op ANY/ALL (array) requires array on right side");
            return NULL;
        }
        r = ir_coerce(x, r, lt->typarray, -1, COERCE_IMPLICIT, NULL);
        if (!r)
            return NULL;
    }
    if (ir_vector_array_type(r->type) && !(r = ir_coerce(x, r, ir_vector_array_type(r->type), -1, COERCE_IMPLICIT, NULL)))
        return NULL;
    const pg_type_info *rt = types_by_oid(r->type);
    if (!rt || !types_is_array(rt)) {
        xlate_error(x, a->location, "42809", "op ANY/ALL (array) requires array on right side");
        return NULL;
    }
    elem = rt->typelem;
    const sql_function *fn;
    pg_oid coerce[2];
    if (sql_operator_lookup(op, l->type, elem, &fn, coerce) != FN_FOUND) {
        xlate_error(x, a->location, "42883", "operator does not exist: %s %s %s", tname(l->type), op, tname(elem));
        pg_error_hint(x->err, "No operator matches the given name and argument types. You might need to add explicit type casts.");
        return NULL;
    }
    l = ir_coerce(x, l, coerce[0], -1, COERCE_IMPLICIT, NULL);
    if (!l)
        return NULL;
    if (coerce[1] != elem) {
        const pg_type_info *et = types_by_oid(coerce[1]);
        if (et && et->typarray && !(r = ir_coerce(x, r, et->typarray, -1, COERCE_IMPLICIT, NULL)))
            return NULL;
    }
    ir_expr *e = ir_new(x, IRE_ANY_ARRAY, PG_OID_BOOL, a->location);
    ir_expr **args = alloc_args(x, 2);
    if (!e || !args)
        return NULL;
    args[0] = l;
    args[1] = r;
    e->u.list.args = args;
    e->u.list.nargs = 2;
    e->u.list.all = all;
    e->u.list.op = fn;
    return e;
}

static ir_expr *a_expr(sql_xlate *x, ir_query *q, A_Expr *a)
{
    switch (a->kind) {
    case AEXPR_OP: {
        const char *op = op_name(a->name);
        ir_expr *l = a->lexpr ? expr(x, q, a->lexpr) : NULL;
        if (a->lexpr && !l)
            return NULL;
        ir_expr *r = expr(x, q, a->rexpr);
        if (!r)
            return NULL;
        if (a->lexpr && IsA(a->lexpr, RowExpr) && IsA(a->rexpr, RowExpr))
            return row_compare(x, op, l, r, a->location);
        return operator_call(x, op, l, r, a->location);
    }
    case AEXPR_OP_ANY:
        return any_all_array(x, q, a, false);
    case AEXPR_OP_ALL:
        return any_all_array(x, q, a, true);
    case AEXPR_DISTINCT:
    case AEXPR_NOT_DISTINCT: {
        ir_expr *l = expr(x, q, a->lexpr);
        ir_expr *r = l ? expr(x, q, a->rexpr) : NULL;
        if (!r)
            return NULL;
        /* Type-check through "=" as PostgreSQL does, then compare with IS [NOT]. */
        ir_expr *eq = operator_call(x, "=", l, r, a->location);
        if (!eq)
            return NULL;
        ir_expr *e = ir_new(x, IRE_DISTINCT, PG_OID_BOOL, a->location);
        if (!e)
            return NULL;
        e->u.list.args = eq->u.call.args;
        e->u.list.nargs = 2;
        e->u.list.negated = a->kind == AEXPR_NOT_DISTINCT;
        e->u.list.op = eq->u.call.fn;
        return e;
    }
    case AEXPR_NULLIF: {
        ir_expr *l = expr(x, q, a->lexpr);
        ir_expr *r = l ? expr(x, q, a->rexpr) : NULL;
        if (!r)
            return NULL;
        ir_expr *eq = operator_call(x, "=", l, r, a->location);
        if (!eq)
            return NULL;
        ir_expr *e = ir_new(x, IRE_NULLIF, eq->u.call.args[0]->type, a->location);
        if (!e)
            return NULL;
        e->u.list.args = eq->u.call.args;
        e->u.list.nargs = 2;
        e->u.list.op = eq->u.call.fn;
        return e;
    }
    case AEXPR_IN:
        return in_list(x, q, a);
    case AEXPR_LIKE:
    case AEXPR_ILIKE:
        return like(x, q, a);
    case AEXPR_SIMILAR:
        return similar(x, q, a);
    case AEXPR_BETWEEN:
    case AEXPR_NOT_BETWEEN:
    case AEXPR_BETWEEN_SYM:
    case AEXPR_NOT_BETWEEN_SYM:
        return between(x, q, a);
    default:
        xlate_error(x, a->location, "0A000", "unsupported expression");
        return NULL;
    }
}

/* ---------------------------------------------------------------- CASE, COALESCE ... */

static bool coerce_to_common(sql_xlate *x, ir_expr **exprs, int n, const char *construct, pg_oid *out)
{
    pg_oid types[256] = {0};
    int k = 0;
    for (int i = 0; i < n && k < 256; i++)
        if (exprs[i])
            types[k++] = exprs[i]->type;
    pg_oid common = sql_common_type(types, k);
    if (common == PG_OID_INVALID) {
        pg_oid a = PG_OID_INVALID, b = PG_OID_INVALID;
        for (int i = 0; i < k; i++) {
            if (types[i] == PG_OID_UNKNOWN)
                continue;
            if (!a)
                a = types[i];
            else if (types[i] != a) {
                b = types[i];
                break;
            }
        }
        int loc = -1;
        for (int i = 0; i < n; i++)
            if (exprs[i] && exprs[i]->type == b)
                loc = exprs[i]->location;
        xlate_error(x, loc, "42804", "%s types %s and %s cannot be matched", construct, tname(a), tname(b));
        return false;
    }
    for (int i = 0; i < n; i++)
        if (exprs[i] && !(exprs[i] = ir_coerce(x, exprs[i], common, -1, COERCE_IMPLICIT, NULL)))
            return false;
    *out = common;
    return true;
}

static ir_expr *case_expr(sql_xlate *x, ir_query *q, CaseExpr *c)
{
    ir_expr *arg = c->arg ? expr(x, q, (Node *)c->arg) : NULL;
    if (c->arg && !arg)
        return NULL;
    int n = list_length(c->args);
    ir_expr *e = ir_new(x, IRE_CASE, PG_OID_TEXT, c->location);
    ir_case_when *when = xlate_alloc(x, sizeof *when * (size_t)n);
    ir_expr **results = alloc_args(x, n + 1);
    if (!e || !when || !results)
        return NULL;
    int i = 0;
    ListCell *lc;
    foreach (lc, c->args) {
        CaseWhen *w = lfirst_node(CaseWhen, lc);
        ir_expr *cond;
        if (arg) {
            ir_expr *val = expr(x, q, (Node *)w->expr);
            cond = val ? operator_call(x, "=", arg, val, w->location) : NULL;
        } else {
            cond = analyze_condition(x, q, (Node *)w->expr, "CASE/WHEN");
        }
        if (!cond)
            return NULL;
        when[i].cond = cond;
        results[i] = expr(x, q, (Node *)w->result);
        if (!results[i])
            return NULL;
        i++;
    }
    ir_expr *otherwise = c->defresult ? expr(x, q, (Node *)c->defresult) : NULL;
    if (c->defresult && !otherwise)
        return NULL;
    results[n] = otherwise;
    pg_oid common;
    if (!coerce_to_common(x, results, n + 1, "CASE", &common))
        return NULL;
    for (i = 0; i < n; i++)
        when[i].result = results[i];
    e->type = common;
    e->u.case_.nwhen = n;
    e->u.case_.when = when;
    e->u.case_.otherwise = results[n];
    return e;
}

static ir_expr *list_expr(sql_xlate *x, ir_query *q, ir_expr_kind kind, List *items, const char *construct,
                          int location)
{
    int n = list_length(items);
    ir_expr **args = alloc_args(x, n);
    if (!args)
        return NULL;
    int i = 0;
    ListCell *lc;
    foreach (lc, items) {
        args[i] = expr(x, q, lfirst(lc));
        if (!args[i])
            return NULL;
        i++;
    }
    pg_oid common;
    if (!coerce_to_common(x, args, n, construct, &common))
        return NULL;
    ir_expr *e = ir_new(x, kind, common, location);
    if (!e)
        return NULL;
    e->u.list.args = args;
    e->u.list.nargs = n;
    if (kind == IRE_GREATEST || kind == IRE_LEAST) {
        const sql_function *lt;
        pg_oid coerce[2];
        if (sql_operator_lookup("<", common, common, &lt, coerce) != FN_FOUND) {
            xlate_error(x, location, "42883", "could not identify a comparison function for type %s", tname(common));
            return NULL;
        }
        e->u.list.op = lt;
    }
    return e;
}

static ir_expr *array_expr(sql_xlate *x, ir_query *q, A_ArrayExpr *a)
{
    int n = list_length(a->elements);
    ir_expr **args = alloc_args(x, n);
    if (!args)
        return NULL;
    int i = 0;
    ListCell *lc;
    foreach (lc, a->elements) {
        Node *el = lfirst(lc);
        if (IsA(el, A_ArrayExpr)) {
            xlate_error(x, a->location, "0A000", "multidimensional arrays are not supported");
            return NULL;
        }
        args[i] = expr(x, q, el);
        if (!args[i])
            return NULL;
        i++;
    }
    pg_oid common = PG_OID_TEXT;
    if (n == 0) {
        xlate_error(x, a->location, "42P18", "cannot determine type of empty array");
        pg_error_hint(x->err, "Explicitly cast to the desired type, for example ARRAY[]::integer[].");
        return NULL;
    }
    if (!coerce_to_common(x, args, n, "ARRAY", &common))
        return NULL;
    const pg_type_info *t = types_by_oid(common);
    if (!t || !t->typarray) {
        xlate_error(x, a->location, "42704", "could not find array type for data type %s", tname(common));
        return NULL;
    }
    ir_expr *e = ir_new(x, IRE_ARRAY, t->typarray, a->location);
    if (!e)
        return NULL;
    e->u.list.args = args;
    e->u.list.nargs = n;
    return e;
}

/* ---------------------------------------------------------------- sublinks */

/* (a, b) IN (SELECT x, y ...) and (a, b) <> ALL (...): row values, which SQLite compares
 * with the same three-valued logic.  Other operators, and types SQLite cannot compare with
 * `=` (numeric text, char(n), interval), are refused. */
static ir_expr *row_sublink(sql_xlate *x, ir_query *q, SubLink *s, ir_query *sub, ir_expr *e, int ncols)
{
    RowExpr *row = (RowExpr *)s->testexpr;
    int n = list_length(row->args);
    if (n != ncols) {
        xlate_error(x, s->location, "42601", n < ncols ? "subquery has too many columns" : "subquery has too few columns");
        return NULL;
    }
    const char *op = s->operName ? op_name(s->operName) : "=";
    bool any = s->subLinkType == ANY_SUBLINK;
    if (strcmp(op, any ? "=" : "<>") != 0) {
        xlate_error(x, s->location, "0A000", "row comparison with a subquery is supported only as IN and NOT IN");
        return NULL;
    }
    ir_expr *test = ir_new(x, IRE_ROW, PG_OID_RECORD, row->location);
    ir_expr **args = alloc_args(x, n);
    if (!test || !args)
        return NULL;
    const sql_function *fn = NULL;
    for (int i = 0, t = 0; i < n; i++, t++) {
        while (sub->targets[t].junk)
            t++;
        ir_expr *a = expr(x, q, list_nth(row->args, i));
        if (!a)
            return NULL;
        ir_expr *col = sub->targets[t].expr;
        pg_oid coerce[2];
        if (sql_operator_lookup(op, a->type, col->type, &fn, coerce) != FN_FOUND) {
            xlate_error(x, s->location, "42883", "operator does not exist: %s %s %s", tname(a->type), op, tname(col->type));
            return NULL;
        }
        if (coerce[0] == PG_OID_NUMERIC || coerce[0] == PG_OID_BPCHAR || coerce[0] == PG_OID_INTERVAL ||
            coerce[1] == PG_OID_NUMERIC || coerce[1] == PG_OID_BPCHAR || coerce[1] == PG_OID_INTERVAL) {
            xlate_error(x, s->location, "0A000", "row comparison with a subquery over %s columns is not supported",
                        tname(coerce[0]));
            return NULL;
        }
        if (!(args[i] = ir_coerce(x, a, coerce[0], -1, COERCE_IMPLICIT, NULL)))
            return NULL;
        if (coerce[1] != col->type && !(sub->targets[t].expr = ir_coerce(x, col, coerce[1], -1, COERCE_IMPLICIT, NULL)))
            return NULL;
    }
    test->u.list.args = args;
    test->u.list.nargs = n;
    e->u.sublink.sublink = any ? SUBLINK_ANY : SUBLINK_ALL;
    e->u.sublink.test = test;
    e->u.sublink.op = fn;
    return e;
}

static ir_expr *sublink(sql_xlate *x, ir_query *q, SubLink *s)
{
    ir_query *sub = analyze_subquery(x, q, s->subselect);
    if (!sub)
        return NULL;
    int ncols = 0;
    for (int i = 0; i < sub->ntargets; i++)
        ncols += !sub->targets[i].junk;
    ir_expr *e = ir_new(x, IRE_SUBLINK, PG_OID_BOOL, s->location);
    if (!e)
        return NULL;
    e->u.sublink.subquery = sub;
    switch (s->subLinkType) {
    case EXISTS_SUBLINK:
        e->u.sublink.sublink = SUBLINK_EXISTS;
        return e;
    case EXPR_SUBLINK:
        if (ncols != 1) {
            xlate_error(x, s->location, "42601", ncols > 1 ? "subquery must return only one column" : "subquery must return a column");
            return NULL;
        }
        e->u.sublink.sublink = SUBLINK_SCALAR;
        e->type = sub->targets[0].expr->type;
        e->typmod = sub->targets[0].expr->typmod;
        return e;
    case ARRAY_SUBLINK: {
        if (ncols != 1) {
            xlate_error(x, s->location, "42601", "subquery must return only one column");
            return NULL;
        }
        const pg_type_info *t = types_by_oid(sub->targets[0].expr->type);
        e->u.sublink.sublink = SUBLINK_ARRAY;
        e->type = t && t->typarray ? t->typarray : PG_OID_TEXT_ARRAY;
        return e;
    }
    case ANY_SUBLINK:
    case ALL_SUBLINK: {
        if (s->testexpr && IsA(s->testexpr, RowExpr))
            return row_sublink(x, q, s, sub, e, ncols);
        if (ncols != 1) {
            xlate_error(x, s->location, "42601", ncols > 1 ? "subquery has too many columns" : "subquery has too few columns");
            return NULL;
        }
        ir_expr *test = expr(x, q, s->testexpr);
        if (!test)
            return NULL;
        const char *op = s->operName ? op_name(s->operName) : "=";
        ir_expr *col = sub->targets[0].expr;
        const sql_function *fn;
        pg_oid coerce[2];
        if (sql_operator_lookup(op, test->type, col->type, &fn, coerce) != FN_FOUND) {
            xlate_error(x, s->location, "42883", "operator does not exist: %s %s %s", tname(test->type), op,
                        tname(col->type));
            return NULL;
        }
        test = ir_coerce(x, test, coerce[0], -1, COERCE_IMPLICIT, NULL);
        if (!test)
            return NULL;
        if (coerce[1] != col->type) {
            sub->targets[0].expr = ir_coerce(x, col, coerce[1], -1, COERCE_IMPLICIT, NULL);
            if (!sub->targets[0].expr)
                return NULL;
        }
        e->u.sublink.sublink = s->subLinkType == ANY_SUBLINK ? SUBLINK_ANY : SUBLINK_ALL;
        e->u.sublink.test = test;
        e->u.sublink.op = fn;
        return e;
    }
    default:
        xlate_error(x, s->location, "0A000", "this kind of subquery is not supported");
        return NULL;
    }
}

/* ---------------------------------------------------------------- functions */

/* A frame offset as SQLite takes it: ROWS/GROUPS a non-negative integer; RANGE a value in
 * the unit of the single ORDER BY key's storage — numbers for numbers (numeric keys are
 * then compared as REAL), microseconds of an interval for timestamps and times, days for
 * dates.  Only constants (SQLite's frames take no expressions). */
static bool frame_offset(sql_xlate *x, ir_query *q, WindowDef *wd, ir_window *w, Node *node, strbuf *b)
{
    int fo = wd->frameOptions;
    ir_expr *off = expr(x, q, node);
    if (!off)
        return false;
    if (off->kind != IRE_CONST) {
        xlate_error(x, exprLocation(node), "0A000", "window frame offsets must be constants");
        return false;
    }
    const sql_value *v = &off->u.constant.value;
    if (v->kind == VALUE_NULL) {
        xlate_error(x, exprLocation(node), "22004", "frame starting offset must not be null");
        return false;
    }
    if (!(fo & FRAMEOPTION_RANGE)) {
        ir_expr *i = ir_coerce(x, off, PG_OID_INT8, -1, COERCE_IMPLICIT, NULL);
        if (!i)
            return false;
        if (i->kind != IRE_CONST || i->u.constant.value.kind != VALUE_INT) {
            xlate_error(x, exprLocation(node), "0A000", "window frame offsets must be integer constants");
            return false;
        }
        if (i->u.constant.value.i < 0) {
            xlate_error(x, exprLocation(node), "22013", "frame starting offset must not be negative");
            return false;
        }
        strbuf_printf(b, "%lld", (long long)i->u.constant.value.i);
        return true;
    }
    if (w->norder != 1) {
        xlate_error(x, wd->location, "42P20", "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column");
        return false;
    }
    pg_oid key = w->order[0].expr->type;
    switch (key) {
    case PG_OID_INT2: case PG_OID_INT4: case PG_OID_INT8:
    case PG_OID_FLOAT4: case PG_OID_FLOAT8: case PG_OID_NUMERIC: {
        pg_oid want = key == PG_OID_FLOAT4 || key == PG_OID_FLOAT8 ? PG_OID_FLOAT8 : key == PG_OID_NUMERIC ? PG_OID_NUMERIC : PG_OID_INT8;
        ir_expr *c = ir_coerce(x, off, want, -1, COERCE_IMPLICIT, NULL);
        if (!c)
            return false;
        if (c->kind != IRE_CONST) {
            xlate_error(x, exprLocation(node), "0A000", "window frame offsets must be constants");
            return false;
        }
        const sql_value *cv = &c->u.constant.value;
        bool negative = cv->kind == VALUE_INT ? cv->i < 0 : cv->kind == VALUE_FLOAT ? cv->f < 0
                                                                                     : cv->len && cv->ptr[0] == '-';
        if (negative) {
            xlate_error(x, exprLocation(node), "22013", "invalid preceding or following size in window function");
            return false;
        }
        if (cv->kind == VALUE_INT)
            strbuf_printf(b, "%lld", (long long)cv->i);
        else if (cv->kind == VALUE_FLOAT)
            strbuf_printf(b, "%.17g", cv->f);
        else {
            strbuf_printf(b, "%.*s", (int)cv->len, cv->ptr);
            w->order_as_real = true;
        }
        if (key == PG_OID_NUMERIC)
            w->order_as_real = true;
        return true;
    }
    case PG_OID_TIMESTAMP: case PG_OID_TIMESTAMPTZ: case PG_OID_DATE: case PG_OID_TIME: {
        ir_expr *c = ir_coerce(x, off, PG_OID_INTERVAL, -1, COERCE_IMPLICIT, NULL);
        if (!c)
            return false;
        long long months = 0, days = 0, us = 0;
        char text[96] = "";
        if (c->kind == IRE_CONST && c->u.constant.value.kind == VALUE_TEXT)
            snprintf(text, sizeof text, "%.*s", (int)c->u.constant.value.len, c->u.constant.value.ptr);
        if (sscanf(text, "%lld %lld %lld", &months, &days, &us) != 3) {
            xlate_error(x, exprLocation(node), "0A000", "window frame offsets must be constants");
            return false;
        }
        if (months < 0 || days < 0 || us < 0 || (months == 0 && days == 0 && us < 0)) {
            xlate_error(x, exprLocation(node), "22013", "invalid preceding or following size in window function");
            return false;
        }
        bool exact = months == 0 && (key == PG_OID_TIMESTAMP ? true
                                     : key == PG_OID_DATE  ? us == 0
                                     : days == 0);   /* timestamptz: a day is not always 24 hours */
        if (!exact) {
            xlate_error(x, exprLocation(node), "0A000",
                        "RANGE offsets in months (or in days over timestamp with time zone, or with hours over date) are not supported");
            return false;
        }
        strbuf_printf(b, "%lld", key == PG_OID_DATE ? days : days * 86400000000LL + us);
        return true;
    }
    default: {
        const pg_type_info *t = types_by_oid(key);
        xlate_error(x, wd->location, "0A000", "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s",
                    t ? t->sql_name : "?");
        return false;
    }
    }
}

static bool window_spec(sql_xlate *x, ir_query *q, WindowDef *wd, ir_window *w, int depth)
{
    if (depth > 8)
        return false;
    if (wd->name && !wd->partitionClause && !wd->orderClause && !wd->frameOptions) {
        /* OVER w: a named window (the definition's name is `name`). */
    }
    const char *ref = wd->refname ? wd->refname : (wd->name && !wd->partitionClause && !wd->orderClause ? wd->name : NULL);
    if (ref) {
        bool found = false;
        for (int i = 0; i < q->nwindows; i++)
            if (strcmp(q->window_names[i], ref) == 0 && q->window_defs[i] != (void *)wd) {
                if (!window_spec(x, q, (WindowDef *)q->window_defs[i], w, depth + 1))
                    return false;
                found = true;
                break;
            }
        if (!found) {
            xlate_error(x, wd->location, "42704", "window \"%s\" does not exist", ref);
            return false;
        }
    }
    int np = list_length(wd->partitionClause);
    if (np) {
        w->partition = alloc_args(x, np);
        if (!w->partition)
            return false;
        w->npartition = 0;
        ListCell *lc;
        foreach (lc, wd->partitionClause) {
            ir_expr *e = expr(x, q, lfirst(lc));
            if (!e)
                return false;
            if (e->type == PG_OID_UNKNOWN && !(e = ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL)))
                return false;
            w->partition[w->npartition++] = e;
        }
    }
    int no = list_length(wd->orderClause);
    if (no) {
        w->order = xlate_alloc(x, sizeof *w->order * (size_t)no);
        if (!w->order)
            return false;
        w->norder = 0;
        ListCell *lc;
        foreach (lc, wd->orderClause) {
            SortBy *sb = lfirst_node(SortBy, lc);
            ir_expr *e = expr(x, q, sb->node);
            if (!e)
                return false;
            if (e->type == PG_OID_UNKNOWN && !(e = ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL)))
                return false;
            ir_sort *s = &w->order[w->norder++];
            s->expr = e;
            s->descending = sb->sortby_dir == SORTBY_DESC;
            s->nulls = sb->sortby_nulls == SORTBY_NULLS_FIRST ? 1 : sb->sortby_nulls == SORTBY_NULLS_LAST ? 2 : 0;
        }
    }
    int fo = wd->frameOptions;
    if (fo & FRAMEOPTION_NONDEFAULT) {
        strbuf b;
        strbuf_init(&b);
        strbuf_puts(&b, (fo & FRAMEOPTION_ROWS) ? "ROWS " : (fo & FRAMEOPTION_GROUPS) ? "GROUPS " : "RANGE ");
        if (fo & FRAMEOPTION_BETWEEN)
            strbuf_puts(&b, "BETWEEN ");
        if (fo & FRAMEOPTION_START_UNBOUNDED_PRECEDING)
            strbuf_puts(&b, "UNBOUNDED PRECEDING");
        else if (fo & FRAMEOPTION_START_CURRENT_ROW)
            strbuf_puts(&b, "CURRENT ROW");
        else if (fo & (FRAMEOPTION_START_OFFSET_PRECEDING | FRAMEOPTION_START_OFFSET_FOLLOWING)) {
            if (!frame_offset(x, q, wd, w, wd->startOffset, &b)) {
                strbuf_free(&b);
                return false;
            }
            strbuf_puts(&b, (fo & FRAMEOPTION_START_OFFSET_PRECEDING) ? " PRECEDING" : " FOLLOWING");
        }
        if (fo & FRAMEOPTION_BETWEEN) {
            strbuf_puts(&b, " AND ");
            if (fo & FRAMEOPTION_END_UNBOUNDED_FOLLOWING)
                strbuf_puts(&b, "UNBOUNDED FOLLOWING");
            else if (fo & FRAMEOPTION_END_CURRENT_ROW)
                strbuf_puts(&b, "CURRENT ROW");
            else if (fo & (FRAMEOPTION_END_OFFSET_PRECEDING | FRAMEOPTION_END_OFFSET_FOLLOWING)) {
                if (!frame_offset(x, q, wd, w, wd->endOffset, &b)) {
                    strbuf_free(&b);
                    return false;
                }
                strbuf_puts(&b, (fo & FRAMEOPTION_END_OFFSET_PRECEDING) ? " PRECEDING" : " FOLLOWING");
            }
        }
        if (fo & FRAMEOPTION_EXCLUDE_CURRENT_ROW)
            strbuf_puts(&b, " EXCLUDE CURRENT ROW");
        else if (fo & FRAMEOPTION_EXCLUDE_GROUP)
            strbuf_puts(&b, " EXCLUDE GROUP");
        else if (fo & FRAMEOPTION_EXCLUDE_TIES)
            strbuf_puts(&b, " EXCLUDE TIES");
        w->frame = xlate_strdup(x, b.data ? b.data : "");
        strbuf_free(&b);
    }
    return true;
}

/* Functions whose result is known at translation or needs the analyser. */
static ir_expr *special_function(sql_xlate *x, ir_query *q, FuncCall *fc, const char *name, ir_expr **args,
                                 int nargs, bool *handled)
{
    *handled = true;
    if (strcmp(name, "pg_typeof") == 0 && nargs == 1) {
        ir_expr *oid = ir_const_int(x, PG_OID_REGTYPE, args[0]->type == PG_OID_UNKNOWN ? PG_OID_UNKNOWN : args[0]->type,
                                    fc->location);
        if (!oid || !ir_contains_aggregate(args[0]))
            return oid;
        /* pg_typeof(count(*)): the constant, but the aggregate must stay in the query (it
         * makes the query grouped: one row). */
        ir_expr *e = ir_new(x, IRE_RAW, PG_OID_REGTYPE, fc->location);
        ir_expr **a = alloc_args(x, 2);
        if (!e || !a)
            return NULL;
        a[0] = oid;
        a[1] = args[0];
        e->u.raw.sql = "coalesce(%1, %2)";
        e->u.raw.args = a;
        e->u.raw.nargs = 2;
        return e;
    }
    if (strcmp(name, "row_to_json") == 0 && nargs == 1) {
        if (args[0]->type != PG_OID_RECORD) {
            xlate_error(x, fc->location, "42883", "function row_to_json(%s) does not exist", tname(args[0]->type));
            pg_error_hint(x->err, "No function matches the given name and argument types. You might need to add explicit type casts.");
            return NULL;
        }
        return ir_json_value(x, args[0]);
    }
    if ((strcmp(name, "to_json") == 0 || strcmp(name, "to_jsonb") == 0) && nargs == 1) {
        ir_expr *j = ir_json_value(x, args[0]);
        if (!j || name[7] != 'b')
            return j;
        ir_expr *e = ir_new(x, IRE_RAW, PG_OID_JSONB, fc->location);
        ir_expr **a = alloc_args(x, 1);
        if (!e || !a)
            return NULL;
        a[0] = j;
        e->u.raw.sql = "pgw_json_to_jsonb(%1)";
        e->u.raw.args = a;
        e->u.raw.nargs = 1;
        return e;
    }
    if (strcmp(name, "array_length") == 0 && nargs == 1) {
        xlate_error(x, fc->location, "42883", "function array_length(%s) does not exist", tname(args[0]->type));
        return NULL;
    }
    *handled = false;
    UNUSED(q);
    return NULL;
}

/* ---------------------------------------------------------------- set-returning calls */

int srf_columns(sql_xlate *x, const ir_expr *call, const char **names, pg_oid *types, int max)
{
    UNUSED(x);
    if (call->kind == IRE_CALL && strcmp(call->u.call.fn->name, "_pg_expandarray") == 0 && max >= 2) {
        /* OUT x anyelement, OUT n int: the element and its 1-based position. */
        const pg_type_info *t = call->u.call.nargs ? types_by_oid(call->u.call.args[0]->type) : NULL;
        names[0] = "x";
        types[0] = t && t->typelem ? t->typelem : PG_OID_TEXT;
        names[1] = "n";
        types[1] = PG_OID_INT4;
        return 2;
    }
    types[0] = call->type;
    return 1;
}

/*
 * A set-returning call in the select list.  PostgreSQL runs it for each row of the FROM
 * clause, calls in the same list advancing in lock-step; here the call becomes a lateral FROM
 * item whose column replaces it, and identical calls share the item (so they advance
 * together).  A call returning a record gives a ROW of its fields, for field selection.
 * Different calls are joined to the first on their row numbers (every set-returning engine
 * function has an ordinality column).  With nothing else in FROM that is a FULL JOIN: the
 * longest sets the row count and the others give NULLs past their end, as PostgreSQL's
 * ProjectSet does.  Beside other FROM items (the calls are lateral to them) SQLite cannot
 * nest the join, so it is a LEFT JOIN: calls of equal length (the usual unnest(indkey) with
 * generate_subscripts(indkey, 1)) advance exactly as in PostgreSQL, but the first call's
 * length sets the row count (docs/catalog.md).
 */
static ir_expr *ordinality_of(sql_xlate *x, int rte, int location)
{
    ir_expr *c = ir_new(x, IRE_COLUMN, PG_OID_INT8, location);
    if (c) {
        c->u.column.rte = rte;
        c->u.column.column = 1;   /* engine column "ordinality" of a function entry */
    }
    return c;
}

static bool lockstep(sql_xlate *x, ir_query *q, int lead, int idx, int location)
{
    ir_from **slot = NULL;
    for (int i = 0; i < q->nfrom; i++) {
        ir_from *f = q->from[i];
        while (f->is_join && f->left)
            f = f->left;
        if (!f->is_join && f->rte == lead)
            slot = &q->from[i];
    }
    ir_from *joined = xlate_alloc(x, sizeof *joined);
    ir_expr *l = ordinality_of(x, lead, location), *r = ordinality_of(x, idx, location);
    const sql_function *eq;
    pg_oid coerce[2];
    if (!slot || !joined || !l || !r || sql_operator_lookup("=", PG_OID_INT8, PG_OID_INT8, &eq, coerce) != FN_FOUND)
        return false;
    ir_expr **args = alloc_args(x, 2);
    ir_expr *on = ir_new(x, IRE_CALL, PG_OID_BOOL, location);
    if (!args || !on)
        return false;
    args[0] = r;
    args[1] = l;
    on->u.call.fn = eq;
    on->u.call.args = args;
    on->u.call.nargs = 2;
    /* The new item was appended last; it moves into the join with the first. */
    q->nfrom--;
    joined->is_join = true;
    joined->rte = idx;
    joined->join_type = slot == &q->from[0] ? IRJ_FULL : IRJ_LEFT;
    joined->left = *slot;
    joined->right = q->from[q->nfrom];
    joined->on = on;
    *slot = joined;
    return true;
}

static ir_expr *lateral_srf(sql_xlate *x, ir_query *q, ir_expr *call, const char *name)
{
    int idx = -1, lead = -1;
    for (int i = 0; i < q->nrte; i++) {
        if (q->rtes[i]->from_target_list && ir_equal(q->rtes[i]->function, call))
            idx = i;
        if (q->rtes[i]->from_target_list && lead < 0)
            lead = i;
    }
    const char *names[4] = {name, NULL, NULL, NULL};
    pg_oid types[4] = {0};
    int n = srf_columns(x, call, names, types, 4);
    if (idx < 0) {
        ir_rte *r = xlate_alloc(x, sizeof *r);
        ir_from *f = xlate_alloc(x, sizeof *f);
        ir_from **grown = xlate_alloc(x, sizeof *grown * (size_t)(q->nfrom + 1));
        r->colnames = xlate_alloc(x, sizeof *r->colnames * 4);
        r->coltypes = xlate_alloc(x, sizeof *r->coltypes * 4);
        r->coltypmods = xlate_alloc(x, sizeof *r->coltypmods * 4);
        if (!r || !f || !grown || !r->colnames || !r->coltypes || !r->coltypmods)
            return NULL;
        r->kind = IR_RTE_FUNCTION;
        r->alias = name;
        r->function = call;
        r->lateral = true;
        r->from_target_list = true;
        r->ncols = n;
        for (int i = 0; i < n; i++) {
            r->colnames[i] = names[i];
            r->coltypes[i] = types[i];
            r->coltypmods[i] = -1;
        }
        idx = ir_add_rte(x, q, r);
        if (idx < 0)
            return NULL;
        if (q->nfrom)
            memcpy(grown, q->from, sizeof *grown * (size_t)q->nfrom);
        f->rte = idx;
        grown[q->nfrom++] = f;
        q->from = grown;
        if (lead >= 0 && !lockstep(x, q, lead, idx, call->location)) {
            if (!pg_error_is_set(x->err))
                xlate_error(x, call->location, "XX000", "internal error: set-returning calls in lock-step");
            return NULL;
        }
    }
    ir_expr *cols[4];
    for (int i = 0; i < n; i++) {
        cols[i] = ir_new(x, IRE_COLUMN, types[i], call->location);
        if (!cols[i])
            return NULL;
        cols[i]->u.column.rte = idx;
        cols[i]->u.column.column = i;
    }
    if (n == 1)
        return cols[0];
    ir_expr *row = ir_new(x, IRE_ROW, PG_OID_RECORD, call->location);
    ir_expr **args = alloc_args(x, n);
    const char **fields = xlate_alloc(x, sizeof *fields * (size_t)n);
    if (!row || !args || !fields)
        return NULL;
    for (int i = 0; i < n; i++) {
        args[i] = cols[i];
        fields[i] = names[i];
    }
    row->u.list.args = args;
    row->u.list.nargs = n;
    row->u.list.names = fields;
    return row;
}

/* Functions whose parameters have names and defaults applications rely on (PostgreSQL's
 * pg_proc.proargnames / proargdefaults): named notation is mapped to positions and omitted
 * trailing parameters take their defaults. */
typedef struct named_params {
    const char *function;
    int n;
    const char *names[7];
    int64_t defaults[7];
} named_params;

static const named_params named_functions[] = {
    {"make_interval", 7, {"years", "months", "weeks", "days", "hours", "mins", "secs"}, {0, 0, 0, 0, 0, 0, 0}},
};

static bool apply_parameter_defaults(sql_xlate *x, FuncCall *fc, const char *name, ir_expr ***args_io, int *nargs_io,
                                     const char **arg_names)
{
    int nargs = *nargs_io;
    bool any_named = false;
    for (int i = 0; i < nargs && i < 64; i++)
        any_named |= arg_names[i] != NULL;
    const named_params *np = NULL;
    for (size_t k = 0; k < ARRAY_LEN(named_functions); k++)
        if (strcmp(named_functions[k].function, name) == 0)
            np = &named_functions[k];
    if (!np) {
        if (any_named) {
            xlate_error(x, fc->location, "42883", "function %s with named arguments does not exist", name);
            pg_error_hint(x->err, "No function matches the given name and argument types. You might need to add explicit type casts.");
            return false;
        }
        return true;
    }
    if (nargs > np->n)
        return true;   /* resolution reports it */
    ir_expr **full = xlate_alloc(x, sizeof *full * (size_t)np->n);
    if (!full)
        return false;
    for (int i = 0; i < nargs; i++) {
        int pos = i;
        if (arg_names[i]) {
            pos = -1;
            for (int k = 0; k < np->n; k++)
                if (strcmp(np->names[k], arg_names[i]) == 0)
                    pos = k;
            if (pos < 0) {
                xlate_error(x, fc->location, "42883", "function %s(%s => ...) does not exist", name, arg_names[i]);
                pg_error_hint(x->err, "No function matches the given name and argument types. You might need to add explicit type casts.");
                return false;
            }
        }
        if (full[pos]) {
            xlate_error(x, fc->location, "42601", "argument name \"%s\" used more than once", np->names[pos]);
            return false;
        }
        full[pos] = (*args_io)[i];
    }
    for (int k = 0; k < np->n; k++)
        if (!full[k] && !(full[k] = ir_const_int(x, PG_OID_INT4, np->defaults[k], -1)))
            return false;
    *args_io = full;
    *nargs_io = np->n;
    return true;
}


/* Ordered-set aggregates: percentile_cont(f), percentile_disc(f), mode() WITHIN GROUP
 * (ORDER BY x).  The engine sorts the WITHIN GROUP key in the finalizer (sqlite_fn_agg.c):
 * the call is an aggregate whose ORDER BY is that key. */
static const sql_function fn_percentile_cont = {"percentile_cont", 1, {PG_OID_FLOAT8}, PG_OID_FLOAT8, FN_AGGREGATE, 0,
                                                {"pgw_percentile_cont(%1%O)", NULL}, 0};
static const sql_function fn_percentile_disc = {"percentile_disc", 1, {PG_OID_FLOAT8}, PG_OID_ANYELEMENT, FN_AGGREGATE, 0,
                                                {"pgw_percentile_disc(%1%O)", NULL}, 0};
static const sql_function fn_mode = {"mode", 0, {0}, PG_OID_ANYELEMENT, FN_AGGREGATE, 0, {"pgw_mode(NULL%O)", NULL}, 0};

static ir_expr *ordered_set_aggregate(sql_xlate *x, ir_query *q, FuncCall *fc, const char *name)
{
    const sql_function *fn = strcmp(name, "percentile_cont") == 0   ? &fn_percentile_cont
                             : strcmp(name, "percentile_disc") == 0 ? &fn_percentile_disc
                             : strcmp(name, "mode") == 0            ? &fn_mode
                                                                    : NULL;
    int nargs = list_length(fc->args), nkeys = list_length(fc->agg_order);
    if (!fn || nargs != fn->nargs || nkeys != 1) {
        xlate_error(x, fc->location, "42883", "function %s(%s) does not exist", name, nargs ? "..." : "");
        pg_error_hint(x->err, "No function matches the given name and argument types. You might need to add explicit type casts.");
        return NULL;
    }
    if (x->dialect != DIALECT_SQLITE) {
        xlate_error(x, fc->location, "0A000", "function %s is not supported by this engine", name);
        return NULL;
    }
    if (q->in_aggregate) {
        xlate_error(x, fc->location, "42803", "aggregate function calls cannot be nested");
        return NULL;
    }
    if (fc->over) {
        xlate_error(x, fc->location, "0A000", "OVER is not supported for ordered-set aggregate %s", name);
        return NULL;
    }
    q->in_aggregate = true;
    ir_expr **args = alloc_args(x, 1);
    ir_expr *fraction = nargs ? expr(x, q, linitial(fc->args)) : NULL;
    SortBy *sb = linitial_node(SortBy, fc->agg_order);
    ir_expr *key = args ? expr(x, q, sb->node) : NULL;
    q->in_aggregate = false;
    if (!args || (nargs && !fraction) || !key)
        return NULL;
    if (fraction) {
        if (types_is_array(types_by_oid(fraction->type))) {
            xlate_error(x, fc->location, "0A000", "%s with an array of fractions is not supported", name);
            return NULL;
        }
        if (!(fraction = ir_coerce(x, fraction, PG_OID_FLOAT8, -1, COERCE_IMPLICIT, "percentile fraction")))
            return NULL;
        args[0] = fraction;
    }
    if (key->type == PG_OID_UNKNOWN && !(key = ir_coerce(x, key, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL)))
        return NULL;
    if (fn == &fn_percentile_cont) {
        if (key->type == PG_OID_INTERVAL) {
            xlate_error(x, fc->location, "0A000", "percentile_cont over interval is not supported");
            return NULL;
        }
        key = ir_coerce(x, key, PG_OID_FLOAT8, -1, COERCE_IMPLICIT, NULL);
        if (!key) {
            pg_error_clear(x->err);
            xlate_error(x, fc->location, "42883", "function percentile_cont(double precision) does not exist");
            return NULL;
        }
    } else if (!analyze_check_ordering(x, key, exprLocation(sb->node)))
        return NULL;
    ir_expr *e = ir_new(x, IRE_AGG, fn == &fn_percentile_cont ? PG_OID_FLOAT8 : key->type, fc->location);
    ir_sort *order = xlate_alloc(x, sizeof *order);
    if (!e || !order)
        return NULL;
    e->typmod = -1;   /* an aggregate's result has no typmod (PostgreSQL's exprTypmod of an Aggref) */
    e->u.call.fn = fn;
    e->u.call.args = args;
    e->u.call.nargs = nargs;
    order->expr = key;
    order->descending = sb->sortby_dir == SORTBY_DESC;
    order->nulls = sb->sortby_nulls == SORTBY_NULLS_FIRST ? 1 : sb->sortby_nulls == SORTBY_NULLS_LAST ? 2 : 0;
    e->u.call.order = order;
    e->u.call.norder = 1;
    if (fc->agg_filter) {
        q->in_aggregate = true;
        e->u.call.filter = analyze_condition(x, q, fc->agg_filter, "FILTER");
        q->in_aggregate = false;
        if (!e->u.call.filter)
            return NULL;
    }
    return e;
}

static ir_expr *func_call(sql_xlate *x, ir_query *q, FuncCall *fc)
{
    const char *name = name_list_last(fc->funcname);
    const char *schema = name_list_schema(fc->funcname);
    /* information_schema's helper functions (_pg_expandarray ...) live there in PostgreSQL. */
    bool info_helper = schema && strcmp(schema, "information_schema") == 0 && strncmp(name, "_pg_", 4) == 0;
    if (schema && strcmp(schema, "pg_catalog") != 0 && strcmp(schema, "public") != 0 && !info_helper) {
        xlate_error(x, fc->location, "42883", "function %s.%s does not exist", schema, name);
        return NULL;
    }
    if (fc->agg_within_group)
        return ordered_set_aggregate(x, q, fc, name);
    bool in_from = q->clause && strcmp(q->clause, "FROM") == 0;
    int nargs = list_length(fc->args);
    ir_expr **args = alloc_args(x, nargs);
    if (!args)
        return NULL;
    bool saved_in_agg = q->in_aggregate;
    bool is_agg_syntax = fc->agg_star || fc->agg_distinct || fc->agg_filter || fc->agg_order;
    int i = 0;
    ListCell *lc;
    /* Arguments of an aggregate may not contain aggregates (of this level). */
    const char *saved_clause = q->clause;
    if (in_from)
        q->clause = "FROM function";
    const char *arg_names[64] = {0};
    foreach (lc, fc->args) {
        Node *a = lfirst(lc);
        if (IsA(a, NamedArgExpr)) {
            if (i >= 64)
                break;
            arg_names[i] = ((NamedArgExpr *)a)->name;
            a = (Node *)((NamedArgExpr *)a)->arg;
        } else if (i > 0 && arg_names[i - 1]) {
            xlate_error(x, exprLocation(a), "42601", "positional argument cannot follow named argument");
            return NULL;
        }
        args[i] = expr(x, q, a);
        if (!args[i])
            return NULL;
        i++;
    }
    q->clause = saved_clause;
    if (!apply_parameter_defaults(x, fc, name, &args, &nargs, arg_names))
        return NULL;
    bool handled;
    ir_expr *special = special_function(x, q, fc, name, args, nargs, &handled);
    if (handled)
        return special;
    pg_oid types[64];
    if (nargs > 64) {
        xlate_error(x, fc->location, "54023", "cannot pass more than 100 arguments to a function");
        return NULL;
    }
    for (i = 0; i < nargs; i++)
        types[i] = args[i]->type;
    sql_fn_kind kind = fc->over ? FN_WINDOW : in_from ? FN_SET_RETURNING : FN_PLAIN;
    const sql_function *fn;
    pg_oid coerce_to[64];
    fn_lookup_result res;
    if (fc->agg_star) {
        if (strcmp(name, "count") != 0) {
            xlate_error(x, fc->location, "42809", "%s(*) specified, but %s is not an aggregate function", name, name);
            return NULL;
        }
        res = sql_function_lookup("count", 0, types, FN_AGGREGATE, &fn, coerce_to);
    } else {
        res = sql_function_lookup(name, nargs, types, kind, &fn, coerce_to);
    }
    if (res != FN_FOUND) {
        strbuf b;
        strbuf_init(&b);
        describe_args(&b, args, nargs);
        if (res == FN_AMBIGUOUS) {
            xlate_error(x, fc->location, "42725", "function %s(%s) is not unique", name, b.data ? b.data : "");
            pg_error_hint(x->err, "Could not choose a best candidate function. You might need to add explicit type casts.");
        } else {
            xlate_error(x, fc->location, "42883", "function %s(%s) does not exist", name, b.data ? b.data : "");
            pg_error_hint(x->err, "No function matches the given name and argument types. You might need to add explicit type casts.");
        }
        strbuf_free(&b);
        return NULL;
    }
    if (is_agg_syntax && fn->kind != FN_AGGREGATE && !fc->over) {
        xlate_error(x, fc->location, "42809", "%s specified, but %s is not an aggregate function",
                    fc->agg_distinct ? "DISTINCT" : fc->agg_filter ? "FILTER" : "ORDER BY", name);
        return NULL;
    }
    if (fn->kind == FN_WINDOW && !fc->over) {
        xlate_error(x, fc->location, "42809", "window function %s requires an OVER clause", name);
        return NULL;
    }
    if (fn->kind == FN_AGGREGATE && !fc->over) {
        if (saved_in_agg) {
            xlate_error(x, fc->location, "42803", "aggregate function calls cannot be nested");
            return NULL;
        }
        if (q->clause && (strcmp(q->clause, "WHERE") == 0 || strcmp(q->clause, "JOIN/ON") == 0 ||
                          strcmp(q->clause, "GROUP BY") == 0)) {
            xlate_error(x, fc->location, "42803", "aggregate functions are not allowed in %s", q->clause);
            return NULL;
        }
        if (q->clause && strcmp(q->clause, "VALUES") == 0 && !q->nfrom) {
            xlate_error(x, fc->location, "42803", "aggregate functions are not allowed in VALUES");
            return NULL;
        }
        /* Re-check arguments for nested aggregates now that we know this is one. */
        for (i = 0; i < nargs; i++)
            if (ir_contains_aggregate(args[i])) {
                xlate_error(x, args[i]->location, "42803", "aggregate function calls cannot be nested");
                return NULL;
            }
    }
    if (fc->over && q->clause && (strcmp(q->clause, "WHERE") == 0 || strcmp(q->clause, "JOIN/ON") == 0 ||
                                  strcmp(q->clause, "GROUP BY") == 0 || strcmp(q->clause, "HAVING") == 0)) {
        xlate_error(x, fc->location, "42P20", "window functions are not allowed in %s", q->clause);
        return NULL;
    }
    bool select_list_srf = fn->kind == FN_SET_RETURNING && !in_from;
    if (select_list_srf) {
        /* In the select list they become lateral function scans (lateral_srf below);
         * elsewhere PostgreSQL refuses them. */
        bool in_select_list = q->kind == QUERY_SELECT && q->clause && strcmp(q->clause, "SELECT") == 0;
        if (saved_in_agg) {
            xlate_error(x, fc->location, "0A000", "aggregate function calls cannot contain set-returning function calls");
            pg_error_hint(x->err, "You might be able to move the set-returning function into a LATERAL FROM item.");
            return NULL;
        }
        if (!in_select_list) {
            xlate_error(x, fc->location, "0A000", "set-returning functions are not allowed in %s",
                        q->clause ? q->clause : "this context");
            return NULL;
        }
    }
    const sql_fn_emit *emit = &fn->emit;
    const char *tmpl = x->dialect == DIALECT_IRIS ? emit->iris : emit->sqlite;
    /* PostgreSQL behind psqlODBC gets every function by its own name (emit_postgres.c). */
    if (!tmpl && x->dialect != DIALECT_POSTGRES) {
        xlate_error(x, fc->location, "0A000", "function %s is not supported by this engine", name);
        return NULL;
    }
    ir_expr *e = make_call(x, fn, args, nargs, coerce_to, fc->location);
    if (!e)
        return NULL;
    e->u.call.star = fc->agg_star;
    e->u.call.distinct = fc->agg_distinct;
    if (fc->agg_filter) {
        q->in_aggregate = true;
        e->u.call.filter = analyze_condition(x, q, fc->agg_filter, "FILTER");
        q->in_aggregate = saved_in_agg;
        if (!e->u.call.filter)
            return NULL;
    }
    if (fc->agg_order) {
        int n = list_length(fc->agg_order);
        e->u.call.order = xlate_alloc(x, sizeof *e->u.call.order * (size_t)n);
        if (!e->u.call.order)
            return NULL;
        foreach (lc, fc->agg_order) {
            SortBy *sb = lfirst_node(SortBy, lc);
            ir_expr *k = expr(x, q, sb->node);
            if (!k)
                return NULL;
            ir_sort *s = &e->u.call.order[e->u.call.norder++];
            s->expr = k;
            s->descending = sb->sortby_dir == SORTBY_DESC;
            s->nulls = sb->sortby_nulls == SORTBY_NULLS_FIRST ? 1 : sb->sortby_nulls == SORTBY_NULLS_LAST ? 2 : 0;
        }
    }
    if (fc->over) {
        e->kind = IRE_WINDOW;
        e->u.call.window = xlate_alloc(x, sizeof *e->u.call.window);
        if (!e->u.call.window || !window_spec(x, q, fc->over, e->u.call.window, 0))
            return NULL;
        q->has_windows = true;
    }
    if (select_list_srf)
        return lateral_srf(x, q, e, name);
    return e;
}

/* ---------------------------------------------------------------- SQL value functions */

static ir_expr *call_named(sql_xlate *x, const char *name, int location)
{
    const sql_function *fn;
    pg_oid coerce[1];
    if (sql_function_lookup(name, 0, NULL, FN_PLAIN, &fn, coerce) != FN_FOUND) {
        xlate_error(x, location, "42883", "function %s() does not exist", name);
        return NULL;
    }
    return make_call(x, fn, NULL, 0, coerce, location);
}

static ir_expr *raw0(sql_xlate *x, const char *sql, pg_oid type, int location)
{
    ir_expr *e = ir_new(x, IRE_RAW, type, location);
    if (e)
        e->u.raw.sql = sql;
    return e;
}

static ir_expr *sql_value_function(sql_xlate *x, SQLValueFunction *f)
{
    ir_expr *e = NULL;
    switch (f->op) {
    case SVFOP_CURRENT_DATE:
        return raw0(x, "pgw_current_date()", PG_OID_DATE, f->location);
    case SVFOP_CURRENT_TIME:
    case SVFOP_CURRENT_TIME_N:
        e = raw0(x, "pgw_current_time()", PG_OID_TIMETZ, f->location);
        break;
    case SVFOP_CURRENT_TIMESTAMP:
    case SVFOP_CURRENT_TIMESTAMP_N:
        e = call_named(x, "now", f->location);
        break;
    case SVFOP_LOCALTIME:
    case SVFOP_LOCALTIME_N:
        e = raw0(x, "pgw_localtime()", PG_OID_TIME, f->location);
        break;
    case SVFOP_LOCALTIMESTAMP:
    case SVFOP_LOCALTIMESTAMP_N:
        e = raw0(x, "pgw_localtimestamp()", PG_OID_TIMESTAMP, f->location);
        break;
    case SVFOP_CURRENT_ROLE:
    case SVFOP_CURRENT_USER:
    case SVFOP_USER:
    case SVFOP_SESSION_USER:
        e = ir_new(x, IRE_SETTING, PG_OID_NAME, f->location);
        if (e)
            e->u.setting.name = f->op == SVFOP_SESSION_USER ? "session_user" : f->op == SVFOP_CURRENT_ROLE ? "current_role"
                                : f->op == SVFOP_USER ? "current_user" : "current_user";
        return e;
    case SVFOP_CURRENT_CATALOG:
        e = call_named(x, "current_database", f->location);
        if (e)
            e->u.call.fn = e->u.call.fn;
        return e;
    case SVFOP_CURRENT_SCHEMA:
        return call_named(x, "current_schema", f->location);
    }
    if (e && f->typmod >= 0 && f->typmod < 6) {
        ir_expr *r = ir_new(x, IRE_RAW, e->type, f->location);
        ir_expr **a = alloc_args(x, 2);
        if (!r || !a)
            return NULL;
        a[0] = e;
        a[1] = ir_const_int(x, PG_OID_INT4, f->typmod, -1);
        r->u.raw.sql = "pgw_round_time(%1, %2)";
        r->u.raw.args = a;
        r->u.raw.nargs = 2;
        r->typmod = f->typmod;
        return r;
    }
    return e;
}

/* ---------------------------------------------------------------- casts */

static ir_expr *type_cast(sql_xlate *x, ir_query *q, TypeCast *tc)
{
    pg_oid oid;
    int32_t typmod;
    if (!analyze_type_name(x, (Node *)tc->typeName, &oid, &typmod))
        return NULL;
    /* 'name'::regclass and friends look the object up now, as PostgreSQL's input function
     * does (analyze_names.c). */
    if ((oid == PG_OID_REGCLASS || oid == PG_OID_REGTYPE || oid == PG_OID_REGNAMESPACE || oid == PG_OID_REGPROC ||
         oid == PG_OID_REGPROCEDURE || oid == PG_OID_REGROLE) &&
        IsA(tc->arg, A_Const) && IsA(&((A_Const *)tc->arg)->val, String))
        return analyze_reg_literal(x, strVal(&((A_Const *)tc->arg)->val), oid, ((A_Const *)tc->arg)->location);
    if (IsA(tc->arg, A_ArrayExpr) && list_length(((A_ArrayExpr *)tc->arg)->elements) == 0) {
        /* ARRAY[]::int[]: the cast gives the empty array its type */
        if (!types_is_array(types_by_oid(oid))) {
            xlate_error(x, tc->location, "42846", "cannot cast type %s[] to %s", "unknown", tname(oid));
            return NULL;
        }
        return ir_new(x, IRE_ARRAY, oid, tc->location);
    }
    ir_expr *arg = expr(x, q, tc->arg);
    if (!arg)
        return NULL;
    return ir_coerce(x, arg, oid, typmod, COERCE_EXPLICIT, NULL);
}

/* ---------------------------------------------------------------- dispatch */

static ir_expr *column_ref(sql_xlate *x, ir_query *q, ColumnRef *cr)
{
    int n = list_length(cr->fields);
    const char *names[4];
    if (n > 4) {
        xlate_error(x, cr->location, "42601", "improper qualified name (too many dotted names)");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        Node *f = list_nth(cr->fields, i);
        if (IsA(f, A_Star) && i == n - 1 && (n == 2 || n == 3)) {
            /* t.* inside an expression is the whole row of t, as t alone (to_jsonb(t.*),
             * count(t.*)); the select list expands it before this */
            return analyze_whole_row_ref(x, q, n == 3 ? names[0] : NULL, names[n - 2], cr->location);
        }
        if (IsA(f, A_Star)) {
            xlate_error(x, cr->location, "42601", "row expansion via \"*\" is not supported here");
            return NULL;
        }
        names[i] = strVal(f);
    }
    if (n == 4) {
        /* database.schema.table.column: the database must be ours. */
        if (strcmp(names[0], x->session->database) != 0) {
            xlate_error(x, cr->location, "0A000", "cross-database references are not implemented: %s.%s.%s.%s",
                        names[0], names[1], names[2], names[3]);
            return NULL;
        }
        return analyze_column_ref(x, q, names + 1, 3, cr->location);
    }
    return analyze_column_ref(x, q, names, n, cr->location);
}

static ir_expr *param_ref(sql_xlate *x, ParamRef *p)
{
    if (!xlate_param(x, p->number, PG_OID_INVALID, p->location))
        return NULL;
    pg_oid t = xlate_param_type(x, p->number);
    ir_expr *e = ir_new(x, IRE_PARAM, t == PG_OID_INVALID ? PG_OID_UNKNOWN : t, p->location);
    if (e)
        e->u.param.number = p->number;
    return e;
}

/* (composite).field: a field of a ROW we built (a set-returning call's record), directly or
 * through a column of a subquery that returns one; the subquery then gets a hidden output
 * column for that field, which the outer query reads. */
static ir_expr *select_field(sql_xlate *x, ir_query *q, ir_expr *base, const char *field, int location)
{
    if (base->kind == IRE_ROW && base->u.list.names) {
        for (int i = 0; i < base->u.list.nargs; i++)
            if (strcmp(base->u.list.names[i], field) == 0)
                return base->u.list.args[i];
        xlate_error(x, location, "42703", "column \"%s\" not found in data type record", field);
        return NULL;
    }
    if (base->kind == IRE_COLUMN) {
        ir_rte *r = ir_rte_at(q, base->u.column.levels_up, base->u.column.rte);
        ir_query *sub = r && r->kind == IR_RTE_SUBQUERY ? r->subquery : NULL;
        ir_target *t = NULL;
        for (int i = 0, visible = 0; sub && i < sub->ntargets; i++) {
            if (sub->targets[i].junk)
                continue;
            if (visible++ == base->u.column.column)
                t = &sub->targets[i];
        }
        if (t && t->expr->kind == IRE_ROW && t->expr->u.list.names) {
            ir_expr *value = select_field(x, sub, t->expr, field, location);
            if (!value)
                return NULL;
            int n = r->ncols;
            ir_target *targets = xlate_alloc(x, sizeof *targets * (size_t)(sub->ntargets + 1));
            const char **names = xlate_alloc(x, sizeof *names * (size_t)(n + 2));
            pg_oid *types = xlate_alloc(x, sizeof *types * (size_t)(n + 2));
            int32_t *typmods = xlate_alloc(x, sizeof *typmods * (size_t)(n + 2));
            bool *dropped = xlate_alloc(x, sizeof *dropped * (size_t)(n + 2));
            if (!targets || !names || !types || !typmods || !dropped)
                return NULL;
            memcpy(targets, sub->targets, sizeof *targets * (size_t)sub->ntargets);
            memcpy(names, r->colnames, sizeof *names * (size_t)n);
            memcpy(types, r->coltypes, sizeof *types * (size_t)n);
            if (r->coltypmods)
                memcpy(typmods, r->coltypmods, sizeof *typmods * (size_t)n);
            if (r->coldropped)
                memcpy(dropped, r->coldropped, sizeof *dropped * (size_t)n);
            const char *hidden = arena_printf(x->mem, "%s.%s", t->name ? t->name : "row", field);
            targets[sub->ntargets] = (ir_target){.expr = value, .name = hidden};
            sub->targets = targets;
            sub->ntargets++;
            names[n] = hidden;
            types[n] = value->type;
            typmods[n] = value->typmod;
            dropped[n] = true;   /* not visible to names or "*" */
            r->colnames = names;
            r->coltypes = types;
            r->coltypmods = typmods;
            r->coldropped = dropped;
            r->ncols = n + 1;
            ir_expr *col = ir_new(x, IRE_COLUMN, value->type, location);
            if (col) {
                col->typmod = value->typmod;
                col->u.column = base->u.column;
                col->u.column.column = n;
            }
            return col;
        }
    }
    xlate_error(x, location, "42809", "column notation .%s applied to type %s, which is not a composite type", field,
                tname(base->type));
    return NULL;
}

static ir_expr *indirection(sql_xlate *x, ir_query *q, A_Indirection *ind)
{
    ir_expr *base = expr(x, q, ind->arg);
    if (!base)
        return NULL;
    ListCell *lc;
    foreach (lc, ind->indirection) {
        Node *n = lfirst(lc);
        if (IsA(n, String)) {
            base = select_field(x, q, base, strVal(n), exprLocation(ind->arg));
            if (!base)
                return NULL;
            continue;
        }
        if (!IsA(n, A_Indices)) {
            xlate_error(x, -1, "0A000", "this indirection is not supported");
            return NULL;
        }
        A_Indices *ai = (A_Indices *)n;
        if (ir_vector_array_type(base->type) && !ai->is_slice) {
            /* int2vector / oidvector subscripts count from 0. */
            ir_expr *e = ir_new(x, IRE_RAW, base->type == PG_OID_INT2VECTOR ? PG_OID_INT2 : PG_OID_OID, base->location);
            ir_expr **a = alloc_args(x, 2);
            if (!e || !a)
                return NULL;
            a[0] = base;
            a[1] = ai->uidx ? expr(x, q, ai->uidx) : NULL;
            if (!a[1] || !(a[1] = ir_coerce(x, a[1], PG_OID_INT4, -1, COERCE_IMPLICIT, NULL)))
                return NULL;
            e->u.raw.sql = "pgw_intvector_get(%1, %2)";
            e->u.raw.args = a;
            e->u.raw.nargs = 2;
            base = e;
            continue;
        }
        if (base->type == PG_OID_NAME && !ai->is_slice) {
            /* name is a fixed array of 64 "char"s counted from 0 (pg_dump: typname[0] = '_');
             * past the name's end the bytes are NUL, "char" ''. */
            ir_expr *e = ir_new(x, IRE_RAW, PG_OID_CHAR, base->location);
            ir_expr **a = alloc_args(x, 2);
            if (!e || !a)
                return NULL;
            a[0] = base;
            a[1] = ai->uidx ? expr(x, q, ai->uidx) : NULL;
            if (!a[1] || !(a[1] = ir_coerce(x, a[1], PG_OID_INT4, -1, COERCE_IMPLICIT, NULL)))
                return NULL;
            e->u.raw.sql = "CASE WHEN %2 BETWEEN 0 AND 63 THEN substr(%1, %2 + 1, 1) END";
            e->u.raw.args = a;
            e->u.raw.nargs = 2;
            base = e;
            continue;
        }
        const pg_type_info *t = types_by_oid(base->type);
        if (!t || !types_is_array(t)) {
            xlate_error(x, base->location, "42804", "cannot subscript type %s because it does not support subscripting",
                        tname(base->type));
            return NULL;
        }
        ir_expr *e = ir_new(x, IRE_RAW, ai->is_slice ? base->type : t->typelem, base->location);
        ir_expr **a = alloc_args(x, 3);
        if (!e || !a)
            return NULL;
        a[0] = base;
        a[1] = ai->uidx ? expr(x, q, ai->uidx) : ir_const_null(x, PG_OID_INT4, -1);
        if (!a[1] || !(a[1] = ir_coerce(x, a[1], PG_OID_INT4, -1, COERCE_IMPLICIT, NULL)))
            return NULL;
        if (ai->is_slice) {
            a[2] = a[1];
            a[1] = ai->lidx ? expr(x, q, ai->lidx) : ir_const_null(x, PG_OID_INT4, -1);
            if (!a[1] || !(a[1] = ir_coerce(x, a[1], PG_OID_INT4, -1, COERCE_IMPLICIT, NULL)))
                return NULL;
            e->u.raw.sql = "pgw_array_slice(%1, %2, %3)";
            e->u.raw.nargs = 3;
        } else {
            e->u.raw.sql = "pgw_array_get(%1, %2, %T1)";
            e->u.raw.nargs = 2;
        }
        e->u.raw.args = a;
        base = e;
    }
    return base;
}

static ir_expr *expr_node(sql_xlate *x, ir_query *q, Node *n);

/* Recursion is bounded here rather than by PostgreSQL's check_stack_depth(), which would
 * longjmp out of code that is not PostgreSQL's. */
static ir_expr *expr(sql_xlate *x, ir_query *q, Node *n)
{
    if (!n) {
        xlate_error(x, -1, "XX000", "missing expression");
        return NULL;
    }
    if (++x->depth > 2000) {
        x->depth--;
        xlate_error(x, exprLocation(n), "54001", "stack depth limit exceeded");
        pg_error_hint(x->err, "The expression is nested too deeply.");
        return NULL;
    }
    ir_expr *e = expr_node(x, q, n);
    x->depth--;
    return e;
}

static ir_expr *expr_node(sql_xlate *x, ir_query *q, Node *n)
{
    switch (nodeTag(n)) {
    case T_A_Const:
        return constant(x, (A_Const *)n);
    case T_ColumnRef:
        return column_ref(x, q, (ColumnRef *)n);
    case T_ParamRef:
        return param_ref(x, (ParamRef *)n);
    case T_TypeCast:
        return type_cast(x, q, (TypeCast *)n);
    case T_A_Expr:
        return a_expr(x, q, (A_Expr *)n);
    case T_BoolExpr: {
        BoolExpr *b = (BoolExpr *)n;
        int nargs = list_length(b->args);
        ir_expr **args = alloc_args(x, nargs);
        if (!args)
            return NULL;
        const char *what = b->boolop == AND_EXPR ? "AND" : b->boolop == OR_EXPR ? "OR" : "NOT";
        int i = 0;
        ListCell *lc;
        foreach (lc, b->args) {
            args[i] = ir_to_condition(x, expr(x, q, lfirst(lc)), what);
            if (!args[i])
                return NULL;
            i++;
        }
        ir_expr *e = ir_new(x, b->boolop == AND_EXPR ? IRE_AND : b->boolop == OR_EXPR ? IRE_OR : IRE_NOT,
                            PG_OID_BOOL, b->location);
        if (e) {
            e->u.list.args = args;
            e->u.list.nargs = nargs;
        }
        return e;
    }
    case T_NullTest: {
        NullTest *t = (NullTest *)n;
        ir_expr *arg = expr(x, q, (Node *)t->arg);
        if (!arg)
            return NULL;
        if (arg->type == PG_OID_UNKNOWN && !(arg = ir_coerce(x, arg, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL)))
            return NULL;
        if (arg->kind == IRE_ROW && arg->type == PG_OID_RECORD && arg->u.list.nargs == 0)
            return ir_const_int(x, PG_OID_BOOL, 1, t->location);   /* no field: all (none) are NULL and not NULL */
        if (arg->kind == IRE_ROW && arg->type == PG_OID_RECORD && arg->u.list.nargs > 0) {
            /* A row IS NULL when every field is, IS NOT NULL when none is (so a row can be
             * neither): one test per field, joined by AND. */
            ir_expr *acc = NULL;
            for (int i = 0; i < arg->u.list.nargs; i++) {
                ir_expr *f = ir_new(x, IRE_NULLTEST, PG_OID_BOOL, t->location);
                ir_expr **fa = alloc_args(x, 1);
                if (!f || !fa)
                    return NULL;
                fa[0] = arg->u.list.args[i];
                f->u.list.args = fa;
                f->u.list.nargs = 1;
                f->u.list.negated = t->nulltesttype == IS_NOT_NULL;
                acc = acc ? bool_node(x, IRE_AND, acc, f, t->location) : f;
                if (!acc)
                    return NULL;
            }
            return acc;
        }
        ir_expr *e = ir_new(x, IRE_NULLTEST, PG_OID_BOOL, t->location);
        ir_expr **args = alloc_args(x, 1);
        if (!e || !args)
            return NULL;
        args[0] = arg;
        e->u.list.args = args;
        e->u.list.nargs = 1;
        e->u.list.negated = t->nulltesttype == IS_NOT_NULL;
        return e;
    }
    case T_BooleanTest: {
        BooleanTest *t = (BooleanTest *)n;
        ir_expr *arg = ir_to_condition(x, expr(x, q, (Node *)t->arg), "IS TRUE");
        if (!arg)
            return NULL;
        ir_expr *e = ir_new(x, IRE_BOOLTEST, PG_OID_BOOL, t->location);
        if (!e)
            return NULL;
        e->u.booltest.arg = arg;
        static const ir_booltest map[] = {BOOLTEST_TRUE, BOOLTEST_NOT_TRUE, BOOLTEST_FALSE,
                                          BOOLTEST_NOT_FALSE, BOOLTEST_UNKNOWN, BOOLTEST_NOT_UNKNOWN};
        e->u.booltest.test = map[t->booltesttype];
        return e;
    }
    case T_CaseExpr:
        return case_expr(x, q, (CaseExpr *)n);
    case T_CoalesceExpr:
        return list_expr(x, q, IRE_COALESCE, ((CoalesceExpr *)n)->args, "COALESCE", ((CoalesceExpr *)n)->location);
    case T_MinMaxExpr: {
        MinMaxExpr *m = (MinMaxExpr *)n;
        return list_expr(x, q, m->op == IS_GREATEST ? IRE_GREATEST : IRE_LEAST, m->args,
                         m->op == IS_GREATEST ? "GREATEST" : "LEAST", m->location);
    }
    case T_FuncCall:
        return func_call(x, q, (FuncCall *)n);
    case T_SubLink:
        return sublink(x, q, (SubLink *)n);
    case T_A_ArrayExpr:
        return array_expr(x, q, (A_ArrayExpr *)n);
    case T_SQLValueFunction: {
        SQLValueFunction *f = (SQLValueFunction *)n;
        ir_expr *e = sql_value_function(x, f);
        static const char *const words[] = {
            [SVFOP_CURRENT_DATE] = "CURRENT_DATE", [SVFOP_CURRENT_TIME] = "CURRENT_TIME",
            [SVFOP_CURRENT_TIME_N] = "CURRENT_TIME", [SVFOP_CURRENT_TIMESTAMP] = "CURRENT_TIMESTAMP",
            [SVFOP_CURRENT_TIMESTAMP_N] = "CURRENT_TIMESTAMP", [SVFOP_LOCALTIME] = "LOCALTIME",
            [SVFOP_LOCALTIME_N] = "LOCALTIME", [SVFOP_LOCALTIMESTAMP] = "LOCALTIMESTAMP",
            [SVFOP_LOCALTIMESTAMP_N] = "LOCALTIMESTAMP", [SVFOP_CURRENT_ROLE] = "CURRENT_ROLE",
            [SVFOP_CURRENT_USER] = "CURRENT_USER", [SVFOP_USER] = "USER", [SVFOP_SESSION_USER] = "SESSION_USER",
            [SVFOP_CURRENT_CATALOG] = "CURRENT_CATALOG", [SVFOP_CURRENT_SCHEMA] = "CURRENT_SCHEMA",
        };
        if (e && (size_t)f->op < ARRAY_LEN(words) && words[f->op])
            e->display = f->typmod >= 0 ? arena_printf(x->mem, "%s(%d)", words[f->op], f->typmod) : words[f->op];
        return e;
    }
    case T_CollateClause: {
        CollateClause *c = (CollateClause *)n;
        /* Our engines compare text bytewise (PostgreSQL's "C" collation); other collation
         * names are accepted for catalog queries that spell "default" or "C". */
        return expr(x, q, c->arg);
    }
    case T_A_Indirection:
        return indirection(x, q, (A_Indirection *)n);
    case T_RowExpr: {
        RowExpr *r = (RowExpr *)n;
        ir_expr *e = ir_new(x, IRE_ROW, PG_OID_RECORD, r->location);
        int nargs = list_length(r->args);
        ir_expr **args = alloc_args(x, nargs);
        if (!e || !args)
            return NULL;
        int i = 0;
        ListCell *lc;
        foreach (lc, r->args) {
            Node *arg = lfirst(lc);
            if (IsA(arg, ColumnRef) && IsA(llast(((ColumnRef *)arg)->fields), A_Star)) {
                /* PostgreSQL expands ROW(t.*) into t's columns; not done here */
                xlate_error(x, ((ColumnRef *)arg)->location, "0A000", "ROW(t.*) is not supported");
                return NULL;
            }
            args[i] = expr(x, q, arg);
            if (!args[i])
                return NULL;
            i++;
        }
        e->u.list.args = args;
        e->u.list.nargs = nargs;
        return e;
    }
    case T_SetToDefault:
        xlate_error(x, ((SetToDefault *)n)->location, "42601", "DEFAULT is not allowed in this context");
        return NULL;
    case T_GroupingFunc: {
        /* GROUPING(a, b): which arguments the current grouping set leaves out, as bits; the
         * emitter writes the constant of each set (arguments are checked there, against the
         * query's GROUP BY). */
        GroupingFunc *g = (GroupingFunc *)n;
        int nargs = list_length(g->args);
        if (nargs > 31) {
            xlate_error(x, g->location, "54023", "GROUPING must have fewer than 32 arguments");
            return NULL;
        }
        ir_expr *e = ir_new(x, IRE_CALL, PG_OID_INT4, g->location);
        ir_expr **args = alloc_args(x, nargs);
        if (!e || !args)
            return NULL;
        int i = 0;
        ListCell *lc;
        foreach (lc, g->args)
            if (!(args[i++] = expr(x, q, lfirst(lc))))
                return NULL;
        e->u.call.fn = &ir_grouping_function;
        e->u.call.args = args;
        e->u.call.nargs = nargs;
        return e;
    }
    default:
        xlate_error(x, exprLocation(n), "0A000", "unsupported expression (node %d)", (int)nodeTag(n));
        return NULL;
    }
}

ir_expr *analyze_expr(sql_xlate *x, ir_query *q, Node *node)
{
    bool saved = q->in_aggregate;
    ir_expr *e = expr(x, q, node);
    q->in_aggregate = saved;
    return e;
}
