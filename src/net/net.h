/*
 * net.h — sockets, the event loop, per-connection buffers and back-pressure.
 *
 * Model: one epoll set shared by a fixed pool of worker threads.  Every connection is
 * registered EPOLLONESHOT, so exactly one thread owns a connection while it runs; that thread
 * reads, calls the protocol handler (which may run engine work for a while), writes, and
 * re-arms.  A slow statement therefore occupies one thread and never the others; other
 * connections keep being served.  A connection can also be woken from outside (its engine
 * connection became available, a timer fired) with net_conn_wake(); the wake is queued on an
 * eventfd and runs the handler on some thread, never concurrently with itself.
 *
 * The layer knows nothing about PostgreSQL: it hands bytes to a handler and sends what the
 * handler appends to the connection's output buffer.
 */
#ifndef PGWIRE_NET_H
#define PGWIRE_NET_H

#include "common/common.h"

#include <netinet/in.h>
#include <sys/socket.h>

typedef struct net_loop net_loop;
typedef struct net_conn net_conn;

/* TLS settings, with PostgreSQL's names and defaults (docs/security.md). */
typedef struct tls_settings {
    const char *cert_file;              /* ssl_cert_file (required; may hold a chain) */
    const char *key_file;               /* ssl_key_file (required; 0600, or 0640 if root's) */
    const char *ca_file;                /* ssl_ca_file: NULL or "" = no client certificates */
    const char *min_protocol_version;   /* ssl_min_protocol_version: NULL = "TLSv1.2", "" = any */
    const char *max_protocol_version;   /* ssl_max_protocol_version: NULL or "" = any */
    const char *ciphers;                /* ssl_ciphers (TLS <= 1.2): NULL = "HIGH:MEDIUM:+3DES:!aNULL" */
    bool prefer_client_ciphers;         /* !ssl_prefer_server_ciphers (default: server's order) */
} tls_settings;

/* What the handler wants after it returns. */
typedef enum {
    NET_WANT_READ,    /* wait for input */
    NET_WANT_WRITE,   /* output is pending and the socket is full: wait until writable */
    NET_PARKED,       /* waiting for something else (engine connection); net_conn_wake resumes */
    NET_CLOSE,        /* flush what can be flushed without blocking and close */
} net_next;

typedef struct net_handler {
    /* A new connection was accepted; returns the handler's per-connection object or NULL to
     * refuse (the connection is closed).  `listener_kind` is the kind of the listener. */
    void *(*on_accept)(net_conn *conn, void *arg);
    /* Something happened: input, writability, or a wake.  Must tolerate spurious calls. */
    net_next (*on_ready)(net_conn *conn, void *session);
    /* The connection is gone; free the per-connection object.  Runs exactly once. */
    void (*on_close)(net_conn *conn, void *session);
    /* Called about every 100 ms on some thread, for timeouts and shutdown progress. */
    void (*on_tick)(void *arg);
    /* SIGHUP / SIGTERM / SIGINT, delivered on a worker thread. */
    void (*on_signal)(int signo, void *arg);
    void *arg;
} net_handler;

typedef enum { NET_LISTENER_TCP, NET_LISTENER_UNIX } net_listener_kind;

typedef struct net_config {
    int worker_threads;
    /* Workers admitted to wait on and handle events at once (0 = twice the number of CPUs);
     * the others wait until every admitted one is held by a long event (see loop.c). */
    int active_workers;
    size_t read_chunk;        /* bytes read per recv() */
} net_config;

bool net_loop_create(const net_config *cfg, const net_handler *handler, net_loop **out, pg_error *err) MUST_CHECK;
/* Listen on `host` ("127.0.0.1", "*", "::1", a hostname) and port; each address resolved is
 * one listener.  PostgreSQL's listen_addresses may hold several, comma-separated. */
bool net_listen_tcp(net_loop *loop, const char *listen_addresses, int port, int backlog, pg_error *err) MUST_CHECK;
/* Listen on DIR/.s.PGSQL.PORT (and write the PostgreSQL lock file beside it). */
bool net_listen_unix(net_loop *loop, const char *dir, int port, int backlog, pg_error *err) MUST_CHECK;
/* Run the worker threads; returns when net_loop_stop() was called and all threads ended. */
void net_loop_run(net_loop *loop);
void net_loop_stop(net_loop *loop);
/* Stop accepting (close listeners, remove socket files) without stopping the loop. */
void net_loop_close_listeners(net_loop *loop);
void net_loop_destroy(net_loop *loop);
/* Build a TLS context from `s` and use it for connections that start TLS from now on (NULL:
 * TLS off).  Connections already on the previous context keep it until they end.  On failure
 * the previous context stays in use (PostgreSQL's rule on reload) and `err` says why. */
bool net_loop_configure_tls(net_loop *loop, const tls_settings *s, pg_error *err) MUST_CHECK;
bool net_loop_tls_enabled(net_loop *loop);
int net_loop_connection_count(const net_loop *loop);

/* ---------------------------------------------------------------- connections */

typedef enum { NET_IO_OK, NET_IO_AGAIN, NET_IO_EOF, NET_IO_ERROR } net_io;

/* Input read so far and not consumed; the handler consumes with strbuf_consume(). */
strbuf *net_conn_input(net_conn *c);
/* Output to be sent; the handler appends, net_conn_flush sends. */
strbuf *net_conn_output(net_conn *c);
/* Read what is available (up to the read chunk) into the input buffer. */
net_io net_conn_read(net_conn *c);
/* During this run of the handler, the last read returned less than it asked for: the
 * socket had nothing more at that moment.  A handler that has used its input can then wait
 * (NET_WANT_READ) without a read that would only say EAGAIN: the connection is re-armed
 * level-triggered, so bytes that arrived meanwhile wake it at once.  Never true for TLS. */
bool net_conn_input_drained(const net_conn *c);
/* Send as much of the output buffer as the socket takes. OK = everything was sent. */
net_io net_conn_flush(net_conn *c);
/* Wait (up to timeout_ms, -1 forever) until the socket is writable: for the rare paths that
 * must finish writing synchronously (a FATAL before close). */
bool net_conn_wait_writable(net_conn *c, int timeout_ms);
/* Resume a NET_PARKED connection (or run an idle one) on some worker thread. Thread-safe. */
void net_conn_wake(net_conn *c);
/* Reference counting for objects that keep a connection pointer across threads (waiter
 * queues, the cancel table). */
void net_conn_ref(net_conn *c);
void net_conn_unref(net_conn *c);

net_listener_kind net_conn_kind(const net_conn *c);
/* Peer address as text ("127.0.0.1", "[local]") and the raw sockaddr. */
const char *net_conn_peer_host(const net_conn *c);
int net_conn_peer_port(const net_conn *c);
const struct sockaddr_storage *net_conn_peer_addr(const net_conn *c);
const struct sockaddr_storage *net_conn_local_addr(const net_conn *c);
int net_conn_fd(const net_conn *c);
net_loop *net_conn_loop(const net_conn *c);
int64_t net_conn_accepted_at_us(const net_conn *c);

/* TLS on an accepted connection (after SSLRequest, or for direct TLS).  The handler drives
 * the handshake with net_conn_tls_handshake() from on_ready, returning NET_WANT_READ or
 * NET_WANT_WRITE as it asks; afterwards net_conn_read/flush move plaintext through TLS. */
typedef enum { NET_TLS_DONE, NET_TLS_WANT_READ, NET_TLS_WANT_WRITE, NET_TLS_FAILED } net_tls_step;
/* TLS is configured and the connection is TCP (never on a Unix socket, as PostgreSQL). */
bool net_conn_tls_available(const net_conn *c);
/* Start TLS on the connection.  `direct`: the client began with a ClientHello (PostgreSQL 17
 * sslnegotiation=direct); the bytes in the input buffer are the start of the TLS stream and
 * ALPN "postgresql" is required.  Otherwise (after SSLRequest) the input buffer must be empty:
 * the caller decides what unencrypted bytes sent early mean.  The output buffer is sent in
 * plaintext first (the 'S' answer). */
bool net_conn_tls_start(net_conn *c, bool direct, pg_error *err) MUST_CHECK;
net_tls_step net_conn_tls_handshake(net_conn *c, pg_error *err);
bool net_conn_is_tls(const net_conn *c);
/* tls-server-end-point channel binding data (NULL/0 when unavailable). */
const unsigned char *net_conn_tls_endpoint(const net_conn *c, size_t *len);
/* The client certificate as the handshake verified it. */
typedef struct net_tls_peer {
    bool ca_loaded;          /* ssl_ca_file was loaded: certificates were requested, verified */
    bool valid;              /* the client sent a certificate that verified */
    const char *cn, *dn;     /* its subject CN and DN (RFC 2253), or NULL */
} net_tls_peer;
void net_conn_tls_peer(const net_conn *c, net_tls_peer *out);
const char *net_conn_tls_version(const net_conn *c);
const char *net_conn_tls_cipher(const net_conn *c);
int net_conn_tls_bits(const net_conn *c);

#endif
