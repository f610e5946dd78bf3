/*
 * hnsw_build.c — bulk loading the HNSW index on several threads (CREATE INDEX over an
 * existing table).
 *
 * Phases: (1) check every row (finite values, row ids new and distinct) and allocate every
 * slot, upper list and per-thread scratch, so nothing can fail once the graph changes;
 * (2) store vectors, row ids and levels — levels come from the insertion sequence number, as
 * for single inserts, so they do not depend on threads; (3) insert the nodes, threads taking
 * the next node from a shared counter, with idx->concurrent set so every neighbour list is
 * accessed under its node's lock.  With one thread phase (3) is exactly a loop of single
 * inserts, so the graph is the same as inserting the rows one by one.
 */
#include "vector/hnsw_internal.h"

#include <stdlib.h>
#include <unistd.h>

typedef struct build_job {
    vector_index *idx;
    const uint32_t *slots;
    size_t n;
    size_t next;               /* atomic: index into slots of the next node to insert */
} build_job;

typedef struct build_worker {
    build_job *job;
    hnsw_scratch *scratch;
    pthread_t thread;
} build_worker;

static void *build_worker_main(void *arg)
{
    build_worker *w = arg;
    build_job *job = w->job;
    for (;;) {
        size_t i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
        if (i >= job->n)
            break;
        hnsw_insert_slot(job->idx, w->scratch, job->slots[i]);
    }
    return NULL;
}

/* Every vector finite, every row id absent from the index and from the rest of the batch.
 * The row ids go into the map (slot HNSW_NONE for now); on error they are taken out. */
static bool claim_rowids(vector_index *idx, size_t n, const int64_t *rowids,
                         const float *vectors, pg_error *err)
{
    if (!hnsw_map_reserve(&idx->map, n)) {
        pg_error_oom(err);
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        bool ok = hnsw_check_vector(idx, vectors + i * idx->dim, err);
        if (ok && hnsw_map_get(&idx->map, rowids[i]) != HNSW_NONE) {
            pg_error_set(err, "23505", "row %lld is already in the vector index",
                         (long long)rowids[i]);
            ok = false;
        }
        if (!ok) {
            for (size_t j = 0; j < i; j++)
                hnsw_map_remove(&idx->map, rowids[j]);
            return false;
        }
        hnsw_map_put_reserved(&idx->map, rowids[i], HNSW_NONE - 2);
    }
    return true;
}

static bool is_zero(const float *v, size_t dim)
{
    for (size_t i = 0; i < dim; i++)
        if (v[i] != 0.0f)
            return false;
    return true;
}

/* Phase 1: every allocation the rows need; upper[i] = NULL and levels[i] = -1 for a row that
 * is not indexed (zero vector under COSINE, as vector_index_insert). */
static bool prepare_rows(vector_index *idx, size_t n, const float *vectors, uint32_t **upper,
                         int *levels)
{
    uint64_t seq = idx->insert_seq;
    for (size_t i = 0; i < n; i++) {
        const float *v = vectors + i * idx->dim;
        if (idx->metric == VECTOR_METRIC_COSINE && is_zero(v, idx->dim)) {
            levels[i] = -1;
            continue;
        }
        levels[i] = hnsw_random_level(idx, seq++);
        if (!hnsw_new_upper(idx, levels[i], &upper[i]))
            return false;
    }
    return true;
}

/* Phase 2 (cannot fail): slots for the indexable rows, written to slots[]; returns how many. */
static size_t place_rows(vector_index *idx, size_t n, const int64_t *rowids,
                         const float *vectors, uint32_t **upper, const int *levels,
                         uint32_t *slots)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (levels[i] < 0) {
            hnsw_map_remove(&idx->map, rowids[i]);
            continue;
        }
        uint32_t s = hnsw_take_slot(idx, NULL);   /* cannot fail: capacity reserved */
        hnsw_attach_upper(idx, s, levels[i], upper[i]);
        upper[i] = NULL;
        hnsw_store_vector(idx, s, vectors + i * idx->dim);
        idx->rowids[s] = rowids[i];
        hnsw_map_set(&idx->map, rowids[i], s);
        slots[count++] = s;
        idx->insert_seq++;
    }
    return count;
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* Phase 3: the graph, on `threads` threads (the caller's included). */
static void link_rows(vector_index *idx, const uint32_t *slots, size_t count,
                      build_worker *workers, int threads)
{
    build_job job = {.idx = idx, .slots = slots, .n = count, .next = 0};
    int started = 0;
    if (threads > 1) {
        idx->concurrent = true;
        for (int t = 1; t < threads; t++) {
            workers[t].job = &job;
            if (pthread_create(&workers[t].thread, NULL, build_worker_main, &workers[t]) != 0)
                break;   /* fewer threads: the caller's thread does the rest */
            started++;
        }
    }
    workers[0].job = &job;
    build_worker_main(&workers[0]);
    for (int t = 1; t <= started; t++)
        pthread_join(workers[t].thread, NULL);
    idx->concurrent = false;
}

bool vector_index_build_parallel(vector_index *idx, size_t n, const int64_t *rowids,
                                 const float *vectors, int threads, pg_error *err)
{
    if (n == 0)
        return true;
    if (threads <= 0)
        threads = online_cpus();
    if ((size_t)threads > n)
        threads = (int)n;
    uint32_t *slots = malloc(n * sizeof *slots);
    uint32_t **upper = calloc(n, sizeof *upper);
    int *levels = malloc(n * sizeof *levels);
    build_worker *workers = calloc((size_t)threads, sizeof *workers);
    bool ok = slots && upper && levels && workers;
    if (!ok)
        pg_error_oom(err);
    bool claimed = ok && claim_rowids(idx, n, rowids, vectors, err);
    /* The map already holds the claimed row ids: only the slots need room. */
    size_t new_slots = n > idx->n_free ? n - idx->n_free : 0;
    ok = claimed && hnsw_grow(idx, idx->n_slots + new_slots, err) &&
         prepare_rows(idx, n, vectors, upper, levels);
    for (int t = 0; ok && t < threads; t++) {
        workers[t].scratch = hnsw_scratch_acquire(idx);
        ok = workers[t].scratch &&
             hnsw_scratch_reserve_insert(idx, workers[t].scratch, idx->n_slots + n);
    }
    if (ok) {
        size_t count = place_rows(idx, n, rowids, vectors, upper, levels, slots);
        link_rows(idx, slots, count, workers, threads);
        idx->live += count;
    } else {
        if (claimed)
            for (size_t i = 0; i < n; i++)
                hnsw_map_remove(&idx->map, rowids[i]);
        if (!pg_error_is_set(err))
            pg_error_oom(err);
    }
    for (int t = 0; workers && t < threads; t++)
        if (workers[t].scratch)
            hnsw_scratch_release(idx, workers[t].scratch);
    if (upper)
        for (size_t i = 0; i < n; i++)
            free(upper[i]);
    free(upper);
    free(levels);
    free(slots);
    free(workers);
    return ok;
}
