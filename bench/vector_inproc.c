/*
 * vector_inproc.c — the same measurements as bench/vector_wire.py, in-process and right now:
 * a 2-thread build (m 16, ef_construction 64), queries/s on one thread for each ef_search, and
 * the exact scan's queries/s.  vector_wire.py runs it beside the server so that the wire's
 * cost shows as a ratio taken at the same moment (these shared machines vary by 5x).
 *
 *   build/bench/vector_inproc bench/data/A_base.fvecs bench/data/A_query.fvecs [exact_queries [A_gt.ivecs]]
 *
 * Output, one line: build_s qps@10 qps@20 qps@40 qps@64 qps@100 qps@200 exact_qps, then with
 * the ground truth recall@10 for each ef_search (the same build, so that the server's recall
 * can be told from one build's luck).
 */
#include "vector/vector.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct fvecs {
    size_t n, dim;
    float *data;
} fvecs;

static bool load_fvecs(const char *path, fvecs *out)
{
    FILE *f = fopen(path, "rb");
    int32_t d;
    if (!f || fread(&d, 4, 1, f) != 1 || d <= 0) {
        if (f)
            fclose(f);
        return false;
    }
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    out->dim = (size_t)d;
    out->n = (size_t)bytes / (4 + (size_t)d * 4);
    out->data = malloc(out->n * out->dim * sizeof(float));
    for (size_t i = 0; out->data && i < out->n; i++)
        if (fread(&d, 4, 1, f) != 1 || fread(out->data + i * out->dim, 4, out->dim, f) != out->dim) {
            fclose(f);
            return false;
        }
    fclose(f);
    return out->data != NULL;
}

/* The first 10 neighbours of each query (ivecs: int32 k, then k int32 ids). */
static int32_t *load_gt(const char *path, size_t nq)
{
    FILE *f = fopen(path, "rb");
    int32_t *gt = f ? malloc(nq * 10 * sizeof *gt) : NULL;
    for (size_t q = 0; gt && q < nq; q++) {
        int32_t k;
        if (fread(&k, 4, 1, f) != 1 || k < 10 || fread(gt + q * 10, 4, 10, f) != 10 ||
            fseek(f, (long)(k - 10) * 4, SEEK_CUR) != 0) {
            free(gt);
            gt = NULL;
        }
    }
    if (f)
        fclose(f);
    return gt;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s BASE.fvecs QUERY.fvecs [exact_queries [GT.ivecs]]\n", argv[0]);
        return 2;
    }
    fvecs base, query;
    if (!load_fvecs(argv[1], &base) || !load_fvecs(argv[2], &query))
        return 1;
    size_t exact_q = argc > 3 ? (size_t)atoi(argv[3]) : 100;
    if (exact_q > query.n)
        exact_q = query.n;
    int32_t *gt = argc > 4 ? load_gt(argv[4], query.n) : NULL;
    if (argc > 4 && !gt)
        return 1;
    double recall[6] = {0};
    int64_t *ids = malloc(base.n * sizeof *ids);
    for (size_t i = 0; i < base.n; i++)
        ids[i] = (int64_t)i;
    pg_error err = {0};
    vector_index *idx = vector_index_create(VECTOR_METRIC_L2, base.dim, 16, 64, 42, &err);
    double t0 = now_s();
    if (!idx || !vector_index_build_parallel(idx, base.n, ids, base.data, 2, &err))
        return 1;
    printf("%.2f", now_s() - t0);
    static const size_t efs[] = {10, 20, 40, 64, 100, 200};
    for (size_t e = 0; e < sizeof efs / sizeof efs[0]; e++) {
        t0 = now_s();
        for (size_t q = 0; q < query.n; q++) {
            int64_t out[10];
            size_t got;
            if (!vector_index_search(idx, query.data + q * query.dim, 10, efs[e], NULL, NULL, out, NULL, &got, &err))
                return 1;
            for (size_t i = 0; gt && i < got; i++)
                for (size_t j = 0; j < 10; j++)
                    recall[e] += out[i] == gt[q * 10 + j];
        }
        printf(" %.0f", (double)query.n / (now_s() - t0));
    }
    t0 = now_s();
    for (size_t q = 0; q < exact_q; q++) {
        int64_t out[10];
        size_t got;
        if (!vector_exact_search(VECTOR_METRIC_L2, base.dim, query.data + q * query.dim, base.data, base.n, NULL, 10,
                                 NULL, NULL, out, NULL, &got, &err))
            return 1;
    }
    printf(" %.1f", (double)exact_q / (now_s() - t0));
    for (size_t e = 0; gt && e < 6; e++)
        printf(" %.4f", recall[e] / (double)(query.n * 10));
    printf("\n");
    free(gt);
    vector_index_free(idx);
    return 0;
}
