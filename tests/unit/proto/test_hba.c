/*
 * test_hba.c — pg_hba.conf: every parse error with the text, hint and context PostgreSQL 15.20
 * logged for the same line (collected by loading these lines into a real server), tokenizing
 * (quotes, commas, comments, continuations), first-match evaluation for Unix/TCP, SSL, IPv4,
 * IPv6 and v4-mapped clients, keywords, rejection and failure messages, client certificates.
 */
#include "proto/auth.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>

static hba_file *parse(const char *text, bool ssl, pg_error *err)
{
    hba_file *f = NULL;
    if (!hba_parse(text, strlen(text), "/etc/hba.conf", ssl, NULL, &f, err))
        return NULL;
    return f;
}

/* Each bad line alone, with what PostgreSQL 15 said about it. */
static void test_parse_errors(void)
{
    static const struct { const char *line, *message, *hint; } cases[] = {
        {"hots all all 127.0.0.1/32 trust", "invalid connection type \"hots\"", NULL},
        {"local", "end-of-line before database specification", NULL},
        {"local all", "end-of-line before role specification", NULL},
        {"host all all", "end-of-line before IP address specification", NULL},
        {"host all all 127.0.0.1", "end-of-line before netmask specification",
         "Specify an address range in CIDR notation, or provide a separate netmask."},
        {"host all all 127.0.0.1/33 trust", "invalid CIDR mask in address \"127.0.0.1/33\"", NULL},
        {"host all all 127.0.0.1/x trust", "invalid CIDR mask in address \"127.0.0.1/x\"", NULL},
        {"host all all 127.0.0.1 255.255.255.0 trust extra",
         "authentication option not in name=value format: extra", NULL},
        {"host all all 127.0.0.1 ffff:: trust", "IP address and mask do not match", NULL},
        {"host all all 127.0.0.1 abc trust", "invalid IP mask \"abc\": Name or service not known", NULL},
        {"host all all 1.2.3.4.5/32 trust",
         "specifying both host name and CIDR mask is invalid: \"1.2.3.4.5/32\"", NULL},
        {"host all all myhost/32 trust",
         "specifying both host name and CIDR mask is invalid: \"myhost/32\"", NULL},
        {"host all all 127.0.0.1/32", "end-of-line before authentication method", NULL},
        {"host all all 127.0.0.1/32 foo", "invalid authentication method \"foo\"", NULL},
        {"local all all cert", "cert authentication is only supported on hostssl connections", NULL},
        {"host all all 127.0.0.1/32 cert", "cert authentication is only supported on hostssl connections", NULL},
        {"host all all 127.0.0.1/32 md5 clientcert=verify-full",
         "clientcert can only be configured for \"hostssl\" rows", NULL},
        {"hostssl all all 127.0.0.1/32 md5 clientcert=1", "invalid value for clientcert: \"1\"", NULL},
        {"hostssl all all 127.0.0.1/32 cert clientcert=verify-ca",
         "clientcert only accepts \"verify-full\" when using \"cert\" authentication", NULL},
        {"hostssl all all 127.0.0.1/32 md5 clientname=XX", "invalid value for clientname: \"XX\"", NULL},
        {"host all all 127.0.0.1/32 md5 clientname=CN",
         "clientname can only be configured for \"hostssl\" rows", NULL},
        {"hostssl all all 127.0.0.1/32 md5 foo", "authentication option not in name=value format: foo", NULL},
        {"hostssl all all 127.0.0.1/32 md5 foo=bar", "unrecognized authentication option name: \"foo\"", NULL},
        {"hostssl all all 127.0.0.1/32 md5 map=x",
         "authentication option \"map\" is only valid for authentication methods ident, peer, "
         "gssapi, sspi, and cert", NULL},
        {"hostssl all all 127.0.0.1/32 md5 ldapserver=x",
         "authentication option \"ldapserver\" is only valid for authentication methods ldap", NULL},
        {"host,local all all 127.0.0.1/32 md5", "multiple values specified for connection type",
         "Specify exactly one connection type per line."},
        {"host all all 127.0.0.1/32,::1/128 md5", "multiple values specified for host address",
         "Specify one address range per line."},
        {"host all all 127.0.0.1/32 md5,trust", "multiple values specified for authentication type",
         "Specify exactly one authentication type per line."},
        {"host all all ::1/129 md5", "invalid CIDR mask in address \"::1/129\"", NULL},
        {"host db1 ,db2 all 10.0.0.0/8 trust", "invalid authentication method \"10.0.0.0/8\"", NULL},
        {"host all all 10.0.0.0/8 trust map", "authentication option not in name=value format: map", NULL},
        {"host all all 127.0.0.1/32 krb5", "invalid authentication method \"krb5\"", NULL},
        {"host all all 10.0.0.0/ trust", "invalid CIDR mask in address \"10.0.0.0/\"", NULL},
        {"host all all 10.0.0.0/-1 trust", "invalid CIDR mask in address \"10.0.0.0/-1\"", NULL},
        {"host all all /8 trust", "specifying both host name and CIDR mask is invalid: \"/8\"", NULL},
        /* Where this server differs from PostgreSQL, on purpose. */
        {"host all all 127.0.0.1/32 ident",
         "invalid authentication method \"ident\": not supported by this build", NULL},
        {"host all all 127.0.0.1/32 radius",
         "invalid authentication method \"radius\": not supported by this build", NULL},
        {"host all all .example.com trust",
         "invalid IP address \".example.com\": host names are not supported", NULL},
        {"host @dbs all 10.0.0.0/8 trust", "secondary authentication files are not supported: \"@dbs\"",
         NULL},
        {"hostssl all all 10.0.0.0/8 cert map=m",
         "authentication option \"map\" is not supported: there is no pg_ident.conf", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        pg_error err = {0};
        char text[256];
        snprintf(text, sizeof text, "# first line\n%s\n", cases[i].line);
        hba_file *f = parse(text, true, &err);
        CHECK(f == NULL);
        CHECK_STR(err.sqlstate, "F0000");
        CHECK_STR(err.message, cases[i].message);
        if (cases[i].hint)
            CHECK_STR(err.hint, cases[i].hint);
        CHECK_STR(err.context, "line 2 of configuration file \"/etc/hba.conf\"");
        pg_error_clear(&err);
        hba_free(f);
    }
}

static void test_every_error_logged(void)
{
    const char *text = "hots all all all trust\n"
                       "local all all trust\n"
                       "hostssl all all all md5\n"
                       "host all all 1.2.3.4/40 md5\n";
    strbuf log;
    strbuf_init(&log);
    hba_file *f = NULL;
    pg_error err = {0};
    CHECK(!hba_parse(text, strlen(text), "h", false, &log, &f, &err));
    CHECK_STR(err.message, "invalid connection type \"hots\"");
    CHECK_STR(log.data,
              "invalid connection type \"hots\" (line 1 of configuration file \"h\")\n"
              "hostssl record cannot match because SSL is disabled (line 3 of configuration file "
              "\"h\") HINT: Set ssl = on in postgresql.conf.\n"
              "invalid CIDR mask in address \"1.2.3.4/40\" (line 4 of configuration file \"h\")\n");
    pg_error_clear(&err);
    strbuf_free(&log);

    /* A warning alone does not fail the load. */
    strbuf_init(&log);
    CHECK(hba_parse("hostssl all all all md5\n", 24, "h", false, &log, &f, &err));
    CHECK_INT(f->n_rules, 1);
    CHECK(strstr(log.data, "hostssl record cannot match because SSL is disabled") != NULL);
    hba_free(f);
    strbuf_free(&log);

    CHECK(!hba_parse("# nothing\n\n", 11, "h", true, NULL, &f, &err));
    CHECK_STR(err.message, "configuration file \"h\" contains no entries");
    pg_error_clear(&err);
    CHECK(!hba_load("/nonexistent/pg_hba.conf", true, NULL, &f, &err));
    CHECK_STR(err.sqlstate, "58P01");
    CHECK_STR(err.message, "could not open configuration file \"/nonexistent/pg_hba.conf\": "
                           "No such file or directory");
    pg_error_clear(&err);
}

static void test_tokenizing(void)
{
    pg_error err = {0};
    const char *text =
        "# comment line\n"
        "   \t\n"
        "host \"all\" \"my user\",\"a\"\"b\" 10.0.0.0/8 trust # trailing comment\n"
        "host db1, db2 all 10.0.0.0 255.0.0.0 md5\n"
        "hostssl all all \\\n"
        "    0.0.0.0/0 scram-sha-256 clientcert=verify-ca\r\n"
        "host \"db#1\" all all password\n"
        "local all all trust#comment\n";
    hba_file *f = parse(text, true, &err);
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_INT(f->n_rules, 5);
    const hba_rule *r = &f->rules[0];
    CHECK_INT(r->line_number, 3);
    CHECK_INT(r->n_databases, 1);
    CHECK_STR(r->databases[0].string, "all");
    CHECK(r->databases[0].quoted);
    CHECK_INT(r->n_roles, 2);
    CHECK_STR(r->roles[0].string, "my user");
    CHECK_STR(r->roles[1].string, "a\"b");
    CHECK_INT(r->method, HBA_TRUST);
    CHECK_STR(r->raw_line, "host \"all\" \"my user\",\"a\"\"b\" 10.0.0.0/8 trust # trailing comment");
    r = &f->rules[1];
    CHECK_INT(r->n_databases, 2);
    CHECK_STR(r->databases[1].string, "db2");
    CHECK_INT(r->addr_kind, HBA_ADDR_MASK);
    CHECK_INT(r->method, HBA_MD5);
    r = &f->rules[2];
    CHECK_INT(r->line_number, 5);
    CHECK_INT(r->conn_type, HBA_HOSTSSL);
    CHECK_INT(r->method, HBA_SCRAM_SHA_256);
    CHECK_INT(r->clientcert, HBA_CLIENTCERT_VERIFY_CA);
    r = &f->rules[3];
    CHECK_INT(r->line_number, 7);
    CHECK_STR(r->databases[0].string, "db#1");
    CHECK_INT(r->addr_kind, HBA_ADDR_ALL);
    CHECK_INT(f->rules[4].method, HBA_TRUST);
    hba_free(f);

    f = parse("hostssl all all all cert\nhostssl all all all md5 clientname=DN clientcert=verify-full\n",
              true, &err);
    CHECK(f && f->rules[0].clientcert == HBA_CLIENTCERT_VERIFY_FULL);
    CHECK(f && f->rules[1].clientname == HBA_CLIENTNAME_DN);
    hba_free(f);
}

/* ---------------------------------------------------------------- matching */

typedef struct conn {
    struct sockaddr_storage ss;
    hba_request r;
} conn;

static const hba_request *tcp(conn *c, const char *ip, bool ssl, const char *db, const char *user)
{
    memset(c, 0, sizeof *c);
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&c->ss;
        s->sin6_family = AF_INET6;
        CHECK(inet_pton(AF_INET6, ip, &s->sin6_addr) == 1);
        c->r.addr_len = sizeof *s;
    } else {
        struct sockaddr_in *s = (struct sockaddr_in *)&c->ss;
        s->sin_family = AF_INET;
        CHECK(inet_pton(AF_INET, ip, &s->sin_addr) == 1);
        c->r.addr_len = sizeof *s;
    }
    c->r.addr = (struct sockaddr *)&c->ss;
    c->r.is_ssl = ssl;
    c->r.database = db;
    c->r.user = user;
    return &c->r;
}

static const hba_request *unix_conn(conn *c, const char *db, const char *user)
{
    memset(c, 0, sizeof *c);
    c->r.is_local = true;
    c->r.database = db;
    c->r.user = user;
    return &c->r;
}

static int line_of(const hba_file *f, const hba_request *r)
{
    const hba_rule *rule = hba_match(f, r);
    return rule ? rule->line_number : 0;
}

static bool in_admins(void *arg, const char *user, const char *role)
{
    (void)arg;
    return strcmp(user, role) == 0 || (strcmp(role, "admins") == 0 && strcmp(user, "carol") == 0);
}

static void test_matching(void)
{
    pg_error err = {0};
    hba_file *f = parse(
        "local   sameuser  all                      trust\n"            /* 1 */
        "local   all       +admins                  md5\n"              /* 2 */
        "host    replication all  0.0.0.0/0        trust\n"             /* 3 */
        "hostnossl sales   all    10.1.0.0/16       password\n"         /* 4 */
        "hostssl sales     all    10.1.0.0 255.255.0.0 scram-sha-256\n" /* 5 */
        "host    \"all\"   all    10.2.0.0/16       md5\n"              /* 6 */
        "host    all       bob    fd00::/8          reject\n"           /* 7 */
        "host    all       all    fd00::/8          scram-sha-256\n"    /* 8 */
        "host    samerole  all    192.168.0.0/24    trust\n"            /* 9 */
        "host    all       all    samehost          md5\n"              /* 10 */
        "hostgssenc all    all    all               trust\n"            /* 11 */
        "hostssl all       all    all               cert\n",            /* 12 */
        true, &err);
    CHECK(f != NULL);
    if (!f)
        return;
    conn c;
    CHECK_INT(line_of(f, unix_conn(&c, "alice", "alice")), 1);
    CHECK_INT(line_of(f, unix_conn(&c, "db", "alice")), 0);
    c.r.is_member = in_admins;
    CHECK_INT(line_of(f, &c.r), 0);
    unix_conn(&c, "db", "carol");
    c.r.is_member = in_admins;
    CHECK_INT(line_of(f, &c.r), 2);
    /* "+admins" with no membership callback: only a role named admins is in it. */
    CHECK_INT(line_of(f, unix_conn(&c, "db", "admins")), 2);

    CHECK_INT(line_of(f, tcp(&c, "10.1.2.3", false, "sales", "bob")), 4);
    CHECK_INT(line_of(f, tcp(&c, "10.1.2.3", true, "sales", "bob")), 5);
    CHECK_INT(line_of(f, tcp(&c, "10.1.2.3", true, "replication", "bob")), 12);
    CHECK_INT(line_of(f, tcp(&c, "10.1.2.3", false, "replication", "bob")), 0);
    /* Quoted "all" is a database named all. */
    CHECK_INT(line_of(f, tcp(&c, "10.2.0.9", false, "all", "bob")), 6);
    CHECK_INT(line_of(f, tcp(&c, "10.2.0.9", false, "other", "bob")), 0);
    CHECK_INT(line_of(f, tcp(&c, "fd12::1", false, "x", "bob")), 7);
    CHECK_INT(line_of(f, tcp(&c, "fd12::1", false, "x", "eve")), 8);
    CHECK_INT(line_of(f, tcp(&c, "fe80::1", false, "x", "eve")), 0);
    /* A v4-mapped client matches IPv4 lines. */
    CHECK_INT(line_of(f, tcp(&c, "::ffff:10.1.2.3", false, "sales", "bob")), 4);
    CHECK_INT(line_of(f, tcp(&c, "192.168.0.7", false, "eve", "eve")), 9);
    CHECK_INT(line_of(f, tcp(&c, "192.168.0.7", false, "sales", "eve")), 0);
    CHECK_INT(line_of(f, tcp(&c, "127.0.0.1", false, "db", "eve")), 10);
    CHECK_INT(line_of(f, tcp(&c, "127.0.0.1", true, "db", "eve")), 10);
    CHECK_INT(line_of(f, tcp(&c, "203.0.113.5", true, "db", "eve")), 12);

    tcp(&c, "203.0.113.5", false, "db", "eve");
    CHECK(hba_match(f, &c.r) == NULL);
    hba_no_entry_error(&err, &c.r);
    CHECK_STR(err.sqlstate, "28000");
    CHECK_STR(err.message, "no pg_hba.conf entry for host \"203.0.113.5\", user \"eve\", "
                           "database \"db\", no encryption");
    CHECK_INT(err.severity, PG_SEVERITY_FATAL);
    pg_error_clear(&err);
    unix_conn(&c, "db", "eve");
    hba_no_entry_error(&err, &c.r);
    CHECK_STR(err.message, "no pg_hba.conf entry for host \"[local]\", user \"eve\", "
                           "database \"db\", no encryption");
    pg_error_clear(&err);
    tcp(&c, "fd12::1", true, "x", "bob");
    hba_reject_error(&err, &c.r);
    CHECK_STR(err.message, "pg_hba.conf rejects connection for host \"fd12::1\", user \"bob\", "
                           "database \"x\", SSL encryption");
    pg_error_clear(&err);

    strbuf detail;
    strbuf_init(&detail);
    hba_matched_line_detail(&f->rules[4], &detail);
    CHECK_STR(detail.data, "Connection matched pg_hba.conf line 5: \"hostssl sales     all    "
                           "10.1.0.0 255.255.0.0 scram-sha-256\"");
    strbuf_free(&detail);
    hba_free(f);
}

static void test_failure_messages(void)
{
    pg_error err = {0};
    auth_failed_error(&err, HBA_SCRAM_SHA_256, "bob");
    CHECK_STR(err.sqlstate, "28P01");
    CHECK_STR(err.message, "password authentication failed for user \"bob\"");
    auth_failed_error(&err, HBA_MD5, "bob");
    CHECK_STR(err.sqlstate, "28P01");
    auth_failed_error(&err, HBA_PASSWORD, "bob");
    CHECK_STR(err.message, "password authentication failed for user \"bob\"");
    auth_failed_error(&err, HBA_CERT, "bob");
    CHECK_STR(err.sqlstate, "28000");
    CHECK_STR(err.message, "certificate authentication failed for user \"bob\"");
    auth_failed_error(&err, HBA_REJECT, "bob");
    CHECK_STR(err.message, "authentication failed for user \"bob\": host rejected");
    auth_failed_error(&err, HBA_TRUST, "bob");
    CHECK_STR(err.message, "\"trust\" authentication failed for user \"bob\"");
    pg_error_clear(&err);
    CHECK_STR(hba_method_name(HBA_SCRAM_SHA_256), "scram-sha-256");
}

static void test_client_cert(void)
{
    pg_error err = {0};
    hba_file *f = parse("hostssl all all all cert\n"
                        "hostssl all all all scram-sha-256 clientcert=verify-full clientname=DN\n"
                        "hostssl all all all md5 clientcert=verify-ca\n"
                        "hostssl all all all md5\n", true, &err);
    CHECK(f != NULL);
    if (!f)
        return;
    const hba_rule *cert = &f->rules[0], *full = &f->rules[1], *ca = &f->rules[2],
                   *none = &f->rules[3];
    hba_client_cert no_ca = {.ca_loaded = false};
    hba_client_cert absent = {.ca_loaded = true, .present = false};
    hba_client_cert alice = {.ca_loaded = true, .present = true, .cn = "alice",
                             .dn = "CN=alice,O=Example"};
    strbuf log;
    strbuf_init(&log);

    CHECK_INT(hba_check_client_cert(none, "alice", &no_ca, false, &log, &err), AUTH_OK);
    CHECK_INT(hba_check_client_cert(none, "alice", &no_ca, true, &log, &err), AUTH_OK);
    CHECK_INT(hba_check_client_cert(cert, "alice", &no_ca, false, &log, &err), AUTH_ERROR);
    CHECK_STR(err.sqlstate, "F0000");
    CHECK_STR(err.message, "client certificates can only be checked if a root certificate store "
                           "is available");
    pg_error_clear(&err);
    CHECK_INT(hba_check_client_cert(ca, "alice", &absent, false, &log, &err), AUTH_ERROR);
    CHECK_STR(err.sqlstate, "28000");
    CHECK_STR(err.message, "connection requires a valid client certificate");
    pg_error_clear(&err);
    CHECK_INT(hba_check_client_cert(ca, "bob", &alice, false, &log, &err), AUTH_OK);
    CHECK_INT(hba_check_client_cert(ca, "bob", &alice, true, &log, &err), AUTH_OK);

    CHECK_INT(hba_check_client_cert(cert, "alice", &alice, false, &log, &err), AUTH_OK);
    CHECK_INT(hba_check_client_cert(cert, "alice", &alice, true, &log, &err), AUTH_OK);
    CHECK_INT(hba_check_client_cert(cert, "bob", &alice, true, &log, &err), AUTH_FAILED);
    CHECK_STR(log.data, "provided user name (bob) and authenticated user name (alice) do not match");
    strbuf_reset(&log);

    /* clientname=DN compares the whole DN. */
    CHECK_INT(hba_check_client_cert(full, "alice", &alice, true, &log, &err), AUTH_FAILED);
    CHECK_STR(log.data, "provided user name (alice) and authenticated user name "
                        "(CN=alice,O=Example) do not match\ncertificate validation "
                        "(clientcert=verify-full) failed for user \"alice\": DN mismatch");
    strbuf_reset(&log);
    CHECK_INT(hba_check_client_cert(full, "CN=alice,O=Example", &alice, true, &log, &err), AUTH_OK);
    hba_client_cert no_cn = {.ca_loaded = true, .present = true, .dn = "O=Example"};
    CHECK_INT(hba_check_client_cert(cert, "alice", &no_cn, true, &log, &err), AUTH_FAILED);
    CHECK_STR(log.data, "certificate authentication failed for user \"alice\": client "
                        "certificate contains no user name");
    strbuf_free(&log);
    hba_free(f);
}

int main(void)
{
    RUN(test_parse_errors);
    RUN(test_every_error_logged);
    RUN(test_tokenizing);
    RUN(test_matching);
    RUN(test_failure_messages);
    RUN(test_client_cert);
    return UNIT_DONE();
}
