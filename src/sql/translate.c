/*
 * translate.c — one parsed statement → plan: queries and DML through analysis and the
 * dialect's emitter; everything else to the utility or DDL translators.
 */
#include "sql/pg_nodes.h"

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

static bool engine_plan(sql_xlate *x, ir_query *q, const char *command, tag_style tag, bool writes, sql_plan **out)
{
    emit_result r = {0};
    strbuf_init(&r.sql);
    if (!emit_query(x, q, &r)) {
        emit_result_free(&r);
        return false;
    }
    sql_plan *p = plan_new(PLAN_ENGINE, command);
    if (!p) {
        emit_result_free(&r);
        pg_error_oom(x->err);
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
    if (!ok) {
        if (!pg_error_is_set(x->err))
            pg_error_oom(x->err);
        sql_plan_unref(p);
        return false;
    }
    *out = p;
    return true;
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
        q = analyze_insert(x, stmt);
        return q && engine_plan(x, q, "INSERT", TAG_INSERT, true, out);
    case T_UpdateStmt:
        q = analyze_update(x, stmt);
        return q && engine_plan(x, q, "UPDATE", TAG_ROWS, true, out);
    case T_DeleteStmt:
        q = analyze_delete(x, stmt);
        return q && engine_plan(x, q, "DELETE", TAG_ROWS, true, out);
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
