/*
 * test_vector_hnsw_parallel.c — build_parallel: recall on several threads for every metric,
 * a structurally valid graph (checked by saving and loading, whose loader validates every
 * invariant of hnsw_internal.h), bulk loading on top of rows inserted one by one, and
 * all-or-nothing errors (duplicate row ids, NaN).
 */
#include "unit.h"
#include "vector_testdata.h"

#include <string.h>

#define N 6000
#define DIM 32
#define NQ 200
#define K 10

static double recall(const vector_index *idx, vector_metric metric, const float *base,
                     const int64_t *rowids, const float *qs)
{
    double sum = 0;
    pg_error err = {0};
    for (size_t q = 0; q < NQ; q++) {
        int64_t got[K], truth[K];
        size_t ng, nt;
        CHECK(vector_index_search(idx, qs + q * DIM, K, 40, NULL, NULL, got, NULL, &ng, &err));
        CHECK(vector_exact_search(metric, DIM, qs + q * DIM, base, N, rowids, K, NULL, NULL,
                                  truth, NULL, &nt, &err));
        sum += test_recall(got, ng, truth, nt);
    }
    return sum / NQ;
}

/* The loader refuses any graph that breaks an invariant; a valid one loads. */
static bool structurally_valid(const vector_index *idx)
{
    strbuf b;
    strbuf_init(&b);
    pg_error err = {0};
    bool ok = vector_index_save(idx, false, vector_write_strbuf, &b, &err);
    vector_memory_reader r = {(const uint8_t *)b.data, b.len, 0};
    vector_index *copy = ok ? vector_index_load(vector_read_memory, &r, &err) : NULL;
    if (!copy)
        fprintf(stderr, "  invalid graph: %s (%s)\n", err.message, err.detail ? err.detail : "");
    vector_index_free(copy);
    strbuf_free(&b);
    pg_error_clear(&err);
    return copy != NULL;
}

static void test_parallel_recall(void)
{
    const double threshold[4] = {0.95, 0.95, 0.95, 0.93};
    const int threads[] = {2, 4};
    int64_t *rowids = malloc(N * sizeof *rowids);
    for (size_t i = 0; i < N; i++)
        rowids[i] = (int64_t)(N - i) * 11;
    for (int m = 0; m < 4; m++) {
        vector_metric metric = (vector_metric)m;
        bool norm = metric != VECTOR_METRIC_INNER_PRODUCT;
        float *base = test_clustered_vectors(8, 1, N, DIM, 20, 1.5, norm);
        float *qs = test_clustered_vectors(8, 2, NQ, DIM, 20, 1.5, norm);
        for (size_t t = 0; t < ARRAY_LEN(threads); t++) {
            pg_error err = {0};
            vector_index *idx = vector_index_create(metric, DIM, 16, 64, 42, &err);
            CHECK(vector_index_build_parallel(idx, N, rowids, base, threads[t], &err));
            double r = recall(idx, metric, base, rowids, qs);
            if (getenv("VECTOR_TEST_VERBOSE") || r < threshold[m])
                fprintf(stderr, "  %s, %d threads: recall %.4f\n", vector_metric_name(metric),
                        threads[t], r);
            CHECK(r >= threshold[m]);
            vector_index_stats st;
            vector_index_get_stats(idx, &st);
            CHECK_INT(st.live, N);
            for (size_t i = 0; i < N; i += 97)
                CHECK(vector_index_contains(idx, rowids[i]));
            CHECK(structurally_valid(idx));
            vector_index_free(idx);
        }
        free(base);
        free(qs);
    }
    free(rowids);
}

static void test_bulk_on_top_of_inserts(void)
{
    float *base = test_clustered_vectors(9, 1, N, DIM, 20, 1.5, true);
    float *qs = test_clustered_vectors(9, 2, NQ, DIM, 20, 1.5, true);
    int64_t *rowids = malloc(N * sizeof *rowids);
    for (size_t i = 0; i < N; i++)
        rowids[i] = (int64_t)i;
    pg_error err = {0};
    vector_index *idx = vector_index_create(VECTOR_METRIC_L2, DIM, 16, 64, 42, &err);
    for (size_t i = 0; i < N / 3; i++)
        CHECK(vector_index_insert(idx, rowids[i], base + i * DIM, &err));
    for (size_t i = 0; i < N / 3; i += 2)   /* deleted and repaired: free slots to reuse */
        CHECK(vector_index_delete(idx, rowids[i]));
    CHECK(vector_index_repair(idx, &err));
    for (size_t i = 0; i < N / 3; i += 2)
        CHECK(vector_index_insert(idx, rowids[i], base + i * DIM, &err));
    CHECK(vector_index_build_parallel(idx, N - N / 3, rowids + N / 3, base + (N / 3) * DIM, 0,
                                      &err));
    CHECK(recall(idx, VECTOR_METRIC_L2, base, rowids, qs) >= 0.95);
    CHECK(structurally_valid(idx));
    vector_index_free(idx);
    free(base);
    free(qs);
    free(rowids);
}

static void test_all_or_nothing(void)
{
    float *base = test_clustered_vectors(10, 1, 1000, DIM, 20, 1.5, true);
    int64_t rowids[1000];
    for (int i = 0; i < 1000; i++)
        rowids[i] = i;
    pg_error err = {0};
    vector_index *idx = vector_index_create(VECTOR_METRIC_COSINE, DIM, 8, 32, 1, &err);
    CHECK(vector_index_insert(idx, 5000, base, &err));
    size_t mem = vector_index_memory(idx);

    rowids[700] = 3;   /* duplicate inside the batch */
    CHECK(!vector_index_build_parallel(idx, 1000, rowids, base, 2, &err));
    CHECK_STR(err.sqlstate, "23505");
    pg_error_clear(&err);
    rowids[700] = 5000;   /* duplicate of a row already indexed */
    CHECK(!vector_index_build_parallel(idx, 1000, rowids, base, 2, &err));
    CHECK_STR(err.sqlstate, "23505");
    pg_error_clear(&err);
    rowids[700] = 700;
    base[999 * DIM + 5] = NAN;
    CHECK(!vector_index_build_parallel(idx, 1000, rowids, base, 2, &err));
    CHECK_STR(err.sqlstate, "22000");
    pg_error_clear(&err);
    vector_index_stats st;
    vector_index_get_stats(idx, &st);
    CHECK_INT(st.live, 1);
    CHECK(!vector_index_contains(idx, 0) && !vector_index_contains(idx, 3));
    CHECK(vector_index_memory(idx) >= mem);

    /* Zero vectors under COSINE are skipped, as by insert. */
    base[999 * DIM + 5] = 0;
    memset(base + 10 * DIM, 0, DIM * sizeof *base);
    CHECK(vector_index_build_parallel(idx, 1000, rowids, base, 2, &err));
    vector_index_get_stats(idx, &st);
    CHECK_INT(st.live, 1000);
    CHECK(!vector_index_contains(idx, 10));
    CHECK(structurally_valid(idx));
    CHECK(vector_index_build_parallel(idx, 0, rowids, base, 2, &err));
    vector_index_free(idx);
    free(base);
}

int main(void)
{
    RUN(test_parallel_recall);
    RUN(test_bulk_on_top_of_inserts);
    RUN(test_all_or_nothing);
    return UNIT_DONE();
}
