/*
 * hnsw_search.c — searching the HNSW graph: the per-thread scratch pool, the candidate heaps,
 * the greedy descent through the upper layers, the layer search (Malkov & Yashunin,
 * algorithm 2) and the public k-nearest-neighbour search with filters.
 *
 * The layer search is the hot path: for each expanded node it first collects the unvisited
 * neighbours (marking them visited and prefetching their vectors), then computes their
 * distances, so the memory latency of one neighbour's vector overlaps the arithmetic on the
 * previous one.  With no filter and no deleted rows every visited node is a result
 * candidate; otherwise rejected nodes still route the search but never enter the results,
 * and the search goes on until ef accepted nodes are held (or the graph runs out).
 */
#include "vector/hnsw_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- heaps */

bool hnsw_heap_reserve(hnsw_heap *h, size_t n)
{
    if (n <= h->cap)
        return true;
    size_t cap = h->cap ? h->cap : 64;
    while (cap < n)
        cap *= 2;
    hnsw_candidate *items = realloc(h->items, cap * sizeof *items);
    if (!items)
        return false;
    h->items = items;
    h->cap = cap;
    return true;
}

/* Capacity is the caller's business (reserve first). */
static inline void heap_push_min(hnsw_heap *h, hnsw_candidate c)
{
    size_t i = h->count++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->items[p].dist <= c.dist)
            break;
        h->items[i] = h->items[p];
        i = p;
    }
    h->items[i] = c;
}

static inline void heap_pop_min(hnsw_heap *h)
{
    hnsw_candidate last = h->items[--h->count];
    size_t n = h->count, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h->items[c + 1].dist < h->items[c].dist)
            c++;
        if (last.dist <= h->items[c].dist)
            break;
        h->items[i] = h->items[c];
        i = c;
    }
    if (n > 0)
        h->items[i] = last;
}

static inline void heap_push_max(hnsw_heap *h, hnsw_candidate c)
{
    size_t i = h->count++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->items[p].dist >= c.dist)
            break;
        h->items[i] = h->items[p];
        i = p;
    }
    h->items[i] = c;
}

static inline void heap_pop_max(hnsw_heap *h)
{
    hnsw_candidate last = h->items[--h->count];
    size_t n = h->count, i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && h->items[c + 1].dist > h->items[c].dist)
            c++;
        if (last.dist >= h->items[c].dist)
            break;
        h->items[i] = h->items[c];
        i = c;
    }
    if (n > 0)
        h->items[i] = last;
}

void hnsw_heap_push_max(hnsw_heap *h, hnsw_candidate c)
{
    heap_push_max(h, c);
}

void hnsw_heap_pop_max(hnsw_heap *h)
{
    heap_pop_max(h);
}

size_t hnsw_results_sorted(hnsw_scratch *s)
{
    size_t n = s->results.count;
    while (s->results.count > 0) {
        s->sorted[s->results.count - 1] = s->results.items[0];
        heap_pop_max(&s->results);
    }
    return n;
}

/* ---------------------------------------------------------------- scratch pool */

static size_t scratch_bytes(const hnsw_scratch *s, const vector_index *idx)
{
    return sizeof *s + s->visited_cap * sizeof *s->visited +
           (s->candidates.cap + s->results.cap + s->sorted_cap) * sizeof(hnsw_candidate) +
           idx->stride * sizeof(float) + (1 + 2 * idx->m0) * sizeof(uint32_t) +
           (idx->m0 + 1) * sizeof(hnsw_candidate);
}

static void scratch_free(hnsw_scratch *s)
{
    free(s->visited);
    free(s->candidates.items);
    free(s->results.items);
    free(s->sorted);
    free(s->query);
    free(s->links);
    free(s->pending);
    free(s->prune);
    free(s);
}

static hnsw_scratch *scratch_new(const vector_index *idx)
{
    hnsw_scratch *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->query = aligned_alloc(64, (idx->stride * sizeof(float) + 63) / 64 * 64);
    s->links = malloc((1 + idx->m0) * sizeof *s->links);
    s->pending = malloc(idx->m0 * sizeof *s->pending);
    s->prune = malloc((idx->m0 + 1) * sizeof *s->prune);
    if (!s->query || !s->links || !s->pending || !s->prune) {
        scratch_free(s);
        return NULL;
    }
    return s;
}

/* Makes the visited set cover every slot, and holds `ef` results. */
static bool scratch_fit(const vector_index *idx, hnsw_scratch *s, size_t ef)
{
    if (s->visited_cap < idx->capacity) {
        free(s->visited);
        s->visited = calloc(idx->capacity, sizeof *s->visited);
        s->visited_cap = s->visited ? idx->capacity : 0;
        s->epoch = 0;
        if (!s->visited)
            return false;
    }
    if (!hnsw_heap_reserve(&s->results, ef + 1) || !hnsw_heap_reserve(&s->candidates, ef + 1))
        return false;
    if (s->sorted_cap < ef + 1) {
        hnsw_candidate *sorted = realloc(s->sorted, (ef + 1) * sizeof *sorted);
        if (!sorted)
            return false;
        s->sorted = sorted;
        s->sorted_cap = ef + 1;
    }
    return true;
}

hnsw_scratch *hnsw_scratch_acquire(const vector_index *idx)
{
    hnsw_scratch_pool *pool = idx->pool;
    pthread_mutex_lock(&pool->lock);
    hnsw_scratch *s = pool->free;
    if (s)
        pool->free = s->next;
    pthread_mutex_unlock(&pool->lock);
    if (!s && !(s = scratch_new(idx)))
        return NULL;
    if (!scratch_fit(idx, s, 0)) {
        hnsw_scratch_release(idx, s);
        return NULL;
    }
    return s;
}

void hnsw_scratch_release(const vector_index *idx, hnsw_scratch *s)
{
    hnsw_scratch_pool *pool = idx->pool;
    size_t bytes = scratch_bytes(s, idx);
    pthread_mutex_lock(&pool->lock);
    pool->bytes += bytes - s->bytes;
    s->bytes = bytes;
    s->next = pool->free;
    pool->free = s;
    pthread_mutex_unlock(&pool->lock);
}

void hnsw_scratch_pool_free(hnsw_scratch_pool *pool)
{
    if (!pool)
        return;
    while (pool->free) {
        hnsw_scratch *s = pool->free;
        pool->free = s->next;
        scratch_free(s);
    }
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

bool hnsw_scratch_reserve_insert(const vector_index *idx, hnsw_scratch *s, size_t n_slots)
{
    /* A layer search pushes each slot at most once, plus its entry point. */
    return scratch_fit(idx, s, idx->ef_construction) &&
           hnsw_heap_reserve(&s->candidates, n_slots + 1);
}

/* ---------------------------------------------------------------- layer search */

static inline void prefetch_vector(const vector_index *idx, uint32_t slot, size_t lines)
{
    const char *p = (const char *)hnsw_vector(idx, slot);
    for (size_t i = 0; i < lines; i++)
        __builtin_prefetch(p + 64 * i, 0, 3);
}

/* The neighbour list to read: in place, or copied under the node's lock while other threads
 * of build_parallel may be rewriting it. */
static inline const uint32_t *read_links(const vector_index *idx, hnsw_scratch *s,
                                         uint32_t slot, int level)
{
    const uint32_t *links = hnsw_links(idx, slot, level);
    if (!idx->concurrent)
        return links;
    hnsw_lock(idx, slot);
    memcpy(s->links, links, (1 + links[0]) * sizeof *links);
    hnsw_unlock(idx, slot);
    return s->links;
}

static inline bool accepts(const vector_index *idx, const hnsw_accept *a, uint32_t slot)
{
    if (a->skip_deleted && (idx->flags[slot] & HNSW_FLAG_DELETED))
        return false;
    return !a->filter || a->filter(a->filter_arg, idx->rowids[slot]);
}

void hnsw_greedy_descent(const vector_index *idx, hnsw_scratch *s, const float *q,
                         uint32_t *cur, float *cur_dist, int top, int stop)
{
    for (int level = top; level > stop; level--) {
        bool moved = true;
        while (moved) {
            moved = false;
            const uint32_t *links = read_links(idx, s, *cur, level);
            for (uint32_t j = 1; j <= links[0]; j++) {
                uint32_t nb = links[j];
                float d = idx->dist(q, hnsw_vector(idx, nb), idx->dim);
                if (d < *cur_dist) {
                    *cur_dist = d;
                    *cur = nb;
                    moved = true;
                }
            }
        }
    }
}

static void next_epoch(hnsw_scratch *s)
{
    if (++s->epoch == 0) {
        memset(s->visited, 0, s->visited_cap * sizeof *s->visited);
        s->epoch = 1;
    }
}

bool hnsw_search_layer(const vector_index *idx, hnsw_scratch *s, const float *q,
                       uint32_t entry, float entry_dist, int level, size_t ef,
                       const hnsw_accept *accept)
{
    hnsw_heap *cand = &s->candidates, *res = &s->results;
    const bool accept_all = !accept->filter && (!accept->skip_deleted || idx->deleted == 0);
    const size_t lines = (idx->dim * sizeof(float) + 63) / 64;
    const vector_dist_fn dist = idx->dist;
    const size_t dim = idx->dim;
    uint16_t *visited = s->visited;

    cand->count = res->count = 0;
    next_epoch(s);
    const uint16_t epoch = s->epoch;
    visited[entry] = epoch;
    float bound = INFINITY;   /* distance to beat once ef accepted nodes are held */
    heap_push_min(cand, (hnsw_candidate){entry_dist, entry});
    if (accept_all || accepts(idx, accept, entry)) {
        heap_push_max(res, (hnsw_candidate){entry_dist, entry});
        if (res->count >= ef)
            bound = res->items[0].dist;
    }
    while (cand->count > 0) {
        hnsw_candidate c = cand->items[0];
        if (c.dist > bound)
            break;
        heap_pop_min(cand);
        if (cand->count > 0)   /* likely expanded soon: start fetching its list */
            __builtin_prefetch(hnsw_links(idx, cand->items[0].slot, level), 0, 3);
        const uint32_t *links = read_links(idx, s, c.slot, level);
        uint32_t n = links[0], np = 0;
        for (uint32_t j = 1; j <= n; j++) {
            uint32_t nb = links[j];
            if (visited[nb] == epoch)
                continue;
            visited[nb] = epoch;
            s->pending[np++] = nb;
            __builtin_prefetch(hnsw_vector(idx, nb), 0, 3);
        }
        if (cand->count + np > cand->cap && !hnsw_heap_reserve(cand, cand->count + np))
            return false;
        for (uint32_t j = 0; j < np; j++) {
            uint32_t nb = s->pending[j];
            if (j + 1 < np)
                prefetch_vector(idx, s->pending[j + 1], lines);
            float d = dist(q, hnsw_vector(idx, nb), dim);
            if (!(d < bound))
                continue;
            heap_push_min(cand, (hnsw_candidate){d, nb});
            if (!accept_all && !accepts(idx, accept, nb))
                continue;
            heap_push_max(res, (hnsw_candidate){d, nb});
            if (res->count > ef)
                heap_pop_max(res);
            if (res->count >= ef)
                bound = res->items[0].dist;
        }
    }
    return true;
}

/* ---------------------------------------------------------------- public search */

/*
 * The graph search ran out of reachable nodes with fewer than `want` accepted: every visited
 * node was already judged, so checking the unvisited ones completes an exact answer.
 */
static void scan_unvisited(const vector_index *idx, hnsw_scratch *s, const float *q,
                           size_t want, const hnsw_accept *accept)
{
    hnsw_heap *res = &s->results;
    for (uint32_t slot = 0; slot < idx->n_slots; slot++) {
        if (s->visited[slot] == s->epoch || (idx->flags[slot] & HNSW_FLAG_FREE) ||
            !accepts(idx, accept, slot))
            continue;
        float d = idx->dist(q, hnsw_vector(idx, slot), idx->dim);
        if (res->count >= want && !(d < res->items[0].dist))
            continue;
        hnsw_heap_push_max(res, (hnsw_candidate){d, slot});
        if (res->count > want)
            hnsw_heap_pop_max(res);
    }
}

/* Equal distances in ascending rowid order (the sorted run is short; ties are rare). */
static void order_ties(const vector_index *idx, hnsw_candidate *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        hnsw_candidate x = c[i];
        size_t j = i;
        while (j > 0 && c[j - 1].dist == x.dist &&
               idx->rowids[c[j - 1].slot] > idx->rowids[x.slot]) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = x;
    }
}

bool vector_index_search(const vector_index *idx, const float *query, size_t k,
                         size_t ef_search, vector_filter_fn filter, void *filter_arg,
                         int64_t *out_rowids, float *out_dists, size_t *out_count,
                         pg_error *err)
{
    *out_count = 0;
    if (k == 0 || idx->entry == HNSW_NONE)
        return true;
    size_t ef = ef_search < k ? k : ef_search;
    hnsw_scratch *s = hnsw_scratch_acquire(idx);
    if (!s || !scratch_fit(idx, s, ef)) {
        if (s)
            hnsw_scratch_release(idx, s);
        pg_error_oom(err);
        return false;
    }
    if (!hnsw_prepare_query(idx, query, s->query)) {
        hnsw_scratch_release(idx, s);
        return true;
    }
    const float *q = s->query;
    uint32_t cur = idx->entry;
    float cur_dist = idx->dist(q, hnsw_vector(idx, cur), idx->dim);
    hnsw_greedy_descent(idx, s, q, &cur, &cur_dist, idx->max_level, 0);
    hnsw_accept accept = {true, filter, filter_arg};
    if (!hnsw_search_layer(idx, s, q, cur, cur_dist, 0, ef, &accept)) {
        hnsw_scratch_release(idx, s);
        pg_error_oom(err);
        return false;
    }
    if (s->results.count < k) {
        if (!hnsw_heap_reserve(&s->results, k + 1)) {
            hnsw_scratch_release(idx, s);
            pg_error_oom(err);
            return false;
        }
        scan_unvisited(idx, s, q, k, &accept);
    }
    size_t n = hnsw_results_sorted(s);
    order_ties(idx, s->sorted, n);
    if (n > k)
        n = k;
    for (size_t i = 0; i < n; i++) {
        out_rowids[i] = idx->rowids[s->sorted[i].slot];
        if (out_dists)
            out_dists[i] = vector_public_distance(idx->metric, s->sorted[i].dist);
    }
    *out_count = n;
    hnsw_scratch_release(idx, s);
    return true;
}
