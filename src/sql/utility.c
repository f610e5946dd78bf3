/*
 * utility.c — translating the statements the SQL layer answers itself into plans: SET,
 * RESET, SHOW, transaction control, CREATE/DROP DATABASE, DISCARD, LISTEN/NOTIFY,
 * PREPARE/EXECUTE/DEALLOCATE, and the maintenance commands accepted for compatibility
 * (VACUUM, ANALYZE, CHECKPOINT ...).  Execution is in utility_exec.c.
 */
#include "sql/ddl.h"

#include <stdlib.h>
#include <string.h>

static sql_plan *util_plan(sql_xlate *x, utility_kind kind, const char *command)
{
    sql_plan *p = plan_new(PLAN_UTILITY, command);
    if (!p)
        pg_error_oom(x->err);
    else
        p->utility = kind;
    return p;
}

static bool set_arg(sql_plan *p, char **slot, const char *value, pg_error *err)
{
    UNUSED(p);
    *slot = value ? strdup(value) : NULL;
    if (value && !*slot) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

/* PostgreSQL's flatten_set_variable_args: the SET value list as one string. */
static bool flatten_set_args(sql_xlate *x, const char *name, List *args, strbuf *out)
{
    ListCell *lc;
    bool first = true;
    foreach (lc, args) {
        Node *arg = lfirst(lc);
        if (!first)
            strbuf_puts(out, ", ");
        first = false;
        if (IsA(arg, TypeCast)) {
            /* SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE */
            TypeCast *tc = (TypeCast *)arg;
            arg = tc->arg;
        }
        if (!IsA(arg, A_Const)) {
            xlate_error(x, exprLocation(arg), "42601", "argument of SET %s must be a simple constant", name);
            return false;
        }
        A_Const *c = (A_Const *)arg;
        switch (nodeTag(&c->val)) {
        case T_Integer:
            strbuf_printf(out, "%d", intVal(&c->val));
            break;
        case T_Float:
            strbuf_puts(out, castNode(Float, &c->val)->fval);
            break;
        case T_Boolean:
            strbuf_puts(out, boolVal(&c->val) ? "on" : "off");
            break;
        case T_String: {
            const char *v = strVal(&c->val);
            /* A list element that is not a plain identifier keeps quotes (search_path). */
            bool needs_quotes = list_length(args) > 1 && ascii_streq_ci(name, "search_path");
            if (needs_quotes) {
                bool plain = *v && !(v[0] >= '0' && v[0] <= '9');
                for (const char *p = v; *p && plain; p++)
                    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
                        plain = false;
                if (!plain) {
                    catalog_quote_ident(v, out);
                    break;
                }
            }
            strbuf_puts(out, v);
            break;
        }
        default:
            xlate_error(x, c->location, "42601", "unsupported SET value");
            return false;
        }
    }
    return true;
}

static bool xlate_set(sql_xlate *x, VariableSetStmt *v, sql_plan **out)
{
    sql_plan *p;
    switch (v->kind) {
    case VAR_SET_VALUE:
    case VAR_SET_CURRENT: {
        strbuf val;
        strbuf_init(&val);
        if (!flatten_set_args(x, v->name, v->args, &val)) {
            strbuf_free(&val);
            return false;
        }
        p = util_plan(x, UTIL_SET, "SET");
        bool ok = p && set_arg(p, &p->arg_name, v->name, x->err) &&
                  set_arg(p, &p->arg_value, val.data ? val.data : "", x->err);
        strbuf_free(&val);
        if (!ok)
            return false;
        p->arg_flag = v->is_local;
        break;
    }
    case VAR_SET_DEFAULT:
    case VAR_RESET:
        p = util_plan(x, UTIL_RESET, v->kind == VAR_RESET ? "RESET" : "SET");
        if (!p || !set_arg(p, &p->arg_name, v->name, x->err))
            return false;
        p->arg_flag = v->is_local;
        break;
    case VAR_RESET_ALL:
        p = util_plan(x, UTIL_RESET_ALL, "RESET");
        if (!p)
            return false;
        break;
    case VAR_SET_MULTI: {
        /* SET TRANSACTION ... / SET SESSION CHARACTERISTICS AS TRANSACTION ... */
        bool session = strcmp(v->name, "SESSION CHARACTERISTICS") == 0;
        p = util_plan(x, session ? UTIL_SET_SESSION_CHARACTERISTICS : UTIL_SET_TRANSACTION, "SET");
        if (!p)
            return false;
        strbuf opts;
        strbuf_init(&opts);
        ListCell *lc;
        foreach (lc, v->args) {
            DefElem *d = lfirst_node(DefElem, lc);
            A_Const *c = (A_Const *)d->arg;
            if (strcmp(d->defname, "transaction_isolation") == 0)
                strbuf_printf(&opts, "i=%s;", strVal(&c->val));
            else if (strcmp(d->defname, "transaction_read_only") == 0)
                strbuf_printf(&opts, "r=%d;", intVal(&c->val));
        }
        bool ok = set_arg(p, &p->arg_value, opts.data ? opts.data : "", x->err);
        strbuf_free(&opts);
        if (!ok)
            return false;
        break;
    }
    default:
        xlate_error(x, -1, "0A000", "unsupported SET form");
        return false;
    }
    p->allowed_in_failed = false;
    *out = p;
    return true;
}

static bool xlate_show(sql_xlate *x, VariableShowStmt *v, sql_plan **out)
{
    bool all = strcmp(v->name, "all") == 0;
    sql_plan *p = util_plan(x, all ? UTIL_SHOW_ALL : UTIL_SHOW, "SHOW");
    if (!p || !set_arg(p, &p->arg_name, v->name, x->err))
        return false;
    if (!all) {
        /* Validate now: SHOW of an unknown name is 42704 at Describe time in PostgreSQL. */
        pg_error err = {0};
        const char *val = guc_show(x->session, v->name, &err);
        if (!val) {
            pg_error_move(x->err, &err);
            sql_plan_unref(p);
            return false;
        }
    }
    int n = all ? 3 : 1;
    p->ncolumns = n;
    p->columns = arena_zalloc(&p->mem, sizeof *p->columns * (size_t)n);
    if (!p->columns) {
        pg_error_oom(x->err);
        sql_plan_unref(p);
        return false;
    }
    static const char *const all_names[] = {"name", "setting", "description"};
    for (int i = 0; i < n; i++) {
        const char *name = all ? all_names[i] : v->name;
        if (!all) {
            /* The column is named as the setting's canonical spelling. */
            for (size_t k = 0; k < guc_count(); k++) {
                const char *gname, *gval, *gdesc;
                if (guc_at(x->session, k, &gname, &gval, &gdesc) && ascii_streq_ci(gname, v->name))
                    name = gname;
            }
            if (ascii_streq_ci(v->name, "timezone"))
                name = "TimeZone";
        }
        p->columns[i].name = arena_strdup(&p->mem, name);
        p->columns[i].type_oid = PG_OID_TEXT;
        p->columns[i].typlen = -1;
        p->columns[i].typmod = -1;
    }
    x->uncacheable = true;
    *out = p;
    return true;
}

static bool transaction_options(sql_plan *p, List *options, pg_error *err)
{
    strbuf opts;
    strbuf_init(&opts);
    ListCell *lc;
    foreach (lc, options) {
        DefElem *d = lfirst_node(DefElem, lc);
        A_Const *c = (A_Const *)d->arg;
        if (strcmp(d->defname, "transaction_isolation") == 0)
            strbuf_printf(&opts, "i=%s;", strVal(&c->val));
        else if (strcmp(d->defname, "transaction_read_only") == 0)
            strbuf_printf(&opts, "r=%d;", intVal(&c->val));
        else if (strcmp(d->defname, "transaction_deferrable") == 0)
            strbuf_printf(&opts, "d=%d;", intVal(&c->val));
    }
    bool ok = set_arg(p, &p->arg_value, opts.data ? opts.data : "", err);
    strbuf_free(&opts);
    return ok;
}

static bool xlate_transaction(sql_xlate *x, TransactionStmt *t, sql_plan **out)
{
    sql_plan *p = NULL;
    switch (t->kind) {
    case TRANS_STMT_BEGIN:
    case TRANS_STMT_START:
        p = util_plan(x, UTIL_BEGIN, t->kind == TRANS_STMT_BEGIN ? "BEGIN" : "START TRANSACTION");
        if (!p || !transaction_options(p, t->options, x->err))
            return false;
        break;
    case TRANS_STMT_COMMIT:
        p = util_plan(x, UTIL_COMMIT, "COMMIT");
        if (p)
            p->arg_flag = t->chain;
        break;
    case TRANS_STMT_ROLLBACK:
        p = util_plan(x, UTIL_ROLLBACK, "ROLLBACK");
        if (p)
            p->arg_flag = t->chain;
        break;
    case TRANS_STMT_SAVEPOINT:
        p = util_plan(x, UTIL_SAVEPOINT, "SAVEPOINT");
        if (p && !set_arg(p, &p->arg_name, t->savepoint_name, x->err))
            return false;
        break;
    case TRANS_STMT_RELEASE:
        p = util_plan(x, UTIL_RELEASE, "RELEASE");
        if (p && !set_arg(p, &p->arg_name, t->savepoint_name, x->err))
            return false;
        break;
    case TRANS_STMT_ROLLBACK_TO:
        p = util_plan(x, UTIL_ROLLBACK_TO, "ROLLBACK");
        if (p && !set_arg(p, &p->arg_name, t->savepoint_name, x->err))
            return false;
        break;
    default:
        xlate_error(x, -1, "0A000", "prepared transactions (two-phase commit) are not supported");
        return false;
    }
    if (!p)
        return false;
    p->transaction_control = true;
    p->allowed_in_failed = t->kind == TRANS_STMT_COMMIT || t->kind == TRANS_STMT_ROLLBACK ||
                           t->kind == TRANS_STMT_ROLLBACK_TO;
    *out = p;
    return true;
}

static bool xlate_prepare(sql_xlate *x, PrepareStmt *ps, sql_plan **out)
{
    /* Analyse the statement now, with the declared argument types. */
    int n = list_length(ps->argtypes);
    pg_oid types[100];
    if (n > 100) {
        xlate_error(x, -1, "54023", "too many arguments");
        return false;
    }
    int i = 0;
    ListCell *lc;
    foreach (lc, ps->argtypes) {
        int32_t typmod;
        if (!analyze_type_name(x, lfirst(lc), &types[i], &typmod))
            return false;
        i++;
    }
    sql_xlate inner = *x;
    inner.nparams = 0;
    inner.params_cap = 0;
    inner.param_types = NULL;
    for (i = 0; i < n; i++)
        if (!xlate_param(&inner, i + 1, types[i], -1))
            return false;
    sql_plan *stmt = NULL;
    if (!xlate_statement(&inner, ps->query, &stmt))
        return false;
    stmt->nparams = inner.nparams;
    if (inner.nparams) {
        stmt->param_types = arena_alloc(&stmt->mem, sizeof *stmt->param_types * (size_t)inner.nparams);
        if (!stmt->param_types) {
            sql_plan_unref(stmt);
            pg_error_oom(x->err);
            return false;
        }
        for (i = 0; i < inner.nparams; i++) {
            pg_oid t = inner.param_types[i];
            stmt->param_types[i] = t == PG_OID_INVALID || t == PG_OID_UNKNOWN ? PG_OID_TEXT : t;
        }
    }
    /* The statement's text: the query part of the PREPARE, for pg_prepared_statements. */
    stmt->text = strdup(x->text);
    stmt->from_prepare = true;
    stmt->schema_version = x->session->schema_changed_in_txn ? 0 : cat_snapshot_version(x->catalog);
    sql_plan *p = util_plan(x, UTIL_PREPARE, "PREPARE");
    if (!p || !set_arg(p, &p->arg_name, ps->name, x->err)) {
        sql_plan_unref(stmt);
        if (p)
            sql_plan_unref(p);
        return false;
    }
    p->prepared = stmt;
    *out = p;
    return true;
}

static bool xlate_execute(sql_xlate *x, ExecuteStmt *es, sql_plan **out)
{
    sql_plan *target = sql_session_find_statement(x->session, es->name);
    if (!target) {
        xlate_error(x, -1, "26000", "prepared statement \"%s\" does not exist", es->name);
        return false;
    }
    /* The result described for EXECUTE is the revalidated statement's (or 0A000). */
    if (!sql_session_revalidate_statement(x->session, es->name, &target, x->err))
        return false;
    int n = list_length(es->params);
    if (n != target->nparams) {
        xlate_error(x, -1, "42601", "wrong number of parameters for prepared statement \"%s\"", es->name);
        pg_error_detail(x->err, "Expected %d parameters but got %d.", target->nparams, n);
        return false;
    }
    sql_plan *p = util_plan(x, UTIL_EXECUTE, target->command);
    if (!p || !set_arg(p, &p->arg_name, es->name, x->err))
        return false;
    p->exec_args = calloc((size_t)(n ? n : 1), sizeof *p->exec_args);
    if (!p->exec_args) {
        sql_plan_unref(p);
        pg_error_oom(x->err);
        return false;
    }
    /* Arguments that fold to constants of the parameter types are kept in text form and
     * converted again at execution (with the session's settings then); if any is an
     * expression, they all become one engine SELECT run at execution (p->prepared). */
    ir_query *scope = ir_query_new(x, QUERY_SELECT, NULL);
    ir_expr **args = xlate_alloc(x, sizeof *args * (size_t)(n + 1));
    if (!scope || !args) {
        sql_plan_unref(p);
        return false;
    }
    bool all_constant = true;
    int i = 0;
    ListCell *lc;
    foreach (lc, es->params) {
        scope->clause = "EXECUTE parameter";
        ir_expr *e = analyze_expr(x, scope, lfirst(lc));
        e = e ? ir_coerce(x, e, target->param_types[i], -1, COERCE_ASSIGNMENT, NULL) : NULL;
        if (!e) {
            sql_plan_unref(p);
            return false;
        }
        args[i++] = e;
        all_constant = all_constant && e->kind == IRE_CONST;
    }
    if (!all_constant) {
        scope->targets = xlate_alloc(x, sizeof *scope->targets * (size_t)n);
        if (!scope->targets) {
            sql_plan_unref(p);
            return false;
        }
        for (i = 0; i < n; i++) {
            scope->targets[i].expr = args[i];
            scope->targets[i].name = "?column?";
        }
        scope->ntargets = n;
        if (!xlate_select_plan(x, scope, &p->prepared)) {
            sql_plan_unref(p);
            return false;
        }
    }
    for (i = 0; i < n && all_constant; i++) {
        ir_expr *e = args[i];
        if (e->u.constant.value.kind != VALUE_NULL) {
            strbuf text;
            strbuf_init(&text);
            if (!types_text_out(&x->session->types, e->type, e->typmod, &e->u.constant.value, &text, x->err)) {
                strbuf_free(&text);
                sql_plan_unref(p);
                return false;
            }
            p->exec_args[i] = strbuf_steal(&text);
        }
    }
    p->nexec_args = n;
    p->ncolumns = target->ncolumns;
    if (target->ncolumns > 0) {
        p->columns = arena_alloc(&p->mem, sizeof *p->columns * (size_t)target->ncolumns);
        if (!p->columns) {
            sql_plan_unref(p);
            pg_error_oom(x->err);
            return false;
        }
        for (int c = 0; c < target->ncolumns; c++) {
            p->columns[c] = target->columns[c];
            p->columns[c].name = arena_strdup(&p->mem, target->columns[c].name);
        }
    }
    p->tag = target->tag;
    x->uncacheable = true;
    *out = p;
    return true;
}

static bool noop(sql_xlate *x, const char *tag, sql_plan **out)
{
    sql_plan *p = util_plan(x, UTIL_NOOP, tag);
    if (!p)
        return false;
    *out = p;
    return true;
}

/* DISCARD TEMP / ALL: the temporary schema's objects go, by a DDL plan run first (the
 * utility's `prepared`). */
static bool discard_temp_plan(sql_xlate *x, sql_plan *p)
{
    const char *temp = analyze_temp_schema(x);
    if (!temp)
        return true;
    const cat_namespace *ns = cat_find_namespace(x->catalog, temp);
    sql_plan *drop = ddl_plan(x, p->command);
    if (!drop)
        return false;
    if (!ddl_drop_schema_members(x, drop, ns) ||
        !ddl_stepf(x, drop, "DELETE FROM " CAT_META_NAMESPACE " WHERE oid = %u", ns->oid)) {
        sql_plan_unref(drop);
        return false;
    }
    p->prepared = drop;
    return true;
}

bool xlate_utility(sql_xlate *x, Node *stmt, sql_plan **out, bool *handled)
{
    *handled = true;
    sql_plan *p;
    switch (nodeTag(stmt)) {
    case T_VariableSetStmt:
        return xlate_set(x, (VariableSetStmt *)stmt, out);
    case T_VariableShowStmt:
        return xlate_show(x, (VariableShowStmt *)stmt, out);
    case T_TransactionStmt:
        return xlate_transaction(x, (TransactionStmt *)stmt, out);
    case T_CreatedbStmt: {
        CreatedbStmt *c = (CreatedbStmt *)stmt;
        p = util_plan(x, UTIL_CREATE_DATABASE, "CREATE DATABASE");
        if (!p || !set_arg(p, &p->arg_name, c->dbname, x->err))
            return false;
        p->no_transaction_block = true;
        *out = p;
        return true;
    }
    case T_DropdbStmt: {
        DropdbStmt *d = (DropdbStmt *)stmt;
        p = util_plan(x, UTIL_DROP_DATABASE, "DROP DATABASE");
        if (!p || !set_arg(p, &p->arg_name, d->dbname, x->err))
            return false;
        p->arg_flag = d->missing_ok;
        p->no_transaction_block = true;
        *out = p;
        return true;
    }
    case T_DiscardStmt: {
        DiscardStmt *d = (DiscardStmt *)stmt;
        utility_kind k = d->target == DISCARD_ALL ? UTIL_DISCARD_ALL : d->target == DISCARD_PLANS ? UTIL_DISCARD_PLANS
                         : d->target == DISCARD_SEQUENCES ? UTIL_DISCARD_SEQUENCES : UTIL_DISCARD_TEMP;
        p = util_plan(x, k, d->target == DISCARD_ALL ? "DISCARD ALL" : d->target == DISCARD_PLANS ? "DISCARD PLANS"
                            : d->target == DISCARD_SEQUENCES ? "DISCARD SEQUENCES" : "DISCARD TEMP");
        if (!p)
            return false;
        p->no_transaction_block = d->target == DISCARD_ALL;
        if ((d->target == DISCARD_ALL || d->target == DISCARD_TEMP) && !discard_temp_plan(x, p)) {
            sql_plan_unref(p);
            return false;
        }
        *out = p;
        return true;
    }
    case T_ListenStmt:
        p = util_plan(x, UTIL_LISTEN, "LISTEN");
        if (!p || !set_arg(p, &p->arg_name, ((ListenStmt *)stmt)->conditionname, x->err))
            return false;
        *out = p;
        return true;
    case T_UnlistenStmt: {
        UnlistenStmt *u = (UnlistenStmt *)stmt;
        p = util_plan(x, u->conditionname ? UTIL_UNLISTEN : UTIL_UNLISTEN_ALL, "UNLISTEN");
        if (!p || !set_arg(p, &p->arg_name, u->conditionname, x->err))
            return false;
        *out = p;
        return true;
    }
    case T_NotifyStmt: {
        NotifyStmt *n = (NotifyStmt *)stmt;
        p = util_plan(x, UTIL_NOTIFY, "NOTIFY");
        if (!p || !set_arg(p, &p->arg_name, n->conditionname, x->err) ||
            !set_arg(p, &p->arg_value, n->payload ? n->payload : "", x->err))
            return false;
        *out = p;
        return true;
    }
    case T_DeclareCursorStmt:
    case T_FetchStmt:
    case T_ClosePortalStmt:
        return xlate_cursor(x, stmt, out, handled);
    case T_PrepareStmt:
        return xlate_prepare(x, (PrepareStmt *)stmt, out);
    case T_ExecuteStmt:
        return xlate_execute(x, (ExecuteStmt *)stmt, out);
    case T_DeallocateStmt: {
        DeallocateStmt *d = (DeallocateStmt *)stmt;
        p = util_plan(x, d->name ? UTIL_DEALLOCATE : UTIL_DEALLOCATE_ALL, d->name ? "DEALLOCATE" : "DEALLOCATE ALL");
        if (!p || !set_arg(p, &p->arg_name, d->name, x->err))
            return false;
        *out = p;
        return true;
    }
    case T_VacuumStmt:
        return noop(x, ((VacuumStmt *)stmt)->is_vacuumcmd ? "VACUUM" : "ANALYZE", out);
    case T_CheckPointStmt:
        return noop(x, "CHECKPOINT", out);
    case T_LockStmt:
        return noop(x, "LOCK TABLE", out);
    case T_LoadStmt:
        return noop(x, "LOAD", out);
    case T_ReindexStmt:
        return noop(x, "REINDEX", out);
    case T_ClusterStmt:
        return noop(x, "CLUSTER", out);
    case T_DoStmt:
        xlate_error(x, -1, "0A000", "DO blocks are not supported (no procedural language)");
        return false;
    default:
        *handled = false;
        return true;
    }
}
