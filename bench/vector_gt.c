/*
 * vector_gt.c — exact top-10 ground truth (by L2) of a benchmark set, in the same file as
 * build/bench/vector_hnsw writes and reads it (bench/data/<set>_gt.ivecs: per query int32 10,
 * then 10 int32 row numbers).  bench/vector_wire.py runs it when the file is missing.
 *
 *   build/bench/vector_gt bench/data/A_base.fvecs bench/data/A_query.fvecs bench/data/A_gt.ivecs
 */
#include "vector/vector.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define K 10

typedef struct fvecs {
    size_t n, dim;
    float *data;
} fvecs;

static bool load_fvecs(const char *path, fvecs *out)
{
    FILE *f = fopen(path, "rb");
    int32_t d;
    if (!f || fread(&d, 4, 1, f) != 1 || d <= 0) {
        fprintf(stderr, "%s: cannot read (run bench/vector_data.sh first)\n", path);
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

typedef struct job {
    const fvecs *base, *query;
    int32_t *truth;
    size_t from, to;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    for (size_t q = j->from; q < j->to; q++) {
        int64_t ids[K];
        size_t got = 0;
        pg_error err = {0};
        if (!vector_exact_search(VECTOR_METRIC_L2, j->base->dim, j->query->data + q * j->query->dim, j->base->data,
                                 j->base->n, NULL, K, NULL, NULL, ids, NULL, &got, &err) ||
            got != K) {
            fprintf(stderr, "exact search failed: %s\n", err.message ? err.message : "?");
            exit(1);
        }
        for (int i = 0; i < K; i++)
            j->truth[q * K + i] = (int32_t)ids[i];
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s BASE.fvecs QUERY.fvecs OUT_gt.ivecs\n", argv[0]);
        return 2;
    }
    fvecs base, query;
    if (!load_fvecs(argv[1], &base) || !load_fvecs(argv[2], &query))
        return 1;
    int32_t *truth = malloc(query.n * K * sizeof *truth);
    job jobs[2] = {{&base, &query, truth, 0, query.n / 2}, {&base, &query, truth, query.n / 2, query.n}};
    pthread_t t;
    pthread_create(&t, NULL, worker, &jobs[1]);
    worker(&jobs[0]);
    pthread_join(t, NULL);
    FILE *f = fopen(argv[3], "wb");
    if (!f)
        return 1;
    for (size_t q = 0; q < query.n; q++) {
        int32_t k = K;
        if (fwrite(&k, 4, 1, f) != 1 || fwrite(truth + q * K, 4, K, f) != K) {
            fclose(f);
            return 1;
        }
    }
    return fclose(f) == 0 ? 0 : 1;
}
