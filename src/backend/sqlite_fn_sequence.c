/*
 * sqlite_fn_sequence.c — nextval, currval, setval, lastval on the _pgwire_sequence metadata
 * table, with PostgreSQL's bounds, cycling and messages.
 *
 * currval and lastval are per client session (not per engine connection, which sessions
 * share): the values are reported to and read from the session through engine_context's
 * session_ops.
 *
 * As in PostgreSQL, a number handed out stays used when its transaction rolls back: the
 * position is written to the table inside the transaction (so it survives a restart once
 * some transaction commits) and also kept in the database's shared function state, which no
 * rollback undoes; nextval starts from whichever is further along.  Numbers given out by
 * transactions that all rolled back may come again after a server restart — no committed
 * row has them.  ALTER SEQUENCE forgets the shared position (pgw_sequence_forget).
 */
#include "backend/sqlite_fn_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct seq_position {
    int64_t last;
    bool called;
} seq_position;

typedef struct seq_state {
    pthread_mutex_t lock;
    hashmap positions;   /* decimal OID → seq_position */
} seq_state;

static void *state_make(void)
{
    seq_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    hashmap_init(&s->positions);
    return s;
}

static void state_free(void *p)
{
    seq_state *s = p;
    size_t cur = 0;
    void *v;
    while (hashmap_next(&s->positions, &cur, NULL, &v))
        free(v);
    hashmap_free(&s->positions);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static seq_state *shared_state(engine_conn *c)
{
    return engine_db_function_state(c->db, state_make, state_free);
}

/* Record the position handed out (lock held). */
static void remember(seq_state *st, int64_t oid, int64_t last, bool called)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)oid);
    seq_position *p = hashmap_get(&st->positions, key);
    if (!p) {
        p = malloc(sizeof *p);
        if (!p)
            return;
        if (!hashmap_put(&st->positions, key, p)) {
            free(p);
            return;
        }
    }
    p->last = last;
    p->called = called;
}

typedef struct seq_row {
    int64_t increment, max, min, last;
    bool cycle, called;
    char name[128];
} seq_row;

/* Read a sequence's row; false with the error set (not a sequence, no such relation). */
static bool load(sqlite3_context *ctx, sqlite_conn *sc, int64_t oid, seq_row *r)
{
    if (!sc->nextval_stmt &&
        sqlite3_prepare_v3(sc->db,
                           "SELECT s.seqincrement, s.seqmax, s.seqmin, s.seqcycle, s.last_value, s.is_called, c.relname"
                           " FROM " "_pgwire_sequence s JOIN _pgwire_class c ON c.oid = s.seqrelid WHERE s.seqrelid = ?1",
                           -1, SQLITE_PREPARE_PERSISTENT, &sc->nextval_stmt, NULL) != SQLITE_OK) {
        sqlite_fn_error(ctx, "XX000", "could not read sequence: %s", sqlite3_errmsg(sc->db));
        return false;
    }
    sqlite3_stmt *st = sc->nextval_stmt;
    sqlite3_bind_int64(st, 1, oid);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        r->increment = sqlite3_column_int64(st, 0);
        r->max = sqlite3_column_int64(st, 1);
        r->min = sqlite3_column_int64(st, 2);
        r->cycle = sqlite3_column_int(st, 3) != 0;
        r->last = sqlite3_column_int64(st, 4);
        r->called = sqlite3_column_int(st, 5) != 0;
        const unsigned char *n = sqlite3_column_text(st, 6);
        snprintf(r->name, sizeof r->name, "%s", n ? (const char *)n : "?");
        sqlite3_reset(st);
        return true;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        sqlite3_result_error_code(ctx, rc);
        return false;
    }
    /* Not a sequence: say what it is, as PostgreSQL does. */
    sqlite3_stmt *q;
    char name[128] = "";
    if (sqlite3_prepare_v2(sc->db, "SELECT relname FROM _pgwire_class WHERE oid = ?1", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, oid);
        if (sqlite3_step(q) == SQLITE_ROW)
            snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(q, 0));
        sqlite3_finalize(q);
    }
    if (name[0])
        sqlite_fn_error(ctx, "42809", "\"%s\" is not a sequence", name);
    else
        sqlite_fn_error(ctx, "42P01", "relation with OID %lld does not exist", (long long)oid);
    return false;
}

static bool store(sqlite3_context *ctx, sqlite_conn *sc, int64_t oid, int64_t value, bool called)
{
    if (!sc->currval_stmt &&
        sqlite3_prepare_v3(sc->db, "UPDATE _pgwire_sequence SET last_value = ?2, is_called = ?3 WHERE seqrelid = ?1", -1,
                           SQLITE_PREPARE_PERSISTENT, &sc->currval_stmt, NULL) != SQLITE_OK) {
        sqlite_fn_error(ctx, "XX000", "could not update sequence: %s", sqlite3_errmsg(sc->db));
        return false;
    }
    sqlite3_stmt *st = sc->currval_stmt;
    sqlite3_bind_int64(st, 1, oid);
    sqlite3_bind_int64(st, 2, value);
    sqlite3_bind_int(st, 3, called ? 1 : 0);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        sqlite3_result_error_code(ctx, rc);
        return false;
    }
    return true;
}

static void report(sqlite3_context *ctx, int64_t oid, int64_t value)
{
    engine_context *ec = sqlite_fn_context(ctx);
    if (ec && ec->session_ops && ec->session_ops->sequence_value)
        ec->session_ops->sequence_value(ec->sql_session, (pg_oid)oid, value);
}

static void fn_nextval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    engine_conn *c = sqlite3_user_data(ctx);
    sqlite_conn *sc = c->native;
    int64_t oid = sqlite3_value_int64(argv[0]);
    seq_row r;
    if (!load(ctx, sc, oid, &r))
        return;
    seq_state *st = shared_state(c);
    if (st) {
        pthread_mutex_lock(&st->lock);
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)oid);
        const seq_position *p = hashmap_get(&st->positions, key);
        /* Further along than the table: numbers a rolled-back transaction used. */
        if (p && p->called && !r.cycle &&
            (r.increment > 0 ? (r.called ? p->last > r.last : p->last >= r.last)
                             : (r.called ? p->last < r.last : p->last <= r.last))) {
            r.last = p->last;
            r.called = true;
        }
    }
    int64_t next = r.last;
    if (r.called) {
        if (r.increment > 0 && r.last > r.max - r.increment) {
            if (!r.cycle) {
                if (st)
                    pthread_mutex_unlock(&st->lock);
                sqlite_fn_error(ctx, "2200H", "nextval: reached maximum value of sequence \"%s\" (%lld)", r.name,
                                (long long)r.max);
                return;
            }
            next = r.min;
        } else if (r.increment < 0 && r.last < r.min - r.increment) {
            if (!r.cycle) {
                if (st)
                    pthread_mutex_unlock(&st->lock);
                sqlite_fn_error(ctx, "2200H", "nextval: reached minimum value of sequence \"%s\" (%lld)", r.name,
                                (long long)r.min);
                return;
            }
            next = r.max;
        } else {
            next = r.last + r.increment;
        }
    }
    bool stored = store(ctx, sc, oid, next, true);
    if (st) {
        if (stored)
            remember(st, oid, next, true);
        pthread_mutex_unlock(&st->lock);
    }
    if (!stored)
        return;
    report(ctx, oid, next);
    sqlite3_result_int64(ctx, next);
}

/* pgw_sequence_forget(oid): ALTER SEQUENCE set a new position; the shared one is stale. */
static void fn_forget(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    engine_conn *c = sqlite3_user_data(ctx);
    seq_state *st = shared_state(c);
    if (st) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_value_int64(argv[0]));
        pthread_mutex_lock(&st->lock);
        free(hashmap_remove(&st->positions, key));
        pthread_mutex_unlock(&st->lock);
    }
    sqlite3_result_null(ctx);
}

static void fn_currval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    engine_conn *c = sqlite3_user_data(ctx);
    sqlite_conn *sc = c->native;
    int64_t oid = sqlite3_value_int64(argv[0]);
    seq_row r;
    if (!load(ctx, sc, oid, &r))
        return;
    engine_context *ec = sqlite_fn_context(ctx);
    int64_t v;
    if (!ec || !ec->session_ops || !ec->session_ops->sequence_current ||
        !ec->session_ops->sequence_current(ec->sql_session, (pg_oid)oid, &v)) {
        sqlite_fn_error(ctx, "55000", "currval of sequence \"%s\" is not yet defined in this session", r.name);
        return;
    }
    sqlite3_result_int64(ctx, v);
}

static void fn_lastval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    engine_context *ec = sqlite_fn_context(ctx);
    int64_t v;
    if (!ec || !ec->session_ops || !ec->session_ops->sequence_last || !ec->session_ops->sequence_last(ec->sql_session, &v)) {
        sqlite_fn_error(ctx, "55000", "lastval is not yet defined in this session");
        return;
    }
    sqlite3_result_int64(ctx, v);
}

/* setval(seq, value, is_called) */
static void fn_setval(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    engine_conn *c = sqlite3_user_data(ctx);
    sqlite_conn *sc = c->native;
    int64_t oid = sqlite3_value_int64(argv[0]), value = sqlite3_value_int64(argv[1]);
    bool called = argc < 3 || sqlite3_value_int(argv[2]) != 0;
    seq_row r;
    if (!load(ctx, sc, oid, &r))
        return;
    if (value < r.min || value > r.max) {
        sqlite_fn_error(ctx, "22003", "setval: value %lld is out of bounds for sequence \"%s\" (%lld..%lld)",
                        (long long)value, r.name, (long long)r.min, (long long)r.max);
        return;
    }
    seq_state *st = shared_state(c);
    if (st)
        pthread_mutex_lock(&st->lock);
    bool stored = store(ctx, sc, oid, value, called);
    if (st) {
        if (stored)
            remember(st, oid, value, called);   /* setval is not undone by a rollback either */
        pthread_mutex_unlock(&st->lock);
    }
    if (!stored)
        return;
    if (called)
        report(ctx, oid, value);
    sqlite3_result_int64(ctx, value);
}

int sqlite_register_sequence(sqlite3 *db, engine_conn *c)
{
    static const struct { const char *name; int nargs; void (*fn)(sqlite3_context *, int, sqlite3_value **); } fns[] = {
        {"pgw_nextval", 1, fn_nextval}, {"pgw_currval", 1, fn_currval}, {"pgw_lastval", 0, fn_lastval},
        {"pgw_setval", 2, fn_setval}, {"pgw_setval", 3, fn_setval}, {"pgw_sequence_forget", 1, fn_forget},
    };
    for (size_t i = 0; i < ARRAY_LEN(fns); i++) {
        int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, SQLITE_UTF8, c, fns[i].fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
