/*
 * exec.c — portals: running a plan with bound parameters and handing out its rows.
 *
 * A portal can stop between any two rows (Execute with a row limit, a full socket) and
 * continue later on any thread; it keeps its engine statement in the middle of its scan.
 * Statement-level bookkeeping (running flag for cancel, statement timeout, schema version
 * after DDL, autocommit release of the engine connection) happens at start and at end.
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

struct sql_portal {
    engine_conn *conn;         /* where its steps run: the session's engine connection, or
                                * its catalog connection (plan->catalog_engine) */
    sql_session *s;
    sql_plan *plan;
    arena mem;                 /* parameter bytes */
    sql_value *params;
    int nparams;
    bool started;
    bool done;
    bool failed;
    int step;
    engine_stmt *stmt;
    engine_stmt *into;         /* the step's rows_into INSERT, while that step runs */
    sql_value *row;
    int nfetch;                /* engine columns per row: ncolumns, or a COPY TO's columns */
    bool copy_in;              /* COPY FROM: started, taking rows (sql_portal_copy_row) */
    copy_batch *batch;         /* COPY FROM: rows on their way to the engine */
    int ncolumns;
    const sql_column *columns; /* the plan's, or utility's own */
    int64_t rows;
    int64_t changes;
    char tag[64];
    bool opened_engine_txn;    /* this statement opened an engine transaction (autocommit DDL) */
    uint64_t txn_generation;   /* the (sub)transaction it belongs to: sql_portal_alive */
    uint64_t subxact;
    struct sql_portal *prev, *next;   /* the session's open portals (portals_end_transaction) */
    /* Utility results held in memory (SHOW ...). */
    char **util_values;        /* rows × ncolumns texts */
    int util_rows, util_next;
    sql_column *util_columns;
    sql_value util_row[4];
    struct sql_portal *inner;  /* EXECUTE: the prepared statement's portal */
    struct sql_portal *args;   /* EXECUTE: the portal computing its argument expressions */
    /* FETCH / MOVE */
    const sql_value *fetch_row;
    int64_t fetch_left;        /* rows still to return, -1 = all */
    int64_t fetch_skip_left;
};


static const char *const empty_tag = "";

bool sql_portal_create(sql_session *s, sql_plan *p, const sql_value *params, int nparams, sql_portal **out,
                       pg_error *err)
{
    if (!params && nparams == 0 && p->nparams > 0) {
        /* A query string with $n and no values (the simple query protocol): PostgreSQL
         * finds no parameter while analysing it. */
        pg_error_set(err, "42P02", "there is no parameter $1");
        return false;
    }
    if (nparams != p->nparams) {
        pg_error_set(err, "08P01", "bind message supplies %d parameters, but prepared statement \"\" requires %d",
                     nparams, p->nparams);
        return false;
    }
    /* One allocation per Bind: the portal, its current row, its parameters and their bytes.
     * The row holds the engine's columns: the result's, or a COPY TO's. */
    int nfetch = p->copy && !p->copy->pub.is_from ? p->copy->pub.ncolumns : p->ncolumns;
    int ncols = nfetch > 0 ? nfetch : 0;
    size_t bytes = 0;
    for (int i = 0; i < nparams; i++)
        if (params[i].kind == VALUE_TEXT || params[i].kind == VALUE_BLOB)
            bytes += params[i].len + 1;
    size_t values = sizeof(sql_value) * (size_t)(ncols + nparams);
    sql_portal *portal = malloc(sizeof *portal + values + bytes);
    if (!portal) {
        pg_error_oom(err);
        return false;
    }
    memset(portal, 0, sizeof *portal + values);
    arena_init(&portal->mem);
    portal->s = s;
    portal->plan = p;
    sql_plan_ref(p);
    portal->ncolumns = p->ncolumns;
    portal->columns = p->columns;
    portal->nfetch = nfetch;
    portal->txn_generation = s->txn_generation;
    portal->subxact = s->savepoints ? s->savepoints->id : 0;
    portal->next = s->portals;
    if (s->portals)
        s->portals->prev = portal;
    s->portals = portal;
    sql_value *slots = (sql_value *)(portal + 1);
    if (ncols)
        portal->row = slots;
    if (nparams) {
        portal->params = slots + ncols;
        char *copy = (char *)(slots + ncols + nparams);
        for (int i = 0; i < nparams; i++) {
            portal->params[i] = params[i];
            if (params[i].kind == VALUE_TEXT || params[i].kind == VALUE_BLOB) {
                memcpy(copy, params[i].ptr, params[i].len);
                copy[params[i].len] = 0;
                portal->params[i].ptr = copy;
                copy += params[i].len + 1;
            }
        }
        portal->nparams = nparams;
    }
    *out = portal;
    return true;
}

sql_plan *sql_portal_plan(const sql_portal *portal) { return portal->plan; }

bool sql_portal_alive(const sql_portal *portal)
{
    const sql_session *s = portal->s;
    if (portal->txn_generation != s->txn_generation)
        return false;
    for (int i = 0; i < s->ndead_subxacts; i++)
        if (portal->subxact >= s->dead_subxacts[i].lo && portal->subxact <= s->dead_subxacts[i].hi)
            return false;
    return true;
}
const sql_value *sql_portal_row(const sql_portal *portal)
{
    if (portal->inner)
        return sql_portal_row(portal->inner);
    if (portal->fetch_row)
        return portal->fetch_row;
    return portal->util_values ? portal->util_row : portal->row;
}
int64_t sql_portal_rows(const sql_portal *portal) { return portal->rows; }
bool sql_portal_is_done(const sql_portal *portal) { return portal->done; }
int sql_portal_column_count(const sql_portal *portal) { return portal->ncolumns; }
const sql_column *sql_portal_columns(const sql_portal *portal) { return portal->columns; }
const sql_column *sql_portal_column(const sql_portal *portal, int i)
{
    return i >= 0 && i < portal->ncolumns ? &portal->columns[i] : NULL;
}

const char *sql_portal_command_tag(const sql_portal *portal)
{
    return portal->tag[0] || portal->plan->kind != PLAN_EMPTY ? portal->tag : empty_tag;
}

/* Utility results: the executor of a utility statement stores rows here. */
bool portal_set_utility_result(sql_portal *portal, int ncolumns, const char *const *names, char **values, int rows)
{
    portal->util_columns = calloc((size_t)ncolumns, sizeof *portal->util_columns);
    if (!portal->util_columns)
        return false;
    for (int i = 0; i < ncolumns; i++) {
        portal->util_columns[i].name = names[i];
        portal->util_columns[i].type_oid = PG_OID_TEXT;
        portal->util_columns[i].typlen = -1;
        portal->util_columns[i].typmod = -1;
    }
    portal->ncolumns = ncolumns;
    portal->columns = portal->util_columns;
    portal->util_values = values;
    portal->util_rows = rows;
    return true;
}

sql_session *portal_session(sql_portal *portal) { return portal->s; }
const sql_value *portal_params(sql_portal *portal, int *count)
{
    *count = portal->nparams;
    return portal->params;
}

bool sql_portal_binary_results(const sql_portal *portal)
{
    if (portal->plan->kind != PLAN_UTILITY || portal->plan->utility != UTIL_FETCH || portal->plan->arg_flag)
        return false;
    sql_cursor *c = cursor_find(portal->s, portal->plan->arg_name);
    return c && cursor_binary(c);
}
void portal_set_tag(sql_portal *portal, const char *tag)
{
    snprintf(portal->tag, sizeof portal->tag, "%s", tag);
}

static void statement_started(sql_session *s)
{
    /* A cancel that came after session_acquire_engine looked (pending) applies to this
     * statement: the engine sees it at its first interrupt check. */
    pthread_mutex_lock(&s->cancel_lock);
    s->running = true;
    atomic_store(&s->ctx.interrupt, (int)s->pending_interrupt);
    s->pending_interrupt = INTERRUPT_NONE;
    pthread_mutex_unlock(&s->cancel_lock);
    int64_t timeout_ms = s->statement_timeout_ms;
    s->ctx.deadline_us = timeout_ms > 0 ? clock_monotonic_us() + timeout_ms * 1000 : 0;
    s->ctx.statement_start_us = clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
    s->ctx.vector_ef_search = (int)guc_get_int(s->gucs, "hnsw.ef_search");
    s->ctx.vector_exact = !guc_get_bool(s->gucs, "enable_indexscan");
    s->ctx.vector_build_threads = (int)guc_get_int(s->gucs, "max_parallel_maintenance_workers") + 1;
    if (s->txn == TXN_IDLE || !s->txn_start_us) {
        s->txn_start_us = s->ctx.statement_start_us;
    }
    s->ctx.transaction_start_us = s->txn_start_us;
}

static void statement_finished(sql_session *s)
{
    pthread_mutex_lock(&s->cancel_lock);
    s->running = false;
    pthread_mutex_unlock(&s->cancel_lock);
    s->ctx.deadline_us = 0;
    activity_statement_end(s);
}

/* The engine's words for a constraint failure, turned into PostgreSQL's message with the
 * constraint's name from the catalog ("UNIQUE constraint failed: t.a" → t_a_key). */
static void describe_constraint_error(sql_session *s, const sql_plan *plan, pg_error *err)
{
    if (!err->internal_query)
        return;
    const char *msg = err->internal_query;
    const char *colon = strchr(msg, ':');
    char table[256] = "", column[256] = "";
    if (colon) {
        const char *p = colon + 1;
        while (*p == ' ')
            p++;
        const char *dot = strchr(p, '.');
        if (dot) {
            snprintf(table, sizeof table, "%.*s", (int)(dot - p), p);
            const char *end = dot + 1;
            size_t n = strcspn(end, ",");
            snprintf(column, sizeof column, "%.*s", (int)n, end);
        }
    }
    cat_snapshot *cat = NULL;
    pg_error ignore = {0};
    if (!session_catalog(s, &cat, &ignore)) {
        pg_error_clear(&ignore);
        cat = NULL;
    }
    const cat_relation *rel = NULL;
    for (size_t i = 0; cat && table[0] && i < cat_relation_count(cat); i++) {
        const cat_relation *r = cat_relation_at(cat, i);
        /* Indexes and sequences have no engine table of their own (empty engine name). */
        if (r->kind == 'r' && table[0] && r->engine_name && strcmp(r->engine_name, table) == 0)
            rel = r;
    }
    const cat_relation *target = cat && plan->target_relation ? cat_relation_by_oid(cat, plan->target_relation) : NULL;
    if (!rel)
        rel = target;
    const char *relname = rel ? rel->name : table;
    if (strcmp(err->sqlstate, "23502") == 0) {
        free(err->message);
        err->message = NULL;
        pg_error_set(err, "23502", "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                     column, relname);
        err->table_name = xstrdup(relname);
        err->column_name = xstrdup(column);
    } else if (strcmp(err->sqlstate, "23505") == 0) {
        const char *conname = NULL;
        if (rel) {
            /* The constraint or unique index whose first column matches. */
            for (int i = 0; i < rel->nconstraints && !conname; i++) {
                const cat_constraint *c = &rel->constraints[i];
                if ((c->type == 'p' || c->type == 'u') && c->nkeys > 0)
                    for (int k = 0; k < rel->ncolumns; k++)
                        if (rel->columns[k].attnum == c->keys[0] && strcmp(rel->columns[k].name, column) == 0)
                            conname = c->name;
            }
            for (int i = 0; i < rel->nindexes && !conname; i++) {
                const cat_index *ix = &rel->indexes[i];
                if (ix->unique && ix->nkeys > 0)
                    for (int k = 0; k < rel->ncolumns; k++)
                        if (rel->columns[k].attnum == ix->keys[0] && strcmp(rel->columns[k].name, column) == 0)
                            conname = ix->name;
            }
        }
        char fallback[600];
        snprintf(fallback, sizeof fallback, "%s_%s_key", relname, column);
        pg_error_set(err, "23505", "duplicate key value violates unique constraint \"%s\"", conname ? conname : fallback);
        err->table_name = xstrdup(relname);
        err->constraint_name = xstrdup(conname ? conname : fallback);
    } else if (strcmp(err->sqlstate, "23514") == 0) {
        /* "CHECK constraint failed: name": the relation is the one owning that constraint.
         * Copies: pg_error_set frees the engine's message these point into. */
        char *name = xstrdup(colon ? colon + 2 : "");
        for (size_t i = 0; cat && name && !rel && i < cat_relation_count(cat); i++) {
            const cat_relation *r = cat_relation_at(cat, i);
            for (int k = 0; k < r->nconstraints; k++)
                if (r->constraints[k].type == 'c' && strcmp(r->constraints[k].name, name) == 0)
                    rel = r;
        }
        char *relcopy = xstrdup(rel ? rel->name : relname[0] ? relname : "?");
        pg_error_set(err, "23514", "new row for relation \"%s\" violates check constraint \"%s\"",
                     relcopy ? relcopy : "?", name ? name : "");
        err->constraint_name = name;
        err->table_name = relcopy;
    } else if (strcmp(err->sqlstate, "23503") == 0) {
        /* The engine names no constraint: PostgreSQL's message when only one can be meant. */
        const cat_constraint *fk = NULL;
        const cat_relation *child = NULL;
        int nfk = 0;
        bool deleting = strcmp(plan->command, "DELETE") == 0;
        if (target && !deleting)
            for (int i = 0; i < target->nconstraints; i++)
                if (target->constraints[i].type == 'f') {
                    fk = &target->constraints[i];
                    nfk++;
                }
        if (target && nfk == 0)
            for (size_t i = 0; i < cat_relation_count(cat); i++) {
                const cat_relation *r = cat_relation_at(cat, i);
                for (int c = 0; c < r->nconstraints; c++)
                    if (r->constraints[c].type == 'f' && r->constraints[c].ref_relation == target->oid) {
                        fk = &r->constraints[c];
                        child = r;
                        nfk++;
                    }
            }
        if (nfk == 1 && child)
            pg_error_set(err, "23503", "update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"",
                         target->name, fk->name, child->name);
        else if (nfk == 1)
            pg_error_set(err, "23503", "insert or update on table \"%s\" violates foreign key constraint \"%s\"",
                         target->name, fk->name);
        else
            pg_error_set(err, "23503", "insert or update on table violates foreign key constraint");
        if (nfk == 1) {
            err->table_name = xstrdup(child ? child->name : target->name);
            err->constraint_name = xstrdup(fk->name);
        }
    }
    if (cat)
        cat_snapshot_unref(cat);
}

/* SQLite's "datatype mismatch" from an INSERT or UPDATE is a NULL given to an INTEGER
 * PRIMARY KEY column (the only column whose type it enforces; values are coerced before):
 * PostgreSQL's not-null violation of the primary key column. */
static void describe_rowid_null(sql_session *s, const sql_plan *plan, pg_error *err)
{
    cat_snapshot *cat = NULL;
    pg_error ignore = {0};
    if (!session_catalog(s, &cat, &ignore)) {
        pg_error_clear(&ignore);
        return;
    }
    const cat_relation *rel = cat_relation_by_oid(cat, plan->target_relation);
    for (int i = 0; rel && i < rel->nconstraints; i++) {
        const cat_constraint *c = &rel->constraints[i];
        if (c->type != 'p' || c->nkeys != 1)
            continue;
        for (int k = 0; k < rel->ncolumns; k++) {
            const cat_column *col = &rel->columns[k];
            if (col->attnum != c->keys[0] ||
                !(col->type == PG_OID_INT2 || col->type == PG_OID_INT4 || col->type == PG_OID_INT8))
                continue;
            free(err->message);
            err->message = NULL;
            pg_error_set(err, "23502", "null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                         col->name, rel->name);
            err->table_name = xstrdup(rel->name);
            err->column_name = xstrdup(col->name);
        }
    }
    cat_snapshot_unref(cat);
}

static void release_into(sql_portal *portal)
{
    if (portal->into) {
        engine_stmt_release(portal->into);
        portal->into = NULL;
    }
}

/* One row of a step with rows_into: its columns bound to that INSERT, which runs once. */
static bool copy_row_into(sql_portal *portal, const plan_step *st, pg_error *err)
{
    if (!portal->into && !engine_prepare(portal->conn, st->rows_into, &portal->into, err))
        return false;
    int n = engine_column_count(portal->stmt);
    for (int i = 0; i < n; i++) {
        sql_value v;
        engine_column_value(portal->stmt, i, &v);
        if (!engine_bind(portal->into, i + 1, &v, err))
            return false;
    }
    engine_step_result r = engine_step(portal->into, err);
    engine_stmt_reset(portal->into);
    return r == ENGINE_DONE;
}

static sql_run_status fail(sql_portal *portal, pg_error *err)
{
    sql_session *s = portal->s;
    copy_batch_destroy(portal->batch);
    portal->batch = NULL;
    if (portal->stmt) {
        engine_stmt_release(portal->stmt);
        portal->stmt = NULL;
    }
    release_into(portal);
    if (err->sqlstate[0] == '2' && err->sqlstate[1] == '3')
        describe_constraint_error(s, portal->plan, err);
    else if (strcmp(err->sqlstate, "42804") == 0 && portal->plan->target_relation)
        describe_rowid_null(s, portal->plan, err);
    portal->failed = true;
    portal->done = true;
    statement_finished(s);
    if (portal->plan->ddl) {
        engine_db_bump_schema_version(s->db);
        if (s->private_catalog) {
            cat_snapshot_unref(s->private_catalog);
            s->private_catalog = NULL;
        }
    }
    if (err->severity == PG_SEVERITY_FATAL)
        return SQL_RUN_ERROR;
    return SQL_RUN_ERROR;
}

static bool start_step(sql_portal *portal, pg_error *err)
{
    plan_step *st = &portal->plan->steps[portal->step];
    if (!engine_prepare(portal->conn, st->sql, &portal->stmt, err))
        return false;
    /* A step may use fewer parameters than the statement (a data-modifying WITH query's). */
    int nbind = st->nparams;
    if (st->rows_into || portal->plan->nsteps > 1)
        nbind = nbind < engine_stmt_param_count(portal->stmt) ? nbind : engine_stmt_param_count(portal->stmt);
    for (int i = 0; i < nbind; i++) {
        int pg = st->param_map[i];
        const sql_value *v = pg >= 1 && pg <= portal->nparams ? &portal->params[pg - 1] : NULL;
        sql_value null = value_null();
        pg_oid type = pg >= 1 && pg <= portal->plan->nparams ? portal->plan->param_types[pg - 1] : PG_OID_TEXT;
        if (!engine_bind_typed(portal->stmt, i + 1, v ? v : &null, type, -1, err))
            return false;
    }
    if (st->returns_rows && portal->nfetch > 0) {
        /* Engines with their own value types (ODBC) convert to these columns' storage forms
         * (a COPY TO's columns are its own: the plan has no result columns). */
        const sql_column *cols = portal->plan->copy ? portal->plan->copy->pub.columns : portal->columns;
        pg_oid types[portal->nfetch];
        int32_t typmods[portal->nfetch];
        for (int i = 0; i < portal->nfetch; i++) {
            types[i] = cols[i].type_oid;
            typmods[i] = cols[i].typmod;
        }
        engine_stmt_expect_columns(portal->stmt, portal->nfetch, types, typmods);
    }
    return true;
}

/* "COMMAND n" or "INSERT 0 n" without printf: tags are written for every statement. */
static void format_tag(char *buf, size_t size, const char *command, bool insert_form, int64_t rows)
{
    char digits[24];
    int nd = 0;
    uint64_t v = rows < 0 ? 0 : (uint64_t)rows;
    do {
        digits[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t cl = strlen(command);
    if (cl + nd + 4 >= size) {
        snprintf(buf, size, "%s", command);
        return;
    }
    char *o = buf;
    memcpy(o, command, cl);
    o += cl;
    *o++ = ' ';
    if (insert_form) {
        *o++ = '0';
        *o++ = ' ';
    }
    while (nd)
        *o++ = digits[--nd];
    *o = 0;
}

static void finish_tag(sql_portal *portal)
{
    sql_plan *p = portal->plan;
    bool select = p->command[0] == 'S' && strcmp(p->command, "SELECT") == 0;
    if (p->copy) {
        snprintf(portal->tag, sizeof portal->tag, "COPY %lld", (long long)portal->rows);
        return;
    }
    switch (p->tag) {
    case TAG_INSERT:
        format_tag(portal->tag, sizeof portal->tag, p->command, true,
                   p->ncolumns > 0 ? portal->rows : portal->changes);
        break;
    case TAG_ROWS:
        format_tag(portal->tag, sizeof portal->tag, p->command, false,
                   select || p->ncolumns > 0 ? portal->rows : portal->changes);
        break;
    case TAG_PLAIN:
        snprintf(portal->tag, sizeof portal->tag, "%s", p->command);
        break;
    case TAG_SELECT_COUNT:
        snprintf(portal->tag, sizeof portal->tag, "SELECT %lld", (long long)portal->changes);
        break;
    }
}

void sql_portal_tag_for_rows(const sql_portal *portal, int64_t rows, char *buf, size_t size)
{
    if (portal->inner) {
        sql_portal_tag_for_rows(portal->inner, rows, buf, size);
        return;
    }
    const sql_plan *p = portal->plan;
    if (p->kind == PLAN_UTILITY && p->utility == UTIL_FETCH)
        format_tag(buf, size, p->command, false, rows);
    else if (p->kind == PLAN_UTILITY || p->tag == TAG_PLAIN)
        snprintf(buf, size, "%s", portal->tag[0] ? portal->tag : p->command);
    else
        format_tag(buf, size, p->command, p->tag == TAG_INSERT, rows);
}

static sql_run_status finish(sql_portal *portal, pg_error *err)
{
    sql_session *s = portal->s;
    sql_plan *p = portal->plan;
    portal->done = true;
    statement_finished(s);
    finish_tag(portal);
    if (p->ddl) {
        if (s->txn == TXN_IDLE) {
            engine_db_bump_schema_version(s->db);
        } else {
            s->schema_changed_in_txn = true;
            engine_db_bump_schema_version(s->db);
            if (s->private_catalog) {
                cat_snapshot_unref(s->private_catalog);
                s->private_catalog = NULL;
            }
        }
    }
    if (s->txn == TXN_IDLE) {
        /* Autocommit: a transaction this statement opened ends with it. */
        if (s->engine_txn_open) {
            if (!session_finish_txn(s, true, err))
                return SQL_RUN_ERROR;
        } else {
            /* set_config(..., true) in an autocommit statement lasts only for it, and so
             * does pg_advisory_xact_lock */
            guc_commit(s);
            session_advisory_release(s, true);
            session_release_engine_if_idle(s);
        }
    }
    return SQL_RUN_DONE;
}

static sql_run_status run_engine(sql_portal *portal, pg_error *err)
{
    sql_session *s = portal->s;
    sql_plan *p = portal->plan;
    if (!portal->started) {
        if (s->txn == TXN_FAILED) {
            pg_error_set(err, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
            portal->done = true;
            portal->failed = true;
            return SQL_RUN_ERROR;
        }
        if (p->writes && (s->txn_read_only || s->read_only_setting)) {
            pg_error_set(err, "25006", "cannot execute %s in a read-only transaction",
                         p->copy && p->copy->pub.is_from ? "COPY FROM" : p->command);
            portal->done = true;
            portal->failed = true;
            return SQL_RUN_ERROR;
        }
        acquire_result a = session_acquire_engine(s, err);
        if (a == ACQUIRE_WAIT)
            return SQL_RUN_WAIT;
        if (a == ACQUIRE_ERROR) {
            portal->done = true;
            portal->failed = true;
            return SQL_RUN_ERROR;
        }
        statement_started(s);
        activity_statement_start(s, p->text);
        portal->started = true;
        /* The catalog store is made current before the engine transaction opens (SQLite
         * cannot attach a database inside one). */
        if (!session_prepare_catalog(s, p, err))
            return fail(portal, err);
        portal->conn = p->catalog_engine ? s->catalog_conn : s->conn;
        /* An engine transaction is needed inside a block, in autocommit for statements made
         * of several engine steps (DDL + metadata) and for COPY FROM (its batches commit
         * together), and in an implicit transaction (up to Sync, or several statements in
         * one Query) from its first write on: under READ COMMITTED every statement sees a
         * fresh snapshot anyway, so reads before the first write run on their own and the
         * transaction costs no BEGIN/COMMIT. */
        bool copy_in = p->copy && p->copy->pub.is_from;
        bool need_txn = s->txn == TXN_BLOCK || p->nsteps > 1 || p->ddl || copy_in ||
                        (s->txn == TXN_IMPLICIT && (p->writes || !s->read_committed || s->engine_txn_open));
        if (need_txn && !session_ensure_engine_txn(s, p->writes || p->ddl, err))
            return fail(portal, err);
        if (!start_step(portal, err))
            return fail(portal, err);
        /* COPY FROM: every row of the stream goes through this statement's INSERTs, all
         * in one engine transaction (copy_exec.c). */
        if (copy_in && !copy_batch_create(s, p, portal->stmt, &portal->batch, err))
            return fail(portal, err);
        portal->copy_in = copy_in;
    }
    if (portal->copy_in)
        return SQL_RUN_COPY_IN;
    for (;;) {
        if (!portal->stmt)
            return finish(portal, err);
        plan_step *st = &p->steps[portal->step];
        engine_step_result r = engine_step(portal->stmt, err);
        if (r == ENGINE_ROW) {
            if (st->rows_into && !copy_row_into(portal, st, err))
                return fail(portal, err);
            if (!st->returns_rows)
                continue;
            for (int i = 0; i < portal->nfetch; i++)
                engine_column_value(portal->stmt, i, &portal->row[i]);
            portal->rows++;
            return SQL_RUN_ROW;
        }
        if (r == ENGINE_ERROR)
            return fail(portal, err);
        if (st->count_rows)
            portal->changes += engine_changes(portal->conn);
        release_into(portal);
        engine_stmt_release(portal->stmt);
        portal->stmt = NULL;
        if (++portal->step < p->nsteps) {
            if (!start_step(portal, err))
                return fail(portal, err);
            continue;
        }
        return finish(portal, err);
    }
}

/* COPY FROM: rows go through copy_exec.c's batches on the portal's statements. */
bool sql_portal_copy_row(sql_portal *portal, const sql_value *values, int64_t *failed_row, pg_error *err)
{
    *failed_row = -1;
    if (!portal->copy_in || !portal->batch) {
        pg_error_set(err, "XX000", "COPY FROM is not in progress");
        return false;
    }
    if (!copy_batch_add(portal->batch, values, failed_row, err)) {
        portal->copy_in = false;
        fail(portal, err);
        return false;
    }
    return true;
}

sql_run_status sql_portal_copy_end(sql_portal *portal, int64_t *failed_row, pg_error *err)
{
    *failed_row = -1;
    if (!portal->copy_in) {
        if (portal->done)
            return portal->failed ? SQL_RUN_ERROR : SQL_RUN_DONE;
        pg_error_set(err, "XX000", "COPY FROM is not in progress");
        return SQL_RUN_ERROR;
    }
    portal->copy_in = false;
    if (!copy_batch_flush(portal->batch, failed_row, err)) {
        fail(portal, err);
        return SQL_RUN_ERROR;
    }
    portal->rows = copy_batch_rows(portal->batch);
    copy_batch_destroy(portal->batch);
    portal->batch = NULL;
    engine_stmt_release(portal->stmt);
    portal->stmt = NULL;
    sql_run_status r = finish(portal, err);
    if (r == SQL_RUN_ERROR)
        portal->failed = true;
    return r;
}

/* EXECUTE name(args): the prepared statement runs in an inner portal whose rows and tag
 * are this portal's. */
static sql_run_status run_execute(sql_portal *portal, pg_error *err)
{
    sql_plan *p = portal->plan;
    if (!portal->inner) {
        sql_plan *target = sql_session_find_statement(portal->s, p->arg_name);
        if (!target) {
            pg_error_set(err, "26000", "prepared statement \"%s\" does not exist", p->arg_name);
            portal->done = portal->failed = true;
            return SQL_RUN_ERROR;
        }
        if (!sql_session_revalidate_statement(portal->s, p->arg_name, &target, err)) {
            portal->done = portal->failed = true;
            return SQL_RUN_ERROR;
        }
        if (p->prepared) {
            /* Argument expressions: one row computed by the engine, then bound (the inner
             * portal copies the values before the argument portal lets go of its row). */
            if (!portal->args && !sql_portal_create(portal->s, p->prepared, NULL, 0, &portal->args, err)) {
                portal->done = portal->failed = true;
                return SQL_RUN_ERROR;
            }
            sql_run_status r = sql_portal_next(portal->args, err);
            if (r == SQL_RUN_WAIT)
                return SQL_RUN_WAIT;
            bool ok = r == SQL_RUN_ROW &&
                      sql_portal_create(portal->s, target, sql_portal_row(portal->args), p->nexec_args,
                                        &portal->inner, err);
            if (r == SQL_RUN_DONE)
                pg_error_set(err, "XX000", "EXECUTE arguments produced no row");
            sql_portal_close(portal->args);
            portal->args = NULL;
            if (!ok) {
                portal->done = portal->failed = true;
                return SQL_RUN_ERROR;
            }
            portal->ncolumns = portal->inner->ncolumns;
            portal->columns = portal->inner->columns;
            goto run_inner;
        }
        sql_value *values = calloc((size_t)(p->nexec_args + 1), sizeof *values);
        strbuf *scratch = calloc((size_t)(p->nexec_args + 1), sizeof *scratch);
        bool ok = values && scratch;
        for (int i = 0; ok && i < p->nexec_args; i++) {
            strbuf_init(&scratch[i]);
            if (!p->exec_args[i])
                values[i] = value_null();
            else
                ok = types_text_in(&portal->s->types, target->param_types[i], -1, p->exec_args[i],
                                   strlen(p->exec_args[i]), &values[i], &scratch[i], err);
        }
        if (!values || !scratch)
            pg_error_oom(err);
        ok = ok && sql_portal_create(portal->s, target, values, p->nexec_args, &portal->inner, err);
        for (int i = 0; scratch && i < p->nexec_args; i++)
            strbuf_free(&scratch[i]);
        free(scratch);
        free(values);
        if (!ok) {
            portal->done = portal->failed = true;
            return SQL_RUN_ERROR;
        }
        portal->ncolumns = portal->inner->ncolumns;
        portal->columns = portal->inner->columns;
    }
run_inner:;
    sql_run_status r = sql_portal_next(portal->inner, err);
    if (r == SQL_RUN_ROW)
        portal->rows++;
    if (r == SQL_RUN_DONE) {
        portal->done = true;
        snprintf(portal->tag, sizeof portal->tag, "%s", sql_portal_command_tag(portal->inner));
    }
    if (r == SQL_RUN_ERROR)
        portal->done = portal->failed = true;
    return r;
}

/* FETCH / MOVE: rows of the cursor, the first fetch_skip of them passed over. */
static sql_run_status run_fetch(sql_portal *portal, pg_error *err)
{
    sql_plan *p = portal->plan;
    sql_cursor *c = cursor_find(portal->s, p->arg_name);
    if (!c) {
        pg_error_set(err, "34000", "cursor \"%s\" does not exist", p->arg_name);
        portal->done = portal->failed = true;
        return SQL_RUN_ERROR;
    }
    if (!portal->started) {
        if (portal->s->txn == TXN_FAILED) {
            pg_error_set(err, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
            portal->done = portal->failed = true;
            return SQL_RUN_ERROR;
        }
        int64_t skip = p->fetch_skip;
        if (skip < 0) {
            /* ABSOLUTE n: the rows between the cursor's position and n */
            skip = -skip - cursor_position(c) - 1;
            if (skip < 0) {
                pg_error_set(err, "55000", "cursor can only scan forward");
                pg_error_hint(err, "Declare it with SCROLL option to enable backward scan.");
                portal->done = portal->failed = true;
                return SQL_RUN_ERROR;
            }
        }
        portal->started = true;
        portal->fetch_skip_left = skip;
        portal->fetch_left = p->fetch_count;
        if (!p->arg_flag) {
            portal->ncolumns = cursor_column_count(c);
            portal->columns = cursor_columns(c);
        }
    }
    portal->fetch_row = NULL;
    while (portal->fetch_skip_left > 0 || portal->fetch_left != 0) {
        const sql_value *row = NULL;
        sql_run_status r = cursor_next(c, &row, err);
        if (r == SQL_RUN_WAIT)
            return SQL_RUN_WAIT;
        if (r == SQL_RUN_ERROR) {
            portal->done = portal->failed = true;
            return SQL_RUN_ERROR;
        }
        if (r == SQL_RUN_DONE)
            break;
        if (portal->fetch_skip_left > 0) {
            portal->fetch_skip_left--;
            continue;
        }
        if (portal->fetch_left > 0)
            portal->fetch_left--;
        portal->rows++;
        if (p->arg_flag)
            continue;   /* MOVE counts without returning */
        portal->fetch_row = row;
        return SQL_RUN_ROW;
    }
    portal->done = true;
    format_tag(portal->tag, sizeof portal->tag, p->arg_flag ? "MOVE" : "FETCH", false, portal->rows);
    return SQL_RUN_DONE;
}

sql_run_status sql_portal_next(sql_portal *portal, pg_error *err)
{
    if (portal->done)
        return portal->failed ? SQL_RUN_ERROR : SQL_RUN_DONE;
    switch (portal->plan->kind) {
    case PLAN_EMPTY:
        portal->done = true;
        return SQL_RUN_DONE;
    case PLAN_ENGINE:
        return run_engine(portal, err);
    case PLAN_UTILITY:
        if (portal->plan->utility == UTIL_EXECUTE)
            return run_execute(portal, err);
        if (portal->plan->utility == UTIL_FETCH)
            return run_fetch(portal, err);
        if (portal->plan->prepared && (portal->plan->utility == UTIL_DISCARD_ALL ||
                                       portal->plan->utility == UTIL_DISCARD_TEMP) && !portal->started) {
            /* DISCARD TEMP / ALL: drop the temporary objects first (a DDL plan). */
            if (!portal->inner && !sql_portal_create(portal->s, portal->plan->prepared, NULL, 0, &portal->inner, err)) {
                portal->done = portal->failed = true;
                return SQL_RUN_ERROR;
            }
            sql_run_status r;
            while ((r = sql_portal_next(portal->inner, err)) == SQL_RUN_ROW)
                ;
            if (r == SQL_RUN_WAIT)
                return SQL_RUN_WAIT;
            if (r == SQL_RUN_ERROR) {
                portal->done = portal->failed = true;
                return SQL_RUN_ERROR;
            }
        }
        if (!portal->started) {
            portal->started = true;
            int r = utility_execute(portal, err);
            if (r == SQL_RUN_WAIT) {
                portal->started = false;
                return SQL_RUN_WAIT;
            }
            if (r == SQL_RUN_ERROR) {
                portal->done = true;
                portal->failed = true;
                return SQL_RUN_ERROR;
            }
            if (!portal->tag[0])
                finish_tag(portal);
        }
        if (portal->util_values && portal->util_next < portal->util_rows) {
            for (int i = 0; i < portal->ncolumns && i < 4; i++) {
                const char *v = portal->util_values[portal->util_next * portal->ncolumns + i];
                portal->util_row[i] = v ? value_text(v, strlen(v)) : value_null();
            }
            portal->util_next++;
            portal->rows++;
            return SQL_RUN_ROW;
        }
        portal->done = true;
        if (portal->util_values && strcmp(portal->plan->command, "SHOW") == 0)
            snprintf(portal->tag, sizeof portal->tag, "SHOW");
        return SQL_RUN_DONE;
    }
    return SQL_RUN_DONE;
}

/* The transaction ends: no portal may keep an engine statement of the connection that is
 * about to go back to the pool (a suspended portal, a JDBC fetch-size result set ...).
 * They are finished here; the protocol layer drops them as dead afterwards. */
void portals_end_transaction(sql_session *s)
{
    for (sql_portal *p = s->portals; p; p = p->next) {
        if (!p->stmt)
            continue;
        engine_stmt_release(p->stmt);
        p->stmt = NULL;
        p->done = true;
        statement_finished(s);
    }
}

void sql_portal_close(sql_portal *portal)
{
    if (!portal)
        return;
    if (portal->prev)
        portal->prev->next = portal->next;
    else if (portal->s->portals == portal)
        portal->s->portals = portal->next;
    if (portal->next)
        portal->next->prev = portal->prev;
    if (portal->inner)
        sql_portal_close(portal->inner);
    if (portal->args)
        sql_portal_close(portal->args);
    copy_batch_destroy(portal->batch);
    portal->batch = NULL;
    release_into(portal);
    if (portal->stmt) {
        engine_stmt_release(portal->stmt);
        portal->stmt = NULL;
        statement_finished(portal->s);
        if (portal->s->txn == TXN_IDLE && !portal->s->engine_txn_open)
            session_release_engine_if_idle(portal->s);
    }
    if (portal->util_values) {
        for (int i = 0; i < portal->util_rows * portal->ncolumns; i++)
            free(portal->util_values[i]);
        free(portal->util_values);
    }
    free(portal->util_columns);
    sql_plan_unref(portal->plan);
    arena_free(&portal->mem);
    free(portal);
}
