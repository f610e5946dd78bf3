/*
 * test_odbc_connstr.c — ODBC connection strings (src/backend/odbc_connstr.c): reading an
 * attribute, and composing a client's login (odbc_login = client): braces where a value
 * needs them, '}' doubled inside, every credential attribute of the service string replaced,
 * and a service string that could swallow the appended attributes refused.
 *
 * The reference reader below is written from the grammar (SQLDriverConnect: `key=value`
 * separated by ';', a value starting with '{' runs to a '}' not followed by '}', "}}" is
 * one '}'), independently of the code under test, and every composed string is read back
 * with it: the client's user name and password must come back byte for byte, as the only
 * UID and PWD, next to the service string's other attributes unchanged.
 */
#include "backend/odbc_internal.h"
#include "unit.h"

#include <openssl/crypto.h>

#define MAX_ATTRS 16

typedef struct parsed {
    int n;
    char key[MAX_ATTRS][64];
    char value[MAX_ATTRS][256];
    bool ok;
} parsed;

/* Reads the whole string as the driver manager does; ok = false on anything malformed. */
static parsed reference_parse(const char *s)
{
    parsed p = {.ok = true};
    while (*s) {
        while (*s == ';' || *s == ' ')
            s++;
        if (!*s)
            break;
        const char *eq = strchr(s, '=');
        const char *semi = strchr(s, ';');
        if (!eq || (semi && semi < eq) || p.n == MAX_ATTRS) {
            p.ok = false;
            return p;
        }
        snprintf(p.key[p.n], sizeof p.key[p.n], "%.*s", (int)(eq - s), s);
        s = eq + 1;
        size_t n = 0;
        if (*s == '{') {
            s++;
            for (;;) {
                if (!*s) {
                    p.ok = false;
                    return p;
                }
                if (*s == '}' && s[1] == '}') {
                    p.value[p.n][n++] = '}';
                    s += 2;
                } else if (*s == '}') {
                    s++;
                    break;
                } else {
                    p.value[p.n][n++] = *s++;
                }
            }
            if (*s && *s != ';') {
                p.ok = false;
                return p;
            }
        } else {
            while (*s && *s != ';')
                p.value[p.n][n++] = *s++;
        }
        p.value[p.n][n] = 0;
        p.n++;
    }
    return p;
}

static int count_key(const parsed *p, const char *key)
{
    int n = 0;
    for (int i = 0; i < p->n; i++)
        n += strcasecmp(p->key[i], key) == 0;
    return n;
}

static const char *value_of(const parsed *p, const char *key)
{
    for (int i = 0; i < p->n; i++)
        if (strcasecmp(p->key[i], key) == 0)
            return p->value[i];
    return NULL;
}

static char *compose(const char *cs, const char *user, const char *password)
{
    return odbc_connstr_with_login(cs, user, password);
}

static void release(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

static void test_plain_values_stay_plain(void)
{
    char *s = compose("DSN=iris", "alice", "secret");
    CHECK_STR(s, "DSN=iris;UID=alice;PWD=secret");
    release(s);
    /* Characters ODBC says to avoid unbraced but that change no parse stay as they are:
     * psqlODBC does not unbrace UID, so "a@b" must reach it without braces. */
    s = compose("DSN=iris", "a@b.example", "x}y=z(1)!*?");
    CHECK_STR(s, "DSN=iris;UID=a@b.example;PWD=x}y=z(1)!*?");
    release(s);
}

static void test_values_that_need_braces(void)
{
    char *s = compose("DSN=iris", "alice", "p;w");
    CHECK_STR(s, "DSN=iris;UID=alice;PWD={p;w}");
    release(s);
    s = compose("DSN=iris", "alice", "a;}b}");
    CHECK_STR(s, "DSN=iris;UID=alice;PWD={a;}}b}}}");
    release(s);
    s = compose("DSN=iris", "alice", "{x}");
    CHECK_STR(s, "DSN=iris;UID=alice;PWD={{x}}}");
    release(s);
    s = compose("DSN=iris", "alice", " padded ");
    CHECK_STR(s, "DSN=iris;UID=alice;PWD={ padded }");
    release(s);
    s = compose("DSN=iris", "o;dd", "pw");
    CHECK_STR(s, "DSN=iris;UID={o;dd};PWD=pw");
    release(s);
}

static void test_service_credentials_are_replaced(void)
{
    char *s = compose("Driver={InterSystems IRIS ODBC35};Server=h;Port=1972;Database=USER;UID=_SYSTEM;PWD=SYS",
                      "alice", "pw");
    CHECK_STR(s, "Driver={InterSystems IRIS ODBC35};Server=h;Port=1972;Database=USER;UID=alice;PWD=pw");
    release(s);
    /* Every synonym, any case, braced values with ';' inside, blanks around keys. */
    s = compose(" uid = svc ;DSN=x; Password={a;b}};Username=svc;user=svc;User ID=svc;pwd={p};Port=1;",
                "alice", "pw");
    CHECK_STR(s, "DSN=x;Port=1;UID=alice;PWD=pw");
    release(s);
    /* Empty service string. */
    s = compose("", "alice", "pw");
    CHECK_STR(s, "UID=alice;PWD=pw");
    release(s);
    s = compose(NULL, "alice", "pw");
    CHECK_STR(s, "UID=alice;PWD=pw");
    release(s);
}

static void test_broken_service_strings_are_refused(void)
{
    /* An unclosed brace would swallow UID/PWD; an attribute without '=' would become the key
     * of the next one (unixODBC reads keys up to '=', across ';'). */
    CHECK(!odbc_connstr_valid("DSN=iris;PWD={abc"));
    CHECK(!odbc_connstr_valid("DSN=iris;Trusted"));
    CHECK(!odbc_connstr_valid("DSN=iris;PWD={a}b"));
    CHECK(odbc_connstr_valid("DSN=iris;PWD={a}} b};"));
    CHECK(odbc_connstr_valid(""));
    CHECK(odbc_connstr_valid(";;"));
    CHECK(compose("DSN=iris;PWD={abc", "alice", "pw") == NULL);
    CHECK(compose("DSN=iris;Trusted", "alice", "pw") == NULL);
    CHECK(compose("DSN=iris", NULL, "pw") == NULL);
    CHECK(compose("DSN=iris", "alice", NULL) == NULL);
}

static void test_get_reads_braced_values(void)
{
    char out[64];
    CHECK(odbc_connstr_get("Driver={PostgreSQL Unicode};Database={a;b}}c};Port=5", "database", out, sizeof out));
    CHECK_STR(out, "a;b}c");
    CHECK(odbc_connstr_get("Driver={PostgreSQL Unicode};Database={a;b}}c};Port=5", "PORT", out, sizeof out));
    CHECK_STR(out, "5");
    /* A key inside a braced value is not a key. */
    CHECK(!odbc_connstr_get("PWD={x;DSN=evil}", "DSN", out, sizeof out));
    CHECK(odbc_connstr_get("DSN=iris", "DSN", out, sizeof out));
    CHECK_STR(out, "iris");
    CHECK(!odbc_connstr_get("DSN=iris", "Database", out, sizeof out));
    CHECK(!odbc_connstr_get(NULL, "DSN", out, sizeof out));
    /* Truncated to the buffer, still terminated. */
    char small[4];
    CHECK(odbc_connstr_get("Database=abcdef", "Database", small, sizeof small));
    CHECK_STR(small, "abc");
}

/* Hostile user names and passwords: read back, each is exactly one UID and one PWD value,
 * and the service string's attributes are untouched. */
static void test_injection_never_adds_an_attribute(void)
{
    static const char *const hostile[] = {
        "x;UID=_SYSTEM", "x;PWD=", "};DSN=evil;{", "}}};DRIVER=/tmp/evil.so", "{", "}", ";", "{}",
        "{a};b", "a}};b", " ", "a;", ";a", "=;=", "{{{;}}}", "\t;\t", "ü;ñ}",
    };
    const char *service = "Driver={PostgreSQL Unicode};Server=127.0.0.1;Database=postgres;UID=postgres";
    for (size_t i = 0; i < ARRAY_LEN(hostile); i++) {
        for (size_t j = 0; j < ARRAY_LEN(hostile); j++) {
            char *s = compose(service, hostile[i], hostile[j]);
            CHECK(s != NULL);
            if (!s)
                continue;
            parsed p = reference_parse(s);
            CHECK(p.ok);
            CHECK_INT(p.n, 5);
            CHECK_INT(count_key(&p, "UID"), 1);
            CHECK_INT(count_key(&p, "PWD"), 1);
            CHECK_INT(count_key(&p, "DSN") + count_key(&p, "DRIVER"), 1);
            CHECK_STR(value_of(&p, "UID"), hostile[i]);
            CHECK_STR(value_of(&p, "PWD"), hostile[j]);
            CHECK_STR(value_of(&p, "Driver"), "PostgreSQL Unicode");
            CHECK_STR(value_of(&p, "Server"), "127.0.0.1");
            CHECK_STR(value_of(&p, "Database"), "postgres");
            release(s);
        }
    }
}

/* Every byte value in a password (but NUL) survives the round trip. */
static void test_every_byte_round_trips(void)
{
    char password[256];
    size_t n = 0;
    for (int c = 1; c < 256; c++)
        password[n++] = (char)c;
    password[n] = 0;
    char *s = compose("DSN=iris", "alice", password);
    parsed p = reference_parse(s);
    CHECK(p.ok);
    /* The reference parser's buffer is 256 bytes: the password is 255. */
    CHECK_STR(value_of(&p, "PWD"), password);
    CHECK_STR(value_of(&p, "UID"), "alice");
    release(s);
}

int main(void)
{
    RUN(test_plain_values_stay_plain);
    RUN(test_values_that_need_braces);
    RUN(test_service_credentials_are_replaced);
    RUN(test_broken_service_strings_are_refused);
    RUN(test_get_reads_braced_values);
    RUN(test_injection_never_adds_an_attribute);
    RUN(test_every_byte_round_trips);
    return UNIT_DONE();
}
