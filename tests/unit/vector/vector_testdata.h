/*
 * vector_testdata.h — deterministic data for the vector unit tests: a splitmix64 generator,
 * uniform and clustered float vectors (the model of bench/gen-vectors.c, smaller), and
 * recall against exact search.  Header-only: each test executable includes it once.
 */
#ifndef PGWIRE_VECTOR_TESTDATA_H
#define PGWIRE_VECTOR_TESTDATA_H

#include "vector/vector.h"

#include <math.h>
#include <stdlib.h>

typedef struct test_rng {
    uint64_t s;
} test_rng;

static inline uint64_t test_rng_next(test_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline double test_uniform(test_rng *r)   /* [0, 1) */
{
    return (double)(test_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static inline double test_gauss(test_rng *r)
{
    double s = 0;
    for (int k = 0; k < 12; k++)
        s += test_uniform(r);
    return s - 6.0;
}

/* n vectors with elements uniform in [-1, 1). Caller frees. */
static inline float *test_uniform_vectors(uint64_t seed, size_t n, size_t dim)
{
    test_rng r = {seed};
    float *v = malloc(n * dim * sizeof *v);
    for (size_t i = 0; i < n * dim; i++)
        v[i] = (float)(2.0 * test_uniform(&r) - 1.0);
    return v;
}

/*
 * n vectors around `centres` random unit centres (drawn from `seed`) with Gaussian noise of
 * norm about `noise`, the points drawn from stream `stream` (base data and queries share the
 * centres, never the points).  normalised: scale each to unit length; otherwise the norms
 * vary in [0.5, 1.5) (so inner product and L2 rankings differ).  Caller frees.
 */
static inline float *test_clustered_vectors(uint64_t seed, uint64_t stream, size_t n, size_t dim,
                                            size_t centres, double noise, bool normalised)
{
    test_rng r = {seed};
    double *cen = malloc(centres * dim * sizeof *cen);
    for (size_t c = 0; c < centres; c++) {
        double nn = 0;
        for (size_t i = 0; i < dim; i++) {
            cen[c * dim + i] = test_gauss(&r);
            nn += cen[c * dim + i] * cen[c * dim + i];
        }
        for (size_t i = 0; i < dim; i++)
            cen[c * dim + i] /= sqrt(nn);
    }
    r.s = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    float *v = malloc(n * dim * sizeof *v);
    double *p = malloc(dim * sizeof *p);
    double sd = noise / sqrt((double)dim);
    for (size_t j = 0; j < n; j++) {
        size_t c = test_rng_next(&r) % centres;
        double nn = 0;
        for (size_t i = 0; i < dim; i++) {
            p[i] = cen[c * dim + i] + sd * test_gauss(&r);
            nn += p[i] * p[i];
        }
        double scale = normalised ? 1.0 / sqrt(nn) : 0.5 + test_uniform(&r);
        for (size_t i = 0; i < dim; i++)
            v[j * dim + i] = (float)(p[i] * scale);
    }
    free(p);
    free(cen);
    return v;
}

/* |found ∩ truth| / k, both of length k (truth may hold fewer than k real entries: nt). */
static inline double test_recall(const int64_t *found, size_t nf, const int64_t *truth, size_t nt)
{
    size_t hit = 0;
    for (size_t i = 0; i < nf; i++)
        for (size_t j = 0; j < nt; j++)
            if (found[i] == truth[j]) {
                hit++;
                break;
            }
    return nt ? (double)hit / (double)nt : 1.0;
}

#endif
