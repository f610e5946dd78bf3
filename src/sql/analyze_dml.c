/*
 * analyze_dml.c — INSERT, UPDATE and DELETE as PostgreSQL's analyze.c transforms them:
 * target columns resolved, values coerced to the column types in assignment context,
 * DEFAULT replaced by the column's default expression, ON CONFLICT with EXCLUDED, RETURNING
 * with the target (and FROM/USING) in scope.
 */
#include "sql/pg_nodes.h"

#include <string.h>

/* The column's default as an expression of this statement, or NULL (a NULL constant). */
static ir_expr *default_expr(sql_xlate *x, ir_query *q, const cat_relation *rel, int col)
{
    const cat_column *c = &rel->columns[col];
    if (!c->default_expr)
        return ir_const_null(x, c->type, -1);
    /* Parse "SELECT <default>" and analyse it with no tables in scope. */
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT %s", c->default_expr);
    if (sql.failed) {
        pg_error_oom(x->err);
        return NULL;
    }
    raw_parse p;
    pg_error perr = {0};
    if (!raw_parse_text(sql.data, &p, NULL, 0, &perr)) {
        xlate_error(x, -1, "XX000", "invalid default expression for column \"%s\": %s", c->name, perr.message);
        pg_error_clear(&perr);
        strbuf_free(&sql);
        return NULL;
    }
    RawStmt *rs = linitial(p.statements);
    SelectStmt *s = (SelectStmt *)rs->stmt;
    ResTarget *rt = linitial(s->targetList);
    ir_query *scope = ir_query_new(x, QUERY_SELECT, NULL);
    const char *saved_text = x->text;
    x->text = sql.data;
    ir_expr *e = scope ? analyze_expr(x, scope, rt->val) : NULL;
    x->text = saved_text;
    raw_parse_free(&p);
    strbuf_free(&sql);
    UNUSED(q);
    if (!e)
        return NULL;
    e->location = -1;
    return ir_coerce(x, e, c->type, c->typmod, COERCE_ASSIGNMENT, NULL);
}

static ir_expr *assign(sql_xlate *x, ir_query *q, const cat_relation *rel, int col, ir_expr *e)
{
    const cat_column *c = &rel->columns[col];
    if (e->kind == IRE_DEFAULT)
        return default_expr(x, q, rel, col);
    char what[300];
    snprintf(what, sizeof what, "column \"%s\"", c->name);
    ir_expr *out = ir_coerce(x, e, c->type, c->typmod, COERCE_ASSIGNMENT, what);
    return out;
}

/* SET col = ... on a generated column: only DEFAULT, which leaves it to the engine.  Returns
 * false with 428C9 for a value; *skip when the assignment is to be dropped. */
static bool generated_assignment(sql_xlate *x, const cat_relation *rel, int col, Node *val, int location, bool *skip)
{
    const cat_column *c = &rel->columns[col];
    *skip = false;
    if (!c->generated)
        return true;
    if (val && IsA(val, SetToDefault)) {
        *skip = true;
        return true;
    }
    xlate_error(x, location, "428C9", "column \"%s\" can only be updated to DEFAULT", c->name);
    pg_error_detail(x->err, "Column \"%s\" is a generated column.", c->name);
    return false;
}

static int column_index(sql_xlate *x, const cat_relation *rel, const char *name, int location)
{
    for (int i = 0; i < rel->ncolumns; i++)
        if (strcmp(rel->columns[i].name, name) == 0)
            return i;
    xlate_error(x, location, "42703", "column \"%s\" of relation \"%s\" does not exist", name, rel->name);
    return -1;
}

static bool check_target_table(sql_xlate *x, const cat_relation *rel, int location, const char *verb)
{
    if (rel->kind == 'r' || rel->kind == 'p')
        return true;
    if (rel->kind == 'v' && rel->is_system) {
        /* pg_catalog's and information_schema's views join several relations: never
         * updatable, in PostgreSQL either. */
        xlate_error(x, location, "55000", "cannot %s view \"%s\"", verb, rel->name);
        pg_error_detail(x->err, "Views that do not select from a single table or view are not automatically "
                                "updatable.");
        return false;
    }
    if (rel->kind == 'v')
        xlate_error(x, location, "0A000", "cannot %s view \"%s\"", verb, rel->name);
    else if (rel->kind == 'S')
        xlate_error(x, location, "42809", "cannot change sequence \"%s\"", rel->name);
    else
        xlate_error(x, location, "42809", "cannot %s relation \"%s\"", verb, rel->name);
    if (rel->kind == 'v')
        pg_error_detail(x->err, "Views that are not automatically updatable are not supported.");
    return false;
}

static bool target_relation(sql_xlate *x, ir_query *q, RangeVar *rv, const char *verb)
{
    const cat_relation *rel = analyze_find_relation(x, rv->schemaname, rv->relname, rv->location, false);
    if (!rel || !check_target_table(x, rel, rv->location, verb))
        return false;
    if (strcmp(rel->schema, "pg_catalog") == 0 || strcmp(rel->schema, "information_schema") == 0) {
        xlate_error(x, rv->location, "42501", "permission denied for table %s", rel->name);
        return false;
    }
    int idx = analyze_add_relation_rte(x, q, rel, rv->alias ? xlate_strdup(x, rv->alias->aliasname) : rel->name);
    if (idx < 0)
        return false;
    q->result_rte = idx;
    return ir_add_ns(x, q, idx, true, true);
}

static bool analyze_returning(sql_xlate *x, ir_query *q, List *returning)
{
    int n = list_length(returning);
    if (!n)
        return true;
    /* Build them as a select list, then move them to `returning`. */
    ir_target *targets = NULL;
    int count = 0, cap = 0;
    ListCell *lc;
    foreach (lc, returning) {
        ResTarget *rt = lfirst_node(ResTarget, lc);
        ir_expr **exprs = NULL;
        const char **names = NULL;
        int k = 0;
        if (IsA(rt->val, ColumnRef) && IsA(llast(((ColumnRef *)rt->val)->fields), A_Star)) {
            ColumnRef *cr = (ColumnRef *)rt->val;
            const char *qualifier = list_length(cr->fields) >= 2 ? strVal(list_nth(cr->fields, list_length(cr->fields) - 2)) : NULL;
            k = analyze_expand_star(x, q, qualifier, cr->location, &exprs, &names);
            if (k < 0)
                return false;
        } else {
            q->clause = "RETURNING";
            ir_expr *e = analyze_expr(x, q, rt->val);
            if (!e)
                return false;
            if (e->type == PG_OID_UNKNOWN && !(e = ir_coerce(x, e, PG_OID_TEXT, -1, COERCE_IMPLICIT, NULL)))
                return false;
            if (ir_contains_aggregate(e)) {
                xlate_error(x, e->location, "42803", "aggregate functions are not allowed in RETURNING");
                return false;
            }
            exprs = xlate_alloc(x, sizeof *exprs);
            names = xlate_alloc(x, sizeof *names);
            if (!exprs || !names)
                return false;
            exprs[0] = e;
            names[0] = xlate_strdup(x, rt->name ? rt->name : figure_colname(rt->val));
            k = 1;
        }
        for (int i = 0; i < k; i++) {
            if (count == cap) {
                cap = cap ? cap * 2 : 8;
                ir_target *grown = xlate_alloc(x, sizeof *grown * (size_t)cap);
                if (!grown)
                    return false;
                if (count)
                    memcpy(grown, targets, sizeof *grown * (size_t)count);
                targets = grown;
            }
            ir_target *t = &targets[count++];
            t->expr = exprs[i];
            t->name = names[i];
            if (exprs[i]->kind == IRE_COLUMN && exprs[i]->u.column.levels_up == 0) {
                ir_rte *r = q->rtes[exprs[i]->u.column.rte];
                if (r->kind == IR_RTE_RELATION) {
                    t->source_table = r->rel->oid;
                    t->source_column = r->rel->columns[exprs[i]->u.column.column].attnum;
                }
            }
        }
    }
    q->returning = targets;
    q->nreturning = count;
    return true;
}

static bool analyze_on_conflict(sql_xlate *x, ir_query *q, const cat_relation *rel, OnConflictClause *oc)
{
    ir_on_conflict *c = xlate_alloc(x, sizeof *c);
    if (!c)
        return false;
    q->on_conflict = c;
    c->do_update = oc->action == ONCONFLICT_UPDATE;
    if (oc->infer) {
        InferClause *inf = oc->infer;
        if (inf->conname) {
            const cat_constraint *con = NULL;
            for (int i = 0; i < rel->nconstraints; i++)
                if (strcmp(rel->constraints[i].name, inf->conname) == 0)
                    con = &rel->constraints[i];
            if (!con) {
                xlate_error(x, inf->location, "42704", "constraint \"%s\" for table \"%s\" does not exist",
                            inf->conname, rel->name);
                return false;
            }
            c->ntargets = con->nkeys;
            c->target_columns = con->keys;
        } else {
            int n = list_length(inf->indexElems);
            c->target_columns = xlate_alloc(x, sizeof *c->target_columns * (size_t)(n + 1));
            if (!c->target_columns)
                return false;
            ListCell *lc;
            foreach (lc, inf->indexElems) {
                IndexElem *ie = lfirst_node(IndexElem, lc);
                if (!ie->name) {
                    xlate_error(x, inf->location, "0A000", "ON CONFLICT with an expression target is not supported");
                    return false;
                }
                int col = column_index(x, rel, ie->name, inf->location);
                if (col < 0)
                    return false;
                c->target_columns[c->ntargets++] = rel->columns[col].attnum;
            }
            if (inf->whereClause) {
                c->target_where = analyze_condition(x, q, inf->whereClause, "WHERE");
                if (!c->target_where)
                    return false;
            }
            /* PostgreSQL needs a unique index or constraint on exactly these columns. */
            bool matched = false;
            for (int i = 0; i < rel->nindexes && !matched; i++) {
                const cat_index *ix = &rel->indexes[i];
                if (!ix->unique || ix->nkeys != c->ntargets)
                    continue;
                bool all = true;
                for (int k = 0; k < c->ntargets && all; k++) {
                    bool found = false;
                    for (int j = 0; j < ix->nkeys; j++)
                        if (ix->keys[j] == c->target_columns[k])
                            found = true;
                    all = found;
                }
                matched = all;
            }
            for (int i = 0; i < rel->nconstraints && !matched; i++) {
                const cat_constraint *con = &rel->constraints[i];
                if ((con->type != 'p' && con->type != 'u') || con->nkeys != c->ntargets)
                    continue;
                bool all = true;
                for (int k = 0; k < c->ntargets && all; k++) {
                    bool found = false;
                    for (int j = 0; j < con->nkeys; j++)
                        if (con->keys[j] == c->target_columns[k])
                            found = true;
                    all = found;
                }
                matched = all;
            }
            if (!matched) {
                xlate_error(x, inf->location, "42P10",
                            "there is no unique or exclusion constraint matching the ON CONFLICT specification");
                return false;
            }
        }
    } else if (c->do_update) {
        xlate_error(x, oc->location, "42601", "ON CONFLICT DO UPDATE requires inference specification or constraint name");
        pg_error_hint(x->err, "For example, ON CONFLICT (column_name).");
        return false;
    }
    if (!c->do_update)
        return true;
    /* EXCLUDED: the row proposed for insertion. */
    int ex = analyze_add_relation_rte(x, q, rel, "excluded");
    if (ex < 0)
        return false;
    q->rtes[ex]->engine_alias = "excluded";
    c->excluded_rte = ex;
    if (!ir_add_ns(x, q, ex, true, false))
        return false;
    int n = list_length(oc->targetList);
    c->set_columns = xlate_alloc(x, sizeof *c->set_columns * (size_t)(n + 1));
    c->set_values = xlate_alloc(x, sizeof *c->set_values * (size_t)(n + 1));
    if (!c->set_columns || !c->set_values)
        return false;
    ListCell *lc;
    foreach (lc, oc->targetList) {
        ResTarget *rt = lfirst_node(ResTarget, lc);
        int col = column_index(x, rel, rt->name, rt->location);
        if (col < 0)
            return false;
        bool skip;
        if (!generated_assignment(x, rel, col, rt->val, rt->location, &skip))
            return false;
        if (skip)
            continue;
        q->clause = "SET";
        ir_expr *e;
        if (IsA(rt->val, SetToDefault))
            e = default_expr(x, q, rel, col);
        else {
            e = analyze_expr(x, q, rt->val);
            e = e ? assign(x, q, rel, col, e) : NULL;
        }
        if (!e)
            return false;
        c->set_columns[c->nset] = col;
        c->set_values[c->nset++] = e;
    }
    if (oc->whereClause) {
        c->where = analyze_condition(x, q, oc->whereClause, "WHERE");
        if (!c->where)
            return false;
    }
    return true;
}

ir_query *analyze_insert(sql_xlate *x, ir_query *parent, Node *stmt)
{
    InsertStmt *s = (InsertStmt *)stmt;
    ir_query *q = ir_query_new(x, QUERY_INSERT, parent);
    if (!q)
        return NULL;
    if (s->withClause && !analyze_with(x, q, s->withClause))
        return NULL;
    /* The source is analysed before the target is in scope (INSERT ... SELECT cannot see it). */
    ir_query *source = NULL;
    SelectStmt *sel = (SelectStmt *)s->selectStmt;
    const cat_relation *rel = analyze_find_relation(x, s->relation->schemaname, s->relation->relname,
                                                    s->relation->location, false);
    if (!rel || !check_target_table(x, rel, s->relation->location, "insert into"))
        return NULL;
    int ncols = list_length(s->cols);
    int *cols = xlate_alloc(x, sizeof *cols * (size_t)(rel->ncolumns + 1));
    if (!cols)
        return NULL;
    if (ncols) {
        int i = 0;
        ListCell *lc;
        foreach (lc, s->cols) {
            ResTarget *rt = lfirst_node(ResTarget, lc);
            if (rt->indirection) {
                xlate_error(x, rt->location, "0A000", "INSERT into array elements or fields is not supported");
                return NULL;
            }
            int col = column_index(x, rel, rt->name, rt->location);
            if (col < 0)
                return NULL;
            for (int k = 0; k < i; k++)
                if (cols[k] == col) {
                    xlate_error(x, rt->location, "42701", "column \"%s\" specified more than once", rt->name);
                    return NULL;
                }
            cols[i++] = col;
        }
    } else {
        for (int i = 0; i < rel->ncolumns; i++)
            cols[i] = i;
    }
    if (sel) {
        x->insert_values = sel->valuesLists != NIL && sel->op == SETOP_NONE && !sel->sortClause && !sel->limitCount &&
                           !sel->limitOffset && !sel->withClause;
        x->keep_unknown_outputs = true;
        /* q holds the WITH (its own, or its parent's when it is a data-modifying WITH query) */
        source = analyze_select(x, s->withClause || parent ? q : NULL, (Node *)sel);
        x->keep_unknown_outputs = false;
        x->insert_values = false;
        if (!source)
            return NULL;
    }
    if (!target_relation(x, q, s->relation, "insert into"))
        return NULL;
    q->insert_columns = cols;
    if (source) {
        int nsrc = source->kind == QUERY_VALUES ? source->ntargets : 0;
        if (source->kind != QUERY_VALUES)
            for (int i = 0; i < source->ntargets; i++)
                nsrc += !source->targets[i].junk;
        int ntarget = ncols ? ncols : rel->ncolumns;
        if (nsrc > ntarget) {
            xlate_error(x, -1, "42601", "INSERT has more expressions than target columns");
            return NULL;
        }
        if (ncols && nsrc < ncols) {
            xlate_error(x, -1, "42601", "INSERT has more target columns than expressions");
            return NULL;
        }
        /* Generated columns take only DEFAULT, and are then left out: the engine computes them. */
        for (int c = 0; c < nsrc; c++) {
            const cat_column *col = &rel->columns[cols[c]];
            if (!col->generated)
                continue;
            bool all_default = source->kind == QUERY_VALUES;
            for (int r = 0; all_default && r < source->nrows; r++)
                if (source->rows[r][c]->kind != IRE_DEFAULT)
                    all_default = false;
            if (!all_default) {
                xlate_error(x, -1, "428C9", "cannot insert a non-DEFAULT value into column \"%s\"", col->name);
                pg_error_detail(x->err, "Column \"%s\" is a generated column.", col->name);
                return NULL;
            }
            for (int k = c; k + 1 < nsrc; k++) {
                cols[k] = cols[k + 1];
                source->targets[k] = source->targets[k + 1];
                for (int r = 0; r < source->nrows; r++)
                    source->rows[r][k] = source->rows[r][k + 1];
            }
            nsrc--;
            source->ntargets--;
            if (ncols)
                ncols--;
            c--;
        }
        q->ninsert_columns = nsrc;
        if (source->kind == QUERY_VALUES) {
            /* Coerce every row's values to the column types; DEFAULT → the default. */
            for (int r = 0; r < source->nrows; r++)
                for (int c = 0; c < nsrc; c++) {
                    ir_expr *e = assign(x, q, rel, cols[c], source->rows[r][c]);
                    if (!e)
                        return NULL;
                    source->rows[r][c] = e;
                }
            for (int c = 0; c < nsrc; c++) {
                source->targets[c].expr->type = rel->columns[cols[c]].type;
                source->targets[c].expr->typmod = rel->columns[cols[c]].typmod;
            }
        } else {
            for (int c = 0; c < nsrc; c++) {
                ir_expr *e = assign(x, q, rel, cols[c], source->targets[c].expr);
                if (!e)
                    return NULL;
                source->targets[c].expr = e;
            }
        }
    } else {
        q->ninsert_columns = 0;   /* DEFAULT VALUES */
    }
    /* Columns left out get their defaults here: the engine's tables carry none, so that
     * DEFAULT, ALTER ... SET DEFAULT and COPY all go through the same PostgreSQL text. */
    int given = q->ninsert_columns;
    for (int c = 0; c < rel->ncolumns; c++) {
        bool listed = false;
        for (int i = 0; i < given; i++)
            if (cols[i] == c)
                listed = true;
        if (listed || !rel->columns[c].default_expr || rel->columns[c].generated)
            continue;
        if (source && source->kind == QUERY_SETOP) {
            xlate_error(x, -1, "0A000", "INSERT ... UNION with columns left to their defaults is not supported");
            return NULL;
        }
        ir_expr *def = default_expr(x, q, rel, c);
        if (!def)
            return NULL;
        if (source && source->kind == QUERY_VALUES) {
            for (int r = 0; r < source->nrows; r++) {
                ir_expr **grown = xlate_alloc(x, sizeof *grown * (size_t)(q->ninsert_columns + 1));
                if (!grown)
                    return NULL;
                memcpy(grown, source->rows[r], sizeof *grown * (size_t)q->ninsert_columns);
                grown[q->ninsert_columns] = r == 0 ? def : default_expr(x, q, rel, c);
                if (!grown[q->ninsert_columns])
                    return NULL;
                source->rows[r] = grown;
            }
            ir_target *tg = xlate_alloc(x, sizeof *tg * (size_t)(q->ninsert_columns + 1));
            if (!tg)
                return NULL;
            memcpy(tg, source->targets, sizeof *tg * (size_t)q->ninsert_columns);
            tg[q->ninsert_columns].expr = def;
            tg[q->ninsert_columns].name = rel->columns[c].name;
            source->targets = tg;
            source->ntargets++;
        } else if (source) {
            ir_target *tg = xlate_alloc(x, sizeof *tg * (size_t)(source->ntargets + 1));
            if (!tg)
                return NULL;
            memcpy(tg, source->targets, sizeof *tg * (size_t)source->ntargets);
            tg[source->ntargets].expr = def;
            tg[source->ntargets].name = rel->columns[c].name;
            source->targets = tg;
            source->ntargets++;
        } else {
            /* DEFAULT VALUES with defaults: a one-row VALUES of them. */
            source = ir_query_new(x, QUERY_VALUES, NULL);
            if (!source)
                return NULL;
            source->rows = xlate_alloc(x, sizeof *source->rows);
            source->rows[0] = xlate_alloc(x, sizeof(ir_expr *) * (size_t)(rel->ncolumns + 1));
            source->targets = xlate_alloc(x, sizeof *source->targets * (size_t)(rel->ncolumns + 1));
            if (!source->rows || !source->rows[0] || !source->targets)
                return NULL;
            source->nrows = 1;
            source->rows[0][0] = def;
            source->targets[0].expr = def;
            source->targets[0].name = rel->columns[c].name;
            source->ntargets = 1;
            cols[q->ninsert_columns++] = c;
            continue;
        }
        cols[q->ninsert_columns++] = c;
    }
    if (source && !s->selectStmt && source->kind == QUERY_VALUES && source->nrows == 1) {
        /* DEFAULT VALUES built above: grow its row as columns were added. */
        for (int i = 1; i < q->ninsert_columns; i++) {
            ir_expr *def = default_expr(x, q, rel, cols[i]);
            if (!def)
                return NULL;
            source->rows[0][i] = def;
            source->targets[i].expr = def;
            source->targets[i].name = rel->columns[cols[i]].name;
            source->ntargets = i + 1;
        }
    }
    /* GENERATED ALWAYS identity columns refuse values unless OVERRIDING SYSTEM VALUE. */
    for (int i = 0; i < given; i++) {
        const cat_column *c = &rel->columns[cols[i]];
        if (c->identity != 'a' || s->override == OVERRIDING_SYSTEM_VALUE)
            continue;
        bool all_default = source && source->kind == QUERY_VALUES;
        if (all_default)
            for (int r = 0; r < source->nrows; r++)
                if (source->rows[r][i]->location >= 0)
                    all_default = false;
        if (!all_default) {
            xlate_error(x, -1, "428C9", "cannot insert a non-DEFAULT value into column \"%s\"", c->name);
            pg_error_detail(x->err, "Column \"%s\" is an identity column defined as GENERATED ALWAYS.", c->name);
            pg_error_hint(x->err, "Use OVERRIDING SYSTEM VALUE to override.");
            return NULL;
        }
    }
    q->insert_source = source;
    if (s->onConflictClause && !analyze_on_conflict(x, q, rel, s->onConflictClause))
        return NULL;
    if (!analyze_returning(x, q, s->returningList))
        return NULL;
    return q;
}

ir_query *analyze_update(sql_xlate *x, ir_query *parent, Node *stmt)
{
    UpdateStmt *s = (UpdateStmt *)stmt;
    ir_query *q = ir_query_new(x, QUERY_UPDATE, parent);
    if (!q)
        return NULL;
    if (s->withClause && !analyze_with(x, q, s->withClause))
        return NULL;
    if (!target_relation(x, q, s->relation, "update"))
        return NULL;
    const cat_relation *rel = q->rtes[q->result_rte]->rel;
    /* FROM items join the scope (PostgreSQL's UPDATE ... FROM). */
    if (s->fromClause && !analyze_from_list(x, q, s->fromClause))
        return NULL;
    int nset = list_length(s->targetList);
    q->set_columns = xlate_alloc(x, sizeof *q->set_columns * (size_t)(nset + 1));
    q->set_values = xlate_alloc(x, sizeof *q->set_values * (size_t)(nset + 1));
    if (!q->set_columns || !q->set_values)
        return NULL;
    ListCell *lc;
    foreach (lc, s->targetList) {
        ResTarget *rt = lfirst_node(ResTarget, lc);
        if (rt->indirection) {
            xlate_error(x, rt->location, "0A000", "UPDATE of array elements or fields is not supported");
            return NULL;
        }
        int col = column_index(x, rel, rt->name, rt->location);
        if (col < 0)
            return NULL;
        bool skip;
        Node *val = rt->val;
        if (IsA(val, MultiAssignRef)) {
            MultiAssignRef *m = (MultiAssignRef *)val;
            val = NULL;
            if (IsA(m->source, RowExpr) && m->colno <= list_length(((RowExpr *)m->source)->args))
                val = list_nth(((RowExpr *)m->source)->args, m->colno - 1);
        }
        if (!generated_assignment(x, rel, col, val, rt->location, &skip))
            return NULL;
        if (skip)
            continue;
        for (int k = 0; k < q->nset; k++)
            if (q->set_columns[k] == col) {
                xlate_error(x, rt->location, "42601", "multiple assignments to same column \"%s\"", rt->name);
                return NULL;
            }
        ir_expr *e;
        if (IsA(rt->val, MultiAssignRef)) {
            MultiAssignRef *m = (MultiAssignRef *)rt->val;
            if (!IsA(m->source, RowExpr)) {
                xlate_error(x, rt->location, "0A000", "UPDATE SET (...) = (SELECT ...) is not supported");
                return NULL;
            }
            RowExpr *row = (RowExpr *)m->source;
            if (list_length(row->args) != m->ncolumns) {
                xlate_error(x, rt->location, "42601", "number of columns does not match number of values");
                return NULL;
            }
            Node *item = list_nth(row->args, m->colno - 1);
            if (IsA(item, SetToDefault))
                e = default_expr(x, q, rel, col);
            else {
                q->clause = "SET";
                e = analyze_expr(x, q, item);
                e = e ? assign(x, q, rel, col, e) : NULL;
            }
        } else if (IsA(rt->val, SetToDefault)) {
            e = default_expr(x, q, rel, col);
        } else {
            q->clause = "SET";
            e = analyze_expr(x, q, rt->val);
            e = e ? assign(x, q, rel, col, e) : NULL;
        }
        if (!e)
            return NULL;
        if (ir_contains_aggregate(e)) {
            xlate_error(x, e->location, "42803", "aggregate functions are not allowed in UPDATE");
            return NULL;
        }
        q->set_columns[q->nset] = col;
        q->set_values[q->nset++] = e;
    }
    if (q->nset == 0) {
        /* Only generated columns set to DEFAULT: the rows are still updated (and the engine
         * recomputes nothing); the engine needs one assignment, a column to itself. */
        for (int c = 0; c < rel->ncolumns; c++) {
            if (rel->columns[c].generated)
                continue;
            ir_expr *self = ir_new(x, IRE_COLUMN, rel->columns[c].type, -1);
            if (!self)
                return NULL;
            self->typmod = rel->columns[c].typmod;
            self->u.column.levels_up = 0;
            self->u.column.rte = q->result_rte;
            self->u.column.column = c;
            q->set_columns[q->nset] = c;
            q->set_values[q->nset++] = self;
            break;
        }
    }
    if (s->whereClause) {
        q->where = analyze_condition(x, q, s->whereClause, "WHERE");
        if (!q->where)
            return NULL;
    }
    if (!analyze_returning(x, q, s->returningList))
        return NULL;
    return q;
}

ir_query *analyze_delete(sql_xlate *x, ir_query *parent, Node *stmt)
{
    DeleteStmt *s = (DeleteStmt *)stmt;
    ir_query *q = ir_query_new(x, QUERY_DELETE, parent);
    if (!q)
        return NULL;
    if (s->withClause && !analyze_with(x, q, s->withClause))
        return NULL;
    if (!target_relation(x, q, s->relation, "delete from"))
        return NULL;
    if (s->usingClause && !analyze_from_list(x, q, s->usingClause))
        return NULL;
    if (s->whereClause) {
        q->where = analyze_condition(x, q, s->whereClause, "WHERE");
        if (!q->where)
            return NULL;
    }
    if (!analyze_returning(x, q, s->returningList))
        return NULL;
    return q;
}
