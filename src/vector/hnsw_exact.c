/*
 * hnsw_exact.c — exact top-k over the vectors an index already holds in memory: a brute-force
 * pass over the slots with the vectorised kernels and the bounded heap (topk.c), for callers
 * that want exact answers for a column that has an index (the SQL layer with
 * enable_indexscan = off) without reading the table again.
 *
 * The stored vectors are the rows' own, except under COSINE where they are unit vectors:
 * only cosine distances can be computed from a COSINE index (other metrics: 22023).  Rows the
 * index does not hold (a zero vector under COSINE) are not seen.  A reader call: the locking
 * contract of vector.h applies.  With `threads` > 1 (and a large index) the slots are split
 * between threads, each with its own heap, merged at the end: the scan is bound by memory
 * bandwidth, which two cores share better than one uses (about 28 GB/s against 18 GB/s on
 * this machine type).  The filter is then called from several threads at once.
 */
#include "vector/hnsw_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* One thread's share of the slots. */
typedef struct exact_part {
    const vector_index *idx;
    vector_metric metric;
    const float *q;
    bool unit;
    size_t from, to, k;
    vector_filter_fn filter;
    void *filter_arg;
    vector_topk heap;
    bool ok;
} exact_part;

static void *scan_part(void *arg)
{
    exact_part *p = arg;
    const vector_index *idx = p->idx;
    vector_dist_fn dist = vector_rank_distance(vector_kernels_active(), p->metric, p->unit);
    float bound = INFINITY;
    size_t dim = idx->dim;
    for (size_t s = p->from; s < p->to; s++) {
        if (idx->flags[s] & (HNSW_FLAG_DELETED | HNSW_FLAG_FREE))
            continue;
        float d = dist(p->q, hnsw_vector(idx, (uint32_t)s), dim);
        if (d > bound)
            continue;
        int64_t rowid = idx->rowids[s];
        if (p->filter && !p->filter(p->filter_arg, rowid))
            continue;
        vector_topk_push(&p->heap, rowid, d);
        bound = vector_topk_bound(&p->heap);
    }
    return NULL;
}

/* Below this many slots a second thread costs more than it saves. */
#define PARALLEL_MIN_SLOTS 32768
#define MAX_THREADS 8

bool vector_index_exact_search(const vector_index *idx, vector_metric metric, const float *query, size_t k,
                               vector_filter_fn filter, void *filter_arg, int threads, int64_t *out_rowids,
                               float *out_dists, size_t *out_count, pg_error *err)
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
    if (threads < 1 || idx->n_slots < PARALLEL_MIN_SLOTS)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    exact_part parts[MAX_THREADS];
    int ready = 0;
    bool ok = true;
    for (int t = 0; t < threads; t++) {
        parts[t] = (exact_part){.idx = idx, .metric = metric, .q = q, .unit = unit, .k = k, .filter = filter,
                                .filter_arg = filter_arg, .from = idx->n_slots * (size_t)t / (size_t)threads,
                                .to = idx->n_slots * (size_t)(t + 1) / (size_t)threads};
        if (!vector_topk_init(&parts[t].heap, k, err)) {
            ok = false;
            break;
        }
        ready++;
    }
    pthread_t tid[MAX_THREADS];
    int started = 0;
    for (int t = 1; ok && t < ready; t++) {
        if (pthread_create(&tid[t], NULL, scan_part, &parts[t]) != 0)
            break;   /* the calling thread scans what no thread took */
        started = t;
    }
    if (ok) {
        scan_part(&parts[0]);
        for (int t = started + 1; t < ready; t++)
            scan_part(&parts[t]);
        for (int t = 1; t <= started; t++)
            pthread_join(tid[t], NULL);
    }
    if (ok) {
        /* Merge: every part's rows through the first heap. */
        for (int t = 1; t < ready; t++) {
            size_t n = parts[t].heap.count;
            for (size_t i = 0; i < n; i++)
                vector_topk_push(&parts[0].heap, parts[t].heap.rowids[i], parts[t].heap.dists[i]);
        }
        size_t n = vector_topk_finish(&parts[0].heap, out_rowids, out_dists);
        if (out_dists)
            for (size_t i = 0; i < n; i++)
                out_dists[i] = vector_public_distance(metric, out_dists[i]);
        *out_count = n;
    }
    for (int t = 0; t < ready; t++)
        vector_topk_free(&parts[t].heap);
    free(q);
    return ok;
}
