/*
 * extended.c — the extended query protocol: Parse, Bind, Describe, Execute, Close, Sync,
 * Flush, with PostgreSQL's rules (postgres.c's exec_*_message):
 *
 * - messages up to Sync form one implicit transaction; Sync commits it and answers one
 *   ReadyForQuery; after an error every message is skipped until Sync (session.c);
 * - in a failed transaction block only statements that end it may be bound or executed,
 *   and a statement or portal that returns rows may not be described (25P02);
 * - Describe never runs anything; an Execute with a row limit suspends the portal
 *   (PortalSuspended) and the next Execute resumes it; the CommandComplete of a
 *   row-returning portal counts the rows of that Execute only;
 * - a portal never runs its statement twice: a finished portal that returns rows answers
 *   its tag with 0 rows again, any other finished portal is 55000 "cannot be run";
 * - the unnamed statement and portal are replaced by the next Parse/Bind (and dropped by a
 *   simple Query); statements live until Close/DEALLOCATE, portals until Close or the end
 *   of their transaction.
 *
 * Every count and format read from the client is bounds-checked by the msg_reader; a
 * message that ends early is 08P01, never a read past its end.
 */
#include "proto/copy.h"

#include <stdlib.h>
#include <string.h>

static void protocol_violation(proto_session *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

void extended_error(proto_session *s, pg_error *err)
{
    reply_notices_and_params(s);
    reply_error(s, err);
    pg_error_clear(err);
    copy_state_free(s);
    if (s->sql)
        sql_session_abort_statement(s->sql);
    s->ignore_until_sync = true;
    s->work = WORK_NONE;
    s->exec_portal = NULL;
}

static void protocol_violation(proto_session *s, const char *fmt, ...)
{
    pg_error err = {0};
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(&err, "08P01", fmt, ap);
    va_end(ap);
    extended_error(s, &err);
}

static void fail_with(proto_session *s, const char *sqlstate, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void fail_with(proto_session *s, const char *sqlstate, const char *fmt, ...)
{
    pg_error err = {0};
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(&err, sqlstate, fmt, ap);
    va_end(ap);
    extended_error(s, &err);
}

static void begin_implicit(proto_session *s)
{
    if (sql_session_transaction_status(s->sql) == 'I' && !sql_session_in_implicit(s->sql))
        sql_session_begin_implicit(s->sql);
}

static bool in_failed_block(proto_session *s)
{
    return sql_session_transaction_status(s->sql) == 'E';
}

static void fail_aborted(proto_session *s)
{
    fail_with(s, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
}

static void fail_no_statement(proto_session *s, const char *name)
{
    if (*name)
        fail_with(s, "26000", "prepared statement \"%s\" does not exist", name);
    else
        fail_with(s, "26000", "unnamed prepared statement does not exist");
}

/* ---------------------------------------------------------------- portals */

static void portal_free(proto_portal *p)
{
    if (!p)
        return;
    sql_portal_close(p->portal);
    if (p->formats != p->formats_inline)
        free(p->formats);
    free(p->name);
    if (p->embedded)
        memset(p, 0, sizeof *p);
    else
        free(p);
}

void portals_close_all(proto_session *s)
{
    if (s->portals.count) {
        size_t cur = 0;
        void *v;
        while (hashmap_next(&s->portals, &cur, NULL, &v))
            portal_free(v);
        hashmap_free(&s->portals);
        hashmap_init(&s->portals);
    }
    portal_free(s->unnamed_portal);
    s->unnamed_portal = NULL;
    s->exec_portal = NULL;
}

void extended_drop_unnamed_portal(proto_session *s)
{
    if (s->unnamed_portal == s->exec_portal)
        s->exec_portal = NULL;
    portal_free(s->unnamed_portal);
    s->unnamed_portal = NULL;
}

static void drop_portal(proto_session *s, const char *name)
{
    if (!*name) {
        extended_drop_unnamed_portal(s);
        return;
    }
    proto_portal *pp = hashmap_remove(&s->portals, name);
    if (pp == s->exec_portal)
        s->exec_portal = NULL;
    portal_free(pp);
}

/* A portal by name; one whose transaction (or subtransaction) has ended since its Bind is
 * gone, as in PostgreSQL. */
static proto_portal *find_portal(proto_session *s, const char *name)
{
    proto_portal *pp = *name ? hashmap_get(&s->portals, name) : s->unnamed_portal;
    if (pp && !sql_portal_alive(pp->portal)) {
        drop_portal(s, name);
        pp = NULL;
    }
    return pp;
}

bool extended_portal_exists(void *arg, const char *name)
{
    proto_session *s = arg;
    const proto_portal *pp = *name ? hashmap_get(&s->portals, name) : NULL;
    return pp && sql_portal_alive(pp->portal);
}

/* ---------------------------------------------------------------- Parse */

void extended_parse(proto_session *s, msg_reader *r)
{
    const char *name = msg_get_string(r);
    const char *query = msg_get_string(r);
    /* PostgreSQL reads the count as unsigned 16 bits. */
    int ntypes = (uint16_t)msg_get_int16(r);
    if (r->failed) {
        protocol_violation(s, "%s", r->error);
        return;
    }
    pg_oid types_stack[32];
    pg_oid *types = ntypes <= 32 ? types_stack : malloc(sizeof *types * (size_t)ntypes);
    if (!types) {
        pg_error err = {0};
        pg_error_oom(&err);
        extended_error(s, &err);
        return;
    }
    for (int i = 0; i < ntypes; i++)
        types[i] = (pg_oid)msg_get_int32(r);
    pg_error err = {0};
    sql_plan *plan = NULL;
    if (!msg_end_of_message(r)) {
        pg_error_set(&err, "08P01", "%s", r->error);
        goto fail;
    }
    size_t query_len = strlen(query);
    if (!utf8_verify(query, query_len, &err))
        goto fail;
    for (int i = 0; i < ntypes; i++)
        if (types[i] != PG_OID_INVALID && !types_by_oid(types[i])) {
            /* What PostgreSQL answers for an OID it has no type for. */
            pg_error_set(&err, "XX000", "cache lookup failed for type %u", types[i]);
            goto fail;
        }
    begin_implicit(s);
    if (*name && sql_session_find_statement(s->sql, name)) {
        pg_error_set(&err, "42P05", "prepared statement \"%s\" already exists", name);
        goto fail;
    }
    if (s->srv->cfg.log_statements || sql_session_log_statements(s->sql))
        session_log(s, LOG_LEVEL_LOG, "statement: %s", query);
    if (!sql_plan_create(s->sql, query, query_len, 0, types, ntypes, &plan, &err))
        goto fail;
    if (!*name)
        sql_session_drop_statement(s->sql, "");
    if (!sql_session_store_statement(s->sql, name, plan, &err))
        goto fail;
    sql_plan_unref(plan);
    if (types != types_stack)
        free(types);
    reply_notices_and_params(s);
    reply_simple(s, '1');
    return;
fail:
    if (plan)
        sql_plan_unref(plan);
    if (types != types_stack)
        free(types);
    extended_error(s, &err);
}

/* ---------------------------------------------------------------- Bind */

static int16_t format_at(const int16_t *formats, int n, int i)
{
    if (n == 0)
        return 0;
    if (n == 1)
        return formats[0];
    return formats[i];
}

/* The parameters of a Bind, decoded into storage form with the statement's types.  The
 * values point into `scratch` (one buffer per parameter, so that growing one never moves
 * another's bytes) or into the message itself. */
typedef struct bind_params {
    int n;
    sql_value *values;
    strbuf *scratch;
    sql_value values_inline[16];
    strbuf scratch_inline[16];
} bind_params;

static bool bind_params_init(bind_params *bp, int n)
{
    bp->n = n;
    if (n <= 16) {
        bp->values = bp->values_inline;
        bp->scratch = bp->scratch_inline;
    } else {
        bp->values = calloc((size_t)n, sizeof *bp->values);
        bp->scratch = calloc((size_t)n, sizeof *bp->scratch);
        if (!bp->values || !bp->scratch) {
            free(bp->values);
            free(bp->scratch);
            bp->values = NULL;
            bp->scratch = NULL;
            bp->n = 0;
            return false;
        }
    }
    for (int i = 0; i < n; i++)
        strbuf_init(&bp->scratch[i]);
    return true;
}

static void bind_params_free(bind_params *bp)
{
    for (int i = 0; i < bp->n; i++)
        strbuf_free(&bp->scratch[i]);
    if (bp->values != bp->values_inline) {
        free(bp->values);
        free(bp->scratch);
    }
}

static void param_context(pg_error *err, const char *portal_name, int i, bool with_value)
{
    if (err->context)
        return;
    /* PostgreSQL shows the value only when log_parameter_max_length_on_error allows it;
     * its default (0) prints the quotes with nothing inside. */
    const char *value = with_value ? " = '...'" : "";
    if (*portal_name)
        pg_error_context(err, "portal \"%s\" parameter $%d%s", portal_name, i + 1, value);
    else
        pg_error_context(err, "unnamed portal parameter $%d%s", i + 1, value);
}

/* Read and decode every parameter value (PostgreSQL's order of checks: format code, then
 * length, then the type's input function). */
static bool read_params(proto_session *s, msg_reader *r, sql_plan *plan, const char *portal_name,
                        const int16_t *formats, int nformats, bind_params *bp, pg_error *err)
{
    const type_settings *ts = sql_session_type_settings(s->sql);
    for (int i = 0; i < bp->n; i++) {
        int32_t len = msg_get_int32(r);
        const char *bytes = NULL;
        if (!r->failed && len != -1)
            bytes = len < 0 ? NULL : msg_get_bytes(r, (size_t)len);
        if (r->failed || (len != -1 && !bytes)) {
            pg_error_set(err, "08P01", "insufficient data left in message");
            param_context(err, portal_name, i, false);
            return false;
        }
        int16_t f = format_at(formats, nformats, i);
        if (f != 0 && f != 1) {
            pg_error_set(err, "22023", "unsupported format code: %d", f);
            param_context(err, portal_name, i, false);
            return false;
        }
        if (!bytes) {
            bp->values[i] = value_null();
            continue;
        }
        pg_oid type = sql_plan_param_type(plan, i);
        if (f == 0) {
            if (!utf8_verify(bytes, (size_t)len, err)) {
                param_context(err, portal_name, i, false);
                return false;
            }
            if (!types_text_in(ts, type, -1, bytes, (size_t)len, &bp->values[i], &bp->scratch[i], err)) {
                param_context(err, portal_name, i, true);
                return false;
            }
        } else if (!types_binary_in(ts, type, -1, bytes, (size_t)len, &bp->values[i], &bp->scratch[i], err)) {
            /* Bytes left over after the type's receive function: PostgreSQL's Bind says
             * which parameter. */
            if (strcmp(err->sqlstate, "22P03") == 0 && err->message &&
                strcmp(err->message, "incorrect binary data format") == 0) {
                pg_error_clear(err);
                pg_error_set(err, "22P03", "incorrect binary data format in bind parameter %d", i + 1);
            }
            param_context(err, portal_name, i, false);
            return false;
        }
    }
    return true;
}

/* The result format codes, kept as given: PostgreSQL checks them when the first row is
 * sent (22023 for a code other than 0 and 1, 42883 for a type without binary output). */
static bool read_result_formats(msg_reader *r, proto_portal *pp, pg_error *err)
{
    int n = (uint16_t)msg_get_int16(r);
    if (r->failed) {
        pg_error_set(err, "08P01", "%s", r->error);
        return false;
    }
    if (n > (int)ARRAY_LEN(pp->formats_inline)) {
        pp->formats = calloc((size_t)n, sizeof *pp->formats);
        if (!pp->formats) {
            pg_error_oom(err);
            return false;
        }
    } else {
        pp->formats = pp->formats_inline;
    }
    for (int i = 0; i < n; i++)
        pp->formats[i] = msg_get_int16(r);
    pp->nformats = n;
    if (r->failed) {
        pg_error_set(err, "08P01", "%s", r->error);
        return false;
    }
    return true;
}

void extended_bind(proto_session *s, msg_reader *r)
{
    const char *portal_name = msg_get_string(r);
    const char *stmt_name = msg_get_string(r);
    if (r->failed) {
        protocol_violation(s, "%s", r->error);
        return;
    }
    begin_implicit(s);
    sql_plan *plan = sql_session_find_statement(s->sql, stmt_name);
    if (!plan) {
        fail_no_statement(s, stmt_name);
        return;
    }
    int nformats = (uint16_t)msg_get_int16(r);
    if (r->failed) {
        protocol_violation(s, "%s", r->error);
        return;
    }
    /* The formats stay in the message: read them in place (each is bounds-checked). */
    int16_t formats_stack[64];
    int16_t *formats = nformats <= 64 ? formats_stack : malloc(sizeof *formats * (size_t)nformats);
    pg_error err = {0};
    bind_params bp = {0};
    proto_portal *pp = NULL;
    if (!formats) {
        pg_error_oom(&err);
        goto fail;
    }
    for (int i = 0; i < nformats; i++)
        formats[i] = msg_get_int16(r);
    int nparams = (uint16_t)msg_get_int16(r);
    if (r->failed) {
        pg_error_set(&err, "08P01", "%s", r->error);
        goto fail;
    }
    if (nformats > 1 && nformats != nparams) {
        pg_error_set(&err, "08P01", "bind message has %d parameter formats but %d parameters", nformats, nparams);
        goto fail;
    }
    if (nparams != sql_plan_param_count(plan)) {
        pg_error_set(&err, "08P01", "bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
                     nparams, stmt_name, sql_plan_param_count(plan));
        goto fail;
    }
    if (in_failed_block(s) && (!sql_plan_allowed_in_failed_block(plan) || nparams != 0)) {
        pg_error_set(&err, "25P02", "current transaction is aborted, commands ignored until end of transaction block");
        goto fail;
    }
    /* Creating the portal: an unnamed one replaces the old at once (even if this Bind then
     * fails, as in PostgreSQL); a named one must be new. */
    if (*portal_name) {
        if (find_portal(s, portal_name) || sql_session_cursor_portal(s->sql, portal_name)) {
            pg_error_set(&err, "42P03", "cursor \"%s\" already exists", portal_name);
            goto fail;
        }
    } else {
        extended_drop_unnamed_portal(s);
    }
    if (!bind_params_init(&bp, nparams)) {
        pg_error_oom(&err);
        goto fail;
    }
    if (!read_params(s, r, plan, portal_name, formats, nformats, &bp, &err))
        goto fail;
    if (*portal_name) {
        pp = calloc(1, sizeof *pp);
    } else {
        pp = &s->unnamed_storage;   /* dropped above */
        memset(pp, 0, sizeof *pp);
        pp->embedded = true;
    }
    if (!pp) {
        pg_error_oom(&err);
        goto fail;
    }
    if (!read_result_formats(r, pp, &err))
        goto fail;
    if (!msg_end_of_message(r)) {
        pg_error_set(&err, "08P01", "%s", r->error);
        goto fail;
    }
    /* PostgreSQL revalidates the statement after reading the parameters (GetCachedPlan). */
    if (!sql_session_revalidate_statement(s->sql, stmt_name, &plan, &err))
        goto fail;
    int ncols = sql_plan_column_count(plan);
    if (pp->nformats > 1 && pp->nformats != (ncols < 0 ? 0 : ncols)) {
        pg_error_set(&err, "08P01", "bind message has %d result formats but query has %d columns", pp->nformats,
                     ncols < 0 ? 0 : ncols);
        goto fail;
    }
    if (!sql_portal_create(s->sql, plan, bp.values, nparams, &pp->portal, &err))
        goto fail;
    if (*portal_name) {
        if (!(pp->name = strdup(portal_name)) || !hashmap_put(&s->portals, portal_name, pp)) {
            pg_error_oom(&err);
            goto fail;
        }
    } else {
        s->unnamed_portal = pp;
    }
    bind_params_free(&bp);
    if (formats != formats_stack)
        free(formats);
    reply_notices_and_params(s);
    reply_simple(s, '2');
    return;
fail:
    bind_params_free(&bp);
    portal_free(pp);
    if (formats != formats_stack)
        free(formats);
    extended_error(s, &err);
}

/* ---------------------------------------------------------------- Describe */

static void describe_statement(proto_session *s, const char *name)
{
    sql_plan *plan = sql_session_find_statement(s->sql, name);
    if (!plan) {
        fail_no_statement(s, name);
        return;
    }
    int ncols = sql_plan_column_count(plan);
    /* Parameters may be described in a failed block (clients describe their ROLLBACK);
     * result columns may not, as in PostgreSQL. */
    if (in_failed_block(s) && ncols >= 0) {
        fail_aborted(s);
        return;
    }
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 't');
    int n = sql_plan_param_count(plan);
    msg_put_int16(out, (int16_t)n);
    for (int i = 0; i < n; i++)
        msg_put_int32(out, (int32_t)sql_plan_param_type(plan, i));
    msg_end(out, m);
    /* As PostgreSQL: the parameters are described, then the statement is revalidated
     * (CachedPlanGetTargetList) before its result columns are. */
    pg_error err = {0};
    if (ncols >= 0 && !sql_session_revalidate_statement(s->sql, name, &plan, &err)) {
        extended_error(s, &err);
        return;
    }
    if (ncols >= 0)
        reply_row_description(s, sql_plan_columns(plan), ncols, NULL, 0);
    else
        reply_simple(s, 'n');
}

static void describe_portal(proto_session *s, const char *name)
{
    proto_portal *pp = find_portal(s, name);
    sql_portal *cursor = pp || !*name ? NULL : sql_session_cursor_portal(s->sql, name);
    if (cursor) {
        /* A cursor made by DECLARE: its columns, in text (FETCH decides formats later). */
        int ncols = sql_portal_column_count(cursor);
        if (in_failed_block(s) && ncols >= 0)
            fail_aborted(s);
        else if (ncols >= 0)
            reply_row_description(s, sql_portal_columns(cursor), ncols, NULL, 0);
        else
            reply_simple(s, 'n');
        return;
    }
    if (!pp) {
        fail_with(s, "34000", "portal \"%s\" does not exist", name);
        return;
    }
    int ncols = sql_portal_column_count(pp->portal);
    if (in_failed_block(s) && ncols >= 0) {
        fail_aborted(s);
        return;
    }
    if (ncols >= 0)
        reply_row_description(s, sql_portal_columns(pp->portal), ncols, pp->formats, pp->nformats);
    else
        reply_simple(s, 'n');
}

void extended_describe(proto_session *s, msg_reader *r)
{
    uint8_t what = msg_get_int8(r);
    const char *name = msg_get_string(r);
    if (!name || !msg_end_of_message(r)) {
        protocol_violation(s, "%s", r->error);
        return;
    }
    begin_implicit(s);
    if (what == 'S')
        describe_statement(s, name);
    else if (what == 'P')
        describe_portal(s, name);
    else
        protocol_violation(s, "invalid DESCRIBE message subtype %d", what);
}

/* ---------------------------------------------------------------- Execute */

void extended_execute(proto_session *s, msg_reader *r)
{
    const char *name = msg_get_string(r);
    int32_t max_rows = msg_get_int32(r);
    if (!name || !msg_end_of_message(r)) {
        protocol_violation(s, "%s", r->error);
        return;
    }
    begin_implicit(s);
    proto_portal *pp = find_portal(s, name);
    if (!pp) {
        fail_with(s, "34000", "portal \"%s\" does not exist", name);
        return;
    }
    sql_plan *plan = sql_portal_plan(pp->portal);
    if (in_failed_block(s) && !sql_plan_allowed_in_failed_block(plan)) {
        fail_aborted(s);
        return;
    }
    if (sql_portal_is_done(pp->portal) && sql_portal_column_count(pp->portal) < 0 && *sql_plan_command(plan)) {
        /* Its statement ran already: PostgreSQL's PORTAL_DONE. */
        fail_with(s, "55000", "portal \"%s\" cannot be run", name);
        return;
    }
    if (!pp->suspended && (s->srv->cfg.log_statements || sql_session_log_statements(s->sql)))
        session_log(s, LOG_LEVEL_LOG, "execute %s: %s", *name ? name : "<unnamed>", sql_plan_text(plan));
    s->exec_portal = pp;
    s->exec_max_rows = max_rows > 0 ? max_rows : 0;
    s->exec_rows = 0;
    s->work = WORK_EXECUTE;
    const sql_copy *copy = sql_plan_copy(sql_portal_plan(pp->portal));
    if (copy) {
        /* COPY runs to its end whatever the row limit, as PostgreSQL's utility statements. */
        s->exec_max_rows = 0;
        pg_error err = {0};
        if (!copy->is_from && !sql_portal_is_done(pp->portal) && !copy_out_begin(s, pp->portal, &err))
            extended_error(s, &err);
    }
}

static void execute_done(proto_session *s, proto_portal *pp)
{
    sql_portal *portal = pp->portal;
    reply_notices_and_params(s);
    if (sql_portal_column_count(portal) >= 0) {
        char tag[64];
        sql_portal_tag_for_rows(portal, s->exec_rows, tag, sizeof tag);
        reply_command_complete(s, tag);
    } else {
        const char *tag = sql_portal_command_tag(portal);
        if (!*tag && !*sql_plan_command(sql_portal_plan(portal)))
            reply_simple(s, 'I');   /* EmptyQueryResponse, every time it is executed */
        else
            reply_command_complete(s, tag);
    }
    pp->suspended = false;
    s->work = WORK_NONE;
    s->exec_portal = NULL;
}

work_result extended_continue(proto_session *s)
{
    proto_portal *pp = s->exec_portal;
    pg_error err = {0};
    if (!pp) {
        s->work = WORK_NONE;
        return WORK_DONE;
    }
    for (;;) {
        sql_run_status r = sql_portal_next(pp->portal, &err);
        if (r == SQL_RUN_WAIT)
            return WORK_WAIT_ENGINE;
        if (r == SQL_RUN_ERROR) {
            extended_error(s, &err);
            return WORK_DONE;
        }
        if (r == SQL_RUN_COPY_IN) {
            copy_in_begin(s, pp->portal);
            return WORK_DONE;
        }
        if (r == SQL_RUN_DONE) {
            /* COPY TO ends its CopyOut before the CommandComplete. */
            if (s->copy && !copy_out_end(s, &err)) {
                extended_error(s, &err);
                return WORK_DONE;
            }
            execute_done(s, pp);
            return WORK_DONE;
        }
        if (s->copy) {
            if (!copy_out_row(s, pp->portal, &err)) {
                extended_error(s, &err);
                return WORK_DONE;
            }
            s->exec_rows++;
            if (session_output_full(s))
                return WORK_OUTPUT_FULL;
            continue;
        }
        int n = sql_portal_column_count(pp->portal);
        if (!reply_data_row(s, sql_portal_row(pp->portal), sql_portal_columns(pp->portal), n, pp->formats,
                            pp->nformats, &err)) {
            extended_error(s, &err);
            return WORK_DONE;
        }
        s->exec_rows++;
        if (s->exec_max_rows && s->exec_rows >= s->exec_max_rows) {
            pp->suspended = true;
            reply_notices_and_params(s);
            reply_simple(s, 's');
            s->work = WORK_NONE;
            s->exec_portal = NULL;
            return WORK_DONE;
        }
        if (session_output_full(s))
            return WORK_OUTPUT_FULL;
    }
}

/* ---------------------------------------------------------------- Close, Sync, Flush */

void extended_close(proto_session *s, msg_reader *r)
{
    uint8_t what = msg_get_int8(r);
    const char *name = msg_get_string(r);
    if (!name || !msg_end_of_message(r)) {
        protocol_violation(s, "%s", r->error);
        return;
    }
    begin_implicit(s);
    if (what == 'S') {
        sql_session_drop_statement(s->sql, name);
    } else if (what == 'P') {
        drop_portal(s, name);
    } else {
        protocol_violation(s, "invalid CLOSE message subtype %d", what);
        return;
    }
    reply_simple(s, '3');
}

void extended_sync(proto_session *s)
{
    pg_error err = {0};
    if (s->sql && sql_session_in_implicit(s->sql) &&
        !sql_session_end_implicit_transaction(s->sql, SQL_TXN_END_COMMIT, &err)) {
        reply_error(s, &err);
        pg_error_clear(&err);
        sql_session_abort_statement(s->sql);
    }
    reply_ready_for_query(s);
}

void extended_flush(proto_session *s)
{
    net_conn_flush(s->conn);
}
