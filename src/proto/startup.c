/*
 * startup.c — everything before the first ReadyForQuery: the startup packet and its cousins
 * (SSLRequest, GSSENCRequest, CancelRequest), protocol version negotiation, authentication,
 * and the session's opening messages (ParameterStatus, BackendKeyData).
 *
 * What PostgreSQL 15 does on bad input is copied exactly: a startup packet with an absurd
 * length is dropped without a reply; a v2 client gets its error in the v2 format; an
 * unknown database gets AuthenticationOk and then FATAL 3D000.
 */
#include "proto/proto_internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STARTUP_PARAMS 64

/* An address as inet_*_addr() prints it; NULL for a Unix socket. */
static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t size, int *port)
{
    *port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        *port = ntohs(in->sin_port);
        return inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size);
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        *port = ntohs(in6->sin6_port);
        return inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)size);
    }
    return NULL;
}

static void negotiate_protocol(proto_session *s, int minor, const char *const *unknown, int nunknown)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'v');
    /* PostgreSQL 15 sends its whole latest protocol code here (3.0 = 196608). */
    msg_put_int32(out, PROTO_VERSION_3_0);
    msg_put_int32(out, nunknown);
    for (int i = 0; i < nunknown; i++)
        msg_put_string(out, unknown[i]);
    msg_end(out, m);
    UNUSED(minor);
}

/* A v2 client cannot read a v3 ErrorResponse: 'E', the text, NUL. */
static void v2_error(proto_session *s, const char *fmt, ...)
{
    strbuf *out = net_conn_output(s->conn);
    strbuf_putc(out, 'E');
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(out, fmt, ap);
    va_end(ap);
    strbuf_putc(out, 0);
    s->state = SESSION_CLOSING;
}

static void send_opening(proto_session *s)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'R');
    msg_put_int32(out, 0);   /* AuthenticationOk */
    msg_end(out, m);
}

static void send_session_parameters(proto_session *s)
{
    sql_param_status params[32];
    size_t n = sql_session_reported_params(s->sql, params, ARRAY_LEN(params));
    for (size_t i = 0; i < n; i++)
        reply_parameter_status(s, params[i].name, params[i].value);
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'K');
    msg_put_int32(out, s->pid);
    msg_put_int32(out, (int32_t)s->secret);
    msg_end(out, m);
}

static step_result start_session(proto_session *s, msg_reader *r, int minor)
{
    const char *names[MAX_STARTUP_PARAMS], *values[MAX_STARTUP_PARAMS];
    const char *unknown_options[MAX_STARTUP_PARAMS];
    int n = 0, nunknown = 0;
    const char *user = NULL, *database = NULL;
    for (;;) {
        const char *name = msg_get_string(r);
        if (!name) {
            reply_fatal(s, "08P01", "invalid startup packet layout: expected terminator as last byte");
            return STEP_CLOSE;
        }
        if (!*name)
            break;
        const char *value = msg_get_string(r);
        if (!value) {
            reply_fatal(s, "08P01", "invalid startup packet layout: expected terminator as last byte");
            return STEP_CLOSE;
        }
        if (strcmp(name, "user") == 0)
            user = value;
        else if (strcmp(name, "database") == 0)
            database = value;
        else if (strncmp(name, "_pq_.", 5) == 0) {
            if (nunknown < MAX_STARTUP_PARAMS)
                unknown_options[nunknown++] = name;
        } else {
            if (n >= MAX_STARTUP_PARAMS) {
                reply_fatal(s, "08P01", "too many startup parameters");
                return STEP_CLOSE;
            }
            names[n] = name;
            values[n] = value;
            n++;
        }
    }
    if (msg_remaining(r) != 0) {
        reply_fatal(s, "08P01", "invalid startup packet layout: expected terminator as last byte");
        return STEP_CLOSE;
    }
    if (minor > 0 || nunknown > 0)
        negotiate_protocol(s, minor, unknown_options, nunknown);
    if (!user || !*user) {
        reply_fatal(s, "28000", "no PostgreSQL user name specified in startup packet");
        return STEP_CLOSE;
    }
    proto_server *srv = s->srv;
    if (atomic_load(&srv->shutting_down)) {
        reply_fatal(s, "57P03", "the database system is shutting down");
        return STEP_CLOSE;
    }
    if (atomic_load(&srv->session_count) > srv->cfg.max_connections) {
        reply_fatal(s, "53300", "sorry, too many clients already");
        return STEP_CLOSE;
    }
    s->user = strdup(user);
    s->database = strdup(database && *database ? database : user);
    if (!s->user || !s->database) {
        reply_fatal(s, "53200", "out of memory");
        return STEP_CLOSE;
    }
    /* Authentication: trust (access rules and passwords come with the security layer). */
    send_opening(s);
    char client_buf[64], server_buf[64];
    int client_port, server_port;
    const char *client_addr = addr_text(net_conn_peer_addr(s->conn), client_buf, sizeof client_buf, &client_port);
    const char *server_addr = addr_text(net_conn_local_addr(s->conn), server_buf, sizeof server_buf, &server_port);
    sql_startup st = {
        .user = s->user,
        .database = s->database,
        .names = names,
        .values = values,
        .count = n,
        .backend_pid = s->pid,
        .client_addr = client_addr,
        .client_port = client_port,
        .server_addr = server_addr,
        .server_port = server_port,
    };
    pg_error err = {0};
    if (!sql_session_create(srv->sql, &st, &s->sql, &err)) {
        err.severity = PG_SEVERITY_FATAL;
        reply_error(s, &err);
        pg_error_clear(&err);
        s->state = SESSION_CLOSING;
        return STEP_CLOSE;
    }
    session_install_hooks(s);
    send_session_parameters(s);
    session_log(s, LOG_LEVEL_LOG, "connection authorized: user=%s database=%s%s%s", s->user, s->database,
                sql_session_application_name(s->sql)[0] ? " application_name=" : "",
                sql_session_application_name(s->sql));
    s->state = SESSION_READY;
    reply_ready_for_query(s);
    return STEP_CONTINUE;
}

step_result startup_process(proto_session *s)
{
    strbuf *in = net_conn_input(s->conn);
    if (in->len < 4)
        return STEP_NEED_INPUT;
    uint32_t len = msg_read_be32(in->data);
    if (len < 8 || len > PROTO_MAX_STARTUP_PACKET) {
        session_log(s, LOG_LEVEL_LOG, "invalid length of startup packet");
        return STEP_CLOSE;
    }
    if (in->len < len)
        return STEP_NEED_INPUT;
    uint32_t code = msg_read_be32(in->data + 4);
    msg_reader r;
    msg_reader_init(&r, in->data + 8, len - 8);
    step_result result = STEP_CONTINUE;
    if (code == PROTO_SSL_REQUEST || code == PROTO_GSSENC_REQUEST) {
        if (len != 8) {
            session_log(s, LOG_LEVEL_LOG, "invalid length of startup packet");
            return STEP_CLOSE;
        }
        strbuf_putc(net_conn_output(s->conn), 'N');
    } else if (code == PROTO_CANCEL_REQUEST) {
        if (len == 16) {
            int pid = msg_get_int32(&r);
            uint32_t secret = (uint32_t)msg_get_int32(&r);
            proto_cancel(s->srv, pid, secret);
        }
        result = STEP_CLOSE;
    } else {
        int major = (int)(code >> 16), minor = (int)(code & 0xFFFF);
        if (major < 3) {
            v2_error(s, "FATAL:  unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor);
            result = STEP_CLOSE;
        } else if (major > 3) {
            reply_fatal(s, "0A000", "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor);
            result = STEP_CLOSE;
        } else {
            result = start_session(s, &r, minor);
        }
    }
    strbuf_consume(in, len);
    return result;
}
