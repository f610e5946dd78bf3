/*
 * explain.c — EXPLAIN: the statement is analysed and planned as if it were to run, and the
 * answer says, in PostgreSQL's words, how the server will execute it: above all whether a
 * nearest-neighbour ORDER BY uses a vector index ("Index Scan using items_embedding_idx on
 * items") or an exact top-k scan.  VERBOSE adds the engine SQL.  There are no costs to show;
 * ANALYZE is accepted for SELECT (the statement is not run: the answer says so) and refused
 * for statements that change data, whose effects PostgreSQL would apply.
 *
 * The result is one text column "QUERY PLAN", as PostgreSQL's FORMAT TEXT.
 */
#include "sql/pg_nodes.h"
#include "sql/vector_index.h"

#include <stdlib.h>
#include <string.h>

typedef struct explain_lines {
    sql_xlate *x;
    const char **lines;
    int n, cap;
    bool failed;
} explain_lines;

static void line(explain_lines *l, int indent, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void line(explain_lines *l, int indent, const char *fmt, ...)
{
    if (l->failed)
        return;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        const char **grown = xlate_alloc(l->x, sizeof *grown * (size_t)cap);
        if (!grown) {
            l->failed = true;
            return;
        }
        if (l->n)
            memcpy(grown, l->lines, sizeof *grown * (size_t)l->n);
        l->lines = grown;
        l->cap = cap;
    }
    strbuf b;
    strbuf_init(&b);
    for (int i = 0; i < indent; i++)
        strbuf_putc(&b, ' ');
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&b, fmt, ap);
    va_end(ap);
    const char *text = b.failed ? NULL : xlate_strdup(l->x, b.data);
    strbuf_free(&b);
    if (!text)
        l->failed = true;
    else
        l->lines[l->n++] = text;
}

/* The query vector as written in the ORDER BY, for "Order By:". */
static const char *order_arg_text(sql_xlate *x, const ir_expr *e)
{
    if (e->kind == IRE_PARAM)
        return arena_printf(x->mem, "$%d", e->u.param.number);
    if (e->kind == IRE_CONST && e->u.constant.value.kind != VALUE_NULL) {
        strbuf b;
        strbuf_init(&b);
        pg_error err = {0};
        const char *out = NULL;
        if (types_text_out(&x->session->types, e->type, e->typmod, &e->u.constant.value, &b, &err) && !b.failed) {
            strbuf q;
            strbuf_init(&q);
            catalog_quote_literal(b.data, &q);
            const pg_type_info *ti = types_by_oid(e->type);
            out = q.failed ? NULL : arena_printf(x->mem, "%s::%s", q.data, ti ? ti->sql_name : "vector");
            strbuf_free(&q);
        }
        pg_error_clear(&err);
        strbuf_free(&b);
        if (out)
            return out;
    }
    if (e->kind == IRE_CONST)
        return "NULL";
    return "(...)";
}

static void describe_vector(explain_lines *l, const vector_plan_note *n, int indent, bool index_scans)
{
    const char *node = n->query->offset || n->query->limit ? "Limit" : NULL;
    int at = indent;
    if (node) {
        line(l, at, "%s", node);
        at += 2;
    }
    const char *arrow = node ? "->  " : "";
    if (n->index && index_scans)
        line(l, at, "%sIndex Scan using %s on %s", arrow, n->index->name, n->rel->name);
    else if (n->index)
        line(l, at, "%sSeq Scan on %s (exact top-k over the in-memory vectors of %s, bounded heap, no sort)", arrow,
             n->rel->name, n->index->name);
    else
        line(l, at, "%sSeq Scan on %s (exact top-k: vectorised distances, bounded heap, no sort)", arrow,
             n->rel->name);
    int detail = at + (node ? 6 : 2);
    line(l, detail, "Order By: (%s %s %s)", n->column, n->op, order_arg_text(l->x, n->order_arg));
    if (n->filtered)
        line(l, detail, "Filter: %s",
             n->index && index_scans ? "applied during the index search (k rows whenever k rows match)"
                                     : "applied during the scan");
    if (n->index && !index_scans)
        line(l, detail, "enable_indexscan is off: exact search");
}

/* A short outline of a statement without a vector search. */
static void describe_plain(explain_lines *l, ir_query *q, const char *command)
{
    if (q->kind == QUERY_SELECT) {
        int at = 0;
        if (q->limit || q->offset) {
            line(l, at, "Limit");
            at += 2;
        }
        if (q->nsort) {
            line(l, at, "%sSort", at ? "->  " : "");
            at += at ? 6 : 2;
        }
        if (q->has_aggregates || q->ngroup) {
            line(l, at, "%sAggregate", at ? "->  " : "");
            at += at ? 6 : 2;
        }
        int scans = 0;
        for (int i = 0; i < q->nrte; i++) {
            ir_rte *r = q->rtes[i];
            if (r->kind == IR_RTE_RELATION) {
                line(l, at, "%sSeq Scan on %s", at ? "->  " : "", r->rel->name);
                scans++;
            }
        }
        if (!scans)
            line(l, at, "%sResult", at ? "->  " : "");
        return;
    }
    const char *what = q->kind == QUERY_INSERT ? "Insert" : q->kind == QUERY_UPDATE ? "Update" :
                       q->kind == QUERY_DELETE ? "Delete" : command;
    ir_rte *target = q->result_rte >= 0 && q->result_rte < q->nrte ? q->rtes[q->result_rte] : NULL;
    if (target && target->rel)
        line(l, 0, "%s on %s", what, target->rel->name);
    else
        line(l, 0, "%s", what);
}

bool xlate_explain(sql_xlate *x, ExplainStmt *es, sql_plan **out)
{
    bool analyze = false, verbose = false;
    ListCell *lc;
    foreach (lc, es->options) {
        DefElem *d = lfirst_node(DefElem, lc);
        const char *v = d->arg ? node_string(d->arg) : NULL;
        bool on = !v || strcmp(v, "true") == 0 || strcmp(v, "on") == 0 || strcmp(v, "1") == 0;
        if (d->arg && IsA(d->arg, Integer))
            on = intVal(d->arg) != 0;
        if (strcmp(d->defname, "analyze") == 0)
            analyze = on;
        else if (strcmp(d->defname, "verbose") == 0)
            verbose = on;
        else if (strcmp(d->defname, "format") == 0) {
            if (v && strcmp(v, "text") != 0) {
                xlate_error(x, d->location, "0A000", "EXPLAIN (FORMAT %s) is not supported", v);
                pg_error_hint(x->err, "Use FORMAT TEXT.");
                return false;
            }
        } else if (strcmp(d->defname, "costs") != 0 && strcmp(d->defname, "buffers") != 0 &&
                   strcmp(d->defname, "timing") != 0 && strcmp(d->defname, "summary") != 0 &&
                   strcmp(d->defname, "settings") != 0 && strcmp(d->defname, "wal") != 0) {
            xlate_error(x, d->location, "42601", "unrecognized EXPLAIN option \"%s\"", d->defname);
            return false;
        }
    }
    Node *stmt = es->query;
    ir_query *q = NULL;
    const char *command = "SELECT";
    switch (nodeTag(stmt)) {
    case T_SelectStmt:
        q = analyze_select(x, NULL, stmt);
        break;
    case T_InsertStmt:
        command = "INSERT";
        q = analyze_insert(x, NULL, stmt);
        break;
    case T_UpdateStmt:
        command = "UPDATE";
        q = analyze_update(x, NULL, stmt);
        break;
    case T_DeleteStmt:
        command = "DELETE";
        q = analyze_delete(x, NULL, stmt);
        break;
    default:
        xlate_error(x, -1, "0A000", "EXPLAIN of this statement is not supported");
        return false;
    }
    if (!q)
        return false;
    if (analyze && strcmp(command, "SELECT") != 0) {
        xlate_error(x, -1, "0A000", "EXPLAIN ANALYZE of %s is not supported", command);
        pg_error_hint(x->err, "EXPLAIN without ANALYZE shows the plan without changing data.");
        return false;
    }
    /* The plan depends on settings (enable_indexscan) and on indexes: never cached. */
    x->uncacheable = true;
    vector_plan_note *notes = NULL;
    if (!vector_plan_rewrite(x, q, &notes))
        return false;
    emit_result r = {0};
    strbuf_init(&r.sql);
    if (!emit_query(x, q, &r)) {
        emit_result_free(&r);
        return false;
    }
    bool index_scans = guc_get_bool(x->session->gucs, "enable_indexscan");
    explain_lines l = {.x = x};
    const vector_plan_note *top = NULL;
    for (const vector_plan_note *n = notes; n; n = n->next)
        if (n->query == q)
            top = n;
    if (top)
        describe_vector(&l, top, 0, index_scans);
    else
        describe_plain(&l, q, command);
    for (const vector_plan_note *n = notes; n; n = n->next) {
        if (n == top)
            continue;
        line(&l, 2, "Vector search in a sub-query:");
        describe_vector(&l, n, 4, index_scans);
    }
    if (verbose)
        line(&l, 0, "Engine SQL (SQLite): %s", r.sql.data ? r.sql.data : "");
    if (analyze)
        line(&l, 0, "Execution: not run (EXPLAIN ANALYZE shows the plan only in iris-pgwire)");
    emit_result_free(&r);
    if (l.failed) {
        pg_error_oom(x->err);
        return false;
    }
    /* The lines as a VALUES list: one text column. */
    strbuf sql;
    strbuf_init(&sql);
    strbuf_puts(&sql, "VALUES ");
    for (int i = 0; i < l.n; i++) {
        sql_value v = value_text(l.lines[i], strlen(l.lines[i]));
        if (i)
            strbuf_puts(&sql, ", ");
        strbuf_putc(&sql, '(');
        emit_sqlite_value(&v, &sql);
        strbuf_putc(&sql, ')');
    }
    sql_plan *p = sql.failed ? NULL : plan_new(PLAN_ENGINE, "EXPLAIN");
    bool ok = p != NULL;
    if (ok) {
        p->tag = TAG_PLAIN;
        p->ncolumns = 1;
        p->columns = arena_zalloc(&p->mem, sizeof *p->columns * 2);
        ok = p->columns && (p->columns[0].name = arena_strdup(&p->mem, "QUERY PLAN")) &&
             plan_add_step(p, sql.data, 0, NULL, true, false);
        if (ok) {
            p->columns[0].type_oid = PG_OID_TEXT;
            p->columns[0].typmod = -1;
            p->columns[0].typlen = -1;
        }
    }
    strbuf_free(&sql);
    if (!ok) {
        if (p)
            sql_plan_unref(p);
        pg_error_oom(x->err);
        return false;
    }
    *out = p;
    return true;
}
