/*
 * server.c — the protocol layer's server-wide state: the registry of sessions (process ids
 * and cancel keys), the authentication configuration (pg_hba.conf and the users file,
 * swapped on reload), CancelRequest, the periodic tick (startup, authentication and
 * idle-in-transaction timeouts, shutdown progress) and signals.
 */
#include "proto/proto_internal.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* What applies when no hba_file is configured: trust on the Unix socket and on loopback,
 * no entry (28000) for any other address, so that listen_addresses = '*' alone never opens
 * the server to the network. */
static const char builtin_hba[] =
    "# built-in rules (no hba_file): trust on the Unix socket and on loopback only\n"
    "local all all trust\n"
    "host all all 127.0.0.1/32 trust\n"
    "host all all ::1/128 trust\n";

/* ---------------------------------------------------------------- authentication config */

auth_config *auth_config_get(proto_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    auth_config *cfg = srv->auth;
    atomic_fetch_add(&cfg->refs, 1);
    pthread_mutex_unlock(&srv->lock);
    return cfg;
}

void auth_config_release(auth_config *cfg)
{
    if (!cfg || atomic_fetch_sub(&cfg->refs, 1) != 1)
        return;
    hba_free(cfg->hba);
    users_file_free(cfg->users);
    free(cfg);
}

static auth_config *auth_config_load(const proto_config *pc, strbuf *log, pg_error *err)
{
    auth_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) {
        pg_error_oom(err);
        return NULL;
    }
    atomic_init(&cfg->refs, 1);
    cfg->scram_iterations = pc->scram_iterations > 0 ? pc->scram_iterations : SCRAM_DEFAULT_ITERATIONS;
    const char *encryption = pc->password_encryption && *pc->password_encryption
                                 ? pc->password_encryption : "scram-sha-256";
    bool ok = true;
    if (!password_encryption_parse(encryption, &cfg->password_encryption)) {
        pg_error_set(err, "22023", "invalid value for parameter \"password_encryption\": \"%s\"",
                     encryption);
        pg_error_hint(err, "Available values: md5, scram-sha-256.");
        ok = false;
    }
    if (ok && pc->hba_file && *pc->hba_file)
        ok = hba_load(pc->hba_file, pc->ssl, log, &cfg->hba, err);
    else if (ok)
        ok = hba_parse(builtin_hba, sizeof builtin_hba - 1, "(built-in rules)", pc->ssl, log,
                       &cfg->hba, err);
    if (ok && pc->users_file && *pc->users_file)
        ok = users_file_load(pc->users_file, &cfg->users, err);
    if (!ok) {
        auth_config_release(cfg);
        return NULL;
    }
    return cfg;
}

bool proto_server_reload_auth(proto_server *p, const proto_config *cfg, strbuf *log, pg_error *err)
{
    auth_config *fresh = auth_config_load(cfg, log, err);
    if (!fresh)
        return false;
    pthread_mutex_lock(&p->lock);
    auth_config *old = p->auth;
    p->auth = fresh;
    pthread_mutex_unlock(&p->lock);
    auth_config_release(old);
    return true;
}

/* ---------------------------------------------------------------- the server */

static void apply_limits(proto_config *c)
{
    if (!c->max_startup_packet_size)
        c->max_startup_packet_size = PROTO_MAX_STARTUP_PACKET;
    if (c->max_startup_parameters <= 0)
        c->max_startup_parameters = PROTO_MAX_STARTUP_PARAMETERS;
    /* The strings are the caller's; they are read by proto_server_reload_auth only. */
    c->hba_file = c->users_file = c->password_encryption = NULL;
    c->mock_nonce = NULL;
    c->mock_nonce_len = 0;
}

bool proto_server_create(const proto_config *cfg, sql_server *sql, logger *log, proto_server **out, pg_error *err)
{
    proto_server *p = calloc(1, sizeof *p);
    if (!p) {
        pg_error_oom(err);
        return false;
    }
    p->cfg = *cfg;
    apply_limits(&p->cfg);
    if (!p->cfg.max_message_size)
        p->cfg.max_message_size = (1u << 30) - 2;   /* PQ_LARGE_MESSAGE_LIMIT, counting the length word */
    if (!p->cfg.output_flush_threshold)
        p->cfg.output_flush_threshold = 64 * 1024;
    if (!p->cfg.output_high_water)
        p->cfg.output_high_water = 256 * 1024;
    p->sql = sql;
    p->log = log;
    pthread_mutex_init(&p->lock, NULL);
    /* The mock salt secret: the server's (kept in the data directory), else one per run. */
    p->mock_nonce_len = sizeof p->mock_nonce;
    if (cfg->mock_nonce && cfg->mock_nonce_len) {
        p->mock_nonce_len = cfg->mock_nonce_len < sizeof p->mock_nonce ? cfg->mock_nonce_len
                                                                        : sizeof p->mock_nonce;
        memcpy(p->mock_nonce, cfg->mock_nonce, p->mock_nonce_len);
    } else if (RAND_bytes(p->mock_nonce, (int)sizeof p->mock_nonce) != 1) {
        pg_error_set(err, "XX000", "could not generate random mock authentication nonce");
        proto_server_destroy(p);
        return false;
    }
    strbuf problems;
    strbuf_init(&problems);
    bool ok = proto_server_reload_auth(p, cfg, &problems, err);
    if (problems.len && !problems.failed)
        log_line(log, LOG_LEVEL_LOG, 0, "%s", problems.data);
    strbuf_free(&problems);
    if (!ok) {
        proto_server_destroy(p);
        return false;
    }
    /* Process ids as clients see them: unique per server, never 0. */
    atomic_init(&p->next_pid, 1000 + (int)(clock_realtime_us() % 30000));
    *out = p;
    return true;
}

void proto_server_destroy(proto_server *p)
{
    if (!p)
        return;
    auth_config_release(p->auth);
    OPENSSL_cleanse(p->mock_nonce, sizeof p->mock_nonce);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void proto_server_set_loop(proto_server *p, net_loop *loop) { p->loop = loop; }
int proto_server_session_count(proto_server *p) { return atomic_load(&p->session_count); }

void proto_server_set_reload(proto_server *p, void (*reload)(void *arg), void *arg)
{
    p->reload = reload;
    p->reload_arg = arg;
}

void proto_server_update_config(proto_server *p, const proto_config *cfg)
{
    /* Only settings that are safe to change while sessions run. */
    p->cfg.log_connections = cfg->log_connections;
    p->cfg.log_disconnections = cfg->log_disconnections;
    p->cfg.log_statements = cfg->log_statements;
    p->cfg.authentication_timeout_ms = cfg->authentication_timeout_ms;
    p->cfg.max_connections_per_user = cfg->max_connections_per_user;
    proto_config limits = *cfg;
    apply_limits(&limits);
    p->cfg.max_startup_packet_size = limits.max_startup_packet_size;
    p->cfg.max_startup_parameters = limits.max_startup_parameters;
}

bool proto_count_user_session(proto_server *srv, proto_session *s, int limit)
{
    bool fits = true;
    pthread_mutex_lock(&srv->lock);
    if (limit > 0) {
        int n = 0;
        for (proto_session *o = srv->sessions; o; o = o->next)
            if (o != s && o->counted_for_user && strcmp(o->user, s->user) == 0)
                n++;
        fits = n < limit;
    }
    s->counted_for_user = fits;
    pthread_mutex_unlock(&srv->lock);
    return fits;
}

int proto_register_session(proto_server *srv, proto_session *s)
{
    int pid = atomic_fetch_add(&srv->next_pid, 1);
    if (pid <= 0)
        pid = atomic_fetch_add(&srv->next_pid, 1);
    pthread_mutex_lock(&srv->lock);
    s->next = srv->sessions;
    if (srv->sessions)
        srv->sessions->prev = s;
    srv->sessions = s;
    pthread_mutex_unlock(&srv->lock);
    atomic_fetch_add(&srv->session_count, 1);
    return pid;
}

void proto_unregister_session(proto_server *srv, proto_session *s)
{
    pthread_mutex_lock(&srv->lock);
    if (s->prev)
        s->prev->next = s->next;
    else
        srv->sessions = s->next;
    if (s->next)
        s->next->prev = s->prev;
    pthread_mutex_unlock(&srv->lock);
    atomic_fetch_sub(&srv->session_count, 1);
}

/* CancelRequest: interrupt what that session runs now, if the key is right.  The client
 * gets no reply in any case; the log says what PostgreSQL's postmaster says. */
void proto_cancel(proto_server *srv, int pid, uint32_t secret)
{
    bool found = false;
    pthread_mutex_lock(&srv->lock);
    for (proto_session *s = srv->sessions; s; s = s->next) {
        if (s->pid != pid)
            continue;
        found = true;
        if (CRYPTO_memcmp(&s->secret, &secret, sizeof secret) != 0)
            log_line(srv->log, LOG_LEVEL_LOG, 0, "wrong key in cancel request for process %d", pid);
        else if (s->sql)
            sql_session_cancel(s->sql, INTERRUPT_CANCEL);
        break;
    }
    pthread_mutex_unlock(&srv->lock);
    if (!found)
        log_line(srv->log, LOG_LEVEL_LOG, 0, "PID %d in cancel request did not match any process", pid);
}

/* Every ~100 ms: timeouts, and shutdown progress. */
void proto_on_tick(void *arg)
{
    proto_server *srv = arg;
    int64_t now = clock_monotonic_us();
    bool shutting = atomic_load(&srv->shutting_down);
    bool fast = atomic_load(&srv->fast_shutdown);
    bool grace_over = shutting && srv->cfg.shutdown_timeout_ms >= 0 &&
                      now - srv->shutdown_started_us > (int64_t)srv->cfg.shutdown_timeout_ms * 1000;
    pthread_mutex_lock(&srv->lock);
    for (proto_session *s = srv->sessions; s; s = s->next) {
        int64_t idle = atomic_load(&s->idle_since_us);
        int phase = atomic_load(&s->phase);
        if (phase != PHASE_READY) {
            /* authentication_timeout covers the startup packet, TLS and authentication. */
            bool late = now - s->started_us > (int64_t)srv->cfg.authentication_timeout_ms * 1000;
            if ((late || (shutting && (fast || grace_over))) && !atomic_load(&s->terminate)) {
                atomic_store(&s->terminate_reason, phase == PHASE_AUTH ? TERMINATE_AUTH_TIMEOUT
                                                                       : TERMINATE_STARTUP_TIMEOUT);
                atomic_store(&s->terminate, true);
                net_conn_wake(s->conn);
            }
            continue;
        }
        if (shutting) {
            /* Idle sessions end now (after their transaction in a smart shutdown); running
             * statements get the grace period, then are interrupted. */
            char status = atomic_load(&s->txn_status);
            if (idle && (fast || status == 'I' || grace_over)) {
                atomic_store(&s->terminate_reason, TERMINATE_SHUTDOWN);
                atomic_store(&s->terminate, true);
                net_conn_wake(s->conn);
            } else if (!idle && grace_over && s->sql) {
                sql_session_cancel(s->sql, INTERRUPT_SHUTDOWN);
                atomic_store(&s->terminate_reason, TERMINATE_SHUTDOWN);
                atomic_store(&s->terminate, true);
            }
            continue;
        }
        if (idle && s->sql) {
            char status = atomic_load(&s->txn_status);
            int timeout = sql_session_idle_in_transaction_timeout_ms(s->sql);
            if ((status == 'T' || status == 'E') && timeout > 0 && now - idle > (int64_t)timeout * 1000) {
                atomic_store(&s->terminate_reason, TERMINATE_IDLE_IN_TRANSACTION);
                atomic_store(&s->terminate, true);
                net_conn_wake(s->conn);
            }
        }
    }
    int remaining = atomic_load(&srv->session_count);
    pthread_mutex_unlock(&srv->lock);
    if (shutting && remaining == 0 && srv->loop)
        net_loop_stop(srv->loop);
}

void proto_server_shutdown(proto_server *p, bool fast)
{
    if (fast)
        atomic_store(&p->fast_shutdown, true);
    if (atomic_exchange(&p->shutting_down, true))
        return;
    p->shutdown_started_us = clock_monotonic_us();
    log_line(p->log, LOG_LEVEL_LOG, 0, "received %s shutdown request", fast ? "fast" : "smart");
    if (p->loop)
        net_loop_close_listeners(p->loop);
    if (atomic_load(&p->session_count) == 0 && p->loop)
        net_loop_stop(p->loop);
}

void proto_on_signal(int signo, void *arg)
{
    proto_server *p = arg;
    switch (signo) {
    case SIGHUP:
        log_line(p->log, LOG_LEVEL_LOG, 0, "received SIGHUP, reloading configuration files");
        if (p->reload)
            p->reload(p->reload_arg);
        break;
    case SIGTERM:
        proto_server_shutdown(p, false);
        break;
    case SIGINT:
        proto_server_shutdown(p, true);
        break;
    default:
        break;
    }
}
