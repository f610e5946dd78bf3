/*
 * hnsw_exact.c — exact top-k over the vectors an index already holds in memory: a brute-force
 * pass over the slots with the vectorised kernels and the bounded heap (topk.c), for callers
 * that want exact answers for a column that has an index (the SQL layer with
 * enable_indexscan = off) without reading the table again.
 *
 * The stored vectors are the rows' own, except under COSINE where they are unit vectors:
 * only cosine distances can be computed from a COSINE index (other metrics: 22023).  Rows the
 * index does not hold (a zero vector under COSINE) are not seen.  A reader call: the locking
 * contract of vector.h applies.
 */
#include "vector/hnsw_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bool vector_index_exact_search(const vector_index *idx, vector_metric metric, const float *query, size_t k,
                               vector_filter_fn filter, void *filter_arg, int64_t *out_rowids, float *out_dists,
                               size_t *out_count, pg_error *err)
{
    *out_count = 0;
    if (!vector_metric_name(metric)) {
        pg_error_set(err, "22023", "unknown vector metric %d", (int)metric);
        return false;
    }
    bool unit = idx->metric == VECTOR_METRIC_COSINE;
    if (unit && metric != VECTOR_METRIC_COSINE) {
        pg_error_set(err, "22023", "a cosine index holds unit vectors: no %s distances from it",
                     vector_metric_name(metric));
        return false;
    }
    float *q = malloc(idx->stride * sizeof *q);
    if (!q) {
        pg_error_oom(err);
        return false;
    }
    if (unit) {
        if (!hnsw_prepare_query(idx, query, q)) {
            free(q);   /* a zero query: no direction, no nearest rows */
            return true;
        }
    } else {
        memcpy(q, query, idx->dim * sizeof *q);
    }
    vector_topk t;
    if (!vector_topk_init(&t, k, err)) {
        free(q);
        return false;
    }
    vector_dist_fn dist = vector_rank_distance(vector_kernels_active(), metric, unit);
    float bound = INFINITY;
    size_t dim = idx->dim;
    for (size_t s = 0; s < idx->n_slots; s++) {
        if (idx->flags[s] & (HNSW_FLAG_DELETED | HNSW_FLAG_FREE))
            continue;
        float d = dist(q, hnsw_vector(idx, (uint32_t)s), dim);
        if (d > bound)
            continue;
        int64_t rowid = idx->rowids[s];
        if (filter && !filter(filter_arg, rowid))
            continue;
        vector_topk_push(&t, rowid, d);
        bound = vector_topk_bound(&t);
    }
    size_t n = vector_topk_finish(&t, out_rowids, out_dists);
    if (out_dists)
        for (size_t i = 0; i < n; i++)
            out_dists[i] = vector_public_distance(metric, out_dists[i]);
    *out_count = n;
    vector_topk_free(&t);
    free(q);
    return true;
}
