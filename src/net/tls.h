/*
 * tls.h — private header of the net layer: TLS for client connections, on OpenSSL 3.
 *
 * A tls_context holds one server configuration (certificate, key, optional CA for client
 * certificates, protocol range, ciphers).  It is reference-counted: a reload builds a new
 * context and swaps it in; connections that started on the old one keep it until they end.
 *
 * A tls_conn wraps one non-blocking socket fd.  Every call returns at once: TLS_WANT_READ /
 * TLS_WANT_WRITE tell the event loop which readiness to wait for before calling the same
 * function again (a read may need the socket writable and a write readable, e.g. around TLS
 * 1.3 post-handshake messages).  Bytes already read from the socket before TLS started (the
 * start of a direct-TLS ClientHello) are handed to tls_conn_new and consumed first.
 *
 * Invariants: a context never changes after tls_context_new; the fd is never closed here;
 * OpenSSL's thread-local error queue is cleared before and drained after every operation,
 * so one connection's error never shows up on another.
 */
#ifndef PGWIRE_NET_TLS_H
#define PGWIRE_NET_TLS_H

#include "common/common.h"
#include "net/net.h"

/* tls_settings (PostgreSQL's ssl_* settings) is declared in net.h. */

typedef struct tls_context tls_context;

/* Build a context; NULL with `err` set (F0000 and PostgreSQL's text for bad files or
 * settings, 58P01/42501 for files that cannot be read, 22023 for bad setting values). */
tls_context *tls_context_new(const tls_settings *s, pg_error *err) MUST_CHECK;
tls_context *tls_context_ref(tls_context *ctx);
void tls_context_unref(tls_context *ctx);
/* The tls-server-end-point channel-binding data (RFC 5929) of the context's certificate:
 * its DER hashed with the hash of its signature algorithm (SHA-256 for MD5 and SHA-1).
 * False when no such hash exists (e.g. Ed25519): then SCRAM-SHA-256-PLUS is not offered. */
bool tls_context_channel_binding(const tls_context *ctx, const uint8_t **data, size_t *len);
/* True if ssl_ca_file was loaded, so client certificates are requested and verified. */
bool tls_context_verifies_clients(const tls_context *ctx);

/* What the first bytes of a new connection are.  A TLS handshake record (0x16) cannot be the
 * start of a startup packet (its length would be over 350 MB), so PostgreSQL 17 clients with
 * sslnegotiation=direct are recognised from the first byte. */
typedef enum { TLS_PROBE_NEED_MORE = 0, TLS_PROBE_CLIENT_HELLO, TLS_PROBE_NOT_TLS } tls_probe;
tls_probe tls_probe_client_hello(const uint8_t *buf, size_t len);

typedef enum {
    TLS_OK = 0,        /* done / bytes moved */
    TLS_WANT_READ,     /* call again when the fd is readable */
    TLS_WANT_WRITE,    /* call again when the fd is writable */
    TLS_CLOSED,        /* the peer closed the connection (close_notify or EOF) */
    TLS_ERROR,         /* `err` set; the connection is finished */
} tls_status;

typedef struct tls_conn tls_conn;

/* Start TLS on a connected, non-blocking socket.  `direct`: the client began with a
 * ClientHello instead of SSLRequest, so ALPN "postgresql" is required (PostgreSQL 17).
 * `preread`: bytes already taken from the socket that belong to the TLS stream. */
tls_conn *tls_conn_new(tls_context *ctx, int fd, bool direct, const void *preread,
                       size_t preread_len, pg_error *err) MUST_CHECK;
tls_status tls_handshake(tls_conn *c, pg_error *err) MUST_CHECK;
/* Read up to `cap` decrypted bytes; on TLS_OK *n > 0.  After TLS_OK, also check
 * tls_pending: OpenSSL may hold decrypted bytes that poll() will not announce. */
tls_status tls_read(tls_conn *c, void *buf, size_t cap, size_t *n, pg_error *err) MUST_CHECK;
/* Write up to `len` bytes; on TLS_OK *n > 0 (may be less than len).  After a WANT, call
 * again with the same bytes (the buffer may move). */
tls_status tls_write(tls_conn *c, const void *buf, size_t len, size_t *n,
                     pg_error *err) MUST_CHECK;
size_t tls_pending(const tls_conn *c);
/* Send close_notify (best effort, non-blocking); the caller then closes the fd. */
void tls_shutdown(tls_conn *c);
void tls_conn_free(tls_conn *c);

/* After the handshake: what pg_stat_ssl and the connection log show. */
const char *tls_protocol(const tls_conn *c);     /* "TLSv1.3" */
const char *tls_cipher(const tls_conn *c);
int tls_cipher_bits(const tls_conn *c);
bool tls_alpn_used(const tls_conn *c);           /* "postgresql" was negotiated */
/* The client's certificate, verified against ssl_ca_file; its CN and DN (RFC 2253). */
bool tls_peer_cert_valid(const tls_conn *c);
/* The connection's context loaded ssl_ca_file (client certificates requested, verified). */
bool tls_conn_verifies_clients(const tls_conn *c);
const char *tls_peer_cn(const tls_conn *c);      /* NULL if none */
const char *tls_peer_dn(const tls_conn *c);      /* NULL if none */
/* The channel-binding data of this connection's context (see tls_context_channel_binding). */
bool tls_channel_binding(const tls_conn *c, const uint8_t **data, size_t *len);

#endif
