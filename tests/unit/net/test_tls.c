/*
 * test_tls.c — TLS contexts and connections: certificates made at test time with the openssl
 * command (a CA, a server and a client certificate, plus ECDSA/SHA-384, RSA/SHA-512, SHA-1 and
 * Ed25519 servers), handshakes between tls_conn and an OpenSSL client over a non-blocking
 * socketpair, bulk data both ways, direct TLS with pre-read bytes and ALPN, client
 * certificates, protocol-range and configuration errors with PostgreSQL's messages, reloads,
 * and the tls-server-end-point hash against an independent computation from the PEM file.
 */
#include "net/tls.h"
#include "unit.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

static char dir[64];

static bool sh(const char *fmt, ...) PRINTF_LIKE(1, 2);
static bool sh(const char *fmt, ...)
{
    char cmd[1024], full[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "cd %s && (%s) >/dev/null 2>&1", dir, cmd);
    return system(full) == 0;
}

static const char *file(const char *name)
{
    static char paths[8][128];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 128, "%s/%s", dir, name);
    return p;
}

static bool make_certificates(void)
{
    return sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
              "-sha256 -subj /CN=test-ca") &&
           sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.crt "
              "-days 2 -sha256 -subj /CN=other-ca") &&
           sh("openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
              "-subj /CN=localhost && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key "
              "-CAcreateserial -out server.crt -days 2 -sha256") &&
           sh("openssl req -newkey rsa:2048 -nodes -keyout alice.key -out alice.csr "
              "-subj /O=Example/CN=alice && openssl x509 -req -in alice.csr -CA ca.crt "
              "-CAkey ca.key -CAcreateserial -out alice.crt -days 2 -sha256") &&
           sh("openssl req -newkey rsa:2048 -nodes -keyout mallory.key -out mallory.csr "
              "-subj /CN=mallory && openssl x509 -req -in mallory.csr -CA other-ca.crt "
              "-CAkey other-ca.key -CAcreateserial -out mallory.crt -days 2 -sha256") &&
           sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout "
              "ec.key -out ec.crt -days 2 -sha384 -subj /CN=localhost") &&
           sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa512.key -out rsa512.crt "
              "-days 2 -sha512 -subj /CN=localhost") &&
           sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout sha1.key -out sha1.crt "
              "-days 2 -sha1 -subj /CN=localhost") &&
           sh("openssl req -x509 -newkey ed25519 -nodes -keyout ed.key -out ed.crt -days 2 "
              "-subj /CN=localhost") &&
           sh("chmod 600 *.key");
}

/* ---------------------------------------------------------------- a client */

static SSL_CTX *client_ctx(const char *ca, const char *cert, const char *key, bool alpn,
                           int max_version)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    CHECK(ctx != NULL);
    if (ca) {
        CHECK(SSL_CTX_load_verify_locations(ctx, ca, NULL) == 1);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    if (cert) {
        CHECK(SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) == 1);
        CHECK(SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1);
    }
    if (alpn)
        CHECK(SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)"\x0apostgresql", 11) == 0);
    if (max_version)
        SSL_CTX_set_max_proto_version(ctx, max_version);
    return ctx;
}

typedef struct pair {
    int server_fd, client_fd;
    SSL_CTX *client_ctx;
    SSL *client;
    tls_conn *server;
    pg_error err;
    tls_status server_status;
    bool client_done, client_failed;
} pair;

static void open_pair(pair *p, SSL_CTX *cctx)
{
    memset(p, 0, sizeof *p);
    int fds[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    p->server_fd = fds[0];
    p->client_fd = fds[1];
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    p->client_ctx = cctx;
    p->client = SSL_new(cctx);
    SSL_set_fd(p->client, p->client_fd);
    SSL_set_connect_state(p->client);
    SSL_set_tlsext_host_name(p->client, "localhost");
}

static void close_pair(pair *p)
{
    tls_conn_free(p->server);
    SSL_free(p->client);
    SSL_CTX_free(p->client_ctx);
    close(p->server_fd);
    close(p->client_fd);
    pg_error_clear(&p->err);
    ERR_clear_error();
}

static void client_step(pair *p)
{
    if (p->client_done || p->client_failed)
        return;
    int r = SSL_do_handshake(p->client);
    if (r == 1) {
        p->client_done = true;
        return;
    }
    int e = SSL_get_error(p->client, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        p->client_failed = true;
    ERR_clear_error();
}

/* Alternate both sides until each has finished or failed.  True if both succeeded. */
static bool handshake(pair *p)
{
    p->server_status = TLS_WANT_READ;
    for (int i = 0; i < 500; i++) {
        if (p->server_status == TLS_WANT_READ || p->server_status == TLS_WANT_WRITE)
            p->server_status = tls_handshake(p->server, &p->err);
        client_step(p);
        bool server_over = p->server_status == TLS_OK || p->server_status == TLS_ERROR;
        if (server_over && (p->client_done || p->client_failed)) {
            /* Let the client see an alert the server sent on its way out. */
            if (p->server_status == TLS_ERROR)
                tls_shutdown(p->server);
            client_step(p);
            break;
        }
        if (server_over && p->server_status == TLS_ERROR && i > 50)
            break;
    }
    return p->server_status == TLS_OK && p->client_done;
}

static bool connect_pair(pair *p, tls_context *ctx, SSL_CTX *cctx)
{
    open_pair(p, cctx);
    p->server = tls_conn_new(ctx, p->server_fd, false, NULL, 0, &p->err);
    CHECK(p->server != NULL);
    return p->server && handshake(p);
}

static tls_context *context(const char *cert, const char *key, const char *ca, pg_error *err)
{
    tls_settings s = {.cert_file = file(cert), .key_file = file(key),
                      .ca_file = ca ? file(ca) : NULL};
    return tls_context_new(&s, err);
}

/* Move `len` bytes server -> client, driving both sides until all arrived. */
static bool server_to_client(pair *p, const uint8_t *data, size_t len)
{
    size_t sent = 0, got = 0;
    uint8_t *in = malloc(len);
    int wants = 0;
    /* First fill the socket without reading, so that the server must report WANT_WRITE. */
    for (int i = 0; i < 1000 && sent < len; i++) {
        size_t n = 0;
        tls_status st = tls_write(p->server, data + sent, len - sent, &n, &p->err);
        if (st != TLS_OK) {
            wants += st == TLS_WANT_WRITE;
            break;
        }
        sent += n;
    }
    for (int i = 0; i < 100000 && got < len; i++) {
        if (sent < len) {
            size_t n = 0;
            tls_status st = tls_write(p->server, data + sent, len - sent, &n, &p->err);
            if (st == TLS_OK)
                sent += n;
            else if (st == TLS_WANT_WRITE)
                wants++;
            else
                break;
        }
        size_t n = 0;
        if (SSL_read_ex(p->client, in + got, len - got, &n) == 1)
            got += n;
        ERR_clear_error();
    }
    bool same = got == len && memcmp(in, data, len) == 0;
    free(in);
    CHECK(wants > 0);   /* the socket buffer filled at least once */
    return same;
}

static bool client_to_server(pair *p, const char *text)
{
    size_t n = 0;
    if (SSL_write_ex(p->client, text, strlen(text), &n) != 1 || n != strlen(text))
        return false;
    char buf[256];
    size_t got = 0;
    for (int i = 0; i < 1000 && got < n; i++) {
        size_t r = 0;
        tls_status st = tls_read(p->server, buf + got, sizeof buf - got, &r, &p->err);
        if (st == TLS_OK)
            got += r;
        else if (st != TLS_WANT_READ)
            return false;
    }
    return got == n && memcmp(buf, text, n) == 0;
}

/* ---------------------------------------------------------------- tests */

static void test_probe(void)
{
    static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
    static const uint8_t ssl_request[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    static const uint8_t startup[] = {0, 0, 0, 0x54, 0, 3, 0, 0};
    CHECK_INT(tls_probe_client_hello(hello, 0), TLS_PROBE_NEED_MORE);
    CHECK_INT(tls_probe_client_hello(hello, 1), TLS_PROBE_CLIENT_HELLO);
    CHECK_INT(tls_probe_client_hello(hello, sizeof hello), TLS_PROBE_CLIENT_HELLO);
    CHECK_INT(tls_probe_client_hello(ssl_request, sizeof ssl_request), TLS_PROBE_NOT_TLS);
    CHECK_INT(tls_probe_client_hello(startup, 1), TLS_PROBE_NOT_TLS);
}

static void test_handshake_and_data(void)
{
    pg_error err = {0};
    tls_context *ctx = context("server.crt", "server.key", NULL, &err);
    CHECK(ctx != NULL);
    if (!ctx) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    CHECK(!tls_context_verifies_clients(ctx));
    pair p;
    CHECK(connect_pair(&p, ctx, client_ctx(file("ca.crt"), NULL, NULL, false, 0)));
    CHECK_STR(tls_protocol(p.server), "TLSv1.3");
    CHECK(tls_cipher(p.server) != NULL && tls_cipher_bits(p.server) >= 128);
    CHECK(!tls_alpn_used(p.server));
    CHECK(!tls_peer_cert_valid(p.server));
    CHECK(tls_peer_cn(p.server) == NULL);
    CHECK_INT(tls_handshake(p.server, &p.err), TLS_OK);   /* idempotent */

    size_t len = 1 << 20;
    uint8_t *data = malloc(len);
    for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t)(i * 7 + i / 251);
    CHECK(server_to_client(&p, data, len));
    free(data);
    CHECK(client_to_server(&p, "SELECT 1"));

    /* Two records sent at once: the second may sit decrypted inside OpenSSL. */
    size_t n;
    CHECK(SSL_write_ex(p.client, "ab", 2, &n) == 1 && SSL_write_ex(p.client, "cd", 2, &n) == 1);
    char buf[8];
    tls_status st;
    for (int i = 0; i < 100 && (st = tls_read(p.server, buf, 1, &n, &p.err)) == TLS_WANT_READ; i++)
        ;
    CHECK_INT(st, TLS_OK);
    CHECK(tls_pending(p.server) >= 1);

    /* close_notify from the client, then EOF. */
    SSL_shutdown(p.client);
    for (int i = 0; i < 10; i++) {
        st = tls_read(p.server, buf, sizeof buf, &n, &p.err);
        if (st != TLS_OK && st != TLS_WANT_READ)
            break;
    }
    CHECK_INT(st, TLS_CLOSED);
    tls_shutdown(p.server);
    close_pair(&p);

    /* A client that vanishes without close_notify is a close too. */
    CHECK(connect_pair(&p, ctx, client_ctx(file("ca.crt"), NULL, NULL, false, 0)));
    shutdown(p.client_fd, SHUT_RDWR);
    CHECK_INT(tls_read(p.server, buf, sizeof buf, &n, &p.err), TLS_CLOSED);
    close_pair(&p);
    tls_context_unref(ctx);
}

static void test_direct_tls(void)
{
    pg_error err = {0};
    tls_context *ctx = context("server.crt", "server.key", NULL, &err);
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    for (int with_alpn = 0; with_alpn < 2; with_alpn++) {
        pair p;
        open_pair(&p, client_ctx(file("ca.crt"), NULL, NULL, with_alpn, 0));
        client_step(&p);   /* sends the ClientHello */
        uint8_t first[3];
        CHECK(recv(p.server_fd, first, sizeof first, 0) == 3);
        CHECK_INT(tls_probe_client_hello(first, 3), TLS_PROBE_CLIENT_HELLO);
        p.server = tls_conn_new(ctx, p.server_fd, true, first, sizeof first, &p.err);
        CHECK(p.server != NULL);
        bool ok = handshake(&p);
        if (with_alpn) {
            CHECK(ok);
            CHECK(tls_alpn_used(p.server));
            CHECK(client_to_server(&p, "direct"));
        } else {
            CHECK(!ok);
            CHECK_INT(p.server_status, TLS_ERROR);
            CHECK_STR(p.err.sqlstate, "08P01");
            CHECK_STR(p.err.message, "received direct SSL connection request without ALPN "
                                     "protocol negotiation extension");
        }
        close_pair(&p);
    }

    /* A client offering only other protocols is refused during the handshake. */
    pair p;
    SSL_CTX *cctx = client_ctx(file("ca.crt"), NULL, NULL, false, 0);
    CHECK(SSL_CTX_set_alpn_protos(cctx, (const unsigned char *)"\x08http/1.1", 9) == 0);
    CHECK(!connect_pair(&p, ctx, cctx));
    CHECK_INT(p.server_status, TLS_ERROR);
    CHECK_STR(p.err.message, "could not accept SSL connection: no application protocol");
    CHECK(p.client_failed);
    close_pair(&p);

    /* After SSLRequest, ALPN is optional but used when offered. */
    CHECK(connect_pair(&p, ctx, client_ctx(file("ca.crt"), NULL, NULL, true, 0)));
    CHECK(tls_alpn_used(p.server));
    close_pair(&p);
    tls_context_unref(ctx);
}

static void test_client_certificates(void)
{
    pg_error err = {0};
    tls_context *ctx = context("server.crt", "server.key", "ca.crt", &err);
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    CHECK(tls_context_verifies_clients(ctx));
    pair p;
    CHECK(connect_pair(&p, ctx, client_ctx(file("ca.crt"), file("alice.crt"), file("alice.key"),
                                           false, 0)));
    CHECK(tls_peer_cert_valid(p.server));
    CHECK_STR(tls_peer_cn(p.server), "alice");
    CHECK_STR(tls_peer_dn(p.server), "CN=alice,O=Example");
    CHECK(client_to_server(&p, "with cert"));
    close_pair(&p);

    /* No certificate: the handshake succeeds; pg_hba.conf decides later. */
    CHECK(connect_pair(&p, ctx, client_ctx(file("ca.crt"), NULL, NULL, false, 0)));
    CHECK(!tls_peer_cert_valid(p.server));
    CHECK(tls_peer_cn(p.server) == NULL);
    close_pair(&p);

    /* A certificate from another CA fails the handshake. */
    CHECK(!connect_pair(&p, ctx, client_ctx(file("ca.crt"), file("mallory.crt"),
                                            file("mallory.key"), false, 0)));
    CHECK_INT(p.server_status, TLS_ERROR);
    CHECK(p.err.message && strstr(p.err.message, "could not accept SSL connection: ") == p.err.message);
    CHECK(p.err.message && strstr(p.err.message, "certificate"));
    close_pair(&p);
    tls_context_unref(ctx);
}

static void test_protocol_range(void)
{
    pg_error err = {0};
    tls_settings s = {.cert_file = file("server.crt"), .key_file = file("server.key"),
                      .min_protocol_version = "TLSv1.3"};
    tls_context *ctx = tls_context_new(&s, &err);
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    pair p;
    CHECK(!connect_pair(&p, ctx, client_ctx(file("ca.crt"), NULL, NULL, false, TLS1_2_VERSION)));
    CHECK_INT(p.server_status, TLS_ERROR);
    CHECK_STR(p.err.sqlstate, "08P01");
    CHECK_STR(p.err.message, "could not accept SSL connection: unsupported protocol");
    CHECK_STR(p.err.hint, "This may indicate that the client does not support any SSL protocol "
                          "version between TLSv1.3 and TLSv1.3.");
    close_pair(&p);
    tls_context_unref(ctx);

    /* The default minimum is TLSv1.2; TLS 1.2 clients are fine. */
    ctx = context("server.crt", "server.key", NULL, &err);
    CHECK(connect_pair(&p, ctx, client_ctx(file("ca.crt"), NULL, NULL, false, TLS1_2_VERSION)));
    CHECK_STR(tls_protocol(p.server), "TLSv1.2");
    close_pair(&p);
    tls_context_unref(ctx);
}

static void expect_config_error(tls_settings s, const char *sqlstate, const char *message)
{
    pg_error err = {0};
    tls_context *ctx = tls_context_new(&s, &err);
    CHECK(ctx == NULL);
    tls_context_unref(ctx);
    CHECK_STR(err.sqlstate, sqlstate);
    CHECK_STR(err.message, message);
    pg_error_clear(&err);
}

static void test_configuration_errors(void)
{
    char msg[512], cert[128], key[128];
    snprintf(cert, sizeof cert, "%s", file("server.crt"));
    snprintf(key, sizeof key, "%s", file("server.key"));
    tls_settings ok = {.cert_file = cert, .key_file = key};
    tls_settings s = ok;
    s.cert_file = file("missing.crt");
    snprintf(msg, sizeof msg, "could not load server certificate file \"%s\": No such file or "
                              "directory", s.cert_file);
    expect_config_error(s, "F0000", msg);
    s = ok;
    s.key_file = file("missing.key");
    snprintf(msg, sizeof msg, "could not access private key file \"%s\": No such file or "
                              "directory", s.key_file);
    expect_config_error(s, "58P01", msg);
    s = ok;
    s.key_file = file("rsa512.key");
    snprintf(msg, sizeof msg, "could not load private key file \"%s\": key values mismatch",
             s.key_file);
    expect_config_error(s, "F0000", msg);
    s.key_file = file("ec.key");   /* another key type: it has no certificate of its own */
    expect_config_error(s, "F0000", "check of private key failed: no certificate assigned");
    s = ok;
    s.min_protocol_version = "TLSv9";
    expect_config_error(s, "22023", "invalid value for parameter \"ssl_min_protocol_version\": "
                                    "\"TLSv9\"");
    s = ok;
    s.min_protocol_version = "TLSv1.3";
    s.max_protocol_version = "TLSv1.2";
    expect_config_error(s, "F0000", "could not set SSL protocol version range");
    s = ok;
    s.ciphers = "NOPE";
    expect_config_error(s, "F0000", "could not set the cipher list (no valid ciphers available)");
    s = ok;
    s.ca_file = file("missing-ca.crt");
    snprintf(msg, sizeof msg, "could not load root certificate file \"%s\": No such file or "
                              "directory", s.ca_file);
    expect_config_error(s, "F0000", msg);

    CHECK(chmod(file("server.key"), 0644) == 0);
    snprintf(msg, sizeof msg, "private key file \"%s\" has group or world access", ok.key_file);
    expect_config_error(ok, "F0000", msg);
    CHECK(chmod(file("server.key"), 0600) == 0);
    CHECK(sh("openssl pkey -in server.key -aes128 -passout pass:x -out locked.key && "
             "chmod 600 locked.key"));
    s = ok;
    s.key_file = file("locked.key");
    pg_error err = {0};
    tls_context *ctx = tls_context_new(&s, &err);
    CHECK(ctx == NULL);
    snprintf(msg, sizeof msg, "private key file \"%s\" requires a passphrase", s.key_file);
    CHECK_STR(err.message, msg);
    pg_error_clear(&err);
}

/* The certificate's DER, from its PEM file, by hand. */
static size_t der_from_pem(const char *path, uint8_t *der, size_t cap)
{
    FILE *f = fopen(path, "r");
    char line[256], b64[8192] = "";
    bool inside = false;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "-----BEGIN CERTIFICATE-----", 27) == 0)
            inside = true;
        else if (strncmp(line, "-----END CERTIFICATE-----", 25) == 0)
            break;
        else if (inside)
            strncat(b64, line, strcspn(line, "\r\n"));
    }
    if (f)
        fclose(f);
    size_t n = strlen(b64);
    if (n == 0 || (n / 4) * 3 > cap)
        return 0;
    int len = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)n);
    if (len < 0)
        return 0;
    while (n && b64[n - 1] == '=') {
        n--;
        len--;
    }
    return (size_t)len;
}

static void expect_binding(const char *cert, const char *key, const EVP_MD *md)
{
    pg_error err = {0};
    tls_context *ctx = context(cert, key, NULL, &err);
    CHECK(ctx != NULL);
    if (!ctx) {
        fprintf(stderr, "  %s: %s\n", cert, err.message);
        pg_error_clear(&err);
        return;
    }
    const uint8_t *data;
    size_t len;
    bool offered = tls_context_channel_binding(ctx, &data, &len);
    if (!md) {
        CHECK(!offered);
        CHECK_INT(len, 0);
    } else {
        uint8_t der[4096], expect[EVP_MAX_MD_SIZE];
        unsigned int elen = 0;
        size_t dlen = der_from_pem(file(cert), der, sizeof der);
        CHECK(dlen > 0);
        CHECK(EVP_Digest(der, dlen, expect, &elen, md, NULL) == 1);
        CHECK(offered);
        CHECK_INT(len, elen);
        CHECK(len == elen && memcmp(data, expect, elen) == 0);

        /* The connection reports the same, and it is the certificate the client saw. */
        pair p;
        CHECK(connect_pair(&p, ctx, client_ctx(NULL, NULL, NULL, false, 0)));
        const uint8_t *cdata;
        size_t clen;
        CHECK(tls_channel_binding(p.server, &cdata, &clen) && clen == len);
        X509 *seen = SSL_get0_peer_certificate(p.client);
        uint8_t client_view[EVP_MAX_MD_SIZE];
        unsigned int vlen = 0;
        CHECK(seen && X509_digest(seen, md, client_view, &vlen) == 1);
        CHECK(vlen == len && memcmp(client_view, data, len) == 0);
        close_pair(&p);
    }
    tls_context_unref(ctx);
}

static void test_channel_binding(void)
{
    expect_binding("server.crt", "server.key", EVP_sha256());
    expect_binding("ec.crt", "ec.key", EVP_sha384());
    expect_binding("rsa512.crt", "rsa512.key", EVP_sha512());
    expect_binding("sha1.crt", "sha1.key", EVP_sha256());   /* SHA-1 signatures: SHA-256 */
    expect_binding("ed.crt", "ed.key", NULL);               /* Ed25519: none */
}

static void test_reload(void)
{
    pg_error err = {0};
    tls_context *old_ctx = context("server.crt", "server.key", NULL, &err);
    CHECK(old_ctx != NULL);
    if (!old_ctx)
        return;
    pair a, b;
    CHECK(connect_pair(&a, old_ctx, client_ctx(NULL, NULL, NULL, false, 0)));
    /* Reload: a new context replaces the old; the server drops its reference. */
    tls_context *new_ctx = context("ec.crt", "ec.key", NULL, &err);
    CHECK(new_ctx != NULL);
    tls_context_unref(old_ctx);
    CHECK(connect_pair(&b, new_ctx, client_ctx(NULL, NULL, NULL, false, 0)));
    const uint8_t *da, *db;
    size_t la, lb;
    CHECK(tls_channel_binding(a.server, &da, &la) && la == 32);
    CHECK(tls_channel_binding(b.server, &db, &lb) && lb == 48);
    /* The old connection still works on the old context. */
    CHECK(client_to_server(&a, "still here"));
    CHECK(client_to_server(&b, "new one"));
    close_pair(&a);   /* frees the old context with its last connection */
    close_pair(&b);
    tls_context_unref(new_ctx);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/pgwire-tls-XXXXXX");
    if (!mkdtemp(dir) || !make_certificates()) {
        fprintf(stderr, "could not create test certificates in %s\n", dir);
        return 1;
    }
    RUN(test_probe);
    RUN(test_handshake_and_data);
    RUN(test_direct_tls);
    RUN(test_client_certificates);
    RUN(test_protocol_range);
    RUN(test_configuration_errors);
    RUN(test_channel_binding);
    RUN(test_reload);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return UNIT_DONE();
}
