/*
 * vector_plan.c — nearest-neighbour queries for the embedded engine.
 *
 *   SELECT targets FROM t [WHERE cond] ORDER BY col <op> q LIMIT k [OFFSET o]
 *
 * becomes, in the IR, before the SQLite emitter runs:
 *
 *   SELECT targets
 *   FROM pgw_vector_search(index_oid, metric, q, k + o, filtered,
 *                          'SELECT rowid, col FROM t WHERE cond',
 *                          'SELECT col FROM t WHERE (cond) AND rowid = :pgw_row',
 *                          relid, attnum, ?1 .. ?n) AS _vs
 *        JOIN t ON t.rowid = _vs.value
 *   ORDER BY _vs.ordinality LIMIT k OFFSET o
 *
 * The table function (src/backend/sqlite_hnsw_search.c) returns the k + o nearest matching
 * rows in order — from the HNSW index when one on `col` has the operator's distance, else
 * from an exact scan with a top-k heap — and declares the order consumed, so SQLite neither
 * sorts nor reads more than it returns.  `cond` moves into the two SQL texts, evaluated per
 * candidate on the same connection; its ?N are the statement's own parameters, passed along.
 *
 * Shapes rewritten: one base table, no grouping, aggregates, windows, DISTINCT or locking;
 * a single ascending sort key that is a distance (<-> <#> <=> <+>, or l2_distance,
 * cosine_distance, l1_distance for the exact search) between a vector column of that table
 * and an expression that does not depend on the row; a LIMIT (or, with enable_seqscan off
 * and an index, none: every row the index holds); a WHERE without sub-queries or outer
 * references.  Everything else keeps its SQL (SQLite sorts).
 */
#include "sql/vector_index.h"

#include <string.h>

/* ---------------------------------------------------------------- what an expression uses */

typedef struct expr_uses {
    bool this_level;     /* a column of the query being planned (levels_up == depth) */
    bool outer_level;    /* a column of an enclosing query (levels_up > depth) */
    bool sublink;
    bool aggregate;
    int max_param;
} expr_uses;

static void uses_query(const ir_query *q, int depth, expr_uses *u);

static void uses_expr(const ir_expr *e, int depth, expr_uses *u)
{
    if (!e)
        return;
    switch (e->kind) {
    case IRE_CONST:
    case IRE_DEFAULT:
    case IRE_SETTING:
        return;
    case IRE_PARAM:
        if (e->u.param.number > u->max_param)
            u->max_param = e->u.param.number;
        return;
    case IRE_COLUMN:
        if (e->u.column.levels_up == depth)
            u->this_level = true;
        else if (e->u.column.levels_up > depth)
            u->outer_level = true;
        return;
    case IRE_AGG:
    case IRE_WINDOW:
        u->aggregate = true;
        /* fall through */
    case IRE_CALL:
        for (int i = 0; i < e->u.call.nargs; i++)
            uses_expr(e->u.call.args[i], depth, u);
        uses_expr(e->u.call.filter, depth, u);
        for (int i = 0; i < e->u.call.norder; i++)
            uses_expr(e->u.call.order[i].expr, depth, u);
        return;
    case IRE_CAST:
        uses_expr(e->u.cast.arg, depth, u);
        return;
    case IRE_BOOLTEST:
        uses_expr(e->u.booltest.arg, depth, u);
        return;
    case IRE_CASE:
        uses_expr(e->u.case_.arg, depth, u);
        for (int i = 0; i < e->u.case_.nwhen; i++) {
            uses_expr(e->u.case_.when[i].cond, depth, u);
            uses_expr(e->u.case_.when[i].result, depth, u);
        }
        uses_expr(e->u.case_.otherwise, depth, u);
        return;
    case IRE_SUBLINK:
        u->sublink = true;
        uses_expr(e->u.sublink.test, depth, u);
        uses_query(e->u.sublink.subquery, depth + 1, u);
        return;
    case IRE_RAW:
        for (int i = 0; i < e->u.raw.nargs; i++)
            uses_expr(e->u.raw.args[i], depth, u);
        return;
    case IRE_AND: case IRE_OR: case IRE_NOT: case IRE_NULLTEST: case IRE_COALESCE: case IRE_NULLIF:
    case IRE_GREATEST: case IRE_LEAST: case IRE_ARRAY: case IRE_ROW: case IRE_IN_LIST: case IRE_DISTINCT:
    case IRE_ANY_ARRAY:
        for (int i = 0; i < e->u.list.nargs; i++)
            uses_expr(e->u.list.args[i], depth, u);
        return;
    }
}

/* Everything a (sub-)query refers to, `depth` levels below the query being planned. */
static void uses_query(const ir_query *q, int depth, expr_uses *u)
{
    if (!q)
        return;
    for (int i = 0; i < q->ncte; i++)
        uses_query(q->ctes[i].query, depth + 1, u);
    for (int i = 0; i < q->nrte; i++) {
        const ir_rte *r = q->rtes[i];
        if (r->kind == IR_RTE_SUBQUERY || r->kind == IR_RTE_VALUES)
            uses_query(r->subquery, depth + 1, u);
        else if (r->kind == IR_RTE_FUNCTION)
            uses_expr(r->function, depth, u);
    }
    for (int i = 0; i < q->nfrom; i++) {
        const ir_from *stack[64];
        int n = 0;
        stack[n++] = q->from[i];
        while (n) {
            const ir_from *f = stack[--n];
            if (!f || !f->is_join)
                continue;
            uses_expr(f->on, depth, u);
            if (n < 62) {
                stack[n++] = f->left;
                stack[n++] = f->right;
            } else {
                u->outer_level = true;   /* too deep to look at: assume the worst */
            }
        }
    }
    for (int i = 0; i < q->ntargets; i++)
        uses_expr(q->targets[i].expr, depth, u);
    uses_expr(q->where, depth, u);
    for (int i = 0; i < q->ngroup; i++)
        uses_expr(q->group[i], depth, u);
    uses_expr(q->having, depth, u);
    for (int i = 0; i < q->nsort; i++)
        uses_expr(q->sort[i].expr, depth, u);
    uses_expr(q->limit, depth, u);
    uses_expr(q->offset, depth, u);
    for (int r = 0; r < q->nrows; r++)
        for (int c = 0; c < q->ntargets; c++)
            uses_expr(q->rows[r][c], depth, u);
    uses_query(q->larg, depth, u);
    uses_query(q->rarg, depth, u);
}

/* ---------------------------------------------------------------- the pattern */

typedef struct nn_match {
    ir_rte *rte;
    int rte_index;
    int column;               /* 0-based column of the relation */
    ir_expr *query_vector;
    vec_metric metric;
    const char *op;
    bool operator_form;       /* an operator (indexable) rather than a function */
    const char *rowid;        /* rowid / _rowid_ / oid: the one no column shadows */
} nn_match;

static bool distance_of(const sql_function *fn, vec_metric *metric, bool *is_operator)
{
    static const struct {
        const char *name;
        vec_metric metric;
        bool op;
    } known[] = {
        {"<->", VEC_L2, true},         {"<#>", VEC_IP, true},
        {"<=>", VEC_COSINE, true},     {"<+>", VEC_L1, true},
        {"l2_distance", VEC_L2, false}, {"cosine_distance", VEC_COSINE, false},
        {"l1_distance", VEC_L1, false},
    };
    if (fn->nargs != 2 || fn->args[0] != PG_OID_VECTOR || fn->args[1] != PG_OID_VECTOR)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(known); i++)
        if (strcmp(fn->name, known[i].name) == 0) {
            *metric = known[i].metric;
            *is_operator = known[i].op;
            return true;
        }
    return false;
}

static bool is_table_vector_column(const ir_expr *e, int rte)
{
    return e->kind == IRE_COLUMN && e->u.column.levels_up == 0 && e->u.column.rte == rte &&
           e->type == PG_OID_VECTOR;
}

static const char *unshadowed_rowid(const cat_relation *rel)
{
    static const char *const names[] = {"rowid", "_rowid_", "oid"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        bool shadowed = false;
        for (int c = 0; c < rel->ncolumns; c++)
            if (ascii_streq_ci(rel->columns[c].name, names[i]))
                shadowed = true;
        if (!shadowed)
            return names[i];
    }
    return NULL;
}

static bool match(const ir_query *q, nn_match *m)
{
    memset(m, 0, sizeof *m);
    if (q->kind != QUERY_SELECT || q->nfrom != 1 || q->from[0]->is_join || q->has_aggregates || q->has_windows ||
        q->ngroup || q->having || q->distinct || q->ndistinct_on || q->nsort != 1 ||
        q->limit_with_ties || q->locking)
        return false;
    const ir_sort *s = &q->sort[0];
    if (s->descending || s->nulls == 1)
        return false;
    int rte = q->from[0]->rte;
    if (rte != 0 || rte >= q->nrte)
        return false;   /* bare column emission of the filter needs the table as entry 0 */
    ir_rte *r = q->rtes[rte];
    if (r->kind != IR_RTE_RELATION || !r->rel || (r->rel->kind != 'r' && r->rel->kind != 'm'))
        return false;
    const ir_expr *e = s->expr;
    if (e->kind != IRE_CALL || e->u.call.nargs != 2 || !distance_of(e->u.call.fn, &m->metric, &m->operator_form))
        return false;
    ir_expr *a = e->u.call.args[0], *b = e->u.call.args[1];
    if (!is_table_vector_column(a, rte)) {
        ir_expr *t = a;
        a = b;
        b = t;   /* every supported distance is symmetric */
    }
    if (!is_table_vector_column(a, rte))
        return false;
    expr_uses qu = {0};
    uses_expr(b, 0, &qu);
    if (qu.this_level || qu.aggregate)
        return false;
    expr_uses wu = {0}, lu = {0};
    uses_expr(q->where, 0, &wu);
    if (wu.sublink || wu.outer_level || wu.aggregate || wu.max_param > 32)
        return false;
    uses_expr(q->limit, 0, &lu);
    uses_expr(q->offset, 0, &lu);
    if (lu.this_level || lu.sublink)
        return false;
    m->rowid = unshadowed_rowid(r->rel);
    if (!m->rowid)
        return false;
    m->rte = r;
    m->rte_index = rte;
    m->column = a->u.column.column;
    m->query_vector = b;
    m->op = e->u.call.fn->name;
    return true;
}

/* The HNSW index on the column with the operator's distance, if any. */
static const cat_index *choose_index(sql_xlate *x, const nn_match *m)
{
    if (!m->operator_form || !x->session || !x->session->db)
        return NULL;
    const cat_relation *rel = m->rte->rel;
    int16_t attnum = rel->columns[m->column].attnum;
    for (int i = 0; i < rel->nindexes; i++) {
        const cat_index *ix = &rel->indexes[i];
        if (!vector_ddl_is_vector_index(ix) || ix->keys[0] != attnum || ix->predicate)
            continue;
        int metric = engine_vector_index_metric(x->session->db, x->session->conn, ix->oid);
        if (metric == (int)m->metric)
            return ix;
    }
    return NULL;
}

/* ---------------------------------------------------------------- building the rewrite */

static ir_expr *const_int(sql_xlate *x, int64_t v)
{
    return ir_const_int(x, PG_OID_INT8, v, -1);
}

static ir_expr *const_text(sql_xlate *x, const char *text)
{
    ir_expr *e = ir_new(x, IRE_CONST, PG_OID_TEXT, -1);
    if (e)
        e->u.constant.value = value_text(text, strlen(text));
    return e;
}

/* `"alias".rowid = %1` with the alias's % doubled for the template. */
static const char *join_template(sql_xlate *x, const char *alias, const char *rowid)
{
    strbuf b;
    strbuf_init(&b);
    strbuf q;
    strbuf_init(&q);
    catalog_quote_ident(alias, &q);
    strbuf_putc(&b, '(');
    for (size_t i = 0; q.data && i < q.len; i++) {
        if (q.data[i] == '%')
            strbuf_putc(&b, '%');
        strbuf_putc(&b, q.data[i]);
    }
    strbuf_printf(&b, ".%s = %%1)", rowid);
    const char *out = b.failed || q.failed ? NULL : xlate_strdup(x, b.data);
    strbuf_free(&b);
    strbuf_free(&q);
    return out;
}

static void table_ref(const cat_relation *rel, strbuf *out)
{
    if (rel->engine_schema) {
        catalog_quote_ident(rel->engine_schema, out);
        strbuf_putc(out, '.');
    }
    catalog_quote_ident(rel->engine_name, out);
}

static bool rewrite_one(sql_xlate *x, ir_query *q, const nn_match *m, const cat_index *ix)
{
    const cat_relation *rel = m->rte->rel;
    const char *column = rel->columns[m->column].name;
    /* The WHERE clause, unqualified over the table (entry 0). */
    strbuf cond, scan, point;
    strbuf_init(&cond);
    strbuf_init(&scan);
    strbuf_init(&point);
    bool ok = !q->where || emit_expr_sqlite(x, q, q->where, &cond);
    if (ok) {
        strbuf_printf(&scan, "SELECT %s, ", m->rowid);
        catalog_quote_ident(column, &scan);
        strbuf_puts(&scan, " FROM ");
        table_ref(rel, &scan);
        if (q->where)
            strbuf_printf(&scan, " WHERE %s", cond.data);
        /* :pgw_row after the condition: SQLite numbers a named parameter after the highest
         * ?N seen so far, so it must not come before the condition's ?1..?N. */
        strbuf_puts(&point, "SELECT ");
        catalog_quote_ident(column, &point);
        strbuf_puts(&point, " FROM ");
        table_ref(rel, &point);
        strbuf_puts(&point, " WHERE ");
        if (q->where)
            strbuf_printf(&point, "(%s) AND ", cond.data);
        strbuf_printf(&point, "%s = :pgw_row", m->rowid);
        if (scan.failed || point.failed || cond.failed) {
            pg_error_oom(x->err);
            ok = false;
        }
    }
    expr_uses wu = {0};
    uses_expr(q->where, 0, &wu);
    int nargs = 9 + wu.max_param;
    ir_expr **args = ok ? xlate_alloc(x, sizeof *args * (size_t)nargs) : NULL;
    sql_function *fn = ok ? xlate_alloc(x, sizeof *fn) : NULL;
    ir_expr *call = ok ? ir_new(x, IRE_CALL, PG_OID_INT8, -1) : NULL;
    ok = ok && args && fn && call;
    if (ok) {
        /* No LIMIT (an index scan PostgreSQL was told to prefer): every row, k NULL. */
        ir_expr *k = q->limit ? q->limit : ir_const_null(x, PG_OID_INT8, -1);
        if (q->offset && q->limit) {
            k = ir_new(x, IRE_RAW, PG_OID_INT8, -1);
            ir_expr **kargs = xlate_alloc(x, sizeof *kargs * 2);
            if (k && kargs) {
                kargs[0] = q->limit;
                kargs[1] = q->offset;
                k->u.raw.sql = "(%1 + coalesce(%2, 0))";
                k->u.raw.args = kargs;
                k->u.raw.nargs = 2;
            } else {
                k = NULL;
            }
        }
        args[0] = const_int(x, ix ? ix->oid : 0);
        args[1] = const_int(x, m->metric);
        args[2] = m->query_vector;
        args[3] = k;
        args[4] = const_int(x, q->where != NULL);
        args[5] = const_text(x, xlate_strdup(x, scan.data));
        args[6] = const_text(x, xlate_strdup(x, point.data));
        /* The column, so that the search finds an index made after this plan (a prepared
         * statement); none for a distance function, which no index serves. */
        args[7] = const_int(x, m->operator_form ? rel->oid : 0);
        args[8] = const_int(x, m->operator_form ? rel->columns[m->column].attnum : 0);
        for (int i = 0; i < wu.max_param; i++) {
            ir_expr *p = ir_new(x, IRE_PARAM, xlate_param_type(x, i + 1), -1);
            if (p)
                p->u.param.number = i + 1;
            args[9 + i] = p;
        }
        for (int i = 0; i < nargs; i++)
            ok = ok && args[i];
    }
    strbuf_free(&cond);
    strbuf_free(&scan);
    strbuf_free(&point);
    if (!ok) {
        if (!pg_error_is_set(x->err))
            pg_error_oom(x->err);
        return false;
    }
    *fn = (sql_function){.name = "pgw_vector_search", .nargs = 0, .ret = PG_OID_INT8, .kind = FN_SET_RETURNING,
                         .emit = {"pgw_vector_search(%*)", NULL}};
    call->u.call.fn = fn;
    call->u.call.args = args;
    call->u.call.nargs = nargs;
    /* The table function's range entry: value (row id) and ordinality (rank). */
    ir_rte *vs = xlate_alloc(x, sizeof *vs);
    const char **names = xlate_alloc(x, sizeof *names * 2);
    pg_oid *types = xlate_alloc(x, sizeof *types * 2);
    int32_t *typmods = xlate_alloc(x, sizeof *typmods * 2);
    if (!vs || !names || !types || !typmods)
        return false;
    names[0] = "value";
    names[1] = "ordinality";
    types[0] = types[1] = PG_OID_INT8;
    typmods[0] = typmods[1] = -1;
    vs->kind = IR_RTE_FUNCTION;
    vs->alias = "_vs";
    vs->function = call;
    vs->with_ordinality = true;
    vs->ncols = 2;
    vs->colnames = names;
    vs->coltypes = types;
    vs->coltypmods = typmods;
    int vs_index = ir_add_rte(x, q, vs);
    if (vs_index < 0)
        return false;
    ir_expr *value = ir_new(x, IRE_COLUMN, PG_OID_INT8, -1), *rank = ir_new(x, IRE_COLUMN, PG_OID_INT8, -1);
    ir_expr *on = ir_new(x, IRE_RAW, PG_OID_BOOL, -1);
    ir_expr **on_args = xlate_alloc(x, sizeof *on_args);
    ir_from *leaf = xlate_alloc(x, sizeof *leaf), *join = xlate_alloc(x, sizeof *join);
    const char *tmpl = join_template(x, m->rte->engine_alias, m->rowid);
    if (!value || !rank || !on || !on_args || !leaf || !join || !tmpl)
        return false;
    value->u.column.rte = rank->u.column.rte = vs_index;
    value->u.column.column = 0;
    rank->u.column.column = 1;
    on_args[0] = value;
    on->u.raw.sql = tmpl;
    on->u.raw.args = on_args;
    on->u.raw.nargs = 1;
    leaf->rte = vs_index;
    *join = (ir_from){.is_join = true, .rte = -1, .join_type = IRJ_INNER, .left = leaf, .right = q->from[0], .on = on};
    q->from[0] = join;
    q->where = NULL;
    /* Ascending rank, written NULLS FIRST (SQLite's own ascending order), which the table
     * function consumes. */
    q->sort[0] = (ir_sort){.expr = rank, .descending = false, .nulls = 1};
    return true;
}

static bool rewrite_query(sql_xlate *x, ir_query *q, vector_plan_note **notes, int depth)
{
    if (!q || depth > 64)
        return true;
    for (int i = 0; i < q->ncte; i++)
        if (!rewrite_query(x, q->ctes[i].query, notes, depth + 1))
            return false;
    for (int i = 0; i < q->nrte; i++)
        if (q->rtes[i]->kind == IR_RTE_SUBQUERY && !rewrite_query(x, q->rtes[i]->subquery, notes, depth + 1))
            return false;
    if (q->kind == QUERY_SETOP)
        return rewrite_query(x, q->larg, notes, depth + 1) && rewrite_query(x, q->rarg, notes, depth + 1);
    if (q->kind == QUERY_INSERT)
        return rewrite_query(x, q->insert_source, notes, depth + 1);
    nn_match m;
    if (!match(q, &m))
        return true;
    const cat_index *ix = choose_index(x, &m);
    if (!q->limit) {
        /* Without LIMIT PostgreSQL reads the index only when told to avoid sequential scans
         * (pgvector's tests do so); the plan then depends on that setting. */
        if (!ix)
            return true;
        x->uncacheable = true;
        if (guc_get_bool(x->session->gucs, "enable_seqscan"))
            return true;
    }
    vector_plan_note *note = NULL;
    if (notes) {
        note = xlate_alloc(x, sizeof *note);
        if (!note)
            return false;
        *note = (vector_plan_note){.query = q, .rel = m.rte->rel, .index = ix,
                                   .column = m.rte->rel->columns[m.column].name, .op = m.op,
                                   .order_arg = m.query_vector, .filtered = q->where != NULL};
    }
    if (!rewrite_one(x, q, &m, ix))
        return false;
    if (note) {
        note->next = *notes;
        *notes = note;
    }
    return true;
}

bool vector_plan_rewrite(sql_xlate *x, ir_query *q, vector_plan_note **notes)
{
    if (notes)
        *notes = NULL;
    if (x->dialect != DIALECT_SQLITE)
        return true;
    return rewrite_query(x, q, notes, 0);
}
