/*
 * vector_hnsw.c — in-process benchmark of the vector layer on the project's sets A and B
 * (bench/vector.md): HNSW build time on 1 and 2 threads, index memory, recall@10 and
 * single-thread queries/s for several ef_search, and the exact top-10 scan; each figure is
 * the median of `-r` runs, printed beside hnswlib 0.6.2's reference figure on this machine
 * type (/work/shared/bench-data/README.md) with our/their ratio.
 *
 * usage: vector_hnsw [-s A|B|AB] [-r RUNS=3] [-d DATA_DIR=bench/data] [-m M=16] [-e EFC=64]
 *                    [-q SCAN_QUERIES=200] [-t BUILD_THREADS=2]
 * The data files come from bench/vector_data.sh; exact ground truth is computed once and
 * cached beside them as <set>_gt.ivecs.
 */
#include "vector/vector.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K 10
#define MAX_RUNS 9

typedef struct fvecs {
    size_t n, dim;
    float *data;
} fvecs;

/* hnswlib 0.6.2, M = 16, ef_construction = 64 (README of bench-data); 0 = no figure. */
typedef struct reference {
    const char *set;
    double build1, build2;
    int ef[4];
    double recall[4], qps[4];
    double scan_lo, scan_hi, scan_scalar;
} reference;

static const reference references[] = {
    {"A", 11.8, 5.1, {40, 64, 100, 200}, {0.950, 0.972, 0.985, 0.996},
     {10300, 7600, 5000, 3500}, 290, 400, 74},
    {"B", 31.9, 16.7, {40, 64, 100, 200}, {0.939, 0.964, 0.982, 0.994},
     {3600, 2800, 2100, 1400}, 52, 62, 13},
};

static const int ef_list[] = {10, 20, 40, 64, 100, 200};

static double now_s(void)
{
    return (double)clock_monotonic_us() / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool load_fvecs(const char *path, fvecs *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open (run bench/vector_data.sh first)\n", path);
        return false;
    }
    int32_t d;
    if (fread(&d, 4, 1, f) != 1 || d <= 0) {
        fclose(f);
        return false;
    }
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    size_t row = 4 + (size_t)d * 4;
    out->dim = (size_t)d;
    out->n = (size_t)bytes / row;
    out->data = malloc(out->n * out->dim * sizeof(float));
    for (size_t i = 0; i < out->n; i++) {
        float *row = out->data + i * out->dim;
        if (fread(&d, 4, 1, f) != 1 || fread(row, 4, out->dim, f) != out->dim) {
            fclose(f);
            return false;
        }
    }
    fclose(f);
    return true;
}

/* ---------------------------------------------------------------- ground truth */

typedef struct gt_job {
    const fvecs *base, *query;
    int64_t *truth;
    size_t from, to;
} gt_job;

static void *gt_worker(void *arg)
{
    gt_job *j = arg;
    pg_error err = {0};
    for (size_t q = j->from; q < j->to; q++) {
        size_t got;
        if (!vector_exact_search(VECTOR_METRIC_L2, j->base->dim, j->query->data + q * j->query->dim,
                                 j->base->data, j->base->n, NULL, K, NULL, NULL,
                                 j->truth + q * K, NULL, &got, &err))
            abort();
    }
    return NULL;
}

static int64_t *ground_truth(const char *path, const fvecs *base, const fvecs *query)
{
    int64_t *truth = malloc(query->n * K * sizeof *truth);
    FILE *f = fopen(path, "rb");
    if (f) {
        bool ok = true;
        for (size_t q = 0; q < query->n && ok; q++) {
            int32_t k, ids[K];
            ok = fread(&k, 4, 1, f) == 1 && k == K && fread(ids, 4, K, f) == K;
            for (int i = 0; ok && i < K; i++)
                truth[q * K + i] = ids[i];
        }
        fclose(f);
        if (ok)
            return truth;
    }
    fprintf(stderr, "computing exact ground truth into %s ...\n", path);
    gt_job jobs[2] = {{base, query, truth, 0, query->n / 2},
                      {base, query, truth, query->n / 2, query->n}};
    pthread_t t;
    pthread_create(&t, NULL, gt_worker, &jobs[1]);
    gt_worker(&jobs[0]);
    pthread_join(t, NULL);
    if ((f = fopen(path, "wb"))) {
        for (size_t q = 0; q < query->n; q++) {
            int32_t k = K, ids[K];
            for (int i = 0; i < K; i++)
                ids[i] = (int32_t)truth[q * K + i];
            if (fwrite(&k, 4, 1, f) != 1 || fwrite(ids, 4, K, f) != K)
                break;
        }
        fclose(f);
    }
    return truth;
}

/* ---------------------------------------------------------------- measurements */

static vector_index *build(const fvecs *base, const int64_t *rowids, size_t m, size_t efc,
                           int threads, double *seconds)
{
    pg_error err = {0};
    vector_index *idx = vector_index_create(VECTOR_METRIC_L2, base->dim, m, efc, 42, &err);
    double t0 = now_s();
    if (!idx || !vector_index_build_parallel(idx, base->n, rowids, base->data, threads, &err)) {
        fprintf(stderr, "build failed: %s\n", err.message);
        exit(1);
    }
    *seconds = now_s() - t0;
    return idx;
}

static double search_pass(const vector_index *idx, const fvecs *query, const int64_t *truth,
                          int ef, double *recall)
{
    pg_error err = {0};
    size_t hits = 0;
    double t0 = now_s();
    for (size_t q = 0; q < query->n; q++) {
        int64_t ids[K];
        size_t got;
        if (!vector_index_search(idx, query->data + q * query->dim, K, (size_t)ef, NULL, NULL,
                                 ids, NULL, &got, &err))
            abort();
        for (size_t i = 0; i < got; i++)
            for (int j = 0; j < K; j++)
                if (ids[i] == truth[q * K + j]) {
                    hits++;
                    break;
                }
    }
    double t = now_s() - t0;
    *recall = (double)hits / (double)(query->n * K);
    return (double)query->n / t;
}

static double scan_pass(const fvecs *base, const fvecs *query, size_t nq)
{
    pg_error err = {0};
    double t0 = now_s();
    for (size_t q = 0; q < nq; q++) {
        int64_t ids[K];
        size_t got;
        if (!vector_exact_search(VECTOR_METRIC_L2, base->dim, query->data + q * query->dim,
                                 base->data, base->n, NULL, K, NULL, NULL, ids, NULL, &got, &err))
            abort();
    }
    return (double)nq / (now_s() - t0);
}

/* ---------------------------------------------------------------- machine check */

static void *spin(void *arg)
{
    volatile double x = 0;
    for (long i = 0; i < 100000000L; i++)
        x += (double)i * 0.5;
    UNUSED(arg);
    return NULL;
}

/*
 * These shared machines lend their second vCPU unevenly (the README warns of ±30 %): the same
 * CPU-bound loop on one and on two threads says how much of a second core there is right now,
 * so a reader can tell a slow 2-thread build from a busy host.
 */
static double two_core_efficiency(void)
{
    double t0 = now_s();
    spin(NULL);
    double one = now_s() - t0;
    pthread_t t;
    t0 = now_s();
    pthread_create(&t, NULL, spin, NULL);
    spin(NULL);
    pthread_join(t, NULL);
    return one / (now_s() - t0);
}

/* Our queries/s at a given recall, interpolated (log-linear) along our ef curve. */
static double qps_at_recall(const double *recall, const double *qps, int n, double target)
{
    for (int i = 0; i + 1 < n; i++) {
        if (recall[i] <= target && target <= recall[i + 1] && recall[i + 1] > recall[i]) {
            double f = (target - recall[i]) / (recall[i + 1] - recall[i]);
            return exp(log(qps[i]) + f * (log(qps[i + 1]) - log(qps[i])));
        }
    }
    return NAN;
}

static void run_set(const char *set, const char *dir, int runs, size_t m, size_t efc,
                    size_t scan_queries, int build_threads)
{
    char bp[512], qp[512], gp[512];
    snprintf(bp, sizeof bp, "%s/%s_base.fvecs", dir, set);
    snprintf(qp, sizeof qp, "%s/%s_query.fvecs", dir, set);
    snprintf(gp, sizeof gp, "%s/%s_gt.ivecs", dir, set);
    fvecs base, query;
    if (!load_fvecs(bp, &base) || !load_fvecs(qp, &query))
        exit(1);
    const reference *ref = NULL;
    for (size_t i = 0; i < ARRAY_LEN(references); i++)
        if (strcmp(references[i].set, set) == 0 && m == 16 && efc == 64)
            ref = &references[i];
    int64_t *truth = ground_truth(gp, &base, &query);
    int64_t *rowids = malloc(base.n * sizeof *rowids);
    for (size_t i = 0; i < base.n; i++)
        rowids[i] = (int64_t)i;

    printf("\n== set %s: %zu x %zu, %zu queries, m=%zu ef_construction=%zu, kernels %s, "
           "median of %d runs ==\n"
           "machine: two-core capacity now %.0f%% (a CPU-bound loop on 2 threads; 100%% = two "
           "free cores, 50%% = one)\n",
           set, base.n, base.dim, query.n, m, efc, vector_isa_name(), runs,
           100.0 * two_core_efficiency());

    double t1[MAX_RUNS], t2[MAX_RUNS];
    for (int r = 0; r < runs; r++) {
        vector_index *idx = build(&base, rowids, m, efc, 1, &t1[r]);
        vector_index_free(idx);
    }
    vector_index *idx = NULL;
    for (int r = 0; r < runs; r++) {
        vector_index_free(idx);
        idx = build(&base, rowids, m, efc, build_threads, &t2[r]);
    }
    double b1 = median(t1, runs), b2 = median(t2, runs);
    vector_index_stats st;
    vector_index_get_stats(idx, &st);
    printf("%-34s %10s %10s %8s\n", "figure", "ours", "hnswlib", "ratio");
    printf("%-34s %9.2fs %9.1fs %8.2f\n", "build, 1 thread", b1, ref ? ref->build1 : NAN,
           ref ? ref->build1 / b1 : NAN);
    printf("%-31s %2d %9.2fs %9.1fs %8.2f\n", "build, threads:", build_threads, b2,
           ref ? ref->build2 : NAN, ref && build_threads == 2 ? ref->build2 / b2 : NAN);
    printf("%-34s %9.1fM   (vectors %.1fM, links %.1fM, other %.1fM, scratch %.2fM)\n",
           "index memory (MB)", st.bytes_total / 1e6, st.bytes_vectors / 1e6, st.bytes_links / 1e6,
           st.bytes_other / 1e6, st.bytes_scratch / 1e6);

    int n_ef = (int)ARRAY_LEN(ef_list);
    double rec[ARRAY_LEN(ef_list)], qps[ARRAY_LEN(ef_list)];
    printf("%-8s %8s %10s %14s %14s %8s\n", "ef", "recall", "q/s", "hnswlib recall", "hnswlib q/s",
           "ratio");
    for (int e = 0; e < n_ef; e++) {
        double v[MAX_RUNS];
        for (int r = 0; r < runs; r++)
            v[r] = search_pass(idx, &query, truth, ef_list[e], &rec[e]);
        qps[e] = median(v, runs);
        int ri = -1;
        for (int i = 0; ref && i < 4; i++)
            if (ref->ef[i] == ef_list[e])
                ri = i;
        if (ri >= 0)
            printf("%-8d %8.3f %10.0f %14.3f %14.0f %8.2f\n", ef_list[e], rec[e], qps[e],
                   ref->recall[ri], ref->qps[ri], qps[e] / ref->qps[ri]);
        else
            printf("%-8d %8.3f %10.0f %14s %14s %8s\n", ef_list[e], rec[e], qps[e], "-", "-", "-");
    }
    if (ref) {
        printf("at equal recall (ours interpolated along ef):\n");
        for (int i = 0; i < 4; i++) {
            double q = qps_at_recall(rec, qps, n_ef, ref->recall[i]);
            if (isnan(q))
                printf("  recall %.3f: outside our measured range (ef %d..%d)\n", ref->recall[i],
                       ef_list[0], ef_list[n_ef - 1]);
            else
                printf("  recall %.3f: ours %7.0f q/s, hnswlib %6.0f q/s, ratio %.2f\n",
                       ref->recall[i], q, ref->qps[i], q / ref->qps[i]);
        }
    }
    size_t nq = scan_queries < query.n ? scan_queries : query.n;
    double v[MAX_RUNS];
    for (int r = 0; r < runs; r++)
        v[r] = scan_pass(&base, &query, nq);
    double scan = median(v, runs);
    if (ref)
        printf("%-34s %10.0f %5.0f-%-4.0f %8.2f (vs low end; scalar -O2 ref %.0f)\n",
               "exact scan top-10, 1 thread, q/s", scan, ref->scan_lo, ref->scan_hi,
               scan / ref->scan_lo, ref->scan_scalar);
    else
        printf("%-34s %10.0f\n", "exact scan top-10, 1 thread, q/s", scan);
    vector_index_free(idx);
    free(rowids);
    free(truth);
    free(base.data);
    free(query.data);
}

int main(int argc, char **argv)
{
    const char *sets = "AB", *dir = "bench/data";
    int runs = 3, threads = 2;
    size_t m = 16, efc = 64, scan_queries = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-s"))
            sets = argv[i + 1];
        else if (!strcmp(argv[i], "-r"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-d"))
            dir = argv[i + 1];
        else if (!strcmp(argv[i], "-m"))
            m = (size_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-e"))
            efc = (size_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-q"))
            scan_queries = (size_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "-t"))
            threads = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "-r must be 1..%d\n", MAX_RUNS);
        return 2;
    }
    for (const char *s = sets; *s; s++) {
        char set[2] = {*s, 0};
        run_set(set, dir, runs, m, efc, scan_queries, threads);
    }
    return 0;
}
