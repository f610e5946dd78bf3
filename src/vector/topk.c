/*
 * topk.c — exact nearest-neighbour search: a bounded max-heap of the k best (distance, rowid)
 * pairs, fed by a scan over contiguous vectors or over rows a callback hands out.
 *
 * Invariants of vector_topk: count <= k; dists[0..count) / rowids[0..count) form a max-heap
 * under `worse` (the root is the pair a better row would evict).  The order is total — NaN
 * after every number, then ascending rowid on equal distances — so the result of a scan does
 * not depend on the order rows arrive in.
 */
#include "vector/kernels_internal.h"

#include <math.h>
#include <stdlib.h>

/* True if (da, ra) ranks after (db, rb). */
static inline bool worse(float da, int64_t ra, float db, int64_t rb)
{
    if (da > db)
        return true;
    if (da < db)
        return false;
    bool na = isnan(da), nb = isnan(db);
    if (na != nb)
        return na;
    return ra > rb;
}

bool vector_topk_init(vector_topk *t, size_t k, pg_error *err)
{
    t->k = k;
    t->count = 0;
    t->dists = malloc((k ? k : 1) * sizeof *t->dists);
    t->rowids = malloc((k ? k : 1) * sizeof *t->rowids);
    if (!t->dists || !t->rowids) {
        vector_topk_free(t);
        pg_error_oom(err);
        return false;
    }
    return true;
}

void vector_topk_free(vector_topk *t)
{
    free(t->dists);
    free(t->rowids);
    t->dists = NULL;
    t->rowids = NULL;
    t->count = t->k = 0;
}

static void sift_down(vector_topk *t, size_t i)
{
    float d = t->dists[i];
    int64_t r = t->rowids[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= t->count)
            break;
        if (c + 1 < t->count && worse(t->dists[c + 1], t->rowids[c + 1], t->dists[c], t->rowids[c]))
            c++;
        if (!worse(t->dists[c], t->rowids[c], d, r))
            break;
        t->dists[i] = t->dists[c];
        t->rowids[i] = t->rowids[c];
        i = c;
    }
    t->dists[i] = d;
    t->rowids[i] = r;
}

void vector_topk_push(vector_topk *t, int64_t rowid, float dist)
{
    if (t->count < t->k) {
        size_t i = t->count++;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!worse(dist, rowid, t->dists[p], t->rowids[p]))
                break;
            t->dists[i] = t->dists[p];
            t->rowids[i] = t->rowids[p];
            i = p;
        }
        t->dists[i] = dist;
        t->rowids[i] = rowid;
        return;
    }
    if (t->k == 0 || !worse(t->dists[0], t->rowids[0], dist, rowid))
        return;
    t->dists[0] = dist;
    t->rowids[0] = rowid;
    sift_down(t, 0);
}

float vector_topk_bound(const vector_topk *t)
{
    return t->count < t->k || t->k == 0 ? INFINITY : t->dists[0];
}

size_t vector_topk_finish(vector_topk *t, int64_t *out_rowids, float *out_dists)
{
    size_t n = t->count;
    /* Pop the worst into the last free output slot: ascending order without a full sort. */
    while (t->count > 0) {
        size_t last = t->count - 1;
        if (out_rowids)
            out_rowids[last] = t->rowids[0];
        if (out_dists)
            out_dists[last] = t->dists[0];
        t->dists[0] = t->dists[last];
        t->rowids[0] = t->rowids[last];
        t->count = last;
        if (last > 0)
            sift_down(t, 0);
    }
    return n;
}

/* ---------------------------------------------------------------- scans */

static bool check_scan_args(vector_metric metric, size_t dim, pg_error *err)
{
    if (!vector_metric_name(metric)) {
        pg_error_set(err, "22023", "unknown vector metric %d", (int)metric);
        return false;
    }
    if (dim < 1 || dim > VECTOR_MAX_DIM) {
        pg_error_set(err, "22023", "vector dimension %zu is out of range", dim);
        return false;
    }
    return true;
}

/* Public distances from ranking distances, in place (only L2 differs: sqrt). */
static void finish_scan(vector_metric metric, vector_topk *t, int64_t *out_rowids,
                        float *out_dists, size_t *out_count)
{
    size_t n = vector_topk_finish(t, out_rowids, out_dists);
    if (out_dists)
        for (size_t i = 0; i < n; i++)
            out_dists[i] = vector_public_distance(metric, out_dists[i]);
    *out_count = n;
}

/*
 * The rows are read once, in order: at d = 128 a scan of 100 000 rows streams 51 MB, so the
 * hardware prefetcher and the memory bandwidth set the speed; the heap is only touched by
 * rows that beat its bound (a few dozen per scan for k = 10).
 */
bool vector_exact_search(vector_metric metric, size_t dim, const float *query,
                         const float *vectors, size_t n, const int64_t *rowids, size_t k,
                         vector_filter_fn filter, void *filter_arg,
                         int64_t *out_rowids, float *out_dists, size_t *out_count,
                         pg_error *err)
{
    *out_count = 0;
    if (!check_scan_args(metric, dim, err))
        return false;
    vector_topk t;
    if (!vector_topk_init(&t, k, err))
        return false;
    vector_dist_fn dist = vector_rank_distance(vector_kernels_active(), metric, false);
    float bound = INFINITY;
    for (size_t i = 0; i < n; i++) {
        const float *row = vectors + i * dim;
        float d = dist(query, row, dim);
        if (d > bound)
            continue;
        int64_t rowid = rowids ? rowids[i] : (int64_t)i;
        if (filter && !filter(filter_arg, rowid))
            continue;
        vector_topk_push(&t, rowid, d);
        bound = vector_topk_bound(&t);
    }
    finish_scan(metric, &t, out_rowids, out_dists, out_count);
    vector_topk_free(&t);
    return true;
}

bool vector_exact_search_iter(vector_metric metric, size_t dim, const float *query,
                              vector_next_fn next, void *next_arg, size_t k,
                              vector_filter_fn filter, void *filter_arg,
                              int64_t *out_rowids, float *out_dists, size_t *out_count,
                              pg_error *err)
{
    *out_count = 0;
    if (!check_scan_args(metric, dim, err))
        return false;
    vector_topk t;
    if (!vector_topk_init(&t, k, err))
        return false;
    vector_dist_fn dist = vector_rank_distance(vector_kernels_active(), metric, false);
    float bound = INFINITY;
    for (;;) {
        int64_t rowid;
        const float *row;
        int rc = next(next_arg, &rowid, &row, err);
        if (rc < 0) {
            vector_topk_free(&t);
            return false;
        }
        if (rc == 0)
            break;
        float d = dist(query, row, dim);
        if (d > bound || (filter && !filter(filter_arg, rowid)))
            continue;
        vector_topk_push(&t, rowid, d);
        bound = vector_topk_bound(&t);
    }
    finish_scan(metric, &t, out_rowids, out_dists, out_count);
    vector_topk_free(&t);
    return true;
}
