/*
 * analyze_select.c — SELECT as PostgreSQL analyses it (parse_clause.c, parse_target.c,
 * parse_agg.c): WITH, FROM (tables, subqueries, functions, VALUES, joins with USING and
 * NATURAL), the select list with * expansion, WHERE, GROUP BY / HAVING with the "must appear
 * in the GROUP BY clause" rule, DISTINCT [ON], ORDER BY (output names and ordinals first,
 * then input columns), LIMIT/OFFSET/FETCH, window definitions, set operations.  Functions in
 * FROM: analyze_from_function.c.
 */
#include "sql/pg_nodes.h"

#include <string.h>

/* ---------------------------------------------------------------- WITH */

/* WITH x AS (INSERT/UPDATE/DELETE ...): analysed as its own statement whose parent is q (it
 * sees the WITH queries before it); its RETURNING list is what x's readers see.  It runs
 * before the rest of the statement (translate.c), so translate.c refuses statements where
 * that order could be seen. */
static bool analyze_data_modifying_cte(sql_xlate *x, ir_query *q, CommonTableExpr *cte, ir_cte *c)
{
    if (q->parent) {
        xlate_error(x, cte->location, "0A000", "WITH clause containing a data-modifying statement must be at the top level");
        return false;
    }
    if (q->recursive_with) {
        xlate_error(x, cte->location, "0A000", "data-modifying statements in WITH RECURSIVE are not supported");
        return false;
    }
    Node *stmt = cte->ctequery;
    ir_query *dml = IsA(stmt, InsertStmt)   ? analyze_insert(x, q, stmt)
                    : IsA(stmt, UpdateStmt) ? analyze_update(x, q, stmt)
                    : IsA(stmt, DeleteStmt) ? analyze_delete(x, q, stmt)
                                            : NULL;
    if (!dml) {
        if (!pg_error_is_set(x->err))
            xlate_error(x, cte->location, "0A000", "this statement is not supported in WITH");
        return false;
    }
    dml->ntargets = dml->nreturning;
    dml->targets = dml->returning;
    c->name = xlate_strdup(x, cte->ctename);
    c->query = dml;
    c->data_modifying = true;
    c->ncolnames = list_length(cte->aliascolnames);
    if (c->ncolnames) {
        c->colnames = xlate_alloc(x, sizeof *c->colnames * (size_t)c->ncolnames);
        if (!c->colnames)
            return false;
        int i = 0;
        ListCell *nc;
        foreach (nc, cte->aliascolnames)
            c->colnames[i++] = xlate_strdup(x, strVal(lfirst(nc)));
    }
    if (c->ncolnames > dml->ntargets) {
        xlate_error(x, cte->location, "42P10", "WITH query \"%s\" has %d columns available but %d columns specified",
                    cte->ctename, dml->ntargets, c->ncolnames);
        return false;
    }
    q->ncte++;
    return true;
}

bool analyze_with(sql_xlate *x, ir_query *q, WithClause *with)
{
    if (!with)
        return true;
    int n = list_length(with->ctes);
    q->ctes = xlate_alloc(x, sizeof *q->ctes * (size_t)(n + 1));
    if (!q->ctes)
        return false;
    q->recursive_with = with->recursive;
    ListCell *lc;
    foreach (lc, with->ctes) {
        CommonTableExpr *cte = lfirst_node(CommonTableExpr, lc);
        for (int i = 0; i < q->ncte; i++)
            if (strcmp(q->ctes[i].name, cte->ctename) == 0) {
                xlate_error(x, cte->location, "42712", "WITH query name \"%s\" specified more than once",
                            cte->ctename);
                return false;
            }
        ir_cte *c = &q->ctes[q->ncte];
        if (!IsA(cte->ctequery, SelectStmt)) {
            if (!analyze_data_modifying_cte(x, q, cte, c))
                return false;
            continue;
        }
        c->name = xlate_strdup(x, cte->ctename);
        c->recursive = with->recursive;
        c->materialized = cte->ctematerialized == CTEMaterializeAlways;
        c->ncolnames = list_length(cte->aliascolnames);
        if (c->ncolnames) {
            c->colnames = xlate_alloc(x, sizeof *c->colnames * (size_t)c->ncolnames);
            if (!c->colnames)
                return false;
            int i = 0;
            ListCell *nc;
            foreach (nc, cte->aliascolnames)
                c->colnames[i++] = xlate_strdup(x, strVal(lfirst(nc)));
        }
        Node *query = cte->ctequery;
        if (with->recursive && IsA(query, SelectStmt) && ((SelectStmt *)query)->op == SETOP_UNION) {
            /* A recursive CTE: the non-recursive term fixes the column types, then the
             * recursive term sees the CTE with them. */
            SelectStmt *u = (SelectStmt *)query;
            x->setop_arm = true;
            ir_query *left = analyze_subquery(x, q, (Node *)u->larg);
            if (!left)
                return false;
            ir_query *stub = ir_query_new(x, QUERY_SELECT, q);
            if (!stub)
                return false;
            stub->ntargets = left->ntargets;
            stub->targets = left->targets;
            c->query = stub;
            q->ncte++;
            x->setop_arm = true;
            ir_query *right = analyze_subquery(x, q, (Node *)u->rarg);
            if (!right)
                return false;
            if (right->ntargets != left->ntargets) {
                xlate_error(x, cte->location, "42601", "each UNION query must have the same number of columns");
                return false;
            }
            for (int i = 0; i < left->ntargets; i++) {
                /* The non-recursive term's unknown literals become text, as in a plain list. */
                ir_target *t = &left->targets[i];
                if (t->expr->type == PG_OID_UNKNOWN && !(t->expr = ir_coerce(x, t->expr, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL)))
                    return false;
            }
            for (int i = 0; i < right->ntargets; i++) {
                ir_target *t = &right->targets[i];
                if (t->expr->type != left->targets[i].expr->type) {
                    ir_expr *before = t->expr;
                    t->expr = ir_coerce(x, t->expr, left->targets[i].expr->type, -1, COERCE_IMPLICIT, NULL);
                    if (!t->expr && strcmp(x->err->sqlstate, "42804") != 0 && strcmp(x->err->sqlstate, "42846") != 0)
                        return false;   /* a literal that does not read as the type: its own error */
                    if (!t->expr) {
                        pg_error_clear(x->err);
                        const pg_type_info *a = types_by_oid(left->targets[i].expr->type);
                        const pg_type_info *b = types_by_oid(before->type);
                        xlate_error(x, cte->location, "42804",
                                    "recursive query \"%s\" column %d has type %s in non-recursive term but type %s overall",
                                    cte->ctename, i + 1, a ? a->sql_name : "?", b ? b->sql_name : "?");
                        return false;
                    }
                }
            }
            ir_query *setop = ir_query_new(x, QUERY_SETOP, q);
            if (!setop)
                return false;
            setop->setop = IRS_UNION;
            setop->setop_all = u->all;
            setop->larg = left;
            setop->rarg = right;
            setop->ntargets = left->ntargets;
            setop->targets = left->targets;
            /* The arms keep q as their parent: their column references were resolved
             * through it (the recursive arm finds the CTE there). */
            c->query = setop;
            if (!analyze_sort_clause(x, setop, u->sortClause, true))
                return false;
        } else {
            c->query = analyze_subquery(x, q, query);
            if (!c->query)
                return false;
            q->ncte++;
        }
        if (c->ncolnames > c->query->ntargets) {
            xlate_error(x, cte->location, "42P10", "WITH query \"%s\" has %d columns available but %d columns specified",
                        cte->ctename, c->query->ntargets, c->ncolnames);
            return false;
        }
    }
    return true;
}

/* The CTE named `name` visible from q: in q or an enclosing query. */
static ir_cte *find_cte(ir_query *q, const char *name, int *levels_up, int *index)
{
    int level = 0;
    for (ir_query *cur = q; cur; cur = cur->parent, level++)
        for (int i = 0; i < cur->ncte; i++)
            if (strcmp(cur->ctes[i].name, name) == 0) {
                *levels_up = level;
                *index = i;
                return &cur->ctes[i];
            }
    return NULL;
}

/* ---------------------------------------------------------------- FROM */

/* Column names of an entry from its source, then the alias's column list over them. */
bool analyze_set_rte_columns(sql_xlate *x, ir_rte *r, int n, const char *const *names, const pg_oid *types,
                             const int32_t *typmods, Alias *alias, int location)
{
    int naliases = alias ? list_length(alias->colnames) : 0;
    if (naliases > n) {
        xlate_error(x, location, "42P10", "table \"%s\" has %d columns available but %d columns specified",
                    r->alias, n, naliases);
        return false;
    }
    r->ncols = n;
    r->colnames = xlate_alloc(x, sizeof *r->colnames * (size_t)(n + 1));
    r->coltypes = xlate_alloc(x, sizeof *r->coltypes * (size_t)(n + 1));
    r->coltypmods = xlate_alloc(x, sizeof *r->coltypmods * (size_t)(n + 1));
    if (!r->colnames || !r->coltypes || !r->coltypmods)
        return false;
    for (int i = 0; i < n; i++) {
        r->colnames[i] = i < naliases ? xlate_strdup(x, strVal(list_nth(alias->colnames, i))) : names[i];
        r->coltypes[i] = types[i];
        r->coltypmods[i] = typmods ? typmods[i] : -1;
    }
    return true;
}

static bool rte_from_query(sql_xlate *x, ir_rte *r, ir_query *sub, Alias *alias, int location)
{
    int n = sub->ntargets;
    const char **names = xlate_alloc(x, sizeof *names * (size_t)(n + 1));
    pg_oid *types = xlate_alloc(x, sizeof *types * (size_t)(n + 1));
    int32_t *typmods = xlate_alloc(x, sizeof *typmods * (size_t)(n + 1));
    if (!names || !types || !typmods)
        return false;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (sub->targets[i].junk)
            continue;
        names[k] = sub->targets[i].name;
        types[k] = sub->targets[i].expr->type;
        typmods[k] = sub->targets[i].expr->typmod;
        k++;
    }
    return analyze_set_rte_columns(x, r, k, names, types, typmods, alias, location);
}

static int add_range_var(sql_xlate *x, ir_query *q, RangeVar *rv)
{
    const char *alias = rv->alias ? rv->alias->aliasname : rv->relname;
    int levels, index;
    ir_cte *cte = rv->schemaname ? NULL : find_cte(q, rv->relname, &levels, &index);
    if (cte && cte->data_modifying && cte->query->nreturning == 0) {
        xlate_error(x, rv->location, "0A000", "WITH query \"%s\" does not have a RETURNING clause", cte->name);
        return -1;
    }
    if (cte) {
        ir_rte *r = xlate_alloc(x, sizeof *r);
        if (!r)
            return -1;
        r->kind = IR_RTE_CTE;
        r->alias = xlate_strdup(x, alias);
        r->engine_alias = NULL;
        r->subquery = cte->query;
        r->cte_index = index;
        r->cte_levels_up = levels;
        if (!rte_from_query(x, r, cte->query, rv->alias, rv->location))
            return -1;
        for (int i = 0; i < cte->ncolnames && i < r->ncols; i++)
            if (!(rv->alias && list_length(rv->alias->colnames) > i))
                r->colnames[i] = cte->colnames[i];
        return ir_add_rte(x, q, r);
    }
    const cat_relation *rel = analyze_find_relation(x, rv->schemaname, rv->relname, rv->location, false);
    if (!rel)
        return -1;
    int idx = analyze_add_relation_rte(x, q, rel, xlate_strdup(x, alias));
    if (idx >= 0 && rv->alias && rv->alias->colnames) {
        ir_rte *r = q->rtes[idx];
        int naliases = list_length(rv->alias->colnames);
        if (naliases > r->ncols) {
            xlate_error(x, rv->location, "42P10", "table \"%s\" has %d columns available but %d columns specified",
                        alias, r->ncols, naliases);
            return -1;
        }
        for (int i = 0; i < naliases; i++)
            r->colnames[i] = xlate_strdup(x, strVal(list_nth(rv->alias->colnames, i)));
    }
    return idx;
}

static int add_subselect(sql_xlate *x, ir_query *q, RangeSubselect *rs)
{
    if (!rs->alias) {
        /* PostgreSQL 15 still requires it. */
        xlate_error(x, -1, "42601", "subquery in FROM must have an alias");
        pg_error_hint(x->err, "For example, FROM (SELECT ...) [AS] foo.");
        return -1;
    }
    ir_query *sub = analyze_subquery(x, q, rs->subquery);
    if (!sub)
        return -1;
    ir_rte *r = xlate_alloc(x, sizeof *r);
    if (!r)
        return -1;
    r->kind = IR_RTE_SUBQUERY;
    r->alias = xlate_strdup(x, rs->alias->aliasname);
    r->subquery = sub;
    r->lateral = rs->lateral;
    if (!rte_from_query(x, r, sub, rs->alias, -1))
        return -1;
    return ir_add_rte(x, q, r);
}

static ir_query *analyze_values(sql_xlate *x, ir_query *parent, SelectStmt *s, bool for_insert);

/* One FROM item, returning its join-tree node and appending its namespace items to `ns`
 * (as PostgreSQL's transformFromClauseItem returns its namespace). */
typedef struct ns_list {
    ir_ns_item *items;
    int n, cap;
} ns_list;

static bool ns_push(sql_xlate *x, ns_list *l, int rte, bool rel_visible, bool cols_visible)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        ir_ns_item *grown = xlate_alloc(x, sizeof *grown * (size_t)cap);
        if (!grown)
            return false;
        if (l->n)
            memcpy(grown, l->items, sizeof *grown * (size_t)l->n);
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->n++] = (ir_ns_item){rte, rel_visible, cols_visible};
    return true;
}

static ir_from *from_item(sql_xlate *x, ir_query *q, Node *item, ns_list *ns);

static ir_expr *make_column(sql_xlate *x, ir_query *q, int rte, int col)
{
    ir_rte *r = q->rtes[rte];
    if (r->kind == IR_RTE_JOIN && r->join_columns)
        return r->join_columns[col];
    ir_expr *e = ir_new(x, IRE_COLUMN, r->coltypes[col], -1);
    if (e) {
        e->typmod = r->coltypmods[col];
        e->u.column.rte = rte;
        e->u.column.column = col;
    }
    return e;
}

/* Find a column visible through one side's namespace (for USING): returns rte/col. */
static bool find_in_ns(sql_xlate *x, ir_query *q, ns_list *side, const char *name, int *rte, int *col, int location)
{
    int hits = 0;
    for (int i = 0; i < side->n; i++) {
        if (!side->items[i].cols_visible)
            continue;
        ir_rte *r = q->rtes[side->items[i].rte];
        for (int c = 0; c < r->ncols; c++) {
            if (r->coldropped && r->coldropped[c])
                continue;
            if (strcmp(r->colnames[c], name) == 0) {
                hits++;
                *rte = side->items[i].rte;
                *col = c;
            }
        }
    }
    if (hits > 1) {
        xlate_error(x, location, "42702", "common column name \"%s\" appears more than once in left table", name);
        return false;
    }
    return hits == 1;
}

static ir_from *join_item(sql_xlate *x, ir_query *q, JoinExpr *j, ns_list *ns)
{
    ns_list lns = {0}, rns = {0};
    ir_from *left = from_item(x, q, j->larg, &lns);
    if (!left)
        return NULL;
    /* Items of the left side are visible to LATERAL items on the right. */
    int saved_nns = q->nns;
    for (int i = 0; i < lns.n; i++)
        if (!ir_add_ns(x, q, lns.items[i].rte, lns.items[i].rel_visible, lns.items[i].cols_visible))
            return NULL;
    ir_from *right = from_item(x, q, j->rarg, &rns);
    q->nns = saved_nns;
    if (!right)
        return NULL;
    ir_from *f = xlate_alloc(x, sizeof *f);
    if (!f)
        return NULL;
    f->is_join = true;
    f->left = left;
    f->right = right;
    switch (j->jointype) {
    case JOIN_LEFT: f->join_type = IRJ_LEFT; break;
    case JOIN_RIGHT: f->join_type = IRJ_RIGHT; break;
    case JOIN_FULL: f->join_type = IRJ_FULL; break;
    default: f->join_type = (j->quals || j->usingClause || j->isNatural) ? IRJ_INNER : IRJ_CROSS; break;
    }
    /* The join's own entry: merged USING columns first, then the rest of each side. */
    List *using = j->usingClause;
    const char *using_names[256];
    int nusing = 0;
    if (j->isNatural) {
        for (int i = 0; i < lns.n; i++) {
            if (!lns.items[i].cols_visible)
                continue;
            ir_rte *lr = q->rtes[lns.items[i].rte];
            for (int c = 0; c < lr->ncols && nusing < 256; c++) {
                int rr, rc;
                if (lr->coldropped && lr->coldropped[c])
                    continue;
                if (find_in_ns(x, q, &rns, lr->colnames[c], &rr, &rc, -1))
                    using_names[nusing++] = lr->colnames[c];
                if (pg_error_is_set(x->err))
                    return NULL;
            }
        }
        if (nusing == 0 && f->join_type == IRJ_INNER)
            f->join_type = IRJ_CROSS;
    } else {
        ListCell *lc;
        foreach (lc, using)
            if (nusing < 256)
                using_names[nusing++] = strVal(lfirst(lc));
    }
    ir_expr *on = NULL;
    int total = 0;
    for (int i = 0; i < lns.n; i++)
        if (lns.items[i].cols_visible)
            total += q->rtes[lns.items[i].rte]->ncols;
    for (int i = 0; i < rns.n; i++)
        if (rns.items[i].cols_visible)
            total += q->rtes[rns.items[i].rte]->ncols;
    ir_rte *jr = xlate_alloc(x, sizeof *jr);
    if (!jr)
        return NULL;
    jr->kind = IR_RTE_JOIN;
    jr->alias = j->alias ? xlate_strdup(x, j->alias->aliasname) : "unnamed_join";
    jr->colnames = xlate_alloc(x, sizeof *jr->colnames * (size_t)(total + 1));
    jr->coltypes = xlate_alloc(x, sizeof *jr->coltypes * (size_t)(total + 1));
    jr->coltypmods = xlate_alloc(x, sizeof *jr->coltypmods * (size_t)(total + 1));
    jr->join_columns = xlate_alloc(x, sizeof *jr->join_columns * (size_t)(total + 1));
    if (!jr->colnames || !jr->coltypes || !jr->coltypmods || !jr->join_columns)
        return NULL;
    /* merged: (left rte, col, right rte, col) for each USING name */
    int merged_l[256][2], merged_r[256][2];
    for (int u = 0; u < nusing; u++) {
        for (int k = 0; k < u; k++)
            if (strcmp(using_names[k], using_names[u]) == 0) {
                xlate_error(x, -1, "42701", "column name \"%s\" appears more than once in USING clause",
                            using_names[u]);
                return NULL;
            }
        if (!find_in_ns(x, q, &lns, using_names[u], &merged_l[u][0], &merged_l[u][1], -1)) {
            if (!pg_error_is_set(x->err))
                xlate_error(x, -1, "42703", "column \"%s\" specified in USING clause does not exist in left table",
                            using_names[u]);
            return NULL;
        }
        if (!find_in_ns(x, q, &rns, using_names[u], &merged_r[u][0], &merged_r[u][1], -1)) {
            if (!pg_error_is_set(x->err))
                xlate_error(x, -1, "42703", "column \"%s\" specified in USING clause does not exist in right table",
                            using_names[u]);
            return NULL;
        }
        ir_expr *le = make_column(x, q, merged_l[u][0], merged_l[u][1]);
        ir_expr *re = make_column(x, q, merged_r[u][0], merged_r[u][1]);
        if (!le || !re)
            return NULL;
        pg_oid pair[2] = {le->type, re->type};
        pg_oid common = sql_common_type(pair, 2);
        if (common == PG_OID_INVALID) {
            xlate_error(x, -1, "42804", "JOIN/USING types %s and %s cannot be matched",
                        types_by_oid(le->type) ? types_by_oid(le->type)->sql_name : "?",
                        types_by_oid(re->type) ? types_by_oid(re->type)->sql_name : "?");
            return NULL;
        }
        ir_expr *lc = ir_coerce(x, le, common, -1, COERCE_IMPLICIT, NULL);
        ir_expr *rc = ir_coerce(x, re, common, -1, COERCE_IMPLICIT, NULL);
        const sql_function *eq;
        pg_oid coerce[2];
        if (!lc || !rc || sql_operator_lookup("=", common, common, &eq, coerce) != FN_FOUND) {
            if (!pg_error_is_set(x->err))
                xlate_error(x, -1, "42883", "operator does not exist: %s = %s",
                            types_by_oid(common)->sql_name, types_by_oid(common)->sql_name);
            return NULL;
        }
        ir_expr *cmp = ir_new(x, IRE_CALL, PG_OID_BOOL, -1);
        ir_expr **args = xlate_alloc(x, sizeof *args * 2);
        if (!cmp || !args)
            return NULL;
        args[0] = lc;
        args[1] = rc;
        cmp->u.call.fn = eq;
        cmp->u.call.nargs = 2;
        cmp->u.call.args = args;
        if (on) {
            ir_expr *and = ir_new(x, IRE_AND, PG_OID_BOOL, -1);
            ir_expr **aa = xlate_alloc(x, sizeof *aa * 2);
            if (!and || !aa)
                return NULL;
            aa[0] = on;
            aa[1] = cmp;
            and->u.list.nargs = 2;
            and->u.list.args = aa;
            on = and;
        } else {
            on = cmp;
        }
        ir_expr *merged;
        if (f->join_type == IRJ_FULL) {
            merged = ir_new(x, IRE_COALESCE, common, -1);
            ir_expr **ca = xlate_alloc(x, sizeof *ca * 2);
            if (!merged || !ca)
                return NULL;
            ca[0] = lc;
            ca[1] = rc;
            merged->u.list.nargs = 2;
            merged->u.list.args = ca;
        } else {
            merged = f->join_type == IRJ_RIGHT ? rc : lc;
        }
        jr->colnames[jr->ncols] = using_names[u];
        jr->coltypes[jr->ncols] = common;
        jr->coltypmods[jr->ncols] = -1;
        jr->join_columns[jr->ncols] = merged;
        jr->ncols++;
    }
    for (int side = 0; side < 2; side++) {
        ns_list *l = side == 0 ? &lns : &rns;
        for (int i = 0; i < l->n; i++) {
            if (!l->items[i].cols_visible)
                continue;
            int rte = l->items[i].rte;
            ir_rte *r = q->rtes[rte];
            for (int c = 0; c < r->ncols; c++) {
                if (r->coldropped && r->coldropped[c])
                    continue;
                bool is_merged = false;
                for (int u = 0; u < nusing; u++) {
                    int *m = side == 0 ? merged_l[u] : merged_r[u];
                    if (m[0] == rte && m[1] == c)
                        is_merged = true;
                }
                if (is_merged)
                    continue;
                jr->colnames[jr->ncols] = r->colnames[c];
                jr->coltypes[jr->ncols] = r->coltypes[c];
                jr->coltypmods[jr->ncols] = r->coltypmods[c];
                jr->join_columns[jr->ncols] = make_column(x, q, rte, c);
                jr->ncols++;
            }
        }
    }
    int jidx = ir_add_rte(x, q, jr);
    if (jidx < 0)
        return NULL;
    f->rte = jidx;
    f->natural = j->isNatural;
    if (j->alias && j->alias->colnames) {
        int naliases = list_length(j->alias->colnames);
        for (int i = 0; i < naliases && i < jr->ncols; i++)
            jr->colnames[i] = xlate_strdup(x, strVal(list_nth(j->alias->colnames, i)));
    }
    if (j->quals) {
        /* ON sees both sides (and what is visible from outside). */
        int saved = q->nns;
        for (int i = 0; i < lns.n; i++)
            if (!ir_add_ns(x, q, lns.items[i].rte, lns.items[i].rel_visible, lns.items[i].cols_visible))
                return NULL;
        for (int i = 0; i < rns.n; i++)
            if (!ir_add_ns(x, q, rns.items[i].rte, rns.items[i].rel_visible, rns.items[i].cols_visible))
                return NULL;
        const char *saved_clause = q->clause;
        q->clause = "JOIN/ON";
        on = analyze_condition(x, q, j->quals, "JOIN/ON");
        q->clause = saved_clause;
        q->nns = saved;
        if (!on)
            return NULL;
    }
    f->on = on;
    if (j->alias) {
        /* An aliased join hides its inputs: only the join's own columns remain. */
        if (!ns_push(x, ns, jidx, true, true))
            return NULL;
        return f;
    }
    for (int i = 0; i < lns.n; i++)
        if (!ns_push(x, ns, lns.items[i].rte, lns.items[i].rel_visible, false))
            return NULL;
    for (int i = 0; i < rns.n; i++)
        if (!ns_push(x, ns, rns.items[i].rte, rns.items[i].rel_visible, false))
            return NULL;
    if (!ns_push(x, ns, jidx, false, true))
        return NULL;
    return f;
}

static ir_from *from_item(sql_xlate *x, ir_query *q, Node *item, ns_list *ns)
{
    int rte = -1;
    switch (nodeTag(item)) {
    case T_RangeVar:
        rte = add_range_var(x, q, (RangeVar *)item);
        break;
    case T_RangeSubselect:
        rte = add_subselect(x, q, (RangeSubselect *)item);
        break;
    case T_RangeFunction:
        rte = analyze_range_function(x, q, (RangeFunction *)item);
        break;
    case T_JoinExpr:
        return join_item(x, q, (JoinExpr *)item, ns);
    default:
        xlate_error(x, -1, "0A000", "unsupported FROM item");
        return NULL;
    }
    if (rte < 0)
        return NULL;
    /* The same name twice in one FROM list is an error in PostgreSQL. */
    for (int i = 0; i < q->nns; i++) {
        ir_rte *other = q->rtes[q->ns[i].rte];
        if (q->ns[i].rel_visible && strcmp(other->alias, q->rtes[rte]->alias) == 0) {
            xlate_error(x, -1, "42712", "table name \"%s\" specified more than once", other->alias);
            return NULL;
        }
    }
    for (int i = 0; i < ns->n; i++) {
        ir_rte *other = q->rtes[ns->items[i].rte];
        if (ns->items[i].rel_visible && strcmp(other->alias, q->rtes[rte]->alias) == 0) {
            xlate_error(x, -1, "42712", "table name \"%s\" specified more than once", other->alias);
            return NULL;
        }
    }
    ir_from *f = xlate_alloc(x, sizeof *f);
    if (!f || !ns_push(x, ns, rte, true, true))
        return NULL;
    f->rte = rte;
    return f;
}

bool analyze_from_list(sql_xlate *x, ir_query *q, List *from)
{
    int n = list_length(from);
    q->from = xlate_alloc(x, sizeof *q->from * (size_t)(n + 1));
    if (!q->from)
        return false;
    ListCell *lc;
    foreach (lc, from) {
        ns_list ns = {0};
        ir_from *f = from_item(x, q, lfirst(lc), &ns);
        if (!f)
            return false;
        q->from[q->nfrom++] = f;
        for (int i = 0; i < ns.n; i++)
            if (!ir_add_ns(x, q, ns.items[i].rte, ns.items[i].rel_visible, ns.items[i].cols_visible))
                return false;
    }
    return true;
}

/* ---------------------------------------------------------------- select list */

static bool add_target(sql_xlate *x, ir_query *q, ir_expr *e, const char *name, bool junk)
{
    ir_target *grown = xlate_alloc(x, sizeof *grown * (size_t)(q->ntargets + 1));
    if (!grown)
        return false;
    if (q->ntargets)
        memcpy(grown, q->targets, sizeof *grown * (size_t)q->ntargets);
    q->targets = grown;
    ir_target *t = &q->targets[q->ntargets++];
    t->expr = e;
    t->name = name;
    t->junk = junk;
    if (e->kind == IRE_COLUMN && e->u.column.levels_up == 0) {
        ir_rte *r = q->rtes[e->u.column.rte];
        if (r->kind == IR_RTE_RELATION && r->rel->kind != 'v') {
            t->source_table = r->rel->oid;
            t->source_column = r->rel->columns[e->u.column.column].attnum;
        }
    }
    return true;
}

static bool analyze_target_list(sql_xlate *x, ir_query *q, List *targets)
{
    ListCell *lc;
    foreach (lc, targets) {
        ResTarget *rt = lfirst_node(ResTarget, lc);
        Node *val = rt->val;
        if (IsA(val, ColumnRef)) {
            ColumnRef *cr = (ColumnRef *)val;
            Node *last = llast(cr->fields);
            if (IsA(last, A_Star)) {
                const char *qualifier = list_length(cr->fields) >= 2 ? strVal(list_nth(cr->fields, list_length(cr->fields) - 2)) : NULL;
                ir_expr **exprs;
                const char **names;
                int n = analyze_expand_star(x, q, qualifier, cr->location, &exprs, &names);
                if (n < 0)
                    return false;
                for (int i = 0; i < n; i++)
                    if (!add_target(x, q, exprs[i], names[i], false))
                        return false;
                continue;
            }
        }
        q->clause = "SELECT";
        ir_expr *e = analyze_expr(x, q, val);
        if (!e)
            return false;
        /* Unknown literals in the select list become text (PostgreSQL 10+), except in the
         * arm of a set operation, where the set operation's common type decides, and in the
         * source of an INSERT, where the target column decides. */
        if (e->type == PG_OID_UNKNOWN && !q->setop_arm && !q->keep_unknown_outputs) {
            e = ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL);
            if (!e)
                return false;
        }
        const char *name = xlate_strdup(x, rt->name ? rt->name : figure_colname(val));
        if (!add_target(x, q, e, name, false))
            return false;
    }
    return true;
}

ir_expr *ir_to_condition(sql_xlate *x, ir_expr *e, const char *clause)
{
    if (!e)
        return NULL;
    if (e->type == PG_OID_BOOL)
        return e;
    if (e->type == PG_OID_UNKNOWN || (e->kind == IRE_PARAM && e->type == PG_OID_INVALID))
        return ir_coerce(x, e, PG_OID_BOOL, -1, COERCE_ASSIGNMENT, NULL);
    const pg_type_info *t = types_by_oid(e->type);
    xlate_error(x, e->location, "42804", "argument of %s must be type boolean, not type %s", clause,
                t ? t->sql_name : "unknown");
    return NULL;
}

ir_expr *analyze_condition(sql_xlate *x, ir_query *q, Node *node, const char *clause)
{
    const char *saved = q->clause;
    q->clause = clause;
    ir_expr *e = analyze_expr(x, q, node);
    q->clause = saved;
    return ir_to_condition(x, e, clause);
}

/* ---------------------------------------------------------------- GROUP BY, ORDER BY */

static bool list_equal(ir_expr *const *a, ir_expr *const *b, int n)
{
    for (int i = 0; i < n; i++)
        if (!ir_equal(a[i], b[i]))
            return false;
    return true;
}

/* Structural equality, for matching GROUP BY expressions. */
bool ir_equal(const ir_expr *a, const ir_expr *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind || a->type != b->type)
        return false;
    switch (a->kind) {
    case IRE_COLUMN:
        return a->u.column.levels_up == b->u.column.levels_up && a->u.column.rte == b->u.column.rte &&
               a->u.column.column == b->u.column.column;
    case IRE_CONST:
        if (a->u.constant.value.kind != b->u.constant.value.kind)
            return false;
        switch (a->u.constant.value.kind) {
        case VALUE_NULL: return true;
        case VALUE_INT: return a->u.constant.value.i == b->u.constant.value.i;
        case VALUE_FLOAT: return a->u.constant.value.f == b->u.constant.value.f;
        default:
            return a->u.constant.value.len == b->u.constant.value.len &&
                   memcmp(a->u.constant.value.ptr, b->u.constant.value.ptr, a->u.constant.value.len) == 0;
        }
    case IRE_PARAM:
        return a->u.param.number == b->u.param.number;
    case IRE_CALL:
    case IRE_AGG:
        return a->u.call.fn == b->u.call.fn && a->u.call.nargs == b->u.call.nargs &&
               a->u.call.distinct == b->u.call.distinct &&
               list_equal(a->u.call.args, b->u.call.args, a->u.call.nargs);
    case IRE_CAST:
        return a->typmod == b->typmod && ir_equal(a->u.cast.arg, b->u.cast.arg);
    case IRE_AND: case IRE_OR: case IRE_NOT: case IRE_NULLTEST: case IRE_COALESCE:
    case IRE_NULLIF: case IRE_GREATEST: case IRE_LEAST: case IRE_IN_LIST: case IRE_DISTINCT:
        return a->u.list.nargs == b->u.list.nargs && a->u.list.negated == b->u.list.negated &&
               list_equal(a->u.list.args, b->u.list.args, a->u.list.nargs);
    case IRE_SETTING:
        return strcmp(a->u.setting.name, b->u.setting.name) == 0;
    case IRE_RAW:
        return strcmp(a->u.raw.sql, b->u.raw.sql) == 0 && a->u.raw.nargs == b->u.raw.nargs &&
               list_equal(a->u.raw.args, b->u.raw.args, a->u.raw.nargs);
    default:
        return false;
    }
}

/* GROUP BY / ORDER BY item: an output column by ordinal or name, or an expression. */
static ir_expr *resolve_clause_item(sql_xlate *x, ir_query *q, Node *node, bool order_by, const char *clause,
                                    int *target_index)
{
    *target_index = -1;
    if (IsA(node, A_Const) && IsA(&((A_Const *)node)->val, Integer)) {
        int pos = (int)intVal(&((A_Const *)node)->val);
        int visible = 0;
        for (int i = 0; i < q->ntargets; i++) {
            if (q->targets[i].junk)
                continue;
            if (++visible == pos) {
                *target_index = i;
                return q->targets[i].expr;
            }
        }
        xlate_error(x, ((A_Const *)node)->location, "42P10", "%s position %d is not in select list", clause, pos);
        return NULL;
    }
    if (IsA(node, ColumnRef) && list_length(((ColumnRef *)node)->fields) == 1 &&
        IsA(linitial(((ColumnRef *)node)->fields), String)) {
        const char *name = strVal(linitial(((ColumnRef *)node)->fields));
        if (order_by) {
            /* ORDER BY: output names win over input columns. */
            int found = -1;
            for (int i = 0; i < q->ntargets; i++)
                if (!q->targets[i].junk && strcmp(q->targets[i].name, name) == 0) {
                    if (found >= 0 && !ir_equal(q->targets[found].expr, q->targets[i].expr)) {
                        xlate_error(x, ((ColumnRef *)node)->location, "42702",
                                    "ORDER BY \"%s\" is ambiguous", name);
                        return NULL;
                    }
                    if (found < 0)
                        found = i;
                }
            if (found >= 0) {
                *target_index = found;
                return q->targets[found].expr;
            }
        } else {
            /* GROUP BY: input columns win; an output name is used only if no input column. */
            bool input = false;
            for (int i = 0; i < q->nns && !input; i++) {
                if (!q->ns[i].cols_visible)
                    continue;
                ir_rte *r = q->rtes[q->ns[i].rte];
                for (int c = 0; c < r->ncols; c++)
                    if (strcmp(r->colnames[c], name) == 0)
                        input = true;
            }
            if (!input)
                for (int i = 0; i < q->ntargets; i++)
                    if (!q->targets[i].junk && strcmp(q->targets[i].name, name) == 0) {
                        *target_index = i;
                        return q->targets[i].expr;
                    }
        }
    }
    const char *saved = q->clause;
    q->clause = clause;
    ir_expr *e = analyze_expr(x, q, node);
    q->clause = saved;
    if (e && e->type == PG_OID_UNKNOWN)
        e = ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL);
    return e;
}

/* A GROUP BY item into q->group (once), returning its bit. */
static bool group_item(sql_xlate *x, ir_query *q, Node *item, uint64_t *bit)
{
    int ti;
    ir_expr *e = resolve_clause_item(x, q, item, false, "GROUP BY", &ti);
    if (!e)
        return false;
    if (ir_contains_aggregate(e)) {
        xlate_error(x, e->location, "42803", "aggregate functions are not allowed in GROUP BY");
        return false;
    }
    for (int i = 0; i < q->ngroup; i++)
        if (ir_equal(q->group[i], e)) {
            *bit = 1ull << i;
            return true;
        }
    if (q->ngroup >= 64) {
        xlate_error(x, exprLocation(item), "54000", "too many grouping expressions");
        return false;
    }
    *bit = 1ull << q->ngroup;
    q->group[q->ngroup++] = e;
    return true;
}

typedef struct set_list {
    int n, cap;
    uint64_t *m;
} set_list;

static bool set_add(sql_xlate *x, set_list *l, uint64_t m)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        if (cap > 4096) {
            xlate_error(x, -1, "54000", "too many grouping sets present (maximum 4096)");
            return false;
        }
        uint64_t *grown = xlate_alloc(x, sizeof *grown * (size_t)cap);
        if (!grown)
            return false;
        if (l->n)
            memcpy(grown, l->m, sizeof *grown * (size_t)l->n);
        l->m = grown;
        l->cap = cap;
    }
    l->m[l->n++] = m;
    return true;
}

/* The bit mask of a parenthesized list of GROUP BY items: (a, b), or one item. */
static bool group_list(sql_xlate *x, ir_query *q, Node *item, uint64_t *mask)
{
    *mask = 0;
    if (IsA(item, GroupingSet)) {
        GroupingSet *gs = (GroupingSet *)item;
        if (gs->kind == GROUPING_SET_EMPTY)
            return true;
        if (gs->kind != GROUPING_SET_SIMPLE) {
            xlate_error(x, gs->location, "0A000", "nested ROLLUP, CUBE or GROUPING SETS here are not supported");
            return false;
        }
        ListCell *lc;
        foreach (lc, gs->content) {
            uint64_t bit;
            if (!group_item(x, q, lfirst(lc), &bit))
                return false;
            *mask |= bit;
        }
        return true;
    }
    return group_item(x, q, item, mask);
}

/* The grouping sets one GROUP BY item stands for. */
static bool item_sets(sql_xlate *x, ir_query *q, Node *item, set_list *out)
{
    if (!IsA(item, GroupingSet)) {
        uint64_t bit;
        return group_item(x, q, item, &bit) && set_add(x, out, bit);
    }
    GroupingSet *gs = (GroupingSet *)item;
    int n = list_length(gs->content);
    uint64_t *parts = xlate_alloc(x, sizeof *parts * (size_t)(n + 1));
    if (!parts)
        return false;
    switch (gs->kind) {
    case GROUPING_SET_EMPTY:
        return set_add(x, out, 0);
    case GROUPING_SET_SIMPLE:
    case GROUPING_SET_ROLLUP:
    case GROUPING_SET_CUBE: {
        for (int i = 0; i < n; i++)
            if (!group_list(x, q, list_nth(gs->content, i), &parts[i]))
                return false;
        if (gs->kind == GROUPING_SET_SIMPLE) {
            uint64_t m = 0;
            for (int i = 0; i < n; i++)
                m |= parts[i];
            return set_add(x, out, m);
        }
        if (gs->kind == GROUPING_SET_ROLLUP) {
            /* (a, b, c), (a, b), (a), () */
            for (int k = n; k >= 0; k--) {
                uint64_t m = 0;
                for (int i = 0; i < k; i++)
                    m |= parts[i];
                if (!set_add(x, out, m))
                    return false;
            }
            return true;
        }
        if (n > 12) {
            xlate_error(x, gs->location, "54000", "CUBE is limited to 12 elements");
            return false;
        }
        /* CUBE: every subset, larger ones first as PostgreSQL lists them */
        for (int size = n; size >= 0; size--)
            for (uint32_t sub = (1u << n); sub-- > 0;) {
                if (__builtin_popcount(sub) != size)
                    continue;
                uint64_t m = 0;
                for (int i = 0; i < n; i++)
                    if (sub & (1u << i))
                        m |= parts[i];
                if (!set_add(x, out, m))
                    return false;
            }
        return true;
    }
    case GROUPING_SET_SETS: {
        ListCell *lc;
        foreach (lc, gs->content)
            if (!item_sets(x, q, lfirst(lc), out))
                return false;
        return true;
    }
    }
    return false;
}

static bool analyze_group_by(sql_xlate *x, ir_query *q, List *group)
{
    int n = list_length(group);
    if (!n)
        return true;
    q->group = xlate_alloc(x, sizeof *q->group * 65);
    if (!q->group)
        return false;
    bool any_sets = false;
    ListCell *lc;
    foreach (lc, group) {
        Node *item = lfirst(lc);
        if (IsA(item, GroupingSet) && ((GroupingSet *)item)->kind != GROUPING_SET_EMPTY)
            any_sets = true;
    }
    if (!any_sets) {
        foreach (lc, group) {
            Node *item = lfirst(lc);
            uint64_t bit;
            if (IsA(item, GroupingSet))
                continue;   /* () alone: one group of all rows */
            if (!group_item(x, q, item, &bit))
                return false;
        }
        if (q->ngroup == 0 && n > 0)
            q->has_aggregates = true;   /* GROUP BY (): one row even for no rows */
        return true;
    }
    /* The cross product of the items' sets (GROUP BY a, ROLLUP (b, c) → (a,b,c), (a,b), (a)). */
    set_list acc = {0};
    if (!set_add(x, &acc, 0))
        return false;
    foreach (lc, group) {
        set_list mine = {0}, next = {0};
        if (!item_sets(x, q, lfirst(lc), &mine))
            return false;
        for (int i = 0; i < acc.n; i++)
            for (int j = 0; j < mine.n; j++)
                if (!set_add(x, &next, acc.m[i] | mine.m[j]))
                    return false;
        acc = next;
    }
    q->grouping_sets = acc.m;
    q->ngrouping_sets = acc.n;
    q->has_aggregates = true;
    return true;
}

/* Types without a default btree ordering (json, point, xml): PostgreSQL refuses to sort
 * or group them. */
bool analyze_check_ordering(sql_xlate *x, ir_expr *e, int location)
{
    pg_oid t = e->type;
    if (t == PG_OID_JSON || t == PG_OID_XML || t == PG_OID_POINT) {
        const pg_type_info *ti = types_by_oid(t);
        xlate_error(x, location, "42883", "could not identify an ordering operator for type %s", ti ? ti->sql_name : "?");
        pg_error_hint(x->err, "Use an explicit ordering operator or modify the query.");
        return false;
    }
    return true;
}

bool analyze_sort_clause(sql_xlate *x, ir_query *q, List *sort, bool for_setop)
{
    int n = list_length(sort);
    if (!n)
        return true;
    q->sort = xlate_alloc(x, sizeof *q->sort * (size_t)n);
    if (!q->sort)
        return false;
    ListCell *lc;
    foreach (lc, sort) {
        SortBy *sb = lfirst_node(SortBy, lc);
        int ti = -1;
        ir_expr *e;
        if (for_setop) {
            /* ORDER BY of UNION/INTERSECT/EXCEPT: only output columns, by name or position. */
            e = resolve_clause_item(x, q, sb->node, true, "ORDER BY", &ti);
            if (e && ti < 0 && !pg_error_is_set(x->err)) {
                pg_error_clear(x->err);
                xlate_error(x, exprLocation(sb->node), "0A000",
                            "invalid UNION/INTERSECT/EXCEPT ORDER BY clause");
                pg_error_detail(x->err, "Only result column names can be used, not expressions or functions.");
                return false;
            }
        } else {
            e = resolve_clause_item(x, q, sb->node, true, "ORDER BY", &ti);
        }
        if (!e)
            return false;
        if (sb->sortby_dir == SORTBY_USING) {
            xlate_error(x, sb->location, "0A000", "ORDER BY ... USING is not supported");
            return false;
        }
        if (!analyze_check_ordering(x, e, exprLocation(sb->node)))
            return false;
        ir_sort *s = &q->sort[q->nsort++];
        s->expr = e;
        s->descending = sb->sortby_dir == SORTBY_DESC;
        s->nulls = sb->sortby_nulls == SORTBY_NULLS_FIRST ? 1 : sb->sortby_nulls == SORTBY_NULLS_LAST ? 2 : 0;
        if (q->distinct && ti < 0) {
            bool in_list = false;
            for (int i = 0; i < q->ntargets; i++)
                if (ir_equal(q->targets[i].expr, e))
                    in_list = true;
            if (!in_list) {
                xlate_error(x, exprLocation(sb->node), "42P10",
                            "for SELECT DISTINCT, ORDER BY expressions must appear in select list");
                return false;
            }
        }
    }
    return true;
}

/* The "must appear in the GROUP BY clause" rule: every column of this query level used
 * outside an aggregate must be grouped (or its table's primary key must be). */
typedef struct group_check {
    sql_xlate *x;
    ir_query *q;
    const char *clause;
} group_check;

static bool pk_grouped(ir_query *q, int rte)
{
    ir_rte *r = q->rtes[rte];
    if (r->kind != IR_RTE_RELATION)
        return false;
    for (int c = 0; c < r->rel->nconstraints; c++) {
        cat_constraint *con = &r->rel->constraints[c];
        if (con->type != 'p')
            continue;
        for (int k = 0; k < con->nkeys; k++) {
            bool found = false;
            for (int g = 0; g < q->ngroup; g++) {
                ir_expr *e = q->group[g];
                if (e->kind == IRE_COLUMN && e->u.column.levels_up == 0 && e->u.column.rte == rte &&
                    r->rel->columns[e->u.column.column].attnum == con->keys[k])
                    found = true;
            }
            if (!found)
                return false;
        }
        return true;
    }
    return false;
}

static bool check_grouped(group_check *c, ir_expr *e, int depth);

static bool check_grouped_list(group_check *c, ir_expr **args, int n, int depth)
{
    for (int i = 0; i < n; i++)
        if (!check_grouped(c, args[i], depth))
            return false;
    return true;
}

static bool check_grouped(group_check *c, ir_expr *e, int depth)
{
    if (!e)
        return true;
    for (int g = 0; g < c->q->ngroup; g++)
        if (ir_equal(c->q->group[g], e))
            return true;
    switch (e->kind) {
    case IRE_AGG:
        return true;
    case IRE_COLUMN:
        if (e->u.column.levels_up != depth)
            return true;
        if (pk_grouped(c->q, e->u.column.rte))
            return true;
        {
            ir_rte *r = c->q->rtes[e->u.column.rte];
            xlate_error(c->x, e->location, "42803",
                        "column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function",
                        r->alias, r->colnames[e->u.column.column]);
        }
        return false;
    case IRE_CALL:
    case IRE_WINDOW:
        return check_grouped_list(c, e->u.call.args, e->u.call.nargs, depth);
    case IRE_CAST:
        return check_grouped(c, e->u.cast.arg, depth);
    case IRE_AND: case IRE_OR: case IRE_NOT: case IRE_NULLTEST: case IRE_COALESCE: case IRE_NULLIF:
    case IRE_GREATEST: case IRE_LEAST: case IRE_ARRAY: case IRE_ROW: case IRE_IN_LIST: case IRE_DISTINCT:
    case IRE_ANY_ARRAY:
        return check_grouped_list(c, e->u.list.args, e->u.list.nargs, depth);
    case IRE_BOOLTEST:
        return check_grouped(c, e->u.booltest.arg, depth);
    case IRE_CASE:
        if (!check_grouped(c, e->u.case_.arg, depth) || !check_grouped(c, e->u.case_.otherwise, depth))
            return false;
        for (int i = 0; i < e->u.case_.nwhen; i++)
            if (!check_grouped(c, e->u.case_.when[i].cond, depth) ||
                !check_grouped(c, e->u.case_.when[i].result, depth))
                return false;
        return true;
    case IRE_SUBLINK:
        return check_grouped(c, e->u.sublink.test, depth);
    case IRE_RAW:
        return check_grouped_list(c, e->u.raw.args, e->u.raw.nargs, depth);
    default:
        return true;
    }
}

/* ---------------------------------------------------------------- windows */

static bool analyze_window_clause(sql_xlate *x, ir_query *q, List *windows)
{
    int n = list_length(windows);
    if (!n)
        return true;
    q->window_names = xlate_alloc(x, sizeof *q->window_names * (size_t)n);
    q->window_defs = xlate_alloc(x, sizeof *q->window_defs * (size_t)n);
    if (!q->window_names || !q->window_defs)
        return false;
    ListCell *lc;
    foreach (lc, windows) {
        WindowDef *wd = lfirst_node(WindowDef, lc);
        q->window_names[q->nwindows] = xlate_strdup(x, wd->name);
        q->window_defs[q->nwindows] = wd;
        q->nwindows++;
    }
    return true;
}

/* ---------------------------------------------------------------- SELECT */

static ir_expr *limit_expr(sql_xlate *x, ir_query *q, Node *n, const char *clause)
{
    if (!n)
        return NULL;
    if (IsA(n, A_Const) && ((A_Const *)n)->isnull)
        return NULL;   /* LIMIT NULL / LIMIT ALL */
    const char *saved = q->clause;
    q->clause = clause;
    ir_expr *e = analyze_expr(x, q, n);
    q->clause = saved;
    if (!e)
        return NULL;
    return ir_coerce(x, e, PG_OID_INT8, -1, COERCE_ASSIGNMENT, NULL);
}

static ir_query *analyze_setop(sql_xlate *x, ir_query *parent, SelectStmt *s);

/* ---------------------------------------------------------------- SRFs in the select list */

typedef struct srf_find {
    ir_expr **slots[8];
    int n;
    bool too_many;
} srf_find;

static bool find_srf(ir_expr **slot, void *arg)
{
    srf_find *f = arg;
    ir_expr *e = *slot;
    if (e->kind == IRE_CALL && e->u.call.fn->kind == FN_SET_RETURNING) {
        if (f->n < (int)ARRAY_LEN(f->slots))
            f->slots[f->n++] = slot;
        else
            f->too_many = true;
        return true;
    }
    return true;
}

/* SELECT srf(...) [FROM ...]: PostgreSQL runs the function once per input row and emits a
 * row per result (ProjectSet).  With one set-returning call that is a LATERAL function scan
 * joined after the FROM items, the call replaced by its column; ORDER BY keeps the
 * function's own order among equal keys through its ordinality.  What ProjectSet does
 * beyond that (several calls in lock step, calls above grouping) is refused. */
static bool hoist_select_srfs(sql_xlate *x, ir_query *q, SelectStmt *s)
{
    srf_find f = {0};
    for (int i = 0; i < q->ntargets; i++)
        if (!ir_walk(&q->targets[i].expr, find_srf, &f))
            return false;
    if (f.n == 0)
        return true;
    const sql_function *first = (*f.slots[0])->u.call.fn;
    int location = (*f.slots[0])->location;
    for (int i = 1; i < f.n; i++)
        if (*f.slots[i] != *f.slots[0]) {
            xlate_error(x, (*f.slots[i])->location, "0A000",
                        "several set-returning functions in one select list are not supported; use ROWS FROM or joins in FROM");
            return false;
        }
    bool grouped = s->groupClause || s->havingClause || s->windowClause;
    for (int i = 0; i < q->ntargets && !grouped; i++)
        grouped = ir_contains_aggregate(q->targets[i].expr);
    if (grouped || q->has_windows) {
        xlate_error(x, location, "0A000",
                    "set-returning functions in the select list of a grouped or windowed query are not supported; "
                    "move %s() into FROM", first->name);
        return false;
    }
    int nout;
    const char *const *out_names;
    const pg_oid *out_types;
    if (analyze_srf_out_columns(first->name, &nout, &out_names, &out_types)) {
        xlate_error(x, location, "0A000", "%s() in the select list returns a record; call it in FROM instead", first->name);
        return false;
    }
    ir_expr *call = *f.slots[0];
    ir_rte *r = xlate_alloc(x, sizeof *r);
    const char **engine = xlate_alloc(x, sizeof *engine * 2);
    if (!r || !engine)
        return false;
    r->kind = IR_RTE_FUNCTION;
    r->alias = first->name;
    r->function = call;
    r->lateral = true;
    r->with_ordinality = true;
    engine[0] = "value";
    engine[1] = "ordinality";
    r->engine_colnames = engine;
    const char *names[2] = {first->name, "ordinality"};
    pg_oid types[2] = {call->type, PG_OID_INT8};
    if (!analyze_set_rte_columns(x, r, 2, names, types, NULL, NULL, -1))
        return false;
    r->coltypmods[0] = call->typmod;
    int rte = ir_add_rte(x, q, r);
    ir_from *from = xlate_alloc(x, sizeof *from);
    ir_from **list = xlate_alloc(x, sizeof *list * (size_t)(q->nfrom + 1));
    if (rte < 0 || !from || !list)
        return false;
    from->rte = rte;
    if (q->nfrom)
        memcpy(list, q->from, sizeof *list * (size_t)q->nfrom);
    list[q->nfrom] = from;
    q->from = list;
    q->nfrom++;
    for (int col = 0; col < 2; col++) {
        ir_expr *c = ir_new(x, IRE_COLUMN, types[col], location);
        if (!c)
            return false;
        c->u.column.rte = rte;
        c->u.column.column = col;
        if (col == 0) {
            c->typmod = call->typmod;
            for (int i = 0; i < f.n; i++)
                *f.slots[i] = c;
        } else {
            q->srf_ordinality = c;
        }
    }
    return true;
}

static ir_query *analyze_select_core(sql_xlate *x, ir_query *parent, SelectStmt *s)
{
    bool keep_unknowns = x->keep_unknown_outputs;
    x->keep_unknown_outputs = false;
    if (s->op != SETOP_NONE)
        return analyze_setop(x, parent, s);
    if (s->valuesLists) {
        bool for_insert = x->insert_values;
        x->insert_values = false;
        return analyze_values(x, parent, s, for_insert);
    }
    x->insert_values = false;
    if (s->intoClause) {
        xlate_error(x, -1, "0A000", "SELECT INTO is not supported; use CREATE TABLE AS");
        return NULL;
    }
    ir_query *q = ir_query_new(x, QUERY_SELECT, parent);
    if (q) {
        q->keep_unknown_outputs = keep_unknowns;
        q->setop_arm = x->setop_arm || (parent && parent->kind == QUERY_SETOP);
        x->setop_arm = false;
    }
    if (!q || !analyze_with(x, q, s->withClause) || !analyze_from_list(x, q, s->fromClause) ||
        !analyze_window_clause(x, q, s->windowClause))
        return NULL;
    if (!analyze_target_list(x, q, s->targetList) || !hoist_select_srfs(x, q, s))
        return NULL;
    if (s->whereClause) {
        q->where = analyze_condition(x, q, s->whereClause, "WHERE");
        if (!q->where)
            return NULL;
        if (ir_contains_aggregate(q->where)) {
            xlate_error(x, q->where->location, "42803", "aggregate functions are not allowed in WHERE");
            return NULL;
        }
    }
    if (!analyze_group_by(x, q, s->groupClause))
        return NULL;
    if (s->havingClause) {
        q->having = analyze_condition(x, q, s->havingClause, "HAVING");
        if (!q->having)
            return NULL;
    }
    if (s->distinctClause) {
        if (list_length(s->distinctClause) == 1 && linitial(s->distinctClause) == NULL) {
            q->distinct = true;
        } else {
            int n = list_length(s->distinctClause);
            q->distinct_on = xlate_alloc(x, sizeof *q->distinct_on * (size_t)n);
            if (!q->distinct_on)
                return NULL;
            ListCell *lc;
            foreach (lc, s->distinctClause) {
                int ti;
                ir_expr *e = resolve_clause_item(x, q, lfirst(lc), true, "DISTINCT ON", &ti);
                if (!e)
                    return NULL;
                q->distinct_on[q->ndistinct_on++] = e;
            }
        }
    }
    if (!analyze_sort_clause(x, q, s->sortClause, false))
        return NULL;
    if (q->ndistinct_on) {
        /* SELECT DISTINCT ON expressions must match initial ORDER BY expressions */
        for (int i = 0; i < q->nsort && i < q->ndistinct_on; i++) {
            bool found = false;
            for (int j = 0; j < q->ndistinct_on; j++)
                if (ir_equal(q->sort[i].expr, q->distinct_on[j]))
                    found = true;
            if (!found) {
                xlate_error(x, q->sort[i].expr->location, "42P10",
                            "SELECT DISTINCT ON expressions must match initial ORDER BY expressions");
                return NULL;
            }
        }
    }
    q->limit = limit_expr(x, q, s->limitCount, "LIMIT");
    q->offset = limit_expr(x, q, s->limitOffset, "OFFSET");
    if (pg_error_is_set(x->err))
        return NULL;
    q->limit_with_ties = (int)s->limitOption == PGQ_LIMIT_OPTION_WITH_TIES;
    if (q->limit_with_ties && !s->sortClause) {
        xlate_error(x, -1, "42601", "WITH TIES cannot be specified without ORDER BY clause");
        return NULL;
    }
    q->locking = s->lockingClause ? 1 : 0;
    /* Aggregates anywhere make the query grouped. */
    for (int i = 0; i < q->ntargets && !q->has_aggregates; i++)
        if (ir_contains_aggregate(q->targets[i].expr))
            q->has_aggregates = true;
    if (q->having && ir_contains_aggregate(q->having))
        q->has_aggregates = true;
    for (int i = 0; i < q->nsort && !q->has_aggregates; i++)
        if (ir_contains_aggregate(q->sort[i].expr))
            q->has_aggregates = true;
    for (int i = 0; i < q->nrte && (q->has_aggregates || q->ngroup); i++)
        if (q->rtes[i]->from_target_list) {
            const ir_expr *fn = q->rtes[i]->function;
            xlate_error(x, fn ? fn->location : -1, "0A000",
                        "set-returning functions in the select list of a grouped or windowed query are not supported; "
                        "move %s() into FROM", fn && fn->kind == IRE_CALL ? fn->u.call.fn->name : "the function");
            return NULL;
        }
    if (q->has_aggregates || q->ngroup || q->having) {
        group_check c = {x, q, "SELECT"};
        for (int i = 0; i < q->ntargets; i++)
            if (!check_grouped(&c, q->targets[i].expr, 0))
                return NULL;
        if (q->having && !check_grouped(&c, q->having, 0))
            return NULL;
        for (int i = 0; i < q->nsort; i++)
            if (!check_grouped(&c, q->sort[i].expr, 0))
                return NULL;
    }
    return q;
}

/* VALUES rows.  For an INSERT's own VALUES (for_insert), PostgreSQL coerces each value to
 * its target column in assignment context, so unknown literals are left untyped here. */
static ir_query *analyze_values(sql_xlate *x, ir_query *parent, SelectStmt *s, bool for_insert)
{
    ir_query *q = ir_query_new(x, QUERY_VALUES, parent);
    if (!q)
        return NULL;
    int nrows = list_length(s->valuesLists);
    q->rows = xlate_alloc(x, sizeof *q->rows * (size_t)nrows);
    if (!q->rows)
        return NULL;
    int ncols = -1;
    ListCell *lc;
    foreach (lc, s->valuesLists) {
        List *row = lfirst(lc);
        int n = list_length(row);
        if (ncols >= 0 && n != ncols) {
            xlate_error(x, exprLocation((Node *)row), "42601", "VALUES lists must all be the same length");
            return NULL;
        }
        ncols = n;
        ir_expr **exprs = xlate_alloc(x, sizeof *exprs * (size_t)(n + 1));
        if (!exprs)
            return NULL;
        int i = 0;
        ListCell *vc;
        foreach (vc, row) {
            Node *v = lfirst(vc);
            if (IsA(v, SetToDefault)) {
                exprs[i] = ir_new(x, IRE_DEFAULT, PG_OID_UNKNOWN, ((SetToDefault *)v)->location);
            } else {
                q->clause = "VALUES";
                exprs[i] = analyze_expr(x, q, v);
            }
            if (!exprs[i])
                return NULL;
            i++;
        }
        q->rows[q->nrows++] = exprs;
    }
    /* Column types: select_common_type per column, unknown → text; rows coerced. */
    q->targets = xlate_alloc(x, sizeof *q->targets * (size_t)(ncols + 1));
    pg_oid *types = xlate_alloc(x, sizeof *types * (size_t)(nrows + 1));
    if (!q->targets || !types)
        return NULL;
    for (int c = 0; c < ncols; c++) {
        if (for_insert) {
            ir_expr *col = ir_new(x, IRE_CONST, q->rows[0][c]->type, -1);
            if (!col)
                return NULL;
            q->targets[c].expr = col;
            q->targets[c].name = arena_printf(x->mem, "column%d", c + 1);
            q->ntargets++;
            continue;
        }
        int nt = 0;
        for (int r = 0; r < nrows; r++)
            if (q->rows[r][c]->kind != IRE_DEFAULT)
                types[nt++] = q->rows[r][c]->type;
        pg_oid common = sql_common_type(types, nt);
        if (common == PG_OID_INVALID) {
            xlate_error(x, q->rows[0][c]->location, "42804", "VALUES types %s and %s cannot be matched",
                        types_by_oid(types[0]) ? types_by_oid(types[0])->sql_name : "?",
                        types_by_oid(types[nt - 1]) ? types_by_oid(types[nt - 1])->sql_name : "?");
            return NULL;
        }
        int32_t typmod = -1;
        for (int r = 0; r < nrows; r++) {
            ir_expr *e = q->rows[r][c];
            if (e->kind == IRE_DEFAULT)
                continue;
            if (e->type != common) {
                e = ir_coerce(x, e, common, -1, COERCE_IMPLICIT, NULL);
                if (!e)
                    return NULL;
                q->rows[r][c] = e;
            }
            typmod = r == 0 ? e->typmod : (typmod == e->typmod ? typmod : -1);
        }
        ir_expr *col = ir_new(x, IRE_CONST, common, -1);
        if (!col)
            return NULL;
        col->typmod = typmod;
        q->targets[c].expr = col;
        q->targets[c].name = arena_printf(x->mem, "column%d", c + 1);
        q->ntargets++;
    }
    if (!analyze_sort_clause(x, q, s->sortClause, true))
        return NULL;
    q->limit = limit_expr(x, q, s->limitCount, "LIMIT");
    q->offset = limit_expr(x, q, s->limitOffset, "OFFSET");
    if ((int)s->limitOption == PGQ_LIMIT_OPTION_WITH_TIES && !pg_error_is_set(x->err)) {
        xlate_error(x, -1, "0A000", "FETCH FIRST ... WITH TIES over VALUES or a set operation is not supported");
        return NULL;
    }
    return pg_error_is_set(x->err) ? NULL : q;
}

static const char *setop_name(SetOperation op)
{
    return op == SETOP_UNION ? "UNION" : op == SETOP_INTERSECT ? "INTERSECT" : "EXCEPT";
}

static ir_query *analyze_setop(sql_xlate *x, ir_query *parent, SelectStmt *s)
{
    ir_query *q = ir_query_new(x, QUERY_SETOP, parent);
    if (!q || !analyze_with(x, q, s->withClause))
        return NULL;
    q->setop = s->op == SETOP_UNION ? IRS_UNION : s->op == SETOP_INTERSECT ? IRS_INTERSECT : IRS_EXCEPT;
    q->setop_all = s->all;
    q->larg = analyze_select_core(x, q, s->larg);
    if (!q->larg)
        return NULL;
    q->rarg = analyze_select_core(x, q, s->rarg);
    if (!q->rarg)
        return NULL;
    ir_query *l = q->larg, *r = q->rarg;
    int nl = 0, nr = 0;
    for (int i = 0; i < l->ntargets; i++)
        nl += !l->targets[i].junk;
    for (int i = 0; i < r->ntargets; i++)
        nr += !r->targets[i].junk;
    if (nl != nr) {
        xlate_error(x, -1, "42601", "each %s query must have the same number of columns", setop_name(s->op));
        return NULL;
    }
    q->targets = xlate_alloc(x, sizeof *q->targets * (size_t)(nl + 1));
    if (!q->targets)
        return NULL;
    for (int i = 0; i < nl; i++) {
        ir_target *lt = &l->targets[i], *rt = &r->targets[i];
        pg_oid pair[2] = {lt->expr->type, rt->expr->type};
        pg_oid common = sql_common_type(pair, 2);
        if (common == PG_OID_INVALID) {
            xlate_error(x, rt->expr->location, "42804", "%s types %s and %s cannot be matched", setop_name(s->op),
                        types_by_oid(pair[0]) ? types_by_oid(pair[0])->sql_name : "?",
                        types_by_oid(pair[1]) ? types_by_oid(pair[1])->sql_name : "?");
            return NULL;
        }
        if (lt->expr->type != common && !(lt->expr = ir_coerce(x, lt->expr, common, -1, COERCE_IMPLICIT, NULL)))
            return NULL;
        if (rt->expr->type != common && !(rt->expr = ir_coerce(x, rt->expr, common, -1, COERCE_IMPLICIT, NULL)))
            return NULL;
        ir_expr *col = ir_new(x, IRE_CONST, common, -1);
        if (!col)
            return NULL;
        col->typmod = lt->expr->typmod == rt->expr->typmod ? lt->expr->typmod : -1;
        q->targets[i].expr = col;
        q->targets[i].name = lt->name;
        q->ntargets++;
    }
    if (!analyze_sort_clause(x, q, s->sortClause, true))
        return NULL;
    q->limit = limit_expr(x, q, s->limitCount, "LIMIT");
    q->offset = limit_expr(x, q, s->limitOffset, "OFFSET");
    if ((int)s->limitOption == PGQ_LIMIT_OPTION_WITH_TIES && !pg_error_is_set(x->err)) {
        xlate_error(x, -1, "0A000", "FETCH FIRST ... WITH TIES over VALUES or a set operation is not supported");
        return NULL;
    }
    q->locking = s->lockingClause ? 1 : 0;
    return pg_error_is_set(x->err) ? NULL : q;
}

ir_query *analyze_subquery(sql_xlate *x, ir_query *parent, Node *stmt)
{
    if (!IsA(stmt, SelectStmt)) {
        xlate_error(x, -1, "0A000", "data-modifying statements in WITH or subqueries are not supported");
        return NULL;
    }
    return analyze_select_core(x, parent, (SelectStmt *)stmt);
}

ir_query *analyze_select(sql_xlate *x, ir_query *parent, Node *stmt)
{
    return analyze_select_core(x, parent, (SelectStmt *)stmt);
}
