/*
 * translate.c — one parsed statement → plan: queries and DML through analysis and the
 * dialect's emitter; everything else to the utility or DDL translators.
 */
#include "sql/pg_nodes.h"
#include "sql/vector_index.h"

#include <string.h>

static bool set_columns(sql_xlate *x, sql_plan *p, const ir_target *targets, int n)
{
    int visible = 0;
    for (int i = 0; i < n; i++)
        visible += !targets[i].junk;
    p->ncolumns = visible;
    p->columns = arena_zalloc(&p->mem, sizeof *p->columns * (size_t)(visible + 1));
    if (!p->columns) {
        pg_error_oom(x->err);
        return false;
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (targets[i].junk)
            continue;
        sql_column *c = &p->columns[k++];
        c->name = arena_strdup(&p->mem, targets[i].name ? targets[i].name : "?column?");
        c->type_oid = targets[i].expr->type == PG_OID_UNKNOWN ? PG_OID_TEXT : targets[i].expr->type;
        c->typmod = targets[i].expr->typmod;
        c->typlen = types_typlen(c->type_oid);
        c->table_oid = targets[i].source_table;
        c->attnum = targets[i].source_column;
        if (!c->name) {
            pg_error_oom(x->err);
            return false;
        }
    }
    return true;
}

/* ------------------------------------------------- data-modifying WITH queries */

typedef struct relation_uses {
    pg_oid oid;
    int n;
} relation_uses;

static void count_relation_use(const cat_relation *rel, void *arg)
{
    relation_uses *u = arg;
    if (rel->oid == u->oid)
        u->n++;
}

/* The tables a data-modifying WITH query changes: its target, and the tables whose foreign
 * keys act on it (ON DELETE/UPDATE CASCADE, SET NULL, SET DEFAULT), transitively.  At most
 * `max`; false if there are more. */
static bool changed_relations(sql_xlate *x, const cat_relation *target, pg_oid *out, int *n, int max)
{
    out[0] = target->oid;
    *n = 1;
    for (int done = 0; done < *n; done++) {
        size_t count = cat_relation_count(x->catalog);
        for (size_t r = 0; r < count; r++) {
            const cat_relation *rel = cat_relation_at(x->catalog, r);
            for (int c = 0; c < rel->nconstraints; c++) {
                const cat_constraint *k = &rel->constraints[c];
                if (k->type != 'f' || k->ref_relation != out[done])
                    continue;
                bool acts = (k->on_delete && k->on_delete != 'a' && k->on_delete != 'r') ||
                            (k->on_update && k->on_update != 'a' && k->on_update != 'r');
                bool known = false;
                for (int i = 0; i < *n; i++)
                    known = known || out[i] == rel->oid;
                if (!acts || known)
                    continue;
                if (*n == max)
                    return false;
                out[(*n)++] = rel->oid;
            }
        }
    }
    return true;
}

/* PostgreSQL runs every part of the statement on one snapshot (and foreign keys act at its
 * end): the rest of the statement does not see what a data-modifying WITH query changed.
 * Here that query runs first, so the order is invisible only when nothing else in the
 * statement uses a table it changes. */
static bool check_data_modifying_ctes(sql_xlate *x, ir_query *q)
{
    for (int i = 0; i < q->ncte; i++) {
        if (!q->ctes[i].data_modifying)
            continue;
        ir_query *d = q->ctes[i].query;
        pg_oid changed[32];
        int nchanged = 0;
        if (!changed_relations(x, d->rtes[d->result_rte]->rel, changed, &nchanged, 32)) {
            xlate_error(x, -1, "0A000", "data-modifying WITH query \"%s\": too many tables reached by its foreign keys",
                        q->ctes[i].name);
            return false;
        }
        for (int t = 0; t < nchanged; t++) {
            relation_uses all = {changed[t], 0}, own = {changed[t], 0};
            ir_query_relations(q, count_relation_use, &all);
            ir_query_relations(d, count_relation_use, &own);
            if (all.n > own.n) {
                const cat_relation *rel = cat_relation_by_oid(x->catalog, changed[t]);
                xlate_error(x, -1, "0A000",
                            "table \"%s\" is changed by the data-modifying WITH query \"%s\" and used by the rest of the statement",
                            rel ? rel->name : "?", q->ctes[i].name);
                pg_error_detail(x->err, "The engine runs a data-modifying WITH query before the rest of the statement, "
                                        "which would then see its changes.");
                return false;
            }
        }
    }
    return true;
}

/* The steps that run q's data-modifying WITH queries before q: each one's RETURNING rows go
 * to a table of the engine connection's temporary database, which q reads.  The tables are
 * made once per connection (one per position and width) and emptied before and after use. */
static bool add_data_modifying_steps(sql_xlate *x, ir_query *q, sql_plan *p)
{
    strbuf sql;
    strbuf_init(&sql);
    bool ok = true;
    for (int i = 0; ok && i < q->ncte; i++) {
        ir_cte *c = &q->ctes[i];
        if (!c->data_modifying || c->query->ntargets == 0)
            continue;
        char name[64];
        snprintf(name, sizeof name, "_pgw_with_%d_%d", i, c->query->ntargets);
        c->engine_table = xlate_strdup(x, name);
        strbuf_reset(&sql);
        strbuf_printf(&sql, "CREATE TEMP TABLE IF NOT EXISTS \"%s\"(", name);
        for (int k = 0; k < c->query->ntargets; k++)
            strbuf_printf(&sql, "%s\"_c%d\"", k ? ", " : "", k + 1);
        strbuf_putc(&sql, ')');
        ok = c->engine_table && !sql.failed && plan_add_step(p, sql.data, 0, NULL, false, false);
        strbuf_reset(&sql);
        strbuf_printf(&sql, "DELETE FROM temp.\"%s\"", name);
        ok = ok && !sql.failed && plan_add_step(p, sql.data, 0, NULL, false, false);
    }
    for (int i = 0; ok && i < q->ncte; i++) {
        ir_cte *c = &q->ctes[i];
        if (!c->data_modifying)
            continue;
        emit_result r = {0};
        strbuf_init(&r.sql);
        ok = emit_query(x, c->query, &r);
        if (ok && r.next) {
            xlate_error(x, -1, "0A000", "this data-modifying WITH query is not supported");
            ok = false;
        }
        ok = ok && plan_add_step(p, r.sql.data, r.nparams, r.param_map, false, false);
        emit_result_free(&r);
        if (ok && c->engine_table) {
            strbuf_reset(&sql);
            strbuf_printf(&sql, "INSERT INTO temp.\"%s\" VALUES (", c->engine_table);
            for (int k = 0; k < c->query->ntargets; k++)
                strbuf_printf(&sql, "%s?%d", k ? ", " : "", k + 1);
            strbuf_putc(&sql, ')');
            plan_step *st = &p->steps[p->nsteps - 1];
            st->rows_into = sql.failed ? NULL : arena_strdup(&p->mem, sql.data);
            ok = st->rows_into != NULL;
        }
    }
    strbuf_free(&sql);
    if (!ok && !pg_error_is_set(x->err))
        pg_error_oom(x->err);
    return ok;
}

/* After q: the temporary tables emptied again (their rows are the statement's only). */
static bool add_data_modifying_cleanup(ir_query *q, sql_plan *p)
{
    for (int i = 0; i < q->ncte; i++) {
        if (!q->ctes[i].engine_table)
            continue;
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM temp.\"%s\"", q->ctes[i].engine_table);
        if (!plan_add_step(p, sql, 0, NULL, false, false))
            return false;
    }
    return true;
}

static bool has_data_modifying_cte(const ir_query *q)
{
    for (int i = 0; i < q->ncte; i++)
        if (q->ctes[i].data_modifying)
            return true;
    return false;
}

static bool engine_plan(sql_xlate *x, ir_query *q, const char *command, tag_style tag, bool writes, sql_plan **out)
{
    bool dml_ctes = has_data_modifying_cte(q);
    if (dml_ctes && !check_data_modifying_ctes(x, q))
        return false;
    sql_plan *p = plan_new(PLAN_ENGINE, command);
    if (!p) {
        pg_error_oom(x->err);
        return false;
    }
    if (dml_ctes && (x->dialect != DIALECT_SQLITE || backend_get_kind(x->session->srv->b) == BACKEND_ODBC)) {
        xlate_error(x, -1, "0A000", "data-modifying statements in WITH are not supported by this engine");
        sql_plan_unref(p);
        return false;
    }
    if (dml_ctes && !add_data_modifying_steps(x, q, p)) {
        sql_plan_unref(p);
        return false;
    }
    emit_result r = {0};
    strbuf_init(&r.sql);
    /* ORDER BY <vector distance> LIMIT k: the engine's nearest-neighbour search. */
    if (!vector_plan_rewrite(x, q, NULL))
        return false;
    if (!emit_query(x, q, &r)) {
        emit_result_free(&r);
        sql_plan_unref(p);
        return false;
    }
    p->tag = tag;
    p->writes = writes;
    p->uses_catalog = x->uses_catalog;
    p->session_rels = x->session_rels;
    if ((q->kind == QUERY_INSERT || q->kind == QUERY_UPDATE || q->kind == QUERY_DELETE) && q->result_rte >= 0 &&
        q->rtes[q->result_rte]->rel)
        p->target_relation = q->rtes[q->result_rte]->rel->oid;
    const ir_target *targets = q->kind == QUERY_SELECT || q->kind == QUERY_SETOP || q->kind == QUERY_VALUES
                                   ? q->targets : q->returning;
    int ntargets = q->kind == QUERY_SELECT || q->kind == QUERY_SETOP || q->kind == QUERY_VALUES
                       ? q->ntargets : q->nreturning;
    bool returns_rows = q->kind == QUERY_SELECT || q->kind == QUERY_SETOP || q->kind == QUERY_VALUES ||
                        q->nreturning > 0;
    bool ok = true;
    if (returns_rows)
        ok = set_columns(x, p, targets, ntargets);
    for (emit_result *step = &r; ok && step; step = step->next) {
        bool rows = step->returns_rows == 0 ? returns_rows : step->returns_rows > 0;
        ok = plan_add_step(p, step->sql.data, step->nparams, step->param_map, rows, !rows || tag != TAG_PLAIN);
    }
    emit_result_free(&r);
    if (ok && dml_ctes) {
        p->writes = true;
        ok = add_data_modifying_cleanup(q, p);
    }
    if (!ok) {
        if (!pg_error_is_set(x->err))
            pg_error_oom(x->err);
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
}

bool xlate_select_plan(sql_xlate *x, ir_query *q, sql_plan **out)
{
    return engine_plan(x, q, "SELECT", TAG_ROWS, false, out);
}

bool xlate_statement(sql_xlate *x, Node *stmt, sql_plan **out)
{
    ir_query *q;
    switch (nodeTag(stmt)) {
    case T_SelectStmt:
        if (((SelectStmt *)stmt)->intoClause)
            break;   /* SELECT INTO: CREATE TABLE AS (ddl.c) */
        q = analyze_select(x, NULL, stmt);
        return q && engine_plan(x, q, "SELECT", TAG_ROWS, q->locking != 0, out);
    case T_InsertStmt:
        q = analyze_insert(x, NULL, stmt);
        return q && engine_plan(x, q, "INSERT", TAG_INSERT, true, out);
    case T_UpdateStmt:
        q = analyze_update(x, NULL, stmt);
        return q && engine_plan(x, q, "UPDATE", TAG_ROWS, true, out);
    case T_DeleteStmt:
        q = analyze_delete(x, NULL, stmt);
        return q && engine_plan(x, q, "DELETE", TAG_ROWS, true, out);
    case T_ExplainStmt:
        return xlate_explain(x, (ExplainStmt *)stmt, out);
    case T_CopyStmt:
        return xlate_copy(x, stmt, out);
    default:
        break;
    }
    bool handled = false;
    if (!xlate_utility(x, stmt, out, &handled))
        return false;
    if (handled)
        return true;
    if (backend_get_kind(x->session->srv->b) == BACKEND_ODBC || x->dialect != DIALECT_SQLITE) {
        /* No metadata tables in an engine reached through ODBC: its own catalog is read. */
        if (!xlate_ddl_odbc(x, stmt, out, &handled))
            return false;
        if (handled)
            return true;
        xlate_error(x, -1, "0A000", "this statement is not supported by the ODBC backend (node %d)", (int)nodeTag(stmt));
        return false;
    }
    if (!xlate_ddl(x, stmt, out, &handled))
        return false;
    if (handled)
        return true;
    xlate_error(x, -1, "0A000", "this statement is not supported (node %d)", (int)nodeTag(stmt));
    return false;
}
