/*
 * analyze_from_function.c — functions in FROM as PostgreSQL's transformRangeFunction takes
 * them: a set-returning call (its result columns: the function's name, OUT parameters, or a
 * record's fields), WITH ORDINALITY, and ROWS FROM of several unnest calls (also written
 * unnest(a, b, ...)).  Called by analyze_select.c for each RangeFunction of a FROM clause.
 */
#include "sql/pg_nodes.h"

#include <string.h>

/* Set-returning functions whose result columns are OUT parameters (named, possibly
 * several) rather than one column named after the function. */
typedef struct srf_out_columns {
    const char *function;
    int n;
    const char *names[2];
    pg_oid types[2];
} srf_out_columns;

static const srf_out_columns srf_outs[] = {
    {"jsonb_array_elements", 1, {"value"}, {PG_OID_JSONB}},
    {"jsonb_array_elements_text", 1, {"value"}, {PG_OID_TEXT}},
    {"json_array_elements", 1, {"value"}, {PG_OID_JSON}},
    {"json_array_elements_text", 1, {"value"}, {PG_OID_TEXT}},
    {"jsonb_each", 2, {"key", "value"}, {PG_OID_TEXT, PG_OID_JSONB}},
    {"jsonb_each_text", 2, {"key", "value"}, {PG_OID_TEXT, PG_OID_TEXT}},
    {"json_each", 2, {"key", "value"}, {PG_OID_TEXT, PG_OID_JSON}},
    {"json_each_text", 2, {"key", "value"}, {PG_OID_TEXT, PG_OID_TEXT}},
    {"pg_options_to_table", 2, {"option_name", "option_value"}, {PG_OID_TEXT, PG_OID_TEXT}},
};

const char *analyze_srf_out_columns(const char *function, int *n, const char *const **names, const pg_oid **types)
{
    for (size_t i = 0; i < ARRAY_LEN(srf_outs); i++)
        if (strcmp(srf_outs[i].function, function) == 0) {
            *n = srf_outs[i].n;
            *names = srf_outs[i].names;
            *types = srf_outs[i].types;
            return srf_outs[i].function;
        }
    return NULL;
}

/*
 * ROWS FROM (unnest(a), unnest(b), …) and unnest(a, b, …) in FROM, which PostgreSQL expands
 * into the same thing (transformRangeFunction): the arrays side by side, as many rows as the
 * longest, the shorter ones padded with NULLs, one column per array named "unnest" (Django's
 * index query reads unnest(indkey, indoption) WITH ORDINALITY).  Only unnest is taken: the
 * engine walks up to ROWS_FROM_MAX arrays together (pgw_unnest_rows).
 */
#define ROWS_FROM_MAX 4

static bool is_unnest_call(Node *n)
{
    if (!n || !IsA(n, FuncCall))
        return false;
    FuncCall *fc = (FuncCall *)n;
    int parts = list_length(fc->funcname);
    if (parts > 2 || (parts == 2 && strcmp(strVal(linitial(fc->funcname)), "pg_catalog") != 0))
        return false;
    return strcmp(name_list_last(fc->funcname), "unnest") == 0 && !fc->agg_star && !fc->agg_distinct &&
           !fc->func_variadic && !fc->over && !fc->agg_order && !fc->agg_filter;
}

/* `fc` with its argument `arg` alone (the unnest of one array of a multi-argument call). */
static Node *unnest_of(sql_xlate *x, FuncCall *fc, Node *arg)
{
    FuncCall *one = xlate_alloc(x, sizeof *one);
    List *args = xlate_alloc(x, sizeof *args + sizeof(ListCell));
    if (!one || !args)
        return NULL;
    *one = *fc;
    args->type = T_List;
    args->length = 1;
    args->max_length = 1;
    args->elements = args->initial_elements;
    args->initial_elements[0].ptr_value = arg;
    one->args = args;
    return (Node *)one;
}

static int add_rows_from(sql_xlate *x, ir_query *q, RangeFunction *rf, Node **calls, int n)
{
    if (n > ROWS_FROM_MAX) {
        xlate_error(x, ((FuncCall *)calls[0])->location, "0A000", "ROWS FROM with more than %d arrays is not supported",
                    ROWS_FROM_MAX);
        return -1;
    }
    ir_expr *row = ir_new(x, IRE_ROW, PG_OID_RECORD, ((FuncCall *)calls[0])->location);
    ir_expr **fns = xlate_alloc(x, sizeof *fns * (size_t)n);
    const char **engine = xlate_alloc(x, sizeof *engine * (size_t)(n + 1));
    if (!row || !fns || !engine)
        return -1;
    const char *names[ROWS_FROM_MAX + 1];
    pg_oid types[ROWS_FROM_MAX + 1];
    static const char *const values[ROWS_FROM_MAX] = {"value0", "value1", "value2", "value3"};
    const char *saved = q->clause;
    q->clause = "FROM";
    for (int i = 0; i < n; i++) {
        fns[i] = analyze_expr(x, q, calls[i]);
        if (!fns[i])
            break;
        names[i] = "unnest";
        types[i] = fns[i]->type;
        engine[i] = values[i];
    }
    q->clause = saved;
    for (int i = 0; i < n; i++)
        if (!fns[i] || fns[i]->kind != IRE_CALL || fns[i]->u.call.fn->kind != FN_SET_RETURNING ||
            strcmp(fns[i]->u.call.fn->name, "unnest") != 0 || fns[i]->u.call.nargs != 1) {
            if (!pg_error_is_set(x->err))
                xlate_error(x, ((FuncCall *)calls[i])->location, "0A000", "only unnest() is supported in ROWS FROM");
            return -1;
        }
    row->u.list.args = fns;
    row->u.list.nargs = n;
    ir_rte *r = xlate_alloc(x, sizeof *r);
    if (!r)
        return -1;
    r->kind = IR_RTE_FUNCTION;
    r->alias = xlate_strdup(x, rf->alias ? rf->alias->aliasname : "unnest");
    r->function = row;
    r->rows_from = true;
    r->lateral = true;
    r->with_ordinality = rf->ordinality;
    int ncols = n;
    if (rf->ordinality) {
        names[ncols] = "ordinality";
        types[ncols] = PG_OID_INT8;
        engine[ncols++] = "ordinality";
    }
    r->engine_colnames = engine;
    if (!analyze_set_rte_columns(x, r, ncols, names, types, NULL, rf->alias, -1))
        return -1;
    return ir_add_rte(x, q, r);
}

int analyze_range_function(sql_xlate *x, ir_query *q, RangeFunction *rf)
{
    int nfuncs = list_length(rf->functions);
    Node *first = nfuncs > 0 ? linitial((List *)linitial(rf->functions)) : NULL;
    if (nfuncs > 1 || (!rf->is_rowsfrom && is_unnest_call(first) && list_length(((FuncCall *)first)->args) > 1)) {
        Node *calls[ROWS_FROM_MAX + 1];
        int n = 0;
        if (nfuncs > 1) {
            ListCell *lc;
            foreach (lc, rf->functions) {
                List *pair = lfirst(lc);
                if (!is_unnest_call(linitial(pair)) || lsecond(pair)) {
                    xlate_error(x, -1, "0A000",
                                "only unnest() is supported in ROWS FROM with several functions");
                    return -1;
                }
                if (n <= ROWS_FROM_MAX)
                    calls[n] = linitial(pair);
                n++;
            }
        } else {
            ListCell *lc;
            foreach (lc, ((FuncCall *)first)->args) {
                if (n <= ROWS_FROM_MAX && !(calls[n] = unnest_of(x, (FuncCall *)first, lfirst(lc))))
                    return -1;
                n++;
            }
        }
        return add_rows_from(x, q, rf, calls, n);
    }
    if (nfuncs != 1) {
        xlate_error(x, -1, "0A000", "ROWS FROM with several functions is not supported");
        return -1;
    }
    List *pair = linitial(rf->functions);
    Node *call = linitial(pair);
    if (lsecond(pair)) {
        xlate_error(x, -1, "0A000", "a column definition list for a function in FROM is not supported");
        return -1;
    }
    if (!IsA(call, FuncCall)) {
        xlate_error(x, -1, "0A000", "only function calls are supported in FROM");
        return -1;
    }
    FuncCall *fc = (FuncCall *)call;
    /* Set-returning calls in FROM: resolved among FN_SET_RETURNING functions by the
     * expression analyser (which knows it is in FROM through q->clause). */
    const char *saved = q->clause;
    q->clause = "FROM";
    ir_expr *fn = analyze_expr(x, q, call);
    q->clause = saved;
    if (!fn)
        return -1;
    const char *fname = name_list_last(fc->funcname);
    ir_rte *r = xlate_alloc(x, sizeof *r);
    if (!r)
        return -1;
    r->kind = IR_RTE_FUNCTION;
    r->alias = xlate_strdup(x, rf->alias ? rf->alias->aliasname : fname);
    r->function = fn;
    r->lateral = true;   /* functions in FROM may always refer to earlier items */
    r->with_ordinality = rf->ordinality;
    const char *names[4];
    pg_oid types[4];
    const char **engine = xlate_alloc(x, sizeof *engine * 4);
    if (!engine)
        return -1;
    int n = 0;
    int nout;
    const char *const *out_names;
    const pg_oid *out_types;
    const char *rec_names[2];
    pg_oid rec_types[2];
    if (srf_columns(x, fn, rec_names, rec_types, 2) == 2) {
        /* information_schema._pg_expandarray: (x, n), its element and position */
        if (rf->ordinality) {
            xlate_error(x, -1, "0A000", "WITH ORDINALITY on a function returning a record is not supported");
            return -1;
        }
        for (int i = 0; i < 2; i++) {
            names[n] = rec_names[i];
            types[n] = rec_types[i];
            engine[n++] = i == 0 ? "value" : "ordinality";
        }
    } else if (fn->kind == IRE_CALL && fn->u.call.fn->kind == FN_SET_RETURNING &&
               analyze_srf_out_columns(fn->u.call.fn->name, &nout, &out_names, &out_types)) {
        for (int i = 0; i < nout; i++) {
            names[n] = out_names[i];
            types[n] = out_types[i];
            engine[n++] = out_names[i];
        }
    } else {
        names[n] = r->alias;
        types[n] = fn->type;
        engine[n++] = "value";
    }
    if (rf->ordinality) {
        names[n] = "ordinality";
        types[n] = PG_OID_INT8;
        engine[n++] = "ordinality";
    }
    r->engine_colnames = engine;
    if (!analyze_set_rte_columns(x, r, n, names, types, NULL, rf->alias, -1))
        return -1;
    return ir_add_rte(x, q, r);
}
