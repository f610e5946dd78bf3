/*
 * startup.c — everything before the first ReadyForQuery: the startup packet and its cousins
 * (SSLRequest, GSSENCRequest, CancelRequest, and a PostgreSQL 17 direct-TLS ClientHello),
 * the TLS handshake, protocol version negotiation, the connection limits, and, once
 * auth_flow.c has authenticated the client, the session's opening messages.
 *
 * What PostgreSQL does is copied exactly (postmaster.c's ProcessStartupPacket and
 * ProcessSSLStartup): a startup packet with an absurd length is dropped without a reply; a
 * v2 client gets its error in the v2 format; SSLRequest is answered 'S' only on TCP with
 * TLS configured; bytes sent before the TLS handshake after an SSLRequest are refused
 * (CVE-2021-23214) once the handshake is done; a second SSLRequest, or a GSSENCRequest after
 * TLS, is an unsupported protocol version (FATAL 0A000); inside direct TLS an SSLRequest is
 * answered 'N'; an unknown database gets AuthenticationOk and then FATAL 3D000.
 */
#include "proto/proto_internal.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static void negotiate_protocol(proto_session *s, const char *const *unknown, int nunknown)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'v');
    /* PostgreSQL 15 sends its whole latest protocol code here (3.0 = 196608). */
    msg_put_int32(out, PROTO_VERSION_3_0);
    msg_put_int32(out, nunknown);
    for (int i = 0; i < nunknown; i++)
        msg_put_string(out, unknown[i]);
    msg_end(out, m);
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

static step_result fatal_error(proto_session *s, pg_error *err)
{
    err->severity = PG_SEVERITY_FATAL;
    reply_error(s, err);
    pg_error_clear(err);
    s->state = SESSION_CLOSING;
    return STEP_CLOSE;
}

/* A failure the client is not told about (PostgreSQL's COMMERROR): logged, then closed. */
static step_result comm_error(proto_session *s, pg_error *err)
{
    session_log(s, LOG_LEVEL_LOG, "%s", err->message ? err->message : "connection failure");
    if (err->detail)
        log_line_labeled(s->srv->log, LOG_LEVEL_LOG, "DETAIL", s->pid, "%s", err->detail);
    if (err->hint)
        log_line_labeled(s->srv->log, LOG_LEVEL_LOG, "HINT", s->pid, "%s", err->hint);
    pg_error_clear(err);
    return STEP_CLOSE;
}

void startup_free(proto_session *s)
{
    free(s->startup_packet);
    free(s->startup_names);
    free(s->startup_values);
    s->startup_packet = NULL;
    s->startup_names = s->startup_values = NULL;
    s->startup_count = 0;
    if (s->client_password) {
        OPENSSL_cleanse(s->client_password, strlen(s->client_password));
        free(s->client_password);
        s->client_password = NULL;
    }
}

/* ---------------------------------------------------------------- after authentication */

static void log_authorized(proto_session *s)
{
    const char *app = sql_session_application_name(s->sql);
    char tls[160] = "";
    if (net_conn_is_tls(s->conn))
        snprintf(tls, sizeof tls, " SSL enabled (protocol=%s, cipher=%s, bits=%d)",
                 net_conn_tls_version(s->conn), net_conn_tls_cipher(s->conn),
                 net_conn_tls_bits(s->conn));
    session_log(s, LOG_LEVEL_LOG, "connection authorized: user=%s database=%s%s%s%s", s->user,
                s->database, app[0] ? " application_name=" : "", app, tls);
}

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

step_result startup_authenticated(proto_session *s)
{
    proto_server *srv = s->srv;
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'R');
    msg_put_int32(out, 0);   /* AuthenticationOk */
    msg_end(out, m);
    pg_error err = {0};
    /* PostgreSQL checks the role's connection limit right after authentication. */
    if (!proto_count_user_session(srv, s, srv->cfg.max_connections_per_user)) {
        pg_error_set(&err, "53300", "too many connections for role \"%s\"", s->user);
        return fatal_error(s, &err);
    }
    char client_buf[64], server_buf[64];
    int client_port, server_port;
    const char *client_addr = addr_text(net_conn_peer_addr(s->conn), client_buf, sizeof client_buf, &client_port);
    const char *server_addr = addr_text(net_conn_local_addr(s->conn), server_buf, sizeof server_buf, &server_port);
    sql_startup st = {
        .user = s->user,
        .database = s->database,
        .names = s->startup_names,
        .values = s->startup_values,
        .count = s->startup_count,
        .backend_pid = s->pid,
        .password = s->client_password,
        .client_addr = client_addr,
        .client_port = client_port,
        .server_addr = server_addr,
        .server_port = server_port,
    };
    sql_session *sql = NULL;
    bool ok = sql_session_create(srv->sql, &st, &sql, &err);
    startup_free(s);   /* the SQL session copied what it needs; the password is wiped */
    if (!ok)
        return fatal_error(s, &err);
    pthread_mutex_lock(&srv->lock);
    s->sql = sql;
    pthread_mutex_unlock(&srv->lock);
    session_install_hooks(s);
    send_session_parameters(s);
    if (srv->cfg.log_connections)
        log_authorized(s);
    s->state = SESSION_READY;
    atomic_store(&s->phase, PHASE_READY);
    reply_ready_for_query(s);
    return STEP_CONTINUE;
}

/* ---------------------------------------------------------------- the startup packet */

/* Keep a copy of the packet (authentication may take several round trips) and read it:
 * user, database, _pq_ options, and everything else for the SQL session. */
static step_result start_session(proto_session *s, const char *body, size_t len, int minor)
{
    proto_server *srv = s->srv;
    int max_params = srv->cfg.max_startup_parameters;
    pg_error err = {0};
    const char **unknown = calloc((size_t)max_params, sizeof *unknown);
    s->startup_packet = malloc(len + 1);
    s->startup_names = calloc((size_t)max_params, sizeof *s->startup_names);
    s->startup_values = calloc((size_t)max_params, sizeof *s->startup_values);
    if (!unknown || !s->startup_packet || !s->startup_names || !s->startup_values) {
        free(unknown);
        pg_error_oom(&err);
        return fatal_error(s, &err);
    }
    memcpy(s->startup_packet, body, len);
    s->startup_packet[len] = 0;
    msg_reader r;
    msg_reader_init(&r, s->startup_packet, len);
    const char *user = NULL, *database = NULL;
    int nunknown = 0;
    for (;;) {
        const char *name = msg_get_string(&r);
        if (name && !*name)
            break;
        const char *value = name ? msg_get_string(&r) : NULL;
        if (!value) {
            pg_error_set(&err, "08P01", "invalid startup packet layout: expected terminator as last byte");
            break;
        }
        if (strcmp(name, "user") == 0) {
            user = value;
        } else if (strcmp(name, "database") == 0) {
            database = value;
        } else if (s->startup_count + nunknown >= max_params) {
            pg_error_set(&err, "08P01", "too many startup parameters");
            pg_error_detail(&err, "At most %d parameters are accepted (max_startup_parameters).",
                            max_params);
            break;
        } else if (strncmp(name, "_pq_.", 5) == 0) {
            unknown[nunknown++] = name;
        } else {
            s->startup_names[s->startup_count] = name;
            s->startup_values[s->startup_count++] = value;
        }
    }
    if (!pg_error_is_set(&err) && msg_remaining(&r) != 0)
        pg_error_set(&err, "08P01", "invalid startup packet layout: expected terminator as last byte");
    if (!pg_error_is_set(&err) && (minor > 0 || nunknown > 0))
        negotiate_protocol(s, unknown, nunknown);
    free(unknown);
    if (pg_error_is_set(&err))
        return fatal_error(s, &err);
    if (!user || !*user) {
        pg_error_set(&err, "28000", "no PostgreSQL user name specified in startup packet");
        return fatal_error(s, &err);
    }
    if (atomic_load(&srv->shutting_down)) {
        pg_error_set(&err, "57P03", "the database system is shutting down");
        return fatal_error(s, &err);
    }
    /* Like PostgreSQL's PGPROC slots: connections that are only negotiating TLS or sending
     * a CancelRequest do not take one. */
    s->counted_backend = true;
    if (atomic_fetch_add(&srv->backend_count, 1) >= srv->cfg.max_connections) {
        pg_error_set(&err, "53300", "sorry, too many clients already");
        return fatal_error(s, &err);
    }
    s->user = strdup(user);
    s->database = strdup(database && *database ? database : user);
    if (!s->user || !s->database) {
        pg_error_oom(&err);
        return fatal_error(s, &err);
    }
    return auth_begin(s);
}

/* ---------------------------------------------------------------- TLS */

static step_result unencrypted_data(proto_session *s, const char *after)
{
    pg_error err = {0};
    pg_error_set(&err, "08P01", "received unencrypted data after %s", after);
    pg_error_detail(&err, "This could be either a client-software bug or evidence of an "
                          "attempted man-in-the-middle attack.");
    return fatal_error(s, &err);
}

static step_result tls_handshake_step(proto_session *s)
{
    pg_error err = {0};
    switch (net_conn_tls_handshake(s->conn, &err)) {
    case NET_TLS_WANT_READ:
        return STEP_WAIT_READ;
    case NET_TLS_WANT_WRITE:
        return STEP_WAIT_WRITE;
    case NET_TLS_FAILED:
        return comm_error(s, &err);
    case NET_TLS_DONE:
        break;
    }
    s->state = SESSION_STARTUP;
    if (s->unencrypted_after_ssl)
        return unencrypted_data(s, "SSL request");
    return STEP_CONTINUE;
}

/* PostgreSQL 17's sslnegotiation=direct: the connection opens with a TLS ClientHello. */
static step_result direct_tls(proto_session *s)
{
    if (!net_conn_tls_available(s->conn)) {
        session_log(s, LOG_LEVEL_DEBUG, "direct SSL connection rejected");
        return STEP_CLOSE;
    }
    pg_error err = {0};
    if (!net_conn_tls_start(s->conn, true, &err))
        return comm_error(s, &err);
    /* TLS is on: a GSSENCRequest can no longer be honoured; an SSLRequest gets 'N'. */
    s->gss_done = true;
    s->state = SESSION_TLS;
    return STEP_CONTINUE;
}

static step_result ssl_request(proto_session *s)
{
    strbuf *in = net_conn_input(s->conn);
    bool accept = net_conn_tls_available(s->conn);
    strbuf_putc(net_conn_output(s->conn), accept ? 'S' : 'N');
    s->ssl_done = true;
    if (!accept)
        return in->len ? unencrypted_data(s, "SSL request") : STEP_CONTINUE;
    /* Bytes that came before the handshake were not encrypted: refuse them once the
     * channel is secure, as PostgreSQL does. */
    if (in->len) {
        s->unencrypted_after_ssl = true;
        strbuf_reset(in);
    }
    pg_error err = {0};
    if (!net_conn_tls_start(s->conn, false, &err))
        return comm_error(s, &err);
    s->gss_done = true;
    s->state = SESSION_TLS;
    return STEP_CONTINUE;
}

static step_result gssenc_request(proto_session *s)
{
    /* No GSSAPI in this server. */
    strbuf_putc(net_conn_output(s->conn), 'N');
    s->gss_done = true;
    if (net_conn_input(s->conn)->len)
        return unencrypted_data(s, "GSSAPI encryption request");
    return STEP_CONTINUE;
}

static void cancel_request(proto_session *s, msg_reader *r, uint32_t len)
{
    if (len != 16) {
        session_log(s, LOG_LEVEL_LOG, "invalid length of startup packet");
        return;
    }
    int pid = msg_get_int32(r);
    uint32_t secret = (uint32_t)msg_get_int32(r);
    if (pid != 0)
        proto_cancel(s->srv, pid, secret);
}

step_result startup_process(proto_session *s)
{
    if (s->state == SESSION_TLS)
        return tls_handshake_step(s);
    if (s->state == SESSION_AUTH)
        return auth_process(s);
    strbuf *in = net_conn_input(s->conn);
    if (!s->packet_seen && !net_conn_is_tls(s->conn)) {
        if (in->len < 1)
            return STEP_NEED_INPUT;
        /* 0x16 is a TLS handshake record; as a length it would be over 350 MB. */
        if ((unsigned char)in->data[0] == 0x16) {
            s->packet_seen = true;
            return direct_tls(s);
        }
    }
    if (in->len < 4)
        return STEP_NEED_INPUT;
    uint32_t len = msg_read_be32(in->data);
    if (len < 8 || len > s->srv->cfg.max_startup_packet_size) {
        session_log(s, LOG_LEVEL_LOG, "invalid length of startup packet");
        return STEP_CLOSE;
    }
    if (in->len < len)
        return STEP_NEED_INPUT;
    s->packet_seen = true;
    uint32_t code = msg_read_be32(in->data + 4);
    if ((code == PROTO_SSL_REQUEST && !s->ssl_done) || (code == PROTO_GSSENC_REQUEST && !s->gss_done)) {
        if (len != 8) {
            session_log(s, LOG_LEVEL_LOG, "invalid length of startup packet");
            return STEP_CLOSE;
        }
        strbuf_consume(in, len);
        return code == PROTO_SSL_REQUEST ? ssl_request(s) : gssenc_request(s);
    }
    msg_reader r;
    msg_reader_init(&r, in->data + 8, len - 8);
    step_result result;
    if (code == PROTO_CANCEL_REQUEST) {
        cancel_request(s, &r, len);
        result = STEP_CLOSE;
    } else {
        /* A second SSLRequest or GSSENCRequest lands here too: version 1234.5679. */
        int major = (int)(code >> 16), minor = (int)(code & 0xFFFF);
        if (major < 3) {
            v2_error(s, "FATAL:  unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor);
            result = STEP_CLOSE;
        } else if (major > 3) {
            reply_fatal(s, "0A000", "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor);
            result = STEP_CLOSE;
        } else {
            result = start_session(s, in->data + 8, len - 8, minor);
        }
    }
    /* The packet was copied (start_session) or used; nothing points into it now. */
    strbuf_consume(in, len);
    return result;
}
