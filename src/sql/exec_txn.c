/*
 * exec_txn.c — the session's transaction on the engine.
 *
 * PostgreSQL's transaction states (idle, implicit, block, failed) are kept by the session;
 * the engine transaction underneath is opened lazily, by the first statement that needs the
 * engine, so that BEGIN alone costs nothing and so that a block starting with a write takes
 * the engine's write lock from the start (SQLite: BEGIN IMMEDIATE), which keeps later
 * statements of the block from failing on a stale snapshot.  The engine connection is held
 * from the first statement to the end of the transaction, then given back to the pool.
 */
#include "sql/sql_internal.h"

#include <stdlib.h>
#include <string.h>

static int64_t now_pg_us(void)
{
    return clock_realtime_us() - PG_UNIX_EPOCH_OFFSET_US;
}

/* The error a statement gets for an interrupt that reached it before it ran. */
static void interrupt_error(interrupt_reason why, pg_error *err)
{
    switch (why) {
    case INTERRUPT_STATEMENT_TIMEOUT:
        pg_error_set(err, "57014", "canceling statement due to statement timeout");
        break;
    case INTERRUPT_LOCK_TIMEOUT:
        pg_error_set(err, "55P03", "canceling statement due to lock timeout");
        break;
    case INTERRUPT_SHUTDOWN:
        pg_error_set(err, "57P01", "terminating connection due to administrator command");
        err->severity = PG_SEVERITY_FATAL;
        break;
    default:
        pg_error_set(err, "57014", "canceling statement due to user request");
        break;
    }
}

/* A cancel that arrived between statements of this command cycle, or while the session
 * waited for an engine connection: the statement fails before it starts, and gives up its
 * place in the pool's queue. */
static bool take_pending_interrupt(sql_session *s, pg_error *err)
{
    pthread_mutex_lock(&s->cancel_lock);
    interrupt_reason why = s->pending_interrupt;
    s->pending_interrupt = INTERRUPT_NONE;
    pthread_mutex_unlock(&s->cancel_lock);
    if (why == INTERRUPT_NONE)
        return false;
    if (!s->conn && s->db && s->waiter.ready)
        engine_pool_cancel_wait(engine_db_pool(s->db), &s->waiter);   /* under the pool's lock */
    interrupt_error(why, err);
    return true;
}

acquire_result session_acquire_engine(sql_session *s, pg_error *err)
{
    if (take_pending_interrupt(s, err))
        return ACQUIRE_ERROR;
    if (s->conn)
        return ACQUIRE_OK;
    engine_pool *pool = engine_db_pool(s->db);
    engine_conn *c = engine_pool_acquire(pool, s->waiter.ready ? &s->waiter : NULL, err);
    if (!c)
        return pg_error_is_set(err) ? ACQUIRE_ERROR : ACQUIRE_WAIT;
    pthread_mutex_lock(&s->cancel_lock);
    s->conn = c;
    pthread_mutex_unlock(&s->cancel_lock);
    engine_conn_set_context(c, &s->ctx);
    if (!s->txn_start_us)
        s->txn_start_us = now_pg_us();
    s->ctx.transaction_start_us = s->txn_start_us;
    return ACQUIRE_OK;
}

bool session_ensure_engine_txn(sql_session *s, bool write, pg_error *err)
{
    if (s->engine_txn_open) {
        return true;
    }
    if (!engine_begin(s->conn, write ? TXN_WRITE : TXN_READ, err))
        return false;
    s->engine_txn_open = true;
    s->engine_txn_mode = write ? TXN_WRITE : TXN_READ;
    return true;
}

void session_release_engine_if_idle(sql_session *s)
{
    if (!s->conn || s->engine_txn_open || s->txn != TXN_IDLE)
        return;
    engine_conn *c = s->conn;
    pthread_mutex_lock(&s->cancel_lock);
    s->conn = NULL;
    pthread_mutex_unlock(&s->cancel_lock);
    engine_pool_release(engine_db_pool(s->db), c);
    s->txn_start_us = 0;
}

/* End the engine transaction (if any) and the session's; the engine connection goes back. */
bool session_finish_txn(sql_session *s, bool commit, pg_error *err)
{
    bool ok = true;
    if (commit && s->cursors.count && !cursors_before_commit(s, err)) {
        commit = false;
        ok = false;
    }
    /* Cursors the transaction does not keep, then every other portal, let go of their engine
     * statements before the engine transaction ends and the connection goes back. */
    cursors_end_transaction(s, commit);
    portals_end_transaction(s);
    if (s->engine_txn_open && s->conn) {
        if (commit)
            ok = engine_commit(s->conn, err);
        if (!commit || !ok) {
            pg_error ignore = {0};
            if (!engine_rollback(s->conn, &ignore))
                pg_error_clear(&ignore);
        }
    }
    s->engine_txn_open = false;
    session_advisory_release(s, true);   /* pg_advisory_xact_lock holds end here */
    if (s->schema_changed_in_txn) {
        /* Everyone (this session included) must see the schema as it now is. */
        engine_db_bump_schema_version(s->db);
        s->schema_changed_in_txn = false;
    }
    if (s->private_catalog) {
        cat_snapshot_unref(s->private_catalog);
        s->private_catalog = NULL;
    }
    s->txn_generation++;
    s->ndead_subxacts = 0;
    while (s->savepoints) {
        sql_savepoint *sp = s->savepoints;
        s->savepoints = sp->prev;
        free(sp->name);
        free(sp);
    }
    if (commit && ok)
        guc_commit(s);
    else {
        guc_rollback_to(s, NULL);
        guc_commit(s);
    }
    s->txn = TXN_IDLE;
    s->txn_read_only = false;
    s->txn_isolation = 0;
    s->txn_start_us = 0;
    session_release_engine_if_idle(s);
    return ok;
}

bool session_catalog(sql_session *s, cat_snapshot **out, pg_error *err)
{
    if (s->schema_changed_in_txn && s->conn) {
        /* Our own uncommitted DDL: a private snapshot through our connection, reloaded
         * after each DDL statement (private_catalog is dropped by the executor then). */
        if (!s->private_catalog && !catalog_snapshot(s->db, s->conn, true, &s->private_catalog, err))
            return false;
        cat_snapshot_ref(s->private_catalog);
        *out = s->private_catalog;
        return true;
    }
    return catalog_snapshot(s->db, NULL, false, out, err);
}

void sql_session_begin_implicit(sql_session *s)
{
    if (s->txn == TXN_IDLE) {
        s->txn = TXN_IMPLICIT;
        s->txn_start_us = 0;
    }
}

bool sql_session_in_implicit(const sql_session *s)
{
    return s->txn == TXN_IMPLICIT;
}

bool sql_session_end_implicit_transaction(sql_session *s, sql_txn_end how, pg_error *err)
{
    if (s->txn != TXN_IMPLICIT)
        return true;
    return session_finish_txn(s, how == SQL_TXN_END_COMMIT, err);
}

void sql_session_abort_statement(sql_session *s)
{
    pg_error ignore = {0};
    switch (s->txn) {
    case TXN_BLOCK:
        s->txn = TXN_FAILED;
        break;
    case TXN_IMPLICIT:
    case TXN_IDLE:
        if (!session_finish_txn(s, false, &ignore))
            pg_error_clear(&ignore);
        break;
    case TXN_FAILED:
        break;
    }
}

void sql_session_disconnect(sql_session *s)
{
    if (s->db && s->waiter.queued)
        engine_pool_cancel_wait(engine_db_pool(s->db), &s->waiter);
    if (s->db && s->waiter.granted) {
        engine_pool_cancel_wait(engine_db_pool(s->db), &s->waiter);
    }
    pg_error ignore = {0};
    if (s->txn != TXN_IDLE || s->engine_txn_open) {
        s->txn = TXN_IMPLICIT;
        if (!session_finish_txn(s, false, &ignore))
            pg_error_clear(&ignore);
    }
    if (s->conn) {
        s->txn = TXN_IDLE;
        session_release_engine_if_idle(s);
    }
}

bool sql_session_holds_engine(const sql_session *s)
{
    return s->conn != NULL;
}
