/*
 * server.c — the protocol layer's server-wide state: the registry of sessions (process ids
 * and cancel keys), CancelRequest, the periodic tick (authentication and idle-in-transaction
 * timeouts, shutdown progress) and signals.
 */
#include "proto/proto_internal.h"

#include <openssl/crypto.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

bool proto_server_create(const proto_config *cfg, sql_server *sql, logger *log, proto_server **out, pg_error *err)
{
    proto_server *p = calloc(1, sizeof *p);
    if (!p) {
        pg_error_oom(err);
        return false;
    }
    p->cfg = *cfg;
    if (!p->cfg.max_message_size)
        p->cfg.max_message_size = (1u << 30) - 2;   /* PQ_LARGE_MESSAGE_LIMIT, counting the length word */
    if (!p->cfg.output_flush_threshold)
        p->cfg.output_flush_threshold = 64 * 1024;
    if (!p->cfg.output_high_water)
        p->cfg.output_high_water = 256 * 1024;
    p->sql = sql;
    p->log = log;
    pthread_mutex_init(&p->lock, NULL);
    /* Process ids as clients see them: unique per server, never 0. */
    atomic_init(&p->next_pid, 1000 + (int)(clock_realtime_us() % 30000));
    *out = p;
    return true;
}

void proto_server_destroy(proto_server *p)
{
    if (!p)
        return;
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

/* CancelRequest: interrupt the statement that session runs now, if the key is right.
 * Unknown keys are ignored without a word, as in PostgreSQL. */
void proto_cancel(proto_server *srv, int pid, uint32_t secret)
{
    pthread_mutex_lock(&srv->lock);
    for (proto_session *s = srv->sessions; s; s = s->next) {
        if (s->pid != pid)
            continue;
        if (CRYPTO_memcmp(&s->secret, &secret, sizeof secret) == 0 && s->sql) {
            sql_session_cancel(s->sql, INTERRUPT_CANCEL);
            log_line(srv->log, LOG_LEVEL_LOG, pid, "cancel request received");
        }
        break;
    }
    pthread_mutex_unlock(&srv->lock);
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
        if (s->state == SESSION_STARTUP &&
            now - s->started_us > (int64_t)srv->cfg.authentication_timeout_ms * 1000) {
            atomic_store(&s->terminate_reason, 3);
            atomic_store(&s->terminate, true);
            net_conn_wake(s->conn);
            continue;
        }
        if (shutting) {
            /* Idle sessions end now (after their transaction in a smart shutdown); running
             * statements get the grace period, then are interrupted. */
            char status = atomic_load(&s->txn_status);
            if (idle && (fast || status == 'I' || grace_over)) {
                atomic_store(&s->terminate_reason, 2);
                atomic_store(&s->terminate, true);
                net_conn_wake(s->conn);
            } else if (!idle && grace_over && s->sql) {
                sql_session_cancel(s->sql, INTERRUPT_SHUTDOWN);
                atomic_store(&s->terminate_reason, 2);
                atomic_store(&s->terminate, true);
            }
            continue;
        }
        if (idle && s->sql) {
            char status = atomic_load(&s->txn_status);
            int timeout = sql_session_idle_in_transaction_timeout_ms(s->sql);
            if ((status == 'T' || status == 'E') && timeout > 0 && now - idle > (int64_t)timeout * 1000) {
                atomic_store(&s->terminate_reason, 1);
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
