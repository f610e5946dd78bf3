/*
 * tls_glue.c — the byte transfer of a connection: plain recv/send, or through TLS (tls.c)
 * once net_conn_tls_start() installed a session; and the loop's current TLS context.
 *
 * Invariants:
 * - Only the thread that owns a connection (net's scheduling protocol, loop.c) calls these,
 *   so a tls_conn is never used by two threads at once.
 * - The loop's context is swapped under loop->lock and referenced before use, so a reload
 *   never frees a context a connection is starting on; a connection keeps the context it
 *   started with (tls_conn holds a reference) until it ends.
 * - TLS may need the socket writable to read (or readable to write): the direction it is
 *   blocked on is kept in c->tls_blocked_on and added by loop.c when it re-arms, so the
 *   connection is woken by whichever readiness TLS waits for.
 * - After a TLS read, bytes OpenSSL already decrypted (tls_pending) are taken in the same
 *   call: epoll cannot announce them.
 */
#include "net/net_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t net_conn_raw_recv(net_conn *c, void *buf, size_t len, bool *again);
ssize_t net_conn_raw_send(net_conn *c, const void *buf, size_t len, bool *again);

/* ---------------------------------------------------------------- the loop's context */

bool net_loop_configure_tls(net_loop *loop, const tls_settings *s, pg_error *err)
{
    tls_context *fresh = NULL;
    if (s && !(fresh = tls_context_new(s, err)))
        return false;
    pthread_mutex_lock(&loop->lock);
    tls_context *old = loop->tls;
    loop->tls = fresh;
    pthread_mutex_unlock(&loop->lock);
    tls_context_unref(old);
    return true;
}

bool net_loop_tls_enabled(net_loop *loop)
{
    pthread_mutex_lock(&loop->lock);
    bool on = loop->tls != NULL;
    pthread_mutex_unlock(&loop->lock);
    return on;
}

void net_loop_tls_free(net_loop *loop)
{
    tls_context_unref(loop->tls);
    loop->tls = NULL;
}

static tls_context *current_context(net_loop *loop)
{
    pthread_mutex_lock(&loop->lock);
    tls_context *ctx = loop->tls ? tls_context_ref(loop->tls) : NULL;
    pthread_mutex_unlock(&loop->lock);
    return ctx;
}

/* ---------------------------------------------------------------- byte transfer */

static ssize_t tls_status_to_io(net_conn *c, tls_status st, size_t n, bool reading, bool *again)
{
    *again = false;
    c->tls_blocked_on = 0;
    switch (st) {
    case TLS_OK:
        return (ssize_t)n;
    case TLS_WANT_READ:
        *again = true;
        if (!reading)
            c->tls_blocked_on = EPOLLIN;
        return -1;
    case TLS_WANT_WRITE:
        *again = true;
        if (reading)
            c->tls_blocked_on = EPOLLOUT;
        return -1;
    case TLS_CLOSED:
        return reading ? 0 : -1;
    case TLS_ERROR:
        break;
    }
    return -1;
}

ssize_t net_conn_raw_recv(net_conn *c, void *buf, size_t len, bool *again)
{
    if (c->tls) {
        size_t total = 0;
        pg_error err = {0};
        for (;;) {
            size_t n = 0;
            tls_status st = tls_read(c->tls, (char *)buf + total, len - total, &n, &err);
            pg_error_clear(&err);   /* the connection ends; PostgreSQL logs this as COMMERROR */
            if (st != TLS_OK)
                return total ? (ssize_t)total : tls_status_to_io(c, st, 0, true, again);
            total += n;
            c->tls_blocked_on = 0;
            if (total == len || tls_pending(c->tls) == 0)
                break;
        }
        *again = false;
        return (ssize_t)total;
    }
    for (;;) {
        ssize_t n = recv(c->fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        *again = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        return n;
    }
}

ssize_t net_conn_raw_send(net_conn *c, const void *buf, size_t len, bool *again)
{
    if (c->tls) {
        size_t n = 0;
        pg_error err = {0};
        tls_status st = tls_write(c->tls, buf, len, &n, &err);
        pg_error_clear(&err);
        return tls_status_to_io(c, st, n, false, again);
    }
    for (;;) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        *again = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        return n;
    }
}

/* ---------------------------------------------------------------- TLS on a connection */

bool net_conn_tls_available(const net_conn *c)
{
    return c->kind == NET_LISTENER_TCP && !c->tls && net_loop_tls_enabled(c->loop);
}

/* The 'S' of an SSLRequest goes out in plaintext before TLS starts.  One byte on a fresh
 * socket is always taken at once; the wait is a bound for the pathological case. */
static bool flush_plaintext(net_conn *c, pg_error *err)
{
    for (int tries = 0; tries < 50; tries++) {
        net_io io = net_conn_flush(c);
        if (io == NET_IO_OK)
            return true;
        if (io != NET_IO_AGAIN)
            break;
        net_conn_wait_writable(c, 100);
    }
    pg_error_set(err, "08006", "failed to send SSL negotiation response: %s",
                 strerror(errno ? errno : EPIPE));
    return false;
}

bool net_conn_tls_start(net_conn *c, bool direct, pg_error *err)
{
    if (c->tls) {
        pg_error_set(err, "08P01", "SSL connection is already established");
        return false;
    }
    if (!direct && c->in.len) {
        pg_error_set(err, "08P01", "received unencrypted data after SSL request");
        return false;
    }
    if (!flush_plaintext(c, err))
        return false;
    tls_context *ctx = current_context(c->loop);
    if (!ctx) {
        pg_error_set(err, "08P01", "SSL is not enabled on the server");
        return false;
    }
    c->tls = tls_conn_new(ctx, c->fd, direct, c->in.data, direct ? c->in.len : 0, err);
    tls_context_unref(ctx);   /* the tls_conn holds its own reference */
    if (!c->tls)
        return false;
    strbuf_reset(&c->in);
    return true;
}

net_tls_step net_conn_tls_handshake(net_conn *c, pg_error *err)
{
    if (!c->tls) {
        pg_error_set(err, "08P01", "SSL was not started on this connection");
        return NET_TLS_FAILED;
    }
    switch (tls_handshake(c->tls, err)) {
    case TLS_OK:
        c->tls_blocked_on = 0;
        return NET_TLS_DONE;
    case TLS_WANT_READ:
        return NET_TLS_WANT_READ;
    case TLS_WANT_WRITE:
        return NET_TLS_WANT_WRITE;
    case TLS_CLOSED:
        pg_error_set(err, "08P01", "could not accept SSL connection: EOF detected");
        return NET_TLS_FAILED;
    case TLS_ERROR:
        break;
    }
    return NET_TLS_FAILED;
}

void net_conn_tls_close(net_conn *c)
{
    if (!c->tls)
        return;
    tls_shutdown(c->tls);
    tls_conn_free(c->tls);
    c->tls = NULL;
}

bool net_conn_is_tls(const net_conn *c) { return c->tls != NULL; }

const unsigned char *net_conn_tls_endpoint(const net_conn *c, size_t *len)
{
    const uint8_t *data = NULL;
    *len = 0;
    if (!c->tls || !tls_channel_binding(c->tls, &data, len))
        return NULL;
    return data;
}

void net_conn_tls_peer(const net_conn *c, net_tls_peer *out)
{
    *out = (net_tls_peer){0};
    if (!c->tls)
        return;
    out->ca_loaded = tls_conn_verifies_clients(c->tls);
    out->valid = tls_peer_cert_valid(c->tls);
    out->cn = tls_peer_cn(c->tls);
    out->dn = tls_peer_dn(c->tls);
}

const char *net_conn_tls_version(const net_conn *c) { return c->tls ? tls_protocol(c->tls) : NULL; }
const char *net_conn_tls_cipher(const net_conn *c) { return c->tls ? tls_cipher(c->tls) : NULL; }
int net_conn_tls_bits(const net_conn *c) { return c->tls ? tls_cipher_bits(c->tls) : 0; }
