/*
 * sqlite_fn_vector.c — pgvector's distances, vector functions, aggregates and casts as SQLite
 * functions over the storage form of `vector` (a BLOB of little-endian float32, types.h),
 * computed by the vector layer's kernels (src/vector).
 *
 * Results follow pgvector: distances are float8 (the kernels' float sums widened, the square
 * root and the cosine quotient taken in double as pgvector does), errors carry pgvector's
 * SQLSTATE and text ("different vector dimensions 2 and 1", "value out of range: overflow").
 * Every function is NULL in, NULL out.
 *
 * A BLOB handed over by SQLite may sit at any address: a vector that is not 4-byte aligned
 * is copied before a kernel reads it (vec_get), so no float is ever read misaligned.
 *
 * The HNSW index functions and the search table are in sqlite_hnsw*.c; this file registers
 * them too (sqlite_register_vector).
 */
#include "backend/sqlite_hnsw.h"
#include "backend/sqlite_internal.h"
#include "vector/vector.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NULL_IN_NULL_OUT(argc, argv)                                    \
    do {                                                                \
        for (int i_ = 0; i_ < (argc); i_++)                             \
            if (sqlite3_value_type((argv)[i_]) == SQLITE_NULL) {        \
                sqlite3_result_null(ctx);                               \
                return;                                                 \
            }                                                           \
    } while (0)

/* ---------------------------------------------------------------- reading vectors */

bool sqlite_vec_get(sqlite3_value *v, sqlite_vec *out, pg_error *err)
{
    memset(out, 0, sizeof *out);
    const void *p;
    int bytes;
    if (sqlite3_value_type(v) == SQLITE_TEXT) {
        /* Not our storage form, but its meaning is clear: pgvector's text form. */
        strbuf scratch;
        strbuf_init(&scratch);
        type_settings ts;
        type_settings_default(&ts);
        sql_value parsed;
        const char *text = (const char *)sqlite3_value_text(v);
        bool ok = types_text_in(&ts, PG_OID_VECTOR, -1, text, (size_t)sqlite3_value_bytes(v), &parsed, &scratch, err);
        if (ok) {
            out->owned = malloc(parsed.len ? parsed.len : 1);
            if (!out->owned) {
                pg_error_oom(err);
                ok = false;
            } else {
                memcpy(out->owned, parsed.ptr, parsed.len);
                out->x = out->owned;
                out->dim = (int)(parsed.len / 4);
            }
        }
        strbuf_free(&scratch);
        return ok;
    }
    p = sqlite3_value_blob(v);
    bytes = sqlite3_value_bytes(v);
    if (sqlite3_value_type(v) != SQLITE_BLOB || bytes <= 0 || bytes % 4 != 0 || bytes / 4 > VECTOR_MAX_DIM || !p) {
        pg_error_set(err, "XX001", "invalid vector value in storage (%d bytes)", bytes);
        return false;
    }
    out->dim = bytes / 4;
    if (((uintptr_t)p & (_Alignof(float) - 1)) == 0) {
        out->x = p;
        return true;
    }
    out->owned = malloc((size_t)bytes);
    if (!out->owned) {
        pg_error_oom(err);
        return false;
    }
    memcpy(out->owned, p, (size_t)bytes);
    out->x = out->owned;
    return true;
}

void sqlite_vec_free(sqlite_vec *v)
{
    free(v->owned);
    v->owned = NULL;
    v->x = NULL;
}

/* Both arguments as vectors of the same dimension ("different vector dimensions a and b"). */
static bool get_pair(sqlite3_context *ctx, sqlite3_value **argv, sqlite_vec *a, sqlite_vec *b)
{
    pg_error err = {0};
    if (!sqlite_vec_get(argv[0], a, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        return false;
    }
    if (!sqlite_vec_get(argv[1], b, &err)) {
        sqlite_vec_free(a);
        sqlite_fn_pg_error(ctx, &err);
        return false;
    }
    if (a->dim != b->dim) {
        sqlite_fn_error(ctx, "22000", "different vector dimensions %d and %d", a->dim, b->dim);
        sqlite_vec_free(a);
        sqlite_vec_free(b);
        return false;
    }
    return true;
}

static bool get_one(sqlite3_context *ctx, sqlite3_value *v, sqlite_vec *a)
{
    pg_error err = {0};
    if (!sqlite_vec_get(v, a, &err)) {
        sqlite_fn_pg_error(ctx, &err);
        return false;
    }
    return true;
}

/* A vector result: `n` floats handed to SQLite without a copy. */
static void result_vector(sqlite3_context *ctx, float *x, int n)
{
    sqlite3_result_blob64(ctx, x, (sqlite3_uint64)n * 4, sqlite3_free);
}

static float *alloc_vector(sqlite3_context *ctx, int n)
{
    float *x = sqlite3_malloc64((sqlite3_uint64)n * 4);
    if (!x)
        sqlite3_result_error_nomem(ctx);
    return x;
}

/* ---------------------------------------------------------------- distances */

double sqlite_vec_distance(vector_metric metric, const float *a, const float *b, size_t n)
{
    switch (metric) {
    case VECTOR_METRIC_L2:
        return sqrt((double)vector_l2_squared(a, b, n));
    case VECTOR_METRIC_INNER_PRODUCT:
        return -(double)vector_inner_product(a, b, n);
    case VECTOR_METRIC_COSINE: {
        /* As pgvector: float sums, the quotient in double, clamped to [-1, 1]. */
        double dot = vector_inner_product(a, b, n);
        double na = vector_inner_product(a, a, n), nb = vector_inner_product(b, b, n);
        double denom = sqrt(na * nb);
        if (denom == 0.0)
            return NAN;
        double sim = dot / denom;
        if (sim > 1.0)
            sim = 1.0;
        else if (sim < -1.0)
            sim = -1.0;
        return 1.0 - sim;
    }
    case VECTOR_METRIC_L1:
        return (double)vector_l1_distance(a, b, n);
    }
    return NAN;
}

/* user data of the distance functions: which distance (POSITIVE_IP: inner_product()) */
#define POSITIVE_IP 100

static void fn_distance(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    int which = (int)(intptr_t)sqlite3_user_data(ctx);
    sqlite_vec a, b;
    if (!get_pair(ctx, argv, &a, &b))
        return;
    double d = which == POSITIVE_IP ? (double)vector_inner_product(a.x, b.x, (size_t)a.dim)
                                    : sqlite_vec_distance((vector_metric)which, a.x, b.x, (size_t)a.dim);
    if (isnan(d))
        /* SQLite turns a NaN double into NULL; float8's text "NaN" survives, prints as
         * PostgreSQL prints it and sorts after every number, as PostgreSQL sorts NaN. */
        sqlite3_result_text(ctx, "NaN", 3, SQLITE_STATIC);
    else
        sqlite3_result_double(ctx, d);
    sqlite_vec_free(&a);
    sqlite_vec_free(&b);
}

/* ---------------------------------------------------------------- element-wise arithmetic */

enum { OP_ADD, OP_SUB, OP_MUL };

static void fn_arith(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    int op = (int)(intptr_t)sqlite3_user_data(ctx);
    sqlite_vec a, b;
    if (!get_pair(ctx, argv, &a, &b))
        return;
    float *out = alloc_vector(ctx, a.dim);
    if (out) {
        size_t n = (size_t)a.dim;
        bool finite = op == OP_ADD ? vector_add(out, a.x, b.x, n)
                      : op == OP_SUB ? vector_sub(out, a.x, b.x, n)
                                     : vector_mul(out, a.x, b.x, n);
        bool underflow = false;
        for (size_t i = 0; finite && op == OP_MUL && i < n; i++)
            if (out[i] == 0.0f && a.x[i] != 0.0f && b.x[i] != 0.0f)
                underflow = true;
        if (!finite || underflow) {
            sqlite3_free(out);
            sqlite_fn_error(ctx, "22003", "value out of range: %s", underflow ? "underflow" : "overflow");
        } else {
            result_vector(ctx, out, a.dim);
        }
    }
    sqlite_vec_free(&a);
    sqlite_vec_free(&b);
}

/* vector || vector */
static void fn_concat(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_vec a, b;
    if (!get_one(ctx, argv[0], &a))
        return;
    if (!get_one(ctx, argv[1], &b)) {
        sqlite_vec_free(&a);
        return;
    }
    int n = a.dim + b.dim;
    if (n > VECTOR_MAX_DIM) {
        sqlite_fn_error(ctx, "54000", "vector cannot have more than %d dimensions", VECTOR_MAX_DIM);
    } else {
        float *out = alloc_vector(ctx, n);
        if (out) {
            memcpy(out, a.x, (size_t)a.dim * 4);
            memcpy(out + a.dim, b.x, (size_t)b.dim * 4);
            result_vector(ctx, out, n);
        }
    }
    sqlite_vec_free(&a);
    sqlite_vec_free(&b);
}

/* ---------------------------------------------------------------- functions of one vector */

static void fn_dims(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_vec a;
    if (!get_one(ctx, argv[0], &a))
        return;
    sqlite3_result_int(ctx, a.dim);
    sqlite_vec_free(&a);
}

/* pgvector sums the squares in double. */
static void fn_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_vec a;
    if (!get_one(ctx, argv[0], &a))
        return;
    double s = 0;
    for (int i = 0; i < a.dim; i++)
        s += (double)a.x[i] * (double)a.x[i];
    sqlite3_result_double(ctx, sqrt(s));
    sqlite_vec_free(&a);
}

static void fn_l2_normalize(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_vec a;
    if (!get_one(ctx, argv[0], &a))
        return;
    float *out = alloc_vector(ctx, a.dim);
    if (out) {
        (void)vector_normalize(out, a.x, (size_t)a.dim);
        result_vector(ctx, out, a.dim);
    }
    sqlite_vec_free(&a);
}

/* subvector(v, start, count): as pgvector — 1-based, clipped to the vector, at least one
 * element left. */
static void fn_subvector(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_vec a;
    if (!get_one(ctx, argv[0], &a))
        return;
    int64_t start = sqlite3_value_int64(argv[1]), count = sqlite3_value_int64(argv[2]);
    int64_t end = start + count;
    if (count > INT32_MAX || start > INT32_MAX || start < INT32_MIN || count < INT32_MIN) {
        sqlite_fn_error(ctx, "22003", "integer out of range");
        sqlite_vec_free(&a);
        return;
    }
    if (start < 1)
        start = 1;
    if (end > a.dim + 1)
        end = a.dim + 1;
    int64_t n = end - start;
    if (n < 1) {
        sqlite_fn_error(ctx, "22000", "vector must have at least 1 dimension");
    } else {
        float *out = alloc_vector(ctx, (int)n);
        if (out) {
            memcpy(out, a.x + (start - 1), (size_t)n * 4);
            result_vector(ctx, out, (int)n);
        }
    }
    sqlite_vec_free(&a);
}

/* pgvector's btree order: element by element, then the shorter vector first. */
static int vec_cmp(const sqlite_vec *a, const sqlite_vec *b)
{
    int n = a->dim < b->dim ? a->dim : b->dim;
    for (int i = 0; i < n; i++) {
        if (a->x[i] < b->x[i])
            return -1;
        if (a->x[i] > b->x[i])
            return 1;
    }
    return a->dim < b->dim ? -1 : a->dim > b->dim ? 1 : 0;
}

static void fn_cmp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_vec a, b;
    if (!get_one(ctx, argv[0], &a))
        return;
    if (!get_one(ctx, argv[1], &b)) {
        sqlite_vec_free(&a);
        return;
    }
    sqlite3_result_int(ctx, vec_cmp(&a, &b));
    sqlite_vec_free(&a);
    sqlite_vec_free(&b);
}

/* ---------------------------------------------------------------- casts */

/* pgw_vector_typmod(v, n): assignment to vector(n) — "expected n dimensions, not m". */
static void fn_typmod(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    int typmod = sqlite3_value_int(argv[1]);
    sqlite_vec a;
    if (!get_one(ctx, argv[0], &a))
        return;
    if (typmod >= 0 && a.dim != typmod)
        sqlite_fn_error(ctx, "22000", "expected %d dimensions, not %d", typmod, a.dim);
    else if (sqlite3_value_type(argv[0]) == SQLITE_BLOB)
        sqlite3_result_value(ctx, argv[0]);
    else
        sqlite3_result_blob64(ctx, a.x, (sqlite3_uint64)a.dim * 4, SQLITE_TRANSIENT);
    sqlite_vec_free(&a);
}

/* One element of an array's storage form (a JSON array): a number, a numeric's text, or
 * "NaN"/"Infinity"/"-Infinity".  Returns the position after it, NULL on malformed input. */
static const char *array_element(const char *p, const char *end, double *out, bool *is_null, bool *nested)
{
    *is_null = *nested = false;
    if (p < end && *p == '[') {
        *nested = true;
        return p;
    }
    if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
        *is_null = true;
        return p + 4;
    }
    char buf[512];
    size_t n = 0;
    bool quoted = p < end && *p == '"';
    if (quoted)
        p++;
    while (p < end && n + 1 < sizeof buf && (quoted ? *p != '"' : (*p != ',' && *p != ']' && *p != ' ')))
        buf[n++] = *p++;
    if (quoted) {
        if (p >= end)
            return NULL;
        p++;
    }
    buf[n] = 0;
    if (!n)
        return NULL;
    char *e;
    if (strcmp(buf, "NaN") == 0)
        *out = NAN;
    else if (strcmp(buf, "Infinity") == 0)
        *out = INFINITY;
    else if (strcmp(buf, "-Infinity") == 0)
        *out = -INFINITY;
    else {
        *out = strtod(buf, &e);
        if (*e)
            return NULL;
    }
    return p;
}

/* pgw_array_to_vector(array, typmod): int4[], float4[], float8[], numeric[] → vector. */
static void fn_array_to_vector(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    int typmod = sqlite3_value_int(argv[1]);
    const char *p = (const char *)sqlite3_value_text(argv[0]);
    const char *end = p + sqlite3_value_bytes(argv[0]);
    while (p < end && *p == ' ')
        p++;
    if (p >= end || *p != '[') {
        sqlite_fn_error(ctx, "22P02", "invalid array value for a vector");
        return;
    }
    p++;
    int cap = 16, n = 0;
    float *x = sqlite3_malloc64((sqlite3_uint64)cap * 4);
    if (!x) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    const char *error_state = NULL, *error_text = NULL;
    char msg[96];
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ','))
            p++;
        if (p < end && *p == ']')
            break;
        double d = 0;
        bool is_null, nested;
        const char *next = array_element(p, end, &d, &is_null, &nested);
        if (nested) {
            error_state = "22000", error_text = "array must be 1-D";
            break;
        }
        if (!next) {
            error_state = "22P02", error_text = "invalid array value for a vector";
            break;
        }
        if (is_null) {
            error_state = "22004", error_text = "array must not contain nulls";
            break;
        }
        if (n == VECTOR_MAX_DIM) {
            snprintf(msg, sizeof msg, "vector cannot have more than %d dimensions", VECTOR_MAX_DIM);
            error_state = "54000", error_text = msg;
            break;
        }
        float f = (float)d;
        if (isnan(f)) {
            error_state = "22000", error_text = "NaN not allowed in vector";
            break;
        }
        if (isinf(f)) {
            error_state = "22000", error_text = "infinite value not allowed in vector";
            break;
        }
        if (n == cap) {
            cap *= 2;
            float *grown = sqlite3_realloc64(x, (sqlite3_uint64)cap * 4);
            if (!grown) {
                sqlite3_free(x);
                sqlite3_result_error_nomem(ctx);
                return;
            }
            x = grown;
        }
        x[n++] = f;
        p = next;
    }
    if (!error_state && n == 0)
        error_state = "22000", error_text = "vector must have at least 1 dimension";
    if (!error_state && typmod >= 0 && n != typmod) {
        snprintf(msg, sizeof msg, "expected %d dimensions, not %d", typmod, n);
        error_state = "22000", error_text = msg;
    }
    if (error_state) {
        sqlite3_free(x);
        sqlite_fn_error(ctx, error_state, "%s", error_text);
        return;
    }
    result_vector(ctx, x, n);
}

/* pgw_vector_to_array(v): the storage form of real[] / double precision[] (a JSON array of
 * each element's exact value). */
static void fn_vector_to_array(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    NULL_IN_NULL_OUT(argc, argv);
    sqlite_vec a;
    if (!get_one(ctx, argv[0], &a))
        return;
    strbuf out;
    strbuf_init(&out);
    strbuf_putc(&out, '[');
    for (int i = 0; i < a.dim; i++) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.17g", (double)a.x[i]);
        if (i)
            strbuf_putc(&out, ',');
        strbuf_puts(&out, buf);
    }
    strbuf_putc(&out, ']');
    if (out.failed)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_text64(ctx, out.data, out.len, SQLITE_TRANSIENT, SQLITE_UTF8);
    strbuf_free(&out);
    sqlite_vec_free(&a);
}

/* ---------------------------------------------------------------- aggregates */

/* avg(vector): pgvector accumulates in double and checks every dimension against the
 * first ("expected n dimensions, not m"); sum(vector) adds in float with overflow checks
 * ("different vector dimensions", "value out of range: overflow"). */
typedef struct vec_agg {
    int dim;             /* 0 until the first non-NULL row */
    int64_t count;
    double *dsum;        /* avg */
    float *fsum;         /* sum */
    bool failed;
} vec_agg;

static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    bool is_avg = sqlite3_user_data(ctx) != NULL;
    vec_agg *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (st->failed || sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    sqlite_vec a;
    if (!get_one(ctx, argv[0], &a)) {
        st->failed = true;
        return;
    }
    if (st->dim == 0) {
        st->dim = a.dim;
        if (is_avg)
            st->dsum = calloc((size_t)a.dim, sizeof *st->dsum);
        else
            st->fsum = calloc((size_t)a.dim, sizeof *st->fsum);
        if (!st->dsum && !st->fsum) {
            st->failed = true;
            sqlite3_result_error_nomem(ctx);
            sqlite_vec_free(&a);
            return;
        }
    } else if (st->dim != a.dim) {
        st->failed = true;
        if (is_avg)
            sqlite_fn_error(ctx, "22000", "expected %d dimensions, not %d", st->dim, a.dim);
        else
            sqlite_fn_error(ctx, "22000", "different vector dimensions %d and %d", st->dim, a.dim);
        sqlite_vec_free(&a);
        return;
    }
    if (is_avg) {
        for (int i = 0; i < a.dim; i++)
            st->dsum[i] += a.x[i];
    } else if (!vector_add(st->fsum, st->fsum, a.x, (size_t)a.dim)) {
        st->failed = true;
        sqlite_fn_error(ctx, "22003", "value out of range: overflow");
    }
    st->count++;
    sqlite_vec_free(&a);
}

static void agg_final(sqlite3_context *ctx)
{
    bool is_avg = sqlite3_user_data(ctx) != NULL;
    vec_agg *st = sqlite3_aggregate_context(ctx, 0);
    if (!st || st->failed || st->count == 0) {
        sqlite3_result_null(ctx);
    } else {
        float *out = alloc_vector(ctx, st->dim);
        if (out) {
            bool finite = true;
            for (int i = 0; i < st->dim; i++) {
                out[i] = is_avg ? (float)(st->dsum[i] / (double)st->count) : st->fsum[i];
                finite &= isfinite(out[i]) != 0;
            }
            if (!finite) {
                sqlite3_free(out);
                sqlite_fn_error(ctx, "22003", "value out of range: overflow");
            } else {
                result_vector(ctx, out, st->dim);
            }
        }
    }
    if (st) {
        free(st->dsum);
        free(st->fsum);
        st->dsum = NULL;
        st->fsum = NULL;
    }
}

/* ---------------------------------------------------------------- registration */

typedef struct vec_fn_def {
    const char *name;
    int nargs;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
    intptr_t data;
} vec_fn_def;

static const vec_fn_def vector_functions[] = {
    {"pgw_vector_l2", 2, fn_distance, VECTOR_METRIC_L2},
    {"pgw_vector_neg_ip", 2, fn_distance, VECTOR_METRIC_INNER_PRODUCT},
    {"pgw_vector_cosine", 2, fn_distance, VECTOR_METRIC_COSINE},
    {"pgw_vector_l1", 2, fn_distance, VECTOR_METRIC_L1},
    {"pgw_vector_ip", 2, fn_distance, POSITIVE_IP},
    {"pgw_vector_add", 2, fn_arith, OP_ADD},
    {"pgw_vector_sub", 2, fn_arith, OP_SUB},
    {"pgw_vector_mul", 2, fn_arith, OP_MUL},
    {"pgw_vector_concat", 2, fn_concat, 0},
    {"pgw_vector_dims", 1, fn_dims, 0},
    {"pgw_vector_norm", 1, fn_norm, 0},
    {"pgw_vector_l2_normalize", 1, fn_l2_normalize, 0},
    {"pgw_vector_subvector", 3, fn_subvector, 0},
    {"pgw_vector_cmp", 2, fn_cmp, 0},
    {"pgw_vector_typmod", 2, fn_typmod, 0},
    {"pgw_array_to_vector", 2, fn_array_to_vector, 0},
    {"pgw_vector_to_array", 1, fn_vector_to_array, 0},
};

int sqlite_register_vector(sqlite3 *db, engine_conn *c)
{
    (void)c;
    for (size_t i = 0; i < ARRAY_LEN(vector_functions); i++) {
        const vec_fn_def *f = &vector_functions[i];
        int rc = sqlite3_create_function_v2(db, f->name, f->nargs, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                            (void *)f->data, f->fn, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    int rc = sqlite3_create_function_v2(db, "pgw_vector_avg", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)1,
                                        NULL, agg_step, agg_final, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "pgw_vector_sum", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                        agg_step, agg_final, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite_register_hnsw(db, c);
    return rc;
}
