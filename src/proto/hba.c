/*
 * hba.c — reading pg_hba.conf: tokenizing lines as PostgreSQL 15 does (blanks and commas
 * separate, double quotes protect, '#' starts a comment, a trailing backslash continues the
 * line) and turning each line into an hba_rule, with PostgreSQL's messages for every mistake.
 *
 * Supported: local, host, hostssl, hostnossl, hostgssenc / hostnogssenc (accepted; GSSAPI
 * encryption never happens here, so hostgssenc never matches); database keywords all,
 * sameuser, samerole/samegroup, replication; user keyword all and +group; addresses as CIDR,
 * address plus mask, all, samehost, samenet (IPv4 and IPv6); methods trust, reject,
 * scram-sha-256, md5, password, cert; options clientcert and clientname.  Refused with a
 * clear message: host names, @file inclusions, and PostgreSQL's other methods ("not
 * supported by this build").
 *
 * Invariant: a file either loads completely or not at all; the caller keeps the previous
 * rules on a failed reload, as PostgreSQL does.
 */
#include "proto/auth.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#define HBA_FILE_MAX (16u << 20)

typedef struct hba_field {
    hba_token *tokens;
    size_t n;
} hba_field;

typedef struct parser {
    hba_file *f;
    const char *file_name;
    bool ssl_enabled;
    strbuf *log;
    pg_error *err;
    int line_no;
    bool line_failed;
} parser;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Record a problem of the current line: to the log always, to `err` if it is the first
 * error.  Warnings do not fail the line. */
static void report(parser *ps, bool is_error, const char *hint, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
static void report(parser *ps, bool is_error, const char *hint, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ps->log) {
        strbuf_printf(ps->log, "%s (line %d of configuration file \"%s\")", msg, ps->line_no,
                      ps->file_name);
        if (hint)
            strbuf_printf(ps->log, " HINT: %s", hint);
        strbuf_putc(ps->log, '\n');
    }
    if (!is_error)
        return;
    ps->line_failed = true;
    if (!pg_error_is_set(ps->err)) {
        pg_error_set(ps->err, "F0000", "%s", msg);
        if (hint)
            pg_error_hint(ps->err, "%s", hint);
        pg_error_context(ps->err, "line %d of configuration file \"%s\"", ps->line_no,
                         ps->file_name);
    }
}

/* ---------------------------------------------------------------- tokenizing */

/* The next token of the line at *pos.  Returns false when the line has no more tokens.
 * A token ends at an unquoted blank, an unquoted comma (*comma set, not consumed) or '#'. */
static bool next_token(const char **pos, strbuf *tok, bool *initial_quote, bool *comma)
{
    const char *p = *pos;
    bool in_quote = false, was_quote = false, saw_quote = false;
    strbuf_reset(tok);
    *initial_quote = false;
    *comma = false;
    while (*p && (is_blank(*p) || *p == ','))
        p++;
    while (*p && (in_quote || !is_blank(*p))) {
        char c = *p;
        if (c == '#' && !in_quote) {
            p += strlen(p);   /* comment: the rest of the line is ignored */
            break;
        }
        if (c == ',' && !in_quote) {
            *comma = true;
            break;
        }
        if (c != '"' || was_quote)
            strbuf_putc(tok, c);
        /* Inside quotes, "" stands for one double quote. */
        was_quote = (in_quote && c == '"') ? !was_quote : false;
        if (c == '"') {
            in_quote = !in_quote;
            saw_quote = true;
            if (tok->len == 0)
                *initial_quote = true;
        }
        p++;
    }
    *pos = p;
    return saw_quote || tok->len > 0;
}

/* One field: tokens joined by commas ("a,b" or "a, b").  n == 0 at the end of the line. */
static bool next_field(parser *ps, const char **pos, strbuf *tok, hba_field *out)
{
    size_t cap = 0;
    out->tokens = NULL;
    out->n = 0;
    bool initial_quote, comma;
    do {
        if (!next_token(pos, tok, &initial_quote, &comma))
            break;
        if (tok->failed)
            return false;
        if (!initial_quote && tok->len > 1 && tok->data[0] == '@') {
            report(ps, true, "List the names in the line itself.",
                   "secondary authentication files are not supported: \"%s\"", tok->data);
            continue;
        }
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            hba_token *t = arena_alloc(&ps->f->mem, ncap * sizeof *t);
            if (!t)
                return false;
            if (out->n)
                memcpy(t, out->tokens, out->n * sizeof *t);
            out->tokens = t;
            cap = ncap;
        }
        hba_token *t = &out->tokens[out->n++];
        t->string = arena_strndup(&ps->f->mem, tok->data, tok->len);
        t->quoted = initial_quote;
        if (!t->string)
            return false;
    } while (comma);
    return true;
}

/* ---------------------------------------------------------------- one line */

static bool keyword(const hba_token *t, const char *word)
{
    return !t->quoted && strcmp(t->string, word) == 0;
}

static bool parse_conn_type(parser *ps, const hba_field *fl, hba_rule *r)
{
    if (fl->n > 1) {
        report(ps, true, "Specify exactly one connection type per line.",
               "multiple values specified for connection type");
        return false;
    }
    const char *s = fl->tokens[0].string;
    if (strcmp(s, "local") == 0)
        r->conn_type = HBA_LOCAL;
    else if (strcmp(s, "host") == 0)
        r->conn_type = HBA_HOST;
    else if (strcmp(s, "hostssl") == 0) {
        r->conn_type = HBA_HOSTSSL;
        if (!ps->ssl_enabled)
            report(ps, false, "Set ssl = on in postgresql.conf.",
                   "hostssl record cannot match because SSL is disabled");
    } else if (strcmp(s, "hostnossl") == 0)
        r->conn_type = HBA_HOSTNOSSL;
    else if (strcmp(s, "hostgssenc") == 0) {
        r->conn_type = HBA_HOSTGSSENC;
        report(ps, false, "iris-pgwire does not offer GSSAPI encryption.",
               "hostgssenc record cannot match because GSSAPI is not supported by this build");
    } else if (strcmp(s, "hostnogssenc") == 0)
        r->conn_type = HBA_HOSTNOGSSENC;
    else {
        report(ps, true, NULL, "invalid connection type \"%s\"", s);
        return false;
    }
    return true;
}

/* A numeric address (no name lookups).  0, or getaddrinfo's error code. */
static int numeric_address(const char *s, int *family, uint8_t bytes[16])
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_flags = AI_NUMERICHOST;
    int rc = getaddrinfo(s, NULL, &hints, &res);
    if (rc != 0)
        return rc;
    if (!res)
        return EAI_NONAME;
    memset(bytes, 0, 16);
    *family = res->ai_family;
    if (res->ai_family == AF_INET)
        memcpy(bytes, &((struct sockaddr_in *)res->ai_addr)->sin_addr, 4);
    else if (res->ai_family == AF_INET6)
        memcpy(bytes, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, 16);
    else
        rc = EAI_FAMILY;
    freeaddrinfo(res);
    return rc;
}

/* A prefix length as a mask, as pg_sockaddr_cidr_mask: digits only, within the family. */
static bool cidr_mask(const char *bits_text, int family, uint8_t mask[16])
{
    char *end;
    long bits = strtol(bits_text, &end, 10);
    long max = family == AF_INET ? 32 : 128;
    if (*bits_text == 0 || *end != 0 || bits < 0 || bits > max)
        return false;
    memset(mask, 0, 16);
    for (long i = 0; i < bits; i++)
        mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
    return true;
}

/* The address field, and the mask field after it when the address has no "/bits".
 * Advances *next past the fields it used. */
static bool parse_address(parser *ps, const hba_field *fields, size_t nf, size_t *next,
                          hba_rule *r)
{
    if (*next >= nf) {
        report(ps, true, NULL, "end-of-line before IP address specification");
        return false;
    }
    const hba_field *fl = &fields[(*next)++];
    if (fl->n > 1) {
        report(ps, true, "Specify one address range per line.",
               "multiple values specified for host address");
        return false;
    }
    const hba_token *t = &fl->tokens[0];
    if (keyword(t, "all")) {
        r->addr_kind = HBA_ADDR_ALL;
        return true;
    }
    if (keyword(t, "samehost") || keyword(t, "samenet")) {
        r->addr_kind = keyword(t, "samehost") ? HBA_ADDR_SAMEHOST : HBA_ADDR_SAMENET;
        return true;
    }
    char *text = arena_strdup(&ps->f->mem, t->string);   /* whole: never a truncated address */
    if (!text) {
        report(ps, true, NULL, "out of memory");
        return false;
    }
    char *slash = strchr(text, '/');
    if (slash)
        *slash = 0;
    r->addr_kind = HBA_ADDR_MASK;
    int rc = numeric_address(text, &r->family, r->addr);
    if (rc == EAI_NONAME && slash) {
        report(ps, true, NULL, "specifying both host name and CIDR mask is invalid: \"%s\"",
               t->string);
        return false;
    }
    if (rc == EAI_NONAME) {
        report(ps, true, "Use an address range in CIDR notation, or all, samehost or samenet.",
               "invalid IP address \"%s\": host names are not supported", text);
        return false;
    }
    if (rc != 0) {
        report(ps, true, NULL, "invalid IP address \"%s\": %s", text, gai_strerror(rc));
        return false;
    }
    if (slash) {
        if (!cidr_mask(slash + 1, r->family, r->mask)) {
            report(ps, true, NULL, "invalid CIDR mask in address \"%s\"", t->string);
            return false;
        }
        return true;
    }
    if (*next >= nf) {
        report(ps, true, "Specify an address range in CIDR notation, or provide a separate "
                         "netmask.", "end-of-line before netmask specification");
        return false;
    }
    fl = &fields[(*next)++];
    if (fl->n > 1) {
        report(ps, true, NULL, "multiple values specified for netmask");
        return false;
    }
    int mask_family;
    rc = numeric_address(fl->tokens[0].string, &mask_family, r->mask);
    if (rc != 0) {
        report(ps, true, NULL, "invalid IP mask \"%s\": %s", fl->tokens[0].string,
               gai_strerror(rc));
        return false;
    }
    if (mask_family != r->family) {
        report(ps, true, NULL, "IP address and mask do not match");
        return false;
    }
    return true;
}

static bool parse_method(parser *ps, const hba_field *fl, hba_rule *r)
{
    static const struct { const char *name; hba_method method; } ours[] = {
        {"trust", HBA_TRUST}, {"reject", HBA_REJECT}, {"scram-sha-256", HBA_SCRAM_SHA_256},
        {"md5", HBA_MD5}, {"password", HBA_PASSWORD}, {"cert", HBA_CERT},
    };
    static const char *const theirs[] = {"ident", "peer", "gss", "sspi", "pam", "bsd", "ldap",
                                         "radius"};
    if (fl->n > 1) {
        report(ps, true, "Specify exactly one authentication type per line.",
               "multiple values specified for authentication type");
        return false;
    }
    const char *s = fl->tokens[0].string;
    for (size_t i = 0; i < ARRAY_LEN(ours); i++) {
        if (strcmp(s, ours[i].name) == 0) {
            r->method = ours[i].method;
            if (r->method == HBA_CERT && r->conn_type != HBA_HOSTSSL) {
                report(ps, true, NULL, "cert authentication is only supported on hostssl "
                                       "connections");
                return false;
            }
            return true;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(theirs); i++) {
        if (strcmp(s, theirs[i]) == 0) {
            report(ps, true, "iris-pgwire offers trust, reject, scram-sha-256, md5, password "
                             "and cert.",
                   "invalid authentication method \"%s\": not supported by this build", s);
            return false;
        }
    }
    report(ps, true, NULL, "invalid authentication method \"%s\"", s);
    return false;
}

/* PostgreSQL's options that belong to methods this server does not have. */
static const char *option_methods(const char *name)
{
    static const struct { const char *prefix; bool whole; const char *methods; } known[] = {
        {"ldap", false, "ldap"},          {"radius", false, "radius"},
        {"pamservice", true, "pam"},      {"pam_use_hostname", true, "pam"},
        {"krb_realm", true, "gssapi and sspi"}, {"include_realm", true, "gssapi and sspi"},
        {"compat_realm", true, "sspi"},   {"upn_username", true, "sspi"},
    };
    for (size_t i = 0; i < ARRAY_LEN(known); i++) {
        size_t n = strlen(known[i].prefix);
        if (known[i].whole ? strcmp(name, known[i].prefix) == 0
                           : strncmp(name, known[i].prefix, n) == 0)
            return known[i].methods;
    }
    return NULL;
}

static bool parse_option(parser *ps, const char *token, hba_rule *r)
{
    const char *eq = strchr(token, '=');
    if (!eq) {
        report(ps, true, NULL, "authentication option not in name=value format: %s", token);
        return false;
    }
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(eq - token), token);
    const char *val = eq + 1;
    if (strcmp(name, "clientcert") == 0 || strcmp(name, "clientname") == 0) {
        if (r->conn_type != HBA_HOSTSSL) {
            report(ps, true, NULL, "%s can only be configured for \"hostssl\" rows", name);
            return false;
        }
        if (strcmp(name, "clientname") == 0) {
            if (strcmp(val, "CN") == 0 || strcmp(val, "DN") == 0) {
                r->clientname = val[0] == 'C' ? HBA_CLIENTNAME_CN : HBA_CLIENTNAME_DN;
                return true;
            }
        } else if (strcmp(val, "verify-full") == 0) {
            r->clientcert = HBA_CLIENTCERT_VERIFY_FULL;
            return true;
        } else if (strcmp(val, "verify-ca") == 0) {
            if (r->method == HBA_CERT) {
                report(ps, true, NULL, "clientcert only accepts \"verify-full\" when using "
                                       "\"cert\" authentication");
                return false;
            }
            r->clientcert = HBA_CLIENTCERT_VERIFY_CA;
            return true;
        }
        report(ps, true, NULL, "invalid value for %s: \"%s\"", name, val);
        return false;
    }
    if (strcmp(name, "map") == 0) {
        if (r->method == HBA_CERT)
            report(ps, true, "The certificate's CN (or DN, with clientname=DN) must equal the "
                             "user name.",
                   "authentication option \"map\" is not supported: there is no pg_ident.conf");
        else
            report(ps, true, NULL, "authentication option \"%s\" is only valid for "
                                   "authentication methods %s", name,
                   "ident, peer, gssapi, sspi, and cert");
        return false;
    }
    const char *methods = option_methods(name);
    if (methods)
        report(ps, true, NULL,
               "authentication option \"%s\" is only valid for authentication methods %s",
               name, methods);
    else
        report(ps, true, NULL, "unrecognized authentication option name: \"%s\"", name);
    return false;
}

/* One tokenized line into a rule, checking in PostgreSQL's order. */
static bool parse_line(parser *ps, const hba_field *fields, size_t nf, hba_rule *r)
{
    size_t next = 1;
    if (!parse_conn_type(ps, &fields[0], r))
        return false;
    if (next >= nf) {
        report(ps, true, NULL, "end-of-line before database specification");
        return false;
    }
    r->databases = fields[next].tokens;
    r->n_databases = fields[next++].n;
    if (next >= nf) {
        report(ps, true, NULL, "end-of-line before role specification");
        return false;
    }
    r->roles = fields[next].tokens;
    r->n_roles = fields[next++].n;
    if (r->conn_type != HBA_LOCAL && !parse_address(ps, fields, nf, &next, r))
        return false;
    if (next >= nf) {
        report(ps, true, NULL, "end-of-line before authentication method");
        return false;
    }
    if (!parse_method(ps, &fields[next++], r))
        return false;
    for (; next < nf; next++)
        for (size_t i = 0; i < fields[next].n; i++)
            if (!parse_option(ps, fields[next].tokens[i].string, r))
                return false;
    /* The cert method always checks the certificate fully. */
    if (r->method == HBA_CERT)
        r->clientcert = HBA_CLIENTCERT_VERIFY_FULL;
    return true;
}

/* ---------------------------------------------------------------- whole file */

static bool add_rule(parser *ps, size_t *cap, const hba_rule *r)
{
    hba_file *f = ps->f;
    if (f->n_rules == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        hba_rule *rules = realloc(f->rules, ncap * sizeof *rules);
        if (!rules)
            return false;
        f->rules = rules;
        *cap = ncap;
    }
    f->rules[f->n_rules++] = *r;
    return true;
}

/* Tokenize and parse one logical line; false only on allocation failure. */
static bool handle_line(parser *ps, const char *line, size_t *cap)
{
    strbuf tok;
    strbuf_init(&tok);
    hba_field fields[64];
    size_t nf = 0;
    const char *pos = line;
    bool ok = true;
    ps->line_failed = false;
    while (*pos && ok) {
        hba_field fl;
        if (!(ok = next_field(ps, &pos, &tok, &fl)))
            break;
        if (fl.n == 0)
            continue;
        if (nf == ARRAY_LEN(fields)) {
            report(ps, true, NULL, "too many fields");
            break;
        }
        fields[nf++] = fl;
    }
    strbuf_free(&tok);
    if (!ok)
        return false;
    if (nf == 0 || ps->line_failed)
        return true;
    hba_rule r;
    memset(&r, 0, sizeof r);
    r.line_number = ps->line_no;
    if (!(r.raw_line = arena_strdup(&ps->f->mem, line)))
        return false;
    if (parse_line(ps, fields, nf, &r))
        return add_rule(ps, cap, &r);
    return true;
}

bool hba_parse(const char *text, size_t len, const char *file_name, bool ssl_enabled,
               strbuf *log, hba_file **out, pg_error *err)
{
    *out = NULL;
    hba_file *f = calloc(1, sizeof *f);
    if (!f) {
        pg_error_oom(err);
        return false;
    }
    arena_init(&f->mem);
    parser ps = {.f = f, .file_name = file_name, .ssl_enabled = ssl_enabled, .log = log,
                 .err = err};
    if (!(f->file_name = arena_strdup(&f->mem, file_name)))
        goto oom;
    if (memchr(text, 0, len)) {
        pg_error_set(err, "F0000", "configuration file \"%s\" contains a NUL byte", file_name);
        hba_free(f);
        return false;
    }
    size_t cap = 0;
    strbuf line;
    strbuf_init(&line);
    for (size_t pos = 0; pos < len;) {
        /* A logical line: physical lines joined while they end with a backslash. */
        strbuf_reset(&line);
        ps.line_no++;
        int first_line = ps.line_no;
        for (;;) {
            const char *nl = memchr(text + pos, '\n', len - pos);
            size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
            const char *start = text + pos;
            pos += n + (nl ? 1 : 0);
            while (n && start[n - 1] == '\r')
                n--;
            if (n && start[n - 1] == '\\' && pos < len) {
                strbuf_append(&line, start, n - 1);
                ps.line_no++;
                continue;
            }
            strbuf_append(&line, start, n);
            break;
        }
        int last_line = ps.line_no;
        ps.line_no = first_line;
        bool ok = !line.failed && handle_line(&ps, line.data ? line.data : "", &cap);
        ps.line_no = last_line;
        if (!ok) {
            strbuf_free(&line);
            goto oom;
        }
    }
    strbuf_free(&line);
    if (pg_error_is_set(err)) {
        hba_free(f);
        return false;
    }
    if (f->n_rules == 0) {
        pg_error_set(err, "F0000", "configuration file \"%s\" contains no entries", file_name);
        if (log)
            strbuf_printf(log, "configuration file \"%s\" contains no entries\n", file_name);
        hba_free(f);
        return false;
    }
    *out = f;
    return true;
oom:
    hba_free(f);
    pg_error_oom(err);
    return false;
}

bool hba_load(const char *path, bool ssl_enabled, strbuf *log, hba_file **out, pg_error *err)
{
    char *text;
    size_t len;
    *out = NULL;
    if (!auth_read_file(path, HBA_FILE_MAX, &text, &len, err)) {
        /* PostgreSQL's wording for this file. */
        char *why = err->message ? strstr(err->message, "\": ") : NULL;
        char reason[256];
        snprintf(reason, sizeof reason, "%s", why ? why + 3 : "unknown error");
        char sqlstate[6];
        memcpy(sqlstate, err->sqlstate, sizeof sqlstate);
        pg_error_set(err, sqlstate, "could not open configuration file \"%s\": %s", path, reason);
        return false;
    }
    bool ok = hba_parse(text, len, path, ssl_enabled, log, out, err);
    free(text);
    return ok;
}

void hba_free(hba_file *f)
{
    if (!f)
        return;
    free(f->rules);
    arena_free(&f->mem);
    free(f);
}
