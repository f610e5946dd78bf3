/*
 * sqlite_fn_catalog.c — the engine functions catalog queries call:
 *
 *   pgw_format_type(oid, typmod)        format_type()
 *   pgw_visible(kind, oid)              pg_table_is_visible() & co. ('r', 't', 'f', ...)
 *   pgw_has_privilege(kind, obj, priv)  has_*_privilege(): the object must exist and the
 *                                       privilege words be valid; every user holds every
 *                                       privilege (the server has no GRANT)
 *   pgw_format_oidvector(v)             argument lists of pg_proc rows
 *   pgw_intvector_to_array(v)           int2vector / oidvector (PostgreSQL's "1 2" text) as
 *                                       an array's storage form (JSON)
 *   pgw_intvector_get(v, i)             int2vector / oidvector subscripts, counted from 0
 *
 * They reach the session's catalog view through the resolver in its type settings
 * (types.h reg_resolver), never through an engine.
 *
 * And pgw_srf, the table-valued function behind generate_subscripts and
 * information_schema._pg_expandarray.
 */
#include "backend/sqlite_internal.h"

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

/* ---------------------------------------------------------------- set-returning functions */

/*
 * pgw_srf, the table-valued function of the set-returning functions only catalog queries
 * use.  Columns: value, ordinality, then hidden arguments.  Rows are computed at xFilter:
 *   pgw_srf('subscripts', array, lower)     generate_subscripts(array, 1): lower..lower+n-1
 *   pgw_srf('expand', array, 0)             _pg_expandarray: (element, 1-based position)
 */
typedef struct srf_vtab {
    sqlite3_vtab base;
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
    (void)aux;
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(value, ordinality, a1 HIDDEN, a2 HIDDEN, a3 HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    srf_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
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
    (void)vt;
    int nargs = 3;
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
        if (args[i] && sqlite3_value_type(args[i]) == SQLITE_NULL)
            return SQLITE_OK;   /* NULL argument: no rows */
    {
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
    {"pgw_intvector_to_array", 1, fn_vector_to_array, true},
    {"pgw_intvector_get", 2, fn_vector_get, true},
    {"pgw_format_oidvector", 1, fn_format_oidvector, false},
    {"pgw_size_pretty", 1, fn_size_pretty, true},
};

int sqlite_register_catalog(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(catalog_functions); i++) {
        const fn_def *f = &catalog_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8 | (f->deterministic ? SQLITE_DETERMINISTIC : 0),
                                            c, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return sqlite3_create_module(db, "pgw_srf", &srf_module, NULL);
}
