/*
 * sqlite_fn_series.c — set-returning functions as SQLite table-valued functions (eponymous
 * virtual tables): generate_series over integers, unnest, jsonb_array_elements(_text),
 * jsonb_object_keys, jsonb_each(_text).  The SQL layer writes them in FROM as
 *     pgw_unnest(<array>, <array type oid>) AS alias
 * and reads the columns "value" (or "key", "value") and "ordinality" (WITH ORDINALITY).
 * pgw_unnest_rows(<array>, <type oid>, … four pairs) is ROWS FROM (unnest(a), unnest(b) …)
 * (and unnest(a, b, …) in FROM): the arrays side by side in columns value0..value3, as many
 * rows as the longest, the others padded with NULLs; a NULL array has no elements (unused
 * pairs are NULL, 0).
 *
 * Arguments are hidden columns; xBestIndex requires all of them as equality constraints,
 * which is how SQLite passes table-valued function arguments (correlated ones included, so
 * FROM t, pgw_unnest(t.a, ...) works as PostgreSQL's implicit LATERAL).  A NULL argument
 * gives no rows, as PostgreSQL's strict set-returning functions.  Errors carry a SQLSTATE
 * in the vtab message ("22023:step size cannot equal zero").
 */
#include "backend/sqlite_fn_util.h"

#include <stdlib.h>
#include <string.h>

typedef enum {
    SRF_INT_SERIES,
    SRF_NUM_SERIES,
    SRF_TS_SERIES,
    SRF_UNNEST,
    SRF_UNNEST_ROWS,
    SRF_JSON_ELEMENTS,
    SRF_JSON_KEYS,
    SRF_JSON_EACH
} srf_kind;

#define UNNEST_ROWS_MAX 4   /* arrays of one pgw_unnest_rows call (the SQL layer's limit too) */

typedef struct srf_def {
    const char *name;
    srf_kind kind;
    int nargs;            /* hidden argument columns */
    int nvisible;         /* result columns before the hidden ones (ordinality included) */
    const char *schema;
} srf_def;

static const srf_def srf_defs[] = {
    {"pgw_generate_series", SRF_INT_SERIES, 3, 2, "CREATE TABLE x(value, ordinality, a0 HIDDEN, a1 HIDDEN, a2 HIDDEN)"},
    {"pgw_generate_series_numeric", SRF_NUM_SERIES, 3, 2, "CREATE TABLE x(value, ordinality, a0 HIDDEN, a1 HIDDEN, a2 HIDDEN)"},
    {"pgw_generate_series_ts", SRF_TS_SERIES, 4, 2,
     "CREATE TABLE x(value, ordinality, a0 HIDDEN, a1 HIDDEN, a2 HIDDEN, a3 HIDDEN)"},
    {"pgw_unnest", SRF_UNNEST, 2, 2, "CREATE TABLE x(value, ordinality, a0 HIDDEN, a1 HIDDEN)"},
    {"pgw_unnest_rows", SRF_UNNEST_ROWS, 2 * UNNEST_ROWS_MAX, UNNEST_ROWS_MAX + 1,
     "CREATE TABLE x(value0, value1, value2, value3, ordinality, a0 HIDDEN, a1 HIDDEN, a2 HIDDEN, a3 HIDDEN, "
     "a4 HIDDEN, a5 HIDDEN, a6 HIDDEN, a7 HIDDEN)"},
    {"pgw_json_elements", SRF_JSON_ELEMENTS, 2, 2, "CREATE TABLE x(value, ordinality, a0 HIDDEN, a1 HIDDEN)"},
    {"pgw_json_keys", SRF_JSON_KEYS, 1, 2, "CREATE TABLE x(value, ordinality, a0 HIDDEN)"},
    {"pgw_json_each", SRF_JSON_EACH, 2, 3, "CREATE TABLE x(key, value, ordinality, a0 HIDDEN, a1 HIDDEN)"},
};

/* A module's aux: its definition and the engine connection (for the session's zone). */
typedef struct srf_aux {
    const srf_def *def;
    engine_conn *conn;
} srf_aux;

typedef struct srf_vtab {
    sqlite3_vtab base;
    const srf_def *def;
    engine_conn *conn;
} srf_vtab;

typedef struct srf_cursor {
    sqlite3_vtab_cursor base;
    const srf_def *def;
    bool eof;
    int64_t ordinality;
    /* integer and timestamp series */
    int64_t value, stop, step;
    /* numeric series: decimal texts */
    strbuf num_value, num_stop, num_step;
    int num_dir;
    /* timestamp series */
    pg_interval ts_step;
    bool ts_with_tz;
    const tz_info *tz;
    /* JSON-backed */
    arena mem;
    jv *doc;
    int index;
    bool as_text;
    int storage;          /* unnest: element storage class */
    /* unnest_rows: each array (NULL: none or NULL), its element storage, the longest length */
    jv *arrays[UNNEST_ROWS_MAX];
    int storages[UNNEST_ROWS_MAX];
    int rows;
} srf_cursor;

static int srf_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **err)
{
    (void)argc;
    (void)argv;
    (void)err;
    const srf_aux *a = aux;
    const srf_def *def = a->def;
    int rc = sqlite3_declare_vtab(db, def->schema);
    if (rc != SQLITE_OK)
        return rc;
    srf_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->def = def;
    v->conn = a->conn;
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    *out = &v->base;
    return SQLITE_OK;
}

static int srf_disconnect(sqlite3_vtab *vt)
{
    sqlite3_free(vt);
    return SQLITE_OK;
}

static int srf_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    const srf_def *def = ((srf_vtab *)vt)->def;
    int found[2 * UNNEST_ROWS_MAX] = {-1, -1, -1, -1, -1, -1, -1, -1};
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        int arg = c->iColumn - def->nvisible;
        if (arg < 0 || arg >= def->nargs || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (!c->usable)
            return SQLITE_CONSTRAINT;   /* an argument not available in this plan */
        found[arg] = i;
    }
    for (int a = 0; a < def->nargs; a++) {
        if (found[a] < 0) {
            sqlite3_free(vt->zErrMsg);
            vt->zErrMsg = sqlite3_mprintf("42883:%s requires %d arguments", def->name, def->nargs);
            return SQLITE_ERROR;
        }
        info->aConstraintUsage[found[a]].argvIndex = a + 1;
        info->aConstraintUsage[found[a]].omit = 1;
    }
    info->estimatedCost = 10;
    info->estimatedRows = 100;
    return SQLITE_OK;
}

static int srf_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    srf_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    c->def = ((srf_vtab *)vt)->def;
    arena_init(&c->mem);
    strbuf_init(&c->num_value);
    strbuf_init(&c->num_stop);
    strbuf_init(&c->num_step);
    *out = &c->base;
    return SQLITE_OK;
}

static int srf_close(sqlite3_vtab_cursor *cur)
{
    srf_cursor *c = (srf_cursor *)cur;
    arena_free(&c->mem);
    strbuf_free(&c->num_value);
    strbuf_free(&c->num_stop);
    strbuf_free(&c->num_step);
    sqlite3_free(c);
    return SQLITE_OK;
}

static int fail(srf_cursor *c, const char *sqlstate, const char *msg)
{
    sqlite3_vtab *vt = c->base.pVtab;
    sqlite3_free(vt->zErrMsg);
    vt->zErrMsg = sqlite3_mprintf("%s:%s", sqlstate, msg);
    return SQLITE_ERROR;
}

static int fail_pg(srf_cursor *c, pg_error *err)
{
    int rc = fail(c, err->sqlstate[0] ? err->sqlstate : "XX000", err->message ? err->message : "error");
    pg_error_clear(err);
    return rc;
}

/* A JSON document with the container kind the function needs. */
static int load_json(srf_cursor *c, sqlite3_value *v, jv_kind want, const char *fname)
{
    pg_error err = {0};
    const char *text = (const char *)sqlite3_value_text(v);
    if (!text)
        return SQLITE_NOMEM;
    if (c->def->kind == SRF_UNNEST) {
        if (!fnu_array_parse(&c->mem, v, &c->doc, &err))
            return fail_pg(c, &err);
        return SQLITE_OK;
    }
    if (!jv_parse(&c->mem, text, (size_t)sqlite3_value_bytes(v), &c->doc, &err))
        return fail_pg(c, &err);
    if (c->doc->kind != want) {
        char msg[128];
        if (want == JV_ARRAY)
            snprintf(msg, sizeof msg, "cannot extract elements from %s", c->doc->kind == JV_OBJECT ? "an object" : "a scalar");
        else if (c->def->kind == SRF_JSON_EACH)
            snprintf(msg, sizeof msg, "cannot deconstruct %s as an object", c->doc->kind == JV_ARRAY ? "an array" : "a scalar");
        else
            snprintf(msg, sizeof msg, "cannot call %s on %s", fname, c->doc->kind == JV_ARRAY ? "an array" : "a scalar");
        return fail(c, "22023", msg);
    }
    return SQLITE_OK;
}

/* Not strict: a NULL array contributes no elements, the others still give their rows. */
static int filter_unnest_rows(srf_cursor *c, int argc, sqlite3_value **argv)
{
    c->rows = 0;
    for (int i = 0; i < UNNEST_ROWS_MAX; i++) {
        c->arrays[i] = NULL;
        if (2 * i + 1 >= argc || sqlite3_value_type(argv[2 * i]) == SQLITE_NULL)
            continue;
        pg_error err = {0};
        if (!fnu_array_parse(&c->mem, argv[2 * i], &c->arrays[i], &err))
            return fail_pg(c, &err);
        c->storages[i] = fnu_element_storage((pg_oid)sqlite3_value_int64(argv[2 * i + 1]));
        if ((int)c->arrays[i]->n > c->rows)
            c->rows = (int)c->arrays[i]->n;
    }
    c->eof = c->rows == 0;
    return SQLITE_OK;
}

static int srf_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc, sqlite3_value **argv)
{
    (void)idx;
    (void)idxstr;
    srf_cursor *c = (srf_cursor *)cur;
    arena_reset(&c->mem);
    c->doc = NULL;
    c->index = 0;
    c->ordinality = 1;
    c->eof = true;
    for (int i = 0; i < argc && c->def->kind != SRF_UNNEST_ROWS; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            return SQLITE_OK;   /* strict: no rows */
    int rc = SQLITE_OK;
    switch (c->def->kind) {
    case SRF_INT_SERIES:
        c->value = sqlite3_value_int64(argv[0]);
        c->stop = sqlite3_value_int64(argv[1]);
        c->step = sqlite3_value_int64(argv[2]);
        if (c->step == 0)
            return fail(c, "22023", "step size cannot equal zero");
        c->eof = c->step > 0 ? c->value > c->stop : c->value < c->stop;
        return SQLITE_OK;
    case SRF_NUM_SERIES: {
        strbuf *dst[3] = {&c->num_value, &c->num_stop, &c->num_step};
        for (int i = 0; i < 3; i++) {
            strbuf_reset(dst[i]);
            if (sqlite3_value_type(argv[i]) == SQLITE_INTEGER)
                types_numeric_from_int64(sqlite3_value_int64(argv[i]), dst[i]);
            else
                strbuf_append(dst[i], sqlite3_value_text(argv[i]), (size_t)sqlite3_value_bytes(argv[i]));
            if (dst[i]->failed)
                return SQLITE_NOMEM;
            if (dst[i]->len == 3 && memcmp(dst[i]->data, "NaN", 3) == 0)
                return fail(c, "22023", i == 0 ? "start value cannot be NaN" : i == 1 ? "stop value cannot be NaN"
                                                                                 : "step size cannot be NaN");
        }
        pg_error err = {0};
        int sign = 0, cmp = 0;
        if (!types_numeric_cmp(c->num_step.data, c->num_step.len, "0", 1, &sign, &err) ||
            !types_numeric_cmp(c->num_value.data, c->num_value.len, c->num_stop.data, c->num_stop.len, &cmp, &err))
            return fail_pg(c, &err);
        if (sign == 0)
            return fail(c, "22023", "step size cannot equal zero");
        c->num_dir = sign;
        c->eof = sign > 0 ? cmp > 0 : cmp < 0;
        return SQLITE_OK;
    }
    case SRF_TS_SERIES: {
        c->value = sqlite3_value_int64(argv[0]);
        c->stop = sqlite3_value_int64(argv[1]);
        const char *iv = (const char *)sqlite3_value_text(argv[2]);
        if (!iv || !types_interval_from_storage(iv, (size_t)sqlite3_value_bytes(argv[2]), &c->ts_step))
            return fail(c, "22P02", "invalid interval value");
        c->ts_with_tz = sqlite3_value_int(argv[3]) != 0;
        engine_conn *conn = ((srf_vtab *)c->base.pVtab)->conn;
        engine_context *ec = conn ? engine_conn_context(conn) : NULL;
        c->tz = ec && ec->settings ? ec->settings->timezone : NULL;
        pg_interval zero = {0, 0, 0};
        int dir = fnu_interval_cmp(&c->ts_step, &zero);
        if (dir == 0)
            return fail(c, "22023", "step size cannot equal zero");
        c->step = dir;
        c->eof = dir > 0 ? c->value > c->stop : c->value < c->stop;
        return SQLITE_OK;
    }
    case SRF_UNNEST:
        c->storage = fnu_element_storage((pg_oid)sqlite3_value_int64(argv[1]));
        rc = load_json(c, argv[0], JV_ARRAY, "unnest");
        break;
    case SRF_UNNEST_ROWS:
        return filter_unnest_rows(c, argc, argv);
    case SRF_JSON_ELEMENTS:
        c->as_text = sqlite3_value_int(argv[1]) != 0;
        rc = load_json(c, argv[0], JV_ARRAY, "jsonb_array_elements");
        break;
    case SRF_JSON_KEYS:
        rc = load_json(c, argv[0], JV_OBJECT, "jsonb_object_keys");
        break;
    case SRF_JSON_EACH:
        c->as_text = sqlite3_value_int(argv[1]) != 0;
        rc = load_json(c, argv[0], JV_OBJECT, "jsonb_each");
        break;
    }
    if (rc != SQLITE_OK)
        return rc;
    c->eof = c->doc->n == 0;
    return SQLITE_OK;
}

static int srf_next(sqlite3_vtab_cursor *cur)
{
    srf_cursor *c = (srf_cursor *)cur;
    c->ordinality++;
    if (c->def->kind == SRF_NUM_SERIES) {
        strbuf next;
        strbuf_init(&next);
        pg_error err = {0};
        int cmp = 0;
        if (!types_numeric_add(c->num_value.data, c->num_value.len, c->num_step.data, c->num_step.len, &next, &err) ||
            !types_numeric_cmp(next.data, next.len, c->num_stop.data, c->num_stop.len, &cmp, &err)) {
            strbuf_free(&next);
            return fail_pg(c, &err);
        }
        strbuf_free(&c->num_value);
        c->num_value = next;
        c->eof = c->num_dir > 0 ? cmp > 0 : cmp < 0;
        return SQLITE_OK;
    }
    if (c->def->kind == SRF_TS_SERIES) {
        int64_t next;
        if (!fnu_timestamp_add_interval(c->value, &c->ts_step, c->tz, c->ts_with_tz, &next))
            return fail(c, "22008", "timestamp out of range");
        c->value = next;
        c->eof = c->step > 0 ? c->value > c->stop : c->value < c->stop;
        return SQLITE_OK;
    }
    if (c->def->kind == SRF_INT_SERIES) {
        if ((c->step > 0 && c->value > INT64_MAX - c->step) || (c->step < 0 && c->value < INT64_MIN - c->step)) {
            c->eof = true;   /* PostgreSQL stops at the type's end rather than overflowing */
            return SQLITE_OK;
        }
        c->value += c->step;
        c->eof = c->step > 0 ? c->value > c->stop : c->value < c->stop;
        return SQLITE_OK;
    }
    c->index++;
    c->eof = c->def->kind == SRF_UNNEST_ROWS ? c->index >= c->rows : c->index >= c->doc->n;
    return SQLITE_OK;
}

static int srf_eof(sqlite3_vtab_cursor *cur)
{
    return ((srf_cursor *)cur)->eof;
}

static void result_json_value(sqlite3_context *ctx, const jv *v, bool as_text)
{
    if (as_text && v->kind == JV_NULL)
        sqlite3_result_null(ctx);
    else if (as_text && v->kind == JV_STRING)
        sqlite3_result_text64(ctx, v->s, v->len, SQLITE_TRANSIENT, SQLITE_UTF8);
    else
        sqlite3_result_text64(ctx, v->raw, v->rawlen, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static int srf_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    srf_cursor *c = (srf_cursor *)cur;
    int ord_col = c->def->nvisible - 1;
    if (col == ord_col) {
        sqlite3_result_int64(ctx, c->ordinality);
        return SQLITE_OK;
    }
    if (col > ord_col)
        return SQLITE_OK;   /* hidden arguments are never read back */
    switch (c->def->kind) {
    case SRF_INT_SERIES:
    case SRF_TS_SERIES:
        sqlite3_result_int64(ctx, c->value);
        break;
    case SRF_NUM_SERIES:
        sqlite3_result_text64(ctx, c->num_value.data ? c->num_value.data : "0", c->num_value.len, SQLITE_TRANSIENT,
                              SQLITE_UTF8);
        break;
    case SRF_UNNEST:
        fnu_result_element(ctx, c->doc->items[c->index], c->storage);
        break;
    case SRF_UNNEST_ROWS: {
        const jv *a = c->arrays[col];
        if (a && c->index < (int)a->n)
            fnu_result_element(ctx, a->items[c->index], c->storages[col]);
        else
            sqlite3_result_null(ctx);
        break;
    }
    case SRF_JSON_ELEMENTS:
        result_json_value(ctx, c->doc->items[c->index], c->as_text);
        break;
    case SRF_JSON_KEYS:
        sqlite3_result_text64(ctx, c->doc->keys[c->index], c->doc->klens[c->index], SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    case SRF_JSON_EACH:
        if (col == 0)
            sqlite3_result_text64(ctx, c->doc->keys[c->index], c->doc->klens[c->index], SQLITE_TRANSIENT, SQLITE_UTF8);
        else
            result_json_value(ctx, c->doc->items[c->index], c->as_text);
        break;
    }
    return SQLITE_OK;
}

static int srf_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((srf_cursor *)cur)->ordinality;
    return SQLITE_OK;
}

static const sqlite3_module srf_module = {
    .iVersion = 0,
    .xCreate = NULL,   /* eponymous-only */
    .xConnect = srf_connect,
    .xBestIndex = srf_best_index,
    .xDisconnect = srf_disconnect,
    .xDestroy = srf_disconnect,
    .xOpen = srf_open,
    .xClose = srf_close,
    .xFilter = srf_filter,
    .xNext = srf_next,
    .xEof = srf_eof,
    .xColumn = srf_column,
    .xRowid = srf_rowid,
};

int sqlite_register_series(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(srf_defs); i++) {
        srf_aux *aux = sqlite3_malloc(sizeof *aux);
        if (!aux)
            return SQLITE_NOMEM;
        aux->def = &srf_defs[i];
        aux->conn = c;
        /* SQLite frees the aux with the module (also when registration fails). */
        int rc = sqlite3_create_module_v2(db, srf_defs[i].name, &srf_module, aux, sqlite3_free);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
