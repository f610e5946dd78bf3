/*
 * hnsw_delete.c — deleting rows from the HNSW index and repairing the graph around them.
 *
 * Deleting only marks the node: it leaves the results at once but keeps routing searches
 * (removing it outright would cut paths through it).  vector_index_repair later rewires
 * every live node that lists a deleted neighbour — new candidates are its live neighbours
 * plus the live neighbours of its deleted ones, re-selected with the heuristic — then moves
 * the deleted nodes, now unreferenced, to the free list.  This is the local repair of
 * hnswlib and FreshDiskANN; it touches only nodes adjacent to a deleted one.
 */
#include "vector/hnsw_internal.h"

#include <stdlib.h>
#include <string.h>

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

/*
 * Re-selects u's list on `level` from its live neighbours and the live neighbours of its
 * deleted ones.  `cand` holds (1 + m0) * (1 + m0) entries; visited tags deduplicate.
 */
static void rewire(vector_index *idx, hnsw_scratch *s, hnsw_candidate *cand, uint32_t u, int level)
{
    uint32_t *links = hnsw_links(idx, u, level);
    const float *uv = hnsw_vector(idx, u);
    if (++s->epoch == 0) {
        memset(s->visited, 0, s->visited_cap * sizeof *s->visited);
        s->epoch = 1;
    }
    s->visited[u] = s->epoch;
    size_t n = 0;
    for (uint32_t j = 1; j <= links[0]; j++) {
        uint32_t nb = links[j];
        const uint32_t *via = &nb;   /* a live neighbour is its own candidate ... */
        uint32_t n_via = 1;
        if (!is_live(idx, nb)) {    /* ... a deleted one offers its neighbours */
            const uint32_t *nl = hnsw_links(idx, nb, level);
            via = nl + 1;
            n_via = nl[0];
        }
        for (uint32_t i = 0; i < n_via; i++) {
            uint32_t c = via[i];
            if (s->visited[c] == s->epoch || !is_live(idx, c))
                continue;
            s->visited[c] = s->epoch;
            cand[n++] = (hnsw_candidate){idx->dist(uv, hnsw_vector(idx, c), idx->dim), c};
        }
    }
    /* Ascending by distance: a heap sort through the scratch heap keeps this O(n log n). */
    s->results.count = 0;
    for (size_t i = 0; i < n; i++)
        hnsw_heap_push_max(&s->results, cand[i]);
    size_t sorted = hnsw_results_sorted(s);
    links[0] = (uint32_t)hnsw_select_neighbours(idx, s->sorted, sorted,
                                                 hnsw_max_links(idx, level), links + 1);
    hnsw_mark_dirty(idx, u, HNSW_DIRTY_LINKS);
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

/* Room for the free list to take every deleted slot, and for `need` sorted candidates. */
static bool reserve_repair(vector_index *idx, hnsw_scratch *s, size_t need)
{
    if (idx->free_cap < idx->n_free + idx->deleted) {
        size_t cap = idx->n_free + idx->deleted;
        uint32_t *fs = realloc(idx->free_slots, cap * sizeof *fs);
        if (!fs)
            return false;
        idx->free_slots = fs;
        idx->free_cap = cap;
    }
    if (!hnsw_heap_reserve(&s->results, need))
        return false;
    if (s->sorted_cap < need) {
        hnsw_candidate *sorted = realloc(s->sorted, need * sizeof *sorted);
        if (!sorted)
            return false;
        s->sorted = sorted;
        s->sorted_cap = need;
    }
    return true;
}

bool vector_index_repair(vector_index *idx, pg_error *err)
{
    if (idx->deleted == 0)
        return true;
    size_t need = (1 + (size_t)idx->m0) * (1 + (size_t)idx->m0);
    hnsw_candidate *cand = malloc(need * sizeof *cand);
    hnsw_scratch *s = hnsw_scratch_acquire(idx);
    if (!cand || !s || !reserve_repair(idx, s, need + 1)) {
        free(cand);
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
                rewire(idx, s, cand, u, l);
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
    free(cand);
    hnsw_scratch_release(idx, s);
    return true;
}
