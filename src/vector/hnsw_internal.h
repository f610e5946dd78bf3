/*
 * hnsw_internal.h — the HNSW index's memory layout and the helpers its files share (hnsw_core,
 * hnsw_rowid_map, hnsw_search, hnsw_insert, hnsw_build, hnsw_delete, hnsw_save, hnsw_load).
 *
 * Layout (struct-of-arrays, indexed by a dense uint32 "slot"):
 *   vectors   capacity x stride floats, 64-byte aligned, row s at vectors + s*stride; the
 *             stride rounds dim up to 8 floats with zero padding (never read by kernels,
 *             which are given dim);
 *   links0    capacity x (1 + m0) uint32: layer-0 neighbour count, then the neighbours;
 *   upper     per slot NULL, or level x (1 + m) uint32 for layers 1..level;
 *   rowids, levels, flags, locks: one entry per slot.
 * Invariants:
 *   - slots [0, n_slots) are in use or FREE; FREE slots are on free_slots and have no
 *     neighbours, level 0, and appear in no neighbour list;
 *   - a neighbour list never holds its own slot, a FREE slot, or a duplicate; count <= m0 on
 *     layer 0 and <= m above; every listed slot has a level >= the layer;
 *   - `map` holds exactly the live (neither DELETED nor FREE) slots' rowids;
 *   - entry is HNSW_NONE iff no slot is in the graph; otherwise entry's level == max_level and
 *     no slot has a higher level;
 *   - under COSINE the stored vectors are unit length (zero vectors are never stored).
 * Concurrency: see vector.h (one writer or many readers).  During build_parallel the writer's
 * worker threads take a node's lock around every read or write of its neighbour lists, never
 * hold two node locks at once, and take `graph_lock` for entry/max_level.
 */
#ifndef PGWIRE_VECTOR_HNSW_INTERNAL_H
#define PGWIRE_VECTOR_HNSW_INTERNAL_H

#include "vector/kernels_internal.h"

#include <pthread.h>

#define HNSW_NONE UINT32_MAX
#define HNSW_MAX_LEVEL 30
#define HNSW_MAX_SLOTS ((size_t)INT32_MAX)
#define HNSW_FLAG_DELETED 1u
#define HNSW_FLAG_FREE 2u
/* Nodes per persistence chunk (one node-data and one link record each, hnsw_format.h): a
 * power of two between these, chosen so a chunk holds about HNSW_CHUNK_BYTES of vectors. */
#define HNSW_CHUNK_MIN_SHIFT 4
#define HNSW_CHUNK_MAX_SHIFT 10
#define HNSW_CHUNK_BYTES (1u << 20)
#define HNSW_DIRTY_DATA 1u
#define HNSW_DIRTY_LINKS 2u

/* ---------------------------------------------------------------- rowid map */

/* Open addressing, linear probing: int64 rowid -> slot.  Values HNSW_NONE (empty) and
 * HNSW_NONE-1 (tombstone) are reserved. */
typedef struct hnsw_rowid_map {
    int64_t *keys;
    uint32_t *slots;
    size_t cap;          /* power of two, or 0 */
    size_t count, tombstones;
} hnsw_rowid_map;

uint32_t hnsw_map_get(const hnsw_rowid_map *m, int64_t rowid);
bool hnsw_map_put(hnsw_rowid_map *m, int64_t rowid, uint32_t slot) MUST_CHECK;   /* new key */
/* The same after hnsw_map_reserve made room (cannot fail). */
void hnsw_map_put_reserved(hnsw_rowid_map *m, int64_t rowid, uint32_t slot);
bool hnsw_map_remove(hnsw_rowid_map *m, int64_t rowid);
bool hnsw_map_set(hnsw_rowid_map *m, int64_t rowid, uint32_t slot);   /* existing key */
bool hnsw_map_reserve(hnsw_rowid_map *m, size_t n) MUST_CHECK;
void hnsw_map_free(hnsw_rowid_map *m);
size_t hnsw_map_bytes(const hnsw_rowid_map *m);

/* ---------------------------------------------------------------- search scratch */

typedef struct hnsw_candidate {
    float dist;
    uint32_t slot;
} hnsw_candidate;

/* A binary heap of candidates; a min-heap or a max-heap depending on the functions used. */
typedef struct hnsw_heap {
    hnsw_candidate *items;
    size_t count, cap;
} hnsw_heap;

/*
 * Everything one search needs, reused across searches by one thread at a time (taken from and
 * returned to the index's pool), so a steady-state search allocates nothing.  visited[s] ==
 * epoch marks slot s as seen by the current search; bumping epoch clears the set in O(1).
 */
typedef struct hnsw_scratch {
    uint16_t *visited;
    size_t visited_cap;
    uint16_t epoch;
    hnsw_heap candidates;   /* min-heap: nodes still to expand */
    hnsw_heap results;      /* max-heap: the best accepted nodes */
    hnsw_candidate *sorted; /* results in ascending order, cap sorted_cap */
    size_t sorted_cap;
    float *query;           /* the query, normalised under COSINE (dim floats) */
    uint32_t *links;        /* a neighbour list copied under its lock */
    uint32_t *pending;      /* unvisited neighbours of the node being expanded (m0) */
    hnsw_candidate *prune;  /* a neighbour list being pruned (m0 + 1) */
    size_t bytes;
    struct hnsw_scratch *next;
} hnsw_scratch;

typedef struct hnsw_scratch_pool {
    pthread_mutex_t lock;
    hnsw_scratch *free;
    size_t bytes;           /* all scratch ever handed out and still owned */
} hnsw_scratch_pool;

/* ---------------------------------------------------------------- the index */

struct vector_index {
    vector_metric metric;
    uint32_t dim, stride;
    uint32_t m, m0;                 /* max neighbours above layer 0 / on layer 0 (2m) */
    uint32_t ef_construction;
    uint64_t seed;
    uint64_t insert_seq;            /* insertions so far: input of the level generator */
    double level_mult;              /* 1 / ln(m) */
    uint32_t chunk_shift;           /* log2(nodes per persistence chunk) */
    vector_dist_fn dist;            /* ranking distance between stored vectors */

    size_t capacity, n_slots;
    float *vectors;
    uint32_t *links0;
    uint32_t **upper;
    int64_t *rowids;
    uint8_t *levels, *flags;
    uint8_t *locks;                 /* per-slot spin locks, used during build_parallel */
    uint8_t *dirty;                 /* per chunk: HNSW_DIRTY_* bits of any of its slots */
    uint8_t *slot_dirty;            /* per slot: HNSW_DIRTY_* bits since mark_clean */
    size_t upper_bytes;

    hnsw_rowid_map map;
    uint32_t *free_slots;
    size_t n_free, free_cap;

    uint32_t entry;
    int max_level;                  /* -1 when empty */
    size_t live, deleted;

    bool concurrent;                /* build_parallel running: take node locks */
    pthread_mutex_t graph_lock;     /* entry / max_level during build_parallel */
    hnsw_scratch_pool *pool;        /* separate allocation: mutable through a const index */
};

/* Layer `level` neighbour list of slot s: [count, n_1 .. n_count]. */
static inline uint32_t *hnsw_links(const vector_index *idx, uint32_t s, int level)
{
    if (level == 0)
        return idx->links0 + (size_t)s * (1 + idx->m0);
    return idx->upper[s] + (size_t)(level - 1) * (1 + idx->m);
}

static inline uint32_t hnsw_max_links(const vector_index *idx, int level)
{
    return level == 0 ? idx->m0 : idx->m;
}

static inline const float *hnsw_vector(const vector_index *idx, uint32_t s)
{
    return idx->vectors + (size_t)s * idx->stride;
}

/* Records what changed for the incremental save (hnsw_save.c); atomic because build_parallel's
 * threads mark neighbours concurrently.  The chunk byte lets a save skip clean chunks. */
static inline void hnsw_mark_dirty(vector_index *idx, uint32_t s, uint8_t what)
{
    uint8_t *d = &idx->slot_dirty[s];
    if ((__atomic_load_n(d, __ATOMIC_RELAXED) & what) == what)
        return;
    __atomic_fetch_or(d, what, __ATOMIC_RELAXED);
    __atomic_fetch_or(&idx->dirty[s >> idx->chunk_shift], what, __ATOMIC_RELAXED);
}

/* Spin lock per slot: critical sections are a copy or an update of one neighbour list. */
void hnsw_lock_slow(uint8_t *lock);
static inline void hnsw_lock(const vector_index *idx, uint32_t s)
{
    uint8_t *l = &idx->locks[s];
    if (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
        hnsw_lock_slow(l);
}
static inline void hnsw_unlock(const vector_index *idx, uint32_t s)
{
    __atomic_store_n(&idx->locks[s], 0, __ATOMIC_RELEASE);
}

static inline size_t hnsw_chunks(const vector_index *idx, size_t slots)
{
    return (slots + ((size_t)1 << idx->chunk_shift) - 1) >> idx->chunk_shift;
}

/* hnsw_core.c */
bool hnsw_grow(vector_index *idx, size_t min_capacity, pg_error *err) MUST_CHECK;
bool hnsw_new_upper(const vector_index *idx, int level, uint32_t **out) MUST_CHECK;
void hnsw_attach_upper(vector_index *idx, uint32_t s, int level, uint32_t *upper);
void hnsw_clear_slot(vector_index *idx, uint32_t s);
int hnsw_random_level(const vector_index *idx, uint64_t seq);
bool hnsw_check_vector(const vector_index *idx, const float *vec, pg_error *err) MUST_CHECK;
/* Copies vec into slot s (normalised under COSINE); false if it cannot be indexed (zero
 * vector under COSINE). */
bool hnsw_store_vector(vector_index *idx, uint32_t s, const float *vec);
/* The search query in the stored vectors' form into out (stride floats); false if it has no
 * nearest rows (zero query under COSINE). */
bool hnsw_prepare_query(const vector_index *idx, const float *query, float *out) MUST_CHECK;
vector_index *hnsw_new(vector_metric metric, size_t dim, size_t m, size_t ef_construction,
                       uint64_t seed, pg_error *err) MUST_CHECK;

/* hnsw_search.c */
hnsw_scratch *hnsw_scratch_acquire(const vector_index *idx) MUST_CHECK;
void hnsw_scratch_release(const vector_index *idx, hnsw_scratch *s);
void hnsw_scratch_pool_free(hnsw_scratch_pool *pool);
bool hnsw_heap_reserve(hnsw_heap *h, size_t n) MUST_CHECK;
void hnsw_heap_push_max(hnsw_heap *h, hnsw_candidate c);
void hnsw_heap_pop_max(hnsw_heap *h);

/* Which nodes may enter a result set: never FREE; DELETED ones only if !skip_deleted. */
typedef struct hnsw_accept {
    bool skip_deleted;
    vector_filter_fn filter;
    void *filter_arg;
} hnsw_accept;

/* Greedy walk (ef = 1) from *cur down to layer `stop` + 1 (hnsw_search.c). */
void hnsw_greedy_descent(const vector_index *idx, hnsw_scratch *s, const float *q,
                         uint32_t *cur, float *cur_dist, int top, int stop);
/*
 * Malkov & Yashunin algorithm 2 on one layer from one entry point: leaves up to ef accepted
 * nodes in s->results (a max-heap).  Returns false only on allocation failure.
 */
bool hnsw_search_layer(const vector_index *idx, hnsw_scratch *s, const float *q,
                       uint32_t entry, float entry_dist, int level, size_t ef,
                       const hnsw_accept *accept) MUST_CHECK;
/* Pops s->results into s->sorted in ascending order; returns the count. */
size_t hnsw_results_sorted(hnsw_scratch *s) MUST_CHECK;

/* The scratch an insertion needs while the index has up to n_slots slots (capacity already
 * grown), reserved up front so an insertion cannot fail midway. */
bool hnsw_scratch_reserve_insert(const vector_index *idx, hnsw_scratch *s,
                                 size_t n_slots) MUST_CHECK;

/* hnsw_insert.c */
/* Links the stored node `slot` (vector, rowid and level set) into the graph.  s must have
 * been reserved with hnsw_scratch_reserve_insert for the current n_slots. */
void hnsw_insert_slot(vector_index *idx, hnsw_scratch *s, uint32_t slot);
/* The heuristic of Malkov & Yashunin (algorithm 4, no extension, no pruned fill): keeps
 * candidates (ascending) closer to the base than to every kept one.  Returns the count kept. */
size_t hnsw_select_neighbours(const vector_index *idx, const hnsw_candidate *cand,
                              size_t n, size_t max, uint32_t *out);
uint32_t hnsw_take_slot(vector_index *idx, pg_error *err);   /* HNSW_NONE on failure */
/* Adds q (at distance d_eq) to e's list on `level`; a full list is re-selected with the
 * heuristic among its live members and q (dropping deleted ones). */
void hnsw_connect_back(vector_index *idx, hnsw_scratch *s, uint32_t e, uint32_t q, float d_eq,
                       int level);

#endif
