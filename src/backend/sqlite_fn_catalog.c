/*
 * sqlite_fn_catalog.c — the engine functions catalog queries call:
 *
 *   pgw_format_type(oid, typmod)        format_type()
 *   pgw_visible(kind, oid)              pg_table_is_visible() & co. ('r', 't', 'f', ...)
 *   pgw_has_privilege(kind, obj, priv)  has_*_privilege(): the object must exist and the
 *                                       privilege words be valid; every user holds every
 *                                       privilege (the server has no GRANT)
 *   pgw_format_oidvector(v)             argument lists of pg_proc rows
 *   pgw_vector_to_array(v)              int2vector / oidvector (PostgreSQL's "1 2" text) as
 *                                       an array's storage form (JSON)
 *   pgw_vector_get(v, i)                int2vector / oidvector subscripts, counted from 0
 *
 * They reach the session's catalog view through the resolver in its type settings
 * (types.h reg_resolver), never through an engine.
 *
 * Below them, stand-ins for functions of the function library (issue 3) that catalog queries
 * need now: regular expression match, array subscripts and helpers, array_agg, string_agg,
 * and the set-returning pgw_unnest / pgw_generate_series / pgw_srf (generate_subscripts,
 * _pg_expandarray).  Each is registered only when the library has not registered a function
 * of that name already, so the library's versions win once they exist.
 */
#include "backend/sqlite_internal.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

static const type_settings *settings_of(sqlite3_context *ctx)
{
    engine_context *ec = sqlite_fn_context(ctx);
    return ec ? ec->settings : NULL;
}

/* ---------------------------------------------------------------- format_type, visibility */

static void fn_format_type(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    pg_oid oid = (pg_oid)sqlite3_value_int64(argv[0]);
    int32_t typmod = sqlite3_value_type(argv[1]) == SQLITE_NULL ? -1 : (int32_t)sqlite3_value_int64(argv[1]);
    strbuf out;
    strbuf_init(&out);
    const type_settings *ts = settings_of(ctx);
    /* format_type_extended: bpchar without a typmod given is "character"; with -1 given it
     * stays "bpchar" (CHARACTER alone would mean character(1)). */
    bool given = sqlite3_value_type(argv[1]) != SQLITE_NULL;
    if (!given && (oid == PG_OID_BPCHAR || oid == PG_OID_BPCHAR_ARRAY))
        strbuf_puts(&out, oid == PG_OID_BPCHAR ? "character" : "character[]");
    else if (given && typmod < 0 && (oid == PG_OID_BIT || oid == 1561))
        /* Likewise "bit" with -1 given is quoted: BIT alone would mean bit(1). */
        strbuf_puts(&out, oid == PG_OID_BIT ? "\"bit\"" : "\"bit\"[]");
    else if (types_by_oid(oid))
        types_format_type(oid, typmod, &out);
    else if (!(ts && ts->reg && ts->reg->name_of(ts->reg->arg, PG_OID_REGTYPE, oid, &out)))
        strbuf_puts(&out, "???");
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data, (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

static void fn_visible(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *kind = (const char *)sqlite3_value_text(argv[0]);
    const type_settings *ts = settings_of(ctx);
    int v = ts && ts->reg && kind ? ts->reg->visible(ts->reg->arg, kind[0], (pg_oid)sqlite3_value_int64(argv[1])) : -1;
    if (v < 0)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int(ctx, v);
}

/* ---------------------------------------------------------------- privileges */

static bool privilege_words_ok(const char *kind, const char *text, char *bad, size_t badsize)
{
    static const struct { char kind; const char *words[8]; } allowed[] = {
        {'r', {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", NULL}},
        {'c', {"SELECT", "INSERT", "UPDATE", "REFERENCES", NULL}},
        {'n', {"CREATE", "USAGE", NULL}},
        {'d', {"CREATE", "CONNECT", "TEMPORARY", "TEMP", NULL}},
        {'S', {"USAGE", "SELECT", "UPDATE", NULL}},
        {'f', {"EXECUTE", NULL}},
        {'t', {"USAGE", NULL}},
    };
    const char *const *words = NULL;
    for (size_t i = 0; i < ARRAY_LEN(allowed); i++)
        if (allowed[i].kind == kind[0])
            words = allowed[i].words;
    if (!words)
        return true;
    /* Comma-separated, each optionally "WITH GRANT OPTION", case-insensitive. */
    const char *p = text;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        const char *end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        size_t len = (size_t)(end - start);
        const char *suffix = " WITH GRANT OPTION";
        size_t slen = strlen(suffix);
        if (len > slen && strncasecmp(end - slen, suffix, slen) == 0)
            len -= slen;
        bool ok = false;
        for (int w = 0; words[w]; w++)
            if (strlen(words[w]) == len && strncasecmp(words[w], start, len) == 0)
                ok = true;
        if (!ok) {
            snprintf(bad, badsize, "%.*s", (int)(end - start), start);
            return false;
        }
        if (!*p)
            return true;
        p++;
    }
}

/* pgw_has_privilege(kind, object, privileges): kind r table, c column ("table.column" is not
 * needed: the column argument is checked by the template), n schema, d database, S sequence,
 * f function, t type.  A name that does not exist is an error; an OID that does not exist
 * gives NULL (as PostgreSQL). */
static void fn_has_privilege(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *kind = (const char *)sqlite3_value_text(argv[0]);
    if (!kind || sqlite3_value_type(argv[1]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *priv = (const char *)sqlite3_value_text(argv[2]);
    char bad[128];
    if (!privilege_words_ok(kind, priv, bad, sizeof bad)) {
        sqlite_fn_error(ctx, "22023", "unrecognized privilege type: \"%s\"", bad);
        return;
    }
    const type_settings *ts = settings_of(ctx);
    pg_oid type = kind[0] == 'n' ? PG_OID_REGNAMESPACE : kind[0] == 'f' ? PG_OID_REGPROCEDURE
                  : kind[0] == 't' ? PG_OID_REGTYPE : PG_OID_REGCLASS;
    if (kind[0] == 'd' || !ts || !ts->reg) {
        sqlite3_result_int(ctx, 1);
        return;
    }
    if (sqlite3_value_type(argv[1]) == SQLITE_INTEGER) {
        strbuf name;
        strbuf_init(&name);
        bool exists = ts->reg->name_of(ts->reg->arg, type, (pg_oid)sqlite3_value_int64(argv[1]), &name);
        strbuf_free(&name);
        if (exists)
            sqlite3_result_int(ctx, 1);
        else
            sqlite3_result_null(ctx);
        return;
    }
    const char *text = (const char *)sqlite3_value_text(argv[1]);
    pg_oid oid;
    pg_error err = {0};
    if (!ts->reg->oid_of(ts->reg->arg, type, text, strlen(text), &oid, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        return;
    }
    sqlite3_result_int(ctx, 1);
}

/* ---------------------------------------------------------------- int2vector, oidvector */

/* "1 2 3" → "[1,2,3]" */
static void fn_vector_to_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *p = (const char *)sqlite3_value_text(argv[0]);
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    bool first = true;
    while (p && *p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            break;
        strbuf_printf(&out, "%s%lld", first ? "" : ",", v);
        first = false;
        p = end;
    }
    strbuf_putc(&out, ']');
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data, (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

static void fn_vector_get(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *p = (const char *)sqlite3_value_text(argv[0]);
    int64_t want = sqlite3_value_int64(argv[1]);
    for (int64_t i = 0; p && *p; i++) {
        while (*p == ' ')
            p++;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            break;
        if (i == want) {
            sqlite3_result_int64(ctx, v);
            return;
        }
        p = end;
    }
    sqlite3_result_null(ctx);
}

static void fn_format_oidvector(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *p = (const char *)sqlite3_value_text(argv[0]);
    const type_settings *ts = settings_of(ctx);
    strbuf out;
    strbuf_init(&out);
    bool first = true;
    while (p && *p) {
        while (*p == ' ')
            p++;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            break;
        if (!first)
            strbuf_puts(&out, ", ");
        first = false;
        if (types_by_oid((pg_oid)v))
            types_format_type((pg_oid)v, -1, &out);
        else if (!(ts && ts->reg && ts->reg->name_of(ts->reg->arg, PG_OID_REGTYPE, (pg_oid)v, &out)))
            strbuf_puts(&out, "???");
        p = end;
    }
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data ? out.data : "", (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

/* pg_size_pretty(bigint): bytes, then kB, MB, GB, TB, PB, each shown while below 10240 of it,
 * rounded half up from one extra bit (PostgreSQL's dbsize.c arithmetic). */
static void fn_size_pretty(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    static const char *const units[] = {"kB", "MB", "GB", "TB", "PB"};
    int64_t size = sqlite3_value_int64(argv[0]);
    const int64_t limit = 10 * 1024, limit2 = limit * 2 - 1;
    char buf[64];
    if ((size < 0 ? -size : size) < limit) {
        snprintf(buf, sizeof buf, "%lld bytes", (long long)size);
    } else {
        size /= 1 << 9;   /* keep one extra bit for rounding */
        size_t u = 0;
        while ((size < 0 ? -size : size) >= limit2 && u + 1 < ARRAY_LEN(units)) {
            size /= 1 << 10;
            u++;
        }
        int64_t rounded = (size + (size < 0 ? -1 : 1)) / 2;
        snprintf(buf, sizeof buf, "%lld %s", (long long)rounded, units[u]);
    }
    sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* ================================================================ stand-ins (function library) */

static void json_element(strbuf *out, sqlite3_value *v);

/* ---------------------------------------------------------------- regular expressions */

/* POSIX extended regular expressions: PostgreSQL's ARE accepts these with the same meaning
 * for what catalog queries use (anchors, classes, alternation, groups). */
typedef struct regex_cache {
    char *pattern;
    int flags;
    regex_t re;
} regex_cache;

static void regex_cache_free(void *p)
{
    regex_cache *rc = p;
    if (!rc)
        return;
    regfree(&rc->re);
    free(rc->pattern);
    free(rc);
}

static void fn_regex_cached(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    const char *pattern = (const char *)sqlite3_value_text(argv[1]);
    int icase = sqlite3_value_int(argv[2]);
    regex_cache *rc = sqlite3_get_auxdata(ctx, 1);
    if (!rc || rc->flags != icase || strcmp(rc->pattern, pattern) != 0) {
        rc = calloc(1, sizeof *rc);
        if (!rc) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        rc->flags = icase;
        rc->pattern = strdup(pattern);
        int code = rc->pattern ? regcomp(&rc->re, pattern, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0)) : -1;
        if (code != 0) {
            char msg[256] = "out of memory";
            if (code > 0)
                regerror(code, &rc->re, msg, sizeof msg);
            else
                free(rc->pattern);
            if (code > 0)
                free(rc->pattern);
            free(rc);
            sqlite_fn_error(ctx, "2201B", "invalid regular expression: %s", msg);
            return;
        }
        /* SQLite keeps the compiled pattern while the argument is a constant. */
        sqlite3_set_auxdata(ctx, 1, rc, regex_cache_free);
        rc = sqlite3_get_auxdata(ctx, 1);
        if (!rc) {
            /* Not kept (or freed): compile once more for this call only. */
            regex_t re;
            if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0)) != 0) {
                sqlite3_result_null(ctx);
                return;
            }
            sqlite3_result_int(ctx, regexec(&re, text, 0, NULL, 0) == 0);
            regfree(&re);
            return;
        }
    }
    sqlite3_result_int(ctx, regexec(&rc->re, text, 0, NULL, 0) == 0);
}

/* ---------------------------------------------------------------- quote_ident */

/* PostgreSQL's quote_ident: quoted unless lower-case letters, digits and underscores and not a
 * keyword other than an unreserved one (PostgreSQL's own scanner tells). */
static void fn_quote_ident(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const char *name = (const char *)sqlite3_value_text(argv[0]);
    bool safe = (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';
    for (const char *p = name; safe && *p; p++)
        safe = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (safe) {
        PgQueryScanResult raw = pg_query_scan(name);
        if (!raw.error) {
            PgQuery__ScanResult *r = pg_query__scan_result__unpack(NULL, raw.pbuf.len, (const uint8_t *)raw.pbuf.data);
            if (r) {
                if (r->n_tokens == 1 && r->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__NO_KEYWORD &&
                    r->tokens[0]->keyword_kind != PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD)
                    safe = false;
                pg_query__scan_result__free_unpacked(r, NULL);
            }
        }
        pg_query_free_scan_result(raw);
    }
    if (safe) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            strbuf_putc(&out, '"');
        strbuf_putc(&out, *p);
    }
    strbuf_putc(&out, '"');
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data, (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

/* ---------------------------------------------------------------- arrays (JSON storage form) */

static void fn_array_get(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value FROM json_each(?1) WHERE key = ?2 - 1", -1, &st, NULL) != SQLITE_OK) {
        sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
        return;
    }
    sqlite3_bind_value(st, 1, argv[0]);
    sqlite3_bind_int64(st, 2, sqlite3_value_int64(argv[1]));
    if (sqlite3_step(st) == SQLITE_ROW)
        sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
    else
        sqlite3_result_null(ctx);
    sqlite3_finalize(st);
}

static void array_text_each(sqlite3_context *ctx, sqlite3_value *arr, void (*fn)(void *, sqlite3_stmt *), void *arg)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value, type FROM json_each(?1) ORDER BY key", -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_value(st, 1, arr);
    while (sqlite3_step(st) == SQLITE_ROW)
        fn(arg, st);
    sqlite3_finalize(st);
}

typedef struct join_state {
    strbuf out;
    const char *sep;
    const char *null_text;
    bool first;
} join_state;

static void join_one(void *arg, sqlite3_stmt *st)
{
    join_state *j = arg;
    const char *text;
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
        if (!j->null_text)
            return;
        text = j->null_text;
    } else {
        text = (const char *)sqlite3_column_text(st, 0);
    }
    if (!j->first)
        strbuf_puts(&j->out, j->sep);
    j->first = false;
    strbuf_puts(&j->out, text ? text : "");
}

static void fn_array_to_string(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    join_state j = {.sep = (const char *)sqlite3_value_text(argv[1]), .first = true};
    strbuf_init(&j.out);
    if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL)
        j.null_text = (const char *)sqlite3_value_text(argv[2]);
    array_text_each(ctx, argv[0], join_one, &j);
    if (j.out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, j.out.data ? j.out.data : "", (int)j.out.len, SQLITE_TRANSIENT);
    strbuf_free(&j.out);
}

/* array || array: NULL on one side gives the other. */
static void fn_array_cat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_value(ctx, argv[1]);
        return;
    }
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    const char *a = (const char *)sqlite3_value_text(argv[0]), *b = (const char *)sqlite3_value_text(argv[1]);
    size_t la = strlen(a), lb = strlen(b);
    while (la && a[la - 1] != ']')
        la--;
    const char *bs = strchr(b, '[');
    if (!la || !bs) {
        sqlite_fn_error(ctx, "22P02", "malformed array literal");
        return;
    }
    bool a_empty = true, b_empty = true;
    for (size_t i = 1; i + 1 < la; i++)
        if (a[i] != ' ')
            a_empty = false;
    for (const char *p = bs + 1; *p && *p != ']'; p++)
        if (*p != ' ')
            b_empty = false;
    strbuf out;
    strbuf_init(&out);
    strbuf_append(&out, a, la - 1);
    if (!a_empty && !b_empty)
        strbuf_putc(&out, ',');
    strbuf_puts(&out, bs + 1);
    (void)lb;
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data, (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

static int64_t array_count(sqlite3_context *ctx, sqlite3_value *arr)
{
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    sqlite3_stmt *st;
    int64_t n = 0;
    if (sqlite3_prepare_v2(db, "SELECT json_array_length(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_value(st, 1, arr);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return n;
}

/* array_length(a, 1) / array_upper(a, 1): NULL for an empty array or another dimension. */
static void fn_array_length(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL ||
        sqlite3_value_int(argv[1]) != 1) {
        sqlite3_result_null(ctx);
        return;
    }
    int64_t n = array_count(ctx, argv[0]);
    if (n == 0)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int64(ctx, n);
}

static void fn_array_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_int(argv[1]) != 1 ||
        array_count(ctx, argv[0]) == 0)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int(ctx, 1);
}

static void fn_array_cardinality(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_int64(ctx, array_count(ctx, argv[0]));
}

/* ROW(...) in record_out's text form: "(a,b)", a NULL as nothing, quoted when needed. */
static void fn_record(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '(');
    for (int i = 0; i < argc; i++) {
        if (i)
            strbuf_putc(&out, ',');
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            continue;
        const char *s = (const char *)sqlite3_value_text(argv[i]);
        bool quote = !*s;
        for (const char *p = s; *p && !quote; p++)
            quote = *p == '"' || *p == '\\' || *p == '(' || *p == ')' || *p == ',' || *p == ' ' || *p == '\t' ||
                    *p == '\n';
        if (!quote) {
            strbuf_puts(&out, s);
            continue;
        }
        strbuf_putc(&out, '"');
        for (const char *p = s; *p; p++) {
            if (*p == '"' || *p == '\\')
                strbuf_putc(&out, *p);
            strbuf_putc(&out, *p);
        }
        strbuf_putc(&out, '"');
    }
    strbuf_putc(&out, ')');
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data, (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

/* json_build_object(k1, v1, ...): keys as strings, values as JSON from their storage form. */
static void fn_json_build_object(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc % 2) {
        sqlite_fn_error(ctx, "22023", "argument list must have even number of elements");
        return;
    }
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '{');
    for (int i = 0; i < argc; i += 2) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            strbuf_free(&out);
            sqlite_fn_error(ctx, "22004", "null value not allowed for object key");
            return;
        }
        if (i)
            strbuf_puts(&out, ", ");
        sqlite3_value *key = sqlite3_value_dup(argv[i]);
        if (key && sqlite3_value_type(key) != SQLITE_TEXT) {
            /* keys are text: numbers become their digits */
            const char *t = (const char *)sqlite3_value_text(key);
            strbuf_putc(&out, '"');
            strbuf_puts(&out, t ? t : "");
            strbuf_putc(&out, '"');
        } else if (key) {
            json_element(&out, key);
        }
        sqlite3_value_free(key);
        strbuf_puts(&out, " : ");
        json_element(&out, argv[i + 1]);
    }
    strbuf_putc(&out, '}');
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data, (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

/* ---------------------------------------------------------------- array_agg, string_agg */

typedef struct agg_state {
    strbuf buf;
    int64_t n;
} agg_state;

/* A storage value as a JSON array element. */
static void json_element(strbuf *out, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: strbuf_puts(out, "null"); break;
    case SQLITE_INTEGER: strbuf_printf(out, "%lld", (long long)sqlite3_value_int64(v)); break;
    case SQLITE_FLOAT: strbuf_printf(out, "%.17g", sqlite3_value_double(v)); break;
    case SQLITE_BLOB: {
        const unsigned char *b = sqlite3_value_blob(v);
        int n = sqlite3_value_bytes(v);
        strbuf_puts(out, "\"\\\\x");
        for (int i = 0; i < n; i++)
            strbuf_printf(out, "%02x", b[i]);
        strbuf_putc(out, '"');
        break;
    }
    default: {
        const unsigned char *s = sqlite3_value_text(v);
        strbuf_putc(out, '"');
        for (; s && *s; s++) {
            if (*s == '"' || *s == '\\')
                strbuf_printf(out, "\\%c", *s);
            else if (*s < 0x20)
                strbuf_printf(out, "\\u%04x", *s);
            else
                strbuf_putc(out, (char)*s);
        }
        strbuf_putc(out, '"');
        break;
    }
    }
}

static void array_agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    agg_state *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a)
        return;
    strbuf_putc(&a->buf, a->n++ ? ',' : '[');
    json_element(&a->buf, argv[0]);
}

static void array_agg_final(sqlite3_context *ctx)
{
    agg_state *a = sqlite3_aggregate_context(ctx, 0);
    if (!a || !a->n) {
        sqlite3_result_null(ctx);
        return;
    }
    strbuf_putc(&a->buf, ']');
    if (a->buf.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, a->buf.data, (int)a->buf.len, SQLITE_TRANSIENT);
    strbuf_free(&a->buf);
}

static void string_agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    agg_state *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a)
        return;
    if (a->n++ && sqlite3_value_type(argv[1]) != SQLITE_NULL)
        strbuf_puts(&a->buf, (const char *)sqlite3_value_text(argv[1]));
    strbuf_puts(&a->buf, (const char *)sqlite3_value_text(argv[0]));
}

static void string_agg_final(sqlite3_context *ctx)
{
    agg_state *a = sqlite3_aggregate_context(ctx, 0);
    if (!a || !a->n) {
        sqlite3_result_null(ctx);
        return;
    }
    if (a->buf.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, a->buf.data ? a->buf.data : "", (int)a->buf.len, SQLITE_TRANSIENT);
    strbuf_free(&a->buf);
}

/* ---------------------------------------------------------------- ordered aggregates */

/* pgw_ordered_agg(kind, value, separator, directions, key1 ...): rows are kept and sorted at
 * the end (directions: per key 'a'/'d' then 'f'/'l' for NULLS FIRST/LAST); kinds array_agg,
 * json_agg, jsonb_agg (a JSON array) and string_agg (text with the separator). */
typedef struct ordered_row {
    sqlite3_value *value, *sep;
    sqlite3_value *keys[8];
} ordered_row;

typedef struct ordered_state {
    ordered_row *rows;
    size_t n, cap;
    int nkeys;
    char kind[16];
    char dirs[17];
    bool failed;
} ordered_state;

static int compare_values(sqlite3_value *a, sqlite3_value *b)
{
    int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
    bool na = ta == SQLITE_INTEGER || ta == SQLITE_FLOAT, nb = tb == SQLITE_INTEGER || tb == SQLITE_FLOAT;
    if (na && nb) {
        if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
            sqlite3_int64 x = sqlite3_value_int64(a), y = sqlite3_value_int64(b);
            return x < y ? -1 : x > y;
        }
        double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
        return x < y ? -1 : x > y;
    }
    if (na != nb)
        return na ? -1 : 1;
    int la = sqlite3_value_bytes(a), lb = sqlite3_value_bytes(b);
    const void *pa = ta == SQLITE_BLOB ? sqlite3_value_blob(a) : (const void *)sqlite3_value_text(a);
    const void *pb = tb == SQLITE_BLOB ? sqlite3_value_blob(b) : (const void *)sqlite3_value_text(b);
    int c = memcmp(pa, pb, (size_t)(la < lb ? la : lb));
    return c ? c : (la < lb ? -1 : la > lb);
}

static const ordered_state *sort_state;

static int compare_rows(const void *pa, const void *pb)
{
    const ordered_row *a = pa, *b = pb;
    for (int k = 0; k < sort_state->nkeys; k++) {
        bool desc = sort_state->dirs[2 * k] == 'd', nulls_first = sort_state->dirs[2 * k + 1] == 'f';
        bool an = sqlite3_value_type(a->keys[k]) == SQLITE_NULL, bn = sqlite3_value_type(b->keys[k]) == SQLITE_NULL;
        int c;
        if (an || bn)
            c = an == bn ? 0 : (an ? (nulls_first ? -1 : 1) : (nulls_first ? 1 : -1));
        else {
            c = compare_values(a->keys[k], b->keys[k]);
            if (desc)
                c = -c;
        }
        if (c)
            return c;
    }
    return 0;
}

static void ordered_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    ordered_state *s = sqlite3_aggregate_context(ctx, sizeof *s);
    if (!s || s->failed)
        return;
    if (!s->kind[0]) {
        snprintf(s->kind, sizeof s->kind, "%s", (const char *)sqlite3_value_text(argv[0]));
        snprintf(s->dirs, sizeof s->dirs, "%s", (const char *)sqlite3_value_text(argv[3]));
        s->nkeys = argc - 4 > 8 ? 8 : argc - 4;
    }
    if (strcmp(s->kind, "string_agg") == 0 && sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        ordered_row *grown = sqlite3_realloc64(s->rows, cap * sizeof *grown);
        if (!grown) {
            s->failed = true;
            sqlite3_result_error_nomem(ctx);
            return;
        }
        s->rows = grown;
        s->cap = cap;
    }
    ordered_row *r = &s->rows[s->n++];
    memset(r, 0, sizeof *r);
    r->value = sqlite3_value_dup(argv[1]);
    r->sep = sqlite3_value_dup(argv[2]);
    for (int k = 0; k < s->nkeys; k++)
        r->keys[k] = sqlite3_value_dup(argv[4 + k]);
}

static void ordered_final(sqlite3_context *ctx)
{
    ordered_state *s = sqlite3_aggregate_context(ctx, 0);
    if (!s || !s->n) {
        sqlite3_result_null(ctx);
        return;
    }
    /* qsort has no context argument: the aggregate runs on one thread at a time per
     * connection, and the pointer is only read during this call. */
    static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&sort_lock);
    sort_state = s;
    qsort(s->rows, s->n, sizeof *s->rows, compare_rows);
    sort_state = NULL;
    pthread_mutex_unlock(&sort_lock);
    strbuf out;
    strbuf_init(&out);
    bool string = strcmp(s->kind, "string_agg") == 0;
    if (!string)
        strbuf_putc(&out, '[');
    for (size_t i = 0; i < s->n; i++) {
        ordered_row *r = &s->rows[i];
        if (string) {
            if (i && sqlite3_value_type(r->sep) != SQLITE_NULL)
                strbuf_puts(&out, (const char *)sqlite3_value_text(r->sep));
            strbuf_puts(&out, (const char *)sqlite3_value_text(r->value));
        } else {
            if (i)
                strbuf_putc(&out, ',');
            json_element(&out, r->value);
        }
    }
    if (!string)
        strbuf_putc(&out, ']');
    for (size_t i = 0; i < s->n; i++) {
        sqlite3_value_free(s->rows[i].value);
        sqlite3_value_free(s->rows[i].sep);
        for (int k = 0; k < s->nkeys; k++)
            sqlite3_value_free(s->rows[i].keys[k]);
    }
    sqlite3_free(s->rows);
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text(ctx, out.data ? out.data : "", (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

/* ---------------------------------------------------------------- set-returning functions */

/*
 * One table-valued module for the set-returning functions catalog queries use.  Columns:
 * value, ordinality, then hidden arguments.  Rows are computed at xFilter:
 *   pgw_unnest(array)                       elements, 1-based position
 *   pgw_generate_series(start, stop, step)  integers
 *   pgw_srf('subscripts', array, lower)     generate_subscripts(array, 1): lower..lower+n-1
 *   pgw_srf('expand', array, 0)             _pg_expandarray: (element, 1-based position)
 */
typedef enum { SRF_UNNEST, SRF_SERIES, SRF_GENERIC } srf_kind;

typedef struct srf_vtab {
    sqlite3_vtab base;
    srf_kind kind;
    sqlite3 *db;
} srf_vtab;

typedef struct srf_cursor {
    sqlite3_vtab_cursor base;
    sqlite3_value **values;     /* duplicated per row */
    int64_t *ints;              /* when rows are integers (series) */
    int64_t nrows, row;
    int64_t ordinality_base;
} srf_cursor;

static int srf_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err)
{
    (void)argc;
    (void)argv;
    (void)err;
    srf_kind kind = (srf_kind)(intptr_t)aux;
    int rc = sqlite3_declare_vtab(db, kind == SRF_SERIES
                                          ? "CREATE TABLE x(value, ordinality, a1 HIDDEN, a2 HIDDEN, a3 HIDDEN)"
                                      : kind == SRF_UNNEST ? "CREATE TABLE x(value, ordinality, a1 HIDDEN)"
                                                           : "CREATE TABLE x(value, ordinality, a1 HIDDEN, a2 HIDDEN, a3 HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    srf_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->kind = kind;
    v->db = db;
    *out = &v->base;
    return SQLITE_OK;
}

static int srf_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

static int srf_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    srf_vtab *v = (srf_vtab *)vt;
    int nargs = v->kind == SRF_UNNEST ? 1 : 3;
    int seen = 0;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->iColumn < 2 || c->iColumn >= 2 + nargs || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (!c->usable)
            return SQLITE_CONSTRAINT;
        info->aConstraintUsage[i].argvIndex = c->iColumn - 1;
        info->aConstraintUsage[i].omit = 1;
        seen |= 1 << (c->iColumn - 2);
    }
    info->idxNum = seen;
    info->estimatedCost = 10;
    info->estimatedRows = 10;
    return SQLITE_OK;
}

static int srf_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
    (void)v;
    srf_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *out = &c->base;
    return SQLITE_OK;
}

static void srf_clear(srf_cursor *c)
{
    for (int64_t i = 0; c->values && i < c->nrows; i++)
        sqlite3_value_free(c->values[i]);
    sqlite3_free(c->values);
    sqlite3_free(c->ints);
    c->values = NULL;
    c->ints = NULL;
    c->nrows = c->row = 0;
}

static int srf_close(sqlite3_vtab_cursor *cur)
{
    srf_clear((srf_cursor *)cur);
    sqlite3_free(cur);
    return SQLITE_OK;
}

static int load_elements(srf_cursor *c, sqlite3 *db, sqlite3_value *arr)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "SELECT value FROM json_each(?1) ORDER BY key", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_value(st, 1, arr);
    int64_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (c->nrows == cap) {
            cap = cap ? cap * 2 : 16;
            sqlite3_value **grown = sqlite3_realloc64(c->values, (sqlite3_uint64)cap * sizeof *grown);
            if (!grown) {
                sqlite3_finalize(st);
                return SQLITE_NOMEM;
            }
            c->values = grown;
        }
        c->values[c->nrows] = sqlite3_value_dup(sqlite3_column_value(st, 0));
        if (!c->values[c->nrows]) {
            sqlite3_finalize(st);
            return SQLITE_NOMEM;
        }
        c->nrows++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int set_ints(srf_cursor *c, int64_t start, int64_t stop, int64_t step)
{
    if (step == 0)
        return SQLITE_ERROR;
    int64_t n = step > 0 ? (stop >= start ? (stop - start) / step + 1 : 0)
                         : (start >= stop ? (start - stop) / -step + 1 : 0);
    if (n > 100000000)
        return SQLITE_TOOBIG;
    c->ints = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof *c->ints);
    if (!c->ints)
        return SQLITE_NOMEM;
    for (int64_t i = 0; i < n; i++)
        c->ints[i] = start + i * step;
    c->nrows = n;
    return SQLITE_OK;
}

static int srf_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc, sqlite3_value **argv)
{
    (void)idx_str;
    srf_cursor *c = (srf_cursor *)cur;
    srf_vtab *v = (srf_vtab *)cur->pVtab;
    srf_clear(c);
    c->ordinality_base = 1;
    sqlite3_value *args[3] = {NULL, NULL, NULL};
    for (int bit = 0, k = 0; bit < 3 && k < argc; bit++)
        if (idx_num & (1 << bit))
            args[bit] = argv[k++];
    for (int i = 0; i < 3; i++)
        if ((v->kind == SRF_UNNEST ? i < 1 : i < 3) && args[i] && sqlite3_value_type(args[i]) == SQLITE_NULL)
            return SQLITE_OK;   /* NULL argument: no rows */
    switch (v->kind) {
    case SRF_UNNEST:
        return args[0] ? load_elements(c, v->db, args[0]) : SQLITE_OK;
    case SRF_SERIES:
        if (!args[0] || !args[1])
            return SQLITE_OK;
        {
            int rc = set_ints(c, sqlite3_value_int64(args[0]), sqlite3_value_int64(args[1]),
                              args[2] ? sqlite3_value_int64(args[2]) : 1);
            if (rc == SQLITE_ERROR) {
                sqlite3_free(cur->pVtab->zErrMsg);
                cur->pVtab->zErrMsg = sqlite3_mprintf("22023:step size cannot equal zero");
            }
            return rc;
        }
    case SRF_GENERIC: {
        const char *what = args[0] ? (const char *)sqlite3_value_text(args[0]) : "";
        if (!args[1])
            return SQLITE_OK;
        if (strcmp(what, "expand") == 0)
            return load_elements(c, v->db, args[1]);
        if (strcmp(what, "subscripts") == 0) {
            /* generate_subscripts(array, 1): the array's subscripts from its lower bound. */
            int rc = load_elements(c, v->db, args[1]);
            if (rc != SQLITE_OK)
                return rc;
            int64_t n = c->nrows, lower = args[2] ? sqlite3_value_int64(args[2]) : 1;
            srf_clear(c);
            return n ? set_ints(c, lower, lower + n - 1, 1) : SQLITE_OK;
        }
        return SQLITE_OK;
    }
    }
    return SQLITE_OK;
}

static int srf_next(sqlite3_vtab_cursor *cur)
{
    ((srf_cursor *)cur)->row++;
    return SQLITE_OK;
}

static int srf_eof(sqlite3_vtab_cursor *cur)
{
    srf_cursor *c = (srf_cursor *)cur;
    return c->row >= c->nrows;
}

static int srf_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    srf_cursor *c = (srf_cursor *)cur;
    if (col == 0) {
        if (c->ints)
            sqlite3_result_int64(ctx, c->ints[c->row]);
        else if (c->values)
            sqlite3_result_value(ctx, c->values[c->row]);
        else
            sqlite3_result_null(ctx);
    } else if (col == 1) {
        sqlite3_result_int64(ctx, c->row + c->ordinality_base);
    } else {
        sqlite3_result_null(ctx);
    }
    return SQLITE_OK;
}

static int srf_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((srf_cursor *)cur)->row + 1;
    return SQLITE_OK;
}

static const sqlite3_module srf_module = {
    .iVersion = 0,
    .xConnect = srf_connect,
    .xBestIndex = srf_best_index,
    .xDisconnect = srf_disconnect,
    .xOpen = srf_open,
    .xClose = srf_close,
    .xFilter = srf_filter,
    .xNext = srf_next,
    .xEof = srf_eof,
    .xColumn = srf_column,
    .xRowid = srf_rowid,
};

/* ---------------------------------------------------------------- registration */

typedef struct fn_def {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
    bool deterministic;
} fn_def;

static const fn_def catalog_functions[] = {
    {"pgw_format_type", 2, fn_format_type, false},
    {"pgw_visible", 2, fn_visible, false},
    {"pgw_has_privilege", 3, fn_has_privilege, false},
    {"pgw_vector_to_array", 1, fn_vector_to_array, true},
    {"pgw_vector_get", 2, fn_vector_get, true},
    {"pgw_format_oidvector", 1, fn_format_oidvector, false},
    {"pgw_size_pretty", 1, fn_size_pretty, true},
};

static const fn_def standin_functions[] = {
    {"pgw_regex", 3, fn_regex_cached, true},
    {"pgw_quote_ident", 1, fn_quote_ident, true},
    {"pgw_array_get", 2, fn_array_get, true},
    {"pgw_array_cat", 2, fn_array_cat, true},
    {"pgw_record", -1, fn_record, true},
    {"pgw_json_build_object", -1, fn_json_build_object, true},
    {"pgw_array_to_string", 2, fn_array_to_string, true},
    {"pgw_array_to_string", 3, fn_array_to_string, true},
    {"pgw_array_length", 2, fn_array_length, true},
    {"pgw_array_lower", 2, fn_array_lower, true},
    {"pgw_array_cardinality", 1, fn_array_cardinality, true},
};

/* Whether a function (or table-valued function) of that name is already there. */
static bool registered(sqlite3 *db, const char *name, int nargs)
{
    char sql[160];
    if (nargs < 0)
        snprintf(sql, sizeof sql, "SELECT * FROM %s", name);
    else {
        int n = snprintf(sql, sizeof sql, "SELECT %s(", name);
        for (int i = 0; i < nargs; i++)
            n += snprintf(sql + n, sizeof sql - (size_t)n, "%sNULL", i ? "," : "");
        snprintf(sql + n, sizeof sql - (size_t)n, ")");
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    sqlite3_finalize(st);
    return rc == SQLITE_OK;
}

int sqlite_register_catalog(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(catalog_functions); i++) {
        const fn_def *f = &catalog_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8 | (f->deterministic ? SQLITE_DETERMINISTIC : 0),
                                            c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    for (size_t i = 0; i < ARRAY_LEN(standin_functions); i++) {
        const fn_def *f = &standin_functions[i];
        if (registered(db, f->name, f->nargs))
            continue;
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8 | (f->deterministic ? SQLITE_DETERMINISTIC : 0),
                                            c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (!registered(db, "pgw_array_agg", 1)) {
        int rc = sqlite3_create_function_v2(db, "pgw_array_agg", 1, SQLITE_UTF8, c, NULL, array_agg_step, array_agg_final, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (!registered(db, "pgw_string_agg", 2)) {
        int rc = sqlite3_create_function_v2(db, "pgw_string_agg", 2, SQLITE_UTF8, c, NULL, string_agg_step, string_agg_final, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    int arc = sqlite3_create_function_v2(db, "pgw_ordered_agg", -1, SQLITE_UTF8, c, NULL, ordered_step, ordered_final, NULL);
    if (arc != SQLITE_OK)
        return arc;
    static const struct { const char *name; srf_kind kind; } srfs[] = {
        {"pgw_unnest", SRF_UNNEST}, {"pgw_generate_series", SRF_SERIES}, {"pgw_srf", SRF_GENERIC}};
    for (size_t i = 0; i < ARRAY_LEN(srfs); i++) {
        if (srfs[i].kind != SRF_GENERIC && registered(db, srfs[i].name, -1))
            continue;
        int rc = sqlite3_create_module(db, srfs[i].name, &srf_module, (void *)(intptr_t)srfs[i].kind);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
