/*
 * extended.c — the extended query protocol: Parse, Bind, Describe, Execute, Close, Sync,
 * Flush, with PostgreSQL's rules: messages up to Sync form one implicit transaction; after
 * an error everything is skipped until Sync, which answers one ReadyForQuery; a Describe
 * never runs anything; an Execute with a row limit suspends the portal (PortalSuspended)
 * and the next Execute resumes it; the unnamed statement and portal are replaced by the
 * next Parse/Bind; portals end with their transaction.
 */
#include "proto/copy.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 65535

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

static void begin_implicit(proto_session *s)
{
    if (!s->sql)
        return;
    if (sql_session_transaction_status(s->sql) == 'I' && !sql_session_in_implicit(s->sql))
        sql_session_begin_implicit(s->sql);
}

static void portal_free(proto_portal *p)
{
    if (!p)
        return;
    sql_portal_close(p->portal);
    free(p->formats);
    free(p->name);
    free(p);
}

void portals_close_all(proto_session *s)
{
    size_t cur = 0;
    void *v;
    while (hashmap_next(&s->portals, &cur, NULL, &v))
        portal_free(v);
    hashmap_free(&s->portals);
    hashmap_init(&s->portals);
    s->exec_portal = NULL;
}

void extended_drop_unnamed_portal(proto_session *s)
{
    proto_portal *old = hashmap_remove(&s->portals, "");
    if (old == s->exec_portal)
        s->exec_portal = NULL;
    portal_free(old);
}

/* ---------------------------------------------------------------- Parse */

void extended_parse(proto_session *s, msg_reader *r)
{
    const char *name = msg_get_string(r);
    const char *query = msg_get_string(r);
    int16_t ntypes = msg_get_int16(r);
    if (r->failed || ntypes < 0) {
        protocol_violation(s, "%s", r->error ? r->error : "invalid message format");
        return;
    }
    pg_oid *types = ntypes ? calloc((size_t)ntypes, sizeof *types) : NULL;
    if (ntypes && !types) {
        pg_error err = {0};
        pg_error_oom(&err);
        extended_error(s, &err);
        return;
    }
    for (int i = 0; i < ntypes; i++)
        types[i] = (pg_oid)msg_get_int32(r);
    if (!msg_end_of_message(r)) {
        free(types);
        protocol_violation(s, "%s", r->error ? r->error : "invalid message format");
        return;
    }
    begin_implicit(s);
    if (*name && sql_session_find_statement(s->sql, name)) {
        free(types);
        pg_error err = {0};
        pg_error_set(&err, "42P05", "prepared statement \"%s\" already exists", name);
        extended_error(s, &err);
        return;
    }
    if (s->srv->cfg.log_statements || sql_session_log_statements(s->sql))
        session_log(s, LOG_LEVEL_LOG, "statement: %s", query);
    sql_plan *plan = NULL;
    pg_error err = {0};
    bool ok = sql_plan_create(s->sql, query, strlen(query), 0, types, ntypes, &plan, &err);
    free(types);
    if (!ok) {
        extended_error(s, &err);
        return;
    }
    if (!*name)
        sql_session_drop_statement(s->sql, "");
    ok = sql_session_store_statement(s->sql, name, plan, &err);
    sql_plan_unref(plan);
    if (!ok) {
        extended_error(s, &err);
        return;
    }
    reply_notices_and_params(s);
    reply_simple(s, '1');
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

void extended_bind(proto_session *s, msg_reader *r)
{
    const char *portal_name = msg_get_string(r);
    const char *stmt_name = msg_get_string(r);
    int16_t nformats = msg_get_int16(r);
    if (r->failed || nformats < 0) {
        protocol_violation(s, "%s", r->error ? r->error : "invalid message format");
        return;
    }
    int16_t formats_stack[64];
    int16_t *formats = nformats <= 64 ? formats_stack : calloc((size_t)nformats, sizeof *formats);
    pg_error err = {0};
    sql_value *values = NULL;
    strbuf *scratch = NULL;
    int nparams = 0;
    int16_t *result_formats = NULL;
    proto_portal *pp = NULL;
    if (!formats) {
        pg_error_oom(&err);
        goto fail;
    }
    for (int i = 0; i < nformats; i++)
        formats[i] = msg_get_int16(r);
    nparams = (uint16_t)msg_get_int16(r);
    if (r->failed) {
        pg_error_set(&err, "08P01", "invalid message format");
        goto fail;
    }
    begin_implicit(s);
    sql_plan *plan = sql_session_find_statement(s->sql, stmt_name);
    if (!plan) {
        if (*stmt_name)
            pg_error_set(&err, "26000", "prepared statement \"%s\" does not exist", stmt_name);
        else
            pg_error_set(&err, "26000", "unnamed prepared statement does not exist");
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
    if (nparams) {
        values = calloc((size_t)nparams, sizeof *values);
        scratch = calloc((size_t)nparams, sizeof *scratch);
        if (!values || !scratch) {
            pg_error_oom(&err);
            goto fail;
        }
    }
    const type_settings *ts = sql_session_type_settings(s->sql);
    for (int i = 0; i < nparams; i++) {
        int32_t len = msg_get_int32(r);
        if (r->failed) {
            pg_error_set(&err, "08P01", "invalid message format");
            goto fail;
        }
        if (len == -1) {
            values[i] = value_null();
            continue;
        }
        if (len < 0) {
            pg_error_set(&err, "08P01", "invalid message format");
            goto fail;
        }
        const char *bytes = msg_get_bytes(r, (size_t)len);
        if (!bytes) {
            pg_error_set(&err, "08P01", "insufficient data left in message");
            goto fail;
        }
        int16_t f = format_at(formats, nformats, i);
        pg_oid type = sql_plan_param_type(plan, i);
        strbuf_init(&scratch[i]);
        bool ok;
        if (f == 0) {
            ok = types_text_in(ts, type, -1, bytes, (size_t)len, &values[i], &scratch[i], &err);
        } else if (f == 1) {
            ok = types_binary_in(ts, type, -1, bytes, (size_t)len, &values[i], &scratch[i], &err);
        } else {
            pg_error_set(&err, "08P01", "unsupported format code: %d", f);
            goto fail;
        }
        if (!ok) {
            if (!err.context) {
                if (f == 0)
                    pg_error_context(&err, "%s parameter $%d = '%.*s'", *portal_name ? "portal" : "unnamed portal",
                                     i + 1, len > 512 ? 512 : (int)len, bytes);
                else
                    pg_error_context(&err, "%s parameter $%d", *portal_name ? "portal" : "unnamed portal", i + 1);
            }
            goto fail;
        }
    }
    int16_t nresult = msg_get_int16(r);
    if (r->failed || nresult < 0) {
        pg_error_set(&err, "08P01", "invalid message format");
        goto fail;
    }
    int ncols = sql_plan_column_count(plan);
    if (nresult) {
        result_formats = calloc((size_t)nresult, sizeof *result_formats);
        if (!result_formats) {
            pg_error_oom(&err);
            goto fail;
        }
    }
    for (int i = 0; i < nresult; i++) {
        result_formats[i] = msg_get_int16(r);
        if (result_formats[i] != 0 && result_formats[i] != 1) {
            pg_error_set(&err, "08P01", "unsupported format code: %d", result_formats[i]);
            goto fail;
        }
    }
    if (!msg_end_of_message(r)) {
        pg_error_set(&err, "08P01", "invalid message format");
        goto fail;
    }
    if (nresult > 1 && ncols >= 0 && nresult != ncols) {
        pg_error_set(&err, "08P01", "bind message has %d result formats but query has %d columns", nresult, ncols);
        goto fail;
    }
    for (int i = 0; i < ncols && nresult; i++) {
        const sql_column *c = sql_plan_column(plan, i);
        if (format_at(result_formats, nresult, i) == 1 && !types_has_binary(c->type_oid)) {
            const pg_type_info *t = types_by_oid(c->type_oid);
            pg_error_set(&err, "42883", "no binary output function available for type %s", t ? t->sql_name : "?");
            goto fail;
        }
    }
    if (*portal_name && hashmap_get(&s->portals, portal_name)) {
        pg_error_set(&err, "42P03", "portal \"%s\" already exists", portal_name);
        goto fail;
    }
    pp = calloc(1, sizeof *pp);
    if (!pp || !(pp->name = strdup(portal_name))) {
        pg_error_oom(&err);
        goto fail;
    }
    if (!sql_portal_create(s->sql, plan, values, nparams, &pp->portal, &err))
        goto fail;
    pp->formats = result_formats;
    pp->nformats = nresult;
    result_formats = NULL;
    if (!*portal_name) {
        proto_portal *old = hashmap_remove(&s->portals, "");
        if (old == s->exec_portal)
            s->exec_portal = NULL;
        portal_free(old);
    }
    if (!hashmap_put(&s->portals, portal_name, pp)) {
        pg_error_oom(&err);
        goto fail;
    }
    pp = NULL;
    for (int i = 0; scratch && i < nparams; i++)
        strbuf_free(&scratch[i]);
    free(scratch);
    free(values);
    if (formats != formats_stack)
        free(formats);
    reply_notices_and_params(s);
    reply_simple(s, '2');
    return;
fail:
    for (int i = 0; scratch && i < nparams; i++)
        strbuf_free(&scratch[i]);
    free(scratch);
    free(values);
    free(result_formats);
    portal_free(pp);
    if (formats != formats_stack)
        free(formats);
    extended_error(s, &err);
}

/* ---------------------------------------------------------------- Describe */

void extended_describe(proto_session *s, msg_reader *r)
{
    uint8_t what = msg_get_int8(r);
    const char *name = msg_get_string(r);
    if (!name || !msg_end_of_message(r)) {
        protocol_violation(s, "%s", r->error ? r->error : "invalid message format");
        return;
    }
    begin_implicit(s);
    pg_error err = {0};
    if (what == 'S') {
        sql_plan *plan = sql_session_find_statement(s->sql, name);
        if (!plan) {
            if (*name)
                pg_error_set(&err, "26000", "prepared statement \"%s\" does not exist", name);
            else
                pg_error_set(&err, "26000", "unnamed prepared statement does not exist");
            extended_error(s, &err);
            return;
        }
        strbuf *out = net_conn_output(s->conn);
        size_t m = msg_begin(out, 't');
        int n = sql_plan_param_count(plan);
        msg_put_int16(out, (int16_t)n);
        for (int i = 0; i < n; i++)
            msg_put_int32(out, (int32_t)sql_plan_param_type(plan, i));
        msg_end(out, m);
        int ncols = sql_plan_column_count(plan);
        if (ncols >= 0)
            reply_row_description(s, sql_plan_columns(plan), ncols, NULL, 0);
        else
            reply_simple(s, 'n');
        return;
    }
    if (what == 'P') {
        proto_portal *pp = hashmap_get(&s->portals, name);
        if (!pp) {
            pg_error_set(&err, "34000", "portal \"%s\" does not exist", name);
            extended_error(s, &err);
            return;
        }
        int ncols = sql_portal_column_count(pp->portal);
        if (ncols >= 0)
            reply_row_description(s, sql_portal_columns(pp->portal), ncols, pp->formats, pp->nformats);
        else
            reply_simple(s, 'n');
        return;
    }
    protocol_violation(s, "invalid DESCRIBE message subtype %d", what);
}

/* ---------------------------------------------------------------- Execute */

void extended_execute(proto_session *s, msg_reader *r)
{
    const char *name = msg_get_string(r);
    int32_t max_rows = msg_get_int32(r);
    if (!name || !msg_end_of_message(r)) {
        protocol_violation(s, "%s", r->error ? r->error : "invalid message format");
        return;
    }
    begin_implicit(s);
    proto_portal *pp = hashmap_get(&s->portals, name);
    if (!pp) {
        pg_error err = {0};
        pg_error_set(&err, "34000", "portal \"%s\" does not exist", name);
        extended_error(s, &err);
        return;
    }
    if (s->srv->cfg.log_statements && !pp->suspended)
        session_log(s, LOG_LEVEL_LOG, "execute %s: %s", *name ? name : "<unnamed>",
                    sql_plan_text(sql_portal_plan(pp->portal)));
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
        if (r == SQL_RUN_ROW && s->copy) {
            if (!copy_out_row(s, pp->portal, &err)) {
                extended_error(s, &err);
                return WORK_DONE;
            }
            s->exec_rows++;
            if (session_output_full(s))
                return WORK_OUTPUT_FULL;
            continue;
        }
        if (r == SQL_RUN_ROW) {
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
            continue;
        }
        /* Done: the tag counts the rows of this Execute, as PostgreSQL's does. */
        if (s->copy && !copy_out_end(s, &err)) {
            extended_error(s, &err);
            return WORK_DONE;
        }
        sql_plan *plan = sql_portal_plan(pp->portal);
        const char *tag = sql_portal_command_tag(pp->portal);
        reply_notices_and_params(s);
        if (!*tag && !*sql_plan_command(plan)) {
            reply_simple(s, 'I');
        } else if (strcmp(sql_plan_command(plan), "SELECT") == 0 && sql_plan_column_count(plan) >= 0 &&
                   strncmp(tag, "SELECT", 6) == 0) {
            char buf[64];
            snprintf(buf, sizeof buf, "SELECT %lld", (long long)s->exec_rows);
            reply_command_complete(s, buf);
        } else {
            reply_command_complete(s, tag);
        }
        pp->suspended = false;
        s->work = WORK_NONE;
        s->exec_portal = NULL;
        return WORK_DONE;
    }
}

/* ---------------------------------------------------------------- Close, Sync, Flush */

void extended_close(proto_session *s, msg_reader *r)
{
    uint8_t what = msg_get_int8(r);
    const char *name = msg_get_string(r);
    if (!name || !msg_end_of_message(r)) {
        protocol_violation(s, "%s", r->error ? r->error : "invalid message format");
        return;
    }
    if (what == 'S') {
        sql_session_drop_statement(s->sql, name);
    } else if (what == 'P') {
        proto_portal *pp = hashmap_remove(&s->portals, name);
        if (pp == s->exec_portal)
            s->exec_portal = NULL;
        portal_free(pp);
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
