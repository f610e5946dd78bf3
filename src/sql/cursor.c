/*
 * cursor.c — SQL cursors: DECLARE ... CURSOR, FETCH, MOVE, CLOSE.  A cursor is a named SQL
 * portal of the session (PostgreSQL keeps cursors and protocol portals in one namespace;
 * here the protocol's portals live in proto and the SQL ones here, with PostgreSQL's
 * messages for each).
 *
 * Rules (PostgreSQL's): a cursor without HOLD needs a transaction block and dies with its
 * transaction; WITH HOLD cursors survive COMMIT, their remaining rows read into memory just
 * before the engine commits (PostgreSQL materializes them as well), and a holdable cursor
 * declared in a transaction that rolls back is gone.  Only forward fetching is supported
 * (FETCH n / NEXT / ALL / FORWARD n, RELATIVE and ABSOLUTE positions ahead of the cursor);
 * anything else is 55000 as for a NO SCROLL cursor.
 *
 * Invariant: a cursor's rows come from exactly one place, its portal until it is
 * materialized, then its held rows.
 */
#include "sql/pg_nodes.h"

#include <stdlib.h>
#include <string.h>

struct sql_cursor {
    char *name;
    sql_portal *portal;         /* the query, run as far as fetched */
    bool hold;
    bool binary;
    bool committed;             /* WITH HOLD and its transaction committed: lives on */
    /* WITH HOLD after commit: the remaining rows. */
    bool materialized;
    arena mem;
    sql_value *held;            /* rows x ncolumns */
    int64_t nheld, next_held;
    int ncolumns;
    int64_t position;           /* rows read so far (1-based position of the current row) */
};

/* ---------------------------------------------------------------- translation */

static sql_plan *cursor_plan(sql_xlate *x, utility_kind kind, const char *command, const char *name)
{
    sql_plan *p = plan_new(PLAN_UTILITY, command);
    if (!p) {
        pg_error_oom(x->err);
        return NULL;
    }
    p->utility = kind;
    if (name && !(p->arg_name = strdup(name))) {
        sql_plan_unref(p);
        pg_error_oom(x->err);
        return NULL;
    }
    return p;
}

static bool xlate_declare(sql_xlate *x, DeclareCursorStmt *d, sql_plan **out)
{
    if (d->options & CURSOR_OPT_SCROLL) {
        xlate_error(x, -1, "0A000", "scrollable cursors are not supported");
        return false;
    }
    /* The query shares the statement's parameters ($n of a DECLARE sent with Bind). */
    sql_plan *query = NULL;
    if (!xlate_statement(x, d->query, &query))
        return false;
    if (query->ncolumns < 0) {
        sql_plan_unref(query);
        xlate_error(x, -1, "42P11", "cannot open %s query as cursor", query->command);
        return false;
    }
    query->nparams = x->nparams;
    if (x->nparams) {
        query->param_types = arena_alloc(&query->mem, sizeof *query->param_types * (size_t)x->nparams);
        if (!query->param_types) {
            sql_plan_unref(query);
            pg_error_oom(x->err);
            return false;
        }
        for (int i = 0; i < x->nparams; i++) {
            pg_oid t = x->param_types[i];
            query->param_types[i] = t == PG_OID_INVALID || t == PG_OID_UNKNOWN ? PG_OID_TEXT : t;
        }
    }
    sql_plan *p = cursor_plan(x, UTIL_DECLARE_CURSOR, "DECLARE CURSOR", d->portalname);
    if (!p) {
        sql_plan_unref(query);
        return false;
    }
    p->prepared = query;
    p->arg_flag = (d->options & CURSOR_OPT_HOLD) != 0;
    p->arg_int = (d->options & CURSOR_OPT_BINARY) != 0;
    p->writes = query->writes;
    x->uncacheable = true;
    *out = p;
    return true;
}

static bool xlate_fetch(sql_xlate *x, FetchStmt *f, sql_plan **out)
{
    /* Forward only: FETCH n / ALL, and positions ahead turned into a skip and one row. */
    int64_t count = 0, skip = 0;
    switch (f->direction) {
    case FETCH_FORWARD:
        count = f->howMany == FETCH_ALL ? -1 : (int64_t)f->howMany;
        break;
    case FETCH_RELATIVE:
        if (f->howMany > 0) {
            skip = f->howMany - 1;
            count = 1;
        }
        break;
    case FETCH_ABSOLUTE:
        if (f->howMany > 0) {
            skip = -f->howMany;   /* resolved against the cursor's position at run time */
            count = 1;
        }
        break;
    case FETCH_BACKWARD:
        break;
    }
    if (count == 0) {
        xlate_error(x, -1, "55000", "cursor can only scan forward");
        pg_error_hint(x->err, "Declare it with SCROLL option to enable backward scan.");
        return false;
    }
    sql_plan *p = cursor_plan(x, UTIL_FETCH, f->ismove ? "MOVE" : "FETCH", f->portalname);
    if (!p)
        return false;
    p->arg_flag = f->ismove;
    p->fetch_count = count;
    p->fetch_skip = skip;
    p->tag = TAG_ROWS;
    /* The result columns are the cursor's, if it exists now (Describe before Execute). */
    sql_cursor *c = f->ismove ? NULL : cursor_find(x->session, f->portalname);
    if (c) {
        int n = sql_portal_column_count(c->portal);
        const sql_column *cols = sql_portal_columns(c->portal);
        p->columns = arena_zalloc(&p->mem, sizeof *p->columns * (size_t)(n + 1));
        if (!p->columns) {
            sql_plan_unref(p);
            pg_error_oom(x->err);
            return false;
        }
        for (int i = 0; i < n; i++) {
            p->columns[i] = cols[i];
            p->columns[i].name = arena_strdup(&p->mem, cols[i].name);
        }
        p->ncolumns = n;
    }
    x->uncacheable = true;
    *out = p;
    return true;
}

bool xlate_cursor(sql_xlate *x, struct Node *stmt, sql_plan **out, bool *handled)
{
    *handled = true;
    switch (nodeTag(stmt)) {
    case T_DeclareCursorStmt:
        return xlate_declare(x, (DeclareCursorStmt *)stmt, out);
    case T_FetchStmt:
        return xlate_fetch(x, (FetchStmt *)stmt, out);
    case T_ClosePortalStmt: {
        const char *name = ((ClosePortalStmt *)stmt)->portalname;
        sql_plan *p = cursor_plan(x, name ? UTIL_CLOSE_CURSOR : UTIL_CLOSE_ALL_CURSORS, "CLOSE CURSOR", name);
        if (!p)
            return false;
        p->tag = TAG_PLAIN;
        *out = p;
        return name ? true : ((p->command = "CLOSE CURSOR ALL"), true);
    }
    default:
        *handled = false;
        return true;
    }
}

/* ---------------------------------------------------------------- the session's cursors */

sql_cursor *cursor_find(sql_session *s, const char *name)
{
    return name ? hashmap_get(&s->cursors, name) : NULL;
}

static void cursor_free(sql_cursor *c)
{
    if (!c)
        return;
    sql_portal_close(c->portal);
    arena_free(&c->mem);
    free(c->name);
    free(c);
}

/* Read a holdable cursor's remaining rows into memory (before its transaction commits). */
static sql_run_status materialize(sql_cursor *c, pg_error *err)
{
    int64_t cap = 0;
    for (;;) {
        sql_run_status r = sql_portal_next(c->portal, err);
        if (r == SQL_RUN_DONE)
            break;
        if (r != SQL_RUN_ROW)
            return r;
        if (c->nheld == cap) {
            int64_t ncap = cap ? cap * 2 : 64;
            sql_value *grown = arena_alloc(&c->mem, sizeof *grown * (size_t)(ncap * c->ncolumns + 1));
            if (!grown) {
                pg_error_oom(err);
                return SQL_RUN_ERROR;
            }
            if (c->nheld)
                memcpy(grown, c->held, sizeof *grown * (size_t)(c->nheld * c->ncolumns));
            c->held = grown;
            cap = ncap;
        }
        const sql_value *row = sql_portal_row(c->portal);
        sql_value *dst = &c->held[c->nheld * c->ncolumns];
        for (int i = 0; i < c->ncolumns; i++) {
            dst[i] = row[i];
            if (row[i].kind == VALUE_TEXT || row[i].kind == VALUE_BLOB) {
                char *copy = arena_alloc(&c->mem, row[i].len + 1);
                if (!copy) {
                    pg_error_oom(err);
                    return SQL_RUN_ERROR;
                }
                memcpy(copy, row[i].ptr, row[i].len);
                copy[row[i].len] = 0;
                dst[i].ptr = copy;
            }
        }
        c->nheld++;
    }
    c->materialized = true;
    return SQL_RUN_DONE;
}

int cursor_declare(sql_portal *portal, pg_error *err)
{
    sql_session *s = portal_session(portal);
    sql_plan *p = sql_portal_plan(portal);
    if (!p->arg_flag && s->txn != TXN_BLOCK && s->txn != TXN_FAILED) {
        pg_error_set(err, "25P01", "DECLARE CURSOR can only be used in transaction blocks");
        return SQL_RUN_ERROR;
    }
    if (cursor_find(s, p->arg_name) ||
        (s->protocol_portal_exists && s->protocol_portal_exists(s->protocol_portal_arg, p->arg_name))) {
        pg_error_set(err, "42P03", "cursor \"%s\" already exists", p->arg_name);
        return SQL_RUN_ERROR;
    }
    sql_cursor *c = calloc(1, sizeof *c);
    if (!c || !(c->name = strdup(p->arg_name))) {
        free(c);
        pg_error_oom(err);
        return SQL_RUN_ERROR;
    }
    arena_init(&c->mem);
    int nparams;
    const sql_value *params = portal_params(portal, &nparams);
    if (!sql_portal_create(s, p->prepared, params, nparams, &c->portal, err)) {
        cursor_free(c);
        return SQL_RUN_ERROR;
    }
    c->hold = p->arg_flag;
    c->binary = p->arg_int != 0;
    c->ncolumns = sql_portal_column_count(c->portal);
    if (c->hold && s->txn == TXN_IDLE) {
        /* Outside any transaction the statement's own transaction ends now: read the rows
         * as its commit would (on a wait for an engine connection, start over later). */
        sql_run_status r = materialize(c, err);
        if (r != SQL_RUN_DONE) {
            cursor_free(c);
            return r;
        }
        c->committed = true;
    }
    if (!hashmap_put(&s->cursors, c->name, c)) {
        cursor_free(c);
        pg_error_oom(err);
        return SQL_RUN_ERROR;
    }
    return SQL_RUN_DONE;
}

int cursor_close(sql_portal *portal, pg_error *err)
{
    sql_session *s = portal_session(portal);
    sql_plan *p = sql_portal_plan(portal);
    if (p->utility == UTIL_CLOSE_ALL_CURSORS) {
        cursors_close_all(s);
        return SQL_RUN_DONE;
    }
    sql_cursor *c = hashmap_remove(&s->cursors, p->arg_name);
    if (!c) {
        pg_error_set(err, "34000", "cursor \"%s\" does not exist", p->arg_name);
        return SQL_RUN_ERROR;
    }
    cursor_free(c);
    return SQL_RUN_DONE;
}

void cursors_close_all(sql_session *s)
{
    if (!s->cursors.count)
        return;
    size_t cur = 0;
    void *v;
    while (hashmap_next(&s->cursors, &cur, NULL, &v))
        cursor_free(v);
    hashmap_free(&s->cursors);
    hashmap_init(&s->cursors);
}

sql_run_status cursor_next(sql_cursor *c, const sql_value **row, pg_error *err)
{
    if (c->materialized) {
        if (c->next_held >= c->nheld)
            return SQL_RUN_DONE;
        *row = &c->held[c->next_held++ * c->ncolumns];
        c->position++;
        return SQL_RUN_ROW;
    }
    sql_run_status r = sql_portal_next(c->portal, err);
    if (r == SQL_RUN_ROW) {
        *row = sql_portal_row(c->portal);
        c->position++;
    }
    return r;
}

sql_portal *sql_session_cursor_portal(sql_session *s, const char *name)
{
    sql_cursor *c = cursor_find(s, name);
    return c ? c->portal : NULL;
}

int64_t cursor_position(const sql_cursor *c) { return c->position; }
bool cursor_binary(const sql_cursor *c) { return c->binary; }
int cursor_column_count(const sql_cursor *c) { return c->ncolumns; }
const sql_column *cursor_columns(const sql_cursor *c) { return sql_portal_columns(c->portal); }

bool cursors_before_commit(sql_session *s, pg_error *err)
{
    size_t cur = 0;
    void *v;
    while (hashmap_next(&s->cursors, &cur, NULL, &v)) {
        sql_cursor *c = v;
        if (c->hold && !c->materialized) {
            sql_run_status r = materialize(c, err);
            if (r == SQL_RUN_WAIT)   /* cannot happen: the transaction holds its connection */
                pg_error_set(err, "XX000", "cursor \"%s\" could not be materialized", c->name);
            if (r != SQL_RUN_DONE)
                return false;
        }
    }
    return true;
}

void cursors_end_transaction(sql_session *s, bool committed)
{
    if (!s->cursors.count)
        return;
    /* Collect first: removing while iterating would move entries. */
    char **doomed = calloc(s->cursors.count, sizeof *doomed);
    size_t n = 0, cur = 0;
    const char *name;
    void *v;
    while (doomed && hashmap_next(&s->cursors, &cur, &name, &v)) {
        sql_cursor *c = v;
        if (c->hold && committed && c->materialized)
            c->committed = true;
        if (!c->committed)
            doomed[n++] = c->name;
    }
    for (size_t i = 0; i < n; i++)
        cursor_free(hashmap_remove(&s->cursors, doomed[i]));
    free(doomed);
    if (!doomed)
        cursors_close_all(s);
}
