/*
 * sqlite_hnsw_search.c — pgw_vector_search, the table-valued function that answers
 * `ORDER BY col <op> q LIMIT k` (with or without WHERE) for the SQL layer's emitter
 * (src/sql/vector_plan.c):
 *
 *   SELECT ... FROM pgw_vector_search(index_oid, metric, q, k, filtered, scan_sql, point_sql,
 *                                     relid, attnum, ?1, ?2, ...) AS s
 *   JOIN t ON t.rowid = s.value ORDER BY s.ordinality LIMIT ...
 *
 * It yields the k nearest rows that pass the query's WHERE clause as (value = rowid,
 * ordinality = rank, distance), best first, so SQLite never sorts: it declares the order
 * consumed and the join stops at the LIMIT.
 *
 *   - index_oid != 0: the HNSW index (sqlite_hnsw.c) with hnsw.ef_search, plus the log
 *     entries the index has not applied that this transaction sees (re-read through
 *     point_sql and scored exactly), minus index rows those entries replace; WHERE is
 *     the index's filter callback (point_sql per candidate), so k rows come back whenever
 *     k rows match.  When the index is gone, of another metric, ahead of the transaction's
 *     snapshot, or enable_indexscan is off, the search is exact instead.  relid/attnum (0
 *     for a distance function, which no index serves) name the column: when the plan had
 *     no index, or its index is gone, the index the column has now is used (a statement
 *     prepared before CREATE INDEX, as PostgreSQL would re-plan it).
 *   - exact: scan_sql (`SELECT rowid, col FROM t WHERE ...`) streamed through the vector
 *     layer's top-k heap with the vectorised kernels; never a sort of all rows.
 *   - q NULL: every distance is NULL, so any k rows are the answer (scan order).
 *
 * scan_sql and point_sql are SQL the emitter built from the query (they use the outer
 * statement's ?N parameters, passed as the trailing arguments; point_sql also :pgw_row);
 * they run on the same connection, inside the statement's own transaction.
 */
#include "backend/sqlite_hnsw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define VS_MAX_PARAMS 32
/* Above this LIMIT an exact search first counts the candidate rows. */
#define VS_COUNT_FIRST 100000

enum {
    COL_VALUE, COL_ORDINALITY, COL_DISTANCE,
    COL_INDEX, COL_METRIC, COL_QUERY, COL_K, COL_FILTERED, COL_SCAN, COL_POINT, COL_RELID, COL_ATTNUM,
    COL_P1,
    NCOLS = COL_P1 + VS_MAX_PARAMS
};
#define NREQUIRED (COL_P1 - COL_INDEX)

typedef struct vs_vtab {
    sqlite3_vtab base;
    engine_conn *c;
} vs_vtab;

typedef struct vs_cursor {
    sqlite3_vtab_cursor base;
    int64_t *rowids;
    float *dists;
    size_t n, nvalued, pos;    /* rows [nvalued, n) have a NULL distance */
} vs_cursor;

/* ---------------------------------------------------------------- vtab plumbing */

static int vs_connect(sqlite3 *db, void *aux, int argc, const char *const *argv, sqlite3_vtab **out, char **errmsg)
{
    (void)argc;
    (void)argv;
    (void)errmsg;
    strbuf decl;
    strbuf_init(&decl);
    strbuf_puts(&decl, "CREATE TABLE x(value INTEGER, ordinality INTEGER, distance REAL, index_oid HIDDEN, "
                       "metric HIDDEN, query HIDDEN, k HIDDEN, filtered HIDDEN, scan_sql HIDDEN, point_sql HIDDEN");
    for (int i = 1; i <= VS_MAX_PARAMS; i++)
        strbuf_printf(&decl, ", p%d HIDDEN", i);
    strbuf_puts(&decl, ")");
    int rc = decl.failed ? SQLITE_NOMEM : sqlite3_declare_vtab(db, decl.data);
    strbuf_free(&decl);
    if (rc != SQLITE_OK)
        return rc;
    vs_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->c = aux;
    *out = &v->base;
    return SQLITE_OK;
}

static int vs_disconnect(sqlite3_vtab *vt)
{
    sqlite3_free(vt);
    return SQLITE_OK;
}

/* The arguments arrive as equality constraints on the hidden columns; idxNum says which of
 * the optional parameter columns were given. */
static int vs_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    (void)vt;
    int where[NCOLS];
    for (int i = 0; i < NCOLS; i++)
        where[i] = -1;
    bool value_constrained = false;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *ct = &info->aConstraint[i];
        if (ct->iColumn == COL_VALUE && ct->usable)
            value_constrained = true;
        if (ct->iColumn < COL_INDEX || ct->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (!ct->usable)
            return SQLITE_CONSTRAINT;
        where[ct->iColumn] = i;
    }
    for (int col = COL_INDEX; col < COL_P1; col++)
        if (where[col] < 0)
            return SQLITE_CONSTRAINT;
    int arg = 1;
    unsigned mask = 0;
    for (int col = COL_INDEX; col < NCOLS; col++) {
        if (where[col] < 0)
            continue;
        info->aConstraintUsage[where[col]].argvIndex = arg++;
        info->aConstraintUsage[where[col]].omit = 1;
        if (col >= COL_P1)
            mask |= 1u << (col - COL_P1);
    }
    info->idxNum = (int)mask;
    if (info->nOrderBy == 1 && !info->aOrderBy[0].desc &&
        (info->aOrderBy[0].iColumn == COL_ORDINALITY || info->aOrderBy[0].iColumn == COL_DISTANCE))
        info->orderByConsumed = 1;
    /* Scanned once, as the outer loop: never as the inner side of a join on its rowids. */
    info->estimatedCost = value_constrained ? 1e12 : 10.0;
    info->estimatedRows = 10;
    return SQLITE_OK;
}

static int vs_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    (void)vt;
    vs_cursor *cur = sqlite3_malloc(sizeof *cur);
    if (!cur)
        return SQLITE_NOMEM;
    memset(cur, 0, sizeof *cur);
    *out = &cur->base;
    return SQLITE_OK;
}

static void cursor_reset(vs_cursor *cur)
{
    free(cur->rowids);
    free(cur->dists);
    cur->rowids = NULL;
    cur->dists = NULL;
    cur->n = cur->nvalued = cur->pos = 0;
}

static int vs_close(sqlite3_vtab_cursor *c)
{
    vs_cursor *cur = (vs_cursor *)c;
    cursor_reset(cur);
    sqlite3_free(cur);
    return SQLITE_OK;
}

static int vs_next(sqlite3_vtab_cursor *c)
{
    ((vs_cursor *)c)->pos++;
    return SQLITE_OK;
}

static int vs_eof(sqlite3_vtab_cursor *c)
{
    vs_cursor *cur = (vs_cursor *)c;
    return cur->pos >= cur->n;
}

static int vs_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int col)
{
    vs_cursor *cur = (vs_cursor *)c;
    switch (col) {
    case COL_VALUE:
        sqlite3_result_int64(ctx, cur->rowids[cur->pos]);
        break;
    case COL_ORDINALITY:
        sqlite3_result_int64(ctx, (sqlite3_int64)cur->pos + 1);
        break;
    case COL_DISTANCE:
        if (cur->pos < cur->nvalued && !isnan(cur->dists[cur->pos]))
            sqlite3_result_double(ctx, cur->dists[cur->pos]);
        else
            sqlite3_result_null(ctx);
        break;
    default:
        sqlite3_result_null(ctx);
        break;
    }
    return SQLITE_OK;
}

static int vs_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *out)
{
    vs_cursor *cur = (vs_cursor *)c;
    *out = (sqlite3_int64)cur->pos + 1;
    return SQLITE_OK;
}

/* ---------------------------------------------------------------- one search */

typedef struct search {
    engine_conn *c;
    vector_metric metric;
    const float *q;
    int dim;
    int64_t k;
    bool filtered;
    bool index_rows_only;    /* answer as the index would: rows it holds (no NULL, no zero
                              * vector under cosine), even when it cannot rank them */
    const char *scan_sql, *point_sql;
    sqlite3_value *params[VS_MAX_PARAMS];   /* ?1..?N, NULL where not given */
    int nparams;
    pg_error *err;
    /* Results. */
    int64_t *rowids;
    float *dists;
    size_t n, nvalued;
} search;

/* A statement of the search (scan or point) with the outer statement's parameters bound. */
static bool prepare_bound(search *s, const char *sql, engine_stmt **out)
{
    if (!engine_prepare(s->c, sql, out, s->err))
        return false;
    sqlite3_stmt *st = (*out)->native;
    int count = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= count; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        if (name && name[0] != '?')
            continue;   /* :pgw_row */
        int number = name ? atoi(name + 1) : i;
        if (number < 1 || number > s->nparams || !s->params[number - 1])
            continue;
        sql_value v;
        sqlite_fn_value(s->params[number - 1], &v);
        if (!engine_bind(*out, i, &v, s->err)) {
            engine_stmt_release(*out);
            *out = NULL;
            return false;
        }
    }
    return true;
}

static bool results_alloc(search *s, size_t n)
{
    s->rowids = malloc((n ? n : 1) * sizeof *s->rowids);
    s->dists = malloc((n ? n : 1) * sizeof *s->dists);
    if (!s->rowids || !s->dists) {
        pg_error_oom(s->err);
        return false;
    }
    return true;
}

/* ---- exact */

typedef struct scan_state {
    search *s;
    engine_stmt *st;
    float *copy;             /* an unaligned vector, copied */
    int64_t *null_rows;      /* rows without a vector, kept up to k (they come last) */
    size_t nnull;
} scan_state;

static int scan_next(void *arg, int64_t *rowid, const float **vec, pg_error *err)
{
    scan_state *ss = arg;
    for (;;) {
        engine_step_result r = engine_step(ss->st, err);
        if (r == ENGINE_DONE)
            return 0;
        if (r == ENGINE_ERROR)
            return -1;
        sql_value id, v;
        engine_column_value(ss->st, 0, &id);
        engine_column_value(ss->st, 1, &v);
        if (v.kind == VALUE_NULL) {
            if ((int64_t)ss->nnull < ss->s->k && !ss->s->index_rows_only)
                ss->null_rows[ss->nnull++] = id.i;
            continue;
        }
        if (v.kind != VALUE_BLOB || v.len % 4 != 0 || v.len == 0) {
            pg_error_set(err, "XX001", "invalid vector value in storage");
            return -1;
        }
        if ((int)(v.len / 4) != ss->s->dim) {
            pg_error_set(err, "22000", "different vector dimensions %d and %d", (int)(v.len / 4), ss->s->dim);
            return -1;
        }
        *rowid = id.i;
        if (((uintptr_t)v.ptr & (_Alignof(float) - 1)) == 0) {
            *vec = (const float *)(const void *)v.ptr;
        } else {
            memcpy(ss->copy, v.ptr, v.len);
            *vec = ss->copy;
        }
        return 1;
    }
}

/* How many rows scan_sql yields (to size a huge LIMIT). */
static bool count_scan(search *s, int64_t *out)
{
    strbuf sql;
    strbuf_init(&sql);
    strbuf_printf(&sql, "SELECT count(*) FROM (%s)", s->scan_sql);
    engine_stmt *st = NULL;
    bool ok = !sql.failed && prepare_bound(s, sql.data, &st);
    if (sql.failed)
        pg_error_oom(s->err);
    strbuf_free(&sql);
    if (!ok)
        return false;
    ok = engine_step(st, s->err) == ENGINE_ROW;
    if (ok) {
        sql_value v;
        engine_column_value(st, 0, &v);
        *out = v.i;
    }
    engine_stmt_release(st);
    return ok;
}

/* Whether the index holds a row with this vector (not NULL; under cosine not zero). */
static bool index_holds(const search *s, const sql_value *v)
{
    if (v->kind != VALUE_BLOB)
        return false;
    if (s->metric != VECTOR_METRIC_COSINE)
        return true;
    for (size_t i = 0; i + 4 <= v->len; i += 4) {
        float f;
        memcpy(&f, v->ptr + i, 4);
        if (f != 0.0f)
            return true;
    }
    return false;
}

static bool exact_search(search *s)
{
    if (s->k > VS_COUNT_FIRST) {
        int64_t rows;
        if (!count_scan(s, &rows))
            return false;
        if (rows < s->k)
            s->k = rows;
    }
    if (s->k <= 0)
        return results_alloc(s, 0);
    scan_state ss = {.s = s};
    ss.copy = malloc((size_t)(s->dim > 0 ? s->dim : 1) * sizeof *ss.copy);
    ss.null_rows = malloc((size_t)s->k * sizeof *ss.null_rows);
    bool ok = ss.copy && ss.null_rows && results_alloc(s, (size_t)s->k);
    if (!ss.copy || !ss.null_rows)
        pg_error_oom(s->err);
    ok = ok && prepare_bound(s, s->scan_sql, &ss.st);
    size_t count = 0;
    bool zero_cosine = s->q && s->metric == VECTOR_METRIC_COSINE && vector_norm(s->q, (size_t)s->dim) == 0.0f;
    if (ok && s->q && !(zero_cosine && s->index_rows_only)) {
        ok = vector_exact_search_iter(s->metric, (size_t)s->dim, s->q, scan_next, &ss, (size_t)s->k, NULL, NULL,
                                      s->rowids, s->dists, &count, s->err);
    } else if (ok) {
        /* No query vector (or no direction under cosine): every distance is NULL or NaN,
         * the first k rows will do. */
        engine_step_result r;
        while (ok && count < (size_t)s->k && (r = engine_step(ss.st, s->err)) == ENGINE_ROW) {
            sql_value id, v;
            engine_column_value(ss.st, 0, &id);
            engine_column_value(ss.st, 1, &v);
            if (s->index_rows_only && !index_holds(s, &v))
                continue;
            s->rowids[count] = id.i;
            s->dists[count++] = NAN;
        }
        ok = !pg_error_is_set(s->err);
        s->n = count;
        s->nvalued = 0;
        if (ss.st)
            engine_stmt_release(ss.st);
        free(ss.copy);
        free(ss.null_rows);
        return ok;
    }
    if (ss.st)
        engine_stmt_release(ss.st);
    if (ok) {
        s->nvalued = count;
        for (size_t i = 0; i < ss.nnull && count < (size_t)s->k; i++) {
            s->rowids[count] = ss.null_rows[i];
            s->dists[count++] = NAN;
        }
        s->n = count;
    }
    free(ss.copy);
    free(ss.null_rows);
    return ok;
}

/* ---- index */

typedef struct delta_row {
    int64_t rowid;
    float dist;
} delta_row;

typedef struct filter_state {
    search *s;
    engine_stmt *point;
    int row_param;
    const int64_t *skip;       /* sorted rows the index must not return (re-read from the log) */
    size_t nskip;
    bool failed;
} filter_state;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* point_sql for one row: its vector when the row exists and passes WHERE. */
static int point_read(filter_state *f, int64_t rowid, sql_value *vec)
{
    engine_stmt_reset(f->point);
    sql_value id = value_int(rowid);
    if (!engine_bind(f->point, f->row_param, &id, f->s->err))
        return -1;
    engine_step_result r = engine_step(f->point, f->s->err);
    if (r == ENGINE_ERROR)
        return -1;
    if (r == ENGINE_DONE)
        return 0;
    engine_column_value(f->point, 0, vec);
    return 1;
}

static bool index_filter(void *arg, int64_t rowid)
{
    filter_state *f = arg;
    if (f->failed)
        return false;
    if (f->nskip && bsearch(&rowid, f->skip, f->nskip, sizeof *f->skip, cmp_i64))
        return false;
    if (!f->s->filtered)
        return true;
    sql_value v;
    int r = point_read(f, rowid, &v);
    if (r < 0)
        f->failed = true;
    return r > 0;
}

/* Log entries after the index's applied_seq that this transaction sees. */
static bool read_delta(search *s, const hnsw_view *v, int64_t **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    engine_stmt *st = NULL;
    if (!engine_prepare(s->c,
                        "SELECT DISTINCT rid FROM main." HNSW_LOG " WHERE seq > ? AND relid = ? AND attnum = ? "
                        "ORDER BY rid",
                        &st, s->err))
        return false;
    sql_value a = value_int(v->applied_seq), b = value_int(v->relid), c = value_int(v->attnum);
    bool ok = engine_bind(st, 1, &a, s->err) && engine_bind(st, 2, &b, s->err) && engine_bind(st, 3, &c, s->err);
    size_t cap = 0;
    engine_step_result r = ENGINE_DONE;
    while (ok && (r = engine_step(st, s->err)) == ENGINE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *grown = realloc(*rows, cap * sizeof *grown);
            if (!grown) {
                pg_error_oom(s->err);
                ok = false;
                break;
            }
            *rows = grown;
        }
        sql_value x;
        engine_column_value(st, 0, &x);
        (*rows)[(*n)++] = x.i;
    }
    engine_stmt_release(st);
    if (r == ENGINE_ERROR)
        ok = false;
    if (!ok) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return ok;
}

static int cmp_delta(const void *a, const void *b)
{
    const delta_row *x = a, *y = b;
    bool xn = isnan(x->dist), yn = isnan(y->dist);
    if (xn != yn)
        return xn ? 1 : -1;
    if (!xn && x->dist != y->dist)
        return x->dist < y->dist ? -1 : 1;
    return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

/*
 * The index search, or with `exact` a brute-force pass over the index's in-memory vectors.
 * *fallback true (no error) when the scan of the table must answer instead.
 */
static bool index_search(search *s, pg_oid oid, bool exact, bool *fallback, bool *gone)
{
    *fallback = false;
    *gone = false;
    hnsw_view v;
    if (!hnsw_use(s->c, oid, &v, s->err))
        return false;
    if (!v.idx || v.metric != s->metric || v.dim != s->dim) {
        *gone = !v.idx && !v.busy;
        hnsw_unuse(&v);
        *fallback = true;
        return true;
    }
    if (s->metric == VECTOR_METRIC_COSINE && vector_norm(s->q, (size_t)s->dim) == 0.0f) {
        /* No direction: every distance is NaN; the exact order (by row) answers. */
        hnsw_unuse(&v);
        *fallback = true;
        return true;
    }
    int64_t horizon = 0;
    int64_t *delta = NULL;
    size_t ndelta = 0;
    bool ok = hnsw_log_horizon(s->c, &horizon, s->err);
    if (ok && v.applied_seq > horizon) {
        /* The index has changes this transaction must not see. */
        hnsw_unuse(&v);
        *fallback = true;
        return true;
    }
    ok = ok && read_delta(s, &v, &delta, &ndelta);
    filter_state f = {.s = s, .skip = delta, .nskip = ndelta};
    delta_row *drows = NULL;
    size_t nd = 0;
    if (ok && (s->filtered || ndelta)) {
        ok = prepare_bound(s, s->point_sql, &f.point);
        if (ok)
            f.row_param = sqlite3_bind_parameter_index(f.point->native, ":pgw_row");
        if (ok && f.row_param <= 0) {
            pg_error_set(s->err, "XX000", "vector search point query has no row parameter");
            ok = false;
        }
    }
    if (ok && ndelta) {
        /* Rows changed since the index was brought up to date: scored from the table. */
        drows = malloc(ndelta * sizeof *drows);
        if (!drows) {
            pg_error_oom(s->err);
            ok = false;
        }
        for (size_t i = 0; ok && i < ndelta; i++) {
            sql_value vec;
            int r = point_read(&f, delta[i], &vec);
            if (r < 0) {
                ok = false;
                break;
            }
            if (r == 0 || vec.kind != VALUE_BLOB)
                continue;
            if (vec.len != (size_t)s->dim * 4) {
                pg_error_set(s->err, "22000", "different vector dimensions %d and %d", (int)(vec.len / 4), s->dim);
                ok = false;
                break;
            }
            float *tmp = malloc(vec.len);
            if (!tmp) {
                pg_error_oom(s->err);
                ok = false;
                break;
            }
            memcpy(tmp, vec.ptr, vec.len);
            float d = vector_distance(s->metric, s->q, tmp, (size_t)s->dim);
            free(tmp);
            if (s->metric == VECTOR_METRIC_COSINE && isnan(d))
                continue;   /* as the index: a zero vector is not indexed */
            drows[nd++] = (delta_row){delta[i], d};
        }
    }
    vector_index_stats st;
    vector_index_get_stats(v.idx, &st);
    if (ok && exact && s->k > (int64_t)st.live) {
        /* Rows the index does not hold (NULL, or zero under cosine) would be part of the
         * answer: the table scan has them. */
        hnsw_unuse(&v);
        if (f.point)
            engine_stmt_release(f.point);
        free(drows);
        free(delta);
        *fallback = true;
        return true;
    }
    size_t k_idx = (size_t)(s->k < (int64_t)st.live ? s->k : (int64_t)st.live);
    int64_t *ir = NULL;
    float *id = NULL;
    size_t in = 0;
    if (ok && k_idx) {
        ir = malloc(k_idx * sizeof *ir);
        id = malloc(k_idx * sizeof *id);
        if (!ir || !id) {
            pg_error_oom(s->err);
            ok = false;
        }
    }
    if (ok && k_idx) {
        engine_context *ctx = engine_conn_context(s->c);
        size_t ef = ctx && ctx->vector_ef_search > 0 ? (size_t)ctx->vector_ef_search : VECTOR_HNSW_DEFAULT_EF_SEARCH;
        bool need_filter = s->filtered || ndelta;
        vector_filter_fn filter = need_filter ? index_filter : NULL;
        /* The filter is thread-safe unless it runs the query's WHERE (point_sql): only then one thread. */
        int threads = s->filtered ? 1 : 2;
        ok = exact ? vector_index_exact_search(v.idx, s->metric, s->q, k_idx, filter, &f, threads, ir, id, &in,
                                               s->err)
                   : vector_index_search(v.idx, s->q, k_idx, ef, filter, &f, ir, id, &in, s->err);
        if (ok && f.failed)
            ok = false;
    }
    hnsw_unuse(&v);
    if (f.point)
        engine_stmt_release(f.point);
    /* Merge the index's rows and the re-read ones, best first. */
    if (ok) {
        if (nd)
            qsort(drows, nd, sizeof *drows, cmp_delta);
        size_t total = in + nd < (size_t)s->k ? in + nd : (size_t)s->k;
        ok = results_alloc(s, total);
        size_t a = 0, b = 0;
        while (ok && s->n < total) {
            bool take_index = b >= nd || (a < in && cmp_delta(&(delta_row){ir[a], id[a]}, &drows[b]) <= 0);
            if (take_index) {
                s->rowids[s->n] = ir[a];
                s->dists[s->n++] = id[a++];
            } else {
                s->rowids[s->n] = drows[b].rowid;
                s->dists[s->n++] = drows[b++].dist;
            }
        }
        s->nvalued = s->n;
    }
    free(ir);
    free(id);
    free(drows);
    free(delta);
    return ok;
}

static int vs_filter(sqlite3_vtab_cursor *c, int idx_num, const char *idx_str, int argc, sqlite3_value **argv)
{
    (void)idx_str;
    vs_cursor *cur = (vs_cursor *)c;
    vs_vtab *vt = (vs_vtab *)c->pVtab;
    cursor_reset(cur);
    if (argc < NREQUIRED)
        return SQLITE_ERROR;
    pg_error err = {0};
    search s = {.c = vt->c, .err = &err};
    pg_oid oid = (pg_oid)sqlite3_value_int64(argv[0]);
    s.metric = (vector_metric)sqlite3_value_int(argv[1]);
    s.k = sqlite3_value_type(argv[3]) == SQLITE_NULL ? INT64_MAX : sqlite3_value_int64(argv[3]);
    s.filtered = sqlite3_value_int(argv[4]) != 0;
    s.scan_sql = (const char *)sqlite3_value_text(argv[5]);
    s.point_sql = (const char *)sqlite3_value_text(argv[6]);
    int arg = NREQUIRED;
    for (int i = 0; i < VS_MAX_PARAMS; i++)
        if ((unsigned)idx_num & (1u << i)) {
            if (arg < argc)
                s.params[i] = argv[arg++];
            s.nparams = i + 1;
        }
    if (s.k <= 0 || !s.scan_sql || !s.point_sql)
        return SQLITE_OK;
    sqlite_vec q = {0};
    bool has_query = sqlite3_value_type(argv[2]) != SQLITE_NULL;
    bool ok = !has_query || sqlite_vec_get(argv[2], &q, &err);
    if (ok && has_query) {
        s.q = q.x;
        s.dim = q.dim;
    }
    pg_oid relid = (pg_oid)sqlite3_value_int64(argv[COL_RELID - COL_INDEX]);
    int attnum = sqlite3_value_int(argv[COL_ATTNUM - COL_INDEX]);
    if (ok && oid == 0 && relid != 0)
        ok = hnsw_find_index(vt->c, relid, attnum, s.metric, &oid, &err);
    bool fallback = true, gone = false;
    engine_context *ctx = engine_conn_context(vt->c);
    bool exact = ctx && ctx->vector_exact;
    if (ok && has_query && oid != 0) {
        ok = index_search(&s, oid, exact, &fallback, &gone);
        pg_oid now = 0;
        if (ok && gone && relid != 0 && (ok = hnsw_find_index(vt->c, relid, attnum, s.metric, &now, &err)) && now &&
            now != oid) {
            oid = now;
            ok = index_search(&s, oid, exact, &fallback, &gone);
        }
        if (ok && gone)
            oid = 0;
    }
    s.index_rows_only = oid != 0 && !exact;
    if (ok && fallback) {
        free(s.rowids);
        free(s.dists);
        s.rowids = NULL;
        s.dists = NULL;
        s.n = s.nvalued = 0;
        ok = exact_search(&s);
    }
    sqlite_vec_free(&q);
    if (!ok) {
        free(s.rowids);
        free(s.dists);
        char *msg = sqlite3_mprintf("%s:%s", err.sqlstate[0] ? err.sqlstate : "XX000",
                                    err.message ? err.message : "vector search failed");
        pg_error_clear(&err);
        sqlite3_free(c->pVtab->zErrMsg);
        c->pVtab->zErrMsg = msg;
        return SQLITE_ERROR;
    }
    cur->rowids = s.rowids;
    cur->dists = s.dists;
    cur->n = s.n;
    cur->nvalued = s.nvalued;
    return SQLITE_OK;
}

static const sqlite3_module vector_search_module = {
    .iVersion = 0,
    .xCreate = NULL,   /* eponymous only: a table-valued function */
    .xConnect = vs_connect,
    .xBestIndex = vs_best_index,
    .xDisconnect = vs_disconnect,
    .xDestroy = vs_disconnect,
    .xOpen = vs_open,
    .xClose = vs_close,
    .xFilter = vs_filter,
    .xNext = vs_next,
    .xEof = vs_eof,
    .xColumn = vs_column,
    .xRowid = vs_rowid,
};

int sqlite_register_vector_search(sqlite3 *db, engine_conn *c)
{
    return sqlite3_create_module_v2(db, "pgw_vector_search", &vector_search_module, c, NULL);
}
