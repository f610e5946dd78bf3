/*
 * vector.h — the vector layer's whole public surface: float32 distance kernels with runtime
 * SIMD dispatch, exact top-k search with a bounded heap, and an HNSW approximate
 * nearest-neighbour index (Malkov & Yashunin) with filters, deletes, a parallel bulk build and
 * a checksummed, versioned, incrementally persistable byte format.
 *
 * Nothing here knows about SQL, SQLite or the wire protocol: the SQL layer maps pgvector's
 * operators and index access onto these calls (docs/vector.md).
 *
 * Conventions shared by every function below:
 *   - vectors are arrays of `dim` float32 values; `dim` is 1..VECTOR_MAX_DIM;
 *   - row ids are the caller's int64 (SQLite rowids); the index never invents them;
 *   - distances are what pgvector's operators return, so the SQL layer can hand them out:
 *       L2             <->  sqrt(sum (a-b)^2)
 *       INNER_PRODUCT  <#>  -(a . b)
 *       COSINE         <=>  1 - a.b / (|a| |b|)   (NaN if either norm is 0)
 *       L1             <+>  sum |a-b|
 *     and are returned as float (single precision, as computed);
 *   - results are ordered by ascending distance, ties by ascending row id;
 *   - functions that can fail are MUST_CHECK and report a pg_error with a SQLSTATE
 *     (53200 out of memory, 22023 invalid parameter, 22000 NaN/Inf in a vector,
 *     23505 duplicate row id, XX002 corrupted index bytes, 0A000 unsupported format version,
 *     58030 I/O error).
 *
 * Locking contract of the index: one writer or many readers.  Any number of threads may call
 * vector_index_search / _contains / _memory / _stats / _save on the same index at once, as
 * long as no thread is inside a writing call (insert, delete, repair, build_parallel, reserve,
 * mark_clean, free).  The caller provides that exclusion (the SQL layer: a rwlock per index).
 * vector_index_build_parallel is one writing call that uses threads internally.
 */
#ifndef PGWIRE_VECTOR_H
#define PGWIRE_VECTOR_H

#include "common/common.h"

/* Limits, as pgvector's where it has one (vector type 16 000 dims; hnsw m 2..100,
 * ef_construction 4..1000, hnsw.ef_search 1..1000). */
#define VECTOR_MAX_DIM 16000
#define VECTOR_HNSW_MIN_M 2
#define VECTOR_HNSW_MAX_M 100
#define VECTOR_HNSW_MIN_EF_CONSTRUCTION 4
#define VECTOR_HNSW_MAX_EF_CONSTRUCTION 1000
#define VECTOR_HNSW_MAX_EF_SEARCH 1000
/* pgvector's defaults, for callers without an opinion. */
#define VECTOR_HNSW_DEFAULT_M 16
#define VECTOR_HNSW_DEFAULT_EF_CONSTRUCTION 64
#define VECTOR_HNSW_DEFAULT_EF_SEARCH 40

typedef enum {
    VECTOR_METRIC_L2 = 0,
    VECTOR_METRIC_INNER_PRODUCT = 1,
    VECTOR_METRIC_COSINE = 2,
    VECTOR_METRIC_L1 = 3,
} vector_metric;

/* "l2", "inner_product", "cosine", "l1"; NULL for an unknown value. */
const char *vector_metric_name(vector_metric metric);

/* ---------------------------------------------------------------- kernels */

/*
 * The kernels are chosen once per process (pthread_once) from what the CPU offers: AVX-512F,
 * else AVX2+FMA, else portable C.  The environment variable PGWIRE_VECTOR_ISA
 * (scalar | avx2 | avx512), read at that moment, can lower the choice (tests, diagnosis).
 *
 * "Same results" across implementations:
 *   - add / sub / mul / the division in normalize are single IEEE operations per element and
 *     are bit-identical everywhere;
 *   - reductions (l2, inner product, cosine, l1, norm) sum in a different order per ISA (and
 *     with FMA on SIMD), so each is only guaranteed within
 *         |r - exact| <= (n/8 + 16) * 2^-24 * sum_i |term_i|
 *     of the exact real result (term_i = the per-element product, square or absolute
 *     difference); two implementations therefore differ by at most twice that.  Rankings
 *     agree except between candidates whose distances are closer than that bound.
 */
const char *vector_isa_name(void);   /* of the active kernels: "scalar", "avx2", "avx512" */

float vector_l2_squared(const float *a, const float *b, size_t n);
float vector_l2_distance(const float *a, const float *b, size_t n);
float vector_inner_product(const float *a, const float *b, size_t n);
float vector_cosine_distance(const float *a, const float *b, size_t n);
float vector_l1_distance(const float *a, const float *b, size_t n);
float vector_norm(const float *a, size_t n);
/* The metric's distance as pgvector's operator defines it (see the top of this file). */
float vector_distance(vector_metric metric, const float *a, const float *b, size_t n);
/* out = a / |a|; a zero vector gives zeros (as pgvector's l2_normalize).  Returns |a|.
 * out may be a. */
float vector_normalize(float *out, const float *a, size_t n);
/* Element-wise out = a op b; out may be a or b (not a partial overlap).  Returns false when a
 * result is infinite or NaN (overflow: the SQL layer raises 22003). */
bool vector_add(float *out, const float *a, const float *b, size_t n) MUST_CHECK;
bool vector_sub(float *out, const float *a, const float *b, size_t n) MUST_CHECK;
bool vector_mul(float *out, const float *a, const float *b, size_t n) MUST_CHECK;

/* ---------------------------------------------------------------- exact top-k */

/* A row filter: true keeps the row.  Called from the searching thread only. */
typedef bool (*vector_filter_fn)(void *arg, int64_t rowid);

/*
 * The k smallest (distance, rowid) pairs seen so far, as a bounded max-heap: push is O(log k)
 * and nothing is ever fully sorted.  NaN distances order after every number (as PostgreSQL's
 * float8 ordering), ties by smaller rowid.  Usable on its own by callers that step rows
 * themselves.
 */
typedef struct vector_topk {
    size_t k;
    size_t count;
    float *dists;
    int64_t *rowids;
} vector_topk;

bool vector_topk_init(vector_topk *t, size_t k, pg_error *err) MUST_CHECK;
void vector_topk_free(vector_topk *t);
void vector_topk_push(vector_topk *t, int64_t rowid, float dist);
/* The distance a new row must beat to enter (+inf until k rows are held). */
float vector_topk_bound(const vector_topk *t);
/* Moves the held rows out in ascending order (either output may be NULL); returns how many.
 * The heap is left empty and can be reused. */
size_t vector_topk_finish(vector_topk *t, int64_t *out_rowids, float *out_dists);

/*
 * Exact top-k over n contiguous vectors (row i at vectors + i*dim; its row id is rowids[i],
 * or i when rowids is NULL).  Writes up to k results, ascending, and their count.
 */
bool vector_exact_search(vector_metric metric, size_t dim, const float *query,
                         const float *vectors, size_t n, const int64_t *rowids, size_t k,
                         vector_filter_fn filter, void *filter_arg,
                         int64_t *out_rowids, float *out_dists, size_t *out_count,
                         pg_error *err) MUST_CHECK;

/* Row source for vector_exact_search_iter: return 1 with the next row, 0 at the end, -1 on
 * error (with err set).  *vec must stay valid until the next call. */
typedef int (*vector_next_fn)(void *arg, int64_t *rowid, const float **vec, pg_error *err);

bool vector_exact_search_iter(vector_metric metric, size_t dim, const float *query,
                              vector_next_fn next, void *next_arg, size_t k,
                              vector_filter_fn filter, void *filter_arg,
                              int64_t *out_rowids, float *out_dists, size_t *out_count,
                              pg_error *err) MUST_CHECK;

/* ---------------------------------------------------------------- HNSW index */

typedef struct vector_index vector_index;

/*
 * A new empty index.  m: neighbours per node per layer (2m on layer 0); ef_construction:
 * candidate list size while inserting (>= 2m, as pgvector requires); seed: makes node levels,
 * hence the whole graph for a given insertion order, reproducible.
 */
vector_index *vector_index_create(vector_metric metric, size_t dim, size_t m,
                                  size_t ef_construction, uint64_t seed,
                                  pg_error *err) MUST_CHECK;
void vector_index_free(vector_index *idx);

/* Make room for n more rows without further reallocation. */
bool vector_index_reserve(vector_index *idx, size_t n, pg_error *err) MUST_CHECK;

/*
 * Adds one row.  The vector is copied (normalised first under COSINE).  Errors: 23505 if
 * rowid is already live in the index, 22000 for NaN or infinite elements.  Under COSINE a
 * zero vector has no direction and is not indexed (as pgvector); the call succeeds.
 */
bool vector_index_insert(vector_index *idx, int64_t rowid, const float *vec,
                         pg_error *err) MUST_CHECK;

/*
 * Bulk load: inserts n rows (vectors contiguous, n*dim floats) using `threads` threads
 * (0 = every online CPU), with a lock per node.  Same errors as insert, checked for every row
 * before the graph is touched (on error nothing is added).  With threads == 1 the result is
 * the same graph as n calls to vector_index_insert; with more it depends on scheduling.
 */
bool vector_index_build_parallel(vector_index *idx, size_t n, const int64_t *rowids,
                                 const float *vectors, int threads, pg_error *err) MUST_CHECK;

/*
 * Marks a row deleted: it stops appearing in results at once, but its node keeps routing
 * searches until vector_index_repair.  Returns false if the row was not in the index.
 */
bool vector_index_delete(vector_index *idx, int64_t rowid);

/*
 * Reconnects the neighbours of deleted nodes around them, then frees the deleted nodes'
 * slots for reuse (as pgvector's VACUUM does).  Cost is proportional to the nodes touching a
 * deleted one.
 */
bool vector_index_repair(vector_index *idx, pg_error *err) MUST_CHECK;

bool vector_index_contains(const vector_index *idx, int64_t rowid);

/*
 * The k nearest live rows to query that pass the filter (NULL = all), best first; at most k
 * written to out_rowids / out_dists (out_dists may be NULL).  ef_search (clamped to
 * [k, ...]) trades speed for recall.  With a filter or deleted rows the search keeps
 * exploring until ef accepted rows are found, and if the reachable graph runs out it checks
 * the remaining rows one by one: when k matching rows exist, k are returned.  Under COSINE a
 * zero query has no nearest rows and returns none.  Thread-safe against other searches.
 */
bool vector_index_search(const vector_index *idx, const float *query, size_t k,
                         size_t ef_search, vector_filter_fn filter, void *filter_arg,
                         int64_t *out_rowids, float *out_dists, size_t *out_count,
                         pg_error *err) MUST_CHECK;

typedef struct vector_index_stats {
    vector_metric metric;
    size_t dim, m, ef_construction;
    size_t live;          /* rows returned by searches */
    size_t deleted;       /* marked, not yet repaired */
    size_t free_slots;    /* repaired slots waiting for reuse */
    int max_level;        /* -1 when empty */
    size_t bytes_vectors, bytes_links, bytes_other, bytes_scratch;
    size_t bytes_total;   /* == vector_index_memory() */
} vector_index_stats;

/* Heap bytes owned by the index, including per-thread search scratch. */
size_t vector_index_memory(const vector_index *idx);
void vector_index_get_stats(const vector_index *idx, vector_index_stats *out);

/* ---------------------------------------------------------------- persistence */

/* Byte sinks and sources for save/load.  A read returns fewer bytes than asked only at the
 * end of the stream. */
typedef bool (*vector_write_fn)(void *arg, const void *bytes, size_t n, pg_error *err);
typedef bool (*vector_read_fn)(void *arg, void *buf, size_t n, size_t *got, pg_error *err);

/*
 * Writes the index as one "generation": a header record, node and neighbour-list records
 * chunk by chunk, and an end record, each with a CRC-32C (format in docs/vector.md).  With
 * only_dirty the chunk records are patches holding just the slots changed since
 * vector_index_mark_clean (one insert into a 100 000-row index: about 1.5 KB), so appending
 * its output to an earlier save persists the index incrementally; load applies generations in
 * order.  Saving never clears the change marks: call vector_index_mark_clean once the bytes
 * are durable.
 */
bool vector_index_save(const vector_index *idx, bool only_dirty, vector_write_fn write,
                       void *arg, pg_error *err) MUST_CHECK;
void vector_index_mark_clean(vector_index *idx);

/* Reads one or more generations; every chunk must have been written at least once and the
 * stream must end with an end record.  Every field is validated (XX002 if not). */
vector_index *vector_index_load(vector_read_fn read, void *arg, pg_error *err) MUST_CHECK;

/* Ready-made sinks and sources: a strbuf (arg = strbuf *), a memory span, a FILE *. */
bool vector_write_strbuf(void *strbuf_arg, const void *bytes, size_t n, pg_error *err) MUST_CHECK;
typedef struct vector_memory_reader {
    const uint8_t *bytes;
    size_t len, pos;
} vector_memory_reader;
bool vector_read_memory(void *reader_arg, void *buf, size_t n, size_t *got,
                        pg_error *err) MUST_CHECK;
bool vector_write_file(void *file_arg, const void *bytes, size_t n, pg_error *err) MUST_CHECK;
bool vector_read_file(void *file_arg, void *buf, size_t n, size_t *got, pg_error *err) MUST_CHECK;

/* Whole-index side file: written to path.tmp, fsync'd, renamed over path. */
bool vector_index_save_file(const vector_index *idx, const char *path, pg_error *err) MUST_CHECK;
vector_index *vector_index_load_file(const char *path, pg_error *err) MUST_CHECK;

#endif
