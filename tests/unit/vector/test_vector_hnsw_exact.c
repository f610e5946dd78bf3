/*
 * test_vector_hnsw_exact.c — vector_index_exact_search: the brute-force pass over an index's
 * own vectors must give exactly what vector_exact_search gives over the same rows (every
 * metric, one and several threads, deleted rows, a filter), cosine indexes only answer
 * cosine, and a zero cosine query answers nothing.
 */
#include "unit.h"
#include "vector_testdata.h"

#define N 33000     /* above the two-thread threshold (32768 slots) */
#define DIM 24
#define K 15

static bool keep_odd(void *arg, int64_t rowid)
{
    (void)arg;
    return rowid % 2 == 1;
}

static vector_index *index_of(vector_metric metric, const float *v, size_t n)
{
    pg_error err = {0};
    vector_index *idx = vector_index_create(metric, DIM, 8, 32, 1, &err);
    int64_t *ids = malloc(n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = (int64_t)i;
    bool ok = idx && vector_index_build_parallel(idx, n, ids, v, 0, &err);
    CHECK(ok);
    free(ids);
    return ok ? idx : NULL;
}

static void same_answers(vector_metric metric, const vector_index *idx, const float *v, const float *q,
                         vector_filter_fn filter, int threads)
{
    int64_t want[K], got[K];
    float wd[K], gd[K];
    size_t nw = 0, ng = 0;
    pg_error err = {0};
    CHECK(vector_exact_search(metric, DIM, q, v, N, NULL, K, filter, NULL, want, wd, &nw, &err));
    CHECK(vector_index_exact_search(idx, metric, q, K, filter, NULL, threads, got, gd, &ng, &err));
    CHECK_INT(ng, nw);
    for (size_t i = 0; i < nw && i < ng; i++) {
        CHECK_INT(got[i], want[i]);
        CHECK(fabsf(gd[i] - wd[i]) <= 1e-4f * (1 + fabsf(wd[i])));
    }
}

static void test_matches_exact_scan(void)
{
    float *v = test_clustered_vectors(11, 1, N, DIM, 30, 0.3, false);
    float *q = test_clustered_vectors(12, 0, 5, DIM, 30, 0.3, false);
    /* An L2 index holds the rows as they are: every distance comes from it. */
    vector_metric metrics[] = {VECTOR_METRIC_L2, VECTOR_METRIC_INNER_PRODUCT, VECTOR_METRIC_L1};
    vector_index *idx = index_of(VECTOR_METRIC_L2, v, N);
    for (size_t m = 0; idx && m < ARRAY_LEN(metrics); m++)
        for (int threads = 1; threads <= 2; threads++)
            for (int i = 0; i < 5; i++) {
                same_answers(metrics[m], idx, v, q + i * DIM, NULL, threads);
                same_answers(metrics[m], idx, v, q + i * DIM, keep_odd, threads);
            }
    vector_index_free(idx);
    free(v);
    free(q);
}

static bool not_deleted(void *arg, int64_t rowid)
{
    (void)arg;
    return rowid % 3 != 0;
}

static void test_deleted_rows_are_skipped(void)
{
    float *v = test_clustered_vectors(21, 1, N, DIM, 10, 0.3, false);
    float *q = test_clustered_vectors(22, 0, 3, DIM, 10, 0.3, false);
    vector_index *idx = index_of(VECTOR_METRIC_L2, v, N);
    if (idx) {
        for (int64_t r = 0; r < N; r += 3)
            CHECK(vector_index_delete(idx, r));
        for (int threads = 1; threads <= 2; threads++)
            for (int i = 0; i < 3; i++) {
                int64_t want[K], got[K];
                size_t nw = 0, ng = 0;
                pg_error err = {0};
                CHECK(vector_exact_search(VECTOR_METRIC_L2, DIM, q + i * DIM, v, N, NULL, K, not_deleted, NULL, want,
                                          NULL, &nw, &err));
                CHECK(vector_index_exact_search(idx, VECTOR_METRIC_L2, q + i * DIM, K, NULL, NULL, threads, got, NULL,
                                                &ng, &err));
                CHECK_INT(ng, K);
                for (size_t j = 0; j < K; j++)
                    CHECK_INT(got[j], want[j]);
            }
        vector_index_free(idx);
    }
    free(v);
    free(q);
}

static void test_cosine_index(void)
{
    float *v = test_clustered_vectors(31, 1, 2000, DIM, 10, 0.3, false);
    float *q = test_clustered_vectors(32, 0, 1, DIM, 10, 0.3, false);
    vector_index *idx = index_of(VECTOR_METRIC_COSINE, v, 2000);
    if (idx) {
        int64_t want[K], got[K];
        size_t nw = 0, ng = 0;
        pg_error err = {0};
        CHECK(vector_exact_search(VECTOR_METRIC_COSINE, DIM, q, v, 2000, NULL, K, NULL, NULL, want, NULL, &nw, &err));
        CHECK(vector_index_exact_search(idx, VECTOR_METRIC_COSINE, q, K, NULL, NULL, 2, got, NULL, &ng, &err));
        CHECK_INT(ng, nw);
        for (size_t j = 0; j < nw && j < ng; j++)
            CHECK_INT(got[j], want[j]);
        /* unit vectors: no L2 from them */
        CHECK(!vector_index_exact_search(idx, VECTOR_METRIC_L2, q, K, NULL, NULL, 1, got, NULL, &ng, &err));
        CHECK_STR(err.sqlstate, "22023");
        pg_error_clear(&err);
        /* a zero query has no direction: nothing */
        float zero[DIM] = {0};
        CHECK(vector_index_exact_search(idx, VECTOR_METRIC_COSINE, zero, K, NULL, NULL, 1, got, NULL, &ng, &err));
        CHECK_INT(ng, 0);
        vector_index_free(idx);
    }
    free(v);
    free(q);
}

int main(void)
{
    RUN(test_matches_exact_scan);
    RUN(test_deleted_rows_are_skipped);
    RUN(test_cosine_index);
    return UNIT_DONE();
}
