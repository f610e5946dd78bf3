/*
 * odbc_connstr.c — ODBC connection strings: reading one attribute (Database=, DSN=), and
 * the connection string of a client's own login (odbc_login = client, docs/security.md).
 *
 * The grammar is SQLDriverConnect's (ODBC 3, and Microsoft's MS-ODBCSTR): attributes
 * `keyword=value` separated by ';', keywords case-insensitive.  A value that starts with '{'
 * runs to the matching '}' and may hold ';' and '='; inside it "}}" stands for one '}'.
 * unixODBC's driver manager (2.3) and psqlODBC read braces that way, so one quoting rule
 * works for the manager (which looks for DSN/DRIVER) and for the driver (UID/PWD).
 *
 * Invariants of odbc_connstr_with_login, which puts a client's words into the string:
 *  - the user name and password are written so that no byte of them can end their
 *    attribute: braced, with '}' doubled, whenever they hold ';' or start with '{' (see
 *    needs_braces).  A client can therefore never add or change another attribute (DSN,
 *    DRIVER, Database, a second UID);
 *  - every credential attribute of the service string (UID, PWD and their synonyms) is
 *    removed first, so the driver cannot pick the service account's instead of the client's;
 *  - the result is allocated once at its final size and never grown, so no copy of the
 *    password is left behind in freed memory by a realloc; the caller wipes and frees it;
 *  - a service string that does not parse (an attribute without '=', an unclosed '{') is
 *    refused: an appended attribute could otherwise be swallowed by the broken one, and the
 *    driver would fall back to the DSN's own (service) credentials.
 */
#include "backend/odbc_internal.h"

#include <stdlib.h>
#include <string.h>

/* One attribute as written: key (untrimmed of inner spaces) and raw value (braces kept). */
typedef struct connstr_attr {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
} connstr_attr;

typedef enum { ATTR_NONE, ATTR_OK, ATTR_MALFORMED } attr_result;

/* The next attribute after *p, skipping blanks and empty ';' pieces; *p moves past it. */
static attr_result next_attr(const char **p, connstr_attr *a)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == ';')
        s++;
    if (!*s) {
        *p = s;
        return ATTR_NONE;
    }
    const char *eq = s;
    while (*eq && *eq != '=' && *eq != ';')
        eq++;
    if (*eq != '=')
        return ATTR_MALFORMED;
    a->key = s;
    a->key_len = (size_t)(eq - s);
    while (a->key_len && (s[a->key_len - 1] == ' ' || s[a->key_len - 1] == '\t'))
        a->key_len--;
    const char *v = eq + 1;
    const char *end = v;
    if (*v == '{') {
        end = v + 1;
        for (;;) {
            if (!*end)
                return ATTR_MALFORMED;   /* no closing brace */
            if (*end == '}') {
                if (end[1] == '}') {
                    end += 2;
                    continue;
                }
                end++;
                break;
            }
            end++;
        }
        /* Only blanks may follow the closing brace before the ';'. */
        const char *after = end;
        while (*after == ' ' || *after == '\t')
            after++;
        if (*after && *after != ';')
            return ATTR_MALFORMED;
    } else {
        while (*end && *end != ';')
            end++;
    }
    a->value = v;
    a->value_len = (size_t)(end - v);
    *p = end;
    return ATTR_OK;
}

static bool key_is(const connstr_attr *a, const char *key)
{
    return strlen(key) == a->key_len && strncasecmp(a->key, key, a->key_len) == 0;
}

bool odbc_connstr_get(const char *cs, const char *key, char *out, size_t size)
{
    const char *p = cs ? cs : "";
    connstr_attr a;
    while (next_attr(&p, &a) == ATTR_OK) {
        if (!key_is(&a, key))
            continue;
        if (!size)
            return true;
        size_t n = 0;
        const char *v = a.value, *end = a.value + a.value_len;
        if (a.value_len >= 2 && *v == '{') {
            v++;
            end--;   /* next_attr ended the value just after its closing brace */
        }
        for (; v < end && n + 1 < size; v++) {
            out[n++] = *v;
            if (*v == '}' && v + 1 < end && v[1] == '}')
                v++;   /* "}}" is one '}' */
        }
        out[n] = 0;
        return true;
    }
    return false;
}

/* Attributes that carry credentials in the drivers we know: ODBC's UID/PWD, psqlODBC's
 * Username/Password, IRIS's odbc.ini Password, and the User/User ID others accept. */
static bool is_credential(const connstr_attr *a)
{
    static const char *const keys[] = {"UID", "PWD", "User", "Username", "User ID", "Password"};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (key_is(a, keys[i]))
            return true;
    return false;
}

bool odbc_connstr_valid(const char *cs)
{
    const char *p = cs ? cs : "";
    connstr_attr a;
    attr_result r;
    while ((r = next_attr(&p, &a)) == ATTR_OK)
        ;
    return r == ATTR_NONE;
}

/*
 * Whether a value must be braced to stay one value: it holds ';' (which would end it), starts
 * with '{' (which would open a brace), is empty, or has blanks at either end (which parsers
 * may drop).  Nothing else changes how unixODBC or psqlODBC split the string, and psqlODBC
 * removes braces from PWD but not from UID: braces only where needed keep a user name such
 * as "a@b" or "x}y" working, while one with ';' can never become another attribute.
 */
static bool needs_braces(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || v[0] == '{' || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')
        return true;
    return strchr(v, ';') != NULL;
}

/* Writes `v` as an attribute value at `out`; returns the bytes written. */
static size_t put_value(char *out, const char *v)
{
    size_t n = 0;
    if (!needs_braces(v)) {
        n = strlen(v);
        memcpy(out, v, n);
        return n;
    }
    out[n++] = '{';
    for (; *v; v++) {
        out[n++] = *v;
        if (*v == '}')
            out[n++] = '}';
    }
    out[n++] = '}';
    return n;
}

char *odbc_connstr_with_login(const char *cs, const char *user, const char *password)
{
    if (!cs)
        cs = "";
    if (!user || !password || !odbc_connstr_valid(cs))
        return NULL;
    /* Worst case: every byte kept, each credential byte doubled, braces, separators. */
    size_t size = strlen(cs) + 1 + strlen("UID=") + 2 * strlen(user) + 2 + 1 + strlen("PWD=") +
                  2 * strlen(password) + 2 + 1;
    char *out = malloc(size);
    if (!out)
        return NULL;
    size_t n = 0;
    const char *p = cs;
    connstr_attr a;
    while (next_attr(&p, &a) == ATTR_OK) {
        if (is_credential(&a))
            continue;
        memcpy(out + n, a.key, a.key_len);
        n += a.key_len;
        out[n++] = '=';
        memcpy(out + n, a.value, a.value_len);
        n += a.value_len;
        out[n++] = ';';
    }
    memcpy(out + n, "UID=", 4);
    n += 4;
    n += put_value(out + n, user);
    memcpy(out + n, ";PWD=", 5);
    n += 5;
    n += put_value(out + n, password);
    out[n] = 0;
    return out;
}
