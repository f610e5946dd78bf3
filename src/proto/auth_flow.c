/*
 * auth_flow.c — client authentication as PostgreSQL's ClientAuthentication does it, made
 * resumable for the event loop: choose the pg_hba.conf line, check the client certificate,
 * run the method's messages (cleartext password, MD5, SASL SCRAM-SHA-256[-PLUS]), then hand
 * over to startup.c (AuthenticationOk and the session) or end with PostgreSQL's FATAL.
 *
 * Called by startup.c once the startup packet is read (auth_begin) and by the session loop
 * for every message while the session is in SESSION_AUTH (auth_process).
 *
 * Invariants:
 * - An unknown user takes the same path as a known one (mock SCRAM secret, dummy MD5 and
 *   password work in auth_*.c) and gets the same message; the reason goes to the log only.
 * - Every client byte is read through msg_reader (bounds-checked), and a password or SASL
 *   message is wiped from the input buffer once it has been used.
 * - A client that disconnects in the middle (libpq does, to ask its user for a password)
 *   is not logged, as PostgreSQL's STATUS_EOF.
 * - Nothing secret reaches the log: messages and details name users and pg_hba.conf lines.
 * - Under odbc_login = client, the `password` method asks the engine about a user the users
 *   file does not know (an engine login); a user in the file is checked against the file
 *   only, with the same mock and timing properties as without the engine.
 */
#include "proto/proto_internal.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* AuthenticationRequest codes (protocol.sgml). */
enum {
    AUTH_REQ_OK = 0,
    AUTH_REQ_PASSWORD = 3,
    AUTH_REQ_MD5 = 5,
    AUTH_REQ_SASL = 10,
    AUTH_REQ_SASL_CONT = 11,
    AUTH_REQ_SASL_FIN = 12,
};

struct auth_exchange {
    auth_config *cfg;              /* a reference: reloads do not change it under us */
    const hba_rule *rule;          /* the matching line, inside cfg->hba */
    hba_request req;
    auth_challenge challenge;
    const char *stored;            /* the user's verifier in cfg->users, NULL if none */
    uint8_t md5_salt[MD5_SALT_LEN];
    scram_state *scram;            /* after SASLInitialResponse */
    strbuf logdetail;              /* why it failed, for the server log only */
};

void auth_exchange_free(proto_session *s)
{
    auth_exchange *a = s->auth;
    if (!a)
        return;
    scram_free(a->scram);
    strbuf_free(&a->logdetail);
    auth_config_release(a->cfg);
    free(a);
    s->auth = NULL;
}

static void send_auth_request(proto_session *s, int32_t code, const void *data, size_t len)
{
    strbuf *out = net_conn_output(s->conn);
    size_t m = msg_begin(out, 'R');
    msg_put_int32(out, code);
    if (len)
        msg_put_bytes(out, data, len);
    msg_end(out, m);
}

static step_result fatal(proto_session *s, pg_error *err)
{
    err->severity = PG_SEVERITY_FATAL;
    reply_error(s, err);
    pg_error_clear(err);
    s->state = SESSION_CLOSING;
    return STEP_CLOSE;
}

static step_result protocol_violation(proto_session *s, const char *message)
{
    pg_error err = {0};
    pg_error_set(&err, "08P01", "%s", message);
    return fatal(s, &err);
}

static hba_client_cert client_cert(proto_session *s)
{
    net_tls_peer peer;
    net_conn_tls_peer(s->conn, &peer);
    hba_client_cert cert = {
        .ca_loaded = peer.ca_loaded,
        .present = peer.valid,
        .cn = peer.cn,
        .dn = peer.dn,
    };
    return cert;
}

/* auth_failed(): the method's FATAL for the client, the reason and the line for the log. */
static step_result auth_failed(proto_session *s)
{
    auth_exchange *a = s->auth;
    pg_error err = {0};
    auth_failed_error(&err, a->rule->method, s->user);
    hba_matched_line_detail(a->rule, &a->logdetail);
    reply_error(s, &err);
    if (!a->logdetail.failed)
        log_line_labeled(s->srv->log, LOG_LEVEL_FATAL, "DETAIL", s->pid, "%s", a->logdetail.data);
    pg_error_clear(&err);
    s->state = SESSION_CLOSING;
    return STEP_CLOSE;
}

/* The method said yes or no; clientcert=verify-full and cert still match the name. */
static step_result finish(proto_session *s, bool ok)
{
    auth_exchange *a = s->auth;
    const hba_rule *rule = a->rule;
    if (ok && (rule->clientcert == HBA_CLIENTCERT_VERIFY_FULL || rule->method == HBA_CERT)) {
        hba_client_cert cert = client_cert(s);
        pg_error err = {0};
        auth_result r = hba_check_client_cert(rule, s->user, &cert, true, &a->logdetail, &err);
        if (r == AUTH_ERROR)
            return fatal(s, &err);
        ok = r == AUTH_OK;
    }
    if (!ok)
        return auth_failed(s);
    if (s->srv->cfg.log_connections && rule->method != HBA_TRUST) {
        net_tls_peer peer;
        net_conn_tls_peer(s->conn, &peer);
        const char *identity = s->user;
        if (rule->method == HBA_CERT)
            identity = rule->clientname == HBA_CLIENTNAME_DN ? peer.dn : peer.cn;
        session_log(s, LOG_LEVEL_LOG, "connection authenticated: identity=\"%s\" method=%s (%s:%d)",
                    identity ? identity : "", hba_method_name(rule->method),
                    a->cfg->hba->file_name, rule->line_number);
    }
    auth_exchange_free(s);
    return startup_authenticated(s);
}

/* ---------------------------------------------------------------- the first step */

static step_result send_challenge(proto_session *s)
{
    auth_exchange *a = s->auth;
    pg_error err = {0};
    switch (a->challenge) {
    case AUTH_CHALLENGE_CLEARTEXT:
        send_auth_request(s, AUTH_REQ_PASSWORD, NULL, 0);
        return STEP_CONTINUE;   /* auth_process reads the answer */
    case AUTH_CHALLENGE_MD5:
        if (!md5_make_salt(a->md5_salt, &err))
            return fatal(s, &err);
        send_auth_request(s, AUTH_REQ_MD5, a->md5_salt, sizeof a->md5_salt);
        return STEP_CONTINUE;   /* auth_process reads the answer */
    case AUTH_CHALLENGE_SCRAM: {
        size_t cbind_len = 0;
        bool plus = net_conn_tls_endpoint(s->conn, &cbind_len) != NULL && cbind_len > 0;
        strbuf list;
        strbuf_init(&list);
        for (const char *const *m = scram_mechanisms(plus); *m; m++)
            strbuf_append(&list, *m, strlen(*m) + 1);
        strbuf_putc(&list, 0);
        if (list.failed) {
            strbuf_free(&list);
            pg_error_oom(&err);
            return fatal(s, &err);
        }
        send_auth_request(s, AUTH_REQ_SASL, list.data, list.len);
        strbuf_free(&list);
        return STEP_CONTINUE;   /* auth_process reads the answer */
    }
    case AUTH_CHALLENGE_NONE:
        break;
    }
    return finish(s, false);
}

step_result auth_begin(proto_session *s)
{
    auth_exchange *a = calloc(1, sizeof *a);
    if (!a) {
        pg_error err = {0};
        pg_error_oom(&err);
        return fatal(s, &err);
    }
    s->auth = a;
    s->state = SESSION_AUTH;
    atomic_store(&s->phase, PHASE_AUTH);
    strbuf_init(&a->logdetail);
    a->cfg = auth_config_get(s->srv);
    bool local = net_conn_kind(s->conn) == NET_LISTENER_UNIX;
    a->req = (hba_request){
        .is_local = local,
        .is_ssl = net_conn_is_tls(s->conn),
        .addr = local ? NULL : (const struct sockaddr *)net_conn_peer_addr(s->conn),
        .addr_len = local ? 0 : sizeof(struct sockaddr_storage),
        .database = s->database,
        .user = s->user,
    };
    pg_error err = {0};
    a->rule = hba_match(a->cfg->hba, &a->req);
    if (!a->rule) {
        hba_no_entry_error(&err, &a->req);
        return fatal(s, &err);
    }
    if (a->rule->method == HBA_REJECT) {
        hba_reject_error(&err, &a->req);
        return fatal(s, &err);
    }
    if (a->rule->clientcert != HBA_CLIENTCERT_OFF) {
        hba_client_cert cert = client_cert(s);
        if (hba_check_client_cert(a->rule, s->user, &cert, false, NULL, &err) != AUTH_OK)
            return fatal(s, &err);
    }
    if (a->rule->method == HBA_TRUST || a->rule->method == HBA_CERT)
        return finish(s, true);
    a->stored = a->cfg->users ? users_file_lookup(a->cfg->users, s->user) : NULL;
    a->challenge = auth_choose_challenge(a->rule->method, a->stored, a->cfg->password_encryption);
    /* The password and MD5 checks say it themselves; the SCRAM mock does not. */
    if (!a->stored && a->challenge == AUTH_CHALLENGE_SCRAM)
        strbuf_printf(&a->logdetail, "Role \"%s\" does not exist.", s->user);
    return send_challenge(s);
}

/* ---------------------------------------------------------------- client messages */

/* PasswordMessage for the cleartext and MD5 challenges (recv_password_packet). */
static step_result password_message(proto_session *s, msg_reader *r)
{
    auth_exchange *a = s->auth;
    const char *text = r->data;
    size_t n = r->len;
    if (n == 0 || memchr(text, 0, n) != text + n - 1)
        return protocol_violation(s, "invalid password packet size");
    if (n == 1) {
        pg_error err = {0};
        pg_error_set(&err, "28P01", "empty password returned by client");
        return fatal(s, &err);
    }
    pg_error err = {0};
    auth_result result;
    if (a->challenge == AUTH_CHALLENGE_MD5) {
        result = md5_verify_response(s->user, a->stored, a->md5_salt, text, n - 1, &a->logdetail,
                                     &err);
    } else if (!a->stored && a->rule->method == HBA_PASSWORD &&
               sql_server_engine_checks_passwords(s->srv->sql)) {
        /* odbc_login = client: the engine is the authority for a user the users file does
         * not know (docs/security.md).  Its reason goes to the log only; the client hears
         * the same FATAL as for a wrong password. */
        if (sql_server_engine_check_password(s->srv->sql, s->user, text, &a->logdetail, &err))
            result = AUTH_OK;
        else
            result = pg_error_is_set(&err) ? AUTH_ERROR : AUTH_FAILED;
        if (result == AUTH_OK && !(s->client_password = strdup(text))) {
            pg_error_oom(&err);
            result = AUTH_ERROR;
        }
    } else if (!a->stored) {
        /* An unknown user costs what a real one does: a mock secret with scram_iterations
         * (password_verify_plain's own dummy work uses the default count). */
        scram_secret mock;
        char mock_text[SCRAM_SECRET_TEXT_MAX];
        scram_secret_mock(s->user, s->srv->mock_nonce, s->srv->mock_nonce_len,
                          a->cfg->scram_iterations, &mock);
        scram_secret_format(&mock, mock_text);
        result = password_verify_plain(s->user, mock_text, text, NULL, &err);
        if (result != AUTH_ERROR)
            result = AUTH_FAILED;
        strbuf_printf(&a->logdetail, "Role \"%s\" does not exist.", s->user);
    } else {
        result = password_verify_plain(s->user, a->stored, text, &a->logdetail, &err);
        /* The password method gives the engine the client's own credentials (IRIS). */
        if (result == AUTH_OK && !(s->client_password = strdup(text))) {
            pg_error_oom(&err);
            result = AUTH_ERROR;
        }
    }
    if (result == AUTH_ERROR)
        return fatal(s, &err);
    return finish(s, result == AUTH_OK);
}

/* SASLInitialResponse (mechanism, length or -1, data), then SASLResponse (data). */
static step_result sasl_message(proto_session *s, msg_reader *r)
{
    auth_exchange *a = s->auth;
    pg_error err = {0};
    const char *input;
    int32_t input_len;
    if (!a->scram) {
        const char *mechanism = msg_get_string(r);
        if (!mechanism)
            return protocol_violation(s, r->error ? r->error : "invalid string in message");
        size_t cbind_len = 0;
        const unsigned char *cbind = net_conn_tls_endpoint(s->conn, &cbind_len);
        scram_begin_args args = {
            .mechanism = mechanism,
            .user = s->user,
            .stored_secret = a->stored,
            .mock_nonce = s->srv->mock_nonce,
            .mock_nonce_len = s->srv->mock_nonce_len,
            .mock_iterations = a->cfg->scram_iterations,
            .channel_binding = cbind,
            .channel_binding_len = cbind ? cbind_len : 0,
        };
        if (!(a->scram = scram_begin(&args, &err)))
            return fatal(s, &err);
        input_len = msg_get_int32(r);
        input = NULL;
        if (!r->failed && input_len != -1)
            input = input_len >= 0 ? msg_get_bytes(r, (size_t)input_len) : NULL;
        if (r->failed || (input_len != -1 && !input))
            return protocol_violation(s, r->error ? r->error : "insufficient data left in message");
    } else {
        input_len = (int32_t)r->len;
        input = msg_get_bytes(r, r->len);
    }
    if (!msg_end_of_message(r))
        return protocol_violation(s, r->error ? r->error : "invalid message format");
    strbuf reply;
    strbuf_init(&reply);
    scram_exchange_result result =
        scram_exchange(a->scram, input, input_len < 0 ? 0 : (size_t)input_len, &reply, &err);
    if (reply.failed && result != SCRAM_EXCHANGE_ERROR) {
        pg_error_oom(&err);
        result = SCRAM_EXCHANGE_ERROR;
    }
    step_result step = STEP_CONTINUE;
    switch (result) {
    case SCRAM_EXCHANGE_CONTINUE:
        send_auth_request(s, AUTH_REQ_SASL_CONT, reply.data, reply.len);
        break;
    case SCRAM_EXCHANGE_SUCCESS:
        send_auth_request(s, AUTH_REQ_SASL_FIN, reply.data, reply.len);
        step = finish(s, true);
        break;
    case SCRAM_EXCHANGE_FAILURE: {
        const char *why = scram_logdetail(a->scram);
        if (why) {
            if (a->logdetail.len)
                strbuf_putc(&a->logdetail, '\n');
            strbuf_puts(&a->logdetail, why);
        }
        step = finish(s, false);
        break;
    }
    case SCRAM_EXCHANGE_ERROR:
        step = fatal(s, &err);
        break;
    }
    strbuf_free(&reply);
    return step;
}

step_result auth_process(proto_session *s)
{
    auth_exchange *a = s->auth;
    strbuf *in = net_conn_input(s->conn);
    if (in->len < 1)
        return STEP_NEED_INPUT;
    bool sasl = a->challenge == AUTH_CHALLENGE_SCRAM;
    unsigned char type = (unsigned char)in->data[0];
    if (type != 'p') {
        pg_error err = {0};
        pg_error_set(&err, "08P01", "expected %s response, got message type %d",
                     sasl ? "SASL" : "password", (int)type);
        return fatal(s, &err);
    }
    if (in->len < 5)
        return STEP_NEED_INPUT;
    uint32_t len = msg_read_be32(in->data + 1);
    if (len < 4 || len - 4 > PROTO_MAX_AUTH_TOKEN_LENGTH) {
        session_log(s, LOG_LEVEL_LOG, "invalid message length");
        return STEP_CLOSE;
    }
    if (in->len < (size_t)len + 1)
        return STEP_NEED_INPUT;
    msg_reader r;
    msg_reader_init(&r, in->data + 5, len - 4);
    step_result step = sasl ? sasl_message(s, &r) : password_message(s, &r);
    OPENSSL_cleanse(in->data, (size_t)len + 1);
    strbuf_consume(in, (size_t)len + 1);
    return step;
}
