/*
 * sqlite_fn_sequence.c — nextval, currval, setval, lastval on the _pgwire_sequence metadata
 * table, with PostgreSQL's bounds, cycling and messages.
 *
 * currval and lastval are per client session (not per engine connection, which sessions
 * share): the values are reported to and read from the session through engine_context's
 * session_ops.  Unlike PostgreSQL, a sequence's advance is part of the engine transaction:
 * a rolled-back transaction gives its numbers back (docs/differences.md).
 */
#include "backend/sqlite_fn_util.h"

#include <string.h>

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
    int64_t next = r.last;
    if (r.called) {
        if (r.increment > 0 && r.last > r.max - r.increment) {
            if (!r.cycle) {
                sqlite_fn_error(ctx, "2200H", "nextval: reached maximum value of sequence \"%s\" (%lld)", r.name,
                                (long long)r.max);
                return;
            }
            next = r.min;
        } else if (r.increment < 0 && r.last < r.min - r.increment) {
            if (!r.cycle) {
                sqlite_fn_error(ctx, "2200H", "nextval: reached minimum value of sequence \"%s\" (%lld)", r.name,
                                (long long)r.min);
                return;
            }
            next = r.max;
        } else {
            next = r.last + r.increment;
        }
    }
    if (!store(ctx, sc, oid, next, true))
        return;
    report(ctx, oid, next);
    sqlite3_result_int64(ctx, next);
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
    if (!store(ctx, sc, oid, value, called))
        return;
    if (called)
        report(ctx, oid, value);
    sqlite3_result_int64(ctx, value);
}

int sqlite_register_sequence(sqlite3 *db, engine_conn *c)
{
    static const struct { const char *name; int nargs; void (*fn)(sqlite3_context *, int, sqlite3_value **); } fns[] = {
        {"pgw_nextval", 1, fn_nextval}, {"pgw_currval", 1, fn_currval}, {"pgw_lastval", 0, fn_lastval},
        {"pgw_setval", 2, fn_setval}, {"pgw_setval", 3, fn_setval},
    };
    for (size_t i = 0; i < ARRAY_LEN(fns); i++) {
        int rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs, SQLITE_UTF8, c, fns[i].fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
