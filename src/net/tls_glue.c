/*
 * tls_glue.c — the byte transfer of a connection: plain recv/send, or through TLS once
 * net_conn_tls_start() installed a session.  Until the TLS module is linked in, TLS is
 * reported unavailable, and SSLRequest is answered 'N' by the protocol layer.
 */
#include "net/net_internal.h"

#include <errno.h>
#include <sys/socket.h>

ssize_t net_conn_raw_recv(net_conn *c, void *buf, size_t len, bool *again);
ssize_t net_conn_raw_send(net_conn *c, const void *buf, size_t len, bool *again);

ssize_t net_conn_raw_recv(net_conn *c, void *buf, size_t len, bool *again)
{
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
    for (;;) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        *again = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
        return n;
    }
}

void net_tls_conn_free(struct net_tls_conn *t) { (void)t; }
void net_loop_set_tls(net_loop *loop, net_tls_ctx *ctx) { atomic_store(&loop->tls, ctx); }
bool net_conn_tls_available(const net_conn *c) { (void)c; return false; }
bool net_conn_tls_start(net_conn *c, pg_error *err)
{
    (void)c;
    pg_error_set(err, "08P01", "SSL is not supported by this build");
    return false;
}
net_tls_step net_conn_tls_handshake(net_conn *c, pg_error *err)
{
    (void)c;
    pg_error_set(err, "08P01", "SSL is not supported by this build");
    return NET_TLS_FAILED;
}
bool net_conn_is_tls(const net_conn *c) { return c->tls != NULL; }
const unsigned char *net_conn_tls_endpoint(const net_conn *c, size_t *len) { (void)c; *len = 0; return NULL; }
const char *net_conn_tls_peer_cn(const net_conn *c) { (void)c; return NULL; }
const char *net_conn_tls_version(const net_conn *c) { (void)c; return NULL; }
const char *net_conn_tls_cipher(const net_conn *c) { (void)c; return NULL; }
