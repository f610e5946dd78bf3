/*
 * test_vector_topk.c — the bounded heap against a full sort (ties, NaN, k = 0, k > n), and the
 * exact scans (contiguous and callback) with filters, row ids and each metric's distance.
 */
#include "unit.h"
#include "vector_testdata.h"

#include <string.h>

typedef struct pair {
    float d;
    int64_t id;
} pair;

/* PostgreSQL's float order (NaN last), then row id. */
static int cmp_pair(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    bool na = isnan(a->d), nb = isnan(b->d);
    if (na != nb)
        return na ? 1 : -1;
    if (!na && a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static void test_heap_matches_sort(void)
{
    const size_t n = 500;
    const size_t ks[] = {0, 1, 2, 5, 10, 100, 499, 500, 600};
    test_rng r = {11};
    pair *all = malloc(n * sizeof *all);
    for (size_t i = 0; i < n; i++) {
        /* Few distinct values so ties are common, some NaN. */
        uint64_t x = test_rng_next(&r) % 40;
        all[i].d = x == 0 ? NAN : (float)(x % 13);
        all[i].id = (int64_t)(test_rng_next(&r) % 100000) - 50000;
    }
    pair *sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, all, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_pair);
    for (size_t ki = 0; ki < ARRAY_LEN(ks); ki++) {
        size_t k = ks[ki];
        vector_topk t;
        pg_error err = {0};
        CHECK(vector_topk_init(&t, k, &err));
        for (size_t i = 0; i < n; i++)
            vector_topk_push(&t, all[i].id, all[i].d);
        int64_t *ids = malloc((k + 1) * sizeof *ids);
        float *ds = malloc((k + 1) * sizeof *ds);
        size_t got = vector_topk_finish(&t, ids, ds);
        CHECK_INT(got, k < n ? k : n);
        for (size_t i = 0; i < got; i++) {
            CHECK(ids[i] == sorted[i].id);
            CHECK((isnan(ds[i]) && isnan(sorted[i].d)) || ds[i] == sorted[i].d);
        }
        CHECK_INT(t.count, 0);   /* reusable */
        vector_topk_push(&t, 1, 1.0f);
        CHECK_INT(vector_topk_finish(&t, NULL, NULL), k ? 1 : 0);
        vector_topk_free(&t);
        free(ids);
        free(ds);
    }
    free(all);
    free(sorted);
}

static void test_bound(void)
{
    vector_topk t;
    pg_error err = {0};
    CHECK(vector_topk_init(&t, 2, &err));
    CHECK(isinf(vector_topk_bound(&t)));
    vector_topk_push(&t, 1, 5.0f);
    CHECK(isinf(vector_topk_bound(&t)));
    vector_topk_push(&t, 2, 3.0f);
    CHECK(vector_topk_bound(&t) == 5.0f);
    vector_topk_push(&t, 3, 4.0f);
    CHECK(vector_topk_bound(&t) == 4.0f);
    vector_topk_push(&t, 0, 4.0f);   /* equal distance, smaller id: replaces 3 */
    int64_t ids[2];
    CHECK_INT(vector_topk_finish(&t, ids, NULL), 2);
    CHECK(ids[0] == 2 && ids[1] == 0);
    vector_topk_free(&t);
}

typedef struct iter_state {
    const float *vectors;
    size_t n, dim, pos;
    int fail_at;
} iter_state;

static int next_row(void *arg, int64_t *rowid, const float **vec, pg_error *err)
{
    iter_state *s = arg;
    if ((int)s->pos == s->fail_at) {
        pg_error_set(err, "57014", "canceling statement due to user request");
        return -1;
    }
    if (s->pos >= s->n)
        return 0;
    *rowid = (int64_t)(s->pos * 10);
    *vec = s->vectors + s->pos * s->dim;
    s->pos++;
    return 1;
}

static bool keep_multiple_of_30(void *arg, int64_t rowid)
{
    (*(int *)arg)++;
    return rowid % 30 == 0;
}

static void test_exact_scans(void)
{
    const size_t n = 2000, dim = 17, k = 10;
    float *base = test_uniform_vectors(21, n, dim), *qs = test_uniform_vectors(22, 5, dim);
    int64_t *rowids = malloc(n * sizeof *rowids);
    for (size_t i = 0; i < n; i++)
        rowids[i] = (int64_t)(i * 10);
    pg_error err = {0};
    for (int metric = 0; metric < 4; metric++) {
        for (size_t q = 0; q < 5; q++) {
            const float *query = qs + q * dim;
            int64_t a[10], b[10];
            float da[10], db[10];
            size_t na, nb;
            CHECK(vector_exact_search((vector_metric)metric, dim, query, base, n, rowids, k, NULL,
                                      NULL, a, da, &na, &err));
            iter_state st = {base, n, dim, 0, -1};
            CHECK(vector_exact_search_iter((vector_metric)metric, dim, query, next_row, &st, k,
                                           NULL, NULL, b, db, &nb, &err));
            CHECK_INT(na, k);
            CHECK_INT(nb, k);
            CHECK(memcmp(a, b, sizeof a) == 0 && memcmp(da, db, sizeof da) == 0);
            /* Brute force check of the answer with the public distance. */
            pair *all = malloc(n * sizeof *all);
            for (size_t i = 0; i < n; i++)
                all[i] = (pair){vector_distance((vector_metric)metric, query, base + i * dim, dim),
                                rowids[i]};
            qsort(all, n, sizeof *all, cmp_pair);
            for (size_t i = 0; i < k; i++) {
                CHECK(a[i] == all[i].id);
                CHECK(da[i] == all[i].d);
            }
            /* Filtered: only rows whose id is a multiple of 30. */
            int calls = 0;
            CHECK(vector_exact_search((vector_metric)metric, dim, query, base, n, rowids, k,
                                      keep_multiple_of_30, &calls, a, da, &na, &err));
            CHECK_INT(na, k);
            CHECK(calls > 0 && calls < (int)n);   /* the bound spares most filter calls */
            size_t j = 0;
            for (size_t i = 0; i < n && j < k; i++)
                if (all[i].id % 30 == 0)
                    CHECK(a[j++] == all[i].id);
            free(all);
        }
    }
    /* Row ids default to positions; k > n returns n. */
    int64_t ids[20];
    size_t got;
    CHECK(vector_exact_search(VECTOR_METRIC_L2, dim, base, base, 12, NULL, 20, NULL, NULL, ids,
                              NULL, &got, &err));
    CHECK_INT(got, 12);
    CHECK_INT(ids[0], 0);
    /* An iterator error comes back as the iterator set it. */
    iter_state st = {base, n, dim, 0, 100};
    CHECK(!vector_exact_search_iter(VECTOR_METRIC_L2, dim, base, next_row, &st, 5, NULL, NULL, ids,
                                    NULL, &got, &err));
    CHECK_STR(err.sqlstate, "57014");
    pg_error_clear(&err);
    CHECK(!vector_exact_search(VECTOR_METRIC_L2, 0, base, base, 1, NULL, 1, NULL, NULL, ids, NULL,
                               &got, &err));
    CHECK_STR(err.sqlstate, "22023");
    pg_error_clear(&err);
    free(base);
    free(qs);
    free(rowids);
}

static void test_cosine_zero_rows_last(void)
{
    float rows[3 * 2] = {0, 0, 1, 0, 0, 1};
    float q[2] = {1, 0};
    int64_t ids[3];
    float d[3];
    size_t got;
    pg_error err = {0};
    CHECK(vector_exact_search(VECTOR_METRIC_COSINE, 2, q, rows, 3, NULL, 3, NULL, NULL, ids, d,
                              &got, &err));
    CHECK_INT(got, 3);
    CHECK(ids[0] == 1 && ids[1] == 2 && ids[2] == 0);   /* NaN (zero row) sorts last */
    CHECK(isnan(d[2]));
}

int main(void)
{
    RUN(test_heap_matches_sort);
    RUN(test_bound);
    RUN(test_exact_scans);
    RUN(test_cosine_zero_rows_last);
    return UNIT_DONE();
}
