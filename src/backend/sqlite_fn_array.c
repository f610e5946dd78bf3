/*
 * sqlite_fn_array.c — PostgreSQL's one-dimensional arrays over their storage form, a JSON
 * array of the elements' storage forms (types.h): constructors, ||, @> <@ &&, subscripts
 * and slices, comparison, array_length & co., array_position(s), array_remove/replace,
 * array_to_string.
 *
 * Functions that need to know the element type (comparison of numeric elements by value,
 * bytea elements, text output) take the array's type OID as their last argument (the
 * emitter's %T template escape).  A NULL array is NULL out, except where PostgreSQL treats
 * it as empty (array_append, array_cat ...).
 */
#include "backend/sqlite_fn_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct call_arena {
    arena a;
    pg_error err;
} call_arena;

static jv *arr_arg(sqlite3_context *ctx, call_arena *ca, sqlite3_value *v)
{
    jv *out;
    if (!fnu_array_parse(&ca->a, v, &out, &ca->err)) {
        sqlite_fn_pg_error(ctx, &ca->err);
        return NULL;
    }
    return out;
}

static void begin(call_arena *ca)
{
    arena_init(&ca->a);
    memset(&ca->err, 0, sizeof ca->err);
}

static void end(call_arena *ca)
{
    arena_free(&ca->a);
    pg_error_clear(&ca->err);
}

static void put_items(strbuf *out, const jv *arr, bool *first)
{
    for (int i = 0; i < arr->n; i++) {
        if (!*first)
            strbuf_puts(out, ", ");
        *first = false;
        fnu_array_put_element(out, arr->items[i]);
    }
}

/* pgw_array(e1, e2 ...): ARRAY[...] */
static void fn_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    for (int i = 0; i < argc; i++) {
        if (i)
            strbuf_puts(&out, ", ");
        fnu_array_put_value(&out, argv[i]);
    }
    strbuf_putc(&out, ']');
    fnu_result_text(ctx, &out);
}

/* array_append(arr, e) / array_prepend(e, arr): a NULL array is an empty one. */
static void append_or_prepend(sqlite3_context *ctx, sqlite3_value *arrv, sqlite3_value *elem, bool append)
{
    call_arena ca;
    begin(&ca);
    jv *arr = NULL;
    if (sqlite3_value_type(arrv) != SQLITE_NULL && !(arr = arr_arg(ctx, &ca, arrv))) {
        end(&ca);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    bool first = true;
    if (!append) {
        fnu_array_put_value(&out, elem);
        first = false;
    }
    if (arr)
        put_items(&out, arr, &first);
    if (append) {
        if (!first)
            strbuf_puts(&out, ", ");
        fnu_array_put_value(&out, elem);
    }
    strbuf_putc(&out, ']');
    fnu_result_text(ctx, &out);
    end(&ca);
}

static void fn_append(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    append_or_prepend(ctx, argv[0], argv[1], true);
}

static void fn_prepend(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    append_or_prepend(ctx, argv[1], argv[0], false);
}

static void fn_cat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    bool n0 = sqlite3_value_type(argv[0]) == SQLITE_NULL, n1 = sqlite3_value_type(argv[1]) == SQLITE_NULL;
    if (n0 && n1) {
        sqlite3_result_null(ctx);
        return;
    }
    if (n0 || n1) {
        sqlite3_result_value(ctx, argv[n0 ? 1 : 0]);
        return;
    }
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    jv *b = a ? arr_arg(ctx, &ca, argv[1]) : NULL;
    if (b) {
        strbuf out;
        strbuf_init(&out);
        strbuf_putc(&out, '[');
        bool first = true;
        put_items(&out, a, &first);
        put_items(&out, b, &first);
        strbuf_putc(&out, ']');
        fnu_result_text(ctx, &out);
    }
    end(&ca);
}

/* ---------------------------------------------------------------- comparison */

static int storage_of(sqlite3_value **argv, int argc, int i)
{
    return i < argc ? fnu_element_storage((pg_oid)sqlite3_value_int64(argv[i])) : -1;
}

static bool numeric_elements(sqlite3_value **argv, int argc, int i)
{
    if (i >= argc)
        return false;
    const pg_type_info *t = types_by_oid((pg_oid)sqlite3_value_int64(argv[i]));
    return t && t->typelem == PG_OID_NUMERIC;
}

static int decimal_sign_cmp(const jv *a, const jv *b)
{
    double x = strtod(a->s, NULL), y = strtod(b->s, NULL);
    return x < y ? -1 : x > y;
}

/* PostgreSQL's element order: NULL above everything, numbers by value, strings bytewise. */
static int element_cmp(const jv *a, const jv *b, bool numeric)
{
    bool an = a->kind == JV_NULL, bn = b->kind == JV_NULL;
    if (an || bn)
        return an == bn ? 0 : an ? 1 : -1;
    if (a->kind == JV_NUMBER && b->kind == JV_NUMBER)
        return fnu_element_equal(a, b) ? 0 : decimal_sign_cmp(a, b);
    if (a->kind == JV_STRING && b->kind == JV_STRING) {
        if (numeric) {
            jv x = *a, y = *b;
            x.kind = y.kind = JV_NUMBER;
            return fnu_element_equal(&x, &y) ? 0 : decimal_sign_cmp(&x, &y);
        }
        int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
        return c ? (c < 0 ? -1 : 1) : a->len < b->len ? -1 : a->len > b->len;
    }
    if ((a->kind == JV_TRUE || a->kind == JV_FALSE) && (b->kind == JV_TRUE || b->kind == JV_FALSE))
        return a->kind == b->kind ? 0 : a->kind == JV_FALSE ? -1 : 1;
    return a->kind < b->kind ? -1 : a->kind > b->kind;
}

/* pgw_array_cmp(a, b, type): -1/0/1 in PostgreSQL's array order. */
static void fn_cmp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    bool numeric = numeric_elements(argv, argc, 2);
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    jv *b = a ? arr_arg(ctx, &ca, argv[1]) : NULL;
    if (b) {
        int c = 0;
        for (int i = 0; i < a->n && i < b->n && !c; i++)
            c = element_cmp(a->items[i], b->items[i], numeric);
        if (!c)
            c = a->n < b->n ? -1 : a->n > b->n;
        sqlite3_result_int(ctx, c);
    }
    end(&ca);
}

static bool contains_all(const jv *a, const jv *b)
{
    for (int i = 0; i < b->n; i++) {
        if (b->items[i]->kind == JV_NULL)
            return false;
        bool found = false;
        for (int k = 0; k < a->n && !found; k++)
            found = a->items[k]->kind != JV_NULL && fnu_element_equal(a->items[k], b->items[i]);
        if (!found)
            return false;
    }
    return true;
}

static void fn_contains(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, 2, argv))
        return;
    (void)argc;
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    jv *b = a ? arr_arg(ctx, &ca, argv[1]) : NULL;
    if (b)
        sqlite3_result_int(ctx, contains_all(a, b));
    end(&ca);
}

static void fn_overlap(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, 2, argv))
        return;
    (void)argc;
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    jv *b = a ? arr_arg(ctx, &ca, argv[1]) : NULL;
    if (b) {
        bool found = false;
        for (int i = 0; i < b->n && !found; i++)
            for (int k = 0; k < a->n && !found; k++)
                found = a->items[k]->kind != JV_NULL && b->items[i]->kind != JV_NULL &&
                        fnu_element_equal(a->items[k], b->items[i]);
        sqlite3_result_int(ctx, found);
    }
    end(&ca);
}

/* ---------------------------------------------------------------- subscripts */

/* pgw_array_get(arr, index, type) */
static void fn_get(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (fnu_null_args(ctx, 2, argv))
        return;
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    if (a) {
        int64_t i = sqlite3_value_int64(argv[1]);
        if (i >= 1 && i <= a->n)
            fnu_result_element(ctx, a->items[i - 1], storage_of(argv, argc, 2));
        else
            sqlite3_result_null(ctx);
    }
    end(&ca);
}

/* pgw_array_slice(arr, lower, upper): a NULL bound is open. */
static void fn_slice(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    if (a) {
        int64_t lo = sqlite3_value_type(argv[1]) == SQLITE_NULL ? 1 : sqlite3_value_int64(argv[1]);
        int64_t hi = sqlite3_value_type(argv[2]) == SQLITE_NULL ? a->n : sqlite3_value_int64(argv[2]);
        if (lo < 1)
            lo = 1;
        if (hi > a->n)
            hi = a->n;
        strbuf out;
        strbuf_init(&out);
        strbuf_putc(&out, '[');
        for (int64_t i = lo; i <= hi; i++) {
            if (i > lo)
                strbuf_puts(&out, ", ");
            fnu_array_put_element(&out, a->items[i - 1]);
        }
        strbuf_putc(&out, ']');
        fnu_result_text(ctx, &out);
    }
    end(&ca);
}

/* ---------------------------------------------------------------- dimensions */

typedef enum { DIM_LENGTH, DIM_LOWER, DIM_NDIMS, DIM_CARDINALITY, DIM_DIMS } dim_op;

static void dims(sqlite3_context *ctx, int argc, sqlite3_value **argv, dim_op op)
{
    if (fnu_null_args(ctx, argc, argv))
        return;
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    if (a) {
        int dim = argc > 1 ? sqlite3_value_int(argv[1]) : 1;
        switch (op) {
        case DIM_CARDINALITY:
            sqlite3_result_int(ctx, a->n);
            break;
        case DIM_NDIMS:
            if (a->n)
                sqlite3_result_int(ctx, 1);
            else
                sqlite3_result_null(ctx);
            break;
        case DIM_DIMS:
            if (a->n) {
                char buf[32];
                snprintf(buf, sizeof buf, "[1:%d]", a->n);
                sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
            } else {
                sqlite3_result_null(ctx);
            }
            break;
        default:
            if (a->n == 0 || dim != 1)
                sqlite3_result_null(ctx);
            else
                sqlite3_result_int(ctx, op == DIM_LOWER ? 1 : a->n);
            break;
        }
    }
    end(&ca);
}

static void fn_length(sqlite3_context *ctx, int argc, sqlite3_value **argv) { dims(ctx, argc, argv, DIM_LENGTH); }
static void fn_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv) { dims(ctx, argc, argv, DIM_LOWER); }
static void fn_ndims(sqlite3_context *ctx, int argc, sqlite3_value **argv) { dims(ctx, argc, argv, DIM_NDIMS); }
static void fn_cardinality(sqlite3_context *ctx, int argc, sqlite3_value **argv) { dims(ctx, argc, argv, DIM_CARDINALITY); }
static void fn_dims(sqlite3_context *ctx, int argc, sqlite3_value **argv) { dims(ctx, argc, argv, DIM_DIMS); }

/* ---------------------------------------------------------------- search and edit */

/* IS NOT DISTINCT FROM between an element and a value (array_position finds NULLs). */
static bool element_matches(const jv *e, sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return e->kind == JV_NULL;
    return e->kind != JV_NULL && fnu_element_equals_value(e, v);
}

/* pgw_array_position(arr, elem [, start]) */
static void fn_position(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || (argc > 2 && sqlite3_value_type(argv[2]) == SQLITE_NULL)) {
        sqlite3_result_null(ctx);
        return;
    }
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    if (a) {
        int64_t start = argc > 2 ? sqlite3_value_int64(argv[2]) : 1;
        sqlite3_result_null(ctx);
        for (int64_t i = start < 1 ? 1 : start; i <= a->n; i++)
            if (element_matches(a->items[i - 1], argv[1])) {
                sqlite3_result_int64(ctx, i);
                break;
            }
    }
    end(&ca);
}

static void fn_positions(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    if (a) {
        strbuf out;
        strbuf_init(&out);
        strbuf_putc(&out, '[');
        bool first = true;
        for (int i = 0; i < a->n; i++)
            if (element_matches(a->items[i], argv[1])) {
                strbuf_printf(&out, "%s%d", first ? "" : ", ", i + 1);
                first = false;
            }
        strbuf_putc(&out, ']');
        fnu_result_text(ctx, &out);
    }
    end(&ca);
}

/* pgw_array_replace(arr, from, to) and pgw_array_remove(arr, elem) (to = absent). */
static void replace(sqlite3_context *ctx, sqlite3_value *arrv, sqlite3_value *from, sqlite3_value *to)
{
    if (sqlite3_value_type(arrv) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, arrv);
    if (a) {
        strbuf out;
        strbuf_init(&out);
        strbuf_putc(&out, '[');
        bool first = true;
        for (int i = 0; i < a->n; i++) {
            bool hit = element_matches(a->items[i], from);
            if (hit && !to)
                continue;
            if (!first)
                strbuf_puts(&out, ", ");
            first = false;
            if (hit)
                fnu_array_put_value(&out, to);
            else
                fnu_array_put_element(&out, a->items[i]);
        }
        strbuf_putc(&out, ']');
        fnu_result_text(ctx, &out);
    }
    end(&ca);
}

static void fn_remove(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    replace(ctx, argv[0], argv[1], NULL);
}

static void fn_replace(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    replace(ctx, argv[0], argv[1], argv[2]);
}

/* ---------------------------------------------------------------- array_to_string */

/* An element's text output (its type's output function). */
static bool element_text(const jv *e, const pg_type_info *et, const type_settings *ts, strbuf *out, pg_error *err)
{
    if (e->kind == JV_STRING && (!et || et->storage == STORAGE_TEXT)) {
        if (et && et->oid != PG_OID_TEXT && et->oid != PG_OID_VARCHAR && et->oid != PG_OID_NAME &&
            et->oid != PG_OID_BPCHAR && et->oid != PG_OID_NUMERIC) {
            sql_value v = value_text(e->s, e->len);
            return types_text_out(ts, et->oid, -1, &v, out, err);
        }
        strbuf_append(out, e->s, e->len);
        return true;
    }
    if (!et) {
        strbuf_append(out, e->kind == JV_STRING ? e->s : e->raw, e->kind == JV_STRING ? e->len : e->rawlen);
        return true;
    }
    sql_value v = value_null();
    strbuf scratch;
    strbuf_init(&scratch);
    char buf[64];
    size_t n = e->len < sizeof buf - 1 ? e->len : sizeof buf - 1;
    if (e->kind == JV_NUMBER || e->kind == JV_STRING) {
        memcpy(buf, e->s, n);
        buf[n] = 0;
    } else {
        buf[0] = 0;
    }
    switch (et->storage) {
    case STORAGE_INT:
        v = value_int(e->kind == JV_TRUE ? 1 : e->kind == JV_FALSE ? 0 : strtoll(buf, NULL, 10));
        break;
    case STORAGE_FLOAT:
        v = value_float(strcmp(buf, "NaN") == 0 ? (double)NAN : strcmp(buf, "Infinity") == 0 ? (double)INFINITY
                        : strcmp(buf, "-Infinity") == 0 ? -(double)INFINITY : strtod(buf, NULL));
        break;
    case STORAGE_BLOB:
        for (size_t i = 2; e->kind == JV_STRING && i + 1 < e->len; i += 2) {
            char h[3] = {e->s[i], e->s[i + 1], 0};
            strbuf_putc(&scratch, (char)strtol(h, NULL, 16));
        }
        v = value_blob(scratch.data ? scratch.data : "", scratch.len);
        break;
    default:
        v = value_text(e->kind == JV_STRING ? e->s : e->raw, e->kind == JV_STRING ? e->len : e->rawlen);
        break;
    }
    bool ok = types_text_out(ts, et->oid, -1, &v, out, err);
    strbuf_free(&scratch);
    return ok;
}

/* pgw_array_to_string(arr, delimiter, null_string, type) */
static void fn_to_string(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const pg_type_info *t = argc > 3 ? types_by_oid((pg_oid)sqlite3_value_int64(argv[3])) : NULL;
    const pg_type_info *et = t ? types_by_oid(t->typelem) : NULL;
    type_settings fallback;
    const type_settings *ts = fnu_settings(ctx, &fallback);
    bool has_null = argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL;
    call_arena ca;
    begin(&ca);
    jv *a = arr_arg(ctx, &ca, argv[0]);
    if (a) {
        strbuf out;
        strbuf_init(&out);
        bool first = true;
        for (int i = 0; i < a->n; i++) {
            if (a->items[i]->kind == JV_NULL && !has_null)
                continue;
            if (!first)
                strbuf_append(&out, sqlite3_value_text(argv[1]), (size_t)sqlite3_value_bytes(argv[1]));
            first = false;
            if (a->items[i]->kind == JV_NULL)
                strbuf_append(&out, sqlite3_value_text(argv[2]), (size_t)sqlite3_value_bytes(argv[2]));
            else if (!element_text(a->items[i], et, ts, &out, &ca.err)) {
                strbuf_free(&out);
                sqlite_fn_pg_error(ctx, &ca.err);
                end(&ca);
                return;
            }
        }
        fnu_result_text(ctx, &out);
    }
    end(&ca);
}

/* ---------------------------------------------------------------- registration */

typedef struct array_fn {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
} array_fn;

/* pgw_array_fill(value, dims int[] [, lower bounds int[]]): one dimension, lower bound 1. */
static void fn_array_fill(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL || (argc > 2 && sqlite3_value_type(argv[2]) == SQLITE_NULL)) {
        sqlite_fn_error(ctx, "22004", "dimension array or low bound array cannot be null");
        return;
    }
    arena a;
    arena_init(&a);
    pg_error err = {0};
    jv *dims = NULL, *lbs = NULL;
    if (!fnu_array_parse(&a, argv[1], &dims, &err) || (argc > 2 && !fnu_array_parse(&a, argv[2], &lbs, &err))) {
        sqlite_fn_pg_error(ctx, &err);
        arena_free(&a);
        return;
    }
    if (dims->n > 1 || (lbs && (lbs->n > 1 || (lbs->n == 1 && !(lbs->items[0]->len == 1 && lbs->items[0]->s[0] == '1'))))) {
        sqlite_fn_error(ctx, "0A000", "arrays with several dimensions or a lower bound other than 1 are not supported");
        arena_free(&a);
        return;
    }
    if (lbs && lbs->n != dims->n) {
        sqlite_fn_error(ctx, "2202E", "wrong number of array subscripts");
        arena_free(&a);
        return;
    }
    long long n = 0;
    if (dims->n == 1) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.*s", (int)(dims->items[0]->len < 31 ? dims->items[0]->len : 31), dims->items[0]->s);
        n = strtoll(buf, NULL, 10);
    }
    if (n > 134217727) {
        sqlite_fn_error(ctx, "54000", "array size exceeds the maximum allowed (134217727)");
        arena_free(&a);
        return;
    }
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    for (long long i = 0; i < n; i++) {
        if (i)
            strbuf_puts(&out, ", ");
        fnu_array_put_value(&out, argv[0]);
    }
    strbuf_putc(&out, ']');
    fnu_result_text(ctx, &out);
    arena_free(&a);
}

static const array_fn array_functions[] = {
    {"pgw_array", -1, fn_array},
    {"pgw_array_append", 2, fn_append},
    {"pgw_array_fill", 2, fn_array_fill},
    {"pgw_array_fill", 3, fn_array_fill},
    {"pgw_array_prepend", 2, fn_prepend},
    {"pgw_array_cat", 2, fn_cat},
    {"pgw_array_cmp", 3, fn_cmp},
    {"pgw_array_contains", 2, fn_contains},
    {"pgw_array_overlap", 2, fn_overlap},
    {"pgw_array_get", 3, fn_get},
    {"pgw_array_slice", 3, fn_slice},
    {"pgw_array_length", 2, fn_length},
    {"pgw_array_lower", 2, fn_lower},
    {"pgw_array_ndims", 1, fn_ndims},
    {"pgw_array_dims", 1, fn_dims},
    {"pgw_array_cardinality", 1, fn_cardinality},
    {"pgw_array_position", 2, fn_position},
    {"pgw_array_position", 3, fn_position},
    {"pgw_array_positions", 2, fn_positions},
    {"pgw_array_remove", 2, fn_remove},
    {"pgw_array_replace", 3, fn_replace},
    {"pgw_array_to_string", 4, fn_to_string},
};

int sqlite_register_array(sqlite3 *db, engine_conn *c)
{
    for (size_t i = 0; i < ARRAY_LEN(array_functions); i++) {
        const array_fn *f = &array_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC, c, f->fn, NULL,
                                            NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}
