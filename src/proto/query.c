/*
 * query.c — the simple query protocol: one Query message, any number of statements, each
 * translated just before it runs (so a CREATE TABLE is visible to the next statement of the
 * same string), results streamed, one ReadyForQuery at the end.  An error ends the string.
 *
 * Several statements run in one implicit transaction unless the string controls its own
 * transactions (PostgreSQL's rule), which the SQL layer's transaction states implement.
 * Work is resumable: a statement may pause for an engine connection or a full socket, and
 * the session loop calls query_continue() again.
 */
#include "proto/copy.h"

#include <stdlib.h>
#include <string.h>

static void finish(proto_session *s)
{
    copy_state_free(s);
    if (s->portal) {
        sql_portal_close(s->portal);
        s->portal = NULL;
    }
    if (s->plan) {
        sql_plan_unref(s->plan);
        s->plan = NULL;
    }
    free(s->query_text);
    s->query_text = NULL;
    free(s->spans);
    s->spans = NULL;
    s->work = WORK_NONE;
}

static void fail(proto_session *s, pg_error *err)
{
    reply_notices_and_params(s);
    reply_error(s, err);
    pg_error_clear(err);
    if (s->sql)
        sql_session_abort_statement(s->sql);
    finish(s);
    reply_ready_for_query(s);
}

/*
 * Statements of the string.  Without a ';' before its last non-blank character a string
 * holds at most one statement (the grammar separates statements only by ';'), so it is
 * handed whole to the SQL layer, whose plan cache may then answer without any parsing; a
 * string that may hold several is split with PostgreSQL's grammar first.
 */
static bool split_statements(proto_session *s, pg_error *err)
{
    const char *text = s->query_text;
    size_t len = strlen(text);
    size_t end = len;
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\n' || text[end - 1] == '\t' ||
                       text[end - 1] == '\r' || text[end - 1] == '\f' || text[end - 1] == '\v'))
        end--;
    if (end > 0 && text[end - 1] == ';')
        end--;
    if (!memchr(text, ';', end) && len <= INT32_MAX) {
        s->spans = malloc(sizeof *s->spans);
        if (!s->spans) {
            pg_error_oom(err);
            return false;
        }
        s->spans[0].offset = 0;
        s->spans[0].length = (int)len;
        s->nspans = 1;
        return true;
    }
    return sql_split(s->sql, text, &s->spans, &s->nspans, err);
}

void query_fail(proto_session *s, pg_error *err)
{
    fail(s, err);
}

void query_begin(proto_session *s, const char *text)
{
    pg_error err = {0};
    /* A simple Query replaces the unnamed statement and portal, as PostgreSQL's does. */
    sql_session_drop_statement(s->sql, "");
    extended_drop_unnamed_portal(s);
    if (!utf8_verify(text, strlen(text), &err)) {
        fail(s, &err);
        return;
    }
    s->query_text = strdup(text);
    if (!s->query_text) {
        pg_error_oom(&err);
        fail(s, &err);
        return;
    }
    if (s->srv->cfg.log_statements || sql_session_log_statements(s->sql))
        session_log(s, LOG_LEVEL_LOG, "statement: %s", text);
    if (!split_statements(s, &err)) {
        fail(s, &err);
        return;
    }
    if (s->nspans == 0) {
        reply_simple(s, 'I');   /* EmptyQueryResponse */
        finish(s);
        reply_ready_for_query(s);
        return;
    }
    if (s->nspans > 1)
        sql_session_begin_implicit(s->sql);
    s->span_index = 0;
    s->work = WORK_SIMPLE_QUERY;
}

static void describe_if_needed(proto_session *s);

/* Text, except FETCH from a BINARY cursor. */
static const int16_t *result_format(proto_session *s)
{
    static const int16_t text = 0, binary = 1;
    return sql_portal_binary_results(s->portal) ? &binary : &text;
}

static bool start_statement(proto_session *s, pg_error *err)
{
    sql_span *sp = &s->spans[s->span_index];
    if (!sql_plan_create(s->sql, s->query_text + sp->offset, (size_t)sp->length, sp->offset, NULL, 0, &s->plan, err))
        return false;
    s->described = false;
    if (!sql_portal_create(s->sql, s->plan, NULL, 0, &s->portal, err))
        return false;
    const sql_copy *copy = sql_plan_copy(s->plan);
    if (copy && !copy->is_from)
        return copy_out_begin(s, s->portal, err);
    /* RowDescription goes out before the statement runs, as PostgreSQL sends it: a client
     * sees the columns even if the statement is then cancelled or fails. */
    if (sql_plan_column_count(s->plan) >= 0)
        describe_if_needed(s);
    return true;
}

static void describe_if_needed(proto_session *s)
{
    if (s->described)
        return;
    s->described = true;
    int n = sql_portal_column_count(s->portal);
    if (n >= 0)
        reply_row_description(s, sql_portal_columns(s->portal), n, result_format(s), 1);
}

work_result query_continue(proto_session *s)
{
    pg_error err = {0};
    while (s->span_index < s->nspans) {
        /* After a COMMIT or ROLLBACK inside the string, what follows is again one implicit
         * transaction (an error later rolls it back), as in PostgreSQL. */
        if (!s->portal && s->nspans > 1 && sql_session_transaction_status(s->sql) == 'I' &&
            !sql_session_in_implicit(s->sql))
            sql_session_begin_implicit(s->sql);
        if (!s->portal && !start_statement(s, &err)) {
            fail(s, &err);
            return WORK_DONE;
        }
        for (;;) {
            sql_run_status r = sql_portal_next(s->portal, &err);
            if (r == SQL_RUN_WAIT)
                return WORK_WAIT_ENGINE;
            if (r == SQL_RUN_ERROR) {
                fail(s, &err);
                return WORK_DONE;
            }
            if (r == SQL_RUN_COPY_IN) {
                /* The session takes the COPY data (copy.c), then this continues. */
                copy_in_begin(s, s->portal);
                return WORK_DONE;
            }
            if (r == SQL_RUN_ROW && s->copy) {
                if (!copy_out_row(s, s->portal, &err)) {
                    fail(s, &err);
                    return WORK_DONE;
                }
                if (session_output_full(s))
                    return WORK_OUTPUT_FULL;
                continue;
            }
            if (r == SQL_RUN_ROW) {
                describe_if_needed(s);
                int n = sql_portal_column_count(s->portal);
                if (!reply_data_row(s, sql_portal_row(s->portal), sql_portal_columns(s->portal), n, result_format(s), 1,
                                    &err)) {
                    fail(s, &err);
                    return WORK_DONE;
                }
                if (session_output_full(s))
                    return WORK_OUTPUT_FULL;
                continue;
            }
            /* Done. */
            if (s->copy && !copy_out_end(s, &err)) {
                fail(s, &err);
                return WORK_DONE;
            }
            const char *tag = sql_portal_command_tag(s->portal);
            if (!*tag && strcmp(sql_plan_command(s->plan), "") == 0) {
                reply_notices_and_params(s);
                reply_simple(s, 'I');
            } else {
                describe_if_needed(s);
                reply_notices_and_params(s);
                reply_command_complete(s, tag);
            }
            break;
        }
        sql_portal_close(s->portal);
        s->portal = NULL;
        sql_plan_unref(s->plan);
        s->plan = NULL;
        s->span_index++;
    }
    if (sql_session_in_implicit(s->sql) && !sql_session_end_implicit_transaction(s->sql, SQL_TXN_END_COMMIT, &err)) {
        fail(s, &err);
        return WORK_DONE;
    }
    finish(s);
    reply_ready_for_query(s);
    return WORK_DONE;
}
