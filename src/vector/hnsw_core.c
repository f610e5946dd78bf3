/*
 * hnsw_core.c — the HNSW index's life cycle and storage: creation and parameter checks, slot
 * allocation and growth, vector storage, node levels, memory accounting, lookups.
 *
 * Growth reallocates the per-slot arrays (doubling), which is why a writer excludes readers
 * (vector.h) and why build_parallel reserves its capacity before starting threads.
 */
#include "vector/hnsw_internal.h"

#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#if VECTOR_HAVE_X86
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#else
#define cpu_relax() ((void)0)
#endif

void hnsw_lock_slow(uint8_t *lock)
{
    for (unsigned spins = 0;; spins++) {
        if (__atomic_load_n(lock, __ATOMIC_RELAXED) == 0 &&
            !__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
            return;
        if (spins < 64)
            cpu_relax();
        else
            sched_yield();   /* the holder may have been preempted */
    }
}

vector_index *hnsw_new(vector_metric metric, size_t dim, size_t m, size_t ef_construction,
                       uint64_t seed, pg_error *err)
{
    if (!vector_metric_name(metric)) {
        pg_error_set(err, "22023", "unknown vector metric %d", (int)metric);
        return NULL;
    }
    if (dim < 1 || dim > VECTOR_MAX_DIM) {
        pg_error_set(err, "22023", "vector dimension %zu is out of range", dim);
        pg_error_detail(err, "Valid range is 1..%d.", VECTOR_MAX_DIM);
        return NULL;
    }
    if (m < VECTOR_HNSW_MIN_M || m > VECTOR_HNSW_MAX_M) {
        pg_error_set(err, "22023", "value %zu out of bounds for option \"m\"", m);
        pg_error_detail(err, "Valid values are between \"%d\" and \"%d\".", VECTOR_HNSW_MIN_M,
                        VECTOR_HNSW_MAX_M);
        return NULL;
    }
    if (ef_construction < VECTOR_HNSW_MIN_EF_CONSTRUCTION ||
        ef_construction > VECTOR_HNSW_MAX_EF_CONSTRUCTION) {
        pg_error_set(err, "22023", "value %zu out of bounds for option \"ef_construction\"",
                     ef_construction);
        pg_error_detail(err, "Valid values are between \"%d\" and \"%d\".",
                        VECTOR_HNSW_MIN_EF_CONSTRUCTION, VECTOR_HNSW_MAX_EF_CONSTRUCTION);
        return NULL;
    }
    if (ef_construction < 2 * m) {
        pg_error_set(err, "22023", "ef_construction must be greater than or equal to 2 * m");
        return NULL;
    }
    vector_index *idx = calloc(1, sizeof *idx);
    hnsw_scratch_pool *pool = calloc(1, sizeof *pool);
    if (!idx || !pool) {
        free(idx);
        free(pool);
        pg_error_oom(err);
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pthread_mutex_init(&idx->graph_lock, NULL);
    idx->pool = pool;
    idx->metric = metric;
    idx->dim = (uint32_t)dim;
    idx->stride = (uint32_t)((dim + 7) & ~(size_t)7);
    idx->m = (uint32_t)m;
    idx->m0 = (uint32_t)(2 * m);
    idx->ef_construction = (uint32_t)ef_construction;
    idx->seed = seed;
    idx->level_mult = 1.0 / log((double)m);
    idx->chunk_shift = HNSW_CHUNK_MIN_SHIFT;
    while (idx->chunk_shift < HNSW_CHUNK_MAX_SHIFT &&
           ((size_t)2 << idx->chunk_shift) * dim * sizeof(float) <= HNSW_CHUNK_BYTES)
        idx->chunk_shift++;
    idx->dist = vector_rank_distance(vector_kernels_active(), metric, true);
    idx->entry = HNSW_NONE;
    idx->max_level = -1;
    return idx;
}

vector_index *vector_index_create(vector_metric metric, size_t dim, size_t m,
                                  size_t ef_construction, uint64_t seed, pg_error *err)
{
    return hnsw_new(metric, dim, m, ef_construction, seed, err);
}

void vector_index_free(vector_index *idx)
{
    if (!idx)
        return;
    if (idx->upper)
        for (size_t s = 0; s < idx->n_slots; s++)
            free(idx->upper[s]);
    free(idx->vectors);
    free(idx->links0);
    free(idx->upper);
    free(idx->rowids);
    free(idx->levels);
    free(idx->flags);
    free(idx->locks);
    free(idx->dirty);
    free(idx->slot_dirty);
    free(idx->free_slots);
    hnsw_map_free(&idx->map);
    hnsw_scratch_pool_free(idx->pool);
    pthread_mutex_destroy(&idx->graph_lock);
    free(idx);
}

/* Reallocates one per-slot array to `cap` entries of `size` bytes, keeping `used` of them. */
static bool regrow(void **p, size_t used, size_t cap, size_t size, size_t align)
{
    size_t bytes = cap * size;
    void *q = align ? aligned_alloc(align, (bytes + align - 1) / align * align) : malloc(bytes);
    if (!q)
        return false;
    if (*p && used)
        memcpy(q, *p, used * size);
    free(*p);
    *p = q;
    return true;
}

bool hnsw_grow(vector_index *idx, size_t min_capacity, pg_error *err)
{
    if (min_capacity <= idx->capacity)
        return true;
    if (min_capacity > HNSW_MAX_SLOTS) {
        pg_error_set(err, "54000", "vector index cannot hold more than %zu rows", HNSW_MAX_SLOTS);
        return false;
    }
    /* Doubling keeps one-by-one inserts amortised O(1); a bigger request (reserve, bulk
     * build, load) gets exactly what it asked for. */
    size_t cap = idx->capacity < 32 ? 64 : idx->capacity * 2;
    if (cap > HNSW_MAX_SLOTS)
        cap = HNSW_MAX_SLOTS;
    if (cap < min_capacity)
        cap = min_capacity;
    size_t used = idx->n_slots;
    size_t old_chunks = hnsw_chunks(idx, idx->capacity), new_chunks = hnsw_chunks(idx, cap);
    if (!regrow((void **)&idx->vectors, used, cap, idx->stride * sizeof(float), 64) ||
        !regrow((void **)&idx->links0, used, cap, (1 + idx->m0) * sizeof(uint32_t), 64) ||
        !regrow((void **)&idx->upper, used, cap, sizeof(uint32_t *), 0) ||
        !regrow((void **)&idx->rowids, used, cap, sizeof(int64_t), 0) ||
        !regrow((void **)&idx->levels, used, cap, 1, 0) ||
        !regrow((void **)&idx->flags, used, cap, 1, 0) ||
        !regrow((void **)&idx->locks, used, cap, 1, 0) ||
        !regrow((void **)&idx->slot_dirty, used, cap, 1, 0) ||
        !regrow((void **)&idx->dirty, old_chunks, new_chunks, 1, 0)) {
        /* Arrays already regrown hold the same data in more room: the index stays valid. */
        pg_error_oom(err);
        return false;
    }
    memset(idx->locks + used, 0, cap - used);
    memset(idx->slot_dirty + used, 0, cap - used);
    memset(idx->dirty + old_chunks, 0, new_chunks - old_chunks);
    idx->capacity = cap;
    return true;
}

bool vector_index_reserve(vector_index *idx, size_t n, pg_error *err)
{
    size_t want = idx->n_slots + (n > idx->n_free ? n - idx->n_free : 0);
    if (!hnsw_grow(idx, want, err))
        return false;
    if (!hnsw_map_reserve(&idx->map, n)) {
        pg_error_oom(err);
        return false;
    }
    return true;
}

/* A fresh slot: from the free list (repaired deletes) first, else past the end. */
uint32_t hnsw_take_slot(vector_index *idx, pg_error *err)
{
    uint32_t s;
    if (idx->n_free > 0) {
        s = idx->free_slots[--idx->n_free];
    } else {
        if (idx->n_slots == idx->capacity && !hnsw_grow(idx, idx->n_slots + 1, err))
            return HNSW_NONE;
        s = (uint32_t)idx->n_slots++;
        idx->upper[s] = NULL;
    }
    hnsw_clear_slot(idx, s);
    idx->flags[s] = 0;
    return s;
}

void hnsw_clear_slot(vector_index *idx, uint32_t s)
{
    if (idx->upper[s]) {
        idx->upper_bytes -= (size_t)idx->levels[s] * (1 + idx->m) * sizeof(uint32_t);
        free(idx->upper[s]);
        idx->upper[s] = NULL;
    }
    hnsw_links(idx, s, 0)[0] = 0;
    idx->levels[s] = 0;
    idx->rowids[s] = 0;
    hnsw_mark_dirty(idx, s, HNSW_DIRTY_DATA | HNSW_DIRTY_LINKS);
}

/* Empty upper-layer lists for a node of `level` (*out = NULL for level 0); false on OOM. */
bool hnsw_new_upper(const vector_index *idx, int level, uint32_t **out)
{
    *out = NULL;
    if (level == 0)
        return true;
    size_t per = 1 + idx->m;
    uint32_t *u = malloc((size_t)level * per * sizeof *u);
    if (!u)
        return false;
    for (int l = 0; l < level; l++)
        u[(size_t)l * per] = 0;
    *out = u;
    return true;
}

/* Gives slot s (fresh from hnsw_take_slot) its level and upper lists (from hnsw_new_upper). */
void hnsw_attach_upper(vector_index *idx, uint32_t s, int level, uint32_t *upper)
{
    idx->levels[s] = (uint8_t)level;
    idx->upper[s] = upper;
    if (upper)
        __atomic_fetch_add(&idx->upper_bytes, (size_t)level * (1 + idx->m) * sizeof(uint32_t),
                           __ATOMIC_RELAXED);
}

/*
 * The level of the seq-th insertion: floor(-ln(U) / ln(m)) with U uniform in (0, 1] drawn
 * from a counter-based generator (splitmix64 of seed and seq), so the level sequence depends
 * on the seed and insertion order only, also under build_parallel.
 */
int hnsw_random_level(const vector_index *idx, uint64_t seq)
{
    uint64_t z = idx->seed ^ (seq * 0xD1B54A32D192ED03ULL);
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    double u = (double)((z >> 11) + 1) * (1.0 / 9007199254740992.0);
    double level = -log(u) * idx->level_mult;
    return level >= HNSW_MAX_LEVEL ? HNSW_MAX_LEVEL : (int)level;
}

bool hnsw_check_vector(const vector_index *idx, const float *vec, pg_error *err)
{
    for (size_t i = 0; i < idx->dim; i++) {
        if (isfinite(vec[i]))
            continue;
        if (isnan(vec[i]))
            pg_error_set(err, "22000", "NaN not allowed in vector");
        else
            pg_error_set(err, "22000", "infinite value not allowed in vector");
        return false;
    }
    return true;
}

/*
 * Normalises in double precision, as pgvector's l2_normalize, so the stored unit vector does
 * not depend on the kernels chosen and tiny or huge inputs neither underflow nor overflow.
 * Returns false for a zero vector.
 */
static bool unit_vector(float *out, const float *vec, size_t dim, size_t stride)
{
    double sum = 0;
    for (size_t i = 0; i < dim; i++)
        sum += (double)vec[i] * (double)vec[i];
    double norm = sqrt(sum);
    if (norm == 0.0)
        return false;
    for (size_t i = 0; i < dim; i++)
        out[i] = (float)((double)vec[i] / norm);
    memset(out + dim, 0, (stride - dim) * sizeof *out);
    return true;
}

bool hnsw_store_vector(vector_index *idx, uint32_t s, const float *vec)
{
    float *dst = idx->vectors + (size_t)s * idx->stride;
    if (idx->metric == VECTOR_METRIC_COSINE)
        return unit_vector(dst, vec, idx->dim, idx->stride);
    memcpy(dst, vec, idx->dim * sizeof *dst);
    memset(dst + idx->dim, 0, (idx->stride - idx->dim) * sizeof *dst);
    return true;
}

bool hnsw_prepare_query(const vector_index *idx, const float *query, float *out)
{
    if (idx->metric == VECTOR_METRIC_COSINE)
        return unit_vector(out, query, idx->dim, idx->stride);
    memcpy(out, query, idx->dim * sizeof *out);
    memset(out + idx->dim, 0, (idx->stride - idx->dim) * sizeof *out);
    return true;
}

bool vector_index_contains(const vector_index *idx, int64_t rowid)
{
    return hnsw_map_get(&idx->map, rowid) != HNSW_NONE;
}

void vector_index_get_stats(const vector_index *idx, vector_index_stats *out)
{
    memset(out, 0, sizeof *out);
    out->metric = idx->metric;
    out->dim = idx->dim;
    out->m = idx->m;
    out->ef_construction = idx->ef_construction;
    out->live = idx->live;
    out->deleted = idx->deleted;
    out->free_slots = idx->n_free;
    out->max_level = idx->max_level;
    out->bytes_vectors = idx->capacity * idx->stride * sizeof(float);
    out->bytes_links = idx->capacity * (1 + idx->m0) * sizeof(uint32_t) + idx->upper_bytes;
    out->bytes_other = sizeof *idx + sizeof *idx->pool +
                       idx->capacity * (sizeof(uint32_t *) + sizeof(int64_t) + 4) +
                       hnsw_chunks(idx, idx->capacity) + idx->free_cap * sizeof(uint32_t) +
                       hnsw_map_bytes(&idx->map);
    pthread_mutex_lock(&idx->pool->lock);
    out->bytes_scratch = idx->pool->bytes;
    pthread_mutex_unlock(&idx->pool->lock);
    out->bytes_total =
        out->bytes_vectors + out->bytes_links + out->bytes_other + out->bytes_scratch;
}

size_t vector_index_memory(const vector_index *idx)
{
    vector_index_stats st;
    vector_index_get_stats(idx, &st);
    return st.bytes_total;
}
