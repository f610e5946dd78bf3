/*
 * session.c — one client connection's life: the net handler callbacks and the main loop
 * (postgres.c's PostgresMain in spirit): continue suspended work, read a message, dispatch it
 * to its function, flush when the client must see the result.
 *
 * Message limits are PostgreSQL's: Query, Parse, Bind, CopyData and FunctionCall up to
 * max_message_size; every other message up to 10000 bytes.  A length outside the limits
 * closes the connection without a reply (PostgreSQL logs "invalid message length").
 */
#include "proto/copy.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

void session_log(proto_session *s, log_level level, const char *fmt, ...)
{
    logger *log = s->srv->log;
    if (!log || level < log->min_level)
        return;
    char line[1600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_line(log, level, s->pid, "%s", line);
}

void session_set_busy(proto_session *s, bool busy)
{
    if (s->busy == busy || !s->sql)
        return;
    s->busy = busy;
    sql_session_set_busy(s->sql, busy);
}

bool session_output_full(proto_session *s)
{
    return net_conn_output(s->conn)->len >= s->srv->cfg.output_flush_threshold;
}

static void engine_ready(void *arg)
{
    net_conn_wake(arg);
}

static void notification_ready(void *arg)
{
    net_conn_wake(arg);
}

/* ---------------------------------------------------------------- net callbacks */

static void *on_accept(net_conn *conn, void *arg)
{
    proto_server *srv = arg;
    proto_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->srv = srv;
    s->conn = conn;
    s->state = SESSION_STARTUP;
    s->started_us = clock_monotonic_us();
    hashmap_init(&s->portals);
    strbuf_init(&s->scratch);
    strbuf_init(&s->param_scratch);
    if (RAND_bytes((unsigned char *)&s->secret, sizeof s->secret) != 1)
        s->secret = (uint32_t)clock_realtime_us();
    s->pid = proto_register_session(srv, s);
    if (srv->cfg.log_connections) {
        if (net_conn_kind(conn) == NET_LISTENER_UNIX)
            session_log(s, LOG_LEVEL_LOG, "connection received: host=[local]");
        else
            session_log(s, LOG_LEVEL_LOG, "connection received: host=%s port=%d", net_conn_peer_host(conn),
                        net_conn_peer_port(conn));
    }
    return s;
}

static void on_close(net_conn *conn, void *arg)
{
    proto_session *s = arg;
    (void)conn;
    if (!s)
        return;
    copy_state_destroy(s);
    /* Out of the registry first: the cancel path and the tick must not see a session whose
     * SQL session is being destroyed. */
    proto_unregister_session(s->srv, s);
    if (s->counted_backend)
        atomic_fetch_sub(&s->srv->backend_count, 1);
    auth_exchange_free(s);
    startup_free(s);
    portals_close_all(s);
    if (s->portal)
        sql_portal_close(s->portal);
    if (s->plan)
        sql_plan_unref(s->plan);
    free(s->query_text);
    free(s->spans);
    if (s->sql) {
        int64_t elapsed = clock_monotonic_us() - s->started_us;
        if (s->srv->cfg.log_disconnections)
            session_log(s, LOG_LEVEL_LOG,
                        "disconnection: session time: %lld:%02lld:%02lld.%03lld user=%s database=%s host=%s port=%d",
                        (long long)(elapsed / 3600000000LL), (long long)(elapsed / 60000000LL % 60),
                        (long long)(elapsed / 1000000LL % 60), (long long)(elapsed / 1000 % 1000), s->user,
                        s->database, net_conn_peer_host(s->conn), net_conn_peer_port(s->conn));
        sql_session_destroy(s->sql);
    }
    hashmap_free(&s->portals);
    strbuf_free(&s->scratch);
    strbuf_free(&s->param_scratch);
    free(s->user);
    free(s->database);
    free(s);
}

/* ---------------------------------------------------------------- messages */

/* The largest length word accepted for a message type (it counts itself), or 0 for a type
 * the server does not know (PostgreSQL's SocketBackend). */
static size_t message_limit(proto_session *s, char type)
{
    switch (type) {
    case 'Q':
    case 'P':
    case 'B':
    case 'F':
    case 'd':
        return s->srv->cfg.max_message_size;
    case 'C':
    case 'D':
    case 'E':
    case 'H':
    case 'S':
    case 'X':
    case 'c':
    case 'f':
        return PROTO_SMALL_MESSAGE_LIMIT;
    default:
        return 0;
    }
}

typedef enum { MSG_NEED_MORE, MSG_READY, MSG_BAD, MSG_UNKNOWN } msg_state;

static msg_state next_message(proto_session *s, char *type, msg_reader *r, size_t *total)
{
    strbuf *in = net_conn_input(s->conn);
    if (in->len < 1)
        return MSG_NEED_MORE;
    *type = in->data[0];
    size_t limit = message_limit(s, *type);
    /* The type is judged before the length, as PostgreSQL does. */
    if (!limit)
        return MSG_UNKNOWN;
    if (in->len < 5)
        return MSG_NEED_MORE;
    uint32_t len = msg_read_be32(in->data + 1);
    if (len < 4 || len > limit) {
        session_log(s, LOG_LEVEL_LOG, "invalid message length");
        return MSG_BAD;
    }
    if (in->len < (size_t)len + 1)
        return MSG_NEED_MORE;
    msg_reader_init(r, in->data + 5, len - 4);
    *total = (size_t)len + 1;
    return MSG_READY;
}

static void dispatch(proto_session *s, char type, msg_reader *r)
{
    if (s->ignore_until_sync && type != 'S') {
        if (type == 'X')
            s->state = SESSION_CLOSING;
        return;
    }
    switch (type) {
    case 'Q': {
        const char *text = msg_get_string(r);
        if (!text || !msg_end_of_message(r)) {
            pg_error err = {0};
            pg_error_set(&err, "08P01", "%s", r->error ? r->error : "invalid message format");
            reply_error(s, &err);
            pg_error_clear(&err);
            reply_ready_for_query(s);
            return;
        }
        query_begin(s, text);
        return;
    }
    case 'P': extended_parse(s, r); return;
    case 'B': extended_bind(s, r); return;
    case 'D': extended_describe(s, r); return;
    case 'E': extended_execute(s, r); return;
    case 'C': extended_close(s, r); return;
    case 'S':
        s->ignore_until_sync = false;
        if (!msg_end_of_message(r)) {
            pg_error err = {0};
            pg_error_set(&err, "08P01", "invalid message format");
            reply_error(s, &err);
            pg_error_clear(&err);
        }
        extended_sync(s);
        return;
    case 'H': extended_flush(s); return;
    case 'X':
        s->state = SESSION_CLOSING;
        return;
    case 'd':
    case 'c':
    case 'f':
        /* COPY messages outside COPY are ignored, as PostgreSQL does. */
        return;
    case 'F': {
        pg_error err = {0};
        pg_error_set(&err, "0A000", "the fastpath function call protocol is not supported");
        extended_error(s, &err);
        return;
    }
    default:
        reply_fatal(s, "08P01", "invalid frontend message type %d", (int)(unsigned char)type);
        return;
    }
}

/* ---------------------------------------------------------------- the loop */

static net_next flush_and_wait(proto_session *s, bool want_read)
{
    net_io io = net_conn_flush(s->conn);
    if (io == NET_IO_ERROR)
        return NET_CLOSE;
    if (io == NET_IO_AGAIN)
        return NET_WANT_WRITE;
    return want_read ? NET_WANT_READ : NET_WANT_WRITE;
}

static bool deadline_passed(proto_session *s)
{
    if (!atomic_load(&s->terminate))
        return false;
    switch (atomic_load(&s->terminate_reason)) {
    case TERMINATE_IDLE_IN_TRANSACTION:
        reply_fatal(s, "25P03", "terminating connection due to idle-in-transaction timeout");
        break;
    case TERMINATE_SHUTDOWN:
        reply_fatal(s, "57P01", "terminating connection due to administrator command");
        break;
    case TERMINATE_AUTH_TIMEOUT:
        /* PostgreSQL logs it and tells the client nothing (authentication in progress). */
        log_line(s->srv->log, LOG_LEVEL_FATAL, s->pid, "57014: canceling authentication due to timeout");
        break;
    case TERMINATE_STARTUP_TIMEOUT:
    default:
        break;   /* PostgreSQL's StartupPacketTimeoutHandler exits without a word */
    }
    s->state = SESSION_CLOSING;
    return true;
}

static net_next on_ready(net_conn *conn, void *arg)
{
    proto_session *s = arg;
    (void)conn;
    for (;;) {
        if (s->state == SESSION_CLOSING) {
            net_conn_flush(s->conn);
            return NET_CLOSE;
        }
        if (s->work != WORK_NONE && !copy_in_active(s)) {
            atomic_store(&s->idle_since_us, 0);
            work_result r = s->work == WORK_SIMPLE_QUERY ? query_continue(s) : extended_continue(s);
            if (r == WORK_WAIT_ENGINE) {
                net_conn_flush(s->conn);
                return NET_PARKED;
            }
            if (r == WORK_OUTPUT_FULL) {
                net_io io = net_conn_flush(s->conn);
                if (io == NET_IO_ERROR)
                    return NET_CLOSE;
                if (io == NET_IO_AGAIN && net_conn_output(s->conn)->len >= s->srv->cfg.output_high_water)
                    return NET_WANT_WRITE;
                continue;
            }
            continue;
        }
        if (deadline_passed(s))
            continue;
        if (net_conn_output(s->conn)->len >= s->srv->cfg.output_high_water) {
            net_io io = net_conn_flush(s->conn);
            if (io == NET_IO_ERROR)
                return NET_CLOSE;
            if (io == NET_IO_AGAIN)
                return NET_WANT_WRITE;
        }
        if (s->state != SESSION_READY) {
            step_result st = startup_process(s);
            if (st == STEP_CLOSE) {
                s->state = SESSION_CLOSING;
                continue;
            }
            if (st == STEP_CONTINUE)
                continue;
            if (st == STEP_WAIT_READ || st == STEP_WAIT_WRITE)
                return st == STEP_WAIT_READ ? NET_WANT_READ : NET_WANT_WRITE;
        } else if (copy_in_active(s)) {
            /* COPY FROM STDIN: the input is COPY data until it ends (copy.c). */
            copy_in_result cr = copy_in_input(s);
            if (cr == COPY_IN_CLOSE)
                return NET_CLOSE;
            if (cr == COPY_IN_PROGRESS)
                continue;
        } else {
            char type;
            msg_reader r;
            size_t total;
            msg_state m = next_message(s, &type, &r, &total);
            if (m == MSG_BAD)
                return NET_CLOSE;
            if (m == MSG_UNKNOWN) {
                reply_fatal(s, "08P01", "invalid frontend message type %d", (int)(unsigned char)type);
                continue;
            }
            if (m == MSG_READY) {
                atomic_store(&s->idle_since_us, 0);
                s->sent_ready = false;
                session_set_busy(s, true);
                dispatch(s, type, &r);
                strbuf_consume(net_conn_input(s->conn), total);
                continue;
            }
        }
        /* Need more input: read, or wait for it with everything sent (without reading
         * when the last read already found the socket empty: one recv per query less). */
        if (!net_conn_input_drained(s->conn)) {
            net_io io = net_conn_read(s->conn);
            if (io == NET_IO_OK)
                continue;
            if (io == NET_IO_EOF || io == NET_IO_ERROR)
                return NET_CLOSE;
        }
        if (s->sent_ready && s->sql && sql_session_transaction_status(s->sql) == 'I')
            reply_notifications(s);
        /* Waiting for the client (PostgreSQL's DoingCommandRead): cancels are dropped. */
        session_set_busy(s, false);
        return flush_and_wait(s, true);
    }
}

net_handler proto_net_handler(proto_server *p)
{
    net_handler h = {
        .on_accept = on_accept,
        .on_ready = on_ready,
        .on_close = on_close,
        .on_tick = proto_on_tick,
        .on_signal = proto_on_signal,
        .arg = p,
    };
    return h;
}

/* Give a fresh SQL session its waker hooks (called once the session exists). */
void session_install_hooks(proto_session *s)
{
    sql_session_set_waiter(s->sql, engine_ready, s->conn);
    sql_session_set_notify_waker(s->sql, notification_ready, s->conn);
    sql_session_set_portal_lookup(s->sql, extended_portal_exists, s);
}
