/*
 * reply.c — the backend messages: ErrorResponse/NoticeResponse with PostgreSQL's fields,
 * RowDescription, DataRow (values through the types layer's codecs), CommandComplete,
 * ReadyForQuery, ParameterStatus, NotificationResponse.
 *
 * Everything is appended to the connection's output buffer; flushing is the session loop's
 * decision (at ReadyForQuery, at Flush, or when the buffer passes its threshold).
 */
#include "proto/proto_internal.h"

#include <stdlib.h>
#include <string.h>

static void put_field(strbuf *out, char code, const char *value)
{
    if (!value)
        return;
    strbuf_putc(out, code);
    msg_put_string(out, value);
}

static void error_fields(strbuf *out, const pg_error *err)
{
    const char *sev = pg_severity_name(err->severity);
    put_field(out, 'S', sev);
    put_field(out, 'V', sev);
    put_field(out, 'C', err->sqlstate[0] ? err->sqlstate : "XX000");
    put_field(out, 'M', err->message ? err->message : "unknown error");
    put_field(out, 'D', err->detail);
    put_field(out, 'H', err->hint);
    if (err->position > 0) {
        char pos[16];
        snprintf(pos, sizeof pos, "%d", err->position);
        put_field(out, 'P', pos);
    }
    if (err->internal_position > 0 && err->internal_query) {
        char pos[16];
        snprintf(pos, sizeof pos, "%d", err->internal_position);
        put_field(out, 'p', pos);
        put_field(out, 'q', err->internal_query);
    }
    put_field(out, 'W', err->context);
    put_field(out, 's', err->schema_name);
    put_field(out, 't', err->table_name);
    put_field(out, 'c', err->column_name);
    put_field(out, 'd', err->datatype_name);
    put_field(out, 'n', err->constraint_name);
    strbuf_putc(out, 0);
}

void reply_error(proto_session *s, const pg_error *err)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'E');
    error_fields(out, err);
    msg_end(out, m);
    log_level level = err->severity == PG_SEVERITY_FATAL ? LOG_LEVEL_FATAL : LOG_LEVEL_ERROR;
    logger *log = s->srv->log;
    /* As PostgreSQL logs it: the message with its SQLSTATE-bearing level, then the
     * statement that caused it. */
    log_line(log, level, s->pid, "%s: %s", err->sqlstate, err->message ? err->message : "");
    if (err->detail)
        log_line_labeled(log, level, "DETAIL", s->pid, "%s", err->detail);
    const char *stmt = s->plan ? sql_plan_text(s->plan) : s->query_text;
    if (stmt && level == LOG_LEVEL_ERROR)
        log_line_labeled(log, level, "STATEMENT", s->pid, "%s", stmt);
}

void reply_notice(proto_session *s, const pg_error *notice)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'N');
    error_fields(out, notice);
    msg_end(out, m);
}

void reply_fatal(proto_session *s, const char *sqlstate, const char *fmt, ...)
{
    pg_error err = {0};
    va_list ap;
    va_start(ap, fmt);
    pg_error_vset(&err, sqlstate, fmt, ap);
    va_end(ap);
    err.severity = PG_SEVERITY_FATAL;
    reply_error(s, &err);
    pg_error_clear(&err);
    s->state = SESSION_CLOSING;
}

void reply_simple(proto_session *s, char type)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, type);
    msg_end(out, m);
}

void reply_parameter_status(proto_session *s, const char *name, const char *value)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'S');
    msg_put_string(out, name);
    msg_put_string(out, value ? value : "");
    msg_end(out, m);
}

void reply_command_complete(proto_session *s, const char *tag)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'C');
    msg_put_string(out, tag);
    msg_end(out, m);
}

/* Notices the SQL layer produced, then reported settings that changed. */
void reply_notices_and_params(proto_session *s)
{
    if (!s->sql)
        return;
    size_t n = sql_session_notice_count(s->sql);
    for (size_t i = 0; i < n; i++)
        reply_notice(s, sql_session_notice(s->sql, i));
    sql_session_clear_notices(s->sql);
}

void reply_notifications(proto_session *s)
{
    sql_notification n;
    strbuf *out = net_conn_output(s->conn);
    while (s->sql && sql_session_take_notification(s->sql, &n)) {
        size_t m = msg_begin(out, 'A');
        msg_put_int32(out, n.sender_pid);
        msg_put_string(out, n.channel);
        msg_put_string(out, n.payload);
        msg_end(out, m);
        sql_notification_free(&n);
    }
}

void reply_ready_for_query(proto_session *s)
{
    reply_notices_and_params(s);
    if (s->sql) {
        sql_param_status changed[16];
        size_t n = sql_session_take_changed_params(s->sql, changed, ARRAY_LEN(changed));
        for (size_t i = 0; i < n; i++)
            reply_parameter_status(s, changed[i].name, changed[i].value);
    }
    char status = s->sql ? sql_session_transaction_status(s->sql) : 'I';
    if (status == 'I') {
        /* Portals end with their transaction. */
        portals_close_all(s);
        reply_notifications(s);
    }
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'Z');
    msg_put_int8(out, (uint8_t)status);
    msg_end(out, m);
    atomic_store(&s->txn_status, status);
    atomic_store(&s->idle_since_us, clock_monotonic_us());
    s->sent_ready = true;
    /* The command cycle is over: a cancel sent for it must not reach the next one. */
    session_set_busy(s, false);
}

static int16_t format_of(const int16_t *formats, int nformats, int i)
{
    if (!formats || nformats == 0)
        return 0;
    if (nformats == 1)
        return formats[0];
    return i < nformats ? formats[i] : 0;
}

/* PostgreSQL checks result formats when it prepares to send the first row (printtup). */
static bool check_output_format(const sql_column *c, int16_t format, pg_error *err)
{
    if (format == 0)
        return true;
    if (format != 1) {
        pg_error_set(err, "22023", "unsupported format code: %d", format);
        return false;
    }
    if (!types_has_binary(c->type_oid)) {
        const pg_type_info *t = types_by_oid(c->type_oid);
        pg_error_set(err, "42883", "no binary output function available for type %s", t ? t->sql_name : "unknown");
        return false;
    }
    return true;
}

void reply_row_description(proto_session *s, const sql_column *cols, int ncolumns, const int16_t *formats, int nformats)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'T');
    msg_put_int16(out, (int16_t)ncolumns);
    for (int i = 0; i < ncolumns; i++) {
        const sql_column *c = &cols[i];
        msg_put_string(out, c->name);
        msg_put_int32(out, (int32_t)c->table_oid);
        msg_put_int16(out, c->attnum);
        msg_put_int32(out, (int32_t)c->type_oid);
        msg_put_int16(out, c->typlen);
        msg_put_int32(out, c->typmod);
        msg_put_int16(out, format_of(formats, nformats, i));
    }
    msg_end(out, m);
}

bool reply_data_row(proto_session *s, const sql_value *values, const sql_column *cols, int ncolumns,
                    const int16_t *formats, int nformats, pg_error *err)
{
    strbuf *out = net_conn_output(s->conn);
    const type_settings *ts = sql_session_type_settings(s->sql);
    size_t m = msg_begin(out, 'D');
    msg_put_int16(out, (int16_t)ncolumns);
    for (int i = 0; i < ncolumns; i++) {
        const sql_value *v = &values[i];
        int16_t format = format_of(formats, nformats, i);
        bool ok = format == 0 || check_output_format(&cols[i], format, err);
        if (ok && v->kind == VALUE_NULL) {
            msg_put_int32(out, -1);
            continue;
        }
        size_t len_at = msg_reserve_int32(out);
        size_t before = out->len;
        ok = ok && (format == 0 ? types_text_out(ts, cols[i].type_oid, cols[i].typmod, v, out, err)
                                : types_binary_out(ts, cols[i].type_oid, cols[i].typmod, v, out, err));
        if (!ok) {
            /* Drop the half-built row: the error replaces it. */
            out->len = m;
            if (out->data)
                out->data[m] = 0;
            return false;
        }
        msg_patch_int32(out, len_at, (int32_t)(out->len - before));
    }
    msg_end(out, m);
    if (out->failed) {
        pg_error_oom(err);
        return false;
    }
    return true;
}
