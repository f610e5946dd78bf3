/*
 * hnsw_insert.c — adding one node to the HNSW graph (Malkov & Yashunin, algorithm 1) and the
 * neighbour-selection heuristic (algorithm 4), shared by insert, build_parallel and repair.
 *
 * An insertion cannot fail once it starts: its slot, upper lists and scratch are allocated
 * before the graph is touched, so a half-linked node never exists.
 *
 * Under build_parallel (idx->concurrent) every neighbour list is read and written under its
 * node's lock, one lock at a time (no lock ordering, no deadlock); graph_lock guards entry and
 * max_level, and is held for a whole insertion only by the rare node that raises max_level,
 * so no thread starts from an entry point whose lists are not written yet.
 */
#include "vector/hnsw_internal.h"

#include <stdlib.h>
#include <string.h>

size_t hnsw_select_neighbours(const vector_index *idx, const hnsw_candidate *cand,
                              size_t n, size_t max, uint32_t *out)
{
    size_t kept = 0;
    for (size_t i = 0; i < n && kept < max; i++) {
        const float *v = hnsw_vector(idx, cand[i].slot);
        bool diverse = true;
        for (size_t j = 0; j < kept; j++) {
            if (idx->dist(v, hnsw_vector(idx, out[j]), idx->dim) < cand[i].dist) {
                diverse = false;
                break;
            }
        }
        if (diverse)
            out[kept++] = cand[i].slot;
    }
    return kept;
}

static void sort_candidates(hnsw_candidate *c, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        hnsw_candidate x = c[i];
        size_t j = i;
        while (j > 0 && c[j - 1].dist > x.dist) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = x;
    }
}

/*
 * Adds `q` (at distance d_eq) to e's list on `level`; a full list is re-selected with the
 * heuristic among its live members and q, which also drops deleted neighbours.
 */
void hnsw_connect_back(vector_index *idx, hnsw_scratch *s, uint32_t e, uint32_t q,
                       float d_eq, int level)
{
    const bool locking = idx->concurrent;
    if (locking)
        hnsw_lock(idx, e);
    uint32_t *links = hnsw_links(idx, e, level);
    uint32_t n = links[0], max = hnsw_max_links(idx, level);
    for (uint32_t j = 1; j <= n; j++) {
        if (links[j] == q)
            goto done;
    }
    if (n < max) {
        links[1 + n] = q;
        links[0] = n + 1;
    } else {
        const float *ev = hnsw_vector(idx, e);
        size_t c = 0;
        for (uint32_t j = 1; j <= n; j++) {
            uint32_t nb = links[j];
            if (idx->flags[nb] & HNSW_FLAG_DELETED)
                continue;
            s->prune[c++] = (hnsw_candidate){idx->dist(ev, hnsw_vector(idx, nb), idx->dim), nb};
        }
        s->prune[c++] = (hnsw_candidate){d_eq, q};
        sort_candidates(s->prune, c);
        size_t kept = hnsw_select_neighbours(idx, s->prune, c, max, links + 1);
        links[0] = (uint32_t)kept;
    }
done:
    if (locking)
        hnsw_unlock(idx, e);
    hnsw_mark_dirty(idx, e, HNSW_DIRTY_LINKS);
}

/*
 * Writes q's own list on `level`.  Under build_parallel another thread may already have
 * linked back to q here (it reached q from a higher layer); those links are kept when there
 * is room, so no edge is silently lost.
 */
static void write_own_links(vector_index *idx, uint32_t q, int level, const uint32_t *sel,
                            size_t n)
{
    const bool locking = idx->concurrent;
    uint32_t max = hnsw_max_links(idx, level);
    if (locking)
        hnsw_lock(idx, q);
    uint32_t *links = hnsw_links(idx, q, level);
    uint32_t before[2 * VECTOR_HNSW_MAX_M];   /* usually empty: only concurrent back-links */
    uint32_t n_before = 0;
    for (uint32_t j = 1; j <= links[0] && n_before < ARRAY_LEN(before); j++)
        before[n_before++] = links[j];
    memcpy(links + 1, sel, n * sizeof *sel);
    uint32_t count = (uint32_t)n;
    for (uint32_t j = 0; j < n_before && count < max; j++) {
        bool present = false;
        for (uint32_t i = 0; i < n && !present; i++)
            present = sel[i] == before[j];
        if (!present)
            links[1 + count++] = before[j];
    }
    links[0] = count;
    if (locking)
        hnsw_unlock(idx, q);
}

void hnsw_insert_slot(vector_index *idx, hnsw_scratch *s, uint32_t q)
{
    const float *qv = hnsw_vector(idx, q);
    const int level = idx->levels[q];
    const bool locking = idx->concurrent;
    bool hold_graph = false;

    if (locking)
        pthread_mutex_lock(&idx->graph_lock);
    uint32_t ep = idx->entry;
    int top = idx->max_level;
    if (ep == HNSW_NONE || level > top) {
        if (ep == HNSW_NONE) {
            idx->entry = q;
            idx->max_level = level;
            if (locking)
                pthread_mutex_unlock(&idx->graph_lock);
            hnsw_mark_dirty(idx, q, HNSW_DIRTY_DATA | HNSW_DIRTY_LINKS);
            return;
        }
        hold_graph = locking;
    } else if (locking) {
        pthread_mutex_unlock(&idx->graph_lock);
    }

    float ep_dist = idx->dist(qv, hnsw_vector(idx, ep), idx->dim);
    hnsw_greedy_descent(idx, s, qv, &ep, &ep_dist, top, level);
    const hnsw_accept live_only = {true, NULL, NULL};
    uint32_t *selected = s->pending;   /* free between layer searches */
    for (int l = level < top ? level : top; l >= 0; l--) {
        /* Cannot fail: hnsw_scratch_reserve_insert sized the heaps for every slot. */
        if (!hnsw_search_layer(idx, s, qv, ep, ep_dist, l, idx->ef_construction, &live_only))
            break;
        size_t n = hnsw_results_sorted(s), kept = 0;
        for (size_t i = 0; i < n; i++)   /* q itself, if another thread linked it already */
            if (s->sorted[i].slot != q)
                s->sorted[kept++] = s->sorted[i];
        if (kept == 0)
            continue;   /* every reachable node is deleted: keep descending from ep */
        size_t n_sel = hnsw_select_neighbours(idx, s->sorted, kept, idx->m, selected);
        write_own_links(idx, q, l, selected, n_sel);
        for (size_t i = 0; i < n_sel; i++) {
            uint32_t e = selected[i];
            hnsw_connect_back(idx, s, e, q, idx->dist(qv, hnsw_vector(idx, e), idx->dim), l);
        }
        ep = s->sorted[0].slot;
        ep_dist = s->sorted[0].dist;
    }
    if (level > top) {
        idx->entry = q;
        idx->max_level = level;
    }
    if (hold_graph)
        pthread_mutex_unlock(&idx->graph_lock);
    hnsw_mark_dirty(idx, q, HNSW_DIRTY_DATA | HNSW_DIRTY_LINKS);
}

/* Under COSINE a zero vector has no direction: not indexed (pgvector does the same). */
static bool indexable(const vector_index *idx, const float *vec)
{
    if (idx->metric != VECTOR_METRIC_COSINE)
        return true;
    for (size_t i = 0; i < idx->dim; i++)
        if (vec[i] != 0.0f)
            return true;
    return false;
}

bool vector_index_insert(vector_index *idx, int64_t rowid, const float *vec, pg_error *err)
{
    if (!hnsw_check_vector(idx, vec, err))
        return false;
    if (hnsw_map_get(&idx->map, rowid) != HNSW_NONE) {
        pg_error_set(err, "23505", "row %lld is already in the vector index", (long long)rowid);
        return false;
    }
    if (!indexable(idx, vec))
        return true;
    if (!vector_index_reserve(idx, 1, err))
        return false;
    hnsw_scratch *s = hnsw_scratch_acquire(idx);
    if (!s || !hnsw_scratch_reserve_insert(idx, s, idx->n_slots + 1)) {
        if (s)
            hnsw_scratch_release(idx, s);
        pg_error_oom(err);
        return false;
    }
    int level = hnsw_random_level(idx, idx->insert_seq);
    uint32_t *upper;
    uint32_t q;
    if (!hnsw_new_upper(idx, level, &upper) || (q = hnsw_take_slot(idx, err)) == HNSW_NONE) {
        free(upper);
        hnsw_scratch_release(idx, s);
        pg_error_oom(err);
        return false;
    }
    hnsw_attach_upper(idx, q, level, upper);
    idx->insert_seq++;
    hnsw_store_vector(idx, q, vec);
    idx->rowids[q] = rowid;
    hnsw_map_put_reserved(&idx->map, rowid, q);
    hnsw_insert_slot(idx, s, q);
    hnsw_scratch_release(idx, s);
    idx->live++;
    return true;
}
