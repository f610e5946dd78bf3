/*
 * vector_kernels.c — nanoseconds per distance for each kernel table this CPU runs (scalar,
 * AVX2+FMA, AVX-512F), with both vectors in L1, for the dimensions that matter (pgvector's
 * common embedding sizes).  Tells whether a wider instruction set pays (bench/vector.md).
 *
 * usage: vector_kernels [-n CALLS_PER_FIGURE=2000000]
 */
#include "vector/kernels_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double ns_per_call(vector_dist_fn fn, const float *a, const float *b, size_t dim, long calls)
{
    volatile float sink = 0;
    double best = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        int64_t t0 = clock_monotonic_us();
        float acc = 0;
        for (long i = 0; i < calls; i++)
            acc += fn(a, b, dim);
        sink = acc;
        double ns = (double)(clock_monotonic_us() - t0) * 1000.0 / (double)calls;
        if (ns < best)
            best = ns;
    }
    (void)sink;
    return best;
}

int main(int argc, char **argv)
{
    long calls = 2000000;
    if (argc == 3 && strcmp(argv[1], "-n") == 0)
        calls = atol(argv[2]);
    static const size_t dims[] = {32, 128, 384, 768, 1536};
    float *a = aligned_alloc(64, 1536 * sizeof(float));
    float *b = aligned_alloc(64, 1536 * sizeof(float));
    for (int i = 0; i < 1536; i++) {
        a[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
        b[i] = (float)((i * 104729) % 1000) / 1000.0f - 0.5f;
    }
    printf("ns per call, vectors in L1, best of 5 x %ld calls\n", calls);
    printf("%-8s %-14s", "dim", "kernel");
    for (int isa = VECTOR_ISA_SCALAR; isa <= VECTOR_ISA_AVX512; isa++) {
        const vector_kernels *k = vector_kernels_for_isa((vector_isa)isa);
        printf(" %9s", k ? k->name : "-");
    }
    printf("\n");
    for (size_t d = 0; d < ARRAY_LEN(dims); d++) {
        const char *names[] = {"l2_squared", "inner_product", "cosine", "l1"};
        for (int op = 0; op < 4; op++) {
            printf("%-8zu %-14s", dims[d], names[op]);
            for (int isa = VECTOR_ISA_SCALAR; isa <= VECTOR_ISA_AVX512; isa++) {
                const vector_kernels *k = vector_kernels_for_isa((vector_isa)isa);
                if (!k) {
                    printf(" %9s", "-");
                    continue;
                }
                vector_dist_fn fn = op == 0 ? k->l2_squared : op == 1 ? k->inner_product
                                  : op == 2 ? k->cosine_distance : k->l1;
                printf(" %9.2f", ns_per_call(fn, a, b, dims[d], calls / (long)(dims[d] / 32)));
            }
            printf("\n");
        }
    }
    free(a);
    free(b);
    return 0;
}
