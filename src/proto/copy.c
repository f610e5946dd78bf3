/*
 * copy.c — the COPY sub-protocol (docs/copy.md): CopyInResponse / CopyOutResponse,
 * CopyData in any chunking, CopyDone, CopyFail, and COPY to and from server-side files.
 *
 * COPY FROM STDIN is a session state: while s->copy is set and `in`, the session loop hands
 * the input buffer to copy_in_input() instead of dispatching messages.  Only CopyData,
 * CopyDone, CopyFail, Flush and Sync are accepted (the last two ignored, as PostgreSQL
 * does for libpq's sake); anything else is an error that ends the connection, as in
 * PostgreSQL.  CopyData bodies are streamed: bytes of a long message are fed to the reader
 * as they arrive, so memory does not grow with the message size, and the input buffer is
 * consumed once per call, not once per message.
 *
 * Each row: fields (copy_read.c) → values through the types layer's codecs (per-column
 * scratch buffers, reused) → sql_portal_copy_row (the prepared INSERT, one step).  The
 * whole COPY is the portal's statement: an error (bad data, CopyFail, a constraint) fails
 * it with PostgreSQL's message and CONTEXT line, and the statement's transaction rules roll
 * it back, so nothing is loaded.  After an error the rest of the current CopyData is
 * skipped; later COPY messages are ignored by the dispatcher, as PostgreSQL ignores them.
 *
 * COPY TO: CopyOutResponse before the query runs, one CopyData per row (the binary header
 * goes with the first row, the trailer in its own message), CopyDone, then the caller's
 * CommandComplete "COPY n".
 */
#include "proto/copy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_CHUNK 65536

struct copy_state {
    const sql_copy *spec;
    sql_plan *plan;                /* referenced: spec lives in it */
    sql_portal *portal;            /* the statement's portal (owned by query.c / extended.c) */
    bool in;                       /* COPY FROM STDIN is running */
    bool skipping;                 /* failed: only the rest of the current CopyData is skipped */
    size_t body_remaining;         /* bytes of the current CopyData not yet seen */
    const type_settings *ts;
    copy_reader reader;
    copy_writer writer;
    sql_value *values;             /* one row, storage form */
    strbuf *scratch;               /* per column: the bytes values point to */
    bool *fast_text;               /* per column: text taken as it is (no typmod, no codec) */
    int fd;                        /* server-side file, -1 for the protocol */
    strbuf filebuf;
    /* The rows of the engine's current batch (sql_copy.batch_rows): an error found when
     * the batch is inserted names one of them, and its CONTEXT needs its line. */
    int ring_size;
    int64_t rows_given;
    uint64_t *ring_lineno;
    strbuf *ring_text;
};

static void state_destroy(copy_state *cs)
{
    if (!cs)
        return;
    copy_reader_free(&cs->reader);
    copy_writer_free(&cs->writer);
    for (int i = 0; cs->scratch && i < cs->spec->ncolumns; i++)
        strbuf_free(&cs->scratch[i]);
    for (int i = 0; cs->ring_text && i < cs->ring_size; i++)
        strbuf_free(&cs->ring_text[i]);
    free(cs->ring_text);
    free(cs->ring_lineno);
    free(cs->scratch);
    free(cs->values);
    free(cs->fast_text);
    if (cs->fd >= 0)
        close(cs->fd);
    strbuf_free(&cs->filebuf);
    if (cs->plan)
        sql_plan_unref(cs->plan);
    free(cs);
}

void copy_state_free(proto_session *s)
{
    if (s->copy && !s->copy->skipping) {
        state_destroy(s->copy);
        s->copy = NULL;
    }
}

void copy_state_destroy(proto_session *s)
{
    state_destroy(s->copy);
    s->copy = NULL;
}

bool copy_in_active(const proto_session *s)
{
    return s->copy && (s->copy->in || s->copy->skipping);
}

static copy_state *state_new(proto_session *s, sql_portal *portal, pg_error *err)
{
    sql_plan *plan = sql_portal_plan(portal);
    const sql_copy *spec = sql_plan_copy(plan);
    copy_state *cs = calloc(1, sizeof *cs);
    if (!cs) {
        pg_error_oom(err);
        return NULL;
    }
    cs->fd = -1;
    cs->spec = spec;
    cs->plan = plan;
    sql_plan_ref(plan);
    cs->portal = portal;
    cs->ts = sql_session_type_settings(s->sql);
    strbuf_init(&cs->filebuf);
    copy_reader_init(&cs->reader, spec);
    copy_writer_init(&cs->writer, spec);
    int n = spec->ncolumns;
    cs->values = calloc((size_t)n + 1, sizeof *cs->values);
    cs->scratch = calloc((size_t)n + 1, sizeof *cs->scratch);
    cs->fast_text = calloc((size_t)n + 1, sizeof *cs->fast_text);
    if (!cs->values || !cs->scratch || !cs->fast_text) {
        state_destroy(cs);
        pg_error_oom(err);
        return NULL;
    }
    cs->ring_size = spec->is_from && spec->batch_rows > 1 ? spec->batch_rows : 1;
    cs->ring_lineno = calloc((size_t)cs->ring_size, sizeof *cs->ring_lineno);
    cs->ring_text = calloc((size_t)cs->ring_size, sizeof *cs->ring_text);
    if (!cs->ring_lineno || !cs->ring_text) {
        state_destroy(cs);
        pg_error_oom(err);
        return NULL;
    }
    for (int i = 0; i < cs->ring_size; i++)
        strbuf_init(&cs->ring_text[i]);
    for (int i = 0; i < n; i++) {
        strbuf_init(&cs->scratch[i]);
        pg_oid t = spec->columns[i].type_oid;
        /* text, and varchar without a length, take the (UTF-8 verified) bytes as they are. */
        cs->fast_text[i] = t == PG_OID_TEXT || (t == PG_OID_VARCHAR && spec->columns[i].typmod < 0);
    }
    return cs;
}

/* The statement failed: report it the way its protocol does (query.c / extended.c). */
static void statement_failed(proto_session *s, pg_error *err)
{
    if (s->work == WORK_SIMPLE_QUERY)
        query_fail(s, err);
    else
        extended_error(s, err);
}

/* COPY FROM STDIN failed: the state shrinks to skipping the rest of the current message. */
static void copy_in_failed(proto_session *s, pg_error *err)
{
    copy_state *cs = s->copy;
    if (cs && cs->in && cs->body_remaining > 0) {
        cs->in = false;
        cs->skipping = true;
        cs->portal = NULL;
    } else if (cs) {
        state_destroy(cs);
        s->copy = NULL;
    }
    statement_failed(s, err);
}

/* Errors the reader did not raise itself (CopyFail, a protocol error) name the line being
 * read, as PostgreSQL's do. */
static void reading_context(copy_state *cs, pg_error *err)
{
    if (cs->spec->format == SQL_COPY_BINARY && !cs->reader.header_done)
        return;
    copy_reader save = cs->reader;
    save.lineno++;
    save.line_valid = false;
    copy_reader_line_context(&save, false, err);
}

/* ---------------------------------------------------------------- rows */

/* The CONTEXT of an engine error that belongs to row `failed` (-1: the current line).
 * PostgreSQL checks unique indexes after the row left its line buffer (batched inserts),
 * so that context has no line text; NOT NULL and CHECK have it. */
static void engine_error_context(copy_state *cs, const copy_reader *r, int64_t failed, pg_error *err)
{
    bool with_text = strcmp(err->sqlstate, "23505") != 0;
    if (failed < 0 || failed >= cs->rows_given || failed < cs->rows_given - cs->ring_size) {
        copy_reader_line_context(r, with_text, err);
        return;
    }
    int slot = (int)(failed % cs->ring_size);
    const strbuf *text = &cs->ring_text[slot];
    bool has_text = with_text && cs->spec->format != SQL_COPY_BINARY;
    copy_line_context(cs->spec, cs->ring_lineno[slot], has_text ? (text->data ? text->data : "") : NULL,
                      has_text ? text->len : 0, err);
}

/* One row of fields → values → the prepared INSERT. */
static bool on_row(void *arg, copy_reader *r, pg_error *err)
{
    copy_state *cs = arg;
    const sql_copy *spec = cs->spec;
    int n = spec->ncolumns;
    bool binary = spec->format == SQL_COPY_BINARY;
    if (!binary && r->nfields > n) {
        pg_error_set(err, "22P04", "extra data after last expected column");
        copy_reader_line_context(r, true, err);
        return false;
    }
    for (int i = 0; i < n; i++) {
        const sql_column *col = &spec->columns[i];
        if (i >= r->nfields) {
            pg_error_set(err, "22P04", "missing data for column \"%s\"", col->name);
            copy_reader_line_context(r, true, err);
            return false;
        }
        copy_field f = r->fields[i];
        if (spec->format == SQL_COPY_CSV) {
            if (f.null && spec->force_not_null && spec->force_not_null[i]) {
                f.null = false;
                f.ptr = spec->null_string;
                f.len = spec->null_len;
            } else if (!f.null && spec->force_null && spec->force_null[i] && f.len == spec->null_len &&
                       memcmp(f.ptr, spec->null_string, f.len) == 0) {
                f.null = true;
            }
        }
        if (f.null) {
            cs->values[i] = value_null();
            continue;
        }
        bool ok;
        if (binary)
            ok = types_binary_in(cs->ts, col->type_oid, col->typmod, f.ptr, f.len, &cs->values[i], &cs->scratch[i], err);
        else if (cs->fast_text[i]) {
            cs->values[i] = value_text(f.ptr ? f.ptr : "", f.len);
            ok = true;
        } else
            ok = types_text_in(cs->ts, col->type_oid, col->typmod, f.ptr ? f.ptr : "", f.len, &cs->values[i],
                               &cs->scratch[i], err);
        if (!ok) {
            copy_reader_column_context(r, col->name, &f, err);
            return false;
        }
    }
    int slot = (int)(cs->rows_given % cs->ring_size);
    cs->ring_lineno[slot] = r->lineno;
    if (cs->ring_size > 1 && spec->format != SQL_COPY_BINARY) {
        strbuf_reset(&cs->ring_text[slot]);
        strbuf_append(&cs->ring_text[slot], r->line, r->line_len);
    }
    cs->rows_given++;
    int64_t failed = -1;
    if (!sql_portal_copy_row(cs->portal, cs->values, &failed, err)) {
        engine_error_context(cs, r, failed, err);
        return false;
    }
    return true;
}

/* The data ended: last line, then the statement's end ("COPY n", commit in autocommit). */
static bool finish_in(proto_session *s, pg_error *err)
{
    copy_state *cs = s->copy;
    if (!copy_reader_finish(&cs->reader, on_row, cs, err))
        return false;
    int64_t failed = -1;
    sql_run_status r = sql_portal_copy_end(cs->portal, &failed, err);
    if (r != SQL_RUN_DONE) {
        if (!pg_error_is_set(err))
            pg_error_set(err, "XX000", "COPY could not finish");
        else if (failed >= 0)
            engine_error_context(cs, &cs->reader, failed, err);
        return false;
    }
    state_destroy(cs);
    s->copy = NULL;
    return true;
}

/* ---------------------------------------------------------------- server-side files */

static void file_error(pg_error *err, const char *verb, const char *path, int errnum, bool reading)
{
    const char *sqlstate = errnum == ENOENT ? "58P01" : errnum == EACCES || errnum == EPERM ? "42501" : "58030";
    pg_error_set(err, sqlstate, "could not %s file \"%s\"%s: %s", verb, path,
                 reading ? " for reading" : " for writing", strerror(errnum));
}

static bool load_file(proto_session *s, pg_error *err)
{
    copy_state *cs = s->copy;
    const char *path = cs->spec->filename;
    cs->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (cs->fd < 0) {
        file_error(err, "open", path, errno, true);
        pg_error_hint(err, "COPY FROM instructs the PostgreSQL server process to read a file. You may want a "
                           "client-side facility such as psql's \\copy.");
        return false;
    }
    char *chunk = malloc(FILE_CHUNK);
    if (!chunk) {
        pg_error_oom(err);
        return false;
    }
    bool ok = true;
    for (;;) {
        ssize_t n = read(cs->fd, chunk, FILE_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            pg_error_set(err, "58030", "could not read from COPY file: %s", strerror(errno));
            ok = false;
            break;
        }
        if (n == 0)
            break;
        if (!copy_reader_feed(&cs->reader, chunk, (size_t)n, on_row, cs, err)) {
            ok = false;
            break;
        }
    }
    free(chunk);
    return ok && finish_in(s, err);
}

static bool write_all(int fd, const char *p, size_t n, pg_error *err)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            pg_error_set(err, "58030", "could not write to COPY file: %s", strerror(errno));
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

static bool flush_file(copy_state *cs, pg_error *err)
{
    bool ok = write_all(cs->fd, cs->filebuf.data ? cs->filebuf.data : "", cs->filebuf.len, err);
    strbuf_reset(&cs->filebuf);
    return ok;
}

/* ---------------------------------------------------------------- COPY FROM */

static void send_copy_response(proto_session *s, char type, const sql_copy *spec)
{
    strbuf *out = net_conn_output(s->conn);
    int8_t format = spec->format == SQL_COPY_BINARY ? 1 : 0;
    size_t m = msg_begin(out, type);
    msg_put_int8(out, (uint8_t)format);
    msg_put_int16(out, (int16_t)spec->ncolumns);
    for (int i = 0; i < spec->ncolumns; i++)
        msg_put_int16(out, format);
    msg_end(out, m);
}

void copy_in_begin(proto_session *s, sql_portal *portal)
{
    pg_error err = {0};
    copy_state_destroy(s);
    copy_state *cs = state_new(s, portal, &err);
    if (!cs) {
        statement_failed(s, &err);
        return;
    }
    s->copy = cs;
    if (cs->spec->filename) {
        if (!load_file(s, &err))
            copy_in_failed(s, &err);
        return;
    }
    send_copy_response(s, 'G', cs->spec);
    cs->in = true;
}

/* A complete small message (CopyDone, CopyFail, Flush, Sync) while COPY FROM STDIN runs.
 * Returns false when the COPY ended (successfully or not). */
static bool copy_in_control(proto_session *s, char type, const char *body, size_t len)
{
    copy_state *cs = s->copy;
    pg_error err = {0};
    switch (type) {
    case 'c':
        if (!finish_in(s, &err)) {
            copy_in_failed(s, &err);
            return false;
        }
        return false;
    case 'f': {
        msg_reader r;
        msg_reader_init(&r, body, len);
        const char *why = msg_get_string(&r);
        if (!why)
            pg_error_set(&err, "08P01", "invalid string in message");
        else
            pg_error_set(&err, "57014", "COPY from stdin failed: %s", why);
        reading_context(cs, &err);
        copy_in_failed(s, &err);
        return false;
    }
    default:
        /* Flush and Sync: ignored during COPY, for clients that send them without
         * noticing that the statement was a COPY. */
        return true;
    }
}

copy_in_result copy_in_input(proto_session *s)
{
    strbuf *in = net_conn_input(s->conn);
    size_t pos = 0;
    copy_in_result result = COPY_IN_NEED_INPUT;
    pg_error err = {0};
    while (s->copy) {
        copy_state *cs = s->copy;
        if (cs->body_remaining) {
            size_t avail = in->len - pos;
            if (!avail)
                break;
            size_t n = avail < cs->body_remaining ? avail : cs->body_remaining;
            const char *data = in->data + pos;
            pos += n;
            cs->body_remaining -= n;
            if (cs->skipping) {
                if (!cs->body_remaining) {
                    copy_state_destroy(s);
                    result = COPY_IN_PROGRESS;
                }
                continue;
            }
            if (!copy_reader_feed(&cs->reader, data, n, on_row, cs, &err)) {
                copy_in_failed(s, &err);
                result = COPY_IN_PROGRESS;
                if (s->copy && !s->copy->body_remaining)
                    copy_state_destroy(s);
            }
            continue;
        }
        if (cs->skipping) {
            copy_state_destroy(s);
            result = COPY_IN_PROGRESS;
            break;
        }
        if (in->len - pos < 5)
            break;
        char type = in->data[pos];
        uint32_t len = msg_read_be32(in->data + pos + 1);
        size_t limit = type == 'd' ? s->srv->cfg.max_message_size : PROTO_SMALL_MESSAGE_LIMIT;
        if (type != 'd' && type != 'c' && type != 'f' && type != 'H' && type != 'S') {
            /* PostgreSQL reports this inside the COPY, then loses the message's framing and
             * ends the session. */
            pg_error_set(&err, "08P01", "unexpected message type 0x%02X during COPY from stdin", (unsigned char)type);
            reading_context(cs, &err);
            reply_error(s, &err);
            pg_error_clear(&err);
            copy_state_destroy(s);
            reply_fatal(s, "08P01", "terminating connection because protocol synchronization was lost");
            result = COPY_IN_PROGRESS;   /* the session loop flushes and closes */
            break;
        }
        if (len < 4 || len > limit) {
            session_log(s, LOG_LEVEL_LOG, "invalid message length");
            result = COPY_IN_CLOSE;
            break;
        }
        if (type == 'd') {
            pos += 5;
            cs->body_remaining = len - 4;
            continue;
        }
        if (in->len - pos < (size_t)len + 1)
            break;
        const char *body = in->data + pos + 5;
        pos += (size_t)len + 1;
        if (!copy_in_control(s, type, body, len - 4)) {
            result = COPY_IN_PROGRESS;
            break;
        }
    }
    strbuf_consume(in, pos);
    return result;
}

/* ---------------------------------------------------------------- COPY TO */

bool copy_out_begin(proto_session *s, sql_portal *portal, pg_error *err)
{
    copy_state_destroy(s);
    copy_state *cs = state_new(s, portal, err);
    if (!cs)
        return false;
    s->copy = cs;
    if (cs->spec->filename) {
        cs->fd = open(cs->spec->filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (cs->fd < 0) {
            file_error(err, "open", cs->spec->filename, errno, false);
            pg_error_hint(err, "COPY TO instructs the PostgreSQL server process to write a file. You may want a "
                               "client-side facility such as psql's \\copy.");
            return false;
        }
        copy_writer_header_line(&cs->writer, &cs->filebuf);
        return true;
    }
    send_copy_response(s, 'H', cs->spec);
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'd');
    if (copy_writer_header_line(&cs->writer, out))
        msg_end(out, m);
    else
        out->len = m;
    return true;
}

bool copy_out_row(proto_session *s, sql_portal *portal, pg_error *err)
{
    copy_state *cs = s->copy;
    const sql_value *values = sql_portal_row(portal);
    if (cs->fd >= 0) {
        if (!copy_writer_row(&cs->writer, cs->ts, values, &cs->filebuf, err))
            return false;
        return cs->filebuf.len < FILE_CHUNK || flush_file(cs, err);
    }
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'd');
    if (!copy_writer_row(&cs->writer, cs->ts, values, out, err)) {
        out->len = m;
        if (out->data)
            out->data[m] = 0;
        return false;
    }
    msg_end(out, m);
    return true;
}

bool copy_out_end(proto_session *s, pg_error *err)
{
    copy_state *cs = s->copy;
    bool ok = true;
    if (cs->fd >= 0) {
        copy_writer_finish(&cs->writer, &cs->filebuf);
        ok = flush_file(cs, err);
        if (ok && close(cs->fd) != 0) {
            pg_error_set(err, "58030", "could not close file \"%s\": %s", cs->spec->filename, strerror(errno));
            ok = false;
        }
        cs->fd = -1;
    } else {
        strbuf *out = net_conn_output(s->conn);
        size_t m = msg_begin(out, 'd');
        size_t before = out->len;
        copy_writer_finish(&cs->writer, out);
        if (out->len > before)
            msg_end(out, m);
        else
            out->len = m;
        reply_simple(s, 'c');
        if (out->failed) {
            pg_error_oom(err);
            ok = false;
        }
    }
    copy_state_destroy(s);
    return ok;
}
