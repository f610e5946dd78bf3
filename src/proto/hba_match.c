/*
 * hba_match.c — choosing the pg_hba.conf line for a connection (top to bottom, first match,
 * as PostgreSQL's check_hba), the FATAL messages of rejection and failed authentication in
 * PostgreSQL's words, and the client-certificate checks of clientcert and the cert method.
 *
 * An IPv4-mapped IPv6 client (::ffff:a.b.c.d, seen on dual-stack sockets) is matched as the
 * IPv4 address it carries; PostgreSQL never sees one because it listens per family.
 */
#include "proto/auth.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>

/* The client's address as family + bytes, v4-mapped addresses turned into IPv4. */
static bool client_address(const hba_request *r, int *family, uint8_t bytes[16])
{
    if (!r->addr)
        return false;
    memset(bytes, 0, 16);
    if (r->addr->sa_family == AF_INET && r->addr_len >= sizeof(struct sockaddr_in)) {
        *family = AF_INET;
        memcpy(bytes, &((const struct sockaddr_in *)r->addr)->sin_addr, 4);
        return true;
    }
    if (r->addr->sa_family == AF_INET6 && r->addr_len >= sizeof(struct sockaddr_in6)) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)r->addr)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            *family = AF_INET;
            memcpy(bytes, a->s6_addr + 12, 4);
        } else {
            *family = AF_INET6;
            memcpy(bytes, a->s6_addr, 16);
        }
        return true;
    }
    return false;
}

static bool masked_equal(int family, const uint8_t *a, const uint8_t *b, const uint8_t *mask)
{
    size_t n = family == AF_INET ? 4 : 16;
    for (size_t i = 0; i < n; i++)
        if ((a[i] ^ b[i]) & mask[i])
            return false;
    return true;
}

static bool sockaddr_bytes(const struct sockaddr *sa, int family, uint8_t out[16])
{
    if (!sa || sa->sa_family != family)
        return false;
    memset(out, 0, 16);
    if (family == AF_INET)
        memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    else
        memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    return true;
}

/* samehost: one of this machine's addresses; samenet: in the subnet of one of them. */
static bool same_host_or_net(int family, const uint8_t client[16], bool net)
{
    struct ifaddrs *list = NULL;
    if (getifaddrs(&list) != 0)
        return false;
    bool found = false;
    static const uint8_t all_ones[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    for (struct ifaddrs *i = list; i && !found; i = i->ifa_next) {
        uint8_t addr[16], mask[16];
        if (!sockaddr_bytes(i->ifa_addr, family, addr))
            continue;
        if (!net)
            found = masked_equal(family, addr, client, all_ones);
        else if (sockaddr_bytes(i->ifa_netmask, family, mask))
            found = masked_equal(family, addr, client, mask);
    }
    freeifaddrs(list);
    return found;
}

static bool is_member(const hba_request *r, const char *role)
{
    if (r->is_member)
        return r->is_member(r->member_arg, r->user, role);
    return strcmp(r->user, role) == 0;
}

static bool check_database(const hba_rule *rule, const hba_request *r)
{
    for (size_t i = 0; i < rule->n_databases; i++) {
        const hba_token *t = &rule->databases[i];
        if (t->quoted) {
            if (strcmp(t->string, r->database) == 0)
                return true;
        } else if (strcmp(t->string, "all") == 0) {
            return true;
        } else if (strcmp(t->string, "sameuser") == 0) {
            if (strcmp(r->database, r->user) == 0)
                return true;
        } else if (strcmp(t->string, "samerole") == 0 || strcmp(t->string, "samegroup") == 0) {
            if (is_member(r, r->database))
                return true;
        } else if (strcmp(t->string, "replication") == 0) {
            continue;   /* only physical replication connections, which we never accept */
        } else if (strcmp(t->string, r->database) == 0) {
            return true;
        }
    }
    return false;
}

static bool check_role(const hba_rule *rule, const hba_request *r)
{
    for (size_t i = 0; i < rule->n_roles; i++) {
        const hba_token *t = &rule->roles[i];
        if (!t->quoted && t->string[0] == '+') {
            if (is_member(r, t->string + 1))
                return true;
        } else if ((!t->quoted && strcmp(t->string, "all") == 0) ||
                   strcmp(t->string, r->user) == 0) {
            return true;
        }
    }
    return false;
}

static bool check_connection(const hba_rule *rule, const hba_request *r)
{
    if (rule->conn_type == HBA_LOCAL)
        return r->is_local;
    if (r->is_local)
        return false;
    if ((rule->conn_type == HBA_HOSTSSL && !r->is_ssl) ||
        (rule->conn_type == HBA_HOSTNOSSL && r->is_ssl) || rule->conn_type == HBA_HOSTGSSENC)
        return false;
    int family;
    uint8_t client[16];
    switch (rule->addr_kind) {
    case HBA_ADDR_ALL:
        return true;
    case HBA_ADDR_MASK:
        return client_address(r, &family, client) && family == rule->family &&
               masked_equal(family, client, rule->addr, rule->mask);
    case HBA_ADDR_SAMEHOST:
    case HBA_ADDR_SAMENET:
        return client_address(r, &family, client) &&
               same_host_or_net(family, client, rule->addr_kind == HBA_ADDR_SAMENET);
    case HBA_ADDR_NONE:
        break;
    }
    return false;
}

const hba_rule *hba_match(const hba_file *f, const hba_request *r)
{
    for (size_t i = 0; f && i < f->n_rules; i++) {
        const hba_rule *rule = &f->rules[i];
        if (check_connection(rule, r) && check_database(rule, r) && check_role(rule, r))
            return rule;
    }
    return NULL;
}

/* ---------------------------------------------------------------- messages */

/* The host as PostgreSQL prints it (numeric; "[local]" for a Unix socket). */
static void host_text(const hba_request *r, char out[INET6_ADDRSTRLEN + 8])
{
    strcpy(out, "[local]");
    if (r->is_local || !r->addr)
        return;
    if (r->addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)r->addr)->sin_addr, out,
                  INET6_ADDRSTRLEN);
    else if (r->addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)r->addr)->sin6_addr, out,
                  INET6_ADDRSTRLEN);
}

void hba_no_entry_error(pg_error *err, const hba_request *r)
{
    char host[INET6_ADDRSTRLEN + 8];
    host_text(r, host);
    pg_error_set(err, "28000",
                 "no pg_hba.conf entry for host \"%s\", user \"%s\", database \"%s\", %s", host,
                 r->user, r->database, r->is_ssl ? "SSL encryption" : "no encryption");
    err->severity = PG_SEVERITY_FATAL;
}

void hba_reject_error(pg_error *err, const hba_request *r)
{
    char host[INET6_ADDRSTRLEN + 8];
    host_text(r, host);
    pg_error_set(err, "28000",
                 "pg_hba.conf rejects connection for host \"%s\", user \"%s\", database \"%s\", %s",
                 host, r->user, r->database, r->is_ssl ? "SSL encryption" : "no encryption");
    err->severity = PG_SEVERITY_FATAL;
}

void auth_failed_error(pg_error *err, hba_method method, const char *user)
{
    const char *sqlstate = "28000", *fmt = "authentication failed for user \"%s\"";
    switch (method) {
    case HBA_REJECT:
    case HBA_IMPLICIT_REJECT:
        fmt = "authentication failed for user \"%s\": host rejected";
        break;
    case HBA_TRUST:
        fmt = "\"trust\" authentication failed for user \"%s\"";
        break;
    case HBA_PASSWORD:
    case HBA_MD5:
    case HBA_SCRAM_SHA_256:
        fmt = "password authentication failed for user \"%s\"";
        sqlstate = "28P01";   /* libpq uses it to tell a failed .pgpass password */
        break;
    case HBA_CERT:
        fmt = "certificate authentication failed for user \"%s\"";
        break;
    }
    pg_error_set(err, sqlstate, fmt, user);
    err->severity = PG_SEVERITY_FATAL;
}

void hba_matched_line_detail(const hba_rule *rule, strbuf *logdetail)
{
    if (logdetail->len)
        strbuf_putc(logdetail, '\n');
    strbuf_printf(logdetail, "Connection matched pg_hba.conf line %d: \"%s\"", rule->line_number,
                  rule->raw_line);
}

const char *hba_method_name(hba_method m)
{
    switch (m) {
    case HBA_TRUST: return "trust";
    case HBA_REJECT: return "reject";
    case HBA_SCRAM_SHA_256: return "scram-sha-256";
    case HBA_MD5: return "md5";
    case HBA_PASSWORD: return "password";
    case HBA_CERT: return "cert";
    case HBA_IMPLICIT_REJECT: break;
    }
    return "implicit reject";
}

/* ---------------------------------------------------------------- client certificates */

auth_result hba_check_client_cert(const hba_rule *rule, const char *user,
                                  const hba_client_cert *cert, bool after_password,
                                  strbuf *logdetail, pg_error *err)
{
    if (!after_password) {
        if (rule->clientcert == HBA_CLIENTCERT_OFF)
            return AUTH_OK;
        if (!cert->ca_loaded) {
            pg_error_set(err, "F0000", "client certificates can only be checked if a root "
                                       "certificate store is available");
            err->severity = PG_SEVERITY_FATAL;
            return AUTH_ERROR;
        }
        if (!cert->present) {
            pg_error_set(err, "28000", "connection requires a valid client certificate");
            err->severity = PG_SEVERITY_FATAL;
            return AUTH_ERROR;
        }
        return AUTH_OK;
    }
    if (rule->method != HBA_CERT && rule->clientcert != HBA_CLIENTCERT_VERIFY_FULL)
        return AUTH_OK;
    bool by_dn = rule->clientname == HBA_CLIENTNAME_DN;
    const char *name = cert->present ? (by_dn ? cert->dn : cert->cn) : NULL;
    if (!name || !name[0]) {
        if (logdetail)
            strbuf_printf(logdetail, "certificate authentication failed for user \"%s\": client "
                                     "certificate contains no user name", user);
        return AUTH_FAILED;
    }
    if (strcmp(name, user) == 0)
        return AUTH_OK;
    if (logdetail) {
        strbuf_printf(logdetail, "provided user name (%s) and authenticated user name (%s) do "
                                 "not match", user, name);
        if (rule->method != HBA_CERT)
            strbuf_printf(logdetail, "\ncertificate validation (clientcert=verify-full) failed "
                                     "for user \"%s\": %s mismatch", user, by_dn ? "DN" : "CN");
    }
    return AUTH_FAILED;
}
