/*
 * sqlite_fn_agg.c — PostgreSQL's order-sensitive aggregates on SQLite 3.40, which has no
 * ORDER BY inside an aggregate call: string_agg, array_agg, json_agg, jsonb_agg,
 * json_object_agg, jsonb_object_agg (and string_agg over bytea).
 *
 * Each collects its input rows and sorts them in the finalizer.  The emitter writes
 *     pgw_xxx(value args..., mode, flags1, key1, flags2, key2 ...)
 * where mode = 1 for DISTINCT (+4 numeric / +8 char(n) comparison of the value), and each
 * ORDER BY key has flags 1 DESC, 2 NULLS FIRST, 4 numeric, 8 char(n) (emit_sqlite.c,
 * emit_agg_order).  DISTINCT keeps the first of equal values once sorted, as PostgreSQL's
 * sort-based DISTINCT does.
 *
 * They are window functions too (xValue, xInverse): rows enter and leave the frame in
 * order, so the state keeps them in arrival order and sorts a copy for each value.
 */
#include "backend/sqlite_fn_util.h"

#include <stdlib.h>
#include <string.h>

typedef enum {
    AGG_STRING, AGG_BYTEA, AGG_ARRAY, AGG_JSON, AGG_JSON_STRUCTURED, AGG_JSONB, AGG_JSON_OBJECT, AGG_JSONB_OBJECT,
    /* ordered-set aggregates: value 0 the fraction (or nothing), the WITHIN GROUP key the input */
    AGG_PERCENTILE_CONT, AGG_PERCENTILE_DISC, AGG_MODE
} agg_kind;

typedef struct agg_def {
    const char *name;
    agg_kind kind;
    int nvals;          /* value arguments before mode */
} agg_def;

typedef struct agg_state {
    int nvals, nkeys, width;   /* width = nvals + nkeys cells per row */
    int mode;
    int *key_flags;
    sqlite3_value **cells;     /* rows in arrival order, from row `head` */
    int head, count, cap;
} agg_state;

static agg_state **state_of(sqlite3_context *ctx, bool create)
{
    return sqlite3_aggregate_context(ctx, create ? (int)sizeof(agg_state *) : 0);
}

static void state_free(agg_state *st)
{
    if (!st)
        return;
    for (int r = st->head; r < st->head + st->count; r++)
        for (int c = 0; c < st->width; c++)
            sqlite3_value_free(st->cells[(size_t)r * st->width + c]);
    free(st->cells);
    free(st->key_flags);
    free(st);
}

/* user data: the definition (the connection is not needed by these functions) */
static void step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const agg_def *def = sqlite3_user_data(ctx);
    agg_state **slot = state_of(ctx, true);
    if (!slot) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    agg_state *st = *slot;
    if (!st) {
        if (argc < def->nvals + 1 || (argc - def->nvals - 1) % 2) {
            sqlite_fn_error(ctx, "XX000", "internal error: %s called with %d arguments", def->name, argc);
            return;
        }
        st = calloc(1, sizeof *st);
        if (!st) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        st->nvals = def->nvals;
        st->nkeys = (argc - def->nvals - 1) / 2;
        st->width = st->nvals + st->nkeys;
        st->mode = sqlite3_value_int(argv[def->nvals]);
        st->key_flags = calloc((size_t)(st->nkeys + 1), sizeof *st->key_flags);
        if (!st->key_flags) {
            free(st);
            sqlite3_result_error_nomem(ctx);
            return;
        }
        for (int k = 0; k < st->nkeys; k++)
            st->key_flags[k] = sqlite3_value_int(argv[def->nvals + 1 + 2 * k]);
        *slot = st;
    }
    if (st->head + st->count == st->cap) {
        if (st->head > 0 && st->head >= st->count) {
            /* rows left the frame: move the live ones down */
            memmove(st->cells, st->cells + (size_t)st->head * st->width,
                    sizeof *st->cells * (size_t)st->count * st->width);
            st->head = 0;
        } else {
            int cap = st->cap ? st->cap * 2 : 16;
            sqlite3_value **cells = realloc(st->cells, sizeof *cells * (size_t)cap * st->width);
            if (!cells) {
                sqlite3_result_error_nomem(ctx);
                return;
            }
            st->cells = cells;
            st->cap = cap;
        }
    }
    sqlite3_value **row = st->cells + (size_t)(st->head + st->count) * st->width;
    for (int c = 0; c < st->nvals; c++)
        row[c] = sqlite3_value_dup(argv[c]);
    for (int k = 0; k < st->nkeys; k++)
        row[st->nvals + k] = sqlite3_value_dup(argv[def->nvals + 2 + 2 * k]);
    for (int c = 0; c < st->width; c++)
        if (!row[c]) {
            for (int d = 0; d < st->width; d++)
                sqlite3_value_free(row[d]);
            sqlite3_result_error_nomem(ctx);
            return;
        }
    st->count++;
}

static void inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    agg_state **slot = state_of(ctx, false);
    agg_state *st = slot ? *slot : NULL;
    if (!st || st->count == 0)
        return;
    sqlite3_value **row = st->cells + (size_t)st->head * st->width;
    for (int c = 0; c < st->width; c++)
        sqlite3_value_free(row[c]);
    st->head++;
    st->count--;
}

/* ---------------------------------------------------------------- ordering */

static int decimal_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    /* NaN above everything, then +Infinity; -Infinity below everything. */
    int ra = an == 3 && memcmp(a, "NaN", 3) == 0 ? 3 : an == 8 && memcmp(a, "Infinity", 8) == 0 ? 2
             : an == 9 && memcmp(a, "-Infinity", 9) == 0 ? -2 : 0;
    int rb = bn == 3 && memcmp(b, "NaN", 3) == 0 ? 3 : bn == 8 && memcmp(b, "Infinity", 8) == 0 ? 2
             : bn == 9 && memcmp(b, "-Infinity", 9) == 0 ? -2 : 0;
    if (ra || rb)
        return ra == rb ? 0 : ra < rb ? -1 : 1;
    bool na = an && a[0] == '-', nb = bn && b[0] == '-';
    if (na) {
        a++;
        an--;
    }
    if (nb) {
        b++;
        bn--;
    }
    while (an && *a == '0') {
        a++;
        an--;
    }
    while (bn && *b == '0') {
        b++;
        bn--;
    }
    const char *pa = memchr(a, '.', an), *pb = memchr(b, '.', bn);
    size_t ia = pa ? (size_t)(pa - a) : an, ib = pb ? (size_t)(pb - b) : bn;
    /* zero check for sign: all digits zero */
    bool za = true, zb = true;
    for (size_t i = 0; i < an; i++)
        if (a[i] >= '1' && a[i] <= '9')
            za = false;
    for (size_t i = 0; i < bn; i++)
        if (b[i] >= '1' && b[i] <= '9')
            zb = false;
    if (za)
        na = false;
    if (zb)
        nb = false;
    if (na != nb)
        return na ? -1 : 1;
    int sign = na ? -1 : 1;
    if (ia != ib)
        return ia < ib ? -sign : sign;
    int c = memcmp(a, b, ia);
    if (c)
        return c < 0 ? -sign : sign;
    const char *fa = pa ? pa + 1 : "", *fb = pb ? pb + 1 : "";
    size_t fla = pa ? an - ia - 1 : 0, flb = pb ? bn - ib - 1 : 0;
    for (size_t i = 0; i < fla || i < flb; i++) {
        char x = i < fla ? fa[i] : '0', y = i < flb ? fb[i] : '0';
        if (x != y)
            return x < y ? -sign : sign;
    }
    return 0;
}

static int type_rank(int t)
{
    return t == SQLITE_NULL ? 0 : t == SQLITE_INTEGER || t == SQLITE_FLOAT ? 1 : t == SQLITE_TEXT ? 2 : 3;
}

/* Compare two non-NULL values with the key's flags. */
static int value_cmp(sqlite3_value *x, sqlite3_value *y, int flags)
{
    int tx = sqlite3_value_type(x), ty = sqlite3_value_type(y);
    if (type_rank(tx) != type_rank(ty))
        return type_rank(tx) < type_rank(ty) ? -1 : 1;
    if (tx == SQLITE_INTEGER && ty == SQLITE_INTEGER) {
        int64_t a = sqlite3_value_int64(x), b = sqlite3_value_int64(y);
        return a < b ? -1 : a > b;
    }
    if (type_rank(tx) == 1) {
        double a = sqlite3_value_double(x), b = sqlite3_value_double(y);
        return a < b ? -1 : a > b;
    }
    if (tx == SQLITE_TEXT) {
        const char *a = (const char *)sqlite3_value_text(x), *b = (const char *)sqlite3_value_text(y);
        size_t an = (size_t)sqlite3_value_bytes(x), bn = (size_t)sqlite3_value_bytes(y);
        if (flags & 4)
            return decimal_cmp(a, an, b, bn);
        if (flags & 8) {
            while (an && a[an - 1] == ' ')
                an--;
            while (bn && b[bn - 1] == ' ')
                bn--;
        }
        int c = memcmp(a, b, an < bn ? an : bn);
        return c ? (c < 0 ? -1 : 1) : an < bn ? -1 : an > bn;
    }
    const void *a = sqlite3_value_blob(x), *b = sqlite3_value_blob(y);
    size_t an = (size_t)sqlite3_value_bytes(x), bn = (size_t)sqlite3_value_bytes(y);
    int c = memcmp(a ? a : "", b ? b : "", an < bn ? an : bn);
    return c ? (c < 0 ? -1 : 1) : an < bn ? -1 : an > bn;
}

static int row_cmp(const void *pa, const void *pb, void *arg)
{
    agg_state *st = arg;
    int ra = *(const int *)pa, rb = *(const int *)pb;
    sqlite3_value **a = st->cells + (size_t)ra * st->width, **b = st->cells + (size_t)rb * st->width;
    for (int k = 0; k < st->nkeys; k++) {
        int flags = st->key_flags[k];
        sqlite3_value *x = a[st->nvals + k], *y = b[st->nvals + k];
        bool xn = sqlite3_value_type(x) == SQLITE_NULL, yn = sqlite3_value_type(y) == SQLITE_NULL;
        if (xn || yn) {
            if (xn && yn)
                continue;
            bool nulls_first = flags & 2;
            return xn == nulls_first ? -1 : 1;
        }
        int c = value_cmp(x, y, flags);
        if (c)
            return flags & 1 ? -c : c;
    }
    return ra < rb ? -1 : ra > rb;   /* arrival order among equals */
}

/* The rows to aggregate, sorted and with DISTINCT applied: indexes into st->cells. */
static int *ordered_rows(agg_state *st, int *n)
{
    int *rows = malloc(sizeof *rows * (size_t)(st->count + 1));
    if (!rows)
        return NULL;
    for (int i = 0; i < st->count; i++)
        rows[i] = st->head + i;
    if (st->nkeys)
        qsort_r(rows, (size_t)st->count, sizeof *rows, row_cmp, st);
    int k = st->count;
    if (st->mode & 1) {
        k = 0;
        for (int i = 0; i < st->count; i++) {
            sqlite3_value *v = st->cells[(size_t)rows[i] * st->width];
            bool dup = false;
            /* sorted: only the previous kept row can be equal; unsorted: any kept row */
            for (int j = st->nkeys && k ? k - 1 : 0; j < k && !dup; j++) {
                sqlite3_value *w = st->cells[(size_t)rows[j] * st->width];
                bool vn = sqlite3_value_type(v) == SQLITE_NULL, wn = sqlite3_value_type(w) == SQLITE_NULL;
                dup = vn || wn ? vn && wn : value_cmp(v, w, st->mode & 12) == 0;
            }
            if (!dup)
                rows[k++] = rows[i];
        }
    }
    *n = k;
    return rows;
}

/* ---------------------------------------------------------------- results */

static void put_key(strbuf *out, sqlite3_value *v)
{
    const char *s = (const char *)sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v);
    if (n && s[0] == '"')
        strbuf_append(out, s, n);
    else
        jv_write_string(out, s, n);
}

static void normalized_result(sqlite3_context *ctx, strbuf *text)
{
    arena a;
    arena_init(&a);
    pg_error err = {0};
    jv *v;
    if (text->failed)
        sqlite3_result_error_nomem(ctx);
    else if (!jv_parse(&a, text->data ? text->data : "", text->len, &v, &err))
        sqlite_fn_pg_error(ctx, &err);
    else {
        strbuf out;
        strbuf_init(&out);
        jv_write_jsonb(&out, v);
        fnu_result_text(ctx, &out);
    }
    arena_free(&a);
    strbuf_free(text);
}

/* percentile_cont / percentile_disc / mode over the sorted WITHIN GROUP key (nulls left
 * out, as PostgreSQL's ordered-set aggregates do). */
static void ordered_set_result(sqlite3_context *ctx, agg_state *st, const agg_def *def, const int *rows, int n)
{
    int kc = st->nvals;   /* the key's cell */
    int first = 0, m = 0;
    int *live = malloc(sizeof *live * (size_t)(n + 1));
    if (!live) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    for (int i = 0; i < n; i++)
        if (sqlite3_value_type(st->cells[(size_t)rows[i] * st->width + kc]) != SQLITE_NULL)
            live[m++] = rows[i];
    (void)first;
    if (m == 0) {
        sqlite3_result_null(ctx);
        free(live);
        return;
    }
#define KEY(i) (st->cells[(size_t)live[(i)] * st->width + kc])
    if (def->kind == AGG_MODE) {
        int best = 0, best_len = 0;
        for (int i = 0; i < m;) {
            int j = i + 1;
            while (j < m && value_cmp(KEY(i), KEY(j), st->key_flags[0] & ~3) == 0)
                j++;
            if (j - i > best_len) {
                best_len = j - i;
                best = i;
            }
            i = j;
        }
        sqlite3_result_value(ctx, KEY(best));
        free(live);
        return;
    }
    sqlite3_value *fv = st->cells[(size_t)live[0] * st->width];
    if (sqlite3_value_type(fv) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        free(live);
        return;
    }
    double f = sqlite3_value_double(fv);
    if (!(f >= 0 && f <= 1)) {
        sqlite_fn_error(ctx, "22003", "percentile value %g is not between 0 and 1", f);
        free(live);
        return;
    }
    if (def->kind == AGG_PERCENTILE_DISC) {
        /* the first value whose position in the ordering reaches the fraction */
        double pos = f * m;
        int idx = (int)pos;
        if ((double)idx == pos && idx > 0)
            idx--;
        if (idx >= m)
            idx = m - 1;
        sqlite3_result_value(ctx, KEY(idx));
        free(live);
        return;
    }
    /* percentile_cont: linear interpolation at (m - 1) * f */
    double rn = f * (m - 1);
    int lo = (int)rn, hi = lo + (rn > lo ? 1 : 0);
    double a = sqlite3_value_double(KEY(lo)), b = sqlite3_value_double(KEY(hi));
    sqlite3_result_double(ctx, hi == lo ? a : a + (rn - lo) * (b - a));
#undef KEY
    free(live);
}

static void compute(sqlite3_context *ctx, agg_state *st, const agg_def *def)
{
    if (!st || st->count == 0) {
        sqlite3_result_null(ctx);
        return;
    }
    int n;
    int *rows = ordered_rows(st, &n);
    if (!rows) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (def->kind == AGG_PERCENTILE_CONT || def->kind == AGG_PERCENTILE_DISC || def->kind == AGG_MODE) {
        ordered_set_result(ctx, st, def, rows, n);
        free(rows);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    bool any = false;
    switch (def->kind) {
    case AGG_PERCENTILE_CONT:
    case AGG_PERCENTILE_DISC:
    case AGG_MODE:
        break;   /* ordered_set_result above */
    case AGG_STRING:
    case AGG_BYTEA:
        for (int i = 0; i < n; i++) {
            sqlite3_value **row = st->cells + (size_t)rows[i] * st->width;
            if (sqlite3_value_type(row[0]) == SQLITE_NULL)
                continue;
            if (any && sqlite3_value_type(row[1]) != SQLITE_NULL)
                strbuf_append(&out, def->kind == AGG_BYTEA ? sqlite3_value_blob(row[1]) : (const void *)sqlite3_value_text(row[1]),
                              (size_t)sqlite3_value_bytes(row[1]));
            strbuf_append(&out, def->kind == AGG_BYTEA ? sqlite3_value_blob(row[0]) : (const void *)sqlite3_value_text(row[0]),
                          (size_t)sqlite3_value_bytes(row[0]));
            any = true;
        }
        if (!any)
            sqlite3_result_null(ctx);
        else if (def->kind == AGG_BYTEA)
            fnu_result_blob(ctx, &out);
        else
            fnu_result_text(ctx, &out);
        break;
    case AGG_ARRAY:
        strbuf_putc(&out, '[');
        for (int i = 0; i < n; i++) {
            if (i)
                strbuf_puts(&out, ", ");
            fnu_array_put_value(&out, st->cells[(size_t)rows[i] * st->width]);
        }
        strbuf_putc(&out, ']');
        fnu_result_text(ctx, &out);
        break;
    case AGG_JSON:
    case AGG_JSON_STRUCTURED:
    case AGG_JSONB:
        strbuf_putc(&out, '[');
        for (int i = 0; i < n; i++) {
            sqlite3_value *v = st->cells[(size_t)rows[i] * st->width];
            if (i)
                strbuf_puts(&out, ", ");
            if (sqlite3_value_type(v) == SQLITE_NULL) {
                strbuf_puts(&out, "null");
                continue;
            }
            /* PostgreSQL's json_agg puts arrays and records after the first on new lines */
            if (i && def->kind == AGG_JSON_STRUCTURED)
                strbuf_puts(&out, "\n ");
            strbuf_append(&out, sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
        }
        strbuf_putc(&out, ']');
        if (def->kind == AGG_JSONB)
            normalized_result(ctx, &out);
        else
            fnu_result_text(ctx, &out);
        break;
    case AGG_JSON_OBJECT:
    case AGG_JSONB_OBJECT:
        strbuf_puts(&out, def->kind == AGG_JSON_OBJECT ? "{ " : "{");
        for (int i = 0; i < n; i++) {
            sqlite3_value **row = st->cells + (size_t)rows[i] * st->width;
            if (sqlite3_value_type(row[0]) == SQLITE_NULL) {
                strbuf_free(&out);
                free(rows);
                sqlite_fn_error(ctx, "22023", "field name must not be null");
                return;
            }
            if (i)
                strbuf_puts(&out, ", ");
            put_key(&out, row[0]);
            strbuf_puts(&out, " : ");
            if (sqlite3_value_type(row[1]) == SQLITE_NULL)
                strbuf_puts(&out, "null");
            else
                strbuf_append(&out, sqlite3_value_text(row[1]), (size_t)sqlite3_value_bytes(row[1]));
        }
        strbuf_puts(&out, def->kind == AGG_JSON_OBJECT ? " }" : "}");
        if (def->kind == AGG_JSONB_OBJECT)
            normalized_result(ctx, &out);
        else
            fnu_result_text(ctx, &out);
        break;
    }
    free(rows);
}

static void value(sqlite3_context *ctx)
{
    agg_state **slot = state_of(ctx, false);
    compute(ctx, slot ? *slot : NULL, sqlite3_user_data(ctx));
}

static void final(sqlite3_context *ctx)
{
    agg_state **slot = state_of(ctx, false);
    compute(ctx, slot ? *slot : NULL, sqlite3_user_data(ctx));
    if (slot) {
        state_free(*slot);
        *slot = NULL;
    }
}

/* ---------------------------------------------------------------- simple aggregates */

/* bit_and / bit_or over integers (NULLs ignored; no rows: NULL). */
typedef struct bit_state {
    int64_t acc;
    bool any;
} bit_state;

static void bit_step(sqlite3_context *ctx, int argc, sqlite3_value **argv, bool and)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    bit_state *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int64_t v = sqlite3_value_int64(argv[0]);
    st->acc = !st->any ? v : and ? (st->acc & v) : (st->acc | v);
    st->any = true;
}

static void bit_and_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) { bit_step(ctx, argc, argv, true); }
static void bit_or_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) { bit_step(ctx, argc, argv, false); }

static void bit_final(sqlite3_context *ctx)
{
    bit_state *st = sqlite3_aggregate_context(ctx, 0);
    if (st && st->any)
        sqlite3_result_int64(ctx, st->acc);
    else
        sqlite3_result_null(ctx);
}

/* ---------------------------------------------------------------- registration */

static const agg_def agg_defs[] = {
    {"pgw_string_agg", AGG_STRING, 2},
    {"pgw_bytea_agg", AGG_BYTEA, 2},
    {"pgw_array_agg", AGG_ARRAY, 1},
    {"pgw_json_agg", AGG_JSON, 1},
    {"pgw_json_agg_structured", AGG_JSON_STRUCTURED, 1},
    {"pgw_percentile_cont", AGG_PERCENTILE_CONT, 1},
    {"pgw_percentile_disc", AGG_PERCENTILE_DISC, 1},
    {"pgw_mode", AGG_MODE, 1},   /* a NULL placeholder value, then the key */
    {"pgw_jsonb_agg", AGG_JSONB, 1},
    {"pgw_json_object_agg", AGG_JSON_OBJECT, 2},
    {"pgw_jsonb_object_agg", AGG_JSONB_OBJECT, 2},
};

int sqlite_register_agg(sqlite3 *db, engine_conn *c)
{
    (void)c;
    for (size_t i = 0; i < ARRAY_LEN(agg_defs); i++) {
        int rc = sqlite3_create_window_function(db, agg_defs[i].name, -1, SQLITE_UTF8, (void *)&agg_defs[i], step,
                                                final, value, inverse, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    int rc = sqlite3_create_function_v2(db, "pgw_bit_and", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                        bit_and_step, bit_final, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pgw_bit_or", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                        bit_or_step, bit_final, NULL);
    return rc;
}
