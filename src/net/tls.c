/*
 * tls.c — TLS for client connections on OpenSSL 3: building a server context from
 * PostgreSQL's ssl_* settings (with PostgreSQL's checks and messages), the tls-server-end-point
 * channel-binding hash, ALPN "postgresql" for direct TLS, and a non-blocking connection over a
 * socket fd whose BIO first returns bytes the server had already read.
 *
 * Choices, following PostgreSQL: no session cache and no tickets (a resumed session would skip
 * client-certificate verification), no renegotiation, no compression; a passphrase-protected
 * key is refused rather than prompted for.  Unexpected EOF counts as a close: the PostgreSQL
 * protocol frames its own messages, so truncation cannot go unnoticed.
 */
#include "net/tls.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define DEFAULT_CIPHERS "HIGH:MEDIUM:+3DES:!aNULL"
#define DEFAULT_MIN_PROTOCOL "TLSv1.2"
#define ALPN_POSTGRESQL "postgresql"

struct tls_context {
    atomic_int refs;
    SSL_CTX *ssl_ctx;
    BIO_METHOD *bio_method;     /* our fd BIO; lives as long as connections on this context */
    bool verifies_clients;
    char min_version[16], max_version[16];   /* for the protocol-version hint */
    size_t cbind_len;           /* 0: channel binding cannot be offered */
    uint8_t cbind[EVP_MAX_MD_SIZE];
};

/* What the BIO reads from: pre-read bytes, then the socket. */
typedef struct fd_source {
    int fd;
    uint8_t *preread;
    size_t preread_len, preread_pos;
    int last_errno;             /* errno of the last failed recv/send, 0 if none */
} fd_source;

struct tls_conn {
    tls_context *ctx;
    SSL *ssl;
    fd_source src;
    bool direct;
    bool handshake_done;
    bool peer_valid;
    char *peer_cn, *peer_dn;
};

/* ---------------------------------------------------------------- errors */

/* OpenSSL's reason for the oldest queued error (PostgreSQL's SSLerrmessage). */
static const char *ssl_error_text(unsigned long code, char buf[64])
{
    if (code == 0)
        return "no SSL error reported";
    /* OpenSSL 3 does not name errno values it recorded (e.g. a missing file). */
    if (ERR_SYSTEM_ERROR(code)) {
        snprintf(buf, 64, "%s", strerror(ERR_GET_REASON(code)));
        return buf;
    }
    const char *reason = ERR_reason_error_string(code);
    if (reason)
        return reason;
    snprintf(buf, 64, "SSL error code %lu", code);
    return buf;
}

/* The error code to report: the first queued, and the queue left empty. */
static unsigned long take_ssl_error(void)
{
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    return code;
}

static void config_error(pg_error *err, const char *fmt, const char *file)
{
    char buf[64];
    pg_error_set(err, "F0000", fmt, file, ssl_error_text(take_ssl_error(), buf));
}

/* ---------------------------------------------------------------- settings */

static int protocol_version(const char *name)
{
    static const struct { const char *name; int version; } versions[] = {
        {"TLSv1", TLS1_VERSION}, {"TLSv1.1", TLS1_1_VERSION},
        {"TLSv1.2", TLS1_2_VERSION}, {"TLSv1.3", TLS1_3_VERSION},
    };
    if (!name[0])
        return 0;
    for (size_t i = 0; i < ARRAY_LEN(versions); i++)
        if (ascii_streq_ci(name, versions[i].name))
            return versions[i].version;
    return -1;
}

static bool set_protocol_range(tls_context *ctx, const tls_settings *s, pg_error *err)
{
    const char *min = s->min_protocol_version ? s->min_protocol_version : DEFAULT_MIN_PROTOCOL;
    const char *max = s->max_protocol_version ? s->max_protocol_version : "";
    int vmin = protocol_version(min), vmax = protocol_version(max);
    const char *bad = vmin < 0 ? "ssl_min_protocol_version" : vmax < 0 ? "ssl_max_protocol_version"
                                                                        : NULL;
    if (bad) {
        pg_error_set(err, "22023", "invalid value for parameter \"%s\": \"%s\"", bad,
                     vmin < 0 ? min : max);
        pg_error_hint(err, "Available values: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3.");
        return false;
    }
    if (vmin && vmax && vmin > vmax) {
        pg_error_set(err, "F0000", "could not set SSL protocol version range");
        pg_error_detail(err, "\"%s\" cannot be higher than \"%s\"", "ssl_min_protocol_version",
                        "ssl_max_protocol_version");
        return false;
    }
    if (!SSL_CTX_set_min_proto_version(ctx->ssl_ctx, vmin)) {
        pg_error_set(err, "F0000", "could not set minimum SSL protocol version");
        return false;
    }
    if (!SSL_CTX_set_max_proto_version(ctx->ssl_ctx, vmax)) {
        pg_error_set(err, "F0000", "could not set maximum SSL protocol version");
        return false;
    }
    /* For the hint when a client's range does not meet ours. */
    snprintf(ctx->min_version, sizeof ctx->min_version, "%s", vmin ? min : "TLSv1");
    snprintf(ctx->max_version, sizeof ctx->max_version, "%s", vmax ? max : "TLSv1.3");
    return true;
}

/* PostgreSQL's rule: owned by us (mode 0600 or less) or by root (0640 or less). */
static bool check_key_file(const char *path, pg_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        int e = errno;
        pg_error_set(err, e == ENOENT ? "58P01" : e == EACCES ? "42501" : "58030",
                     "could not access private key file \"%s\": %s", path, strerror(e));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        pg_error_set(err, "F0000", "private key file \"%s\" is not a regular file", path);
        return false;
    }
    uid_t me = geteuid();
    if (st.st_uid != me && st.st_uid != 0) {
        pg_error_set(err, "F0000",
                     "private key file \"%s\" must be owned by the database user or root", path);
        return false;
    }
    if ((st.st_uid == me && (st.st_mode & (S_IRWXG | S_IRWXO))) ||
        (st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)))) {
        pg_error_set(err, "F0000", "private key file \"%s\" has group or world access", path);
        pg_error_detail(err, "File must have permissions u=rw (0600) or less if owned by the "
                             "database user, or permissions u=rw,g=r (0640) or less if owned by "
                             "root.");
        return false;
    }
    return true;
}

/* Never prompt on a terminal for a key's passphrase; remember that one was wanted. */
static int refuse_passphrase(char *buf, int size, int rwflag, void *userdata)
{
    UNUSED(rwflag);
    *(bool *)userdata = true;
    if (size > 0)
        buf[0] = 0;
    return 0;
}

static bool load_certificate_and_key(tls_context *ctx, const tls_settings *s, pg_error *err)
{
    if (!s->cert_file || !s->cert_file[0] || !s->key_file || !s->key_file[0]) {
        pg_error_set(err, "F0000", "ssl_cert_file and ssl_key_file must be set to use SSL");
        return false;
    }
    if (SSL_CTX_use_certificate_chain_file(ctx->ssl_ctx, s->cert_file) != 1) {
        config_error(err, "could not load server certificate file \"%s\": %s", s->cert_file);
        return false;
    }
    if (!check_key_file(s->key_file, err))
        return false;
    bool wants_passphrase = false;
    SSL_CTX_set_default_passwd_cb(ctx->ssl_ctx, refuse_passphrase);
    SSL_CTX_set_default_passwd_cb_userdata(ctx->ssl_ctx, &wants_passphrase);
    int loaded = SSL_CTX_use_PrivateKey_file(ctx->ssl_ctx, s->key_file, SSL_FILETYPE_PEM);
    SSL_CTX_set_default_passwd_cb_userdata(ctx->ssl_ctx, NULL);
    if (loaded != 1 && wants_passphrase) {
        ERR_clear_error();
        pg_error_set(err, "F0000", "private key file \"%s\" requires a passphrase", s->key_file);
        pg_error_hint(err, "iris-pgwire does not prompt for passphrases; store the key without "
                           "one (openssl pkey -in KEY -out KEY.plain) and protect it with file "
                           "permissions.");
        return false;
    }
    if (loaded != 1) {
        config_error(err, "could not load private key file \"%s\": %s", s->key_file);
        return false;
    }
    if (SSL_CTX_check_private_key(ctx->ssl_ctx) != 1) {
        char buf[64];
        pg_error_set(err, "F0000", "check of private key failed: %s",
                     ssl_error_text(take_ssl_error(), buf));
        return false;
    }
    return true;
}

static bool load_ca(tls_context *ctx, const char *ca_file, pg_error *err)
{
    if (!ca_file || !ca_file[0])
        return true;
    STACK_OF(X509_NAME) *names = NULL;
    if (SSL_CTX_load_verify_locations(ctx->ssl_ctx, ca_file, NULL) != 1 ||
        (names = SSL_load_client_CA_file(ca_file)) == NULL) {
        config_error(err, "could not load root certificate file \"%s\": %s", ca_file);
        return false;
    }
    /* Ask for a certificate and verify any that is sent; whether one is required is
     * pg_hba.conf's business (clientcert, cert). */
    SSL_CTX_set_client_CA_list(ctx->ssl_ctx, names);
    SSL_CTX_set_verify(ctx->ssl_ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, NULL);
    ctx->verifies_clients = true;
    return true;
}

/* RFC 5929 section 4.1: hash the certificate with its signature's hash, but SHA-256 for
 * MD5 and SHA-1.  Signatures without a separate hash (Ed25519, Ed448) have no binding. */
static void compute_channel_binding(tls_context *ctx)
{
    X509 *cert = SSL_CTX_get0_certificate(ctx->ssl_ctx);
    int md_nid = NID_undef;
    ctx->cbind_len = 0;
    if (!cert || !X509_get_signature_info(cert, &md_nid, NULL, NULL, NULL))
        return;
    const EVP_MD *md = NULL;
    if (md_nid == NID_md5 || md_nid == NID_sha1)
        md = EVP_sha256();
    else if (md_nid != NID_undef)
        md = EVP_get_digestbynid(md_nid);
    unsigned int len = 0;
    if (md && X509_digest(cert, md, ctx->cbind, &len) == 1)
        ctx->cbind_len = len;
    ERR_clear_error();
}

/* ALPN: accept "postgresql" when offered; a client that offers only other protocols gets
 * the fatal no_application_protocol alert (RFC 7301); no ALPN at all is accepted here and
 * judged after the handshake (required for direct TLS only). */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    UNUSED(ssl);
    UNUSED(arg);
    size_t want = strlen(ALPN_POSTGRESQL);
    for (unsigned int i = 0; i < inlen;) {
        unsigned int n = in[i];
        if (n == 0 || n > inlen - i - 1)
            break;   /* malformed list: refuse */
        if (n == want && memcmp(in + i + 1, ALPN_POSTGRESQL, want) == 0) {
            *out = in + i + 1;
            *outlen = (unsigned char)n;
            return SSL_TLSEXT_ERR_OK;
        }
        i += n + 1;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* ---------------------------------------------------------------- the fd BIO */

static int bio_read_ex(BIO *bio, char *out, size_t len, size_t *done)
{
    fd_source *src = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    *done = 0;
    if (src->preread_pos < src->preread_len) {
        size_t n = src->preread_len - src->preread_pos;
        if (n > len)
            n = len;
        memcpy(out, src->preread + src->preread_pos, n);
        src->preread_pos += n;
        *done = n;
        return 1;
    }
    for (;;) {
        ssize_t r = recv(src->fd, out, len, 0);
        if (r > 0) {
            *done = (size_t)r;
            return 1;
        }
        if (r == 0)
            return 0;   /* EOF */
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_read(bio);
        else
            src->last_errno = errno;
        return 0;
    }
}

static int bio_write_ex(BIO *bio, const char *data, size_t len, size_t *done)
{
    fd_source *src = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    *done = 0;
    for (;;) {
        /* MSG_NOSIGNAL: a vanished client is an EPIPE here, never a SIGPIPE. */
        ssize_t w = send(src->fd, data, len, MSG_NOSIGNAL);
        if (w >= 0) {
            *done = (size_t)w;
            return 1;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_write(bio);
        else
            src->last_errno = errno;
        return 0;
    }
}

static long bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
    UNUSED(bio);
    UNUSED(num);
    UNUSED(ptr);
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int bio_create(BIO *bio)
{
    BIO_set_init(bio, 1);
    return 1;
}

static BIO_METHOD *make_bio_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "pgwire socket");
    if (m && (!BIO_meth_set_read_ex(m, bio_read_ex) || !BIO_meth_set_write_ex(m, bio_write_ex) ||
              !BIO_meth_set_ctrl(m, bio_ctrl) || !BIO_meth_set_create(m, bio_create))) {
        BIO_meth_free(m);
        m = NULL;
    }
    return m;
}

/* ---------------------------------------------------------------- context */

tls_context *tls_context_new(const tls_settings *s, pg_error *err)
{
    ERR_clear_error();
    tls_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        pg_error_oom(err);
        return NULL;
    }
    atomic_init(&ctx->refs, 1);
    ctx->ssl_ctx = SSL_CTX_new(TLS_server_method());
    ctx->bio_method = make_bio_method();
    if (!ctx->ssl_ctx || !ctx->bio_method) {
        char buf[64];
        pg_error_set(err, "F0000", "could not create SSL context: %s",
                     ssl_error_text(take_ssl_error(), buf));
        tls_context_unref(ctx);
        return NULL;
    }
    SSL_CTX *c = ctx->ssl_ctx;
    /* Client-initiated renegotiation is already off in OpenSSL 3 unless allowed. */
    SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                               SSL_OP_IGNORE_UNEXPECTED_EOF |
                               (s->prefer_client_ciphers ? 0 : SSL_OP_CIPHER_SERVER_PREFERENCE));
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_session_id_context(c, (const unsigned char *)"PostgreSQL", 10);
    SSL_CTX_set_mode(c, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
    SSL_CTX_set_dh_auto(c, 1);
    SSL_CTX_set_alpn_select_cb(c, select_alpn, NULL);

    const char *ciphers = s->ciphers ? s->ciphers : DEFAULT_CIPHERS;
    bool ok = load_certificate_and_key(ctx, s, err) && set_protocol_range(ctx, s, err);
    if (ok && SSL_CTX_set_cipher_list(c, ciphers) != 1) {
        pg_error_set(err, "F0000", "could not set the cipher list (no valid ciphers available)");
        ok = false;
    }
    ok = ok && load_ca(ctx, s->ca_file, err);
    if (!ok) {
        ERR_clear_error();
        tls_context_unref(ctx);
        return NULL;
    }
    compute_channel_binding(ctx);
    return ctx;
}

tls_context *tls_context_ref(tls_context *ctx)
{
    atomic_fetch_add_explicit(&ctx->refs, 1, memory_order_relaxed);
    return ctx;
}

void tls_context_unref(tls_context *ctx)
{
    if (!ctx || atomic_fetch_sub_explicit(&ctx->refs, 1, memory_order_acq_rel) != 1)
        return;
    SSL_CTX_free(ctx->ssl_ctx);
    BIO_meth_free(ctx->bio_method);
    free(ctx);
}

bool tls_context_channel_binding(const tls_context *ctx, const uint8_t **data, size_t *len)
{
    *data = ctx->cbind_len ? ctx->cbind : NULL;
    *len = ctx->cbind_len;
    return ctx->cbind_len > 0;
}

bool tls_context_verifies_clients(const tls_context *ctx)
{
    return ctx->verifies_clients;
}

tls_probe tls_probe_client_hello(const uint8_t *buf, size_t len)
{
    if (len == 0)
        return TLS_PROBE_NEED_MORE;
    return buf[0] == 0x16 ? TLS_PROBE_CLIENT_HELLO : TLS_PROBE_NOT_TLS;
}

/* ---------------------------------------------------------------- connection */

tls_conn *tls_conn_new(tls_context *ctx, int fd, bool direct, const void *preread,
                       size_t preread_len, pg_error *err)
{
    ERR_clear_error();
    tls_conn *c = calloc(1, sizeof *c);
    if (!c || (preread_len && !(c->src.preread = malloc(preread_len)))) {
        free(c);
        pg_error_oom(err);
        return NULL;
    }
    c->ctx = tls_context_ref(ctx);
    c->direct = direct;
    c->src.fd = fd;
    if (preread_len)
        memcpy(c->src.preread, preread, preread_len);
    c->src.preread_len = preread_len;
    c->ssl = SSL_new(ctx->ssl_ctx);
    BIO *bio = c->ssl ? BIO_new(ctx->bio_method) : NULL;
    if (!bio) {
        char buf[64];
        pg_error_set(err, "53200", "could not initialize SSL connection: %s",
                     ssl_error_text(take_ssl_error(), buf));
        tls_conn_free(c);
        return NULL;
    }
    BIO_set_data(bio, &c->src);
    SSL_set_bio(c->ssl, bio, bio);
    SSL_set_accept_state(c->ssl);
    return c;
}

/* Copy the client certificate's CN and DN, refusing names with embedded NULs
 * (CVE-2009-4034: "alice\0.example.com" must not pass for "alice"). */
static bool read_peer_names(tls_conn *c, pg_error *err)
{
    X509 *peer = SSL_get0_peer_certificate(c->ssl);
    if (!peer)
        return true;
    X509_NAME *subject = X509_get_subject_name(peer);
    int len = X509_NAME_get_text_by_NID(subject, NID_commonName, NULL, 0);
    if (len >= 0) {
        c->peer_cn = malloc((size_t)len + 1);
        if (!c->peer_cn ||
            X509_NAME_get_text_by_NID(subject, NID_commonName, c->peer_cn, len + 1) != len) {
            pg_error_oom(err);
            return false;
        }
        if (strlen(c->peer_cn) != (size_t)len) {
            pg_error_set(err, "08P01", "SSL certificate's common name contains embedded null");
            return false;
        }
    }
    BIO *mem = BIO_new(BIO_s_mem());
    char *text = NULL;
    long n = 0;
    if (!mem || X509_NAME_print_ex(mem, subject, 0, XN_FLAG_RFC2253) < 0 ||
        (n = BIO_get_mem_data(mem, &text)) < 0 || !(c->peer_dn = xstrndup(text, (size_t)n))) {
        BIO_free(mem);
        pg_error_oom(err);
        return false;
    }
    BIO_free(mem);
    if (strlen(c->peer_dn) != (size_t)n) {
        pg_error_set(err, "08P01", "SSL certificate's distinguished name contains embedded null");
        return false;
    }
    c->peer_valid = SSL_get_verify_result(c->ssl) == X509_V_OK;
    return true;
}

static bool protocol_reason(int reason)
{
    switch (reason) {
    case SSL_R_NO_PROTOCOLS_AVAILABLE:
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_BAD_PROTOCOL_VERSION_NUMBER:
    case SSL_R_UNKNOWN_PROTOCOL:
    case SSL_R_UNKNOWN_SSL_VERSION:
    case SSL_R_UNSUPPORTED_SSL_VERSION:
    case SSL_R_WRONG_SSL_VERSION:
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_VERSION_TOO_HIGH:
    case SSL_R_VERSION_TOO_LOW:
        return true;
    }
    return false;
}

/* Turn SSL_get_error's verdict into a status, with PostgreSQL's messages. */
static tls_status ssl_status(tls_conn *c, int ret, bool handshake, pg_error *err)
{
    int code = SSL_get_error(c->ssl, ret);
    unsigned long ecode = take_ssl_error();
    char buf[64];
    switch (code) {
    case SSL_ERROR_WANT_READ:
        return TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        if (!handshake)
            return TLS_CLOSED;
        pg_error_set(err, "08P01", "could not accept SSL connection: EOF detected");
        return TLS_ERROR;
    case SSL_ERROR_SYSCALL:
        if (c->src.last_errno) {
            const char *what = handshake ? "could not accept SSL connection"
                                         : "could not receive data from client";
            pg_error_set(err, "08006", "%s: %s", what, strerror(c->src.last_errno));
            return TLS_ERROR;
        }
        if (!handshake)
            return TLS_CLOSED;
        pg_error_set(err, "08P01", "could not accept SSL connection: EOF detected");
        return TLS_ERROR;
    case SSL_ERROR_SSL:
        if (!handshake) {
            pg_error_set(err, "08P01", "SSL error: %s", ssl_error_text(ecode, buf));
            return TLS_ERROR;
        }
        pg_error_set(err, "08P01", "could not accept SSL connection: %s",
                     ssl_error_text(ecode, buf));
        if (protocol_reason(ERR_GET_REASON(ecode)))
            pg_error_hint(err, "This may indicate that the client does not support any SSL "
                               "protocol version between %s and %s.",
                          c->ctx->min_version, c->ctx->max_version);
        return TLS_ERROR;
    default:
        pg_error_set(err, "08P01", "unrecognized SSL error code: %d", code);
        return TLS_ERROR;
    }
}

tls_status tls_handshake(tls_conn *c, pg_error *err)
{
    if (c->handshake_done)
        return TLS_OK;
    ERR_clear_error();
    c->src.last_errno = 0;
    int r = SSL_do_handshake(c->ssl);
    if (r != 1)
        return ssl_status(c, r, true, err);
    if (c->direct && !tls_alpn_used(c)) {
        pg_error_set(err, "08P01", "received direct SSL connection request without ALPN "
                                   "protocol negotiation extension");
        return TLS_ERROR;
    }
    if (!read_peer_names(c, err))
        return TLS_ERROR;
    c->handshake_done = true;
    return TLS_OK;
}

tls_status tls_read(tls_conn *c, void *buf, size_t cap, size_t *n, pg_error *err)
{
    *n = 0;
    ERR_clear_error();
    c->src.last_errno = 0;
    int r = SSL_read_ex(c->ssl, buf, cap, n);
    return r == 1 ? TLS_OK : ssl_status(c, r, false, err);
}

tls_status tls_write(tls_conn *c, const void *buf, size_t len, size_t *n, pg_error *err)
{
    *n = 0;
    ERR_clear_error();
    c->src.last_errno = 0;
    int r = SSL_write_ex(c->ssl, buf, len, n);
    if (r == 1)
        return TLS_OK;
    tls_status st = ssl_status(c, r, false, err);
    if (st == TLS_ERROR && c->src.last_errno) {
        pg_error_set(err, "08006", "could not send data to client: %s",
                     strerror(c->src.last_errno));
    }
    return st;
}

size_t tls_pending(const tls_conn *c)
{
    int n = SSL_pending(c->ssl);
    return n > 0 ? (size_t)n : 0;
}

void tls_shutdown(tls_conn *c)
{
    ERR_clear_error();
    if (c->handshake_done)
        (void)SSL_shutdown(c->ssl);
    ERR_clear_error();
}

void tls_conn_free(tls_conn *c)
{
    if (!c)
        return;
    SSL_free(c->ssl);
    tls_context_unref(c->ctx);
    free(c->src.preread);
    free(c->peer_cn);
    free(c->peer_dn);
    free(c);
}

const char *tls_protocol(const tls_conn *c)
{
    return SSL_get_version(c->ssl);
}

const char *tls_cipher(const tls_conn *c)
{
    return SSL_get_cipher_name(c->ssl);
}

int tls_cipher_bits(const tls_conn *c)
{
    return SSL_get_cipher_bits(c->ssl, NULL);
}

bool tls_alpn_used(const tls_conn *c)
{
    const unsigned char *proto = NULL;
    unsigned int len = 0;
    SSL_get0_alpn_selected(c->ssl, &proto, &len);
    return proto && len == strlen(ALPN_POSTGRESQL) && memcmp(proto, ALPN_POSTGRESQL, len) == 0;
}

bool tls_peer_cert_valid(const tls_conn *c)
{
    return c->peer_valid;
}

bool tls_conn_verifies_clients(const tls_conn *c)
{
    return c->ctx->verifies_clients;
}

const char *tls_peer_cn(const tls_conn *c)
{
    return c->peer_cn;
}

const char *tls_peer_dn(const tls_conn *c)
{
    return c->peer_dn;
}

bool tls_channel_binding(const tls_conn *c, const uint8_t **data, size_t *len)
{
    return tls_context_channel_binding(c->ctx, data, len);
}
