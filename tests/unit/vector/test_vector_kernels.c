/*
 * test_vector_kernels.c — every kernel table this CPU can run against an exact
 * (double-precision) reference, within the bound vector.h states as "same results":
 *     |r - exact| <= (n/8 + 16) * 2^-24 * sum|term_i|
 * on random data for odd and large dimensions; element-wise operations bit-identical across
 * tables; the dispatch itself (init once, PGWIRE_VECTOR_ISA fallback to plain C giving the
 * same exact top-k as the SIMD kernels).
 */
#include "unit.h"
#include "vector/kernels_internal.h"
#include "vector_testdata.h"

#include <float.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static const size_t dims[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127,
                              128, 129, 768, 1000, 1536, 16000};

static double gamma_bound(size_t n)
{
    return ((double)n / 8.0 + 16.0) * ldexp(1.0, -24);
}

static const vector_kernels *tables[3];
static size_t n_tables;

static void collect_tables(void)
{
    n_tables = 0;
    for (int isa = VECTOR_ISA_SCALAR; isa <= VECTOR_ISA_AVX512; isa++) {
        const vector_kernels *k = vector_kernels_for_isa((vector_isa)isa);
        if (k)
            tables[n_tables++] = k;
    }
}

/* Exact references and sums of |term| for the bound. */
static void reference(const float *a, const float *b, size_t n, double *l2, double *l2_abs,
                      double *dot, double *dot_abs, double *l1, double *na, double *nb)
{
    *l2 = *dot = *dot_abs = *l1 = *na = *nb = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i];
        *l2 += d * d;
        *dot += (double)a[i] * b[i];
        *dot_abs += fabs((double)a[i] * b[i]);
        *l1 += fabs(d);
        *na += (double)a[i] * a[i];
        *nb += (double)b[i] * b[i];
    }
    *l2_abs = *l2;
}

static bool within(double got, double exact, double abs_terms, size_t n)
{
    return fabs(got - exact) <= gamma_bound(n) * abs_terms + 1e-30;
}

static void test_reductions_match_exact(void)
{
    for (size_t d = 0; d < ARRAY_LEN(dims); d++) {
        size_t n = dims[d];
        for (int trial = 0; trial < 3; trial++) {
            float *a = test_uniform_vectors(1000 + trial * 7 + n, 1, n);
            float *b = test_uniform_vectors(2000 + trial * 7 + n, 1, n);
            if (trial == 2)   /* offset data: large sums, cancellation in l2 */
                for (size_t i = 0; i < n; i++)
                    b[i] = a[i] + 1e-3f * b[i];
            double l2, l2_abs, dot, dot_abs, l1, na, nb;
            reference(a, b, n, &l2, &l2_abs, &dot, &dot_abs, &l1, &na, &nb);
            for (size_t t = 0; t < n_tables; t++) {
                const vector_kernels *k = tables[t];
                bool ok = within(k->l2_squared(a, b, n), l2, l2_abs, n) &&
                          within(k->inner_product(a, b, n), dot, dot_abs, n) &&
                          within(k->neg_inner_product(a, b, n), -dot, dot_abs, n) &&
                          within(k->one_minus_dot(a, b, n), 1.0 - dot, dot_abs + 1.0, n) &&
                          within(k->l1(a, b, n), l1, l1, n) &&
                          within(k->norm_squared(a, n), na, na, n);
                double cos_exact = 1.0 - dot / sqrt(na * nb);
                /* |dot| error over |a||b| is at most gamma (Cauchy-Schwarz), norms likewise. */
                double cos_err = fabs(k->cosine_distance(a, b, n) - cos_exact);
                ok = ok && cos_err <= 4 * gamma_bound(n) + 1e-6;
                /* And directly against the plain-C table: within twice the bound. */
                const vector_kernels *sc = &vector_kernels_scalar;
                ok = ok && fabs(k->l2_squared(a, b, n) - sc->l2_squared(a, b, n)) <=
                               2 * gamma_bound(n) * l2_abs + 1e-30;
                ok = ok && fabs(k->inner_product(a, b, n) - sc->inner_product(a, b, n)) <=
                               2 * gamma_bound(n) * dot_abs + 1e-30;
                ok = ok && fabs(k->l1(a, b, n) - sc->l1(a, b, n)) <=
                               2 * gamma_bound(n) * l1 + 1e-30;
                ok = ok && fabs(k->cosine_distance(a, b, n) - sc->cosine_distance(a, b, n)) <=
                               8 * gamma_bound(n) + 2e-6;
                if (!ok)
                    fprintf(stderr, "  kernels %s, n=%zu, trial %d out of bound\n", k->name, n,
                            trial);
                CHECK(ok);
            }
            free(a);
            free(b);
        }
    }
}

static void test_cosine_edges(void)
{
    float zero[17] = {0}, v[17], neg[17];
    for (int i = 0; i < 17; i++) {
        v[i] = (float)(i + 1);
        neg[i] = -v[i];
    }
    for (size_t t = 0; t < n_tables; t++) {
        const vector_kernels *k = tables[t];
        CHECK(isnan(k->cosine_distance(zero, v, 17)));
        CHECK(isnan(k->cosine_distance(v, zero, 17)));
        float same = k->cosine_distance(v, v, 17), opposite = k->cosine_distance(v, neg, 17);
        CHECK(same >= 0.0f && same < 1e-6f);   /* clamped: never negative */
        CHECK(opposite <= 2.0f && opposite > 2.0f - 1e-6f);
    }
    CHECK(isnan(vector_cosine_distance(zero, v, 17)));
}

static void test_elementwise_bit_identical(void)
{
    for (size_t d = 0; d < ARRAY_LEN(dims); d++) {
        size_t n = dims[d];
        float *a = test_uniform_vectors(3000 + n, 1, n), *b = test_uniform_vectors(4000 + n, 1, n);
        float *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
        for (int op = 0; op < 3; op++) {
            for (size_t i = 0; i < n; i++)
                want[i] = op == 0 ? a[i] + b[i] : op == 1 ? a[i] - b[i] : a[i] * b[i];
            for (size_t t = 0; t < n_tables; t++) {
                const vector_kernels *k = tables[t];
                vector_elementwise_fn fn = op == 0 ? k->add : op == 1 ? k->sub : k->mul;
                CHECK(fn(got, a, b, n));
                CHECK(memcmp(got, want, n * sizeof *got) == 0);
            }
        }
        /* in place: out == a */
        for (size_t t = 0; t < n_tables; t++) {
            memcpy(got, a, n * sizeof *got);
            CHECK(tables[t]->add(got, got, b, n));
            for (size_t i = 0; i < n; i++)
                want[i] = a[i] + b[i];
            CHECK(memcmp(got, want, n * sizeof *got) == 0);
        }
        /* divide: a true division per element */
        for (size_t t = 0; t < n_tables; t++) {
            tables[t]->divide(got, a, 3.0f, n);
            for (size_t i = 0; i < n; i++)
                want[i] = a[i] / 3.0f;
            CHECK(memcmp(got, want, n * sizeof *got) == 0);
        }
        free(a);
        free(b);
        free(want);
        free(got);
    }
}

static void test_elementwise_overflow(void)
{
    for (size_t d = 0; d < ARRAY_LEN(dims); d++) {
        size_t n = dims[d];
        float *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b), *out = malloc(n * sizeof *out);
        for (size_t t = 0; t < n_tables; t++) {
            const vector_kernels *k = tables[t];
            CHECK(k->add(out, a, b, n));
            a[n - 1] = FLT_MAX;   /* the last element: the masked tail on SIMD */
            b[n - 1] = FLT_MAX;
            CHECK(!k->add(out, a, b, n));
            CHECK(!k->mul(out, a, b, n));
            CHECK(k->sub(out, a, b, n));
            b[n - 1] = -FLT_MAX;
            CHECK(!k->sub(out, a, b, n));
            a[n - 1] = b[n - 1] = 0;
        }
        free(a);
        free(b);
        free(out);
    }
    float x = 1.0f, y = NAN, o;
    CHECK(!vector_add(&o, &x, &y, 1));
}

static void test_normalize_and_norm(void)
{
    for (size_t d = 0; d < ARRAY_LEN(dims); d++) {
        size_t n = dims[d];
        float *a = test_uniform_vectors(5000 + n, 1, n), *u = malloc(n * sizeof *u);
        double exact = 0;
        for (size_t i = 0; i < n; i++)
            exact += (double)a[i] * a[i];
        exact = sqrt(exact);
        float norm = vector_normalize(u, a, n);
        CHECK(fabs(norm - exact) <= gamma_bound(n) * exact);
        CHECK(fabs(vector_norm(a, n) - exact) <= gamma_bound(n) * exact);
        double un = 0;
        for (size_t i = 0; i < n; i++)
            un += (double)u[i] * u[i];
        CHECK(fabs(sqrt(un) - 1.0) < 1e-5);
        memset(a, 0, n * sizeof *a);
        CHECK(vector_normalize(u, a, n) == 0.0f);
        for (size_t i = 0; i < n; i++)
            CHECK(u[i] == 0.0f);
        free(a);
        free(u);
    }
}

static void test_public_distances(void)
{
    float a[3] = {1, 2, 3}, b[3] = {4, 6, 3};
    CHECK(vector_l2_squared(a, b, 3) == 25.0f);
    CHECK(vector_l2_distance(a, b, 3) == 5.0f);
    CHECK(vector_inner_product(a, b, 3) == 25.0f);
    CHECK(vector_l1_distance(a, b, 3) == 7.0f);
    CHECK(vector_distance(VECTOR_METRIC_L2, a, b, 3) == 5.0f);
    CHECK(vector_distance(VECTOR_METRIC_INNER_PRODUCT, a, b, 3) == -25.0f);
    CHECK(vector_distance(VECTOR_METRIC_L1, a, b, 3) == 7.0f);
    CHECK(fabs(vector_distance(VECTOR_METRIC_COSINE, a, b, 3) -
               (1.0 - 25.0 / (sqrt(14.0) * sqrt(61.0)))) < 1e-6);
    CHECK_STR(vector_metric_name(VECTOR_METRIC_COSINE), "cosine");
    CHECK(vector_metric_name((vector_metric)99) == NULL);
}

static void *get_active(void *arg)
{
    *(const vector_kernels **)arg = vector_kernels_active();
    return NULL;
}

static void test_dispatch_once(void)
{
    const vector_kernels *seen[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, get_active, &seen[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++)
        CHECK(seen[i] == vector_kernels_active());
    /* Without an override the best table is chosen. */
    if (!getenv("PGWIRE_VECTOR_ISA"))
        CHECK(vector_kernels_active() == tables[n_tables - 1]);
    CHECK_STR(vector_isa_name(), vector_kernels_active()->name);
    CHECK(vector_kernels_for_isa(VECTOR_ISA_SCALAR) == &vector_kernels_scalar);
}

/* ---- plain-C fallback end to end: a child process forced to scalar kernels ---- */

#define FB_N 3000
#define FB_DIM 17
#define FB_Q 20
#define FB_K 10

static void fallback_topk(int64_t *out)
{
    float *base = test_uniform_vectors(77, FB_N, FB_DIM);
    float *qs = test_uniform_vectors(78, FB_Q, FB_DIM);
    pg_error err = {0};
    for (int metric = 0; metric < 4; metric++)
        for (int q = 0; q < FB_Q; q++) {
            size_t got;
            if (!vector_exact_search((vector_metric)metric, FB_DIM, qs + q * FB_DIM, base, FB_N,
                                     NULL, FB_K, NULL, NULL, out + (metric * FB_Q + q) * FB_K,
                                     NULL, &got, &err) || got != FB_K)
                abort();
        }
    free(base);
    free(qs);
}

/* Must run before anything else touches the kernels in this process (fork keeps the choice). */
static int fallback_pipe[2] = {-1, -1};
static pid_t fallback_child;

static void start_fallback_child(void)
{
    if (pipe(fallback_pipe) != 0)
        return;
    fallback_child = fork();
    if (fallback_child == 0) {
        setenv("PGWIRE_VECTOR_ISA", "scalar", 1);
        int64_t out[4 * FB_Q * FB_K + 1];
        fallback_topk(out + 1);
        out[0] = strcmp(vector_isa_name(), "scalar") == 0;
        ssize_t w = write(fallback_pipe[1], out, sizeof out);
        _exit(w == (ssize_t)sizeof out ? 0 : 1);
    }
}

static void test_scalar_fallback_same_topk(void)
{
    CHECK(fallback_child > 0);
    if (fallback_child <= 0)
        return;
    int64_t child[4 * FB_Q * FB_K + 1], mine[4 * FB_Q * FB_K];
    size_t got = 0;
    while (got < sizeof child) {
        ssize_t r = read(fallback_pipe[0], (char *)child + got, sizeof child - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    int status = 0;
    waitpid(fallback_child, &status, 0);
    CHECK(got == sizeof child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(child[0] == 1);   /* the child really ran the scalar kernels */
    fallback_topk(mine);
    CHECK(memcmp(child + 1, mine, sizeof mine) == 0);
}

int main(void)
{
    start_fallback_child();
    collect_tables();
    RUN(test_reductions_match_exact);
    RUN(test_cosine_edges);
    RUN(test_elementwise_bit_identical);
    RUN(test_elementwise_overflow);
    RUN(test_normalize_and_norm);
    RUN(test_public_distances);
    RUN(test_dispatch_once);
    RUN(test_scalar_fallback_same_topk);
    return UNIT_DONE();
}
