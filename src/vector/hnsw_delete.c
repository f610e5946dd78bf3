/*
 * hnsw_delete.c — deleting rows from the HNSW index and repairing the graph around them.
 *
 * Deleting only marks the node: it leaves the results at once but keeps routing searches
 * (removing it outright would cut paths through it).  vector_index_repair later rewires
 * every live node that lists a deleted neighbour — a layer search from the node itself finds
 * its nearest live nodes, the heuristic picks among them — then moves the deleted nodes, now
 * unreferenced, to the free list (as pgvector's VACUUM).  Only nodes adjacent to a deleted
 * one are touched, each at the cost of one layer search of an insertion.
 */
#include "vector/hnsw_internal.h"

#include <stdlib.h>

bool vector_index_delete(vector_index *idx, int64_t rowid)
{
    uint32_t s = hnsw_map_get(&idx->map, rowid);
    if (s == HNSW_NONE)
        return false;
    hnsw_map_remove(&idx->map, rowid);
    idx->flags[s] |= HNSW_FLAG_DELETED;
    idx->live--;
    idx->deleted++;
    hnsw_mark_dirty(idx, s, HNSW_DIRTY_DATA);
    return true;
}

static inline bool is_live(const vector_index *idx, uint32_t s)
{
    return (idx->flags[s] & (HNSW_FLAG_DELETED | HNSW_FLAG_FREE)) == 0;
}

static bool lists_deleted(const vector_index *idx, const uint32_t *links)
{
    for (uint32_t j = 1; j <= links[0]; j++)
        if (!is_live(idx, links[j]))
            return true;
    return false;
}

static bool not_this_row(void *arg, int64_t rowid)
{
    return rowid != *(const int64_t *)arg;
}

/*
 * Re-selects u's list on `level`: a layer search from u itself for its ef_construction
 * nearest live nodes (deleted nodes still route it, so it reaches past them), then the
 * heuristic.  Better than splicing in the deleted neighbours' neighbours, which degrades
 * as the deleted fraction grows.
 */
static void rewire(vector_index *idx, hnsw_scratch *s, uint32_t u, int level)
{
    int64_t self = idx->rowids[u];
    const hnsw_accept live_others = {true, not_this_row, &self};
    const float *uv = hnsw_vector(idx, u);
    uint32_t *links = hnsw_links(idx, u, level);
    /* Cannot fail: the scratch was reserved for every slot. */
    if (!hnsw_search_layer(idx, s, uv, u, 0.0f, level, idx->ef_construction, &live_others))
        return;
    size_t n = hnsw_results_sorted(s);
    links[0] = (uint32_t)hnsw_select_neighbours(idx, s->sorted, n, hnsw_max_links(idx, level),
                                                 links + 1);
    hnsw_mark_dirty(idx, u, HNSW_DIRTY_LINKS);
    for (uint32_t j = 1; j <= links[0]; j++) {
        uint32_t e = links[j];
        hnsw_connect_back(idx, s, e, u, idx->dist(uv, hnsw_vector(idx, e), idx->dim), level);
    }
}

/* The live node with the highest level becomes the entry point (HNSW_NONE if none). */
static void choose_entry(vector_index *idx)
{
    idx->entry = HNSW_NONE;
    idx->max_level = -1;
    for (uint32_t s = 0; s < idx->n_slots; s++) {
        if (is_live(idx, s) && (int)idx->levels[s] > idx->max_level) {
            idx->entry = s;
            idx->max_level = idx->levels[s];
        }
    }
}

/* Room for the free list to take every deleted slot. */
static bool reserve_free_list(vector_index *idx)
{
    if (idx->free_cap >= idx->n_free + idx->deleted)
        return true;
    size_t cap = idx->n_free + idx->deleted;
    uint32_t *fs = realloc(idx->free_slots, cap * sizeof *fs);
    if (!fs)
        return false;
    idx->free_slots = fs;
    idx->free_cap = cap;
    return true;
}

bool vector_index_repair(vector_index *idx, pg_error *err)
{
    if (idx->deleted == 0)
        return true;
    hnsw_scratch *s = hnsw_scratch_acquire(idx);
    if (!s || !reserve_free_list(idx) || !hnsw_scratch_reserve_insert(idx, s, idx->n_slots)) {
        if (s)
            hnsw_scratch_release(idx, s);
        pg_error_oom(err);
        return false;
    }
    for (uint32_t u = 0; u < idx->n_slots; u++) {
        if (!is_live(idx, u))
            continue;
        for (int l = 0; l <= idx->levels[u]; l++)
            if (lists_deleted(idx, hnsw_links(idx, u, l)))
                rewire(idx, s, u, l);
    }
    if (idx->entry != HNSW_NONE && !is_live(idx, idx->entry))
        choose_entry(idx);
    for (uint32_t u = 0; u < idx->n_slots; u++) {
        if (!(idx->flags[u] & HNSW_FLAG_DELETED))
            continue;
        hnsw_clear_slot(idx, u);
        idx->flags[u] = HNSW_FLAG_FREE;
        idx->free_slots[idx->n_free++] = u;
    }
    idx->deleted = 0;
    hnsw_scratch_release(idx, s);
    return true;
}
