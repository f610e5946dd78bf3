/*
 * utility_exec.c — executing the statements the SQL layer answers itself, with
 * PostgreSQL's warnings and errors for each misuse (SAVEPOINT outside a block, COMMIT with
 * no transaction, CREATE DATABASE inside one ...).
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>


static int64_t now_pg_us(void)
{
    return clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
}

static bool apply_txn_options(sql_session *s, const char *opts, pg_error *err)
{
    if (!opts)
        return true;
    const char *p = opts;
    while (*p) {
        char key = *p;
        const char *eq = strchr(p, '=');
        const char *semi = strchr(p, ';');
        if (!eq || !semi)
            break;
        char value[64];
        snprintf(value, sizeof value, "%.*s", (int)(semi - eq - 1), eq + 1);
        if (key == 'i') {
            if (!guc_set(s, "transaction_isolation", value, GUC_SCOPE_LOCAL, err))
                return false;
            s->txn_isolation = strcmp(value, "serializable") == 0 ? 3 : strcmp(value, "repeatable read") == 0 ? 2 : 1;
        } else if (key == 'r') {
            s->txn_read_only = atoi(value) != 0;
            if (!guc_set(s, "transaction_read_only", s->txn_read_only ? "on" : "off", GUC_SCOPE_LOCAL, err))
                return false;
        }
        p = semi + 1;
    }
    return true;
}

static int begin_block(sql_session *s, sql_plan *p, pg_error *err)
{
    if (s->txn == TXN_BLOCK || s->txn == TXN_FAILED) {
        session_notice(s, PG_SEVERITY_WARNING, "25001", "there is already a transaction in progress");
        return SQL_RUN_DONE;
    }
    bool was_implicit = s->txn == TXN_IMPLICIT;
    s->txn = TXN_BLOCK;
    if (!was_implicit || !s->txn_start_us)
        s->txn_start_us = now_pg_us();
    const char *def_ro = guc_get(s->gucs, "default_transaction_read_only");
    s->txn_read_only = def_ro && strcmp(def_ro, "on") == 0;
    if (!apply_txn_options(s, p->arg_value, err))
        return SQL_RUN_ERROR;
    return SQL_RUN_DONE;
}

static int end_block(sql_portal *portal, sql_session *s, bool commit, pg_error *err)
{
    sql_plan *p = sql_portal_plan(portal);
    switch (s->txn) {
    case TXN_IDLE:
        session_notice(s, PG_SEVERITY_WARNING, "25P01", "there is no transaction in progress");
        return SQL_RUN_DONE;
    case TXN_FAILED:
        if (commit)
            portal_set_tag(portal, "ROLLBACK");
        notify_abort(s);
        if (!session_finish_txn(s, false, err))
            return SQL_RUN_ERROR;
        break;
    case TXN_IMPLICIT:
        session_notice(s, PG_SEVERITY_WARNING, "25P01", "there is no transaction in progress");
        __attribute__((fallthrough));   /* end what the string did so far */
    case TXN_BLOCK: {
        bool was_implicit = s->txn == TXN_IMPLICIT;
        if (commit) {
            if (!session_finish_txn(s, true, err)) {
                notify_abort(s);
                return SQL_RUN_ERROR;
            }
            notify_commit(s);
        } else {
            notify_abort(s);
            if (!session_finish_txn(s, false, err))
                return SQL_RUN_ERROR;
        }
        if (was_implicit)
            s->txn = TXN_IMPLICIT;
        break;
    }
    }
    if (p->arg_flag) {
        /* AND CHAIN: a new block with the same characteristics. */
        s->txn = TXN_BLOCK;
        s->txn_start_us = now_pg_us();
    }
    return SQL_RUN_DONE;
}

static sql_savepoint *find_savepoint(sql_session *s, const char *name)
{
    for (sql_savepoint *sp = s->savepoints; sp; sp = sp->prev)
        if (strcmp(sp->name, name) == 0)
            return sp;
    return NULL;
}

static int savepoint(sql_session *s, const char *name, pg_error *err)
{
    if (s->txn == TXN_IDLE || s->txn == TXN_IMPLICIT) {
        pg_error_set(err, "25P01", "SAVEPOINT can only be used in transaction blocks");
        return SQL_RUN_ERROR;
    }
    if (s->txn == TXN_FAILED) {
        pg_error_set(err, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
        return SQL_RUN_ERROR;
    }
    acquire_result a = session_acquire_engine(s, err);
    if (a == ACQUIRE_WAIT)
        return SQL_RUN_WAIT;
    if (a == ACQUIRE_ERROR || !session_ensure_engine_txn(s, false, err))
        return SQL_RUN_ERROR;
    if (!engine_savepoint(s->conn, name, err))
        return SQL_RUN_ERROR;
    sql_savepoint *sp = calloc(1, sizeof *sp);
    if (!sp || !(sp->name = strdup(name))) {
        free(sp);
        pg_error_oom(err);
        return SQL_RUN_ERROR;
    }
    sp->guc_mark = guc_mark(s);
    sp->id = ++s->subxact_counter;
    sp->prev = s->savepoints;
    s->savepoints = sp;
    return SQL_RUN_DONE;
}

static int release_savepoint(sql_session *s, const char *name, pg_error *err)
{
    if (s->txn == TXN_IDLE || s->txn == TXN_IMPLICIT) {
        pg_error_set(err, "25P01", "RELEASE SAVEPOINT can only be used in transaction blocks");
        return SQL_RUN_ERROR;
    }
    if (s->txn == TXN_FAILED) {
        pg_error_set(err, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
        return SQL_RUN_ERROR;
    }
    sql_savepoint *target = find_savepoint(s, name);
    if (!target) {
        pg_error_set(err, "3B001", "savepoint \"%s\" does not exist", name);
        return SQL_RUN_ERROR;
    }
    if (!engine_release_savepoint(s->conn, name, err))
        return SQL_RUN_ERROR;
    while (s->savepoints) {
        sql_savepoint *sp = s->savepoints;
        s->savepoints = sp->prev;
        bool last = sp == target;
        free(sp->name);
        free(sp);
        if (last)
            break;
    }
    return SQL_RUN_DONE;
}

static int rollback_to_savepoint(sql_session *s, const char *name, pg_error *err)
{
    if (s->txn == TXN_IDLE || s->txn == TXN_IMPLICIT) {
        pg_error_set(err, "25P01", "ROLLBACK TO SAVEPOINT can only be used in transaction blocks");
        return SQL_RUN_ERROR;
    }
    sql_savepoint *target = find_savepoint(s, name);
    if (!target) {
        pg_error_set(err, "3B001", "savepoint \"%s\" does not exist", name);
        return SQL_RUN_ERROR;
    }
    if (!engine_rollback_to_savepoint(s->conn, name, err))
        return SQL_RUN_ERROR;
    /* Savepoints newer than the target are gone; the target stays. */
    while (s->savepoints && s->savepoints != target) {
        sql_savepoint *sp = s->savepoints;
        s->savepoints = sp->prev;
        free(sp->name);
        free(sp);
    }
    guc_rollback_to(s, target->guc_mark);
    /* Portals opened since the savepoint die with what it undoes; the savepoint starts a
     * new subtransaction. */
    if (s->ndead_subxacts == s->dead_subxacts_cap) {
        int cap = s->dead_subxacts_cap ? s->dead_subxacts_cap * 2 : 8;
        void *grown = realloc(s->dead_subxacts, sizeof *s->dead_subxacts * (size_t)cap);
        if (!grown) {
            pg_error_oom(err);
            return SQL_RUN_ERROR;
        }
        s->dead_subxacts = grown;
        s->dead_subxacts_cap = cap;
    }
    s->dead_subxacts[s->ndead_subxacts].lo = target->id;
    s->dead_subxacts[s->ndead_subxacts].hi = s->subxact_counter;
    s->ndead_subxacts++;
    target->id = ++s->subxact_counter;
    s->txn = TXN_BLOCK;
    if (s->schema_changed_in_txn && s->private_catalog) {
        cat_snapshot_unref(s->private_catalog);
        s->private_catalog = NULL;
    }
    engine_db_bump_schema_version(s->db);
    return SQL_RUN_DONE;
}

static int show(sql_portal *portal, sql_session *s, sql_plan *p, pg_error *err)
{
    if (p->utility == UTIL_SHOW) {
        const char *v = guc_show(s, p->arg_name, err);
        if (!v)
            return SQL_RUN_ERROR;
        char **values = calloc(1, sizeof *values);
        if (!values || !(values[0] = strdup(v))) {
            free(values);
            pg_error_oom(err);
            return SQL_RUN_ERROR;
        }
        const char *name = p->ncolumns > 0 ? p->columns[0].name : p->arg_name;
        if (!portal_set_utility_result(portal, 1, &name, values, 1)) {
            free(values[0]);
            free(values);
            pg_error_oom(err);
            return SQL_RUN_ERROR;
        }
        return SQL_RUN_DONE;
    }
    size_t n = guc_count();
    char **values = calloc(n * 3, sizeof *values);
    if (!values) {
        pg_error_oom(err);
        return SQL_RUN_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name, *value, *desc;
        if (!guc_at(s, i, &name, &value, &desc))
            break;
        values[i * 3] = strdup(name);
        values[i * 3 + 1] = strdup(value);
        values[i * 3 + 2] = strdup(desc);
    }
    static const char *const names[] = {"name", "setting", "description"};
    if (!portal_set_utility_result(portal, 3, names, values, (int)n)) {
        for (size_t i = 0; i < n * 3; i++)
            free(values[i]);
        free(values);
        pg_error_oom(err);
        return SQL_RUN_ERROR;
    }
    return SQL_RUN_DONE;
}

int utility_execute(sql_portal *portal, pg_error *err)
{
    sql_session *s = portal_session(portal);
    sql_plan *p = sql_portal_plan(portal);
    if (s->txn == TXN_FAILED && !p->allowed_in_failed) {
        pg_error_set(err, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
        return SQL_RUN_ERROR;
    }
    if (p->no_transaction_block && (s->txn == TXN_BLOCK || s->txn == TXN_FAILED)) {
        pg_error_set(err, "25001", "%s cannot run inside a transaction block", p->command);
        return SQL_RUN_ERROR;
    }
    switch (p->utility) {
    case UTIL_SET:
        if (p->arg_flag && s->txn != TXN_BLOCK) {
            session_notice(s, PG_SEVERITY_WARNING, "25P01", "SET LOCAL can only be used in transaction blocks");
            return SQL_RUN_DONE;
        }
        return guc_set(s, p->arg_name, p->arg_value, p->arg_flag ? GUC_SCOPE_LOCAL : GUC_SCOPE_SESSION, err)
                   ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_RESET:
        return guc_reset(s, p->arg_name, err) ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_RESET_ALL:
        guc_reset_all(s);
        return SQL_RUN_DONE;
    case UTIL_SET_TRANSACTION:
        if (s->txn != TXN_BLOCK) {
            session_notice(s, PG_SEVERITY_WARNING, "25P01", "SET TRANSACTION can only be used in transaction blocks");
            return SQL_RUN_DONE;
        }
        return apply_txn_options(s, p->arg_value, err) ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_SET_SESSION_CHARACTERISTICS: {
        const char *o = p->arg_value;
        const char *iso = strstr(o, "i="), *ro = strstr(o, "r=");
        if (iso) {
            char value[64];
            snprintf(value, sizeof value, "%.*s", (int)strcspn(iso + 2, ";"), iso + 2);
            if (!guc_set(s, "default_transaction_isolation", value, GUC_SCOPE_SESSION, err))
                return SQL_RUN_ERROR;
        }
        if (ro && !guc_set(s, "default_transaction_read_only", ro[2] == '1' ? "on" : "off", GUC_SCOPE_SESSION, err))
            return SQL_RUN_ERROR;
        return SQL_RUN_DONE;
    }
    case UTIL_SHOW:
    case UTIL_SHOW_ALL:
        return show(portal, s, p, err);
    case UTIL_BEGIN:
        return begin_block(s, p, err);
    case UTIL_COMMIT:
        return end_block(portal, s, true, err);
    case UTIL_ROLLBACK:
        return end_block(portal, s, false, err);
    case UTIL_SAVEPOINT:
        return savepoint(s, p->arg_name, err);
    case UTIL_RELEASE:
        return release_savepoint(s, p->arg_name, err);
    case UTIL_ROLLBACK_TO:
        return rollback_to_savepoint(s, p->arg_name, err);
    case UTIL_CREATE_DATABASE:
        return backend_create_db(s->srv->b, p->arg_name, err) ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_DROP_DATABASE:
        if (strcmp(p->arg_name, s->database) == 0) {
            pg_error_set(err, "55006", "cannot drop the currently open database");
            return SQL_RUN_ERROR;
        }
        if (strcmp(p->arg_name, "template1") == 0 || strcmp(p->arg_name, "template0") == 0) {
            pg_error_set(err, "55006", "cannot drop a template database");
            return SQL_RUN_ERROR;
        }
        return backend_drop_db(s->srv->b, p->arg_name, p->arg_flag, false, err) ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_DISCARD_ALL:
        sql_session_drop_all_statements(s);
        cursors_close_all(s);
        guc_reset_all(s);
        notify_unlisten(s, NULL);
        session_sequences_reset(s);
        session_advisory_release(s, false);   /* pg_advisory_unlock_all() */
        return SQL_RUN_DONE;
    case UTIL_DISCARD_SEQUENCES:
        session_sequences_reset(s);
        return SQL_RUN_DONE;
    case UTIL_DISCARD_PLANS:   /* plans are cached by text and catalog version: nothing is stale */
    case UTIL_DISCARD_TEMP:    /* the temporary objects went by the plan's `prepared` */
        return SQL_RUN_DONE;
    case UTIL_LISTEN:
        return notify_listen(s, p->arg_name, err) ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_UNLISTEN:
        notify_unlisten(s, p->arg_name);
        return SQL_RUN_DONE;
    case UTIL_UNLISTEN_ALL:
        notify_unlisten(s, NULL);
        return SQL_RUN_DONE;
    case UTIL_NOTIFY:
        return notify_queue(s, p->arg_name, p->arg_value, err) ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_PREPARE:
        return sql_session_store_statement(s, p->arg_name, p->prepared, err) ? SQL_RUN_DONE : SQL_RUN_ERROR;
    case UTIL_DEALLOCATE:
        if (!sql_session_drop_statement(s, p->arg_name)) {
            pg_error_set(err, "26000", "prepared statement \"%s\" does not exist", p->arg_name);
            return SQL_RUN_ERROR;
        }
        return SQL_RUN_DONE;
    case UTIL_DEALLOCATE_ALL:
        sql_session_drop_all_statements(s);
        return SQL_RUN_DONE;
    case UTIL_DECLARE_CURSOR:
        return cursor_declare(portal, err);
    case UTIL_CLOSE_CURSOR:
    case UTIL_CLOSE_ALL_CURSORS:
        return cursor_close(portal, err);
    case UTIL_NOOP:
        return SQL_RUN_DONE;
    case UTIL_ERROR:
        pg_error_set(err, p->deferred_error.sqlstate, "%s", p->deferred_error.message ? p->deferred_error.message : "");
        return SQL_RUN_ERROR;
    case UTIL_EXECUTE:
    case UTIL_FETCH:
    case UTIL_PREPARE_TXN:
    case UTIL_NONE:
        break;
    }
    pg_error_set(err, "XX000", "unexpected utility statement");
    return SQL_RUN_ERROR;
}
