/*
 * plan.c — plan objects and sql_plan_create: cache lookup, parse, translate, cache store.
 */
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

sql_plan *plan_new(plan_kind kind, const char *command)
{
    sql_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    atomic_init(&p->refs, 1);
    p->kind = kind;
    p->command = command;
    p->ncolumns = -1;
    arena_init(&p->mem);
    return p;
}

bool plan_add_step(sql_plan *p, const char *sql, int nparams, const int *param_map, bool returns_rows,
                   bool count_rows)
{
    plan_step *grown = arena_alloc(&p->mem, sizeof *grown * (size_t)(p->nsteps + 1));
    if (!grown)
        return false;
    if (p->nsteps)
        memcpy(grown, p->steps, sizeof *grown * (size_t)p->nsteps);
    p->steps = grown;
    plan_step *st = &p->steps[p->nsteps];
    memset(st, 0, sizeof *st);
    st->sql = arena_strdup(&p->mem, sql);
    st->nparams = nparams;
    if (nparams) {
        st->param_map = arena_alloc(&p->mem, sizeof *st->param_map * (size_t)nparams);
        if (!st->param_map)
            return false;
        memcpy(st->param_map, param_map, sizeof *st->param_map * (size_t)nparams);
    }
    st->returns_rows = returns_rows;
    st->count_rows = count_rows;
    if (!st->sql)
        return false;
    p->nsteps++;
    return true;
}

void sql_plan_ref(sql_plan *p)
{
    atomic_fetch_add(&p->refs, 1);
}

void sql_plan_unref(sql_plan *p)
{
    if (!p || atomic_fetch_sub(&p->refs, 1) != 1)
        return;
    if (p->prepared)
        sql_plan_unref(p->prepared);
    pg_error_clear(&p->deferred_error);
    free(p->text);
    free(p->arg_name);
    free(p->arg_value);
    for (int i = 0; i < p->nexec_args; i++)
        free(p->exec_args[i]);
    free(p->exec_args);
    arena_free(&p->mem);
    free(p);
}

int sql_plan_param_count(const sql_plan *p) { return p->nparams; }
pg_oid sql_plan_param_type(const sql_plan *p, int i) { return i >= 0 && i < p->nparams ? p->param_types[i] : 0; }
int sql_plan_column_count(const sql_plan *p) { return p->ncolumns; }
const sql_column *sql_plan_column(const sql_plan *p, int i) { return i >= 0 && i < p->ncolumns ? &p->columns[i] : NULL; }
const sql_column *sql_plan_columns(const sql_plan *p) { return p->columns; }
const char *sql_plan_text(const sql_plan *p) { return p->text ? p->text : ""; }
const char *sql_plan_command(const sql_plan *p) { return p->command; }
bool sql_plan_allowed_in_failed_block(const sql_plan *p) { return p->allowed_in_failed; }
bool sql_plan_is_transaction_control(const sql_plan *p) { return p->transaction_control; }

/* In a failed transaction only ending it is allowed, and that is checked before any name
 * is resolved (PostgreSQL answers 25P02, not 42P01, for a missing table then). */
static bool allowed_in_failed_transaction(const char *text, size_t len)
{
    char *copy = xstrndup(text, len);
    if (!copy)
        return false;
    raw_parse p;
    pg_error ignore = {0};
    bool allowed = false;
    if (raw_parse_text(copy, &p, NULL, 0, &ignore)) {
        if (list_length(p.statements) == 1) {
            Node *stmt = ((RawStmt *)linitial(p.statements))->stmt;
            if (IsA(stmt, TransactionStmt)) {
                TransactionStmtKind k = ((TransactionStmt *)stmt)->kind;
                allowed = k == TRANS_STMT_COMMIT || k == TRANS_STMT_ROLLBACK || k == TRANS_STMT_ROLLBACK_TO ||
                          k == TRANS_STMT_PREPARE || k == TRANS_STMT_COMMIT_PREPARED ||
                          k == TRANS_STMT_ROLLBACK_PREPARED;
            }
        }
        raw_parse_free(&p);
    } else {
        /* A syntax error is reported as such, even in a failed transaction. */
        allowed = true;
        pg_error_clear(&ignore);
    }
    free(copy);
    return allowed;
}

/* One statement translated for the engine, or for the catalog connection of an ODBC engine.
 * `reads` (may be NULL) tells whether it read the catalog and whether it read anything else
 * (relations of the engine). */
typedef struct statement_reads {
    bool catalog;
    bool user_relations;
} statement_reads;

static bool translate_statement(sql_session *s, cat_snapshot *cat, const char *copy, int position_offset,
                                bool catalog_engine, Node *stmt, const pg_oid *param_types, int nparam_types,
                                sql_plan **out, bool *private_catalog, statement_reads *reads, pg_error *err)
{
    sql_plan *plan = NULL;
    bool ok = true;
    arena mem;
    arena_init(&mem);
    sql_xlate x = {
        .session = s,
        .catalog = cat,
        .mem = &mem,
        .text = copy,
        .position_offset = position_offset,
        .dialect = catalog_engine ? DIALECT_SQLITE : backend_dialect(s->srv->b),
        .catalog_engine = catalog_engine,
        .err = err,
    };
    for (int i = 0; i < nparam_types; i++) {
        if (!xlate_param(&x, i + 1, param_types[i], -1)) {
            ok = false;
            break;
        }
    }
    ok = ok && xlate_statement(&x, stmt, &plan);
    if (ok && plan) {
        plan->nparams = x.nparams;
        if (x.nparams) {
            plan->param_types = arena_alloc(&plan->mem, sizeof *plan->param_types * (size_t)x.nparams);
            if (!plan->param_types) {
                pg_error_oom(err);
                ok = false;
            } else {
                for (int i = 0; i < x.nparams && ok; i++) {
                    pg_oid t = x.param_types[i];
                    if (t == PG_OID_INVALID && plan->kind != PLAN_UTILITY) {
                        /* Never used and not declared (select $2 alone): PostgreSQL
                         * cannot give it a type either. */
                        pg_error_set(err, "42P18", "could not determine data type of parameter $%d", i + 1);
                        ok = false;
                    }
                    plan->param_types[i] = (t == PG_OID_INVALID || t == PG_OID_UNKNOWN) ? PG_OID_TEXT : t;
                }
            }
        }
    }
    if (x.uncacheable)
        *private_catalog = true;
    if (reads) {
        reads->catalog = x.uses_catalog;
        reads->user_relations = x.uses_user_relations;
    }
    arena_free(&mem);
    if (!ok && plan) {
        sql_plan_unref(plan);
        plan = NULL;
    }
    *out = plan;
    return ok;
}

/*
 * ODBC engines have no catalog relations: a statement that reads only pg_catalog /
 * information_schema (and functions) runs on the embedded SQLite connection that holds the
 * catalog stores built from the engine's snapshot (catalog_engine.c), so it is translated
 * again for SQLite.  That is tried when the engine's translation read the catalog and no
 * engine relation, or failed before reading one (a catalog function the engine's dialect
 * lacks).  A statement mixing both keeps the engine's translation; running it says 0A000.
 */
static bool route_catalog_statement(sql_session *s, cat_snapshot *cat, const char *copy, int position_offset,
                                    Node *stmt, const pg_oid *param_types, int nparam_types, bool engine_ok,
                                    sql_plan **plan, bool *private_catalog, pg_error *err)
{
    if (nodeTag(stmt) != T_SelectStmt || ((SelectStmt *)stmt)->intoClause)
        return engine_ok;
    if (engine_ok && (!(*plan)->uses_catalog || (*plan)->kind != PLAN_ENGINE || (*plan)->writes))
        return engine_ok;
    pg_error catalog_err = {0};
    sql_plan *catalog_plan = NULL;
    statement_reads reads = {0};
    bool catalog_private = *private_catalog;
    bool ok = translate_statement(s, cat, copy, position_offset, true, stmt, param_types, nparam_types,
                                  &catalog_plan, &catalog_private, &reads, &catalog_err);
    if (!ok || !reads.catalog || reads.user_relations || catalog_plan->kind != PLAN_ENGINE ||
        catalog_plan->writes) {
        if (catalog_plan)
            sql_plan_unref(catalog_plan);
        pg_error_clear(&catalog_err);
        return engine_ok;
    }
    if (*plan)
        sql_plan_unref(*plan);
    pg_error_clear(err);
    catalog_plan->catalog_engine = true;
    *plan = catalog_plan;
    *private_catalog = catalog_private;
    return true;
}

bool sql_plan_create(sql_session *s, const char *text, size_t len, int position_offset, const pg_oid *param_types,
                     int nparam_types, sql_plan **out, pg_error *err)
{
    if (s->txn == TXN_FAILED && !allowed_in_failed_transaction(text, len)) {
        pg_error_set(err, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
        return false;
    }
    cat_snapshot *cat = NULL;
    if (!session_catalog(s, &cat, err))
        return false;
    bool private_catalog = s->schema_changed_in_txn;
    /* The session settings a translation depends on besides the catalog (name resolution,
     * folding of date/time literals), kept as one string by the session. */
    const char *key = s->plan_settings_key ? s->plan_settings_key : "";
    char temp_key[1200];
    if (s->temp_schema) {
        /* the session's temporary schema resolves names too */
        snprintf(temp_key, sizeof temp_key, "%s|%s", key, s->temp_schema);
        key = temp_key;
    }
    uint64_t version = cat_snapshot_version(cat);
    if (!private_catalog) {
        sql_plan *hit = plan_cache_get(s->srv->cache, s->db, version, key, param_types, nparam_types, text, len);
        if (hit) {
            cat_snapshot_unref(cat);
            *out = hit;
            return true;
        }
    }
    char *copy = xstrndup(text, len);
    if (!copy) {
        cat_snapshot_unref(cat);
        pg_error_oom(err);
        return false;
    }
    raw_parse p;
    /* Positions: the parser counts from the start of `copy`; the client's string had
     * position_offset bytes before it (counted in characters by the caller's text). */
    if (!raw_parse_text(copy, &p, NULL, 0, err)) {
        if (err->position)
            err->position += position_offset;
        free(copy);
        cat_snapshot_unref(cat);
        return false;
    }
    int nstmts = list_length(p.statements);
    sql_plan *plan = NULL;
    bool ok = true;
    if (nstmts == 0) {
        plan = plan_new(PLAN_EMPTY, "");
        ok = plan != NULL;
        if (!ok)
            pg_error_oom(err);
    } else if (nstmts > 1) {
        pg_error_set(err, "42601", "cannot insert multiple commands into a prepared statement");
        ok = false;
    } else {
        RawStmt *rs = linitial(p.statements);
        ok = translate_statement(s, cat, copy, position_offset, false, rs->stmt, param_types,
                                 nparam_types, &plan, &private_catalog, NULL, err);
        if (backend_get_kind(s->srv->b) == BACKEND_ODBC)
            ok = route_catalog_statement(s, cat, copy, position_offset, rs->stmt, param_types, nparam_types, ok,
                                         &plan, &private_catalog, err);
    }
    raw_parse_free(&p);
    if (!ok) {
        if (plan)
            sql_plan_unref(plan);
        free(copy);
        cat_snapshot_unref(cat);
        return false;
    }
    plan->text = copy;
    /* 0: translated against this transaction's uncommitted schema, to be checked again. */
    plan->schema_version = s->schema_changed_in_txn ? 0 : version;
    if (!private_catalog && plan->kind != PLAN_UTILITY)
        plan_cache_put(s->srv->cache, s->db, version, key, param_types, nparam_types, text, len, plan);
    cat_snapshot_unref(cat);
    *out = plan;
    return true;
}
